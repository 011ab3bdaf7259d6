//! The fuzz targets of the sts crates, as plain functions.
//!
//! Each target is a `pub fn(&[u8])` here; `fuzz_targets/<name>.rs` is a
//! one-line libFuzzer wrapper around it (built only with the `libfuzzer`
//! feature, by `cargo +nightly fuzz`), and `tests/replay.rs` runs the same
//! function over every file of `corpus/<name>/` on stable Rust. A target
//! never panics on its own account: every `assert!` in it is an invariant
//! of the code under test, so a panic is a bug found.
//!
//! [`TARGETS`] lists them all; see `README.md` for what each one covers.

#![forbid(unsafe_code)]

mod cli_input;
mod endpoint;
mod form;
mod process;
mod profile;
mod response;
mod sigv4;
mod sources;
mod time;
mod xml_reference;

pub use cli_input::{shorthand, yaml_input};
pub use endpoint::endpoint;
pub use form::form;
pub use process::credential_process;
pub use profile::profile;
pub use response::{OPERATIONS, response};
pub use sigv4::sigv4;
pub use sources::credential_sources;
pub use time::{http_date, timestamp};

/// A fuzz target: takes any bytes, panics only on a bug.
pub type Target = fn(&[u8]);

/// The targets held to [`heap_bound`]: those that feed outside text to a
/// parser. `form` and `sigv4` build requests from what `arbitrary` makes
/// of the input, and their own reference lists cost more than that.
pub const BOUNDED: &[&str] = &[
    "response",
    "timestamp",
    "http_date",
    "endpoint",
    "profile",
    "credential_process",
    "credential_sources",
    "yaml_input",
    "shorthand",
];

/// The heap one input may add at its peak: the design's bound on a
/// parser, 8 times its input plus 1 MiB, held by the whole target (whose
/// own checks are small next to the 1 MiB).
pub fn heap_bound(input_len: usize) -> usize {
    input_len.saturating_mul(8).saturating_add(1024 * 1024)
}

/// Runs `target` on `data`, then panics if the heap it added at its peak
/// was over [`heap_bound`]: a parser that is quadratic in some shape of
/// input is a finding even when the input is too small for the process's
/// memory limit to notice.
///
/// It counts only in a program whose global allocator is
/// [`peak_alloc::PeakAlloc`], as the `fuzz_targets/` binaries and the
/// replay test are; elsewhere the counters stay at zero and this is
/// `target(data)`. The counters are process-wide, so only one input may
/// run at a time (libFuzzer runs one; the replay test takes turns).
pub fn run_bounded(target: Target, data: &[u8]) {
    let heap = peak_alloc::PeakAlloc;
    let before = heap.current_usage();
    heap.reset_peak_usage();
    target(data);
    let extra = heap.peak_usage().saturating_sub(before);
    assert!(
        extra <= heap_bound(data.len()),
        "{extra} bytes of heap at the peak for a {}-byte input",
        data.len()
    );
}

/// Every target by name: the name of its `[[bin]]`, of its
/// `fuzz_targets/<name>.rs` and of its `corpus/<name>/` folder.
pub const TARGETS: &[(&str, Target)] = &[
    ("response", response),
    ("timestamp", timestamp),
    ("http_date", http_date),
    ("endpoint", endpoint),
    ("form", form),
    ("sigv4", sigv4),
    ("profile", profile),
    ("credential_process", credential_process),
    ("credential_sources", credential_sources),
    ("yaml_input", yaml_input),
    ("shorthand", shorthand),
];

/// The files of the committed `corpus/<target>/` folder, sorted by name:
/// for the tests that replay or inspect them.
pub fn corpus_files(target: &str) -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("no corpus folder {}: {e}", dir.display()))
        .map(|entry| entry.expect("corpus entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}
