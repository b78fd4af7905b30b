//! BOLT 12 offers: the offer fields (TLV types 1 to 79), their encodings,
//! and the offer reader's rules.
//!
//! Used for a whole offer string (`lno1...`, the upstream
//! `offers-test.json`) through [`decode_offer_string`], and for the offer
//! fields mirrored inside a static invoice through [`read_fields`] and
//! [`check_rules`].
//!
//! Offer reader rules applied by [`check_rules`] (BOLT 12 "Requirements For
//! Offers", PR 1149 head, plus one rule of the main branch at `a3772650`):
//! - "if `offer_features` contains unknown _even_ bits that are non-zero:
//!   MUST NOT respond to the offer" (no offer feature bits are defined, so
//!   every even bit is unknown);
//! - "if `offer_chains` is not set: if the node does not accept bitcoin
//!   invoices: MUST NOT respond" / "if the node does not accept invoices for
//!   any of the `chains`: MUST NOT respond" (the policy is the caller's
//!   `accept_chain`; an empty `offer_chains` accepts no chain);
//! - "if `offer_amount` is set and `offer_description` is not set";
//! - main branch only: "if `offer_amount` is set and is not greater than
//!   zero: MUST NOT respond" (the draft's base predates it; the upstream
//!   vectors require it, so the reference applies it);
//! - "if `offer_currency` is set and `offer_amount` is not set";
//! - "if neither `offer_issuer_id` nor `offer_paths` are set";
//! - "if `num_hops` is 0 in any `blinded_path` in `offer_paths`".
//!
//! `offer_absolute_expiry` binds a reader deciding whether to *request* an
//! invoice; it is decoded and reported but not enforced here.

use crate::rules::{self, Rule};
use crate::{bech32, tlv, wire};
use asyncpay_adapter::blinding::BlindedPathView;
use asyncpay_adapter::invoice::{OfferFields, TlvRecord};
use asyncpay_adapter::offer::{DecodeOffer, OfferView};
use asyncpay_adapter::{Outcome, Profile, ReasonClass, Rejection};

/// The bitcoin mainnet chain hash as BOLT 12 writes it (`offer_chains`, `invreq_chain`).
pub const BITCOIN_CHAIN: &str = "6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000";

/// `offer_chains`.
pub const OFFER_CHAINS: u64 = 2;
/// `offer_metadata`.
pub const OFFER_METADATA: u64 = 4;
/// `offer_currency`.
pub const OFFER_CURRENCY: u64 = 6;
/// `offer_amount`.
pub const OFFER_AMOUNT: u64 = 8;
/// `offer_description`.
pub const OFFER_DESCRIPTION: u64 = 10;
/// `offer_features`.
pub const OFFER_FEATURES: u64 = 12;
/// `offer_absolute_expiry`.
pub const OFFER_ABSOLUTE_EXPIRY: u64 = 14;
/// `offer_paths`.
pub const OFFER_PATHS: u64 = 16;
/// `offer_issuer`.
pub const OFFER_ISSUER: u64 = 18;
/// `offer_quantity_max`.
pub const OFFER_QUANTITY_MAX: u64 = 20;
/// `offer_issuer_id`.
pub const OFFER_ISSUER_ID: u64 = 22;

/// True for the offer TLV types BOLT 12 defines.
pub fn is_offer_type(t: u64) -> bool {
    (2..=22).contains(&t) && t & 1 == 0
}

/// True for types in the offer ranges: 1 to 79 and 1000000000 to 1999999999.
pub fn in_offer_range(t: u64) -> bool {
    (1..=79).contains(&t) || (1_000_000_000..=1_999_999_999).contains(&t)
}

/// The bits set in a feature vector (big-endian bytes; bit 0 is the least
/// significant bit of the last byte), ascending.
pub fn feature_bits(features: &[u8]) -> Vec<u64> {
    let n = features.len();
    let mut bits = Vec::new();
    for (i, byte) in features.iter().enumerate() {
        for b in 0..8u64 {
            if byte & (1 << b) != 0 {
                bits.push(((n - 1 - i) as u64) * 8 + b);
            }
        }
    }
    bits.sort_unstable();
    bits
}

