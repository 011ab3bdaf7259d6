//! Replays every committed corpus file through its target on stable Rust,
//! so that the seeds and every crash ever found stay fixed without
//! libFuzzer: `cargo test --manifest-path fuzz/Cargo.toml`.
//!
//! Each input is also held to its heap bound ([`sts_fuzz::run_bounded`]),
//! as under libFuzzer: the heap is counted by the global allocator below,
//! process-wide, so the tests take turns.

#![forbid(unsafe_code)]

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

#[global_allocator]
static HEAP: peak_alloc::PeakAlloc = peak_alloc::PeakAlloc;

/// One test at a time: another test's inputs would count in this one's peaks.
static TURN: Mutex<()> = Mutex::new(());

fn my_turn() -> MutexGuard<'static, ()> {
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What a committed corpus file may be called: `seed-*` (written by
/// `tools/make_seeds.py`), `regression-*` (a bug's reproducer) or `found-*`
/// (a long run's finds, merged). libFuzzer's own names (40 hex digits) mean
/// a run wrote into the committed corpus instead of a scratch folder.
fn check_names(target: &str) {
    let stray: Vec<String> = sts_fuzz::corpus_files(target)
        .iter()
        .filter_map(|path| path.file_name()?.to_str().map(str::to_owned))
        .filter(|name| {
            !["seed-", "regression-", "found-"]
                .iter()
                .any(|prefix| name.starts_with(prefix))
        })
        .collect();
    assert!(
        stray.is_empty(),
        "corpus/{target} has files of no known kind: {stray:?}"
    );
}

fn replay(target: &str) {
    let _turn = my_turn();
    let (_, run) = sts_fuzz::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .unwrap_or_else(|| panic!("no target {target}"));
    let files = sts_fuzz::corpus_files(target);
    assert!(!files.is_empty(), "the {target} corpus is empty");
    let mut failures = Vec::new();
    for file in &files {
        let data = fs::read(file).expect("corpus file");
        let bounded = sts_fuzz::BOUNDED.contains(&target);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            if bounded {
                sts_fuzz::run_bounded(*run, &data);
            } else {
                run(&data);
            }
        }));
        if outcome.is_err() {
            failures.push(file.display().to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} {target} inputs failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

/// A check of the check: an input that costs more heap than its bound is
/// a finding. The greedy target goes 1 MiB over the bound, not one byte:
/// the harness may free a finished test's captured output while this one
/// runs, which lowers the process-wide count by that much.
#[test]
fn the_heap_bound_is_enforced() {
    let _turn = my_turn();
    let greedy: sts_fuzz::Target = |data| {
        std::hint::black_box(vec![1u8; sts_fuzz::heap_bound(data.len()) + (1 << 20)]);
    };
    assert!(catch_unwind(|| sts_fuzz::run_bounded(greedy, b"x")).is_err());
    let modest: sts_fuzz::Target = |data| {
        std::hint::black_box(vec![1u8; sts_fuzz::heap_bound(data.len()) / 2]);
    };
    sts_fuzz::run_bounded(modest, b"x");
}

macro_rules! replay_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                replay(stringify!($name));
            }
        )*

        /// Every target has a test above, a `[[bin]]` and a corpus folder.
        #[test]
        fn every_target_is_replayed_and_built() {
            let tested = [$(stringify!($name)),*];
            let targets: Vec<&str> = sts_fuzz::TARGETS.iter().map(|(name, _)| *name).collect();
            assert_eq!(tested.as_slice(), targets.as_slice());
            let manifest = fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("Cargo.toml");
            let bins: Vec<&str> = manifest
                .split("[[bin]]")
                .skip(1)
                .filter_map(|bin| bin.lines().find_map(|l| l.strip_prefix("name = ")))
                .map(|name| name.trim_matches('"'))
                .collect();
            assert_eq!(bins, targets, "[[bin]] targets and TARGETS differ");
            for target in targets {
                let wrapper = fuzz_dir().join("fuzz_targets").join(format!("{target}.rs"));
                let text = fs::read_to_string(&wrapper).expect("fuzz_targets file");
                // Whitespace aside, as rustfmt may break the line.
                let text: String = text.split_whitespace().collect();
                let (call, counts) = if sts_fuzz::BOUNDED.contains(&target) {
                    (format!("sts_fuzz::run_bounded(sts_fuzz::{target},data)"), true)
                } else {
                    (format!("sts_fuzz::{target}(data)"), false)
                };
                assert!(text.contains(&call), "{} does not call {call}", wrapper.display());
                assert_eq!(
                    text.contains("#[global_allocator]"),
                    counts,
                    "{}: a counting allocator exactly where inputs are bounded",
                    wrapper.display()
                );
                assert!(Path::new(&fuzz_dir().join("corpus").join(target)).is_dir());
                check_names(target);
            }
        }
    };
}

replay_tests!(
    response,
    timestamp,
    http_date,
    endpoint,
    form,
    sigv4,
    profile,
    credential_process,
    credential_sources,
    yaml_input,
    shorthand,
);
