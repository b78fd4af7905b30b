//! The runner's grading logic, driven with a fake in-memory adapter whose
//! behaviour is chosen by each test's input.

use crate::compare::show_value;
use crate::grading::{Grade, Level, Levels};
use crate::runner::*;
use crate::vectors::{Expected, FileBuilder, TestVector, VectorFile, Verdict};
use asyncpay_adapter::{Adapter, Operation, Outcome, Profile, ReasonClass, Rejection};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// Answers by the `hex` of a `update_add_htlc.decode` input.
struct Fake;

impl Adapter for Fake {
    fn name(&self) -> &str {
        "fake"
    }
    fn native_profiles(&self) -> Vec<String> {
        vec!["*".into()]
    }
    fn execute(&self, op: &Operation, _profile: &Profile) -> Outcome {
        let Operation::DecodeUpdateAddHtlc(h) = op else {
            return Outcome::unsupported("only update_add_htlc.decode");
        };
        match h.hex.as_str() {
            "good" => Outcome::Accepted {
                view: json!({"a": {"b": [1, {"c": "x"}]}}),
            },
            "bad_view" => Outcome::Accepted {
                view: json!({"a": {"b": [1, {"c": "y"}]}}),
            },
            "reject_truncated" => {
                Outcome::Rejected(Rejection::new(ReasonClass::Truncated, "too short"))
            }
            "reject_other" => Outcome::Rejected(Rejection::new(ReasonClass::InvalidValue, "odd")),
            "reject_unknown_even" => Outcome::Rejected(Rejection::new(
                ReasonClass::UnknownEvenType,
                "type 178 is unknown",
            )),
            "reject_internal" => Outcome::Rejected(Rejection::new(
                ReasonClass::Internal,
                "caught a panic in the decoder",
            )),
            "panic" => panic!("fake adapter exploded"),
            "hang" => {
                std::thread::sleep(Duration::from_secs(60));
                Outcome::unsupported("woke up")
            }
            _ => Outcome::unsupported("not this one"),
        }
    }
}

fn test(id: &str, result: Verdict, hex: &str, req: &str) -> TestVector {
    let (view, reason) = match result {
        Verdict::Valid => (Some(json!({"a": {"b": [1, {"c": "x"}]}})), None),
        Verdict::Invalid => (None, Some(ReasonClass::Truncated)),
        Verdict::Acceptable => (Some(json!({"a": {"b": [1, {"c": "x"}]}})), None),
    };
    TestVector {
        id: id.into(),
        description: format!("{id} test"),
        requirements: vec![req.into()],
        flags: vec![],
        result,
        op: "update_add_htlc.decode".into(),
        input: json!({ "hex": hex }),
        expected: Expected {
            view,
            reason,
            also_reasons: Vec::new(),
        },
        intermediates: None,
        comment: String::new(),
    }
}

fn profiles() -> Vec<Profile> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../vectors/profiles.json");
    load_profiles(&p).expect("the repository's profiles load")
}

fn file(tests: Vec<TestVector>) -> VectorFile {
    let mut b = FileBuilder::new("area", &profiles()[0].name, "abc");
    for t in tests {
        b.test(t);
    }
    b.finish()
}

fn levels() -> Levels {
    Levels::from_pairs([("req/must", Level::Must), ("req/should", Level::Should)])
}

fn suite(tests: Vec<TestVector>) -> Suite {
    Suite::from_parts(vec![profiles()[0].clone()], vec![file(tests)], levels())
}

fn adapters() -> Vec<Arc<dyn Adapter>> {
    vec![Arc::new(Fake)]
}

fn opts() -> RunOptions {
    RunOptions {
        timeout: Duration::from_secs(10),
        ..RunOptions::default()
    }
}

fn status_of<'a>(r: &'a Report, id: &str) -> &'a Status {
    &r.results
        .iter()
        .find(|t| t.test == id)
        .unwrap_or_else(|| panic!("no result for {id}: {r:#?}"))
        .status
}

