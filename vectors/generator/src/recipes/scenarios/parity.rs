//! Scenarios for behaviours the draft governs that the suite's other
//! scenarios left out: a payment over a payment path the recipient did not
//! make, a payment in two parts at the recipient, a held HTLC reaching its
//! fail-back point while the payer is offline, and the payer's handling of
//! static invoices it did not ask for, for another offer, or after it paid.

use super::payer::{
    any_sent, fresh_invoice, held_htlc_available, invoice_arrives, invreq_sent, pay, payer_with,
    sent, OFTEN_OFFLINE_HOLDS,
};
use super::recipient::{htlc_to_recipient, recipient, rejected, PREIMAGE};
use super::*;

/// A payment path name that none of the recipient's static invoices has.
const FOREIGN_PAYMENT_PATH: &str = "unknown-payment-path";
/// The second payment path of the two-path static invoice.
const SECOND_PAYMENT_PATH: &str = "payment-path-1";

/// The recipient's HTLC `htlc` (irrevocably committed), paying the static
/// invoice with the sender's preimage and an invoice request for 50 000
/// msat: `amount` over `path`, one part of `total` if that is set.
fn part(htlc: u64, amount: u64, path: &str, total: Option<u64>) -> Step {
    let mut step = htlc_to_recipient(
        hash_hex(&PREIMAGE),
        amount,
        H + 200,
        Some(PREIMAGE),
        Some(Some(50_000)),
    );
    if let Step::Event(Event::UpdateAddHtlc {
        htlc: id, payload, ..
    }) = &mut step
    {
        *id = htlc;
        payload.payment_path = Some(path.into());
        payload.total_msat = total;
    }
    step
}

fn claimed_with_preimage(htlc: u64) -> Check {
    Check::ClaimedWithPreimage {
        htlc,
        preimage: Some(hex::encode(PREIMAGE)),
        count: once(),
    }
}

fn claimed(htlc: u64) -> Check {
    Check::ClaimedWithPreimage {
        htlc,
        preimage: None,
        count: once(),
    }
}

/// A recipient whose static invoice has two payment paths and sets
/// `basic_mpp` (the format leaves the invoice's features to the profile).
fn recipient_two_paths(steps: Vec<Step>) -> Scenario {
    let mut s = recipient(steps);
    for inv in &mut s.initial.static_invoices {
        inv.payment_paths.push(PaymentPathSpec {
            id: SECOND_PAYMENT_PATH.into(),
            max_cltv_expiry: MAX_CLTV_EXPIRY,
        });
    }
    s
}

const FOREIGN_PATH_NOTE: &str = "BOLT 4's final node of a blinded route must ignore what arrives over a route whose path_id is not one it created for that purpose. A payment path none of the recipient's static invoices has cannot carry the recipient's authentication (LDK: the payment secret in its receive context); an HTLC cannot be ignored, only failed, so the recipient fails it and never claims it, even though the sender's preimage and the invoice request would otherwise pay the invoice.";

const PARTS_NOTE: &str = "Each part carries total_msat 50 000 and pays 25 000: until the second arrives, what the recipient has been paid is below what it expects (the invoice request's amount), so claiming a part then is accepting less than expected. BOLT 4's basic_mpp receiver rule (not yet in the catalogue) says the same: no HTLC of the set is fulfilled before the parts reach total_amount_msat.";

