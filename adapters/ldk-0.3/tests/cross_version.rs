//! LDK 0.2.7 and 0.3.0-rc3 on each other's wire bytes. Real nodes of one
//! release play a held async payment (the payer's `update_add_htlc` with
//! `hold_htlc`, the LSP's `revoke_and_ack` with a release path, the
//! `held_htlc_available` and `release_held_htlc` onion messages, the
//! forwards and the claim); every message they put on the wire is then read
//! by the other release's reader and by the reference. Channel messages
//! must be accepted with the view the writer's own release reads from them;
//! an onion message, peeled with its receiver's key, must get the other
//! release's answer the writer's own release gives (the reference cannot
//! peel the hops LDK seals for itself with its receive key).

use asyncpay_adapter::onion::PeelOnionMessage;
use asyncpay_adapter::{Adapter, HexInput, Operation, Outcome, Profile};
use asyncpay_reference::ReferenceAdapter;
use std::path::Path;

/// The profile whose numbers both releases use.
fn ldk_profile() -> Profile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors/profiles.json");
    asyncpay_harness::runner::load_profiles(&path)
        .expect("profiles load")
        .into_iter()
        .find(|p| p.name == asyncpay_ldk::NATIVE_PROFILE)
        .expect("the ldk-0.2 profile")
}

/// One message off the wire.
struct Sent {
    op: &'static str,
    bytes: Vec<u8>,
    from_lsp: bool,
    /// The receiver's node secret.
    to_secret: [u8; 32],
    /// The receiver's key for its own blinded paths.
    to_auth_key: [u8; 32],
    /// The receiver's role.
    to_name: String,
}

fn read(adapter: &dyn Adapter, m: &Sent, profile: &Profile) -> Outcome {
    let input = HexInput {
        hex: hex::encode(&m.bytes),
    };
    let op = match m.op {
        "update_add_htlc.decode" => Operation::DecodeUpdateAddHtlc(input),
        "revoke_and_ack.decode" => Operation::DecodeRevokeAndAck(input),
        "onion_message.peel" => Operation::PeelOnionMessage(PeelOnionMessage {
            node_secret: hex::encode(m.to_secret),
            onion_message: input.hex,
            release_auth_key: Some(hex::encode(m.to_auth_key)),
            counterparty_secret: None,
            held_release_secrets: Vec::new(),
        }),
        other => panic!("no reader for {other}"),
    };
    adapter.execute(&op, profile)
}

/// `view` without the fields either adapter says it cannot show for `op`
/// (LDK's readers discard unknown odd records, `unknown`).
fn observable(
    mut view: serde_json::Value,
    a: &dyn Adapter,
    b: &dyn Adapter,
    op: &str,
) -> serde_json::Value {
    if let Some(m) = view.as_object_mut() {
        for field in a.unobservable(op).into_iter().chain(b.unobservable(op)) {
            m.remove(field);
        }
    }
    view
}

/// What `check` compared, per op.
#[derive(Debug, Default)]
struct Counts {
    update_adds: usize,
    revoke_and_acks: usize,
    onion_messages_same_view: usize,
    onion_messages_refused_by_both: usize,
    /// The writer's reasons for those refusals.
    refusals: std::collections::BTreeSet<String>,
    /// Final hops the writer's release reads and the older release does not:
    /// paths a 0.3 node made for itself, read after a downgrade.
    final_hops_only_the_newer_reads: usize,
    /// Their contents' kinds, and who received them.
    only_the_newer_reads: std::collections::BTreeSet<String>,
}