#[test]
fn verdicts_are_applied() {
    use Verdict::*;
    let s = suite(vec![
        test("valid-ok", Valid, "good", "req/must"),
        test("valid-bad-view", Valid, "bad_view", "req/must"),
        test("valid-rejected", Valid, "reject_truncated", "req/must"),
        test("invalid-ok", Invalid, "reject_truncated", "req/must"),
        test("invalid-other-class", Invalid, "reject_other", "req/must"),
        test("invalid-accepted", Invalid, "good", "req/must"),
        test("acceptable-accepted", Acceptable, "good", "req/must"),
        test(
            "acceptable-rejected",
            Acceptable,
            "reject_other",
            "req/must",
        ),
        test("acceptable-bad-view", Acceptable, "bad_view", "req/must"),
        test("unsupported", Valid, "nothing", "req/must"),
        test(
            "invalid-unknown-number",
            Invalid,
            "reject_unknown_even",
            "req/must",
        ),
        test("invalid-internal", Invalid, "reject_internal", "req/must"),
        test(
            "acceptable-internal",
            Acceptable,
            "reject_internal",
            "req/must",
        ),
    ]);
    let r = s.run(&adapters(), &opts());
    assert_eq!(status_of(&r, "valid-ok"), &Status::Passed { note: None });
    match status_of(&r, "valid-bad-view") {
        Status::Failed { grade, failure, .. } => {
            assert_eq!(*grade, Grade::Must);
            assert_eq!(failure.differences.len(), 1);
            assert_eq!(failure.differences[0].path, "$.a.b[1].c");
            assert_eq!(failure.differences[0].expected, Some(json!("x")));
            assert_eq!(failure.differences[0].actual, Some(json!("y")));
        }
        s => panic!("{s:?}"),
    }
    match status_of(&r, "valid-rejected") {
        Status::Failed { failure, .. } => {
            assert!(failure.actual.contains("truncated"), "{failure:?}");
            assert_eq!(failure.detail, "too short");
        }
        s => panic!("{s:?}"),
    }
    assert_eq!(status_of(&r, "invalid-ok"), &Status::Passed { note: None });
    assert!(matches!(
        status_of(&r, "invalid-other-class"),
        Status::OtherReason { expected, actual, .. }
            if expected == "truncated" && actual == "invalid_value"
    ));
    match status_of(&r, "invalid-unknown-number") {
        Status::Failed { grade, failure, .. } => {
            assert_eq!(*grade, Grade::Must);
            assert!(failure.actual.contains("never reached"), "{failure:?}");
        }
        s => panic!("{s:?}"),
    }
    for id in ["invalid-internal", "acceptable-internal"] {
        match status_of(&r, id) {
            Status::Error { message } => {
                assert!(message.contains("internal"), "{message}");
                assert!(message.contains("caught a panic"), "{message}");
            }
            s => panic!("{id}: {s:?}"),
        }
    }
    assert!(matches!(
        status_of(&r, "invalid-accepted"),
        Status::Failed { .. }
    ));
    assert_eq!(
        status_of(&r, "acceptable-accepted"),
        &Status::Passed {
            note: Some(PassNote::Acceptable { accepted: true })
        }
    );
    assert_eq!(
        status_of(&r, "acceptable-rejected"),
        &Status::Passed {
            note: Some(PassNote::Acceptable { accepted: false })
        }
    );
    assert!(matches!(
        status_of(&r, "acceptable-bad-view"),
        Status::Failed { .. }
    ));
    assert_eq!(
        status_of(&r, "unsupported"),
        &Status::Skipped {
            reason: "not this one".into()
        }
    );
    let c = r.totals();
    assert_eq!(c.passed, 4);
    assert_eq!(c.other_reasons, 1);
    assert_eq!(c.failed_must, 5);
    assert_eq!(c.errors, 2);
    assert_eq!(c.skipped, 1);
    assert_eq!(c.acceptable, 2);
    assert!(!r.success());
    let line = "4 passed, 7 failed, 1 rejected for another reason, 1 skipped";
    assert_eq!(r.summary_line(), line);
    let text = crate::report::text(&r);
    assert!(text.ends_with(&format!("{line}\n")), "{text}");
    assert!(
        text.contains("== rejected for another reason (1) =="),
        "{text}"
    );
    assert!(text.contains("at $.a.b[1].c"), "{text}");
    assert!(
        text.contains("fake::bolts-pr1149::area::valid-bad-view")
            || text.contains("valid-bad-view")
    );
}

