//! `asyncpay vectors export --format bolts`: the export is byte-stable, the
//! committed copy (`vectors/export/bolts`) is the export of the committed
//! vectors, and every exported case, read back with the suite's own
//! importers of the bolts repository's shapes, gives the verdict of the
//! suite vector it came from.

use asyncpay_harness::vectors::{VectorFile, Verdict};
use asyncpay_vectors::export::{self, bolt04, source_of, ExportedFile};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files() -> Vec<ExportedFile> {
    export::export(&vectors())
        .expect("the committed vectors export")
        .0
}

#[test]
fn exporting_twice_gives_identical_bytes() {
    let (a, b) = (files(), files());
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.path, y.path);
        assert!(x.text == y.text, "{} differs between two exports", x.path);
    }
    // And written to disk twice.
    let d1 = tempfile::tempdir().unwrap();
    let d2 = tempfile::tempdir().unwrap();
    export::write(&a, d1.path()).unwrap();
    export::write(&b, d2.path()).unwrap();
    for f in &a {
        let p1 = std::fs::read(d1.path().join(&f.path)).unwrap();
        let p2 = std::fs::read(d2.path().join(&f.path)).unwrap();
        assert_eq!(p1, p2, "{}", f.path);
    }
}

#[test]
fn the_committed_copy_is_the_export() {
    let problems = export::check(&vectors());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_drifted_copy_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for area in [
        "static_invoice",
        "hold_htlc",
        "reply_paths",
        "onion_messages",
    ] {
        let from = vectors().join(export::PROFILE).join(format!("{area}.json"));
        let to = root.join(export::PROFILE).join(format!("{area}.json"));
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    }
    let out = root.join(export::COMMITTED);
    export::write(&files(), &out).unwrap();
    assert!(export::check(root).is_empty());
    let f = out.join(bolt04::PATHS[0].1);
    let text = std::fs::read_to_string(&f)
        .unwrap()
        .replacen("hop0", "hopX", 1);
    std::fs::write(&f, text).unwrap();
    std::fs::write(out.join("stray.json"), "[]").unwrap();
    let problems = export::check(root);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("release-reply-path-one-hop-test.json"));
    assert!(problems[0].contains("line"));
    assert!(problems[1].contains("stray.json"));
}

#[test]
fn a_malformed_vector_is_an_error_naming_its_file_test_and_place() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for area in [
        "static_invoice",
        "hold_htlc",
        "reply_paths",
        "onion_messages",
    ] {
        let from = vectors().join(export::PROFILE).join(format!("{area}.json"));
        let to = root.join(export::PROFILE).join(format!("{area}.json"));
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        let mut text = std::fs::read_to_string(from).unwrap();
        if area == "hold_htlc" {
            // The first test's input is no longer hex.
            text = text.replacen("\"hex\": \"0080", "\"hex\": \"zz80", 1);
        }
        std::fs::write(to, text).unwrap();
    }
    let err = export::export(root).unwrap_err();
    assert!(err.contains("hold_htlc.json"), "{err}");
    assert!(err.contains("test uah-plain"), "{err}");
    assert!(err.contains("hex"), "{err}");
    // And the committed copy is then reported, not panicked over.
    assert_eq!(export::check(root).len(), 1);
}

/// One imported case: its name and what its check gave.
type Checked = (String, Result<(), String>);

/// Every suite vector of the exported areas, by `<area>/<id>`.
fn suite_vectors() -> BTreeMap<String, Verdict> {
    let mut out = BTreeMap::new();
    for area in [
        "static_invoice",
        "hold_htlc",
        "reply_paths",
        "onion_messages",
    ] {
        let p = vectors().join(export::PROFILE).join(format!("{area}.json"));
        let f = VectorFile::load(&p).unwrap();
        for t in f.tests {
            out.insert(format!("{area}/{}", t.id), t.result);
        }
    }
    out
}

/// Every tag `[asyncpay bolts-pr1149 <area>/<id>]` in a text.
fn tags(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some((area, id)) = source_of(rest) {
        out.push(format!("{area}/{id}"));
        let cut = rest.rfind("[asyncpay").unwrap();
        rest = &rest[..cut];
    }
    out
}

#[test]
fn every_exported_case_reimports_with_its_suite_verdict() {
    let tmp = tempfile::tempdir().unwrap();
    let all = files();
    export::write(&all, tmp.path()).unwrap();
    let suite = suite_vectors();

    // The importers' cases: all must hold (each reads the exported form with
    // the reference and compares with what the file says).
    let cases = export::reimport(tmp.path());
    let mut by_file: BTreeMap<&str, Vec<Checked>> = BTreeMap::new();
    for c in &cases {
        by_file
            .entry(c.file)
            .or_default()
            .push((c.name.clone(), (c.check)()));
    }
    let failures: Vec<String> = by_file
        .iter()
        .flat_map(|(f, cs)| {
            cs.iter()
                .filter_map(move |(n, r)| r.as_ref().err().map(|e| format!("{f} {n}: {e}")))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    for f in all.iter().filter(|f| f.path.ends_with(".json")) {
        let doc: Value = serde_json::from_str(&f.text).unwrap();
        let imported = by_file.get(f.path.as_str()).map(Vec::len).unwrap_or(0);
        match doc.as_array() {
            // One case per entry: its `valid` is its suite vector's verdict,
            // and the importer made one case of it, which holds.
            Some(entries) => {
                assert_eq!(imported, entries.len(), "{}: cases imported", f.path);
                assert_eq!(entries.len(), f.cases);
                for e in entries {
                    let d = e["description"].as_str().unwrap();
                    let t = tags(d);
                    assert_eq!(t.len(), 1, "{}: {d}", f.path);
                    let verdict = suite
                        .get(&t[0])
                        .unwrap_or_else(|| panic!("{}: no {}", f.path, t[0]));
                    let valid = e["valid"].as_bool().unwrap();
                    assert_eq!(
                        valid,
                        *verdict == Verdict::Valid,
                        "{}: {} exported as valid={valid}, suite {verdict:?}",
                        f.path,
                        t[0]
                    );
                    assert_ne!(*verdict, Verdict::Acceptable);
                }
            }
            // A BOLT 4 document: every value is a case, all hold, and every
            // suite vector it names is valid.
            None => {
                assert!(imported >= 5, "{}: only {imported} cases", f.path);
                let t = tags(doc["comment"].as_str().unwrap());
                assert!(t.len() >= 2, "{}: {t:?}", f.path);
                for v in &t {
                    assert_eq!(suite.get(v), Some(&Verdict::Valid), "{}: {v}", f.path);
                }
            }
        }
    }
}
