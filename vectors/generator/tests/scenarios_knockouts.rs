//! The scenarios bite: the reference with any one of its scenario rules
//! knocked out fails at least the scenario named to catch it (at a MUST,
//! SHOULD or CHOICE expectation as stated), while the whole reference
//! passes every scenario. (`vectors audit` checks the same over every
//! profile's files, for every rule; this names the expectation.)

use asyncpay_adapter::scenario::TraceView;
use asyncpay_adapter::scenario::{
    judge, judge_all, severity, Level, Scenario, ScenarioFailure, Step,
};
use asyncpay_adapter::Profile;
use asyncpay_reference::rules::{self, Rule};
use asyncpay_reference::scenario;
use asyncpay_vectors::recipes::scenarios::{self, req};

fn profiles() -> Vec<Profile> {
    #[derive(serde::Deserialize)]
    struct File {
        profiles: Vec<Profile>,
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../profiles.json");
    let text = std::fs::read_to_string(path).expect("profiles.json readable");
    let file: File = serde_json::from_str(&text).expect("profiles.json parses");
    file.profiles
}

fn profile() -> Profile {
    profiles().remove(0)
}

/// Every scenario with the profile it runs under: the draft's under the
/// draft profile, each experimental design's under its own.
fn everything() -> Vec<(Profile, String, Scenario)> {
    let draft = profile();
    let mut out: Vec<(Profile, String, Scenario)> = scenarios::scenarios()
        .into_iter()
        .map(|(id, _, s)| (draft.clone(), id, s))
        .collect();
    for p in profiles() {
        for (id, _, s) in scenarios::design_scenarios(&p).unwrap_or_default() {
            out.push((p.clone(), id, s));
        }
    }
    out
}

/// The reference's trace with `knocked_out` knocked out.
fn run(s: &Scenario, p: &Profile, knocked_out: &[Rule]) -> Result<TraceView, String> {
    rules::with_knockouts(knocked_out, || scenario::run(s, p)).0
}

/// The requirements the invoice-server protocol's expectations name
/// (`recipes/scenarios/invoice_server.rs`).
const ISRV_PATHS_TO_SERVER: &str = "bolt12/static-invoice/writer/offer-paths-to-replying-node";
const ISRV_OWN_PATH: &str = "bolt4/reply-paths/reader/path-id-mismatch";
const ISRV_OFFER_EXPIRED: &str = "bolt12/static-invoice/reader/offer-expired";
const ISRV_INVOICE_EXPIRED: &str = "bolt12/static-invoice/reader/expiry-default";

/// Each scenario rule, the scenarios that must catch it knocked out, and
/// the expectation that does: its level and a requirement id it names. The trial must fail at
/// that expectation and be graded at least at its level (a more severe
/// failure elsewhere in the scenario may grade it higher).
fn catchers() -> Vec<(Rule, &'static [&'static str], Level, &'static str)> {
    vec![
        (
            Rule::LspHoldUntilRelease,
            &[
                "lsp-hold-until-release-forward-once",
                "lsp-forged-release-over-foreign-path-ignored",
            ],
            Level::Must,
            req::HOLD_NO_FORWARD,
        ),
        (
            Rule::LspForwardOnce,
            &[
                "lsp-duplicate-release-is-noop",
                "lsp-two-releases-over-two-paths-forward-once",
            ],
            Level::Must,
            req::HOLD_FORWARD_ON_RELEASE,
        ),
        (
            Rule::ReleaseAuthenticated,
            &["lsp-release-with-altered-context-ignored"],
            Level::Must,
            req::HOLD_NO_FORWARD,
        ),
        (
            Rule::LspBadOnionPayload,
            &["lsp-fails-back-held-htlc-with-unknown-even-payload-record"],
            Level::Must,
            req::BAD_ONION_PAYLOAD,
        ),
        (
            Rule::LspReleaseOverOwnPath,
            &["lsp-forged-release-over-foreign-path-ignored"],
            Level::Must,
            req::HOLD_NO_FORWARD,
        ),
        (
            Rule::RecipientFinalPayloadFields,
            &["recipient-rejects-extra-record-in-blinded-final-payload"],
            Level::Must,
            req::READER_FINAL_PAYLOAD_FIELDS,
        ),
        (
            Rule::RecipientReplyOverReplyPath,
            &[
                "recipient-releases-over-reply-path",
                "receiver-triggers-over-the-notice-reply-path",
            ],
            Level::Must,
            req::REPLY_USES_REPLY_PATH,
        ),
        (
            Rule::LspFailBackDeadline,
            &["lsp-no-release-before-deadline-fails-back"],
            Level::Must,
            req::FAIL_AT_EXPIRY,
        ),
        (
            Rule::LspFailBackOnReconnection,
            &[
                "lsp-held-htlc-expires-while-payer-offline-failed-back-on-reconnection",
                "lsp-release-after-fail-back-point-while-payer-offline-not-forwarded",
            ],
            Level::Must,
            req::FAIL_AT_EXPIRY,
        ),
        (
            Rule::LspForwardAfterCommitment,
            &["lsp-release-racing-commitment"],
            Level::Must,
            req::FORWARD_AFTER_COMMIT,
        ),
        (
            Rule::LspFailBackAfterDownstream,
            &["lsp-released-htlc-failing-downstream-is-failed-back"],
            Level::Choice,
            req::HOLD_FORWARD_ON_RELEASE,
        ),
        (
            Rule::LspReleasePathsOnlyHeld,
            &["lsp-release-paths-when-and-only-when-held"],
            Level::Choice,
            req::RAA_SENDER_RELEASE_PATHS,
        ),
        (
            Rule::PayerHoldNeedsPeerFeature,
            &["payer-no-hold-htlc-toward-peer-without-feature"],
            Level::Must,
            req::SENDER_HOLD_PEER_FEATURE,
        ),
        (
            Rule::PayerTwoHeldHtlcAvailable,
            &["payer-sends-two-held-htlc-available-with-unique-reply-paths"],
            Level::Must,
            req::RAA_RECEIVER_TWO_MESSAGES,
        ),
        (
            Rule::PayerUniqueReplyPaths,
            &["payer-sends-two-held-htlc-available-with-unique-reply-paths"],
            Level::Must,
            req::RAA_RECEIVER_UNIQUE_REPLY_PATHS,
        ),
        (
            Rule::PayerRetransmitOnReconnect,
            &["payer-retransmits-held-htlc-available-after-reconnection"],
            Level::Choice,
            req::RAA_RECEIVER_TWO_MESSAGES,
        ),
        (
            Rule::PayerNoPreimageOtherwise,
            &["payer-fresh-invoice-no-hold-no-sender-preimage"],
            Level::Must,
            req::WRITER_NO_SENDER_PREIMAGE,
        ),
        (
            Rule::PayerPayOnce,
            &[
                "payer-static-and-fresh-invoice-paid-once",
                "payer-fresh-invoice-paid-then-static-invoice-ignored",
                "payer-ignores-duplicate-static-invoice-after-paying",
            ],
            Level::Choice,
            req::INVOICE_PAY_ASYNC,
        ),
        (
            Rule::RecipientPreimageHash,
            &["recipient-rejects-preimage-not-matching-hash"],
            Level::Must,
            req::FULFILL_PREIMAGE_HASH,
        ),
        (
            Rule::RecipientAmount,
            &[
                "recipient-rejects-amount-below-invoice-request",
                "recipient-rejects-two-part-payment-below-invoice-request",
            ],
            Level::Must,
            req::READER_AMOUNT_BELOW_EXPECTED,
        ),
        (
            Rule::LspReleasePaths,
            &["lsp-hold-until-release-forward-once"],
            Level::Must,
            req::RAA_SENDER_RELEASE_PATHS,
        ),
        (
            Rule::LspFailUnsupportedHold,
            &["lsp-without-htlc-hold-receives-hold-htlc"],
            Level::Choice,
            req::HOLD_NO_FORWARD,
        ),
        (
            Rule::LspForwardOnReconnection,
            &["lsp-release-while-next-hop-disconnected-forwards-on-reconnection"],
            Level::Choice,
            req::HOLD_FORWARD_ON_RELEASE,
        ),
        (
            Rule::PayerPathAuthenticated,
            &["payer-static-invoice-over-tampered-reply-path-ignored"],
            Level::Must,
            req::PATH_ID_MISMATCH,
        ),
        (
            Rule::PayerInvoiceOverReplyPath,
            &["payer-ignores-static-invoice-not-over-its-reply-path"],
            Level::Must,
            req::INVOICE_VIA_REPLY_PATH,
        ),
        (
            Rule::PayerInvoiceForItsOffer,
            &["payer-ignores-static-invoice-for-another-offer"],
            Level::Choice,
            req::INVOICE_PAY_ASYNC,
        ),
        (
            Rule::RecipientOwnMessagePath,
            &[
                "recipient-ignores-held-htlc-available-over-foreign-path",
                "receiver-ignores-notice-over-a-foreign-path",
            ],
            Level::Must,
            req::PATH_ID_MISMATCH,
        ),
        (
            Rule::RecipientMaxCltvExpiry,
            &["recipient-rejects-expired-payment-path"],
            Level::Must,
            req::READER_MAX_CLTV_EXPIRY,
        ),
        (
            Rule::RecipientOwnPaymentPath,
            &[
                "recipient-rejects-payment-over-foreign-payment-path",
                "recipient-two-part-payment-with-part-over-foreign-path-not-claimed",
            ],
            Level::Must,
            req::PATH_ID_MISMATCH,
        ),
        (
            Rule::RecipientAllParts,
            &["recipient-claims-two-part-payment-after-second-part"],
            Level::Must,
            req::READER_AMOUNT_BELOW_EXPECTED,
        ),
        (
            Rule::RecipientInvoiceRequest,
            &["recipient-rejects-missing-invoice-request"],
            Level::Choice,
            req::WRITER_INVOICE_REQUEST,
        ),
        (
            Rule::ServerReplies,
            &["server-replies-with-static-invoice-and-forwards-request"],
            Level::Should,
            req::INVREQ_REPLY_STATIC,
        ),
        (
            Rule::ServerForwards,
            &["server-replies-with-static-invoice-and-forwards-request"],
            Level::Should,
            req::INVREQ_FORWARD,
        ),
        // The experimental designs' holding LSP (profiles
        // experimental-trampoline-hold and experimental-payment-unblock).
        (
            Rule::LspAsyncHoldUntilTrigger,
            &[
                "trampoline-hold-until-trigger",
                "one-shot-hold-until-trigger",
            ],
            Level::Must,
            req::HOLD_NO_FORWARD,
        ),
        (
            Rule::LspAsyncNonceMatch,
            &[
                "trampoline-wrong-nonce-ignored",
                "trampoline-trigger-releases-only-its-payment",
            ],
            Level::Must,
            req::HOLD_NO_FORWARD,
        ),
        (
            Rule::LspTrampolineRetry,
            &["trampoline-retries-then-fails-back"],
            Level::Choice,
            req::HOLD_FORWARD_ON_RELEASE,
        ),
        (
            Rule::LspOneShotNoRetry,
            &["one-shot-no-retry-after-downstream-failure"],
            Level::Must,
            req::FAIL_BACK_AFTER_DOWNSTREAM,
        ),
        (
            Rule::LspTrampolineDeadline,
            // Also caught by trampoline-payer-offline-beyond-downstream-window,
            // at its must_not (a MUST of holding, not this choice).
            &["trampoline-hold-fails-back-at-its-deadline"],
            Level::Choice,
            req::FAIL_AT_EXPIRY,
        ),
        (
            Rule::LspSettleOnReconnection,
            &[
                "trampoline-payer-offline-beyond-downstream-window",
                "unblock-payer-settles-later",
            ],
            Level::Should,
            req::FAIL_BACK_AFTER_DOWNSTREAM,
        ),
        (
            Rule::LspUnblockHoldByHash,
            &["unblock-mpp-parts-held-and-released-together"],
            Level::Must,
            req::HOLD_NO_FORWARD,
        ),
        (
            Rule::LspUnblockIdMatch,
            &[
                "unblock-wrong-id-ignored",
                "unblock-releases-its-own-request-only",
            ],
            Level::Must,
            req::HOLD_NO_FORWARD,
        ),
        (
            Rule::LspUnblockOwnHashesOnly,
            &["unblock-releases-its-own-request-only"],
            Level::Must,
            req::HOLD_NO_FORWARD,
        ),
        (
            Rule::LspUnblockStands,
            &["unblock-part-arriving-after-the-unblock-is-forwarded"],
            Level::Choice,
            req::HOLD_FORWARD_ON_RELEASE,
        ),
        // LDK's invoice-server protocol (profile experimental-ldk-invoice-server).
        (
            Rule::RecipientRequestsOfferPaths,
            &["isrv-recipient-asks-serves-and-stops-when-confirmed"],
            Level::Choice,
            ISRV_PATHS_TO_SERVER,
        ),
        (
            Rule::RecipientOfferPathsOverOwnPath,
            &["isrv-recipient-ignores-offer-paths-over-foreign-or-stale-path"],
            Level::Choice,
            ISRV_OWN_PATH,
        ),
        (
            Rule::RecipientOfferPathsReplyFresh,
            &["isrv-recipient-ignores-offer-paths-over-foreign-or-stale-path"],
            Level::Choice,
            ISRV_OWN_PATH,
        ),
        (
            Rule::RecipientOfferPathsLifetime,
            &["isrv-recipient-ignores-expired-offer-paths"],
            Level::Choice,
            ISRV_OFFER_EXPIRED,
        ),
        (
            Rule::RecipientServesInvoice,
            &["isrv-recipient-asks-serves-and-stops-when-confirmed"],
            Level::Choice,
            ISRV_PATHS_TO_SERVER,
        ),
        (
            Rule::RecipientResendsUnconfirmed,
            &["isrv-recipient-resends-unconfirmed-invoice"],
            Level::Choice,
            ISRV_PATHS_TO_SERVER,
        ),
        (
            Rule::RecipientPersistedConfirms,
            &["isrv-recipient-asks-serves-and-stops-when-confirmed"],
            Level::Choice,
            ISRV_PATHS_TO_SERVER,
        ),
        (
            Rule::ServerAnswersOfferPaths,
            &["isrv-server-stores-confirms-and-serves"],
            Level::Choice,
            ISRV_PATHS_TO_SERVER,
        ),
        (
            Rule::ServerRequestPathKnown,
            &["isrv-server-ignores-request-over-unknown-or-expired-path"],
            Level::Choice,
            ISRV_OWN_PATH,
        ),
        (
            Rule::ServerRequestPathExpiry,
            &["isrv-server-ignores-request-over-unknown-or-expired-path"],
            Level::Choice,
            ISRV_OWN_PATH,
        ),
        (
            Rule::ServerRequestLimit,
            &["isrv-server-limits-offer-paths-requests"],
            Level::Choice,
            ISRV_PATHS_TO_SERVER,
        ),
        (
            Rule::ServerServePathOwn,
            &["isrv-server-ignores-serve-over-foreign-or-expired-path"],
            Level::Choice,
            ISRV_OWN_PATH,
        ),
        (
            Rule::ServerServePathExpiry,
            &["isrv-server-ignores-serve-over-foreign-or-expired-path"],
            Level::Choice,
            ISRV_OWN_PATH,
        ),
        (
            Rule::ServerServeInvoiceExpiry,
            &["isrv-server-ignores-serve-over-foreign-or-expired-path"],
            Level::Choice,
            ISRV_INVOICE_EXPIRED,
        ),
        (
            Rule::ServerStoresInvoice,
            &["isrv-server-stores-confirms-and-serves"],
            Level::Should,
            req::INVREQ_REPLY_STATIC,
        ),
        (
            Rule::ServerConfirmsPersisted,
            &["isrv-server-stores-confirms-and-serves"],
            Level::Choice,
            ISRV_PATHS_TO_SERVER,
        ),
    ]
}

