//! Triage: a divergence an adapter's expected-failures list already
//! explains (an entry with a trial of the same profile and op that waives
//! this shape) is counted as known; the rest are clustered by (adapter,
//! profile, op, the reference's verdict, the adapter's), and each cluster's
//! first input is shrunk to a minimal one that stays in the cluster: delta
//! debugging over TLV records, then over value bytes.

use crate::differ::{answer, compare, Answer, Comparison};
use crate::input::Input;
use crate::stream::Stream;
use asyncpay_adapter::{Adapter, Profile};
use asyncpay_harness::compare::Observed;
use asyncpay_harness::expected::Entry;
use asyncpay_reference::bech32;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The expected-failures entries of one adapter, by (profile, op).
#[derive(Default)]
pub struct Known {
    by_op: BTreeMap<(String, String), Vec<Arc<Entry>>>,
}

impl Known {
    /// Index `entries` by the profile and op of each trial they list;
    /// `op_of(profile, area, id)` names a trial's op.
    pub fn new(
        entries: &[Arc<Entry>],
        op_of: &dyn Fn(&str, &str, &str) -> Option<String>,
    ) -> Known {
        let mut k = Known::default();
        for e in entries {
            for t in &e.trials {
                let parts: Vec<&str> = t.split("::").collect();
                if let [_, profile, area, id] = parts[..] {
                    if let Some(op) = op_of(profile, area, id) {
                        let list = k.by_op.entry((profile.to_string(), op)).or_default();
                        if !list.iter().any(|x| Arc::ptr_eq(x, e)) {
                            list.push(e.clone());
                        }
                    }
                }
            }
        }
        k
    }

    /// The entry that explains `o` for this profile and op, if any.
    pub fn explains(&self, profile: &str, op: &str, o: &Observed) -> Option<&Arc<Entry>> {
        self.by_op
            .get(&(profile.to_string(), op.to_string()))?
            .iter()
            .find(|e| e.covers(o))
    }
}

/// What identifies a cluster.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    /// The adapter.
    pub adapter: String,
    /// The profile.
    pub profile: String,
    /// The op.
    pub op: String,
    /// The reference's verdict label.
    pub reference: String,
    /// The adapter's, with view paths when views differ (array indices
    /// written `[n]`, so paths that differ only by index cluster together).
    pub theirs: String,
}

/// The label of an adapter's side of a divergence.
pub fn their_label(theirs: &Answer, observed: &Observed) -> String {
    match observed {
        Observed::ViewDiffers { paths } => {
            let mut p: Vec<String> = paths.iter().map(|p| normalise(p)).collect();
            p.sort();
            p.dedup();
            format!("view differs at {}", p.join(" "))
        }
        _ => theirs.label(),
    }
}

fn normalise(path: &str) -> String {
    let mut out = String::new();
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[n]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether `input` still lands in `key` on `adapter`.
pub fn still_in(
    key: &Key,
    input: &Input,
    adapter: &dyn Adapter,
    reference: &dyn Adapter,
    profile: &Profile,
) -> bool {
    let op = input.operation();
    let r = answer(reference, &op, profile);
    if r.label() != key.reference {
        return false;
    }
    let t = answer(adapter, &op, profile);
    let hidden = adapter.unobservable(input.op());
    match compare(&r, &t, &hidden) {
        Comparison::Diverges(o) => their_label(&t, &o) == key.theirs,
        Comparison::Broken => t.label() == key.theirs,
        _ => false,
    }
}

/// Shrink `input` while `keep` holds, within `budget` evaluations: an
/// offer sent as text is first tried in its plain written form (then its
/// records shrink like any stream's), else its text is cut (runs of
/// characters after the prefix, halving); then records are dropped one at a
/// time, each value cut (halves, then single bytes from its end), and raw
/// bytes cut.
pub fn shrink(input: &Input, keep: &mut dyn FnMut(&Input) -> bool, budget: usize) -> Input {
    let mut best = input.clone();
    let mut spent = 0;
    let mut progress = true;
    while progress && spent < budget {
        progress = false;
        if shrink_text(&mut best, keep, budget, &mut spent) {
            progress = true;
        }
        let n = match best.stream() {
            Some(Stream::Records(rs)) => rs.len(),
            _ => 0,
        };
        for i in (0..n).rev() {
            if spent >= budget {
                break;
            }
            let mut c = best.clone();
            if let Some(Stream::Records(rs)) = c.stream_mut() {
                if i < rs.len() {
                    rs.remove(i);
                }
            }
            spent += 1;
            if keep(&c) {
                best = c;
                progress = true;
            }
        }
        let n = match best.stream() {
            Some(Stream::Records(rs)) => rs.len(),
            _ => 0,
        };
        for i in 0..n {
            loop {
                if spent >= budget {
                    break;
                }
                let len = match best.stream() {
                    Some(Stream::Records(rs)) if i < rs.len() => rs[i].value.len(),
                    _ => 0,
                };
                if len == 0 {
                    break;
                }
                let mut shrunk = false;
                for cut in [len / 2, 1] {
                    if cut == 0 || spent >= budget {
                        continue;
                    }
                    let mut c = best.clone();
                    if let Some(Stream::Records(rs)) = c.stream_mut() {
                        let v = &mut rs[i].value;
                        v.truncate(v.len() - cut);
                    }
                    spent += 1;
                    if keep(&c) {
                        best = c;
                        progress = true;
                        shrunk = true;
                        break;
                    }
                }
                if !shrunk {
                    break;
                }
            }
        }
        if let Some(Stream::Raw(b)) = best.stream() {
            let len = b.len();
            for cut in [len / 2, len / 4, 1] {
                if cut == 0 || spent >= budget {
                    continue;
                }
                let mut c = best.clone();
                if let Some(Stream::Raw(b)) = c.stream_mut() {
                    b.truncate(b.len().saturating_sub(cut));
                }
                spent += 1;
                if keep(&c) {
                    best = c;
                    progress = true;
                    break;
                }
            }
        }
    }
    best
}

/// One pass over an offer's text (see [`shrink`]); whether it got smaller.
fn shrink_text(
    best: &mut Input,
    keep: &mut dyn FnMut(&Input) -> bool,
    budget: usize,
    spent: &mut usize,
) -> bool {
    let Input::Offer {
        text: Some(text), ..
    } = &*best
    else {
        return false;
    };
    let text = text.clone();
    if let Ok(bytes) = bech32::decode(&text, bech32::HRP_OFFER) {
        let plain = Input::Offer {
            stream: Stream::parse(&bytes),
            text: None,
        };
        *spent += 1;
        if keep(&plain) {
            *best = plain;
            return true;
        }
    }
    // Cut after the separator, so that the prefix stays what it was.
    let mut chars: Vec<char> = text.chars().collect();
    let from = chars.iter().rposition(|c| *c == '1').map_or(0, |i| i + 1);
    let mut shrunk = false;
    let mut run = (chars.len() - from) / 2;
    while run > 0 && *spent < budget {
        let mut at = from;
        while at + run <= chars.len() && *spent < budget {
            let mut c = chars.clone();
            c.drain(at..at + run);
            let candidate = Input::Offer {
                stream: Stream::parse(&[]),
                text: Some(c.iter().collect()),
            };
            *spent += 1;
            if keep(&candidate) {
                chars = c;
                *best = candidate;
                shrunk = true;
            } else {
                at += run;
            }
        }
        run /= 2;
    }
    shrunk
}
