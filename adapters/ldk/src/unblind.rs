//! `blinded_path.unblind` with LDK: one hop decrypting its
//! `encrypted_recipient_data`.
//!
//! LDK 0.2.7 has one public single-hop unblinding,
//! `BlindedMessagePath::advance_path_by_one` (blinded_path/message.rs:187-227).
//! It answers the forwarding hop's view: the hop is made the introduction
//! node of a two-hop path (the second hop a placeholder LDK never reads) and
//! LDK advances past it. It answers a bare `Err(())` alike for data whose
//! Poly1305 tag does not verify, for data that does not parse as LDK's
//! `ControlTlvs` and for a hop addressed to the node itself (a final hop or
//! one of LDK's dummy hops, `_ => Err(())` at :226), which it does not unblind.
//!
//! The first two are LDK refusing the input, the last is an operation LDK's
//! API does not offer; the adapter does not decrypt the hop itself to tell
//! them apart. It asks LDK's other public reader of a hop's data,
//! `peel_onion_message` (onion_message/messenger.rs:1140), which reads a
//! final hop: the same `encrypted_recipient_data` and path key are sent as the
//! only hop of a blinded path with LDK's `create_onion_message` (content an
//! empty `held_htlc_available`, which LDK reads without fail) and peeled with
//! the hop's secret. The adapter only derives the hop's blinded node id
//! `HMAC256("blinded_node_id", ss)·N` (BOLT 4) to address that onion layer;
//! the hop data is decrypted and judged by LDK alone:
//!
//! | `peel_onion_message` | answer |
//! | --- | --- |
//! | a receive, `Received an unauthenticated ...`, `... wrong or missing context.` (messenger.rs:1217-1289): LDK decrypted the data to `ControlTlvs::Receive` | [`Unsupported::UnblindHopForItself`] |
//! | `Received bogus onion message packet ...` (messenger.rs:1326-1328): LDK decrypted it to one of its dummy hops | [`Unsupported::UnblindHopForItself`] |
//! | `... Unable to decode our hop data ...` (messenger.rs:1323): LDK refused the data as a final hop too | rejected, `unspecified`, with both of LDK's answers |
//! | `HMAC Check failed`, a forward | `internal`: the adapter's probe is wrong, not the input |

use crate::onion::{
    public_key, rej, scid_string, secret_key, sender_secret, unusable, CapturingLogger,
    FixedSigner, NoLookUp, SessionEntropy, NO_RECEIVE_AUTH_KEY,
};
use crate::unsupported::Unsupported;
use asyncpay_adapter::blinding::{UnblindHop, UnblindedHopView};
use asyncpay_adapter::{Outcome, ReasonClass, Rejection};
use lightning::bitcoin::hashes::hmac::{Hmac, HmacEngine};
use lightning::bitcoin::hashes::sha256::Hash as Sha256;
use lightning::bitcoin::hashes::{Hash, HashEngine};
use lightning::bitcoin::secp256k1::{PublicKey, Scalar, Secp256k1, SecretKey};
use lightning::blinded_path::message::BlindedMessagePath;
use lightning::blinded_path::{BlindedHop, IntroductionNode, NodeIdLookUp};
use lightning::ln::peer_handler::IgnoringMessageHandler;
use lightning::onion_message::async_payments::{AsyncPaymentsMessage, HeldHtlcAvailable};
use lightning::onion_message::messenger::{
    create_onion_message, peel_onion_message, Destination, OnionMessagePath, PeeledOnion,
};
use lightning::sign::{NodeSigner, Recipient};
use std::sync::Mutex;

/// What `advance_path_by_one` answered, kept in a rejection's detail.
const ADVANCE_REFUSED: &str = "BlindedMessagePath::advance_path_by_one answered Err(()) (it \
     refuses data it cannot decrypt or read as LDK's ControlTlvs::Forward, \
     blinded_path/message.rs:204-226)";

/// A `NodeIdLookUp` that records the short channel id LDK asks about and
/// answers a placeholder node id (never reported).
struct RecordingLookUp {
    asked: Mutex<Option<u64>>,
    placeholder: PublicKey,
}

impl NodeIdLookUp for RecordingLookUp {
    fn next_node_id(&self, short_channel_id: u64) -> Option<PublicKey> {
        *self.asked.lock().unwrap_or_else(|e| e.into_inner()) = Some(short_channel_id);
        Some(self.placeholder)
    }
}

fn internal(detail: impl Into<String>) -> Outcome {
    Outcome::Rejected(rej(ReasonClass::Internal, detail))
}

