//! The `onion_messages` area: the async payment onion messages built and
//! peeled hop by hop. A payer sends `held_htlc_available` over a static
//! invoice's message path with a release reply path; the recipient answers
//! `release_held_htlc` over that reply path; an invoice server answers an
//! `invoice_request` with a `static_invoice`. Expected packets and views come
//! from the recipes' calculator (`reply_paths::calc`), not from the reference.

use super::reply_paths::{
    applies, calc, cast, context_flag, context_records, key, node, note, reason, release_paths,
    stream, suite_context, tv, view, PathDef, CHANNEL_ID, HTLC_ID, RELEASE_AUTH_KEY,
    R_RAA_RELEASE_TLV, R_RAA_REPLY_PATH, SPEC_COMMIT,
};
use asyncpay_adapter::{Profile, ReasonClass};
use asyncpay_harness::vectors::{FileBuilder, VectorFile, Verdict};
use serde_json::{json, Value};

const W_SPHINX: &str = "bolt4/onion-messages/writer/sphinx";
const W_NO_AD: &str = "bolt4/onion-messages/writer/no-associated-data";
const W_NONFINAL: &str = "bolt4/onion-messages/writer/non-final-only-encrypted-data";
const W_REPLY: &str = "bolt4/reply-paths/writer/reply-path-encrypted-data";
const W_LEN: &str = "bolt4/onion-messages/writer/packet-len";
const RD_DECRYPT: &str = "bolt4/onion-messages/reader/decrypt";
const RD_IGNORE: &str = "bolt4/onion-messages/reader/bad-onion";
const RD_NONFINAL: &str = "bolt4/onion-messages/reader/non-final-extra-fields";
const RD_NONFINAL_PATH_ID: &str = "bolt4/onion-messages/reader/non-final-path-id";
const RD_NEXT_PEER: &str = "bolt4/onion-messages/reader/next-peer";
const RD_FWD_KEY: &str = "bolt4/onion-messages/reader/forward-path-key";
const RD_ONE: &str = "bolt4/onion-messages/reader/more-than-one-payload";
const RD_REPLY_ONLY: &str = "bolt4/onion-messages/reader/non-reply-on-reply-path";
const C_NEXT: &str = "bolt4/onion-messages/creator/next-hop";
const C_NO_PAYMENT: &str = "bolt4/onion-messages/creator/no-payment-relay";
const RD_ALLOWED: &str = "bolt4/onion-messages/reader/unknown-allowed-feature";
const RB_REJECT: &str = "bolt4/reply-paths/reader/bad-encrypted-data";
const RAA_HELD: &str = "bolt2/onion-messages/payer/held-htlc-available-tlv";
const RAA_TWO: &str = "bolt2/onion-messages/payer/send-held-htlc-available";
const UAH_HOLD: &str = "bolt2/release/holding-node/no-forward-until-release";
const INV_ASYNC: &str = "bolt12/onion-messages/payer/pay-asynchronously";
/// A release the holder refuses is not a "corresponding" one: the condition
/// of the forward-on-release rule.
const FWD_ON_RELEASE: &str = "bolt2/release/holding-node/forward-on-release";
/// Without a reply path the recipient has nothing to answer over.
const RECIPIENT_REPLY: &str = "bolt2/release/recipient/reply-release-held-htlc";
/// The invoice server answers an `invoice_request` for an often-offline
/// payee with the payee's static invoice (BOLT 12, draft).
const IR_STATIC: &str = "bolt12/static-invoice/server/reply-with-static-invoice";

/// The recipient's static invoice message path: recipient's LSP -> recipient.
fn static_invoice_path() -> PathDef {
    let recs = [
        vec![(4u64, node(cast::RECIPIENT).serialize().to_vec())],
        vec![(6u64, vec![0xd1; 32])],
    ];
    PathDef {
        name: "static-invoice-message-path",
        description: "the recipient's static invoice message path",
        session: 0x81,
        hops: vec![
            (cast::RECIPIENT_LSP, stream(recs[0].clone(), Some(37))),
            (cast::RECIPIENT, stream(recs[1].clone(), Some(37))),
        ],
    }
}

/// The payer's reply path for its invoice request: payer's peer -> payer.
pub(crate) fn payer_reply_path() -> PathDef {
    PathDef {
        name: "payer-reply-path",
        description: "the payer's invoice request reply path",
        session: 0x82,
        hops: vec![
            (
                cast::PAYER_PEER,
                stream(vec![(4, node(cast::PAYER).serialize().to_vec())], Some(37)),
            ),
            (cast::PAYER, stream(vec![(6, vec![0xd2; 32])], Some(37))),
        ],
    }
}

