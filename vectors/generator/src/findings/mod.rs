//! `asyncpay report --adapter NAME --out DIR`: one self-contained Markdown
//! finding per divergence of an implementation (each entry of its
//! `adapters/<NAME>/expected-failures.json`), and an index.
//!
//! A finding says what the draft says (the requirements of its vectors,
//! quoted from `requirements.json` with their source), what the
//! implementation does (the entry's `observed` and `why`, and the failures
//! it waives), the minimal input (the smallest of its vectors' inputs, as
//! hex and decoded), the command that reproduces it and the evidence. It
//! is made from the data alone (the expected-failures file, the vector
//! files and the catalogue), so it needs no adapter built: a report on LDK
//! runs without building LDK.

pub mod decode;

use asyncpay_harness::compare::reason_name;
use asyncpay_harness::expected::{Entry, ExpectedFailures, FailureShape};
use asyncpay_harness::requirements::Catalogue;
use asyncpay_harness::runner::Suite;
use asyncpay_harness::vectors::{TestVector, Verdict};
use std::path::Path;

/// One finding file.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// Its file name, e.g. `03-accepts-an-update-add-htlc.md`.
    pub file: String,
    /// Its title.
    pub title: String,
    /// The trials it covers.
    pub trials: Vec<String>,
    /// Its Markdown.
    pub text: String,
}

/// A report: the findings and the index.
#[derive(Clone, Debug, PartialEq)]
pub struct FindingsReport {
    /// The adapter.
    pub adapter: String,
    /// One per expected-failures entry, in the file's order.
    pub findings: Vec<Finding>,
    /// `README.md`: the index.
    pub index: String,
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 48 {
            break;
        }
    }
    out.trim_matches('-').to_string()
}

fn title(observed: &str) -> String {
    let first = observed
        .split_once(". ")
        .map(|(a, _)| a)
        .unwrap_or(observed)
        .trim_end_matches('.');
    if first.chars().count() > 110 {
        format!("{}…", first.chars().take(110).collect::<String>())
    } else {
        first.to_string()
    }
}

fn shape(s: &FailureShape) -> String {
    match s {
        FailureShape::Accepted => "an invalid vector accepted".into(),
        FailureShape::Rejected { reason } => format!("rejected as `{}`", reason_name(*reason)),
        FailureShape::ViewDiffers { at } => format!("the view differs at {}", at.join(", ")),
        FailureShape::Scenario { steps } => format!(
            "the scenario's expectations at step(s) {} fail",
            steps
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Valid => "valid",
        Verdict::Invalid => "invalid",
        Verdict::Acceptable => "acceptable",
    }
}

/// The vector a trial name (`<adapter>::<profile>::<area>::<id>`) names.
pub fn vector_of<'a>(suite: &'a Suite, trial: &str) -> Option<&'a TestVector> {
    let mut p = trial.splitn(4, "::");
    let (_, profile, area, id) = (p.next()?, p.next()?, p.next()?, p.next()?);
    suite
        .files
        .iter()
        .filter(|f| f.profile.name == profile && f.area == area)
        .flat_map(|f| f.file.tests.iter())
        .find(|t| t.id == id)
}

/// How to run one trial on `adapter` (`install`: how to install an
/// external adapter, if it is one).
pub fn command(adapter: &str, trial: &str, install: Option<&str>) -> String {
    let run = match adapter {
        "ldk-0.3" => format!(
            "cargo run -q -p asyncpay-cli --features ldk-0.3 --bin asyncpay -- run --adapter ldk-0.3 '{trial}'"
        ),
        "ldk" => format!("cargo asyncpay run --adapter ldk '{trial}'"),
        // Not LDK: the runner without it builds in a fraction of the time.
        _ => format!(
            "cargo run -q -p asyncpay-cli --no-default-features --bin asyncpay -- run --adapter {adapter} '{trial}'"
        ),
    };
    match install {
        Some(i) => format!("{i}\n{run}"),
        None => run,
    }
}

