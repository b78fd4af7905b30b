//! Area `hold_htlc`: `update_add_htlc` with the `hold_htlc` TLV,
//! `revoke_and_ack` with the release message paths, and the
//! `option_htlc_hold` feature bits.
//!
//! Honesty rules of this recipe:
//! - every message is assembled here, byte by byte, from fields the recipe
//!   declares (a small BigSize / TLV / blinded path writer of its own); the
//!   reference model's encoder is never used to make bytes;
//! - the expected view of a valid test is the view the recipe declared, never
//!   the reference's decoding of the bytes;
//! - invalid inputs are raw bytes or mutations of valid ones;
//! - keys are fixed (secret keys `[n; 32]`), onions and secrets are fixed
//!   patterns or SHA-256 of fixed labels, so generation is deterministic.
//!
//! The blinded paths here are codec fixtures: real points, but their
//! encrypted data is a fixed pattern, not an encryption (the route blinding
//! construction has its own area).

mod accountable;

use asyncpay_adapter::blinding::{BlindedHopView, BlindedPathView};
use asyncpay_adapter::features::{FeatureState, FeaturesView};
use asyncpay_adapter::htlc::{ReleasePath, RevokeAndAckView, UpdateAddHtlcView};
use asyncpay_adapter::invoice::TlvRecord;
use asyncpay_adapter::{Profile, ReasonClass};
use asyncpay_harness::vectors::{note, Expected, FileBuilder, TestVector, VectorFile, Verdict};
use bitcoin_hashes::{sha256, Hash};
use secp256k1::{PublicKey, Secp256k1, SecretKey};
use serde_json::{json, Value};

/// The area name.
pub const AREA: &str = "hold_htlc";
/// The draft commit the requirements are read from.
pub const SPEC_COMMIT: &str = "3a7505e0fee9941b0c866b15e42ca4ac375ad6fe";

/// The numbers of every profile the suite knows, to render "the other
/// profile's number" tests: (hold_htlc type, release paths type, release
/// paths format, htlc_hold even bit).
const KNOWN_NUMBERS: &[(u64, u64, &str, u16)] =
    &[(2, 0, "paths", 52), (75537, 75537, "htlc_id_and_path", 152)];

// Requirement ids used by this area; every one is in the catalogue
// (vectors/requirements.json). The `FORMAT` entries quote the definition of
// a message, TLV record or feature bit rather than a normative sentence.
const R_UAH_FORMAT: &str = "bolt2/hold-htlc/receiving-node/update-add-htlc-format";
const R_UAH_HOLD: &str = "bolt2/hold-htlc/receiving-node/hold-htlc-tlv";
const R_UAH_BLINDED: &str = "bolt2/hold-htlc/receiving-node/blinded-path-tlv";
const R_UAH_W_HOLD: &str = "bolt2/hold-htlc/sending-node/hold-htlc-tlv";
const R_UAH_W_PATH_KEY: &str = "bolt2/hold-htlc/sending-node/path-key-in-blinded-route";
const R_RAA_FORMAT: &str = "bolt2/reply-paths/receiving-node/revoke-and-ack-format";
const R_RAA_RELEASE: &str = "bolt2/reply-paths/receiving-node/release-message-paths-tlv";
const R_RAA_W_AT_LEAST_ONE: &str = "bolt2/reply-paths/holding-node/release-message-paths";
const R_RAA_W_FORMAT: &str = "bolt2/reply-paths/sending-node/revoke-and-ack-format";
const R_TLV_ORDER: &str = "bolt1/tlv/reader/not-strictly-increasing";
const R_TLV_DUP: &str = "bolt1/tlv/reader/duplicate-type";
const R_TLV_MINIMAL: &str = "bolt1/tlv/reader/non-minimal-bigsize";
const R_TLV_LENGTH: &str = "bolt1/tlv/reader/length-overrun";
const R_TLV_KNOWN_LEN: &str = "bolt1/tlv/reader/known-type-bad-length";
const R_TLV_EVEN: &str = "bolt1/tlv/reader/unknown-even";
const R_TLV_ODD: &str = "bolt1/tlv/reader/unknown-odd";
const R_EXTENSION: &str = "bolt1/tlv/receiving-node/invalid-extension";
const R_TLV_W_NO_EVEN: &str = "bolt1/tlv/sending-node/no-even-extension-without-negotiation";
const R_TLV_W_ORDER: &str = "bolt1/tlv/writer/strictly-increasing";
const R_TLV_W_MINIMAL: &str = "bolt1/tlv/writer/minimal-type-length";
const R_MSG_SHORT: &str = "bolt1/message/receiving-node/insufficient-length";
const R_F_HOLD: &str = "bolt9/features/receiving-node/option-htlc-hold";
const R_F_W_DEPS: &str = "bolt9/features/origin-node/transitive-dependencies";
const R_F_BOTH: &str = "bolt9/features/receiving-node/both-bits-mandatory";
const R_INIT_EVEN: &str = "bolt1/features/receiving-node/unknown-even-init-bit";
const R_INIT_ODD: &str = "bolt1/features/receiving-node/unknown-odd-init-bit";
const R_INIT_DEPS: &str = "bolt1/features/receiving-node/missing-dependency";
const R_INIT_W_MINLEN: &str = "bolt1/features/sending-node/minimal-length";

/// Every requirement id this area uses.
pub const REQUIREMENTS: &[&str] = &[
    R_UAH_FORMAT,
    R_UAH_HOLD,
    R_UAH_BLINDED,
    R_UAH_W_HOLD,
    R_UAH_W_PATH_KEY,
    R_RAA_FORMAT,
    R_RAA_RELEASE,
    R_RAA_W_AT_LEAST_ONE,
    R_RAA_W_FORMAT,
    R_TLV_ORDER,
    R_TLV_DUP,
    R_TLV_MINIMAL,
    R_TLV_LENGTH,
    R_TLV_KNOWN_LEN,
    R_TLV_EVEN,
    R_TLV_ODD,
    R_EXTENSION,
    R_TLV_W_NO_EVEN,
    R_TLV_W_ORDER,
    R_TLV_W_MINIMAL,
    R_MSG_SHORT,
    R_F_HOLD,
    R_F_W_DEPS,
    R_F_BOTH,
    R_INIT_EVEN,
    R_INIT_ODD,
    R_INIT_DEPS,
    R_INIT_W_MINLEN,
];

// ---------------------------------------------------------------------------
// The recipe's own writer (independent of the reference model).

fn bigsize(v: u64) -> Vec<u8> {
    match v {
        0..=0xfc => vec![v as u8],
        0xfd..=0xffff => {
            let mut o = vec![0xfd];
            o.extend((v as u16).to_be_bytes());
            o
        }
        0x1_0000..=0xffff_ffff => {
            let mut o = vec![0xfe];
            o.extend((v as u32).to_be_bytes());
            o
        }
        _ => {
            let mut o = vec![0xff];
            o.extend(v.to_be_bytes());
            o
        }
    }
}

fn record(t: u64, value: &[u8]) -> Vec<u8> {
    let mut o = bigsize(t);
    o.extend(bigsize(value.len() as u64));
    o.extend_from_slice(value);
    o
}

/// Records in the order given (the caller decides whether that is canonical).
fn stream(records: &[(u64, Vec<u8>)]) -> Vec<u8> {
    records.iter().flat_map(|(t, v)| record(*t, v)).collect()
}

/// Records sorted by type, as a writer must order them.
fn sorted_stream(mut records: Vec<(u64, Vec<u8>)>) -> Vec<u8> {
    records.sort_by_key(|(t, _)| *t);
    stream(&records)
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap_or_default()
}

