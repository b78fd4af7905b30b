//! Driver capabilities for `role_under_test: payer`: decoding the payer's
//! final onion payload, remembering what the payer sent and received over
//! onion messages, adding release paths to the LSP's `revoke_and_ack`, and
//! answering the payer's own `held_htlc_available` with the recipient's
//! genuine `release_held_htlc`, and serving the payer a static invoice of a
//! given age ([`AsyncNet::serve_aged_static_invoice`]).
//!
//! The pump calls three hooks (`payer_io_saw_onion_message`,
//! `payer_io_saw_update_add`, `payer_io_edit_raa`); everything else is
//! read by the scenario mapping (`nodes/payer.rs`).

use super::{hex32, step_err, AsyncNet, Captured, DriverError, NodeRole, OmKind, Peeled};
use crate::release;

use lightning::bitcoin::hashes::{sha256, Hash, HashEngine};
use lightning::bitcoin::secp256k1::{PublicKey, Scalar};
use lightning::blinded_path::message::{
    AsyncPaymentsContext, BlindedMessagePath, MessageContext, NextMessageHop,
};
use lightning::blinded_path::{EmptyNodeIdLookUp, IntroductionNode};
use lightning::ln::channelmanager::PendingHTLCRouting;
use lightning::ln::msgs::{MessageSendEvent, OnionMessageHandler, RevokeAndACK, UpdateAddHTLC};
use lightning::ln::onion_payment::peel_payment_onion;
use lightning::offers::nonce::Nonce;
use lightning::offers::offer::{Offer, OfferBuilder};
use lightning::offers::static_invoice::{StaticInvoice, StaticInvoiceBuilder};
use lightning::onion_message::async_payments::{AsyncPaymentsMessage, ReleaseHeldHtlc};
use lightning::onion_message::messenger::{
    create_onion_message, Destination, OnionMessagePath, PeeledOnion, Responder,
};
use lightning::onion_message::offers::OffersMessage;
use lightning::sign::{NodeSigner, Recipient};
use lightning::util::ser::Writeable;

/// LDK builds release paths with `PADDED_PATH_LENGTH - 1` dummy hops
/// (offers/flow.rs `path_for_release_held_htlc`; onion_message/messenger.rs
/// `PADDED_PATH_LENGTH = 4`).
const RELEASE_PATH_DUMMY_HOPS: usize = 3;

/// What the final node of the payer's onion reads in its payload, decoded
/// by the driver when the payer's `update_add_htlc` crosses the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinalPayload {
    /// The HTLC id on the payer's channel.
    pub htlc_id: u64,
    /// The `payment_hash` of the payer's `update_add_htlc`.
    pub payment_hash: [u8; 32],
    /// The node that peeled the last layer, if decoding got that far.
    pub final_node: Option<NodeRole>,
    /// `sender_provided_payment_preimage` (LDK's keysend preimage).
    pub preimage: Option<[u8; 32]>,
    /// The `invoice_request` in the payload, as LDK encodes it.
    pub invoice_request: Option<Vec<u8>>,
    /// Why decoding stopped before a final payload, if it did.
    pub error: Option<String>,
}

/// State of the payer capabilities (a field of [`AsyncNet`]).
#[derive(Default)]
pub(super) struct PayerIo {
    /// Encoded `invoice_request`s the payer sent, one per message sent.
    invoice_requests: Vec<Vec<u8>>,
    /// For each `static_invoice` delivered to the payer: the node each of
    /// its message paths is introduced by.
    static_invoice_intros: Vec<Vec<Option<NodeRole>>>,
    /// The payer's HTLCs' final payloads.
    payloads: Vec<FinalPayload>,
    /// Release paths to add per genuine one in the LSP's `revoke_and_ack`s
    /// to the payer.
    extra_release_paths: usize,
    /// Release paths to put in the first `revoke_and_ack` LSP → payer
    /// (without any) that follows each payer HTLC sent without `hold_htlc`.
    unheld_release_paths: usize,
    /// The payer HTLCs that got those.
    unheld_done: Vec<u64>,
    /// Hex of the release paths the driver added.
    added_release_paths: Vec<String>,
    /// While on, `static_invoice`s and `invoice`s on their way to the payer
    /// are captured (at the hop where the driver first sees them).
    capture_invoices: bool,
    /// Those captured, with their kind.
    captured_invoices: Vec<(Captured, OmKind)>,
    /// While on, the LSP's first `revoke_and_ack` to the payer that carries
    /// release paths, and every channel message LSP → payer after it, stay
    /// in flight (in order) until released.
    raa_in_flight: bool,
    /// Those in flight.
    in_flight: Vec<MessageSendEvent>,
    /// The aged static invoice the driver put in the server's store, if any
    /// (see [`AsyncNet::serve_aged_static_invoice`]).
    aged: Option<StaticInvoice>,
}

