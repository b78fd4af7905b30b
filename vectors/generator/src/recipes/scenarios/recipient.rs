//! Scenarios with the recipient under test.

use super::*;

pub(super) const PREIMAGE: [u8; 32] = [0x42; 32];

pub(super) fn recipient(steps: Vec<Step>) -> Scenario {
    Scenario {
        role_under_test: Role::Recipient,
        initial: InitialState {
            recipient_path: None,
            invoice_server: None,
            ..initial(true, true)
        },
        steps,
    }
}

/// The HTLC arriving at the recipient, irrevocably committed.
pub(super) fn htlc_to_recipient(
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
            async_hold: None,
            total_msat: None,
            other_records: vec![],
        },
        irrevocably_committed: true,
    })
}

pub(super) fn rejected(htlc: u64) -> Check {
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

pub(super) fn recipient_cases() -> Vec<Case> {
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
            expect(
                Level::Must,
                must_not(
                    vec![released_over(RECIPIENT_MP[0]), released_over(RECIPIENT_MP[1])],
                    None,
                ),
                &[req::REPLY_USES_REPLY_PATH],
                "A reply goes over the reply path, never back over the message path it arrived on.",
            ),
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
                &[req::READER_USE_SENDER_PREIMAGE, req::READER_FINAL_PAYLOAD_FIELDS],
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
    // An odd custom record (type 65541), which outside a blinded route
    // would be ignored.
    let mut extra = htlc_to_recipient(
        good_hash.clone(),
        50_000,
        H + 200,
        Some(PREIMAGE),
        Some(Some(50_000)),
    );
    if let Step::Event(Event::UpdateAddHtlc { payload, .. }) = &mut extra {
        payload.other_records.push(TlvRecord {
            tlv_type: 65541,
            hex: "01".into(),
        });
    }
    v.push(reject_case(
        "recipient-rejects-extra-record-in-blinded-final-payload",
        "the HTLC's final payload, inside the static invoice's blinded payment path, carries the sender's preimage, the matching invoice_request and an odd record of type 65541",
        extra,
        Level::Must,
        &[req::READER_FINAL_PAYLOAD_FIELDS],
        "Inside a blinded route the final node must return an error for any payload field besides encrypted_recipient_data, current_path_key, amt_to_forward, outgoing_cltv_value and total_amount_msat, read with the draft's sender_provided_payment_preimage and invoice_request added (gap/final-payload-allowlist-conflict); an odd type is no exception.",
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
        "the HTLC's cltv_expiry exceeds the payment path's max_cltv_expiry by one block (the path has expired)",
        htlc_to_recipient(
            good_hash.clone(),
            50_000,
            MAX_CLTV_EXPIRY + 1,
            Some(PREIMAGE),
            Some(Some(50_000)),
        ),
        Level::Must,
        &[req::READER_MAX_CLTV_EXPIRY],
        "",
    ));

    for (id, cltv_expiry, when) in [
        (
            "recipient-claims-at-max-cltv-expiry",
            MAX_CLTV_EXPIRY,
            "the HTLC's cltv_expiry is the payment path's max_cltv_expiry",
        ),
        (
            "recipient-claims-one-block-before-max-cltv-expiry",
            MAX_CLTV_EXPIRY - 1,
            "the HTLC's cltv_expiry is one block before the payment path's max_cltv_expiry",
        ),
    ] {
        v.push(case(
            id,
            "a recipient whose static invoice was paid",
            when,
            "it claims with the sender's preimage (the path has not expired)",
            recipient(vec![
                htlc_to_recipient(good_hash.clone(), 50_000, cltv_expiry, Some(PREIMAGE), Some(Some(50_000))),
                expect(
                    Level::Must,
                    claimed(),
                    &[req::READER_MAX_CLTV_EXPIRY, req::READER_USE_SENDER_PREIMAGE],
                    "BOLT 4 fails the payment only if the expiry exceeds max_cltv_expiry; at or below it, the HTLC is an ordinary payment of the static invoice.",
                ),
            ]),
        ));
    }

    v.push(case(
        "recipient-ignores-held-htlc-available-over-foreign-path",
        "a recipient that has come online",
        "held_htlc_available arrives over a path that is none of its static invoices' message paths, then over one of them",
        "it ignores the first and answers the second with release_held_htlc",
        recipient(vec![
            held("unknown-message-path", Some(LSP_RELEASE[0])),
            expect(
                Level::Must,
                Check::Nothing,
                &[req::PATH_ID_MISMATCH],
                "The message did not arrive over a blinded route the recipient created for held_htlc_available (its static invoices' message paths): its path_id cannot match, so it must be ignored.",
            ),
            held(RECIPIENT_MP[0], Some(LSP_RELEASE[1])),
            expect(
                Level::Should,
                released_over(LSP_RELEASE[1]),
                &[req::RECIPIENT_RELEASE],
                "Over its own message path, the recipient answers as usual.",
            ),
        ]),
    ));
    v
}
