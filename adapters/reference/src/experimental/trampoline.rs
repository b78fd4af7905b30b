//! The trampoline hold (design 000, profile `experimental-trampoline-hold`),
//! pinned so that vectors can exist for it.
//!
//! The design: the payer's LSP is a trampoline; the first hop's payment
//! onion payload asks it to hold the payment until triggered, with an
//! async-payment nonce, and gives it the receiver's blinded route; the
//! payer tells the receiver the nonce in an onion message whose reply path
//! leads to the LSP; the receiver, once online, sends the LSP a trigger
//! carrying the nonce, and the LSP builds the onward onion. A "one-shot"
//! variant builds the whole onion up front, and the LSP forwards it as it
//! is, once.
//!
//! Pinned here (each listed in the vector file's `notes`):
//!
//! 1. `async_hold`, the payload record, is type 4242 (even: an LSP that
//!    does not know it must not forward at once), its value a TLV stream:
//!    `0` nonce (32 bytes), `2` `downstream_cltv_delta` (tu32), `4`
//!    `receiver_path` (a `blinded_path`), `6` `receiver_payload` (the
//!    receiver's final payload, sealed by the payer to the receiver's key;
//!    relayed unread);
//! 2. the mode is read from the payload: with `short_channel_id` (6) it is
//!    one-shot (the packet holds the pre-built onion) and carries the nonce
//!    only; without, it is a trampoline hold and carries all four fields;
//! 3. `downstream_cltv_delta` is at most 2016 blocks: the onward HTLC's
//!    expiry is the trigger's height plus it, a standard delta, while the
//!    payer's own `cltv_expiry` towards the LSP may be a week or more;
//! 4. the nonce is 32 bytes; `async_payment_notice` (onion message type 76,
//!    payer to receiver, its reply path to the LSP) and
//!    `async_payment_trigger` (78, receiver to LSP) carry it raw, as their
//!    whole value.

use crate::blinding::scid_string;
use crate::rules::{self, Rule};
use crate::tlv;
use crate::wire::{read_path, unhex, Cursor};
use asyncpay_adapter::onion::{PeelOnionMessage, RawTlv};
use asyncpay_adapter::payload::{AsyncHoldView, PaymentPayloadView};
use asyncpay_adapter::{HexInput, Outcome, Profile, ReasonClass, Rejection};

/// Length of the async-payment nonce.
pub const NONCE_LEN: usize = 32;
/// The largest `downstream_cltv_delta` (BOLT 4's largest `max_cltv_expiry`
/// distance a node accepts by default).
pub const MAX_DOWNSTREAM_CLTV_DELTA: u64 = 2016;
/// `async_hold` stream: the nonce.
pub const HOLD_NONCE: u64 = 0;
/// `async_hold` stream: the onward CLTV delta.
pub const HOLD_DOWNSTREAM_CLTV_DELTA: u64 = 2;
/// `async_hold` stream: the receiver's blinded route.
pub const HOLD_RECEIVER_PATH: u64 = 4;
/// `async_hold` stream: the receiver's sealed final payload.
pub const HOLD_RECEIVER_PAYLOAD: u64 = 6;
/// Payload: `amt_to_forward`.
pub const AMT_TO_FORWARD: u64 = 2;
/// Payload: `outgoing_cltv_value`.
pub const OUTGOING_CLTV_VALUE: u64 = 4;
/// Payload: `short_channel_id`.
pub const SHORT_CHANNEL_ID: u64 = 6;
/// Payload: `payment_data`.
pub const PAYMENT_DATA: u64 = 8;
/// Payload: `total_amount_msat`.
pub const TOTAL_AMOUNT: u64 = 18;

fn rej(class: ReasonClass, m: impl Into<String>) -> Rejection {
    Rejection::new(class, m)
}

fn stream<'a>(bytes: &'a [u8], what: &str) -> Result<tlv::Stream<'a>, Rejection> {
    tlv::parse(bytes).map_err(|e| rej(e.class(), format!("{what}: {e}")))
}

/// The nonce's length rule.
pub fn check_nonce(value: &[u8]) -> Result<(), Rejection> {
    rules::check(Rule::AsyncNonceLength, value.len() != NONCE_LEN, || {
        rej(
            ReasonClass::InvalidValue,
            format!("async-payment nonce of {} bytes, expected 32", value.len()),
        )
    })
}

/// An `async_payment_trigger` at the LSP: a nonce of the right length that
/// the LSP holds an HTLC for.
pub fn check_trigger(input: &PeelOnionMessage, value: &[u8]) -> Result<(), Rejection> {
    check_nonce(value)?;
    for s in &input.held_release_secrets {
        if unhex(s, "held_release_secrets")? == value {
            rules::consult(Rule::AsyncNonceKnown);
            return Ok(());
        }
    }
    rules::check(Rule::AsyncNonceKnown, true, || {
        rej(
            ReasonClass::UnauthenticatedRelease,
            "async_payment_trigger carries no nonce this node holds a payment for",
        )
    })
}

