//! LDK's errors mapped to the suite's [`ReasonClass`]es.
//!
//! LDK's error enums are coarser than the suite's classes: `DecodeError::InvalidValue`
//! alone covers out-of-order and duplicate TLVs, non-minimal BigSizes, invalid
//! points, records outside the message's TLV ranges, trailing bytes and bad
//! lengths (`util/ser_macros.rs:584-665`, `util/ser.rs:521-551`,
//! `offers/parse.rs` `ParsedMessage::try_from`). The mapping keeps LDK's
//! meaning and never guesses beyond it; the harness reports class mismatches
//! separately. LDK's own error is always kept in [`Rejection::detail`].

use crate::records;
use asyncpay_adapter::{ReasonClass, Rejection};
use lightning::io;
use lightning::ln::msgs::DecodeError;
use lightning::offers::parse::{Bolt12ParseError, Bolt12SemanticError};

/// The class of an LDK [`DecodeError`] raised while reading a message or TLV stream.
pub(crate) fn decode_error_class(e: &DecodeError) -> ReasonClass {
    match e {
        // An even TLV type that the reader does not know (util/ser_macros.rs:654-656).
        DecodeError::UnknownRequiredFeature => ReasonClass::UnknownEvenType,
        // The buffer ended early (util/ser_macros.rs:601-606; msgs.rs:2618-2625).
        DecodeError::ShortRead => ReasonClass::Truncated,
        DecodeError::Io(io::ErrorKind::UnexpectedEof) => ReasonClass::Truncated,
        // LDK's catch-all for malformed values: see the module documentation.
        DecodeError::InvalidValue => ReasonClass::InvalidValue,
        DecodeError::BadLengthDescriptor => ReasonClass::InvalidValue,
        DecodeError::UnknownVersion => ReasonClass::InvalidValue,
        DecodeError::UnsupportedCompression => ReasonClass::InvalidValue,
        DecodeError::DangerousValue => ReasonClass::InvalidValue,
        // Reading from a byte slice raises no I/O error but a premature end
        // (above); any other kind is still LDK's reader refusing the input,
        // for a reason the kind does not name.
        DecodeError::Io(_) => ReasonClass::Unspecified,
    }
}

/// A rejection for an LDK [`DecodeError`].
pub(crate) fn decode_rejection(e: &DecodeError, what: &str) -> Rejection {
    Rejection::new(
        decode_error_class(e),
        format!("LDK rejected the {what}: DecodeError::{e:?}"),
    )
}

/// The class of a [`Bolt12SemanticError`] raised by `StaticInvoice::try_from`.
///
/// `MissingPaths` is raised at four places (offers/invoice.rs:1760,1762 for
/// `invoice_paths`, offers/static_invoice.rs:692 for the message paths,
/// offers/static_invoice.rs:707 and offers/offer.rs:1342-1343 for
/// `offer_paths`); [`static_invoice_rejection`] tells them apart from the
/// input. Here it maps to the class of the first site.
fn semantic_error_class(e: &Bolt12SemanticError) -> ReasonClass {
    use Bolt12SemanticError as E;
    match e {
        E::AlreadyExpired => ReasonClass::Expired,
        E::UnsupportedChain => ReasonClass::UnsupportedChain,
        // More than one offer chain (offers/static_invoice.rs:709-711).
        E::UnexpectedChain => ReasonClass::InvalidOffer,
        // Offer amount/currency/description rules (offers/offer.rs:1310-1327).
        E::MissingAmount
        | E::InvalidAmount
        | E::InvalidCurrencyCode
        | E::InsufficientAmount
        | E::UnsupportedCurrency
        | E::MissingDescription
        | E::UnexpectedIssuerSigningPubkey
        | E::MissingQuantity
        | E::InvalidQuantity
        | E::UnexpectedQuantity
        | E::InvalidMetadata
        | E::UnexpectedMetadata
        | E::UnexpectedFeatures => ReasonClass::InvalidOffer,
        // `invoice_amount` present (offers/static_invoice.rs:687-689).
        E::UnexpectedAmount => ReasonClass::UnexpectedAmount,
        // `invoice_payment_hash` present (offers/static_invoice.rs:684-686).
        E::UnexpectedPaymentHash => ReasonClass::UnexpectedPaymentHash,
        E::UnknownRequiredFeatures => ReasonClass::UnknownRequiredFeature,
        E::MissingPaths => ReasonClass::MissingPaymentPaths,
        // `invoice_blindedpay` missing or not one per path (offers/invoice.rs:1761,1763-1765).
        E::InvalidPayInfo => ReasonClass::BlindedPayMismatch,
        // `invoice_created_at`, `invoice_node_id`, offer issuer id or payer fields missing.
        E::MissingCreationTime
        | E::MissingSigningPubkey
        | E::MissingIssuerSigningPubkey
        | E::MissingPaymentHash
        | E::MissingPayerMetadata
        | E::MissingPayerSigningPubkey => ReasonClass::MissingField,
        // `invoice_node_id` differs from `offer_issuer_id`, or from every last blinded
        // node id of `offer_paths` (offers/invoice.rs:1774-1795).
        E::InvalidSigningPubkey => ReasonClass::NodeIdMismatch,
        E::MissingSignature => ReasonClass::MissingSignature,
        E::UnexpectedPaths | E::UnexpectedHumanReadableName => ReasonClass::InvalidValue,
        // Raised when paying, never by a parser (offers/parse.rs); should a
        // reader ever answer it, it is LDK refusing the input without a rule
        // this class list names.
        E::DuplicatePaymentId => ReasonClass::Unspecified,
    }
}

