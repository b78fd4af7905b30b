//! Onion messages with LDK: `onion_message.peel` through `peel_onion_message`
//! (onion_message/messenger.rs:1140) and `onion_message.build` through
//! `create_onion_message` (onion_message/messenger.rs:1058), and the LDK
//! plumbing (signer, logger, entropy) that module `unblind` shares.
//!
//! # Driving LDK with the suite's secrets
//!
//! * [`FixedSigner`] is a `NodeSigner` holding the node secret an input
//!   gives. `ecdh` multiplies the secret by LDK's tweak (the blinding factor
//!   of the path key) exactly as LDK's own `KeysManager` does
//!   (sign/mod.rs:2354-2365); every method that signs answers `Err(())`.
//! * Its `get_receive_auth_key` returns the input's `release_auth_key` when
//!   there is one (the suite's "node-local secret with which this node
//!   authenticates the contexts of its own paths" is exactly LDK's
//!   `ReceiveAuthKey`, sign/mod.rs:910-921), else [`NO_RECEIVE_AUTH_KEY`].
//!   Effect: LDK accepts a final hop's `encrypted_recipient_data` under either
//!   of two Poly1305 tags (crypto/streams.rs:101-166): BOLT 4's, which the
//!   reference and every suite-built path use (LDK then reports the context
//!   as *unauthenticated*), or LDK's own with the receive key appended to the
//!   MAC input (*authenticated*). LDK delivers an async payments message (and
//!   every offers message but `invoice_request`) only when it arrived on a
//!   path with a context *and* an authenticated tag (messenger.rs:1235-1256),
//!   so the key matters only for paths LDK built itself with that key; no
//!   suite-built path is authenticated whatever key is returned.
//! * [`CapturingLogger`] keeps LDK's log lines (never printed): LDK's
//!   `peel_onion_message` answers `Err(())` and says why only in its log,
//!   so the rejection class is read from the last line ([`peel_rejection`]).
//! * [`SessionEntropy`] answers the two draws `create_onion_message` makes,
//!   in its order (messenger.rs:1104 then 1126): the Sphinx session key, then
//!   the seed of the packet's initial noise. The second is BOLT 4's
//!   `pad` key, `HMAC256("pad", session_key)`: LDK fills the payloads with
//!   ChaCha20 keyed by the seed (ln/onion_utils.rs:805-813), which is what BOLT 4
//!   prescribes for the `pad` key, so the packets are byte for byte BOLT 4's.

use crate::errors::decode_rejection;
use crate::paths::{message_path_from_view, message_path_view};
use crate::unsupported::Unsupported;
use asyncpay_adapter::onion::{
    BuildOnionMessage, BuiltOnionMessageView, ContentView, ForwardView, PeelOnionMessage,
    PeeledOnionMessageView, ReceiveView, ReleaseContextView,
};
use asyncpay_adapter::{Outcome, ReasonClass, Rejection};
use lightning::bitcoin::hashes::hmac::{Hmac, HmacEngine};
use lightning::bitcoin::hashes::sha256::Hash as Sha256;
use lightning::bitcoin::hashes::{Hash, HashEngine};
use lightning::bitcoin::secp256k1::ecdh::SharedSecret;
use lightning::bitcoin::secp256k1::ecdsa::{RecoverableSignature, Signature};
use lightning::bitcoin::secp256k1::{schnorr, PublicKey, Scalar, Secp256k1, SecretKey};
use lightning::blinded_path::message::{MessageContext, NextMessageHop};
use lightning::blinded_path::{IntroductionNode, NodeIdLookUp};
use lightning::bolt11_invoice::RawBolt11Invoice;
use lightning::ln::inbound_payment::ExpandedKey;
use lightning::ln::msgs::{OnionMessage, UnsignedGossipMessage};
use lightning::ln::peer_handler::IgnoringMessageHandler;
use lightning::offers::invoice::{Bolt12Invoice, UnsignedBolt12Invoice};
use lightning::offers::invoice_error::InvoiceError;
use lightning::offers::invoice_request::InvoiceRequest;
use lightning::offers::static_invoice::StaticInvoice;
use lightning::onion_message::async_payments::{
    AsyncPaymentsMessage, HeldHtlcAvailable, ReleaseHeldHtlc,
};
use lightning::onion_message::messenger::{
    create_onion_message, peel_onion_message, Destination, OnionMessagePath, PeeledOnion, SendError,
};
use lightning::onion_message::offers::OffersMessage;
use lightning::onion_message::packet::OnionMessageContents;
use lightning::sign::{EntropySource, NodeSigner, PeerStorageKey, ReceiveAuthKey, Recipient};
use lightning::util::logger::{Logger, Record};
use lightning::util::ser::{LengthReadable, Readable, Writeable};
use std::sync::Mutex;

