//! `role_under_test: payer_lsp` scenarios on the real LDK network: LDK's
//! LSP is the node under test, the real payer, invoice server and recipient
//! play the other roles.
//!
//! [`run`] maps a scenario ([`asyncpay_adapter::scenario`]) to [`AsyncNet`]
//! events and the network's observations back to the scenario's
//! [`Action`](sc::Action)s, one trace entry per event step (module
//! `dispatch` picks this module by role). How the abstract events of a
//! `payer_lsp` scenario map:
//!
//! | scenario event | on the real network |
//! |---|---|
//! | `update_add_htlc` from the payer, `hold_htlc` | the payer pays the recipient's static invoice (recipient offline) |
//! | `update_add_htlc` from the payer, no `hold_htlc` | the payer sends a keysend payment to the invoice server |
//! | … not `irrevocably_committed` | performed at the next `commitment_signed` from the payer; the payer's `revoke_and_ack` is held back until the scenario's `revoke_and_ack` event |
//! | `onion_message` `release_held_htlc` over `own(step, i)` | the recipient comes online, gets the `held_htlc_available` whose reply path is that release path, and its genuine release is delivered (again, for a repeat); `tampered`: a copy over the same LSP path whose final hop's context names another HTLC id and is re-sealed with BOLT 4's standard tag, without the LSP's receive key (`nodes/net/tamper.rs`): the onion and the hop decrypt, the context does not authenticate |
//! | … over `forged(claims_htlc)` | the genuine context (HTLC id replaced), in a blinded path the recipient built with its own key |
//! | `blocks_mined` | blocks mined so that the distance to the first held HTLC's `outgoing_cltv_value` is the scenario's |
//! | `time_passes` | one block with a later timestamp, timer ticks |
//! | `peer_disconnects` / `peer_reconnects` | the LSP's link to that peer is cut / restored |
//! | `htlc_failed_downstream` | the recipient fails the payment back (the failure the LSP relays is the recipient's, not the scenario's code) |
//!
//! Abstract amounts, payment hashes and CLTV values are not reproduced: the
//! real payer chooses them. HTLC ids must be 0, 1, … in order (the real
//! channel numbers them so). An LSP without `option_htlc_hold` is modelled
//! by switching `enable_htlc_hold` off after the peers connected (the only
//! way to make the real payer send it a `hold_htlc` HTLC). Only the LSP's
//! `revoke_and_ack`s to the payer are actions (those to the invoice server
//! belong to the forward).

use super::error::ScenarioError;
use super::{run_network, AsyncNet, DriverError, Forgery, NetConfig, NodeRole, TraceEntry};
use asyncpay_adapter::scenario as sc;
use lightning::ln::channelmanager::MIN_CLTV_EXPIRY_DELTA;
use std::collections::HashMap;

/// Runs a `payer_lsp` scenario on a fresh real network; returns the LSP's trace.
pub(super) fn run(scenario: &sc::Scenario) -> Result<sc::TraceView, ScenarioError> {
    check_supported(scenario)?;
    let lsp_holds = scenario
        .initial
        .nodes
        .payer_lsp
        .has(sc::Feature::OptionHtlcHold);
    // The scenario's next hop never settles a forwarded HTLC unless told
    // (`htlc_failed_downstream`): the recipient does not claim.
    let cfg = NetConfig {
        lsp_enable_htlc_hold: true,
        auto_claim: false,
        ..NetConfig::default()
    };
    let r = run_network(&cfg, |net| {
        let mut m = Mapper::new(scenario.initial.block_height, net);
        if !lsp_holds {
            net.set_lsp_enable_htlc_hold(false)?;
        }
        for (i, step) in scenario.steps.iter().enumerate() {
            if let sc::Step::Event(ev) = step {
                let from = net.observations().trace.len();
                m.event(net, ev)?;
                // The LSP's revoke_and_ack answers the scenario's own
                // commitment exchange; those of the dances the driver runs
                // for a forward, fail or fulfil are not traced.
                let report_raa = matches!(
                    ev,
                    sc::Event::CommitmentSigned { .. }
                        | sc::Event::UpdateAddHtlc {
                            irrevocably_committed: true,
                            ..
                        }
                );
                let actions = m.actions(net, from, i, report_raa);
                if !actions.is_empty() {
                    m.trace.push(sc::TraceEntry { step: i, actions });
                }
            }
        }
        Ok(sc::TraceView {
            trace: m.trace,
            wire: super::wire_log(net),
        })
    });
    r.map_err(ScenarioError::Driver)
}

fn unsupported<T>(msg: impl Into<String>) -> Result<T, ScenarioError> {
    Err(ScenarioError::Unsupported(msg.into()))
}

