//! Driver capabilities for `role_under_test: invoice_server` and for fresh
//! invoices from an online recipient.
//!
//! The driver plays the payer: [`AsyncNet::send_invoice_request_to_server`]
//! builds an `invoice_request` (signed with a key derived from the payer's
//! `ExpandedKey`, as `pay_for_offer` does) for the recipient's async receive
//! offer or for another real offer (one the payer's LSP creates), wraps it in
//! an onion message over the recipient's offer's first blinded path with a
//! one-hop reply path the driver builds to the payer, injects it at the
//! first hop and settles the network. Every onion message the invoice
//! server originates while the network settles is reported as a
//! [`ServerSent`]: its content, and the path it went over identified by its
//! first path key (`blinding_point`):
//! - the payer's reply path: its `blinding_point` (its introduction node is
//!   the payer, a direct peer of the server);
//! - the path the recipient registered for forwarded invoice requests
//!   (`PersistStaticInvoice::invoice_request_path`, kept in the store): its
//!   `blinding_point`, or, when the server is its introduction node, the
//!   path key after the server's own hop (`advance_path_by_one` with the
//!   server's keys, exactly what `create_onion_message` does).
//!
//! A message the server sends to an offline peer is intercepted by its
//! `OnionMessenger` (`Event::OnionMessageIntercepted`, kept in the driver's
//! stash until the peer connects): it is reported as sent.
//!
//! Fresh invoices: [`AsyncNet::pay_offer_capturing_invoices`] runs the
//! payer's `pay_for_offer` with the recipient online and captures every
//! `static_invoice` and `invoice` on its last hop into the payer, each
//! identified by the payer reply path it came over; the scenario delivers
//! the ones it wants, in its order, with [`AsyncNet::deliver_invoice_to_payer`].
//! The real LDK payer sends one `invoice_request` per reply path it builds
//! (here two: via the invoice server and via its LSP), so each reply path
//! gets a static invoice (from the server) and a fresh one (from the
//! recipient, which the server forwarded the request to), each fresh invoice
//! with its own payment hash. `deliver_invoice_to_payer` also returns the
//! payer's final onion payloads of the HTLCs that reached the recipient
//! meanwhile, decoded with the recipient's keys ([`FinalPayload`]:
//! sender-provided preimage, `invoice_request`).

use super::{
    pair, step_err, AsyncNet, DriverError, NodeRole, OmFate, OmKind, TraceEntry, MAX_ROUNDS,
};
use lightning::blinded_path::message::{BlindedMessagePath, MessageContext, OffersContext};
use lightning::blinded_path::{IntroductionNode, NodeIdLookUp};
use lightning::ln::channelmanager::PaymentId;
use lightning::ln::channelmanager::PendingHTLCRouting;
use lightning::ln::msgs::{
    BaseMessageHandler, MessageSendEvent, OnionMessage, OnionMessageHandler, UpdateAddHTLC,
};
use lightning::ln::onion_payment::peel_payment_onion;
use lightning::offers::invoice_request::InvoiceRequest;
use lightning::offers::nonce::Nonce;
use lightning::offers::offer::Offer;
use lightning::onion_message::messenger::{
    create_onion_message_resolving_destination, Destination, OnionMessagePath, PeeledOnion,
};
use lightning::onion_message::offers::OffersMessage;
use lightning::sign::NodeSigner;
use lightning::util::ser::Writeable;

use lightning::bitcoin::secp256k1::PublicKey;
use lightning::bitcoin::Network;

/// Which real offer the driver's `invoice_request` asks an invoice for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvreqFor {
    /// The recipient's async receive offer (served by the invoice server).
    RecipientOffer,
    /// An offer the payer's LSP creates (`create_offer_builder`): an offer
    /// the invoice server holds no static invoice for.
    OtherOffer,
}

/// The path an onion message the server sent went over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SentOver {
    /// The reply path the driver put in its `invoice_request`.
    PayerReplyPath,
    /// The path the recipient registered for forwarded invoice requests.
    RecipientInvreqPath,
    /// Neither: first path key (hex) and next hop.
    Unidentified {
        /// `blinding_point`, hex.
        path_key: String,
        /// The next hop.
        to: NodeRole,
    },
}

