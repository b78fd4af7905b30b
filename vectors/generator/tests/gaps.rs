//! The gap catalogue is complete: every gap has a choice and a proposed
//! wording, every flag it names marks some vector, and the Markdown names
//! every gap with its dependents.

use asyncpay_harness::requirements::Catalogue;
use asyncpay_harness::runner::Suite;
use asyncpay_vectors::gaps;
use std::path::Path;

fn load() -> (Catalogue, Suite) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cat = Catalogue::load(dir.join("requirements.json")).unwrap();
    let suite = Suite::load(&dir).unwrap();
    (cat, suite)
}

#[test]
fn every_gap_has_a_choice_and_a_proposed_wording() {
    let (cat, _) = load();
    assert!(!cat.gaps.is_empty());
    let missing = gaps::incomplete(&cat);
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_gap_flag_marks_a_vector_and_every_gap_has_dependents() {
    let (cat, suite) = load();
    for g in &cat.gaps {
        let d = gaps::dependents(&suite, g);
        for (flag, names) in &d.by_flag {
            assert!(!names.is_empty(), "{}: flag {flag} marks no vector", g.id);
        }
        assert!(d.total() > 0, "{}: no vector depends on it", g.id);
    }
}

#[test]
fn the_markdown_has_a_section_per_gap() {
    let (cat, suite) = load();
    let md = gaps::markdown(&cat, &suite);
    for (i, g) in cat.gaps.iter().enumerate() {
        assert!(
            md.contains(&format!("## {}. `{}`", i + 1, g.id)),
            "{}",
            g.id
        );
    }
    assert_eq!(md.matches("**Proposed wording**").count(), cat.gaps.len());
    assert_eq!(
        md.matches("**The suite's choice.**").count(),
        cat.gaps.len()
    );
}
