//! LDK's invoice-server protocol (profile `experimental-ldk-invoice-server`):
//! the two sides of how an often-offline recipient gets its static invoice
//! to the invoice server that serves it. The draft does not define it; a
//! future bLIP or BOLT would. The expiries and bounds are LDK 0.2.7's,
//! each flagged in the profile's choices (`vectors/profiles.json`):
//!
//! - the recipient ([`AsyncRecipient`]), on a timer tick (a `time_passes`
//!   event) while it has no offer, sends `offer_paths_request` over its
//!   path to the server with a reply path that lives 2 hours; it takes an
//!   `offer_paths` only over that reply path, in time, and only if the
//!   paths last at least 90 days; it then sends `serve_static_invoice`
//!   over the server's reply path, with a reply path of its own, re-sends
//!   it on each tick until `static_invoice_persisted` arrives over that
//!   reply path, and asks for nothing more once confirmed (one slot: LDK
//!   keeps up to 10);
//! - the server ([`StaticServer`]) answers an `offer_paths_request` that
//!   arrives over one of the request paths it made for a recipient, before
//!   the path's expiry, at most 3 per recipient in any 60 seconds, with one
//!   offer path and a reply path for `serve_static_invoice`, both lasting
//!   365 days; it stores an unexpired invoice that arrives over that reply
//!   path in time, confirms with `static_invoice_persisted`, and serves
//!   the invoice (and forwards invoice requests over the recipient's
//!   forwarding path) as [`super::server`] does.

use super::server::Server;
use super::{Arrived, Machine, World};
use crate::rules::{knocked_out, Rule};
use asyncpay_adapter::scenario::{
    Action, Event, InitialState, OfferPathsSpec, OnionMessage, PathId, PathRef, RequestPathSpec,
    ServeStaticInvoiceSpec, StaticInvoiceSpec,
};
use std::collections::BTreeMap;

/// Lifetime of the recipient's `offer_paths_request` reply path (LDK's
/// `TEMP_REPLY_PATH_RELATIVE_EXPIRY`).
pub const REQUEST_REPLY_LIFETIME: u64 = 2 * 3600;
/// Lifetime of the server's offer paths and `serve_static_invoice` reply
/// path (LDK's `DEFAULT_ASYNC_RECEIVE_OFFER_EXPIRY`).
pub const OFFER_PATHS_LIFETIME: u64 = 365 * 24 * 3600;
/// The least lifetime the recipient takes offer paths with (LDK's
/// `MIN_OFFER_PATHS_RELATIVE_EXPIRY_SECS`, 3 months of 30 days).
pub const MIN_OFFER_PATHS_LIFETIME: u64 = 90 * 24 * 3600;
/// Most `offer_paths_request` a server answers per recipient in
/// [`REQUEST_WINDOW`] seconds (LDK's recipient-side `MAX_UPDATE_ATTEMPTS`
/// per timer tick).
pub const REQUEST_LIMIT: usize = 3;
/// The window of [`REQUEST_LIMIT`], seconds (about LDK's timer tick).
pub const REQUEST_WINDOW: u64 = 60;

/// The own path `r` names, if it is authentic and one of `ids`.
fn own_of<'m, T>(w: &World, r: &PathRef, ids: &'m BTreeMap<String, T>) -> Option<&'m T> {
    match w.arrived(r) {
        Arrived::Own { id, token } if w.authentic(&id, &token) => ids.get(&id),
        _ => None,
    }
}

/// A `serve_static_invoice` the recipient sent and the server has not confirmed.
struct Pending {
    over: PathId,
    message: OnionMessage,
    reply: String,
}

/// The often-offline recipient's side.
pub struct AsyncRecipient {
    server_paths: Vec<String>,
    /// Own `offer_paths_request` reply paths, with the time each was sent.
    requests: BTreeMap<String, u64>,
    pending: Option<Pending>,
    confirmed: bool,
    issued: u32,
}

impl AsyncRecipient {
    /// A recipient with no offer, reaching its server over the setup's paths.
    pub fn new(initial: &InitialState) -> AsyncRecipient {
        AsyncRecipient {
            server_paths: initial
                .invoice_server
                .as_ref()
                .map(|s| s.server_paths.clone())
                .unwrap_or_default(),
            requests: BTreeMap::new(),
            pending: None,
            confirmed: false,
            issued: 0,
        }
    }