/// The content of an onion message the server sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SentContent {
    /// A static invoice; `stored` if byte-identical to the invoice the
    /// server persisted for the recipient.
    StaticInvoice {
        /// Byte-identical to the stored invoice.
        stored: bool,
        /// `invoice_created_at`, seconds.
        created_at: u64,
    },
    /// An `invoice_request`; `driver_request` if byte-identical to the one
    /// the driver sent.
    InvoiceRequest {
        /// Byte-identical to the driver's request.
        driver_request: bool,
        /// `invreq_amount`.
        amount_msat: Option<u64>,
    },
    /// Anything else (kind as peeled).
    Other(OmKind),
}

/// One onion message the invoice server originated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerSent {
    /// What it carried.
    pub content: SentContent,
    /// Where it went.
    pub over: SentOver,
    /// Its reply path: `Some(true)` if it is the driver's reply path
    /// (byte-identical), `Some(false)` another one, `None` none.
    pub reply_is_payer_reply_path: Option<bool>,
    /// Whether the server's messenger intercepted it for an offline peer.
    pub intercepted: bool,
}

/// What [`AsyncNet::send_invoice_request_to_server`] observed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InvreqExchange {
    /// The `invoice_request` the driver sent, encoded (hex).
    pub invoice_request_hex: String,
    /// The reply path the driver built, encoded (hex).
    pub reply_path_hex: String,
    /// Which node the onion message was injected at (the offer path's
    /// introduction node).
    pub first_hop: Option<NodeRole>,
    /// Onion messages the invoice server originated, in order.
    pub sent: Vec<ServerSent>,
}

