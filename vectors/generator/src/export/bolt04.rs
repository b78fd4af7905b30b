//! The release reply paths in the shape of the bolts repository's
//! `bolt04/route-blinding-test.json`, and the `held_htlc_available` /
//! `release_held_htlc` onion messages in the shape of
//! `bolt04/blinded-onion-message-onion-test.json`, one document per path
//! and per message, with every intermediate value.
//!
//! Values are computed with the recipes' own calculator
//! ([`crate::recipes::reply_paths::calc`]) from the suite vectors' inputs,
//! and checked against the vectors' expected views: a vector the
//! calculator does not reproduce is an error, never a silent difference.

use super::json::{obj, s, J};
use super::{input_str, tag, ExportedFile, LeftOut};
use crate::recipes::reply_paths::calc;
use crate::upstream::bolt04::{onionmsg_name, RELEASE_CONTEXT_NAME, RELEASE_CONTEXT_TYPE};
use asyncpay_harness::vectors::{TestVector, VectorFile};
use asyncpay_reference::{blinding, crypto, tlv};
use secp256k1::{PublicKey, Scalar, SecretKey};

/// The release reply paths exported: (build vector id, file).
pub const PATHS: &[(&str, &str)] = &[
    (
        "build-one-hop",
        "bolt04/release-reply-path-one-hop-test.json",
    ),
    (
        "build-three-hops",
        "bolt04/release-reply-path-three-hops-test.json",
    ),
    (
        "build-dummy-hops",
        "bolt04/release-reply-path-dummy-hops-test.json",
    ),
];

/// The onion messages exported: (build vector id, file).
pub const MESSAGES: &[(&str, &str)] = &[
    (
        "build-held-htlc-available",
        "bolt04/held-htlc-available-onion-message-test.json",
    ),
    (
        "build-held-htlc-available-second",
        "bolt04/held-htlc-available-second-onion-message-test.json",
    ),
    (
        "build-release-three-hops",
        "bolt04/release-held-htlc-three-hops-onion-message-test.json",
    ),
    (
        "build-release-one-hop",
        "bolt04/release-held-htlc-one-hop-onion-message-test.json",
    ),
    (
        "build-release-dummy-hops",
        "bolt04/release-held-htlc-dummy-hops-onion-message-test.json",
    ),
];

type Res<T> = Result<T, String>;

fn find<'a>(name: &str, f: &'a VectorFile, id: &str) -> Res<&'a TestVector> {
    f.tests
        .iter()
        .find(|t| t.id == id)
        .ok_or_else(|| format!("{name}: no test {id}"))
}

fn str_at<'a>(name: &str, t: &TestVector, v: &'a serde_json::Value, place: &str) -> Res<&'a str> {
    place
        .split('.')
        .try_fold(v, |v, k| match k.parse::<usize>() {
            Ok(i) => v.get(i),
            Err(_) => v.get(k),
        })
        .and_then(|v| v.as_str())
        .ok_or_else(|| format!("{name}: test {}: {place} is missing", t.id))
}

fn sk(name: &str, t: &TestVector, h: &str, place: &str) -> Res<SecretKey> {
    crypto::secret_key(h, place).map_err(|e| format!("{name}: test {}: {}", t.id, e.detail))
}

fn pk(name: &str, t: &TestVector, h: &str, place: &str) -> Res<PublicKey> {
    crypto::public_key(h, place).map_err(|e| format!("{name}: test {}: {}", t.id, e.detail))
}

fn bytes(name: &str, t: &TestVector, h: &str, place: &str) -> Res<Vec<u8>> {
    hex::decode(h).map_err(|e| format!("{name}: test {}: {place}: {e}", t.id))
}

fn same(name: &str, t: &TestVector, what: &str, have: &str, want: &str) -> Res<()> {
    if have == want {
        Ok(())
    } else {
        Err(format!(
            "{name}: test {}: {what}: the calculator gives {have}, the vector {want}",
            t.id
        ))
    }
}

fn be(v: &[u8]) -> u64 {
    v.iter().fold(0, |a, b| a << 8 | u64::from(*b))
}

