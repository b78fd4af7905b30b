//! libtest-mimic trials, so `cargo test` and `cargo nextest` list, filter
//! and run the suite like any other tests.
//!
//! ```no_run
//! // tests/conformance.rs of an adapter crate, with `harness = false`:
//! use asyncpay_harness::{libtest_mimic, RunOptions, Suite};
//! use std::sync::Arc;
//! # struct MyAdapter;
//! # impl asyncpay_adapter::Adapter for MyAdapter {
//! #   fn name(&self) -> &str { "mine" }
//! #   fn native_profiles(&self) -> Vec<String> { vec![] }
//! #   fn execute(&self, _: &asyncpay_adapter::Operation, _: &asyncpay_adapter::Profile)
//! #     -> asyncpay_adapter::Outcome { asyncpay_adapter::Outcome::unsupported("") }
//! # }
//! fn main() {
//!     let args = libtest_mimic::Arguments::from_args();
//!     let suite = Suite::load("path/to/vectors").expect("vectors load");
//!     let adapters: Vec<Arc<dyn asyncpay_adapter::Adapter>> = vec![Arc::new(MyAdapter)];
//!     let trials = asyncpay_harness::trials(&suite, &adapters, &args, &RunOptions::default());
//!     libtest_mimic::run(&args, trials).exit();
//! }
//! ```
//!
//! Trials are named `<adapter>::<profile>::<area>::<id>`, `upstream::<file
//! stem>::<case>`, `load::<profile>::<area>` (a vector file that does not
//! load) and `expected-failures::...` (a wrong expected-failures list).
//!
//! An unsupported operation is an *ignored* trial. libtest-mimic fixes a
//! trial's ignored flag before it runs, so the trials selected by the
//! command line's filter are run up front (in parallel) and their results
//! replayed; with `--list` nothing runs. With `--include-ignored`, an
//! unsupported trial fails, saying so: it is never passed.

use crate::runner::{Case, Plan, RunOptions, Status, Suite, TrialResult, UpstreamTrial};
use asyncpay_adapter::Adapter;
use libtest_mimic::{Arguments, Failed, Trial};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Whether libtest would run a trial named `name` under `args` (the name
/// filter, `--exact` and `--skip`).
pub fn selected(args: &Arguments, name: &str) -> bool {
    let hit = |pat: &str| {
        if args.exact {
            name == pat
        } else {
            name.contains(pat)
        }
    };
    !matches!(args.filter.as_deref(), Some(f) if !hit(f)) && !args.skip.iter().any(|s| hit(s))
}

fn to_trial(r: TrialResult) -> Trial {
    let name = r.name.clone();
    match &r.status {
        Status::Skipped { reason } => {
            let msg = format!("unsupported by adapter {}: {reason}", r.adapter);
            Trial::test(name, move || Err(Failed::from(msg)))
                .with_kind("unsupported")
                .with_ignored_flag(true)
        }
        _ => Trial::test(name, move || outcome(&r).map_err(Failed::from)),
    }
}

enum Lazy {
    Case(Box<Case>),
    Upstream(UpstreamTrial),
}

/// One libtest-mimic trial per (adapter, profile, test), per upstream case,
/// per file that does not load and per wrong expected-failures entry.
/// `opts.filter` is ignored: libtest filters by `args`.
pub fn trials(
    suite: &Suite,
    adapters: &[Arc<dyn Adapter>],
    args: &Arguments,
    opts: &RunOptions,
) -> Vec<Trial> {
    let opts = RunOptions {
        filter: None,
        ..opts.clone()
    };
    let plan = suite.plan(adapters, &opts);
    let mut out: Vec<Trial> = plan
        .errors
        .into_iter()
        .map(|e| Trial::test(e.name.clone(), move || outcome(&e).map_err(Failed::from)))
        .collect();
    let lazy: Vec<(String, Lazy)> = plan
        .cases
        .into_iter()
        .map(|c| (c.name.clone(), Lazy::Case(Box::new(c))))
        .chain(
            plan.upstream
                .into_iter()
                .map(|u| (u.name.clone(), Lazy::Upstream(u))),
        )
        .collect();
    if args.list {
        let timeout = opts.timeout;
        out.extend(lazy.into_iter().map(|(name, job)| {
            Trial::test(name, move || {
                let r = match job {
                    Lazy::Case(c) => c.run(timeout),
                    Lazy::Upstream(u) => u.run(timeout),
                };
                match &r.status {
                    Status::Skipped { reason } => {
                        Err(Failed::from(format!("unsupported: {reason}")))
                    }
                    _ => outcome(&r).map_err(Failed::from),
                }
            })
        }));
        return out;
    }
    let mut sub = Plan {
        errors: Vec::new(),
        cases: Vec::new(),
        upstream: Vec::new(),
    };
    let mut order = Vec::new();
    for (name, job) in lazy {
        if !selected(args, &name) {
            continue;
        }
        order.push(name);
        match job {
            Lazy::Case(c) => sub.cases.push(*c),
            Lazy::Upstream(u) => sub.upstream.push(u),
        }
    }
    let report = sub.run(&opts, &|_, _| {});
    let mut by_name: BTreeMap<String, TrialResult> = report
        .results
        .into_iter()
        .map(|r| (r.name.clone(), r))
        .collect();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    for name in order {
        if let Some(r) = by_name.remove(&name) {
            if let Status::Skipped { reason } = &r.status {
                *skipped
                    .entry(format!("{}: {reason}", r.adapter))
                    .or_default() += 1;
            }
            out.push(to_trial(r));
        }
    }
    if !skipped.is_empty() {
        eprintln!("asyncpay: unsupported operations are ignored trials:");
        for (reason, n) in skipped {
            eprintln!("  {n} × {reason}");
        }
    }
    out
}

/// A trial result as a test outcome: `Ok` for passed, rejected for another
/// reason and expected failures, `Err` with the report for failures,
/// unexpected passes and errors (skipped is `Ok`; callers that can mark it
/// ignored do).
pub fn outcome(r: &TrialResult) -> Result<(), String> {
    match &r.status {
        Status::Passed { .. }
        | Status::OtherReason { .. }
        | Status::ExpectedFailure { .. }
        | Status::Skipped { .. } => Ok(()),
        _ => Err(crate::report::describe(r)),
    }
}
