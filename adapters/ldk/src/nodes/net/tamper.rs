//! A `release_held_htlc` whose release context is altered inside a
//! correctly encrypted path, for scenario steps with `tampered: true`.
//!
//! The LSP's release path (LDK: `OffersMessageFlow::path_for_release_held_htlc`,
//! offers/flow.rs:1247-1269) is four blinded hops at the LSP itself: three
//! dummy hops and the final hop, whose `encrypted_data_tlv` holds padding
//! (type 1) and LDK's context at type 65537,
//! `AsyncPaymentsContext::ReleaseHeldHtlc { intercept_id,
//! prev_outbound_scid_alias, htlc_id }`. LDK seals each of them with a
//! Poly1305 tag that mixes in the LSP's `ReceiveAuthKey`, and accepts a
//! release only over a final hop sealed that way (`used_aad`,
//! crypto/streams.rs:101-166; onion_message/messenger.rs:1243-1250).
//!
//! [`AsyncNet::tampered_copy_of_release`] plays an attacker on the path who
//! knows the final hop's shared secret (the driver computes it with the
//! LSP's own `NodeSigner::ecdh`, as the test key manager allows): it
//! decrypts the final hop (ChaCha20 under `rho`, BOLT 4), changes the
//! context's `htlc_id` and re-seals the hop with BOLT 4's standard
//! ChaCha20-Poly1305 tag, without the LSP's key. Everything else stays
//! valid: the dummy hops are the LSP's own, the final hop decrypts and
//! parses, and the onion message around the path is built by LDK's public
//! `create_onion_message` from the recipient over the route the genuine
//! release took. So the LSP peels the onion (no HMAC failure), decrypts the
//! final hop, reads the context and must refuse it because nothing
//! authenticates it. `intercept_id`, by which LDK looks a committed held
//! HTLC up (ln/channelmanager.rs:15589-15601), is kept: an LSP that skipped
//! the authentication would release the HTLC.
//!
//! Only BOLT 4 primitives are used here (`chacha20`, `chacha20poly1305`,
//! the key derivations of route blinding); nothing is copied from LDK.

use super::payer_io::next_blinding_point;
use super::{step_err, AsyncNet, Captured, DriverError, NodeRole, TraceEntry};
use crate::records;
use chacha20::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::ChaCha20Poly1305;
use lightning::bitcoin::hashes::hmac::{Hmac, HmacEngine};
use lightning::bitcoin::hashes::sha256::Hash as Sha256;
use lightning::bitcoin::hashes::{Hash, HashEngine};
use lightning::bitcoin::secp256k1::{PublicKey, Scalar};
use lightning::blinded_path::message::{AsyncPaymentsContext, BlindedMessagePath, MessageContext};
use lightning::blinded_path::{BlindedHop, EmptyNodeIdLookUp, IntroductionNode};
use lightning::ln::msgs::OnionMessage;
use lightning::ln::peer_handler::IgnoringMessageHandler;
use lightning::onion_message::async_payments::{AsyncPaymentsMessage, ReleaseHeldHtlc};
use lightning::onion_message::messenger::{
    create_onion_message, peel_onion_message, Destination, OnionMessagePath, PeeledOnion,
};
use lightning::sign::{NodeSigner, Recipient};
use lightning::util::ser::{BigSize, Readable, Writeable};

/// LDK's `encrypted_data_tlv` type of its context (onion_message/packet.rs:369).
const LDK_CONTEXT_TLV: u64 = 65537;

/// How [`AsyncNet::rebuilt_copy_of_release`] seals the final hop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reseal {
    /// The LSP's final hop as it made it (a control: the rebuilt onion must
    /// be as good as the genuine one).
    Unchanged,
    /// The context's `htlc_id` changed, the hop re-sealed with BOLT 4's
    /// standard tag (no receive key): see the module documentation.
    AlteredContextStandardTag,
}

/// A rebuilt release, captured for [`AsyncNet::deliver_release`].
#[derive(Clone, Debug)]
pub struct RebuiltRelease {
    /// Its index among the captured releases.
    pub index: usize,
    /// The context the driver decrypted from the LSP's final hop.
    pub decrypted: AsyncPaymentsContext,
    /// The context the final hop now carries.
    pub sent: AsyncPaymentsContext,
}

/// `HMAC256(key, data)`.
fn hmac256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut e = HmacEngine::<Sha256>::new(key);
    e.input(data);
    Hmac::<Sha256>::from_engine(e).to_byte_array()
}

