//! The conformance matrix: implementations against areas and against
//! requirements, as one self-contained HTML page (no script, no external
//! resource; every cell links to its trials, each trial opens to its
//! expected and actual outcome, the differences and the evidence) and as a
//! Markdown summary fit for a CI job summary.
//!
//! The page is well-formed XML (XHTML syntax), so any XML parser can check it.

use crate::report::{describe, xml_escape};
use crate::results::{Report, Status, TrialResult};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// What a cell shows, from best to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cell {
    /// Every trial conforms.
    Pass,
    /// Some trials were skipped (the implementation cannot express the operation).
    Unsupported,
    /// Some were rejected for another reason than the targeted defect.
    OtherReason,
    /// Some are expected failures (divergences on record, with evidence).
    ExpectedFailure,
    /// Some fail (or pass unexpectedly).
    Failure,
    /// Some could not be judged.
    Error,
}

impl Cell {
    /// The cell of one trial.
    pub fn of(r: &TrialResult) -> Cell {
        match r.status {
            Status::Passed { .. } => Cell::Pass,
            Status::Skipped { .. } => Cell::Unsupported,
            Status::OtherReason { .. } => Cell::OtherReason,
            Status::ExpectedFailure { .. } => Cell::ExpectedFailure,
            Status::Failed { .. } | Status::UnexpectedPass { .. } => Cell::Failure,
            Status::Error { .. } => Cell::Error,
        }
    }

    /// Its name in the page and the summary.
    pub fn label(self) -> &'static str {
        match self {
            Cell::Pass => "pass",
            Cell::Unsupported => "unsupported",
            Cell::OtherReason => "other reason",
            Cell::ExpectedFailure => "expected failure",
            Cell::Failure => "failure",
            Cell::Error => "error",
        }
    }

    /// A short mark for a crowded cell.
    pub fn mark(self) -> &'static str {
        match self {
            Cell::Pass => "pass",
            Cell::Unsupported => "unsup",
            Cell::OtherReason => "other",
            Cell::ExpectedFailure => "xfail",
            Cell::Failure => "FAIL",
            Cell::Error => "ERROR",
        }
    }

    fn class(self) -> &'static str {
        match self {
            Cell::Pass => "pass",
            Cell::Unsupported => "unsup",
            Cell::OtherReason => "other",
            Cell::ExpectedFailure => "xfail",
            Cell::Failure => "fail",
            Cell::Error => "error",
        }
    }

    const ALL: [Cell; 6] = [
        Cell::Pass,
        Cell::ExpectedFailure,
        Cell::OtherReason,
        Cell::Failure,
        Cell::Unsupported,
        Cell::Error,
    ];
}

/// Trials grouped under one key, with the count of each cell kind.
#[derive(Default)]
struct Group<'a> {
    trials: Vec<&'a TrialResult>,
    counts: BTreeMap<Cell, usize>,
}

impl<'a> Group<'a> {
    fn add(&mut self, r: &'a TrialResult) {
        self.trials.push(r);
        *self.counts.entry(Cell::of(r)).or_default() += 1;
    }

    /// The worst kind among the trials that ran; unsupported only if none ran.
    fn worst(&self) -> Cell {
        let ran = self
            .counts
            .keys()
            .filter(|c| **c != Cell::Unsupported)
            .max();
        ran.copied().unwrap_or(Cell::Unsupported)
    }

