//! The network, its message pump, and the observations.
//!
//! LDK sources cited are relative to `lightning-0.2.7/src/`.

use super::{step_err, DriverError};

mod payer_io;
pub(super) mod recipient_io;
pub(super) mod server_io;
pub(super) mod tamper;

use lightning::blinded_path::message::{BlindedMessagePath, MessageContext, NextMessageHop};
use lightning::blinded_path::EmptyNodeIdLookUp;
use lightning::events::{Event, EventsProvider, ReplayEvent};
use lightning::ln::channelmanager::PaymentId;
use lightning::ln::functional_test_utils::{
    connect_block, connect_blocks, create_announced_chan_between_nodes_with_value,
    create_chanmon_cfgs, create_dummy_block, create_network, create_node_cfgs,
    create_node_chanmgrs, create_unannounced_chan_between_nodes_with_value,
    test_default_channel_config, Node,
};
use lightning::ln::msgs::{
    BaseMessageHandler, ChannelMessageHandler, ErrorAction, Init, MessageSendEvent, OnionMessage,
    OnionMessageHandler,
};
use lightning::ln::peer_handler::IgnoringMessageHandler;
use lightning::offers::offer::Offer;
use lightning::offers::static_invoice::StaticInvoice;
use lightning::onion_message::async_payments::{AsyncPaymentsMessage, ReleaseHeldHtlc};
use lightning::onion_message::messenger::{
    create_onion_message, peel_onion_message, Destination, OnionMessagePath, PeeledOnion,
};
use lightning::onion_message::offers::OffersMessage;
use lightning::sign::NodeSigner;
use lightning::util::config::UserConfig;
use lightning::util::ser::Writeable;

use lightning::bitcoin::hashes::{sha256, Hash};
use lightning::bitcoin::secp256k1::{PublicKey, Secp256k1};

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::convert::Infallible;

/// Most pump rounds in one settle; more means the network oscillates.
const MAX_ROUNDS: usize = 500;
/// Passes of HTLC processing after a round that moved nothing (see
/// `AsyncNet::settle`).
const EXTRA_PASSES: usize = 3;

/// The four nodes of the flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeRole {
    /// The often-offline payer (`hold_outbound_htlcs_at_next_hop`).
    Payer,
    /// The payer's LSP, which holds `hold_htlc` HTLCs (`enable_htlc_hold`).
    PayerLsp,
    /// The recipient's LSP, serving the recipient's static invoice.
    InvoiceServer,
    /// The often-offline recipient.
    Recipient,
}

impl NodeRole {
    /// All roles, in node index order.
    pub const ALL: [NodeRole; 4] = [
        NodeRole::Payer,
        NodeRole::PayerLsp,
        NodeRole::InvoiceServer,
        NodeRole::Recipient,
    ];

    fn idx(self) -> usize {
        self as usize
    }

    fn from_idx(i: usize) -> NodeRole {
        NodeRole::ALL[i]
    }
}

/// What happens to `held_htlc_available` messages on their last hop into the recipient.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeldHtlcCapture {
    /// They are kept; the scenario delivers them with
    /// [`AsyncNet::deliver_held_htlc_available_to_recipient`].
    Capture,
    /// They are delivered as soon as the recipient is reachable.
    Deliver,
}

/// What happens to the recipient's `release_held_htlc` messages on their first hop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReleaseCapture {
    /// They are kept; the scenario delivers them with [`AsyncNet::deliver_release`].
    Capture,
    /// They are delivered at once.
    Deliver,
}

/// The configuration of one network.
#[derive(Clone, Debug)]
pub struct NetConfig {
    /// The payer's LSP sets `UserConfig::enable_htlc_hold` (and so advertises
    /// `option_htlc_hold`, LDK bit 153) from the start.
    pub lsp_enable_htlc_hold: bool,
    /// The payer sets `UserConfig::hold_outbound_htlcs_at_next_hop`.
    pub payer_hold_outbound_htlcs: bool,
    /// The recipient builds its blinded message paths (those in the static
    /// invoice) through the invoice server only, as the draft's topology has
    /// it. If false, LDK picks up to 3 of the recipient's announced peers
    /// (here: the invoice server and the payer's LSP).
    pub recipient_paths_via_server_only: bool,
    /// See [`HeldHtlcCapture`].
    pub held_htlc_available: HeldHtlcCapture,
    /// See [`ReleaseCapture`].
    pub release: ReleaseCapture,
    /// The recipient claims a claimable payment at once (with the preimage
    /// LDK hands it: the sender's keysend preimage for a static invoice).
    pub auto_claim: bool,
    /// Capacity of every channel, in satoshis.
    pub channel_value_sat: u64,
    /// Capture LDK's (very chatty) test logger output instead of printing it
    /// (the default, unless the environment sets `ASYNCPAY_LDK_LOG`, for
    /// debugging a driver).
    pub quiet: bool,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            lsp_enable_htlc_hold: true,
            payer_hold_outbound_htlcs: true,
            recipient_paths_via_server_only: true,
            held_htlc_available: HeldHtlcCapture::Capture,
            release: ReleaseCapture::Capture,
            auto_claim: true,
            channel_value_sat: 1_000_000,
            quiet: std::env::var_os("ASYNCPAY_LDK_LOG").is_none(),
        }
    }
}

/// The kind of an onion message, found by peeling it along its whole route.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OmKind {
    /// `held_htlc_available` (LDK type 72).
    HeldHtlcAvailable,
    /// `release_held_htlc` (LDK type 74).
    ReleaseHeldHtlc,
    /// LDK's `offer_paths_request` (75540).
    OfferPathsRequest,
    /// LDK's `offer_paths` (75542).
    OfferPaths,
    /// LDK's `serve_static_invoice` (75544).
    ServeStaticInvoice,
    /// LDK's `static_invoice_persisted` (75546).
    StaticInvoicePersisted,
    /// `invoice_request`.
    InvoiceRequest,
    /// `invoice` (BOLT 12, with a payment hash).
    Invoice,
    /// `static_invoice`.
    StaticInvoice,
    /// `invoice_error`.
    InvoiceError,
    /// Something else LDK decoded.
    Other(String),
    /// The node it reached could not peel it (bad HMAC, unauthenticated
    /// blinded-path context, …): LDK drops it.
    Unreadable,
}

