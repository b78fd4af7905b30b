//! Upstream vectors: the bolts repository's own JSON test vectors, vendored
//! under `vectors/upstream/` with attribution. Each case is its own trial,
//! run against the reference model's primitives.

pub mod bolt04;

use std::path::Path;

pub mod bolt12;

pub mod messages;

pub use asyncpay_harness::upstream::UpstreamCase;

/// Every upstream case under `root` (the `vectors/upstream` directory).
/// A file that cannot be read gives one failing case naming the file.
pub fn cases(root: &Path) -> Vec<UpstreamCase> {
    let mut out = Vec::new();
    out.extend(bolt12::cases(root));
    out.extend(bolt04::cases(root));
    out
}

/// Read a vendored JSON file, or a failing case that names it.
pub fn load_json(root: &Path, file: &'static str) -> Result<serde_json::Value, UpstreamCase> {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string());
    let parsed = text.and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()));
    parsed.map_err(|e| {
        let msg = format!("{}: {e}", path.display());
        UpstreamCase {
            file,
            name: "load".into(),
            check: Box::new(move || Err(msg.clone())),
        }
    })
}
