//! The payer: pays an offer whose invoices an invoice server provides.
//!
//! Requirements followed:
//! - `update_add_htlc` sender: MUST NOT set `hold_htlc` unless it expects the
//!   recipient to be offline (it pays a static invoice) and itself to be
//!   offline soon (`often_offline`); the suite also requires the peer to
//!   advertise `option_htlc_hold` (BOLT 9: the feature says the peer holds).
//! - payload writer: paying a static invoice, MUST set
//!   `sender_provided_payment_preimage` (random, unique), `payment_hash` its
//!   SHA256, and `invoice_request`; otherwise MUST NOT set the preimage.
//! - `revoke_and_ack` receiver: with release paths and a held HTLC, MUST
//!   immediately send at least two `held_htlc_available` over at least two
//!   different paths, each with a unique reply path from the holder.
//! - invoice reader: a static invoice past its expiry (default: the
//!   profile's `static_invoice_default_expiry`) or without message paths is
//!   not paid; an invoice counts only if it arrived over one of the payer's
//!   own reply paths, with the `path_id` it put there.
//!
//! Choices: the first invoice that arrives for a payment is paid; later ones
//! are ignored. A static invoice for another offer than the invoice
//! request's is ignored, even over the request's reply path. Reconnecting to its LSP, the payer sends every
//! `held_htlc_available` of its held HTLCs again (it never learns here
//! whether they settled; the draft has no acknowledgement). A payer that will stay online (or whose LSP cannot hold)
//! sends `held_htlc_available` with its own reply paths and sends the HTLC,
//! without `hold_htlc`, on `release_held_htlc` (the draft's informative note).

use super::{sha, Arrived, Machine, World};
use crate::rules::{knocked_out, past_bound, rejects, Rule};
use asyncpay_adapter::scenario::{
    Action, Event, Feature, InitialState, InvoiceRequestSpec, OfferSpec, OnionMessage, PathId,
    Role, StaticInvoiceSpec,
};
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
struct Payment {
    invreq: InvoiceRequestSpec,
    /// An HTLC was sent (or the online flow started).
    started: bool,
    /// The static invoice being paid through the online flow, awaiting release.
    awaiting_release: Option<StaticInvoiceSpec>,
    /// The static invoice of a held HTLC whose holder has not given paths yet.
    awaiting_paths: Option<StaticInvoiceSpec>,
    /// The `held_htlc_available` messages sent for a held HTLC, sent again
    /// on reconnection to the LSP.
    held_sent: Vec<Action>,
    paid: bool,
}

/// The payer's state.
pub struct Payer {
    offers: Vec<OfferSpec>,
    payments: BTreeMap<String, Payment>,
    /// Own reply path id -> payment.
    reply_paths: BTreeMap<String, String>,
    next_htlc: u64,
    next_path: u64,
}

impl Payer {
    /// A payer that knows the offers in `initial`.
    pub fn new(initial: &InitialState) -> Payer {
        Payer {
            offers: initial.offers.clone(),
            payments: BTreeMap::new(),
            reply_paths: BTreeMap::new(),
            next_htlc: 0,
            next_path: 0,
        }
    }

    fn own_path(&mut self, w: &mut World, payment: &str) -> PathId {
        let id = format!("payer-reply-{}", self.next_path);
        self.next_path += 1;
        self.reply_paths.insert(id.clone(), payment.to_string());
        w.issue(id)
    }

    /// The payment an arriving path authenticates, if any (`offer`: the
    /// offer the arriving invoice names, if it is one).
    fn payment_for(&self, over: Arrived, offer: Option<&str>, w: &World) -> Option<String> {
        match over {
            Arrived::Own { id, token }
                if w.authentic(&id, &token) || knocked_out(Rule::PayerPathAuthenticated) =>
            {
                self.reply_paths.get(&id).cloned()
            }
            // Not a reply path of its own: counted only with the rule knocked
            // out, for the payment of the invoice's offer.
            Arrived::Named(_) if knocked_out(Rule::PayerInvoiceOverReplyPath) => {
                let offer = offer?;
                self.payments
                    .iter()
                    .find(|(_, p)| p.invreq.offer == offer)
                    .map(|(name, _)| name.clone())
            }
            _ => None,
        }
    }