fn recipient_parity_cases() -> Vec<Case> {
    vec![
        case(
            "recipient-rejects-payment-over-foreign-payment-path",
            "a recipient whose static invoice is being paid",
            "an HTLC arrives carrying the sender's preimage and the matching invoice_request over a blinded payment path that is none of its static invoices' (its authentication is not the recipient's)",
            "it fails the HTLC back and never claims it",
            recipient(vec![
                expect(
                    Level::Must,
                    must_not(vec![claimed(0)], None),
                    &[req::PATH_ID_MISMATCH],
                    FOREIGN_PATH_NOTE,
                ),
                part(0, 50_000, FOREIGN_PAYMENT_PATH, None),
                expect(Level::Must, rejected(0), &[req::PATH_ID_MISMATCH], FOREIGN_PATH_NOTE),
                nothing(&[req::PATH_ID_MISMATCH]),
            ]),
        ),
        case(
            "recipient-claims-two-part-payment-after-second-part",
            "a recipient whose static invoice has two payment paths",
            "two HTLCs arrive, one over each path, with the same payment_hash, sender_provided_payment_preimage and invoice_request, each paying half of total_msat (the invoice request's amount)",
            "it claims neither before the second has arrived, then both with the sender's preimage",
            recipient_two_paths(vec![
                expect(
                    Level::Must,
                    must_not(vec![claimed(0), claimed(1)], Some(3)),
                    &[req::READER_AMOUNT_BELOW_EXPECTED],
                    PARTS_NOTE,
                ),
                part(0, 25_000, "payment-path-0", Some(50_000)),
                nothing(&[req::READER_AMOUNT_BELOW_EXPECTED]),
                part(1, 25_000, SECOND_PAYMENT_PATH, Some(50_000)),
                must(
                    Check::AnyOrder(vec![claimed_with_preimage(0), claimed_with_preimage(1)]),
                    &[req::READER_USE_SENDER_PREIMAGE],
                ),
                nothing(&[req::READER_USE_SENDER_PREIMAGE]),
            ]),
        ),
        case(
            "recipient-rejects-two-part-payment-below-invoice-request",
            "a recipient whose static invoice has two payment paths",
            "two HTLCs arrive, one over each path, with the sender's preimage and the invoice_request for 50 000 msat, each paying 20 000 of a total_msat of 40 000",
            "it fails both back and claims neither",
            recipient_two_paths(vec![
                expect(
                    Level::Must,
                    must_not(vec![claimed(0), claimed(1)], None),
                    &[req::READER_AMOUNT_BELOW_EXPECTED],
                    "The whole payment (total_msat) is below the invoice request's amount: no set of its parts can pay what the recipient expects.",
                ),
                part(0, 20_000, "payment-path-0", Some(40_000)),
                part(1, 20_000, SECOND_PAYMENT_PATH, Some(40_000)),
                must(
                    Check::AnyOrder(vec![rejected(0), rejected(1)]),
                    &[req::READER_AMOUNT_BELOW_EXPECTED],
                ),
                nothing(&[req::READER_AMOUNT_BELOW_EXPECTED]),
            ]),
        ),
        case(
            "recipient-two-part-payment-with-part-over-foreign-path-not-claimed",
            "a recipient whose static invoice has two payment paths",
            "one half of a two-part payment arrives over its first path, the other half over a payment path that is none of its static invoices'",
            "it fails the second part back and claims neither (the parts it can accept do not reach total_msat)",
            recipient_two_paths(vec![
                expect(
                    Level::Must,
                    must_not(vec![claimed(0), claimed(1)], None),
                    &[req::PATH_ID_MISMATCH, req::READER_AMOUNT_BELOW_EXPECTED],
                    "The part over the foreign path must be refused; the part left pays half of what the recipient expects.",
                ),
                part(0, 25_000, "payment-path-0", Some(50_000)),
                part(1, 25_000, FOREIGN_PAYMENT_PATH, Some(50_000)),
                expect(Level::Must, rejected(1), &[req::PATH_ID_MISMATCH], FOREIGN_PATH_NOTE),
                nothing(&[req::PATH_ID_MISMATCH]),
            ]),
        ),
    ]
}

const OFFLINE_FAIL_NOTE: &str = "The height passed outgoing_cltv_value while the payer was away: BOLT 2 requires failing the incoming HTLC, and no message reaches a disconnected peer, so the failure goes out when the payer reconnects (the LSP may decide it earlier). Failing it back is what keeps the channel open: the format has no channel-closure action, so that the channel stays open is judged only as far as the HTLC being failed off-chain rather than left to its expiry.";

