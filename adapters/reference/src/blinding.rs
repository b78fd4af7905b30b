//! Route blinding (BOLT 4 "Route Blinding" and "Inside
//! `encrypted_recipient_data`: `encrypted_data_tlv`").
//!
//! The writer of a path ([`build_path`]) chains ephemeral keys `e_i`
//! (`E_i = e_i·G`), derives `ss_i = SHA256(e_i·N_i)`, `rho_i =
//! HMAC256("rho", ss_i)`, the blinded id `B_i = HMAC256("blinded_node_id",
//! ss_i)·N_i`, and encrypts each hop's `encrypted_data_tlv` with
//! ChaCha20-Poly1305 under `rho_i` and the all-zero nonce. A reader
//! ([`unblind`]) derives the same values from its node secret `k_i` and the
//! path key `E_i` it was handed.

use crate::crypto::{self, aead_decrypt, aead_encrypt, ecdh, hmac256, sha256_concat};
use crate::rules::{self, Rule};
use crate::tlv;
use crate::wire::{check_point, unhex};
use asyncpay_adapter::blinding::{
    BlindedHopView, BlindedPathView, BuildBlindedPath, UnblindHop, UnblindedHopView,
};
use asyncpay_adapter::{Outcome, Profile, ReasonClass, Rejection};
use secp256k1::{PublicKey, SecretKey};

/// `encrypted_data_tlv` type of `padding`.
pub const PADDING: u64 = 1;
/// `encrypted_data_tlv` type of `short_channel_id`.
pub const SHORT_CHANNEL_ID: u64 = 2;
/// `encrypted_data_tlv` type of `next_node_id`.
pub const NEXT_NODE_ID: u64 = 4;
/// `encrypted_data_tlv` type of `path_id`.
pub const PATH_ID: u64 = 6;
/// `encrypted_data_tlv` type of `next_path_key_override`.
pub const NEXT_PATH_KEY_OVERRIDE: u64 = 8;
/// `encrypted_data_tlv` type of `payment_relay`.
pub const PAYMENT_RELAY: u64 = 10;
/// `encrypted_data_tlv` type of `payment_constraints`.
pub const PAYMENT_CONSTRAINTS: u64 = 12;
/// `encrypted_data_tlv` type of `allowed_features`.
pub const ALLOWED_FEATURES: u64 = 14;

/// Largest number of hops the builder accepts (the `num_hops` byte).
pub const MAX_HOPS: usize = 255;

/// Every value the writer derives for one hop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HopSecrets {
    /// `E_i`, the path key this hop receives.
    pub path_key: PublicKey,
    /// `e_i`, its private key (known to the writer only).
    pub path_privkey: SecretKey,
    /// `ss_i`.
    pub shared_secret: [u8; 32],
    /// `rho_i`.
    pub rho: [u8; 32],
    /// `HMAC256("blinded_node_id", ss_i)`.
    pub blinding_factor: [u8; 32],
    /// `B_i`.
    pub blinded_node_id: PublicKey,
    /// `encrypted_recipient_data_i`.
    pub encrypted_data: Vec<u8>,
}

/// `rho = HMAC256("rho", ss)`.
pub fn rho(ss: &[u8; 32]) -> [u8; 32] {
    hmac256(b"rho", ss)
}

/// `HMAC256("blinded_node_id", ss)`.
pub fn blinding_factor(ss: &[u8; 32]) -> [u8; 32] {
    hmac256(b"blinded_node_id", ss)
}

/// `E_{i+1} = SHA256(E_i || ss_i)·E_i`.
pub fn next_path_key(path_key: &PublicKey, ss: &[u8; 32]) -> Result<PublicKey, Rejection> {
    crypto::mul_pub(path_key, &sha256_concat(&path_key.serialize(), ss))
}

/// Encrypt one `encrypted_data_tlv` under `rho` with the all-zero nonce.
pub fn encrypt_data(rho: &[u8; 32], plaintext: &[u8]) -> Vec<u8> {
    aead_encrypt(rho, &[0u8; 12], &[], plaintext)
}

