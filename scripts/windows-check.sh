#!/usr/bin/env bash
# The workspace builds for Windows, warnings denied: every crate, target
# and feature, for x86_64-pc-windows-gnu. The crates keep Unix-only code
# (file modes, process groups, signals) behind `cfg(unix)`; without this a
# Unix-only call or an item unused off Unix slips in unseen, since every
# other check here runs on Linux. It checks that the code compiles, not
# how it behaves: the tests need Linux (network namespaces, moto).
#
# Installs the target's standard library with rustup and, for ring's C
# code, the MinGW-w64 compiler with apt-get (as root) when missing; when
# either cannot be had, the check fails rather than passing unchecked.
#
#   bash scripts/windows-check.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

target=x86_64-pc-windows-gnu
if ! rustup target list --installed | grep -qx "$target"; then
    echo "windows-check: adding the $target standard library"
    rustup target add "$target" || {
        echo "windows-check: could not add the $target target; Windows builds are unchecked" >&2
        exit 1
    }
fi
if ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -q && apt-get install -y -q --no-install-recommends gcc-mingw-w64-x86-64
    fi
    command -v x86_64-w64-mingw32-gcc >/dev/null || {
        echo "windows-check: no x86_64-w64-mingw32-gcc (apt-get install gcc-mingw-w64-x86-64" \
            "as root), which ring's build needs; Windows builds are unchecked" >&2
        exit 1
    }
fi

# Its own target directory, apart from the main build's.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}/windows"
export RUSTFLAGS="-D warnings"
cargo check --workspace --all-targets --all-features --locked --target "$target"
cargo check --workspace --no-default-features --locked --target "$target"
echo "windows-check: the workspace builds for $target"
