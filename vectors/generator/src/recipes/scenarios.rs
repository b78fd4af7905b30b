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

use asyncpay_adapter::scenario::{
    expected_view_marker, Check, Count, Event, ExpectStep, FailureCode, Feature, InitialState,
    InvoiceRequestSpec, InvoiceSpec, Level, MessageType, NodeConfig, Nodes, OfferSpec,
    OnionMessage, PathId, PathRef, Payload, PaymentPathSpec, ReplyPathPattern, Role, Scenario,
    StaticInvoiceSpec, Step,
};
use asyncpay_adapter::Profile;
use asyncpay_harness::vectors::{Expected, FileBuilder, FlagNote, TestVector, VectorFile, Verdict};
use bitcoin_hashes::{sha256, Hash};

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
    /// Derived: the recipient answers `held_htlc_available` with `release_held_htlc`
    /// over its reply path (from the draft's informative rationale; SHOULD).
    pub const RECIPIENT_RELEASE: &str = "bolt2/release/recipient/reply-release-held-htlc";
}

const H: u32 = 800_000;
const T: u64 = 1_750_000_000;
const OFFER: &str = "offer-1";
const OFFER_PATH: &str = "server-offer-path-0";
const RECIPIENT_MP: [&str; 2] = ["recipient-msg-path-0", "recipient-msg-path-1"];
const LSP_RELEASE: [&str; 2] = ["lsp-release-path-a", "lsp-release-path-b"];
const TO_RECIPIENT: &str = "server-to-recipient-path";

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
            max_cltv_expiry: H + 2016,
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
    vec![
        must(must_not(vec![forwarded(0)], until), &[req::HOLD_NO_FORWARD]),
        add(0, true),
        commitment_signed(Role::Payer),
        raa_with_paths(),
        revoke_and_ack(Role::Payer, &[]),
        nothing(&[req::HOLD_NO_FORWARD]),
    ]
}

