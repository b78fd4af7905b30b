//! The real LDK (the `lightning` crate, pinned to `=0.2.7`) behind the async
//! payments conformance suite's [`Adapter`] trait.
//!
//! The same sources also build the `ldk-0.3` adapter (crate
//! `asyncpay-ldk-0-3`, against `lightning` `=0.3.0-rc3`, with `cfg(ldk_0_3)`
//! set). What differs between the two releases is in module `release`, one
//! item per changed call; source citations without a version are 0.2.7's.
//!
//! Every answer comes from LDK's public API: its parsers, accessors, builders
//! and writers. Nothing of LDK is copied here; where a behaviour matters, a
//! comment cites the LDK source it was read from (paths are relative to
//! `lightning-0.2.7/src/`).
//!
//! # Numbers and profiles
//!
//! LDK's wire numbers are compiled in (e.g. `hold_htlc` is TLV 75537, the
//! static invoice's message paths are TLV 236, `option_htlc_hold` is bit
//! 152/153). The adapter therefore **ignores the numbers of the profile it is
//! given**: it always answers as LDK does. Its native profile is `ldk-0.2`;
//! under any other profile the divergences are LDK's own, and the harness
//! records them as data.
//!
//! # Untrusted input
//!
//! LDK reads untrusted bytes here. Every operation runs inside
//! [`std::panic::catch_unwind`]; a panic in LDK (or in this adapter) becomes
//! a [`ReasonClass::Internal`] rejection, never a crash of the suite.
//!
//! # Scenarios
//!
//! `scenario.run` runs on four real in-process LDK nodes (module [`nodes`],
//! lightning's `_test_utils` feature), with LDK in the role under test
//! (`payer`, `payer_lsp`, `recipient` or `invoice_server`); LDK's logs are
//! captured while a network runs. A scenario whose setup the real network
//! cannot reproduce is unsupported with the reason; a malformed scenario or
//! a run the driver cannot complete is an `internal` error of the trial.
//!
//! # Rejections and their classes
//!
//! A rejection is LDK's verdict on the input, classed from what LDK said
//! (module `errors`, `onion::peel_rejection`). Where LDK answers a bare
//! `Err(())` or a log line that names no rule (`peel_onion_message`'s
//! "Unable to decode our hop data", `advance_path_by_one`), the class is
//! [`ReasonClass::Unspecified`], with LDK's words in the detail.
//! [`ReasonClass::Internal`] is kept for what is not a verdict: a caught
//! panic, input the adapter cannot hand to LDK (hex that does not parse, a
//! node secret that is no scalar, a content kind or feature context the
//! suite's API does not define), the adapter's own signer failing.
//!
//! # What is unsupported, and why
//!
//! An unsupported answer (a skip) means only that LDK 0.2.7's public API
//! cannot express the operation. Every one goes through `unsupported::Unsupported`
//! and starts with its name in brackets; the tests check that this list, that
//! enum and the sources agree, and that each is reachable. Paths are relative
//! to `lightning-0.2.7/src/`.
//!
//! - `static-invoice-encode` (`static_invoice.encode`): the only public
//!   constructor, `StaticInvoiceBuilder::for_offer_using_derived_keys`
//!   (offers/static_invoice.rs:123), signs with keys derived from an
//!   `ExpandedKey` and a `Nonce` for an LDK-built offer (`Offer::verify`,
//!   offers/offer.rs:764); no given signing key, no arbitrary records.
//! - `blinded-path-build` (`blinded_path.build`): `BlindedMessagePath::new` /
//!   `new_with_dummy_hops` (blinded_path/message.rs:68-117, :705-745) write
//!   LDK's own `ControlTlvs` and seal the final hop with LDK's receive-key tag
//!   (crypto/streams.rs:56-84); caller-given `encrypted_data_tlvs` cannot be blinded.
//! - `unblind-hop-for-itself` (`blinded_path.unblind` of a final or dummy
//!   hop): `advance_path_by_one` unblinds forwarding hops only
//!   (blinded_path/message.rs:187-227, `_ => Err(())` at :226); LDK's
//!   `peel_onion_message` reads such a hop (the adapter asks it, module
//!   `unblind`) but exposes neither its plaintext nor a next path key.
//!   A hop LDK refuses both ways is a rejection, not a skip.
//! - `onion-message-without-content` (`onion_message.build`):
//!   `create_onion_message` always writes one content of type >= 64
//!   (onion_message/messenger.rs:1058, :1075).
//! - `onion-message-extra-tlvs`: the final hop's `onionmsg_tlv` is exactly
//!   reply path, encrypted data and content (onion_message/packet.rs:252-264).
//! - `onion-message-intermediate-tlvs`: a non-final hop's is the encrypted
//!   data only (onion_message/packet.rs:244-247).
//! - `onion-message-sciddir-introduction`: a `sciddir_or_pubkey`
//!   introduction node is resolved only from the sender's channels
//!   (onion_message/messenger.rs:1079-1097, :1113).
//! - `onion-message-payloads-len`: LDK picks 1300 or 32768 itself
//!   (onion_message/messenger.rs:2576-2583); no length can be asked for.
//! - `async-content-with-fields`: `HeldHtlcAvailable {}` and
//!   `ReleaseHeldHtlc {}` have no fields (onion_message/async_payments.rs:194,198,
//!   :258,260); a value LDK's reader refuses cannot be held.
//! - `update-add-unknown-record` (`update_add_htlc.encode`): `UpdateAddHTLC`
//!   has fields for TLVs 0, 65537 (8 bytes) and 75537 only (ln/msgs.rs:3358-3371).
//! - `revoke-and-ack-unknown-record` (`revoke_and_ack.encode`): `RevokeAndACK`
//!   has a field for TLV 75537 only (ln/msgs.rs:3264-3271).
//! - `revoke-and-ack-empty-release-paths`: an empty `optional_vec` is not
//!   written (ln/msgs.rs:3270, util/ser_macros.rs:973-974), so a present but
//!   empty list is the same value as none.
//! - `scenario-setup` (`scenario.run`): the real nodes around the role under
//!   test cannot produce the scenario's setup or event (the detail names the
//!   step). This includes every scenario of the experimental designs'
//!   elements (a trampoline hold in the payload, the designs' onion
//!   messages, a downstream fulfil), which LDK has no API for.
//! - `payment-payload-decode` (`payment_payload.decode`): `InboundOnionPayload`
//!   and its reader (ln/msgs.rs:2347, :3587) are `pub(crate)` outside
//!   `cfg(fuzzing)` (ln/msgs.rs:2485-2488).
//! - `invoice-server-framing` (`onion_message.build` / `.peel` under
//!   `experimental-ldk-invoice-server`): LDK writes its four invoice-server
//!   contents with a BigSize length before the stream
//!   (onion_message/async_payments.rs:242-256); the profile does not.
//!
//! Not unsupported, because LDK can do them and does them differently:
//! release paths in the draft's layout (no `htlc_id`) are written the only
//! way `RevokeAndACK` can hold them, paired with an `htlc_id` of 0, at LDK's
//! type 75537 (module `htlc`); that answer is judged like any other.

