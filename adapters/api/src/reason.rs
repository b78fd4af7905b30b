//! Why an input was rejected, as a class every implementation can map to.
//!
//! Vectors name the class an `invalid` input must be rejected with (and,
//! where more than one class shows the same defect, the others that confirm
//! it). A rejection with another class is reported as *rejected for another
//! reason*, apart from passes; [`ReasonClass::Internal`] is never a verdict
//! on the input at all. The harness's `compare` module holds the full rule.

use serde::{Deserialize, Serialize};

/// A rejection: its class and a free-text detail for humans.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// The class.
    pub reason: ReasonClass,
    /// What the implementation said, for the report.
    #[serde(default)]
    pub detail: String,
}

impl Rejection {
    /// A rejection of class `reason` with `detail`.
    pub fn new(reason: ReasonClass, detail: impl Into<String>) -> Rejection {
        Rejection {
            reason,
            detail: detail.into(),
        }
    }
}

/// The reason classes. Names are `snake_case` in vector files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonClass {
    // --- BOLT 1 TLV and encoding rules ---
    /// A value or stream ends before its declared length (truncated).
    Truncated,
    /// A BigSize is not minimally encoded.
    NonMinimalBigsize,
    /// TLV types are not strictly increasing.
    TlvOutOfOrder,
    /// The same TLV type appears twice.
    TlvDuplicate,
    /// An unknown even TLV type.
    UnknownEvenType,
    /// A known TLV's value has the wrong length or form.
    InvalidValue,
    /// A field that must be a valid secp256k1 point is not.
    InvalidPoint,
    /// Bytes left over after a message or value that must end there.
    TrailingBytes,
    /// A TLV type outside the ranges the message allows.
    TypeOutOfRange,
    /// The message type prefix is not the expected one.
    WrongMessageType,
    /// bech32 (no checksum) string encoding broken: charset, padding, `+` continuation.
    Bech32,
    /// Wrong human-readable prefix.
    WrongHrp,

    // --- BOLT 12 (offer and invoice reader rules) ---
    /// A required field is missing (the detail names which).
    MissingField,
    /// `invoice_payment_hash` present in a static invoice.
    UnexpectedPaymentHash,
    /// `invoice_amount` present in a static invoice.
    UnexpectedAmount,
    /// `static_invoice_message_paths` missing or empty.
    MissingMessagePaths,
    /// `invoice_paths` missing or empty.
    MissingPaymentPaths,
    /// `invoice_blindedpay` does not have exactly one entry per path.
    BlindedPayMismatch,
    /// A blinded path with no hops, or otherwise malformed.
    InvalidBlindedPath,
    /// `signature` missing.
    MissingSignature,
    /// `signature` does not verify.
    InvalidSignature,
    /// `invoice_node_id` does not match what the offer requires.
    NodeIdMismatch,
    /// Unknown even feature bit.
    UnknownRequiredFeature,
    /// A feature is set without the feature it depends on.
    MissingFeatureDependency,
    /// The invoice (or path) has expired at the given time.
    Expired,
    /// An offer field out of the reader's rules (description, amount, currency, ...).
    InvalidOffer,
    /// The chain is not supported.
    UnsupportedChain,

    // --- Route blinding and onion messages ---
    /// Authenticated decryption failed (tampered data or wrong key).
    DecryptionFailed,
    /// An onion packet's HMAC does not verify.
    InvalidHmac,
    /// A payload that must carry exactly one content TLV carries several or none.
    InvalidContent,
    /// A message that needs a reply path has none.
    MissingReplyPath,
    /// A release that did not arrive through a path this node created, or whose context was altered.
    UnauthenticatedRelease,
    /// `encrypted_data_tlvs` break a rule (e.g. both `next_node_id` and `short_channel_id`).
    InvalidEncryptedData,

    // --- Anything else ---
    /// The implementation rejected the input without saying why (its API
    /// answers a bare error, or its message names no rule). A verdict on the
    /// input, but one that cannot confirm which defect was found: an
    /// `invalid` vector rejected this way is *rejected for another reason*,
    /// never a plain pass.
    Unspecified,
    /// The adapter failed in a way that is not a verdict on the input (a
    /// caught panic, an input it could not even hand to the implementation).
    /// Never a pass: the harness grades it as an error of the trial.
    Internal,
}
