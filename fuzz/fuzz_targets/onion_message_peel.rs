//! Fuzz target `onion_message_peel`: see `asyncpay_fuzz::targets::onion_message_peel`.
#![cfg_attr(feature = "libfuzzer", no_main)]

#[cfg(feature = "libfuzzer")]
libfuzzer_sys::fuzz_target!(|data: &[u8]| asyncpay_fuzz::targets::onion_message_peel(data));

#[cfg(not(feature = "libfuzzer"))]
fn main() {
    asyncpay_fuzz::replay::main(
        "onion_message_peel",
        asyncpay_fuzz::targets::onion_message_peel,
    )
}
