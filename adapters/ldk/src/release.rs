//! What differs between the two LDK releases these sources build against:
//! `lightning` 0.2.7 (the `asyncpay-ldk` crate) and 0.3.0-rc3 (the
//! `asyncpay-ldk-0-3` crate, where `cfg(ldk_0_3)` is set).
//!
//! Each item here is one call or value whose shape changed between the
//! releases, written once per release, so a reader sees in one place what
//! the adapter does differently on each. Everything else in the adapter is
//! the same source for both. Source paths are relative to the release's
//! `lightning-<version>/src/`.

use lightning::bitcoin::secp256k1::{self, PublicKey, Secp256k1};
use lightning::blinded_path::message::{
    BlindedMessagePath, MessageContext, MessageForwardNode, OffersContext,
};
use lightning::blinded_path::payment::{
    AsyncBolt12OfferContext, BlindedPaymentPath, PaymentConstraints, PaymentContext,
    PaymentForwardNode,
};
use lightning::ln::channelmanager::PaymentId;
use lightning::ln::inbound_payment::ExpandedKey;
use lightning::offers::nonce::Nonce;
use lightning::offers::static_invoice::StaticInvoice;
use lightning::sign::{EntropySource, ReceiveAuthKey};
use lightning::types::payment::PaymentSecret;

/// The name of the adapter, used in trial names.
#[cfg(not(ldk_0_3))]
pub const ADAPTER_NAME: &str = "ldk";
/// The name of the adapter, used in trial names.
#[cfg(ldk_0_3)]
pub const ADAPTER_NAME: &str = "ldk-0.3";

/// The `lightning` crate version this adapter is built against.
#[cfg(not(ldk_0_3))]
pub const LDK_VERSION: &str = "0.2.7";
/// The `lightning` crate version this adapter is built against.
#[cfg(ldk_0_3)]
pub const LDK_VERSION: &str = "0.3.0-rc3";

/// The odd TLV types of `update_add_htlc` LDK reads beyond the draft's:
/// `skimmed_fee_msat` (65537) and its own `hold_htlc` (75537); 0.3 adds
/// `accountable` (106823, ln/msgs.rs:3565 in 0.3.0-rc3).
#[cfg(not(ldk_0_3))]
pub const UPDATE_ADD_KNOWN_ODD: &[u64] = &[65537, 75537];
/// The odd TLV types of `update_add_htlc` LDK reads beyond the draft's:
/// `skimmed_fee_msat` (65537) and its own `hold_htlc` (75537); 0.3 adds
/// `accountable` (106823, ln/msgs.rs:3565 in 0.3.0-rc3).
#[cfg(ldk_0_3)]
pub const UPDATE_ADD_KNOWN_ODD: &[u64] = &[65537, 75537, 106823];

/// A blinded message path to `recipient` through `intermediate`, with
/// `dummy_hops` dummy hops, sealed with `key`. 0.3 adds `compact_padding`
/// (blinded_path/message.rs:109-117); the adapter asks for the default,
/// privacy-preserving padding, as LDK's own paths use.
#[cfg(not(ldk_0_3))]
pub(crate) fn message_path<ES, T>(
    intermediate: &[MessageForwardNode],
    recipient: PublicKey,
    dummy_hops: usize,
    key: ReceiveAuthKey,
    context: MessageContext,
    entropy: ES,
    secp: &Secp256k1<T>,
) -> BlindedMessagePath
where
    ES: std::ops::Deref,
    ES::Target: EntropySource,
    T: secp256k1::Signing + secp256k1::Verification,
{
    BlindedMessagePath::new_with_dummy_hops(
        intermediate,
        recipient,
        dummy_hops,
        key,
        context,
        entropy,
        secp,
    )
}

/// A blinded message path to `recipient` through `intermediate`, with
/// `dummy_hops` dummy hops, sealed with `key`. 0.3 adds `compact_padding`
/// (blinded_path/message.rs:109-117); the adapter asks for the default,
/// privacy-preserving padding, as LDK's own paths use.
#[cfg(ldk_0_3)]
pub(crate) fn message_path<ES, T>(
    intermediate: &[MessageForwardNode],
    recipient: PublicKey,
    dummy_hops: usize,
    key: ReceiveAuthKey,
    context: MessageContext,
    entropy: ES,
    secp: &Secp256k1<T>,
) -> BlindedMessagePath
where
    ES: EntropySource,
    T: secp256k1::Signing + secp256k1::Verification,
{
    BlindedMessagePath::new_with_dummy_hops(
        intermediate,
        recipient,
        dummy_hops,
        key,
        context,
        false,
        entropy,
        secp,
    )
}

