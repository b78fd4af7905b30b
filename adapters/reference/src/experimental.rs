//! Earlier designs, pinned precisely so that vectors can exist for them
//! (profiles of kind `experimental`).
//!
//! ## Counterparty-served invoices
//!
//! The sketch: the counterparty (the receiver's LSP) gives the receiver a
//! 16-byte `unique_salt` and a 16-byte `encrypted_counterparty_secret` (its
//! static `counterparty_secret` encrypted with ChaCha20-Poly1305, keyed by
//! that secret, nonce from the salt); the offer carries both; the payer puts
//! `payer_encrypted_reply_path` (4141, encrypted with the
//! `encrypted_counterparty_secret`) and `unique_salt` (4343) in every blinded
//! hop's payload but the last; the counterparty re-derives the secret,
//! decrypts the reply path and answers with the stored invoice.
//!
//! ChaCha20-Poly1305 takes a 32-byte key and a 12-byte nonce, and encrypting
//! a 32-byte secret yields 48 bytes, so the sketch does not fit as written.
//! Pinned here:
//!
//! 1. `nonce_s = SHA256(unique_salt)[0..12]` (the whole salt enters the nonce);
//! 2. `encrypted_counterparty_secret = AEAD(key = counterparty_secret,
//!    nonce = nonce_s, aad = "", plaintext = counterparty_secret)[32..48]`,
//!    i.e. the 16-byte Poly1305 tag (the 32 ciphertext bytes are dropped:
//!    keeping them would publish `counterparty_secret` XOR a keystream);
//! 3. the reply-path key is `K_r = SHA256(encrypted_counterparty_secret)`
//!    (a 16-byte value cannot key ChaCha20 directly);
//! 4. `payer_encrypted_reply_path = nonce_r || AEAD(key = K_r, nonce =
//!    nonce_r, aad = unique_salt, plaintext = blinded_path)`, with a fresh
//!    12-byte `nonce_r` chosen by the payer (every payer of the offer shares
//!    `K_r`, so a fixed nonce would repeat);
//! 5. `unique_salt` (4343) is the raw 16 bytes.
//!
//! ## PR 989's first form
//!
//! `hold_htlc` carries a 32-byte `payment_release_secret`; the
//! `release_held_htlc` onion message's value is that secret, raw (32
//! bytes), and the holder releases the HTLC whose secret it echoes. No
//! reply-path context is needed: knowledge of the secret authenticates.
//!
//! ## The trampoline hold and the payment-id unblock
//!
//! Designs 000 and 001: see [`trampoline`] and [`unblock`]; LDK's
//! invoice-server protocol: see [`invoice_server`].

pub mod invoice_server;
pub mod trampoline;
pub mod unblock;

use crate::crypto::{aead_decrypt, aead_encrypt, sha256};
use crate::wire::{read_path, write_path, Cursor};
use asyncpay_adapter::blinding::BlindedPathView;
use asyncpay_adapter::{ReasonClass, Rejection};

/// `SHA256(unique_salt)[0..12]`.
pub fn salt_nonce(unique_salt: &[u8; 16]) -> [u8; 12] {
    let h = sha256(unique_salt);
    let mut n = [0u8; 12];
    n.copy_from_slice(&h[..12]);
    n
}

/// The 16-byte `encrypted_counterparty_secret` (step 2).
pub fn encrypted_counterparty_secret(
    counterparty_secret: &[u8; 32],
    unique_salt: &[u8; 16],
) -> [u8; 16] {
    let ct = aead_encrypt(
        counterparty_secret,
        &salt_nonce(unique_salt),
        &[],
        counterparty_secret,
    );
    let mut out = [0u8; 16];
    if ct.len() == 48 {
        out.copy_from_slice(&ct[32..48]);
    }
    out
}

/// `K_r = SHA256(encrypted_counterparty_secret)` (step 3).
pub fn reply_path_key(ecs: &[u8; 16]) -> [u8; 32] {
    sha256(ecs)
}

/// `payer_encrypted_reply_path` (step 4).
pub fn encrypt_reply_path(
    ecs: &[u8; 16],
    nonce_r: &[u8; 12],
    unique_salt: &[u8; 16],
    path: &BlindedPathView,
) -> Result<Vec<u8>, Rejection> {
    let mut plain = Vec::new();
    write_path(path, &mut plain)?;
    let mut out = nonce_r.to_vec();
    out.extend(aead_encrypt(
        &reply_path_key(ecs),
        nonce_r,
        unique_salt,
        &plain,
    ));
    Ok(out)
}

/// The counterparty's side: re-derive the key from `unique_salt` and decrypt.
pub fn decrypt_reply_path(
    counterparty_secret: &[u8; 32],
    unique_salt: &[u8],
    blob: &[u8],
) -> Result<BlindedPathView, Rejection> {
    let salt: [u8; 16] = unique_salt
        .try_into()
        .map_err(|_| Rejection::new(ReasonClass::InvalidValue, "unique_salt is not 16 bytes"))?;
    if blob.len() < 12 + 16 {
        return Err(Rejection::new(
            ReasonClass::Truncated,
            "payer_encrypted_reply_path shorter than nonce and tag",
        ));
    }
    let mut nonce = [0u8; 12];
    nonce.copy_from_slice(&blob[..12]);
    let ecs = encrypted_counterparty_secret(counterparty_secret, &salt);
    let plain =
        aead_decrypt(&reply_path_key(&ecs), &nonce, &salt, &blob[12..]).ok_or_else(|| {
            Rejection::new(
            ReasonClass::DecryptionFailed,
            "payer_encrypted_reply_path does not decrypt under the key derived from unique_salt",
        )
        })?;
    let mut c = Cursor::new(&plain, "payer_encrypted_reply_path");
    let p = read_path(&mut c)?;
    c.finish()?;
    if p.hops.is_empty() {
        return Err(Rejection::new(
            ReasonClass::InvalidBlindedPath,
            "reply path with no hops",
        ));
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use asyncpay_adapter::blinding::{BuildBlindedPath, PathHopInput};

    /// What the payer seals with the offer's `encrypted_counterparty_secret`,
    /// the counterparty opens with its own secret and the salt.
    #[test]
    fn the_counterparty_opens_the_reply_path_the_payer_sealed() {
        let node = |b: u8| {
            let sk = secp256k1::SecretKey::from_slice(&[b; 32]).expect("key");
            hex::encode(sk.public_key(secp256k1::SECP256K1).serialize())
        };
        let (path, _) = crate::blinding::build(&BuildBlindedPath {
            session_key: hex::encode([0x31u8; 32]),
            hops: vec![PathHopInput {
                node_id: node(0x32),
                encrypted_data_tlvs: "0601aa".into(),
            }],
        })
        .expect("a one-hop path");
        let (secret, salt) = ([0x33u8; 32], [0x34u8; 16]);
        let ecs = encrypted_counterparty_secret(&secret, &salt);
        let blob = encrypt_reply_path(&ecs, &[0x35; 12], &salt, &path).expect("sealed");
        assert_eq!(blob.len(), 12 + 16 + 33 + 33 + 1 + 33 + 2 + 3 + 16);
        assert_eq!(decrypt_reply_path(&secret, &salt, &blob), Ok(path));
        let mut other = salt;
        other[0] ^= 1;
        assert!(decrypt_reply_path(&secret, &other, &blob).is_err());
    }
}