fn label_hash(label: &str) -> [u8; 32] {
    sha256::Hash::hash(label.as_bytes()).to_byte_array()
}

/// The public key of the secret key `[n; 32]` (n in 1..=0xfe).
fn pk(n: u8) -> String {
    let secp = Secp256k1::signing_only();
    match SecretKey::from_slice(&[n; 32]) {
        Ok(sk) => hex::encode(PublicKey::from_secret_key(&secp, &sk).serialize()),
        Err(_) => String::new(),
    }
}

/// A deterministic 1366-byte onion packet: version 0, a real point, then a pattern.
fn onion(seed: u8) -> String {
    let mut b = vec![0u8];
    b.extend(unhex(&pk(seed)));
    let n = 1366 - b.len();
    b.extend((0..n).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    hex::encode(b)
}

fn pattern(len: usize, seed: u8) -> String {
    hex::encode(
        (0..len)
            .map(|i| (i as u8).wrapping_mul(7).wrapping_add(seed))
            .collect::<Vec<u8>>(),
    )
}

/// A point that is not on the curve: x = 2^256 - 1 is not a field element.
fn bad_point() -> Vec<u8> {
    let mut b = vec![0x02];
    b.extend([0xff; 32]);
    b
}

fn uah_fixed(v: &UpdateAddHtlcView, msg_type: u16) -> Vec<u8> {
    let mut o = msg_type.to_be_bytes().to_vec();
    o.extend(unhex(&v.channel_id));
    o.extend(v.id.to_be_bytes());
    o.extend(v.amount_msat.to_be_bytes());
    o.extend(unhex(&v.payment_hash));
    o.extend(v.cltv_expiry.to_be_bytes());
    o.extend(unhex(&v.onion_routing_packet));
    o
}

/// The canonical encoding of a declared `update_add_htlc` view.
fn uah_bytes(v: &UpdateAddHtlcView, p: &Profile) -> Vec<u8> {
    let mut o = uah_fixed(v, 128);
    let mut recs: Vec<(u64, Vec<u8>)> = v
        .unknown
        .iter()
        .map(|r| (r.tlv_type, unhex(&r.hex)))
        .collect();
    if let Some(k) = &v.path_key {
        recs.push((0, unhex(k)));
    }
    if v.hold_htlc {
        recs.push((p.numbers.hold_htlc, vec![]));
    }
    o.extend(sorted_stream(recs));
    o
}

fn path_bytes(p: &BlindedPathView) -> Vec<u8> {
    let mut o = unhex(&p.first_node_id);
    o.extend(unhex(&p.first_path_key));
    o.push(p.hops.len() as u8);
    for h in &p.hops {
        o.extend(unhex(&h.blinded_node_id));
        let d = unhex(&h.encrypted_recipient_data);
        o.extend((d.len() as u16).to_be_bytes());
        o.extend(d);
    }
    o
}

fn release_value(paths: &[ReleasePath]) -> Vec<u8> {
    let mut o = Vec::new();
    for rp in paths {
        if let Some(id) = rp.htlc_id {
            o.extend(id.to_be_bytes());
        }
        o.extend(path_bytes(&rp.path));
    }
    o
}

fn raa_fixed(v: &RevokeAndAckView, msg_type: u16) -> Vec<u8> {
    let mut o = msg_type.to_be_bytes().to_vec();
    o.extend(unhex(&v.channel_id));
    o.extend(unhex(&v.per_commitment_secret));
    o.extend(unhex(&v.next_per_commitment_point));
    o
}

/// The canonical encoding of a declared `revoke_and_ack` view.
fn raa_bytes(v: &RevokeAndAckView, p: &Profile) -> Vec<u8> {
    let mut o = raa_fixed(v, 133);
    let mut recs: Vec<(u64, Vec<u8>)> = v
        .unknown
        .iter()
        .map(|r| (r.tlv_type, unhex(&r.hex)))
        .collect();
    if let Some(paths) = &v.release_paths {
        recs.push((p.numbers.release_paths, release_value(paths)));
    }
    o.extend(sorted_stream(recs));
    o
}

/// Big-endian feature vector with exactly `bits` set, minimal length.
fn feature_bytes(bits: &[u16]) -> Vec<u8> {
    let Some(max) = bits.iter().max() else {
        return Vec::new();
    };
    let len = usize::from(*max) / 8 + 1;
    let mut o = vec![0u8; len];
    for b in bits {
        let b = usize::from(*b);
        o[len - 1 - b / 8] |= 1 << (b % 8);
    }
    o
}

fn declared_state(bits: &[u16], even: u16) -> FeatureState {
    if bits.contains(&even) {
        FeatureState::Compulsory
    } else if bits.contains(&(even + 1)) {
        FeatureState::Optional
    } else {
        FeatureState::Absent
    }
}

/// The view a reader reports for a vector the recipe declared by its bits.
fn declared_features(bits: &[u16], hold: u16) -> FeaturesView {
    let mut sorted = bits.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    FeaturesView {
        onion_messages: declared_state(bits, 38),
        htlc_hold: declared_state(bits, hold),
        bits: sorted,
    }
}

// ---------------------------------------------------------------------------
// Fixtures.

fn base_uah() -> UpdateAddHtlcView {
    UpdateAddHtlcView {
        channel_id: hex::encode(label_hash("asyncpay hold_htlc channel_id")),
        id: 7,
        amount_msat: 100_000_000,
        payment_hash: hex::encode(label_hash("asyncpay hold_htlc payment_hash")),
        cltv_expiry: 850_144,
        onion_routing_packet: onion(0x41),
        path_key: None,
        hold_htlc: false,
        unknown: vec![],
    }
}

fn path_a() -> BlindedPathView {
    BlindedPathView {
        first_node_id: pk(0x31),
        first_path_key: pk(0x32),
        hops: vec![
            BlindedHopView {
                blinded_node_id: pk(0x33),
                encrypted_recipient_data: pattern(16, 0x10),
            },
            BlindedHopView {
                blinded_node_id: pk(0x34),
                encrypted_recipient_data: pattern(51, 0x20),
            },
        ],
    }
}

fn path_b() -> BlindedPathView {
    BlindedPathView {
        // sciddir_or_pubkey: direction 1, short channel id 850000x7x1.
        first_node_id: format!("01{:016x}", (850_000u64 << 40) | (7 << 16) | 1),
        first_path_key: pk(0x35),
        hops: vec![BlindedHopView {
            blinded_node_id: pk(0x36),
            encrypted_recipient_data: pattern(24, 0x30),
        }],
    }
}

fn release_path(p: &Profile, htlc_id: u64, path: BlindedPathView) -> ReleasePath {
    ReleasePath {
        htlc_id: (p.numbers.release_paths_format == "htlc_id_and_path").then_some(htlc_id),
        path,
    }
}

fn base_raa() -> RevokeAndAckView {
    RevokeAndAckView {
        channel_id: hex::encode(label_hash("asyncpay hold_htlc channel_id")),
        per_commitment_secret: hex::encode(label_hash("asyncpay hold_htlc per_commitment_secret")),
        next_per_commitment_point: pk(0x21),
        release_paths: None,
        unknown: vec![],
    }
}

fn odd_record(t: u64, value: &[u8]) -> TlvRecord {
    TlvRecord {
        tlv_type: t,
        hex: hex::encode(value),
    }
}

// ---------------------------------------------------------------------------
// Test builders.

struct Rec<'a> {
    id: &'a str,
    description: String,
    requirements: &'a [&'a str],
    flags: &'a [&'a str],
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn test(r: Rec<'_>, result: Verdict, op: &str, input: Value, expected: Expected) -> TestVector {
    TestVector {
        id: r.id.into(),
        description: r.description,
        requirements: r.requirements.iter().map(|s| s.to_string()).collect(),
        flags: r.flags.iter().map(|s| s.to_string()).collect(),
        result,
        op: op.into(),
        input,
        expected,
        intermediates: None,
        comment: String::new(),
    }
}

