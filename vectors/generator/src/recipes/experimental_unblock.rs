//! Area `experimental_payment_unblock` (profile
//! `experimental-payment-unblock` only): design 001's encodings. The
//! payer's `hold_htlc_request` to its LSP (one payment hash, or several for
//! a multi-part payment) and the payee's message to the payer whose
//! `encrypted_data_tlv` for the payer's LSP carries `payment_unblock`
//! (`onion_message.build` / `.peel`).
//!
//! The records are written here and the views stated from what was
//! written; the messages come from the onion message recipe's own Sphinx
//! and blinding calculator.

use super::onion_messages::{peel_input, Msg};
use super::reply_paths::{cast, node, note, reason, stream, tv, view, PathDef, SPEC_COMMIT};
use asyncpay_adapter::{Profile, ReasonClass};
use asyncpay_harness::vectors::{FileBuilder, VectorFile, Verdict};
use serde_json::json;

/// The secret payment id.
pub const PAYMENT_ID: [u8; 32] = [0x91; 32];
/// Another payment's id the LSP also holds.
pub const OTHER_ID: [u8; 32] = [0x92; 32];

const R_HOLD: &str = "bolt2/release/holding-node/no-forward-until-release";
const R_EVEN: &str = "bolt1/tlv/reader/unknown-even";

fn hash(i: u8) -> [u8; 32] {
    [0xa0 + i; 32]
}

/// A `hold_htlc_request` value.
fn request(id: &[u8], hashes: Option<Vec<u8>>, extra: Vec<(u64, Vec<u8>)>) -> Vec<u8> {
    let mut recs = vec![(0u64, id.to_vec())];
    if let Some(h) = hashes {
        recs.push((2, h));
    }
    recs.extend(extra);
    stream(recs, None)
}

/// The payer's one-hop path to its LSP.
fn to_lsp() -> PathDef {
    PathDef {
        name: "to-lsp",
        description: "",
        session: 0x5a,
        hops: vec![(cast::HOLDER, stream(vec![(6, vec![0xd6; 32])], None))],
    }
}

/// The path the payee builds: the payer's LSP (with `payment_unblock`),
/// then the payer.
fn unblock_path(profile: &Profile, id: &[u8]) -> PathDef {
    let t = profile
        .numbers
        .encrypted_data_payment_unblock
        .unwrap_or_default();
    PathDef {
        name: "unblock",
        description: "",
        session: 0x5b,
        hops: vec![
            (
                cast::HOLDER,
                stream(
                    vec![
                        (4, node(cast::PAYER).serialize().to_vec()),
                        (t, id.to_vec()),
                    ],
                    None,
                ),
            ),
            (cast::PAYER, stream(vec![], Some(20))),
        ],
    }
}

