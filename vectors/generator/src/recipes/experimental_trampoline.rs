//! Area `experimental_trampoline_hold` (profile
//! `experimental-trampoline-hold` only): design 000's encodings. The hold
//! request and async-payment nonce in the first hop's payment onion payload
//! (`payment_payload.decode`, trampoline and one-shot), the payer's
//! `async_payment_notice` to the receiver and the receiver's
//! `async_payment_trigger` to the payer's LSP (`onion_message.build` /
//! `.peel`).
//!
//! The payloads are written here record by record and the expected views
//! stated from what was written; the onion messages come from the onion
//! message recipe's own Sphinx and blinding calculator. Nothing is read back
//! with the reference.

use super::onion_messages::{peel_input, Msg};
use super::reply_paths::{calc, cast, node, note, reason, stream, tv, view, PathDef, SPEC_COMMIT};
use asyncpay_adapter::{Profile, ReasonClass};
use asyncpay_harness::vectors::{FileBuilder, VectorFile, Verdict};
use serde_json::{json, Value};

/// The nonce of the held payment.
pub const NONCE: [u8; 32] = [0x6e; 32];
/// Another payment's nonce the LSP also holds.
pub const OTHER_NONCE: [u8; 32] = [0x6d; 32];
/// The receiver's final payload, sealed by the payer (opaque to the LSP;
/// fixed bytes stand for it).
const SEALED: [u8; 48] = [0x5c; 48];
const AMT: u64 = 100_000;
const OUTGOING_CLTV: u64 = 800_144;
const DELTA: u64 = 144;
/// `800000x10x1`.
const SCID: u64 = (800_000 << 40) | (10 << 16) | 1;

const R_HOLD: &str = "bolt2/release/holding-node/no-forward-until-release";
const R_PAYLOAD: &str = "bolt2/hold-htlc/receiving-node/bad-onion-payload";
const R_EVEN: &str = "bolt1/tlv/reader/unknown-even";

/// Minimal big-endian truncated integer.
fn tu(v: u64) -> Vec<u8> {
    let b = v.to_be_bytes();
    let skip = b.iter().take_while(|x| **x == 0).count();
    b[skip..].to_vec()
}

/// The receiver's blinded payment route (receiver's LSP, receiver).
fn receiver_route() -> PathDef {
    PathDef {
        name: "receiver-route",
        description: "",
        session: 0x4a,
        hops: vec![
            (
                cast::RECIPIENT_LSP,
                stream(vec![(4, node(cast::RECIPIENT).serialize().to_vec())], None),
            ),
            (cast::RECIPIENT, stream(vec![(6, vec![0xd1; 16])], None)),
        ],
    }
}

/// What a test varies in the hold request.
#[derive(Clone)]
struct Hold {
    one_shot: bool,
    nonce: Vec<u8>,
    delta: Option<u64>,
    route: bool,
    sealed: bool,
    extra: Vec<(u64, Vec<u8>)>,
}

impl Hold {
    fn trampoline() -> Hold {
        Hold {
            one_shot: false,
            nonce: NONCE.to_vec(),
            delta: Some(DELTA),
            route: true,
            sealed: true,
            extra: vec![],
        }
    }

    fn one_shot() -> Hold {
        Hold {
            one_shot: true,
            nonce: NONCE.to_vec(),
            delta: None,
            route: false,
            sealed: false,
            extra: vec![],
        }
    }

    /// The payload bytes and the expected view.
    fn payload(&self, profile: &Profile, payload_extra: &[(u64, Vec<u8>)]) -> (Vec<u8>, Value) {
        let route = receiver_route().view();
        let mut h: Vec<(u64, Vec<u8>)> = vec![(0, self.nonce.clone())];
        if let Some(d) = self.delta {
            h.push((2, tu(d)));
        }
        if self.route {
            h.push((4, calc::path_bytes(&route)));
        }
        if self.sealed {
            h.push((6, SEALED.to_vec()));
        }
        h.extend(self.extra.clone());
        let t = profile.numbers.payload_async_hold.unwrap_or_default();
        let mut p: Vec<(u64, Vec<u8>)> = vec![(2, tu(AMT)), (4, tu(OUTGOING_CLTV))];
        if self.one_shot {
            p.push((6, SCID.to_be_bytes().to_vec()));
        }
        p.push((t, stream(h, None)));
        p.extend(payload_extra.iter().cloned());
        let mut hold = json!({
            "mode": if self.one_shot { "one_shot" } else { "trampoline" },
            "nonce": hex::encode(&self.nonce),
        });
        if let Some(d) = self.delta {
            hold["downstream_cltv_delta"] = json!(d);
        }
        if self.route {
            hold["receiver_path"] = route;
        }
        if self.sealed {
            hold["receiver_payload"] = json!(hex::encode(SEALED));
        }
        let mut v = json!({
            "amt_to_forward": AMT,
            "outgoing_cltv_value": OUTGOING_CLTV,
            "async_hold": hold,
        });
        if self.one_shot {
            v["short_channel_id"] = json!("800000x10x1");
        }
        let others: Vec<Value> = payload_extra
            .iter()
            .map(|(t, val)| json!({ "type": t, "value": hex::encode(val) }))
            .collect();
        if !others.is_empty() {
            v["other_tlvs"] = json!(others);
        }
        (stream(p, None), v)
    }
}