/// Build one path segment with session key `e_0` over `(node_id, encrypted_data_tlv)` hops.
///
/// A `next_path_key_override` is allowed only in the last hop (where a
/// segment joins another creator's path); in an earlier hop the writer
/// would need the override's private key to continue, which is not an input.
pub fn build_path(
    session_key: &SecretKey,
    hops: &[(PublicKey, Vec<u8>)],
) -> Result<Vec<HopSecrets>, Rejection> {
    if hops.is_empty() {
        return Err(Rejection::new(
            ReasonClass::InvalidBlindedPath,
            "a blinded path needs at least one hop",
        ));
    }
    if hops.len() > MAX_HOPS {
        return Err(Rejection::new(
            ReasonClass::InvalidBlindedPath,
            "more than 255 hops",
        ));
    }
    let mut out = Vec::with_capacity(hops.len());
    let mut e = *session_key;
    for (i, (node_id, data)) in hops.iter().enumerate() {
        if data.len() + 16 > usize::from(u16::MAX) {
            return Err(Rejection::new(
                ReasonClass::InvalidBlindedPath,
                format!("hop {i}: encrypted data over 65535 bytes"),
            ));
        }
        if i + 1 < hops.len() {
            let has_override = tlv::parse(data)
                .map(|s| s.get(NEXT_PATH_KEY_OVERRIDE).is_some())
                .unwrap_or(false);
            if has_override {
                return Err(Rejection::new(
                    ReasonClass::InvalidEncryptedData,
                    format!("hop {i}: next_path_key_override before the last hop of a segment"),
                ));
            }
        }
        let big_e = crypto::pubkey(&e);
        let ss = ecdh(node_id, &e);
        let rho = rho(&ss);
        let bf = blinding_factor(&ss);
        let blinded = crypto::mul_pub(node_id, &bf)?;
        out.push(HopSecrets {
            path_key: big_e,
            path_privkey: e,
            shared_secret: ss,
            rho,
            blinding_factor: bf,
            blinded_node_id: blinded,
            encrypted_data: encrypt_data(&rho, data),
        });
        e = crypto::mul_sec(&e, &sha256_concat(&big_e.serialize(), &ss))?;
    }
    Ok(out)
}

/// The `blinded_path` view of a built segment.
pub fn path_view(first_node_id: &PublicKey, hops: &[HopSecrets]) -> BlindedPathView {
    BlindedPathView {
        first_node_id: hex::encode(first_node_id.serialize()),
        first_path_key: hops
            .first()
            .map(|h| hex::encode(h.path_key.serialize()))
            .unwrap_or_default(),
        hops: hops
            .iter()
            .map(|h| BlindedHopView {
                blinded_node_id: hex::encode(h.blinded_node_id.serialize()),
                encrypted_recipient_data: hex::encode(&h.encrypted_data),
            })
            .collect(),
    }
}

/// What a hop derives when it unblinds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unblinded {
    /// `ss_i = SHA256(k_i·E_i)`.
    pub shared_secret: [u8; 32],
    /// `rho_i`.
    pub rho: [u8; 32],
    /// `b_i = HMAC256("blinded_node_id", ss_i)·k_i`.
    pub blinded_privkey: SecretKey,
    /// The decrypted `encrypted_data_tlv`.
    pub plaintext: Vec<u8>,
    /// `SHA256(E_i || ss_i)·E_i` (before any override).
    pub computed_next_path_key: PublicKey,
}

/// The keys a hop derives from `E_i` without decrypting anything.
pub fn hop_keys(
    node_secret: &SecretKey,
    path_key: &PublicKey,
) -> Result<([u8; 32], SecretKey), Rejection> {
    let ss = ecdh(path_key, node_secret);
    let b = crypto::mul_sec(node_secret, &blinding_factor(&ss))?;
    Ok((ss, b))
}

