//! The suite's reference model of the async payments draft.
//!
//! Written from the BOLT text (PR 1149 head and the main-branch BOLTs it
//! inherits from) on primitive crates only: `secp256k1`, `bitcoin_hashes`,
//! `chacha20poly1305`. It never depends on `lightning`: comparing LDK with a
//! model built on LDK would prove nothing.

#![warn(missing_docs)]

pub mod bigsize;
pub mod tlv;
pub mod wire;