fn notes(f: &mut FileBuilder) {
    f.note("ExperimentalTrampolineHold", note("Experimental", "Depends on the suite's pinning of design 000, which names the parts but no numbers or layouts: (1) the hold request is the payload record async_hold, type 4242 (even: an LSP that does not know it must not forward at once); (2) its value is a TLV stream: 0 nonce, 2 downstream_cltv_delta (tu32), 4 receiver_path (a blinded_path), 6 receiver_payload (the receiver's final payload with the keysend secret and amount, sealed by the payer to the receiver's key and relayed unread, so the LSP never learns the secret it could claim the payer's HTLC with); (3) the mode is read from the payload: a short_channel_id makes it one-shot (the packet holds the pre-built onion, the record carries the nonce only), none makes it a trampoline hold (all four fields required); (4) the nonce is 32 bytes; (5) downstream_cltv_delta is at most 2016: the LSP gives the onward HTLC the trigger's height plus the delta, while the payer's own cltv_expiry towards the LSP may be a week or more; (6) async_payment_notice (onion message 76, payer to receiver, its reply path leading to the LSP) and async_payment_trigger (78, receiver to LSP) carry the nonce raw as their whole value; (7) the design's requirements are catalogued under the draft requirement each stands in for (holding until a corresponding release, a bad onion payload).", None, &[R_HOLD, R_PAYLOAD]));
    f.note(
        "Valid",
        note(
            "Valid",
            "A correct construction, decoding or peel.",
            None,
            &[],
        ),
    );
    f.note("HoldFieldsMisfit", note("MalformedInput", "The hold request's fields do not fit its mode: a one-shot hold carrying a trampoline's receiver route, or a trampoline hold without one.", Some("An LSP that reads on either forwards an onion nobody built or has no route to build one to."), &[R_PAYLOAD]));
    f.note("DeltaBound", note("Boundary", "downstream_cltv_delta at, one below and one past the pinned bound of 2016 blocks.", Some("An LSP that accepts a longer delta gives the onward HTLC a non-standard expiry that nodes downstream refuse."), &[R_PAYLOAD]));
    f.note(
        "BadLength",
        note(
            "MalformedInput",
            "The nonce is not 32 bytes.",
            None,
            &[R_HOLD],
        ),
    );
    f.note(
        "WrongNonce",
        note(
            "Unauthenticated",
            "The trigger's nonce is not one the LSP holds a payment for.",
            Some("Releasing on an unknown nonce releases payments on anyone's say-so."),
            &[R_HOLD],
        ),
    );
    f.note(
        "UnknownEvenTlv",
        note(
            "MalformedInput",
            "The hold request carries an even record its reader does not know.",
            None,
            &[R_EVEN],
        ),
    );
    f.note(
        "UnknownOddTlv",
        note(
            "Functionality",
            "The payload carries an odd record its reader does not know: ignored.",
            None,
            &[],
        ),
    );
}

/// Generate the area, or `None` for a profile without the trampoline hold.
pub fn generate(profile: &Profile) -> Option<VectorFile> {
    profile.numbers.payload_async_hold?;
    if profile.kind != "experimental" {
        return None;
    }
    let mut f = FileBuilder::new("experimental_trampoline_hold", &profile.name, SPEC_COMMIT);
    f.header("Design 000, not the draft: the payer's LSP holds a payment whose first-hop payload carries a hold request and an async-payment nonce, until the receiver's trigger carries the nonce; a trampoline hold names the receiver's blinded route and the onward CLTV delta, a one-shot hold a short_channel_id and a pre-built onion. The layouts are the suite's (adapters/reference/src/experimental/trampoline.rs); the behaviour is in this profile's scenarios.");
    notes(&mut f);
    payloads(&mut f, profile);
    messages(&mut f, profile);
    Some(f.finish())
}

fn hex_input(b: &[u8]) -> Value {
    json!({ "hex": hex::encode(b) })
}

