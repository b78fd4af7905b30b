//! The rules the reference's readers enforce, one per check, each with the
//! id of the requirement it stands for (`vectors/requirements.json`), and
//! knockouts: any set of rules switched off for the current thread, so that
//! `asyncpay vectors audit` can show that each invalid vector breaks only
//! the rules it names, and that each rule is pinned by some vector.
//!
//! A check is written `rules::check(Rule::X, violated, || rejection)?`: it
//! rejects when `violated` unless `X` is knocked out, and records `X` as the
//! rule that fired. A knocked-out rule reads on as a lenient reader would
//! (a non-minimal BigSize taken at its value, an out-of-order record kept,
//! a truncated last record dropped), so that the checks after it still run.
//! A normal run never knocks anything out; the cost is a thread-local read
//! per check that fires.
//!
//! Not every rejection is a rule here yet: the fixed-field and value
//! readers (truncated fields, points off the curve, non-minimal truncated
//! integers) and the onion, route-blinding and scenario checks reject
//! without one, and the audit names such a rejection by its reason class.

use asyncpay_adapter::Rejection;
use std::cell::Cell;

macro_rules! rules {
    ($( $(#[$doc:meta])* $name:ident => $id:literal, $req:literal; )*) => {
        /// A rule the reference enforces (see the module documentation).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $( $(#[$doc])* $name, )*
        }

        impl Rule {
            /// Every rule, in the order of this table.
            pub const ALL: &'static [Rule] = &[$(Rule::$name),*];

            /// The rule's stable id.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$name => $id,)* }
            }

            /// The requirement it enforces (an id of the catalogue).
            pub fn requirement(self) -> &'static str {
                match self { $(Rule::$name => $req,)* }
            }
        }
    };
}

