//! The vector file format.
//!
//! A vector file (`vectors/<profile>/<area>.json`) is shaped like a
//! Wycheproof file: a header that says where the file comes from and what
//! every flag means, and `tests`, each with a stable string id.
//!
//! ```json
//! {
//!   "area": "static_invoice", "profile": "bolts-pr1149",
//!   "spec_commit": "3a7505e...", "generator": "asyncpay 0.1.0",
//!   "number_of_tests": 42,
//!   "notes": { "DraftGap": { "bug_type": "...", "description": "...", ... } },
//!   "tests": [ { "id": "...", "description": "...", "requirements": [...],
//!                "flags": [...], "result": "valid", "op": "static_invoice.decode",
//!                "input": {...}, "expected": { "view": {...} } } ]
//! }
//! ```

use asyncpay_adapter::{Operation, ReasonClass};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Largest vector file the loader reads, in bytes.
pub const MAX_VECTOR_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// One vector file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VectorFile {
    /// The area, e.g. `static_invoice`, `hold_htlc`, `reply_paths`.
    pub area: String,
    /// The profile whose numbers the bytes use.
    pub profile: String,
    /// The spec commit the requirements are read from.
    pub spec_commit: String,
    /// The generator and its version.
    pub generator: String,
    /// Free text about the file (sources, attribution).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub header: String,
    /// `tests.len()`, as a check.
    pub number_of_tests: usize,
    /// What each flag used in `tests` means.
    pub notes: BTreeMap<String, FlagNote>,
    /// The tests.
    pub tests: Vec<TestVector>,
}

/// The meaning of a flag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagNote {
    /// `Valid`, `MalformedInput`, `MissingField`, `DraftGap`, `Interop`, ...
    pub bug_type: String,
    /// What the flag means.
    pub description: String,
    /// What goes wrong if an implementation gets it wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<String>,
    /// Requirement ids the flag relates to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<String>,
}

/// A flag note: `effect` may be given as `"text"`, `Some("text")` or `None`.
pub fn note<'a>(
    bug_type: &str,
    description: &str,
    effect: impl Into<Option<&'a str>>,
    requirements: &[&str],
) -> FlagNote {
    FlagNote {
        bug_type: bug_type.into(),
        description: description.into(),
        effect: effect.into().map(String::from),
        requirements: requirements.iter().map(|s| s.to_string()).collect(),
    }
}

/// What a conforming implementation must do with a test's input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Must be accepted, with exactly the expected view.
    Valid,
    /// Must be rejected (the expected reason class is advisory).
    Invalid,
    /// The spec leaves it open: accepting (with the expected view, if given)
    /// and rejecting both conform.
    Acceptable,
}

/// One test.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestVector {
    /// Stable id, unique in its file; never a renumbered integer.
    pub id: String,
    /// What the test is about.
    pub description: String,
    /// Requirement ids (from `vectors/requirements.json`) the test checks.
    pub requirements: Vec<String>,
    /// Flags, each explained in the file's `notes`.
    #[serde(default)]
    pub flags: Vec<String>,
    /// The verdict a conforming implementation reaches.
    pub result: Verdict,
    /// The operation name, e.g. `static_invoice.decode`.
    pub op: String,
    /// The operation's input.
    pub input: serde_json::Value,
    /// The expected outcome.
    pub expected: Expected,
    /// Intermediate values of the construction, for humans and debuggers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intermediates: Option<serde_json::Value>,
    /// Free-text comment: what an implementation known to the suite does here.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
}

/// The expected outcome.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// For an accepted input: the canonical view.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<serde_json::Value>,
    /// For a rejected input: the reason class that shows the targeted defect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ReasonClass>,
    /// Further reason classes that show the same defect (an implementation
    /// may classify it either way), for an `invalid` test. A rejection with
    /// `reason` or one of these passes; any other is *rejected for another
    /// reason* (see the `compare` module's `judge`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_reasons: Vec<ReasonClass>,
}

impl Expected {
    /// Whether a rejection of class `c` shows the defect this test targets.
    pub fn confirmed_by(&self, c: ReasonClass) -> bool {
        self.reason.is_none() || self.reason == Some(c) || self.also_reasons.contains(&c)
    }
}

impl TestVector {
    /// The operation this test asks for, built from `op` and `input`.
    pub fn operation(&self) -> Result<Operation, String> {
        serde_json::from_value(serde_json::json!({ "op": self.op, "input": self.input })).map_err(
            |e| {
                format!(
                    "test {}: op {} has a malformed input: {e}",
                    self.id, self.op
                )
            },
        )
    }
}

