//! Every [`Outcome::Unsupported`] the adapter answers, each with the fact of
//! LDK 0.2.7's public API that makes the operation inexpressible.
//!
//! An unsupported answer is a *skip*: it must never stand for an error LDK
//! returned on the input (that is a rejection) nor for a result that differs
//! from the draft (that is LDK's answer, judged as it is). So no module
//! answers `Outcome::unsupported` itself: each goes through
//! [`Unsupported::outcome`], and the tests check that the list here, the
//! crate documentation's section "What is unsupported, and why" and the
//! sources agree.

use asyncpay_adapter::Outcome;

/// One reason an operation cannot be expressed with LDK 0.2.7's public API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Unsupported {
    /// `static_invoice.encode`.
    StaticInvoiceEncode,
    /// `blinded_path.build`.
    BlindedPathBuild,
    /// `blinded_path.unblind` of a hop LDK reads as addressed to itself.
    UnblindHopForItself,
    /// `onion_message.build` without content.
    OnionMessageWithoutContent,
    /// `onion_message.build` with `extra_tlvs`.
    OnionMessageExtraTlvs,
    /// `onion_message.build` with `intermediate_tlvs`.
    OnionMessageIntermediateTlvs,
    /// `onion_message.build` to a path introduced by a channel.
    OnionMessageSciddirIntroduction,
    /// `onion_message.build` with a `payloads_len` LDK does not choose.
    OnionMessagePayloadsLen,
    /// `onion_message.build` of a `held_htlc_available` / `release_held_htlc` with fields.
    AsyncContentWithFields,
    /// `update_add_htlc.encode` with a record LDK's type has no field for.
    UpdateAddUnknownRecord,
    /// `revoke_and_ack.encode` with a record LDK's type has no field for.
    RevokeAndAckUnknownRecord,
    /// `revoke_and_ack.encode` with a present but empty release path list.
    RevokeAndAckEmptyReleasePaths,
    /// `scenario.run` whose setup the real in-process network cannot reproduce.
    ScenarioSetup,
    /// `payment_payload.decode`.
    PaymentPayloadDecode,
    /// `onion_message.build` / `.peel` under the invoice-server profile,
    /// whose contents carry no length prefix.
    InvoiceServerFraming,
}

impl Unsupported {
    /// Every reason, in the order of the crate documentation.
    #[cfg(all(test, not(ldk_0_3)))]
    pub(crate) const ALL: [Unsupported; 15] = [
        Unsupported::StaticInvoiceEncode,
        Unsupported::BlindedPathBuild,
        Unsupported::UnblindHopForItself,
        Unsupported::OnionMessageWithoutContent,
        Unsupported::OnionMessageExtraTlvs,
        Unsupported::OnionMessageIntermediateTlvs,
        Unsupported::OnionMessageSciddirIntroduction,
        Unsupported::OnionMessagePayloadsLen,
        Unsupported::AsyncContentWithFields,
        Unsupported::UpdateAddUnknownRecord,
        Unsupported::RevokeAndAckUnknownRecord,
        Unsupported::RevokeAndAckEmptyReleasePaths,
        Unsupported::ScenarioSetup,
        Unsupported::PaymentPayloadDecode,
        Unsupported::InvoiceServerFraming,
    ];

