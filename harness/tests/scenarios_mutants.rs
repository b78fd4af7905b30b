//! The scenarios bite: every deliberately broken reference fails at least
//! the scenario named to catch it (at a MUST, SHOULD or CHOICE expectation as
//! stated), while the unbroken reference passes every scenario.

use asyncpay_adapter::scenario::{judge, Level, Scenario};
use asyncpay_adapter::Profile;
use asyncpay_harness::recipes::scenarios;
use asyncpay_reference::scenario::{run, Config, Mutant};

fn profile() -> Profile {
    #[derive(serde::Deserialize)]
    struct File {
        profiles: Vec<Profile>,
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/profiles.json");
    let text = std::fs::read_to_string(path).expect("profiles.json readable");
    let mut file: File = serde_json::from_str(&text).expect("profiles.json parses");
    file.profiles.remove(0)
}

/// Each mutant, the scenarios that must catch it, and the level of the
/// expectation that does.
fn catchers() -> Vec<(Mutant, &'static [&'static str], Level)> {
    vec![
        (
            Mutant::ForwardWithoutRelease,
            &[
                "lsp-hold-until-release-forward-once",
                "lsp-forged-release-over-foreign-path-ignored",
            ],
            Level::Must,
        ),
        (
            Mutant::ForwardOnEveryRelease,
            &[
                "lsp-duplicate-release-is-noop",
                "lsp-two-releases-over-two-paths-forward-once",
            ],
            Level::Must,
        ),
        (
            Mutant::AcceptForgedRelease,
            &[
                "lsp-forged-release-over-foreign-path-ignored",
                "lsp-release-with-altered-context-ignored",
            ],
            Level::Must,
        ),
        (
            Mutant::NeverFailBack,
            &["lsp-no-release-before-deadline-fails-back"],
            Level::Must,
        ),
        (
            Mutant::ForwardBeforeCommitment,
            &["lsp-release-racing-commitment"],
            Level::Must,
        ),
        (
            Mutant::RetryAfterDownstreamFailure,
            &["lsp-released-htlc-failing-downstream-is-failed-back"],
            Level::Choice,
        ),
        (
            Mutant::ReleasePathsForEveryHtlc,
            &["lsp-release-paths-when-and-only-when-held"],
            Level::Choice,
        ),
        (
            Mutant::HoldWithoutPeerFeature,
            &["payer-no-hold-htlc-toward-peer-without-feature"],
            Level::Must,
        ),
        (
            Mutant::SingleHeldHtlcAvailable,
            &["payer-sends-two-held-htlc-available-with-unique-reply-paths"],
            Level::Must,
        ),
        (
            Mutant::ReuseReplyPath,
            &["payer-sends-two-held-htlc-available-with-unique-reply-paths"],
            Level::Must,
        ),
        (
            Mutant::PayEveryInvoice,
            &["payer-static-and-fresh-invoice-paid-once"],
            Level::Choice,
        ),
        (
            Mutant::ClaimWithoutHashCheck,
            &["recipient-rejects-preimage-not-matching-hash"],
            Level::Must,
        ),
        (
            Mutant::IgnoreInvoiceRequestAmount,
            &["recipient-rejects-amount-below-invoice-request"],
            Level::Must,
        ),
        (
            Mutant::ServerDoesNotForward,
            &["server-replies-with-static-invoice-and-forwards-request"],
            Level::Should,
        ),
    ]
}

fn find<'a>(all: &'a [(String, String, Scenario)], id: &str) -> &'a Scenario {
    &all.iter()
        .find(|(i, _, _)| i == id)
        .unwrap_or_else(|| panic!("no scenario {id}"))
        .2
}

#[test]
fn unbroken_reference_passes_everything() {
    let p = profile();
    for (id, _, s) in scenarios::scenarios() {
        let trace = run(&s, &p, &Config::default()).expect("runs");
        judge(&s, &trace).unwrap_or_else(|f| panic!("{id}: {f}"));
    }
}

#[test]
fn every_mutant_is_listed() {
    let listed: Vec<Mutant> = catchers().iter().map(|(m, _, _)| *m).collect();
    for m in Mutant::ALL {
        assert!(listed.contains(m), "{m:?} has no catching scenario");
    }
}

#[test]
fn every_mutant_is_caught_by_its_scenarios() {
    let p = profile();
    let all = scenarios::scenarios();
    for (mutant, ids, level) in catchers() {
        for id in ids {
            let s = find(&all, id);
            let trace = run(s, &p, &Config::with_mutant(mutant)).expect("runs");
            match judge(s, &trace) {
                Ok(()) => panic!("{mutant:?} passes {id}, which should catch it"),
                Err(f) => assert_eq!(
                    f.level, level,
                    "{mutant:?} caught by {id} at the wrong level: {f}"
                ),
            }
        }
    }
}

#[test]
fn each_mutant_fails_some_scenario_overall() {
    // Across the whole suite, list which scenarios catch each mutant (for the report).
    let p = profile();
    let all = scenarios::scenarios();
    for m in Mutant::ALL {
        let caught: Vec<&str> = all
            .iter()
            .filter(|(_, _, s)| {
                run(s, &p, &Config::with_mutant(*m))
                    .map(|t| judge(s, &t).is_err())
                    .unwrap_or(true)
            })
            .map(|(id, _, _)| id.as_str())
            .collect();
        println!("{m:?}: {}", caught.join(", "));
        assert!(!caught.is_empty(), "{m:?} is caught by no scenario");
    }
}

#[test]
fn a_failure_shows_the_step_the_expectation_and_the_exchange() {
    use asyncpay_adapter::scenario::judge_values_with_transcript;
    let p = profile();
    let all = scenarios::scenarios();
    let s = find(&all, "lsp-hold-until-release-forward-once");
    let trace = run(s, &p, &Config::with_mutant(Mutant::ForwardWithoutRelease)).expect("runs");
    let input = serde_json::to_value(s).expect("scenario serialises");
    let view = serde_json::to_value(&trace).expect("trace serialises");
    let (failure, transcript) =
        judge_values_with_transcript(&input, &view).expect_err("the mutant is caught");
    let step = failure.step.expect("the failure names its step");
    let shown = failure.to_string();
    assert!(shown.contains(&format!("step {step}:")), "{shown}");
    assert!(shown.contains("expected "), "{shown}");
    assert!(shown.contains("happened: "), "{shown}");
    assert!(shown.contains("htlc_forwarded"), "{shown}");
    // The exchange: the events given (<-) and the actions taken (->), up to
    // the failing step and no further.
    assert!(transcript.contains("?? {\"must_not\""), "{transcript}");
    assert!(
        transcript.contains("<- {\"type\":\"update_add_htlc\""),
        "{transcript}"
    );
    assert!(
        transcript.contains(" -> {\"action\":\"htlc_forwarded\""),
        "{transcript}"
    );
    assert!(
        !transcript.contains(&format!("step {} ", step + 1)),
        "{transcript}"
    );
}
