//! Comparing an adapter's answer with a vector's expectation.
//!
//! [`diff`] compares two JSON values and names every JSON path where they
//! differ (`$.invoice.message_paths[0].hops[1].blinded_node_id`), with both
//! sides. [`judge`] applies a test's verdict (`valid`, `invalid`,
//! `acceptable`) to an [`Outcome`].

use crate::vectors::{Expected, Verdict};
use asyncpay_adapter::{Outcome, ReasonClass};
use serde::Serialize;
use serde_json::Value;

/// Most differences [`diff`] collects; past this it stops looking.
pub const MAX_DIFFERENCES: usize = 50;

/// One place where the actual JSON differs from the expected JSON.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Difference {
    /// The JSON path, e.g. `$.invoice.message_paths[0].hops[1].blinded_node_id`.
    pub path: String,
    /// The expected value there; `None` when the expected JSON has nothing there.
    pub expected: Option<Value>,
    /// The actual value there; `None` when the actual JSON has nothing there.
    pub actual: Option<Value>,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let side = |v: &Option<Value>| match v {
            Some(v) => show_value(v),
            None => "(absent)".to_string(),
        };
        write!(
            f,
            "at {}\n    expected: {}\n    actual:   {}",
            self.path,
            side(&self.expected),
            side(&self.actual)
        )
    }
}

/// A JSON value as compact text, cut to a readable length.
pub fn show_value(v: &Value) -> String {
    const LIMIT: usize = 600;
    let s = v.to_string();
    if s.len() <= LIMIT {
        return s;
    }
    let mut cut = LIMIT;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}… ({} more bytes)", &s[..cut], s.len() - cut)
}

/// Every JSON path (up to [`MAX_DIFFERENCES`]) where `actual` differs from `expected`.
/// Empty when they are equal.
pub fn diff(expected: &Value, actual: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk("$".to_string(), Some(expected), Some(actual), &mut out);
    out
}

fn key_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && !key.starts_with(|c: char| c.is_ascii_digit())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!("{parent}.{key}")
    } else {
        format!("{parent}[{}]", Value::String(key.to_string()))
    }
}

fn walk(path: String, e: Option<&Value>, a: Option<&Value>, out: &mut Vec<Difference>) {
    if out.len() >= MAX_DIFFERENCES {
        return;
    }
    match (e, a) {
        (Some(Value::Object(eo)), Some(Value::Object(ao))) => {
            let mut keys: Vec<&String> = eo.keys().chain(ao.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                walk(key_path(&path, k), eo.get(k), ao.get(k), out);
            }
        }
        (Some(Value::Array(ea)), Some(Value::Array(aa))) => {
            for i in 0..ea.len().max(aa.len()) {
                walk(format!("{path}[{i}]"), ea.get(i), aa.get(i), out);
            }
        }
        (e, a) if e == a => {}
        (e, a) => out.push(Difference {
            path,
            expected: e.cloned(),
            actual: a.cloned(),
        }),
    }
}

/// What a test's verdict makes of an adapter's outcome.
#[derive(Clone, Debug, PartialEq)]
pub enum Judgement {
    /// The outcome conforms.
    Pass,
    /// An `acceptable` test: the outcome is one of the conforming ones.
    Acceptable {
        /// Whether the adapter accepted (else it rejected).
        accepted: bool,
    },
    /// An `invalid` test rejected, but for a reason class that does not show
    /// the targeted defect: not a pass, not a failure, counted apart.
    OtherReason {
        /// The class the vector names.
        expected: ReasonClass,
        /// The class the adapter gave.
        actual: ReasonClass,
        /// The adapter's detail.
        detail: String,
    },
    /// The outcome does not conform.
    Fail(Mismatch),
    /// The adapter answered [`ReasonClass::Internal`]: no verdict on the
    /// input at all, an error of the trial.
    Internal {
        /// The adapter's detail.
        detail: String,
    },
    /// The adapter cannot perform the operation.
    Unsupported {
        /// Why, in the adapter's words.
        reason: String,
    },
}

