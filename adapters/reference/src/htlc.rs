//! `update_add_htlc` (BOLT 2, type 128) with the draft's `hold_htlc` TLV, and
//! `revoke_and_ack` (BOLT 2, type 133) with the release message paths TLV.
//!
//! Written from the draft text (BOLT PR 1149 with PR 989):
//!
//! ```text
//! 1. type: 128 (`update_add_htlc`)
//!    channel_id, u64 id, u64 amount_msat, sha256 payment_hash,
//!    u32 cltv_expiry, 1366*byte onion_routing_packet
//! 1. tlv_stream: update_add_htlc_tlvs
//!    type 0 (`blinded_path`): [point:path_key]
//!    type 2 (`hold_htlc`): (no data)
//!
//! 1. type: 133 (`revoke_and_ack`)
//!    channel_id, 32*byte per_commitment_secret, point next_per_commitment_point,
//!    [revoke_and_ack_tlvs:tlvs]
//! 1. tlv_stream: revoke_and_ack_tlvs
//!    type 0 (`release_held_htlc_message_paths`): [...blinded_path:paths]
//! ```
//!
//! The TLV type numbers and the release paths layout come from the
//! [`Profile`]: the draft uses 2 / 0 and a plain list of paths; LDK 0.2 uses
//! 75537 for both and pairs every path with the `htlc_id` it releases.
//!
//! Reader decisions where the draft is silent (each is `acceptable` in the
//! vectors, so implementations may decide otherwise):
//! - a release paths TLV that is present but holds zero paths decodes as an
//!   empty list: BOLT 1 accepts a `...blinded_path` value of length 0 and the
//!   reader section of the draft has no rule for it; only the writer is bound
//!   ("at least 1 blinded path"), and only after a `hold_htlc`;
//! - a release path with `num_hops` 0 is rejected with
//!   [`ReasonClass::InvalidBlindedPath`]: such a path can never be "used for
//!   the ultimate payment recipient to eventually send `release_held_htlc`
//!   onion messages over", and BOLT 12 rejects zero-hop paths everywhere it
//!   reads them.
//!
//! Nothing here panics on any input.

use crate::rules::{self, Rule};
use crate::tlv::{self, Record};
use crate::wire::{self, check_point, unhex, Cursor};
use asyncpay_adapter::blinding::BlindedPathView;
use asyncpay_adapter::htlc::{ReleasePath, RevokeAndAckView, UpdateAddHtlcView};
use asyncpay_adapter::invoice::TlvRecord;
use asyncpay_adapter::{HexInput, Outcome, Profile, ReasonClass, Rejection};

/// Message type of `update_add_htlc`.
pub const UPDATE_ADD_HTLC_TYPE: u16 = 128;
/// Message type of `revoke_and_ack`.
pub const REVOKE_AND_ACK_TYPE: u16 = 133;
/// `update_add_htlc_tlvs` type of `blinded_path` (the `path_key`).
pub const BLINDED_PATH_TLV: u64 = 0;
/// Length of `onion_routing_packet`.
pub const ONION_PACKET_LEN: usize = 1366;
/// `release_paths_format` of the draft: `...blinded_path`.
pub const FORMAT_PATHS: &str = "paths";
/// `release_paths_format` of LDK 0.2: repeated (u64 `htlc_id`, `blinded_path`).
pub const FORMAT_HTLC_ID_AND_PATH: &str = "htlc_id_and_path";

fn reject(reason: ReasonClass, detail: impl Into<String>) -> Rejection {
    Rejection::new(reason, detail)
}

fn tlv_err(e: tlv::TlvError, stream: &str) -> Rejection {
    reject(e.class(), format!("{stream}: {e}"))
}

/// Read the 2-byte message type and check it.
fn read_type(c: &mut Cursor<'_>, expected: u16, name: &str, rule: Rule) -> Result<(), Rejection> {
    let t = c.u16()?;
    if rules::rejects(rule, t != expected) {
        return Err(reject(
            ReasonClass::WrongMessageType,
            format!("message type {t}, expected {expected} ({name})"),
        ));
    }
    Ok(())
}

/// Parse a TLV stream and apply the even/odd rule; returns the records and
/// the unknown (odd) ones as views.
fn read_tlvs<'a>(
    bytes: &'a [u8],
    stream: &str,
    known: impl Fn(u64) -> bool + Copy,
) -> Result<(Vec<Record<'a>>, Vec<TlvRecord>), Rejection> {
    let s = tlv::parse(bytes).map_err(|e| tlv_err(e, stream))?;
    s.check_known(known).map_err(|e| tlv_err(e, stream))?;
    let unknown = s
        .unknown(known)
        .iter()
        .map(|r| TlvRecord {
            tlv_type: r.tlv_type,
            hex: hex::encode(r.value),
        })
        .collect();
    Ok((s.records, unknown))
}

