//! The payer's LSP: the holding node.
//!
//! Requirements followed (draft PR 1149 + PR 989):
//! - `update_add_htlc` receiver: with `hold_htlc`, MUST NOT forward until a
//!   corresponding `release_held_htlc` arrives; upon it, SHOULD forward as usual.
//! - `revoke_and_ack` sender: if `hold_htlc` was set and `option_htlc_hold`
//!   advertised, MUST set release paths (this model issues
//!   [`RELEASE_PATHS_PER_HTLC`] per held HTLC, and none for other HTLCs).
//! - Forwarding only once the incoming HTLC is irrevocably committed (BOLT 2).
//!
//! Choices where the draft is silent:
//! - a release is authenticated by the context in the path this node
//!   created; anything else is ignored;
//! - a release arriving before the HTLC is irrevocably committed is
//!   remembered, and the HTLC forwarded once committed (as LDK 0.2 does);
//! - a held HTLC is failed back `expiry_too_soon` once the height reaches
//!   `outgoing_cltv_value - FAIL_BACK_BUFFER_BLOCKS`;
//! - a node that does not advertise `option_htlc_hold` fails a `hold_htlc`
//!   HTLC back with `temporary_node_failure` (as LDK 0.2 does);
//! - a released HTLC whose next hop is disconnected is forwarded on reconnection;
//! - a held HTLC due to be failed back while the payer is disconnected is
//!   failed back when the payer reconnects (no message can reach it before);
//!   it is never forwarded after that point, whatever release arrives.
//!
//! Under the experimental profiles (`vectors/designs.md`), the same node
//! plays the designs' holding LSP: it holds an HTLC whose payload carries a
//! trampoline hold request until a trigger with its nonce (design 000), and
//! the HTLCs of the payment hashes a `hold_htlc_request` listed until its
//! payment id unblocks them (design 001); see [`super::designs`].
//!
//! BOLT 2's onion rule is followed too: a payload with an even record this
//! node does not know (any even record in [`Payload::other_records`]) is
//! failed back with `invalid_onion_payload` once committed, never held.
//!
//! [`Payload::other_records`]: asyncpay_adapter::scenario::Payload::other_records

use super::designs::{HoldRequest, TRAMPOLINE_ATTEMPTS};
use super::{Arrived, Machine, World, FAIL_BACK_BUFFER_BLOCKS, RELEASE_PATHS_PER_HTLC};
use crate::rules::{knocked_out, past_bound, Rule};
use asyncpay_adapter::scenario::{
    Action, AsyncHold, Event, FailureCode, Feature, HoldMode, Nodes, OnionMessage, Role,
};
use std::collections::BTreeMap;

/// Where an incoming HTLC stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HtlcState {
    /// `update_add_htlc` received, not yet signed.
    Added,
    /// Covered by the peer's `commitment_signed`; our `revoke_and_ack` sent.
    Signed,
    /// Irrevocably committed, not yet forwarded or failed.
    Committed,
    /// Forwarded downstream.
    Forwarded,
    /// Failed back.
    Failed,
    /// Fulfilled upstream.
    Claimed,
}

#[derive(Clone, Debug)]
struct Incoming {
    hold: bool,
    next: Role,
    outgoing_cltv: u32,
    state: HtlcState,
    release_requested: bool,
    /// The payload carries an unknown even record.
    bad_payload: bool,
    /// The trampoline hold request in the payload (design 000).
    async_hold: Option<AsyncHold>,
    /// The incoming `cltv_expiry`.
    cltv_expiry: u32,
    /// The payment hash, hex.
    payment_hash: String,
    /// Times forwarded.
    attempts: u32,
    /// A downstream preimage not yet given to the payer.
    preimage: Option<String>,
}

impl Incoming {
    /// Whether the payload is refused (BOLT 2's bad-onion rule).
    fn payload_refused(&self) -> bool {
        self.bad_payload && !knocked_out(Rule::LspBadOnionPayload)
    }
}

/// The holding node's state.
pub struct Lsp {
    supports_hold: bool,
    htlcs: BTreeMap<u64, Incoming>,
    /// Release path id -> the HTLC it releases.
    release_paths: BTreeMap<String, u64>,
    /// The payer's hold requests (design 001), in arrival order.
    hold_requests: Vec<HoldRequest>,
    /// Failures decided while the payer was disconnected, sent when it reconnects.
    queued_failures: Vec<(u64, FailureCode)>,
}