/// `next_hop_pubkey` of onion_utils.rs (crate-private): the next blinding
/// point, `E * SHA256(E || ss)`.
pub(super) fn next_blinding_point(
    secp: &lightning::bitcoin::secp256k1::Secp256k1<lightning::bitcoin::secp256k1::All>,
    cur: PublicKey,
    ss: &[u8],
) -> Option<PublicKey> {
    let mut eng = sha256::Hash::engine();
    eng.input(&cur.serialize());
    eng.input(ss);
    let f = sha256::Hash::from_engine(eng).to_byte_array();
    cur.mul_tweak(secp, &Scalar::from_be_bytes(f).ok()?).ok()
}

impl AsyncNet<'_, '_> {
    // ----- hooks called by the pump -----

    /// Remembers the `invoice_request`s the payer sends and the message
    /// paths of the static invoices it receives. Returns true if the
    /// message is to be captured (see [`AsyncNet::set_capture_invoices_to_payer`]);
    /// the pump then hands it to `payer_io_keep`.
    pub(super) fn payer_io_saw_onion_message(
        &mut self,
        from: usize,
        _to: usize,
        p: &Peeled,
    ) -> bool {
        let Some(PeeledOnion::Offers(m, _, _)) = &p.final_peel else {
            return false;
        };
        let last = p.route.last().copied();
        match m {
            OffersMessage::InvoiceRequest(ir) if from == 0 => {
                self.payer_io.invoice_requests.push(ir.encode());
            }
            OffersMessage::StaticInvoice(inv) if last == Some(0) => {
                let intros = release::held_htlc_available_paths(inv)
                    .iter()
                    .map(|mp| match mp.introduction_node() {
                        IntroductionNode::NodeId(pk) => self.idx_of(pk).map(NodeRole::from_idx),
                        IntroductionNode::DirectedShortChannelId(..) => None,
                    })
                    .collect();
                self.payer_io.static_invoice_intros.push(intros);
            }
            _ => {}
        }
        self.payer_io.capture_invoices
            && last == Some(0)
            && matches!(
                m,
                OffersMessage::StaticInvoice(_) | OffersMessage::Invoice(_)
            )
    }

    /// Keeps LSP → payer channel messages in flight (see
    /// [`AsyncNet::set_lsp_raa_in_flight`]); returns the message if it is to
    /// be delivered now.
    pub(super) fn payer_io_hold_channel_message(
        &mut self,
        from: usize,
        to: usize,
        ev: MessageSendEvent,
    ) -> Option<MessageSendEvent> {
        if from != 1 || to != 0 || !self.payer_io.raa_in_flight {
            return Some(ev);
        }
        let starts = matches!(
            &ev,
            MessageSendEvent::SendRevokeAndACK { msg, .. }
                if !msg.release_htlc_message_paths.is_empty()
        );
        if !starts && self.payer_io.in_flight.is_empty() {
            return Some(ev);
        }
        if starts && self.payer_io.in_flight.is_empty() {
            self.note("the LSP's revoke_and_ack with release paths stays in flight".to_string());
        }
        self.payer_io.in_flight.push(ev);
        None
    }

