//! Fuzz target `differential_ldk`: see `asyncpay_fuzz::targets::differential_ldk`.
#![cfg_attr(feature = "libfuzzer", no_main)]

#[cfg(feature = "libfuzzer")]
libfuzzer_sys::fuzz_target!(|data: &[u8]| asyncpay_fuzz::targets::differential_ldk(data));

#[cfg(not(feature = "libfuzzer"))]
fn main() {
    asyncpay_fuzz::replay::main("differential_ldk", asyncpay_fuzz::targets::differential_ldk)
}
