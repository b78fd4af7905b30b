//! Divergences the differential fuzzer found, kept as permanent vectors.
//!
//! The list is data, `vectors/fuzz-findings.json`: each finding's input
//! (shrunk), and a result and expected outcome decided by the spec's rule
//! (quoted in its `why`), never by an adapter's answer. This recipe writes
//! them, per profile, to `vectors/<profile>/fuzz_findings.json`.

use asyncpay_adapter::{Profile, ReasonClass};
use asyncpay_harness::vectors::{Expected, FileBuilder, TestVector, VectorFile, Verdict};
use serde::Deserialize;

/// The area.
pub const AREA: &str = "fuzz_findings";

const SPEC_COMMIT: &str = crate::recipes::hold_htlc::SPEC_COMMIT;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct List {
    #[allow(dead_code)]
    about: String,
    findings: Vec<Finding>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Finding {
    id: String,
    profiles: Vec<String>,
    op: String,
    input: serde_json::Value,
    description: String,
    requirements: Vec<String>,
    result: Verdict,
    #[serde(default)]
    view: Option<serde_json::Value>,
    #[serde(default)]
    reason: Option<ReasonClass>,
    why: String,
    found: String,
}

fn findings() -> Vec<Finding> {
    let list: List = serde_json::from_str(include_str!("../../../fuzz-findings.json"))
        .expect("vectors/fuzz-findings.json is a list of findings");
    list.findings
}

/// The profile's file, if any finding applies to it.
pub fn generate(profile: &Profile) -> Option<VectorFile> {
    let mine: Vec<Finding> = findings()
        .into_iter()
        .filter(|f| f.profiles.contains(&profile.name))
        .collect();
    if mine.is_empty() {
        return None;
    }
    let mut b = FileBuilder::new(AREA, &profile.name, SPEC_COMMIT);
    b.header(
        "Inputs the differential fuzzer (asyncpay fuzz) found an implementation to diverge on, shrunk, with the result the spec's rule decides (see vectors/fuzz-findings.json for each finding's rule and how it was found).",
    );
    for f in mine {
        b.test(TestVector {
            id: f.id,
            description: f.description,
            requirements: f.requirements,
            flags: Vec::new(),
            result: f.result,
            op: f.op,
            input: f.input,
            expected: Expected {
                view: f.view,
                reason: f.reason,
                ..Expected::default()
            },
            intermediates: None,
            comment: format!("{} Found: {}", f.why, f.found),
        });
    }
    Some(b.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_finding_has_the_outcome_its_result_needs() {
        for f in findings() {
            match f.result {
                Verdict::Valid => assert!(f.view.is_some() && f.reason.is_none(), "{}", f.id),
                Verdict::Invalid => assert!(f.reason.is_some() && f.view.is_none(), "{}", f.id),
                Verdict::Acceptable => assert!(f.reason.is_none(), "{}", f.id),
            }
            assert!(!f.why.is_empty() && !f.found.is_empty(), "{}", f.id);
        }
    }
}
