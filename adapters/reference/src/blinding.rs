//! Route blinding (BOLT 4).

use asyncpay_adapter::{Outcome, Profile};

/// Operation `build_op` (not implemented yet).
pub fn build_op(
    _input: &asyncpay_adapter::blinding::BuildBlindedPath,
    _profile: &Profile,
) -> Outcome {
    Outcome::unsupported("not implemented in the reference yet")
}

/// Operation `unblind_op` (not implemented yet).
pub fn unblind_op(_input: &asyncpay_adapter::blinding::UnblindHop, _profile: &Profile) -> Outcome {
    Outcome::unsupported("not implemented in the reference yet")
}
