//! LDK's blinded paths to and from the suite's [`BlindedPathView`].

use asyncpay_adapter::blinding::{BlindedHopView, BlindedPathView};
use asyncpay_adapter::invoice::BlindedPayInfo as PayInfoView;
use asyncpay_adapter::{ReasonClass, Rejection};
use lightning::bitcoin::secp256k1::PublicKey;
use lightning::blinded_path::message::BlindedMessagePath;
use lightning::blinded_path::payment::{BlindedPayInfo, BlindedPaymentPath};
use lightning::blinded_path::{BlindedHop, Direction, IntroductionNode};
use lightning::util::ser::{Readable, Writeable};

/// `first_node_id` as the wire has it: a compressed point, or the
/// `sciddir_or_pubkey` direction byte and short channel id (the layout LDK
/// writes, blinded_path/mod.rs:130-141).
fn introduction_hex(node: &IntroductionNode) -> String {
    match node {
        IntroductionNode::NodeId(pk) => hex::encode(pk.serialize()),
        IntroductionNode::DirectedShortChannelId(direction, scid) => {
            let mut bytes = vec![match direction {
                Direction::NodeOne => 0u8,
                Direction::NodeTwo => 1u8,
            }];
            bytes.extend_from_slice(&scid.to_be_bytes());
            hex::encode(bytes)
        }
    }
}

fn view_of(intro: &IntroductionNode, path_key: PublicKey, hops: &[BlindedHop]) -> BlindedPathView {
    BlindedPathView {
        first_node_id: introduction_hex(intro),
        first_path_key: hex::encode(path_key.serialize()),
        hops: hops
            .iter()
            .map(|h| BlindedHopView {
                blinded_node_id: hex::encode(h.blinded_node_id.serialize()),
                encrypted_recipient_data: hex::encode(&h.encrypted_payload),
            })
            .collect(),
    }
}

/// The view of an LDK message path.
pub(crate) fn message_path_view(p: &BlindedMessagePath) -> BlindedPathView {
    view_of(p.introduction_node(), p.blinding_point(), p.blinded_hops())
}

/// The view of an LDK payment path (its `BlindedPayInfo` goes to `invoice_blindedpay`).
pub(crate) fn payment_path_view(p: &BlindedPaymentPath) -> BlindedPathView {
    view_of(p.introduction_node(), p.blinding_point(), p.blinded_hops())
}

/// The view of a `blinded_payinfo`. Its features are written as LDK writes
/// them (`BlindedHopFeatures`, length-prefixed on the wire; here the bytes only).
pub(crate) fn payinfo_view(p: &BlindedPayInfo) -> PayInfoView {
    let mut features = p.features.le_flags().to_vec();
    features.reverse();
    PayInfoView {
        fee_base_msat: p.fee_base_msat,
        fee_proportional_millionths: p.fee_proportional_millionths,
        cltv_expiry_delta: p.cltv_expiry_delta,
        htlc_minimum_msat: p.htlc_minimum_msat,
        htlc_maximum_msat: p.htlc_maximum_msat,
        features: hex::encode(features),
    }
}

/// An LDK message path from a view.
///
/// A 33-byte `first_node_id` goes through LDK's public constructor
/// `BlindedMessagePath::from_blinded_path` (blinded_path/message.rs:246); a
/// 9-byte `sciddir_or_pubkey` has no public constructor, so the path's BOLT 12
/// encoding is handed to LDK's `Readable` for `BlindedMessagePath` instead
/// (which also rejects a path without hops, blinded_path/mod.rs:167-169).
///
/// Hex that does not parse cannot be handed to LDK (`internal`); bytes that
/// are no secp256k1 point cannot be held in LDK's `PublicKey` fields
/// (`invalid_point`, as LDK's own `Readable for PublicKey` refuses them);
/// what LDK's reader refuses is `invalid_blinded_path`, LDK's words kept.
pub(crate) fn message_path_from_view(v: &BlindedPathView) -> Result<BlindedMessagePath, Rejection> {
    let unusable = |what: String, e: hex::FromHexError| {
        Rejection::new(
            ReasonClass::Internal,
            format!("{what}: the vector's hex cannot be handed to LDK: {e}"),
        )
    };
    let not_a_point = |what: String, e: lightning::bitcoin::secp256k1::Error| {
        Rejection::new(
            ReasonClass::InvalidPoint,
            format!("{what}: not a point LDK can hold as a PublicKey: {e}"),
        )
    };
    let path_err = |detail: String| Rejection::new(ReasonClass::InvalidBlindedPath, detail);
    let first = hex::decode(&v.first_node_id).map_err(|e| unusable("first_node_id".into(), e))?;
    let path_key =
        hex::decode(&v.first_path_key).map_err(|e| unusable("first_path_key".into(), e))?;
    let mut hops = Vec::with_capacity(v.hops.len());
    for (i, h) in v.hops.iter().enumerate() {
        let id = hex::decode(&h.blinded_node_id).map_err(|e| unusable(format!("hop {i}"), e))?;
        let data = hex::decode(&h.encrypted_recipient_data)
            .map_err(|e| unusable(format!("hop {i}"), e))?;
        let blinded_node_id = PublicKey::from_slice(&id)
            .map_err(|e| not_a_point(format!("hop {i} blinded_node_id"), e))?;
        hops.push(BlindedHop {
            blinded_node_id,
            encrypted_payload: data,
        });
    }
    if first.len() == 33 && !hops.is_empty() {
        let intro =
            PublicKey::from_slice(&first).map_err(|e| not_a_point("first_node_id".into(), e))?;
        let key = PublicKey::from_slice(&path_key)
            .map_err(|e| not_a_point("first_path_key".into(), e))?;
        return Ok(BlindedMessagePath::from_blinded_path(intro, key, hops));
    }
    let mut bytes = first;
    bytes.extend_from_slice(&path_key);
    bytes.push(u8::try_from(hops.len()).map_err(|_| path_err("more than 255 hops".into()))?);
    for h in &hops {
        bytes.extend_from_slice(&h.encode());
    }
    let mut reader = &bytes[..];
    let path = <BlindedMessagePath as Readable>::read(&mut reader)
        .map_err(|e| path_err(format!("LDK could not read the blinded path: {e:?}")))?;
    if !reader.is_empty() {
        return Err(path_err("the blinded path view has trailing bytes".into()));
    }
    Ok(path)
}
