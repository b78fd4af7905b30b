//! Reference → LDK interop: every valid `static_invoice.decode`,
//! `update_add_htlc.decode` and `revoke_and_ack.decode` test of the `ldk-0.2`
//! vector files (bytes written by the reference writer, with keys of its own)
//! is accepted by LDK 0.2.7 with exactly the expected view, modulo the fields
//! LDK cannot observe (`Adapter::unobservable`), unless the trial is listed in
//! `adapters/ldk/expected-failures.json`.
//!
//! This overlaps the conformance run on purpose: it is the explicit
//! statement that what the reference writes, LDK reads field for field. The
//! comparison, the unobservable fields and the expected-failures list are the
//! harness's own (`Suite::plan` and `Case::run`); this test only selects the
//! trials. The `produced_by_ldk` file is left out: LDK built those bytes.

use asyncpay_harness::runner::{Plan, Status};
use asyncpay_harness::vectors::Verdict;
use asyncpay_harness::{RunOptions, Suite};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The operations whose valid tests are checked.
const OPS: &[&str] = &[
    "static_invoice.decode",
    "update_add_htlc.decode",
    "revoke_and_ack.decode",
];

#[test]
fn ldk_accepts_reference_messages_field_for_field() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let suite = Suite::load(format!("{root}/vectors")).expect("vectors load");
    let opts = RunOptions {
        profiles: vec![asyncpay_ldk::NATIVE_PROFILE.into()],
        expected_failures_dir: Some(format!("{root}/adapters").into()),
        upstream: false,
        ..RunOptions::default()
    };
    let ldk: Arc<dyn asyncpay_adapter::Adapter> = Arc::new(asyncpay_ldk::LdkAdapter::new());
    let plan = suite.plan(&[ldk], &opts);
    let cases = plan
        .cases
        .into_iter()
        .filter(|c| {
            let t = c.test();
            !c.area.starts_with("produced_by_ldk")
                && t.result == Verdict::Valid
                && OPS.contains(&t.op.as_str())
        })
        .collect();
    // Errors of the plan (e.g. an expected-failures entry naming a trial that
    // does not exist) are kept: they fail the test.
    let plan = Plan {
        errors: plan.errors,
        cases,
        upstream: Vec::new(),
    };
    let report = plan.run(&opts, &|_, _| {});

    // op -> (checked, passed, expected failures, failed)
    let mut table: BTreeMap<&str, [usize; 4]> = OPS.iter().map(|op| (*op, [0; 4])).collect();
    let mut problems = Vec::new();
    for r in &report.results {
        let Some(row) = table.get_mut(r.op.as_str()) else {
            problems.push(asyncpay_harness::report::describe(r));
            continue;
        };
        row[0] += 1;
        match &r.status {
            Status::Passed { .. } => row[1] += 1,
            Status::ExpectedFailure { .. } => row[2] += 1,
            _ => {
                row[3] += 1;
                problems.push(asyncpay_harness::report::describe(r));
            }
        }
    }
    println!(
        "reference -> LDK {} ({} vectors, valid tests)",
        asyncpay_ldk::LDK_VERSION,
        asyncpay_ldk::NATIVE_PROFILE
    );
    println!(
        "{:<24} {:>7} {:>9} {:>17} {:>6}",
        "op", "checked", "accepted", "expected failures", "failed"
    );
    for (op, [checked, passed, xfail, failed]) in &table {
        println!("{op:<24} {checked:>7} {passed:>9} {xfail:>17} {failed:>6}");
    }
    assert!(
        table.values().all(|row| row[0] > 0),
        "every operation has valid tests to check: {table:?}"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
