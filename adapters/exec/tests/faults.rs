//! Every fault of an external implementation is reported, named, charged to
//! the request it concerns, and the next request goes on.

mod common;

use asyncpay_adapter::{Adapter, Outcome, ReasonClass};
use asyncpay_exec::ExecAdapter;
use common::{op, profile, start};
use std::sync::Arc;

/// The fault message of an `internal` answer, or a panic naming what came instead.
fn fault(o: &Outcome) -> &str {
    match o {
        Outcome::Rejected(r) if r.reason == ReasonClass::Internal => &r.detail,
        other => panic!("expected a fault, got {other:?}"),
    }
}

fn accepted(a: &ExecAdapter, context: &str) {
    let o = a.execute(&op(context), &profile());
    assert!(
        matches!(&o, Outcome::Accepted { view } if view["echo"]["context"] == context),
        "expected an echo of {context:?}, got {o:?}"
    );
}

/// Between two good requests, one that breaks the protocol in `context`'s
/// way is answered with a fault named `kind`, and the run goes on.
fn reported_and_goes_on(context: &str, kind: &str) -> String {
    let a = start("");
    accepted(&a, "init");
    let o = a.execute(&op(context), &profile());
    let msg = fault(&o).to_string();
    assert!(
        msg.contains(&format!("protocol fault {kind}:")) && msg.contains("adapter testimpl"),
        "{context}: {msg}"
    );
    accepted(&a, "node_announcement");
    assert!(
        a.take_faults().is_empty(),
        "{context}: the fault was charged, not orphaned"
    );
    msg
}

#[test]
fn a_line_over_the_limit() {
    let msg = reported_and_goes_on("fault:oversize", "line_too_long");
    assert!(msg.contains("the limit is 1048576"), "{msg}");
}

#[test]
fn a_reply_that_is_not_json() {
    let msg = reported_and_goes_on("fault:not_json", "not_json");
    assert!(msg.contains("this is not JSON"), "{msg}");
}

#[test]
fn a_reply_that_breaks_the_schema_keeps_the_process() {
    let a = start("");
    accepted(&a, "init");
    let msg = fault(&a.execute(&op("fault:schema"), &profile())).to_string();
    assert!(
        msg.contains("schema_mismatch") && msg.contains("without a view"),
        "{msg}"
    );
    accepted(&a, "init");
    assert_eq!(
        a.starts(),
        1,
        "a schema mismatch does not restart the process"
    );
}

#[test]
fn a_wrong_id() {
    reported_and_goes_on("fault:wrong_id", "unknown_id");
}

#[test]
fn a_missing_id() {
    reported_and_goes_on("fault:missing_id", "missing_id");
}

#[test]
fn a_repeated_id_is_reported_after_the_answer_it_repeats() {
    let a = start("");
    // The first answer is a real one; the repeat comes after it, charged to
    // no request in flight: it is kept for the runner.
    accepted(&a, "fault:repeat_id");
    accepted(&a, "init");
    let orphans = a.take_faults();
    assert_eq!(orphans.len(), 1, "{orphans:?}");
    assert!(
        orphans[0].contains("repeated_id") && orphans[0].contains("a second response to id 1"),
        "{orphans:?}"
    );
}

#[test]
fn no_reply_within_the_timeout_kills_and_restarts() {
    let msg = reported_and_goes_on("fault:hang", "timeout");
    assert!(msg.contains("the process was killed"), "{msg}");
}

#[test]
fn the_process_exiting_is_restarted() {
    let msg = reported_and_goes_on("fault:exit", "exited");
    assert!(msg.contains("exit status: 3"), "{msg}");
}

