//! Checks the suite runs once per run rather than per adapter: the bolts
//! repository's own vectors (`<vectors>/upstream`), reproduced by whoever
//! supplies them. The runner knows no implementation, so it does not make
//! these cases itself: the caller hands it a [`UpstreamSource`] (the
//! `asyncpay` command passes the vector generator's, which checks the
//! reference model and the generator's calculators against them).

use std::path::Path;

/// One upstream case.
pub struct UpstreamCase {
    /// The vendored file, relative to `vectors/upstream/`, e.g. `bolt12/offers-test.json`.
    pub file: &'static str,
    /// A stable name for the case within its file (used in trial names).
    pub name: String,
    /// Runs the case; `Err` says what differs.
    pub check: Box<dyn Fn() -> Result<(), String> + Send + Sync>,
}

/// Makes every upstream case under a directory (the `vectors/upstream` one);
/// a file that cannot be read should give one failing case naming it.
pub type UpstreamSource = fn(&Path) -> Vec<UpstreamCase>;
