#!/usr/bin/env bash
# Runs the cargo-fuzz targets of fuzz/ for a while each, one after another.
#
#   bash scripts/fuzz.sh SECONDS [TARGET...]
#
#   bash scripts/fuzz.sh 10             # every target, 10 s each (the test run)
#   bash scripts/fuzz.sh 600 response   # one target, 10 minutes
#
# Builds every target once (cargo-fuzz, installed if missing, on the
# nightly toolchain, or on the default one with RUSTC_BOOTSTRAP=1 if there
# is no nightly), then runs each one's binary with libFuzzer: one process, one
# job, under `nice`, with memory limits and a per-input timeout. New
# inputs go to a scratch folder under fuzz/target/; the committed corpus
# (fuzz/corpus/<target>/) is only read, so a run never dirties the tree.
# Prints, per target, the executions and the coverage (`cov`, edges) and
# features (`ft`) libFuzzer reached, and exits non-zero if any target
# crashed, timed out or ran out of memory; the input that did it is saved
# under fuzz/artifacts/<target>/ (see fuzz/README.md for what to do next).
#
# Memory: the design bounds a parser's heap by 8 times its input plus
# 1 MiB. The parser targets hold each input to that themselves (a counting
# allocator, sts_fuzz::run_bounded), and libFuzzer's -malloc_limit_mb makes
# any single allocation past that bound for the longest input (-max_len) a
# crash too, in every target; -rss_limit_mb still caps the whole process.
# Raise FUZZ_MAX_LEN for long runs: shapes that cost more per byte as they
# grow show only on longer inputs, and the malloc limit follows.
#
# Settings, from the environment:
#   FUZZ_MAX_LEN       longest input, in bytes (default 4096, libFuzzer's own
#                      choice for these corpora)
#   FUZZ_RSS_LIMIT_MB  memory limit of the fuzzing process (default 512)
#   FUZZ_TIMEOUT       seconds one input may take (default 10)
#   FUZZ_NICE          niceness of the runs (default 19)
#   FUZZ_KEEP_CORPUS   if 1, keep the scratch corpus (default: deleted)
#   FUZZ_LOG_DIR       where the libFuzzer logs go (default fuzz/target/fuzz-scratch)
#   FUZZ_ARGS          more libFuzzer flags, e.g. "-max_len=65536"
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    sed -n '2,9p' "$0" >&2
    exit 2
}
[[ $# -ge 1 && $1 =~ ^[0-9]+$ ]] || usage
seconds=$1
shift

max_len=${FUZZ_MAX_LEN:-4096}
[[ $max_len =~ ^[1-9][0-9]*$ ]] || usage
rss_limit=${FUZZ_RSS_LIMIT_MB:-512}
# 8 x the longest input + 1 MiB, in whole MiB rounded up (libFuzzer's unit).
malloc_limit=$(((8 * max_len + 1048576 + 1048575) / 1048576))
timeout=${FUZZ_TIMEOUT:-10}
niceness=${FUZZ_NICE:-19}
fuzz_dir=fuzz

# Every target, in the order of fuzz/Cargo.toml's [[bin]] sections.
mapfile -t all_targets < <(awk '/^\[\[bin\]\]/ {bin = 1; next}
    bin && /^name = / {gsub(/"/, "", $3); print $3; bin = 0}' "$fuzz_dir/Cargo.toml")
if [[ $# -gt 0 ]]; then
    targets=("$@")
    for t in "${targets[@]}"; do
        if [[ ! " ${all_targets[*]} " == *" $t "* ]]; then
            echo "fuzz.sh: no target '$t' (targets: ${all_targets[*]})" >&2
            exit 2
        fi
    done
else
    targets=("${all_targets[@]}")
fi

# cargo-fuzz builds with `-Z` flags (sanitizer, coverage), so it needs a
# nightly compiler. Without the nightly toolchain, the default one is told
# to accept them (RUSTC_BOOTSTRAP=1): a fresh machine may have only stable.
toolchain=()
if cargo +nightly --version >/dev/null 2>&1; then
    toolchain=(+nightly)
else
    echo "fuzz.sh: no nightly toolchain; using $(rustc --version) with RUSTC_BOOTSTRAP=1" >&2
    export RUSTC_BOOTSTRAP=1
fi
if ! cargo "${toolchain[@]}" fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

echo "== building ${targets[*]} (cargo ${toolchain[*]} fuzz build)"
# `cargo fuzz build` takes one target or all of them.
build_args=()
if [[ ${#targets[@]} -eq 1 ]]; then
    build_args=("${targets[0]}")
fi
# Debug assertions on: an arithmetic overflow is a bug found too.
nice -n "$niceness" cargo "${toolchain[@]}" fuzz build --fuzz-dir "$fuzz_dir" --features libfuzzer \
    --debug-assertions "${build_args[@]}"
triple=$(rustc "${toolchain[@]}" -vV | sed -n 's/^host: //p')
# Where cargo put them: CARGO_TARGET_DIR when set, as for any cargo build.
bin_dir="${CARGO_TARGET_DIR:-$fuzz_dir/target}/$triple/release"

scratch_root="$fuzz_dir/target/fuzz-scratch"
log_dir=${FUZZ_LOG_DIR:-$scratch_root}
mkdir -p "$scratch_root" "$log_dir"
failed=()
summary=()
for t in "${targets[@]}"; do
    corpus="$fuzz_dir/corpus/$t"
    artifacts="$fuzz_dir/artifacts/$t"
    scratch=$(mktemp -d "$scratch_root/$t.XXXXXX")
    log="$log_dir/$t.log"
    # A copy runs, so that a build during a long run cannot touch it.
    binary="$scratch.bin"
    cp "$bin_dir/$t" "$binary"
    mkdir -p "$artifacts"
    flags=(
        "-max_total_time=$seconds"
        "-max_len=$max_len"
        "-rss_limit_mb=$rss_limit"
        "-malloc_limit_mb=$malloc_limit"
        "-timeout=$timeout"
        "-artifact_prefix=$artifacts/"
        "-print_final_stats=1"
    )
    if [[ -f "$fuzz_dir/dicts/$t.dict" ]]; then
        flags+=("-dict=$fuzz_dir/dicts/$t.dict")
    fi
    if [[ -n ${FUZZ_ARGS:-} ]]; then
        # shellcheck disable=SC2206 # split into flags on purpose
        flags+=($FUZZ_ARGS)
    fi
    echo "== fuzzing $t for ${seconds}s, inputs up to $max_len bytes, no allocation of ${malloc_limit} MiB or more (log: $log)"
    status=0
    started=$SECONDS
    # The scratch folder first: libFuzzer writes new inputs only there.
    nice -n "$niceness" "$binary" "${flags[@]}" "$scratch" "$corpus" >"$log" 2>&1 ||
        status=$?
    took=$((SECONDS - started))
    # `#N DONE cov: X ft: Y ...` at the end of a full run; on a crash the
    # last status line says how far it got.
    line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
    [[ -n $line ]] || line=$(grep -E '^#[0-9]+[[:space:]]' "$log" | tail -n 1 || true)
    execs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$line")
    cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$line")
    ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$line")
    found=$(find "$scratch" -type f | wc -l)
    result="ok"
    if [[ $status -ne 0 ]]; then
        result="FAILED (exit $status)"
        failed+=("$t")
        grep -E 'ERROR: libFuzzer|ERROR: AddressSanitizer|panicked at|Test unit written to' "$log" |
            head -n 5 >&2 || true
        echo "-- last lines of $log:" >&2
        tail -n 25 "$log" >&2
    fi
    row=$(printf '%-20s ran %-6s execs %-10s cov %-6s ft %-6s new inputs %-5s %s' \
        "$t" "${took}s" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$found" "$result")
    echo "$row"
    summary+=("$row")
    rm -f "$binary"
    if [[ ${FUZZ_KEEP_CORPUS:-0} == 1 ]]; then
        echo "   new inputs kept in $scratch"
    else
        rm -rf "$scratch"
    fi
done

echo "== fuzz summary"
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz.sh: ${failed[*]} failed; reproducers in $fuzz_dir/artifacts/" >&2
    exit 1
fi
