//! The fuzzer's report: counts per adapter (agreements, reasons that
//! differ, known divergences by entry, new ones, breakages), and each
//! cluster with its minimal input, as text and as JSON.

use crate::differ::Answer;
use crate::input::Input;
use crate::triage::Key;
use asyncpay_harness::compare::Observed;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Counts for one adapter.
#[derive(Clone, Debug, Default)]
pub struct AdapterCounts {
    /// The adapter.
    pub name: String,
    /// Inputs it was given (the reference could judge).
    pub inputs: u64,
    /// Same verdict and view.
    pub agree: u64,
    /// Both rejected, another class.
    pub reason_differs: u64,
    /// It cannot perform the op.
    pub unsupported: u64,
    /// Divergences an expected-failures entry explains.
    pub known: u64,
    /// Of those, per entry (its `observed` text).
    pub known_by_entry: BTreeMap<String, u64>,
    /// Legitimate differences between implementations (see [`crate::legitimate`]).
    pub legitimate: u64,
    /// Of those, per reason.
    pub legitimate_by_reason: BTreeMap<String, u64>,
    /// Divergences nothing explains.
    pub new: u64,
    /// It broke (`internal`, a panic).
    pub broken: u64,
    /// Inputs per second of its own time.
    pub inputs_per_second: f64,
}

impl AdapterCounts {
    /// Empty counts for `name`.
    pub fn new(name: &str) -> AdapterCounts {
        AdapterCounts {
            name: name.to_string(),
            ..AdapterCounts::default()
        }
    }
}

/// One cluster of divergences.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// What identifies it.
    pub key: Key,
    /// The divergence's shape (none for a breakage).
    pub observed: Option<Observed>,
    /// Inputs in it.
    pub count: u64,
    /// The first input that landed in it.
    pub first_input: Input,
    /// The vector it was mutated from.
    pub seed_vector: String,
    /// That vector's requirement ids (the rules the input bears on).
    pub requirements: Vec<String>,
    /// The reference's rule (`asyncpay_reference::rules`) that rejects the
    /// minimal input, as (rule id, requirement id), when one does.
    pub reference_rule: Option<(String, String)>,
    /// The mutations that made the first input.
    pub mutations: Vec<String>,
    /// The reference's answer on the minimal input.
    pub reference_answer: Answer,
    /// The adapter's answer on the minimal input.
    pub their_answer: Answer,
    /// The first input, shrunk.
    pub minimal: Option<Input>,
    /// A few more inputs from the cluster.
    pub examples: Vec<Value>,
}

/// A whole run.
#[derive(Clone, Debug, Default)]
pub struct FuzzReport {
    /// The seed.
    pub seed: u64,
    /// Seeds (vector inputs) mutated from.
    pub seeds: usize,
    /// Inputs made.
    pub inputs: u64,
    /// Wall seconds.
    pub seconds: f64,
    /// Inputs the reference accepted.
    pub reference_accepted: u64,
    /// Inputs the reference rejected.
    pub reference_rejected: u64,
    /// Inputs the reference could not judge (skipped for every adapter).
    pub reference_could_not_judge: u64,
    /// Each time the reference broke (a bug of the suite).
    pub reference_broken: Vec<String>,
    /// The reference's inputs per second of its own time.
    pub reference_inputs_per_second: f64,
    /// Per adapter.
    pub adapters: Vec<AdapterCounts>,
    /// The clusters of new divergences and breakages.
    pub clusters: Vec<Cluster>,
}

impl FuzzReport {
    /// Whether nothing new was found and nothing broke.
    pub fn clean(&self) -> bool {
        self.clusters.is_empty() && self.reference_broken.is_empty()
    }
}

fn answer_line(a: &Answer) -> String {
    match a {
        Answer::Accepted { .. } => "accepted".into(),
        Answer::Rejected { reason, detail } => format!(
            "rejected ({}): {}",
            asyncpay_harness::compare::reason_name(*reason),
            detail.lines().next().unwrap_or_default()
        ),
        Answer::Unsupported { reason } => format!("unsupported: {reason}"),
        Answer::Broken { detail } => format!("broke: {detail}"),
    }
}

