//! The pump of a mixed network: connections, message delivery in wire form,
//! shared blocks, and what crossed.

use super::{Happening, NodeId, WireNode};
use lightning::ln::functional_test_utils::create_dummy_block;
use std::collections::BTreeSet;

/// Most pump rounds in one settle; more means the network oscillates.
const MAX_ROUNDS: usize = 500;

/// The four roles, in node index order.
pub const ROLES: [&str; 4] = ["payer", "payer's LSP", "invoice server", "recipient"];

/// One message that crossed a wire.
#[derive(Clone, Debug)]
pub struct Crossed {
    /// Sender's role index.
    pub from: usize,
    /// Receiver's role index.
    pub to: usize,
    /// The message, in wire form (type first).
    pub bytes: Vec<u8>,
    /// What the receiver said of it: that its release could not read it,
    /// or that it was an `error` or `warning`, which it handled.
    pub note: Option<String>,
}

impl Crossed {
    /// The message type.
    pub fn ty(&self) -> u16 {
        u16::from_be_bytes([self.bytes[0], self.bytes[1]])
    }
}

/// Four nodes, each of its own release.
pub struct MixedNet<'n> {
    nodes: Vec<&'n dyn WireNode>,
    ids: Vec<NodeId>,
    online: [bool; 4],
    connected: BTreeSet<(usize, usize)>,
    /// Every message in delivery order.
    pub wire: Vec<Crossed>,
    /// What each node reported, in order: (role index, happening).
    pub happenings: Vec<(usize, Happening)>,
}

impl<'n> MixedNet<'n> {
    /// The network of `nodes` (payer, LSP, server, recipient), every pair
    /// connected. The nodes must start on the same block.
    pub fn new(nodes: [&'n dyn WireNode; 4]) -> Result<Self, String> {
        let tips: BTreeSet<_> = nodes.iter().map(|n| n.tip()).collect();
        if tips.len() != 1 {
            return Err(format!("the releases start on different blocks: {tips:?}"));
        }
        let mut net = MixedNet {
            ids: nodes.iter().map(|n| n.id()).collect(),
            nodes: nodes.to_vec(),
            online: [true; 4],
            connected: BTreeSet::new(),
            wire: Vec::new(),
            happenings: Vec::new(),
        };
        net.sync_connections()?;
        Ok(net)
    }

    /// The node of role `i`.
    pub fn node(&self, i: usize) -> &'n dyn WireNode {
        self.nodes[i]
    }

    /// Takes role `i` online or offline, then settles.
    pub fn set_online(&mut self, i: usize, online: bool) -> Result<(), String> {
        self.online[i] = online;
        self.sync_connections()?;
        self.settle()
    }

    fn sync_connections(&mut self) -> Result<(), String> {
        let pairs: Vec<(usize, usize)> = (0..4)
            .flat_map(|i| ((i + 1)..4).map(move |j| (i, j)))
            .collect();
        for (i, j) in pairs {
            {
                let want = self.online[i] && self.online[j];
                let have = self.connected.contains(&(i, j));
                if have && !want {
                    self.nodes[i].disconnected(self.ids[j]);
                    self.nodes[j].disconnected(self.ids[i]);
                    self.connected.remove(&(i, j));
                } else if want && !have {
                    let init_i = self.nodes[i].init_for(self.ids[j]);
                    let init_j = self.nodes[j].init_for(self.ids[i]);
                    self.nodes[i]
                        .connected(self.ids[j], &init_j, false)
                        .map_err(|e| format!("{} reading {}'s init: {e}", ROLES[i], ROLES[j]))?;
                    self.nodes[j]
                        .connected(self.ids[i], &init_i, true)
                        .map_err(|e| format!("{} reading {}'s init: {e}", ROLES[j], ROLES[i]))?;
                    self.connected.insert((i, j));
                }
            }
        }
        Ok(())
    }

    fn peers(&self, i: usize) -> Vec<NodeId> {
        (0..4)
            .filter(|&j| j != i && self.connected.contains(&(i.min(j), i.max(j))))
            .map(|j| self.ids[j])
            .collect()
    }

    /// One round: every node steps, then every message is delivered.
    /// Returns whether anything moved.
    fn round(&mut self) -> bool {
        let mut moved = false;
        for i in 0..4 {
            for h in self.nodes[i].step() {
                moved = true;
                self.happenings.push((i, h));
            }
        }
        for i in 0..4 {
            for (dst, bytes) in self.nodes[i].outbox(&self.peers(i)) {
                moved = true;
                let Some(j) = self.ids.iter().position(|d| *d == dst) else {
                    continue;
                };
                let note = if self.connected.contains(&(i.min(j), i.max(j))) {
                    self.nodes[j].deliver(self.ids[i], &bytes).err()
                } else {
                    Some("not connected: dropped".into())
                };
                self.wire.push(Crossed {
                    from: i,
                    to: j,
                    bytes,
                    note,
                });
            }
        }
        moved
    }

    /// Delivers and handles everything until nothing moves (a few quiet
    /// rounds: forwarding can be queued by a round that sent nothing).
    pub fn settle(&mut self) -> Result<(), String> {
        let mut quiet = 0;
        for _ in 0..MAX_ROUNDS {
            if self.round() {
                quiet = 0;
            } else {
                quiet += 1;
                if quiet > 3 {
                    return Ok(());
                }
            }
        }
        Err(format!("the network did not settle in {MAX_ROUNDS} rounds"))
    }

    /// Mines one block holding `txs` and `n - 1` empty ones on every node.
    pub fn mine(&mut self, txs: Vec<lightning::bitcoin::Transaction>, n: u32) {
        let mut txs = Some(txs);
        for _ in 0..n {
            let (prev, _) = self.nodes[0].tip();
            let block = create_dummy_block(prev, 42, txs.take().unwrap_or_default());
            for node in &self.nodes {
                node.connect_block(&block);
            }
        }
    }

    /// Role `i` opens a channel to role `j`, funds it, and the network mines
    /// it six deep and settles.
    pub fn open_channel(&mut self, i: usize, j: usize, announced: bool) -> Result<(), String> {
        self.nodes[i].open_channel(self.ids[j], 1_000_000, announced)?;
        self.settle()?;
        let txs = self.nodes[i].take_funding();
        if txs.is_empty() {
            return Err(format!(
                "{} → {}: no funding transaction was built",
                ROLES[i], ROLES[j]
            ));
        }
        self.mine(txs, 6);
        self.settle()
    }

    /// The trace, for a failing run: each message with its type and size.
    pub fn trace(&self) -> String {
        let mut s = String::new();
        for c in &self.wire {
            s.push_str(&format!(
                "{} -> {}: type {} ({} bytes){}\n",
                ROLES[c.from],
                ROLES[c.to],
                c.ty(),
                c.bytes.len(),
                c.note
                    .as_ref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            ));
        }
        for (i, h) in &self.happenings {
            s.push_str(&format!("{}: {h:?}\n", ROLES[*i]));
        }
        s
    }
}