/// Read one hop's payload as the payer's LSP.
pub fn decode_payload(bytes: &[u8], profile: &Profile) -> Result<PaymentPayloadView, Rejection> {
    let hold_type = profile.numbers.payload_async_hold;
    let known = |t: u64| {
        [
            AMT_TO_FORWARD,
            OUTGOING_CLTV_VALUE,
            SHORT_CHANNEL_ID,
            PAYMENT_DATA,
            TOTAL_AMOUNT,
        ]
        .contains(&t)
            || Some(t) == hold_type
    };
    let s = stream(bytes, "payload")?;
    s.check_known(known)
        .map_err(|e| rej(e.class(), format!("payload: {e}")))?;
    let amt = s
        .get(AMT_TO_FORWARD)
        .ok_or_else(|| rej(ReasonClass::MissingField, "no amt_to_forward"))?;
    let amt = tlv::read_tu64(amt, 8)
        .ok_or_else(|| rej(ReasonClass::InvalidValue, "amt_to_forward is not a tu64"))?;
    let cltv = s
        .get(OUTGOING_CLTV_VALUE)
        .ok_or_else(|| rej(ReasonClass::MissingField, "no outgoing_cltv_value"))?;
    let cltv = tlv::read_tu64(cltv, 4).ok_or_else(|| {
        rej(
            ReasonClass::InvalidValue,
            "outgoing_cltv_value is not a tu32",
        )
    })?;
    let scid = match s.get(SHORT_CHANNEL_ID) {
        None => None,
        Some(v) => {
            let b: [u8; 8] = v
                .try_into()
                .map_err(|_| rej(ReasonClass::InvalidValue, "short_channel_id is not 8 bytes"))?;
            Some(u64::from_be_bytes(b))
        }
    };
    let async_hold = match hold_type.and_then(|t| s.get(t)) {
        None => None,
        Some(v) => Some(read_hold(v, scid.is_some())?),
    };
    Ok(PaymentPayloadView {
        amt_to_forward: amt,
        outgoing_cltv_value: cltv as u32,
        short_channel_id: scid.map(scid_string),
        async_hold,
        other_tlvs: s
            .unknown(known)
            .iter()
            .map(|r| RawTlv {
                tlv_type: r.tlv_type,
                value: hex::encode(r.value),
            })
            .collect(),
    })
}

fn read_hold(v: &[u8], one_shot: bool) -> Result<AsyncHoldView, Rejection> {
    let h = stream(v, "async_hold")?;
    h.check_known(|t| {
        [
            HOLD_NONCE,
            HOLD_DOWNSTREAM_CLTV_DELTA,
            HOLD_RECEIVER_PATH,
            HOLD_RECEIVER_PAYLOAD,
        ]
        .contains(&t)
    })
    .map_err(|e| rej(e.class(), format!("async_hold: {e}")))?;
    let nonce = h
        .get(HOLD_NONCE)
        .ok_or_else(|| rej(ReasonClass::MissingField, "async_hold without a nonce"))?;
    check_nonce(nonce)?;
    let delta = match h.get(HOLD_DOWNSTREAM_CLTV_DELTA) {
        None => None,
        Some(d) => Some(tlv::read_tu64(d, 4).ok_or_else(|| {
            rej(
                ReasonClass::InvalidValue,
                "downstream_cltv_delta is not a tu32",
            )
        })?),
    };
    let path = match h.get(HOLD_RECEIVER_PATH) {
        None => None,
        Some(p) => {
            let mut c = Cursor::new(p, "receiver_path");
            let path = read_path(&mut c)?;
            c.finish()?;
            Some(path)
        }
    };
    let sealed = h.get(HOLD_RECEIVER_PAYLOAD);
    let misfit = if one_shot {
        delta.is_some() || path.is_some() || sealed.is_some()
    } else {
        delta.is_none() || path.is_none() || sealed.is_none()
    };
    rules::check(Rule::AsyncHoldFields, misfit, || {
        if one_shot {
            rej(
                ReasonClass::InvalidContent,
                "a one-shot hold (short_channel_id set) carries a trampoline's fields",
            )
        } else {
            rej(
                ReasonClass::MissingField,
                "a trampoline hold without its receiver_path, receiver_payload or downstream_cltv_delta",
            )
        }
    })?;
    if let Some(d) = delta {
        rules::check_bound(
            Rule::AsyncHoldCltvDelta,
            d,
            MAX_DOWNSTREAM_CLTV_DELTA,
            || {
                rej(
                    ReasonClass::InvalidValue,
                    format!("downstream_cltv_delta {d} above {MAX_DOWNSTREAM_CLTV_DELTA}"),
                )
            },
        )?;
    }
    Ok(AsyncHoldView {
        mode: if one_shot { "one_shot" } else { "trampoline" }.into(),
        nonce: hex::encode(nonce),
        downstream_cltv_delta: delta.map(|d| d as u32),
        receiver_path: path,
        receiver_payload: sealed.map(hex::encode),
    })
}

/// Operation `payment_payload.decode`.
pub fn decode_payload_op(input: &HexInput, profile: &Profile) -> Outcome {
    let bytes = match unhex(&input.hex, "payload") {
        Ok(b) => b,
        Err(r) => return Outcome::Rejected(r),
    };
    match decode_payload(&bytes, profile) {
        Ok(v) => Outcome::accepted(&v),
        Err(r) => Outcome::Rejected(r),
    }
}
