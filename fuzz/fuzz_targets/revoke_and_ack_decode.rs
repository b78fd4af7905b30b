//! Fuzz target `revoke_and_ack_decode`: see `asyncpay_fuzz::targets::revoke_and_ack_decode`.
#![cfg_attr(feature = "libfuzzer", no_main)]

#[cfg(feature = "libfuzzer")]
libfuzzer_sys::fuzz_target!(|data: &[u8]| asyncpay_fuzz::targets::revoke_and_ack_decode(data));

#[cfg(not(feature = "libfuzzer"))]
fn main() {
    asyncpay_fuzz::replay::main(
        "revoke_and_ack_decode",
        asyncpay_fuzz::targets::revoke_and_ack_decode,
    )
}
