//! A check that cannot run on this machine, reported as `sts-tests`'
//! `tools::skip` reports it (this crate cannot depend on that one): under
//! CI (`CI` set) it fails; elsewhere it says `SKIPPED` and lists itself in
//! `target/skipped-checks.txt`, which `scripts/test.sh` prints at its end,
//! since `cargo test` shows nothing of a passing test.

use std::io::Write as _;
use std::path::Path;

/// Fails under CI; elsewhere reports `reason` and returns, and the caller
/// skips its check.
#[track_caller]
pub(crate) fn skip(reason: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set, so this check may not be skipped: {reason}"
    );
    eprintln!("SKIPPED: {reason}");
    let caller = std::panic::Location::caller();
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    let _ = std::fs::create_dir_all(&target);
    let _ = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(target.join("skipped-checks.txt"))
        .and_then(|mut f| writeln!(f, "{}:{}: {reason}", caller.file(), caller.line()));
}
