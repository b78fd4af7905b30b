//! Unit tests of the LDK adapter against LDK 0.2.7 itself.

use crate::htlc::{REVOKE_AND_ACK_TYPE, UPDATE_ADD_HTLC_TYPE};
use crate::records;
use crate::{build_static_invoices_with_ldk, LdkAdapter};
use asyncpay_adapter::blinding::BlindedPathView;
use asyncpay_adapter::features::{CheckFeatures, FeatureState, FeaturesView};
use asyncpay_adapter::htlc::{ReleasePath, RevokeAndAckView, UpdateAddHtlcView};
use asyncpay_adapter::invoice::{DecodeStaticInvoice, StaticInvoiceView, TlvRecord};
use asyncpay_adapter::{Adapter, HexInput, Operation, Outcome, ReasonClass};
use lightning::util::ser::{BigSize, Writeable};

/// Runs `op` as `LdkAdapter::execute` does. The profile is not consulted by the
/// adapter (LDK's numbers are fixed), so the tests do not build one.
fn run(op: Operation) -> Outcome {
    crate::guarded(op.name(), || crate::dispatch(&op))
}

fn decode_invoice(bytes: &[u8], now: u64) -> Outcome {
    run(Operation::DecodeStaticInvoice(DecodeStaticInvoice {
        hex: hex::encode(bytes),
        now,
    }))
}

fn accepted_view<T: serde::de::DeserializeOwned>(o: Outcome) -> T {
    match o {
        Outcome::Accepted { view } => serde_json::from_value(view).expect("view deserialises"),
        other => panic!("expected accepted, got {other:?}"),
    }
}

fn rejected_class(o: Outcome) -> ReasonClass {
    match o {
        Outcome::Rejected(r) => r.reason,
        other => panic!("expected rejected, got {other:?}"),
    }
}

fn invoices() -> Vec<(String, Vec<u8>, serde_json::Value)> {
    build_static_invoices_with_ldk()
}

fn invoice(name: &str) -> Vec<u8> {
    invoices()
        .into_iter()
        .find(|(n, _, _)| n == name)
        .expect("variant exists")
        .1
}

/// Rewrites a TLV stream: `edit` gets the records as (type, value) and returns new ones.
fn rewrite(bytes: &[u8], edit: impl FnOnce(&mut Vec<(u64, Vec<u8>)>)) -> Vec<u8> {
    let mut recs: Vec<(u64, Vec<u8>)> = records::parse(bytes)
        .expect("stream")
        .into_iter()
        .map(|r| (r.tlv_type, r.value.to_vec()))
        .collect();
    edit(&mut recs);
    let mut out = Vec::new();
    for (t, v) in recs {
        out.extend_from_slice(&BigSize(t).encode());
        out.extend_from_slice(&BigSize(v.len() as u64).encode());
        out.extend_from_slice(&v);
    }
    out
}

const CREATED_AT: u64 = 1_767_225_600;

#[test]
fn builder_is_deterministic() {
    let a = build_static_invoices_with_ldk();
    let b = build_static_invoices_with_ldk();
    assert_eq!(a.len(), 4);
    assert_eq!(a, b);
    let mut names: Vec<_> = a.iter().map(|(n, _, _)| n.clone()).collect();
    names.dedup();
    assert_eq!(names.len(), 4);
}

