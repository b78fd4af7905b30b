//! Feature bits (BOLT 9): `option_htlc_hold` and its dependency.

use serde::{Deserialize, Serialize};

/// Input of `features.check`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckFeatures {
    /// The feature vector, big-endian bytes as on the wire, hex.
    pub hex: String,
    /// The context: `init` or `node_announcement`.
    pub context: String,
}

/// How a feature is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureState {
    /// Neither bit.
    Absent,
    /// The odd bit.
    Optional,
    /// The even bit (with or without the odd one).
    Compulsory,
}

/// The view of an accepted feature vector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeaturesView {
    /// `option_onion_messages` (38/39).
    pub onion_messages: FeatureState,
    /// `option_htlc_hold` (per profile).
    pub htlc_hold: FeatureState,
    /// Every bit set, ascending.
    pub bits: Vec<u16>,
}