impl Lsp {
    /// A holding node configured as `nodes.payer_lsp`.
    pub fn new(nodes: &Nodes) -> Lsp {
        Lsp {
            supports_hold: nodes.payer_lsp.has(Feature::OptionHtlcHold),
            htlcs: BTreeMap::new(),
            release_paths: BTreeMap::new(),
            hold_requests: Vec::new(),
            queued_failures: Vec::new(),
        }
    }

    /// Whether the committed HTLC `h`, not released, waits for a release of
    /// any kind (the draft's `hold_htlc`, a trampoline hold, a hold request
    /// for its payment hash).
    fn waits(&self, h: &Incoming) -> bool {
        (h.hold && !knocked_out(Rule::LspHoldUntilRelease))
            || (h.async_hold.is_some() && !knocked_out(Rule::LspAsyncHoldUntilTrigger))
            || super::designs::waits_by_hash(&self.hold_requests, &h.payment_hash)
    }

    fn forward(&mut self, id: u64, w: &World, out: &mut Vec<Action>) {
        let Some(h) = self.htlcs.get_mut(&id) else {
            return;
        };
        if w.disconnected.contains(&h.next) {
            h.release_requested = true;
            return;
        }
        h.state = HtlcState::Forwarded;
        h.attempts += 1;
        out.push(Action::HtlcForwarded {
            htlc: id,
            to: h.next,
        });
    }

    /// Fails HTLC `id` back to the payer; while the payer is disconnected,
    /// the failure waits for its reconnection.
    fn fail(&mut self, id: u64, reason: FailureCode, w: &World, out: &mut Vec<Action>) {
        if let Some(h) = self.htlcs.get_mut(&id) {
            h.state = HtlcState::Failed;
            if w.disconnected.contains(&Role::Payer) {
                self.queued_failures.push((id, reason));
            } else {
                out.push(Action::HtlcFailed { htlc: id, reason });
            }
        }
    }

    fn commitment_signed(&mut self, w: &mut World, out: &mut Vec<Action>) {
        let mut paths = Vec::new();
        for (id, h) in self.htlcs.iter_mut() {
            if h.state != HtlcState::Added {
                continue;
            }
            h.state = HtlcState::Signed;
            // An HTLC whose payload is refused will be failed, not held.
            let holdable = h.hold && !h.payload_refused();
            let wants_paths =
                (holdable && self.supports_hold && !knocked_out(Rule::LspReleasePaths))
                    || knocked_out(Rule::LspReleasePathsOnlyHeld);
            if wants_paths {
                for k in 0..RELEASE_PATHS_PER_HTLC {
                    let pid = format!("lsp-release-{id}-{k}");
                    self.release_paths.insert(pid.clone(), *id);
                    paths.push(w.issue(pid));
                }
            }
        }
        out.push(Action::RevokeAndAckSent {
            to: Role::Payer,
            release_paths: paths,
        });
    }

