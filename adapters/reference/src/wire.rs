//! Fixed-width wire fields (BOLT 1 "Fundamental Types") and the BOLT 12 /
//! BOLT 4 `blinded_path` and `blinded_payinfo` encodings.

use crate::rules::{self, Rule};
use asyncpay_adapter::blinding::{BlindedHopView, BlindedPathView};
use asyncpay_adapter::invoice::BlindedPayInfo;
use asyncpay_adapter::{ReasonClass, Rejection};
use secp256k1::PublicKey;
use std::cell::RefCell;
use std::collections::HashMap;

/// A cursor over bytes being read; every read is bounds-checked.
#[derive(Clone, Debug)]
pub struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    what: &'static str,
    length_rule: Option<Rule>,
    point_rule: Option<Rule>,
}

fn truncated(what: &str, pos: usize) -> Rejection {
    Rejection::new(
        ReasonClass::Truncated,
        format!("{what} truncated at byte {pos}"),
    )
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `bytes`; `what` names the field in errors.
    pub fn new(bytes: &'a [u8], what: &'static str) -> Cursor<'a> {
        Cursor {
            bytes,
            pos: 0,
            what,
            length_rule: None,
            point_rule: None,
        }
    }

    /// The rules this cursor's reads enforce ([`crate::rules`]): `length`
    /// for a field cut short or bytes left over (it cannot be read past, so
    /// it rejects even when knocked out), `point` for a point off the curve
    /// (knocked out: the bytes are taken as they are).
    pub fn with_rules(mut self, length: Rule, point: Rule) -> Cursor<'a> {
        self.length_rule = Some(length);
        self.point_rule = Some(point);
        self
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// True when every byte was read.
    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], Rejection> {
        if self.remaining() < n {
            if let Some(r) = self.length_rule {
                rules::fire(r);
            }
            return Err(truncated(self.what, self.pos));
        }
        if let Some(r) = self.length_rule {
            rules::consult(r);
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// The next `N` bytes as an array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], Rejection> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    /// A `byte`.
    pub fn u8(&mut self) -> Result<u8, Rejection> {
        Ok(self.array::<1>()?[0])
    }

    /// A big-endian `u16`.
    pub fn u16(&mut self) -> Result<u16, Rejection> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    /// A big-endian `u32`.
    pub fn u32(&mut self) -> Result<u32, Rejection> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    /// A big-endian `u64`.
    pub fn u64(&mut self) -> Result<u64, Rejection> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    /// A 33-byte compressed `point`, checked to be on the curve.
    pub fn point(&mut self) -> Result<[u8; 33], Rejection> {
        let p: [u8; 33] = self.array()?;
        if let Err(e) = check_point(&p, self.what) {
            match self.point_rule {
                Some(r) if !rules::rejects(r, true) => {}
                _ => return Err(e),
            }
        }
        Ok(p)
    }

    /// Fail with [`ReasonClass::TrailingBytes`] unless every byte was read.
    pub fn finish(&self) -> Result<(), Rejection> {
        if self.is_empty() {
            if let Some(r) = self.length_rule {
                rules::consult(r);
            }
            Ok(())
        } else {
            if let Some(r) = self.length_rule {
                rules::fire(r);
            }
            Err(Rejection::new(
                ReasonClass::TrailingBytes,
                format!("{} has {} bytes left over", self.what, self.remaining()),
            ))
        }
    }
}

/// Points this thread has decompressed, and whether each was valid.
///
/// Decompressing a point (a square root in the field) is the costliest step
/// of most readers here, and the fuzzer, the scenarios and the vectors meet
/// the same few points again and again. The answer is a pure function of the
/// 33 bytes, so a small memo of it changes no result. Bounded: it is emptied
/// when it holds [`POINT_MEMO_SIZE`] points.
const POINT_MEMO_SIZE: usize = 4096;

thread_local! {
    static POINTS: RefCell<HashMap<[u8; 33], Option<PublicKey>>> =
        RefCell::new(HashMap::with_capacity(POINT_MEMO_SIZE));
}

fn parse_point(bytes: &[u8]) -> Option<PublicKey> {
    let Ok(key) = <[u8; 33]>::try_from(bytes) else {
        return PublicKey::from_slice(bytes).ok();
    };
    POINTS.with(|memo| {
        let mut memo = memo.borrow_mut();
        if let Some(p) = memo.get(&key) {
            return *p;
        }
        if memo.len() >= POINT_MEMO_SIZE {
            memo.clear();
        }
        let p = PublicKey::from_slice(&key).ok();
        memo.insert(key, p);
        p
    })
}

/// Check that `bytes` is a valid compressed secp256k1 point.
pub fn check_point(bytes: &[u8], what: &str) -> Result<PublicKey, Rejection> {
    parse_point(bytes).ok_or_else(|| {
        Rejection::new(
            ReasonClass::InvalidPoint,
            format!("{what}: {} is not a valid point", hex::encode(bytes)),
        )
    })
}

/// Decode hex from a view, naming the field on error.
pub fn unhex(s: &str, what: &str) -> Result<Vec<u8>, Rejection> {
    hex::decode(s)
        .map_err(|e| Rejection::new(ReasonClass::InvalidValue, format!("{what}: bad hex: {e}")))
}

/// Read one `blinded_path`.
///
/// `first_node_id` is a `sciddir_or_pubkey`: 9 bytes when its first byte is
/// 0 or 1 (direction and short channel id), else a 33-byte point.
pub fn read_path(c: &mut Cursor<'_>) -> Result<BlindedPathView, Rejection> {
    let first_node_id = match c.bytes.get(c.pos) {
        Some(0) | Some(1) => c.take(9)?.to_vec(),
        _ => c.point()?.to_vec(),
    };
    let first_path_key = c.point()?;
    let num_hops = c.u8()?;
    let mut hops = Vec::with_capacity(num_hops as usize);
    for _ in 0..num_hops {
        let blinded_node_id = c.point()?;
        let len = c.u16()?;
        let data = c.take(len as usize)?;
        hops.push(BlindedHopView {
            blinded_node_id: hex::encode(blinded_node_id),
            encrypted_recipient_data: hex::encode(data),
        });
    }
    Ok(BlindedPathView {
        first_node_id: hex::encode(first_node_id),
        first_path_key: hex::encode(first_path_key),
        hops,
    })
}

/// Read `...*blinded_path`: paths until the value ends.
/// `rules` are the length and point rules of the field ([`Cursor::with_rules`]).
pub fn read_paths(
    value: &[u8],
    what: &'static str,
    rules: (Rule, Rule),
) -> Result<Vec<BlindedPathView>, Rejection> {
    let mut c = Cursor::new(value, what).with_rules(rules.0, rules.1);
    let mut paths = Vec::new();
    while !c.is_empty() {
        paths.push(read_path(&mut c)?);
    }
    Ok(paths)
}

/// Append one `blinded_path`. The view's hex must be well formed and hold at
/// most 255 hops of at most 65535 bytes each; points are written as given.
pub fn write_path(p: &BlindedPathView, out: &mut Vec<u8>) -> Result<(), Rejection> {
    out.extend(unhex(&p.first_node_id, "first_node_id")?);
    out.extend(unhex(&p.first_path_key, "first_path_key")?);
    let n = u8::try_from(p.hops.len())
        .map_err(|_| Rejection::new(ReasonClass::InvalidBlindedPath, "more than 255 hops"))?;
    out.push(n);
    for h in &p.hops {
        out.extend(unhex(&h.blinded_node_id, "blinded_node_id")?);
        let data = unhex(&h.encrypted_recipient_data, "encrypted_recipient_data")?;
        let len = u16::try_from(data.len()).map_err(|_| {
            Rejection::new(
                ReasonClass::InvalidBlindedPath,
                "encrypted data over 65535 bytes",
            )
        })?;
        out.extend(len.to_be_bytes());
        out.extend(data);
    }
    Ok(())
}

/// The encoding of `...*blinded_path`.
pub fn write_paths(paths: &[BlindedPathView]) -> Result<Vec<u8>, Rejection> {
    let mut out = Vec::new();
    for p in paths {
        write_path(p, &mut out)?;
    }
    Ok(out)
}

/// Read `...*blinded_payinfo` until the value ends.
pub fn read_payinfos(value: &[u8]) -> Result<Vec<BlindedPayInfo>, Rejection> {
    let mut c = Cursor::new(value, "invoice_blindedpay").with_rules(
        Rule::InvoiceBlindedPayEncoding,
        Rule::InvoiceBlindedPayEncoding,
    );
    let mut out = Vec::new();
    while !c.is_empty() {
        let fee_base_msat = c.u32()?;
        let fee_proportional_millionths = c.u32()?;
        let cltv_expiry_delta = c.u16()?;
        let htlc_minimum_msat = c.u64()?;
        let htlc_maximum_msat = c.u64()?;
        let flen = c.u16()?;
        let features = hex::encode(c.take(flen as usize)?);
        out.push(BlindedPayInfo {
            fee_base_msat,
            fee_proportional_millionths,
            cltv_expiry_delta,
            htlc_minimum_msat,
            htlc_maximum_msat,
            features,
        });
    }
    Ok(out)
}

/// The encoding of `...*blinded_payinfo`.
pub fn write_payinfos(infos: &[BlindedPayInfo]) -> Result<Vec<u8>, Rejection> {
    let mut out = Vec::new();
    for i in infos {
        out.extend(i.fee_base_msat.to_be_bytes());
        out.extend(i.fee_proportional_millionths.to_be_bytes());
        out.extend(i.cltv_expiry_delta.to_be_bytes());
        out.extend(i.htlc_minimum_msat.to_be_bytes());
        out.extend(i.htlc_maximum_msat.to_be_bytes());
        let f = unhex(&i.features, "blinded_payinfo features")?;
        let flen = u16::try_from(f.len()).map_err(|_| {
            Rejection::new(
                ReasonClass::InvalidValue,
                "payinfo features over 65535 bytes",
            )
        })?;
        out.extend(flen.to_be_bytes());
        out.extend(f);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST_RULES: (Rule, Rule) = (Rule::OfferPathsEncoding, Rule::OfferPathsEncoding);

    const G: &str = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";

    #[test]
    fn path_round_trip() {
        let p = BlindedPathView {
            first_node_id: G.into(),
            first_path_key: G.into(),
            hops: vec![BlindedHopView {
                blinded_node_id: G.into(),
                encrypted_recipient_data: "0102".into(),
            }],
        };
        let b = write_paths(&[p.clone(), p.clone()]).unwrap();
        assert_eq!(
            read_paths(&b, "paths", TEST_RULES).unwrap(),
            vec![p.clone(), p]
        );
        let err = read_paths(&b[..b.len() - 1], "paths", TEST_RULES).unwrap_err();
        assert_eq!(err.reason, ReasonClass::Truncated);
    }

    #[test]
    fn sciddir_first_node() {
        let p = BlindedPathView {
            first_node_id: "010000000000000001".into(),
            first_path_key: G.into(),
            hops: vec![],
        };
        let b = write_paths(std::slice::from_ref(&p)).unwrap();
        assert_eq!(read_paths(&b, "paths", TEST_RULES).unwrap(), vec![p]);
    }

    #[test]
    fn bad_point() {
        let mut b = hex::decode(G).unwrap();
        b[0] = 0x05;
        let err = Cursor::new(&b, "x").point().unwrap_err();
        assert_eq!(err.reason, ReasonClass::InvalidPoint);
    }
}
