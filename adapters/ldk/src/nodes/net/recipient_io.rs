//! Driver capabilities for `role_under_test: recipient` (crafted payments
//! and crafted `held_htlc_available` messages into the real recipient).
//!
//! **Crafted payments.** A commitment transaction commits to an HTLC's
//! amount, `payment_hash` and `cltv_expiry`, not to its onion. The payer
//! sends a payment over an explicit route (`send_payment_with_route`) whose
//! last part is the recipient's blinded payment path from its static invoice;
//! before its `update_add_htlc` reaches the LSP, the driver replaces the
//! onion by one built with `create_payment_onion` over the same route, with
//! the same session key (the payer's random bytes are fixed while it sends)
//! and the same block height, so the first hops read exactly the values the
//! commitments hold, while the final payload carries what the scenario says
//! (`keysend_preimage` even if it does not hash to `payment_hash`, an
//! `invoice_request` or none, any amount). The LSP and the invoice server
//! then forward it for real, and the real recipient decides.
//!
//! **Crafted `held_htlc_available`.** Built with `create_onion_message` as
//! the payer would, over one of the recipient's static invoice message
//! paths, with a reply path the driver builds to the LSP (or none), and
//! handed to the path's first hop.

use super::{step_err, AsyncNet, DriverError, NodeRole};

use crate::release;
use lightning::blinded_path::message::{AsyncPaymentsContext, BlindedMessagePath, MessageContext};
use lightning::blinded_path::IntroductionNode;
use lightning::ln::channelmanager::{InterceptId, PaymentId, MIN_FINAL_CLTV_EXPIRY_DELTA};
use lightning::ln::msgs::{BaseMessageHandler, MessageSendEvent, OnionMessageHandler};
use lightning::offers::invoice_request::InvoiceRequest;
use lightning::offers::nonce::Nonce;
use lightning::offers::static_invoice::StaticInvoice;
use lightning::onion_message::async_payments::{AsyncPaymentsMessage, HeldHtlcAvailable};
use lightning::onion_message::messenger::{create_onion_message, Destination, OnionMessagePath};
use lightning::routing::router::{
    InFlightHtlcs, PaymentParameters, Route, RouteParameters, Router,
};
use lightning::sign::NodeSigner;
use lightning::types::payment::{PaymentHash, PaymentPreimage};

use lightning::bitcoin::secp256k1::{PublicKey, Secp256k1, SecretKey};

/// LDK's `CLTV_FAR_FAR_AWAY` (channelmanager.rs:3091, crate-private): the
/// floor of a static invoice payment path's relative `max_cltv_expiry`.
pub const CLTV_FAR_FAR_AWAY: u32 = 14 * 24 * 6;
/// LDK's `LATENCY_GRACE_PERIOD_BLOCKS`, added to `max_cltv_expiry` (offers/flow.rs:342-344).
pub const LATENCY_GRACE_PERIOD_BLOCKS: u32 = 3;
/// LDK's `SECONDS_PER_BLOCK` for payment path expiry (offers/flow.rs:340).
const SECONDS_PER_BLOCK: u64 = 9 * 60;

/// The session key the payer's crafted payments use (its random bytes are
/// fixed to this while it sends).
const SESSION_KEY: [u8; 32] = [0x5e; 32];

/// A payment the payer sends to the recipient's static invoice payment path
/// with a final payload the driver chooses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CraftedPayment {
    /// `payment_hash` of the HTLC.
    pub payment_hash: [u8; 32],
    /// The amount the recipient receives (`amt_to_forward` and
    /// `total_msat` of the final payload, and the HTLC's amount there).
    pub amount_msat: u64,
    /// `keysend_preimage` (the draft's `sender_provided_payment_preimage`).
    pub keysend_preimage: Option<[u8; 32]>,
    /// `Some(amount)`: an `invoice_request` for the recipient's offer,
    /// built and signed with the payer's keys, with that `amount_msats`.
    /// `None`: no `invoice_request`.
    pub invoice_request_amount_msat: Option<u64>,
    /// The `cltv_expiry` the HTLC has when it reaches the recipient;
    /// `None`: the payer's router's choice.
    pub recipient_cltv_expiry: Option<u32>,
    /// Further records of the final payload (LDK's custom TLVs: types of
    /// 2^16 and above, increasing).
    pub custom_tlvs: Vec<(u64, Vec<u8>)>,
}

