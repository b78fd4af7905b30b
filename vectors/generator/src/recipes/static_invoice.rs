//! Recipe for area `static_invoice`: static invoices read (`static_invoice.decode`)
//! and written (`static_invoice.encode`) under a profile.
//!
//! Keys are fixed (secret keys `0x41..` for the offer issuer, `0x42..` for a
//! wrong signer, `0x43..` for the final blinded node of offer paths, `0x50..`
//! and up for path points), and so is the clock, so generating twice gives
//! identical files.
//!
//! Honesty: an expected outcome never comes from the code under test. A
//! valid test's expected view is built from the fields the recipe declared
//! (what it asks a writer to encode), plus values the recipe derives itself
//! (`expires_at` from `created_at`, the Merkle root and the signature). It
//! never decodes the input with the reference reader. Every byte string
//! (decode inputs, encode expectations), Merkle root and signature comes
//! from the recipes' own writer ([`super::invoice_writer`]), written apart
//! from the reference's static invoice, Merkle and TLV code and checked
//! against the bolts repository's BOLT 12 vectors, so the reference's
//! writer and reader can both fail these tests. Invalid inputs are made by
//! writing records raw or by mutating a valid encoding at byte level, and
//! re-signed where the defect is not the signature, so each carries exactly
//! one defect.

use super::invoice_writer::{self as w, BITCOIN_CHAIN};
use asyncpay_adapter::blinding::{BlindedHopView, BlindedPathView};
use asyncpay_adapter::invoice::{
    BlindedPayInfo, DecodeStaticInvoice, DerivedInvoiceValues, EncodeStaticInvoice, InvoiceFields,
    OfferFields, StaticInvoiceView, TlvRecord,
};
use asyncpay_adapter::{Profile, ReasonClass};
use asyncpay_harness::vectors::{note, Expected, FileBuilder, TestVector, VectorFile, Verdict};
use secp256k1::{SecretKey, SECP256K1};
use serde_json::{json, Value};

/// The draft commit the requirements are read from.
pub const SPEC_COMMIT: &str = "3a7505e0fee9941b0c866b15e42ca4ac375ad6fe";
/// `invoice_created_at` of every test.
pub const CREATED_AT: u64 = 1_700_000_000;
/// The reader's clock unless a test says otherwise: one hour after creation.
pub const NOW: u64 = CREATED_AT + 3600;
const TESTNET_CHAIN: &str = "43497fd7f826957108f4a30fd9cec3aeba79972084e90ead01ea330900000000";

fn secret(b: u8) -> SecretKey {
    SecretKey::from_slice(&[b; 32]).expect("fixed keys are valid")
}

fn pk(b: u8) -> String {
    hex::encode(secret(b).public_key(SECP256K1).serialize())
}

const ISSUER: u8 = 0x41;
const WRONG: u8 = 0x42;
const BLINDED_FINAL: u8 = 0x43;

/// A blinded path whose points come from secret keys `seed..`; the last
/// hop's blinded node id is `last` when given.
fn path(seed: u8, hops: usize, last: Option<u8>) -> BlindedPathView {
    let hops = (0..hops)
        .map(|i| {
            let i8 = i as u8;
            let node = match last {
                Some(l) if i + 1 == hops => l,
                _ => seed + 2 + i8,
            };
            BlindedHopView {
                blinded_node_id: pk(node),
                encrypted_recipient_data: hex::encode(vec![seed.wrapping_add(i8); 16 + i]),
            }
        })
        .collect();
    BlindedPathView {
        first_node_id: pk(seed),
        first_path_key: pk(seed + 1),
        hops,
    }
}

fn payinfo(i: u32) -> BlindedPayInfo {
    BlindedPayInfo {
        fee_base_msat: 1000 + i,
        fee_proportional_millionths: 100 * (i + 1),
        cltv_expiry_delta: 144,
        htlc_minimum_msat: 1,
        htlc_maximum_msat: 1_000_000_000,
        features: String::new(),
    }
}

/// The invoice a test starts from: offer with issuer id, one offer path,
/// one payment path, two message paths, signed by the issuer.
#[derive(Clone)]
struct Inv {
    offer: OfferFields,
    invoice: InvoiceFields,
    extra: Vec<TlvRecord>,
    key: u8,
}

fn base() -> Inv {
    Inv {
        offer: OfferFields {
            description: Some("coffee".into()),
            paths: Some(vec![path(0x50, 2, None)]),
            issuer_id: Some(pk(ISSUER)),
            ..Default::default()
        },
        invoice: InvoiceFields {
            paths: Some(vec![path(0x60, 2, None)]),
            blindedpay: Some(vec![payinfo(0)]),
            created_at: Some(CREATED_AT),
            node_id: Some(pk(ISSUER)),
            message_paths: Some(vec![path(0x70, 2, None), path(0x74, 1, None)]),
            ..Default::default()
        },
        extra: vec![],
        key: ISSUER,
    }
}

impl Inv {
    fn records(&self, p: &Profile) -> Vec<w::Record> {
        w::unsigned_records(
            &self.offer,
            &self.invoice,
            &self.extra,
            p.numbers.static_invoice_message_paths,
        )
    }

    fn signed_records(&self, p: &Profile) -> Vec<w::Record> {
        w::sign_records(&self.records(p), w::MESSAGE_NAME, &secret(self.key))
    }

    fn bytes(&self, p: &Profile) -> Vec<u8> {
        w::stream(&self.signed_records(p))
    }

    fn tree(&self, p: &Profile) -> w::MerkleTree {
        w::merkle(&self.records(p)).expect("non-empty")
    }

    /// The expected view, from the declared fields and derived values.
    fn view(&self, p: &Profile) -> StaticInvoiceView {
        let root = self.tree(p).root;
        let sig = w::sign(w::MESSAGE_NAME, &root, &secret(self.key));
        let created = self.invoice.created_at.unwrap_or(0);
        let lifetime = self
            .invoice
            .relative_expiry
            .map(u64::from)
            .unwrap_or(p.numbers.static_invoice_default_expiry);
        let mut unknown = self.extra.clone();
        unknown.sort_by_key(|r| r.tlv_type);
        StaticInvoiceView {
            offer: self.offer.clone(),
            invoice: self.invoice.clone(),
            unknown,
            signature: hex::encode(sig),
            derived: DerivedInvoiceValues {
                merkle_root: hex::encode(root),
                expires_at: created + lifetime,
            },
        }
    }

    fn intermediates(&self, p: &Profile) -> Value {
        let t = self.tree(p);
        let tag = w::signature_tag(w::MESSAGE_NAME);
        json!({
            "merkle": {
                "first_tlv": hex::encode(&t.first_tlv),
                "leaves": t.leaves.iter().map(|l| json!({
                    "type": l.tlv_type,
                    "tlv": hex::encode(&l.tlv),
                    "H(LnLeaf,tlv)": hex::encode(l.leaf),
                    "H(LnNonce||first_tlv,type)": hex::encode(l.nonce),
                    "H(LnBranch,leaf+nonce)": hex::encode(l.branch),
                })).collect::<Vec<_>>(),
                "branches": t.branches.iter().map(|b| json!({
                    "lesser": hex::encode(b.lesser),
                    "greater": hex::encode(b.greater),
                    "H(LnBranch,lesser||greater)": hex::encode(b.hash),
                })).collect::<Vec<_>>(),
                "root": hex::encode(t.root),
            },
            "signature_tag": String::from_utf8_lossy(&tag),
            "H(signature_tag,root)": hex::encode(w::tagged_hash(&tag, &t.root)),
            "signing_key": hex::encode([self.key; 32]),
        })
    }
}

fn rec(t: u64, bytes: &[u8]) -> TlvRecord {
    TlvRecord {
        tlv_type: t,
        hex: hex::encode(bytes),
    }
}

