//! Replays every committed corpus file through its target on stable Rust,
//! so that the seeds and every crash ever found stay fixed without
//! libFuzzer: `cargo test --manifest-path fuzz/Cargo.toml`.

#![forbid(unsafe_code)]

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus_files(target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join("corpus").join(target);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("no corpus folder {}: {e}", dir.display()))
        .map(|entry| entry.expect("corpus entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// What a committed corpus file may be called: `seed-*` (written by
/// `tools/make_seeds.py`), `regression-*` (a bug's reproducer) or `found-*`
/// (a long run's finds, merged). libFuzzer's own names (40 hex digits) mean
/// a run wrote into the committed corpus instead of a scratch folder.
fn check_names(target: &str) {
    let stray: Vec<String> = corpus_files(target)
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
    let (_, run) = sts_fuzz::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .unwrap_or_else(|| panic!("no target {target}"));
    let files = corpus_files(target);
    assert!(!files.is_empty(), "the {target} corpus is empty");
    let mut failures = Vec::new();
    for file in &files {
        let data = fs::read(file).expect("corpus file");
        if catch_unwind(AssertUnwindSafe(|| run(&data))).is_err() {
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
                assert!(text.contains(&format!("sts_fuzz::{target}(")), "{}", wrapper.display());
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
);
