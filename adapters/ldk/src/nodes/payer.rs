//! `role_under_test: payer` scenarios on the real LDK network: LDK's payer
//! node pays the recipient's async receive offer; the real LSP, invoice
//! server and recipient play the other roles.
//!
//! | scenario event | on the real network |
//! |---|---|
//! | `pay_offer` | `pay_for_offer` on the payer; the network settles |
//! | `onion_message` `static_invoice` from the invoice server over the payer's own reply path | the server's real answer to that `invoice_request` |
//! | `onion_message` `invoice` from the invoice server over the payer's own reply path | the recipient's real fresh invoice: the recipient stays online during `pay_offer`, the server forwards it the `invoice_request` (and sends the static invoice); both answers are captured on their way to the payer and each scenario event delivers its own (one never mentioned is never delivered) |
//! | `revoke_and_ack` from the payer's LSP with n ≥ 1 release paths, after a static invoice | the LSP's real `revoke_and_ack` (one genuine release path); for n > 1 the driver adds n − 1 paths built like the LSP's own (its receive key, the same release context), before the payer reads it |
//! | the same, after a fresh invoice (HTLC without `hold_htlc`) | the driver puts n paths, built as the LSP would for a held HTLC, in the LSP's real `revoke_and_ack` (which has none) |
//! | no `revoke_and_ack` event, the payer holding a static invoice's HTLC | the LSP's real `revoke_and_ack` with its release path (and every LSP → payer channel message after it) stays in flight until the scenario's steps are done |
//! | `onion_message` `release_held_htlc` from the recipient over the payer's own reply path (`own{step, index}`) | the recipient comes online, is handed the captured `held_htlc_available` that carries that reply path, and its genuine `release_held_htlc` is delivered |
//! | `peer_disconnects` / `peer_reconnects` of the payer's LSP, after its `revoke_and_ack` | the payer's link to the LSP is cut / restored (channel_reestablish and all); the payer's onion messages after it are its actions |
//! | `time_passes` between the `pay_offer` and the `static_invoice` that answers it | nothing on the network: its effect is in the static invoice's age. LDK's payer compares the invoice's `created_at` (+ relative expiry) with the wall clock (ln/outbound_payment.rs:1177-1183), so before `pay_offer` the driver puts in the server's store, in place of the real invoice, one the recipient's keys sign for an offer the driver builds with them, whose `created_at` is the wall clock minus the scenario's age at arrival (`initial.time` + the time passed − `created_at`), with the scenario's relative expiry (none: LDK's default of 14 days); the payer pays that offer, and the invoice is captured on its way and delivered at the `static_invoice` step (`net/payer_io.rs` `serve_aged_static_invoice`). LDK's server refuses to send an expired invoice (offers/flow.rs:1160-1163); the driver, playing the server, then sends it over the payer's reply path itself. After the delivery the payer must either have abandoned the payment with `PaymentExpired` or sent an HTLC (judged by the scenario); anything else (the invoice not delivered, rejected for another reason) is a driver error, never a pass |
//!
//! The real server answers within the `pay_offer` settle, and the LSP's
//! `revoke_and_ack` follows in the same settle, so the payer's actions are
//! split at the real `static_invoice`'s arrival (actions before answer the
//! `pay_offer` step) and, if the scenario has a `revoke_and_ack` event, at
//! the real `revoke_and_ack` LSP → payer with release paths (actions after
//! it answer that event). Traced actions: `update_add_htlc` payer → LSP
//! (`hold_htlc`, payment hash, and the final payload: the driver peels the
//! payer's onion hop by hop with each hop's keys as it crosses the wire,
//! see `net/payer_io.rs`) and onion messages the payer originates
//! (`invoice_request`, `held_htlc_available`) with their reply paths. A
//! reply path that is one of the LSP's release paths is named after the
//! scenario's `revoke_and_ack` release paths (in the TLV's order: the
//! genuine one first); any other reply path is the payer's own.
//!
//! | scenario | LDK 0.2.7 (both profiles) |
//! |---|---|
//! | payer-no-hold-htlc-toward-peer-without-feature | pass |
//! | payer-payload-for-static-invoice | pass (final payload decoded) |
//! | payer-fresh-invoice-no-hold-no-sender-preimage | pass |
//! | payer-release-paths-for-unheld-htlc-ignored | pass (paths put there by the driver) |
//! | payer-online-waits-for-release | expected failure (CHOICE): 2 reply paths × 2 message paths = 4 `held_htlc_available`, over repeated paths; every other expectation holds |
//! | payer-sends-two-held-htlc-available-with-unique-reply-paths | expected failure (MUST): one `held_htlc_available` per (release path, message path) pair, 4 messages over repeated paths and reply paths; every other expectation holds |
//! | payer-expired-static-invoice-not-paid | pass (the invoice arrives 15 days + 1 h old; the payer abandons the payment with `PaymentExpired` and sends no HTLC) |
//! | payer-static-and-fresh-invoice-paid-once | pass (the real static invoice has one message path, not two: see `recipient_paths_via_server_only` below; no check of this scenario depends on it) |

