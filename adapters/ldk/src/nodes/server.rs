//! `role_under_test: invoice_server` scenarios on the real LDK network.

use super::scenarios::ScenarioError;
use asyncpay_adapter::scenario as sc;

/// Runs a `role_under_test: invoice_server` scenario; returns the server's trace.
pub(super) fn run(_s: &sc::Scenario) -> Result<sc::TraceView, ScenarioError> {
    Err(ScenarioError::Unsupported(
        "role under test invoice_server: not mapped to the LDK network yet".into(),
    ))
}