fn payloads(f: &mut FileBuilder, profile: &Profile) {
    let op = "payment_payload.decode";
    let flags =
        |extra: &'static str| -> Vec<&'static str> { vec!["ExperimentalTrampolineHold", extra] };
    let (b, v) = Hold::trampoline().payload(profile, &[]);
    f.test(tv("payload-trampoline-hold", "The first hop's payload of a trampoline hold: amt_to_forward, outgoing_cltv_value and async_hold with the nonce, a downstream delta of 144, the receiver's two-hop blinded route and its sealed final payload; no short_channel_id (the LSP routes).", &[R_HOLD, R_PAYLOAD], &flags("Valid"), Verdict::Valid, op, hex_input(&b), view(v), None));
    let (b, v) = Hold::one_shot().payload(profile, &[]);
    f.test(tv("payload-one-shot-hold", "The first hop's payload of a one-shot hold: a short_channel_id (the packet holds the pre-built onion) and async_hold with the nonce only.", &[R_HOLD, R_PAYLOAD], &flags("Valid"), Verdict::Valid, op, hex_input(&b), view(v), None));
    let (b, v) = Hold::trampoline().payload(profile, &[(65537, vec![0x01])]);
    f.test(tv("payload-trampoline-hold-unknown-odd", "A trampoline hold's payload that also carries an unknown odd record (65537): ignored, reported.", &[R_HOLD], &flags("UnknownOddTlv"), Verdict::Valid, op, hex_input(&b), view(v), None));
    for d in [2015u64, 2016] {
        let h = Hold {
            delta: Some(d),
            ..Hold::trampoline()
        };
        let (b, v) = h.payload(profile, &[]);
        f.test(tv(format!("payload-trampoline-delta-{d}"), format!("A trampoline hold whose downstream_cltv_delta is {d} (the bound is 2016): accepted."), &[R_PAYLOAD], &flags("DeltaBound"), Verdict::Valid, op, hex_input(&b), view(v), None));
    }
    let invalid: Vec<(&str, String, Hold, &str, ReasonClass, &str)> = vec![
        (
            "payload-trampoline-delta-2017",
            "A trampoline hold whose downstream_cltv_delta is 2017, one past the bound.".into(),
            Hold {
                delta: Some(2017),
                ..Hold::trampoline()
            },
            "DeltaBound",
            ReasonClass::InvalidValue,
            R_PAYLOAD,
        ),
        (
            "payload-one-shot-with-receiver-route",
            "A one-shot hold (short_channel_id set) whose async_hold also carries a receiver route, a sealed payload and a delta.".into(),
            Hold {
                one_shot: true,
                ..Hold::trampoline()
            },
            "HoldFieldsMisfit",
            ReasonClass::InvalidContent,
            R_PAYLOAD,
        ),
        (
            "payload-trampoline-without-receiver-route",
            "A trampoline hold (no short_channel_id) whose async_hold carries no receiver route.".into(),
            Hold {
                route: false,
                ..Hold::trampoline()
            },
            "HoldFieldsMisfit",
            ReasonClass::MissingField,
            R_PAYLOAD,
        ),
        (
            "payload-short-nonce",
            "A trampoline hold whose nonce is 31 bytes.".into(),
            Hold {
                nonce: NONCE[..31].to_vec(),
                ..Hold::trampoline()
            },
            "BadLength",
            ReasonClass::InvalidValue,
            R_HOLD,
        ),
        (
            "payload-hold-unknown-even",
            "A trampoline hold whose async_hold also carries an empty record of even type 8, which its reader does not know.".into(),
            Hold {
                extra: vec![(8, vec![])],
                ..Hold::trampoline()
            },
            "UnknownEvenTlv",
            ReasonClass::UnknownEvenType,
            R_EVEN,
        ),
    ];
    for (id, desc, h, flag, class, req) in invalid {
        let (b, _) = h.payload(profile, &[]);
        f.test(tv(
            id,
            desc,
            &[req],
            &flags(flag),
            Verdict::Invalid,
            op,
            hex_input(&b),
            reason(class),
            None,
        ));
    }
}

/// The reply path the payer gives the receiver: to its LSP (the holder).
fn to_lsp() -> PathDef {
    PathDef {
        name: "to-lsp",
        description: "",
        session: 0x4b,
        hops: vec![
            (
                cast::HOP_A,
                stream(vec![(4, node(cast::HOLDER).serialize().to_vec())], Some(37)),
            ),
            (cast::HOLDER, stream(vec![(6, vec![0xd4; 32])], Some(37))),
        ],
    }
}

