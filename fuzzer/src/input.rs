//! What the fuzzer feeds an adapter: the bytes of one codec operation, kept
//! in the structure its mutators work on, and turned into an [`Operation`]
//! for each run.

use crate::stream::Stream;
use asyncpay_adapter::blinding::UnblindHop;
use asyncpay_adapter::features::CheckFeatures;
use asyncpay_adapter::invoice::DecodeStaticInvoice;
use asyncpay_adapter::offer::DecodeOffer;
use asyncpay_adapter::{HexInput, Operation};
use asyncpay_reference::bech32;
use asyncpay_reference::blinding::{encrypt_data, hop_keys, rho};
use asyncpay_reference::crypto::{aead_decrypt, public_key, secret_key};
use serde_json::Value;

/// Bytes before the TLV stream of `update_add_htlc`: type, channel_id, id,
/// amount_msat, payment_hash, cltv_expiry, onion_routing_packet (BOLT 2).
pub const UPDATE_ADD_HTLC_FIXED: usize = 2 + 32 + 8 + 8 + 32 + 4 + 1366;
/// Bytes before the TLV stream of `revoke_and_ack`: type, channel_id,
/// per_commitment_secret, next_per_commitment_point (BOLT 2).
pub const REVOKE_AND_ACK_FIXED: usize = 2 + 32 + 32 + 33;

/// The ops the fuzzer mutates.
pub const FUZZED_OPS: &[&str] = &[
    "offer.decode",
    "static_invoice.decode",
    "invoice_request.decode",
    "update_add_htlc.decode",
    "revoke_and_ack.decode",
    "features.check",
    "blinded_path.unblind",
    "onion_message.peel",
];

/// The layer of an onion message one node peels, kept as plaintext: its
/// `onionmsg_tlv`, and inside it the `encrypted_data_tlv`, each mutated as a
/// TLV stream and sealed again for every run (the data with the path's
/// `rho`, the layer in a fresh Sphinx packet to the node's blinded id), so
/// that mutations reach the reader behind the HMAC and the AEAD.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    /// The vector's input (node secret and the other keys), kept as it is.
    pub rest: serde_json::Map<String, Value>,
    /// The message's path key.
    pub path_key: secp256k1::PublicKey,
    /// The node's blinded id, the key the layer is sealed to.
    pub blinded_id: secp256k1::PublicKey,
    /// `rho` of the blinded hop, which seals `encrypted_recipient_data`.
    pub rho: [u8; 32],
    /// The packet's payloads length.
    pub payloads_len: usize,
    /// Whether the node forwards (the packet gets a second hop).
    pub forwards: bool,
    /// The `onionmsg_tlv`; its `encrypted_recipient_data` (4) is replaced
    /// by `data`, sealed.
    pub payload: Stream,
    /// The `encrypted_data_tlv`.
    pub data: Stream,
    /// Which of the two the mutators work on.
    pub mutate_data: bool,
}

/// One input, by op.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// `offer.decode`: the offer's TLV stream, written as a BOLT 12 string
    /// for each run, or a string mutated as text.
    Offer {
        /// The offer's records.
        stream: Stream,
        /// When set, this text is sent as it is instead of the written
        /// stream (a seed that is not the plain lower-case form of its
        /// bytes, or a mutation of the text itself).
        text: Option<String>,
    },
    /// `static_invoice.decode`: a TLV stream and the reader's time.
    StaticInvoice {
        /// The invoice's records.
        stream: Stream,
        /// Seconds since the epoch.
        now: u64,
    },
    /// `update_add_htlc.decode` or `revoke_and_ack.decode`: fixed fields,
    /// then a TLV stream; `invoice_request.decode`: the TLV stream alone.
    Message {
        /// The op.
        op: &'static str,
        /// The fixed fields, type prefix included.
        fixed: Vec<u8>,
        /// The TLV stream.
        stream: Stream,
    },
    /// `features.check`.
    Features {
        /// The feature vector.
        bytes: Vec<u8>,
        /// `init` or `node_announcement`.
        context: String,
    },
    /// `blinded_path.unblind`: the plaintext `encrypted_data_tlv`, sealed
    /// again for each run with the hop's key (so that mutations reach the
    /// reader behind the AEAD), or a ciphertext mutated as bytes.
    Unblind {
        /// The hop's node secret, hex.
        node_secret: String,
        /// The path key it received, hex.
        path_key: String,
        /// The plaintext records.
        plaintext: Stream,
        /// When set, these bytes are sent as they are, instead of the
        /// sealed plaintext.
        ciphertext: Option<Vec<u8>>,
    },
    /// `onion_message.peel`: the layer one node peels.
    Peel(Box<Layer>),
}

