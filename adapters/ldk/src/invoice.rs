//! `static_invoice.decode` through LDK's `StaticInvoice`.

use crate::errors;
use crate::paths::{message_path_view, payinfo_view, payment_path_view};
use crate::records::{self, Record};
use crate::release;
use asyncpay_adapter::invoice::{
    DecodeStaticInvoice, DerivedInvoiceValues, InvoiceFields, OfferFields, StaticInvoiceView,
    TlvRecord,
};
use asyncpay_adapter::{Outcome, ReasonClass, Rejection};
use lightning::ln::channelmanager::provided_init_features;
use lightning::offers::offer::{Amount, Quantity};
use lightning::offers::static_invoice::StaticInvoice;
use lightning::types::features::Bolt12InvoiceFeatures;
use lightning::util::config::UserConfig;
use lightning::util::ser::Writeable;
use std::time::Duration;

/// Features as on the wire (big-endian) from LDK's little-endian flags.
pub(crate) fn be_hex(le_flags: &[u8]) -> String {
    let mut bytes = le_flags.to_vec();
    bytes.reverse();
    hex::encode(bytes)
}

/// Decodes and validates a static invoice as an LDK payer does on receipt.
///
/// 1. `StaticInvoice::try_from(bytes)` (offers/static_invoice.rs:584): TLV
///    parsing, the semantic checks, then the signature.
/// 2. The checks LDK's payer makes when a static invoice arrives
///    (`OutboundPayments::static_invoice_received`, ln/outbound_payment.rs:1173-1184):
///    invoice features against the features LDK provides (default
///    `UserConfig`; `provided_bolt12_invoice_features` is
///    `provided_init_features(config).to_context()`, ln/channelmanager.rs:15760),
///    then expiry at `now` (`created_at + relative_expiry < now`, i.e.
///    `StaticInvoice::is_expired_no_std`). LDK does not check the offer's
///    `absolute_expiry` there (`is_offer_expired_no_std` is not called).
pub(crate) fn decode(input: &DecodeStaticInvoice) -> Outcome {
    let bytes = match hex::decode(&input.hex) {
        Ok(b) => b,
        Err(e) => return internal(format!("input hex: {e}")),
    };
    let invoice = match StaticInvoice::try_from(bytes.clone()) {
        Ok(i) => i,
        Err(e) => return Outcome::Rejected(errors::static_invoice_rejection(&e, &bytes)),
    };

    let supported: Bolt12InvoiceFeatures =
        provided_init_features(&UserConfig::default()).to_context();
    if invoice
        .invoice_features()
        .requires_unknown_bits_from(&supported)
    {
        return Outcome::Rejected(Rejection::new(
            ReasonClass::UnknownRequiredFeature,
            format!(
                "LDK's payer abandons the payment (Bolt12PaymentError::UnknownRequiredFeatures): \
                 invoice_features require bits {:?} (ln/outbound_payment.rs:1173)",
                invoice
                    .invoice_features()
                    .required_unknown_bits_from(&supported)
            ),
        ));
    }
    let now = Duration::from_secs(input.now);
    if invoice.is_expired_no_std(now) {
        return Outcome::Rejected(Rejection::new(
            ReasonClass::Expired,
            format!(
                "LDK's payer abandons the payment (RetryableSendFailure::PaymentExpired): \
                 created_at {} + relative_expiry {} < now {} (ln/outbound_payment.rs:1177)",
                invoice.created_at().as_secs(),
                invoice.relative_expiry().as_secs(),
                input.now
            ),
        ));
    }

    match view(&invoice) {
        Ok(v) => Outcome::accepted(&v),
        Err(e) => internal(e),
    }
}

/// `offer_currency` and `offer_amount` from LDK's `Amount`.
pub(crate) fn currency_and_amount(a: Option<Amount>) -> (Option<String>, Option<u64>) {
    match a {
        None => (None, None),
        Some(Amount::Bitcoin { amount_msats }) => (None, Some(amount_msats)),
        Some(Amount::Currency {
            iso4217_code,
            amount,
        }) => (Some(iso4217_code.as_str().to_string()), Some(amount)),
    }
}

/// `offer_quantity_max` from LDK's `Quantity` (absent is one item, 0 unbounded).
pub(crate) fn quantity_max(q: Quantity) -> Option<u64> {
    match q {
        Quantity::One => None,
        Quantity::Unbounded => Some(0),
        Quantity::Bounded(n) => Some(n.get()),
    }
}

fn internal(detail: String) -> Outcome {
    Outcome::Rejected(Rejection::new(ReasonClass::Internal, detail))
}

