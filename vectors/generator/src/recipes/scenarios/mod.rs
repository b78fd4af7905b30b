//! Area `scenarios`: release semantics over time (hold, release, time-outs,
//! forgeries, races, payer and recipient duties, the invoice server).
//!
//! Each test is a `scenario.run` of one [`Scenario`]. Its `expected.view` is
//! the marker [`expected_view_marker`]: the runner does not compare views
//! for these tests; it calls
//! [`asyncpay_adapter::scenario::check_scenario_outcome`] with the test's
//! `input` and the adapter's view (its trace).
//!
//! The scenarios are the same under every non-experimental profile: they are
//! abstract (no wire numbers).

use asyncpay_adapter::invoice::TlvRecord;
use asyncpay_adapter::scenario::{
    expected_view_marker, Check, Count, Event, ExpectStep, FailureCode, Feature, InitialState,
    InvoiceRequestSpec, InvoiceSpec, Level, MessageType, NodeConfig, Nodes, OfferSpec,
    OnionMessage, PathId, PathRef, Payload, PaymentPathSpec, ReplyPathPattern, Role, Scenario,
    StaticInvoiceSpec, Step,
};
use asyncpay_adapter::Profile;
use asyncpay_harness::vectors::{Expected, FileBuilder, FlagNote, TestVector, VectorFile, Verdict};
use bitcoin_hashes::{sha256, Hash};

mod invoice_server;
mod lsp;
mod multipart;
mod parity;
mod payer;
mod recipient;
mod server;
mod trampoline;
mod unblock;

use lsp::lsp_cases;
use multipart::multipart_cases;
use parity::parity_cases;
use payer::payer_cases;
use recipient::recipient_cases;
use server::server_cases;

/// The spec commit the scenarios are read from (PR 1149 head).
pub const SPEC_COMMIT: &str = "3a7505e0fee9941b0c866b15e42ca4ac375ad6fe";