    /// The invoice server's answer to a `StaticInvoiceRequested` it could not
    /// answer itself: if `inv` is the driver's aged static invoice, LDK's
    /// server refuses to send it (offers/flow.rs:1160-1163
    /// `enqueue_static_invoice`: `AlreadyExpired`, read on the wall clock)
    /// after forwarding the `invoice_request` to the recipient; the driver,
    /// playing the server, sends it over the payer's reply path itself (as
    /// `enqueue_static_invoice` would: `responder.respond()`). Returns what
    /// it did, or None if `inv` is not the aged invoice.
    pub(super) fn payer_io_answer_refused(
        &mut self,
        server: usize,
        inv: &StaticInvoice,
        responder: Responder,
        refused: &str,
    ) -> Option<String> {
        if self.payer_io.aged.as_ref() != Some(inv) {
            return None;
        }
        let r = self.nodes[server].onion_messenger.send_onion_message(
            OffersMessage::StaticInvoice(inv.clone()),
            responder.respond().into_instructions(),
        );
        Some(format!(
            "StaticInvoiceRequested: LDK's server refused the aged invoice ({refused}); \
             the driver sent it over the reply path: {}",
            r.is_ok()
        ))
    }

    /// Keeps an onion message `payer_io_saw_onion_message` chose to capture.
    pub(super) fn payer_io_keep(&mut self, c: Captured, kind: OmKind) {
        self.payer_io.captured_invoices.push((c, kind));
    }

    /// Decodes the final payload of every `update_add_htlc` the payer sends.
    pub(super) fn payer_io_saw_update_add(&mut self, from: usize, to: usize, add: &UpdateAddHTLC) {
        if from != 0 {
            return;
        }
        let p = self.decode_final_payload(to, add);
        self.payer_io.payloads.push(p);
    }

    /// Adds release paths to a `revoke_and_ack` LSP → payer that carries
    /// any (see [`AsyncNet::set_lsp_extra_release_paths`]).
    pub(super) fn payer_io_edit_raa(
        &mut self,
        from: usize,
        to: usize,
        msg: RevokeAndACK,
    ) -> RevokeAndACK {
        if from != 1 || to != 0 {
            return msg;
        }
        if msg.release_htlc_message_paths.is_empty() {
            return self.release_paths_for_unheld(msg);
        }
        let extra = self.payer_io.extra_release_paths;
        if extra == 0 {
            return msg;
        }
        let mut msg = msg;
        let mut added = Vec::new();
        for (htlc_id, path) in &msg.release_htlc_message_paths {
            let Some(context) = self.release_path_context(path) else {
                continue;
            };
            for _ in 0..extra {
                added.push((*htlc_id, self.lsp_release_path(&context)));
            }
        }
        for (_, p) in &added {
            self.payer_io.added_release_paths.push(hex32(&p.encode()));
        }
        self.note(format!(
            "added {} release path(s) to the LSP's revoke_and_ack",
            added.len()
        ));
        msg.release_htlc_message_paths.extend(added);
        msg
    }

    // ----- helpers -----

    /// A release path built as the LSP builds its own (channelmanager.rs
    /// `path_for_release_held_htlc`): to the LSP, its receive auth key,
    /// `context`, three dummy hops.
    fn lsp_release_path(&self, context: &AsyncPaymentsContext) -> BlindedMessagePath {
        let lsp = &self.nodes[1];
        release::message_path(
            &[],
            self.ids[1],
            RELEASE_PATH_DUMMY_HOPS,
            lsp.keys_manager.get_receive_auth_key(),
            MessageContext::AsyncPayments(context.clone()),
            lsp.keys_manager,
            &self.secp,
        )
    }

