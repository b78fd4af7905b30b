//! A finding's minimal input, decoded for a reader: a message's fixed
//! fields and its TLV records, a TLV stream record by record, a feature
//! vector's bits, or the JSON of a structured input. The TLV walk is
//! lenient (records out of order, repeated, non-minimal or cut short are
//! shown as they are, and where it cannot go on is said), since the input
//! of a finding is often malformed on purpose.

use serde_json::Value;

fn bigsize(b: &[u8], at: usize) -> Option<(u64, usize, bool)> {
    let first = *b.get(at)?;
    let (n, min) = match first {
        0xfd => (2, 0xfd),
        0xfe => (4, 0x1_0000),
        0xff => (8, 0x1_0000_0000),
        v => return Some((u64::from(v), 1, true)),
    };
    let bytes = b.get(at + 1..at + 1 + n)?;
    let v = bytes.iter().fold(0u64, |a, x| a << 8 | u64::from(*x));
    Some((v, 1 + n, v >= min))
}

fn short(h: &str) -> String {
    if h.len() > 132 {
        format!(
            "{}…{} ({} bytes)",
            &h[..64],
            &h[h.len() - 64..],
            h.len() / 2
        )
    } else {
        h.to_string()
    }
}

/// The records of a TLV stream, one line each, leniently.
pub fn tlv_lines(b: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut last: Option<u64> = None;
    while at < b.len() {
        let Some((t, tn, tmin)) = bigsize(b, at) else {
            out.push(format!(
                "offset {at}: a type cut short: {}",
                hex::encode(&b[at..])
            ));
            break;
        };
        let Some((l, ln, lmin)) = bigsize(b, at + tn) else {
            out.push(format!("offset {at}: type {t}, its length cut short"));
            break;
        };
        let start = at + tn + ln;
        let end = start.saturating_add(l as usize);
        let mut notes = Vec::new();
        if !tmin {
            notes.push("type not minimally encoded");
        }
        if !lmin {
            notes.push("length not minimally encoded");
        }
        match last {
            Some(p) if p == t => notes.push("repeated type"),
            Some(p) if p > t => notes.push("out of order"),
            _ => {}
        }
        if end > b.len() {
            out.push(format!(
                "offset {at}: type {t}, length {l}: runs past the end ({} bytes left)",
                b.len() - start.min(b.len())
            ));
            break;
        }
        let note = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join(", "))
        };
        out.push(format!(
            "type {t}, length {l}: {}{note}",
            if l == 0 {
                "(empty)".to_string()
            } else {
                short(&hex::encode(&b[start..end]))
            }
        ));
        last = Some(t);
        at = end;
    }
    if out.is_empty() {
        out.push("(no records)".into());
    }
    out
}

fn message_lines(b: &[u8], fields: &[(&str, usize)]) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = 0;
    for (name, n) in fields {
        match b.get(at..at + n) {
            Some(v) if *name == "type" => {
                out.push(format!("type: {}", u16::from_be_bytes([v[0], v[1]])))
            }
            Some(v) if *n <= 8 => out.push(format!(
                "{name}: {}",
                v.iter().fold(0u64, |a, x| a << 8 | u64::from(*x))
            )),
            Some(v) => out.push(format!("{name}: {}", short(&hex::encode(v)))),
            None => {
                out.push(format!("{name}: cut short at byte {at}"));
                return out;
            }
        }
        at += n;
    }
    out.push("tlvs:".into());
    out.extend(tlv_lines(&b[at..]).into_iter().map(|l| format!("  {l}")));
    out
}

fn feature_bits(b: &[u8]) -> Vec<usize> {
    let mut bits = Vec::new();
    for (i, byte) in b.iter().rev().enumerate() {
        for j in 0..8 {
            if byte >> j & 1 == 1 {
                bits.push(i * 8 + j);
            }
        }
    }
    bits
}

