//! Payment onion payloads (BOLT 4 `tlv_payload`), as the node a hop's
//! payload is addressed to reads it: operation `payment_payload.decode`.
//!
//! Only the experimental trampoline-hold profile (design 000) has vectors
//! for it today: its hold request and nonce ride in the first hop's
//! payload, the payer's LSP's.

use crate::blinding::BlindedPathView;
use crate::onion::RawTlv;
use serde::{Deserialize, Serialize};

/// Answer of `payment_payload.decode`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentPayloadView {
    /// `amt_to_forward` (2).
    pub amt_to_forward: u64,
    /// `outgoing_cltv_value` (4).
    pub outgoing_cltv_value: u32,
    /// `short_channel_id` (6) as `BLOCKxTXxOUTPUT`, if present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_channel_id: Option<String>,
    /// The profile's `async_hold` record, if present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub async_hold: Option<AsyncHoldView>,
    /// Unknown odd records, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_tlvs: Vec<RawTlv>,
}

/// The trampoline hold request, as read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AsyncHoldView {
    /// `trampoline` (no `short_channel_id`: the LSP routes) or `one_shot`
    /// (a `short_channel_id` and a pre-built onion).
    pub mode: String,
    /// The async-payment nonce, hex.
    pub nonce: String,
    /// Trampoline: the onward CLTV delta from the trigger's height.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downstream_cltv_delta: Option<u32>,
    /// Trampoline: the receiver's blinded route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver_path: Option<BlindedPathView>,
    /// Trampoline: the receiver's final payload, sealed by the payer, hex
    /// (relayed unread).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver_payload: Option<String>,
}
