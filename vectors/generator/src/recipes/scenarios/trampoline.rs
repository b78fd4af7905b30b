//! Scenarios of profile `experimental-trampoline-hold` (design 000), the
//! payer's LSP under test: it holds a payment whose first-hop payload
//! carries a hold request until the receiver's trigger carries its nonce,
//! then forwards (a trampoline builds the onward onion and may try again;
//! a one-shot forwards the pre-built onion once). The payer's CLTV towards
//! the LSP is long (a week), the onward delta standard. Two scenarios play
//! the receiver: it answers the payer's notice with the trigger.
//!
//! The expected outcomes follow the design as the profile pins it
//! (`vectors/profiles.json`, `vectors/designs.md`), stated here step by
//! step, not taken from the reference.

use super::*;
use asyncpay_adapter::scenario::{AsyncHold, HoldMode};

/// The payer's long CLTV towards its LSP: a week of blocks.
const LONG_CLTV: u32 = H + 1008;
/// The `outgoing_cltv_value` the payer writes: a standard delta from now.
const OUTGOING: u32 = H + 144;
/// The trampoline's onward delta.
const DELTA: u32 = 144;
/// The held payment's nonce, and another payment's.
const NONCE: &str = "6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e";
const OTHER_NONCE: &str = "6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d";
const WRONG_NONCE: &str = "6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f";

const DEADLINE_NOTE: &str = "The profile's choice: a trampoline-held HTLC is held while the trigger can still give the onward HTLC its standard delta inside the payer's own CLTV, i.e. failed back once the height passes cltv_expiry - downstream_cltv_delta - 40; the payload's outgoing_cltv_value does not bound it.";

fn preimage(htlc: u64) -> [u8; 32] {
    let mut p = [0x31u8; 32];
    p[31] = htlc as u8;
    p
}

/// `update_add_htlc` with a hold request in the payload, irrevocably committed.
fn tadd(htlc: u64, mode: HoldMode, nonce: &str, committed: bool) -> Step {
    let trampoline = mode == HoldMode::Trampoline;
    ev(Event::UpdateAddHtlc {
        from: Role::Payer,
        htlc,
        amount_msat: 100_100,
        payment_hash: hash_hex(&preimage(htlc)),
        cltv_expiry: LONG_CLTV,
        hold_htlc: false,
        payload: Payload {
            amt_to_forward: 100_000,
            outgoing_cltv_value: OUTGOING,
            next_hop: Some(Role::InvoiceServer),
            async_hold: Some(AsyncHold {
                nonce: nonce.into(),
                mode,
                downstream_cltv_delta: if trampoline { DELTA } else { 0 },
                receiver_path: trampoline.then(|| "receiver-route".to_string()),
            }),
            ..Payload::default()
        },
        irrevocably_committed: committed,
    })
}

fn trigger(nonce: &str) -> Step {
    ev(Event::OnionMessage {
        from: Role::Recipient,
        message: OnionMessage::AsyncPaymentTrigger {
            nonce: nonce.into(),
        },
        over: PathRef::Named("payer-reply-path-to-lsp".into()),
        reply_path: None,
    })
}

/// The `revoke_and_ack` of a committed hold: no release paths (the design has none).
fn raa_without() -> Step {
    expect(
        Level::Choice,
        Check::RevokeAndAckWithoutReleasePaths { count: once() },
        &[req::RAA_SENDER_RELEASE_PATHS],
        "The design carries no hold_htlc and no release paths: the hold request is in the payload and the trigger authenticates by its nonce.",
    )
}

/// Steps 0..=3: the must_not (until `until`), the add, its revoke_and_ack, nothing.
fn held(mode: HoldMode, until: Option<usize>, extra_forbidden: Vec<Check>) -> Vec<Step> {
    let mut forbidden = vec![forwarded(0)];
    forbidden.extend(extra_forbidden);
    vec![
        must(must_not(forbidden, until), &[req::HOLD_NO_FORWARD]),
        tadd(0, mode, NONCE, true),
        raa_without(),
        nothing(&[req::HOLD_NO_FORWARD]),
    ]
}

fn on_trigger(htlc: u64) -> Step {
    forward_on_release(htlc)
}

fn scenario(steps: Vec<Step>) -> Scenario {
    Scenario {
        role_under_test: Role::PayerLsp,
        initial: initial(true, true),
        steps,
    }
}

