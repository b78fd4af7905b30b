//! The requirement catalogue (`vectors/requirements.json`) and its quote checker.
//!
//! The catalogue lists every normative statement the suite traces: each line
//! the async payments draft (BOLT PR 1149 with PR 989) adds, and the inherited
//! BOLT 1, 2, 4, 9 and 12 rules that decide the fate of a static invoice, an
//! `update_add_htlc` or an onion message. Each [`Requirement`] quotes its
//! sentence from a specification file, so [`check_quotes`] can prove that the
//! catalogue still says what the specification says.
//!
//! # Normalisation
//!
//! Quotes and conditions are compared with the specification text after both
//! are normalised by [`normalise`]:
//! 1. each line is trimmed, and a leading list marker (`- `, `* `, `+ `, or a
//!    number followed by `.` or `)` and a space, as in `1. `) is removed;
//! 2. the lines are joined with single spaces (so a sentence wrapped over
//!    several lines becomes one line);
//! 3. every run of whitespace (spaces, tabs, newlines) becomes one space.
//!
//! A quote matches when it occurs in the normalised file starting and ending
//! on a word boundary: the characters just before and after it are a space or
//! the start or end of the text. A quote therefore cannot begin or end in the
//! middle of a word, and a quote without the sentence's final `.` does not
//! match a sentence that has one.
//!
//! # Where files are looked up
//!
//! [`check_quotes`] takes a `bolts_root`. For a requirement with source `S`
//! and file `F` (for example `bolts-pr1149` and `12-offer-encoding.md`):
//! - if `bolts_root/S` is a directory, the file is `bolts_root/S/F` (the layout
//!   of `../shared/spec`, with one subdirectory per source);
//! - otherwise `bolts_root` is taken to be a plain bolts checkout, and the file
//!   is `bolts_root/F` for every source. Quotes from a source the checkout
//!   does not match (say, draft lines checked against a checkout of master)
//!   are then reported as mismatches, which is the point of the check.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// The requirement levels a catalogue entry may have: the RFC 2119 keywords
/// as the BOLTs use them, and `FORMAT`.
///
/// `FORMAT` marks a definition rather than a normative sentence: the quote is
/// the line (or lines) defining a message, a TLV record, a feature bit or a
/// construction, e.g. ``type: 2 (`hold_htlc`)``. It means "the message or
/// construction is defined this way"; producing or accepting something that
/// breaks the definition is graded as a MUST-level failure.
pub const LEVELS: [&str; 6] = ["MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY", "FORMAT"];

/// The whole catalogue, as stored in `vectors/requirements.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// Where the quotes come from: licence, attribution and source commits.
    pub spec: SpecHeader,
    /// Every requirement, in catalogue order.
    pub requirements: Vec<Requirement>,
    /// Places where the draft is ambiguous or incomplete, each tied to the
    /// requirements it affects.
    #[serde(default)]
    pub gaps: Vec<Gap>,
}

/// The catalogue's `spec` header: provenance of every quote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecHeader {
    /// Licence of the quoted text (the BOLTs are CC-BY 4.0).
    pub license: String,
    /// Attribution of the quoted text to the BOLT authors.
    pub attribution: String,
    /// How quotes are normalised before matching (human-readable; the
    /// normative rule is [`normalise`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalisation: Option<String>,
    /// The specification sources, keyed by the name a requirement's `source`
    /// uses (e.g. `bolts-pr1149`, `bolts-master`).
    pub sources: BTreeMap<String, Source>,
}