/// Checks a `payer_lsp` scenario only uses what the real peers can produce.
fn check_supported(s: &sc::Scenario) -> Result<(), ScenarioError> {
    let mut next_htlc = 0;
    let mut held_hashes: Vec<&str> = Vec::new();
    for (i, step) in s.steps.iter().enumerate() {
        let sc::Step::Event(ev) = step else { continue };
        use sc::Event::*;
        match ev {
            UpdateAddHtlc {
                from: sc::Role::Payer,
                htlc,
                payload,
                payment_hash,
                hold_htlc,
                ..
            } => {
                // The driver plays each held HTLC as a payment of its own
                // (its own payment hash): a payment in several parts would
                // be played as several payments.
                if *hold_htlc && held_hashes.contains(&payment_hash.as_str()) {
                    return unsupported(format!(
                        "step {i}: a second part of one payment (the same payment hash); the driver's payer has a single channel, to the LSP, and LDK 0.2.7's payer splits a payment only across paths its router needs (its own multi-part async payment test, async_payment_mpp, pays through two LSPs), so each held HTLC the driver sends is a payment of its own"
                    ));
                }
                held_hashes.push(payment_hash);
                if *htlc != next_htlc {
                    return unsupported(format!(
                        "step {i}: HTLC id {htlc}; the real channel numbers HTLCs 0, 1, ... in order"
                    ));
                }
                next_htlc += 1;
                if !payload.other_records.is_empty() {
                    return unsupported(format!(
                        "step {i}: records of the scenario's choosing in the LSP's onion payload; the real payer writes a forwarding hop's payload itself (LDK's custom TLVs reach the final node only)"
                    ));
                }
                if payload.next_hop != Some(sc::Role::InvoiceServer) {
                    return unsupported(format!(
                        "step {i}: next hop {:?}; the real LSP forwards to the invoice server",
                        payload.next_hop
                    ));
                }
            }
            CommitmentSigned {
                from: sc::Role::Payer,
            } => {}
            RevokeAndAck {
                from: sc::Role::Payer,
                release_paths,
            } if release_paths.is_empty() => {}
            OnionMessage {
                from: sc::Role::Recipient,
                message: sc::OnionMessage::ReleaseHeldHtlc,
                over: sc::PathRef::Own { .. } | sc::PathRef::Forged { .. },
                reply_path: None,
            } => {}
            HtlcFailedDownstream { .. }
            | BlocksMined { .. }
            | TimePasses { .. }
            | PeerDisconnects {
                peer: sc::Role::Payer | sc::Role::InvoiceServer,
            }
            | PeerReconnects {
                peer: sc::Role::Payer | sc::Role::InvoiceServer,
            } => {}
            other => {
                return unsupported(format!(
                    "step {i}: {other:?} cannot be produced by the real peers of the LSP"
                ))
            }
        }
    }
    Ok(())
}

/// An add waiting for the payer's `commitment_signed`.
struct PendingAdd {
    hold: bool,
    amount_msat: u64,
    outgoing_cltv: u32,
}

struct Mapper {
    trace: Vec<sc::TraceEntry>,
    pending: Option<PendingAdd>,
    /// Abstract height now, and real = abstract + offset.
    abs_height: u32,
    offset: i64,
    offset_fixed: bool,
    /// Scenario HTLC ids by real payer→LSP HTLC id and by payment hash.
    by_real_id: HashMap<u64, u64>,
    by_hash: HashMap<[u8; 32], u64>,
    next_htlc: u64,
    /// Own path ids by path hex, and the own paths listed per step.
    own_ids: HashMap<String, String>,
    own_by_step: HashMap<usize, Vec<String>>,
    /// Captured release index per own path hex.
    release_for: HashMap<String, usize>,
    /// Abstract outgoing CLTV of the add being performed.
    performing: Option<u32>,
}

impl Mapper {
    fn new(abs_height: u32, net: &AsyncNet<'_, '_>) -> Mapper {
        let real = i64::from(net.height(NodeRole::PayerLsp));
        Mapper {
            trace: Vec::new(),
            pending: None,
            abs_height,
            offset: real - i64::from(abs_height),
            offset_fixed: false,
            by_real_id: HashMap::new(),
            by_hash: HashMap::new(),
            next_htlc: 0,
            own_ids: HashMap::new(),
            own_by_step: HashMap::new(),
            release_for: HashMap::new(),
            performing: None,
        }
    }

