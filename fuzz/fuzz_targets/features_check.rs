//! Fuzz target `features_check`: see `asyncpay_fuzz::targets::features_check`.
#![cfg_attr(feature = "libfuzzer", no_main)]

#[cfg(feature = "libfuzzer")]
libfuzzer_sys::fuzz_target!(|data: &[u8]| asyncpay_fuzz::targets::features_check(data));

#[cfg(not(feature = "libfuzzer"))]
fn main() {
    asyncpay_fuzz::replay::main("features_check", asyncpay_fuzz::targets::features_check)
}