    /// The stable name the crate documentation lists it under.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Unsupported::StaticInvoiceEncode => "static-invoice-encode",
            Unsupported::BlindedPathBuild => "blinded-path-build",
            Unsupported::UnblindHopForItself => "unblind-hop-for-itself",
            Unsupported::OnionMessageWithoutContent => "onion-message-without-content",
            Unsupported::OnionMessageExtraTlvs => "onion-message-extra-tlvs",
            Unsupported::OnionMessageIntermediateTlvs => "onion-message-intermediate-tlvs",
            Unsupported::OnionMessageSciddirIntroduction => "onion-message-sciddir-introduction",
            Unsupported::OnionMessagePayloadsLen => "onion-message-payloads-len",
            Unsupported::AsyncContentWithFields => "async-content-with-fields",
            Unsupported::UpdateAddUnknownRecord => "update-add-unknown-record",
            Unsupported::RevokeAndAckUnknownRecord => "revoke-and-ack-unknown-record",
            Unsupported::RevokeAndAckEmptyReleasePaths => "revoke-and-ack-empty-release-paths",
            Unsupported::ScenarioSetup => "scenario-setup",
            Unsupported::PaymentPayloadDecode => "payment-payload-decode",
            Unsupported::InvoiceServerFraming => "invoice-server-framing",
        }
    }

    /// The LDK API fact, with its source (relative to `lightning-0.2.7/src/`).
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Unsupported::StaticInvoiceEncode => {
                "LDK 0.2.7 cannot write a static invoice from given fields signed with a given \
                 key: the only public constructor is \
                 StaticInvoiceBuilder::for_offer_using_derived_keys (offers/static_invoice.rs:123), \
                 which needs an LDK-built Offer whose issuer signing key is derived from an \
                 ExpandedKey and a Nonce (Offer::verify, offers/offer.rs:764) and rejects any \
                 other signing key (InvalidSigningPubkey); it also cannot write arbitrary \
                 offer/invoice records (no setter for offer features, unknown records, \
                 payment_hash or amount). Invoices LDK does build are exported by \
                 build_static_invoices_with_ldk()"
            }
            Unsupported::BlindedPathBuild => {
                "LDK 0.2.7 cannot blind caller-given encrypted_data_tlvs: its only path \
                 builders, BlindedMessagePath::new / new_with_dummy_hops \
                 (blinded_path/message.rs:68-117, hops written at :705-745), write LDK's own \
                 ForwardTlvs/ReceiveTlvs (padding, next_node_id or scid, its MessageContext at \
                 65537) and seal the final hop with LDK's receive-key tag \
                 (crypto/streams.rs:56-84), not BOLT 4's; from_blinded_path (message.rs:246) \
                 only wraps already-blinded hops"
            }
            Unsupported::UnblindHopForItself => {
                "LDK 0.2.7 reads this hop's data as addressed to the node itself (a final hop, or \
                 one of LDK's dummy hops): peel_onion_message decrypted it and read no next hop \
                 (ControlTlvs::Receive or ::Dummy, onion_message/packet.rs:380-387; messenger.rs:1217-1289). LDK's only public \
                 single-hop unblinding, BlindedMessagePath::advance_path_by_one \
                 (blinded_path/message.rs:187-227), advances past forwarding hops only (`_ => \
                 Err(())` at :226), and peel_onion_message never derives a next path key for \
                 such a hop nor exposes its plaintext: LDK has no answer for the view's \
                 next_path_key"
            }
            Unsupported::OnionMessageWithoutContent => {
                "LDK 0.2.7's create_onion_message (onion_message/messenger.rs:1058) always writes \
                 one content (T: OnionMessageContents, whose tlv_type must be >= 64, \
                 messenger.rs:1075); it cannot build a message without content, which BOLT 4 \
                 allows"
            }
            Unsupported::OnionMessageExtraTlvs => {
                "LDK 0.2.7 writes the final hop's onionmsg_tlv as exactly reply_path (2), \
                 encrypted_recipient_data (4) and one content (onion_message/packet.rs:252-264); \
                 it cannot add caller-given records (extra_tlvs)"
            }
            Unsupported::OnionMessageIntermediateTlvs => {
                "LDK 0.2.7 writes a non-final hop's onionmsg_tlv as encrypted_recipient_data (4) \
                 only (onion_message/packet.rs:244-247); it cannot add \
                 intermediate_tlvs"
            }
            Unsupported::OnionMessageSciddirIntroduction => {
                "the path's introduction node is a sciddir_or_pubkey; LDK 0.2.7's \
                 create_onion_message resolves it only through a NodeIdLookUp of the sender's \
                 own channels (messenger.rs:1079-1097, UnresolvedIntroductionNode at :1091 and :1113), and \
                 the input names no channel"
            }
            Unsupported::OnionMessagePayloadsLen => {
                "LDK 0.2.7 chooses the onionmsg_payloads length itself, 1300 if the payloads \
                 fit, else 32768 (onion_message/messenger.rs:2576-2583); create_onion_message \
                 takes no length, so another length cannot be asked for"
            }
            Unsupported::AsyncContentWithFields => {
                "LDK 0.2.7's HeldHtlcAvailable and ReleaseHeldHtlc have no fields \
                 (onion_message/async_payments.rs:194,198, impl_writeable_tlv_based!(.., {}) at \
                 :258,260) and its reader refuses this value, so LDK's types cannot hold it"
            }
            #[cfg(not(ldk_0_3))]
            Unsupported::UpdateAddUnknownRecord => {
                "LDK 0.2.7's UpdateAddHTLC has no field for this record: its TLVs are 0 \
                 blinding_point, 65537 skimmed_fee_msat (8 bytes) and 75537 hold_htlc \
                 (ln/msgs.rs:3358-3371), and its writer writes exactly those"
            }
            #[cfg(ldk_0_3)]
            Unsupported::UpdateAddUnknownRecord => {
                "LDK 0.2.7's UpdateAddHTLC has no field for this record: its TLVs are 0 \
                 blinding_point, 65537 skimmed_fee_msat (8 bytes), 75537 hold_htlc and 106823 \
                 accountable (one byte, 0 or 7 as written; ln/msgs.rs:3552-3566 in 0.3.0-rc3), \
                 and its writer writes exactly those"
            }
            Unsupported::RevokeAndAckUnknownRecord => {
                "LDK 0.2.7's RevokeAndACK has no field for this record: its only TLV is 75537 \
                 release_htlc_message_paths (ln/msgs.rs:3264-3271), and its writer writes exactly \
                 that"
            }
            Unsupported::RevokeAndAckEmptyReleasePaths => {
                "LDK 0.2.7 cannot write a present but empty release paths TLV: \
                 release_htlc_message_paths is an optional_vec (ln/msgs.rs:3270), omitted when \
                 empty (util/ser_macros.rs:973-974), so an empty Vec and an absent TLV are one \
                 value of its type"
            }
            Unsupported::ScenarioSetup => {
                "scenario.run on real in-process LDK 0.2.7 nodes (lightning's _test_utils \
                 functional_test_utils): the scenario's setup or one of its events cannot be \
                 produced by the real nodes around the role under test (the detail names the \
                 step and why)"
            }
            Unsupported::PaymentPayloadDecode => {
                "LDK 0.2.7 has no public reader of one hop's payment onion payload: \
                 InboundOnionPayload (ln/msgs.rs:2347) and its ReadableArgs impl (ln/msgs.rs:3587) \
                 are re-exported pub(crate) outside cfg(fuzzing) (ln/msgs.rs:2485-2488), and the \
                 payload is read only inside onion peeling (ln/onion_payment.rs), which needs a \
                 whole packet for the node's own key"
            }
            Unsupported::InvoiceServerFraming => {
                "LDK 0.2.7's OfferPathsRequest, OfferPaths, ServeStaticInvoice and \
                 StaticInvoicePersisted are written and read with impl_writeable_tlv_based! \
                 (onion_message/async_payments.rs:242-256), a BigSize length in front of the TLV \
                 stream; the profile experimental-ldk-invoice-server carries the stream without \
                 it, so LDK's types can neither be handed its values nor produce them"
            }
        }
    }

    /// The answer: the reason, then `detail` (what in the input needs it), if any.
    pub(crate) fn outcome(self, detail: Option<&str>) -> Outcome {
        #[cfg(not(ldk_0_3))]
        let mut reason = format!("[{}] {}", self.name(), self.reason());
        // The same API facts hold in 0.3.0-rc3 (its run reaches each of
        // these answers); the lines cited are 0.2.7's unless marked.
        #[cfg(ldk_0_3)]
        let mut reason = {
            let text = self.reason().replace("LDK 0.2.7", "LDK 0.3.0-rc3");
            format!(
                "[{}] {text} (source lines as in lightning-0.2.7, unless marked 0.3.0-rc3)",
                self.name()
            )
        };
        if let Some(d) = detail {
            reason.push_str(": ");
            reason.push_str(d);
        }
        Outcome::unsupported(reason)
    }
}
