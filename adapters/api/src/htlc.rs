//! `update_add_htlc` and `revoke_and_ack` with their TLV streams.

use crate::blinding::BlindedPathView;
use crate::invoice::TlvRecord;
use serde::{Deserialize, Serialize};

/// The decoded view of an `update_add_htlc` (BOLT 2, type 128).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateAddHtlcView {
    /// `channel_id`, hex.
    pub channel_id: String,
    /// `id`.
    pub id: u64,
    /// `amount_msat`.
    pub amount_msat: u64,
    /// `payment_hash`, hex.
    pub payment_hash: String,
    /// `cltv_expiry`.
    pub cltv_expiry: u32,
    /// `onion_routing_packet` (1366 bytes), hex.
    pub onion_routing_packet: String,
    /// `blinded_path` TLV (type 0): the `path_key`, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_key: Option<String>,
    /// Whether the `hold_htlc` TLV is present.
    #[serde(default)]
    pub hold_htlc: bool,
    /// Unknown odd TLV records, in stream order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<TlvRecord>,
}

/// The decoded view of a `revoke_and_ack` (BOLT 2, type 133).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokeAndAckView {
    /// `channel_id`, hex.
    pub channel_id: String,
    /// `per_commitment_secret`, hex.
    pub per_commitment_secret: String,
    /// `next_per_commitment_point`, hex.
    pub next_per_commitment_point: String,
    /// The release paths TLV; absent when the TLV is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_paths: Option<Vec<ReleasePath>>,
    /// Unknown odd TLV records, in stream order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<TlvRecord>,
}

/// One release path: the draft's layout has no `htlc_id`; LDK 0.2 pairs each
/// path with the id of the HTLC it releases.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleasePath {
    /// The HTLC id (only in the `htlc_id_and_path` layout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub htlc_id: Option<u64>,
    /// The blinded message path.
    pub path: BlindedPathView,
}