#![warn(missing_docs)]

mod builder;
mod errors;
mod features;
mod htlc;
mod invoice;
mod invoice_request;
mod offer;
mod onion;
mod paths;
mod records;
mod release;
mod unblind;
mod unsupported;

pub mod nodes;

pub use builder::build_static_invoices_with_ldk;

use asyncpay_adapter::{Adapter, Operation, Outcome, Profile, ReasonClass, Rejection};
use std::panic::{catch_unwind, AssertUnwindSafe};
use unsupported::Unsupported;

pub use release::{ADAPTER_NAME, LDK_VERSION};

/// The profile whose numbers LDK puts on the wire (0.2.7's and 0.3.0-rc3's
/// async payment numbers are the same).
pub const NATIVE_PROFILE: &str = "ldk-0.2";

/// LDK 0.2.7 behind the suite's [`Adapter`] trait.
///
/// Supported operations: `static_invoice.decode`, `update_add_htlc.decode`,
/// `update_add_htlc.encode`, `revoke_and_ack.decode`, `revoke_and_ack.encode`,
/// `features.check`, `onion_message.peel` (`peel_onion_message`),
/// `onion_message.build` (`create_onion_message`), `blinded_path.unblind`
/// (`BlindedMessagePath::advance_path_by_one`, for forwarding hops) and
/// `scenario.run`. What LDK's API cannot express answers
/// [`Outcome::Unsupported`] with the reason (see the crate documentation).
#[derive(Clone, Copy, Debug, Default)]
pub struct LdkAdapter;

impl LdkAdapter {
    /// A new adapter (it holds no state).
    pub fn new() -> LdkAdapter {
        LdkAdapter
    }
}

impl Adapter for LdkAdapter {
    fn name(&self) -> &str {
        ADAPTER_NAME
    }

    fn native_profiles(&self) -> Vec<String> {
        vec![NATIVE_PROFILE.to_string()]
    }

    fn implementation(&self) -> Option<String> {
        Some(format!(
            "LDK, crate lightning {LDK_VERSION} (in process; scenarios on real nodes)"
        ))
    }

    /// The odd TLV types LDK 0.2.7 reads beyond the draft's: in
    /// `update_add_htlc`, `skimmed_fee_msat` (65537) and its own `hold_htlc`
    /// (75537); in `revoke_and_ack`, its release paths (75537)
    /// (ln/msgs.rs:3265-3271, 3358-3371); in a message path's
    /// `encrypted_data_tlv`, its `context` (65537) and `is_dummy` (65539)
    /// (onion_message/packet.rs:365-370). It knows no odd type of a static
    /// invoice's stream (offers/offer.rs:1220, offers/invoice.rs:1476).
    fn known_types(&self, op: &str) -> Vec<u64> {
        match op {
            "update_add_htlc.decode" => release::UPDATE_ADD_KNOWN_ODD.to_vec(),
            "revoke_and_ack.decode" => vec![75537],
            "onion_message.peel" | "blinded_path.unblind" => vec![65537, 65539],
            _ => Vec::new(),
        }
    }

