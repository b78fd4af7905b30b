//! LDK 0.2.7 and 0.3.0-rc3 on each other's wire bytes. Real nodes of one
//! release play a held async payment (the payer's `update_add_htlc` with
//! `hold_htlc`, the LSP's `revoke_and_ack` with a release path, the
//! release, the forwards and the claim); every channel message they put on
//! the wire is then read by the other release's reader and by the
//! reference, which must accept it with the view the writer's own release
//! reads from it.

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

fn read(adapter: &dyn Adapter, op: &str, bytes: &[u8], profile: &Profile) -> Outcome {
    let input = HexInput {
        hex: hex::encode(bytes),
    };
    let op = match op {
        "update_add_htlc.decode" => Operation::DecodeUpdateAddHtlc(input),
        "revoke_and_ack.decode" => Operation::DecodeRevokeAndAck(input),
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

/// Reads every message `writer`'s nodes sent with `writer` itself and with
/// each of `readers`; returns how many messages of each op were compared.
fn check(
    writer: &dyn Adapter,
    wire: &[(&'static str, Vec<u8>, bool)],
    readers: &[&dyn Adapter],
    profile: &Profile,
) -> (usize, usize) {
    let mut counts = (0, 0);
    for (op, bytes, _) in wire {
        let Outcome::Accepted { view: own } = read(writer, op, bytes, profile) else {
            panic!(
                "{} does not read its own {op}: {}",
                writer.name(),
                hex::encode(bytes)
            );
        };
        for r in readers {
            match read(*r, op, bytes, profile) {
                Outcome::Accepted { view } => assert_eq!(
                    observable(view, writer, *r, op),
                    observable(own.clone(), writer, *r, op),
                    "{} reads {}'s {op} otherwise: {}",
                    r.name(),
                    writer.name(),
                    hex::encode(bytes)
                ),
                other => panic!(
                    "{} refuses {}'s {op} ({other:?}): {}",
                    r.name(),
                    writer.name(),
                    hex::encode(bytes)
                ),
            }
        }
        if *op == "update_add_htlc.decode" {
            counts.0 += 1;
        } else {
            counts.1 += 1;
        }
    }
    counts
}

#[test]
fn each_release_reads_the_others_held_payment_on_the_wire() {
    let profile = ldk_profile();
    let old = asyncpay_ldk::LdkAdapter::new();
    let new = asyncpay_ldk_0_3::LdkAdapter::new();
    let reference = ReferenceAdapter;
    let runs = [
        (
            &old as &dyn Adapter,
            asyncpay_ldk::nodes::held_payment_wire(5_000)
                .expect("0.2.7 network")
                .into_iter()
                .map(|m| {
                    (
                        m.op,
                        m.bytes,
                        m.from == asyncpay_ldk::nodes::NodeRole::PayerLsp,
                    )
                })
                .collect::<Vec<_>>(),
            &new as &dyn Adapter,
        ),
        (
            &new as &dyn Adapter,
            asyncpay_ldk_0_3::nodes::held_payment_wire(5_000)
                .expect("0.3 network")
                .into_iter()
                .map(|m| {
                    (
                        m.op,
                        m.bytes,
                        m.from == asyncpay_ldk_0_3::nodes::NodeRole::PayerLsp,
                    )
                })
                .collect::<Vec<_>>(),
            &old as &dyn Adapter,
        ),
    ];
    for (writer, wire, other) in &runs {
        // The messages that matter are there: the payer's held HTLC (TLV
        // 75537 present) and a release path in the LSP's revoke_and_ack.
        let hold = wire.iter().any(|(op, bytes, _)| {
            *op == "update_add_htlc.decode" && hex::encode(bytes).contains("fe00012711")
        });
        let release_path = wire.iter().any(|(op, bytes, from_lsp)| {
            *op == "revoke_and_ack.decode" && *from_lsp && hex::encode(bytes).contains("fe00012711")
        });
        assert!(
            hold && release_path,
            "{}: {} messages",
            writer.name(),
            wire.len()
        );
        let (adds, raas) = check(*writer, wire, &[*other, &reference], &profile);
        println!(
            "{} -> {} and the reference: {adds} update_add_htlc, {raas} revoke_and_ack, same views",
            writer.name(),
            other.name()
        );
        assert!(
            adds >= 3 && raas >= 4,
            "{adds} update_add_htlc, {raas} revoke_and_ack"
        );
    }
}