/// A raw onion message hop seen by the logging pump.
struct RawHop {
    from: usize,
    to: usize,
    om: OnionMessage,
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl<'a, 'b> AsyncNet<'a, 'b> {
    /// The path the recipient registered for forwarded invoice requests (as
    /// the server persisted it).
    pub fn recipient_invreq_path(&self) -> Option<BlindedMessagePath> {
        self.store.values().next().map(|(_, p)| p.clone())
    }

    /// A real offer the invoice server serves no static invoice for (created
    /// by the payer's LSP).
    pub fn other_offer(&self) -> Result<Offer, DriverError> {
        self.nodes[1]
            .node
            .create_offer_builder()
            .and_then(|b| b.build())
            .map_err(|e| DriverError::Step(format!("LSP create_offer_builder: {e:?}")))
    }

    /// The driver, as the payer, sends one `invoice_request` for `which`
    /// offer (amount `amount_msat`) over the recipient's offer's first
    /// blinded path, with a one-hop reply path to the payer; settles and
    /// reports what the invoice server sent. See the module documentation.
    pub fn send_invoice_request_to_server(
        &mut self,
        which: InvreqFor,
        amount_msat: u64,
    ) -> Result<InvreqExchange, DriverError> {
        self.note(format!(
            "send_invoice_request_to_server({which:?}, {amount_msat})"
        ));
        let Some(recipient_offer) = self.offer.clone() else {
            return step_err("no offer");
        };
        let offer = match which {
            InvreqFor::RecipientOffer => recipient_offer.clone(),
            InvreqFor::OtherOffer => self.other_offer()?,
        };
        let Some(offer_path) = recipient_offer.paths().first().cloned() else {
            return step_err("the recipient's offer has no blinded path");
        };
        let payer = &self.nodes[0];
        self.payments += 1;
        let payment_id = PaymentId([self.payments; 32]);
        let expanded_key = payer.keys_manager.get_expanded_key();
        let nonce = Nonce::from_entropy_source(payer.keys_manager);
        // The offer's chain (the test network's), as `pay_for_offer` sets it.
        let network = offer
            .chains()
            .first()
            .and_then(|c| Network::from_chain_hash(*c))
            .unwrap_or(Network::Testnet);
        let invreq: InvoiceRequest = offer
            .request_invoice(&expanded_key, nonce, &self.secp, payment_id)
            .and_then(|b| b.chain(network))
            .and_then(|b| b.amount_msats(amount_msat))
            .and_then(|b| b.build_and_sign())
            .map_err(|e| DriverError::Step(format!("invoice_request: {e:?}")))?;
        let reply_path = BlindedMessagePath::new(
            &[],
            self.ids[0],
            payer.keys_manager.get_receive_auth_key(),
            MessageContext::Offers(OffersContext::OutboundPayment { payment_id, nonce }),
            payer.keys_manager,
            &self.secp,
        );
        let om_path = OnionMessagePath {
            intermediate_nodes: vec![],
            destination: Destination::BlindedPath(offer_path),
            first_node_addresses: vec![],
        };
        // The offer path's introduction node may be a directed short channel
        // id: resolved with the payer's network graph, as the payer does.
        let (first, om, _) = create_onion_message_resolving_destination(
            &payer.keys_manager,
            &payer.keys_manager,
            &payer.node,
            &payer.network_graph.read_only(),
            &self.secp,
            om_path,
            OffersMessage::InvoiceRequest(invreq.clone()),
            Some(reply_path.clone()),
        )
        .map_err(|e| DriverError::Step(format!("create_onion_message: {e:?}")))?;
        let Some(first) = self.idx_of(&first) else {
            return step_err("the offer path's first hop is not in the network");
        };
        if first == 0 || !self.connected.contains(&pair(0, first)) {
            return step_err("the payer is not connected to the offer path's first hop");
        }
        let mut ex = InvreqExchange {
            invoice_request_hex: hex(&invreq.encode()),
            reply_path_hex: hex(&reply_path.encode()),
            first_hop: Some(NodeRole::from_idx(first)),
            sent: Vec::new(),
        };
        let trace_from = self.obs.trace.len();
        let stash_from = self.stash.len();
        let mut log = Vec::new();
        // The first hop, traced and delivered like any other.
        self.route_onion_message(0, first, om);
        self.settle_logging(&mut log)?;

        // Pair the server's traced messages with the raw ones, in order.
        let mut hops = log.into_iter().filter(|h| h.from == 2);
        let mut stashed = self
            .stash
            .get(stash_from..)
            .unwrap_or_default()
            .iter()
            .filter(|(h, _, _)| *h == 2)
            .map(|(_, p, om)| (*p, om.clone()))
            .collect::<Vec<_>>()
            .into_iter();
        let trace = self.obs.trace[trace_from..].to_vec();
        for e in trace {
            let (to, om, intercepted) = match e {
                TraceEntry::OnionMessage {
                    from: NodeRole::InvoiceServer,
                    ..
                } => match hops.next() {
                    Some(h) => (h.to, h.om, false),
                    None => continue,
                },
                TraceEntry::OnionMessageIntercepted {
                    at: NodeRole::InvoiceServer,
                    ..
                } => match stashed.next() {
                    Some((p, om)) => (p, om, true),
                    None => continue,
                },
                _ => continue,
            };
            ex.sent
                .push(self.classify_server_message(to, &om, intercepted, &invreq, &reply_path));
        }
        Ok(ex)
    }

    fn classify_server_message(
        &self,
        to: usize,
        om: &OnionMessage,
        intercepted: bool,
        invreq: &InvoiceRequest,
        reply_path: &BlindedMessagePath,
    ) -> ServerSent {
        let peeled = self.peel_to_end(to, om);
        let content = match &peeled.final_peel {
            Some(PeeledOnion::Offers(OffersMessage::StaticInvoice(inv), _, _)) => {
                let stored = self.store.values().any(|(s, _)| s.encode() == inv.encode());
                SentContent::StaticInvoice {
                    stored,
                    created_at: inv.created_at().as_secs(),
                }
            }
            Some(PeeledOnion::Offers(OffersMessage::InvoiceRequest(r), _, _)) => {
                SentContent::InvoiceRequest {
                    driver_request: r.encode() == invreq.encode(),
                    amount_msat: r.amount_msats(),
                }
            }
            _ => SentContent::Other(peeled.kind()),
        };
        let reply = match &peeled.final_peel {
            Some(PeeledOnion::Offers(_, _, rp)) | Some(PeeledOnion::AsyncPayments(_, _, rp)) => {
                rp.as_ref().map(|p| p.encode() == reply_path.encode())
            }
            _ => None,
        };
        let key = om.blinding_point;
        let over = if key == reply_path.blinding_point() && to == 0 {
            SentOver::PayerReplyPath
        } else if self.recipient_invreq_path_key() == Some(key) {
            SentOver::RecipientInvreqPath
        } else {
            SentOver::Unidentified {
                path_key: hex(&key.serialize()),
                to: NodeRole::from_idx(to),
            }
        };
        ServerSent {
            content,
            over,
            reply_is_payer_reply_path: reply,
            intercepted,
        }
    }

    /// The first path key a message the server sends over the recipient's
    /// invoice-request path carries on its first hop.
    fn recipient_invreq_path_key(&self) -> Option<PublicKey> {
        let mut path = self.recipient_invreq_path()?;
        let server = &self.nodes[2];
        // Resolved as the server resolves it in `create_onion_message`.
        let server_id = self.ids[2];
        let intro = match path.introduction_node() {
            IntroductionNode::NodeId(pk) => Some(*pk),
            IntroductionNode::DirectedShortChannelId(direction, scid) => server
                .node
                .next_node_id(*scid)
                .map(|next| *direction.select_pubkey(&server_id, &next)),
        };
        let intro_is_server = intro == Some(server_id);
        if intro_is_server {
            path.advance_path_by_one(&server.keys_manager, &server.node, &self.secp)
                .ok()?;
        }
        Some(path.blinding_point())
    }

    /// [`AsyncNet::settle`], also keeping every onion message hop as it was
    /// handed on (in `log`).
    fn settle_logging(&mut self, log: &mut Vec<RawHop>) -> Result<(), DriverError> {
        self.settle_with(&mut |_: &mut Self, i, j, om: OnionMessage| {
            log.push(RawHop {
                from: i,
                to: j,
                om: om.clone(),
            });
            Some(om)
        })
        .map(|_| ())
    }
}

/// The kind of an invoice captured on its way into the payer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayerInvoiceKind {
    /// A `static_invoice` (from the invoice server).
    Static,
    /// A fresh BOLT 12 `invoice` with a payment hash (from the online recipient).
    Fresh,
}

