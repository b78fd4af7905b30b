//! The release flows, run on real LDK nodes.

use super::*;
use lightning::chain::channelmonitor::HTLC_FAIL_BACK_BUFFER;
use lightning::ln::channelmanager::MIN_CLTV_EXPIRY_DELTA;
use NodeRole::*;

mod tamper;

const AMT: u64 = 5_000;
/// BOLT 4 `temporary_node_failure` (NODE | 2).
const TEMPORARY_NODE_FAILURE: u16 = 0x2002;

/// Pays with the recipient offline; returns once the LSP holds the HTLC.
fn pay_while_recipient_offline(net: &mut AsyncNet<'_, '_>) -> Result<(), DriverError> {
    net.recipient_offline()?;
    net.pay_static_invoice(AMT)?;
    Ok(())
}

fn run<R>(cfg: &NetConfig, f: impl FnOnce(&mut AsyncNet<'_, '_>) -> Result<R, DriverError>) -> R {
    match run_network(cfg, f) {
        Ok(r) => r,
        Err(e) => panic!("scenario failed: {e}"),
    }
}

#[test]
fn a_hold_until_release_then_forward_once_and_claim() {
    let (held, after) = run(&NetConfig::default(), |net| {
        pay_while_recipient_offline(net)?;
        let held = net.summary();
        net.recipient_online()?;
        if net.held_htlc_available_captured() == 0 {
            return step_err("no held_htlc_available reached the recipient");
        }
        net.deliver_held_htlc_available_to_recipient(0)?;
        net.deliver_release(0)?;
        Ok((held, net.summary()))
    });
    // Held: the payer's HTLC carries hold_htlc, the LSP does not forward it,
    // and its revoke_and_ack carries one release path.
    assert_eq!(held.payer_adds_hold_flags, vec![true]);
    assert_eq!(held.lsp_forwards, 0);
    assert_eq!(held.raa_release_path_counts, vec![1]);
    assert!(held.held_htlc_available_sent >= 1);
    // Released: forwarded exactly once, claimed with the sender's preimage.
    assert_eq!(after.lsp_forwards, 1);
    assert_eq!(after.server_forwards, 1);
    assert_eq!(after.recipient_claimed, 1);
    assert_eq!(after.preimage_consistent, Some(true));
    assert!(after.payer_preimage.is_some());
    assert!(after.payer_failure_codes.is_empty());
}

#[test]
fn b_duplicate_release_forwards_once() {
    let s = run(&NetConfig::default(), |net| {
        pay_while_recipient_offline(net)?;
        net.recipient_online()?;
        net.deliver_held_htlc_available_to_recipient(0)?;
        // The recipient answers a second copy of the same held_htlc_available too.
        net.deliver_held_htlc_available_to_recipient(0)?;
        if net.releases_captured() < 2 {
            return step_err("expected two releases");
        }
        net.deliver_release(0)?;
        net.deliver_release(0)?; // the same message again
        net.deliver_release(1)?; // the second release
        Ok(net.summary())
    });
    assert_eq!(s.releases_sent, 2);
    assert_eq!(s.lsp_forwards, 1);
    assert_eq!(s.recipient_claimed, 1);
    assert_eq!(s.preimage_consistent, Some(true));
}

#[test]
fn c_no_release_before_deadline_fails_back_and_late_release_is_ignored() {
    let (incoming, failed_at, s) = run(&NetConfig::default(), |net| {
        pay_while_recipient_offline(net)?;
        let incoming = net.lsp_inbound_htlcs();
        let mut mined = 0;
        while net.summary().lsp_fail_backs == 0 && mined < 400 {
            net.mine_blocks(1)?;
            mined += 1;
        }
        let failed_at = net.height(PayerLsp);
        // Late: the recipient comes online and releases.
        net.recipient_online()?;
        for i in 0..net.held_htlc_available_captured() {
            net.deliver_held_htlc_available_to_recipient(i)?;
        }
        for i in 0..net.releases_captured() {
            net.deliver_release(i)?;
        }
        Ok((incoming, failed_at, net.summary()))
    });
    assert_eq!(incoming.len(), 1);
    assert_eq!(s.lsp_fail_backs, 1);
    assert_eq!(s.lsp_forwards, 0, "late release must do nothing");
    assert_eq!(s.recipient_claimed, 0);
    assert_eq!(s.lsp_handling_failures.len(), 1);
    assert!(
        s.lsp_handling_failures[0].contains("ForwardExpiryBuffer"),
        "{s:?}"
    );
    assert_eq!(s.payer_failure_codes, vec![Some(TEMPORARY_NODE_FAILURE)]);
    assert_eq!(s.channel_closures, vec![]);
    // LDK fails a held HTLC back once height >= outgoing_cltv_value -
    // HTLC_FAIL_BACK_BUFFER (channelmanager.rs `best_block_updated`; the
    // buffer is CLTV_CLAIM_BUFFER 36 + LATENCY_GRACE_PERIOD_BLOCKS 3 = 39).
    // The outgoing CLTV is the incoming one minus the LSP's
    // cltv_expiry_delta (MIN_CLTV_EXPIRY_DELTA = 48 in the test config).
    let incoming_cltv = incoming[0].0;
    let outgoing_cltv = incoming_cltv - u32::from(MIN_CLTV_EXPIRY_DELTA);
    assert_eq!(
        failed_at,
        outgoing_cltv - HTLC_FAIL_BACK_BUFFER,
        "incoming cltv {incoming_cltv}"
    );
}

