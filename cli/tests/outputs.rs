//! The three outputs of the `asyncpay` binary for the spec PR and for
//! implementers, run as users run them: `vectors export --format bolts`,
//! `requirements gaps --markdown` and `report --adapter NAME --out DIR`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn asyncpay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asyncpay"))
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("the asyncpay binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn repo_vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../vectors")
}

#[test]
fn export_writes_the_committed_copy() {
    let out = tempfile::tempdir().unwrap();
    let v = repo_vectors();
    let o = asyncpay(&[
        "vectors",
        "export",
        "--format",
        "bolts",
        "--out",
        out.path().to_str().unwrap(),
        "--vectors",
        v.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("13 files written"),
        "{}",
        text(&o.stdout)
    );
    for f in [
        "README.md",
        "bolt12/static-invoice-test.json",
        "bolt02/update-add-htlc-test.json",
    ] {
        let have = std::fs::read(out.path().join(f)).unwrap();
        let want = std::fs::read(v.join("export/bolts").join(f)).unwrap();
        assert_eq!(have, want, "{f}");
    }
    let o = asyncpay(&["vectors", "export", "--format", "json", "--out", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--format json"));
}

#[test]
fn gaps_markdown_has_every_gap() {
    let v = repo_vectors();
    let o = asyncpay(&[
        "requirements",
        "gaps",
        "--markdown",
        "--vectors",
        v.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let md = text(&o.stdout);
    assert!(md.starts_with("# Draft gaps"));
    assert!(md.contains("## 1. `gap/"));
    assert!(md.contains("**Proposed wording**"));
    let o = asyncpay(&["requirements", "gaps", "--vectors", v.to_str().unwrap()]);
    assert!(text(&o.stdout).trim_end().ends_with("gaps"));
}

#[test]
fn report_writes_a_file_per_finding_and_names_a_missing_list() {
    let out = tempfile::tempdir().unwrap();
    let v = repo_vectors();
    let o = asyncpay(&[
        "report",
        "--adapter",
        "electrum",
        "--out",
        out.path().to_str().unwrap(),
        "--vectors",
        v.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let files = std::fs::read_dir(out.path()).unwrap().count();
    let entries = serde_json::from_str::<serde_json::Value>(
        &std::fs::read_to_string(v.join("../adapters/electrum/expected-failures.json")).unwrap(),
    )
    .unwrap()["entries"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(files, entries + 1);
    let o = asyncpay(&[
        "report",
        "--adapter",
        "nope",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("nope/expected-failures.json"),
        "{}",
        text(&o.stderr)
    );
}
