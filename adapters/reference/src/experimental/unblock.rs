//! The payment-id unblock (design 001, profile
//! `experimental-payment-unblock`), pinned so that vectors can exist for it.
//!
//! The design: the payer generates a secret payment id, asks its LSP by
//! onion message to hold the HTLC(s) of a payment hash (a list, for
//! multi-part payments), sends the payment and tells the payee the id; the
//! payee, once online, sends the payer a message whose `encrypted_data_tlv`
//! for the payer's LSP carries `payment_unblock` = the id; the LSP releases
//! the HTLCs; when the preimage comes back the LSP keeps it for the payer.
//!
//! Pinned here (each listed in the vector file's `notes`):
//!
//! 1. `hold_htlc_request` is onion message type 80, its value a TLV stream:
//!    `0` `payment_id` (32 bytes), `2` `payment_hashes` (one or more
//!    32-byte hashes, concatenated); the request carries the id itself, so
//!    the LSP can match the unblock;
//! 2. `payment_unblock` is `encrypted_data_tlv` type 18 (even: an LSP that
//!    does not know it must not pass the message on as if it carried
//!    nothing), its value the raw 32-byte id, in the LSP's hop of a
//!    two-hop path (LSP, payer) that the payee builds itself from the node
//!    ids the payer gave it with the id;
//! 3. an unblock naming an id the LSP does not hold makes the hop refused:
//!    the message is dropped, nothing released;
//! 4. the message to the payer carries no content.

use crate::rules::{self, Rule};
use crate::tlv;
use crate::wire::unhex;
use asyncpay_adapter::onion::PeelOnionMessage;
use asyncpay_adapter::{ReasonClass, Rejection};

/// Length of the payment id.
pub const PAYMENT_ID_LEN: usize = 32;
/// `hold_htlc_request` stream: the payment id.
pub const REQUEST_PAYMENT_ID: u64 = 0;
/// `hold_htlc_request` stream: the payment hashes.
pub const REQUEST_PAYMENT_HASHES: u64 = 2;

fn rej(class: ReasonClass, m: impl Into<String>) -> Rejection {
    Rejection::new(class, m)
}

fn check_id(id: &[u8]) -> Result<(), Rejection> {
    rules::check(Rule::PaymentIdLength, id.len() != PAYMENT_ID_LEN, || {
        rej(
            ReasonClass::InvalidValue,
            format!("payment id of {} bytes, expected 32", id.len()),
        )
    })
}

/// A `hold_htlc_request`'s value, as the LSP reads it.
pub fn check_request(value: &[u8]) -> Result<(), Rejection> {
    let s = tlv::parse(value).map_err(|e| rej(e.class(), format!("hold_htlc_request: {e}")))?;
    s.check_known(|t| t == REQUEST_PAYMENT_ID || t == REQUEST_PAYMENT_HASHES)
        .map_err(|e| rej(e.class(), format!("hold_htlc_request: {e}")))?;
    let id = s.get(REQUEST_PAYMENT_ID).ok_or_else(|| {
        rej(
            ReasonClass::MissingField,
            "hold_htlc_request without payment_id",
        )
    })?;
    check_id(id)?;
    let hashes = s.get(REQUEST_PAYMENT_HASHES);
    rules::check(
        Rule::HoldRequestHashes,
        hashes.is_none_or(|h| h.is_empty() || h.len() % 32 != 0),
        || {
            rej(
                ReasonClass::InvalidValue,
                "hold_htlc_request without whole 32-byte payment hashes",
            )
        },
    )
}

/// A `payment_unblock` in this node's `encrypted_data_tlv`: an id of the
/// right length that this node holds HTLCs for.
pub fn check_unblock(input: &PeelOnionMessage, id: &[u8]) -> Result<(), Rejection> {
    check_id(id)?;
    for s in &input.held_release_secrets {
        if unhex(s, "held_release_secrets")? == id {
            rules::consult(Rule::UnblockIdKnown);
            return Ok(());
        }
    }
    rules::check(Rule::UnblockIdKnown, true, || {
        rej(
            ReasonClass::UnauthenticatedRelease,
            "payment_unblock names no payment id this node holds HTLCs for",
        )
    })
}
