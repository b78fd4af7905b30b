//! Conformance trials: one libtest-mimic trial per (adapter, profile, test),
//! named `<adapter>::<profile>::<area>::<id>`, plus the upstream bolts cases
//! (`upstream::<file stem>::<case>`), one failing trial per vector file that
//! does not load (`load::<profile>::<area>`) and per wrong expected-failures
//! entry. The logic is the harness's runner; this file only wires it up.
//!
//! `cargo test --test conformance -- --list`, filters, `--exact` and
//! `cargo nextest run` work as for any test. `ASYNCPAY_VECTORS=DIR` runs
//! another vector directory.

use asyncpay_cli::{builtin_adapters, UPSTREAM};
use asyncpay_harness::{libtest_mimic, RunOptions, Suite};
use std::path::Path;

fn main() -> std::process::ExitCode {
    let args = libtest_mimic::Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let vectors = std::env::var_os("ASYNCPAY_VECTORS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("vectors"));
    let trials = match Suite::load(&vectors).map(|s| s.with_upstream(UPSTREAM)) {
        Ok(suite) => {
            let opts = RunOptions {
                expected_failures_dir: Some(root.join("adapters")),
                ..RunOptions::default()
            };
            asyncpay_harness::trials(&suite, &builtin_adapters(), &args, &opts)
        }
        Err(e) => vec![libtest_mimic::Trial::test("load::profiles", move || {
            Err(e.to_string().into())
        })],
    };
    libtest_mimic::run(&args, trials).exit_code()
}
