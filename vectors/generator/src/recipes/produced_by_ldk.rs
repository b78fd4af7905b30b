//! Recipe for areas `produced_by_ldk` (lightning 0.2.7) and
//! `produced_by_ldk_0_3` (lightning 0.3.0-rc3): static invoices built by
//! LDK's own builder, which a conforming reader (and the other release)
//! must decode and validate.
//!
//! The bytes come from each release's `build_static_invoices_with_ldk`
//! (the LDK adapters' module `builder`): the release's
//! `StaticInvoiceBuilder::for_offer_using_derived_keys`,
//! run from fixed keys, nonces, times and a deterministic entropy source.
//! The recipe rebuilds them every time it runs, so a change in LDK (or in
//! the fixed inputs) shows up as drift in `asyncpay vectors check`. The file
//! exists for the `ldk-0.2` profile only: the bytes carry LDK's numbers
//! (`static_invoice_message_paths` at 236), which no other profile reads.
//!
//! Honesty: a test's expected view is never obtained by decoding the bytes
//! with the reference reader (that test could not fail). It is stated from
//!
//! - what the recipe asked of LDK's builder (the description the builder
//!   returns: offer chain, amount, description, issuer, absolute expiry,
//!   quantity, `created_at`, relative expiry, `allow_mpp`, the fallback),
//!   rendered with the draft's encodings (BOLT 9 bit numbering for
//!   `allow_mpp`, BOLT 12's `fallback_address` for the fallback);
//! - the draft's writer rules where they fix a field (`invoice_node_id` is
//!   `offer_issuer_id`; no `invoice_payment_hash`, no `invoice_amount`);
//! - LDK's documented behaviour where it fixes a field (no `offer_metadata`
//!   and no `offer_features` when, as here, the offer has blinded paths and
//!   no features: offers/offer.rs:429-458 and 1058-1064; no
//!   `invoice_features` record when none are set,
//!   offers/static_invoice.rs:458-464);
//! - the values only LDK's builder knows, read through LDK's own accessors on
//!   the invoice it built (`ldk_built` in the description): the blinded
//!   paths (their blinding points and ciphertexts come from LDK's entropy and
//!   encryption), each payment path's aggregated `blinded_payinfo`, the
//!   Merkle root LDK signed (`UnsignedStaticInvoice` as `TaggedHash`,
//!   `merkle_root()`) and the signature (`StaticInvoice::signature()`).
//!
//! Invalid counterparts are made by mutating LDK's bytes (a flipped signature
//! bit, a flipped bit in a signed record) or by moving the reader's clock
//! past the expiry LDK was asked to write.

use super::static_invoice::{
    decode_vector, R_CHAIN_BTC, R_CREATED, R_EXP_2W, R_EXP_DEF, R_EXP_REL, R_LEAVES, R_MSG_REQ,
    R_MSG_TWO, R_NODE, R_NODE_ISSUER, R_PATHS, R_PAY_COUNT, R_PAY_REQ, R_SIG, R_SIG_ELEMENTS,
    R_TAG,
};
use asyncpay_adapter::blinding::BlindedPathView;
use asyncpay_adapter::invoice::{
    BlindedPayInfo, DecodeStaticInvoice, DerivedInvoiceValues, InvoiceFields, OfferFields,
    StaticInvoiceView,
};
use asyncpay_adapter::{Profile, ReasonClass};
use asyncpay_harness::vectors::{note, Expected, FileBuilder, TestVector, VectorFile, Verdict};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// What a release's builder returns: per invoice its name, its bytes and
/// what the builder was asked and built.
pub type BuiltInvoices = Vec<(String, Vec<u8>, Value)>;

/// One LDK release whose builder makes an area's bytes.
pub struct Release {
    /// The area name (also the file name).
    pub area: &'static str,
    /// The `lightning` crate version.
    pub version: &'static str,
    /// The release's builder: (name, bytes, what it was asked and built).
    pub build: fn() -> BuiltInvoices,
}

/// lightning 0.2.7's builder.
#[cfg(feature = "ldk")]
pub const LDK_0_2: Release = Release {
    area: "produced_by_ldk",
    version: asyncpay_ldk::LDK_VERSION,
    build: asyncpay_ldk::build_static_invoices_with_ldk,
};