    fn revoke_and_ack(&mut self, w: &World, out: &mut Vec<Action>) {
        let ids: Vec<u64> = self
            .htlcs
            .iter()
            .filter(|(_, h)| h.state == HtlcState::Signed)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            let Some(h) = self.htlcs.get_mut(&id) else {
                continue;
            };
            h.state = HtlcState::Committed;
            let (hold, released) = (h.hold, h.release_requested);
            let refused = h.payload_refused();
            let h = h.clone();
            if refused {
                self.fail(id, FailureCode::InvalidOnionPayload, w, out);
            } else if released || !self.waits(&h) {
                self.forward(id, w, out);
            } else if hold && !self.supports_hold && !knocked_out(Rule::LspFailUnsupportedHold) {
                self.fail(id, FailureCode::TemporaryNodeFailure, w, out);
            }
        }
        self.expire(w, out);
    }

    fn expire(&mut self, w: &World, out: &mut Vec<Action>) {
        // The last height at which a held HTLC may still be held.
        let last = |cltv: u32| u64::from(cltv.saturating_sub(FAIL_BACK_BUFFER_BLOCKS + 1));
        let height = u64::from(w.height);
        let due: Vec<u64> = self
            .htlcs
            .iter()
            .filter(|(_, h)| {
                h.state == HtlcState::Committed
                    && match &h.async_hold {
                        // The trampoline builds the onward HTLC at the
                        // trigger's height: its deadline is its own long
                        // CLTV less the downstream delta.
                        Some(a)
                            if a.mode == HoldMode::Trampoline
                                && !knocked_out(Rule::LspTrampolineDeadline) =>
                        {
                            past_bound(
                                Rule::LspTrampolineDeadline,
                                height,
                                last(h.cltv_expiry.saturating_sub(a.downstream_cltv_delta)),
                            )
                        }
                        _ => past_bound(Rule::LspFailBackDeadline, height, last(h.outgoing_cltv)),
                    }
            })
            .map(|(id, _)| *id)
            .collect();
        for id in due {
            self.fail(id, FailureCode::ExpiryTooSoon, w, out);
        }
    }

    /// Release HTLC `id` on a trigger or an unblock (the designs): as the
    /// draft's release does once it has found the HTLC.
    fn release_id(&mut self, id: u64, w: &World, out: &mut Vec<Action>) {
        let Some(h) = self.htlcs.get_mut(&id) else {
            return;
        };
        match h.state {
            HtlcState::Added | HtlcState::Signed => {
                h.release_requested = true;
                if knocked_out(Rule::LspForwardAfterCommitment) {
                    self.forward(id, w, out);
                }
            }
            HtlcState::Committed => self.forward(id, w, out),
            HtlcState::Forwarded if knocked_out(Rule::LspForwardOnce) => self.forward(id, w, out),
            _ => {}
        }
    }

    /// A trigger (design 000): release the trampoline-held HTLCs of `nonce`.
    fn trigger(&mut self, nonce: &str, w: &World, out: &mut Vec<Action>) {
        let any = knocked_out(Rule::LspAsyncNonceMatch);
        let ids: Vec<u64> = self
            .htlcs
            .iter()
            .filter(|(_, h)| {
                h.async_hold
                    .as_ref()
                    .is_some_and(|a| any || a.nonce.eq_ignore_ascii_case(nonce))
            })
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.release_id(id, w, out);
        }
    }

    /// An unblock (design 001): release the HTLCs of the requests it names.
    fn unblock(&mut self, payment_id: &str, w: &World, out: &mut Vec<Action>) {
        let hashes = super::designs::unblock(&mut self.hold_requests, payment_id);
        let ids: Vec<u64> = self
            .htlcs
            .iter()
            .filter(|(_, h)| {
                hashes
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(&h.payment_hash))
            })
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.release_id(id, w, out);
        }
    }

    /// A downstream failure of a trampoline or one-shot payment (design 000).
    fn async_failed(&mut self, id: u64, mode: HoldMode, w: &World, out: &mut Vec<Action>) {
        let attempts = self.htlcs.get(&id).map_or(0, |h| h.attempts);
        let again = attempts < TRAMPOLINE_ATTEMPTS
            && match mode {
                HoldMode::Trampoline => !knocked_out(Rule::LspTrampolineRetry),
                HoldMode::OneShot => knocked_out(Rule::LspOneShotNoRetry),
            };
        if again {
            self.forward(id, w, out);
        } else if mode == HoldMode::Trampoline {
            // The LSP made the onward onion: the failure is its own to report.
            self.fail(id, FailureCode::TemporaryNodeFailure, w, out);
        } else {
            self.fail(id, FailureCode::Relayed, w, out);
        }
    }

    /// A preimage from downstream: fulfil now if the payer is connected,
    /// else keep it for the payer's return.
    fn fulfilled(&mut self, id: u64, preimage: &str, w: &World, out: &mut Vec<Action>) {
        let Some(h) = self.htlcs.get_mut(&id) else {
            return;
        };
        if h.state != HtlcState::Forwarded {
            return;
        }
        if !w.disconnected.contains(&Role::Payer) {
            h.state = HtlcState::Claimed;
            out.push(Action::HtlcClaimed {
                htlc: id,
                preimage: preimage.to_string(),
            });
        } else if !knocked_out(Rule::LspSettleOnReconnection) {
            h.preimage = Some(preimage.to_string());
        }
    }

    /// The payer is back: fulfil every HTLC whose preimage was kept.
    fn settle_kept(&mut self, out: &mut Vec<Action>) {
        for (id, h) in self.htlcs.iter_mut() {
            if h.state != HtlcState::Forwarded {
                continue;
            }
            if let Some(p) = h.preimage.take() {
                h.state = HtlcState::Claimed;
                out.push(Action::HtlcClaimed {
                    htlc: *id,
                    preimage: p,
                });
            }
        }
    }

    fn release(&mut self, over: Arrived, w: &World, out: &mut Vec<Action>) {
        let forged_ok = knocked_out(Rule::ReleaseAuthenticated);
        let id = match over {
            Arrived::Own { id, token } if forged_ok || w.authentic(&id, &token) => {
                self.release_paths.get(&id).copied()
            }
            // Not a path of this LSP's (no path_id of its own): as if it had
            // sent no held_htlc_available.
            Arrived::Forged { claims_htlc } if knocked_out(Rule::LspReleaseOverOwnPath) => {
                Some(claims_htlc)
            }
            _ => None,
        };
        let Some(id) = id else { return };
        let Some(h) = self.htlcs.get_mut(&id) else {
            return;
        };
        if !h.hold && !knocked_out(Rule::LspForwardOnce) {
            return;
        }
        match h.state {
            HtlcState::Added | HtlcState::Signed => {
                h.release_requested = true;
                if knocked_out(Rule::LspForwardAfterCommitment) {
                    self.forward(id, w, out);
                }
            }
            HtlcState::Committed => self.forward(id, w, out),
            HtlcState::Forwarded if knocked_out(Rule::LspForwardOnce) => self.forward(id, w, out),
            _ => {}
        }
    }
}