pub(super) fn trampoline_cases() -> Vec<Case> {
    use HoldMode::*;
    let mut v = Vec::new();

    let mut s = held(Trampoline, Some(6), vec![]);
    s.extend([
        ev(Event::TimePasses { seconds: 3600 }),
        nothing(&[req::HOLD_NO_FORWARD]),
        trigger(NONCE),
        on_trigger(0),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ]);
    v.push(case("trampoline-hold-until-trigger", "an LSP holding a payment whose first-hop payload asks for a trampoline hold with a nonce", "an hour passes, then the receiver's async_payment_trigger arrives with that nonce", "the LSP forwards nothing before the trigger and forwards the payment once after it (building the onward onion to the receiver's route)", scenario(s)));

    let mut s = held(Trampoline, Some(6), vec![]);
    s.extend([
        trigger(WRONG_NONCE),
        expect(
            Level::Must,
            Check::Nothing,
            &[req::HOLD_NO_FORWARD],
            "A trigger whose nonce is not the payment's is not its trigger: ignored.",
        ),
        trigger(NONCE),
        on_trigger(0),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ]);
    v.push(case(
        "trampoline-wrong-nonce-ignored",
        "a trampoline-held payment",
        "a trigger with another nonce arrives, then one with the payment's",
        "the first is ignored, the second forwards the payment once",
        scenario(s),
    ));

    let s = vec![
        must(
            must_not(vec![forwarded(0)], Some(10)),
            &[req::HOLD_NO_FORWARD],
        ),
        tadd(0, Trampoline, NONCE, true),
        raa_without(),
        tadd(1, Trampoline, OTHER_NONCE, true),
        raa_without(),
        nothing(&[req::HOLD_NO_FORWARD]),
        trigger(OTHER_NONCE),
        on_trigger(1),
        expect(
            Level::Must,
            Check::Nothing,
            &[req::HOLD_NO_FORWARD],
            "The trigger names one payment by its nonce; the other stays held.",
        ),
        ev(Event::TimePasses { seconds: 600 }),
        trigger(NONCE),
        on_trigger(0),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ];
    v.push(case(
        "trampoline-trigger-releases-only-its-payment",
        "two trampoline-held payments with different nonces",
        "the trigger of the second arrives, later the first's",
        "each trigger forwards its own payment only",
        scenario(s),
    ));

    let mut s = held(OneShot, Some(4), vec![]);
    s.extend([
        trigger(NONCE),
        on_trigger(0),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ]);
    v.push(case("one-shot-hold-until-trigger", "an LSP holding a one-shot payment (a short_channel_id and the pre-built onion in the packet)", "the trigger with its nonce arrives", "the LSP forwards the pre-built onion once, not before", scenario(s)));

    let mut s = held(OneShot, Some(4), vec![]);
    s.extend([
        trigger(NONCE),
        on_trigger(0),
        must(must_not(vec![forwarded(0)], None), &[req::FAIL_BACK_AFTER_DOWNSTREAM]),
        ev(Event::HtlcFailedDownstream { htlc: 0, reason: FailureCode::TemporaryChannelFailure }),
        expect(Level::Should, failed_back(0, Some(vec![FailureCode::Relayed])), &[req::FAIL_BACK_AFTER_DOWNSTREAM], "The one-shot onion was built by the payer; the LSP has no other to try and relays the failure."),
        nothing(&[req::FAIL_BACK_AFTER_DOWNSTREAM]),
    ]);
    v.push(case(
        "one-shot-no-retry-after-downstream-failure",
        "a triggered one-shot payment, forwarded",
        "it fails downstream",
        "the LSP fails it back and tries no other onion",
        scenario(s),
    ));

    let mut s = held(Trampoline, Some(4), vec![]);
    let fail = || {
        ev(Event::HtlcFailedDownstream {
            htlc: 0,
            reason: FailureCode::TemporaryChannelFailure,
        })
    };
    let again = || {
        expect(Level::Choice, forwarded(0), &[req::HOLD_FORWARD_ON_RELEASE], "The profile's choice: a trampoline LSP tries the receiver's route again with a new onion after a downstream failure, up to 3 attempts in all.")
    };
    s.extend([
        trigger(NONCE),
        on_trigger(0),
        fail(),
        again(),
        fail(),
        again(),
        fail(),
        expect(
            Level::Should,
            failed_back(0, None),
            &[req::FAIL_BACK_AFTER_DOWNSTREAM],
            "After its third attempt the trampoline gives up and fails the payer's HTLC back.",
        ),
        nothing(&[req::FAIL_BACK_AFTER_DOWNSTREAM]),
    ]);
    v.push(case(
        "trampoline-retries-then-fails-back",
        "a triggered trampoline payment, forwarded",
        "each onward attempt fails downstream",
        "the LSP tries twice more with new onions, then fails the payment back",
        scenario(s),
    ));

    let mut s = held(Trampoline, Some(7), vec![failed_back(0, None)]);
    let p = preimage(0);
    s.extend([
        ev(Event::PeerDisconnects { peer: Role::Payer }),
        ev(Event::BlocksMined { count: 300 }),
        expect(Level::Choice, Check::Nothing, &[req::FAIL_AT_EXPIRY], DEADLINE_NOTE),
        trigger(NONCE),
        on_trigger(0),
        must(must_not(vec![Check::ClaimedWithPreimage { htlc: 0, preimage: None, count: once() }], Some(14)), &[req::FAIL_BACK_AFTER_DOWNSTREAM]),
        ev(Event::HtlcFulfilledDownstream { htlc: 0, preimage: hex::encode(p) }),
        nothing(&[req::FAIL_BACK_AFTER_DOWNSTREAM]),
        ev(Event::BlocksMined { count: 200 }),
        nothing(&[req::FAIL_AT_EXPIRY]),
        ev(Event::PeerReconnects { peer: Role::Payer }),
        expect(Level::Should, Check::ClaimedWithPreimage { htlc: 0, preimage: Some(hex::encode(p)), count: once() }, &[req::FAIL_BACK_AFTER_DOWNSTREAM], "The preimage arrived while the payer was offline: the LSP keeps it and fulfils the payer's HTLC as soon as the payer is back, long before the week-long CLTV, so it is never forced to close."),
        nothing(&[req::FAIL_BACK_AFTER_DOWNSTREAM]),
    ]);
    v.push(case("trampoline-payer-offline-beyond-downstream-window", "a trampoline-held payment with a week-long CLTV towards the LSP, a payload outgoing_cltv_value 144 blocks out and an onward delta of 144", "the payer goes offline, 300 blocks pass (beyond the downstream window), the trigger arrives, the receiver settles, 200 more blocks pass, the payer comes back", "the LSP holds past the payload's outgoing_cltv_value, forwards on the trigger with a fresh standard delta, keeps the preimage while the payer is away and fulfils on its return", scenario(s)));

    let mut s = held(Trampoline, None, vec![]);
    s.extend([
        ev(Event::BlocksMined { count: 823 }),
        expect(
            Level::Choice,
            Check::Nothing,
            &[req::FAIL_AT_EXPIRY],
            DEADLINE_NOTE,
        ),
        ev(Event::BlocksMined { count: 1 }),
        expect(
            Level::Choice,
            Check::Nothing,
            &[req::FAIL_AT_EXPIRY],
            DEADLINE_NOTE,
        ),
        ev(Event::BlocksMined { count: 1 }),
        expect(
            Level::Choice,
            failed_back(0, Some(vec![FailureCode::ExpiryTooSoon])),
            &[req::FAIL_AT_EXPIRY],
            DEADLINE_NOTE,
        ),
        trigger(NONCE),
        nothing(&[req::HOLD_NO_FORWARD]),
    ]);
    v.push(case("trampoline-hold-fails-back-at-its-deadline", "a trampoline-held payment (cltv_expiry 1008 blocks out, onward delta 144)", "blocks are mined to 824 blocks out (one below, at, then one past the deadline cltv_expiry - 144 - 40)", "the LSP holds at and below the deadline, fails back expiry_too_soon past it, and a late trigger forwards nothing", scenario(s)));

    let mut s = held(OneShot, None, vec![]);
    s.extend([
        ev(Event::PeerDisconnects { peer: Role::Payer }),
        ev(Event::BlocksMined { count: 104 }),
        nothing(&[req::FAIL_AT_EXPIRY]),
        ev(Event::BlocksMined { count: 1 }),
        // The failure is decided now and reaches the payer when it is back
        // (update_fail_htlc needs the connection).
        ev(Event::PeerReconnects { peer: Role::Payer }),
        must(
            failed_back(0, Some(vec![FailureCode::ExpiryTooSoon])),
            &[req::FAIL_AT_EXPIRY],
        ),
        trigger(NONCE),
        nothing(&[req::HOLD_NO_FORWARD]),
    ]);
    v.push(case("one-shot-fails-back-when-downstream-window-passes", "a one-shot payment whose pre-built onion's outgoing_cltv_value is 144 blocks out (the payer's own CLTV a week)", "the payer goes offline, 105 blocks pass before any trigger, and the payer comes back", "the LSP fails it back expiry_too_soon from 40 blocks before the pre-built expiry (sent when the payer reconnects): the one-shot cannot outlast the downstream window, whatever its CLTV towards the LSP", scenario(s)));

    let mut s = held(Trampoline, Some(4), vec![]);
    s.extend([
        trigger(NONCE),
        on_trigger(0),
        trigger(NONCE),
        expect(Level::Must, Check::Nothing, &[req::HOLD_FORWARD_ON_RELEASE], "The payment is no longer held once forwarded: a second trigger corresponds to nothing."),
    ]);
    v.push(case(
        "trampoline-trigger-twice-forwards-once",
        "a trampoline-held payment",
        "its trigger arrives twice",
        "it is forwarded once",
        scenario(s),
    ));

    let s = vec![
        must(
            must_not(vec![forwarded(0)], Some(6)),
            &[req::FORWARD_AFTER_COMMIT],
        ),
        tadd(0, Trampoline, NONCE, false),
        commitment_signed(Role::Payer),
        raa_without(),
        trigger(NONCE),
        expect(
            Level::Must,
            Check::Nothing,
            &[req::FORWARD_AFTER_COMMIT],
            "The HTLC is not yet irrevocably committed: the trigger is remembered.",
        ),
        revoke_and_ack(Role::Payer, &[]),
        expect(
            Level::Should,
            forwarded(0),
            &[req::HOLD_FORWARD_ON_RELEASE],
            "",
        ),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ];
    v.push(case(
        "trampoline-trigger-before-commitment",
        "a trampoline hold whose HTLC is signed but not yet irrevocably committed",
        "the trigger arrives, then the payer's revoke_and_ack",
        "the LSP forwards once committed, not before",
        scenario(s),
    ));

    receiver_cases(&mut v);
    v
}

