//! `offer.decode` through LDK's `Offer` (`FromStr`).

use crate::errors;
use crate::invoice::{be_hex, currency_and_amount, quantity_max};
use crate::paths::message_path_view;
use crate::records;
use asyncpay_adapter::invoice::{OfferFields, TlvRecord};
use asyncpay_adapter::offer::{DecodeOffer, OfferView};
use asyncpay_adapter::{Outcome, ReasonClass, Rejection};
use lightning::bitcoin::constants::ChainHash;
use lightning::bitcoin::Network;
use lightning::offers::offer::Offer;

/// Decodes an offer string as LDK's payer does up to requesting an
/// invoice:
/// 1. `Offer::from_str` (offers/offer.rs:1263-1282): the string
///    (offers/parse.rs:36-81), the TLV stream, then the semantic checks of
///    `OfferContents::try_from` (offers/offer.rs:1284-1360);
/// 2. the two checks LDK makes of the offer itself when it requests an
///    invoice: `offer_features().requires_unknown_bits()`
///    (`request_invoice`, offers/offer.rs:800-802), and that the offer
///    supports the payer's chain (`InvoiceRequestBuilder::build_with_checks`,
///    offers/invoice_request.rs:268-270). A payer that accepts invoices for
///    every chain is, for LDK, a node on any network it runs on: the offer
///    is refused when it supports none of them.
///
/// The offer's expiry is checked there too, against the system clock
/// (offers/invoice_request.rs:262-264); the op has no clock, and the
/// reference does not enforce it either, so it is not asked.
pub(crate) fn decode(input: &DecodeOffer) -> Outcome {
    let offer: Offer = match input.string.parse() {
        Ok(o) => o,
        Err(e) => return Outcome::Rejected(errors::offer_rejection(&e)),
    };
    if offer.offer_features().requires_unknown_bits() {
        return Outcome::Rejected(Rejection::new(
            ReasonClass::UnknownRequiredFeature,
            "LDK refuses to request an invoice (Bolt12SemanticError::UnknownRequiredFeatures): \
             offer_features require unknown bits (offers/offer.rs:800-802)",
        ));
    }
    let networks = [
        Network::Bitcoin,
        Network::Testnet,
        Network::Testnet4,
        Network::Signet,
        Network::Regtest,
    ];
    if !networks
        .iter()
        .any(|n| offer.supports_chain(ChainHash::using_genesis_block(*n)))
    {
        return Outcome::Rejected(Rejection::new(
            ReasonClass::UnsupportedChain,
            "LDK refuses to request an invoice on any network (Bolt12SemanticError::UnsupportedChain): \
             the offer supports none of their chains (offers/invoice_request.rs:268-270)",
        ));
    }
    match view(&offer) {
        Ok(v) => Outcome::accepted(&v),
        Err(e) => Outcome::Rejected(Rejection::new(ReasonClass::Internal, e)),
    }
}

/// The view of an offer LDK accepted, from LDK's accessors (presence of
/// folded fields and unknown records from the bytes LDK kept).
fn view(offer: &Offer) -> Result<OfferView, String> {
    let bytes: &[u8] = offer.as_ref();
    let recs = records::parse(bytes).map_err(|e| format!("retained bytes: {e:?}"))?;
    let present = |t: u64| recs.iter().any(|r| r.tlv_type == t);
    let (currency, amount) = currency_and_amount(offer.amount());
    let fields = OfferFields {
        // `chains()` is the implied bitcoin chain when `offer_chains` is absent
        // (offers/offer.rs:882-884); presence comes from the record.
        chains: present(records::OFFER_CHAINS).then(|| {
            offer
                .chains()
                .iter()
                .map(|c| hex::encode(c.to_bytes()))
                .collect()
        }),
        metadata: offer.metadata().map(hex::encode),
        currency,
        amount,
        description: offer.description().map(|s| s.0.to_string()),
        // `offer_features()` is empty when absent; presence comes from the record.
        features: present(records::OFFER_FEATURES)
            .then(|| be_hex(offer.offer_features().le_flags())),
        absolute_expiry: offer.absolute_expiry().map(|d| d.as_secs()),
        // `paths()` is empty when absent (offers/offer.rs:1342-1345).
        paths: present(records::OFFER_PATHS)
            .then(|| offer.paths().iter().map(message_path_view).collect()),
        issuer: offer.issuer().map(|s| s.0.to_string()),
        quantity_max: quantity_max(offer.supported_quantity()),
        issuer_id: offer
            .issuer_signing_pubkey()
            .map(|k| hex::encode(k.serialize())),
    };
    let unknown = recs
        .iter()
        .filter(|r| !records::LDK_OFFER_TYPES.contains(&r.tlv_type))
        .map(|r| TlvRecord {
            tlv_type: r.tlv_type,
            hex: hex::encode(r.value),
        })
        .collect();
    Ok(OfferView {
        offer: fields,
        unknown,
    })
}
