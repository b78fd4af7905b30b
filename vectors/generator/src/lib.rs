//! The generator of the async payments conformance vectors, kept beside the
//! data it writes (`vectors/`): one recipe per area ([`recipes`]), the bolts
//! repository's own vectors with the checks that reproduce them
//! ([`upstream`]), `vectors generate` / `vectors check` ([`regen`]), and
//! `vectors audit` ([`audit`]).
//!
//! Spec authors use it; implementers only read the files. The runner
//! (`asyncpay-harness`) does not depend on it. Recipes compute expected
//! values with calculators of their own, never with the model under test;
//! the reference model (`asyncpay-reference`) and, with the `ldk` feature,
//! LDK's static invoice builder are used only to make inputs and to check
//! the calculators.

#![warn(missing_docs)]

pub mod audit;
pub mod export;
pub mod findings;
pub mod gaps;
pub mod recipes;
pub mod regen;
pub mod upstream;
