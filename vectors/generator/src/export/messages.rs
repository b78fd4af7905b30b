//! `update_add_htlc`, `revoke_and_ack` and feature-vector cases in a small
//! shape in the style of `offers-test.json`:
//!
//! - messages: `description`, `valid`, `message`, `hex` (the whole message,
//!   its type included) and, for valid cases, the `fields` of its TLV
//!   extension (`type`, `length`, `hex`);
//! - features: `description`, `valid`, `context`, `features` (hex) and, for
//!   valid cases, the set `bits`.
//!
//! A writer's valid case is exported as the bytes it must write (they must
//! also read back); a writer's refusal and `acceptable` cases have no place.

use super::bolt12::{description, fields};
use super::json::{obj, s, J};
use super::{input_str, unhex, ExportedFile, LeftOut};
use asyncpay_harness::vectors::{TestVector, VectorFile, Verdict};

/// The `update_add_htlc` file.
pub const UPDATE_ADD_HTLC: &str = "bolt02/update-add-htlc-test.json";
/// The `revoke_and_ack` file.
pub const REVOKE_AND_ACK: &str = "bolt02/revoke-and-ack-test.json";
/// The feature file.
pub const FEATURES: &str = "bolt09/htlc-hold-features-test.json";

/// Bytes before a message's TLV extension: `update_add_htlc` (type,
/// channel_id, id, amount_msat, payment_hash, cltv_expiry,
/// onion_routing_packet) and `revoke_and_ack` (type, channel_id,
/// per_commitment_secret, next_per_commitment_point).
pub fn fixed_len(message: &str) -> Option<usize> {
    match message {
        "update_add_htlc" => Some(2 + 32 + 8 + 8 + 32 + 4 + 1366),
        "revoke_and_ack" => Some(2 + 32 + 32 + 33),
        _ => None,
    }
}

fn why_left(t: &TestVector) -> Option<&'static str> {
    match (t.op.ends_with(".encode"), t.result) {
        (_, Verdict::Acceptable) => {
            Some("acceptable (the draft leaves it open): `valid` cannot say")
        }
        (true, Verdict::Invalid) => Some("a writer's refusal: no bytes to read"),
        _ => None,
    }
}

fn message_case(name: &str, f: &VectorFile, t: &TestVector, message: &str) -> Result<J, String> {
    let h = if t.op.ends_with(".encode") {
        t.expected
            .view
            .as_ref()
            .and_then(|v| v.get("hex"))
            .and_then(|v| v.as_str())
            .ok_or_else(|| format!("{name}: test {}: expected.view.hex is missing", t.id))?
    } else {
        input_str(name, t, "hex")?
    };
    let bytes = unhex(name, t, "hex", h)?;
    let valid = t.result == Verdict::Valid;
    let mut d = description(f, t);
    if t.op.ends_with(".encode") {
        d = format!("Written by the {message} writer: {d}");
    }
    let mut e = obj(vec![
        ("description", s(d)),
        ("valid", J::Bool(valid)),
        ("message", s(message)),
        ("hex", s(h)),
    ]);
    if valid {
        let fixed = fixed_len(message).unwrap_or(0);
        let tail = bytes
            .get(fixed..)
            .ok_or_else(|| format!("{name}: test {}: shorter than {fixed} bytes", t.id))?;
        e.push(
            "fields",
            fields(tail).map_err(|m| format!("{name}: test {}: {m}", t.id))?,
        );
    }
    Ok(e)
}

fn feature_case(name: &str, f: &VectorFile, t: &TestVector) -> Result<J, String> {
    let valid = t.result == Verdict::Valid;
    let mut e = obj(vec![
        ("description", s(description(f, t))),
        ("valid", J::Bool(valid)),
        ("context", s(input_str(name, t, "context")?)),
        ("features", s(input_str(name, t, "hex")?)),
    ]);
    if valid {
        let bits = t
            .expected
            .view
            .as_ref()
            .and_then(|v| v.get("bits"))
            .and_then(|v| v.as_array())
            .ok_or_else(|| format!("{name}: test {}: expected.view.bits is missing", t.id))?;
        e.push(
            "bits",
            J::Arr(bits.iter().filter_map(|b| b.as_u64()).map(J::Num).collect()),
        );
    }
    Ok(e)
}

/// Add the three files to `out`.
pub fn export(
    name: &str,
    f: &VectorFile,
    out: &mut Vec<ExportedFile>,
    left: &mut Vec<LeftOut>,
) -> Result<(), String> {
    let mut uah = Vec::new();
    let mut raa = Vec::new();
    let mut feat = Vec::new();
    for t in &f.tests {
        if let Some(why) = why_left(t) {
            left.push(LeftOut {
                vector: format!("{}/{}", f.area, t.id),
                why: why.into(),
            });
            continue;
        }
        match t.op.split('.').next().unwrap_or("") {
            "update_add_htlc" => uah.push(message_case(name, f, t, "update_add_htlc")?),
            "revoke_and_ack" => raa.push(message_case(name, f, t, "revoke_and_ack")?),
            "features" => feat.push(feature_case(name, f, t)?),
            _ => left.push(LeftOut {
                vector: format!("{}/{}", f.area, t.id),
                why: format!("`{}` has no shape here", t.op),
            }),
        }
    }
    for (path, cases, shape) in [
        (UPDATE_ADD_HTLC, uah, "message cases"),
        (REVOKE_AND_ACK, raa, "message cases"),
        (FEATURES, feat, "feature cases"),
    ] {
        out.push(ExportedFile {
            path: path.into(),
            cases: cases.len(),
            text: J::Arr(cases).text(),
            shape,
        });
    }
    Ok(())
}
