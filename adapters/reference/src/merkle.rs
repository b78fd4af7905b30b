//! BOLT 12 Merkle tree and signatures ("Signature Calculation").
//!
//! BOLT 12: "we define H(`tag`,`msg`) as SHA256(SHA256(`tag`) ||
//! SHA256(`tag`) || `msg`), and SIG(`tag`,`msg`,`key`) as the signature of
//! H(`tag`,`msg`) using `key`." The leaves are, for each non-signature TLV in
//! ascending order, H("LnLeaf", tlv) and H("LnNonce"||first-tlv, tlv-type);
//! inner nodes are H("LnBranch", lesser||greater). "If there is not exactly a
//! power of 2 leaves, then the tree depth will be uneven, with the deepest
//! tree on the lowest-order leaves."
//!
//! [`tree`] returns the root and every intermediate value (leaf hashes,
//! nonce hashes, leaf-pair branches and inner branches) so vectors can show
//! them and the upstream `signature-test.json` can be checked one by one.
//!
//! Signing uses BIP340 through `secp256k1` **without auxiliary randomness**
//! (`sign_schnorr_no_aux_rand`, libsecp256k1 with a NULL `aux_rand32`): the
//! output is a deterministic function of key and message, so encodings made
//! by the suite compare byte for byte. BIP340 allows this; verification is
//! unaffected.

use crate::tlv;
use asyncpay_adapter::{ReasonClass, Rejection};
use bitcoin_hashes::{sha256, Hash, HashEngine};
use secp256k1::{schnorr, Keypair, Message, SecretKey, XOnlyPublicKey, SECP256K1};

/// First type of the signature range (inclusive).
pub const SIGNATURE_RANGE_START: u64 = 240;
/// Last type of the signature range (inclusive).
pub const SIGNATURE_RANGE_END: u64 = 1000;

/// True for types in the signature range 240 to 1000, which the Merkle tree leaves out.
pub fn is_signature_type(t: u64) -> bool {
    (SIGNATURE_RANGE_START..=SIGNATURE_RANGE_END).contains(&t)
}

/// H(tag, msg) = SHA256(SHA256(tag) || SHA256(tag) || msg).
pub fn tagged_hash(tag: &[u8], msg: &[u8]) -> [u8; 32] {
    let t = sha256::Hash::hash(tag).to_byte_array();
    let mut e = sha256::HashEngine::default();
    e.input(&t);
    e.input(&t);
    e.input(msg);
    sha256::Hash::from_engine(e).to_byte_array()
}

/// H("LnBranch", lesser || greater).
pub fn branch(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    let mut m = [0u8; 64];
    m[..32].copy_from_slice(lo);
    m[32..].copy_from_slice(hi);
    tagged_hash(b"LnBranch", &m)
}

/// The values computed for one TLV record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeafValues {
    /// The TLV type.
    pub tlv_type: u64,
    /// The whole record (type, length, value).
    pub tlv: Vec<u8>,
    /// H("LnLeaf", tlv).
    pub leaf: [u8; 32],
    /// H("LnNonce" || first-tlv, tlv-type), the type as its BigSize bytes.
    pub nonce: [u8; 32],
    /// H("LnBranch", leaf and nonce, sorted).
    pub branch: [u8; 32],
}

/// One inner branch: H("LnBranch", lesser || greater).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchValues {
    /// The lesser child.
    pub lesser: [u8; 32],
    /// The greater child.
    pub greater: [u8; 32],
    /// The branch hash.
    pub hash: [u8; 32],
}

/// A Merkle tree with every intermediate value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tree {
    /// The numerically-first TLV record (raw), used in every nonce tag.
    pub first_tlv: Vec<u8>,
    /// One entry per non-signature record, in stream order.
    pub leaves: Vec<LeafValues>,
    /// The inner branches, in the order they are computed (level by level,
    /// lowest-order first).
    pub branches: Vec<BranchValues>,
    /// The root.
    pub root: [u8; 32],
}

/// The Merkle tree of a TLV stream's records (type, raw record), skipping
/// signature-range types. `None` when there is no non-signature record.
pub fn tree_of_records<'a>(records: impl IntoIterator<Item = (u64, &'a [u8])>) -> Option<Tree> {
    let recs: Vec<(u64, &[u8])> = records
        .into_iter()
        .filter(|(t, _)| !is_signature_type(*t))
        .collect();
    let first_tlv = recs.first()?.1.to_vec();
    let mut nonce_tag = b"LnNonce".to_vec();
    nonce_tag.extend_from_slice(&first_tlv);
    let leaves: Vec<LeafValues> = recs
        .iter()
        .map(|(t, raw)| {
            let leaf = tagged_hash(b"LnLeaf", raw);
            let nonce = tagged_hash(&nonce_tag, &crate::bigsize::to_vec(*t));
            LeafValues {
                tlv_type: *t,
                tlv: raw.to_vec(),
                leaf,
                nonce,
                branch: branch(&leaf, &nonce),
            }
        })
        .collect();
    let mut hashes: Vec<[u8; 32]> = leaves.iter().map(|l| l.branch).collect();
    let mut branches = Vec::new();
    let n = hashes.len();
    let mut step = 1;
    while step < n {
        let mut i = 0;
        while i + step < n {
            let (a, b) = (hashes[i], hashes[i + step]);
            let h = branch(&a, &b);
            let (lesser, greater) = if a <= b { (a, b) } else { (b, a) };
            branches.push(BranchValues {
                lesser,
                greater,
                hash: h,
            });
            hashes[i] = h;
            i += 2 * step;
        }
        step *= 2;
    }
    Some(Tree {
        first_tlv,
        leaves,
        branches,
        root: hashes[0],
    })
}

