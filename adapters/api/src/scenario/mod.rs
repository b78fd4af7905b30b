//! Release-semantics scenarios: roles, events, expectations, and the judge.
//!
//! This layer tests *behaviour over time*, not encodings: messages are
//! abstract (semantic) values, and time and block height are simulated.
//!
//! # The scenario
//! A [`Scenario`] names the [`Role`] the implementation under test plays,
//! an [`InitialState`] (features and configuration of every node, block
//! height, time, offers and static invoices known to the roles) and a list
//! of [`Step`]s, at most [`MAX_STEPS`]. A step is either
//! - an [`Event`]: something happens to the role under test (a message
//!   arrives from a peer, blocks are mined, time passes, a peer disconnects
//!   or reconnects, the user asks the payer to pay an offer), or
//! - an [`ExpectStep`]: a [`Check`] on what the role under test did, with the
//!   requirement ids it checks and its [`Level`].
//!
//! # The adapter's answer
//! `scenario.run` is answered with `Outcome::Accepted { view }` where `view`
//! is a [`TraceView`]: `{"trace": [{"step": i, "actions": [...]}, ...]}`,
//! one entry per *event* step (entries with no actions may be omitted), each
//! listing the [`Action`]s the role under test took in response to that
//! event, in the order it took them. The adapter does not judge itself.
//!
//! # The judge
//! [`judge`] (or, in one line from the harness, [`check_scenario_outcome`])
//! replays the steps against the trace, lnprototest style:
//! - after an event step, that step's actions join a *pool* of actions not
//!   yet accounted for;
//! - a single-action check (e.g. [`Check::HtlcForwarded`]) counts the
//!   matching actions in the pool, requires the [`Count`] (default: exactly
//!   one), and removes them from the pool;
//! - [`Check::AnyOrder`] does the same for several patterns at once, in any
//!   order;
//! - [`Check::Nothing`] requires the pool to be empty: every action taken so
//!   far has been accounted for;
//! - [`Check::MustNot`] forbids matching actions in response to every event
//!   after it, up to the end, or up to (excluding) the event step
//!   `until_step`.
//!
//! Actions left in the pool at the end are not a failure; scenarios end with
//! [`Check::Nothing`] where "and nothing else" matters.
//!
//! Paths are named: a path created by another role is [`PathId::Named`] with a
//! name the scenario chose; a path the role under test created itself (a
//! reply path, a release path in `revoke_and_ack`) is [`PathId::Own`] with
//! an opaque id the adapter chose. An event refers to the role's own paths by
//! position ([`PathRef::Own`]): the n-th own path the role listed in response
//! to a given earlier step.

use serde::{Deserialize, Serialize};

/// Most steps a scenario may have; larger scenarios are rejected.
pub const MAX_STEPS: usize = 1000;
/// Most actions a trace may hold in total; larger traces are rejected.
pub const MAX_ACTIONS: usize = 10_000;
/// Most entries in any list inside a scenario (paths, offers, patterns).
pub const MAX_LIST: usize = 64;

/// The marker a vector puts in `expected.view` for a `scenario.run` test: the
/// outcome is judged by [`check_scenario_outcome`], not compared.
pub fn expected_view_marker() -> serde_json::Value {
    serde_json::json!({ "judged_by": "scenario::judge", "expectations": "all" })
}

/// The four roles of the async payments flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The often-offline payer.
    Payer,
    /// The payer's LSP: the node that holds `hold_htlc` HTLCs.
    PayerLsp,
    /// The recipient's LSP, serving static invoices on its behalf.
    InvoiceServer,
    /// The often-offline recipient.
    Recipient,
}

/// A feature a node advertises (by name; each profile gives the bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// `option_onion_messages`.
    OptionOnionMessages,
    /// `option_route_blinding`.
    OptionRouteBlinding,
    /// `option_htlc_hold`: holds HTLCs and forwards on receipt of an onion message.
    OptionHtlcHold,
}

