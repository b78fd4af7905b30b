//! `vectors audit`: the corpus checked against the reference's rules
//! (`asyncpay_reference::rules`), one knockout at a time.
//!
//! - **One thing only.** An invalid vector names the requirements it
//!   breaks. With every rule that enforces them knocked out, the reference
//!   must accept it; if it still rejects, the rule that fired is a second
//!   defect the vector does not name. An invalid vector whose rejection
//!   comes from a rule of a requirement it does not name is reported too.
//! - **Every rule pinned.** Knocking a rule out must make at least one
//!   invalid vector pass for the reference that it rejected before;
//!   otherwise no vector shows the rule, and an implementation could skip
//!   it unnoticed.
//!
//! - **Every behaviour pinned.** A scenario pins each rule whose knockout
//!   makes the reference's trace fail the scenario's expectations: the
//!   state machines' rules (`rules::SCENARIO`) are pinned this way, and
//!   every rule a role shares with a reader (an expired static invoice, a
//!   forged release context) may be too.
//!
//! A knockout only relaxes a rule, so only the vectors a rule rejects can
//! change when it is knocked out: each vector runs normally, with the rule
//! that rejected it knocked out, and with its named rules knocked out. Rejections that come from no rule
//! (the checks not yet in the table) are counted by reason class.

use asyncpay_adapter::scenario::check_scenario_outcome;
use asyncpay_adapter::{Adapter, Operation, Outcome};
use asyncpay_harness::coverage::Evidence;
use asyncpay_harness::vectors::Verdict;
use asyncpay_harness::Suite;
use asyncpay_reference::rules::{self, Rule};
use asyncpay_reference::ReferenceAdapter;
use std::collections::{BTreeMap, BTreeSet};

/// An invalid vector that breaks more than it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecondDefect {
    /// `<profile>::<area>::<id>`.
    pub vector: String,
    /// The rules knocked out (those of its requirements).
    pub knocked_out: Vec<Rule>,
    /// What still rejects it: a rule id, or a reason class when the check
    /// is not a rule of the table.
    pub still_rejected_by: String,
}

/// An invalid vector whose rejection comes from a rule of a requirement it
/// does not name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unnamed {
    /// `<profile>::<area>::<id>`.
    pub vector: String,
    /// The rule that rejects it.
    pub rule: Rule,
}

/// What the audit found.
#[derive(Clone, Debug, Default)]
pub struct Audit {
    /// Invalid vectors run (ops the reference performs).
    pub invalid_vectors: usize,
    /// Invalid vectors whose requirements some rule enforces.
    pub targeted: usize,
    /// Invalid vectors the reference accepts with their rules knocked out.
    pub one_rule: usize,
    /// Vectors that break more than they name.
    pub second_defects: Vec<SecondDefect>,
    /// Vectors rejected, with their rules knocked out, by one of those
    /// rules again: a reader cannot read past it (a field cut short).
    pub cannot_read_past: Vec<String>,
    /// Vectors rejected by a rule of a requirement they do not name.
    pub unnamed: Vec<Unnamed>,
    /// Per rule, the vectors that pin it.
    pub pinned: BTreeMap<Rule, Vec<String>>,
    /// Scenarios run.
    pub scenarios: usize,
    /// Per rule, the scenarios that fail with it knocked out.
    pub pinned_by_scenarios: BTreeMap<Rule, Vec<String>>,
    /// Per rule, the valid vectors the reference rejects with it knocked
    /// out (a rule whose breach makes a reader stricter, such as one that
    /// reads on past the end of a stream).
    pub pinned_by_valid: BTreeMap<Rule, Vec<String>>,
    /// Per rule not pinned, the vectors whose rejection, with it knocked
    /// out, comes for another reason class than the vector's: a reader
    /// without the rule is caught only where reasons are graded.
    pub pinned_by_reason: BTreeMap<Rule, Vec<String>>,
    /// Per rule, the acceptable vectors it rejects: where the spec allows
    /// both answers, the rule is the suite's choice, shown by them.
    pub choices: BTreeMap<Rule, Vec<String>>,
    /// Invalid vectors rejected by a check outside the table, by reason class.
    pub outside_the_table: BTreeMap<String, usize>,
    /// Per numeric rule (`rules::check_bound`), the margins to its bound
    /// that some vector shows, of -1 (one below), 0 (at) and 1 (one past).
    pub margins: BTreeMap<Rule, BTreeSet<i8>>,
    /// Requirement ids of the table that the catalogue does not hold.
    pub unknown_requirements: Vec<(Rule, String)>,
    /// Per rule, the valid vectors and passing scenarios on which the
    /// reference consults it and it holds (the conforming side of its
    /// requirement).
    pub satisfied: BTreeMap<Rule, Vec<String>>,
}