#[test]
fn d1_lsp_without_hold_from_start_payer_waits_for_release_itself() {
    let cfg = NetConfig {
        lsp_enable_htlc_hold: false,
        ..NetConfig::default()
    };
    let (waiting, s) = run(&cfg, |net| {
        pay_while_recipient_offline(net)?;
        let waiting = net.summary();
        // The release goes to the payer this time; then it sends a plain HTLC.
        net.recipient_online()?;
        net.deliver_held_htlc_available_to_recipient(0)?;
        net.deliver_release(0)?;
        Ok((waiting, net.summary()))
    });
    // The LSP never advertised option_htlc_hold: the payer does not lock in an
    // HTLC at all; it sends held_htlc_available itself, with a reply path to
    // itself, and waits online (channelmanager.rs `hold_htlc_channels`,
    // offers/flow.rs `HeldHtlcReplyPath::ToUs`).
    assert!(waiting.payer_adds_hold_flags.is_empty(), "{waiting:?}");
    assert!(waiting.held_htlc_available_sent >= 1);
    assert!(waiting.raa_release_path_counts.is_empty());
    // Released to the payer: one HTLC without hold_htlc, forwarded, claimed.
    assert_eq!(s.payer_adds_hold_flags, vec![false]);
    assert_eq!(s.lsp_forwards, 1);
    assert_eq!(s.recipient_claimed, 1);
    assert_eq!(s.preimage_consistent, Some(true));
}

#[test]
fn d2_lsp_switches_hold_off_fails_hold_htlc_with_temporary_node_failure() {
    let s = run(&NetConfig::default(), |net| {
        net.set_lsp_enable_htlc_hold(false)?;
        pay_while_recipient_offline(net)?;
        Ok(net.summary())
    });
    assert_eq!(s.payer_adds_hold_flags, vec![true]);
    assert_eq!(s.lsp_forwards, 0);
    assert_eq!(s.lsp_fail_backs, 1);
    assert_eq!(s.lsp_handling_failures.len(), 1);
    assert!(
        s.lsp_handling_failures[0].contains("TemporaryNodeFailure"),
        "{s:?}"
    );
    assert_eq!(s.payer_failure_codes, vec![Some(TEMPORARY_NODE_FAILURE)]);
    assert_eq!(s.payer_payment_failed.len(), 1);
}

#[test]
fn e_held_htlc_available_count_and_reply_paths() {
    for via_server_only in [true, false] {
        let cfg = NetConfig {
            recipient_paths_via_server_only: via_server_only,
            ..NetConfig::default()
        };
        let s = run(&cfg, |net| {
            pay_while_recipient_offline(net)?;
            Ok(net.summary())
        });
        // LDK sends one held_htlc_available per message path of the static
        // invoice, all with the one reply path from the LSP's revoke_and_ack
        // (offers/flow.rs `enqueue_held_htlc_available`,
        // `HeldHtlcReplyPath::ToCounterparty`).
        let paths = if via_server_only { 1 } else { 2 };
        assert_eq!(
            s.held_htlc_available_sent, paths,
            "server only: {via_server_only} {s:?}"
        );
        assert_eq!(s.held_htlc_available_distinct_routes, paths);
        assert_eq!(s.held_htlc_available_distinct_reply_paths, 1);
    }
}

