//! Gives the shared library its ELF `SONAME` on Linux: `libsts_ffi.so.0`.
//!
//! Without one, a program linked with `-lsts_ffi` records the unversioned
//! `libsts_ffi.so` as what it needs, so an installed library of a newer,
//! incompatible major version would be loaded in its place. With it, the
//! program records `libsts_ffi.so.<major>`, which `scripts/install-ffi.sh`
//! installs as a symlink beside the versioned file; a later major version
//! installs beside it instead of replacing it.
//!
//! The number is the crate's major version, because that is the ABI promise
//! `sts_version()` documents: within one major version the ABI only grows.
//!
//! No dependencies and no generated code: the header comes from cbindgen in
//! `tests/header.rs`, so building the library needs nothing but rustc.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // The target, not the host: a cross build for Linux wants the flag even
    // on a macOS host, and the reverse must not get it.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        let major = env!("CARGO_PKG_VERSION_MAJOR");
        // Only the cdylib gets it: the rlib and the staticlib are not
        // linked by rustc, and a `-soname` on an executable would be wrong.
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libsts_ffi.so.{major}");
    }
}
