//! Scenarios with the payer under test.

use super::*;

pub(super) fn payer_with(lsp_holds: bool, often_offline: bool, steps: Vec<Step>) -> Scenario {
    Scenario {
        role_under_test: Role::Payer,
        initial: InitialState {
            static_invoices: Vec::new(),
            recipient_path: None,
            invoice_server: None,
            ..initial(lsp_holds, often_offline)
        },
        steps,
    }
}

pub(super) fn pay() -> Step {
    ev(Event::PayOffer {
        payment: "p1".into(),
        offer: OFFER.into(),
        amount_msat: 50_000,
    })
}

pub(super) fn invreq_sent() -> Step {
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
pub(super) fn invoice_arrives(pay_step: usize, message: OnionMessage) -> Step {
    ev(Event::OnionMessage {
        from: Role::InvoiceServer,
        message,
        over: own(pay_step, 0),
        reply_path: None,
    })
}

pub(super) fn sent(hold: Option<bool>) -> Check {
    Check::HtlcSent {
        payment: "p1".into(),
        hold_htlc: hold,
        sender_provided_payment_preimage: None,
        preimage_matches_payment_hash: false,
        invoice_request_sent_earlier: false,
        count: once(),
    }
}

pub(super) fn any_sent() -> Check {
    sent(None)
}

pub(super) fn held_htlc_available(
    reply: ReplyPathPattern,
    level: Level,
    reqs: &[&str],
    note: &str,
) -> Step {
    expect(level, over_recipient_paths(reply, true), reqs, note)
}

/// At least two `held_htlc_available` over the recipient's message paths,
/// each path once, with reply paths of `reply` (all different, if
/// `distinct_reply_paths`).
fn over_recipient_paths(reply: ReplyPathPattern, distinct_reply_paths: bool) -> Check {
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
        distinct_reply_paths,
        count: Count::AtLeast(2),
    }
}

/// `held_htlc_available` over both of the recipient's message paths with the
/// LSP's one release path as reply path (one release path: the reply paths
/// cannot all differ, gap/release-paths-fewer-than-messages).
fn over_both_paths(level: Level, note: &str) -> Step {
    let reply = ReplyPathPattern::OneOf(vec![PathId::Named(LSP_RELEASE[0].to_string())]);
    expect(
        level,
        over_recipient_paths(reply, false),
        &[req::RAA_RECEIVER_TWO_MESSAGES],
        note,
    )
}

pub(super) fn fresh_invoice() -> OnionMessage {
    OnionMessage::Invoice(InvoiceSpec {
        id: "fresh-invoice-1".into(),
        payment_hash: hash_hex(&[0x55; 32]),
        amount_msat: 50_000,
    })
}

pub(super) const OFTEN_OFFLINE_HOLDS: &str = "A payer configured often-offline (LDK: hold_outbound_htlcs_at_next_hop) whose LSP advertises option_htlc_hold, paying a static invoice (the recipient is offline), uses hold_htlc; the draft permits it but does not oblige it, so this is the suite's documented expectation for that configuration.";

pub(super) fn payer_cases() -> Vec<Case> {
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

    case(
        "payer-static-invoice-over-tampered-reply-path-ignored",
        "an often-offline payer that sent an invoice request with a reply path of its own",
        "a static invoice arrives over that reply path with its path_id altered, then one arrives over it intact",
        "the first is ignored (nothing is paid) and the second is paid",
        payer_with(true, true, vec![
            pay(),
            invreq_sent(),
            ev(Event::OnionMessage {
                from: Role::InvoiceServer,
                message: OnionMessage::StaticInvoice(static_invoice()),
                over: PathRef::Own { step: 0, index: 0, tampered: true },
                reply_path: None,
            }),
            expect(
                Level::Must,
                Check::Nothing,
                &[req::PATH_ID_MISMATCH],
                "The invoice arrived over the payer's reply path, but its path_id is not the one the payer put there: the payer must ignore it, as if it had never arrived.",
            ),
            invoice_arrives(0, OnionMessage::StaticInvoice(static_invoice())),
            must(any_sent(), &[req::INVOICE_PAY_ASYNC]),
        ]),
    ),
    case(
        "payer-retransmits-held-htlc-available-after-reconnection",
        "an often-offline payer whose held HTLC's held_htlc_available messages went out over the recipient's two message paths",
        "it disconnects from its LSP and reconnects, the HTLC still unsettled",
        "it sends held_htlc_available again over both message paths, with its LSP's release path as reply path",
        payer_with(true, true, vec![
            pay(),
            invreq_sent(),
            invoice_arrives(0, OnionMessage::StaticInvoice(static_invoice())),
            expect(Level::Choice, sent(Some(true)), &[req::SENDER_HOLD_RECIPIENT_OFFLINE, req::SENDER_HOLD_SELF_OFFLINE], OFTEN_OFFLINE_HOLDS),
            revoke_and_ack(Role::PayerLsp, &LSP_RELEASE[..1]),
            over_both_paths(Level::Must, ""),
            ev(Event::PeerDisconnects { peer: Role::PayerLsp }),
            ev(Event::PeerReconnects { peer: Role::PayerLsp }),
            over_both_paths(
                Level::Choice,
                "Draft silent on a held_htlc_available lost while the recipient or a hop was away: the spec meeting weighed retransmitting it against a positive acknowledgement, and the draft has no acknowledgement. Choice: the payer, reconnecting to its LSP with its HTLC still unsettled, sends held_htlc_available again as it did the first time (the release context makes a second release harmless: lsp-release-twice-after-payer-reconnection).",
            ),
            nothing(&[req::RAA_RECEIVER_TWO_MESSAGES]),
        ]),
    ),
    ]
}