/// Requirement ids used by the scenarios.
pub mod req {
    /// `update_add_htlc` receiver: with `hold_htlc`, MUST NOT forward until a corresponding release.
    pub const HOLD_NO_FORWARD: &str = "bolt2/release/holding-node/no-forward-until-release";
    /// `update_add_htlc` receiver: upon a corresponding release, SHOULD forward as usual.
    pub const HOLD_FORWARD_ON_RELEASE: &str = "bolt2/release/holding-node/forward-on-release";
    /// `update_add_htlc` sender: MUST NOT set `hold_htlc` unless it expects the recipient offline.
    pub const SENDER_HOLD_RECIPIENT_OFFLINE: &str =
        "bolt2/hold-htlc/payer/no-hold-unless-recipient-offline";
    /// `update_add_htlc` sender: MUST NOT set `hold_htlc` unless it expects to be offline soon.
    pub const SENDER_HOLD_SELF_OFFLINE: &str =
        "bolt2/hold-htlc/payer/no-hold-unless-sender-going-offline";
    /// `hold_htlc` only toward a peer advertising `option_htlc_hold`: BOLT 1's
    /// rule against even extension TLVs sent without prior negotiation
    /// (`hold_htlc` is even; `option_htlc_hold` is its feature).
    pub const SENDER_HOLD_PEER_FEATURE: &str =
        "bolt1/tlv/sending-node/no-even-extension-without-negotiation";
    /// `revoke_and_ack` sender: release paths when `hold_htlc` was set and `option_htlc_hold` advertised.
    pub const RAA_SENDER_RELEASE_PATHS: &str =
        "bolt2/reply-paths/holding-node/release-message-paths";
    /// `revoke_and_ack` receiver: at least two onion messages over at least two paths.
    pub const RAA_RECEIVER_TWO_MESSAGES: &str =
        "bolt2/onion-messages/payer/send-held-htlc-available";
    /// `revoke_and_ack` receiver: each message carries `held_htlc_available`.
    pub const RAA_RECEIVER_HELD_HTLC_AVAILABLE: &str =
        "bolt2/onion-messages/payer/held-htlc-available-tlv";
    /// `revoke_and_ack` receiver: unique reply paths terminating at the holder.
    pub const RAA_RECEIVER_UNIQUE_REPLY_PATHS: &str = "bolt2/reply-paths/payer/unique-reply-path";
    /// `revoke_and_ack` receiver: each reply path carries a `release_held_htlc` context for the holder.
    pub const RAA_RECEIVER_RELEASE_CONTEXT: &str =
        "bolt2/reply-paths/payer/release-held-htlc-in-encrypted-data";
    /// BOLT 2 (inherited): no outgoing HTLC until the incoming one is irrevocably committed.
    pub const FORWARD_AFTER_COMMIT: &str =
        "bolt2/forwarding/holding-node/no-forward-before-irrevocably-committed";
    /// `update_add_htlc` receiver: a payload with an unknown even type MUST be answered with an error.
    pub const BAD_ONION_PAYLOAD: &str = "bolt2/hold-htlc/receiving-node/bad-onion-payload";
    /// BOLT 2 (inherited): fail the incoming HTLC at its expiry or when the outgoing delta no longer fits.
    pub const FAIL_AT_EXPIRY: &str = "bolt2/forwarding/holding-node/fail-incoming-at-expiry";
    /// BOLT 2 (inherited): a node SHOULD remove an HTLC as soon as it can; here, the incoming
    /// HTLC is failed back once its outgoing HTLC has failed.
    pub const FAIL_BACK_AFTER_DOWNSTREAM: &str =
        "bolt2/forwarding/holding-node/fail-incoming-after-outgoing-failed";
    /// BOLT 2 (inherited): a fulfill whose preimage does not SHA256-hash to the HTLC's
    /// payment hash is a protocol violation (the receiver closes the connection or fails the channel).
    pub const FULFILL_PREIMAGE_HASH: &str =
        "bolt2/update-fulfill-htlc/receiving-node/preimage-hashes-to-payment-hash";
    /// Payload writer: `sender_provided_payment_preimage` random and unique.
    pub const WRITER_SENDER_PREIMAGE: &str = "bolt4/static-invoice/payer/random-preimage";
    /// Payload writer: `payment_hash` is SHA256 of the sender preimage.
    pub const WRITER_PAYMENT_HASH: &str =
        "bolt4/static-invoice/payer/payment-hash-matches-preimage";
    /// Payload writer: `invoice_request` set.
    pub const WRITER_INVOICE_REQUEST: &str = "bolt4/static-invoice/payer/include-invoice-request";
    /// Payload writer: otherwise MUST NOT set `sender_provided_payment_preimage`.
    pub const WRITER_NO_SENDER_PREIMAGE: &str = "bolt4/static-invoice/payer/no-preimage-otherwise";
    /// Payload reader: MUST use `sender_provided_payment_preimage` when claiming.
    pub const READER_USE_SENDER_PREIMAGE: &str =
        "bolt4/static-invoice/recipient/claim-with-sender-preimage";
    /// Payload reader (inherited): error if `amt_to_forward` is below what it expects.
    pub const READER_AMOUNT_BELOW_EXPECTED: &str =
        "bolt4/payload/reader/amt-to-forward-below-expected";
    /// Payload reader (inherited): error if the expiry exceeds `payment_constraints.max_cltv_expiry`.
    pub const READER_MAX_CLTV_EXPIRY: &str =
        "bolt4/payload/reader/payment-constraints-max-cltv-expiry";
    /// Invoice request reader for an often-offline payee: SHOULD reply with the static invoice.
    pub const INVREQ_REPLY_STATIC: &str = "bolt12/static-invoice/server/reply-with-static-invoice";
    /// Invoice request reader for an often-offline payee: SHOULD forward the request to the payee.
    pub const INVREQ_FORWARD: &str = "bolt12/static-invoice/server/forward-invoice-request";
    /// Invoice reader: without a payment hash, MUST pay with `held_htlc_available` over the message paths.
    pub const INVOICE_PAY_ASYNC: &str = "bolt12/onion-messages/payer/pay-asynchronously";
    /// Invoice reader (inherited): reject an expired invoice.
    pub const INVOICE_EXPIRED: &str = "bolt12/static-invoice/reader/expiry-default";
    /// Invoice reader (catalogue): an invoice for an invoice request must arrive via its reply path.
    pub const INVOICE_VIA_REPLY_PATH: &str = "bolt12/static-invoice/reader/arrived-via-reply-path";
    /// The ids above that `vectors/requirements.json` does not (yet) list.
    /// Empty: every id the scenarios use is catalogued (the inherited BOLT 2 /
    /// BOLT 4 rules with their quotes, the derived ones with the sentence they
    /// are derived from). An id added here must not be in the catalogue; the
    /// test `requirement_ids_are_catalogued_or_listed_as_not_yet` checks both.
    pub const NOT_IN_CATALOGUE: &[&str] = &[];
    /// Reply path reader: MUST ignore a message whose `path_id` does not
    /// match the blinded route it created for this purpose.
    pub const PATH_ID_MISMATCH: &str = "bolt4/reply-paths/reader/path-id-mismatch";
    /// Derived: the recipient answers `held_htlc_available` with `release_held_htlc`
    /// over its reply path (from the draft's informative rationale; SHOULD).
    pub const RECIPIENT_RELEASE: &str = "bolt2/release/recipient/reply-release-held-htlc";
    /// Final node inside a blinded route: an error for any payload field
    /// besides BOLT 4's list (read with the draft's two fields added).
    pub const READER_FINAL_PAYLOAD_FIELDS: &str =
        "bolt4/static-invoice/recipient/final-payload-allowlist";
    /// Reply path reader: a reply is an onion message over `reply_path`.
    pub const REPLY_USES_REPLY_PATH: &str = "bolt4/reply-paths/reader/reply-uses-reply-path";
    /// Onion message reader: a reply to a message it sent with a `path_id`,
    /// arriving without that `path_id`, is answered as if it had sent none.
    pub const REPLY_WITHOUT_PATH_ID: &str = "bolt4/onion-messages/reader/reply-without-path-id";
}

