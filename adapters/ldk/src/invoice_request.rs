//! `invoice_request.decode` through LDK's `InvoiceRequest`.

use crate::errors;
use crate::invoice::{be_hex, currency_and_amount, quantity_max};
use crate::paths::message_path_view;
use crate::records;
use asyncpay_adapter::invoice::OfferFields;
use asyncpay_adapter::invoice_request::{InvoiceRequestFields, InvoiceRequestView};
use asyncpay_adapter::{HexInput, Outcome, ReasonClass, Rejection};
use lightning::offers::invoice_request::InvoiceRequest;
use lightning::util::ser::Writeable;

/// `invreq_chain`.
const INVREQ_CHAIN: u64 = 80;
/// `invreq_features`.
const INVREQ_FEATURES: u64 = 84;

/// Decodes an invoice request as LDK's offer handler does on receipt:
/// `InvoiceRequest::try_from(bytes)` (offers/invoice_request.rs:1296-1330):
/// the TLV streams (types outside LDK's ranges are left over and refused),
/// the semantic checks in LDK's order (invreq_metadata, the offer, the
/// chain, the amount, the quantity, invreq_payer_id, invreq_paths), then
/// the signature under `invreq_payer_id`.
pub(crate) fn decode(input: &HexInput) -> Outcome {
    let bytes = match hex::decode(&input.hex) {
        Ok(b) => b,
        Err(e) => return internal(format!("input hex: {e}")),
    };
    match InvoiceRequest::try_from(bytes) {
        Ok(r) => match view(&r) {
            Ok(v) => Outcome::accepted(&v),
            Err(e) => internal(e),
        },
        Err(e) => Outcome::Rejected(errors::invoice_request_rejection(&e)),
    }
}

fn internal(detail: String) -> Outcome {
    Outcome::Rejected(Rejection::new(ReasonClass::Internal, detail))
}

/// The view of a request LDK accepted, from LDK's accessors (presence of
/// fields LDK folds into defaults from the bytes it kept).
fn view(r: &InvoiceRequest) -> Result<InvoiceRequestView, String> {
    let bytes = r.encode();
    let recs = records::parse(&bytes).map_err(|e| format!("retained bytes: {e:?}"))?;
    let present = |t: u64| recs.iter().any(|x| x.tlv_type == t);
    let (currency, amount) = currency_and_amount(r.amount());
    let offer = OfferFields {
        chains: present(records::OFFER_CHAINS).then(|| {
            r.chains()
                .iter()
                .map(|c| hex::encode(c.to_bytes()))
                .collect()
        }),
        metadata: r.metadata().map(hex::encode),
        currency,
        amount,
        description: r.description().map(|s| s.0.to_string()),
        features: present(records::OFFER_FEATURES).then(|| be_hex(r.offer_features().le_flags())),
        absolute_expiry: r.absolute_expiry().map(|d| d.as_secs()),
        paths: present(records::OFFER_PATHS)
            .then(|| r.paths().iter().map(message_path_view).collect()),
        issuer: r.issuer().map(|s| s.0.to_string()),
        quantity_max: quantity_max(r.supported_quantity()),
        issuer_id: r
            .issuer_signing_pubkey()
            .map(|k| hex::encode(k.serialize())),
    };
    let invreq = InvoiceRequestFields {
        metadata: hex::encode(r.payer_metadata()),
        // `chain()` is the offer's implied chain when `invreq_chain` is absent.
        chain: present(INVREQ_CHAIN).then(|| hex::encode(r.chain().to_bytes())),
        amount: r.amount_msats().filter(|_| r.has_amount_msats()),
        features: present(INVREQ_FEATURES).then(|| be_hex(r.invoice_request_features().le_flags())),
        quantity: r.quantity(),
        payer_id: hex::encode(r.payer_signing_pubkey().serialize()),
        payer_note: r.payer_note().map(|s| s.0.to_string()),
    };
    Ok(InvoiceRequestView { offer, invreq })
}
