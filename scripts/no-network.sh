#!/usr/bin/env bash
# Runs a command in a network namespace of its own, where the only
# interface is loopback: nothing it does can reach another address.
#
# Why: the AWS default credential chain ends at EC2 instance metadata
# (169.254.169.254, [fd00:ec2::254]) and the container endpoint
# (169.254.170.2). A test that runs that chain with an empty environment
# must never send a packet there, whatever the test forgot to set. Inside
# this namespace such a connection fails at once with "network
# unreachable", while the tests' own servers on 127.0.0.1 and [::1] work.
#
# Cargo runs every test binary through this script (`.cargo/config.toml`,
# `runner`), so plain `cargo test` is covered too. Binaries that are not
# tests (`cargo run --bin sts`, examples) run as they are: they may need
# the real network.
#
# Usage: scripts/no-network.sh PROGRAM [ARGS...]
#
# Where no namespace can be made (no `unshare`, no permission), the command
# runs anyway with the metadata sources switched off by environment and a
# warning; under CI (variable CI set) that is an error instead.
set -euo pipefail

program="$1"

# Cargo puts test binaries in `<target dir>/<profile>/deps/`, whatever the
# target directory is called (CARGO_TARGET_DIR=/tmp/build too); programs
# (`cargo run`) and examples are elsewhere.
is_test_binary() {
    case "$1" in
        */deps/*) return 0 ;;
        *) return 1 ;;
    esac
}

if [ "${STS_NO_NETWORK:-}" = "inside" ] || ! is_test_binary "$program"; then
    exec "$@"
fi

# A test runner started in the background by a non-interactive shell
# inherits SIGINT and SIGQUIT ignored, and so would every process a test
# starts (a test that interrupts `sts serve` would see it ignore SIGINT).
# Tests run with the default dispositions, however they were started.
reset=()
if env --default-signal=INT true 2>/dev/null; then
    reset=(env --default-signal=INT,QUIT)
fi

inner='ip link set lo up 2>/dev/null || python3 -c "
import fcntl, socket, struct
s = socket.socket()
IFF_UP = 1
ifr = struct.pack(\"16sH14s\", b\"lo\", IFF_UP | 0x8, b\"\")
fcntl.ioctl(s, 0x8914, ifr)
"
exec "$@"'

for flags in "--net" "--net --map-root-user"; do
    # shellcheck disable=SC2086
    if unshare $flags true 2>/dev/null; then
        # shellcheck disable=SC2086
        STS_NO_NETWORK=inside exec "${reset[@]}" unshare $flags bash -c "$inner" no-network "$@"
    fi
done

if [ -n "${CI:-}" ]; then
    echo "no-network.sh: cannot make a network namespace (unshare failed) and CI is set" >&2
    exit 97
fi
echo "no-network.sh: WARNING: no network namespace here; running $program with instance metadata and container credentials switched off by environment only" >&2
export AWS_EC2_METADATA_DISABLED=true
unset AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
exec "${reset[@]}" "$@"