fn valid(r: Rec<'_>, op: &str, input: Value, view: Value) -> TestVector {
    test(
        r,
        Verdict::Valid,
        op,
        input,
        Expected {
            view: Some(view),
            reason: None,
            also_reasons: Vec::new(),
        },
    )
}

fn invalid(r: Rec<'_>, op: &str, input: Value, reason: ReasonClass) -> TestVector {
    test(
        r,
        Verdict::Invalid,
        op,
        input,
        Expected {
            view: None,
            reason: Some(reason),
            also_reasons: Vec::new(),
        },
    )
}

fn hex_input(b: &[u8]) -> Value {
    json!({ "hex": hex::encode(b) })
}

/// An invalid-input case: id, description, requirements, flags, bytes, reason.
type RawCase<'a> = (
    &'a str,
    String,
    Vec<&'a str>,
    Vec<&'a str>,
    Vec<u8>,
    ReasonClass,
);

const UAH_DECODE: &str = "update_add_htlc.decode";
const UAH_ENCODE: &str = "update_add_htlc.encode";
const RAA_DECODE: &str = "revoke_and_ack.decode";
const RAA_ENCODE: &str = "revoke_and_ack.encode";
const FEATURES: &str = "features.check";

fn notes(b: &mut FileBuilder, p: &Profile) {
    b.note("HoldHtlc", note("Functionality",
        &format!("The update_add_htlc carries the hold_htlc TLV (type {} under this profile), whose data is empty.", p.numbers.hold_htlc),
        Some("A node that misses it forwards an HTLC the sender asked it to hold until the recipient releases it."),
        &[R_UAH_HOLD, R_UAH_W_HOLD]));
    b.note(
        "BlindedPathTlv",
        note(
            "Functionality",
            "The update_add_htlc carries the blinded_path TLV (type 0) with a path_key point.",
            None,
            &[R_UAH_BLINDED, R_UAH_W_PATH_KEY],
        ),
    );
    b.note("HoldHtlcNotEmpty", note("MalformedInput",
        "The hold_htlc TLV carries data; its definition has none, so the length is not the one the known encoding requires.",
        Some("A reader that ignores the extra bytes accepts a stream BOLT 1 says to fail."),
        &[R_TLV_KNOWN_LEN, R_UAH_HOLD]));
    b.note(
        "UnknownOddTlv",
        note(
            "Compatibility",
            "An unknown odd TLV record; a reader ignores it (the view lists it in `unknown`).",
            Some("Rejecting it breaks forward compatibility."),
            &[R_TLV_ODD],
        ),
    );
    b.note(
        "UnknownEvenTlv",
        note(
            "MalformedInput",
            "An unknown even TLV record; a reader fails the stream.",
            Some("Accepting it lets a peer's required extension be silently ignored."),
            &[R_TLV_EVEN],
        ),
    );
    b.note(
        "TlvOrder",
        note(
            "MalformedInput",
            "TLV types not strictly increasing (out of order, or the same type twice).",
            None,
            &[R_TLV_ORDER, R_TLV_DUP],
        ),
    );
    b.note(
        "NonMinimalBigSize",
        note(
            "MalformedInput",
            "A TLV type or length is not minimally encoded.",
            None,
            &[R_TLV_MINIMAL],
        ),
    );
    b.note(
        "Truncated",
        note(
            "MalformedInput",
            "The message or a value ends before its declared or fixed length.",
            None,
            &[R_MSG_SHORT, R_TLV_LENGTH],
        ),
    );
    b.note(
        "WrongMessageType",
        note(
            "MalformedInput",
            "The 2-byte type prefix names another message.",
            None,
            &[R_UAH_FORMAT, R_RAA_FORMAT],
        ),
    );
    b.note("InvalidPoint", note("MalformedInput",
        "A field that must be a secp256k1 point (33 bytes, compressed) is not one, or not 33 bytes.",
        None, &[R_UAH_BLINDED, R_RAA_FORMAT]));
    b.note("ReleasePaths", note("Functionality",
        &format!("The revoke_and_ack carries the release message paths TLV (type {}, layout `{}` under this profile).",
            p.numbers.release_paths, p.numbers.release_paths_format),
        Some("A holding node that misses them cannot tell the recipient where to send release_held_htlc."),
        &[R_RAA_RELEASE, R_RAA_W_AT_LEAST_ONE]));
    b.note("MalformedReleasePath", note("MalformedInput",
        "A release path that does not parse as a blinded_path (truncated hop, bad point, stray bytes).",
        None, &[R_RAA_RELEASE, R_TLV_KNOWN_LEN]));
    b.note("EmptyReleasePaths", note("DraftGap",
        "The release paths TLV is present with zero paths. The writer rule says \"at least 1 blinded path\" (and only after a hold_htlc); the reader section has no rule, and BOLT 1 accepts an empty `...blinded_path`. The reference decodes it as an empty list; LDK 0.2 reads it as if absent; rejecting also conforms.",
        Some("Readers disagree on whether an empty list is an error, the same as absent, or an empty list."),
        &[R_RAA_W_AT_LEAST_ONE, R_RAA_RELEASE]));
    b.note("ZeroHopReleasePath", note("DraftGap",
        "A release path with num_hops 0. BOLT 4 requires a writer to create a viable path and BOLT 12 readers reject zero-hop paths in offers and invoices, but nothing in the draft covers release paths. The reference (and LDK 0.2) reject it; accepting with the expected view also conforms.",
        None, &[R_RAA_RELEASE]));
    b.note("Encode", note("Functionality",
        "A writer test: encode the given view; the expected answer is the canonical encoding, TLVs in increasing type order with minimal BigSize.",
        None, &[R_UAH_W_HOLD, R_RAA_W_FORMAT, R_TLV_W_ORDER, R_TLV_W_MINIMAL]));
    b.note("ProfileCollision", note("Interop",
        "Uses the number another profile assigns to the same item (the draft and LDK 0.2 differ). Under this profile the number is unknown, so its parity decides: odd is ignored, even is rejected.",
        Some("A node speaking one profile silently ignores, or refuses, the other's hold_htlc, release paths or feature bit."),
        &[R_TLV_ODD, R_TLV_EVEN, R_INIT_EVEN, R_INIT_ODD]));
    accountable::note_for(b);
    b.note(
        "LdkSkimmedFee",
        note(
            "Interop",
            "Carries TLV 65537, LDK's skimmed_fee_msat (an odd custom record), next to hold_htlc.",
            None,
            &[R_TLV_ODD],
        ),
    );
    b.note("FeatureDependency", note("MalformedInput",
        "option_htlc_hold (or another feature) is set without a feature it depends on (option_htlc_hold depends on option_onion_messages).",
        Some("A reader that does not check lets a peer advertise holding HTLCs without being able to carry the onion messages that release them."),
        &[R_F_W_DEPS, R_INIT_DEPS, R_F_HOLD]));
    b.note(
        "UnknownRequiredFeature",
        note(
            "MalformedInput",
            "An even feature bit the reader does not know.",
            None,
            &[R_INIT_EVEN],
        ),
    );
    b.note(
        "BothFeatureBits",
        note(
            "Compatibility",
            "Both bits of option_htlc_hold are set; a reader treats the feature as mandatory.",
            None,
            &[R_F_BOTH],
        ),
    );
    b.note("NodeAnnouncementLeniency", note("SpecGap",
        "In a node_announcement, BOLT 7 only says a reader SHOULD NOT connect to (and MUST NOT route through) a node with unknown even bits, and has no reader rule on feature dependencies; refusing the vector and accepting it (with the expected view) both conform. The reference refuses. BOLT 7 is not among the quoted specification files, so the catalogue has no entry for its rule; these tests cite the option_htlc_hold definition (bit and IN context), which the expected view checks.",
        None, &[R_F_W_DEPS, R_F_HOLD]));
    b.note("FeatureVectorPadding", note("Compatibility",
        "The feature vector has leading zero bytes. The writer SHOULD use the minimum length; the reader has no rule, so the bits are read as usual.",
        None, &[R_INIT_W_MINLEN]));
}