/// The even bits set in `features` that are not in `known`.
pub fn unknown_even_bits(features: &[u8], known: &[u64]) -> Vec<u64> {
    feature_bits(features)
        .into_iter()
        .filter(|b| b & 1 == 0 && !known.contains(b))
        .collect()
}

fn invalid(what: &str, why: impl std::fmt::Display) -> Rejection {
    Rejection::new(ReasonClass::InvalidValue, format!("{what}: {why}"))
}

/// Read a `tu64` of at most `max` bytes.
pub fn read_tu(value: &[u8], max: usize, what: &str) -> Result<u64, Rejection> {
    tlv::read_tu64(value, max).ok_or_else(|| {
        invalid(
            what,
            format!("{} is not a minimal tu{}", hex::encode(value), max * 8),
        )
    })
}

/// Read a UTF-8 string field.
pub fn read_utf8(value: &[u8], what: &str) -> Result<String, Rejection> {
    std::str::from_utf8(value)
        .map(str::to_string)
        .map_err(|e| invalid(what, format!("not UTF-8: {e}")))
}

/// Decode the offer fields (types 2 to 22) of a parsed stream. Applies the
/// value encodings only; [`check_rules`] applies the reader rules.
pub fn read_fields(stream: &tlv::Stream<'_>) -> Result<OfferFields, Rejection> {
    let mut f = OfferFields::default();
    for r in &stream.records {
        let v = r.value;
        match r.tlv_type {
            OFFER_CHAINS => {
                if rules::rejects(Rule::OfferChainsLength, v.len() % 32 != 0) {
                    return Err(invalid(
                        "offer_chains",
                        format!("length {} is not a multiple of 32", v.len()),
                    ));
                }
                f.chains = Some(v.chunks_exact(32).map(hex::encode).collect());
            }
            OFFER_METADATA => f.metadata = Some(hex::encode(v)),
            OFFER_CURRENCY => f.currency = Some(read_utf8(v, "offer_currency")?),
            OFFER_AMOUNT => f.amount = Some(read_tu(v, 8, "offer_amount")?),
            OFFER_DESCRIPTION => f.description = Some(read_utf8(v, "offer_description")?),
            OFFER_FEATURES => f.features = Some(hex::encode(v)),
            OFFER_ABSOLUTE_EXPIRY => {
                f.absolute_expiry = Some(read_tu(v, 8, "offer_absolute_expiry")?)
            }
            OFFER_PATHS => {
                let rules = (Rule::OfferPathsEncoding, Rule::OfferPathsEncoding);
                f.paths = Some(wire::read_paths(v, "offer_paths", rules)?)
            }
            OFFER_ISSUER => f.issuer = Some(read_utf8(v, "offer_issuer")?),
            OFFER_QUANTITY_MAX => f.quantity_max = Some(read_tu(v, 8, "offer_quantity_max")?),
            OFFER_ISSUER_ID => {
                let mut c = wire::Cursor::new(v, "offer_issuer_id")
                    .with_rules(Rule::OfferIssuerIdEncoding, Rule::OfferIssuerIdEncoding);
                let p = c.point()?;
                if !rules::knocked_out(Rule::OfferIssuerIdEncoding) {
                    c.finish()
                        .map_err(|_| invalid("offer_issuer_id", "not 33 bytes"))?;
                }
                f.issuer_id = Some(hex::encode(p));
            }
            _ => {}
        }
    }
    Ok(f)
}

/// True if any path has no hops.
pub fn has_empty_path(paths: &[BlindedPathView]) -> bool {
    paths.iter().any(|p| p.hops.is_empty())
}