    fn event(&mut self, net: &mut AsyncNet<'_, '_>, ev: &sc::Event) -> Result<(), DriverError> {
        use sc::Event::*;
        match ev {
            UpdateAddHtlc {
                hold_htlc,
                amount_msat,
                payload,
                irrevocably_committed,
                ..
            } => {
                let add = PendingAdd {
                    hold: *hold_htlc,
                    amount_msat: payload.amt_to_forward.min(*amount_msat).max(1000),
                    outgoing_cltv: payload.outgoing_cltv_value,
                };
                if *irrevocably_committed {
                    self.perform(net, add, false)?;
                } else {
                    self.pending = Some(add);
                }
            }
            CommitmentSigned { .. } => {
                if let Some(add) = self.pending.take() {
                    self.perform(net, add, true)?;
                }
            }
            RevokeAndAck { .. } => {
                if net.deferred_payer_raas() > 0 {
                    net.release_deferred_payer_raa()?;
                } else {
                    net.set_defer_payer_raa(false);
                }
            }
            OnionMessage { over, .. } => self.release(net, over)?,
            HtlcFailedDownstream { .. } => net.recipient_fails_unclaimed()?,
            BlocksMined { count } => {
                self.abs_height += count;
                let target = i64::from(self.abs_height) + self.offset;
                let now = i64::from(net.height(NodeRole::PayerLsp));
                if target > now {
                    net.mine_blocks((target - now) as u32)?;
                }
            }
            TimePasses { seconds } => {
                // One block with a later timestamp: the real chain moves one
                // block the abstract one does not.
                net.advance_time(u32::try_from(*seconds).unwrap_or(u32::MAX))?;
                self.offset += 1;
            }
            PeerDisconnects { peer } => net.disconnect(NodeRole::PayerLsp, role(*peer))?,
            PeerReconnects { peer } => net.reconnect(NodeRole::PayerLsp, role(*peer))?,
            PayOffer { .. } => return Err(DriverError::Step("pay_offer: not mapped".into())),
            HtlcFulfilledDownstream { .. } => {
                return Err(DriverError::Step(
                    "htlc_fulfilled_downstream: not mapped".into(),
                ))
            }
        }
        Ok(())
    }

    fn perform(
        &mut self,
        net: &mut AsyncNet<'_, '_>,
        add: PendingAdd,
        defer: bool,
    ) -> Result<(), DriverError> {
        if defer {
            net.set_defer_payer_raa(true);
        }
        self.performing = Some(add.outgoing_cltv);
        if add.hold {
            if net.is_online(NodeRole::Recipient) {
                net.recipient_offline()?;
            }
            net.pay_static_invoice(add.amount_msat)?;
        } else {
            net.pay_keysend_to_server(add.amount_msat)?;
        }
        Ok(())
    }

    /// Delivers a release over `over`.
    fn release(
        &mut self,
        net: &mut AsyncNet<'_, '_>,
        over: &sc::PathRef,
    ) -> Result<(), DriverError> {
        match over {
            sc::PathRef::Own {
                step,
                index,
                tampered,
            } => {
                let Some(path) = self
                    .own_by_step
                    .get(step)
                    .and_then(|v| v.get(*index))
                    .cloned()
                else {
                    // Fewer own paths at that step: cannot be delivered.
                    return Ok(());
                };
                let idx = self.genuine_release(net, &path)?;
                let idx = if *tampered {
                    net.tampered_copy_of_release(idx)?
                } else {
                    idx
                };
                net.deliver_release(idx)
            }
            sc::PathRef::Forged { claims_htlc } => {
                if net.releases_captured() == 0 {
                    let Some(path) = self.own_ids.keys().next().cloned() else {
                        return Err(DriverError::Step(
                            "forging needs a release path to copy the context from".into(),
                        ));
                    };
                    self.genuine_release(net, &path)?;
                }
                let idx =
                    net.forge_release_claiming(Forgery::PathNotCreatedByLsp, Some(*claims_htlc))?;
                net.deliver_release(idx)
            }
            sc::PathRef::Named(n) => Err(DriverError::Step(format!("named path {n}"))),
        }
    }

    /// The recipient's genuine release over the release path `path` (hex):
    /// captured once, reused for repeats.
    fn genuine_release(
        &mut self,
        net: &mut AsyncNet<'_, '_>,
        path: &str,
    ) -> Result<usize, DriverError> {
        if let Some(&i) = self.release_for.get(path) {
            return Ok(i);
        }
        if !net.is_online(NodeRole::Recipient) {
            net.recipient_online()?;
        }
        let paths = net.held_htlc_available_reply_paths();
        let Some(h) = paths.iter().position(|p| p.as_deref() == Some(path)) else {
            return Err(DriverError::Step(
                "no held_htlc_available carried that release path".into(),
            ));
        };
        let before = net.releases_captured();
        net.deliver_held_htlc_available_to_recipient(h)?;
        if net.releases_captured() <= before {
            return Err(DriverError::Step("the recipient did not release".into()));
        }
        let idx = before;
        self.release_for.insert(path.to_string(), idx);
        Ok(idx)
    }