impl Audit {
    /// The rules no vector pins, not even by its reason.
    pub fn unpinned(&self) -> Vec<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .filter(|r| {
                !self.pinned.contains_key(r)
                    && !self.pinned_by_scenarios.contains_key(r)
                    && !self.pinned_by_valid.contains_key(r)
                    && !self.pinned_by_reason.contains_key(r)
                    && !self.choices.contains_key(r)
            })
            .collect()
    }

    /// The numeric rules met by some vector but not at their bound, one
    /// below and one past it, with the margins missing.
    pub fn unbounded(&self) -> Vec<(Rule, Vec<i8>)> {
        Rule::ALL
            .iter()
            .filter(|r| rules::is_numeric(**r))
            .filter_map(|r| {
                let seen = self.margins.get(r).cloned().unwrap_or_default();
                let missing: Vec<i8> = [-1, 0, 1]
                    .into_iter()
                    .filter(|m| !seen.contains(m))
                    .collect();
                (!missing.is_empty()).then_some((*r, missing))
            })
            .collect()
    }

    /// The evidence `requirements coverage` counts, per requirement: the
    /// tests that satisfy one of its rules, and those that catch one of its
    /// rules knocked out (by vector, by reason or by scenario).
    pub fn evidence(&self) -> Evidence {
        let add = |to: &mut BTreeMap<String, BTreeSet<String>>, m: &BTreeMap<Rule, Vec<String>>| {
            for (r, names) in m {
                to.entry(r.requirement().to_string())
                    .or_default()
                    .extend(names.iter().cloned());
            }
        };
        let (mut satisfied, mut caught) = (BTreeMap::new(), BTreeMap::new());
        add(&mut satisfied, &self.satisfied);
        add(&mut caught, &self.pinned);
        add(&mut caught, &self.pinned_by_reason);
        add(&mut caught, &self.pinned_by_scenarios);
        add(&mut caught, &self.pinned_by_valid);
        let count = |m: BTreeMap<String, BTreeSet<String>>| {
            m.into_iter().map(|(k, v)| (k, v.len())).collect()
        };
        Evidence {
            satisfied: count(satisfied),
            caught: count(caught),
        }
    }

    /// Whether the corpus passes: every vector breaks only what it names,
    /// every rule is pinned, every numeric rule is met at its bound and on
    /// each side, every rule's requirement is catalogued.
    pub fn clean(&self) -> bool {
        self.unbounded().is_empty()
            && self.second_defects.is_empty()
            && self.unnamed.is_empty()
            && self.unpinned().is_empty()
            && self.unknown_requirements.is_empty()
    }
}

fn label(o: &Outcome) -> String {
    match o {
        Outcome::Accepted { .. } => "accepted".into(),
        Outcome::Rejected(r) => asyncpay_harness::compare::reason_name(r.reason).to_string(),
        Outcome::Unsupported { .. } => "unsupported".into(),
    }
}

