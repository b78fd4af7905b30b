//! Scenarios of profile `experimental-payment-unblock` (design 001), the
//! payer's LSP under test: the payer asks it to hold the HTLCs of one or
//! several payment hashes under a secret payment id; the payee's message
//! with `payment_unblock` = the id releases them; the preimage waits at the
//! LSP until the payer is back online.
//!
//! The expected outcomes follow the design as the profile pins it
//! (`vectors/profiles.json`, `vectors/designs.md`), stated here step by
//! step, not taken from the reference.

use super::*;

const PID: &str = "9191919191919191919191919191919191919191919191919191919191919191";
const PID_2: &str = "9292929292929292929292929292929292929292929292929292929292929292";
const WRONG_PID: &str = "9393939393939393939393939393939393939393939393939393939393939393";

fn preimage(i: u8) -> [u8; 32] {
    [0x40 + i; 32]
}

fn hash(i: u8) -> String {
    hash_hex(&preimage(i))
}

fn hold_request(pid: &str, hashes: &[u8]) -> Step {
    ev(Event::OnionMessage {
        from: Role::Payer,
        message: OnionMessage::HoldHtlcRequest {
            payment_id: pid.into(),
            payment_hashes: hashes.iter().map(|h| hash(*h)).collect(),
        },
        over: PathRef::Named("payer-to-lsp".into()),
        reply_path: None,
    })
}

fn unblock(pid: &str) -> Step {
    ev(Event::OnionMessage {
        from: Role::Recipient,
        message: OnionMessage::PaymentUnblock {
            payment_id: pid.into(),
        },
        over: PathRef::Named("payee-built-path-through-lsp".into()),
        reply_path: None,
    })
}

/// A part (HTLC `htlc`) of the payment with hash `h`, as the payer sends it
/// (no `hold_htlc`: the LSP intercepts by payment hash).
fn part(htlc: u64, h: u8, committed: bool) -> Step {
    ev(Event::UpdateAddHtlc {
        from: Role::Payer,
        htlc,
        amount_msat: 50_050,
        payment_hash: hash(h),
        cltv_expiry: H + 184,
        hold_htlc: false,
        payload: Payload {
            amt_to_forward: 50_000,
            outgoing_cltv_value: H + 144,
            next_hop: Some(Role::InvoiceServer),
            ..Payload::default()
        },
        irrevocably_committed: committed,
    })
}

fn raa_without() -> Step {
    expect(
        Level::Choice,
        Check::RevokeAndAckWithoutReleasePaths { count: once() },
        &[req::RAA_SENDER_RELEASE_PATHS],
        "The design carries no hold_htlc and no release paths: the payer's hold_htlc_request names the payment hashes, and the payment id authenticates the unblock.",
    )
}

fn claimed(htlc: u64, i: u8) -> Check {
    Check::ClaimedWithPreimage {
        htlc,
        preimage: Some(hex::encode(preimage(i))),
        count: once(),
    }
}

fn scenario(steps: Vec<Step>) -> Scenario {
    Scenario {
        role_under_test: Role::PayerLsp,
        initial: initial(true, true),
        steps,
    }
}

fn all_forwarded(ids: &[u64], level: Level, note: &str) -> Step {
    expect(
        level,
        Check::AnyOrder(ids.iter().map(|i| forwarded(*i)).collect()),
        &[req::HOLD_FORWARD_ON_RELEASE],
        note,
    )
}

