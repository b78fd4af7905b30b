//! The recipes' own static invoice writer: plain TLV serialisation of the
//! declared fields, the BOLT 12 Merkle construction and BIP340 signing,
//! written from the spec text apart from the reference model (whose writer,
//! `asyncpay_reference::static_invoice`, `merkle` and `tlv`, is code under
//! test). The `static_invoice` recipe takes every expected byte string,
//! Merkle root and signature from here, so the reference's writer and reader
//! can both fail its vectors.
//!
//! It shares nothing with the reference but the primitive crates: SHA-256
//! (`bitcoin_hashes`), BIP340 signing (`secp256k1` directly) and the
//! recipes' BigSize ([`super::reply_paths::calc::bigsize`]). The Merkle tree
//! is built recursively (split at the largest power of two below the number
//! of leaves), not by the reference's level-by-level pairing; both give the
//! shape the spec describes ("If there is not exactly a power of 2 leaves,
//! then the tree depth will be uneven, with the deepest tree on the
//! lowest-order leaves").
//!
//! The unit tests check it against the bolts repository's own BOLT 12
//! vectors (`vectors/upstream/bolt12`): every leaf, nonce, branch, root and
//! signature of `signature-test.json` (the `invoice_request` entry also
//! written from its declared fields), and the offer fields of every valid
//! entry of `offers-test.json` it can write from the entry's description.

use super::reply_paths::calc::bigsize;
use asyncpay_adapter::blinding::BlindedPathView;
use asyncpay_adapter::invoice::{BlindedPayInfo, InvoiceFields, OfferFields, TlvRecord};
use bitcoin_hashes::{sha256, Hash, HashEngine};
use secp256k1::{Keypair, Message, SecretKey, SECP256K1};

/// The bitcoin chain hash as BOLT 12 writes it (BOLT 0 `chain_hash`).
pub const BITCOIN_CHAIN: &str = "6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000";

/// `offer_chains`.
pub const OFFER_CHAINS: u64 = 2;
/// `offer_metadata`.
pub const OFFER_METADATA: u64 = 4;
/// `offer_currency`.
pub const OFFER_CURRENCY: u64 = 6;
/// `offer_amount`.
pub const OFFER_AMOUNT: u64 = 8;
/// `offer_description`.
pub const OFFER_DESCRIPTION: u64 = 10;
/// `offer_features`.
pub const OFFER_FEATURES: u64 = 12;
/// `offer_absolute_expiry`.
pub const OFFER_ABSOLUTE_EXPIRY: u64 = 14;
/// `offer_paths`.
pub const OFFER_PATHS: u64 = 16;
/// `offer_issuer`.
pub const OFFER_ISSUER: u64 = 18;
/// `offer_quantity_max`.
pub const OFFER_QUANTITY_MAX: u64 = 20;
/// `offer_issuer_id`.
pub const OFFER_ISSUER_ID: u64 = 22;
/// `invoice_paths`.
pub const INVOICE_PATHS: u64 = 160;
/// `invoice_blindedpay`.
pub const INVOICE_BLINDEDPAY: u64 = 162;
/// `invoice_created_at`.
pub const INVOICE_CREATED_AT: u64 = 164;
/// `invoice_relative_expiry`.
pub const INVOICE_RELATIVE_EXPIRY: u64 = 166;
/// `invoice_payment_hash`.
pub const INVOICE_PAYMENT_HASH: u64 = 168;
/// `invoice_amount`.
pub const INVOICE_AMOUNT: u64 = 170;
/// `invoice_fallbacks`.
pub const INVOICE_FALLBACKS: u64 = 172;
/// `invoice_features`.
pub const INVOICE_FEATURES: u64 = 174;
/// `invoice_node_id`.
pub const INVOICE_NODE_ID: u64 = 176;
/// `signature`.
pub const SIGNATURE: u64 = 240;
/// The `messagename` of a static invoice ("lightning" || "static_invoice" || "signature").
pub const MESSAGE_NAME: &str = "static_invoice";

/// One TLV record: its type and value.
pub type Record = (u64, Vec<u8>);

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap_or_else(|e| panic!("recipe field {s:?} is not hex: {e}"))
}

/// `tu64`: big-endian with leading zero bytes omitted (0 is empty).
pub fn tu64(v: u64) -> Vec<u8> {
    let n = (64 - v.leading_zeros()).div_ceil(8) as usize;
    v.to_be_bytes()[8 - n..].to_vec()
}