use super::error::ScenarioError;
use super::{run_network, AsyncNet, NetConfig, NodeRole, OmKind, TraceEntry};
use asyncpay_adapter::scenario as sc;
use std::collections::HashMap;

/// Most release paths a scenario's `revoke_and_ack` may carry here.
const MAX_RELEASE_PATHS: usize = 8;

fn unsupported<T>(msg: impl Into<String>) -> Result<T, ScenarioError> {
    Err(ScenarioError::Unsupported(msg.into()))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Checks the scenario only uses what the mapping can reproduce.
fn check(s: &sc::Scenario) -> Result<(), ScenarioError> {
    let mut pay_step = None;
    let mut answered = false;
    let mut fresh = false;
    let mut raa = false;
    let mut elapsed: Option<u64> = None;
    for (i, step) in s.steps.iter().enumerate() {
        let sc::Step::Event(ev) = step else { continue };
        match ev {
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
                if elapsed.is_some() {
                    if inv.created_at > s.initial.time {
                        return unsupported(format!(
                            "step {i}: created_at {} is after the scenario's start {}: the \
                             driver reproduces an invoice's age, not a future created_at",
                            inv.created_at, s.initial.time
                        ));
                    }
                    if fresh {
                        return unsupported(format!(
                            "step {i}: time passing with a fresh invoice is not mapped"
                        ));
                    }
                }
                if inv.message_paths.len() > 2 {
                    return unsupported(format!(
                        "step {i}: the real recipient's static invoice has at most 2 \
                         message paths (via the invoice server and the payer's LSP)"
                    ));
                }
                answered = true;
            }
            sc::Event::OnionMessage {
                from: sc::Role::InvoiceServer,
                message: sc::OnionMessage::Invoice(_),
                over:
                    sc::PathRef::Own {
                        step,
                        index: 0,
                        tampered: false,
                    },
                reply_path: None,
            } if !fresh
                && elapsed.is_none()
                && pay_step.is_some()
                && *step == pay_step.unwrap_or(0) =>
            {
                fresh = true;
            }
            sc::Event::RevokeAndAck {
                from: sc::Role::PayerLsp,
                release_paths,
            } if fresh && !answered && !raa => {
                if release_paths.is_empty() || release_paths.len() > MAX_RELEASE_PATHS {
                    return unsupported(format!(
                        "step {i}: {} release paths for an HTLC sent without hold_htlc; the \
                         driver puts 1 to {MAX_RELEASE_PATHS}",
                        release_paths.len()
                    ));
                }
                raa = true;
            }
            sc::Event::RevokeAndAck {
                from: sc::Role::PayerLsp,
                release_paths,
            } if answered && !raa => {
                if release_paths.is_empty() || release_paths.len() > MAX_RELEASE_PATHS {
                    return unsupported(format!(
                        "step {i}: the LSP's revoke_and_ack carries {} release paths; the real \
                         LDK 0.2.7 LSP puts exactly one release path per held HTLC in its \
                         revoke_and_ack (driver test e_held_htlc_available_count_and_reply_paths: \
                         raa_release_path_counts == [1]); the driver can add up to {} more, \
                         not remove the genuine one",
                        release_paths.len(),
                        MAX_RELEASE_PATHS - 1
                    ));
                }
                raa = true;
            }
            sc::Event::OnionMessage {
                from: sc::Role::Recipient,
                message: sc::OnionMessage::ReleaseHeldHtlc,
                over: sc::PathRef::Own {
                    tampered: false, ..
                },
                reply_path: None,
            } if answered => {}
            sc::Event::TimePasses { seconds }
                if pay_step.is_some() && !answered && !fresh && elapsed.is_none() =>
            {
                // Between the invoice_request and the static invoice that
                // answers it: reproduced as the invoice's age at arrival.
                elapsed = Some(*seconds);
            }
            sc::Event::TimePasses { .. } => {
                return unsupported(format!(
                    "step {i}: time passing is mapped only between the pay_offer and the \
                     static_invoice that answers it (as the invoice's age); elsewhere it \
                     cannot be reproduced for LDK's payer: it compares \
                     the static invoice's created_at + relative_expiry with the wall clock \
                     (outbound_payment.rs:1177-1178 with channelmanager.rs:13402-13408, \
                     SystemTime::now() under `std`), and the real recipient stamps created_at \
                     with the wall clock too (offers/flow.rs:854, :196-203); simulated time \
                     moves neither (driver test i_payer_expiry_reads_the_wall_clock_not_block_time)"
                ))
            }
            sc::Event::PeerDisconnects {
                peer: sc::Role::PayerLsp,
            }
            | sc::Event::PeerReconnects {
                peer: sc::Role::PayerLsp,
            } if answered && raa => {}
            other => {
                return unsupported(format!(
                    "step {i}: {other:?} is not mapped for the payer role on the real network"
                ))
            }
        }
    }
    if !answered && !fresh {
        return unsupported("no static_invoice or invoice answers the pay_offer");
    }
    if elapsed.is_some() && !answered {
        return unsupported("time passes, but no static_invoice answers the pay_offer");
    }
    Ok(())
}

