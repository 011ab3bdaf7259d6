//! The fuzzing of the `response` target follows the operation registry
//! (`sts_proto::for_each_operation!`): the seed generator reads the same
//! list, the committed corpus has seeds for every operation, and the
//! dictionary knows every operation's elements.

#![forbid(unsafe_code)]

use std::fs;
use std::path::Path;
use std::process::Command;

use sts_fuzz::OPERATIONS;

fn fuzz_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_seed_generator_reads_the_registrys_list() {
    let script = fuzz_dir().join("tools/make_seeds.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg("--operations")
        .output()
        .unwrap_or_else(|e| panic!("python3 {}: {e}", script.display()));
    assert!(
        out.status.success(),
        "{} --operations failed: {}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = String::from_utf8(out.stdout).expect("UTF-8 from make_seeds.py");
    let listed: Vec<&str> = listed.lines().collect();
    assert_eq!(
        listed, OPERATIONS,
        "make_seeds.py reads another list of operations from the registry than \
         sts_proto::ops::ACTIONS: keep each entry of for_each_operation! opening \
         with `(Type, snake_name, \"Action\"`"
    );
}

#[test]
fn every_operation_has_a_success_seed() {
    let seeds: Vec<Vec<u8>> = sts_fuzz::corpus_files("response")
        .iter()
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("seed-"))
        })
        .map(|path| fs::read(path).expect("seed file"))
        .collect();
    let missing: Vec<&str> = OPERATIONS
        .iter()
        .enumerate()
        .filter(|&(index, action)| {
            let root = format!("<{action}Response");
            !seeds.iter().any(|seed| match seed.as_slice() {
                [op, hi, lo, _flags, body @ ..] => {
                    usize::from(*op) == index
                        && (200..300).contains(&u16::from_be_bytes([*hi, *lo]))
                        && String::from_utf8_lossy(body).contains(&root)
                }
                _ => false,
            })
        })
        .map(|(_, action)| *action)
        .collect();
    assert!(
        missing.is_empty(),
        "corpus/response has no success seed of {missing:?}: run \
         `python3 fuzz/tools/make_seeds.py` and commit the new seeds"
    );
}

#[test]
fn the_dictionary_knows_every_operations_elements() {
    let path = fuzz_dir().join("dicts/response.dict");
    let dict = fs::read_to_string(&path).expect("dicts/response.dict");
    for action in OPERATIONS {
        for element in [
            format!("\"<{action}Response>\""),
            format!("\"<{action}Result>\""),
            format!("\"</{action}Response>\""),
            format!("\"</{action}Result>\""),
        ] {
            assert!(
                dict.lines().any(|line| line == element),
                "{} lacks {element}",
                path.display()
            );
        }
    }
}