const H: u32 = 800_000;
const T: u64 = 1_750_000_000;
const OFFER: &str = "offer-1";
const OFFER_PATH: &str = "server-offer-path-0";
const RECIPIENT_MP: [&str; 2] = ["recipient-msg-path-0", "recipient-msg-path-1"];
const LSP_RELEASE: [&str; 2] = ["lsp-release-path-a", "lsp-release-path-b"];
const TO_RECIPIENT: &str = "server-to-recipient-path";
/// The static invoice's payment path's `max_cltv_expiry`.
const MAX_CLTV_EXPIRY: u32 = H + 2016;

fn hash_hex(preimage: &[u8; 32]) -> String {
    hex::encode(sha256::Hash::hash(preimage).to_byte_array())
}

fn node(hold: bool, often_offline: bool) -> NodeConfig {
    let mut features = vec![Feature::OptionOnionMessages, Feature::OptionRouteBlinding];
    if hold {
        features.push(Feature::OptionHtlcHold);
    }
    NodeConfig {
        features,
        often_offline,
    }
}

fn nodes(lsp_holds: bool, payer_often_offline: bool) -> Nodes {
    Nodes {
        payer: node(false, payer_often_offline),
        payer_lsp: node(lsp_holds, false),
        invoice_server: node(false, false),
        recipient: node(false, true),
    }
}

fn static_invoice() -> StaticInvoiceSpec {
    StaticInvoiceSpec {
        id: "static-invoice-1".into(),
        offer: OFFER.into(),
        created_at: T - 3600,
        relative_expiry: None,
        message_paths: RECIPIENT_MP.iter().map(|s| s.to_string()).collect(),
        payment_paths: vec![PaymentPathSpec {
            id: "payment-path-0".into(),
            max_cltv_expiry: MAX_CLTV_EXPIRY,
        }],
    }
}

fn offer() -> OfferSpec {
    OfferSpec {
        id: OFFER.into(),
        paths: vec![OFFER_PATH.into()],
    }
}

fn initial(lsp_holds: bool, payer_often_offline: bool) -> InitialState {
    InitialState {
        block_height: H,
        time: T,
        nodes: nodes(lsp_holds, payer_often_offline),
        offers: vec![offer()],
        static_invoices: vec![static_invoice()],
        recipient_path: Some(TO_RECIPIENT.into()),
        invoice_server: None,
    }
}

fn ev(e: Event) -> Step {
    Step::Event(e)
}

fn expect(level: Level, check: Check, reqs: &[&str], note: &str) -> Step {
    Step::Expect(ExpectStep {
        check,
        requirements: reqs.iter().map(|s| s.to_string()).collect(),
        level,
        note: note.into(),
    })
}

