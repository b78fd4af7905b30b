//! Onion messages (BOLT 4).

use asyncpay_adapter::{Outcome, Profile};

/// Operation `build_op` (not implemented yet).
pub fn build_op(
    _input: &asyncpay_adapter::onion::BuildOnionMessage,
    _profile: &Profile,
) -> Outcome {
    Outcome::unsupported("not implemented in the reference yet")
}

/// Operation `peel_op` (not implemented yet).
pub fn peel_op(_input: &asyncpay_adapter::onion::PeelOnionMessage, _profile: &Profile) -> Outcome {
    Outcome::unsupported("not implemented in the reference yet")
}
