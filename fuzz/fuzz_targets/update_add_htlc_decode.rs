//! Fuzz target `update_add_htlc_decode`: see `asyncpay_fuzz::targets::update_add_htlc_decode`.
#![cfg_attr(feature = "libfuzzer", no_main)]

#[cfg(feature = "libfuzzer")]
libfuzzer_sys::fuzz_target!(|data: &[u8]| asyncpay_fuzz::targets::update_add_htlc_decode(data));

#[cfg(not(feature = "libfuzzer"))]
fn main() {
    asyncpay_fuzz::replay::main(
        "update_add_htlc_decode",
        asyncpay_fuzz::targets::update_add_htlc_decode,
    )
}