/// The age (seconds) of the scenario's static invoice when it reaches the
/// payer, if time passes between the `pay_offer` and that invoice
/// (`initial.time` + the seconds passed before it − its `created_at`).
fn static_invoice_age(s: &sc::Scenario) -> Option<(u64, Option<u64>)> {
    let mut elapsed = None;
    for st in &s.steps {
        match st {
            sc::Step::Event(sc::Event::TimePasses { seconds }) => {
                elapsed = Some(elapsed.unwrap_or(0) + seconds)
            }
            sc::Step::Event(sc::Event::OnionMessage {
                message: sc::OnionMessage::StaticInvoice(inv),
                ..
            }) => {
                return elapsed.map(|e| {
                    (
                        (s.initial.time + e).saturating_sub(inv.created_at),
                        inv.relative_expiry,
                    )
                })
            }
            _ => {}
        }
    }
    None
}

/// Runs a `role_under_test: payer` scenario; returns the payer's trace.
pub(super) fn run(s: &sc::Scenario) -> Result<sc::TraceView, ScenarioError> {
    check(s)?;
    let aged = static_invoice_age(s);
    if let Some((_, Some(rel))) = aged {
        return unsupported(format!(
            "the static invoice has relative_expiry {rel}: the driver builds the aged invoice \
             without one (LDK's default applies)"
        ));
    }
    let aged = aged.map(|(age, _)| age);
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
    let raa_names: Vec<String> = s
        .steps
        .iter()
        .find_map(|st| match st {
            sc::Step::Event(sc::Event::RevokeAndAck {
                from: sc::Role::PayerLsp,
                release_paths,
            }) => Some(release_paths.clone()),
            _ => None,
        })
        .unwrap_or_default();
    // A fresh invoice: the real recipient answers the invoice_request the
    // invoice server forwards to it (channelmanager.rs
    // `respond_to_static_invoice_request`: the server sends the static
    // invoice and forwards the invoice_request), so the recipient stays
    // online during pay_offer ("briefly online"). Both answers are captured
    // on their way to the payer; each scenario event delivers its own, and
    // one the scenario never mentions is never delivered.
    let fresh = s.steps.iter().any(|st| {
        matches!(
            st,
            sc::Step::Event(sc::Event::OnionMessage {
                message: sc::OnionMessage::Invoice(_),
                ..
            })
        )
    });
    let static_answer = s.steps.iter().any(|st| {
        matches!(
            st,
            sc::Step::Event(sc::Event::OnionMessage {
                message: sc::OnionMessage::StaticInvoice(_),
                ..
            })
        )
    });
    let cfg = NetConfig {
        lsp_enable_htlc_hold: nodes.payer_lsp.has(sc::Feature::OptionHtlcHold),
        payer_hold_outbound_htlcs: nodes.payer.often_offline,
        // Two message paths: LDK picks the server and the LSP. Not with a
        // fresh invoice: then the recipient's paths (its invoice_request
        // path too) go via the server only, else the server fails to
        // forward the invoice_request in about half the runs
        // (UnresolvedIntroductionNode, onion_message/messenger.rs:1110-1113;
        // driver test n_fresh_invoice_needs_recipient_paths_via_server).
        recipient_paths_via_server_only: inv_paths.len() < 2 || fresh,
        auto_claim: false,
        ..NetConfig::default()
    };
    let holds = cfg.payer_hold_outbound_htlcs && cfg.lsp_enable_htlc_hold;
    let offer_path = s.initial.offers[0].paths[0].clone();
    let r = run_network(&cfg, |net| {
        let mut m = Mapper {
            trace: Vec::new(),
            own: HashMap::new(),
            lsp_paths: HashMap::new(),
            raa_names: raa_names.clone(),
            routes: Vec::new(),
            inv_paths: inv_paths.clone(),
            intros: Vec::new(),
            offer_path: offer_path.clone(),
            offer: String::new(),
            payment: String::new(),
            amount: 0,
            invreqs: 0,
            invreq_bytes: Vec::new(),
            payloads: Vec::new(),
            pending: Vec::new(),
        };
        if net.is_online(NodeRole::Recipient) && nodes.recipient.often_offline && !fresh {
            net.recipient_offline()?;
        }
        if static_answer && raa_names.len() > 1 {
            net.set_lsp_extra_release_paths(raa_names.len() - 1);
        }
        if static_answer && raa_names.is_empty() && holds {
            // No revoke_and_ack event: the LSP's real one (with its release
            // path) has not reached the payer before the scenario ends.
            net.set_lsp_raa_in_flight(true);
        }
        if !static_answer && !raa_names.is_empty() {
            // The real LSP puts release paths only for hold_htlc HTLCs
            // (channel.rs:9640-9645): the driver plays one that does not.
            net.set_lsp_release_paths_for_unheld_htlc(raa_names.len());
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
                    if let Some(age) = aged {
                        net.serve_aged_static_invoice(std::time::Duration::from_secs(age))?;
                    }
                    let from = net.observations().trace.len();
                    let capture = fresh || aged.is_some();
                    if capture {
                        net.set_capture_invoices_to_payer(true);
                    }
                    net.pay_static_invoice(*amount_msat)?;
                    if capture {
                        net.set_capture_invoices_to_payer(false);
                    }
                    m.refresh(net);
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
                sc::Event::OnionMessage {
                    message: sc::OnionMessage::ReleaseHeldHtlc,
                    over: sc::PathRef::Own { step, index, .. },
                    ..
                } => {
                    let mut obs = std::mem::take(&mut m.pending);
                    // An own path the payer did not list at that step: the
                    // message cannot be delivered (scenario.rs `PathRef::Own`).
                    if let Some(hex) = m.own_path_hex(*step, *index) {
                        let from = net.observations().trace.len();
                        if !net.recipient_releases_over(&hex)? {
                            // Not a skip: the payer's own path exists, and
                            // the run cannot go on, so the trial must show it.
                            return Err(super::DriverError::Step(format!(
                                "step {i}: own path {index} of step {step} is the reply path of \
                                 no held_htlc_available; the driver makes the recipient send \
                                 release_held_htlc only over a reply path it received"
                            )));
                        }
                        obs.extend_from_slice(&net.observations().trace[from..]);
                    }
                    m.refresh(net);
                    let acts = m.actions(&obs);
                    m.push(i, acts);
                }
                sc::Event::PeerDisconnects { .. } | sc::Event::PeerReconnects { .. } => {
                    let mut obs = std::mem::take(&mut m.pending);
                    let from = net.observations().trace.len();
                    if matches!(ev, sc::Event::PeerDisconnects { .. }) {
                        net.disconnect(NodeRole::Payer, NodeRole::PayerLsp)?;
                    } else {
                        net.reconnect(NodeRole::Payer, NodeRole::PayerLsp)?;
                    }
                    obs.extend_from_slice(&net.observations().trace[from..]);
                    m.refresh(net);
                    let acts = m.actions(&obs);
                    m.push(i, acts);
                }
                _ => {
                    // The static invoice / the LSP's revoke_and_ack: they
                    // arrived during the pay_offer settle, unless the
                    // invoices were captured (then the event delivers one).
                    let mut rest = std::mem::take(&mut m.pending);
                    let kind = match ev {
                        sc::Event::OnionMessage {
                            message: sc::OnionMessage::StaticInvoice(_),
                            ..
                        } => Some(OmKind::StaticInvoice),
                        sc::Event::OnionMessage {
                            message: sc::OnionMessage::Invoice(_),
                            ..
                        } => Some(OmKind::Invoice),
                        _ => None,
                    };
                    if let (true, Some(kind)) = (fresh || aged.is_some(), kind) {
                        let from = net.observations().trace.len();
                        let delivered = net.deliver_captured_invoice_to_payer(kind.clone())?;
                        if aged.is_some() {
                            // Not vacuous: the payer got the aged invoice and
                            // either abandoned the payment as expired or sent
                            // an HTLC (which the scenario judges).
                            let after = &net.observations().trace[from..];
                            let expired = after.iter().any(|e| {
                                matches!(e, TraceEntry::PaymentFailed { reason }
                                    if reason.contains("PaymentExpired"))
                            });
                            let paid = after.iter().any(|e| {
                                matches!(
                                    e,
                                    TraceEntry::UpdateAdd {
                                        from: NodeRole::Payer,
                                        ..
                                    }
                                )
                            });
                            if !delivered || !(expired || paid) {
                                return Err(super::DriverError::Step(format!(
                                    "step {i}: the aged static invoice (age {}s) {}; the payer \
                                     neither abandoned the payment with PaymentExpired nor \
                                     sent an HTLC (trace after delivery: {:?})",
                                    aged.unwrap_or(0),
                                    if delivered {
                                        "was delivered"
                                    } else {
                                        "never reached the payer"
                                    },
                                    after
                                )));
                            }
                        }
                        if !delivered {
                            // The setup the scenario needs did not happen on
                            // a network that produces it: an error of the run.
                            return Err(super::DriverError::Step(format!(
                                "step {i}: the real network produced no {kind:?} for the payer \
                                 (the recipient did not answer the forwarded invoice_request)"
                            )));
                        }
                        rest.extend_from_slice(&net.observations().trace[from..]);
                        m.refresh(net);
                    }
                    let next_is_raa = s.steps[i + 1..]
                        .iter()
                        .find_map(|st| match st {
                            sc::Step::Event(e) => Some(e),
                            _ => None,
                        })
                        .is_some_and(|e| {
                            matches!(
                                e,
                                sc::Event::RevokeAndAck {
                                    from: sc::Role::PayerLsp,
                                    ..
                                }
                            )
                        });
                    let cut = if next_is_raa {
                        rest.iter()
                            .position(|e| {
                                matches!(
                                    e,
                                    TraceEntry::RevokeAndAck {
                                        from: NodeRole::PayerLsp,
                                        to: NodeRole::Payer,
                                        release_paths,
                                    } if !release_paths.is_empty()
                                )
                            })
                            .unwrap_or(rest.len())
                    } else {
                        rest.len()
                    };
                    let acts = m.actions(&rest[..cut]);
                    m.push(i, acts);
                    m.pending = rest[cut..].to_vec();
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

/// What the driver decoded from one of the payer's HTLCs.
struct Payload {
    htlc_id: u64,
    payment_hash: [u8; 32],
    preimage: Option<[u8; 32]>,
    invoice_request: Option<Vec<u8>>,
}

struct Mapper {
    trace: Vec<sc::TraceEntry>,
    /// Own path ids by reply path hex.
    own: HashMap<String, String>,
    /// Scenario names of the LSP's release paths, by hex.
    lsp_paths: HashMap<String, String>,
    /// The scenario's names for the release paths of the LSP's `revoke_and_ack`.
    raa_names: Vec<String>,
    /// Distinct routes of held_htlc_available, in order of first use.
    routes: Vec<Vec<NodeRole>>,
    inv_paths: Vec<String>,
    /// Introduction node of each message path of the static invoice the
    /// payer received, in the invoice's order.
    intros: Vec<Option<NodeRole>>,
    offer_path: String,
    offer: String,
    payment: String,
    amount: u64,
    invreqs: usize,
    /// The payer's invoice_requests, encoded, in the order sent.
    invreq_bytes: Vec<Vec<u8>>,
    payloads: Vec<Payload>,
    pending: Vec<TraceEntry>,
}

impl Mapper {
    fn refresh(&mut self, net: &AsyncNet<'_, '_>) {
        self.invreq_bytes = net.payer_invoice_requests();
        self.intros = net
            .payer_static_invoice_intros()
            .last()
            .cloned()
            .unwrap_or_default();
        self.payloads = net
            .payer_final_payloads()
            .into_iter()
            .map(|p| Payload {
                htlc_id: p.htlc_id,
                payment_hash: p.payment_hash,
                preimage: p.preimage,
                invoice_request: p.invoice_request,
            })
            .collect();
    }

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

    /// The hex of the `index`-th own path listed in the actions answering
    /// `step` (counting repeats, as the format does).
    fn own_path_hex(&self, step: usize, index: usize) -> Option<String> {
        let listed: Vec<&sc::PathId> = self
            .trace
            .iter()
            .filter(|e| e.step == step)
            .flat_map(|e| e.actions.iter().flat_map(|a| a.own_paths()))
            .collect();
        let sc::PathId::Own(id) = listed.get(index)? else {
            return None;
        };
        self.own
            .iter()
            .find_map(|(hex, v)| (v == id).then(|| hex.clone()))
    }

    /// The scenario's name for the invoice message path a
    /// `held_htlc_available` took: by the introduction node of the real
    /// invoice's message paths, in the invoice's order.
    fn message_path(&mut self, route: &[NodeRole]) -> sc::PathId {
        let unique_intros = self
            .intros
            .iter()
            .enumerate()
            .all(|(i, x)| x.is_some() && !self.intros[..i].contains(x));
        let by_intro = route
            .first()
            .and_then(|first| self.intros.iter().position(|x| *x == Some(*first)));
        let k = match by_intro {
            Some(k) if unique_intros => k,
            _ => match self.routes.iter().position(|r| r == route) {
                Some(k) => k,
                None => {
                    self.routes.push(route.to_vec());
                    self.routes.len() - 1
                }
            },
        };
        match self.inv_paths.get(k) {
            Some(n) => sc::PathId::Named(n.clone()),
            None => sc::PathId::Named(format!("real-invoice-path-{k}")),
        }
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
                } => {
                    let p = self
                        .payloads
                        .iter()
                        .find(|p| p.htlc_id == *htlc_id && p.payment_hash == *payment_hash);
                    let preimage = p.and_then(|p| p.preimage).map(|x| hex(&x));
                    let invoice_request = p.and_then(|p| p.invoice_request.as_ref()).map(|ir| {
                        match self.invreq_bytes.iter().position(|b| b == ir) {
                            Some(k) => format!("invreq-{}", k + 1),
                            None => "invoice-request-the-payer-did-not-send".to_string(),
                        }
                    });
                    out.push(sc::Action::HtlcSent {
                        payment: self.payment.clone(),
                        htlc: *htlc_id,
                        to: sc::Role::PayerLsp,
                        hold_htlc: *hold_htlc,
                        payment_hash: hex(payment_hash),
                        sender_provided_payment_preimage: preimage,
                        invoice_request,
                    })
                }
                TraceEntry::RevokeAndAck {
                    from: NodeRole::PayerLsp,
                    to: NodeRole::Payer,
                    release_paths,
                } => {
                    for (k, (_, h)) in release_paths.iter().enumerate() {
                        let name = self
                            .raa_names
                            .get(k)
                            .cloned()
                            .unwrap_or_else(|| format!("lsp-release-path-{k}"));
                        self.lsp_paths.entry(h.clone()).or_insert(name);
                    }
                }
                TraceEntry::OnionMessage {
                    from: NodeRole::Payer,
                    kind,
                    route,
                    reply_path,
                    ..
                } => {
                    let reply = reply_path.as_deref().map(|h| match self.lsp_paths.get(h) {
                        Some(n) => sc::PathId::Named(n.clone()),
                        None => self.own_id(h),
                    });
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
                            let over = self.message_path(route);
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