fn lsp_cases() -> Vec<Case> {
    let mut v = Vec::new();

    let mut s = held_prefix(Some(6));
    s.extend([
        release(own(2, 0)),
        forward_on_release(0),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ]);
    v.push(case(
        "lsp-hold-until-release-forward-once",
        "a holding LSP advertising option_htlc_hold and an irrevocably committed HTLC with hold_htlc",
        "nothing happens for a while, then the recipient's release_held_htlc arrives over a release path the LSP issued",
        "the LSP sends release paths in its revoke_and_ack, does not forward before the release, and forwards exactly once after it",
        lsp(s),
    ));

    let mut s = held_prefix(Some(6));
    s.extend([
        release(own(2, 0)),
        forward_on_release(0),
        release(own(2, 0)),
        expect(
            Level::Must,
            Check::Nothing,
            &[req::HOLD_FORWARD_ON_RELEASE],
            "One incoming HTLC is forwarded at most once; after forwarding, the HTLC is no longer held, so a second release corresponds to nothing.",
        ),
    ]);
    v.push(case(
        "lsp-duplicate-release-is-noop",
        "a held HTLC already released and forwarded",
        "the same release_held_htlc arrives again over the same path",
        "nothing happens: no second forward",
        lsp(s),
    ));

    let mut s = held_prefix(Some(6));
    s.extend([
        release(own(2, 0)),
        forward_on_release(0),
        release(own(2, 1)),
        expect(
            Level::Must,
            Check::Nothing,
            &[req::HOLD_FORWARD_ON_RELEASE],
            "The payer sends held_htlc_available over two paths and the recipient may answer both; the second release, over the other release path (if the LSP issued two), corresponds to an HTLC no longer held. If the LSP issued one path, the second message cannot be delivered.",
        ),
    ]);
    v.push(case(
        "lsp-two-releases-over-two-paths-forward-once",
        "a held HTLC whose two held_htlc_available messages were both answered",
        "release_held_htlc arrives over one release path, then over the other",
        "the HTLC is forwarded once",
        lsp(s),
    ));

    let mut s = held_prefix(Some(8));
    s.extend([
        release(PathRef::Forged { claims_htlc: 0 }),
        expect(
            Level::Must,
            Check::Nothing,
            &[req::HOLD_NO_FORWARD, req::RAA_RECEIVER_RELEASE_CONTEXT],
            "A release that did not come through a path the LSP created is not a corresponding release_held_htlc: only the LSP's own context, in its own reply path, authenticates a release.",
        ),
        release(own(2, 0)),
        forward_on_release(0),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ]);
    v.push(case(
        "lsp-forged-release-over-foreign-path-ignored",
        "a held HTLC",
        "a release_held_htlc arrives over a path the LSP did not create, with a context naming the HTLC",
        "it is ignored; the genuine release later forwards the HTLC once",
        lsp(s),
    ));

    let mut s = held_prefix(Some(8));
    s.extend([
        release(PathRef::Own {
            step: 2,
            index: 0,
            tampered: true,
        }),
        expect(
            Level::Must,
            Check::Nothing,
            &[req::HOLD_NO_FORWARD, req::RAA_RECEIVER_RELEASE_CONTEXT],
            "A release whose context was altered does not authenticate as the LSP's own.",
        ),
        release(own(2, 0)),
        forward_on_release(0),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ]);
    v.push(case(
        "lsp-release-with-altered-context-ignored",
        "a held HTLC",
        "a release_held_htlc arrives over the LSP's release path with its context altered",
        "it is ignored; the genuine release later forwards the HTLC once",
        lsp(s),
    ));

    let mut s = held_prefix(Some(8));
    s.extend([
        release(PathRef::Forged { claims_htlc: 7 }),
        expect(
            Level::Must,
            Check::Nothing,
            &[req::HOLD_NO_FORWARD],
            "No HTLC 7 exists; a release for it changes nothing, and HTLC 0 stays held.",
        ),
        release(own(2, 0)),
        forward_on_release(0),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ]);
    v.push(case(
        "lsp-release-for-unknown-htlc-ignored",
        "a held HTLC 0",
        "a release naming an unknown HTLC 7 arrives",
        "nothing changes; HTLC 0 is still held until its own release",
        lsp(s),
    ));

    v.push(case(
        "lsp-release-racing-commitment",
        "a held HTLC whose revoke_and_ack (with release paths) the LSP has sent, but whose commitment the payer has not yet completed",
        "the release arrives before the payer's revoke_and_ack",
        "the LSP does not forward before the HTLC is irrevocably committed, and forwards it once committed",
        lsp(vec![
            must(must_not(vec![forwarded(0)], Some(6)), &[req::HOLD_NO_FORWARD, req::FORWARD_AFTER_COMMIT]),
            add(0, true),
            commitment_signed(Role::Payer),
            raa_with_paths(),
            release(own(2, 0)),
            must(Check::Nothing, &[req::FORWARD_AFTER_COMMIT]),
            revoke_and_ack(Role::Payer, &[]),
            expect(
                Level::Choice,
                forwarded(0),
                &[req::HOLD_FORWARD_ON_RELEASE],
                "Draft silent on a release that races the commitment. Choice: the release is remembered and the HTLC forwarded once irrevocably committed; dropping it would strand the HTLC until another release arrives or it times out (what LDK 0.2.7 does: a release arriving before the payer's revoke_and_ack finds no HTLC and is dropped).",
            ),
            nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
        ]),
    ));

    let mut s = held_prefix(None);
    s.extend([
        ev(Event::BlocksMined { count: 60 }),
        expect(
            Level::Choice,
            Check::Nothing,
            &[req::HOLD_NO_FORWARD],
            "Draft silent on how long to hold. Choice: a holding node keeps the HTLC while at least 72 blocks remain before outgoing_cltv_value (LDK fails back at outgoing_cltv_value - 39).",
        ),
        ev(Event::BlocksMined { count: 85 }),
        expect(
            Level::Must,
            failed_back(0, None),
            &[req::FAIL_AT_EXPIRY],
            "The height is now outgoing_cltv_value + 1, so cltv_expiry - height is less than the HTLC's cltv_expiry_delta: BOLT 2 requires failing the incoming HTLC (read with the held HTLC's would-be outgoing HTLC).",
        ),
        release(own(2, 0)),
        expect(
            Level::Must,
            Check::Nothing,
            &[req::HOLD_NO_FORWARD],
            "The HTLC was failed back; a late release corresponds to nothing.",
        ),
    ]);
    v.push(case(
        "lsp-no-release-before-deadline-fails-back",
        "a held HTLC with outgoing_cltv_value 144 blocks ahead",
        "no release arrives while 145 blocks are mined, then a late release arrives",
        "the HTLC is failed back no later than past outgoing_cltv_value, and the late release does nothing",
        lsp(s),
    ));

    let mut s = held_prefix(Some(6));
    s.extend([
        release(own(2, 0)),
        forward_on_release(0),
        expect(
            Level::Choice,
            must_not(vec![forwarded(0)], None),
            &[req::HOLD_FORWARD_ON_RELEASE],
            "Draft silent. Choice: a release is consumed by the forward; a held HTLC that failed downstream is failed back, never forwarded again (a plain forwarding node does not retry).",
        ),
        ev(Event::HtlcFailedDownstream {
            htlc: 0,
            reason: FailureCode::TemporaryChannelFailure,
        }),
        expect(
            Level::Should,
            failed_back(0, None),
            &[req::FAIL_BACK_AFTER_DOWNSTREAM],
            "BOLT 2 allows failing the incoming HTLC once the outgoing HTLC's removal is irrevocably committed (and requires it by the incoming expiry); prompt fail-back, relaying the downstream failure, is the usual behaviour.",
        ),
        release(own(2, 1)),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ]);
    v.push(case(
        "lsp-released-htlc-failing-downstream-is-failed-back",
        "a held HTLC, released and forwarded",
        "the next hop fails it, then another release arrives",
        "the HTLC is failed back upstream and never forwarded again",
        lsp(s),
    ));

    v.push(case(
        "lsp-without-htlc-hold-receives-hold-htlc",
        "an LSP that does not advertise option_htlc_hold",
        "an HTLC with hold_htlc arrives and is committed",
        "it is never forwarded (no release can ever arrive), its revoke_and_ack carries no release paths, and it is failed back with temporary_node_failure",
        lsp_with(false, vec![
            must(must_not(vec![forwarded(0)], None), &[req::HOLD_NO_FORWARD]),
            add(0, true),
            commitment_signed(Role::Payer),
            expect(
                Level::Choice,
                Check::RevokeAndAckWithoutReleasePaths { count: once() },
                &[req::RAA_SENDER_RELEASE_PATHS],
                "The draft requires release paths only from a node advertising option_htlc_hold. Choice: a node that does not advertise it sends none.",
            ),
            revoke_and_ack(Role::Payer, &[]),
            expect(
                Level::Choice,
                failed_back(0, Some(vec![FailureCode::TemporaryNodeFailure])),
                &[req::HOLD_NO_FORWARD],
                "Draft silent. Choice (LDK 0.2): fail back with temporary_node_failure rather than hold an HTLC nobody can release. (A node that does not understand hold_htlc at all would fail to parse the even TLV, per BOLT 1.)",
            ),
            nothing(&[req::HOLD_NO_FORWARD]),
        ]),
    ));

    v.push(case(
        "lsp-release-paths-when-and-only-when-held",
        "a holding LSP",
        "an HTLC without hold_htlc is committed, then one with hold_htlc",
        "the first revoke_and_ack carries no release paths and the HTLC is forwarded as usual; the second carries at least one and its HTLC is held",
        lsp(vec![
            add(0, false),
            commitment_signed(Role::Payer),
            expect(
                Level::Choice,
                Check::RevokeAndAckWithoutReleasePaths { count: once() },
                &[req::RAA_SENDER_RELEASE_PATHS],
                "The draft requires release paths when hold_htlc was set; it does not forbid them otherwise. Choice: none for an HTLC that is not held (they could only confuse the payer).",
            ),
            revoke_and_ack(Role::Payer, &[]),
            expect(Level::Should, forwarded(0), &[req::FORWARD_AFTER_COMMIT], "An ordinary HTLC, irrevocably committed, is forwarded as usual."),
            must(must_not(vec![forwarded(1)], None), &[req::HOLD_NO_FORWARD]),
            add(1, true),
            commitment_signed(Role::Payer),
            raa_with_paths(),
            revoke_and_ack(Role::Payer, &[]),
            nothing(&[req::HOLD_NO_FORWARD]),
        ]),
    ));

    v.push(case(
        "lsp-release-for-one-of-two-held-htlcs",
        "two held HTLCs, committed one after the other, each with its own release paths",
        "the release for the second arrives",
        "only the second is forwarded; the first stays held until its own release",
        lsp(vec![
            must(
                must_not(vec![forwarded(0)], Some(12)),
                &[req::HOLD_NO_FORWARD],
            ),
            add(0, true),
            commitment_signed(Role::Payer),
            raa_with_paths(),
            revoke_and_ack(Role::Payer, &[]),
            add(1, true),
            commitment_signed(Role::Payer),
            raa_with_paths(),
            revoke_and_ack(Role::Payer, &[]),
            release(own(6, 0)),
            forward_on_release(1),
            nothing(&[req::HOLD_NO_FORWARD]),
            release(own(2, 0)),
            forward_on_release(0),
            nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
        ]),
    ));

    let mut s = held_prefix(Some(8));
    s.extend([
        ev(Event::PeerDisconnects { peer: Role::Payer }),
        nothing(&[req::HOLD_NO_FORWARD]),
        release(own(2, 0)),
        forward_on_release(0),
        ev(Event::PeerReconnects { peer: Role::Payer }),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ]);
    v.push(case(
        "lsp-payer-offline-release-still-forwards",
        "a held HTLC whose payer then goes offline (the point of holding)",
        "the release arrives while the payer is offline, and the payer later reconnects",
        "the HTLC is forwarded once on the release, and nothing more happens on reconnection",
        lsp(s),
    ));
    v
}