/// What the driver sent for a [`CraftedPayment`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CraftedSend {
    /// The payer's payment id.
    pub payment_id: PaymentId,
    /// The `cltv_expiry` the recipient's HTLC is expected to carry.
    pub recipient_cltv_expiry: u32,
    /// The `outgoing_cltv_value` of the final payload.
    pub onion_cltv_value: u32,
}

impl AsyncNet<'_, '_> {
    /// The static invoice the invoice server serves for the recipient's
    /// offer ([`AsyncNet::offer`]).
    pub fn offer_static_invoice(&self) -> Option<StaticInvoice> {
        let offer = self.offer.as_ref()?;
        self.store
            .values()
            .map(|(i, _)| i)
            .find(|i| i.offer_id() == offer.id())
            .cloned()
    }

    /// The `max_cltv_expiry` LDK put in the payment constraints of the
    /// static invoice's payment paths, for an invoice built at block
    /// `created_height`: `created_height + max(relative_expiry / 540 s,
    /// 2016) + 3` (offers/flow.rs:340-344, where the relative expiry is the
    /// offer's, as the invoice's). Checked by the driver test
    /// `recipient_path_max_cltv_expiry_boundary`.
    pub fn static_invoice_max_cltv_expiry(inv: &StaticInvoice, created_height: u32) -> u32 {
        let rel_blocks = (inv.relative_expiry().as_secs() / SECONDS_PER_BLOCK).min(u32::MAX as u64);
        (rel_blocks as u32)
            .max(CLTV_FAR_FAR_AWAY)
            .saturating_add(LATENCY_GRACE_PERIOD_BLOCKS)
            .saturating_add(created_height)
    }

    /// Moves every node's chain tip `n` blocks ahead in one step: one empty
    /// block at the new height, announced through LDK's `Confirm` interface
    /// (`best_block_updated`), as a client that syncs by tip (Electrum or
    /// Esplora style) sees the chain after being away; then settles. (The
    /// test utilities' `connect_blocks` take quadratic time in the chain's
    /// length: tens of thousands of blocks would take minutes.)
    pub fn jump_blocks(&mut self, n: u32) -> Result<(), DriverError> {
        use lightning::chain::Confirm;
        self.note(format!("jump_blocks({n})"));
        if n == 0 {
            return Ok(());
        }
        for node in &self.nodes {
            let (hash, h) = node.best_block_info();
            let height = h + n;
            let block = lightning::ln::functional_test_utils::create_dummy_block(
                hash,
                self.sim_time,
                Vec::new(),
            );
            node.blocks.lock().unwrap().push((block.clone(), height));
            node.chain_monitor
                .chain_monitor
                .best_block_updated(&block.header, height);
            node.node.best_block_updated(&block.header, height);
        }
        self.settle()
    }

    /// An `invoice_request` for the recipient's offer, with `amount_msat`,
    /// built and signed with the payer's keys.
    pub fn payer_invoice_request(&self, amount_msat: u64) -> Result<InvoiceRequest, DriverError> {
        let Some(offer) = self.offer.as_ref() else {
            return step_err("no offer");
        };
        let payer = &self.nodes[0];
        let key = payer.keys_manager.get_expanded_key();
        let nonce = Nonce::from_entropy_source(payer.keys_manager);
        let id = PaymentId([0xa5; 32]);
        let b = offer
            .request_invoice(&key, nonce, &self.secp, id)
            .map_err(|e| DriverError::Step(format!("request_invoice: {e:?}")))?;
        let b = match offer.chains().first() {
            Some(c) => {
                let net = lightning::bitcoin::Network::from_chain_hash(*c);
                match net {
                    Some(n) => b
                        .chain(n)
                        .map_err(|e| DriverError::Step(format!("invoice_request chain: {e:?}")))?,
                    None => b,
                }
            }
            None => b,
        };
        b.amount_msats(amount_msat)
            .map_err(|e| DriverError::Step(format!("invoice_request amount: {e:?}")))?
            .build_and_sign()
            .map_err(|e| DriverError::Step(format!("invoice_request build: {e:?}")))
    }

