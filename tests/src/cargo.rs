//! Building other workspace artefacts from inside a test: the `sts`
//! binary and the `sts-ffi` static library, which `cargo test` builds only
//! for their own crates' tests.

use std::path::PathBuf;
use std::process::Command;

/// `target/<profile>`, from where the running test executable lives
/// (`target/<profile>/deps/<test>-<hash>`).
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path");
    let deps = exe.parent().expect("deps folder");
    deps.parent().expect("profile folder").to_path_buf()
}

/// Runs `cargo build --locked ARGS` in the workspace, into the running
/// test's target folder and profile, and panics if it fails. Returns the
/// profile folder, where the artefacts are.
pub fn build(args: &[&str]) -> PathBuf {
    let dir = profile_dir();
    let mut build = Command::new(env!("CARGO"));
    build
        .current_dir(crate::moto::workspace_root())
        .args(["build", "--locked"])
        .args(args)
        .arg("--target-dir")
        .arg(dir.parent().expect("target folder"));
    if dir.file_name().is_some_and(|n| n == "release") {
        build.arg("--release");
    }
    remove_cargo_env(&mut build);
    let status = build.status().expect("cargo runs");
    assert!(status.success(), "cargo build {args:?} failed: {status}");
    dir
}

/// The `sts` binary next to the running test's deps directory, built (or
/// brought up to date) once per test process: `cargo test` builds a
/// package's binaries only for that package's own tests, and `sts` is
/// behind the `cli` feature of `sts-blocking`.
pub fn sts_binary() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let bin =
                build(&["-p", "sts-blocking", "--features", "cli", "--bin", "sts"]).join("sts");
            assert!(bin.exists(), "{} is missing after the build", bin.display());
            bin
        })
        .clone()
}

/// Removes from `cmd`'s environment what Cargo sets for the running test's
/// own crate. Passed on to a cargo run by `cmd`, they make build scripts that
/// watch them (ring's watches `CARGO_MANIFEST_DIR`) look changed, so every
/// `cargo test` would rebuild ring, rustls and everything above them.
pub fn remove_cargo_env(cmd: &mut Command) {
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_PKG_")
            || name.starts_with("CARGO_BIN_")
            || [
                "CARGO_MANIFEST_DIR",
                "CARGO_MANIFEST_PATH",
                "CARGO_MANIFEST_LINKS",
                "CARGO_CRATE_NAME",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "OUT_DIR",
            ]
            .contains(&name.as_ref())
        {
            cmd.env_remove(name.as_ref());
        }
    }
}
