//! The release context: what the holding node (the payer's LSP) puts in the
//! final `encrypted_data_tlv` of each reply path it hands out for
//! `release_held_htlc`, and how it checks it when a release arrives.
//!
//! The draft (BOLT 2, `revoke_and_ack` receiver) says "Each `reply_path`
//! MUST contain a `release_held_htlc` TLV for the `update_add_htlc`
//! recipient in the `encrypted_data_tlvs`" and defines neither its number
//! nor its contents. The `bolts-pr1149` profile pins this construction
//! (documented in `vectors/release-context.md`):
//!
//! * type: the profile's `encrypted_data_release_context` (16, the next
//!   unassigned even `encrypted_data_tlv` type);
//! * value: `channel_id` (32 bytes) `||` `htlc_id` (u64, big-endian): the
//!   held HTLC, as `update_add_htlc` named it, 40 bytes;
//! * authentication: `path_id` (6) = `HMAC256(release_auth_key,
//!   "asyncpay release_held_htlc v1" || value)`, 32 bytes, where
//!   `release_auth_key` is a 32-byte secret that never leaves the holder.
//!
//! Why a MAC: anyone can build a blinded path to any node with any
//! `encrypted_data_tlv` in it (BOLT 4: "it can also be created by the
//! sender themselves: the node forwarding cannot tell"), so a context
//! found in decrypted data proves nothing by itself. Only the holder knows
//! `release_auth_key`, so a `path_id` that verifies proves the holder wrote
//! this exact context; BOLT 4 provides `path_id` for exactly this ("MAY
//! store private data in `encrypted_data_tlv[r].path_id` to verify that the
//! route is used in the right context and was created by them"). The MAC
//! covers the whole value, so altering the channel or the HTLC id fails.
//! The holder needs no per-path storage.
//!
//! Under an implementation profile (`ldk-0.2`: type 65537) the context is
//! private to the implementation; the reference reports it as opaque bytes
//! and does not authenticate it.

use crate::blinding::{EncryptedData, PATH_ID};
use crate::crypto::hmac256;
use crate::rules::{self, Rule};
use crate::tlv;
use asyncpay_adapter::{ReasonClass, Rejection};

/// Domain separation tag of the `path_id` MAC.
pub const MAC_TAG: &[u8] = b"asyncpay release_held_htlc v1";

/// Length of the context value: `channel_id` and `htlc_id`.
pub const CONTEXT_LEN: usize = 40;

/// The context value for the HTLC `htlc_id` of channel `channel_id`.
pub fn context_value(channel_id: &[u8; 32], htlc_id: u64) -> Vec<u8> {
    let mut v = channel_id.to_vec();
    v.extend_from_slice(&htlc_id.to_be_bytes());
    v
}

/// `path_id = HMAC256(release_auth_key, MAC_TAG || value)`.
pub fn path_id(release_auth_key: &[u8; 32], value: &[u8]) -> [u8; 32] {
    let mut msg = MAC_TAG.to_vec();
    msg.extend_from_slice(value);
    hmac256(release_auth_key, &msg)
}

/// The final hop's `encrypted_data_tlv` of a release reply path: optional
/// `padding` (1) of `padding_len` zero bytes, `path_id` (6), and the context
/// at `context_type`.
pub fn final_hop_tlvs(
    release_auth_key: &[u8; 32],
    context_type: u64,
    channel_id: &[u8; 32],
    htlc_id: u64,
    padding_len: usize,
) -> Vec<u8> {
    let value = context_value(channel_id, htlc_id);
    let mut recs = Vec::new();
    if padding_len > 0 {
        recs.push((1, vec![0u8; padding_len]));
    }
    recs.push((PATH_ID, path_id(release_auth_key, &value).to_vec()));
    recs.push((context_type, value));
    tlv::write_stream(&mut recs)
}

/// Check a release context found at `context_type` in `data` with the
/// holder's key; returns `(channel_id, htlc_id)`.
pub fn verify(
    release_auth_key: Option<&[u8; 32]>,
    data: &EncryptedData,
    context_type: u64,
) -> Result<([u8; 32], u64), Rejection> {
    let unauth = |m: &str| {
        rules::fire(Rule::ReleaseAuthenticated);
        Rejection::new(ReasonClass::UnauthenticatedRelease, m.to_string())
    };
    let value = data
        .get(context_type)
        .ok_or_else(|| unauth("release_held_htlc arrived over a path without a release context"))?;
    let key = release_auth_key
        .ok_or_else(|| unauth("this node created no release paths (no release_auth_key)"))?;
    let pid = data
        .path_id
        .as_deref()
        .ok_or_else(|| unauth("release context without a path_id MAC"))?;
    let expect = path_id(key, value);
    let diff = pid.len() != 32
        || expect
            .iter()
            .zip(pid)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            != 0;
    if rules::rejects(Rule::ReleaseAuthenticated, diff) {
        return Err(unauth(
            "path_id does not authenticate the release context (altered, or not created by this node)",
        ));
    }
    if value.len() != CONTEXT_LEN {
        return Err(Rejection::new(
            ReasonClass::InvalidEncryptedData,
            format!(
                "release context of {} bytes, expected {CONTEXT_LEN}",
                value.len()
            ),
        ));
    }
    let mut cid = [0u8; 32];
    cid.copy_from_slice(&value[..32]);
    let mut id = [0u8; 8];
    id.copy_from_slice(&value[32..]);
    Ok((cid, u64::from_be_bytes(id)))
}
