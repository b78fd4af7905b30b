//! Scenarios of held payments in several parts, and of `held_htlc_available`
//! retransmitted after a reconnection, under the draft.
//!
//! The draft speaks of one held HTLC at a time: the holder's release paths
//! name the HTLC they release, and nothing says whether a release covers the
//! other parts of the same payment, or whether a payer sends
//! `held_htlc_available` again after a reconnection (the spec meeting left
//! open retransmission against a positive acknowledgement). Where it is
//! silent the expectation is a `choice` with its note.

use super::*;

/// The payment hash every part shares.
const MPP_PREIMAGE: [u8; 32] = [0x2a; 32];

/// Part `htlc` of one payment (every part has the same payment hash),
/// `hold_htlc` set, forwarded with `outgoing_cltv_value` `H + blocks`.
fn part(htlc: u64, blocks: u32) -> Step {
    ev(Event::UpdateAddHtlc {
        from: Role::Payer,
        htlc,
        amount_msat: 50_100,
        payment_hash: hash_hex(&MPP_PREIMAGE),
        cltv_expiry: H + blocks + 40,
        hold_htlc: true,
        payload: Payload {
            amt_to_forward: 50_000,
            outgoing_cltv_value: H + blocks,
            next_hop: Some(Role::InvoiceServer),
            ..Payload::default()
        },
        irrevocably_committed: false,
    })
}

/// Steps 0..=9: parts 0 and 1 of one payment, held and committed one after
/// the other; the release paths of part 0 answer step 2, those of part 1
/// step 6. Neither is forwarded until step `until`.
fn two_parts_held(until: usize, second_blocks: u32) -> Vec<Step> {
    let mut s = vec![
        must(
            must_not(vec![forwarded(0), forwarded(1)], Some(until)),
            &[req::HOLD_NO_FORWARD],
        ),
        part(0, 144),
    ];
    s.extend(committed());
    s.push(part(1, second_blocks));
    s.extend(committed());
    s.push(nothing(&[req::HOLD_NO_FORWARD]));
    s
}

const ONE_RELEASE_ONE_PART: &str = "Draft silent on a payment in several parts: its release context names one held HTLC, and nothing says whether a release_held_htlc releases the payment's other parts. Choice: a release releases the HTLC its context names and no other; the recipient answers each part's held_htlc_available (the parts reach it together or not at all only if it releases them all).";

pub(super) fn multipart_cases() -> Vec<Case> {
    let mut v = Vec::new();

    let mut s = two_parts_held(10, 144);
    s.extend([
        release(own(6, 0)),
        forward_on_release(1),
        nothing(&[req::HOLD_NO_FORWARD]),
        release(own(2, 0)),
        forward_on_release(0),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ]);
    v.push(case(
        "lsp-multipart-each-part-held-until-its-release",
        "two parts of one payment (one payment hash), each with hold_htlc, committed one after the other, each with its own release paths",
        "the release for the second part arrives, then the release for the first",
        "each part is forwarded once, on its own release, and not before",
        lsp(s),
    ));

    let mut s = two_parts_held(11, 144);
    s.extend([
        expect(
            Level::Choice,
            must_not(vec![forwarded(1)], Some(13)),
            &[req::HOLD_NO_FORWARD],
            ONE_RELEASE_ONE_PART,
        ),
        release(own(2, 0)),
        expect(
            Level::Choice,
            forwarded(0),
            &[req::HOLD_FORWARD_ON_RELEASE],
            ONE_RELEASE_ONE_PART,
        ),
        release(own(6, 0)),
        forward_on_release(1),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ]);
    v.push(case(
        "lsp-multipart-one-release-releases-its-part-only",
        "two held parts of one payment",
        "one release_held_htlc arrives, over the first part's release path, and later one over the second's",
        "the first release forwards the first part only; the second part waits for its own release",
        lsp(s),
    ));

    let at = "Draft silent on when a holding node gives up; the suite's choice for one HTLC (failed back 39 blocks before its outgoing_cltv_value, as in lsp-fail-back-at-its-exact-block) applies to each part on its own: a part's deadline is its own, not the payment's.";
    let mut s = two_parts_held(13, 164);
    s.extend([
        expect(
            Level::Choice,
            must_not(vec![failed_back(1, None)], Some(13)),
            &[req::FAIL_AT_EXPIRY],
            at,
        ),
        // 105 blocks: 39 before the first part's outgoing_cltv_value (H + 144),
        // 59 before the second's (H + 164).
        ev(Event::BlocksMined { count: 105 }),
        expect(
            Level::Choice,
            failed_back(0, None),
            &[req::FAIL_AT_EXPIRY],
            at,
        ),
        release(own(6, 0)),
        forward_on_release(1),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ]);
    v.push(case(
        "lsp-multipart-parts-time-out-separately",
        "two held parts of one payment whose outgoing_cltv_values are 20 blocks apart, never released",
        "blocks are mined up to the first part's fail-back block, then the second part's release arrives",
        "the first part alone is failed back; the second stays held and is forwarded on its release",
        lsp(s),
    ));

    let mut s = vec![
        must(
            must_not(vec![forwarded(0)], Some(6)),
            &[req::HOLD_NO_FORWARD],
        ),
        part(0, 144),
    ];
    s.extend(committed());
    s.extend([
        nothing(&[req::HOLD_NO_FORWARD]),
        release(own(2, 0)),
        forward_on_release(0),
        must(
            must_not(vec![forwarded(1)], Some(14)),
            &[req::HOLD_NO_FORWARD],
        ),
        part(1, 144),
    ]);
    s.extend(committed());
    s.extend([
        nothing(&[req::HOLD_NO_FORWARD]),
        release(own(10, 0)),
        forward_on_release(1),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ]);
    v.push(case(
        "lsp-multipart-release-between-parts",
        "the first part of a payment held and committed",
        "its release arrives and forwards it, and then the second part (same payment hash, hold_htlc) arrives, followed later by its own release",
        "the second part is held although a release for its payment hash came before it, and forwarded on its own release",
        lsp(s),
    ));

    let mut s = held_prefix(Some(9));
    s.extend([
        ev(Event::PeerDisconnects { peer: Role::Payer }),
        ev(Event::PeerReconnects { peer: Role::Payer }),
        nothing(&[req::HOLD_NO_FORWARD]),
        release(own(2, 0)),
        forward_on_release(0),
        release(own(2, 0)),
        expect(
            Level::Choice,
            Check::Nothing,
            &[req::HOLD_FORWARD_ON_RELEASE],
            "Draft silent on retransmitting held_htlc_available: a payer that sends it again after a reconnection can draw a second release from the recipient. Choice: a release for an HTLC already forwarded is a no-op, whether it repeats the first or answers a retransmission.",
        ),
    ]);
    v.push(case(
        "lsp-release-twice-after-payer-reconnection",
        "a held HTLC whose payer disconnected and reconnected (and so may have retransmitted held_htlc_available)",
        "release_held_htlc arrives twice over the same release path",
        "the HTLC is forwarded once; the second release does nothing",
        lsp(s),
    ));

    v
}