/// One whole record: BigSize type, BigSize length, value.
pub fn record(t: u64, v: &[u8]) -> Vec<u8> {
    let mut out = bigsize(t);
    out.extend(bigsize(v.len() as u64));
    out.extend_from_slice(v);
    out
}

/// The records written one after the other, in the order given.
pub fn stream(records: &[Record]) -> Vec<u8> {
    records.iter().flat_map(|(t, v)| record(*t, v)).collect()
}

/// `blinded_path` (BOLT 4): `first_node_id` (`sciddir_or_pubkey`, written as
/// given), `first_path_key`, `num_hops` (byte), then per hop
/// `blinded_node_id`, `enclen` (u16) and `encrypted_recipient_data`.
pub fn blinded_path(p: &BlindedPathView) -> Vec<u8> {
    let mut out = unhex(&p.first_node_id);
    out.extend(unhex(&p.first_path_key));
    out.push(u8::try_from(p.hops.len()).expect("at most 255 hops"));
    for hop in &p.hops {
        out.extend(unhex(&hop.blinded_node_id));
        let data = unhex(&hop.encrypted_recipient_data);
        out.extend(u16::try_from(data.len()).expect("short data").to_be_bytes());
        out.extend(data);
    }
    out
}

/// `...*blinded_path`.
pub fn blinded_paths(paths: &[BlindedPathView]) -> Vec<u8> {
    paths.iter().flat_map(blinded_path).collect()
}

/// `...*blinded_payinfo` (BOLT 12): `fee_base_msat` (u32),
/// `fee_proportional_millionths` (u32), `cltv_expiry_delta` (u16),
/// `htlc_minimum_msat` (u64), `htlc_maximum_msat` (u64), `flen` (u16),
/// `features`.
pub fn payinfos(infos: &[BlindedPayInfo]) -> Vec<u8> {
    let mut out = Vec::new();
    for i in infos {
        out.extend(i.fee_base_msat.to_be_bytes());
        out.extend(i.fee_proportional_millionths.to_be_bytes());
        out.extend(i.cltv_expiry_delta.to_be_bytes());
        out.extend(i.htlc_minimum_msat.to_be_bytes());
        out.extend(i.htlc_maximum_msat.to_be_bytes());
        let f = unhex(&i.features);
        out.extend(
            u16::try_from(f.len())
                .expect("short features")
                .to_be_bytes(),
        );
        out.extend(f);
    }
    out
}

/// The offer records (types 2 to 22) of the declared fields, in type order.
pub fn offer_records(o: &OfferFields) -> Vec<Record> {
    let mut out = Vec::new();
    let mut put = |t: u64, v: Option<Vec<u8>>| {
        if let Some(v) = v {
            out.push((t, v));
        }
    };
    put(
        OFFER_CHAINS,
        o.chains
            .as_ref()
            .map(|c| c.iter().flat_map(|h| unhex(h)).collect()),
    );
    put(OFFER_METADATA, o.metadata.as_deref().map(unhex));
    put(
        OFFER_CURRENCY,
        o.currency.as_ref().map(|s| s.as_bytes().into()),
    );
    put(OFFER_AMOUNT, o.amount.map(tu64));
    put(
        OFFER_DESCRIPTION,
        o.description.as_ref().map(|s| s.as_bytes().into()),
    );
    put(OFFER_FEATURES, o.features.as_deref().map(unhex));
    put(OFFER_ABSOLUTE_EXPIRY, o.absolute_expiry.map(tu64));
    put(OFFER_PATHS, o.paths.as_deref().map(blinded_paths));
    put(OFFER_ISSUER, o.issuer.as_ref().map(|s| s.as_bytes().into()));
    put(OFFER_QUANTITY_MAX, o.quantity_max.map(tu64));
    put(OFFER_ISSUER_ID, o.issuer_id.as_deref().map(unhex));
    out
}

