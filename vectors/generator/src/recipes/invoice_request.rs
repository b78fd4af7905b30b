//! Recipe for area `invoice_request`: invoice requests read
//! (`invoice_request.decode`) by the node answering on an offer's behalf,
//! for async payments the invoice server that replies with the
//! recipient's static invoice (BOLT 12's invoice request reader).
//!
//! Keys are fixed: secret `0x41..` is the offer issuer, `0x46..` the payer
//! (its `invreq_payer_id`), `0x42..` a wrong signer. Bytes and signatures
//! come from the recipes' own writer ([`super::invoice_writer`]), never
//! from the reference; each expected view is the fields the recipe
//! declared. An invalid request breaks one rule and is re-signed by the
//! payer unless the defect is the signature.

use super::invoice_writer::{self as w, Record};
use asyncpay_adapter::invoice::OfferFields;
use asyncpay_adapter::invoice_request::{InvoiceRequestFields, InvoiceRequestView};
use asyncpay_adapter::{HexInput, Profile, ReasonClass};
use asyncpay_harness::vectors::{note, Expected, FileBuilder, TestVector, VectorFile, Verdict};
use secp256k1::{SecretKey, SECP256K1};
use serde_json::json;

/// The area name, also the file name.
pub const AREA: &str = "invoice_request";
const SPEC_COMMIT: &str = crate::recipes::hold_htlc::SPEC_COMMIT;
const MESSAGE_NAME: &str = "invoice_request";

const R_REQUIRED: &str = "bolt12/static-invoice/server/invreq-required-fields";
const R_RANGE: &str = "bolt12/static-invoice/server/invreq-unknown-range";
const R_SIG: &str = "bolt12/static-invoice/server/invreq-signature";
const R_TLV_ODD: &str = "bolt1/tlv/reader/unknown-odd";

const ISSUER: u8 = 0x41;
const WRONG: u8 = 0x42;
const PAYER: u8 = 0x46;

const INVREQ_METADATA: u64 = 0;
const INVREQ_AMOUNT: u64 = 82;
const INVREQ_PAYER_ID: u64 = 88;
const INVREQ_PAYER_NOTE: u64 = 89;

fn secret(b: u8) -> SecretKey {
    SecretKey::from_slice(&[b; 32]).expect("fixed keys are valid")
}

fn pk(b: u8) -> Vec<u8> {
    secret(b).public_key(SECP256K1).serialize().to_vec()
}

/// The request every test starts from: an offer with an issuer id and a
/// description but no amount, so the request names its amount.
fn view() -> InvoiceRequestView {
    InvoiceRequestView {
        offer: OfferFields {
            description: Some("coffee".into()),
            issuer_id: Some(hex::encode(pk(ISSUER))),
            ..Default::default()
        },
        invreq: InvoiceRequestFields {
            metadata: hex::encode([0xa1; 16]),
            amount: Some(1000),
            payer_id: hex::encode(pk(PAYER)),
            payer_note: Some("for the coffee".into()),
            ..Default::default()
        },
    }
}

/// The unsigned records of [`view`], in type order.
fn records() -> Vec<Record> {
    let v = view();
    let mut out = vec![(INVREQ_METADATA, vec![0xa1; 16])];
    out.extend(w::offer_records(&v.offer));
    out.push((INVREQ_AMOUNT, w::tu64(1000)));
    out.push((INVREQ_PAYER_ID, pk(PAYER)));
    out.push((INVREQ_PAYER_NOTE, b"for the coffee".to_vec()));
    out
}

fn with(mut records: Vec<Record>, t: u64, v: &[u8]) -> Vec<Record> {
    records.push((t, v.to_vec()));
    records.sort_by_key(|(x, _)| *x);
    records
}

fn without(records: Vec<Record>, t: u64) -> Vec<Record> {
    records.into_iter().filter(|(x, _)| *x != t).collect()
}