/// The Merkle tree of a whole TLV stream (parsed with the BOLT 1 rules).
pub fn tree(stream: &[u8]) -> Result<Option<Tree>, Rejection> {
    let s = tlv::parse(stream).map_err(|e| Rejection::new(e.class(), e.to_string()))?;
    Ok(tree_of_records(
        s.records.iter().map(|r| (r.tlv_type, r.raw)),
    ))
}

/// The signature tag: "lightning" || `messagename` || `fieldname`.
pub fn signature_tag(message_name: &str, field_name: &str) -> Vec<u8> {
    let mut t = b"lightning".to_vec();
    t.extend_from_slice(message_name.as_bytes());
    t.extend_from_slice(field_name.as_bytes());
    t
}

/// The digest signed: H(tag, merkle_root).
pub fn signature_digest(tag: &[u8], root: &[u8; 32]) -> [u8; 32] {
    tagged_hash(tag, root)
}

/// SIG(tag, root, key): BIP340 without auxiliary randomness (deterministic).
pub fn sign(tag: &[u8], root: &[u8; 32], key: &SecretKey) -> [u8; 64] {
    let msg = Message::from_digest(signature_digest(tag, root));
    let kp = Keypair::from_secret_key(SECP256K1, key);
    SECP256K1.sign_schnorr_no_aux_rand(&msg, &kp).serialize()
}

/// Verify a BIP340 signature over H(tag, root) with the x-only part of a
/// compressed point `pubkey` (33 bytes).
pub fn verify(tag: &[u8], root: &[u8; 32], sig: &[u8], pubkey: &[u8]) -> Result<(), Rejection> {
    let bad = |d: String| Rejection::new(ReasonClass::InvalidSignature, d);
    let sig = schnorr::Signature::from_slice(sig)
        .map_err(|e| bad(format!("not a BIP340 signature: {e}")))?;
    let pk = crate::wire::check_point(pubkey, "signing key")?;
    let (xonly, _): (XOnlyPublicKey, _) = pk.x_only_public_key();
    let msg = Message::from_digest(signature_digest(tag, root));
    SECP256K1
        .verify_schnorr(&sig, &msg, &xonly)
        .map_err(|e| bad(format!("signature does not verify: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> [u8; 32] {
        hex::decode(s).unwrap().try_into().unwrap()
    }

    // BOLT 12 signature-test.json, "n1 test, tlv1 = 1000, tlv2 = 1x2x3, tlv3 = ...".
    #[test]
    fn three_leaves_uneven() {
        let stream = hex::decode(concat!(
            "010203e8",
            "02080000010000020003",
            "03310266e4598d1d3c415f572a8488830b60f7e744ed9235eb0b1ba93283b315c0351800000000000000010000000000000002"
        ))
        .unwrap();
        let t = tree(&stream).unwrap().unwrap();
        assert_eq!(t.leaves.len(), 3);
        assert_eq!(
            t.leaves[0].leaf,
            h("67a2a995433890d8fe0c18a1765ad19e98f1fcfeff14c13a45bbc80964a78cf7")
        );
        assert_eq!(
            t.leaves[2].nonce,
            h("068cf6e9d2db9258a6c1d3304a8f2e9d4d046ea711664c9a96960234f707a084")
        );
        assert_eq!(t.branches.len(), 2);
        assert_eq!(
            t.root,
            h("ab2e79b1283b0b31e0b035258de23782df6b89a38cfa7237bde69aed1a658c5d")
        );
    }

    #[test]
    fn signature_range_is_skipped_and_sign_verifies() {
        let mut s = hex::decode("010203e8").unwrap();
        let root = tree(&s).unwrap().unwrap().root;
        let key = SecretKey::from_slice(&[0x41; 32]).unwrap();
        let tag = signature_tag("static_invoice", "signature");
        let sig = sign(&tag, &root, &key);
        assert_eq!(sig, sign(&tag, &root, &key), "deterministic");
        tlv::write_record(&mut s, 240, &sig);
        assert_eq!(tree(&s).unwrap().unwrap().root, root);
        let pk = key.public_key(SECP256K1).serialize();
        assert!(verify(&tag, &root, &sig, &pk).is_ok());
        let other = signature_tag("invoice", "signature");
        assert_eq!(
            verify(&other, &root, &sig, &pk).unwrap_err().reason,
            ReasonClass::InvalidSignature
        );
    }

    #[test]
    fn empty_stream_has_no_tree() {
        assert_eq!(tree(&[]).unwrap(), None);
    }
}
