//! `update_add_htlc` carrying TLV 106823, which LDK 0.3 reads as its
//! `accountable` signal (an experimental bLIP-4 field, lightning
//! 0.3.0-rc3 ln/msgs.rs:3565: one byte, 7 for true, 0 for false). The draft
//! does not define the type: to a draft reader it is an unknown odd record,
//! ignored whatever its value (BOLT 1), and a writer may carry it.

use super::*;

/// LDK 0.3's `accountable` TLV type.
const ACCOUNTABLE: u64 = 106_823;

/// The file's note for the vectors below.
pub(super) fn note_for(b: &mut FileBuilder) {
    b.note(
        "LdkAccountable",
        note(
            "Interop",
            "Carries TLV 106823, which LDK 0.3 reads as its experimental accountable signal (one byte: 7 true, 0 false; lightning 0.3.0-rc3 ln/msgs.rs:3565). The draft does not define it: a draft reader ignores it as an unknown odd record, whatever its length or value.",
            Some("A reader that gives the type a fixed shape refuses, from a sender that uses it otherwise, HTLCs the draft has it accept."),
            &[R_TLV_ODD],
        ),
    );
}

/// The decode and encode vectors.
pub(super) fn tests(b: &mut FileBuilder, p: &Profile) {
    let cases: [(&str, &str, &[u8]); 5] = [
        (
            "uah-accountable-7",
            "the value LDK 0.3 writes for true (7)",
            &[7],
        ),
        (
            "uah-accountable-0",
            "the value LDK 0.3 writes for false (0)",
            &[0],
        ),
        (
            "uah-accountable-1",
            "a byte LDK 0.3 writes for neither (1)",
            &[1],
        ),
        ("uah-accountable-two-bytes", "two bytes", &[7, 7]),
        ("uah-accountable-empty", "no value", &[]),
    ];
    for (id, what, value) in cases {
        let v = UpdateAddHtlcView {
            unknown: vec![odd_record(ACCOUNTABLE, value)],
            ..base_uah()
        };
        b.test(valid(
            Rec {
                id,
                description: format!(
                    "update_add_htlc with TLV 106823 (LDK 0.3's accountable) holding {what}: an unknown odd TLV to a draft reader, ignored"
                ),
                requirements: &[R_UAH_FORMAT, R_TLV_ODD],
                flags: &["UnknownOddTlv", "LdkAccountable"],
            },
            UAH_DECODE,
            hex_input(&uah_bytes(&v, p)),
            to_value(&v),
        ));
    }
    let held = UpdateAddHtlcView {
        hold_htlc: true,
        unknown: vec![odd_record(ACCOUNTABLE, &[7])],
        ..base_uah()
    };
    b.test(valid(
        Rec {
            id: "uah-hold-accountable",
            description: "update_add_htlc with hold_htlc and TLV 106823 (LDK 0.3's accountable, 7)"
                .into(),
            requirements: &[R_UAH_HOLD, R_TLV_ODD],
            flags: &["HoldHtlc", "UnknownOddTlv", "LdkAccountable"],
        },
        UAH_DECODE,
        hex_input(&uah_bytes(&held, p)),
        to_value(&held),
    ));
    b.test(valid(
        Rec {
            id: "uah-encode-hold-accountable",
            description: "encode update_add_htlc with hold_htlc and TLV 106823 (LDK 0.3's accountable, 7), in type order".into(),
            requirements: &[R_UAH_W_HOLD, R_TLV_W_ORDER],
            flags: &["Encode", "LdkAccountable"],
        },
        UAH_ENCODE,
        to_value(&held),
        hex_input(&uah_bytes(&held, p)),
    ));
}
