//! The Sphinx onion packet (BOLT 4 "Packet Construction", "Onion
//! Decryption", "Filler Generation"), with a variable `hop_payloads` length
//! so it serves both payment onions (1300) and onion messages (any length
//! up to [`MAX_PAYLOADS_LEN`]).

use crate::bigsize;
use crate::crypto::{self, chacha20_stream, ecdh, hmac256, sha256_concat};
use crate::rules::{self, Rule};
use asyncpay_adapter::{ReasonClass, Rejection};
use secp256k1::{PublicKey, SecretKey};

/// The largest `onionmsg_payloads` the reference reads or writes: 32768
/// bytes, so a whole `onion_message_packet` is at most 32834 bytes (BOLT 4's
/// larger recommended size).
pub const MAX_PAYLOADS_LEN: usize = 32768;

/// Bytes of a packet around its payloads: version, public key, HMAC.
pub const PACKET_OVERHEAD: usize = 1 + 33 + 32;

/// What the writer derives for one hop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SphinxHop {
    /// The ephemeral public key the hop sees.
    pub ephemeral_key: PublicKey,
    /// The shared secret `ss`.
    pub shared_secret: [u8; 32],
    /// `rho`.
    pub rho: [u8; 32],
    /// `mu`.
    pub mu: [u8; 32],
}

/// `bigsize(len) || payload || hmac` size of one hop.
pub fn shift_size(payload_len: usize) -> usize {
    bigsize::to_vec(payload_len as u64).len() + payload_len + 32
}

/// The per-hop keys for a route `node_ids` and session key.
pub fn hop_keys(
    session_key: &SecretKey,
    node_ids: &[PublicKey],
) -> Result<Vec<SphinxHop>, Rejection> {
    let mut ek = *session_key;
    let mut out = Vec::with_capacity(node_ids.len());
    for n in node_ids {
        let epk = crypto::pubkey(&ek);
        let ss = ecdh(n, &ek);
        out.push(SphinxHop {
            ephemeral_key: epk,
            shared_secret: ss,
            rho: hmac256(b"rho", &ss),
            mu: hmac256(b"mu", &ss),
        });
        ek = crypto::mul_sec(&ek, &sha256_concat(&epk.serialize(), &ss))?;
    }
    Ok(out)
}

/// Build a packet (version, key, payloads, hmac) carrying `payloads[i]` to
/// `node_ids[i]`, with `payloads_len` bytes of payloads and `assoc` as
/// associated data (empty for onion messages).
pub fn construct(
    session_key: &SecretKey,
    node_ids: &[PublicKey],
    payloads: &[Vec<u8>],
    payloads_len: usize,
    assoc: &[u8],
) -> Result<(Vec<u8>, Vec<SphinxHop>), Rejection> {
    if node_ids.is_empty() || node_ids.len() != payloads.len() {
        return Err(Rejection::new(
            ReasonClass::InvalidValue,
            "a packet needs one payload per hop and at least one hop",
        ));
    }
    if payloads_len > MAX_PAYLOADS_LEN {
        return Err(Rejection::new(
            ReasonClass::InvalidValue,
            format!("payloads length {payloads_len} over {MAX_PAYLOADS_LEN}"),
        ));
    }
    let total: usize = payloads.iter().map(|p| shift_size(p.len())).sum();
    if total > payloads_len {
        return Err(Rejection::new(
            ReasonClass::InvalidValue,
            format!("hop payloads take {total} bytes, more than {payloads_len}"),
        ));
    }
    let keys = hop_keys(session_key, node_ids)?;
    let l = payloads_len;
    // Filler: what the hops before the last append while peeling.
    let mut filler: Vec<u8> = Vec::new();
    for (k, p) in keys.iter().zip(payloads).take(keys.len() - 1) {
        let shift = shift_size(p.len());
        let stream = chacha20_stream(&k.rho, 2 * l);
        let start = l - filler.len();
        filler.resize(filler.len() + shift, 0);
        for (j, b) in filler.iter_mut().enumerate() {
            *b ^= stream[start + j];
        }
    }
    let pad_key = hmac256(b"pad", &session_key.secret_bytes());
    let mut mix = chacha20_stream(&pad_key, l);
    let mut hmac = [0u8; 32];
    for i in (0..keys.len()).rev() {
        let p = &payloads[i];
        let mut hop = bigsize::to_vec(p.len() as u64);
        hop.extend_from_slice(p);
        hop.extend_from_slice(&hmac);
        let shift = hop.len();
        mix.copy_within(0..l - shift, shift);
        mix[..shift].copy_from_slice(&hop);
        crypto::chacha20_xor(&keys[i].rho, &mut mix);
        if i == keys.len() - 1 {
            let f = filler.len();
            mix[l - f..].copy_from_slice(&filler);
        }
        let mut msg = mix.clone();
        msg.extend_from_slice(assoc);
        hmac = hmac256(&keys[i].mu, &msg);
    }
    let mut packet = Vec::with_capacity(PACKET_OVERHEAD + l);
    packet.push(0);
    packet.extend_from_slice(&keys[0].ephemeral_key.serialize());
    packet.extend_from_slice(&mix);
    packet.extend_from_slice(&hmac);
    Ok((packet, keys))
}