#[test]
fn panics_and_hangs_are_failures_and_the_run_goes_on() {
    let s = suite(vec![
        test("panics", Verdict::Valid, "panic", "req/must"),
        test("hangs", Verdict::Valid, "hang", "req/must"),
        test("after", Verdict::Valid, "good", "req/must"),
    ]);
    let start = std::time::Instant::now();
    let r = s.run(
        &adapters(),
        &RunOptions {
            // Long enough for a panic with a backtrace, short for the hang.
            timeout: Duration::from_secs(3),
            ..opts()
        },
    );
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "the hang was waited for"
    );
    match status_of(&r, "panics") {
        Status::Failed { failure, .. } => {
            assert!(
                failure
                    .actual
                    .contains("adapter fake panicked on test panics"),
                "{failure:?}"
            );
            assert!(failure.actual.contains("fake adapter exploded"));
        }
        s => panic!("{s:?}"),
    }
    match status_of(&r, "hangs") {
        Status::Failed { failure, .. } => {
            assert!(failure
                .actual
                .contains("adapter fake did not answer test hangs"))
        }
        s => panic!("{s:?}"),
    }
    assert_eq!(status_of(&r, "after"), &Status::Passed { note: None });
}

#[test]
fn should_failures_pass_unless_strict() {
    let s = suite(vec![test(
        "should-fails",
        Verdict::Valid,
        "bad_view",
        "req/should",
    )]);
    let r = s.run(&adapters(), &opts());
    assert!(matches!(
        status_of(&r, "should-fails"),
        Status::Failed {
            grade: Grade::Should,
            ..
        }
    ));
    assert!(r.success());
    let strict = s.run(
        &adapters(),
        &RunOptions {
            strict: true,
            ..opts()
        },
    );
    assert!(!strict.success());
    // An unknown requirement is graded MUST.
    let s = suite(vec![test(
        "unknown",
        Verdict::Valid,
        "bad_view",
        "req/nope",
    )]);
    let r = s.run(&adapters(), &opts());
    assert!(matches!(
        status_of(&r, "unknown"),
        Status::Failed {
            grade: Grade::Must,
            ..
        }
    ));
}