/// An `encrypted_data_tlv` stream as the upstream `tlvs` object: BOLT 4's
/// names, `release_held_htlc` for the suite's release context (type 16),
/// `unknown_tag_<n>` for the rest.
pub fn tlvs_object(plain: &[u8]) -> Res<J> {
    let st = tlv::parse(plain).map_err(|e| format!("encrypted_data_tlv: {e}"))?;
    let mut kv = Vec::new();
    for r in &st.records {
        let v = r.value;
        let x = s(hex::encode(v));
        let (k, val) = match r.tlv_type {
            1 => ("padding".to_string(), x),
            2 => ("short_channel_id".into(), s(blinding::scid_string(be(v)))),
            4 => ("next_node_id".into(), x),
            6 => ("path_id".into(), x),
            8 => ("next_path_key_override".into(), x),
            10 if v.len() >= 6 => (
                "payment_relay".into(),
                obj(vec![
                    ("cltv_expiry_delta", J::Num(be(&v[..2]))),
                    ("fee_proportional_millionths", J::Num(be(&v[2..6]))),
                    ("fee_base_msat", J::Num(be(&v[6..]))),
                ]),
            ),
            12 if v.len() >= 4 => (
                "payment_constraints".into(),
                obj(vec![
                    ("max_cltv_expiry", J::Num(be(&v[..4]))),
                    ("htlc_minimum_msat", J::Num(be(&v[4..]))),
                ]),
            ),
            14 => {
                let bits = asyncpay_reference::offer::feature_bits(v);
                (
                    "allowed_features".into(),
                    obj(vec![(
                        "features",
                        J::Arr(bits.into_iter().map(J::Num).collect()),
                    )]),
                )
            }
            RELEASE_CONTEXT_TYPE => (RELEASE_CONTEXT_NAME.into(), x),
            n => (format!("unknown_tag_{n}"), x),
        };
        kv.push((k, val));
    }
    Ok(J::Obj(kv))
}

/// The private key after `hop`: `e_i * SHA256(E_i || ss_i)`.
fn next_e(hop: &calc::Hop) -> Res<SecretKey> {
    let t = calc::sha256(&[&hop.big_e.serialize(), &hop.ss]);
    let t = Scalar::from_be_bytes(t).map_err(|_| "SHA256(E || ss) is not below the order")?;
    hop.e.mul_tweak(&t).map_err(|e| e.to_string())
}

