//! `asyncpay vectors export --format bolts`: the draft profile's
//! (`bolts-pr1149`) vectors rewritten in the bolts repository's own JSON
//! shapes, for the spec PR: static invoices as BOLT 12 strings in the shape
//! of `offers-test.json` ([`bolt12`]), `update_add_htlc`, `revoke_and_ack`
//! and feature cases in a small shape of the same style ([`messages`]), the
//! release reply paths and the `held_htlc_available` / `release_held_htlc`
//! onion messages in the shapes of `route-blinding-test.json` and
//! `blinded-onion-message-onion-test.json` ([`bolt04`]), and a README.
//!
//! The export reads the committed vector files (never the recipes), so it
//! is a pure function of them: the same files give the same bytes. Every
//! exported case names the suite vector it came from, as
//! `[asyncpay bolts-pr1149 <area>/<id>]` at the end of its description or
//! in its comment ([`source_of`] reads it back). A copy is committed under
//! `vectors/export/bolts/`; [`check`] reports where it drifts.

pub mod bolt04;
pub mod bolt12;
pub mod json;
pub mod messages;

use asyncpay_harness::vectors::{TestVector, VectorFile};
use std::path::{Path, PathBuf};

/// The profile exported.
pub const PROFILE: &str = "bolts-pr1149";

/// Where the committed copy is, under the vector directory.
pub const COMMITTED: &str = "export/bolts";

/// One exported file.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportedFile {
    /// Its path under the output directory, e.g. `bolt12/static-invoice-test.json`.
    pub path: String,
    /// Its contents.
    pub text: String,
    /// How many cases it holds (0 for the README).
    pub cases: usize,
    /// The shape it follows, for the README and the counts.
    pub shape: &'static str,
}

/// A suite vector left out of the export, with why.
#[derive(Clone, Debug, PartialEq)]
pub struct LeftOut {
    /// `<area>/<id>`.
    pub vector: String,
    /// Why it has no place in the shape.
    pub why: String,
}

/// The tag naming a case's suite vector.
pub fn tag(area: &str, id: &str) -> String {
    format!("[asyncpay {PROFILE} {area}/{id}]")
}

/// The `(area, id)` a description or comment names with [`tag`].
pub fn source_of(text: &str) -> Option<(String, String)> {
    let start = text.rfind(&format!("[asyncpay {PROFILE} "))?;
    let rest = &text[start + PROFILE.len() + 11..];
    let end = rest.find(']')?;
    let (area, id) = rest[..end].split_once('/')?;
    Some((area.to_string(), id.to_string()))
}

/// A test's input field as a string, or an error naming the file and test.
pub(crate) fn input_str<'a>(file: &str, t: &'a TestVector, key: &str) -> Result<&'a str, String> {
    t.input.get(key).and_then(|v| v.as_str()).ok_or_else(|| {
        format!(
            "{file}: test {}: input.{key} is missing or not a string",
            t.id
        )
    })
}

/// Hex decoded, or an error naming the file, the test and the place.
pub(crate) fn unhex(file: &str, t: &TestVector, place: &str, h: &str) -> Result<Vec<u8>, String> {
    hex::decode(h).map_err(|e| format!("{file}: test {}: {place}: not hex: {e}", t.id))
}

fn load(dir: &Path, area: &str) -> Result<(String, VectorFile), String> {
    let path = dir.join(PROFILE).join(format!("{area}.json"));
    let name = path.display().to_string();
    VectorFile::load(&path)
        .map(|f| (name, f))
        .map_err(|e| e.to_string())
}

