//! Time and chance, injectable: the wall clock used for signing, the sleep
//! between retries, and the random source of the backoff jitter. Tests
//! replace them to assert which delays were chosen without waiting.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// The wall clock.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// Waiting between attempts.
pub trait Sleep: Send + Sync + fmt::Debug {
    /// Blocks the calling thread for `duration`.
    fn sleep(&self, duration: Duration);
}

/// Uniform random numbers in `[0, 1)` for jitter.
pub trait Random: Send + Sync + fmt::Debug {
    /// The next number.
    fn next_f64(&self) -> f64;
}

// Shared and boxed sources are sources, as for transports and
// credential providers.
impl<T: Clock + ?Sized> Clock for std::sync::Arc<T> {
    fn now(&self) -> SystemTime {
        (**self).now()
    }
}

impl<T: Clock + ?Sized> Clock for Box<T> {
    fn now(&self) -> SystemTime {
        (**self).now()
    }
}

impl<T: Sleep + ?Sized> Sleep for std::sync::Arc<T> {
    fn sleep(&self, duration: Duration) {
        (**self).sleep(duration);
    }
}

impl<T: Sleep + ?Sized> Sleep for Box<T> {
    fn sleep(&self, duration: Duration) {
        (**self).sleep(duration);
    }
}

impl<T: Random + ?Sized> Random for std::sync::Arc<T> {
    fn next_f64(&self) -> f64 {
        (**self).next_f64()
    }
}

impl<T: Random + ?Sized> Random for Box<T> {
    fn next_f64(&self) -> f64 {
        (**self).next_f64()
    }
}

/// `duration` scaled by `random`'s next number, through sts-proto's
/// [`sts_proto::retry::jitter`]: a custom source's NaN or out-of-range
/// number cannot make it panic or exceed `duration`.
pub(crate) fn jittered(duration: Duration, random: &dyn Random) -> Duration {
    sts_proto::retry::jitter(duration, random.next_f64())
}

/// A [`Sleep`] that sleeps not at all and keeps what it was asked, for
/// the tests of the client and its transports.
#[cfg(test)]
#[derive(Debug, Default, Clone)]
pub(crate) struct RecordedSleeps(std::sync::Arc<std::sync::Mutex<Vec<Duration>>>);

#[cfg(test)]
impl RecordedSleeps {
    /// The sleeps asked for so far, in order.
    pub(crate) fn taken(&self) -> Vec<Duration> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[cfg(test)]
impl Sleep for RecordedSleeps {
    fn sleep(&self, duration: Duration) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(duration);
    }
}

/// Timeouts at or beyond this are no timeouts: a deadline that far off
/// would never be reached, and adding it to an `Instant` can overflow.
pub const UNBOUNDED_TIMEOUT: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// `timeout`, with a huge one (such as [`Duration::MAX`]) read as none.
///
/// Every place that turns a timeout into a deadline goes through this, so
/// that no caller-chosen duration can make a deadline computation panic.
pub fn bounded_timeout(timeout: Option<Duration>) -> Option<Duration> {
    timeout.filter(|t| *t < UNBOUNDED_TIMEOUT)
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// `std::thread::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreadSleep;

impl Sleep for ThreadSleep {
    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// A small, fast generator (SplitMix64) seeded from the standard library's
/// per-process random hash keys. Jitter needs spread, not secrecy, so a
/// cryptographic generator (and a dependency for it) would buy nothing.
#[derive(Debug)]
pub struct Jitter {
    state: AtomicU64,
}

impl Default for Jitter {
    fn default() -> Self {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(0x5354_535f_6a69_7474);
        Self::with_seed(hasher.finish())
    }
}

impl Jitter {
    /// A generator with a fixed seed, for reproducible runs.
    pub fn with_seed(seed: u64) -> Self {
        Self {
            state: AtomicU64::new(seed),
        }
    }
}

impl Random for Jitter {
    fn next_f64(&self) -> f64 {
        let mut z = self
            .state
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        // The top 53 bits, as a fraction in [0, 1).
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_in_range_and_spreads() {
        let j = Jitter::with_seed(7);
        let draws: Vec<f64> = (0..1000).map(|_| j.next_f64()).collect();
        assert!(draws.iter().all(|d| (0.0..1.0).contains(d)));
        let low = draws.iter().filter(|d| **d < 0.5).count();
        assert!((400..600).contains(&low), "{low}");
    }

    /// The first outputs of SplitMix64 from seed 0, as its reference
    /// implementation (Vigna, `splitmix64.c`) gives them, as fractions.
    #[test]
    fn jitter_is_splitmix64() {
        let j = Jitter::with_seed(0);
        for reference in [
            0xe220_a839_7b1d_cdaf_u64,
            0x6e78_9e6a_a1b9_65f4,
            0x06c4_5d18_8009_454f,
        ] {
            let want = (reference >> 11) as f64 / (1u64 << 53) as f64;
            assert_eq!(j.next_f64(), want, "{reference:#x}");
        }
    }

    #[derive(Debug)]
    struct Always(f64);

    impl Random for Always {
        fn next_f64(&self) -> f64 {
            self.0
        }
    }

    #[test]
    fn any_draw_jitters_within_the_duration_without_a_panic() {
        let second = Duration::from_secs(1);
        for (draw, want) in [
            (0.5, Duration::from_millis(500)),
            (f64::NAN, Duration::ZERO),
            (f64::INFINITY, Duration::ZERO),
            (-3.0, Duration::ZERO),
            (7.0, second),
        ] {
            assert_eq!(jittered(second, &Always(draw)), want, "{draw}");
        }
        assert_eq!(jittered(Duration::MAX, &Always(1.0)), Duration::MAX);
    }

    #[test]
    fn the_default_sleep_sleeps() {
        let start = std::time::Instant::now();
        ThreadSleep.sleep(Duration::from_millis(20));
        assert!(start.elapsed() >= Duration::from_millis(20));
    }

    #[test]
    fn only_a_century_or_more_is_no_timeout() {
        let year = Duration::from_secs(365 * 24 * 60 * 60);
        for kept in [Duration::ZERO, Duration::from_secs(1), 10 * year, 99 * year] {
            assert_eq!(bounded_timeout(Some(kept)), Some(kept), "{kept:?}");
        }
        for none in [100 * year, 1000 * year, Duration::MAX] {
            assert_eq!(bounded_timeout(Some(none)), None, "{none:?}");
        }
        assert_eq!(bounded_timeout(None), None);
    }
}
