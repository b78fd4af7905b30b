//! A held async payment in a network of LDK 0.2.7 and 0.3.0-rc3 nodes, every
//! link between the two releases carried as wire bytes (see `mixed`).
//!
//! The scenario is the draft's: the recipient is offline when the payer
//! pays, so the payer's LSP holds the payer's `hold_htlc` HTLC and the
//! invoice server keeps the payer's `held_htlc_available`; the payer goes
//! offline; the recipient comes online, gets `held_htlc_available` and
//! sends `release_held_htlc` over the reply path to the LSP, which only then
//! forwards; the recipient claims; the payer, back online, reestablishes its
//! channel and learns the preimage.
//!
//! Each message is checked as it crossed: the payer's and the LSP's
//! `update_add_htlc` are read by the reference model (under the `ldk-0.2`
//! profile, whose numbers both releases put on the wire).

mod mixed;

use asyncpay_adapter::{Adapter, HexInput, Operation, Outcome, Profile};
use asyncpay_reference::ReferenceAdapter;
use lightning::bitcoin::hashes::{sha256, Hash};
use mixed::net::{MixedNet, ROLES};
use mixed::{Happening, Release, WireNode};
use std::path::Path;

const PAYER: usize = 0;
const LSP: usize = 1;
const SERVER: usize = 2;
const RECIPIENT: usize = 3;
const UPDATE_ADD_HTLC: u16 = 128;
const ONION_MESSAGE: u16 = 513;
const AMOUNT_MSAT: u64 = 100_000;

fn ldk_profile() -> Profile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors/profiles.json");
    asyncpay_harness::runner::load_profiles(&path)
        .expect("profiles load")
        .into_iter()
        .find(|p| p.name == "ldk-0.2")
        .expect("the ldk-0.2 profile")
}

/// An `update_add_htlc` as the reference reads it: (payment hash, hold_htlc).
fn read_add(bytes: &[u8], profile: &Profile) -> Result<([u8; 32], bool), String> {
    let op = Operation::DecodeUpdateAddHtlc(HexInput {
        hex: hex::encode(bytes),
    });
    match ReferenceAdapter.execute(&op, profile) {
        Outcome::Accepted { view } => {
            let hash = view["payment_hash"].as_str().unwrap_or_default();
            let hash: [u8; 32] = hex::decode(hash)
                .ok()
                .and_then(|h| h.try_into().ok())
                .ok_or("the view has no payment hash")?;
            Ok((hash, view["hold_htlc"].as_bool() == Some(true)))
        }
        other => Err(format!("the reference rejects it: {other:?}")),
    }
}

/// Plays the held payment with role `i` on `releases[i]`.
fn held_payment(releases: [Release; 4]) {
    mixed::node::v0_2::nodes::with_nodes(|old| {
        mixed::node::v0_3::nodes::with_nodes(|new| {
            let pick: Vec<&dyn WireNode> = (0..4)
                .map(|i| match releases[i] {
                    Release::V0_2 => old[i],
                    Release::V0_3 => new[i],
                })
                .collect();
            let mut net = MixedNet::new([pick[0], pick[1], pick[2], pick[3]]).expect("network");
            let res = play(&mut net);
            if std::env::var_os("ASYNCPAY_MIXED_TRACE").is_some() {
                eprintln!("{}", net.trace());
            }
            if let Err(e) = res {
                panic!(
                    "releases {}: {e}\n{}",
                    releases.map(|r| r.to_string()).join(", "),
                    net.trace()
                );
            }
        })
    })
}

