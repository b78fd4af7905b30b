//! Static invoices: operations and canonical views.
//!
//! Every byte string is lower-case hex. Optional fields are absent from the
//! JSON when the TLV is absent; lists are absent when the TLV is absent and
//! `[]` when the TLV is present but empty.

use crate::blinding::BlindedPathView;
use serde::{Deserialize, Serialize};

/// Input of `static_invoice.decode`: the invoice TLV stream (no bech32) and
/// the reader's current time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecodeStaticInvoice {
    /// The invoice's TLV stream, hex.
    pub hex: String,
    /// The reader's current time, seconds since the UNIX epoch.
    pub now: u64,
}

/// Input of `static_invoice.encode`: the fields to write and the key to sign with.
///
/// The signature is BIP340 over the BOLT 12 Merkle root with tag
/// `"lightning" || "static_invoice" || "signature"`, made without auxiliary
/// randomness (libsecp256k1 with a NULL `aux_rand32`), so that encodings are
/// comparable byte for byte.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncodeStaticInvoice {
    /// Offer fields (types 1 to 79).
    pub offer: OfferFields,
    /// Invoice fields (types 160 to 239).
    pub invoice: InvoiceFields,
    /// Further records written in type order with the known ones (e.g. unknown odd types).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<TlvRecord>,
    /// The 32-byte secret key to sign with, hex.
    pub signing_key: String,
}

/// One TLV record kept as raw bytes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlvRecord {
    /// The TLV type.
    #[serde(rename = "type")]
    pub tlv_type: u64,
    /// The value, hex.
    pub hex: String,
}

/// The decoded view of a static invoice, as a reader that accepted it sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaticInvoiceView {
    /// Offer fields.
    pub offer: OfferFields,
    /// Invoice fields.
    pub invoice: InvoiceFields,
    /// Records the reader does not know and kept: unknown odd types, and
    /// records in the invoice request range (80 to 159), in stream order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<TlvRecord>,
    /// The BIP340 signature (TLV 240), hex.
    pub signature: String,
    /// Values the reader derived.
    pub derived: DerivedInvoiceValues,
}

/// Values a reader derives from a static invoice.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DerivedInvoiceValues {
    /// The BOLT 12 Merkle root of the non-signature records, hex.
    pub merkle_root: String,
    /// When payment should no longer be attempted: `created_at` plus the
    /// relative expiry (or the profile's default), seconds since the epoch.
    pub expires_at: u64,
}

/// Offer fields (TLV types 1 to 79) as they appear in an invoice.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfferFields {
    /// `offer_chains` (2): chain hashes, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chains: Option<Vec<String>>,
    /// `offer_metadata` (4), hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// `offer_currency` (6), as UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// `offer_amount` (8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    /// `offer_description` (10), as UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `offer_features` (12), hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<String>,
    /// `offer_absolute_expiry` (14), seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absolute_expiry: Option<u64>,
    /// `offer_paths` (16).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paths: Option<Vec<BlindedPathView>>,
    /// `offer_issuer` (18), as UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// `offer_quantity_max` (20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity_max: Option<u64>,
    /// `offer_issuer_id` (22), compressed point, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_id: Option<String>,
}

/// Invoice fields (TLV types 160 to 239).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceFields {
    /// `invoice_paths` (160).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paths: Option<Vec<BlindedPathView>>,
    /// `invoice_blindedpay` (162).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blindedpay: Option<Vec<BlindedPayInfo>>,
    /// `invoice_created_at` (164).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<u64>,
    /// `invoice_relative_expiry` (166), seconds from creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative_expiry: Option<u32>,
    /// `invoice_payment_hash` (168), hex. A static invoice has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_hash: Option<String>,
    /// `invoice_amount` (170). A static invoice has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    /// `invoice_fallbacks` (172), the raw value, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallbacks: Option<String>,
    /// `invoice_features` (174), hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<String>,
    /// `invoice_node_id` (176), compressed point, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_id: Option<String>,
    /// `static_invoice_message_paths` (178 in the draft; per profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_paths: Option<Vec<BlindedPathView>>,
}

/// A `blinded_payinfo` entry of `invoice_blindedpay`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlindedPayInfo {
    /// `fee_base_msat`.
    pub fee_base_msat: u32,
    /// `fee_proportional_millionths`.
    pub fee_proportional_millionths: u32,
    /// `cltv_expiry_delta`.
    pub cltv_expiry_delta: u16,
    /// `htlc_minimum_msat`.
    pub htlc_minimum_msat: u64,
    /// `htlc_maximum_msat`.
    pub htlc_maximum_msat: u64,
    /// `features`, hex (empty string for none).
    pub features: String,
}
