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
//! gets the usual defaults.

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
        for (signal, flag) in [
            (SIGINT, &ignored),
            (SIGQUIT, &ignored),
            (SIGTERM, &caught.forwarded[0].1),
            (SIGHUP, &caught.forwarded[1].1),
        ] {
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