/// One node's configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// The features the node advertises (in `init` and its node announcement).
    #[serde(default)]
    pub features: Vec<Feature>,
    /// For the payer: it expects to be offline for an extended duration
    /// starting soon (so it may ask its LSP to hold HTLCs). LDK:
    /// `UserConfig::hold_outbound_htlcs_at_next_hop`.
    #[serde(default)]
    pub often_offline: bool,
}

impl NodeConfig {
    /// Whether the node advertises `f`.
    pub fn has(&self, f: Feature) -> bool {
        self.features.contains(&f)
    }
}

/// The configuration of every role.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nodes {
    /// The payer.
    pub payer: NodeConfig,
    /// The payer's LSP (the holding node).
    pub payer_lsp: NodeConfig,
    /// The invoice server (the recipient's LSP).
    pub invoice_server: NodeConfig,
    /// The recipient.
    pub recipient: NodeConfig,
}

impl Nodes {
    /// The configuration of `role`.
    pub fn get(&self, role: Role) -> &NodeConfig {
        match role {
            Role::Payer => &self.payer,
            Role::PayerLsp => &self.payer_lsp,
            Role::InvoiceServer => &self.invoice_server,
            Role::Recipient => &self.recipient,
        }
    }
}

/// An offer, abstractly: its id and the blinded message paths in `offer_paths`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfferSpec {
    /// The scenario's name for the offer.
    pub id: String,
    /// Names of the paths in `offer_paths` (terminating at the invoice server).
    #[serde(default)]
    pub paths: Vec<String>,
}

/// A blinded payment path in an invoice, abstractly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentPathSpec {
    /// The scenario's name for the path.
    pub id: String,
    /// `payment_constraints.max_cltv_expiry` in the recipient's `encrypted_recipient_data`.
    pub max_cltv_expiry: u32,
}

/// A static invoice, abstractly (its encoding is checked elsewhere).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaticInvoiceSpec {
    /// The scenario's name for the invoice.
    pub id: String,
    /// The offer it answers.
    pub offer: String,
    /// `invoice_created_at`, seconds since 1970.
    pub created_at: u64,
    /// `invoice_relative_expiry`; absent means the profile's static-invoice default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative_expiry: Option<u64>,
    /// Names of the `static_invoice_message_paths` (terminating at the recipient).
    pub message_paths: Vec<String>,
    /// The payment paths (`invoice_paths`).
    pub payment_paths: Vec<PaymentPathSpec>,
}

/// A fresh BOLT 12 invoice (with a payment hash), abstractly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceSpec {
    /// The scenario's name for the invoice.
    pub id: String,
    /// `invoice_payment_hash`, hex.
    pub payment_hash: String,
    /// `invoice_amount`.
    pub amount_msat: u64,
}

/// An `invoice_request`, abstractly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceRequestSpec {
    /// A name for the request (chosen by its writer).
    pub id: String,
    /// The offer it requests an invoice for.
    pub offer: String,
    /// `invreq_amount`, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_msat: Option<u64>,
}

/// The state before the first step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitialState {
    /// The current block height.
    pub block_height: u32,
    /// The current time, seconds since 1970.
    pub time: u64,
    /// Every node's features and configuration.
    pub nodes: Nodes,
    /// Offers the role under test knows: the payer's to pay, the invoice
    /// server's to serve, the recipient's own.
    #[serde(default)]
    pub offers: Vec<OfferSpec>,
    /// Static invoices the role under test holds: the invoice server stores
    /// them on the recipient's behalf; the recipient created them.
    #[serde(default)]
    pub static_invoices: Vec<StaticInvoiceSpec>,
    /// For the invoice server: the path over which it reaches the recipient
    /// to forward invoice requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient_path: Option<String>,
    /// Experimental (LDK's invoice server): the paths the recipient and its
    /// server set up before the scenario.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_server: Option<InvoiceServerSetup>,
}

/// A path, as an action names it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PathId {
    /// A path created by another role, with the scenario's name for it.
    Named(String),
    /// A path the role under test created, with an id the adapter chose
    /// (opaque; only equality matters).
    Own(String),
}