#[test]
fn decodes_invoices_ldk_built() {
    for (name, bytes, asked) in invoices() {
        let v: StaticInvoiceView = accepted_view(decode_invoice(&bytes, CREATED_AT));
        assert_eq!(v.invoice.created_at, Some(CREATED_AT), "{name}");
        assert_eq!(
            v.invoice.relative_expiry.map(u64::from),
            asked["relative_expiry"].as_u64(),
            "{name}"
        );
        let relative = v.invoice.relative_expiry.map_or(1_209_600, u64::from);
        assert_eq!(v.derived.expires_at, CREATED_AT + relative, "{name}");
        let n_pay = asked["payment_paths"].as_u64().unwrap() as usize;
        assert_eq!(v.invoice.paths.as_ref().unwrap().len(), n_pay, "{name}");
        assert_eq!(
            v.invoice.blindedpay.as_ref().unwrap().len(),
            n_pay,
            "{name}"
        );
        let n_msg = asked["message_paths"].as_u64().unwrap() as usize;
        assert_eq!(
            v.invoice.message_paths.as_ref().unwrap().len(),
            n_msg,
            "{name}"
        );
        assert_eq!(v.offer.paths.as_ref().unwrap().len(), 1, "{name}");
        // LDK derives the issuer signing key and signs with it: node_id == issuer_id.
        assert_eq!(
            v.offer.issuer_id.as_deref(),
            asked["issuer_signing_pubkey"].as_str()
        );
        assert_eq!(v.invoice.node_id, v.offer.issuer_id, "{name}");
        assert_eq!(v.signature.len(), 128, "{name}");
        assert!(v.unknown.is_empty(), "{name}");
        assert_eq!(v.invoice.payment_hash, None);
        assert_eq!(v.invoice.amount, None);
        // allow_mpp sets basic_mpp optional (bit 17): big-endian 0x020000.
        if asked["allow_mpp"] == true {
            assert_eq!(v.invoice.features.as_deref(), Some("020000"), "{name}");
        } else {
            assert_eq!(v.invoice.features, None, "{name}");
        }
        assert_eq!(
            v.offer.amount,
            asked["offer"]["amount_msats"].as_u64(),
            "{name}"
        );
        assert_eq!(
            v.offer.description.as_deref(),
            asked["offer"]["description"].as_str()
        );
        assert_eq!(v.offer.issuer.as_deref(), asked["offer"]["issuer"].as_str());
        assert_eq!(
            v.offer.quantity_max,
            asked["offer"]["quantity_max"].as_u64()
        );
        assert_eq!(
            v.offer.absolute_expiry,
            asked["offer"]["absolute_expiry"].as_u64()
        );
        assert_eq!(
            v.offer.chains.is_some(),
            asked["offer"]["chain"].is_string(),
            "{name}"
        );
        assert_eq!(
            v.invoice.fallbacks.is_some(),
            asked["fallback_p2wpkh"].is_string()
        );
        // The message paths' introduction node is the LSP, given by short channel id
        // only for intermediate hops: LDK writes a node id as first_node_id.
        for p in v.invoice.message_paths.as_ref().unwrap() {
            assert_eq!(p.first_node_id.len(), 66, "{name}");
            assert_eq!(p.hops.len(), 2, "{name}");
        }
    }
}

#[test]
fn testnet_variant_shows_chain_and_fallback() {
    let v: StaticInvoiceView = accepted_view(decode_invoice(
        &invoice("ldk_testnet_fallback_quantity"),
        CREATED_AT,
    ));
    // Testnet's chain hash, as on the wire.
    assert_eq!(
        v.offer.chains,
        Some(vec![
            "43497fd7f826957108f4a30fd9cec3aeba79972084e90ead01ea330900000000".into()
        ])
    );
    // One fallback: version 0, 20-byte program (LDK's FallbackAddress encoding).
    let f = v.invoice.fallbacks.unwrap();
    assert!(f.ends_with(&"77".repeat(20)), "{f}");
}

#[test]
fn expiry_is_checked_at_now() {
    let bytes = invoice("ldk_two_paths_relative_expiry");
    let expires_at = CREATED_AT + 3600;
    accepted_view::<StaticInvoiceView>(decode_invoice(&bytes, expires_at));
    assert_eq!(
        rejected_class(decode_invoice(&bytes, expires_at + 1)),
        ReasonClass::Expired
    );
}

#[test]
fn rejects_unknown_even_tlv_178_the_drafts_message_paths_type() {
    // LDK's documented divergence: the draft's static_invoice_message_paths (178) is an
    // unknown even type to LDK 0.2.7, which rejects it while parsing the TLV stream,
    // before any semantic or signature check.
    let bytes = rewrite(&invoice("ldk_one_path_default_expiry"), |recs| {
        let at = recs.iter().position(|(t, _)| *t > 178).unwrap();
        recs.insert(at, (178, vec![0u8; 4]));
    });
    let o = decode_invoice(&bytes, CREATED_AT);
    let Outcome::Rejected(r) = o else {
        panic!("expected rejection, got {o:?}")
    };
    assert_eq!(r.reason, ReasonClass::UnknownEvenType);
    assert!(r.detail.contains("UnknownRequiredFeature"), "{}", r.detail);

    // The same invoice laid out as the draft has it (message paths at 178, not 236).
    let draft = rewrite(&invoice("ldk_one_path_default_expiry"), |recs| {
        for r in recs.iter_mut() {
            if r.0 == 236 {
                r.0 = 178;
            }
        }
        recs.sort_by_key(|r| r.0);
    });
    assert_eq!(
        rejected_class(decode_invoice(&draft, CREATED_AT)),
        ReasonClass::UnknownEvenType
    );
}