/// Message type of `onion_message`.
const ONION_MESSAGE_TYPE: u16 = 513;

/// The receive key [`FixedSigner`] answers when the input gives no
/// `release_auth_key`: 32 zero bytes. It authenticates no path the suite
/// built (none is built with LDK's tag), so its value has no effect there.
pub(crate) const NO_RECEIVE_AUTH_KEY: [u8; 32] = [0u8; 32];

/// The secret of the sender in `onion_message.build`. The vectors do not name
/// the sender; LDK asks for its node id only to see whether it is the path's
/// introduction node itself (messenger.rs:1079-1097), which this key is not.
pub(crate) fn sender_secret() -> SecretKey {
    let h = Sha256::hash(b"asyncpay-ldk onion_message.build sender").to_byte_array();
    SecretKey::from_slice(&h).expect("a SHA256 output is a valid secret key")
}

/// A `NodeSigner` holding one node secret (see the module documentation).
pub(crate) struct FixedSigner {
    secret: SecretKey,
    node_id: PublicKey,
    receive_auth_key: [u8; 32],
}

impl FixedSigner {
    /// The node id of the secret.
    pub(crate) fn node_id(&self) -> PublicKey {
        self.node_id
    }

    /// A signer for `secret` that authenticates paths with `receive_auth_key`.
    pub(crate) fn new(secret: SecretKey, receive_auth_key: [u8; 32]) -> FixedSigner {
        let secp = Secp256k1::signing_only();
        FixedSigner {
            secret,
            node_id: PublicKey::from_secret_key(&secp, &secret),
            receive_auth_key,
        }
    }
}

impl NodeSigner for FixedSigner {
    fn get_expanded_key(&self) -> ExpandedKey {
        // Not used by peel_onion_message nor create_onion_message.
        ExpandedKey::new([0u8; 32])
    }

    fn get_peer_storage_key(&self) -> PeerStorageKey {
        PeerStorageKey { inner: [0u8; 32] }
    }

    fn get_receive_auth_key(&self) -> ReceiveAuthKey {
        ReceiveAuthKey(self.receive_auth_key)
    }

    fn get_node_id(&self, recipient: Recipient) -> Result<PublicKey, ()> {
        match recipient {
            Recipient::Node => Ok(self.node_id),
            Recipient::PhantomNode => Err(()),
        }
    }

    fn ecdh(
        &self,
        recipient: Recipient,
        other_key: &PublicKey,
        tweak: Option<&Scalar>,
    ) -> Result<SharedSecret, ()> {
        if !matches!(recipient, Recipient::Node) {
            return Err(());
        }
        // As KeysManager does (sign/mod.rs:2354-2365).
        let secret = match tweak {
            Some(t) => self.secret.mul_tweak(t).map_err(|_| ())?,
            None => self.secret,
        };
        Ok(SharedSecret::new(other_key, &secret))
    }

    fn sign_invoice(
        &self,
        _invoice: &RawBolt11Invoice,
        _recipient: Recipient,
    ) -> Result<RecoverableSignature, ()> {
        Err(())
    }

    fn sign_bolt12_invoice(
        &self,
        _invoice: &UnsignedBolt12Invoice,
    ) -> Result<schnorr::Signature, ()> {
        Err(())
    }

    fn sign_gossip_message(&self, _msg: UnsignedGossipMessage) -> Result<Signature, ()> {
        Err(())
    }

    fn sign_message(&self, _msg: &[u8]) -> Result<String, ()> {
        Err(())
    }
}

