//! The tampered release of `nodes/net/tamper.rs`: the LSP peels it, reads
//! the altered context and refuses it for want of authentication; the same
//! construction with the LSP's own final hop, and the genuine release, are
//! forwarded.

use super::*;
use lightning::blinded_path::message::AsyncPaymentsContext;
use lightning::util::ser::Writeable;

/// LDK's log line when a release's final hop decrypts under BOLT 4's tag,
/// not the receive key (onion_message/messenger.rs:1249).
const UNAUTHENTICATED: &str = "Received an unauthenticated async payments onion message";
/// LDK's log line for an onion layer that does not verify (ln/onion_utils.rs:2645).
const BAD_HMAC: &str = "HMAC Check failed";
/// LDK's log line for payload data it cannot decrypt or parse (ln/onion_utils.rs:2665).
const UNDECODABLE: &str = "Unable to decode our hop data";

/// What the LSP logged and did around one delivery.
#[derive(Debug, PartialEq, Eq)]
struct Delivery {
    unauthenticated: usize,
    bad_hmac: usize,
    undecodable: usize,
    lsp_forwards: usize,
}

fn deliver(net: &mut AsyncNet<'_, '_>, idx: usize) -> Result<Delivery, DriverError> {
    let count = |net: &AsyncNet<'_, '_>| {
        [UNAUTHENTICATED, BAD_HMAC, UNDECODABLE].map(|l| net.log_count(PayerLsp, l))
    };
    let before = count(net);
    net.deliver_release(idx)?;
    let after = count(net);
    Ok(Delivery {
        unauthenticated: after[0] - before[0],
        bad_hmac: after[1] - before[1],
        undecodable: after[2] - before[2],
        lsp_forwards: net.summary().lsp_forwards,
    })
}

/// Holds an HTLC at the LSP and captures the recipient's genuine release
/// (index 0), undelivered.
fn held_with_captured_release(net: &mut AsyncNet<'_, '_>) -> Result<(), DriverError> {
    pay_while_recipient_offline(net)?;
    net.recipient_online()?;
    net.deliver_held_htlc_available_to_recipient(0)?;
    if net.releases_captured() != 1 || net.summary().lsp_forwards != 0 {
        return step_err("expected one captured release and a held HTLC");
    }
    Ok(())
}

#[test]
fn m_tampered_release_reaches_the_context_and_is_refused() {
    let (rebuilt, tampered, genuine) = run(&NetConfig::default(), |net| {
        held_with_captured_release(net)?;
        let i = net.tampered_copy_of_release(0)?;
        let tampered = deliver(net, i)?;
        let genuine = deliver(net, 0)?;
        let rebuilt: Vec<String> = net
            .observations()
            .trace
            .iter()
            .filter_map(|e| match e {
                TraceEntry::Other { what, .. } if what.starts_with("rebuilt") => Some(what.clone()),
                _ => None,
            })
            .collect();
        Ok((rebuilt, tampered, genuine))
    });
    assert_eq!(
        rebuilt,
        vec!["rebuilt release (AlteredContextStandardTag) reads as Unreadable"]
    );
    // The LSP peeled the onion and decrypted the final hop (no HMAC or
    // decoding failure), found the context unauthenticated, dropped it.
    assert!(tampered.unauthenticated >= 1, "{tampered:?}");
    assert_eq!(
        (
            tampered.bad_hmac,
            tampered.undecodable,
            tampered.lsp_forwards
        ),
        (0, 0, 0),
        "{tampered:?}"
    );
    // The HTLC was still held: the genuine release forwards it.
    assert_eq!(genuine.lsp_forwards, 1);
    assert_eq!(
        genuine.unauthenticated + genuine.bad_hmac + genuine.undecodable,
        0
    );
}

#[test]
fn n_the_rebuilt_release_is_forwarded_when_the_final_hop_is_the_lsps() {
    // Control of the construction: the same rebuild (path recovered from
    // the LSP's revoke_and_ack, final hop decrypted and checked, onion made
    // by create_onion_message over the genuine route), the LSP's own final
    // hop kept, is a release the LSP acts on.
    let (r, d) = run(&NetConfig::default(), |net| {
        held_with_captured_release(net)?;
        let r = net.rebuilt_copy_of_release(0, Reseal::Unchanged)?;
        let d = deliver(net, r.index)?;
        Ok((r, d))
    });
    assert_eq!(r.decrypted.encode(), r.sent.encode());
    assert!(matches!(
        r.decrypted,
        AsyncPaymentsContext::ReleaseHeldHtlc { htlc_id: 0, .. }
    ));
    assert_eq!(
        d,
        Delivery {
            unauthenticated: 0,
            bad_hmac: 0,
            undecodable: 0,
            lsp_forwards: 1
        }
    );
}

#[test]
fn o_the_tampered_context_still_names_the_held_htlc_by_its_intercept_id() {
    // Only the htlc_id changes: the intercept id LDK looks a committed
    // held HTLC up by (ln/channelmanager.rs:15589-15601) is the genuine one,
    // so nothing but the missing authentication stops the release.
    let r = run(&NetConfig::default(), |net| {
        held_with_captured_release(net)?;
        net.rebuilt_copy_of_release(0, Reseal::AlteredContextStandardTag)
    });
    let (
        AsyncPaymentsContext::ReleaseHeldHtlc {
            intercept_id: a,
            prev_outbound_scid_alias: sa,
            htlc_id: ha,
        },
        AsyncPaymentsContext::ReleaseHeldHtlc {
            intercept_id: b,
            prev_outbound_scid_alias: sb,
            htlc_id: hb,
        },
    ) = (r.decrypted, r.sent)
    else {
        panic!("not release contexts")
    };
    assert_eq!((a, sa), (b, sb));
    assert_ne!(ha, hb);
}