    /// The payer's route to the recipient over the static invoice's first
    /// payment path, for `amount_msat`.
    fn route_to_recipient(&self, amount_msat: u64) -> Result<Route, DriverError> {
        let Some(inv) = self.offer_static_invoice() else {
            return step_err("the invoice server serves no static invoice for the offer");
        };
        let Some(path) = inv.payment_paths().first().cloned() else {
            return step_err("static invoice without payment paths");
        };
        let params = PaymentParameters::blinded(vec![path]);
        let rp = RouteParameters::from_payment_params_and_value(params, amount_msat);
        let payer = &self.nodes[0];
        let first_hops = payer.node.list_usable_channels();
        let refs: Vec<&_> = first_hops.iter().collect();
        payer
            .router
            .find_route(&self.ids[0], &rp, Some(&refs), InFlightHtlcs::new())
            .map_err(|e| DriverError::Step(format!("find_route: {e}")))
    }

    /// Sends `p` (see the module documentation) and settles.
    pub fn send_crafted_payment(&mut self, p: &CraftedPayment) -> Result<CraftedSend, DriverError> {
        self.note(format!("send_crafted_payment({p:?})"));
        let mut route = self.route_to_recipient(p.amount_msat)?;
        let cur_height = self.nodes[0].best_block_info().1 + 1;
        let payinfo_delta = match self.offer_static_invoice() {
            Some(i) => match i.payment_paths().first() {
                Some(pp) => u32::from(pp.payinfo.cltv_expiry_delta),
                None => return step_err("no payment path"),
            },
            None => return step_err("no static invoice"),
        };
        let recipient_cltv_expiry;
        {
            let Some(path) = route.paths.first_mut() else {
                return step_err("route without paths");
            };
            let Some(tail) = path.blinded_tail.as_mut() else {
                return step_err("route without a blinded tail");
            };
            tail.final_value_msat = p.amount_msat;
            // The recipient's HTLC expires at cur_height + the
            // introduction hop's delta - the invoice server's delta, where
            // the server's is the path's payinfo delta less
            // min_final_cltv_expiry_delta (routing/router.rs:198); the final
            // payload's outgoing_cltv_value is cur_height + excess
            // (onion_utils.rs:548).
            let Some(intro) = path.hops.last_mut() else {
                return step_err("route without hops");
            };
            let server_delta = payinfo_delta - u32::from(MIN_FINAL_CLTV_EXPIRY_DELTA);
            let natural = cur_height + intro.cltv_expiry_delta - server_delta;
            if let Some(target) = p.recipient_cltv_expiry {
                // Adding `extra` to the introduction hop's delta and to
                // the excess moves both by as much.
                if target < natural {
                    return step_err(format!("recipient cltv {target} below {natural}"));
                }
                let extra = target - natural;
                tail.excess_final_cltv_expiry_delta += extra;
                intro.cltv_expiry_delta += extra;
            }
            recipient_cltv_expiry = natural.max(p.recipient_cltv_expiry.unwrap_or(0));
        }
        route.paths.truncate(1);
        // The payer's failure handling looks the failed blinded path up in
        // the route's parameters, which must name it; send_payment lowers
        // max_path_length to what its onion fits (onion_utils.rs:688) and
        // the fixed route must carry exactly the parameters requested.
        // 0.3 also checks, under _test_utils, that the route's unblinded
        // hops fit max_path_length and its CLTV max_total_cltv_expiry_delta
        // (routing/router.rs:745-763 in 0.3.0-rc3): the crafted route's are
        // what the scenario asks for, so the parameters say so.
        #[cfg(ldk_0_3)]
        let max_path_length = u8::try_from(route.paths[0].hops.len()).unwrap_or(u8::MAX);
        #[cfg(not(ldk_0_3))]
        let max_path_length = 1;
        if let Some(rp) = route.route_params.as_mut() {
            rp.payment_params.max_path_length = max_path_length;
            #[cfg(ldk_0_3)]
            {
                rp.payment_params.max_total_cltv_expiry_delta = u32::MAX;
            }
            rp.final_value_msat = p.amount_msat;
        }
        let path = route.paths[0].clone();
        let tail = path.blinded_tail.clone().expect("checked above");
        let onion_cltv_value = cur_height + tail.excess_final_cltv_expiry_delta;

        let invreq = match p.invoice_request_amount_msat {
            Some(a) => Some(self.payer_invoice_request(a)?),
            None => None,
        };
        let session_priv = SecretKey::from_slice(&SESSION_KEY)
            .map_err(|e| DriverError::Step(format!("session key: {e}")))?;
        let payment_hash = PaymentHash(p.payment_hash);
        let keysend = p.keysend_preimage.map(PaymentPreimage);
        let fields =
            release::spontaneous_fields(p.amount_msat, p.custom_tlvs.clone()).map_err(|()| {
                DriverError::Step("custom TLVs LDK refuses (below 2^16 or out of order)".into())
            })?;
        let (onion, htlc_msat, htlc_cltv) = release::create_payment_onion(
            &self.secp,
            &path,
            &session_priv,
            p.amount_msat,
            &fields,
            cur_height,
            &payment_hash,
            &keysend,
            invreq.as_ref(),
            SESSION_KEY,
        )
        .map_err(|e| DriverError::Step(format!("create_payment_onion: {e:?}")))?;

        self.payments += 1;
        let payment_id = PaymentId([self.payments; 32]);
        let payer = &self.nodes[0];
        *payer.keys_manager.override_random_bytes.lock().unwrap() = Some(SESSION_KEY);
        let sent = payer.node.send_payment_with_route(
            route,
            payment_hash,
            release::spontaneous_fields(p.amount_msat, Vec::new()).expect("no custom TLVs"),
            payment_id,
        );
        *payer.keys_manager.override_random_bytes.lock().unwrap() = None;
        sent.map_err(|e| DriverError::Step(format!("send_payment_with_route: {e:?}")))?;

        // Swap the onion of the payer's update_add_htlc (same first-hop
        // amount and cltv_expiry, checked) before it reaches the LSP.
        let evs = self.nodes[0].node.get_and_clear_pending_msg_events();
        let lsp = self.ids[1];
        let mut swapped = 0;
        let mut out = Vec::new();
        for mut ev in evs {
            if let MessageSendEvent::UpdateHTLCs {
                node_id, updates, ..
            } = &mut ev
            {
                if *node_id == lsp {
                    for add in &mut updates.update_add_htlcs {
                        if add.payment_hash == payment_hash {
                            if add.amount_msat != htlc_msat || add.cltv_expiry != htlc_cltv {
                                return step_err(format!(
                                    "crafted onion disagrees with the payer's HTLC: \
                                     ({htlc_msat}, {htlc_cltv}) vs ({}, {})",
                                    add.amount_msat, add.cltv_expiry
                                ));
                            }
                            add.onion_routing_packet = onion.clone();
                            swapped += 1;
                        }
                    }
                }
            }
            out.push(ev);
        }
        if swapped != 1 {
            return step_err(format!(
                "expected one update_add_htlc to swap, saw {swapped}"
            ));
        }
        for ev in out {
            self.deliver_msg_event(0, ev);
        }
        self.settle()?;
        Ok(CraftedSend {
            payment_id,
            recipient_cltv_expiry,
            onion_cltv_value,
        })
    }

