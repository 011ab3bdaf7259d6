//! Installs what the tests need from PyPI (moto's venv, cmake and pkgconf,
//! the AWS CLI) before they run.
//!
//! The tests themselves have no network: cargo runs every test binary in a
//! namespace with loopback only (`scripts/no-network.sh`), so nothing they
//! do can reach instance metadata or any other host. This binary is not a
//! test and runs outside it; `scripts/test.sh` runs it first. Each install
//! is pinned and behind a stamp, so a second run takes milliseconds.

/// One install: what it is, and how to get it (its path, or why not).
type Step = (&'static str, fn() -> Result<String, String>);

fn main() {
    let steps: [Step; 3] = [
        ("moto venv", || {
            sts_tests::moto::ensure_venv().map(|p| p.display().to_string())
        }),
        ("cmake and pkg-config", || {
            sts_tests::tools::build_tools().map(|t| t.bin.display().to_string())
        }),
        ("AWS CLI", || {
            sts_tests::tools::awscli().map(|p| p.display().to_string())
        }),
    ];
    let mut failed = false;
    for (what, step) in steps {
        match step() {
            Ok(at) => println!("{what}: {at}"),
            Err(e) => {
                eprintln!("{what}: {e}");
                failed = true;
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}
