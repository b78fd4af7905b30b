//! Scenarios of profile `experimental-ldk-invoice-server`: LDK's
//! invoice-server protocol, with the recipient under test (it asks for
//! offer paths on its timer while it has no offer, serves its static
//! invoice on usable paths, re-sends it until confirmed) and with the
//! invoice server under test (it answers requests over its own request
//! paths, in time and within a limit, stores and confirms invoices that
//! arrive over its own reply paths, and serves them).
//!
//! The draft does not define the protocol: every expectation is a `choice`
//! following LDK 0.2.7's behaviour as the profile pins it
//! (`vectors/profiles.json`), stated here step by step, not taken from the
//! reference.

use super::*;
use asyncpay_adapter::scenario::{
    InvoiceServerSetup, OfferPathsSpec, RequestPathSpec, ServeStaticInvoiceSpec,
};

/// The catalogue's requirements the protocol's behaviours stand in for.
mod r {
    /// The recipient's offer paths lead to the node that replies (its server).
    pub const PATHS_TO_SERVER: &str = "bolt12/static-invoice/writer/offer-paths-to-replying-node";
    /// A message over a path counts only if its creator's context is in it.
    pub const OWN_PATH: &str = "bolt4/reply-paths/reader/path-id-mismatch";
    /// Expired paths make an expired offer.
    pub const OFFER_EXPIRED: &str = "bolt12/static-invoice/reader/offer-expired";
    /// An expired static invoice is not served.
    pub const INVOICE_EXPIRED: &str = "bolt12/static-invoice/reader/expiry-default";
}

const DAY: u64 = 24 * 3600;
const TO_SERVER: &str = "recipient-to-server-path";
const SERVE_PATH: &str = "server-serve-reply-path";
const ALICE: &str = "alice-request-path";
const BOB: &str = "bob-request-path";
/// LDK's lifetime of the server's offer paths.
const PATHS_LIFETIME: u64 = 365 * DAY;
/// LDK's least lifetime the recipient takes offer paths with.
const MIN_LIFETIME: u64 = 90 * DAY;

fn choice(check: Check, req: &str, note: &str) -> Step {
    expect(Level::Choice, check, &[req], note)
}

fn sent(message: MessageType, over: Option<&str>, reply: Option<ReplyPathPattern>) -> Check {
    Check::OnionMessageSent {
        message,
        id: None,
        over: over.map(|o| vec![PathId::Named(o.into())]),
        reply_path: reply,
        distinct_paths: false,
        distinct_reply_paths: false,
        count: once(),
    }
}

fn quiet(req: &str, note: &str) -> Step {
    choice(Check::Nothing, req, note)
}

fn tick(seconds: u64) -> Step {
    ev(Event::TimePasses { seconds })
}

fn om(from: Role, message: OnionMessage, over: PathRef, reply: Option<&str>) -> Step {
    ev(Event::OnionMessage {
        from,
        message,
        over,
        reply_path: reply.map(|r| PathRef::Named(r.into())),
    })
}

fn offer_paths(expiry: u64) -> OnionMessage {
    OnionMessage::OfferPaths(OfferPathsSpec {
        paths: vec!["server-offer-path-0".into()],
        paths_absolute_expiry: Some(expiry),
    })
}

fn serve(id: &str, created_at: u64) -> OnionMessage {
    OnionMessage::ServeStaticInvoice(ServeStaticInvoiceSpec {
        invoice: StaticInvoiceSpec {
            id: id.into(),
            offer: format!("{id}-offer"),
            created_at,
            relative_expiry: None,
            message_paths: vec![format!("{id}-message-path")],
            payment_paths: vec![PaymentPathSpec {
                id: format!("{id}-payment-path"),
                max_cltv_expiry: MAX_CLTV_EXPIRY,
            }],
        },
        forward_invoice_request_path: format!("{id}-forward-path"),
    })
}

fn request() -> OnionMessage {
    OnionMessage::OfferPathsRequest { invoice_slot: 0 }
}

fn scenario(role: Role, setup: InvoiceServerSetup, steps: Vec<Step>) -> Scenario {
    Scenario {
        role_under_test: role,
        initial: InitialState {
            block_height: H,
            time: T,
            nodes: nodes(false, false),
            offers: vec![],
            static_invoices: vec![],
            recipient_path: None,
            invoice_server: Some(setup),
        },
        steps,
    }
}

fn recipient(steps: Vec<Step>) -> Scenario {
    let setup = InvoiceServerSetup {
        request_paths: vec![],
        server_paths: vec![TO_SERVER.into()],
    };
    scenario(Role::Recipient, setup, steps)
}

