//! Reply paths for `release_held_htlc`: recipes (see below) and the calculator.

/// The recipes' own transcription of BOLT 4's formulas, written apart from
/// the reference model so that a vector's expectation is not the output of
/// the code it checks. It shares only the primitive calls (SHA-256, HMAC,
/// secp256k1 point and scalar multiplication, ChaCha20 and
/// ChaCha20-Poly1305 through `asyncpay_reference::crypto`'s one-line
/// wrappers). Both it and the reference must reproduce the upstream bolts
/// vectors (`vectors/generator/src/upstream/bolt04.rs` checks both).
pub mod calc {
    use asyncpay_reference::crypto::{aead_encrypt, chacha20_stream};
    use bitcoin_hashes::{hmac, sha256, Hash, HashEngine};
    use secp256k1::{PublicKey, Scalar, SecretKey, SECP256K1};
    use serde_json::{json, Value};

    fn h(data: &[&[u8]]) -> [u8; 32] {
        let mut e = sha256::Hash::engine();
        for d in data {
            e.input(d);
        }
        sha256::Hash::from_engine(e).to_byte_array()
    }

    fn mac(key: &[u8], msg: &[u8]) -> [u8; 32] {
        let mut e = hmac::HmacEngine::<sha256::Hash>::new(key);
        e.input(msg);
        hmac::Hmac::<sha256::Hash>::from_engine(e).to_byte_array()
    }

    /// `SHA256(compressed(k·P))`, computed by point multiplication.
    pub fn ecdh(p: &PublicKey, k: &SecretKey) -> [u8; 32] {
        let point = p
            .mul_tweak(SECP256K1, &Scalar::from(*k))
            .expect("a valid secret key is a valid tweak");
        h(&[&point.serialize()])
    }

    fn tweak_sec(k: &SecretKey, t: [u8; 32]) -> SecretKey {
        k.mul_tweak(&Scalar::from_be_bytes(t).expect("hash below the order"))
            .expect("nonzero")
    }

    fn tweak_pub(p: &PublicKey, t: [u8; 32]) -> PublicKey {
        p.mul_tweak(
            SECP256K1,
            &Scalar::from_be_bytes(t).expect("hash below the order"),
        )
        .expect("nonzero")
    }

    /// A secret key from hex (recipe inputs are fixed and valid).
    pub fn sk(hex_str: &str) -> SecretKey {
        SecretKey::from_slice(&hex::decode(hex_str).expect("hex")).expect("secret key")
    }

    /// The node id of a secret key.
    pub fn pk(k: &SecretKey) -> PublicKey {
        PublicKey::from_secret_key(SECP256K1, k)
    }

    /// Hex of a point.
    pub fn ph(p: &PublicKey) -> String {
        hex::encode(p.serialize())
    }

    /// One blinded hop, every value the writer derives.
    #[derive(Clone, Debug)]
    pub struct Hop {
        /// `e_i`.
        pub e: SecretKey,
        /// `E_i`.
        pub big_e: PublicKey,
        /// `ss_i`.
        pub ss: [u8; 32],
        /// `HMAC256("blinded_node_id", ss_i)`.
        pub bf: [u8; 32],
        /// `SHA256(E_i || ss_i)`.
        pub e_hash: [u8; 32],
        /// `rho_i`.
        pub rho: [u8; 32],
        /// `B_i`.
        pub blinded: PublicKey,
        /// The clear `encrypted_data_tlv`.
        pub plain: Vec<u8>,
        /// `encrypted_recipient_data_i`.
        pub enc: Vec<u8>,
    }

    impl Hop {
        /// The intermediate values as JSON, upstream's names.
        pub fn json(&self, alias: &str) -> Value {
            json!({
                "alias": alias,
                "path_privkey": hex::encode(self.e.secret_bytes()),
                "path_key": ph(&self.big_e),
                "encrypted_data_tlvs": hex::encode(&self.plain),
                "shared_secret": hex::encode(self.ss),
                "HMAC256('blinded_node_id', ss)": hex::encode(self.bf),
                "H(E || ss)": hex::encode(self.e_hash),
                "rho": hex::encode(self.rho),
                "blinded_node_id": ph(&self.blinded),
                "encrypted_recipient_data": hex::encode(&self.enc),
            })
        }
    }

    /// Blind `hops` (node id, clear data) from `e_0`.
    pub fn blind(e0: &SecretKey, hops: &[(PublicKey, Vec<u8>)]) -> Vec<Hop> {
        let mut e = *e0;
        let mut out = Vec::new();
        for (n, plain) in hops {
            let big_e = pk(&e);
            let ss = ecdh(n, &e);
            let bf = mac(b"blinded_node_id", &ss);
            let rho = mac(b"rho", &ss);
            let e_hash = h(&[&big_e.serialize(), &ss]);
            out.push(Hop {
                e,
                big_e,
                ss,
                bf,
                e_hash,
                rho,
                blinded: tweak_pub(n, bf),
                plain: plain.clone(),
                enc: aead_encrypt(&rho, &[0; 12], &[], plain),
            });
            e = tweak_sec(&e, e_hash);
        }
        out
    }

    /// The reader's side: `(ss, b_i, rho, E_{i+1})` from `k_i` and `E_i`.
    pub fn reader(k: &SecretKey, big_e: &PublicKey) -> ([u8; 32], SecretKey, [u8; 32], PublicKey) {
        let ss = ecdh(big_e, k);
        let b = tweak_sec(k, mac(b"blinded_node_id", &ss));
        let next = tweak_pub(big_e, h(&[&big_e.serialize(), &ss]));
        (ss, b, mac(b"rho", &ss), next)
    }

