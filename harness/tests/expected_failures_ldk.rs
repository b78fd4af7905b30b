//! LDK's expected-failures list is exact: with it the LDK run succeeds;
//! without one of its entries the run fails on that trial; with a bogus
//! entry for a trial LDK passes, the run reports an unexpected pass and fails.

use asyncpay_harness::runner::Status;
use asyncpay_harness::{RunOptions, Suite};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Run LDK against every vector with `list` as its expected-failures file.
fn run_with(list: &serde_json::Value) -> asyncpay_harness::Report {
    let dir = std::env::temp_dir().join(format!(
        "asyncpay-xf-{}-{}",
        std::process::id(),
        list["entries"].as_array().map_or(0, |e| e.len())
    ));
    std::fs::create_dir_all(dir.join("ldk")).expect("temp dir");
    std::fs::write(dir.join("ldk/expected-failures.json"), list.to_string()).expect("write");
    let suite = Suite::load(root().join("vectors")).expect("vectors load");
    let ldk: Arc<dyn asyncpay_adapter::Adapter> = Arc::new(asyncpay_ldk::LdkAdapter::new());
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

#[test]
fn removing_an_entry_fails_the_run_on_its_trials() {
    let mut list = committed();
    let removed = list["entries"].as_array_mut().expect("entries").remove(0);
    let report = run_with(&list);
    assert!(!report.success());
    for t in removed["trials"].as_array().expect("trials") {
        let r = report
            .results
            .iter()
            .find(|r| r.name == t.as_str().unwrap_or_default())
            .expect("the trial ran");
        assert!(
            matches!(r.status, Status::Failed { .. }),
            "{}: {:?}",
            r.name,
            r.status
        );
    }
}

#[test]
fn a_bogus_entry_is_an_unexpected_pass() {
    let mut list = committed();
    let passing = "ldk::ldk-0.2::static_invoice::valid-signed-by-offer-issuer-id";
    list["entries"]
        .as_array_mut()
        .expect("entries")
        .push(serde_json::json!({
            "trials": [passing], "observed": "-", "why": "-", "evidence": "-"
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
