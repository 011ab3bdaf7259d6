"""What botocore resolves for an STS client, for many configurations at once.

Reads a JSON list of cases from the file named by its one argument, each
``{"env": {NAME: VALUE, ...}, "profile": NAME or null}``, and writes
``{"botocore": VERSION, "results": [...]}`` to standard output, one result
per case in the same order. For each case the
process environment is replaced by the case's (plus the settings below that
keep botocore off the network), a ``botocore.session.Session`` is made
(``profile=`` for an explicit profile, as ``aws --profile`` does), and
``create_client('sts')`` and ``get_credentials()`` are asked what they would
use. Nothing is sent and nothing is written: the files the cases name were
written by the Rust test. ``create_client`` resolves the credentials too,
so broken credentials refuse the client, as they do in botocore.

A result is ``{"client": {...} or {"error": CLASS}, "credentials": {...}}``:

- ``client.region``: ``client.meta.region_name``;
- ``client.endpoint_url``: the URL the endpoint rule set gives
  ``GetCallerIdentity``, which is where botocore sends requests (rather
  than ``client.meta.endpoint_url``, the older resolver's answer);
- ``client.max_attempts``: attempts in all; botocore leaves
  ``total_max_attempts`` unset when nothing configures it, and its retry
  handlers then use 3 (standard, adaptive) or 5 (legacy, from
  ``_retry.json``);
- ``client.retry_mode``: ``client.meta.config.retries['mode']``;
- ``credentials``: ``{"access_key": ID}``, ``{"none": true}`` when botocore
  finds no credentials, or ``{"error": CLASS}``.

Only class names of errors are returned, never messages: a message may quote
a configured value, and the cases hold (fake) secret keys.
"""

import json
import os
import socket
import sys

import botocore.loaders
import botocore.session

# Keep every credential provider that could reach the network switched
# off: no instance metadata. The container provider needs variables that
# no case sets, since the environment is cleared for each. The cases hold
# only static keys: no role_arn, credential_process or SSO.
OFFLINE = {
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_METADATA_SERVICE_TIMEOUT": "1",
    "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "1",
}


class NoNetworkSocket(socket.socket):
    """A socket that cannot connect: should some provider still try the
    network, its case fails at once with this error's class instead of
    waiting on a timeout or reaching a real endpoint."""

    def connect(self, *args):
        raise ConnectionRefusedError("resolve.py allows no network")

    def connect_ex(self, *args):
        raise ConnectionRefusedError("resolve.py allows no network")


socket.socket = NoNetworkSocket

# What botocore's retry handlers use when total_max_attempts is unset.
DEFAULT_ATTEMPTS = {"standard": 3, "adaptive": 3, "legacy": 5}


def resolve_client(session):
    client = session.create_client("sts")
    operation = client.meta.service_model.operation_model("GetCallerIdentity")
    endpoint = client._ruleset_resolver.construct_endpoint(
        operation_model=operation, call_args={}, request_context={}
    )
    retries = client.meta.config.retries
    mode = retries.get("mode")
    attempts = retries.get("total_max_attempts")
    if attempts is None:
        attempts = DEFAULT_ATTEMPTS.get(mode)
    return {
        "region": client.meta.region_name,
        "endpoint_url": endpoint.url,
        "max_attempts": attempts,
        "retry_mode": mode,
    }


def resolve_credentials(session):
    credentials = session.get_credentials()
    if credentials is None:
        return {"none": True}
    return {"access_key": credentials.access_key}


def run(case, loader):
    os.environ.clear()
    os.environ.update(case["env"])
    os.environ.update(OFFLINE)
    result = {}
    try:
        session = botocore.session.Session(profile=case.get("profile"))
        # One loader for all cases: the service model and endpoint data are
        # read once, not once per case.
        session.register_component("data_loader", loader)
    except Exception as e:  # noqa: BLE001 - the class name is the answer
        error = {"error": type(e).__name__}
        return {"client": error, "credentials": error}
    for key, stage in (("client", resolve_client), ("credentials", resolve_credentials)):
        try:
            result[key] = stage(session)
        except Exception as e:  # noqa: BLE001
            result[key] = {"error": type(e).__name__}
    return result


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    loader = botocore.loaders.create_loader()
    results = [run(case, loader) for case in cases]
    json.dump({"botocore": botocore.__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
