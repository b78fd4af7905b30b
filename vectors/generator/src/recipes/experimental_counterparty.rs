//! Area `experimental_counterparty_invoice` (profile
//! `experimental-counterparty-invoice` only): the counterparty-served
//! invoice scheme, with the construction the suite pins (see
//! `asyncpay_reference::experimental`). Expected values are computed here
//! from the pinned steps, with the recipes' calculator.

use super::onion_messages::{offer_path_to_recipient, payer_reply_path, peel_input, Msg};
use super::reply_paths::{calc, cast, note, reason, tv, view, SPEC_COMMIT};
use asyncpay_adapter::{Profile, ReasonClass};
use asyncpay_harness::vectors::{FileBuilder, VectorFile, Verdict};
use asyncpay_reference::crypto::aead_encrypt;
use serde_json::json;

/// The counterparty's static secret.
pub const COUNTERPARTY_SECRET: [u8; 32] = [0xcc; 32];
/// The salt the counterparty gave this receiver.
pub const UNIQUE_SALT: [u8; 16] = [0x3c; 16];
/// The payer's nonce for the reply path encryption.
pub const NONCE_R: [u8; 12] = [0x4e; 12];

const AREA: &str = "experimental_counterparty_invoice";

/// Steps 1-4 of the pinned construction, as hex intermediates and the blob.
fn construction(salt: &[u8; 16], reply: &serde_json::Value) -> (serde_json::Value, Vec<u8>) {
    let h = calc::sha256(&[salt]);
    let mut nonce_s = [0u8; 12];
    nonce_s.copy_from_slice(&h[..12]);
    let full = aead_encrypt(&COUNTERPARTY_SECRET, &nonce_s, &[], &COUNTERPARTY_SECRET);
    let ecs = full[32..48].to_vec();
    let k_r = calc::sha256(&[&ecs]);
    let mut blob = NONCE_R.to_vec();
    blob.extend(aead_encrypt(&k_r, &NONCE_R, salt, &calc::path_bytes(reply)));
    let inter = json!({
        "counterparty_secret": hex::encode(COUNTERPARTY_SECRET),
        "unique_salt": hex::encode(salt),
        "nonce_s = SHA256(unique_salt)[0..12]": hex::encode(nonce_s),
        "AEAD(counterparty_secret, nonce_s, '', counterparty_secret)": hex::encode(&full),
        "encrypted_counterparty_secret (the tag)": hex::encode(&ecs),
        "K_r = SHA256(encrypted_counterparty_secret)": hex::encode(k_r),
        "nonce_r": hex::encode(NONCE_R),
        "reply_path (clear)": hex::encode(calc::path_bytes(reply)),
        "payer_encrypted_reply_path": hex::encode(&blob),
    });
    (inter, blob)
}