/// A path, as an event names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PathRef {
    /// A path created by another role (its name in the scenario). It carries
    /// no context the role under test created.
    Named(String),
    /// The `index`-th [`PathId::Own`] (counting from 0) among the own paths
    /// the role under test listed in its actions in response to the earlier
    /// event step `step` (release paths of a `revoke_and_ack`, reply paths
    /// of onion messages, in the order the actions list them). With
    /// `tampered`, its context (the `encrypted_data_tlvs` its creator reads
    /// back) was altered in transit. If the role listed fewer own paths at
    /// that step, the message cannot be delivered: the driver skips it and
    /// the role takes no action.
    Own {
        /// The earlier event step whose actions listed the path.
        step: usize,
        /// Position among the own paths listed at that step, from 0.
        index: usize,
        /// The context was altered.
        #[serde(default)]
        tampered: bool,
    },
    /// A path the role under test did not create, whose context imitates a
    /// release context for HTLC `claims_htlc` (an attacker's forgery).
    Forged {
        /// The incoming HTLC id the forged context names.
        claims_htlc: u64,
    },
}

/// An onion message's content, abstractly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum OnionMessage {
    /// `held_htlc_available`.
    HeldHtlcAvailable,
    /// `release_held_htlc`.
    ReleaseHeldHtlc,
    /// `invoice_request`.
    InvoiceRequest(InvoiceRequestSpec),
    /// `static_invoice`.
    StaticInvoice(StaticInvoiceSpec),
    /// `invoice` (a fresh invoice with a payment hash).
    Invoice(InvoiceSpec),
    /// Experimental (trampoline hold): the payer's notice to the receiver,
    /// with the nonce (hex); its reply path leads to the payer's LSP.
    AsyncPaymentNotice {
        /// The async-payment nonce.
        nonce: String,
    },
    /// Experimental (trampoline hold): the receiver's trigger, with the nonce (hex).
    AsyncPaymentTrigger {
        /// The async-payment nonce.
        nonce: String,
    },
    /// Experimental (payment-id unblock): the payer asks its LSP to hold
    /// the HTLCs of these payment hashes until `payment_id` unblocks them.
    HoldHtlcRequest {
        /// The secret payment id, hex.
        payment_id: String,
        /// The payment hashes (one per payment; several parts may share one), hex.
        payment_hashes: Vec<String>,
    },
    /// Experimental (payment-id unblock): a message through the payer's LSP
    /// whose `encrypted_data_tlv` for the LSP carries `payment_unblock`.
    PaymentUnblock {
        /// The payment id, hex.
        payment_id: String,
    },
    /// Experimental (LDK's invoice server): the recipient asks for offer paths.
    OfferPathsRequest {
        /// The recipient's slot at the server.
        invoice_slot: u16,
    },
    /// Experimental (invoice server): the server's offer paths.
    OfferPaths(OfferPathsSpec),
    /// Experimental (invoice server): the recipient's invoice to serve.
    ServeStaticInvoice(ServeStaticInvoiceSpec),
    /// Experimental (invoice server): the server stored the invoice.
    StaticInvoicePersisted,
}

impl OnionMessage {
    /// The message's type.
    pub fn kind(&self) -> MessageType {
        match self {
            OnionMessage::HeldHtlcAvailable => MessageType::HeldHtlcAvailable,
            OnionMessage::ReleaseHeldHtlc => MessageType::ReleaseHeldHtlc,
            OnionMessage::InvoiceRequest(_) => MessageType::InvoiceRequest,
            OnionMessage::StaticInvoice(_) => MessageType::StaticInvoice,
            OnionMessage::Invoice(_) => MessageType::Invoice,
            OnionMessage::AsyncPaymentNotice { .. } => MessageType::AsyncPaymentNotice,
            OnionMessage::AsyncPaymentTrigger { .. } => MessageType::AsyncPaymentTrigger,
            OnionMessage::HoldHtlcRequest { .. } => MessageType::HoldHtlcRequest,
            OnionMessage::PaymentUnblock { .. } => MessageType::PaymentUnblock,
            OnionMessage::OfferPathsRequest { .. } => MessageType::OfferPathsRequest,
            OnionMessage::OfferPaths(_) => MessageType::OfferPaths,
            OnionMessage::ServeStaticInvoice(_) => MessageType::ServeStaticInvoice,
            OnionMessage::StaticInvoicePersisted => MessageType::StaticInvoicePersisted,
        }
    }