// ---------------------------------------------------------------------------
// The tests.

fn uah_tests(b: &mut FileBuilder, p: &Profile) {
    let hold = p.numbers.hold_htlc;

    let decode_valid = |b: &mut FileBuilder, r: Rec<'_>, v: &UpdateAddHtlcView| {
        b.test(valid(
            r,
            UAH_DECODE,
            hex_input(&uah_bytes(v, p)),
            to_value(v),
        ));
    };

    let plain = base_uah();
    decode_valid(
        b,
        Rec {
            id: "uah-plain",
            description: "update_add_htlc without TLVs".into(),
            requirements: &[R_UAH_FORMAT],
            flags: &[],
        },
        &plain,
    );

    let held = UpdateAddHtlcView {
        hold_htlc: true,
        ..base_uah()
    };
    decode_valid(
        b,
        Rec {
            id: "uah-hold",
            description: format!("update_add_htlc with hold_htlc (type {hold}, empty)"),
            requirements: &[R_UAH_FORMAT, R_UAH_HOLD],
            flags: &["HoldHtlc"],
        },
        &held,
    );

    let blinded = UpdateAddHtlcView {
        path_key: Some(pk(0x51)),
        ..base_uah()
    };
    decode_valid(
        b,
        Rec {
            id: "uah-blinded",
            description: "update_add_htlc with blinded_path only".into(),
            requirements: &[R_UAH_FORMAT, R_UAH_BLINDED],
            flags: &["BlindedPathTlv"],
        },
        &blinded,
    );

    let blinded_held = UpdateAddHtlcView {
        path_key: Some(pk(0x51)),
        hold_htlc: true,
        ..base_uah()
    };
    decode_valid(
        b,
        Rec {
            id: "uah-blinded-hold",
            description: "update_add_htlc with blinded_path and hold_htlc".into(),
            requirements: &[R_UAH_FORMAT, R_UAH_BLINDED, R_UAH_HOLD],
            flags: &["BlindedPathTlv", "HoldHtlc"],
        },
        &blinded_held,
    );

    // Unknown odd records just below and just above the hold_htlc type.
    let above = if hold % 2 == 1 { hold + 2 } else { hold + 1 };
    let mut unknown = vec![odd_record(above, &[0xbb, 0xcc])];
    if hold >= 2 {
        let below = if hold % 2 == 1 { hold - 2 } else { hold - 1 };
        unknown.insert(0, odd_record(below, &[0xaa]));
    }
    let held_unknown = UpdateAddHtlcView {
        hold_htlc: true,
        unknown,
        ..base_uah()
    };
    decode_valid(
        b,
        Rec {
            id: "uah-hold-unknown-odd",
            description:
                "update_add_htlc with hold_htlc between unknown odd TLVs, which are ignored".into(),
            requirements: &[R_UAH_HOLD, R_TLV_ODD, R_EXTENSION],
            flags: &["HoldHtlc", "UnknownOddTlv"],
        },
        &held_unknown,
    );

    let skimmed = UpdateAddHtlcView {
        hold_htlc: true,
        unknown: vec![odd_record(65537, &1000u64.to_be_bytes())],
        ..base_uah()
    };
    decode_valid(
        b,
        Rec {
            id: "uah-hold-ldk-skimmed-fee",
            description: "update_add_htlc with hold_htlc and LDK's skimmed_fee_msat (65537, odd)"
                .into(),
            requirements: &[R_UAH_HOLD, R_TLV_ODD, R_EXTENSION],
            flags: &["HoldHtlc", "UnknownOddTlv", "LdkSkimmedFee"],
        },
        &skimmed,
    );

    accountable::tests(b, p);

    // The other profiles' hold_htlc type.
    for (foreign, _, _, _) in KNOWN_NUMBERS.iter().filter(|n| n.0 != hold) {
        let id = format!("uah-foreign-hold-type-{foreign}");
        let r = Rec {
            id: &id,
            description: format!(
                "update_add_htlc with an empty TLV of type {foreign}, another profile's hold_htlc; unknown here"
            ),
            requirements: &[R_UAH_HOLD, if foreign % 2 == 1 { R_TLV_ODD } else { R_TLV_EVEN }],
            flags: &["ProfileCollision"],
        };
        if foreign % 2 == 1 {
            let v = UpdateAddHtlcView {
                unknown: vec![odd_record(*foreign, &[])],
                ..base_uah()
            };
            decode_valid(b, r, &v);
        } else {
            let mut bytes = uah_fixed(&plain, 128);
            bytes.extend(record(*foreign, &[]));
            b.test(invalid(
                r,
                UAH_DECODE,
                hex_input(&bytes),
                ReasonClass::UnknownEvenType,
            ));
        }
    }

    // Invalid inputs: raw bytes.
    let with_tlvs = |tlvs: &[u8]| {
        let mut o = uah_fixed(&plain, 128);
        o.extend_from_slice(tlvs);
        o
    };
    let cases: Vec<RawCase<'_>> = vec![
        (
            "uah-hold-nonempty",
            format!("hold_htlc (type {hold}) with one byte of data"),
            vec![R_UAH_HOLD, R_TLV_KNOWN_LEN],
            vec!["HoldHtlcNotEmpty"],
            with_tlvs(&record(hold, &[0x00])),
            ReasonClass::InvalidValue,
        ),
        (
            "uah-unknown-even",
            "update_add_htlc with hold_htlc and an unknown even TLV (type 4)".into(),
            vec![R_TLV_EVEN, R_EXTENSION],
            vec!["UnknownEvenTlv"],
            with_tlvs(&sorted_stream(vec![(hold, vec![]), (4, vec![0x01])])),
            ReasonClass::UnknownEvenType,
        ),
        (
            "uah-out-of-order",
            "hold_htlc before blinded_path (types not increasing)".into(),
            vec![R_TLV_ORDER, R_EXTENSION],
            vec!["TlvOrder", "HoldHtlc"],
            with_tlvs(&stream(&[(hold, vec![]), (0, unhex(&pk(0x51)))])),
            ReasonClass::TlvOutOfOrder,
        ),
        (
            "uah-duplicate-hold",
            "hold_htlc twice".into(),
            vec![R_TLV_DUP, R_EXTENSION],
            vec!["TlvOrder", "HoldHtlc"],
            with_tlvs(&stream(&[(hold, vec![]), (hold, vec![])])),
            ReasonClass::TlvDuplicate,
        ),
        (
            "uah-hold-nonminimal-length",
            "hold_htlc whose length 0 is encoded as fd0000".into(),
            vec![R_TLV_MINIMAL, R_EXTENSION],
            vec!["NonMinimalBigSize", "HoldHtlc"],
            with_tlvs(&[bigsize(hold), vec![0xfd, 0x00, 0x00]].concat()),
            ReasonClass::NonMinimalBigsize,
        ),
        (
            "uah-hold-nonminimal-type",
            "hold_htlc whose type is encoded in 9 bytes".into(),
            vec![R_TLV_MINIMAL, R_EXTENSION],
            vec!["NonMinimalBigSize", "HoldHtlc"],
            with_tlvs(&[vec![0xff], hold.to_be_bytes().to_vec(), vec![0x00]].concat()),
            ReasonClass::NonMinimalBigsize,
        ),
        (
            "uah-hold-length-overrun",
            "hold_htlc declaring 1 byte of data with none left".into(),
            vec![R_TLV_LENGTH, R_EXTENSION],
            vec!["Truncated", "HoldHtlc"],
            with_tlvs(&[bigsize(hold), vec![0x01]].concat()),
            ReasonClass::Truncated,
        ),
        (
            "uah-tlv-type-truncated",
            "the TLV stream ends inside a BigSize type (a lone fd)".into(),
            vec![R_TLV_LENGTH, R_EXTENSION],
            vec!["Truncated"],
            with_tlvs(&[0xfd]),
            ReasonClass::Truncated,
        ),
        (
            "uah-path-key-not-a-point",
            "blinded_path whose path_key is 33 bytes but not a curve point".into(),
            vec![R_UAH_BLINDED],
            vec!["InvalidPoint", "BlindedPathTlv"],
            with_tlvs(&sorted_stream(vec![(0, bad_point()), (hold, vec![])])),
            ReasonClass::InvalidPoint,
        ),
        (
            "uah-path-key-short",
            "blinded_path with a 32-byte value".into(),
            vec![R_UAH_BLINDED, R_TLV_KNOWN_LEN],
            vec!["InvalidPoint", "BlindedPathTlv"],
            with_tlvs(&record(0, &unhex(&pk(0x51))[..32])),
            ReasonClass::InvalidValue,
        ),
        (
            "uah-truncated-onion",
            "update_add_htlc cut inside onion_routing_packet".into(),
            vec![R_MSG_SHORT, R_UAH_FORMAT],
            vec!["Truncated"],
            uah_fixed(&plain, 128)[..2 + 32 + 8 + 8 + 32 + 4 + 1000].to_vec(),
            ReasonClass::Truncated,
        ),
        (
            "uah-type-only",
            "one byte: not even the message type".into(),
            vec![R_MSG_SHORT],
            vec!["Truncated"],
            vec![0x00],
            ReasonClass::Truncated,
        ),
        (
            "uah-wrong-type",
            "update_add_htlc fields under type 130 (update_fulfill_htlc)".into(),
            vec![R_UAH_FORMAT],
            vec!["WrongMessageType"],
            {
                let mut o = uah_fixed(&held, 130);
                o.extend(record(hold, &[]));
                o
            },
            ReasonClass::WrongMessageType,
        ),
    ];
    for (id, description, reqs, flags, bytes, reason) in cases {
        b.test(invalid(
            Rec {
                id,
                description,
                requirements: &reqs,
                flags: &flags,
            },
            UAH_DECODE,
            hex_input(&bytes),
            reason,
        ));
    }

    // Writer tests.
    let encodes: [(&str, &str, &UpdateAddHtlcView, &[&str]); 3] = [
        ("uah-encode-plain", "encode update_add_htlc without TLVs", &plain, &[R_UAH_FORMAT]),
        ("uah-encode-hold", "encode update_add_htlc with hold_htlc", &held, &[R_UAH_W_HOLD]),
        (
            "uah-encode-blinded-hold-unknown",
            "encode update_add_htlc with blinded_path, hold_htlc and unknown odd TLVs (written in type order)",
            &held_unknown,
            &[R_UAH_W_HOLD, R_UAH_W_PATH_KEY, R_TLV_W_ORDER, R_TLV_W_MINIMAL],
        ),
    ];
    for (id, description, v, reqs) in encodes {
        let mut v = v.clone();
        if id == "uah-encode-blinded-hold-unknown" {
            v.path_key = Some(pk(0x52));
        }
        b.test(valid(
            Rec {
                id,
                description: description.into(),
                requirements: reqs,
                flags: &["Encode"],
            },
            UAH_ENCODE,
            to_value(&v),
            hex_input(&uah_bytes(&v, p)),
        ));
    }
    // Records a writer must refuse: an unknown even type (not negotiated),
    // and an "unknown" record at hold_htlc's own type (it would be written
    // twice). The second only where that type is odd: at an even one the
    // record would also break the even-type rule.
    let hold = p.numbers.hold_htlc;
    let mut refused = vec![(
        "uah-encode-unknown-even".to_string(),
        "encode update_add_htlc with blinded_path, hold_htlc and an unknown record of even type 4: the writer refuses (no even TLV without negotiation)".to_string(),
        odd_record(4, &[0x01]),
        R_TLV_W_NO_EVEN,
        ReasonClass::UnknownEvenType,
    )];
    if hold % 2 == 1 {
        refused.push((
            "uah-encode-unknown-at-hold-htlc-type".to_string(),
            format!("encode update_add_htlc with blinded_path, hold_htlc and an unknown odd record at type {hold}, hold_htlc's own: the writer refuses (the type would appear twice)"),
            odd_record(hold, &[]),
            R_TLV_W_ORDER,
            ReasonClass::InvalidValue,
        ));
    }
    for (id, description, record, req, reason) in refused {
        let v = UpdateAddHtlcView {
            hold_htlc: true,
            path_key: Some(pk(0x51)),
            unknown: vec![record],
            ..base_uah()
        };
        b.test(invalid(
            Rec {
                id: &id,
                description,
                requirements: &[req],
                flags: &["Encode"],
            },
            UAH_ENCODE,
            to_value(&v),
            reason,
        ));
    }
}