/// Apply the offer reader rules (see the module documentation).
/// `accept_chain` says whether the reader accepts invoices for a chain hash (hex).
pub fn check_rules(f: &OfferFields, accept_chain: &dyn Fn(&str) -> bool) -> Result<(), Rejection> {
    if let Some(feat) = &f.features {
        let bytes = wire::unhex(feat, "offer_features")?;
        let unknown = unknown_even_bits(&bytes, &[]);
        if rules::rejects(Rule::OfferFeatures, !unknown.is_empty()) {
            return Err(Rejection::new(
                ReasonClass::UnknownRequiredFeature,
                format!("offer_features has unknown even bits {unknown:?}"),
            ));
        }
    }
    match &f.chains {
        None => {
            if rules::rejects(Rule::OfferChain, !accept_chain(BITCOIN_CHAIN)) {
                return Err(Rejection::new(
                    ReasonClass::UnsupportedChain,
                    "no offer_chains (bitcoin implied) and bitcoin is not supported",
                ));
            }
        }
        Some(chains) => {
            if rules::rejects(Rule::OfferChain, chains.is_empty()) {
                return Err(Rejection::new(
                    ReasonClass::UnsupportedChain,
                    "offer_chains is present but empty: no chain to accept invoices for",
                ));
            }
            if rules::rejects(
                Rule::OfferChain,
                !chains.is_empty() && !chains.iter().any(|c| accept_chain(c)),
            ) {
                return Err(Rejection::new(
                    ReasonClass::UnsupportedChain,
                    "none of offer_chains is supported",
                ));
            }
        }
    }
    if rules::rejects(
        Rule::OfferAmountDescription,
        f.amount.is_some() && f.description.is_none(),
    ) {
        return Err(Rejection::new(
            ReasonClass::InvalidOffer,
            "offer_amount without offer_description",
        ));
    }
    if rules::rejects(Rule::OfferAmountZero, f.amount == Some(0)) {
        return Err(Rejection::new(
            ReasonClass::InvalidOffer,
            "offer_amount is zero",
        ));
    }
    if rules::rejects(
        Rule::OfferCurrencyAmount,
        f.currency.is_some() && f.amount.is_none(),
    ) {
        return Err(Rejection::new(
            ReasonClass::InvalidOffer,
            "offer_currency without offer_amount",
        ));
    }
    if rules::rejects(
        Rule::OfferIssuerOrPaths,
        f.issuer_id.is_none() && f.paths.is_none(),
    ) {
        return Err(Rejection::new(
            ReasonClass::InvalidOffer,
            "neither offer_issuer_id nor offer_paths",
        ));
    }
    if let Some(paths) = &f.paths {
        if rules::rejects(Rule::OfferPathHops, has_empty_path(paths)) {
            return Err(Rejection::new(
                ReasonClass::InvalidBlindedPath,
                "a blinded path in offer_paths has num_hops 0",
            ));
        }
    }
    Ok(())
}

/// The TLV records (type, value) of the offer fields, for a writer.
pub fn write_records(f: &OfferFields) -> Result<Vec<(u64, Vec<u8>)>, Rejection> {
    let mut out = Vec::new();
    if let Some(chains) = &f.chains {
        let mut v = Vec::new();
        for c in chains {
            v.extend(wire::unhex(c, "offer_chains")?);
        }
        out.push((OFFER_CHAINS, v));
    }
    if let Some(m) = &f.metadata {
        out.push((OFFER_METADATA, wire::unhex(m, "offer_metadata")?));
    }
    if let Some(c) = &f.currency {
        out.push((OFFER_CURRENCY, c.as_bytes().to_vec()));
    }
    if let Some(a) = f.amount {
        out.push((OFFER_AMOUNT, tlv::write_tu64(a)));
    }
    if let Some(d) = &f.description {
        out.push((OFFER_DESCRIPTION, d.as_bytes().to_vec()));
    }
    if let Some(x) = &f.features {
        out.push((OFFER_FEATURES, wire::unhex(x, "offer_features")?));
    }
    if let Some(e) = f.absolute_expiry {
        out.push((OFFER_ABSOLUTE_EXPIRY, tlv::write_tu64(e)));
    }
    if let Some(p) = &f.paths {
        out.push((OFFER_PATHS, wire::write_paths(p)?));
    }
    if let Some(i) = &f.issuer {
        out.push((OFFER_ISSUER, i.as_bytes().to_vec()));
    }
    if let Some(q) = f.quantity_max {
        out.push((OFFER_QUANTITY_MAX, tlv::write_tu64(q)));
    }
    if let Some(id) = &f.issuer_id {
        out.push((OFFER_ISSUER_ID, wire::unhex(id, "offer_issuer_id")?));
    }
    Ok(out)
}

