//! Reports: the text report (per-failure details, a table per adapter and
//! profile, the summary line), the JSON report and JUnit XML.

use crate::results::{Counts, PassNote, Report, Status, TrialResult};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A failing (or otherwise notable) trial, described for humans: the trial
/// name, requirement ids with levels, expected, actual, the JSON paths that
/// differ, and the adapter's detail.
pub fn describe(r: &TrialResult) -> String {
    let mut s = String::new();
    let head = match &r.status {
        Status::Failed { grade, .. } => format!("FAIL [{}]", grade.label()),
        Status::ExpectedFailure { .. } => "EXPECTED FAILURE".into(),
        Status::UnexpectedPass { .. } => "UNEXPECTED PASS".into(),
        Status::Error { .. } => "ERROR".into(),
        Status::Skipped { .. } => "SKIPPED".into(),
        Status::OtherReason { .. } => "REJECTED FOR ANOTHER REASON".into(),
        Status::Passed {
            note: Some(PassNote::Acceptable { .. }),
        } => "ACCEPTABLE".into(),
        Status::Passed { note: None } => "PASS".into(),
    };
    let _ = writeln!(s, "{head} {}", r.name);
    if !r.requirements.is_empty() {
        let reqs: Vec<String> = r
            .requirements
            .iter()
            .map(|q| format!("{} ({})", q.id, q.level.label()))
            .collect();
        let _ = writeln!(s, "  requirements: {}", reqs.join(", "));
    }
    if let Some(v) = r.verdict {
        let _ = writeln!(
            s,
            "  test: {} (op {}, result {})",
            r.test,
            r.op,
            serde_json::to_value(v)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default()
        );
    }
    let failure = match &r.status {
        Status::Failed { failure, .. } | Status::ExpectedFailure { failure, .. } => Some(failure),
        _ => None,
    };
    if let Some(f) = failure {
        let _ = writeln!(s, "  expected: {}", f.expected);
        let _ = writeln!(s, "  actual:   {}", f.actual);
        for d in &f.differences {
            let _ = writeln!(s, "  {}", d.to_string().replace('\n', "\n  "));
        }
        if f.differences.len() >= crate::compare::MAX_DIFFERENCES {
            let _ = writeln!(s, "  (further differences not shown)");
        }
        if !f.detail.is_empty() {
            let detail = f.detail.trim_end().replace('\n', "\n    ");
            let _ = writeln!(s, "  detail: {detail}");
        }
    }
    match &r.status {
        Status::ExpectedFailure { entry, .. } | Status::UnexpectedPass { entry, .. } => {
            let _ = writeln!(s, "  listed as expected failure: {}", entry.observed);
            let _ = writeln!(s, "  waives: {}", entry.shapes());
            let _ = writeln!(s, "  why: {}", entry.why);
            let _ = writeln!(s, "  evidence: {}", entry.evidence);
            if matches!(r.status, Status::UnexpectedPass { .. }) {
                let _ = writeln!(
                    s,
                    "  the trial now passes: remove it from the expected-failures list (or find why it passes)"
                );
            }
        }
        Status::Error { message } => {
            let _ = writeln!(s, "  {message}");
        }
        Status::Skipped { reason } => {
            let _ = writeln!(s, "  unsupported: {reason}");
        }
        _ => {}
    }
    if let Status::OtherReason {
        expected,
        actual,
        detail,
    } = &r.status
    {
        let _ = writeln!(
            s,
            "  rejected with reason {actual}, which does not show the defect the vector targets ({expected})"
        );
        if !detail.is_empty() {
            let _ = writeln!(s, "  detail: {detail}");
        }
    }
    if let Status::Failed {
        listed: Some(entry),
        ..
    } = &r.status
    {
        let _ = writeln!(
            s,
            "  listed as an expected failure that waives only: {}",
            entry.shapes()
        );
        let _ = writeln!(
            s,
            "  it failed in another way: fix the implementation, or correct the entry if the evidence supports it"
        );
    }
    s
}

