//! The suite's reference model of the async payments draft.
//!
//! Written from the BOLT text (PR 1149 head and the main-branch BOLTs it
//! inherits from) on primitive crates only: `secp256k1`, `bitcoin_hashes`,
//! `chacha20poly1305`. It never depends on `lightning`: comparing LDK with a
//! model built on LDK would prove nothing.

#![warn(missing_docs)]

pub mod bech32;
pub mod bigsize;
pub mod blinding;
pub mod crypto;
pub mod experimental;
pub mod features;
pub mod htlc;
pub mod invoice_request;
pub mod merkle;
pub mod offer;
pub mod onion_message;
pub mod release_context;
pub mod rules;
pub mod scenario;
pub mod sphinx;
pub mod static_invoice;
pub mod tlv;
pub mod wire;

use asyncpay_adapter::{Adapter, Operation, Outcome, Profile};

/// The reference model behind the [`Adapter`] trait. It runs every profile
/// natively: the profile's numbers are data to it.
#[derive(Clone, Debug, Default)]
pub struct ReferenceAdapter;

impl Adapter for ReferenceAdapter {
    fn name(&self) -> &str {
        "reference"
    }

    fn native_profiles(&self) -> Vec<String> {
        vec!["*".into()]
    }

    fn implementation(&self) -> Option<String> {
        Some(format!(
            "the suite's reference model {} (independent of every implementation)",
            env!("CARGO_PKG_VERSION")
        ))
    }

    fn execute(&self, op: &Operation, profile: &Profile) -> Outcome {
        match op {
            Operation::DecodeOffer(i) => offer::decode_op(i, profile),
            Operation::DecodeStaticInvoice(i) => static_invoice::decode_op(i, profile),
            Operation::DecodeInvoiceRequest(i) => invoice_request::decode_op(i, profile),
            Operation::EncodeStaticInvoice(i) => static_invoice::encode_op(i, profile),
            Operation::DecodeUpdateAddHtlc(i) => htlc::decode_update_add_op(i, profile),
            Operation::EncodeUpdateAddHtlc(i) => htlc::encode_update_add_op(i, profile),
            Operation::DecodeRevokeAndAck(i) => htlc::decode_revoke_and_ack_op(i, profile),
            Operation::EncodeRevokeAndAck(i) => htlc::encode_revoke_and_ack_op(i, profile),
            Operation::CheckFeatures(i) => features::check_op(i, profile),
            Operation::BuildBlindedPath(i) => blinding::build_op(i, profile),
            Operation::UnblindHop(i) => blinding::unblind_op(i, profile),
            Operation::BuildOnionMessage(i) => onion_message::build_op(i, profile),
            Operation::PeelOnionMessage(i) => onion_message::peel_op(i, profile),
            Operation::RunScenario(i) => scenario::run_op(i, profile),
            Operation::DecodePaymentPayload(i) => {
                experimental::trampoline::decode_payload_op(i, profile)
            }
        }
    }
}

/// The committed draft profile (`bolts-pr1149`), for unit tests.
#[cfg(test)]
pub(crate) fn draft_profile() -> Profile {
    #[derive(serde::Deserialize)]
    struct Profiles {
        profiles: Vec<Profile>,
    }
    let all: Profiles = serde_json::from_str(include_str!("../../../vectors/profiles.json"))
        .expect("vectors/profiles.json parses");
    all.profiles
        .into_iter()
        .find(|p| p.name == "bolts-pr1149")
        .expect("the draft profile exists")
}