/// One specification source: a repository at a commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The repository the files come from.
    pub repository: String,
    /// The full commit hash the quotes were taken at.
    pub commit: String,
    /// For a pull request's head, the commit its change is measured against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_commit: Option<String>,
    /// What this source is and why the catalogue uses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One normative statement of the specification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Stable identifier, `<bolt>/<area>/<role>/<short-name>`, lowercase
    /// ASCII letters, digits and `-`, e.g.
    /// `bolt12/static-invoice/writer/no-payment-hash`. Never renumbered.
    pub id: String,
    /// The specification file, e.g. `12-offer-encoding.md`.
    pub bolt: String,
    /// The key in [`SpecHeader::sources`] naming the text the quote is from.
    pub source: String,
    /// One of [`LEVELS`] (`FORMAT` for a quoted definition).
    pub level: String,
    /// The party the statement binds: `writer`, `reader`, `payer`,
    /// `holding-node`, `recipient`, `server`, `creator`, `sending-node`,
    /// `receiving-node`, `origin-node`.
    pub role: String,
    /// Coarse grouping: `static_invoice`, `hold_htlc`, `reply_paths`,
    /// `onion_messages`, `release`, `tlv` or `features`.
    pub area: String,
    /// The requirement sentence itself, as it appears in the file after
    /// [`normalise`].
    pub quote: String,
    /// The enclosing condition (e.g. ``if `invoice_payment_hash` is unset:``),
    /// also quoted from the file; absent for unconditional statements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// True when the line is one the draft adds (a `+` line of its diff).
    pub added_by_draft: bool,
    /// For draft lines, how the draft changed them: `new`, `moved` (the same
    /// sentence under a new condition) or `reworded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_change: Option<String>,
    /// The catalogue's reading of the statement where it needs one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Why no input can show the statement either way (a writer's
    /// randomness, a node's expectation, a timing), for a requirement that
    /// has no valid and invalid test: `requirements coverage` counts it as
    /// covered by this reason instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unobservable: Option<String>,
    /// Why no input can show the conforming side (every input meeting the
    /// statement breaks another rule that lets a reader refuse it anyway):
    /// with a violating test, `requirements coverage` counts it as covered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conforming_unobservable: Option<String>,
    /// Why no input can show the violating side, the same way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violating_unobservable: Option<String>,
    /// Requirements whose tests show this one too: a writer's rule shown
    /// by the reader rule that rejects what a writer breaking it writes, or
    /// a rule to ignore something shown with the rule to reject its
    /// counterpart (an unknown odd type beside an unknown even one). The
    /// `note` says how. Each id must be in the catalogue.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shown_by: Vec<String>,
}

/// A place where the draft leaves an implementation a choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gap {
    /// Stable identifier, `gap/<short-name>`.
    pub id: String,
    /// Who found it: `spec/README.md` or `catalogue review`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// What is missing or contradictory, and what a profile has to decide.
    pub description: String,
    /// Ids of the requirements the gap affects; each must exist.
    pub requirements: Vec<String>,
    /// The vector flags (`DraftGap...`) that mark the vectors depending on
    /// the suite's choice here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// The choice the suite made where the draft is silent or contradicts
    /// itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<String>,
    /// A wording proposed for the draft that would close the gap (the
    /// suite's own text, not the spec's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed: Option<String>,
}

impl Catalogue {
    /// Reads and validates a catalogue file.
    ///
    /// Errors name the file and the problem: unreadable file, malformed JSON
    /// (with line and column), a duplicate or badly formed id, a level not in
    /// [`LEVELS`], a source missing from the header, an empty quote or
    /// condition, or a gap naming an unknown requirement.
    pub fn load(path: impl AsRef<Path>) -> Result<Catalogue, String> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read requirement catalogue: {e}", path.display()))?;
        Catalogue::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses and validates a catalogue from JSON text; errors do not name a
    /// file (see [`Catalogue::load`]).
    pub fn from_json(text: &str) -> Result<Catalogue, String> {
        let catalogue: Catalogue =
            serde_json::from_str(text).map_err(|e| format!("malformed catalogue JSON: {e}"))?;
        catalogue.validate()?;
        Ok(catalogue)
    }

    /// Checks the invariants [`Catalogue::load`] promises.
    pub fn validate(&self) -> Result<(), String> {
        let mut seen = HashSet::new();
        for r in &self.requirements {
            if !seen.insert(r.id.as_str()) {
                return Err(format!("duplicate requirement id `{}`", r.id));
            }
            check_id(&r.id, 4).map_err(|e| format!("requirement `{}`: {e}", r.id))?;
            if !LEVELS.contains(&r.level.as_str()) {
                return Err(format!(
                    "requirement `{}`: bad level `{}` (expected one of {})",
                    r.id,
                    r.level,
                    LEVELS.join(", ")
                ));
            }
            if !self.spec.sources.contains_key(&r.source) {
                return Err(format!(
                    "requirement `{}`: source `{}` is not listed in spec.sources",
                    r.id, r.source
                ));
            }
            if r.bolt.is_empty() || r.bolt.contains(['/', '\\']) || r.bolt.starts_with('.') {
                return Err(format!(
                    "requirement `{}`: bad file name `{}`",
                    r.id, r.bolt
                ));
            }
            if r.quote.trim().is_empty() {
                return Err(format!("requirement `{}`: empty quote", r.id));
            }
            if r.condition.as_deref().is_some_and(|c| c.trim().is_empty()) {
                return Err(format!("requirement `{}`: empty condition", r.id));
            }
        }
        for r in &self.requirements {
            for id in &r.shown_by {
                if !seen.contains(id.as_str()) || *id == r.id {
                    return Err(format!(
                        "requirement `{}`: shown_by names `{id}`, not another requirement",
                        r.id
                    ));
                }
            }
        }
        let mut gap_ids = HashSet::new();
        for g in &self.gaps {
            if !gap_ids.insert(g.id.as_str()) {
                return Err(format!("duplicate gap id `{}`", g.id));
            }
            if !g.id.starts_with("gap/") {
                return Err(format!("gap `{}`: id must start with `gap/`", g.id));
            }
            check_id(&g.id, 2).map_err(|e| format!("gap `{}`: {e}", g.id))?;
            for id in &g.requirements {
                if !seen.contains(id.as_str()) {
                    return Err(format!("gap `{}`: unknown requirement id `{id}`", g.id));
                }
            }
        }
        Ok(())
    }