/// The shape of a failure, as data an expected-failures entry can match
/// (see the `expected` module's `FailureShape`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Observed {
    /// An `invalid` test was accepted.
    Accepted,
    /// The input was rejected with this class (a `valid` or `acceptable`
    /// test, or an `invalid` one whose defect was never reached).
    Rejected {
        /// The class.
        reason: ReasonClass,
    },
    /// Accepted, with a view that differs at these JSON paths.
    ViewDiffers {
        /// The paths, as [`Difference::path`] names them.
        paths: Vec<String>,
    },
    /// A scenario whose expectations failed.
    Scenario {
        /// The steps of the failed expectations themselves, in order (a
        /// failure with no step, a malformed scenario or trace, is not
        /// listed; a `must_not` is named by its own step, not the event's).
        steps: Vec<usize>,
    },
    /// The adapter panicked or did not answer in time.
    Crashed,
    /// A check of the suite's own (an upstream case the reference does not
    /// reproduce): no expected-failures entry can waive it.
    Other,
}

/// How an outcome failed to conform.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mismatch {
    /// One line: what was expected.
    pub expected: String,
    /// One line: what happened.
    pub actual: String,
    /// Where the view differs (empty unless both sides are views).
    pub differences: Vec<Difference>,
    /// The adapter's own words (rejection detail), if any.
    pub detail: String,
    /// The failure as data.
    pub observed: Observed,
}

/// Reason classes that say an implementation does not know a number
/// (a TLV type, a feature bit). An `invalid` vector breaks one rule and is
/// valid otherwise, so every even type and required feature in it is defined
/// by its profile: rejected for one of these, when the vector targets
/// something else, the implementation never reached the targeted defect.
pub const UNKNOWN_NUMBER_REASONS: [ReasonClass; 2] = [
    ReasonClass::UnknownEvenType,
    ReasonClass::UnknownRequiredFeature,
];

