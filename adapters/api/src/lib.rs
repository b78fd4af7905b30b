//! The adapter boundary of the async payments conformance suite.
//!
//! An implementation under test answers [`Operation`]s through the
//! [`Adapter`] trait. Every answer is plain data: a canonical view
//! (serialised with serde, compared field by field by the harness), a
//! [`Rejection`] with a [`ReasonClass`], or [`Outcome::Unsupported`] when the
//! implementation cannot perform the operation (reported as skipped, never as
//! passed).
//!
//! The numbers an implementation uses on the wire (TLV types, feature bits)
//! are not fixed here: each operation runs under a [`Profile`], and the
//! vectors for a profile are rendered with that profile's numbers.
//!
//! This crate depends on serde, hex and bitcoin_hashes only, so that an implementation outside this
//! repository can implement [`Adapter`] and run the whole suite in-process.

#![warn(missing_docs)]

pub mod blinding;
pub mod features;
pub mod htlc;
pub mod invoice;
pub mod invoice_request;
pub mod offer;
pub mod onion;
pub mod payload;
pub mod profile;
pub mod reason;
pub mod scenario;

pub use profile::{Numbers, Profile};
pub use reason::{ReasonClass, Rejection};

use serde::{Deserialize, Serialize};

/// One thing the suite asks an implementation to do, with its input.
///
/// Serialised as `{"op": "<name>", "input": {...}}`; the op names are the
/// ones vector files use.
// One operation is built per test and passed by reference: the size of the
// largest variant costs nothing worth boxing for.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", content = "input")]
pub enum Operation {
    /// Decode an offer given as a BOLT 12 string, as a payer reads it.
    #[serde(rename = "offer.decode")]
    DecodeOffer(offer::DecodeOffer),
    /// Decode a static invoice and validate it as a reader would.
    #[serde(rename = "static_invoice.decode")]
    DecodeStaticInvoice(invoice::DecodeStaticInvoice),
    /// Decode an invoice request and validate it as the node answering on
    /// the offer's behalf would.
    #[serde(rename = "invoice_request.decode")]
    DecodeInvoiceRequest(HexInput),
    /// Build and sign a static invoice as a writer would.
    #[serde(rename = "static_invoice.encode")]
    EncodeStaticInvoice(invoice::EncodeStaticInvoice),
    /// Decode an `update_add_htlc` message (type prefix included).
    #[serde(rename = "update_add_htlc.decode")]
    DecodeUpdateAddHtlc(HexInput),
    /// Encode an `update_add_htlc` message from its view.
    #[serde(rename = "update_add_htlc.encode")]
    EncodeUpdateAddHtlc(htlc::UpdateAddHtlcView),
    /// Decode a `revoke_and_ack` message (type prefix included).
    #[serde(rename = "revoke_and_ack.decode")]
    DecodeRevokeAndAck(HexInput),
    /// Encode a `revoke_and_ack` message from its view.
    #[serde(rename = "revoke_and_ack.encode")]
    EncodeRevokeAndAck(htlc::RevokeAndAckView),
    /// Interpret a feature vector and check its dependencies.
    #[serde(rename = "features.check")]
    CheckFeatures(features::CheckFeatures),
    /// Build a blinded path from hops and their `encrypted_data_tlvs`.
    #[serde(rename = "blinded_path.build")]
    BuildBlindedPath(blinding::BuildBlindedPath),
    /// Decrypt one hop's `encrypted_recipient_data` and compute the next path key.
    #[serde(rename = "blinded_path.unblind")]
    UnblindHop(blinding::UnblindHop),
    /// Build an onion message packet.
    #[serde(rename = "onion_message.build")]
    BuildOnionMessage(onion::BuildOnionMessage),
    /// Peel one layer of an onion message as a given node.
    #[serde(rename = "onion_message.peel")]
    PeelOnionMessage(onion::PeelOnionMessage),
    /// Run a release-semantics scenario with the adapter playing one role.
    #[serde(rename = "scenario.run")]
    RunScenario(scenario::Scenario),
    /// Decode one hop's payment onion payload (`tlv_payload`, without its
    /// length prefix) as the node it is addressed to (experimental
    /// profiles: the trampoline hold request in the first hop's payload).
    #[serde(rename = "payment_payload.decode")]
    DecodePaymentPayload(HexInput),
}