    fn tick(&mut self, w: &mut World) -> Vec<Action> {
        if self.confirmed {
            return Vec::new();
        }
        if let Some(p) = &self.pending {
            if knocked_out(Rule::RecipientResendsUnconfirmed) {
                return Vec::new();
            }
            return vec![Action::OnionMessageSent {
                message: p.message.clone(),
                over: p.over.clone(),
                reply_path: Some(PathId::Own(p.reply.clone())),
            }];
        }
        let Some(to) = self.server_paths.first() else {
            return Vec::new();
        };
        if knocked_out(Rule::RecipientRequestsOfferPaths) {
            return Vec::new();
        }
        self.issued += 1;
        let id = format!("isrv-request-reply-{}", self.issued);
        self.requests.insert(id.clone(), w.time);
        vec![Action::OnionMessageSent {
            message: OnionMessage::OfferPathsRequest { invoice_slot: 0 },
            over: PathId::Named(to.clone()),
            reply_path: Some(w.issue(id)),
        }]
    }

    fn offer_paths(
        &mut self,
        spec: &OfferPathsSpec,
        over: &PathRef,
        reply: &PathRef,
        w: &mut World,
    ) -> Vec<Action> {
        let sent = own_of(w, over, &self.requests).copied();
        if sent.is_none() && !knocked_out(Rule::RecipientOfferPathsOverOwnPath) {
            return Vec::new();
        }
        if sent.is_some_and(|t| w.time > t.saturating_add(REQUEST_REPLY_LIFETIME))
            && !knocked_out(Rule::RecipientOfferPathsReplyFresh)
        {
            return Vec::new();
        }
        let expiry = spec.paths_absolute_expiry.unwrap_or(u64::MAX);
        if expiry < w.time.saturating_add(MIN_OFFER_PATHS_LIFETIME)
            && !knocked_out(Rule::RecipientOfferPathsLifetime)
        {
            return Vec::new();
        }
        let Some(over) = w.path_id(reply) else {
            return Vec::new();
        };
        if spec.paths.is_empty()
            || self.confirmed
            || self.pending.is_some()
            || knocked_out(Rule::RecipientServesInvoice)
        {
            return Vec::new();
        }
        self.issued += 1;
        let n = self.issued;
        let message = OnionMessage::ServeStaticInvoice(ServeStaticInvoiceSpec {
            invoice: StaticInvoiceSpec {
                id: format!("isrv-static-invoice-{n}"),
                offer: format!("isrv-offer-{n}"),
                created_at: w.time,
                relative_expiry: None,
                message_paths: vec![format!("isrv-recipient-message-path-{n}")],
                payment_paths: Vec::new(),
            },
            forward_invoice_request_path: format!("isrv-forward-path-{n}"),
        });
        let reply = format!("isrv-persisted-reply-{n}");
        let reply_path = Some(w.issue(reply.clone()));
        self.pending = Some(Pending {
            over: over.clone(),
            message: message.clone(),
            reply,
        });
        vec![Action::OnionMessageSent {
            message,
            over,
            reply_path,
        }]
    }
}

