//! [`WireNode`] for each release: one text, compiled against `lightning`
//! 0.2.7 (`v0_2`) and 0.3.0-rc3 (`v0_3`). The few calls that differ between
//! the releases are the two small functions at the top of each module.

/// The node of one release, over that release's `functional_test_utils`.
macro_rules! release_node {
    ($ln:ident, $driver:ident, $release:expr) => {
        use crate::mixed::{Happening, NodeId, Release, WireNode};
        use std::cell::RefCell;
        use std::collections::HashMap;
        use $ln::bitcoin::absolute::LockTime;
        use $ln::bitcoin::secp256k1::PublicKey;
        use $ln::bitcoin::transaction::Version;
        use $ln::bitcoin::{Amount, Block, BlockHash, Transaction, TxOut};
        use $ln::blinded_path::message::BlindedMessagePath;
        use $ln::events::{Event, EventsProvider, ReplayEvent};
        use $ln::ln::channelmanager::PaymentId;
        use $ln::ln::functional_test_utils::{
            connect_block, create_chanmon_cfgs, create_network, create_node_cfgs,
            create_node_chanmgrs, Node,
        };
        use $ln::ln::msgs::{self, BaseMessageHandler, ChannelMessageHandler, ErrorAction};
        use $ln::ln::msgs::{MessageSendEvent, OnionMessageHandler, RoutingMessageHandler};
        use $ln::ln::wire::Type;
        use $ln::offers::offer::Offer;
        use $ln::offers::static_invoice::StaticInvoice;
        use $ln::util::ser::{LengthReadable, Readable, Writeable};

        /// One role's node, and what an LDK user keeps beside it.
        struct Wired<'a, 'b, 'c> {
            n: Node<'a, 'b, 'c>,
            /// Onion messages intercepted for offline peers.
            kept: RefCell<Vec<(PublicKey, msgs::OnionMessage)>>,
            /// Funding transactions built, not yet mined.
            funding: RefCell<Vec<Transaction>>,
            /// The invoice server's store: (recipient id, slot) → invoice and path.
            store: RefCell<HashMap<(Vec<u8>, u16), (StaticInvoice, BlindedMessagePath)>>,
        }

        fn key(id: NodeId) -> Result<PublicKey, String> {
            PublicKey::from_slice(&id).map_err(|e| format!("node id: {e}"))
        }

        fn wire<M: Type + Writeable>(msg: &M) -> Vec<u8> {
            let mut out = msg.type_id().to_be_bytes().to_vec();
            out.extend(msg.encode());
            out
        }

        fn read<M: LengthReadable>(body: &[u8], what: &str) -> Result<M, String> {
            let mut r = body;
            M::read_from_fixed_length_buffer(&mut r)
                .map_err(|e| format!("{} cannot read {what}: {e:?}", $release))
        }

        fn short<T: std::fmt::Debug>(t: &T) -> String {
            format!("{t:?}").chars().take(200).collect()
        }

        /// Builds this release's four nodes, every one disconnected from
        /// every other, and hands them to `f`.
        pub fn with_nodes<R>(f: impl FnOnce(&[&dyn WireNode]) -> R) -> R {
            let chanmon_cfgs = create_chanmon_cfgs(4);
            let node_cfgs = create_node_cfgs(4, &chanmon_cfgs);
            let chanmgrs = create_node_chanmgrs(
                4,
                &node_cfgs,
                &$driver::nodes::role_configs(&Default::default()),
            );
            let nodes = create_network(4, &node_cfgs, &chanmgrs);
            let ids: Vec<PublicKey> = nodes.iter().map(|n| n.node.get_our_node_id()).collect();
            for n in &nodes {
                for id in &ids {
                    if *id != n.node.get_our_node_id() {
                        n.node.peer_disconnected(*id);
                        n.onion_messenger.peer_disconnected(*id);
                    }
                }
            }
            let wired: Vec<Wired> = nodes
                .into_iter()
                .map(|n| Wired {
                    n,
                    kept: RefCell::new(Vec::new()),
                    funding: RefCell::new(Vec::new()),
                    store: RefCell::new(HashMap::new()),
                })
                .collect();
            for w in &wired {
                w.drain();
            }
            let refs: Vec<&dyn WireNode> = wired.iter().map(|w| w as &dyn WireNode).collect();
            let r = f(&refs);
            for w in &wired {
                w.drain();
            }
            r
        }

        impl Wired<'_, '_, '_> {
            fn event(&self, ev: Event) -> Happening {
                let n = &self.n.node;
                match ev {
                    Event::OpenChannelRequest {
                        temporary_channel_id,
                        counterparty_node_id,
                        ..
                    } => Happening::Other(format!(
                        "OpenChannelRequest, accepted: {:?}",
                        n.accept_inbound_channel(
                            &temporary_channel_id,
                            &counterparty_node_id,
                            0,
                            None
                        )
                    )),
                    Event::FundingGenerationReady {
                        temporary_channel_id,
                        counterparty_node_id,
                        channel_value_satoshis,
                        output_script,
                        ..
                    } => {
                        let tx = Transaction {
                            // A version per funding, so each txid is new.
                            version: Version(self.funding.borrow().len() as i32 + 2),
                            lock_time: LockTime::ZERO,
                            input: Vec::new(),
                            output: vec![TxOut {
                                value: Amount::from_sat(channel_value_satoshis),
                                script_pubkey: output_script,
                            }],
                        };
                        let r = n.funding_transaction_generated(
                            temporary_channel_id,
                            counterparty_node_id,
                            tx.clone(),
                        );
                        self.funding.borrow_mut().push(tx);
                        Happening::Other(format!("FundingGenerationReady: {r:?}"))
                    }
                    Event::PersistStaticInvoice {
                        invoice,
                        invoice_request_path,
                        invoice_slot,
                        recipient_id,
                        invoice_persisted_path,
                    } => {
                        self.store.borrow_mut().insert(
                            (recipient_id, invoice_slot),
                            (invoice, invoice_request_path),
                        );
                        n.static_invoice_persisted(invoice_persisted_path);
                        Happening::InvoicePersisted
                    }
                    Event::StaticInvoiceRequested {
                        recipient_id,
                        invoice_slot,
                        reply_path,
                        invoice_request,
                    } => {
                        let stored = self
                            .store
                            .borrow()
                            .get(&(recipient_id, invoice_slot))
                            .cloned();
                        match stored {
                            Some((inv, path)) => {
                                match n.respond_to_static_invoice_request(
                                    inv,
                                    reply_path,
                                    invoice_request,
                                    path,
                                ) {
                                    Ok(()) => Happening::InvoiceServed,
                                    Err(e) => Happening::Failed(format!(
                                        "respond_to_static_invoice_request: {e:?}"
                                    )),
                                }
                            }
                            None => {
                                Happening::Failed("invoice requested for no stored invoice".into())
                            }
                        }
                    }
                    Event::PaymentClaimable {
                        payment_hash,
                        amount_msat,
                        purpose,
                        ..
                    } => {
                        if let Some(p) = purpose.preimage() {
                            n.claim_funds(p);
                        }
                        Happening::PaymentClaimable {
                            payment_hash: payment_hash.0,
                            amount_msat,
                        }
                    }
                    Event::PaymentClaimed { payment_hash, .. } => Happening::PaymentClaimed {
                        payment_hash: payment_hash.0,
                    },
                    Event::PaymentSent {
                        payment_preimage, ..
                    } => Happening::PaymentSent {
                        preimage: payment_preimage.0,
                    },
                    Event::PaymentForwarded { .. } => Happening::PaymentForwarded,
                    ev @ (Event::PaymentFailed { .. }
                    | Event::PaymentPathFailed { .. }
                    | Event::HTLCHandlingFailed { .. }) => Happening::Failed(short(&ev)),
                    Event::ChannelClosed { reason, .. } => Happening::ChannelClosed(short(&reason)),
                    other => Happening::Other(short(&other)),
                }
            }

            fn messenger_event(&self, ev: Event) -> Happening {
                if let Some(kept) = super::intercepted(&ev) {
                    self.kept.borrow_mut().push(kept);
                    return Happening::Other("OnionMessageIntercepted".into());
                }
                match ev {
                    Event::OnionMessagePeerConnected { peer_node_id } => {
                        // What an LDK user does on this event: forward what
                        // it kept for the peer.
                        let (mine, rest): (Vec<_>, Vec<_>) = self
                            .kept
                            .take()
                            .into_iter()
                            .partition(|(p, _)| *p == peer_node_id);
                        *self.kept.borrow_mut() = rest;
                        for (_, m) in mine {
                            let _ = self
                                .n
                                .onion_messenger
                                .forward_onion_message(m, &peer_node_id);
                        }
                        Happening::Other("OnionMessagePeerConnected".into())
                    }
                    other => Happening::Other(short(&other)),
                }
            }

            fn outbound(
                &self,
                ev: MessageSendEvent,
                peers: &[NodeId],
                out: &mut Vec<(NodeId, Vec<u8>)>,
            ) {
                let to = |pk: &PublicKey| pk.serialize();
                let gossip = &self.n.gossip_sync;
                match ev {
                    MessageSendEvent::SendOpenChannel { node_id, msg } => {
                        out.push((to(&node_id), wire(&msg)))
                    }
                    MessageSendEvent::SendAcceptChannel { node_id, msg } => {
                        out.push((to(&node_id), wire(&msg)))
                    }
                    MessageSendEvent::SendFundingCreated { node_id, msg } => {
                        out.push((to(&node_id), wire(&msg)))
                    }
                    MessageSendEvent::SendFundingSigned { node_id, msg } => {
                        out.push((to(&node_id), wire(&msg)))
                    }
                    MessageSendEvent::SendChannelReady { node_id, msg } => {
                        out.push((to(&node_id), wire(&msg)))
                    }
                    MessageSendEvent::SendAnnouncementSignatures { node_id, msg } => {
                        out.push((to(&node_id), wire(&msg)))
                    }
                    MessageSendEvent::SendRevokeAndACK { node_id, msg } => {
                        out.push((to(&node_id), wire(&msg)))
                    }
                    MessageSendEvent::SendClosingSigned { node_id, msg } => {
                        out.push((to(&node_id), wire(&msg)))
                    }
                    MessageSendEvent::SendShutdown { node_id, msg } => {
                        out.push((to(&node_id), wire(&msg)))
                    }
                    MessageSendEvent::SendChannelReestablish { node_id, msg } => {
                        out.push((to(&node_id), wire(&msg)))
                    }
                    MessageSendEvent::SendChannelUpdate { node_id, msg } => {
                        out.push((to(&node_id), wire(&msg)))
                    }
                    MessageSendEvent::SendStfu { node_id, msg } => {
                        out.push((to(&node_id), wire(&msg)))
                    }
                    MessageSendEvent::SendPeerStorage { node_id, msg } => {
                        out.push((to(&node_id), wire(&msg)))
                    }
                    MessageSendEvent::SendPeerStorageRetrieval { node_id, msg } => {
                        out.push((to(&node_id), wire(&msg)))
                    }
                    MessageSendEvent::UpdateHTLCs {
                        node_id, updates, ..
                    } => {
                        let d = to(&node_id);
                        for m in &updates.update_add_htlcs {
                            out.push((d, wire(m)));
                        }
                        for m in &updates.update_fulfill_htlcs {
                            out.push((d, wire(m)));
                        }
                        for m in &updates.update_fail_htlcs {
                            out.push((d, wire(m)));
                        }
                        for m in &updates.update_fail_malformed_htlcs {
                            out.push((d, wire(m)));
                        }
                        if let Some(m) = &updates.update_fee {
                            out.push((d, wire(m)));
                        }
                        for m in &updates.commitment_signed {
                            out.push((d, wire(m)));
                        }
                    }
                    MessageSendEvent::SendChannelAnnouncement {
                        node_id,
                        msg,
                        update_msg,
                    } => {
                        out.push((to(&node_id), wire(&msg)));
                        out.push((to(&node_id), wire(&update_msg)));
                    }
                    // A node's own broadcasts reach its own graph first, as
                    // LDK's peer handler does, then every peer.
                    MessageSendEvent::BroadcastChannelAnnouncement { msg, update_msg } => {
                        let _ = gossip.handle_channel_announcement(None, &msg);
                        for p in peers {
                            out.push((*p, wire(&msg)));
                        }
                        if let Some(u) = update_msg {
                            let _ = RoutingMessageHandler::handle_channel_update(gossip, None, &u);
                            for p in peers {
                                out.push((*p, wire(&u)));
                            }
                        }
                    }
                    MessageSendEvent::BroadcastChannelUpdate { msg, .. } => {
                        let _ = RoutingMessageHandler::handle_channel_update(gossip, None, &msg);
                        for p in peers {
                            out.push((*p, wire(&msg)));
                        }
                    }
                    MessageSendEvent::BroadcastNodeAnnouncement { msg } => {
                        let _ = gossip.handle_node_announcement(None, &msg);
                        for p in peers {
                            out.push((*p, wire(&msg)));
                        }
                    }
                    MessageSendEvent::HandleError { node_id, action } => match action {
                        ErrorAction::SendErrorMessage { msg }
                        | ErrorAction::DisconnectPeer { msg: Some(msg) } => {
                            out.push((to(&node_id), wire(&msg)))
                        }
                        ErrorAction::SendWarningMessage { msg, .. }
                        | ErrorAction::DisconnectPeerWithWarning { msg } => {
                            out.push((to(&node_id), wire(&msg)))
                        }
                        _ => {}
                    },
                    // Gossip queries and interactive construction: not part
                    // of the flow.
                    _ => {}
                }
            }
        }

        impl WireNode for Wired<'_, '_, '_> {
            fn id(&self) -> NodeId {
                self.n.node.get_our_node_id().serialize()
            }

            fn init_for(&self, peer: NodeId) -> Vec<u8> {
                let Ok(pk) = key(peer) else {
                    return Vec::new();
                };
                wire(&msgs::Init {
                    features: self.n.init_features(pk),
                    networks: None,
                    remote_network_address: None,
                })
            }

            fn connected(&self, peer: NodeId, init: &[u8], inbound: bool) -> Result<(), String> {
                let pk = key(peer)?;
                if init.len() < 2 || init[..2] != [0, 16] {
                    return Err("not an init message".into());
                }
                let init: msgs::Init = read(&init[2..], "init")?;
                self.n
                    .node
                    .peer_connected(pk, &init, inbound)
                    .map_err(|()| format!("{}: the channel manager refused the peer", $release))?;
                self.n
                    .onion_messenger
                    .peer_connected(pk, &init, inbound)
                    .map_err(|()| format!("{}: the onion messenger refused the peer", $release))
            }

            fn disconnected(&self, peer: NodeId) {
                if let Ok(pk) = key(peer) {
                    self.n.node.peer_disconnected(pk);
                    self.n.onion_messenger.peer_disconnected(pk);
                }
            }

            fn outbox(&self, peers: &[NodeId]) -> Vec<(NodeId, Vec<u8>)> {
                let mut out = Vec::new();
                for ev in self.n.node.get_and_clear_pending_msg_events() {
                    self.outbound(ev, peers, &mut out);
                }
                for p in peers {
                    let Ok(pk) = key(*p) else { continue };
                    while let Some(om) = self.n.onion_messenger.next_onion_message_for_peer(pk) {
                        out.push((*p, wire(&om)));
                    }
                }
                out
            }

            fn deliver(&self, from: NodeId, msg: &[u8]) -> Result<(), String> {
                let pk = key(from)?;
                if msg.len() < 2 {
                    return Err("a message shorter than its type".into());
                }
                let (ty, b) = (u16::from_be_bytes([msg[0], msg[1]]), &msg[2..]);
                let n = &self.n.node;
                let gossip = &self.n.gossip_sync;
                match ty {
                    1 => {
                        let m: msgs::WarningMessage = read(b, "warning")?;
                        return Err(format!("warning from the peer: {}", m.data));
                    }
                    2 => n.handle_stfu(pk, &read(b, "stfu")?),
                    7 => n.handle_peer_storage(pk, read(b, "peer_storage")?),
                    9 => n.handle_peer_storage_retrieval(pk, read(b, "peer_storage_retrieval")?),
                    17 => {
                        let m: msgs::ErrorMessage = read(b, "error")?;
                        n.handle_error(pk, &m);
                        return Err(format!("error from the peer: {}", m.data));
                    }
                    32 => n.handle_open_channel(pk, &read(b, "open_channel")?),
                    33 => n.handle_accept_channel(pk, &read(b, "accept_channel")?),
                    34 => n.handle_funding_created(pk, &read(b, "funding_created")?),
                    35 => n.handle_funding_signed(pk, &read(b, "funding_signed")?),
                    36 => n.handle_channel_ready(pk, &read(b, "channel_ready")?),
                    38 => n.handle_shutdown(pk, &read(b, "shutdown")?),
                    39 => n.handle_closing_signed(pk, &read(b, "closing_signed")?),
                    128 => n.handle_update_add_htlc(pk, &read(b, "update_add_htlc")?),
                    130 => n.handle_update_fulfill_htlc(pk, read(b, "update_fulfill_htlc")?),
                    131 => n.handle_update_fail_htlc(pk, &read(b, "update_fail_htlc")?),
                    132 => n.handle_commitment_signed(pk, &read(b, "commitment_signed")?),
                    133 => n.handle_revoke_and_ack(pk, &read(b, "revoke_and_ack")?),
                    134 => n.handle_update_fee(pk, &read(b, "update_fee")?),
                    135 => n.handle_update_fail_malformed_htlc(
                        pk,
                        &read(b, "update_fail_malformed_htlc")?,
                    ),
                    136 => n.handle_channel_reestablish(pk, &read(b, "channel_reestablish")?),
                    256 => {
                        let _ = gossip.handle_channel_announcement(
                            Some(pk),
                            &read(b, "channel_announcement")?,
                        );
                    }
                    257 => {
                        let _ = gossip
                            .handle_node_announcement(Some(pk), &read(b, "node_announcement")?);
                    }
                    258 => {
                        let m: msgs::ChannelUpdate = read(b, "channel_update")?;
                        let _ = RoutingMessageHandler::handle_channel_update(gossip, Some(pk), &m);
                        ChannelMessageHandler::handle_channel_update(&**n, pk, &m);
                    }
                    259 => {
                        n.handle_announcement_signatures(pk, &read(b, "announcement_signatures")?)
                    }
                    513 => self
                        .n
                        .onion_messenger
                        .handle_onion_message(pk, &read(b, "onion_message")?),
                    other => {
                        return Err(format!("{}: no reader for message type {other}", $release))
                    }
                }
                Ok(())
            }

            fn step(&self) -> Vec<Happening> {
                self.n.node.process_pending_htlc_forwards();
                let mut seen: Vec<Happening> = self
                    .n
                    .node
                    .get_and_clear_pending_events()
                    .into_iter()
                    .map(|ev| self.event(ev))
                    .collect();
                let got: RefCell<Vec<Event>> = RefCell::new(Vec::new());
                let sink = |e: Event| -> Result<(), ReplayEvent> {
                    got.borrow_mut().push(e);
                    Ok(())
                };
                self.n.onion_messenger.process_pending_events(&sink);
                seen.extend(
                    got.into_inner()
                        .into_iter()
                        .map(|ev| self.messenger_event(ev)),
                );
                self.n.chain_monitor.added_monitors.lock().unwrap().clear();
                seen
            }

            fn take_funding(&self) -> Vec<Transaction> {
                self.funding.take()
            }

            fn tip(&self) -> (BlockHash, u32) {
                self.n.best_block_info()
            }

            fn connect_block(&self, block: &Block) {
                connect_block(&self.n, block);
            }

            fn open_channel(
                &self,
                peer: NodeId,
                value_sat: u64,
                announced: bool,
            ) -> Result<(), String> {
                let mut cfg = self.n.node.get_current_config();
                cfg.channel_handshake_config.announce_for_forwarding = announced;
                self.n
                    .node
                    .create_channel(key(peer)?, value_sat, 0, 42, None, Some(cfg))
                    .map(|_| ())
                    .map_err(|e| format!("create_channel: {e:?}"))
            }

            fn timer_tick(&self) {
                self.n.node.timer_tick_occurred();
            }

            fn paths_for_async_recipient(&self) -> Result<Vec<u8>, String> {
                let paths = self
                    .n
                    .node
                    .blinded_paths_for_async_recipient(b"asyncpay-recipient".to_vec(), None)
                    .map_err(|()| "no paths for the recipient".to_string())?;
                let mut out = vec![paths.len() as u8];
                for p in &paths {
                    out.extend(p.encode());
                }
                Ok(out)
            }

            fn set_paths_to_server(&self, server: NodeId, paths: &[u8]) -> Result<(), String> {
                let (count, mut r) = paths.split_first().ok_or("no paths")?;
                let mut read = Vec::new();
                for _ in 0..*count {
                    read.push(
                        <BlindedMessagePath as Readable>::read(&mut r)
                            .map_err(|e| format!("{} cannot read a path: {e:?}", $release))?,
                    );
                }
                self.n
                    .message_router
                    .peers_override
                    .lock()
                    .unwrap()
                    .push(key(server)?);
                self.n
                    .node
                    .set_paths_to_static_invoice_server(read)
                    .map_err(|()| "set_paths_to_static_invoice_server".to_string())
            }

            fn async_offer(&self) -> Result<String, String> {
                self.n
                    .node
                    .get_async_receive_offer()
                    .map(|o| o.to_string())
                    .map_err(|()| "no async receive offer".to_string())
            }

            fn pay_offer(&self, offer: &str, amount_msat: u64) -> Result<(), String> {
                let offer: Offer = offer
                    .parse()
                    .map_err(|e| format!("{} cannot read the offer: {e:?}", $release))?;
                self.n
                    .node
                    .pay_for_offer(
                        &offer,
                        Some(amount_msat),
                        PaymentId([1; 32]),
                        Default::default(),
                    )
                    .map_err(|e| format!("pay_for_offer: {e:?}"))
            }

            fn kept_for(&self, peer: NodeId) -> usize {
                self.kept
                    .borrow()
                    .iter()
                    .filter(|(p, _)| p.serialize() == peer)
                    .count()
            }

            fn drain(&self) {
                let _ = self.n.node.get_and_clear_pending_msg_events();
                let _ = self.n.node.get_and_clear_pending_events();
                let sink = |_e: Event| -> Result<(), ReplayEvent> { Ok(()) };
                self.n.onion_messenger.process_pending_events(&sink);
                self.n.chain_monitor.added_monitors.lock().unwrap().clear();
            }
        }
    };
}