fn server(steps: Vec<Step>) -> Scenario {
    let setup = InvoiceServerSetup {
        request_paths: vec![
            RequestPathSpec {
                path: ALICE.into(),
                recipient: "alice".into(),
                expires_at: None,
            },
            RequestPathSpec {
                path: BOB.into(),
                recipient: "bob".into(),
                expires_at: Some(T + 3600),
            },
        ],
        server_paths: vec![],
    };
    scenario(Role::InvoiceServer, setup, steps)
}

/// The recipient's request, expected after a tick.
fn asks() -> Step {
    choice(
        sent(
            MessageType::OfferPathsRequest,
            Some(TO_SERVER),
            Some(ReplyPathPattern::Own),
        ),
        r::PATHS_TO_SERVER,
        "A recipient with no offer asks its server for offer paths on its timer, with a reply path of its own (LDK: on each timer tick, at most 3 per tick).",
    )
}

/// The recipient's `serve_static_invoice`, expected.
fn serves(note: &str) -> Step {
    choice(
        sent(
            MessageType::ServeStaticInvoice,
            Some(SERVE_PATH),
            Some(ReplyPathPattern::Own),
        ),
        r::PATHS_TO_SERVER,
        note,
    )
}

/// The server's `offer_paths`, expected over `reply`.
fn answers(reply: &str) -> Step {
    choice(
        sent(
            MessageType::OfferPaths,
            Some(reply),
            Some(ReplyPathPattern::Own),
        ),
        r::PATHS_TO_SERVER,
        "The server answers over the request's reply path with offer paths lasting 365 days and a reply path of its own for serve_static_invoice (LDK's DEFAULT_ASYNC_RECEIVE_OFFER_EXPIRY).",
    )
}

fn server_request(over: &str, reply: &str) -> Step {
    om(
        Role::Recipient,
        request(),
        PathRef::Named(over.into()),
        Some(reply),
    )
}

/// The note on the profile's flag in the scenarios file: every choice the
/// scenarios follow.
pub(super) fn choices_note() -> FlagNote {
    FlagNote {
        bug_type: "Experimental".into(),
        description: "LDK's invoice-server protocol, which the draft does not define (a future bLIP or BOLT would); the numbers, expiries and bounds are LDK 0.2.7's, as the profile pins them: (1) the recipient asks for offer paths on a timer tick (a time_passes event) while it has no offer; (2) its offer_paths_request reply path lives 2 hours (TEMP_REPLY_PATH_RELATIVE_EXPIRY) and offer_paths count only over it; (3) it takes offer paths only if they last at least 90 days (MIN_OFFER_PATHS_RELATIVE_EXPIRY_SECS, 3 months of 30 days); (4) it keeps one slot (LDK keeps up to 10, MAX_CACHED_OFFERS_TARGET) and re-sends an unconfirmed serve_static_invoice on each tick; (5) the server answers only over a request path it made for a recipient, before that path's expiry, with one offer path (LDK's router gives up to 3) and a reply path, both lasting 365 days (DEFAULT_ASYNC_RECEIVE_OFFER_EXPIRY); (6) the server answers at most 3 requests per recipient in any 60 seconds: LDK's server sets no limit, its recipient sends at most 3 per timer tick (MAX_UPDATE_ATTEMPTS), and the profile holds the server to that bound; (7) the server stores only an unexpired invoice over its own, unexpired reply path, confirms over the message's reply path, and then serves it and forwards invoice requests over the recipient's forwarding path; (8) the expectations name the catalogue's requirements the behaviours stand in for.".into(),
        effect: Some("An implementation that follows another bound or expiry may differ and still be interoperable; every expectation is a choice.".into()),
        requirements: vec![r::PATHS_TO_SERVER.to_string()],
    }
}