/// What a blinded payment path's final hop carries, before the release
/// authenticates it.
pub(crate) struct PaymentReceive {
    /// The payment secret.
    pub secret: PaymentSecret,
    /// The receive hop's constraints.
    pub constraints: PaymentConstraints,
    /// The receive hop's context.
    pub context: PaymentContext,
}

/// A blinded payment path to `payee`. 0.2.7 authenticates the receive TLVs
/// with an HMAC keyed by the `ExpandedKey` and the offer's nonce
/// (`UnauthenticatedReceiveTlvs::authenticate`, blinded_path/payment.rs);
/// 0.3 drops that and seals the receive hop with the payee's
/// `ReceiveAuthKey` instead (`BlindedPaymentPath::new`,
/// blinded_path/payment.rs:115-135), as it does message paths.
#[cfg(not(ldk_0_3))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn payment_path<ES, T>(
    intermediate: &[PaymentForwardNode],
    payee: PublicKey,
    _key: ReceiveAuthKey,
    receive: PaymentReceive,
    (nonce, expanded_key): (Nonce, &ExpandedKey),
    htlc_maximum_msat: u64,
    min_final_cltv_expiry_delta: u16,
    entropy: ES,
    secp: &Secp256k1<T>,
) -> Result<BlindedPaymentPath, ()>
where
    ES: std::ops::Deref,
    ES::Target: EntropySource,
    T: secp256k1::Signing + secp256k1::Verification,
{
    use lightning::blinded_path::payment::UnauthenticatedReceiveTlvs;
    let tlvs = UnauthenticatedReceiveTlvs {
        payment_secret: receive.secret,
        payment_constraints: receive.constraints,
        payment_context: receive.context,
    }
    .authenticate(nonce, expanded_key);
    BlindedPaymentPath::new(
        intermediate,
        payee,
        tlvs,
        htlc_maximum_msat,
        min_final_cltv_expiry_delta,
        entropy,
        secp,
    )
}

/// A blinded payment path to `payee`. 0.2.7 authenticates the receive TLVs
/// with an HMAC keyed by the `ExpandedKey` and the offer's nonce
/// (`UnauthenticatedReceiveTlvs::authenticate`, blinded_path/payment.rs);
/// 0.3 drops that and seals the receive hop with the payee's
/// `ReceiveAuthKey` instead (`BlindedPaymentPath::new`,
/// blinded_path/payment.rs:115-135), as it does message paths.
#[cfg(ldk_0_3)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn payment_path<ES, T>(
    intermediate: &[PaymentForwardNode],
    payee: PublicKey,
    key: ReceiveAuthKey,
    receive: PaymentReceive,
    _offer_key: (Nonce, &ExpandedKey),
    htlc_maximum_msat: u64,
    min_final_cltv_expiry_delta: u16,
    entropy: ES,
    secp: &Secp256k1<T>,
) -> Result<BlindedPaymentPath, ()>
where
    ES: EntropySource,
    T: secp256k1::Signing + secp256k1::Verification,
{
    use lightning::blinded_path::payment::ReceiveTlvs;
    let tlvs = ReceiveTlvs {
        payment_secret: receive.secret,
        payment_constraints: receive.constraints,
        payment_context: receive.context,
    };
    BlindedPaymentPath::new(
        intermediate,
        payee,
        key,
        tlvs,
        htlc_maximum_msat,
        min_final_cltv_expiry_delta,
        entropy,
        secp,
    )
}

/// The payment context of an async recipient's static invoice paths; 0.3
/// adds `payment_metadata` (blinded_path/payment.rs:650-660), left empty.
pub(crate) fn async_offer_payment_context(offer_nonce: Nonce) -> PaymentContext {
    PaymentContext::AsyncBolt12Offer(AsyncBolt12OfferContext {
        offer_nonce,
        #[cfg(ldk_0_3)]
        payment_metadata: None,
    })
}

/// The context of an offer's own message path (invoice requests arrive
/// over it); 0.3 adds `payment_metadata` (blinded_path/message.rs:405-440),
/// left empty.
pub(crate) fn invoice_request_context(nonce: Nonce) -> OffersContext {
    OffersContext::InvoiceRequest {
        nonce,
        #[cfg(ldk_0_3)]
        payment_metadata: None,
    }
}

