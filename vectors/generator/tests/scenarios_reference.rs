//! Every generated scenario, run through `ReferenceAdapter` and judged: all pass.

use asyncpay_adapter::scenario::check_scenario_outcome;
use asyncpay_adapter::{Adapter, Outcome, Profile};
use asyncpay_harness::vectors::VectorFile;
use asyncpay_reference::ReferenceAdapter;
use asyncpay_vectors::recipes::scenarios;

fn profiles() -> Vec<Profile> {
    #[derive(serde::Deserialize)]
    struct File {
        profiles: Vec<Profile>,
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../profiles.json");
    let text = std::fs::read_to_string(path).expect("profiles.json readable");
    let file: File = serde_json::from_str(&text).expect("profiles.json parses");
    file.profiles
}

#[test]
fn at_least_twenty_scenarios_with_unique_ids() {
    let all = scenarios::scenarios();
    assert!(all.len() >= 20, "only {} scenarios", all.len());
    let mut ids: Vec<&str> = all.iter().map(|(id, _, _)| id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "duplicate scenario ids");
}

#[test]
fn generated_files_are_well_formed_and_deterministic() {
    for p in profiles() {
        let Some(file) = scenarios::generate(&p) else {
            assert_eq!(p.kind, "experimental");
            continue;
        };
        file.check_structure()
            .unwrap_or_else(|(t, m)| panic!("{}: {t:?}: {m}", p.name));
        let again = scenarios::generate(&p).expect("generates twice");
        assert_eq!(
            asyncpay_harness::vectors::to_canonical_json(&file),
            asyncpay_harness::vectors::to_canonical_json(&again)
        );
        // Round trip through the loader's types.
        let text = asyncpay_harness::vectors::to_canonical_json(&file);
        let back: VectorFile = serde_json::from_str(&text).expect("round trip");
        assert_eq!(back, file);
    }
}

#[test]
fn reference_adapter_passes_every_scenario() {
    let adapter = ReferenceAdapter;
    for p in profiles() {
        let Some(file) = scenarios::generate(&p) else {
            continue;
        };
        let mut failures = Vec::new();
        for t in &file.tests {
            let op = t.operation().expect("well-formed operation");
            match adapter.execute(&op, &p) {
                Outcome::Accepted { view } => {
                    if let Err(e) = check_scenario_outcome(&t.input, &view) {
                        failures.push(format!("{}: {e}", t.id));
                    }
                }
                other => failures.push(format!("{}: not accepted: {other:?}", t.id)),
            }
        }
        assert!(failures.is_empty(), "{}:\n{}", p.name, failures.join("\n"));
    }
}

#[test]
fn requirement_ids_are_catalogued_or_listed_as_not_yet() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../requirements.json");
    let Ok(text) = std::fs::read_to_string(path) else {
        println!("skipped: no vectors/requirements.json in this tree");
        return;
    };
    let catalogue: serde_json::Value = serde_json::from_str(&text).expect("catalogue parses");
    let known: Vec<&str> = catalogue["requirements"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["id"].as_str()).collect())
        .unwrap_or_default();
    assert!(!known.is_empty(), "{path}: no requirements");
    // A listed id must really be missing: once catalogued, it leaves the list.
    for r in scenarios::req::NOT_IN_CATALOGUE {
        assert!(
            !known.contains(r),
            "{r} is catalogued; remove it from NOT_IN_CATALOGUE"
        );
    }
    let mut checked = 0;
    for (id, _, s) in scenarios::scenarios() {
        for step in &s.steps {
            if let asyncpay_adapter::scenario::Step::Expect(e) = step {
                for r in &e.requirements {
                    checked += 1;
                    assert!(
                        known.contains(&r.as_str())
                            || scenarios::req::NOT_IN_CATALOGUE.contains(&r.as_str()),
                        "{id}: requirement {r} is neither catalogued nor listed in NOT_IN_CATALOGUE"
                    );
                }
            }
        }
    }
    assert!(checked > 0, "no scenario names a requirement");
}
