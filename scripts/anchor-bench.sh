#!/usr/bin/env bash
# Holds this project against the anchor, aws-sdk-sts, in one run: the same
# AssumeRole request answered from memory with the same 1,168-byte
# response, through aws-sdk-sts and through sts_blocking::Client, next to
# sts_proto's build and parse alone and the crypto floor. Prints criterion's
# report, then a table of medians, allocations per call and the ratios.
#
#   bash scripts/anchor-bench.sh                 # full criterion run
#   bash scripts/anchor-bench.sh --quick         # short warm-up and measurement
#   bash scripts/anchor-bench.sh --nice          # build and run under `nice -n 19`
#   bash scripts/anchor-bench.sh -- --noplot     # more criterion arguments
#
# The bench is tests/anchor/, a crate outside the workspace with its own
# lock file and target/ (as fuzz/ is), so the normal build and CI never
# compile aws-sdk-sts. Its first build compiles about 130 crates and takes
# a few minutes; later runs rebuild only what changed.
#
# Ratios are taken within the run: on a shared machine two runs differ more
# than the clients do. The table's figures are criterion's medians; a last
# line gives the same ratios from the fastest of interleaved batches, which
# moves less when other work shares the machine.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
manifest="$root/tests/anchor/Cargo.toml"

criterion_args=()
nice_cmd=()
while [ $# -gt 0 ]; do
    case "$1" in
        --quick)
            # Criterion's defaults are 3 s of warm-up and 5 s of measurement
            # per function; 4 functions make that about half a minute.
            criterion_args+=(--warm-up-time 1 --measurement-time 2)
            ;;
        --nice)
            nice_cmd=(nice -n 19)
            ;;
        --)
            shift
            criterion_args+=("$@")
            break
            ;;
        -h | --help)
            sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "anchor-bench.sh: unknown argument '$1' (see --help)" >&2
            exit 2
            ;;
    esac
    shift
done

# First the crate's own tests, which CI cannot run (they compile
# aws-sdk-sts): both clients send the same request and read the same
# answer, so that the bench compares the same work.
"${nice_cmd[@]}" cargo test --release --manifest-path "$manifest" --lib
# Cargo's own target directory for the crate, unless the caller set one;
# the bench reads criterion's medians back from there.
"${nice_cmd[@]}" cargo bench --manifest-path "$manifest" --bench anchor -- "${criterion_args[@]}"
