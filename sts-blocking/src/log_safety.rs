//! Keeping secrets out of logs that the HTTP stack writes.
//!
//! This crate's own log lines name the operation, endpoint, status, error
//! code and request id, never a header, a body or a message. The default
//! transport is another matter: `ureq` and `ureq-proto` write, at `Trace`
//! level, a hexdump of every byte sent and received (so the
//! `Authorization` signature, `x-amz-security-token`, web identity tokens,
//! SAML assertions and the `SecretAccessKey` and `SessionToken` of every
//! answer) and the full request path and query. They have no switch to turn
//! that off, and a library cannot filter another crate's records without
//! owning the logger: the program installs it. So the rule is:
//!
//! **A program that may log at `Trace` must not pass records of the HTTP
//! stack's targets through.** Wrap the logger in [`SecretSafeLog`], or give
//! the same targets an off (or at most `debug`) level in its own filter
//! (`RUST_LOG=trace,ureq=debug,ureq_proto=debug,rustls=debug` with
//! `env_logger`). The `sts` tool does the former.
//!
//! ```
//! use sts_blocking::log_safety::SecretSafeLog;
//!
//! #[derive(Debug)]
//! struct Stderr;
//!
//! impl log::Log for Stderr {
//!     fn enabled(&self, _: &log::Metadata<'_>) -> bool {
//!         true
//!     }
//!     fn log(&self, record: &log::Record<'_>) {
//!         eprintln!("{} {}", record.target(), record.args());
//!     }
//!     fn flush(&self) {}
//! }
//!
//! static LOGGER: SecretSafeLog<Stderr> = SecretSafeLog::new(Stderr);
//! log::set_logger(&LOGGER).ok();
//! log::set_max_level(log::LevelFilter::Trace);
//! ```

use log::{Level, Log, Metadata, Record};

/// Crates whose `Trace` records may carry raw request or response bytes,
/// header values or full request URLs.
pub const RAW_BYTE_TARGETS: &[&str] = &["ureq", "ureq_proto", "rustls"];

/// Whether a record at `level` from `target` could carry secrets: `Trace`
/// from one of [`RAW_BYTE_TARGETS`] (or one of their modules).
pub fn may_carry_secrets(target: &str, level: Level) -> bool {
    level == Level::Trace
        && RAW_BYTE_TARGETS.iter().any(|crate_name| {
            target
                .strip_prefix(crate_name)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
        })
}

/// A logger that passes every record to `L` except those that
/// [`may_carry_secrets`].
///
/// It also answers `enabled` with `false` for them, which matters: `ureq`
/// asks whether `Trace` is enabled before it decides to print a request's
/// full path and query in its `Debug` lines, and prints `/******` when it
/// is not.
#[derive(Debug)]
pub struct SecretSafeLog<L> {
    inner: L,
}

impl<L: Log> SecretSafeLog<L> {
    /// Wraps `inner`.
    pub const fn new(inner: L) -> Self {
        Self { inner }
    }

    /// The wrapped logger.
    pub fn inner(&self) -> &L {
        &self.inner
    }
}

impl<L: Log> Log for SecretSafeLog<L> {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        !may_carry_secrets(metadata.target(), metadata.level()) && self.inner.enabled(metadata)
    }

    fn log(&self, record: &Record<'_>) {
        if !may_carry_secrets(record.target(), record.level()) {
            self.inner.log(record);
        }
    }

    fn flush(&self) {
        self.inner.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_trace_of_the_http_stack_is_held_back() {
        assert!(may_carry_secrets("ureq_proto::util", Level::Trace));
        assert!(may_carry_secrets("ureq_proto", Level::Trace));
        assert!(may_carry_secrets("ureq::run", Level::Trace));
        assert!(may_carry_secrets("rustls::client::hs", Level::Trace));
        assert!(!may_carry_secrets("ureq_proto::util", Level::Debug));
        assert!(!may_carry_secrets("ureqx", Level::Trace));
        assert!(!may_carry_secrets("sts_blocking::client", Level::Trace));
        assert!(!may_carry_secrets("my_app", Level::Trace));
    }
}