    /// The requirement with this id, if any.
    pub fn get(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.id == id)
    }

    /// The level (`MUST`, `SHOULD`, ...) of the requirement with this id.
    pub fn level_of(&self, id: &str) -> Option<&str> {
        self.get(id).map(|r| r.level.as_str())
    }
}

/// Checks an id is `segments` non-empty, slash-separated parts of lowercase
/// ASCII letters, digits and `-`.
fn check_id(id: &str, segments: usize) -> Result<(), String> {
    let parts: Vec<&str> = id.split('/').collect();
    if parts.len() != segments {
        return Err(format!("id must have {segments} slash-separated parts"));
    }
    let ok = |p: &&str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    if !parts.iter().all(ok) {
        return Err("id parts must be non-empty lowercase ASCII letters, digits or `-`".into());
    }
    Ok(())
}

/// Which text of a requirement failed to match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotedField {
    /// The requirement's `quote`.
    Quote,
    /// The requirement's `condition`.
    Condition,
}

/// A requirement whose quote or condition was not found in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteMismatch {
    /// The requirement's id.
    pub id: String,
    /// The file the text was looked for in.
    pub file: PathBuf,
    /// Whether the quote or the condition failed.
    pub field: QuotedField,
    /// The text that was not found, as written in the catalogue.
    pub quote: String,
    /// Set when the file itself could not be read (then nothing was compared).
    pub read_error: Option<String>,
}

impl fmt::Display for QuoteMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.field {
            QuotedField::Quote => "quote",
            QuotedField::Condition => "condition",
        };
        match &self.read_error {
            Some(e) => write!(
                f,
                "{}: cannot read {}: {e} ({what} {:?} not checked)",
                self.id,
                self.file.display(),
                self.quote
            ),
            None => write!(
                f,
                "{}: {what} not found in {}: {:?}",
                self.id,
                self.file.display(),
                self.quote
            ),
        }
    }
}

/// Normalises specification text (or a quote) as described in the module
/// documentation: trim each line, drop a leading list marker, join lines with
/// spaces, collapse whitespace.
pub fn normalise(text: &str) -> String {
    let mut joined = String::with_capacity(text.len());
    for line in text.lines() {
        joined.push_str(strip_list_marker(line.trim()));
        joined.push(' ');
    }
    joined.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes one leading markdown list marker (`-`, `*`, `+`, `12.`, `12)`)
/// followed by whitespace, or a marker alone on its line.
fn strip_list_marker(line: &str) -> &str {
    let rest = if let Some(r) = line.strip_prefix(['-', '*', '+']) {
        r
    } else {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return line;
        }
        match line[digits..].strip_prefix(['.', ')']) {
            Some(r) => r,
            None => return line,
        }
    };
    if rest.is_empty() {
        ""
    } else if rest.starts_with(char::is_whitespace) {
        rest.trim_start()
    } else {
        line
    }
}