    /// The scenario's id of an invoice request, static invoice or invoice.
    pub fn id(&self) -> Option<&str> {
        match self {
            OnionMessage::InvoiceRequest(r) => Some(&r.id),
            OnionMessage::StaticInvoice(s) => Some(&s.id),
            OnionMessage::Invoice(i) => Some(&i.id),
            OnionMessage::ServeStaticInvoice(s) => Some(&s.invoice.id),
            _ => None,
        }
    }
}

/// The type of an onion message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageType {
    /// `held_htlc_available`.
    HeldHtlcAvailable,
    /// `release_held_htlc`.
    ReleaseHeldHtlc,
    /// `invoice_request`.
    InvoiceRequest,
    /// `static_invoice`.
    StaticInvoice,
    /// `invoice`.
    Invoice,
    /// Experimental: `async_payment_notice`.
    AsyncPaymentNotice,
    /// Experimental: `async_payment_trigger`.
    AsyncPaymentTrigger,
    /// Experimental: `hold_htlc_request`.
    HoldHtlcRequest,
    /// Experimental: a message carrying `payment_unblock`.
    PaymentUnblock,
    /// Experimental: `offer_paths_request`.
    OfferPathsRequest,
    /// Experimental: `offer_paths`.
    OfferPaths,
    /// Experimental: `serve_static_invoice`.
    ServeStaticInvoice,
    /// Experimental: `static_invoice_persisted`.
    StaticInvoicePersisted,
}

/// The payment onion payload for the role under test, abstractly.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payload {
    /// `amt_to_forward`.
    pub amt_to_forward: u64,
    /// `outgoing_cltv_value`.
    pub outgoing_cltv_value: u32,
    /// For a forwarding node: the next hop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_hop: Option<Role>,
    /// For the final node: the blinded payment path the HTLC arrived over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_path: Option<String>,
    /// `sender_provided_payment_preimage`, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_provided_payment_preimage: Option<String>,
    /// `invoice_request`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_request: Option<InvoiceRequestSpec>,
    /// Experimental (trampoline hold): the hold request and nonce in this
    /// (the first hop's) payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub async_hold: Option<AsyncHold>,
    /// For the final node: BOLT 4's `total_amount_msat`, the whole
    /// payment's amount when this HTLC is one part of several (`basic_mpp`);
    /// absent: the payment is this one HTLC (`amt_to_forward`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_msat: Option<u64>,
    /// Further records of the payload, besides the fields above and BOLT
    /// 4's own (`short_channel_id`, `encrypted_recipient_data`,
    /// `current_path_key`, and `total_amount_msat` given as
    /// [`Payload::total_msat`]), in type order: records the
    /// role under test does not know.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_records: Vec<crate::invoice::TlvRecord>,
}

/// A failure reason, as BOLT 4 failure codes (abstract).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureCode {
    /// `temporary_node_failure`.
    TemporaryNodeFailure,
    /// `temporary_channel_failure`.
    TemporaryChannelFailure,
    /// `expiry_too_soon`.
    ExpiryTooSoon,
    /// `incorrect_or_unknown_payment_details`.
    IncorrectOrUnknownPaymentDetails,
    /// `invalid_onion_blinding`.
    InvalidOnionBlinding,
    /// `unknown_next_peer`.
    UnknownNextPeer,
    /// `invalid_onion_payload`.
    InvalidOnionPayload,
    /// The downstream failure, relayed back unchanged (the forwarding node
    /// cannot read it).
    Relayed,
    /// Any other code.
    Other,
}