rules! {
    // BOLT 1: TLV streams (every stream the reference reads).
    /// A record's length runs past the end of the stream (or a type or
    /// length is cut short). Knocked out: the stream ends before it.
    TlvLengthOverrun => "tlv/length-overrun", "bolt1/tlv/reader/length-overrun";
    /// A type or length is not a minimal BigSize. Knocked out: read at its value.
    TlvMinimalBigSize => "tlv/minimal-bigsize", "bolt1/tlv/reader/non-minimal-bigsize";
    /// A type appears twice in a row. Knocked out: both records are kept.
    TlvDuplicate => "tlv/duplicate", "bolt1/tlv/reader/duplicate-type";
    /// A type is lower than the one before it. Knocked out: kept in place.
    TlvIncreasing => "tlv/increasing", "bolt1/tlv/reader/not-strictly-increasing";
    /// An even type the reader does not know. Knocked out: ignored like an odd one.
    TlvUnknownEven => "tlv/unknown-even", "bolt1/tlv/reader/unknown-even";
    /// Parsing stops when zero bytes remain before a type. Knocked out: the
    /// reader reads on for a type and finds the stream cut short.
    TlvStopAtEnd => "tlv/stop-at-end", "bolt1/tlv/reader/stop-at-end";

    // BOLT 12: the string form.
    /// A `+` not between two bech32 characters, or whitespace without one.
    /// Knocked out: every `+` and whitespace is removed.
    StringContinuation => "bolt12-string/continuation", "bolt12/string/reader/remove-continuation";
    /// Mixed case. Knocked out: read as lower case.
    StringCase => "bolt12-string/one-case", "bolt12/string/reader/all-lower-or-upper";
    /// More than 4 bits of padding, or padding bits that are not zero.
    /// Knocked out: the padding is dropped.
    StringPadding => "bolt12-string/padding", "bolt12/string/format/bech32-data";

    // BOLT 12: offer fields, in an offer or a static invoice.
    /// A TLV type outside the offer's ranges (an offer read alone).
    OfferRange => "offer/type-range", "bolt12/static-invoice/reader/offer-unknown-range";
    /// `offer_chains` is not a whole number of chain hashes. Knocked out:
    /// the bytes after the last whole hash are left out.
    OfferChainsLength => "offer/chains-length", "bolt1/tlv/reader/known-type-bad-length";
    /// Unknown even `offer_features` bits.
    OfferFeatures => "offer/features-unknown-even", "bolt12/static-invoice/reader/offer-features-unknown-even";
    /// No supported chain (including an empty `offer_chains`).
    OfferChain => "offer/chain-supported", "bolt12/static-invoice/reader/offer-chain-unsupported";
    /// `offer_amount` without `offer_description`.
    OfferAmountDescription => "offer/amount-needs-description", "bolt12/static-invoice/reader/offer-amount-without-description";
    /// `offer_amount` of zero.
    OfferAmountZero => "offer/amount-not-zero", "bolt12/static-invoice/reader/offer-amount-zero";
    /// `offer_currency` without `offer_amount`.
    OfferCurrencyAmount => "offer/currency-needs-amount", "bolt12/static-invoice/reader/offer-currency-without-amount";
    /// `offer_paths` cut short, or a point in it off the curve.
    OfferPathsEncoding => "offer/paths-encoding", "bolt1/tlv/reader/known-type-bad-length";
    /// `offer_issuer_id` not a 33-byte point.
    OfferIssuerIdEncoding => "offer/issuer-id-encoding", "bolt1/tlv/reader/known-type-bad-length";
    /// Neither `offer_issuer_id` nor `offer_paths`.
    OfferIssuerOrPaths => "offer/issuer-or-paths", "bolt12/static-invoice/reader/offer-no-issuer-or-paths";
    /// The offer's `offer_absolute_expiry` is before the reader's clock (a
    /// static invoice's offer; an offer read alone has no clock).
    OfferExpired => "offer/expired", "bolt12/static-invoice/reader/offer-expired";
    /// A path in `offer_paths` with no hops.
    OfferPathHops => "offer/path-hops", "bolt12/static-invoice/reader/offer-paths-zero-hops";

    // BOLT 12 (draft): the static invoice reader.
    /// `invoice_payment_hash` of another length than 32. Knocked out: kept as read.
    InvoicePaymentHashLength => "static-invoice/payment-hash-length", "bolt1/tlv/reader/known-type-bad-length";
    /// `invreq_chain` of another length than 32. Knocked out: kept as read.
    InvoiceInvreqChainLength => "static-invoice/invreq-chain-length", "bolt1/tlv/reader/known-type-bad-length";
    /// `signature` of another length than 64. Knocked out: kept as read.
    InvoiceSignatureLength => "static-invoice/signature-length", "bolt1/tlv/reader/known-type-bad-length";
    /// `invoice_paths` cut short, or a point in it off the curve.
    InvoicePathsEncoding => "static-invoice/paths-encoding", "bolt1/tlv/reader/known-type-bad-length";
    /// `invoice_blindedpay` cut short.
    InvoiceBlindedPayEncoding => "static-invoice/blindedpay-encoding", "bolt1/tlv/reader/known-type-bad-length";
    /// `invoice_node_id` not a 33-byte point.
    InvoiceNodeIdEncoding => "static-invoice/node-id-encoding", "bolt1/tlv/reader/known-type-bad-length";
    /// `static_invoice_message_paths` cut short, or a point in it off the curve.
    InvoiceMessagePathsEncoding => "static-invoice/message-paths-encoding", "bolt1/tlv/reader/known-type-bad-length";
    /// `invoice_fallbacks` whose `fallback_address` entries do not fill it
    /// exactly (an address cut short).
    InvoiceFallbacksEncoding => "static-invoice/fallbacks-encoding", "bolt1/tlv/reader/known-type-bad-length";
    /// `invreq_chain` other than bitcoin.
    InvoiceChain => "static-invoice/chain-supported", "bolt12/static-invoice/reader/chain-supported";
    /// `invreq_amount` present and `invoice_amount` not equal to it (a
    /// static invoice has none). Knocked out: the amounts are not compared.
    InvoiceAmountMatchesRequest => "static-invoice/amount-matches-request", "bolt12/static-invoice/reader/amount-matches-request";
    /// `invoice_payment_hash` is set: not a static invoice.
    InvoiceNoPaymentHash => "static-invoice/no-payment-hash", "bolt12/static-invoice/reader/amount-required-with-payment-hash";
    /// No `invoice_created_at`.
    InvoiceCreatedAt => "static-invoice/created-at", "bolt12/static-invoice/reader/created-at-required";
    /// No `invoice_node_id`.
    InvoiceNodeId => "static-invoice/node-id", "bolt12/static-invoice/reader/node-id-required";
    /// Unknown even `invoice_features` bits.
    InvoiceFeatures => "static-invoice/features-unknown-even", "bolt12/static-invoice/reader/features-unknown-even";
    /// Expired with its `invoice_relative_expiry`.
    InvoiceExpiryRelative => "static-invoice/expiry-relative", "bolt12/static-invoice/reader/expiry-relative";
    /// Expired with the default expiry.
    InvoiceExpiryDefault => "static-invoice/expiry-default", "bolt12/static-invoice/reader/expiry-default";
    /// No `invoice_paths`, or an empty one.
    InvoicePaths => "static-invoice/paths", "bolt12/static-invoice/reader/paths-required";
    /// A path in `invoice_paths` with no hops.
    InvoicePathHops => "static-invoice/path-hops", "bolt12/static-invoice/reader/paths-zero-hops";
    /// No `invoice_blindedpay`.
    InvoiceBlindedPay => "static-invoice/blindedpay", "bolt12/static-invoice/reader/blindedpay-required";
    /// Not one `blinded_payinfo` per path.
    InvoiceBlindedPayCount => "static-invoice/blindedpay-count", "bolt12/static-invoice/reader/blindedpay-count";
    /// Every path's `blinded_payinfo` has unknown even features.
    InvoiceUsablePath => "static-invoice/usable-path", "bolt12/static-invoice/reader/no-usable-paths";
    /// `invoice_node_id` is not `offer_issuer_id`.
    InvoiceNodeIdIssuer => "static-invoice/node-id-issuer-id", "bolt12/static-invoice/reader/node-id-issuer-id";
    /// `invoice_node_id` is not the final blinded node of an offer path.
    InvoiceNodeIdBlinded => "static-invoice/node-id-blinded", "bolt12/static-invoice/reader/node-id-blinded";
    /// No `signature`.
    InvoiceSignaturePresent => "static-invoice/signature-present", "bolt12/static-invoice/reader/signature-valid";
    /// The signature does not verify.
    InvoiceSignatureValid => "static-invoice/signature-valid", "bolt12/static-invoice/reader/signature-valid";
    /// No `static_invoice_message_paths`, or an empty one.
    InvoiceMessagePaths => "static-invoice/message-paths", "bolt12/static-invoice/reader/message-paths-required";

    // BOLT 12: the invoice request reader (the invoice server).
    /// A non-signature type outside 0-159 and 1000000000-2999999999.
    /// Knocked out: read like an in-range type.
    InvreqRange => "invoice-request/type-range", "bolt12/static-invoice/server/invreq-unknown-range";
    /// No `invreq_metadata` or no `invreq_payer_id`. Knocked out: read on
    /// without it (and without a payer id, the signature goes unchecked).
    InvreqRequiredFields => "invoice-request/required-fields", "bolt12/static-invoice/server/invreq-required-fields";
    /// No `signature`, or one that does not verify under
    /// `invreq_payer_id`. Knocked out: accepted unsigned.
    InvreqSignature => "invoice-request/signature", "bolt12/static-invoice/server/invreq-signature";

    // BOLT 2 (draft): update_add_htlc and revoke_and_ack.
    /// An `update_add_htlc` of another message type.
    HtlcMessageType => "update-add-htlc/type", "bolt2/hold-htlc/receiving-node/update-add-htlc-format";
    /// A `revoke_and_ack` of another message type.
    RevokeMessageType => "revoke-and-ack/type", "bolt2/reply-paths/receiving-node/revoke-and-ack-format";
    /// A message shorter than its fixed fields (cannot be read past).
    MessageLength => "message/length", "bolt1/message/receiving-node/insufficient-length";
    /// `blinded_path` (`update_add_htlc_tlvs` 0) is not on the curve.
    HtlcPathKeyPoint => "update-add-htlc/path-key-point", "bolt2/hold-htlc/receiving-node/blinded-path-tlv";
    /// `next_per_commitment_point` is not on the curve.
    RevokeNextPoint => "revoke-and-ack/next-point", "bolt2/reply-paths/receiving-node/revoke-and-ack-format";
    /// A release path cut short or with bytes after it (cannot be read past).
    ReleasePathEncoding => "revoke-and-ack/release-path-encoding", "bolt2/reply-paths/receiving-node/release-message-paths-tlv";
    /// A point in a release path off the curve.
    ReleasePathPoint => "revoke-and-ack/release-path-point", "bolt2/reply-paths/receiving-node/release-message-paths-tlv";
    /// `blinded_path` (`update_add_htlc_tlvs` 0) is not 33 bytes. Knocked out: kept as read.
    HtlcPathKeyLength => "update-add-htlc/path-key-length", "bolt1/tlv/reader/known-type-bad-length";
    /// `hold_htlc` carries data. Knocked out: read as set.
    HtlcHoldEmpty => "update-add-htlc/hold-htlc-empty", "bolt2/hold-htlc/receiving-node/hold-htlc-tlv";
    /// A release path with no hops.
    ReleasePathHops => "revoke-and-ack/release-path-hops", "bolt2/reply-paths/receiving-node/release-message-paths-tlv";

    // BOLT 4: onion messages and route blinding.
    /// The onion's HMAC does not verify (cannot be read past).
    OnionHmac => "onion-message/hmac", "bolt4/onion-messages/reader/decrypt";
    /// No `encrypted_recipient_data`, or it does not decrypt (cannot be read past).
    OnionDecrypt => "onion-message/decrypt", "bolt4/onion-messages/reader/decrypt";
    /// A forwarding layer's `onionmsg_tlv` carries other fields. Knocked out: ignored.
    OnionNonFinalExtra => "onion-message/non-final-extra-fields", "bolt4/onion-messages/reader/non-final-extra-fields";
    /// A forwarding hop's `encrypted_data_tlv` carries `path_id`. Knocked out: ignored.
    OnionNonFinalPathId => "onion-message/non-final-path-id", "bolt4/onion-messages/reader/non-final-path-id";
    /// A hop's `allowed_features` sets a bit the reader does not know.
    /// Knocked out: the field is not read.
    OnionAllowedFeatures => "onion-message/allowed-features", "bolt4/onion-messages/reader/unknown-allowed-feature";
    /// A forwarding hop names both, or neither, of `next_node_id` and
    /// `short_channel_id`. Knocked out: `next_node_id` wins (neither: cannot be read past).
    OnionNextPeer => "onion-message/next-peer", "bolt4/onion-messages/reader/next-peer";
    /// More than one content field. Knocked out: the first is read.
    OnionOneContent => "onion-message/one-content", "bolt4/onion-messages/reader/more-than-one-payload";
    /// `held_htlc_available` without a `reply_path`.
    OnionHeldReplyPath => "onion-message/held-needs-reply-path", "bolt2/onion-messages/payer/held-htlc-available-tlv";
    /// A path made for `release_held_htlc` used for another message.
    OnionReleasePathMisused => "onion-message/release-path-misused", "bolt4/onion-messages/reader/non-reply-on-reply-path";
    /// A `reply_path` with no hops.
    ReplyPathHops => "onion-message/reply-path-hops", "bolt4/reply-paths/writer/reply-path-encrypted-data";
    /// A writer asked to attach a `reply_path` with no hops. Knocked out: written.
    BuildReplyPathHops => "onion-message/build-reply-path-hops", "bolt4/reply-paths/writer/reply-path-encrypted-data";
    /// (PR 989) A `payment_release_secret` of another length. Knocked out:
    /// compared as it is.
    ReleaseSecretLength => "release/pr989-secret-length", "bolt2/release/holding-node/no-forward-until-release";
    /// (PR 989) A `payment_release_secret` this node does not hold.
    ReleaseSecretKnown => "release/pr989-secret-known", "bolt2/release/holding-node/no-forward-until-release";
    /// A `release_held_htlc` over a path whose release context this node
    /// did not create (missing, or its `path_id` MAC does not verify).
    /// Knocked out: the context is taken as it is (a missing one cannot be read past).
    ReleaseAuthenticated => "release/authenticated", "bolt2/release/holding-node/no-forward-until-release";
    /// (Trampoline hold, design 000) An async-payment nonce of another
    /// length than 32, in the payload's hold request or in a trigger.
    /// Knocked out: taken as it is.
    AsyncNonceLength => "trampoline-hold/nonce-length", "bolt2/release/holding-node/no-forward-until-release";
    /// (Trampoline hold) An `async_payment_trigger` whose nonce is not one
    /// this node holds. Knocked out: accepted.
    AsyncNonceKnown => "trampoline-hold/nonce-known", "bolt2/release/holding-node/no-forward-until-release";
    /// (Trampoline hold) The hold request's fields do not fit its mode: a
    /// one-shot hold (the payload names a `short_channel_id`) carrying a
    /// trampoline's fields, or a trampoline hold without its receiver
    /// route, sealed receiver payload and downstream delta. Knocked out:
    /// read as it is.
    AsyncHoldFields => "trampoline-hold/fields-fit-mode", "bolt2/hold-htlc/receiving-node/bad-onion-payload";
    /// (Trampoline hold) A `downstream_cltv_delta` above 2016 blocks (not a
    /// standard delta). Numeric. Knocked out: taken as it is.
    AsyncHoldCltvDelta => "trampoline-hold/downstream-delta-standard", "bolt2/hold-htlc/receiving-node/bad-onion-payload";
    /// (Payment-id unblock, design 001) A payment id (in `hold_htlc_request`
    /// or `payment_unblock`) of another length than 32. Knocked out: taken
    /// as it is.
    PaymentIdLength => "payment-unblock/payment-id-length", "bolt2/release/holding-node/no-forward-until-release";
    /// (Payment-id unblock) A `hold_htlc_request` whose payment hashes are
    /// none, or not whole 32-byte hashes. Knocked out: the whole hashes are
    /// read.
    HoldRequestHashes => "payment-unblock/hold-request-hashes", "bolt2/release/holding-node/no-forward-until-release";
    /// (Payment-id unblock) A `payment_unblock` naming no payment id this
    /// node holds HTLCs for. Knocked out: accepted.
    UnblockIdKnown => "payment-unblock/payment-id-known", "bolt2/release/holding-node/no-forward-until-release";
    /// (LDK's invoice-server protocol) An `offer_paths_request` without its
    /// `invoice_slot`. Knocked out: read without a slot.
    IsrvSlotMissing => "invoice-server/slot-missing", "bolt12/static-invoice/writer/offer-paths-to-replying-node";
    /// (Invoice server) An `invoice_slot` of another length than 2 bytes
    /// (a u16). Knocked out: taken as it is.
    IsrvSlotLength => "invoice-server/slot-length", "bolt1/tlv/reader/known-type-bad-length";
    /// (Invoice server) An `offer_paths` without paths (no record, or an
    /// empty one). Knocked out: read as it is.
    IsrvOfferPathsMissing => "invoice-server/offer-paths-missing", "bolt12/static-invoice/reader/offer-no-issuer-or-paths";
    /// (Invoice server) An `offer_paths` path with no hops. Knocked out:
    /// kept.
    IsrvOfferPathZeroHops => "invoice-server/offer-path-zero-hops", "bolt12/static-invoice/reader/offer-paths-zero-hops";
    /// (Invoice server) A `paths_absolute_expiry` of another length than 8
    /// bytes (a u64). Knocked out: taken as it is.
    IsrvPathsExpiryLength => "invoice-server/paths-expiry-length", "bolt1/tlv/reader/known-type-bad-length";
    /// (Invoice server) A `serve_static_invoice` without its invoice.
    /// Knocked out: read without one.
    IsrvServeInvoiceMissing => "invoice-server/serve-invoice-missing", "bolt12/static-invoice/writer/offer-paths-to-replying-node";
    /// (Invoice server) A `serve_static_invoice` without the path for
    /// forwarding invoice requests. Knocked out: read without one.
    IsrvForwardPathMissing => "invoice-server/forward-path-missing", "bolt12/static-invoice/server/forward-invoice-request";
    /// A blinded hop's data does not decrypt (cannot be read past).
    BlindedDecrypt => "blinded-path/decrypt", "bolt4/reply-paths/reader/decrypt";
    /// A blinded hop's `next_path_key_override` is not a point (it cannot be used).
    BlindedOverridePoint => "blinded-path/override-point", "bolt4/reply-paths/reader/use-path-key-override";
    /// A blinded hop names both `next_node_id` and `short_channel_id`.
    /// Knocked out: both are reported.
    BlindedBothNextHops => "blinded-path/both-next-hops", "bolt4/reply-paths/reader/payload-both-scid-and-node-id";
    /// A blinded hop's `payment_relay` is not 6 to 10 bytes. Knocked out:
    /// kept as it is.
    BlindedPaymentRelayLength => "blinded-path/payment-relay-length", "bolt1/tlv/reader/known-type-bad-length";
    /// A blinded hop's `payment_constraints` is not 4 to 12 bytes.
    /// Knocked out: kept as it is.
    BlindedPaymentConstraintsLength => "blinded-path/payment-constraints-length", "bolt1/tlv/reader/known-type-bad-length";
    /// A blinded hop's `allowed_features` sets a bit the reader does not
    /// know. Knocked out: the field is not read.
    BlindedAllowedFeatures => "blinded-path/allowed-features", "bolt4/reply-paths/reader/payload-unknown-allowed-feature";

    // The scenario state machines (`crate::scenario`): what each role does.
    // Knocked out, the role behaves as a node without the rule would; a
    // scenario shows it. None of these rejects an input.
    /// LSP: a held HTLC is not forwarded before a release. Knocked out:
    /// forwarded once irrevocably committed.
    LspHoldUntilRelease => "lsp/hold-until-release", "bolt2/release/holding-node/no-forward-until-release";
    /// LSP: a held HTLC is forwarded once, however many releases arrive.
    /// Knocked out: every release forwards it again.
    LspForwardOnce => "lsp/forward-once", "bolt2/release/holding-node/forward-on-release";
    /// LSP: a release is acted on only once the HTLC is irrevocably
    /// committed (earlier, it is remembered). Knocked out: forwarded at once.
    LspForwardAfterCommitment => "lsp/forward-after-commitment", "bolt2/forwarding/holding-node/no-forward-before-irrevocably-committed";
    /// LSP: `revoke_and_ack` carries release paths for a held HTLC.
    /// Knocked out: it carries none.
    LspReleasePaths => "lsp/release-paths", "bolt2/reply-paths/holding-node/release-message-paths";
    /// LSP (choice): release paths only for an HTLC it holds. Knocked out:
    /// release paths for every HTLC.
    LspReleasePathsOnlyHeld => "lsp/release-paths-only-held", "bolt2/reply-paths/holding-node/release-message-paths";
    /// LSP (choice, the bound is LDK's): a held HTLC is failed back once
    /// the height is past `outgoing_cltv_value - 40`. Numeric. Knocked out:
    /// held whatever the height.
    LspFailBackDeadline => "lsp/fail-back-deadline", "bolt2/forwarding/holding-node/fail-incoming-at-expiry";
    /// LSP: a released HTLC that fails downstream is failed back.
    /// Knocked out: forwarded again.
    LspFailBackAfterDownstream => "lsp/fail-back-after-downstream", "bolt2/forwarding/holding-node/fail-incoming-after-outgoing-failed";
    /// LSP (choice): an HTLC with `hold_htlc` reaching a node that does not
    /// hold is failed back. Knocked out: kept, never forwarded.
    LspFailUnsupportedHold => "lsp/fail-unsupported-hold", "bolt2/release/holding-node/no-forward-until-release";
    /// LSP: a release that found its next hop disconnected is forwarded
    /// when the peer reconnects. Knocked out: dropped.
    LspForwardOnReconnection => "lsp/forward-on-reconnection", "bolt2/release/holding-node/forward-on-release";
    /// LSP: an HTLC whose onion payload carries an even record it does
    /// not know is failed back with `invalid_onion_payload`, held or not.
    /// Knocked out: the record is ignored like an odd one.
    LspBadOnionPayload => "lsp/bad-onion-payload", "bolt2/hold-htlc/receiving-node/bad-onion-payload";
    /// LSP: a held HTLC due to be failed back while the payer is
    /// disconnected is failed back when the payer reconnects. Knocked out:
    /// the failure is dropped (the HTLC is left to the payer's expiry).
    LspFailBackOnReconnection => "lsp/fail-back-on-reconnection", "bolt2/forwarding/holding-node/fail-incoming-at-expiry";
    /// LSP: a `release_held_htlc` over a path it did not create (no
    /// `path_id` of its own) is answered as if it had sent no
    /// `held_htlc_available`. Knocked out: the HTLC the path's context
    /// names is released.
    LspReleaseOverOwnPath => "lsp/release-over-own-path", "bolt4/onion-messages/reader/reply-without-path-id";
    /// LSP (trampoline hold): an HTLC whose payload carries a hold request
    /// is not forwarded before a trigger with its nonce. Knocked out:
    /// forwarded once committed.
    LspAsyncHoldUntilTrigger => "lsp/trampoline-hold-until-trigger", "bolt2/release/holding-node/no-forward-until-release";
    /// LSP (trampoline hold): a trigger releases only the HTLC whose nonce
    /// it carries. Knocked out: any trigger releases every held HTLC.
    LspAsyncNonceMatch => "lsp/trampoline-nonce-match", "bolt2/release/holding-node/no-forward-until-release";
    /// LSP (trampoline hold, choice): a triggered trampoline payment that
    /// fails downstream is tried again with a new onion, up to 3 attempts,
    /// then failed back. Knocked out: failed back at the first failure.
    LspTrampolineRetry => "lsp/trampoline-retry", "bolt2/release/holding-node/forward-on-release";
    /// LSP (trampoline hold): a one-shot payment that fails downstream is
    /// failed back, never tried again. Knocked out: tried again as a
    /// trampoline would.
    LspOneShotNoRetry => "lsp/one-shot-no-retry", "bolt2/forwarding/holding-node/fail-incoming-after-outgoing-failed";
    /// LSP (trampoline hold, choice): a trampoline-held HTLC is failed back
    /// once the height is past `cltv_expiry - downstream_cltv_delta - 40`
    /// (its own long CLTV, not the payload's `outgoing_cltv_value`).
    /// Numeric. Knocked out: the draft's deadline from
    /// `outgoing_cltv_value`.
    LspTrampolineDeadline => "lsp/trampoline-deadline", "bolt2/forwarding/holding-node/fail-incoming-at-expiry";
    /// LSP: a preimage that arrives while the payer is offline is kept, and
    /// the incoming HTLC fulfilled when the payer reconnects. Knocked out:
    /// the preimage is dropped and the HTLC never settled upstream.
    LspSettleOnReconnection => "lsp/settle-on-reconnection", "bolt2/forwarding/holding-node/fail-incoming-after-outgoing-failed";
    /// LSP (payment-id unblock): an HTLC whose payment hash a
    /// `hold_htlc_request` listed is not forwarded before the request's
    /// payment id unblocks it. Knocked out: forwarded once committed.
    LspUnblockHoldByHash => "lsp/unblock-hold-by-hash", "bolt2/release/holding-node/no-forward-until-release";
    /// LSP (payment-id unblock): a `payment_unblock` with an id no request
    /// carries is ignored. Knocked out: any id unblocks every request.
    LspUnblockIdMatch => "lsp/unblock-id-match", "bolt2/release/holding-node/no-forward-until-release";
    /// LSP (payment-id unblock): an unblock releases only the HTLCs of its
    /// own request's payment hashes. Knocked out: every HTLC held by hash.
    LspUnblockOwnHashesOnly => "lsp/unblock-own-hashes-only", "bolt2/release/holding-node/no-forward-until-release";
    /// LSP (payment-id unblock, choice): a part of an unblocked payment
    /// that arrives after the unblock is forwarded once committed.
    /// Knocked out: held for good.
    LspUnblockStands => "lsp/unblock-stands", "bolt2/release/holding-node/forward-on-release";
    /// Payer: `hold_htlc` only towards a peer advertising `option_htlc_hold`.
    /// Knocked out: set whatever the peer advertises.
    PayerHoldNeedsPeerFeature => "payer/hold-needs-peer-feature", "bolt1/tlv/sending-node/no-even-extension-without-negotiation";
    /// Payer: a `held_htlc_available` over each of (at least) two message
    /// paths. Knocked out: only one.
    PayerTwoHeldHtlcAvailable => "payer/two-held-htlc-available", "bolt2/onion-messages/payer/send-held-htlc-available";
    /// Payer: a different reply path for each `held_htlc_available`.
    /// Knocked out: the first for all of them.
    PayerUniqueReplyPaths => "payer/unique-reply-paths", "bolt2/reply-paths/payer/unique-reply-path";
    /// Payer (choice): reconnecting to its LSP with a held HTLC unsettled,
    /// `held_htlc_available` again over the same paths. Knocked out: sent
    /// once only.
    PayerRetransmitOnReconnect => "payer/retransmit-on-reconnect", "bolt2/onion-messages/payer/send-held-htlc-available";
    /// Payer (choice): one invoice paid per payment. Knocked out: each one.
    PayerPayOnce => "payer/pay-once", "bolt12/onion-messages/payer/pay-asynchronously";
    /// Payer: paying an invoice that is not static, no
    /// `sender_provided_payment_preimage`. Knocked out: one is set.
    PayerNoPreimageOtherwise => "payer/no-preimage-otherwise", "bolt4/static-invoice/payer/no-preimage-otherwise";
    /// Payer: a message over one of its own reply paths counts only if the
    /// path's `path_id` is the one it put there. Knocked out: any context.
    PayerPathAuthenticated => "payer/path-authenticated", "bolt4/reply-paths/reader/path-id-mismatch";
    /// Payer: an invoice counts for a payment only if it arrived over one
    /// of the payer's own reply paths. Knocked out: an invoice over any
    /// other path counts for the payment of its offer.
    PayerInvoiceOverReplyPath => "payer/invoice-over-reply-path", "bolt12/static-invoice/reader/arrived-via-reply-path";
    /// Payer (choice): a static invoice for another offer than its invoice
    /// request's is ignored. Knocked out: paid.
    PayerInvoiceForItsOffer => "payer/invoice-for-its-offer", "bolt12/onion-messages/payer/pay-asynchronously";
    /// Recipient: `held_htlc_available` is answered only over one of its
    /// static invoices' message paths. Knocked out: over any path.
    RecipientOwnMessagePath => "recipient/own-message-path", "bolt4/reply-paths/reader/path-id-mismatch";
    /// Recipient: `release_held_htlc` answers over the reply path of the
    /// `held_htlc_available` it answers. Knocked out: back over the path
    /// the message arrived on.
    RecipientReplyOverReplyPath => "recipient/reply-over-reply-path", "bolt4/reply-paths/reader/reply-uses-reply-path";
    /// Recipient: an `amt_to_forward` below the invoice request's amount
    /// is refused. Knocked out: claimed.
    RecipientAmount => "recipient/amount", "bolt4/payload/reader/amt-to-forward-below-expected";
    /// Recipient: a `cltv_expiry` past the payment path's
    /// `max_cltv_expiry` is refused. Numeric. Knocked out: claimed.
    RecipientMaxCltvExpiry => "recipient/max-cltv-expiry", "bolt4/payload/reader/payment-constraints-max-cltv-expiry";
    /// Recipient: a sender preimage that does not hash to the payment hash
    /// is refused. Knocked out: claimed with it.
    RecipientPreimageHash => "recipient/preimage-hash", "bolt2/update-fulfill-htlc/receiving-node/preimage-hashes-to-payment-hash";
    /// Recipient: an HTLC with a sender preimage but no `invoice_request`
    /// is refused. Knocked out: claimed.
    RecipientInvoiceRequest => "recipient/invoice-request", "bolt4/static-invoice/payer/include-invoice-request";
    /// Recipient: a final payload inside a blinded route with a record
    /// besides BOLT 4's list and the draft's two is refused. Knocked out:
    /// the record is ignored.
    RecipientFinalPayloadFields => "recipient/final-payload-fields", "bolt4/static-invoice/recipient/final-payload-allowlist";
    /// Recipient: an HTLC over a payment path that is none of its static
    /// invoices' (whose authentication it never made) is refused. Knocked
    /// out: read as if over one of its own.
    RecipientOwnPaymentPath => "recipient/own-payment-path", "bolt4/reply-paths/reader/path-id-mismatch";
    /// Recipient: a part of a payment in several parts is claimed only once
    /// the parts reach `total_msat`. Knocked out: each part is claimed on
    /// arrival.
    RecipientAllParts => "recipient/all-parts", "bolt4/payload/reader/amt-to-forward-below-expected";
    /// Invoice server: replies to an invoice request for a served offer
    /// with the static invoice. Knocked out: no reply.
    ServerReplies => "server/replies", "bolt12/static-invoice/server/reply-with-static-invoice";
    /// Invoice server: forwards the invoice request to the recipient.
    /// Knocked out: not forwarded.
    ServerForwards => "server/forwards", "bolt12/static-invoice/server/forward-invoice-request";
    /// Recipient (invoice server, LDK's protocol): on a timer tick with no
    /// offer, `offer_paths_request` to its server. Knocked out: never asks.
    RecipientRequestsOfferPaths => "recipient/isrv-requests-offer-paths", "bolt12/static-invoice/writer/offer-paths-to-replying-node";
    /// Recipient (invoice server): `offer_paths` counts only over the reply
    /// path of its own request. Knocked out: over any path.
    RecipientOfferPathsOverOwnPath => "recipient/isrv-offer-paths-over-own-path", "bolt4/reply-paths/reader/path-id-mismatch";
    /// Recipient (invoice server): `offer_paths` over a request reply path
    /// older than 2 hours is ignored. Knocked out: taken however late.
    RecipientOfferPathsReplyFresh => "recipient/isrv-offer-paths-reply-fresh", "bolt4/reply-paths/reader/path-id-mismatch";
    /// Recipient (invoice server): offer paths that expire within 90 days (or
    /// have expired) are ignored. Knocked out: taken.
    RecipientOfferPathsLifetime => "recipient/isrv-offer-paths-lifetime", "bolt12/static-invoice/reader/offer-expired";
    /// Recipient (invoice server): on usable offer paths,
    /// `serve_static_invoice` over the server's reply path. Knocked out:
    /// nothing sent.
    RecipientServesInvoice => "recipient/isrv-serves-invoice", "bolt12/static-invoice/writer/offer-paths-to-replying-node";
    /// Recipient (invoice server, choice): an unconfirmed
    /// `serve_static_invoice` is re-sent on each timer tick. Knocked out: sent
    /// once.
    RecipientResendsUnconfirmed => "recipient/isrv-resends-unconfirmed", "bolt12/static-invoice/writer/offer-paths-to-replying-node";
    /// Recipient (invoice server): `static_invoice_persisted` over its own
    /// reply path confirms the offer, and nothing more is sent. Knocked out:
    /// ignored.
    RecipientPersistedConfirms => "recipient/isrv-persisted-confirms", "bolt12/static-invoice/writer/offer-paths-to-replying-node";
    /// Invoice server (LDK's protocol): answers an `offer_paths_request` with
    /// `offer_paths` and a reply path. Knocked out: no answer.
    ServerAnswersOfferPaths => "server/isrv-answers-offer-paths", "bolt12/static-invoice/writer/offer-paths-to-replying-node";
    /// Invoice server: an `offer_paths_request` counts only over a request path
    /// it made for a recipient. Knocked out: over any path.
    ServerRequestPathKnown => "server/isrv-request-path-known", "bolt4/reply-paths/reader/path-id-mismatch";
    /// Invoice server: a request over an expired request path is ignored.
    /// Knocked out: answered.
    ServerRequestPathExpiry => "server/isrv-request-path-expiry", "bolt4/reply-paths/reader/path-id-mismatch";
    /// Invoice server (choice): at most 3 requests per recipient answered in
    /// any 60 seconds. Knocked out: every one.
    ServerRequestLimit => "server/isrv-request-limit", "bolt12/static-invoice/writer/offer-paths-to-replying-node";
    /// Invoice server: `serve_static_invoice` counts only over a reply path it
    /// issued with `offer_paths` (authentic). Knocked out: over any path.
    ServerServePathOwn => "server/isrv-serve-path-own", "bolt4/reply-paths/reader/path-id-mismatch";
    /// Invoice server: `serve_static_invoice` over an expired reply path (365
    /// days) is ignored. Knocked out: stored.
    ServerServePathExpiry => "server/isrv-serve-path-expiry", "bolt4/reply-paths/reader/path-id-mismatch";
    /// Invoice server: an expired invoice is not stored. Knocked out: stored.
    ServerServeInvoiceExpiry => "server/isrv-serve-invoice-expiry", "bolt12/static-invoice/reader/expiry-default";
    /// Invoice server: a served invoice is stored and answers later invoice
    /// requests. Knocked out: confirmed but not stored.
    ServerStoresInvoice => "server/isrv-stores-invoice", "bolt12/static-invoice/server/reply-with-static-invoice";
    /// Invoice server: a stored invoice is confirmed with
    /// `static_invoice_persisted` over the message's reply path. Knocked out:
    /// stored silently.
    ServerConfirmsPersisted => "server/isrv-confirms-persisted", "bolt12/static-invoice/writer/offer-paths-to-replying-node";

    // BOLT 1 and 9: feature vectors.
    /// An unknown even feature bit.
    FeatureUnknownEven => "features/unknown-even", "bolt1/features/receiving-node/unknown-even-init-bit";
    /// A feature set without its dependency.
    FeatureDependency => "features/dependency", "bolt1/features/receiving-node/missing-dependency";
}

