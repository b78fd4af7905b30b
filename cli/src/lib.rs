//! The registry of built-in adapters behind the `asyncpay` command. Each
//! implementation is a cargo feature of this crate (`ldk`, on by default);
//! the reference model is always built in. The runner itself
//! (`asyncpay-harness`) knows none of them.

#![warn(missing_docs)]

use asyncpay_adapter::Adapter;
use std::sync::Arc;

/// The adapters built into this build: the reference, then one per enabled
/// feature. Adding one is one feature and one line.
///
/// Adapters are shared as `Arc` because each operation runs on a worker
/// thread that may outlive a timed-out call.
pub fn builtin_adapters() -> Vec<Arc<dyn Adapter>> {
    #[allow(unused_mut)]
    let mut v: Vec<Arc<dyn Adapter>> = vec![Arc::new(asyncpay_reference::ReferenceAdapter)];
    #[cfg(feature = "ldk")]
    v.push(Arc::new(asyncpay_ldk::LdkAdapter));
    v
}

/// The upstream cases the command runs once per run: the bolts
/// repository's own vectors, reproduced by the reference model.
pub const UPSTREAM: asyncpay_harness::upstream::UpstreamSource = asyncpay_vectors::upstream::cases;
