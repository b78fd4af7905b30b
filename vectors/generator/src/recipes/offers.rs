//! Offers as BOLT 12 strings (`offer.decode`), from the bolts repository's
//! own BOLT 12 vectors (`vectors/upstream/bolt12/offers-test.json` and
//! `format-string-test.json`, vendored from lightning/bolts): each upstream
//! case becomes a vector with the requirement it shows and a verdict by the
//! spec's rule (where that differs from upstream's `valid`, the comment
//! says why; cases that break two rules are left out, since a vector breaks
//! one).
//!
//! A valid case's expected view is written from the fields its description
//! declares ([`valid_offers`]), and checked here against upstream's string:
//! the declared records, written with the recipes' own writer
//! ([`super::invoice_writer`]) and encoded with the `bech32` crate, must
//! give upstream's string exactly. Nothing comes from the reference model.

use super::invoice_writer::{offer_records, Record, BITCOIN_CHAIN};
use asyncpay_adapter::blinding::{BlindedHopView, BlindedPathView};
use asyncpay_adapter::invoice::{OfferFields, TlvRecord};
use asyncpay_adapter::offer::OfferView;
use asyncpay_adapter::{Profile, ReasonClass};
use asyncpay_harness::vectors::{note, Expected, FileBuilder, TestVector, VectorFile, Verdict};
use secp256k1::{PublicKey, SecretKey, SECP256K1};
use serde_json::{json, Value};

/// The area.
pub const AREA: &str = "offers";

const SPEC_COMMIT: &str = crate::recipes::hold_htlc::SPEC_COMMIT;

const R_FORMAT: &str = "bolt12/string/format/bech32-data";
const R_CASE: &str = "bolt12/string/reader/all-lower-or-upper";
const R_PLUS: &str = "bolt12/string/reader/remove-continuation";
const R_RANGE: &str = "bolt12/static-invoice/reader/offer-unknown-range";
const R_FEAT_EVEN: &str = "bolt12/static-invoice/reader/offer-features-unknown-even";
const R_FEAT_ODD: &str = "bolt12/offer/reader/features-unknown-odd";
const R_CHAIN: &str = "bolt12/static-invoice/reader/offer-chain-unsupported";
const R_AMT_DESC: &str = "bolt12/static-invoice/reader/offer-amount-without-description";
const R_CUR_AMT: &str = "bolt12/static-invoice/reader/offer-currency-without-amount";
const R_AMT_ZERO: &str = "bolt12/static-invoice/reader/offer-amount-zero";
const R_NO_ID: &str = "bolt12/static-invoice/reader/offer-no-issuer-or-paths";
const R_ZERO_HOPS: &str = "bolt12/static-invoice/reader/offer-paths-zero-hops";
const R_ORDER: &str = "bolt1/tlv/reader/not-strictly-increasing";
const R_EVEN: &str = "bolt1/tlv/reader/unknown-even";
const R_ODD: &str = "bolt1/tlv/reader/unknown-odd";
const R_OVERRUN: &str = "bolt1/tlv/reader/length-overrun";
const R_BAD_LEN: &str = "bolt1/tlv/reader/known-type-bad-length";
const R_UTF8: &str = "bolt1/types/reader/utf8-may-reject";

/// A valid upstream offer, as its description declares it.
pub struct ValidOffer {
    /// The upstream entry's `description` (its key).
    pub description: &'static str,
    /// The offer fields.
    pub fields: OfferFields,
    /// Records of unknown odd types, as (type, value).
    pub unknown: Vec<Record>,
    /// The requirements the case shows, beyond the string form.
    pub requirements: &'static [&'static str],
}

impl ValidOffer {
    /// The records, in type order.
    pub fn records(&self) -> Vec<Record> {
        let mut r = offer_records(&self.fields);
        r.extend(self.unknown.iter().cloned());
        r.sort_by_key(|(t, _)| *t);
        r
    }
}

fn key(b: u8) -> SecretKey {
    SecretKey::from_slice(&[b; 32]).expect("a valid key")
}

fn pk(b: u8) -> String {
    hex::encode(PublicKey::from_secret_key(SECP256K1, &key(b)).serialize())
}

