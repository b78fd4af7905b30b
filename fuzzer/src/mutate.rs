//! Structure-aware mutations, each one named: TLV records (reorder,
//! duplicate, drop, retype to a neighbour or to another profile's number,
//! non-minimal BigSize, a length one off), values (points off the curve,
//! truncated or extended, a bit flipped), feature bits, plain bytes, and
//! BOLT 12 strings as text ([`crate::bolt12_string`]).
//! A blinded hop's plaintext is mutated and sealed again (see
//! [`Input::Unblind`]), so the mutations reach the reader behind the AEAD.

use crate::input::Input;
use crate::stream::{Record, Stream};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// A 33-byte compressed point that is not on the curve (x has no square
/// root of x^3 + 7), found once.
pub fn off_curve_point() -> Vec<u8> {
    for x in 1u8..=255 {
        let mut p = vec![0x02];
        p.extend([0u8; 31]);
        p.push(x);
        if secp256k1::PublicKey::from_slice(&p).is_err() {
            return p;
        }
    }
    vec![0x04; 33]
}

/// What the mutators draw numbers from.
#[derive(Clone, Debug, Default)]
pub struct Pool {
    /// TLV types: every profile's numbers and every type seen in a seed.
    pub types: Vec<u64>,
    /// Feature bits: every profile's `option_htlc_hold` bits and their neighbours.
    pub feature_bits: Vec<u16>,
    /// A point off the curve.
    pub off_curve: Vec<u8>,
}

/// Apply one mutation; its name is returned (`None` if none applied).
pub fn mutate(input: &mut Input, rng: &mut ChaCha8Rng, pool: &Pool) -> Option<String> {
    match input {
        Input::Offer { text, .. } if text.is_some() || rng.gen_ratio(1, 3) => {
            let mut t = input.offer_text()?;
            let name = crate::bolt12_string::mutate(&mut t, rng);
            if let Input::Offer { text, .. } = input {
                *text = Some(t);
            }
            Some(format!("string: {name}"))
        }
        Input::Features { bytes, .. } => Some(features(bytes, rng, pool)),
        Input::Unblind {
            ciphertext: Some(c),
            ..
        } => Some(bytes_mutation(c, rng, "ciphertext")),
        Input::Message { fixed, .. } if rng.gen_ratio(1, 10) => {
            Some(bytes_mutation(fixed, rng, "fixed fields"))
        }
        _ => {
            let stream = input.stream_mut()?;
            Some(stream_mutation(stream, rng, pool))
        }
    }
}

fn features(bytes: &mut Vec<u8>, rng: &mut ChaCha8Rng, pool: &Pool) -> String {
    let flip = |bytes: &mut Vec<u8>, bit: u16| {
        let byte = bit as usize / 8;
        if bytes.len() <= byte {
            let grow = byte + 1 - bytes.len();
            bytes.splice(0..0, std::iter::repeat(0).take(grow));
        }
        let i = bytes.len() - 1 - byte;
        bytes[i] ^= 1 << (bit % 8);
    };
    match rng.gen_range(0..4) {
        0 if !pool.feature_bits.is_empty() => {
            let bit = *pool.feature_bits.choose(rng).unwrap_or(&0);
            flip(bytes, bit);
            format!("flip feature bit {bit}")
        }
        1 => {
            bytes.insert(0, 0);
            "a leading zero byte".into()
        }
        2 if !bytes.is_empty() => {
            bytes.remove(0);
            "drop the leading byte".into()
        }
        _ => {
            let bit = rng.gen_range(0..(bytes.len().max(8) * 8) as u16);
            flip(bytes, bit);
            format!("flip feature bit {bit}")
        }
    }
}

fn bytes_mutation(bytes: &mut Vec<u8>, rng: &mut ChaCha8Rng, what: &str) -> String {
    if bytes.is_empty() {
        bytes.push(rng.gen());
        return format!("{what}: one byte added");
    }
    match rng.gen_range(0..3) {
        0 => {
            let i = rng.gen_range(0..bytes.len());
            let bit = rng.gen_range(0..8);
            bytes[i] ^= 1 << bit;
            format!("{what}: bit {bit} of byte {i} flipped")
        }
        1 => {
            let keep = rng.gen_range(0..bytes.len());
            bytes.truncate(keep);
            format!("{what}: truncated to {keep} bytes")
        }
        _ => {
            bytes.push(rng.gen());
            format!("{what}: one byte appended")
        }
    }
}

