//! Mutations of a BOLT 12 string as text: its case, `+` continuations and
//! the whitespace after them, the human-readable prefix and its separator,
//! and single characters of the bech32 data (BOLT 12 "Encoding").

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The bech32 data characters (BIP 173).
const CHARSET: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// Characters a bech32 string never holds: the four BIP 173 leaves out, and
/// two outside the alphabet.
const NOT_IN_CHARSET: &[char] = &['b', 'i', 'o', '1', '-', '\u{e9}'];

/// Whitespace a continuation may be followed by, and some that it may not.
const WHITESPACE: &[&str] = &[" ", "\n", "\r\n", "\t", "  \n ", "\u{a0}"];

/// Apply one mutation to `s`; its name is returned.
pub fn mutate(s: &mut String, rng: &mut ChaCha8Rng) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        s.push_str("lno1");
        return "the empty string written as the bare prefix".into();
    }
    let at = rng.gen_range(0..chars.len());
    let between = rng.gen_range(1..chars.len().max(2));
    let with = |chars: &[char], i: usize, insert: &str| -> String {
        let mut out: String = chars[..i.min(chars.len())].iter().collect();
        out.push_str(insert);
        out.extend(&chars[i.min(chars.len())..]);
        out
    };
    let (next, name) = match rng.gen_range(0..12) {
        0 => (s.to_uppercase(), "the whole string upper-cased".to_string()),
        1 => {
            let mut c = chars.clone();
            c[at] = if c[at].is_lowercase() {
                c[at].to_ascii_uppercase()
            } else {
                c[at].to_ascii_lowercase()
            };
            (
                c.into_iter().collect(),
                format!("the case of character {at} flipped"),
            )
        }
        2 => (with(&chars, between, "+"), format!("a '+' at {between}")),
        3 => {
            let ws = WHITESPACE.choose(rng).copied().unwrap_or(" ");
            (
                with(&chars, between, &format!("+{ws}")),
                format!("a '+' and whitespace {ws:?} at {between}"),
            )
        }
        4 => {
            let ws = WHITESPACE.choose(rng).copied().unwrap_or(" ");
            (
                with(&chars, between, ws),
                format!("whitespace {ws:?} without '+' at {between}"),
            )
        }
        5 => {
            let pos = *[0, chars.len()].choose(rng).unwrap_or(&0);
            (with(&chars, pos, "+"), format!("a '+' at the edge {pos}"))
        }
        6 => (with(&chars, between, "++"), format!("'++' at {between}")),
        7 => {
            let mut c = chars.clone();
            c[at] = char::from(*CHARSET.choose(rng).unwrap_or(&b'q'));
            (
                c.into_iter().collect(),
                format!("character {at} replaced by another bech32 character"),
            )
        }
        8 => {
            let mut c = chars.clone();
            c[at] = *NOT_IN_CHARSET.choose(rng).unwrap_or(&'b');
            (
                c.into_iter().collect(),
                format!("character {at} replaced by one outside the bech32 set"),
            )
        }
        9 => {
            let mut c = chars.clone();
            c.remove(at);
            (c.into_iter().collect(), format!("character {at} removed"))
        }
        10 => {
            let hrp = ["lni", "lnr", "lnx", "ln", "lnoo", ""].choose(rng).copied();
            let hrp = hrp.unwrap_or("lni");
            let rest = s.split_once('1').map_or("", |(_, r)| r);
            (
                format!("{hrp}1{rest}"),
                format!("the prefix replaced by {hrp:?}"),
            )
        }
        _ => {
            let keep = rng.gen_range(0..chars.len());
            (
                chars[..keep].iter().collect(),
                format!("truncated to {keep} characters"),
            )
        }
    };
    *s = next;
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn every_mutation_changes_the_string_or_says_why_not() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let seed = "lno1zcss9mk8y3wkklfvevcrszlmu23kfrxh49px20665dqwmn4p72pksese";
        let mut changed = 0;
        for _ in 0..500 {
            let mut s = seed.to_string();
            let name = mutate(&mut s, &mut rng);
            assert!(!name.is_empty());
            if s != seed {
                changed += 1;
            }
        }
        // Replacing a character by itself, or upper-casing twice, can leave
        // it as it was; nearly every draw changes it.
        assert!(changed > 450, "{changed} of 500 changed");
    }
}