/// The receiver's side (design 000): the notice arrives, the trigger goes
/// out over its reply path; the keysend donation is claimed.
fn receiver_cases(v: &mut Vec<Case>) {
    let to_lsp = "payer-reply-path-to-lsp";
    let notice = |over: &str| {
        ev(Event::OnionMessage {
            from: Role::Payer,
            message: OnionMessage::AsyncPaymentNotice {
                nonce: NONCE.into(),
            },
            over: PathRef::Named(over.into()),
            reply_path: Some(PathRef::Named(to_lsp.into())),
        })
    };
    let triggered = |over: &str| Check::OnionMessageSent {
        message: MessageType::AsyncPaymentTrigger,
        id: None,
        over: Some(vec![PathId::Named(over.into())]),
        reply_path: None,
        distinct_paths: false,
        distinct_reply_paths: false,
        count: once(),
    };
    let receiver = |steps: Vec<Step>| Scenario {
        role_under_test: Role::Recipient,
        initial: InitialState {
            recipient_path: None,
            invoice_server: None,
            ..initial(true, true)
        },
        steps,
    };
    let donation = preimage(7);
    let s = vec![
        expect(Level::Must, must_not(vec![triggered(RECIPIENT_MP[0])], None), &[req::REPLY_USES_REPLY_PATH], "The trigger goes over the notice's reply path (to the payer's LSP), never back over the path the notice came by."),
        notice(RECIPIENT_MP[0]),
        expect(Level::Should, triggered(to_lsp), &[req::RECIPIENT_RELEASE], "Design 000: the receiver, back online, sends the payer's LSP a trigger carrying the notice's nonce over the notice's reply path."),
        nothing(&[req::RECIPIENT_RELEASE]),
        ev(Event::UpdateAddHtlc {
            from: Role::InvoiceServer,
            htlc: 0,
            amount_msat: 100_000,
            payment_hash: hash_hex(&donation),
            cltv_expiry: H + 100,
            hold_htlc: false,
            payload: Payload {
                amt_to_forward: 100_000,
                outgoing_cltv_value: H + 100,
                payment_path: Some("payment-path-0".into()),
                sender_provided_payment_preimage: Some(hex::encode(donation)),
                ..Payload::default()
            },
            irrevocably_committed: true,
        }),
        expect(Level::Must, Check::ClaimedWithPreimage { htlc: 0, preimage: Some(hex::encode(donation)), count: once() }, &[req::READER_USE_SENDER_PREIMAGE], "A keysend donation: the receiver claims with the preimage the payer sealed in its final payload; there is no invoice request to answer."),
        nothing(&[req::READER_USE_SENDER_PREIMAGE]),
    ];
    v.push(case("receiver-triggers-over-the-notice-reply-path", "a receiver back online, its LSP holding the payer's async_payment_notice", "the notice arrives over the receiver's message path with a reply path to the payer's LSP, then the donation's HTLC", "the receiver sends async_payment_trigger over the reply path, and claims the keysend donation with the sender's preimage", receiver(s)));

    let s = vec![
        notice("a-path-the-receiver-never-made"),
        expect(Level::Must, Check::Nothing, &[req::PATH_ID_MISMATCH], "A notice over a path that is not one of the receiver's message paths is ignored, as held_htlc_available is."),
        notice(RECIPIENT_MP[1]),
        expect(Level::Should, triggered(to_lsp), &[req::RECIPIENT_RELEASE], ""),
        nothing(&[req::RECIPIENT_RELEASE]),
    ];
    v.push(case(
        "receiver-ignores-notice-over-a-foreign-path",
        "a receiver back online",
        "a notice arrives over a path it did not make, then one over its own message path",
        "the first is ignored; the second is answered with a trigger over its reply path",
        receiver(s),
    ));
}
