//! The async payments conformance harness: loads vectors, drives adapters,
//! compares answers with expectations, generates vectors, writes reports.

#![warn(missing_docs)]

pub mod recipes;
pub mod upstream;
pub mod vectors;
