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
//!       "failures": [{ "kind": "rejected", "reason": "unknown_even_type" }],
//!       "observed": "what the implementation did",
//!       "why": "why it diverges",
//!       "evidence": "source location or behaviour"
//!     }
//!   ]
//! }
//! ```
//!
//! An entry waives only the failures it names ([`FailureShape`]): a listed
//! trial that fails in one of those ways is an expected failure (reported
//! apart, with its evidence); one that fails in another way is a failure of
//! the run; one that passes (or is rejected for another reason) is an
//! *unexpected pass*, and one that becomes unsupported is an error, so
//! fixes and regressions both show. An entry naming a trial that does not
//! exist is an error.

use crate::compare::Observed;
use asyncpay_adapter::ReasonClass;
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
    /// The failures this entry waives: a listed trial's failure must have
    /// one of these shapes.
    pub failures: Vec<FailureShape>,
    /// What the implementation did.
    pub observed: String,
    /// Why it diverges.
    pub why: String,
    /// Source location or behaviour that shows it.
    pub evidence: String,
}

/// One way a trial may fail, as an expected-failures entry states it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FailureShape {
    /// An `invalid` test is accepted.
    Accepted,
    /// The input is rejected with this class (a `valid` or `acceptable`
    /// test, or an `invalid` one whose defect the implementation never
    /// reached).
    Rejected {
        /// The class.
        reason: ReasonClass,
    },
    /// The view differs, and only at these JSON paths or below them.
    ViewDiffers {
        /// JSON paths as the report names them (`$.hex`, `$.features`).
        at: Vec<String>,
    },
    /// A scenario whose failed expectations are exactly the ones at these
    /// steps.
    Scenario {
        /// Step indices.
        steps: Vec<usize>,
    },
}

impl FailureShape {
    /// Whether this shape covers an observed failure.
    pub fn covers(&self, o: &Observed) -> bool {
        fn under(path: &str, prefix: &str) -> bool {
            path == prefix
                || path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
        }
        match (self, o) {
            (FailureShape::Accepted, Observed::Accepted) => true,
            (FailureShape::Rejected { reason }, Observed::Rejected { reason: r }) => reason == r,
            (FailureShape::ViewDiffers { at }, Observed::ViewDiffers { paths }) => {
                !paths.is_empty() && paths.iter().all(|p| at.iter().any(|a| under(p, a)))
            }
            (FailureShape::Scenario { steps }, Observed::Scenario { steps: got }) => {
                let mut want = steps.clone();
                want.sort_unstable();
                want.dedup();
                !got.is_empty() && &want == got
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for FailureShape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FailureShape::Accepted => f.write_str("accepted"),
            FailureShape::Rejected { reason } => {
                write!(f, "rejected ({})", crate::compare::reason_name(*reason))
            }
            FailureShape::ViewDiffers { at } => write!(f, "view differs at {}", at.join(", ")),
            FailureShape::Scenario { steps } => {
                let s: Vec<String> = steps.iter().map(ToString::to_string).collect();
                write!(f, "expectations fail at steps {}", s.join(", "))
            }
        }
    }
}

impl Entry {
    /// Whether this entry waives an observed failure.
    pub fn covers(&self, o: &Observed) -> bool {
        self.failures.iter().any(|s| s.covers(o))
    }

    /// The failures it waives, for messages.
    pub fn shapes(&self) -> String {
        let v: Vec<String> = self.failures.iter().map(ToString::to_string).collect();
        v.join("; ")
    }
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
            if e.failures.is_empty() {
                return Err(format!("entries[{i}] names no failures it waives"));
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
            r#"{"adapter": "x", "entries": [{"trials": ["y::p::a::i"], "failures": [{"kind": "accepted"}], "observed": "", "why": "", "evidence": ""}]}"#,
        )
        .unwrap();
        let e = ExpectedFailures::load(&p).unwrap_err();
        assert!(e.contains("not a trial of adapter x"), "{e}");
    }

    #[test]
    fn a_shape_covers_only_the_failure_it_names() {
        let rejected = |reason| Observed::Rejected { reason };
        let s = FailureShape::Rejected {
            reason: ReasonClass::UnknownEvenType,
        };
        assert!(s.covers(&rejected(ReasonClass::UnknownEvenType)));
        assert!(!s.covers(&rejected(ReasonClass::InvalidValue)));
        assert!(!s.covers(&Observed::Accepted));
        let v = FailureShape::ViewDiffers {
            at: vec!["$.hex".into(), "$.release".into()],
        };
        let paths = |p: &[&str]| Observed::ViewDiffers {
            paths: p.iter().map(|s| s.to_string()).collect(),
        };
        assert!(v.covers(&paths(&["$.hex"])));
        assert!(v.covers(&paths(&["$.release[0].hops", "$.hex"])));
        assert!(!v.covers(&paths(&["$.hexagon"])));
        assert!(!v.covers(&paths(&["$.hex", "$.channel_id"])));
        let sc = FailureShape::Scenario { steps: vec![7, 3] };
        assert!(sc.covers(&Observed::Scenario { steps: vec![3, 7] }));
        assert!(!sc.covers(&Observed::Scenario { steps: vec![3] }));
        assert!(!sc.covers(&Observed::Scenario {
            steps: vec![3, 7, 9]
        }));
        assert!(!sc.covers(&Observed::Crashed));
    }
}