/// Apply a test's verdict and expectation to an outcome.
///
/// The rules:
/// - `unsupported` is a skip, whatever the verdict;
/// - an [`ReasonClass::Internal`] rejection is an error of the trial, never
///   a pass (nor an acceptable rejection);
/// - `valid`: accepted with exactly the expected view; any rejection fails;
/// - `invalid`: a rejection whose class shows the targeted defect
///   ([`Expected::confirmed_by`]: `expected.reason` or one of
///   `expected.also_reasons`) passes; a rejection for an unknown number
///   ([`UNKNOWN_NUMBER_REASONS`]) the vector does not name fails, since the
///   defect was never reached; any other class is
///   [`Judgement::OtherReason`]; acceptance fails;
/// - `acceptable`: a rejection, or acceptance with the expected view (if
///   given), both conform.
pub fn judge(verdict: Verdict, expected: &Expected, outcome: &Outcome) -> Judgement {
    let view_check = |view: &Value| -> Option<Mismatch> {
        let want = expected.view.as_ref()?;
        let differences = diff(want, view);
        (!differences.is_empty()).then(|| Mismatch {
            expected: "accepted, with the expected view".into(),
            actual: format!(
                "accepted, with a view that differs in {} place(s)",
                differences.len()
            ),
            observed: Observed::ViewDiffers {
                paths: differences.iter().map(|d| d.path.clone()).collect(),
            },
            differences,
            detail: String::new(),
        })
    };
    let wanted = || match expected.reason {
        Some(c) => format!("rejected ({})", reason_name(c)),
        None => "rejected".into(),
    };
    match (verdict, outcome) {
        (_, Outcome::Unsupported { reason }) => Judgement::Unsupported {
            reason: reason.clone(),
        },
        (_, Outcome::Rejected(r)) if r.reason == ReasonClass::Internal => Judgement::Internal {
            detail: r.detail.clone(),
        },
        (Verdict::Valid, Outcome::Accepted { view }) => match view_check(view) {
            None => Judgement::Pass,
            Some(m) => Judgement::Fail(m),
        },
        (Verdict::Valid, Outcome::Rejected(r)) => Judgement::Fail(Mismatch {
            expected: "accepted, with the expected view".into(),
            actual: format!("rejected ({})", reason_name(r.reason)),
            differences: Vec::new(),
            detail: r.detail.clone(),
            observed: Observed::Rejected { reason: r.reason },
        }),
        (Verdict::Invalid, Outcome::Accepted { view }) => Judgement::Fail(Mismatch {
            expected: wanted(),
            actual: format!("accepted, with view {}", show_value(view)),
            differences: Vec::new(),
            detail: String::new(),
            observed: Observed::Accepted,
        }),
        (Verdict::Invalid, Outcome::Rejected(r)) if expected.confirmed_by(r.reason) => {
            Judgement::Pass
        }
        (Verdict::Invalid, Outcome::Rejected(r)) if UNKNOWN_NUMBER_REASONS.contains(&r.reason) => {
            Judgement::Fail(Mismatch {
                expected: wanted(),
                actual: format!(
                    "rejected ({}): the vector is valid but for its targeted defect, so every \
                     number in it is the profile's; the implementation does not know one of \
                     them and never reached the defect",
                    reason_name(r.reason)
                ),
                differences: Vec::new(),
                detail: r.detail.clone(),
                observed: Observed::Rejected { reason: r.reason },
            })
        }
        (Verdict::Invalid, Outcome::Rejected(r)) => Judgement::OtherReason {
            // An invalid test always names its reason (checked on load).
            expected: expected.reason.unwrap_or(ReasonClass::Unspecified),
            actual: r.reason,
            detail: r.detail.clone(),
        },
        (Verdict::Acceptable, Outcome::Accepted { view }) => match view_check(view) {
            None => Judgement::Acceptable { accepted: true },
            Some(mut m) => {
                m.expected = "rejected, or accepted with the expected view".into();
                Judgement::Fail(m)
            }
        },
        (Verdict::Acceptable, Outcome::Rejected(_)) => Judgement::Acceptable { accepted: false },
    }
}

/// The `snake_case` name of a reason class, as vector files spell it.
pub fn reason_name(c: ReasonClass) -> String {
    match serde_json::to_value(c) {
        Ok(Value::String(s)) => s,
        _ => format!("{c:?}"),
    }
}