#[test]
fn standard_error_is_bounded_and_kept_as_the_detail() {
    let a = start("");
    accepted(&a, "fault:stderr");
    // Standard error is read on its own thread: a line written just before
    // the response is usually, not always, read before it.
    let mut seen = false;
    for _ in 0..5 {
        match a.execute(&op("fault:reject"), &profile()) {
            Outcome::Rejected(r) => {
                assert_eq!(r.reason, ReasonClass::InvalidValue);
                assert!(r.detail.len() < 1200, "{} bytes of detail", r.detail.len());
                seen |= r.detail.contains("rejecting, as asked");
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(seen, "standard error never reached a detail");
}

#[test]
fn a_request_beside_a_hang_is_sent_again_to_the_fresh_process() {
    let a = Arc::new(start(""));
    let hang = {
        let a = a.clone();
        std::thread::spawn(move || a.execute(&op("fault:hang"), &profile()))
    };
    std::thread::sleep(std::time::Duration::from_millis(100));
    // Queued behind the hang in the (sequential) implementation.
    accepted(&a, "init");
    let o = hang.join().expect("no panic");
    assert!(fault(&o).contains("protocol fault timeout"));
    assert_eq!(a.starts(), 2);
}

#[test]
fn an_op_not_in_the_handshake_is_unsupported_without_asking() {
    let a = start("");
    let o = a.execute(
        &asyncpay_adapter::Operation::DecodeUpdateAddHtlc(asyncpay_adapter::HexInput {
            hex: "00".into(),
        }),
        &profile(),
    );
    assert!(
        matches!(&o, Outcome::Unsupported { reason } if reason.contains("does not declare update_add_htlc.decode")),
        "{o:?}"
    );
    assert_eq!(a.unobservable("features.check"), vec!["derived.nothing"]);
    assert_eq!(a.known_types("features.check"), vec![65537]);
    assert!(a.known_types("update_add_htlc.decode").is_empty());
    assert!(a
        .implementation()
        .is_some_and(|i| i.starts_with("testimpl ")));
}

fn start_fault(args: &str, kind: &str) -> String {
    let a = start(args);
    let msg = fault(&a.execute(&op("init"), &profile())).to_string();
    assert!(
        msg.contains(&format!("protocol fault {kind}:")),
        "{args}: {msg}"
    );
    msg
}

#[test]
fn a_slow_start() {
    start_fault("--start slow", "start_timeout");
}

#[test]
fn a_failed_start_keeps_standard_error() {
    let msg = start_fault("--start fail", "exited_before_handshake");
    assert!(msg.contains("failing at the start, as asked"), "{msg}");
}

#[test]
fn bytes_before_the_handshake() {
    let msg = start_fault("--start banner", "bytes_before_handshake");
    assert!(msg.contains("testimpl starting up"), "{msg}");
}

#[test]
fn another_protocol_version() {
    start_fault("--start version2", "bad_handshake");
}

#[test]
fn a_command_that_cannot_start() {
    let mut c = common::config("");
    c.program = "/nonexistent/asyncpay-impl".into();
    let a = ExecAdapter::start(c);
    let msg = fault(&a.execute(&op("init"), &profile())).to_string();
    assert!(
        msg.contains("spawn_failed") && msg.contains("/nonexistent/asyncpay-impl"),
        "{msg}"
    );
}

#[test]
fn restarts_are_bounded_then_the_adapter_is_disabled() {
    let mut c = common::config("--start fail");
    c.max_restarts = 2;
    let a = ExecAdapter::start(c);
    for _ in 0..2 {
        assert!(fault(&a.execute(&op("init"), &profile())).contains("exited_before_handshake"));
    }
    for _ in 0..3 {
        let msg = fault(&a.execute(&op("init"), &profile())).to_string();
        assert!(
            msg.contains("protocol fault disabled") && msg.contains("exited_before_handshake"),
            "{msg}"
        );
    }
    assert_eq!(a.starts(), 3, "one start and two restarts");
}

#[test]
fn an_exit_between_requests_is_reported_and_the_next_request_restarts_it() {
    let a = start("");
    accepted(&a, "fault:exit_later");
    std::thread::sleep(std::time::Duration::from_millis(300));
    accepted(&a, "init");
    assert_eq!(a.starts(), 2);
    let orphans = a.take_faults();
    assert!(
        orphans.len() == 1
            && orphans[0].contains("protocol fault exited")
            && orphans[0].contains("exit status: 4"),
        "{orphans:?}"
    );
}
