//! `asyncpay requirements gaps --markdown`: every gap of the catalogue
//! (`requirements.json`, `gaps`) as a section postable on the spec PR: the
//! requirements it touches, quoted with their source; what is missing or
//! contradictory; the suite's choice; the vectors that depend on it,
//! computed from the vector files (those carrying the gap's flags, and
//! those naming its requirements); and the wording the suite proposes.

use asyncpay_harness::requirements::{Catalogue, Gap};
use asyncpay_harness::runner::Suite;
use std::collections::BTreeMap;

/// The vectors that depend on one gap, each named
/// `<profile>::<area>::<id>`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Dependents {
    /// Per flag of the gap, the vectors carrying it.
    pub by_flag: BTreeMap<String, Vec<String>>,
    /// Per requirement of the gap, the vectors naming it.
    pub by_requirement: BTreeMap<String, Vec<String>>,
}

impl Dependents {
    /// How many distinct vectors depend on the gap, either way.
    pub fn total(&self) -> usize {
        let mut all: Vec<&String> = self
            .by_flag
            .values()
            .chain(self.by_requirement.values())
            .flatten()
            .collect();
        all.sort();
        all.dedup();
        all.len()
    }
}

/// The vectors of `suite` that depend on `gap`.
pub fn dependents(suite: &Suite, gap: &Gap) -> Dependents {
    let mut d = Dependents::default();
    for f in &gap.flags {
        d.by_flag.insert(f.clone(), Vec::new());
    }
    for r in &gap.requirements {
        d.by_requirement.insert(r.clone(), Vec::new());
    }
    for lf in &suite.files {
        for t in &lf.file.tests {
            let name = format!("{}::{}::{}", lf.profile.name, lf.area, t.id);
            for f in &t.flags {
                if let Some(v) = d.by_flag.get_mut(f) {
                    v.push(name.clone());
                }
            }
            for r in &t.requirements {
                if let Some(v) = d.by_requirement.get_mut(r) {
                    v.push(name.clone());
                }
            }
        }
    }
    d
}

/// Gaps with no proposed wording or no choice, each named with what it lacks.
pub fn incomplete(cat: &Catalogue) -> Vec<String> {
    let mut out = Vec::new();
    for g in &cat.gaps {
        if g.proposed
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .is_none()
        {
            out.push(format!("{}: no `proposed` wording", g.id));
        }
        if g.choice
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .is_none()
        {
            out.push(format!("{}: no `choice`", g.id));
        }
    }
    out
}

fn quote_block(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One line per gap: its id, its flags and how many vectors depend on it.
pub fn text(cat: &Catalogue, suite: &Suite) -> String {
    let mut o = String::new();
    for g in &cat.gaps {
        let d = dependents(suite, g);
        let flagged: usize = d.by_flag.values().map(Vec::len).sum();
        o.push_str(&format!(
            "{}: {} requirement(s), {} vector(s) depend on it ({} by flag{})\n",
            g.id,
            g.requirements.len(),
            d.total(),
            flagged,
            if g.flags.is_empty() {
                String::new()
            } else {
                format!(" {}", g.flags.join(", "))
            }
        ));
    }
    o.push_str(&format!("{} gaps\n", cat.gaps.len()));
    o
}

/// The whole document, one section per gap.
pub fn markdown(cat: &Catalogue, suite: &Suite) -> String {
    let mut o = String::new();
    o.push_str("# Draft gaps found by the asyncpay conformance suite\n\n");
    let commit = cat
        .spec
        .sources
        .get("bolts-pr1149")
        .map(|s| format!(" (at `{}`)", s.commit))
        .unwrap_or_default();
    o.push_str(&format!(
        "{} places where the async payments draft{commit} is silent or contradicts \
         itself, so that the suite had to choose. For each: the requirements it \
         touches, quoted with their source; what is missing or contradictory; the \
         suite's choice; the vectors that depend on it (computed from the vector \
         files: those carrying the gap's flag, and those naming its requirements); \
         and a proposed wording.\n\n",
        cat.gaps.len()
    ));
    for (i, g) in cat.gaps.iter().enumerate() {
        o.push_str(&format!("## {}. `{}`\n\n", i + 1, g.id));
        if let Some(origin) = &g.origin {
            o.push_str(&format!("Found by: {origin}.\n\n"));
        }
        o.push_str("**What the draft says**\n\n");
        for r in &g.requirements {
            match cat.get(r) {
                Some(req) => {
                    let mut q = req.quote.clone();
                    if let Some(c) = &req.condition {
                        q = format!("{c} … {q}");
                    }
                    o.push_str(&quote_block(&q));
                    o.push_str(&format!(
                        "\n>\n> — `{}` ({}, {} of `{}`)\n\n",
                        r, req.level, req.bolt, req.source
                    ));
                }
                None => o.push_str(&format!("- `{r}` (not in the catalogue)\n\n")),
            }
        }
        o.push_str(&format!(
            "**What is missing or contradictory.** {}\n\n",
            g.description
        ));
        o.push_str(&format!(
            "**The suite's choice.** {}\n\n",
            g.choice.as_deref().unwrap_or("(none recorded)")
        ));
        let d = dependents(suite, g);
        o.push_str(&format!(
            "**Vectors that depend on it:** {} in all.\n\n",
            d.total()
        ));
        for (flag, names) in &d.by_flag {
            o.push_str(&format!(
                "- flagged `{flag}`: {} vector(s): {}\n",
                names.len(),
                list(names)
            ));
        }
        o.push_str("\n| requirement | vectors naming it |\n| --- | --- |\n");
        for (r, names) in &d.by_requirement {
            o.push_str(&format!("| `{r}` | {} |\n", names.len()));
        }
        let named: usize = d.by_requirement.values().map(Vec::len).sum();
        if named > 0 {
            o.push_str("\n<details><summary>The vectors, by requirement</summary>\n\n");
            for (r, names) in d.by_requirement.iter().filter(|(_, n)| !n.is_empty()) {
                o.push_str(&format!("- `{r}`: {}\n", list(names)));
            }
            o.push_str("\n</details>\n");
        }
        o.push_str("\n**Proposed wording**\n\n");
        o.push_str(&quote_block(
            g.proposed.as_deref().unwrap_or("(none proposed yet)"),
        ));
        o.push_str("\n\n");
    }
    o
}
