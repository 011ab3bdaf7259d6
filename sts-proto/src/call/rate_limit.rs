//! The adaptive retry mode's client-side rate limiter, as the AWS SDKs
//! define it: a token bucket that every attempt draws one token from, whose
//! refill rate follows CUBIC congestion control — cut to 70 % of the
//! measured send rate on each throttling answer, then grown back along a
//! cubic curve as successes come in.
//!
//! Until the first throttling answer the bucket is off and costs nothing,
//! so a client that is never throttled sends exactly as in standard mode.
//! Time is the caller's monotonic time in seconds; nothing here reads a
//! clock or sleeps: [`RateLimiter::acquire`] says how long to wait.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// The smallest refill rate, in tokens per second: however hard the
/// throttling, a call can still send every two seconds.
const MIN_FILL_RATE: f64 = 0.5;
/// The smallest bucket: one request can always be stored up.
const MIN_CAPACITY: f64 = 1.0;
/// Weight of the newest half-second in the measured send rate.
const SMOOTH: f64 = 0.8;
/// CUBIC's multiplicative decrease on throttling.
const BETA: f64 = 0.7;
/// CUBIC's scaling constant (how fast the rate grows back).
const SCALE_CONSTANT: f64 = 0.4;
/// The width of a send-rate measurement bucket, in seconds.
const RATE_BUCKET: f64 = 0.5;

/// The client-side rate limiter of the adaptive retry mode, shared by all
/// calls of a client (it lives beside the [`RetryQuota`](crate::retry::RetryQuota)).
///
/// `now` arguments are monotonic time since one origin, the same for every
/// caller of one limiter.
#[derive(Debug, Default)]
pub struct RateLimiter {
    state: Mutex<Limiter>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Limiter {
    /// Set by the first throttling answer; until then nothing is paced.
    enabled: bool,
    /// Tokens per second.
    fill_rate: f64,
    capacity: f64,
    /// Tokens in the bucket; negative while reservations wait for refill.
    tokens: f64,
    /// Every token ever put in (refills and refunds): a reservation waits
    /// until this reaches its ticket, at whatever rate it then grows.
    supplied: f64,
    last_refill: Option<f64>,
    /// The smoothed rate at which this client sends, requests per second.
    measured_rate: f64,
    /// Start of the current measurement bucket, and requests seen in it.
    rate_bucket: f64,
    requests_in_bucket: u64,
    /// The rate at the last throttling answer (CUBIC's `W_max`).
    last_max_rate: f64,
    last_throttle: f64,
}

impl RateLimiter {
    /// A limiter that paces nothing until the first throttling answer.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Limiter> {
        // The state is a handful of numbers that every update leaves
        // consistent, so a panic elsewhere while it was held harms nothing.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reserves a token for one attempt at `now`: the wait before sending,
    /// zero while the bucket has a token (or the limiter is off).
    ///
    /// The token is taken even when the bucket is empty, so callers that
    /// come later wait behind this one instead of racing it.
    pub fn acquire(&self, now: Duration) -> Duration {
        self.reserve(now).0
    }

    /// [`acquire`](Self::acquire), with the reservation's ticket for
    /// [`wait_for`](Self::wait_for): `None` when nothing is to wait for.
    pub(crate) fn reserve(&self, now: Duration) -> (Duration, Option<f64>) {
        let mut s = self.lock();
        if !s.enabled {
            return (Duration::ZERO, None);
        }
        s.refill(now.as_secs_f64());
        s.tokens -= 1.0;
        if s.tokens >= 0.0 {
            return (Duration::ZERO, None);
        }
        let ticket = s.supplied - s.tokens;
        (s.wait_until(ticket), Some(ticket))
    }

    /// What is left to wait at `now` for the token of `ticket`, at the
    /// rate of now: a rate that grew while the caller slept (successes
    /// coming in) shortens it, where the wait [`reserve`](Self::reserve)
    /// first gave was fixed (a review measured 64 callers paced at about
    /// one request a second long after the throttling stopped).
    pub(crate) fn wait_for(&self, now: Duration, ticket: f64) -> Duration {
        let mut s = self.lock();
        if !s.enabled {
            return Duration::ZERO;
        }
        s.refill(now.as_secs_f64());
        s.wait_until(ticket)
    }

    /// Gives back the token [`acquire`](Self::acquire) reserved for an
    /// attempt that will not be sent (its call ran out of time waiting):
    /// kept, it would make every later caller wait for a request that
    /// never went out, and callers that give up faster than the bucket
    /// refills would lock the client out for good.
    pub fn refund(&self) {
        let mut s = self.lock();
        if s.enabled {
            s.put(1.0);
        }
    }

