//! The messages of the process protocol (`PROTOCOL.md`, `schema/`): the
//! handshake an implementation writes first, the requests the harness
//! writes, and the responses it reads back.
//!
//! Parsing is strict and total: every line either becomes a message or a
//! [`FaultKind`] naming what was wrong with it.

use crate::fault::FaultKind;
use asyncpay_adapter::{Operation, Outcome, Profile, ReasonClass, Rejection};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The protocol version this harness speaks.
pub const PROTOCOL_VERSION: u64 = 1;

/// The op names an implementation may declare (the vector files' `op`).
pub const OPS: &[&str] = &[
    "offer.decode",
    "static_invoice.decode",
    "invoice_request.decode",
    "static_invoice.encode",
    "update_add_htlc.decode",
    "update_add_htlc.encode",
    "revoke_and_ack.decode",
    "revoke_and_ack.encode",
    "features.check",
    "blinded_path.build",
    "blinded_path.unblind",
    "onion_message.build",
    "onion_message.peel",
    "scenario.run",
    "payment_payload.decode",
];

/// The first line an implementation writes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handshake {
    /// The protocol version; must be [`PROTOCOL_VERSION`].
    pub asyncpay_protocol: u64,
    /// The library under test.
    pub implementation: Implementation,
    /// The ops it performs; the harness answers the others unsupported.
    pub ops: Vec<String>,
    /// The profiles whose numbers it uses of its own accord.
    pub native_profiles: Vec<String>,
    /// Per op, dotted paths of view fields it cannot observe.
    #[serde(default)]
    pub unobservable: BTreeMap<String, Vec<String>>,
    /// Per op, TLV types it knows beyond the profile's (see
    /// `Adapter::known_types`).
    #[serde(default)]
    pub known_types: BTreeMap<String, Vec<u64>>,
}

/// The library under test, as it names itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Implementation {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
}

impl Handshake {
    /// Parse the first line. A line that is not a JSON object carrying
    /// `asyncpay_protocol` is [`FaultKind::BytesBeforeHandshake`]; one that
    /// is, but has another version or shape, is [`FaultKind::BadHandshake`].
    pub fn parse(line: &[u8]) -> Result<Handshake, (FaultKind, String)> {
        let value: Value = match serde_json::from_slice(line) {
            Ok(v @ Value::Object(_)) => v,
            _ => {
                return Err((
                    FaultKind::BytesBeforeHandshake,
                    format!("the first line is not a handshake: {}", excerpt(line)),
                ))
            }
        };
        if value.get("asyncpay_protocol").is_none() {
            return Err((
                FaultKind::BytesBeforeHandshake,
                format!("the first line has no asyncpay_protocol: {}", excerpt(line)),
            ));
        }
        let hs: Handshake = serde_json::from_value(value)
            .map_err(|e| (FaultKind::BadHandshake, format!("handshake: {e}")))?;
        if hs.asyncpay_protocol != PROTOCOL_VERSION {
            return Err((
                FaultKind::BadHandshake,
                format!(
                    "protocol version {} (this harness speaks {PROTOCOL_VERSION})",
                    hs.asyncpay_protocol
                ),
            ));
        }
        if hs.implementation.name.is_empty() {
            return Err((FaultKind::BadHandshake, "empty implementation name".into()));
        }
        if let Some(op) = hs.ops.iter().find(|op| !OPS.contains(&op.as_str())) {
            return Err((FaultKind::BadHandshake, format!("unknown op {op:?}")));
        }
        let named = (hs.unobservable.keys().map(|op| ("unobservable", op)))
            .chain(hs.known_types.keys().map(|op| ("known_types", op)));
        if let Some((field, op)) = named
            .into_iter()
            .find(|(_, op)| !OPS.contains(&op.as_str()))
        {
            return Err((
                FaultKind::BadHandshake,
                format!("{field} names an unknown op {op:?}"),
            ));
        }
        Ok(hs)
    }
}