thread_local! {
    static KNOCKED_OUT: Cell<RuleSet> = const { Cell::new(RuleSet::EMPTY) };
    static FIRED: Cell<Option<Rule>> = const { Cell::new(None) };
    static CONSULTED: Cell<RuleSet> = const { Cell::new(RuleSet::EMPTY) };
    static MARGINS: std::cell::RefCell<Vec<(Rule, i128)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The check of a numeric rule: `value` against its `bound`, violated when
/// `value` is past it (greater). Records the margin `value - bound` for
/// [`with_margins`], then checks as [`check`] does.
pub fn check_bound(
    rule: Rule,
    value: u64,
    bound: u64,
    rejection: impl FnOnce() -> Rejection,
) -> Result<(), Rejection> {
    if past_bound(rule, value, bound) {
        Err(rejection())
    } else {
        Ok(())
    }
}

/// A numeric rule's bound, for a check that does not reject (a state
/// machine's deadline): whether `value` is past `bound` (greater) and the
/// rule is not knocked out. Records the margin as [`check_bound`] does.
pub fn past_bound(rule: Rule, value: u64, bound: u64) -> bool {
    MARGINS.with(|m| {
        let mut m = m.borrow_mut();
        // Bounded: a reader or a scenario step evaluates a handful.
        if m.len() < 256 {
            m.push((rule, i128::from(value) - i128::from(bound)));
        }
    });
    rejects(rule, value > bound)
}

/// Run `f`, returning its result and the margins of the numeric rules it
/// checked ([`check_bound`]), in order.
pub fn with_margins<T>(f: impl FnOnce() -> T) -> (T, Vec<(Rule, i128)>) {
    let before = MARGINS.with(|m| m.take());
    let out = f();
    let seen = MARGINS.with(|m| m.replace(before));
    (out, seen)
}

/// Run `f`, returning its result and the rules whose checks it consulted
/// ([`rejects`], [`knocked_out`]). For an input the reader accepts, those
/// are the rules it satisfies: a valid vector shows the conforming side of
/// each of them.
pub fn with_consulted<T>(f: impl FnOnce() -> T) -> (T, Vec<Rule>) {
    let before = CONSULTED.with(|c| c.replace(RuleSet::EMPTY));
    let out = f();
    let set = CONSULTED.with(|c| c.replace(before.union(c.get())));
    let rules = Rule::ALL
        .iter()
        .copied()
        .filter(|r| set.contains(*r))
        .collect();
    (out, rules)
}

/// A set of rules, one bit each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RuleSet([u64; 4]);

const _: () = assert!(Rule::ALL.len() <= 256, "a RuleSet holds 256 rules");

impl RuleSet {
    const EMPTY: RuleSet = RuleSet([0; 4]);

    fn with(mut self, rule: Rule) -> RuleSet {
        let i = rule as usize;
        self.0[i / 64] |= 1 << (i % 64);
        self
    }

    fn contains(self, rule: Rule) -> bool {
        let i = rule as usize;
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    fn union(self, other: RuleSet) -> RuleSet {
        let mut out = self;
        for (a, b) in out.0.iter_mut().zip(other.0) {
            *a |= b;
        }
        out
    }
}

/// Whether `rule` is knocked out on this thread. Asking records `rule` as
/// consulted (see [`with_consulted`]): a state machine asks where its
/// behaviour applies.
pub fn knocked_out(rule: Rule) -> bool {
    consult(rule);
    KNOCKED_OUT.with(|k| k.get().contains(rule))
}

/// Whether the check of `rule` rejects: when `violated` and `rule` is not
/// knocked out (then it is recorded as the rule that fired). Every check
/// records `rule` as consulted, violated or not.
pub fn rejects(rule: Rule, violated: bool) -> bool {
    if !violated {
        consult(rule);
        return false;
    }
    if knocked_out(rule) {
        return false;
    }
    FIRED.with(|f| f.set(Some(rule)));
    true
}

/// Record `rule` as consulted and holding, for a check that rejects with
/// [`fire`] when it does not hold (see [`with_consulted`]).
pub fn consult(rule: Rule) {
    CONSULTED.with(|c| c.set(c.get().with(rule)));
}

/// Record `rule` as the one that fired, for a check that rejects even when
/// knocked out (the reader cannot read past it).
pub fn fire(rule: Rule) {
    FIRED.with(|f| f.set(Some(rule)));
}

/// `Err(rejection())` when the check of `rule` rejects (see [`rejects`]).
pub fn check(
    rule: Rule,
    violated: bool,
    rejection: impl FnOnce() -> Rejection,
) -> Result<(), Rejection> {
    if rejects(rule, violated) {
        Err(rejection())
    } else {
        Ok(())
    }
}

/// Run `f` with exactly `rules` knocked out on this thread; returns its
/// result and the last rule that fired while it ran (the one a rejection
/// comes from), if any.
pub fn with_knockouts<T>(rules: &[Rule], f: impl FnOnce() -> T) -> (T, Option<Rule>) {
    let set = rules.iter().fold(RuleSet::EMPTY, |s, r| s.with(*r));
    let before = KNOCKED_OUT.with(|k| k.replace(set));
    let fired_before = FIRED.with(|x| x.replace(None));
    let out = f();
    let fired = FIRED.with(|x| x.replace(fired_before));
    KNOCKED_OUT.with(|k| k.set(before));
    (out, fired)
}

/// The numeric rules: those checked with [`check_bound`].
pub const NUMERIC: &[Rule] = &[
    Rule::OfferExpired,
    Rule::InvoiceExpiryRelative,
    Rule::InvoiceExpiryDefault,
    Rule::LspFailBackDeadline,
    Rule::RecipientMaxCltvExpiry,
    Rule::AsyncHoldCltvDelta,
    Rule::LspTrampolineDeadline,
];

/// The rules only the scenario state machines check ([`crate::scenario`]):
/// what a role does, shown by scenarios rather than by a rejection.
pub const SCENARIO: &[Rule] = &[
    Rule::LspHoldUntilRelease,
    Rule::LspForwardOnce,
    Rule::LspForwardAfterCommitment,
    Rule::LspReleasePaths,
    Rule::LspReleasePathsOnlyHeld,
    Rule::LspFailBackDeadline,
    Rule::LspFailBackAfterDownstream,
    Rule::LspFailUnsupportedHold,
    Rule::LspForwardOnReconnection,
    Rule::LspReleaseOverOwnPath,
    Rule::LspBadOnionPayload,
    Rule::LspAsyncHoldUntilTrigger,
    Rule::LspAsyncNonceMatch,
    Rule::LspTrampolineRetry,
    Rule::LspOneShotNoRetry,
    Rule::LspTrampolineDeadline,
    Rule::LspSettleOnReconnection,
    Rule::LspUnblockHoldByHash,
    Rule::LspUnblockIdMatch,
    Rule::LspUnblockOwnHashesOnly,
    Rule::LspUnblockStands,
    Rule::LspFailBackOnReconnection,
    Rule::PayerHoldNeedsPeerFeature,
    Rule::PayerTwoHeldHtlcAvailable,
    Rule::PayerUniqueReplyPaths,
    Rule::PayerRetransmitOnReconnect,
    Rule::PayerPayOnce,
    Rule::PayerNoPreimageOtherwise,
    Rule::PayerPathAuthenticated,
    Rule::PayerInvoiceOverReplyPath,
    Rule::PayerInvoiceForItsOffer,
    Rule::RecipientOwnMessagePath,
    Rule::RecipientReplyOverReplyPath,
    Rule::RecipientAmount,
    Rule::RecipientMaxCltvExpiry,
    Rule::RecipientPreimageHash,
    Rule::RecipientInvoiceRequest,
    Rule::RecipientFinalPayloadFields,
    Rule::RecipientOwnPaymentPath,
    Rule::RecipientAllParts,
    Rule::ServerReplies,
    Rule::ServerForwards,
    Rule::RecipientRequestsOfferPaths,
    Rule::RecipientOfferPathsOverOwnPath,
    Rule::RecipientOfferPathsReplyFresh,
    Rule::RecipientOfferPathsLifetime,
    Rule::RecipientServesInvoice,
    Rule::RecipientResendsUnconfirmed,
    Rule::RecipientPersistedConfirms,
    Rule::ServerAnswersOfferPaths,
    Rule::ServerRequestPathKnown,
    Rule::ServerRequestPathExpiry,
    Rule::ServerRequestLimit,
    Rule::ServerServePathOwn,
    Rule::ServerServePathExpiry,
    Rule::ServerServeInvoiceExpiry,
    Rule::ServerStoresInvoice,
    Rule::ServerConfirmsPersisted,
];

/// Whether `rule` is numeric (see [`NUMERIC`]).
pub fn is_numeric(rule: Rule) -> bool {
    NUMERIC.contains(&rule)
}

/// The rules that enforce `requirement`.
pub fn enforcing(requirement: &str) -> Vec<Rule> {
    Rule::ALL
        .iter()
        .copied()
        .filter(|r| r.requirement() == requirement)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use asyncpay_adapter::ReasonClass;

    #[test]
    fn ids_are_unique() {
        let mut ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }

    #[test]
    fn a_knocked_out_rule_does_not_reject_and_the_set_is_restored() {
        let reject = || Rejection::new(ReasonClass::InvalidValue, "x");
        let (r, fired) = with_knockouts(&[], || check(Rule::TlvDuplicate, true, reject));
        assert!(r.is_err());
        assert_eq!(fired, Some(Rule::TlvDuplicate));
        let (r, fired) = with_knockouts(&[Rule::TlvDuplicate], || {
            check(Rule::TlvDuplicate, true, reject)
        });
        assert!(r.is_ok());
        assert_eq!(fired, None);
        assert!(!knocked_out(Rule::TlvDuplicate));
    }

    #[test]
    fn consulted_rules_are_those_checked() {
        let reject = || Rejection::new(ReasonClass::InvalidValue, "x");
        let (r, consulted) = with_consulted(|| {
            check(Rule::TlvDuplicate, false, reject)?;
            check(Rule::TlvIncreasing, false, reject)
        });
        assert!(r.is_ok());
        assert_eq!(consulted, vec![Rule::TlvDuplicate, Rule::TlvIncreasing]);
        let ((), consulted) = with_consulted(|| ());
        assert!(consulted.is_empty());
    }
}