#[test]
fn keeps_unknown_odd_records_but_checks_the_signature_over_them() {
    // An unknown odd record is skipped by LDK's parser and kept in its bytes; the
    // signature no longer matches, and LDK says so.
    let bytes = rewrite(&invoice("ldk_one_path_default_expiry"), |recs| {
        let at = recs.iter().position(|(t, _)| *t > 177).unwrap();
        recs.insert(at, (177, vec![0xab]));
    });
    assert_eq!(
        rejected_class(decode_invoice(&bytes, CREATED_AT)),
        ReasonClass::InvalidSignature
    );
}

#[test]
fn missing_paths_sites_are_told_apart() {
    let base = invoice("ldk_one_path_default_expiry");
    let without = |t: u64| rewrite(&base, |recs| recs.retain(|r| r.0 != t));
    assert_eq!(
        rejected_class(decode_invoice(&without(160), CREATED_AT)),
        ReasonClass::MissingPaymentPaths
    );
    assert_eq!(
        rejected_class(decode_invoice(&without(236), CREATED_AT)),
        ReasonClass::MissingMessagePaths
    );
    assert_eq!(
        rejected_class(decode_invoice(&without(16), CREATED_AT)),
        ReasonClass::MissingField
    );
    assert_eq!(
        rejected_class(decode_invoice(&without(162), CREATED_AT)),
        ReasonClass::BlindedPayMismatch
    );
    assert_eq!(
        rejected_class(decode_invoice(&without(240), CREATED_AT)),
        ReasonClass::MissingSignature
    );
    let with_hash = rewrite(&base, |recs| {
        let at = recs.iter().position(|(t, _)| *t > 168).unwrap();
        recs.insert(at, (168, vec![0x11; 32]));
    });
    assert_eq!(
        rejected_class(decode_invoice(&with_hash, CREATED_AT)),
        ReasonClass::UnexpectedPaymentHash
    );
}

#[test]
fn empty_message_paths_pass_ldks_semantic_checks() {
    // Observed divergence: LDK 0.2.7 only checks that the message paths TLV is present
    // (`message_paths.ok_or(MissingPaths)`, offers/static_invoice.rs:692), not that it is
    // non-empty. Semantic checks run before the signature check, so an invoice whose
    // message paths are emptied fails only on its (now wrong) signature.
    let bytes = rewrite(&invoice("ldk_one_path_default_expiry"), |recs| {
        for r in recs.iter_mut() {
            if r.0 == 236 {
                r.1.clear();
            }
        }
    });
    assert_eq!(
        rejected_class(decode_invoice(&bytes, CREATED_AT)),
        ReasonClass::InvalidSignature
    );
}

#[test]
fn truncated_and_disordered_streams() {
    let base = invoice("ldk_one_path_default_expiry");
    assert_eq!(
        rejected_class(decode_invoice(&base[..base.len() - 3], CREATED_AT)),
        ReasonClass::Truncated
    );
    let swapped = rewrite(&base, |recs| recs.swap(0, 1));
    assert_eq!(
        rejected_class(decode_invoice(&swapped, CREATED_AT)),
        ReasonClass::InvalidValue
    );
}

fn path_view() -> BlindedPathView {
    let first = invoice("ldk_one_path_default_expiry");
    let v: StaticInvoiceView = accepted_view(decode_invoice(&first, CREATED_AT));
    v.invoice.message_paths.unwrap().remove(0)
}

