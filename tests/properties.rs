//! Property tests of the reference model's `update_add_htlc` and
//! `revoke_and_ack` codecs, under every profile in `vectors/profiles.json`.
//!
//! - Every valid message the strategies generate (random fields, random
//!   TLVs including unknown odd ones, both release paths layouts) round-trips
//!   byte for byte: encode, decode to the same view, encode to the same bytes.
//! - Every truncation is rejected, except a cut exactly at a TLV record
//!   boundary, which is a shorter valid message (and decodes to it).
//! - Any single-byte mutation never panics, and when the mutant is accepted
//!   it re-encodes to exactly its own bytes (the reader accepts only the
//!   canonical encoding).

use asyncpay_adapter::blinding::{BlindedHopView, BlindedPathView};
use asyncpay_adapter::features::{CheckFeatures, FeatureState};
use asyncpay_adapter::htlc::{ReleasePath, RevokeAndAckView, UpdateAddHtlcView};
use asyncpay_adapter::invoice::TlvRecord;
use asyncpay_adapter::{Outcome, Profile};
use asyncpay_reference::{features, htlc};
use proptest::prelude::*;
use secp256k1::{PublicKey, Secp256k1, SecretKey};

fn profiles() -> Vec<Profile> {
    let v: serde_json::Value =
        serde_json::from_str(include_str!("../vectors/profiles.json")).expect("profiles.json");
    serde_json::from_value(v["profiles"].clone()).expect("profiles")
}

fn point(seed: [u8; 32]) -> String {
    let secp = Secp256k1::signing_only();
    let sk = SecretKey::from_slice(&seed)
        .unwrap_or_else(|_| SecretKey::from_slice(&[1; 32]).expect("valid key"));
    hex::encode(PublicKey::from_secret_key(&secp, &sk).serialize())
}

fn arb_point() -> impl Strategy<Value = String> {
    any::<[u8; 32]>().prop_map(point)
}

fn arb_bytes(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<u8>(), 0..=max).prop_map(hex::encode)
}

