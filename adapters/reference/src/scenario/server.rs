//! The invoice server: answers invoice requests for an often-offline payee.
//!
//! Requirements followed (BOLT 12 invoice request reader, draft): receiving
//! an `invoice_request` on behalf of an often-offline payee, SHOULD reply
//! with the static invoice previously provided by the payee and SHOULD
//! forward the `invoice_request` to the payee; MAY reuse the invoice.
//!
//! Choices: the reply goes over the request's reply path; the forwarded
//! request carries the payer's reply path, so an online payee can answer the
//! payer directly with a fresh invoice. A request with no reply path, or for
//! an offer the server holds no static invoice for, is ignored.

use super::{Machine, World};
use crate::rules::{knocked_out, Rule};
use asyncpay_adapter::scenario::{
    Action, Event, InitialState, OnionMessage, PathId, StaticInvoiceSpec,
};

/// The invoice server's state.
pub struct Server {
    invoices: Vec<StaticInvoiceSpec>,
    recipient_path: Option<String>,
}

impl Server {
    /// A server storing the static invoices in `initial`.
    pub fn new(initial: &InitialState) -> Server {
        Server {
            invoices: initial.static_invoices.clone(),
            recipient_path: initial.recipient_path.clone(),
        }
    }
}

impl Server {
    /// Store `invoice` (replacing one for the same offer) and forward
    /// later invoice requests over `recipient_path` (the invoice-server
    /// protocol's `serve_static_invoice`).
    pub fn store(&mut self, invoice: StaticInvoiceSpec, recipient_path: String) {
        self.invoices.retain(|i| i.offer != invoice.offer);
        self.invoices.push(invoice);
        self.recipient_path = Some(recipient_path);
    }
}

impl Machine for Server {
    fn on_event(&mut self, event: &Event, w: &mut World) -> Vec<Action> {
        let mut out = Vec::new();
        if let Event::OnionMessage {
            message: OnionMessage::InvoiceRequest(req),
            reply_path: Some(reply),
            ..
        } = event
        {
            let Some(inv) = self.invoices.iter().find(|i| i.offer == req.offer) else {
                return out;
            };
            let Some(reply) = w.path_id(reply) else {
                return out;
            };
            if !knocked_out(Rule::ServerReplies) {
                out.push(Action::OnionMessageSent {
                    message: OnionMessage::StaticInvoice(inv.clone()),
                    over: reply.clone(),
                    reply_path: None,
                });
            }
            if let (Some(rp), false) = (&self.recipient_path, knocked_out(Rule::ServerForwards)) {
                out.push(Action::OnionMessageSent {
                    message: OnionMessage::InvoiceRequest(req.clone()),
                    over: PathId::Named(rp.clone()),
                    reply_path: Some(reply),
                });
            }
        }
        out
    }
}
