//! The adapter's unsupported answers are exactly those of
//! [`Unsupported::ALL`], the crate documentation lists exactly those, and
//! each is reached by an input that needs it; inputs next to them that LDK
//! can handle (or refuses) are not unsupported.

use crate::dispatch;
use crate::unsupported::Unsupported;
use asyncpay_adapter::{Operation, Outcome, ReasonClass};
use asyncpay_reference::blinding;
use lightning::bitcoin::secp256k1::{PublicKey, Secp256k1, SecretKey};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;

fn secret(b: u8) -> SecretKey {
    SecretKey::from_slice(&[b; 32]).unwrap()
}

fn node(b: u8) -> PublicKey {
    PublicKey::from_secret_key(&Secp256k1::new(), &secret(b))
}

fn ref_node(b: u8) -> secp256k1::PublicKey {
    secp256k1::PublicKey::from_slice(&node(b).serialize()).unwrap()
}

fn op(name: &str, input: Value) -> Operation {
    serde_json::from_value(json!({ "op": name, "input": input })).expect("operation")
}

/// The bracketed name an unsupported answer starts with, or a panic.
fn skipped_as(o: &Outcome) -> String {
    let Outcome::Unsupported { reason } = o else {
        panic!("not unsupported: {o:?}")
    };
    let name = reason
        .strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .map(|(n, _)| n.to_string());
    name.unwrap_or_else(|| panic!("no [name] prefix: {reason}"))
}

/// The names listed under "# What is unsupported, and why" in lib.rs.
fn documented_names() -> BTreeSet<String> {
    let lib = include_str!("lib.rs");
    let start = lib
        .find("//! # What is unsupported, and why")
        .expect("the section exists");
    let section: Vec<&str> = lib[start..]
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("//!") && !l.starts_with("//! #"))
        .collect();
    section
        .iter()
        .filter_map(|l| l.strip_prefix("//! - `"))
        .map(|l| l.split('`').next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn the_documented_list_is_the_enum() {
    let names: BTreeSet<String> = Unsupported::ALL
        .iter()
        .map(|u| u.name().to_string())
        .collect();
    assert_eq!(names.len(), Unsupported::ALL.len(), "names are unique");
    assert_eq!(documented_names(), names);
    for u in Unsupported::ALL {
        let r = u.reason();
        // Every reason but the scenario one cites the LDK source it rests on.
        if u != Unsupported::ScenarioSetup {
            assert!(r.contains(".rs:"), "{u:?} cites no LDK source: {r}");
        }
        assert!(
            skipped_as(&u.outcome(Some("x"))) == u.name(),
            "{u:?} answers under its name"
        );
    }
}

/// The crate's non-test sources, each with its path relative to `src/`.
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).expect("read src") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(&p, base, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().to_string();
                let text = std::fs::read_to_string(&p).expect("read source");
                // Unit test modules at the end of a file are not answers.
                let text = match text.find("#[cfg(all(test, not(ldk_0_3)))]\nmod tests {") {
                    Some(i) => text[..i].to_string(),
                    None => text,
                };
                out.push((rel, text));
            }
        }
    }
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    walk(&base, &base, &mut out);
    out.retain(|(rel, _)| !rel.ends_with("tests.rs") && !rel.ends_with("interop_tests.rs"));
    out.sort();
    out
}

#[test]
fn no_unsupported_answer_bypasses_the_list() {
    let srcs = sources();
    assert!(srcs.iter().any(|(r, _)| r == "lib.rs"), "sources found");
    for (rel, text) in &srcs {
        let answers = text.matches("Outcome::unsupported(").count();
        let built = text.matches("Outcome::Unsupported {").count();
        if rel == "unsupported.rs" {
            assert_eq!((answers, built), (1, 0), "{rel}");
        } else {
            assert_eq!((answers, built), (0, 0), "{rel} answers unsupported itself");
        }
        // A scenario mapping says unsupported only through its helper
        // `fn unsupported`, and run_op answers it as ScenarioSetup.
        let scenario = text.matches("ScenarioError::Unsupported(").count();
        let expected = match rel.as_str() {
            "nodes/payer.rs" | "nodes/recipient.rs" | "nodes/server.rs" | "nodes/lsp.rs" => 1,
            "nodes/dispatch.rs" => 1,
            _ => 0,
        };
        assert_eq!(scenario, expected, "{rel}");
    }
    let scenarios = srcs
        .iter()
        .find(|(r, _)| r == "nodes/dispatch.rs")
        .expect("dispatch.rs");
    assert!(scenarios.1.contains("Unsupported::ScenarioSetup.outcome("));
}

