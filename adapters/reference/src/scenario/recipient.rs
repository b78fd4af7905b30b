//! The often-offline recipient: releases held HTLCs and claims them.
//!
//! Requirements followed:
//! - on `held_htlc_available` over one of its static invoices' message
//!   paths, with a reply path: replies `release_held_htlc` over the reply
//!   path (the draft's flow; the reply is what unblocks the HTLC). Without a
//!   reply path it cannot answer.
//! - payload reader (final node): MUST use `sender_provided_payment_preimage`
//!   when claiming, if present; MUST return an error if `amt_to_forward` is
//!   below what it expects (the `invoice_request`'s amount); MUST return an
//!   error if `cltv_expiry` exceeds the payment path's `max_cltv_expiry`
//!   (`invalid_onion_blinding`).
//! - payload reader (final node of a blinded route): MUST return an error if
//!   the payload carries other fields than BOLT 4's list, read with the
//!   draft's `sender_provided_payment_preimage` and `invoice_request` added
//!   (`invalid_onion_blinding`).
//! - BOLT 2 `update_fulfill_htlc`: the preimage must hash to `payment_hash`,
//!   so a preimage that does not is rejected, never claimed.
//! - an HTLC over a payment path none of its static invoices has (its
//!   authentication is not the recipient's) is rejected
//!   (`invalid_onion_blinding`), whatever else it carries.
//! - a part of a payment in several parts (`total_msat` set) is held until
//!   the parts of its payment hash reach `total_msat`, then every part is
//!   claimed: before that, the parts pay less than the recipient expects.
//!
//! Under the trampoline-hold profile (design 000) the recipient answers the
//! payer's `async_payment_notice` as it answers `held_htlc_available`: with
//! an `async_payment_trigger` carrying the notice's nonce, over the notice's
//! reply path (to the payer's LSP); and it claims a keysend donation, which
//! carries no `invoice_request`.
//!
//! Choice: an HTLC with a sender preimage but no `invoice_request`, or with an
//! `invoice_request` for an offer that is not the recipient's, is rejected
//! with `incorrect_or_unknown_payment_details` (the recipient cannot tell
//! what it is paid for).

use super::{sha, Machine, World};
use crate::rules::{knocked_out, past_bound, Rule};
use asyncpay_adapter::scenario::{
    Action, Event, FailureCode, InitialState, OnionMessage, PathRef, Payload, PaymentPathSpec,
    Role, StaticInvoiceSpec,
};
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
struct Incoming {
    amount_msat: u64,
    payment_hash: String,
    cltv_expiry: u32,
    payload: Payload,
    /// 0: added, 1: signed, 2: decided.
    stage: u8,
}

/// The recipient's state.
pub struct Recipient {
    offers: Vec<String>,
    invoices: Vec<StaticInvoiceSpec>,
    htlcs: BTreeMap<u64, Incoming>,
    /// Keysend donations (design 000) need no `invoice_request`.
    donations: bool,
    /// Parts of payments in several parts that passed every check, waiting
    /// for the rest: HTLC id -> (payment hash, `amt_to_forward`, preimage).
    parts: BTreeMap<u64, (String, u64, String)>,
}

impl Recipient {
    /// A recipient owning the offers and static invoices in `initial`.
    pub fn new(initial: &InitialState) -> Recipient {
        Recipient {
            offers: initial.offers.iter().map(|o| o.id.clone()).collect(),
            invoices: initial.static_invoices.clone(),
            htlcs: BTreeMap::new(),
            donations: false,
            parts: BTreeMap::new(),
        }
    }

    /// The same recipient, claiming keysend donations without an
    /// `invoice_request` (the trampoline-hold design) when `donations`.
    pub fn with_donations(mut self, donations: bool) -> Recipient {
        self.donations = donations;
        self
    }

    /// The verdict on one HTLC: `Ok(preimage)` to claim it (or, a part, to
    /// hold it for the rest), `Err(code)` to fail it with `code`.
    fn decide(&self, h: &Incoming) -> Result<String, FailureCode> {
        let reject = Err;
        let p = &h.payload;
        // Inside a blinded route the final node refuses every record besides
        // BOLT 4's list and the draft's two (gap/final-payload-allowlist-conflict).
        if p.payment_path.is_some()
            && !p.other_records.is_empty()
            && !knocked_out(Rule::RecipientFinalPayloadFields)
        {
            return reject(FailureCode::InvalidOnionBlinding);
        }
        if h.cltv_expiry < p.outgoing_cltv_value || h.amount_msat < p.amt_to_forward {
            return reject(FailureCode::IncorrectOrUnknownPaymentDetails);
        }
        if let Some(name) = &p.payment_path {
            let path = self
                .invoices
                .iter()
                .flat_map(|i| i.payment_paths.iter())
                .find(|pp| &pp.id == name);
            let too_late = |pp: &PaymentPathSpec| {
                past_bound(
                    Rule::RecipientMaxCltvExpiry,
                    u64::from(h.cltv_expiry),
                    u64::from(pp.max_cltv_expiry),
                )
            };
            match path {
                Some(pp) if !too_late(pp) => {}
                // Not a path of its own: its authentication cannot be the recipient's.
                None if knocked_out(Rule::RecipientOwnPaymentPath) => {}
                _ => return reject(FailureCode::InvalidOnionBlinding),
            }
        }
        let Some(preimage) = &p.sender_provided_payment_preimage else {
            // No invoice with a payment hash exists in this model.
            return reject(FailureCode::IncorrectOrUnknownPaymentDetails);
        };
        match &p.invoice_request {
            // A keysend donation (design 000) answers no invoice request.
            None if self.donations => {}
            None => {
                if knocked_out(Rule::RecipientInvoiceRequest) {
                    return Ok(preimage.to_ascii_lowercase());
                }
                return reject(FailureCode::IncorrectOrUnknownPaymentDetails);
            }
            Some(invreq) => {
                if !self.offers.contains(&invreq.offer) {
                    return reject(FailureCode::IncorrectOrUnknownPaymentDetails);
                }
                let expected = invreq.amount_msat.unwrap_or(0);
                // A part is held against the whole payment's amount.
                let paid = p.total_msat.unwrap_or(p.amt_to_forward);
                if paid < expected && !knocked_out(Rule::RecipientAmount) {
                    return reject(FailureCode::IncorrectOrUnknownPaymentDetails);
                }
            }
        }
        let hash_ok = hex::decode(preimage)
            .ok()
            .filter(|b| b.len() == 32)
            .is_some_and(|b| hex::encode(sha(&b)).eq_ignore_ascii_case(&h.payment_hash));
        if !hash_ok && !knocked_out(Rule::RecipientPreimageHash) {
            return reject(FailureCode::IncorrectOrUnknownPaymentDetails);
        }
        Ok(preimage.to_ascii_lowercase())
    }