/// Decode an `update_add_htlc` (type prefix included) under `profile`.
pub fn decode_update_add_htlc(
    bytes: &[u8],
    profile: &Profile,
) -> Result<UpdateAddHtlcView, Rejection> {
    let mut c =
        Cursor::new(bytes, "update_add_htlc").with_rules(Rule::MessageLength, Rule::MessageLength);
    read_type(
        &mut c,
        UPDATE_ADD_HTLC_TYPE,
        "update_add_htlc",
        Rule::HtlcMessageType,
    )?;
    let channel_id = c.take(32)?;
    let id = c.u64()?;
    let amount_msat = c.u64()?;
    let payment_hash = c.take(32)?;
    let cltv_expiry = c.u32()?;
    let onion = c.take(ONION_PACKET_LEN)?;
    let rest = c.take(c.remaining())?;

    let hold_type = profile.numbers.hold_htlc;
    let known = move |t: u64| t == BLINDED_PATH_TLV || t == hold_type;
    let (records, unknown) = read_tlvs(rest, "update_add_htlc_tlvs", known)?;

    let mut view = UpdateAddHtlcView {
        channel_id: hex::encode(channel_id),
        id,
        amount_msat,
        payment_hash: hex::encode(payment_hash),
        cltv_expiry,
        onion_routing_packet: hex::encode(onion),
        path_key: None,
        hold_htlc: false,
        unknown,
    };
    for r in &records {
        if r.tlv_type == BLINDED_PATH_TLV {
            if rules::rejects(Rule::HtlcPathKeyLength, r.value.len() != 33) {
                return Err(reject(
                    ReasonClass::InvalidValue,
                    format!("blinded_path: {} bytes, a point is 33", r.value.len()),
                ));
            }
            if let Err(e) = check_point(r.value, "blinded_path path_key") {
                rules::check(Rule::HtlcPathKeyPoint, true, || e)?;
            }
            view.path_key = Some(hex::encode(r.value));
        } else if r.tlv_type == hold_type {
            if rules::rejects(Rule::HtlcHoldEmpty, !r.value.is_empty()) {
                return Err(reject(
                    ReasonClass::InvalidValue,
                    format!(
                        "hold_htlc (type {hold_type}) has {} bytes of data, its data is empty",
                        r.value.len()
                    ),
                ));
            }
            view.hold_htlc = true;
        }
    }
    Ok(view)
}

fn fixed_hex<const N: usize>(s: &str, what: &str) -> Result<[u8; N], Rejection> {
    let b = unhex(s, what)?;
    <[u8; N]>::try_from(b.as_slice()).map_err(|_| {
        reject(
            ReasonClass::InvalidValue,
            format!("{what}: {} bytes, expected {N}", b.len()),
        )
    })
}

fn point_hex(s: &str, what: &str) -> Result<[u8; 33], Rejection> {
    let p = fixed_hex::<33>(s, what)?;
    check_point(&p, what)?;
    Ok(p)
}

/// Check the unknown records of a view: odd, not a known type, strictly
/// increasing by type (as a reader reports them); returns them as (type, value).
fn unknown_records(
    unknown: &[TlvRecord],
    known: impl Fn(u64) -> bool,
) -> Result<Vec<(u64, Vec<u8>)>, Rejection> {
    let mut out: Vec<(u64, Vec<u8>)> = Vec::with_capacity(unknown.len());
    for r in unknown {
        if known(r.tlv_type) {
            return Err(reject(
                ReasonClass::InvalidValue,
                format!("unknown record has the known type {}", r.tlv_type),
            ));
        }
        if r.tlv_type % 2 == 0 {
            return Err(reject(
                ReasonClass::UnknownEvenType,
                format!("unknown record has the even type {}", r.tlv_type),
            ));
        }
        if let Some((prev, _)) = out.last() {
            if r.tlv_type == *prev {
                return Err(reject(
                    ReasonClass::TlvDuplicate,
                    format!("unknown record type {} twice", r.tlv_type),
                ));
            }
            if r.tlv_type < *prev {
                return Err(reject(
                    ReasonClass::TlvOutOfOrder,
                    format!("unknown record type {} after type {prev}", r.tlv_type),
                ));
            }
        }
        out.push((r.tlv_type, unhex(&r.hex, "unknown record")?));
    }
    Ok(out)
}