/// An invoice captured on its last hop into the payer, waiting for
/// [`AsyncNet::deliver_invoice_to_payer`].
#[derive(Clone, Debug)]
pub struct PayerInvoice {
    /// Static or fresh.
    pub kind: PayerInvoiceKind,
    /// For a fresh invoice: `invoice_payment_hash`.
    pub payment_hash: Option<[u8; 32]>,
    /// For a fresh invoice: `invoice_amount`.
    pub amount_msat: Option<u64>,
    /// The payment id in the context of the payer's reply path it arrived
    /// over (as the payer reads it).
    pub reply_path_payment_id: Option<PaymentId>,
    /// The payer's reply path it arrived over: its position among the
    /// distinct reply paths of the payer's `invoice_request`s, in the order
    /// they were sent, and its encoding (hex, as in
    /// `TraceEntry::OnionMessage::reply_path`). Identified by the path key of
    /// the last hop (each reply path advanced to its last hop with its hops'
    /// keys, as they advance it). `None`: not one of them.
    pub reply_path: Option<(usize, String)>,
    /// The last hop's sender.
    pub from: NodeRole,
    om: OnionMessage,
}

/// The payer's final onion payload as the recipient decodes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinalPayload {
    /// `payment_hash` of the `update_add_htlc`.
    pub payment_hash: [u8; 32],
    /// The recipient could decode it as a payment to itself.
    pub decoded: bool,
    /// The sender-provided (keysend) preimage, if any.
    pub sender_provided_payment_preimage: Option<[u8; 32]>,
    /// The `invoice_request` it carries, encoded (hex), if any.
    pub invoice_request_hex: Option<String>,
}

