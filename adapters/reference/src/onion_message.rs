//! Onion messages (BOLT 4 "Onion Messages"): the `onion_message` wire
//! message (type 513), the `onionmsg_tlv` payloads, and the async payment
//! contents `static_invoice`, `held_htlc_available` and `release_held_htlc`
//! (numbers per profile).
//!
//! Building ([`build`]) follows BOLT 4's writer: every hop of the (blinded)
//! path gets a Sphinx layer encrypted to its `blinded_node_id`, carrying its
//! `encrypted_recipient_data`; the final hop also carries the content and
//! the `reply_path`; no associated data. Peeling ([`peel`]) follows the
//! reader: tweak the node key with the path key's blinding factor, peel the
//! Sphinx layer, decrypt `encrypted_recipient_data`, then forward (next
//! `path_key` and packet) or receive (content, reply path, release context).

use crate::blinding::{self, EncryptedData};
use crate::crypto;
use crate::experimental;
use crate::experimental::invoice_server as isrv;
use crate::release_context;
use crate::rules::{self, Rule};
use crate::sphinx;
use crate::tlv;
use crate::wire::{read_path, unhex, write_path, Cursor};
use asyncpay_adapter::blinding::BlindedPathView;
use asyncpay_adapter::onion::{
    BuildOnionMessage, BuiltOnionMessageView, ContentView, ForwardView, MessageContent,
    PeelOnionMessage, PeeledOnionMessageView, RawTlv, ReceiveView, ReleaseContextView,
};
use asyncpay_adapter::{Outcome, Profile, ReasonClass, Rejection};
use secp256k1::PublicKey;

/// Message type of `onion_message`.
pub const MSG_TYPE: u16 = 513;
/// `onionmsg_tlv` type of `reply_path`.
pub const REPLY_PATH: u64 = 2;
/// `onionmsg_tlv` type of `encrypted_recipient_data`.
pub const ENCRYPTED_RECIPIENT_DATA: u64 = 4;
/// `onionmsg_tlv` type of `invoice_request`.
pub const INVOICE_REQUEST: u64 = 64;
/// `onionmsg_tlv` type of `invoice`.
pub const INVOICE: u64 = 66;
/// `onionmsg_tlv` type of `invoice_error`.
pub const INVOICE_ERROR: u64 = 68;
/// The default `onionmsg_payloads` length (a packet the size of an HTLC onion).
pub const DEFAULT_PAYLOADS_LEN: usize = 1300;

/// The content kinds and their type numbers under `profile`.
pub fn content_types(profile: &Profile) -> Vec<(&'static str, u64)> {
    let n = &profile.numbers;
    let mut v = vec![
        ("invoice_request", INVOICE_REQUEST),
        ("invoice", INVOICE),
        ("invoice_error", INVOICE_ERROR),
        ("static_invoice", n.onionmsg_static_invoice),
        ("held_htlc_available", n.onionmsg_held_htlc_available),
        ("release_held_htlc", n.onionmsg_release_held_htlc),
    ];
    let experimental = [
        ("async_payment_notice", n.onionmsg_async_notice),
        ("async_payment_trigger", n.onionmsg_async_trigger),
        ("hold_htlc_request", n.onionmsg_hold_request),
        ("offer_paths_request", n.onionmsg_offer_paths_request),
        ("offer_paths", n.onionmsg_offer_paths),
        ("serve_static_invoice", n.onionmsg_serve_static_invoice),
        (
            "static_invoice_persisted",
            n.onionmsg_static_invoice_persisted,
        ),
    ];
    v.extend(experimental.into_iter().filter_map(|(k, t)| Some((k, t?))));
    v
}

/// True when the profile's release context is the suite's construction
/// (see [`release_context`]) rather than an implementation's private bytes.
pub fn suite_release_context(profile: &Profile) -> bool {
    profile.kind != "implementation"
}

/// Encode `onion_message`: type, `path_key`, `len`, packet.
pub fn encode_message(path_key: &PublicKey, packet: &[u8]) -> Result<Vec<u8>, Rejection> {
    let len = u16::try_from(packet.len())
        .map_err(|_| Rejection::new(ReasonClass::InvalidValue, "onion packet over 65535 bytes"))?;
    let mut m = MSG_TYPE.to_be_bytes().to_vec();
    m.extend_from_slice(&path_key.serialize());
    m.extend_from_slice(&len.to_be_bytes());
    m.extend_from_slice(packet);
    Ok(m)
}

