//! A trivial implementation of the process protocol that breaks it on
//! demand: the subject of the fault tests and of the round-trip benchmark.
//!
//! It performs `features.check` only, answering `accepted` with a view that
//! echoes the input. A request whose `context` is `fault:<kind>` breaks the
//! protocol in that way instead; `--start <kind>` breaks the start:
//!
//! | request `context` | what it does |
//! |---|---|
//! | `fault:oversize` | writes a 2 MiB line |
//! | `fault:not_json` | writes a line that is not JSON |
//! | `fault:schema` | answers `accepted` without a view |
//! | `fault:wrong_id` | answers with another id |
//! | `fault:repeat_id` | answers twice |
//! | `fault:missing_id` | answers without an id |
//! | `fault:hang` | never answers |
//! | `fault:exit` | exits with status 3 |
//! | `fault:exit_later` | answers, then exits with status 4 |
//! | `fault:stderr` | writes 100 KB to standard error, then answers |
//! | `fault:reject` | rejects with `invalid_value`, a line on standard error |
//!
//! `--start slow` sleeps 60 s before the handshake, `--start fail` exits
//! with status 1, `--start banner` prints a line before the handshake,
//! `--start version2` shakes hands in protocol version 2.

use serde_json::{json, Value};
use std::io::{BufRead, Write};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let start = args
        .iter()
        .position(|a| a == "--start")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut version = 1;
    match start {
        Some("slow") => std::thread::sleep(std::time::Duration::from_secs(60)),
        Some("fail") => {
            eprintln!("testimpl: failing at the start, as asked");
            std::process::exit(1);
        }
        Some("banner") => {
            let _ = writeln!(out, "testimpl starting up");
        }
        Some("version2") => version = 2,
        _ => {}
    }
    let hs = json!({
        "asyncpay_protocol": version,
        "implementation": {"name": "testimpl", "version": env!("CARGO_PKG_VERSION")},
        "ops": ["features.check"],
        "native_profiles": [],
        "unobservable": {"features.check": ["derived.nothing"]},
        "known_types": {"features.check": [65537]},
    });
    if writeln!(out, "{hs}").and_then(|_| out.flush()).is_err() {
        return;
    }
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { return };
        let Ok(req) = serde_json::from_str::<Value>(&line) else {
            eprintln!("testimpl: a request that is not JSON");
            continue;
        };
        let id = req["id"].as_u64().unwrap_or(0);
        let context = req["input"]["context"].as_str().unwrap_or("");
        let answer = json!({"id": id, "outcome": "accepted", "view": {"echo": req["input"]}});
        let written = match context {
            "fault:oversize" => writeln!(out, "{}", "x".repeat(2 << 20)),
            "fault:not_json" => writeln!(out, "this is not JSON"),
            "fault:schema" => writeln!(out, "{}", json!({"id": id, "outcome": "accepted"})),
            "fault:wrong_id" => {
                writeln!(
                    out,
                    "{}",
                    json!({"id": id + 1_000_000, "outcome": "accepted", "view": {}})
                )
            }
            "fault:repeat_id" => writeln!(out, "{answer}").and_then(|_| writeln!(out, "{answer}")),
            "fault:missing_id" => writeln!(out, "{}", json!({"outcome": "accepted", "view": {}})),
            "fault:hang" => loop {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            },
            "fault:exit" => std::process::exit(3),
            "fault:exit_later" => {
                let _ = writeln!(out, "{answer}").and_then(|_| out.flush());
                std::thread::sleep(std::time::Duration::from_millis(50));
                std::process::exit(4)
            }
            "fault:stderr" => {
                eprint!("{}", "e".repeat(100_000));
                writeln!(out, "{answer}")
            }
            "fault:reject" => {
                eprintln!("testimpl: rejecting, as asked");
                writeln!(
                    out,
                    "{}",
                    json!({"id": id, "outcome": "rejected", "reason": "invalid_value", "detail": "as asked"})
                )
            }
            _ => writeln!(out, "{answer}"),
        };
        if written.and_then(|_| out.flush()).is_err() {
            return;
        }
    }
}