fn update_add_view(hold: bool) -> UpdateAddHtlcView {
    // A syntactically valid onion: version 0, a valid point, 1300 bytes, hmac.
    let point =
        "02".to_string() + "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
    UpdateAddHtlcView {
        channel_id: "11".repeat(32),
        id: 7,
        amount_msat: 123_456,
        payment_hash: "22".repeat(32),
        cltv_expiry: 800_000,
        onion_routing_packet: format!("00{point}{}{}", "33".repeat(1300), "44".repeat(32)),
        path_key: Some(point),
        hold_htlc: hold,
        unknown: vec![],
    }
}

#[test]
fn update_add_htlc_round_trips_with_hold_htlc() {
    let view = update_add_view(true);
    let Outcome::Accepted { view: enc } = run(Operation::EncodeUpdateAddHtlc(view.clone())) else {
        panic!("encode failed")
    };
    let hex_out = enc["hex"].as_str().unwrap().to_string();
    assert!(hex_out.starts_with("0080"), "type 128 prefix");
    // hold_htlc is LDK's TLV 75537 (BigSize fe00012711), empty, after the blinding point (0).
    assert!(
        hex_out.ends_with("fe0001271100"),
        "{}",
        &hex_out[hex_out.len() - 20..]
    );
    let back: UpdateAddHtlcView = accepted_view(run(Operation::DecodeUpdateAddHtlc(HexInput {
        hex: hex_out.clone(),
    })));
    assert_eq!(back, view);

    // The draft's hold_htlc (type 2) is an unknown even TLV to LDK.
    let mut draft = hex_out[..hex_out.len() - 12].to_string();
    draft.push_str("0200");
    assert_eq!(
        rejected_class(run(Operation::DecodeUpdateAddHtlc(HexInput { hex: draft }))),
        ReasonClass::UnknownEvenType
    );

    // Without hold_htlc, and with LDK's skimmed fee (65537) shown as a record.
    let mut plain = update_add_view(false);
    plain.unknown = vec![TlvRecord {
        tlv_type: 65537,
        hex: "0000000000000064".into(),
    }];
    let Outcome::Accepted { view: enc } = run(Operation::EncodeUpdateAddHtlc(plain.clone())) else {
        panic!("encode failed")
    };
    let back: UpdateAddHtlcView = accepted_view(run(Operation::DecodeUpdateAddHtlc(HexInput {
        hex: enc["hex"].as_str().unwrap().into(),
    })));
    assert_eq!(back, plain);
}

#[test]
fn update_add_htlc_drops_unknown_odd_tlvs() {
    let enc = match run(Operation::EncodeUpdateAddHtlc(update_add_view(false))) {
        Outcome::Accepted { view } => view["hex"].as_str().unwrap().to_string(),
        o => panic!("{o:?}"),
    };
    // Append an unknown odd TLV 5 (after blinding point 0).
    let with_odd = format!("{enc}0501ff");
    let v: UpdateAddHtlcView = accepted_view(run(Operation::DecodeUpdateAddHtlc(HexInput {
        hex: with_odd,
    })));
    assert!(
        v.unknown.is_empty(),
        "LDK keeps no unknown odd TLVs: {:?}",
        v.unknown
    );
    // A wrong type prefix.
    let wrong = format!("0081{}", &enc[4..]);
    assert_eq!(
        rejected_class(run(Operation::DecodeUpdateAddHtlc(HexInput { hex: wrong }))),
        ReasonClass::WrongMessageType
    );
}