fn route_blinding_doc(name: &str, f: &VectorFile, build: &TestVector) -> Res<J> {
    let e0 = sk(
        name,
        build,
        str_at(name, build, &build.input, "session_key")?,
        "session_key",
    )?;
    let hops_in = build
        .input
        .get("hops")
        .and_then(|h| h.as_array())
        .ok_or_else(|| format!("{name}: test {}: input.hops is missing", build.id))?;
    let mut pairs = Vec::new();
    for h in hops_in {
        let n = pk(name, build, str_at(name, build, h, "node_id")?, "node_id")?;
        let plain = bytes(
            name,
            build,
            str_at(name, build, h, "encrypted_data_tlvs")?,
            "data",
        )?;
        pairs.push((n, plain));
    }
    if pairs.is_empty() {
        return Err(format!("{name}: test {}: input.hops is empty", build.id));
    }
    let c = calc::blind(&e0, &pairs);
    let view = build
        .expected
        .view
        .as_ref()
        .ok_or_else(|| format!("{name}: test {}: no expected view", build.id))?;
    let stem = build.id.trim_start_matches("build-");
    let mut gen = Vec::new();
    let mut route = Vec::new();
    let mut unblind = Vec::new();
    for (j, hop) in c.iter().enumerate() {
        let alias = format!("hop{j}");
        let want_b = str_at(name, build, view, &format!("hops.{j}.blinded_node_id"))?;
        let want_enc = str_at(
            name,
            build,
            view,
            &format!("hops.{j}.encrypted_recipient_data"),
        )?;
        same(
            name,
            build,
            "blinded_node_id",
            &calc::ph(&hop.blinded),
            want_b,
        )?;
        same(
            name,
            build,
            "encrypted_data",
            &hex::encode(&hop.enc),
            want_enc,
        )?;
        let mut g = obj(vec![]);
        if j == 0 {
            g.push(
                "comment",
                s("The holding node builds its release reply path with this session_key."),
            );
            g.push("session_key", s(hex::encode(e0.secret_bytes())));
        }
        g.push("alias", s(&alias));
        g.push("node_id", s(calc::ph(&pairs[j].0)));
        g.push(
            "tlvs",
            tlvs_object(&hop.plain).map_err(|e| format!("{name}: test {}: {e}", build.id))?,
        );
        g.push("encoded_tlvs", s(hex::encode(&hop.plain)));
        g.push("path_privkey", s(hex::encode(hop.e.secret_bytes())));
        g.push("path_key", s(calc::ph(&hop.big_e)));
        g.push("shared_secret", s(hex::encode(hop.ss)));
        g.push("rho", s(hex::encode(hop.rho)));
        g.push("encrypted_data", s(hex::encode(&hop.enc)));
        g.push("blinded_node_id", s(calc::ph(&hop.blinded)));
        gen.push(g);
        route.push(obj(vec![
            ("blinded_node_id", s(calc::ph(&hop.blinded))),
            ("encrypted_data", s(hex::encode(&hop.enc))),
        ]));
        let uid = format!("unblind-{stem}-hop{j}");
        let u = find(name, f, &uid)?;
        let k = sk(name, u, input_str(name, u, "node_secret")?, "node_secret")?;
        let (_, b, _, next) = calc::reader(&k, &hop.big_e);
        let uview = u
            .expected
            .view
            .as_ref()
            .ok_or_else(|| format!("{name}: test {uid}: no expected view"))?;
        same(
            name,
            u,
            "next_path_key",
            &calc::ph(&next),
            str_at(name, u, uview, "next_path_key")?,
        )?;
        unblind.push(obj(vec![
            ("alias", s(&alias)),
            ("node_privkey", s(hex::encode(k.secret_bytes()))),
            ("path_key", s(calc::ph(&hop.big_e))),
            ("blinded_privkey", s(hex::encode(b.secret_bytes()))),
            ("decrypted_data", s(hex::encode(&hop.plain))),
            ("next_path_key", s(calc::ph(&next))),
        ]));
    }
    let unblind_ids: Vec<String> = (0..c.len())
        .map(|j| tag(&f.area, &format!("unblind-{stem}-hop{j}")))
        .collect();
    Ok(obj(vec![
        (
            "comment",
            s(format!(
                "Release reply path ({stem}) for a held HTLC: {} {}; unblinded by {}. The last hop's release_held_htlc (encrypted_data_tlv type {RELEASE_CONTEXT_TYPE}, the suite's choice) holds the HTLC's channel_id and htlc_id; its path_id authenticates them.",
                build.description.trim_end(),
                tag(&f.area, &build.id),
                unblind_ids.join(" ")
            )),
        ),
        (
            "generate",
            obj(vec![
                ("comment", s("Every value the holding node derives, hop by hop.")),
                ("hops", J::Arr(gen)),
            ]),
        ),
        (
            "route",
            obj(vec![
                ("comment", s("The resulting blinded route.")),
                ("first_node_id", s(calc::ph(&pairs[0].0))),
                ("first_path_key", s(calc::ph(&c[0].big_e))),
                ("hops", J::Arr(route)),
            ]),
        ),
        (
            "unblind",
            obj(vec![
                ("comment", s("Every value each node of the route derives when it unblinds its hop.")),
                ("hops", J::Arr(unblind)),
            ]),
        ),
    ]))
}

/// A TLV stream's records but `skip`, named as the upstream shape names
/// `onionmsg_tlv` records.
fn named_records(payload: &[u8], skip: u64) -> Res<Vec<(String, J)>> {
    let st = tlv::parse(payload).map_err(|e| format!("onionmsg_tlv: {e}"))?;
    Ok(st
        .records
        .iter()
        .filter(|r| r.tlv_type != skip)
        .map(|r| (onionmsg_name(r.tlv_type), s(hex::encode(r.value))))
        .collect())
}