/// The invoice records (types 160 to 176, and `static_invoice_message_paths`
/// at `message_paths_type`) of the declared fields, in type order.
pub fn invoice_records(i: &InvoiceFields, message_paths_type: u64) -> Vec<Record> {
    let mut out = Vec::new();
    let mut put = |t: u64, v: Option<Vec<u8>>| {
        if let Some(v) = v {
            out.push((t, v));
        }
    };
    put(INVOICE_PATHS, i.paths.as_deref().map(blinded_paths));
    put(INVOICE_BLINDEDPAY, i.blindedpay.as_deref().map(payinfos));
    put(INVOICE_CREATED_AT, i.created_at.map(tu64));
    put(
        INVOICE_RELATIVE_EXPIRY,
        i.relative_expiry.map(|s| tu64(u64::from(s))),
    );
    put(INVOICE_PAYMENT_HASH, i.payment_hash.as_deref().map(unhex));
    put(INVOICE_AMOUNT, i.amount.map(tu64));
    put(INVOICE_FALLBACKS, i.fallbacks.as_deref().map(unhex));
    put(INVOICE_FEATURES, i.features.as_deref().map(unhex));
    put(INVOICE_NODE_ID, i.node_id.as_deref().map(unhex));
    put(
        message_paths_type,
        i.message_paths.as_deref().map(blinded_paths),
    );
    out
}

/// Every unsigned record of a static invoice: the offer and invoice fields
/// and the `extra` records, sorted by type (a stable sort, so equal types
/// keep their order).
pub fn unsigned_records(
    offer: &OfferFields,
    invoice: &InvoiceFields,
    extra: &[TlvRecord],
    message_paths_type: u64,
) -> Vec<Record> {
    let mut recs = offer_records(offer);
    recs.extend(invoice_records(invoice, message_paths_type));
    recs.extend(extra.iter().map(|r| (r.tlv_type, unhex(&r.hex))));
    recs.sort_by_key(|(t, _)| *t);
    recs
}

/// H(`tag`, `msg`) = SHA256(SHA256(`tag`) || SHA256(`tag`) || `msg`).
pub fn tagged_hash(tag: &[u8], msg: &[u8]) -> [u8; 32] {
    let t = sha256::Hash::hash(tag).to_byte_array();
    let mut e = sha256::Hash::engine();
    e.input(&t);
    e.input(&t);
    e.input(msg);
    sha256::Hash::from_engine(e).to_byte_array()
}

/// H("LnBranch", lesser || greater).
fn branch_hash(a: &[u8; 32], b: &[u8; 32]) -> Branch {
    let (lesser, greater) = if a < b { (*a, *b) } else { (*b, *a) };
    Branch {
        lesser,
        greater,
        hash: tagged_hash(b"LnBranch", &[lesser, greater].concat()),
    }
}

/// One Merkle leaf pair: the record, its leaf, its nonce leaf and their branch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leaf {
    /// The TLV type.
    pub tlv_type: u64,
    /// The whole record.
    pub tlv: Vec<u8>,
    /// H("LnLeaf", tlv).
    pub leaf: [u8; 32],
    /// H("LnNonce" || first-tlv, tlv-type).
    pub nonce: [u8; 32],
    /// H("LnBranch", leaf and nonce in order).
    pub branch: [u8; 32],
}

/// One inner node: H("LnBranch", lesser || greater).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Branch {
    /// The lesser child.
    pub lesser: [u8; 32],
    /// The greater child.
    pub greater: [u8; 32],
    /// The node's hash.
    pub hash: [u8; 32],
}

/// A Merkle tree and every value computed on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerkleTree {
    /// The numerically-first record of the stream, in every nonce tag.
    pub first_tlv: Vec<u8>,
    /// One pair per non-signature record, in stream order.
    pub leaves: Vec<Leaf>,
    /// The inner nodes above the leaf pairs, lowest level first and, within
    /// a level, lowest-order leaves first.
    pub branches: Vec<Branch>,
    /// The root.
    pub root: [u8; 32],
}

/// True for the signature TLV elements, types 240 through 1000 (inclusive),
/// which are not leaves.
pub fn is_signature_element(t: u64) -> bool {
    (240..=1000).contains(&t)
}

/// The root of `nodes` (the leaf pairs of one subtree) and its inner nodes,
/// each with its level (the ceiling of log2 of its subtree's size) and its
/// first leaf's index, for ordering.
fn subtree(nodes: &[[u8; 32]], first: usize, out: &mut Vec<(u32, usize, Branch)>) -> [u8; 32] {
    let n = nodes.len();
    if n == 1 {
        return nodes[0];
    }
    // The left subtree holds the largest power of two below n leaves, so
    // the deepest part of the tree is on the lowest-order leaves.
    let left = 1usize << (usize::BITS - 1 - (n - 1).leading_zeros());
    let a = subtree(&nodes[..left], first, out);
    let b = subtree(&nodes[left..], first + left, out);
    let node = branch_hash(&a, &b);
    let hash = node.hash;
    out.push((n.next_power_of_two().trailing_zeros(), first, node));
    hash
}