/// The expected outcome and the adapter's outcome with the view fields at
/// `paths` (dotted, from the view's root) removed from both: what an adapter
/// declares it cannot observe is compared on neither side.
pub fn without_unobservable(
    expected: &crate::vectors::Expected,
    outcome: Outcome,
    paths: &[&str],
) -> (crate::vectors::Expected, Outcome) {
    fn remove(v: &mut serde_json::Value, path: &str) {
        let mut parts: Vec<&str> = path.split('.').collect();
        let Some(last) = parts.pop() else { return };
        let mut cur = v;
        for p in parts {
            match cur.get_mut(p) {
                Some(next) => cur = next,
                None => return,
            }
        }
        if let Some(obj) = cur.as_object_mut() {
            obj.remove(last);
        }
    }
    let mut expected = expected.clone();
    let outcome = match outcome {
        Outcome::Accepted { mut view } => {
            for p in paths {
                remove(&mut view, p);
            }
            Outcome::Accepted { view }
        }
        other => other,
    };
    if let Some(v) = expected.view.as_mut() {
        for p in paths {
            remove(v, p);
        }
    }
    (expected, outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use asyncpay_adapter::Rejection;
    use serde_json::json;

    #[test]
    fn diff_names_the_exact_path() {
        let e = json!({"invoice": {"message_paths": [{"hops": [{"blinded_node_id": "02aa"}, {"blinded_node_id": "02bb"}]}]}});
        let a = json!({"invoice": {"message_paths": [{"hops": [{"blinded_node_id": "02aa"}, {"blinded_node_id": "03cc"}]}]}});
        let d = diff(&e, &a);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].path,
            "$.invoice.message_paths[0].hops[1].blinded_node_id"
        );
        assert_eq!(d[0].expected, Some(json!("02bb")));
        assert_eq!(d[0].actual, Some(json!("03cc")));
    }

    #[test]
    fn diff_reports_missing_extra_and_odd_keys() {
        let e = json!({"a": 1, "b": [1, 2], "odd key": true});
        let a = json!({"a": 1, "b": [1], "c": null, "odd key": false});
        let d = diff(&e, &a);
        let paths: Vec<&str> = d.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, vec!["$.b[1]", "$.c", "$[\"odd key\"]"]);
        assert_eq!(d[0].actual, None);
        assert_eq!(d[1].expected, None);
        assert!(diff(&e, &e).is_empty());
    }

    #[test]
    fn diff_distinguishes_types() {
        let d = diff(&json!({"n": 1}), &json!({"n": "1"}));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, "$.n");
    }

    #[test]
    fn judge_invalid_with_other_class_is_another_reason_not_a_pass() {
        let exp = Expected {
            view: None,
            reason: Some(ReasonClass::Truncated),
            also_reasons: Vec::new(),
        };
        let out = Outcome::Rejected(Rejection::new(ReasonClass::InvalidValue, "x"));
        assert!(matches!(
            judge(Verdict::Invalid, &exp, &out),
            Judgement::OtherReason {
                expected: ReasonClass::Truncated,
                actual: ReasonClass::InvalidValue,
                ..
            }
        ));
        let out = Outcome::Rejected(Rejection::new(ReasonClass::Truncated, "x"));
        assert_eq!(judge(Verdict::Invalid, &exp, &out), Judgement::Pass);
    }

    fn invalid(reason: ReasonClass, also: Vec<ReasonClass>) -> Expected {
        Expected {
            view: None,
            reason: Some(reason),
            also_reasons: also,
        }
    }

    #[test]
    fn an_internal_rejection_is_never_a_pass() {
        let out = Outcome::Rejected(Rejection::new(ReasonClass::Internal, "caught a panic"));
        let exp = invalid(ReasonClass::Truncated, vec![]);
        for v in [Verdict::Invalid, Verdict::Acceptable, Verdict::Valid] {
            assert!(
                matches!(judge(v, &exp, &out), Judgement::Internal { .. }),
                "{v:?}"
            );
        }
    }

    #[test]
    fn an_unknown_number_for_another_defect_fails_and_also_reasons_confirm() {
        let exp = invalid(
            ReasonClass::InvalidSignature,
            vec![ReasonClass::InvalidValue],
        );
        let unknown = Outcome::Rejected(Rejection::new(ReasonClass::UnknownEvenType, "type 178"));
        match judge(Verdict::Invalid, &exp, &unknown) {
            Judgement::Fail(m) => assert_eq!(
                m.observed,
                Observed::Rejected {
                    reason: ReasonClass::UnknownEvenType
                }
            ),
            other => panic!("{other:?}"),
        }
        let also = Outcome::Rejected(Rejection::new(ReasonClass::InvalidValue, "x"));
        assert_eq!(judge(Verdict::Invalid, &exp, &also), Judgement::Pass);
        let bare = Outcome::Rejected(Rejection::new(ReasonClass::Unspecified, "Err(())"));
        assert!(matches!(
            judge(Verdict::Invalid, &exp, &bare),
            Judgement::OtherReason { .. }
        ));
        // A vector that targets the unknown number itself passes on it.
        let exp = invalid(ReasonClass::UnknownEvenType, vec![]);
        assert_eq!(judge(Verdict::Invalid, &exp, &unknown), Judgement::Pass);
    }
}