fn find_any<'a>(all: &'a [(Profile, String, Scenario)], id: &str) -> (&'a Profile, &'a Scenario) {
    let (p, _, s) = all
        .iter()
        .find(|(_, i, _)| i == id)
        .unwrap_or_else(|| panic!("no scenario {id}"));
    (p, s)
}

fn find<'a>(all: &'a [(String, String, Scenario)], id: &str) -> &'a Scenario {
    &all.iter()
        .find(|(i, _, _)| i == id)
        .unwrap_or_else(|| panic!("no scenario {id}"))
        .2
}

#[test]
fn unbroken_reference_passes_everything() {
    for (p, id, s) in everything() {
        let trace = run(&s, &p, &[]).expect("runs");
        judge(&s, &trace).unwrap_or_else(|f| panic!("{}::{id}: {f}", p.name));
    }
}

#[test]
fn every_scenario_rule_is_listed() {
    let listed: Vec<Rule> = catchers().iter().map(|(m, _, _, _)| *m).collect();
    for m in rules::SCENARIO {
        assert!(listed.contains(m), "{m:?} has no catching scenario");
    }
}

/// The step of the expectation in `s` that names `requirement`, at `level`.
fn step_naming(s: &Scenario, requirement: &str, level: Level) -> Vec<usize> {
    s.steps
        .iter()
        .enumerate()
        .filter_map(|(i, st)| match st {
            Step::Expect(e)
                if e.level == level && e.requirements.iter().any(|r| r == requirement) =>
            {
                Some(i)
            }
            _ => None,
        })
        .collect()
}