/// A `Logger` that keeps every line LDK logs, with its source location.
#[derive(Default)]
pub(crate) struct CapturingLogger {
    lines: Mutex<Vec<String>>,
}

impl CapturingLogger {
    /// The lines logged so far, oldest first.
    pub(crate) fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Logger for CapturingLogger {
    fn log(&self, record: Record) {
        let line = format!(
            "{} {}:{}: {}",
            record.level, record.file, record.line, record.args
        );
        self.lines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(line);
    }
}

/// An `EntropySource` that answers fixed values in order, then zeros
/// (a draw beyond the list makes LDK's `SecretKey::from_slice` fail loudly).
pub(crate) struct SessionEntropy {
    draws: Mutex<Vec<[u8; 32]>>,
}

impl SessionEntropy {
    /// The draws of `create_onion_message` for Sphinx session key `session`.
    pub(crate) fn for_onion_message(session: &SecretKey) -> SessionEntropy {
        let mut hmac = HmacEngine::<Sha256>::new(b"pad");
        hmac.input(&session.secret_bytes());
        let pad = Hmac::<Sha256>::from_engine(hmac).to_byte_array();
        SessionEntropy {
            draws: Mutex::new(vec![pad, session.secret_bytes()]),
        }
    }
}

impl EntropySource for SessionEntropy {
    fn get_secure_random_bytes(&self) -> [u8; 32] {
        self.draws
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .unwrap_or([0u8; 32])
    }
}

/// A `NodeIdLookUp` that knows no channel.
pub(crate) struct NoLookUp;

impl NodeIdLookUp for NoLookUp {
    fn next_node_id(&self, _short_channel_id: u64) -> Option<PublicKey> {
        None
    }
}

pub(crate) fn rej(class: ReasonClass, detail: impl Into<String>) -> Rejection {
    Rejection::new(class, detail)
}

/// Input the adapter cannot even hand to LDK (hex that does not parse, a
/// secret that is no secp256k1 scalar): not a verdict of LDK's.
pub(crate) fn unusable(what: &str, e: impl std::fmt::Display) -> Rejection {
    rej(
        ReasonClass::Internal,
        format!("{what}: the vector's input cannot be handed to LDK: {e}"),
    )
}

/// Hex of the input.
pub(crate) fn input_hex(hex_in: &str, what: &str) -> Result<Vec<u8>, Rejection> {
    hex::decode(hex_in).map_err(|e| unusable(what, e))
}

pub(crate) fn secret_key(hex_in: &str, what: &str) -> Result<SecretKey, Rejection> {
    SecretKey::from_slice(&input_hex(hex_in, what)?).map_err(|e| unusable(what, e))
}

/// A point LDK's API takes as a `PublicKey`: bytes that are not one are
/// refused by secp256k1 (LDK's own readers refuse them the same way,
/// `Readable for PublicKey`, util/ser.rs).
pub(crate) fn public_key(hex_in: &str, what: &str) -> Result<PublicKey, Rejection> {
    let b = input_hex(hex_in, what)?;
    PublicKey::from_slice(&b).map_err(|e| rej(ReasonClass::InvalidPoint, format!("{what}: {e}")))
}

fn bytes32(hex_in: &str, what: &str) -> Result<[u8; 32], Rejection> {
    input_hex(hex_in, what)?
        .try_into()
        .map_err(|_| unusable(what, "not 32 bytes"))
}

/// `BLOCKxTXxOUTPUT`.
pub(crate) fn scid_string(scid: u64) -> String {
    format!(
        "{}x{}x{}",
        scid >> 40,
        (scid >> 16) & 0xff_ffff,
        scid & 0xffff
    )
}

/// An `onion_message` (type prefix included) read with LDK's reader
/// (`LengthReadable for OnionMessage`, ln/msgs.rs:3373-3384).
pub(crate) fn read_onion_message(bytes: &[u8]) -> Result<OnionMessage, Rejection> {
    if bytes.len() < 2 {
        return Err(rej(ReasonClass::Truncated, "no message type"));
    }
    let t = u16::from_be_bytes([bytes[0], bytes[1]]);
    if t != ONION_MESSAGE_TYPE {
        return Err(rej(
            ReasonClass::WrongMessageType,
            format!("message type {t}, expected {ONION_MESSAGE_TYPE}"),
        ));
    }
    let mut r = &bytes[2..];
    OnionMessage::read_from_fixed_length_buffer(&mut r)
        .map_err(|e| decode_rejection(&e, "onion_message"))
}

/// An `onion_message` written by LDK, type prefix included.
pub(crate) fn write_onion_message(msg: &OnionMessage) -> Vec<u8> {
    let mut out = ONION_MESSAGE_TYPE.to_be_bytes().to_vec();
    out.extend_from_slice(&msg.encode());
    out
}

/// The class of a `peel_onion_message` failure, from the last line LDK
/// logged before returning `Err(())` (messenger.rs:1140-1330):
///
/// | LDK's log line | class |
/// | --- | --- |
/// | `Errored decoding onion message packet: Malformed { err_msg: "HMAC Check failed", .. }` (ln/onion_utils.rs:2643-2648) | `invalid_hmac` |
/// | `Errored decoding onion message packet: Relay { err_msg: "Unable to decode our hop data", reason: InvalidOnionPayload, .. }` (messenger.rs:1323, ln/onion_utils.rs:2652-2679) | `unspecified`: LDK folds every `DecodeError` of the payload (a Poly1305 tag that verifies under neither key, an unknown even type in `onionmsg_tlv` or in the encrypted data, both next hops, no or two contents, a malformed reply path, a content its reader refuses) into this one line, and the `DecodeError` itself is not logged, so the line names no rule |
/// | `Received an unauthenticated ... onion message` (messenger.rs:1238-1276) | `unauthenticated_release`: the final hop's tag did not verify under the receive key, so LDK did not build the path |
/// | `Received message was sent on a blinded path with wrong or missing context.` (messenger.rs:1280-1286) | `invalid_content`: the path's context is not one for this kind of message |
/// | `Received bogus onion message packet, either the sender encoded a final hop as a forwarding hop or vice versa` (messenger.rs:1326-1328) | `invalid_encrypted_data` |
/// | `Failed to retrieve node secret`, `Failed to compute onion packet shared secret` (messenger.rs:1152, :1166) | `internal`: the adapter's own signer failed |
/// | anything else, or nothing logged | `unspecified`: LDK refused the input and did not say why |
///
/// Every rejection keeps LDK's line in its detail.
pub(crate) fn peel_rejection(lines: &[String]) -> Rejection {
    let Some(last) = lines.last() else {
        return rej(
            ReasonClass::Unspecified,
            "LDK's peel_onion_message returned Err(()) and logged nothing",
        );
    };
    let class = if last.contains("HMAC Check failed") {
        ReasonClass::InvalidHmac
    } else if last.contains("Received an unauthenticated") {
        ReasonClass::UnauthenticatedRelease
    } else if last.contains("wrong or missing context") {
        ReasonClass::InvalidContent
    } else if last.contains("Received bogus onion message packet") {
        ReasonClass::InvalidEncryptedData
    } else if last.contains("Failed to retrieve node secret")
        || last.contains("Failed to compute onion packet shared secret")
    {
        ReasonClass::Internal
    } else {
        ReasonClass::Unspecified
    };
    let earlier = &lines[..lines.len() - 1];
    let mut detail = format!("LDK's peel_onion_message refused it: {last}");
    if !earlier.is_empty() {
        detail.push_str(&format!(" (earlier: {})", earlier.join(" | ")));
    }
    rej(class, detail)
}

/// The kind name and type of an LDK content, and its value as LDK writes it.
fn content_view(kind: &str, msg: &impl OnionMessageContents) -> ContentView {
    ContentView {
        kind: kind.to_string(),
        tlv_type: msg.tlv_type(),
        value: hex::encode(msg.encode()),
    }
}

fn offers_kind(m: &OffersMessage) -> &'static str {
    match m {
        OffersMessage::InvoiceRequest(_) => "invoice_request",
        OffersMessage::Invoice(_) => "invoice",
        OffersMessage::StaticInvoice(_) => "static_invoice",
        OffersMessage::InvoiceError(_) => "invoice_error",
    }
}