impl Machine for AsyncRecipient {
    fn on_event(&mut self, event: &Event, w: &mut World) -> Vec<Action> {
        match event {
            Event::TimePasses { .. } => self.tick(w),
            Event::OnionMessage {
                message: OnionMessage::OfferPaths(spec),
                over,
                reply_path: Some(reply),
                ..
            } => self.offer_paths(spec, over, reply, w),
            Event::OnionMessage {
                message: OnionMessage::StaticInvoicePersisted,
                over,
                ..
            } => {
                let mine = self.pending.as_ref().is_some_and(|p| {
                    matches!(w.arrived(over), Arrived::Own { id, token } if id == p.reply && w.authentic(&id, &token))
                });
                if mine && !knocked_out(Rule::RecipientPersistedConfirms) {
                    self.pending = None;
                    self.confirmed = true;
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}

/// A `serve_static_invoice` reply path the server issued.
struct ServePath {
    expires_at: u64,
}

/// The invoice server's side (with [`Server`] for the invoice requests).
pub struct StaticServer {
    inner: Server,
    request_paths: Vec<RequestPathSpec>,
    serve_paths: BTreeMap<String, ServePath>,
    /// Answered requests: the recipient and the time.
    answered: Vec<(String, u64)>,
    issued: u32,
}

impl StaticServer {
    /// A server with the setup's request paths (and `initial`'s invoices).
    pub fn new(initial: &InitialState) -> StaticServer {
        StaticServer {
            inner: Server::new(initial),
            request_paths: initial
                .invoice_server
                .as_ref()
                .map(|s| s.request_paths.clone())
                .unwrap_or_default(),
            serve_paths: BTreeMap::new(),
            answered: Vec::new(),
            issued: 0,
        }
    }

    fn request(&mut self, over: &PathRef, reply: &PathRef, w: &mut World) -> Vec<Action> {
        let spec = match over {
            PathRef::Named(n) => self.request_paths.iter().find(|p| &p.path == n),
            _ => None,
        };
        if spec.is_none() && !knocked_out(Rule::ServerRequestPathKnown) {
            return Vec::new();
        }
        if spec.and_then(|s| s.expires_at).is_some_and(|e| w.time > e)
            && !knocked_out(Rule::ServerRequestPathExpiry)
        {
            return Vec::new();
        }
        let recipient = spec.map_or("unknown".to_string(), |s| s.recipient.clone());
        let recent = self
            .answered
            .iter()
            .filter(|(r, t)| *r == recipient && w.time < t.saturating_add(REQUEST_WINDOW))
            .count();
        if recent >= REQUEST_LIMIT && !knocked_out(Rule::ServerRequestLimit) {
            return Vec::new();
        }
        let Some(to) = w.path_id(reply) else {
            return Vec::new();
        };
        if knocked_out(Rule::ServerAnswersOfferPaths) {
            return Vec::new();
        }
        self.answered.push((recipient, w.time));
        self.issued += 1;
        let n = self.issued;
        let expires_at = w.time.saturating_add(OFFER_PATHS_LIFETIME);
        let id = format!("isrv-serve-path-{n}");
        self.serve_paths
            .insert(id.clone(), ServePath { expires_at });
        vec![Action::OnionMessageSent {
            message: OnionMessage::OfferPaths(OfferPathsSpec {
                paths: vec![format!("isrv-server-offer-path-{n}")],
                paths_absolute_expiry: Some(expires_at),
            }),
            over: to,
            reply_path: Some(w.issue(id)),
        }]
    }

    fn serve(
        &mut self,
        spec: &ServeStaticInvoiceSpec,
        over: &PathRef,
        reply: &PathRef,
        w: &mut World,
    ) -> Vec<Action> {
        let path = own_of(w, over, &self.serve_paths);
        if path.is_none() && !knocked_out(Rule::ServerServePathOwn) {
            return Vec::new();
        }
        if path.is_some_and(|p| w.time > p.expires_at) && !knocked_out(Rule::ServerServePathExpiry)
        {
            return Vec::new();
        }
        let inv = &spec.invoice;
        let lifetime = inv
            .relative_expiry
            .unwrap_or(w.profile.numbers.static_invoice_default_expiry);
        if w.time > inv.created_at.saturating_add(lifetime)
            && !knocked_out(Rule::ServerServeInvoiceExpiry)
        {
            return Vec::new();
        }
        if !knocked_out(Rule::ServerStoresInvoice) {
            self.inner
                .store(inv.clone(), spec.forward_invoice_request_path.clone());
        }
        match w.path_id(reply) {
            Some(to) if !knocked_out(Rule::ServerConfirmsPersisted) => {
                vec![Action::OnionMessageSent {
                    message: OnionMessage::StaticInvoicePersisted,
                    over: to,
                    reply_path: None,
                }]
            }
            _ => Vec::new(),
        }
    }
}

impl Machine for StaticServer {
    fn on_event(&mut self, event: &Event, w: &mut World) -> Vec<Action> {
        match event {
            Event::OnionMessage {
                message: OnionMessage::OfferPathsRequest { .. },
                over,
                reply_path: Some(reply),
                ..
            } => self.request(over, reply, w),
            Event::OnionMessage {
                message: OnionMessage::ServeStaticInvoice(spec),
                over,
                reply_path: Some(reply),
                ..
            } => self.serve(spec, over, reply, w),
            _ => self.inner.on_event(event, w),
        }
    }
}