    /// The message paths of the recipient's static invoice for its offer.
    pub fn recipient_message_paths(&self) -> Vec<BlindedMessagePath> {
        self.offer_static_invoice()
            .map(|i| release::held_htlc_available_paths(&i).to_vec())
            .unwrap_or_default()
    }

    /// A fresh blinded path to the LSP (introduction node and destination)
    /// with a release context naming HTLC `tag`, authenticated with the LSP's
    /// key, as the LSP builds its release paths (the HTLC does not exist:
    /// the LSP would drop a release over it).
    pub fn lsp_release_reply_path(&self, tag: u8) -> BlindedMessagePath {
        let lsp = &self.nodes[1];
        let context = AsyncPaymentsContext::ReleaseHeldHtlc {
            intercept_id: InterceptId([tag; 32]),
            prev_outbound_scid_alias: 0,
            htlc_id: u64::from(tag),
        };
        release::message_path(
            &[],
            self.ids[1],
            0,
            lsp.keys_manager.get_receive_auth_key(),
            MessageContext::AsyncPayments(context),
            lsp.keys_manager,
            &self.secp,
        )
    }

    /// The payer sends `held_htlc_available` over `over` (a recipient
    /// message path) with `reply_path`: built as the payer's messenger
    /// builds it and handed to the path's first hop; then settles.
    pub fn send_held_htlc_available_over(
        &mut self,
        over: &BlindedMessagePath,
        reply_path: Option<BlindedMessagePath>,
    ) -> Result<(), DriverError> {
        self.note(format!(
            "send_held_htlc_available_over(intro {:?}, reply path: {})",
            over.introduction_node(),
            reply_path.is_some()
        ));
        let over = self.resolve_introduction(over)?;
        let intro = match over.introduction_node() {
            IntroductionNode::NodeId(pk) => *pk,
            IntroductionNode::DirectedShortChannelId(..) => {
                return step_err("unresolved introduction node");
            }
        };
        let payer = &self.nodes[0];
        let secp = Secp256k1::new();
        let path = OnionMessagePath {
            intermediate_nodes: vec![],
            destination: Destination::BlindedPath(over.clone()),
            first_node_addresses: vec![],
        };
        let (first, om, _) = create_onion_message(
            &payer.keys_manager,
            &payer.keys_manager,
            &&lightning::blinded_path::EmptyNodeIdLookUp {},
            &secp,
            path,
            AsyncPaymentsMessage::HeldHtlcAvailable(HeldHtlcAvailable {}),
            reply_path,
        )
        .map_err(|e| DriverError::Step(format!("create_onion_message: {e:?}")))?;
        if first != intro {
            return step_err("first hop is not the introduction node");
        }
        let Some(j) = self.idx_of(&first) else {
            return step_err("unknown first hop");
        };
        if j == 0 {
            return step_err("the payer is the introduction node");
        }
        self.nodes[j]
            .onion_messenger
            .handle_onion_message(self.ids[0], &om);
        self.settle()
    }

