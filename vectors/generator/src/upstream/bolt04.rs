//! BOLT 4 upstream vectors: `route-blinding-test.json` and
//! `blinded-onion-message-onion-test.json` (vendored unchanged under
//! `vectors/upstream/bolt04/`).
//!
//! Every intermediate value (path keys and their private keys, shared
//! secrets, blinding factors, `rho`, blinded node ids, encrypted data, the
//! final route, the onion message packet) and every decryption step is its
//! own case. Each writer-side case checks both the reference model and the
//! recipes' own calculator ([`crate::recipes::reply_paths::calc`]), so the
//! code that produces the suite's generated expectations is anchored here too.

use super::{load_json, UpstreamCase};
use crate::recipes::reply_paths::calc;
use asyncpay_adapter::blinding::{BlindedPathView, BuildBlindedPath, PathHopInput, UnblindHop};
use asyncpay_adapter::onion::{BuildOnionMessage, PeelOnionMessage, RawTlv};
use asyncpay_adapter::Profile;
use asyncpay_reference::{blinding, onion_message, sphinx, tlv};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

const RB: &str = "bolt04/route-blinding-test.json";
const OM: &str = "bolt04/blinded-onion-message-onion-test.json";

/// Named hex values of one hop.
type Named = Vec<(String, String)>;

type Check = Box<dyn Fn() -> Result<(), String> + Send + Sync>;

fn case(file: &'static str, name: String, check: Check) -> UpstreamCase {
    UpstreamCase { file, name, check }
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn eq(what: &str, got: &str, want: &str) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got}, want {want}"))
    }
}

/// The `encrypted_data_tlv` type of the release context in the draft
/// profile (the suite's choice: the draft assigns none), and its name in
/// an upstream-shaped `tlvs` object.
pub const RELEASE_CONTEXT_TYPE: u64 = 16;
/// See [`RELEASE_CONTEXT_TYPE`].
pub const RELEASE_CONTEXT_NAME: &str = "release_held_htlc";

/// `onionmsg_tlv` records by name, as an upstream-shaped `onionmessage`
/// object or final `tlvs` object names them (72 and 74 are the draft
/// profile's choice).
const ONIONMSG_NAMES: &[(&str, u64)] = &[
    ("reply_path", 2),
    ("encrypted_recipient_data", 4),
    ("invoice_request", 64),
    ("invoice", 66),
    ("invoice_error", 68),
    ("static_invoice", 70),
    ("held_htlc_available", 72),
    ("release_held_htlc", 74),
];

/// The name of an `onionmsg_tlv` type: its field's, or `unknown_tag_<n>`.
pub fn onionmsg_name(t: u64) -> String {
    ONIONMSG_NAMES
        .iter()
        .find(|(_, n)| *n == t)
        .map(|(k, _)| k.to_string())
        .unwrap_or_else(|| format!("unknown_tag_{t}"))
}

/// The type of a named `onionmsg_tlv` record (see [`onionmsg_name`]).
pub fn onionmsg_type(name: &str) -> Option<u64> {
    ONIONMSG_NAMES
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, n)| *n)
        .or_else(|| name.strip_prefix("unknown_tag_")?.parse().ok())
}

/// The records of an upstream-shaped object (`onionmessage`, or a final
/// hop's `tlvs`), every key but `comment` and `onion_message_packet`.
pub fn named_records(v: &Value) -> Result<Vec<(u64, Vec<u8>)>, String> {
    let obj = v.as_object().ok_or("not an object")?;
    let mut out = Vec::new();
    for (k, x) in obj {
        if k == "comment" || k == "onion_message_packet" {
            continue;
        }
        let t = onionmsg_type(k).ok_or_else(|| format!("no onionmsg_tlv record is named {k}"))?;
        out.push((t, hex::decode(s(x)).map_err(|e| format!("{k}: {e}"))?));
    }
    Ok(out)
}

