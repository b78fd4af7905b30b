//! Release-semantics state machines: the reference's behaviour in each role
//! of the async payments flow, driven by a scenario's events.
//!
//! [`run_op`] plays `role_under_test` through every event step of a
//! [`Scenario`] and answers the trace (`{"trace": [...]}`, see
//! [`asyncpay_adapter::scenario::TraceView`]). It does not judge itself: the
//! harness judges every adapter's trace with
//! [`asyncpay_adapter::scenario::judge`].
//!
//! One machine per role:
//! - [`lsp`]: the payer's LSP, the node that holds `hold_htlc` HTLCs;
//! - [`payer`]: the often-offline payer paying an offer through a static invoice;
//! - [`recipient`]: the often-offline recipient, releasing and claiming;
//! - [`server`]: the invoice server answering invoice requests on the recipient's behalf;
//! - [`invoice_server`]: both sides of LDK's invoice-server protocol (profile
//!   `experimental-ldk-invoice-server`), in the recipient's and the server's roles.
//!
//! Time and block height are simulated. Every loop is bounded by the
//! scenario's size, itself bounded by [`asyncpay_adapter::scenario::MAX_STEPS`].
//!
//! Each behaviour a role owes is a rule of [`crate::rules`] (`Lsp*`,
//! `Payer*`, `Recipient*`, `Server*`, and the release context's
//! authentication): knocked out with [`crate::rules::with_knockouts`], the
//! role behaves as a node without it would, and `asyncpay vectors audit`
//! shows a scenario that catches it. [`run_op`] never knocks anything out.

pub mod designs;
pub mod invoice_server;
pub mod lsp;
pub mod payer;
pub mod recipient;
pub mod server;

use asyncpay_adapter::scenario::{
    validate, Action, Event, Nodes, PathId, PathRef, Role, Scenario, Step, TraceEntry, TraceView,
};
use asyncpay_adapter::{Outcome, Profile, ReasonClass, Rejection};
use bitcoin_hashes::{sha256, Hash};
use std::collections::{BTreeMap, BTreeSet};

/// Blocks before a held HTLC's `outgoing_cltv_value` at which the holding
/// node fails it back (the draft assigns none; this is LDK's
/// `HTLC_FAIL_BACK_BUFFER`, 2 * 18 + 3, so the two agree).
pub const FAIL_BACK_BUFFER_BLOCKS: u32 = 39;

/// Release paths the holding node issues per held HTLC (at least 1 by the
/// draft; 2, so the payer can give each `held_htlc_available` a unique reply path).
pub const RELEASE_PATHS_PER_HTLC: usize = 2;

/// A path as it arrived at the role under test, after resolving the event's [`PathRef`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arrived {
    /// One of the role's own paths, with the context (token) read back from it.
    Own {
        /// The path's id.
        id: String,
        /// The context it carried (altered if the event says tampered).
        token: [u8; 32],
    },
    /// A path created by another role.
    Named(String),
    /// A path not created by the role, with a forged release context for `claims_htlc`.
    Forged {
        /// The HTLC id the forgery names.
        claims_htlc: u64,
    },
    /// A reference to an own path that was never issued (the message cannot arrive).
    Unresolvable,
}

/// The simulated world around the role under test.
pub struct World<'a> {
    /// Current block height.
    pub height: u32,
    /// Current time, seconds since 1970.
    pub time: u64,
    /// Every node's configuration.
    pub nodes: &'a Nodes,
    /// The profile.
    pub profile: &'a Profile,
    /// Peers currently disconnected.
    pub disconnected: BTreeSet<Role>,
    secret: [u8; 32],
    tokens: BTreeMap<String, [u8; 32]>,
    own_by_step: BTreeMap<usize, Vec<String>>,
}

impl<'a> World<'a> {
    fn new(scenario: &Scenario, nodes: &'a Nodes, profile: &'a Profile) -> Self {
        World {
            height: scenario.initial.block_height,
            time: scenario.initial.time,
            nodes,
            profile,
            disconnected: BTreeSet::new(),
            secret: sha256::Hash::hash(b"asyncpay-reference node secret").to_byte_array(),
            tokens: BTreeMap::new(),
            own_by_step: BTreeMap::new(),
        }
    }