fn finding(
    n: usize,
    adapter: &str,
    e: &Entry,
    suite: &Suite,
    cat: Option<&Catalogue>,
    install: Option<&str>,
) -> Finding {
    let t = title(&e.observed);
    let file = format!("{:02}-{}.md", n, slug(&t));
    let vectors: Vec<(&String, Option<&TestVector>)> = e
        .trials
        .iter()
        .map(|tr| (tr, vector_of(suite, tr)))
        .collect();
    let minimal = vectors
        .iter()
        .filter_map(|(tr, v)| v.map(|v| (tr, v)))
        .min_by_key(|(tr, v)| (v.input.to_string().len(), tr.as_str()));
    let mut o = format!("# {adapter}: {t}\n\n");
    o.push_str(&format!(
        "Finding {n} of the asyncpay conformance suite on `{adapter}` (entry {n} of `adapters/{adapter}/expected-failures.json`).\n\n"
    ));
    o.push_str("## What the draft says\n\n");
    let mut reqs: Vec<&String> = Vec::new();
    if let Some((_, v)) = minimal {
        reqs.extend(&v.requirements);
    }
    let mut others: Vec<&String> = vectors
        .iter()
        .filter_map(|(_, v)| *v)
        .flat_map(|v| &v.requirements)
        .filter(|r| !reqs.contains(r))
        .collect();
    others.sort();
    others.dedup();
    for r in &reqs {
        match cat.and_then(|c| c.get(r)) {
            Some(q) => {
                let text = match &q.condition {
                    Some(c) => format!("{c} … {}", q.quote),
                    None => q.quote.clone(),
                };
                o.push_str(&format!(
                    "> {}\n>\n> — `{r}` ({}, {} of `{}`)\n\n",
                    text.replace('\n', "\n> "),
                    q.level,
                    q.bolt,
                    q.source
                ));
                if let Some(note) = &q.note {
                    o.push_str(&format!("The suite's note: {note}\n\n"));
                }
            }
            None => o.push_str(&format!("- `{r}` (not in the catalogue)\n\n")),
        }
    }
    if !others.is_empty() {
        o.push_str(&format!(
            "The other trials also check: {}.\n\n",
            others
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    o.push_str("## What the implementation does\n\n");
    o.push_str(&format!("{}\n\n", e.observed));
    o.push_str(&format!("Why it diverges: {}\n\n", e.why));
    o.push_str(&format!(
        "The run expects, and waives only: {}.\n\n",
        e.failures.iter().map(shape).collect::<Vec<_>>().join("; ")
    ));
    o.push_str(&format!("## Trials ({})\n\n", e.trials.len()));
    o.push_str("| trial | vector | expected |\n| --- | --- | --- |\n");
    for (tr, v) in &vectors {
        let (res, exp) = match v {
            Some(v) => (
                verdict(v.result).to_string(),
                v.expected
                    .reason
                    .map(|r| format!("`{}`", reason_name(r)))
                    .unwrap_or_else(|| {
                        if v.expected.view.is_some() {
                            "the view".into()
                        } else {
                            "-".into()
                        }
                    }),
            ),
            None => ("(no such vector in this tree)".into(), "-".into()),
        };
        o.push_str(&format!("| `{tr}` | {res} | {exp} |\n"));
    }
    o.push_str("\n## Minimal input\n\n");
    match minimal {
        Some((tr, v)) => {
            o.push_str(&format!(
                "`{tr}`: {} (`{}`, {}).\n\n",
                v.description.trim_end(),
                v.op,
                verdict(v.result)
            ));
            let raw = decode::raw(&v.input);
            let what = if raw.starts_with('{') {
                "The input (JSON)"
            } else {
                "The input (hex)"
            };
            o.push_str(&format!("{what}:\n\n```\n{raw}\n```\n\n"));
            o.push_str(&format!(
                "Decoded:\n\n```\n{}\n```\n\n",
                decode::decode(&v.op, &v.input).join("\n")
            ));
        }
        None => o.push_str("No vector of this entry is in this tree.\n\n"),
    }
    o.push_str("## Reproduce\n\n");
    let first = minimal
        .map(|(t, _)| t.as_str())
        .or(e.trials.first().map(String::as_str));
    o.push_str(&format!(
        "```sh\n{}\n```\n\nThe run reports it as an expected failure; `asyncpay run --adapter {adapter}` runs them all.\n\n",
        command(adapter, first.unwrap_or(""), install)
    ));
    o.push_str(&format!("## Evidence\n\n{}\n", e.evidence));
    Finding {
        file,
        title: t,
        trials: e.trials.clone(),
        text: o,
    }
}

/// The install command of an external adapter listed in
/// `<root>/adapters/external.json`, if it is one.
pub fn install_of(root: &Path, adapter: &str) -> Option<String> {
    let text = std::fs::read_to_string(root.join("adapters").join("external.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("adapters")?
        .as_array()?
        .iter()
        .find(|a| a.get("name").and_then(|n| n.as_str()) == Some(adapter))
        .and_then(|a| a.get("install")?.as_str().map(str::to_string))
}

/// The report of the expected-failures file `list` against `suite` and the
/// catalogue `cat` (`install`: the adapter's install command, if external).
pub fn report(
    list: &ExpectedFailures,
    suite: &Suite,
    cat: Option<&Catalogue>,
    install: Option<&str>,
) -> FindingsReport {
    let adapter = list.adapter.as_str();
    let findings: Vec<Finding> = list
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| finding(i + 1, adapter, e, suite, cat, install))
        .collect();
    let mut idx = format!("# Findings: {adapter} against the async payments draft\n\n");
    idx.push_str(&format!(
        "{} divergences, one file each, made by `asyncpay report --adapter {adapter}` from `adapters/{adapter}/expected-failures.json`, the vector files and `requirements.json`.\n\n",
        findings.len()
    ));
    idx.push_str("| # | finding | trials | levels |\n| --- | --- | --- | --- |\n");
    for (i, f) in findings.iter().enumerate() {
        let mut levels: Vec<String> = f
            .trials
            .iter()
            .filter_map(|t| vector_of(suite, t))
            .flat_map(|v| v.requirements.iter())
            .filter_map(|r| cat.and_then(|c| c.level_of(r)).map(str::to_string))
            .collect();
        levels.sort();
        levels.dedup();
        idx.push_str(&format!(
            "| {} | [{}]({}) | {} | {} |\n",
            i + 1,
            f.title.replace('|', "\\|"),
            f.file,
            f.trials.len(),
            levels.join(", ")
        ));
    }
    FindingsReport {
        adapter: adapter.to_string(),
        findings,
        index: idx,
    }
}

/// Write a report under `out`: the findings and `README.md`.
pub fn write(r: &FindingsReport, out: &Path) -> Result<usize, String> {
    std::fs::create_dir_all(out).map_err(|e| format!("{}: cannot create: {e}", out.display()))?;
    for f in &r.findings {
        let p = out.join(&f.file);
        std::fs::write(&p, &f.text).map_err(|e| format!("{}: cannot write: {e}", p.display()))?;
    }
    let p = out.join("README.md");
    std::fs::write(&p, &r.index).map_err(|e| format!("{}: cannot write: {e}", p.display()))?;
    Ok(r.findings.len() + 1)
}