/// The view of an invoice LDK accepted, field by field from LDK's accessors.
fn view(invoice: &StaticInvoice) -> Result<StaticInvoiceView, String> {
    // The bytes LDK retained (Writeable writes them back unchanged).
    let retained = invoice.encode();
    let recs = records::parse(&retained).map_err(|e| format!("retained bytes: {e:?}"))?;
    let record = |t: u64| -> Option<&Record<'_>> { recs.iter().find(|r| r.tlv_type == t) };

    let (currency, amount) = currency_and_amount(invoice.amount());

    let offer = OfferFields {
        // LDK exposes one chain, `chain()`, which is the implied (bitcoin) chain when
        // `offer_chains` is absent or empty (offers/static_invoice.rs:489-492) and rejects
        // more than one (UnexpectedChain). Presence and emptiness come from the record.
        chains: record(records::OFFER_CHAINS).map(|r| {
            if r.value.is_empty() {
                Vec::new()
            } else {
                vec![hex::encode(invoice.chain().to_bytes())]
            }
        }),
        metadata: invoice.metadata().map(hex::encode),
        currency,
        amount,
        // PrintableString's field is the raw string (lightning-types string.rs:30).
        description: invoice.description().map(|s| s.0.to_string()),
        // `offer_features()` is empty when absent; presence comes from the record.
        features: record(records::OFFER_FEATURES)
            .map(|_| be_hex(invoice.offer_features().le_flags())),
        absolute_expiry: invoice.absolute_expiry().map(|d| d.as_secs()),
        // LDK requires `offer_paths` in a static invoice, so they are always present here.
        paths: Some(
            invoice
                .offer_message_paths()
                .iter()
                .map(message_path_view)
                .collect(),
        ),
        issuer: invoice.issuer().map(|s| s.0.to_string()),
        quantity_max: quantity_max(invoice.supported_quantity()),
        issuer_id: invoice
            .issuer_signing_pubkey()
            .map(|k| hex::encode(k.serialize())),
    };

    let payment_paths = invoice.payment_paths();
    let fields = InvoiceFields {
        paths: Some(payment_paths.iter().map(payment_path_view).collect()),
        blindedpay: Some(
            payment_paths
                .iter()
                .map(|p| payinfo_view(&p.payinfo))
                .collect(),
        ),
        created_at: Some(invoice.created_at().as_secs()),
        // `relative_expiry()` returns DEFAULT_RELATIVE_EXPIRY (14 days) when absent
        // (offers/static_invoice.rs:542-544); presence comes from the record.
        relative_expiry: match record(records::INVOICE_RELATIVE_EXPIRY) {
            None => None,
            Some(_) => Some(
                u32::try_from(invoice.relative_expiry().as_secs())
                    .map_err(|_| "relative expiry above u32".to_string())?,
            ),
        },
        // LDK rejects both in a static invoice (offers/static_invoice.rs:684-689).
        payment_hash: None,
        amount: None,
        // `fallbacks()` returns only the addresses valid for the chain
        // (offers/invoice.rs filter_fallbacks); the view wants the raw value, which LDK
        // keeps in its bytes but exposes no accessor for, so it comes from the record.
        fallbacks: record(records::INVOICE_FALLBACKS).map(|r| hex::encode(r.value)),
        features: record(records::INVOICE_FEATURES)
            .map(|_| be_hex(invoice.invoice_features().le_flags())),
        node_id: Some(hex::encode(invoice.signing_pubkey().serialize())),
        message_paths: Some(
            release::held_htlc_available_paths(invoice)
                .iter()
                .map(message_path_view)
                .collect(),
        ),
    };

    // Unknown odd records: LDK skips them while parsing (util/ser_macros.rs:654-657) but
    // keeps them in its bytes, covered by the signature; it has no accessor for them.
    // They are listed from the retained bytes: every record whose type LDK does not read.
    let unknown = recs
        .iter()
        .filter(|r| !records::LDK_STATIC_INVOICE_TYPES.contains(&r.tlv_type))
        .map(|r| TlvRecord {
            tlv_type: r.tlv_type,
            hex: hex::encode(r.value),
        })
        .collect();

    let expires_at = invoice
        .created_at()
        .saturating_add(invoice.relative_expiry())
        .as_secs();

    Ok(StaticInvoiceView {
        offer,
        invoice: fields,
        unknown,
        signature: hex::encode(invoice.signature().as_ref()),
        derived: DerivedInvoiceValues {
            // LDK 0.2.7 exposes no Merkle root for a parsed StaticInvoice: TaggedHash is
            // built by `pub(super)` constructors only (offers/merkle.rs:44,52) and
            // StaticInvoice keeps none (offers/static_invoice.rs:69-74). Computing it here
            // would be the adapter's answer, not LDK's, so it is left empty: the field is
            // not observable through LDK.
            merkle_root: String::new(),
            expires_at,
        },
    })
}
