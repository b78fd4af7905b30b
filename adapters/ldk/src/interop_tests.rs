//! Onion message interop, both ways, between LDK 0.2.7 and the suite's
//! reference model (which is written from the BOLT text, not from LDK):
//!
//! * LDK builds (`create_onion_message`, through the adapter) and the
//!   reference peels, hop by hop, comparing field by field;
//! * the reference builds controlled variants and LDK peels them
//!   (`peel_onion_message`, through the adapter), which pins down *which*
//!   difference makes LDK refuse a vector (the evidence cited by
//!   `expected-failures.json`).
//!
//! Keys follow the vectors: holder 0x11, hop A 0x22, recipient 0x44,
//! recipient's LSP 0x55, payer 0x66, payer's peer 0x77; the holder's
//! release/receive auth key is 32 x 0x99.

use crate::dispatch;
use crate::paths::message_path_view;
use crate::{build_static_invoices_with_ldk, onion};
use asyncpay_adapter::blinding::BlindedPathView;
use asyncpay_adapter::onion::{
    BuildOnionMessage, BuiltOnionMessageView, MessageContent, PeelOnionMessage,
    PeeledOnionMessageView,
};
use asyncpay_adapter::{Adapter, Operation, Outcome, Profile, ReasonClass, Rejection};
use asyncpay_reference::{blinding, onion_message as ref_om, sphinx, tlv, wire, ReferenceAdapter};
use lightning::bitcoin::secp256k1::{PublicKey, Secp256k1, SecretKey};
use lightning::blinded_path::message::{
    AsyncPaymentsContext, BlindedMessagePath, MessageContext, MessageForwardNode,
};
use lightning::ln::channelmanager::InterceptId;
use lightning::sign::{EntropySource, ReceiveAuthKey};
use lightning::util::ser::Writeable;

const HOLDER: u8 = 0x11;
const HOP_A: u8 = 0x22;
const RECIPIENT: u8 = 0x44;
const RECIPIENT_LSP: u8 = 0x55;
const PAYER: u8 = 0x66;
const PAYER_PEER: u8 = 0x77;
const HOLDER_AUTH_KEY: [u8; 32] = [0x99; 32];

fn secret(b: u8) -> SecretKey {
    SecretKey::from_slice(&[b; 32]).unwrap()
}

fn node(b: u8) -> PublicKey {
    PublicKey::from_secret_key(&Secp256k1::new(), &secret(b))
}

fn ref_secret(b: u8) -> secp256k1::SecretKey {
    secp256k1::SecretKey::from_slice(&[b; 32]).unwrap()
}

fn ref_node(b: u8) -> secp256k1::PublicKey {
    secp256k1::PublicKey::from_slice(&node(b).serialize()).unwrap()
}