/// Audit `suite` against the reference's rules.
pub fn audit(suite: &Suite) -> Audit {
    let mut a = Audit::default();
    for r in Rule::ALL {
        if !suite.levels.contains(r.requirement()) {
            a.unknown_requirements
                .push((*r, r.requirement().to_string()));
        }
    }
    for f in &suite.files {
        for t in &f.file.tests {
            let Ok(op) = t.operation() else { continue };
            let run = |knocked: &[Rule]| {
                rules::with_knockouts(knocked, || ReferenceAdapter.execute(&op, &f.profile))
            };
            // The normal run, which also records the numeric rules' margins
            // and the rules consulted.
            let (((normal, fired), margins), consulted) =
                rules::with_consulted(|| rules::with_margins(|| run(&[])));
            for (r, m) in margins {
                if (-1..=1).contains(&m) {
                    a.margins.entry(r).or_default().insert(m as i8);
                }
            }
            let name = format!("{}::{}::{}", f.profile.name, f.area, t.id);
            let holds = match (&normal, &op) {
                (Outcome::Accepted { view }, Operation::RunScenario(_)) => {
                    check_scenario_outcome(&t.input, view).is_ok()
                }
                (Outcome::Accepted { .. }, _) => t.result == Verdict::Valid,
                _ => false,
            };
            if holds {
                let scenario = matches!(op, Operation::RunScenario(_));
                for r in consulted {
                    a.satisfied.entry(r).or_default().push(name.clone());
                    if !scenario && matches!(run(&[r]).0, Outcome::Rejected(_)) {
                        a.pinned_by_valid.entry(r).or_default().push(name.clone());
                    }
                }
            }
            if matches!(op, Operation::RunScenario(_)) {
                if matches!(normal, Outcome::Accepted { .. }) {
                    a.scenarios += 1;
                    scenario_pins(&mut a, &t.input, &name, &run);
                }
                continue;
            }
            if t.result == Verdict::Valid {
                continue;
            }
            if t.result == Verdict::Acceptable {
                // A rule that rejects an acceptable vector is the suite's
                // choice where the spec allows both answers.
                if let (Outcome::Rejected(_), Some(r)) = (&normal, fired) {
                    a.choices.entry(r).or_default().push(name);
                }
                continue;
            }
            if !matches!(normal, Outcome::Rejected(_)) {
                // Unsupported, or a failure `asyncpay run` reports.
                continue;
            }
            a.invalid_vectors += 1;
            // The rules that reject (a scenario rule never does).
            let named: BTreeSet<Rule> = t
                .requirements
                .iter()
                .flat_map(|q| rules::enforcing(q))
                .filter(|r| !rules::SCENARIO.contains(r))
                .collect();
            match fired {
                Some(r) => {
                    if !named.contains(&r) {
                        a.unnamed.push(Unnamed {
                            vector: name.clone(),
                            rule: r,
                        });
                    }
                    // Pinned: knocked out alone, the vector passes, or a
                    // reader cannot read past the rule.
                    let (alone, again) = run(&[r]);
                    if matches!(alone, Outcome::Accepted { .. }) || again == Some(r) {
                        a.pinned.entry(r).or_default().push(name.clone());
                    } else if let Outcome::Rejected(x) = &alone {
                        // Rejected for another reason than the vector's:
                        // caught only where reasons are graded.
                        if t.expected.reason.is_some_and(|want| want != x.reason) {
                            a.pinned_by_reason.entry(r).or_default().push(name.clone());
                        }
                    }
                }
                None => *a.outside_the_table.entry(label(&normal)).or_default() += 1,
            }
            if named.is_empty() {
                continue;
            }
            a.targeted += 1;
            let knocked: Vec<Rule> = named.iter().copied().collect();
            let (relaxed, still) = run(&knocked);
            if matches!(relaxed, Outcome::Accepted { .. }) {
                a.one_rule += 1;
            } else if still.is_some_and(|r| knocked.contains(&r)) {
                a.cannot_read_past.push(name);
            } else {
                a.second_defects.push(SecondDefect {
                    vector: name,
                    knocked_out: knocked,
                    still_rejected_by: still.map(|r| r.id().to_string()).unwrap_or_else(|| {
                        format!("a check outside the table ({})", label(&relaxed))
                    }),
                });
            }
        }
    }
    a
}

/// A vector played by the reference with the given rules knocked out: its
/// outcome and the rule that fired.
type KnockoutRun<'a> = dyn Fn(&[Rule]) -> (Outcome, Option<Rule>) + 'a;

/// Record in `a` every rule whose knockout makes the reference fail the
/// scenario `input` (`run` plays it with the rules given knocked out).
fn scenario_pins(a: &mut Audit, input: &serde_json::Value, name: &str, run: &KnockoutRun) {
    for r in Rule::ALL {
        let caught = match run(&[*r]).0 {
            Outcome::Accepted { view } => check_scenario_outcome(input, &view).is_err(),
            // A knockout that breaks the run itself shows nothing.
            _ => false,
        };
        if caught {
            a.pinned_by_scenarios
                .entry(*r)
                .or_default()
                .push(name.to_string());
        }
    }
}

