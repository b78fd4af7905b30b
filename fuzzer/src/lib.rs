//! Differential fuzzing: the vectors' inputs, mutated with structure-aware
//! mutators ([`mutate`]), run on every selected adapter beside the
//! reference model; each answer compared ([`differ`]), each divergence
//! triaged, clustered and shrunk ([`triage`]), and reported ([`report`]).
//!
//! The same seed gives the same inputs, in the same order, and so the same
//! report (for deterministic adapters): a run is bounded by its number of
//! inputs, or by seconds, when the count then depends on speed but not the
//! sequence.

#![warn(missing_docs)]

pub mod bolt12_string;
pub mod differ;
pub mod input;
pub mod mutate;
pub mod report;
pub mod stream;
pub mod triage;

use asyncpay_adapter::{Adapter, Profile};
use asyncpay_harness::expected::Entry;
use asyncpay_harness::vectors::Verdict;
use asyncpay_harness::Suite;
use asyncpay_reference::rules;
use differ::{answer, compare, Answer, Comparison};
use input::{Input, FUZZED_OPS};
use mutate::{mutate, Pool};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use report::{AdapterCounts, Cluster, FuzzReport};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use triage::{shrink, still_in, their_label, Key, Known};

/// One seed: a vector's input.
#[derive(Clone, Debug)]
pub struct Seed {
    /// The profile it is rendered in.
    pub profile: Arc<Profile>,
    /// The vector's id.
    pub vector: String,
    /// Its requirement ids.
    pub requirements: Vec<String>,
    /// Its verdict.
    pub verdict: Verdict,
    /// The input.
    pub input: Input,
}

/// What to fuzz.
pub struct Config {
    /// The seed of the random sequence.
    pub seed: u64,
    /// Stop after this many inputs.
    pub iterations: Option<u64>,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// Only these profiles (empty: all).
    pub profiles: Vec<String>,
    /// Only these ops (empty: every fuzzed op).
    pub ops: Vec<String>,
    /// Evaluations each cluster's shrinking may spend.
    pub shrink_budget: usize,
    /// Examples kept per cluster (besides the minimal input).
    pub examples: usize,
    /// Report every difference from the baseline as new: no
    /// expected-failures entry and no legitimate difference explains any.
    /// For a baseline that is another implementation (two releases of one,
    /// say), where every difference is a change of behaviour.
    pub every_difference: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            seed: 0,
            iterations: Some(10_000),
            duration: None,
            profiles: Vec::new(),
            ops: Vec::new(),
            shrink_budget: 400,
            examples: 3,
            every_difference: false,
        }
    }
}

/// The seeds of `suite`: every input of a fuzzed op, in file order.
pub fn seeds(suite: &Suite, config: &Config) -> Vec<Seed> {
    let mut out = Vec::new();
    for f in &suite.files {
        if !config.profiles.is_empty() && !config.profiles.contains(&f.profile.name) {
            continue;
        }
        for t in &f.file.tests {
            if !config.ops.is_empty() && !config.ops.contains(&t.op) {
                continue;
            }
            if let Some(input) = Input::from_vector(&t.op, &t.input) {
                out.push(Seed {
                    profile: f.profile.clone(),
                    vector: format!("{}::{}::{}", f.profile.name, f.area, t.id),
                    requirements: t.requirements.clone(),
                    verdict: t.result,
                    input,
                });
            }
        }
    }
    out
}

/// The numbers mutators draw from: every profile's, and every type seen.
pub fn pool(suite: &Suite, seeds: &[Seed]) -> Pool {
    let mut types: Vec<u64> = Vec::new();
    let mut feature_bits = Vec::new();
    for p in &suite.profiles {
        let n = &p.numbers;
        types.extend([
            n.hold_htlc,
            n.release_paths,
            n.static_invoice_message_paths,
            n.payload_invoice_request,
            n.payload_sender_preimage,
            n.onionmsg_static_invoice,
            n.onionmsg_held_htlc_available,
            n.onionmsg_release_held_htlc,
            n.encrypted_data_release_context,
        ]);
        let b = n.feature_htlc_hold;
        feature_bits.extend([b, b + 1, b.saturating_sub(1), b + 2]);
    }
    feature_bits.extend([38, 39]);
    for s in seeds {
        if let Some(st) = s.input.stream() {
            types.extend(st.types());
        }
    }
    types.sort_unstable();
    types.dedup();
    feature_bits.sort_unstable();
    feature_bits.dedup();
    Pool {
        types,
        feature_bits,
        off_curve: mutate::off_curve_point(),
    }
}