fn tlv_rejection(e: tlv::TlvError) -> Rejection {
    Rejection::new(e.class(), e.to_string())
}

/// Read a whole offer (its TLV stream) as an offer reader: BOLT 1 structure,
/// the offer's type ranges, unknown even types, value encodings, then the
/// reader rules.
pub fn read_offer(
    bytes: &[u8],
    accept_chain: &dyn Fn(&str) -> bool,
) -> Result<OfferFields, Rejection> {
    let stream = tlv::parse(bytes).map_err(tlv_rejection)?;
    if let Some(r) = stream
        .records
        .iter()
        .find(|r| rules::rejects(Rule::OfferRange, !in_offer_range(r.tlv_type)))
    {
        return Err(Rejection::new(
            ReasonClass::TypeOutOfRange,
            format!(
                "offer TLV type {} outside 1-79 and 1000000000-1999999999",
                r.tlv_type
            ),
        ));
    }
    stream.check_known(is_offer_type).map_err(tlv_rejection)?;
    let f = read_fields(&stream)?;
    check_rules(&f, accept_chain)?;
    Ok(f)
}

/// Decode an offer string (`lno1...`): bech32 without checksum, then [`read_offer`].
/// Returns the TLV stream and the fields.
pub fn decode_offer_string(
    s: &str,
    accept_chain: &dyn Fn(&str) -> bool,
) -> Result<(Vec<u8>, OfferFields), Rejection> {
    let bytes = bech32::decode(s, bech32::HRP_OFFER)?;
    let f = read_offer(&bytes, accept_chain)?;
    Ok((bytes, f))
}

/// Operation `offer.decode`: the string, then the offer, read as a payer
/// that accepts invoices for every chain. The profile is not consulted: no
/// offer field differs between profiles.
pub fn decode_op(input: &DecodeOffer, _profile: &Profile) -> Outcome {
    let any_chain = |_: &str| true;
    let (bytes, offer) = match decode_offer_string(&input.string, &any_chain) {
        Ok(x) => x,
        Err(e) => return Outcome::Rejected(e),
    };
    let unknown = match tlv::parse(&bytes) {
        Ok(stream) => stream
            .records
            .iter()
            .filter(|r| !is_offer_type(r.tlv_type))
            .map(|r| TlvRecord {
                tlv_type: r.tlv_type,
                hex: hex::encode(r.value),
            })
            .collect(),
        Err(e) => return Outcome::Rejected(tlv_rejection(e)),
    };
    Outcome::accepted(&OfferView { offer, unknown })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_bits() {
        assert_eq!(feature_bits(&[0x01, 0x02]), vec![1, 8]);
        assert_eq!(unknown_even_bits(&[0x01, 0x03], &[0]), vec![8]);
        assert!(unknown_even_bits(&[], &[]).is_empty());
    }

    #[test]
    fn minimal_offer_and_rules() {
        let any = |_: &str| true;
        let (_, f) = decode_offer_string(
            "lno1zcss9mk8y3wkklfvevcrszlmu23kfrxh49px20665dqwmn4p72pksese",
            &any,
        )
        .unwrap();
        assert!(f.issuer_id.is_some());
        let mut g = f.clone();
        g.amount = Some(5);
        assert_eq!(
            check_rules(&g, &any).unwrap_err().reason,
            ReasonClass::InvalidOffer
        );
        g.description = Some("x".into());
        assert!(check_rules(&g, &any).is_ok());
        g.chains = Some(vec![]);
        assert_eq!(
            check_rules(&g, &any).unwrap_err().reason,
            ReasonClass::UnsupportedChain
        );
        let recs = write_records(&f).unwrap();
        assert_eq!(recs.len(), 1);
    }
}