#[test]
fn f_forged_releases_are_ignored() {
    let s = run(&NetConfig::default(), |net| {
        pay_while_recipient_offline(net)?;
        net.recipient_online()?;
        net.deliver_held_htlc_available_to_recipient(0)?;
        for how in [
            Forgery::PathNotCreatedByLsp,
            Forgery::UnknownHtlc,
            Forgery::Tampered,
        ] {
            let i = net.forge_release(how)?;
            net.deliver_release(i)?;
            if net.summary().lsp_forwards != 0 {
                return step_err(format!("forged release {how:?} released the HTLC"));
            }
        }
        // The HTLC is still held: the genuine release works.
        net.deliver_release(0)?;
        let readings: Vec<String> = net
            .observations()
            .trace
            .iter()
            .filter_map(|e| match e {
                TraceEntry::Other { what, .. } if what.starts_with("forged") => Some(what.clone()),
                _ => None,
            })
            .collect();
        Ok((readings, net.summary()))
    });
    let (readings, s) = s;
    assert_eq!(
        readings,
        vec![
            "forged release (PathNotCreatedByLsp) reads as Unreadable",
            "forged release (UnknownHtlc) reads as ReleaseHeldHtlc",
            "forged release (Tampered) reads as Unreadable",
        ]
    );
    assert_eq!(s.lsp_forwards, 1);
    assert_eq!(s.recipient_claimed, 1);
}

#[test]
fn g_payer_offline_after_lock_in_learns_preimage_on_reconnect() {
    let s = run(&NetConfig::default(), |net| {
        pay_while_recipient_offline(net)?;
        net.set_online(Payer, false)?;
        net.recipient_online()?;
        net.deliver_held_htlc_available_to_recipient(0)?;
        net.deliver_release(0)?;
        let before = net.summary();
        if before.payer_preimage.is_some() || before.recipient_claimed != 1 {
            return step_err(format!("unexpected state while payer offline: {before:?}"));
        }
        net.set_online(Payer, true)?;
        Ok(net.summary())
    });
    assert_eq!(s.lsp_forwards, 1);
    assert!(s.payer_preimage.is_some());
    assert_eq!(s.preimage_consistent, Some(true));
}

