//! Static invoices built by LDK itself, from fixed seeds, for the interop
//! vector set (the reference model must decode them).
//!
//! Everything random in LDK's builders comes from an `EntropySource` (the
//! blinding secrets of the paths, blinded_path/message.rs:101-103 and
//! blinded_path/payment.rs:133-135); here it is a counter hashed with a fixed
//! seed, so the bytes are the same on every run. Signatures are BIP340 without
//! auxiliary randomness (`sign_schnorr_no_aux_rand`, offers/static_invoice.rs:184),
//! so they are deterministic too.

use crate::paths::{message_path_view, payinfo_view, payment_path_view};
use crate::release::{self, PaymentReceive};
use lightning::bitcoin::constants::ChainHash;
use lightning::bitcoin::hashes::{sha256, Hash, HashEngine};
use lightning::bitcoin::secp256k1::{PublicKey, Secp256k1, SecretKey};
use lightning::bitcoin::{Network, WPubkeyHash};
use lightning::blinded_path::message::{
    AsyncPaymentsContext, BlindedMessagePath, MessageContext, MessageForwardNode,
};
use lightning::blinded_path::payment::{
    BlindedPaymentPath, ForwardTlvs, PaymentConstraints, PaymentForwardNode, PaymentRelay,
};
use lightning::ln::inbound_payment::ExpandedKey;
use lightning::offers::merkle::TaggedHash;
use lightning::offers::nonce::Nonce;
use lightning::offers::offer::{Offer, OfferBuilder, Quantity};
use lightning::offers::static_invoice::{StaticInvoice, StaticInvoiceBuilder};
use lightning::sign::{EntropySource, ReceiveAuthKey};
use lightning::types::features::BlindedHopFeatures;
use lightning::types::payment::PaymentSecret;
use lightning::util::ser::Writeable;
use serde_json::{json, Value};
use std::sync::Mutex;
use std::time::Duration;

/// The `ExpandedKey` material (`ExpandedKey::new`, ln/inbound_payment.rs:67).
const KEY_MATERIAL: [u8; 32] = [0x01; 32];
/// The offer's nonce: the issuer signing key is derived from it and the ExpandedKey.
const OFFER_NONCE: [u8; 16] = [0x02; 16];
/// The recipient's key for authenticating its blinded message paths.
const RECEIVE_AUTH_KEY: [u8; 32] = [0x03; 32];
/// The recipient's node secret.
const RECIPIENT_SECRET: [u8; 32] = [0x41; 32];
/// The recipient's LSP (the introduction node of every path).
const LSP_SECRET: [u8; 32] = [0x42; 32];
/// A second LSP, for the variants with several paths.
const LSP2_SECRET: [u8; 32] = [0x43; 32];
/// The payment secret in the payment paths' receive TLVs.
const PAYMENT_SECRET: [u8; 32] = [0x05; 32];
/// `invoice_created_at`: 2026-01-01T00:00:00Z.
const CREATED_AT: u64 = 1_767_225_600;
/// Expiry of the blinded message paths' context: 2100-01-01T00:00:00Z.
const PATH_EXPIRY: u64 = 4_102_444_800;
/// The short channel id from each LSP to the recipient.
const SCID: u64 = 0x0000_7b00_0001_0000;
/// The short channel id from the second LSP to the recipient.
const SCID2: u64 = 0x0000_7b00_0002_0000;
/// Paths alternate between the two LSPs.
const LSPS: [([u8; 32], u64); 2] = [(LSP_SECRET, SCID), (LSP2_SECRET, SCID2)];

/// An `EntropySource` that returns SHA256(seed || counter), counter starting at 0.
struct DeterministicEntropy {
    seed: [u8; 32],
    counter: Mutex<u64>,
}

impl DeterministicEntropy {
    fn new(label: &str) -> DeterministicEntropy {
        DeterministicEntropy {
            seed: sha256::Hash::hash(label.as_bytes()).to_byte_array(),
            counter: Mutex::new(0),
        }
    }
}

impl EntropySource for DeterministicEntropy {
    fn get_secure_random_bytes(&self) -> [u8; 32] {
        let mut counter = self.counter.lock().unwrap_or_else(|e| e.into_inner());
        let mut engine = sha256::Hash::engine();
        engine.input(&self.seed);
        engine.input(&counter.to_be_bytes());
        *counter += 1;
        sha256::Hash::from_engine(engine).to_byte_array()
    }
}

/// What one variant asks of LDK's builders.
struct Variant {
    name: &'static str,
    payment_paths: usize,
    message_paths: usize,
    relative_expiry: Option<u32>,
    allow_mpp: bool,
    fallback_p2wpkh: Option<[u8; 20]>,
    offer_amount_msats: Option<u64>,
    offer_description: Option<&'static str>,
    offer_issuer: Option<&'static str>,
    offer_absolute_expiry: Option<u64>,
    offer_quantity_max: Option<u64>,
    offer_chain: Option<Network>,
}

