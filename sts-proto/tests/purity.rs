//! `sts-proto` is sans-IO: no sockets, files, environment, threads or
//! clock reads. The compiler cannot say so, so this test reads the source:
//! any of those APIs outside a comment fails it. So that a renamed import
//! cannot hide one, imports from `std` name each module in full (no
//! `use std::{…}` groups, no `std as …`), and any `::now`, `::elapsed` or
//! `.elapsed()` is refused whatever type it is called on.

use std::path::Path;

const FORBIDDEN: &[&str] = &[
    "std::net",
    "std::fs",
    "std::env",
    "std::thread",
    "std::process",
    "SystemTime::now",
    "Instant::now",
    "UNIX_EPOCH.elapsed",
    // A clock read through an alias (`use std::time::SystemTime as Clock`).
    ".elapsed()",
    // Modules imported in a group or through a renamed crate, which the
    // paths above would not see.
    "std::{",
    "std as ",
    "extern crate",
];

/// The clock reads by path, whatever the type is called here
/// (`Clock::now()`, `map(Clock::now)`, `Clock::elapsed(&t)`).
const CLOCK_PATHS: &[&str] = &["::now", "::elapsed"];

/// Whether `code` names `path` as a whole segment (`::now`, not
/// `::nowhere`).
fn names(code: &str, path: &str) -> bool {
    code.match_indices(path).any(|(at, m)| {
        !code[at + m.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

fn scan(dir: &Path, found: &mut Vec<String>, files: &mut usize) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            scan(&path, found, files);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        *files += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            let clock = CLOCK_PATHS.iter().copied().filter(|p| names(code, p));
            for api in FORBIDDEN
                .iter()
                .copied()
                .filter(|api| code.contains(api))
                .chain(clock)
            {
                found.push(format!(
                    "{}:{}: {api}: {}",
                    path.display(),
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
}

#[test]
fn the_protocol_core_does_no_io_and_reads_no_clock() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let (mut found, mut files) = (Vec::new(), 0);
    scan(&src, &mut found, &mut files);
    assert!(files > 20, "scanned only {files} files");
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The check of the check: the ways round the plain paths are seen.
#[test]
fn renamed_imports_and_aliased_clocks_are_seen() {
    let dir = std::env::temp_dir().join(format!("sts-proto-purity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("sneaky.rs"),
        "use std::{env, fs, time::SystemTime as Clock};\n\
         fn f() { let _ = (env::var_os(\"X\"), fs::read(\"y\"), Clock::now()); }\n\
         fn g(t: Clock) { let _ = t.elapsed(); }\n\
         fn h() -> fn() -> Clock { Clock::now }\n\
         fn fine() { let _ = \"::nowhere\"; } // Clock::now() in a comment\n\
         fn k(t: Clock) { let _ = Clock::elapsed(&t); }\n",
    )
    .unwrap();
    let (mut found, mut files) = (Vec::new(), 0);
    scan(&dir, &mut found, &mut files);
    std::fs::remove_dir_all(&dir).unwrap();
    let lines: Vec<&str> = found
        .iter()
        .map(|f| f.split(':').nth(1).unwrap_or_default())
        .collect();
    assert_eq!(lines, ["1", "2", "3", "4", "6"], "{found:#?}");
}