/// Progress of a run: inputs done, and per adapter the inputs it answered
/// per second of its own time.
pub type Progress<'a> = &'a (dyn Fn(u64, &[(String, f64)]) + Sync);

/// Fuzz `adapters` beside `reference` on mutations of `suite`'s inputs.
/// `expected` holds each adapter's expected-failures entries (by adapter
/// name), which explain known divergences.
pub fn run(
    suite: &Suite,
    reference: &dyn Adapter,
    adapters: &[Arc<dyn Adapter>],
    expected: &BTreeMap<String, Vec<Arc<Entry>>>,
    config: &Config,
    progress: Progress,
) -> FuzzReport {
    let seeds = seeds(suite, config);
    let pool = pool(suite, &seeds);
    let op_of = |profile: &str, area: &str, id: &str| -> Option<String> {
        suite
            .files
            .iter()
            .filter(|f| f.profile.name == profile && f.area == area)
            .flat_map(|f| f.file.tests.iter())
            .find(|t| t.id == id)
            .map(|t| t.op.clone())
    };
    let known: Vec<Known> = adapters
        .iter()
        .map(|a| Known::new(expected.get(a.name()).map_or(&[][..], |v| v), &op_of))
        .collect();
    let mut rep = FuzzReport {
        seed: config.seed,
        seeds: seeds.len(),
        adapters: adapters
            .iter()
            .map(|a| AdapterCounts::new(a.name()))
            .collect(),
        ..FuzzReport::default()
    };
    if seeds.is_empty() {
        return rep;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let mut clusters: BTreeMap<Key, Cluster> = BTreeMap::new();
    let mut seconds = vec![0f64; adapters.len()];
    let mut reference_seconds = 0f64;
    let start = Instant::now();
    let mut n: u64 = 0;
    loop {
        if config.iterations.is_some_and(|max| n >= max)
            || config.duration.is_some_and(|d| start.elapsed() >= d)
        {
            break;
        }
        n += 1;
        let Some(seed) = seeds.choose(&mut rng) else {
            break;
        };
        let mut input = seed.input.clone();
        let count = match rng.gen_range(0..10) {
            0..=6 => 1,
            7 | 8 => 2,
            _ => 3,
        };
        let mutations: Vec<String> = (0..count)
            .filter_map(|_| mutate(&mut input, &mut rng, &pool))
            .collect();
        let op = input.operation();
        let t0 = Instant::now();
        let r = answer(reference, &op, &seed.profile);
        reference_seconds += t0.elapsed().as_secs_f64();
        if matches!(r, Answer::Unsupported { .. } | Answer::Broken { .. }) {
            rep.reference_could_not_judge += 1;
            if let Answer::Broken { detail } = &r {
                rep.reference_broken
                    .push(format!("{}: {detail}", seed.vector));
            }
            continue;
        }
        match &r {
            Answer::Accepted { .. } => rep.reference_accepted += 1,
            _ => rep.reference_rejected += 1,
        }
        for (i, a) in adapters.iter().enumerate() {
            let t0 = Instant::now();
            let theirs = answer(a.as_ref(), &op, &seed.profile);
            seconds[i] += t0.elapsed().as_secs_f64();
            let counts = &mut rep.adapters[i];
            counts.inputs += 1;
            let hidden = a.unobservable(input.op());
            let (observed, label) = match compare(&r, &theirs, &hidden) {
                Comparison::Agree => {
                    counts.agree += 1;
                    continue;
                }
                Comparison::ReasonDiffers => {
                    counts.reason_differs += 1;
                    continue;
                }
                Comparison::Unsupported => {
                    counts.unsupported += 1;
                    continue;
                }
                Comparison::Broken => {
                    counts.broken += 1;
                    (None, theirs.label())
                }
                Comparison::Diverges(o) => {
                    if !config.every_difference {
                        if let Some(e) = known[i].explains(&seed.profile.name, input.op(), &o) {
                            counts.known += 1;
                            *counts.known_by_entry.entry(e.observed.clone()).or_default() += 1;
                            continue;
                        }
                        if let Some(why) =
                            legitimate(seed, &input, &r, &o, a.as_ref(), reference, &known[i])
                        {
                            counts.legitimate += 1;
                            *counts.legitimate_by_reason.entry(why).or_default() += 1;
                            continue;
                        }
                    }
                    counts.new += 1;
                    let l = their_label(&theirs, &o);
                    (Some(o), l)
                }
            };
            let key = Key {
                adapter: a.name().to_string(),
                profile: seed.profile.name.clone(),
                op: input.op().to_string(),
                reference: r.label(),
                theirs: label,
            };
            let c = clusters.entry(key.clone()).or_insert_with(|| Cluster {
                key: key.clone(),
                observed: observed.clone(),
                count: 0,
                first_input: input.clone(),
                seed_vector: seed.vector.clone(),
                requirements: seed.requirements.clone(),
                reference_rule: None,
                mutations: mutations.clone(),
                reference_answer: r.clone(),
                their_answer: theirs.clone(),
                minimal: None,
                examples: Vec::new(),
            });
            c.count += 1;
            if c.examples.len() < config.examples && c.count > 1 {
                c.examples.push(input.vector_input());
            }
        }
        if n % 256 == 0 {
            let rates: Vec<(String, f64)> =
                std::iter::once(("reference".to_string(), rate(n, reference_seconds)))
                    .chain(
                        adapters
                            .iter()
                            .zip(&seconds)
                            .zip(&rep.adapters)
                            .map(|((a, s), c)| (a.name().to_string(), rate(c.inputs, *s))),
                    )
                    .collect();
            progress(n, &rates);
        }
    }
    rep.inputs = n;
    rep.seconds = start.elapsed().as_secs_f64();
    rep.reference_inputs_per_second = rate(n, reference_seconds);
    for (i, s) in seconds.iter().enumerate() {
        rep.adapters[i].inputs_per_second = rate(rep.adapters[i].inputs, *s);
    }
    // Shrink each cluster's first input, keeping it in its cluster.
    for c in clusters.values_mut() {
        let Some(i) = adapters.iter().position(|a| a.name() == c.key.adapter) else {
            continue;
        };
        let profile = suite
            .profiles
            .iter()
            .find(|p| p.name == c.key.profile)
            .cloned();
        let Some(profile) = profile else { continue };
        let adapter = adapters[i].as_ref();
        let key = c.key.clone();
        let mut keep = |x: &Input| still_in(&key, x, adapter, reference, &profile);
        let start = c.first_input.resplit();
        let start = if keep(&start) {
            start
        } else {
            c.first_input.clone()
        };
        let small = shrink(&start, &mut keep, config.shrink_budget);
        let op = small.operation();
        let (reference_answer, fired) =
            rules::with_knockouts(&[], || answer(reference, &op, &profile));
        c.reference_answer = reference_answer;
        c.reference_rule = fired
            .filter(|_| matches!(c.reference_answer, Answer::Rejected { .. }))
            .map(|r| (r.id().to_string(), r.requirement().to_string()));
        c.their_answer = answer(adapter, &op, &profile);
        c.minimal = Some(small);
    }
    // A cluster whose minimal input gets the very answers an acceptable
    // vector gets shows that vector's defect again: the spec allows both.
    for c in clusters.into_values() {
        let i = adapters.iter().position(|a| a.name() == c.key.adapter);
        let explained =
            i.and_then(|i| same_as_acceptable(&seeds, &c, adapters[i].as_ref(), reference));
        match (i, explained) {
            (Some(i), Some(v)) => {
                let counts = &mut rep.adapters[i];
                counts.new -= c.count;
                counts.legitimate += c.count;
                *counts
                    .legitimate_by_reason
                    .entry(format!(
                        "the answers of acceptable vector {v}, whose defect it shows"
                    ))
                    .or_default() += c.count;
            }
            _ => rep.clusters.push(c),
        }
    }
    rep
}

/// The acceptable vector (of the cluster's profile and op) on which the
/// reference and the adapter answer as they do on the cluster's minimal
/// input (the adapter to the detail), if there is one.
fn same_as_acceptable<'s>(
    seeds: &'s [Seed],
    c: &Cluster,
    adapter: &dyn Adapter,
    reference: &dyn Adapter,
) -> Option<&'s str> {
    if matches!(c.their_answer, Answer::Broken { .. }) {
        return None;
    }
    seeds
        .iter()
        .filter(|s| {
            s.verdict == Verdict::Acceptable
                && s.profile.name == c.key.profile
                && s.input.op() == c.key.op
        })
        .find(|s| {
            let op = s.input.operation();
            answer(reference, &op, &s.profile).label() == c.reference_answer.label()
                && answer(adapter, &op, &s.profile) == c.their_answer
        })
        .map(|s| s.vector.as_str())
}

