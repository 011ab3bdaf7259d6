//! Tools the tests need beyond the Rust toolchain, and what a test does
//! when one is missing.
//!
//! A check that cannot run here (no valgrind, no AddressSanitizer runtime,
//! no C++ compiler, no cmake) is skipped with a `SKIPPED:` line on a
//! developer's machine, so the rest still runs. Under CI (environment
//! variable `CI` set) it fails instead: there a missing tool is a broken
//! machine or a missing install step, and a check that passes without
//! running hides it. [`skip`] is that rule, written once.
//!
//! cmake and pkg-config come from PyPI into the moto venv
//! (`<workspace>/target/moto-venv`, made by [`crate::moto::ensure_venv`]):
//! cmake is on no machine of ours, and the venv's pkgconf makes the
//! pkg-config checks independent of the machine's. [`build_tools`]
//! installs them once, pinned, and knows when the install is current.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The PyPI packages [`build_tools`] installs, pinned like
/// `tests/moto/requirements.txt` so CI installs what was tested. Wheels
/// only: cmake's source distribution would build cmake itself.
const BUILD_TOOLS: &[&str] = &["cmake==4.4.5", "pkgconf==3.0.7.post0"];

/// The cmake wheel is about 30 MB.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(600);

/// Whether this run is CI's: environment variable `CI` is set (CI sets
/// `CI=true`), as in `tests/tests/cli.rs`.
pub fn is_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// Reports a check that cannot run on this machine, `reason` saying what is
/// missing and how to get it. Under CI it panics, failing the test; elsewhere
/// it prints `SKIPPED: reason` and returns, and the caller then skips.
#[track_caller]
pub fn skip(reason: &str) {
    assert!(
        !is_ci(),
        "CI is set, so this check may not be skipped: {reason}"
    );
    eprintln!("SKIPPED: {reason}");
    // `cargo test` shows no output of a passing test: the line also goes
    // to a file that `scripts/test.sh` prints at its end, so a skip is
    // never silent.
    let caller = std::panic::Location::caller();
    let line = format!("{}:{}: {reason}\n", caller.file(), caller.line());
    let path = skipped_list();
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, line.as_bytes()));
}

/// Where [`skip`] lists the checks it skipped: `target/skipped-checks.txt`
/// of the workspace, which `scripts/test.sh` empties first and prints last.
pub fn skipped_list() -> PathBuf {
    crate::moto::workspace_root()
        .join("target")
        .join("skipped-checks.txt")
}

/// cmake and pkg-config, installed in the moto venv.
#[derive(Debug, Clone)]
pub struct BuildTools {
    /// `<venv>/bin/cmake`.
    pub cmake: PathBuf,
    /// `<venv>/bin/pkg-config` (pkgconf).
    pub pkg_config: PathBuf,
    /// `<venv>/bin`, to put first on a child's `PATH` so that a shell
    /// command's `$(pkg-config …)` finds this one.
    pub bin: PathBuf,
}

/// Installs the pinned cmake and pkgconf wheels into the moto venv if they
/// are not there yet (once per process; a stamp in the venv makes later
/// runs take milliseconds) and checks that both run. `Err` says why not: no
/// Python, no network to PyPI, ….
pub fn build_tools() -> Result<BuildTools, String> {
    static TOOLS: OnceLock<Result<BuildTools, String>> = OnceLock::new();
    TOOLS
        .get_or_init(|| install(&crate::moto::ensure_venv()?))
        .clone()
}

fn install(venv: &Path) -> Result<BuildTools, String> {
    let bin = venv.join("bin");
    let tools = BuildTools {
        cmake: bin.join("cmake"),
        pkg_config: bin.join("pkg-config"),
        bin: bin.clone(),
    };
    pip_install_once(
        venv,
        ".build-tools-stamp",
        BUILD_TOOLS,
        &[&tools.cmake, &tools.pkg_config],
    )?;
    for tool in [&tools.cmake, &tools.pkg_config] {
        let works = Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !works {
            return Err(format!("{} --version does not run", tool.display()));
        }
    }
    Ok(tools)
}

/// Installs the pinned `packages` into the moto venv unless the stamp file
/// `stamp` there already names them and every path in `installed` exists.
/// The stamp lives inside the venv, so a rebuilt venv (new moto
/// requirements) loses it together with the packages.
fn pip_install_once(
    venv: &Path,
    stamp: &str,
    packages: &[&str],
    installed: &[&Path],
) -> Result<(), String> {
    let stamp = venv.join(stamp);
    let want = packages.join(" ");
    let current = std::fs::read_to_string(&stamp).is_ok_and(|s| s.trim() == want)
        && installed.iter().all(|p| p.is_file());
    if current {
        return Ok(());
    }
    let started = Instant::now();
    eprintln!("installing {want} into {} (one-time)", venv.display());
    let python = venv.join("bin").join("python");
    // The lock `tests/moto/ensure-venv.sh` holds while it (re)builds the
    // venv: no install into a venv being replaced, nor two at once.
    let mut lock = venv.as_os_str().to_owned();
    lock.push(".lock");
    let mut pip = if Command::new("flock").arg("--version").output().is_ok() {
        let mut c = Command::new("flock");
        c.arg(&lock).arg(&python);
        c
    } else {
        Command::new(&python)
    };
    pip.args([
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--no-input",
        "--quiet",
        "--only-binary=:all:",
    ])
    .args(packages);
    let out = crate::process::run_bounded(&mut pip, INSTALL_TIMEOUT)?;
    if !out.status.success() {
        return Err(format!(
            "pip install {want} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    std::fs::write(&stamp, format!("{want}\n"))
        .map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    eprintln!("installed {want} in {:?}", started.elapsed());
    Ok(())
}

/// The AWS CLI v1 and what it needs beyond the moto venv, pinned. It
/// carries its own botocore, so the venv's (which `config_vs_botocore`
/// compares against) stays as it is.
const AWSCLI: &[&str] = &[
    "awscli==1.46.3",
    "colorama==0.4.6",
    "docutils==0.19",
    "rsa==4.7.2",
    "pyasn1==0.6.5",
];

/// `<venv>/bin/aws`: the AWS CLI v1 from PyPI, installed into the moto
/// venv once (a stamp in the venv makes later runs take milliseconds), for
/// tests that compare the `sts` tool with it. `Err` says why not.
pub fn awscli() -> Result<PathBuf, String> {
    static AWS: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    AWS.get_or_init(|| install_awscli(&crate::moto::ensure_venv()?))
        .clone()
}

/// [`awscli`], or `None` once the test is reported [skipped](skip) (under
/// CI, failed) because it cannot be installed.
#[track_caller]
pub fn awscli_or_skip() -> Option<PathBuf> {
    match awscli() {
        Ok(aws) => Some(aws),
        Err(e) => {
            skip(&format!("the AWS CLI v1 cannot be installed: {e}"));
            None
        }
    }
}

fn install_awscli(venv: &Path) -> Result<PathBuf, String> {
    let bin = venv.join("bin");
    let aws = bin.join("aws");
    pip_install_once(venv, ".awscli-stamp", AWSCLI, &[&aws])?;
    let works = Command::new(&aws)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        return Err(format!("{} --version does not run", aws.display()));
    }
    Ok(aws)
}