    fn send_htlc(
        &mut self,
        payment: &str,
        hold: bool,
        payment_hash: String,
        preimage: Option<String>,
        invoice_request: Option<String>,
    ) -> Action {
        let htlc = self.next_htlc;
        self.next_htlc += 1;
        Action::HtlcSent {
            payment: payment.to_string(),
            htlc,
            to: Role::PayerLsp,
            hold_htlc: hold,
            payment_hash,
            sender_provided_payment_preimage: preimage,
            invoice_request,
        }
    }

    /// A fresh preimage: unique per payment and HTLC.
    fn preimage(&self, payment: &str) -> [u8; 32] {
        let mut data = b"asyncpay-reference payer preimage ".to_vec();
        data.extend_from_slice(payment.as_bytes());
        data.extend_from_slice(&self.next_htlc.to_be_bytes());
        sha(&data)
    }

    fn pay_static(&mut self, payment: &str, hold: bool) -> Action {
        let preimage = self.preimage(payment);
        let hash = hex::encode(sha(&preimage));
        let invreq = self.payments.get(payment).map(|p| p.invreq.id.clone());
        self.send_htlc(payment, hold, hash, Some(hex::encode(preimage)), invreq)
    }

    fn static_invoice(
        &mut self,
        payment: String,
        inv: &StaticInvoiceSpec,
        w: &mut World,
        out: &mut Vec<Action>,
    ) {
        let Some(p) = self.payments.get(&payment) else {
            return;
        };
        if (p.started && !knocked_out(Rule::PayerPayOnce))
            || (inv.offer != p.invreq.offer && !knocked_out(Rule::PayerInvoiceForItsOffer))
        {
            return;
        }
        // The static invoice reader's rules, as its codec reader has them.
        let (rule, expiry) = match inv.relative_expiry {
            Some(e) => (Rule::InvoiceExpiryRelative, e),
            None => (
                Rule::InvoiceExpiryDefault,
                w.profile.numbers.static_invoice_default_expiry,
            ),
        };
        if past_bound(rule, w.time, inv.created_at.saturating_add(expiry))
            || rejects(Rule::InvoiceMessagePaths, inv.message_paths.is_empty())
        {
            return;
        }
        let me = w.nodes.get(Role::Payer);
        let lsp_holds = w.nodes.get(Role::PayerLsp).has(Feature::OptionHtlcHold)
            || knocked_out(Rule::PayerHoldNeedsPeerFeature);
        if me.often_offline && lsp_holds {
            out.push(self.pay_static(&payment, true));
            if let Some(p) = self.payments.get_mut(&payment) {
                p.started = true;
                p.paid = true;
                p.awaiting_paths = Some(inv.clone());
            }
        } else {
            for path in &inv.message_paths {
                let reply = self.own_path(w, &payment);
                out.push(Action::OnionMessageSent {
                    message: OnionMessage::HeldHtlcAvailable,
                    over: PathId::Named(path.clone()),
                    reply_path: Some(reply),
                });
            }
            if let Some(p) = self.payments.get_mut(&payment) {
                p.started = true;
                p.awaiting_release = Some(inv.clone());
            }
        }
    }

