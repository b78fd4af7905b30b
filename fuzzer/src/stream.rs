//! A TLV stream as mutators see it (BOLT 1): records whose type and length
//! may be written non-minimally or wrongly on purpose, or, when the bytes do
//! not split into records, the bytes themselves.

use asyncpay_reference::bigsize;

/// One record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The type.
    pub ty: u64,
    /// The value.
    pub value: Vec<u8>,
    /// The type's encoding, when it is not the minimal BigSize of `ty`.
    pub ty_bytes: Option<Vec<u8>>,
    /// The length's encoding, when it is not the minimal BigSize of the
    /// value's length (a non-minimal or a wrong length).
    pub len_bytes: Option<Vec<u8>>,
}

impl Record {
    /// A record written minimally.
    pub fn new(ty: u64, value: Vec<u8>) -> Record {
        Record {
            ty,
            value,
            ty_bytes: None,
            len_bytes: None,
        }
    }
}

/// A stream: records, or bytes that do not split into records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Records in stream order (not necessarily increasing).
    Records(Vec<Record>),
    /// Bytes.
    Raw(Vec<u8>),
}

/// A BigSize read leniently: a non-minimal encoding is read for its value
/// (the reference's reader, rightly, refuses it), with its length.
fn lenient_bigsize(b: &[u8]) -> Option<(u64, usize)> {
    let (&first, rest) = b.split_first()?;
    let width = match first {
        0xfd => 2,
        0xfe => 4,
        0xff => 8,
        v => return Some((u64::from(v), 1)),
    };
    let bytes = rest.get(..width)?;
    let v = bytes.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x));
    Some((v, 1 + width))
}

impl Stream {
    /// Split `bytes` into records (types and lengths read as BigSize, any
    /// order); bytes that do not split are kept raw.
    pub fn parse(bytes: &[u8]) -> Stream {
        let mut records = Vec::new();
        let mut rest = bytes;
        while !rest.is_empty() {
            let Some((ty, n)) = lenient_bigsize(rest) else {
                return Stream::Raw(bytes.to_vec());
            };
            let ty_raw = &rest[..n];
            rest = &rest[n..];
            let Some((len, m)) = lenient_bigsize(rest) else {
                return Stream::Raw(bytes.to_vec());
            };
            let len_raw = &rest[..m];
            rest = &rest[m..];
            let Ok(len) = usize::try_from(len) else {
                return Stream::Raw(bytes.to_vec());
            };
            if len > rest.len() {
                return Stream::Raw(bytes.to_vec());
            }
            let value = rest[..len].to_vec();
            rest = &rest[len..];
            let mut r = Record::new(ty, value);
            if ty_raw != bigsize::to_vec(ty).as_slice() {
                r.ty_bytes = Some(ty_raw.to_vec());
            }
            if len_raw != bigsize::to_vec(len as u64).as_slice() {
                r.len_bytes = Some(len_raw.to_vec());
            }
            records.push(r);
        }
        Stream::Records(records)
    }

    /// The bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Stream::Raw(b) => b.clone(),
            Stream::Records(rs) => {
                let mut out = Vec::new();
                for r in rs {
                    match &r.ty_bytes {
                        Some(b) => out.extend_from_slice(b),
                        None => bigsize::encode(r.ty, &mut out),
                    }
                    match &r.len_bytes {
                        Some(b) => out.extend_from_slice(b),
                        None => bigsize::encode(r.value.len() as u64, &mut out),
                    }
                    out.extend_from_slice(&r.value);
                }
                out
            }
        }
    }

    /// Records plus bytes, for shrinking.
    pub fn size(&self) -> usize {
        match self {
            Stream::Raw(b) => b.len(),
            Stream::Records(rs) => rs.iter().map(|r| 1 + r.value.len()).sum(),
        }
    }

    /// The types, in stream order.
    pub fn types(&self) -> Vec<u64> {
        match self {
            Stream::Raw(_) => Vec::new(),
            Stream::Records(rs) => rs.iter().map(|r| r.ty).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_with_their_encodings() {
        // type 1 len 2; type 0xfd0001 (non-minimal 1) len 0; a length written
        // non-minimally.
        let bytes = hex::decode("0102abcd".to_string() + "fd000100" + "03fd000101").unwrap();
        let s = Stream::parse(&bytes);
        match &s {
            Stream::Records(rs) => {
                assert_eq!(rs.len(), 3);
                assert_eq!(rs[1].ty, 1);
                assert!(rs[1].ty_bytes.is_some() && rs[2].len_bytes.is_some());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(s.to_bytes(), bytes);
        assert_eq!(
            Stream::parse(&[0x01, 0x05, 0x00]),
            Stream::Raw(vec![1, 5, 0])
        );
    }
}