fn shown(fs: &[ScenarioFailure]) -> String {
    fs.iter().map(|f| format!("\n  {f}")).collect()
}

#[test]
fn every_scenario_rule_knocked_out_is_caught_at_the_named_expectation() {
    let all = everything();
    for (rule, ids, level, requirement) in catchers() {
        for id in ids {
            let (p, s) = find_any(&all, id);
            let trace = run(s, p, &[rule])
                .unwrap_or_else(|e| panic!("{rule:?} on {id}: the run failed: {e}"));
            let failures = judge_all(s, &trace);
            assert!(
                !failures.is_empty(),
                "{rule:?} passes {id}, which should catch it"
            );
            assert!(
                failures.iter().all(|f| f.step.is_some()),
                "{rule:?} on {id}: a malformed trace is not a catch:{}",
                shown(&failures)
            );
            let steps = step_naming(s, requirement, level);
            assert!(
                !steps.is_empty(),
                "{id} has no {level:?} expectation naming {requirement}"
            );
            let worst = judge(s, &trace).expect_err("failures exist");
            assert!(
                severity(worst.level) >= severity(level),
                "{rule:?} on {id} graded below {level:?}:{}",
                shown(&failures)
            );
            assert!(
                failures
                    .iter()
                    .any(|f| f.expectation_step.is_some_and(|st| steps.contains(&st))),
                "{rule:?} on {id}: no failure at the expectation naming {requirement} \
                 (steps {steps:?}):{}",
                shown(&failures)
            );
        }
    }
}

