//! The records of a TLV stream LDK has accepted, split with LDK's own
//! `BigSize` reader.
//!
//! A `StaticInvoice` keeps the exact bytes it was parsed from (its
//! `Writeable` writes them back unchanged, offers/static_invoice.rs:572-576),
//! but some of its accessors fold "absent" into a default (`chain()`,
//! `relative_expiry()`, `offer_features()`, `invoice_features()`), filter
//! values (`fallbacks()`) or expose nothing at all (unknown odd records). This
//! module lists the records of those retained bytes so the view can say
//! whether a record was present and show records LDK kept but has no accessor
//! for. Values are always taken from LDK's accessors when one exists.

use lightning::ln::msgs::DecodeError;
use lightning::util::ser::{BigSize, Readable};

/// `offer_chains`.
pub(crate) const OFFER_CHAINS: u64 = 2;
/// `offer_features`.
pub(crate) const OFFER_FEATURES: u64 = 12;
/// `offer_paths`.
pub(crate) const OFFER_PATHS: u64 = 16;
/// `invoice_paths`.
pub(crate) const INVOICE_PATHS: u64 = 160;
/// `invoice_relative_expiry`.
pub(crate) const INVOICE_RELATIVE_EXPIRY: u64 = 166;
/// `invoice_fallbacks`.
pub(crate) const INVOICE_FALLBACKS: u64 = 172;
/// `invoice_features`.
pub(crate) const INVOICE_FEATURES: u64 = 174;
/// LDK 0.2.7's type for the static invoice's message paths (offers/invoice.rs:1487).
pub(crate) const LDK_MESSAGE_PATHS: u64 = 236;

/// The TLV types LDK 0.2.7 reads into an `Offer` (offers/offer.rs:1220-1232;
/// the experimental stream has no field outside `cfg(test)`). Any other
/// record of an accepted offer is one LDK skipped as unknown odd and kept in
/// its bytes.
pub(crate) const LDK_OFFER_TYPES: &[u64] = &[2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22];

/// The TLV types LDK 0.2.7 reads into a `StaticInvoice`: the offer stream
/// (offers/offer.rs:1220-1232), the invoice stream (offers/invoice.rs:1476-1488)
/// and the signature (offers/merkle.rs:24-26). The experimental streams have
/// no fields outside `cfg(test)`. Any other record in an accepted invoice is
/// one LDK skipped as unknown odd and kept in its bytes.
pub(crate) const LDK_STATIC_INVOICE_TYPES: &[u64] = &[
    2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, // offer: LDK_OFFER_TYPES
    160, 162, 164, 166, 168, 170, 172, 174, 176, 236, // invoice
    240, // signature
];

/// One record: its type and value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Record<'a> {
    /// The type.
    pub tlv_type: u64,
    /// The value.
    pub value: &'a [u8],
}

/// Splits `bytes` into records with LDK's `BigSize` reader (which rejects
/// non-minimal encodings, util/ser.rs:521-551). Fails on a truncated stream.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Record<'_>>, DecodeError> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let tlv_type = <BigSize as Readable>::read(&mut rest)?.0;
        let len = <BigSize as Readable>::read(&mut rest)?.0;
        let len = usize::try_from(len).map_err(|_| DecodeError::ShortRead)?;
        if len > rest.len() {
            return Err(DecodeError::ShortRead);
        }
        let (value, tail) = rest.split_at(len);
        out.push(Record { tlv_type, value });
        rest = tail;
    }
    Ok(out)
}