    /// See [`AsyncNet::set_lsp_release_paths_for_unheld_htlc`].
    fn release_paths_for_unheld(&mut self, mut msg: RevokeAndACK) -> RevokeAndACK {
        use lightning::ln::channelmanager::InterceptId;
        let n = self.payer_io.unheld_release_paths;
        let Some(htlc_id) = self.payer_io.payloads.last().map(|p| p.htlc_id) else {
            return msg;
        };
        if n == 0 || self.payer_io.unheld_done.contains(&htlc_id) {
            return msg;
        }
        let Some(alias) = self.nodes[1]
            .node
            .list_channels()
            .into_iter()
            .find(|c| c.channel_id == msg.channel_id)
            .and_then(|c| c.outbound_scid_alias)
        else {
            return msg;
        };
        // The context the LSP would build for this HTLC had it been held
        // (channelmanager.rs `InterceptId::from_htlc_id_and_chan_id`,
        // `path_for_release_held_htlc`).
        let mut eng = sha256::Hash::engine();
        eng.input(&htlc_id.to_be_bytes());
        eng.input(&msg.channel_id.0);
        eng.input(&self.ids[0].serialize());
        let context = AsyncPaymentsContext::ReleaseHeldHtlc {
            intercept_id: InterceptId(sha256::Hash::from_engine(eng).to_byte_array()),
            prev_outbound_scid_alias: alias,
            htlc_id,
        };
        for _ in 0..n {
            let p = self.lsp_release_path(&context);
            self.payer_io.added_release_paths.push(hex32(&p.encode()));
            msg.release_htlc_message_paths.push((htlc_id, p));
        }
        self.payer_io.unheld_done.push(htlc_id);
        self.note(format!(
            "put {n} release path(s) for unheld HTLC {htlc_id} in the LSP's revoke_and_ack"
        ));
        msg
    }

    /// The context the LSP reads back from one of its release paths: a
    /// `release_held_htlc` built towards it is peeled at the LSP (nothing
    /// is delivered).
    pub(super) fn release_path_context(
        &self,
        path: &BlindedMessagePath,
    ) -> Option<AsyncPaymentsContext> {
        let sender = &self.nodes[3];
        let om_path = OnionMessagePath {
            intermediate_nodes: vec![],
            destination: Destination::BlindedPath(path.clone()),
            first_node_addresses: vec![],
        };
        let (_first, om, _) = create_onion_message(
            &sender.keys_manager,
            &sender.keys_manager,
            &&EmptyNodeIdLookUp {},
            &self.secp,
            om_path,
            AsyncPaymentsMessage::ReleaseHeldHtlc(ReleaseHeldHtlc {}),
            None,
        )
        .ok()?;
        match self.peel_to_end(1, &om).final_peel {
            Some(PeeledOnion::AsyncPayments(_, ctx, _)) => Some(ctx),
            _ => None,
        }
    }

