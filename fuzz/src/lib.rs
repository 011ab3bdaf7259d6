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

mod endpoint;
mod form;
mod process;
mod profile;
mod response;
mod sigv4;
mod time;

pub use endpoint::endpoint;
pub use form::form;
pub use process::credential_process;
pub use profile::profile;
pub use response::{OPERATIONS, response};
pub use sigv4::sigv4;
pub use time::{http_date, timestamp};

/// A fuzz target: takes any bytes, panics only on a bug.
pub type Target = fn(&[u8]);

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
];
