//! The shape of the committed scenarios: every scenario demands that the
//! role under test act. A scenario whose only expectations are `must_not`
//! and `nothing` is passed by an implementation that does nothing at all, so
//! its verdict says nothing about the behaviour it forbids; each scenario
//! must therefore also require the positive action that shows the role
//! acted (the HTLC forwarded, failed back or sent, the onion message sent,
//! the payment claimed or rejected).
//!
//! Two checks, each shown to bite on a scenario without its positive checks:
//!
//! - the empty trace (a role that never acts) fails every scenario;
//! - wherever the reference acts in response to an event, a trace without
//!   that response fails: a role that goes quiet at that point is caught.
//!   The reference serves only as a witness that the role has something to
//!   do there; what it did is never an expected outcome.

use asyncpay_adapter::scenario::{judge, Check, Scenario, Step, TraceView};
use asyncpay_adapter::Profile;
use asyncpay_reference::scenario::run;
use std::path::{Path, PathBuf};

/// The profiles whose vectors carry the scenarios (both main profiles).
/// The profiles with a scenarios file, and the fewest scenarios each holds.
const PROFILES: [(&str, usize); 4] = [
    ("bolts-pr1149", 29),
    ("ldk-0.2", 29),
    ("experimental-trampoline-hold", 13),
    ("experimental-payment-unblock", 9),
];

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn profile(name: &str) -> Profile {
    #[derive(serde::Deserialize)]
    struct File {
        profiles: Vec<Profile>,
    }
    let text = std::fs::read_to_string(vectors().join("profiles.json")).expect("profiles.json");
    let file: File = serde_json::from_str(&text).expect("profiles.json parses");
    file.profiles
        .into_iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no profile {name}"))
}

/// Every scenario of a committed `scenarios.json`: `(profile, id, scenario)`.
fn committed_scenarios() -> Vec<(String, String, Scenario)> {
    let mut out = Vec::new();
    for (profile, least) in PROFILES {
        let path = vectors().join(profile).join("scenarios.json");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file: serde_json::Value = serde_json::from_str(&text).expect("scenarios.json is JSON");
        let tests = file["tests"].as_array().expect("tests");
        assert!(
            tests.len() >= least,
            "{profile}: only {} scenarios",
            tests.len()
        );
        for t in tests {
            assert_eq!(t["op"], "scenario.run", "{profile}: {}", t["id"]);
            let id = t["id"].as_str().expect("id").to_string();
            let s: Scenario = serde_json::from_value(t["input"].clone())
                .unwrap_or_else(|e| panic!("{profile}::{id}: not a scenario: {e}"));
            out.push((profile.to_string(), id, s));
        }
    }
    out
}

#[test]
fn no_scenario_is_passed_by_an_empty_trace() {
    let mut passed = Vec::new();
    let mut checked = 0;
    for (profile, id, s) in committed_scenarios() {
        checked += 1;
        match judge(&s, &TraceView::default()) {
            Ok(()) => passed.push(format!("{profile}::{id}")),
            // An empty trace cannot break a `must_not` or a `nothing`, so the
            // failure is a positive expectation; one without an expectation
            // would be a malformed scenario, which fails whatever the trace.
            Err(f) => assert!(
                f.expectation.is_some(),
                "{profile}::{id} fails without an expectation (malformed?): {f}"
            ),
        }
    }
    assert!(checked >= 96, "only {checked} scenarios checked");
    assert!(
        passed.is_empty(),
        "passed by a role that does nothing (only must_not / nothing expectations): {}",
        passed.join(", ")
    );
}

fn scenario(id: &str) -> Scenario {
    committed_scenarios()
        .into_iter()
        .find(|(_, i, _)| i == id)
        .unwrap_or_else(|| panic!("no scenario {id}"))
        .2
}

/// The event steps at which the reference acts in `s`, for which dropping
/// that response (the other steps' actions kept) still passes the judge.
fn quiet_steps_passed(s: &Scenario, p: &Profile) -> Result<Vec<usize>, String> {
    let trace = run(s, p)?;
    judge(s, &trace).map_err(|f| format!("the reference fails: {f}"))?;
    let mut passed = Vec::new();
    for (k, entry) in trace.trace.iter().enumerate() {
        if entry.actions.is_empty() {
            continue;
        }
        let mut quiet = trace.clone();
        quiet.trace.remove(k);
        if judge(s, &quiet).is_ok() {
            passed.push(entry.step);
        }
    }
    Ok(passed)
}

#[test]
fn no_scenario_is_passed_by_a_role_that_goes_quiet_where_the_reference_acts() {
    let mut passed = Vec::new();
    let mut responses = 0;
    for (name, id, s) in committed_scenarios() {
        let p = profile(&name);
        responses += run(&s, &p)
            .map(|t| t.trace.iter().filter(|e| !e.actions.is_empty()).count())
            .unwrap_or(0);
        match quiet_steps_passed(&s, &p) {
            Ok(steps) if steps.is_empty() => {}
            Ok(steps) => passed.push(format!("{name}::{id} at steps {steps:?}")),
            Err(e) => passed.push(format!("{name}::{id}: {e}")),
        }
    }
    assert!(responses >= 100, "only {responses} responses checked");
    assert!(
        passed.is_empty(),
        "passed without the response the reference gives: {}",
        passed.join("; ")
    );
}

/// The second check can fail: `payer-no-hold-htlc-toward-peer-without-feature`
/// cut back to its first four steps (its old form: a `must_not`, the
/// invoice request, the static invoice, and nothing required after it) is
/// passed by a payer that stays quiet once the static invoice arrives.
#[test]
fn a_scenario_without_its_positive_checks_is_passed_by_a_quiet_role() {
    let mut s = scenario("payer-no-hold-htlc-toward-peer-without-feature");
    s.steps.truncate(4);
    assert!(matches!(s.steps.last(), Some(Step::Event(_))));
    let p = profile("bolts-pr1149");
    assert_eq!(quiet_steps_passed(&s, &p), Ok(vec![3]));
}

/// The first check can fail: a scenario made only of prohibitions (here one
/// whose positive expectations are each replaced by `nothing`, so that the
/// step indices stay) is passed by the empty trace.
#[test]
fn a_scenario_of_prohibitions_only_is_passed_by_an_empty_trace() {
    let mut s = scenario("payer-no-hold-htlc-toward-peer-without-feature");
    assert!(judge(&s, &TraceView::default()).is_err());
    let mut replaced = 0;
    for st in &mut s.steps {
        if let Step::Expect(e) = st {
            if !matches!(e.check, Check::MustNot { .. } | Check::Nothing) {
                e.check = Check::Nothing;
                replaced += 1;
            }
        }
    }
    assert!(replaced > 0);
    judge(&s, &TraceView::default()).expect("prohibitions only: the empty trace passes");
}
