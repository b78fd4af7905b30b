//! update_add_htlc and revoke_and_ack.

use asyncpay_adapter::{Outcome, Profile};

/// Operation `decode_update_add_op` (not implemented yet).
pub fn decode_update_add_op(_input: &asyncpay_adapter::HexInput, _profile: &Profile) -> Outcome {
    Outcome::unsupported("not implemented in the reference yet")
}

/// Operation `encode_update_add_op` (not implemented yet).
pub fn encode_update_add_op(
    _input: &asyncpay_adapter::htlc::UpdateAddHtlcView,
    _profile: &Profile,
) -> Outcome {
    Outcome::unsupported("not implemented in the reference yet")
}

/// Operation `decode_revoke_and_ack_op` (not implemented yet).
pub fn decode_revoke_and_ack_op(
    _input: &asyncpay_adapter::HexInput,
    _profile: &Profile,
) -> Outcome {
    Outcome::unsupported("not implemented in the reference yet")
}

/// Operation `encode_revoke_and_ack_op` (not implemented yet).
pub fn encode_revoke_and_ack_op(
    _input: &asyncpay_adapter::htlc::RevokeAndAckView,
    _profile: &Profile,
) -> Outcome {
    Outcome::unsupported("not implemented in the reference yet")
}