fn async_kind(m: &AsyncPaymentsMessage) -> &'static str {
    match m {
        AsyncPaymentsMessage::HeldHtlcAvailable(_) => "held_htlc_available",
        AsyncPaymentsMessage::ReleaseHeldHtlc(_) => "release_held_htlc",
        AsyncPaymentsMessage::OfferPathsRequest(_) => "offer_paths_request",
        AsyncPaymentsMessage::OfferPaths(_) => "offer_paths",
        AsyncPaymentsMessage::ServeStaticInvoice(_) => "serve_static_invoice",
        AsyncPaymentsMessage::StaticInvoicePersisted(_) => "static_invoice_persisted",
    }
}

/// LDK's encrypted_data type of its context (onion_message/packet.rs:376).
const LDK_CONTEXT_TYPE: u64 = 65537;

/// Peel one layer with LDK's `peel_onion_message`.
pub(crate) fn peel(input: &PeelOnionMessage) -> Result<PeeledOnionMessageView, Rejection> {
    let secret = secret_key(&input.node_secret, "node_secret")?;
    let auth = match &input.release_auth_key {
        Some(k) => bytes32(k, "release_auth_key")?,
        None => NO_RECEIVE_AUTH_KEY,
    };
    let bytes = input_hex(&input.onion_message, "onion_message")?;
    let msg = read_onion_message(&bytes)?;
    let signer = FixedSigner::new(secret, auth);
    let logger = CapturingLogger::default();
    let secp = Secp256k1::new();
    let handler = IgnoringMessageHandler {};
    let peeled = peel_onion_message(&msg, &secp, &signer, &logger, &handler)
        .map_err(|()| peel_rejection(&logger.lines()))?;
    let mut view = PeeledOnionMessageView::default();
    match peeled {
        PeeledOnion::Forward(next, next_msg) => {
            let (next_node_id, short_channel_id) = match next {
                NextMessageHop::NodeId(pk) => (Some(hex::encode(pk.serialize())), None),
                NextMessageHop::ShortChannelId(scid) => (None, Some(scid_string(scid))),
            };
            view.forward = Some(ForwardView {
                next_node_id,
                short_channel_id,
                onion_message: hex::encode(write_onion_message(&next_msg)),
                counterparty_reply_path: None,
            });
        }
        PeeledOnion::Offers(m, _ctx, reply) => {
            view.receive = Some(ReceiveView {
                content: Some(content_view(offers_kind(&m), &m)),
                reply_path: reply.as_ref().map(message_path_view),
                ..Default::default()
            });
        }
        PeeledOnion::AsyncPayments(m, ctx, reply) => {
            // LDK returns this only for an authenticated context (messenger.rs:1243-1256).
            let release_context =
                matches!(m, AsyncPaymentsMessage::ReleaseHeldHtlc(_)).then(|| ReleaseContextView {
                    tlv_type: LDK_CONTEXT_TYPE,
                    value: hex::encode(MessageContext::AsyncPayments(ctx).encode()),
                    channel_id: None,
                    htlc_id: None,
                    authenticated: true,
                });
            view.receive = Some(ReceiveView {
                content: Some(content_view(async_kind(&m), &m)),
                reply_path: reply.as_ref().map(message_path_view),
                release_context,
                ..Default::default()
            });
        }
        PeeledOnion::DNSResolver(m, _ctx, reply) => {
            view.receive = Some(ReceiveView {
                content: Some(content_view("dns_resolver", &m)),
                reply_path: reply.as_ref().map(message_path_view),
                ..Default::default()
            });
        }
        PeeledOnion::Custom(never, _, _) => match never {},
    }
    Ok(view)
}

