//! Invoice requests, as the node answering on an offer's behalf reads them
//! (BOLT 12 `invoice_request`; for async payments, the invoice server that
//! answers with the recipient's static invoice).
//!
//! The input is the TLV stream an `invoice_request` onion message carries
//! (no bech32), as hex, in a [`crate::HexInput`].

use crate::invoice::OfferFields;
use serde::{Deserialize, Serialize};

/// The decoded view of an invoice request a reader accepted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceRequestView {
    /// The offer fields the request mirrors (types 1 to 79).
    pub offer: OfferFields,
    /// The request's own fields (types 0 and 80 to 159).
    pub invreq: InvoiceRequestFields,
}

/// The fields of an invoice request besides the offer's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceRequestFields {
    /// `invreq_metadata` (0), hex.
    pub metadata: String,
    /// `invreq_chain` (80), hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain: Option<String>,
    /// `invreq_amount` (82), msat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    /// `invreq_features` (84), hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<String>,
    /// `invreq_quantity` (86).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u64>,
    /// `invreq_payer_id` (88), compressed point, hex.
    pub payer_id: String,
    /// `invreq_payer_note` (89), as UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_note: Option<String>,
}
