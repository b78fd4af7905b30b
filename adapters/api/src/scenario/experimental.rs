//! Scenario elements of the `experimental` profiles that carry earlier
//! async payment designs (see `vectors/designs.md`): the trampoline hold
//! (design 000) and the payment-id unblock (design 001); and of the profile
//! that carries LDK's invoice-server protocol (the setup, the messages'
//! contents).
//!
//! They are abstract, like the rest of the scenario format: a payload's
//! hold request is a nonce and a mode, not bytes; the wire encodings are
//! checked by the profiles' codec vectors.

use serde::{Deserialize, Serialize};

/// How a trampoline-hold payment leaves the payer's LSP once triggered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldMode {
    /// The LSP is a trampoline: on the trigger it builds the onward onion
    /// to the receiver's blinded route itself (and may try again after a
    /// downstream failure).
    Trampoline,
    /// The payer built the whole onion up front; the LSP forwards it as it
    /// is, once, and tries no other.
    OneShot,
}

/// The hold request in the first hop's payment onion payload (design 000).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AsyncHold {
    /// The async-payment nonce the trigger must carry, hex (32 bytes).
    pub nonce: String,
    /// Trampoline or one-shot.
    pub mode: HoldMode,
    /// Trampoline: the CLTV delta the LSP gives the onward HTLC, counted
    /// from the height at which the trigger arrives (a standard delta,
    /// however long the payer's own CLTV towards the LSP). Ignored for a
    /// one-shot hold, whose onward expiry is the payload's
    /// `outgoing_cltv_value`.
    #[serde(default)]
    pub downstream_cltv_delta: u32,
    /// Trampoline: the scenario's name for the receiver's blinded route the
    /// LSP builds the onward onion to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver_path: Option<String>,
}

/// Experimental (LDK's invoice-server protocol, profile
/// `experimental-ldk-invoice-server`): what the recipient and its invoice
/// server set up before the scenario.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceServerSetup {
    /// For the invoice server: the paths it created for its recipients'
    /// `offer_paths_request` (named by the scenario; an event names one
    /// with [`super::PathRef::Named`]), each with the recipient it serves
    /// and its expiry.
    #[serde(default)]
    pub request_paths: Vec<RequestPathSpec>,
    /// For the recipient: the paths to its invoice server, for
    /// `offer_paths_request`.
    #[serde(default)]
    pub server_paths: Vec<String>,
}

/// A path an invoice server created for one recipient's requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestPathSpec {
    /// The scenario's name for the path.
    pub path: String,
    /// The recipient it was made for.
    pub recipient: String,
    /// Its absolute expiry, seconds since 1970; absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
}

/// `offer_paths`, abstractly: the paths for the recipient's offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfferPathsSpec {
    /// Names of the paths (created by the server, ending at it).
    pub paths: Vec<String>,
    /// `paths_absolute_expiry`, seconds since 1970; absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paths_absolute_expiry: Option<u64>,
}

/// `serve_static_invoice`, abstractly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeStaticInvoiceSpec {
    /// The invoice to store and serve.
    pub invoice: super::StaticInvoiceSpec,
    /// The name of the path over which the server forwards invoice
    /// requests to the recipient.
    pub forward_invoice_request_path: String,
}