/// The context of a payer's reply path for its invoice request. 0.2.7's
/// `OutboundPayment` authenticates the path with a nonce; 0.3's
/// `OutboundPaymentForOffer` carries the payment id only and checks it
/// against the invoice's payer metadata (blinded_path/message.rs:506-520).
pub(crate) fn outbound_payment_context(payment_id: PaymentId, _nonce: Nonce) -> OffersContext {
    #[cfg(not(ldk_0_3))]
    return OffersContext::OutboundPayment {
        payment_id,
        nonce: _nonce,
    };
    #[cfg(ldk_0_3)]
    return OffersContext::OutboundPaymentForOffer { payment_id };
}

/// The name of [`held_htlc_available_paths`]'s accessor in the release.
#[cfg(not(ldk_0_3))]
pub const HELD_HTLC_AVAILABLE_PATHS_ACCESSOR: &str = "message_paths";
/// The name of [`held_htlc_available_paths`]'s accessor in the release.
#[cfg(ldk_0_3)]
pub const HELD_HTLC_AVAILABLE_PATHS_ACCESSOR: &str = "held_htlc_available_paths";

/// A static invoice's message paths (TLV 236, where `held_htlc_available`
/// goes): `message_paths` in 0.2.7, `held_htlc_available_paths` in 0.3
/// (offers/static_invoice.rs:275).
pub(crate) fn held_htlc_available_paths(invoice: &StaticInvoice) -> &[BlindedMessagePath] {
    #[cfg(not(ldk_0_3))]
    return invoice.message_paths();
    #[cfg(ldk_0_3)]
    return invoice.held_htlc_available_paths();
}

/// Where the outbound payment types live: re-exported from the channel
/// manager in 0.2.7 (ln/channelmanager.rs:190), from the now public
/// `ln::outbound_payment` in 0.3.
#[cfg(not(ldk_0_3))]
pub(crate) use lightning::ln::channelmanager::{RecipientOnionFields, Retry};
/// Where the outbound payment types live: re-exported from the channel
/// manager in 0.2.7 (ln/channelmanager.rs:190), from the now public
/// `ln::outbound_payment` in 0.3.
#[cfg(ldk_0_3)]
pub(crate) use lightning::ln::outbound_payment::{RecipientOnionFields, Retry};

/// The onion fields of a spontaneous single-part payment of `amount_msat`
/// with `custom_tlvs`; `Err` when LDK refuses the TLVs (below 2^16, or
/// repeated). 0.3 takes the payment's total in the fields
/// (ln/outbound_payment.rs:865) and checks the TLVs in `RecipientCustomTlvs`.
pub(crate) fn spontaneous_fields(
    _amount_msat: u64,
    custom_tlvs: Vec<(u64, Vec<u8>)>,
) -> Result<RecipientOnionFields, ()> {
    #[cfg(not(ldk_0_3))]
    return RecipientOnionFields::spontaneous_empty().with_custom_tlvs(custom_tlvs);
    #[cfg(ldk_0_3)]
    return lightning::ln::outbound_payment::RecipientCustomTlvs::new(custom_tlvs)
        .map(|t| RecipientOnionFields::spontaneous_empty(_amount_msat).with_custom_tlvs(t));
}

/// `create_payment_onion`: `ln::create_payment_onion` with the total as an
/// argument in 0.2.7 (ln/onion_utils.rs:2535), `ln::onion_utils::create_payment_onion`
/// with the total in the fields in 0.3 (ln/onion_utils.rs:2612).
#[allow(clippy::too_many_arguments)]
pub(crate) fn create_payment_onion<T: secp256k1::Signing>(
    secp: &Secp256k1<T>,
    path: &lightning::routing::router::Path,
    session_priv: &secp256k1::SecretKey,
    _total_msat: u64,
    fields: &RecipientOnionFields,
    cur_height: u32,
    payment_hash: &lightning::types::payment::PaymentHash,
    keysend: &Option<lightning::types::payment::PaymentPreimage>,
    invoice_request: Option<&lightning::offers::invoice_request::InvoiceRequest>,
    prng_seed: [u8; 32],
) -> Result<(lightning::ln::msgs::OnionPacket, u64, u32), lightning::util::errors::APIError> {
    #[cfg(not(ldk_0_3))]
    return lightning::ln::create_payment_onion(
        secp,
        path,
        session_priv,
        _total_msat,
        fields,
        cur_height,
        payment_hash,
        keysend,
        invoice_request,
        prng_seed,
    );
    #[cfg(ldk_0_3)]
    return lightning::ln::onion_utils::create_payment_onion(
        secp,
        path,
        session_priv,
        fields,
        cur_height,
        payment_hash,
        keysend,
        invoice_request,
        prng_seed,
    );
}
