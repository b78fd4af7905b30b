//! BOLT 12 string encoding: bech32 characters without a checksum.
//!
//! BOLT 12 ("Encoding"): "The supported ASCII encoding is the human-readable
//! prefix, followed by a `1`, followed by a bech32-style data string of the
//! TLVs in order, optionally interspersed with `+` (for indicating additional
//! data is to come). There is no checksum, unlike bech32m."
//!
//! Readers "MUST handle strings which are all lowercase, or all uppercase"
//! and, "if it encounters a `+` followed by zero or more whitespace
//! characters between two bech32 characters: MUST remove the `+` and
//! whitespace". A `+` anywhere else (first, last, doubled, or next to the
//! separator's neighbours being non-alphanumeric) is an error, as in the
//! upstream `format-string-test.json`.
//!
//! The charset, case handling and 5-to-8-bit conversion come from the
//! `bech32` crate (its `NoChecksum` variant). The padding rule is BIP 173's:
//! an incomplete final group must be at most 4 bits and all zero.

use crate::rules::{self, Rule};
use asyncpay_adapter::{ReasonClass, Rejection};
use bech32::primitives::decode::CheckedHrpstring;
use bech32::{Hrp, NoChecksum};

/// Human-readable prefix of offers.
pub const HRP_OFFER: &str = "lno";
/// Human-readable prefix of invoice requests.
pub const HRP_INVOICE_REQUEST: &str = "lnr";
/// Human-readable prefix of invoices.
pub const HRP_INVOICE: &str = "lni";

fn bech32_err(detail: impl Into<String>) -> Rejection {
    Rejection::new(ReasonClass::Bech32, detail)
}

/// Remove `+` continuations (each followed by optional whitespace) that sit
/// between two bech32 (alphanumeric) characters; reject any other `+` or
/// whitespace.
pub fn join_continuations(s: &str) -> Result<String, Rejection> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '+' {
            let before_ok = out
                .chars()
                .last()
                .is_some_and(|p| p.is_ascii_alphanumeric());
            let mut j = i + 1;
            while chars.get(j).is_some_and(|w| w.is_whitespace()) {
                j += 1;
            }
            let after_ok = chars.get(j).is_some_and(|n| n.is_ascii_alphanumeric());
            if rules::rejects(Rule::StringContinuation, !before_ok || !after_ok) {
                return Err(bech32_err(format!(
                    "'+' at character {i} is not between two bech32 characters"
                )));
            }
            i = j;
            continue;
        }
        if c.is_whitespace() {
            if !rules::rejects(Rule::StringContinuation, true) {
                i += 1;
                continue;
            }
            return Err(bech32_err(format!(
                "whitespace at character {i} not after a '+'"
            )));
        }
        out.push(c);
        i += 1;
    }
    Ok(out)
}

/// Decode a BOLT 12 string whose prefix must be `hrp` (e.g. [`HRP_OFFER`]).
/// Returns the TLV stream bytes.
pub fn decode(s: &str, hrp: &str) -> Result<Vec<u8>, Rejection> {
    let mut joined = join_continuations(s)?;
    let mixed = joined.chars().any(|c| c.is_ascii_lowercase())
        && joined.chars().any(|c| c.is_ascii_uppercase());
    if mixed && !rules::rejects(Rule::StringCase, true) {
        joined = joined.to_ascii_lowercase();
    }
    let parsed = CheckedHrpstring::new::<NoChecksum>(&joined)
        .map_err(|e| bech32_err(format!("not a bech32 string: {e}")))?;
    let got: String = parsed.hrp().lowercase_char_iter().collect();
    if got != hrp {
        return Err(Rejection::new(
            ReasonClass::WrongHrp,
            format!("prefix {got:?}, expected {hrp:?}"),
        ));
    }
    let data = parsed.data_part_ascii_no_checksum();
    let padding_bits = (data.len() * 5) % 8;
    if rules::rejects(Rule::StringPadding, padding_bits > 4) {
        return Err(bech32_err(format!(
            "{padding_bits} bits of padding (at most 4 allowed)"
        )));
    }
    if padding_bits > 0 && !rules::knocked_out(Rule::StringPadding) {
        let last = data
            .last()
            .and_then(|c| bech32::Fe32::from_char(char::from(*c)).ok())
            .map(|fe| fe.to_u8())
            .unwrap_or(0);
        if rules::rejects(Rule::StringPadding, last & ((1u8 << padding_bits) - 1) != 0) {
            return Err(bech32_err("non-zero padding bits"));
        }
    }
    Ok(parsed.byte_iter().collect())
}

/// Encode `data` as a lower-case BOLT 12 string with prefix `hrp`.
pub fn encode(hrp: &str, data: &[u8]) -> Result<String, Rejection> {
    let hrp = Hrp::parse(hrp).map_err(|e| bech32_err(format!("bad prefix: {e}")))?;
    bech32::encode_lower::<NoChecksum>(hrp, data).map_err(|e| bech32_err(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFER: &str = "lno1zcss9mk8y3wkklfvevcrszlmu23kfrxh49px20665dqwmn4p72pksese";

    #[test]
    fn round_trip_and_case() {
        let b = decode(OFFER, HRP_OFFER).unwrap();
        assert_eq!(b[0], 22);
        assert_eq!(encode(HRP_OFFER, &b).unwrap(), OFFER);
        assert_eq!(decode(&OFFER.to_uppercase(), HRP_OFFER).unwrap(), b);
        let mut mixed = OFFER.to_string();
        mixed.replace_range(0..1, "L");
        assert_eq!(
            decode(&mixed, HRP_OFFER).unwrap_err().reason,
            ReasonClass::Bech32
        );
    }

    #[test]
    fn continuations() {
        assert_eq!(join_continuations("ab+ \r\n cd").unwrap(), "abcd");
        assert!(join_continuations("+ab").is_err());
        assert!(join_continuations("ab+").is_err());
        assert!(join_continuations("a++b").is_err());
        assert!(join_continuations("a b").is_err());
    }

    #[test]
    fn hrp_and_padding() {
        let e = decode(OFFER, HRP_INVOICE).unwrap_err();
        assert_eq!(e.reason, ReasonClass::WrongHrp);
        let e = decode(&format!("{OFFER}q"), HRP_OFFER).unwrap_err();
        assert_eq!(e.reason, ReasonClass::Bech32);
    }
}
