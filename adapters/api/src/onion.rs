//! Onion messages (BOLT 4): operations and canonical views.
//!
//! The inputs carry every secret explicitly (session keys, node secrets,
//! the node-local key that authenticates release contexts), so that an
//! implementation whose API takes an entropy source or a node signer can be
//! driven by fixed values and answer byte for byte.

use crate::blinding::BlindedPathView;
use serde::{Deserialize, Serialize};

/// Input of `onion_message.build`: a sender builds an `onion_message`
/// (type 513) over a blinded path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildOnionMessage {
    /// The Sphinx session key (the first ephemeral private key), 32 bytes hex.
    pub session_key: String,
    /// The blinded path to the destination, any sender-made hops already
    /// prepended (as BOLT 4's reader of a `blinded_path` does). The message
    /// goes to `first_node_id` with `path_key` = `first_path_key`; hop `i`'s
    /// layer is encrypted to its `blinded_node_id` and carries its
    /// `encrypted_recipient_data`.
    pub path: BlindedPathView,
    /// The final node's content TLV, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<MessageContent>,
    /// The `reply_path` (2) for the final node, if it may reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_path: Option<BlindedPathView>,
    /// Further records for the final node's `onionmsg_tlv` (e.g. an odd
    /// experimental type), written in type order with the others.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_tlvs: Vec<RawTlv>,
    /// Records added to every non-final hop's `onionmsg_tlv` besides its
    /// `encrypted_recipient_data`. BOLT 4 forbids this; only the experimental
    /// counterparty-served invoice scheme uses it (TLVs 4141 and 4343).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub intermediate_tlvs: Vec<RawTlv>,
    /// Length of `onionmsg_payloads`; when absent, 1300 if the payloads fit,
    /// else 32768 (BOLT 4: "SHOULD set `len` to 1366 or 32834").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payloads_len: Option<u32>,
}

/// A content TLV of `onionmsg_tlv`, named by kind; its type number comes
/// from the profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageContent {
    /// `invoice_request` (64), `invoice` (66), `invoice_error` (68),
    /// `static_invoice`, `held_htlc_available` or `release_held_htlc`; under
    /// the experimental design profiles also `async_payment_notice`,
    /// `async_payment_trigger` (trampoline hold) and `hold_htlc_request`
    /// (payment-id unblock); under `experimental-ldk-invoice-server` also
    /// `offer_paths_request`, `offer_paths`, `serve_static_invoice` and
    /// `static_invoice_persisted` (LDK's invoice-server protocol).
    pub kind: String,
    /// The TLV's value (a TLV stream for every kind above), hex; empty for
    /// `held_htlc_available` and `release_held_htlc`, whose streams define no fields.
    pub value: String,
}

/// One raw TLV record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTlv {
    /// The type.
    #[serde(rename = "type")]
    pub tlv_type: u64,
    /// The value, hex.
    pub value: String,
}

/// Answer of `onion_message.build`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuiltOnionMessageView {
    /// The peer to send the message to (the path's `first_node_id`), hex.
    pub first_node_id: String,
    /// The whole `onion_message`, type 513 prefix included, hex.
    pub onion_message: String,
}

/// Input of `onion_message.peel`: one node receives an `onion_message`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeelOnionMessage {
    /// The receiving node's secret key, hex.
    pub node_secret: String,
    /// The whole `onion_message`, type 513 prefix included, hex.
    pub onion_message: String,
    /// The node-local secret with which this node authenticates the release
    /// contexts it puts in its own reply paths (see `vectors/release-context.md`),
    /// hex. Absent: the node created no release paths.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_auth_key: Option<String>,
    /// Experimental (counterparty-served invoices): the counterparty's static
    /// `counterparty_secret`, hex. With it, a forwarding node that finds
    /// `payer_encrypted_reply_path` and `unique_salt` decrypts the reply path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterparty_secret: Option<String>,
    /// Experimental: the secrets of the HTLCs this node holds, hex, that a
    /// message must echo to release one: PR 989's first form's
    /// `payment_release_secret` (echoed by `release_held_htlc`), the
    /// trampoline hold's async-payment nonce (echoed by
    /// `async_payment_trigger`), the unblock design's payment id (echoed by
    /// `payment_unblock`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held_release_secrets: Vec<String>,
}

/// Answer of `onion_message.peel`: exactly one of `forward` and `receive`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeeledOnionMessageView {
    /// The decrypted `encrypted_data_tlv` of this hop, hex.
    pub encrypted_data_tlvs: String,
    /// Set when the node is not the final node: what it forwards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward: Option<ForwardView>,
    /// Set when the node is the final node: what it received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receive: Option<ReceiveView>,
}

/// A forwarded onion message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForwardView {
    /// `next_node_id`, hex, if the data named the next peer by node id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_node_id: Option<String>,
    /// `short_channel_id` as `BLOCKxTXxOUTPUT`, if it named a channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_channel_id: Option<String>,
    /// The `onion_message` to send to the next peer (next `path_key` and
    /// the peeled packet), type prefix included, hex.
    pub onion_message: String,
    /// Experimental (counterparty-served invoices): the payer's reply path,
    /// decrypted by the counterparty from `payer_encrypted_reply_path`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterparty_reply_path: Option<BlindedPathView>,
}

/// A received onion message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiveView {
    /// `path_id` (6) of the final hop's `encrypted_data_tlv`, hex, if present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_id: Option<String>,
    /// The content TLV, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<ContentView>,
    /// The `reply_path`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_path: Option<BlindedPathView>,
    /// The release context of the path the message arrived on, if its
    /// `encrypted_data_tlv` carries one (the profile's
    /// `encrypted_data_release_context` type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_context: Option<ReleaseContextView>,
    /// Other (unknown odd) records of the `onionmsg_tlv`, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_tlvs: Vec<RawTlv>,
}

/// A content TLV as received.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentView {
    /// The kind (see [`MessageContent::kind`]).
    pub kind: String,
    /// The type number it arrived with.
    #[serde(rename = "type")]
    pub tlv_type: u64,
    /// The value, hex.
    pub value: String,
}

/// The release context found in a reply path's final `encrypted_data_tlv`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseContextView {
    /// The `encrypted_data_tlv` type it was found at.
    #[serde(rename = "type")]
    pub tlv_type: u64,
    /// Its value, hex (opaque under an implementation-private layout).
    pub value: String,
    /// The held HTLC's `channel_id`, hex, when the layout is the suite's (`bolts-pr1149`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<String>,
    /// The held HTLC's `id`, when the layout is the suite's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub htlc_id: Option<u64>,
    /// True when the context was authenticated with `release_auth_key`.
    pub authenticated: bool,
}