/// Replace, add or drop records, keep type order, and re-sign with `key`.
fn resign(records: Vec<w::Record>, key: u8, message_name: &str) -> Vec<u8> {
    let unsigned: Vec<_> = records
        .into_iter()
        .filter(|(t, _)| *t != w::SIGNATURE)
        .collect();
    w::stream(&w::sign_records(&unsigned, message_name, &secret(key)))
}

fn without(records: &[w::Record], t: u64) -> Vec<w::Record> {
    records.iter().filter(|(x, _)| *x != t).cloned().collect()
}

fn replace(records: &[w::Record], t: u64, v: Vec<u8>) -> Vec<w::Record> {
    records
        .iter()
        .map(|(x, old)| (*x, if *x == t { v.clone() } else { old.clone() }))
        .collect()
}

fn with(records: &[w::Record], t: u64, v: Vec<u8>) -> Vec<w::Record> {
    let mut out = records.to_vec();
    out.push((t, v));
    out.sort_by_key(|(x, _)| *x);
    out
}

struct Gen<'a> {
    p: &'a Profile,
    tests: Vec<TestVector>,
}

/// A `static_invoice.decode` vector (shared with the `produced_by_ldk` recipe).
#[allow(clippy::too_many_arguments)]
pub(super) fn decode_vector(
    id: String,
    description: String,
    requirements: &[&str],
    flags: &[&str],
    result: Verdict,
    input: Value,
    expected: Expected,
    intermediates: Option<Value>,
    comment: String,
) -> TestVector {
    TestVector {
        id,
        description,
        requirements: requirements.iter().map(|s| s.to_string()).collect(),
        flags: flags.iter().map(|s| s.to_string()).collect(),
        result,
        op: "static_invoice.decode".into(),
        input,
        expected,
        intermediates,
        comment,
    }
}

impl Gen<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        id: &str,
        description: &str,
        requirements: &[&str],
        flags: &[&str],
        result: Verdict,
        input: Value,
        expected: Expected,
        intermediates: Option<Value>,
        comment: &str,
    ) {
        self.tests.push(decode_vector(
            id.into(),
            description.into(),
            requirements,
            flags,
            result,
            input,
            expected,
            intermediates,
            comment.into(),
        ));
    }

    /// A decode test that must (valid) or may (acceptable) be accepted with the declared view.
    #[allow(clippy::too_many_arguments)]
    fn accept(
        &mut self,
        id: &str,
        description: &str,
        requirements: &[&str],
        flags: &[&str],
        result: Verdict,
        inv: &Inv,
        now: u64,
        comment: &str,
    ) {
        let input = json!(DecodeStaticInvoice {
            hex: hex::encode(inv.bytes(self.p)),
            now
        });
        let view = serde_json::to_value(inv.view(self.p)).expect("views serialise");
        let inter = Some(inv.intermediates(self.p));
        self.push(
            id,
            description,
            requirements,
            flags,
            result,
            input,
            Expected {
                view: Some(view),
                reason: None,
                also_reasons: Vec::new(),
            },
            inter,
            comment,
        );
    }

    /// A decode test that must be rejected.
    #[allow(clippy::too_many_arguments)]
    fn reject(
        &mut self,
        id: &str,
        description: &str,
        requirements: &[&str],
        flags: &[&str],
        bytes: &[u8],
        now: u64,
        reason: ReasonClass,
        comment: &str,
    ) {
        let input = json!(DecodeStaticInvoice {
            hex: hex::encode(bytes),
            now
        });
        self.push(
            id,
            description,
            requirements,
            flags,
            Verdict::Invalid,
            input,
            Expected {
                view: None,
                reason: Some(reason),
                also_reasons: Vec::new(),
            },
            None,
            comment,
        );
    }

    fn encode(&mut self, id: &str, description: &str, requirements: &[&str], inv: &Inv) {
        let input = EncodeStaticInvoice {
            offer: inv.offer.clone(),
            invoice: inv.invoice.clone(),
            extra: inv.extra.clone(),
            signing_key: hex::encode([inv.key; 32]),
        };
        let hex_out = hex::encode(inv.bytes(self.p));
        let inter = Some(inv.intermediates(self.p));
        self.tests.push(TestVector {
            id: id.into(),
            description: description.into(),
            requirements: requirements.iter().map(|s| s.to_string()).collect(),
            flags: vec![],
            result: Verdict::Valid,
            op: "static_invoice.encode".into(),
            input: serde_json::to_value(input).expect("inputs serialise"),
            expected: Expected {
                view: Some(json!({ "hex": hex_out })),
                reason: None,
                also_reasons: Vec::new(),
            },
            intermediates: inter,
            comment: String::new(),
        });
    }
}

// Requirement ids (vectors/requirements.json).
const R_NO_HASH: &str = "bolt12/static-invoice/writer/no-payment-hash";
const R_NO_AMOUNT: &str = "bolt12/static-invoice/writer/no-amount";
pub(crate) const R_MSG_TWO: &str = "bolt12/static-invoice/writer/message-paths-at-least-two";
const R_NO_INVREQ: &str = "bolt12/static-invoice/writer/no-invoice-request-fields";
const R_SINGLE_CHAIN: &str = "bolt12/static-invoice/writer/offer-single-chain";
pub(crate) const R_EXP_2W: &str = "bolt12/static-invoice/writer/relative-expiry-if-not-two-weeks";
const R_AMOUNT_WITH_HASH: &str = "bolt12/static-invoice/reader/amount-required-with-payment-hash";
pub(crate) const R_MSG_REQ: &str = "bolt12/static-invoice/reader/message-paths-required";
pub(crate) const R_TAG: &str = "bolt12/static-invoice/writer/signature-tag";
pub(crate) const R_LEAVES: &str = "bolt12/static-invoice/reader/merkle-leaves";
pub(crate) const R_SIG_ELEMENTS: &str = "bolt12/static-invoice/reader/signature-elements";
const R_W_SIG: &str = "bolt12/static-invoice/writer/signature";
const R_W_ONE_SIG: &str = "bolt12/static-invoice/writer/one-signature";
const R_W_NODE_ISSUER: &str = "bolt12/static-invoice/writer/node-id-issuer-id";
const R_W_NODE_BLINDED: &str = "bolt12/static-invoice/writer/node-id-blinded";
const R_W_PATHS: &str = "bolt12/static-invoice/writer/invoice-paths";
const R_W_PAYINFO: &str = "bolt12/static-invoice/writer/blindedpay-per-path";
pub(crate) const R_CREATED: &str = "bolt12/static-invoice/reader/created-at-required";
pub(crate) const R_NODE: &str = "bolt12/static-invoice/reader/node-id-required";
pub(crate) const R_CHAIN_BTC: &str = "bolt12/static-invoice/reader/chain-bitcoin";
const R_CHAIN_OK: &str = "bolt12/static-invoice/reader/chain-supported";
const R_AMOUNT_MATCH: &str = "bolt12/static-invoice/reader/amount-matches-request";
const R_W_CURRENCY: &str = "bolt12/offer/writer/currency-iso4217";
const R_UTF8: &str = "bolt1/types/reader/utf8-may-reject";
/// `invreq_chain`, an invoice request field (BOLT 12).
const INVREQ_CHAIN: u64 = 80;
const INVREQ_AMOUNT: u64 = 82;
const R_FEAT_ODD: &str = "bolt12/static-invoice/reader/features-unknown-odd";
const R_FEAT_EVEN: &str = "bolt12/static-invoice/reader/features-unknown-even";
pub(crate) const R_EXP_REL: &str = "bolt12/static-invoice/reader/expiry-relative";
pub(crate) const R_EXP_DEF: &str = "bolt12/static-invoice/reader/expiry-default";
pub(crate) const R_PATHS: &str = "bolt12/static-invoice/reader/paths-required";
const R_PATHS_HOPS: &str = "bolt12/static-invoice/reader/paths-zero-hops";
pub(crate) const R_PAY_REQ: &str = "bolt12/static-invoice/reader/blindedpay-required";
pub(crate) const R_PAY_COUNT: &str = "bolt12/static-invoice/reader/blindedpay-count";
const R_PAYINFO_EVEN: &str = "bolt12/static-invoice/reader/payinfo-unknown-even";
const R_NO_USABLE: &str = "bolt12/static-invoice/reader/no-usable-paths";
pub(crate) const R_NODE_ISSUER: &str = "bolt12/static-invoice/reader/node-id-issuer-id";
const R_NODE_BLINDED: &str = "bolt12/static-invoice/reader/node-id-blinded";
pub(crate) const R_SIG: &str = "bolt12/static-invoice/reader/signature-valid";
const R_OFFER_FEAT: &str = "bolt12/static-invoice/reader/offer-features-unknown-even";
const R_OFFER_AMT_DESC: &str = "bolt12/static-invoice/reader/offer-amount-without-description";
const R_OFFER_CUR: &str = "bolt12/static-invoice/reader/offer-currency-without-amount";
const R_OFFER_ZERO: &str = "bolt12/static-invoice/reader/offer-amount-zero";
const R_OFFER_CHAIN: &str = "bolt12/static-invoice/reader/offer-chain-unsupported";
const R_OFFER_EXPIRED: &str = "bolt12/static-invoice/reader/offer-expired";
const R_OFFER_ID_PATHS: &str = "bolt12/static-invoice/reader/offer-no-issuer-or-paths";
const R_OFFER_HOPS: &str = "bolt12/static-invoice/reader/offer-paths-zero-hops";
const R_TLV_MINIMAL: &str = "bolt1/tlv/reader/non-minimal-bigsize";
const R_TLV_ORDER: &str = "bolt1/tlv/reader/not-strictly-increasing";
const R_TLV_DUP: &str = "bolt1/tlv/reader/duplicate-type";
const R_TLV_OVERRUN: &str = "bolt1/tlv/reader/length-overrun";
const R_TLV_BAD_LEN: &str = "bolt1/tlv/reader/known-type-bad-length";
const R_TLV_NON_MIN_FIELD: &str = "bolt1/tlv/reader/known-type-non-minimal-field";
const R_TLV_EVEN: &str = "bolt1/tlv/reader/unknown-even";
const R_TLV_ODD: &str = "bolt1/tlv/reader/unknown-odd";