impl Variant {
    const fn base(name: &'static str) -> Variant {
        Variant {
            name,
            payment_paths: 1,
            message_paths: 1,
            relative_expiry: None,
            allow_mpp: false,
            fallback_p2wpkh: None,
            offer_amount_msats: None,
            offer_description: None,
            offer_issuer: None,
            offer_absolute_expiry: None,
            offer_quantity_max: None,
            offer_chain: None,
        }
    }
}

fn variants() -> Vec<Variant> {
    vec![
        Variant::base("ldk_one_path_default_expiry"),
        Variant {
            payment_paths: 2,
            message_paths: 2,
            relative_expiry: Some(3600),
            ..Variant::base("ldk_two_paths_relative_expiry")
        },
        Variant {
            relative_expiry: Some(86_400),
            allow_mpp: true,
            offer_amount_msats: Some(100_000),
            offer_description: Some("coffee"),
            offer_issuer: Some("LDK conformance"),
            ..Variant::base("ldk_mpp_feature_amount")
        },
        Variant {
            payment_paths: 3,
            message_paths: 1,
            allow_mpp: true,
            fallback_p2wpkh: Some([0x77; 20]),
            offer_absolute_expiry: Some(PATH_EXPIRY),
            offer_quantity_max: Some(5),
            offer_chain: Some(Network::Testnet),
            offer_description: Some("testnet widgets"),
            ..Variant::base("ldk_testnet_fallback_quantity")
        },
    ]
}

fn pk(secret: &[u8; 32]) -> PublicKey {
    let secp = Secp256k1::signing_only();
    let sk = SecretKey::from_slice(secret).expect("fixed secret keys are valid");
    PublicKey::from_secret_key(&secp, &sk)
}

fn message_path(
    entropy: &DeterministicEntropy,
    lsp: PublicKey,
    scid: Option<u64>,
    context: MessageContext,
) -> BlindedMessagePath {
    let secp = Secp256k1::new();
    release::message_path(
        &[MessageForwardNode {
            node_id: lsp,
            short_channel_id: scid,
        }],
        pk(&RECIPIENT_SECRET),
        0,
        ReceiveAuthKey(RECEIVE_AUTH_KEY),
        context,
        entropy,
        &secp,
    )
}

fn payment_path(
    entropy: &DeterministicEntropy,
    expanded_key: &ExpandedKey,
    nonce: Nonce,
    index: usize,
) -> BlindedPaymentPath {
    let secp = Secp256k1::new();
    let constraints = PaymentConstraints {
        max_cltv_expiry: 1_000_000,
        htlc_minimum_msat: 1,
    };
    // `PaymentConstraints` is `Copy` in 0.3 only.
    #[allow(clippy::clone_on_copy)]
    let receive = PaymentReceive {
        secret: PaymentSecret(PAYMENT_SECRET),
        constraints: constraints.clone(),
        context: release::async_offer_payment_context(nonce),
    };
    let (lsp_secret, scid) = LSPS[index % 2];
    let lsp = pk(&lsp_secret);
    let hop = PaymentForwardNode {
        tlvs: ForwardTlvs {
            short_channel_id: scid,
            payment_relay: PaymentRelay {
                cltv_expiry_delta: 144,
                fee_proportional_millionths: 1_000 + index as u32,
                fee_base_msat: 1_000,
            },
            payment_constraints: constraints,
            features: BlindedHopFeatures::empty(),
            next_blinding_override: None,
        },
        node_id: lsp,
        htlc_maximum_msat: 1_000_000_000,
    };
    release::payment_path(
        &[hop],
        pk(&RECIPIENT_SECRET),
        ReceiveAuthKey(RECEIVE_AUTH_KEY),
        receive,
        (nonce, expanded_key),
        1_000_000_000,
        18,
        entropy,
        &secp,
    )
    .expect("LDK builds a one-hop-forward payment path")
}

fn build_offer(
    v: &Variant,
    entropy: &DeterministicEntropy,
    expanded_key: &ExpandedKey,
    nonce: Nonce,
) -> Offer {
    let secp = Secp256k1::new();
    let offer_path = message_path(
        entropy,
        pk(&LSP_SECRET),
        None,
        MessageContext::Offers(release::invoice_request_context(nonce)),
    );
    let mut b =
        OfferBuilder::deriving_signing_pubkey(pk(&RECIPIENT_SECRET), expanded_key, nonce, &secp)
            .path(offer_path);
    if let Some(n) = v.offer_chain {
        b = b.chain(n);
    }
    if let Some(a) = v.offer_amount_msats {
        b = b.amount_msats(a);
    }
    if let Some(d) = v.offer_description {
        b = b.description(d.to_string());
    }
    if let Some(i) = v.offer_issuer {
        b = b.issuer(i.to_string());
    }
    if let Some(e) = v.offer_absolute_expiry {
        b = b.absolute_expiry(Duration::from_secs(e));
    }
    if let Some(q) = v.offer_quantity_max {
        let q = std::num::NonZeroU64::new(q).map_or(Quantity::Unbounded, Quantity::Bounded);
        b = b.supported_quantity(q);
    }
    b.build().expect("LDK builds the offer")
}

