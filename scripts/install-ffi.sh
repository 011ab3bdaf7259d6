#!/usr/bin/env bash
# Builds the sts-ffi C library (release) and installs it under PREFIX:
#
#   PREFIX/include/sts.h
#   PREFIX/lib/libsts_ffi.a
#   PREFIX/lib/libsts_ffi.so.X.Y.Z            the shared library, SONAME libsts_ffi.so.A
#   PREFIX/lib/libsts_ffi.so.A -> libsts_ffi.so.X.Y.Z   what programs load
#   PREFIX/lib/libsts_ffi.so   -> libsts_ffi.so.A       what `-lsts_ffi` links
#   PREFIX/lib/pkgconfig/sts.pc                         `pkg-config sts`, and
#                                    CMake's pkg_check_modules (sts-ffi/README.md)
#
# Usage: scripts/install-ffi.sh PREFIX     (a relative PREFIX is taken from
#                                           the current directory)
#
# Environment:
#   DESTDIR           stage the files under DESTDIR/PREFIX (for packagers);
#                     sts.pc still names PREFIX, where they will end up
#   CARGO             the cargo to build with (default: cargo)
#   CARGO_TARGET_DIR  where to build (default: <workspace>/target)
#
# A is the ABI version: X, or 0.Y while X is 0 (as Cargo reads semantic
# versions; see sts-ffi/build.rs).
#
# Linux only: the versioned names and symlinks are the ELF shared-library
# convention. The loader finds libsts_ffi.so.A in the directories it is
# configured for (/usr/local/lib on Debian) once `ldconfig` has run, which
# this script leaves to you; for any other PREFIX, link with
# `-Wl,-rpath,PREFIX/lib` (CMake does that for programs in its build tree).
set -euo pipefail

usage() {
    echo "usage: $0 PREFIX   (e.g. $0 /usr/local)" >&2
    exit 2
}
[ $# -eq 1 ] && [ -n "$1" ] || usage

prefix="$1"
case "$prefix" in
    /*) ;;
    *) prefix="$(pwd)/$prefix" ;;
esac
# Strip trailing slashes ("/usr/local/" -> "/usr/local"), keeping "/".
while [ "${#prefix}" -gt 1 ] && [ "${prefix%/}" != "$prefix" ]; do
    prefix="${prefix%/}"
done
# pkg-config splits its flags at white space, so a PREFIX with a space
# would install a sts.pc that points nowhere.
case "$prefix" in
    *[[:space:]]*)
        echo "install-ffi.sh: PREFIX may not contain white space: '$prefix'" >&2
        exit 2
        ;;
esac

if [ "$(uname -s)" != "Linux" ]; then
    echo "install-ffi.sh: only Linux is supported; elsewhere see 'Building and installing' in sts-ffi/README.md" >&2
    exit 1
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cargo="${CARGO:-cargo}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"

# `cargo pkgid` prints `path+file:///…/sts-ffi#0.1.0` (or `…#sts-ffi@0.1.0`).
version="$("$cargo" pkgid --locked -p sts-ffi | sed 's/.*[#@]//')"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "install-ffi.sh: cannot read sts-ffi's version (got '$version')" >&2
    exit 1
fi
major="${version%%.*}"
minor="${version#*.}"
minor="${minor%%.*}"
abi="$major"
if [ "$major" = 0 ]; then
    abi="0.$minor"
fi

echo "install-ffi.sh: building sts-ffi $version (release)" >&2
"$cargo" build --release --locked -p sts-ffi --lib --target-dir "$target_dir"
built="$target_dir/release"

# The SONAME comes from sts-ffi/build.rs; a library without it would make
# every program record the unversioned name, so refuse to install one.
if command -v readelf >/dev/null 2>&1; then
    soname="$(readelf -d "$built/libsts_ffi.so" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')"
    if [ "$soname" != "libsts_ffi.so.$abi" ]; then
        echo "install-ffi.sh: $built/libsts_ffi.so has SONAME '$soname', not libsts_ffi.so.$abi" >&2
        exit 1
    fi
fi

dest="${DESTDIR:-}$prefix"
install -d "$dest/include" "$dest/lib/pkgconfig"
install -m 644 sts-ffi/include/sts.h "$dest/include/sts.h"
install -m 644 "$built/libsts_ffi.a" "$dest/lib/libsts_ffi.a"
install -m 755 "$built/libsts_ffi.so" "$dest/lib/libsts_ffi.so.$version"
ln -sfn "libsts_ffi.so.$version" "$dest/lib/libsts_ffi.so.$abi"
ln -sfn "libsts_ffi.so.$abi" "$dest/lib/libsts_ffi.so"

# Quoted replacements: bash would otherwise read `&` in them as the match.
pc="$(cat sts-ffi/sts.pc.in)"
pc="${pc//@PREFIX@/"$prefix"}"
pc="${pc//@VERSION@/"$version"}"
printf '%s\n' "$pc" >"$dest/lib/pkgconfig/sts.pc.tmp"
chmod 644 "$dest/lib/pkgconfig/sts.pc.tmp"
mv -f "$dest/lib/pkgconfig/sts.pc.tmp" "$dest/lib/pkgconfig/sts.pc"

echo "install-ffi.sh: installed sts-ffi $version under $dest:" >&2
for f in include/sts.h lib/libsts_ffi.a "lib/libsts_ffi.so.$version" \
    "lib/libsts_ffi.so.$abi" lib/libsts_ffi.so lib/pkgconfig/sts.pc; do
    echo "  $dest/$f" >&2
done
