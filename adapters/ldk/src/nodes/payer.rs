//! `role_under_test: payer` scenarios on the real LDK network: LDK's payer
//! node pays the recipient's async receive offer; the real LSP, invoice
//! server and recipient play the other roles.
//!
//! | scenario event | on the real network |
//! |---|---|
//! | `pay_offer` | `pay_for_offer` on the payer; the network settles |
//! | `onion_message` `static_invoice` from the invoice server over the payer's own reply path | the server's real answer to that `invoice_request` |
//!
//! The real server answers within the `pay_offer` settle, so the payer's
//! actions are split at the real `static_invoice`'s arrival: those before
//! answer the `pay_offer` step, those after answer the `static_invoice`
//! step. Traced actions: `update_add_htlc` payer → LSP (`hold_htlc`,
//! payment hash) and onion messages the payer originates
//! (`invoice_request`, `held_htlc_available`) with their reply paths.
//! The final onion payload (`sender_provided_payment_preimage`,
//! `invoice_request`) is not decoded, so scenarios that check it are
//! unsupported.

use super::scenarios::ScenarioError;
use super::{run_network, NetConfig, NodeRole, OmKind, TraceEntry};
use asyncpay_adapter::scenario as sc;
use std::collections::HashMap;

fn unsupported<T>(msg: impl Into<String>) -> Result<T, ScenarioError> {
    Err(ScenarioError::Unsupported(msg.into()))
}

/// Checks the scenario only uses what the mapping can reproduce.
fn check(s: &sc::Scenario) -> Result<(), ScenarioError> {
    let mut pay_step = None;
    let mut answered = false;
    for (i, step) in s.steps.iter().enumerate() {
        match step {
            sc::Step::Expect(e) => {
                let mut checks: Vec<&sc::Check> = vec![&e.check];
                if let sc::Check::MustNot { actions, .. } = &e.check {
                    checks.extend(actions.iter());
                }
                if let sc::Check::AnyOrder(items) = &e.check {
                    checks.extend(items.iter());
                }
                for c in checks {
                    if let sc::Check::HtlcSent {
                        sender_provided_payment_preimage,
                        preimage_matches_payment_hash,
                        invoice_request_sent_earlier,
                        ..
                    } = c
                    {
                        if sender_provided_payment_preimage.is_some()
                            || *preimage_matches_payment_hash
                            || *invoice_request_sent_earlier
                        {
                            return unsupported(format!(
                                "step {i}: checks the payer's final onion payload \
                                 (sender_provided_payment_preimage / invoice_request); the \
                                 driver observes update_add_htlc on the wire but does not \
                                 decode the payer's onion"
                            ));
                        }
                    }
                }
            }
            sc::Step::Event(ev) => match ev {
                sc::Event::PayOffer { offer, .. } if pay_step.is_none() => {
                    if s.initial.offers.iter().all(|o| &o.id != offer)
                        || s.initial.offers.len() != 1
                        || s.initial.offers[0].paths.len() != 1
                    {
                        return unsupported(format!(
                            "step {i}: the real network has one offer (the recipient's async \
                             receive offer) with one blinded path via the invoice server"
                        ));
                    }
                    pay_step = Some(i);
                }
                sc::Event::OnionMessage {
                    from: sc::Role::InvoiceServer,
                    message: sc::OnionMessage::StaticInvoice(inv),
                    over:
                        sc::PathRef::Own {
                            step,
                            index: 0,
                            tampered: false,
                        },
                    reply_path: None,
                } if !answered && pay_step.is_some() && *step == pay_step.unwrap_or(0) => {
                    if inv.message_paths.len() > 2 {
                        return unsupported(format!(
                            "step {i}: the real recipient's static invoice has at most 2 \
                             message paths (via the invoice server and the payer's LSP)"
                        ));
                    }
                    answered = true;
                }
                sc::Event::OnionMessage {
                    message: sc::OnionMessage::Invoice(_),
                    ..
                } => {
                    return unsupported(format!(
                        "step {i}: a fresh invoice cannot be produced: on the real network the \
                         offer is the recipient's async receive offer, answered by the invoice \
                         server with the static invoice it persisted"
                    ))
                }
                sc::Event::RevokeAndAck {
                    from: sc::Role::PayerLsp,
                    release_paths,
                } if release_paths.len() != 1 => {
                    return unsupported(format!(
                        "step {i}: the LSP's revoke_and_ack carries {} release paths; the real \
                         LDK 0.2.7 LSP puts exactly one release path per held HTLC in its \
                         revoke_and_ack (driver tests e_held_htlc_available_count_and_reply_paths, \
                         raa_release_path_counts == [1])",
                        release_paths.len()
                    ))
                }
                sc::Event::TimePasses { .. } => {
                    return unsupported(format!(
                        "step {i}: time passing between the invoice_request and the static \
                         invoice cannot be reproduced: the real server answers within the \
                         pay_offer settle, and LDK's payer reads the wall clock, not block \
                         time (driver test i_payer_expiry_reads_the_wall_clock_not_block_time)"
                    ))
                }
                other => {
                    return unsupported(format!(
                        "step {i}: {other:?} is not mapped for the payer role on the real network"
                    ))
                }
            },
        }
    }
    if !answered {
        return unsupported("no static_invoice answers the pay_offer");
    }
    Ok(())
}

