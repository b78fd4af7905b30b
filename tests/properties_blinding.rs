//! Property tests of the reference's route blinding: any path it builds
//! from random hops and payloads unblinds to exactly those payloads at each
//! hop, and any single-bit change in an encrypted payload is rejected.

use asyncpay_adapter::ReasonClass;
use asyncpay_reference::blinding::{build_path, unblind};
use proptest::prelude::*;
use secp256k1::{PublicKey, SecretKey, SECP256K1};

fn secret(seed: [u8; 32]) -> SecretKey {
    // Any 32 bytes but zero or >= n: map such rare seeds to a fixed key.
    SecretKey::from_slice(&seed).unwrap_or_else(|_| SecretKey::from_slice(&[7; 32]).expect("valid"))
}

fn hops_strategy() -> impl Strategy<Value = Vec<([u8; 32], Vec<u8>)>> {
    prop::collection::vec(
        (
            any::<[u8; 32]>(),
            prop::collection::vec(any::<u8>(), 0..120),
        ),
        1..6,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn built_paths_unblind_to_their_payloads(session in any::<[u8; 32]>(), hops in hops_strategy()) {
        let e0 = secret(session);
        let keys: Vec<SecretKey> = hops.iter().map(|(k, _)| secret(*k)).collect();
        let input: Vec<(PublicKey, Vec<u8>)> = keys.iter().zip(&hops).map(|(k, (_, d))| (PublicKey::from_secret_key(SECP256K1, k), d.clone())).collect();
        let built = build_path(&e0, &input).expect("build");
        let mut path_key = PublicKey::from_secret_key(SECP256K1, &e0);
        for (i, k) in keys.iter().enumerate() {
            prop_assert_eq!(built[i].path_key, path_key);
            let u = unblind(k, &path_key, &built[i].encrypted_data).expect("unblind");
            prop_assert_eq!(&u.plaintext, &hops[i].1);
            prop_assert_eq!(PublicKey::from_secret_key(SECP256K1, &u.blinded_privkey), built[i].blinded_node_id);
            path_key = u.computed_next_path_key;
        }
    }

    #[test]
    fn any_bit_flip_is_rejected(session in any::<[u8; 32]>(), hops in hops_strategy(), pick in any::<usize>(), bit in 0u8..8) {
        let e0 = secret(session);
        let keys: Vec<SecretKey> = hops.iter().map(|(k, _)| secret(*k)).collect();
        let input: Vec<(PublicKey, Vec<u8>)> = keys.iter().zip(&hops).map(|(k, (_, d))| (PublicKey::from_secret_key(SECP256K1, k), d.clone())).collect();
        let built = build_path(&e0, &input).expect("build");
        let hop = pick % built.len();
        let mut enc = built[hop].encrypted_data.clone();
        let at = (pick / built.len()) % enc.len();
        enc[at] ^= 1 << bit;
        let err = unblind(&keys[hop], &built[hop].path_key, &enc).expect_err("tampered data must not decrypt");
        prop_assert_eq!(err.reason, ReasonClass::DecryptionFailed);
    }
}