pub(super) fn unblock_cases() -> Vec<Case> {
    let mut v = Vec::new();

    let s = vec![
        must(
            must_not(vec![forwarded(0), forwarded(1), forwarded(2)], Some(10)),
            &[req::HOLD_NO_FORWARD],
        ),
        hold_request(PID, &[1]),
        nothing(&[req::HOLD_NO_FORWARD]),
        part(0, 1, true),
        raa_without(),
        part(1, 1, true),
        raa_without(),
        part(2, 1, true),
        raa_without(),
        ev(Event::TimePasses { seconds: 7200 }),
        unblock(PID),
        all_forwarded(
            &[0, 1, 2],
            Level::Should,
            "Every part of the payment is released together by the one id.",
        ),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ];
    v.push(case("unblock-mpp-parts-held-and-released-together", "the payer's hold_htlc_request for one payment hash, and three parts of that payment committed to the LSP", "two hours pass, then a message arrives whose encrypted_data_tlv for the LSP carries payment_unblock = the id", "no part is forwarded before the unblock; all three are forwarded on it", scenario(s)));

    let s = vec![
        must(must_not(vec![forwarded(0)], Some(6)), &[req::HOLD_NO_FORWARD]),
        hold_request(PID, &[1]),
        part(0, 1, true),
        raa_without(),
        unblock(WRONG_PID),
        expect(Level::Must, Check::Nothing, &[req::HOLD_NO_FORWARD], "An unblock with an id the LSP holds nothing under is ignored (the profile pins: the message is dropped)."),
        unblock(PID),
        expect(Level::Should, forwarded(0), &[req::HOLD_FORWARD_ON_RELEASE], ""),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ];
    v.push(case(
        "unblock-wrong-id-ignored",
        "a payment held under a payment id",
        "an unblock with another id arrives, then one with the right id",
        "the first is ignored; the second forwards the payment once",
        scenario(s),
    ));

    let s = vec![
        must(must_not(vec![forwarded(0)], Some(8)), &[req::HOLD_NO_FORWARD]),
        must(must_not(vec![forwarded(1)], Some(11)), &[req::HOLD_NO_FORWARD]),
        hold_request(PID, &[1]),
        hold_request(PID_2, &[2]),
        part(0, 1, true),
        raa_without(),
        part(1, 2, true),
        raa_without(),
        unblock(PID),
        expect(Level::Should, forwarded(0), &[req::HOLD_FORWARD_ON_RELEASE], ""),
        expect(Level::Must, Check::Nothing, &[req::HOLD_NO_FORWARD], "The unblock releases the hashes of its own request only; the other payment stays held."),
        unblock(PID_2),
        expect(Level::Should, forwarded(1), &[req::HOLD_FORWARD_ON_RELEASE], ""),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ];
    v.push(case(
        "unblock-releases-its-own-request-only",
        "two payments held under two requests with different ids",
        "the first id's unblock arrives, later the second's",
        "each unblock forwards only its own request's HTLCs",
        scenario(s),
    ));

    let s = vec![
        must(must_not(vec![forwarded(0), forwarded(1)], Some(6)), &[req::HOLD_NO_FORWARD]),
        hold_request(PID, &[1]),
        part(0, 1, true),
        raa_without(),
        part(1, 1, true),
        raa_without(),
        unblock(PID),
        all_forwarded(&[0, 1], Level::Should, "The parts present are released."),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
        part(2, 1, true),
        expect(Level::Choice, Check::AnyOrder(vec![forwarded(2), Check::RevokeAndAckWithoutReleasePaths { count: once() }]), &[req::HOLD_FORWARD_ON_RELEASE], "The profile's choice: the unblock stands for its payment, so a part arriving after it is forwarded once committed."),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ];
    v.push(case(
        "unblock-part-arriving-after-the-unblock-is-forwarded",
        "two of three parts held under a payment id",
        "the unblock arrives, then the third part",
        "the two are forwarded on the unblock, the third on arrival",
        scenario(s),
    ));

    let s = vec![
        must(
            must_not(vec![forwarded(0), forwarded(1)], Some(6)),
            &[req::HOLD_NO_FORWARD],
        ),
        hold_request(PID, &[1, 2]),
        part(0, 1, true),
        raa_without(),
        part(1, 2, true),
        raa_without(),
        unblock(PID),
        all_forwarded(
            &[0, 1],
            Level::Should,
            "One request may list several payment hashes; its id releases them all.",
        ),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ];
    v.push(case(
        "unblock-one-request-several-hashes",
        "one hold_htlc_request listing two payment hashes, an HTLC of each committed",
        "the unblock arrives",
        "both are forwarded",
        scenario(s),
    ));

    let s = vec![
        must(must_not(vec![claimed(0, 1), claimed(1, 1)], Some(14)), &[req::FAIL_BACK_AFTER_DOWNSTREAM]),
        hold_request(PID, &[1]),
        part(0, 1, true),
        raa_without(),
        part(1, 1, true),
        raa_without(),
        ev(Event::PeerDisconnects { peer: Role::Payer }),
        unblock(PID),
        all_forwarded(&[0, 1], Level::Should, "The LSP releases the parts while the payer is offline."),
        ev(Event::HtlcFulfilledDownstream { htlc: 0, preimage: hex::encode(preimage(1)) }),
        ev(Event::HtlcFulfilledDownstream { htlc: 1, preimage: hex::encode(preimage(1)) }),
        nothing(&[req::FAIL_BACK_AFTER_DOWNSTREAM]),
        ev(Event::TimePasses { seconds: 86_400 }),
        nothing(&[req::FAIL_BACK_AFTER_DOWNSTREAM]),
        ev(Event::PeerReconnects { peer: Role::Payer }),
        expect(Level::Should, Check::AnyOrder(vec![claimed(0, 1), claimed(1, 1)]), &[req::FAIL_BACK_AFTER_DOWNSTREAM], "The preimage reached the LSP while the payer was offline (the design's LSP notifies it); the LSP fulfils both parts as soon as the payer is back."),
        nothing(&[req::FAIL_BACK_AFTER_DOWNSTREAM]),
    ];
    v.push(case(
        "unblock-payer-settles-later",
        "two parts held under a payment id, the payer offline",
        "the unblock releases them, the payee settles, a day passes, the payer reconnects",
        "the LSP keeps the preimage and fulfils both parts upstream on the payer's return",
        scenario(s),
    ));

    let s = vec![
        must(must_not(vec![forwarded(0)], Some(6)), &[req::FORWARD_AFTER_COMMIT]),
        hold_request(PID, &[1]),
        part(0, 1, false),
        commitment_signed(Role::Payer),
        raa_without(),
        unblock(PID),
        revoke_and_ack(Role::Payer, &[]),
        expect(Level::Should, forwarded(0), &[req::HOLD_FORWARD_ON_RELEASE], "The unblock came before the HTLC was irrevocably committed: remembered, then acted on."),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ];
    v.push(case(
        "unblock-before-commitment-is-remembered",
        "a held part signed but not yet irrevocably committed",
        "the unblock arrives, then the payer's revoke_and_ack",
        "the part is forwarded once committed",
        scenario(s),
    ));

    let s = vec![
        hold_request(PID, &[1]),
        part(0, 9, true),
        expect(Level::Must, Check::AnyOrder(vec![forwarded(0), Check::RevokeAndAckWithoutReleasePaths { count: once() }]), &[req::HOLD_FORWARD_ON_RELEASE], "The LSP holds only the HTLCs whose payment hash a request lists; another payment is forwarded as usual."),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ];
    v.push(case(
        "unblock-other-payment-not-held",
        "a hold_htlc_request for one payment hash",
        "an HTLC of another payment hash arrives",
        "it is forwarded at once",
        scenario(s),
    ));

    let s = vec![
        must(must_not(vec![forwarded(0)], None), &[req::HOLD_NO_FORWARD]),
        hold_request(PID, &[1]),
        part(0, 1, true),
        raa_without(),
        ev(Event::BlocksMined { count: 104 }),
        nothing(&[req::FAIL_AT_EXPIRY]),
        ev(Event::BlocksMined { count: 1 }),
        must(
            failed_back(0, Some(vec![FailureCode::ExpiryTooSoon])),
            &[req::FAIL_AT_EXPIRY],
        ),
        unblock(PID),
        nothing(&[req::HOLD_NO_FORWARD]),
    ];
    v.push(case("unblock-held-part-fails-back-at-expiry", "a part held under a payment id, its outgoing_cltv_value 144 blocks out", "105 blocks pass before any unblock", "the LSP fails it back expiry_too_soon 40 blocks before the outgoing expiry (the design has no long CLTV of its own), and a late unblock forwards nothing", scenario(s)));

    v
}
