//! The outputs for the spec PR and for implementers: `vectors export`
//! (the vectors in the bolts repository's shapes), `requirements gaps`
//! (the draft's gaps) and `report` (one finding per divergence).

use super::{load_suite, vectors_dir};
use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The arguments of `asyncpay report`.
#[derive(Parser, Debug)]
pub struct ReportArgs {
    /// The adapter whose expected failures are reported (any directory of
    /// adapters/ with an expected-failures.json, built in or not).
    #[arg(long, value_name = "NAME")]
    pub adapter: String,
    /// The output directory (created if missing): README.md and one file
    /// per finding.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Read this expected-failures file instead of
    /// adapters/NAME/expected-failures.json.
    #[arg(long = "expected-failures", value_name = "FILE")]
    pub expected_failures: Option<PathBuf>,
    /// The vector directory (default: ./vectors, else the repository's).
    #[arg(long, value_name = "DIR")]
    pub vectors: Option<PathBuf>,
}

/// `asyncpay vectors export`: write the export of the vectors to `out`.
pub fn export(format: &str, out: &Path, vectors: Option<PathBuf>) -> ExitCode {
    if format != "bolts" {
        eprintln!("error: --format {format}: the only format is `bolts`");
        return ExitCode::from(2);
    }
    let dir = vectors_dir(vectors);
    let written = asyncpay_vectors::export::export(&dir)
        .and_then(|(files, _)| asyncpay_vectors::export::write(&files, out).map(|w| (files, w)));
    match written {
        Ok((files, paths)) => {
            for (f, p) in files.iter().zip(&paths) {
                println!("wrote {} ({} cases)", p.display(), f.cases);
            }
            let cases: usize = files.iter().map(|f| f.cases).sum();
            println!("{} files written, {cases} cases", paths.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `asyncpay requirements gaps`: the gaps, as text or Markdown.
pub fn gaps(markdown: bool, vectors: Option<PathBuf>) -> ExitCode {
    let dir = vectors_dir(vectors);
    let path = dir.join("requirements.json");
    let cat = match asyncpay_harness::requirements::Catalogue::load(&path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Some(suite) = load_suite(&dir) else {
        return ExitCode::FAILURE;
    };
    if markdown {
        print!("{}", asyncpay_vectors::gaps::markdown(&cat, &suite));
    } else {
        print!("{}", asyncpay_vectors::gaps::text(&cat, &suite));
    }
    let incomplete = asyncpay_vectors::gaps::incomplete(&cat);
    for p in &incomplete {
        eprintln!("error: {}: {p}", path.display());
    }
    if incomplete.is_empty() && suite.load_errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `asyncpay report`: the findings of one adapter, from the data alone.
pub fn report(args: ReportArgs) -> ExitCode {
    use asyncpay_harness::expected::ExpectedFailures;
    use asyncpay_vectors::findings;
    let dir = vectors_dir(args.vectors);
    let root = dir.join("..");
    let file = args.expected_failures.clone().unwrap_or_else(|| {
        root.join("adapters")
            .join(&args.adapter)
            .join(asyncpay_harness::expected::FILE_NAME)
    });
    let list = match ExpectedFailures::load(&file) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if list.adapter != args.adapter {
        eprintln!(
            "error: {}: the file is for adapter {}, not {}",
            file.display(),
            list.adapter,
            args.adapter
        );
        return ExitCode::FAILURE;
    }
    let Some(suite) = load_suite(&dir) else {
        return ExitCode::FAILURE;
    };
    let cat = match asyncpay_harness::requirements::Catalogue::load(dir.join("requirements.json")) {
        Ok(c) => Some(c),
        Err(e) => {
            eprintln!("note: {e}: the findings quote no requirement");
            None
        }
    };
    let install = findings::install_of(&root, &args.adapter);
    let r = findings::report(&list, &suite, cat.as_ref(), install.as_deref());
    match findings::write(&r, &args.out) {
        Ok(n) => {
            for f in &r.findings {
                println!("{}: {} ({} trials)", f.file, f.title, f.trials.len());
            }
            println!(
                "{} findings for {} written to {} ({n} files)",
                r.findings.len(),
                r.adapter,
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
