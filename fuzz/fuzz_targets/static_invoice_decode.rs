//! Fuzz target `static_invoice_decode`: see `asyncpay_fuzz::targets::static_invoice_decode`.
#![cfg_attr(feature = "libfuzzer", no_main)]

#[cfg(feature = "libfuzzer")]
libfuzzer_sys::fuzz_target!(|data: &[u8]| asyncpay_fuzz::targets::static_invoice_decode(data));

#[cfg(not(feature = "libfuzzer"))]
fn main() {
    asyncpay_fuzz::replay::main(
        "static_invoice_decode",
        asyncpay_fuzz::targets::static_invoice_decode,
    )
}
