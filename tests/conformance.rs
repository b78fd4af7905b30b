//! Conformance trials: one libtest-mimic trial per (adapter, vector).
fn main() {}