#[test]
fn expected_failures_and_unexpected_passes() {
    let s = suite(vec![
        test("known-bad", Verdict::Valid, "bad_view", "req/must"),
        test("now-fixed", Verdict::Valid, "good", "req/must"),
    ]);
    let p = &profiles()[0].name;
    let dir = tempfile::tempdir().unwrap();
    let ef = dir.path().join("ef.json");
    let entry = |trials: Vec<String>| json!({"trials": trials, "failures": [{"kind": "view_differs", "at": ["$.a.b"]}], "observed": "obs", "why": "because", "evidence": "src/x.rs:1"});
    std::fs::write(
        &ef,
        json!({"adapter": "fake", "entries": [
            entry(vec![format!("fake::{p}::area::known-bad")]),
            entry(vec![format!("fake::{p}::area::now-fixed")]),
        ]})
        .to_string(),
    )
    .unwrap();
    let o = RunOptions {
        expected_failures_files: vec![ef.clone()],
        ..opts()
    };
    let r = s.run(&adapters(), &o);
    match status_of(&r, "known-bad") {
        Status::ExpectedFailure { entry, .. } => assert_eq!(entry.evidence, "src/x.rs:1"),
        s => panic!("{s:?}"),
    }
    assert!(matches!(
        status_of(&r, "now-fixed"),
        Status::UnexpectedPass { .. }
    ));
    assert!(!r.success(), "an unexpected pass fails the run");
    assert_eq!(
        r.summary_line(),
        "1 passed, 1 failed, 0 rejected for another reason, 0 skipped"
    );
    assert!(crate::report::text(&r).contains("UNEXPECTED PASS"));

    // Only the expected failure: the run succeeds.
    std::fs::write(
        &ef,
        json!({"adapter": "fake", "entries": [entry(vec![format!("fake::{p}::area::known-bad")])]})
            .to_string(),
    )
    .unwrap();
    assert!(s.run(&adapters(), &o).success());

    // An entry naming a trial that does not exist is an error.
    std::fs::write(
        &ef,
        json!({"adapter": "fake", "entries": [entry(vec![format!("fake::{p}::area::no-such-test")])]})
            .to_string(),
    )
    .unwrap();
    let r = s.run(&adapters(), &o);
    assert!(!r.success());
    let err = r
        .results
        .iter()
        .find_map(|t| match &t.status {
            Status::Error { message } => Some(message.clone()),
            _ => None,
        })
        .expect("an error row");
    assert!(
        err.contains("no-such-test") && err.contains("does not exist"),
        "{err}"
    );

    // A malformed list is an error naming the file.
    std::fs::write(&ef, "{ not json").unwrap();
    let r = s.run(&adapters(), &o);
    assert!(r.results.iter().any(|t| matches!(&t.status,
        Status::Error { message } if message.contains("ef.json"))));
}

#[test]
fn an_entry_waives_only_the_failure_it_names() {
    let s = suite(vec![
        test("view-differs", Verdict::Valid, "bad_view", "req/should"),
        test("rejected", Verdict::Valid, "reject_truncated", "req/must"),
        test("other-reason", Verdict::Invalid, "reject_other", "req/must"),
        test("goes-unsupported", Verdict::Valid, "nothing", "req/must"),
    ]);
    let p = &profiles()[0].name;
    let dir = tempfile::tempdir().unwrap();
    let ef = dir.path().join("ef.json");
    // Every entry waives a rejection for `truncated` only.
    let entries: Vec<serde_json::Value> = [
        "view-differs",
        "rejected",
        "other-reason",
        "goes-unsupported",
    ]
    .iter()
    .map(|id| {
        json!({"trials": [format!("fake::{p}::area::{id}")],
                   "failures": [{"kind": "rejected", "reason": "truncated"}],
                   "observed": "o", "why": "w", "evidence": "e"})
    })
    .collect();
    std::fs::write(
        &ef,
        json!({"adapter": "fake", "entries": entries}).to_string(),
    )
    .unwrap();
    let o = RunOptions {
        expected_failures_files: vec![ef],
        ..opts()
    };
    let r = s.run(&adapters(), &o);
    // A SHOULD failure of another shape fails the run even without --strict.
    match status_of(&r, "view-differs") {
        st @ Status::Failed {
            grade: Grade::Should,
            listed: Some(_),
            ..
        } => {
            let row = r.results.iter().find(|t| t.test == "view-differs").unwrap();
            assert!(row.fails_run(false, false), "{st:?}");
            assert!(crate::report::describe(row).contains("waives only: rejected (truncated)"));
        }
        st => panic!("{st:?}"),
    }
    assert!(matches!(
        status_of(&r, "rejected"),
        Status::ExpectedFailure { .. }
    ));
    assert!(matches!(
        status_of(&r, "other-reason"),
        Status::UnexpectedPass { .. }
    ));
    match status_of(&r, "goes-unsupported") {
        Status::Error { message } => assert!(message.contains("unsupported"), "{message}"),
        st => panic!("{st:?}"),
    }
    assert!(!r.success());
}