/// Generate the area, or `None` for a profile without the unblock design.
pub fn generate(profile: &Profile) -> Option<VectorFile> {
    let ty = profile.numbers.onionmsg_hold_request?;
    profile.numbers.encrypted_data_payment_unblock?;
    if profile.kind != "experimental" {
        return None;
    }
    let mut f = FileBuilder::new("experimental_payment_unblock", &profile.name, SPEC_COMMIT);
    f.header("Design 001, not the draft: the payer asks its LSP to hold the HTLCs of one or several payment hashes under a secret payment id; the payee releases them with payment_unblock = the id in the LSP's encrypted_data_tlv of a message to the payer. The layouts are the suite's (adapters/reference/src/experimental/unblock.rs); the behaviour is in this profile's scenarios.");
    f.note("ExperimentalPaymentUnblock", note("Experimental", "Depends on the suite's pinning of design 001, which names the messages and the field but no numbers or layouts: (1) hold_htlc_request is onion message type 80, its value a TLV stream of 0 payment_id (32 bytes) and 2 payment_hashes (one or more whole 32-byte hashes); the design does not say how the LSP matches a later unblock, so the request carries the id; (2) payment_unblock is encrypted_data_tlv type 18, its value the raw id; even, so an LSP that does not know it refuses the message rather than pass it on unread; (3) only a path's builder writes a hop's encrypted_data_tlv, so the payee builds the two-hop path (payer's LSP, payer) itself from the node ids the payer sent with the id: the payer's LSP learns the payer is the destination; (4) an unblock with an id the LSP does not hold makes the hop refused (the message dropped, nothing released); (5) the message to the payer carries no content; (6) the design's requirements are catalogued under the draft's holding-until-release requirement they stand in for.", None, &[R_HOLD]));
    f.note(
        "Valid",
        note("Valid", "A correct construction or peel.", None, &[]),
    );
    f.note(
        "BadLength",
        note(
            "MalformedInput",
            "The payment id is not 32 bytes.",
            None,
            &[R_HOLD],
        ),
    );
    f.note(
        "BadHashes",
        note(
            "MalformedInput",
            "The request's payment hashes are missing, or not whole 32-byte hashes.",
            Some("An LSP that reads on holds nothing, or the wrong payment."),
            &[R_HOLD],
        ),
    );
    f.note(
        "WrongId",
        note(
            "Unauthenticated",
            "The unblock names a payment id the LSP holds nothing for.",
            Some("Releasing on an unknown id releases payments on anyone's say-so."),
            &[R_HOLD],
        ),
    );
    f.note(
        "UnknownEvenTlv",
        note(
            "MalformedInput",
            "The request carries an even record its reader does not know.",
            None,
            &[R_EVEN],
        ),
    );
    let fl = |x: &'static str| vec!["ExperimentalPaymentUnblock", x];

    // The hold requests.
    let one = request(&PAYMENT_ID, Some(hash(1).to_vec()), vec![]);
    let three = request(
        &PAYMENT_ID,
        Some([hash(1), hash(2), hash(3)].concat()),
        vec![],
    );
    for (suffix, value, what) in [
        ("", one, "one payment hash"),
        (
            "-three-hashes",
            three,
            "three payment hashes (three payments of one purchase)",
        ),
    ] {
        let mut m = Msg::new("request", "", 0xd1, to_lsp());
        m.content = Some(("hold_htlc_request", ty, value));
        let (msg, sph) = m.build();
        f.test(tv(format!("build-hold-request{suffix}"), format!("The payer asks its LSP to hold the HTLCs of {what} under its payment id."), &[R_HOLD], &fl("Valid"), Verdict::Valid, "onion_message.build", m.build_input(), view(json!({ "first_node_id": m.dest_view["first_node_id"], "onion_message": hex::encode(&msg) })), Some(sph)));
        let (n, incoming, v) = m.chain(profile)[0].clone();
        f.test(tv(
            format!("peel-hold-request{suffix}"),
            format!("The payer's LSP receives the request for {what}."),
            &[R_HOLD],
            &fl("Valid"),
            Verdict::Valid,
            "onion_message.peel",
            peel_input(n, &incoming),
            view(v),
            None,
        ));
    }
    for (id, desc, value, class, flag, req) in [
        (
            "hold-request-short-payment-id",
            "a 31-byte payment id",
            request(&PAYMENT_ID[..31], Some(hash(1).to_vec()), vec![]),
            ReasonClass::InvalidValue,
            "BadLength",
            R_HOLD,
        ),
        (
            "hold-request-no-hashes",
            "no payment_hashes record",
            request(&PAYMENT_ID, None, vec![]),
            ReasonClass::InvalidValue,
            "BadHashes",
            R_HOLD,
        ),
        (
            "hold-request-partial-hash",
            "a payment_hashes record of 40 bytes (one hash and 8 bytes)",
            request(
                &PAYMENT_ID,
                Some([&hash(1)[..], &hash(2)[..8]].concat()),
                vec![],
            ),
            ReasonClass::InvalidValue,
            "BadHashes",
            R_HOLD,
        ),
        (
            "hold-request-unknown-even",
            "an empty record of even type 4, which its reader does not know",
            request(&PAYMENT_ID, Some(hash(1).to_vec()), vec![(4, vec![])]),
            ReasonClass::UnknownEvenType,
            "UnknownEvenTlv",
            R_EVEN,
        ),
    ] {
        let mut m = Msg::new("request", "", 0xd2, to_lsp());
        m.content = Some(("hold_htlc_request", ty, value));
        let (n, incoming, _) = m.chain(profile)[0].clone();
        f.test(tv(
            id,
            format!("The payer's LSP receives a hold_htlc_request with {desc}."),
            &[req],
            &fl(flag),
            Verdict::Invalid,
            "onion_message.peel",
            peel_input(n, &incoming),
            reason(class),
            None,
        ));
    }

    // The unblock.
    let held = json!([hex::encode(OTHER_ID), hex::encode(PAYMENT_ID)]);
    let m = Msg::new("unblock", "", 0xd3, unblock_path(profile, &PAYMENT_ID));
    let (msg, sph) = m.build();
    f.test(tv("build-unblock", "The payee, back online, sends the payer a message (no content) over a path it built through the payer's LSP, whose encrypted_data_tlv for the LSP carries payment_unblock = the payment id.", &[R_HOLD], &fl("Valid"), Verdict::Valid, "onion_message.build", m.build_input(), view(json!({ "first_node_id": m.dest_view["first_node_id"], "onion_message": hex::encode(&msg) })), Some(sph)));
    for (i, (n, incoming, v)) in m.chain(profile).into_iter().enumerate() {
        let (name, desc) = if i == 0 {
            ("peel-unblock-at-lsp", "The payer's LSP (holding two payments, one under this id) peels the unblock: it finds payment_unblock, releases the HTLCs and passes the message on to the payer.")
        } else {
            (
                "peel-unblock-at-payer",
                "The payer receives the message the unblock rode in: no content.",
            )
        };
        let mut input = peel_input(n, &incoming);
        if i == 0 {
            input["held_release_secrets"] = held.clone();
        }
        f.test(tv(
            name,
            desc,
            &[R_HOLD],
            &fl("Valid"),
            Verdict::Valid,
            "onion_message.peel",
            input,
            view(v),
            None,
        ));
    }
    for (id, desc, pid, class, flag) in [
        (
            "unblock-wrong-id",
            "a payment id the LSP holds nothing for",
            vec![0x93; 32],
            ReasonClass::UnauthenticatedRelease,
            "WrongId",
        ),
        (
            "unblock-short-id",
            "a 31-byte payment id (the LSP's list holds those 31 bytes too, so that only the length is wrong)",
            PAYMENT_ID[..31].to_vec(),
            ReasonClass::InvalidValue,
            "BadLength",
        ),
    ] {
        let mut held = held.clone();
        if pid.len() != PAYMENT_ID.len() {
            held.as_array_mut()
                .expect("a list")
                .push(json!(hex::encode(&pid)));
        }
        let m = Msg::new("unblock", "", 0xd4, unblock_path(profile, &pid));
        let (n, incoming, _) = m.chain(profile)[0].clone();
        let mut input = peel_input(n, &incoming);
        input["held_release_secrets"] = held;
        f.test(tv(
            id,
            format!("The payer's LSP peels a message whose payment_unblock carries {desc}."),
            &[R_HOLD],
            &fl(flag),
            Verdict::Invalid,
            "onion_message.peel",
            input,
            reason(class),
            None,
        ));
    }
    Some(f.finish())
}