/// The blinded path via Bob (node 0x42) of the upstream offers, whose hops'
/// keys are all 0x02.. and whose second hop's data is `second_enc` x 8.
fn bob_path(second_enc: u8, first_node_id: Option<&str>) -> BlindedPathView {
    let two = hex::encode([2u8; 33]);
    BlindedPathView {
        first_node_id: first_node_id.map_or_else(|| pk(0x42), str::to_string),
        first_path_key: two.clone(),
        hops: vec![
            BlindedHopView {
                blinded_node_id: two.clone(),
                encrypted_recipient_data: hex::encode([0u8; 16]),
            },
            BlindedHopView {
                blinded_node_id: two,
                encrypted_recipient_data: hex::encode([second_enc; 8]),
            },
        ],
    }
}

/// The valid entries of `offers-test.json`, written from the fields their
/// descriptions declare. Left out: "for bitcoin or liquidv1", whose liquidv1
/// chain hash could only be copied from the expected bytes.
pub fn valid_offers() -> Vec<ValidOffer> {
    let alice = Some(pk(0x41));
    let base = || OfferFields {
        description: Some("Test vectors".to_string()),
        issuer_id: alice.clone(),
        ..Default::default()
    };
    let with = |f: &dyn Fn(&mut OfferFields)| {
        let mut o = base();
        f(&mut o);
        o
    };
    // "expiry is 2035-01-01": midnight in UTC+10:30 (Adelaide summer time),
    // i.e. 2034-12-31T13:30:00Z. 1970 to 2034 is 65 years of 365 days and 16
    // leap days.
    let expiry_2035 = (65 * 365 + 16) * 86_400 - (10 * 3600 + 1800);
    let mut bit_99 = vec![0u8; 13];
    bit_99[0] = 1 << (99 % 8);
    let case = |description, fields, requirements| ValidOffer {
        description,
        fields,
        unknown: Vec::new(),
        requirements,
    };
    vec![
        case(
            "Minimal bolt12 offer",
            OfferFields {
                issuer_id: alice.clone(),
                ..Default::default()
            },
            &[R_NO_ID],
        ),
        case("with description (but no amount)", base(), &[R_NO_ID]),
        case(
            "for testnet",
            with(&|o| {
                o.chains = Some(vec![
                    "43497fd7f826957108f4a30fd9cec3aeba79972084e90ead01ea330900000000".into(),
                ])
            }),
            &[R_CHAIN],
        ),
        case(
            "for bitcoin (redundant)",
            with(&|o| o.chains = Some(vec![BITCOIN_CHAIN.into()])),
            &[R_CHAIN],
        ),
        case(
            "with metadata",
            with(&|o| o.metadata = Some(hex::encode([0u8; 16]))),
            &[R_NO_ID],
        ),
        case(
            "with amount",
            with(&|o| o.amount = Some(10_000)),
            &[R_AMT_DESC, R_AMT_ZERO],
        ),
        case(
            "with currency",
            with(&|o| {
                o.currency = Some("USD".into());
                o.amount = Some(10_000);
            }),
            &[R_CUR_AMT],
        ),
        case(
            "with expiry",
            with(&|o| o.absolute_expiry = Some(expiry_2035)),
            &[R_NO_ID],
        ),
        case(
            "with issuer",
            with(&|o| o.issuer = Some("https://bolt12.org BOLT12 industries".into())),
            &[R_NO_ID],
        ),
        case(
            "with quantity",
            with(&|o| o.quantity_max = Some(5)),
            &[R_NO_ID],
        ),
        case(
            "with unlimited (or unknown) quantity",
            with(&|o| o.quantity_max = Some(0)),
            &[R_NO_ID],
        ),
        case(
            "with single quantity (weird but valid)",
            with(&|o| o.quantity_max = Some(1)),
            &[R_NO_ID],
        ),
        case(
            "with feature",
            with(&|o| o.features = Some(hex::encode(&bit_99))),
            &[R_FEAT_ODD, R_FEAT_EVEN],
        ),
        case(
            "with blinded path via Bob (0x424242...), path_key 020202...",
            with(&|o| o.paths = Some(vec![bob_path(0x11, None)])),
            &[R_ZERO_HOPS],
        ),
        case(
            "same, with blinded path first_node_id using sciddir",
            // Direction 0, short_channel_id 0x0x42 (output index 42).
            with(&|o| o.paths = Some(vec![bob_path(0x11, Some("00000000000000002a"))])),
            &[R_ZERO_HOPS],
        ),
        case(
            "with no issuer_id and blinded path via Bob (0x424242...), path_key 020202...",
            with(&|o| {
                o.issuer_id = None;
                o.paths = Some(vec![bob_path(0x11, None)]);
            }),
            &[R_NO_ID],
        ),
        case(
            "... and with second blinded path via 1x2x3 (direction 1), path_key 020202...",
            with(&|o| {
                o.paths = Some(vec![
                    bob_path(0x11, None),
                    bob_path(0x22, Some("010000010000020003")),
                ])
            }),
            &[R_ZERO_HOPS],
        ),
        ValidOffer {
            unknown: vec![(33, b"helloworld".to_vec())],
            ..case("unknown odd field", base(), &[R_ODD, R_RANGE])
        },
        ValidOffer {
            unknown: vec![(1_000_000_033, b"helloworld".to_vec())],
            ..case("unknown odd experimental field", base(), &[R_ODD, R_RANGE])
        },
    ]
}

