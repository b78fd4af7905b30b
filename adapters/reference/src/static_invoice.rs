//! Static invoices (BOLT 12 invoices without `invoice_payment_hash`, as the
//! async payments draft defines them): reader and writer.
//!
//! # The reader ([`decode`])
//!
//! The draft gives a static invoice no reader section of its own: it is an
//! `invoice` TLV stream read with BOLT 12's "A reader of an invoice" rules,
//! of which the draft adds "if `invoice_payment_hash` is unset: MUST reject
//! the invoice if `static_invoice_message_paths` is not present or is
//! empty." The reference applies its checks in this order (the first
//! failure decides the [`ReasonClass`]); every step quotes its rule:
//!
//! 1. **TLV structure** (BOLT 1): "MUST fail to parse the stream if ...
//!    `type` is not strictly increasing / is equal to the previous / the
//!    length exceeds the stream / BigSize not minimal" → `truncated`,
//!    `non_minimal_bigsize`, `tlv_out_of_order`, `tlv_duplicate`.
//! 2. **Even/odd rule** (BOLT 1): "if `type` is even: MUST fail to parse the
//!    stream" for an unknown type → `unknown_even_type`. Which types are
//!    known depends on the profile: `static_invoice_message_paths` is 178 in
//!    the draft and 236 in LDK 0.2, so each profile's reader rejects the
//!    other's number. The invoice reader has no type-range rule (unlike the
//!    offer and invoice-request readers), so a range is never a reason on
//!    its own; unknown odd records in any range are kept in
//!    [`StaticInvoiceView::unknown`].
//! 3. **Value encodings** of every known field (lengths, minimal `tu64`,
//!    UTF-8, points, blinded paths, payinfos, fallbacks) → `invalid_value`,
//!    `truncated`, `invalid_point`.
//! 4. **Offer fields**: the offer reader rules of [`crate::offer::check_rules`]
//!    (description with amount, currency with amount, issuer id or paths,
//!    `num_hops` 0, unknown even offer features, chains). The reference
//!    supports bitcoin only. And "if the current time is after
//!    `offer_absolute_expiry`: MUST NOT respond to the offer" at the
//!    reader's clock → `expired`.
//! 5. **Chain**: "if `invreq_chain` is not present: MUST reject the invoice
//!    if bitcoin is not a supported chain. otherwise: MUST reject the
//!    invoice if `invreq_chain`.`chain` is not a supported chain."
//! 6. **Static**: an invoice with `invoice_payment_hash` is not a static
//!    invoice (the writer "MUST NOT set `invoice_payment_hash`") →
//!    `unexpected_payment_hash`.
//! 7. "MUST reject the invoice if `invoice_created_at` is not present." /
//!    "MUST reject the invoice if `invoice_node_id` is not present." →
//!    `missing_field`.
//! 8. "if `invoice_features` contains unknown _even_ bits that are non-zero:
//!    MUST reject the invoice." (known: 16/17 MPP) → `unknown_required_feature`.
//! 9. **Expiry**: "if `invoice_relative_expiry` is present: MUST reject the
//!    invoice if the current time since 1970-01-01 UTC is greater than
//!    `invoice_created_at` plus `seconds_from_creation`." Without it the
//!    reference uses the profile's `static_invoice_default_expiry` (2 weeks),
//!    following the static-invoice writer rule "if the expiry for accepting
//!    payment is not 2 weeks after `invoice_created_at`: MUST set
//!    `invoice_relative_expiry`", and NOT the generic "otherwise: MUST reject
//!    the invoice if the current time ... is greater than
//!    `invoice_created_at` plus 7200" (the draft contradicts itself here;
//!    vectors in between are `acceptable`) → `expired`.
//! 10. "MUST reject the invoice if `invoice_paths` is not present or is
//!     empty." → `missing_payment_paths`; "MUST reject the invoice if
//!     `num_hops` is 0 in any `blinded_path` in `invoice_paths`." →
//!     `invalid_blinded_path`.
//! 11. "MUST reject the invoice if `invoice_blindedpay` is not present." /
//!     "... does not contain exactly one `blinded_payinfo` per
//!     `invoice_paths`.`blinded_path`." → `blinded_pay_mismatch`; "MUST NOT
//!     use the corresponding `invoice_paths`.`path` if `payinfo`.`features`
//!     has any unknown even bits set. MUST reject the invoice if this leaves
//!     no usable paths." → `unknown_required_feature`.
//! 12. "if `offer_issuer_id` is present ...: MUST reject the invoice if
//!     `invoice_node_id` is not equal to `offer_issuer_id`"; "otherwise, if
//!     `offer_paths` is present ...: MUST reject the invoice if
//!     `invoice_node_id` is not equal to the final `blinded_node_id` it sent
//!     the invoice request to." A decoder does not know which path the
//!     request went over, so the final blinded node of any offer path is
//!     accepted → `node_id_mismatch`.
//! 13. "MUST reject the invoice if `signature` is not a valid signature using
//!     `invoice_node_id`", tag "lightning" || "static_invoice" ||
//!     "signature" → `missing_signature`, `invalid_signature`.
//! 14. "if `invoice_payment_hash` is unset: MUST reject the invoice if
//!     `static_invoice_message_paths` is not present or is empty." →
//!     `missing_message_paths`.
//!
//! Writer-only rules with no reader counterpart are not enforced: more than
//! one offer chain ("MUST NOT include more than 1 chain"), `invoice_request`
//! fields ("MUST NOT set any `invoice_request` TLV fields"), fewer than two
//! message paths ("at least two paths") and `invoice_amount` ("MUST NOT set
//! `invoice_amount`"). Such records are accepted and reported.
//!
//! # The writer ([`encode`])
//!
//! Builds the TLV stream from the fields, computes the Merkle root and signs
//! it with the given key (BIP340 without auxiliary randomness, so the output
//! is deterministic). [`write_signed`], [`sign_records`] and [`raw_stream`]
//! are plain functions for building invalid inputs.

