//! `sts-proto` is sans-IO: no sockets, files, environment, threads or
//! clock reads. The compiler cannot say so, so this test reads the source:
//! any of those APIs outside a comment fails it.

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
];

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
            for api in FORBIDDEN {
                if code.contains(api) {
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
}

#[test]
fn the_protocol_core_does_no_io_and_reads_no_clock() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let (mut found, mut files) = (Vec::new(), 0);
    scan(&src, &mut found, &mut files);
    assert!(files > 20, "scanned only {files} files");
    assert!(found.is_empty(), "{}", found.join("\n"));
}
