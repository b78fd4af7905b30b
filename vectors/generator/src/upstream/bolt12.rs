//! The bolts repository's BOLT 12 vectors (`vectors/upstream/bolt12/`), one
//! case per entry or per intermediate value, run against the reference
//! model's bech32, offer and Merkle code.
//!
//! Several invalid entries of `offers-test.json` are invalid for another
//! reason than their description gives (e.g. "Contains type > 1999999999"
//! writes its type as `fd` followed by four bytes, so the stream is
//! truncated; the "blinded_path" entries give `offer_paths` a length of 2,
//! so what follows reads as out-of-order records). Upstream names no reason
//! class, so a case checks only that the offer is rejected.
//!
//! Case names are stable: `<kind>/<index>-<slug of the entry's description>`
//! plus, for signature entries, the value checked (`leaf<j>`, `branch<k>`,
//! `merkle`, `signature`).

use super::{load_json, UpstreamCase};
use asyncpay_reference::{bech32, merkle, offer, tlv};
use serde_json::Value;
use std::path::Path;

const OFFERS: &str = "bolt12/offers-test.json";
const SIGNATURES: &str = "bolt12/signature-test.json";
const FORMAT: &str = "bolt12/format-string-test.json";

/// A stable slug of a description: lower-case alphanumerics joined by `-`.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let t: String = out.trim_matches('-').chars().take(48).collect();
    t.trim_end_matches('-').to_string()
}

fn case(
    file: &'static str,
    name: String,
    check: impl Fn() -> Result<(), String> + Send + Sync + 'static,
) -> UpstreamCase {
    UpstreamCase {
        file,
        name,
        check: Box::new(check),
    }
}

fn entries(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

/// Every BOLT 12 case under `root` (the `vectors/upstream` directory).
pub fn cases(root: &Path) -> Vec<UpstreamCase> {
    let mut out = Vec::new();
    out.extend(offer_cases(root));
    out.extend(signature_cases(root));
    out.extend(format_cases(root));
    out
}

fn any_chain(_: &str) -> bool {
    true
}

fn offer_cases(root: &Path) -> Vec<UpstreamCase> {
    let json = match load_json(root, OFFERS) {
        Ok(j) => j,
        Err(c) => return vec![c],
    };
    entries(&json)
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let name = format!("offers/{i:02}-{}", slug(&text(&e, "description")));
            case(OFFERS, name, move || check_offer(&e))
        })
        .collect()
}

fn check_offer(e: &Value) -> Result<(), String> {
    check_string_entry(e, bech32::HRP_OFFER, &|s| {
        offer::decode_offer_string(s, &any_chain)
            .map(|(bytes, _)| bytes)
            .map_err(|r| format!("{r:?}"))
    })
}

/// Check one entry in the shape of `offers-test.json` (`valid`, `bolt12`,
/// and `fields` when valid) with `read`, which decodes and judges the
/// string: an invalid entry must be refused; a valid one accepted, its
/// records equal to `fields`, and its bytes re-encode (prefix `hrp`) to the
/// same string.
pub fn check_string_entry(
    e: &Value,
    hrp: &str,
    read: &dyn Fn(&str) -> Result<Vec<u8>, String>,
) -> Result<(), String> {
    let s = text(e, "bolt12");
    let valid = e
        .get("valid")
        .and_then(Value::as_bool)
        .ok_or("no 'valid'")?;
    let got = read(&s);
    if !valid {
        return match got {
            Ok(_) => Err("invalid string was accepted".into()),
            Err(_) => Ok(()),
        };
    }
    let bytes = got.map_err(|r| format!("valid string rejected: {r}"))?;
    let stream = tlv::parse(&bytes).map_err(|e| e.to_string())?;
    let want: Vec<(u64, u64, String)> = e
        .get("fields")
        .and_then(Value::as_array)
        .ok_or("no 'fields'")?
        .iter()
        .map(|f| {
            (
                f.get("type").and_then(Value::as_u64).unwrap_or(u64::MAX),
                f.get("length").and_then(Value::as_u64).unwrap_or(u64::MAX),
                text(f, "hex"),
            )
        })
        .collect();
    let have: Vec<(u64, u64, String)> = stream
        .records
        .iter()
        .map(|r| (r.tlv_type, r.value.len() as u64, hex::encode(r.value)))
        .collect();
    if have != want {
        return Err(format!("fields differ: have {have:?}, want {want:?}"));
    }
    let again = bech32::encode(hrp, &bytes).map_err(|r| r.detail)?;
    if again != s {
        return Err(format!("re-encoding gives {again}"));
    }
    Ok(())
}

