//! Signals while `sts serve --exec`'s command runs (Unix).
//!
//! As `system(3)` does, the tool outlives the terminal's interrupt and
//! quit keys (the command, in the same process group, gets them itself
//! and may clean up, calling the endpoint meanwhile), and passes SIGTERM
//! and SIGHUP on to the command, so that stopping the tool never orphans
//! it. Either way the tool serves until the command ends and exits with
//! its status.
//!
//! The signals are caught, not ignored: a caught signal's action goes
//! back to the default in a program started afterwards, so the command
//! gets the usual defaults. A signal the tool was started with ignored
//! (`nohup`, a shell script's background job) is left ignored, so that the
//! command inherits that too, as it would from a shell or `system(3)`.
//!
//! A command that died of SIGINT, SIGTERM or SIGHUP ends the tool by the
//! same signal ([`end_as`]), not with 128 + its number: a shell script
//! stops on Ctrl-C only when its child died of SIGINT itself.

use std::process::Child;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::process::{Pid, Signal, kill_process};
use signal_hook::SigId;
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};

/// Caught while the command runs; released when dropped.
pub(crate) struct ChildSignals {
    ids: Vec<SigId>,
    /// SIGTERM and SIGHUP, each with the flag set when it came.
    forwarded: [(Signal, Arc<AtomicBool>); 2],
}

impl ChildSignals {
    /// Catches SIGINT and SIGQUIT (doing nothing on them), SIGTERM and
    /// SIGHUP (to pass on). Before the command is started, so that none
    /// of them can end the tool once it runs.
    pub(crate) fn catch() -> std::io::Result<ChildSignals> {
        let forwarded = [
            (Signal::TERM, Arc::new(AtomicBool::new(false))),
            (Signal::HUP, Arc::new(AtomicBool::new(false))),
        ];
        let mut caught = ChildSignals {
            ids: Vec::new(),
            forwarded,
        };
        let ignored = Arc::new(AtomicBool::new(false));
        let ignored_at_start = ignored_at_start();
        for (signal, flag) in [
            (SIGINT, &ignored),
            (SIGQUIT, &ignored),
            (SIGTERM, &caught.forwarded[0].1),
            (SIGHUP, &caught.forwarded[1].1),
        ] {
            if is_in(ignored_at_start, signal) {
                continue;
            }
            // On failure, `caught` (dropped) releases those already caught.
            caught
                .ids
                .push(signal_hook::flag::register(signal, Arc::clone(flag))?);
        }
        Ok(caught)
    }

    /// Passes on to `child` the SIGTERM and SIGHUP that came since the
    /// last call. `child` must not have been waited for yet, so that its
    /// process id is still its own.
    pub(crate) fn forward(&self, child: &Child) {
        for (signal, flag) in &self.forwarded {
            if flag.swap(false, Ordering::SeqCst) {
                let _ = kill_process(Pid::from_child(child), *signal);
            }
        }
    }
}

impl Drop for ChildSignals {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

/// The signals this process was started with ignored, as a mask (bit
/// `n - 1` for signal `n`), from `/proc/self/status` on Linux; elsewhere
/// (no `/proc`) none, so that every signal is caught as before.
fn ignored_at_start() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("SigIgn:"))
                .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        })
        .unwrap_or(0)
}

/// Whether `signal` is in `mask` (bit `signal - 1`).
fn is_in(mask: u64, signal: i32) -> bool {
    (1..=64).contains(&signal) && mask & (1 << (signal - 1)) != 0
}

/// Ends the tool by `signal`, which ended its command, when that is
/// SIGINT, SIGTERM or SIGHUP (so that the shell that ran the tool sees
/// what it would have seen of the command); returns for any other, and
/// if the signal cannot be raised. Call it once everything is cleaned up.
pub(crate) fn end_as(signal: i32) {
    if [SIGINT, SIGTERM, SIGHUP].contains(&signal) {
        let _ = signal_hook::low_level::emulate_default_handler(signal);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_mask_is_read_bit_by_signal() {
        // SIGHUP (1) and SIGQUIT (3).
        let mask = 0b101;
        assert!(is_in(mask, SIGHUP));
        assert!(!is_in(mask, SIGINT));
        assert!(is_in(mask, SIGQUIT));
        assert!(!is_in(mask, 0) && !is_in(mask, 65) && !is_in(u64::MAX, -1));
        assert!(is_in(u64::MAX, 64));
    }
}
