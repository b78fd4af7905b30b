//! Conformance trials: one libtest-mimic trial per (adapter, profile, test),
//! named `<adapter>::<profile>::<area>::<id>`, plus the upstream bolts cases
//! (`upstream::<file stem>::<case>`), one failing trial per vector file that
//! does not load (`load::<profile>::<area>`) and per wrong expected-failures
//! entry. The logic is the harness's runner; this file only wires it up.
//!
//! The adapters are the built-in ones and the installed external ones of
//! `adapters/external.json` (each started at its first trial, so a test
//! process that runs none of its trials never starts it; with `--exact`, only
//! the adapter the name starts with is looked for).
//!
//! `cargo test --test conformance -- --list`, filters, `--exact` and
//! `cargo nextest run` work as for any test. `ASYNCPAY_VECTORS=DIR` runs
//! another vector directory.

use asyncpay_cli::{builtin_adapters, select, Request, UPSTREAM};
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
            // Under `--exact NAME` (how nextest runs one trial), start and
            // check only the adapter NAME starts with.
            let only: Vec<String> = match (&args.filter, args.exact) {
                (Some(f), true) => f.split("::").next().map(String::from).into_iter().collect(),
                _ => Vec::new(),
            };
            let request = |names: &[String]| {
                select(&Request {
                    root,
                    names,
                    execs: &[],
                    request_timeout: std::time::Duration::from_secs(5),
                    eager: false,
                })
            };
            let adapters = match request(&only) {
                Ok(sel) => sel.adapters,
                // `upstream::...`, `load::...`: no adapter of that name.
                Err(_) if !only.is_empty() => builtin_adapters(),
                Err(e) => {
                    return libtest_mimic::run(
                        &args,
                        vec![libtest_mimic::Trial::test("load::adapters", move || {
                            Err(e.into())
                        })],
                    )
                    .exit_code()
                }
            };
            asyncpay_harness::trials(&suite, &adapters, &args, &opts)
        }
        Err(e) => vec![libtest_mimic::Trial::test("load::profiles", move || {
            Err(e.to_string().into())
        })],
    };
    libtest_mimic::run(&args, trials).exit_code()
}