use crate::merkle;
use crate::offer::{self, BITCOIN_CHAIN};
use crate::rules::{self, Rule};
use crate::{tlv, wire};
use asyncpay_adapter::invoice::{
    DecodeStaticInvoice, DerivedInvoiceValues, EncodeStaticInvoice, InvoiceFields, OfferFields,
    StaticInvoiceView, TlvRecord,
};
use asyncpay_adapter::{Numbers, Outcome, Profile, ReasonClass, Rejection};
use secp256k1::SecretKey;

/// The `messagename` of a static invoice's signature tag.
pub const MESSAGE_NAME: &str = "static_invoice";
/// The `fieldname` of the signature.
pub const SIGNATURE_FIELD: &str = "signature";

/// `invreq_metadata`.
pub const INVREQ_METADATA: u64 = 0;
/// `invreq_chain`.
pub const INVREQ_CHAIN: u64 = 80;
/// `invreq_amount`.
pub const INVREQ_AMOUNT: u64 = 82;
/// `invoice_paths`.
pub const INVOICE_PATHS: u64 = 160;
/// `invoice_blindedpay`.
pub const INVOICE_BLINDEDPAY: u64 = 162;
/// `invoice_created_at`.
pub const INVOICE_CREATED_AT: u64 = 164;
/// `invoice_relative_expiry`.
pub const INVOICE_RELATIVE_EXPIRY: u64 = 166;
/// `invoice_payment_hash`.
pub const INVOICE_PAYMENT_HASH: u64 = 168;
/// `invoice_amount`.
pub const INVOICE_AMOUNT: u64 = 170;
/// `invoice_fallbacks`.
pub const INVOICE_FALLBACKS: u64 = 172;
/// `invoice_features`.
pub const INVOICE_FEATURES: u64 = 174;
/// `invoice_node_id`.
pub const INVOICE_NODE_ID: u64 = 176;
/// `signature`.
pub const SIGNATURE: u64 = 240;

/// The `invoice_request` types an invoice mirrors (0 and 80 to 91).
pub const INVREQ_TYPES: [u64; 9] = [0, 80, 82, 84, 86, 88, 89, 90, 91];
/// The invoice feature bits the reference knows: MPP compulsory/optional.
pub const KNOWN_INVOICE_FEATURES: [u64; 2] = [16, 17];

