//! TLV streams with every BOLT 1 reader rule.
//!
//! BOLT 1 ("Type-Length-Value Format", requirements for the reader): types
//! must be strictly increasing (which also rules out duplicates), type and
//! length must be minimal BigSize, a length must not overrun the stream,
//! unknown even types must be rejected and unknown odd types ignored.
//! [`parse`] applies the structural rules; [`Stream::check_known`] applies
//! the even/odd rule once the caller says which types it knows.

use crate::bigsize::{self, BigSizeError};
use crate::rules::{self, Rule};
use asyncpay_adapter::ReasonClass;
use std::fmt;

/// One TLV record, borrowing its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// The type.
    pub tlv_type: u64,
    /// The value.
    pub value: &'a [u8],
    /// The whole record as it was on the wire (type, length and value).
    pub raw: &'a [u8],
}

/// A parsed TLV stream: its records in stream order.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Stream<'a> {
    /// The records, strictly increasing by type.
    pub records: Vec<Record<'a>>,
}

/// Why a TLV stream was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlvError {
    /// A type or length BigSize is truncated, or a value overruns the stream.
    Truncated {
        /// Where in the stream.
        offset: usize,
    },
    /// A type or length BigSize is not minimal.
    NonMinimal {
        /// Where in the stream.
        offset: usize,
    },
    /// A type not greater than the one before it.
    OutOfOrder {
        /// The previous type.
        previous: u64,
        /// The offending type.
        tlv_type: u64,
    },
    /// A type equal to the one before it.
    Duplicate {
        /// The repeated type.
        tlv_type: u64,
    },
    /// An even type the reader does not know.
    UnknownEven {
        /// The type.
        tlv_type: u64,
    },
}

impl TlvError {
    /// The reason class of this error.
    pub fn class(&self) -> ReasonClass {
        match self {
            TlvError::Truncated { .. } => ReasonClass::Truncated,
            TlvError::NonMinimal { .. } => ReasonClass::NonMinimalBigsize,
            TlvError::OutOfOrder { .. } => ReasonClass::TlvOutOfOrder,
            TlvError::Duplicate { .. } => ReasonClass::TlvDuplicate,
            TlvError::UnknownEven { .. } => ReasonClass::UnknownEvenType,
        }
    }
}

impl fmt::Display for TlvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlvError::Truncated { offset } => write!(f, "TLV stream truncated at byte {offset}"),
            TlvError::NonMinimal { offset } => {
                write!(f, "non-minimal BigSize at byte {offset}")
            }
            TlvError::OutOfOrder { previous, tlv_type } => {
                write!(f, "TLV type {tlv_type} after type {previous}")
            }
            TlvError::Duplicate { tlv_type } => write!(f, "TLV type {tlv_type} appears twice"),
            TlvError::UnknownEven { tlv_type } => write!(f, "unknown even TLV type {tlv_type}"),
        }
    }
}

impl std::error::Error for TlvError {}

fn bigsize_at(bytes: &[u8], offset: usize) -> Result<(u64, usize), TlvError> {
    match bigsize::decode(&bytes[offset..]) {
        Ok(v) => {
            rules::consult(Rule::TlvMinimalBigSize);
            Ok(v)
        }
        Err(BigSizeError::Truncated) => Err(TlvError::Truncated { offset }),
        Err(BigSizeError::NonMinimal) => {
            if rules::rejects(Rule::TlvMinimalBigSize, true) {
                Err(TlvError::NonMinimal { offset })
            } else {
                bigsize::decode_any(&bytes[offset..]).ok_or(TlvError::Truncated { offset })
            }
        }
    }
}

/// Parse a whole TLV stream, applying the structural rules of BOLT 1.
pub fn parse(bytes: &[u8]) -> Result<Stream<'_>, TlvError> {
    let mut records = Vec::new();
    let mut offset = 0;
    let mut previous: Option<u64> = None;
    loop {
        if offset >= bytes.len() {
            // Zero bytes remain before a type: stop. (Knocked out, a reader
            // that reads on finds no type.)
            if rules::knocked_out(Rule::TlvStopAtEnd) {
                return Err(TlvError::Truncated { offset });
            }
            rules::consult(Rule::TlvStopAtEnd);
            break;
        }
        let start = offset;
        let header = bigsize_at(bytes, offset).and_then(|(tlv_type, n)| {
            let (len, m) = bigsize_at(bytes, offset + n)?;
            let value_at = offset + n + m;
            let end = usize::try_from(len)
                .ok()
                .and_then(|l| value_at.checked_add(l))
                .filter(|end| *end <= bytes.len())
                .ok_or(TlvError::Truncated { offset: value_at })?;
            Ok((tlv_type, value_at, end))
        });
        let (tlv_type, value_at, end) = match header {
            Ok(h) => {
                rules::consult(Rule::TlvLengthOverrun);
                h
            }
            Err(e @ TlvError::Truncated { .. }) => {
                if rules::rejects(Rule::TlvLengthOverrun, true) {
                    return Err(e);
                }
                break;
            }
            Err(e) => return Err(e),
        };
        if let Some(p) = previous {
            if rules::rejects(Rule::TlvDuplicate, tlv_type == p) {
                return Err(TlvError::Duplicate { tlv_type });
            }
            if rules::rejects(Rule::TlvIncreasing, tlv_type < p) {
                return Err(TlvError::OutOfOrder {
                    previous: p,
                    tlv_type,
                });
            }
        }
        previous = Some(tlv_type);
        records.push(Record {
            tlv_type,
            value: &bytes[value_at..end],
            raw: &bytes[start..end],
        });
        offset = end;
    }
    Ok(Stream { records })
}

