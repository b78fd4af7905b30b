//! The scenario judge: replays a scenario's steps against an adapter's trace
//! and reports every expectation that does not hold.

use super::*;
use serde::{Deserialize, Serialize};

/// Most wire lines shown with a failure (the rest are counted).
pub const MAX_WIRE_LINES: usize = 400;
/// Longest wire or transcript line shown (longer ones are cut).
const MAX_LINE: usize = 400;

fn cut(s: &str) -> String {
    if s.chars().count() <= MAX_LINE {
        s.to_string()
    } else {
        let head: String = s.chars().take(MAX_LINE).collect();
        format!("{head}…")
    }
}

/// The exchange up to step `upto` (inclusive; all steps if `None`), for
/// humans: each event the role under test was given (`<-`) followed by the
/// actions it took (`->`), each expectation (`??`), then the adapter's wire
/// log if it gave one. Bounded: lines are cut at 400 characters and at most
/// [`MAX_WIRE_LINES`] wire lines are shown.
pub fn transcript(scenario: &Scenario, trace: &TraceView, upto: Option<usize>) -> String {
    let mut out = String::new();
    let last = upto.unwrap_or(usize::MAX);
    for (i, step) in scenario.steps.iter().enumerate() {
        if i > last {
            break;
        }
        match step {
            Step::Event(ev) => {
                let ev = serde_json::to_string(ev).unwrap_or_default();
                out.push_str(&format!("step {i} <- {}\n", cut(&ev)));
                for e in trace.trace.iter().filter(|e| e.step == i) {
                    for a in &e.actions {
                        let a = serde_json::to_string(a).unwrap_or_default();
                        out.push_str(&format!("step {i} -> {}\n", cut(&a)));
                    }
                }
            }
            Step::Expect(x) => {
                let c = serde_json::to_string(&x.check).unwrap_or_default();
                out.push_str(&format!("step {i} ?? {}\n", cut(&c)));
            }
        }
    }
    if !trace.wire.is_empty() {
        out.push_str("wire (as the adapter saw it):\n");
        for l in trace.wire.iter().take(MAX_WIRE_LINES) {
            out.push_str(&format!("  {}\n", cut(l)));
        }
        if trace.wire.len() > MAX_WIRE_LINES {
            out.push_str(&format!(
                "  ({} more lines)\n",
                trace.wire.len() - MAX_WIRE_LINES
            ));
        }
    }
    out
}

/// Why a scenario failed: where, which expectation, what happened instead.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScenarioFailure {
    /// The step index where the failure shows (absent for a malformed
    /// scenario or trace): the expectation's own step, or for a
    /// [`Check::MustNot`] the event step the forbidden action answered.
    pub step: Option<usize>,
    /// The step index of the failed expectation itself (absent for a
    /// malformed scenario or trace). Expected-failures entries name
    /// expectations by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expectation_step: Option<usize>,
    /// The failed expectation, as written in the scenario.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expectation: Option<Box<ExpectStep>>,
    /// How binding the failed expectation is (a malformed input counts as `must`).
    pub level: Level,
    /// The actions relevant to the failure: the unaccounted or matching ones,
    /// or the forbidden one that happened.
    pub happened: Vec<Action>,
    /// What went wrong, for humans.
    pub message: String,
}