/// The Merkle tree of `records` (in stream order), leaving out the
/// signature elements. `None` when no record is a leaf.
pub fn merkle(records: &[Record]) -> Option<MerkleTree> {
    let (ft, fv) = records.iter().min_by_key(|(t, _)| *t)?;
    let first_tlv = record(*ft, fv);
    let nonce_tag = [b"LnNonce".as_slice(), &first_tlv].concat();
    let leaves: Vec<Leaf> = records
        .iter()
        .filter(|(t, _)| !is_signature_element(*t))
        .map(|(t, v)| {
            let tlv = record(*t, v);
            let leaf = tagged_hash(b"LnLeaf", &tlv);
            let nonce = tagged_hash(&nonce_tag, &bigsize(*t));
            Leaf {
                tlv_type: *t,
                branch: branch_hash(&leaf, &nonce).hash,
                tlv,
                leaf,
                nonce,
            }
        })
        .collect();
    if leaves.is_empty() {
        return None;
    }
    let pairs: Vec<[u8; 32]> = leaves.iter().map(|l| l.branch).collect();
    let mut inner = Vec::new();
    let root = subtree(&pairs, 0, &mut inner);
    inner.sort_by_key(|(level, first, _)| (*level, *first));
    Some(MerkleTree {
        first_tlv,
        leaves,
        branches: inner.into_iter().map(|(_, _, b)| b).collect(),
        root,
    })
}

/// The signature tag "lightning" || `message_name` || "signature".
pub fn signature_tag(message_name: &str) -> Vec<u8> {
    [
        b"lightning".as_slice(),
        message_name.as_bytes(),
        b"signature",
    ]
    .concat()
}

/// SIG(tag, root, key): BIP340 over H(tag, root), without auxiliary
/// randomness (libsecp256k1 with a NULL `aux_rand32`), so deterministic.
pub fn sign(message_name: &str, root: &[u8; 32], key: &SecretKey) -> [u8; 64] {
    let digest = tagged_hash(&signature_tag(message_name), root);
    let keypair = Keypair::from_secret_key(SECP256K1, key);
    SECP256K1
        .sign_schnorr_no_aux_rand(&Message::from_digest(digest), &keypair)
        .serialize()
}