#[test]
fn panics_become_errors() {
    let r: Result<(), _> = run_network(&NetConfig::default(), |_net| panic!("boom"));
    match r {
        Err(DriverError::Panicked { message, .. }) => {
            assert!(message.starts_with("boom (at "), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

/// Prints the observations of each flow and the time of a release-flow run
/// (`cargo test -p asyncpay-ldk --lib nodes::tests::report -- --ignored --nocapture`).
#[test]
#[ignore]
fn report() {
    let release_flow = |net: &mut AsyncNet<'_, '_>| {
        pay_while_recipient_offline(net)?;
        net.recipient_online()?;
        net.deliver_held_htlc_available_to_recipient(0)?;
        net.deliver_release(0)?;
        Ok(net.observations().clone())
    };
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = std::time::Instant::now();
        run(&NetConfig::default(), release_flow);
        times.push(t.elapsed());
    }
    println!("release flow run times: {times:?}");
    let obs = run(&NetConfig::default(), release_flow);
    for e in &obs.trace {
        println!("  {e:?}");
    }
    println!("{:#?}", obs.summary());
    let timeout = run(&NetConfig::default(), |net| {
        pay_while_recipient_offline(net)?;
        let inc = net.lsp_inbound_htlcs();
        let h0 = net.height(PayerLsp);
        while net.summary().lsp_fail_backs == 0 {
            net.mine_blocks(1)?;
        }
        Ok((inc, h0, net.height(PayerLsp), net.summary()))
    });
    println!("timeout: {timeout:#?}");
}

/// The scenarios of `vectors/<profile>/scenarios.json` whose
/// `role_under_test` is `role` (as the JSON names it), with their ids.
pub(super) fn vector_scenarios(
    profile: &str,
    role: &str,
) -> Vec<(String, asyncpay_adapter::scenario::Scenario)> {
    let path = format!(
        "{}/../../vectors/{profile}/scenarios.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).expect("read scenarios.json");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("parse scenarios.json");
    doc["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .filter(|t| t["input"]["role_under_test"] == role)
        .map(|t| {
            let id = t["id"].as_str().expect("id").to_string();
            let s = serde_json::from_value(t["input"].clone()).expect("scenario");
            (id, s)
        })
        .collect()
}

/// A vector scenario run on the real network and judged.
pub(super) struct Judged {
    /// The test id.
    pub(super) id: String,
    /// The scenario as run.
    pub(super) scenario: asyncpay_adapter::scenario::Scenario,
    /// The trace and the suite's judgement of it, or why there is no trace.
    pub(super) outcome: Result<
        (
            asyncpay_adapter::scenario::TraceView,
            Result<(), asyncpay_adapter::scenario::ScenarioFailure>,
        ),
        super::dispatch::ScenarioError,
    >,
}

impl Judged {
    /// One report line: `PASS id`, `FAIL id: failure` (with the trace),
    /// `UNSUPPORTED id: reason` or `ERROR id: error`.
    pub(super) fn line(&self) -> String {
        use super::dispatch::ScenarioError;
        let id = &self.id;
        match &self.outcome {
            Ok((_, Ok(()))) => format!("PASS {id}"),
            Ok((trace, Err(f))) => format!("FAIL {id}: {f}\n      trace: {:?}", trace.trace),
            Err(ScenarioError::Unsupported(r)) => format!("UNSUPPORTED {id}: {r}"),
            Err(ScenarioError::Driver(e)) => format!("ERROR {id}: {e}"),
            Err(ScenarioError::Malformed(e)) => format!("ERROR {id}: malformed: {e}"),
        }
    }
}

/// Runs the vectors' scenarios of `role` in `profile` (see
/// [`vector_scenarios`]) on a fresh real network each and judges the traces
/// with the suite's judge.
pub(super) fn run_vector_scenarios(profile: &str, role: &str) -> Vec<Judged> {
    use super::dispatch::run_scenario;
    use asyncpay_adapter::scenario::judge;
    vector_scenarios(profile, role)
        .into_iter()
        .map(|(id, scenario)| {
            let outcome = run_scenario(&scenario).map(|trace| {
                let verdict = judge(&scenario, &trace);
                (trace, verdict)
            });
            Judged {
                id,
                scenario,
                outcome,
            }
        })
        .collect()
}

/// Runs the vectors' payer's-LSP scenarios on the real network and judges
/// the traces with the suite's judge.
#[test]
fn lsp_vector_scenarios_on_real_ldk() {
    let lines: Vec<String> = run_vector_scenarios("ldk-0.2", "payer_lsp")
        .iter()
        .map(Judged::line)
        .collect();
    let report = lines.join("\n");
    println!("{report}");
    assert!(!report.contains("ERROR"), "{report}");
    let verdicts: Vec<&str> = lines
        .iter()
        .map(|l| l.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(verdicts.len(), 23, "{report}");
    assert_eq!(
        verdicts.iter().filter(|v| v.starts_with("PASS")).count(),
        15,
        "{report}"
    );
    // A second part of one payment: the driver plays each held HTLC as a
    // payment of its own.
    for id in [
        "lsp-multipart-each-part-held-until-its-release",
        "lsp-multipart-one-release-releases-its-part-only",
        "lsp-multipart-parts-time-out-separately",
        "lsp-multipart-release-between-parts",
    ] {
        assert!(
            verdicts.contains(&format!("UNSUPPORTED {id}").as_str()),
            "{report}"
        );
    }
    assert!(
        verdicts.contains(&"FAIL lsp-release-while-next-hop-disconnected-forwards-on-reconnection"),
        "{report}"
    );
    assert!(
        verdicts.contains(&"FAIL lsp-release-racing-commitment"),
        "{report}"
    );
    assert!(
        verdicts.contains(&"FAIL lsp-without-htlc-hold-receives-hold-htlc"),
        "{report}"
    );
    // The real payer writes the LSP's payload itself.
    assert!(
        verdicts.contains(&"UNSUPPORTED lsp-fails-back-held-htlc-with-unknown-even-payload-record"),
        "{report}"
    );
}

#[test]
fn h_release_racing_the_commitment_is_lost() {
    // The payer's revoke_and_ack (which irrevocably commits the HTLC at the
    // LSP) is held back; the recipient's release arrives first. LDK logs
    // "Failed to release HTLC ...: HTLC not found" and drops it
    // (channelmanager.rs `handle_release_held_htlc`); once committed, the
    // HTLC is held again until a release arrives (here: the same message,
    // delivered again).
    let cfg = NetConfig {
        auto_claim: false,
        ..NetConfig::default()
    };
    let (raced, resent) = run(&cfg, |net| {
        net.recipient_offline()?;
        net.set_defer_payer_raa(true);
        net.pay_static_invoice(AMT)?;
        if net.deferred_payer_raas() != 1 {
            return step_err("expected one deferred revoke_and_ack");
        }
        net.recipient_online()?;
        net.deliver_held_htlc_available_to_recipient(0)?;
        net.deliver_release(0)?;
        net.release_deferred_payer_raa()?;
        net.mine_blocks(1)?;
        let raced = net.summary();
        net.deliver_release(0)?;
        Ok((raced, net.summary()))
    });
    assert_eq!(raced.raa_release_path_counts, vec![1]);
    assert_eq!(raced.releases_sent, 1);
    assert_eq!(raced.lsp_forwards, 0);
    assert_eq!(resent.lsp_forwards, 1);
}

#[test]
fn i_payer_expiry_reads_the_wall_clock_not_block_time() {
    // The LSP does not hold, so the payer waits for the release itself. Its
    // pending async payment expires 7 days after the static invoice arrived
    // (outbound_payment.rs ASYNC_PAYMENT_TIMEOUT_RELATIVE_EXPIRY), but with
    // the `std` feature `timer_tick_occurred` compares against
    // `SystemTime::now()` (channelmanager.rs, `remove_stale_payments`), not
    // the block timestamps the driver controls: simulated time cannot expire
    // it. (Without `std` it would use the highest block time minus 2 h.)
    let cfg = NetConfig {
        lsp_enable_htlc_hold: false,
        ..NetConfig::default()
    };
    let s = run(&cfg, |net| {
        pay_while_recipient_offline(net)?;
        net.advance_time(8 * 86_400)?;
        net.timer_tick()?;
        Ok(net.summary())
    });
    assert!(s.payer_payment_failed.is_empty(), "{s:?}");
    assert!(s.payer_adds_hold_flags.is_empty());
    // When the payer itself waits, its held_htlc_available messages carry
    // distinct reply paths (one per payer peer, `HeldHtlcReplyPath::ToUs`).
    assert_eq!(s.held_htlc_available_sent, 2);
    assert_eq!(s.held_htlc_available_distinct_reply_paths, 2);
    assert_eq!(s.held_htlc_available_distinct_routes, 1);
}

// ----- the payer role -----

fn sha(b: &[u8; 32]) -> [u8; 32] {
    use lightning::bitcoin::hashes::{sha256, Hash};
    sha256::Hash::hash(b).to_byte_array()
}

#[test]
fn j_payer_final_payload_carries_keysend_preimage_and_its_invoice_request() {
    // Decoded while the LSP holds the HTLC (the driver peels the payer's
    // onion hop by hop as it crosses the wire); after the release the
    // recipient is handed the same preimage.
    let (held, invreqs, claimable) = run(&NetConfig::default(), |net| {
        pay_while_recipient_offline(net)?;
        let held = net.payer_final_payloads();
        let invreqs = net.payer_invoice_requests();
        net.recipient_online()?;
        net.deliver_held_htlc_available_to_recipient(0)?;
        net.deliver_release(0)?;
        let claimable: Vec<_> = net
            .observations()
            .trace
            .iter()
            .filter_map(|e| match e {
                TraceEntry::PaymentClaimable { preimage, .. } => *preimage,
                _ => None,
            })
            .collect();
        Ok((held, invreqs, claimable))
    });
    assert_eq!(held.len(), 1, "{held:?}");
    let p = &held[0];
    assert_eq!(p.error, None);
    assert_eq!(p.final_node, Some(Recipient));
    let pre = p.preimage.expect("sender_provided_payment_preimage");
    assert_eq!(sha(&pre), p.payment_hash);
    let ir = p.invoice_request.as_ref().expect("invoice_request");
    assert!(!invreqs.is_empty());
    assert!(
        invreqs.contains(ir),
        "the payload's invoice_request was sent"
    );
    assert_eq!(claimable, vec![pre]);
}

#[test]
fn k_two_release_paths_one_held_htlc_available_per_release_path_and_message_path() {
    // The LSP's revoke_and_ack carries its genuine release path plus one the
    // driver adds (same context, the LSP's key). LDK's payer enqueues
    // held_htlc_available once per (htlc_id, path) entry (channel.rs
    // `revoke_and_ack`, channelmanager.rs `internal_revoke_and_ack`), each
    // time over every message path of the static invoice (offers/flow.rs
    // `enqueue_held_htlc_available`, `enqueue_onion_message_with_reply_paths`):
    // 2 x 2 = 4 messages, each message path used twice, each reply path twice.
    let cfg = NetConfig {
        recipient_paths_via_server_only: false,
        ..NetConfig::default()
    };
    let (s, added, released, after) = run(&cfg, |net| {
        net.set_lsp_extra_release_paths(1);
        pay_while_recipient_offline(net)?;
        let s = net.summary();
        let added = net.added_release_paths();
        // The added path is as good as the LSP's own: a release over it
        // releases the HTLC.
        let released = net.recipient_releases_over(&added[0])?;
        Ok((s, added, released, net.summary()))
    });
    assert_eq!(s.raa_release_path_counts, vec![2]);
    assert_eq!(s.payer_adds_hold_flags, vec![true]);
    assert_eq!(s.held_htlc_available_sent, 4, "{s:?}");
    assert_eq!(s.held_htlc_available_distinct_reply_paths, 2);
    assert_eq!(s.held_htlc_available_distinct_routes, 2);
    assert_eq!(added.len(), 1);
    assert!(released);
    assert_eq!(after.lsp_forwards, 1);
    assert_eq!(after.recipient_claimed, 1);
    assert_eq!(after.preimage_consistent, Some(true));
}

#[test]
fn l_online_payer_waits_for_release_then_pays_once_without_hold() {
    // hold_outbound_htlcs_at_next_hop off: the payer sends
    // held_htlc_available with reply paths to itself (one per peer,
    // `HeldHtlcReplyPath::ToUs`) over every message path, and no HTLC until
    // a release reaches it; a second release over its other reply path
    // does nothing.
    let cfg = NetConfig {
        payer_hold_outbound_htlcs: false,
        recipient_paths_via_server_only: false,
        auto_claim: false,
        ..NetConfig::default()
    };
    let (waiting, first, second, payloads) = run(&cfg, |net| {
        pay_while_recipient_offline(net)?;
        let waiting = net.summary();
        let mut rps: Vec<String> = Vec::new();
        for r in waiting.held_htlc_available_reply_paths.iter().flatten() {
            if !rps.contains(r) {
                rps.push(r.clone());
            }
        }
        if rps.len() != 2 {
            return step_err(format!("expected two reply paths, got {rps:?}"));
        }
        net.recipient_releases_over(&rps[0])?;
        let first = net.summary();
        net.recipient_releases_over(&rps[1])?;
        Ok((waiting, first, net.summary(), net.payer_final_payloads()))
    });
    assert!(waiting.payer_adds_hold_flags.is_empty());
    assert!(waiting.raa_release_path_counts.is_empty());
    assert_eq!(waiting.held_htlc_available_sent, 4, "{waiting:?}");
    assert_eq!(waiting.held_htlc_available_distinct_reply_paths, 2);
    assert_eq!(waiting.held_htlc_available_distinct_routes, 2);
    assert_eq!(first.payer_adds_hold_flags, vec![false]);
    assert_eq!(first.lsp_forwards, 1);
    assert_eq!(second.payer_adds_hold_flags, vec![false]);
    assert_eq!(second.lsp_forwards, 1);
    assert_eq!(payloads.len(), 1);
    let pre = payloads[0].preimage.expect("keysend preimage");
    assert_eq!(sha(&pre), payloads[0].payment_hash);
    assert!(payloads[0].invoice_request.is_some());
}

/// Runs the vectors' payer scenarios on the real network and judges the
/// traces. For the two that fail on `distinct_paths` /
/// `distinct_reply_paths`, the same trace is judged once more with only
/// those two flags cleared, to show every other expectation holds (a
/// diagnostic: the harness grades the scenario as written).
#[test]
fn payer_vector_scenarios_on_real_ldk() {
    use super::dispatch::ScenarioError;
    use asyncpay_adapter::scenario::{judge, Check, Step};
    let mut verdicts = Vec::new();
    let mut report = String::new();
    for Judged {
        id,
        scenario: s,
        outcome,
    } in run_vector_scenarios("ldk-0.2", "payer")
    {
        let v = match outcome {
            Ok((_, Ok(()))) => "PASS".to_string(),
            Ok((trace, Err(f))) => {
                let mut relaxed = s.clone();
                for st in &mut relaxed.steps {
                    if let Step::Expect(e) = st {
                        if let Check::OnionMessageSent {
                            distinct_paths,
                            distinct_reply_paths,
                            ..
                        } = &mut e.check
                        {
                            *distinct_paths = false;
                            *distinct_reply_paths = false;
                        }
                    }
                }
                let rest = match judge(&relaxed, &trace) {
                    Ok(()) => "rest holds".to_string(),
                    Err(g) => format!("rest: {g}"),
                };
                report.push_str(&format!(
                    "{id}: {f}\n  {rest}\n  trace: {:?}\n",
                    trace.trace
                ));
                format!("FAIL step {:?} {:?}; {rest}", f.step, f.level)
            }
            Err(ScenarioError::Unsupported(r)) => {
                report.push_str(&format!("{id}: unsupported: {r}\n"));
                "UNSUPPORTED".to_string()
            }
            Err(ScenarioError::Driver(e)) => format!("ERROR {e}"),
            Err(ScenarioError::Malformed(e)) => format!("ERROR malformed: {e}"),
        };
        verdicts.push((id, v));
    }
    println!("{verdicts:#?}\n{report}");
    let get = |id: &str| {
        verdicts
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, v)| v.as_str())
            .unwrap_or("missing")
    };
    assert_eq!(
        get("payer-no-hold-htlc-toward-peer-without-feature"),
        "PASS"
    );
    assert_eq!(get("payer-payload-for-static-invoice"), "PASS");
    assert_eq!(
        get("payer-sends-two-held-htlc-available-with-unique-reply-paths"),
        "FAIL step Some(5) Must; rest holds",
        "{report}"
    );
    assert_eq!(
        get("payer-online-waits-for-release"),
        "FAIL step Some(5) Choice; rest holds",
        "{report}"
    );
    assert_eq!(
        get("payer-fresh-invoice-no-hold-no-sender-preimage"),
        "PASS"
    );
    assert_eq!(
        get("payer-expired-static-invoice-not-paid"),
        "PASS",
        "{report}"
    );
    assert_eq!(
        get("payer-static-and-fresh-invoice-paid-once"),
        "PASS",
        "{report}"
    );
    assert_eq!(get("payer-release-paths-for-unheld-htlc-ignored"), "PASS");
    // LDK sends held_htlc_available once: nothing after a reconnection.
    assert!(
        get("payer-retransmits-held-htlc-available-after-reconnection")
            .starts_with("FAIL step Some(8) Choice"),
        "{report}"
    );
    assert_eq!(
        get("payer-fresh-invoice-paid-then-static-invoice-ignored"),
        "PASS",
        "{report}"
    );
    assert_eq!(verdicts.len(), 14, "{verdicts:?}");
}

#[test]
fn o_aged_static_invoice_paid_when_fresh_not_when_older_than_14_days() {
    // The driver puts in the server's store a static invoice the recipient's
    // keys sign for an offer built with them (the real offer's paths),
    // `age` old and without relative_expiry; the payer pays that offer and
    // the invoice is captured and delivered. Control: the same construction
    // with age 0 and 13 days is paid (an HTLC with hold_htlc); 15 days + 1 h
    // (the scenario's age) is not: LDK's default is 14 days
    // (offers/static_invoice.rs:53) and the payer abandons the payment with
    // PaymentExpired (ln/outbound_payment.rs:1177-1183).
    let pay_aged = |age_secs: u64| {
        run(&NetConfig::default(), |net| {
            net.recipient_offline()?;
            let real = net.offer().cloned();
            let offer = net.serve_aged_static_invoice(std::time::Duration::from_secs(age_secs))?;
            net.set_capture_invoices_to_payer(true);
            net.pay_static_invoice(AMT)?;
            net.set_capture_invoices_to_payer(false);
            let captured = net.captured_invoices_to_payer(&OmKind::StaticInvoice);
            let before = net.summary();
            let delivered = net.deliver_captured_invoice_to_payer(OmKind::StaticInvoice)?;
            let served_is_aged = net.served_invoices().iter().any(|i| {
                i.created_at().as_secs() + age_secs + 600 > now_secs()
                    && i.created_at().as_secs() + age_secs <= now_secs() + 600
            });
            Ok((
                real != Some(offer),
                captured,
                before,
                delivered,
                served_is_aged,
                net.summary(),
            ))
        })
    };
    for age in [0, 13 * 86_400] {
        let (new_offer, captured, before, delivered, aged, after) = pay_aged(age);
        assert!(new_offer && aged && delivered, "age {age}");
        // One static invoice per invoice_request the payer sent (LDK may
        // send more than one); one delivered.
        assert!(captured >= 1, "age {age}");
        assert!(
            before.payer_adds_hold_flags.is_empty(),
            "age {age}: {before:?}"
        );
        assert_eq!(
            after.payer_adds_hold_flags,
            vec![true],
            "age {age}: {after:?}"
        );
        assert!(
            after.payer_payment_failed.is_empty(),
            "age {age}: {after:?}"
        );
    }
    let age = 15 * 86_400 + 3600;
    let (new_offer, captured, _, delivered, aged, after) = pay_aged(age);
    assert!(new_offer && aged && delivered);
    assert!(captured >= 1);
    assert!(after.payer_adds_hold_flags.is_empty(), "{after:?}");
    assert_eq!(
        after.payer_payment_failed,
        vec!["Some(PaymentExpired)".to_string()]
    );
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[test]
fn m_static_then_fresh_invoice_paid_once_fresh_alone_without_hold_or_preimage() {
    // The recipient is online when the payer asks: the invoice server
    // answers with the static invoice and forwards the invoice_request to
    // the recipient, which answers with a fresh invoice. Both are captured
    // on their way to the payer.
    let both = |net: &mut AsyncNet<'_, '_>| -> Result<(usize, usize), DriverError> {
        net.set_capture_invoices_to_payer(true);
        net.pay_static_invoice(AMT)?;
        net.set_capture_invoices_to_payer(false);
        Ok((
            net.captured_invoices_to_payer(&OmKind::StaticInvoice),
            net.captured_invoices_to_payer(&OmKind::Invoice),
        ))
    };
    let (counts, first, second) = run(&NetConfig::default(), |net| {
        let counts = both(net)?;
        net.deliver_captured_invoice_to_payer(OmKind::StaticInvoice)?;
        let first = net.summary();
        net.deliver_captured_invoice_to_payer(OmKind::Invoice)?;
        Ok((counts, first, net.summary()))
    });
    assert!(counts.0 >= 1 && counts.1 >= 1, "{counts:?}");
    // Every invoice_request the payer sent (one per reply path) is answered
    // twice: the server's static invoice and the recipient's fresh invoice.
    assert_eq!(counts.0, counts.1, "{counts:?}");
    assert_eq!(first.payer_adds_hold_flags, vec![true]);
    // The held HTLC stays at the LSP (no release): it reaches no recipient.
    assert_eq!(first.lsp_forwards, 0);
    // The fresh invoice for the same payment is ignored: paid once.
    assert_eq!(second.payer_adds_hold_flags, vec![true]);
    assert_eq!(second.lsp_forwards, 0);
    assert_eq!(
        second.held_htlc_available_sent,
        first.held_htlc_available_sent
    );

    // The same with the LSP's revoke_and_ack (with its release path) in
    // flight until the end: no held_htlc_available before it lands, then
    // one per message path.
    let (in_flight, before, landed) = run(&NetConfig::default(), |net| {
        net.set_lsp_raa_in_flight(true);
        both(net)?;
        net.deliver_captured_invoice_to_payer(OmKind::StaticInvoice)?;
        net.deliver_captured_invoice_to_payer(OmKind::Invoice)?;
        let in_flight = net.lsp_messages_in_flight();
        let before = net.summary();
        net.land_lsp_messages_in_flight()?;
        Ok((in_flight, before, net.summary()))
    });
    assert!(in_flight >= 1);
    assert_eq!(before.payer_adds_hold_flags, vec![true]);
    assert_eq!(before.held_htlc_available_sent, 0);
    assert_eq!(landed.payer_adds_hold_flags, vec![true]);
    assert_eq!(landed.raa_release_path_counts, vec![1]);
    assert_eq!(landed.held_htlc_available_sent, 1);
    assert!(landed.channel_closures.is_empty());

    let (s, payloads) = run(&NetConfig::default(), |net| {
        both(net)?;
        net.deliver_captured_invoice_to_payer(OmKind::Invoice)?;
        Ok((net.summary(), net.payer_final_payloads()))
    });
    // hold_outbound_htlcs_at_next_hop is on, but an HTLC paying a fresh
    // invoice has no hold_htlc and no keysend preimage.
    assert_eq!(s.payer_adds_hold_flags, vec![false]);
    assert_eq!(s.held_htlc_available_sent, 0);
    assert_eq!(payloads.len(), 1);
    assert_eq!(payloads[0].final_node, Some(Recipient));
    assert_eq!(payloads[0].preimage, None);
    assert_eq!(payloads[0].invoice_request, None);
    // Not held: the recipient claims it with the fresh invoice's preimage,
    // which the payer learns.
    assert_eq!(s.recipient_claimed, 1, "{s:?}");
    assert_eq!(s.preimage_consistent, Some(true), "{s:?}");

    // Release paths for that unheld HTLC in the LSP's revoke_and_ack (put
    // there by the driver; the real LSP sends none) are ignored: LDK uses
    // them only for HTLCs it sent with hold_htlc (channel.rs:8759-8768).
    let s = run(&NetConfig::default(), |net| {
        both(net)?;
        net.set_lsp_release_paths_for_unheld_htlc(2);
        net.deliver_captured_invoice_to_payer(OmKind::Invoice)?;
        Ok(net.summary())
    });
    assert_eq!(s.payer_adds_hold_flags, vec![false]);
    assert_eq!(s.raa_release_path_counts, vec![2]);
    assert_eq!(s.held_htlc_available_sent, 0);
}

/// Fresh invoices with the recipient's paths via the invoice server only:
/// the server forwards the invoice_request and the recipient answers, in
/// every run. With paths via the LSP too (`recipient_paths_via_server_only:
/// false`) the server's messenger fails to forward the invoice_request in
/// about half the runs ("Failed to create onion message with
/// UnresolvedIntroductionNode", onion_message/messenger.rs:1110-1113;
/// counted and printed here, not asserted: it depends on hash-map order).
#[test]
fn n_fresh_invoice_needs_recipient_paths_via_server() {
    let fresh_count = |via: bool| {
        let cfg = NetConfig {
            recipient_paths_via_server_only: via,
            auto_claim: false,
            ..NetConfig::default()
        };
        run(&cfg, |net| {
            net.set_capture_invoices_to_payer(true);
            net.pay_static_invoice(AMT)?;
            Ok(net.captured_invoices_to_payer(&OmKind::Invoice))
        })
    };
    for _ in 0..5 {
        assert!(fresh_count(true) >= 1);
    }
    let without: Vec<usize> = (0..6).map(|_| fresh_count(false)).collect();
    println!("fresh invoices with paths via the server and the LSP: {without:?}");
}
