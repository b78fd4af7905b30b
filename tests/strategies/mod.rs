//! Proptest strategies shared by the property test files: valid
//! `update_add_htlc` and `revoke_and_ack` views (random fields, random
//! TLVs including unknown odd ones, both release paths layouts), and the
//! profiles of `vectors/profiles.json`.

#![allow(dead_code)]

use asyncpay_adapter::blinding::{BlindedHopView, BlindedPathView};
use asyncpay_adapter::htlc::{ReleasePath, RevokeAndAckView, UpdateAddHtlcView};
use asyncpay_adapter::invoice::TlvRecord;
use asyncpay_adapter::Profile;
use asyncpay_reference::htlc;
use proptest::prelude::*;
use secp256k1::{PublicKey, Secp256k1, SecretKey};

pub fn profiles() -> Vec<Profile> {
    let v: serde_json::Value =
        serde_json::from_str(include_str!("../../vectors/profiles.json")).expect("profiles.json");
    serde_json::from_value(v["profiles"].clone()).expect("profiles")
}

pub fn point(seed: [u8; 32]) -> String {
    let secp = Secp256k1::signing_only();
    let sk = SecretKey::from_slice(&seed)
        .unwrap_or_else(|_| SecretKey::from_slice(&[1; 32]).expect("valid key"));
    hex::encode(PublicKey::from_secret_key(&secp, &sk).serialize())
}

pub fn arb_point() -> impl Strategy<Value = String> {
    any::<[u8; 32]>().prop_map(point)
}

pub fn arb_bytes(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<u8>(), 0..=max).prop_map(hex::encode)
}

/// A deterministic 1366-byte onion from a seed (a random 1366-byte vector
/// per case would only slow shrinking down).
pub fn onion(seed: u64) -> String {
    let mut x = seed | 1;
    let bytes: Vec<u8> = (0..1366)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    hex::encode(bytes)
}

/// Unknown odd records, increasing by type, none of the `known` types.
pub fn arb_unknown(known: Vec<u64>) -> impl Strategy<Value = Vec<TlvRecord>> {
    let t = prop_oneof![1u64..600, 65_536u64..80_000, any::<u64>()].prop_map(|t| t | 1);
    prop::collection::btree_map(t, arb_bytes(40), 0..4).prop_map(move |m| {
        m.into_iter()
            .filter(|(t, _)| !known.contains(t))
            .map(|(tlv_type, hex)| TlvRecord { tlv_type, hex })
            .collect()
    })
}

pub fn arb_uah(p: &Profile) -> impl Strategy<Value = UpdateAddHtlcView> {
    let known = vec![0, p.numbers.hold_htlc];
    (
        any::<[u8; 32]>(),
        any::<u64>(),
        any::<u64>(),
        any::<[u8; 32]>(),
        any::<u32>(),
        any::<u64>(),
        prop::option::of(arb_point()),
        any::<bool>(),
        arb_unknown(known),
    )
        .prop_map(
            |(
                channel_id,
                id,
                amount_msat,
                payment_hash,
                cltv_expiry,
                seed,
                path_key,
                hold,
                unknown,
            )| {
                UpdateAddHtlcView {
                    channel_id: hex::encode(channel_id),
                    id,
                    amount_msat,
                    payment_hash: hex::encode(payment_hash),
                    cltv_expiry,
                    onion_routing_packet: onion(seed),
                    path_key,
                    hold_htlc: hold,
                    unknown,
                }
            },
        )
}

pub fn arb_path() -> impl Strategy<Value = BlindedPathView> {
    let first = prop_oneof![
        arb_point(),
        (0u8..2, any::<u64>()).prop_map(|(d, scid)| format!("{d:02x}{scid:016x}")),
    ];
    let hop = (arb_point(), arb_bytes(60)).prop_map(|(blinded_node_id, data)| BlindedHopView {
        blinded_node_id,
        encrypted_recipient_data: data,
    });
    (first, arb_point(), prop::collection::vec(hop, 1..4)).prop_map(
        |(first_node_id, first_path_key, hops)| BlindedPathView {
            first_node_id,
            first_path_key,
            hops,
        },
    )
}

pub fn arb_raa(p: &Profile) -> impl Strategy<Value = RevokeAndAckView> {
    let with_id = p.numbers.release_paths_format == htlc::FORMAT_HTLC_ID_AND_PATH;
    let rp = (any::<u64>(), arb_path()).prop_map(move |(id, path)| ReleasePath {
        htlc_id: with_id.then_some(id),
        path,
    });
    (
        any::<[u8; 32]>(),
        any::<[u8; 32]>(),
        arb_point(),
        prop::option::of(prop::collection::vec(rp, 0..3)),
        arb_unknown(vec![p.numbers.release_paths]),
    )
        .prop_map(
            |(channel_id, secret, point, release_paths, unknown)| RevokeAndAckView {
                channel_id: hex::encode(channel_id),
                per_commitment_secret: hex::encode(secret),
                next_per_commitment_point: point,
                release_paths,
                unknown,
            },
        )
}