/// Generate the area, or `None` for a profile without the scheme's numbers.
pub fn generate(profile: &Profile) -> Option<VectorFile> {
    let n = &profile.numbers;
    let (Some(t_blob), Some(t_salt)) = (
        n.onionmsg_payer_encrypted_reply_path,
        n.onionmsg_unique_salt,
    ) else {
        return None;
    };
    if profile.kind != "experimental" {
        return None;
    }
    let req_fwd = "bolt4/onion-messages/reader/non-final-extra-fields";
    // The counterparty answers the invoice request with the static invoice on
    // the payee's behalf: the draft's server rule (a SHOULD).
    let req_reply = "bolt12/static-invoice/server/reply-with-static-invoice";
    let mut f = FileBuilder::new(AREA, &profile.name, SPEC_COMMIT);
    f.header("An earlier design, not the draft: the receiver's counterparty answers invoice requests from a reply path the payer encrypted into every non-final hop's payload. The sketch does not fit its primitive (ChaCha20-Poly1305 takes a 32-byte key and a 12-byte nonce, and the ciphertext of a 32-byte secret is 48 bytes); the construction pinned here is in adapters/reference/src/experimental.rs and in each test's intermediates.");
    f.note("ExperimentalCounterpartyConstruction", note("Experimental", "Depends on the suite's pinning of the counterparty scheme. Ambiguities of the sketch: (1) 'encrypted with ChaCha20-Poly1305 keyed by that secret' yields 48 bytes, not 16 — pinned: keep the 16-byte tag; (2) 'nonce from the salt' — pinned: SHA256(unique_salt)[0..12]; (3) 'encrypted with the encrypted_counterparty_secret' — a 16-byte key does not fit — pinned: key SHA256(ecs), fresh 12-byte nonce prefixed, unique_salt as AAD; (4) the sketch names no AAD; (5) BOLT 4 says a forwarding node MUST ignore a message whose non-final onionmsg_tlv has fields besides encrypted_recipient_data, which every ordinary forwarder on the offer path would do with 4141/4343 — the scheme only works if the counterparty is the offer path's introduction node and nothing forwards before it; the reference, under this profile only, lets those two types through; (6) since the offer publishes encrypted_counterparty_secret, anyone reading the offer can decrypt the payer's reply path: the encryption hides it only from nodes that never saw the offer.", None, &[req_fwd, req_reply]));
    f.note(
        "Valid",
        note("Valid", "A correct construction or peel.", None, &[]),
    );
    f.note("ModifiedCiphertext", note("ModifiedCiphertext", "payer_encrypted_reply_path with one bit flipped, or decrypted with another receiver's salt: decryption must fail.", None, &[req_reply]));
    f.note(
        "BadSalt",
        note(
            "MalformedInput",
            "unique_salt is not 16 bytes.",
            None,
            &[req_reply],
        ),
    );
    f.note(
        "NonFinalExtraField",
        note(
            "MalformedInput",
            "A forwarding hop's onionmsg_tlv carries a record besides encrypted_recipient_data (and, under this profile, the two counterparty fields).",
            None,
            &[RD_NONFINAL],
        ),
    );

    let reply = payer_reply_path().view();
    let mk = |salt: &[u8], blob: &[u8], session: u8| {
        let mut m = Msg::new("x", "", session, offer_path_to_recipient());
        m.content = Some((
            "invoice_request",
            64,
            calc::tlvs(&[
                (10, b"coffee"),
                (88, &super::reply_paths::node(cast::PAYER).serialize()),
            ]),
        ));
        m.reply = Some(reply.clone());
        m.raw_nonfinal_extra = vec![(t_blob, blob.to_vec()), (t_salt, salt.to_vec())];
        m
    };
    let (inter, blob) = construction(&UNIQUE_SALT, &reply);
    let m = mk(&UNIQUE_SALT, &blob, 0xb1);
    let (msg, sph) = m.build();
    let mut input = m.build_input();
    input["intermediate_tlvs"] = json!([{ "type": t_blob, "value": hex::encode(&blob) }, { "type": t_salt, "value": hex::encode(UNIQUE_SALT) }]);
    let reqs = [req_fwd, req_reply];
    f.test(tv("build-invoice-request", "The payer sends invoice_request over the offer's path (counterparty -> receiver) with payer_encrypted_reply_path and unique_salt in the counterparty's payload.", &reqs, &["ExperimentalCounterpartyConstruction", "Valid"], Verdict::Valid, "onion_message.build", input, view(json!({ "first_node_id": m.dest_view["first_node_id"], "onion_message": hex::encode(&msg) })), Some(json!({ "construction": inter, "sphinx": sph }))));
    let chain = m.chain(profile);
    let (cp, cp_msg, mut cp_view) = chain[0].clone();
    let mut with_secret = peel_input(cp, &cp_msg);
    with_secret["counterparty_secret"] = json!(hex::encode(COUNTERPARTY_SECRET));
    cp_view["forward"]["counterparty_reply_path"] = reply.clone();
    f.test(tv("peel-counterparty", "The counterparty peels with its counterparty_secret: it forwards the request and recovers the payer's reply path, to answer with the stored invoice.", &reqs, &["ExperimentalCounterpartyConstruction", "Valid"], Verdict::Valid, "onion_message.peel", with_secret.clone(), view(cp_view), None));
    f.test(tv("peel-counterparty-without-secret", "A node without the secret at the same position just forwards (the reference lets 4141/4343 through under this profile).", &reqs, &["ExperimentalCounterpartyConstruction", "Valid"], Verdict::Valid, "onion_message.peel", peel_input(cp, &cp_msg), view(chain[0].2.clone()), None));
    let (r, r_msg, r_view) = chain[1].clone();
    f.test(tv(
        "peel-receiver",
        "The receiver, if online, receives the invoice_request with the payer's reply path.",
        &[req_reply],
        &["ExperimentalCounterpartyConstruction", "Valid"],
        Verdict::Valid,
        "onion_message.peel",
        peel_input(r, &r_msg),
        view(r_view),
        None,
    ));

    let mut bad = blob.clone();
    bad[20] ^= 0x02;
    let other_salt = [0x3d; 16];
    for (id, desc, salt, b, class, flag) in [
        (
            "tampered-encrypted-reply-path",
            "payer_encrypted_reply_path with one bit flipped",
            UNIQUE_SALT.to_vec(),
            bad,
            ReasonClass::DecryptionFailed,
            "ModifiedCiphertext",
        ),
        (
            "wrong-salt",
            "unique_salt of another receiver next to a reply path encrypted for this one",
            other_salt.to_vec(),
            blob.clone(),
            ReasonClass::DecryptionFailed,
            "ModifiedCiphertext",
        ),
        (
            "short-salt",
            "a 15-byte unique_salt",
            UNIQUE_SALT[..15].to_vec(),
            blob.clone(),
            ReasonClass::InvalidValue,
            "BadSalt",
        ),
    ] {
        let m = mk(&salt, &b, 0xb2);
        let (cp, cp_msg, _) = m.chain(profile)[0].clone();
        let mut input = peel_input(cp, &cp_msg);
        input["counterparty_secret"] = json!(hex::encode(COUNTERPARTY_SECRET));
        f.test(tv(
            id,
            format!("The counterparty peels an invoice_request whose payload has {desc}."),
            &[req_reply],
            &["ExperimentalCounterpartyConstruction", flag],
            Verdict::Invalid,
            "onion_message.peel",
            input,
            reason(class),
            None,
        ));
    }
    // Besides the two fields this profile lets through, a forwarding layer
    // with any other field is ignored (met by the fuzzer here too).
    let mut m = mk(&UNIQUE_SALT, &blob, 0xb3);
    m.raw_nonfinal_extra.push((33, Vec::new()));
    let (cp, cp_msg, _) = m.chain(profile)[0].clone();
    f.test(tv(
        "non-final-extra-odd-field",
        "A node without the secret at the counterparty's position peels an invoice_request whose payload also carries an empty record of odd type 33.",
        &[RD_NONFINAL],
        &["NonFinalExtraField"],
        Verdict::Invalid,
        "onion_message.peel",
        peel_input(cp, &cp_msg),
        reason(ReasonClass::InvalidContent),
        None,
    ));
    Some(f.finish())
}

/// BOLT 4: a forwarding layer with other fields is ignored.
const RD_NONFINAL: &str = "bolt4/onion-messages/reader/non-final-extra-fields";