    fn compact(&self) -> String {
        Cell::ALL
            .iter()
            .filter_map(|c| self.counts.get(c).map(|n| format!("{n} {}", c.mark())))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn summary(&self) -> String {
        Cell::ALL
            .iter()
            .filter_map(|c| self.counts.get(c).map(|n| format!("{n} {}", c.label())))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// An id for an anchor: letters and digits kept, everything else escaped.
fn anchor(parts: &[&str]) -> String {
    let mut s = String::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        for c in p.chars() {
            if c.is_ascii_alphanumeric() {
                s.push(c);
            } else {
                let _ = write!(s, "_{:x}_", c as u32);
            }
        }
    }
    s
}

struct Views<'a> {
    adapters: Vec<&'a str>,
    areas: Vec<&'a str>,
    by_area: BTreeMap<(&'a str, &'a str), Group<'a>>,
    by_req: BTreeMap<(&'a str, &'a str), Group<'a>>,
    reqs: BTreeSet<&'a str>,
    totals: BTreeMap<&'a str, Group<'a>>,
}

fn views(report: &Report) -> Views<'_> {
    let mut v = Views {
        adapters: Vec::new(),
        areas: Vec::new(),
        by_area: BTreeMap::new(),
        by_req: BTreeMap::new(),
        reqs: BTreeSet::new(),
        totals: BTreeMap::new(),
    };
    for r in &report.results {
        let adapter = r.adapter.as_str();
        let area = if r.area.is_empty() {
            "-"
        } else {
            r.area.as_str()
        };
        if !v.adapters.contains(&adapter) {
            v.adapters.push(adapter);
        }
        if !v.areas.contains(&area) {
            v.areas.push(area);
        }
        v.by_area.entry((adapter, area)).or_default().add(r);
        v.totals.entry(adapter).or_default().add(r);
        for q in &r.requirements {
            v.reqs.insert(q.id.as_str());
            v.by_req.entry((q.id.as_str(), adapter)).or_default().add(r);
        }
    }
    v.areas.sort();
    v
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}\
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}\
th{background:#f3f3f3}td a{color:inherit;text-decoration:none;display:block}\
.pass{background:#d9f2d9}.xfail{background:#fff1c2}.other{background:#e6e0f5}.fail{background:#f7c6c6}\
.error{background:#e0a0a0}.unsup{background:#eee;color:#777}.none{color:#bbb}\
pre{background:#f8f8f8;padding:.5em;white-space:pre-wrap;margin:.3em 0 .8em}\
details summary{cursor:pointer}h2{margin-top:1.6em}.legend span{padding:2px 8px;margin-right:4px}";

/// The page. `implementations` maps an adapter name to the library and
/// version it drives, where known.
pub fn html(report: &Report, implementations: &BTreeMap<String, String>) -> String {
    let v = views(report);
    let mut s = String::new();
    s.push_str("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    s.push_str("<title>Async payments conformance matrix</title>\n");
    let _ = writeln!(s, "<style>{STYLE}</style>\n</head>\n<body>");
    s.push_str("<h1>Async payments conformance matrix</h1>\n");
    let _ = writeln!(s, "<p>{}</p>", xml_escape(&report.summary_line()));
    s.push_str("<p class=\"legend\">");
    for c in Cell::ALL {
        let _ = write!(
            s,
            "<span class=\"{}\">{} ({})</span>",
            c.class(),
            c.label(),
            c.mark()
        );
    }
    s.push_str("</p>\n<p>A cell takes the colour of the worst result among its trials that ran (unsupported only when none ran); a click opens its trials, each with what was expected, what happened, where the views differ and, for an expected failure, its evidence.</p>\n");

    s.push_str("<h2 id=\"implementations\">Implementations</h2>\n<table>\n<tr><th>adapter</th><th>implementation</th><th>trials</th><th>results</th></tr>\n");
    for a in &v.adapters {
        let g = &v.totals[a];
        let imp = implementations.get(*a).map(String::as_str).unwrap_or("");
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td></tr>",
            xml_escape(a),
            xml_escape(imp),
            g.trials.len(),
            g.worst().class(),
            xml_escape(&g.summary())
        );
    }
    s.push_str("</table>\n");

    s.push_str("<h2 id=\"areas\">By area</h2>\n<table>\n<tr><th>adapter</th>");
    for area in &v.areas {
        let _ = write!(s, "<th>{}</th>", xml_escape(area));
    }
    s.push_str("</tr>\n");
    for a in &v.adapters {
        let _ = write!(s, "<tr><th>{}</th>", xml_escape(a));
        for area in &v.areas {
            match v.by_area.get(&(*a, *area)) {
                Some(g) => {
                    let _ = write!(
                        s,
                        "<td class=\"{}\" title=\"{}\"><a href=\"#{}\">{}</a></td>",
                        g.worst().class(),
                        xml_escape(&g.summary()),
                        anchor(&["area", a, area]),
                        xml_escape(&g.compact())
                    );
                }
                None => s.push_str("<td class=\"none\">-</td>"),
            }
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table>\n");

    s.push_str("<h2 id=\"requirements\">By requirement</h2>\n<table>\n<tr><th>requirement</th>");
    for a in &v.adapters {
        let _ = write!(s, "<th>{}</th>", xml_escape(a));
    }
    s.push_str("</tr>\n");
    for q in &v.reqs {
        let _ = write!(s, "<tr><td>{}</td>", xml_escape(q));
        for a in &v.adapters {
            match v.by_req.get(&(*q, *a)) {
                Some(g) => {
                    let _ = write!(
                        s,
                        "<td class=\"{}\" title=\"{}\"><a href=\"#{}\">{}</a></td>",
                        g.worst().class(),
                        xml_escape(&g.summary()),
                        anchor(&["req", a, q]),
                        g.worst().label()
                    );
                }
                None => s.push_str("<td class=\"none\">-</td>"),
            }
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table>\n");

    s.push_str("<h2 id=\"trials\">Trials</h2>\n");
    for ((a, area), g) in &v.by_area {
        let _ = writeln!(
            s,
            "<h3 id=\"{}\">{} / {} <small>({})</small></h3>",
            anchor(&["area", a, area]),
            xml_escape(a),
            xml_escape(area),
            xml_escape(&g.summary())
        );
        for r in &g.trials {
            let c = Cell::of(r);
            let _ = writeln!(
                s,
                "<details id=\"{}\"><summary><span class=\"{}\">{}</span> {}</summary><pre>{}</pre></details>",
                anchor(&["trial", &r.name]),
                c.class(),
                c.label(),
                xml_escape(&r.name),
                xml_escape(&describe(r))
            );
        }
    }
    s.push_str("<h2 id=\"requirement-trials\">Trials by requirement</h2>\n");
    for ((q, a), g) in &v.by_req {
        let _ = write!(
            s,
            "<p id=\"{}\"><b>{}</b> on {}: ",
            anchor(&["req", a, q]),
            xml_escape(q),
            xml_escape(a)
        );
        for (i, r) in g.trials.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            let _ = write!(
                s,
                "<a class=\"{}\" href=\"#{}\">{}</a>",
                Cell::of(r).class(),
                anchor(&["trial", &r.name]),
                xml_escape(&r.test)
            );
        }
        s.push_str("</p>\n");
    }
    s.push_str("</body>\n</html>\n");
    s
}

/// The Markdown summary: per adapter its implementation and counts, then
/// the adapter × area matrix.
pub fn markdown(report: &Report, implementations: &BTreeMap<String, String>) -> String {
    let v = views(report);
    let md = |t: &str| t.replace('|', "\\|");
    let mut s = String::from("## Async payments conformance\n\n");
    let _ = writeln!(s, "`{}`\n", report.summary_line());
    s.push_str("| adapter | implementation | trials | ");
    s.push_str(&Cell::ALL.map(|c| c.label()).join(" | "));
    s.push_str(" |\n|---|---|---:|");
    s.push_str(&"---:|".repeat(Cell::ALL.len()));
    s.push('\n');
    for a in &v.adapters {
        let g = &v.totals[a];
        let imp = implementations.get(*a).map(String::as_str).unwrap_or("");
        let _ = write!(s, "| {} | {} | {} |", md(a), md(imp), g.trials.len());
        for c in Cell::ALL {
            let _ = write!(s, " {} |", g.counts.get(&c).copied().unwrap_or(0));
        }
        s.push('\n');
    }
    s.push_str("\n| adapter | ");
    s.push_str(
        &v.areas
            .iter()
            .map(|a| md(a))
            .collect::<Vec<_>>()
            .join(" | "),
    );
    s.push_str(" |\n|---|");
    s.push_str(&"---|".repeat(v.areas.len()));
    s.push('\n');
    for a in &v.adapters {
        let _ = write!(s, "| {} |", md(a));
        for area in &v.areas {
            match v.by_area.get(&(*a, *area)) {
                Some(g) => {
                    let _ = write!(s, " {} |", md(&g.compact()));
                }
                None => s.push_str(" - |"),
            }
        }
        s.push('\n');
    }
    s
}