/// Unblinds one hop (see the module documentation).
fn unblind(input: &UnblindHop) -> Result<UnblindedHopView, Outcome> {
    let secret = secret_key(&input.node_secret, "node_secret").map_err(Outcome::Rejected)?;
    let path_key = public_key(&input.path_key, "path_key").map_err(Outcome::Rejected)?;
    let enc = hex::decode(&input.encrypted_recipient_data)
        .map_err(|e| Outcome::Rejected(unusable("encrypted_recipient_data", e)))?;
    let signer = FixedSigner::new(secret, NO_RECEIVE_AUTH_KEY);
    let me = signer.node_id();
    let hops = vec![
        BlindedHop {
            blinded_node_id: me,
            encrypted_payload: enc.clone(),
        },
        BlindedHop {
            blinded_node_id: me,
            encrypted_payload: Vec::new(),
        },
    ];
    let mut path = BlindedMessagePath::from_blinded_path(me, path_key, hops);
    let lookup = RecordingLookUp {
        asked: Mutex::new(None),
        placeholder: me,
    };
    let secp = Secp256k1::new();
    if path.advance_path_by_one(&&signer, &&lookup, &secp).is_err() {
        return Err(read_as_final_hop(&signer, secret, path_key, enc));
    }
    let asked = *lookup.asked.lock().unwrap_or_else(|e| e.into_inner());
    let (next_node_id, short_channel_id) = match (asked, path.introduction_node()) {
        (Some(scid), _) => (None, Some(scid_string(scid))),
        (None, IntroductionNode::NodeId(pk)) => (Some(hex::encode(pk.serialize())), None),
        (None, IntroductionNode::DirectedShortChannelId(..)) => {
            return Err(internal(
                "LDK advanced to a directed short channel id without asking the lookup",
            ))
        }
    };
    Ok(UnblindedHopView {
        next_node_id,
        short_channel_id,
        next_path_key: hex::encode(path.blinding_point().serialize()),
        ..Default::default()
    })
}

/// The answer for a hop `advance_path_by_one` refused: LDK's
/// `peel_onion_message` reads the same data as a final hop.
fn read_as_final_hop(
    signer: &FixedSigner,
    secret: SecretKey,
    path_key: PublicKey,
    enc: Vec<u8>,
) -> Outcome {
    let secp = Secp256k1::new();
    // BOLT 4: the hop's blinded node id is HMAC256("blinded_node_id", ss)·N,
    // ss the ECDH of the path key and the node secret (LDK's own ecdh).
    let Ok(ss) = signer.ecdh(Recipient::Node, &path_key, None) else {
        return internal("the adapter's signer failed to compute the shared secret");
    };
    let mut hmac = HmacEngine::<Sha256>::new(b"blinded_node_id");
    hmac.input(ss.as_ref());
    let factor = Hmac::<Sha256>::from_engine(hmac).to_byte_array();
    let blinded = Scalar::from_be_bytes(factor)
        .ok()
        .and_then(|t| secret.mul_tweak(&t).ok())
        .map(|s| PublicKey::from_secret_key(&secp, &s));
    let Some(blinded) = blinded else {
        return internal("the blinding factor is not a usable scalar");
    };
    let path = BlindedMessagePath::from_blinded_path(
        signer.node_id(),
        path_key,
        vec![BlindedHop {
            blinded_node_id: blinded,
            encrypted_payload: enc,
        }],
    );
    let session = Sha256::hash(b"asyncpay-ldk blinded_path.unblind probe session").to_byte_array();
    let Ok(session) = SecretKey::from_slice(&session) else {
        return internal("probe session key");
    };
    let entropy = SessionEntropy::for_onion_message(&session);
    let sender = FixedSigner::new(sender_secret(), NO_RECEIVE_AUTH_KEY);
    let om_path = OnionMessagePath {
        intermediate_nodes: Vec::new(),
        destination: Destination::BlindedPath(path),
        first_node_addresses: Vec::new(),
    };
    let content = AsyncPaymentsMessage::HeldHtlcAvailable(HeldHtlcAvailable {});
    let om = match create_onion_message(
        &&entropy, &&sender, &&NoLookUp, &secp, om_path, content, None,
    ) {
        Ok((_, om, _)) => om,
        Err(e) => {
            return internal(format!(
                "{ADVANCE_REFUSED}; the adapter could not send the hop to LDK's final-hop \
                 reader: create_onion_message failed: {e:?}"
            ))
        }
    };
    let logger = CapturingLogger::default();
    let peeled = peel_onion_message(&om, &secp, signer, &logger, &IgnoringMessageHandler {});
    let lines = logger.lines();
    let last = lines.last().cloned().unwrap_or_default();
    match peeled {
        Ok(PeeledOnion::Forward(..)) => internal(format!(
            "{ADVANCE_REFUSED}, yet peel_onion_message forwards the same hop"
        )),
        Ok(_) => Unsupported::UnblindHopForItself
            .outcome(Some("peel_onion_message received it as a final hop")),
        Err(())
            if last.contains("Received an unauthenticated")
                || last.contains("wrong or missing context")
                || last.contains("Received bogus onion message packet") =>
        {
            Unsupported::UnblindHopForItself.outcome(Some(&format!(
                "peel_onion_message decrypted it and logged: {last}"
            )))
        }
        Err(()) if last.contains("HMAC Check failed") => internal(format!(
            "the adapter addressed its probe onion wrongly: {last}"
        )),
        Err(()) => Outcome::Rejected(refused(&lines)),
    }
}

/// LDK refused the hop data both as a forwarding hop and as a final hop.
fn refused(lines: &[String]) -> Rejection {
    let said = if lines.is_empty() {
        "logged nothing".to_string()
    } else {
        format!("logged: {}", lines.join(" | "))
    };
    rej(
        ReasonClass::Unspecified,
        format!(
            "LDK refused the hop data: {ADVANCE_REFUSED}, and peel_onion_message, reading the \
             same data as a final hop, returned Err(()) and {said}"
        ),
    )
}

/// Operation `blinded_path.unblind`.
pub(crate) fn unblind_op(input: &UnblindHop) -> Outcome {
    match unblind(input) {
        Ok(v) => Outcome::accepted(&v),
        Err(o) => o,
    }
}
