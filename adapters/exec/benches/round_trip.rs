//! Protocol round trips with a trivial implementation: one persistent
//! process (sequential, then pipelined from 2 and 8 threads) against one process
//! per request (toml-test's model), measured side by side in one run.
//!
//! `cargo bench -p asyncpay-exec` (`-- --quick` for fewer requests).

use asyncpay_adapter::features::CheckFeatures;
use asyncpay_adapter::{Adapter, Operation, Outcome, Profile};
use asyncpay_exec::{ExecAdapter, ExecConfig};
use std::sync::Arc;
use std::time::Instant;

fn config() -> ExecConfig {
    ExecConfig::new("testimpl", env!("CARGO_BIN_EXE_asyncpay-exec-testimpl")).expect("a command")
}

fn op(i: usize) -> Operation {
    Operation::CheckFeatures(CheckFeatures {
        hex: format!("{:04x}", i % 65536),
        context: "init".into(),
    })
}

fn answer(a: &ExecAdapter, i: usize, profile: &Profile) {
    let o = a.execute(&op(i), profile);
    assert!(matches!(o, Outcome::Accepted { .. }), "{o:?}");
}

/// Requests per second over `n` requests done by `f`.
fn rate(n: usize, f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    n as f64 / t.elapsed().as_secs_f64()
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (n, per_process) = if quick { (5_000, 50) } else { (50_000, 300) };
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors/profiles.json");
    let profile = asyncpay_harness::runner::load_profiles(std::path::Path::new(path))
        .expect("profiles")
        .remove(0);

    let persistent = ExecAdapter::start(config());
    answer(&persistent, 0, &profile);
    let sequential = rate(n, || (0..n).for_each(|i| answer(&persistent, i, &profile)));

    let shared = Arc::new(persistent);
    let pipelined = |threads: usize| {
        rate(n, || {
            std::thread::scope(|s| {
                for t in 0..threads {
                    let (a, p) = (shared.clone(), &profile);
                    s.spawn(move || (t..n).step_by(threads).for_each(|i| answer(&a, i, p)));
                }
            })
        })
    };
    let (x2, x8) = (pipelined(2), pipelined(8));

    let one_each = rate(per_process, || {
        for i in 0..per_process {
            let a = ExecAdapter::start(config());
            answer(&a, i, &profile);
        }
    });

    println!("persistent, sequential:        {sequential:>10.0} requests/s ({n} requests)");
    println!("persistent, pipelined x2:      {x2:>10.0} requests/s ({n} requests)");
    println!("persistent, pipelined x8:      {x8:>10.0} requests/s ({n} requests)");
    println!("one process per request:       {one_each:>10.0} requests/s ({per_process} requests)");
    println!(
        "ratio persistent/per-process:  {:.0}x sequential, {:.0}x pipelined x2, {:.0}x pipelined x8",
        sequential / one_each,
        x2 / one_each,
        x8 / one_each
    );
}
