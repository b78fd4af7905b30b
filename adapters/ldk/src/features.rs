//! `features.check` through LDK's `InitFeatures` / `NodeFeatures`
//! (lightning-types 0.3.5, re-exported as `lightning::types::features`).
//!
//! What is observed:
//! - `option_onion_messages` (38/39) and LDK's `htlc_hold` feature, bits
//!   152/153 in LDK ("The BOLTs PR uses feature bit 52/53, so add +100 for the
//!   experimental bit", lightning-types features.rs `define_feature!(153, HtlcHold, ...)`),
//!   read with LDK's `supports_*` / `requires_*` getters, whatever the profile says.
//! - Whether LDK finds an even bit it does not know for the context
//!   (`Features::requires_unknown_bits`): rejected as `unknown_required_feature`.
//!   (LDK's peer handler is stricter at `init`: it refuses a peer that requires
//!   any bit the local node does not *set*, `requires_unknown_bits_from`,
//!   ln/peer_handler.rs:2139; with the default `UserConfig` that includes
//!   `htlc_hold`, which needs `enable_htlc_hold`, ln/channelmanager.rs:15813.)
//! - Dependencies: LDK 0.2.7 does **not** check BOLT 9 feature dependencies
//!   anywhere (no dependency table in lightning-types' features.rs; the init
//!   handler only compares required bits, ln/peer_handler.rs:2138-2157), so
//!   this adapter never answers `missing_feature_dependency`: a vector that
//!   expects it shows the divergence.

use asyncpay_adapter::features::{CheckFeatures, FeatureState, FeaturesView};
use asyncpay_adapter::{Outcome, ReasonClass, Rejection};
use lightning::types::features::{InitFeatures, NodeFeatures};

fn state(supports: bool, requires: bool) -> FeatureState {
    if requires {
        FeatureState::Compulsory
    } else if supports {
        FeatureState::Optional
    } else {
        FeatureState::Absent
    }
}

/// Every bit set, ascending, from LDK's little-endian flags.
fn bits(le_flags: &[u8]) -> Vec<u16> {
    let mut out = Vec::new();
    for (i, byte) in le_flags.iter().enumerate() {
        for b in 0..8u16 {
            if byte & (1 << b) != 0 {
                if let Ok(i) = u16::try_from(i) {
                    out.push(i * 8 + b);
                }
            }
        }
    }
    out
}

/// The even bits LDK calls unknown, asked of LDK one bit at a time.
fn unknown_required<F>(set: &[u16], requires_unknown: F) -> Vec<u16>
where
    F: Fn(Vec<u8>) -> bool,
{
    set.iter()
        .copied()
        .filter(|b| b % 2 == 0)
        .filter(|b| {
            let mut le = vec![0u8; usize::from(b / 8) + 1];
            le[usize::from(b / 8)] = 1 << (b % 8);
            requires_unknown(le)
        })
        .collect()
}

/// The view of a feature vector read as LDK's `$ty`, and the unknown
/// required bits if LDK says it requires any. A macro because LDK gates each
/// getter on a sealed per-context trait that outside code cannot name.
macro_rules! view_of {
    ($ty:ident, $be:expr) => {{
        let f = $ty::from_be_bytes($be);
        let set = bits(f.le_flags());
        let unknown = f
            .requires_unknown_bits()
            .then(|| unknown_required(&set, |le| $ty::from_le_bytes(le).requires_unknown_bits()));
        let view = FeaturesView {
            onion_messages: state(f.supports_onion_messages(), f.requires_onion_messages()),
            htlc_hold: state(f.supports_htlc_hold(), f.requires_htlc_hold()),
            bits: set,
        };
        (view, unknown)
    }};
}

/// `features.check`.
pub(crate) fn check(input: &CheckFeatures) -> Outcome {
    let be = match hex::decode(&input.hex) {
        Ok(b) => b,
        Err(e) => {
            return Outcome::Rejected(Rejection::new(
                ReasonClass::Internal,
                format!("input hex: {e}"),
            ))
        }
    };
    let (view, unknown) = match input.context.as_str() {
        "init" => view_of!(InitFeatures, be),
        "node_announcement" => view_of!(NodeFeatures, be),
        // The api crate defines exactly these two contexts (CheckFeatures::context).
        other => {
            return Outcome::Rejected(Rejection::new(
                ReasonClass::Internal,
                format!(
                    "features.check context {other:?} is not one the suite's API defines \
                     (`init`, `node_announcement`): the input cannot be handed to LDK"
                ),
            ))
        }
    };
    match unknown {
        Some(bits) => Outcome::Rejected(Rejection::new(
            ReasonClass::UnknownRequiredFeature,
            format!(
                "LDK {}Features::requires_unknown_bits() is true; unknown even bits {:?}",
                if input.context == "init" {
                    "Init"
                } else {
                    "Node"
                },
                bits
            ),
        )),
        None => Outcome::accepted(&view),
    }
}
