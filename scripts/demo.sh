#!/usr/bin/env bash
# The main job: build the `sts` tool and run a short, real session with it.
#
# - With AWS credentials configured (AWS_ACCESS_KEY_ID, AWS_PROFILE, or
#   ~/.aws/credentials / ~/.aws/config), it makes read-only calls to AWS:
#   get-caller-identity, get-access-key-info and a presigned URL.
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
sts="$root/target/release/sts"

step() { printf '\n$ sts %s\n' "$*"; "$sts" "$@"; }

have_aws_credentials() {
    [ -n "${AWS_ACCESS_KEY_ID:-}" ] || [ -n "${AWS_PROFILE:-}" ] ||
        [ -s "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}" ] ||
        [ -s "${AWS_CONFIG_FILE:-$HOME/.aws/config}" ]
}

if [ "${STS_DEMO_LOCAL:-0}" != "1" ] && have_aws_credentials; then
    echo "== AWS credentials are configured: read-only calls against AWS"
    step get-caller-identity
    key_id="$("$sts" get-caller-identity --output json >/dev/null && \
        "$sts" get-session-token --output json 2>/dev/null | python3 -c \
        'import json,sys; print(json.load(sys.stdin)["Credentials"]["AccessKeyId"])' || true)"
    if [ -n "${AWS_ACCESS_KEY_ID:-}" ]; then key_id="$AWS_ACCESS_KEY_ID"; fi
    if [ -n "$key_id" ]; then step get-access-key-info --access-key-id "$key_id"; fi
    step presign get-caller-identity --expires-in 60
    exit 0
fi

echo "== no AWS credentials configured: using a local moto STS server"
# The credentials come from the environment below; the default chain must
# not go looking for instance metadata or a container endpoint here.
export AWS_EC2_METADATA_DISABLED=true
unset AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
venv="$(bash tests/moto/ensure-venv.sh)"
log="$root/target/demo-moto.log"
# serve.py exits as soon as its stdin closes, so the server cannot outlive
# this script, however it ends.
coproc MOTO { exec "$venv/bin/python" tests/moto/serve.py 2>"$log"; }
trap 'exec {MOTO[1]}>&- 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true' EXIT
read -r ready <&"${MOTO[0]}"
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
identity="$("$sts" get-caller-identity)"
echo "$identity"
python3 - "$identity" <<'PY'
import json, sys
who = json.loads(sys.argv[1])
print(f"\nDecoded: account {who['Account']}, user id {who['UserId']},\n  arn {who['Arn']}")
PY
