//! Fuzz target `blinded_path_unblind`: see `asyncpay_fuzz::targets::blinded_path_unblind`.
#![cfg_attr(feature = "libfuzzer", no_main)]

#[cfg(feature = "libfuzzer")]
libfuzzer_sys::fuzz_target!(|data: &[u8]| asyncpay_fuzz::targets::blinded_path_unblind(data));

#[cfg(not(feature = "libfuzzer"))]
fn main() {
    asyncpay_fuzz::replay::main(
        "blinded_path_unblind",
        asyncpay_fuzz::targets::blinded_path_unblind,
    )
}