/// lightning 0.3.0-rc3's builder.
#[cfg(feature = "ldk-0.3")]
pub const LDK_0_3: Release = Release {
    area: "produced_by_ldk_0_3",
    version: asyncpay_ldk_0_3::LDK_VERSION,
    build: asyncpay_ldk_0_3::build_static_invoices_with_ldk,
};

/// The only profile these areas apply to (0.2.7's and 0.3.0-rc3's numbers
/// are the same).
pub const PROFILE: &str = "ldk-0.2";
/// The draft commit the requirements are read from.
const SPEC_COMMIT: &str = super::static_invoice::SPEC_COMMIT;
/// How long after `invoice_created_at` the reader's clock is set: well
/// inside every variant's validity, and inside 7200 s, so that invoices
/// without `invoice_relative_expiry` are not caught by the draft's
/// default-expiry contradiction (gap/static-invoice-default-expiry).
const READ_AFTER: u64 = 60;
/// Bitcoin mainnet's chain hash as BOLT 12 writes it.
const BITCOIN_CHAIN: &str = "6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000";
/// `basic_mpp` (BOLT 9 bits 16/17): `allow_mpp` sets the optional bit 17
/// (`set_basic_mpp_optional`, offers/invoice_macros.rs:79-82). Big-endian.
const MPP_OPTIONAL_FEATURES: &str = "020000";

// Requirement ids (vectors/requirements.json).
const R_OFFER_CHAIN: &str = "bolt12/static-invoice/reader/offer-chain-unsupported";

fn notes(b: &mut FileBuilder, release: &Release) {
    let version = release.version;
    b.note("Interop", note("Interop", &format!("The bytes were produced by LDK itself: lightning {version}'s StaticInvoiceBuilder::for_offer_using_derived_keys, from fixed keys, nonces, times and a deterministic entropy source (adapters/ldk/src/builder.rs, build_static_invoices_with_ldk). The recipe rebuilds them every time it runs, so a change in LDK's builder shows as drift in `asyncpay vectors check`. The expected view is stated from what the builder was asked plus the values only LDK knows (paths, payinfo, Merkle root, signature), read through LDK's own accessors on the invoice it built, never by decoding the bytes with the reference. The message paths LDK builds end in a recipient hop whose encrypted_recipient_data carries LDK's non-standard Poly1305 tag (ChaCha20-Poly1305 with swapped AAD keyed by the receive_auth_key, crypto/streams.rs:62) instead of the RFC 8439 tag with empty AAD; only the recipient reads that hop, so it does not matter for decoding the invoice, but a non-LDK recipient could not have produced or verified it."), "A reader that rejects these cannot pay static invoices served for LDK recipients.", &[R_SIG, R_MSG_REQ]));
    b.note("DraftGapMessagePathCount", note("DraftGap", "gap/message-paths-writer-reader-mismatch: LDK's builder wrote exactly one static_invoice_message_paths entry (it only refuses an empty list, offers/static_invoice.rs:132). The writer rule asks for at least two; the reader rule rejects only a missing or empty list, so the writer is non-conforming but a reader may accept (and the reference does).", "Readers may disagree on whether LDK's single-message-path invoices are payable.", &[R_MSG_TWO, R_MSG_REQ]));
    b.note("ReaderChainSupport", note("Interop", "The offer names one chain, testnet (offer_chains), as LDK was asked. Whether the invoice is usable depends on the chains the reader supports: a reader that supports testnet accepts it with this view; a bitcoin-only reader (the reference) must not respond to the offer and rejects it (unsupported_chain).", "A reader on the wrong network must not pay.", &[R_OFFER_CHAIN]));
    b.note("ByteMutation", note("MalformedInput", "One of LDK's invoices with one bit flipped, not re-signed: the signature no longer verifies.", "A reader that does not verify the signature over the Merkle root pays forged invoices.", &[R_SIG]));
    b.note("ExpiryBoundary", note("EdgeCase", "One of LDK's invoices read one second after the expiry it was built with (created_at plus invoice_relative_expiry).", "An off-by-one pays expired invoices.", &[R_EXP_REL]));
}

/// The fields of the builder's description the recipe reads.
fn field<T: DeserializeOwned>(asked: &Value, pointer: &str) -> T {
    let v = asked.pointer(pointer).cloned().unwrap_or(Value::Null);
    serde_json::from_value(v.clone())
        .unwrap_or_else(|e| panic!("builder description {pointer} = {v}: {e}"))
}