fn raa_tests(b: &mut FileBuilder, p: &Profile) {
    let rel = p.numbers.release_paths;
    let fmt = p.numbers.release_paths_format.clone();

    let decode_valid = |b: &mut FileBuilder, r: Rec<'_>, v: &RevokeAndAckView| {
        b.test(valid(
            r,
            RAA_DECODE,
            hex_input(&raa_bytes(v, p)),
            to_value(v),
        ));
    };

    let plain = base_raa();
    decode_valid(
        b,
        Rec {
            id: "raa-plain",
            description: "revoke_and_ack without TLVs".into(),
            requirements: &[R_RAA_FORMAT],
            flags: &[],
        },
        &plain,
    );

    let one = RevokeAndAckView {
        release_paths: Some(vec![release_path(p, 7, path_a())]),
        ..base_raa()
    };
    decode_valid(
        b,
        Rec {
            id: "raa-one-path",
            description: format!("revoke_and_ack with one release path (type {rel}, layout {fmt})"),
            requirements: &[R_RAA_FORMAT, R_RAA_RELEASE],
            flags: &["ReleasePaths"],
        },
        &one,
    );

    let two = RevokeAndAckView {
        release_paths: Some(vec![
            release_path(p, 7, path_a()),
            release_path(p, 8, path_b()),
        ]),
        ..base_raa()
    };
    decode_valid(
        b,
        Rec {
            id: "raa-two-paths",
            description:
                "revoke_and_ack with two release paths, the second introduced by a sciddir".into(),
            requirements: &[R_RAA_FORMAT, R_RAA_RELEASE],
            flags: &["ReleasePaths"],
        },
        &two,
    );

    let mut unknown = vec![odd_record(1, &[0x01, 0x02]), odd_record(65539, &[0x03])];
    unknown.retain(|r| r.tlv_type != rel);
    let one_unknown = RevokeAndAckView {
        unknown,
        ..one.clone()
    };
    decode_valid(
        b,
        Rec {
            id: "raa-one-path-unknown-odd",
            description:
                "revoke_and_ack with one release path and unknown odd TLVs, which are ignored"
                    .into(),
            requirements: &[R_RAA_RELEASE, R_TLV_ODD],
            flags: &["ReleasePaths", "UnknownOddTlv"],
        },
        &one_unknown,
    );

    // Empty list: acceptable, no view (readers legitimately differ on the view).
    let empty = RevokeAndAckView {
        release_paths: Some(vec![]),
        ..base_raa()
    };
    let mut t = test(
        Rec {
            id: "raa-empty-release-paths",
            description: "revoke_and_ack with the release paths TLV present and zero paths".into(),
            requirements: &[R_RAA_RELEASE, R_RAA_W_AT_LEAST_ONE],
            flags: &["EmptyReleasePaths"],
        },
        Verdict::Acceptable,
        RAA_DECODE,
        hex_input(&raa_bytes(&empty, p)),
        Expected::default(),
    );
    t.comment =
        "The reference accepts with release_paths: []; LDK 0.2 accepts as if the TLV were absent."
            .into();
    b.test(t);

    // Zero hops: acceptable, with the declared view for an implementation that accepts.
    let zero = RevokeAndAckView {
        release_paths: Some(vec![release_path(
            p,
            7,
            BlindedPathView {
                hops: vec![],
                ..path_a()
            },
        )]),
        ..base_raa()
    };
    let mut t = test(
        Rec {
            id: "raa-zero-hop-release-path",
            description: "revoke_and_ack with a release path of num_hops 0".into(),
            requirements: &[R_RAA_RELEASE],
            flags: &["ReleasePaths", "ZeroHopReleasePath"],
        },
        Verdict::Acceptable,
        RAA_DECODE,
        hex_input(&raa_bytes(&zero, p)),
        Expected {
            view: Some(to_value(&zero)),
            reason: Some(ReasonClass::InvalidBlindedPath),
            also_reasons: Vec::new(),
        },
    );
    t.comment =
        "The reference and LDK 0.2 reject (invalid_blinded_path / DecodeError::InvalidValue)."
            .into();
    b.test(t);

    // Malformed release paths.
    let with_release = |value: Vec<u8>| {
        let mut o = raa_fixed(&plain, 133);
        o.extend(record(rel, &value));
        o
    };
    let one_value = release_value(&[release_path(p, 7, path_a())]);
    let id_len = if fmt == "htlc_id_and_path" { 8 } else { 0 };
    let last_hop_len = 33 + 2 + 51;
    let hop_cut = one_value[..one_value.len() - last_hop_len].to_vec();
    let mut bad_intro = one_value.clone();
    bad_intro[id_len] = 0x04;
    let mut bad_hop = one_value.clone();
    // First hop's blinded_node_id: after id, first_node_id (33), first_path_key (33), num_hops (1).
    let hop_at = id_len + 33 + 33 + 1;
    bad_hop[hop_at..hop_at + 33].copy_from_slice(&bad_point());
    let mut stray = one_value.clone();
    stray.extend([0x02, 0x00, 0x00]);

    let mut fixed_cut = raa_fixed(&plain, 133);
    fixed_cut.truncate(2 + 32 + 32 + 20);
    let mut bad_next = raa_fixed(&plain, 133);
    bad_next[2 + 32 + 32..].copy_from_slice(&bad_point());
    let (first, second) = if rel < 1 { (1, rel) } else { (rel, 1) };
    let order_vals = |t: u64| {
        if t == rel {
            one_value.clone()
        } else {
            vec![0x01]
        }
    };

    let cases: Vec<RawCase<'_>> = vec![
        (
            "raa-release-path-hop-missing",
            "release path announcing 2 hops but carrying 1".into(),
            vec![R_RAA_RELEASE],
            vec!["MalformedReleasePath", "Truncated"],
            with_release(hop_cut),
            ReasonClass::Truncated,
        ),
        (
            "raa-release-path-bad-introduction",
            "release path whose first_node_id starts with 0x04 (neither sciddir nor compressed point)".into(),
            vec![R_RAA_RELEASE],
            vec!["MalformedReleasePath", "InvalidPoint"],
            with_release(bad_intro),
            ReasonClass::InvalidPoint,
        ),
        (
            "raa-release-path-bad-blinded-node-id",
            "release path whose first blinded_node_id is not a point".into(),
            vec![R_RAA_RELEASE],
            vec!["MalformedReleasePath", "InvalidPoint"],
            with_release(bad_hop),
            ReasonClass::InvalidPoint,
        ),
        (
            "raa-release-path-stray-bytes",
            "one release path followed by 3 stray bytes (a truncated second element)".into(),
            vec![R_RAA_RELEASE],
            vec!["MalformedReleasePath", "Truncated"],
            with_release(stray),
            ReasonClass::Truncated,
        ),
        (
            "raa-release-nonminimal-length",
            "release paths TLV whose length is encoded as fd00xx".into(),
            vec![R_TLV_MINIMAL, R_EXTENSION],
            vec!["NonMinimalBigSize", "ReleasePaths"],
            {
                let mut o = raa_fixed(&plain, 133);
                o.extend(bigsize(rel));
                o.extend([0xfd, 0x00, one_value.len() as u8]);
                o.extend(&one_value);
                o
            },
            ReasonClass::NonMinimalBigsize,
        ),
        (
            "raa-release-out-of-order",
            "release paths TLV and an odd TLV in decreasing type order".into(),
            vec![R_TLV_ORDER, R_EXTENSION],
            vec!["TlvOrder", "ReleasePaths"],
            {
                let mut o = raa_fixed(&plain, 133);
                o.extend(stream(&[(first, order_vals(first)), (second, order_vals(second))]));
                o
            },
            ReasonClass::TlvOutOfOrder,
        ),
        (
            "raa-unknown-even",
            "revoke_and_ack with an unknown even TLV (type 2)".into(),
            vec![R_TLV_EVEN, R_EXTENSION],
            vec!["UnknownEvenTlv"],
            {
                let mut o = raa_fixed(&plain, 133);
                o.extend(record(2, &[0x00]));
                o
            },
            ReasonClass::UnknownEvenType,
        ),
        (
            "raa-next-point-invalid",
            "next_per_commitment_point is not a curve point".into(),
            vec![R_RAA_FORMAT],
            vec!["InvalidPoint"],
            bad_next,
            ReasonClass::InvalidPoint,
        ),
        (
            "raa-truncated",
            "revoke_and_ack cut inside next_per_commitment_point".into(),
            vec![R_MSG_SHORT, R_RAA_FORMAT],
            vec!["Truncated"],
            fixed_cut,
            ReasonClass::Truncated,
        ),
        (
            "raa-wrong-type",
            "revoke_and_ack fields under type 132 (commitment_signed)".into(),
            vec![R_RAA_FORMAT],
            vec!["WrongMessageType"],
            raa_fixed(&plain, 132),
            ReasonClass::WrongMessageType,
        ),
    ];
    for (id, description, reqs, flags, bytes, reason) in cases {
        b.test(invalid(
            Rec {
                id,
                description,
                requirements: &reqs,
                flags: &flags,
            },
            RAA_DECODE,
            hex_input(&bytes),
            reason,
        ));
    }

    // The other profiles' release paths type.
    for (_, foreign, ffmt, _) in KNOWN_NUMBERS.iter().filter(|n| n.1 != rel) {
        let id = format!("raa-foreign-release-type-{foreign}");
        let other = Profile {
            numbers: asyncpay_adapter::Numbers {
                release_paths: *foreign,
                release_paths_format: ffmt.to_string(),
                ..p.numbers.clone()
            },
            ..p.clone()
        };
        let value = release_value(&[release_path(&other, 7, path_a())]);
        let r = Rec {
            id: &id,
            description: format!(
                "revoke_and_ack with a TLV of type {foreign} (another profile's release paths, its layout); unknown here"
            ),
            requirements: &[R_RAA_RELEASE, if foreign % 2 == 1 { R_TLV_ODD } else { R_TLV_EVEN }],
            flags: &["ProfileCollision"],
        };
        if foreign % 2 == 1 {
            let v = RevokeAndAckView {
                unknown: vec![odd_record(*foreign, &value)],
                ..base_raa()
            };
            decode_valid(b, r, &v);
        } else {
            let mut bytes = raa_fixed(&plain, 133);
            bytes.extend(record(*foreign, &value));
            b.test(invalid(
                r,
                RAA_DECODE,
                hex_input(&bytes),
                ReasonClass::UnknownEvenType,
            ));
        }
    }

    // Writer tests.
    let encodes: [(&str, &str, &RevokeAndAckView, &[&str]); 3] = [
        ("raa-encode-plain", "encode revoke_and_ack without TLVs", &plain, &[R_RAA_W_FORMAT]),
        (
            "raa-encode-one-path",
            "encode revoke_and_ack with one release path",
            &one,
            &[R_RAA_W_FORMAT, R_RAA_W_AT_LEAST_ONE],
        ),
        (
            "raa-encode-two-paths-unknown",
            "encode revoke_and_ack with two release paths and unknown odd TLVs (written in type order)",
            &RevokeAndAckView {
                release_paths: two.release_paths.clone(),
                unknown: one_unknown.unknown.clone(),
                ..base_raa()
            },
            &[R_RAA_W_FORMAT, R_RAA_W_AT_LEAST_ONE, R_TLV_W_ORDER, R_TLV_W_MINIMAL],
        ),
    ];
    for (id, description, v, reqs) in encodes {
        b.test(valid(
            Rec {
                id,
                description: description.into(),
                requirements: reqs,
                flags: &["Encode"],
            },
            RAA_ENCODE,
            to_value(v),
            hex_input(&raa_bytes(v, p)),
        ));
    }
    // A writer must not put a path the recipient cannot use on the wire: a
    // release path whose path key is not a point is refused.
    let mut unusable = one.clone();
    if let Some(rp) = unusable.release_paths.as_mut().and_then(|v| v.first_mut()) {
        rp.path.first_path_key = format!("05{}", &rp.path.first_path_key[2..]);
    }
    b.test(invalid(
        Rec {
            id: "raa-encode-release-path-not-a-point",
            description: "encode revoke_and_ack whose release path's first_path_key is not a valid point: the writer refuses"
                .into(),
            requirements: &[R_RAA_W_FORMAT, R_RAA_W_AT_LEAST_ONE],
            flags: &["Encode"],
        },
        RAA_ENCODE,
        to_value(&unusable),
        ReasonClass::InvalidPoint,
    ));
}