/// Operation `onion_message.peel`.
pub(crate) fn peel_op(input: &PeelOnionMessage) -> Outcome {
    match peel(input) {
        Ok(v) => Outcome::accepted(&v),
        Err(r) => Outcome::Rejected(r),
    }
}

/// An LDK content from the suite's `(kind, value)`.
///
/// * `held_htlc_available` and `release_held_htlc`: LDK's structs
///   `HeldHtlcAvailable {}` and `ReleaseHeldHtlc {}` (onion_message/async_payments.rs:194,198)
///   have no fields, so they stand for exactly the draft's empty TLV stream;
///   LDK writes them itself (with its length prefix, see the expected failures).
///   A non-empty value is read with LDK's reader and, if refused, is a value
///   LDK's types cannot hold ([`Unsupported::AsyncContentWithFields`]): sending
///   the bytes verbatim would make LDK appear to carry a field it has not.
/// * the offers kinds: read with LDK's own reader (`InvoiceRequest`,
///   `Bolt12Invoice`, `StaticInvoice`, `InvoiceError`), which keeps the bytes
///   as given. Where LDK's reader refuses the value on BOLT 12 grounds (the
///   onion message vectors carry placeholder invoices: no payer metadata, no
///   payment paths), the bytes are sent verbatim as a [`RawContent`] at
///   LDK's type number for that kind (onion_message/offers.rs:29-33), through
///   the same public `create_onion_message`: the packet is still LDK's, and
///   the content is one LDK has a type for.
// One value per build, moved straight into create_onion_message: boxing buys nothing.
#[allow(clippy::large_enum_variant)]
enum Content {
    Offers(OffersMessage),
    Async(AsyncPaymentsMessage),
    Raw(RawContent),
}

