//! Reply paths for `release_held_htlc`: recipes (see below) and the calculator.

/// The recipes' own transcription of BOLT 4's formulas, written apart from
/// the reference model so that a vector's expectation is not the output of
/// the code it checks. It shares only the primitive calls (SHA-256, HMAC,
/// secp256k1 point and scalar multiplication, ChaCha20 and
/// ChaCha20-Poly1305 through `asyncpay_reference::crypto`'s one-line
/// wrappers). Both it and the reference must reproduce the upstream bolts
/// vectors (`harness/src/upstream/bolt04.rs` checks both).
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