/// Encode an `update_add_htlc` (type prefix included) from its view under
/// `profile`. Unknown records must be odd and listed in increasing type order.
pub fn encode_update_add_htlc(
    view: &UpdateAddHtlcView,
    profile: &Profile,
) -> Result<Vec<u8>, Rejection> {
    let hold_type = profile.numbers.hold_htlc;
    let known = |t: u64| t == BLINDED_PATH_TLV || t == hold_type;
    let mut out = Vec::with_capacity(2 + 32 + 8 + 8 + 32 + 4 + ONION_PACKET_LEN + 64);
    out.extend(UPDATE_ADD_HTLC_TYPE.to_be_bytes());
    out.extend(fixed_hex::<32>(&view.channel_id, "channel_id")?);
    out.extend(view.id.to_be_bytes());
    out.extend(view.amount_msat.to_be_bytes());
    out.extend(fixed_hex::<32>(&view.payment_hash, "payment_hash")?);
    out.extend(view.cltv_expiry.to_be_bytes());
    let onion = unhex(&view.onion_routing_packet, "onion_routing_packet")?;
    if onion.len() != ONION_PACKET_LEN {
        return Err(reject(
            ReasonClass::InvalidValue,
            format!(
                "onion_routing_packet: {} bytes, expected {ONION_PACKET_LEN}",
                onion.len()
            ),
        ));
    }
    out.extend(onion);
    let mut records = unknown_records(&view.unknown, known)?;
    if let Some(pk) = &view.path_key {
        records.push((BLINDED_PATH_TLV, point_hex(pk, "path_key")?.to_vec()));
    }
    if view.hold_htlc {
        records.push((hold_type, Vec::new()));
    }
    out.extend(tlv::write_stream(&mut records));
    Ok(out)
}

/// Read one release path element per the profile's layout.
fn read_release_path(c: &mut Cursor<'_>, with_id: bool) -> Result<ReleasePath, Rejection> {
    let htlc_id = if with_id { Some(c.u64()?) } else { None };
    let path = wire::read_path(c)?;
    if rules::rejects(Rule::ReleasePathHops, path.hops.is_empty()) {
        return Err(reject(
            ReasonClass::InvalidBlindedPath,
            "release path with num_hops 0",
        ));
    }
    Ok(ReleasePath { htlc_id, path })
}

fn with_htlc_id(profile: &Profile) -> Result<bool, Rejection> {
    match profile.numbers.release_paths_format.as_str() {
        FORMAT_PATHS => Ok(false),
        FORMAT_HTLC_ID_AND_PATH => Ok(true),
        other => Err(reject(
            ReasonClass::Internal,
            format!(
                "profile {}: unknown release_paths_format {other}",
                profile.name
            ),
        )),
    }
}

/// Decode the value of the release paths TLV under `profile`.
pub fn decode_release_paths(
    value: &[u8],
    profile: &Profile,
) -> Result<Vec<ReleasePath>, Rejection> {
    let with_id = with_htlc_id(profile)?;
    let mut c = Cursor::new(value, "release_held_htlc_message_paths")
        .with_rules(Rule::ReleasePathEncoding, Rule::ReleasePathPoint);
    let mut out = Vec::new();
    while !c.is_empty() {
        out.push(read_release_path(&mut c, with_id)?);
    }
    Ok(out)
}

/// Check a blinded path view the way the decoder would read it back.
fn check_path_view(p: &BlindedPathView) -> Result<(), Rejection> {
    let first = unhex(&p.first_node_id, "first_node_id")?;
    match (first.len(), first.first()) {
        (9, Some(0)) | (9, Some(1)) => {}
        (33, _) => {
            check_point(&first, "first_node_id")?;
        }
        _ => {
            return Err(reject(
                ReasonClass::InvalidBlindedPath,
                "first_node_id is neither a point nor a sciddir",
            ))
        }
    }
    point_hex(&p.first_path_key, "first_path_key")?;
    if p.hops.is_empty() {
        return Err(reject(
            ReasonClass::InvalidBlindedPath,
            "release path with no hops",
        ));
    }
    for h in &p.hops {
        point_hex(&h.blinded_node_id, "blinded_node_id")?;
    }
    Ok(())
}

