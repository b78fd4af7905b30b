//! LDK's expected-failures list is exact: with it the LDK run succeeds;
//! without any one of its entries the run fails on that entry's trials
//! (strictly, where they are SHOULD-graded); with a bogus entry for a trial
//! LDK passes, the run reports an unexpected pass and fails; and an LDK that
//! panics in one decode fails the run.

use asyncpay_harness::runner::Status;
use asyncpay_harness::{RunOptions, Suite};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Run LDK against every vector with `list` as its expected-failures file.
fn run_with(list: &serde_json::Value) -> asyncpay_harness::Report {
    run_adapter_with(Arc::new(asyncpay_ldk::LdkAdapter::new()), list)
}

fn run_adapter_with(
    ldk: Arc<dyn asyncpay_adapter::Adapter>,
    list: &serde_json::Value,
) -> asyncpay_harness::Report {
    let dir = std::env::temp_dir().join(format!(
        "asyncpay-xf-{}-{}",
        std::process::id(),
        list["entries"].as_array().map_or(0, |e| e.len())
    ));
    std::fs::create_dir_all(dir.join("ldk")).expect("temp dir");
    std::fs::write(dir.join("ldk/expected-failures.json"), list.to_string()).expect("write");
    let suite = Suite::load(root().join("vectors")).expect("vectors load");
    let opts = RunOptions {
        expected_failures_dir: Some(dir.clone()),
        upstream: false,
        ..RunOptions::default()
    };
    let report = suite.run(&[ldk], &opts);
    let _ = std::fs::remove_dir_all(&dir);
    report
}

fn committed() -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("adapters/ldk/expected-failures.json"))
        .expect("the LDK list exists");
    serde_json::from_str(&text).expect("the LDK list is JSON")
}

#[test]
fn the_committed_list_makes_the_run_succeed() {
    let report = run_with(&committed());
    assert!(report.success(), "{}", report.summary_line());
}

/// Removing entry `i` leaves its trials unlisted, and grading is per trial:
/// so one run with an empty list shows what each removal would do. Every
/// trial of every entry must then fail, the run must fail on it (strictly
/// for a SHOULD-graded trial, as `--strict` does), and its failure must be
/// one the entry waives.
#[test]
fn removing_any_entry_fails_the_run_on_each_of_its_trials() {
    let list = committed();
    let empty = serde_json::json!({"adapter": "ldk", "entries": []});
    let report = run_with(&empty);
    let entries: Vec<asyncpay_harness::expected::Entry> =
        serde_json::from_value(list["entries"].clone()).expect("entries parse");
    let mut problems = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        for t in &entry.trials {
            let Some(r) = report.results.iter().find(|r| &r.name == t) else {
                problems.push(format!("entry {i}: {t} did not run"));
                continue;
            };
            match &r.status {
                Status::Failed { failure, .. } if entry.covers(&failure.observed) => {
                    assert!(r.fails_run(true, false), "{t}");
                }
                other => problems.push(format!(
                    "entry {i}: without it, {t} is {other:?}, not a failure the entry waives ({})",
                    entry.shapes()
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// An LDK that panics in one decode (inside the adapter's own panic guard,
/// where a panic of LDK's would surface) fails the run: an internal error is
/// never a pass, even on an invalid vector.
#[test]
fn a_panic_injected_in_one_decode_fails_the_run() {
    struct Broken;
    impl asyncpay_adapter::Adapter for Broken {
        fn name(&self) -> &str {
            "ldk"
        }
        fn native_profiles(&self) -> Vec<String> {
            asyncpay_ldk::LdkAdapter.native_profiles()
        }
        fn unobservable(&self, op: &str) -> Vec<&'static str> {
            asyncpay_ldk::LdkAdapter.unobservable(op)
        }
        fn execute(
            &self,
            op: &asyncpay_adapter::Operation,
            profile: &asyncpay_adapter::Profile,
        ) -> asyncpay_adapter::Outcome {
            if let asyncpay_adapter::Operation::DecodeUpdateAddHtlc(h) = op {
                if h.hex.len() % 7 == 0 {
                    return asyncpay_ldk::guarded(op.name(), || panic!("injected"));
                }
            }
            asyncpay_ldk::LdkAdapter.execute(op, profile)
        }
    }
    let report = run_adapter_with(Arc::new(Broken), &committed());
    assert!(!report.success(), "{}", report.summary_line());
    let broken: Vec<&asyncpay_harness::TrialResult> = report
        .results
        .iter()
        .filter(|r| matches!(&r.status, Status::Error { message } if message.contains("injected")))
        .collect();
    assert!(!broken.is_empty(), "no trial reports the injected panic");
    assert!(
        broken
            .iter()
            .any(|r| r.verdict == Some(asyncpay_harness::vectors::Verdict::Invalid)),
        "the injection hit no invalid vector; pick another selector"
    );
}

#[test]
fn a_bogus_entry_is_an_unexpected_pass() {
    let mut list = committed();
    let passing = "ldk::ldk-0.2::static_invoice::valid-signed-by-offer-issuer-id";
    list["entries"]
        .as_array_mut()
        .expect("entries")
        .push(serde_json::json!({
            "trials": [passing], "failures": [{"kind": "accepted"}],
            "observed": "-", "why": "-", "evidence": "-"
        }));
    let report = run_with(&list);
    assert!(!report.success());
    let r = report
        .results
        .iter()
        .find(|r| r.name == passing)
        .expect("ran");
    assert!(
        matches!(r.status, Status::UnexpectedPass { .. }),
        "{:?}",
        r.status
    );
}
