//! A `main` for a target built without libFuzzer (stable Rust): it runs the
//! target once on every file given, or found (recursively) in a directory
//! given, and prints how many inputs ran and how fast.
//!
//! ```text
//! replay [--repeat N] PATH...
//! ```
//!
//! A panic in the target ends the process with the panic's message and
//! the path of the input, as libFuzzer would report a crash.

use std::path::{Path, PathBuf};
use std::time::Instant;

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for e in entries {
            collect(&e, out)?;
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// Replays the inputs named on the command line through `target`.
pub fn main(name: &str, target: fn(&[u8])) {
    let mut repeat = 1usize;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--repeat" => {
                repeat = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| usage(name));
            }
            "-h" | "--help" => usage(name),
            // libFuzzer-style flags (e.g. from a runner that passes
            // -runs=0) are ignored.
            f if f.starts_with('-') => {}
            p => paths.push(PathBuf::from(p)),
        }
    }
    if paths.is_empty() {
        usage(name);
    }
    let mut files = Vec::new();
    for p in &paths {
        if let Err(e) = collect(p, &mut files) {
            eprintln!("{name}: {}: {e}", p.display());
            std::process::exit(2);
        }
    }
    let inputs: Vec<(PathBuf, Vec<u8>)> = files
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(&f).unwrap_or_else(|e| {
                eprintln!("{name}: {}: {e}", f.display());
                std::process::exit(2);
            });
            (f, bytes)
        })
        .collect();
    let started = Instant::now();
    let mut runs = 0u64;
    for _ in 0..repeat {
        for (path, bytes) in &inputs {
            let outcome = std::panic::catch_unwind(|| target(bytes));
            if outcome.is_err() {
                eprintln!("{name}: crash on input {}", path.display());
                std::process::exit(1);
            }
            runs += 1;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{name}: {} inputs, {runs} runs in {secs:.2} s ({:.0} execs/s), no crash",
        inputs.len(),
        runs as f64 / secs.max(1e-9)
    );
}

fn usage(name: &str) -> ! {
    eprintln!("usage: {name} [--repeat N] FILE_OR_DIR...");
    std::process::exit(2);
}