/// The report for a person.
pub fn text(r: &FuzzReport) -> String {
    let mut s = String::new();
    for c in &r.clusters {
        let _ = writeln!(
            s,
            "NEW {} [{}] {}: reference {}, {} {} ({} inputs)",
            c.key.adapter,
            c.key.profile,
            c.key.op,
            c.key.reference,
            c.key.adapter,
            c.key.theirs,
            c.count
        );
        let _ = writeln!(
            s,
            "  from vector {} by: {}",
            c.seed_vector,
            c.mutations.join("; ")
        );
        match &c.reference_rule {
            Some((rule, req)) => {
                let _ = writeln!(s, "  the reference's rule: {rule} ({req})");
            }
            None => {
                let _ = writeln!(s, "  bears on: {}", c.requirements.join(", "));
            }
        }
        let _ = writeln!(s, "  reference: {}", answer_line(&c.reference_answer));
        let _ = writeln!(s, "  {}: {}", c.key.adapter, answer_line(&c.their_answer));
        if let Some(m) = &c.minimal {
            let _ = writeln!(
                s,
                "  minimal input ({} of {}): {}",
                m.size(),
                c.first_input.size(),
                m.vector_input()
            );
        }
    }
    for b in &r.reference_broken {
        let _ = writeln!(s, "REFERENCE BROKE {b}");
    }
    let _ = writeln!(
        s,
        "\n{} inputs from {} seeds in {:.1} s (seed {}); the reference accepted {}, rejected {}, could not judge {} ({:.0} inputs/s)",
        r.inputs, r.seeds, r.seconds, r.seed, r.reference_accepted, r.reference_rejected, r.reference_could_not_judge, r.reference_inputs_per_second
    );
    let _ = writeln!(
        s,
        "{:<10} {:>9} {:>9} {:>14} {:>11} {:>7} {:>10} {:>5} {:>6} {:>10}",
        "adapter",
        "inputs",
        "agree",
        "reason differs",
        "unsupported",
        "known",
        "legitimate",
        "new",
        "broken",
        "inputs/s"
    );
    for a in &r.adapters {
        let _ = writeln!(
            s,
            "{:<10} {:>9} {:>9} {:>14} {:>11} {:>7} {:>10} {:>5} {:>6} {:>10.0}",
            a.name,
            a.inputs,
            a.agree,
            a.reason_differs,
            a.unsupported,
            a.known,
            a.legitimate,
            a.new,
            a.broken,
            a.inputs_per_second
        );
        for (entry, n) in &a.known_by_entry {
            let short: String = entry.chars().take(100).collect();
            let _ = writeln!(s, "    known {n:>7}: {short}");
        }
        for (why, n) in &a.legitimate_by_reason {
            let _ = writeln!(s, "    legitimate {n:>7}: {why}");
        }
    }
    let _ = writeln!(
        s,
        "{} new cluster(s), {} reference breakage(s)",
        r.clusters.len(),
        r.reference_broken.len()
    );
    s
}

/// The report as JSON: counts, and every cluster with its minimal input.
pub fn json(r: &FuzzReport) -> Value {
    let answer = |a: &Answer| serde_json::to_value(a).unwrap_or(Value::Null);
    json!({
        "seed": r.seed,
        "seeds": r.seeds,
        "inputs": r.inputs,
        "seconds": r.seconds,
        "reference": {
            "accepted": r.reference_accepted,
            "rejected": r.reference_rejected,
            "could_not_judge": r.reference_could_not_judge,
            "broken": r.reference_broken,
            "inputs_per_second": r.reference_inputs_per_second,
        },
        "adapters": r.adapters.iter().map(|a| json!({
            "name": a.name, "inputs": a.inputs, "agree": a.agree,
            "reason_differs": a.reason_differs, "unsupported": a.unsupported,
            "known": a.known, "known_by_entry": a.known_by_entry,
            "legitimate": a.legitimate, "legitimate_by_reason": a.legitimate_by_reason, "new": a.new,
            "broken": a.broken, "inputs_per_second": a.inputs_per_second,
        })).collect::<Vec<_>>(),
        "clusters": r.clusters.iter().map(|c| json!({
            "adapter": c.key.adapter, "profile": c.key.profile, "op": c.key.op,
            "reference": c.key.reference, "theirs": c.key.theirs,
            "observed": c.observed, "count": c.count,
            "seed_vector": c.seed_vector, "requirements": c.requirements,
            "reference_rule": c.reference_rule.as_ref().map(|(r, q)| json!({ "rule": r, "requirement": q })),
            "mutations": c.mutations,
            "first_input": c.first_input.vector_input(),
            "minimal_input": c.minimal.as_ref().map(Input::vector_input),
            "reference_answer": answer(&c.reference_answer),
            "their_answer": answer(&c.their_answer),
            "examples": c.examples,
        })).collect::<Vec<_>>(),
    })
}
