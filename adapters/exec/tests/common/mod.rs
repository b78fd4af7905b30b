//! What the fault tests share: the test implementation and a profile.

// Each test binary uses its own part of this module.
#![allow(dead_code)]

use asyncpay_adapter::features::CheckFeatures;
use asyncpay_adapter::{Operation, Profile};
use asyncpay_exec::{ExecAdapter, ExecConfig};
use std::time::Duration;

/// The draft profile, as `vectors/profiles.json` has it.
pub fn profile() -> Profile {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors/profiles.json");
    asyncpay_harness::runner::load_profiles(std::path::Path::new(path))
        .expect("profiles.json loads")
        .into_iter()
        .find(|p| p.name == "bolts-pr1149")
        .expect("the draft profile")
}

/// The test implementation's configuration, with short bounds: short
/// enough that the hanging faults cost little, long enough that a healthy
/// answer or restart on a loaded 2-core machine (a `cargo test --workspace`
/// building LDK beside it) is not taken for a hang.
pub fn config(args: &str) -> ExecConfig {
    let cmd = format!("{} {args}", env!("CARGO_BIN_EXE_asyncpay-exec-testimpl"));
    let mut c = ExecConfig::new("testimpl", &cmd).expect("a command");
    c.start_timeout = Duration::from_millis(4000);
    c.request_timeout = Duration::from_millis(3000);
    c
}

/// The test implementation, started.
pub fn start(args: &str) -> ExecAdapter {
    ExecAdapter::start(config(args))
}

/// A `features.check` whose context tells the test implementation what to do.
pub fn op(context: &str) -> Operation {
    Operation::CheckFeatures(CheckFeatures {
        hex: "00".into(),
        context: context.into(),
    })
}