/// A deterministic 1366-byte onion from a seed (a random 1366-byte vector
/// per case would only slow shrinking down).
fn onion(seed: u64) -> String {
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
fn arb_unknown(known: Vec<u64>) -> impl Strategy<Value = Vec<TlvRecord>> {
    let t = prop_oneof![1u64..600, 65_536u64..80_000, any::<u64>()].prop_map(|t| t | 1);
    prop::collection::btree_map(t, arb_bytes(40), 0..4).prop_map(move |m| {
        m.into_iter()
            .filter(|(t, _)| !known.contains(t))
            .map(|(tlv_type, hex)| TlvRecord { tlv_type, hex })
            .collect()
    })
}

fn arb_uah(p: &Profile) -> impl Strategy<Value = UpdateAddHtlcView> {
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

fn arb_path() -> impl Strategy<Value = BlindedPathView> {
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

fn arb_raa(p: &Profile) -> impl Strategy<Value = RevokeAndAckView> {
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

fn bigsize_len(v: u64) -> usize {
    match v {
        0..=0xfc => 1,
        0xfd..=0xffff => 3,
        0x1_0000..=0xffff_ffff => 5,
        _ => 9,
    }
}

/// Offsets at which a record of the (sorted) TLV stream starting at `fixed` ends,
/// plus `fixed` itself: the cuts that leave a valid, shorter message.
fn record_boundaries(fixed: usize, mut records: Vec<(u64, usize)>) -> Vec<usize> {
    records.sort_by_key(|r| r.0);
    let mut at = fixed;
    let mut out = vec![at];
    for (t, len) in records {
        at += bigsize_len(t) + bigsize_len(len as u64) + len;
        out.push(at);
    }
    out
}

fn uah_boundaries(v: &UpdateAddHtlcView, p: &Profile) -> Vec<usize> {
    let mut recs: Vec<(u64, usize)> = v
        .unknown
        .iter()
        .map(|r| (r.tlv_type, r.hex.len() / 2))
        .collect();
    if v.path_key.is_some() {
        recs.push((0, 33));
    }
    if v.hold_htlc {
        recs.push((p.numbers.hold_htlc, 0));
    }
    record_boundaries(2 + 32 + 8 + 8 + 32 + 4 + 1366, recs)
}

fn raa_boundaries(v: &RevokeAndAckView, p: &Profile) -> Result<Vec<usize>, String> {
    let mut recs: Vec<(u64, usize)> = v
        .unknown
        .iter()
        .map(|r| (r.tlv_type, r.hex.len() / 2))
        .collect();
    if let Some(paths) = &v.release_paths {
        let value = htlc::encode_release_paths(paths, p).map_err(|e| e.detail)?;
        recs.push((p.numbers.release_paths, value.len()));
    }
    Ok(record_boundaries(2 + 32 + 32 + 33, recs))
}

fn check_uah(v: &UpdateAddHtlcView, p: &Profile) -> Result<(), TestCaseError> {
    let bytes = htlc::encode_update_add_htlc(v, p)
        .map_err(|e| TestCaseError::fail(format!("encode: {e:?}")))?;
    let back = htlc::decode_update_add_htlc(&bytes, p)
        .map_err(|e| TestCaseError::fail(format!("decode: {e:?}")))?;
    prop_assert_eq!(&back, v);
    let again = htlc::encode_update_add_htlc(&back, p)
        .map_err(|e| TestCaseError::fail(format!("re-encode: {e:?}")))?;
    prop_assert_eq!(&again, &bytes);

    let ok_cuts = uah_boundaries(v, p);
    prop_assert_eq!(ok_cuts.last().copied(), Some(bytes.len()));
    for cut in 0..bytes.len() {
        match htlc::decode_update_add_htlc(&bytes[..cut], p) {
            Ok(shorter) => {
                prop_assert!(ok_cuts.contains(&cut), "cut at {} accepted", cut);
                let re = htlc::encode_update_add_htlc(&shorter, p)
                    .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
                prop_assert_eq!(&re[..], &bytes[..cut]);
            }
            Err(_) => prop_assert!(!ok_cuts.contains(&cut), "cut at {} rejected", cut),
        }
    }
    Ok(())
}

fn check_raa(v: &RevokeAndAckView, p: &Profile) -> Result<(), TestCaseError> {
    let bytes = htlc::encode_revoke_and_ack(v, p)
        .map_err(|e| TestCaseError::fail(format!("encode: {e:?}")))?;
    let back = htlc::decode_revoke_and_ack(&bytes, p)
        .map_err(|e| TestCaseError::fail(format!("decode: {e:?}")))?;
    prop_assert_eq!(&back, v);
    let again = htlc::encode_revoke_and_ack(&back, p)
        .map_err(|e| TestCaseError::fail(format!("re-encode: {e:?}")))?;
    prop_assert_eq!(&again, &bytes);

    let ok_cuts = raa_boundaries(v, p).map_err(TestCaseError::fail)?;
    prop_assert_eq!(ok_cuts.last().copied(), Some(bytes.len()));
    for cut in 0..bytes.len() {
        match htlc::decode_revoke_and_ack(&bytes[..cut], p) {
            Ok(shorter) => {
                prop_assert!(ok_cuts.contains(&cut), "cut at {} accepted", cut);
                let re = htlc::encode_revoke_and_ack(&shorter, p)
                    .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
                prop_assert_eq!(&re[..], &bytes[..cut]);
            }
            Err(_) => prop_assert!(!ok_cuts.contains(&cut), "cut at {} rejected", cut),
        }
    }
    Ok(())
}

fn profile_strategy() -> impl Strategy<Value = Profile> {
    prop::sample::select(profiles())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn update_add_htlc_round_trips_and_truncations_fail(
        (p, v) in profile_strategy().prop_flat_map(|p| { let s = arb_uah(&p); (Just(p), s) })
    ) {
        check_uah(&v, &p)?;
    }

    #[test]
    fn revoke_and_ack_round_trips_and_truncations_fail(
        (p, v) in profile_strategy().prop_flat_map(|p| { let s = arb_raa(&p); (Just(p), s) })
    ) {
        check_raa(&v, &p)?;
    }

    #[test]
    fn mutated_update_add_htlc_is_canonical_or_rejected(
        (p, v) in profile_strategy().prop_flat_map(|p| { let s = arb_uah(&p); (Just(p), s) }),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let mut bytes = htlc::encode_update_add_htlc(&v, &p)
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let i = at.index(bytes.len());
        bytes[i] = byte;
        if let Ok(view) = htlc::decode_update_add_htlc(&bytes, &p) {
            let re = htlc::encode_update_add_htlc(&view, &p)
                .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            prop_assert_eq!(re, bytes);
        }
    }

    #[test]
    fn mutated_revoke_and_ack_is_canonical_or_rejected(
        (p, v) in profile_strategy().prop_flat_map(|p| { let s = arb_raa(&p); (Just(p), s) }),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let mut bytes = htlc::encode_revoke_and_ack(&v, &p)
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let i = at.index(bytes.len());
        bytes[i] = byte;
        if let Ok(view) = htlc::decode_revoke_and_ack(&bytes, &p) {
            let re = htlc::encode_revoke_and_ack(&view, &p)
                .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            prop_assert_eq!(re, bytes);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        p in profile_strategy(),
        tail in prop::collection::vec(any::<u8>(), 0..300),
        prefix in prop_oneof![Just(128u16), Just(133u16), any::<u16>()],
    ) {
        let mut bytes = prefix.to_be_bytes().to_vec();
        bytes.extend(&tail);
        let _ = htlc::decode_update_add_htlc(&bytes, &p);
        let _ = htlc::decode_revoke_and_ack(&bytes, &p);
        let _ = htlc::decode_release_paths(&tail, &p);
    }

    #[test]
    fn feature_views_match_the_bits(
        p in profile_strategy(),
        bits in prop::collection::btree_set(0u16..400, 0..12),
        context in prop::sample::select(vec!["init", "node_announcement"]),
    ) {
        let bits: Vec<u16> = bits.into_iter().collect();
        let len = bits.iter().max().map_or(0, |m| usize::from(*m) / 8 + 1);
        let mut bytes = vec![0u8; len];
        for b in &bits {
            bytes[len - 1 - usize::from(*b) / 8] |= 1 << (b % 8);
        }
        let input = CheckFeatures { hex: hex::encode(&bytes), context: context.into() };
        if let Outcome::Accepted { view } = features::check_op(&input, &p) {
            let v: asyncpay_adapter::features::FeaturesView =
                serde_json::from_value(view).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&v.bits, &bits);
            let h = p.numbers.feature_htlc_hold;
            if v.htlc_hold != FeatureState::Absent {
                prop_assert!(v.onion_messages != FeatureState::Absent);
            }
            prop_assert_eq!(v.htlc_hold == FeatureState::Compulsory, bits.contains(&h));
            prop_assert!(bits.iter().all(|b| b % 2 == 1
                || features::KNOWN_EVEN_BITS.contains(b) || *b == h));
        }
    }
}
