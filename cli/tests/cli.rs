//! Tests of the `asyncpay` binary, run as users run it.

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

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Copy a directory tree (small: vectors only).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn assert_summary_last(stdout: &str) {
    let last = stdout.lines().last().unwrap_or_default();
    let words: Vec<&str> = last.split(' ').collect();
    assert!(
        words.len() == 11
            && words[1] == "passed,"
            && words[3] == "failed,"
            && words[5..9] == ["rejected", "for", "another", "reason,"]
            && words[10] == "skipped"
            && [0, 2, 4, 9]
                .iter()
                .all(|i| words[*i].parse::<usize>().is_ok()),
        "last line is not `N passed, N failed, N rejected for another reason, N skipped`: \
         {last:?}\n{stdout}"
    );
}

#[test]
fn help_works_everywhere() {
    for args in [
        vec!["--help"],
        vec!["run", "--help"],
        vec!["vectors", "--help"],
        vec!["vectors", "generate", "--help"],
        vec!["vectors", "check", "--help"],
        vec!["requirements", "coverage", "--help"],
        vec!["requirements", "check", "--help"],
    ] {
        let out = asyncpay(&args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains("Usage:"), "{args:?}");
    }
    let out = asyncpay(&["run", "--help"]);
    assert!(text(&out.stdout).contains("--strict"));
}

#[test]
fn run_ends_with_the_summary_line() {
    let out = asyncpay(&["run", "--vectors", repo_vectors().to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert_summary_last(&stdout);
    assert!(
        !text(&out.stderr).contains("panicked"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_malformed_vector_file_is_named_and_the_others_still_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo_vectors().join("profiles.json"),
        dir.path().join("profiles.json"),
    )
    .unwrap();
    copy_tree(&fixture("malformed"), dir.path());
    let json = dir.path().join("report.json");
    let junit = dir.path().join("report.xml");
    let out = asyncpay(&[
        "run",
        "--vectors",
        dir.path().to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "a load error fails the run");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stdout.contains("broken.json"),
        "the error names the file:\n{stdout}"
    );
    assert!(stdout.contains("load::bolts-pr1149::broken"), "{stdout}");
    assert_summary_last(&stdout);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let names: Vec<&str> = report["trials"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(
        names.contains(&"reference::bolts-pr1149::good::truncated-update-add-htlc"),
        "the good file ran: {names:?}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.starts_with("<?xml"));
    assert!(xml.contains("<error message="), "{xml}");
}

#[test]
fn vectors_check_names_the_edited_test() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo_vectors(), dir.path());
    // The committed vectors check clean.
    let out = asyncpay(&[
        "vectors",
        "check",
        "--vectors",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "committed vectors do not check: {}",
        text(&out.stderr)
    );
    // Find a committed vector file with a test, and change one byte of a description.
    let mut target = None;
    for e in walk(dir.path()) {
        if e.extension().is_some_and(|x| x == "json") && !e.starts_with(dir.path().join("upstream"))
        {
            let s = std::fs::read_to_string(&e).unwrap();
            let v: serde_json::Value = match serde_json::from_str(&s) {
                Ok(v) => v,
                Err(_) => continue,
            };
            if let Some(id) = v["tests"][0]["id"].as_str() {
                target = Some((e.clone(), s, id.to_string()));
                break;
            }
        }
    }
    match target {
        Some((path, s, id)) => {
            // The first test's description (the header's notes have descriptions too).
            let tests_at = s.find("\"tests\": [").expect("a tests array");
            let at = tests_at
                + s[tests_at..]
                    .find("\"description\": \"")
                    .expect("a description")
                + 16;
            let mut bytes = s.into_bytes();
            bytes[at] = if bytes[at] == b'X' { b'Y' } else { b'X' };
            std::fs::write(&path, bytes).unwrap();
            let out = asyncpay(&[
                "vectors",
                "check",
                "--vectors",
                dir.path().to_str().unwrap(),
            ]);
            let stderr = text(&out.stderr);
            assert!(!out.status.success());
            let fname = path.file_name().unwrap().to_str().unwrap();
            assert!(stderr.contains(fname), "{stderr}");
            assert!(stderr.contains(&format!("test {id}")), "{stderr}");
            assert!(stderr.contains("$.description"), "{stderr}");
        }
        None => {
            // No recipes yet: a file no recipe generates is an error naming it.
            copy_tree(&fixture("malformed"), dir.path());
            std::fs::remove_file(dir.path().join("bolts-pr1149/broken.json")).unwrap();
            let out = asyncpay(&[
                "vectors",
                "check",
                "--vectors",
                dir.path().to_str().unwrap(),
            ]);
            let stderr = text(&out.stderr);
            assert!(!out.status.success());
            assert!(stderr.contains("good.json"), "{stderr}");
            assert!(stderr.contains("no recipe"), "{stderr}");
        }
    }
}

#[test]
fn generate_then_check_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo_vectors().join("profiles.json"),
        dir.path().join("profiles.json"),
    )
    .unwrap();
    if repo_vectors().join("requirements.json").exists() {
        std::fs::copy(
            repo_vectors().join("requirements.json"),
            dir.path().join("requirements.json"),
        )
        .unwrap();
    }
    let d = dir.path().to_str().unwrap();
    let out = asyncpay(&["vectors", "generate", "--vectors", d]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = asyncpay(&["vectors", "check", "--vectors", d]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn unknown_adapter_is_a_clear_error() {
    let out = asyncpay(&["run", "--adapter", "nope"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("no adapter nope"));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}