/// The signature tag of a static invoice: "lightningstatic_invoicesignature".
pub fn signature_tag() -> Vec<u8> {
    merkle::signature_tag(MESSAGE_NAME, SIGNATURE_FIELD)
}

/// True for the invoice fields (160 to 239) a reader under `numbers` knows.
pub fn is_invoice_type(t: u64, numbers: &Numbers) -> bool {
    ((INVOICE_PATHS..=INVOICE_NODE_ID).contains(&t) && t & 1 == 0)
        || t == numbers.static_invoice_message_paths
}

/// True for every type an invoice reader under `numbers` knows.
pub fn is_known_type(t: u64, numbers: &Numbers) -> bool {
    offer::is_offer_type(t)
        || INVREQ_TYPES.contains(&t)
        || is_invoice_type(t, numbers)
        || t == SIGNATURE
}

fn rej(class: ReasonClass, detail: impl Into<String>) -> Rejection {
    Rejection::new(class, detail)
}

fn tlv_rej(e: tlv::TlvError) -> Rejection {
    Rejection::new(e.class(), e.to_string())
}

fn read_point(v: &[u8], what: &'static str, rule: Rule) -> Result<String, Rejection> {
    if v.len() != 33 {
        rules::fire(rule);
        return Err(rej(
            ReasonClass::InvalidValue,
            format!("{what}: {} bytes, expected 33", v.len()),
        ));
    }
    rules::consult(rule);
    let mut c = wire::Cursor::new(v, what).with_rules(rule, rule);
    Ok(hex::encode(c.point()?))
}

fn check_fallbacks(v: &[u8]) -> Result<(), Rejection> {
    let rule = Rule::InvoiceFallbacksEncoding;
    let mut c = wire::Cursor::new(v, "invoice_fallbacks").with_rules(rule, rule);
    while !c.is_empty() {
        let _version = c.u8()?;
        let len = c.u16()?;
        c.take(usize::from(len))?;
    }
    Ok(())
}

/// Decode the invoice fields (160 to 239) of a parsed stream (value encodings only).
pub fn read_invoice_fields(
    stream: &tlv::Stream<'_>,
    numbers: &Numbers,
) -> Result<InvoiceFields, Rejection> {
    let mut f = InvoiceFields::default();
    for r in &stream.records {
        let v = r.value;
        match r.tlv_type {
            INVOICE_PATHS => {
                let rules = (Rule::InvoicePathsEncoding, Rule::InvoicePathsEncoding);
                f.paths = Some(wire::read_paths(v, "invoice_paths", rules)?)
            }
            INVOICE_BLINDEDPAY => f.blindedpay = Some(wire::read_payinfos(v)?),
            INVOICE_CREATED_AT => f.created_at = Some(offer::read_tu(v, 8, "invoice_created_at")?),
            INVOICE_RELATIVE_EXPIRY => {
                let s = offer::read_tu(v, 4, "invoice_relative_expiry")?;
                f.relative_expiry = Some(u32::try_from(s).map_err(|_| {
                    rej(
                        ReasonClass::InvalidValue,
                        "invoice_relative_expiry over u32",
                    )
                })?);
            }
            INVOICE_PAYMENT_HASH => {
                if rules::rejects(Rule::InvoicePaymentHashLength, v.len() != 32) {
                    return Err(rej(
                        ReasonClass::InvalidValue,
                        format!("invoice_payment_hash: {} bytes, expected 32", v.len()),
                    ));
                }
                f.payment_hash = Some(hex::encode(v));
            }
            INVOICE_AMOUNT => f.amount = Some(offer::read_tu(v, 8, "invoice_amount")?),
            INVOICE_FALLBACKS => {
                check_fallbacks(v)?;
                f.fallbacks = Some(hex::encode(v));
            }
            INVOICE_FEATURES => f.features = Some(hex::encode(v)),
            INVOICE_NODE_ID => {
                f.node_id = Some(read_point(
                    v,
                    "invoice_node_id",
                    Rule::InvoiceNodeIdEncoding,
                )?)
            }
            t if t == numbers.static_invoice_message_paths => {
                let rules = (
                    Rule::InvoiceMessagePathsEncoding,
                    Rule::InvoiceMessagePathsEncoding,
                );
                f.message_paths = Some(wire::read_paths(v, "static_invoice_message_paths", rules)?)
            }
            _ => {}
        }
    }
    Ok(f)
}

