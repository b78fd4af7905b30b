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

/// Input of `blinded_path.build`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildBlindedPath {
    /// The 32-byte secret the path's first path key is derived from, hex.
    pub session_key: String,
    /// The hops, introduction node first.
    pub hops: Vec<PathHopInput>,
}

/// One hop given to `blinded_path.build`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathHopInput {
    /// The hop's real node id, hex.
    pub node_id: String,
    /// The hop's `encrypted_data_tlvs` in clear, hex.
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