/// The offer and paths of one variant, built with its own entropy.
struct Prepared {
    offer: Offer,
    payment_paths: Vec<BlindedPaymentPath>,
    message_paths: Vec<BlindedMessagePath>,
    expanded_key: ExpandedKey,
    nonce: Nonce,
}

fn prepare(v: &Variant) -> Prepared {
    let entropy = DeterministicEntropy::new(v.name);
    let expanded_key = ExpandedKey::new(KEY_MATERIAL);
    let nonce = Nonce::try_from(&OFFER_NONCE[..]).expect("16-byte nonce");
    let offer = build_offer(v, &entropy, &expanded_key, nonce);
    let payment_paths = (0..v.payment_paths)
        .map(|i| payment_path(&entropy, &expanded_key, nonce, i))
        .collect();
    let message_paths = (0..v.message_paths)
        .map(|i| {
            let (lsp_secret, scid) = LSPS[i % 2];
            message_path(
                &entropy,
                pk(&lsp_secret),
                Some(scid),
                MessageContext::AsyncPayments(AsyncPaymentsContext::InboundPayment {
                    path_absolute_expiry: Duration::from_secs(PATH_EXPIRY),
                }),
            )
        })
        .collect();
    Prepared {
        offer,
        payment_paths,
        message_paths,
        expanded_key,
        nonce,
    }
}

fn invoice_builder<'a>(v: &Variant, p: &'a Prepared) -> StaticInvoiceBuilder<'a> {
    let secp = Secp256k1::new();
    let mut builder = StaticInvoiceBuilder::for_offer_using_derived_keys(
        &p.offer,
        p.payment_paths.clone(),
        p.message_paths.clone(),
        Duration::from_secs(CREATED_AT),
        &p.expanded_key,
        p.nonce,
        &secp,
    )
    .expect("LDK accepts the offer and paths");
    if let Some(r) = v.relative_expiry {
        builder = builder.relative_expiry(r);
    }
    if v.allow_mpp {
        builder = builder.allow_mpp();
    }
    if let Some(h) = v.fallback_p2wpkh {
        builder = builder.fallback_v0_p2wpkh(&WPubkeyHash::from_byte_array(h));
    }
    builder
}

/// The key LDK signs a variant's invoice with (the issuer signing key it derives from
/// the ExpandedKey, the nonce and the offer), as `StaticInvoiceBuilder::build` hands it
/// out. Tests use it to re-sign altered invoices.
#[cfg(all(test, not(ldk_0_3)))]
pub(crate) fn signing_keypair(name: &str) -> lightning::bitcoin::secp256k1::Keypair {
    let v = variants()
        .into_iter()
        .find(|v| v.name == name)
        .expect("variant exists");
    let p = prepare(&v);
    invoice_builder(&v, &p)
        .build()
        .expect("LDK builds the invoice")
        .1
}

