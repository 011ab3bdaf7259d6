//! Building and checking C programs against `sts-ffi`: its static library,
//! the system libraries a static link needs, and valgrind memcheck.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

/// What Rust's standard library needs from the system when `libsts_ffi.a`
/// is linked statically (the list `--print native-static-libs` gives on
/// Linux).
pub const NATIVE_LIBS: &[&str] = &["-lpthread", "-ldl", "-lm", "-lrt", "-lutil"];

/// `libsts_ffi.a`, built (or brought up to date) once per test process, in
/// the same target directory and profile as the running test: `cargo test`
/// builds a crate's static library only for that crate's own tests.
pub fn staticlib() -> PathBuf {
    static LIB: OnceLock<PathBuf> = OnceLock::new();
    LIB.get_or_init(|| {
        let started = Instant::now();
        let lib = crate::cargo::build(&["-p", "sts-ffi", "--lib"]).join("libsts_ffi.a");
        assert!(lib.exists(), "{} is missing after the build", lib.display());
        eprintln!("sts-ffi static library ready in {:?}", started.elapsed());
        lib
    })
    .clone()
}

/// What [`crate::tools::skip`] is told when [`valgrind`] finds none.
pub const VALGRIND_MISSING: &str = "valgrind is not installed (apt-get install valgrind)";

/// `valgrind`, if it runs here.
pub fn valgrind() -> Option<String> {
    let works = Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    works.then(|| "valgrind".to_owned())
}

/// The arguments a memcheck run gets before the program: leaks the program
/// loses (definite, indirect) and any memory error make it exit 1.
pub const MEMCHECK_ARGS: &[&str] = &[
    "--leak-check=full",
    "--errors-for-leak-kinds=definite,indirect",
    "--show-leak-kinds=definite,indirect",
    "--error-exitcode=1",
    // Threads take turns under valgrind; fair scheduling keeps one of them
    // from starving the others.
    "--fair-sched=yes",
    "-q",
];
