//! A network whose nodes run different LDK releases, joined over wire bytes.
//!
//! Each release builds its own four test nodes (`functional_test_utils`,
//! the same keys per index in both, so a role has one node id whatever its
//! release). A role is played by the node of the release the test picks for
//! it; the other release's node of that index stays idle and disconnected.
//! Nothing typed crosses between nodes: every message a node sends is
//! serialized by its release (the 2-byte type, then the message), and the
//! receiver's release reads it back from those bytes and hands it to its
//! handler. `init` crosses the same way, so each node learns its peers'
//! features from the other release's bytes; so do the blinded paths the
//! invoice server hands its recipient and the offer string the payer pays.
//! Blocks are shared: every node connects the same blocks.

pub mod net;
pub mod node;

use lightning::bitcoin::{Block, BlockHash};

/// A node id, as a 33-byte compressed key.
pub type NodeId = [u8; 33];

/// An LDK release a role can run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Release {
    /// `lightning` 0.2.7.
    V0_2,
    /// `lightning` 0.3.0-rc3.
    V0_3,
}

impl std::fmt::Display for Release {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Release::V0_2 => "0.2.7",
            Release::V0_3 => "0.3.0-rc3",
        })
    }
}

/// What a node reports from its events, in a form both releases share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Happening {
    /// `PaymentClaimable` (the node claims it at once).
    PaymentClaimable {
        /// `payment_hash`.
        payment_hash: [u8; 32],
        /// `amount_msat`.
        amount_msat: u64,
    },
    /// `PaymentClaimed`.
    PaymentClaimed {
        /// `payment_hash`.
        payment_hash: [u8; 32],
    },
    /// `PaymentSent`.
    PaymentSent {
        /// `payment_preimage`.
        preimage: [u8; 32],
    },
    /// `PaymentForwarded`.
    PaymentForwarded,
    /// `PaymentFailed`, `PaymentPathFailed`, `HTLCHandlingFailed`.
    Failed(String),
    /// `ChannelClosed`.
    ChannelClosed(String),
    /// The invoice server stored the recipient's static invoice.
    InvoicePersisted,
    /// The invoice server answered an `invoice_request` with the stored invoice.
    InvoiceServed,
    /// Anything else worth reading in a failing run.
    Other(String),
}

/// One node of one release, driven through bytes only.
pub trait WireNode {
    /// Its node id.
    fn id(&self) -> NodeId;
    /// The `init` message it sends `peer`, in wire form.
    fn init_for(&self, peer: NodeId) -> Vec<u8>;
    /// `peer` connected and sent `init` (wire form).
    fn connected(&self, peer: NodeId, init: &[u8], inbound: bool) -> Result<(), String>;
    /// `peer` disconnected.
    fn disconnected(&self, peer: NodeId);
    /// Everything it wants to send, in wire form, with its destination;
    /// broadcasts go to each of `peers`.
    fn outbox(&self, peers: &[NodeId]) -> Vec<(NodeId, Vec<u8>)>;
    /// `from` sent it `msg` (wire form).
    fn deliver(&self, from: NodeId, msg: &[u8]) -> Result<(), String>;
    /// Forwards HTLCs and handles its events; reports what it saw.
    fn step(&self) -> Vec<Happening>;
    /// Funding transactions it built since the last call.
    fn take_funding(&self) -> Vec<lightning::bitcoin::Transaction>;
    /// Its best block.
    fn tip(&self) -> (BlockHash, u32);
    /// Connects `block` on top of its best block.
    fn connect_block(&self, block: &Block);
    /// Opens a channel of `value_sat` to `peer`, announced or not.
    fn open_channel(&self, peer: NodeId, value_sat: u64, announced: bool) -> Result<(), String>;
    /// The timer tick LDK's users call every minute or so.
    fn timer_tick(&self);
    /// As the invoice server: blinded paths for an async recipient, in wire form.
    fn paths_for_async_recipient(&self) -> Result<Vec<u8>, String>;
    /// As the recipient: the invoice server's paths (the other release's bytes).
    fn set_paths_to_server(&self, server: NodeId, paths: &[u8]) -> Result<(), String>;
    /// As the recipient: its async receive offer, as a BOLT 12 string.
    fn async_offer(&self) -> Result<String, String>;
    /// As the payer: pays `offer` (a BOLT 12 string).
    fn pay_offer(&self, offer: &str, amount_msat: u64) -> Result<(), String>;
    /// Onion messages it keeps for `peer`, offline, until it reconnects.
    fn kept_for(&self, peer: NodeId) -> usize;
    /// Makes sure nothing is left pending, so the test nodes drop cleanly.
    fn drain(&self);
}
