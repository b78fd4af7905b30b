//! Driver capabilities for `role_under_test: invoice_server` and for fresh
//! invoices from an online recipient.

#[allow(unused_imports)]
use super::AsyncNet;