pub(super) fn invoice_server_cases() -> Vec<Case> {
    let mut v = Vec::new();
    let now = T + 60;

    let s = vec![
        tick(60),
        asks(),
        om(Role::InvoiceServer, offer_paths(now + PATHS_LIFETIME), own(0, 0), Some(SERVE_PATH)),
        serves("On offer paths lasting long enough, the recipient builds its offer on them and sends the server its static invoice over the server's reply path, with a reply path of its own for the confirmation."),
        om(Role::InvoiceServer, OnionMessage::StaticInvoicePersisted, own(2, 0), None),
        tick(60),
        quiet(r::PATHS_TO_SERVER, "Once the server confirmed the invoice, the recipient's one slot is filled: on the next tick it asks for nothing and re-sends nothing (LDK keeps up to 10 offers; the profile pins one slot)."),
    ];
    v.push(case("isrv-recipient-asks-serves-and-stops-when-confirmed", "a recipient with no offer and a path to its invoice server", "a timer tick passes, the server answers with offer paths lasting 365 days, confirms the invoice, and another tick passes", "the recipient asks for offer paths, serves its static invoice, and sends nothing once confirmed", recipient(s)));

    let s = vec![
        tick(60),
        asks(),
        om(Role::InvoiceServer, offer_paths(now + PATHS_LIFETIME), own(0, 0), Some(SERVE_PATH)),
        serves("The recipient serves its static invoice."),
        tick(60),
        serves("Not yet confirmed: on the next tick the recipient sends the same serve_static_invoice again (LDK re-sends pending invoices on its timer)."),
        om(Role::InvoiceServer, OnionMessage::StaticInvoicePersisted, own(4, 0), None),
        tick(60),
        quiet(r::PATHS_TO_SERVER, "Confirmed: nothing more."),
    ];
    v.push(case(
        "isrv-recipient-resends-unconfirmed-invoice",
        "a recipient that served its static invoice",
        "a timer tick passes before the server confirms",
        "it re-sends the invoice, and stops once confirmed",
        recipient(s),
    ));

    let s = vec![
        tick(60),
        asks(),
        om(Role::InvoiceServer, offer_paths(now - 1), own(0, 0), Some(SERVE_PATH)),
        quiet(r::OFFER_EXPIRED, "Offer paths that have already expired are ignored: an offer built on them is expired."),
        om(Role::InvoiceServer, offer_paths(now + MIN_LIFETIME - 1), own(0, 0), Some(SERVE_PATH)),
        quiet(r::OFFER_EXPIRED, "Offer paths expiring a second short of 90 days are ignored (LDK's MIN_OFFER_PATHS_RELATIVE_EXPIRY_SECS, 3 months of 30 days)."),
        om(Role::InvoiceServer, offer_paths(now + MIN_LIFETIME), own(0, 0), Some(SERVE_PATH)),
        serves("Offer paths lasting exactly 90 days are taken: the recipient serves its static invoice."),
    ];
    v.push(case("isrv-recipient-ignores-expired-offer-paths", "a recipient that asked for offer paths", "offer_paths arrive whose paths have expired, then expire a second short of 90 days, then in exactly 90 days", "the first two are ignored and the third answered with serve_static_invoice", recipient(s)));

    let s = vec![
        tick(60),
        asks(),
        om(Role::InvoiceServer, offer_paths(now + PATHS_LIFETIME), PathRef::Named("someone-elses-path".into()), Some(SERVE_PATH)),
        quiet(r::OWN_PATH, "offer_paths over a path the recipient did not make for its request are ignored: anyone could send them."),
        tick(7201),
        asks(),
        om(Role::InvoiceServer, offer_paths(now + 7201 + PATHS_LIFETIME), own(0, 0), Some(SERVE_PATH)),
        quiet(r::OWN_PATH, "offer_paths over the first request's reply path, 7201 seconds after it was sent, are ignored: the path lived 2 hours (LDK's TEMP_REPLY_PATH_RELATIVE_EXPIRY)."),
        om(Role::InvoiceServer, offer_paths(now + 7201 + PATHS_LIFETIME), own(4, 0), Some(SERVE_PATH)),
        serves("offer_paths over the fresh request's reply path are taken."),
    ];
    v.push(case("isrv-recipient-ignores-offer-paths-over-foreign-or-stale-path", "a recipient that asked for offer paths", "offer_paths arrive over a path it did not make, then over its request's reply path after 2 hours, then over a fresh request's reply path", "only the last is answered", recipient(s)));

    let s = vec![
        server_request(ALICE, "alice-reply-path"),
        answers("alice-reply-path"),
        om(Role::Recipient, serve("alice-invoice", T), own(0, 0), Some("alice-persisted-reply-path")),
        choice(sent(MessageType::StaticInvoicePersisted, Some("alice-persisted-reply-path"), None), r::PATHS_TO_SERVER, "The server stores the unexpired invoice that arrived over its own reply path and confirms over the message's reply path."),
        ev(Event::OnionMessage {
            from: Role::Payer,
            message: OnionMessage::InvoiceRequest(InvoiceRequestSpec {
                id: "payer-request".into(),
                offer: "alice-invoice-offer".into(),
                amount_msat: Some(100_000),
            }),
            over: PathRef::Named("server-offer-path-0".into()),
            reply_path: Some(PathRef::Named("payer-reply-path".into())),
        }),
        expect(Level::Should, Check::OnionMessageSent { message: MessageType::StaticInvoice, id: Some("alice-invoice".into()), over: Some(vec![PathId::Named("payer-reply-path".into())]), reply_path: None, distinct_paths: false, distinct_reply_paths: false, count: once() }, &[req::INVREQ_REPLY_STATIC], "The stored invoice answers the payer's invoice request."),
        expect(Level::Should, sent(MessageType::InvoiceRequest, Some("alice-invoice-forward-path"), None), &[req::INVREQ_FORWARD], "The request is forwarded over the path the recipient sent with its invoice."),
        nothing(&[req::INVREQ_REPLY_STATIC]),
    ];
    v.push(case("isrv-server-stores-confirms-and-serves", "an invoice server that made a request path for recipient alice", "alice asks for offer paths, serves her static invoice over the server's reply path, and a payer then requests an invoice for her offer", "the server answers with offer paths, confirms the invoice, and serves it (forwarding the request to alice)", server(s)));

    let s = vec![
        server_request(ALICE, "alice-reply-path"),
        answers("alice-reply-path"),
        om(Role::Recipient, serve("alice-invoice", T), PathRef::Named("forged-serve-path".into()), Some("alice-persisted-reply-path")),
        quiet(r::OWN_PATH, "A serve_static_invoice over a path the server did not issue is ignored: it would let anyone replace a recipient's invoice."),
        om(Role::Recipient, serve("alice-invoice", T), PathRef::Own { step: 0, index: 0, tampered: true }, Some("alice-persisted-reply-path")),
        quiet(r::OWN_PATH, "Over the server's reply path with its context altered: ignored."),
        om(Role::Recipient, serve("alice-old-invoice", T - 15 * DAY), own(0, 0), Some("alice-persisted-reply-path")),
        quiet(r::INVOICE_EXPIRED, "An invoice created 15 days ago with the default expiry of 14 days has expired: not stored, not confirmed."),
        tick(PATHS_LIFETIME + 1),
        om(Role::Recipient, serve("alice-late-invoice", T + PATHS_LIFETIME + 1), own(0, 0), Some("alice-persisted-reply-path")),
        quiet(r::OWN_PATH, "Over the server's reply path a second after its 365 days: ignored."),
    ];
    v.push(case("isrv-server-ignores-serve-over-foreign-or-expired-path", "an invoice server that answered alice's request with offer paths and a reply path", "serve_static_invoice arrives over a forged path, over its reply path with the context altered, with an expired invoice, and over its reply path after 365 days", "none is stored or confirmed", server(s)));

    let s = vec![
        server_request("mallory-request-path", "mallory-reply-path"),
        quiet(
            r::OWN_PATH,
            "A request over a path the server did not make for a recipient is ignored.",
        ),
        tick(3601),
        server_request(BOB, "bob-reply-path"),
        quiet(
            r::OWN_PATH,
            "A request over bob's request path, a second after it expired, is ignored.",
        ),
        server_request(ALICE, "alice-reply-path"),
        answers("alice-reply-path"),
    ];
    v.push(case(
        "isrv-server-ignores-request-over-unknown-or-expired-path",
        "an invoice server with request paths for alice (no expiry) and bob (expiring in an hour)",
        "requests arrive over an unknown path, over bob's path after its expiry, and over alice's",
        "only alice's is answered",
        server(s),
    ));

    let limit = "LDK's server sets no limit; its recipient sends at most 3 requests per timer tick (MAX_UPDATE_ATTEMPTS, a tick being about a minute), and the profile holds the server to that bound: at most 3 answered per recipient in any 60 seconds.";
    let s = vec![
        server_request(ALICE, "alice-reply-1"),
        answers("alice-reply-1"),
        tick(10),
        server_request(ALICE, "alice-reply-2"),
        answers("alice-reply-2"),
        tick(10),
        server_request(ALICE, "alice-reply-3"),
        answers("alice-reply-3"),
        tick(10),
        server_request(ALICE, "alice-reply-4"),
        quiet(r::PATHS_TO_SERVER, limit),
        tick(31),
        server_request(ALICE, "alice-reply-5"),
        answers("alice-reply-5"),
    ];
    v.push(case("isrv-server-limits-offer-paths-requests", "an invoice server with a request path for alice", "alice asks five times, 10 seconds apart, then 31 seconds later", "the first three are answered, the fourth (within 60 seconds of the first) is not, the fifth (61 seconds after the first) is", server(s)));

    v
}
