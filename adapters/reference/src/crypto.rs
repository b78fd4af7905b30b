//! The cryptographic building blocks BOLT 4 names, as thin wrappers over the
//! primitive crates (`secp256k1`, `bitcoin_hashes`, `chacha20`,
//! `chacha20poly1305`). Nothing here is a hand-written primitive.

use asyncpay_adapter::{ReasonClass, Rejection};
use bitcoin_hashes::{hmac, sha256, Hash, HashEngine};
use chacha20::cipher::{KeyIvInit, StreamCipher};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::ChaCha20Poly1305;
use secp256k1::{ecdh::SharedSecret, PublicKey, Scalar, Secp256k1, SecretKey};

/// `SHA256(data)`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    sha256::Hash::hash(data).to_byte_array()
}

/// `SHA256(a || b)`.
pub fn sha256_concat(a: &[u8], b: &[u8]) -> [u8; 32] {
    let mut e = sha256::Hash::engine();
    e.input(a);
    e.input(b);
    sha256::Hash::from_engine(e).to_byte_array()
}

/// `HMAC256(key, msg)`: HMAC-SHA256 with `key` as the HMAC key.
pub fn hmac256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut e = hmac::HmacEngine::<sha256::Hash>::new(key);
    e.input(msg);
    hmac::Hmac::<sha256::Hash>::from_engine(e).to_byte_array()
}

/// BOLT 4 ECDH: `SHA256` of the compressed point `sk·pk`.
pub fn ecdh(pk: &PublicKey, sk: &SecretKey) -> [u8; 32] {
    SharedSecret::new(pk, sk).secret_bytes()
}

/// `ChaCha20` keystream of `len` bytes under `key` and the all-zero nonce.
pub fn chacha20_stream(key: &[u8; 32], len: usize) -> Vec<u8> {
    let mut buf = vec![0u8; len];
    chacha20_xor(key, &mut buf);
    buf
}

/// XOR `buf` with the `ChaCha20` keystream under `key` and the all-zero nonce.
pub fn chacha20_xor(key: &[u8; 32], buf: &mut [u8]) {
    let mut c = chacha20::ChaCha20::new(key.into(), &[0u8; 12].into());
    c.apply_keystream(buf);
}

/// RFC 8439 ChaCha20-Poly1305 encryption (ciphertext then 16-byte tag).
pub fn aead_encrypt(key: &[u8; 32], nonce: &[u8; 12], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    ChaCha20Poly1305::new(key.into())
        .encrypt(
            nonce.into(),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .unwrap_or_default()
}

/// RFC 8439 ChaCha20-Poly1305 decryption; `None` when the tag does not verify.
pub fn aead_decrypt(
    key: &[u8; 32],
    nonce: &[u8; 12],
    aad: &[u8],
    ciphertext: &[u8],
) -> Option<Vec<u8>> {
    ChaCha20Poly1305::new(key.into())
        .decrypt(
            nonce.into(),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .ok()
}

/// A secret key from 32 bytes of hex.
pub fn secret_key(hex_str: &str, what: &str) -> Result<SecretKey, Rejection> {
    let b = crate::wire::unhex(hex_str, what)?;
    SecretKey::from_slice(&b).map_err(|_| {
        Rejection::new(
            ReasonClass::InvalidValue,
            format!("{what} is not a valid secret key"),
        )
    })
}

/// 32 bytes from hex.
pub fn bytes32(hex_str: &str, what: &str) -> Result<[u8; 32], Rejection> {
    let b = crate::wire::unhex(hex_str, what)?;
    <[u8; 32]>::try_from(b.as_slice())
        .map_err(|_| Rejection::new(ReasonClass::InvalidValue, format!("{what} is not 32 bytes")))
}

/// A public key from hex.
pub fn public_key(hex_str: &str, what: &str) -> Result<PublicKey, Rejection> {
    let b = crate::wire::unhex(hex_str, what)?;
    crate::wire::check_point(&b, what)
}

fn tweak_err(what: &str) -> Rejection {
    Rejection::new(
        ReasonClass::InvalidValue,
        format!("{what}: tweak out of range"),
    )
}

/// `t·P` for a 32-byte big-endian scalar `t`.
pub fn mul_pub(p: &PublicKey, t: &[u8; 32]) -> Result<PublicKey, Rejection> {
    let s = Scalar::from_be_bytes(*t).map_err(|_| tweak_err("point tweak"))?;
    p.mul_tweak(&Secp256k1::verification_only(), &s)
        .map_err(|_| tweak_err("point tweak"))
}

/// `t·k` for a 32-byte big-endian scalar `t`.
pub fn mul_sec(k: &SecretKey, t: &[u8; 32]) -> Result<SecretKey, Rejection> {
    let s = Scalar::from_be_bytes(*t).map_err(|_| tweak_err("key tweak"))?;
    k.mul_tweak(&s).map_err(|_| tweak_err("key tweak"))
}

/// `k·G`.
pub fn pubkey(k: &SecretKey) -> PublicKey {
    PublicKey::from_secret_key(secp256k1::SECP256K1, k)
}
