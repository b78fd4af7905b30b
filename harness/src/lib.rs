//! The async payments conformance harness: loads vectors, drives adapters,
//! compares answers with expectations, grades, generates vectors, writes
//! reports.
//!
//! An implementation outside this repository implements
//! [`asyncpay_adapter::Adapter`] and runs the whole suite in-process:
//!
//! ```no_run
//! use asyncpay_harness::{RunOptions, Suite};
//! use std::sync::Arc;
//! # struct MyAdapter;
//! # impl asyncpay_adapter::Adapter for MyAdapter {
//! #   fn name(&self) -> &str { "mine" }
//! #   fn native_profiles(&self) -> Vec<String> { vec![] }
//! #   fn execute(&self, _: &asyncpay_adapter::Operation, _: &asyncpay_adapter::Profile)
//! #     -> asyncpay_adapter::Outcome { asyncpay_adapter::Outcome::unsupported("") }
//! # }
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let suite = Suite::load("path/to/vectors")?;
//! let report = suite.run(&[Arc::new(MyAdapter)], &RunOptions::default());
//! print!("{}", asyncpay_harness::report::text(&report));
//! assert!(report.success());
//! # Ok(()) }
//! ```
//!
//! or as libtest-mimic trials in its own `tests/` (see [`trials()`]).
//!
//! Modules: [`runner`] (load, plan, execute under timeout and
//! `catch_unwind`), [`results`] (statuses, counts, the report), [`compare`] (verdicts and JSON diffs with paths),
//! [`grading`] (requirement levels; judgements to statuses), [`expected`] (expected-failures lists),
//! [`report`] (text, JSON, JUnit), [`matrix`] (the HTML page and the
//! Markdown summary), [`trials`] (libtest-mimic),
//! [`coverage`] (requirements covered), [`requirements`] (the catalogue),
//! [`vectors`] (the file format) and [`upstream`] (cases run once, supplied
//! by the caller).
//!
//! The runner knows no implementation: it depends on the adapter trait and
//! general-purpose crates only. The built-in adapters are registered by the
//! `asyncpay` command (crate `asyncpay-cli`), each behind a cargo feature;
//! the vector generator is its own crate (`asyncpay-vectors`).

#![warn(missing_docs)]

pub mod compare;
pub mod coverage;
pub mod expected;
pub mod grading;
pub mod matrix;
pub mod report;
pub mod requirements;
pub mod results;
pub mod runner;
pub mod trials;
pub mod upstream;
pub mod vectors;

pub use libtest_mimic;
pub use runner::{trial_name, Report, RunOptions, Status, Suite, TrialResult};
pub use trials::trials;

#[cfg(test)]
mod runner_tests;