/// Decode `onion_message` into its `path_key` and packet. Bytes after the
/// packet (a message extension) are ignored.
pub fn decode_message(bytes: &[u8]) -> Result<(PublicKey, Vec<u8>), Rejection> {
    let mut c = Cursor::new(bytes, "onion_message");
    let t = c.u16()?;
    if t != MSG_TYPE {
        return Err(Rejection::new(
            ReasonClass::WrongMessageType,
            format!("message type {t}, expected {MSG_TYPE}"),
        ));
    }
    let pk = c.point()?;
    let path_key = crate::wire::check_point(&pk, "path_key")?;
    let len = c.u16()?;
    let packet = c.take(len as usize)?.to_vec();
    Ok((path_key, packet))
}

fn rej(class: ReasonClass, m: impl Into<String>) -> Rejection {
    Rejection::new(class, m)
}

/// The final hop's `onionmsg_tlv` for a build input.
pub fn final_payload(
    input: &BuildOnionMessage,
    encrypted: &[u8],
    profile: &Profile,
) -> Result<Vec<u8>, Rejection> {
    let mut recs: Vec<(u64, Vec<u8>)> = vec![(ENCRYPTED_RECIPIENT_DATA, encrypted.to_vec())];
    if let Some(rp) = &input.reply_path {
        if rules::rejects(Rule::BuildReplyPathHops, rp.hops.is_empty()) {
            return Err(rej(
                ReasonClass::InvalidBlindedPath,
                "reply_path with no hops",
            ));
        }
        crypto::public_key(&rp.first_path_key, "reply_path first_path_key")?;
        let mut v = Vec::new();
        write_path(rp, &mut v)?;
        recs.push((REPLY_PATH, v));
    }
    if let Some(MessageContent { kind, value }) = &input.content {
        let t = content_types(profile)
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, t)| *t)
            .ok_or_else(|| {
                rej(
                    ReasonClass::InvalidValue,
                    format!("unknown content kind {kind}"),
                )
            })?;
        recs.push((t, unhex(value, "content value")?));
    }
    for RawTlv { tlv_type, value } in &input.extra_tlvs {
        recs.push((*tlv_type, unhex(value, "extra TLV")?));
    }
    write_unique(recs)
}

fn write_unique(mut recs: Vec<(u64, Vec<u8>)>) -> Result<Vec<u8>, Rejection> {
    let out = tlv::write_stream(&mut recs);
    if recs.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(rej(
            ReasonClass::TlvDuplicate,
            "the same onionmsg_tlv type twice",
        ));
    }
    Ok(out)
}

/// Build an onion message: the payloads (one per hop), then Sphinx.
pub fn build(
    input: &BuildOnionMessage,
    profile: &Profile,
) -> Result<BuiltOnionMessageView, Rejection> {
    let session = crypto::secret_key(&input.session_key, "session_key")?;
    let path = &input.path;
    if path.hops.is_empty() {
        return Err(rej(ReasonClass::InvalidBlindedPath, "a path with no hops"));
    }
    let path_key = crypto::public_key(&path.first_path_key, "first_path_key")?;
    let mut ids = Vec::with_capacity(path.hops.len());
    let mut payloads = Vec::with_capacity(path.hops.len());
    for (i, h) in path.hops.iter().enumerate() {
        ids.push(crypto::public_key(&h.blinded_node_id, "blinded_node_id")?);
        let enc = unhex(&h.encrypted_recipient_data, "encrypted_recipient_data")?;
        if i + 1 == path.hops.len() {
            payloads.push(final_payload(input, &enc, profile)?);
        } else {
            let mut recs = vec![(ENCRYPTED_RECIPIENT_DATA, enc)];
            for RawTlv { tlv_type, value } in &input.intermediate_tlvs {
                recs.push((*tlv_type, unhex(value, "intermediate TLV")?));
            }
            payloads.push(write_unique(recs)?);
        }
    }
    let need: usize = payloads.iter().map(|p| sphinx::shift_size(p.len())).sum();
    let len = match input.payloads_len {
        Some(l) => l as usize,
        None if need <= DEFAULT_PAYLOADS_LEN => DEFAULT_PAYLOADS_LEN,
        None => sphinx::MAX_PAYLOADS_LEN,
    };
    let (packet, _) = sphinx::construct(&session, &ids, &payloads, len, &[])?;
    Ok(BuiltOnionMessageView {
        first_node_id: path.first_node_id.clone(),
        onion_message: hex::encode(encode_message(&path_key, &packet)?),
    })
}