    fn release_paths(&mut self, paths: &[String], out: &mut Vec<Action>) {
        if paths.is_empty() {
            return;
        }
        for p in self.payments.values_mut() {
            let Some(inv) = p.awaiting_paths.take() else {
                continue;
            };
            for (i, mp) in inv.message_paths.iter().enumerate() {
                if i > 0 && knocked_out(Rule::PayerTwoHeldHtlcAvailable) {
                    break;
                }
                let k = if knocked_out(Rule::PayerUniqueReplyPaths) {
                    0
                } else {
                    i % paths.len()
                };
                let a = Action::OnionMessageSent {
                    message: OnionMessage::HeldHtlcAvailable,
                    over: PathId::Named(mp.clone()),
                    reply_path: paths.get(k).map(|r| PathId::Named(r.clone())),
                };
                p.held_sent.push(a.clone());
                out.push(a);
            }
        }
    }
}

impl Machine for Payer {
    fn on_event(&mut self, event: &Event, w: &mut World) -> Vec<Action> {
        let mut out = Vec::new();
        match event {
            Event::PayOffer {
                payment,
                offer,
                amount_msat,
            } => {
                if self.payments.contains_key(payment) {
                    return out;
                }
                let Some(path) = self
                    .offers
                    .iter()
                    .find(|o| &o.id == offer)
                    .and_then(|o| o.paths.first().cloned())
                else {
                    return out;
                };
                let invreq = InvoiceRequestSpec {
                    id: format!("{payment}-invreq"),
                    offer: offer.clone(),
                    amount_msat: Some(*amount_msat),
                };
                self.payments.insert(
                    payment.clone(),
                    Payment {
                        invreq: invreq.clone(),
                        started: false,
                        awaiting_release: None,
                        awaiting_paths: None,
                        held_sent: Vec::new(),
                        paid: false,
                    },
                );
                let reply = self.own_path(w, payment);
                out.push(Action::OnionMessageSent {
                    message: OnionMessage::InvoiceRequest(invreq),
                    over: PathId::Named(path),
                    reply_path: Some(reply),
                });
            }
            Event::OnionMessage { message, over, .. } => {
                let arrived = w.arrived(over);
                let offer = match message {
                    OnionMessage::StaticInvoice(inv) => Some(inv.offer.as_str()),
                    _ => None,
                };
                let Some(payment) = self.payment_for(arrived, offer, w) else {
                    return out;
                };
                match message {
                    OnionMessage::StaticInvoice(inv) => {
                        self.static_invoice(payment, inv, w, &mut out)
                    }
                    OnionMessage::Invoice(inv) => {
                        let Some(p) = self.payments.get(&payment) else {
                            return out;
                        };
                        if p.started && !knocked_out(Rule::PayerPayOnce) {
                            return out;
                        }
                        // A fresh invoice's payment carries no sender preimage
                        // (knocked out: the payer adds one as for a static invoice).
                        let preimage = knocked_out(Rule::PayerNoPreimageOtherwise)
                            .then(|| hex::encode(self.preimage(&payment)));
                        let a = self.send_htlc(
                            &payment,
                            false,
                            inv.payment_hash.clone(),
                            preimage,
                            None,
                        );
                        out.push(a);
                        if let Some(p) = self.payments.get_mut(&payment) {
                            p.started = true;
                            p.paid = true;
                        }
                    }
                    OnionMessage::ReleaseHeldHtlc => {
                        let Some(p) = self.payments.get_mut(&payment) else {
                            return out;
                        };
                        if p.awaiting_release.is_none() {
                            return out;
                        }
                        if p.paid && !knocked_out(Rule::PayerPayOnce) {
                            return out;
                        }
                        p.paid = true;
                        out.push(self.pay_static(&payment, false));
                    }
                    _ => {}
                }
            }
            Event::RevokeAndAck {
                from: Role::PayerLsp,
                release_paths,
            } => self.release_paths(release_paths, &mut out),
            Event::PeerReconnects {
                peer: Role::PayerLsp,
            } if !knocked_out(Rule::PayerRetransmitOnReconnect) => {
                // The draft has no acknowledgement of held_htlc_available:
                // a message lost while a hop was away is sent again.
                for p in self.payments.values() {
                    out.extend(p.held_sent.iter().cloned());
                }
            }
            _ => {}
        }
        out
    }
}
