//! Expected failures: an implementation's known divergences, as data.
//!
//! `adapters/<adapter>/expected-failures.json`:
//!
//! ```json
//! {
//!   "adapter": "ldk",
//!   "entries": [
//!     {
//!       "trials": ["ldk::bolts-pr1149::static_invoice::minimal-valid"],
//!       "observed": "what the implementation did",
//!       "why": "why it diverges",
//!       "evidence": "source location or behaviour"
//!     }
//!   ]
//! }
//! ```
//!
//! A failing trial listed here is an expected failure (reported apart, with
//! its evidence). A listed trial that passes is an *unexpected pass* and fails
//! the run, so fixes and regressions both show. An entry naming a trial that
//! does not exist is an error.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The name of the file in each adapter's directory.
pub const FILE_NAME: &str = "expected-failures.json";

/// One adapter's expected failures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedFailures {
    /// The adapter's name, as [`asyncpay_adapter::Adapter::name`] gives it.
    pub adapter: String,
    /// The entries.
    pub entries: Vec<Entry>,
    /// Where the file was read from (not part of the file).
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

/// One divergence, covering one or more trials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Full trial names, `<adapter>::<profile>::<area>::<id>`.
    pub trials: Vec<String>,
    /// What the implementation did.
    pub observed: String,
    /// Why it diverges.
    pub why: String,
    /// Source location or behaviour that shows it.
    pub evidence: String,
}

impl ExpectedFailures {
    /// Read and check one file; the error names the file.
    pub fn load(path: &Path) -> Result<ExpectedFailures, String> {
        let name = path.display();
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
        let mut ef: ExpectedFailures = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{name}: not an expected-failures file (line {}, column {}): {e}",
                e.line(),
                e.column()
            )
        })?;
        ef.source = Some(path.to_path_buf());
        ef.check().map_err(|e| format!("{name}: {e}"))?;
        Ok(ef)
    }

    /// Structural checks: every entry names at least one trial of this
    /// adapter, and no trial is listed twice.
    pub fn check(&self) -> Result<(), String> {
        let mut seen = std::collections::BTreeSet::new();
        for (i, e) in self.entries.iter().enumerate() {
            if e.trials.is_empty() {
                return Err(format!("entries[{i}] lists no trials"));
            }
            for t in &e.trials {
                if !t.starts_with(&format!("{}::", self.adapter)) {
                    return Err(format!(
                        "entries[{i}]: trial {t} is not a trial of adapter {}",
                        self.adapter
                    ));
                }
                if !seen.insert(t.as_str()) {
                    return Err(format!("trial {t} is listed twice"));
                }
            }
        }
        Ok(())
    }

    /// The entry for each listed trial.
    pub fn by_trial(&self) -> BTreeMap<String, Arc<Entry>> {
        let mut m = BTreeMap::new();
        for e in &self.entries {
            let e = Arc::new(e.clone());
            for t in &e.trials {
                m.insert(t.clone(), e.clone());
            }
        }
        m
    }

    /// Where this list came from, for messages.
    pub fn origin(&self) -> String {
        match &self.source {
            Some(p) => p.display().to_string(),
            None => format!("expected failures of {}", self.adapter),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_file_names_itself() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        std::fs::write(&p, "{\"adapter\": \"x\", \"entries\": [{\"trials\": 3}]}").unwrap();
        let e = ExpectedFailures::load(&p).unwrap_err();
        assert!(e.contains(FILE_NAME), "{e}");
        std::fs::write(
            &p,
            r#"{"adapter": "x", "entries": [{"trials": ["y::p::a::i"], "observed": "", "why": "", "evidence": ""}]}"#,
        )
        .unwrap();
        let e = ExpectedFailures::load(&p).unwrap_err();
        assert!(e.contains("not a trial of adapter x"), "{e}");
    }
}