fn payer_with(lsp_holds: bool, often_offline: bool, steps: Vec<Step>) -> Scenario {
    Scenario {
        role_under_test: Role::Payer,
        initial: InitialState {
            static_invoices: Vec::new(),
            recipient_path: None,
            ..initial(lsp_holds, often_offline)
        },
        steps,
    }
}

fn pay() -> Step {
    ev(Event::PayOffer {
        payment: "p1".into(),
        offer: OFFER.into(),
        amount_msat: 50_000,
    })
}

fn invreq_sent() -> Step {
    expect(
        Level::Must,
        Check::OnionMessageSent {
            message: MessageType::InvoiceRequest,
            id: None,
            over: Some(vec![PathId::Named(OFFER_PATH.into())]),
            reply_path: Some(ReplyPathPattern::Own),
            distinct_paths: false,
            distinct_reply_paths: false,
            count: Count::AtLeast(1),
        },
        &[req::INVOICE_VIA_REPLY_PATH],
        "The payer asks over the offer's path, with a reply path of its own: the invoice it will accept must arrive over that path.",
    )
}

/// An invoice arrives over the reply path of the invoice request sent at `pay_step`.
fn invoice_arrives(pay_step: usize, message: OnionMessage) -> Step {
    ev(Event::OnionMessage {
        from: Role::InvoiceServer,
        message,
        over: own(pay_step, 0),
        reply_path: None,
    })
}

