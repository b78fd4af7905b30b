//! Static invoices: reader and writer.

use asyncpay_adapter::{Outcome, Profile};

/// Operation `decode_op` (not implemented yet).
pub fn decode_op(
    _input: &asyncpay_adapter::invoice::DecodeStaticInvoice,
    _profile: &Profile,
) -> Outcome {
    Outcome::unsupported("not implemented in the reference yet")
}

/// Operation `encode_op` (not implemented yet).
pub fn encode_op(
    _input: &asyncpay_adapter::invoice::EncodeStaticInvoice,
    _profile: &Profile,
) -> Outcome {
    Outcome::unsupported("not implemented in the reference yet")
}