#[test]
fn a_malformed_file_is_one_error_and_the_rest_runs() {
    let dir = tempfile::tempdir().unwrap();
    let p = profiles();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../vectors/profiles.json");
    std::fs::copy(src, dir.path().join("profiles.json")).unwrap();
    let pdir = dir.path().join(&p[0].name);
    std::fs::create_dir_all(&pdir).unwrap();
    let mut good = file(vec![test("fine", Verdict::Valid, "good", "req/must")]);
    good.area = "good".into();
    std::fs::write(
        pdir.join("good.json"),
        crate::vectors::to_canonical_json(&good),
    )
    .unwrap();
    std::fs::write(pdir.join("broken.json"), "{\"area\": \"broken\", ").unwrap();
    let s = Suite::load(dir.path()).unwrap();
    assert_eq!(s.load_errors.len(), 1);
    assert!(s.load_errors[0].message.contains("broken.json"));
    let r = s.run(
        &adapters(),
        &RunOptions {
            profiles: vec![p[0].name.clone()],
            ..opts()
        },
    );
    assert_eq!(status_of(&r, "fine"), &Status::Passed { note: None });
    assert!(!r.success());
    assert_eq!(
        r.summary_line(),
        "1 passed, 1 failed, 0 rejected for another reason, 0 skipped"
    );
}

#[test]
fn filter_and_profiles_select_trials() {
    let s = suite(vec![
        test("one", Verdict::Valid, "good", "req/must"),
        test("two", Verdict::Valid, "good", "req/must"),
    ]);
    let r = s.run(
        &adapters(),
        &RunOptions {
            filter: Some("::two".into()),
            ..opts()
        },
    );
    assert_eq!(r.results.len(), 1);
    assert_eq!(
        r.results[0].name,
        format!("fake::{}::area::two", profiles()[0].name)
    );
    let r = s.run(
        &adapters(),
        &RunOptions {
            profiles: vec!["no-such-profile".into()],
            ..opts()
        },
    );
    assert!(!r.success());
}

#[test]
fn reports_are_well_formed() {
    let s = suite(vec![
        test("x<&>\"", Verdict::Valid, "bad_view", "req/must"),
        test("skip", Verdict::Valid, "nothing", "req/must"),
    ]);
    // The id is not a valid id: the suite reports the file as a load error.
    assert_eq!(s.load_errors.len(), 1);
    let s = suite(vec![
        test("bad", Verdict::Valid, "bad_view", "req/must"),
        test("skip", Verdict::Valid, "nothing", "req/must"),
    ]);
    let r = s.run(&adapters(), &opts());
    let x = crate::report::junit(&r);
    assert!(x.contains("<testsuite name=\"fake::bolts-pr1149\""), "{x}");
    assert!(x.contains("<failure message="), "{x}");
    assert!(x.contains("<skipped message=\"not this one\"/>"), "{x}");
    assert!(x.contains("&quot;y&quot;"), "escaped JSON in the body: {x}");
    let j = crate::report::json(&r);
    assert_eq!(
        j["summary"],
        json!("0 passed, 1 failed, 0 rejected for another reason, 1 skipped")
    );
    assert_eq!(j["trials"][0]["status"], json!("failed"));
    assert_eq!(
        j["trials"][0]["failure"]["differences"][0]["path"],
        json!("$.a.b[1].c")
    );
    let _ = show_value(&j);
}

/// Answers every scenario with a trace in which the role does nothing.
struct Idle;

impl Adapter for Idle {
    fn name(&self) -> &str {
        "idle"
    }
    fn native_profiles(&self) -> Vec<String> {
        vec!["*".into()]
    }
    fn execute(&self, _op: &Operation, _profile: &Profile) -> Outcome {
        Outcome::Accepted {
            view: json!({ "trace": [] }),
        }
    }
}