/// One request line, newline included: `{"id", "op", "input", "profile"}`,
/// with the profile already serialised (it is the same for many requests).
pub fn request_line(id: u64, op: &Operation, profile_json: &str) -> Result<Vec<u8>, String> {
    let op =
        serde_json::to_string(op).map_err(|e| format!("the operation did not serialise: {e}"))?;
    // `op` is `{"op":...,"input":...}`: open it to add the other members.
    let body = op
        .strip_prefix('{')
        .and_then(|b| b.strip_suffix('}'))
        .ok_or("an operation did not serialise as an object")?;
    let mut line = format!("{{\"id\":{id},{body},\"profile\":{profile_json}}}\n").into_bytes();
    line.shrink_to_fit();
    Ok(line)
}

/// A profile as requests carry it.
pub fn profile_json(profile: &Profile) -> Result<String, String> {
    serde_json::to_string(profile).map_err(|e| format!("profile: {e}"))
}

/// A response line, split into its id and the rest. The id is read first so
/// that a body that breaks the schema can still be charged to its request.
#[derive(Debug)]
pub struct ResponseLine {
    /// The request it answers.
    pub id: u64,
    /// The other members.
    pub body: Map<String, Value>,
}

impl ResponseLine {
    /// Parse a line: not JSON is [`FaultKind::NotJson`]; an object with no
    /// unsigned integer `id` is [`FaultKind::MissingId`].
    pub fn parse(line: &[u8]) -> Result<ResponseLine, (FaultKind, String)> {
        let mut body = match serde_json::from_slice::<Value>(line) {
            Ok(Value::Object(m)) => m,
            Ok(_) => {
                return Err((
                    FaultKind::MissingId,
                    format!("a response that is not an object: {}", excerpt(line)),
                ))
            }
            Err(e) => return Err((FaultKind::NotJson, format!("{e}: {}", excerpt(line)))),
        };
        match body.remove("id").as_ref().and_then(Value::as_u64) {
            Some(id) => Ok(ResponseLine { id, body }),
            None => Err((
                FaultKind::MissingId,
                format!(
                    "a response without an unsigned integer id: {}",
                    excerpt(line)
                ),
            )),
        }
    }

    /// The outcome, or why the body does not match `response.schema.json`.
    pub fn outcome(mut self) -> Result<Outcome, String> {
        let kind = match self.body.remove("outcome") {
            Some(Value::String(s)) => s,
            Some(other) => return Err(format!("outcome is not a string: {other}")),
            None => return Err("no outcome".into()),
        };
        let allowed: &[&str] = match kind.as_str() {
            "accepted" => &["view"],
            "rejected" => &["reason", "detail"],
            "unsupported" => &["reason"],
            other => return Err(format!("unknown outcome {other:?}")),
        };
        if let Some(k) = self.body.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(format!("unexpected member {k:?} in a {kind} response"));
        }
        match kind.as_str() {
            "accepted" => match self.body.remove("view") {
                Some(view) => Ok(Outcome::Accepted { view }),
                None => Err("an accepted response without a view".into()),
            },
            "rejected" => {
                let reason = self
                    .body
                    .remove("reason")
                    .ok_or("a rejection without a reason")?;
                let reason: ReasonClass = serde_json::from_value(reason.clone())
                    .map_err(|_| format!("unknown reason class {reason}"))?;
                let detail = match self.body.remove("detail") {
                    None => String::new(),
                    Some(Value::String(s)) => s,
                    Some(other) => return Err(format!("detail is not a string: {other}")),
                };
                Ok(Outcome::Rejected(Rejection::new(reason, detail)))
            }
            _ => match self.body.remove("reason") {
                Some(Value::String(reason)) => Ok(Outcome::Unsupported { reason }),
                _ => Err("an unsupported response without a reason string".into()),
            },
        }
    }
}

