#!/usr/bin/env bash
# The workspace builds, warnings denied, with the oldest Rust it declares
# (`rust-version` in Cargo.toml): a user on that toolchain gets a build, not
# an error about a language feature that came later. Clippy's
# `incompatible_msrv` lint catches newer library APIs, but not newer
# syntax; only the old compiler does (`if let` guards once slipped in).
#
# Installs that toolchain with rustup when missing (minimal profile); when
# it cannot, the check fails rather than passing unchecked.
#
#   bash scripts/msrv-check.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

msrv="$(sed -n 's/^rust-version *= *"\([0-9.]*\)".*/\1/p' Cargo.toml | head -n 1)"
if [ -z "$msrv" ]; then
    echo "msrv-check: no rust-version in $root/Cargo.toml" >&2
    exit 1
fi

if ! rustup run "$msrv" rustc --version >/dev/null 2>&1; then
    echo "msrv-check: installing Rust $msrv (minimal profile)"
    if ! rustup toolchain install "$msrv" --profile minimal; then
        echo "msrv-check: could not install Rust $msrv; the declared minimum is unchecked" >&2
        exit 1
    fi
fi
echo "msrv-check: $(rustup run "$msrv" rustc --version)"

# Its own target directory: another compiler's artifacts would only
# displace the main build's.
target="${CARGO_TARGET_DIR:-$root/target}/msrv"
export RUSTFLAGS="-D warnings"
# Every target and feature (the `sts` tool, tests, benches, examples), then
# the libraries with no default features, whose code paths differ.
CARGO_TARGET_DIR="$target" cargo "+$msrv" check --workspace --all-targets --all-features --locked
CARGO_TARGET_DIR="$target" cargo "+$msrv" check --workspace --no-default-features --locked
echo "msrv-check: the workspace builds with Rust $msrv"