/// The receiver's message path, through its LSP (which stores and forwards).
fn to_receiver() -> PathDef {
    PathDef {
        name: "to-receiver",
        description: "",
        session: 0x4c,
        hops: vec![
            (
                cast::RECIPIENT_LSP,
                stream(
                    vec![(4, node(cast::RECIPIENT).serialize().to_vec())],
                    Some(37),
                ),
            ),
            (cast::RECIPIENT, stream(vec![(6, vec![0xd5; 32])], Some(37))),
        ],
    }
}

fn messages(f: &mut FileBuilder, profile: &Profile) {
    let n = &profile.numbers;
    let (notice_t, trigger_t) = (
        n.onionmsg_async_notice.unwrap_or_default(),
        n.onionmsg_async_trigger.unwrap_or_default(),
    );
    let fl = |x: &'static str| vec!["ExperimentalTrampolineHold", x];
    // The payer's notice, with the nonce, its reply path to the LSP.
    let mut m = Msg::new("notice", "", 0xc4, to_receiver());
    m.content = Some(("async_payment_notice", notice_t, NONCE.to_vec()));
    m.reply = Some(to_lsp().view());
    let (msg, sph) = m.build();
    f.test(tv("build-notice", "The payer sends the receiver async_payment_notice carrying the nonce, over the receiver's path through its LSP, with a reply path to the payer's LSP.", &[R_HOLD], &fl("Valid"), Verdict::Valid, "onion_message.build", m.build_input(), view(json!({ "first_node_id": m.dest_view["first_node_id"], "onion_message": hex::encode(&msg) })), Some(sph)));
    for (i, (node_b, incoming, v)) in m.chain(profile).into_iter().enumerate() {
        let who = if i == 0 {
            "the receiver's LSP (it stores and forwards)"
        } else {
            "the receiver"
        };
        f.test(tv(
            format!("peel-notice-hop{i}"),
            format!("Hop {i}, {who}, peels the notice."),
            &[R_HOLD],
            &fl("Valid"),
            Verdict::Valid,
            "onion_message.peel",
            peel_input(node_b, &incoming),
            view(v),
            None,
        ));
    }
    // The receiver's trigger, over that reply path.
    let trigger = |nonce: Vec<u8>, session: u8| {
        let mut m = Msg::new("trigger", "", session, to_lsp());
        m.content = Some(("async_payment_trigger", trigger_t, nonce));
        m
    };
    let held = json!([hex::encode(OTHER_NONCE), hex::encode(NONCE)]);
    let m = trigger(NONCE.to_vec(), 0xc5);
    let (msg, sph) = m.build();
    f.test(tv("build-trigger", "The receiver, back online, sends async_payment_trigger carrying the nonce over the notice's reply path to the payer's LSP.", &[R_HOLD], &fl("Valid"), Verdict::Valid, "onion_message.build", m.build_input(), view(json!({ "first_node_id": m.dest_view["first_node_id"], "onion_message": hex::encode(&msg) })), Some(sph)));
    for (i, (node_b, incoming, v)) in m.chain(profile).into_iter().enumerate() {
        let mut input = peel_input(node_b, &incoming);
        input["held_release_secrets"] = held.clone();
        f.test(tv(
            format!("peel-trigger-hop{i}"),
            format!("Hop {i} peels the trigger (the LSP holds two payments, one with this nonce)."),
            &[R_HOLD],
            &fl("Valid"),
            Verdict::Valid,
            "onion_message.peel",
            input,
            view(v),
            None,
        ));
    }
    for (id, desc, nonce, class, flag) in [
        (
            "trigger-wrong-nonce",
            "a nonce the LSP holds no payment for",
            vec![0x6f; 32],
            ReasonClass::UnauthenticatedRelease,
            "WrongNonce",
        ),
        (
            "trigger-short-nonce",
            "a 31-byte nonce (the LSP's list holds those 31 bytes too, so that only the length is wrong)",
            NONCE[..31].to_vec(),
            ReasonClass::InvalidValue,
            "BadLength",
        ),
    ] {
        let mut held = held.clone();
        if nonce.len() != NONCE.len() {
            held.as_array_mut()
                .expect("a list")
                .push(json!(hex::encode(&nonce)));
        }
        let m = trigger(nonce, 0xc6);
        let (node_b, incoming, _) = m.chain(profile)[1].clone();
        let mut input = peel_input(node_b, &incoming);
        input["held_release_secrets"] = held;
        f.test(tv(
            id,
            format!("The payer's LSP receives async_payment_trigger carrying {desc}."),
            &[R_HOLD],
            &fl(flag),
            Verdict::Invalid,
            "onion_message.peel",
            input,
            reason(class),
            None,
        ));
    }
}