/// One thing that crossed a wire or surfaced as an event, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceEntry {
    /// A scenario event (for reading traces).
    Step(String),
    /// `update_add_htlc` delivered.
    UpdateAdd {
        /// Sender.
        from: NodeRole,
        /// Receiver.
        to: NodeRole,
        /// `id` (the HTLC id on the channel).
        htlc_id: u64,
        /// `payment_hash`.
        payment_hash: [u8; 32],
        /// `amount_msat`.
        amount_msat: u64,
        /// `cltv_expiry`.
        cltv_expiry: u32,
        /// Whether LDK's `hold_htlc` TLV (75537) was set.
        hold_htlc: bool,
        /// The sender's block height when it was delivered.
        height: u32,
    },
    /// `update_fulfill_htlc` delivered.
    UpdateFulfill {
        /// Sender.
        from: NodeRole,
        /// Receiver.
        to: NodeRole,
        /// `payment_preimage`.
        preimage: [u8; 32],
    },
    /// `update_fail_htlc` delivered (the reason is encrypted for the payer).
    UpdateFail {
        /// Sender.
        from: NodeRole,
        /// Receiver.
        to: NodeRole,
        /// `id` of the HTLC failed.
        htlc_id: u64,
    },
    /// `update_fail_malformed_htlc` delivered.
    UpdateFailMalformed {
        /// Sender.
        from: NodeRole,
        /// Receiver.
        to: NodeRole,
        /// `id` of the HTLC failed.
        htlc_id: u64,
        /// `failure_code`.
        failure_code: u16,
    },
    /// `revoke_and_ack` delivered.
    RevokeAndAck {
        /// Sender.
        from: NodeRole,
        /// Receiver.
        to: NodeRole,
        /// Entries in LDK's `release_htlc_message_paths` (TLV 75537): (htlc id, path bytes hex).
        release_paths: Vec<(u64, String)>,
    },
    /// An onion message left `from` for its next hop `to_peer`.
    OnionMessage {
        /// Sender of this hop.
        from: NodeRole,
        /// Next hop.
        to_peer: NodeRole,
        /// What it is, peeled along its route.
        kind: OmKind,
        /// The nodes it visits from `to_peer` on (as far as it can be peeled).
        route: Vec<NodeRole>,
        /// Its reply path, hex of LDK's encoding, if any.
        reply_path: Option<String>,
        /// What the driver did with it.
        fate: OmFate,
    },
    /// A node intercepted an onion message for an offline peer (LDK event).
    OnionMessageIntercepted {
        /// The intercepting node.
        at: NodeRole,
        /// The offline peer.
        for_peer: NodeRole,
    },
    /// `Event::HTLCHandlingFailed`.
    HtlcHandlingFailed {
        /// The node.
        node: NodeRole,
        /// `failure_type`, Debug.
        failure_type: String,
        /// `failure_reason`, Debug (e.g. `Local { reason: TemporaryNodeFailure }`).
        reason: String,
    },
    /// `Event::PaymentPathFailed` at the payer.
    PaymentPathFailed {
        /// The BOLT 4 failure code the payer decrypted.
        error_code: Option<u16>,
        /// `payment_failed_permanently`.
        permanently: bool,
    },
    /// `Event::PaymentFailed` at the payer.
    PaymentFailed {
        /// `reason`, Debug.
        reason: String,
    },
    /// `Event::PaymentSent` at the payer.
    PaymentSent {
        /// The preimage the payer learnt.
        preimage: [u8; 32],
    },
    /// `Event::PaymentClaimable` at the recipient.
    PaymentClaimable {
        /// `payment_hash`.
        payment_hash: [u8; 32],
        /// The preimage LDK hands the recipient.
        preimage: Option<[u8; 32]>,
        /// `amount_msat`.
        amount_msat: u64,
        /// Types of the custom TLVs LDK read in the final payload
        /// (`onion_fields.custom_tlvs`).
        custom_tlvs: Vec<u64>,
    },
    /// `Event::PaymentClaimed` at the recipient.
    PaymentClaimed {
        /// `payment_hash`.
        payment_hash: [u8; 32],
        /// `amount_msat`.
        amount_msat: u64,
    },
    /// `Event::PaymentForwarded`.
    PaymentForwarded {
        /// The forwarding node.
        node: NodeRole,
    },
    /// `Event::ChannelClosed`.
    ChannelClosed {
        /// The node.
        node: NodeRole,
        /// `reason`, Debug.
        reason: String,
    },
    /// A channel message to a disconnected peer, dropped (LDK resends on reestablish).
    Dropped {
        /// Sender.
        from: NodeRole,
        /// Intended receiver.
        to: NodeRole,
        /// Message kind.
        what: String,
    },
    /// Any other event or message worth a line.
    Other {
        /// The node.
        node: NodeRole,
        /// What.
        what: String,
    },
}

/// What the driver did with an onion message hop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OmFate {
    /// Handed to the next hop.
    Delivered,
    /// Kept for the scenario (a `held_htlc_available` into the recipient, a release).
    Captured,
}

/// Everything recorded during a run.
#[derive(Clone, Debug, Default)]
pub struct Observations {
    /// Chronological trace.
    pub trace: Vec<TraceEntry>,
}

/// One channel message as it went over the wire between two nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireMessage {
    /// Sender.
    pub from: NodeRole,
    /// Receiver.
    pub to: NodeRole,
    /// The suite's op that reads it: `update_add_htlc.decode`,
    /// `revoke_and_ack.decode` or `onion_message.peel` (by the receiver).
    pub op: &'static str,
    /// The message type, then the message.
    pub bytes: Vec<u8>,
}

/// A message as it goes on the wire: its type, then LDK's serialisation.
fn wire_form<M: lightning::ln::wire::Type + Writeable>(msg: &M) -> Vec<u8> {
    let mut out = msg.type_id().to_be_bytes().to_vec();
    out.extend(msg.encode());
    out
}

/// The answers most scenarios ask for, computed from [`Observations`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// `hold_htlc` flag of every `update_add_htlc` payer → LSP.
    pub payer_adds_hold_flags: Vec<bool>,
    /// `update_add_htlc` LSP → invoice server (forwards of the payment).
    pub lsp_forwards: usize,
    /// `update_add_htlc` invoice server → recipient.
    pub server_forwards: usize,
    /// `update_fail_htlc` / `update_fail_malformed_htlc` LSP → payer.
    pub lsp_fail_backs: usize,
    /// `HTLCHandlingFailed` reasons at the LSP, Debug.
    pub lsp_handling_failures: Vec<String>,
    /// Failure codes the payer decrypted (`PaymentPathFailed.error_code`).
    pub payer_failure_codes: Vec<Option<u16>>,
    /// `PaymentFailed` reasons at the payer.
    pub payer_payment_failed: Vec<String>,
    /// Number of release paths in each `revoke_and_ack` LSP → payer that had any.
    pub raa_release_path_counts: Vec<usize>,
    /// `held_htlc_available` onion messages the payer sent.
    pub held_htlc_available_sent: usize,
    /// How many distinct reply paths those carried.
    pub held_htlc_available_distinct_reply_paths: usize,
    /// How many distinct routes (node sequences) those took.
    pub held_htlc_available_distinct_routes: usize,
    /// Whether every one of those reply paths' introduction is the LSP
    /// (i.e. it terminates at the receiver of the `update_add_htlc`).
    pub held_htlc_available_reply_paths: Vec<Option<String>>,
    /// `release_held_htlc` onion messages the recipient sent.
    pub releases_sent: usize,
    /// Preimages in `update_fulfill_htlc` recipient → server.
    pub recipient_fulfills: Vec<[u8; 32]>,
    /// `PaymentClaimed` at the recipient.
    pub recipient_claimed: usize,
    /// Preimage the payer learnt (`PaymentSent`).
    pub payer_preimage: Option<[u8; 32]>,
    /// SHA256 of the recipient's claimed preimage equals the hash the payer
    /// locked, and the payer learnt the same preimage.
    pub preimage_consistent: Option<bool>,
    /// `ChannelClosed` events (node, reason).
    pub channel_closures: Vec<(NodeRole, String)>,
}

impl Observations {
    /// Summarises the trace.
    pub fn summary(&self) -> Summary {
        use NodeRole::*;
        let mut s = Summary::default();
        let mut reply_paths = BTreeSet::new();
        let mut routes = BTreeSet::new();
        let mut payer_hash = None;
        let mut claimed_preimage = None;
        for e in &self.trace {
            match e {
                TraceEntry::UpdateAdd {
                    from: Payer,
                    to: PayerLsp,
                    hold_htlc,
                    payment_hash,
                    ..
                } => {
                    s.payer_adds_hold_flags.push(*hold_htlc);
                    payer_hash = Some(*payment_hash);
                }
                TraceEntry::UpdateAdd {
                    from: PayerLsp,
                    to: InvoiceServer,
                    ..
                } => s.lsp_forwards += 1,
                TraceEntry::UpdateAdd {
                    from: InvoiceServer,
                    to: Recipient,
                    ..
                } => s.server_forwards += 1,
                TraceEntry::UpdateFail {
                    from: PayerLsp,
                    to: Payer,
                    ..
                }
                | TraceEntry::UpdateFailMalformed {
                    from: PayerLsp,
                    to: Payer,
                    ..
                } => s.lsp_fail_backs += 1,
                TraceEntry::UpdateFulfill {
                    from: Recipient,
                    preimage,
                    ..
                } => {
                    s.recipient_fulfills.push(*preimage);
                    claimed_preimage = Some(*preimage);
                }
                TraceEntry::HtlcHandlingFailed {
                    node: PayerLsp,
                    reason,
                    ..
                } => s.lsp_handling_failures.push(reason.clone()),
                TraceEntry::PaymentPathFailed { error_code, .. } => {
                    s.payer_failure_codes.push(*error_code)
                }
                TraceEntry::PaymentFailed { reason } => s.payer_payment_failed.push(reason.clone()),
                TraceEntry::RevokeAndAck {
                    from: PayerLsp,
                    to: Payer,
                    release_paths,
                } if !release_paths.is_empty() => {
                    s.raa_release_path_counts.push(release_paths.len())
                }
                TraceEntry::OnionMessage {
                    from: Payer,
                    kind: OmKind::HeldHtlcAvailable,
                    route,
                    reply_path,
                    ..
                } => {
                    s.held_htlc_available_sent += 1;
                    reply_paths.insert(reply_path.clone());
                    routes.insert(route.clone());
                    s.held_htlc_available_reply_paths.push(reply_path.clone());
                }
                TraceEntry::OnionMessage {
                    from: Recipient,
                    kind: OmKind::ReleaseHeldHtlc,
                    ..
                } => s.releases_sent += 1,
                TraceEntry::PaymentClaimed { .. } => s.recipient_claimed += 1,
                TraceEntry::PaymentSent { preimage } => s.payer_preimage = Some(*preimage),
                TraceEntry::ChannelClosed { node, reason } => {
                    s.channel_closures.push((*node, reason.clone()))
                }
                _ => {}
            }
        }
        s.held_htlc_available_distinct_reply_paths = reply_paths.len();
        s.held_htlc_available_distinct_routes = routes.len();
        if let (Some(hash), Some(pre)) = (payer_hash, claimed_preimage) {
            let h = sha256::Hash::hash(&pre).to_byte_array();
            s.preimage_consistent =
                Some(h == hash && (s.payer_preimage.is_none() || s.payer_preimage == Some(pre)));
        }
        s
    }
}