impl Input {
    /// The input of a vector test, if its op is fuzzed and its input can be read.
    pub fn from_vector(op: &str, input: &Value) -> Option<Input> {
        let hex_field = |k: &str| input.get(k)?.as_str().and_then(|h| hex::decode(h).ok());
        match op {
            "offer.decode" => {
                let text = input.get("string")?.as_str()?.to_string();
                let bytes = bech32::decode(&text, bech32::HRP_OFFER).ok();
                let plain = bytes
                    .as_ref()
                    .and_then(|b| bech32::encode(bech32::HRP_OFFER, b).ok());
                Some(Input::Offer {
                    stream: Stream::parse(bytes.as_deref().unwrap_or_default()),
                    text: (plain.as_deref() != Some(text.as_str())).then_some(text),
                })
            }
            "static_invoice.decode" => Some(Input::StaticInvoice {
                stream: Stream::parse(&hex_field("hex")?),
                now: input.get("now")?.as_u64()?,
            }),
            "update_add_htlc.decode" | "revoke_and_ack.decode" | "invoice_request.decode" => {
                let (op, fixed) = match op {
                    "update_add_htlc.decode" => ("update_add_htlc.decode", UPDATE_ADD_HTLC_FIXED),
                    "revoke_and_ack.decode" => ("revoke_and_ack.decode", REVOKE_AND_ACK_FIXED),
                    _ => ("invoice_request.decode", 0),
                };
                let bytes = hex_field("hex")?;
                let cut = fixed.min(bytes.len());
                Some(Input::Message {
                    op,
                    fixed: bytes[..cut].to_vec(),
                    stream: Stream::parse(&bytes[cut..]),
                })
            }
            "features.check" => Some(Input::Features {
                bytes: hex_field("hex")?,
                context: input.get("context")?.as_str()?.to_string(),
            }),
            "blinded_path.unblind" => {
                let node_secret = input.get("node_secret")?.as_str()?.to_string();
                let path_key = input.get("path_key")?.as_str()?.to_string();
                let sealed = hex_field("encrypted_recipient_data")?;
                let rho = unblind_rho(&node_secret, &path_key)?;
                // A vector whose data does not open is mutated as bytes.
                let (plaintext, ciphertext) = match aead_decrypt(&rho, &[0; 12], &[], &sealed) {
                    Some(p) => (Stream::parse(&p), None),
                    None => (Stream::parse(&[]), Some(sealed)),
                };
                Some(Input::Unblind {
                    node_secret,
                    path_key,
                    plaintext,
                    ciphertext,
                })
            }
            "onion_message.peel" => Layer::from_vector(input).map(|l| Input::Peel(Box::new(l))),
            _ => None,
        }
    }