/// Content bytes written verbatim at a given `onionmsg_tlv` type, through
/// LDK's public `OnionMessageContents` trait (onion_message/packet.rs:178-190).
#[derive(Debug)]
pub(crate) struct RawContent {
    tlv_type: u64,
    value: Vec<u8>,
}

impl Writeable for RawContent {
    fn write<W: lightning::util::ser::Writer>(
        &self,
        w: &mut W,
    ) -> Result<(), lightning::io::Error> {
        w.write_all(&self.value)
    }
}

impl OnionMessageContents for RawContent {
    fn tlv_type(&self) -> u64 {
        self.tlv_type
    }

    fn msg_type(&self) -> &'static str {
        "asyncpay raw content"
    }
}

fn read_all<T: Readable>(value: &[u8]) -> Option<T> {
    let mut r = value;
    let v = T::read(&mut r).ok()?;
    r.is_empty().then_some(v)
}

/// The content for `kind`; `Err` is the answer when there is none.
fn content(kind: &str, value: &[u8]) -> Result<Content, Outcome> {
    let v = value.to_vec();
    let raw = |tlv_type: u64| {
        Ok(Content::Raw(RawContent {
            tlv_type,
            value: value.to_vec(),
        }))
    };
    let with_fields = || Err(Unsupported::AsyncContentWithFields.outcome(Some(kind)));
    match kind {
        "invoice_request" => match InvoiceRequest::try_from(v) {
            Ok(m) => Ok(Content::Offers(OffersMessage::InvoiceRequest(m))),
            Err(_) => raw(64),
        },
        "invoice" => match Bolt12Invoice::try_from(v) {
            Ok(m) => Ok(Content::Offers(OffersMessage::Invoice(m))),
            Err(_) => raw(66),
        },
        "invoice_error" => match read_all::<InvoiceError>(value) {
            Some(m) => Ok(Content::Offers(OffersMessage::InvoiceError(m))),
            None => raw(68),
        },
        "static_invoice" => match StaticInvoice::try_from(v) {
            Ok(m) => Ok(Content::Offers(OffersMessage::StaticInvoice(m))),
            Err(_) => raw(70),
        },
        "held_htlc_available" if value.is_empty() => Ok(Content::Async(
            AsyncPaymentsMessage::HeldHtlcAvailable(HeldHtlcAvailable {}),
        )),
        "release_held_htlc" if value.is_empty() => Ok(Content::Async(
            AsyncPaymentsMessage::ReleaseHeldHtlc(ReleaseHeldHtlc {}),
        )),
        "held_htlc_available" => match read_all::<HeldHtlcAvailable>(value) {
            Some(m) => Ok(Content::Async(AsyncPaymentsMessage::HeldHtlcAvailable(m))),
            None => with_fields(),
        },
        "release_held_htlc" => match read_all::<ReleaseHeldHtlc>(value) {
            Some(m) => Ok(Content::Async(AsyncPaymentsMessage::ReleaseHeldHtlc(m))),
            None => with_fields(),
        },
        // The experimental designs' contents (profiles
        // experimental-trampoline-hold and experimental-payment-unblock,
        // the only ones that define these kinds, at these numbers): LDK has
        // no type of its own for them, so they go as raw contents.
        "async_payment_notice" => raw(76),
        "async_payment_trigger" => raw(78),
        "hold_htlc_request" => raw(80),
        // The api crate names exactly the kinds above (MessageContent::kind).
        other => Err(Outcome::Rejected(unusable(
            "content kind",
            format!("{other:?} is not a kind the suite's API defines"),
        ))),
    }
}

