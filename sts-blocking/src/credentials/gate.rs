//! A turn that one caller at a time holds, and that the others wait for
//! no longer than they are told: a mutex held across a provider call or a
//! token refresh would make every waiter wait as long as that takes.
//!
//! Used by the credentials cache (one caller fetches from the provider)
//! and by the process-wide refresh lock of token cache files. The gate
//! also guards some state of its user's (`S`), read and written under the
//! same short lock.

use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::timing::bounded_timeout;

/// Who holds the turn, and the user's state.
#[derive(Default)]
pub(crate) struct Gate<S = ()> {
    state: Mutex<Guarded<S>>,
    /// Signalled when the turn is given back.
    free: Condvar,
}

/// What the gate's lock guards: whether the turn is held, and the user's
/// state, which the guard reaches through `Deref`.
#[derive(Default)]
pub(crate) struct Guarded<S> {
    busy: bool,
    data: S,
}

impl<S> Deref for Guarded<S> {
    type Target = S;
    fn deref(&self) -> &S {
        &self.data
    }
}

impl<S> DerefMut for Guarded<S> {
    fn deref_mut(&mut self) -> &mut S {
        &mut self.data
    }
}

/// The turn, given back on drop (also when a panic unwinds through its
/// holder, so waiters are never stranded).
pub(crate) struct Turn<'a, S> {
    gate: &'a Gate<S>,
}

impl<S> Gate<S> {
    /// The gate's lock (held for a few instructions only; poisoning is
    /// ignored, as the state stays consistent at every step).
    pub(crate) fn lock(&self) -> MutexGuard<'_, Guarded<S>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The turn if nobody holds it, at once.
    pub(crate) fn try_enter(&self) -> Option<Turn<'_, S>> {
        let mut state = self.lock();
        if state.busy {
            return None;
        }
        state.busy = true;
        Some(Turn { gate: self })
    }

    /// The turn, waiting up to `timeout` for the caller holding it
    /// (`None` if that ran out). A huge timeout (see [`bounded_timeout`])
    /// means no limit.
    pub(crate) fn enter(&self, timeout: Duration) -> Option<Turn<'_, S>> {
        let deadline = bounded_timeout(Some(timeout)).and_then(|t| Instant::now().checked_add(t));
        let mut state = self.lock();
        while state.busy {
            state = match deadline {
                None => self
                    .free
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return None;
                    }
                    self.free
                        .wait_timeout(state, left)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
            };
        }
        state.busy = true;
        Some(Turn { gate: self })
    }
}

impl<S> Drop for Turn<'_, S> {
    fn drop(&mut self) {
        self.gate.lock().busy = false;
        self.gate.free.notify_all();
    }
}
