//! Grading: how severe a failure is, from the requirement levels.
//!
//! Each test names requirement ids; `vectors/requirements.json` gives each
//! id a level (`MUST`, `MUST NOT`, `SHOULD`, `SHOULD NOT`, `MAY`, or
//! `FORMAT` for a quoted definition of a message or construction). A failure
//! is a [`Grade::Must`] failure if any of its requirements is a MUST, MUST
//! NOT or FORMAT, or is not in the catalogue (an unknown requirement is taken
//! at its strictest); otherwise it is a [`Grade::Should`] failure.
//!
//! The catalogue is read here as plain JSON (`requirements[].id`,
//! `requirements[].level`), so the harness works with or without it.

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The level of one requirement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Level {
    /// `MUST` or `MUST NOT`, or `FORMAT` (breaking a definition is a
    /// MUST-level failure).
    Must,
    /// `SHOULD` or `SHOULD NOT`.
    Should,
    /// `MAY`.
    May,
    /// Not in the catalogue (or the catalogue is absent): graded as MUST.
    Unknown,
}

impl Level {
    /// Parse a level as the catalogue spells it (case and spacing tolerant).
    pub fn parse(s: &str) -> Option<Level> {
        let norm: String = s
            .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_uppercase();
        match norm.as_str() {
            // A definition (message layout, TLV record, feature bit,
            // construction): breaking it is graded like a MUST.
            "MUST" | "MUST NOT" | "FORMAT" => Some(Level::Must),
            "SHOULD" | "SHOULD NOT" => Some(Level::Should),
            "MAY" => Some(Level::May),
            _ => None,
        }
    }

    /// How the level is printed in reports.
    pub fn label(self) -> &'static str {
        match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::May => "MAY",
            Level::Unknown => "unknown",
        }
    }
}

/// How serious a failure is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Grade {
    /// Fails the run.
    Must,
    /// Reported; fails the run only with `--strict`.
    Should,
}

impl Grade {
    /// How the grade is printed in reports.
    pub fn label(self) -> &'static str {
        match self {
            Grade::Must => "MUST",
            Grade::Should => "SHOULD",
        }
    }
}

/// Requirement ids and their levels, read from `requirements.json`.
#[derive(Clone, Debug, Default)]
pub struct Levels {
    levels: BTreeMap<String, Level>,
    unobservable: BTreeMap<String, String>,
    one_side: BTreeMap<String, (Side, String)>,
    shown_by: BTreeMap<String, Vec<String>>,
    present: bool,
}

/// One side of a requirement: an input that meets it, or one that breaks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Inputs that meet the requirement.
    Conforming,
    /// Inputs that break it.
    Violating,
}

impl Levels {
    /// No catalogue: every requirement is [`Level::Unknown`].
    pub fn empty() -> Levels {
        Levels::default()
    }