#[test]
fn revoke_and_ack_round_trips_with_release_paths() {
    let path = path_view();
    let view = RevokeAndAckView {
        channel_id: "aa".repeat(32),
        per_commitment_secret: "bb".repeat(32),
        next_per_commitment_point: "02".to_string()
            + "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
        release_paths: Some(vec![
            ReleasePath {
                htlc_id: Some(0),
                path: path.clone(),
            },
            ReleasePath {
                htlc_id: Some(42),
                path: path.clone(),
            },
        ]),
        unknown: vec![],
    };
    let Outcome::Accepted { view: enc } = run(Operation::EncodeRevokeAndAck(view.clone())) else {
        panic!("encode failed")
    };
    let hex_out = enc["hex"].as_str().unwrap().to_string();
    assert!(hex_out.starts_with("0085"), "type 133 prefix");
    // After the fixed fields (2 + 32 + 32 + 33 bytes), TLV 75537.
    assert_eq!(&hex_out[(2 + 32 + 32 + 33) * 2..][..10], "fe00012711");
    let back: RevokeAndAckView = accepted_view(run(Operation::DecodeRevokeAndAck(HexInput {
        hex: hex_out,
    })));
    assert_eq!(back, view);

    // Without release paths: no TLV at all.
    let plain = RevokeAndAckView {
        release_paths: None,
        ..view.clone()
    };
    let Outcome::Accepted { view: enc } = run(Operation::EncodeRevokeAndAck(plain.clone())) else {
        panic!("encode failed")
    };
    assert_eq!(enc["hex"].as_str().unwrap().len(), (2 + 32 + 32 + 33) * 2);

    // The draft's layout (no htlc_id) is written the only way LDK's type
    // holds it: at 75537, paired with htlc_id 0, as LDK itself reads it back.
    let draft = RevokeAndAckView {
        release_paths: Some(vec![ReleasePath {
            htlc_id: None,
            path: path.clone(),
        }]),
        ..view.clone()
    };
    let Outcome::Accepted { view: enc } = run(Operation::EncodeRevokeAndAck(draft)) else {
        panic!("encode failed")
    };
    let hex_out = enc["hex"].as_str().unwrap().to_string();
    assert_eq!(&hex_out[(2 + 32 + 32 + 33) * 2..][..10], "fe00012711");
    let back: RevokeAndAckView = accepted_view(run(Operation::DecodeRevokeAndAck(HexInput {
        hex: hex_out,
    })));
    let ids: Vec<_> = back
        .release_paths
        .unwrap()
        .iter()
        .map(|r| (r.htlc_id, r.path.clone()))
        .collect();
    assert_eq!(
        ids,
        vec![(Some(crate::htlc::DRAFT_LAYOUT_HTLC_ID), path.clone())]
    );
    // An empty list cannot be written by LDK.
    let empty = RevokeAndAckView {
        release_paths: Some(vec![]),
        ..view
    };
    assert!(matches!(
        run(Operation::EncodeRevokeAndAck(empty)),
        Outcome::Unsupported { .. }
    ));
}

#[test]
fn sciddir_release_path_goes_through_ldks_reader() {
    let mut path = path_view();
    path.first_node_id = "01000000000000002a".into();
    let view = RevokeAndAckView {
        channel_id: "aa".repeat(32),
        per_commitment_secret: "bb".repeat(32),
        next_per_commitment_point: "02".to_string()
            + "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
        release_paths: Some(vec![ReleasePath {
            htlc_id: Some(1),
            path,
        }]),
        unknown: vec![],
    };
    let Outcome::Accepted { view: enc } = run(Operation::EncodeRevokeAndAck(view.clone())) else {
        panic!("encode failed")
    };
    let back: RevokeAndAckView = accepted_view(run(Operation::DecodeRevokeAndAck(HexInput {
        hex: enc["hex"].as_str().unwrap().into(),
    })));
    assert_eq!(back, view);
    // A path without hops is rejected by LDK's reader.
    let mut no_hops = back.clone();
    no_hops.release_paths.as_mut().unwrap()[0].path.hops.clear();
    assert_eq!(
        rejected_class(run(Operation::EncodeRevokeAndAck(no_hops))),
        ReasonClass::InvalidBlindedPath
    );
}

#[test]
fn message_type_numbers_are_ldks() {
    use lightning::ln::wire::Type;
    let ua = lightning::ln::msgs::UpdateAddHTLC {
        channel_id: lightning::ln::types::ChannelId([0; 32]),
        htlc_id: 0,
        amount_msat: 0,
        payment_hash: lightning::types::payment::PaymentHash([0; 32]),
        cltv_expiry: 0,
        skimmed_fee_msat: None,
        onion_routing_packet: lightning::ln::msgs::OnionPacket {
            version: 0,
            public_key: Err(lightning::bitcoin::secp256k1::Error::InvalidPublicKey),
            hop_data: [0; 1300],
            hmac: [0; 32],
        },
        blinding_point: None,
        hold_htlc: None,
    };
    assert_eq!(ua.type_id(), UPDATE_ADD_HTLC_TYPE);
    let secp = lightning::bitcoin::secp256k1::Secp256k1::new();
    let sk = lightning::bitcoin::secp256k1::SecretKey::from_slice(&[1; 32]).unwrap();
    let raa = lightning::ln::msgs::RevokeAndACK {
        channel_id: lightning::ln::types::ChannelId([0; 32]),
        per_commitment_secret: [0; 32],
        next_per_commitment_point: lightning::bitcoin::secp256k1::PublicKey::from_secret_key(
            &secp, &sk,
        ),
        release_htlc_message_paths: vec![],
    };
    assert_eq!(raa.type_id(), REVOKE_AND_ACK_TYPE);
}