/// The whole text report: failures, unexpected passes and errors in full;
/// expected failures and rejections for another reason one line each; skips
/// grouped by reason; the table per adapter and profile; and, last, the
/// summary line `N passed, N failed, N rejected for another reason, N skipped`.
pub fn text(report: &Report) -> String {
    let mut s = String::new();
    let section = |s: &mut String, title: &str, items: Vec<String>| {
        if !items.is_empty() {
            let _ = writeln!(s, "== {title} ({}) ==", items.len());
            for i in items {
                let _ = writeln!(s, "{}", i.trim_end());
            }
            s.push('\n');
        }
    };
    let pick = |f: &dyn Fn(&Status) -> bool| -> Vec<&TrialResult> {
        report.results.iter().filter(|r| f(&r.status)).collect()
    };
    section(
        &mut s,
        "errors",
        pick(&|st| matches!(st, Status::Error { .. }))
            .into_iter()
            .map(describe)
            .collect(),
    );
    section(
        &mut s,
        "failures",
        pick(&|st| matches!(st, Status::Failed { .. }))
            .into_iter()
            .map(describe)
            .collect(),
    );
    section(
        &mut s,
        "unexpected passes",
        pick(&|st| matches!(st, Status::UnexpectedPass { .. }))
            .into_iter()
            .map(describe)
            .collect(),
    );
    section(
        &mut s,
        "expected failures",
        pick(&|st| matches!(st, Status::ExpectedFailure { .. }))
            .into_iter()
            .map(|r| match &r.status {
                Status::ExpectedFailure { entry, failure } => format!(
                    "{}: {} (evidence: {})",
                    r.name,
                    first_line(&failure.actual),
                    entry.evidence
                ),
                _ => String::new(),
            })
            .collect(),
    );
    section(
        &mut s,
        "rejected for another reason",
        pick(&|st| matches!(st, Status::OtherReason { .. }))
            .into_iter()
            .map(|r| match &r.status {
                Status::OtherReason {
                    expected, actual, ..
                } => format!("{}: expected {expected}, got {actual}", r.name),
                _ => String::new(),
            })
            .collect(),
    );
    // Per adapter, the requirements it enforces under another reason.
    let mut reasons: BTreeMap<(String, String), BTreeMap<(String, String), usize>> =
        BTreeMap::new();
    for r in &report.results {
        if let Status::OtherReason {
            expected, actual, ..
        } = &r.status
        {
            for q in &r.requirements {
                *reasons
                    .entry((r.adapter.clone(), q.id.clone()))
                    .or_default()
                    .entry((expected.clone(), actual.clone()))
                    .or_default() += 1;
            }
        }
    }
    section(
        &mut s,
        if report.strict_reasons {
            "requirements enforced under another reason, by adapter (failing: --strict-reasons)"
        } else {
            "requirements enforced under another reason, by adapter (--strict-reasons fails them)"
        },
        reasons
            .into_iter()
            .map(|((a, q), by)| {
                let by: Vec<String> = by
                    .into_iter()
                    .map(|((e, g), n)| format!("{n} × {e} as {g}"))
                    .collect();
                format!("{a}: {q}: {}", by.join(", "))
            })
            .collect(),
    );
    let mut skips: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in &report.results {
        if let Status::Skipped { reason } = &r.status {
            *skips
                .entry((r.adapter.clone(), reason.clone()))
                .or_default() += 1;
        }
    }
    section(
        &mut s,
        "skipped (unsupported), by reason",
        skips
            .into_iter()
            .map(|((a, reason), n)| format!("{a}: {n} × {reason}"))
            .collect(),
    );
    s.push_str(&table(report));
    let _ = writeln!(s, "{}", report.summary_line());
    s
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default()
}

/// The table per adapter and profile.
pub fn table(report: &Report) -> String {
    let headers = [
        "adapter",
        "profile",
        "passed",
        "failed",
        "(SHOULD)",
        "expected failures",
        "unexpected passes",
        "other reason",
        "skipped",
        "acceptable",
        "errors",
    ];
    let row = |a: &str, p: &str, c: &Counts| -> Vec<String> {
        vec![
            a.to_string(),
            p.to_string(),
            c.passed.to_string(),
            c.failed().to_string(),
            c.failed_should.to_string(),
            c.expected_failures.to_string(),
            c.unexpected_passes.to_string(),
            c.other_reasons.to_string(),
            c.skipped.to_string(),
            c.acceptable.to_string(),
            c.errors.to_string(),
        ]
    };
    let mut rows: Vec<Vec<String>> = report
        .table()
        .iter()
        .map(|((a, p), c)| row(a, p, c))
        .collect();
    rows.push(row("total", "", &report.totals()));
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i < 2 {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        format!("{}\n", parts.join("  ").trim_end())
    };
    let mut s = String::new();
    s.push_str(&line(&headers.map(String::from)));
    for r in &rows {
        s.push_str(&line(r));
    }
    s
}