impl<'a, 'b> AsyncNet<'a, 'b> {
    /// The payer pays the recipient's offer (`pay_for_offer`, as
    /// [`AsyncNet::pay_static_invoice`]) and the network settles, except that
    /// every `static_invoice` and `invoice` on its last hop into the payer is
    /// captured (traced with `OmFate::Captured`), not delivered. With the
    /// recipient online, the invoice server answers with the static invoice
    /// and forwards the `invoice_request` (with the payer's reply path) to
    /// the recipient, which answers the payer with a fresh invoice: both are
    /// returned, in the order they reached the payer's last hop. Deliver
    /// them, in the scenario's order, with [`AsyncNet::deliver_invoice_to_payer`].
    pub fn pay_offer_capturing_invoices(
        &mut self,
        amount_msat: u64,
    ) -> Result<(PaymentId, Vec<PayerInvoice>), DriverError> {
        self.note(format!("pay_offer_capturing_invoices({amount_msat})"));
        let Some(offer) = self.offer.clone() else {
            return step_err("no offer");
        };
        self.payments += 1;
        let id = PaymentId([self.payments; 32]);
        self.nodes[0]
            .node
            .pay_for_offer(&offer, Some(amount_msat), id, Default::default())
            .map_err(|e| DriverError::Step(format!("pay_for_offer: {e:?}")))?;
        let mut captured = Vec::new();
        // The payer's invoice_request reply paths: (encoding, last-hop path key).
        let mut replies: Vec<(String, Option<PublicKey>)> = Vec::new();
        self.settle_with(&mut |net: &mut Self, i, j, om| {
            if i == 0 {
                if let Some(PeeledOnion::Offers(OffersMessage::InvoiceRequest(_), _, Some(rp))) =
                    net.peel_to_end(j, &om).final_peel
                {
                    let h = hex(&rp.encode());
                    if replies.iter().all(|(x, _)| *x != h) {
                        replies.push((h, net.last_hop_path_key(rp)));
                    }
                }
            }
            if j != 0 {
                return Some(om);
            }
            match net.capture_payer_invoice(i, &om, &replies) {
                Some(inv) => {
                    captured.push(inv);
                    None
                }
                None => Some(om),
            }
        })?;
        Ok((id, captured))
    }

    /// Hands a captured invoice to the payer (from its last hop) and settles.
    ///
    /// Returns the final onion payloads of the HTLCs the invoice server
    /// forwarded to the recipient meanwhile (a fresh invoice's payment is not
    /// held: it reaches the recipient within this settle).
    pub fn deliver_invoice_to_payer(
        &mut self,
        inv: &PayerInvoice,
    ) -> Result<Vec<FinalPayload>, DriverError> {
        self.note(format!("deliver_invoice_to_payer({:?})", inv.kind));
        let from = inv.from.idx();
        if !self.connected.contains(&pair(from, 0)) {
            return step_err("the payer is not connected to the invoice's last hop");
        }
        self.nodes[0]
            .onion_messenger
            .handle_onion_message(self.ids[from], &inv.om);
        let adds = self.settle_with(&mut |_: &mut Self, _, _, om: OnionMessage| Some(om))?;
        Ok(adds.iter().map(|a| self.final_payload(a)).collect())
    }