/// A profile for the profile-independent upstream cases (the draft's numbers).
pub fn upstream_profile() -> Profile {
    serde_json::from_value(serde_json::json!({
        "name": "upstream", "description": "numbers for upstream vectors", "kind": "draft",
        "source": "lightning/bolts", "numbers": {
            "hold_htlc": 2, "release_paths": 0, "release_paths_format": "paths",
            "static_invoice_message_paths": 178, "payload_invoice_request": 1,
            "payload_sender_preimage": 5482373484u64, "onionmsg_static_invoice": 70,
            "onionmsg_held_htlc_available": 72, "onionmsg_release_held_htlc": 74,
            "encrypted_data_release_context": 16, "feature_htlc_hold": 52,
            "static_invoice_default_expiry": 1209600
        }
    }))
    .expect("the inline profile is well formed")
}

/// Encode an upstream `tlvs` object as an `encrypted_data_tlv` stream.
pub fn encode_tlvs(v: &Value) -> Result<Vec<u8>, String> {
    let obj = v.as_object().ok_or("tlvs is not an object")?;
    let mut recs: Vec<(u64, Vec<u8>)> = Vec::new();
    let hx = |x: &Value| hex::decode(s(x)).map_err(|e| e.to_string());
    for (k, x) in obj {
        let u = |f: &str| x[f].as_u64().unwrap_or(0);
        match k.as_str() {
            "padding" => recs.push((1, hx(x)?)),
            "short_channel_id" => {
                let p: Vec<u64> = s(x).split('x').map(|n| n.parse().unwrap_or(0)).collect();
                let scid = p.first().copied().unwrap_or(0) << 40
                    | p.get(1).copied().unwrap_or(0) << 16
                    | p.get(2).copied().unwrap_or(0);
                recs.push((2, scid.to_be_bytes().to_vec()));
            }
            "next_node_id" => recs.push((4, hx(x)?)),
            "path_id" => recs.push((6, hx(x)?)),
            "next_path_key_override" => recs.push((8, hx(x)?)),
            "payment_relay" => {
                let mut b = (u("cltv_expiry_delta") as u16).to_be_bytes().to_vec();
                b.extend((u("fee_proportional_millionths") as u32).to_be_bytes());
                b.extend(tlv::write_tu64(u("fee_base_msat")));
                recs.push((10, b));
            }
            "payment_constraints" => {
                let mut b = (u("max_cltv_expiry") as u32).to_be_bytes().to_vec();
                b.extend(tlv::write_tu64(u("htlc_minimum_msat")));
                recs.push((12, b));
            }
            "allowed_features" => {
                let bits: Vec<u64> = x["features"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_u64).collect())
                    .unwrap_or_default();
                let n = bits
                    .iter()
                    .max()
                    .map(|m| (*m as usize) / 8 + 1)
                    .unwrap_or(0);
                let mut f = vec![0u8; n];
                for b in bits {
                    f[n - 1 - (b as usize) / 8] |= 1 << (b % 8);
                }
                recs.push((14, f));
            }
            "path_key_override_secret" => {}
            RELEASE_CONTEXT_NAME => recs.push((RELEASE_CONTEXT_TYPE, hx(x)?)),
            other => {
                let t = other
                    .strip_prefix("unknown_tag_")
                    .and_then(|t| t.parse().ok())
                    .ok_or_else(|| format!("unknown tlvs key {other}"))?;
                recs.push((t, hx(x)?));
            }
        }
    }
    Ok(tlv::write_stream(&mut recs))
}