fn must(check: Check, reqs: &[&str]) -> Step {
    expect(Level::Must, check, reqs, "")
}

fn nothing(reqs: &[&str]) -> Step {
    must(Check::Nothing, reqs)
}

fn once() -> Count {
    Count::Exactly(1)
}

fn forwarded(htlc: u64) -> Check {
    Check::HtlcForwarded {
        htlc,
        count: once(),
    }
}

fn failed_back(htlc: u64, reason: Option<Vec<FailureCode>>) -> Check {
    Check::HtlcFailedBack {
        htlc,
        reason,
        count: once(),
    }
}

fn must_not(actions: Vec<Check>, until_step: Option<usize>) -> Check {
    Check::MustNot {
        actions,
        until_step,
    }
}

/// `update_add_htlc` from the payer to its LSP.
fn add(htlc: u64, hold: bool) -> Step {
    let mut preimage = [0x21u8; 32];
    preimage[31] = htlc as u8;
    ev(Event::UpdateAddHtlc {
        from: Role::Payer,
        htlc,
        amount_msat: 100_100,
        payment_hash: hash_hex(&preimage),
        cltv_expiry: H + 184,
        hold_htlc: hold,
        payload: Payload {
            amt_to_forward: 100_000,
            outgoing_cltv_value: H + 144,
            next_hop: Some(Role::InvoiceServer),
            ..Payload::default()
        },
        irrevocably_committed: false,
    })
}

fn commitment_signed(from: Role) -> Step {
    ev(Event::CommitmentSigned { from })
}

fn revoke_and_ack(from: Role, paths: &[&str]) -> Step {
    ev(Event::RevokeAndAck {
        from,
        release_paths: paths.iter().map(|s| s.to_string()).collect(),
    })
}

fn release(over: PathRef) -> Step {
    ev(Event::OnionMessage {
        from: Role::Recipient,
        message: OnionMessage::ReleaseHeldHtlc,
        over,
        reply_path: None,
    })
}

fn own(step: usize, index: usize) -> PathRef {
    PathRef::Own {
        step,
        index,
        tampered: false,
    }
}

fn raa_with_paths() -> Step {
    must(
        Check::RevokeAndAckWithReleasePaths {
            at_least: 1,
            count: once(),
        },
        &[req::RAA_SENDER_RELEASE_PATHS],
    )
}

fn forward_on_release(htlc: u64) -> Step {
    expect(
        Level::Should,
        forwarded(htlc),
        &[req::HOLD_FORWARD_ON_RELEASE],
        "",
    )
}

/// A scenario with its id and given/when/then description.
struct Case {
    id: &'static str,
    description: String,
    scenario: Scenario,
}

fn case(id: &'static str, given: &str, when: &str, then: &str, s: Scenario) -> Case {
    Case {
        id,
        description: format!("Given {given}; when {when}; then {then}."),
        scenario: s,
    }
}

fn lsp(steps: Vec<Step>) -> Scenario {
    lsp_with(true, steps)
}

fn lsp_with(holds: bool, steps: Vec<Step>) -> Scenario {
    Scenario {
        role_under_test: Role::PayerLsp,
        initial: initial(holds, true),
        steps,
    }
}

/// Steps 0..=5: a held HTLC 0, committed; step 2 is the `commitment_signed`
/// whose `revoke_and_ack` lists the release paths. The `must_not` at step 0
/// lasts until `until`.
fn held_prefix(until: Option<usize>) -> Vec<Step> {
    let mut s = vec![
        must(must_not(vec![forwarded(0)], until), &[req::HOLD_NO_FORWARD]),
        add(0, true),
    ];
    s.extend(committed());
    s.push(nothing(&[req::HOLD_NO_FORWARD]));
    s
}

/// A held HTLC is committed: the payer's `commitment_signed`, the LSP's
/// `revoke_and_ack` with release paths, the payer's `revoke_and_ack`.
fn committed() -> [Step; 3] {
    [
        commitment_signed(Role::Payer),
        raa_with_paths(),
        revoke_and_ack(Role::Payer, &[]),
    ]
}

