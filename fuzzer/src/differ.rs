//! One input on one adapter beside the reference: what each answered, and
//! how the adapter's answer differs.
//!
//! The reference's answer stands for the spec's rule here only to find
//! divergences; a finding's expected outcome, when it becomes a vector, is
//! decided by the rule itself (see the `findings` recipe).

use asyncpay_adapter::{Adapter, Operation, Outcome, Profile, ReasonClass};
use asyncpay_harness::compare::{diff, reason_name, without_unobservable, Observed};
use asyncpay_harness::vectors::Expected;
use serde::Serialize;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// An answer, reduced to what is compared.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Answer {
    /// Accepted, with its view.
    Accepted {
        /// The view.
        view: serde_json::Value,
    },
    /// Rejected.
    Rejected {
        /// The class.
        reason: ReasonClass,
        /// The detail.
        detail: String,
    },
    /// Cannot perform the operation.
    Unsupported {
        /// Why.
        reason: String,
    },
    /// The adapter broke: `internal`, or a panic.
    Broken {
        /// What it said.
        detail: String,
    },
}

impl Answer {
    /// A short label: `accepted`, `rejected:<reason>`, `unsupported`, `broken`.
    pub fn label(&self) -> String {
        match self {
            Answer::Accepted { .. } => "accepted".into(),
            Answer::Rejected { reason, .. } => format!("rejected:{}", reason_name(*reason)),
            Answer::Unsupported { .. } => "unsupported".into(),
            Answer::Broken { .. } => "broken".into(),
        }
    }
}

/// Run `op` on `adapter`, catching a panic.
pub fn answer(adapter: &dyn Adapter, op: &Operation, profile: &Profile) -> Answer {
    match catch_unwind(AssertUnwindSafe(|| adapter.execute(op, profile))) {
        Ok(Outcome::Accepted { view }) => Answer::Accepted { view },
        Ok(Outcome::Rejected(r)) if r.reason == ReasonClass::Internal => {
            Answer::Broken { detail: r.detail }
        }
        Ok(Outcome::Rejected(r)) => Answer::Rejected {
            reason: r.reason,
            detail: r.detail,
        },
        Ok(Outcome::Unsupported { reason }) => Answer::Unsupported { reason },
        Err(p) => Answer::Broken {
            detail: format!(
                "panicked: {}",
                asyncpay_harness::runner::panic_message(p.as_ref())
            ),
        },
    }
}

/// How an adapter's answer compares with the reference's.
#[derive(Clone, Debug, PartialEq)]
pub enum Comparison {
    /// Same verdict (and, when accepted, the same view).
    Agree,
    /// Both rejected, for different classes: reasons may legitimately
    /// differ (an input may break several rules, or one rule may show in
    /// more than one way), so this is counted, not reported.
    ReasonDiffers,
    /// The adapter cannot perform it.
    Unsupported,
    /// The adapter broke on it: always reported.
    Broken,
    /// A divergence, in the shape an expected-failures entry can match.
    Diverges(Observed),
}

/// Compare `theirs` with `reference`, leaving out the view fields `hidden`
/// names on both sides.
pub fn compare(reference: &Answer, theirs: &Answer, hidden: &[&str]) -> Comparison {
    match (reference, theirs) {
        (_, Answer::Unsupported { .. }) => Comparison::Unsupported,
        (_, Answer::Broken { .. }) => Comparison::Broken,
        (Answer::Rejected { reason: a, .. }, Answer::Rejected { reason: b, .. }) => {
            if a == b {
                Comparison::Agree
            } else {
                Comparison::ReasonDiffers
            }
        }
        (Answer::Rejected { .. }, Answer::Accepted { .. }) => {
            Comparison::Diverges(Observed::Accepted)
        }
        (Answer::Accepted { .. }, Answer::Rejected { reason, .. }) => {
            Comparison::Diverges(Observed::Rejected { reason: *reason })
        }
        (Answer::Accepted { view: want }, Answer::Accepted { view }) => {
            let expected = Expected {
                view: Some(want.clone()),
                ..Expected::default()
            };
            let (expected, outcome) =
                without_unobservable(&expected, Outcome::Accepted { view: view.clone() }, hidden);
            let Outcome::Accepted { view } = outcome else {
                return Comparison::Agree;
            };
            let want = expected.view.unwrap_or_default();
            let d = diff(&want, &view);
            if d.is_empty() {
                Comparison::Agree
            } else {
                Comparison::Diverges(Observed::ViewDiffers {
                    paths: d.into_iter().map(|d| d.path).collect(),
                })
            }
        }
        // The reference cannot judge it: no comparison is made (the caller
        // skips such inputs).
        _ => Comparison::Agree,
    }
}