/// Writer-side values of every hop, from the reference (`ref`) and the
/// recipes' calculator (`calc`), as maps from the upstream field name to hex.
fn writer_values(
    hops: &[Value],
    segment_key: impl Fn(usize, &Value) -> Option<String>,
) -> Result<(Vec<Named>, Vec<Named>), String> {
    let mut segments: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, h) in hops.iter().enumerate() {
        match segment_key(i, h) {
            Some(k) => segments.push((k, vec![i])),
            None => segments
                .last_mut()
                .ok_or("first hop starts no segment")?
                .1
                .push(i),
        }
    }
    let mut by_ref = vec![Vec::new(); hops.len()];
    let mut by_calc = vec![Vec::new(); hops.len()];
    for (key, idx) in segments {
        let e0 = asyncpay_reference::crypto::secret_key(&key, "session").map_err(|e| e.detail)?;
        let mut input = Vec::new();
        for &i in &idx {
            let n = asyncpay_reference::crypto::public_key(&s(&hops[i]["node_id"]), "node_id")
                .map_err(|e| e.detail)?;
            input.push((n, encode_tlvs(&hops[i]["tlvs"])?));
        }
        let r = blinding::build_path(&e0, &input).map_err(|e| e.detail)?;
        let c = calc::blind(&e0, &input);
        for (j, &i) in idx.iter().enumerate() {
            let next_e = c
                .get(j + 1)
                .map(|x| hex::encode(x.e.secret_bytes()))
                .unwrap_or_else(|| {
                    // the chain's next private key, past the segment's end
                    let t = calc::sha256(&[&c[j].big_e.serialize(), &c[j].ss]);
                    let k = c[j]
                        .e
                        .mul_tweak(&secp256k1::Scalar::from_be_bytes(t).expect("in range"))
                        .expect("nonzero");
                    hex::encode(k.secret_bytes())
                });
            by_ref[i] = vec![
                (
                    "path_privkey".into(),
                    hex::encode(r[j].path_privkey.secret_bytes()),
                ),
                ("path_key".into(), calc::ph(&r[j].path_key)),
                ("shared_secret".into(), hex::encode(r[j].shared_secret)),
                (
                    "HMAC256('blinded_node_id', ss)".into(),
                    hex::encode(r[j].blinding_factor),
                ),
                ("rho".into(), hex::encode(r[j].rho)),
                ("blinded_node_id".into(), calc::ph(&r[j].blinded_node_id)),
                ("encrypted_data".into(), hex::encode(&r[j].encrypted_data)),
            ];
            by_calc[i] = vec![
                ("path_privkey".into(), hex::encode(c[j].e.secret_bytes())),
                ("path_key".into(), calc::ph(&c[j].big_e)),
                ("shared_secret".into(), hex::encode(c[j].ss)),
                (
                    "HMAC256('blinded_node_id', ss)".into(),
                    hex::encode(c[j].bf),
                ),
                ("H(E || ss)".into(), hex::encode(c[j].e_hash)),
                ("next_e".into(), next_e),
                ("rho".into(), hex::encode(c[j].rho)),
                ("blinded_node_id".into(), calc::ph(&c[j].blinded)),
                ("encrypted_data".into(), hex::encode(&c[j].enc)),
            ];
        }
    }
    Ok((by_ref, by_calc))
}

fn get<'a>(v: &'a [(String, String)], k: &str) -> Option<&'a str> {
    v.iter().find(|(n, _)| n == k).map(|(_, x)| x.as_str())
}