/// Build with LDK's `create_onion_message`.
fn build(input: &BuildOnionMessage) -> Result<BuiltOnionMessageView, Outcome> {
    let Some(c) = &input.content else {
        return Err(Unsupported::OnionMessageWithoutContent.outcome(None));
    };
    if !input.extra_tlvs.is_empty() {
        return Err(Unsupported::OnionMessageExtraTlvs.outcome(None));
    }
    if !input.intermediate_tlvs.is_empty() {
        return Err(Unsupported::OnionMessageIntermediateTlvs.outcome(None));
    }
    let session = secret_key(&input.session_key, "session_key").map_err(Outcome::Rejected)?;
    let path = message_path_from_view(&input.path).map_err(Outcome::Rejected)?;
    if matches!(
        path.introduction_node(),
        IntroductionNode::DirectedShortChannelId(..)
    ) {
        return Err(Unsupported::OnionMessageSciddirIntroduction.outcome(None));
    }
    let reply = match &input.reply_path {
        Some(v) => Some(message_path_from_view(v).map_err(Outcome::Rejected)?),
        None => None,
    };
    let value = input_hex(&c.value, "content value").map_err(Outcome::Rejected)?;
    let entropy = SessionEntropy::for_onion_message(&session);
    let signer = FixedSigner::new(sender_secret(), NO_RECEIVE_AUTH_KEY);
    let secp = Secp256k1::new();
    let om_path = OnionMessagePath {
        intermediate_nodes: Vec::new(),
        destination: Destination::BlindedPath(path),
        first_node_addresses: Vec::new(),
    };
    let made = match content(&c.kind, &value)? {
        Content::Offers(m) => {
            create_onion_message(&&entropy, &&signer, &&NoLookUp, &secp, om_path, m, reply)
        }
        Content::Async(m) => {
            create_onion_message(&&entropy, &&signer, &&NoLookUp, &secp, om_path, m, reply)
        }
        Content::Raw(m) => {
            create_onion_message(&&entropy, &&signer, &&NoLookUp, &secp, om_path, m, reply)
        }
    };
    let (first, msg, _) = made.map_err(|e| Outcome::Rejected(send_error_rejection(e)))?;
    if let Some(len) = input.payloads_len {
        let got = msg.onion_routing_packet.hop_data.len();
        if got != len as usize {
            return Err(Unsupported::OnionMessagePayloadsLen.outcome(Some(&format!(
                "the input asks for onionmsg_payloads of {len} bytes and LDK chose {got}"
            ))));
        }
    }
    Ok(BuiltOnionMessageView {
        first_node_id: hex::encode(first.serialize()),
        onion_message: hex::encode(write_onion_message(&msg)),
    })
}

/// A rejection for a `create_onion_message` error. Only `GetNodeIdFailed`
/// (the adapter's own signer) is not a verdict on the input.
pub(crate) fn send_error_rejection(e: SendError) -> Rejection {
    let class = match e {
        SendError::TooFewBlindedHops => ReasonClass::InvalidBlindedPath,
        SendError::TooBigPacket => ReasonClass::InvalidValue,
        SendError::InvalidMessage => ReasonClass::InvalidContent,
        SendError::Secp256k1(_) => ReasonClass::InvalidPoint,
        SendError::GetNodeIdFailed => ReasonClass::Internal,
        _ => ReasonClass::Unspecified,
    };
    rej(class, format!("LDK's create_onion_message failed: {e:?}"))
}

/// Operation `onion_message.build`.
pub(crate) fn build_op(input: &BuildOnionMessage) -> Outcome {
    match build(input) {
        Ok(v) => Outcome::accepted(&v),
        Err(o) => o,
    }
}