fn features(hex_in: &str, context: &str) -> Outcome {
    run(Operation::CheckFeatures(CheckFeatures {
        hex: hex_in.into(),
        context: context.into(),
    }))
}

/// A big-endian feature vector with the given bits set.
fn fv(bits: &[u16]) -> String {
    let max = bits.iter().copied().max().unwrap_or(0);
    let len = usize::from(max / 8) + 1;
    let mut be = vec![0u8; len];
    for b in bits {
        be[len - 1 - usize::from(b / 8)] |= 1 << (b % 8);
    }
    hex::encode(be)
}

#[test]
fn features_use_ldks_bits_and_check_no_dependencies() {
    for ctx in ["init", "node_announcement"] {
        // LDK's htlc_hold optional, without onion messages: accepted (no dependency check).
        let v: FeaturesView = accepted_view(features(&fv(&[153]), ctx));
        assert_eq!(v.htlc_hold, FeatureState::Optional, "{ctx}");
        assert_eq!(v.onion_messages, FeatureState::Absent, "{ctx}");
        assert_eq!(v.bits, vec![153]);
        // Compulsory forms.
        let v: FeaturesView = accepted_view(features(&fv(&[38, 152]), ctx));
        assert_eq!(v.htlc_hold, FeatureState::Compulsory);
        assert_eq!(v.onion_messages, FeatureState::Compulsory);
        // The draft's bit 53 (optional) is just an unknown optional bit to LDK.
        let v: FeaturesView = accepted_view(features(&fv(&[39, 53]), ctx));
        assert_eq!(v.htlc_hold, FeatureState::Absent);
        assert_eq!(v.onion_messages, FeatureState::Optional);
        // The draft's bit 52 (compulsory) is an unknown required bit to LDK.
        let o = features(&fv(&[39, 52]), ctx);
        let Outcome::Rejected(r) = o else {
            panic!("{o:?}")
        };
        assert_eq!(r.reason, ReasonClass::UnknownRequiredFeature);
        assert!(r.detail.contains("[52]"), "{}", r.detail);
    }
    // A context the suite's API does not define cannot be handed to LDK.
    assert!(matches!(
        features("00", "bolt12_invoice"),
        Outcome::Rejected(r) if r.reason == ReasonClass::Internal
    ));
}

#[test]
fn other_operations_are_unsupported_with_a_reason() {
    let enc = Operation::EncodeStaticInvoice(
        serde_json::from_value(serde_json::json!({
            "offer": {}, "invoice": {}, "signing_key": "00"
        }))
        .unwrap(),
    );
    match run(enc) {
        Outcome::Unsupported { reason } => assert!(reason.contains("for_offer_using_derived_keys")),
        o => panic!("{o:?}"),
    }
}

#[test]
fn garbage_never_panics() {
    // A few malformed inputs through every decoder; the adapter must answer, not panic.
    let inputs = [
        "",
        "00",
        "0080",
        "0085ff",
        "ff",
        "fd00",
        "a0ff",
        "f0",
        "0280ffffffff",
    ];
    for h in inputs {
        let _ = decode_invoice(&hex::decode(h).unwrap(), 0);
        let _ = run(Operation::DecodeUpdateAddHtlc(HexInput { hex: h.into() }));
        let _ = run(Operation::DecodeRevokeAndAck(HexInput { hex: h.into() }));
        let _ = features(h, "init");
    }
}

#[test]
fn panics_become_internal_rejections() {
    let o = crate::guarded("test.op", || panic!("boom"));
    let Outcome::Rejected(r) = o else {
        panic!("{o:?}")
    };
    assert_eq!(r.reason, ReasonClass::Internal);
    assert!(
        r.detail.contains("boom") && r.detail.contains("test.op"),
        "{}",
        r.detail
    );
}

