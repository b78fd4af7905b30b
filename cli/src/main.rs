//! `asyncpay`: run the async payments conformance suite, and generate and
//! check its vectors.

mod outputs;

use asyncpay_cli::{select, Request, UPSTREAM};
use asyncpay_harness::runner::{RunOptions, Suite, WORKER_THREAD_NAME};
use asyncpay_harness::{coverage, matrix, report};
use asyncpay_vectors::regen;
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// The async payments (BOLT PR 1149) conformance suite.
///
/// Runs every vector against every adapter, grades failures by the level of
/// the requirement they break (MUST fails the run, SHOULD is reported), and
/// keeps the vectors byte-identical to their recipes.
#[derive(Parser, Debug)]
#[command(name = "asyncpay", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the vectors against adapters and report.
    ///
    /// Prints every failure (trial, requirements and levels, expected,
    /// actual, the JSON path that differs), a table per adapter and profile,
    /// and last the line
    /// `N passed, N failed, N rejected for another reason, N skipped`. Exits non-zero on
    /// any MUST failure, unexpected pass or load error (with --strict, also
    /// on SHOULD failures).
    Run(Box<RunArgs>),
    /// Differential fuzzing: mutate the vectors' inputs, run each on the
    /// adapters beside the reference, and report the divergences no
    /// expected-failures entry explains, clustered and shrunk.
    ///
    /// Prints each new cluster (the reference's and the adapter's answers,
    /// the seed vector and its requirements, the minimal input), then per
    /// adapter the inputs that agree, differ only in the reason, are
    /// unsupported, are known divergences (per entry) or new ones. The same
    /// --seed gives the same inputs. Exits non-zero if the reference broke,
    /// or, with --fail-on-new, if anything new was found.
    Fuzz(Box<FuzzArgs>),
    /// Write one Markdown finding per divergence of an implementation (each
    /// entry of adapters/NAME/expected-failures.json) and an index: what
    /// the draft says (quoted from requirements.json), what the
    /// implementation does, the minimal input as hex and decoded, the
    /// command that reproduces it, the evidence. Made from the data alone:
    /// the adapter need not be built or installed.
    Report(outputs::ReportArgs),
    /// Generate or check the vector files.
    #[command(subcommand)]
    Vectors(VectorsCommand),
    /// Inspect the requirement catalogue.
    #[command(subcommand)]
    Requirements(RequirementsCommand),
}

#[derive(Parser, Debug)]
struct RunArgs {
    /// Run only this adapter (repeatable): a built-in one, one listed in
    /// adapters/external.json, or one given with --exec. Default: every
    /// built-in and every installed external adapter (the ones not installed
    /// are named, with the command that installs them), or only the --exec
    /// ones if there are any.
    #[arg(long = "adapter", value_name = "NAME")]
    adapters: Vec<String>,
    /// Run an implementation in any language over the process protocol
    /// (adapters/exec/PROTOCOL.md): NAME=COMMAND, the command split into
    /// words as a shell would (repeatable).
    #[arg(long = "exec", value_name = "NAME=COMMAND")]
    execs: Vec<String>,
    /// Seconds an external implementation has to answer one request before
    /// it is killed and restarted (less than --timeout).
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    exec_timeout: f64,
    /// A further expected-failures file (repeatable; it names its adapter).
    #[arg(long = "expected-failures", value_name = "FILE")]
    expected_failures_files: Vec<PathBuf>,
    /// Run only this profile (repeatable; default: every profile).
    #[arg(long = "profile", value_name = "P")]
    profiles: Vec<String>,
    /// The vector directory (default: ./vectors, else the repository's).
    #[arg(long, value_name = "DIR")]
    vectors: Option<PathBuf>,
    /// Where `<adapter>/expected-failures.json` files are (default: the
    /// `adapters` directory beside the vector directory).
    #[arg(long, value_name = "DIR")]
    expected_failures_dir: Option<PathBuf>,
    /// Also write the JSON report here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Also write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Also write the conformance matrix here: one self-contained HTML page,
    /// implementations against areas and requirements, each cell opening
    /// to its trials.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Also write a Markdown summary here (for a CI job summary).
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Seconds an adapter has to answer one operation.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    timeout: f64,
    /// Worker threads (0: one per CPU).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// SHOULD failures fail the run too.
    #[arg(long)]
    strict: bool,
    /// An invalid vector rejected for another reason than its defect's
    /// fails the run too (by default it is counted apart); the report lists,
    /// per adapter, the requirements it enforces under another reason.
    #[arg(long)]
    strict_reasons: bool,
    /// Skip the upstream bolts cases.
    #[arg(long)]
    no_upstream: bool,
    /// Run only trials whose name contains this
    /// (`<adapter>::<profile>::<area>::<id>`).
    filter: Option<String>,
}

