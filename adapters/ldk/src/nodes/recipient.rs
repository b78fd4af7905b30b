//! `role_under_test: recipient` scenarios on the real LDK network.

use super::scenarios::ScenarioError;
use asyncpay_adapter::scenario as sc;

/// Runs a `role_under_test: recipient` scenario; returns the recipient's trace.
pub(super) fn run(_s: &sc::Scenario) -> Result<sc::TraceView, ScenarioError> {
    Err(ScenarioError::Unsupported(
        "role under test recipient: not mapped to the LDK network yet".into(),
    ))
}