/// One LDK-built invoice and what the recipe expects of it.
struct Built {
    name: String,
    bytes: Vec<u8>,
    asked: Value,
}

impl Built {
    fn created_at(&self) -> u64 {
        field(&self.asked, "/created_at")
    }

    fn relative_expiry(&self) -> Option<u32> {
        field(&self.asked, "/relative_expiry")
    }

    fn message_paths(&self) -> usize {
        field(&self.asked, "/message_paths")
    }

    fn chain_hash(&self) -> Option<String> {
        field(&self.asked, "/offer/chain_hash")
    }

    fn expires_at(&self, p: &Profile) -> u64 {
        let lifetime = self
            .relative_expiry()
            .map(u64::from)
            .unwrap_or(p.numbers.static_invoice_default_expiry);
        self.created_at() + lifetime
    }

    /// The expected view: what the builder was asked, the draft's writer
    /// rules, and the values LDK computed (read through LDK's accessors).
    fn view(&self, p: &Profile) -> StaticInvoiceView {
        let a = &self.asked;
        let issuer_id: Option<String> = field(a, "/issuer_signing_pubkey");
        let offer_paths: Vec<BlindedPathView> = field(a, "/ldk_built/offer_paths");
        let offer = OfferFields {
            chains: self.chain_hash().map(|c| vec![c]),
            metadata: None,
            currency: None,
            amount: field(a, "/offer/amount_msats"),
            description: field(a, "/offer/description"),
            features: None,
            absolute_expiry: field(a, "/offer/absolute_expiry"),
            paths: Some(offer_paths),
            issuer: field(a, "/offer/issuer"),
            quantity_max: field(a, "/offer/quantity_max"),
            issuer_id: issuer_id.clone(),
        };
        let fallbacks = field::<Option<String>>(a, "/fallback_p2wpkh").map(|h| {
            // BOLT 12 fallback_address: [byte:version][u16:len][len*byte:address].
            format!("00{:04x}{h}", h.len() / 2)
        });
        let allow_mpp: bool = field(a, "/allow_mpp");
        let invoice = InvoiceFields {
            paths: Some(field(a, "/ldk_built/payment_paths")),
            blindedpay: Some(field::<Vec<BlindedPayInfo>>(a, "/ldk_built/blindedpay")),
            created_at: Some(self.created_at()),
            relative_expiry: self.relative_expiry(),
            payment_hash: None,
            amount: None,
            fallbacks,
            features: allow_mpp.then(|| MPP_OPTIONAL_FEATURES.to_string()),
            // Writer rule: "MUST set invoice_node_id to the offer_issuer_id".
            node_id: issuer_id,
            message_paths: Some(field(a, "/ldk_built/message_paths")),
        };
        StaticInvoiceView {
            offer,
            invoice,
            unknown: Vec::new(),
            signature: field(a, "/ldk_built/signature"),
            derived: DerivedInvoiceValues {
                merkle_root: field(a, "/ldk_built/merkle_root"),
                expires_at: self.expires_at(p),
            },
        }
    }

    fn input(&self, bytes: &[u8], now: u64) -> Value {
        json!(DecodeStaticInvoice {
            hex: hex::encode(bytes),
            now
        })
    }

    fn intermediates(&self) -> Value {
        json!({ "asked_of_ldk": self.asked })
    }

    /// The offset of the signature's value (the last record, type 240, 64 bytes).
    fn signature_offset(&self) -> usize {
        let n = self.bytes.len();
        assert!(
            n > 66 && self.bytes[n - 66..n - 64] == [0xf0, 0x40],
            "{}: LDK's invoice ends with its signature record",
            self.name
        );
        n - 64
    }
}