/// The generate-section cases of one file: `fields` maps the upstream
/// field name to the computed value's name.
fn generate_cases(
    out: &mut Vec<UpstreamCase>,
    file: &'static str,
    doc: Arc<Value>,
    fields: &'static [(&'static str, &'static str)],
    tlv_field: &'static str,
    segment_key: fn(usize, &Value, &[Value]) -> Option<String>,
) {
    let hops = doc["generate"]["hops"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (i, h) in hops.iter().enumerate() {
        let alias = s(&h["alias"]);
        let want = s(&h[tlv_field]);
        let tlvs = h["tlvs"].clone();
        out.push(case(
            file,
            format!("generate/{alias}/{tlv_field}"),
            Box::new(move || eq("encoded tlvs", &hex::encode(encode_tlvs(&tlvs)?), &want)),
        ));
        let want = s(&h[tlv_field]);
        let tlvs = h["tlvs"].clone();
        out.push(case(
            file,
            format!("generate/{alias}/decoded_tlvs"),
            Box::new(move || {
                let b = hex::decode(&want).map_err(|e| e.to_string())?;
                let d = blinding::parse_encrypted_data(&b, &[RELEASE_CONTEXT_TYPE])
                    .map_err(|e| e.detail)?;
                let o =
                    |x: Option<secp256k1::PublicKey>| x.map(|p| calc::ph(&p)).unwrap_or_default();
                eq(
                    "next_node_id",
                    &o(d.next_node_id),
                    &s(&tlvs["next_node_id"]),
                )?;
                eq(
                    "next_path_key_override",
                    &o(d.next_path_key_override),
                    &s(&tlvs["next_path_key_override"]),
                )?;
                eq(
                    "path_id",
                    &d.path_id.map(hex::encode).unwrap_or_default(),
                    &s(&tlvs["path_id"]),
                )?;
                let scid = d
                    .short_channel_id
                    .map(blinding::scid_string)
                    .unwrap_or_default();
                eq("short_channel_id", &scid, &s(&tlvs["short_channel_id"]))
            }),
        ));
        for (up, ours) in fields {
            if h.get(*up).is_none() {
                continue;
            }
            let doc = doc.clone();
            let want = s(&h[*up]);
            out.push(case(
                file,
                format!("generate/{alias}/{up}"),
                Box::new(move || {
                    let hops = doc["generate"]["hops"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    let (r, c) = writer_values(&hops, |j, x| segment_key(j, x, &hops))?;
                    let want = if *up == "next_e" {
                        want[..64.min(want.len())].to_string()
                    } else {
                        want.clone()
                    };
                    if let Some(got) = get(&r[i], ours) {
                        eq(&format!("reference {ours}"), got, &want)?;
                    }
                    let got = get(&c[i], ours).ok_or("calculator has no such value")?;
                    eq(&format!("calculator {ours}"), got, &want)
                }),
            ));
        }
    }
}

fn route_case(
    out: &mut Vec<UpstreamCase>,
    file: &'static str,
    doc: Arc<Value>,
    segment_key: fn(usize, &Value, &[Value]) -> Option<String>,
) {
    out.push(case(
        file,
        "route".into(),
        Box::new(move || {
            let hops = doc["generate"]["hops"].as_array().cloned().unwrap_or_default();
            // The reference's build op per segment, hop lists joined.
            let mut joined: Option<BlindedPathView> = None;
            let mut seg: Option<BuildBlindedPath> = None;
            let flush = |seg: &mut Option<BuildBlindedPath>, joined: &mut Option<BlindedPathView>| -> Result<(), String> {
                if let Some(b) = seg.take() {
                    let (v, _) = blinding::build(&b).map_err(|e| e.detail)?;
                    match joined {
                        None => *joined = Some(v),
                        Some(j) => j.hops.extend(v.hops),
                    }
                }
                Ok(())
            };
            for (i, h) in hops.iter().enumerate() {
                let hop = PathHopInput {
                    node_id: s(&h["node_id"]),
                    encrypted_data_tlvs: hex::encode(encode_tlvs(&h["tlvs"])?),
                };
                if let Some(k) = segment_key(i, h, &hops) {
                    flush(&mut seg, &mut joined)?;
                    seg = Some(BuildBlindedPath { session_key: k, hops: vec![hop] });
                } else if let Some(b) = seg.as_mut() {
                    b.hops.push(hop);
                }
            }
            flush(&mut seg, &mut joined)?;
            let got = serde_json::to_value(joined.ok_or("no hops")?).map_err(|e| e.to_string())?;
            let r = &doc["route"];
            let want = serde_json::json!({
                "first_node_id": r["first_node_id"], "first_path_key": r["first_path_key"],
                "hops": r["hops"].as_array().cloned().unwrap_or_default().iter().map(|x| serde_json::json!({
                    "blinded_node_id": x["blinded_node_id"],
                    "encrypted_recipient_data": x.get("encrypted_data").or(x.get("encrypted_recipient_data")).cloned().unwrap_or_default(),
                })).collect::<Vec<_>>(),
            });
            if got == want { Ok(()) } else { Err(format!("route: got {got}, want {want}")) }
        }),
    ));
}

fn node_id_of(h: &Value) -> Option<String> {
    h.get("node_id").map(s)
}

/// Every BOLT 4 upstream case under `root`.
pub fn cases(root: &Path) -> Vec<UpstreamCase> {
    let mut out = Vec::new();
    match load_json(root, RB) {
        Err(c) => out.push(c),
        Ok(doc) => route_blinding(&mut out, RB, Arc::new(doc)),
    }
    match load_json(root, OM) {
        Err(c) => out.push(c),
        Ok(doc) => onion_message_cases(&mut out, OM, Arc::new(doc)),
    }
    out
}

fn rb_segment(_i: usize, h: &Value, _all: &[Value]) -> Option<String> {
    h.get("session_key").map(s)
}

/// The cases of one document in the shape of `route-blinding-test.json`
/// (`file` names it in the cases).
pub fn route_blinding(out: &mut Vec<UpstreamCase>, file: &'static str, doc: Arc<Value>) {
    const FIELDS: &[(&str, &str)] = &[
        ("path_privkey", "path_privkey"),
        ("path_key", "path_key"),
        ("shared_secret", "shared_secret"),
        ("rho", "rho"),
        ("encrypted_data", "encrypted_data"),
        ("blinded_node_id", "blinded_node_id"),
    ];
    generate_cases(out, file, doc.clone(), FIELDS, "encoded_tlvs", rb_segment);
    route_case(out, file, doc.clone(), rb_segment);
    let route = doc["route"]["hops"].as_array().cloned().unwrap_or_default();
    for (i, h) in doc["unblind"]["hops"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let alias = s(&h["alias"]);
        let enc = route
            .get(i)
            .map(|r| s(&r["encrypted_data"]))
            .unwrap_or_default();
        for field in [
            "blinded_privkey",
            "decrypted_data",
            "next_path_key",
            "next_path_key_override",
        ] {
            if h.get(field).is_none() {
                continue;
            }
            let (h, enc) = (h.clone(), enc.clone());
            out.push(case(
                file,
                format!("unblind/{alias}/{field}"),
                Box::new(move || {
                    let k = asyncpay_reference::crypto::secret_key(&s(&h["node_privkey"]), "k")
                        .map_err(|e| e.detail)?;
                    let e = asyncpay_reference::crypto::public_key(&s(&h["path_key"]), "E")
                        .map_err(|e| e.detail)?;
                    let data = hex::decode(&enc).map_err(|e| e.to_string())?;
                    let u = blinding::unblind(&k, &e, &data).map_err(|e| e.detail)?;
                    let (_, cb, _, cnext) = calc::reader(&k, &e);
                    let want = s(&h[field]);
                    match field {
                        "blinded_privkey" => {
                            eq(
                                "reference",
                                &hex::encode(u.blinded_privkey.secret_bytes()),
                                &want,
                            )?;
                            eq("calculator", &hex::encode(cb.secret_bytes()), &want)
                        }
                        "decrypted_data" => eq("reference", &hex::encode(&u.plaintext), &want),
                        "next_path_key" => {
                            eq("reference", &calc::ph(&u.computed_next_path_key), &want)?;
                            eq("calculator", &calc::ph(&cnext), &want)
                        }
                        _ => {
                            // blinded_path.unblind forwards the override.
                            let v = blinding::unblind_view(
                                &UnblindHop {
                                    node_secret: s(&h["node_privkey"]),
                                    path_key: s(&h["path_key"]),
                                    encrypted_recipient_data: enc.clone(),
                                },
                                &upstream_profile(),
                            )
                            .map_err(|e| e.detail)?;
                            eq(
                                "override",
                                v.next_path_key_override.as_deref().unwrap_or(""),
                                &want,
                            )?;
                            eq("next_path_key (op)", &v.next_path_key, &want)
                        }
                    }
                }),
            ));
        }
    }
}

fn om_segment(i: usize, _h: &Value, all: &[Value]) -> Option<String> {
    let starts = i == 0 || all[i - 1]["tlvs"].get("next_path_key_override").is_some();
    starts.then(|| s(&all[i]["path_key_secret"]))
}

/// The cases of one document in the shape of
/// `blinded-onion-message-onion-test.json` (`file` names it in the cases).
/// The final node's records are the `onionmessage` object's (by name, see
/// [`onionmsg_name`]); a decrypt hop may give the `release_auth_key` its
/// node checks a release context with.
pub fn onion_message_cases(out: &mut Vec<UpstreamCase>, file: &'static str, doc: Arc<Value>) {
    const FIELDS: &[(&str, &str)] = &[
        ("path_key_secret", "path_privkey"),
        ("E", "path_key"),
        ("ss", "shared_secret"),
        (
            "HMAC256('blinded_node_id', ss)",
            "HMAC256('blinded_node_id', ss)",
        ),
        ("H(E || ss)", "H(E || ss)"),
        ("next_e", "next_e"),
        ("rho", "rho"),
        ("blinded_node_id", "blinded_node_id"),
        ("encrypted_recipient_data", "encrypted_data"),
    ];
    // The generate hops name their node by the tlvs of the hop before, so
    // give each its node id from the decrypt section.
    let mut d = (*doc).clone();
    let dec = doc["decrypt"]["hops"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if let Some(hops) = d["generate"]["hops"].as_array_mut() {
        for (i, h) in hops.iter_mut().enumerate() {
            let id = dec
                .get(i)
                .and_then(|x| x["privkey"].as_str())
                .and_then(|k| asyncpay_reference::crypto::secret_key(k, "k").ok())
                .map(|k| calc::ph(&calc::pk(&k)));
            h["node_id"] = Value::from(id.unwrap_or_default());
        }
    }
    let doc = Arc::new(d);
    debug_assert!(doc["generate"]["hops"]
        .as_array()
        .map(|h| h.iter().all(|x| node_id_of(x).is_some()))
        .unwrap_or(true));
    generate_cases(
        out,
        file,
        doc.clone(),
        FIELDS,
        "encrypted_data_tlv",
        om_segment,
    );
    route_case(out, file, doc.clone(), om_segment);

    // The packet: the reference's build op, and the calculator.
    let d2 = doc.clone();
    out.push(case(
        file,
        "onionmessage/packet".into(),
        Box::new(move || {
            let doc = &d2;
            let mut route = doc["route"].clone();
            if let Some(o) = route.as_object_mut() {
                o.remove("comment");
            }
            let path: BlindedPathView = serde_json::from_value(route).map_err(|e| e.to_string())?;
            let records = named_records(&doc["onionmessage"])?;
            let want_packet = s(&doc["onionmessage"]["onion_message_packet"]);
            let want_msg = s(&doc["decrypt"]["hops"][0]["onion_message"]);
            let len = (want_packet.len() / 2)
                .checked_sub(66)
                .ok_or("onion_message_packet too short")?;
            let input = BuildOnionMessage {
                session_key: s(&doc["generate"]["session_key"]),
                path: path.clone(),
                content: None,
                reply_path: None,
                extra_tlvs: records
                    .iter()
                    .map(|(t, v)| RawTlv {
                        tlv_type: *t,
                        value: hex::encode(v),
                    })
                    .collect(),
                intermediate_tlvs: vec![],
                payloads_len: Some(len as u32),
            };
            let v = onion_message::build(&input, &upstream_profile()).map_err(|e| e.detail)?;
            eq("reference onion_message", &v.onion_message, &want_msg)?;
            eq(
                "reference first_node_id",
                &v.first_node_id,
                &s(&doc["route"]["first_node_id"]),
            )?;
            let session = asyncpay_reference::crypto::secret_key(&input.session_key, "session_key")
                .map_err(|e| e.detail)?;
            let mut ids = Vec::new();
            let mut payloads = Vec::new();
            for (i, h) in path.hops.iter().enumerate() {
                ids.push(
                    asyncpay_reference::crypto::public_key(&h.blinded_node_id, "B")
                        .map_err(|e| e.detail)?,
                );
                let enc = hex::decode(&h.encrypted_recipient_data).map_err(|e| e.to_string())?;
                let mut recs = vec![(4, enc)];
                if i + 1 == path.hops.len() {
                    recs.extend(records.iter().cloned());
                }
                payloads.push(tlv::write_stream(&mut recs));
            }
            let (packet, _) = calc::sphinx(&session, &ids, &payloads, len);
            eq("calculator packet", &hex::encode(&packet), &want_packet)?;
            let e = asyncpay_reference::crypto::public_key(&path.first_path_key, "E")
                .map_err(|e| e.detail)?;
            eq(
                "calculator onion_message",
                &hex::encode(calc::onion_message(&e, &packet)),
                &want_msg,
            )
        }),
    ));

    for (i, h) in dec.iter().enumerate() {
        let alias = s(&h["alias"]);
        let next = dec.get(i + 1).map(|x| s(&x["onion_message"]));
        let h = h.clone();
        let r = doc["route"]["hops"][i].clone();
        out.push(case(
            file,
            format!("decrypt/{alias}"),
            Box::new(move || {
                let input = PeelOnionMessage {
                    node_secret: s(&h["privkey"]),
                    onion_message: s(&h["onion_message"]),
                    release_auth_key: h.get("release_auth_key").map(s),
                    counterparty_secret: None,
                    held_release_secrets: vec![],
                };
                let v = onion_message::peel(&input, &upstream_profile()).map_err(|e| e.detail)?;
                match (&next, v.forward, v.receive) {
                    (Some(n), Some(f), None) => {
                        eq(
                            "next_node_id",
                            f.next_node_id.as_deref().unwrap_or(""),
                            &s(&h["next_node_id"]),
                        )?;
                        eq("forwarded onion_message", &f.onion_message, n)
                    }
                    (None, None, Some(rcv)) => {
                        let _ = rcv;
                        // The raw payload, through the Sphinx layer alone.
                        let msg = hex::decode(s(&h["onion_message"])).map_err(|e| e.to_string())?;
                        let (pk, packet) =
                            onion_message::decode_message(&msg).map_err(|e| e.detail)?;
                        let k = asyncpay_reference::crypto::secret_key(&s(&h["privkey"]), "k")
                            .map_err(|e| e.detail)?;
                        let (_, b) = blinding::hop_keys(&k, &pk).map_err(|e| e.detail)?;
                        let p = sphinx::peel(&packet, &b, &[], 0).map_err(|e| e.detail)?;
                        // Every record of the final payload, as the hop's `tlvs` names them.
                        let mut want = named_records(&h["tlvs"])?;
                        eq(
                            "final payload",
                            &hex::encode(&p.payload),
                            &hex::encode(tlv::write_stream(&mut want)),
                        )?;
                        eq(
                            "route encrypted_recipient_data",
                            &s(&r["encrypted_recipient_data"]),
                            &s(&h["tlvs"]["encrypted_recipient_data"]),
                        )
                    }
                    _ => Err("peeled to the wrong kind of result".into()),
                }
            }),
        ));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_bolt04_upstream_case_passes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../upstream");
        let cases = super::cases(&root);
        assert!(cases.len() >= 90, "only {} cases", cases.len());
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|c| {
                (c.check)()
                    .err()
                    .map(|e| format!("{}::{}: {e}", c.file, c.name))
            })
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