/// Everything the export writes for the vectors under `dir` (the vector
/// directory), README last, and what it left out.
pub fn export(dir: &Path) -> Result<(Vec<ExportedFile>, Vec<LeftOut>), String> {
    let mut files = Vec::new();
    let mut left = Vec::new();
    let (name, si) = load(dir, "static_invoice")?;
    bolt12::export(&name, &si, &mut files, &mut left)?;
    let (name, hh) = load(dir, "hold_htlc")?;
    messages::export(&name, &hh, &mut files, &mut left)?;
    let (rp_name, rp) = load(dir, "reply_paths")?;
    let (om_name, om) = load(dir, "onion_messages")?;
    bolt04::export((&rp_name, &rp), (&om_name, &om), &mut files, &mut left)?;
    let readme = readme(&files, &left, &si.spec_commit);
    files.push(ExportedFile {
        path: "README.md".into(),
        text: readme,
        cases: 0,
        shape: "readme",
    });
    Ok((files, left))
}

/// Write `files` under `out`; returns the paths written.
pub fn write(files: &[ExportedFile], out: &Path) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::new();
    for f in files {
        let p = out.join(&f.path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("{}: cannot create: {e}", parent.display()))?;
        }
        std::fs::write(&p, &f.text).map_err(|e| format!("{}: cannot write: {e}", p.display()))?;
        written.push(p);
    }
    Ok(written)
}

