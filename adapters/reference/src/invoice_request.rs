//! The invoice request reader (BOLT 12 `invoice_request`), as the node
//! answering on an offer's behalf reads it: for async payments, the invoice
//! server that replies with the recipient's static invoice.
//!
//! Requirements followed (BOLT 12, "Requirements for Invoice Requests",
//! the reader), in this order after BOLT 1's TLV stream rules:
//! - "MUST reject the invoice request if any non-signature TLV fields are
//!   outside the inclusive ranges: 0 to 159 and 1000000000 to 2999999999";
//! - unknown even types are rejected (BOLT 1), then the offer fields are
//!   read and held to the offer reader's rules;
//! - "MUST reject the invoice request if `invreq_payer_id` or
//!   `invreq_metadata` are not present.";
//! - "MUST reject the invoice request if `signature` is not correct as
//!   detailed in Signature Calculation using the `invreq_payer_id`."
//!
//! The reader has no offers of its own here, so it cannot check that the
//! request's offer fields match one it issued; the rules that need that
//! state (quantity and amount against the offer, the arrival path) are the
//! invoice server scenarios' business.

use crate::rules::{self, Rule};
use crate::static_invoice::{
    INVREQ_AMOUNT, INVREQ_CHAIN, INVREQ_METADATA, INVREQ_TYPES, SIGNATURE,
};
use crate::{merkle, offer, tlv, wire};
use asyncpay_adapter::invoice_request::{InvoiceRequestFields, InvoiceRequestView};
use asyncpay_adapter::{HexInput, Outcome, Profile, ReasonClass, Rejection};

/// The `messagename` of an invoice request's signature tag.
pub const MESSAGE_NAME: &str = "invoice_request";
/// `invreq_features`.
pub const INVREQ_FEATURES: u64 = 84;
/// `invreq_quantity`.
pub const INVREQ_QUANTITY: u64 = 86;
/// `invreq_payer_id`.
pub const INVREQ_PAYER_ID: u64 = 88;
/// `invreq_payer_note`.
pub const INVREQ_PAYER_NOTE: u64 = 89;

/// Whether a non-signature type lies in an invoice request's ranges.
pub fn in_range(t: u64) -> bool {
    t <= 159 || (1_000_000_000..=2_999_999_999).contains(&t)
}

/// Every type the reader knows: the offer's, the request's and `signature`.
pub fn is_known_type(t: u64) -> bool {
    offer::is_offer_type(t) || INVREQ_TYPES.contains(&t) || t == SIGNATURE
}

fn rej(class: ReasonClass, detail: impl Into<String>) -> Rejection {
    Rejection::new(class, detail)
}

/// Read and validate an invoice request's TLV stream.
pub fn decode(bytes: &[u8]) -> Result<InvoiceRequestView, Rejection> {
    let stream = tlv::parse(bytes).map_err(|e| rej(e.class(), e.to_string()))?;
    if let Some(r) = stream.records.iter().find(|r| {
        rules::rejects(
            Rule::InvreqRange,
            !merkle::is_signature_type(r.tlv_type) && !in_range(r.tlv_type),
        )
    }) {
        return Err(rej(
            ReasonClass::TypeOutOfRange,
            format!(
                "invoice request TLV type {} outside 0-159 and 1000000000-2999999999",
                r.tlv_type
            ),
        ));
    }
    stream
        .check_known(is_known_type)
        .map_err(|e| rej(e.class(), e.to_string()))?;
    let offer = offer::read_fields(&stream)?;
    offer::check_rules(&offer, &|c| c == offer::BITCOIN_CHAIN)?;
    let mut f = InvoiceRequestFields::default();
    for r in &stream.records {
        let v = r.value;
        match r.tlv_type {
            INVREQ_METADATA => f.metadata = hex::encode(v),
            INVREQ_CHAIN => f.chain = Some(hex::encode(v)),
            INVREQ_AMOUNT => f.amount = Some(offer::read_tu(v, 8, "invreq_amount")?),
            INVREQ_FEATURES => f.features = Some(hex::encode(v)),
            INVREQ_QUANTITY => f.quantity = Some(offer::read_tu(v, 8, "invreq_quantity")?),
            INVREQ_PAYER_ID => {
                wire::check_point(v, "invreq_payer_id")?;
                f.payer_id = hex::encode(v);
            }
            INVREQ_PAYER_NOTE => f.payer_note = Some(offer::read_utf8(v, "invreq_payer_note")?),
            _ => {}
        }
    }
    for (t, what) in [
        (INVREQ_METADATA, "invreq_metadata"),
        (INVREQ_PAYER_ID, "invreq_payer_id"),
    ] {
        rules::check(Rule::InvreqRequiredFields, stream.get(t).is_none(), || {
            rej(ReasonClass::MissingField, format!("{what} is missing"))
        })?;
    }
    // Without a payer id (its rule knocked out) there is no key to check
    // the signature with: the reader goes on without one.
    if let Some(payer_id) = stream.get(INVREQ_PAYER_ID) {
        let signature = stream.get(SIGNATURE);
        rules::check(Rule::InvreqSignature, signature.is_none(), || {
            rej(ReasonClass::MissingSignature, "signature is missing")
        })?;
        let tree = merkle::tree_of_records(stream.records.iter().map(|r| (r.tlv_type, r.raw)))
            .ok_or_else(|| rej(ReasonClass::MissingField, "no non-signature records"))?;
        let tag = merkle::signature_tag(MESSAGE_NAME, crate::static_invoice::SIGNATURE_FIELD);
        if let Some(sig) = signature {
            if let Err(e) = merkle::verify(&tag, &tree.root, sig, payer_id) {
                rules::check(Rule::InvreqSignature, true, || e)?;
            }
        }
    }
    Ok(InvoiceRequestView { offer, invreq: f })
}

/// Operation `invoice_request.decode`. No field differs between profiles.
pub fn decode_op(input: &HexInput, _profile: &Profile) -> Outcome {
    match wire::unhex(&input.hex, "hex").and_then(|b| decode(&b)) {
        Ok(view) => Outcome::accepted(&view),
        Err(e) => Outcome::Rejected(e),
    }
}