/// A way to forge a `release_held_htlc` (see [`AsyncNet::forge_release`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forgery {
    /// The exact context of a genuine release path (same intercept id, scid
    /// alias and HTLC id), in a blinded path to the LSP that the *recipient*
    /// built, authenticated with the recipient's own receive key: a path the
    /// LSP did not create.
    PathNotCreatedByLsp,
    /// A path the LSP's key authenticates, naming an HTLC the LSP does not
    /// hold (HTLC id + 1000, a different intercept id). Needs the LSP's
    /// receive key, so only a test can build it.
    UnknownHtlc,
    /// A captured genuine release with one byte of its onion flipped.
    Tampered,
}

/// A captured onion message waiting for the scenario.
#[derive(Clone, Debug)]
struct Captured {
    from: usize,
    to: usize,
    om: OnionMessage,
    deliveries: usize,
}

/// The network under a scenario. See the module documentation.
pub struct AsyncNet<'a, 'b> {
    nodes: Vec<Node<'a, 'b, 'b>>,
    ids: Vec<PublicKey>,
    cfg: NetConfig,
    online: [bool; 4],
    cut: BTreeSet<(usize, usize)>,
    connected: BTreeSet<(usize, usize)>,
    /// Onion messages nodes intercepted for offline peers: (holder, peer, message).
    stash: Vec<(usize, usize, OnionMessage)>,
    held_inbox: Vec<Captured>,
    releases: Vec<Captured>,
    store: HashMap<(Vec<u8>, u16), (StaticInvoice, BlindedMessagePath)>,
    offer: Option<Offer>,
    payments: u8,
    sim_time: u32,
    obs: Observations,
    secp: Secp256k1<lightning::bitcoin::secp256k1::All>,
    defer_payer_raa: bool,
    deferred: Vec<MessageSendEvent>,
    claimable: Vec<[u8; 32]>,
    /// State of the payer-role capabilities (module `payer_io`).
    payer_io: payer_io::PayerIo,
    /// While `Some`, every onion message hop the pump hands on, as it was
    /// handed on: (from, to, message) (module `server_io`).
    om_log: Option<Vec<(usize, usize, OnionMessage)>>,
    /// While recording ([`AsyncNet::record_wire`]): every `update_add_htlc`,
    /// `revoke_and_ack` and onion message as delivered, in wire form.
    wire: Option<Vec<WireMessage>>,
}

/// The four roles' configurations, in node index order, as LDK's own
/// async payment tests set them (ln/async_payments_tests.rs,
/// `often_offline_node_cfg`), with `cfg`'s switches.
pub fn role_configs(cfg: &NetConfig) -> [Option<UserConfig>; 4] {
    let mut often_offline = test_default_channel_config();
    often_offline
        .channel_handshake_config
        .announce_for_forwarding = false;
    often_offline
        .channel_handshake_limits
        .force_announced_channel_preference = true;
    let mut payer_cfg = often_offline.clone();
    payer_cfg.hold_outbound_htlcs_at_next_hop = cfg.payer_hold_outbound_htlcs;
    let recipient_cfg = often_offline;
    let mut lsp_cfg = test_default_channel_config();
    lsp_cfg.enable_htlc_hold = cfg.lsp_enable_htlc_hold;
    let mut server_cfg = test_default_channel_config();
    server_cfg.accept_forwards_to_priv_channels = true;
    [
        Some(payer_cfg),
        Some(lsp_cfg),
        Some(server_cfg),
        Some(recipient_cfg),
    ]
}

/// Builds the network, runs the scenario, drains and drops everything.
pub(super) fn build_and_run<R>(
    cfg: &NetConfig,
    scenario: impl FnOnce(&mut AsyncNet<'_, '_>) -> Result<R, DriverError>,
) -> Result<R, DriverError> {
    let configs = role_configs(cfg);
    let chanmon_cfgs = create_chanmon_cfgs(4);
    let node_cfgs = create_node_cfgs(4, &chanmon_cfgs);
    let chanmgrs = create_node_chanmgrs(4, &node_cfgs, &configs);
    let nodes = create_network(4, &node_cfgs, &chanmgrs);
    let mut net = AsyncNet::new(nodes, cfg.clone());
    let res = net.setup().and_then(|()| scenario(&mut net));
    net.drain();
    drop(net);
    res
}