/// LDK 0.2.7.
pub mod v0_2 {
    use lightning_0_2::bitcoin::secp256k1::PublicKey;
    use lightning_0_2::events::Event;
    use lightning_0_2::ln::msgs::OnionMessage;

    /// An onion message kept for an offline peer, and the peer.
    fn intercepted(ev: &Event) -> Option<(PublicKey, OnionMessage)> {
        match ev {
            Event::OnionMessageIntercepted {
                peer_node_id,
                message,
            } => Some((*peer_node_id, message.clone())),
            _ => None,
        }
    }

    /// The nodes.
    pub mod nodes {
        release_node!(lightning_0_2, asyncpay_ldk, Release::V0_2);
    }
}

/// LDK 0.3.0-rc3.
pub mod v0_3 {
    use lightning::bitcoin::secp256k1::PublicKey;
    use lightning::blinded_path::message::NextMessageHop;
    use lightning::events::Event;
    use lightning::ln::msgs::OnionMessage;

    /// An onion message kept for an offline peer, and the peer (0.3 names
    /// the next hop as a node id or a short channel id; the network
    /// forwards to node ids only).
    fn intercepted(ev: &Event) -> Option<(PublicKey, OnionMessage)> {
        match ev {
            Event::OnionMessageIntercepted {
                next_hop: NextMessageHop::NodeId(peer),
                message,
                ..
            } => Some((*peer, message.clone())),
            _ => None,
        }
    }

    /// The nodes.
    pub mod nodes {
        release_node!(lightning, asyncpay_ldk_0_3, Release::V0_3);
    }
}