/// True when `needle` occurs in `haystack` bounded by spaces or the ends of
/// the text. Both are expected to be normalised.
fn contains_on_word_boundary(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let mut from = 0;
    while let Some(pos) = haystack[from..].find(needle) {
        let start = from + pos;
        let end = start + needle.len();
        let before_ok = start == 0 || haystack.as_bytes()[start - 1] == b' ';
        let after_ok = end == haystack.len() || haystack.as_bytes()[end] == b' ';
        if before_ok && after_ok {
            return true;
        }
        // Advance by one character, staying on a char boundary.
        from = start + haystack[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// The file holding a requirement's text under `bolts_root` (see the module
/// documentation for the rule).
pub fn source_file(bolts_root: &Path, source: &str, bolt: &str) -> PathBuf {
    let per_source = bolts_root.join(source);
    if per_source.is_dir() {
        per_source.join(bolt)
    } else {
        bolts_root.join(bolt)
    }
}

/// Checks every quote and condition of `catalogue` against the specification
/// files under `bolts_root`, returning one [`QuoteMismatch`] per text not
/// found (an empty vector means the catalogue is faithful). Each file is read
/// and normalised once.
pub fn check_quotes(catalogue: &Catalogue, bolts_root: &Path) -> Vec<QuoteMismatch> {
    let mut files: HashMap<PathBuf, Result<String, String>> = HashMap::new();
    let mut mismatches = Vec::new();
    for r in &catalogue.requirements {
        let file = source_file(bolts_root, &r.source, &r.bolt);
        let text = files.entry(file.clone()).or_insert_with(|| {
            std::fs::read_to_string(&file)
                .map(|t| normalise(&t))
                .map_err(|e| e.to_string())
        });
        let texts = std::iter::once((QuotedField::Quote, &r.quote))
            .chain(r.condition.iter().map(|c| (QuotedField::Condition, c)));
        for (field, quote) in texts {
            let read_error = match text {
                Ok(t) if contains_on_word_boundary(t, &normalise(quote)) => continue,
                Ok(_) => None,
                Err(e) => Some(e.clone()),
            };
            mismatches.push(QuoteMismatch {
                id: r.id.clone(),
                file: file.clone(),
                field,
                quote: quote.clone(),
                read_error,
            });
        }
    }
    mismatches
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "# Title\n\nA reader of an invoice:\n  - if `invoice_payment_hash` is unset:\n    - MUST reject the invoice if `static_invoice_message_paths` is not present\n      or is empty.\n  - MUST NOT   set\tthings.\n1. type: 2 (`hold_htlc`)\n";

    fn catalogue(quote: &str, condition: Option<&str>) -> Catalogue {
        let mut sources = BTreeMap::new();
        sources.insert(
            "bolts-pr1149".to_string(),
            Source {
                repository: "https://github.com/lightning/bolts".into(),
                commit: "3a7505e0fee9941b0c866b15e42ca4ac375ad6fe".into(),
                base_commit: None,
                description: None,
            },
        );
        Catalogue {
            spec: SpecHeader {
                license: "CC-BY-4.0".into(),
                attribution: "the BOLT authors".into(),
                normalisation: None,
                sources,
            },
            requirements: vec![Requirement {
                id: "bolt12/static-invoice/reader/message-paths-required".into(),
                bolt: "12-offer-encoding.md".into(),
                source: "bolts-pr1149".into(),
                level: "MUST".into(),
                role: "reader".into(),
                area: "static_invoice".into(),
                quote: quote.into(),
                condition: condition.map(str::to_string),
                added_by_draft: true,
                draft_change: None,
                note: None,
                unobservable: None,
                conforming_unobservable: None,
                violating_unobservable: None,
                shown_by: vec![],
            }],
            gaps: vec![],
        }
    }

    /// A fresh directory under the system temp dir, laid out like
    /// `../shared/spec` (one subdirectory per source).
    fn spec_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "asyncpay-req-{tag}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("bolts-pr1149")).unwrap();
        std::fs::write(dir.join("bolts-pr1149/12-offer-encoding.md"), SPEC).unwrap();
        dir
    }

    #[test]
    fn normalise_joins_lines_and_strips_markers() {
        let n = normalise(SPEC);
        assert!(n.contains("if `invoice_payment_hash` is unset: MUST reject the invoice if `static_invoice_message_paths` is not present or is empty."));
        assert!(n.contains("MUST NOT set things."));
        assert!(n.contains("things. type: 2 (`hold_htlc`)"));
        assert_eq!(strip_list_marker("-"), "");
        assert_eq!(strip_list_marker("-x"), "-x");
        assert_eq!(strip_list_marker("12) item"), "item");
        assert_eq!(strip_list_marker("2024 was"), "2024 was");
    }

    #[test]
    fn word_boundaries() {
        assert!(contains_on_word_boundary("a MUST b", "MUST"));
        assert!(!contains_on_word_boundary("a MUSTY b", "MUST"));
        assert!(!contains_on_word_boundary("aMUST b", "MUST"));
        assert!(contains_on_word_boundary("MUST", "MUST"));
        assert!(contains_on_word_boundary("é MUST é", "MUST"));
        assert!(!contains_on_word_boundary("abc", ""));
    }

    #[test]
    fn faithful_quote_and_condition_pass() {
        let dir = spec_dir("ok");
        let c = catalogue(
            "MUST reject the invoice if `static_invoice_message_paths` is not present or is empty.",
            Some("if `invoice_payment_hash` is unset:"),
        );
        assert_eq!(check_quotes(&c, &dir), vec![]);
        // A plain checkout: files directly in the root, for any source.
        let plain = dir.join("bolts-pr1149");
        assert_eq!(check_quotes(&c, &plain), vec![]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn changed_quote_is_reported() {
        let dir = spec_dir("changed");
        let c = catalogue(
            "MUST reject the invoice if `static_invoice_message_paths` is not present.",
            Some("if `invoice_payment_hash` is set:"),
        );
        let m = check_quotes(&c, &dir);
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(m[0].field, QuotedField::Quote);
        assert_eq!(
            m[0].id,
            "bolt12/static-invoice/reader/message-paths-required"
        );
        assert_eq!(m[0].file, dir.join("bolts-pr1149/12-offer-encoding.md"));
        assert!(m[0].read_error.is_none());
        assert_eq!(m[1].field, QuotedField::Condition);
        let shown = m[0].to_string();
        assert!(shown.contains("message-paths-required") && shown.contains("not found"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_file_is_reported() {
        let dir = spec_dir("missing");
        let mut c = catalogue("MUST NOT set things.", None);
        c.requirements[0].bolt = "99-nothing.md".into();
        let m = check_quotes(&c, &dir);
        assert_eq!(m.len(), 1);
        assert!(m[0].read_error.is_some());
        assert!(m[0].to_string().contains("cannot read"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn malformed_catalogue_error_names_the_file() {
        let dir = spec_dir("malformed");
        let path = dir.join("requirements.json");
        std::fs::write(&path, "{\"spec\": {\"license\": ").unwrap();
        let err = Catalogue::load(&path).unwrap_err();
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(err.contains("malformed"), "{err}");
        let err = Catalogue::load(dir.join("absent.json")).unwrap_err();
        assert!(
            err.contains("absent.json") && err.contains("cannot read"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn invalid_catalogues_are_rejected() {
        let good = catalogue("MUST NOT set things.", None);
        let json = |c: &Catalogue| serde_json::to_string(c).unwrap();
        assert!(Catalogue::from_json(&json(&good)).is_ok());

        let mut format = good.clone();
        format.requirements[0].level = "FORMAT".into();
        assert!(Catalogue::from_json(&json(&format)).is_ok());

        let mut bad = good.clone();
        bad.requirements[0].level = "MUSTN'T".into();
        let err = Catalogue::from_json(&json(&bad)).unwrap_err();
        assert!(err.contains("bad level `MUSTN'T`"), "{err}");

        let mut dup = good.clone();
        dup.requirements.push(dup.requirements[0].clone());
        let err = Catalogue::from_json(&json(&dup)).unwrap_err();
        assert!(err.contains("duplicate requirement id"), "{err}");

        let mut src = good.clone();
        src.requirements[0].source = "bolts-elsewhere".into();
        assert!(Catalogue::from_json(&json(&src))
            .unwrap_err()
            .contains("spec.sources"));

        let mut id = good.clone();
        id.requirements[0].id = "Bolt12/x".into();
        assert!(Catalogue::from_json(&json(&id)).is_err());

        let mut gap = good.clone();
        gap.gaps.push(Gap {
            id: "gap/x".into(),
            origin: None,
            description: "d".into(),
            requirements: vec!["bolt1/tlv/reader/nothing".into()],
            flags: vec![],
            choice: None,
            proposed: None,
        });
        let err = Catalogue::from_json(&json(&gap)).unwrap_err();
        assert!(err.contains("unknown requirement id"), "{err}");
    }

    #[test]
    fn level_of_finds_levels() {
        let c = catalogue("MUST NOT set things.", None);
        assert_eq!(
            c.level_of("bolt12/static-invoice/reader/message-paths-required"),
            Some("MUST")
        );
        assert_eq!(c.level_of("bolt12/none/none/none"), None);
    }

    #[test]
    fn format_quote_of_a_definition_matches() {
        let dir = spec_dir("format");
        let mut c = catalogue("type: 2 (`hold_htlc`)", None);
        c.requirements[0].level = "FORMAT".into();
        assert!(c.validate().is_ok());
        assert_eq!(check_quotes(&c, &dir), vec![]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