    /// Peels the payer's onion hop by hop with each hop's keys (a dry run:
    /// nothing is delivered, no state changes), following the forwarding
    /// instructions each hop reads, until a node reads a final payload.
    ///
    /// This is the first point at which the final payload is visible: it
    /// is what the payer put in the onion of the `update_add_htlc` it just
    /// sent. The LSP may hold that HTLC until a release the scenario never
    /// gives; decoding here needs no release and changes nothing.
    fn decode_final_payload(&self, to: usize, add: &UpdateAddHTLC) -> FinalPayload {
        let mut out = FinalPayload {
            htlc_id: add.htlc_id,
            payment_hash: add.payment_hash.0,
            final_node: None,
            preimage: None,
            invoice_request: None,
            error: None,
        };
        let mut msg = add.clone();
        let mut at = to;
        for _ in 0..8 {
            let node = &self.nodes[at];
            let height = node.best_block_info().1;
            let info = match peel_payment_onion(
                &msg,
                node.keys_manager,
                node.logger,
                &self.secp,
                height,
                true,
            ) {
                Ok(info) => info,
                Err(e) => {
                    out.error = Some(format!(
                        "{:?} peels: {} ({:?})",
                        NodeRole::from_idx(at),
                        e.msg,
                        e.reason
                    ));
                    return out;
                }
            };
            match info.routing {
                PendingHTLCRouting::Forward {
                    onion_packet,
                    short_channel_id,
                    blinded,
                    ..
                } => {
                    let Some(next) =
                        self.next_hop_idx(at, &NextMessageHop::ShortChannelId(short_channel_id))
                    else {
                        out.error = Some(format!(
                            "{:?} forwards over unknown scid {short_channel_id}",
                            NodeRole::from_idx(at)
                        ));
                        return out;
                    };
                    // As channelmanager.rs does when it forwards
                    // (`process_pending_htlc_forwards`, next_blinding_point).
                    let blinding_point = blinded.and_then(|b| {
                        b.next_blinding_override.or_else(|| {
                            let ss = node
                                .keys_manager
                                .ecdh(Recipient::Node, &b.inbound_blinding_point, None)
                                .ok()?
                                .secret_bytes();
                            next_blinding_point(&self.secp, b.inbound_blinding_point, &ss)
                        })
                    });
                    msg = UpdateAddHTLC {
                        channel_id: msg.channel_id,
                        htlc_id: 0,
                        amount_msat: info.outgoing_amt_msat,
                        payment_hash: msg.payment_hash,
                        cltv_expiry: info.outgoing_cltv_value,
                        skimmed_fee_msat: None,
                        onion_routing_packet: onion_packet,
                        blinding_point,
                        #[cfg(ldk_0_3)]
                        accountable: msg.accountable,
                        hold_htlc: None,
                    };
                    at = next;
                }
                PendingHTLCRouting::ReceiveKeysend {
                    payment_preimage,
                    invoice_request,
                    ..
                } => {
                    out.final_node = Some(NodeRole::from_idx(at));
                    out.preimage = Some(payment_preimage.0);
                    out.invoice_request = invoice_request.map(|ir| ir.encode());
                    return out;
                }
                PendingHTLCRouting::Receive { .. } => {
                    out.final_node = Some(NodeRole::from_idx(at));
                    return out;
                }
                PendingHTLCRouting::TrampolineForward { .. } => {
                    out.error = Some("trampoline forward".into());
                    return out;
                }
            }
        }
        out.error = Some("too many hops".into());
        out
    }

    // ----- for the scenario mapping -----

    /// Final payloads of the payer's HTLCs, in the order it sent them.
    pub fn payer_final_payloads(&self) -> Vec<FinalPayload> {
        self.payer_io.payloads.clone()
    }

    /// The `invoice_request`s the payer sent (LDK encoding), one per message.
    pub fn payer_invoice_requests(&self) -> Vec<Vec<u8>> {
        self.payer_io.invoice_requests.clone()
    }

    /// For each static invoice the payer received: the introduction node of
    /// each of its message paths, in the invoice's order.
    pub fn payer_static_invoice_intros(&self) -> Vec<Vec<Option<NodeRole>>> {
        self.payer_io.static_invoice_intros.clone()
    }

    /// From now on, every `revoke_and_ack` LSP → payer that carries release
    /// paths gets `n` more per genuine path: built like the LSP's own
    /// (its receive auth key, the same `ReleaseHeldHtlc` context, three
    /// dummy hops), so the LSP accepts a release over any of them. The
    /// release paths TLV is covered by no signature: the network (the
    /// driver) can add them.
    pub fn set_lsp_extra_release_paths(&mut self, n: usize) {
        self.note(format!("set_lsp_extra_release_paths({n})"));
        self.payer_io.extra_release_paths = n;
    }

    /// From now on, the first `revoke_and_ack` LSP → payer without release
    /// paths that follows a payer HTLC gets `n` release paths for that HTLC,
    /// built as the LSP would for a held one (its receive key, the context
    /// of channelmanager.rs `path_for_release_held_htlc`). The real LSP puts
    /// paths only for `hold_htlc` HTLCs; this plays an LSP that does not.
    pub fn set_lsp_release_paths_for_unheld_htlc(&mut self, n: usize) {
        self.note(format!("set_lsp_release_paths_for_unheld_htlc({n})"));
        self.payer_io.unheld_release_paths = n;
    }