fn lsp_parity_cases() -> Vec<Case> {
    let mut v = Vec::new();
    let mut s = held_prefix(None);
    s.extend([
        ev(Event::PeerDisconnects { peer: Role::Payer }),
        ev(Event::BlocksMined { count: 145 }),
        ev(Event::PeerReconnects { peer: Role::Payer }),
        expect(
            Level::Must,
            failed_back(0, None),
            &[req::FAIL_AT_EXPIRY],
            OFFLINE_FAIL_NOTE,
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
        "lsp-held-htlc-expires-while-payer-offline-failed-back-on-reconnection",
        "a held HTLC with outgoing_cltv_value 144 blocks ahead, whose payer then disconnects",
        "145 blocks are mined while the payer is away, the payer reconnects, then a late release arrives",
        "the HTLC is failed back once the payer is back and never forwarded",
        lsp(s),
    ));

    let mut s = held_prefix(None);
    s.extend([
        ev(Event::PeerDisconnects { peer: Role::Payer }),
        ev(Event::BlocksMined { count: 145 }),
        release(own(2, 0)),
        ev(Event::PeerReconnects { peer: Role::Payer }),
        expect(
            Level::Must,
            failed_back(0, None),
            &[req::FAIL_AT_EXPIRY],
            OFFLINE_FAIL_NOTE,
        ),
        nothing(&[req::HOLD_NO_FORWARD]),
    ]);
    v.push(case(
        "lsp-release-after-fail-back-point-while-payer-offline-not-forwarded",
        "a held HTLC with outgoing_cltv_value 144 blocks ahead, whose payer then disconnects",
        "145 blocks are mined while the payer is away, a release arrives, then the payer reconnects",
        "the HTLC is never forwarded (it is past the point where it must be failed) and is failed back once the payer is back",
        lsp(s),
    ));
    v
}

fn other_offer_invoice() -> OnionMessage {
    OnionMessage::StaticInvoice(StaticInvoiceSpec {
        id: "static-invoice-2".into(),
        offer: "offer-2".into(),
        ..static_invoice()
    })
}

const PAID_ONCE_NOTE: &str = "Draft silent on a second invoice for a payment already paid. Choice: the first invoice the payer accepts is paid; a later one, static or fresh, is ignored: no second HTLC and no held_htlc_available.";

fn payer_parity_cases() -> Vec<Case> {
    vec![
        case(
            "payer-ignores-static-invoice-for-another-offer",
            "an often-offline payer that sent an invoice request for offer-1",
            "a valid static invoice for the recipient's offer-2 arrives over its reply path, then the one for offer-1, then that one again",
            "it pays nothing for the first, pays the second, and does nothing for the third",
            payer_with(true, true, vec![
                pay(),
                invreq_sent(),
                invoice_arrives(0, other_offer_invoice()),
                expect(
                    Level::Choice,
                    Check::Nothing,
                    &[req::INVOICE_PAY_ASYNC, req::INVOICE_VIA_REPLY_PATH],
                    "Draft silent: the rule that an invoice's fields match the invoice request binds only invoices with a payment hash, and the static invoice's node id is compared with its own offer. Choice: a static invoice for another offer than the invoice request's does not answer it, even over the request's reply path, and is ignored (gap/static-invoice-for-another-offer).",
                ),
                invoice_arrives(0, OnionMessage::StaticInvoice(static_invoice())),
                must(any_sent(), &[req::INVOICE_PAY_ASYNC]),
                invoice_arrives(0, OnionMessage::StaticInvoice(static_invoice())),
                expect(Level::Choice, Check::Nothing, &[req::INVOICE_PAY_ASYNC], PAID_ONCE_NOTE),
            ]),
        ),
        case(
            "payer-ignores-static-invoice-not-over-its-reply-path",
            "an often-offline payer that sent an invoice request for an offer",
            "a static invoice for that offer arrives over a path that is not the request's reply path (it never asked for it there), then one arrives over the reply path",
            "it ignores the first and pays the second",
            payer_with(true, true, vec![
                pay(),
                invreq_sent(),
                ev(Event::OnionMessage {
                    from: Role::InvoiceServer,
                    message: OnionMessage::StaticInvoice(static_invoice()),
                    over: PathRef::Named("payer-message-path".into()),
                    reply_path: None,
                }),
                expect(
                    Level::Must,
                    Check::Nothing,
                    &[req::INVOICE_VIA_REPLY_PATH],
                    "An invoice for an invoice request must arrive via the request's reply path; one that arrives otherwise is rejected, as if it had never arrived.",
                ),
                invoice_arrives(0, OnionMessage::StaticInvoice(static_invoice())),
                must(any_sent(), &[req::INVOICE_PAY_ASYNC]),
            ]),
        ),
        case(
            "payer-ignores-duplicate-static-invoice-after-paying",
            "an often-offline payer that paid a static invoice with a held HTLC and sent its held_htlc_available messages",
            "the same static invoice arrives again over its reply path",
            "it sends no second HTLC and no held_htlc_available",
            payer_with(true, true, vec![
                pay(),
                invreq_sent(),
                invoice_arrives(0, OnionMessage::StaticInvoice(static_invoice())),
                expect(Level::Choice, sent(Some(true)), &[req::SENDER_HOLD_RECIPIENT_OFFLINE, req::SENDER_HOLD_SELF_OFFLINE], OFTEN_OFFLINE_HOLDS),
                revoke_and_ack(Role::PayerLsp, &LSP_RELEASE),
                held_htlc_available(
                    ReplyPathPattern::OneOf(LSP_RELEASE.iter().map(|p| PathId::Named(p.to_string())).collect()),
                    Level::Must,
                    &[req::RAA_RECEIVER_TWO_MESSAGES, req::INVOICE_PAY_ASYNC],
                    "",
                ),
                invoice_arrives(0, OnionMessage::StaticInvoice(static_invoice())),
                expect(Level::Choice, Check::Nothing, &[req::INVOICE_PAY_ASYNC], PAID_ONCE_NOTE),
            ]),
        ),
        case(
            "payer-fresh-invoice-paid-then-static-invoice-ignored",
            "a payer whose invoice request is answered both by the recipient, briefly online (fresh invoice), and by the server (static invoice)",
            "the fresh invoice arrives first and is paid, then the static invoice arrives",
            "it sends no held_htlc_available and no second HTLC",
            payer_with(true, true, vec![
                pay(),
                invreq_sent(),
                invoice_arrives(0, fresh_invoice()),
                must(sent(Some(false)), &[req::SENDER_HOLD_RECIPIENT_OFFLINE]),
                invoice_arrives(0, OnionMessage::StaticInvoice(static_invoice())),
                expect(
                    Level::Choice,
                    Check::Nothing,
                    &[req::INVOICE_PAY_ASYNC, req::INVOICE_VIA_REPLY_PATH],
                    PAID_ONCE_NOTE,
                ),
            ]),
        ),
    ]
}

/// The scenarios of this module, recipient's, LSP's and payer's.
pub(super) fn parity_cases() -> Vec<Case> {
    recipient_parity_cases()
        .into_iter()
        .chain(lsp_parity_cases())
        .chain(payer_parity_cases())
        .collect()
}