fn sent(hold: Option<bool>) -> Check {
    Check::HtlcSent {
        payment: "p1".into(),
        hold_htlc: hold,
        sender_provided_payment_preimage: None,
        preimage_matches_payment_hash: false,
        invoice_request_sent_earlier: false,
        count: once(),
    }
}

fn any_sent() -> Check {
    sent(None)
}

fn held_htlc_available(reply: ReplyPathPattern, level: Level, reqs: &[&str], note: &str) -> Step {
    expect(
        level,
        Check::OnionMessageSent {
            message: MessageType::HeldHtlcAvailable,
            id: None,
            over: Some(
                RECIPIENT_MP
                    .iter()
                    .map(|p| PathId::Named(p.to_string()))
                    .collect(),
            ),
            reply_path: Some(reply),
            distinct_paths: true,
            distinct_reply_paths: true,
            count: Count::AtLeast(2),
        },
        reqs,
        note,
    )
}

fn fresh_invoice() -> OnionMessage {
    OnionMessage::Invoice(InvoiceSpec {
        id: "fresh-invoice-1".into(),
        payment_hash: hash_hex(&[0x55; 32]),
        amount_msat: 50_000,
    })
}

const OFTEN_OFFLINE_HOLDS: &str = "A payer configured often-offline (LDK: hold_outbound_htlcs_at_next_hop) whose LSP advertises option_htlc_hold, paying a static invoice (the recipient is offline), uses hold_htlc; the draft permits it but does not oblige it, so this is the suite's documented expectation for that configuration.";