/// A rejection for an error of `StaticInvoice::try_from(bytes)`.
///
/// `input` is the invoice's TLV stream as given; it is consulted only to say
/// which of LDK's `MissingPaths` sites fired (a semantic error is raised only
/// after the whole stream parsed, so the stream is well formed then). LDK
/// checks, in this order (offers/static_invoice.rs:677-708): `invoice_paths`
/// absent or empty, then the message paths (LDK's TLV 236) absent, then
/// `offer_paths` absent.
pub(crate) fn static_invoice_rejection(e: &Bolt12ParseError, input: &[u8]) -> Rejection {
    let detail = format!("LDK rejected the static invoice: {e:?}");
    if let Bolt12ParseError::InvalidSemantics(Bolt12SemanticError::MissingPaths) = e {
        let (class, site) = missing_paths_site(input);
        return Rejection::new(class, format!("{detail} ({site})"));
    }
    // bech32 errors cannot arise from bytes; a bad signature is Schnorr
    // verification against `invoice_node_id` (offers/static_invoice.rs:652).
    Rejection::new(parse_error_class(e), detail)
}

/// A rejection for an error of `InvoiceRequest::try_from(bytes)`: the
/// signature is Schnorr verification under `invreq_payer_id`
/// (offers/invoice_request.rs:1327).
pub(crate) fn invoice_request_rejection(e: &Bolt12ParseError) -> Rejection {
    Rejection::new(
        parse_error_class(e),
        format!("LDK rejected the invoice request: {e:?}"),
    )
}

/// Which `MissingPaths` check of LDK fired, from the records of the input.
fn missing_paths_site(input: &[u8]) -> (ReasonClass, &'static str) {
    let Ok(recs) = records::parse(input) else {
        return (
            ReasonClass::MissingPaymentPaths,
            "site undetermined: the stream did not re-parse",
        );
    };
    let value_len = |t: u64| recs.iter().find(|r| r.tlv_type == t).map(|r| r.value.len());
    match value_len(records::INVOICE_PATHS) {
        None | Some(0) => (
            ReasonClass::MissingPaymentPaths,
            "invoice_paths absent or empty: offers/invoice.rs:1760,1762",
        ),
        Some(_) if value_len(records::LDK_MESSAGE_PATHS).is_none() => (
            ReasonClass::MissingMessagePaths,
            "message paths (LDK TLV 236) absent: offers/static_invoice.rs:692",
        ),
        Some(_) => (
            ReasonClass::MissingField,
            "offer_paths absent or empty, an LDK-only rule: offers/static_invoice.rs:706-708, offers/offer.rs:1342",
        ),
    }
}

/// A rejection for an error of `Offer::from_str`.
///
/// The semantic errors of an offer (offers/offer.rs:1284-1360) keep
/// [`semantic_error_class`]'s classes, except the two that mean "neither
/// `offer_issuer_id` nor `offer_paths`" (`MissingIssuerSigningPubkey`,
/// and `MissingPaths` for an `offer_paths` present but empty), which break
/// BOLT 12's offer rule rather than leave a field out.
pub(crate) fn offer_rejection(e: &Bolt12ParseError) -> Rejection {
    let detail = format!("LDK rejected the offer: {e:?}");
    let class = match e {
        Bolt12ParseError::InvalidSemantics(
            Bolt12SemanticError::MissingIssuerSigningPubkey | Bolt12SemanticError::MissingPaths,
        ) => ReasonClass::InvalidOffer,
        _ => parse_error_class(e),
    };
    Rejection::new(class, detail)
}

/// The class of a [`Bolt12ParseError`], for any BOLT 12 message LDK parses.
fn parse_error_class(e: &Bolt12ParseError) -> ReasonClass {
    match e {
        // A misplaced continuation `+`, whitespace before the string, or
        // bech32 itself (offers/parse.rs:58-72).
        Bolt12ParseError::InvalidContinuation
        | Bolt12ParseError::InvalidLeadingWhitespace
        | Bolt12ParseError::Bech32(_) => ReasonClass::Bech32,
        // 0.3 checks BIP-173 padding of the bech32 data (offers/parse.rs:153
        // in 0.3.0-rc3).
        #[cfg(ldk_0_3)]
        Bolt12ParseError::InvalidPadding(_) => ReasonClass::Bech32,
        Bolt12ParseError::InvalidBech32Hrp => ReasonClass::WrongHrp,
        Bolt12ParseError::Decode(d) => decode_error_class(d),
        Bolt12ParseError::InvalidSemantics(s) => semantic_error_class(s),
        Bolt12ParseError::InvalidSignature(_) => ReasonClass::InvalidSignature,
    }
}