/// The offer of `format-string-test.json`, as its fields.
fn format_string_offer() -> ValidOffer {
    ValidOffer {
        description: "the offer of format-string-test.json",
        fields: OfferFields {
            amount: Some(1_000_000),
            description: Some("An example description".into()),
            issuer: Some("BOLT 12 industries".into()),
            issuer_id: Some(pk(0x41)),
            ..Default::default()
        },
        unknown: Vec::new(),
        requirements: &[],
    }
}

/// How an invalid upstream case is judged by the spec's rule.
struct Judged {
    description: &'static str,
    result: Verdict,
    reason: Option<ReasonClass>,
    requirements: &'static [&'static str],
    why: &'static str,
}

/// Every invalid entry of `offers-test.json`, judged.
fn invalid_offers() -> Vec<Judged> {
    use ReasonClass as C;
    let bad = |description, reason, requirements, why| Judged {
        description,
        result: Verdict::Invalid,
        reason: Some(reason),
        requirements,
        why,
    };
    let utf8 = |description| {
        Judged {
        description,
        result: Verdict::Acceptable,
        reason: None,
        requirements: &[R_UTF8],
        why: "Upstream marks it invalid; the field is a `utf8` array, and BOLT 1 lets a reader reject one that is not valid UTF-8 (MAY), so accepting it also conforms.",
    }
    };
    vec![
        bad(
            "Malformed: fields out of order",
            C::TlvOutOfOrder,
            &[R_ORDER],
            "offer_issuer_id (22) before offer_description (10).",
        ),
        bad(
            "Malformed: unknown even TLV type 78",
            C::UnknownEvenType,
            &[R_EVEN],
            "Type 78 is even, in the offer range and unknown.",
        ),
        bad(
            "Malformed: empty",
            C::InvalidOffer,
            &[R_NO_ID],
            "No records: neither offer_issuer_id nor offer_paths.",
        ),
        bad(
            "Malformed: truncated at type",
            C::Truncated,
            &[R_OVERRUN, R_NO_ID],
            "The stream ends after a type, before its length (and it has neither offer_issuer_id nor offer_paths).",
        ),
        bad(
            "Malformed: truncated in length",
            C::Truncated,
            &[R_OVERRUN, R_NO_ID],
            "The stream ends inside a three-byte BigSize length (and it has neither offer_issuer_id nor offer_paths).",
        ),
        bad(
            "Malformed: truncated after length",
            C::Truncated,
            &[R_OVERRUN, R_NO_ID],
            "A length of 2 with no bytes after it (and it has neither offer_issuer_id nor offer_paths).",
        ),
        bad(
            "Malformed: truncated in description",
            C::Truncated,
            &[R_OVERRUN, R_NO_ID],
            "A length of 2 with one byte after it (and it has neither offer_issuer_id nor offer_paths).",
        ),
        bad(
            "Malformed: invalid offer_chains length",
            C::InvalidValue,
            &[R_BAD_LEN, R_CHAIN],
            "offer_chains is one byte, not a multiple of 32 (so it names no chain either).",
        ),
        utf8("Malformed: invalid currency UTF-8"),
        utf8("Malformed: truncated description UTF-8"),
        utf8("Malformed: invalid description UTF-8"),
        bad(
            "Malformed: truncated offer_paths",
            C::Truncated,
            &[R_BAD_LEN],
            "offer_paths is one byte, shorter than a blinded path.",
        ),
        bad(
            "Malformed: zero num_hops in blinded_path",
            C::InvalidBlindedPath,
            &[R_ZERO_HOPS],
            "A blinded path with num_hops 0.",
        ),
        bad(
            "Malformed: truncated onionmsg_hop in blinded_path",
            C::Truncated,
            &[R_BAD_LEN],
            "offer_paths ends inside an onionmsg_hop.",
        ),
        bad(
            "Malformed: bad first_node_id in blinded_path",
            C::InvalidPoint,
            &[R_BAD_LEN],
            "first_node_id is not a point.",
        ),
        bad(
            "Malformed: bad path_key in blinded_path",
            C::InvalidPoint,
            &[R_BAD_LEN],
            "first_path_key is not a point.",
        ),
        bad(
            "Malformed: bad blinded_node_id in onionmsg_hop",
            C::InvalidPoint,
            &[R_BAD_LEN],
            "A blinded_node_id is not a point.",
        ),
        utf8("Malformed: truncated issuer UTF-8"),
        utf8("Malformed: invalid issuer UTF-8"),
        bad(
            "Malformed: invalid offer_issuer_id",
            C::InvalidPoint,
            &[R_BAD_LEN],
            "offer_issuer_id is not a point.",
        ),
        bad(
            "Contains type >= 80",
            C::TypeOutOfRange,
            &[R_RANGE, R_EVEN],
            "A record of type 80, outside the offer ranges (and even, so unknown even too).",
        ),
        bad(
            "Contains type > 1999999999",
            C::TypeOutOfRange,
            &[R_RANGE],
            "A record of type 2000000000, outside the offer ranges.",
        ),
        bad(
            "Contains unknown even type (1000000002)",
            C::UnknownEvenType,
            &[R_EVEN],
            "Type 1000000002 is even, in the experimental offer range and unknown.",
        ),
        bad(
            "Contains unknown feature 122",
            C::UnknownRequiredFeature,
            &[R_FEAT_EVEN],
            "offer_features sets bit 122, even and unknown.",
        ),
        bad(
            "Missing offer_description, but has offer_amount",
            C::InvalidOffer,
            &[R_AMT_DESC],
            "offer_amount without offer_description.",
        ),
        bad(
            "Missing offer_amount with offer_currency",
            C::InvalidOffer,
            &[R_CUR_AMT],
            "offer_currency without offer_amount.",
        ),
        bad(
            "Invalid: zero offer_amount",
            C::InvalidOffer,
            &[R_AMT_ZERO],
            "offer_amount is 0.",
        ),
        bad(
            "Invalid: zero offer_amount with currency",
            C::InvalidOffer,
            &[R_AMT_ZERO],
            "offer_amount is 0, with offer_currency.",
        ),
        bad(
            "Missing offer_issuer_id and no offer_path",
            C::InvalidOffer,
            &[R_NO_ID],
            "Neither offer_issuer_id nor offer_paths.",
        ),
        bad(
            "Second offer_path is empty",
            C::InvalidBlindedPath,
            &[R_ZERO_HOPS],
            "The second blinded path has num_hops 0.",
        ),
        bad(
            "offer_chains with zero entries",
            C::UnsupportedChain,
            &[R_CHAIN],
            "offer_chains is set with no chain: the reader accepts invoices for none of them.",
        ),
        bad(
            "Bech32 padding exceeds 4-bit limit",
            C::Bech32,
            &[R_FORMAT],
            "The final group has 5 bits of padding (bech32 allows at most 4, all zero).",
        ),
    ]
}

