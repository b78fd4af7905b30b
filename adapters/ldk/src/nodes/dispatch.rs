//! `scenario.run` on the real LDK network: the one entry point, which
//! dispatches by role under test to the module that maps that role (`lsp`,
//! `payer`, `recipient`, `server`, named as the reference model names its
//! role machines).

pub use super::error::ScenarioError;
use asyncpay_adapter::scenario as sc;
use asyncpay_adapter::{Outcome, ReasonClass, Rejection};

/// Runs `scenario` on a fresh real network, LDK in the role under test;
/// returns that role's trace.
pub fn run_scenario(scenario: &sc::Scenario) -> Result<sc::TraceView, ScenarioError> {
    match scenario.role_under_test {
        sc::Role::PayerLsp => super::lsp::run(scenario),
        sc::Role::Payer => super::payer::run(scenario),
        sc::Role::Recipient => super::recipient::run(scenario),
        sc::Role::InvoiceServer => super::server::run(scenario),
    }
}

/// Answers `scenario.run`: the role under test's trace as
/// `Outcome::Accepted { view: {"trace": [...]} }`, `Outcome::Unsupported`
/// with the reason when the real network cannot reproduce the scenario's
/// setup, and an `Internal` rejection when the scenario is malformed or the
/// driver fails (a panic inside LDK included).
pub fn run_op(scenario: &sc::Scenario) -> Outcome {
    if let Some(what) = experimental_element(scenario) {
        return crate::unsupported::Unsupported::ScenarioSetup.outcome(Some(&what));
    }
    match run_scenario(scenario) {
        Ok(trace) => match serde_json::to_value(&trace) {
            Ok(view) => Outcome::Accepted { view },
            Err(e) => Outcome::Rejected(Rejection::new(
                ReasonClass::Internal,
                format!("trace not serialisable: {e}"),
            )),
        },
        Err(ScenarioError::Unsupported(reason)) => {
            crate::unsupported::Unsupported::ScenarioSetup.outcome(Some(&reason))
        }
        Err(ScenarioError::Malformed(e)) => Outcome::Rejected(Rejection::new(
            ReasonClass::Internal,
            format!("scenario.run: the scenario cannot be handed to the real nodes: {e}"),
        )),
        Err(ScenarioError::Driver(e)) => Outcome::Rejected(Rejection::new(
            ReasonClass::Internal,
            format!("scenario.run on real LDK nodes failed: {e}"),
        )),
    }
}

/// The first element of an experimental design (`vectors/designs.md`) the
/// scenario uses, if any: LDK has no API for the trampoline hold's payload
/// record, the designs' onion messages or a downstream fulfil driven by the
/// scenario, so such a scenario is unsupported, never played without them.
fn experimental_element(s: &sc::Scenario) -> Option<String> {
    s.steps.iter().enumerate().find_map(|(i, step)| {
        let sc::Step::Event(ev) = step else {
            return None;
        };
        let what = match ev {
            sc::Event::UpdateAddHtlc { payload, .. } if payload.async_hold.is_some() => {
                "a trampoline hold request (async_hold) in the LSP's onion payload"
            }
            sc::Event::OnionMessage {
                message:
                    sc::OnionMessage::AsyncPaymentNotice { .. }
                    | sc::OnionMessage::AsyncPaymentTrigger { .. }
                    | sc::OnionMessage::HoldHtlcRequest { .. }
                    | sc::OnionMessage::PaymentUnblock { .. },
                ..
            } => "an onion message of an experimental design (async_payment_notice, async_payment_trigger, hold_htlc_request or payment_unblock)",
            sc::Event::OnionMessage {
                message:
                    sc::OnionMessage::OfferPathsRequest { .. }
                    | sc::OnionMessage::OfferPaths(_)
                    | sc::OnionMessage::ServeStaticInvoice(_)
                    | sc::OnionMessage::StaticInvoicePersisted,
                ..
            } => {
                return Some(format!(
                    "step {i}: a message of LDK's invoice-server protocol (offer_paths_request, \
                     offer_paths, serve_static_invoice or static_invoice_persisted); the driver \
                     does not yet deliver these to the real nodes"
                ))
            }
            sc::Event::TimePasses { .. } if s.initial.invoice_server.is_some() => {
                return Some(format!(
                    "step {i}: a timer tick of LDK's invoice-server protocol; the driver does \
                     not yet reproduce the setup (the server's request paths, the recipient's \
                     paths to its server)"
                ))
            }
            sc::Event::HtlcFulfilledDownstream { .. } => {
                "a downstream fulfil chosen by the scenario"
            }
            _ => return None,
        };
        Some(format!(
            "step {i}: {what}; LDK has no API for this experimental design's element"
        ))
    })
}