/// An error reading or checking vectors, naming the file and, where known, the test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VectorError {
    /// The file.
    pub file: String,
    /// The test id, when the problem is in one test.
    pub test: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for VectorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.test {
            Some(t) => write!(f, "{}: test {}: {}", self.file, t, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for VectorError {}

impl VectorFile {
    /// Read and check the structure of one vector file (size-bounded).
    pub fn load(path: &Path) -> Result<VectorFile, VectorError> {
        let file = path.display().to_string();
        let err = |test: Option<String>, message: String| VectorError {
            file: file.clone(),
            test,
            message,
        };
        let meta = std::fs::metadata(path).map_err(|e| err(None, format!("cannot read: {e}")))?;
        if meta.len() > MAX_VECTOR_FILE_BYTES {
            return Err(err(
                None,
                format!(
                    "{} bytes, over the {MAX_VECTOR_FILE_BYTES}-byte limit",
                    meta.len()
                ),
            ));
        }
        let text =
            std::fs::read_to_string(path).map_err(|e| err(None, format!("cannot read: {e}")))?;
        let vf: VectorFile = serde_json::from_str(&text).map_err(|e| {
            err(
                None,
                format!(
                    "not a vector file (line {}, column {}): {e}",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        vf.check_structure()
            .map_err(|(test, message)| err(test, message))?;
        Ok(vf)
    }

    /// Structural checks: the count, unique ids, flags explained, inputs well formed,
    /// expectations consistent with the verdict.
    pub fn check_structure(&self) -> Result<(), (Option<String>, String)> {
        if self.number_of_tests != self.tests.len() {
            return Err((
                None,
                format!(
                    "number_of_tests is {} but there are {} tests",
                    self.number_of_tests,
                    self.tests.len()
                ),
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for t in &self.tests {
            let here = Some(t.id.clone());
            if t.id.is_empty()
                || !t
                    .id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            {
                return Err((here, "id must be non-empty [A-Za-z0-9._-]".into()));
            }
            if !seen.insert(t.id.as_str()) {
                return Err((here, "duplicate test id".into()));
            }
            if let Some(f) = t.flags.iter().find(|f| !self.notes.contains_key(*f)) {
                return Err((here, format!("flag {f} has no entry in notes")));
            }
            if t.requirements.is_empty() {
                return Err((here, "no requirement ids".into()));
            }
            t.operation().map_err(|e| (here.clone(), e))?;
            match (t.result, &t.expected.view, &t.expected.reason) {
                (Verdict::Valid, None, _) => {
                    return Err((here, "a valid test needs expected.view".into()))
                }
                (Verdict::Valid, Some(_), Some(_)) => {
                    return Err((here, "a valid test has no expected.reason".into()))
                }
                (Verdict::Invalid, _, None) => {
                    return Err((here, "an invalid test needs expected.reason".into()))
                }
                (Verdict::Invalid, Some(_), _) => {
                    return Err((here, "an invalid test has no expected.view".into()))
                }
                _ => {}
            }
            let also = &t.expected.also_reasons;
            if !also.is_empty() && t.result != Verdict::Invalid {
                return Err((
                    here,
                    "only an invalid test has expected.also_reasons".into(),
                ));
            }
            if also.contains(&ReasonClass::Internal)
                || also.iter().any(|c| Some(*c) == t.expected.reason)
            {
                return Err((
                    here,
                    "expected.also_reasons repeats expected.reason or names internal".into(),
                ));
            }
        }
        Ok(())
    }
}

/// Builds a vector file in recipes: add tests, then [`FileBuilder::finish`].
#[derive(Debug)]
pub struct FileBuilder {
    file: VectorFile,
}

impl FileBuilder {
    /// A new file for `area` under `profile`.
    pub fn new(area: &str, profile: &str, spec_commit: &str) -> FileBuilder {
        FileBuilder {
            file: VectorFile {
                area: area.into(),
                profile: profile.into(),
                spec_commit: spec_commit.into(),
                generator: format!("asyncpay {}", env!("CARGO_PKG_VERSION")),
                header: String::new(),
                number_of_tests: 0,
                notes: BTreeMap::new(),
                tests: Vec::new(),
            },
        }
    }

    /// Set the free-text header.
    pub fn header(&mut self, text: &str) -> &mut Self {
        self.file.header = text.into();
        self
    }

    /// Explain a flag.
    pub fn note(&mut self, flag: &str, note: FlagNote) -> &mut Self {
        self.file.notes.insert(flag.into(), note);
        self
    }

    /// Add a test.
    pub fn test(&mut self, t: TestVector) -> &mut Self {
        self.file.tests.push(t);
        self
    }

    /// The finished file, with `number_of_tests` set.
    pub fn finish(mut self) -> VectorFile {
        self.file.number_of_tests = self.file.tests.len();
        self.file
    }
}

/// Serialise a vector file the one canonical way (pretty, two-space
/// indent, trailing newline), so regeneration is byte for byte.
pub fn to_canonical_json(file: &VectorFile) -> String {
    let mut s = serde_json::to_string_pretty(file).expect("vector files serialise");
    s.push('\n');
    s
}