fn feature_tests(b: &mut FileBuilder, p: &Profile) {
    let h = p.numbers.feature_htlc_hold;
    let input = |bytes: &[u8], ctx: &str| json!({ "hex": hex::encode(bytes), "context": ctx });

    struct F<'a> {
        id: String,
        description: String,
        context: &'a str,
        bits: Vec<u16>,
        reqs: Vec<&'a str>,
        flags: Vec<&'a str>,
        /// `None`: valid; `Some((reason, acceptable))`.
        reject: Option<(ReasonClass, bool)>,
    }
    let f = |id: &str,
             d: String,
             ctx: &'static str,
             bits: Vec<u16>,
             reqs: Vec<&'static str>,
             flags: Vec<&'static str>,
             reject: Option<(ReasonClass, bool)>| F {
        id: id.into(),
        description: d,
        context: ctx,
        bits,
        reqs,
        flags,
        reject,
    };
    let dep = Some((ReasonClass::MissingFeatureDependency, false));
    let unk = Some((ReasonClass::UnknownRequiredFeature, false));
    let mut cases = vec![
        f("feat-init-empty", "init with an empty feature vector".into(), "init", vec![], vec![R_F_HOLD], vec![], None),
        f("feat-init-onion-messages", "init with option_onion_messages optional only".into(), "init", vec![39], vec![R_F_HOLD], vec![], None),
        f("feat-init-hold-optional", format!("init with option_htlc_hold optional ({}) and option_onion_messages optional", h + 1), "init", vec![39, h + 1], vec![R_F_HOLD, R_F_W_DEPS], vec![], None),
        f("feat-init-hold-compulsory", format!("init with option_htlc_hold compulsory ({h}) and option_onion_messages optional"), "init", vec![39, h], vec![R_F_HOLD, R_F_W_DEPS], vec![], None),
        f("feat-init-hold-compulsory-om-compulsory", format!("init with option_htlc_hold ({h}) and option_onion_messages (38) both compulsory"), "init", vec![38, h], vec![R_F_HOLD], vec![], None),
        f("feat-init-hold-both-bits", format!("init with both bits of option_htlc_hold ({h} and {}): mandatory", h + 1), "init", vec![39, h, h + 1], vec![R_F_BOTH, R_F_HOLD], vec!["BothFeatureBits"], None),
        f("feat-init-hold-optional-no-onion-messages", format!("init with option_htlc_hold optional ({}) without option_onion_messages", h + 1), "init", vec![h + 1], vec![R_INIT_DEPS, R_F_W_DEPS, R_F_HOLD], vec!["FeatureDependency"], dep),
        f("feat-init-hold-compulsory-no-onion-messages", format!("init with option_htlc_hold compulsory ({h}) without option_onion_messages"), "init", vec![h], vec![R_INIT_DEPS, R_F_W_DEPS, R_F_HOLD], vec!["FeatureDependency"], dep),
        f("feat-init-zeroconf-no-scid-alias", "init with option_htlc_hold and option_onion_messages, and option_zeroconf (51) without option_scid_alias".into(), "init", vec![39, h + 1, 51], vec![R_INIT_DEPS, R_F_W_DEPS], vec!["FeatureDependency"], dep),
        f("feat-init-unknown-even", "init with option_htlc_hold and an unknown even bit (254)".into(), "init", vec![39, h + 1, 254], vec![R_INIT_EVEN], vec!["UnknownRequiredFeature"], unk),
        f("feat-init-unknown-both-bits", "init with option_htlc_hold and both bits of an unknown feature (254 and 255): treated as mandatory, so an unknown even bit".into(), "init", vec![39, h + 1, 254, 255], vec![R_F_BOTH, R_INIT_EVEN], vec!["BothFeatureBits", "UnknownRequiredFeature"], unk),
        f("feat-init-unknown-odd", "init with option_htlc_hold and an unknown odd bit (255), which is ignored".into(), "init", vec![39, h + 1, 255], vec![R_INIT_ODD, R_F_HOLD], vec![], None),
        f("feat-init-typical", "init with a typical set of features (gossip_queries, var_onion_optin, static_remotekey, payment_secret, basic_mpp, route blinding, anysegwit, onion messages, channel_type, scid_alias) and option_htlc_hold".into(), "init", vec![7, 9, 13, 15, 17, 25, 27, 39, 45, 47, h + 1], vec![R_F_HOLD, R_F_W_DEPS], vec![], None),
        f("feat-node-hold-optional", "node_announcement with option_htlc_hold optional and option_onion_messages".into(), "node_announcement", vec![39, h + 1], vec![R_F_HOLD], vec![], None),
        f("feat-node-hold-no-onion-messages", "node_announcement with option_htlc_hold optional without option_onion_messages".into(), "node_announcement", vec![h + 1], vec![R_F_W_DEPS, R_F_HOLD], vec!["FeatureDependency", "NodeAnnouncementLeniency"], Some((ReasonClass::MissingFeatureDependency, true))),
        f("feat-node-unknown-even", "node_announcement with an unknown even bit (254)".into(), "node_announcement", vec![39, h + 1, 254], vec![R_F_HOLD], vec!["UnknownRequiredFeature", "NodeAnnouncementLeniency"], Some((ReasonClass::UnknownRequiredFeature, true))),
    ];
    for (_, _, _, foreign) in KNOWN_NUMBERS.iter().filter(|n| n.3 != h) {
        cases.push(f(
            &format!("feat-init-foreign-hold-optional-{}", foreign + 1),
            format!("init with bit {} (another profile's option_htlc_hold, optional) and option_onion_messages: unknown odd, ignored", foreign + 1),
            "init", vec![39, foreign + 1], vec![R_INIT_ODD], vec!["ProfileCollision"], None));
        cases.push(f(
            &format!("feat-init-foreign-hold-compulsory-{foreign}"),
            format!("init with bit {foreign} (another profile's option_htlc_hold, compulsory) and option_onion_messages: unknown even"),
            "init", vec![39, *foreign], vec![R_INIT_EVEN], vec!["ProfileCollision"], unk));
    }
    for c in cases {
        let bytes = feature_bytes(&c.bits);
        let r = Rec {
            id: &c.id,
            description: c.description,
            requirements: &c.reqs,
            flags: &c.flags,
        };
        let view = to_value(&declared_features(&c.bits, h));
        let t = match c.reject {
            None => valid(r, FEATURES, input(&bytes, c.context), view),
            Some((reason, false)) => invalid(r, FEATURES, input(&bytes, c.context), reason),
            Some((reason, true)) => test(
                r,
                Verdict::Acceptable,
                FEATURES,
                input(&bytes, c.context),
                Expected {
                    view: Some(view),
                    reason: Some(reason),
                    also_reasons: Vec::new(),
                },
            ),
        };
        b.test(t);
    }
    // Padding: leading zero bytes.
    let bits = vec![39, h + 1];
    let mut padded = vec![0u8, 0u8];
    padded.extend(feature_bytes(&bits));
    b.test(valid(
        Rec {
            id: "feat-init-padded",
            description: "init with option_htlc_hold and two leading zero bytes in the feature vector".into(),
            requirements: &[R_INIT_W_MINLEN, R_F_HOLD],
            flags: &["FeatureVectorPadding"],
        },
        FEATURES,
        input(&padded, "init"),
        to_value(&declared_features(&bits, h)),
    ));
}

