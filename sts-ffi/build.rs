//! Gives the shared library its ELF `SONAME` on Linux: `libsts_ffi.so.0.1`.
//!
//! Without one, a program linked with `-lsts_ffi` records the unversioned
//! `libsts_ffi.so` as what it needs, so an installed library of a newer,
//! incompatible major version would be loaded in its place. With it, the
//! program records `libsts_ffi.so.<ABI version>`, which
//! `scripts/install-ffi.sh` installs as a symlink beside the versioned
//! file; a later ABI version installs beside it instead of replacing it.
//!
//! The ABI version is the crate's major version, or `0.<minor>` while the
//! major is 0 (as Cargo reads semantic versions: 0.1 to 0.2 may break),
//! because that is the promise `sts_version()` documents: within one ABI
//! version the ABI only grows. A struct a program allocates (the client
//! options, the input structs) has no size field, so a member added to it
//! takes a new ABI version.
//!
//! No dependencies and no generated code: the header comes from cbindgen in
//! `tests/header.rs`, so building the library needs nothing but rustc.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // The target, not the host: a cross build for Linux wants the flag even
    // on a macOS host, and the reverse must not get it.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        let (major, minor) = (
            env!("CARGO_PKG_VERSION_MAJOR"),
            env!("CARGO_PKG_VERSION_MINOR"),
        );
        let abi = match major {
            "0" => format!("0.{minor}"),
            major => major.to_owned(),
        };
        // Only the cdylib gets it: the rlib and the staticlib are not
        // linked by rustc, and a `-soname` on an executable would be wrong.
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libsts_ffi.so.{abi}");
    }
}
