#!/usr/bin/env bash
# Runs every test of the project: formatting and lints, the whole workspace's
# tests (the integration tests start and stop the servers they need), and the
# extra checks added by the later stages. Needs only the Rust toolchain and
# Python 3; whatever else it needs it installs under target/.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check

# Every feature, so that the `sts` tool (feature `cli`) is linted,
# documented and tested like the rest.
echo "== cargo clippy (all features)"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

echo "== cargo doc (all features, warnings denied)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --all-features --locked

echo "== test tools from PyPI (moto, cmake, pkgconf, AWS CLI), before the tests lose the network"
cargo run -p sts-tests --bin sts-test-tools --locked

# Every test binary runs in a network namespace with loopback only
# (.cargo/config.toml's runner, scripts/no-network.sh; tests/network_guard.rs
# proves it), so no test can reach instance metadata or another host.
echo "== cargo test (all features)"
cargo test --workspace --all-features --locked

echo "== anchor bench: format only (it compiles aws-sdk-sts; scripts/anchor-bench.sh runs it)"
cargo fmt --manifest-path tests/anchor/Cargo.toml -- --check

echo "== fuzz: format, lints and corpus replay (stable)"
cargo fmt --manifest-path fuzz/Cargo.toml -- --check
cargo clippy --manifest-path fuzz/Cargo.toml --all-targets --locked -- -D warnings
cargo test --manifest-path fuzz/Cargo.toml --locked

echo "== fuzz: every target for 10 s (nightly, cargo-fuzz)"
bash scripts/fuzz.sh 10