impl std::fmt::Display for ScenarioFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.level {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::Choice => "CHOICE",
        };
        match self.step {
            Some(s) => write!(f, "[{level}] step {s}: {}", self.message)?,
            None => write!(f, "[{level}] {}", self.message)?,
        }
        if let Some(e) = &self.expectation {
            let check = serde_json::to_string(&e.check).unwrap_or_default();
            write!(f, "; expected {check} ({})", e.requirements.join(", "))?;
        }
        if !self.happened.is_empty() {
            let h = serde_json::to_string(&self.happened).unwrap_or_default();
            write!(f, "; happened: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioFailure {}

fn malformed(message: String) -> ScenarioFailure {
    ScenarioFailure {
        step: None,
        expectation_step: None,
        expectation: None,
        level: Level::Must,
        happened: Vec::new(),
        message,
    }
}

/// Check a scenario's structure: bounded sizes, combinators well formed,
/// `until_step` pointing forward at an event step.
pub fn validate(s: &Scenario) -> Result<(), String> {
    if s.steps.len() > MAX_STEPS {
        return Err(format!(
            "{} steps, over the limit of {MAX_STEPS}",
            s.steps.len()
        ));
    }
    let i0 = &s.initial;
    if i0.offers.len() > MAX_LIST || i0.static_invoices.len() > MAX_LIST {
        return Err("too many offers or static invoices".into());
    }
    for inv in &i0.static_invoices {
        if inv.message_paths.len() > MAX_LIST || inv.payment_paths.len() > MAX_LIST {
            return Err(format!("static invoice {}: too many paths", inv.id));
        }
    }
    for o in &i0.offers {
        if o.paths.len() > MAX_LIST {
            return Err(format!("offer {}: too many paths", o.id));
        }
    }
    for (i, step) in s.steps.iter().enumerate() {
        if let Step::Event(Event::OnionMessage {
            over, reply_path, ..
        }) = step
        {
            for r in std::iter::once(over).chain(reply_path.iter()) {
                if let PathRef::Own { step: at, .. } = r {
                    if *at >= i || !matches!(s.steps.get(*at), Some(Step::Event(_))) {
                        return Err(format!(
                            "step {i}: own path reference to step {at}, not an earlier event step"
                        ));
                    }
                }
            }
        }
        match step {
            Step::Event(Event::RevokeAndAck { release_paths, .. })
                if release_paths.len() > MAX_LIST =>
            {
                return Err(format!("step {i}: too many release paths"));
            }
            Step::Event(Event::OnionMessage {
                message: OnionMessage::StaticInvoice(inv),
                ..
            }) if inv.message_paths.len() > MAX_LIST || inv.payment_paths.len() > MAX_LIST => {
                return Err(format!("step {i}: too many paths in the static invoice"));
            }
            Step::Event(_) => {}
            Step::Expect(e) => match &e.check {
                Check::AnyOrder(items) | Check::MustNot { actions: items, .. }
                    if items.len() > MAX_LIST || items.is_empty() =>
                {
                    return Err(format!(
                        "step {i}: a combinator needs 1 to {MAX_LIST} patterns"
                    ));
                }
                Check::AnyOrder(items) | Check::MustNot { actions: items, .. } => {
                    if !items.iter().all(Check::is_single) {
                        return Err(format!(
                            "step {i}: combinators take single-action checks only"
                        ));
                    }
                    if let Check::MustNot {
                        until_step: Some(u),
                        ..
                    } = &e.check
                    {
                        if *u <= i || !matches!(s.steps.get(*u), Some(Step::Event(_))) {
                            return Err(format!(
                                "step {i}: until_step {u} is not a later event step"
                            ));
                        }
                    }
                }
                Check::OnionMessageSent { over: Some(o), .. } if o.len() > MAX_LIST => {
                    return Err(format!("step {i}: too many paths in `over`"));
                }
                _ => {}
            },
        }
    }
    Ok(())
}

struct Ctx<'a> {
    /// Ids of invoice requests sent so far in the trace.
    invreqs_sent: Vec<&'a str>,
}

/// True when `o` is `None` or `f` holds for its value (`Option::is_none_or`
/// without needing Rust 1.82).
fn none_or<T>(o: Option<T>, f: impl FnOnce(T) -> bool) -> bool {
    match o {
        None => true,
        Some(x) => f(x),
    }
}

fn reason_ok(allowed: &Option<Vec<FailureCode>>, got: FailureCode) -> bool {
    none_or(allowed.as_ref(), |v| v.contains(&got))
}

fn matches(check: &Check, a: &Action, ctx: &Ctx) -> bool {
    match (check, a) {
        (Check::HtlcForwarded { htlc, .. }, Action::HtlcForwarded { htlc: h, .. }) => htlc == h,
        (
            Check::HtlcSent {
                payment,
                hold_htlc,
                sender_provided_payment_preimage,
                preimage_matches_payment_hash,
                invoice_request_sent_earlier,
                ..
            },
            Action::HtlcSent {
                payment: p,
                hold_htlc: hh,
                payment_hash,
                sender_provided_payment_preimage: pre,
                invoice_request,
                ..
            },
        ) => {
            payment == p
                && none_or(*hold_htlc, |x| x == *hh)
                && none_or(*sender_provided_payment_preimage, |x| x == pre.is_some())
                && (!preimage_matches_payment_hash
                    || pre
                        .as_deref()
                        .is_some_and(|pre| preimage_hashes_to(pre, payment_hash)))
                && (!invoice_request_sent_earlier
                    || invoice_request
                        .as_deref()
                        .is_some_and(|id| ctx.invreqs_sent.contains(&id)))
        }
        (
            Check::HtlcFailedBack { htlc, reason, .. }
            | Check::RejectedPayment { htlc, reason, .. },
            Action::HtlcFailed { htlc: h, reason: r },
        ) => htlc == h && reason_ok(reason, *r),
        (
            Check::ClaimedWithPreimage { htlc, preimage, .. },
            Action::HtlcClaimed {
                htlc: h,
                preimage: p,
            },
        ) => htlc == h && none_or(preimage.as_deref(), |x| x.eq_ignore_ascii_case(p)),
        (
            Check::OnionMessageSent {
                message,
                id,
                over,
                reply_path,
                ..
            },
            Action::OnionMessageSent {
                message: m,
                over: o,
                reply_path: r,
            },
        ) => {
            *message == m.kind()
                && none_or(id.as_deref(), |id| m.id() == Some(id))
                && none_or(over.as_ref(), |v| v.contains(o))
                && match reply_path {
                    None => true,
                    Some(ReplyPathPattern::None) => r.is_none(),
                    Some(ReplyPathPattern::Any) => r.is_some(),
                    Some(ReplyPathPattern::Own) => matches!(r, Some(PathId::Own(_))),
                    Some(ReplyPathPattern::OneOf(v)) => r.as_ref().is_some_and(|r| v.contains(r)),
                }
        }
        (
            Check::RevokeAndAckWithReleasePaths { at_least, .. },
            Action::RevokeAndAckSent { release_paths, .. },
        ) => !release_paths.is_empty() && release_paths.len() >= *at_least as usize,
        (
            Check::RevokeAndAckWithoutReleasePaths { .. },
            Action::RevokeAndAckSent { release_paths, .. },
        ) => release_paths.is_empty(),
        _ => false,
    }
}

fn distinct<T: PartialEq>(items: &[T]) -> bool {
    items
        .iter()
        .enumerate()
        .all(|(i, x)| items[..i].iter().all(|y| y != x))
}

/// Whether action `a` is of the kind and subject `check` is about (the same
/// incoming HTLC, payment or message type, any `revoke_and_ack`), whether or
/// not it matches the check's conditions.
fn about(check: &Check, a: &Action) -> bool {
    match (check, a) {
        (Check::HtlcForwarded { htlc, .. }, Action::HtlcForwarded { htlc: h, .. })
        | (
            Check::HtlcFailedBack { htlc, .. } | Check::RejectedPayment { htlc, .. },
            Action::HtlcFailed { htlc: h, .. },
        )
        | (Check::ClaimedWithPreimage { htlc, .. }, Action::HtlcClaimed { htlc: h, .. }) => {
            htlc == h
        }
        (Check::HtlcSent { payment, .. }, Action::HtlcSent { payment: p, .. }) => payment == p,
        (Check::OnionMessageSent { message, .. }, Action::OnionMessageSent { message: m, .. }) => {
            *message == m.kind()
        }
        (
            Check::RevokeAndAckWithReleasePaths { .. }
            | Check::RevokeAndAckWithoutReleasePaths { .. },
            Action::RevokeAndAckSent { .. },
        ) => true,
        _ => false,
    }
}

/// Apply one single-action check to the pool: count, extra conditions,
/// then remove the matches. `Err` says what is wrong; a check whose count
/// fails also takes from the pool the actions it was about ([`about`]): they
/// are reported with this failure, not again by a later [`Check::Nothing`],
/// so one divergence is graded at its own expectation's level.
fn apply_single(
    check: &Check,
    pool: &mut Vec<Action>,
    ctx: &Ctx,
) -> Result<(), (String, Vec<Action>)> {
    let (hits, rest): (Vec<Action>, Vec<Action>) =
        pool.drain(..).partition(|a| matches(check, a, ctx));
    *pool = rest;
    let count = check.count();
    if !count.ok(hits.len()) {
        let (near, rest): (Vec<Action>, Vec<Action>) =
            pool.drain(..).partition(|a| about(check, a));
        *pool = rest;
        let mut shown = hits.clone();
        shown.extend(near);
        shown.extend(pool.iter().cloned());
        return Err((
            format!(
                "{} matching action(s), expected {}",
                hits.len(),
                match count {
                    Count::Exactly(k) => format!("exactly {k}"),
                    Count::AtLeast(k) => format!("at least {k}"),
                }
            ),
            shown,
        ));
    }
    if let Check::OnionMessageSent {
        distinct_paths,
        distinct_reply_paths,
        ..
    } = check
    {
        let overs: Vec<&PathId> = hits
            .iter()
            .filter_map(|a| match a {
                Action::OnionMessageSent { over, .. } => Some(over),
                _ => None,
            })
            .collect();
        let replies: Vec<Option<&PathId>> = hits
            .iter()
            .filter_map(|a| match a {
                Action::OnionMessageSent { reply_path, .. } => Some(reply_path.as_ref()),
                _ => None,
            })
            .collect();
        if *distinct_paths && !distinct(&overs) {
            return Err(("messages share a path".into(), hits));
        }
        if *distinct_reply_paths && (replies.iter().any(Option::is_none) || !distinct(&replies)) {
            return Err(("reply paths missing or not unique".into(), hits));
        }
    }
    Ok(())
}

/// Judge a trace against a scenario's expectations: the most severe failed
/// expectation (the first, in step order, of the highest [`Level`]), if any.
/// [`judge_all`] gives every one.
pub fn judge(scenario: &Scenario, trace: &TraceView) -> Result<(), ScenarioFailure> {
    match most_severe(judge_all(scenario, trace)) {
        None => Ok(()),
        Some(f) => Err(f),
    }
}

/// How severe a level is: `must` above `should` above `choice`.
pub fn severity(level: Level) -> u8 {
    match level {
        Level::Must => 2,
        Level::Should => 1,
        Level::Choice => 0,
    }
}

/// The level of the most severe of `failures` (none: no failure).
pub fn worst_level(failures: &[ScenarioFailure]) -> Option<Level> {
    failures
        .iter()
        .map(|f| f.level)
        .max_by_key(|l| severity(*l))
}

/// The first, in step order, of the most severe failures.
fn most_severe(failures: Vec<ScenarioFailure>) -> Option<ScenarioFailure> {
    let top = worst_level(&failures)?;
    failures.into_iter().find(|f| f.level == top)
}

/// Judge a trace against every expectation of a scenario. Returns every
/// failed expectation, in step order (empty: the trace conforms). A failed
/// expectation does not end the judging, and each divergence is reported
/// once, at the expectation it breaks: a failed check takes from the pool
/// the actions it matched and the ones it was about (same kind and
/// subject); [`Check::Nothing`] takes the unaccounted actions it reports; a
/// [`Check::MustNot`] fails once, at the first forbidden action, lists every
/// forbidden action that followed, and keeps them out of the pool. Only a
/// malformed scenario or trace stops the judge: it is one failure with no
/// step.
pub fn judge_all(scenario: &Scenario, trace: &TraceView) -> Vec<ScenarioFailure> {
    if let Err(m) = validate(scenario) {
        return vec![malformed(format!("malformed scenario: {m}"))];
    }
    let total: usize = trace.trace.iter().map(|e| e.actions.len()).sum();
    if total > MAX_ACTIONS || trace.trace.len() > MAX_STEPS {
        return vec![malformed(format!(
            "trace too large: {total} actions in {} entries",
            trace.trace.len()
        ))];
    }
    let mut by_step: Vec<&[Action]> = vec![&[]; scenario.steps.len()];
    let mut last: Option<usize> = None;
    for e in &trace.trace {
        if last.is_some_and(|l| e.step <= l) {
            return vec![malformed(format!(
                "malformed trace: entry for step {} out of order",
                e.step
            ))];
        }
        last = Some(e.step);
        match scenario.steps.get(e.step) {
            Some(Step::Event(_)) => by_step[e.step] = &e.actions,
            _ => {
                return vec![malformed(format!(
                    "malformed trace: step {} is not an event step",
                    e.step
                ))]
            }
        }
    }

    let mut failures: Vec<ScenarioFailure> = Vec::new();
    let mut pool: Vec<Action> = Vec::new();
    let mut ctx = Ctx {
        invreqs_sent: Vec::new(),
    };
    // Active prohibitions: (step of the must_not, until, expectation, the
    // index of its failure in `failures` once violated).
    let mut prohibitions: Vec<(usize, Option<usize>, &ExpectStep, Option<usize>)> = Vec::new();

    for (i, step) in scenario.steps.iter().enumerate() {
        match step {
            Step::Event(_) => {
                for a in by_step[i] {
                    let mut forbidden = false;
                    for (from, until, exp, failed) in prohibitions.iter_mut() {
                        if until.is_some_and(|u| i >= u) {
                            continue;
                        }
                        let Check::MustNot { actions, .. } = &exp.check else {
                            continue;
                        };
                        if !actions.iter().any(|p| matches(p, a, &ctx)) {
                            continue;
                        }
                        forbidden = true;
                        match failed {
                            Some(at) => failures[*at].happened.push(a.clone()),
                            None => {
                                *failed = Some(failures.len());
                                failures.push(ScenarioFailure {
                                    step: Some(i),
                                    expectation_step: Some(*from),
                                    expectation: Some(Box::new((*exp).clone())),
                                    level: exp.level,
                                    happened: vec![a.clone()],
                                    message: format!(
                                        "an action forbidden since step {from} happened in response to step {i}"
                                    ),
                                });
                            }
                        }
                    }
                    if let Action::OnionMessageSent {
                        message: OnionMessage::InvoiceRequest(r),
                        ..
                    } = a
                    {
                        ctx.invreqs_sent.push(&r.id);
                    }
                    // A forbidden action is accounted for by its prohibition's
                    // failure: a later check neither counts it nor reports it again.
                    if !forbidden {
                        pool.push(a.clone());
                    }
                }
            }
            Step::Expect(exp) => {
                let fail = |message: String, happened: Vec<Action>| ScenarioFailure {
                    step: Some(i),
                    expectation_step: Some(i),
                    expectation: Some(Box::new(exp.clone())),
                    level: exp.level,
                    happened,
                    message,
                };
                match &exp.check {
                    Check::Nothing => {
                        if !pool.is_empty() {
                            let unaccounted = std::mem::take(&mut pool);
                            failures.push(fail(
                                format!(
                                    "expected nothing, but {} action(s) are unaccounted for",
                                    unaccounted.len()
                                ),
                                unaccounted,
                            ));
                        }
                    }
                    Check::AnyOrder(items) => {
                        let mut problems = Vec::new();
                        let mut shown = Vec::new();
                        for item in items {
                            if let Err((m, h)) = apply_single(item, &mut pool, &ctx) {
                                problems.push(m);
                                shown.extend(h);
                            }
                        }
                        if !problems.is_empty() {
                            shown.dedup();
                            failures.push(fail(
                                format!("in any_order: {}", problems.join("; ")),
                                shown,
                            ));
                        }
                    }
                    Check::MustNot { until_step, .. } => {
                        prohibitions.push((i, *until_step, exp, None));
                    }
                    single => {
                        if let Err((m, h)) = apply_single(single, &mut pool, &ctx) {
                            failures.push(fail(m, h));
                        }
                    }
                }
            }
        }
    }
    failures
}

/// The one call the harness runner makes for a `scenario.run` test: parse
/// the test's `input` as a [`Scenario`] and the accepted outcome's `view` as
/// a [`TraceView`], then [`judge_all`]. `Err` has one line per failed
/// expectation, each beginning with its level (`[MUST]`, `[SHOULD]`,
/// `[CHOICE]`).
pub fn check_scenario_outcome(
    test_input: &serde_json::Value,
    outcome_view: &serde_json::Value,
) -> Result<(), String> {
    judge_all_values(test_input, outcome_view).map_err(|(fs, _)| {
        fs.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// As [`check_scenario_outcome`], keeping the most severe structured
/// failure (see [`judge`]).
pub fn judge_values(
    test_input: &serde_json::Value,
    outcome_view: &serde_json::Value,
) -> Result<(), ScenarioFailure> {
    judge_all_values(test_input, outcome_view)
        .map_err(|(fs, _)| most_severe(fs).unwrap_or_else(|| malformed("no failure".into())))
}

/// Parse the test's `input` and the outcome's `view`, then [`judge_all`].
/// On failure: every failed expectation, and the [`transcript`] up to the
/// last failing step (empty when the input or the view does not parse).
pub fn judge_all_values(
    test_input: &serde_json::Value,
    outcome_view: &serde_json::Value,
) -> Result<(), (Vec<ScenarioFailure>, String)> {
    let scenario: Scenario = serde_json::from_value(test_input.clone()).map_err(|e| {
        (
            vec![malformed(format!("not a scenario: {e}"))],
            String::new(),
        )
    })?;
    let trace: TraceView = serde_json::from_value(outcome_view.clone()).map_err(|e| {
        (
            vec![malformed(format!("the adapter's view is not a trace: {e}"))],
            String::new(),
        )
    })?;
    let failures = judge_all(&scenario, &trace);
    if failures.is_empty() {
        return Ok(());
    }
    let upto = if failures.iter().any(|f| f.step.is_none()) {
        None
    } else {
        failures.iter().filter_map(|f| f.step).max()
    };
    let text = transcript(&scenario, &trace, upto);
    Err((failures, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(steps: Vec<Step>) -> Scenario {
        Scenario {
            role_under_test: Role::PayerLsp,
            initial: InitialState {
                block_height: 100,
                time: 0,
                nodes: Nodes::default(),
                offers: vec![],
                static_invoices: vec![],
                recipient_path: None,
                invoice_server: None,
            },
            steps,
        }
    }

    fn expect(check: Check) -> Step {
        Step::Expect(ExpectStep {
            check,
            requirements: vec!["x".into()],
            level: Level::Must,
            note: String::new(),
        })
    }

    #[test]
    fn pool_count_nothing_and_must_not() {
        let ev = Step::Event(Event::BlocksMined { count: 1 });
        let s = scenario(vec![
            expect(Check::MustNot {
                actions: vec![Check::HtlcForwarded {
                    htlc: 0,
                    count: Count::default(),
                }],
                until_step: Some(2),
            }),
            ev.clone(),
            ev.clone(),
            expect(Check::HtlcForwarded {
                htlc: 0,
                count: Count::default(),
            }),
            expect(Check::Nothing),
        ]);
        let fwd = Action::HtlcForwarded {
            htlc: 0,
            to: Role::InvoiceServer,
        };
        let ok = TraceView {
            trace: vec![TraceEntry {
                step: 2,
                actions: vec![fwd.clone()],
            }],
            wire: Vec::new(),
        };
        assert!(judge(&s, &ok).is_ok());
        let early = TraceView {
            trace: vec![TraceEntry {
                step: 1,
                actions: vec![fwd.clone()],
            }],
            wire: Vec::new(),
        };
        let f = judge(&s, &early).unwrap_err();
        assert_eq!(f.step, Some(1));
        let twice = TraceView {
            trace: vec![TraceEntry {
                step: 2,
                actions: vec![fwd.clone(), fwd],
            }],
            wire: Vec::new(),
        };
        assert_eq!(judge(&s, &twice).unwrap_err().step, Some(3));
        let bad = TraceView {
            trace: vec![TraceEntry {
                step: 0,
                actions: vec![],
            }],
            wire: Vec::new(),
        };
        assert!(judge(&s, &bad).unwrap_err().step.is_none());
    }

    #[test]
    fn every_expectation_is_judged_and_the_most_severe_grades() {
        let ev = Step::Event(Event::BlocksMined { count: 1 });
        let at = |level: Level, check: Check| {
            Step::Expect(ExpectStep {
                check,
                requirements: vec![format!("{level:?}")],
                level,
                note: String::new(),
            })
        };
        let fwd = |htlc| Check::HtlcForwarded {
            htlc,
            count: Count::default(),
        };
        // A SHOULD that fails first, a CHOICE that fails, a MUST that holds,
        // then a MUST that fails.
        let s = scenario(vec![
            ev.clone(),
            at(Level::Should, fwd(7)),
            at(Level::Choice, fwd(8)),
            at(Level::Must, fwd(0)),
            ev,
            at(Level::Must, fwd(1)),
        ]);
        let trace = TraceView {
            trace: vec![TraceEntry {
                step: 0,
                actions: vec![Action::HtlcForwarded {
                    htlc: 0,
                    to: Role::InvoiceServer,
                }],
            }],
            wire: Vec::new(),
        };
        let all = judge_all(&s, &trace);
        let steps: Vec<(Option<usize>, Level)> = all.iter().map(|f| (f.step, f.level)).collect();
        assert_eq!(
            steps,
            vec![
                (Some(1), Level::Should),
                (Some(2), Level::Choice),
                (Some(5), Level::Must)
            ]
        );
        let worst = judge(&s, &trace).unwrap_err();
        assert_eq!((worst.step, worst.level), (Some(5), Level::Must));
    }

    #[test]
    fn a_violated_must_not_fails_once_listing_every_forbidden_action() {
        let ev = Step::Event(Event::BlocksMined { count: 1 });
        let s = scenario(vec![
            expect(Check::MustNot {
                actions: vec![Check::HtlcForwarded {
                    htlc: 0,
                    count: Count::default(),
                }],
                until_step: None,
            }),
            ev.clone(),
            ev,
        ]);
        let fwd = Action::HtlcForwarded {
            htlc: 0,
            to: Role::InvoiceServer,
        };
        let trace = TraceView {
            trace: vec![
                TraceEntry {
                    step: 1,
                    actions: vec![fwd.clone()],
                },
                TraceEntry {
                    step: 2,
                    actions: vec![fwd.clone()],
                },
            ],
            wire: Vec::new(),
        };
        let all = judge_all(&s, &trace);
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(all[0].step, Some(1));
        assert_eq!(all[0].happened, vec![fwd.clone(), fwd]);
    }

    #[test]
    fn too_many_steps_rejected() {
        let s = scenario(vec![
            Step::Event(Event::BlocksMined { count: 1 });
            MAX_STEPS + 1
        ]);
        assert!(validate(&s).is_err());
    }
}
