//! `asyncpay report`: every expected-failures entry of every adapter gets
//! its own finding file, which names each of its trials, quotes the draft,
//! gives the minimal input, the command and the evidence; all from the
//! data alone (no adapter is built here).

use asyncpay_harness::expected::{ExpectedFailures, FILE_NAME};
use asyncpay_harness::requirements::Catalogue;
use asyncpay_harness::runner::Suite;
use asyncpay_vectors::findings;
use std::path::Path;

#[test]
fn every_expected_failure_of_every_adapter_gets_a_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let suite = Suite::load(root.join("vectors")).unwrap();
    let cat = Catalogue::load(root.join("vectors/requirements.json")).unwrap();
    let mut adapters = 0;
    for d in std::fs::read_dir(root.join("adapters")).unwrap() {
        let path = d.unwrap().path().join(FILE_NAME);
        if !path.exists() {
            continue;
        }
        adapters += 1;
        let list = ExpectedFailures::load(&path).unwrap();
        let install = findings::install_of(&root, &list.adapter);
        let r = findings::report(&list, &suite, Some(&cat), install.as_deref());
        assert_eq!(r.findings.len(), list.entries.len(), "{}", list.adapter);
        let out = tempfile::tempdir().unwrap();
        let n = findings::write(&r, out.path()).unwrap();
        assert_eq!(n, list.entries.len() + 1);
        let mut names: Vec<&str> = r.findings.iter().map(|f| f.file.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(
            names.len(),
            list.entries.len(),
            "{}: file names collide",
            list.adapter
        );
        for (f, e) in r.findings.iter().zip(&list.entries) {
            let text = std::fs::read_to_string(out.path().join(&f.file)).unwrap();
            for t in &e.trials {
                assert!(
                    text.contains(t),
                    "{}: {} does not name {t}",
                    list.adapter,
                    f.file
                );
                assert!(
                    findings::vector_of(&suite, t).is_some(),
                    "{}: {t} names no vector",
                    list.adapter
                );
            }
            for part in [
                "## What the draft says",
                "## Minimal input",
                "## Reproduce",
                "## Evidence",
                "> — `",
            ] {
                assert!(
                    text.contains(part),
                    "{}: {} lacks {part}",
                    list.adapter,
                    f.file
                );
            }
            assert!(text.contains(&e.evidence), "{}: {}", list.adapter, f.file);
            assert!(r.index.contains(&format!("]({})", f.file)));
        }
    }
    assert!(
        adapters >= 5,
        "only {adapters} adapters with expected failures"
    );
}