    /// While on, the LSP's first `revoke_and_ack` to the payer that carries
    /// release paths (and every channel message LSP → payer after it) stays
    /// in flight, in order, until [`AsyncNet::land_lsp_messages_in_flight`]:
    /// a slow link, nothing more.
    pub fn set_lsp_raa_in_flight(&mut self, on: bool) {
        self.note(format!("set_lsp_raa_in_flight({on})"));
        self.payer_io.raa_in_flight = on;
    }

    /// Number of LSP → payer channel messages in flight.
    pub fn lsp_messages_in_flight(&self) -> usize {
        self.payer_io.in_flight.len()
    }

    /// Delivers the LSP → payer channel messages in flight, in order (and
    /// stops holding them).
    pub fn land_lsp_messages_in_flight(&mut self) -> Result<(), DriverError> {
        self.note("land_lsp_messages_in_flight".to_string());
        self.payer_io.raa_in_flight = false;
        for ev in std::mem::take(&mut self.payer_io.in_flight) {
            self.deliver_msg_event(1, ev);
        }
        self.settle()
    }

    /// Hex of the release paths the driver added, in order.
    pub fn added_release_paths(&self) -> Vec<String> {
        self.payer_io.added_release_paths.clone()
    }

    /// While on, every `static_invoice` and `invoice` (BOLT 12) on its way to
    /// the payer is captured instead of delivered, so the scenario decides
    /// which arrives, and when ([`AsyncNet::deliver_captured_invoice_to_payer`]).
    pub fn set_capture_invoices_to_payer(&mut self, on: bool) {
        self.note(format!("set_capture_invoices_to_payer({on})"));
        self.payer_io.capture_invoices = on;
    }

    /// How many captured messages of `kind` are on their way to the payer.
    pub fn captured_invoices_to_payer(&self, kind: &OmKind) -> usize {
        self.payer_io
            .captured_invoices
            .iter()
            .filter(|(_, k)| k == kind)
            .count()
    }

    /// Delivers the first not yet delivered captured message of `kind`
    /// (`StaticInvoice` or `Invoice`) on its way to the payer, from the hop
    /// where it was captured, and settles. Returns false if there is none.
    pub fn deliver_captured_invoice_to_payer(&mut self, kind: OmKind) -> Result<bool, DriverError> {
        self.note(format!("deliver_captured_invoice_to_payer({kind:?})"));
        let Some((c, _)) = self
            .payer_io
            .captured_invoices
            .iter_mut()
            .find(|(c, k)| *k == kind && c.deliveries == 0)
        else {
            return Ok(false);
        };
        c.deliveries += 1;
        let (from, to, om) = (c.from, c.to, c.om.clone());
        if !self.connected.contains(&super::pair(from, to)) {
            return step_err("the captured invoice's hop is not connected");
        }
        self.nodes[to]
            .onion_messenger
            .handle_onion_message(self.ids[from], &om);
        self.settle()?;
        Ok(true)
    }