/// Something that happens to the role under test.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// An `update_add_htlc` arrives from `from`.
    UpdateAddHtlc {
        /// The sending peer.
        from: Role,
        /// The HTLC `id` on that channel.
        htlc: u64,
        /// `amount_msat`.
        amount_msat: u64,
        /// `payment_hash`, hex.
        payment_hash: String,
        /// `cltv_expiry`.
        cltv_expiry: u32,
        /// Whether the `hold_htlc` TLV is present.
        #[serde(default)]
        hold_htlc: bool,
        /// The payload of the onion layer for the role under test.
        payload: Payload,
        /// If true, the commitment exchange that irrevocably commits the
        /// HTLC happens too (the driver performs it; it is not traced).
        /// If false, the scenario gives `commitment_signed` and
        /// `revoke_and_ack` events itself.
        #[serde(default)]
        irrevocably_committed: bool,
    },
    /// A `commitment_signed` covering every pending update arrives from `from`.
    CommitmentSigned {
        /// The sending peer.
        from: Role,
    },
    /// A `revoke_and_ack` arrives from `from`, with the release paths (for the
    /// payer: paths created by its LSP, named by the scenario).
    RevokeAndAck {
        /// The sending peer.
        from: Role,
        /// `release_held_htlc_message_paths`.
        #[serde(default)]
        release_paths: Vec<String>,
    },
    /// An onion message arrives, over `over`, with `reply_path`.
    OnionMessage {
        /// The role that sent it (its originator).
        from: Role,
        /// The content.
        message: OnionMessage,
        /// The path it arrived over.
        over: PathRef,
        /// The reply path it carries.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_path: Option<PathRef>,
    },
    /// An HTLC the role under test forwarded (named by its incoming id) was
    /// failed by the next hop.
    HtlcFailedDownstream {
        /// The incoming HTLC id.
        htlc: u64,
        /// The code (opaque to a forwarding node).
        reason: FailureCode,
    },
    /// An HTLC the role under test forwarded (named by its incoming id) was
    /// fulfilled by the next hop with `preimage` (hex).
    HtlcFulfilledDownstream {
        /// The incoming HTLC id.
        htlc: u64,
        /// The preimage.
        preimage: String,
    },
    /// The user asks the payer to pay an offer.
    PayOffer {
        /// A name for the payment.
        payment: String,
        /// The offer.
        offer: String,
        /// The amount, msat.
        amount_msat: u64,
    },
    /// `count` blocks are mined.
    BlocksMined {
        /// How many.
        count: u32,
    },
    /// Time passes.
    TimePasses {
        /// Seconds.
        seconds: u64,
    },
    /// A peer disconnects.
    PeerDisconnects {
        /// The peer.
        peer: Role,
    },
    /// A peer reconnects.
    PeerReconnects {
        /// The peer.
        peer: Role,
    },
}

/// How binding an expectation is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// A MUST (or MUST NOT) of the draft or an inherited BOLT.
    #[default]
    Must,
    /// A SHOULD.
    Should,
    /// The draft is silent; the suite's documented choice (see the note).
    Choice,
}

/// How many matching actions a check requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Count {
    /// Exactly this many.
    Exactly(u32),
    /// At least this many.
    AtLeast(u32),
}

impl Default for Count {
    fn default() -> Self {
        Count::Exactly(1)
    }
}

impl Count {
    fn ok(&self, n: usize) -> bool {
        match *self {
            Count::Exactly(k) => n == k as usize,
            Count::AtLeast(k) => n >= k as usize,
        }
    }
}

/// What a reply path must be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyPathPattern {
    /// No reply path.
    None,
    /// Any reply path.
    Any,
    /// A path the role under test created.
    Own,
    /// One of these paths.
    OneOf(Vec<PathId>),
}

