//! Property: every valid static invoice the strategy generates (random offer
//! and invoice fields, random keys, random blinded paths, random unknown odd
//! records) encodes, decodes to the same fields under both profiles, and
//! re-encodes from the decoded view byte for byte.

use asyncpay_adapter::blinding::{BlindedHopView, BlindedPathView};
use asyncpay_adapter::invoice::{
    BlindedPayInfo, EncodeStaticInvoice, InvoiceFields, OfferFields, TlvRecord,
};
use asyncpay_adapter::Profile;
use asyncpay_reference::static_invoice as si;
use proptest::prelude::*;
use secp256k1::{SecretKey, SECP256K1};

fn profiles() -> Vec<Profile> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/profiles.json");
    let text = std::fs::read_to_string(path).expect("profiles.json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    serde_json::from_value(v["profiles"].clone()).expect("profiles")
}

fn pk_of(seed: u8) -> String {
    let k = SecretKey::from_slice(&[seed.max(1); 32]).expect("small keys are valid");
    hex::encode(k.public_key(SECP256K1).serialize())
}

fn key() -> impl Strategy<Value = SecretKey> {
    prop::array::uniform32(any::<u8>())
        .prop_filter_map("valid secret key", |b| SecretKey::from_slice(&b).ok())
}

fn hop() -> impl Strategy<Value = BlindedHopView> {
    (1u8..=250, prop::collection::vec(any::<u8>(), 0..40)).prop_map(|(s, d)| BlindedHopView {
        blinded_node_id: pk_of(s),
        encrypted_recipient_data: hex::encode(d),
    })
}

fn blinded_path() -> impl Strategy<Value = BlindedPathView> {
    (
        prop_oneof![
            (1u8..=250).prop_map(pk_of),
            (0u8..=1, any::<u64>()).prop_map(|(d, scid)| {
                let mut b = vec![d];
                b.extend(scid.to_be_bytes());
                hex::encode(b)
            }),
        ],
        1u8..=250,
        prop::collection::vec(hop(), 1..4),
    )
        .prop_map(|(first_node_id, k, hops)| BlindedPathView {
            first_node_id,
            first_path_key: pk_of(k),
            hops,
        })
}

fn payinfo() -> impl Strategy<Value = BlindedPayInfo> {
    (
        any::<u32>(),
        any::<u32>(),
        any::<u16>(),
        any::<u64>(),
        any::<u64>(),
        prop::collection::vec(any::<u8>(), 0..4),
    )
        .prop_map(|(a, b, c, d, e, f)| BlindedPayInfo {
            fee_base_msat: a,
            fee_proportional_millionths: b,
            cltv_expiry_delta: c,
            htlc_minimum_msat: d,
            htlc_maximum_msat: e,
            // Odd bits only, so every path stays usable.
            features: hex::encode(f.iter().map(|x| x & 0xaa).collect::<Vec<u8>>()),
        })
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 éü€]{0,24}"
}

/// Odd feature bits only (even bits would be unknown and rejected).
fn odd_features() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<u8>(), 0..5)
        .prop_map(|f| hex::encode(f.iter().map(|x| x & 0xaa).collect::<Vec<u8>>()))
}

#[derive(Debug, Clone)]
struct Case {
    input: EncodeStaticInvoice,
    created_at: u64,
}

fn case() -> impl Strategy<Value = Case> {
    let offer_parts = (
        prop::option::of(prop::collection::vec(any::<u8>(), 0..16)),
        prop::option::of((1u64.., prop::option::of("[A-Z]{3}"))),
        prop::option::of(text()),
        prop::option::of(odd_features()),
        prop::option::of(any::<u64>()),
        prop::option::of(text()),
        prop::option::of(any::<u64>()),
        any::<bool>(),
        prop::collection::vec(blinded_path(), 1..3),
    );
    let invoice_parts = (
        prop::collection::vec((blinded_path(), payinfo()), 1..4),
        0u64..4_000_000_000,
        prop::option::of(any::<u32>()),
        prop::option::of(odd_features()),
        prop::collection::vec(blinded_path(), 1..4),
        prop::collection::btree_map(
            prop_oneof![
                (0u64..30).prop_map(|k| 25 + 2 * k),
                (0u64..20).prop_map(|k| 181 + 2 * k),
                (0u64..50).prop_map(|k| 1_000_000_001 + 2 * k),
                (0u64..50).prop_map(|k| 3_000_000_001 + 2 * k),
            ],
            prop::collection::vec(any::<u8>(), 0..12),
            0..4,
        ),
    );
    (key(), offer_parts, invoice_parts).prop_map(|(k, o, i)| {
        let (metadata, amount, description, offer_features, expiry, issuer, qmax, with_id, opaths) =
            o;
        let (pays, created_at, rel, inv_features, mpaths, extra) = i;
        let node_id = hex::encode(k.public_key(SECP256K1).serialize());
        let mut offer_paths = opaths;
        let issuer_id = if with_id {
            Some(node_id.clone())
        } else {
            // The signer is the final blinded node of the last offer path.
            if let Some(h) = offer_paths.last_mut().and_then(|p| p.hops.last_mut()) {
                h.blinded_node_id = node_id.clone();
            }
            None
        };
        let (amount, currency) = match amount {
            Some((a, c)) => (Some(a), c),
            None => (None, None),
        };
        let description = if amount.is_some() {
            Some(description.unwrap_or_default())
        } else {
            description
        };
        let offer = OfferFields {
            chains: None,
            metadata: metadata.map(hex::encode),
            currency,
            amount,
            description,
            features: offer_features,
            absolute_expiry: expiry,
            paths: if with_id && offer_paths.len() == 1 {
                None
            } else {
                Some(offer_paths)
            },
            issuer,
            quantity_max: qmax,
            issuer_id,
        };
        let (paths, blindedpay): (Vec<_>, Vec<_>) = pays.into_iter().unzip();
        let invoice = InvoiceFields {
            paths: Some(paths),
            blindedpay: Some(blindedpay),
            created_at: Some(created_at),
            relative_expiry: rel,
            payment_hash: None,
            amount: None,
            fallbacks: None,
            features: inv_features,
            node_id: Some(node_id),
            message_paths: Some(mpaths),
        };
        let extra = extra
            .into_iter()
            .map(|(t, v)| TlvRecord {
                tlv_type: t,
                hex: hex::encode(v),
            })
            .collect();
        Case {
            input: EncodeStaticInvoice {
                offer,
                invoice,
                extra,
                signing_key: hex::encode(k.secret_bytes()),
            },
            created_at,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn encode_decode_reencode(c in case()) {
        for p in profiles() {
            let bytes = si::encode(&c.input, &p).expect("valid input encodes");
            let view = match si::decode(&bytes, c.created_at, &p) {
                Ok(v) => v,
                Err(e) => return Err(TestCaseError::fail(format!("{}: rejected {e:?}", p.name))),
            };
            prop_assert_eq!(&view.offer, &c.input.offer);
            prop_assert_eq!(&view.invoice, &c.input.invoice);
            prop_assert_eq!(&view.unknown, &c.input.extra);
            let again = EncodeStaticInvoice {
                offer: view.offer.clone(),
                invoice: view.invoice.clone(),
                extra: view.unknown.clone(),
                signing_key: c.input.signing_key.clone(),
            };
            prop_assert_eq!(si::encode(&again, &p).expect("re-encodes"), bytes);
        }
    }
}
