//! LDK's invoice-server protocol (profile `experimental-ldk-invoice-server`),
//! read as the suite pins it so that vectors can exist for it.
//!
//! The draft says an invoice server serves the often-offline recipient's
//! static invoice, and not how the recipient gets it there. LDK 0.2 does it
//! with four onion messages, and a future bLIP or BOLT would specify them;
//! the numbers and layouts here are LDK's (each listed in the vector file's
//! `notes` and in `vectors/profiles.json`):
//!
//! 1. `offer_paths_request` (75540): a TLV stream, `0` `invoice_slot` (u16,
//!    2 bytes), the recipient's slot at the server;
//! 2. `offer_paths` (75542): `0` `paths` (one or more `blinded_path`,
//!    concatenated, each of at least one hop: the paths of the recipient's
//!    offer, ending at the server), `2` `paths_absolute_expiry` (u64, 8
//!    bytes, optional);
//! 3. `serve_static_invoice` (75544): `0` `invoice` (a static invoice's TLV
//!    stream, judged by the profile's static invoice vectors, not here),
//!    `2` `forward_invoice_request_path` (one `blinded_path`, over which the
//!    server forwards invoice requests to the recipient);
//! 4. `static_invoice_persisted` (75546): an empty stream.
//!
//! LDK writes each value with a BigSize length of the stream in front; the
//! profile leaves it out, as BOLT 12's onion message contents carry none.
//! The behaviour (expiries, the request limit) is in
//! [`crate::scenario::invoice_server`].

use crate::rules::{self, Rule};
use crate::tlv;
use crate::wire::{read_path, Cursor};
use asyncpay_adapter::{ReasonClass, Rejection};

/// `offer_paths_request`: the invoice slot.
pub const INVOICE_SLOT: u64 = 0;
/// `offer_paths`: the paths.
pub const OFFER_PATHS: u64 = 0;
/// `offer_paths`: the paths' absolute expiry.
pub const PATHS_ABSOLUTE_EXPIRY: u64 = 2;
/// `serve_static_invoice`: the invoice.
pub const SERVE_INVOICE: u64 = 0;
/// `serve_static_invoice`: the path for forwarding invoice requests.
pub const FORWARD_PATH: u64 = 2;

fn rej(class: ReasonClass, m: impl Into<String>) -> Rejection {
    Rejection::new(class, m)
}

/// Parse `value` as a TLV stream whose known types are `known`.
fn stream<'a>(value: &'a [u8], what: &str, known: &[u64]) -> Result<tlv::Stream<'a>, Rejection> {
    let s = tlv::parse(value).map_err(|e| rej(e.class(), format!("{what}: {e}")))?;
    s.check_known(|t| known.contains(&t))
        .map_err(|e| rej(e.class(), format!("{what}: {e}")))?;
    Ok(s)
}

/// A required record: `Err` when it is missing and `rule` is not knocked
/// out; `Ok(None)` when it is missing and knocked out (the checks that
/// need it are skipped).
fn required<'a>(
    s: &tlv::Stream<'a>,
    t: u64,
    rule: Rule,
    what: &str,
) -> Result<Option<&'a [u8]>, Rejection> {
    let v = s.get(t);
    rules::check(rule, v.is_none(), || {
        rej(ReasonClass::MissingField, format!("{what} missing"))
    })?;
    Ok(v)
}

/// An `offer_paths_request`'s value, as the invoice server reads it.
pub fn check_offer_paths_request(value: &[u8]) -> Result<(), Rejection> {
    let s = stream(value, "offer_paths_request", &[INVOICE_SLOT])?;
    if let Some(slot) = required(
        &s,
        INVOICE_SLOT,
        Rule::IsrvSlotMissing,
        "offer_paths_request invoice_slot",
    )? {
        rules::check(Rule::IsrvSlotLength, slot.len() != 2, || {
            rej(
                ReasonClass::InvalidValue,
                format!("invoice_slot of {} bytes, expected a u16 (2)", slot.len()),
            )
        })?;
    }
    Ok(())
}

/// An `offer_paths`'s value, as the recipient reads it.
pub fn check_offer_paths(value: &[u8]) -> Result<(), Rejection> {
    let s = stream(value, "offer_paths", &[OFFER_PATHS, PATHS_ABSOLUTE_EXPIRY])?;
    if let Some(paths) = required(
        &s,
        OFFER_PATHS,
        Rule::IsrvOfferPathsMissing,
        "offer_paths paths",
    )? {
        let mut c = Cursor::new(paths, "offer_paths paths");
        let mut n = 0usize;
        while !c.is_empty() {
            let p = read_path(&mut c)?;
            n += 1;
            rules::check(Rule::IsrvOfferPathZeroHops, p.hops.is_empty(), || {
                rej(
                    ReasonClass::InvalidBlindedPath,
                    format!("offer_paths path {n} has no hops"),
                )
            })?;
        }
        rules::check(Rule::IsrvOfferPathsMissing, n == 0, || {
            rej(ReasonClass::MissingField, "offer_paths with no path")
        })?;
    }
    if let Some(e) = s.get(PATHS_ABSOLUTE_EXPIRY) {
        rules::check(Rule::IsrvPathsExpiryLength, e.len() != 8, || {
            rej(
                ReasonClass::InvalidValue,
                format!(
                    "paths_absolute_expiry of {} bytes, expected a u64 (8)",
                    e.len()
                ),
            )
        })?;
    }
    Ok(())
}

/// A `serve_static_invoice`'s value, as the invoice server reads it (the
/// invoice's own fields are the static invoice vectors' matter).
pub fn check_serve_static_invoice(value: &[u8]) -> Result<(), Rejection> {
    let s = stream(
        value,
        "serve_static_invoice",
        &[SERVE_INVOICE, FORWARD_PATH],
    )?;
    required(
        &s,
        SERVE_INVOICE,
        Rule::IsrvServeInvoiceMissing,
        "serve_static_invoice invoice",
    )?;
    if let Some(p) = required(
        &s,
        FORWARD_PATH,
        Rule::IsrvForwardPathMissing,
        "serve_static_invoice forward_invoice_request_path",
    )? {
        let mut c = Cursor::new(p, "forward_invoice_request_path");
        read_path(&mut c)?;
        c.finish()?;
    }
    Ok(())
}

/// A `static_invoice_persisted`'s value: an empty stream (odd records
/// allowed, as in every TLV stream).
pub fn check_static_invoice_persisted(value: &[u8]) -> Result<(), Rejection> {
    stream(value, "static_invoice_persisted", &[]).map(|_| ())
}