/// Operation `onion_message.build`.
pub fn build_op(input: &BuildOnionMessage, profile: &Profile) -> Outcome {
    match build(input, profile) {
        Ok(v) => Outcome::accepted(&v),
        Err(r) => Outcome::Rejected(r),
    }
}

fn check_tlv_stream(
    value: &[u8],
    what: &str,
    known: impl Fn(u64) -> bool,
) -> Result<(), Rejection> {
    let s = tlv::parse(value).map_err(|e| rej(e.class(), format!("{what}: {e}")))?;
    s.check_known(known)
        .map_err(|e| rej(e.class(), format!("{what}: {e}")))
}

/// Peel one onion message layer as the node `input.node_secret`.
pub fn peel(
    input: &PeelOnionMessage,
    profile: &Profile,
) -> Result<PeeledOnionMessageView, Rejection> {
    let k = crypto::secret_key(&input.node_secret, "node_secret")?;
    let msg = unhex(&input.onion_message, "onion_message")?;
    let (path_key, packet) = decode_message(&msg)?;
    let (ss, blinded_key) = blinding::hop_keys(&k, &path_key)?;
    let layer = sphinx::peel(&packet, &blinded_key, &[], 0)?;

    let n = &profile.numbers;
    let experimental_hop_types: Vec<u64> = [
        n.onionmsg_payer_encrypted_reply_path,
        n.onionmsg_unique_salt,
    ]
    .into_iter()
    .flatten()
    .collect();
    let contents = content_types(profile);
    let is_content = |t: u64| contents.iter().any(|(_, ct)| *ct == t);
    let payload =
        tlv::parse(&layer.payload).map_err(|e| rej(e.class(), format!("onionmsg_tlv: {e}")))?;
    payload
        .check_known(|t| t == REPLY_PATH || t == ENCRYPTED_RECIPIENT_DATA || is_content(t))
        .map_err(|e| rej(e.class(), format!("onionmsg_tlv: {e}")))?;

    let enc = payload.get(ENCRYPTED_RECIPIENT_DATA).ok_or_else(|| {
        rules::fire(Rule::OnionDecrypt);
        rej(
            ReasonClass::InvalidEncryptedData,
            "onionmsg_tlv without encrypted_recipient_data",
        )
    })?;
    let plain =
        crypto::aead_decrypt(&blinding::rho(&ss), &[0u8; 12], &[], enc).ok_or_else(|| {
            rules::fire(Rule::OnionDecrypt);
            rej(
                ReasonClass::DecryptionFailed,
                "encrypted_recipient_data does not decrypt under rho",
            )
        })?;
    rules::consult(Rule::OnionDecrypt);
    let data = blinding::parse_encrypted_data(&plain, &blinding::profile_known(profile))?;
    if rules::rejects(Rule::OnionAllowedFeatures, data.unknown_allowed_feature()) {
        return Err(rej(
            ReasonClass::InvalidEncryptedData,
            "allowed_features sets a feature bit this reader does not know",
        ));
    }
    let mut view = PeeledOnionMessageView {
        encrypted_data_tlvs: hex::encode(&plain),
        ..Default::default()
    };

    match layer.next_packet {
        Some(next_packet) => {
            if let Some(r) = payload.records.iter().find(|r| {
                rules::rejects(
                    Rule::OnionNonFinalExtra,
                    r.tlv_type != ENCRYPTED_RECIPIENT_DATA
                        && !experimental_hop_types.contains(&r.tlv_type),
                )
            }) {
                return Err(rej(
                    ReasonClass::InvalidContent,
                    format!(
                        "non-final onionmsg_tlv carries type {} besides encrypted_recipient_data",
                        r.tlv_type
                    ),
                ));
            }
            check_forward_data(&data)?;
            if let Some(id) = n.encrypted_data_payment_unblock.and_then(|t| data.get(t)) {
                experimental::unblock::check_unblock(input, id)?;
            }
            let next_key = match data.next_path_key_override {
                Some(o) => o,
                None => blinding::next_path_key(&path_key, &ss)?,
            };
            let mut fwd = ForwardView {
                next_node_id: data.next_node_id.map(|p| hex::encode(p.serialize())),
                short_channel_id: data.short_channel_id.map(blinding::scid_string),
                onion_message: hex::encode(encode_message(&next_key, &next_packet)?),
                counterparty_reply_path: None,
            };
            if let (Some(secret), Some(tp), Some(ts)) = (
                &input.counterparty_secret,
                n.onionmsg_payer_encrypted_reply_path,
                n.onionmsg_unique_salt,
            ) {
                if let (Some(blob), Some(salt)) = (payload.get(tp), payload.get(ts)) {
                    let s = crypto::bytes32(secret, "counterparty_secret")?;
                    fwd.counterparty_reply_path =
                        Some(experimental::decrypt_reply_path(&s, salt, blob)?);
                }
            }
            view.forward = Some(fwd);
        }
        None => {
            view.receive = Some(receive(input, profile, &payload, &data)?);
        }
    }
    Ok(view)
}