/// Runs a `role_under_test: payer` scenario; returns the payer's trace.
pub(super) fn run(s: &sc::Scenario) -> Result<sc::TraceView, ScenarioError> {
    check(s)?;
    let nodes = &s.initial.nodes;
    let inv_paths = s
        .steps
        .iter()
        .find_map(|st| match st {
            sc::Step::Event(sc::Event::OnionMessage {
                message: sc::OnionMessage::StaticInvoice(inv),
                ..
            }) => Some(inv.message_paths.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let cfg = NetConfig {
        lsp_enable_htlc_hold: nodes.payer_lsp.has(sc::Feature::OptionHtlcHold),
        payer_hold_outbound_htlcs: nodes.payer.often_offline,
        // Two message paths: LDK picks the server and the LSP.
        recipient_paths_via_server_only: inv_paths.len() < 2,
        auto_claim: false,
        ..NetConfig::default()
    };
    let offer_path = s.initial.offers[0].paths[0].clone();
    let r = run_network(&cfg, |net| {
        let mut m = Mapper {
            trace: Vec::new(),
            own: HashMap::new(),
            routes: Vec::new(),
            inv_paths: inv_paths.clone(),
            offer_path: offer_path.clone(),
            offer: String::new(),
            payment: String::new(),
            amount: 0,
            invreqs: 0,
            pending: Vec::new(),
        };
        if net.is_online(NodeRole::Recipient) && nodes.recipient.often_offline {
            net.recipient_offline()?;
        }
        for (i, step) in s.steps.iter().enumerate() {
            let sc::Step::Event(ev) = step else { continue };
            match ev {
                sc::Event::PayOffer {
                    payment,
                    offer,
                    amount_msat,
                } => {
                    m.payment = payment.clone();
                    m.offer = offer.clone();
                    m.amount = *amount_msat;
                    let from = net.observations().trace.len();
                    net.pay_static_invoice(*amount_msat)?;
                    let obs = net.observations().trace[from..].to_vec();
                    let split = obs
                        .iter()
                        .position(|e| {
                            matches!(
                                e,
                                TraceEntry::OnionMessage {
                                    kind: OmKind::StaticInvoice,
                                    to_peer: NodeRole::Payer,
                                    ..
                                }
                            )
                        })
                        .unwrap_or(obs.len());
                    let now = m.actions(&obs[..split]);
                    m.push(i, now);
                    m.pending = obs[split..].to_vec();
                }
                _ => {
                    let rest = std::mem::take(&mut m.pending);
                    let acts = m.actions(&rest);
                    m.push(i, acts);
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

struct Mapper {
    trace: Vec<sc::TraceEntry>,
    /// Own path ids by reply path hex.
    own: HashMap<String, String>,
    /// Distinct routes of held_htlc_available, in order of first use.
    routes: Vec<Vec<NodeRole>>,
    inv_paths: Vec<String>,
    offer_path: String,
    offer: String,
    payment: String,
    amount: u64,
    invreqs: usize,
    pending: Vec<TraceEntry>,
}

impl Mapper {
    fn push(&mut self, step: usize, actions: Vec<sc::Action>) {
        if !actions.is_empty() {
            self.trace.push(sc::TraceEntry { step, actions });
        }
    }

    fn own_id(&mut self, hex: &str) -> sc::PathId {
        let n = self.own.len();
        sc::PathId::Own(
            self.own
                .entry(hex.to_string())
                .or_insert_with(|| format!("payer-reply-{n}"))
                .clone(),
        )
    }

    fn actions(&mut self, obs: &[TraceEntry]) -> Vec<sc::Action> {
        let mut out = Vec::new();
        for e in obs {
            match e {
                TraceEntry::UpdateAdd {
                    from: NodeRole::Payer,
                    to: NodeRole::PayerLsp,
                    htlc_id,
                    payment_hash,
                    hold_htlc,
                    ..
                } => out.push(sc::Action::HtlcSent {
                    payment: self.payment.clone(),
                    htlc: *htlc_id,
                    to: sc::Role::PayerLsp,
                    hold_htlc: *hold_htlc,
                    payment_hash: payment_hash.iter().map(|b| format!("{b:02x}")).collect(),
                    sender_provided_payment_preimage: None,
                    invoice_request: None,
                }),
                TraceEntry::OnionMessage {
                    from: NodeRole::Payer,
                    kind,
                    route,
                    reply_path,
                    ..
                } => {
                    let reply = reply_path.as_deref().map(|h| self.own_id(h));
                    match kind {
                        OmKind::InvoiceRequest => {
                            self.invreqs += 1;
                            out.push(sc::Action::OnionMessageSent {
                                message: sc::OnionMessage::InvoiceRequest(sc::InvoiceRequestSpec {
                                    id: format!("invreq-{}", self.invreqs),
                                    offer: self.offer.clone(),
                                    amount_msat: Some(self.amount),
                                }),
                                // The real offer has the one blinded path.
                                over: sc::PathId::Named(self.offer_path.clone()),
                                reply_path: reply,
                            });
                        }
                        OmKind::HeldHtlcAvailable => {
                            let k = match self.routes.iter().position(|r| r == route) {
                                Some(k) => k,
                                None => {
                                    self.routes.push(route.clone());
                                    self.routes.len() - 1
                                }
                            };
                            let over = match self.inv_paths.get(k) {
                                Some(n) => sc::PathId::Named(n.clone()),
                                None => sc::PathId::Named(format!("real-invoice-path-{k}")),
                            };
                            out.push(sc::Action::OnionMessageSent {
                                message: sc::OnionMessage::HeldHtlcAvailable,
                                over,
                                reply_path: reply,
                            });
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        out
    }
}
