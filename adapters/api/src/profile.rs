//! Profiles: the numbers an implementation puts on the wire.
//!
//! A vector means the same under every profile; its bytes are rendered with
//! the profile's numbers. `vectors/profiles.json` holds the profiles; each
//! number the draft does not assign is listed in [`Profile::choices`].

use serde::{Deserialize, Serialize};

/// A named set of wire numbers, with the choices made where the draft is silent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Stable name, e.g. `bolts-pr1149` or `ldk-0.2`.
    pub name: String,
    /// What the profile describes.
    pub description: String,
    /// `draft`, `implementation` or `experimental`.
    pub kind: String,
    /// The spec commit or implementation version the numbers come from.
    pub source: String,
    /// The numbers.
    pub numbers: Numbers,
    /// Each number or behaviour chosen by the suite where its source assigns none.
    #[serde(default)]
    pub choices: Vec<Choice>,
}

/// The wire numbers of one profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Numbers {
    /// `update_add_htlc_tlvs` type of `hold_htlc`.
    pub hold_htlc: u64,
    /// `revoke_and_ack_tlvs` type of the release message paths.
    pub release_paths: u64,
    /// Layout of the release paths value: `paths` (a list of blinded paths,
    /// as the draft) or `htlc_id_and_path` (a list of (u64 htlc id, blinded
    /// path) pairs, as LDK 0.2).
    pub release_paths_format: String,
    /// Invoice TLV type of `static_invoice_message_paths`.
    pub static_invoice_message_paths: u64,
    /// Payment onion payload type of `invoice_request`.
    pub payload_invoice_request: u64,
    /// Payment onion payload type of `sender_provided_payment_preimage`.
    pub payload_sender_preimage: u64,
    /// `onionmsg_tlv` type of `static_invoice`.
    pub onionmsg_static_invoice: u64,
    /// `onionmsg_tlv` type of `held_htlc_available`.
    pub onionmsg_held_htlc_available: u64,
    /// `onionmsg_tlv` type of `release_held_htlc`.
    pub onionmsg_release_held_htlc: u64,
    /// `encrypted_data_tlvs` type of the release context in a reply path.
    pub encrypted_data_release_context: u64,
    /// The even (compulsory) bit of `option_htlc_hold`; the optional bit is this plus one.
    pub feature_htlc_hold: u16,
    /// Default expiry of a static invoice without `invoice_relative_expiry`, seconds.
    pub static_invoice_default_expiry: u64,
    /// Experimental (counterparty-served invoices): `onionmsg_tlv` type of
    /// `payer_encrypted_reply_path`, put in every non-final hop's payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onionmsg_payer_encrypted_reply_path: Option<u64>,
    /// Experimental (counterparty-served invoices): `onionmsg_tlv` type of `unique_salt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onionmsg_unique_salt: Option<u64>,
    /// Experimental (PR 989's first form): length of the `payment_release_secret`
    /// that `hold_htlc` carries and `release_held_htlc` echoes back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_release_secret_len: Option<u64>,
    /// Experimental (trampoline hold, design 000): payment onion payload
    /// type of `async_hold`, the hold request and async-payment nonce in the
    /// first hop's payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_async_hold: Option<u64>,
    /// Experimental (trampoline hold): `onionmsg_tlv` type of
    /// `async_payment_notice`, the payer's message to the receiver carrying
    /// the nonce (its reply path leads to the payer's LSP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onionmsg_async_notice: Option<u64>,
    /// Experimental (trampoline hold): `onionmsg_tlv` type of
    /// `async_payment_trigger`, the receiver's message to the payer's LSP
    /// carrying the nonce.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onionmsg_async_trigger: Option<u64>,
    /// Experimental (payment-id unblock, design 001): `onionmsg_tlv` type of
    /// `hold_htlc_request`, the payer's request to its LSP to hold the HTLCs
    /// of one or several payment hashes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onionmsg_hold_request: Option<u64>,
    /// Experimental (payment-id unblock): `encrypted_data_tlv` type of
    /// `payment_unblock` (the secret payment id) in the payer's LSP's hop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_data_payment_unblock: Option<u64>,
    /// Experimental (LDK's invoice-server protocol): `onionmsg_tlv` type of
    /// `offer_paths_request`, the recipient's request to its invoice server
    /// for the blinded paths of a new offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onionmsg_offer_paths_request: Option<u64>,
    /// Experimental (invoice server): `onionmsg_tlv` type of `offer_paths`,
    /// the server's answer with the paths.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onionmsg_offer_paths: Option<u64>,
    /// Experimental (invoice server): `onionmsg_tlv` type of
    /// `serve_static_invoice`, the recipient's static invoice for the
    /// server to store and serve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onionmsg_serve_static_invoice: Option<u64>,
    /// Experimental (invoice server): `onionmsg_tlv` type of
    /// `static_invoice_persisted`, the server's confirmation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onionmsg_static_invoice_persisted: Option<u64>,
}

/// A number or behaviour the suite chose where the profile's source is silent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The [`Numbers`] field (or behaviour) chosen.
    pub field: String,
    /// The value chosen, as text.
    pub value: String,
    /// Why this value.
    pub why: String,
    /// The draft-gap flag vectors that depend on this choice carry.
    pub flag: String,
}

impl Profile {
    /// The optional bit of `option_htlc_hold`.
    pub fn htlc_hold_optional_bit(&self) -> u16 {
        self.numbers.feature_htlc_hold + 1
    }
}
