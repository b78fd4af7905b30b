//! The fuzzer on adapters whose answers are known: the reference against
//! itself agrees everywhere; an adapter that accepts what the reference
//! rejects is found, clustered and shrunk; the same seed gives the same report.

use asyncpay_adapter::{Adapter, Operation, Outcome, Profile};
use asyncpay_fuzz::{report, run, Config};
use asyncpay_harness::Suite;
use asyncpay_reference::ReferenceAdapter;
use std::collections::BTreeMap;
use std::sync::Arc;

fn suite() -> Suite {
    Suite::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors")).expect("vectors load")
}

fn config(seed: u64) -> Config {
    Config {
        seed,
        iterations: Some(3_000),
        ..Config::default()
    }
}

/// `adapter` fuzzed beside the reference on one op.
fn fuzz_op(
    adapter: Arc<dyn Adapter>,
    op: &str,
    iterations: u64,
    seed: u64,
) -> asyncpay_fuzz::report::FuzzReport {
    let cfg = Config {
        iterations: Some(iterations),
        ops: vec![op.into()],
        ..config(seed)
    };
    run(
        &suite(),
        &ReferenceAdapter,
        &[adapter],
        &BTreeMap::new(),
        &cfg,
        &|_, _| {},
    )
}

/// The reference under another name.
struct Twin;
impl Adapter for Twin {
    fn name(&self) -> &str {
        "twin"
    }
    fn native_profiles(&self) -> Vec<String> {
        Vec::new()
    }
    fn execute(&self, op: &Operation, profile: &Profile) -> Outcome {
        ReferenceAdapter.execute(op, profile)
    }
}

/// The reference, but it never rejects an `update_add_htlc` for the order
/// of its records.
struct Lax;
impl Adapter for Lax {
    fn name(&self) -> &str {
        "lax"
    }
    fn native_profiles(&self) -> Vec<String> {
        Vec::new()
    }
    fn execute(&self, op: &Operation, profile: &Profile) -> Outcome {
        match ReferenceAdapter.execute(op, profile) {
            Outcome::Rejected(r)
                if r.reason == asyncpay_adapter::ReasonClass::TlvOutOfOrder
                    && matches!(op, Operation::DecodeUpdateAddHtlc(_)) =>
            {
                Outcome::Accepted {
                    view: serde_json::json!({}),
                }
            }
            o => o,
        }
    }
}

#[test]
fn the_reference_agrees_with_itself() {
    let twin: Arc<dyn Adapter> = Arc::new(Twin);
    let r = run(
        &suite(),
        &ReferenceAdapter,
        &[twin],
        &BTreeMap::new(),
        &config(1),
        &|_, _| {},
    );
    let a = &r.adapters[0];
    assert_eq!(r.inputs, 3_000);
    assert_eq!(a.agree, a.inputs, "{}", report::text(&r));
    assert!(r.clean());
    assert!(r.reference_accepted > 0 && r.reference_rejected > 0);
}

#[test]
fn a_lax_reader_is_found_clustered_and_shrunk() {
    let r = fuzz_op(Arc::new(Lax), "update_add_htlc.decode", 20_000, 2);
    let c = r
        .clusters
        .iter()
        .find(|c| c.key.reference == "rejected:tlv_out_of_order" && c.key.theirs == "accepted")
        .unwrap_or_else(|| panic!("no cluster for the lax reader:\n{}", report::text(&r)));
    let minimal = c.minimal.as_ref().expect("shrunk");
    // Reported with the reference's rule that rejects it.
    assert_eq!(
        c.reference_rule,
        Some((
            "tlv/increasing".to_string(),
            "bolt1/tlv/reader/not-strictly-increasing".to_string()
        ))
    );
    let bytes =
        |i: &asyncpay_fuzz::input::Input| i.vector_input()["hex"].as_str().map_or(0, str::len);
    assert!(bytes(minimal) <= bytes(&c.first_input));
    // The minimal input is still out of order for the reference.
    let op = minimal.operation();
    let profile = suite()
        .profiles
        .iter()
        .find(|p| p.name == c.key.profile)
        .cloned()
        .unwrap();
    assert!(matches!(ReferenceAdapter.execute(&op, &profile),
        Outcome::Rejected(x) if x.reason == asyncpay_adapter::ReasonClass::TlvOutOfOrder));
}

#[test]
fn the_same_seed_gives_the_same_report() {
    let twin: Arc<dyn Adapter> = Arc::new(Lax);
    let once = |seed| {
        let r = run(
            &suite(),
            &ReferenceAdapter,
            std::slice::from_ref(&twin),
            &BTreeMap::new(),
            &config(seed),
            &|_, _| {},
        );
        let mut j = report::json(&r);
        // Timings are not part of what a seed decides.
        j["seconds"] = 0.into();
        j["reference"]["inputs_per_second"] = 0.into();
        for a in j["adapters"].as_array_mut().unwrap() {
            a["inputs_per_second"] = 0.into();
        }
        j
    };
    assert_eq!(once(7), once(7));
    assert_ne!(once(7), once(8));
}