/// Why a divergence is a legitimate difference between implementations,
/// if it is one:
/// - the seed vector is `acceptable` (the spec allows both answers);
/// - the implementation rejects an even feature bit it does not support
///   where the reference knows it (implementations support different
///   features; BOLT 9 has each reject the even bits it does not know);
/// - the implementation refuses an offer for a chain it does not run on,
///   where the reference reads as a payer on every chain (BOLT 12 leaves
///   which chains a node accepts to the node);
/// - the input holds a record of an odd type the implementation declares it
///   knows ([`Adapter::known_types`]) and the reference ignores, and
///   without that record it agrees with the reference, or diverges only as
///   its expected-failures list says (BOLT 1 has a reader ignore only the
///   odd types it does not know).
pub fn legitimate(
    seed: &Seed,
    input: &Input,
    reference_answer: &Answer,
    observed: &asyncpay_harness::compare::Observed,
    adapter: &dyn Adapter,
    reference: &dyn Adapter,
    known: &Known,
) -> Option<String> {
    use asyncpay_adapter::ReasonClass;
    use asyncpay_harness::compare::Observed;
    if seed.verdict == Verdict::Acceptable {
        return Some("the seed vector is acceptable: the spec allows both answers".into());
    }
    if matches!(reference_answer, Answer::Accepted { .. })
        && *observed
            == (Observed::Rejected {
                reason: ReasonClass::UnknownRequiredFeature,
            })
    {
        return Some("an even feature bit the implementation does not support".into());
    }
    if matches!(reference_answer, Answer::Accepted { .. })
        && *observed
            == (Observed::Rejected {
                reason: ReasonClass::UnsupportedChain,
            })
    {
        return Some("a chain the implementation does not run on".into());
    }
    let declared = adapter.known_types(input.op());
    if declared.is_empty() {
        return None;
    }
    let input = &input.resplit();
    let records = match input.stream() {
        Some(stream::Stream::Records(rs)) => rs.clone(),
        _ => return None,
    };
    // Each declared odd record alone, then all of them together.
    let odd: Vec<usize> = (0..records.len())
        .filter(|&i| records[i].ty % 2 == 1 && declared.contains(&records[i].ty))
        .collect();
    let mut removals: Vec<Vec<usize>> = odd.iter().map(|&i| vec![i]).collect();
    if odd.len() > 1 {
        removals.push(odd.clone());
    }
    for remove in removals {
        let mut without = input.clone();
        if let Some(stream::Stream::Records(rs)) = without.stream_mut() {
            let mut i = 0;
            rs.retain(|_| {
                i += 1;
                !remove.contains(&(i - 1))
            });
        }
        let op = without.operation();
        let r = answer(reference, &op, &seed.profile);
        let t = answer(adapter, &op, &seed.profile);
        let agrees = match compare(&r, &t, &adapter.unobservable(input.op())) {
            Comparison::Agree => true,
            Comparison::Diverges(o) => known.explains(&seed.profile.name, input.op(), &o).is_some(),
            _ => false,
        };
        if matches!(r, Answer::Accepted { .. }) && agrees {
            let types: Vec<String> = remove.iter().map(|&i| records[i].ty.to_string()).collect();
            return Some(if types.len() == 1 {
                format!(
                    "odd type {} is one the implementation declares it knows, and it enforces its form",
                    types[0]
                )
            } else {
                format!(
                    "odd types {} are ones the implementation declares it knows, and it enforces their form",
                    types.join(" and ")
                )
            });
        }
    }
    None
}

fn rate(n: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        n as f64 / seconds
    } else {
        0.0
    }
}

/// The ops this fuzzer mutates, for `--help` and errors.
pub fn fuzzed_ops() -> &'static [&'static str] {
    FUZZED_OPS
}
