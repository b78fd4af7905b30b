//! Offers as BOLT 12 strings: the operation and its canonical view.
//!
//! An async payment starts from the recipient's offer (`lno1...`), which the
//! payer reads before it asks for the static invoice the offer's paths
//! serve. The reader's rules are BOLT 12's "Requirements For Offers"; the
//! string form is BOLT 12's "Encoding" (bech32 characters without a
//! checksum, optionally split by `+`).

use crate::invoice::{OfferFields, TlvRecord};
use serde::{Deserialize, Serialize};

/// Input of `offer.decode`: an offer as a BOLT 12 string, read as a payer
/// that accepts invoices for every chain (which chains a node pays on is its
/// own policy, not a property of the offer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecodeOffer {
    /// The string, as a person or a QR code would hand it over.
    pub string: String,
}

/// The decoded view of an offer a reader accepted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfferView {
    /// The offer's fields.
    pub offer: OfferFields,
    /// Records of unknown odd types the reader skipped, in stream order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<TlvRecord>,
}