fn stream_mutation(stream: &mut Stream, rng: &mut ChaCha8Rng, pool: &Pool) -> String {
    let records = match stream {
        Stream::Raw(b) => return bytes_mutation(b, rng, "stream"),
        Stream::Records(rs) => rs,
    };
    let pick_type = |rng: &mut ChaCha8Rng| pool.types.choose(rng).copied().unwrap_or(1);
    if records.is_empty() || rng.gen_ratio(1, 14) {
        let ty = pick_type(rng);
        let len = rng.gen_range(0..4);
        let value: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        let at = rng.gen_range(0..=records.len());
        records.insert(at, Record::new(ty, value));
        return format!("insert a record of type {ty} ({len} bytes) at {at}");
    }
    let i = rng.gen_range(0..records.len());
    let ty = records[i].ty;
    match rng.gen_range(0..12) {
        0 if records.len() > 1 => {
            let j = if i + 1 < records.len() { i + 1 } else { i - 1 };
            records.swap(i, j);
            format!(
                "swap records {i} and {j} (types {ty} and {})",
                records[i].ty
            )
        }
        1 => {
            let copy = records[i].clone();
            records.insert(i + 1, copy);
            format!("duplicate the record of type {ty}")
        }
        2 => {
            records.remove(i);
            format!("drop the record of type {ty}")
        }
        3 => {
            let to = if rng.gen() {
                ty.wrapping_add(1)
            } else {
                ty.saturating_sub(1)
            };
            records[i].ty = to;
            records[i].ty_bytes = None;
            format!("retype {ty} to its neighbour {to}")
        }
        4 => {
            let to = pick_type(rng);
            records[i].ty = to;
            records[i].ty_bytes = None;
            format!("retype {ty} to {to}")
        }
        5 => {
            records[i].ty_bytes = Some(non_minimal(ty));
            format!("the type {ty} written as a non-minimal BigSize")
        }
        6 => {
            records[i].len_bytes = Some(non_minimal(records[i].value.len() as u64));
            format!("the length of type {ty} written as a non-minimal BigSize")
        }
        7 => {
            let len = records[i].value.len() as u64;
            let wrong = if rng.gen() || len == 0 {
                len + 1
            } else {
                len - 1
            };
            records[i].len_bytes = Some(asyncpay_reference::bigsize::to_vec(wrong));
            format!("the length of type {ty} one off ({wrong} for {len})")
        }
        8 if !records[i].value.is_empty() => {
            let keep = rng.gen_range(0..records[i].value.len());
            records[i].value.truncate(keep);
            format!("the value of type {ty} truncated to {keep} bytes")
        }
        9 => {
            records[i].value.push(rng.gen());
            format!("a byte appended to the value of type {ty}")
        }
        10 if records[i].value.len() >= 33 => {
            let at = 33 * rng.gen_range(0..records[i].value.len() / 33);
            records[i].value[at..at + 33].copy_from_slice(&pool.off_curve);
            format!("a point off the curve at byte {at} of type {ty}")
        }
        _ if !records[i].value.is_empty() => {
            let b = rng.gen_range(0..records[i].value.len());
            let bit = rng.gen_range(0..8);
            records[i].value[b] ^= 1 << bit;
            format!("bit {bit} of byte {b} of type {ty} flipped")
        }
        _ => {
            records.remove(i);
            format!("drop the record of type {ty}")
        }
    }
}

/// `v` as a BigSize one size longer than needed (or, at the largest size,
/// as it is).
fn non_minimal(v: u64) -> Vec<u8> {
    if v < 0xfd {
        let mut b = vec![0xfd];
        b.extend((v as u16).to_be_bytes());
        b
    } else if v <= 0xffff {
        let mut b = vec![0xfe];
        b.extend((v as u32).to_be_bytes());
        b
    } else {
        let mut b = vec![0xff];
        b.extend(v.to_be_bytes());
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_off_curve_point_is_not_a_point() {
        let p = off_curve_point();
        assert_eq!(p.len(), 33);
        assert!(secp256k1::PublicKey::from_slice(&p).is_err());
    }

    #[test]
    fn non_minimal_encodings_decode_to_the_value_but_are_longer() {
        for v in [0u64, 1, 0xfc, 0xfd, 0xffff, 0x10000] {
            let b = non_minimal(v);
            assert!(b.len() > asyncpay_reference::bigsize::to_vec(v).len());
        }
    }
}
