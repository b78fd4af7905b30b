//! `asyncpay requirements coverage`: which requirements the vectors check,
//! and how (counts of valid, invalid and acceptable tests per requirement).

use crate::runner::Suite;
use crate::vectors::Verdict;
use serde::Serialize;
use std::collections::BTreeMap;

/// How many tests check one requirement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// `valid` tests.
    pub valid: usize,
    /// `invalid` tests.
    pub invalid: usize,
    /// `acceptable` tests.
    pub acceptable: usize,
}

impl Tally {
    /// All tests.
    pub fn total(&self) -> usize {
        self.valid + self.invalid + self.acceptable
    }
}

/// Coverage of the catalogue by the loaded vectors.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Coverage {
    /// Per catalogue requirement (all profiles' files counted).
    pub by_requirement: BTreeMap<String, Tally>,
    /// Requirement ids in the catalogue that no test checks.
    pub uncovered: Vec<String>,
    /// Requirement ids tests name that the catalogue does not hold.
    pub unknown: BTreeMap<String, Tally>,
}

/// Count, per requirement, the tests of `suite` that check it.
pub fn coverage(suite: &Suite) -> Coverage {
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
                    Verdict::Valid => tally.valid += 1,
                    Verdict::Invalid => tally.invalid += 1,
                    Verdict::Acceptable => tally.acceptable += 1,
                }
            }
        }
    }
    c.uncovered = c
        .by_requirement
        .iter()
        .filter(|(_, t)| t.total() == 0)
        .map(|(k, _)| k.clone())
        .collect();
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
        "{:<w$}  {:>5}  {:>7}  {:>10}",
        "requirement", "valid", "invalid", "acceptable"
    );
    for (k, t) in &c.by_requirement {
        let _ = writeln!(
            s,
            "{k:<w$}  {:>5}  {:>7}  {:>10}",
            t.valid, t.invalid, t.acceptable
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
    let _ = writeln!(
        s,
        "\n{} requirements, {} covered, {} not covered by any vector{}",
        c.by_requirement.len(),
        c.by_requirement.len() - c.uncovered.len(),
        c.uncovered.len(),
        if c.uncovered.is_empty() { "" } else { ":" }
    );
    for k in &c.uncovered {
        let _ = writeln!(s, "  {k}");
    }
    s
}