#[derive(Parser, Debug)]
struct FuzzArgs {
    /// Fuzz this adapter beside the reference (repeatable; default: every
    /// built-in and installed external adapter but the reference).
    #[arg(long = "adapter", value_name = "NAME")]
    adapters: Vec<String>,
    /// An implementation over the process protocol, NAME=COMMAND (repeatable).
    #[arg(long = "exec", value_name = "NAME=COMMAND")]
    execs: Vec<String>,
    /// Only this profile (repeatable; default: every profile).
    #[arg(long = "profile", value_name = "P")]
    profiles: Vec<String>,
    /// Only this op (repeatable): offer.decode, static_invoice.decode,
    /// update_add_htlc.decode, revoke_and_ack.decode, features.check,
    /// blinded_path.unblind, onion_message.peel.
    #[arg(long = "op", value_name = "OP")]
    ops: Vec<String>,
    /// The seed of the input sequence.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Stop after this many inputs (default 10000 unless --seconds is given).
    #[arg(long, value_name = "N")]
    iterations: Option<u64>,
    /// Stop after this many seconds.
    #[arg(long, value_name = "SECS")]
    seconds: Option<f64>,
    /// Write each new cluster's minimal input here, one JSON file each.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Also write the JSON report here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// The vector directory (default: ./vectors, else the repository's).
    #[arg(long, value_name = "DIR")]
    vectors: Option<PathBuf>,
    /// Seconds an external implementation has to answer one request.
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    exec_timeout: f64,
    /// Exit non-zero if a new divergence was found.
    #[arg(long)]
    fail_on_new: bool,
    /// Compare against this adapter instead of the reference (e.g.
    /// `--baseline ldk --adapter ldk-0.3`, one release against another):
    /// every difference is reported as new, none explained by an
    /// expected-failures entry or as a legitimate difference.
    #[arg(long, value_name = "NAME")]
    baseline: Option<String>,
}