/// Reads every message `writer`'s nodes sent with `writer` itself, with
/// `other` (the other release) and, for channel messages, the reference.
fn check(
    writer: &dyn Adapter,
    wire: &[Sent],
    other: &dyn Adapter,
    reference: &dyn Adapter,
    profile: &Profile,
    other_is_older: bool,
) -> Counts {
    let mut counts = Counts::default();
    for m in wire {
        let op = m.op;
        let hexed = hex::encode(&m.bytes);
        let own = read(writer, m, profile);
        if op == "onion_message.peel" {
            match (own, read(other, m, profile)) {
                (Outcome::Accepted { view: a }, Outcome::Accepted { view: b }) => {
                    assert_eq!(
                        observable(b, writer, other, op),
                        observable(a, writer, other, op),
                        "{} peels {}'s onion message otherwise: {hexed}",
                        other.name(),
                        writer.name()
                    );
                    counts.onion_messages_same_view += 1;
                }
                // A final hop is read by the node that made the path for
                // itself: after an upgrade 0.3 must read what 0.2.7 made (no
                // such refusal is allowed that way); after a downgrade 0.2.7
                // meets contexts new in 0.3 (`OutboundPaymentForOffer`, the
                // `payment_metadata` fields).
                (Outcome::Accepted { view }, Outcome::Rejected(_))
                    if other_is_older && view.get("receive").is_some() =>
                {
                    counts.final_hops_only_the_newer_reads += 1;
                    counts.only_the_newer_reads.insert(format!(
                        "{} to {}",
                        view["receive"]["content"]["kind"].as_str().unwrap_or("?"),
                        m.to_name
                    ));
                }
                (Outcome::Rejected(a), Outcome::Rejected(_)) => {
                    counts.onion_messages_refused_by_both += 1;
                    // LDK's words, without the message's own shared secret.
                    let words = a.detail.split("shared_secret").next().unwrap_or_default();
                    let words = words.rsplit(": Errored").next().unwrap_or(words);
                    counts
                        .refusals
                        .insert(format!("{:?}: Errored{words}", a.reason));
                }
                (a, b) => panic!(
                    "{} and {} disagree on {}'s onion message: {a:?} / {b:?}: {hexed}",
                    writer.name(),
                    other.name(),
                    writer.name()
                ),
            }
            continue;
        }
        let Outcome::Accepted { view: own } = own else {
            panic!("{} does not read its own {op}: {hexed}", writer.name());
        };
        for r in [other, reference] {
            match read(r, m, profile) {
                Outcome::Accepted { view } => assert_eq!(
                    observable(view, writer, r, op),
                    observable(own.clone(), writer, r, op),
                    "{} reads {}'s {op} otherwise: {hexed}",
                    r.name(),
                    writer.name()
                ),
                o => panic!(
                    "{} refuses {}'s {op} ({o:?}): {hexed}",
                    r.name(),
                    writer.name()
                ),
            }
        }
        if op == "update_add_htlc.decode" {
            counts.update_adds += 1;
        } else {
            counts.revoke_and_acks += 1;
        }
    }
    counts
}

/// One release's held payment on its own real nodes (`$nodes`: the
/// release's `nodes` module; the two releases' types differ), as [`Sent`].
macro_rules! held_payment {
    ($nodes:ident, $release:literal) => {
        $nodes::held_payment_wire(5_000)
            .expect(concat!($release, " network"))
            .into_iter()
            .map(|m| Sent {
                op: m.op,
                bytes: m.bytes,
                from_lsp: m.from == $nodes::NodeRole::PayerLsp,
                to_secret: $nodes::node_secret(m.to),
                to_auth_key: $nodes::node_receive_auth_key(m.to),
                to_name: format!("{:?}", m.to),
            })
            .collect::<Vec<Sent>>()
    };
}

#[test]
fn each_release_reads_the_others_held_payment_on_the_wire() {
    use asyncpay_ldk::nodes as old_nodes;
    use asyncpay_ldk_0_3::nodes as new_nodes;
    let profile = ldk_profile();
    let old = asyncpay_ldk::LdkAdapter::new();
    let new = asyncpay_ldk_0_3::LdkAdapter::new();
    let reference = ReferenceAdapter;
    let old_wire = held_payment!(old_nodes, "0.2.7");
    let new_wire = held_payment!(new_nodes, "0.3");
    // (writer, what its nodes sent, the other release, whether that one is older)
    let runs = [
        (&old as &dyn Adapter, &old_wire, &new as &dyn Adapter, false),
        (&new, &new_wire, &old, true),
    ];
    for (writer, wire, other, other_is_older) in runs {
        // The messages that matter are there: the payer's held HTLC (TLV
        // 75537 present) and a release path in the LSP's revoke_and_ack.
        let hold = wire.iter().any(|m| {
            m.op == "update_add_htlc.decode" && hex::encode(&m.bytes).contains("fe00012711")
        });
        let release_path = wire.iter().any(|m| {
            m.op == "revoke_and_ack.decode"
                && m.from_lsp
                && hex::encode(&m.bytes).contains("fe00012711")
        });
        assert!(
            hold && release_path,
            "{}: {} messages",
            writer.name(),
            wire.len()
        );
        let c = check(writer, wire, other, &reference, &profile, other_is_older);
        println!("{} -> {}: {c:?}", writer.name(), other.name());
        assert!(c.update_adds >= 3 && c.revoke_and_acks >= 4, "{c:?}");
        assert!(c.onion_messages_same_view >= 1, "{c:?}");
    }
}