/// One peeled layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peeled {
    /// The hop's shared secret.
    pub shared_secret: [u8; 32],
    /// The hop's payload.
    pub payload: Vec<u8>,
    /// The packet for the next hop, or `None` at the final hop (all-zero `next_hmac`).
    pub next_packet: Option<Vec<u8>>,
}

fn fail(class: ReasonClass, msg: impl Into<String>) -> Rejection {
    Rejection::new(class, msg)
}

/// Peel one layer with `node_key` (already tweaked by the blinding factor
/// for a blinded hop). `min_payload_len` is 2 for payment onions, 0 for
/// onion messages.
pub fn peel(
    packet: &[u8],
    node_key: &SecretKey,
    assoc: &[u8],
    min_payload_len: u64,
) -> Result<Peeled, Rejection> {
    if packet.len() < PACKET_OVERHEAD {
        return Err(fail(
            ReasonClass::Truncated,
            "onion packet shorter than 66 bytes",
        ));
    }
    let l = packet.len() - PACKET_OVERHEAD;
    if l > MAX_PAYLOADS_LEN {
        return Err(fail(
            ReasonClass::InvalidValue,
            format!("onion packet payloads of {l} bytes, over {MAX_PAYLOADS_LEN}"),
        ));
    }
    if packet[0] != 0 {
        return Err(fail(
            ReasonClass::InvalidValue,
            format!("onion version {}", packet[0]),
        ));
    }
    let pk = crate::wire::check_point(&packet[1..34], "onion public_key")?;
    let payloads = &packet[34..34 + l];
    let hmac = &packet[34 + l..];
    let ss = ecdh(&pk, node_key);
    let mu = hmac256(b"mu", &ss);
    let mut msg = payloads.to_vec();
    msg.extend_from_slice(assoc);
    let expect = hmac256(&mu, &msg);
    let diff = expect
        .iter()
        .zip(hmac)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if diff != 0 {
        rules::fire(Rule::OnionHmac);
        return Err(fail(ReasonClass::InvalidHmac, "onion HMAC does not verify"));
    }
    rules::consult(Rule::OnionHmac);
    let rho = hmac256(b"rho", &ss);
    let mut buf = payloads.to_vec();
    buf.resize(2 * l, 0);
    crypto::chacha20_xor(&rho, &mut buf);
    let (len, n) = bigsize::decode(&buf)
        .map_err(|e| fail(ReasonClass::InvalidValue, format!("payload length: {e}")))?;
    if len < min_payload_len {
        return Err(fail(
            ReasonClass::InvalidValue,
            format!("payload length {len}"),
        ));
    }
    let end = usize::try_from(len)
        .ok()
        .and_then(|x| x.checked_add(n))
        .filter(|e| e + 32 <= l)
        .ok_or_else(|| fail(ReasonClass::Truncated, "payload longer than the packet"))?;
    let payload = buf[n..end].to_vec();
    let next_hmac = &buf[end..end + 32];
    let next_packet = if next_hmac.iter().all(|b| *b == 0) {
        None
    } else {
        let npk = crypto::mul_pub(&pk, &sha256_concat(&pk.serialize(), &ss))?;
        let mut p = Vec::with_capacity(packet.len());
        p.push(0);
        p.extend_from_slice(&npk.serialize());
        p.extend_from_slice(&buf[end + 32..end + 32 + l]);
        p.extend_from_slice(next_hmac);
        Some(p)
    };
    Ok(Peeled {
        shared_secret: ss,
        payload,
        next_packet,
    })
}