    /// The capture, if `om` (from `i` to the payer) is an invoice.
    fn capture_payer_invoice(
        &mut self,
        i: usize,
        om: &OnionMessage,
        replies: &[(String, Option<PublicKey>)],
    ) -> Option<PayerInvoice> {
        let peeled = self.peel_to_end(0, om);
        let (kind, payment_hash, amount_msat, ctx) = match &peeled.final_peel {
            Some(PeeledOnion::Offers(OffersMessage::StaticInvoice(_), ctx, _)) => {
                (PayerInvoiceKind::Static, None, None, ctx.clone())
            }
            Some(PeeledOnion::Offers(OffersMessage::Invoice(inv), ctx, _)) => (
                PayerInvoiceKind::Fresh,
                Some(inv.payment_hash().0),
                Some(inv.amount_msats()),
                ctx.clone(),
            ),
            _ => return None,
        };
        let reply_path_payment_id = match ctx {
            Some(OffersContext::OutboundPayment { payment_id, .. }) => Some(payment_id),
            _ => None,
        };
        self.obs.trace.push(TraceEntry::OnionMessage {
            from: NodeRole::from_idx(i),
            to_peer: NodeRole::Payer,
            kind: peeled.kind(),
            route: vec![NodeRole::Payer],
            reply_path: peeled.reply_path_hex(),
            fate: OmFate::Captured,
        });
        Some(PayerInvoice {
            kind,
            payment_hash,
            amount_msat,
            reply_path_payment_id,
            reply_path: replies
                .iter()
                .position(|(_, k)| *k == Some(om.blinding_point))
                .map(|n| (n, replies[n].0.clone())),
            from: NodeRole::from_idx(i),
            om: om.clone(),
        })
    }

    /// The path key a message over `path` carries on its last hop: the path
    /// advanced by each of its hops but the last (with that node's keys).
    fn last_hop_path_key(&self, mut path: BlindedMessagePath) -> Option<PublicKey> {
        for _ in 0..16 {
            if path.blinded_hops().len() <= 1 {
                return Some(path.blinding_point());
            }
            let intro = match path.introduction_node() {
                IntroductionNode::NodeId(pk) => self.idx_of(pk)?,
                IntroductionNode::DirectedShortChannelId(direction, scid) => {
                    (0..4).find_map(|k| {
                        let next = self.nodes[k].node.next_node_id(*scid)?;
                        self.idx_of(direction.select_pubkey(&self.ids[k], &next))
                    })?
                }
            };
            let n = &self.nodes[intro];
            path.advance_path_by_one(&n.keys_manager, &n.node, &self.secp)
                .ok()?;
        }
        None
    }