#[test]
fn a_scenario_failing_a_should_then_a_must_is_graded_must_and_waived_only_by_both_steps() {
    use asyncpay_adapter::scenario::{
        Check, Count, Event, ExpectStep, InitialState, Level as L, Nodes, Role, Scenario, Step,
    };
    let expect = |level, htlc| {
        Step::Expect(ExpectStep {
            check: Check::HtlcForwarded {
                htlc,
                count: Count::default(),
            },
            requirements: vec!["req/should".into()],
            level,
            note: String::new(),
        })
    };
    let scenario = Scenario {
        role_under_test: Role::PayerLsp,
        initial: InitialState {
            block_height: 100,
            time: 0,
            nodes: Nodes::default(),
            offers: vec![],
            static_invoices: vec![],
            recipient_path: None,
            invoice_server: None,
        },
        steps: vec![
            Step::Event(Event::BlocksMined { count: 1 }),
            expect(L::Should, 0),
            expect(L::Must, 1),
        ],
    };
    let t = TestVector {
        id: "should-then-must".into(),
        description: "x".into(),
        requirements: vec!["req/should".into()],
        flags: vec![],
        result: Verdict::Valid,
        op: "scenario.run".into(),
        input: serde_json::to_value(&scenario).unwrap(),
        expected: Expected {
            view: Some(asyncpay_adapter::scenario::expected_view_marker()),
            reason: None,
            also_reasons: Vec::new(),
        },
        intermediates: None,
        comment: String::new(),
    };
    let s = suite(vec![t]);
    let idle: Vec<Arc<dyn Adapter>> = vec![Arc::new(Idle)];
    let r = s.run(&idle, &opts());
    match status_of(&r, "should-then-must") {
        Status::Failed { grade, failure, .. } => {
            assert_eq!(*grade, Grade::Must, "{failure:?}");
            assert!(
                failure.actual.contains("[SHOULD] step 1"),
                "{}",
                failure.actual
            );
            assert!(
                failure.actual.contains("[MUST] step 2"),
                "{}",
                failure.actual
            );
        }
        st => panic!("{st:?}"),
    }
    let p = &profiles()[0].name;
    let dir = tempfile::tempdir().unwrap();
    let ef = dir.path().join("ef.json");
    let write = |steps: Vec<usize>| {
        std::fs::write(
            &ef,
            json!({"adapter": "idle", "entries": [{
                "trials": [format!("idle::{p}::area::should-then-must")],
                "failures": [{"kind": "scenario", "steps": steps}],
                "observed": "o", "why": "w", "evidence": "e"}]})
            .to_string(),
        )
        .unwrap();
    };
    let o = RunOptions {
        expected_failures_files: vec![ef.clone()],
        ..opts()
    };
    // Waiving the SHOULD alone does not waive the MUST after it.
    write(vec![1]);
    let r = s.run(&idle, &o);
    assert!(matches!(
        status_of(&r, "should-then-must"),
        Status::Failed {
            listed: Some(_),
            ..
        }
    ));
    assert!(!r.success());
    write(vec![1, 2]);
    let r = s.run(&idle, &o);
    assert!(matches!(
        status_of(&r, "should-then-must"),
        Status::ExpectedFailure { .. }
    ));
    assert!(r.success());
}

#[test]
fn another_reason_fails_only_with_strict_reasons() {
    let s = suite(vec![test(
        "invalid-other-class",
        Verdict::Invalid,
        "reject_other",
        "req/must",
    )]);
    assert!(s.run(&adapters(), &opts()).success());
    let strict = s.run(
        &adapters(),
        &RunOptions {
            strict_reasons: true,
            ..opts()
        },
    );
    assert!(!strict.success());
    let text = crate::report::text(&strict);
    assert!(
        text.contains("req/must: 1 × truncated as invalid_value"),
        "{text}"
    );
}