#[test]
fn each_scenario_rule_knocked_out_fails_some_scenario() {
    // Across the whole suite, list which scenarios catch each rule knocked out (for the report).
    let all = everything();
    for m in rules::SCENARIO {
        let caught: Vec<&str> = all
            .iter()
            .filter(|(p, id, s)| {
                let t = run(s, p, &[*m])
                    .unwrap_or_else(|e| panic!("{m:?} on {id}: the run failed: {e}"));
                judge(s, &t).is_err()
            })
            .map(|(_, id, _)| id.as_str())
            .collect();
        println!("{m:?}: {}", caught.join(", "));
        assert!(
            !caught.is_empty(),
            "{m:?} is knocked out, is caught by no scenario"
        );
    }
}

#[test]
fn a_failure_shows_the_step_the_expectation_and_the_exchange() {
    use asyncpay_adapter::scenario::judge_all_values;
    let p = profile();
    let all = scenarios::scenarios();
    let s = find(&all, "lsp-hold-until-release-forward-once");
    let trace = run(s, &p, &[Rule::LspHoldUntilRelease]).expect("runs");
    let input = serde_json::to_value(s).expect("scenario serialises");
    let view = serde_json::to_value(&trace).expect("trace serialises");
    let (failures, transcript) =
        judge_all_values(&input, &view).expect_err("the knockout is caught");
    let failure = &failures[0];
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
    // Every failed expectation is reported (the forward without a release,
    // and the forward the release then did not cause), and the exchange
    // runs to the last of them and no further.
    assert!(failures.len() >= 2, "{failures:?}");
    let last = failures.iter().filter_map(|f| f.step).max().expect("steps");
    assert!(last > step);
    assert!(
        transcript.contains(&format!("step {last} ")),
        "{transcript}"
    );
    assert!(
        !transcript.contains(&format!("step {} ", last + 1)),
        "{transcript}"
    );
}