/// The audit as text, for a person.
pub fn text(a: &Audit) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for d in &a.second_defects {
        let ids: Vec<&str> = d.knocked_out.iter().map(|r| r.id()).collect();
        let _ = writeln!(
            s,
            "SECOND DEFECT {}: with {} knocked out, still rejected by {}",
            d.vector,
            ids.join(", "),
            d.still_rejected_by
        );
    }
    for u in &a.unnamed {
        let _ = writeln!(
            s,
            "UNNAMED {}: rejected by {} ({}), a requirement it does not name",
            u.vector,
            u.rule.id(),
            u.rule.requirement()
        );
    }
    for r in a.unpinned() {
        let _ = writeln!(
            s,
            "UNPINNED {} ({}): no invalid vector is accepted, no valid one rejected and no scenario fails when it is knocked out",
            r.id(),
            r.requirement()
        );
    }
    for (r, v) in &a.pinned_by_reason {
        if !a.pinned.contains_key(r) {
            let _ = writeln!(
                s,
                "PINNED BY REASON ONLY {} ({}): knocked out, {} is rejected for another reason",
                r.id(),
                r.requirement(),
                v.join(", ")
            );
        }
    }
    for (r, v) in &a.choices {
        if !a.pinned.contains_key(r) && !a.pinned_by_reason.contains_key(r) {
            let _ = writeln!(
                s,
                "CHOICE {} ({}): rejects only acceptable vectors ({})",
                r.id(),
                r.requirement(),
                v.join(", ")
            );
        }
    }
    for (r, missing) in a.unbounded() {
        let _ = writeln!(
            s,
            "BOUND {} ({}): no vector at margin {:?} of its bound (-1 below, 0 at, 1 past)",
            r.id(),
            r.requirement(),
            missing
        );
    }
    for (r, q) in &a.unknown_requirements {
        let _ = writeln!(
            s,
            "UNKNOWN REQUIREMENT {}: {q} is not in the catalogue",
            r.id()
        );
    }
    let outside: usize = a.outside_the_table.values().sum();
    let _ = writeln!(
        s,
        "{} rules, {} pinned by invalid vectors, {} by valid ones, {} by scenarios ({} scenarios); {} invalid vectors: {} name a rule's requirement, {} of them break only what they name, {} a rule a reader cannot read past; {} rejected by a check outside the table ({})",
        Rule::ALL.len(),
        a.pinned.len(),
        a.pinned_by_valid.len(),
        a.pinned_by_scenarios.len(),
        a.scenarios,
        a.invalid_vectors,
        a.targeted,
        a.one_rule,
        a.cannot_read_past.len(),
        outside,
        a.outside_the_table
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn suite() -> Suite {
        Suite::load(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).expect("the vectors load")
    }

    /// `suite` with the test `id` of every static invoice file changed by `f`
    /// (dropped where it returns false).
    fn edited(
        mut suite: Suite,
        id: &str,
        f: &dyn Fn(&mut asyncpay_harness::vectors::TestVector) -> bool,
    ) -> Suite {
        for file in suite
            .files
            .iter_mut()
            .filter(|x| x.area == "static_invoice")
        {
            let mut v = (*file.file).clone();
            v.tests.retain_mut(|t| t.id != id || f(t));
            file.file = Arc::new(v);
        }
        suite
    }

    #[test]
    fn the_corpus_is_clean() {
        let a = audit(&suite());
        assert!(a.clean(), "{}", text(&a));
        assert!(a.one_rule > 100 && a.pinned.len() > 40, "{}", text(&a));
    }

    #[test]
    fn a_vector_naming_the_wrong_rule_is_caught_twice() {
        // A missing created_at, said to be a missing node id.
        let s = edited(suite(), "invalid-created-at-missing", &|t| {
            t.requirements = vec!["bolt12/static-invoice/reader/node-id-required".into()];
            true
        });
        let a = audit(&s);
        assert!(a
            .unnamed
            .iter()
            .any(|u| u.vector.ends_with("invalid-created-at-missing")
                && u.rule == Rule::InvoiceCreatedAt));
        assert!(a
            .second_defects
            .iter()
            .any(|d| d.vector.ends_with("invalid-created-at-missing")
                && d.still_rejected_by == Rule::InvoiceCreatedAt.id()));
        assert!(!a.clean());
    }

    #[test]
    fn a_rule_without_its_vectors_is_unpinned() {
        let rule = Rule::InvoiceExpiryRelative;
        let pins = audit(&suite()).pinned[&rule].clone();
        assert!(!pins.is_empty());
        let mut s = suite();
        for file in &mut s.files {
            let mut v = (*file.file).clone();
            let prefix = format!("{}::{}::", file.profile.name, file.area);
            v.tests
                .retain(|t| !pins.contains(&format!("{prefix}{}", t.id)));
            file.file = Arc::new(v);
        }
        let a = audit(&s);
        assert!(a.unpinned().contains(&rule), "{}", text(&a));
    }

    #[test]
    fn a_numeric_rule_without_its_vector_one_below_is_reported() {
        let mut s = suite();
        for file in &mut s.files {
            let mut v = (*file.file).clone();
            v.tests
                .retain(|t| t.id != "valid-relative-expiry-one-second-before-boundary");
            file.file = Arc::new(v);
        }
        let a = audit(&s);
        assert!(
            a.unbounded()
                .contains(&(Rule::InvoiceExpiryRelative, vec![-1])),
            "{}",
            text(&a)
        );
        assert!(!a.clean());
    }
}
