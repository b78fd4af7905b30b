//! Feature bits.

use asyncpay_adapter::{Outcome, Profile};

/// Operation `check_op` (not implemented yet).
pub fn check_op(_input: &asyncpay_adapter::features::CheckFeatures, _profile: &Profile) -> Outcome {
    Outcome::unsupported("not implemented in the reference yet")
}
