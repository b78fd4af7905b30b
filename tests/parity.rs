//! Checks `adapters/ldk/parity.json`, the table of LDK's own async payment
//! tests against the suite's: every suite id it names exists in the committed
//! vector files, every LDK test without a counterpart says why, no test is
//! listed twice, and the README's table lists every test in order.
//!
//! Needs no LDK: it reads the JSON files only.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const PROFILES: [&str; 2] = ["bolts-pr1149", "ldk-0.2"];
const STATUSES: [&str; 3] = ["draft_governed_missing", "outside_draft", "not_observable"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn load(rel: &str) -> Value {
    let path = root().join(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

fn parity() -> Value {
    load("adapters/ldk/parity.json")
}

/// Every test id of the committed vector files, as `<area>::<id>` (in
/// either profile) and as `<profile>::<area>::<id>`.
fn suite_ids() -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for profile in PROFILES {
        let dir = root().join("vectors").join(profile);
        let entries =
            std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let area = path.file_stem().unwrap().to_str().unwrap().to_string();
            let file = load(&format!("vectors/{profile}/{area}.json"));
            for t in file["tests"].as_array().expect("a vector file has tests") {
                let id = t["id"].as_str().expect("a vector has an id");
                ids.insert(format!("{area}::{id}"));
                ids.insert(format!("{profile}::{area}::{id}"));
            }
        }
    }
    ids
}

fn requirement_ids() -> BTreeSet<String> {
    load("vectors/requirements.json")["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .map(|r| r["id"].as_str().expect("a requirement id").to_string())
        .collect()
}

fn text<'a>(entry: &'a Value, field: &str, name: &str) -> &'a str {
    let s = entry[field]
        .as_str()
        .unwrap_or_else(|| panic!("{name}: `{field}` is missing or not a string"));
    assert!(!s.trim().is_empty(), "{name}: `{field}` is empty");
    assert!(!s.contains('\n'), "{name}: `{field}` is not one line");
    s
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Requirement ids (all in the catalogue) and a given/when/then sketch.
fn check_sketch(entry: &Value, name: &str, requirements: &BTreeSet<String>) {
    let reqs = entry["requirements"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: no `requirements`"));
    assert!(!reqs.is_empty(), "{name}: `requirements` is empty");
    for r in reqs {
        let r = r.as_str().expect("a requirement id is a string");
        assert!(
            requirements.contains(r),
            "{name}: requirement {r} is not in vectors/requirements.json"
        );
    }
    let sketch = text(entry, "sketch", name);
    assert!(
        sketch.starts_with("Given ") && sketch.contains(" when ") && sketch.contains(" then "),
        "{name}: the sketch is not given/when/then: {sketch}"
    );
}

/// Checks one entry; answers its kind (`covered` or its status).
fn check_entry(
    entry: &Value,
    ids: &BTreeSet<String>,
    requirements: &BTreeSet<String>,
) -> &'static str {
    let name = entry["name"].as_str().expect("an entry has a name");
    assert!(is_identifier(name), "{name}: not a Rust function name");
    text(entry, "checks", name);
    let covered_by = entry["covered_by"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: no `covered_by` list"));
    let mut seen = BTreeSet::new();
    for id in covered_by {
        let id = id.as_str().expect("a covered_by id is a string");
        assert!(seen.insert(id), "{name}: {id} is listed twice");
        assert!(
            ids.contains(id),
            "{name}: {id} is not a test of the committed vector files"
        );
    }
    if let Some(note) = entry.get("note") {
        assert!(note.is_string(), "{name}: `note` is not a string");
        text(entry, "note", name);
    }
    if covered_by.is_empty() {
        let status = text(entry, "status", name);
        let status = STATUSES
            .into_iter()
            .find(|s| *s == status)
            .unwrap_or_else(|| panic!("{name}: unknown status {status}"));
        text(entry, "reason", name);
        assert!(
            entry.get("partial").is_none(),
            "{name}: `partial` is for covered tests"
        );
        if status == "draft_governed_missing" {
            check_sketch(entry, name, requirements);
        }
        status
    } else {
        for field in ["status", "reason", "requirements", "sketch"] {
            assert!(
                entry.get(field).is_none(),
                "{name}: a covered test has no `{field}` (a part left uncovered goes in `partial`)"
            );
        }
        if let Some(partial) = entry.get("partial") {
            text(partial, "uncovered", name);
            check_sketch(partial, name, requirements);
        }
        "covered"
    }
}

fn entries<'a>(v: &'a Value, what: &str) -> &'a Vec<Value> {
    v.as_array()
        .unwrap_or_else(|| panic!("`{what}` is not a list"))
}

#[test]
fn every_ldk_test_is_listed_once_with_a_counterpart_or_a_reason() {
    let p = parity();
    let ids = suite_ids();
    let requirements = requirement_ids();
    let header = &p["header"];
    assert_eq!(header["ldk_version"], "0.2.7");
    text(header, "ldk_file", "header");
    text(header, "read_on", "header");

    let tests = entries(&p["tests"], "tests");
    let mut names = BTreeSet::new();
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for t in tests {
        let name = t["name"].as_str().expect("an entry has a name");
        assert!(names.insert(name), "{name} is listed twice");
        *counts
            .entry(check_entry(t, &ids, &requirements))
            .or_default() += 1;
    }
    assert_eq!(
        header["number_of_tests"].as_u64(),
        Some(tests.len() as u64),
        "number_of_tests"
    );
    let stated = header["counts"].as_object().expect("header counts");
    let kinds: BTreeSet<&str> = std::iter::once("covered").chain(STATUSES).collect();
    for (kind, n) in stated {
        assert!(kinds.contains(kind.as_str()), "unknown count {kind}");
        assert_eq!(
            n.as_u64(),
            Some(counts.get(kind.as_str()).copied().unwrap_or(0)),
            "header count of {kind}"
        );
    }
    for kind in counts.keys() {
        assert!(stated.contains_key(*kind), "header has no count of {kind}");
    }
}

#[test]
fn the_next_release_lists_its_added_and_removed_tests() {
    let p = parity();
    let ids = suite_ids();
    let requirements = requirement_ids();
    let base: BTreeSet<&str> = entries(&p["tests"], "tests")
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let next = &p["ldk_0_3"];
    text(next, "ldk_version", "ldk_0_3");
    text(next, "ldk_file", "ldk_0_3");
    text(next, "read_on", "ldk_0_3");
    let mut names = BTreeSet::new();
    for t in entries(&next["added"], "ldk_0_3.added") {
        let name = t["name"].as_str().expect("an entry has a name");
        assert!(names.insert(name), "{name} is listed twice");
        assert!(!base.contains(name), "{name} is not new in 0.3");
        check_entry(t, &ids, &requirements);
    }
    for t in entries(&next["removed"], "ldk_0_3.removed") {
        let name = t["name"].as_str().expect("an entry has a name");
        assert!(names.insert(name), "{name} is listed twice");
        assert!(base.contains(name), "{name} is not a 0.2.7 test");
        text(t, "note", name);
    }
}

#[test]
fn the_readme_table_lists_every_test_in_order() {
    let p = parity();
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let start = readme
        .find("## Parity with LDK's own async payment tests")
        .expect("the README has the parity section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let rows: Vec<&str> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once("` |").map(|(name, _)| name))
        .collect();
    let names: Vec<&str> = entries(&p["tests"], "tests")
        .iter()
        .chain(entries(&p["ldk_0_3"]["added"], "ldk_0_3.added"))
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        rows, names,
        "the README's parity table is not the JSON's (regenerate it)"
    );
}