    /// Gives back the token reserved with `ticket` for an attempt that will
    /// not be sent. The newest reservation (a caller that gives up at once,
    /// its wait past its timeout: nearly every case) is cancelled, so that
    /// the waits before it stay as they were; any other goes back as a
    /// [`refund`](Self::refund), which lets the waits before it end a token
    /// sooner (cancelling a reservation in the middle could leave a later
    /// one uncovered for ever: the bucket only fills up to its capacity).
    pub(crate) fn cancel(&self, ticket: f64) {
        let mut s = self.lock();
        if !s.enabled {
            return;
        }
        // Each reservation moves the newest ticket on by exactly one.
        let newest = s.supplied - s.tokens;
        if (ticket - newest).abs() < 0.5 {
            s.tokens += 1.0;
        } else {
            s.put(1.0);
        }
    }

    /// Feeds one attempt's outcome at `now`: a throttling answer lowers the
    /// rate (and turns the limiter on), anything else lets it grow.
    pub fn update(&self, now: Duration, throttled: bool) {
        self.lock().update(now.as_secs_f64(), throttled);
    }

    /// Whether a throttling answer has turned pacing on.
    pub fn is_enabled(&self) -> bool {
        self.lock().enabled
    }

    /// The current refill rate in requests per second: measured from the
    /// first answer on, and pacing nothing until [`is_enabled`](Self::is_enabled).
    pub fn fill_rate(&self) -> f64 {
        self.lock().fill_rate
    }
}

impl Limiter {
    fn refill(&mut self, now: f64) {
        if let Some(last) = self.last_refill {
            self.put((now - last).max(0.0) * self.fill_rate);
        }
        self.last_refill = Some(self.last_refill.map_or(now, |last| last.max(now)));
    }

    /// Puts `added` tokens in, up to the capacity, counting what went in.
    fn put(&mut self, added: f64) {
        let before = self.tokens;
        self.tokens = (self.tokens + added).min(self.capacity).max(before);
        self.supplied += self.tokens - before;
    }

    /// The wait until `supplied` reaches `ticket` at the current rate;
    /// under a millisecond is none (a sleep of the exact wait can leave a
    /// rounding error behind).
    fn wait_until(&self, ticket: f64) -> Duration {
        let missing = ticket - self.supplied;
        let fill_rate = self.fill_rate.max(MIN_FILL_RATE);
        let wait =
            Duration::try_from_secs_f64(missing.max(0.0) / fill_rate).unwrap_or(Duration::MAX);
        if wait < Duration::from_millis(1) {
            Duration::ZERO
        } else {
            wait
        }
    }

    fn update(&mut self, now: f64, throttled: bool) {
        self.refill(now);
        self.measure(now);
        let rate = if throttled {
            let rate = if self.enabled {
                self.measured_rate.min(self.fill_rate)
            } else {
                self.measured_rate
            };
            self.last_max_rate = rate;
            self.last_throttle = now;
            self.enabled = true;
            rate * BETA
        } else {
            let since = now - self.last_throttle - self.time_window();
            SCALE_CONSTANT * since.powi(3) + self.last_max_rate
        };
        // Never more than twice what the client actually sends: a rate it
        // has not tried says nothing about what the service accepts.
        let rate = rate.min(2.0 * self.measured_rate);
        self.fill_rate = rate.max(MIN_FILL_RATE);
        self.capacity = rate.max(MIN_CAPACITY);
        self.tokens = self.tokens.min(self.capacity);
    }

    /// CUBIC's `K`: the time after a throttle at which the curve is back
    /// at the rate it was cut from.
    fn time_window(&self) -> f64 {
        (self.last_max_rate * (1.0 - BETA) / SCALE_CONSTANT).cbrt()
    }

    /// Counts one request into the send rate, smoothed per half second.
    fn measure(&mut self, now: f64) {
        let bucket = (now / RATE_BUCKET).floor() * RATE_BUCKET;
        self.requests_in_bucket = self.requests_in_bucket.saturating_add(1);
        if bucket > self.rate_bucket {
            let current = self.requests_in_bucket as f64 / (bucket - self.rate_bucket);
            self.measured_rate = current * SMOOTH + self.measured_rate * (1.0 - SMOOTH);
            self.requests_in_bucket = 0;
            self.rate_bucket = bucket;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_window_is_cubics_k() {
        // K = cbrt(W_max * (1 - BETA) / SCALE_CONSTANT) = cbrt(10 * 0.3 / 0.4)
        // = cbrt(7.5); botocore's unit test `TestCubicCalculator.test_starting_params` and
        // the Rust SDK's `it_sets_the_time_window_correctly` both expect
        // 1.9574338205844317 for W_max = 10.
        let limiter = Limiter {
            last_max_rate: 10.0,
            ..Limiter::default()
        };
        assert!(
            (limiter.time_window() - 1.957_433_820_584_431_7).abs() < 1e-12,
            "{}",
            limiter.time_window()
        );
    }
}
