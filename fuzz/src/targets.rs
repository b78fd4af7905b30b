//! The targets: what each one makes of the fuzzer's bytes.
//!
//! Every reference target runs its operations under every profile of
//! `vectors/profiles.json`: the profile's numbers change which TLV types
//! and feature bits are known, so each profile reaches other branches.

use crate::{profiles, run};
use asyncpay_adapter::blinding::UnblindHop;
use asyncpay_adapter::features::CheckFeatures;
use asyncpay_adapter::htlc::{RevokeAndAckView, UpdateAddHtlcView};
use asyncpay_adapter::invoice::DecodeStaticInvoice;
use asyncpay_adapter::onion::PeelOnionMessage;
use asyncpay_adapter::{HexInput, Operation, Outcome};
use asyncpay_reference::{blinding, htlc, onion_message, sphinx, tlv, ReferenceAdapter};
use secp256k1::{PublicKey, SecretKey};
use std::sync::OnceLock;

/// The reader's clock for `static_invoice.decode`: the `now` of most
/// static invoice vectors (an hour after their `created_at`).
pub const STATIC_INVOICE_NOW: u64 = 1_700_003_600;

/// The node whose `blinded_path.unblind` vectors the raw-ciphertext mode
/// replays: node secret `22..22` and a path key it receives in
/// `vectors/*/reply_paths.json`, so that those vectors' ciphertexts decrypt.
pub const UNBLIND_NODE_SECRET: [u8; 32] = [0x22; 32];
/// The path key paired with [`UNBLIND_NODE_SECRET`] (see there).
pub const UNBLIND_PATH_KEY: &str =
    "03b83130de0d1386592fe7b9f407f5f1ae8f1db91d772e484b3d81df0fa2e88f24";

/// The node that peels onion messages (`11..11`, as in
/// `vectors/*/onion_messages.json`), with the release authentication key
/// those vectors give it.
pub const PEEL_NODE_SECRET: [u8; 32] = [0x11; 32];
/// The release authentication key of [`PEEL_NODE_SECRET`].
pub const PEEL_RELEASE_AUTH_KEY: [u8; 32] = [0x99; 32];
/// The next hop of the two-hop paths the peel target builds.
pub const PEEL_NEXT_NODE_SECRET: [u8; 32] = [0x33; 32];
/// The path's session key `e_0` for the paths the targets seal themselves.
pub const PATH_SESSION_KEY: [u8; 32] = [0x42; 32];
/// The Sphinx session key of the packets the peel target builds.
pub const SPHINX_SESSION_KEY: [u8; 32] = [0x43; 32];

fn key(bytes: &[u8; 32]) -> SecretKey {
    SecretKey::from_slice(bytes).expect("fixed keys are valid scalars")
}

fn pubkey(bytes: &[u8; 32]) -> PublicKey {
    PublicKey::from_secret_key(secp256k1::SECP256K1, &key(bytes))
}

fn hex_input(data: &[u8]) -> HexInput {
    HexInput {
        hex: hex::encode(data),
    }
}

/// `static_invoice.decode`: the bytes are the invoice's TLV stream.
pub fn static_invoice_decode(data: &[u8]) {
    let op = Operation::DecodeStaticInvoice(DecodeStaticInvoice {
        hex: hex::encode(data),
        now: STATIC_INVOICE_NOW,
    });
    for p in profiles() {
        run(&ReferenceAdapter, &op, p);
    }
}

/// `update_add_htlc.decode`: the bytes are the message, type prefix included.
/// An accepted message must re-encode to exactly these bytes.
pub fn update_add_htlc_decode(data: &[u8]) {
    let op = Operation::DecodeUpdateAddHtlc(hex_input(data));
    for p in profiles() {
        if let Outcome::Accepted { view } = run(&ReferenceAdapter, &op, p) {
            let v: UpdateAddHtlcView =
                serde_json::from_value(view).expect("the reference's view is an UpdateAddHtlcView");
            let again = htlc::encode_update_add_htlc(&v, p).unwrap_or_else(|e| {
                panic!("an accepted update_add_htlc does not re-encode: {e:?}")
            });
            assert_eq!(
                again, data,
                "accepted non-canonical update_add_htlc under {}",
                p.name
            );
        }
    }
}