/// An offer path whose introduction is the receiver's counterparty:
/// counterparty -> receiver (the experimental counterparty scheme).
pub(crate) fn offer_path_to_recipient() -> PathDef {
    PathDef {
        name: "offer-path-to-recipient",
        description: "an offer path counterparty -> receiver",
        session: 0x84,
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

/// The offer's path: the invoice server alone.
pub(crate) fn offer_path() -> PathDef {
    PathDef {
        name: "offer-path",
        description: "the offer's one-hop path to the invoice server",
        session: 0x83,
        hops: vec![(cast::RECIPIENT_LSP, stream(vec![(6, vec![0xd3; 32])], None))],
    }
}

/// A stand-in static invoice TLV stream (this area does not validate
/// invoices; the static_invoice area does): offer_description "coffee",
/// invoice_created_at, invoice_node_id.
fn fake_static_invoice() -> Vec<u8> {
    let t = 1_700_000_000u32.to_be_bytes();
    let id = node(cast::RECIPIENT).serialize();
    calc::tlvs(&[(10, b"coffee"), (164, &t), (176, &id)])
}

/// One message to build: destination, final payload records.
pub(crate) struct Msg {
    pub(crate) id: &'static str,
    pub(crate) description: String,
    pub(crate) session: u8,
    pub(crate) dest: PathDef,
    pub(crate) dest_view: Value,
    pub(crate) content: Option<(&'static str, u64, Vec<u8>)>,
    pub(crate) reply: Option<Value>,
    /// Replaces the final payload (raw construction of invalid messages).
    pub(crate) raw_final: Option<Vec<u8>>,
    /// Records added to each non-final payload (raw construction).
    pub(crate) raw_nonfinal_extra: Vec<(u64, Vec<u8>)>,
    /// Replaces the encrypted data of a hop (raw construction).
    pub(crate) tamper: Option<(usize, Vec<u8>)>,
    pub(crate) payloads_len: usize,
}

impl Msg {
    pub(crate) fn new(
        id: &'static str,
        description: impl Into<String>,
        session: u8,
        dest: PathDef,
    ) -> Msg {
        let dest_view = dest.view();
        Msg {
            id,
            description: description.into(),
            session,
            dest,
            dest_view,
            content: None,
            reply: None,
            raw_final: None,
            raw_nonfinal_extra: vec![],
            tamper: None,
            payloads_len: 1300,
        }
    }

    pub(crate) fn enc(&self, i: usize) -> Vec<u8> {
        match &self.tamper {
            Some((j, e)) if *j == i => e.clone(),
            _ => hex::decode(
                self.dest_view["hops"][i]["encrypted_recipient_data"]
                    .as_str()
                    .unwrap_or_default(),
            )
            .unwrap_or_default(),
        }
    }

    /// The payloads, one per hop, computed here.
    pub(crate) fn payloads(&self) -> Vec<Vec<u8>> {
        let n = self.dest.hops.len();
        (0..n)
            .map(|i| {
                let enc = self.enc(i);
                if i + 1 < n {
                    let mut recs = vec![(4u64, enc)];
                    recs.extend(self.raw_nonfinal_extra.clone());
                    return stream(recs, None);
                }
                if let Some(raw) = &self.raw_final {
                    return raw.clone();
                }
                let mut recs: Vec<(u64, Vec<u8>)> = vec![(4, enc)];
                if let Some(r) = &self.reply {
                    recs.push((2, calc::path_bytes(r)));
                }
                if let Some((_, t, v)) = &self.content {
                    recs.push((*t, v.clone()));
                }
                stream(recs, None)
            })
            .collect()
    }

    /// The onion message (hex) and the Sphinx intermediates.
    pub(crate) fn build(&self) -> (Vec<u8>, Value) {
        let hops = self.dest.blind();
        let ids: Vec<_> = hops.iter().map(|h| h.blinded).collect();
        let payloads = self.payloads();
        let (packet, sp) = calc::sphinx(&key(self.session), &ids, &payloads, self.payloads_len);
        let inter = json!({
            "payloads": payloads.iter().map(hex::encode).collect::<Vec<_>>(),
            "sphinx_hops": sp.iter().map(|s| json!({
                "ephemeral_key": calc::ph(&s.epk), "shared_secret": hex::encode(s.ss),
                "rho": hex::encode(s.rho), "mu": hex::encode(s.mu),
            })).collect::<Vec<_>>(),
        });
        (calc::onion_message(&hops[0].big_e, &packet), inter)
    }

    pub(crate) fn build_input(&self) -> Value {
        let mut v =
            json!({ "session_key": hex::encode([self.session; 32]), "path": self.dest_view });
        if let Some((k, _, val)) = &self.content {
            v["content"] = json!({ "kind": k, "value": hex::encode(val) });
        }
        if let Some(r) = &self.reply {
            v["reply_path"] = r.clone();
        }
        v
    }

    /// The message each hop receives, with its node key byte, and the
    /// expected peel view (or `None` where the calculator cannot say: after a
    /// hop that must reject).
    pub(crate) fn chain(&self, profile: &Profile) -> Vec<(u8, Vec<u8>, Value)> {
        let hops = self.dest.blind();
        let (mut msg, _) = self.build();
        let mut out = Vec::new();
        for (i, (n, _)) in self.dest.hops.iter().enumerate() {
            let e = &hops[i].big_e;
            let (_, b, rho, computed) = calc::reader(&key(*n), e);
            let packet = &msg[37..];
            let (_payload, next) = calc::peel(packet, &b);
            let clear = asyncpay_reference::crypto::aead_decrypt(&rho, &[0; 12], &[], &self.enc(i))
                .unwrap_or_default();
            let mut v = json!({ "encrypted_data_tlvs": hex::encode(&clear) });
            match next {
                Some(np) => {
                    let uv = super::reply_paths::unblind_view(&hops, i, &key(*n));
                    let nk = uv["next_path_key"]
                        .as_str()
                        .map(String::from)
                        .unwrap_or_else(|| calc::ph(&computed));
                    let nk = asyncpay_reference::crypto::public_key(&nk, "k")
                        .expect("calculator output");
                    let next_msg = calc::onion_message(&nk, &np);
                    let mut fwd = json!({ "onion_message": hex::encode(&next_msg) });
                    if let Some(id) = uv.get("next_node_id") {
                        fwd["next_node_id"] = id.clone();
                    }
                    v["forward"] = fwd;
                    out.push((*n, msg.clone(), v));
                    msg = next_msg;
                }
                None => {
                    let uv = super::reply_paths::unblind_view(&hops, i, &key(*n));
                    let mut r = json!({});
                    if let Some(p) = uv.get("path_id") {
                        r["path_id"] = p.clone();
                    }
                    if let Some((k, t, val)) = &self.content {
                        r["content"] = json!({ "kind": k, "type": t, "value": hex::encode(val) });
                    }
                    if let Some(rp) = &self.reply {
                        r["reply_path"] = rp.clone();
                    }
                    if self.content.as_ref().map(|c| c.0) == Some("release_held_htlc") {
                        let t = profile.numbers.encrypted_data_release_context;
                        r["release_context"] = if suite_context(profile) {
                            let mut value = CHANNEL_ID.to_vec();
                            value.extend(HTLC_ID.to_be_bytes());
                            json!({ "type": t, "value": hex::encode(value), "channel_id": hex::encode(CHANNEL_ID), "htlc_id": HTLC_ID, "authenticated": true })
                        } else {
                            json!({ "type": t, "value": hex::encode(super::reply_paths::OPAQUE_CONTEXT), "authenticated": false })
                        };
                    }
                    v["receive"] = r;
                    out.push((*n, msg.clone(), v));
                }
            }
        }
        out
    }
}

pub(crate) fn peel_input(n: u8, msg: &[u8]) -> Value {
    let mut v = json!({ "node_secret": hex::encode([n; 32]), "onion_message": hex::encode(msg) });
    if n == cast::HOLDER {
        v["release_auth_key"] = json!(hex::encode(RELEASE_AUTH_KEY));
    }
    v
}

fn hop_name(n: u8) -> &'static str {
    match n {
        cast::HOLDER => "holder",
        cast::HOP_A => "hop-a",
        cast::HOP_B => "hop-b",
        cast::RECIPIENT => "recipient",
        cast::RECIPIENT_LSP => "recipient-lsp",
        cast::PAYER => "payer",
        cast::PAYER_PEER => "payer-peer",
        _ => "node",
    }
}

/// Generate the area for `profile` (`None` for experimental profiles).
pub fn generate(profile: &Profile) -> Option<VectorFile> {
    if !applies(profile) {
        return None;
    }
    let nums = &profile.numbers;
    let ctx_flag = context_flag(profile);
    let types_flag = profile
        .choices
        .iter()
        .find(|c| c.field == "onionmsg_held_htlc_available")
        .map(|c| c.flag.clone())
        .unwrap_or_else(|| "ImplementationTypes".into());
    let mut f = FileBuilder::new("onion_messages", &profile.name, SPEC_COMMIT);
    f.header("Async payment onion messages (BOLT 4 onion messages; the draft's held_htlc_available and release_held_htlc, and static_invoice 70), built and peeled hop by hop. Keys are fixed: node i's secret is 32 copies of one byte (holder 0x11, hops A 0x22 and B 0x33, recipient 0x44, recipient's LSP 0x55, payer 0x66, payer's peer 0x77, attacker 0x88); the holder's release_auth_key is 32 x 0x99. Builds use a payloads length of 1300. Expected packets and views come from the recipes' calculator, which reproduces the BOLT 4 upstream vectors.");
    f.note(
        "Valid",
        note(
            "Valid",
            "A correct construction or peel: the view must match exactly.",
            None,
            &[],
        ),
    );
    f.note(&types_flag, note("DraftGap", if profile.kind == "draft" {
        "held_htlc_available (72) and release_held_htlc (74) have no onionmsg_tlv number in the draft; these are the suite's documented choice (LDK's numbers)."
    } else {
        "The implementation's onionmsg_tlv numbers for held_htlc_available and release_held_htlc."
    }, None, &[RAA_HELD]));
    f.note(&ctx_flag, note("DraftGap", if suite_context(profile) {
        "Depends on the suite's release context (encrypted_data_tlv 16: channel_id || htlc_id, authenticated by path_id = HMAC256(release_auth_key, tag || context)); see vectors/release-context.md."
    } else {
        "The release context is LDK-private (type 65537, opaque here). A real LDK node authenticates its own paths by a key of its own (its final-hop tag uses its receive key), so it cannot be expected to accept a path the suite built: receipt of a release over such a path is `acceptable`."
    }, Some("A holder that does not authenticate the context releases HTLCs on anyone's say-so."), &[R_RAA_RELEASE_TLV, UAH_HOLD]));
    f.note("UnknownAllowedFeature", note("MalformedInput", "A hop's encrypted_data_tlv has allowed_features with a bit set: BOLT 9 defines no feature for the field, so the bit is unknown to every reader.", Some("A reader that skips the field forwards a message whose creator restricted it to features the reader lacks."), &[RD_ALLOWED]));
    f.note("AllowedFeatures", note("Valid", "A hop's encrypted_data_tlv has an empty allowed_features: no feature is allowed and none is used, so the message is processed.", None, &[RD_ALLOWED]));
    f.note("PaymentFields", note("EdgeCase", "A hop's encrypted_data_tlv in an onion message path carries payment_relay and payment_constraints, which its creator must not include; BOLT 4 gives the onion message reader no rule for them, so forwarding and ignoring are both conforming.", None, &[C_NO_PAYMENT]));
    f.note("LargePacket", note("EdgeCase", "The payloads do not fit the 1366-byte packet: the message is built in the 32834-byte one, the other size BOLT 4 recommends.", None, &[W_LEN]));
    f.note("DummyHops", note("Valid", "The path ends in dummy hops at the holder itself: the holder peels, finds next_node_id = itself, and peels again.", None, &["bolt4/reply-paths/writer/dummy-hops"]));
    f.note("ModifiedCiphertext", note("ModifiedCiphertext", "A hop's encrypted_recipient_data has one bit flipped: the onion layer verifies but the data does not decrypt.", None, &[RD_DECRYPT, RD_IGNORE, RB_REJECT]));
    f.note("WrongPathKey", note("WrongPathKey", "The onion_message carries another path's path_key: the blinded key differs, so the onion HMAC fails.", None, &[RD_DECRYPT, RD_IGNORE]));
    f.note(
        "UnknownEvenType",
        note(
            "MalformedInput",
            "encrypted_data_tlv with an unknown even type (42).",
            None,
            &[RB_REJECT, RD_IGNORE],
        ),
    );
    f.note(
        "EmptyPath",
        note(
            "MalformedInput",
            "A reply_path with no hops.",
            Some("The recipient cannot answer over it."),
            &[W_REPLY, R_RAA_REPLY_PATH],
        ),
    );
    f.note("BothNextHops", note("MalformedInput", "A forwarding hop's data carries both next_node_id and short_channel_id.", Some("The draft's onion message text says 'either'; payments say 'exactly one'. The suite rejects both: the next peer is ambiguous."), &[C_NEXT, RD_NEXT_PEER]));
    f.note("TwoContents", note("MalformedInput", "The final onionmsg_tlv carries two payload fields (held_htlc_available and static_invoice).", None, &[RD_ONE]));
    f.note("MissingReplyPath", note("MissingField", "held_htlc_available without a reply_path: the recipient has no way to send release_held_htlc.", Some("The HTLC stays held until it times out."), &[RAA_HELD, R_RAA_REPLY_PATH]));
    f.note("ForgedRelease", note("Unauthenticated", "release_held_htlc over a path the holder did not create (built by someone else, without a context or with one authenticated under another key).", Some("Anyone who can reach the holder could release held HTLCs."), &[UAH_HOLD, R_RAA_RELEASE_TLV]));
    f.note("AlteredContext", note("Unauthenticated", "release_held_htlc over a path whose release context names another HTLC than its path_id MAC covers.", Some("A release for one HTLC would release another."), &[UAH_HOLD, R_RAA_RELEASE_TLV]));
    f.note("MisusedReleasePath", note("Unauthenticated", "A message other than release_held_htlc (here held_htlc_available) over a reply path the holder made for releases.", None, &[RD_REPLY_ONLY]));
    f.note(
        "NonFinalExtraField",
        note(
            "MalformedInput",
            "A forwarding hop's onionmsg_tlv carries a field besides encrypted_recipient_data.",
            None,
            &[W_NONFINAL, RD_NONFINAL],
        ),
    );
    f.note(
        "NonFinalPathId",
        note(
            "MalformedInput",
            "A forwarding hop's encrypted_data_tlv carries path_id.",
            None,
            &[RD_NONFINAL_PATH_ID],
        ),
    );
    f.note("OversizePacket", note("SuiteBound", "An onion_message_packet of 32835 bytes (payloads of 32769): over BOLT 4's largest recommended size. BOLT 4 only says the writer SHOULD use 1366 or 32834; the reference bounds its input there, so rejecting is acceptable, and so is accepting.", None, &[W_LEN]));

    let paths = release_paths(profile);
    let rel = |i: usize| paths[i].clone();
    let sip = static_invoice_path();
    let held = (
        "held_htlc_available",
        nums.onionmsg_held_htlc_available,
        Vec::new(),
    );
    let release = (
        "release_held_htlc",
        nums.onionmsg_release_held_htlc,
        Vec::new(),
    );

    let mut m1 = Msg::new("held-htlc-available", "The payer sends held_htlc_available over the static invoice's message path (recipient's LSP -> recipient), with the three-hop release reply path the holder gave it.", 0x91, sip.clone());
    m1.content = Some(held.clone());
    m1.reply = Some(rel(1).view());
    let mut m1b = Msg::new("held-htlc-available-second", "The payer's second held_htlc_available (the draft requires at least two), with another, unique reply path (the one-hop release path).", 0x92, sip.clone());
    m1b.content = Some(held.clone());
    m1b.reply = Some(rel(0).view());
    let mut m2 = Msg::new(
        "release-three-hops",
        "The recipient answers release_held_htlc over the three-hop release reply path.",
        0x93,
        rel(1),
    );
    m2.content = Some(release.clone());
    let mut m3 = Msg::new(
        "release-one-hop",
        "The recipient answers release_held_htlc over the one-hop release reply path.",
        0x94,
        rel(0),
    );
    m3.content = Some(release.clone());
    let mut m4 = Msg::new("release-dummy-hops", "The recipient answers release_held_htlc over the release reply path that ends in two dummy hops.", 0x95, rel(2));
    m4.content = Some(release.clone());
    let mut m5 = Msg::new("invoice-request", "The payer sends an invoice_request over the offer's path to the invoice server (the recipient is offline), with its reply path.", 0x96, offer_path());
    m5.content = Some((
        "invoice_request",
        64,
        calc::tlvs(&[(10, b"coffee"), (88, &node(cast::PAYER).serialize())]),
    ));
    m5.reply = Some(payer_reply_path().view());
    let mut m6 = Msg::new("static-invoice", "The invoice server answers the invoice_request with the recipient's static_invoice over the payer's reply path.", 0x97, payer_reply_path());
    m6.content = Some((
        "static_invoice",
        nums.onionmsg_static_invoice,
        fake_static_invoice(),
    ));

    let valid_msgs = [m1, m1b, m2, m3, m4, m5, m6];
    for m in &valid_msgs {
        let kind = m.content.as_ref().map(|c| c.0).unwrap_or("");
        let is_release = kind == "release_held_htlc";
        let mut flags: Vec<&str> = vec!["Valid"];
        if kind == "held_htlc_available" || is_release {
            flags.push(&types_flag);
        }
        if is_release {
            flags.push(&ctx_flag);
        }
        if m.id == "release-dummy-hops" {
            flags.push("DummyHops");
        }
        // Every message is built in a 1366-byte packet, the size BOLT 4
        // recommends, which the expected bytes pin.
        let mut reqs = vec![W_SPHINX, W_NO_AD, W_NONFINAL, W_LEN];
        match kind {
            "held_htlc_available" => {
                reqs.extend([W_REPLY, RAA_HELD, RAA_TWO, R_RAA_REPLY_PATH, INV_ASYNC])
            }
            "release_held_htlc" => reqs.extend([UAH_HOLD, R_RAA_RELEASE_TLV]),
            "static_invoice" => reqs.push(IR_STATIC),
            _ => reqs.push(W_REPLY),
        }
        let (msg, inter) = m.build();
        let mut inter = inter;
        inter["destination_hops"] = json!(m
            .dest
            .blind()
            .iter()
            .enumerate()
            .map(|(i, h)| h.json(&format!("hop{i}")))
            .collect::<Vec<_>>());
        f.test(tv(format!("build-{}", m.id), m.description.clone(), &reqs, &flags, Verdict::Valid, "onion_message.build", m.build_input(), view(json!({ "first_node_id": m.dest_view["first_node_id"], "onion_message": hex::encode(&msg) })), Some(inter)));
        let chain = m.chain(profile);
        let last = chain.len() - 1;
        for (i, (n, incoming, v)) in chain.into_iter().enumerate() {
            let (mut preqs, what) = if i < last {
                (vec![RD_DECRYPT, RD_NEXT_PEER, RD_FWD_KEY], "forwards it")
            } else {
                (vec![RD_DECRYPT, RD_ONE], "receives it")
            };
            if i == last {
                match kind {
                    "held_htlc_available" => preqs.extend([RAA_HELD, R_RAA_REPLY_PATH]),
                    "release_held_htlc" => preqs.extend([UAH_HOLD, R_RAA_RELEASE_TLV]),
                    _ => {}
                }
            }
            let verdict = if is_release && i == last && !suite_context(profile) {
                Verdict::Acceptable
            } else {
                Verdict::Valid
            };
            let mut desc = format!("Hop {i} ({}) of {}: it {what}.", hop_name(n), m.id);
            if verdict == Verdict::Acceptable {
                desc.push_str(" The context is implementation-private: an implementation may refuse a path it cannot authenticate.");
            }
            f.test(tv(
                format!("peel-{}-hop{i}-{}", m.id, hop_name(n)),
                desc,
                &preqs,
                &flags,
                verdict,
                "onion_message.peel",
                peel_input(n, &incoming),
                view(v),
                None,
            ));
        }
    }

    // A reply whose payloads outgrow the 1300 bytes of the smaller packet:
    // the builder, given no size, takes the larger one BOLT 4 recommends
    // (32834 bytes). Only the build is a vector (each hop's message would
    // be another 65 kB of hex).
    let mut big = Msg::new("static-invoice-large", "The invoice server answers with a static_invoice whose description takes 1400 bytes, over the payer's reply path: the payloads outgrow the 1366-byte packet, so the message is built in the 32834-byte one.", 0x98, payer_reply_path());
    let t = 1_700_000_000u32.to_be_bytes();
    let id = node(cast::RECIPIENT).serialize();
    big.content = Some((
        "static_invoice",
        nums.onionmsg_static_invoice,
        calc::tlvs(&[(10, &[b'a'; 1400][..]), (164, &t), (176, &id)]),
    ));
    big.payloads_len = 32768;
    let (msg, _) = big.build();
    f.test(tv(format!("build-{}", big.id), big.description.clone(), &[W_SPHINX, W_NO_AD, W_LEN, IR_STATIC], &["Valid", "LargePacket"], Verdict::Valid, "onion_message.build", big.build_input(), view(json!({ "first_node_id": big.dest_view["first_node_id"], "onion_message": hex::encode(&msg) })), None));

    // ---- invalid ----
    let peel_at = |f: &mut FileBuilder,
                   m: &Msg,
                   hop: usize,
                   id: &str,
                   desc: &str,
                   reqs: &[&str],
                   flag: &str,
                   class: ReasonClass,
                   verdict: Verdict| {
        let (msg, inter) = m.build();
        // Walk to `hop` with the calculator (earlier hops are valid).
        let hops = m.dest.blind();
        let mut cur = msg;
        for ((n, _), h) in m.dest.hops.iter().zip(&hops).take(hop) {
            let (_, b, _, computed) = calc::reader(&key(*n), &h.big_e);
            let (_, next) = calc::peel(&cur[37..], &b);
            cur = calc::onion_message(&computed, &next.expect("earlier hops forward"));
        }
        let n = m.dest.hops[hop].0;
        let mut inter = inter;
        inter["destination"] = m.dest_view.clone();
        let mut t = tv(
            id,
            desc,
            reqs,
            &[flag],
            verdict,
            "onion_message.peel",
            peel_input(n, &cur),
            reason(class),
            Some(inter),
        );
        if verdict == Verdict::Acceptable {
            t.expected.reason = Some(class);
        }
        f.test(t);
    };

    // Tampered encrypted data at hop B of the three-hop release path.
    let mut m = Msg::new("x", "", 0xa1, rel(1));
    m.content = Some(release.clone());
    let mut enc = m.enc(1);
    enc[3] ^= 0x10;
    m.tamper = Some((1, enc));
    peel_at(&mut f, &m, 1, "tampered-encrypted-data", "release_held_htlc over the three-hop release path whose hop B encrypted_recipient_data has one bit flipped; hop B peels.", &[RD_DECRYPT, RD_IGNORE, RB_REJECT], "ModifiedCiphertext", ReasonClass::DecryptionFailed, Verdict::Invalid);

    // Wrong path key: the message to hop A carries the one-hop path's key.
    let mut m = Msg::new("x", "", 0xa2, rel(1));
    m.content = Some(release.clone());
    let (mut msg, _) = m.build();
    msg[2..35].copy_from_slice(&rel(0).blind()[0].big_e.serialize());
    f.test(tv("wrong-path-key", "release_held_htlc to hop A of the three-hop release path, but the onion_message's path_key is the one-hop path's first path key.", &[RD_DECRYPT, RD_IGNORE], &["WrongPathKey"], Verdict::Invalid, "onion_message.peel", peel_input(cast::HOP_A, &msg), reason(ReasonClass::InvalidHmac), None));

    let ctx = || {
        stream(
            context_records(profile, &CHANNEL_ID, HTLC_ID, &RELEASE_AUTH_KEY),
            None,
        )
    };
    let raw_path = |session: u8, first: Vec<(u64, Vec<u8>)>| PathDef {
        name: "raw",
        description: "",
        session,
        hops: vec![(cast::HOP_A, stream(first, None)), (cast::HOLDER, ctx())],
    };
    let holder_id = || (4u64, node(cast::HOLDER).serialize().to_vec());
    for (id, desc, first, flag, class, reqs) in [
        (
            "unknown-even-in-encrypted-data",
            "hop A's encrypted_data_tlv carries an unknown even type 42",
            vec![holder_id(), (42u64, vec![7])],
            "UnknownEvenType",
            ReasonClass::UnknownEvenType,
            vec![RB_REJECT, RD_IGNORE, "bolt1/tlv/reader/unknown-even"],
        ),
        (
            "next-node-and-scid",
            "hop A's encrypted_data_tlv carries both next_node_id and short_channel_id",
            vec![
                (
                    2u64,
                    (700_000u64 << 40 | 1 << 16 | 1).to_be_bytes().to_vec(),
                ),
                holder_id(),
            ],
            "BothNextHops",
            ReasonClass::InvalidEncryptedData,
            vec![C_NEXT, RD_NEXT_PEER],
        ),
        (
            "non-final-path-id",
            "hop A's encrypted_data_tlv carries a path_id",
            vec![holder_id(), (6u64, vec![0xee; 32])],
            "NonFinalPathId",
            ReasonClass::InvalidEncryptedData,
            vec![RD_NONFINAL_PATH_ID],
        ),
    ] {
        let mut m = Msg::new("x", "", 0xa3, raw_path(0x7d, first));
        m.content = Some(release.clone());
        peel_at(
            &mut f,
            &m,
            0,
            id,
            &format!("release_held_htlc over a path A -> holder where {desc}; hop A peels."),
            &reqs,
            flag,
            class,
            Verdict::Invalid,
        );
    }

    // allowed_features: BOLT 9 defines no feature in its context, so a set
    // bit is unknown to the reader, which ignores the message; an empty one
    // allows nothing and the message uses nothing.
    let mut m = Msg::new(
        "x",
        "",
        0xb3,
        raw_path(0x7e, vec![holder_id(), (14, vec![0x02])]),
    );
    m.content = Some(release.clone());
    peel_at(&mut f, &m, 0, "unknown-allowed-feature", "release_held_htlc over a path A -> holder where hop A's encrypted_data_tlv has allowed_features with bit 1 (odd) set, a bit no reader knows there; hop A peels.", &[RD_ALLOWED], "UnknownAllowedFeature", ReasonClass::InvalidEncryptedData, Verdict::Invalid);
    // payment_relay (cltv_expiry_delta 144, 1 ppm, base 1 msat) and
    // payment_constraints (max_cltv_expiry 800000, htlc_minimum_msat 1).
    let relay = vec![0x00, 0x90, 0, 0, 0, 1, 1];
    let constraints = vec![0x00, 0x0c, 0x35, 0x00, 1];
    for (id, session, desc, first, verdict, reqs, flag) in [
        (
            "empty-allowed-features",
            0xb4u8,
            "hop A's encrypted_data_tlv has an empty allowed_features",
            vec![holder_id(), (14u64, vec![])],
            Verdict::Valid,
            vec![RD_DECRYPT, RD_NEXT_PEER, RD_FWD_KEY, RD_ALLOWED],
            "AllowedFeatures",
        ),
        (
            "payment-fields-in-encrypted-data",
            0xb5,
            "hop A's encrypted_data_tlv has payment_relay and payment_constraints, which its creator must not include",
            vec![holder_id(), (10u64, relay), (12, constraints)],
            Verdict::Acceptable,
            vec![C_NO_PAYMENT],
            "PaymentFields",
        ),
    ] {
        let mut m = Msg::new("x", "", session, raw_path(session, first));
        m.content = Some(release.clone());
        let Some((n, incoming, v)) = m.chain(profile).into_iter().next() else {
            continue;
        };
        f.test(tv(
            format!("peel-{id}-hop0-{}", hop_name(n)),
            format!("release_held_htlc over a path A -> holder where {desc}; hop A peels and forwards it."),
            &reqs,
            &[flag],
            verdict,
            "onion_message.peel",
            peel_input(n, &incoming),
            view(v),
            None,
        ));
    }

    let mut m = Msg::new("x", "", 0xa4, rel(1));
    m.content = Some(release.clone());
    m.raw_nonfinal_extra = vec![(nums.onionmsg_release_held_htlc, vec![])];
    peel_at(&mut f, &m, 0, "non-final-extra-field", "release_held_htlc over the three-hop release path, the sender also put a release_held_htlc field in hop A's payload; hop A peels.", &[W_NONFINAL, RD_NONFINAL], "NonFinalExtraField", ReasonClass::InvalidContent, Verdict::Invalid);
    // Found by `asyncpay fuzz` (seed 0, 600 s): the rule names every
    // field besides encrypted_recipient_data, an odd type of BOLT 4's own
    // range and a reply_path included, not only message contents.
    let mut m = Msg::new("x", "", 0xb1, rel(1));
    m.content = Some(release.clone());
    m.raw_nonfinal_extra = vec![(33, vec![])];
    peel_at(&mut f, &m, 0, "non-final-extra-odd-field", "release_held_htlc over the three-hop release path, the sender also put an empty record of odd type 33 (no onionmsg_tlv field) in hop A's payload; hop A peels.", &[W_NONFINAL, RD_NONFINAL], "NonFinalExtraField", ReasonClass::InvalidContent, Verdict::Invalid);
    let mut m = Msg::new("x", "", 0xb2, rel(1));
    m.content = Some(release.clone());
    m.raw_nonfinal_extra = vec![(2, calc::path_bytes(&rel(0).view()))];
    peel_at(&mut f, &m, 0, "non-final-reply-path", "release_held_htlc over the three-hop release path, the sender also put a reply_path in hop A's payload; hop A peels.", &[W_NONFINAL, RD_NONFINAL], "NonFinalExtraField", ReasonClass::InvalidContent, Verdict::Invalid);

    // Final payload breaks: built raw.
    let sip_enc = Msg::new("x", "", 0, sip.clone()).enc(1);
    let mut empty_reply = hex::decode(rel(0).view()["first_node_id"].as_str().unwrap_or_default())
        .unwrap_or_default();
    empty_reply.extend(rel(0).blind()[0].big_e.serialize());
    empty_reply.push(0);
    let held_t = nums.onionmsg_held_htlc_available;
    let si_t = nums.onionmsg_static_invoice;
    let reply_bytes = calc::path_bytes(&rel(1).view());
    for (id, desc, recs, flag, class, reqs) in [
        (
            "reply-path-no-hops",
            "held_htlc_available whose reply_path has no hops",
            vec![(2u64, empty_reply.clone()), (held_t, vec![])],
            "EmptyPath",
            ReasonClass::InvalidBlindedPath,
            vec![W_REPLY, R_RAA_REPLY_PATH],
        ),
        (
            "two-contents",
            "held_htlc_available and static_invoice in one onionmsg_tlv",
            vec![
                (2u64, reply_bytes.clone()),
                (si_t, fake_static_invoice()),
                (held_t, vec![]),
            ],
            "TwoContents",
            ReasonClass::InvalidContent,
            vec![RD_ONE],
        ),
        (
            "held-without-reply-path",
            "held_htlc_available without a reply_path",
            vec![(held_t, vec![])],
            "MissingReplyPath",
            ReasonClass::MissingReplyPath,
            vec![RAA_HELD, R_RAA_REPLY_PATH, RECIPIENT_REPLY],
        ),
    ] {
        let mut m = Msg::new("x", "", 0xa5, sip.clone());
        let mut recs = recs;
        recs.push((4, sip_enc.clone()));
        m.raw_final = Some(stream(recs, None));
        peel_at(&mut f, &m, 1, id, &format!("The payer's message over the static invoice's message path: {desc}; the recipient peels."), &reqs, flag, class, Verdict::Invalid);
    }
    let mut bad = json!({ "session_key": hex::encode([0xa6u8; 32]), "path": sip.view(), "content": { "kind": "held_htlc_available", "value": "" } });
    bad["reply_path"] = json!({ "first_node_id": rel(0).view()["first_node_id"], "first_path_key": rel(0).view()["first_path_key"], "hops": [] });
    f.test(tv(
        "build-reply-path-no-hops",
        "The payer is asked to build held_htlc_available with a reply_path of no hops.",
        &[W_REPLY, R_RAA_REPLY_PATH],
        &["EmptyPath"],
        Verdict::Invalid,
        "onion_message.build",
        bad,
        reason(ReasonClass::InvalidBlindedPath),
        None,
    ));

    // Releases the holder must refuse.
    let forged = |session: u8, data: Vec<u8>| PathDef {
        name: "forged",
        description: "",
        session,
        hops: vec![(cast::HOLDER, data)],
    };
    let mut cases: Vec<(&str, String, PathDef, &str)> = vec![(
        "release-not-our-path",
        "release_held_htlc over a one-hop path to the holder that someone else built, with a path_id but no release context".into(),
        forged(0x7a, stream(vec![(6, vec![0x42; 32])], None)),
        "ForgedRelease",
    )];
    if suite_context(profile) {
        cases.push(("release-forged-context", "release_held_htlc over a path someone else built with a well-formed release context for the held HTLC, its path_id an HMAC under the attacker's own key".into(), forged(0x7b, stream(context_records(profile, &CHANNEL_ID, HTLC_ID, &[cast::ATTACKER; 32]), None)), "ForgedRelease"));
        let mut recs = context_records(profile, &CHANNEL_ID, HTLC_ID, &RELEASE_AUTH_KEY);
        let t = nums.encrypted_data_release_context;
        for r in recs.iter_mut() {
            if r.0 == t {
                r.1[39] ^= 0x0f; // htlc_id 7 -> 8
            }
        }
        cases.push(("release-altered-context", "release_held_htlc over a path whose release context names HTLC 8 while its path_id authenticates HTLC 7".into(), forged(0x7c, stream(recs, None)), "AlteredContext"));
    }
    for (id, desc, p, flag) in cases {
        let mut m = Msg::new("x", "", 0xa7, p);
        m.content = Some(release.clone());
        peel_at(
            &mut f,
            &m,
            0,
            id,
            &format!("{desc}; the holder peels with its release_auth_key."),
            &[UAH_HOLD, R_RAA_RELEASE_TLV, FWD_ON_RELEASE],
            flag,
            ReasonClass::UnauthenticatedRelease,
            Verdict::Invalid,
        );
    }
    let mut m = Msg::new("x", "", 0xa8, rel(0));
    m.content = Some(held.clone());
    m.reply = Some(payer_reply_path().view());
    peel_at(&mut f, &m, 0, "release-path-misused", "held_htlc_available (with a reply path) arrives over the holder's one-hop release reply path; the holder peels.", &[RD_REPLY_ONLY], "MisusedReleasePath", ReasonClass::InvalidContent, Verdict::Invalid);

    let mut m = Msg::new("x", "", 0xa9, rel(0));
    m.content = Some(release.clone());
    m.payloads_len = 32769;
    peel_at(
        &mut f,
        &m,
        0,
        "oversize-packet",
        "release_held_htlc over the one-hop release path in a 32835-byte packet; the holder peels.",
        &[W_LEN],
        "OversizePacket",
        ReasonClass::InvalidValue,
        Verdict::Acceptable,
    );
    Some(f.finish())
}

#[cfg(test)]
pub(crate) mod tests {
    use asyncpay_adapter::{Adapter, Outcome, Profile};
    use asyncpay_harness::vectors::{VectorFile, Verdict};

    /// The profiles of `vectors/profiles.json`.
    pub(crate) fn profiles() -> Vec<Profile> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../profiles.json");
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("profiles.json"))
                .expect("json");
        serde_json::from_value(v["profiles"].clone()).expect("profiles")
    }

    /// Run every test of `file` through the reference; panics listing every failure.
    pub(crate) fn run(file: &VectorFile, profile: &Profile) {
        file.check_structure()
            .unwrap_or_else(|e| panic!("{}: {e:?}", file.area));
        let mut failures = Vec::new();
        for t in &file.tests {
            let op = t.operation().expect("well formed");
            let out = asyncpay_reference::ReferenceAdapter.execute(&op, profile);
            let ok = match (t.result, &out) {
                (Verdict::Valid, Outcome::Accepted { view }) => {
                    Some(view) == t.expected.view.as_ref()
                }
                (Verdict::Invalid, Outcome::Rejected(_)) => true,
                (Verdict::Acceptable, Outcome::Rejected(_)) => true,
                (Verdict::Acceptable, Outcome::Accepted { view }) => match &t.expected.view {
                    None => true,
                    Some(v) => v == view,
                },
                _ => false,
            };
            if !ok {
                failures.push(format!(
                    "{}/{}/{}: {:?} got {}",
                    profile.name,
                    file.area,
                    t.id,
                    t.result,
                    serde_json::to_string(&out).unwrap_or_default()
                ));
            }
            if let (Verdict::Invalid, Outcome::Rejected(r), Some(want)) =
                (t.result, &out, t.expected.reason)
            {
                if r.reason != want {
                    failures.push(format!(
                        "{}/{}/{}: reason {:?}, want {want:?} ({})",
                        profile.name, file.area, t.id, r.reason, r.detail
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn areas_pass_the_reference_for_every_profile() {
        for p in profiles() {
            for gen in [
                super::generate,
                super::super::reply_paths::generate,
                super::super::experimental_counterparty::generate,
                super::super::experimental_release_secret::generate,
            ] {
                if let Some(f) = gen(&p) {
                    run(&f, &p);
                }
            }
        }
    }

    #[test]
    fn generation_is_deterministic() {
        for p in profiles() {
            for gen in [
                super::generate,
                super::super::reply_paths::generate,
                super::super::experimental_counterparty::generate,
                super::super::experimental_release_secret::generate,
            ] {
                let a = gen(&p).map(|f| asyncpay_harness::vectors::to_canonical_json(&f));
                let b = gen(&p).map(|f| asyncpay_harness::vectors::to_canonical_json(&f));
                assert_eq!(a, b);
            }
        }
    }

    /// Committed files must equal their regeneration; with
    /// `ASYNCPAY_WRITE_VECTORS=1` the files are (re)written instead.
    #[test]
    fn committed_files_match_recipes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let write = std::env::var("ASYNCPAY_WRITE_VECTORS").is_ok_and(|v| v == "1");
        for p in profiles() {
            for a in super::super::AREAS
                .iter()
                .filter(|a| MY_AREAS.contains(&a.name))
            {
                let Some(f) = (a.generate)(&p) else { continue };
                let path = root.join(&p.name).join(format!("{}.json", a.name));
                let text = asyncpay_harness::vectors::to_canonical_json(&f);
                if write {
                    std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
                    std::fs::write(&path, text).expect("write");
                } else {
                    let old = std::fs::read_to_string(&path).unwrap_or_default();
                    assert!(old == text, "{} drifted from its recipe", path.display());
                }
            }
        }
    }

    /// The areas this module's tests own.
    const MY_AREAS: &[&str] = &[
        "reply_paths",
        "onion_messages",
        "experimental_counterparty_invoice",
        "experimental_release_secret",
    ];
}
