//! Release-semantics state machines.

use asyncpay_adapter::{Outcome, Profile};

/// Operation `run_op` (not implemented yet).
pub fn run_op(_input: &asyncpay_adapter::scenario::Scenario, _profile: &Profile) -> Outcome {
    Outcome::unsupported("not implemented in the reference yet")
}
