//! Static invoices in the shape of the bolts repository's
//! `bolt12/offers-test.json`: `description`, `valid`, `bolt12` (the string,
//! prefix `lni`), `now` (the reader's clock, which the expiry rules need)
//! and, for valid cases, the decoded `fields` (`type`, `length`, `hex`).
//! An invalid case's description ends with its reason class and the
//! requirements it breaks; `acceptable` cases (the draft leaves the answer
//! open) and the writer's cases have no place in the shape.

use super::json::{obj, s, J};
use super::{input_str, tag, unhex, ExportedFile, LeftOut};
use asyncpay_harness::compare::reason_name;
use asyncpay_harness::vectors::{VectorFile, Verdict};
use asyncpay_reference::{bech32, tlv};

/// The exported file.
pub const FILE: &str = "bolt12/static-invoice-test.json";

/// The decoded fields of a TLV stream, as offers-test.json gives them.
pub fn fields(bytes: &[u8]) -> Result<J, String> {
    let st = tlv::parse(bytes).map_err(|e| e.to_string())?;
    Ok(J::Arr(
        st.records
            .iter()
            .map(|r| {
                obj(vec![
                    ("type", J::Num(r.tlv_type)),
                    ("length", J::Num(r.value.len() as u64)),
                    ("hex", s(hex::encode(r.value))),
                ])
            })
            .collect(),
    ))
}

/// The description of an exported case: the vector's, the reason of an
/// invalid one, then its tag.
pub fn description(f: &VectorFile, t: &asyncpay_harness::vectors::TestVector) -> String {
    let mut d = t.description.trim_end().to_string();
    if t.result == Verdict::Invalid {
        if !d.ends_with('.') {
            d.push('.');
        }
        let reason = t
            .expected
            .reason
            .map(reason_name)
            .unwrap_or_else(|| "unspecified".into());
        d.push_str(&format!(
            " Invalid ({reason}): breaks {}.",
            t.requirements.join(", ")
        ));
    }
    format!("{d} {}", tag(&f.area, &t.id))
}

/// Add the static invoice file to `out`.
pub fn export(
    name: &str,
    f: &VectorFile,
    out: &mut Vec<ExportedFile>,
    left: &mut Vec<LeftOut>,
) -> Result<(), String> {
    let mut cases = Vec::new();
    for t in &f.tests {
        let vector = format!("{}/{}", f.area, t.id);
        if t.op != "static_invoice.decode" {
            left.push(LeftOut {
                vector,
                why: format!("`{}`: a writer's case, no string to read", t.op),
            });
            continue;
        }
        if t.result == Verdict::Acceptable {
            left.push(LeftOut {
                vector,
                why: "acceptable (the draft leaves it open): `valid` cannot say".into(),
            });
            continue;
        }
        let bytes = unhex(name, t, "input.hex", input_str(name, t, "hex")?)?;
        let now = t
            .input
            .get("now")
            .and_then(|v| v.as_u64())
            .ok_or_else(|| format!("{name}: test {}: input.now is missing", t.id))?;
        let string = bech32::encode(bech32::HRP_INVOICE, &bytes)
            .map_err(|r| format!("{name}: test {}: {}", t.id, r.detail))?;
        let valid = t.result == Verdict::Valid;
        let mut e = obj(vec![
            ("description", s(description(f, t))),
            ("valid", J::Bool(valid)),
            ("bolt12", s(string)),
            ("now", J::Num(now)),
        ]);
        if valid {
            e.push(
                "fields",
                fields(&bytes).map_err(|m| format!("{name}: test {}: {m}", t.id))?,
            );
        }
        cases.push(e);
    }
    out.push(ExportedFile {
        path: FILE.into(),
        cases: cases.len(),
        text: J::Arr(cases).text(),
        shape: "`bolt12/offers-test.json`",
    });
    Ok(())
}
