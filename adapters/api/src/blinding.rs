//! Blinded paths (BOLT 4 route blinding): operations and canonical views.

use serde::{Deserialize, Serialize};

/// A blinded path as BOLT 12 encodes it (`blinded_path`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlindedPathView {
    /// `first_node_id`: a 33-byte compressed point, or a 9-byte
    /// `sciddir_or_pubkey` (direction byte and short channel id), hex.
    pub first_node_id: String,
    /// `first_path_key`, hex.
    pub first_path_key: String,
    /// The hops, in order.
    pub hops: Vec<BlindedHopView>,
}

/// One hop of a blinded path.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlindedHopView {
    /// `blinded_node_id`, hex.
    pub blinded_node_id: String,
    /// `encrypted_recipient_data`, hex.
    pub encrypted_recipient_data: String,
}

/// Input of `blinded_path.build`: the path's creator (usually its final
/// node) blinds a chain of hops with one session key.
///
/// A path concatenated from segments made by different creators (BOLT 4's
/// `next_path_key_override`) is built one segment at a time and the hop
/// lists joined; the override is then just a TLV in the segment's last hop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildBlindedPath {
    /// The 32-byte secret `e_0` the path's first path key `E_0 = e_0·G` is derived from, hex.
    pub session_key: String,
    /// The hops, introduction node first; at least one.
    pub hops: Vec<PathHopInput>,
}

/// One hop given to `blinded_path.build`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathHopInput {
    /// The hop's real node id, hex.
    pub node_id: String,
    /// The hop's `encrypted_data_tlvs` in clear, hex (encrypted as given,
    /// padding included: the builder does not add or check fields).
    pub encrypted_data_tlvs: String,
}

/// Input of `blinded_path.unblind`: one hop decrypting its data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnblindHop {
    /// The hop's node secret key, hex.
    pub node_secret: String,
    /// The path key the hop received, hex.
    pub path_key: String,
    /// The hop's `encrypted_recipient_data`, hex.
    pub encrypted_recipient_data: String,
}

/// Answer of `blinded_path.unblind`: what the hop learns.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnblindedHopView {
    /// The hop's own blinded node id `B_i`, hex (the key the onion layer was encrypted to).
    pub blinded_node_id: String,
    /// The decrypted `encrypted_data_tlv` stream, hex, exactly as decrypted.
    pub encrypted_data_tlvs: String,
    /// `next_node_id` (4), hex, if present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_node_id: Option<String>,
    /// `short_channel_id` (2), as `BLOCKxTXxOUTPUT`, if present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_channel_id: Option<String>,
    /// `path_id` (6), hex, if present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_id: Option<String>,
    /// `next_path_key_override` (8), hex, if present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_path_key_override: Option<String>,
    /// The path key to hand to the next hop: the override if present, else
    /// `E_{i+1} = SHA256(E_i || ss_i)·E_i`, hex.
    pub next_path_key: String,
}
