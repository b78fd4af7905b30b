//! The fuzz loop's speed on codec operations, and its overhead against
//! bare decoding of the same inputs, on the reference, measured side by
//! side in one run. (LDK's figures come from `asyncpay fuzz --adapter ldk`,
//! whose report gives each adapter's inputs per second of its own time.)
//!
//! `cargo bench -p asyncpay-fuzz` (`-- --quick` for fewer inputs).

use asyncpay_adapter::Adapter;
use asyncpay_fuzz::{differ, mutate, pool, seeds, Config};
use asyncpay_harness::Suite;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let n: u64 = if quick { 20_000 } else { 200_000 };
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors");
    let suite = Suite::load(dir).expect("vectors load");
    let config = Config {
        iterations: Some(n),
        ops: [
            "static_invoice.decode",
            "update_add_htlc.decode",
            "revoke_and_ack.decode",
            "features.check",
        ]
        .map(String::from)
        .to_vec(),
        ..Config::default()
    };
    let reference = asyncpay_reference::ReferenceAdapter;
    // The reference under another name, as the adapter compared.
    let twin: Arc<dyn Adapter> = Arc::new(Twin);

    // The loop with the reference alone (no other adapter to compare).
    let t = Instant::now();
    let r = asyncpay_fuzz::run(
        &suite,
        &reference,
        &[],
        &BTreeMap::new(),
        &config,
        &|_, _| {},
    );
    let loop_reference = r.inputs as f64 / t.elapsed().as_secs_f64();

    // The loop comparing the reference with itself.
    let t = Instant::now();
    let r = asyncpay_fuzz::run(
        &suite,
        &reference,
        &[twin],
        &BTreeMap::new(),
        &config,
        &|_, _| {},
    );
    let loop_both = r.inputs as f64 / t.elapsed().as_secs_f64();

    // Bare decoding of the same kind of inputs, made beforehand.
    let seeds = seeds(&suite, &config);
    let pool = pool(&suite, &seeds);
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let inputs: Vec<_> = (0..n)
        .map(|_| {
            let s = seeds.choose(&mut rng).expect("seeds");
            let mut i = s.input.clone();
            for _ in 0..rng.gen_range(1..=2) {
                mutate::mutate(&mut i, &mut rng, &pool);
            }
            (i.operation(), s.profile.clone())
        })
        .collect();
    let bare = |a: &dyn Adapter| {
        let t = Instant::now();
        for (op, p) in &inputs {
            std::hint::black_box(differ::answer(a, op, p));
        }
        n as f64 / t.elapsed().as_secs_f64()
    };
    let bare_reference = bare(&reference);
    // Per op: bare decoding of that op's inputs alone.
    let mut per_op: BTreeMap<&str, (u64, f64)> = BTreeMap::new();
    for (op, p) in &inputs {
        let t = Instant::now();
        std::hint::black_box(differ::answer(&reference, op, p));
        let e = per_op.entry(op.name()).or_default();
        e.0 += 1;
        e.1 += t.elapsed().as_secs_f64();
    }

    println!("codec inputs: {n}, one core");
    println!("bare decoding, reference:        {bare_reference:>10.0} inputs/s");
    println!(
        "fuzz loop, reference alone:      {loop_reference:>10.0} inputs/s (overhead x{:.2})",
        bare_reference / loop_reference
    );
    for (op, (k, secs)) in &per_op {
        println!(
            "  {op:<24} {:>10.0} inputs/s ({k} inputs)",
            *k as f64 / secs
        );
    }
    println!(
        "fuzz loop, reference twice:      {loop_both:>10.0} inputs/s (against two bare decodings: x{:.2})",
        (bare_reference / 2.0) / loop_both
    );
}

struct Twin;
impl Adapter for Twin {
    fn name(&self) -> &str {
        "twin"
    }
    fn native_profiles(&self) -> Vec<String> {
        Vec::new()
    }
    fn execute(
        &self,
        op: &asyncpay_adapter::Operation,
        p: &asyncpay_adapter::Profile,
    ) -> asyncpay_adapter::Outcome {
        asyncpay_reference::ReferenceAdapter.execute(op, p)
    }
}