/// `records` (in the order wanted) with a `signature` record over their
/// Merkle root inserted before the first record of a greater type. Any
/// signature record already there stays (callers remove it first).
pub fn sign_records(records: &[Record], message_name: &str, key: &SecretKey) -> Vec<Record> {
    let tree = merkle(records).expect("a static invoice has records to sign");
    let sig = sign(message_name, &tree.root, key);
    let at = records
        .iter()
        .position(|(t, _)| *t > SIGNATURE)
        .unwrap_or(records.len());
    let mut out = records.to_vec();
    out.insert(at, (SIGNATURE, sig.to_vec()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use secp256k1::{schnorr, PublicKey};
    use serde_json::Value;

    fn upstream(file: &str) -> Vec<Value> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../upstream/bolt12")
            .join(file);
        let text = std::fs::read_to_string(&path).expect("upstream vectors");
        serde_json::from_str(&text).expect("json")
    }

    fn key(b: u8) -> SecretKey {
        SecretKey::from_slice(&[b; 32]).expect("key")
    }

    fn pk(b: u8) -> String {
        hex::encode(PublicKey::from_secret_key(SECP256K1, &key(b)).serialize())
    }

    /// Read one BigSize, for splitting upstream's TLVs (tests only).
    fn read_bigsize(b: &[u8]) -> (u64, usize) {
        match b[0] {
            0xfd => (u64::from(u16::from_be_bytes([b[1], b[2]])), 3),
            0xfe => (u64::from(u32::from_be_bytes([b[1], b[2], b[3], b[4]])), 5),
            0xff => (u64::from_be_bytes(b[1..9].try_into().expect("8")), 9),
            x => (u64::from(x), 1),
        }
    }

    /// One whole upstream TLV as (type, value).
    fn split(tlv: &[u8]) -> Record {
        let (t, a) = read_bigsize(tlv);
        let (l, b) = read_bigsize(&tlv[a..]);
        let v = tlv[a + b..].to_vec();
        assert_eq!(v.len() as u64, l, "upstream TLV {}", hex::encode(tlv));
        (t, v)
    }

    /// The value of the one key of `obj` starting with `prefix`, and the hex
    /// inside the key's parentheses after the prefix.
    fn keyed<'a>(obj: &'a Value, prefix: &str) -> (String, &'a str) {
        let (k, v) = obj
            .as_object()
            .expect("object")
            .iter()
            .find(|(k, _)| k.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in {obj}"));
        let inside = k[prefix.len()..].trim_end_matches(')').to_string();
        (inside, v.as_str().expect("hex"))
    }

    #[test]
    fn tu64_and_bigsize_are_minimal() {
        assert_eq!(tu64(0), Vec::<u8>::new());
        assert_eq!(tu64(1), vec![1]);
        assert_eq!(tu64(0x100), vec![1, 0]);
        assert_eq!(tu64(u64::MAX), vec![0xff; 8]);
        assert_eq!(record(3_000_000_001, &[7]), {
            let mut r = vec![0xfe];
            r.extend(3_000_000_001u32.to_be_bytes());
            r.extend([1, 7]);
            r
        });
    }

    /// BOLT 12's blinded_payinfo layout, field by field from the spec's table.
    #[test]
    fn payinfo_layout() {
        let p = BlindedPayInfo {
            fee_base_msat: 0x0102_0304,
            fee_proportional_millionths: 0x0506_0708,
            cltv_expiry_delta: 0x090a,
            htlc_minimum_msat: 0x0b,
            htlc_maximum_msat: 0x0c0d,
            features: "0e0f".into(),
        };
        let want = "01020304 05060708 090a 000000000000000b 0000000000000c0d 0002 0e0f";
        assert_eq!(hex::encode(payinfos(&[p])), want.replace(' ', ""));
    }

    /// Every leaf, nonce, branch and root of `signature-test.json`, from the
    /// entry's TLVs re-encoded by this writer; the signature re-made with the
    /// key its comment names.
    #[test]
    fn merkle_and_signature_match_upstream_signature_test() {
        let entries = upstream("signature-test.json");
        assert_eq!(entries.len(), 4, "signature-test.json changed");
        let mut signatures = 0;
        for e in &entries {
            let name = e["comment"].as_str().expect("comment");
            let leaves = e["leaves"].as_array().expect("leaves");
            let records: Vec<Record> = leaves
                .iter()
                .map(|l| {
                    let (tlv, _) = keyed(l, "H(`LnLeaf`,");
                    let tlv = hex::decode(tlv).expect("hex");
                    let r = split(&tlv);
                    assert_eq!(record(r.0, &r.1), tlv, "{name}: re-encoding");
                    r
                })
                .collect();
            let t = merkle(&records).expect("leaves");
            assert_eq!(hex::encode(&t.first_tlv), e["first-tlv"], "{name}");
            assert_eq!(t.leaves.len(), leaves.len());
            for (have, want) in t.leaves.iter().zip(leaves) {
                let (_, leaf) = keyed(want, "H(`LnLeaf`,");
                let (_, nonce) = keyed(want, "H(`LnNonce`");
                let (_, pair) = keyed(want, "H(`LnBranch`,");
                assert_eq!(hex::encode(have.leaf), leaf, "{name}: leaf");
                assert_eq!(hex::encode(have.nonce), nonce, "{name}: nonce");
                assert_eq!(hex::encode(have.branch), pair, "{name}: leaf branch");
            }
            let branches = e["branches"].as_array().expect("branches");
            assert_eq!(t.branches.len(), branches.len(), "{name}: inner nodes");
            // Upstream lists inner nodes depth first; look each up by its children.
            for want in branches {
                let (children, hash) = keyed(want, "H(`LnBranch`,");
                let have = t
                    .branches
                    .iter()
                    .find(|b| hex::encode([b.lesser, b.greater].concat()) == children)
                    .unwrap_or_else(|| panic!("{name}: no inner node over {children}"));
                assert_eq!(hex::encode(have.hash), hash, "{name}: branch");
            }
            assert_eq!(hex::encode(t.root), e["merkle"], "{name}: root");
            if let Some(sig) = e.get("signature").and_then(Value::as_str) {
                let msg = e["tlv"].as_str().expect("messagename");
                let tag = signature_tag(msg);
                assert_eq!(tag, e["signature_tag"].as_str().expect("tag").as_bytes());
                assert_eq!(
                    hex::encode(tagged_hash(&tag, &t.root)),
                    e["H(signature_tag,merkle)"],
                    "{name}"
                );
                assert!(name.contains("invreq_payer_id = Bob (privkey 0x424242...)"));
                assert_eq!(hex::encode(sign(msg, &t.root, &key(0x42))), sig, "{name}");
                signatures += 1;
            }
        }
        assert_eq!(signatures, 1);
    }

    /// The `invoice_request` entry of `signature-test.json`, written from the
    /// fields its comment declares: the same records, root and signature.
    #[test]
    fn invoice_request_entry_written_from_its_declared_fields() {
        let e = upstream("signature-test.json")
            .into_iter()
            .find(|e| e["tlv"] == "invoice_request")
            .expect("invoice_request entry");
        let offer = OfferFields {
            currency: Some("USD".into()),
            amount: Some(100),
            description: Some("A Mathematical Treatise".into()),
            issuer_id: Some(pk(0x41)),
            ..Default::default()
        };
        let mut records = offer_records(&offer);
        records.push((0, vec![0; 8]));
        records.push((88, hex::decode(pk(0x42)).expect("hex")));
        records.sort_by_key(|(t, _)| *t);
        let want: Vec<String> = e["leaves"]
            .as_array()
            .expect("leaves")
            .iter()
            .map(|l| keyed(l, "H(`LnLeaf`,").0)
            .collect();
        let have: Vec<String> = records
            .iter()
            .map(|(t, v)| hex::encode(record(*t, v)))
            .collect();
        assert_eq!(have, want);
        let signed = sign_records(&records, "invoice_request", &key(0x42));
        let root = merkle(&signed).expect("leaves").root;
        assert_eq!(
            hex::encode(root),
            e["merkle"],
            "signature left out of the tree"
        );
        let sig = signed
            .iter()
            .find(|(t, _)| *t == SIGNATURE)
            .expect("signed");
        assert_eq!(hex::encode(&sig.1), e["signature"]);
        let digest = tagged_hash(&signature_tag("invoice_request"), &root);
        let xonly = PublicKey::from_secret_key(SECP256K1, &key(0x42))
            .x_only_public_key()
            .0;
        let s = schnorr::Signature::from_slice(&sig.1).expect("64 bytes");
        assert!(SECP256K1
            .verify_schnorr(&s, &Message::from_digest(digest), &xonly)
            .is_ok());
    }

    /// The valid offers of `offers-test.json`, written from the fields their
    /// descriptions declare (the `offers` recipe's table), give upstream's
    /// records exactly.
    #[test]
    fn offer_fields_match_upstream_offers_test() {
        let entries = upstream("offers-test.json");
        for o in super::super::offers::valid_offers() {
            let description = o.description;
            let records = o.records();
            let e = entries
                .iter()
                .find(|e| e["description"] == description)
                .unwrap_or_else(|| panic!("no upstream entry {description:?}"));
            assert_eq!(e["valid"], true, "{description}");
            let want: Vec<(u64, String)> = e["fields"]
                .as_array()
                .expect("fields")
                .iter()
                .map(|f| {
                    let t = f["type"].as_u64().expect("type");
                    let h = f["hex"].as_str().expect("hex").to_string();
                    assert_eq!(f["length"].as_u64(), Some(h.len() as u64 / 2));
                    (t, h)
                })
                .collect();
            let have: Vec<(u64, String)> =
                records.iter().map(|(t, v)| (*t, hex::encode(v))).collect();
            assert_eq!(have, want, "{description}");
        }
    }

    /// Trees of 1 to 9 leaves agree with the other reading of the spec's
    /// shape: pair neighbours level by level, an odd last node carried up.
    #[test]
    fn uneven_trees_are_deepest_on_the_lowest_order_leaves() {
        for n in 1..=9u64 {
            let records: Vec<Record> = (1..=n).map(|t| (t, vec![t as u8])).collect();
            let t = merkle(&records).expect("leaves");
            assert_eq!(t.branches.len() as u64, n - 1, "{n} leaves");
            // Recompute by pairing neighbours level by level, carrying an odd
            // last node up unchanged.
            let mut level: Vec<[u8; 32]> = t.leaves.iter().map(|l| l.branch).collect();
            while level.len() > 1 {
                level = level
                    .chunks(2)
                    .map(|c| match c {
                        [a, b] => branch_hash(a, b).hash,
                        [a] => *a,
                        _ => unreachable!(),
                    })
                    .collect();
            }
            assert_eq!(level[0], t.root, "{n} leaves");
        }
    }
}