fn payer_cases() -> Vec<Case> {
    vec![
    case(
        "payer-sends-two-held-htlc-available-with-unique-reply-paths",
        "an often-offline payer whose LSP advertises option_htlc_hold, paying an offer answered with a static invoice with two message paths",
        "it sends the HTLC with hold_htlc and its LSP's revoke_and_ack carries two release paths",
        "it immediately sends held_htlc_available over both message paths, each with a different one of the LSP's release paths as reply path",
        payer_with(true, true, vec![
            pay(),
            invreq_sent(),
            invoice_arrives(0, OnionMessage::StaticInvoice(static_invoice())),
            expect(Level::Choice, sent(Some(true)), &[req::SENDER_HOLD_RECIPIENT_OFFLINE, req::SENDER_HOLD_SELF_OFFLINE], OFTEN_OFFLINE_HOLDS),
            revoke_and_ack(Role::PayerLsp, &LSP_RELEASE),
            held_htlc_available(
                ReplyPathPattern::OneOf(LSP_RELEASE.iter().map(|p| PathId::Named(p.to_string())).collect()),
                Level::Must,
                &[
                    req::RAA_RECEIVER_TWO_MESSAGES,
                    req::RAA_RECEIVER_HELD_HTLC_AVAILABLE,
                    req::RAA_RECEIVER_UNIQUE_REPLY_PATHS,
                    req::RAA_RECEIVER_RELEASE_CONTEXT,
                    req::INVOICE_PAY_ASYNC,
                ],
                "Reply paths must terminate at the LSP with its release context: only the LSP's release paths do. The LSP gave two, so unique reply paths are possible without extending a path (gap/release-paths-fewer-than-messages: with one path, uniqueness would need the payer to extend it).",
            ),
            nothing(&[req::RAA_RECEIVER_TWO_MESSAGES]),
        ]),
    ),

    case(
        "payer-payload-for-static-invoice",
        "a payer paying an offer",
        "a static invoice arrives in reply to its invoice request",
        "its HTLC carries sender_provided_payment_preimage, a payment_hash that is its SHA256, and the invoice_request it sent",
        payer_with(true, true, vec![
            pay(),
            invreq_sent(),
            invoice_arrives(0, OnionMessage::StaticInvoice(static_invoice())),
            must(
                Check::HtlcSent {
                    payment: "p1".into(),
                    hold_htlc: None,
                    sender_provided_payment_preimage: Some(true),
                    preimage_matches_payment_hash: true,
                    invoice_request_sent_earlier: true,
                    count: once(),
                },
                &[req::WRITER_SENDER_PREIMAGE, req::WRITER_PAYMENT_HASH, req::WRITER_INVOICE_REQUEST],
            ),
        ]),
    ),

    case(
        "payer-fresh-invoice-no-hold-no-sender-preimage",
        "a payer paying an offer whose recipient is online",
        "a fresh invoice (with a payment hash) arrives in reply",
        "its HTLC has no hold_htlc and no sender_provided_payment_preimage",
        payer_with(
            true,
            true,
            vec![
                pay(),
                invreq_sent(),
                invoice_arrives(0, fresh_invoice()),
                must(
                    Check::HtlcSent {
                        payment: "p1".into(),
                        hold_htlc: Some(false),
                        sender_provided_payment_preimage: Some(false),
                        preimage_matches_payment_hash: false,
                        invoice_request_sent_earlier: false,
                        count: once(),
                    },
                    &[
                        req::SENDER_HOLD_RECIPIENT_OFFLINE,
                        req::WRITER_NO_SENDER_PREIMAGE,
                    ],
                ),
                nothing(&[req::SENDER_HOLD_RECIPIENT_OFFLINE]),
            ],
        ),
    ),

    case(
        "payer-no-hold-htlc-toward-peer-without-feature",
        "an often-offline payer whose LSP does not advertise option_htlc_hold",
        "a static invoice arrives",
        "it never sets hold_htlc toward that LSP: it sends held_htlc_available over the invoice's message paths with reply paths to itself, and on the release pays with one HTLC without hold_htlc",
        payer_with(false, true, vec![
            expect(
                Level::Must,
                must_not(vec![sent(Some(true))], None),
                &[req::SENDER_HOLD_PEER_FEATURE],
                "Derived: option_htlc_hold is how a peer says it holds HTLCs and forwards on release (BOLT 9); hold_htlc is an even TLV a peer without the feature need not understand (BOLT 1), and LDK fails such an HTLC with temporary_node_failure.",
            ),
            pay(),
            invreq_sent(),
            invoice_arrives(1, OnionMessage::StaticInvoice(static_invoice())),
            expect(
                Level::Must,
                Check::OnionMessageSent {
                    message: MessageType::HeldHtlcAvailable,
                    id: None,
                    over: Some(
                        RECIPIENT_MP
                            .iter()
                            .map(|p| PathId::Named(p.to_string()))
                            .collect(),
                    ),
                    reply_path: Some(ReplyPathPattern::Own),
                    distinct_paths: false,
                    distinct_reply_paths: false,
                    count: Count::AtLeast(1),
                },
                &[req::INVOICE_PAY_ASYNC],
                "The payer asked for this static invoice to pay it, and a static invoice MUST be paid through the held_htlc_available flow over its static_invoice_message_paths. With no option_htlc_hold at its LSP nothing can hold the HTLC, so the release has to come back to the payer: reply paths of its own (the draft's informative note for a payer online when the recipient comes online). How many messages, and unique reply paths, are checked in payer-online-waits-for-release, not here.",
            ),
            ev(Event::OnionMessage {
                from: Role::Recipient,
                message: OnionMessage::ReleaseHeldHtlc,
                over: own(3, 0),
                reply_path: None,
            }),
            expect(
                Level::Must,
                sent(Some(false)),
                &[req::INVOICE_PAY_ASYNC, req::SENDER_HOLD_PEER_FEATURE],
                "On the release_held_htlc the flow ends in the payment: one HTLC, without hold_htlc. This is what shows the payer acted; the must_not above alone is met by a payer that does nothing.",
            ),
        ]),
    ),

    case(
        "payer-release-paths-for-unheld-htlc-ignored",
        "a payer that sent an HTLC without hold_htlc (paying a fresh invoice)",
        "its LSP's revoke_and_ack nevertheless carries release paths",
        "it sends no held_htlc_available",
        payer_with(true, true, vec![
            pay(),
            invreq_sent(),
            invoice_arrives(0, fresh_invoice()),
            must(sent(Some(false)), &[req::SENDER_HOLD_RECIPIENT_OFFLINE]),
            revoke_and_ack(Role::PayerLsp, &LSP_RELEASE),
            expect(
                Level::Choice,
                Check::Nothing,
                &[req::RAA_RECEIVER_TWO_MESSAGES],
                "The receiver duty applies only if hold_htlc was set in the preceding update_add_htlc; the draft says nothing otherwise. Choice: the paths are ignored.",
            ),
        ]),
    ),

    case(
        "payer-static-and-fresh-invoice-paid-once",
        "a payer whose invoice request is answered both by the server (static invoice) and by the recipient, briefly online (fresh invoice)",
        "the static invoice arrives first, then the fresh invoice",
        "it pays once",
        payer_with(true, true, vec![
            pay(),
            invreq_sent(),
            invoice_arrives(0, OnionMessage::StaticInvoice(static_invoice())),
            must(any_sent(), &[req::INVOICE_PAY_ASYNC]),
            invoice_arrives(0, fresh_invoice()),
            expect(
                Level::Choice,
                Check::Nothing,
                &[req::INVOICE_PAY_ASYNC],
                "Draft silent on two answers to one invoice request (the new pay-mobile-user flow makes it likely). Choice: the first invoice is paid; later ones for the same payment are ignored, never paid twice.",
            ),
        ]),
    ),

    case(
        "payer-expired-static-invoice-not-paid",
        "a payer whose invoice request is answered with a static invoice without invoice_relative_expiry",
        "the invoice arrives 15 days after its invoice_created_at",
        "it does not pay",
        payer_with(true, true, vec![
            must(must_not(vec![any_sent()], None), &[req::INVOICE_EXPIRED]),
            pay(),
            invreq_sent(),
            ev(Event::TimePasses { seconds: 15 * 86_400 }),
            invoice_arrives(1, OnionMessage::StaticInvoice(static_invoice())),
            expect(
                Level::Must,
                Check::Nothing,
                &[req::INVOICE_EXPIRED],
                "Expired under either reading: the inherited reader default of 7200 s, or the static-invoice writer default of 2 weeks (the draft changes the writer's default but not the reader's: gap/static-invoice-default-expiry).",
            ),
        ]),
    ),

    case(
        "payer-online-waits-for-release",
        "a payer that will stay online, paying a static invoice",
        "it sends held_htlc_available with its own reply paths and a release_held_htlc comes back over one, then the other",
        "it sends no HTLC before the release, then one HTLC without hold_htlc, and nothing on the second release",
        payer_with(true, false, vec![
            must(must_not(vec![sent(Some(true))], None), &[req::SENDER_HOLD_SELF_OFFLINE]),
            must(must_not(vec![any_sent()], Some(6)), &[req::INVOICE_PAY_ASYNC]),
            pay(),
            invreq_sent(),
            invoice_arrives(2, OnionMessage::StaticInvoice(static_invoice())),
            held_htlc_available(
                ReplyPathPattern::Own,
                Level::Choice,
                &[req::INVOICE_PAY_ASYNC],
                "The draft's informative note: a payer online when the recipient comes online sends held_htlc_available with reply paths to itself and waits for release_held_htlc before sending any HTLC.",
            ),
            ev(Event::OnionMessage {
                from: Role::Recipient,
                message: OnionMessage::ReleaseHeldHtlc,
                over: own(4, 0),
                reply_path: None,
            }),
            must(
                Check::HtlcSent {
                    payment: "p1".into(),
                    hold_htlc: Some(false),
                    sender_provided_payment_preimage: Some(true),
                    preimage_matches_payment_hash: true,
                    invoice_request_sent_earlier: true,
                    count: once(),
                },
                &[req::SENDER_HOLD_SELF_OFFLINE, req::WRITER_PAYMENT_HASH, req::WRITER_INVOICE_REQUEST],
            ),
            ev(Event::OnionMessage {
                from: Role::Recipient,
                message: OnionMessage::ReleaseHeldHtlc,
                over: own(4, 1),
                reply_path: None,
            }),
            expect(
                Level::Choice,
                Check::Nothing,
                &[req::INVOICE_PAY_ASYNC],
                "Both held_htlc_available may be answered; the second release must not pay again.",
            ),
        ]),
    ),
    ]
}