/// The JSON report: totals, the table, and every trial with its status and details.
pub fn json(report: &Report) -> serde_json::Value {
    let table: Vec<serde_json::Value> = report
        .table()
        .into_iter()
        .map(|((adapter, profile), counts)| {
            serde_json::json!({ "adapter": adapter, "profile": profile, "counts": counts })
        })
        .collect();
    serde_json::json!({
        "summary": report.summary_line(),
        "success": report.success(),
        "strict": report.strict,
        "strict_reasons": report.strict_reasons,
        "totals": report.totals(),
        "table": table,
        "trials": report.results,
    })
}

/// Escape text for XML content and attribute values; characters XML 1.0
/// cannot hold are replaced by U+FFFD.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: one `testsuite` per adapter × profile, one `testcase` per
/// trial, `failure` for failures and unexpected passes, `error` for errors,
/// `skipped` for unsupported operations. Expected failures pass, with the
/// entry in `system-out`.
pub fn junit(report: &Report) -> String {
    let mut groups: BTreeMap<(String, String), Vec<&TrialResult>> = BTreeMap::new();
    for r in &report.results {
        groups
            .entry((r.adapter.clone(), r.profile.clone()))
            .or_default()
            .push(r);
    }
    let t = report.totals();
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<testsuites name=\"asyncpay\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        report.results.len(),
        t.failed() + t.unexpected_passes,
        t.errors,
        t.skipped
    );
    for ((adapter, profile), rs) in groups {
        let mut c = Counts::default();
        rs.iter().for_each(|r| c.add(r));
        let secs: f64 = rs.iter().map(|r| r.millis as f64 / 1000.0).sum();
        let _ = writeln!(
            s,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{secs:.3}\">",
            xml_escape(&format!("{adapter}::{profile}")),
            rs.len(),
            c.failed() + c.unexpected_passes,
            c.errors,
            c.skipped
        );
        for r in rs {
            let class = if r.area.is_empty() {
                format!("{adapter}::{profile}")
            } else {
                format!("{adapter}::{profile}::{}", r.area)
            };
            let _ = write!(
                s,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
                xml_escape(&r.name),
                xml_escape(&class),
                r.millis as f64 / 1000.0
            );
            let body = describe(r);
            match &r.status {
                Status::Passed { note: None } => s.push_str("/>\n"),
                Status::Passed { .. }
                | Status::OtherReason { .. }
                | Status::ExpectedFailure { .. } => {
                    let _ = writeln!(
                        s,
                        ">\n      <system-out>{}</system-out>\n    </testcase>",
                        xml_escape(&body)
                    );
                }
                Status::Failed { grade, failure, .. } => {
                    let _ = writeln!(
                        s,
                        ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                        xml_escape(first_line(&failure.actual)),
                        grade.label(),
                        xml_escape(&body)
                    );
                }
                Status::UnexpectedPass { .. } => {
                    let _ = writeln!(
                        s,
                        ">\n      <failure message=\"unexpected pass\" type=\"unexpected_pass\">{}</failure>\n    </testcase>",
                        xml_escape(&body)
                    );
                }
                Status::Skipped { reason } => {
                    let _ = writeln!(
                        s,
                        ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                        xml_escape(reason)
                    );
                }
                Status::Error { message } => {
                    let _ = writeln!(
                        s,
                        ">\n      <error message=\"{}\">{}</error>\n    </testcase>",
                        xml_escape(first_line(message)),
                        xml_escape(&body)
                    );
                }
            }
        }
        s.push_str("  </testsuite>\n");
    }
    s.push_str("</testsuites>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_handles_markup_and_control_characters() {
        assert_eq!(
            xml_escape("a<b>&\"c'\u{1}\n"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}\n"
        );
    }
}