/// The defect of a TLV stream's structure (BOLT 1): a truncated record, a
/// non-minimal BigSize, types not strictly increasing. The recipes' own
/// reading, apart from the reference's.
fn tlv_defect(bytes: &[u8]) -> Option<String> {
    fn bigsize(b: &[u8]) -> Result<(u64, usize), String> {
        let need = |n: usize| {
            if b.len() < n {
                Err("a BigSize is cut short".to_string())
            } else {
                Ok(())
            }
        };
        need(1)?;
        let (v, n, min) = match b[0] {
            0xfd => {
                need(3)?;
                (u64::from(u16::from_be_bytes([b[1], b[2]])), 3, 0xfd)
            }
            0xfe => {
                need(5)?;
                (
                    u64::from(u32::from_be_bytes([b[1], b[2], b[3], b[4]])),
                    5,
                    0x1_0000,
                )
            }
            0xff => {
                need(9)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(&b[1..9]);
                (u64::from_be_bytes(a), 9, 0x1_0000_0000)
            }
            x => (u64::from(x), 1, 0),
        };
        if v < min {
            return Err(format!("the BigSize {v} is not minimal"));
        }
        Ok((v, n))
    }
    let mut rest = bytes;
    let mut last: Option<u64> = None;
    while !rest.is_empty() {
        let (t, n) = match bigsize(rest) {
            Ok(x) => x,
            Err(e) => return Some(format!("a type: {e}")),
        };
        rest = &rest[n..];
        let (len, n) = match bigsize(rest) {
            Ok(x) => x,
            Err(e) => return Some(format!("the length of type {t}: {e}")),
        };
        rest = &rest[n..];
        if (rest.len() as u64) < len {
            return Some(format!(
                "type {t} declares {len} bytes, {} remain",
                rest.len()
            ));
        }
        if last.is_some_and(|l| t <= l) {
            return Some(format!(
                "type {t} follows type {}",
                last.unwrap_or_default()
            ));
        }
        last = Some(t);
        rest = &rest[len as usize..];
    }
    None
}