impl Operation {
    /// The op name used in vector files, e.g. `static_invoice.decode`.
    pub fn name(&self) -> &'static str {
        match self {
            Operation::DecodeOffer(_) => "offer.decode",
            Operation::DecodeStaticInvoice(_) => "static_invoice.decode",
            Operation::DecodeInvoiceRequest(_) => "invoice_request.decode",
            Operation::EncodeStaticInvoice(_) => "static_invoice.encode",
            Operation::DecodeUpdateAddHtlc(_) => "update_add_htlc.decode",
            Operation::EncodeUpdateAddHtlc(_) => "update_add_htlc.encode",
            Operation::DecodeRevokeAndAck(_) => "revoke_and_ack.decode",
            Operation::EncodeRevokeAndAck(_) => "revoke_and_ack.encode",
            Operation::CheckFeatures(_) => "features.check",
            Operation::BuildBlindedPath(_) => "blinded_path.build",
            Operation::UnblindHop(_) => "blinded_path.unblind",
            Operation::BuildOnionMessage(_) => "onion_message.build",
            Operation::PeelOnionMessage(_) => "onion_message.peel",
            Operation::RunScenario(_) => "scenario.run",
            Operation::DecodePaymentPayload(_) => "payment_payload.decode",
        }
    }
}

/// A message given as hex, for the decode operations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HexInput {
    /// The bytes, lower-case hex.
    pub hex: String,
}

/// What an implementation answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The input was accepted; `view` is the canonical view of the answer
    /// (a decoded message, or `{"hex": ...}` for an encoding).
    Accepted {
        /// The canonical view.
        view: serde_json::Value,
    },
    /// The input was rejected, for the given reason.
    Rejected(Rejection),
    /// The implementation cannot perform this operation (skipped, never passed).
    Unsupported {
        /// Why not, e.g. "LDK exposes no API to build X from outside the crate".
        reason: String,
    },
}

impl Outcome {
    /// An accepted outcome whose view is `value` serialised.
    pub fn accepted<T: Serialize>(value: &T) -> Outcome {
        match serde_json::to_value(value) {
            Ok(view) => Outcome::Accepted { view },
            Err(e) => Outcome::Rejected(Rejection::new(
                ReasonClass::Internal,
                format!("view did not serialise: {e}"),
            )),
        }
    }

    /// An accepted encoding, answered as `{"hex": ...}`.
    pub fn encoded(bytes: &[u8]) -> Outcome {
        Outcome::Accepted {
            view: serde_json::json!({ "hex": hex::encode(bytes) }),
        }
    }

    /// An unsupported outcome with the given reason.
    pub fn unsupported(reason: impl Into<String>) -> Outcome {
        Outcome::Unsupported {
            reason: reason.into(),
        }
    }
}

/// An implementation of the async payments draft, as the suite sees it.
///
/// Implement [`Adapter::execute`] for the operations your implementation
/// supports and answer [`Outcome::Unsupported`] for the rest.
pub trait Adapter: Send + Sync {
    /// A short stable name, used in trial names (`<adapter>::<profile>::<area>::<id>`).
    fn name(&self) -> &str;

    /// The profiles whose numbers this implementation puts on the wire. The
    /// harness runs every profile's vectors against every adapter; divergences
    /// under a non-native profile are expected and recorded as data.
    fn native_profiles(&self) -> Vec<String>;

    /// Perform one operation under `profile`.
    fn execute(&self, op: &Operation, profile: &Profile) -> Outcome;

    /// Fields of the views of operation `op` (by op name) that this
    /// implementation has no way to observe, as dotted paths from the view's
    /// root (e.g. `derived.merkle_root`). The harness leaves them out of the
    /// comparison on both sides and lists them in its report, so an adapter
    /// never has to invent a value it cannot see.
    fn unobservable(&self, op: &str) -> Vec<&'static str> {
        let _ = op;
        Vec::new()
    }

    /// TLV types this implementation knows in the streams that operation
    /// `op` (by op name) reads, beyond the ones the profile defines: its own
    /// or a newer draft's odd types, say. BOLT 1 has a reader ignore only
    /// the odd types it does *not* know; one it knows, it reads, and may
    /// reject when its value is malformed. The fuzzer counts such a
    /// rejection as a legitimate difference only for the types declared
    /// here, so a reader that rejects an odd type it does not know is still
    /// reported. Types are this implementation's numbers, whatever the
    /// profile.
    fn known_types(&self, op: &str) -> Vec<u64> {
        let _ = op;
        Vec::new()
    }

    /// The library and version under test, for reports (e.g. what an
    /// external implementation declared in its handshake).
    fn implementation(&self) -> Option<String> {
        None
    }

    /// Faults seen since the last call that no operation could be charged
    /// with (for example a process that ended between two operations, or
    /// repeated an answer already given). The runner asks after the run and
    /// reports each as an error of the adapter, so none goes unseen.
    fn take_faults(&self) -> Vec<String> {
        Vec::new()
    }
}
