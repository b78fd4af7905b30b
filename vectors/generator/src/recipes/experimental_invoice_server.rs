//! Area `experimental_ldk_invoice_server` (profile
//! `experimental-ldk-invoice-server` only): the four onion messages of
//! LDK's invoice-server protocol, with LDK's numbers and record layouts
//! (`onion_message.build` / `.peel`): `offer_paths_request`, `offer_paths`,
//! `serve_static_invoice`, `static_invoice_persisted`.
//!
//! The records are written here and the views stated from what was
//! written; the messages come from the onion message recipe's own Sphinx
//! and blinding calculator, the served invoice is a stand-in
//! stream (the static invoice area judges real ones).

use super::onion_messages::{peel_input, Msg};
use super::reply_paths::{calc, cast, node, note, reason, stream, tv, view, PathDef, SPEC_COMMIT};
use asyncpay_adapter::{Profile, ReasonClass};
use asyncpay_harness::vectors::{FileBuilder, VectorFile, Verdict};
use serde_json::json;

/// The scenario clock's "now" the expiries are counted from.
pub const NOW: u64 = 1_750_000_000;
/// LDK's lifetime of the server's offer paths (365 days).
pub const OFFER_PATHS_LIFETIME: u64 = 365 * 24 * 3600;

/// The offer's paths lead to the node that replies (the invoice server):
/// the protocol is how the recipient gets them.
const R_SERVE: &str = "bolt12/static-invoice/writer/offer-paths-to-replying-node";
const R_FORWARD: &str = "bolt12/static-invoice/server/forward-invoice-request";
const R_LENGTH: &str = "bolt1/tlv/reader/known-type-bad-length";
const R_EVEN: &str = "bolt1/tlv/reader/unknown-even";
const R_NO_PATHS: &str = "bolt12/static-invoice/reader/offer-no-issuer-or-paths";
const R_ZERO_HOPS: &str = "bolt12/static-invoice/reader/offer-paths-zero-hops";

/// A one-hop path to `n` whose `path_id` is `[id; 32]`.
fn one_hop(name: &'static str, session: u8, n: u8, id: u8) -> PathDef {
    PathDef {
        name,
        description: "",
        session,
        hops: vec![(n, stream(vec![(6, vec![id; 32])], None))],
    }
}

/// The server's path for the recipient's `offer_paths_request`.
fn request_path() -> PathDef {
    one_hop("request", 0xe1, cast::RECIPIENT_LSP, 0xe1)
}

/// The recipient's reply path (for `offer_paths`, then for
/// `static_invoice_persisted`).
fn recipient_reply() -> PathDef {
    one_hop("recipient-reply", 0xe2, cast::RECIPIENT, 0xe2)
}

/// The server's reply path for `serve_static_invoice`.
fn serve_path() -> PathDef {
    one_hop("serve", 0xe3, cast::RECIPIENT_LSP, 0xe3)
}

/// The offer paths the server hands out: to itself.
fn offer_path(i: u8) -> PathDef {
    one_hop("offer", 0xe4 + i, cast::RECIPIENT_LSP, 0xe4 + i)
}

/// The recipient's path for forwarded invoice requests: server, recipient.
fn forward_path() -> PathDef {
    PathDef {
        name: "forward",
        description: "",
        session: 0xe8,
        hops: vec![
            (
                cast::RECIPIENT_LSP,
                stream(vec![(4, node(cast::RECIPIENT).serialize().to_vec())], None),
            ),
            (cast::RECIPIENT, stream(vec![(6, vec![0xe8; 32])], None)),
        ],
    }
}

fn path_bytes(p: &PathDef) -> Vec<u8> {
    calc::path_bytes(&p.view())
}

fn slot(s: u16) -> (u64, Vec<u8>) {
    (0, s.to_be_bytes().to_vec())
}

fn expiry(t: u64) -> (u64, Vec<u8>) {
    (2, t.to_be_bytes().to_vec())
}

fn paths(n: u8) -> (u64, Vec<u8>) {
    (0, (0..n).flat_map(|i| path_bytes(&offer_path(i))).collect())
}