const LDK_OFFER_PATHS: &str = "LDK 0.2 rejects a static invoice whose offer has no offer_paths (an LDK-only rule; the draft has none).";

fn notes(b: &mut FileBuilder) {
    b.note("Valid", note("Valid", "A well-formed static invoice that every conforming reader accepts with exactly this view.", "An implementation that rejects it cannot pay conforming static invoices.", &[R_MSG_REQ, R_SIG]));
    b.note("UnknownOdd", note("Compatibility", "Carries TLV records or feature bits of unknown odd types, which a reader must ignore (and still cover with the Merkle tree, outside the signature range).", "A reader that rejects them breaks forward compatibility; one that drops them from the Merkle tree fails the signature.", &[R_TLV_ODD, R_FEAT_ODD, R_LEAVES]));
    b.note("ExpiryBoundary", note("EdgeCase", "The reader's clock is at or one second past the expiry: the reader rejects only when the current time is greater than the expiry.", "An off-by-one rejects valid invoices or pays expired ones.", &[R_EXP_REL, R_EXP_DEF]));
    b.note("DraftGapDefaultExpiry", note("DraftGap", "gap/static-invoice-default-expiry: a static invoice without invoice_relative_expiry expires 2 weeks after invoice_created_at by the static-invoice writer rule, but the generic invoice reader rule rejects any invoice without invoice_relative_expiry once the current time is greater than invoice_created_at + 7200. The reader's clock here is between the two. The reference follows the 2-week default; rejecting is also acceptable until the draft resolves this.", "Readers disagree on whether a static invoice without an explicit expiry is payable after 2 hours.", &[R_EXP_2W, R_EXP_DEF, R_EXP_REL]));
    b.note("DraftGapMessagePathCount", note("DraftGap", "gap/message-paths-writer-reader-mismatch: exactly one static_invoice_message_paths entry. The writer rule asks for at least two; the reader rule rejects only a missing or empty list, so the writer is non-conforming but a reader may accept.", "An implementation may reject invoices another accepts.", &[R_MSG_TWO, R_MSG_REQ]));
    b.note("DraftGapWriterOnlyRule", note("DraftGap", "The input breaks a static-invoice writer rule (more than one offer chain, an invoice_request field, invoice_amount) for which the draft gives the reader no rule. The reference accepts (the reader is bound by nothing); rejecting is acceptable.", "Implementations differ: LDK rejects, a literal reader accepts.", &[R_SINGLE_CHAIN, R_NO_INVREQ, R_NO_AMOUNT]));
    b.note("ReaderChainSupport", note("Interop", "The offer names one chain other than bitcoin. A static invoice has no invreq_chain, so whether it is usable depends on the chains the reader supports: a reader on that chain accepts it with this view; a bitcoin-only reader (the reference) must not respond to the offer and rejects it (unsupported_chain).", "A reader on the wrong network must not pay.", &[R_OFFER_CHAIN, R_CHAIN_BTC]));
    b.note("ProfileNumbers", note("Interop", "Uses the static_invoice_message_paths type number of the other profile (178 in the draft, 236 in LDK 0.2): under this profile it is an unknown even type.", "Implementations on different numbers cannot read each other's static invoices.", &[R_TLV_EVEN, R_MSG_REQ]));
    b.note("MalformedTlv", note("MalformedInput", "Breaks a BOLT 1 TLV stream rule (order, duplicates, minimal BigSize, length) or a known field's encoding.", "A lenient parser accepts streams whose Merkle tree other readers compute differently.", &[R_TLV_ORDER, R_TLV_DUP, R_TLV_MINIMAL, R_TLV_OVERRUN, R_TLV_BAD_LEN]));
    b.note("MissingField", note("MissingField", "A field the reader requires is absent or empty.", "Accepting it leaves the payer without a way to pay (no paths, no node id, no creation time).", &[R_CREATED, R_NODE, R_PATHS, R_PAY_REQ, R_MSG_REQ]));
    b.note("BadSignature", note("InvalidSignature", "The signature is absent, altered, by the wrong key, or made with another tag than \"lightning\" || \"static_invoice\" || \"signature\".", "Accepting it lets anyone forge a static invoice for the offer.", &[R_SIG, R_TAG]));
    b.note(
        "NodeIdMismatch",
        note(
            "ModifiedInput",
            "invoice_node_id (and the key that signed) is not what the offer requires.",
            "Accepting it lets any node answer for an offer it does not own.",
            &[R_NODE_ISSUER, R_NODE_BLINDED],
        ),
    );
    b.note(
        "OfferRule",
        note(
            "InvalidOffer",
            "The offer fields mirrored in the invoice break an offer reader rule.",
            "A payer would pay an invoice for an offer it must not respond to.",
            &[
                R_OFFER_AMT_DESC,
                R_OFFER_CUR,
                R_OFFER_ID_PATHS,
                R_OFFER_HOPS,
                R_OFFER_FEAT,
                R_OFFER_ZERO,
            ],
        ),
    );
    b.note(
        "UnknownEven",
        note(
            "MalformedInput",
            "Carries an unknown even TLV type or feature bit, which a reader must reject.",
            "Ignoring it ignores a field the writer said must be understood.",
            &[
                R_TLV_EVEN,
                R_FEAT_EVEN,
                R_OFFER_FEAT,
                R_PAYINFO_EVEN,
                R_NO_USABLE,
            ],
        ),
    );
}