/// Read a static invoice's TLV stream as a reader at time `now` under
/// `profile`, applying the checks in the order the module documents.
pub fn decode(bytes: &[u8], now: u64, profile: &Profile) -> Result<StaticInvoiceView, Rejection> {
    let numbers = &profile.numbers;
    // 1. BOLT 1 structure.
    let stream = tlv::parse(bytes).map_err(tlv_rej)?;
    // 2. Even/odd rule.
    stream
        .check_known(|t| is_known_type(t, numbers))
        .map_err(tlv_rej)?;
    // 3. Value encodings.
    let offer_fields = offer::read_fields(&stream)?;
    let inv = read_invoice_fields(&stream, numbers)?;
    let invreq_chain = match stream.get(INVREQ_CHAIN) {
        Some(v) if rules::rejects(Rule::InvoiceInvreqChainLength, v.len() != 32) => {
            return Err(rej(
                ReasonClass::InvalidValue,
                format!("invreq_chain: {} bytes, expected 32", v.len()),
            ))
        }
        Some(v) => Some(hex::encode(v)),
        None => None,
    };
    let signature = match stream.get(SIGNATURE) {
        Some(v) if rules::rejects(Rule::InvoiceSignatureLength, v.len() != 64) => {
            return Err(rej(
                ReasonClass::InvalidValue,
                format!("signature: {} bytes, expected 64", v.len()),
            ))
        }
        other => other,
    };
    // 4. Offer reader rules (the reference supports bitcoin only), and the
    // offer's expiry at the reader's clock.
    offer::check_rules(&offer_fields, &|c| c == BITCOIN_CHAIN)?;
    if let Some(e) = offer_fields.absolute_expiry {
        rules::check_bound(Rule::OfferExpired, now, e, || {
            rej(
                ReasonClass::Expired,
                format!("current time {now} is after offer_absolute_expiry {e}"),
            )
        })?;
    }
    // 5. Chain.
    if let Some(c) = &invreq_chain {
        if rules::rejects(Rule::InvoiceChain, c != BITCOIN_CHAIN) {
            return Err(rej(
                ReasonClass::UnsupportedChain,
                format!("invreq_chain {c} is not supported"),
            ));
        }
    }
    // 5b. "if `invreq_amount` is present: MUST reject the invoice if
    // `invoice_amount` is not equal to `invreq_amount`".
    if let Some(v) = stream.get(INVREQ_AMOUNT) {
        let want = offer::read_tu(v, 8, "invreq_amount")?;
        if rules::rejects(Rule::InvoiceAmountMatchesRequest, inv.amount != Some(want)) {
            return Err(rej(
                ReasonClass::InvalidValue,
                format!(
                    "invreq_amount is {want} msat and invoice_amount is {}",
                    inv.amount.map_or("absent".into(), |a| format!("{a} msat"))
                ),
            ));
        }
    }
    // 6. A static invoice has no payment hash.
    if rules::rejects(Rule::InvoiceNoPaymentHash, inv.payment_hash.is_some()) {
        return Err(rej(
            ReasonClass::UnexpectedPaymentHash,
            "invoice_payment_hash is set: not a static invoice",
        ));
    }
    // 7. Required fields.
    rules::check(Rule::InvoiceCreatedAt, inv.created_at.is_none(), || {
        rej(ReasonClass::MissingField, "invoice_created_at is missing")
    })?;
    rules::check(Rule::InvoiceNodeId, inv.node_id.is_none(), || {
        rej(ReasonClass::MissingField, "invoice_node_id is missing")
    })?;
    // A field whose requirement is knocked out may be absent: the checks
    // that need it are then skipped, as a reader without the rule would.
    let node_id = inv.node_id.clone().unwrap_or_default();
    // 8. Invoice features.
    if let Some(feat) = &inv.features {
        let bytes = wire::unhex(feat, "invoice_features")?;
        let unknown = offer::unknown_even_bits(&bytes, &KNOWN_INVOICE_FEATURES);
        rules::check(Rule::InvoiceFeatures, !unknown.is_empty(), || {
            rej(
                ReasonClass::UnknownRequiredFeature,
                format!("invoice_features has unknown even bits {unknown:?}"),
            )
        })?;
    }
    // 9. Expiry.
    let lifetime = inv
        .relative_expiry
        .map(u64::from)
        .unwrap_or(numbers.static_invoice_default_expiry);
    let expires_at = inv.created_at.unwrap_or(0).saturating_add(lifetime);
    let expiry_rule = if inv.relative_expiry.is_some() {
        Rule::InvoiceExpiryRelative
    } else {
        Rule::InvoiceExpiryDefault
    };
    if inv.created_at.is_some() {
        rules::check_bound(expiry_rule, now, expires_at, || {
            rej(
                ReasonClass::Expired,
                format!("current time {now} is after {expires_at}"),
            )
        })?;
    }
    // 10. Payment paths.
    let no_paths: &[asyncpay_adapter::blinding::BlindedPathView] = &[];
    let paths = inv.paths.as_deref().unwrap_or(no_paths);
    rules::check(Rule::InvoicePaths, paths.is_empty(), || {
        rej(
            ReasonClass::MissingPaymentPaths,
            "invoice_paths is missing or empty",
        )
    })?;
    rules::check(Rule::InvoicePathHops, offer::has_empty_path(paths), || {
        rej(
            ReasonClass::InvalidBlindedPath,
            "a blinded path in invoice_paths has num_hops 0",
        )
    })?;
    // 11. Payinfo.
    let have_paths = inv.paths.is_some();
    rules::check(
        Rule::InvoiceBlindedPay,
        have_paths && inv.blindedpay.is_none(),
        || {
            rej(
                ReasonClass::BlindedPayMismatch,
                "invoice_blindedpay is missing",
            )
        },
    )?;
    let payinfo = inv.blindedpay.as_deref().unwrap_or_default();
    rules::check(
        Rule::InvoiceBlindedPayCount,
        have_paths && inv.blindedpay.is_some() && payinfo.len() != paths.len(),
        || {
            rej(
                ReasonClass::BlindedPayMismatch,
                format!(
                    "{} blinded_payinfo for {} invoice_paths",
                    payinfo.len(),
                    paths.len()
                ),
            )
        },
    )?;
    let mut usable = 0;
    for p in payinfo {
        let f = wire::unhex(&p.features, "blinded_payinfo features")?;
        if offer::unknown_even_bits(&f, &[]).is_empty() {
            usable += 1;
        }
    }
    rules::check(
        Rule::InvoiceUsablePath,
        usable == 0 && !payinfo.is_empty(),
        || {
            rej(
                ReasonClass::UnknownRequiredFeature,
                "every blinded_payinfo has unknown even feature bits: no usable path",
            )
        },
    )?;
    // 12. Node id against the offer.
    let have_node_id = inv.node_id.is_some();
    if let Some(id) = offer_fields.issuer_id.as_ref().filter(|_| have_node_id) {
        rules::check(Rule::InvoiceNodeIdIssuer, *id != node_id, || {
            rej(
                ReasonClass::NodeIdMismatch,
                "invoice_node_id is not offer_issuer_id",
            )
        })?;
    } else if let Some(op) = offer_fields.paths.as_ref().filter(|_| have_node_id) {
        let finals: Vec<&str> = op
            .iter()
            .filter_map(|p| p.hops.last())
            .map(|h| h.blinded_node_id.as_str())
            .collect();
        rules::check(
            Rule::InvoiceNodeIdBlinded,
            !finals.contains(&node_id.as_str()),
            || {
                rej(
                    ReasonClass::NodeIdMismatch,
                    "invoice_node_id is not the final blinded node of any offer path",
                )
            },
        )?;
    }
    // 13. Signature.
    let tree = merkle::tree_of_records(stream.records.iter().map(|r| (r.tlv_type, r.raw)))
        .ok_or_else(|| rej(ReasonClass::MissingField, "no non-signature records"))?;
    rules::check(Rule::InvoiceSignaturePresent, signature.is_none(), || {
        rej(ReasonClass::MissingSignature, "signature is missing")
    })?;
    let sig = signature.unwrap_or_default();
    if let (Some(sig), Some(id)) = (signature, &inv.node_id) {
        let node_id_bytes = wire::unhex(id, "invoice_node_id")?;
        if let Err(e) = merkle::verify(&signature_tag(), &tree.root, sig, &node_id_bytes) {
            rules::check(Rule::InvoiceSignatureValid, true, || e)?;
        }
    }
    // 14. Message paths.
    rules::check(
        Rule::InvoiceMessagePaths,
        match &inv.message_paths {
            Some(p) => p.is_empty(),
            None => true,
        },
        || {
            rej(
                ReasonClass::MissingMessagePaths,
                "static_invoice_message_paths is missing or empty",
            )
        },
    )?;
    let unknown = stream
        .records
        .iter()
        .filter(|r| {
            !(offer::is_offer_type(r.tlv_type)
                || is_invoice_type(r.tlv_type, numbers)
                || r.tlv_type == SIGNATURE)
        })
        .map(|r| TlvRecord {
            tlv_type: r.tlv_type,
            hex: hex::encode(r.value),
        })
        .collect();
    Ok(StaticInvoiceView {
        offer: offer_fields,
        invoice: inv,
        unknown,
        signature: hex::encode(sig),
        derived: DerivedInvoiceValues {
            merkle_root: hex::encode(tree.root),
            expires_at,
        },
    })
}

