//! The command with external adapters and the conformance matrix, run as
//! users run it.

use std::path::Path;
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

/// A repository root with the real vectors and an `adapters/external.json`
/// listing one adapter that is not installed.
fn root_with_a_missing_adapter() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../vectors");
    let status = Command::new("cp")
        .args([
            "-r",
            &vectors.to_string_lossy(),
            &dir.path().to_string_lossy(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::create_dir_all(dir.path().join("adapters")).unwrap();
    std::fs::write(
        dir.path().join("adapters/external.json"),
        r#"{"about": "test", "adapters": [{"name": "ghost", "implementation": "a library not installed",
            "language": "none", "command": "ghost-impl", "check": "false", "install": "install-ghost --now"}]}"#,
    )
    .unwrap();
    dir
}

#[test]
fn an_external_adapter_not_installed_is_named_with_its_install_command() {
    let root = root_with_a_missing_adapter();
    let vectors = root.path().join("vectors");
    let v = vectors.to_string_lossy();
    let out = asyncpay(&["run", "--vectors", &v, "--no-upstream", "reference::"]);
    let err = text(&out.stderr);
    assert!(
        err.contains("external adapter ghost (a library not installed) is not installed: `install-ghost --now` installs it"),
        "{err}"
    );
    assert!(out.status.success(), "{err}\n{}", text(&out.stdout));

    let out = asyncpay(&["run", "--vectors", &v, "--adapter", "ghost"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("adapter ghost (a library not installed) is not installed; install it with `install-ghost --now`"));
}

#[test]
fn a_malformed_exec_is_a_clear_error() {
    for bad in ["noequals", "=cmd", "name=", "name=' unclosed"] {
        let out = asyncpay(&["run", "--exec", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            text(&out.stderr).contains("error: "),
            "{bad}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn the_matrix_page_is_well_formed_and_lists_every_trial() {
    let dir = tempfile::tempdir().unwrap();
    let (html, md, json) = (
        dir.path().join("m.html"),
        dir.path().join("m.md"),
        dir.path().join("r.json"),
    );
    let out = asyncpay(&[
        "run",
        "--adapter",
        "reference",
        "--html",
        &html.to_string_lossy(),
        "--markdown",
        &md.to_string_lossy(),
        "--json",
        &json.to_string_lossy(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(&html).unwrap();
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(&page, options)
        .expect("the page is well-formed XML");
    let summaries: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("summary"))
        .map(|n| n.descendants().filter_map(|d| d.text()).collect::<String>())
        .collect();
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let trials = report["trials"].as_array().unwrap();
    assert!(trials.len() > 400);
    assert_eq!(summaries.len(), trials.len(), "one drill-down per trial");
    for t in trials {
        let name = t["name"].as_str().unwrap();
        assert!(
            summaries.iter().any(|s| s.ends_with(&format!(" {name}"))),
            "{name} is not on the page"
        );
    }
    // Every cell link leads somewhere on the page.
    let ids: std::collections::HashSet<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("id"))
        .collect();
    for n in doc.descendants().filter(|n| n.has_tag_name("a")) {
        let href = n.attribute("href").unwrap();
        assert!(
            ids.contains(href.trim_start_matches('#')),
            "dangling link {href}"
        );
    }
    let summary = std::fs::read_to_string(&md).unwrap();
    assert!(
        summary.contains("| reference | the suite's reference model"),
        "{summary}"
    );
    assert!(summary.contains(report["summary"].as_str().unwrap()));
}
