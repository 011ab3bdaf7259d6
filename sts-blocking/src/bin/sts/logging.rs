//! `--debug`'s log lines: what the client decided (each attempt, retries,
//! clock correction), on stderr next to the requests and responses.
//!
//! Only this project's own records pass below `Warn`: they name the
//! operation, endpoint, status, error code and request id, never a header,
//! a body or a secret. The HTTP stack underneath (ureq, ureq-proto, rustls)
//! writes raw bytes, header values and full URLs in its `Debug` and `Trace`
//! records, and so the signature, the session token and the credentials in
//! each answer: its records, like any other crate's, pass only at `Warn`
//! and above. The library's [`SecretSafeLog`] wraps it as well, so the
//! crates it knows to dump bytes are held back even if this filter is ever
//! loosened. `RUST_LOG` is not read: `--debug` is the one switch, so a
//! variable left set in a shell cannot turn byte dumps on.

use log::{Level, LevelFilter, Log, Metadata, Record};
use sts_blocking::log_safety::SecretSafeLog;

/// The crates whose records may pass at `Debug`: this project's.
const OWN_TARGETS: &[&str] = &["sts", "sts_blocking", "sts_proto"];

/// Writes the records [`shown`] allows to stderr.
#[derive(Debug)]
struct Stderr;

/// Whether a record of `target` at `level` may be printed.
fn shown(target: &str, level: Level) -> bool {
    level <= Level::Warn
        || OWN_TARGETS.iter().any(|own| {
            target
                .strip_prefix(own)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
        })
}

impl Log for Stderr {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= log::max_level() && shown(metadata.target(), metadata.level())
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            eprintln!(
                "*** {} {}: {}",
                record.level(),
                record.target(),
                record.args()
            );
        }
    }

    fn flush(&self) {}
}

static LOGGER: SecretSafeLog<Stderr> = SecretSafeLog::new(Stderr);

/// Installs the logger when `--debug` is given; without it nothing is logged.
pub(crate) fn init(debug: bool) {
    if debug && log::set_logger(&LOGGER).is_ok() {
        // Debug, not Trace: nothing of ours logs at Trace, and a crate
        // that checks `log_enabled!(Trace)` before dumping bytes sees no.
        log::set_max_level(LevelFilter::Debug);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_http_stack_is_shown_only_from_warn_up() {
        for target in [
            "ureq",
            "ureq::unversioned::transport",
            "ureq_proto::util",
            "rustls::conn",
        ] {
            assert!(!shown(target, Level::Trace), "{target}");
            assert!(!shown(target, Level::Debug), "{target}");
            assert!(!shown(target, Level::Info), "{target}");
            assert!(shown(target, Level::Warn), "{target}");
        }
        assert!(shown("sts_blocking::client", Level::Debug));
        assert!(shown("sts_proto", Level::Info));
        assert!(shown("sts::setup", Level::Debug));
        assert!(!shown("sts_blockingx", Level::Debug));
        assert!(!shown("stsx::a", Level::Debug));
    }
}
