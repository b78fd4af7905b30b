//! The catalogue's reply-path and release requirements added by the draft
//! are each shown on both sides by the tests naming them (a valid vector
//! or scenario, and an invalid or acceptable vector).

use asyncpay_harness::coverage::{coverage, Evidence};
use asyncpay_harness::Suite;
use std::path::Path;

#[test]
fn draft_reply_path_and_release_requirements_have_valid_and_invalid_vectors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../vectors");
    let suite = Suite::load(&root).expect("the committed vectors load");
    let c = coverage(&suite, &Evidence::default());
    let text = std::fs::read_to_string(root.join("requirements.json")).expect("catalogue");
    let cat: serde_json::Value = serde_json::from_str(&text).expect("catalogue is JSON");
    let mut checked = 0;
    let mut missing = Vec::new();
    for r in cat["requirements"].as_array().expect("requirements") {
        let id = r["id"].as_str().unwrap_or_default();
        let draft = r["source"] == "bolts-pr1149";
        let area = r["area"].as_str().unwrap_or_default();
        if !draft || !(area == "reply_paths" || area == "release") {
            continue;
        }
        checked += 1;
        let t = c.by_requirement.get(id).copied().unwrap_or_default();
        if !t.conforming() || !t.violating() {
            missing.push(format!("{id}: {t:?}"));
        }
    }
    assert!(
        checked >= 8,
        "only {checked} reply-path/release requirements found"
    );
    assert!(
        missing.is_empty(),
        "not linked both ways:\n{}",
        missing.join("\n")
    );
}

/// The reference's evidence fills a side, `shown_by` borrows the sides of
/// the requirements it names, and an `unobservable` reason covers alone.
#[test]
fn evidence_shown_by_and_unobservable_decide_coverage() {
    use asyncpay_harness::coverage::Missing;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../vectors");
    let suite = Suite::load(&root).expect("the committed vectors load");
    // Only invalid vectors name it: the conforming side needs evidence.
    let dup = "bolt1/tlv/reader/duplicate-type";
    let c = coverage(&suite, &Evidence::default());
    assert_eq!(c.uncovered.get(dup), Some(&Missing::Conforming));
    let mut e = Evidence::default();
    e.satisfied.insert(dup.to_string(), 3);
    let c = coverage(&suite, &e);
    assert!(!c.uncovered.contains_key(dup));
    assert_eq!(c.by_requirement[dup].satisfied, 3);
    // A writer's rule shown by the reader rules that reject its breakage.
    let writer = "bolt1/tlv/writer/strictly-increasing";
    assert!(suite
        .levels
        .shown_by(writer)
        .iter()
        .any(|o| o == "bolt1/tlv/reader/not-strictly-increasing"));
    assert!(!c.uncovered.contains_key(writer));
    // A writer's randomness is unobservable, and covered by its reason.
    let random = "bolt4/static-invoice/payer/random-preimage";
    assert!(c.unobservable.contains_key(random));
    assert!(!c.uncovered.contains_key(random));
    // A side no input can show covers only beside a test of the other.
    let chain = "bolt12/static-invoice/reader/chain-supported";
    let (side, _) = suite.levels.unobservable_side(chain).expect("a reason");
    assert_eq!(side, asyncpay_harness::grading::Side::Conforming);
    assert!(c.by_requirement[chain].invalid > 0);
    assert!(c.one_side_unobservable.contains_key(chain));
    let mut bare = suite.clone();
    for f in &mut bare.files {
        let mut v = (*f.file).clone();
        v.tests
            .retain(|t| !t.requirements.iter().any(|r| r == chain));
        f.file = std::sync::Arc::new(v);
    }
    let c = coverage(&bare, &Evidence::default());
    assert!(!c.one_side_unobservable.contains_key(chain));
    assert_eq!(c.uncovered.get(chain), Some(&Missing::Both));
}
