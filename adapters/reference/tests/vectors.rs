//! The reference on every vector of the repository: each passes, and none
//! is rejected for another reason than its own (the reference is where the
//! vectors' reasons come from). Fast, and the reference's only
//! dependency on the runner (a dev-dependency), so that a change to the
//! model is checked against the whole corpus by `cargo test -p
//! asyncpay-reference`, mutants included (`adapters/reference/mutants`).

use asyncpay_adapter::Adapter;
use asyncpay_harness::{RunOptions, Suite};
use asyncpay_reference::ReferenceAdapter;
use std::sync::Arc;

#[test]
fn the_reference_passes_every_vector() {
    let suite = Suite::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors"))
        .expect("the vectors load");
    assert!(suite.load_errors.is_empty());
    let reference: Arc<dyn Adapter> = Arc::new(ReferenceAdapter);
    let opts = RunOptions {
        upstream: false,
        ..RunOptions::default()
    };
    let report = suite.run(&[reference], &opts);
    let c = report.totals();
    assert!(
        report.success() && c.failed() == 0 && c.other_reasons == 0 && c.errors == 0,
        "{}",
        asyncpay_harness::report::text(&report)
    );
    assert!(c.passed > 500, "{} passed", c.passed);
}