fn hex32(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn short_debug<T: std::fmt::Debug>(t: &T) -> String {
    let s = format!("{t:?}");
    let head: String = s.chars().take(160).collect();
    head
}

impl<'a, 'b> AsyncNet<'a, 'b> {
    fn new(nodes: Vec<Node<'a, 'b, 'b>>, cfg: NetConfig) -> Self {
        let ids = nodes.iter().map(|n| n.node.get_our_node_id()).collect();
        let mut connected = BTreeSet::new();
        for i in 0..4 {
            for j in (i + 1)..4 {
                connected.insert((i, j));
            }
        }
        let sim_time = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as u32)
            .unwrap_or(1_700_000_000);
        AsyncNet {
            nodes,
            ids,
            cfg,
            online: [true; 4],
            cut: BTreeSet::new(),
            connected,
            stash: Vec::new(),
            held_inbox: Vec::new(),
            releases: Vec::new(),
            store: HashMap::new(),
            offer: None,
            payments: 0,
            sim_time,
            obs: Observations::default(),
            secp: Secp256k1::new(),
            defer_payer_raa: false,
            deferred: Vec::new(),
            claimable: Vec::new(),
            payer_io: payer_io::PayerIo::default(),
            om_log: None,
            wire: None,
        }
    }

    // ----- setup -----

    fn setup(&mut self) -> Result<(), DriverError> {
        let v = self.cfg.channel_value_sat;
        create_unannounced_chan_between_nodes_with_value(&self.nodes, 0, 1, v, 0);
        create_announced_chan_between_nodes_with_value(&self.nodes, 1, 2, v, 0);
        create_unannounced_chan_between_nodes_with_value(&self.nodes, 2, 3, v, 0);
        // The helpers mine on the two nodes of each channel only: bring every
        // node to the same height.
        let max = self
            .nodes
            .iter()
            .map(|n| n.best_block_info().1)
            .max()
            .unwrap_or(0);
        for n in &self.nodes {
            let h = n.best_block_info().1;
            if h < max {
                connect_blocks(n, max - h);
            }
        }
        self.clear_monitors();
        // Channel setup leaves bookkeeping events (ChannelReady etc.).
        self.settle()?;

        if self.cfg.recipient_paths_via_server_only {
            let server = self.ids[2];
            self.nodes[3]
                .message_router
                .peers_override
                .lock()
                .unwrap()
                .push(server);
        }

        // The recipient registers with its invoice server, which persists its
        // static invoice (channelmanager.rs `blinded_paths_for_async_recipient`,
        // `set_paths_to_static_invoice_server`; the recipient asks for offer
        // paths on its timer tick).
        let recipient_id = b"asyncpay-recipient".to_vec();
        let paths = self.nodes[2]
            .node
            .blinded_paths_for_async_recipient(recipient_id, None)
            .map_err(|_| DriverError::Step("invoice server: no paths for recipient".into()))?;
        self.nodes[3]
            .node
            .set_paths_to_static_invoice_server(paths)
            .map_err(|_| {
                DriverError::Step("recipient: set_paths_to_static_invoice_server".into())
            })?;
        self.nodes[3].node.timer_tick_occurred();
        self.settle()?;
        let offer = self.nodes[3]
            .node
            .get_async_receive_offer()
            .map_err(|_| DriverError::Step("recipient has no async receive offer".into()))?;
        self.offer = Some(offer);
        self.obs.trace.clear();
        Ok(())
    }

    // ----- the scenario API -----

    /// The node id of `role`.
    pub fn node_id(&self, role: NodeRole) -> PublicKey {
        self.ids[role.idx()]
    }

    /// The recipient's async receive offer (served by the invoice server).
    pub fn offer(&self) -> Option<&Offer> {
        self.offer.as_ref()
    }

    /// The static invoices the invoice server has persisted.
    pub fn served_invoices(&self) -> Vec<StaticInvoice> {
        self.store.values().map(|(i, _)| i.clone()).collect()
    }

    /// The payer pays the recipient's offer (`pay_for_offer`, `amount_msat`):
    /// `invoice_request` → the server answers with the static invoice → the
    /// payer locks in its HTLC with the LSP, and so on, until the network settles.
    pub fn pay_static_invoice(&mut self, amount_msat: u64) -> Result<PaymentId, DriverError> {
        self.note(format!("pay_static_invoice({amount_msat})"));
        let Some(offer) = self.offer.clone() else {
            return step_err("no offer");
        };
        self.payments += 1;
        let id = PaymentId([self.payments; 32]);
        self.nodes[0]
            .node
            .pay_for_offer(&offer, Some(amount_msat), id, Default::default())
            .map_err(|e| DriverError::Step(format!("pay_for_offer: {e:?}")))?;
        self.settle()?;
        Ok(id)
    }

    /// Takes `role` online (reconnects it to every online peer not cut) or offline.
    pub fn set_online(&mut self, role: NodeRole, online: bool) -> Result<(), DriverError> {
        self.note(format!("set_online({role:?}, {online})"));
        self.online[role.idx()] = online;
        self.sync_connections();
        self.settle()
    }

    /// The recipient comes online.
    pub fn recipient_online(&mut self) -> Result<(), DriverError> {
        self.set_online(NodeRole::Recipient, true)
    }

    /// The recipient goes offline.
    pub fn recipient_offline(&mut self) -> Result<(), DriverError> {
        self.set_online(NodeRole::Recipient, false)
    }

    /// Cuts the link between `a` and `b` (both stay online otherwise).
    pub fn disconnect(&mut self, a: NodeRole, b: NodeRole) -> Result<(), DriverError> {
        self.note(format!("disconnect({a:?}, {b:?})"));
        self.cut.insert(pair(a.idx(), b.idx()));
        self.sync_connections();
        self.settle()
    }

    /// Restores the link between `a` and `b`.
    pub fn reconnect(&mut self, a: NodeRole, b: NodeRole) -> Result<(), DriverError> {
        self.note(format!("reconnect({a:?}, {b:?})"));
        self.cut.remove(&pair(a.idx(), b.idx()));
        self.sync_connections();
        self.settle()
    }

    /// Switches the LSP's `enable_htlc_hold` at run time
    /// (`ChannelManager::set_current_config`); peers keep the features they
    /// were told at connection time.
    pub fn set_lsp_enable_htlc_hold(&mut self, on: bool) -> Result<(), DriverError> {
        self.note(format!("set_lsp_enable_htlc_hold({on})"));
        let mut c = self.nodes[1].node.get_current_config();
        c.enable_htlc_hold = on;
        self.nodes[1].node.set_current_config(c);
        self.settle()
    }

    /// `held_htlc_available` messages captured on their way into the recipient.
    pub fn held_htlc_available_captured(&self) -> usize {
        self.held_inbox.len()
    }

    /// Hands the `idx`-th captured `held_htlc_available` to the recipient
    /// (which must be online: it is the last hop that delivers it).
    pub fn deliver_held_htlc_available_to_recipient(
        &mut self,
        idx: usize,
    ) -> Result<(), DriverError> {
        self.note(format!("deliver_held_htlc_available_to_recipient({idx})"));
        let Some(c) = self.held_inbox.get_mut(idx) else {
            return step_err(format!("no captured held_htlc_available #{idx}"));
        };
        if !self.connected.contains(&pair(c.from, c.to)) {
            return step_err("recipient not connected to the last hop");
        }
        c.deliveries += 1;
        let (from, to, om) = (c.from, c.to, c.om.clone());
        self.nodes[to]
            .onion_messenger
            .handle_onion_message(self.ids[from], &om);
        self.settle()
    }

    /// `release_held_htlc` messages captured as the recipient sent them
    /// (plus forged ones, see [`AsyncNet::forge_release`]).
    pub fn releases_captured(&self) -> usize {
        self.releases.len()
    }

    /// Delivers the `idx`-th captured release to its first hop (again, if
    /// already delivered: a duplicate).
    pub fn deliver_release(&mut self, idx: usize) -> Result<(), DriverError> {
        self.note(format!("deliver_release({idx})"));
        let Some(c) = self.releases.get_mut(idx) else {
            return step_err(format!("no captured release #{idx}"));
        };
        if !self.connected.contains(&pair(c.from, c.to)) {
            return step_err("release's first hop is not connected to its sender");
        }
        c.deliveries += 1;
        let (from, to, om) = (c.from, c.to, c.om.clone());
        self.nodes[to]
            .onion_messenger
            .handle_onion_message(self.ids[from], &om);
        self.settle()
    }

    /// Builds a forged `release_held_htlc` (see [`Forgery`]) from the
    /// recipient to the LSP, captures it and returns its index for
    /// [`AsyncNet::deliver_release`]. Needs one genuine captured release to
    /// copy the context from.
    pub fn forge_release(&mut self, how: Forgery) -> Result<usize, DriverError> {
        self.forge_release_claiming(how, None)
    }

    /// [`AsyncNet::forge_release`], with [`Forgery::PathNotCreatedByLsp`]'s
    /// context naming HTLC `claims_htlc` instead of the genuine one (with a
    /// different intercept id if it differs).
    pub fn forge_release_claiming(
        &mut self,
        how: Forgery,
        claims_htlc: Option<u64>,
    ) -> Result<usize, DriverError> {
        self.note(format!("forge_release({how:?}, claims {claims_htlc:?})"));
        let Some(genuine) = self.releases.first().cloned() else {
            return step_err("forging needs a genuine captured release");
        };
        let lsp = &self.nodes[1];
        // The genuine context, as the LSP reads it.
        let ctx = match self.peel_to_end(genuine.to, &genuine.om).final_peel {
            Some(PeeledOnion::AsyncPayments(_, ctx, _)) => ctx,
            _ => return step_err("captured release does not peel at the LSP"),
        };
        let om = match how {
            Forgery::Tampered => {
                let mut om = genuine.om.clone();
                let data = &mut om.onion_routing_packet.hop_data;
                if data.is_empty() {
                    return step_err("empty onion");
                }
                let mid = data.len() / 2;
                data[mid] ^= 0x01;
                om
            }
            Forgery::PathNotCreatedByLsp | Forgery::UnknownHtlc => {
                use lightning::blinded_path::message::AsyncPaymentsContext;
                let recipient = &self.nodes[3];
                let secp = Secp256k1::new();
                let (context, key) = match (how, ctx) {
                    (Forgery::PathNotCreatedByLsp, c) => {
                        let c = match (c, claims_htlc) {
                            (
                                AsyncPaymentsContext::ReleaseHeldHtlc {
                                    intercept_id,
                                    prev_outbound_scid_alias,
                                    htlc_id,
                                },
                                Some(h),
                            ) if h != htlc_id => {
                                let mut id = intercept_id;
                                id.0[0] ^= 0xff;
                                AsyncPaymentsContext::ReleaseHeldHtlc {
                                    intercept_id: id,
                                    prev_outbound_scid_alias,
                                    htlc_id: h,
                                }
                            }
                            (c, _) => c,
                        };
                        (c, recipient.keys_manager.get_receive_auth_key())
                    }
                    (
                        _,
                        AsyncPaymentsContext::ReleaseHeldHtlc {
                            intercept_id,
                            prev_outbound_scid_alias,
                            htlc_id,
                        },
                    ) => {
                        let mut id = intercept_id;
                        id.0[0] ^= 0xff;
                        (
                            AsyncPaymentsContext::ReleaseHeldHtlc {
                                intercept_id: id,
                                prev_outbound_scid_alias,
                                htlc_id: htlc_id + 1000,
                            },
                            lsp.keys_manager.get_receive_auth_key(),
                        )
                    }
                    (_, other) => return step_err(format!("unexpected context {other:?}")),
                };
                let path = crate::release::message_path(
                    &[],
                    self.ids[1],
                    0,
                    key,
                    MessageContext::AsyncPayments(context),
                    recipient.keys_manager,
                    &secp,
                );
                let om_path = OnionMessagePath {
                    intermediate_nodes: vec![],
                    destination: Destination::BlindedPath(path),
                    first_node_addresses: vec![],
                };
                let (_first, om, _) = create_onion_message(
                    &recipient.keys_manager,
                    &recipient.keys_manager,
                    &&EmptyNodeIdLookUp {},
                    &secp,
                    om_path,
                    AsyncPaymentsMessage::ReleaseHeldHtlc(ReleaseHeldHtlc {}),
                    None,
                )
                .map_err(|e| DriverError::Step(format!("create_onion_message: {e:?}")))?;
                om
            }
        };
        // How the LSP reads it (dry run): `Unreadable` means LDK drops it.
        let kind = self.peel_to_end(1, &om).kind();
        self.obs.trace.push(TraceEntry::Other {
            node: NodeRole::PayerLsp,
            what: format!("forged release ({how:?}) reads as {kind:?}"),
        });
        self.releases.push(Captured {
            from: 3,
            to: 1,
            om,
            deliveries: 0,
        });
        Ok(self.releases.len() - 1)
    }

    /// Whether `role` is online.
    pub fn is_online(&self, role: NodeRole) -> bool {
        self.online[role.idx()]
    }

    /// Mines `n` empty blocks on every node, one at a time, settling after each.
    pub fn mine_blocks(&mut self, n: u32) -> Result<(), DriverError> {
        self.note(format!("mine_blocks({n})"));
        for _ in 0..n {
            for node in &self.nodes {
                connect_blocks(node, 1);
            }
            self.settle()?;
        }
        Ok(())
    }

    /// Advances simulated time by `secs`: mines one block on every node whose
    /// timestamp is that much later, then fires every node's timer tick.
    /// Decisions LDK (with `std`) takes on the wall clock do not move.
    pub fn advance_time(&mut self, secs: u32) -> Result<(), DriverError> {
        self.note(format!("advance_time({secs})"));
        self.sim_time = self.sim_time.saturating_add(secs);
        for node in &self.nodes {
            let block = create_dummy_block(node.best_block_hash(), self.sim_time, Vec::new());
            connect_block(node, &block);
        }
        for node in &self.nodes {
            node.node.timer_tick_occurred();
        }
        self.settle()
    }

    /// Fires every node's timer tick (`timer_tick_occurred`) without moving time.
    pub fn timer_tick(&mut self) -> Result<(), DriverError> {
        self.note("timer_tick".to_string());
        for node in &self.nodes {
            node.node.timer_tick_occurred();
        }
        self.settle()
    }

    /// The block height of `role`.
    pub fn height(&self, role: NodeRole) -> u32 {
        self.nodes[role.idx()].best_block_info().1
    }

    /// The HTLCs the LSP has on its channel with the payer: (cltv_expiry, amount).
    pub fn lsp_inbound_htlcs(&self) -> Vec<(u32, u64)> {
        let payer = self.ids[0];
        self.nodes[1]
            .node
            .list_channels()
            .into_iter()
            .filter(|c| c.counterparty.node_id == payer)
            .flat_map(|c| c.pending_inbound_htlcs.into_iter())
            .map(|h| (h.cltv_expiry, h.amount_msat))
            .collect()
    }

    /// The HTLCs the LSP has on its channel with the invoice server: (cltv_expiry, amount).
    pub fn lsp_outbound_htlcs(&self) -> Vec<(u32, u64)> {
        let server = self.ids[2];
        self.nodes[1]
            .node
            .list_channels()
            .into_iter()
            .filter(|c| c.counterparty.node_id == server)
            .flat_map(|c| c.pending_outbound_htlcs.into_iter())
            .map(|h| (h.cltv_expiry, h.amount_msat))
            .collect()
    }

    /// Number of open channels `role` has.
    pub fn channel_count(&self, role: NodeRole) -> usize {
        self.nodes[role.idx()].node.list_channels().len()
    }

    /// Everything recorded so far.
    pub fn observations(&self) -> &Observations {
        &self.obs
    }

    /// [`Observations::summary`] of everything recorded so far.
    pub fn summary(&self) -> Summary {
        self.obs.summary()
    }

    /// While on, the payer's `revoke_and_ack`s to the LSP are held back (the
    /// LSP's HTLC is then not yet irrevocably committed) until
    /// [`AsyncNet::release_deferred_payer_raa`].
    pub fn set_defer_payer_raa(&mut self, on: bool) {
        self.note(format!("set_defer_payer_raa({on})"));
        self.defer_payer_raa = on;
    }

    /// Number of payer `revoke_and_ack`s held back.
    pub fn deferred_payer_raas(&self) -> usize {
        self.deferred.len()
    }

    /// Delivers the held-back payer `revoke_and_ack`s (and stops deferring).
    pub fn release_deferred_payer_raa(&mut self) -> Result<(), DriverError> {
        self.note("release_deferred_payer_raa".to_string());
        self.defer_payer_raa = false;
        for ev in std::mem::take(&mut self.deferred) {
            self.deliver_msg_event(0, ev);
        }
        self.settle()
    }

    /// Switches the payer's `hold_outbound_htlcs_at_next_hop` at run time.
    pub fn set_payer_hold_outbound(&mut self, on: bool) -> Result<(), DriverError> {
        self.note(format!("set_payer_hold_outbound({on})"));
        let mut c = self.nodes[0].node.get_current_config();
        c.hold_outbound_htlcs_at_next_hop = on;
        self.nodes[0].node.set_current_config(c);
        self.settle()
    }

    /// Whether the recipient claims claimable payments at once.
    pub fn set_auto_claim(&mut self, on: bool) {
        self.cfg.auto_claim = on;
    }

    /// The recipient fails back every payment it has not claimed
    /// (`fail_htlc_backwards`): the next hop of the LSP then fails the
    /// forwarded HTLC (relaying the recipient's failure).
    pub fn recipient_fails_unclaimed(&mut self) -> Result<(), DriverError> {
        self.note("recipient_fails_unclaimed".to_string());
        for h in std::mem::take(&mut self.claimable) {
            self.nodes[3]
                .node
                .fail_htlc_backwards(&lightning::types::payment::PaymentHash(h));
        }
        self.settle()
    }

    /// The payer sends an ordinary (non-held) keysend payment of
    /// `amount_msat` to the invoice server, through the LSP.
    pub fn pay_keysend_to_server(&mut self, amount_msat: u64) -> Result<PaymentId, DriverError> {
        use crate::release::{self, Retry};
        use lightning::routing::router::{PaymentParameters, RouteParameters};
        self.note(format!("pay_keysend_to_server({amount_msat})"));
        self.payments += 1;
        let id = PaymentId([self.payments; 32]);
        let params = PaymentParameters::for_keysend(self.ids[2], 40, false);
        let route = RouteParameters::from_payment_params_and_value(params, amount_msat);
        self.nodes[0]
            .node
            .send_spontaneous_payment(
                None,
                release::spontaneous_fields(amount_msat, Vec::new()).expect("no custom TLVs"),
                id,
                route,
                Retry::Attempts(0),
            )
            .map_err(|e| DriverError::Step(format!("send_spontaneous_payment: {e:?}")))?;
        self.settle()?;
        Ok(id)
    }

    /// The reply path (hex) of each captured `held_htlc_available`, as the
    /// recipient reads it.
    pub fn held_htlc_available_reply_paths(&self) -> Vec<Option<String>> {
        self.held_inbox
            .iter()
            .map(|c| self.peel_to_end(c.to, &c.om).reply_path_hex())
            .collect()
    }

    /// Whether the `idx`-th captured release has been delivered at least once.
    pub fn release_delivered(&self, idx: usize) -> bool {
        self.releases.get(idx).is_some_and(|c| c.deliveries > 0)
    }

    /// The HTLC id named by the context of the `idx`-th captured release, as
    /// the LSP reads it (`None` if the LSP cannot read it).
    pub fn release_htlc_id(&self, idx: usize) -> Option<u64> {
        use lightning::blinded_path::message::AsyncPaymentsContext;
        let c = self.releases.get(idx)?;
        match self.peel_to_end(c.to, &c.om).final_peel {
            Some(PeeledOnion::AsyncPayments(
                _,
                AsyncPaymentsContext::ReleaseHeldHtlc { htlc_id, .. },
                _,
            )) => Some(htlc_id),
            _ => None,
        }
    }

    // ----- the pump -----

    fn note(&mut self, s: String) {
        self.obs.trace.push(TraceEntry::Step(s));
    }

    fn idx_of(&self, id: &PublicKey) -> Option<usize> {
        self.ids.iter().position(|x| x == id)
    }

    fn want_connected(&self, i: usize, j: usize) -> bool {
        self.online[i] && self.online[j] && !self.cut.contains(&pair(i, j))
    }

    fn sync_connections(&mut self) {
        for i in 0..4 {
            for j in (i + 1)..4 {
                let want = self.want_connected(i, j);
                let have = self.connected.contains(&(i, j));
                if have && !want {
                    let (a, b) = (&self.nodes[i], &self.nodes[j]);
                    a.node.peer_disconnected(self.ids[j]);
                    a.onion_messenger.peer_disconnected(self.ids[j]);
                    b.node.peer_disconnected(self.ids[i]);
                    b.onion_messenger.peer_disconnected(self.ids[i]);
                    self.connected.remove(&(i, j));
                } else if want && !have {
                    let (a, b) = (&self.nodes[i], &self.nodes[j]);
                    let init_a = Init {
                        features: a.init_features(self.ids[j]),
                        networks: None,
                        remote_network_address: None,
                    };
                    let init_b = Init {
                        features: b.init_features(self.ids[i]),
                        networks: None,
                        remote_network_address: None,
                    };
                    let _ = a.node.peer_connected(self.ids[j], &init_b, true);
                    let _ = b.node.peer_connected(self.ids[i], &init_a, false);
                    let _ = a.onion_messenger.peer_connected(self.ids[j], &init_b, true);
                    let _ = b
                        .onion_messenger
                        .peer_connected(self.ids[i], &init_a, false);
                    self.connected.insert((i, j));
                }
            }
        }
    }

    fn clear_monitors(&self) {
        for n in &self.nodes {
            n.chain_monitor.added_monitors.lock().unwrap().clear();
        }
    }

    /// Delivers and handles everything until nothing moves.
    fn settle(&mut self) -> Result<(), DriverError> {
        for _ in 0..MAX_ROUNDS {
            let mut progress = false;
            for n in &self.nodes {
                n.node.process_pending_htlc_forwards();
            }
            progress |= self.pump_channel_messages();
            progress |= self.pump_onion_messages();
            progress |= self.pump_events();
            progress |= self.pump_messenger_events();
            self.clear_monitors();
            if !progress {
                // A completed monitor update can resume a channel while its
                // messages are collected, queueing HTLCs for the next
                // `process_pending_htlc_forwards` (0.3 does so,
                // ln/channelmanager.rs:11249 in 0.3.0-rc3): one more pass
                // over the nodes, and the network has settled only if it
                // moves nothing (a few passes: a pass can queue more).
                for _ in 0..EXTRA_PASSES {
                    for n in &self.nodes {
                        n.node.process_pending_htlc_forwards();
                    }
                    progress |= self.pump_channel_messages();
                    progress |= self.pump_events();
                    if progress {
                        break;
                    }
                }
                if !progress {
                    return Ok(());
                }
            }
        }
        step_err(format!("the network did not settle in {MAX_ROUNDS} rounds"))
    }

    /// From now on, keep every `update_add_htlc`, `revoke_and_ack` and
    /// onion message delivered, in wire form (see [`AsyncNet::recorded_wire`]).
    pub fn record_wire(&mut self) {
        self.wire.get_or_insert_with(Vec::new);
    }

    /// What was kept since [`AsyncNet::record_wire`], in delivery order.
    pub fn recorded_wire(&self) -> &[WireMessage] {
        self.wire.as_deref().unwrap_or_default()
    }

    /// Keeps `msg`, sent `from` → `to`, if recording.
    fn record<M: lightning::ln::wire::Type + Writeable>(
        &mut self,
        from: NodeRole,
        to: NodeRole,
        op: &'static str,
        msg: &M,
    ) {
        if let Some(w) = &mut self.wire {
            w.push(WireMessage {
                from,
                to,
                op,
                bytes: wire_form(msg),
            });
        }
    }

    /// Node `i` intercepted `message` for an offline peer: traced, and kept
    /// until the peer connects.
    fn keep_intercepted(&mut self, i: usize, peer: &PublicKey, message: OnionMessage) {
        if let Some(p) = self.idx_of(peer) {
            self.obs.trace.push(TraceEntry::OnionMessageIntercepted {
                at: NodeRole::from_idx(i),
                for_peer: NodeRole::from_idx(p),
            });
            self.stash.push((i, p, message));
        }
    }

    fn pump_channel_messages(&mut self) -> bool {
        let mut progress = false;
        for i in 0..4 {
            let evs = self.nodes[i].node.get_and_clear_pending_msg_events();
            for ev in evs {
                progress = true;
                self.deliver_msg_event(i, ev);
            }
        }
        progress
    }

    fn deliver_msg_event(&mut self, i: usize, ev: MessageSendEvent) {
        let from = NodeRole::from_idx(i);
        let src = self.ids[i];
        let target = match &ev {
            MessageSendEvent::UpdateHTLCs { node_id, .. }
            | MessageSendEvent::SendRevokeAndACK { node_id, .. }
            | MessageSendEvent::SendChannelReestablish { node_id, .. }
            | MessageSendEvent::SendChannelReady { node_id, .. }
            | MessageSendEvent::SendAnnouncementSignatures { node_id, .. }
            | MessageSendEvent::SendChannelUpdate { node_id, .. }
            | MessageSendEvent::SendShutdown { node_id, .. }
            | MessageSendEvent::SendClosingSigned { node_id, .. }
            | MessageSendEvent::SendStfu { node_id, .. }
            | MessageSendEvent::HandleError { node_id, .. } => self.idx_of(node_id),
            // Gossip broadcasts and everything else: not needed by the flow.
            _ => None,
        };
        let Some(j) = target else {
            return;
        };
        let to = NodeRole::from_idx(j);
        if !self.connected.contains(&pair(i, j)) {
            self.obs.trace.push(TraceEntry::Dropped {
                from,
                to,
                what: variant_name(&ev),
            });
            return;
        }
        let Some(ev) = self.payer_io_hold_channel_message(i, j, ev) else {
            return;
        };
        if self.defer_payer_raa
            && i == 0
            && j == 1
            && matches!(ev, MessageSendEvent::SendRevokeAndACK { .. })
        {
            self.deferred.push(ev);
            return;
        }
        let dst = self.nodes[j].node;
        match ev {
            MessageSendEvent::UpdateHTLCs { updates, .. } => {
                let height = self.nodes[i].best_block_info().1;
                for add in &updates.update_add_htlcs {
                    self.obs.trace.push(TraceEntry::UpdateAdd {
                        from,
                        to,
                        htlc_id: add.htlc_id,
                        payment_hash: add.payment_hash.0,
                        amount_msat: add.amount_msat,
                        cltv_expiry: add.cltv_expiry,
                        hold_htlc: add.hold_htlc.is_some(),
                        height,
                    });
                    self.payer_io_saw_update_add(i, j, add);
                    self.record(from, to, "update_add_htlc.decode", add);
                    dst.handle_update_add_htlc(src, add);
                }
                for f in &updates.update_fulfill_htlcs {
                    self.obs.trace.push(TraceEntry::UpdateFulfill {
                        from,
                        to,
                        preimage: f.payment_preimage.0,
                    });
                    dst.handle_update_fulfill_htlc(src, f.clone());
                }
                for f in &updates.update_fail_htlcs {
                    self.obs.trace.push(TraceEntry::UpdateFail {
                        from,
                        to,
                        htlc_id: f.htlc_id,
                    });
                    dst.handle_update_fail_htlc(src, f);
                }
                for f in &updates.update_fail_malformed_htlcs {
                    self.obs.trace.push(TraceEntry::UpdateFailMalformed {
                        from,
                        to,
                        htlc_id: f.htlc_id,
                        failure_code: f.failure_code,
                    });
                    dst.handle_update_fail_malformed_htlc(src, f);
                }
                if let Some(fee) = &updates.update_fee {
                    dst.handle_update_fee(src, fee);
                }
                if !updates.commitment_signed.is_empty() {
                    dst.handle_commitment_signed_batch_test(src, &updates.commitment_signed);
                }
            }
            MessageSendEvent::SendRevokeAndACK { msg, .. } => {
                let msg = self.payer_io_edit_raa(i, j, msg);
                let release_paths = msg
                    .release_htlc_message_paths
                    .iter()
                    .map(|(id, p)| (*id, hex32(&p.encode())))
                    .collect();
                self.obs.trace.push(TraceEntry::RevokeAndAck {
                    from,
                    to,
                    release_paths,
                });
                self.record(from, to, "revoke_and_ack.decode", &msg);
                dst.handle_revoke_and_ack(src, &msg);
            }
            MessageSendEvent::SendChannelReestablish { msg, .. } => {
                dst.handle_channel_reestablish(src, &msg)
            }
            MessageSendEvent::SendChannelReady { msg, .. } => dst.handle_channel_ready(src, &msg),
            MessageSendEvent::SendAnnouncementSignatures { msg, .. } => {
                dst.handle_announcement_signatures(src, &msg)
            }
            MessageSendEvent::SendChannelUpdate { msg, .. } => {
                ChannelMessageHandler::handle_channel_update(dst, src, &msg)
            }
            MessageSendEvent::SendShutdown { msg, .. } => {
                self.obs.trace.push(TraceEntry::Other {
                    node: from,
                    what: "shutdown".into(),
                });
                dst.handle_shutdown(src, &msg)
            }
            MessageSendEvent::SendClosingSigned { msg, .. } => dst.handle_closing_signed(src, &msg),
            MessageSendEvent::SendStfu { msg, .. } => dst.handle_stfu(src, &msg),
            MessageSendEvent::HandleError { action, .. } => {
                self.obs.trace.push(TraceEntry::Other {
                    node: from,
                    what: format!("error {}", short_debug(&action)),
                });
                match action {
                    ErrorAction::SendErrorMessage { msg }
                    | ErrorAction::DisconnectPeer { msg: Some(msg) } => dst.handle_error(src, &msg),
                    _ => {}
                }
            }
            _ => {}
        }
    }

    fn pump_onion_messages(&mut self) -> bool {
        let mut progress = false;
        for i in 0..4 {
            for j in 0..4 {
                if i == j || !self.connected.contains(&pair(i, j)) {
                    continue;
                }
                while let Some(om) = self.nodes[i]
                    .onion_messenger
                    .next_onion_message_for_peer(self.ids[j])
                {
                    progress = true;
                    if let Some(log) = &mut self.om_log {
                        log.push((i, j, om.clone()));
                    }
                    self.record(
                        NodeRole::from_idx(i),
                        NodeRole::from_idx(j),
                        "onion_message.peel",
                        &om,
                    );
                    self.route_onion_message(i, j, om);
                }
            }
        }
        progress
    }

    fn route_onion_message(&mut self, i: usize, j: usize, om: OnionMessage) {
        let peeled = self.peel_to_end(j, &om);
        let payer_capture = self.payer_io_saw_onion_message(i, j, &peeled);
        let kind = peeled.kind();
        let reply_path = peeled.reply_path_hex();
        let capture = match kind {
            OmKind::HeldHtlcAvailable => {
                j == 3 && self.cfg.held_htlc_available == HeldHtlcCapture::Capture
            }
            OmKind::ReleaseHeldHtlc => i == 3 && self.cfg.release == ReleaseCapture::Capture,
            _ => false,
        } || payer_capture;
        self.obs.trace.push(TraceEntry::OnionMessage {
            from: NodeRole::from_idx(i),
            to_peer: NodeRole::from_idx(j),
            kind: kind.clone(),
            route: peeled
                .route
                .iter()
                .map(|&k| NodeRole::from_idx(k))
                .collect(),
            reply_path,
            fate: if capture {
                OmFate::Captured
            } else {
                OmFate::Delivered
            },
        });
        if capture {
            let c = Captured {
                from: i,
                to: j,
                om,
                deliveries: 0,
            };
            if payer_capture {
                self.payer_io_keep(c, kind);
            } else if kind == OmKind::HeldHtlcAvailable {
                self.held_inbox.push(c);
            } else {
                self.releases.push(c);
            }
            return;
        }
        self.nodes[j]
            .onion_messenger
            .handle_onion_message(self.ids[i], &om);
    }

    /// Peels `om` at node `at`, then at each next hop, without delivering anything.
    fn peel_to_end(&self, at: usize, om: &OnionMessage) -> Peeled {
        let mut route = vec![at];
        let mut cur = (at, om.clone());
        for _ in 0..16 {
            let (k, msg) = cur;
            let node = &self.nodes[k];
            let peeled = peel_onion_message(
                &msg,
                &self.secp,
                node.keys_manager,
                node.logger,
                &IgnoringMessageHandler {},
            );
            match peeled {
                Ok(PeeledOnion::Forward(next, next_om)) => {
                    let Some(n) = self.next_hop_idx(k, &next) else {
                        return Peeled {
                            route,
                            final_peel: None,
                            unreadable: false,
                        };
                    };
                    route.push(n);
                    cur = (n, next_om);
                }
                Ok(p) => {
                    return Peeled {
                        route,
                        final_peel: Some(p),
                        unreadable: false,
                    }
                }
                Err(()) => {
                    return Peeled {
                        route,
                        final_peel: None,
                        unreadable: true,
                    }
                }
            }
        }
        Peeled {
            route,
            final_peel: None,
            unreadable: false,
        }
    }

    fn next_hop_idx(&self, k: usize, hop: &NextMessageHop) -> Option<usize> {
        match hop {
            NextMessageHop::NodeId(pk) => self.idx_of(pk),
            NextMessageHop::ShortChannelId(scid) => self.nodes[k]
                .node
                .list_channels()
                .into_iter()
                .find_map(|c| {
                    let matches = c.short_channel_id == Some(*scid)
                        || c.inbound_scid_alias == Some(*scid)
                        || c.outbound_scid_alias == Some(*scid);
                    if matches {
                        self.idx_of(&c.counterparty.node_id)
                    } else {
                        None
                    }
                }),
        }
    }

    fn pump_events(&mut self) -> bool {
        let mut progress = false;
        for i in 0..4 {
            let evs = self.nodes[i].node.get_and_clear_pending_events();
            for ev in evs {
                progress = true;
                self.handle_event(i, ev);
            }
        }
        progress
    }

    fn handle_event(&mut self, i: usize, ev: Event) {
        let node = NodeRole::from_idx(i);
        let entry = match ev {
            Event::HTLCHandlingFailed {
                failure_type,
                failure_reason,
                ..
            } => TraceEntry::HtlcHandlingFailed {
                node,
                failure_type: short_debug(&failure_type),
                reason: short_debug(&failure_reason),
            },
            Event::PaymentPathFailed {
                error_code,
                payment_failed_permanently,
                ..
            } => TraceEntry::PaymentPathFailed {
                error_code,
                permanently: payment_failed_permanently,
            },
            Event::PaymentFailed { reason, .. } => TraceEntry::PaymentFailed {
                reason: short_debug(&reason),
            },
            Event::PaymentSent {
                payment_preimage, ..
            } => TraceEntry::PaymentSent {
                preimage: payment_preimage.0,
            },
            Event::PaymentClaimable {
                payment_hash,
                amount_msat,
                purpose,
                onion_fields,
                ..
            } => {
                self.claimable.push(payment_hash.0);
                let preimage = purpose.preimage();
                if self.cfg.auto_claim {
                    if let Some(p) = preimage {
                        self.nodes[i].node.claim_funds(p);
                    }
                }
                TraceEntry::PaymentClaimable {
                    payment_hash: payment_hash.0,
                    preimage: preimage.map(|p| p.0),
                    amount_msat,
                    custom_tlvs: onion_fields
                        .iter()
                        .flat_map(|f| f.custom_tlvs().iter().map(|(t, _)| *t))
                        .collect(),
                }
            }
            Event::PaymentClaimed {
                payment_hash,
                amount_msat,
                ..
            } => TraceEntry::PaymentClaimed {
                payment_hash: payment_hash.0,
                amount_msat,
            },
            Event::PaymentForwarded { .. } => TraceEntry::PaymentForwarded { node },
            Event::ChannelClosed { reason, .. } => TraceEntry::ChannelClosed {
                node,
                reason: short_debug(&reason),
            },
            Event::PersistStaticInvoice {
                invoice,
                invoice_request_path,
                invoice_slot,
                recipient_id,
                invoice_persisted_path,
            } => {
                self.store.insert(
                    (recipient_id, invoice_slot),
                    (invoice, invoice_request_path),
                );
                self.nodes[i]
                    .node
                    .static_invoice_persisted(invoice_persisted_path);
                TraceEntry::Other {
                    node,
                    what: "PersistStaticInvoice".into(),
                }
            }
            Event::StaticInvoiceRequested {
                recipient_id,
                invoice_slot,
                reply_path,
                invoice_request,
            } => match self.store.get(&(recipient_id, invoice_slot)).cloned() {
                Some((inv, path)) => {
                    let r = self.nodes[i].node.respond_to_static_invoice_request(
                        inv.clone(),
                        reply_path.clone(),
                        invoice_request,
                        path,
                    );
                    let what = match r {
                        Err(e) => self
                            .payer_io_answer_refused(i, &inv, reply_path, &format!("{e:?}"))
                            .unwrap_or_else(|| "StaticInvoiceRequested, answered: false".into()),
                        Ok(()) => "StaticInvoiceRequested, answered: true".into(),
                    };
                    TraceEntry::Other { node, what }
                }
                None => TraceEntry::Other {
                    node,
                    what: "StaticInvoiceRequested for an unknown recipient".into(),
                },
            },
            Event::PaymentPathSuccessful { .. }
            | Event::ChannelReady { .. }
            | Event::ChannelPending { .. } => return,
            other => TraceEntry::Other {
                node,
                what: short_debug(&other),
            },
        };
        self.obs.trace.push(entry);
    }

    fn pump_messenger_events(&mut self) -> bool {
        let mut progress = false;
        for i in 0..4 {
            let got: RefCell<Vec<Event>> = RefCell::new(Vec::new());
            let handler = |e: Event| -> Result<(), ReplayEvent> {
                got.borrow_mut().push(e);
                Ok(())
            };
            self.nodes[i]
                .onion_messenger
                .process_pending_events(&handler);
            for ev in got.into_inner() {
                progress = true;
                match ev {
                    // 0.3 names the next hop as a node id or a short
                    // channel id (events/mod.rs:1991-2008 in 0.3.0-rc3);
                    // the suite's networks forward to node ids only.
                    #[cfg(not(ldk_0_3))]
                    Event::OnionMessageIntercepted {
                        peer_node_id,
                        message,
                    } => self.keep_intercepted(i, &peer_node_id, message),
                    #[cfg(ldk_0_3)]
                    Event::OnionMessageIntercepted {
                        next_hop: NextMessageHop::NodeId(peer_node_id),
                        message,
                        ..
                    } => self.keep_intercepted(i, &peer_node_id, message),
                    Event::OnionMessagePeerConnected { peer_node_id } => {
                        // The holder forwards what it kept for the peer (what an
                        // LDK user does on this event).
                        let Some(p) = self.idx_of(&peer_node_id) else {
                            continue;
                        };
                        let (mine, rest): (Vec<_>, Vec<_>) = self
                            .stash
                            .drain(..)
                            .partition(|(h, q, _)| *h == i && *q == p);
                        self.stash = rest;
                        for (_, _, m) in mine {
                            let _ = self.nodes[i]
                                .onion_messenger
                                .forward_onion_message(m, &peer_node_id);
                        }
                    }
                    Event::ConnectionNeeded { node_id, .. } => {
                        self.obs.trace.push(TraceEntry::Other {
                            node: NodeRole::from_idx(i),
                            what: format!(
                                "ConnectionNeeded({:?})",
                                self.idx_of(&node_id).map(NodeRole::from_idx)
                            ),
                        });
                    }
                    other => self.obs.trace.push(TraceEntry::Other {
                        node: NodeRole::from_idx(i),
                        what: short_debug(&other),
                    }),
                }
            }
        }
        progress
    }

    /// Drains everything so the test nodes do not panic on drop.
    fn drain(&mut self) {
        for n in &self.nodes {
            let _ = n.node.get_and_clear_pending_msg_events();
            let _ = n.node.get_and_clear_pending_events();
            let sink = |_e: Event| -> Result<(), ReplayEvent> { Ok(()) };
            n.onion_messenger.process_pending_events(&sink);
        }
        self.clear_monitors();
    }
}