    /// The op name.
    pub fn op(&self) -> &'static str {
        match self {
            Input::Offer { .. } => "offer.decode",
            Input::StaticInvoice { .. } => "static_invoice.decode",
            Input::Message { op, .. } => op,
            Input::Features { .. } => "features.check",
            Input::Unblind { .. } => "blinded_path.unblind",
            Input::Peel(_) => "onion_message.peel",
        }
    }

    /// The operation to run.
    pub fn operation(&self) -> Operation {
        match self {
            Input::Offer { .. } => Operation::DecodeOffer(DecodeOffer {
                string: self.offer_text().unwrap_or_default(),
            }),
            Input::StaticInvoice { stream, now } => {
                Operation::DecodeStaticInvoice(DecodeStaticInvoice {
                    hex: hex::encode(stream.to_bytes()),
                    now: *now,
                })
            }
            Input::Message { op, fixed, stream } => {
                let mut bytes = fixed.clone();
                bytes.extend(stream.to_bytes());
                let hex = HexInput {
                    hex: hex::encode(bytes),
                };
                match *op {
                    "update_add_htlc.decode" => Operation::DecodeUpdateAddHtlc(hex),
                    "revoke_and_ack.decode" => Operation::DecodeRevokeAndAck(hex),
                    _ => Operation::DecodeInvoiceRequest(hex),
                }
            }
            Input::Features { bytes, context } => Operation::CheckFeatures(CheckFeatures {
                hex: hex::encode(bytes),
                context: context.clone(),
            }),
            Input::Unblind {
                node_secret,
                path_key,
                plaintext,
                ciphertext,
            } => {
                let sealed = match ciphertext {
                    Some(c) => c.clone(),
                    None => match unblind_rho(node_secret, path_key) {
                        Some(rho) => encrypt_data(&rho, &plaintext.to_bytes()),
                        None => Vec::new(),
                    },
                };
                Operation::UnblindHop(UnblindHop {
                    node_secret: node_secret.clone(),
                    path_key: path_key.clone(),
                    encrypted_recipient_data: hex::encode(sealed),
                })
            }
            Input::Peel(layer) => layer.operation(),
        }
    }

    /// The input as a vector file's `input` (what a finding records).
    pub fn vector_input(&self) -> Value {
        match serde_json::to_value(self.operation()) {
            Ok(mut v) => v.get_mut("input").map(Value::take).unwrap_or(Value::Null),
            Err(_) => Value::Null,
        }
    }

    /// The same bytes, split again where the op's fixed fields end (a
    /// mutation of the fixed fields may have moved that boundary), so that
    /// every record is seen as a record.
    pub fn resplit(&self) -> Input {
        match self {
            Input::Message { op, fixed, stream } => {
                let mut bytes = fixed.clone();
                bytes.extend(stream.to_bytes());
                let v = serde_json::json!({ "hex": hex::encode(bytes) });
                Input::from_vector(op, &v).unwrap_or_else(|| self.clone())
            }
            other => other.clone(),
        }
    }

    /// An offer's string as it is sent: the text, or the stream written in
    /// its plain form.
    pub fn offer_text(&self) -> Option<String> {
        match self {
            Input::Offer { text: Some(t), .. } => Some(t.clone()),
            Input::Offer { stream, .. } => {
                // Only the empty data part has no string (`lno1` with no
                // data is still written, as a reader would see it).
                Some(
                    bech32::encode(bech32::HRP_OFFER, &stream.to_bytes())
                        .unwrap_or_else(|_| format!("{}1", bech32::HRP_OFFER)),
                )
            }
            _ => None,
        }
    }

    /// The TLV stream mutators work on, if the input has one.
    pub fn stream(&self) -> Option<&Stream> {
        match self {
            Input::Offer { stream, text: None } => Some(stream),
            Input::StaticInvoice { stream, .. } | Input::Message { stream, .. } => Some(stream),
            Input::Unblind {
                plaintext,
                ciphertext: None,
                ..
            } => Some(plaintext),
            Input::Peel(l) if l.mutate_data => Some(&l.data),
            Input::Peel(l) => Some(&l.payload),
            _ => None,
        }
    }

    /// [`Input::stream`], to change.
    pub fn stream_mut(&mut self) -> Option<&mut Stream> {
        match self {
            Input::Offer { stream, text: None } => Some(stream),
            Input::Peel(l) => Some(if l.mutate_data {
                &mut l.data
            } else {
                &mut l.payload
            }),
            Input::StaticInvoice { stream, .. } | Input::Message { stream, .. } => Some(stream),
            Input::Unblind {
                plaintext,
                ciphertext: None,
                ..
            } => Some(plaintext),
            _ => None,
        }
    }

    /// A size, for shrinking: records plus bytes.
    pub fn size(&self) -> usize {
        match self {
            Input::Offer { text: Some(t), .. } => t.len(),
            Input::Offer { stream, .. } => stream.size(),
            Input::StaticInvoice { stream, .. } => stream.size(),
            Input::Message { fixed, stream, .. } => fixed.len() + stream.size(),
            Input::Features { bytes, .. } => bytes.len(),
            Input::Unblind {
                plaintext,
                ciphertext,
                ..
            } => ciphertext.as_ref().map_or(plaintext.size(), Vec::len),
            Input::Peel(l) => l.payload.size() + l.data.size(),
        }
    }
}