/// The start of a line, for a fault message: at most 200 bytes, lossily
/// decoded.
pub fn excerpt(line: &[u8]) -> String {
    let cut = &line[..line.len().min(200)];
    let mut s = String::from_utf8_lossy(cut).into_owned();
    if line.len() > cut.len() {
        s.push_str(&format!("... ({} bytes)", line.len()));
    }
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_one_json_object_on_one_line() {
        let op = Operation::DecodeUpdateAddHtlc(asyncpay_adapter::HexInput { hex: "0080".into() });
        let line = request_line(9, &op, r#"{"name":"p"}"#).unwrap();
        assert_eq!(line.last(), Some(&b'\n'));
        let v: Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"id": 9, "op": "update_add_htlc.decode", "input": {"hex": "0080"}, "profile": {"name": "p"}})
        );
    }

    #[test]
    fn a_response_is_split_and_checked() {
        let r =
            ResponseLine::parse(br#"{"id":3,"outcome":"rejected","reason":"tlv_out_of_order"}"#)
                .unwrap();
        assert_eq!(r.id, 3);
        assert!(
            matches!(r.outcome(), Ok(Outcome::Rejected(x)) if x.reason == ReasonClass::TlvOutOfOrder)
        );
        let r = ResponseLine::parse(br#"{"id":4,"outcome":"accepted"}"#).unwrap();
        assert!(r.outcome().is_err());
        let r =
            ResponseLine::parse(br#"{"id":4,"outcome":"rejected","reason":"no_such"}"#).unwrap();
        assert!(r.outcome().is_err());
        let r = ResponseLine::parse(br#"{"id":4,"outcome":"accepted","view":{},"x":1}"#).unwrap();
        assert!(r.outcome().is_err());
        assert_eq!(
            ResponseLine::parse(b"nope").unwrap_err().0,
            FaultKind::NotJson
        );
        assert_eq!(
            ResponseLine::parse(br#"{"id":-1,"outcome":"accepted","view":1}"#)
                .unwrap_err()
                .0,
            FaultKind::MissingId
        );
    }

    #[test]
    fn a_handshake_is_told_from_stray_bytes() {
        let ok = br#"{"asyncpay_protocol":1,"implementation":{"name":"x","version":"1"},"ops":["features.check"],"native_profiles":[]}"#;
        assert!(Handshake::parse(ok).is_ok());
        assert_eq!(
            Handshake::parse(b"hello").unwrap_err().0,
            FaultKind::BytesBeforeHandshake
        );
        let v2 = br#"{"asyncpay_protocol":2,"implementation":{"name":"x","version":"1"},"ops":[],"native_profiles":[]}"#;
        assert_eq!(Handshake::parse(v2).unwrap_err().0, FaultKind::BadHandshake);
        let bad_op = br#"{"asyncpay_protocol":1,"implementation":{"name":"x","version":"1"},"ops":["x.y"],"native_profiles":[]}"#;
        assert_eq!(
            Handshake::parse(bad_op).unwrap_err().0,
            FaultKind::BadHandshake
        );
    }

    /// The schema files and this module name the same ops and reasons.
    #[test]
    fn the_schemas_agree_with_the_types() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
        let read = |f: &str| -> Value {
            serde_json::from_str(&std::fs::read_to_string(dir.join(f)).unwrap()).unwrap()
        };
        let hs = read("handshake.schema.json");
        let ops: Vec<&str> = hs["properties"]["ops"]["items"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(ops, OPS);
        let resp = read("response.schema.json");
        let reasons = resp["oneOf"][1]["properties"]["reason"]["enum"]
            .as_array()
            .unwrap();
        for r in reasons {
            assert!(
                serde_json::from_value::<ReasonClass>(r.clone()).is_ok(),
                "the schema names a reason the types do not know: {r}"
            );
        }
        let in_source = include_str!("../../api/src/reason.rs")
            .lines()
            .filter(|l| {
                let t = l.trim();
                t.ends_with(',') && t.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            })
            .count();
        assert_eq!(
            reasons.len(),
            in_source,
            "every ReasonClass variant is in the schema"
        );
    }
}
