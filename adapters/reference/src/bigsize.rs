//! BigSize (BOLT 1 "Appendix A"): a big-endian variable-length integer
//! whose encoding must be minimal.

use std::fmt;

/// Why a BigSize did not decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BigSizeError {
    /// Fewer bytes than the encoding announces.
    Truncated,
    /// A value encoded in more bytes than it needs.
    NonMinimal,
}

impl fmt::Display for BigSizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BigSizeError::Truncated => f.write_str("BigSize truncated"),
            BigSizeError::NonMinimal => f.write_str("BigSize not minimally encoded"),
        }
    }
}

impl std::error::Error for BigSizeError {}

/// Decode a BigSize at the start of `bytes`; returns the value and the
/// number of bytes it used.
pub fn decode(bytes: &[u8]) -> Result<(u64, usize), BigSizeError> {
    let first = *bytes.first().ok_or(BigSizeError::Truncated)?;
    let (width, min) = match first {
        0..=0xfc => return Ok((u64::from(first), 1)),
        0xfd => (2, 0xfd),
        0xfe => (4, 0x1_0000),
        0xff => (8, 0x1_0000_0000),
    };
    let body = bytes.get(1..1 + width).ok_or(BigSizeError::Truncated)?;
    let value = body.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b));
    if value < min {
        return Err(BigSizeError::NonMinimal);
    }
    Ok((value, 1 + width))
}

/// Decode a BigSize at its value, minimal or not (for a reader whose
/// minimality rule is knocked out); `None` when truncated.
pub fn decode_any(bytes: &[u8]) -> Option<(u64, usize)> {
    let first = *bytes.first()?;
    let width = match first {
        0..=0xfc => return Some((u64::from(first), 1)),
        0xfd => 2,
        0xfe => 4,
        0xff => 8,
    };
    let body = bytes.get(1..1 + width)?;
    Some((
        body.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b)),
        1 + width,
    ))
}

/// Append the minimal BigSize encoding of `value` to `out`.
pub fn encode(value: u64, out: &mut Vec<u8>) {
    match value {
        0..=0xfc => out.push(value as u8),
        0xfd..=0xffff => {
            out.push(0xfd);
            out.extend_from_slice(&(value as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(0xfe);
            out.extend_from_slice(&(value as u32).to_be_bytes());
        }
        _ => {
            out.push(0xff);
            out.extend_from_slice(&value.to_be_bytes());
        }
    }
}

/// The minimal BigSize encoding of `value`.
pub fn to_vec(value: u64) -> Vec<u8> {
    let mut v = Vec::with_capacity(9);
    encode(value, &mut v);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    // Values and encodings from BOLT 1 Appendix A (BigSize decoding tests).
    #[test]
    fn bolt1_appendix_a() {
        let ok: &[(u64, &str)] = &[
            (0, "00"),
            (252, "fc"),
            (253, "fd00fd"),
            (65535, "fdffff"),
            (65536, "fe00010000"),
            (4294967295, "feffffffff"),
            (4294967296, "ff0000000100000000"),
            (18446744073709551615, "ffffffffffffffffff"),
        ];
        for (v, h) in ok {
            let b = hex::decode(h).unwrap();
            assert_eq!(decode(&b), Ok((*v, b.len())), "{h}");
            assert_eq!(to_vec(*v), b, "{v}");
        }
        for h in ["fd00fc", "fe0000ffff", "ff00000000ffffffff"] {
            assert_eq!(
                decode(&hex::decode(h).unwrap()),
                Err(BigSizeError::NonMinimal),
                "{h}"
            );
        }
        for h in ["fd00", "feffff", "ffffffffff", "", "fd", "fe", "ff"] {
            assert_eq!(
                decode(&hex::decode(h).unwrap()),
                Err(BigSizeError::Truncated),
                "{h}"
            );
        }
    }
}