/// `rho` of a hop (BOLT 4 route blinding), from the reference model.
fn unblind_rho(node_secret: &str, path_key: &str) -> Option<[u8; 32]> {
    let sk = secret_key(node_secret, "node_secret").ok()?;
    let pk = public_key(path_key, "path_key").ok()?;
    let (ss, _) = hop_keys(&sk, &pk).ok()?;
    Some(rho(&ss))
}

/// `encrypted_recipient_data` in `onionmsg_tlv` (BOLT 4).
const ENCRYPTED_RECIPIENT_DATA: u64 = 4;

impl Layer {
    /// The layer a peel vector's node sees, if it peels and opens.
    pub fn from_vector(input: &Value) -> Option<Layer> {
        use asyncpay_reference::{onion_message, sphinx};
        let rest = input.as_object()?.clone();
        let node_secret = secret_key(rest.get("node_secret")?.as_str()?, "node_secret").ok()?;
        let msg = hex::decode(rest.get("onion_message")?.as_str()?).ok()?;
        let (path_key, packet) = onion_message::decode_message(&msg).ok()?;
        let (ss, blinded_key) = hop_keys(&node_secret, &path_key).ok()?;
        let peeled = sphinx::peel(&packet, &blinded_key, &[], 0).ok()?;
        let payload = Stream::parse(&peeled.payload);
        let rho = rho(&ss);
        let sealed = match &payload {
            Stream::Records(rs) => rs
                .iter()
                .find(|r| r.ty == ENCRYPTED_RECIPIENT_DATA)?
                .value
                .clone(),
            Stream::Raw(_) => return None,
        };
        let data = Stream::parse(&aead_decrypt(&rho, &[0; 12], &[], &sealed)?);
        Some(Layer {
            rest,
            path_key,
            blinded_id: asyncpay_reference::crypto::pubkey(&blinded_key),
            rho,
            payloads_len: packet.len().saturating_sub(sphinx::PACKET_OVERHEAD),
            forwards: peeled.next_packet.is_some(),
            payload,
            data,
            mutate_data: false,
        })
    }

    /// The `onionmsg_tlv` with the data sealed into it.
    fn payload_bytes(&self) -> Vec<u8> {
        let mut p = self.payload.clone();
        if let Stream::Records(rs) = &mut p {
            let sealed = encrypt_data(&self.rho, &self.data.to_bytes());
            for r in rs.iter_mut().filter(|r| r.ty == ENCRYPTED_RECIPIENT_DATA) {
                r.value = sealed.clone();
            }
        }
        p.to_bytes()
    }

    /// The `onion_message.peel` operation: the layer in a fresh packet (a
    /// fixed session key; a second hop to a fixed node when it forwards).
    fn operation(&self) -> Operation {
        use asyncpay_reference::{crypto, onion_message, sphinx};
        let session = secp256k1::SecretKey::from_slice(&[0x41; 32]).expect("a valid key");
        let next =
            crypto::pubkey(&secp256k1::SecretKey::from_slice(&[0x42; 32]).expect("a valid key"));
        let (ids, payloads) = if self.forwards {
            (
                vec![self.blinded_id, next],
                vec![self.payload_bytes(), Vec::new()],
            )
        } else {
            (vec![self.blinded_id], vec![self.payload_bytes()])
        };
        let mut rest = self.rest.clone();
        let message = sphinx::construct(&session, &ids, &payloads, self.payloads_len, &[])
            .ok()
            .and_then(|(packet, _)| onion_message::encode_message(&self.path_key, &packet).ok())
            // A layer too long for its packet: the message is sent empty
            // of a packet, and the reader says so.
            .unwrap_or_default();
        rest.insert("onion_message".into(), Value::from(hex::encode(message)));
        serde_json::from_value(Value::Object(rest))
            .map(Operation::PeelOnionMessage)
            .unwrap_or_else(|_| {
                Operation::PeelOnionMessage(asyncpay_adapter::onion::PeelOnionMessage {
                    node_secret: String::new(),
                    onion_message: String::new(),
                    release_auth_key: None,
                    counterparty_secret: None,
                    held_release_secrets: Vec::new(),
                })
            })
    }
}
