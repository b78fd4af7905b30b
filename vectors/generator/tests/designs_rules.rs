//! The two design profiles' invalid vectors, and those of LDK's
//! invoice-server protocol, each break exactly one rule of
//! the reference: run as they are, the rule named here is the one that
//! fires; with that rule alone knocked out, the reference accepts. (`vectors
//! audit` knocks out every rule of a vector's requirements together; the
//! designs' rules share the draft requirements they stand in for, so this
//! test checks each vector against its own rule.)

use asyncpay_adapter::{Adapter, Operation, Outcome, Profile};
use asyncpay_harness::vectors::{VectorFile, Verdict};
use asyncpay_reference::rules::{self, Rule};
use asyncpay_reference::ReferenceAdapter;
use asyncpay_vectors::recipes::{
    experimental_invoice_server, experimental_trampoline, experimental_unblock,
};

fn profile(name: &str) -> Profile {
    #[derive(serde::Deserialize)]
    struct File {
        profiles: Vec<Profile>,
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../profiles.json");
    let text = std::fs::read_to_string(path).expect("profiles.json readable");
    let file: File = serde_json::from_str(&text).expect("profiles.json parses");
    file.profiles
        .into_iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no profile {name}"))
}

/// Each invalid vector of the two files and the one rule it breaks.
const BREAKS: &[(&str, Rule)] = &[
    ("payload-trampoline-delta-2017", Rule::AsyncHoldCltvDelta),
    (
        "payload-one-shot-with-receiver-route",
        Rule::AsyncHoldFields,
    ),
    (
        "payload-trampoline-without-receiver-route",
        Rule::AsyncHoldFields,
    ),
    ("payload-short-nonce", Rule::AsyncNonceLength),
    ("payload-hold-unknown-even", Rule::TlvUnknownEven),
    ("trigger-wrong-nonce", Rule::AsyncNonceKnown),
    ("trigger-short-nonce", Rule::AsyncNonceLength),
    ("hold-request-short-payment-id", Rule::PaymentIdLength),
    ("hold-request-no-hashes", Rule::HoldRequestHashes),
    ("hold-request-partial-hash", Rule::HoldRequestHashes),
    ("hold-request-unknown-even", Rule::TlvUnknownEven),
    ("unblock-wrong-id", Rule::UnblockIdKnown),
    ("unblock-short-id", Rule::PaymentIdLength),
    ("offer-paths-request-no-slot", Rule::IsrvSlotMissing),
    ("offer-paths-request-slot-3-bytes", Rule::IsrvSlotLength),
    ("offer-paths-request-unknown-even", Rule::TlvUnknownEven),
    ("offer-paths-no-paths", Rule::IsrvOfferPathsMissing),
    ("offer-paths-empty-paths", Rule::IsrvOfferPathsMissing),
    ("offer-paths-zero-hop-path", Rule::IsrvOfferPathZeroHops),
    ("offer-paths-expiry-4-bytes", Rule::IsrvPathsExpiryLength),
    (
        "serve-static-invoice-no-invoice",
        Rule::IsrvServeInvoiceMissing,
    ),
    (
        "serve-static-invoice-no-forward-path",
        Rule::IsrvForwardPathMissing,
    ),
    (
        "static-invoice-persisted-unknown-even",
        Rule::TlvUnknownEven,
    ),
];

fn files() -> Vec<(Profile, VectorFile)> {
    let t = profile("experimental-trampoline-hold");
    let u = profile("experimental-payment-unblock");
    let i = profile("experimental-ldk-invoice-server");
    vec![
        (
            i.clone(),
            experimental_invoice_server::generate(&i).expect("invoice-server file"),
        ),
        (
            t.clone(),
            experimental_trampoline::generate(&t).expect("trampoline file"),
        ),
        (
            u.clone(),
            experimental_unblock::generate(&u).expect("unblock file"),
        ),
    ]
}

fn op(t: &asyncpay_harness::vectors::TestVector) -> Operation {
    serde_json::from_value(serde_json::json!({ "op": t.op, "input": t.input }))
        .unwrap_or_else(|e| panic!("{}: not an operation: {e}", t.id))
}

#[test]
fn each_invalid_vector_breaks_its_one_rule() {
    let mut seen = 0;
    for (p, f) in files() {
        for t in f.tests.iter().filter(|t| t.result == Verdict::Invalid) {
            let (_, rule) = BREAKS
                .iter()
                .find(|(id, _)| *id == t.id)
                .unwrap_or_else(|| panic!("{}: no rule listed", t.id));
            let o = op(t);
            let (out, fired) = rules::with_knockouts(&[], || ReferenceAdapter.execute(&o, &p));
            assert!(
                matches!(&out, Outcome::Rejected(r) if Some(r.reason) == t.expected.reason),
                "{}: {out:?}",
                t.id
            );
            assert_eq!(fired, Some(*rule), "{}: another rule fired", t.id);
            let (out, _) = rules::with_knockouts(&[*rule], || ReferenceAdapter.execute(&o, &p));
            assert!(
                matches!(out, Outcome::Accepted { .. }),
                "{}: {rule:?} knocked out, still {out:?}",
                t.id
            );
            seen += 1;
        }
    }
    assert_eq!(seen, BREAKS.len());
}

#[test]
fn each_design_profile_has_at_least_fifteen_tests() {
    for (p, f) in files() {
        let scenarios = asyncpay_vectors::recipes::scenarios::design_scenarios(&p)
            .expect("the design's scenarios");
        assert!(
            f.tests.len() + scenarios.len() >= 15,
            "{}: {} vectors and {} scenarios",
            p.name,
            f.tests.len(),
            scenarios.len()
        );
    }
}
