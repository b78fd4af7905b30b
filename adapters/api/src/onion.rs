//! Onion messages (BOLT 4): operations and canonical views.

use serde::{Deserialize, Serialize};

/// Input of `onion_message.build`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildOnionMessage {
    /// The construction, as the vector file describes it.
    pub spec: serde_json::Value,
}

/// Input of `onion_message.peel`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeelOnionMessage {
    /// The peeling node and packet, as the vector file describes them.
    pub spec: serde_json::Value,
}