fn accept_test(b: &Built, p: &Profile, version: &str) -> TestVector {
    let mut reqs = vec![
        R_SIG,
        R_LEAVES,
        R_SIG_ELEMENTS,
        R_TAG,
        R_MSG_REQ,
        R_CREATED,
        R_NODE,
        R_NODE_ISSUER,
        R_PATHS,
        R_PAY_REQ,
        R_PAY_COUNT,
        if b.relative_expiry().is_some() {
            R_EXP_REL
        } else {
            R_EXP_DEF
        },
    ];
    let mut flags = vec!["Interop"];
    let mut result = Verdict::Valid;
    let mut notes = Vec::new();
    if b.message_paths() < 2 {
        reqs.push(R_MSG_TWO);
        flags.push("DraftGapMessagePathCount");
        result = Verdict::Acceptable;
        notes.push("one message path (the writer rule asks for two; readers may accept)");
    }
    match b.chain_hash() {
        None => reqs.push(R_CHAIN_BTC),
        Some(c) if c == BITCOIN_CHAIN => reqs.push(R_CHAIN_BTC),
        Some(_) => {
            reqs.push(R_OFFER_CHAIN);
            flags.push("ReaderChainSupport");
            result = Verdict::Acceptable;
            notes.push(
                "offer on testnet (accepted by a testnet reader, rejected by a bitcoin-only one)",
            );
        }
    }
    if b.relative_expiry().is_none() {
        reqs.push(R_EXP_2W);
    }
    let now = b.created_at() + READ_AFTER;
    let mut description = format!(
        "LDK-built static invoice {}: built by lightning {version}'s StaticInvoiceBuilder ({} payment path(s), {} message path(s)); read {READ_AFTER} s after creation.",
        b.name,
        field::<usize>(&b.asked, "/payment_paths"),
        b.message_paths()
    );
    if !notes.is_empty() {
        description.push_str(&format!(" Acceptable: {}.", notes.join("; ")));
    }
    let view = serde_json::to_value(b.view(p)).expect("views serialise");
    decode_vector(
        b.name.clone(),
        description,
        &reqs,
        &flags,
        result,
        b.input(&b.bytes, now),
        Expected {
            view: Some(view),
            reason: None,
            also_reasons: Vec::new(),
        },
        Some(b.intermediates()),
        String::new(),
    )
}

#[allow(clippy::too_many_arguments)]
fn reject_test(
    b: &Built,
    suffix: &str,
    description: String,
    requirements: &[&str],
    flags: &[&str],
    bytes: &[u8],
    now: u64,
    reason: ReasonClass,
) -> TestVector {
    decode_vector(
        format!("{}-{suffix}", b.name),
        description,
        requirements,
        flags,
        Verdict::Invalid,
        b.input(bytes, now),
        Expected {
            view: None,
            reason: Some(reason),
            also_reasons: Vec::new(),
        },
        None,
        String::new(),
    )
}

/// The invalid counterparts of one LDK-built invoice.
fn invalid_tests(b: &Built, p: &Profile) -> Vec<TestVector> {
    let now = b.created_at() + READ_AFTER;
    let mut out = Vec::new();

    let mut sig = b.bytes.clone();
    let at = b.signature_offset() + 10;
    sig[at] ^= 0x01;
    out.push(reject_test(
        b,
        "signature-bit-flipped",
        format!("LDK-built static invoice {} with bit 0 of signature byte 10 flipped: the signature does not verify.", b.name),
        &[R_SIG],
        &["Interop", "ByteMutation"],
        &sig,
        now,
        ReasonClass::InvalidSignature,
    ));

    // The last byte of the signed part is the last byte of the last signed record's
    // value (the message paths at 236 in LDK's invoices): part of a Merkle leaf.
    let mut body = b.bytes.clone();
    let at = b.signature_offset() - 3;
    body[at] ^= 0x01;
    out.push(reject_test(
        b,
        "signed-byte-flipped",
        format!("LDK-built static invoice {} with bit 0 of the last byte before the signature record flipped (inside the last signed record's value): the Merkle root changes and LDK's signature no longer verifies.", b.name),
        &[R_SIG, R_LEAVES],
        &["Interop", "ByteMutation"],
        &body,
        now,
        ReasonClass::InvalidSignature,
    ));

    if b.relative_expiry().is_some() {
        let expiry = b.expires_at(p);
        out.push(reject_test(
            b,
            "expired",
            format!("LDK-built static invoice {} read at created_at + invoice_relative_expiry + 1 = {}: expired.", b.name, expiry + 1),
            &[R_EXP_REL],
            &["Interop", "ExpiryBoundary"],
            &b.bytes,
            expiry + 1,
            ReasonClass::Expired,
        ));
    }
    out
}

/// Every invoice the release builds, with the builder's description.
fn built(release: &Release) -> Vec<Built> {
    (release.build)()
        .into_iter()
        .map(|(name, bytes, asked)| Built { name, bytes, asked })
        .collect()
}

