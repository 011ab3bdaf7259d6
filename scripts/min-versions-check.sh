#!/usr/bin/env bash
# The workspace builds with the oldest versions its manifests allow for
# each direct dependency (cargo's `-Z direct-minimal-versions`): a user
# whose lock file holds an older `log` or `base64` than ours, but one our
# requirements accept, gets a build, not a missing method or a resolution
# conflict. Our own Cargo.lock takes the newest versions, so without this
# nothing notices a requirement that says less than the code needs (ureq
# itself needed newer `base64`, `log` and `percent-encoding` than we
# required, and a test dependency's oldest release no longer compiles).
#
# Works on a copy of the sources, so the lock file here is not touched.
# Resolving with that flag takes a nightly cargo: the nightly toolchain if
# there is one, else the default one with RUSTC_BOOTSTRAP=1.
#
#   bash scripts/min-versions-check.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if cargo +nightly --version >/dev/null 2>&1; then
    resolver=(cargo +nightly)
else
    resolver=(env RUSTC_BOOTSTRAP=1 cargo)
fi

copy="$(mktemp -d "${TMPDIR:-/tmp}/sts-min-versions.XXXXXX")"
trap 'rm -rf "$copy"' EXIT
# The workspace's sources as they stand here, without build output.
tar -C "$root" --exclude=./.git --exclude=./target --exclude=./fuzz/target \
    --exclude=./tests/anchor/target -cf - . | tar -C "$copy" -xf -
test -f "$copy/Cargo.toml" || { echo "min-versions-check: copying the sources failed" >&2; exit 1; }

cd "$copy"
"${resolver[@]}" update -Z direct-minimal-versions
# Its own target directory: the old versions would displace the main
# build's artifacts.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}/min-versions"
export RUSTFLAGS="-D warnings"
cargo check --workspace --all-targets --all-features --locked
# The protocol core's and the client's own tests: what the old versions do
# must also be right, not only compile (the integration tests with servers
# and C programs run once, with the lock file's versions).
cargo test -p sts-proto -p sts-blocking --all-features --lib --locked
echo "min-versions-check: the workspace builds, and its libraries' unit tests pass, with the oldest direct dependencies its manifests allow"