    /// Puts in the invoice server's store, in place of the recipient's real
    /// static invoice, one that is `age` old, as if the recipient had
    /// registered it that long ago; the recipient's offer becomes the one it
    /// answers. Returns that offer.
    ///
    /// LDK stamps `created_at` with the wall clock (offers/flow.rs:196-203)
    /// and its payer compares it with the wall clock
    /// (ln/outbound_payment.rs:1177-1183), so the invoice's age when it
    /// reaches the payer is set here, in `created_at`.
    ///
    /// The invoice `S` is built as the recipient builds its own
    /// (offers/flow.rs:881-890 `StaticInvoiceBuilder::for_offer_using_derived_keys`,
    /// `allow_mpp`), with the recipient's expanded key, its real invoice's
    /// payment and message paths, `created_at = now - age`, and no
    /// `relative_expiry` (so LDK's default applies: 14 days,
    /// offers/static_invoice.rs:53). It must answer an offer whose signing
    /// key the recipient derives from a nonce; LDK drops the nonce of the
    /// real offer (offers/offer.rs:430-457: no metadata when there are
    /// blinded paths), so the driver builds that offer `O` itself with
    /// `OfferBuilder::deriving_signing_pubkey` (the recipient's node id and
    /// expanded key, a fresh nonce from its entropy source), the real
    /// offer's chain and blinded paths (to the invoice server, with the
    /// recipient's `(recipient_id, slot)` context). `S` replaces the real
    /// invoice at the store entry whose offer paths are the real offer's.
    pub fn serve_aged_static_invoice(
        &mut self,
        age: std::time::Duration,
    ) -> Result<Offer, DriverError> {
        self.note(format!("serve_aged_static_invoice({}s)", age.as_secs()));
        let Some(real) = self.offer.clone() else {
            return step_err("no offer");
        };
        let Some((key, (real_inv, invreq_path))) = self
            .store
            .iter()
            .find(|(_, (inv, _))| inv.offer_message_paths() == real.paths())
            .map(|(k, v)| (k.clone(), v.clone()))
        else {
            return step_err("the invoice server stores no static invoice for the real offer");
        };
        let recipient = &self.nodes[3];
        let expanded_key = recipient.keys_manager.get_expanded_key();
        let nonce = Nonce::from_entropy_source(recipient.keys_manager);
        let mut builder =
            OfferBuilder::deriving_signing_pubkey(self.ids[3], &expanded_key, nonce, &self.secp);
        let chains = real.chains();
        if let Some(network) = [
            lightning::bitcoin::Network::Bitcoin,
            lightning::bitcoin::Network::Testnet,
            lightning::bitcoin::Network::Signet,
            lightning::bitcoin::Network::Regtest,
        ]
        .into_iter()
        .find(|n| {
            chains.first()
                == Some(&lightning::bitcoin::constants::ChainHash::using_genesis_block(*n))
        }) {
            builder = builder.chain(network);
        }
        for p in real.paths() {
            builder = builder.path(p.clone());
        }
        let offer = builder
            .build()
            .map_err(|e| DriverError::Step(format!("aged offer: {e:?}")))?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| DriverError::Step("wall clock before 1970".into()))?;
        let created_at = now.saturating_sub(age);
        let inv = StaticInvoiceBuilder::for_offer_using_derived_keys(
            &offer,
            real_inv.payment_paths().to_vec(),
            release::held_htlc_available_paths(&real_inv).to_vec(),
            created_at,
            &expanded_key,
            nonce,
            &self.secp,
        )
        .and_then(|b| b.allow_mpp().build_and_sign(&self.secp))
        .map_err(|e| DriverError::Step(format!("aged static invoice: {e:?}")))?;
        self.store.insert(key, (inv.clone(), invreq_path));
        self.payer_io.aged = Some(inv);
        self.offer = Some(offer.clone());
        Ok(offer)
    }

    /// The recipient answers a `held_htlc_available` whose reply path is
    /// `reply_path_hex` with its genuine `release_held_htlc`, which is
    /// delivered: the recipient comes online if it is not, the first
    /// captured `held_htlc_available` carrying that reply path is handed to
    /// it, and the release it sends (captured on its first hop) is
    /// delivered. Returns false if no captured `held_htlc_available`
    /// carries that reply path.
    pub fn recipient_releases_over(&mut self, reply_path_hex: &str) -> Result<bool, DriverError> {
        self.note(format!("recipient_releases_over({reply_path_hex:.16}…)"));
        if !self.is_online(NodeRole::Recipient) {
            self.recipient_online()?;
        }
        let Some(idx) = self
            .held_htlc_available_reply_paths()
            .iter()
            .position(|r| r.as_deref() == Some(reply_path_hex))
        else {
            return Ok(false);
        };
        let before = self.releases.len();
        self.deliver_held_htlc_available_to_recipient(idx)?;
        if self.releases.len() == before {
            return step_err("the recipient sent no release_held_htlc");
        }
        for r in before..self.releases.len() {
            self.deliver_release(r)?;
        }
        Ok(true)
    }
}