    /// Create a new own path with id `id` whose context is an
    /// unforgeable token (a MAC of the id under the node's secret).
    pub fn issue(&mut self, id: String) -> PathId {
        let mut data = self.secret.to_vec();
        data.extend_from_slice(id.as_bytes());
        let token = sha256::Hash::hash(&data).to_byte_array();
        self.tokens.insert(id.clone(), token);
        PathId::Own(id)
    }

    /// Whether `token` is the context this node put in its own path `id`.
    pub fn authentic(&self, id: &str, token: &[u8; 32]) -> bool {
        self.tokens.get(id) == Some(token)
    }

    /// Resolve an event's path reference.
    pub fn arrived(&self, r: &PathRef) -> Arrived {
        match r {
            PathRef::Named(n) => Arrived::Named(n.clone()),
            PathRef::Forged { claims_htlc } => Arrived::Forged {
                claims_htlc: *claims_htlc,
            },
            PathRef::Own {
                step,
                index,
                tampered,
            } => {
                let Some(id) = self.own_by_step.get(step).and_then(|v| v.get(*index)) else {
                    return Arrived::Unresolvable;
                };
                let Some(mut token) = self.tokens.get(id).copied() else {
                    return Arrived::Unresolvable;
                };
                if *tampered {
                    token[0] ^= 0x01;
                }
                Arrived::Own {
                    id: id.clone(),
                    token,
                }
            }
        }
    }

    /// The path id an outgoing message uses for a reference (a reply path it answers over).
    pub fn path_id(&self, r: &PathRef) -> Option<PathId> {
        match self.arrived(r) {
            Arrived::Own { id, .. } => Some(PathId::Own(id)),
            Arrived::Named(n) => Some(PathId::Named(n)),
            Arrived::Forged { claims_htlc } => Some(PathId::Named(format!("forged-{claims_htlc}"))),
            Arrived::Unresolvable => None,
        }
    }

    fn record(&mut self, step: usize, actions: &[Action]) {
        let ids: Vec<String> = actions
            .iter()
            .flat_map(|a| a.own_paths())
            .filter_map(|p| match p {
                PathId::Own(id) => Some(id.clone()),
                PathId::Named(_) => None,
            })
            .collect();
        self.own_by_step.insert(step, ids);
    }
}

/// One role's behaviour.
pub trait Machine {
    /// React to one event; the world's clock and connections are already updated.
    fn on_event(&mut self, event: &Event, world: &mut World) -> Vec<Action>;
}

/// SHA-256 of `data`.
pub fn sha(data: &[u8]) -> [u8; 32] {
    sha256::Hash::hash(data).to_byte_array()
}

/// Run `scenario` with the reference in `role_under_test` (with the rules
/// knocked out on this thread, if any).
pub fn run(scenario: &Scenario, profile: &Profile) -> Result<TraceView, String> {
    validate(scenario)?;
    let nodes = &scenario.initial.nodes;
    let mut world = World::new(scenario, nodes, profile);
    let isrv = profile.numbers.onionmsg_offer_paths_request.is_some();
    let mut machine: Box<dyn Machine> = match scenario.role_under_test {
        Role::Recipient if isrv => Box::new(invoice_server::AsyncRecipient::new(&scenario.initial)),
        Role::InvoiceServer if isrv => {
            Box::new(invoice_server::StaticServer::new(&scenario.initial))
        }
        Role::PayerLsp => Box::new(lsp::Lsp::new(nodes)),
        Role::Payer => Box::new(payer::Payer::new(&scenario.initial)),
        Role::Recipient => Box::new(
            recipient::Recipient::new(&scenario.initial)
                .with_donations(profile.numbers.payload_async_hold.is_some()),
        ),
        Role::InvoiceServer => Box::new(server::Server::new(&scenario.initial)),
    };
    let mut trace = Vec::new();
    for (i, step) in scenario.steps.iter().enumerate() {
        let Step::Event(event) = step else { continue };
        match event {
            Event::BlocksMined { count } => world.height = world.height.saturating_add(*count),
            Event::TimePasses { seconds } => world.time = world.time.saturating_add(*seconds),
            Event::PeerDisconnects { peer } => {
                world.disconnected.insert(*peer);
            }
            Event::PeerReconnects { peer } => {
                world.disconnected.remove(peer);
            }
            _ => {}
        }
        let actions = machine.on_event(event, &mut world);
        world.record(i, &actions);
        trace.push(TraceEntry { step: i, actions });
    }
    Ok(TraceView {
        trace,
        wire: Vec::new(),
    })
}