    /// `path` with a short-channel-id introduction replaced by the node id
    /// it names (looked up in the nodes' channels, as a payer looks it up
    /// in its network graph).
    fn resolve_introduction(
        &self,
        path: &BlindedMessagePath,
    ) -> Result<BlindedMessagePath, DriverError> {
        let (direction, scid) = match path.introduction_node() {
            IntroductionNode::NodeId(_) => return Ok(path.clone()),
            IntroductionNode::DirectedShortChannelId(d, s) => (*d, *s),
        };
        for (k, node) in self.nodes.iter().enumerate() {
            for c in node.node.list_channels() {
                let hit = c.short_channel_id == Some(scid)
                    || c.inbound_scid_alias == Some(scid)
                    || c.outbound_scid_alias == Some(scid);
                if hit {
                    let intro = *direction.select_pubkey(&self.ids[k], &c.counterparty.node_id);
                    return Ok(BlindedMessagePath::from_blinded_path(
                        intro,
                        path.blinding_point(),
                        path.blinded_hops().to_vec(),
                    ));
                }
            }
        }
        step_err(format!("no channel with scid {scid}"))
    }

    /// The first-hop path key (`blinding_point`) of each captured release,
    /// in order: for a reply path whose introduction node is the release's
    /// first hop, the reply path's own first path key.
    pub fn release_first_path_keys(&self) -> Vec<PublicKey> {
        self.releases
            .iter()
            .filter(|c| c.from == NodeRole::Recipient as usize)
            .map(|c| c.om.blinding_point)
            .collect()
    }
}