/// The TLV records (type, value) of the invoice fields, for a writer.
pub fn invoice_records(
    f: &InvoiceFields,
    numbers: &Numbers,
) -> Result<Vec<(u64, Vec<u8>)>, Rejection> {
    let mut out = Vec::new();
    if let Some(p) = &f.paths {
        out.push((INVOICE_PATHS, wire::write_paths(p)?));
    }
    if let Some(p) = &f.blindedpay {
        out.push((INVOICE_BLINDEDPAY, wire::write_payinfos(p)?));
    }
    if let Some(c) = f.created_at {
        out.push((INVOICE_CREATED_AT, tlv::write_tu64(c)));
    }
    if let Some(e) = f.relative_expiry {
        out.push((INVOICE_RELATIVE_EXPIRY, tlv::write_tu64(u64::from(e))));
    }
    if let Some(h) = &f.payment_hash {
        out.push((
            INVOICE_PAYMENT_HASH,
            wire::unhex(h, "invoice_payment_hash")?,
        ));
    }
    if let Some(a) = f.amount {
        out.push((INVOICE_AMOUNT, tlv::write_tu64(a)));
    }
    if let Some(x) = &f.fallbacks {
        out.push((INVOICE_FALLBACKS, wire::unhex(x, "invoice_fallbacks")?));
    }
    if let Some(x) = &f.features {
        out.push((INVOICE_FEATURES, wire::unhex(x, "invoice_features")?));
    }
    if let Some(n) = &f.node_id {
        out.push((INVOICE_NODE_ID, wire::unhex(n, "invoice_node_id")?));
    }
    if let Some(p) = &f.message_paths {
        out.push((numbers.static_invoice_message_paths, wire::write_paths(p)?));
    }
    Ok(out)
}