/// `revoke_and_ack.decode`: the bytes are the message, type prefix included.
/// An accepted message must re-encode to exactly these bytes.
pub fn revoke_and_ack_decode(data: &[u8]) {
    let op = Operation::DecodeRevokeAndAck(hex_input(data));
    for p in profiles() {
        if let Outcome::Accepted { view } = run(&ReferenceAdapter, &op, p) {
            let v: RevokeAndAckView =
                serde_json::from_value(view).expect("the reference's view is a RevokeAndAckView");
            let again = htlc::encode_revoke_and_ack(&v, p)
                .unwrap_or_else(|e| panic!("an accepted revoke_and_ack does not re-encode: {e:?}"));
            assert_eq!(
                again, data,
                "accepted non-canonical revoke_and_ack under {}",
                p.name
            );
        }
    }
}

/// `features.check`: the bytes are the feature vector (big-endian, as on
/// the wire), checked in both contexts.
pub fn features_check(data: &[u8]) {
    for context in ["init", "node_announcement"] {
        let op = Operation::CheckFeatures(CheckFeatures {
            hex: hex::encode(data),
            context: context.into(),
        });
        for p in profiles() {
            run(&ReferenceAdapter, &op, p);
        }
    }
}

/// `blinded_path.unblind`, with fixed keys, in two modes per input:
///
/// 1. the bytes are the hop's `encrypted_recipient_data` as received by
///    node [`UNBLIND_NODE_SECRET`] with [`UNBLIND_PATH_KEY`] (mostly
///    exercises the AEAD check; the seeds from the vectors decrypt);
/// 2. the bytes are the hop's `encrypted_data_tlvs` in clear: the target
///    seals them for node [`UNBLIND_NODE_SECRET`] on a path with session
///    key [`PATH_SESSION_KEY`], so that the reader's TLV rules behind the
///    AEAD are fuzzed too.
pub fn blinded_path_unblind(data: &[u8]) {
    let raw = Operation::UnblindHop(UnblindHop {
        node_secret: hex::encode(UNBLIND_NODE_SECRET),
        path_key: UNBLIND_PATH_KEY.into(),
        encrypted_recipient_data: hex::encode(data),
    });
    // The AEAD adds 16 bytes; a hop's data is at most 65535 bytes.
    let sealed = (data.len() + 16 <= usize::from(u16::MAX)).then(|| {
        let hops = blinding::build_path(
            &key(&PATH_SESSION_KEY),
            &[(pubkey(&UNBLIND_NODE_SECRET), data.to_vec())],
        )
        .expect("a one-hop path with a short payload builds");
        Operation::UnblindHop(UnblindHop {
            node_secret: hex::encode(UNBLIND_NODE_SECRET),
            path_key: hex::encode(hops[0].path_key.serialize()),
            encrypted_recipient_data: hex::encode(&hops[0].encrypted_data),
        })
    });
    for p in profiles() {
        run(&ReferenceAdapter, &raw, p);
        if let Some(op) = &sealed {
            run(&ReferenceAdapter, op, p);
        }
    }
}

struct PeelKeys {
    node: PublicKey,
    next: PublicKey,
    path_session: SecretKey,
    sphinx_session: SecretKey,
    /// The blinded node id of [`PEEL_NODE_SECRET`] as the first hop of a
    /// path with session key [`PATH_SESSION_KEY`], and that path's first key.
    blinded_node: PublicKey,
    path_key: PublicKey,
}

fn peel_keys() -> &'static PeelKeys {
    static KEYS: OnceLock<PeelKeys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let node = pubkey(&PEEL_NODE_SECRET);
        let path_session = key(&PATH_SESSION_KEY);
        let hops = blinding::build_path(&path_session, &[(node, Vec::new())])
            .expect("a one-hop path builds");
        PeelKeys {
            node,
            next: pubkey(&PEEL_NEXT_NODE_SECRET),
            path_session,
            sphinx_session: key(&SPHINX_SESSION_KEY),
            blinded_node: hops[0].blinded_node_id,
            path_key: hops[0].path_key,
        }
    })
}

