#!/usr/bin/env bash
# Makes sure <workspace>/target/moto-venv holds exactly tests/moto/requirements.txt.
#
# Fast path (venv present, stamp matches): prints nothing, takes milliseconds.
# Otherwise (first run, requirements or Python changed, a broken earlier
# install): rebuilds the venv from scratch with `python3 -m venv` and pip,
# then writes the stamp last, so an interrupted install is redone next time.
# Concurrent callers (parallel test processes) are serialised with flock.
#
# Environment: PYTHON (default python3, must be >= 3.10), MOTO_VENV (default
# <workspace>/target/moto-venv). Prints the venv path on success.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${MOTO_VENV:-$root/target/moto-venv}"
req="$here/requirements.txt"
stamp="$venv/.requirements-stamp"
python="${PYTHON:-python3}"

if ! command -v "$python" >/dev/null 2>&1; then
    echo "ensure-venv.sh: '$python' not found; moto needs Python >= 3.10 (set PYTHON=...)" >&2
    exit 1
fi

# The stamp covers the requirements and the interpreter that built the venv.
want="$("$python" - "$req" <<'PY'
import hashlib, sys
data = open(sys.argv[1], "rb").read()
print(hashlib.sha256(data).hexdigest(), "%d.%d.%d" % sys.version_info[:3], sys.executable)
PY
)"

up_to_date() {
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ] \
        && "$venv/bin/python" -c '' >/dev/null 2>&1
}

if up_to_date; then
    echo "$venv"
    exit 0
fi

mkdir -p "$(dirname "$venv")"
lock="$venv.lock"
if command -v flock >/dev/null 2>&1; then
    exec 9>"$lock"
    flock 9
    # Someone else may have built it while we waited.
    if up_to_date; then
        echo "$venv"
        exit 0
    fi
fi

"$python" - <<'PY' || { echo "ensure-venv.sh: moto needs Python >= 3.10" >&2; exit 1; }
import sys
sys.exit(0 if sys.version_info >= (3, 10) else 1)
PY

# Debian and Ubuntu ship `venv`'s pip bootstrap apart (python3-venv);
# as root with apt-get, install it, as scripts/test.sh installs valgrind.
if ! "$python" -c 'import ensurepip' >/dev/null 2>&1; then
    pkg="python$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "ensure-venv.sh: $python has no ensurepip; installing $pkg" >&2
        { apt-get update -q && apt-get install -y -q "$pkg"; } >&2 \
            || apt-get install -y -q python3-venv >&2 || true
    fi
    if ! "$python" -c 'import ensurepip' >/dev/null 2>&1; then
        echo "ensure-venv.sh: $python cannot make a venv (no ensurepip); install $pkg" \
             "(Debian, Ubuntu: apt-get install python3-venv)" >&2
        exit 1
    fi
fi

echo "ensure-venv.sh: installing moto into $venv (one-time, about a minute)" >&2
start=$(date +%s)
rm -rf "$venv"
"$python" -m venv "$venv"
log="$venv/pip-install.log"
if ! "$venv/bin/python" -m pip install --disable-pip-version-check --no-input \
        --quiet -r "$req" >"$log" 2>&1; then
    echo "ensure-venv.sh: pip install failed; log follows" >&2
    tail -n 40 "$log" >&2
    if [ "${STS_NO_NETWORK:-}" = "inside" ]; then
        echo "ensure-venv.sh: tests run without network (scripts/no-network.sh);" \
             "install first with: cargo run -p sts-tests --bin sts-test-tools" >&2
    fi
    exit 1
fi
"$venv/bin/python" -c 'import moto, flask, flask_cors, boto3' >&2
printf '%s\n' "$want" >"$stamp"
echo "ensure-venv.sh: done in $(( $(date +%s) - start ))s" >&2
echo "$venv"
