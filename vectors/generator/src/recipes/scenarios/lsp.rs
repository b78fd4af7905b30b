//! Scenarios with the payer's LSP under test: the holding node.

use super::*;

pub(super) fn lsp_cases() -> Vec<Case> {
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
            &[req::HOLD_NO_FORWARD, req::RAA_RECEIVER_RELEASE_CONTEXT, req::REPLY_WITHOUT_PATH_ID],
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

    let mut s = held_prefix(None);
    let at = |blocks_left: u32| {
        format!("The height is outgoing_cltv_value - {blocks_left}. Draft silent on when a holding node gives up; BOLT 2 requires failing the incoming HTLC by outgoing_cltv_value + 1 at the latest. Choice (the bound LDK uses, HTLC_FAIL_BACK_BUFFER = 39): the HTLC is held while the height is at most outgoing_cltv_value - 40 and failed back at outgoing_cltv_value - 39.")
    };
    s.extend([
        ev(Event::BlocksMined { count: 103 }),
        expect(
            Level::Choice,
            Check::Nothing,
            &[req::FAIL_AT_EXPIRY],
            &at(41),
        ),
        ev(Event::BlocksMined { count: 1 }),
        expect(
            Level::Choice,
            Check::Nothing,
            &[req::FAIL_AT_EXPIRY],
            &at(40),
        ),
        ev(Event::BlocksMined { count: 1 }),
        expect(
            Level::Choice,
            failed_back(0, None),
            &[req::FAIL_AT_EXPIRY],
            &at(39),
        ),
        nothing(&[req::FAIL_AT_EXPIRY]),
    ]);
    v.push(case(
        "lsp-fail-back-at-its-exact-block",
        "a held HTLC with outgoing_cltv_value 144 blocks ahead, never released",
        "blocks are mined up to 41, 40 and then 39 blocks before outgoing_cltv_value",
        "the HTLC is still held at 41 and 40 blocks before it and failed back at 39",
        lsp(s),
    ));

    let mut s = held_prefix(Some(9));
    s.extend([
        ev(Event::PeerDisconnects {
            peer: Role::InvoiceServer,
        }),
        release(own(2, 0)),
        expect(
            Level::Choice,
            Check::Nothing,
            &[req::HOLD_FORWARD_ON_RELEASE],
            "Draft silent on a release that finds the next hop disconnected. Choice: the release is remembered and the HTLC neither forwarded nor failed back while the peer is away (failing it would lose the payment the payer went offline for).",
        ),
        ev(Event::PeerReconnects {
            peer: Role::InvoiceServer,
        }),
        expect(
            Level::Choice,
            forwarded(0),
            &[req::HOLD_FORWARD_ON_RELEASE],
            "Choice, following the one above: the remembered release forwards the HTLC once the next hop is back.",
        ),
        nothing(&[req::HOLD_FORWARD_ON_RELEASE]),
    ]);
    v.push(case(
        "lsp-release-while-next-hop-disconnected-forwards-on-reconnection",
        "a held HTLC whose next hop has disconnected",
        "the release arrives, then the next hop reconnects",
        "nothing happens while it is away, and the HTLC is forwarded once when it is back",
        lsp(s),
    ));
    let mut bad = add(0, true);
    if let Step::Event(Event::UpdateAddHtlc { payload, .. }) = &mut bad {
        payload.other_records.push(TlvRecord {
            tlv_type: 65536,
            hex: "01".into(),
        });
    }
    v.push(case(
        "lsp-fails-back-held-htlc-with-unknown-even-payload-record",
        "a holding LSP advertising option_htlc_hold",
        "an HTLC with hold_htlc arrives whose onion payload for the LSP carries an even record of type 65536, which no BOLT defines, and is committed",
        "the HTLC is failed back with invalid_onion_payload and never held for a release or forwarded",
        lsp(vec![
            must(must_not(vec![forwarded(0)], None), &[req::BAD_ONION_PAYLOAD, req::HOLD_NO_FORWARD]),
            bad,
            commitment_signed(Role::Payer),
            expect(
                Level::Choice,
                Check::RevokeAndAckWithoutReleasePaths { count: once() },
                &[req::RAA_SENDER_RELEASE_PATHS],
                "The draft asks for release paths for an HTLC with hold_htlc; it is silent on one the node will fail. Choice: none, since no release can apply to it.",
            ),
            revoke_and_ack(Role::Payer, &[]),
            expect(
                Level::Must,
                failed_back(0, Some(vec![FailureCode::InvalidOnionPayload])),
                &[req::BAD_ONION_PAYLOAD],
                "BOLT 2: a payload that contains unknown even types MUST be answered with an error as detailed in Failure Messages; BOLT 4's is invalid_onion_payload. The hold_htlc TLV does not change that: the HTLC is not one the LSP can hold.",
            ),
            nothing(&[req::BAD_ONION_PAYLOAD]),
        ]),
    ));
    v
}