fn onion_message_doc(name: &str, f: &VectorFile, build: &TestVector) -> Res<J> {
    let inter = build
        .intermediates
        .as_ref()
        .ok_or_else(|| format!("{name}: test {}: no intermediates", build.id))?;
    let dest = inter
        .get("destination_hops")
        .and_then(|d| d.as_array())
        .ok_or_else(|| {
            format!(
                "{name}: test {}: no intermediates.destination_hops",
                build.id
            )
        })?;
    let stem = build.id.trim_start_matches("build-");
    let prefix = format!("peel-{stem}-hop");
    let peels: Vec<&TestVector> = (0..dest.len())
        .map(|i| {
            let p = format!("{prefix}{i}-");
            f.tests
                .iter()
                .find(|t| t.id.starts_with(&p))
                .ok_or_else(|| format!("{name}: no test {p}*"))
        })
        .collect::<Res<_>>()?;
    let e0 = sk(
        name,
        build,
        str_at(name, build, inter, "destination_hops.0.path_privkey")?,
        "path_privkey",
    )?;
    let mut pairs = Vec::new();
    for (i, p) in peels.iter().enumerate() {
        let k = sk(name, p, input_str(name, p, "node_secret")?, "node_secret")?;
        let plain = bytes(
            name,
            build,
            str_at(
                name,
                build,
                inter,
                &format!("destination_hops.{i}.encrypted_data_tlvs"),
            )?,
            "encrypted_data_tlvs",
        )?;
        pairs.push((calc::pk(&k), plain));
    }
    let c = calc::blind(&e0, &pairs);
    let path = build
        .input
        .get("path")
        .ok_or_else(|| format!("{name}: test {}: input.path is missing", build.id))?;
    let mut gen = Vec::new();
    let mut route = Vec::new();
    let aliases: Vec<String> = peels
        .iter()
        .enumerate()
        .map(|(j, p)| {
            p.id[prefix.len()..]
                .split_once('-')
                .map(|(_, a)| a.to_string())
                .unwrap_or_else(|| format!("hop{j}"))
        })
        .collect();
    for (j, hop) in c.iter().enumerate() {
        let alias = aliases[j].clone();
        same(
            name,
            build,
            "blinded_node_id",
            &calc::ph(&hop.blinded),
            str_at(name, build, path, &format!("hops.{j}.blinded_node_id"))?,
        )?;
        same(
            name,
            build,
            "encrypted_recipient_data",
            &hex::encode(&hop.enc),
            str_at(
                name,
                build,
                path,
                &format!("hops.{j}.encrypted_recipient_data"),
            )?,
        )?;
        let ne = next_e(hop).map_err(|e| format!("{name}: test {}: {e}", build.id))?;
        gen.push(obj(vec![
            ("alias", s(alias)),
            ("path_key_secret", s(hex::encode(hop.e.secret_bytes()))),
            (
                "tlvs",
                tlvs_object(&hop.plain).map_err(|e| format!("{name}: test {}: {e}", build.id))?,
            ),
            ("encrypted_data_tlv", s(hex::encode(&hop.plain))),
            ("ss", s(hex::encode(hop.ss))),
            ("HMAC256('blinded_node_id', ss)", s(hex::encode(hop.bf))),
            ("blinded_node_id", s(calc::ph(&hop.blinded))),
            ("E", s(calc::ph(&hop.big_e))),
            ("H(E || ss)", s(hex::encode(hop.e_hash))),
            ("next_e", s(hex::encode(ne.secret_bytes()))),
            ("rho", s(hex::encode(hop.rho))),
            ("encrypted_recipient_data", s(hex::encode(&hop.enc))),
        ]));
        route.push(obj(vec![
            ("blinded_node_id", s(calc::ph(&hop.blinded))),
            ("encrypted_recipient_data", s(hex::encode(&hop.enc))),
        ]));
    }
    let view = build
        .expected
        .view
        .as_ref()
        .ok_or_else(|| format!("{name}: test {}: no expected view", build.id))?;
    let msg = bytes(
        name,
        build,
        str_at(name, build, view, "onion_message")?,
        "onion_message",
    )?;
    let packet = msg
        .get(37..)
        .ok_or_else(|| format!("{name}: test {}: onion_message too short", build.id))?;
    let payloads = inter
        .get("payloads")
        .and_then(|p| p.as_array())
        .ok_or_else(|| format!("{name}: test {}: no intermediates.payloads", build.id))?;
    let last = payloads
        .last()
        .and_then(|p| p.as_str())
        .ok_or_else(|| format!("{name}: test {}: no final payload", build.id))?;
    let final_payload = bytes(name, build, last, "payloads")?;
    let content =
        named_records(&final_payload, 4).map_err(|e| format!("{name}: test {}: {e}", build.id))?;
    let mut om = vec![(
        "comment".to_string(),
        s(format!(
            "The final node's onionmsg_tlv records (besides encrypted_recipient_data): {}.",
            content
                .iter()
                .map(|(k, _)| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    )];
    om.extend(content.clone());
    om.push(("onion_message_packet".into(), s(hex::encode(packet))));
    let mut dec = Vec::new();
    for (j, p) in peels.iter().enumerate() {
        let mut d = obj(vec![
            ("alias", s(&aliases[j])),
            ("privkey", s(input_str(name, p, "node_secret")?)),
        ]);
        if let Some(k) = p.input.get("release_auth_key").and_then(|v| v.as_str()) {
            d.push("release_auth_key", s(k));
        }
        d.push("onion_message", s(input_str(name, p, "onion_message")?));
        let pv = p
            .expected
            .view
            .as_ref()
            .ok_or_else(|| format!("{name}: test {}: no expected view", p.id))?;
        if let Some(next) = pv
            .get("forward")
            .and_then(|f| f.get("next_node_id"))
            .and_then(|v| v.as_str())
        {
            d.push("next_node_id", s(next));
        } else {
            let mut t = content.clone();
            t.push(("encrypted_recipient_data".into(), s(hex::encode(&c[j].enc))));
            d.push("tlvs", J::Obj(t));
        }
        dec.push(d);
    }
    let peel_tags: Vec<String> = peels.iter().map(|p| tag(&f.area, &p.id)).collect();
    Ok(obj(vec![
        (
            "comment",
            s(format!(
                "{} {}; peeled by {}. onionmsg_tlv types 72 (held_htlc_available) and 74 (release_held_htlc) are the suite's choice: the draft assigns none.",
                build.description.trim_end(),
                tag(&f.area, &build.id),
                peel_tags.join(" ")
            )),
        ),
        (
            "generate",
            obj(vec![
                ("comment", s("The destination's blinded path, every value its builder derives; session_key is the sender's Sphinx session key.")),
                ("session_key", s(str_at(name, build, &build.input, "session_key")?)),
                ("hops", J::Arr(gen)),
            ]),
        ),
        (
            "route",
            obj(vec![
                ("comment", s("The blinded route the message is sent over.")),
                ("first_node_id", s(str_at(name, build, path, "first_node_id")?)),
                ("first_path_key", s(str_at(name, build, path, "first_path_key")?)),
                ("hops", J::Arr(route)),
            ]),
        ),
        ("onionmessage", J::Obj(om)),
        (
            "decrypt",
            obj(vec![
                ("comment", s("Each node's private key and the onion_message it receives; the last one's payload.")),
                ("hops", J::Arr(dec)),
            ]),
        ),
    ]))
}

/// Add the path and message documents to `out`.
pub fn export(
    (rp_name, rp): (&str, &VectorFile),
    (om_name, om): (&str, &VectorFile),
    out: &mut Vec<ExportedFile>,
    left: &mut Vec<LeftOut>,
) -> Res<()> {
    let start = out.len();
    for (id, path) in PATHS {
        let doc = route_blinding_doc(rp_name, rp, find(rp_name, rp, id)?)?;
        out.push(ExportedFile {
            path: path.to_string(),
            text: doc.text(),
            cases: 1,
            shape: "`bolt04/route-blinding-test.json`",
        });
    }
    for (id, path) in MESSAGES {
        let doc = onion_message_doc(om_name, om, find(om_name, om, id)?)?;
        out.push(ExportedFile {
            path: path.to_string(),
            text: doc.text(),
            cases: 1,
            shape: "`bolt04/blinded-onion-message-onion-test.json`",
        });
    }
    // The vectors no document names: one line per file, with their ids.
    let named: Vec<String> = out[start..]
        .iter()
        .filter_map(|f| {
            let v: serde_json::Value = serde_json::from_str(&f.text).ok()?;
            v.get("comment")?.as_str().map(str::to_string)
        })
        .collect();
    for f in [rp, om] {
        let rest: Vec<&str> = f
            .tests
            .iter()
            .filter(|t| !named.iter().any(|c| c.contains(&tag(&f.area, &t.id))))
            .map(|t| t.id.as_str())
            .collect();
        if !rest.is_empty() {
            left.push(LeftOut {
                vector: format!("{}/*", f.area),
                why: format!(
                    "{} vectors other than the release paths and the held_htlc_available / release_held_htlc messages (each document holds one valid route): {}",
                    rest.len(),
                    rest.join(", ")
                ),
            });
        }
    }
    Ok(())
}
