//! The small shapes `asyncpay vectors export --format bolts` writes for
//! messages and feature vectors, in the style of `offers-test.json`
//! (see [`crate::export::messages`]): each entry is read by the reference
//! under the draft's numbers ([`super::bolt04::upstream_profile`]); an
//! invalid entry must be refused, a valid one accepted with the same TLV
//! extension `fields` (messages) or the same set `bits` (features).
//! Case names are `<message>/<index>-<slug>`.

use super::bolt04::upstream_profile;
use super::{load_json, UpstreamCase};
use asyncpay_adapter::{Adapter, Operation, Outcome};
use asyncpay_reference::{tlv, ReferenceAdapter};
use serde_json::{json, Value};
use std::path::Path;

fn text(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or("").to_string()
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().take(48) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Run `op` on the reference: the view if accepted, `Err` with why if not.
fn run(op: Value) -> Result<Result<Value, String>, String> {
    let op: Operation = serde_json::from_value(op).map_err(|e| e.to_string())?;
    Ok(match ReferenceAdapter.execute(&op, &upstream_profile()) {
        Outcome::Accepted { view } => Ok(view),
        Outcome::Rejected(r) => Err(format!("{r:?}")),
        Outcome::Unsupported { reason } => return Err(format!("unsupported: {reason}")),
    })
}

fn verdict(e: &Value, got: Result<Value, String>) -> Result<Option<Value>, String> {
    let valid = e
        .get("valid")
        .and_then(Value::as_bool)
        .ok_or("no 'valid'")?;
    match (valid, got) {
        (false, Ok(_)) => Err("an invalid entry was accepted".into()),
        (false, Err(_)) => Ok(None),
        (true, Err(r)) => Err(format!("a valid entry was refused: {r}")),
        (true, Ok(v)) => Ok(Some(v)),
    }
}

fn check_message(e: &Value) -> Result<(), String> {
    let message = text(e, "message");
    let fixed = crate::export::messages::fixed_len(&message)
        .ok_or_else(|| format!("unknown message {message:?}"))?;
    let h = text(e, "hex");
    let got = run(json!({"op": format!("{message}.decode"), "input": {"hex": h}}))?;
    if verdict(e, got)?.is_none() {
        return Ok(());
    }
    let bytes = hex::decode(&h).map_err(|e| e.to_string())?;
    let tail = bytes
        .get(fixed..)
        .ok_or("shorter than the message's fixed part")?;
    let st = tlv::parse(tail).map_err(|e| e.to_string())?;
    let have: Vec<Value> = st
        .records
        .iter()
        .map(|r| json!({"type": r.tlv_type, "length": r.value.len(), "hex": hex::encode(r.value)}))
        .collect();
    let want = e.get("fields").cloned().unwrap_or(Value::Null);
    if Value::Array(have.clone()) != want {
        return Err(format!("fields differ: have {have:?}, want {want}"));
    }
    Ok(())
}

fn check_features(e: &Value) -> Result<(), String> {
    let got = run(json!({"op": "features.check", "input": {
        "context": text(e, "context"), "hex": text(e, "features")}}))?;
    match verdict(e, got)? {
        None => Ok(()),
        Some(view) if view.get("bits") == e.get("bits") => Ok(()),
        Some(view) => Err(format!(
            "bits differ: have {}, want {}",
            view.get("bits").unwrap_or(&Value::Null),
            e.get("bits").unwrap_or(&Value::Null)
        )),
    }
}

fn cases_of(
    root: &Path,
    file: &'static str,
    kind: fn(&Value) -> String,
    check: fn(&Value) -> Result<(), String>,
) -> Vec<UpstreamCase> {
    let json = match load_json(root, file) {
        Ok(j) => j,
        Err(c) => return vec![c],
    };
    json.as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, e)| UpstreamCase {
            file,
            name: format!("{}/{i:02}-{}", kind(&e), slug(&text(&e, "description"))),
            check: Box::new(move || check(&e)),
        })
        .collect()
}

/// The cases of a message file (`update_add_htlc` or `revoke_and_ack`).
pub fn message_cases(root: &Path, file: &'static str) -> Vec<UpstreamCase> {
    cases_of(root, file, |e| text(e, "message"), check_message)
}

/// The cases of a feature-vector file.
pub fn feature_cases(root: &Path, file: &'static str) -> Vec<UpstreamCase> {
    cases_of(root, file, |_| "features".into(), check_features)
}