/// The data of a BOLT 12 string without `+` (the `bech32` crate), if it
/// decodes.
fn data_of(s: &str) -> Option<Vec<u8>> {
    let parsed = bech32::primitives::decode::CheckedHrpstring::new::<bech32::NoChecksum>(s).ok()?;
    Some(parsed.byte_iter().collect())
}

/// Whether a case's defect is the TLV stream's own structure (its order,
/// or a record running past the end), rather than a value inside it.
fn is_structural(j: &Judged) -> bool {
    j.requirements
        .iter()
        .any(|r| *r == R_ORDER || *r == R_OVERRUN)
}

/// Upstream cases left out, and why.
const LEFT_OUT: &[(&str, &str)] = &[
    (
        "for bitcoin or liquidv1",
        "its liquidv1 chain hash could only be copied from the expected bytes",
    ),
    (
        "Malformed: truncated currency UTF-8",
        "it also has offer_currency without offer_amount, a second rule",
    ),
];

/// Why an upstream invalid case breaks more than the rule it is judged by,
/// if it does: its TLV stream is itself malformed while the defect it names
/// is not the stream's structure. Such a case would be rejected for the
/// other defect by a reader that skips the named rule, so it is not a
/// vector of that rule.
fn malformed_beyond_its_defect(j: &Judged, e: &Value) -> Option<String> {
    if is_structural(j) || j.reason == Some(ReasonClass::Bech32) {
        return None;
    }
    let data = data_of(e["bolt12"].as_str()?)?;
    tlv_defect(&data).map(|d| format!("its TLV stream is malformed besides: {d}"))
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn upstream(text: &str) -> Vec<Value> {
    serde_json::from_str(text).expect("the vendored upstream vectors are JSON")
}

/// The plain lower-case string of `records` (the `bech32` crate, no checksum).
fn string_of(records: &[Record]) -> String {
    let bytes: Vec<u8> = super::invoice_writer::stream(records);
    let hrp = bech32::Hrp::parse("lno").expect("a valid prefix");
    bech32::encode_lower::<bech32::NoChecksum>(hrp, &bytes).expect("encodes")
}

fn view_of(o: &ValidOffer) -> Value {
    let view = OfferView {
        offer: o.fields.clone(),
        unknown: o
            .unknown
            .iter()
            .map(|(t, v)| TlvRecord {
                tlv_type: *t,
                hex: hex::encode(v),
            })
            .collect(),
    };
    serde_json::to_value(view).expect("a view serialises")
}

fn requirements(extra: &[&str], base: &[&str]) -> Vec<String> {
    let mut r: Vec<String> = base.iter().chain(extra).map(|s| s.to_string()).collect();
    r.dedup();
    r
}

/// The profile's file: every non-experimental profile (no offer field
/// differs between them).
pub fn generate(profile: &Profile) -> Option<VectorFile> {
    if profile.kind == "experimental" {
        return None;
    }
    let offers = upstream(include_str!("../../../upstream/bolt12/offers-test.json"));
    let formats = upstream(include_str!(
        "../../../upstream/bolt12/format-string-test.json"
    ));
    let mut left_out: Vec<String> = LEFT_OUT
        .iter()
        .map(|(d, why)| format!("\"{d}\" ({why})"))
        .collect();
    for j in invalid_offers() {
        let e = offers.iter().find(|e| e["description"] == j.description);
        if let Some(why) = e.and_then(|e| malformed_beyond_its_defect(&j, e)) {
            left_out.push(format!("\"{}\" ({why})", j.description));
        }
    }
    let mut b = FileBuilder::new(AREA, &profile.name, SPEC_COMMIT);
    b.header(&format!(
        "Offers as BOLT 12 strings, read as a payer does before it asks for a static invoice (offer.decode, as a reader accepting invoices for every chain). The cases are the bolts repository's own BOLT 12 vectors (vectors/upstream/bolt12: offers-test.json and format-string-test.json, from lightning/bolts), each judged by the spec's rule; valid views are written from the fields each case's description declares and checked against upstream's string. Cases named suite-* are the suite's own, for rules no upstream case shows alone. Left out: {}.",
        left_out.join("; ")
    ));
    b.note(
        "Valid",
        note(
            "Valid",
            "A well-formed offer that every conforming reader accepts with exactly this view.",
            "A payer that rejects it cannot pay the recipient behind it.",
            &[R_NO_ID],
        ),
    );
    b.note("Upstream", note("Interop", "A case of the bolts repository's own vectors, kept as data (attributed to the BOLT authors).", None, &[]));
    b.note("StringForm", note("Encoding", "The BOLT 12 string form itself: case, `+` continuations and whitespace, bech32 characters and padding.", "A payer that reads the string form differently from the writer cannot read the offer at all.", &[R_FORMAT, R_CASE, R_PLUS]));
    b.note("MayReject", note("EdgeCase", "A field that is not valid UTF-8: BOLT 1 lets a reader reject it (MAY); upstream marks these invalid. Both answers conform.", None, &[R_UTF8]));

    for o in valid_offers() {
        let e = offers
            .iter()
            .find(|e| e["description"] == o.description)
            .unwrap_or_else(|| panic!("no upstream offer {:?}", o.description));
        let string = e["bolt12"].as_str().expect("a string").to_string();
        assert_eq!(e["valid"], true, "{}", o.description);
        assert_eq!(
            string_of(&o.records()),
            string,
            "{}: the declared fields do not give upstream's string",
            o.description
        );
        b.test(TestVector {
            id: format!("valid-{}", slug(o.description)),
            description: format!("offers-test.json: {}", o.description),
            requirements: requirements(o.requirements, &[]),
            flags: vec!["Valid".into(), "Upstream".into()],
            result: Verdict::Valid,
            op: "offer.decode".into(),
            input: json!({ "string": string }),
            expected: Expected {
                view: Some(view_of(&o)),
                ..Expected::default()
            },
            intermediates: None,
            comment: String::new(),
        });
    }
    for j in invalid_offers() {
        let e = offers
            .iter()
            .find(|e| e["description"] == j.description)
            .unwrap_or_else(|| panic!("no upstream offer {:?}", j.description));
        assert_eq!(e["valid"], false, "{}", j.description);
        if malformed_beyond_its_defect(&j, e).is_some() {
            continue;
        }
        let mut flags = vec!["Upstream".to_string()];
        if j.result == Verdict::Acceptable {
            flags.push("MayReject".into());
        }
        if j.reason == Some(ReasonClass::Bech32) {
            flags.push("StringForm".into());
        }
        b.test(TestVector {
            id: format!("upstream-{}", slug(j.description)),
            description: format!("offers-test.json: {}", j.description),
            requirements: requirements(j.requirements, &[]),
            flags,
            result: j.result,
            op: "offer.decode".into(),
            input: json!({ "string": e["bolt12"] }),
            expected: Expected {
                reason: j.reason,
                ..Expected::default()
            },
            intermediates: None,
            comment: j.why.into(),
        });
    }
    let offer = format_string_offer();
    let plain = string_of(&offer.records());
    for (i, e) in formats.iter().enumerate() {
        let comment = e["comment"].as_str().expect("a comment");
        let string = e["string"].as_str().expect("a string");
        let valid = e["valid"].as_bool().expect("valid");
        let upper = string.chars().any(|c| c.is_ascii_uppercase());
        let lower = string.chars().any(|c| c.is_ascii_lowercase());
        let reqs: &[&str] = if string.contains('+') {
            &[R_PLUS]
        } else {
            &[R_CASE]
        };
        let mut t = TestVector {
            id: format!("format-{i:02}-{}", slug(comment)),
            description: format!("format-string-test.json: {comment}"),
            requirements: requirements(reqs, &[R_FORMAT]),
            flags: vec!["Upstream".into(), "StringForm".into()],
            result: if valid {
                Verdict::Valid
            } else {
                Verdict::Invalid
            },
            op: "offer.decode".into(),
            input: json!({ "string": string }),
            expected: Expected::default(),
            intermediates: None,
            comment: String::new(),
        };
        if valid {
            // Its data, once joined and lower-cased, is the declared offer.
            let joined: String = string
                .split('+')
                .map(|part| part.trim_start())
                .collect::<String>()
                .to_lowercase();
            assert_eq!(joined, plain, "{comment}: not the declared offer");
            t.expected.view = Some(view_of(&offer));
        } else {
            t.expected.reason = Some(ReasonClass::Bech32);
            t.comment = if upper && lower {
                "Mixed case: neither all lower case nor all upper case.".into()
            } else {
                "A '+' that is not between two bech32 characters.".into()
            };
        }
        b.test(t);
    }
    // Suite cases, for rules no upstream case shows alone. Non-zero padding:
    // the first valid offer whose data leaves 1 to 4 bits of padding, with
    // the lowest of them set in its last character.
    const CHARSET: &str = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    let padded = valid_offers()
        .into_iter()
        .map(|o| string_of(&o.records()))
        .find(|s| {
            let data = s.len() - s.find('1').map_or(0, |i| i + 1);
            (1..=4).contains(&((data * 5) % 8))
        })
        .expect("a valid offer with padding");
    let last = padded.chars().last().expect("a character");
    let flipped = CHARSET
        .chars()
        .nth(CHARSET.find(last).expect("a bech32 character") | 1)
        .expect("in the charset");
    assert_ne!(last, flipped, "the lowest padding bit was already set");
    let mut nonzero = padded.clone();
    nonzero.pop();
    nonzero.push(flipped);
    b.test(TestVector {
        id: "suite-nonzero-padding-bits".into(),
        description: "A valid offer's string with the lowest padding bit of its last character set: the bits past the last whole byte are not zero.".into(),
        requirements: requirements(&[R_FORMAT], &[]),
        flags: vec!["StringForm".into()],
        result: Verdict::Invalid,
        op: "offer.decode".into(),
        input: json!({ "string": nonzero }),
        expected: Expected {
            reason: Some(ReasonClass::Bech32),
            ..Expected::default()
        },
        intermediates: None,
        comment: "The bech32 data of a BOLT 12 string carries the TLV bytes; its padding, as in BIP 173's conversion, is zero. Upstream shows only padding longer than 4 bits.".into(),
    });
    Some(b.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_upstream_offer_case_is_a_vector_or_left_out_with_a_reason() {
        let offers = upstream(include_str!("../../../upstream/bolt12/offers-test.json"));
        let mut named: Vec<&str> = valid_offers().iter().map(|o| o.description).collect();
        named.extend(invalid_offers().iter().map(|j| j.description));
        named.extend(LEFT_OUT.iter().map(|(d, _)| *d));
        for e in &offers {
            let d = e["description"].as_str().expect("a description");
            assert_eq!(
                named.iter().filter(|n| **n == d).count(),
                1,
                "{d} is not judged exactly once"
            );
        }
        assert_eq!(named.len(), offers.len());
    }

    #[test]
    fn generates_for_the_main_profiles() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../profiles.json");
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("profiles")).expect("json");
        let all: Vec<Profile> = serde_json::from_value(v["profiles"].clone()).expect("profiles");
        for p in all.iter().filter(|p| p.kind != "experimental") {
            let f = generate(p).expect("applies");
            f.check_structure().expect("structure");
            assert!(f.tests.len() >= 50, "{}: {}", p.name, f.tests.len());
        }
    }
}