#[test]
fn adapter_identity() {
    let a = LdkAdapter::new();
    assert_eq!(a.name(), "ldk");
    assert_eq!(a.native_profiles(), vec!["ldk-0.2".to_string()]);
}

// --- Re-signing altered invoices --------------------------------------------
//
// To show what LDK accepts beyond its signature check, altered invoices are
// re-signed with the key LDK derived for the variant. The BOLT 12 Merkle root
// below is written from the spec text (12-offer-encoding.md, "Signature
// Calculation"); it is test scaffolding, not an answer of the adapter.

fn tagged(tag: &[u8], msg: &[u8]) -> [u8; 32] {
    use lightning::bitcoin::hashes::{sha256, Hash, HashEngine};
    let t = sha256::Hash::hash(tag).to_byte_array();
    let mut e = sha256::Hash::engine();
    e.input(&t);
    e.input(&t);
    e.input(msg);
    sha256::Hash::from_engine(e).to_byte_array()
}

fn branch(a: [u8; 32], b: [u8; 32]) -> [u8; 32] {
    let (l, g) = if a <= b { (a, b) } else { (b, a) };
    tagged(b"LnBranch", &[l, g].concat())
}

fn merkle_root(recs: &[(u64, Vec<u8>)]) -> [u8; 32] {
    let bytes = |t: u64, v: &[u8]| -> Vec<u8> {
        let mut out = BigSize(t).encode();
        out.extend_from_slice(&BigSize(v.len() as u64).encode());
        out.extend_from_slice(v);
        out
    };
    let first = bytes(recs[0].0, &recs[0].1);
    let nonce_tag = [b"LnNonce".as_slice(), &first].concat();
    let mut level: Vec<[u8; 32]> = recs
        .iter()
        .filter(|(t, _)| !(240..=1000).contains(t))
        .map(|(t, v)| {
            branch(
                tagged(b"LnLeaf", &bytes(*t, v)),
                tagged(&nonce_tag, &BigSize(*t).encode()),
            )
        })
        .collect();
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|c| {
                if c.len() == 2 {
                    branch(c[0], c[1])
                } else {
                    c[0]
                }
            })
            .collect();
    }
    level[0]
}

/// Rewrites `variant`'s invoice with `edit` and signs the result with LDK's key.
fn resigned(variant: &str, edit: impl FnOnce(&mut Vec<(u64, Vec<u8>)>)) -> Vec<u8> {
    use lightning::bitcoin::secp256k1::{Message, Secp256k1};
    let unsigned = rewrite(&invoice(variant), |recs| {
        recs.retain(|r| r.0 != 240);
        edit(recs);
        recs.sort_by_key(|r| r.0);
    });
    let mut recs: Vec<(u64, Vec<u8>)> = records::parse(&unsigned)
        .unwrap()
        .into_iter()
        .map(|r| (r.tlv_type, r.value.to_vec()))
        .collect();
    let digest = tagged(b"lightningstatic_invoicesignature", &merkle_root(&recs));
    let keys = crate::builder::signing_keypair(variant);
    let sig = Secp256k1::new().sign_schnorr_no_aux_rand(&Message::from_digest(digest), &keys);
    recs.push((240, sig.as_ref().to_vec()));
    recs.sort_by_key(|r| r.0);
    rewrite(&[], |r| *r = recs)
}

#[test]
fn resigning_scaffold_matches_ldks_signature() {
    // Re-signing an unaltered invoice must give LDK's own bytes back.
    let name = "ldk_mpp_feature_amount";
    assert_eq!(resigned(name, |_| {}), invoice(name));
}

#[test]
fn unknown_odd_records_are_kept_and_listed() {
    let bytes = resigned("ldk_one_path_default_expiry", |recs| {
        recs.push((177, vec![0xab]));
        recs.push((241, vec![0x01, 0x02]));
        recs.push((3_000_000_001, vec![]));
        recs.push((1_000_000_001, vec![0xcd]));
    });
    let v: StaticInvoiceView = accepted_view(decode_invoice(&bytes, CREATED_AT));
    let got: Vec<(u64, String)> = v
        .unknown
        .iter()
        .map(|r| (r.tlv_type, r.hex.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (177, "ab".into()),
            (241, "0102".into()),
            (1_000_000_001, "cd".into()),
            (3_000_000_001, String::new())
        ]
    );
}