/// Generate the `static_invoice` file for `profile`.
pub fn generate(profile: &Profile) -> Option<VectorFile> {
    if profile.kind == "experimental" {
        return None;
    }
    let mut b = FileBuilder::new("static_invoice", &profile.name, SPEC_COMMIT);
    b.header("Static invoices (BOLT 12 invoices without invoice_payment_hash, BOLT PR 1149). Inputs are the invoice TLV stream in hex and the reader's clock; signatures are BIP340 without auxiliary randomness over the BOLT 12 Merkle root with tag \"lightningstatic_invoicesignature\". Keys: secret 0x41.. is the offer issuer, 0x42.. a wrong signer, 0x43.. the final blinded node of offer paths. Input bytes, expected encodings, Merkle roots and signatures come from the recipes' own writer (vectors/generator/src/recipes/invoice_writer.rs), not from the reference's; that writer reproduces the BOLT 12 upstream signature and offer vectors.");
    notes(&mut b);
    let mut g = Gen {
        p: profile,
        tests: Vec::new(),
    };
    valid_tests(&mut g);
    acceptable_tests(&mut g);
    invalid_tests(&mut g);
    encode_tests(&mut g);
    for t in g.tests {
        b.test(t);
    }
    Some(b.finish())
}

fn valid_tests(g: &mut Gen<'_>) {
    let v = Verdict::Valid;
    let sig_reqs = [R_SIG, R_TAG, R_LEAVES, R_SIG_ELEMENTS, R_W_SIG, R_W_ONE_SIG];

    let mut minimal = base();
    minimal.offer = OfferFields {
        issuer_id: Some(pk(ISSUER)),
        ..Default::default()
    };
    let mut reqs = vec![
        R_NO_HASH,
        R_NO_AMOUNT,
        R_MSG_TWO,
        R_MSG_REQ,
        R_CREATED,
        R_NODE,
        R_PATHS,
        R_PAY_COUNT,
        R_CHAIN_BTC,
        R_NO_INVREQ,
        R_TLV_NON_MIN_FIELD,
    ];
    reqs.extend(sig_reqs);
    g.accept("valid-minimal", "Minimal static invoice: offer with only offer_issuer_id; one payment path and payinfo, created_at (a minimal truncated integer), node id, two message paths, signature; no invoice-request field.", &reqs, &["Valid"], v, &minimal, NOW, LDK_OFFER_PATHS);

    let mut reqs = vec![R_NODE_ISSUER, R_W_NODE_ISSUER];
    reqs.extend(sig_reqs);
    g.accept("valid-signed-by-offer-issuer-id", "Offer with offer_issuer_id and an offer path; invoice_node_id is offer_issuer_id, which signs.", &reqs, &["Valid"], v, &base(), NOW, "");

    let mut blinded = base();
    blinded.offer.issuer_id = None;
    blinded.offer.paths = Some(vec![
        path(0x50, 2, None),
        path(0x54, 3, Some(BLINDED_FINAL)),
    ]);
    blinded.invoice.node_id = Some(pk(BLINDED_FINAL));
    blinded.key = BLINDED_FINAL;
    let mut reqs = vec![R_NODE_BLINDED, R_W_NODE_BLINDED];
    reqs.extend(sig_reqs);
    g.accept("valid-node-id-final-blinded-node-of-offer-path", "Offer without offer_issuer_id and two offer paths; invoice_node_id is the final blinded_node_id of the second path, whose key signs. The reader cannot know which path the request used, so any offer path's final node is accepted (gap/static-invoice-node-id).", &reqs, &["Valid"], v, &blinded, NOW, "");

    let mut before = base();
    before.offer.absolute_expiry = Some(NOW + 1);
    g.accept(
        "valid-offer-expiry-one-second-before-boundary",
        "offer_absolute_expiry a second after the reader's clock: the offer stands.",
        &[R_OFFER_EXPIRED],
        &["Valid", "ExpiryBoundary"],
        v,
        &before,
        NOW,
        "",
    );
    let mut at = base();
    at.offer.absolute_expiry = Some(NOW);
    g.accept("valid-offer-expiry-at-boundary", "offer_absolute_expiry equal to the reader's clock: the current time is not after it, so the offer stands.", &[R_OFFER_EXPIRED], &["Valid", "ExpiryBoundary"], v, &at, NOW, "");

    let mut rel = base();
    rel.invoice.relative_expiry = Some(86_400);
    g.accept("valid-relative-expiry-one-second-before-boundary", "invoice_relative_expiry 86400 and the reader's clock at created_at + 86399: a second before the bound.", &[R_EXP_REL], &["Valid", "ExpiryBoundary"], v, &rel, CREATED_AT + 86_399, "");
    g.accept("valid-relative-expiry-at-boundary", "invoice_relative_expiry 86400 and the reader's clock exactly at created_at + 86400: not greater, so not expired.", &[R_EXP_REL], &["Valid", "ExpiryBoundary"], v, &rel, CREATED_AT + 86_400, "");

    let mut two_weeks = base();
    two_weeks.invoice.relative_expiry = Some(1_209_600);
    g.accept("valid-relative-expiry-two-weeks-at-boundary", "Explicit invoice_relative_expiry of 2 weeks (1209600) and the clock at created_at + 1209600: not expired under every reading.", &[R_EXP_REL], &["Valid", "ExpiryBoundary"], v, &two_weeks, CREATED_AT + 1_209_600, "");

    g.accept("valid-default-expiry-within-7200", "No invoice_relative_expiry and the clock at created_at + 7200: valid under both the 7200-second and the 2-week reading.", &[R_EXP_DEF, R_EXP_2W], &["Valid", "ExpiryBoundary"], v, &base(), CREATED_AT + 7200, "");

    let mut odd_offer = base();
    odd_offer.extra = vec![rec(33, b"helloworld"), rec(1_000_000_033, b"experimental")];
    g.accept("valid-unknown-odd-offer-range", "Unknown odd records in the offer range (33) and the experimental offer range (1000000033, after the signature record): ignored, kept in the Merkle tree.", &[R_TLV_ODD, R_LEAVES, R_SIG], &["Valid", "UnknownOdd"], v, &odd_offer, NOW, "");

    let mut odd_inv = base();
    odd_inv.extra = vec![
        rec(181, b"odd invoice field"),
        rec(3_000_000_001, &[1, 2, 3]),
    ];
    g.accept("valid-unknown-odd-invoice-range", "Unknown odd records in the invoice range (181) and the experimental invoice range (3000000001, after the signature record).", &[R_TLV_ODD, R_LEAVES, R_SIG], &["Valid", "UnknownOdd"], v, &odd_inv, NOW, "");

    let mut odd_sig = base();
    odd_sig.extra = vec![rec(241, &[0xab; 8])];
    g.accept("valid-unknown-odd-signature-range", "An unknown odd record in the signature range (241): ignored, and left out of the Merkle tree like every signature element.", &[R_TLV_ODD, R_SIG_ELEMENTS, R_SIG], &["Valid", "UnknownOdd"], v, &odd_sig, NOW, "");

    let mut several = base();
    several.invoice.paths = Some(vec![
        path(0x60, 1, None),
        path(0x64, 2, None),
        path(0x68, 3, None),
    ]);
    several.invoice.blindedpay = Some(vec![payinfo(0), payinfo(1), payinfo(2)]);
    g.accept(
        "valid-several-payment-paths",
        "Three payment paths with one blinded_payinfo each, in order.",
        &[R_PATHS, R_PAY_COUNT, R_W_PATHS, R_W_PAYINFO],
        &["Valid"],
        v,
        &several,
        NOW,
        "",
    );

    let mut one_usable = several.clone();
    if let Some(p) = one_usable.invoice.blindedpay.as_mut() {
        p[0].features = "0100".into();
        p[2].features = "02".into();
    }
    g.accept("valid-payinfo-unknown-even-bit-leaves-usable-path", "Three payment paths; the first payinfo has unknown even bit 8 (that path is unusable), the others are usable, so the invoice stands.", &[R_PAYINFO_EVEN, R_NO_USABLE], &["Valid"], v, &one_usable, NOW, "");

    let mut mpp = base();
    mpp.invoice.features = Some("020000".into());
    g.accept(
        "valid-invoice-features-mpp-optional",
        "invoice_features with MPP/optional (bit 17).",
        &[R_FEAT_ODD],
        &["Valid"],
        v,
        &mpp,
        NOW,
        "",
    );

    let mut odd_feat = base();
    odd_feat.invoice.features = Some("0200000000".into());
    g.accept(
        "valid-invoice-features-unknown-odd-bit",
        "invoice_features with unknown odd bit 33: ignored.",
        &[R_FEAT_ODD],
        &["Valid", "UnknownOdd"],
        v,
        &odd_feat,
        NOW,
        "",
    );

    let mut full = base();
    full.offer = OfferFields {
        chains: Some(vec![BITCOIN_CHAIN.into()]),
        metadata: Some("0001020304050607".into()),
        currency: Some("USD".into()),
        amount: Some(100),
        description: Some("A Mathematical Treatise".into()),
        features: Some("02".into()),
        absolute_expiry: Some(CREATED_AT + 31_536_000),
        paths: Some(vec![path(0x50, 2, None)]),
        issuer: Some("Alice".into()),
        quantity_max: Some(0),
        issuer_id: Some(pk(ISSUER)),
    };
    g.accept("valid-every-offer-field", "Every offer field: one chain (bitcoin), metadata, currency USD with amount 100, description, offer feature bit 1 (odd), absolute expiry, one path, issuer, quantity_max 0, issuer id.", &[R_OFFER_AMT_DESC, R_OFFER_CUR, R_OFFER_FEAT, R_SINGLE_CHAIN, R_NODE_ISSUER, R_W_CURRENCY], &["Valid"], v, &full, NOW, "");

    let mut utf8 = base();
    utf8.offer.description = Some("Caf\u{e9} \u{2615} \u{4fa1}\u{683c} \u{1f9fe}".into());
    utf8.offer.issuer = Some("\u{c5}sa M\u{fc}ller".into());
    g.accept("valid-offer-utf8-multibyte", "offer_description and offer_issuer in valid UTF-8 of two, three and four bytes a character: a reader may reject only what is not valid UTF-8.", &[R_UTF8], &["Valid"], v, &utf8, NOW, "");

    let mut scid = base();
    let mut p = path(0x60, 2, None);
    p.first_node_id = "010000010000020003".into();
    scid.invoice.paths = Some(vec![p]);
    g.accept("valid-payment-path-sciddir-introduction", "A payment path whose first_node_id is a sciddir_or_pubkey short channel id (direction 1, 1x2x3).", &[R_PATHS], &["Valid"], v, &scid, NOW, "");

    let mut fallback = base();
    fallback.invoice.fallbacks = Some(fallback_address(20, 20));
    g.accept(
        "valid-fallback-address",
        "invoice_fallbacks with one version-0 20-byte program.",
        &[R_SIG],
        &["Valid"],
        v,
        &fallback,
        NOW,
        "",
    );
}

