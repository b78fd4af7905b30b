//! Driver capabilities for `role_under_test: recipient` (crafted payments
//! and crafted `held_htlc_available` messages into the real recipient).

#[allow(unused_imports)]
use super::AsyncNet;