impl Machine for Lsp {
    fn on_event(&mut self, event: &Event, w: &mut World) -> Vec<Action> {
        let mut out = Vec::new();
        match event {
            Event::UpdateAddHtlc {
                from: Role::Payer,
                htlc,
                hold_htlc,
                payload,
                irrevocably_committed,
                cltv_expiry,
                payment_hash,
                ..
            } => {
                if self.htlcs.contains_key(htlc) {
                    return out;
                }
                self.htlcs.insert(
                    *htlc,
                    Incoming {
                        hold: *hold_htlc,
                        next: payload.next_hop.unwrap_or(Role::InvoiceServer),
                        outgoing_cltv: payload.outgoing_cltv_value,
                        state: HtlcState::Added,
                        release_requested: false,
                        bad_payload: payload.other_records.iter().any(|r| r.tlv_type % 2 == 0),
                        async_hold: payload.async_hold.clone(),
                        cltv_expiry: *cltv_expiry,
                        payment_hash: payment_hash.clone(),
                        attempts: 0,
                        preimage: None,
                    },
                );
                if *irrevocably_committed {
                    self.commitment_signed(w, &mut out);
                    self.revoke_and_ack(w, &mut out);
                }
            }
            Event::CommitmentSigned { from: Role::Payer } => self.commitment_signed(w, &mut out),
            Event::RevokeAndAck {
                from: Role::Payer, ..
            } => self.revoke_and_ack(w, &mut out),
            Event::OnionMessage {
                message: OnionMessage::ReleaseHeldHtlc,
                over,
                ..
            } => {
                let arrived = w.arrived(over);
                self.release(arrived, w, &mut out);
            }
            Event::OnionMessage {
                message: OnionMessage::AsyncPaymentTrigger { nonce },
                ..
            } => self.trigger(nonce, w, &mut out),
            Event::OnionMessage {
                from: Role::Payer,
                message:
                    OnionMessage::HoldHtlcRequest {
                        payment_id,
                        payment_hashes,
                    },
                ..
            } => super::designs::request(&mut self.hold_requests, payment_id, payment_hashes),
            Event::OnionMessage {
                message: OnionMessage::PaymentUnblock { payment_id },
                ..
            } => self.unblock(payment_id, w, &mut out),
            Event::HtlcFulfilledDownstream { htlc, preimage } => {
                self.fulfilled(*htlc, preimage, w, &mut out)
            }
            Event::HtlcFailedDownstream { htlc, .. }
                if self.htlcs.get(htlc).map(|h| h.state) == Some(HtlcState::Forwarded) =>
            {
                let mode = self
                    .htlcs
                    .get(htlc)
                    .and_then(|h| h.async_hold.as_ref())
                    .map(|a| a.mode);
                if let Some(mode) = mode {
                    self.async_failed(*htlc, mode, w, &mut out);
                } else if knocked_out(Rule::LspFailBackAfterDownstream) {
                    self.forward(*htlc, w, &mut out);
                } else {
                    self.fail(*htlc, FailureCode::Relayed, w, &mut out);
                }
            }
            Event::BlocksMined { .. } => self.expire(w, &mut out),
            Event::PeerReconnects { peer } => {
                if *peer == Role::Payer {
                    self.settle_kept(&mut out);
                    let queued = std::mem::take(&mut self.queued_failures);
                    if !knocked_out(Rule::LspFailBackOnReconnection) {
                        out.extend(
                            queued
                                .into_iter()
                                .map(|(htlc, reason)| Action::HtlcFailed { htlc, reason }),
                        );
                    }
                }
                if !knocked_out(Rule::LspForwardOnReconnection) {
                    let ready: Vec<u64> = self
                        .htlcs
                        .iter()
                        .filter(|(_, h)| {
                            h.next == *peer
                                && h.state == HtlcState::Committed
                                && (h.release_requested || (!h.hold && !self.waits(h)))
                        })
                        .map(|(id, _)| *id)
                        .collect();
                    for id in ready {
                        self.forward(id, w, &mut out);
                    }
                }
            }
            _ => {}
        }
        out
    }
}
