//! `sts.pc.in`, filled in as `scripts/install-ffi.sh` fills it in, is a
//! pkg-config file that pkg-config reads and that points at the installed
//! header and library. (`tests/tests/ffi_c.rs` runs the script itself and
//! builds programs with the result.)

use std::path::Path;
use std::process::Command;

/// The template with `@PREFIX@` and `@VERSION@` replaced, as
/// `scripts/install-ffi.sh` does.
fn render(prefix: &Path) -> String {
    let template = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("sts.pc.in"))
        .expect("sts-ffi/sts.pc.in is missing");
    template
        .replace("@PREFIX@", prefix.to_str().unwrap())
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"))
}

#[test]
fn the_template_has_only_the_two_placeholders() {
    let rendered = render(Path::new("/opt/sts"));
    assert!(
        !rendered.contains('@'),
        "an unfilled placeholder:\n{rendered}"
    );
    assert!(rendered.contains("prefix=/opt/sts\n"));
    assert!(rendered.contains(&format!("Version: {}\n", env!("CARGO_PKG_VERSION"))));
}

/// The machine's `pkg-config`, else the pkgconf that `scripts/test.sh`
/// installs from PyPI into the test venv (`target/moto-venv`) before the
/// tests run, so that a machine without one still runs this check.
fn pkg_config() -> Option<std::path::PathBuf> {
    let works = |program: &Path| {
        Command::new(program)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/moto-venv/bin/pkg-config");
    [Path::new("pkg-config"), venv.as_path()]
        .into_iter()
        .find(|p| works(p))
        .map(Path::to_path_buf)
}

#[test]
fn pkg_config_reads_the_filled_in_file() {
    let Some(pkg_config) = pkg_config() else {
        // Under CI a missing tool fails the check instead of skipping it:
        // there it means a broken machine, not a developer's choice.
        sts_tests::tools::skip(
            "pkg-config is not installed (apt-get install pkgconf, or run \
             scripts/test.sh, which installs pkgconf into the test venv)",
        );
        return;
    };
    let dir = sts_tests::ScratchDir::new("ffi-pc");
    let prefix = dir.join("prefix");
    std::fs::write(dir.join("sts.pc"), render(&prefix)).unwrap();
    let query = |args: &[&str]| -> String {
        let out = Command::new(&pkg_config)
            .args(args)
            .arg("sts")
            .env("PKG_CONFIG_PATH", &dir)
            .env_remove("PKG_CONFIG_SYSROOT_DIR")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pkg-config {args:?} sts failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let version = query(&["--modversion"]);
    let cflags = query(&["--cflags"]);
    let libs = query(&["--libs"]);
    let static_libs = query(&["--static", "--libs"]);

    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    assert_eq!(cflags, format!("-I{}", prefix.join("include").display()));
    assert_eq!(
        libs,
        format!("-L{} -lsts_ffi", prefix.join("lib").display())
    );
    for lib in ["-lsts_ffi", "-lpthread", "-ldl", "-lm"] {
        assert!(static_libs.contains(lib), "{lib} missing: {static_libs}");
    }
}