    /// LDK 0.2.7 verifies a static invoice's signature over its Merkle root
    /// but exposes no accessor for the root itself, so the decoded view
    /// cannot show it; it discards unknown odd records of
    /// `update_add_htlc` and `revoke_and_ack`; and its onion message peeling
    /// and path advancing never expose the decrypted `encrypted_data_tlv`.
    fn unobservable(&self, op: &str) -> Vec<&'static str> {
        match op {
            "static_invoice.decode" => vec!["derived.merkle_root"],
            // BOLT 1 lets a reader discard unknown odd records, and LDK's
            // UpdateAddHTLC and RevokeAndACK readers do (ln/msgs.rs): what
            // they were is gone by the time the adapter sees the message.
            "update_add_htlc.decode" | "revoke_and_ack.decode" => vec!["unknown"],
            // peel_onion_message never exposes the decrypted encrypted_data_tlv
            // (it parses it into ForwardTlvs/ReceiveTlvs, onion_message/packet.rs:361-395)
            // and skips unknown odd onionmsg_tlv records (packet.rs:296-330).
            "onion_message.peel" => vec!["encrypted_data_tlvs", "receive.other_tlvs"],
            // advance_path_by_one (blinded_path/message.rs:187-227) returns only the
            // next introduction node and path key: not the hop's blinded node id,
            // not the plaintext, not whether the key came from an override.
            "blinded_path.unblind" => vec![
                "blinded_node_id",
                "encrypted_data_tlvs",
                "next_path_key_override",
            ],
            _ => Vec::new(),
        }
    }

    /// Performs `op` with LDK. `profile` is not consulted: LDK's numbers are
    /// fixed at compile time (see the crate documentation).
    ///
    /// The one exception: under a profile that defines LDK's invoice-server
    /// messages (`experimental-ldk-invoice-server`), whose onion message
    /// contents carry no length prefix where LDK writes one, the onion
    /// message operations are unsupported (see
    /// [`Unsupported::InvoiceServerFraming`]).
    fn execute(&self, op: &Operation, profile: &Profile) -> Outcome {
        if profile.numbers.onionmsg_offer_paths_request.is_some()
            && matches!(
                op,
                Operation::BuildOnionMessage(_) | Operation::PeelOnionMessage(_)
            )
        {
            return Unsupported::InvoiceServerFraming.outcome(None);
        }
        guarded(op.name(), || dispatch(op))
    }
}

/// Runs `f` as [`LdkAdapter::execute`] runs every operation: a panic (in
/// LDK or in the adapter) becomes an `Internal` rejection. Public so that
/// the harness's tests can inject a panic exactly where LDK's would surface.
pub fn guarded(op_name: &str, f: impl FnOnce() -> Outcome) -> Outcome {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(outcome) => outcome,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".to_string());
            Outcome::Rejected(Rejection::new(
                ReasonClass::Internal,
                format!("panic while running {op_name} with LDK {LDK_VERSION}: {what}"),
            ))
        }
    }
}

/// Performs `op` with LDK (unguarded; see [`guarded`]).
pub(crate) fn dispatch(op: &Operation) -> Outcome {
    match op {
        Operation::DecodeOffer(input) => offer::decode(input),
        Operation::DecodeStaticInvoice(input) => invoice::decode(input),
        Operation::DecodeInvoiceRequest(input) => invoice_request::decode(input),
        Operation::EncodeStaticInvoice(_) => Unsupported::StaticInvoiceEncode.outcome(None),
        Operation::DecodeUpdateAddHtlc(input) => htlc::decode_update_add(&input.hex),
        Operation::EncodeUpdateAddHtlc(view) => htlc::encode_update_add(view),
        Operation::DecodeRevokeAndAck(input) => htlc::decode_revoke_and_ack(&input.hex),
        Operation::EncodeRevokeAndAck(view) => htlc::encode_revoke_and_ack(view),
        Operation::CheckFeatures(input) => features::check(input),
        Operation::BuildBlindedPath(_) => Unsupported::BlindedPathBuild.outcome(None),
        Operation::UnblindHop(input) => unblind::unblind_op(input),
        Operation::BuildOnionMessage(input) => onion::build_op(input),
        Operation::PeelOnionMessage(input) => onion::peel_op(input),
        Operation::RunScenario(s) => nodes::dispatch::run_op(s),
        Operation::DecodePaymentPayload(_) => Unsupported::PaymentPayloadDecode.outcome(None),
    }
}

// The unit tests pin LDK 0.2.7's behaviour, counts and source lines; the
// 0.3 build is judged by the suite itself (`asyncpay run --adapter ldk-0.3`,
// with its own expected-failures file).
#[cfg(all(test, not(ldk_0_3)))]
mod interop_tests;
#[cfg(all(test, not(ldk_0_3)))]
mod tests;
#[cfg(all(test, not(ldk_0_3)))]
mod unsupported_tests;