/// Decrypt one hop's `encrypted_recipient_data` (reader of BOLT 4 route blinding).
pub fn unblind(
    node_secret: &SecretKey,
    path_key: &PublicKey,
    encrypted: &[u8],
) -> Result<Unblinded, Rejection> {
    let (ss, blinded_privkey) = hop_keys(node_secret, path_key)?;
    let rho = rho(&ss);
    let plaintext = aead_decrypt(&rho, &[0u8; 12], &[], encrypted).ok_or_else(|| {
        rules::fire(Rule::BlindedDecrypt);
        Rejection::new(
            ReasonClass::DecryptionFailed,
            "encrypted_recipient_data does not decrypt under rho (tampered data or wrong path key)",
        )
    })?;
    rules::consult(Rule::BlindedDecrypt);
    Ok(Unblinded {
        shared_secret: ss,
        rho,
        blinded_privkey,
        plaintext,
        computed_next_path_key: next_path_key(path_key, &ss)?,
    })
}

/// A decoded `encrypted_data_tlv`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EncryptedData {
    /// `short_channel_id`.
    pub short_channel_id: Option<u64>,
    /// `next_node_id`.
    pub next_node_id: Option<PublicKey>,
    /// `path_id`.
    pub path_id: Option<Vec<u8>>,
    /// `next_path_key_override`.
    pub next_path_key_override: Option<PublicKey>,
    /// `payment_relay` or `payment_constraints` present.
    pub payment_fields: bool,
    /// Every record (type, value), in order.
    pub records: Vec<(u64, Vec<u8>)>,
}

impl EncryptedData {
    /// Whether `allowed_features` sets a bit. BOLT 9 defines no feature in
    /// this field's context, so every set bit is unknown to the reference.
    pub fn unknown_allowed_feature(&self) -> bool {
        self.get(ALLOWED_FEATURES)
            .is_some_and(|f| f.iter().any(|b| *b != 0))
    }

    /// The value of record `t`.
    pub fn get(&self, t: u64) -> Option<&[u8]> {
        self.records
            .iter()
            .find(|(ty, _)| *ty == t)
            .map(|(_, v)| v.as_slice())
    }
}

/// `BLOCKxTXxOUTPUT`.
pub fn scid_string(scid: u64) -> String {
    format!(
        "{}x{}x{}",
        scid >> 40,
        (scid >> 16) & 0xff_ffff,
        scid & 0xffff
    )
}

fn bad(what: &str) -> Rejection {
    Rejection::new(
        ReasonClass::InvalidValue,
        format!("encrypted_data_tlv {what}"),
    )
}

/// Parse an `encrypted_data_tlv` with BOLT 1's rules; the known even types
/// are BOLT 4's plus `extra_known` (e.g. the profile's release context type).
pub fn parse_encrypted_data(bytes: &[u8], extra_known: &[u64]) -> Result<EncryptedData, Rejection> {
    let s = tlv::parse(bytes).map_err(|e| Rejection::new(e.class(), e.to_string()))?;
    s.check_known(|t| (1..=14).contains(&t) || extra_known.contains(&t))
        .map_err(|e| Rejection::new(e.class(), format!("encrypted_data_tlv: {e}")))?;
    let mut d = EncryptedData::default();
    for r in &s.records {
        match r.tlv_type {
            SHORT_CHANNEL_ID => {
                let a: [u8; 8] = r
                    .value
                    .try_into()
                    .map_err(|_| bad("short_channel_id is not 8 bytes"))?;
                d.short_channel_id = Some(u64::from_be_bytes(a));
            }
            NEXT_NODE_ID => {
                d.next_node_id = Some(check_point(r.value, "next_node_id")?);
            }
            PATH_ID => d.path_id = Some(r.value.to_vec()),
            NEXT_PATH_KEY_OVERRIDE => {
                let p = check_point(r.value, "next_path_key_override").inspect_err(|_| {
                    rules::fire(Rule::BlindedOverridePoint);
                })?;
                rules::consult(Rule::BlindedOverridePoint);
                d.next_path_key_override = Some(p);
            }
            PAYMENT_RELAY => {
                if rules::rejects(
                    Rule::BlindedPaymentRelayLength,
                    !(6..=10).contains(&r.value.len()),
                ) {
                    return Err(bad("payment_relay has the wrong length"));
                }
                d.payment_fields = true;
            }
            PAYMENT_CONSTRAINTS => {
                if rules::rejects(
                    Rule::BlindedPaymentConstraintsLength,
                    !(4..=12).contains(&r.value.len()),
                ) {
                    return Err(bad("payment_constraints has the wrong length"));
                }
                d.payment_fields = true;
            }
            _ => {}
        }
        d.records.push((r.tlv_type, r.value.to_vec()));
    }
    Ok(d)
}