    /// Acts on the verdict for HTLC `id`: a single HTLC is claimed; a part
    /// waits until the parts of its payment hash reach `total_msat`, and
    /// then all of them are claimed, in HTLC id order.
    fn settle(&mut self, id: u64, h: &Incoming, out: &mut Vec<Action>) {
        let preimage = match self.decide(h) {
            Ok(preimage) => preimage,
            Err(reason) => return out.push(Action::HtlcFailed { htlc: id, reason }),
        };
        let Some(total) = h.payload.total_msat else {
            return out.push(Action::HtlcClaimed { htlc: id, preimage });
        };
        let hash = h.payment_hash.to_ascii_lowercase();
        self.parts
            .insert(id, (hash.clone(), h.payload.amt_to_forward, preimage));
        let sum: u64 = self
            .parts
            .values()
            .filter(|(ph, _, _)| *ph == hash)
            .map(|(_, amt, _)| *amt)
            .sum();
        if sum < total && !knocked_out(Rule::RecipientAllParts) {
            return;
        }
        let ready: Vec<u64> = self
            .parts
            .iter()
            .filter(|(_, (ph, _, _))| *ph == hash)
            .map(|(k, _)| *k)
            .collect();
        for k in ready {
            if let Some((_, _, preimage)) = self.parts.remove(&k) {
                out.push(Action::HtlcClaimed { htlc: k, preimage });
            }
        }
    }

    fn advance(&mut self, to_stage: u8, out: &mut Vec<Action>) {
        let ids: Vec<u64> = self
            .htlcs
            .iter()
            .filter(|(_, h)| h.stage + 1 == to_stage)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            if let Some(h) = self.htlcs.get(&id).cloned() {
                if to_stage == 2 {
                    self.settle(id, &h, out);
                }
            }
            if let Some(h) = self.htlcs.get_mut(&id) {
                h.stage = to_stage;
            }
        }
    }
}

impl Machine for Recipient {
    fn on_event(&mut self, event: &Event, w: &mut World) -> Vec<Action> {
        let mut out = Vec::new();
        match event {
            Event::OnionMessage {
                message:
                    message
                    @ (OnionMessage::HeldHtlcAvailable | OnionMessage::AsyncPaymentNotice { .. }),
                over: PathRef::Named(path),
                reply_path: Some(reply),
                ..
            } => {
                let answer = match message {
                    OnionMessage::AsyncPaymentNotice { nonce } => {
                        OnionMessage::AsyncPaymentTrigger {
                            nonce: nonce.clone(),
                        }
                    }
                    _ => OnionMessage::ReleaseHeldHtlc,
                };
                let mine = self.invoices.iter().any(|i| i.message_paths.contains(path))
                    || knocked_out(Rule::RecipientOwnMessagePath);
                let answer_over = if knocked_out(Rule::RecipientReplyOverReplyPath) {
                    w.path_id(&PathRef::Named(path.clone()))
                } else {
                    w.path_id(reply)
                };
                if let (true, Some(r)) = (mine, answer_over) {
                    out.push(Action::OnionMessageSent {
                        message: answer,
                        over: r,
                        reply_path: None,
                    });
                }
            }
            Event::UpdateAddHtlc {
                from: Role::InvoiceServer,
                htlc,
                amount_msat,
                payment_hash,
                cltv_expiry,
                payload,
                irrevocably_committed,
                ..
            } => {
                if self.htlcs.contains_key(htlc) {
                    return out;
                }
                self.htlcs.insert(
                    *htlc,
                    Incoming {
                        amount_msat: *amount_msat,
                        payment_hash: payment_hash.clone(),
                        cltv_expiry: *cltv_expiry,
                        payload: payload.clone(),
                        stage: 0,
                    },
                );
                if *irrevocably_committed {
                    self.advance(1, &mut out);
                    self.advance(2, &mut out);
                }
            }
            Event::CommitmentSigned {
                from: Role::InvoiceServer,
            } => {
                self.advance(1, &mut out);
                out.push(Action::RevokeAndAckSent {
                    to: Role::InvoiceServer,
                    release_paths: Vec::new(),
                });
            }
            Event::RevokeAndAck {
                from: Role::InvoiceServer,
                ..
            } => self.advance(2, &mut out),
            _ => {}
        }
        out
    }
}
