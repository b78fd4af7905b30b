//! Area `experimental_release_secret` (profile
//! `experimental-pr989-release-secret` only): PR 989's first form, where
//! `hold_htlc` carries a 32-byte `payment_release_secret` and
//! `release_held_htlc` echoes it back (its value is the raw secret).

use super::onion_messages::{peel_input, Msg};
use super::reply_paths::{cast, note, reason, stream, tv, view, PathDef, SPEC_COMMIT};
use asyncpay_adapter::{Profile, ReasonClass};
use asyncpay_harness::vectors::{FileBuilder, VectorFile, Verdict};
use serde_json::json;

/// The secret the payer put in `hold_htlc`.
pub const RELEASE_SECRET: [u8; 32] = [0x5e; 32];

/// Generate the area, or `None` for a profile without the first form.
pub fn generate(profile: &Profile) -> Option<VectorFile> {
    let len = profile.numbers.payment_release_secret_len?;
    if profile.kind != "experimental" {
        return None;
    }
    let req = "bolt2/release/holding-node/no-forward-until-release";
    let mut f = FileBuilder::new("experimental_release_secret", &profile.name, SPEC_COMMIT);
    f.header("PR 989's first form: the holder releases the HTLC whose payment_release_secret the release_held_htlc message echoes. The reply path carries no release context; the secret authenticates.");
    f.note("ExperimentalReleaseSecret", note("Experimental", "Ambiguities of the first form: (1) whether release_held_htlc's value is the raw 32 bytes or a TLV stream holding them — pinned: raw; (2) its onion message type — the suite's 74; (3) the secret travels to the recipient in the payer's held_htlc_available? or in the payment onion? the form does not say how the recipient learns it (the vectors give it to the sender directly); (4) the secret is seen by every node that learns it, so a release does not prove it came from the recipient.", None, &[req]));
    f.note(
        "Valid",
        note("Valid", "A correct construction or peel.", None, &[]),
    );
    f.note(
        "WrongSecret",
        note(
            "Unauthenticated",
            "The echoed secret is not one the holder holds.",
            Some("Releasing on an unknown secret releases HTLCs on anyone's say-so."),
            &[req],
        ),
    );
    f.note(
        "BadLength",
        note(
            "MalformedInput",
            "The echoed secret is not 32 bytes.",
            None,
            &[req],
        ),
    );

    f.note(
        "NonFinalExtraField",
        note(
            "MalformedInput",
            "A forwarding hop's onionmsg_tlv carries a record besides encrypted_recipient_data.",
            None,
            &[RD_NONFINAL],
        ),
    );

    let path = PathDef {
        name: "holder",
        description: "",
        session: 0x74,
        hops: vec![
            (
                cast::HOP_A,
                stream(
                    vec![(
                        4,
                        super::reply_paths::node(cast::HOLDER).serialize().to_vec(),
                    )],
                    Some(37),
                ),
            ),
            (cast::HOLDER, stream(vec![(6, vec![0xd4; 32])], Some(37))),
        ],
    };
    let mk = |secret: Vec<u8>, session: u8| {
        let mut m = Msg::new("x", "", session, path.clone());
        m.content = Some((
            "release_held_htlc",
            profile.numbers.onionmsg_release_held_htlc,
            secret,
        ));
        m
    };
    let m = mk(RELEASE_SECRET.to_vec(), 0xc1);
    let (msg, sph) = m.build();
    f.test(tv("build-release", "The recipient sends release_held_htlc echoing the payment_release_secret, over a path A -> holder.", &[req], &["ExperimentalReleaseSecret", "Valid"], Verdict::Valid, "onion_message.build", m.build_input(), view(json!({ "first_node_id": m.dest_view["first_node_id"], "onion_message": hex::encode(&msg) })), Some(sph)));
    let held = json!([hex::encode([0x01; 32]), hex::encode(RELEASE_SECRET)]);
    for (i, (n, incoming, mut v)) in m.chain(profile).into_iter().enumerate() {
        if let Some(r) = v.get_mut("receive").and_then(|r| r.as_object_mut()) {
            r.remove("release_context");
        }
        let mut input = peel_input(n, &incoming);
        input["held_release_secrets"] = held.clone();
        f.test(tv(
            format!("peel-release-hop{i}"),
            format!(
                "Hop {i} peels the release (the holder holds two HTLCs, one with this secret)."
            ),
            &[req],
            &["ExperimentalReleaseSecret", "Valid"],
            Verdict::Valid,
            "onion_message.peel",
            input,
            view(v),
            None,
        ));
    }
    for (id, desc, secret, class, flag) in [
        (
            "wrong-secret",
            "a secret the holder does not hold",
            vec![0x5f; 32],
            ReasonClass::UnauthenticatedRelease,
            "WrongSecret",
        ),
        (
            "short-secret",
            "a 31-byte secret",
            RELEASE_SECRET[..31].to_vec(),
            ReasonClass::InvalidValue,
            "BadLength",
        ),
    ] {
        let m = mk(secret, 0xc2);
        let (n, incoming, _) = m.chain(profile)[1].clone();
        let mut input = peel_input(n, &incoming);
        input["held_release_secrets"] = held.clone();
        let _ = len;
        f.test(tv(
            id,
            format!("The holder receives release_held_htlc echoing {desc}."),
            &[req],
            &["ExperimentalReleaseSecret", flag],
            Verdict::Invalid,
            "onion_message.peel",
            input,
            reason(class),
            None,
        ));
    }
    // A forwarding layer with a field besides encrypted_recipient_data, as
    // the fuzzer met it under this profile too.
    let mut m = mk(RELEASE_SECRET.to_vec(), 0xc3);
    m.raw_nonfinal_extra = vec![(33, vec![])];
    let (n, incoming, _) = m.chain(profile)[0].clone();
    let mut input = peel_input(n, &incoming);
    input["held_release_secrets"] = held.clone();
    f.test(tv(
        "non-final-extra-odd-field",
        "Hop 0 (forwarding) peels a release whose onionmsg_tlv also carries an empty record of odd type 33.",
        &[RD_NONFINAL],
        &["NonFinalExtraField"],
        Verdict::Invalid,
        "onion_message.peel",
        input,
        reason(ReasonClass::InvalidContent),
        None,
    ));
    Some(f.finish())
}

/// BOLT 4: a forwarding layer with other fields is ignored.
const RD_NONFINAL: &str = "bolt4/onion-messages/reader/non-final-extra-fields";
