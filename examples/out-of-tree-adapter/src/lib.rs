//! An adapter for an implementation outside the suite's repository: the
//! whole of what an implementer writes to run the async payments
//! conformance suite on their own Rust code. Here the implementation is the
//! suite's reference model, under another name.

use asyncpay_adapter::{Adapter, Operation, Outcome, Profile};

/// The implementation under test, behind the suite's adapter trait.
pub struct MyImplementation;

impl Adapter for MyImplementation {
    fn name(&self) -> &str {
        "my-impl"
    }

    fn native_profiles(&self) -> Vec<String> {
        vec!["bolts-pr1149".into()]
    }

    /// Answer one operation: a real implementation decodes, encodes or runs
    /// the scenario with its own code, and answers `Outcome::unsupported`
    /// for what its API cannot express.
    fn execute(&self, op: &Operation, profile: &Profile) -> Outcome {
        asyncpay_reference::ReferenceAdapter.execute(op, profile)
    }
}