const PREIMAGE: [u8; 32] = [0x42; 32];

fn recipient(steps: Vec<Step>) -> Scenario {
    Scenario {
        role_under_test: Role::Recipient,
        initial: InitialState {
            recipient_path: None,
            ..initial(true, true)
        },
        steps,
    }
}

/// The HTLC arriving at the recipient, irrevocably committed.
fn htlc_to_recipient(
    payment_hash: String,
    amount: u64,
    cltv_expiry: u32,
    preimage: Option<[u8; 32]>,
    invreq_amount: Option<Option<u64>>,
) -> Step {
    ev(Event::UpdateAddHtlc {
        from: Role::InvoiceServer,
        htlc: 0,
        amount_msat: amount,
        payment_hash,
        cltv_expiry,
        hold_htlc: false,
        payload: Payload {
            amt_to_forward: amount,
            outgoing_cltv_value: H + 100,
            next_hop: None,
            payment_path: Some("payment-path-0".into()),
            sender_provided_payment_preimage: preimage.map(hex::encode),
            invoice_request: invreq_amount.map(|amount_msat| InvoiceRequestSpec {
                id: "p1-invreq".into(),
                offer: OFFER.into(),
                amount_msat,
            }),
        },
        irrevocably_committed: true,
    })
}

fn rejected(htlc: u64) -> Check {
    Check::RejectedPayment {
        htlc,
        reason: None,
        count: once(),
    }
}