/// Encode the value of the release paths TLV under `profile`.
pub fn encode_release_paths(
    paths: &[ReleasePath],
    profile: &Profile,
) -> Result<Vec<u8>, Rejection> {
    let with_id = with_htlc_id(profile)?;
    let mut out = Vec::new();
    for p in paths {
        match (with_id, p.htlc_id) {
            (true, Some(id)) => out.extend(id.to_be_bytes()),
            (false, None) => {}
            (true, None) => {
                return Err(reject(
                    ReasonClass::MissingField,
                    format!("profile {}: release path needs an htlc_id", profile.name),
                ))
            }
            (false, Some(_)) => {
                return Err(reject(
                    ReasonClass::InvalidValue,
                    format!("profile {}: release paths carry no htlc_id", profile.name),
                ))
            }
        }
        check_path_view(&p.path)?;
        wire::write_path(&p.path, &mut out)?;
    }
    Ok(out)
}

/// Decode a `revoke_and_ack` (type prefix included) under `profile`.
pub fn decode_revoke_and_ack(
    bytes: &[u8],
    profile: &Profile,
) -> Result<RevokeAndAckView, Rejection> {
    let mut c =
        Cursor::new(bytes, "revoke_and_ack").with_rules(Rule::MessageLength, Rule::RevokeNextPoint);
    read_type(
        &mut c,
        REVOKE_AND_ACK_TYPE,
        "revoke_and_ack",
        Rule::RevokeMessageType,
    )?;
    let channel_id = c.take(32)?;
    let secret = c.take(32)?;
    let point = c.point()?;
    let rest = c.take(c.remaining())?;

    let release_type = profile.numbers.release_paths;
    let known = move |t: u64| t == release_type;
    let (records, unknown) = read_tlvs(rest, "revoke_and_ack_tlvs", known)?;
    let mut release_paths = None;
    for r in &records {
        if r.tlv_type == release_type {
            release_paths = Some(decode_release_paths(r.value, profile)?);
        }
    }
    Ok(RevokeAndAckView {
        channel_id: hex::encode(channel_id),
        per_commitment_secret: hex::encode(secret),
        next_per_commitment_point: hex::encode(point),
        release_paths,
        unknown,
    })
}

/// Encode a `revoke_and_ack` (type prefix included) from its view under
/// `profile`. `release_paths: Some(vec![])` writes the TLV with an empty value.
pub fn encode_revoke_and_ack(
    view: &RevokeAndAckView,
    profile: &Profile,
) -> Result<Vec<u8>, Rejection> {
    let release_type = profile.numbers.release_paths;
    let known = |t: u64| t == release_type;
    let mut out = Vec::with_capacity(2 + 32 + 32 + 33 + 256);
    out.extend(REVOKE_AND_ACK_TYPE.to_be_bytes());
    out.extend(fixed_hex::<32>(&view.channel_id, "channel_id")?);
    out.extend(fixed_hex::<32>(
        &view.per_commitment_secret,
        "per_commitment_secret",
    )?);
    out.extend(point_hex(
        &view.next_per_commitment_point,
        "next_per_commitment_point",
    )?);
    let mut records = unknown_records(&view.unknown, known)?;
    if let Some(paths) = &view.release_paths {
        records.push((release_type, encode_release_paths(paths, profile)?));
    }
    out.extend(tlv::write_stream(&mut records));
    Ok(out)
}

fn input_bytes(input: &HexInput) -> Result<Vec<u8>, Rejection> {
    unhex(&input.hex, "input")
}

fn answer<T: serde::Serialize>(r: Result<T, Rejection>) -> Outcome {
    match r {
        Ok(v) => Outcome::accepted(&v),
        Err(e) => Outcome::Rejected(e),
    }
}

fn answer_bytes(r: Result<Vec<u8>, Rejection>) -> Outcome {
    match r {
        Ok(b) => Outcome::encoded(&b),
        Err(e) => Outcome::Rejected(e),
    }
}

/// Operation `update_add_htlc.decode`.
pub fn decode_update_add_op(input: &HexInput, profile: &Profile) -> Outcome {
    answer(input_bytes(input).and_then(|b| decode_update_add_htlc(&b, profile)))
}

/// Operation `update_add_htlc.encode`.
pub fn encode_update_add_op(input: &UpdateAddHtlcView, profile: &Profile) -> Outcome {
    answer_bytes(encode_update_add_htlc(input, profile))
}

/// Operation `revoke_and_ack.decode`.
pub fn decode_revoke_and_ack_op(input: &HexInput, profile: &Profile) -> Outcome {
    answer(input_bytes(input).and_then(|b| decode_revoke_and_ack(&b, profile)))
}

/// Operation `revoke_and_ack.encode`.
pub fn encode_revoke_and_ack_op(input: &RevokeAndAckView, profile: &Profile) -> Outcome {
    answer_bytes(encode_revoke_and_ack(input, profile))
}