/// The exported files under `root` read back with the suite's own
/// importers of the bolts repository's shapes ([`crate::upstream`]): one
/// case per entry, or per intermediate value of a BOLT 4 document.
pub fn reimport(root: &Path) -> Vec<crate::upstream::UpstreamCase> {
    use crate::upstream::{bolt04 as up04, bolt12 as up12, load_json, messages as upm};
    let mut out = up12::static_invoice_cases(root, bolt12::FILE);
    out.extend(upm::message_cases(root, messages::UPDATE_ADD_HTLC));
    out.extend(upm::message_cases(root, messages::REVOKE_AND_ACK));
    out.extend(upm::feature_cases(root, messages::FEATURES));
    for (_, file) in bolt04::PATHS {
        match load_json(root, file) {
            Ok(doc) => up04::route_blinding(&mut out, file, std::sync::Arc::new(doc)),
            Err(c) => out.push(c),
        }
    }
    for (_, file) in bolt04::MESSAGES {
        match load_json(root, file) {
            Ok(doc) => up04::onion_message_cases(&mut out, file, std::sync::Arc::new(doc)),
            Err(c) => out.push(c),
        }
    }
    out
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), String> {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("{}: cannot read: {e}", dir.display()))?;
    for entry in rd {
        let p = entry
            .map_err(|e| format!("{}: cannot read: {e}", dir.display()))?
            .path();
        if p.is_dir() {
            walk(root, &p, out)?;
        } else if let Ok(rel) = p.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// Write the committed copy (`<dir>/export/bolts`) from the vector files
/// under `dir`, if the draft profile's directory is there (none written
/// otherwise); returns the paths written.
pub fn regenerate(dir: &Path) -> Result<Vec<PathBuf>, String> {
    if !dir.join(PROFILE).is_dir() {
        return Ok(Vec::new());
    }
    let (files, _) = export(dir)?;
    write(&files, &dir.join(COMMITTED))
}

/// Where the committed copy (`<dir>/export/bolts`) differs from a fresh
/// export: each problem names the file (and, for JSON, the first line that
/// differs). Empty when identical, and when `dir` has no directory of the
/// draft profile (nothing to export).
pub fn check(dir: &Path) -> Vec<String> {
    if !dir.join(PROFILE).is_dir() {
        return Vec::new();
    }
    let fix = format!(
        "run `asyncpay vectors export --format bolts --out {}`",
        dir.join(COMMITTED).display()
    );
    let files = match export(dir) {
        Ok((f, _)) => f,
        Err(e) => return vec![e],
    };
    let root = dir.join(COMMITTED);
    let mut on_disk = Vec::new();
    if let Err(e) = walk(&root, &root, &mut on_disk) {
        return vec![format!("{e} ({fix})")];
    }
    let mut problems = Vec::new();
    for f in &files {
        let p = root.join(&f.path);
        match std::fs::read_to_string(&p) {
            Err(e) => problems.push(format!("{}: cannot read: {e} ({fix})", p.display())),
            Ok(have) if have == f.text => {}
            Ok(have) => {
                let line = have
                    .lines()
                    .zip(f.text.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or_else(|| have.lines().count().min(f.text.lines().count()));
                problems.push(format!(
                    "{}: differs from the export from line {} ({fix})",
                    p.display(),
                    line + 1
                ));
            }
        }
    }
    for extra in on_disk
        .iter()
        .filter(|p| !files.iter().any(|f| &f.path == *p))
    {
        problems.push(format!(
            "{}: the export makes no such file (remove it)",
            root.join(extra).display()
        ));
    }
    problems
}

fn readme(files: &[ExportedFile], left: &[LeftOut], spec_commit: &str) -> String {
    let mut o = String::new();
    o.push_str("# Async payments test vectors (BOLT PR 1149)\n\n");
    o.push_str(
        "Generated by `asyncpay vectors export --format bolts` from the asyncpay \
         conformance suite's `bolts-pr1149` profile, written in the shapes of this \
         repository's own vectors. Do not edit: regenerate.\n\n",
    );
    o.push_str(&format!("Draft commit: `{spec_commit}`.\n\n"));
    o.push_str(
        "Every case names the suite vector it came from as \
         `[asyncpay bolts-pr1149 <area>/<id>]`, at the end of its `description` \
         (or in the document's `comment`). The numbers the draft leaves \
         unassigned are the suite's choices: `onionmsg_tlv` types 72 \
         (`held_htlc_available`) and 74 (`release_held_htlc`), and type 16 of \
         `encrypted_data_tlv` for the reply path's `release_held_htlc` context \
         (a 32-byte `channel_id` and a u64 `htlc_id`, authenticated by `path_id`).\n\n",
    );
    o.push_str("| file | shape | cases |\n| --- | --- | --- |\n");
    for f in files {
        o.push_str(&format!("| `{}` | {} | {} |\n", f.path, f.shape, f.cases));
    }
    o.push_str(
        "\nShapes:\n\n\
         - `bolt12/static-invoice-test.json`: as `bolt12/offers-test.json` \
         (`description`, `valid`, `bolt12`, and for valid cases the decoded `fields`), \
         the strings with prefix `lni`, plus `now`, the reader's clock in seconds \
         (the expiry rules need one). An invalid case's description ends with its \
         defect's reason class and the requirements it breaks, as the shape has no \
         field for them.\n\
         - `bolt02/update-add-htlc-test.json`, `bolt02/revoke-and-ack-test.json`: \
         `description`, `valid`, `message`, `hex` (the whole message, type included) \
         and for valid cases the `fields` of its TLV extension; \
         `bolt09/htlc-hold-features-test.json`: `description`, `valid`, `context`, \
         `features` (hex) and for valid cases the set `bits`.\n\
         - `bolt04/release-reply-path-*-test.json`: as `bolt04/route-blinding-test.json` \
         (`generate` with every writer's value, `route`, `unblind` with every reader's value).\n\
         - `bolt04/*-onion-message-test.json`: as \
         `bolt04/blinded-onion-message-onion-test.json` (`generate`, `route`, \
         `onionmessage` with the final node's records by name, `decrypt` with each \
         node's key and the message it receives); `release_auth_key` is the holding \
         node's key for the release context.\n",
    );
    if !left.is_empty() {
        o.push_str("\nSuite vectors with no place in these shapes:\n\n");
        for l in left {
            o.push_str(&format!("- `{}`: {}\n", l.vector, l.why));
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_read_back() {
        let d = format!("Some text. {}", tag("static_invoice", "valid-minimal"));
        assert_eq!(
            source_of(&d),
            Some(("static_invoice".into(), "valid-minimal".into()))
        );
        assert_eq!(source_of("no tag"), None);
    }
}