    /// [`AsyncNet::settle`], handing every onion message hop (from `i` to
    /// `j`) to `hook` first: it returns the message to deliver it as usual,
    /// or `None` when it kept it. Returns the `update_add_htlc`s the invoice
    /// server delivered to the recipient.
    fn settle_with(
        &mut self,
        hook: &mut dyn FnMut(&mut Self, usize, usize, OnionMessage) -> Option<OnionMessage>,
    ) -> Result<Vec<UpdateAddHTLC>, DriverError> {
        let mut adds = Vec::new();
        for _ in 0..MAX_ROUNDS {
            let mut progress = false;
            for n in &self.nodes {
                n.node.process_pending_htlc_forwards();
            }
            for i in 0..4 {
                for ev in self.nodes[i].node.get_and_clear_pending_msg_events() {
                    progress = true;
                    if let MessageSendEvent::UpdateHTLCs {
                        node_id, updates, ..
                    } = &ev
                    {
                        if i == 2 && *node_id == self.ids[3] && self.connected.contains(&(2, 3)) {
                            adds.extend(updates.update_add_htlcs.iter().cloned());
                        }
                    }
                    self.deliver_msg_event(i, ev);
                }
            }
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
                        if let Some(om) = hook(self, i, j, om) {
                            self.route_onion_message(i, j, om);
                        }
                    }
                }
            }
            progress |= self.pump_events();
            progress |= self.pump_messenger_events();
            self.clear_monitors();
            if !progress {
                return Ok(adds);
            }
        }
        step_err(format!("the network did not settle in {MAX_ROUNDS} rounds"))
    }

    /// The recipient's final onion payload of `add` (which the invoice
    /// server delivered to it), decoded with the recipient's keys
    /// (`peel_payment_onion`, as the recipient's `ChannelManager` does).
    fn final_payload(&self, add: &UpdateAddHTLC) -> FinalPayload {
        let r = &self.nodes[3];
        let height = r.best_block_info().1;
        let peeled = peel_payment_onion(add, r.keys_manager, r.logger, &self.secp, height, true);
        let mut p = FinalPayload {
            payment_hash: add.payment_hash.0,
            decoded: false,
            sender_provided_payment_preimage: None,
            invoice_request_hex: None,
        };
        match peeled.map(|info| info.routing) {
            Ok(PendingHTLCRouting::Receive { .. }) => p.decoded = true,
            Ok(PendingHTLCRouting::ReceiveKeysend {
                payment_preimage,
                invoice_request,
                ..
            }) => {
                p.decoded = true;
                p.sender_provided_payment_preimage = Some(payment_preimage.0);
                p.invoice_request_hex = invoice_request.map(|r| hex(&r.encode()));
            }
            _ => {}
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nodes::{run_network, NetConfig};
    use std::collections::BTreeSet;

    fn exchange(which: InvreqFor) -> InvreqExchange {
        let cfg = NetConfig::default();
        run_network(&cfg, |net| {
            net.recipient_offline()?;
            net.send_invoice_request_to_server(which, 50_000)
        })
        .expect("network run")
    }

    /// LDK's server answers the driver's `invoice_request` for the
    /// recipient's offer with the stored static invoice over the payer's
    /// reply path, and forwards the request (with the payer's reply path)
    /// over the recipient's registered path, held for the offline recipient.
    #[test]
    fn server_answers_and_forwards_request_for_recipient_offer() {
        let ex = exchange(InvreqFor::RecipientOffer);
        assert_eq!(ex.first_hop, Some(NodeRole::InvoiceServer), "{ex:?}");
        assert_eq!(ex.sent.len(), 2, "{ex:?}");
        let inv = ex
            .sent
            .iter()
            .find(|s| matches!(s.content, SentContent::StaticInvoice { .. }))
            .expect("a static invoice");
        assert!(matches!(
            inv.content,
            SentContent::StaticInvoice { stored: true, .. }
        ));
        assert_eq!(inv.over, SentOver::PayerReplyPath);
        assert_eq!(inv.reply_is_payer_reply_path, None);
        let fwd = ex
            .sent
            .iter()
            .find(|s| matches!(s.content, SentContent::InvoiceRequest { .. }))
            .expect("a forwarded invoice_request");
        assert!(matches!(
            fwd.content,
            SentContent::InvoiceRequest {
                driver_request: true,
                amount_msat: Some(50_000)
            }
        ));
        assert_eq!(fwd.over, SentOver::RecipientInvreqPath);
        assert_eq!(fwd.reply_is_payer_reply_path, Some(true));
        assert!(fwd.intercepted);
    }

    /// The server looks its static invoice up by the offer path's context
    /// (recipient id, slot) only: a request for another offer sent over the
    /// recipient's offer path gets the recipient's static invoice, and is
    /// forwarded to the recipient.
    #[test]
    fn server_answers_request_for_other_offer_over_recipient_offer_path() {
        let ex = exchange(InvreqFor::OtherOffer);
        let kinds: Vec<_> = ex.sent.iter().map(|s| (&s.content, &s.over)).collect();
        assert!(
            kinds.iter().any(
                |(c, o)| matches!(c, SentContent::StaticInvoice { stored: true, .. })
                    && **o == SentOver::PayerReplyPath
            ),
            "{ex:?}"
        );
        assert!(
            kinds.iter().any(|(c, o)| matches!(
                c,
                SentContent::InvoiceRequest {
                    driver_request: true,
                    ..
                }
            ) && **o == SentOver::RecipientInvreqPath),
            "{ex:?}"
        );
    }

    fn count_adds(net: &AsyncNet<'_, '_>) -> Vec<bool> {
        net.summary().payer_adds_hold_flags
    }

    /// The invoices of kind `k` that arrived over the payer's first reply path.
    fn first_path(invs: &[PayerInvoice], k: PayerInvoiceKind) -> PayerInvoice {
        let mine: Vec<_> = invs
            .iter()
            .filter(|i| i.kind == k && i.reply_path.as_ref().is_some_and(|(n, _)| *n == 0))
            .collect();
        assert_eq!(mine.len(), 1, "{invs:?}");
        mine[0].clone()
    }

    /// With the recipient online, each of the payer's `invoice_request`s (one
    /// per reply path, all over the offer's one path) is answered twice over
    /// its reply path: the server's static invoice and the recipient's fresh
    /// invoice (a distinct payment hash each). Delivering only the fresh one
    /// of the first reply path, the payer pays it without `hold_htlc`; the
    /// recipient claims and the payer learns the preimage.
    #[test]
    fn online_recipient_answers_with_a_fresh_invoice_paid_without_hold() {
        let cfg = NetConfig::default();
        run_network(&cfg, |net| {
            let (id, invs) = net.pay_offer_capturing_invoices(50_000)?;
            let paths: BTreeSet<_> = invs.iter().map(|i| i.reply_path.clone()).collect();
            assert!(paths.iter().all(Option::is_some), "{invs:?}");
            assert_eq!(invs.len(), 2 * paths.len(), "{invs:?}");
            for p in &paths {
                let mut kinds: Vec<_> = invs
                    .iter()
                    .filter(|i| &i.reply_path == p)
                    .map(|i| format!("{:?}", i.kind))
                    .collect();
                kinds.sort();
                assert_eq!(kinds, ["Fresh", "Static"], "{invs:?}");
            }
            // The payer's invoice_requests carried exactly these reply paths.
            let sent: BTreeSet<_> = net
                .observations()
                .trace
                .iter()
                .filter_map(|e| match e {
                    TraceEntry::OnionMessage {
                        from: NodeRole::Payer,
                        kind: OmKind::InvoiceRequest,
                        reply_path,
                        ..
                    } => reply_path.clone(),
                    _ => None,
                })
                .collect();
            let got: BTreeSet<_> = paths.iter().flatten().map(|(_, h)| h.clone()).collect();
            assert_eq!(sent, got);
            assert!(invs.iter().all(|i| i.reply_path_payment_id == Some(id)));
            assert!(count_adds(net).is_empty());
            let fresh = first_path(&invs, PayerInvoiceKind::Fresh);
            assert_eq!(fresh.amount_msat, Some(50_000));
            let payloads = net.deliver_invoice_to_payer(&fresh)?;
            assert_eq!(count_adds(net), vec![false]);
            // The recipient reads a plain receive: no sender-provided
            // preimage, no invoice_request in the onion.
            assert_eq!(
                payloads,
                vec![FinalPayload {
                    payment_hash: fresh.payment_hash.expect("hash"),
                    decoded: true,
                    sender_provided_payment_preimage: None,
                    invoice_request_hex: None,
                }]
            );
            let s = net.summary();
            assert_eq!(s.recipient_claimed, 1, "{s:?}");
            assert_eq!(s.preimage_consistent, Some(true), "{s:?}");
            let hash = net
                .observations()
                .trace
                .iter()
                .find_map(|e| match e {
                    TraceEntry::UpdateAdd {
                        from: NodeRole::Payer,
                        payment_hash,
                        ..
                    } => Some(*payment_hash),
                    _ => None,
                })
                .expect("add");
            assert_eq!(Some(hash), fresh.payment_hash);
            Ok(())
        })
        .expect("network run");
    }

    /// The static invoice first, then the fresh one (both over the first
    /// reply path): the payer pays once (the `hold_htlc` HTLC of the static
    /// invoice) and ignores the fresh invoice for the same payment.
    #[test]
    fn static_then_fresh_invoice_paid_once() {
        let cfg = NetConfig::default();
        run_network(&cfg, |net| {
            let (_, invs) = net.pay_offer_capturing_invoices(50_000)?;
            let st = first_path(&invs, PayerInvoiceKind::Static);
            let fresh = first_path(&invs, PayerInvoiceKind::Fresh);
            // The held HTLC does not reach the recipient; nor does any other.
            assert!(net.deliver_invoice_to_payer(&st)?.is_empty());
            assert_eq!(count_adds(net), vec![true]);
            assert!(net.deliver_invoice_to_payer(&fresh)?.is_empty());
            assert_eq!(count_adds(net), vec![true]);
            Ok(())
        })
        .expect("network run");
    }
}