/// Every unsigned record of an invoice (offer fields, invoice fields and
/// `extra`), sorted by type (stable, so a duplicate stays a duplicate).
pub fn unsigned_records(
    offer_fields: &OfferFields,
    invoice: &InvoiceFields,
    extra: &[TlvRecord],
    numbers: &Numbers,
) -> Result<Vec<(u64, Vec<u8>)>, Rejection> {
    let mut recs = offer::write_records(offer_fields)?;
    recs.extend(invoice_records(invoice, numbers)?);
    for r in extra {
        recs.push((r.tlv_type, wire::unhex(&r.hex, "extra record")?));
    }
    recs.sort_by_key(|(t, _)| *t);
    Ok(recs)
}

/// The bytes of `records` written in the given order, with no checks.
pub fn raw_stream(records: &[(u64, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (t, v) in records {
        tlv::write_record(&mut out, *t, v);
    }
    out
}

/// The Merkle root of `records` (signature-range types skipped), as the
/// writer computes it from the encoded records.
pub fn merkle_root(records: &[(u64, Vec<u8>)]) -> Option<[u8; 32]> {
    let raws: Vec<(u64, Vec<u8>)> = records
        .iter()
        .map(|(t, v)| {
            let mut raw = Vec::new();
            tlv::write_record(&mut raw, *t, v);
            (*t, raw)
        })
        .collect();
    merkle::tree_of_records(raws.iter().map(|(t, r)| (*t, r.as_slice()))).map(|t| t.root)
}

/// Sign `records` with `key` under the tag "lightning" || `message_name` ||
/// "signature", and return them with the `signature` record (240) inserted
/// before the first record of a greater type. `None` if there is nothing to
/// sign.
pub fn sign_records(
    records: &[(u64, Vec<u8>)],
    message_name: &str,
    key: &SecretKey,
) -> Option<Vec<(u64, Vec<u8>)>> {
    let root = merkle_root(records)?;
    let sig = merkle::sign(
        &merkle::signature_tag(message_name, SIGNATURE_FIELD),
        &root,
        key,
    );
    let mut out = records.to_vec();
    let pos = out
        .iter()
        .position(|(t, _)| *t > SIGNATURE)
        .unwrap_or(out.len());
    out.insert(pos, (SIGNATURE, sig.to_vec()));
    Some(out)
}

/// Write and sign `records` (already in the order wanted) with `key` under
/// `message_name`; the writer's core, also used to build invalid inputs.
pub fn write_signed(
    records: &[(u64, Vec<u8>)],
    message_name: &str,
    key: &SecretKey,
) -> Result<Vec<u8>, Rejection> {
    let signed = sign_records(records, message_name, key)
        .ok_or_else(|| rej(ReasonClass::MissingField, "nothing to sign"))?;
    Ok(raw_stream(&signed))
}

/// Parse a 32-byte secret key from hex.
pub fn secret_key(hex_key: &str) -> Result<SecretKey, Rejection> {
    let b = wire::unhex(hex_key, "signing_key")?;
    SecretKey::from_slice(&b)
        .map_err(|e| rej(ReasonClass::InvalidValue, format!("signing_key: {e}")))
}

/// Build and sign a static invoice as a writer: refuses the fields the
/// writer "MUST NOT set" (`invoice_payment_hash`, `invoice_amount`),
/// writes everything else as given, in type order.
pub fn encode(input: &EncodeStaticInvoice, profile: &Profile) -> Result<Vec<u8>, Rejection> {
    if input.invoice.payment_hash.is_some() {
        return Err(rej(
            ReasonClass::UnexpectedPaymentHash,
            "a static invoice writer MUST NOT set invoice_payment_hash",
        ));
    }
    if input.invoice.amount.is_some() {
        return Err(rej(
            ReasonClass::UnexpectedAmount,
            "a static invoice writer MUST NOT set invoice_amount",
        ));
    }
    let key = secret_key(&input.signing_key)?;
    let recs = unsigned_records(&input.offer, &input.invoice, &input.extra, &profile.numbers)?;
    write_signed(&recs, MESSAGE_NAME, &key)
}

/// Operation `static_invoice.decode`.
pub fn decode_op(input: &DecodeStaticInvoice, profile: &Profile) -> Outcome {
    let bytes = match wire::unhex(&input.hex, "hex") {
        Ok(b) => b,
        Err(e) => return Outcome::Rejected(e),
    };
    match decode(&bytes, input.now, profile) {
        Ok(view) => Outcome::accepted(&view),
        Err(e) => Outcome::Rejected(e),
    }
}

/// Operation `static_invoice.encode`.
pub fn encode_op(input: &EncodeStaticInvoice, profile: &Profile) -> Outcome {
    match encode(input, profile) {
        Ok(b) => Outcome::encoded(&b),
        Err(e) => Outcome::Rejected(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use asyncpay_adapter::blinding::{BlindedHopView, BlindedPathView};
    use asyncpay_adapter::invoice::BlindedPayInfo;
    use secp256k1::SECP256K1;

    fn pk(b: u8) -> String {
        let k = SecretKey::from_slice(&[b; 32]).unwrap();
        hex::encode(k.public_key(SECP256K1).serialize())
    }

    fn path(seed: u8) -> BlindedPathView {
        BlindedPathView {
            first_node_id: pk(seed),
            first_path_key: pk(seed + 1),
            hops: vec![BlindedHopView {
                blinded_node_id: pk(seed + 2),
                encrypted_recipient_data: "0102".into(),
            }],
        }
    }

    fn profile(message_paths: u64) -> Profile {
        let mut p = crate::draft_profile();
        p.numbers.static_invoice_message_paths = message_paths;
        p
    }

    fn input() -> EncodeStaticInvoice {
        EncodeStaticInvoice {
            offer: OfferFields {
                issuer_id: Some(pk(0x41)),
                ..Default::default()
            },
            invoice: InvoiceFields {
                paths: Some(vec![path(0x50)]),
                blindedpay: Some(vec![BlindedPayInfo::default()]),
                created_at: Some(1000),
                node_id: Some(pk(0x41)),
                message_paths: Some(vec![path(0x60), path(0x64)]),
                ..Default::default()
            },
            extra: vec![TlvRecord {
                tlv_type: 3_000_000_001,
                hex: "ff".into(),
            }],
            signing_key: hex::encode([0x41; 32]),
        }
    }

    #[test]
    fn round_trip_with_record_after_signature() {
        let p = profile(178);
        let b = encode(&input(), &p).unwrap();
        let v = decode(&b, 1000, &p).unwrap();
        assert_eq!(v.offer, input().offer);
        assert_eq!(v.invoice, input().invoice);
        assert_eq!(v.unknown, input().extra);
        assert_eq!(v.derived.expires_at, 1000 + 1_209_600);
        let s = tlv::parse(&b).unwrap();
        let types: Vec<u64> = s.records.iter().map(|r| r.tlv_type).collect();
        assert_eq!(types.last(), Some(&3_000_000_001));
        assert!(types.contains(&SIGNATURE));
    }

    #[test]
    fn message_paths_type_is_per_profile() {
        let b = encode(&input(), &profile(178)).unwrap();
        let e = decode(&b, 1000, &profile(236)).unwrap_err();
        assert_eq!(e.reason, ReasonClass::UnknownEvenType);
    }

    #[test]
    fn expiry_is_greater_than() {
        let p = profile(178);
        let b = encode(&input(), &p).unwrap();
        assert!(decode(&b, 1000 + 1_209_600, &p).is_ok());
        let e = decode(&b, 1000 + 1_209_601, &p).unwrap_err();
        assert_eq!(e.reason, ReasonClass::Expired);
    }

    #[test]
    fn writer_refuses_payment_hash_and_amount() {
        let p = profile(178);
        let mut i = input();
        i.invoice.amount = Some(1);
        assert_eq!(
            encode(&i, &p).unwrap_err().reason,
            ReasonClass::UnexpectedAmount
        );
        i.invoice.payment_hash = Some(hex::encode([0u8; 32]));
        assert_eq!(
            encode(&i, &p).unwrap_err().reason,
            ReasonClass::UnexpectedPaymentHash
        );
    }

    #[test]
    fn no_panic_on_prefixes_and_byte_flips() {
        let p = profile(178);
        let b = encode(&input(), &p).unwrap();
        for n in 0..b.len() {
            let _ = decode(&b[..n], 1000, &p);
        }
        for i in 0..b.len() {
            for x in [0x01u8, 0x80, 0xff] {
                let mut m = b.clone();
                m[i] ^= x;
                if let Ok(v) = decode(&m, 1000, &p) {
                    // Only flips inside ignored data could survive the signature.
                    assert_eq!(v.invoice.node_id, input().invoice.node_id);
                }
            }
        }
    }
}