/// A peeled layer sealed again, unmutated, gets the reference's verdict on
/// the vector it came from: the re-encryption reaches the same reader.
#[test]
fn a_layer_sealed_again_reads_as_the_vector_did() {
    let suite = suite();
    let mut checked = 0;
    for f in &suite.files {
        for t in f.file.tests.iter().filter(|t| t.op == "onion_message.peel") {
            let Some(input) = asyncpay_fuzz::input::Input::from_vector(&t.op, &t.input) else {
                continue;
            };
            let original = t.operation().expect("a peel input");
            let label = |o: Outcome| match o {
                Outcome::Accepted { .. } => "accepted".to_string(),
                Outcome::Rejected(r) => format!("rejected:{:?}", r.reason),
                Outcome::Unsupported { .. } => "unsupported".to_string(),
            };
            assert_eq!(
                label(ReferenceAdapter.execute(&input.operation(), &f.profile)),
                label(ReferenceAdapter.execute(&original, &f.profile)),
                "{}::{}",
                f.profile.name,
                t.id
            );
            checked += 1;
        }
    }
    assert!(checked > 20, "{checked} layers");
}

/// The reference, but it reads an offer string in any mix of cases.
struct Caseless;
impl Adapter for Caseless {
    fn name(&self) -> &str {
        "caseless"
    }
    fn native_profiles(&self) -> Vec<String> {
        Vec::new()
    }
    fn execute(&self, op: &Operation, profile: &Profile) -> Outcome {
        match op {
            Operation::DecodeOffer(d) => {
                let lower = asyncpay_adapter::offer::DecodeOffer {
                    string: d.string.to_lowercase(),
                };
                ReferenceAdapter.execute(&Operation::DecodeOffer(lower), profile)
            }
            o => ReferenceAdapter.execute(o, profile),
        }
    }
}

/// A divergence in how an offer's text is read shrinks as text: the
/// minimal string is shorter and still in mixed case.
#[test]
fn an_offer_text_divergence_shrinks_as_text() {
    let r = fuzz_op(Arc::new(Caseless), "offer.decode", 5_000, 3);
    let c = r
        .clusters
        .iter()
        .find(|c| c.key.theirs == "accepted" && c.key.reference.starts_with("rejected"))
        .unwrap_or_else(|| panic!("no cluster for the caseless reader:\n{}", report::text(&r)));
    let text = |i: &asyncpay_fuzz::input::Input| i.offer_text().unwrap_or_default();
    let (first, minimal) = (
        text(&c.first_input),
        text(c.minimal.as_ref().expect("shrunk")),
    );
    assert!(
        minimal.len() < first.len(),
        "{minimal:?} is not shorter than {first:?}"
    );
    assert!(minimal.chars().any(|c| c.is_ascii_uppercase()));
    assert!(minimal.chars().any(|c| c.is_ascii_lowercase()));
}

/// The reference, but it refuses every feature vector as holding an even
/// bit it does not support (a difference the fuzzer counts as legitimate
/// beside the reference).
struct FeatureShy;
impl Adapter for FeatureShy {
    fn name(&self) -> &str {
        "feature-shy"
    }
    fn native_profiles(&self) -> Vec<String> {
        Vec::new()
    }
    fn execute(&self, op: &Operation, profile: &Profile) -> Outcome {
        match op {
            Operation::CheckFeatures(_) => Outcome::Rejected(asyncpay_adapter::Rejection::new(
                asyncpay_adapter::ReasonClass::UnknownRequiredFeature,
                "every even bit is unknown here",
            )),
            _ => ReferenceAdapter.execute(op, profile),
        }
    }
}

/// Beside the reference, refusing unsupported even feature bits is a
/// legitimate difference; with `every_difference` (a baseline that is
/// another implementation) the same answers are all new.
#[test]
fn every_difference_reports_what_is_otherwise_legitimate() {
    let cfg = |every_difference| Config {
        iterations: Some(2_000),
        ops: vec!["features.check".into()],
        every_difference,
        ..config(4)
    };
    let shy: Arc<dyn Adapter> = Arc::new(FeatureShy);
    let go = |every| {
        run(
            &suite(),
            &ReferenceAdapter,
            std::slice::from_ref(&shy),
            &BTreeMap::new(),
            &cfg(every),
            &|_, _| {},
        )
    };
    let beside_reference = go(false);
    let a = &beside_reference.adapters[0];
    assert!(a.legitimate > 0, "{}", report::text(&beside_reference));
    assert_eq!(a.new, 0, "{}", report::text(&beside_reference));
    let every = go(true);
    let b = &every.adapters[0];
    assert_eq!(b.legitimate, 0);
    assert_eq!(b.new, a.legitimate + a.new, "{}", report::text(&every));
    assert!(!every.clean());
}
