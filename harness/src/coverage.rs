//! `asyncpay requirements coverage`: which requirements the tests show, on
//! each side.
//!
//! A requirement is **covered** when tests show both sides of it:
//! - the *conforming* side: a valid vector or a scenario naming it, or a
//!   valid vector on which the reference consults one of its rules and the
//!   rule holds (evidence from `vectors audit`);
//! - the *violating* side: an invalid or acceptable vector naming it, or a
//!   vector or scenario that the reference fails once one of the
//!   requirement's rules is knocked out (evidence from `vectors audit`: the
//!   test catches an implementation that skips the rule).
//!
//! A requirement whose catalogue entry names `shown_by` requirements is
//! shown on a side where one of them is (a writer's rule by the reader
//! rule that rejects what breaking it writes).
//!
//! A requirement no input can show (a writer's randomness, a node's
//! expectation) is covered by its catalogue entry's `unobservable` reason.

use crate::grading::Side;
use crate::runner::Suite;
use crate::vectors::Verdict;
use serde::Serialize;
use std::collections::BTreeMap;

/// The operation name of a scenario test.
const SCENARIO_OP: &str = "scenario.run";

/// How many tests show one requirement, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// `valid` vectors naming it (scenarios not included).
    pub valid: usize,
    /// `invalid` vectors naming it.
    pub invalid: usize,
    /// `acceptable` vectors naming it.
    pub acceptable: usize,
    /// Scenarios naming it.
    pub scenarios: usize,
    /// Valid vectors and scenarios on which the reference consults one of
    /// its rules and the rule holds.
    pub satisfied: usize,
    /// Vectors and scenarios the reference fails with one of its rules
    /// knocked out.
    pub caught: usize,
}

impl Tally {
    /// All tests naming it.
    pub fn total(&self) -> usize {
        self.valid + self.invalid + self.acceptable + self.scenarios
    }

    /// Whether some test shows the conforming side.
    pub fn conforming(&self) -> bool {
        self.valid + self.scenarios + self.satisfied > 0
    }

    /// Whether some test shows the violating side.
    pub fn violating(&self) -> bool {
        self.invalid + self.acceptable + self.caught > 0
    }
}

/// Per requirement id, the counts of [`Tally::satisfied`] and
/// [`Tally::caught`], as `vectors audit` finds them with the reference.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Tests on which one of the requirement's rules is consulted and holds.
    pub satisfied: BTreeMap<String, usize>,
    /// Tests that fail once one of the requirement's rules is knocked out.
    pub caught: BTreeMap<String, usize>,
}

/// What a requirement lacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// No test at all.
    Both,
    /// No test of the conforming side.
    Conforming,
    /// No test of the violating side.
    Violating,
}

/// Coverage of the catalogue by the loaded tests.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Coverage {
    /// Per catalogue requirement (all profiles' files counted).
    pub by_requirement: BTreeMap<String, Tally>,
    /// Requirements covered by their `unobservable` reason, with it.
    pub unobservable: BTreeMap<String, String>,
    /// Requirements shown on one side, the other covered by the
    /// catalogue's reason that no input can show it.
    pub one_side_unobservable: BTreeMap<String, (Side, String)>,
    /// Requirements neither covered on both sides nor unobservable, with
    /// what they lack.
    pub uncovered: BTreeMap<String, Missing>,
    /// Requirement ids tests name that the catalogue does not hold.
    pub unknown: BTreeMap<String, Tally>,
}

