//! Marks the build as LDK 0.3's: `cfg(ldk_0_3)` in the shared sources.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(ldk_0_3)");
    println!("cargo:rustc-cfg=ldk_0_3");
}