/// A check on what the role under test did. Single-action checks carry a
/// [`Count`] (default exactly 1); in [`Check::MustNot`] the count is ignored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// The incoming HTLC `htlc` was forwarded to the next hop.
    HtlcForwarded {
        /// Incoming HTLC id.
        htlc: u64,
        /// How many times.
        #[serde(default)]
        count: Count,
    },
    /// The payer offered an HTLC for `payment`.
    HtlcSent {
        /// The payment's name.
        payment: String,
        /// Whether `hold_htlc` is set, if checked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hold_htlc: Option<bool>,
        /// Whether `sender_provided_payment_preimage` is present, if checked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sender_provided_payment_preimage: Option<bool>,
        /// If true: the preimage is present and its SHA256 is the payment hash.
        #[serde(default)]
        preimage_matches_payment_hash: bool,
        /// If true: the onion carries an `invoice_request` the payer sent
        /// earlier in the trace.
        #[serde(default)]
        invoice_request_sent_earlier: bool,
        /// How many times.
        #[serde(default)]
        count: Count,
    },
    /// The incoming HTLC `htlc` was failed back.
    HtlcFailedBack {
        /// Incoming HTLC id.
        htlc: u64,
        /// Acceptable codes; absent: any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<Vec<FailureCode>>,
        /// How many times.
        #[serde(default)]
        count: Count,
    },
    /// The final node rejected the payment of HTLC `htlc` (failed it back).
    RejectedPayment {
        /// Incoming HTLC id.
        htlc: u64,
        /// Acceptable codes; absent: any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<Vec<FailureCode>>,
        /// How many times.
        #[serde(default)]
        count: Count,
    },
    /// The final node claimed HTLC `htlc`.
    ClaimedWithPreimage {
        /// Incoming HTLC id.
        htlc: u64,
        /// The preimage it must have used, hex; absent: any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        preimage: Option<String>,
        /// How many times.
        #[serde(default)]
        count: Count,
    },
    /// An onion message was sent.
    OnionMessageSent {
        /// Its type.
        message: MessageType,
        /// Its id (invoice request, invoice), if checked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// The paths it may have been sent over; absent: any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        over: Option<Vec<PathId>>,
        /// The reply path it must carry; absent: not checked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_path: Option<ReplyPathPattern>,
        /// The matching messages went over pairwise different paths.
        #[serde(default)]
        distinct_paths: bool,
        /// The matching messages carry pairwise different reply paths.
        #[serde(default)]
        distinct_reply_paths: bool,
        /// How many messages.
        #[serde(default)]
        count: Count,
    },
    /// A `revoke_and_ack` with at least `at_least` release paths was sent.
    RevokeAndAckWithReleasePaths {
        /// The least number of paths.
        at_least: u32,
        /// How many such messages.
        #[serde(default)]
        count: Count,
    },
    /// A `revoke_and_ack` without release paths was sent.
    RevokeAndAckWithoutReleasePaths {
        /// How many such messages.
        #[serde(default)]
        count: Count,
    },
    /// Every action taken so far is accounted for.
    Nothing,
    /// Each single-action check, in any order.
    AnyOrder(Vec<Check>),
    /// None of these actions, in response to any later event up to the end
    /// or up to (excluding) event step `until_step`.
    MustNot {
        /// Forbidden actions (single-action checks; counts ignored).
        actions: Vec<Check>,
        /// The step index where the prohibition ends (excluded).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until_step: Option<usize>,
    },
}

impl Check {
    fn is_single(&self) -> bool {
        !matches!(
            self,
            Check::Nothing | Check::AnyOrder(_) | Check::MustNot { .. }
        )
    }

    fn count(&self) -> Count {
        match self {
            Check::HtlcForwarded { count, .. }
            | Check::HtlcSent { count, .. }
            | Check::HtlcFailedBack { count, .. }
            | Check::RejectedPayment { count, .. }
            | Check::ClaimedWithPreimage { count, .. }
            | Check::OnionMessageSent { count, .. }
            | Check::RevokeAndAckWithReleasePaths { count, .. }
            | Check::RevokeAndAckWithoutReleasePaths { count } => *count,
            _ => Count::Exactly(0),
        }
    }
}