/// The cases of a file in the shape of `offers-test.json` that holds
/// static invoices (prefix `lni`), each with the reader's clock `now`, as
/// `asyncpay vectors export --format bolts` writes them: each string is
/// read by the reference's static invoice reader under the draft's
/// numbers. Case names are `static_invoice/<index>-<slug>`.
pub fn static_invoice_cases(root: &Path, file: &'static str) -> Vec<UpstreamCase> {
    let json = match load_json(root, file) {
        Ok(j) => j,
        Err(c) => return vec![c],
    };
    entries(&json)
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let name = format!("static_invoice/{i:02}-{}", slug(&text(&e, "description")));
            case(file, name, move || {
                let now = e.get("now").and_then(Value::as_u64).ok_or("no 'now'")?;
                check_string_entry(&e, bech32::HRP_INVOICE, &|s| {
                    let bytes =
                        bech32::decode(s, bech32::HRP_INVOICE).map_err(|r| format!("{r:?}"))?;
                    asyncpay_reference::static_invoice::decode(
                        &bytes,
                        now,
                        &super::bolt04::upstream_profile(),
                    )
                    .map_err(|r| format!("{r:?}"))?;
                    Ok(bytes)
                })
            })
        })
        .collect()
}

/// The hex inside "H(`Tag`,<hex>)", if the key has that form.
fn key_hex<'a>(key: &'a str, tag: &str) -> Option<&'a str> {
    key.strip_prefix(&format!("H(`{tag}`,"))
        .and_then(|r| r.strip_suffix(')'))
        .filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()))
}

fn find<'a>(obj: &'a Value, prefix: &str) -> Option<(&'a str, &'a str)> {
    obj.as_object()?
        .iter()
        .find(|(k, _)| k.starts_with(prefix))
        .and_then(|(k, v)| v.as_str().map(|s| (k.as_str(), s)))
}

/// The signed stream of a signature-test entry: the `bolt12` string's bytes
/// when present, else the leaves' TLVs in order.
fn entry_stream(e: &Value) -> Result<Vec<u8>, String> {
    let s = text(e, "bolt12");
    if !s.is_empty() {
        let hrp = s.split('1').next().unwrap_or("").to_ascii_lowercase();
        return bech32::decode(&s, &hrp).map_err(|r| format!("bolt12 string: {r:?}"));
    }
    let mut out = Vec::new();
    for leaf in entries(e.get("leaves").unwrap_or(&Value::Null)) {
        let (k, _) = find(&leaf, "H(`LnLeaf`,").ok_or("leaf without LnLeaf")?;
        let h = key_hex(k, "LnLeaf").ok_or("bad LnLeaf key")?;
        out.extend(hex::decode(h).map_err(|e| e.to_string())?);
    }
    Ok(out)
}

fn tree_of(e: &Value) -> Result<merkle::Tree, String> {
    let stream = entry_stream(e)?;
    merkle::tree(&stream)
        .map_err(|r| format!("{r:?}"))?
        .ok_or_else(|| "empty stream".to_string())
}

fn signature_cases(root: &Path) -> Vec<UpstreamCase> {
    let json = match load_json(root, SIGNATURES) {
        Ok(j) => j,
        Err(c) => return vec![c],
    };
    let mut out = Vec::new();
    for (i, e) in entries(&json).into_iter().enumerate() {
        let base = format!("signature/{i}-{}", slug(&text(&e, "comment")));
        let leaves = entries(e.get("leaves").unwrap_or(&Value::Null));
        for (j, leaf) in leaves.into_iter().enumerate() {
            let e = e.clone();
            out.push(case(SIGNATURES, format!("{base}/leaf{j}"), move || {
                let t = tree_of(&e)?;
                let have = t.leaves.get(j).ok_or("no such leaf")?;
                let first = text(&e, "first-tlv");
                if hex::encode(&t.first_tlv) != first {
                    return Err(format!("first-tlv {}", hex::encode(&t.first_tlv)));
                }
                let (k, want_leaf) = find(&leaf, "H(`LnLeaf`,").ok_or("no LnLeaf")?;
                if key_hex(k, "LnLeaf") != Some(hex::encode(&have.tlv).as_str()) {
                    return Err(format!("leaf TLV is {}", hex::encode(&have.tlv)));
                }
                let (_, want_nonce) = find(&leaf, "H(`LnNonce`").ok_or("no LnNonce")?;
                let (_, want_branch) = find(&leaf, "H(`LnBranch`").ok_or("no LnBranch")?;
                for (what, h, w) in [
                    ("leaf", have.leaf, want_leaf),
                    ("nonce", have.nonce, want_nonce),
                    ("branch", have.branch, want_branch),
                ] {
                    if hex::encode(h) != w {
                        return Err(format!("{what}: have {}, want {w}", hex::encode(h)));
                    }
                }
                Ok(())
            }));
        }
        let branches = entries(e.get("branches").unwrap_or(&Value::Null));
        for (k, b) in branches.into_iter().enumerate() {
            let e = e.clone();
            out.push(case(SIGNATURES, format!("{base}/branch{k}"), move || {
                let t = tree_of(&e)?;
                let (key, want) = find(&b, "H(`LnBranch`,").ok_or("no LnBranch")?;
                let input = key_hex(key, "LnBranch").ok_or("bad LnBranch key")?;
                let found = t.branches.iter().find(|br| {
                    let mut joined = br.lesser.to_vec();
                    joined.extend_from_slice(&br.greater);
                    hex::encode(joined) == input
                });
                match found {
                    Some(br) if hex::encode(br.hash) == want => Ok(()),
                    Some(br) => Err(format!("branch hash {}", hex::encode(br.hash))),
                    None => Err(format!("no branch over {input}")),
                }
            }));
        }
        {
            let e = e.clone();
            out.push(case(SIGNATURES, format!("{base}/merkle"), move || {
                let t = tree_of(&e)?;
                let want_branches = entries(e.get("branches").unwrap_or(&Value::Null)).len();
                if t.branches.len() != want_branches {
                    return Err(format!(
                        "{} inner branches, want {want_branches}",
                        t.branches.len()
                    ));
                }
                let want = text(&e, "merkle");
                if hex::encode(t.root) != want {
                    return Err(format!("root {}, want {want}", hex::encode(t.root)));
                }
                Ok(())
            }));
        }
        if e.get("signature").is_some() {
            out.push(case(SIGNATURES, format!("{base}/signature"), move || {
                check_signature(&e)
            }));
        }
    }
    out
}