/// A profile from `vectors/profiles.json`.
fn profile(name: &str) -> Profile {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors/profiles.json");
    let all: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let p = all["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap();
    serde_json::from_value(p.clone()).unwrap()
}

/// One draw of fixed bytes (LDK's path builder draws the path's blinding secret once).
struct Fixed([u8; 32]);

impl EntropySource for Fixed {
    fn get_secure_random_bytes(&self) -> [u8; 32] {
        self.0
    }
}

/// The release context LDK puts in the reply path of `held_htlc_available`
/// as the holder (blinded_path/message.rs:600-616).
fn release_context() -> AsyncPaymentsContext {
    AsyncPaymentsContext::ReleaseHeldHtlc {
        intercept_id: InterceptId([0x5a; 32]),
        prev_outbound_scid_alias: 0x0000_7b00_0001_0000,
        htlc_id: 7,
    }
}

/// The holder's release reply path, as LDK builds it: hop A -> holder, the
/// holder's context authenticated with its receive key.
fn ldk_release_path() -> BlindedMessagePath {
    crate::release::message_path(
        &[MessageForwardNode {
            node_id: node(HOP_A),
            short_channel_id: None,
        }],
        node(HOLDER),
        0,
        ReceiveAuthKey(HOLDER_AUTH_KEY),
        MessageContext::AsyncPayments(release_context()),
        &Fixed([0x13; 32]),
        &Secp256k1::new(),
    )
}

/// A path built by the reference (BOLT 4 route blinding) over `(node, encrypted_data_tlv)`.
fn ref_path(session: u8, hops: &[(u8, Vec<u8>)]) -> BlindedPathView {
    let hops: Vec<_> = hops
        .iter()
        .map(|(n, d)| (ref_node(*n), d.clone()))
        .collect();
    let secrets = blinding::build_path(&ref_secret(session), &hops).unwrap();
    blinding::path_view(&hops[0].0, &secrets)
}

fn next_node_tlv(n: u8) -> Vec<u8> {
    let mut v = vec![4, 33];
    v.extend_from_slice(&node(n).serialize());
    v
}

fn path_id_tlv(b: u8) -> Vec<u8> {
    let mut v = vec![6, 32];
    v.extend_from_slice(&[b; 32]);
    v
}

fn build_input(
    path: BlindedPathView,
    kind: &str,
    value: &[u8],
    reply: Option<BlindedPathView>,
) -> BuildOnionMessage {
    BuildOnionMessage {
        session_key: hex::encode([0x91u8; 32]),
        path,
        content: Some(MessageContent {
            kind: kind.into(),
            value: hex::encode(value),
        }),
        reply_path: reply,
        extra_tlvs: Vec::new(),
        intermediate_tlvs: Vec::new(),
        payloads_len: None,
    }
}

fn accepted<T: serde::de::DeserializeOwned>(o: Outcome) -> T {
    match o {
        Outcome::Accepted { view } => serde_json::from_value(view).unwrap(),
        o => panic!("not accepted: {o:?}"),
    }
}

fn rejected(o: Outcome) -> Rejection {
    match o {
        Outcome::Rejected(r) => r,
        o => panic!("not rejected: {o:?}"),
    }
}

fn ldk_build(input: &BuildOnionMessage) -> BuiltOnionMessageView {
    accepted(dispatch(&Operation::BuildOnionMessage(input.clone())))
}

fn ref_build(input: &BuildOnionMessage, p: &Profile) -> BuiltOnionMessageView {
    accepted(ReferenceAdapter.execute(&Operation::BuildOnionMessage(input.clone()), p))
}

fn peel_input(who: u8, msg: &str, auth: Option<[u8; 32]>) -> PeelOnionMessage {
    PeelOnionMessage {
        node_secret: hex::encode([who; 32]),
        onion_message: msg.into(),
        release_auth_key: auth.map(hex::encode),
        counterparty_secret: None,
        held_release_secrets: Vec::new(),
    }
}

fn ref_peel(who: u8, msg: &str, auth: Option<[u8; 32]>, p: &Profile) -> Outcome {
    ReferenceAdapter.execute(&Operation::PeelOnionMessage(peel_input(who, msg, auth)), p)
}

fn ldk_peel(who: u8, msg: &str, auth: Option<[u8; 32]>) -> Outcome {
    dispatch(&Operation::PeelOnionMessage(peel_input(who, msg, auth)))
}

/// The final hop's `onionmsg_tlv` records, decrypted with the reference's
/// primitives only (Sphinx layer; no check of `encrypted_recipient_data`).
fn ref_final_payload(who: u8, msg_hex: &str) -> Vec<(u64, Vec<u8>)> {
    let msg = hex::decode(msg_hex).unwrap();
    let (path_key, packet) = ref_om::decode_message(&msg).unwrap();
    let (_, blinded_key) = blinding::hop_keys(&ref_secret(who), &path_key).unwrap();
    let layer = sphinx::peel(&packet, &blinded_key, &[], 0).unwrap();
    assert!(layer.next_packet.is_none(), "not the final hop");
    tlv::parse(&layer.payload)
        .unwrap()
        .records
        .iter()
        .map(|r| (r.tlv_type, r.value.to_vec()))
        .collect()
}

fn record(recs: &[(u64, Vec<u8>)], t: u64) -> Vec<u8> {
    recs.iter().find(|r| r.0 == t).unwrap().1.clone()
}

/// LDK -> reference: a static invoice LDK built, sent by LDK over a path the
/// reference built, peeled by the reference. Every byte agrees: LDK's packet
/// equals the reference's build of the same input, and the reference
/// receives exactly LDK's invoice.
#[test]
fn ldk_built_static_invoice_message_is_peeled_by_the_reference() {
    let p = profile("ldk-0.2");
    let (_, invoice, _) = build_static_invoices_with_ldk().remove(0);
    let dest = ref_path(
        0x81,
        &[
            (PAYER_PEER, next_node_tlv(PAYER)),
            (PAYER, path_id_tlv(0xd2)),
        ],
    );
    let input = build_input(dest.clone(), "static_invoice", &invoice, None);
    let built = ldk_build(&input);
    assert_eq!(
        built,
        ref_build(&input, &p),
        "LDK's packet is BOLT 4's, byte for byte"
    );
    assert_eq!(built.first_node_id, dest.first_node_id);

    let hop0: PeeledOnionMessageView =
        accepted(ref_peel(PAYER_PEER, &built.onion_message, None, &p));
    let fwd = hop0.forward.unwrap();
    assert_eq!(fwd.next_node_id, Some(hex::encode(node(PAYER).serialize())));
    let hop1: PeeledOnionMessageView = accepted(ref_peel(PAYER, &fwd.onion_message, None, &p));
    let rcv = hop1.receive.unwrap();
    let content = rcv.content.unwrap();
    assert_eq!(content.kind, "static_invoice");
    assert_eq!(content.tlv_type, 70);
    assert_eq!(content.value, hex::encode(&invoice));
    assert_eq!(rcv.path_id, Some(hex::encode([0xd2u8; 32])));
    assert_eq!(rcv.reply_path, None);
    assert_eq!(rcv.release_context, None);
    assert!(rcv.other_tlvs.is_empty());
}

/// LDK -> reference: `held_htlc_available` with the holder's LDK-built reply
/// path. The packet differs from the reference's only in the content value:
/// LDK writes its field-less `HeldHtlcAvailable` as `00` (a length-prefixed
/// empty TLV stream, `impl_writeable_tlv_based!`, onion_message/async_payments.rs:258),
/// the draft's empty TLV stream is zero bytes. The reference therefore
/// refuses LDK's content (`truncated`); everything else (the reply path
/// bytes, the path_id) matches field by field.
#[test]
fn ldk_built_held_htlc_available_differs_only_in_its_content_bytes() {
    for name in ["ldk-0.2", "bolts-pr1149"] {
        let p = profile(name);
        let dest = ref_path(
            0x81,
            &[
                (RECIPIENT_LSP, next_node_tlv(RECIPIENT)),
                (RECIPIENT, path_id_tlv(0xd1)),
            ],
        );
        let reply = ldk_release_path();
        let reply_view = message_path_view(&reply);
        let input = build_input(
            dest.clone(),
            "held_htlc_available",
            &[],
            Some(reply_view.clone()),
        );
        let built = ldk_build(&input);
        assert_ne!(built, ref_build(&input, &p));
        // With the content value LDK writes, the reference builds the same bytes.
        let as_ldk = build_input(dest, "held_htlc_available", &[0], Some(reply_view.clone()));
        assert_eq!(built, ref_build(&as_ldk, &p), "{name}");

        let hop0: PeeledOnionMessageView =
            accepted(ref_peel(RECIPIENT_LSP, &built.onion_message, None, &p));
        let fwd = hop0.forward.unwrap();
        let r = rejected(ref_peel(RECIPIENT, &fwd.onion_message, None, &p));
        assert_eq!(r.reason, ReasonClass::Truncated, "{name}: {}", r.detail);

        let recs = ref_final_payload(RECIPIENT, &fwd.onion_message);
        assert_eq!(recs.iter().map(|r| r.0).collect::<Vec<_>>(), vec![2, 4, 72]);
        assert_eq!(record(&recs, 72), vec![0u8]);
        let mut c = wire::Cursor::new(&recs[0].1, "reply_path");
        assert_eq!(wire::read_path(&mut c).unwrap(), reply_view);
        assert_eq!(record(&recs, 2), reply.encode());
    }
}

/// LDK -> reference, over a path LDK built for itself: `release_held_htlc`
/// sent back over the holder's reply path. The reference forwards at hop A
/// but cannot open the holder's hop: LDK computes that hop's Poly1305 tag
/// with the holder's receive key appended to the MAC input
/// (crypto/streams.rs:56-84, `chachapoly_encrypt_with_swapped_aad`), so a
/// BOLT 4 reader's ChaCha20-Poly1305 check fails (`decryption_failed`). LDK
/// itself opens it with the key, and only with it.
#[test]
fn reference_cannot_open_the_final_hop_of_a_path_ldk_built_for_itself() {
    let p = profile("ldk-0.2");
    let dest = message_path_view(&ldk_release_path());
    let built = ldk_build(&build_input(dest, "release_held_htlc", &[], None));

    let hop_a: PeeledOnionMessageView = accepted(ref_peel(HOP_A, &built.onion_message, None, &p));
    let fwd = hop_a.forward.unwrap();
    assert_eq!(
        fwd.next_node_id,
        Some(hex::encode(node(HOLDER).serialize()))
    );
    let r = rejected(ref_peel(HOLDER, &fwd.onion_message, None, &p));
    assert_eq!(r.reason, ReasonClass::DecryptionFailed, "{}", r.detail);

    // LDK's own peel of the same bytes, at hop A and at the holder.
    let ldk_a: PeeledOnionMessageView = accepted(ldk_peel(HOP_A, &built.onion_message, None));
    assert_eq!(
        ldk_a.forward.as_ref().unwrap().onion_message,
        fwd.onion_message
    );
    let ldk_h: PeeledOnionMessageView =
        accepted(ldk_peel(HOLDER, &fwd.onion_message, Some(HOLDER_AUTH_KEY)));
    let rcv = ldk_h.receive.unwrap();
    let content = rcv.content.unwrap();
    assert_eq!(
        (content.kind.as_str(), content.tlv_type),
        ("release_held_htlc", 74)
    );
    assert_eq!(content.value, "00");
    let ctx = rcv.release_context.unwrap();
    assert!(ctx.authenticated);
    assert_eq!(ctx.tlv_type, 65537);
    assert_eq!(
        ctx.value,
        hex::encode(MessageContext::AsyncPayments(release_context()).encode())
    );
    // Another receive key: the tag verifies under neither MAC.
    let r = rejected(ldk_peel(HOLDER, &fwd.onion_message, Some([0x98; 32])));
    assert_eq!(r.reason, ReasonClass::Unspecified, "{}", r.detail);
    assert!(
        r.detail.contains("Unable to decode our hop data"),
        "{}",
        r.detail
    );
}

/// Reference -> LDK: LDK refuses a final hop whose `encrypted_data_tlv`
/// carries `path_id` (6), and accepts the same message without it. LDK 0.2's
/// `ControlTlvs` reader knows types 2, 4, 8, 65537 and 65539 only
/// (onion_message/packet.rs:361-371), so 6 is an unknown even type.
#[test]
fn ldk_refuses_path_id_in_a_final_hop() {
    let p = profile("ldk-0.2");
    let (_, invoice, _) = build_static_invoices_with_ldk().remove(0);
    for (final_data, ok) in [
        (path_id_tlv(0xd2), false),
        (Vec::new(), true),
        (vec![1, 2, 0, 0], true),
    ] {
        let dest = ref_path(0x81, &[(PAYER, final_data.clone())]);
        let built = ref_build(&build_input(dest, "static_invoice", &invoice, None), &p);
        let o = ldk_peel(PAYER, &built.onion_message, None);
        if ok {
            let v: PeeledOnionMessageView = accepted(o);
            let rcv = v.receive.unwrap();
            assert_eq!(rcv.content.unwrap().value, hex::encode(&invoice));
            assert_eq!(rcv.path_id, None);
        } else {
            let r = rejected(o);
            assert_eq!(r.reason, ReasonClass::Unspecified, "{}", r.detail);
            assert!(
                r.detail.contains("Unable to decode our hop data"),
                "{}",
                r.detail
            );
        }
    }
}

/// Reference -> LDK: LDK reads `held_htlc_available` only with its length
/// prefix (`00`); the draft's empty value fails its reader. With `00` it
/// parses the content and then refuses the message because the path carries
/// no context of LDK's (messenger.rs:1248-1256, 1282-1286): LDK accepts an
/// async payments message only over a path it built itself.
#[test]
fn ldk_reads_held_htlc_available_only_length_prefixed_and_only_over_its_own_paths() {
    let p = profile("ldk-0.2");
    let reply = ref_path(0x83, &[(HOLDER, path_id_tlv(0xd3))]);
    for (value, class, says) in [
        (
            &[][..],
            ReasonClass::Unspecified,
            "Unable to decode our hop data",
        ),
        (
            &[0u8][..],
            ReasonClass::InvalidContent,
            "wrong or missing context",
        ),
    ] {
        let dest = ref_path(0x81, &[(RECIPIENT, Vec::new())]);
        let built = ref_build(
            &build_input(dest, "held_htlc_available", value, Some(reply.clone())),
            &p,
        );
        let r = rejected(ldk_peel(RECIPIENT, &built.onion_message, None));
        assert_eq!(r.reason, class, "{}", r.detail);
        assert!(r.detail.contains(says), "{}", r.detail);
    }
}

/// Reference -> LDK: LDK refuses any `onionmsg_tlv` record of type 64 or
/// more in a non-final hop (it takes it for a message content,
/// onion_message/packet.rs:291-295, and a forward payload with a content is
/// invalid, :326), e.g. the experimental counterparty scheme's 4141/4343.
#[test]
fn ldk_refuses_records_of_type_64_or_more_in_a_forwarding_hop() {
    let p = profile("ldk-0.2");
    let dest = ref_path(
        0x81,
        &[
            (RECIPIENT_LSP, next_node_tlv(RECIPIENT)),
            (RECIPIENT, Vec::new()),
        ],
    );
    let mut input = build_input(
        dest,
        "static_invoice",
        &build_static_invoices_with_ldk()[0].1,
        None,
    );
    let plain = ref_build(&input, &p);
    let _: PeeledOnionMessageView = accepted(ldk_peel(RECIPIENT_LSP, &plain.onion_message, None));
    for t in [63u64, 4141] {
        input.intermediate_tlvs = vec![asyncpay_adapter::onion::RawTlv {
            tlv_type: t,
            value: "00".into(),
        }];
        let built = ref_build(&input, &p);
        let o = ldk_peel(RECIPIENT_LSP, &built.onion_message, None);
        if t < 64 {
            // An unknown odd record below 64 is skipped, as BOLT 1 allows.
            let _: PeeledOnionMessageView = accepted(o);
        } else {
            let r = rejected(o);
            assert!(
                r.detail.contains("Unable to decode our hop data"),
                "{}",
                r.detail
            );
        }
    }
}

/// LDK's packets are deterministic for a given session key, and the
/// `SessionEntropy` draws are the session key then BOLT 4's `pad` key.
#[test]
fn session_entropy_draws_session_key_then_pad_key() {
    let s = secret(0x91);
    let e = onion::SessionEntropy::for_onion_message(&s);
    assert_eq!(e.get_secure_random_bytes(), [0x91; 32]);
    let pad = e.get_secure_random_bytes();
    assert_eq!(
        pad.to_vec(),
        asyncpay_reference::crypto::hmac256(b"pad", &[0x91; 32]).to_vec()
    );
    assert_eq!(e.get_secure_random_bytes(), [0u8; 32]);
}

/// Garbage through the onion message operations: answers, never panics.
#[test]
fn onion_garbage_never_panics() {
    for h in [
        "",
        "00",
        "0201",
        "020102",
        "0201ff",
        "0202",
        &"02".repeat(400),
    ] {
        let _ = ldk_peel(0x11, h, None);
        let _ = ldk_peel(0x11, h, Some([1; 32]));
    }
    let mut input = build_input(BlindedPathView::default(), "held_htlc_available", &[], None);
    let _ = dispatch(&Operation::BuildOnionMessage(input.clone()));
    input.session_key = "00".repeat(32);
    let _ = dispatch(&Operation::BuildOnionMessage(input));
    let _ = dispatch(&Operation::UnblindHop(
        asyncpay_adapter::blinding::UnblindHop {
            node_secret: "11".repeat(32),
            path_key: "02".repeat(33),
            encrypted_recipient_data: String::new(),
        },
    ));
}

/// What LDK cannot express in `onion_message.build` is unsupported, with LDK's reason.
#[test]
fn inexpressible_builds_are_unsupported() {
    let dest = ref_path(0x81, &[(PAYER, Vec::new())]);
    let mut input = build_input(dest, "release_held_htlc", &[], None);
    input.extra_tlvs = vec![asyncpay_adapter::onion::RawTlv {
        tlv_type: 101,
        value: String::new(),
    }];
    match dispatch(&Operation::BuildOnionMessage(input.clone())) {
        Outcome::Unsupported { reason } => assert!(reason.contains("extra_tlvs"), "{reason}"),
        o => panic!("{o:?}"),
    }
    input.extra_tlvs.clear();
    input.content = None;
    match dispatch(&Operation::BuildOnionMessage(input.clone())) {
        Outcome::Unsupported { reason } => assert!(reason.contains("without content"), "{reason}"),
        o => panic!("{o:?}"),
    }
    input.content = Some(MessageContent {
        kind: "release_held_htlc".into(),
        value: "0101".into(),
    });
    assert!(matches!(
        dispatch(&Operation::BuildOnionMessage(input.clone())),
        Outcome::Unsupported { .. }
    ));
    input.content = Some(MessageContent {
        kind: "release_held_htlc".into(),
        value: String::new(),
    });
    input.payloads_len = Some(32768);
    match dispatch(&Operation::BuildOnionMessage(input)) {
        Outcome::Unsupported { reason } => assert!(reason.contains("chose 1300"), "{reason}"),
        o => panic!("{o:?}"),
    }
}
