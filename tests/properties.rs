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

mod strategies;

use asyncpay_adapter::features::{CheckFeatures, FeatureState};
use asyncpay_adapter::htlc::{RevokeAndAckView, UpdateAddHtlcView};
use asyncpay_adapter::{Outcome, Profile};
use asyncpay_reference::{features, htlc};
use proptest::prelude::*;
use strategies::{arb_raa, arb_uah, profiles};

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