/// The reader's rules for a forwarding hop's `encrypted_data_tlv`.
pub fn check_forward_data(data: &EncryptedData) -> Result<(), Rejection> {
    if rules::rejects(Rule::OnionNonFinalPathId, data.path_id.is_some()) {
        return Err(rej(
            ReasonClass::InvalidEncryptedData,
            "path_id in a non-final hop's encrypted_data_tlv",
        ));
    }
    match (data.next_node_id, data.short_channel_id) {
        (Some(_), Some(_)) if rules::rejects(Rule::OnionNextPeer, true) => Err(rej(
            ReasonClass::InvalidEncryptedData,
            "both next_node_id and short_channel_id",
        )),
        (None, None) => Err({
            rules::fire(Rule::OnionNextPeer);
            rej(
                ReasonClass::InvalidEncryptedData,
                "neither next_node_id nor short_channel_id in a non-final hop",
            )
        }),
        _ => {
            rules::consult(Rule::OnionNextPeer);
            Ok(())
        }
    }
}

fn receive(
    input: &PeelOnionMessage,
    profile: &Profile,
    payload: &tlv::Stream<'_>,
    data: &EncryptedData,
) -> Result<ReceiveView, Rejection> {
    let n = &profile.numbers;
    let contents = content_types(profile);
    let found: Vec<(&str, u64, &[u8])> = payload
        .records
        .iter()
        .filter_map(|r| {
            contents
                .iter()
                .find(|(_, t)| *t == r.tlv_type)
                .map(|(k, t)| (*k, *t, r.value))
        })
        .collect();
    if rules::rejects(Rule::OnionOneContent, found.len() > 1) {
        return Err(rej(
            ReasonClass::InvalidContent,
            format!("{} content fields in one onionmsg_tlv", found.len()),
        ));
    }
    let reply_path = match payload.get(REPLY_PATH) {
        None => None,
        Some(v) => Some(read_reply_path(v)?),
    };
    let ctx_type = n.encrypted_data_release_context;
    let mut view = ReceiveView {
        path_id: data.path_id.as_ref().map(hex::encode),
        reply_path,
        other_tlvs: payload
            .records
            .iter()
            .filter(|r| {
                ![REPLY_PATH, ENCRYPTED_RECIPIENT_DATA].contains(&r.tlv_type)
                    && !found.iter().any(|f| f.1 == r.tlv_type)
            })
            .map(|r| RawTlv {
                tlv_type: r.tlv_type,
                value: hex::encode(r.value),
            })
            .collect(),
        ..Default::default()
    };
    let content = found.first().copied();
    let pr989 = n.payment_release_secret_len;
    if let Some((kind, t, value)) = content {
        match kind {
            "held_htlc_available" => {
                check_tlv_stream(value, kind, |_| false)?;
                if rules::rejects(Rule::OnionHeldReplyPath, view.reply_path.is_none()) {
                    return Err(rej(
                        ReasonClass::MissingReplyPath,
                        "held_htlc_available without a reply_path: the recipient cannot release",
                    ));
                }
            }
            "release_held_htlc" => {
                if let Some(len) = pr989 {
                    check_release_secret(input, value, len)?;
                } else {
                    check_tlv_stream(value, kind, |_| false)?;
                    view.release_context = Some(release(input, profile, data)?);
                }
            }
            "async_payment_notice" => experimental::trampoline::check_nonce(value)?,
            "async_payment_trigger" => experimental::trampoline::check_trigger(input, value)?,
            "hold_htlc_request" => experimental::unblock::check_request(value)?,
            "offer_paths_request" => isrv::check_offer_paths_request(value)?,
            "offer_paths" => isrv::check_offer_paths(value)?,
            "serve_static_invoice" => isrv::check_serve_static_invoice(value)?,
            "static_invoice_persisted" => isrv::check_static_invoice_persisted(value)?,
            "static_invoice" | "invoice_request" | "invoice" | "invoice_error" => {
                check_tlv_stream(value, kind, |_| true)?;
            }
            _ => {}
        }
        view.content = Some(ContentView {
            kind: kind.to_string(),
            tlv_type: t,
            value: hex::encode(value),
        });
    }
    if rules::rejects(
        Rule::OnionReleasePathMisused,
        pr989.is_none()
            && data.get(ctx_type).is_some()
            && content.map(|c| c.0) != Some("release_held_htlc"),
    ) {
        return Err(rej(
            ReasonClass::InvalidContent,
            "a reply path made for release_held_htlc used for another message",
        ));
    }
    Ok(view)
}