#[test]
fn odd_records_outside_ldks_ranges_are_rejected() {
    // LDK reads a static invoice as five TLV streams with fixed ranges (offer 1..80,
    // invoice 160..240, signature 240..=1000, experimental offer 1e9..2e9, experimental
    // invoice 3e9..) and rejects anything left over (offers/parse.rs ParsedMessage), even
    // odd types: the invoice request range, 1001..1e9 and 2e9..3e9.
    for t in [81u64, 159, 1001, 2_000_000_001] {
        let bytes = resigned("ldk_one_path_default_expiry", |recs| {
            recs.push((t, vec![0x00]))
        });
        let o = decode_invoice(&bytes, CREATED_AT);
        assert_eq!(rejected_class(o), ReasonClass::InvalidValue, "type {t}");
    }
}

#[test]
fn validly_signed_invoice_with_empty_message_paths_is_accepted() {
    // The divergence, signed: LDK 0.2.7 accepts a static invoice whose message paths
    // TLV is present but empty (offers/static_invoice.rs:692 checks presence only).
    let bytes = resigned("ldk_one_path_default_expiry", |recs| {
        for r in recs.iter_mut() {
            if r.0 == 236 {
                r.1.clear();
            }
        }
    });
    let v: StaticInvoiceView = accepted_view(decode_invoice(&bytes, CREATED_AT));
    assert_eq!(v.invoice.message_paths, Some(vec![]));
}

#[test]
fn unknown_required_invoice_feature_is_refused_by_the_payer_check() {
    // Bit 30 (even) is unknown in LDK's BOLT 12 invoice context. The parser accepts it;
    // the payer's check on receipt refuses it.
    let bytes = resigned("ldk_one_path_default_expiry", |recs| {
        recs.push((174, hex::decode(fv(&[30])).unwrap()));
    });
    let o = decode_invoice(&bytes, CREATED_AT);
    let Outcome::Rejected(r) = o else {
        panic!("{o:?}")
    };
    assert_eq!(r.reason, ReasonClass::UnknownRequiredFeature);
    assert!(r.detail.contains("[30]"), "{}", r.detail);
}

#[test]
fn explicit_default_relative_expiry_is_shown_as_present() {
    let bytes = resigned("ldk_one_path_default_expiry", |recs| {
        recs.push((166, vec![0x12, 0x75, 0x00]));
    });
    let v: StaticInvoiceView = accepted_view(decode_invoice(&bytes, CREATED_AT));
    assert_eq!(v.invoice.relative_expiry, Some(1_209_600));
    assert_eq!(v.derived.expires_at, CREATED_AT + 1_209_600);
}

#[test]
fn builder_output_is_pinned() {
    // SHA256 of each invoice LDK builds: the bytes must not change across runs or
    // machines (a change means LDK's builder or the fixed inputs changed).
    use lightning::bitcoin::hashes::{sha256, Hash};
    let got: Vec<(String, String)> = build_static_invoices_with_ldk()
        .into_iter()
        .map(|(n, b, _)| (n, sha256::Hash::hash(&b).to_string()))
        .collect();
    let want = [
        (
            "ldk_one_path_default_expiry",
            "09ad5f66348c869ddb153429209e9467faad5bea0d5ff3a87e824d3dcf338704",
        ),
        (
            "ldk_two_paths_relative_expiry",
            "3206963c95c07dbb57e65fee888b7e56ba5d750121b951e9d69e1b00970f186b",
        ),
        (
            "ldk_mpp_feature_amount",
            "8cb163e1f4d7f91078dbc4c20b364136ba9c68469fc4bfcd229638d5dd61f8ac",
        ),
        (
            "ldk_testnet_fallback_quantity",
            "fce945be445365a6c0ec35d8b4c105ad469eec6bd856a2d33a2ef7646ed8531e",
        ),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(n, h)| (n.to_string(), h.to_string()))
        .collect();
    assert_eq!(got, want);
}