    /// The `blinded_path` view of hops, as JSON.
    pub fn path_json(first_node_id: &PublicKey, hops: &[Hop]) -> Value {
        json!({
            "first_node_id": ph(first_node_id),
            "first_path_key": ph(&hops[0].big_e),
            "hops": hops.iter().map(|x| json!({
                "blinded_node_id": ph(&x.blinded),
                "encrypted_recipient_data": hex::encode(&x.enc),
            })).collect::<Vec<_>>(),
        })
    }

    /// Minimal BigSize.
    pub fn bigsize(v: u64) -> Vec<u8> {
        match v {
            0..=0xfc => vec![v as u8],
            0xfd..=0xffff => [&[0xfd][..], &(v as u16).to_be_bytes()].concat(),
            0x1_0000..=0xffff_ffff => [&[0xfe][..], &(v as u32).to_be_bytes()].concat(),
            _ => [&[0xff][..], &v.to_be_bytes()].concat(),
        }
    }

    /// A TLV stream from records given in increasing type order.
    pub fn tlvs(recs: &[(u64, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (t, v) in recs {
            out.extend(bigsize(*t));
            out.extend(bigsize(v.len() as u64));
            out.extend_from_slice(v);
        }
        out
    }

    /// Per-hop Sphinx values.
    #[derive(Clone, Debug)]
    pub struct SphinxHop {
        /// Ephemeral public key.
        pub epk: PublicKey,
        /// Shared secret.
        pub ss: [u8; 32],
        /// `rho`.
        pub rho: [u8; 32],
        /// `mu`.
        pub mu: [u8; 32],
    }

    /// A Sphinx packet for `payloads` to `ids`, `len` bytes of payloads,
    /// no associated data. The filler is computed position by position (a
    /// tail byte of the last hop's payloads is the XOR of the streams of the
    /// hops it passed since the hop that appended it as padding), not by
    /// the iterative shifting the reference uses.
    pub fn sphinx(
        session: &SecretKey,
        ids: &[PublicKey],
        payloads: &[Vec<u8>],
        len: usize,
    ) -> (Vec<u8>, Vec<SphinxHop>) {
        let mut ek = *session;
        let mut hops = Vec::new();
        for n in ids {
            let epk = pk(&ek);
            let ss = ecdh(n, &ek);
            hops.push(SphinxHop {
                epk,
                ss,
                rho: mac(b"rho", &ss),
                mu: mac(b"mu", &ss),
            });
            ek = tweak_sec(&ek, h(&[&epk.serialize(), &ss]));
        }
        let r = ids.len();
        let shifts: Vec<usize> = payloads
            .iter()
            .map(|p| bigsize(p.len() as u64).len() + p.len() + 32)
            .collect();
        let streams: Vec<Vec<u8>> = hops
            .iter()
            .map(|x| chacha20_stream(&x.rho, 2 * len))
            .collect();
        let f: usize = shifts[..r - 1].iter().sum();
        let mut filler = vec![0u8; f];
        for (q, byte) in filler.iter_mut().enumerate() {
            let p = len - f + q;
            // pos_j = p + shifts[j] + ... + shifts[r-2]
            let mut pos = p;
            for j in (0..r - 1).rev() {
                pos += shifts[j];
                *byte ^= streams[j][pos];
                if pos >= len {
                    break;
                }
            }
        }
        let mut mix = chacha20_stream(&mac(b"pad", &session.secret_bytes()), len);
        let mut next_hmac = [0u8; 32];
        for i in (0..r).rev() {
            let mut layer = bigsize(payloads[i].len() as u64);
            layer.extend_from_slice(&payloads[i]);
            layer.extend_from_slice(&next_hmac);
            layer.extend_from_slice(&mix[..len - shifts[i]]);
            for (b, s) in layer.iter_mut().zip(&streams[i]) {
                *b ^= s;
            }
            if i == r - 1 {
                layer[len - f..].copy_from_slice(&filler);
            }
            next_hmac = mac(&hops[i].mu, &layer);
            mix = layer;
        }
        let mut packet = vec![0u8];
        packet.extend_from_slice(&hops[0].epk.serialize());
        packet.extend_from_slice(&mix);
        packet.extend_from_slice(&next_hmac);
        (packet, hops)
    }

    /// Peel one layer of `packet` with the (blinded) key `k`, as a forwarder
    /// would: `(payload, Some(next packet))`, or `(payload, None)` at the
    /// final hop. Written from "Onion Decryption", for expectations only.
    pub fn peel(packet: &[u8], k: &SecretKey) -> (Vec<u8>, Option<Vec<u8>>) {
        let len = packet.len() - 66;
        let epk = PublicKey::from_slice(&packet[1..34]).expect("point");
        let ss = ecdh(&epk, k);
        let mut buf = packet[34..34 + len].to_vec();
        buf.extend(vec![0u8; len]);
        for (b, s) in buf
            .iter_mut()
            .zip(chacha20_stream(&mac(b"rho", &ss), 2 * len))
        {
            *b ^= s;
        }
        let (l, n) = match buf[0] {
            0xfd => (u16::from_be_bytes([buf[1], buf[2]]) as usize, 3),
            x => (x as usize, 1),
        };
        let payload = buf[n..n + l].to_vec();
        let hmac = buf[n + l..n + l + 32].to_vec();
        if hmac.iter().all(|b| *b == 0) {
            return (payload, None);
        }
        let mut next = vec![0u8];
        next.extend(tweak_pub(&epk, h(&[&epk.serialize(), &ss])).serialize());
        next.extend_from_slice(&buf[n + l + 32..n + l + 32 + len]);
        next.extend(hmac);
        (payload, Some(next))
    }

    /// The `onion_message` (type 513) carrying `packet` with `path_key`.
    pub fn onion_message(path_key: &PublicKey, packet: &[u8]) -> Vec<u8> {
        let mut m = vec![0x02, 0x01];
        m.extend_from_slice(&path_key.serialize());
        m.extend_from_slice(&(packet.len() as u16).to_be_bytes());
        m.extend_from_slice(packet);
        m
    }

    /// The encoding of a `blinded_path` JSON view.
    pub fn path_bytes(v: &Value) -> Vec<u8> {
        let s = |x: &Value| hex::decode(x.as_str().expect("hex")).expect("hex");
        let mut out = s(&v["first_node_id"]);
        out.extend(s(&v["first_path_key"]));
        let hops = v["hops"].as_array().expect("hops");
        out.push(hops.len() as u8);
        for hop in hops {
            out.extend(s(&hop["blinded_node_id"]));
            let d = s(&hop["encrypted_recipient_data"]);
            out.extend((d.len() as u16).to_be_bytes());
            out.extend(d);
        }
        out
    }

    /// `HMAC256(key, msg)`, for recipes that compute MACs themselves.
    pub fn hmac256(key: &[u8], msg: &[u8]) -> [u8; 32] {
        mac(key, msg)
    }

    /// `SHA256` of the concatenation.
    pub fn sha256(data: &[&[u8]]) -> [u8; 32] {
        h(data)
    }
}

use asyncpay_adapter::{Profile, ReasonClass};
pub use asyncpay_harness::vectors::note;
use asyncpay_harness::vectors::{Expected, FileBuilder, TestVector, VectorFile, Verdict};
use secp256k1::{PublicKey, SecretKey};
use serde_json::{json, Value};

/// The spec commit the vectors are read from.
pub const SPEC_COMMIT: &str = "3a7505e0fee9941b0c866b15e42ca4ac375ad6fe";

/// Fixed keys of the recipes' cast: each is 32 copies of one byte.
pub mod cast {
    /// The payer's LSP: holds the HTLC and creates the release reply paths.
    pub const HOLDER: u8 = 0x11;
    /// A node between the recipient and the holder (reply path hop).
    pub const HOP_A: u8 = 0x22;
    /// Another such node.
    pub const HOP_B: u8 = 0x33;
    /// The often-offline recipient.
    pub const RECIPIENT: u8 = 0x44;
    /// The recipient's LSP (invoice server), introduction of the static invoice's message paths.
    pub const RECIPIENT_LSP: u8 = 0x55;
    /// The payer.
    pub const PAYER: u8 = 0x66;
    /// The payer's peer, introduction of the payer's invoice request reply path.
    pub const PAYER_PEER: u8 = 0x77;
    /// Someone who builds paths to the holder it was never given.
    pub const ATTACKER: u8 = 0x88;
}

/// The holder's `release_auth_key` (node-local; never leaves the holder).
pub const RELEASE_AUTH_KEY: [u8; 32] = [0x99; 32];
/// The held HTLC's `channel_id`.
pub const CHANNEL_ID: [u8; 32] = [0xc1; 32];
/// The held HTLC's `id`.
pub const HTLC_ID: u64 = 7;
/// The tag of the release context MAC (see `vectors/release-context.md`).
pub const MAC_TAG: &[u8] = b"asyncpay release_held_htlc v1";
/// Opaque stand-in for an implementation-private context (`ldk-0.2`).
pub const OPAQUE_CONTEXT: [u8; 40] = [0x5a; 40];

/// The secret key `[b; 32]`.
pub fn key(b: u8) -> SecretKey {
    SecretKey::from_slice(&[b; 32]).expect("valid")
}

/// The node id of `[b; 32]`.
pub fn node(b: u8) -> PublicKey {
    calc::pk(&key(b))
}

/// True for the profiles these areas apply to (draft and implementation).
pub fn applies(profile: &Profile) -> bool {
    profile.kind != "experimental"
}

/// True when the profile's release context is the suite's construction.
pub fn suite_context(profile: &Profile) -> bool {
    profile.kind == "draft"
}

/// The flag of the profile's release context choice.
pub fn context_flag(profile: &Profile) -> String {
    profile
        .choices
        .iter()
        .find(|c| c.field == "encrypted_data_release_context")
        .map(|c| c.flag.clone())
        .unwrap_or_else(|| "DraftGapReleaseContext".into())
}

/// The release context value and its `path_id` MAC, computed here from the
/// pinned construction (not by the reference).
pub fn context_records(
    profile: &Profile,
    channel_id: &[u8; 32],
    htlc_id: u64,
    auth: &[u8; 32],
) -> Vec<(u64, Vec<u8>)> {
    let t = profile.numbers.encrypted_data_release_context;
    if !suite_context(profile) {
        return vec![(t, OPAQUE_CONTEXT.to_vec())];
    }
    let mut value = channel_id.to_vec();
    value.extend(htlc_id.to_be_bytes());
    let mac = calc::hmac256(auth, &[MAC_TAG, &value].concat());
    vec![(6, mac.to_vec()), (t, value)]
}

/// A TLV stream from records (sorted here), with a `padding` (1) record
/// making it `target` bytes long when `target` is given.
pub fn stream(mut recs: Vec<(u64, Vec<u8>)>, target: Option<usize>) -> Vec<u8> {
    if let Some(target) = target {
        let unpadded: usize = calc::tlvs(
            &recs
                .iter()
                .map(|(t, v)| (*t, v.as_slice()))
                .collect::<Vec<_>>(),
        )
        .len();
        let plen = target.saturating_sub(unpadded + 2);
        recs.push((1, vec![0; plen]));
    }
    recs.sort_by_key(|(t, _)| *t);
    calc::tlvs(
        &recs
            .iter()
            .map(|(t, v)| (*t, v.as_slice()))
            .collect::<Vec<_>>(),
    )
}

/// A path to build: its name, session key byte and hops (node key byte, clear data).
#[derive(Clone, Debug)]
pub struct PathDef {
    /// Stable name.
    pub name: &'static str,
    /// What it is.
    pub description: &'static str,
    /// `e_0 = [session; 32]`.
    pub session: u8,
    /// Hops: node key byte and clear `encrypted_data_tlv`.
    pub hops: Vec<(u8, Vec<u8>)>,
}

impl PathDef {
    /// The calculator's hops.
    pub fn blind(&self) -> Vec<calc::Hop> {
        let hops: Vec<(PublicKey, Vec<u8>)> = self
            .hops
            .iter()
            .map(|(n, d)| (node(*n), d.clone()))
            .collect();
        calc::blind(&key(self.session), &hops)
    }

    /// The `blinded_path` view, as JSON.
    pub fn view(&self) -> Value {
        calc::path_json(&node(self.hops[0].0), &self.blind())
    }

    /// The `blinded_path.build` input.
    pub fn build_input(&self) -> Value {
        json!({
            "session_key": hex::encode([self.session; 32]),
            "hops": self.hops.iter().map(|(n, d)| json!({
                "node_id": calc::ph(&node(*n)), "encrypted_data_tlvs": hex::encode(d),
            })).collect::<Vec<_>>(),
        })
    }
}

fn next_node(n: u8) -> (u64, Vec<u8>) {
    (4, node(n).serialize().to_vec())
}

/// Hops toward the holder, padded to one length; the last carries the context.
pub fn release_path(
    profile: &Profile,
    name: &'static str,
    description: &'static str,
    session: u8,
    route: &[u8],
    ctx: Vec<(u64, Vec<u8>)>,
) -> PathDef {
    let mut recs: Vec<Vec<(u64, Vec<u8>)>> = Vec::new();
    for w in route.windows(2) {
        recs.push(vec![next_node(w[1])]);
    }
    recs.push(ctx);
    let _ = profile;
    let longest = recs
        .iter()
        .map(|r| stream(r.clone(), None).len())
        .max()
        .unwrap_or(0);
    let target = (route.len() > 1).then_some(longest + 2);
    PathDef {
        name,
        description,
        session,
        hops: route
            .iter()
            .zip(recs)
            .map(|(n, r)| (*n, stream(r, target)))
            .collect(),
    }
}

/// The three release reply paths the holder hands out.
pub fn release_paths(profile: &Profile) -> Vec<PathDef> {
    use cast::*;
    let ctx = || context_records(profile, &CHANNEL_ID, HTLC_ID, &RELEASE_AUTH_KEY);
    vec![
        release_path(profile, "one-hop", "a one-hop release reply path: the holder is the introduction node", 0x71, &[HOLDER], ctx()),
        release_path(profile, "three-hops", "a release reply path A -> B -> holder, every hop's data padded to one length", 0x72, &[HOP_A, HOP_B, HOLDER], ctx()),
        release_path(profile, "dummy-hops", "a release reply path A -> holder followed by two dummy hops at the holder (next_node_id is the holder itself), padded", 0x73, &[HOP_A, HOLDER, HOLDER, HOLDER], ctx()),
    ]
}

/// A test vector.
#[allow(clippy::too_many_arguments)]
pub fn tv(
    id: impl Into<String>,
    description: impl Into<String>,
    requirements: &[&str],
    flags: &[&str],
    result: Verdict,
    op: &str,
    input: Value,
    expected: Expected,
    intermediates: Option<Value>,
) -> TestVector {
    TestVector {
        id: id.into(),
        description: description.into(),
        requirements: requirements.iter().map(|s| s.to_string()).collect(),
        flags: flags.iter().map(|s| s.to_string()).collect(),
        result,
        op: op.into(),
        input,
        expected,
        intermediates,
        comment: String::new(),
    }
}

/// An expected view.
pub fn view(v: Value) -> Expected {
    Expected {
        view: Some(v),
        reason: None,
        also_reasons: Vec::new(),
    }
}

/// An expected rejection.
pub fn reason(r: ReasonClass) -> Expected {
    Expected {
        view: None,
        reason: Some(r),
        also_reasons: Vec::new(),
    }
}

/// The reader's view of hop `i` of `hops` as the calculator derives it.
pub fn unblind_view(hops: &[calc::Hop], i: usize, node_key: &SecretKey) -> Value {
    let h = &hops[i];
    let (_, b, _, computed) = calc::reader(node_key, &h.big_e);
    let mut v = json!({
        "blinded_node_id": calc::ph(&calc::pk(&b)),
        "encrypted_data_tlvs": hex::encode(&h.plain),
    });
    let mut next = calc::ph(&computed);
    let mut rest = h.plain.as_slice();
    while !rest.is_empty() {
        let t = rest[0] as u64;
        let (t, rest2) = if rest[0] < 0xfd {
            (t, &rest[1..])
        } else {
            (u64::MAX, &rest[..0])
        };
        if t == u64::MAX {
            break;
        }
        let l = rest2[0] as usize;
        let (l, body) = if rest2[0] < 0xfd {
            (l, &rest2[1..])
        } else {
            (
                u16::from_be_bytes([rest2[1], rest2[2]]) as usize,
                &rest2[3..],
            )
        };
        let value = &body[..l];
        match t {
            2 => {
                let s = u64::from_be_bytes(value.try_into().expect("8 bytes"));
                v["short_channel_id"] = json!(format!(
                    "{}x{}x{}",
                    s >> 40,
                    (s >> 16) & 0xff_ffff,
                    s & 0xffff
                ));
            }
            4 => v["next_node_id"] = json!(hex::encode(value)),
            6 => v["path_id"] = json!(hex::encode(value)),
            8 => {
                v["next_path_key_override"] = json!(hex::encode(value));
                next = hex::encode(value);
            }
            _ => {}
        }
        rest = &body[l..];
    }
    v["next_path_key"] = json!(next);
    v
}

const R_WRITER_SECRETS: &str = "bolt4/reply-paths/writer/shared-secrets";
const R_WRITER_BLINDED_IDS: &str = "bolt4/reply-paths/writer/blinded-node-ids";
const R_WRITER_ENCRYPT: &str = "bolt4/reply-paths/writer/encrypt-chacha20poly1305";
const R_WRITER_PADDING: &str = "bolt4/reply-paths/writer/padding";
const R_WRITER_DUMMY: &str = "bolt4/reply-paths/writer/dummy-hops";
const R_WRITER_PATH_ID: &str = "bolt4/reply-paths/writer/path-id";
const R_READER_KEYS: &str = "bolt4/reply-paths/reader/compute-keys";
const R_READER_DECRYPT: &str = "bolt4/reply-paths/reader/decrypt";
const R_READER_REJECT: &str = "bolt4/reply-paths/reader/bad-encrypted-data";
const R_READER_NEXT_KEY: &str = "bolt4/reply-paths/reader/next-path-key";
const R_PATH_KEY_OVERRIDE: &str = "bolt4/reply-paths/reader/use-path-key-override";
/// The draft's requirement that each reply path carries the release context.
pub const R_RAA_RELEASE_TLV: &str = "bolt2/reply-paths/payer/release-held-htlc-in-encrypted-data";
/// Each reply path terminates at the holder and is unique.
pub const R_RAA_REPLY_PATH: &str = "bolt2/reply-paths/payer/unique-reply-path";
const R_OM_NEXT: &str = "bolt4/onion-messages/creator/next-hop";
const R_BOTH: &str = "bolt4/reply-paths/reader/payload-both-scid-and-node-id";
const R_PAYLOAD_ALLOWED: &str = "bolt4/reply-paths/reader/payload-unknown-allowed-feature";

/// The `reply_paths` area: release reply paths built and unblinded hop by hop.
pub fn generate(profile: &Profile) -> Option<VectorFile> {
    if !applies(profile) {
        return None;
    }
    let ctx_flag = context_flag(profile);
    let mut f = FileBuilder::new("reply_paths", &profile.name, SPEC_COMMIT);
    f.header("Release reply paths: blinded paths ending at the holding node (the payer's LSP) whose final encrypted_data_tlv carries the release context. Built with route blinding (BOLT 4) and unblinded hop by hop. Expected values come from the recipes' own calculator (vectors/generator/src/recipes/reply_paths.rs, module calc), which also reproduces the BOLT 4 upstream vectors.");
    f.note(
        "Valid",
        note(
            "Valid",
            "A correct construction or decryption: the view must match exactly.",
            None,
            &[],
        ),
    );
    f.note(&ctx_flag, note("DraftGap", if suite_context(profile) {
        "The release context's type (16) and contents (channel_id, htlc_id, and a path_id HMAC under the holder's release_auth_key) are the suite's choice: the draft names a release_held_htlc TLV in encrypted_data_tlvs but gives it no number and no contents. See vectors/release-context.md."
    } else {
        "The release context is implementation-private (LDK: encrypted_data TLV 65537, authenticated by LDK's own means); the vectors carry 40 opaque bytes there and check only the blinding around them."
    }, Some("An implementation with another context layout builds different bytes for the final hop; the blinding is still checked."), &[R_RAA_RELEASE_TLV]));
    f.note("DummyHops", note("Valid", "The path ends with dummy hops at the holder itself (next_node_id is its own id), which BOLT 4 lets the writer add to hide the path length.", None, &[R_WRITER_DUMMY]));
    f.note("ModifiedCiphertext", note("ModifiedCiphertext", "One bit of encrypted_recipient_data (ciphertext or Poly1305 tag) is flipped: ChaCha20-Poly1305 authentication must fail.", Some("Accepting it lets anyone alter routing instructions or the release context in transit."), &[R_READER_REJECT]));
    f.note("WrongPathKey", note("WrongPathKey", "The hop is handed another hop's path key: the shared secret and rho differ, so decryption must fail.", None, &[R_READER_KEYS, R_READER_REJECT]));
    f.note(
        "UnknownEvenType",
        note(
            "MalformedInput",
            "The decrypted encrypted_data_tlv carries an unknown even type (42).",
            Some("BOLT 4: a reader MUST return an error if it contains unknown even fields."),
            &[R_READER_REJECT],
        ),
    );
    f.note(
        "EmptyPath",
        note(
            "MalformedInput",
            "A blinded path with no hops.",
            Some("A reply path with no hops cannot be used to answer."),
            &[R_RAA_REPLY_PATH],
        ),
    );
    f.note("MalformedTlv", note("MalformedInput", "A known encrypted_data_tlv field of a length its type does not have.", Some("A reader that takes it as it is reads fees or constraints from bytes that are not there."), &["bolt1/tlv/reader/known-type-bad-length"]));
    f.note("UnknownAllowedFeature", note("MalformedInput", "A hop's encrypted_data_tlv has allowed_features with a bit set that BOLT 9 does not define there: an unknown feature bit, even if it is odd.", Some("A reader that skips the field accepts a path restricted to features it lacks."), &[R_PAYLOAD_ALLOWED]));
    f.note("BothNextHops", note("MalformedInput", "encrypted_data_tlv carries both next_node_id and short_channel_id.", Some("BOLT 4 (payments) requires an error; for onion messages the creator must include 'either' one, and the reader's choice of next peer becomes ambiguous."), &[R_BOTH, R_OM_NEXT]));
    f.note(
        "InvalidPoint",
        note(
            "MalformedInput",
            "The path key handed to the hop is not a valid point.",
            None,
            &[R_READER_KEYS],
        ),
    );

    for p in release_paths(profile) {
        let hops = p.blind();
        let mut flags = vec!["Valid", ctx_flag.as_str()];
        if p.name == "dummy-hops" {
            flags.push("DummyHops");
        }
        let mut reqs = vec![
            R_WRITER_SECRETS,
            R_WRITER_BLINDED_IDS,
            R_WRITER_ENCRYPT,
            R_RAA_RELEASE_TLV,
            R_RAA_REPLY_PATH,
        ];
        if suite_context(profile) {
            reqs.push(R_WRITER_PATH_ID);
        }
        if p.hops.len() > 1 {
            reqs.push(R_WRITER_PADDING);
        }
        if p.name == "dummy-hops" {
            reqs.push(R_WRITER_DUMMY);
        }
        let inter = json!({ "hops": hops.iter().enumerate().map(|(i, h)| h.json(&format!("hop{i}"))).collect::<Vec<_>>() });
        f.test(tv(
            format!("build-{}", p.name),
            format!("The holder builds {}.", p.description),
            &reqs,
            &flags,
            Verdict::Valid,
            "blinded_path.build",
            p.build_input(),
            view(p.view()),
            Some(inter),
        ));
        for (i, (n, _)) in p.hops.iter().enumerate() {
            let h = &hops[i];
            let who = if *n == cast::HOLDER {
                if i + 1 == p.hops.len() {
                    "the holder (final hop)"
                } else {
                    "the holder (dummy hop follows)"
                }
            } else {
                "a forwarding hop"
            };
            f.test(tv(
                format!("unblind-{}-hop{i}", p.name),
                format!("Hop {i} of the {} path, {who}, decrypts its data and derives the next path key.", p.name),
                &[R_READER_KEYS, R_READER_DECRYPT, R_READER_NEXT_KEY],
                &flags,
                Verdict::Valid,
                "blinded_path.unblind",
                json!({ "node_secret": hex::encode([*n; 32]), "path_key": calc::ph(&h.big_e), "encrypted_recipient_data": hex::encode(&h.enc) }),
                view(unblind_view(&hops, i, &key(*n))),
                Some(json!({ "shared_secret": hex::encode(h.ss), "rho": hex::encode(h.rho), "HMAC256('blinded_node_id', ss)": hex::encode(h.bf) })),
            ));
        }
    }

    // Invalid: byte-level mutation of the three-hop path.
    let p = &release_paths(profile)[1];
    let hops = p.blind();
    let unblind_input = |n: u8, e: &PublicKey, enc: &[u8]| json!({ "node_secret": hex::encode([n; 32]), "path_key": calc::ph(e), "encrypted_recipient_data": hex::encode(enc) });
    for (id, desc, byte, bit) in [
        (
            "tampered-ciphertext-bit",
            "the first ciphertext byte's lowest bit",
            0usize,
            0u8,
        ),
        (
            "tampered-tag-bit",
            "the last Poly1305 tag byte's highest bit",
            usize::MAX,
            7u8,
        ),
    ] {
        let mut enc = hops[0].enc.clone();
        let at = if byte == usize::MAX {
            enc.len() - 1
        } else {
            byte
        };
        enc[at] ^= 1 << bit;
        f.test(tv(id, format!("Hop A's encrypted_recipient_data of the three-hop release path with {desc} flipped."), &[R_READER_DECRYPT, R_READER_REJECT], &["ModifiedCiphertext"], Verdict::Invalid, "blinded_path.unblind", unblind_input(cast::HOP_A, &hops[0].big_e, &enc), reason(ReasonClass::DecryptionFailed), None));
    }
    let mut enc = hops[2].enc.clone();
    enc[40] ^= 0x01;
    f.test(tv(
        "tampered-holder-context",
        "The holder's own hop data (carrying the release context) with one bit flipped in transit.",
        &[R_READER_DECRYPT, R_READER_REJECT, R_RAA_RELEASE_TLV],
        &["ModifiedCiphertext"],
        Verdict::Invalid,
        "blinded_path.unblind",
        unblind_input(cast::HOLDER, &hops[2].big_e, &enc),
        reason(ReasonClass::DecryptionFailed),
        None,
    ));
    f.test(tv(
        "wrong-path-key",
        "Hop B is handed hop A's path key (E_0 instead of E_1), so its data does not decrypt.",
        &[R_READER_KEYS, R_READER_DECRYPT, R_READER_REJECT],
        &["WrongPathKey"],
        Verdict::Invalid,
        "blinded_path.unblind",
        unblind_input(cast::HOP_B, &hops[0].big_e, &hops[1].enc),
        reason(ReasonClass::DecryptionFailed),
        None,
    ));
    let mut bad_point = hops[1].big_e.serialize().to_vec();
    bad_point[0] = 0x05;
    f.test(tv("invalid-path-key-point", "The path key is not a valid point (prefix 0x05).", &[R_READER_KEYS], &["InvalidPoint"], Verdict::Invalid, "blinded_path.unblind", json!({ "node_secret": hex::encode([cast::HOP_B; 32]), "path_key": hex::encode(bad_point), "encrypted_recipient_data": hex::encode(&hops[1].enc) }), reason(ReasonClass::InvalidPoint), None));

    // Invalid: raw construction of hops whose clear data breaks a rule.
    for (id, desc, recs, flag, class, reqs) in [
        (
            "unknown-even-type",
            "A -> holder path whose hop A data carries next_node_id and an unknown even type 42.",
            vec![next_node(cast::HOLDER), (42u64, vec![1, 2, 3])],
            "UnknownEvenType",
            ReasonClass::UnknownEvenType,
            vec![R_READER_REJECT, "bolt1/tlv/reader/unknown-even"],
        ),
        (
            "next-node-and-scid",
            "A -> holder path whose hop A data carries both next_node_id and short_channel_id.",
            vec![
                (
                    2u64,
                    (700_000u64 << 40 | 1 << 16 | 1).to_be_bytes().to_vec(),
                ),
                next_node(cast::HOLDER),
            ],
            "BothNextHops",
            ReasonClass::InvalidEncryptedData,
            vec![R_BOTH, R_OM_NEXT],
        ),
    ] {
        let d = PathDef {
            name: "raw",
            description: "",
            session: 0x7e,
            hops: vec![
                (cast::HOP_A, stream(recs, None)),
                (
                    cast::HOLDER,
                    stream(
                        context_records(profile, &CHANNEL_ID, HTLC_ID, &RELEASE_AUTH_KEY),
                        None,
                    ),
                ),
            ],
        };
        let h = d.blind();
        f.test(tv(
            id,
            format!("{desc} Hop A unblinds it."),
            &reqs,
            &[flag],
            Verdict::Invalid,
            "blinded_path.unblind",
            unblind_input(cast::HOP_A, &h[0].big_e, &h[0].enc),
            reason(class),
            Some(json!({ "clear_data": hex::encode(&h[0].plain), "path": d.view() })),
        ));
    }
    // Hop A's data with one field varied, A -> holder; hop A unblinds it.
    // `rejection`: `None` for a valid case, else the reason and flag.
    let hop_a = |f: &mut FileBuilder,
                 (name, session): (&'static str, u8),
                 id: &str,
                 desc: &str,
                 recs: Vec<(u64, Vec<u8>)>,
                 reqs: &[&str],
                 rejection: Option<(ReasonClass, &str)>| {
        let d = PathDef {
            name,
            description: "",
            session,
            hops: vec![
                (cast::HOP_A, stream(recs, None)),
                (
                    cast::HOLDER,
                    stream(
                        context_records(profile, &CHANNEL_ID, HTLC_ID, &RELEASE_AUTH_KEY),
                        None,
                    ),
                ),
            ],
        };
        let h = d.blind();
        let (verdict, expected, flag) = match rejection {
            None => (
                Verdict::Valid,
                view(unblind_view(&h, 0, &key(cast::HOP_A))),
                "Valid",
            ),
            Some((class, flag)) => (Verdict::Invalid, reason(class), flag),
        };
        f.test(tv(
            id,
            format!("{desc} Hop A unblinds it."),
            reqs,
            &[flag],
            verdict,
            "blinded_path.unblind",
            unblind_input(cast::HOP_A, &h[0].big_e, &h[0].enc),
            expected,
            Some(json!({ "clear_data": hex::encode(&h[0].plain), "path": d.view() })),
        ));
    };
    const BAD_LEN: &str = "bolt1/tlv/reader/known-type-bad-length";
    let bad_len = Some((ReasonClass::InvalidValue, "MalformedTlv"));
    let unknown_bit = Some((ReasonClass::InvalidEncryptedData, "UnknownAllowedFeature"));
    let not_a_point = Some((ReasonClass::InvalidPoint, "InvalidPoint"));
    // The next hop by short_channel_id, and payment_relay /
    // payment_constraints of a length their types do not have.
    let fields = ("fields", 0x7b);
    let scid = (700_000u64 << 40 | 1 << 16 | 1).to_be_bytes().to_vec();
    hop_a(&mut f, fields, "next-hop-by-short-channel-id", "A -> holder path whose hop A data names the next hop by short_channel_id 700000x1x1 instead of next_node_id.", vec![(2u64, scid)], &[R_READER_DECRYPT, R_OM_NEXT], None);
    hop_a(&mut f, fields, "payment-relay-short", "A -> holder path whose hop A data carries next_node_id and a payment_relay of 5 bytes (cltv_expiry_delta and fee_proportional_millionths take 6).", vec![next_node(cast::HOLDER), (10u64, vec![0, 0x90, 0, 0, 0])], &[BAD_LEN], bad_len);
    hop_a(&mut f, fields, "payment-constraints-short", "A -> holder path whose hop A data carries next_node_id and a payment_constraints of 3 bytes (max_cltv_expiry takes 4).", vec![next_node(cast::HOLDER), (12u64, vec![0, 0x0c, 0x35])], &[BAD_LEN], bad_len);
    // allowed_features: BOLT 9 defines no feature for the field, so any set
    // bit is unknown; an empty field is read as an empty one.
    let features = ("allowed-features", 0x7c);
    hop_a(
        &mut f,
        features,
        "allowed-features-empty",
        "A -> holder path whose hop A data carries next_node_id and an empty allowed_features.",
        vec![next_node(cast::HOLDER), (14u64, vec![])],
        &[R_PAYLOAD_ALLOWED],
        None,
    );
    hop_a(&mut f, features, "allowed-features-unknown-bit", "A -> holder path whose hop A data carries next_node_id and allowed_features with bit 1 (odd) set, a bit no reader knows there.", vec![next_node(cast::HOLDER), (14u64, vec![0x02])], &[R_PAYLOAD_ALLOWED], unknown_bit);
    // next_path_key_override: hop A hands hop B another path key than the
    // one computed (BOLT 4 has the reader use it); one that is not a point
    // cannot be used.
    let over = ("override", 0x7d);
    hop_a(&mut f, over, "path-key-override", "A -> holder path whose hop A data carries next_node_id and next_path_key_override (the point of 0x77..): the next path key is the override, not the computed one.", vec![next_node(cast::HOLDER), (8u64, node(0x77).serialize().to_vec())], &[R_PATH_KEY_OVERRIDE], None);
    hop_a(&mut f, over, "path-key-override-not-a-point", "A -> holder path whose hop A data carries next_node_id and a next_path_key_override of 33 bytes that are not a point (prefix 0x05).", vec![next_node(cast::HOLDER), (8u64, [&[0x05u8][..], &[0x77; 32][..]].concat())], &[R_PATH_KEY_OVERRIDE], not_a_point);
    // A segment whose last hop joins another blinded path: its data names
    // the next node and that path's first path key (BOLT 4's
    // next_path_key_override), which the builder encrypts as given.
    let seg = PathDef {
        name: "segment-with-override",
        description: "",
        session: 0x79,
        hops: vec![
            (cast::HOP_A, stream(vec![next_node(cast::HOP_B)], None)),
            (
                cast::HOP_B,
                stream(
                    vec![
                        next_node(cast::HOLDER),
                        (8u64, node(0x77).serialize().to_vec()),
                    ],
                    None,
                ),
            ),
        ],
    };
    f.test(tv(
        "build-segment-with-override",
        "A builds a two-hop segment A -> B whose last hop joins another blinded path: B's data names the next node and, as next_path_key_override, that path's first path key.",
        &[R_WRITER_SECRETS, R_WRITER_BLINDED_IDS, R_WRITER_ENCRYPT],
        &["Valid"],
        Verdict::Valid,
        "blinded_path.build",
        seg.build_input(),
        view(seg.view()),
        None,
    ));
    // The longest path a blinded_path can carry: num_hops is one byte.
    let longest = PathDef {
        name: "255-hops",
        description: "",
        session: 0x78,
        // Keys [b; 32] exist for b = 1..=254 only: the last hop is node 1 again.
        hops: (0..255u16)
            .map(|i| {
                let n = |i: u16| (i % 254 + 1) as u8;
                let data = if i < 254 {
                    vec![next_node(n(i + 1))]
                } else {
                    vec![]
                };
                (n(i), stream(data, None))
            })
            .collect(),
    };
    f.test(tv(
        "build-255-hops",
        "A path of 255 hops (nodes 1 to 254, then node 1 again; each names the next), the most num_hops can count.",
        &[R_WRITER_SECRETS, R_WRITER_BLINDED_IDS, R_WRITER_ENCRYPT],
        &["Valid"],
        Verdict::Valid,
        "blinded_path.build",
        longest.build_input(),
        view(longest.view()),
        None,
    ));
    f.test(tv(
        "build-no-hops",
        "The holder is asked to build a reply path with no hops.",
        &[
            R_RAA_REPLY_PATH,
            "bolt2/reply-paths/holding-node/release-message-paths",
        ],
        &["EmptyPath"],
        Verdict::Invalid,
        "blinded_path.build",
        json!({ "session_key": hex::encode([0x71u8; 32]), "hops": [] }),
        reason(ReasonClass::InvalidBlindedPath),
        None,
    ));
    Some(f.finish())
}
