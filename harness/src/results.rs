//! Trial results: the status of each trial, counts per group, and the
//! report of a run.
//!
//! Statuses, and which fail the run: *passed* (with a note for `acceptable`
//! tests), *rejected for another reason* (an `invalid` test rejected with a
//! class that does not show its defect: counted apart, never a pass, not a
//! failure), *failed* (MUST fails the run; SHOULD with `--strict`; a failure
//! an expected-failures entry lists but does not cover always fails it),
//! *expected failure*, *unexpected pass* (fails the run), *skipped* (the
//! adapter cannot express the operation) and *error* (the trial could not be
//! judged: a file did not load, a list is wrong, the adapter answered
//! `internal`, a listed trial became unsupported; fails the run).

use crate::compare::{reason_name, Judgement, Mismatch};
use crate::expected::Entry;
use crate::grading::{Grade, Level};
use crate::vectors::Verdict;
use serde::Serialize;
use std::collections::BTreeMap;

/// A requirement id with its level.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RequirementLevel {
    /// The id.
    pub id: String,
    /// Its level.
    pub level: Level,
}

/// Why a passing trial is reported apart.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PassNote {
    /// An `acceptable` test: accepted or rejected, both conform.
    Acceptable {
        /// Whether the adapter accepted.
        accepted: bool,
    },
}

/// Turn a judgement into a status, given the failure grade and the
/// expected-failures entry (if the trial is listed). An entry waives only
/// the failures it names; a listed trial that passes, or is rejected for
/// another reason, is an unexpected pass; one that is unsupported is an
/// error (its waiver can no longer be checked).
pub fn grade(j: Judgement, grade: Grade, listed: Option<&Entry>) -> Status {
    let passed = |note: Option<PassNote>| match listed {
        Some(e) => Status::UnexpectedPass {
            entry: e.clone(),
            note,
        },
        None => Status::Passed { note },
    };
    match j {
        Judgement::Pass => passed(None),
        Judgement::Acceptable { accepted } => passed(Some(PassNote::Acceptable { accepted })),
        Judgement::OtherReason { .. } if listed.is_some() => passed(None),
        Judgement::OtherReason {
            expected,
            actual,
            detail,
        } => Status::OtherReason {
            expected: reason_name(expected),
            actual: reason_name(actual),
            detail,
        },
        Judgement::Internal { detail } => Status::Error {
            message: format!("the adapter answered an internal error, no verdict: {detail}"),
        },
        Judgement::Unsupported { reason } => match listed {
            Some(e) => Status::Error {
                message: format!(
                    "listed as an expected failure ({}), but the adapter answered unsupported: {reason}",
                    e.shapes()
                ),
            },
            None => Status::Skipped { reason },
        },
        Judgement::Fail(failure) => match listed {
            Some(e) if e.covers(&failure.observed) => Status::ExpectedFailure {
                failure,
                entry: e.clone(),
            },
            Some(e) => Status::Failed {
                grade,
                failure,
                listed: Some(e.clone()),
            },
            None => Status::Failed {
                grade,
                failure,
                listed: None,
            },
        },
    }
}

/// The status of one trial.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// Conforms.
    Passed {
        /// Set for `acceptable` tests.
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<PassNote>,
    },
    /// An `invalid` test rejected, with a class that does not show the
    /// targeted defect: neither passed nor failed, counted apart.
    OtherReason {
        /// The class the vector names.
        expected: String,
        /// The class the adapter gave.
        actual: String,
        /// The adapter's detail.
        detail: String,
    },
    /// Does not conform, and no expected-failures entry covers it.
    Failed {
        /// MUST (fails the run) or SHOULD (fails it with `--strict`).
        grade: Grade,
        /// What differs.
        failure: Mismatch,
        /// The expected-failures entry that lists the trial but waives
        /// other failures (such a failure always fails the run).
        #[serde(skip_serializing_if = "Option::is_none")]
        listed: Option<Entry>,
    },
    /// Does not conform, as the adapter's expected-failures list says.
    ExpectedFailure {
        /// What differs.
        failure: Mismatch,
        /// The entry.
        entry: Entry,
    },
    /// Listed as an expected failure, but conforms: fails the run.
    UnexpectedPass {
        /// The entry.
        entry: Entry,
        /// As for [`Status::Passed`].
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<PassNote>,
    },
    /// The adapter does not support the operation: neither passed nor failed.
    Skipped {
        /// The adapter's reason.
        reason: String,
    },
    /// The trial could not be judged (a file did not load, a list is wrong,
    /// the adapter answered `internal`, a listed trial became unsupported).
    Error {
        /// What is wrong, naming the file.
        message: String,
    },
}