fn check_signature(e: &Value) -> Result<(), String> {
    let t = tree_of(e)?;
    let tag = merkle::signature_tag(&text(e, "tlv"), "signature");
    if tag != text(e, "signature_tag").as_bytes() {
        return Err(format!("tag {}", String::from_utf8_lossy(&tag)));
    }
    let digest = merkle::signature_digest(&tag, &t.root);
    let want = text(e, "H(signature_tag,merkle)");
    if hex::encode(digest) != want {
        return Err(format!("H(tag, merkle) {}", hex::encode(digest)));
    }
    let stream = entry_stream(e)?;
    let parsed = tlv::parse(&stream).map_err(|e| e.to_string())?;
    let sig_hex = text(e, "signature");
    let sig = hex::decode(&sig_hex).map_err(|e| e.to_string())?;
    if parsed.get(240) != Some(sig.as_slice()) {
        return Err("the string's signature record differs from 'signature'".into());
    }
    // An invoice_request is signed with invreq_payer_id (type 88).
    let payer = parsed.get(88).ok_or("no invreq_payer_id")?;
    merkle::verify(&tag, &t.root, &sig, payer).map_err(|r| r.detail)?;
    // The comment names the payer key (0x4242...): deterministic BIP340
    // signing without auxiliary randomness reproduces the signature exactly.
    if text(e, "comment").contains("Bob (privkey 0x424242...)") {
        let key = secp256k1::SecretKey::from_slice(&[0x42; 32]).map_err(|e| e.to_string())?;
        let again = merkle::sign(&tag, &t.root, &key);
        if hex::encode(again) != sig_hex {
            return Err(format!("re-signing gives {}", hex::encode(again)));
        }
    }
    Ok(())
}

fn format_cases(root: &Path) -> Vec<UpstreamCase> {
    let json = match load_json(root, FORMAT) {
        Ok(j) => j,
        Err(c) => return vec![c],
    };
    let all = entries(&json);
    let canonical = all.first().map(|e| text(e, "string")).unwrap_or_default();
    all.into_iter()
        .enumerate()
        .map(|(i, e)| {
            let name = format!("format/{i:02}-{}", slug(&text(&e, "comment")));
            let canonical = canonical.clone();
            case(FORMAT, name, move || {
                let valid = e
                    .get("valid")
                    .and_then(Value::as_bool)
                    .ok_or("no 'valid'")?;
                let got = bech32::decode(&text(&e, "string"), bech32::HRP_OFFER);
                match (valid, got) {
                    (false, Ok(_)) => Err("invalid string was accepted".into()),
                    (false, Err(_)) => Ok(()),
                    (true, Err(r)) => Err(format!("valid string rejected: {r:?}")),
                    (true, Ok(bytes)) => {
                        let want = bech32::decode(&canonical, bech32::HRP_OFFER)
                            .map_err(|r| format!("first entry: {r:?}"))?;
                        if bytes != want {
                            return Err("decodes to other bytes than the first entry".into());
                        }
                        offer::read_offer(&bytes, &any_chain)
                            .map(|_| ())
                            .map_err(|r| format!("offer rejected: {r:?}"))
                    }
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bolt12_upstream_case_passes() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../upstream");
        let cs = cases(&root);
        assert!(cs.len() > 80, "only {} cases", cs.len());
        let mut names = std::collections::BTreeSet::new();
        let mut failures = Vec::new();
        for c in &cs {
            assert!(
                names.insert(format!("{}:{}", c.file, c.name)),
                "duplicate {}",
                c.name
            );
            if let Err(e) = (c.check)() {
                failures.push(format!("{} {}: {e}", c.file, c.name));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