fn play(net: &mut MixedNet<'_>) -> Result<(), String> {
    let profile = ldk_profile();
    net.open_channel(PAYER, LSP, false)?;
    net.open_channel(LSP, SERVER, true)?;
    net.open_channel(SERVER, RECIPIENT, false)?;

    // The recipient registers with its invoice server over the server's
    // blinded paths (written by the server's release, read by the
    // recipient's) and asks for offer paths on its timer tick.
    let paths = net.node(SERVER).paths_for_async_recipient()?;
    let server_id = net.node(SERVER).id();
    net.node(RECIPIENT).set_paths_to_server(server_id, &paths)?;
    net.node(RECIPIENT).timer_tick();
    net.settle()?;
    let offer = net.node(RECIPIENT).async_offer()?;
    if !net
        .happenings
        .iter()
        .any(|(i, h)| *i == SERVER && *h == Happening::InvoicePersisted)
    {
        return Err("the invoice server never stored the static invoice".into());
    }

    // The recipient goes offline; the payer pays.
    net.set_online(RECIPIENT, false)?;
    let paid_at = net.wire.len();
    net.node(PAYER).pay_offer(&offer, AMOUNT_MSAT)?;
    net.settle()?;
    let payer_adds: Vec<_> = net.wire[paid_at..]
        .iter()
        .filter(|c| c.from == PAYER && c.to == LSP && c.ty() == UPDATE_ADD_HTLC)
        .collect();
    let [add] = payer_adds.as_slice() else {
        return Err(format!(
            "the payer sent {} update_add_htlc, expected one",
            payer_adds.len()
        ));
    };
    let (payment_hash, hold) = read_add(&add.bytes, &profile)?;
    if !hold {
        return Err("the payer's update_add_htlc has no hold_htlc".into());
    }
    if net.wire[paid_at..]
        .iter()
        .any(|c| c.from == LSP && c.ty() == UPDATE_ADD_HTLC)
    {
        return Err("the LSP forwarded the held HTLC before any release".into());
    }
    let kept = net.node(SERVER).kept_for(net.node(RECIPIENT).id());
    if kept == 0 {
        return Err("the invoice server keeps nothing for the offline recipient".into());
    }

    // The payer goes offline; the recipient comes back.
    net.set_online(PAYER, false)?;
    let back_at = net.wire.len();
    net.set_online(RECIPIENT, true)?;
    let after = &net.wire[back_at..];
    let release_at = after
        .iter()
        .position(|c| c.from == RECIPIENT && c.to == LSP && c.ty() == ONION_MESSAGE)
        .ok_or("the recipient sent the LSP no onion message (release_held_htlc)")?;
    let forward_at = after
        .iter()
        .position(|c| c.from == LSP && c.to == SERVER && c.ty() == UPDATE_ADD_HTLC)
        .ok_or("the LSP never forwarded the HTLC")?;
    if forward_at < release_at {
        return Err("the LSP forwarded before the recipient's release reached it".into());
    }
    let (fwd_hash, fwd_hold) = read_add(&after[forward_at].bytes, &profile)?;
    if fwd_hash != payment_hash || fwd_hold {
        return Err(format!(
            "the LSP's forward: payment hash {} (expected {}), hold_htlc {fwd_hold}",
            hex::encode(fwd_hash),
            hex::encode(payment_hash)
        ));
    }
    let happened = |net: &MixedNet<'_>, role: usize, h: &Happening| {
        net.happenings.iter().any(|(i, x)| *i == role && x == h)
    };
    if !happened(net, RECIPIENT, &Happening::PaymentClaimed { payment_hash }) {
        return Err("the recipient did not claim the payment".into());
    }
    if !happened(net, LSP, &Happening::PaymentForwarded) {
        return Err("the LSP did not see its forward settled".into());
    }

    // The payer comes back and learns the preimage over the reestablished channel.
    net.set_online(PAYER, true)?;
    let sent = net.happenings.iter().find_map(|(i, h)| match h {
        Happening::PaymentSent { preimage } if *i == PAYER => Some(*preimage),
        _ => None,
    });
    let preimage = sent.ok_or("the payer never saw PaymentSent")?;
    if sha256::Hash::hash(&preimage).to_byte_array() != payment_hash {
        return Err("the payer's preimage does not hash to the payment hash".into());
    }
    let closed: Vec<_> = net
        .happenings
        .iter()
        .filter(|(_, h)| matches!(h, Happening::ChannelClosed(_)))
        .map(|(i, h)| format!("{}: {h:?}", ROLES[*i]))
        .collect();
    if !closed.is_empty() {
        return Err(format!("channels closed: {closed:?}"));
    }
    Ok(())
}

use Release::{V0_2, V0_3};

/// The bridge itself, on one release: the payment must work before any
/// mixed result means anything.
#[test]
fn held_payment_all_0_2() {
    held_payment([V0_2, V0_2, V0_2, V0_2]);
}

/// The bridge itself, on the other release.
#[test]
fn held_payment_all_0_3() {
    held_payment([V0_3, V0_3, V0_3, V0_3]);
}

/// An upgraded payer and invoice server beside a 0.2.7 LSP and recipient:
/// every link crosses releases.
#[test]
fn held_payment_0_3_payer_0_2_lsp_alternating() {
    held_payment([V0_3, V0_2, V0_3, V0_2]);
}

/// A 0.2.7 payer and invoice server beside an upgraded LSP and recipient:
/// every link crosses releases.
#[test]
fn held_payment_0_2_payer_0_3_lsp_alternating() {
    held_payment([V0_2, V0_3, V0_2, V0_3]);
}

/// A 0.2.7 payer on an upgraded LSP's network.
#[test]
fn held_payment_0_2_payer_on_0_3_network() {
    held_payment([V0_2, V0_3, V0_3, V0_3]);
}