/// An `onion_message` carrying `payloads[i]` to `node_ids[i]`, with the
/// first path key `path_key`; `None` if the payloads do not fit.
fn onion_message(
    path_key: &PublicKey,
    node_ids: &[PublicKey],
    payloads: &[Vec<u8>],
) -> Option<Vec<u8>> {
    let need: usize = payloads.iter().map(|p| sphinx::shift_size(p.len())).sum();
    let len = if need <= onion_message::DEFAULT_PAYLOADS_LEN {
        onion_message::DEFAULT_PAYLOADS_LEN
    } else if need <= sphinx::MAX_PAYLOADS_LEN {
        sphinx::MAX_PAYLOADS_LEN
    } else {
        return None;
    };
    let (packet, _) =
        sphinx::construct(&peel_keys().sphinx_session, node_ids, payloads, len, &[]).ok()?;
    onion_message::encode_message(path_key, &packet).ok()
}

fn encrypted_recipient_data_payload(encrypted: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    tlv::write_record(&mut out, onion_message::ENCRYPTED_RECIPIENT_DATA, encrypted);
    out
}

/// `onion_message.peel` by node [`PEEL_NODE_SECRET`] (with its release
/// authentication key), in four modes per input:
///
/// 1. the bytes are the whole `onion_message`, type 513 prefix included
///    (the seeds from the vectors peel);
/// 2. the bytes are the final hop's `onionmsg_tlv` stream: the target wraps
///    them in a Sphinx packet to the node, so the payload reader is fuzzed
///    behind the packet's HMAC;
/// 3. the bytes are the final hop's `encrypted_data_tlvs` in clear, sealed
///    for the node as its only `onionmsg_tlv` record (the receive path:
///    `path_id`, the release context);
/// 4. as 3, for the first hop of a two-hop path (the forwarding rules).
pub fn onion_message_peel(data: &[u8]) {
    let k = peel_keys();
    let mut messages = vec![data.to_vec()];
    if let Some(m) = onion_message(&k.path_key, &[k.blinded_node], &[data.to_vec()]) {
        messages.push(m);
    }
    if data.len() + 16 <= usize::from(u16::MAX) {
        let one = blinding::build_path(&k.path_session, &[(k.node, data.to_vec())])
            .expect("a one-hop path builds");
        if let Some(m) = onion_message(
            &one[0].path_key,
            &[one[0].blinded_node_id],
            &[encrypted_recipient_data_payload(&one[0].encrypted_data)],
        ) {
            messages.push(m);
        }
        // A next_path_key_override before the last hop is refused by the
        // builder (it cannot continue the path); such inputs stay mode 3.
        if let Ok(two) = blinding::build_path(
            &k.path_session,
            &[(k.node, data.to_vec()), (k.next, vec![])],
        ) {
            if let Some(m) = onion_message(
                &two[0].path_key,
                &[two[0].blinded_node_id, two[1].blinded_node_id],
                &[
                    encrypted_recipient_data_payload(&two[0].encrypted_data),
                    encrypted_recipient_data_payload(&two[1].encrypted_data),
                ],
            ) {
                messages.push(m);
            }
        }
    }
    for m in &messages {
        let op = Operation::PeelOnionMessage(PeelOnionMessage {
            node_secret: hex::encode(PEEL_NODE_SECRET),
            onion_message: hex::encode(m),
            release_auth_key: Some(hex::encode(PEEL_RELEASE_AUTH_KEY)),
            counterparty_secret: None,
            held_release_secrets: Vec::new(),
        });
        for p in profiles() {
            run(&ReferenceAdapter, &op, p);
        }
    }
}

/// Reference and LDK on the same bytes under the `ldk-0.2` profile, read
/// both as an `update_add_htlc` and as a static invoice's TLV stream.
///
/// Asserts only what must hold of both: neither panics (libFuzzer aborts on
/// a panic, even one the LDK adapter would catch; in a replay build the LDK
/// adapter's caught panic is an `internal` answer) and neither answers
/// `internal`. Whether they agree to accept or reject is left to the suite's
/// own differential fuzzer.
#[cfg(feature = "ldk")]
pub fn differential_ldk(data: &[u8]) {
    let p = crate::profile("ldk-0.2");
    let ldk = asyncpay_ldk::LdkAdapter::new();
    let ops = [
        Operation::DecodeUpdateAddHtlc(hex_input(data)),
        Operation::DecodeStaticInvoice(DecodeStaticInvoice {
            hex: hex::encode(data),
            now: STATIC_INVOICE_NOW,
        }),
    ];
    for op in &ops {
        run(&ReferenceAdapter, op, p);
        run(&ldk, op, p);
    }
}