/// Every scenario: `(id, given/when/then description, scenario)`.
pub fn scenarios() -> Vec<(String, String, Scenario)> {
    lsp_cases()
        .into_iter()
        .chain(multipart_cases())
        .chain(payer_cases())
        .chain(recipient_cases())
        .chain(server_cases())
        .chain(parity_cases())
        .map(|c| (c.id.to_string(), c.description, c.scenario))
        .collect()
}

fn requirements_of(s: &Scenario) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for step in &s.steps {
        if let Step::Expect(e) = step {
            for r in &e.requirements {
                if !out.contains(r) {
                    out.push(r.clone());
                }
            }
        }
    }
    out
}

fn flags_of(s: &Scenario) -> Vec<String> {
    let mut flags = Vec::new();
    let levels: Vec<Level> = s
        .steps
        .iter()
        .filter_map(|st| match st {
            Step::Expect(e) => Some(e.level),
            Step::Event(_) => None,
        })
        .collect();
    if levels.contains(&Level::Should) {
        flags.push("ShouldLevel".to_string());
    }
    if levels.contains(&Level::Choice) {
        flags.push("DraftSilence".to_string());
    }
    flags
}

/// The scenarios of an experimental profile that carries its own (designs
/// 000 and 001, by their numbers), `(id, description, scenario)`; `None`
/// for every other profile.
pub fn design_scenarios(profile: &Profile) -> Option<Vec<(String, String, Scenario)>> {
    if profile.kind != "experimental" {
        return None;
    }
    let n = &profile.numbers;
    let cases = if n.payload_async_hold.is_some() {
        trampoline::trampoline_cases()
    } else if n.onionmsg_hold_request.is_some() {
        unblock::unblock_cases()
    } else if n.onionmsg_offer_paths_request.is_some() {
        invoice_server::invoice_server_cases()
    } else {
        return None;
    };
    Some(
        cases
            .into_iter()
            .map(|c| (c.id.to_string(), c.description, c.scenario))
            .collect(),
    )
}

/// The `scenarios` file for `profile`: the draft's scenarios under every
/// non-experimental profile, an experimental design's own under its
/// profile, `None` for the other experimental profiles.
pub fn generate(profile: &Profile) -> Option<VectorFile> {
    let all = match design_scenarios(profile) {
        Some(d) => d,
        None if profile.kind == "experimental" => return None,
        None => scenarios(),
    };
    let mut b = FileBuilder::new("scenarios", &profile.name, SPEC_COMMIT);
    b.header(
        "Release-semantics scenarios (abstract events and expectations, simulated time). \
         Each test is a scenario.run; expected.view is a marker: the runner judges the \
         adapter's trace with asyncpay_adapter::scenario::check_scenario_outcome(input, view) \
         instead of comparing views. Each expectation carries its requirement ids and level \
         (must / should / choice); a choice states, in its note, what the suite chose where \
         the draft is silent.",
    );
    b.note(
        "DraftSilence",
        FlagNote {
            bug_type: "DraftGap".into(),
            description: "At least one expectation follows the suite's documented choice where the draft is silent (level `choice`, with a note).".into(),
            effect: Some("An implementation may differ and still conform to the draft's text; such failures are reported separately from MUST failures.".into()),
            requirements: Vec::new(),
        },
    );
    b.note(
        "ShouldLevel",
        FlagNote {
            bug_type: "Should".into(),
            description: "At least one expectation checks a SHOULD (level `should`).".into(),
            effect: Some("A failure of a `should` expectation is reported separately, not as a MUST failure.".into()),
            requirements: Vec::new(),
        },
    );
    let isrv = profile.numbers.onionmsg_offer_paths_request.is_some();
    if isrv {
        b.note("ExperimentalInvoiceServer", invoice_server::choices_note());
    }
    for (id, description, scenario) in all {
        let input = match serde_json::to_value(&scenario) {
            Ok(v) => v,
            Err(_) => continue,
        };
        b.test(TestVector {
            id,
            description,
            requirements: requirements_of(&scenario),
            flags: {
                let mut f = flags_of(&scenario);
                if isrv {
                    f.insert(0, "ExperimentalInvoiceServer".to_string());
                }
                f
            },
            result: Verdict::Valid,
            op: "scenario.run".into(),
            input,
            expected: Expected {
                view: Some(expected_view_marker()),
                reason: None,
                also_reasons: Vec::new(),
            },
            intermediates: None,
            comment: String::new(),
        });
    }
    Some(b.finish())
}