/// A blinded path view from the reference (built from the BOLT text).
fn ref_path(session: u8, hops: &[(u8, Vec<u8>)]) -> Value {
    let hops: Vec<_> = hops
        .iter()
        .map(|(n, d)| (ref_node(*n), d.clone()))
        .collect();
    let s = secp256k1::SecretKey::from_slice(&[session; 32]).unwrap();
    let secrets = blinding::build_path(&s, &hops).unwrap();
    serde_json::to_value(blinding::path_view(&hops[0].0, &secrets)).unwrap()
}

/// `blinded_path.unblind` of hop 0 of a one-hop path to node 0x11 whose
/// `encrypted_data_tlv` is `plaintext` (sealed with BOLT 4's tag).
fn unblind_one_hop(plaintext: &[u8], flip: bool) -> Outcome {
    let path = ref_path(0x81, &[(0x11, plaintext.to_vec())]);
    let mut enc = hex::decode(
        path["hops"][0]["encrypted_recipient_data"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    if flip {
        enc[0] ^= 1;
    }
    dispatch(&op(
        "blinded_path.unblind",
        json!({
            "node_secret": hex::encode([0x11u8; 32]),
            "path_key": path["first_path_key"],
            "encrypted_recipient_data": hex::encode(enc),
        }),
    ))
}

fn next_node_tlv(n: u8) -> Vec<u8> {
    let mut v = vec![4, 33];
    v.extend_from_slice(&node(n).serialize());
    v
}

#[test]
fn unblind_skips_only_a_hop_ldk_reads_as_its_own() {
    // Final hop, no context: LDK decrypts it to ControlTlvs::Receive.
    let o = unblind_one_hop(&[], false);
    assert_eq!(skipped_as(&o), "unblind-hop-for-itself");
    assert!(
        format!("{o:?}").contains("wrong or missing context"),
        "{o:?}"
    );
    // LDK's dummy hop (65539, empty): read, then refused as a last hop.
    let o = unblind_one_hop(&[0xfe, 0x00, 0x01, 0x00, 0x03, 0x00], false);
    assert_eq!(skipped_as(&o), "unblind-hop-for-itself");
    // A forwarding hop is unblinded.
    let o = unblind_one_hop(&next_node_tlv(0x22), false);
    let Outcome::Accepted { view } = &o else {
        panic!("{o:?}")
    };
    assert_eq!(view["next_node_id"], hex::encode(node(0x22).serialize()));
    // The same hops, one ciphertext bit flipped: LDK refuses them.
    for pt in [Vec::new(), next_node_tlv(0x22)] {
        let o = unblind_one_hop(&pt, true);
        let Outcome::Rejected(r) = &o else {
            panic!("{o:?}")
        };
        assert_eq!(r.reason, ReasonClass::Unspecified, "{r:?}");
        assert!(r.detail.contains("Unable to decode our hop data"), "{r:?}");
    }
    // A final hop with path_id (6), which LDK does not know: refused.
    let mut path_id = vec![6, 32];
    path_id.extend_from_slice(&[0x5a; 32]);
    let o = unblind_one_hop(&path_id, false);
    assert!(
        matches!(&o, Outcome::Rejected(r) if r.reason == ReasonClass::Unspecified),
        "{o:?}"
    );
}

/// Evidence for the `ldk-0.2` unblind vectors' final hops (40 opaque bytes
/// at 65537): LDK decrypts such a hop but refuses the context, which its
/// reader parses as its own `MessageContext` (onion_message/packet.rs:369,
/// blinded_path/message.rs:619-624); with a context LDK writes, the same
/// hop is one LDK reads, so only the unblinding itself is unsupported.
#[test]
fn ldk_refuses_a_final_hop_whose_context_it_cannot_read() {
    use lightning::blinded_path::message::{AsyncPaymentsContext, MessageContext};
    use lightning::ln::channelmanager::InterceptId;
    use lightning::util::ser::Writeable;
    let hop = |context: &[u8]| {
        // padding (1, empty), then LDK's context type 65537.
        let mut pt = vec![0x01, 0x00, 0xfe, 0x00, 0x01, 0x00, 0x01];
        pt.push(u8::try_from(context.len()).unwrap());
        pt.extend_from_slice(context);
        unblind_one_hop(&pt, false)
    };
    let o = hop(&[0x5a; 40]);
    assert!(
        matches!(&o, Outcome::Rejected(r) if r.reason == ReasonClass::Unspecified
            && r.detail.contains("Unable to decode our hop data")),
        "{o:?}"
    );
    let ldk_context = MessageContext::AsyncPayments(AsyncPaymentsContext::ReleaseHeldHtlc {
        intercept_id: InterceptId([7; 32]),
        prev_outbound_scid_alias: 42,
        htlc_id: 7,
    })
    .encode();
    let o = hop(&ldk_context);
    assert_eq!(skipped_as(&o), "unblind-hop-for-itself");
    assert!(
        format!("{o:?}").contains("Received an unauthenticated"),
        "{o:?}"
    );
}

fn build_input(content: Value) -> Value {
    json!({
        "session_key": hex::encode([0x91u8; 32]),
        "path": ref_path(0x82, &[(0x66, Vec::new())]),
        "content": content,
    })
}

fn update_add(unknown: Value) -> Operation {
    let mut onion = vec![0u8];
    onion.extend_from_slice(&node(0x11).serialize());
    onion.extend_from_slice(&[0u8; 1300 + 32]);
    op(
        "update_add_htlc.encode",
        json!({
            "channel_id": "aa".repeat(32), "id": 1, "amount_msat": 1000,
            "payment_hash": "bb".repeat(32), "cltv_expiry": 800000,
            "onion_routing_packet": hex::encode(onion), "hold_htlc": false,
            "unknown": unknown,
        }),
    )
}

fn revoke_and_ack(release_paths: Value, unknown: Value) -> Operation {
    op(
        "revoke_and_ack.encode",
        json!({
            "channel_id": "aa".repeat(32), "per_commitment_secret": "bb".repeat(32),
            "next_per_commitment_point": hex::encode(node(0x33).serialize()),
            "release_paths": release_paths, "unknown": unknown,
        }),
    )
}

/// A `payer_lsp` scenario from the vectors whose first HTLC id is not 0,
/// which the real channel cannot number so.
fn unreproducible_scenario() -> Operation {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../vectors/ldk-0.2/scenarios.json"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut input = doc["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["input"]["role_under_test"] == "payer_lsp")
        .expect("a payer_lsp scenario")["input"]
        .clone();
    let add = input["steps"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["event"]["type"] == "update_add_htlc")
        .expect("an update_add_htlc");
    add["event"]["htlc"] = json!(5);
    op("scenario.run", input)
}

#[test]
fn every_unsupported_answer_is_reachable() {
    let one_path = json!([{ "path": ref_path(0x83, &[(0x11, Vec::new())]) }]);
    let release = |value: &str| json!({ "kind": "release_held_htlc", "value": value });
    let mut sciddir = build_input(release(""));
    sciddir["path"]["first_node_id"] = json!("01000000000000002a");
    let mut extra = build_input(release(""));
    extra["extra_tlvs"] = json!([{ "type": 101, "value": "" }]);
    let mut intermediate = build_input(release(""));
    intermediate["intermediate_tlvs"] = json!([{ "type": 101, "value": "" }]);
    let mut no_content = build_input(release(""));
    no_content["content"] = Value::Null;
    let mut len = build_input(release(""));
    len["payloads_len"] = json!(32768);
    let cases: Vec<(Unsupported, Operation)> = vec![
        (
            Unsupported::StaticInvoiceEncode,
            op(
                "static_invoice.encode",
                json!({ "offer": {}, "invoice": {}, "signing_key": "00" }),
            ),
        ),
        (
            Unsupported::BlindedPathBuild,
            op(
                "blinded_path.build",
                json!({ "session_key": "91".repeat(32), "hops": [
                    { "node_id": hex::encode(node(0x11).serialize()), "encrypted_data_tlvs": "" }
                ] }),
            ),
        ),
        (
            Unsupported::OnionMessageWithoutContent,
            op("onion_message.build", no_content),
        ),
        (
            Unsupported::OnionMessageExtraTlvs,
            op("onion_message.build", extra),
        ),
        (
            Unsupported::OnionMessageIntermediateTlvs,
            op("onion_message.build", intermediate),
        ),
        (
            Unsupported::OnionMessageSciddirIntroduction,
            op("onion_message.build", sciddir),
        ),
        (
            Unsupported::OnionMessagePayloadsLen,
            op("onion_message.build", len),
        ),
        (
            Unsupported::AsyncContentWithFields,
            op("onion_message.build", build_input(release("0101"))),
        ),
        (
            Unsupported::UpdateAddUnknownRecord,
            update_add(json!([{ "type": 101, "hex": "" }])),
        ),
        (
            Unsupported::RevokeAndAckUnknownRecord,
            revoke_and_ack(Value::Null, json!([{ "type": 101, "hex": "" }])),
        ),
        (
            Unsupported::RevokeAndAckEmptyReleasePaths,
            revoke_and_ack(json!([]), json!([])),
        ),
        (Unsupported::ScenarioSetup, unreproducible_scenario()),
        (
            Unsupported::PaymentPayloadDecode,
            op("payment_payload.decode", json!({ "hex": "020203e8040190" })),
        ),
    ];
    let mut reached: BTreeSet<Unsupported> = cases
        .iter()
        .map(|(u, o)| {
            assert_eq!(skipped_as(&dispatch(o)), u.name(), "{u:?}");
            *u
        })
        .collect();
    // Reached in unblind_skips_only_a_hop_ldk_reads_as_its_own.
    reached.insert(Unsupported::UnblindHopForItself);
    // Reached through the adapter, under the profile whose invoice-server
    // contents LDK's types cannot hold.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors/profiles.json");
    let all: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("profiles"))
        .expect("profiles.json");
    let isrv = all["profiles"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|p| p["name"] == "experimental-ldk-invoice-server")
        .expect("the invoice-server profile");
    let isrv: asyncpay_adapter::Profile = serde_json::from_value(isrv.clone()).expect("profile");
    let peel = op(
        "onion_message.peel",
        json!({ "node_secret": "", "onion_message": "" }),
    );
    let answer = asyncpay_adapter::Adapter::execute(&crate::LdkAdapter, &peel, &isrv);
    assert_eq!(
        skipped_as(&answer),
        Unsupported::InvoiceServerFraming.name()
    );
    reached.insert(Unsupported::InvoiceServerFraming);
    assert_eq!(reached, Unsupported::ALL.into_iter().collect());

    // Next to them, what LDK can do is done: the same messages without
    // what LDK cannot hold, and release paths in the draft's layout.
    let answered = [
        op("onion_message.build", build_input(release(""))),
        update_add(json!([])),
        update_add(json!([{ "type": 65537, "hex": "0000000000000007" }])),
        revoke_and_ack(one_path, json!([])),
    ];
    for o in answered {
        assert!(
            matches!(dispatch(&o), Outcome::Accepted { .. }),
            "{o:?}: {:?}",
            dispatch(&o)
        );
    }
}