/// Generate the `hold_htlc` area for `profile`; `None` if the profile's
/// release paths layout is one this recipe does not know.
pub fn generate(profile: &Profile) -> Option<VectorFile> {
    if profile.kind == "experimental" {
        return None;
    }
    if !["paths", "htlc_id_and_path"].contains(&profile.numbers.release_paths_format.as_str()) {
        return None;
    }
    let mut b = FileBuilder::new(AREA, &profile.name, SPEC_COMMIT);
    b.header(&format!(
        "update_add_htlc with hold_htlc (type {}), revoke_and_ack with the release message paths (type {}, layout {}), and the option_htlc_hold feature bits ({}/{}). Messages include their 2-byte type prefix. Points are public keys of the secret keys [n; 32]; onion packets and encrypted data are fixed patterns (codec fixtures, not real onions).",
        profile.numbers.hold_htlc,
        profile.numbers.release_paths,
        profile.numbers.release_paths_format,
        profile.numbers.feature_htlc_hold,
        profile.numbers.feature_htlc_hold + 1,
    ));
    notes(&mut b, profile);
    uah_tests(&mut b, profile);
    raa_tests(&mut b, profile);
    feature_tests(&mut b, profile);
    let file = b.finish();
    // Keep only the notes of flags used, so the header explains exactly what the file uses.
    let used: std::collections::BTreeSet<String> = file
        .tests
        .iter()
        .flat_map(|t| t.flags.iter().cloned())
        .collect();
    let mut file = file;
    file.notes.retain(|k, _| used.contains(k));
    Some(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use asyncpay_adapter::{Adapter, Outcome};
    use asyncpay_harness::vectors::to_canonical_json;
    use asyncpay_reference::ReferenceAdapter;

    fn profiles() -> Vec<Profile> {
        #[derive(serde::Deserialize)]
        struct Profiles {
            profiles: Vec<Profile>,
        }
        let text = include_str!("../../../profiles.json");
        let p: Profiles = serde_json::from_str(text).expect("profiles.json parses");
        p.profiles
            .into_iter()
            .filter(|p| p.kind != "experimental")
            .collect()
    }

    #[test]
    fn reference_passes_every_test() {
        let adapter = ReferenceAdapter;
        for p in profiles() {
            let file = generate(&p).expect("both profiles have a hold_htlc area");
            file.check_structure().expect("structure");
            assert!(
                file.tests.len() >= 20,
                "{}: {} tests",
                p.name,
                file.tests.len()
            );
            for t in &file.tests {
                assert!(
                    t.requirements
                        .iter()
                        .all(|r| REQUIREMENTS.contains(&r.as_str())),
                    "{}: unlisted requirement",
                    t.id
                );
                let op = t.operation().expect("operation");
                let out: Outcome = adapter.execute(&op, &p);
                match (t.result, &out) {
                    (Verdict::Valid, Outcome::Accepted { view }) => assert_eq!(
                        Some(view),
                        t.expected.view.as_ref(),
                        "{} {}: view differs",
                        p.name,
                        t.id
                    ),
                    (Verdict::Invalid, Outcome::Rejected(_)) => {}
                    (Verdict::Acceptable, Outcome::Accepted { view }) => {
                        if let Some(expected) = &t.expected.view {
                            assert_eq!(&view, &expected, "{} {}: view differs", p.name, t.id);
                        }
                    }
                    (Verdict::Acceptable, Outcome::Rejected(_)) => {}
                    _ => panic!(
                        "{} {}: expected {:?}, got {:?}",
                        p.name, t.id, t.result, out
                    ),
                }
                if let (Verdict::Invalid, Outcome::Rejected(r), Some(reason)) =
                    (t.result, &out, t.expected.reason)
                {
                    assert_eq!(
                        r.reason, reason,
                        "{} {}: reason class ({})",
                        p.name, t.id, r.detail
                    );
                }
            }
        }
    }

    #[test]
    fn generation_is_deterministic() {
        for p in profiles() {
            let a = generate(&p).map(|f| to_canonical_json(&f));
            let b = generate(&p).map(|f| to_canonical_json(&f));
            assert_eq!(a, b);
        }
    }
}
