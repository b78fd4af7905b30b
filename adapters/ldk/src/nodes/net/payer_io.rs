//! Driver capabilities for `role_under_test: payer` (decoding the payer's
//! final onion payload, editing the LSP's release paths).

#[allow(unused_imports)]
use super::AsyncNet;
