//! The read path of [`CachingProvider`]: what every signed call pays to
//! get its credentials, against the floor of cloning an `Arc` (what any
//! cache that hands out shared credentials must do), on 1 and 2 threads.
//!
//! On 2 threads the baseline clones one `Arc` from both threads, as a
//! cache built on one shared `Arc` would; the figures are wall time per
//! call per thread.

use std::hint::black_box;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use criterion::{Criterion, criterion_group, criterion_main};
use sts_blocking::credentials::{CachingProvider, ProvideCredentials, StaticProvider};
use sts_proto::Credentials;

fn credentials() -> Credentials {
    Credentials::new(
        "ASIAEXAMPLEEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some(sts_proto::SecretString::new("x".repeat(1024))),
    )
    .with_expiration(SystemTime::now() + Duration::from_secs(3600))
}

/// `iters` calls of `f` on each of `threads` threads started together;
/// the wall time from the start to the last one done.
fn on_threads(threads: usize, iters: u64, f: &(dyn Fn() + Sync)) -> Duration {
    let barrier = Barrier::new(threads + 1);
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    for _ in 0..iters {
                        f();
                    }
                })
            })
            .collect();
        barrier.wait();
        let start = Instant::now();
        for h in handles {
            h.join().expect("bench thread");
        }
        start.elapsed()
    })
}

fn bench(c: &mut Criterion) {
    let shared = Arc::new(credentials());
    let cache = CachingProvider::new(StaticProvider::new(credentials()));
    // Warm: the first read fetches and installs this thread's copy.
    let _ = cache.provide_credentials().expect("static credentials");

    let clone_arc = || {
        black_box(Arc::clone(black_box(&shared)));
    };
    let cached_read = || {
        black_box(cache.provide_credentials().expect("cached"));
    };

    let mut group = c.benchmark_group("credentials");
    group.bench_function("baseline_arc_clone/1", |b| b.iter(clone_arc));
    group.bench_function("cached_read/1", |b| b.iter(cached_read));
    group.bench_function("baseline_arc_clone/2", |b| {
        b.iter_custom(|iters| on_threads(2, iters, &clone_arc))
    });
    group.bench_function("cached_read/2", |b| {
        b.iter_custom(|iters| on_threads(2, iters, &cached_read))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