/// The even types a profile adds to `encrypted_data_tlv`.
pub fn profile_known(profile: &Profile) -> Vec<u64> {
    let mut known = vec![profile.numbers.encrypted_data_release_context];
    known.extend(profile.numbers.encrypted_data_payment_unblock);
    known
}

/// Build a blinded path: [`build_path`] behind the adapter boundary.
pub fn build(input: &BuildBlindedPath) -> Result<(BlindedPathView, Vec<HopSecrets>), Rejection> {
    let e0 = crypto::secret_key(&input.session_key, "session_key")?;
    let mut hops = Vec::with_capacity(input.hops.len());
    for h in &input.hops {
        let n = crypto::public_key(&h.node_id, "node_id")?;
        hops.push((n, unhex(&h.encrypted_data_tlvs, "encrypted_data_tlvs")?));
    }
    let secrets = build_path(&e0, &hops)?;
    Ok((path_view(&hops[0].0, &secrets), secrets))
}

/// Operation `blinded_path.build`.
pub fn build_op(input: &BuildBlindedPath, _profile: &Profile) -> Outcome {
    match build(input) {
        Ok((view, _)) => Outcome::accepted(&view),
        Err(r) => Outcome::Rejected(r),
    }
}

/// Unblind one hop and decode its data as a route-blinding reader: the
/// answer of `blinded_path.unblind`.
pub fn unblind_view(input: &UnblindHop, profile: &Profile) -> Result<UnblindedHopView, Rejection> {
    let k = crypto::secret_key(&input.node_secret, "node_secret")?;
    let e = crypto::public_key(&input.path_key, "path_key")?;
    let enc = unhex(&input.encrypted_recipient_data, "encrypted_recipient_data")?;
    let u = unblind(&k, &e, &enc)?;
    let d = parse_encrypted_data(&u.plaintext, &profile_known(profile))?;
    if rules::rejects(
        Rule::BlindedBothNextHops,
        d.next_node_id.is_some() && d.short_channel_id.is_some(),
    ) {
        return Err(Rejection::new(
            ReasonClass::InvalidEncryptedData,
            "both next_node_id and short_channel_id",
        ));
    }
    if rules::rejects(Rule::BlindedAllowedFeatures, d.unknown_allowed_feature()) {
        return Err(Rejection::new(
            ReasonClass::InvalidEncryptedData,
            "allowed_features sets a feature bit this reader does not know",
        ));
    }
    let next = d.next_path_key_override.unwrap_or(u.computed_next_path_key);
    Ok(UnblindedHopView {
        blinded_node_id: hex::encode(crypto::pubkey(&u.blinded_privkey).serialize()),
        encrypted_data_tlvs: hex::encode(&u.plaintext),
        next_node_id: d.next_node_id.map(|p| hex::encode(p.serialize())),
        short_channel_id: d.short_channel_id.map(scid_string),
        path_id: d.path_id.as_ref().map(hex::encode),
        next_path_key_override: d.next_path_key_override.map(|p| hex::encode(p.serialize())),
        next_path_key: hex::encode(next.serialize()),
    })
}

/// Operation `blinded_path.unblind`.
pub fn unblind_op(input: &UnblindHop, profile: &Profile) -> Outcome {
    match unblind_view(input, profile) {
        Ok(v) => Outcome::accepted(&v),
        Err(r) => Outcome::Rejected(r),
    }
}
