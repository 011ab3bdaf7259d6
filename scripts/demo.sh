#!/usr/bin/env bash
# The main job: build the `sts` tool and run a short, real session with it.
#
# - With AWS credentials configured (wherever the tool finds them: keys in
#   the environment, a profile, SSO, an instance role…), it makes read-only
#   calls to AWS: get-caller-identity, a presigned URL, and
#   get-access-key-info for the key it signs with.
# - Otherwise it installs moto's STS server into target/moto-venv, starts it
#   on 127.0.0.1 with signature checking on, and runs: get-caller-identity,
#   assume-role with tags, `--output env` + eval, get-caller-identity as the
#   role, and prints what came back. The server is stopped on exit.
#
# Needs only the Rust toolchain and Python 3. Set STS_DEMO_LOCAL=1 to use
# the local server even when AWS credentials are configured.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

echo "== building the sts tool (release)"
cargo build --release --locked -p sts-blocking --features cli --bin sts
# Where cargo put it: CARGO_TARGET_DIR when set, as for any cargo build.
sts="${CARGO_TARGET_DIR:-$root/target}/release/sts"

step() { printf '\n$ sts %s\n' "$*"; "$sts" "$@"; }

# Whether the tool finds credentials, wherever they are (keys in the
# environment, a profile, SSO, a console login, a container or an instance
# role): presigning resolves them without calling STS, so a config file
# with only a region does not count.
aws_credentials_found() {
    "$sts" presign get-caller-identity --expires-in 60 >/dev/null 2>&1
}

if [ "${STS_DEMO_LOCAL:-0}" != "1" ] && aws_credentials_found; then
    echo "== AWS credentials are configured: read-only calls against AWS"
    step get-caller-identity
    url="$("$sts" presign get-caller-identity --expires-in 60)"
    printf '\n$ sts presign get-caller-identity --expires-in 60\n%s\n' "$url"
    # The access key id the tool signs with, read from the URL's credential
    # scope, for the account lookup.
    key_id="$(python3 -c 'import sys, urllib.parse as u
q = dict(u.parse_qsl(u.urlsplit(sys.argv[1]).query))
print(q["X-Amz-Credential"].split("/")[0])' "$url")"
    step get-access-key-info --access-key-id "$key_id"
    exit 0
fi

echo "== no AWS credentials configured: using a local moto STS server"
# The credentials come from the environment below; the default chain must
# not go looking for instance metadata or a container endpoint here.
export AWS_EC2_METADATA_DISABLED=true
unset AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI \
    AWS_SESSION_TOKEN AWS_PROFILE
venv="$(bash tests/moto/ensure-venv.sh)"
log="$root/target/demo-moto.log"
# serve.py exits as soon as its stdin closes, so the server cannot outlive
# this script, however it ends.
coproc MOTO { exec "$venv/bin/python" tests/moto/serve.py 2>"$log"; }
# `set +u`: when the server has exited already, bash has unset MOTO and
# MOTO_PID, and the clean-up must not fail the script for that.
trap 'set +u; exec {MOTO[1]}>&- 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true' EXIT
if ! read -r -t 120 ready <&"${MOTO[0]}"; then
    echo "moto did not start within 120 s; its log: $log" >&2
    exit 1
fi
port="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["port"])' "$ready")"
endpoint="http://127.0.0.1:$port"
echo "moto is listening on $endpoint (log: $log)"

fixtures="$("$venv/bin/python" tests/moto/setup_iam.py "$endpoint" --auth)"
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$fixtures" "$1"; }
export AWS_ACCESS_KEY_ID="$(field access_key_id)"
export AWS_SECRET_ACCESS_KEY="$(field secret_access_key)"
export AWS_REGION=us-east-1
export AWS_ENDPOINT_URL_STS="$endpoint"
role_arn="$(field role_arn)"
echo "signature checking is on; signing as IAM user $(field user_arn)"

step get-caller-identity
step assume-role --role-arn "$role_arn" --role-session-name demo-session \
    --tags Key=Project,Value=Unicorn Key=Team,Value=Automation --duration-seconds 900 --output text

printf '\n$ eval "$(sts assume-role ... --output env)"\n'
eval "$("$sts" assume-role --role-arn "$role_arn" --role-session-name demo-session \
    --tags Key=Project,Value=Unicorn --output env)"
echo "now using $AWS_ACCESS_KEY_ID (expires $AWS_CREDENTIAL_EXPIRATION)"

printf '\n$ sts get-caller-identity   # as the role\n'
# JSON whatever AWS_DEFAULT_OUTPUT or the profile's `output` says: it is
# read back below.
identity="$("$sts" get-caller-identity --output json)"
echo "$identity"
python3 - "$identity" <<'PY'
import json, sys
who = json.loads(sys.argv[1])
print(f"\nDecoded: account {who['Account']}, user id {who['UserId']},\n  arn {who['Arn']}")
PY