impl<'a> Stream<'a> {
    /// The value of the record of type `t`, if present.
    pub fn get(&self, t: u64) -> Option<&'a [u8]> {
        self.records
            .iter()
            .find(|r| r.tlv_type == t)
            .map(|r| r.value)
    }

    /// Reject the first unknown even type; `known` says which types the reader knows.
    pub fn check_known(&self, known: impl Fn(u64) -> bool) -> Result<(), TlvError> {
        match self.records.iter().find(|r| {
            rules::rejects(
                Rule::TlvUnknownEven,
                r.tlv_type % 2 == 0 && !known(r.tlv_type),
            )
        }) {
            Some(r) => Err(TlvError::UnknownEven {
                tlv_type: r.tlv_type,
            }),
            None => Ok(()),
        }
    }

    /// The records whose type `known` does not accept (the ones a reader keeps and ignores).
    pub fn unknown(&self, known: impl Fn(u64) -> bool) -> Vec<Record<'a>> {
        self.records
            .iter()
            .filter(|r| !known(r.tlv_type))
            .copied()
            .collect()
    }
}

/// Append one record to `out`.
pub fn write_record(out: &mut Vec<u8>, tlv_type: u64, value: &[u8]) {
    bigsize::encode(tlv_type, out);
    bigsize::encode(value.len() as u64, out);
    out.extend_from_slice(value);
}

/// Write records sorted by type (stable for equal types, so a caller that
/// wants a duplicate gets one).
pub fn write_stream(records: &mut [(u64, Vec<u8>)]) -> Vec<u8> {
    records.sort_by_key(|(t, _)| *t);
    let mut out = Vec::new();
    for (t, v) in records.iter() {
        write_record(&mut out, *t, v);
    }
    out
}

/// A truncated unsigned integer (`tu16`, `tu32`, `tu64`): big-endian with
/// no leading zero bytes. `None` if not minimal or longer than `max` bytes.
pub fn read_tu64(value: &[u8], max: usize) -> Option<u64> {
    if value.len() > max || value.first() == Some(&0) {
        return None;
    }
    Some(value.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b)))
}

/// The truncated encoding of `v`.
pub fn write_tu64(v: u64) -> Vec<u8> {
    let b = v.to_be_bytes();
    let skip = b.iter().take_while(|x| **x == 0).count();
    b[skip..].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(h: &str) -> Result<Vec<(u64, Vec<u8>)>, TlvError> {
        let b = hex::decode(h).unwrap();
        parse(&b).map(|s| {
            s.records
                .iter()
                .map(|r| (r.tlv_type, r.value.to_vec()))
                .collect()
        })
    }

    #[test]
    fn structural_rules() {
        assert_eq!(p("").unwrap(), vec![]);
        assert_eq!(p("0100").unwrap(), vec![(1, vec![])]);
        assert_eq!(
            p("01012a03022b2c").unwrap(),
            vec![(1, vec![0x2a]), (3, vec![0x2b, 0x2c])]
        );
        assert!(matches!(p("0302aa"), Err(TlvError::Truncated { .. })));
        assert!(matches!(p("fd0001"), Err(TlvError::NonMinimal { .. })));
        assert!(matches!(p("03000100"), Err(TlvError::OutOfOrder { .. })));
        assert!(matches!(
            p("01000100"),
            Err(TlvError::Duplicate { tlv_type: 1 })
        ));
        assert!(matches!(p("01fd0001"), Err(TlvError::NonMinimal { .. })));
        assert!(matches!(p("01ff"), Err(TlvError::Truncated { .. })));
    }

    #[test]
    fn even_odd_rule() {
        let b = hex::decode("01000200").unwrap();
        let s = parse(&b).unwrap();
        assert_eq!(
            s.check_known(|t| t == 1),
            Err(TlvError::UnknownEven { tlv_type: 2 })
        );
        assert_eq!(s.check_known(|t| t == 2), Ok(()));
        assert_eq!(s.unknown(|t| t == 2).len(), 1);
    }

    #[test]
    fn tu64() {
        assert_eq!(write_tu64(0), Vec::<u8>::new());
        assert_eq!(write_tu64(0x0102), vec![1, 2]);
        assert_eq!(read_tu64(&[1, 2], 8), Some(0x102));
        assert_eq!(read_tu64(&[0, 2], 8), None);
        assert_eq!(read_tu64(&[], 8), Some(0));
        assert_eq!(read_tu64(&[1; 9], 8), None);
    }
}
