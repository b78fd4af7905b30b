//! What the fuzzer feeds an adapter: the bytes of one codec operation, kept
//! in the structure its mutators work on, and turned into an [`Operation`]
//! for each run.

use crate::stream::Stream;
use asyncpay_adapter::blinding::UnblindHop;
use asyncpay_adapter::features::CheckFeatures;
use asyncpay_adapter::invoice::DecodeStaticInvoice;
use asyncpay_adapter::{HexInput, Operation};
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
    "static_invoice.decode",
    "update_add_htlc.decode",
    "revoke_and_ack.decode",
    "features.check",
    "blinded_path.unblind",
];

/// One input, by op.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// `static_invoice.decode`: a TLV stream and the reader's time.
    StaticInvoice {
        /// The invoice's records.
        stream: Stream,
        /// Seconds since the epoch.
        now: u64,
    },
    /// `update_add_htlc.decode` or `revoke_and_ack.decode`: fixed fields,
    /// then a TLV stream.
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
}

impl Input {
    /// The input of a vector test, if its op is fuzzed and its input can be read.
    pub fn from_vector(op: &str, input: &Value) -> Option<Input> {
        let hex_field = |k: &str| input.get(k)?.as_str().and_then(|h| hex::decode(h).ok());
        match op {
            "static_invoice.decode" => Some(Input::StaticInvoice {
                stream: Stream::parse(&hex_field("hex")?),
                now: input.get("now")?.as_u64()?,
            }),
            "update_add_htlc.decode" | "revoke_and_ack.decode" => {
                let (op, fixed) = if op == "update_add_htlc.decode" {
                    ("update_add_htlc.decode", UPDATE_ADD_HTLC_FIXED)
                } else {
                    ("revoke_and_ack.decode", REVOKE_AND_ACK_FIXED)
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
            _ => None,
        }
    }

    /// The op name.
    pub fn op(&self) -> &'static str {
        match self {
            Input::StaticInvoice { .. } => "static_invoice.decode",
            Input::Message { op, .. } => op,
            Input::Features { .. } => "features.check",
            Input::Unblind { .. } => "blinded_path.unblind",
        }
    }

    /// The operation to run.
    pub fn operation(&self) -> Operation {
        match self {
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
                if *op == "update_add_htlc.decode" {
                    Operation::DecodeUpdateAddHtlc(hex)
                } else {
                    Operation::DecodeRevokeAndAck(hex)
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

    /// The TLV stream mutators work on, if the input has one.
    pub fn stream(&self) -> Option<&Stream> {
        match self {
            Input::StaticInvoice { stream, .. } | Input::Message { stream, .. } => Some(stream),
            Input::Unblind {
                plaintext,
                ciphertext: None,
                ..
            } => Some(plaintext),
            _ => None,
        }
    }

    /// [`Input::stream`], to change.
    pub fn stream_mut(&mut self) -> Option<&mut Stream> {
        match self {
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
            Input::StaticInvoice { stream, .. } => stream.size(),
            Input::Message { fixed, stream, .. } => fixed.len() + stream.size(),
            Input::Features { bytes, .. } => bytes.len(),
            Input::Unblind {
                plaintext,
                ciphertext,
                ..
            } => ciphertext.as_ref().map_or(plaintext.size(), Vec::len),
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
