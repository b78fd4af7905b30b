//! One `cargo test` trial per vector of the suite, run on this crate's
//! implementation: `cargo test` lists, filters and runs them.

use asyncpay_harness::{libtest_mimic, RunOptions, Suite};
use out_of_tree_adapter::MyImplementation;
use std::sync::Arc;

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    // The suite's vectors; a crate elsewhere points at its own copy.
    let vectors = std::env::var_os("ASYNCPAY_VECTORS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors").into());
    let suite = Suite::load(&vectors).expect("the vectors load");
    let adapters: Vec<Arc<dyn asyncpay_adapter::Adapter>> = vec![Arc::new(MyImplementation)];
    let opts = RunOptions {
        // Divergences of this implementation, as data (none yet).
        expected_failures_files: vec![],
        ..RunOptions::default()
    };
    let trials = asyncpay_harness::trials(&suite, &adapters, &args, &opts);
    libtest_mimic::run(&args, trials).exit();
}
