#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets from the project's test data.

    python3 fuzz/tools/make_seeds.py
    python3 fuzz/tools/make_seeds.py --operations   # the list it uses, and stops

Reads ../testdata (recorded STS traffic, the STS model's examples and
endpoint tests, botocore's recorded responses, the shared-config and
credential-provider fixtures of smithy-rs and botocore)
and writes `seed-*` files into fuzz/corpus/<target>/, replacing the old
`seed-*` files of the targets it knows. Other files there (crash
reproducers, `regression-*`; minimized fuzzer finds) are left alone.

The input layouts are those documented on each target in fuzz/src/.
"""

import base64
import glob
import hashlib
import json
import os
import re
import struct
import sys
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
FUZZ = os.path.dirname(HERE)
TESTDATA = os.path.join(os.path.dirname(FUZZ), "testdata")

REGISTRY = os.path.join(os.path.dirname(FUZZ), "sts-proto", "src", "ops", "registry.rs")


def registry_operations():
    """The actions of sts-proto's operation registry (`for_each_operation!`),
    in its order: the order in which the `response` target's first byte
    picks operations. Each entry opens with `(Type, snake_name, "Action"`;
    `fuzz/tests/operations.rs` checks that this reading matches the registry."""
    with open(REGISTRY, encoding="utf-8") as f:
        text = f.read()
    start = text.index("macro_rules! for_each_operation")
    body = text[start:text.index("\n}\n", start)]
    actions = re.findall(r'^\s*\(\s*\w+\s*,\s*\w+\s*,\s*"(\w+)"', body, re.M)
    if not actions:
        sys.exit(f"no operations found in {REGISTRY}")
    return actions


OPERATIONS = registry_operations()
NS = "https://sts.amazonaws.com/doc/2011-06-15/"
FLAG_REQUEST_ID, FLAG_DATE, FLAG_TIGHT = 1, 2, 4

seeds = {}


def add(target, data, kind):
    if isinstance(data, str):
        data = data.encode("utf-8")
    digest = hashlib.sha1(data).hexdigest()[:16]
    seeds.setdefault(target, {})[f"seed-{kind}-{digest}"] = data


def td(*parts):
    return os.path.join(TESTDATA, *parts)


# ---- responses -------------------------------------------------------------


def response_seed(op, status, body, flags=FLAG_REQUEST_ID | FLAG_DATE, kind="resp"):
    index = OPERATIONS.index(op) if op in OPERATIONS else 6
    if isinstance(body, str):
        body = body.encode("utf-8")
    add("response", struct.pack(">BHB", index, status, flags) + body, kind)


def traffic():
    """(action, status, headers, body) of every recorded STS exchange."""
    files = glob.glob(td("**", "http-traffic.json"), recursive=True)
    for path in sorted(files):
        with open(path, encoding="utf-8") as f:
            events = json.load(f).get("events", [])
        conns = {}
        for event in events:
            conn = conns.setdefault(event["connection_id"], {"req": "", "resp": b""})
            action = event["action"]
            if "Data" in action:
                data = action["Data"]["data"]
                text = data.get("Utf8", "")
                if action["Data"]["direction"] == "Request":
                    conn["req"] += text
                else:
                    conn["resp"] += text.encode("utf-8")
            elif "Response" in action:
                ok = action["Response"]["response"].get("Ok")
                if ok:
                    conn["status"] = ok["status"]
                    conn["headers"] = ok.get("headers", {})
        for conn in conns.values():
            m = re.search(r"(?:^|&)Action=([A-Za-z]+)", conn["req"])
            if "status" in conn:
                yield (m.group(1) if m else None, conn["status"], conn["headers"], conn["resp"])


def to_xml(value, name):
    if isinstance(value, dict):
        inner = "".join(to_xml(v, k) for k, v in value.items())
    elif isinstance(value, list):
        inner = "".join(to_xml(v, "member") for v in value)
    elif isinstance(value, bool):
        inner = "true" if value else "false"
    else:
        inner = escape(str(value))
    return f"<{name}>{inner}</{name}>"


def envelope(op, result_xml, request_id="c6104cbe-af31-11e0-8154-cbc7ccf896c7"):
    return (
        f'<{op}Response xmlns="{NS}">\n  <{op}Result>{result_xml}</{op}Result>\n'
        f"  <ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>\n"
        f"</{op}Response>\n"
    )


def error_doc(code, message, fault="Sender"):
    return (
        f'<ErrorResponse xmlns="{NS}">\n  <Error>\n    <Type>{fault}</Type>\n'
        f"    <Code>{code}</Code>\n    <Message>{escape(message)}</Message>\n  </Error>\n"
        "  <RequestId>ab4b8f3a-0a37-4d1f-8a92-d6b9a3e3a0a5</RequestId>\n</ErrorResponse>\n"
    )


# A synthetic success body per operation the recordings and examples lack.
SYNTHETIC = {
    "AssumeRoot": "<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>"
    "<SessionToken>token</SessionToken><Expiration>2024-11-15T00:05:07Z</Expiration></Credentials>"
    "<SourceIdentity>Alice</SourceIdentity>",
    "GetAccessKeyInfo": "<Account>111122223333</Account>",
    "GetDelegatedAccessToken": "<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>"
    "<SessionToken>token</SessionToken><Expiration>2025-11-15T00:05:07.5+01:00</Expiration></Credentials>"
    "<PackedPolicySize>6</PackedPolicySize><AssumedPrincipal>arn:aws:iam::123456789012:user/x</AssumedPrincipal>",
    "GetWebIdentityToken": "<WebIdentityToken>eyJhbGciOiJFUzM4NCJ9.e30.c2ln</WebIdentityToken>"
    "<Expiration>2025-11-15T00:05:07Z</Expiration>",
    "GetScopedCredentials": "<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>"
    "<SessionToken>token</SessionToken><Expiration>2026-11-15T00:05:07Z</Expiration></Credentials>"
    "<SessionInfo><ScopedSessionId>AROAEXAMPLE:alice</ScopedSessionId>"
    "<Arn>arn:aws:sts::123456789012:assumed-role/demo/alice</Arn></SessionInfo>"
    "<SessionTokenUtilization>41</SessionTokenUtilization><SessionTokenSize>1024</SessionTokenSize>"
    "<ScopedPoliciesCount>2</ScopedPoliciesCount><SourceIdentity>alice</SourceIdentity>",
    "AssumeRoleWithSAML": "<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>"
    "<SessionToken>token</SessionToken><Expiration>2026-11-15T00:05:07Z</Expiration></Credentials>"
    "<SessionTokenUtilization>73</SessionTokenUtilization><SessionTokenSize>2048</SessionTokenSize>"
    "<TrustedIdentityPropagationContext><OriginIdentity><Subject>u-1</Subject><SubjectType>User</SubjectType>"
    "<Issuer>https://idp.example.com</Issuer></OriginIdentity><TransactionContext><IdentityProvider>"
    "<entry><key>tenant</key><value>blue</value></entry><entry><key>k</key><value></value></entry>"
    "</IdentityProvider></TransactionContext></TrustedIdentityPropagationContext>",
}


def responses():
    for action, status, headers, body in traffic():
        flags = FLAG_DATE if "date" in headers else 0
        if "x-amzn-requestid" in headers:
            flags |= FLAG_REQUEST_ID
        response_seed(action or "AssumeRole", status, body, flags, "traffic")
    for path in sorted(glob.glob(td("responses", "extracted", "*.xml"))):
        name = os.path.basename(path).split(".")
        with open(path, "rb") as f:
            response_seed(name[0], int(name[1]), f.read(), kind="extracted")
    for sub, status in (("responses", 200), ("errors", 403)):
        for path in sorted(glob.glob(td("responses", "botocore", sub, "*.xml"))):
            with open(path, "rb") as f:
                response_seed("GetSessionToken", status, f.read(), kind="botocore")
    with open(td("sts-model", "examples-1.json"), encoding="utf-8") as f:
        examples = json.load(f)["examples"]
    for op, cases in sorted(examples.items()):
        for case in cases:
            body = envelope(op, to_xml(case.get("output", {}), "R")[3:-4])
            response_seed(op, 200, body, kind="example")
            response_seed(op, 200, body, FLAG_TIGHT, kind="example-tight")
    for op, result in SYNTHETIC.items():
        response_seed(op, 200, envelope(op, result), kind="synthetic")
    # Every operation with an empty result, and every modelled error code.
    for op in OPERATIONS:
        response_seed(op, 200, envelope(op, ""), kind="empty-result")
    codes = [
        "MalformedPolicyDocument", "PackedPolicyTooLarge", "RegionDisabledException",
        "ExpiredTokenException", "IDPRejectedClaim", "IDPCommunicationError",
        "InvalidIdentityToken", "InvalidAuthorizationMessageException",
        "ExpiredTradeInTokenException", "JWTPayloadSizeExceededException",
        "OutboundWebIdentityFederationDisabledException", "SessionDurationEscalationException",
        "InvalidContextAssertion", "InsufficientSessionLifetime", "InvalidSubjectCredentials",
        "AccessDenied", "Throttling", "SignatureDoesNotMatch", "RequestTimeTooSkewed",
        "RequestExpired", "InvalidClientTokenId",
    ]
    for i, code in enumerate(codes):
        op = OPERATIONS[i % len(OPERATIONS)]
        response_seed(op, 400, error_doc(code, f"{code} & <details>"), kind="error")
    response_seed("AssumeRole", 500, error_doc("InternalFailure", "x", "Receiver"), kind="error")
    response_seed("AssumeRole", 429, error_doc("Throttling", "Rate exceeded"), kind="error")
    # Odd but legal shapes, and the reader's refusals.
    odd = [
        (200, error_doc("AccessDenied", "an error behind a 200")),
        (400, "<Errors><Error><Code>AccessDenied</Code><Message>m</Message></Error>"
              "<RequestID>id</RequestID></Errors>"),
        (400, "<Response><Errors><Error><Code>AuthFailure</Code></Error></Errors>"
              "<RequestID>id</RequestID></Response>"),
        (400, "<Error><Code>Throttling</Code><Message>slow down</Message></Error>"),
        (502, "<html><head><title>502 Bad Gateway</title></head><body>bad</body></html>"),
        (503, ""),
        (200, "\ufeff<?xml version=\"1.0\" encoding=\"UTF-8\"?><!-- c -->"
              "<s:GetCallerIdentityResponse xmlns:s=\"x\"><s:GetCallerIdentityResult>"
              "<s:Arn><![CDATA[arn:aws:iam::1:user/a]]>&amp;&#65;&#x42;</s:Arn>"
              "<s:UserId>U</s:UserId><s:Account>1</s:Account></s:GetCallerIdentityResult>"
              "</s:GetCallerIdentityResponse>"),
        (200, "<!DOCTYPE r [<!ENTITY x \"y\">]><GetCallerIdentityResponse>&x;</GetCallerIdentityResponse>"),
        (200, "<a>" * 40 + "</a>" * 40),
        (200, "<GetCallerIdentityResponse>" + "<b/>" * 30 + "</GetCallerIdentityResponse>"),
        (200, "<GetCallerIdentityResponse><GetCallerIdentityResult></GetCallerIdentityResponse>"),
    ]
    for status, body in odd:
        response_seed("GetCallerIdentity", status, body, kind="odd")
        response_seed("GetCallerIdentity", status, body, FLAG_TIGHT, kind="odd-tight")


# ---- timestamps and dates --------------------------------------------------


def all_text_files():
    for path in glob.glob(td("**", "*"), recursive=True):
        if os.path.isfile(path) and not path.endswith((".txt",)):
            try:
                with open(path, encoding="utf-8") as f:
                    yield f.read()
            except UnicodeDecodeError:
                continue


def timestamps():
    found = set()
    iso = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:[Zz]|[+-]\d{2}:?\d{2})")
    for text in all_text_files():
        found.update(iso.findall(text))
    found.update([
        "2011-07-15T23:28:33Z", "2011-07-15t23:28:33.359z", "2011-07-15 23:28:33,5Z",
        "2016-12-31T23:59:60Z", "2012-02-29T00:00:00+0000", "0000-01-01T00:00:00+23:59",
        "9999-12-31T23:59:59.999999999-23:59", "  2011-07-15T23:28:33.123456789123Z\n",
        "2011-07-15T23:28:33", "2011-02-29T00:00:00Z", "2011-07-15T23:28:33.Z",
    ])
    for t in sorted(found):
        add("timestamp", t, "ts")


def http_dates():
    found = set()
    rfc1123 = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT")
    for text in all_text_files():
        found.update(rfc1123.findall(text))
    found.update([
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "  Mon, 16 Aug 2021 19:52:53 GMT  ",
        "Mon, 29 Feb 2021 19:52:53 GMT",
    ])
    for d in sorted(found):
        add("http_date", d, "date")


# ---- endpoints -------------------------------------------------------------


def endpoint_seed(region, endpoint, fips, dual, glob_, kind):
    flags = (1 if fips else 0) | (2 if dual else 0) | (4 if glob_ else 0)
    region_b = (region or "").encode("utf-8")[:255]
    if region is not None:
        flags |= 8
    if endpoint is not None:
        flags |= 16
    add("endpoint", bytes([flags, len(region_b)]) + region_b + (endpoint or "").encode("utf-8"), kind)


def endpoints():
    for name in ("endpoint-tests-1.json", "endpoint-tests.json"):
        with open(td("sts-model", name), encoding="utf-8") as f:
            cases = json.load(f)
        if isinstance(cases, dict):
            cases = cases["testCases"]
        for case in cases:
            p = case.get("params", {})
            endpoint_seed(p.get("Region"), p.get("Endpoint"), p.get("UseFIPS"),
                          p.get("UseDualStack"), p.get("UseGlobalEndpoint"), "rules")
    for region, endpoint in [
        ("us-east-1", "http://localhost:5000"), (None, "https://[::1]:8443/sts/"),
        ("", None), ("-bad", None), ("a" * 64, None), ("eu-west-1", "http://user:pw@host"),
        (None, "https://host:0"), (None, "https://host?x=1"), (None, "https://host#f"),
        (None, "ftp://host"), (None, "host"), (None, "https://ho st"), ("cn-north-1", None),
        ("us-gov-west-1", None), ("us-iso-east-1", None), ("aws-global", None),
        ("eu-isoe-west-1", None), (None, "HTTPS://EXAMPLE.COM:443//"),
    ]:
        for fips, dual, glob_ in [(0, 0, 0), (1, 0, 0), (0, 1, 0), (1, 1, 0), (0, 0, 1)]:
            endpoint_seed(region, endpoint, fips, dual, glob_, "hand")


# ---- profile files and the profile chain ------------------------------------

# A profile file seed above this size is cut: libFuzzer's input length
# follows the largest seed, and small inputs reach the same code faster.
MAX_PROFILE_SEED = 4096
CREDS = td("credentials")


def profile_seed(files, kind):
    """`files` are texts, joined by NUL: config, credentials, config, ..."""
    data = b"\0".join(t.encode("utf-8") if isinstance(t, str) else t for t in files)
    add("profile", data[:MAX_PROFILE_SEED], kind)


def ini(profiles, sso_sessions=None, credentials_file=False):
    out = []
    for name, props in profiles.items():
        header = name if credentials_file or name == "default" else f"profile {name}"
        out.append(f"[{header}]")
        out.extend(f"{k} = {v}" for k, v in props.items())
    for name, props in (sso_sessions or {}).items():
        out.append(f"[sso-session {name}]")
        out.extend(f"{k} = {v}" for k, v in props.items())
    return "\n".join(out) + "\n"


def profiles():
    with open(os.path.join(CREDS, "smithy-rs", "aws-runtime", "test-data",
                           "profile-parser-tests.json"), encoding="utf-8") as f:
        for case in json.load(f)["tests"]:
            given = case["input"]
            profile_seed([given.get("configFile", ""), given.get("credentialsFile", "")],
                         "parser")
    with open(os.path.join(CREDS, "smithy-rs", "aws-config", "test-data",
                           "assume-role-tests.json"), encoding="utf-8") as f:
        for case in json.load(f):
            given = case["input"]
            text = ini(given["profiles"], given.get("sso_sessions"))
            profile_seed([text, ""], "chain")
            # The same profiles in the credentials file, and split across both.
            profile_seed(["", ini(given["profiles"], credentials_file=True)], "chain-credentials")
            names = list(given["profiles"])
            half = {n: given["profiles"][n] for n in names[: len(names) // 2]}
            rest = {n: given["profiles"][n] for n in names[len(names) // 2:]}
            profile_seed([ini(half), ini(rest, credentials_file=True)], "chain-split")
    for case in sorted(glob.glob(os.path.join(CREDS, "smithy-rs", "aws-config", "test-data",
                                              "*", "*", "fs", "home", ".aws"))):
        texts = []
        for name in ("config", "credentials"):
            path = os.path.join(case, name)
            texts.append(open(path, "rb").read() if os.path.exists(path) else b"")
        profile_seed(texts, "provider")
    cfg = sorted(glob.glob(os.path.join(CREDS, "botocore", "tests", "unit", "cfg", "*")))
    for path in cfg:
        with open(path, "rb") as f:
            text = f.read()
        profile_seed([text], "botocore")
        profile_seed([b"", text], "botocore-credentials")
    triple = [os.path.join(CREDS, "botocore", "tests", "unit", "cfg", n)
              for n in ("aws_config_other", "aws_config", "aws_third_config")]
    if all(os.path.exists(p) for p in triple):
        profile_seed([open(p, "rb").read() for p in triple], "botocore-merge")
    hand = [
        ["[profile a]\r\nrole_arn = r\r\nsource_profile = a\r\naws_access_key_id = K\r\n"
         "aws_secret_access_key = S\r\n", ""],
        ["[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nrole_arn = r2\n"
         "source_profile = a\n", "[b]\naws_access_key_id = K\n"],
        ["[default]\ncredential_process = tool --json\naws_account_id = 1\n"
         "[profile default]\nregion = x\n", "[default]\n\taws_secret_access_key = S\n"],
        ["[profile w]\nrole_arn = r\nweb_identity_token_file = /t\nduration_seconds = 99999999999\n",
         "[w]\nsso_session = s\n"],
        ["[services s]\nsts =\n  endpoint_url = http://localhost\n  bad line\n", ""],
        ["[profile x] ; c\ns3 =\n max = 1 # c\n\n;c\n#c\n  \t\n[ profile\ty ]\nk=v#notc\n", ""],
        ["[sso-session s]\nsso_region = r\n[profile p]\nsso_session = s\n", "[p]\ncredential_source = Environment\nrole_arn = r\n"],
        ["a = b\n", ""],
        ["", "   continuation\n"],
        ["[unterminated\n", ""],
        ["[p]\n=novalue\n", "[p]\nnoequals\n"],
        ["[default]\nk = v\n", "[default]\nk = w\n", "[default]\nk = x\n", "[default]\nk = y\n"],
    ]
    for files in hand:
        profile_seed(files, "hand")


# ---- credential_process output -----------------------------------------------


def credential_processes():
    for path in sorted(glob.glob(os.path.join(CREDS, "smithy-rs", "**", "config"), recursive=True)):
        with open(path, encoding="utf-8") as f:
            for m in re.finditer(r"echo ([A-Za-z0-9+/=]+) \| base64 --decode", f.read()):
                add("credential_process", base64.b64decode(m.group(1)), "provider")
    full = {"Version": 1, "AccessKeyId": "ASIARTESTID", "SecretAccessKey": "TESTSECRETKEY",
            "SessionToken": "TESTSESSIONTOKEN", "Expiration": "2022-05-02T18:36:00+00:00",
            "AccountId": "123456789012"}
    variants = [full, {**full, "SessionToken": None, "Expiration": None},
                {k: full[k] for k in ("Version", "AccessKeyId", "SecretAccessKey")}]
    for key in ("Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"):
        variants.append({k: v for k, v in full.items() if k != key})
        for bad in (None, 1, 1.0, 2, -1, "1", "", [], {}, True, 18446744073709551616):
            variants.append({**full, key: bad})
    variants.append({**full, "Expiration": "2022-05-02T18:36:00.123456789Z"})
    variants.append({**full, "Expiration": "2022-05-02 18:36:00"})
    variants.append({**full, "Extra": {"nested": [1, 2, {"deep": None}]}})
    for doc in variants:
        add("credential_process", json.dumps(doc), "doc")
        add("credential_process", json.dumps(doc, indent=2), "doc-pretty")
    raw = [
        "invalid json\n", "", "null", "[]", "\"str\"", "1", "{", "{}",
        '{"Version":1,"Version":2,"AccessKeyId":"A","SecretAccessKey":"S"}',
        '\ufeff{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S"}',
        '{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S"} trailing',
        '{"Version":1,"AccessKeyId":"\\ud83d\\ude00","SecretAccessKey":"\\ud800"}',
        '{"Version":1e0,"AccessKeyId":"A","SecretAccessKey":"S"}',
        '{"Version":1,"AccessKeyId":"A\\u0000","SecretAccessKey":"S\\n\\t\\"\\\\"}',
        "[" * 200 + "]" * 200,
        '{"a":' * 150 + "1" + "}" * 150,
    ]
    for text in raw:
        add("credential_process", text, "raw")


# ---- credential_sources: instance metadata, container, SSO ------------------------

SMITHY = os.path.join(CREDS, "smithy-rs", "aws-config", "test-data")
START_URL = "https://d-fuzz.awsapps.com/start"


def source_seed(selector, *parts, kind):
    data = bytes([selector]) + b"\0".join(p.encode("utf-8") if isinstance(p, str) else p for p in parts)
    add("credential_sources", data, kind)


def provider_answers():
    """(uri, status, body) of every recorded exchange of the provider fixtures."""
    for path in sorted(glob.glob(os.path.join(SMITHY, "*", "*", "http-traffic.json"))):
        with open(path, encoding="utf-8") as f:
            events = json.load(f).get("events", [])
        conns = {}
        for event in events:
            conn = conns.setdefault(event["connection_id"], {"uri": "", "body": b""})
            action = event["action"]
            if "Request" in action:
                conn["uri"] = action["Request"]["request"]["uri"]
            elif "Response" in action and action["Response"]["response"].get("Ok"):
                conn["status"] = action["Response"]["response"]["Ok"]["status"]
            elif "Data" in action and action["Data"]["direction"] == "Response":
                conn["body"] += action["Data"]["data"].get("Utf8", "").encode("utf-8")
        for conn in conns.values():
            if "status" in conn:
                yield conn["uri"], conn["status"], conn["body"]


def credential_sources():
    imds_role = "/latest/meta-data/iam/security-credentials/"
    for uri, status, body in provider_answers():
        if status != 200:
            continue
        if imds_role in uri and not uri.endswith(imds_role):
            source_seed(0, body, kind="imds")
        elif "169.254.170." in uri:
            source_seed(1, body, kind="container")
        elif "/federation/credentials" in uri:
            source_seed(2, body, kind="portal")
            role = body
    caches = []
    # Under `.aws`, which glob's `**` skips.
    for folder, _, names in sorted(os.walk(SMITHY)):
        if folder.endswith(os.path.join(".aws", "sso", "cache")):
            for name in sorted(names):
                with open(os.path.join(folder, name), "rb") as f:
                    caches.append(f.read())
    caches = sorted(set(caches))
    refreshed = {"accessToken": "aoaAAAAAGSRefreshedAccessToken", "expiresIn": 28800,
                 "idToken": "eyJhbGciOiJIUzI1NiJ9.e30.sig", "refreshToken": "aorvJYubRefreshedRefreshToken",
                 "tokenType": "Bearer"}
    for raw in caches:
        doc = json.loads(raw)
        source_seed(2, raw, role, kind="portal-cache")
        ours = {**doc, "startUrl": START_URL}
        source_seed(2, json.dumps(ours, indent=4), role, kind="portal-cache")
        source_seed(6, json.dumps(ours), role, kind="portal-cache-legacy")
        due = {**ours, "expiresAt": "2021-09-20T12:01:00Z"}
        source_seed(3, json.dumps(due, indent=4), json.dumps(refreshed), kind="refresh")
        if "refreshToken" in doc:
            source_seed(11, json.dumps(due), '{"error":"invalid_grant","error_description":"x"}',
                        kind="refresh-refused")
    for expires_in in (1, 300, 0, -1, 3600.0, 1.5, "3600", None, 10 ** 12, 2 ** 63):
        answer = {**refreshed, "expiresIn": expires_in}
        source_seed(3, json.dumps(answer), kind="refresh-answer")
    source_seed(3, json.dumps({"accessToken": "only-token", "expiresIn": 60}), kind="refresh-answer")
    # Instance metadata and container documents, each rule broken once.
    full = {"Code": "Success", "LastUpdated": "2021-09-20T21:42:26Z", "Type": "AWS-HMAC",
            "AccessKeyId": "ASIARTEST", "SecretAccessKey": "testsecretaccesskey",
            "Token": "testsessiontoken", "Expiration": "2021-09-21T04:16:53Z",
            "AccountId": "123456789012"}
    variants = [full, {**full, "Code": "Failure"}, {**full, "AccountId": 123456789012},
                {**full, "Expiration": "2021-09-20T11:00:00Z"}, {**full, "Expiration": "soon"},
                {**full, "Token": "  "}, {**full, "Token": None}, {**full, "Extra": [[1, 2], {"a": {}}]}]
    for key in ("AccessKeyId", "SecretAccessKey", "Token", "Expiration"):
        variants.append({k: v for k, v in full.items() if k != key})
    for i, doc in enumerate(variants):
        source_seed(i % 2, json.dumps(doc), kind="document")
    source_seed(8, json.dumps(full), kind="document-500")
    source_seed(0, "[" + "1," * 300 + "1]", kind="document-many")
    source_seed(1, "<html>SecretLookingBody</html>", kind="document-html")
    source_seed(2, "\0", kind="empty")
    source_seed(3, "{}\0{}", kind="empty")


MODEL_HELP = os.path.join(os.path.dirname(FUZZ), "sts-blocking", "src", "bin", "sts", "model_help.rs")


def yaml_inputs():
    """The tool's own `--generate-cli-skeleton yaml-input` texts, and
    documents in the shapes its tests write: block and flow collections,
    quotes, block scalars, comments, numbers kept as text."""
    with open(MODEL_HELP, encoding="utf-8") as f:
        text = f.read()
    start = text.index("YAML_INPUT_SKELETONS")
    body = text[start:text.index("];", start)]
    for literal in re.findall(r'\("\w+", ("(?:[^"\\]|\\.)*")\)', body):
        add("yaml_input", json.loads(literal), "skeleton")
    for doc in [
        "RoleArn: arn:aws:iam::123456789012:role/r\nRoleSessionName: 's #1'\nDurationSeconds: 900\n",
        "Tags:\n- Key: a\n  Value: \"b: c\"\n- {Key: d, Value: e}\nTransitiveTagKeys: [a, b]\n",
        "PolicyArns:\n  - arn: x\nPolicy: |\n  {\"Version\": \"2012-10-17\"}\n  more\nExternalId: >-\n  folded\n  text\n",
        "# comment\n---\nTokenCode: 012345\nSerialNumber: ~\nExternalId: 'it''s'\n",
        "Audience: [\"a\", 'b', [c, {d: e}]]\nTags: []\nScope: {}\n",
        "a:\n  b:\n    c:\n      - - - x\n",
        "RoleArn: [[[[[[[[x]]]]]]]]\n",
        "\tRoleArn: x\n",
        "RoleArn: &a x\nPolicy: *a\n",
        "RoleArn: x\nRoleArn: y\n",
    ]:
        add("yaml_input", doc, "doc")


def shorthands():
    """Structure arguments as the AWS CLI documents them and as the tool's
    tests give them: quotes, escapes, `@=`, commas in values, gaps."""
    for arg in [
        "Key=a,Value=b",
        "Key = a , Value = b ",
        "Key='a,b',Value=\"c\\\"d\"",
        "Key=a\\,b,Value=c",
        "key=a,value=b,c=d",
        "arn=arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn=arn:aws:iam::1:policy/a,b=c",
        "ProviderArn=arn:aws:iam::aws:contextProvider/IdentityCenter,ContextAssertion@=file://ctx",
        "Key=[a,b],Value={c}",
        "Key='unclosed",
        "=x",
        "Key=a,Key=b",
        "  Key=\u00e9t\u00e9,Value=\u65e5\u672c",
    ]:
        add("shorthand", arg, "arg")


def main():
    responses()
    timestamps()
    http_dates()
    endpoints()
    profiles()
    credential_processes()
    credential_sources()
    yaml_inputs()
    shorthands()
    for target, files in sorted(seeds.items()):
        folder = os.path.join(FUZZ, "corpus", target)
        os.makedirs(folder, exist_ok=True)
        for old in glob.glob(os.path.join(folder, "seed-*")):
            os.remove(old)
        for name, data in sorted(files.items()):
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)
        print(f"{target}: {len(files)} seeds", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1:] == ["--operations"]:
        print("\n".join(OPERATIONS))
    else:
        main()