fn build_one(v: &Variant) -> (String, Vec<u8>, Value) {
    let secp = Secp256k1::new();
    let p = prepare(v);
    let offer = &p.offer;
    let invoice = invoice_builder(v, &p)
        .build_and_sign(&secp)
        .expect("LDK builds and signs the invoice");
    // The Merkle root LDK signed: `build()` gives the same `UnsignedStaticInvoice`
    // that `build_and_sign` signs (offers/static_invoice.rs:158-188; the builder uses no
    // entropy), and its `TaggedHash` (`AsRef<TaggedHash>`, offers/static_invoice.rs:360)
    // exposes the root (`TaggedHash::merkle_root`, offers/merkle.rs:72).
    let (unsigned, _) = invoice_builder(v, &p)
        .build()
        .expect("LDK builds the invoice");
    let tagged: &TaggedHash = unsigned.as_ref();
    let merkle_root = tagged.merkle_root().to_byte_array();

    let asked = json!({
        "builder": "lightning 0.2.7 StaticInvoiceBuilder::for_offer_using_derived_keys",
        "expanded_key_material": hex::encode(KEY_MATERIAL),
        "offer_nonce": hex::encode(OFFER_NONCE),
        "receive_auth_key": hex::encode(RECEIVE_AUTH_KEY),
        "recipient_node_secret": hex::encode(RECIPIENT_SECRET),
        "lsp_node_secrets": [hex::encode(LSP_SECRET), hex::encode(LSP2_SECRET)],
        "payment_secret": hex::encode(PAYMENT_SECRET),
        "entropy": format!("sha256(sha256({:?}) || counter_u64_be), counter from 0", v.name),
        "created_at": CREATED_AT,
        "relative_expiry": v.relative_expiry,
        "allow_mpp": v.allow_mpp,
        "fallback_p2wpkh": v.fallback_p2wpkh.map(hex::encode),
        "payment_paths": v.payment_paths,
        "message_paths": v.message_paths,
        "message_path_context": "AsyncPaymentsContext::InboundPayment",
        "message_path_absolute_expiry": PATH_EXPIRY,
        "message_path_padding": "LDK pads every hop's plaintext to a multiple of 100 bytes (MESSAGE_PADDING_ROUND_OFF, blinded_path/message.rs:697) only when no hop uses a short channel id (blinded_path/message.rs blinded_hops): offer path padded, invoice message paths not",
        "receive_hop_mac": "the recipient's hop (last) of every message path carries LDK's swapped-AAD Poly1305 tag keyed with receive_auth_key (crypto/streams.rs:62 chachapoly_encrypt_with_swapped_aad), not the RFC 8439 tag with empty AAD; forward hops use plain RFC 8439",
        "offer": {
            "paths": 1,
            "path_context": "OffersContext::InvoiceRequest",
            "chain": v.offer_chain.map(|n| n.to_string()),
            "amount_msats": v.offer_amount_msats,
            "description": v.offer_description,
            "issuer": v.offer_issuer,
            "absolute_expiry": v.offer_absolute_expiry,
            "quantity_max": v.offer_quantity_max,
            "issuer_signing_pubkey": "derived from expanded_key_material and offer_nonce",
            "chain_hash": v.offer_chain.map(|n| hex::encode(ChainHash::using_genesis_block(n).to_bytes())),
        },
        "issuer_signing_pubkey": offer.issuer_signing_pubkey().map(|k| hex::encode(k.serialize())),
        "ldk_built": built_values(&invoice, &merkle_root),
    });
    (v.name.to_string(), invoice.encode(), asked)
}

/// What LDK itself computed while building, read back through LDK's own
/// accessors on the built `StaticInvoice` (and, for the Merkle root, on the
/// `UnsignedStaticInvoice` it signed): the blinded paths (their blinding
/// points and encrypted data come from LDK's entropy and encryption), the
/// aggregated `blinded_payinfo` of each payment path
/// (`BlindedPaymentPath::new`, blinded_path/payment.rs), the Merkle root and
/// the signature. Paths are rendered as the suite's `BlindedPathView` by the
/// adapter's path functions (`crate::paths`).
fn built_values(invoice: &StaticInvoice, merkle_root: &[u8; 32]) -> Value {
    json!({
        "read_with": format!("lightning {} accessors: StaticInvoice::offer_message_paths, payment_paths (with payinfo), {}, signature; UnsignedStaticInvoice as TaggedHash, merkle_root", release::LDK_VERSION, release::HELD_HTLC_AVAILABLE_PATHS_ACCESSOR),
        "offer_paths": invoice.offer_message_paths().iter().map(message_path_view).collect::<Vec<_>>(),
        "payment_paths": invoice.payment_paths().iter().map(payment_path_view).collect::<Vec<_>>(),
        "blindedpay": invoice.payment_paths().iter().map(|p| payinfo_view(&p.payinfo)).collect::<Vec<_>>(),
        "message_paths": release::held_htlc_available_paths(invoice).iter().map(message_path_view).collect::<Vec<_>>(),
        "merkle_root": hex::encode(merkle_root),
        "signature": hex::encode(invoice.signature().as_ref()),
    })
}

/// Static invoices built by LDK 0.2.7's own `StaticInvoiceBuilder::for_offer_using_derived_keys`
/// from fixed keys, nonces, times and a deterministic entropy source.
///
/// Each entry is `(name, invoice TLV stream, what was asked of the builder)`.
/// The description also carries, under `ldk_built`, the values LDK computed
/// while building (paths, payinfo, Merkle root, signature), read through
/// LDK's accessors, so that a consumer can state an expected view without
/// decoding the bytes with another implementation.
/// The variants cover one and several payment and message paths, relative
/// expiry set and unset, invoice features (`allow_mpp`) set and unset, an
/// offer amount, description, issuer, chain, absolute expiry and quantity, and
/// a fallback address. The output is byte-for-byte the same on every run.
pub fn build_static_invoices_with_ldk() -> Vec<(String, Vec<u8>, Value)> {
    variants().iter().map(build_one).collect()
}
