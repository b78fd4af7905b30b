//! Driver capabilities for `role_under_test: invoice_server`.
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

use super::{pair, step_err, AsyncNet, DriverError, NodeRole, OmKind, TraceEntry};
use crate::release;
use lightning::blinded_path::message::{BlindedMessagePath, MessageContext};
use lightning::blinded_path::{IntroductionNode, NodeIdLookUp};
use lightning::ln::channelmanager::PaymentId;
use lightning::ln::msgs::OnionMessage;
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
        let reply_path = release::message_path(
            &[],
            self.ids[0],
            0,
            payer.keys_manager.get_receive_auth_key(),
            MessageContext::Offers(release::outbound_payment_context(payment_id, nonce)),
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
        // The first hop, traced and delivered like any other.
        self.route_onion_message(0, first, om);
        self.om_log = Some(Vec::new());
        let settled = self.settle();
        let log = self.om_log.take().unwrap_or_default();
        settled?;

        // Pair the server's traced messages with the raw ones, in order.
        let mut hops = log.into_iter().filter(|(from, _, _)| *from == 2);
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
                    Some((_, to, om)) => (to, om, false),
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
}

#[cfg(all(test, not(ldk_0_3)))]
mod tests {
    use super::*;
    use crate::nodes::{run_network, NetConfig};

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
}