fn claimed() -> Check {
    Check::ClaimedWithPreimage {
        htlc: 0,
        preimage: None,
        count: once(),
    }
}

fn recipient_cases() -> Vec<Case> {
    let good_hash = hash_hex(&PREIMAGE);
    let mut v = Vec::new();
    let held = |path: &str, reply: Option<&str>| {
        ev(Event::OnionMessage {
            from: Role::Payer,
            message: OnionMessage::HeldHtlcAvailable,
            over: PathRef::Named(path.into()),
            reply_path: reply.map(|r| PathRef::Named(r.into())),
        })
    };
    let released_over = |path: &str| Check::OnionMessageSent {
        message: MessageType::ReleaseHeldHtlc,
        id: None,
        over: Some(vec![PathId::Named(path.into())]),
        reply_path: None,
        distinct_paths: false,
        distinct_reply_paths: false,
        count: once(),
    };
    v.push(case(
        "recipient-releases-over-reply-path",
        "a recipient that has come online",
        "held_htlc_available arrives over each of its static invoice's message paths, each with a reply path to the payer's LSP, then one without a reply path",
        "it sends release_held_htlc over each reply path, and nothing for the message without one",
        recipient(vec![
            held(RECIPIENT_MP[0], Some(LSP_RELEASE[0])),
            expect(
                Level::Should,
                released_over(LSP_RELEASE[0]),
                &[req::RECIPIENT_RELEASE],
                "The draft describes the recipient replying to held_htlc_available with release_held_htlc over the reply path (informative text), with no normative requirement.",
            ),
            held(RECIPIENT_MP[1], Some(LSP_RELEASE[1])),
            expect(
                Level::Choice,
                released_over(LSP_RELEASE[1]),
                &[req::RECIPIENT_RELEASE],
                "Choice: answer every held_htlc_available; the holder ignores duplicates.",
            ),
            held(RECIPIENT_MP[0], None),
            expect(Level::Must, Check::Nothing, &[req::RECIPIENT_RELEASE], "Without a reply path there is nowhere to send the release."),
        ]),
    ));

    v.push(case(
        "recipient-claims-with-sender-preimage",
        "a recipient whose static invoice was paid",
        "the HTLC arrives with sender_provided_payment_preimage hashing to its payment_hash and the matching invoice_request",
        "it claims with that preimage",
        recipient(vec![
            htlc_to_recipient(good_hash.clone(), 50_000, H + 200, Some(PREIMAGE), Some(Some(50_000))),
            must(
                Check::ClaimedWithPreimage {
                    htlc: 0,
                    preimage: Some(hex::encode(PREIMAGE)),
                    count: once(),
                },
                &[req::READER_USE_SENDER_PREIMAGE],
            ),
            nothing(&[req::READER_USE_SENDER_PREIMAGE]),
        ]),
    ));

    let reject_case =
        |id, when: &str, step: Step, level: Level, reqs: &'static [&'static str], note: &str| {
            case(
                id,
                "a recipient whose static invoice is being paid",
                when,
                "it rejects the payment (fails the HTLC) and never claims it",
                recipient(vec![
                    expect(level, must_not(vec![claimed()], None), reqs, note),
                    step,
                    expect(level, rejected(0), reqs, note),
                ]),
            )
        };
    v.push(reject_case(
        "recipient-rejects-preimage-not-matching-hash",
        "the HTLC's sender_provided_payment_preimage does not hash to its payment_hash",
        htlc_to_recipient(hash_hex(&[0x43; 32]), 50_000, H + 200, Some(PREIMAGE), Some(Some(50_000))),
        Level::Must,
        &[req::READER_USE_SENDER_PREIMAGE, req::FULFILL_PREIMAGE_HASH],
        "The recipient must claim with the sender's preimage, and a fulfill whose preimage does not hash to payment_hash is invalid (BOLT 2): the only conforming outcome is to fail the HTLC.",
    ));
    v.push(reject_case(
        "recipient-rejects-missing-invoice-request",
        "the HTLC carries a sender preimage but no invoice_request",
        htlc_to_recipient(good_hash.clone(), 50_000, H + 200, Some(PREIMAGE), None),
        Level::Choice,
        &[req::WRITER_INVOICE_REQUEST],
        "The writer MUST include invoice_request when paying a static invoice; the draft gives the reader no rule. Choice: without it the recipient cannot tell what it is paid for, so it rejects (incorrect_or_unknown_payment_details).",
    ));
    v.push(reject_case(
        "recipient-rejects-amount-below-invoice-request",
        "amt_to_forward is below the invoice_request's amount",
        htlc_to_recipient(
            good_hash.clone(),
            40_000,
            H + 200,
            Some(PREIMAGE),
            Some(Some(50_000)),
        ),
        Level::Must,
        &[req::READER_AMOUNT_BELOW_EXPECTED],
        "The amount the recipient expects is the invoice request's (the static invoice has none).",
    ));
    v.push(reject_case(
        "recipient-rejects-expired-payment-path",
        "the HTLC's cltv_expiry exceeds the payment path's max_cltv_expiry (the path has expired)",
        htlc_to_recipient(
            good_hash,
            50_000,
            H + 3000,
            Some(PREIMAGE),
            Some(Some(50_000)),
        ),
        Level::Must,
        &[req::READER_MAX_CLTV_EXPIRY],
        "",
    ));
    v
}

