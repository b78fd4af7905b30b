//! Scenarios with the invoice server under test.

use super::*;

fn server(steps: Vec<Step>) -> Scenario {
    Scenario {
        role_under_test: Role::InvoiceServer,
        initial: initial(true, true),
        steps,
    }
}

pub(super) fn server_cases() -> Vec<Case> {
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