#[derive(Subcommand, Debug)]
enum VectorsCommand {
    /// Write every recipe's files as canonical JSON (removes nothing).
    Generate {
        /// The vector directory (default: ./vectors, else the repository's).
        #[arg(long, value_name = "DIR")]
        vectors: Option<PathBuf>,
    },
    /// Check every file: structure, known requirement ids, and that it
    /// regenerates byte for byte (naming the file and test that differ).
    Check {
        /// The vector directory (default: ./vectors, else the repository's).
        #[arg(long, value_name = "DIR")]
        vectors: Option<PathBuf>,
    },
    /// Export the draft profile's (bolts-pr1149) vectors in the bolts
    /// repository's own JSON shapes, with a README, for the spec PR: static
    /// invoices as BOLT 12 strings (offers-test.json's shape), update_add_htlc
    /// / revoke_and_ack / feature cases, the release reply paths
    /// (route-blinding-test.json's shape) and the held_htlc_available /
    /// release_held_htlc onion messages (blinded-onion-message-onion-test.json's
    /// shape). Deterministic: the same vectors give the same bytes. A copy is
    /// committed under vectors/export/bolts, which `vectors check` compares.
    Export {
        /// The shapes to write (only `bolts`).
        #[arg(long, value_name = "FORMAT", default_value = "bolts")]
        format: String,
        /// The output directory (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The vector directory (default: ./vectors, else the repository's).
        #[arg(long, value_name = "DIR")]
        vectors: Option<PathBuf>,
    },
    /// Audit the corpus against the reference's rules, one knockout at a
    /// time: every invalid vector breaks only the requirements it names
    /// (with their rules knocked out the reference accepts it), and every
    /// rule is pinned (knocked out, some invalid vector passes). Names each
    /// vector with a second defect and each unpinned rule; exits non-zero
    /// if there is any.
    Audit {
        /// The vector directory (default: ./vectors, else the repository's).
        #[arg(long, value_name = "DIR")]
        vectors: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum RequirementsCommand {
    /// Per requirement, the tests that show it conforming and violated
    /// (vectors and scenarios naming it, and the reference's evidence from
    /// the audit); list those not shown on both sides and not unobservable.
    Coverage {
        /// The vector directory (default: ./vectors, else the repository's).
        #[arg(long, value_name = "DIR")]
        vectors: Option<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Exit non-zero if a requirement is not shown on both sides and has
        /// no `unobservable` reason in the catalogue.
        #[arg(long)]
        fail_uncovered: bool,
    },
    /// The draft's gaps (requirements.json `gaps`): per gap, the requirements
    /// it touches and how many vectors depend on it; with --markdown, the
    /// document for the spec PR (the quoted text with its source, what is
    /// missing or contradictory, the suite's choice, the dependent vectors
    /// computed from the vector files, the proposed wording). Exits
    /// non-zero if a gap has no choice or no proposed wording.
    Gaps {
        /// Print the Markdown document, postable on the PR as is.
        #[arg(long)]
        markdown: bool,
        /// The vector directory (default: ./vectors, else the repository's).
        #[arg(long, value_name = "DIR")]
        vectors: Option<PathBuf>,
    },
    /// Check every requirement's quote and condition against the spec text:
    /// each must appear (normalised) in its BOLT file.
    Check {
        /// A directory with `bolts-pr1149/` and `bolts-master/` (like
        /// ../shared/spec), or a plain bolts checkout used for every source.
        #[arg(long, value_name = "DIR")]
        bolts: PathBuf,
        /// The vector directory (default: ./vectors, else the repository's).
        #[arg(long, value_name = "DIR")]
        vectors: Option<PathBuf>,
    },
}

/// `./vectors` if it holds `profiles.json`, else the repository's `vectors/`.
/// The suite of `dir`, its files that do not load named on standard error
/// (`None`, after saying why, when it does not load at all).
fn load_suite(dir: &Path) -> Option<Suite> {
    match Suite::load(dir) {
        Ok(s) => {
            for e in &s.load_errors {
                eprintln!("error: {}", e.message);
            }
            Some(s)
        }
        Err(e) => {
            eprintln!("error: {e}");
            None
        }
    }
}

fn vectors_dir(given: Option<PathBuf>) -> PathBuf {
    if let Some(d) = given {
        return d;
    }
    let here = PathBuf::from("vectors");
    if here.join("profiles.json").exists() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("vectors")
}

fn main() -> ExitCode {
    // A panicking adapter is reported as a failure of its trial; keep the
    // default hook's noise for everything else.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() != Some(WORKER_THREAD_NAME) {
            default_hook(info);
        }
    }));
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => run(*args),
        Command::Fuzz(args) => fuzz(*args),
        Command::Report(args) => outputs::report(args),
        Command::Vectors(VectorsCommand::Generate { vectors }) => {
            let dir = vectors_dir(vectors);
            // The recipes' files, then the committed export made from them.
            let all = regen::generate(&dir).and_then(|mut paths| {
                paths.extend(asyncpay_vectors::export::regenerate(&dir)?);
                Ok(paths)
            });
            match all {
                Ok(paths) => {
                    for p in &paths {
                        println!("wrote {}", p.display());
                    }
                    println!("{} files written", paths.len());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Vectors(VectorsCommand::Check { vectors }) => {
            let dir = vectors_dir(vectors);
            let mut res = regen::check(&dir);
            let exported = asyncpay_vectors::export::check(&dir);
            res.problems.extend(exported);
            for p in &res.problems {
                eprintln!("error: {p}");
            }
            for n in &res.not_built {
                eprintln!("note: {n}");
            }
            if res.problems.is_empty() {
                println!(
                    "{} vector files checked: well formed, requirement ids known, identical to their recipes; {} identical to its export",
                    res.files - res.not_built.len(),
                    asyncpay_vectors::export::COMMITTED
                );
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "{} problem(s) in {} vector files",
                    res.problems.len(),
                    res.files
                );
                ExitCode::FAILURE
            }
        }
        Command::Vectors(VectorsCommand::Export {
            format,
            out,
            vectors,
        }) => outputs::export(&format, &out, vectors),
        Command::Vectors(VectorsCommand::Audit { vectors }) => {
            let Some(suite) = load_suite(&vectors_dir(vectors)) else {
                return ExitCode::FAILURE;
            };
            let a = asyncpay_vectors::audit::audit(&suite);
            print!("{}", asyncpay_vectors::audit::text(&a));
            if a.clean() && suite.load_errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Command::Requirements(RequirementsCommand::Coverage {
            vectors,
            json,
            fail_uncovered,
        }) => {
            let dir = vectors_dir(vectors);
            let Some(suite) = load_suite(&dir) else {
                return ExitCode::FAILURE;
            };
            if !suite.levels.is_present() {
                eprintln!(
                    "error: {}: no requirement catalogue",
                    dir.join("requirements.json").display()
                );
                return ExitCode::FAILURE;
            }
            // The reference's evidence: which tests satisfy each rule, and
            // which catch it knocked out.
            let evidence = asyncpay_vectors::audit::audit(&suite).evidence();
            let c = coverage::coverage(&suite, &evidence);
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&c).unwrap_or_else(|e| e.to_string())
                );
            } else {
                print!("{}", coverage::text(&c));
            }
            if !suite.load_errors.is_empty() || (fail_uncovered && !c.uncovered.is_empty()) {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Requirements(RequirementsCommand::Gaps { markdown, vectors }) => {
            outputs::gaps(markdown, vectors)
        }
        Command::Requirements(RequirementsCommand::Check { bolts, vectors }) => {
            let dir = vectors_dir(vectors);
            match check_quotes(&dir.join("requirements.json"), &bolts) {
                Ok(n) => {
                    println!("{n} requirement quotes found in {}", bolts.display());
                    ExitCode::SUCCESS
                }
                Err(problems) => {
                    for p in &problems {
                        eprintln!("error: {p}");
                    }
                    eprintln!("{} problem(s)", problems.len());
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn run(args: RunArgs) -> ExitCode {
    let dir = vectors_dir(args.vectors);
    let suite = match Suite::load(&dir) {
        Ok(s) => s.with_upstream(UPSTREAM),
        Err(e) => {
            eprintln!("error: {e}");
            println!("0 passed, 1 failed, 0 rejected for another reason, 0 skipped");
            return ExitCode::FAILURE;
        }
    };
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        eprintln!("error: --timeout must be a positive number of seconds");
        return ExitCode::from(2);
    }
    if !(args.exec_timeout.is_finite()
        && args.exec_timeout > 0.0
        && args.exec_timeout < args.timeout)
    {
        eprintln!("error: --exec-timeout must be positive and less than --timeout");
        return ExitCode::from(2);
    }
    let root = dir.join("..");
    let adapters = match adapters_of(&root, &args.adapters, &args.execs, args.exec_timeout) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let opts = RunOptions {
        timeout: Duration::from_secs_f64(args.timeout),
        filter: args.filter,
        profiles: args.profiles,
        expected_failures_dir: Some(
            args.expected_failures_dir
                .unwrap_or_else(|| dir.join("..").join("adapters")),
        ),
        expected_failures_files: args.expected_failures_files,
        upstream: !args.no_upstream,
        threads: args.threads,
        strict: args.strict,
        strict_reasons: args.strict_reasons,
    };
    let plan = suite.plan(&adapters, &opts);
    let total = plan.cases.len() + plan.upstream.len();
    let bar = if std::io::stderr().is_terminal() && total >= 200 {
        indicatif::ProgressBar::new(total as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} trials ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let report = plan.run(&opts, &|done, _| bar.set_position(done as u64));
    bar.finish_and_clear();
    let mut ok = true;
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&report::json(&report))
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        if let Err(e) = std::fs::write(path, text + "\n") {
            eprintln!("error: {}: cannot write: {e}", path.display());
            ok = false;
        }
    }
    if let Some(path) = &args.junit {
        if let Err(e) = std::fs::write(path, report::junit(&report)) {
            eprintln!("error: {}: cannot write: {e}", path.display());
            ok = false;
        }
    }
    let implementations: std::collections::BTreeMap<String, String> = adapters
        .iter()
        .filter_map(|a| a.implementation().map(|i| (a.name().to_string(), i)))
        .collect();
    for (path, text) in [
        (
            &args.html,
            args.html
                .as_ref()
                .map(|_| matrix::html(&report, &implementations)),
        ),
        (
            &args.markdown,
            args.markdown
                .as_ref()
                .map(|_| matrix::markdown(&report, &implementations)),
        ),
    ] {
        if let (Some(path), Some(text)) = (path, text) {
            if let Err(e) = std::fs::write(path, text) {
                eprintln!("error: {}: cannot write: {e}", path.display());
                ok = false;
            }
        }
    }
    print!("{}", report::text(&report));
    if ok && report.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The adapters a command names (see [`select`]), the external ones not
/// installed named on standard error; an error exits with status 2.
fn adapters_of(
    root: &Path,
    names: &[String],
    execs: &[String],
    exec_timeout: f64,
) -> Result<Vec<Arc<dyn asyncpay_adapter::Adapter>>, ExitCode> {
    let selection = select(&Request {
        root,
        names,
        execs,
        request_timeout: Duration::from_secs_f64(exec_timeout),
        eager: true,
    })
    .map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })?;
    for ext in &selection.not_installed {
        eprintln!(
            "note: external adapter {} ({}) is not installed: `{}` installs it",
            ext.name, ext.implementation, ext.install
        );
    }
    Ok(selection.adapters)
}

fn fuzz(args: FuzzArgs) -> ExitCode {
    let dir = vectors_dir(args.vectors);
    let suite = match Suite::load(&dir) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(op) = args
        .ops
        .iter()
        .find(|o| !asyncpay_fuzz::fuzzed_ops().contains(&o.as_str()))
    {
        eprintln!(
            "error: --op {op}: the fuzzer mutates {}",
            asyncpay_fuzz::fuzzed_ops().join(", ")
        );
        return ExitCode::from(2);
    }
    if !(args.exec_timeout.is_finite() && args.exec_timeout > 0.0) {
        eprintln!("error: --exec-timeout must be a positive number of seconds");
        return ExitCode::from(2);
    }
    let root = dir.join("..");
    let adapters = match adapters_of(&root, &args.adapters, &args.execs, args.exec_timeout) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let baseline: Arc<dyn asyncpay_adapter::Adapter> = match &args.baseline {
        None => Arc::new(asyncpay_reference::ReferenceAdapter),
        Some(name) => {
            match adapters_of(&root, std::slice::from_ref(name), &[], args.exec_timeout) {
                Ok(mut a) if a.len() == 1 => a.remove(0),
                Ok(_) => {
                    eprintln!("error: --baseline {name}: not one adapter");
                    return ExitCode::from(2);
                }
                Err(code) => return code,
            }
        }
    };
    let adapters: Vec<_> = adapters
        .into_iter()
        .filter(|a| a.name() != baseline.name())
        .filter(|a| a.name() != "reference" || args.adapters.iter().any(|n| n == "reference"))
        .collect();
    // The same lists a run reads explain the known divergences.
    let lists = RunOptions {
        expected_failures_dir: Some(root.join("adapters")),
        ..RunOptions::default()
    };
    let mut expected = std::collections::BTreeMap::new();
    for a in &adapters {
        let (found, errors) = asyncpay_harness::runner::expected_failures_for(a.name(), &lists);
        if let Some(e) = errors.first() {
            eprintln!(
                "error: {}",
                asyncpay_harness::report::describe(e).trim_end()
            );
            return ExitCode::FAILURE;
        }
        let entries: Vec<_> = found
            .into_iter()
            .flat_map(|l| l.entries)
            .map(Arc::new)
            .collect();
        expected.insert(a.name().to_string(), entries);
    }
    let config = asyncpay_fuzz::Config {
        seed: args.seed,
        iterations: match (args.iterations, args.seconds) {
            (Some(n), _) => Some(n),
            (None, Some(_)) => None,
            (None, None) => Some(10_000),
        },
        duration: args
            .seconds
            .filter(|s| s.is_finite() && *s > 0.0)
            .map(Duration::from_secs_f64),
        profiles: args.profiles,
        ops: args.ops,
        every_difference: args.baseline.is_some(),
        ..asyncpay_fuzz::Config::default()
    };
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new_spinner()
    } else {
        indicatif::ProgressBar::hidden()
    };
    let progress = |n: u64, rates: &[(String, f64)]| {
        let r: Vec<String> = rates.iter().map(|(a, x)| format!("{a} {x:.0}/s")).collect();
        bar.set_message(format!("{n} inputs; {}", r.join(", ")));
        bar.tick();
    };
    let report = asyncpay_fuzz::run(
        &suite,
        baseline.as_ref(),
        &adapters,
        &expected,
        &config,
        &progress,
    );
    bar.finish_and_clear();
    let mut ok = true;
    if let Some(dir) = &args.out {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("error: {}: {e}", dir.display());
            ok = false;
        }
        for (i, c) in report.clusters.iter().enumerate() {
            let name = format!(
                "{:03}-{}-{}-{}.json",
                i + 1,
                c.key.adapter,
                c.key.profile,
                c.key.op
            );
            let one = serde_json::json!({
                "adapter": c.key.adapter, "profile": c.key.profile, "op": c.key.op,
                "reference": c.key.reference, "theirs": c.key.theirs,
                "seed_vector": c.seed_vector, "requirements": c.requirements,
                "input": c.minimal.as_ref().unwrap_or(&c.first_input).vector_input(),
            });
            let text = serde_json::to_string_pretty(&one).unwrap_or_default() + "\n";
            if let Err(e) = std::fs::write(dir.join(&name), text) {
                eprintln!("error: {}: {e}", dir.join(&name).display());
                ok = false;
            }
        }
    }
    if let Some(path) = &args.json {
        let text =
            serde_json::to_string_pretty(&asyncpay_fuzz::report::json(&report)).unwrap_or_default();
        if let Err(e) = std::fs::write(path, text + "\n") {
            eprintln!("error: {}: cannot write: {e}", path.display());
            ok = false;
        }
    }
    if let Some(b) = &args.baseline {
        println!("baseline: {b} (in the report's `reference` column); every difference is new");
    }
    print!("{}", asyncpay_fuzz::report::text(&report));
    let failed = !report.reference_broken.is_empty() || (args.fail_on_new && !report.clean());
    if ok && !failed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Check each requirement's quote (and condition) against the spec text
/// under `bolts` (see [`asyncpay_harness::requirements::check_quotes`] for
/// how files are found); returns the number of requirements checked.
fn check_quotes(catalogue: &Path, bolts: &Path) -> Result<usize, Vec<String>> {
    use asyncpay_harness::requirements::{check_quotes, Catalogue};
    let cat = Catalogue::load(catalogue).map_err(|e| vec![e])?;
    let problems: Vec<String> = check_quotes(&cat, bolts)
        .iter()
        .map(|m| m.to_string())
        .collect();
    if problems.is_empty() {
        Ok(cat.requirements.len())
    } else {
        Err(problems)
    }
}