/// An onion message peeled along its route.
struct Peeled {
    route: Vec<usize>,
    final_peel: Option<PeeledOnion<Infallible>>,
    unreadable: bool,
}

impl Peeled {
    fn kind(&self) -> OmKind {
        match &self.final_peel {
            None if self.unreadable => OmKind::Unreadable,
            None => OmKind::Other("unroutable".into()),
            Some(PeeledOnion::AsyncPayments(m, _, _)) => match m {
                AsyncPaymentsMessage::HeldHtlcAvailable(_) => OmKind::HeldHtlcAvailable,
                AsyncPaymentsMessage::ReleaseHeldHtlc(_) => OmKind::ReleaseHeldHtlc,
                AsyncPaymentsMessage::OfferPathsRequest(_) => OmKind::OfferPathsRequest,
                AsyncPaymentsMessage::OfferPaths(_) => OmKind::OfferPaths,
                AsyncPaymentsMessage::ServeStaticInvoice(_) => OmKind::ServeStaticInvoice,
                AsyncPaymentsMessage::StaticInvoicePersisted(_) => OmKind::StaticInvoicePersisted,
            },
            Some(PeeledOnion::Offers(m, _, _)) => match m {
                OffersMessage::InvoiceRequest(_) => OmKind::InvoiceRequest,
                OffersMessage::Invoice(_) => OmKind::Invoice,
                OffersMessage::StaticInvoice(_) => OmKind::StaticInvoice,
                OffersMessage::InvoiceError(_) => OmKind::InvoiceError,
            },
            Some(other) => OmKind::Other(short_debug(other)),
        }
    }

    fn reply_path_hex(&self) -> Option<String> {
        let rp = match &self.final_peel {
            Some(PeeledOnion::AsyncPayments(_, _, rp)) | Some(PeeledOnion::Offers(_, _, rp)) => {
                rp.as_ref()
            }
            _ => None,
        };
        rp.map(|p| hex32(&p.encode()))
    }
}

fn pair(a: usize, b: usize) -> (usize, usize) {
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

fn variant_name(ev: &MessageSendEvent) -> String {
    let s = format!("{ev:?}");
    s.split([' ', '{', '(']).next().unwrap_or("").to_string()
}