    /// The LSP's actions among the observations from index `from` on.
    fn actions(
        &mut self,
        net: &AsyncNet<'_, '_>,
        from: usize,
        step: usize,
        report_raa: bool,
    ) -> Vec<sc::Action> {
        use NodeRole::*;
        let slice = &net.observations().trace[from..];
        let mut out = Vec::new();
        let lsp_failure = slice.iter().rev().find_map(|e| match e {
            TraceEntry::HtlcHandlingFailed {
                node: PayerLsp,
                reason,
                ..
            } => Some(reason.clone()),
            _ => None,
        });
        let payer_code = slice.iter().find_map(|e| match e {
            TraceEntry::PaymentPathFailed { error_code, .. } => *error_code,
            _ => None,
        });
        for e in slice {
            match e {
                TraceEntry::UpdateAdd {
                    from: Payer,
                    to: PayerLsp,
                    htlc_id,
                    payment_hash,
                    cltv_expiry,
                    ..
                } => {
                    let id = self.next_htlc;
                    self.next_htlc += 1;
                    self.by_real_id.insert(*htlc_id, id);
                    self.by_hash.insert(*payment_hash, id);
                    if let (Some(abs_out), false) = (self.performing.take(), self.offset_fixed) {
                        // Align the deadlines: the real outgoing CLTV is the
                        // incoming one minus the LSP's cltv_expiry_delta.
                        let real_out = i64::from(*cltv_expiry) - i64::from(MIN_CLTV_EXPIRY_DELTA);
                        self.offset = real_out - i64::from(abs_out);
                        self.offset_fixed = true;
                    }
                }
                TraceEntry::UpdateAdd {
                    from: PayerLsp,
                    to: InvoiceServer,
                    payment_hash,
                    ..
                } => {
                    if let Some(&htlc) = self.by_hash.get(payment_hash) {
                        out.push(sc::Action::HtlcForwarded {
                            htlc,
                            to: sc::Role::InvoiceServer,
                        });
                    }
                }
                TraceEntry::UpdateFail {
                    from: PayerLsp,
                    to: Payer,
                    htlc_id,
                }
                | TraceEntry::UpdateFailMalformed {
                    from: PayerLsp,
                    to: Payer,
                    htlc_id,
                    ..
                } => {
                    let htlc = self.by_real_id.get(htlc_id).copied().unwrap_or(*htlc_id);
                    let reason = match &lsp_failure {
                        Some(r) if r.contains("Downstream") => sc::FailureCode::Relayed,
                        _ => code(payer_code),
                    };
                    out.push(sc::Action::HtlcFailed { htlc, reason });
                }
                TraceEntry::RevokeAndAck {
                    from: PayerLsp,
                    to: Payer,
                    release_paths,
                } if report_raa => {
                    let mut ids = Vec::new();
                    for (_, hex) in release_paths {
                        let n = self.own_ids.len();
                        let id = self
                            .own_ids
                            .entry(hex.clone())
                            .or_insert_with(|| format!("lsp-release-{n}"))
                            .clone();
                        self.own_by_step.entry(step).or_default().push(hex.clone());
                        ids.push(sc::PathId::Own(id));
                    }
                    out.push(sc::Action::RevokeAndAckSent {
                        to: sc::Role::Payer,
                        release_paths: ids,
                    });
                }
                _ => {}
            }
        }
        out
    }
}

fn role(r: sc::Role) -> NodeRole {
    match r {
        sc::Role::Payer => NodeRole::Payer,
        sc::Role::PayerLsp => NodeRole::PayerLsp,
        sc::Role::InvoiceServer => NodeRole::InvoiceServer,
        sc::Role::Recipient => NodeRole::Recipient,
    }
}

/// A BOLT 4 failure code as the scenario names it.
fn code(c: Option<u16>) -> sc::FailureCode {
    match c {
        Some(0x2002) => sc::FailureCode::TemporaryNodeFailure,
        Some(0x1007) => sc::FailureCode::TemporaryChannelFailure,
        Some(0x100e) => sc::FailureCode::ExpiryTooSoon,
        Some(0x400f) => sc::FailureCode::IncorrectOrUnknownPaymentDetails,
        Some(0xc018) => sc::FailureCode::InvalidOnionBlinding,
        Some(0x400a) => sc::FailureCode::UnknownNextPeer,
        Some(0x4016) => sc::FailureCode::InvalidOnionPayload,
        _ => sc::FailureCode::Other,
    }
}
