//! Checks every quote in `vectors/requirements.json` against the BOLT text.
//!
//! The specification files are looked for in the directory named by the
//! `ASYNCPAY_BOLTS_DIR` environment variable, or else in `../shared/spec`
//! next to the repository. That directory holds one subdirectory per source
//! (`bolts-pr1149/`, `bolts-master/`), or is a plain bolts checkout (see
//! `harness/src/requirements.rs` for the lookup rule). With neither, the quote
//! check is skipped with a message; the catalogue is still loaded and
//! validated.

// Included by path while the harness crate is written in parallel; the
// harness will expose the same file as `asyncpay_harness::requirements`.
#[allow(dead_code)]
#[path = "../harness/src/requirements.rs"]
mod requirements;

use requirements::{check_quotes, Catalogue};
use std::path::{Path, PathBuf};

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn catalogue() -> Catalogue {
    Catalogue::load(repo_root().join("vectors/requirements.json")).unwrap_or_else(|e| panic!("{e}"))
}

fn bolts_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("ASYNCPAY_BOLTS_DIR") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.is_dir(),
            "ASYNCPAY_BOLTS_DIR={} is not a directory",
            dir.display()
        );
        return Some(dir);
    }
    let shared = repo_root().join("../shared/spec");
    shared.is_dir().then_some(shared)
}

#[test]
fn catalogue_loads_and_is_well_formed() {
    let c = catalogue();
    assert!(!c.requirements.is_empty());
    assert_eq!(
        c.level_of("bolt12/static-invoice/writer/no-payment-hash"),
        Some("MUST NOT")
    );
    // Every requirement the draft adds is quoted from the draft.
    for r in c.requirements.iter().filter(|r| r.added_by_draft) {
        assert_eq!(r.source, "bolts-pr1149", "{}", r.id);
    }
    // Every gap from ../shared/spec/README.md is listed.
    for id in [
        "gap/onionmsg-types-unassigned",
        "gap/tlv-static-invoice-undefined",
        "gap/release-held-htlc-contents-undefined",
        "gap/hold-htlc-misnumbered",
        "gap/message-paths-writer-reader-mismatch",
        "gap/static-invoice-default-expiry",
    ] {
        assert!(c.gaps.iter().any(|g| g.id == id), "missing {id}");
    }
}

#[test]
fn every_quote_matches_the_specification() {
    let c = catalogue();
    let Some(dir) = bolts_dir() else {
        println!("skipped: no bolts directory (set ASYNCPAY_BOLTS_DIR)");
        return;
    };
    let mismatches = check_quotes(&c, &dir);
    if !mismatches.is_empty() {
        let list: Vec<String> = mismatches.iter().map(ToString::to_string).collect();
        panic!(
            "{} of {} requirements do not match the text under {}:\n{}",
            mismatches.len(),
            c.requirements.len(),
            dir.display(),
            list.join("\n")
        );
    }
}

/// The draft's normative lines are all catalogued: every `+` line of the
/// draft's diff that contains MUST, SHOULD or MAY starts some requirement's
/// quote (after normalisation). Runs only when the diff is available.
#[test]
fn every_normative_draft_line_is_catalogued() {
    let Some(dir) = bolts_dir() else {
        println!("skipped: no bolts directory (set ASYNCPAY_BOLTS_DIR)");
        return;
    };
    let diff = dir.join("bolts-pr1149/async-payments.diff");
    let Ok(diff) = std::fs::read_to_string(&diff) else {
        println!("skipped: no {}", diff.display());
        return;
    };
    let c = catalogue();
    let draft_quotes: Vec<String> = c
        .requirements
        .iter()
        .filter(|r| r.added_by_draft)
        .map(|r| requirements::normalise(&r.quote))
        .collect();
    let mut missing = Vec::new();
    for line in diff.lines() {
        let Some(added) = line.strip_prefix('+') else {
            continue;
        };
        if line.starts_with("+++") {
            continue;
        }
        if !["MUST", "SHOULD", "MAY"].iter().any(|k| added.contains(k)) {
            continue;
        }
        let added = requirements::normalise(added);
        if !draft_quotes.iter().any(|q| q.contains(&added)) {
            missing.push(added);
        }
    }
    assert!(
        missing.is_empty(),
        "normative draft lines with no catalogue entry:\n{}",
        missing.join("\n")
    );
}