/// The 0.2.7 area's file for `profile` (see [`generate`]).
#[cfg(feature = "ldk")]
pub fn generate_0_2(profile: &Profile) -> Option<VectorFile> {
    generate(&LDK_0_2, profile)
}

/// The 0.3.0-rc3 area's file for `profile` (see [`generate`]).
#[cfg(feature = "ldk-0.3")]
pub fn generate_0_3(profile: &Profile) -> Option<VectorFile> {
    generate(&LDK_0_3, profile)
}

/// The release's file for `profile`: `None` unless it is `ldk-0.2` (the
/// bytes use LDK's numbers).
pub fn generate(release: &Release, profile: &Profile) -> Option<VectorFile> {
    if profile.name != PROFILE {
        return None;
    }
    let version = release.version;
    let mut b = FileBuilder::new(release.area, &profile.name, SPEC_COMMIT);
    b.header(&format!("Static invoices produced by LDK (lightning {version}) with its own StaticInvoiceBuilder::for_offer_using_derived_keys from fixed seeds, rebuilt on every generation (a change in LDK shows as drift). Expected views are stated from what the builder was asked and from LDK's own accessors on the built invoice (paths, payinfo, Merkle root, signature), never from the reference reader. Inputs are the invoice TLV stream in hex and the reader's clock."));
    notes(&mut b, release);
    let all = built(release);
    for inv in &all {
        b.test(accept_test(inv, profile, version));
    }
    // Byte mutations of the invoice with two message paths on bitcoin (the one valid for
    // every reader), so that a rejection can only come from the mutation.
    for inv in all.iter().filter(|i| i.message_paths() >= 2) {
        for t in invalid_tests(inv, profile) {
            b.test(t);
        }
    }
    Some(b.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use asyncpay_adapter::{Adapter, Outcome};
    use asyncpay_harness::vectors::to_canonical_json;
    use asyncpay_reference::ReferenceAdapter;

    fn profiles() -> Vec<Profile> {
        asyncpay_harness::runner::load_profiles(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../profiles.json"
        )))
        .expect("profiles load")
    }

    /// The releases in this build.
    fn releases() -> Vec<&'static Release> {
        vec![
            #[cfg(feature = "ldk")]
            &LDK_0_2,
            #[cfg(feature = "ldk-0.3")]
            &LDK_0_3,
        ]
    }

    #[test]
    fn only_for_ldk_and_deterministic() {
        for (r, p) in releases()
            .into_iter()
            .flat_map(|r| profiles().into_iter().map(move |p| (r, p)))
        {
            match generate(r, &p) {
                None => assert_ne!(p.name, PROFILE),
                Some(a) => {
                    assert_eq!(p.name, PROFILE);
                    let b = generate(r, &p).expect("applies");
                    assert_eq!(to_canonical_json(&a), to_canonical_json(&b));
                    a.check_structure().expect("structure");
                    assert!(a.tests.len() >= 6, "{} tests", a.tests.len());
                }
            }
        }
    }

    /// The reference accepts every LDK-built invoice with exactly the stated view,
    /// except the testnet one, which it (a bitcoin-only reader) rejects for its chain,
    /// and rejects every invalid counterpart with the stated reason.
    #[test]
    fn reference_reads_ldk_invoices_exactly() {
        let p = profiles()
            .into_iter()
            .find(|p| p.name == PROFILE)
            .expect("ldk-0.2 profile");
        for file in releases()
            .into_iter()
            .map(|r| generate(r, &p).expect("applies"))
        {
            for t in &file.tests {
                let out = ReferenceAdapter.execute(&t.operation().expect("operation"), &p);
                let testnet = t.flags.iter().any(|f| f == "ReaderChainSupport");
                match (t.result, out) {
                    (_, Outcome::Rejected(r)) if testnet => {
                        assert_eq!(r.reason, ReasonClass::UnsupportedChain, "{}", t.id)
                    }
                    (Verdict::Valid | Verdict::Acceptable, Outcome::Accepted { view }) => {
                        assert_eq!(Some(&view), t.expected.view.as_ref(), "{}", t.id)
                    }
                    (Verdict::Invalid, Outcome::Rejected(r)) => {
                        assert_eq!(Some(r.reason), t.expected.reason, "{}: {}", t.id, r.detail)
                    }
                    (v, other) => panic!("{}: {v:?} gave {other:?}", t.id),
                }
            }
        }
    }
}