fn acceptable_tests(g: &mut Gen<'_>) {
    let a = Verdict::Acceptable;
    g.accept("acceptable-default-expiry-after-7200", "No invoice_relative_expiry and the clock at created_at + 7201: expired under the generic reader rule (7200 s), valid under the static-invoice 2-week default the reference follows.", &[R_EXP_DEF, R_EXP_2W], &["DraftGapDefaultExpiry"], a, &base(), CREATED_AT + 7201, "LDK applies a 2-week default expiry to static invoices (accepts).");
    g.accept("acceptable-default-expiry-one-second-before-two-weeks", "No invoice_relative_expiry and the clock at created_at + 1209599: a second before the 2-week default's bound; past the generic 7200-second default.", &[R_EXP_DEF, R_EXP_2W], &["DraftGapDefaultExpiry", "ExpiryBoundary"], a, &base(), CREATED_AT + 1_209_599, "");
    g.accept("acceptable-default-expiry-two-weeks-at-boundary", "No invoice_relative_expiry and the clock at created_at + 1209600: the last second of the 2-week default; past the generic 7200-second default.", &[R_EXP_DEF, R_EXP_2W], &["DraftGapDefaultExpiry", "ExpiryBoundary"], a, &base(), CREATED_AT + 1_209_600, "LDK applies a 2-week default expiry to static invoices (accepts).");

    let mut one = base();
    one.invoice.message_paths = Some(vec![path(0x70, 2, None)]);
    g.accept("acceptable-one-message-path", "Exactly one static_invoice_message_paths entry: the writer broke \"at least two paths\", but the reader only rejects a missing or empty list, so the reference accepts.", &[R_MSG_TWO, R_MSG_REQ], &["DraftGapMessagePathCount"], a, &one, NOW, "LDK accepts a single message path.");

    let mut chains = base();
    chains.offer.chains = Some(vec![BITCOIN_CHAIN.into(), TESTNET_CHAIN.into()]);
    g.accept("acceptable-two-offer-chains", "offer_chains with two chains (bitcoin and testnet): the often-offline writer \"MUST NOT include more than 1 chain\", and the reader has no rule; the reference accepts.", &[R_SINGLE_CHAIN, R_CHAIN_BTC], &["DraftGapWriterOnlyRule"], a, &chains, NOW, "LDK rejects a static invoice whose offer has more than one chain.");

    let mut testnet = base();
    testnet.offer.chains = Some(vec![TESTNET_CHAIN.into()]);
    g.accept("acceptable-offer-chains-testnet-only", "offer_chains names testnet only. Whether the invoice is usable depends on the chains the reader supports: a testnet reader accepts it with this view; a bitcoin-only reader (the reference) must not respond to the offer and rejects it (unsupported_chain).", &[R_OFFER_CHAIN, R_CHAIN_BTC], &["ReaderChainSupport"], a, &testnet, NOW, "");

    let mut invreq = base();
    invreq.extra = vec![
        rec(88, &hex::decode(pk(WRONG)).expect("hex")),
        rec(89, b"thanks"),
    ];
    g.accept("acceptable-invoice-request-fields", "invreq_payer_id (88) and invreq_payer_note (89): the writer \"MUST NOT set any invoice_request TLV fields\", the reader has no rule; the reference accepts and reports them as unknown.", &[R_NO_INVREQ], &["DraftGapWriterOnlyRule"], a, &invreq, NOW, "LDK rejects TLV records in the invoice request range.");

    let mut amount = base();
    amount.invoice.amount = Some(5000);
    g.accept("acceptable-invoice-amount", "invoice_amount set in an invoice without invoice_payment_hash: the writer \"MUST NOT set invoice_amount\", the reader only requires an amount when there is a payment hash; the reference accepts.", &[R_NO_AMOUNT, R_AMOUNT_WITH_HASH], &["DraftGapWriterOnlyRule"], a, &amount, NOW, "LDK rejects it (UnexpectedAmount).");
}