/// Operation `scenario.run`: the unbroken reference's trace.
pub fn run_op(input: &Scenario, profile: &Profile) -> Outcome {
    match run(input, profile) {
        Ok(trace) => Outcome::accepted(&trace),
        Err(e) => Outcome::Rejected(Rejection::new(
            ReasonClass::InvalidValue,
            format!("malformed scenario: {e}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{self, Rule};
    use asyncpay_adapter::scenario::{InitialState, NodeConfig, OnionMessage, Payload, MAX_STEPS};

    fn profile() -> Profile {
        crate::draft_profile()
    }

    fn lsp_scenario(steps: Vec<Step>) -> Scenario {
        let hold = NodeConfig {
            features: vec![asyncpay_adapter::scenario::Feature::OptionHtlcHold],
            often_offline: false,
        };
        Scenario {
            role_under_test: Role::PayerLsp,
            initial: InitialState {
                block_height: 100,
                time: 0,
                nodes: Nodes {
                    payer_lsp: hold,
                    ..Nodes::default()
                },
                offers: Vec::new(),
                static_invoices: Vec::new(),
                recipient_path: None,
                invoice_server: None,
            },
            steps,
        }
    }

    fn held_then(release_over: PathRef) -> Scenario {
        lsp_scenario(vec![
            Step::Event(Event::UpdateAddHtlc {
                from: Role::Payer,
                htlc: 0,
                amount_msat: 1000,
                payment_hash: "00".repeat(32),
                cltv_expiry: 300,
                hold_htlc: true,
                payload: Payload {
                    amt_to_forward: 1000,
                    outgoing_cltv_value: 260,
                    next_hop: Some(Role::InvoiceServer),
                    ..Payload::default()
                },
                irrevocably_committed: true,
            }),
            Step::Event(Event::OnionMessage {
                from: Role::Recipient,
                message: OnionMessage::ReleaseHeldHtlc,
                over: release_over,
                reply_path: None,
            }),
        ])
    }

    fn forwards(s: &Scenario, knocked_out: &[Rule]) -> usize {
        let (trace, _) = rules::with_knockouts(knocked_out, || run(s, &profile()));
        let trace = trace.expect("runs");
        trace
            .trace
            .iter()
            .flat_map(|e| e.actions.iter())
            .filter(|a| matches!(a, Action::HtlcForwarded { .. }))
            .count()
    }

    #[test]
    fn oversized_scenario_is_rejected_not_run() {
        let s = lsp_scenario(vec![
            Step::Event(Event::BlocksMined { count: 1 });
            MAX_STEPS + 1
        ]);
        assert!(matches!(run_op(&s, &profile()), Outcome::Rejected(_)));
    }

    #[test]
    fn only_authentic_releases_forward() {
        let own = |tampered| PathRef::Own {
            step: 0,
            index: 0,
            tampered,
        };
        assert_eq!(forwards(&held_then(own(false)), &[]), 1);
        assert_eq!(forwards(&held_then(own(true)), &[]), 0);
        let forged = PathRef::Forged { claims_htlc: 0 };
        assert_eq!(forwards(&held_then(forged.clone()), &[]), 0);
        // A forged context counts only if the LSP no longer requires its
        // own path; a tampered one only if it no longer authenticates.
        assert_eq!(
            forwards(&held_then(forged.clone()), &[Rule::ReleaseAuthenticated]),
            0
        );
        assert_eq!(
            forwards(&held_then(forged), &[Rule::LspReleaseOverOwnPath]),
            1
        );
        assert_eq!(
            forwards(&held_then(own(true)), &[Rule::ReleaseAuthenticated]),
            1
        );
        // A reference to a path never issued cannot be delivered.
        let missing = PathRef::Own {
            step: 0,
            index: 9,
            tampered: false,
        };
        assert_eq!(forwards(&held_then(missing), &[]), 0);
    }
}