/// An expectation step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectStep {
    /// The check.
    pub check: Check,
    /// The requirement ids it checks (or the requirement a choice follows).
    pub requirements: Vec<String>,
    /// How binding it is.
    #[serde(default)]
    pub level: Level,
    /// Where the draft is silent: which choice this follows, and why.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// One step: an event or an expectation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Something happens to the role under test.
    Event(Event),
    /// A check on what it did.
    Expect(ExpectStep),
}

/// A scenario, run with the adapter playing `role_under_test`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The role the implementation plays.
    pub role_under_test: Role,
    /// The state before the first step.
    pub initial: InitialState,
    /// Events and expectations, at most [`MAX_STEPS`].
    pub steps: Vec<Step>,
}

/// Something the role under test did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Forwarded the incoming HTLC `htlc` to `to`.
    HtlcForwarded {
        /// Incoming HTLC id.
        htlc: u64,
        /// The next hop.
        to: Role,
    },
    /// The payer offered a new HTLC.
    HtlcSent {
        /// The payment's name (from the `pay_offer` event).
        payment: String,
        /// The HTLC id on the payer's channel.
        htlc: u64,
        /// The peer.
        to: Role,
        /// Whether `hold_htlc` is set.
        hold_htlc: bool,
        /// `payment_hash`, hex.
        payment_hash: String,
        /// `sender_provided_payment_preimage` in the final payload, hex.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sender_provided_payment_preimage: Option<String>,
        /// Id of the `invoice_request` in the final payload.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        invoice_request: Option<String>,
    },
    /// Failed the incoming HTLC `htlc` back.
    HtlcFailed {
        /// Incoming HTLC id.
        htlc: u64,
        /// The code.
        reason: FailureCode,
    },
    /// Claimed (fulfilled) the incoming HTLC `htlc`.
    HtlcClaimed {
        /// Incoming HTLC id.
        htlc: u64,
        /// The preimage, hex.
        preimage: String,
    },
    /// Sent a `revoke_and_ack`.
    RevokeAndAckSent {
        /// The peer.
        to: Role,
        /// `release_held_htlc_message_paths` (created by the sender).
        #[serde(default)]
        release_paths: Vec<PathId>,
    },
    /// Sent an onion message.
    OnionMessageSent {
        /// The content.
        message: OnionMessage,
        /// The path it was sent over.
        over: PathId,
        /// Its reply path.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_path: Option<PathId>,
    },
}

impl Action {
    /// The own paths this action names, in order (release paths, then the reply path).
    pub fn own_paths(&self) -> Vec<&PathId> {
        match self {
            Action::RevokeAndAckSent { release_paths, .. } => release_paths
                .iter()
                .filter(|p| matches!(p, PathId::Own(_)))
                .collect(),
            Action::OnionMessageSent { reply_path, .. } => reply_path
                .iter()
                .filter(|p| matches!(p, PathId::Own(_)))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The actions taken in response to one event step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceEntry {
    /// The event step's index in `steps`.
    pub step: usize,
    /// The actions, in order.
    pub actions: Vec<Action>,
}

/// The adapter's answer to `scenario.run`: `{"trace": [...]}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceView {
    /// One entry per event step (empty entries may be omitted), by step order.
    pub trace: Vec<TraceEntry>,
    /// What crossed the wires, one line each, in order, as the adapter saw
    /// it (optional: an adapter driving real nodes records the real messages
    /// here). Not judged; shown with a failure. At most [`MAX_WIRE_LINES`]
    /// lines are shown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wire: Vec<String>,
}

/// Whether `preimage` (hex, 32 bytes) hashes to `payment_hash` (hex) under SHA-256.
pub fn preimage_hashes_to(preimage: &str, payment_hash: &str) -> bool {
    match (hex::decode(preimage), hex::decode(payment_hash)) {
        (Ok(p), Ok(h)) => p.len() == 32 && sha256(&p).as_slice() == h.as_slice(),
        _ => false,
    }
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    use bitcoin_hashes::Hash;
    bitcoin_hashes::sha256::Hash::hash(data).to_byte_array()
}

mod experimental;
pub use experimental::*;
mod judge;
pub use judge::*;