fn invalid_tests(g: &mut Gen<'_>) {
    let p = g.p;
    let inv = base();
    let recs = inv.signed_records(p);
    let bytes = inv.bytes(p);
    let mp = p.numbers.static_invoice_message_paths;
    let other_mp = if mp == 178 { 236 } else { 178 };
    use ReasonClass as C;

    g.reject("invalid-payment-hash-present", "invoice_payment_hash present (and no invoice_amount): not a static invoice, and an invoice with a payment hash but no amount must be rejected.", &[R_NO_HASH, R_AMOUNT_WITH_HASH], &[], &resign(with(&recs, w::INVOICE_PAYMENT_HASH, vec![0x11; 32]), ISSUER, w::MESSAGE_NAME), NOW, C::UnexpectedPaymentHash, "LDK rejects (UnexpectedPaymentHash).");
    // One value encoding (or one chain) broken each, re-signed.
    let testnet = hex::decode(TESTNET_CHAIN).expect("hex");
    let bitcoin = hex::decode(BITCOIN_CHAIN).expect("hex");
    g.reject("invalid-invreq-chain-not-supported", "invreq_chain (80) is testnet's chain hash, a chain the reader does not support (the writer should not have set it at all; the reader's rule is the chain).", &[R_CHAIN_OK], &[], &resign(with(&recs, INVREQ_CHAIN, testnet), ISSUER, w::MESSAGE_NAME), NOW, C::UnsupportedChain, "");
    g.reject("invalid-invreq-amount-without-invoice-amount", "invreq_amount (82) of 1000 msat and no invoice_amount: the reader must reject an invoice whose invoice_amount is not equal to invreq_amount (the writer should not have set invreq_amount at all; the reader's rule is the amount).", &[R_AMOUNT_MATCH], &[], &resign(with(&recs, INVREQ_AMOUNT, w::tu64(1000)), ISSUER, w::MESSAGE_NAME), NOW, C::InvalidValue, "");
    g.reject("invalid-invreq-chain-short", "invreq_chain (80) is bitcoin's chain hash less its last byte: 31 bytes, where a chain_hash is 32 (so it names no supported chain either).", &[R_TLV_BAD_LEN, R_CHAIN_OK], &["MalformedTlv"], &resign(with(&recs, INVREQ_CHAIN, bitcoin[..31].to_vec()), ISSUER, w::MESSAGE_NAME), NOW, C::InvalidValue, "");
    g.reject("invalid-payment-hash-short", "invoice_payment_hash of 31 bytes, where a sha256 is 32 (and a payment hash at all: not a static invoice).", &[R_TLV_BAD_LEN, R_AMOUNT_WITH_HASH], &["MalformedTlv"], &resign(with(&recs, w::INVOICE_PAYMENT_HASH, vec![0x11; 31]), ISSUER, w::MESSAGE_NAME), NOW, C::InvalidValue, "");
    {
        let cut = |t: u64| {
            let v = recs
                .iter()
                .find(|(x, _)| *x == t)
                .map(|(_, v)| v[..v.len() - 1].to_vec())
                .unwrap_or_default();
            resign(replace(&recs, t, v), ISSUER, w::MESSAGE_NAME)
        };
        g.reject(
            "invalid-truncated-blindedpay",
            "invoice_blindedpay one byte short of its last blinded_payinfo (record re-signed).",
            &[R_TLV_BAD_LEN],
            &["MalformedTlv"],
            &cut(w::INVOICE_BLINDEDPAY),
            NOW,
            C::Truncated,
            "",
        );
        g.reject(
            "invalid-truncated-message-path",
            "static_invoice_message_paths one byte short of its last path (record re-signed).",
            &[R_TLV_BAD_LEN],
            &["MalformedTlv"],
            &cut(mp),
            NOW,
            C::Truncated,
            "",
        );
    }
    g.reject(
        "invalid-message-paths-missing",
        "No static_invoice_message_paths.",
        &[R_MSG_REQ],
        &["MissingField"],
        &resign(without(&recs, mp), ISSUER, w::MESSAGE_NAME),
        NOW,
        C::MissingMessagePaths,
        "LDK rejects (MissingPaths).",
    );
    g.reject(
        "invalid-message-paths-empty",
        "static_invoice_message_paths present with no path (empty value).",
        &[R_MSG_REQ],
        &["MissingField"],
        &resign(replace(&recs, mp, vec![]), ISSUER, w::MESSAGE_NAME),
        NOW,
        C::MissingMessagePaths,
        "LDK rejects (MissingPaths).",
    );
    g.reject("invalid-message-paths-other-profile-type", "The message paths are written under the other profile's type number (even, unknown here), so this profile's list is missing and the stream has an unknown even type.", &[R_TLV_EVEN, R_MSG_REQ], &["ProfileNumbers"], &resign({ let v = recs.iter().find(|(t, _)| *t == mp).map(|(_, v)| v.clone()).unwrap_or_default(); with(&without(&recs, mp), other_mp, v) }, ISSUER, w::MESSAGE_NAME), NOW, C::UnknownEvenType, "LDK 0.2 (type 236) rejects type 178 as an unknown even type.");
    g.reject(
        "invalid-node-id-missing",
        "No invoice_node_id.",
        &[R_NODE],
        &["MissingField"],
        &resign(without(&recs, w::INVOICE_NODE_ID), ISSUER, w::MESSAGE_NAME),
        NOW,
        C::MissingField,
        "",
    );
    g.reject(
        "invalid-created-at-missing",
        "No invoice_created_at.",
        &[R_CREATED],
        &["MissingField"],
        &resign(
            without(&recs, w::INVOICE_CREATED_AT),
            ISSUER,
            w::MESSAGE_NAME,
        ),
        NOW,
        C::MissingField,
        "",
    );
    g.reject(
        "invalid-payment-paths-missing",
        "No invoice_paths (and no invoice_blindedpay).",
        &[R_PATHS],
        &["MissingField"],
        &resign(
            without(&without(&recs, w::INVOICE_PATHS), w::INVOICE_BLINDEDPAY),
            ISSUER,
            w::MESSAGE_NAME,
        ),
        NOW,
        C::MissingPaymentPaths,
        "",
    );
    g.reject(
        "invalid-payment-paths-empty",
        "invoice_paths and invoice_blindedpay present but empty.",
        &[R_PATHS],
        &["MissingField"],
        &resign(
            replace(
                &replace(&recs, w::INVOICE_PATHS, vec![]),
                w::INVOICE_BLINDEDPAY,
                vec![],
            ),
            ISSUER,
            w::MESSAGE_NAME,
        ),
        NOW,
        C::MissingPaymentPaths,
        "",
    );
    g.reject(
        "invalid-blindedpay-missing",
        "invoice_paths without invoice_blindedpay.",
        &[R_PAY_REQ],
        &["MissingField"],
        &resign(
            without(&recs, w::INVOICE_BLINDEDPAY),
            ISSUER,
            w::MESSAGE_NAME,
        ),
        NOW,
        C::BlindedPayMismatch,
        "",
    );
    {
        let mut two = base();
        two.invoice.paths = Some(vec![path(0x60, 1, None), path(0x64, 2, None)]);
        g.reject(
            "invalid-blindedpay-count-mismatch",
            "Two payment paths but one blinded_payinfo.",
            &[R_PAY_COUNT],
            &[],
            &two.bytes(p),
            NOW,
            C::BlindedPayMismatch,
            "",
        );
    }
    {
        let mut zero = base();
        zero.invoice.paths = Some(vec![path(0x60, 0, None)]);
        g.reject(
            "invalid-payment-path-zero-hops",
            "A payment path with num_hops 0.",
            &[R_PATHS_HOPS],
            &[],
            &zero.bytes(p),
            NOW,
            C::InvalidBlindedPath,
            "",
        );
    }
    {
        let mut all_bad = base();
        if let Some(pi) = all_bad.invoice.blindedpay.as_mut() {
            pi[0].features = "0100".into();
        }
        g.reject(
            "invalid-payinfo-unknown-even-bit-no-usable-path",
            "The only payinfo has unknown even feature bit 8, which leaves no usable path.",
            &[R_PAYINFO_EVEN, R_NO_USABLE],
            &["UnknownEven"],
            &all_bad.bytes(p),
            NOW,
            C::UnknownRequiredFeature,
            "",
        );
    }
    {
        let mut b2 = bytes.clone();
        if let Some(last) = b2.last_mut() {
            *last ^= 0x01;
        }
        g.reject(
            "invalid-signature-altered",
            "The last byte of the signature is flipped.",
            &[R_SIG],
            &["BadSignature"],
            &b2,
            NOW,
            C::InvalidSignature,
            "LDK rejects (IncorrectSignature).",
        );
    }
    g.reject(
        "invalid-signature-wrong-key",
        "Signed by another key (0x42..) than invoice_node_id.",
        &[R_SIG, R_W_SIG],
        &["BadSignature"],
        &resign(recs.clone(), WRONG, w::MESSAGE_NAME),
        NOW,
        C::InvalidSignature,
        "LDK rejects (IncorrectSignature).",
    );
    g.reject("invalid-signature-invoice-tag", "Signed by the right key with tag \"lightninginvoicesignature\" (messagename \"invoice\") instead of \"lightningstatic_invoicesignature\".", &[R_SIG, R_TAG], &["BadSignature"], &resign(recs.clone(), ISSUER, "invoice"), NOW, C::InvalidSignature, "LDK rejects (IncorrectSignature).");
    g.reject(
        "invalid-signature-missing",
        "No signature record.",
        &[R_SIG, R_W_ONE_SIG],
        &["BadSignature"],
        &w::stream(&without(&recs, w::SIGNATURE)),
        NOW,
        C::MissingSignature,
        "",
    );
    {
        let mut short = recs.clone();
        for (t, v) in short.iter_mut() {
            if *t == w::SIGNATURE {
                v.truncate(63);
            }
        }
        g.reject(
            "invalid-signature-wrong-length",
            "A 63-byte signature record.",
            &[R_TLV_BAD_LEN, R_SIG],
            &["MalformedTlv"],
            &w::stream(&short),
            NOW,
            C::InvalidValue,
            "",
        );
    }
    g.reject(
        "invalid-unknown-even-invoice-range",
        "An unknown even record in the invoice range (182).",
        &[R_TLV_EVEN],
        &["UnknownEven"],
        &resign(with(&recs, 182, vec![1]), ISSUER, w::MESSAGE_NAME),
        NOW,
        C::UnknownEvenType,
        "",
    );
    g.reject(
        "invalid-unknown-even-offer-range",
        "An unknown even record in the offer range (24).",
        &[R_TLV_EVEN],
        &["UnknownEven"],
        &resign(with(&recs, 24, vec![1]), ISSUER, w::MESSAGE_NAME),
        NOW,
        C::UnknownEvenType,
        "",
    );
    {
        // Swap the created_at and node_id records at byte level.
        let mut swapped = recs.clone();
        let a = swapped
            .iter()
            .position(|(t, _)| *t == w::INVOICE_CREATED_AT);
        let b2 = swapped.iter().position(|(t, _)| *t == w::INVOICE_NODE_ID);
        if let (Some(a), Some(b2)) = (a, b2) {
            swapped.swap(a, b2);
        }
        g.reject(
            "invalid-tlv-out-of-order",
            "invoice_node_id (176) written before invoice_created_at (164), signed in that order.",
            &[R_TLV_ORDER],
            &["MalformedTlv"],
            &resign(swapped, ISSUER, w::MESSAGE_NAME),
            NOW,
            C::TlvOutOfOrder,
            "",
        );
    }
    {
        let mut dup = recs.clone();
        if let Some(pos) = dup.iter().position(|(t, _)| *t == w::INVOICE_CREATED_AT) {
            let r = dup[pos].clone();
            dup.insert(pos, r);
        }
        g.reject(
            "invalid-tlv-duplicate",
            "invoice_created_at written twice, signed so.",
            &[R_TLV_DUP],
            &["MalformedTlv"],
            &resign(dup, ISSUER, w::MESSAGE_NAME),
            NOW,
            C::TlvDuplicate,
            "",
        );
    }
    {
        // Rewrite the signature record's length (64) as fd0040: the
        // signature is outside the Merkle tree, so nothing else changes.
        let mut out = Vec::new();
        for (t, v) in &recs {
            if *t == w::SIGNATURE {
                out.push(0xf0);
                out.extend([0xfd, 0x00, v.len() as u8]);
                out.extend(v);
            } else {
                out.extend(w::record(*t, v));
            }
        }
        g.reject(
            "invalid-non-minimal-bigsize-length",
            "signature's length written as a 3-byte BigSize (fd0040).",
            &[R_TLV_MINIMAL],
            &["MalformedTlv"],
            &out,
            NOW,
            C::NonMinimalBigsize,
            "",
        );
    }
    // An odd record after the signature (outside the Merkle tree) whose
    // length runs past the end of the stream.
    let overrun: Vec<u8> = bytes
        .iter()
        .copied()
        .chain([0xf1, 0x05, 0xaa, 0xbb])
        .collect();
    g.reject(
        "invalid-truncated-stream",
        "After the signature, an odd record (241) whose length (5) runs past the end of the stream (2 bytes left).",
        &[R_TLV_OVERRUN],
        &["MalformedTlv"],
        &overrun,
        NOW,
        C::Truncated,
        "",
    );
    {
        let v = recs
            .iter()
            .find(|(t, _)| *t == w::INVOICE_PATHS)
            .map(|(_, v)| v[..v.len() - 1].to_vec())
            .unwrap_or_default();
        g.reject("invalid-truncated-payment-path", "invoice_paths whose last hop's encrypted data is one byte short of its length (record re-signed).", &[R_TLV_BAD_LEN], &["MalformedTlv"], &resign(replace(&recs, w::INVOICE_PATHS, v), ISSUER, w::MESSAGE_NAME), NOW, C::Truncated, "");
    }
    g.reject(
        "invalid-created-at-non-minimal",
        "invoice_created_at with a leading zero byte (not a minimal tu64).",
        &[R_TLV_NON_MIN_FIELD],
        &["MalformedTlv"],
        &resign(
            replace(&recs, w::INVOICE_CREATED_AT, {
                let mut v = vec![0];
                v.extend(w::tu64(CREATED_AT));
                v
            }),
            ISSUER,
            w::MESSAGE_NAME,
        ),
        NOW,
        C::InvalidValue,
        "",
    );
    {
        let bad_point =
            hex::decode("020303030303030303030303030303030303030303030303030303030303030303")
                .expect("hex");
        g.reject(
            "invalid-node-id-not-a-point",
            "invoice_node_id is 33 bytes that are not a valid secp256k1 point (so it is not offer_issuer_id either).",
            &[R_SIG, R_TLV_BAD_LEN, R_NODE_ISSUER],
            &["MalformedTlv"],
            &resign(
                replace(&recs, w::INVOICE_NODE_ID, bad_point),
                ISSUER,
                w::MESSAGE_NAME,
            ),
            NOW,
            C::InvalidPoint,
            "",
        );
    }
    {
        // One byte past the point: the issuer id is still the signing key,
        // so only its length is wrong (the record is re-signed).
        let mut long = hex::decode(pk(ISSUER)).expect("hex");
        long.push(0);
        g.reject(
            "invalid-offer-issuer-id-34-bytes",
            "offer_issuer_id is the issuer's 33-byte point followed by one more byte (record re-signed): not a point's length.",
            &[R_TLV_BAD_LEN],
            &["MalformedTlv"],
            &resign(replace(&recs, w::OFFER_ISSUER_ID, long), ISSUER, w::MESSAGE_NAME),
            NOW,
            C::InvalidValue,
            "",
        );
    }
    {
        // A fallback address whose program is one byte shorter than its
        // length says.
        let mut short = base();
        short.invoice.fallbacks = Some(fallback_address(20, 19));
        g.reject(
            "invalid-fallbacks-truncated",
            "invoice_fallbacks with one version-0 address whose length (20) runs a byte past the record.",
            &[R_TLV_BAD_LEN],
            &["MalformedTlv"],
            &short.bytes(p),
            NOW,
            C::Truncated,
            "",
        );
    }
    {
        let mut other = base();
        other.invoice.node_id = Some(pk(WRONG));
        other.key = WRONG;
        g.reject(
            "invalid-node-id-not-offer-issuer-id",
            "invoice_node_id (0x42.., which signs) differs from offer_issuer_id (0x41..).",
            &[R_NODE_ISSUER],
            &["NodeIdMismatch"],
            &other.bytes(p),
            NOW,
            C::NodeIdMismatch,
            "",
        );
        let mut blinded = base();
        blinded.offer.issuer_id = None;
        blinded.offer.paths = Some(vec![path(0x54, 3, Some(BLINDED_FINAL))]);
        blinded.invoice.node_id = Some(pk(WRONG));
        blinded.key = WRONG;
        g.reject("invalid-node-id-not-final-blinded-node", "Offer without offer_issuer_id; invoice_node_id (0x42.., which signs) is not the final blinded node of the offer path.", &[R_NODE_BLINDED], &["NodeIdMismatch"], &blinded.bytes(p), NOW, C::NodeIdMismatch, "");
    }
    {
        let mut f = base();
        f.invoice.features = Some("100000".into());
        g.reject(
            "invalid-invoice-features-unknown-even-bit",
            "invoice_features with unknown even bit 20.",
            &[R_FEAT_EVEN],
            &["UnknownEven"],
            &f.bytes(p),
            NOW,
            C::UnknownRequiredFeature,
            "",
        );
        let mut o = base();
        o.offer.features = Some("0400".into());
        g.reject(
            "invalid-offer-features-unknown-even-bit",
            "offer_features with unknown even bit 10.",
            &[R_OFFER_FEAT],
            &["UnknownEven", "OfferRule"],
            &o.bytes(p),
            NOW,
            C::UnknownRequiredFeature,
            "",
        );
    }
    {
        // offer_absolute_expiry one second before the reader's clock.
        let mut o = base();
        o.offer.absolute_expiry = Some(NOW - 1);
        g.reject(
            "invalid-offer-expired",
            "offer_absolute_expiry one second before the reader's clock: the offer has expired, so its invoice is not paid.",
            &[R_OFFER_EXPIRED],
            &["OfferRule", "ExpiryBoundary"],
            &o.bytes(p),
            NOW,
            C::Expired,
            "",
        );
    }
    {
        let mut o = base();
        o.offer.description = None;
        o.offer.amount = Some(1000);
        g.reject(
            "invalid-offer-amount-without-description",
            "offer_amount without offer_description.",
            &[R_OFFER_AMT_DESC],
            &["OfferRule"],
            &o.bytes(p),
            NOW,
            C::InvalidOffer,
            "",
        );
        let mut o = base();
        o.offer.currency = Some("USD".into());
        g.reject(
            "invalid-offer-currency-without-amount",
            "offer_currency without offer_amount.",
            &[R_OFFER_CUR],
            &["OfferRule"],
            &o.bytes(p),
            NOW,
            C::InvalidOffer,
            "",
        );
        let mut o = base();
        o.offer.issuer_id = None;
        o.offer.paths = None;
        g.reject(
            "invalid-offer-no-issuer-id-no-paths",
            "Neither offer_issuer_id nor offer_paths.",
            &[R_OFFER_ID_PATHS],
            &["OfferRule"],
            &o.bytes(p),
            NOW,
            C::InvalidOffer,
            "",
        );
        let mut o = base();
        o.offer.paths = Some(vec![path(0x50, 2, None), path(0x54, 0, None)]);
        g.reject(
            "invalid-offer-path-zero-hops",
            "A second offer path with num_hops 0.",
            &[R_OFFER_HOPS],
            &["OfferRule"],
            &o.bytes(p),
            NOW,
            C::InvalidBlindedPath,
            "",
        );
    }
    {
        let mut r = base();
        r.invoice.relative_expiry = Some(86_400);
        g.reject(
            "invalid-relative-expiry-expired",
            "invoice_relative_expiry 86400 and the clock at created_at + 86401.",
            &[R_EXP_REL],
            &["ExpiryBoundary"],
            &r.bytes(p),
            CREATED_AT + 86_401,
            C::Expired,
            "",
        );
        g.reject("invalid-default-expiry-expired", "No invoice_relative_expiry and the clock at created_at + 1209601: expired under both the 2-week and the 7200-second reading.", &[R_EXP_DEF, R_EXP_2W], &["ExpiryBoundary"], &bytes, CREATED_AT + 1_209_601, C::Expired, "");
    }
}