#[cfg(all(test, not(ldk_0_3)))]
mod tests {
    use super::super::super::{run_network, NetConfig, TraceEntry};
    use super::*;
    use lightning::bitcoin::hashes::{sha256, Hash};

    fn cfg() -> NetConfig {
        NetConfig {
            payer_hold_outbound_htlcs: false,
            ..NetConfig::default()
        }
    }

    fn hash(p: [u8; 32]) -> [u8; 32] {
        sha256::Hash::hash(&p).to_byte_array()
    }

    fn recipient_fate(net: &AsyncNet<'_, '_>) -> Vec<String> {
        net.observations()
            .trace
            .iter()
            .filter_map(|e| match e {
                TraceEntry::HtlcHandlingFailed { node, reason, .. }
                    if *node != NodeRole::Recipient =>
                {
                    Some(format!("{node:?} handling failed {reason}"))
                }
                TraceEntry::UpdateAdd {
                    from: NodeRole::InvoiceServer,
                    to: NodeRole::Recipient,
                    cltv_expiry,
                    amount_msat,
                    ..
                } => Some(format!("add {amount_msat} {cltv_expiry}")),
                TraceEntry::UpdateFulfill {
                    from: NodeRole::Recipient,
                    preimage,
                    ..
                } => Some(format!("fulfill {}", hex::encode(preimage))),
                TraceEntry::UpdateFail {
                    from: NodeRole::Recipient,
                    ..
                } => Some("fail".into()),
                TraceEntry::UpdateFailMalformed {
                    from: NodeRole::Recipient,
                    failure_code,
                    ..
                } => Some(format!("malformed {failure_code:#06x}")),
                TraceEntry::HtlcHandlingFailed {
                    node: NodeRole::Recipient,
                    reason,
                    ..
                } => Some(format!("handling failed {reason}")),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn crafted_payment_with_sender_preimage_is_claimed() {
        let pre = [0x42; 32];
        let (fate, sent) = run_network(&cfg(), |net| {
            let sent = net.send_crafted_payment(&CraftedPayment {
                payment_hash: hash(pre),
                amount_msat: 50_000,
                keysend_preimage: Some(pre),
                invoice_request_amount_msat: Some(50_000),
                recipient_cltv_expiry: None,
                custom_tlvs: vec![],
            })?;
            Ok((recipient_fate(net), sent))
        })
        .unwrap();
        assert_eq!(
            fate,
            vec![
                format!("add 50000 {}", sent.recipient_cltv_expiry),
                format!("fulfill {}", hex::encode(pre))
            ]
        );
    }

    /// Each crafted payment differs from the claimed one above in one field;
    /// the recipient refuses it for that field's reason (its
    /// `HTLCHandlingFailed`), failing back with `update_fail_malformed_htlc`
    /// `invalid_onion_blinding` (it is inside a blinded path).
    #[test]
    fn crafted_payments_refused_for_their_own_reason() {
        let pre = [0x42; 32];
        let good = CraftedPayment {
            payment_hash: hash(pre),
            amount_msat: 50_000,
            keysend_preimage: Some(pre),
            invoice_request_amount_msat: Some(50_000),
            recipient_cltv_expiry: None,
            custom_tlvs: vec![],
        };
        let cases = [
            (
                CraftedPayment {
                    payment_hash: [0x41; 32],
                    ..good.clone()
                },
                "InvalidKeysendPreimage",
            ),
            (
                CraftedPayment {
                    invoice_request_amount_msat: None,
                    ..good.clone()
                },
                "IncorrectPaymentDetails",
            ),
            (
                CraftedPayment {
                    amount_msat: 40_000,
                    ..good.clone()
                },
                "IncorrectPaymentDetails",
            ),
        ];
        for (p, why) in cases {
            let fate = run_network(&cfg(), |net| {
                net.send_crafted_payment(&p)?;
                Ok(recipient_fate(net))
            })
            .unwrap();
            assert!(fate[0].starts_with("add "), "{fate:?}");
            assert!(fate.iter().any(|f| f == "malformed 0xc018"), "{fate:?}");
            let reason = format!("handling failed Some(Local {{ reason: {why} }})");
            assert!(fate.contains(&reason), "{fate:?}");
            assert!(!fate.iter().any(|f| f.starts_with("fulfill")), "{fate:?}");
        }
    }

    #[test]
    fn recipient_path_max_cltv_expiry_boundary() {
        // An HTLC expiring exactly at the computed max_cltv_expiry is
        // claimed; one block later it is refused (invalid_onion_blinding).
        let pre = [0x42; 32];
        for (extra, claimed) in [(0u32, true), (1, false)] {
            let fate = run_network(&cfg(), |net| {
                let h = net.height(NodeRole::Recipient);
                let inv = net.offer_static_invoice().unwrap();
                let max = AsyncNet::static_invoice_max_cltv_expiry(&inv, h);
                // Forwarding nodes refuse a cltv_expiry beyond 2016 blocks
                // from their tip: move the tip first.
                net.jump_blocks(max - h - CLTV_FAR_FAR_AWAY + 300)?;
                let sent = net.send_crafted_payment(&CraftedPayment {
                    payment_hash: hash(pre),
                    amount_msat: 50_000,
                    keysend_preimage: Some(pre),
                    invoice_request_amount_msat: Some(50_000),
                    recipient_cltv_expiry: Some(max + extra),
                    custom_tlvs: vec![],
                })?;
                assert_eq!(sent.recipient_cltv_expiry, max + extra);
                Ok(recipient_fate(net))
            })
            .unwrap();
            assert!(fate[0].starts_with("add 50000 "), "{fate:?}");
            if claimed {
                assert!(fate.iter().any(|f| f.starts_with("fulfill")), "{fate:?}");
            } else {
                assert!(fate.iter().any(|f| f == "malformed 0xc018"), "{fate:?}");
                let reason = "handling failed Some(Local { reason: InvalidOnionBlinding })";
                assert!(fate.iter().any(|f| f == reason), "{fate:?}");
                assert!(!fate.iter().any(|f| f.starts_with("fulfill")), "{fate:?}");
            }
        }
    }
}

#[cfg(all(test, not(ldk_0_3)))]
mod held_tests {
    use super::super::super::{run_network, HeldHtlcCapture, NetConfig, ReleaseCapture};

    /// The recipient answers `held_htlc_available` over each of its static
    /// invoice's message paths with `release_held_htlc` over the reply path
    /// (its first-hop path key is the reply path's), and sends nothing for
    /// one without a reply path.
    #[test]
    fn recipient_replies_over_each_reply_path() {
        for server_only in [true, false] {
            let cfg = NetConfig {
                payer_hold_outbound_htlcs: false,
                recipient_paths_via_server_only: server_only,
                held_htlc_available: HeldHtlcCapture::Deliver,
                release: ReleaseCapture::Capture,
                ..NetConfig::default()
            };
            let (n_paths, keys, expect) = run_network(&cfg, |net| {
                let paths = net.recipient_message_paths();
                let a = net.lsp_release_reply_path(1);
                let b = net.lsp_release_reply_path(2);
                let expect = vec![a.blinding_point(), b.blinding_point()];
                net.send_held_htlc_available_over(&paths[0], Some(a))?;
                net.send_held_htlc_available_over(paths.last().unwrap(), Some(b))?;
                net.send_held_htlc_available_over(&paths[0], None)?;
                Ok((paths.len(), net.release_first_path_keys(), expect))
            })
            .unwrap();
            // One message path through each of the recipient's peers used.
            assert_eq!(n_paths, if server_only { 1 } else { 2 });
            assert_eq!(keys, expect);
        }
    }
}