    /// Build from `(id, level)` pairs (for tests and in-memory suites).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, Level)>) -> Levels {
        Levels {
            levels: pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            unobservable: BTreeMap::new(),
            one_side: BTreeMap::new(),
            shown_by: BTreeMap::new(),
            present: true,
        }
    }

    /// Read `path`. A missing file gives an empty catalogue; a malformed one
    /// gives an error naming the file.
    pub fn load(path: &Path) -> Result<Levels, String> {
        if !path.exists() {
            return Ok(Levels::empty());
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}: not JSON (line {}, column {}): {e}",
                path.display(),
                e.line(),
                e.column()
            )
        })?;
        Levels::from_json(&json).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Read the catalogue from its JSON: `{"requirements": [{"id", "level", ...}]}`
    /// (a bare array of requirements is accepted too).
    pub fn from_json(json: &serde_json::Value) -> Result<Levels, String> {
        let list = json
            .get("requirements")
            .or(Some(json))
            .and_then(|v| v.as_array())
            .ok_or("expected {\"requirements\": [...]}")?;
        let mut levels = BTreeMap::new();
        let mut unobservable = BTreeMap::new();
        let mut one_side = BTreeMap::new();
        let mut shown_by = BTreeMap::new();
        for (i, r) in list.iter().enumerate() {
            let id = r
                .get("id")
                .and_then(|v| v.as_str())
                .ok_or_else(|| format!("requirements[{i}] has no string \"id\""))?;
            let level_text = r
                .get("level")
                .and_then(|v| v.as_str())
                .ok_or_else(|| format!("requirement {id} has no string \"level\""))?;
            let level = Level::parse(level_text)
                .ok_or_else(|| format!("requirement {id}: unknown level {level_text:?}"))?;
            if levels.insert(id.to_string(), level).is_some() {
                return Err(format!("requirement {id} is listed twice"));
            }
            match r.get("unobservable") {
                None => {}
                Some(serde_json::Value::String(why)) if !why.trim().is_empty() => {
                    unobservable.insert(id.to_string(), why.clone());
                }
                Some(_) => {
                    return Err(format!(
                        "requirement {id}: \"unobservable\" must be a non-empty reason"
                    ))
                }
            }
            for (key, side) in [
                ("conforming_unobservable", Side::Conforming),
                ("violating_unobservable", Side::Violating),
            ] {
                match r.get(key) {
                    None => {}
                    Some(serde_json::Value::String(why))
                        if !why.trim().is_empty() && !one_side.contains_key(id) =>
                    {
                        one_side.insert(id.to_string(), (side, why.clone()));
                    }
                    Some(_) => {
                        return Err(format!(
                            "requirement {id}: \"{key}\" must be a non-empty reason, and only one side can be unobservable"
                        ))
                    }
                }
            }
            if let Some(list) = r.get("shown_by") {
                let ids: Option<Vec<String>> = list
                    .as_array()
                    .and_then(|a| a.iter().map(|v| v.as_str().map(String::from)).collect());
                let ids = ids.ok_or_else(|| {
                    format!("requirement {id}: \"shown_by\" must be an array of ids")
                })?;
                shown_by.insert(id.to_string(), ids);
            }
        }
        Ok(Levels {
            levels,
            unobservable,
            one_side,
            shown_by,
            present: true,
        })
    }

    /// Whether a catalogue was read (so unknown ids can be flagged).
    pub fn is_present(&self) -> bool {
        self.present
    }

    /// The level of `id`.
    pub fn level(&self, id: &str) -> Level {
        self.levels.get(id).copied().unwrap_or(Level::Unknown)
    }

    /// Whether `id` is in the catalogue.
    pub fn contains(&self, id: &str) -> bool {
        self.levels.contains_key(id)
    }

    /// Why `id` cannot be shown by any input, if the catalogue says so.
    pub fn unobservable(&self, id: &str) -> Option<&str> {
        self.unobservable.get(id).map(|s| s.as_str())
    }

    /// The side of `id` no input can show, with why, if the catalogue says
    /// so (`conforming_unobservable` or `violating_unobservable`).
    pub fn unobservable_side(&self, id: &str) -> Option<(Side, &str)> {
        self.one_side
            .get(id)
            .map(|(side, why)| (*side, why.as_str()))
    }

    /// The requirements whose tests show `id` too (its `shown_by`).
    pub fn shown_by(&self, id: &str) -> &[String] {
        self.shown_by.get(id).map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// Every id in the catalogue, sorted.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.levels.keys().map(|s| s.as_str())
    }

    /// The grade of a failure of a test checking `levels`.
    pub fn grade(levels: &[Level]) -> Grade {
        if levels.is_empty()
            || levels
                .iter()
                .any(|l| matches!(l, Level::Must | Level::Unknown))
        {
            Grade::Must
        } else {
            Grade::Should
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_and_grade() {
        assert_eq!(Level::parse("MUST NOT"), Some(Level::Must));
        assert_eq!(Level::parse("should_not"), Some(Level::Should));
        assert_eq!(Level::parse("MAY"), Some(Level::May));
        assert_eq!(Level::parse("OUGHT"), None);
        assert_eq!(Levels::grade(&[Level::Should, Level::May]), Grade::Should);
        assert_eq!(Levels::grade(&[Level::Should, Level::Must]), Grade::Must);
        assert_eq!(Levels::grade(&[Level::Should, Level::Unknown]), Grade::Must);
    }

    #[test]
    fn format_grades_as_must() {
        assert_eq!(Level::parse("FORMAT"), Some(Level::Must));
        assert_eq!(Level::parse("format"), Some(Level::Must));
        assert_eq!(
            Levels::grade(&[Level::Should, Level::parse("FORMAT").unwrap()]),
            Grade::Must
        );
        let j = serde_json::json!({"requirements": [
            {"id": "f", "level": "FORMAT"}, {"id": "s", "level": "SHOULD"}]});
        let l = Levels::from_json(&j).unwrap();
        assert_eq!(l.level("f"), Level::Must);
        assert_eq!(Levels::grade(&[l.level("s"), l.level("f")]), Grade::Must);
        assert_eq!(Levels::grade(&[l.level("s")]), Grade::Should);
    }

    #[test]
    fn catalogue_from_json() {
        let j = serde_json::json!({"requirements": [
            {"id": "a", "level": "MUST"}, {"id": "b", "level": "SHOULD", "quote": "x"}]});
        let l = Levels::from_json(&j).unwrap();
        assert_eq!(l.level("a"), Level::Must);
        assert_eq!(l.level("b"), Level::Should);
        assert_eq!(l.level("c"), Level::Unknown);
        let bad = serde_json::json!({"requirements": [{"id": "a"}]});
        assert!(Levels::from_json(&bad).unwrap_err().contains("level"));
    }
}