/// Count, per requirement, the tests of `suite` that show it, with the
/// reference's `evidence` (empty: only the tests' own requirement lists).
pub fn coverage(suite: &Suite, evidence: &Evidence) -> Coverage {
    let mut c = Coverage::default();
    for id in suite.levels.ids() {
        c.by_requirement.insert(id.to_string(), Tally::default());
    }
    for f in &suite.files {
        for t in &f.file.tests {
            for r in &t.requirements {
                let tally = match c.by_requirement.get_mut(r) {
                    Some(t) => t,
                    None => c.unknown.entry(r.clone()).or_default(),
                };
                match t.result {
                    _ if t.op == SCENARIO_OP => tally.scenarios += 1,
                    Verdict::Valid => tally.valid += 1,
                    Verdict::Invalid => tally.invalid += 1,
                    Verdict::Acceptable => tally.acceptable += 1,
                }
            }
        }
    }
    for (id, tally) in c.by_requirement.iter_mut() {
        tally.satisfied = evidence.satisfied.get(id).copied().unwrap_or(0);
        tally.caught = evidence.caught.get(id).copied().unwrap_or(0);
    }
    for (id, t) in &c.by_requirement {
        if let Some(why) = suite.levels.unobservable(id) {
            c.unobservable.insert(id.clone(), why.to_string());
            continue;
        }
        let via: Vec<&Tally> = suite
            .levels
            .shown_by(id)
            .iter()
            .filter_map(|o| c.by_requirement.get(o))
            .collect();
        let mut conforming = t.conforming() || via.iter().any(|o| o.conforming());
        let mut violating = t.violating() || via.iter().any(|o| o.violating());
        if let Some((side, why)) = suite.levels.unobservable_side(id) {
            let shown = match side {
                Side::Conforming => violating,
                Side::Violating => conforming,
            };
            if shown {
                c.one_side_unobservable
                    .insert(id.clone(), (side, why.to_string()));
                (conforming, violating) = (true, true);
            }
        }
        let missing = match (conforming, violating) {
            (true, true) => continue,
            (false, false) => Missing::Both,
            (false, true) => Missing::Conforming,
            (true, false) => Missing::Violating,
        };
        c.uncovered.insert(id.clone(), missing);
    }
    c
}

/// The coverage as text.
pub fn text(c: &Coverage) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let w = c
        .by_requirement
        .keys()
        .chain(c.unknown.keys())
        .map(|k| k.len())
        .max()
        .unwrap_or(11)
        .max(11);
    let _ = writeln!(
        s,
        "{:<w$}  {:>5}  {:>7}  {:>10}  {:>9}  {:>9}  {:>6}",
        "requirement", "valid", "invalid", "acceptable", "scenarios", "satisfied", "caught"
    );
    for (k, t) in &c.by_requirement {
        let _ = writeln!(
            s,
            "{k:<w$}  {:>5}  {:>7}  {:>10}  {:>9}  {:>9}  {:>6}",
            t.valid, t.invalid, t.acceptable, t.scenarios, t.satisfied, t.caught
        );
    }
    if !c.unknown.is_empty() {
        let _ = writeln!(
            s,
            "\nrequirement ids used by vectors but not in the catalogue:"
        );
        for (k, t) in &c.unknown {
            let _ = writeln!(s, "  {k} ({} tests)", t.total());
        }
    }
    if !c.one_side_unobservable.is_empty() {
        let _ = writeln!(s, "\nshown on one side, the other unobservable:");
        for (k, (side, _)) in &c.one_side_unobservable {
            let side = match side {
                Side::Conforming => "conforming",
                Side::Violating => "violating",
            };
            let _ = writeln!(s, "  {k} (its {side} side)");
        }
    }
    let both = c.by_requirement.len()
        - c.unobservable.len()
        - c.one_side_unobservable.len()
        - c.uncovered.len();
    let _ = writeln!(
        s,
        "\n{} requirements: {both} shown on both sides, {} on one with the other unobservable, {} unobservable, {} not covered{}",
        c.by_requirement.len(),
        c.one_side_unobservable.len(),
        c.unobservable.len(),
        c.uncovered.len(),
        if c.uncovered.is_empty() { "" } else { ":" }
    );
    for (k, m) in &c.uncovered {
        let what = match m {
            Missing::Both => "no test",
            Missing::Conforming => "no conforming test",
            Missing::Violating => "no violating test",
        };
        let _ = writeln!(s, "  {k} ({what})");
    }
    s
}