fn server(steps: Vec<Step>) -> Scenario {
    Scenario {
        role_under_test: Role::InvoiceServer,
        initial: initial(true, true),
        steps,
    }
}

fn server_cases() -> Vec<Case> {
    let request_as = |id: &str, offer: &str, reply: &str| {
        ev(Event::OnionMessage {
            from: Role::Payer,
            message: OnionMessage::InvoiceRequest(InvoiceRequestSpec {
                id: id.into(),
                offer: offer.into(),
                amount_msat: Some(50_000),
            }),
            over: PathRef::Named(OFFER_PATH.into()),
            reply_path: Some(PathRef::Named(reply.into())),
        })
    };
    let request = |offer: &str| request_as("p1-invreq", offer, "payer-reply-path-0");
    vec![
        case(
            "server-replies-with-static-invoice-and-forwards-request",
            "an invoice server holding the recipient's static invoice for offer-1",
            "an invoice_request for offer-1 arrives with a reply path",
            "it replies with the stored static invoice over the reply path and forwards the invoice_request to the recipient",
            server(vec![
                request(OFFER),
                expect(
                    Level::Should,
                    Check::OnionMessageSent {
                        message: MessageType::StaticInvoice,
                        id: Some("static-invoice-1".into()),
                        over: Some(vec![PathId::Named("payer-reply-path-0".into())]),
                        reply_path: None,
                        distinct_paths: false,
                        distinct_reply_paths: false,
                        count: once(),
                    },
                    &[req::INVREQ_REPLY_STATIC],
                    "",
                ),
                expect(
                    Level::Should,
                    Check::OnionMessageSent {
                        message: MessageType::InvoiceRequest,
                        id: Some("p1-invreq".into()),
                        over: Some(vec![PathId::Named(TO_RECIPIENT.into())]),
                        reply_path: None,
                        distinct_paths: false,
                        distinct_reply_paths: false,
                        count: once(),
                    },
                    &[req::INVREQ_FORWARD],
                    "Draft silent on the forwarded request's reply path; not checked (the reference passes the payer's, so an online recipient can answer the payer directly).",
                ),
                nothing(&[req::INVREQ_FORWARD]),
            ]),
        ),
        case(
            "server-ignores-request-for-unknown-offer",
            "an invoice server holding a static invoice for offer-1 only",
            "an invoice_request for another offer arrives, then one for offer-1",
            "it sends nothing for the first, and replies to the second with the stored static invoice",
            server(vec![
                request("offer-unknown"),
                expect(
                    Level::Choice,
                    Check::Nothing,
                    &[req::INVREQ_REPLY_STATIC],
                    "Choice: a server holds invoices only for the payees it serves; a request for another offer gets no static invoice and is not forwarded.",
                ),
                request_as("p2-invreq", OFFER, "payer-reply-path-1"),
                expect(
                    Level::Should,
                    Check::OnionMessageSent {
                        message: MessageType::StaticInvoice,
                        id: Some("static-invoice-1".into()),
                        over: Some(vec![PathId::Named("payer-reply-path-1".into())]),
                        reply_path: None,
                        distinct_paths: false,
                        distinct_reply_paths: false,
                        count: once(),
                    },
                    &[req::INVREQ_REPLY_STATIC],
                    "The same server, asked for the offer whose invoice it holds, replies with it: the silence above is a decision about the other offer, not a server that answers nothing (which the Nothing alone would pass). Its forwarding of this request is checked in server-replies-with-static-invoice-and-forwards-request.",
                ),
            ]),
        ),
    ]
}

/// Every scenario: `(id, given/when/then description, scenario)`.
pub fn scenarios() -> Vec<(String, String, Scenario)> {
    lsp_cases()
        .into_iter()
        .chain(payer_cases())
        .chain(recipient_cases())
        .chain(server_cases())
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

/// The `scenarios` file for `profile`; `None` for experimental profiles.
pub fn generate(profile: &Profile) -> Option<VectorFile> {
    if profile.kind == "experimental" {
        return None;
    }
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
    for (id, description, scenario) in scenarios() {
        let input = match serde_json::to_value(&scenario) {
            Ok(v) => v,
            Err(_) => continue,
        };
        b.test(TestVector {
            id,
            description,
            requirements: requirements_of(&scenario),
            flags: flags_of(&scenario),
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
