//! Feature vectors (BOLT 9) as an `init` or `node_announcement` reader sees
//! them: `option_htlc_hold` and its dependency on `option_onion_messages`.
//!
//! Rules applied, from the text:
//! - BOLT 9: "if both the optional and the mandatory feature bits in a pair
//!   are set, the feature should be treated as mandatory";
//! - BOLT 1 (`init`, receiving node): unknown odd bits are ignored; "upon
//!   receiving unknown _even_ feature bits that are non-zero: MUST close the
//!   connection"; "if the feature vector does not set all known, transitive
//!   dependencies: MUST close the connection";
//! - BOLT 7 (`node_announcement`, receiving node): with unknown even bits it
//!   "SHOULD NOT connect to the node" and "MUST NOT route a payment through
//!   the node"; BOLT 7 has no reader rule on dependencies (only BOLT 9's
//!   writer rule "MUST set all transitive feature dependencies").
//!
//! The reference answers `Rejected` whenever the vector is unusable to it:
//! in both contexts an unknown even bit ([`ReasonClass::UnknownRequiredFeature`])
//! or a missing dependency ([`ReasonClass::MissingFeatureDependency`]). The
//! vectors grade the `node_announcement` cases `acceptable`, since BOLT 7
//! does not require the announcement itself to be refused.
//!
//! Known bits: every pair in the BOLT 9 table of the draft (at 3a7505e) and
//! of the main branch (a377265), except `option_htlc_hold`, whose pair comes
//! from the [`Profile`] (52/53 in the draft, 152/153 in LDK 0.2).

use crate::rules::{self, Rule};
use asyncpay_adapter::features::{CheckFeatures, FeatureState, FeaturesView};
use asyncpay_adapter::{Outcome, Profile, ReasonClass, Rejection};

/// The even bit of `option_onion_messages`.
pub const ONION_MESSAGES_BIT: u16 = 38;

/// Even bits of the BOLT 9 table (draft and main branch), without `option_htlc_hold`.
pub const KNOWN_EVEN_BITS: &[u16] = &[
    0, 4, 6, 8, 10, 12, 14, 16, 18, 22, 24, 26, 28, 34, 36, 38, 42, 44, 46, 48, 50, 60, 62,
];

/// Features the table marks ASSUMED: present on every node, so a dependency
/// on one of them is satisfied even when its bits are clear.
pub const ASSUMED_EVEN_BITS: &[u16] = &[0, 8, 12, 14, 44];

/// (feature, dependency) pairs of the table, by even bit, without `option_htlc_hold`.
pub const DEPENDENCIES: &[(u16, u16)] = &[(16, 14), (50, 46), (60, 26)];

/// The contexts [`check`] understands.
pub const CONTEXTS: &[&str] = &["init", "node_announcement"];

/// The set bits of a big-endian feature vector, ascending. `None` if a set
/// bit does not fit in a `u16`.
pub fn set_bits(bytes: &[u8]) -> Option<Vec<u16>> {
    let mut bits = Vec::new();
    let n = bytes.len();
    for (i, byte) in bytes.iter().enumerate().rev() {
        for b in 0..8 {
            if byte & (1 << b) != 0 {
                let bit = (n - 1 - i) * 8 + b;
                bits.push(u16::try_from(bit).ok()?);
            }
        }
    }
    Some(bits)
}

/// How the pair whose even bit is `even` is set in `bits`.
pub fn state(bits: &[u16], even: u16) -> FeatureState {
    if bits.contains(&even) {
        FeatureState::Compulsory
    } else if bits.contains(&(even + 1)) {
        FeatureState::Optional
    } else {
        FeatureState::Absent
    }
}

/// Check a feature vector (big-endian bytes) in `context` under `profile`.
pub fn check(bytes: &[u8], context: &str, profile: &Profile) -> Result<FeaturesView, Rejection> {
    if !CONTEXTS.contains(&context) {
        return Err(Rejection::new(
            ReasonClass::InvalidValue,
            format!("unknown context {context}; known: init, node_announcement"),
        ));
    }
    let bits = set_bits(bytes).ok_or_else(|| {
        Rejection::new(
            ReasonClass::InvalidValue,
            "a set bit above 65535 (the view holds u16 bit numbers)",
        )
    })?;
    let hold = profile.numbers.feature_htlc_hold;
    let known_even = |even: u16| KNOWN_EVEN_BITS.contains(&even) || even == hold;
    if let Some(b) = bits
        .iter()
        .find(|b| rules::rejects(Rule::FeatureUnknownEven, *b % 2 == 0 && !known_even(**b)))
    {
        return Err(Rejection::new(
            ReasonClass::UnknownRequiredFeature,
            format!("{context}: unknown even feature bit {b}"),
        ));
    }
    let deps = DEPENDENCIES
        .iter()
        .copied()
        .chain(std::iter::once((hold, ONION_MESSAGES_BIT)));
    for (feature, dep) in deps {
        if rules::rejects(
            Rule::FeatureDependency,
            state(&bits, feature) != FeatureState::Absent
                && state(&bits, dep) == FeatureState::Absent
                && !ASSUMED_EVEN_BITS.contains(&dep),
        ) {
            return Err(Rejection::new(
                ReasonClass::MissingFeatureDependency,
                format!(
                    "{context}: feature {feature}/{} is set without its dependency {dep}/{}",
                    feature + 1,
                    dep + 1
                ),
            ));
        }
    }
    Ok(FeaturesView {
        onion_messages: state(&bits, ONION_MESSAGES_BIT),
        htlc_hold: state(&bits, hold),
        bits,
    })
}

/// Operation `features.check`.
pub fn check_op(input: &CheckFeatures, profile: &Profile) -> Outcome {
    let r =
        crate::wire::unhex(&input.hex, "features").and_then(|b| check(&b, &input.context, profile));
    match r {
        Ok(v) => Outcome::accepted(&v),
        Err(e) => Outcome::Rejected(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_ascending() {
        assert_eq!(set_bits(&[0x01, 0x02]).unwrap(), vec![1, 8]);
        assert_eq!(set_bits(&[]).unwrap(), Vec::<u16>::new());
        assert_eq!(set_bits(&[0x80]).unwrap(), vec![7]);
    }
}
