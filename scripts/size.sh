#!/usr/bin/env bash
# Builds the `sts` tool as it is shipped and prints its size: the `dist`
# profile (size-optimised, whole-program LTO, panic = abort, stripped; see
# the workspace Cargo.toml), with build paths cut from the panic locations
# and, where the linker is LLD, identical functions folded and the unwind
# tables left out (scripts/discard-unwind-tables.ld: the binary never
# unwinds; a panic prints its message without a backtrace).
#
#   bash scripts/size.sh            # build, print the size in bytes and MiB
#   bash scripts/size.sh --relr     # also pack relative relocations: about
#                                   # 100 KB smaller, but the binary then
#                                   # needs glibc 2.36 or later
#   bash scripts/size.sh --nice     # build under `nice -n 19`
#
# The binary is target/dist/sts: about 2,775,000 bytes (2.65 MiB) on x86_64 Linux,
# against a budget of 2.7 MiB that scripts/dist-check.sh holds it to (about
# 100 KB less with --relr).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

relr=0
nice_cmd=()
for arg in "$@"; do
    case "$arg" in
        --relr) relr=1 ;;
        --nice) nice_cmd=(nice -n 19) ;;
        *) echo "size.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

flags=(
    # Panic messages name their source file; without the build machine's
    # home and checkout folders in them the paths are shorter and say
    # nothing about where the binary was built.
    "--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}/registry/src="
    "--remap-path-prefix=$root=sts-rs"
)
host="$(rustc -vV | sed -n 's/^host: //p')"
# LLD has been Rust's default linker on this target since 1.90; other
# targets may link with GNU ld, which knows neither flag.
if [ "$host" = x86_64-unknown-linux-gnu ]; then
    flags+=("-C" "link-arg=-Wl,--icf=all")
    # No unwind tables (see the script): the binary never unwinds.
    flags+=("-C" "link-arg=-Wl,--no-eh-frame-hdr")
    flags+=("-C" "link-arg=-Wl,-T,$root/scripts/discard-unwind-tables.ld")
    if [ "$relr" = 1 ]; then
        flags+=("-C" "link-arg=-Wl,-z,pack-relative-relocs")
    fi
elif [ "$relr" = 1 ]; then
    echo "size.sh: --relr is only known to work on x86_64-unknown-linux-gnu" >&2
    exit 2
fi

# Separated by 0x1f, as Cargo reads them, so that folders with spaces pass
# whole; this replaces RUSTFLAGS for the build.
encoded="$(IFS=$'\x1f'; echo "${flags[*]}")"
CARGO_ENCODED_RUSTFLAGS="$encoded" \
    "${nice_cmd[@]}" cargo build --locked --profile dist -p sts-blocking --features cli --bin sts

# Where cargo put it: CARGO_TARGET_DIR when set, as for any cargo build.
bin="${CARGO_TARGET_DIR:-$root/target}/dist/sts"
bytes="$(stat -c %s "$bin")"
awk -v b="$bytes" -v p="$bin" 'BEGIN { printf "%s: %d bytes (%.2f MiB)\n", p, b, b / 1048576 }'
