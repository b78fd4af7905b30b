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
        }
    }

    /// The scenario's id of an invoice request, static invoice or invoice.
    pub fn id(&self) -> Option<&str> {
        match self {
            OnionMessage::InvoiceRequest(r) => Some(&r.id),
            OnionMessage::StaticInvoice(s) => Some(&s.id),
            OnionMessage::Invoice(i) => Some(&i.id),
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

/// Most wire lines shown with a failure (the rest are counted).
pub const MAX_WIRE_LINES: usize = 400;
/// Longest wire or transcript line shown (longer ones are cut).
const MAX_LINE: usize = 400;

fn cut(s: &str) -> String {
    if s.chars().count() <= MAX_LINE {
        s.to_string()
    } else {
        let head: String = s.chars().take(MAX_LINE).collect();
        format!("{head}…")
    }
}

/// The exchange up to step `upto` (inclusive; all steps if `None`), for
/// humans: each event the role under test was given (`<-`) followed by the
/// actions it took (`->`), each expectation (`??`), then the adapter's wire
/// log if it gave one. Bounded: lines are cut at 400 characters and at most
/// [`MAX_WIRE_LINES`] wire lines are shown.
pub fn transcript(scenario: &Scenario, trace: &TraceView, upto: Option<usize>) -> String {
    let mut out = String::new();
    let last = upto.unwrap_or(usize::MAX);
    for (i, step) in scenario.steps.iter().enumerate() {
        if i > last {
            break;
        }
        match step {
            Step::Event(ev) => {
                let ev = serde_json::to_string(ev).unwrap_or_default();
                out.push_str(&format!("step {i} <- {}\n", cut(&ev)));
                for e in trace.trace.iter().filter(|e| e.step == i) {
                    for a in &e.actions {
                        let a = serde_json::to_string(a).unwrap_or_default();
                        out.push_str(&format!("step {i} -> {}\n", cut(&a)));
                    }
                }
            }
            Step::Expect(x) => {
                let c = serde_json::to_string(&x.check).unwrap_or_default();
                out.push_str(&format!("step {i} ?? {}\n", cut(&c)));
            }
        }
    }
    if !trace.wire.is_empty() {
        out.push_str("wire (as the adapter saw it):\n");
        for l in trace.wire.iter().take(MAX_WIRE_LINES) {
            out.push_str(&format!("  {}\n", cut(l)));
        }
        if trace.wire.len() > MAX_WIRE_LINES {
            out.push_str(&format!(
                "  ({} more lines)\n",
                trace.wire.len() - MAX_WIRE_LINES
            ));
        }
    }
    out
}

/// Why a scenario failed: where, which expectation, what happened instead.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScenarioFailure {
    /// The step index where the failure shows (absent for a malformed scenario or trace).
    pub step: Option<usize>,
    /// The failed expectation, as written in the scenario.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expectation: Option<Box<ExpectStep>>,
    /// How binding the failed expectation is (a malformed input counts as `must`).
    pub level: Level,
    /// The actions relevant to the failure: the unaccounted or matching ones,
    /// or the forbidden one that happened.
    pub happened: Vec<Action>,
    /// What went wrong, for humans.
    pub message: String,
}

impl std::fmt::Display for ScenarioFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.level {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::Choice => "CHOICE",
        };
        match self.step {
            Some(s) => write!(f, "[{level}] step {s}: {}", self.message)?,
            None => write!(f, "[{level}] {}", self.message)?,
        }
        if let Some(e) = &self.expectation {
            let check = serde_json::to_string(&e.check).unwrap_or_default();
            write!(f, "; expected {check} ({})", e.requirements.join(", "))?;
        }
        if !self.happened.is_empty() {
            let h = serde_json::to_string(&self.happened).unwrap_or_default();
            write!(f, "; happened: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioFailure {}

fn malformed(message: String) -> ScenarioFailure {
    ScenarioFailure {
        step: None,
        expectation: None,
        level: Level::Must,
        happened: Vec::new(),
        message,
    }
}

/// Check a scenario's structure: bounded sizes, combinators well formed,
/// `until_step` pointing forward at an event step.
pub fn validate(s: &Scenario) -> Result<(), String> {
    if s.steps.len() > MAX_STEPS {
        return Err(format!(
            "{} steps, over the limit of {MAX_STEPS}",
            s.steps.len()
        ));
    }
    let i0 = &s.initial;
    if i0.offers.len() > MAX_LIST || i0.static_invoices.len() > MAX_LIST {
        return Err("too many offers or static invoices".into());
    }
    for inv in &i0.static_invoices {
        if inv.message_paths.len() > MAX_LIST || inv.payment_paths.len() > MAX_LIST {
            return Err(format!("static invoice {}: too many paths", inv.id));
        }
    }
    for o in &i0.offers {
        if o.paths.len() > MAX_LIST {
            return Err(format!("offer {}: too many paths", o.id));
        }
    }
    for (i, step) in s.steps.iter().enumerate() {
        if let Step::Event(Event::OnionMessage {
            over, reply_path, ..
        }) = step
        {
            for r in std::iter::once(over).chain(reply_path.iter()) {
                if let PathRef::Own { step: at, .. } = r {
                    if *at >= i || !matches!(s.steps.get(*at), Some(Step::Event(_))) {
                        return Err(format!(
                            "step {i}: own path reference to step {at}, not an earlier event step"
                        ));
                    }
                }
            }
        }
        match step {
            Step::Event(Event::RevokeAndAck { release_paths, .. })
                if release_paths.len() > MAX_LIST =>
            {
                return Err(format!("step {i}: too many release paths"));
            }
            Step::Event(Event::OnionMessage {
                message: OnionMessage::StaticInvoice(inv),
                ..
            }) if inv.message_paths.len() > MAX_LIST || inv.payment_paths.len() > MAX_LIST => {
                return Err(format!("step {i}: too many paths in the static invoice"));
            }
            Step::Event(_) => {}
            Step::Expect(e) => match &e.check {
                Check::AnyOrder(items) | Check::MustNot { actions: items, .. }
                    if items.len() > MAX_LIST || items.is_empty() =>
                {
                    return Err(format!(
                        "step {i}: a combinator needs 1 to {MAX_LIST} patterns"
                    ));
                }
                Check::AnyOrder(items) | Check::MustNot { actions: items, .. } => {
                    if !items.iter().all(Check::is_single) {
                        return Err(format!(
                            "step {i}: combinators take single-action checks only"
                        ));
                    }
                    if let Check::MustNot {
                        until_step: Some(u),
                        ..
                    } = &e.check
                    {
                        if *u <= i || !matches!(s.steps.get(*u), Some(Step::Event(_))) {
                            return Err(format!(
                                "step {i}: until_step {u} is not a later event step"
                            ));
                        }
                    }
                }
                Check::OnionMessageSent { over: Some(o), .. } if o.len() > MAX_LIST => {
                    return Err(format!("step {i}: too many paths in `over`"));
                }
                _ => {}
            },
        }
    }
    Ok(())
}

struct Ctx<'a> {
    /// Ids of invoice requests sent so far in the trace.
    invreqs_sent: Vec<&'a str>,
}

/// True when `o` is `None` or `f` holds for its value (`Option::is_none_or`
/// without needing Rust 1.82).
fn none_or<T>(o: Option<T>, f: impl FnOnce(T) -> bool) -> bool {
    match o {
        None => true,
        Some(x) => f(x),
    }
}

fn reason_ok(allowed: &Option<Vec<FailureCode>>, got: FailureCode) -> bool {
    none_or(allowed.as_ref(), |v| v.contains(&got))
}

fn matches(check: &Check, a: &Action, ctx: &Ctx) -> bool {
    match (check, a) {
        (Check::HtlcForwarded { htlc, .. }, Action::HtlcForwarded { htlc: h, .. }) => htlc == h,
        (
            Check::HtlcSent {
                payment,
                hold_htlc,
                sender_provided_payment_preimage,
                preimage_matches_payment_hash,
                invoice_request_sent_earlier,
                ..
            },
            Action::HtlcSent {
                payment: p,
                hold_htlc: hh,
                payment_hash,
                sender_provided_payment_preimage: pre,
                invoice_request,
                ..
            },
        ) => {
            payment == p
                && none_or(*hold_htlc, |x| x == *hh)
                && none_or(*sender_provided_payment_preimage, |x| x == pre.is_some())
                && (!preimage_matches_payment_hash
                    || pre
                        .as_deref()
                        .is_some_and(|pre| preimage_hashes_to(pre, payment_hash)))
                && (!invoice_request_sent_earlier
                    || invoice_request
                        .as_deref()
                        .is_some_and(|id| ctx.invreqs_sent.contains(&id)))
        }
        (
            Check::HtlcFailedBack { htlc, reason, .. }
            | Check::RejectedPayment { htlc, reason, .. },
            Action::HtlcFailed { htlc: h, reason: r },
        ) => htlc == h && reason_ok(reason, *r),
        (
            Check::ClaimedWithPreimage { htlc, preimage, .. },
            Action::HtlcClaimed {
                htlc: h,
                preimage: p,
            },
        ) => htlc == h && none_or(preimage.as_deref(), |x| x.eq_ignore_ascii_case(p)),
        (
            Check::OnionMessageSent {
                message,
                id,
                over,
                reply_path,
                ..
            },
            Action::OnionMessageSent {
                message: m,
                over: o,
                reply_path: r,
            },
        ) => {
            *message == m.kind()
                && none_or(id.as_deref(), |id| m.id() == Some(id))
                && none_or(over.as_ref(), |v| v.contains(o))
                && match reply_path {
                    None => true,
                    Some(ReplyPathPattern::None) => r.is_none(),
                    Some(ReplyPathPattern::Any) => r.is_some(),
                    Some(ReplyPathPattern::Own) => matches!(r, Some(PathId::Own(_))),
                    Some(ReplyPathPattern::OneOf(v)) => r.as_ref().is_some_and(|r| v.contains(r)),
                }
        }
        (
            Check::RevokeAndAckWithReleasePaths { at_least, .. },
            Action::RevokeAndAckSent { release_paths, .. },
        ) => !release_paths.is_empty() && release_paths.len() >= *at_least as usize,
        (
            Check::RevokeAndAckWithoutReleasePaths { .. },
            Action::RevokeAndAckSent { release_paths, .. },
        ) => release_paths.is_empty(),
        _ => false,
    }
}

fn distinct<T: PartialEq>(items: &[T]) -> bool {
    items
        .iter()
        .enumerate()
        .all(|(i, x)| items[..i].iter().all(|y| y != x))
}

/// Apply one single-action check to the pool: count, extra conditions,
/// then remove the matches. `Err` says what is wrong.
fn apply_single(
    check: &Check,
    pool: &mut Vec<Action>,
    ctx: &Ctx,
) -> Result<(), (String, Vec<Action>)> {
    let (hits, rest): (Vec<Action>, Vec<Action>) =
        pool.drain(..).partition(|a| matches(check, a, ctx));
    *pool = rest;
    let count = check.count();
    if !count.ok(hits.len()) {
        let mut shown = hits.clone();
        shown.extend(pool.iter().cloned());
        return Err((
            format!(
                "{} matching action(s), expected {}",
                hits.len(),
                match count {
                    Count::Exactly(k) => format!("exactly {k}"),
                    Count::AtLeast(k) => format!("at least {k}"),
                }
            ),
            shown,
        ));
    }
    if let Check::OnionMessageSent {
        distinct_paths,
        distinct_reply_paths,
        ..
    } = check
    {
        let overs: Vec<&PathId> = hits
            .iter()
            .filter_map(|a| match a {
                Action::OnionMessageSent { over, .. } => Some(over),
                _ => None,
            })
            .collect();
        let replies: Vec<Option<&PathId>> = hits
            .iter()
            .filter_map(|a| match a {
                Action::OnionMessageSent { reply_path, .. } => Some(reply_path.as_ref()),
                _ => None,
            })
            .collect();
        if *distinct_paths && !distinct(&overs) {
            return Err(("messages share a path".into(), hits));
        }
        if *distinct_reply_paths && (replies.iter().any(Option::is_none) || !distinct(&replies)) {
            return Err(("reply paths missing or not unique".into(), hits));
        }
    }
    Ok(())
}

/// Judge a trace against a scenario's expectations.
pub fn judge(scenario: &Scenario, trace: &TraceView) -> Result<(), ScenarioFailure> {
    validate(scenario).map_err(|m| malformed(format!("malformed scenario: {m}")))?;
    let total: usize = trace.trace.iter().map(|e| e.actions.len()).sum();
    if total > MAX_ACTIONS || trace.trace.len() > MAX_STEPS {
        return Err(malformed(format!(
            "trace too large: {total} actions in {} entries",
            trace.trace.len()
        )));
    }
    let mut by_step: Vec<&[Action]> = vec![&[]; scenario.steps.len()];
    let mut last: Option<usize> = None;
    for e in &trace.trace {
        if last.is_some_and(|l| e.step <= l) {
            return Err(malformed(format!(
                "malformed trace: entry for step {} out of order",
                e.step
            )));
        }
        last = Some(e.step);
        match scenario.steps.get(e.step) {
            Some(Step::Event(_)) => by_step[e.step] = &e.actions,
            _ => {
                return Err(malformed(format!(
                    "malformed trace: step {} is not an event step",
                    e.step
                )))
            }
        }
    }

    let mut pool: Vec<Action> = Vec::new();
    let mut ctx = Ctx {
        invreqs_sent: Vec::new(),
    };
    // Active prohibitions: (step of the must_not, until, patterns).
    let mut prohibitions: Vec<(usize, Option<usize>, &ExpectStep)> = Vec::new();

    for (i, step) in scenario.steps.iter().enumerate() {
        match step {
            Step::Event(_) => {
                for a in by_step[i] {
                    for (from, until, exp) in &prohibitions {
                        if until.is_some_and(|u| i >= u) {
                            continue;
                        }
                        let Check::MustNot { actions, .. } = &exp.check else {
                            continue;
                        };
                        if actions.iter().any(|p| matches(p, a, &ctx)) {
                            return Err(ScenarioFailure {
                                step: Some(i),
                                expectation: Some(Box::new((*exp).clone())),
                                level: exp.level,
                                happened: vec![a.clone()],
                                message: format!(
                                    "an action forbidden since step {from} happened in response to step {i}"
                                ),
                            });
                        }
                    }
                    if let Action::OnionMessageSent {
                        message: OnionMessage::InvoiceRequest(r),
                        ..
                    } = a
                    {
                        ctx.invreqs_sent.push(&r.id);
                    }
                }
                pool.extend(by_step[i].iter().cloned());
            }
            Step::Expect(exp) => {
                let fail = |message: String, happened: Vec<Action>| ScenarioFailure {
                    step: Some(i),
                    expectation: Some(Box::new(exp.clone())),
                    level: exp.level,
                    happened,
                    message,
                };
                match &exp.check {
                    Check::Nothing => {
                        if !pool.is_empty() {
                            return Err(fail(
                                format!(
                                    "expected nothing, but {} action(s) are unaccounted for",
                                    pool.len()
                                ),
                                pool.clone(),
                            ));
                        }
                    }
                    Check::AnyOrder(items) => {
                        for item in items {
                            apply_single(item, &mut pool, &ctx)
                                .map_err(|(m, h)| fail(format!("in any_order: {m}"), h))?;
                        }
                    }
                    Check::MustNot { until_step, .. } => {
                        prohibitions.push((i, *until_step, exp));
                    }
                    single => {
                        apply_single(single, &mut pool, &ctx).map_err(|(m, h)| fail(m, h))?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// The one call the harness runner makes for a `scenario.run` test: parse
/// the test's `input` as a [`Scenario`] and the accepted outcome's `view` as
/// a [`TraceView`], then [`judge`]. `Err` is a one-line report beginning
/// with the failed expectation's level (`[MUST]`, `[SHOULD]`, `[CHOICE]`).
pub fn check_scenario_outcome(
    test_input: &serde_json::Value,
    outcome_view: &serde_json::Value,
) -> Result<(), String> {
    judge_values(test_input, outcome_view).map_err(|f| f.to_string())
}

/// As [`check_scenario_outcome`], keeping the structured failure (for
/// grading by [`ScenarioFailure::level`]).
pub fn judge_values(
    test_input: &serde_json::Value,
    outcome_view: &serde_json::Value,
) -> Result<(), ScenarioFailure> {
    let scenario: Scenario = serde_json::from_value(test_input.clone())
        .map_err(|e| malformed(format!("not a scenario: {e}")))?;
    let trace: TraceView = serde_json::from_value(outcome_view.clone())
        .map_err(|e| malformed(format!("the adapter's view is not a trace: {e}")))?;
    judge(&scenario, &trace)
}

/// [`judge_values`], and on failure the [`transcript`] up to the failing
/// step (empty when the input or the view does not parse).
pub fn judge_values_with_transcript(
    test_input: &serde_json::Value,
    outcome_view: &serde_json::Value,
) -> Result<(), (ScenarioFailure, String)> {
    judge_values(test_input, outcome_view).map_err(|f| {
        let parsed = serde_json::from_value::<Scenario>(test_input.clone())
            .ok()
            .zip(serde_json::from_value::<TraceView>(outcome_view.clone()).ok());
        let text = match parsed {
            Some((s, t)) => transcript(&s, &t, f.step),
            None => String::new(),
        };
        (f, text)
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(steps: Vec<Step>) -> Scenario {
        Scenario {
            role_under_test: Role::PayerLsp,
            initial: InitialState {
                block_height: 100,
                time: 0,
                nodes: Nodes::default(),
                offers: vec![],
                static_invoices: vec![],
                recipient_path: None,
            },
            steps,
        }
    }

    fn expect(check: Check) -> Step {
        Step::Expect(ExpectStep {
            check,
            requirements: vec!["x".into()],
            level: Level::Must,
            note: String::new(),
        })
    }

    #[test]
    fn pool_count_nothing_and_must_not() {
        let ev = Step::Event(Event::BlocksMined { count: 1 });
        let s = scenario(vec![
            expect(Check::MustNot {
                actions: vec![Check::HtlcForwarded {
                    htlc: 0,
                    count: Count::default(),
                }],
                until_step: Some(2),
            }),
            ev.clone(),
            ev.clone(),
            expect(Check::HtlcForwarded {
                htlc: 0,
                count: Count::default(),
            }),
            expect(Check::Nothing),
        ]);
        let fwd = Action::HtlcForwarded {
            htlc: 0,
            to: Role::InvoiceServer,
        };
        let ok = TraceView {
            trace: vec![TraceEntry {
                step: 2,
                actions: vec![fwd.clone()],
            }],
            wire: Vec::new(),
        };
        assert!(judge(&s, &ok).is_ok());
        let early = TraceView {
            trace: vec![TraceEntry {
                step: 1,
                actions: vec![fwd.clone()],
            }],
            wire: Vec::new(),
        };
        let f = judge(&s, &early).unwrap_err();
        assert_eq!(f.step, Some(1));
        let twice = TraceView {
            trace: vec![TraceEntry {
                step: 2,
                actions: vec![fwd.clone(), fwd],
            }],
            wire: Vec::new(),
        };
        assert_eq!(judge(&s, &twice).unwrap_err().step, Some(3));
        let bad = TraceView {
            trace: vec![TraceEntry {
                step: 0,
                actions: vec![],
            }],
            wire: Vec::new(),
        };
        assert!(judge(&s, &bad).unwrap_err().step.is_none());
    }

    #[test]
    fn too_many_steps_rejected() {
        let s = scenario(vec![
            Step::Event(Event::BlocksMined { count: 1 });
            MAX_STEPS + 1
        ]);
        assert!(validate(&s).is_err());
    }
}