fn encode_tests(g: &mut Gen<'_>) {
    let mut minimal = base();
    minimal.offer = OfferFields {
        issuer_id: Some(pk(ISSUER)),
        ..Default::default()
    };
    g.encode("encode-minimal", "Write the minimal static invoice: records in type order, signature (240) over the Merkle root, BIP340 without auxiliary randomness.", &[R_W_SIG, R_W_ONE_SIG, R_TAG, R_NO_HASH, R_NO_AMOUNT, R_MSG_TWO], &minimal);
    g.encode(
        "encode-offer-issuer-id",
        "Write the base static invoice (offer with issuer id and a path).",
        &[R_W_SIG, R_W_NODE_ISSUER, R_TAG],
        &base(),
    );
    let mut odd = base();
    odd.extra = vec![rec(33, b"helloworld"), rec(3_000_000_001, &[1, 2, 3])];
    g.encode("encode-unknown-odd-records", "Write extra odd records, one after the signature's type: the signature record goes in type order, before 3000000001.", &[R_W_SIG, R_SIG_ELEMENTS, R_LEAVES], &odd);
}

/// `invoice_fallbacks` holding one version-0 `fallback_address` whose
/// program length (a u16) says `declared` and which carries `actual` bytes
/// of program.
fn fallback_address(declared: u16, actual: usize) -> String {
    let mut record = vec![0u8];
    record.extend(declared.to_be_bytes());
    record.resize(3 + actual, 0x5a);
    hex::encode(record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use asyncpay_adapter::{Adapter, Outcome};
    use asyncpay_harness::vectors::to_canonical_json;
    use asyncpay_reference::ReferenceAdapter;

    fn profiles() -> Vec<Profile> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../profiles.json");
        let text = std::fs::read_to_string(path).expect("profiles.json");
        let v: Value = serde_json::from_str(&text).expect("json");
        let all: Vec<Profile> = serde_json::from_value(v["profiles"].clone()).expect("profiles");
        all.into_iter()
            .filter(|p| p.kind != "experimental")
            .collect()
    }

    #[test]
    fn generates_deterministically_with_enough_tests() {
        for p in profiles() {
            let a = generate(&p).expect("applies");
            let b = generate(&p).expect("applies");
            assert_eq!(to_canonical_json(&a), to_canonical_json(&b), "{}", p.name);
            a.check_structure().expect("structure");
            let count = |v: Verdict| a.tests.iter().filter(|t| t.result == v).count();
            assert!(a.tests.len() >= 40, "{}: {} tests", p.name, a.tests.len());
            assert!(count(Verdict::Invalid) >= 25, "{}", p.name);
            let used: std::collections::BTreeSet<&String> =
                a.tests.iter().flat_map(|t| &t.flags).collect();
            for f in used {
                assert!(a.notes.contains_key(f), "flag {f} without note");
            }
        }
    }

    #[test]
    fn reference_passes_every_test() {
        let adapter = ReferenceAdapter;
        let mut failures = Vec::new();
        let mut class_mismatches = Vec::new();
        for p in profiles() {
            let file = generate(&p).expect("applies");
            for t in &file.tests {
                let op = t.operation().expect("operation");
                let out = adapter.execute(&op, &p);
                let here = format!("{}::{}", p.name, t.id);
                match (t.result, &out) {
                    (Verdict::Valid | Verdict::Acceptable, Outcome::Accepted { view }) => {
                        if Some(view) != t.expected.view.as_ref() {
                            failures.push(format!(
                                "{here}: view differs\n have {view}\n want {}",
                                t.expected.view.clone().unwrap_or_default()
                            ));
                        }
                    }
                    (Verdict::Acceptable, Outcome::Rejected(_)) => {}
                    (Verdict::Invalid, Outcome::Rejected(r)) => {
                        if Some(r.reason) != t.expected.reason {
                            class_mismatches.push(format!(
                                "{here}: {:?} ({}) instead of {:?}",
                                r.reason, r.detail, t.expected.reason
                            ));
                        }
                    }
                    (_, other) => failures.push(format!("{here}: {:?} gave {other:?}", t.result)),
                }
            }
        }
        for m in &class_mismatches {
            println!("reason-class mismatch: {m}");
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(
            class_mismatches.is_empty(),
            "{}",
            class_mismatches.join("\n")
        );
    }
}