/// The decoded form of a vector's input for operation `op`, as lines.
pub fn decode(op: &str, input: &Value) -> Vec<String> {
    let hex_of = |k: &str| {
        input
            .get(k)
            .and_then(Value::as_str)
            .and_then(|h| hex::decode(h).ok())
    };
    match op {
        "update_add_htlc.decode" => hex_of("hex")
            .map(|b| {
                message_lines(
                    &b,
                    &[
                        ("type", 2),
                        ("channel_id", 32),
                        ("id", 8),
                        ("amount_msat", 8),
                        ("payment_hash", 32),
                        ("cltv_expiry", 4),
                        ("onion_routing_packet", 1366),
                    ],
                )
            })
            .unwrap_or_default(),
        "revoke_and_ack.decode" => hex_of("hex")
            .map(|b| {
                message_lines(
                    &b,
                    &[
                        ("type", 2),
                        ("channel_id", 32),
                        ("per_commitment_secret", 32),
                        ("next_per_commitment_point", 33),
                    ],
                )
            })
            .unwrap_or_default(),
        "static_invoice.decode" | "invoice_request.decode" => {
            let mut out: Vec<String> = input
                .get("now")
                .and_then(Value::as_u64)
                .map(|n| vec![format!("reader's clock: {n}")])
                .unwrap_or_default();
            if let Some(b) = hex_of("hex") {
                out.extend(tlv_lines(&b));
            }
            out
        }
        "features.check" => {
            let ctx = input.get("context").and_then(Value::as_str).unwrap_or("");
            let bits = hex_of("hex").map(|b| feature_bits(&b)).unwrap_or_default();
            vec![format!("context: {ctx}"), format!("bits set: {bits:?}")]
        }
        "scenario.run" => scenario_lines(input),
        _ => serde_json::to_string_pretty(input)
            .unwrap_or_default()
            .lines()
            .map(|l| {
                if l.len() > 160 {
                    format!("{}…", l.chars().take(160).collect::<String>())
                } else {
                    l.to_string()
                }
            })
            .collect(),
    }
}

/// A scenario step by step: its role under test, then each event given
/// and each expectation judged, one line each.
fn scenario_lines(input: &Value) -> Vec<String> {
    let compact = |v: &Value| serde_json::to_string(v).unwrap_or_default();
    let mut out = vec![format!(
        "role under test: {}",
        input
            .get("role_under_test")
            .and_then(Value::as_str)
            .unwrap_or("?")
    )];
    let steps = input
        .get("steps")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (i, s) in steps.iter().enumerate() {
        if let Some(e) = s.get("event") {
            out.push(format!("step {i}: event {}", compact(e)));
        } else if let Some(x) = s.get("expect") {
            let level = x.get("level").and_then(Value::as_str).unwrap_or("?");
            let check = x.get("check").map(compact).unwrap_or_default();
            out.push(format!("step {i}: expect ({level}) {check}"));
        } else {
            out.push(format!("step {i}: {}", compact(s)));
        }
    }
    out
}

/// The hex of an input: its `hex` or `string` field, else its JSON.
pub fn raw(input: &Value) -> String {
    for k in ["hex", "string", "onion_message", "encrypted_recipient_data"] {
        if let Some(h) = input.get(k).and_then(Value::as_str) {
            return h.to_string();
        }
    }
    serde_json::to_string(input).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lenient_walk_names_what_is_wrong() {
        // type 2 empty, type 0 (out of order), type fd0001 (non-minimal), then a cut record.
        let b = hex::decode("02000000fd000100ff").unwrap();
        let l = tlv_lines(&b);
        assert_eq!(l[0], "type 2, length 0: (empty)");
        assert!(l[1].contains("out of order"), "{l:?}");
        assert!(l[2].contains("type not minimally encoded"), "{l:?}");
        assert!(l[3].contains("cut short"), "{l:?}");
    }

    #[test]
    fn bits_are_counted_from_the_right() {
        assert_eq!(feature_bits(&[0x20, 0, 0, 0, 0, 0, 0]), vec![53]);
    }
}