fn read_reply_path(v: &[u8]) -> Result<BlindedPathView, Rejection> {
    let mut c = Cursor::new(v, "reply_path");
    let p = read_path(&mut c)?;
    c.finish()?;
    if rules::rejects(Rule::ReplyPathHops, p.hops.is_empty()) {
        return Err(rej(
            ReasonClass::InvalidBlindedPath,
            "reply_path with no hops",
        ));
    }
    Ok(p)
}

fn release(
    input: &PeelOnionMessage,
    profile: &Profile,
    data: &EncryptedData,
) -> Result<ReleaseContextView, Rejection> {
    let t = profile.numbers.encrypted_data_release_context;
    if !suite_release_context(profile) {
        let value = data.get(t).ok_or_else(|| {
            rules::fire(Rule::ReleaseAuthenticated);
            rej(
                ReasonClass::UnauthenticatedRelease,
                "release_held_htlc arrived over a path without a release context",
            )
        })?;
        return Ok(ReleaseContextView {
            tlv_type: t,
            value: hex::encode(value),
            channel_id: None,
            htlc_id: None,
            authenticated: false,
        });
    }
    let key = match &input.release_auth_key {
        Some(k) => Some(crypto::bytes32(k, "release_auth_key")?),
        None => None,
    };
    let (cid, id) = release_context::verify(key.as_ref(), data, t)?;
    Ok(ReleaseContextView {
        tlv_type: t,
        value: hex::encode(release_context::context_value(&cid, id)),
        channel_id: Some(hex::encode(cid)),
        htlc_id: Some(id),
        authenticated: true,
    })
}

fn check_release_secret(input: &PeelOnionMessage, value: &[u8], len: u64) -> Result<(), Rejection> {
    if rules::rejects(Rule::ReleaseSecretLength, value.len() as u64 != len) {
        return Err(rej(
            ReasonClass::InvalidValue,
            format!(
                "payment_release_secret of {} bytes, expected {len}",
                value.len()
            ),
        ));
    }
    for s in &input.held_release_secrets {
        if unhex(s, "held_release_secrets")? == value {
            return Ok(());
        }
    }
    if !rules::rejects(Rule::ReleaseSecretKnown, true) {
        return Ok(());
    }
    Err(rej(
        ReasonClass::UnauthenticatedRelease,
        "release_held_htlc echoes no payment_release_secret this node holds",
    ))
}

/// Operation `onion_message.peel`.
pub fn peel_op(input: &PeelOnionMessage, profile: &Profile) -> Outcome {
    match peel(input, profile) {
        Ok(v) => Outcome::accepted(&v),
        Err(r) => Outcome::Rejected(r),
    }
}