/// One message of the protocol, to `dest`, with `reply`.
fn msg(
    id: &'static str,
    session: u8,
    dest: PathDef,
    reply: Option<PathDef>,
    content: (&'static str, u64, Vec<u8>),
) -> Msg {
    let mut m = Msg::new(id, "", session, dest);
    m.reply = reply.map(|r| r.view());
    m.content = Some(content);
    m
}

/// Generate the area, or `None` for a profile without the protocol.
pub fn generate(profile: &Profile) -> Option<VectorFile> {
    let n = &profile.numbers;
    let t_req = n.onionmsg_offer_paths_request?;
    let t_paths = n.onionmsg_offer_paths?;
    let t_serve = n.onionmsg_serve_static_invoice?;
    let t_done = n.onionmsg_static_invoice_persisted?;
    if profile.kind != "experimental" {
        return None;
    }
    let mut f = FileBuilder::new(
        "experimental_ldk_invoice_server",
        &profile.name,
        SPEC_COMMIT,
    );
    f.header("LDK's invoice-server protocol, not the draft: how an often-offline recipient gets its static invoice to the invoice server that serves it. The draft does not define it; a future bLIP or BOLT would. The numbers and record layouts are LDK 0.2.7's (adapters/reference/src/experimental/invoice_server.rs); the behaviour is in this profile's scenarios.");
    f.note("ExperimentalInvoiceServer", note("Experimental", "Depends on LDK's protocol as the suite pins it, which no spec defines yet: (1) the onion message types are LDK's: offer_paths_request 75540, offer_paths 75542, serve_static_invoice 75544, static_invoice_persisted 75546; (2) each value is a TLV stream with LDK's records: offer_paths_request 0 invoice_slot (u16); offer_paths 0 paths (one or more blinded_path, concatenated), 2 paths_absolute_expiry (u64, optional); serve_static_invoice 0 invoice (a static invoice), 2 forward_invoice_request_path (blinded_path); static_invoice_persisted empty; (3) LDK writes each value with a BigSize length of the stream in front; the profile leaves it out, as BOLT 12's onion message contents carry none; (4) the served invoice is a stand-in TLV stream (offer_description, invoice_created_at, invoice_node_id), so that the message fits the 1366-byte packet: a static invoice's own fields are the static_invoice area's matter, and this reader checks the records around it; (5) the protocol's requirements are catalogued under the draft's invoice server and offer requirements they stand in for (offer paths to the node that replies to the invoice request, forward the invoice request, an offer reachable over its paths, fixed-size records).", None, &[R_SERVE]));
    f.note(
        "Valid",
        note("Valid", "A correct construction or peel.", None, &[]),
    );
    f.note(
        "MissingRecord",
        note(
            "MalformedInput",
            "A record LDK's reader requires is missing.",
            Some("A server that reads on stores no invoice, or one it cannot forward requests for; a recipient builds an offer nobody can reach."),
            &[R_SERVE],
        ),
    );
    f.note(
        "BadLength",
        note(
            "MalformedInput",
            "A fixed-size record (the u16 slot, the u64 expiry) of another length.",
            None,
            &[R_LENGTH],
        ),
    );
    f.note(
        "ZeroHops",
        note(
            "MalformedInput",
            "An offer path with no hops.",
            Some("An offer built on it cannot be reached."),
            &[R_ZERO_HOPS],
        ),
    );
    f.note(
        "UnknownEvenTlv",
        note(
            "MalformedInput",
            "A message carries an even record its reader does not know.",
            None,
            &[R_EVEN],
        ),
    );
    let fl = |x: &'static str| vec!["ExperimentalInvoiceServer", x];
    // A stand-in static invoice TLV stream, as the onion message area
    // carries: offer_description, invoice_created_at, invoice_node_id.
    let created = (NOW as u32).to_be_bytes();
    let issuer = node(cast::RECIPIENT).serialize();
    let invoice = calc::tlvs(&[(10, b"coffee"), (164, &created), (176, &issuer)]);
    let serve_value = |inv: Option<&[u8]>, fwd: bool| {
        let mut recs = Vec::new();
        if let Some(i) = inv {
            recs.push((0u64, i.to_vec()));
        }
        if fwd {
            recs.push((2, path_bytes(&forward_path())));
        }
        stream(recs, None)
    };
    let exp = NOW + OFFER_PATHS_LIFETIME;

    // The valid messages, built and peeled at their destination.
    let valid: Vec<(&str, &str, &str, Msg)> = vec![
        ("offer-paths-request", "The recipient asks its invoice server for offer paths for slot 0, with a reply path to itself.", R_SERVE, msg("request", 0xf1, request_path(), Some(recipient_reply()), ("offer_paths_request", t_req, stream(vec![slot(0)], None)))),
        ("offer-paths", "The server answers over the recipient's reply path with two one-hop offer paths to itself, expiring in 365 days, and a reply path for the recipient's serve_static_invoice.", R_SERVE, msg("paths", 0xf2, recipient_reply(), Some(serve_path()), ("offer_paths", t_paths, stream(vec![paths(2), expiry(exp)], None)))),
        ("offer-paths-no-expiry", "The server answers with one offer path and no paths_absolute_expiry (the paths do not expire).", R_SERVE, msg("paths", 0xf3, recipient_reply(), Some(serve_path()), ("offer_paths", t_paths, stream(vec![paths(1)], None)))),
        ("serve-static-invoice", "The recipient sends the server its static invoice and a two-hop path (server, recipient) for forwarding invoice requests, over the server's reply path, with a reply path to itself.", R_FORWARD, msg("serve", 0xf4, serve_path(), Some(recipient_reply()), ("serve_static_invoice", t_serve, serve_value(Some(&invoice), true)))),
        ("static-invoice-persisted", "The server confirms over the recipient's reply path that it stored the invoice.", R_SERVE, msg("persisted", 0xf5, recipient_reply(), None, ("static_invoice_persisted", t_done, Vec::new()))),
    ];
    for (name, desc, req, m) in valid {
        let (bytes, sph) = m.build();
        f.test(tv(
            format!("build-{name}"),
            desc,
            &[req],
            &fl("Valid"),
            Verdict::Valid,
            "onion_message.build",
            m.build_input(),
            view(json!({ "first_node_id": m.dest_view["first_node_id"], "onion_message": hex::encode(&bytes) })),
            Some(sph),
        ));
        let (n, incoming, v) = m.chain(profile)[0].clone();
        f.test(tv(
            format!("peel-{name}"),
            format!("Its destination peels it. {desc}"),
            &[req],
            &fl("Valid"),
            Verdict::Valid,
            "onion_message.peel",
            peel_input(n, &incoming),
            view(v),
            None,
        ));
    }

    // The invalid ones, each breaking one rule, peeled at their destination.
    let zero_hop = {
        let mut p = node(cast::RECIPIENT_LSP).serialize().to_vec();
        p.extend(node(cast::HOP_A).serialize());
        p.push(0);
        p
    };
    let invalid: Vec<(&str, &str, &str, &str, ReasonClass, Msg)> = vec![
        ("offer-paths-request-no-slot", "an offer_paths_request without its invoice_slot", R_SERVE, "MissingRecord", ReasonClass::MissingField, msg("request", 0xf6, request_path(), Some(recipient_reply()), ("offer_paths_request", t_req, Vec::new()))),
        ("offer-paths-request-slot-3-bytes", "an offer_paths_request whose invoice_slot is 3 bytes, not a u16", R_LENGTH, "BadLength", ReasonClass::InvalidValue, msg("request", 0xf6, request_path(), Some(recipient_reply()), ("offer_paths_request", t_req, stream(vec![(0, vec![0, 0, 1])], None)))),
        ("offer-paths-request-unknown-even", "an offer_paths_request with an empty record of even type 2, which its reader does not know", R_EVEN, "UnknownEvenTlv", ReasonClass::UnknownEvenType, msg("request", 0xf6, request_path(), Some(recipient_reply()), ("offer_paths_request", t_req, stream(vec![slot(0), (2, vec![])], None)))),
        ("offer-paths-no-paths", "an offer_paths with an expiry and no paths record", R_NO_PATHS, "MissingRecord", ReasonClass::MissingField, msg("paths", 0xf7, recipient_reply(), Some(serve_path()), ("offer_paths", t_paths, stream(vec![expiry(exp)], None)))),
        ("offer-paths-empty-paths", "an offer_paths whose paths record is empty", R_NO_PATHS, "MissingRecord", ReasonClass::MissingField, msg("paths", 0xf7, recipient_reply(), Some(serve_path()), ("offer_paths", t_paths, stream(vec![(0, vec![]), expiry(exp)], None)))),
        ("offer-paths-zero-hop-path", "an offer_paths whose second path has no hops", R_ZERO_HOPS, "ZeroHops", ReasonClass::InvalidBlindedPath, msg("paths", 0xf7, recipient_reply(), Some(serve_path()), ("offer_paths", t_paths, stream(vec![(0, [path_bytes(&offer_path(0)), zero_hop].concat()), expiry(exp)], None)))),
        ("offer-paths-expiry-4-bytes", "an offer_paths whose paths_absolute_expiry is 4 bytes, not a u64", R_LENGTH, "BadLength", ReasonClass::InvalidValue, msg("paths", 0xf7, recipient_reply(), Some(serve_path()), ("offer_paths", t_paths, stream(vec![paths(1), (2, (exp as u32).to_be_bytes().to_vec())], None)))),
        ("serve-static-invoice-no-invoice", "a serve_static_invoice with the forwarding path and no invoice", R_SERVE, "MissingRecord", ReasonClass::MissingField, msg("serve", 0xf8, serve_path(), Some(recipient_reply()), ("serve_static_invoice", t_serve, serve_value(None, true)))),
        ("serve-static-invoice-no-forward-path", "a serve_static_invoice with the invoice and no path for forwarding invoice requests", R_FORWARD, "MissingRecord", ReasonClass::MissingField, msg("serve", 0xf8, serve_path(), Some(recipient_reply()), ("serve_static_invoice", t_serve, serve_value(Some(&invoice), false)))),
        ("static-invoice-persisted-unknown-even", "a static_invoice_persisted with an empty record of even type 0, which its reader does not know", R_EVEN, "UnknownEvenTlv", ReasonClass::UnknownEvenType, msg("persisted", 0xf9, recipient_reply(), None, ("static_invoice_persisted", t_done, stream(vec![(0, vec![])], None)))),
    ];
    for (name, desc, req, flag, class, m) in invalid {
        let (n, incoming, _) = m.chain(profile)[0].clone();
        f.test(tv(
            name,
            format!("Its destination peels {desc}: must be rejected."),
            &[req],
            &fl(flag),
            Verdict::Invalid,
            "onion_message.peel",
            peel_input(n, &incoming),
            reason(class),
            None,
        ));
    }
    Some(f.finish())
}