/// The result of one trial.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrialResult {
    /// The trial name.
    pub name: String,
    /// The adapter (`upstream`, `load`, ... for rows that belong to none).
    pub adapter: String,
    /// The profile (for upstream cases, the file stem).
    pub profile: String,
    /// The area.
    pub area: String,
    /// The test id.
    pub test: String,
    /// The operation name.
    pub op: String,
    /// The verdict of the test, if there is one.
    pub verdict: Option<Verdict>,
    /// The test's requirement ids and levels.
    pub requirements: Vec<RequirementLevel>,
    /// The status.
    #[serde(flatten)]
    pub status: Status,
    /// How long it took.
    pub millis: u64,
}

impl TrialResult {
    /// An error row.
    pub fn error(name: &str, message: String) -> TrialResult {
        let mut parts = name.splitn(2, "::");
        let head = parts.next().unwrap_or_default().to_string();
        TrialResult {
            name: name.to_string(),
            adapter: head.clone(),
            profile: "-".into(),
            area: String::new(),
            test: String::new(),
            op: String::new(),
            verdict: None,
            requirements: Vec::new(),
            status: Status::Error { message },
            millis: 0,
        }
    }

    /// Whether this trial fails the run: `strict` makes SHOULD failures
    /// fail it, `strict_reasons` rejections for another reason.
    pub fn fails_run(&self, strict: bool, strict_reasons: bool) -> bool {
        match &self.status {
            Status::OtherReason { .. } => strict_reasons,
            Status::Failed { grade, listed, .. } => {
                strict || *grade == Grade::Must || listed.is_some()
            }
            Status::UnexpectedPass { .. } | Status::Error { .. } => true,
            _ => false,
        }
    }
}

/// Counts of one group of trials.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Passed (including acceptable).
    pub passed: usize,
    /// Rejected for another reason (not counted as passed).
    pub other_reasons: usize,
    /// Failed, MUST grade.
    pub failed_must: usize,
    /// Failed, SHOULD grade.
    pub failed_should: usize,
    /// Expected failures.
    pub expected_failures: usize,
    /// Unexpected passes.
    pub unexpected_passes: usize,
    /// Skipped (unsupported).
    pub skipped: usize,
    /// Of the passed: `acceptable` tests.
    pub acceptable: usize,
    /// Errors.
    pub errors: usize,
}

impl Counts {
    /// Add one result.
    pub fn add(&mut self, r: &TrialResult) {
        let note = match &r.status {
            Status::Passed { note } => {
                self.passed += 1;
                note.as_ref()
            }
            Status::OtherReason { .. } => {
                self.other_reasons += 1;
                None
            }
            Status::Failed { grade, .. } => {
                match grade {
                    Grade::Must => self.failed_must += 1,
                    Grade::Should => self.failed_should += 1,
                }
                None
            }
            Status::ExpectedFailure { .. } => {
                self.expected_failures += 1;
                None
            }
            Status::UnexpectedPass { .. } => {
                self.unexpected_passes += 1;
                None
            }
            Status::Skipped { .. } => {
                self.skipped += 1;
                None
            }
            Status::Error { .. } => {
                self.errors += 1;
                None
            }
        };
        if let Some(PassNote::Acceptable { .. }) = note {
            self.acceptable += 1;
        }
    }

    /// Unexpected failures (both grades).
    pub fn failed(&self) -> usize {
        self.failed_must + self.failed_should
    }
}

/// The results of a run.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Every trial, in plan order.
    pub results: Vec<TrialResult>,
    /// Whether SHOULD failures fail the run.
    pub strict: bool,
    /// Whether rejections for another reason fail the run.
    pub strict_reasons: bool,
}

impl Report {
    /// Counts over all trials.
    pub fn totals(&self) -> Counts {
        let mut c = Counts::default();
        self.results.iter().for_each(|r| c.add(r));
        c
    }

    /// Counts per (adapter, profile), sorted.
    pub fn table(&self) -> BTreeMap<(String, String), Counts> {
        let mut m: BTreeMap<(String, String), Counts> = BTreeMap::new();
        for r in &self.results {
            m.entry((r.adapter.clone(), r.profile.clone()))
                .or_default()
                .add(r);
        }
        m
    }

    /// Whether the run conforms: no MUST failure (or, strict, no failure at
    /// all), no unexpected pass, no error.
    pub fn success(&self) -> bool {
        !self
            .results
            .iter()
            .any(|r| r.fails_run(self.strict, self.strict_reasons))
    }

    /// `N passed, N failed, N rejected for another reason, N skipped`:
    /// passed counts expected failures (as `cargo test` does); failed counts
    /// unexpected failures, unexpected passes and errors.
    pub fn summary_line(&self) -> String {
        let c = self.totals();
        format!(
            "{} passed, {} failed, {} rejected for another reason, {} skipped",
            c.passed + c.expected_failures,
            c.failed() + c.unexpected_passes + c.errors,
            c.other_reasons,
            c.skipped
        )
    }
}
