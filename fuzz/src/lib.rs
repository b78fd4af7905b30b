//! Fuzz targets of the async payments conformance suite.
//!
//! Each function in [`targets`] takes the fuzzer's bytes, turns them into
//! one or more [`Operation`]s, runs them through [`Adapter::execute`] under
//! every profile of `vectors/profiles.json`, and panics when an answer
//! breaks what must hold of any input:
//!
//! - the adapter does not panic;
//! - its outcome is never a rejection of class `internal` (which the suite
//!   grades as an error of the trial, never a verdict on the input);
//! - for `update_add_htlc` and `revoke_and_ack`, an accepted message
//!   re-encodes to exactly its own bytes (the reference accepts only the
//!   canonical encoding, as `tests/properties.rs` states).
//!
//! The files in `fuzz_targets/` are thin: a `fuzz_target!` when the
//! `libfuzzer` feature is on, else a `main` that replays inputs
//! ([`replay::main`]).

use asyncpay_adapter::{Adapter, Operation, Outcome, Profile, ReasonClass};
use std::sync::OnceLock;

pub mod replay;
pub mod targets;

/// Every profile of `vectors/profiles.json`, compiled in (so a target
/// binary runs from any directory, as OSS-Fuzz runs it).
pub fn profiles() -> &'static [Profile] {
    static PROFILES: OnceLock<Vec<Profile>> = OnceLock::new();
    PROFILES.get_or_init(|| {
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../../vectors/profiles.json"))
                .expect("vectors/profiles.json is JSON");
        serde_json::from_value(v["profiles"].clone()).expect("vectors/profiles.json has profiles")
    })
}

/// The profile named `name`.
pub fn profile(name: &str) -> &'static Profile {
    profiles()
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("profile {name} is in vectors/profiles.json"))
}

/// Runs `op` on `adapter` under `profile` and panics on an `internal`
/// rejection; returns the outcome.
pub fn run(adapter: &dyn Adapter, op: &Operation, profile: &Profile) -> Outcome {
    let outcome = adapter.execute(op, profile);
    if let Outcome::Rejected(r) = &outcome {
        if r.reason == ReasonClass::Internal {
            panic!(
                "{} answered internal to {} under {}: {}\noperation: {}",
                adapter.name(),
                op.name(),
                profile.name,
                r.detail,
                serde_json::to_string(op).unwrap_or_default()
            );
        }
    }
    outcome
}
