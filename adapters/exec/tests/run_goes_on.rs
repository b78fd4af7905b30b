//! Through the runner: a run over an implementation that breaks the
//! protocol in every way reports each fault as an error of its own trial,
//! naming the adapter and the fault, and judges every other trial.

mod common;

use asyncpay_adapter::Adapter;
use asyncpay_harness::grading::Levels;
use asyncpay_harness::results::Status;
use asyncpay_harness::vectors::VectorFile;
use asyncpay_harness::{RunOptions, Suite};
use serde_json::json;
use std::sync::Arc;

const FAULTS: &[(&str, &str)] = &[
    ("fault:oversize", "line_too_long"),
    ("fault:not_json", "not_json"),
    ("fault:schema", "schema_mismatch"),
    ("fault:wrong_id", "unknown_id"),
    ("fault:missing_id", "missing_id"),
    ("fault:hang", "timeout"),
    ("fault:exit", "exited"),
];

fn suite() -> Suite {
    let mut tests = Vec::new();
    for (i, (context, _)) in FAULTS.iter().enumerate() {
        for (id, ctx) in [
            (format!("good-{i}"), "init"),
            (format!("bad-{i}"), *context),
        ] {
            tests.push(json!({
                "id": id, "description": "", "requirements": ["suite/process-protocol"], "result": "acceptable",
                "op": "features.check", "input": {"hex": "00", "context": ctx}, "expected": {}
            }));
        }
    }
    tests.push(json!({
        "id": "good-last", "description": "", "requirements": ["suite/process-protocol"], "result": "acceptable",
        "op": "features.check", "input": {"hex": "00", "context": "init"}, "expected": {}
    }));
    let file: VectorFile = serde_json::from_value(json!({
        "area": "faults", "profile": "bolts-pr1149", "spec_commit": "-", "generator": "-",
        "number_of_tests": tests.len(), "notes": {}, "tests": tests
    }))
    .expect("a vector file");
    Suite::from_parts(vec![common::profile()], vec![file], Levels::empty())
}

#[test]
fn every_fault_is_an_error_of_its_trial_and_every_other_trial_is_judged() {
    for threads in [1, 3] {
        let adapter: Arc<dyn Adapter> =
            Arc::new(asyncpay_exec::ExecAdapter::start(common::config("")));
        let opts = RunOptions {
            threads,
            upstream: false,
            ..RunOptions::default()
        };
        let report = suite().run(std::slice::from_ref(&adapter), &opts);
        let mut trials = 0;
        for r in &report.results {
            if r.name == "testimpl::-::adapter::faults" {
                // With several requests in flight, a line that names no id
                // is charged to none of them (each is then sent again, alone).
                assert!(
                    matches!(&r.status, Status::Error { message } if message.contains("charged to no single operation: protocol fault")),
                    "{:?}",
                    r.status
                );
                assert!(threads > 1, "one at a time, every fault has its request");
                continue;
            }
            trials += 1;
            if r.test.starts_with("good-") {
                assert!(
                    matches!(r.status, Status::Passed { .. }),
                    "{}: {:?}",
                    r.name,
                    r.status
                );
            } else {
                let i = r.test.strip_prefix("bad-").expect("a bad trial");
                let kind = FAULTS[i.parse::<usize>().unwrap()].1;
                match &r.status {
                    Status::Error { message } => assert!(
                        message.contains("adapter testimpl")
                            && message.contains(&format!("protocol fault {kind}")),
                        "{}: {message}",
                        r.name
                    ),
                    other => panic!("{}: {other:?}", r.name),
                }
            }
        }
        assert_eq!(trials, 2 * FAULTS.len() + 1, "threads {threads}");
        assert!(!report.success());
    }
}