/// A TLV stream from `(type, value)` records, in the given order.
fn tlv_stream(records: &[(u64, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (t, v) in records {
        out.extend_from_slice(&BigSize(*t).encode());
        out.extend_from_slice(&BigSize(v.len() as u64).encode());
        out.extend_from_slice(v);
    }
    out
}

impl AsyncNet<'_, '_> {
    /// Captures a copy of the `idx`-th captured release whose final hop
    /// carries an altered context under BOLT 4's standard tag (see the
    /// module documentation); returns the copy's index.
    pub fn tampered_copy_of_release(&mut self, idx: usize) -> Result<usize, DriverError> {
        self.note(format!("tampered_copy_of_release({idx})"));
        Ok(self
            .rebuild_release(idx, Reseal::AlteredContextStandardTag)?
            .index)
    }

    /// Rebuilds the `idx`-th captured release over the LSP release path it
    /// was sent on, its final hop sealed as `how` says, and captures it.
    pub fn rebuilt_copy_of_release(
        &mut self,
        idx: usize,
        how: Reseal,
    ) -> Result<RebuiltRelease, DriverError> {
        self.note(format!("rebuilt_copy_of_release({idx}, {how:?})"));
        self.rebuild_release(idx, how)
    }

    /// How many lines `role`'s LDK logger has logged that contain `needle`.
    pub fn log_count(&self, role: NodeRole, needle: &str) -> usize {
        let lines = self.nodes[role.idx()]
            .logger
            .lines
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        lines
            .iter()
            .filter(|((_, line), _)| line.contains(needle))
            .map(|(_, n)| *n)
            .sum()
    }

    fn rebuild_release(&mut self, idx: usize, how: Reseal) -> Result<RebuiltRelease, DriverError> {
        let Some(genuine) = self.releases.get(idx).cloned() else {
            return step_err(format!("no captured release #{idx}"));
        };
        let (route, at_lsp) = self.route_to_lsp(genuine.to, &genuine.om)?;
        let path = self.lsp_release_path_keyed(&at_lsp.blinding_point)?;
        let Some(lsp_reads) = self.release_path_context(&path) else {
            return step_err("the LSP does not read its own release path");
        };
        let (final_key, mut hops) = self.final_hop_key(&path)?;
        let last = hops.len() - 1;
        let sealed = &hops[last].encrypted_payload;
        if sealed.len() < 16 {
            return step_err("the final hop's data is shorter than a tag");
        }
        let rho = hmac256(b"rho", &final_key);
        // ChaCha20 under rho and the zero nonce; the payload keystream starts
        // at block 1 (block 0 keys Poly1305, RFC 8439 2.8).
        let mut plain = sealed[..sealed.len() - 16].to_vec();
        let mut cipher = chacha20::ChaCha20::new(&rho.into(), &[0u8; 12].into());
        cipher.seek(64u64);
        cipher.apply_keystream(&mut plain);
        let mut recs: Vec<(u64, Vec<u8>)> = records::parse(&plain)
            .map_err(|e| DriverError::Step(format!("final hop plaintext: {e:?}")))?
            .into_iter()
            .map(|r| (r.tlv_type, r.value.to_vec()))
            .collect();
        let Some(ctx_rec) = recs.iter_mut().find(|(t, _)| *t == LDK_CONTEXT_TLV) else {
            return step_err("the final hop carries no context (65537)");
        };
        let decrypted = match MessageContext::read(&mut &ctx_rec.1[..]) {
            Ok(MessageContext::AsyncPayments(c)) => c,
            other => return step_err(format!("final hop context: {other:?}")),
        };
        // The decryption is right only if it reads what the LSP reads.
        if decrypted.encode() != lsp_reads.encode() {
            return step_err(format!(
                "decrypted {decrypted:?}, the LSP reads {lsp_reads:?}"
            ));
        }
        let sent = match how {
            Reseal::Unchanged => decrypted.clone(),
            Reseal::AlteredContextStandardTag => {
                let AsyncPaymentsContext::ReleaseHeldHtlc {
                    intercept_id,
                    prev_outbound_scid_alias,
                    htlc_id,
                } = decrypted.clone()
                else {
                    return step_err(format!("not a release context: {decrypted:?}"));
                };
                let altered = AsyncPaymentsContext::ReleaseHeldHtlc {
                    intercept_id,
                    prev_outbound_scid_alias,
                    htlc_id: htlc_id.wrapping_add(1000),
                };
                ctx_rec.1 = MessageContext::AsyncPayments(altered.clone()).encode();
                let resealed = ChaCha20Poly1305::new(&rho.into())
                    .encrypt(&[0u8; 12].into(), tlv_stream(&recs).as_slice())
                    .map_err(|e| DriverError::Step(format!("re-seal: {e}")))?;
                hops[last].encrypted_payload = resealed;
                altered
            }
        };
        let rebuilt =
            BlindedMessagePath::from_blinded_path(self.ids[1], path.blinding_point(), hops);
        let recipient = &self.nodes[3];
        let om_path = OnionMessagePath {
            intermediate_nodes: route.iter().map(|&k| self.ids[k]).collect(),
            destination: Destination::BlindedPath(rebuilt),
            first_node_addresses: vec![],
        };
        let (first, om, _) = create_onion_message(
            &recipient.keys_manager,
            &recipient.keys_manager,
            &&EmptyNodeIdLookUp {},
            &self.secp,
            om_path,
            AsyncPaymentsMessage::ReleaseHeldHtlc(ReleaseHeldHtlc {}),
            None,
        )
        .map_err(|e| DriverError::Step(format!("create_onion_message: {e:?}")))?;
        let Some(to) = self.idx_of(&first) else {
            return step_err("the rebuilt release's first hop is no node of the network");
        };
        // How the LSP reads it (dry run): `Unreadable` means LDK drops it.
        let kind = self.peel_to_end(to, &om).kind();
        self.obs.trace.push(TraceEntry::Other {
            node: NodeRole::PayerLsp,
            what: format!("rebuilt release ({how:?}) reads as {kind:?}"),
        });
        self.releases.push(Captured {
            from: 3,
            to,
            om,
            deliveries: 0,
        });
        Ok(RebuiltRelease {
            index: self.releases.len() - 1,
            decrypted,
            sent,
        })
    }

    /// The nodes a message from the recipient visits before the LSP (first
    /// hop `at` included, the LSP excluded), and the message as it reaches
    /// the LSP; each hop peeled with its own keys (nothing is delivered).
    fn route_to_lsp(
        &self,
        at: usize,
        om: &OnionMessage,
    ) -> Result<(Vec<usize>, OnionMessage), DriverError> {
        let (mut k, mut msg, mut route) = (at, om.clone(), Vec::new());
        while k != 1 {
            if route.len() > 8 {
                return step_err("the release does not reach the LSP");
            }
            let node = &self.nodes[k];
            let peeled = peel_onion_message(
                &msg,
                &self.secp,
                node.keys_manager,
                node.logger,
                &IgnoringMessageHandler {},
            );
            let Ok(PeeledOnion::Forward(next, next_msg)) = peeled else {
                return step_err("the release is not forwarded towards the LSP");
            };
            let Some(n) = self.next_hop_idx(k, &next) else {
                return step_err("the release's next hop is no node of the network");
            };
            route.push(k);
            (k, msg) = (n, next_msg);
        }
        Ok((route, msg))
    }

    /// The release path the LSP put in one of its `revoke_and_ack`s whose
    /// first path key is `key`.
    fn lsp_release_path_keyed(&self, key: &PublicKey) -> Result<BlindedMessagePath, DriverError> {
        let found = self.obs.trace.iter().find_map(|e| match e {
            TraceEntry::RevokeAndAck {
                from: NodeRole::PayerLsp,
                release_paths,
                ..
            } => release_paths.iter().find_map(|(_, hex)| {
                let bytes = hex::decode(hex).ok()?;
                let p = BlindedMessagePath::read(&mut &bytes[..]).ok()?;
                (p.blinding_point() == *key).then_some(p)
            }),
            _ => None,
        });
        match found {
            Some(p) if matches!(p.introduction_node(), IntroductionNode::NodeId(n) if *n == self.ids[1]) => {
                Ok(p)
            }
            Some(_) => step_err("the release path is not introduced by the LSP"),
            None => step_err("the release was sent over no release path of the LSP's"),
        }
    }

    /// The shared secret of the path's final hop and the path's hops, after
    /// checking that every hop is blinded for the LSP (BOLT 4: hop `i`'s
    /// blinded node id is `HMAC256("blinded_node_id", ss_i)·N`, and
    /// `E_{i+1} = SHA256(E_i || ss_i)·E_i`).
    fn final_hop_key(
        &self,
        path: &BlindedMessagePath,
    ) -> Result<([u8; 32], Vec<BlindedHop>), DriverError> {
        let lsp = &self.nodes[1];
        let hops = path.blinded_hops().to_vec();
        let mut key = path.blinding_point();
        for (i, hop) in hops.iter().enumerate() {
            let ss = lsp
                .keys_manager
                .ecdh(Recipient::Node, &key, None)
                .map_err(|()| DriverError::Step("LSP ecdh".into()))?
                .secret_bytes();
            let blinded = Scalar::from_be_bytes(hmac256(b"blinded_node_id", &ss))
                .ok()
                .and_then(|f| self.ids[1].mul_tweak(&self.secp, &f).ok());
            if blinded != Some(hop.blinded_node_id) {
                return step_err(format!("hop {i} of the release path is not the LSP's"));
            }
            if i + 1 == hops.len() {
                return Ok((ss, hops));
            }
            key = next_blinding_point(&self.secp, key, &ss)
                .ok_or_else(|| DriverError::Step("next path key".into()))?;
        }
        step_err("the release path has no hops")
    }
}