fn signed(records: &[Record], key: u8, message_name: &str) -> Vec<u8> {
    w::stream(&w::sign_records(records, message_name, &secret(key)))
}

#[allow(clippy::too_many_arguments)]
fn test(
    id: &str,
    description: &str,
    requirements: &[&str],
    flags: &[&str],
    result: Verdict,
    bytes: &[u8],
    expected: Expected,
) -> TestVector {
    TestVector {
        id: id.into(),
        description: description.into(),
        requirements: requirements.iter().map(|s| s.to_string()).collect(),
        flags: flags.iter().map(|s| s.to_string()).collect(),
        result,
        op: "invoice_request.decode".into(),
        input: json!(HexInput {
            hex: hex::encode(bytes)
        }),
        expected,
        intermediates: None,
        comment: String::new(),
    }
}

fn accepted() -> Expected {
    Expected {
        view: Some(serde_json::to_value(view()).expect("views serialise")),
        reason: None,
        also_reasons: Vec::new(),
    }
}

fn rejected(reason: ReasonClass) -> Expected {
    Expected {
        view: None,
        reason: Some(reason),
        also_reasons: Vec::new(),
    }
}

/// Generate the `invoice_request` file for `profile` (the main profiles:
/// no field of an invoice request differs between them).
pub fn generate(profile: &Profile) -> Option<VectorFile> {
    if profile.kind == "experimental" {
        return None;
    }
    let mut b = FileBuilder::new(AREA, &profile.name, SPEC_COMMIT);
    b.header("Invoice requests (BOLT 12 invoice_request), read by the node answering on the offer's behalf: for async payments, the invoice server that replies with the recipient's static invoice. Inputs are the request's TLV stream in hex (as an invoice_request onion message carries it). Signatures are BIP340 without auxiliary randomness over the BOLT 12 Merkle root with tag \"lightninginvoice_requestsignature\", by the key of invreq_payer_id. Keys: secret 0x41.. is the offer issuer, 0x46.. the payer, 0x42.. a wrong signer. Bytes and signatures come from the recipes' own writer (vectors/generator/src/recipes/invoice_writer.rs), not from the reference's.");
    b.note("Valid", note("Valid", "A well-formed, correctly signed invoice request for an offer with an issuer id and no amount: every conforming reader accepts it with exactly this view.", "An invoice server that rejects it cannot serve the offer.", &[R_REQUIRED, R_RANGE, R_SIG]));
    b.note("UnknownOdd", note("Compatibility", "Carries a record of an unknown odd type inside the request's ranges (at a bound of one), which the reader ignores and the signature covers.", "A reader that rejects it breaks forward compatibility; one that drops it from the Merkle tree fails the signature.", &[R_RANGE, R_TLV_ODD]));
    b.note("TypeRange", note("MalformedInput", "Carries a record of an odd type just outside the request's ranges (0 to 159, 1000000000 to 2999999999; signature types aside), signed over: only the range rule refuses it.", "A reader that accepts it answers requests that carry fields of another message (an invoice's, say).", &[R_RANGE]));
    b.note("MissingField", note("MissingField", "invreq_metadata or invreq_payer_id is absent; the request is otherwise signed by the payer's key.", "Without invreq_payer_id the signature cannot be checked and the invoice has no payer to bind to; without invreq_metadata the request lacks its nonce.", &[R_REQUIRED]));
    b.note("BadSignature", note("InvalidSignature", "The signature is absent, altered, by another key than invreq_payer_id's, or made with another message name in its tag.", "Accepting it lets anyone make requests in a payer's name.", &[R_SIG]));

    let base = records();
    let all = [R_REQUIRED, R_RANGE, R_SIG];
    let v = Verdict::Valid;
    let ok = |id: &str, d: &str, reqs: &[&str], flags: &[&str], recs: &[Record]| {
        test(
            id,
            d,
            reqs,
            flags,
            v,
            &signed(recs, PAYER, MESSAGE_NAME),
            accepted(),
        )
    };
    let mut tests = vec![
        ok("valid-invoice-request", "invreq_metadata, an offer (offer_description, offer_issuer_id), invreq_amount 1000 msat (the offer has none), invreq_payer_id and invreq_payer_note, signed by the payer.", &all, &["Valid"], &base),
        ok("valid-unknown-odd-159", "The request with an unknown odd record of type 159, the last type of the request's first range.", &[R_RANGE, R_TLV_ODD], &["Valid", "UnknownOdd"], &with(base.clone(), 159, &[1])),
        ok("valid-unknown-odd-1000000001", "The request with an unknown odd record of type 1000000001, just inside the experimental range.", &[R_RANGE, R_TLV_ODD], &["Valid", "UnknownOdd"], &with(base.clone(), 1_000_000_001, &[1])),
        ok("valid-unknown-odd-2999999999", "The request with an unknown odd record of type 2999999999, the last type of the experimental range.", &[R_RANGE, R_TLV_ODD], &["Valid", "UnknownOdd"], &with(base.clone(), 2_999_999_999, &[1])),
    ];
    let bad = |id: &str, d: &str, req: &str, flag: &str, bytes: Vec<u8>, reason: ReasonClass| {
        test(
            id,
            d,
            &[req],
            &[flag],
            Verdict::Invalid,
            &bytes,
            rejected(reason),
        )
    };
    let payer_signed = |recs: Vec<Record>| signed(&recs, PAYER, MESSAGE_NAME);
    let mut flipped = payer_signed(base.clone());
    let last = flipped.len() - 1;
    flipped[last] ^= 0x01;
    tests.extend([
        bad("invalid-type-161", "The request with an odd record of type 161, an invoice type, outside the request's ranges.", R_RANGE, "TypeRange", payer_signed(with(base.clone(), 161, &[1])), ReasonClass::TypeOutOfRange),
        bad("invalid-type-999999999", "The request with an odd record of type 999999999, one below the experimental range.", R_RANGE, "TypeRange", payer_signed(with(base.clone(), 999_999_999, &[1])), ReasonClass::TypeOutOfRange),
        bad("invalid-type-3000000001", "The request with an odd record of type 3000000001, past the experimental range.", R_RANGE, "TypeRange", payer_signed(with(base.clone(), 3_000_000_001, &[1])), ReasonClass::TypeOutOfRange),
        bad("invalid-missing-payer-id", "The request without invreq_payer_id, signed by the payer's key all the same.", R_REQUIRED, "MissingField", payer_signed(without(base.clone(), INVREQ_PAYER_ID)), ReasonClass::MissingField),
        bad("invalid-missing-metadata", "The request without invreq_metadata, signed by the payer.", R_REQUIRED, "MissingField", payer_signed(without(base.clone(), INVREQ_METADATA)), ReasonClass::MissingField),
        bad("invalid-signature-missing", "The request without a signature.", R_SIG, "BadSignature", w::stream(&base), ReasonClass::MissingSignature),
        bad("invalid-signature-bit-flipped", "The request with the last bit of its signature flipped.", R_SIG, "BadSignature", flipped, ReasonClass::InvalidSignature),
        bad("invalid-signature-wrong-key", "The request signed by the offer issuer's key (0x41..), not by invreq_payer_id's.", R_SIG, "BadSignature", signed(&base, ISSUER, MESSAGE_NAME), ReasonClass::InvalidSignature),
        bad("invalid-signature-other-key", "The request signed by an unrelated key (0x42..).", R_SIG, "BadSignature", signed(&base, WRONG, MESSAGE_NAME), ReasonClass::InvalidSignature),
        bad("invalid-signature-static-invoice-tag", "The request signed by the payer with tag \"lightning\" || \"static_invoice\" || \"signature\" instead of the invoice request's.", R_SIG, "BadSignature", signed(&base, PAYER, "static_invoice"), ReasonClass::InvalidSignature),
    ]);
    for t in tests {
        b.test(t);
    }
    Some(b.finish())
}
