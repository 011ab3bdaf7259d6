#!/usr/bin/env bash
# Runs every test of the project: formatting and lints, the whole workspace's
# tests (the integration tests start and stop the servers they need), and the
# extra checks added by the later stages. Needs only the Rust toolchain,
# Python 3 and a C compiler; whatever else it needs it installs under
# target/, except valgrind and libcurl's headers, which come from apt-get
# (as root).
set -euo pipefail
cd "$(dirname "$0")/.."

# Disk: a clean run with full debug info and incremental caches filled
# 7.7 GB of target/, and a CI machine with less free ran out mid-build.
# Line tables keep panics' backtraces readable; a one-off build gains
# nothing from incremental caches. Both can be overridden from outside.
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
echo "== disk: $(df -Pk . | awk 'NR==2 {printf "%.1f GiB", $4/1048576}') free here at the start"

echo "== cargo fmt --check"
cargo fmt --all -- --check

# Every feature, so that the `sts` tool (feature `cli`) is linted,
# documented and tested like the rest.
echo "== cargo clippy (all features)"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

echo "== cargo doc (all features, warnings denied)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --all-features --locked

echo "== the declared minimum Rust (rust-version) builds the workspace"
bash scripts/msrv-check.sh

echo "== the oldest dependency versions the manifests allow build, and the libraries' unit tests pass"
bash scripts/min-versions-check.sh

echo "== the workspace builds for Windows (x86_64-pc-windows-gnu), warnings denied"
bash scripts/windows-check.sh

echo "== test tools from PyPI (moto, cmake, pkgconf, AWS CLI), before the tests lose the network"
cargo run -p sts-tests --bin sts-test-tools --locked

# Checks that cannot run here (a missing tool) say so in this file, which
# is printed at the end; under CI (variable CI set, as .ci/run sets it) such
# a check fails instead.
skipped=target/skipped-checks.txt
mkdir -p target && rm -f "$skipped"
report_skips() {
    if [ -s "$skipped" ]; then
        echo "== SKIPPED checks (a tool is missing; each would fail under CI):"
        cat "$skipped"
    fi
}
trap report_skips EXIT

# valgrind runs the C programs and the sts-ffi freed-memory checks under
# memcheck; installed from the distribution when missing and run as root.
echo "== valgrind"
if valgrind --version >/dev/null 2>&1; then
    echo "present"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -q && apt-get install -y -q valgrind \
        || echo "could not install valgrind: the memcheck tests will say so"
else
    echo "missing (apt-get install valgrind as root): the memcheck tests will say so"
fi

# sts-ffi/examples/exchange_curl.c builds against libcurl; its test
# (tests/ffi_curl_example.rs) fails under CI without the headers, and skips
# elsewhere. Installed from the distribution when missing and run as root.
echo "== libcurl headers for the C exchange example"
if printf '#include <curl/curl.h>\n' | "${CC:-cc}" -E -x c - >/dev/null 2>&1; then
    echo "present"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -q && apt-get install -y -q libcurl4-openssl-dev \
        || echo "could not install libcurl4-openssl-dev: the example's test will say so"
else
    echo "missing (apt-get install libcurl4-openssl-dev as root): the example's test will say so"
fi

# Every test binary runs in a network namespace with loopback only
# (.cargo/config.toml's runner, scripts/no-network.sh; tests/tests/network_guard.rs
# proves it), so no test can reach instance metadata or another host.
echo "== cargo test (all features)"
cargo test --workspace --all-features --locked

echo "== the shipped sts (dist profile): size budget and one signed call"
bash scripts/dist-check.sh

echo "== anchor bench: format only (it compiles aws-sdk-sts; scripts/anchor-bench.sh runs it)"
cargo fmt --manifest-path tests/anchor/Cargo.toml -- --check

echo "== fuzz: format, lints and corpus replay (stable)"
cargo fmt --manifest-path fuzz/Cargo.toml -- --check
cargo clippy --manifest-path fuzz/Cargo.toml --all-targets --locked -- -D warnings
cargo test --manifest-path fuzz/Cargo.toml --locked

echo "== fuzz: every target for 10 s (nightly, cargo-fuzz)"
bash scripts/fuzz.sh 10
