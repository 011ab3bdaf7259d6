//! The `sts` binary against moto and other independent checkers: its
//! credentials used by the next command, presigned URLs and EKS tokens
//! verified by a SigV4 check written apart from the project's signer, and
//! its `credential_process` output read by botocore.

mod cli_support;

use std::process::Command;

use cli_support::*;
use sts_tests::{FaultServer, Moto, Step};

#[test]
fn against_moto_assume_role_then_use_the_env_output() {
    let moto = Moto::shared_auth();
    let keys = [
        ("AWS_ACCESS_KEY_ID", moto.access_key_id.as_str()),
        ("AWS_SECRET_ACCESS_KEY", moto.secret_access_key.as_str()),
    ];
    let endpoint = moto.endpoint.as_str();
    let me = stdout(&sts(
        &["--endpoint-url", endpoint, "get-caller-identity"],
        &keys,
    ));
    assert!(
        me.contains(&format!("\"Arn\": \"{}\"", moto.user_arn)),
        "{me}"
    );

    let env_out = stdout(&sts(
        &[
            "--endpoint-url",
            endpoint,
            "assume-role",
            "--role-arn",
            &moto.role_arn,
            "--role-session-name",
            "cli-session",
            "--tags",
            "Key=Project,Value=Unicorn",
            "--output",
            "env",
        ],
        &keys,
    ));
    // What `eval` would do with the lines.
    let assumed: Vec<(String, String)> = env_out
        .lines()
        .map(|l| {
            let (k, v) = l.strip_prefix("export ").unwrap().split_once('=').unwrap();
            (k.to_owned(), v.trim_matches('\'').to_owned())
        })
        .collect();
    assert_eq!(assumed.len(), 4);
    let assumed_env: Vec<(&str, &str)> = assumed
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let as_role = stdout(&sts(
        &[
            "--endpoint-url",
            endpoint,
            "get-caller-identity",
            "--output",
            "text",
        ],
        &assumed_env,
    ));
    assert!(
        as_role.contains("assumed-role/sts-test-role/cli-session"),
        "{as_role}"
    );
}

/// A SigV4 check written independently of the project's signer, in
/// Python's standard library, straight from the AWS documentation.
const VERIFY_PRESIGNED: &str = r#"
import hashlib, hmac, sys, urllib.parse
url, secret, headers = sys.argv[1], sys.argv[2], sys.argv[3:]
parts = urllib.parse.urlsplit(url)
query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
given = dict(query)["X-Amz-Signature"]
q = lambda s: urllib.parse.quote(s, safe="-_.~")
canonical_query = "&".join(f"{q(k)}={q(v)}" for k, v in sorted(query) if k != "X-Amz-Signature")
hdrs = {"host": parts.netloc}
for h in headers:
    k, v = h.split(":", 1)
    hdrs[k.lower()] = v.strip()
signed = dict(query)["X-Amz-SignedHeaders"]
assert signed == ";".join(sorted(hdrs)), (signed, sorted(hdrs))
canonical_headers = "".join(f"{k}:{hdrs[k]}\n" for k in sorted(hdrs))
creq = "\n".join(["GET", parts.path or "/", canonical_query, canonical_headers, signed,
                  hashlib.sha256(b"").hexdigest()])
amz_date = dict(query)["X-Amz-Date"]
scope = dict(query)["X-Amz-Credential"].split("/", 1)[1]
sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
key = ("AWS4" + secret).encode()
for part in scope.split("/"):
    key = hmac.new(key, part.encode(), hashlib.sha256).digest()
expected = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
print("ok" if hmac.compare_digest(expected, given) else f"mismatch: {expected} != {given}")
"#;

fn python() -> &'static str {
    "python3"
}

#[test]
fn presign_and_eks_token_verify_with_the_same_credentials() {
    let secret = KEYS[1].1;
    let url = stdout(&sts(
        &[
            "--region",
            "eu-west-1",
            "presign",
            "get-caller-identity",
            "--expires-in",
            "300",
        ],
        &KEYS,
    ));
    let url = url.trim();
    assert_presigned_caller_identity(url, "eu-west-1", 300);
    assert_eq!(verify_presigned(url, secret, &[]), "ok");
    // Outside 1 to 604800 seconds: the command line is wrong (252).
    for bad in ["0", "604801"] {
        let o = sts(
            &["presign", "get-caller-identity", "--expires-in", bad],
            &KEYS,
        );
        assert!(usage_error(&o).contains("--expires-in"), "{bad}");
    }

    let doc = stdout(&sts(
        &[
            "--region",
            "us-west-2",
            "eks-token",
            "--cluster-name",
            "my-cluster",
        ],
        &KEYS,
    ));
    let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
    assert_eq!(v["kind"], "ExecCredential");
    assert_eq!(v["apiVersion"], "client.authentication.k8s.io/v1beta1");
    assert_eq!(v["spec"], serde_json::json!({}));
    let stamp = v["status"]["expirationTimestamp"].as_str().unwrap();
    assert!(sts_proto::time::parse_timestamp(stamp).is_ok() && stamp.ends_with('Z'));
    let token = v["status"]["token"].as_str().unwrap();
    let encoded = token.strip_prefix("k8s-aws-v1.").unwrap();
    assert!(!encoded.contains('=') && !encoded.contains('+') && !encoded.contains('/'));
    // base64url without padding, decoded with Python's standard library.
    let decoded = Command::new(python())
        .args([
            "-c",
            "import base64,sys; s=sys.argv[1]; print(base64.urlsafe_b64decode(s + '=' * (-len(s) % 4)).decode())",
            encoded,
        ])
        .output()
        .unwrap();
    let url = String::from_utf8(decoded.stdout).unwrap();
    let url = url.trim();
    assert_presigned_caller_identity(url, "us-west-2", 60);
    assert!(url.contains("X-Amz-SignedHeaders=host%3Bx-k8s-aws-id"));
    assert_eq!(
        verify_presigned(url, secret, &["x-k8s-aws-id:my-cluster"]),
        "ok"
    );
    // A different cluster name does not verify: the header is signed.
    assert!(verify_presigned(url, secret, &["x-k8s-aws-id:other"]).starts_with("mismatch"));
}

/// kubectl names the kubeconfig's `exec.apiVersion` in
/// `KUBERNETES_EXEC_INFO` and refuses an answer of another version; `sts
/// eks-token` always answered v1beta1, so every v1 kubeconfig failed. As
/// `aws eks get-token`: the version named if known, else v1beta1 with a
/// warning on stderr, never an error.
#[test]
fn eks_token_answers_in_the_api_version_kubectl_names() {
    let info = |v: &str| {
        format!(r#"{{"kind":"ExecCredential","apiVersion":"{v}","spec":{{"interactive":false}}}}"#)
    };
    let api = |v: &str| format!("client.authentication.k8s.io/{v}");
    // (KUBERNETES_EXEC_INFO, the version answered, whether stderr warns).
    let cases: Vec<(Option<String>, String, bool)> = vec![
        (Some(info(&api("v1"))), api("v1"), false),
        (Some(info(&api("v1beta1"))), api("v1beta1"), false),
        (None, api("v1beta1"), false),
        (Some(String::new()), api("v1beta1"), false),
        (Some(info(&api("v1alpha1"))), api("v1alpha1"), true),
        (Some("{not json".into()), api("v1beta1"), true),
        (Some(info(&api("v2"))), api("v1beta1"), true),
        (
            Some(r#"{"kind":"ExecCredential"}"#.into()),
            api("v1beta1"),
            true,
        ),
        (Some("[1]".into()), api("v1beta1"), true),
    ];
    for (exec_info, expected, warns) in cases {
        let mut env = KEYS.to_vec();
        if let Some(v) = &exec_info {
            env.push(("KUBERNETES_EXEC_INFO", v));
        }
        let o = sts(&["eks-token", "--cluster-name", "c"], &env);
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["apiVersion"], expected.as_str(), "{exec_info:?}");
        assert_eq!(v["kind"], "ExecCredential");
        let err = String::from_utf8_lossy(&o.stderr);
        if warns {
            assert!(
                err.contains("WARNING")
                    && err.contains(if expected.ends_with("v1alpha1") {
                        "deprecated"
                    } else {
                        "KUBERNETES_EXEC_INFO"
                    }),
                "{exec_info:?}: {err}"
            );
        } else {
            assert!(err.is_empty(), "{exec_info:?}: {err}");
        }
    }
}

/// Fails unless `url` is a presigned GetCallerIdentity in `region`, valid
/// for `expires` seconds.
fn assert_presigned_caller_identity(url: &str, region: &str, expires: u32) {
    let start =
        format!("https://sts.{region}.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&");
    assert!(url.starts_with(&start), "{url}");
    assert!(url.contains(&format!("X-Amz-Expires={expires}")), "{url}");
}

/// What [`VERIFY_PRESIGNED`] says of `url` under `secret`, with `headers`
/// (`name:value`) sent along: `ok`, or why not.
fn verify_presigned(url: &str, secret: &str, headers: &[&str]) -> String {
    let check = Command::new(python())
        .args(["-c", VERIFY_PRESIGNED, url, secret])
        .args(headers)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&check.stdout).trim().to_owned();
    assert!(!said.is_empty(), "the check said nothing: {check:?}");
    said
}

/// A presigned URL of an operation whose values hold spaces and pluses
/// (a policy, a tag) verifies under the independent check: the URL and
/// the signature read them alike.
#[test]
fn a_presigned_url_with_spaces_and_pluses_verifies() {
    use sts_proto::operation::{RequestContext, presign};
    use sts_proto::ops::AssumeRole;

    let secret = KEYS[1].1;
    let credentials = sts_proto::Credentials::new(KEYS[0].1, secret, None);
    let endpoint = sts_proto::endpoint::EndpointConfig::new()
        .with_region("eu-west-1")
        .resolve()
        .unwrap();
    let op = AssumeRole::new("arn:aws:iam::123456789012:role/r", "s+1")
        .policy(r#"{"Version": "2012-10-17", "Statement": []}"#)
        .tag("Project", "Blue Unicorn+1");
    let ctx =
        RequestContext::new(&endpoint, std::time::SystemTime::now()).credentials(&credentials);
    let request = presign(&op, &ctx, std::time::Duration::from_secs(60), &[]).unwrap();
    let url = request.uri().to_string();
    assert!(!url.contains('+'), "{url}");
    assert!(url.contains("Blue%20Unicorn%2B1"), "{url}");
    assert_eq!(verify_presigned(&url, secret, &[]), "ok", "{url}");
}

#[test]
fn botocore_accepts_the_credential_process_output() {
    let venv = match sts_tests::moto::ensure_venv() {
        Ok(v) => v,
        Err(e) => {
            // Fails under CI, which needs the venv with botocore.
            sts_tests::tools::skip(&format!("no Python venv with botocore ({e})"));
            return;
        }
    };
    let body = assume_role_answer();
    let server = FaultServer::start(
        sts_tests::Script::new(vec![Step::xml(200, body)]).then(sts_tests::WhenDone::RepeatLast),
    );
    let home = scratch_home();
    let config = home.join("botocore-config");
    let command = format!(
        "/usr/bin/env AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={} {} --endpoint-url {} \
         assume-role --role-arn arn:aws:iam::123456789012:role/r --role-session-name cp \
         --output credential-process",
        KEYS[0].1,
        KEYS[1].1,
        sts_tests::cargo::sts_binary().display(),
        server.url()
    );
    std::fs::write(
        &config,
        format!("[profile cp]\ncredential_process = {command}\n"),
    )
    .unwrap();
    let script = "import botocore.session\n\
                  s = botocore.session.Session(profile='cp')\n\
                  c = s.get_credentials().get_frozen_credentials()\n\
                  print(c.access_key, c.secret_key, c.token)\n";
    let out = Command::new(venv.join("bin/python"))
        .args(["-c", script])
        .env_clear()
        .env("HOME", &home)
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("none"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "ASIAFAULTSERVER fault/secret fault-token",
        "botocore said: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(server.requests_seen() >= 1);
}

/// `aws eks update-kubeconfig` writes `--output json` into the kubeconfig's
/// `args`, which `sts eks-token` refused (252); json is what it prints,
/// and the other forms are refused by name. One of `--cluster-name` and
/// `--cluster-id` is required, not both.
#[test]
fn eks_token_takes_output_json_and_a_cluster_name_or_id() {
    let doc = stdout(&sts(
        &["eks-token", "--cluster-name", "c", "--output", "json"],
        &KEYS,
    ));
    let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
    assert_eq!(v["kind"], "ExecCredential");
    // Under the AWS CLI's words too, as a kubeconfig written by `aws eks
    // update-kubeconfig` runs it once `aws` is replaced by `sts`: the same
    // document, the token signed for the same cluster.
    let aws_words = stdout(&sts(
        &[
            "--region",
            "eu-west-1",
            "eks",
            "get-token",
            "--cluster-name",
            "c",
            "--output",
            "json",
        ],
        &KEYS,
    ));
    let w: serde_json::Value = serde_json::from_str(&aws_words).unwrap();
    assert_eq!(w["kind"], v["kind"]);
    assert_eq!(w["apiVersion"], v["apiVersion"]);
    let url = |doc: &serde_json::Value| {
        let token = doc["status"]["token"].as_str().unwrap().to_owned();
        let encoded = token.strip_prefix("k8s-aws-v1.").unwrap().to_owned();
        let decoded = Command::new(python())
            .args([
                "-c",
                "import base64,sys; s=sys.argv[1]; print(base64.urlsafe_b64decode(s + '=' * (-len(s) % 4)).decode())",
                &encoded,
            ])
            .output()
            .unwrap();
        String::from_utf8(decoded.stdout).unwrap()
    };
    let signed = url(&w);
    assert!(
        signed.contains("Action=GetCallerIdentity") && signed.contains("x-k8s-aws-id"),
        "{signed}"
    );
    let o = sts(
        &[
            "eks",
            "get-token",
            "--cluster-name",
            "c",
            "--output",
            "text",
        ],
        &KEYS,
    );
    assert!(usage_error(&o).contains("json only"));
    for other in ["text", "table", "yaml", "env"] {
        let o = sts(
            &["eks-token", "--cluster-name", "c", "--output", other],
            &KEYS,
        );
        let err = usage_error(&o);
        assert!(
            err.contains("--output") && err.contains("json only"),
            "{other}: {err}"
        );
    }
    let o = sts(
        &["eks-token", "--cluster-name", "c", "--query", "kind"],
        &KEYS,
    );
    assert!(usage_error(&o).contains("--query"));
    let o = sts(
        &["eks-token", "--cluster-name", "a", "--cluster-id", "b"],
        &KEYS,
    );
    assert!(usage_error(&o).contains("--cluster-id"));
    let o = sts(&["eks-token"], &KEYS);
    assert!(usage_error(&o).contains("--cluster-name"));
    // The id is signed as x-k8s-aws-id, as the AWS CLI signs it.
    let doc = stdout(&sts(&["eks-token", "--cluster-id", "id-1"], &KEYS));
    let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
    let token = v["status"]["token"].as_str().unwrap();
    let encoded = token.strip_prefix("k8s-aws-v1.").unwrap();
    let decoded = Command::new(python())
        .args([
            "-c",
            "import base64,sys; s=sys.argv[1]; print(base64.urlsafe_b64decode(s + '=' * (-len(s) % 4)).decode())",
            encoded,
        ])
        .output()
        .unwrap();
    let url = String::from_utf8(decoded.stdout).unwrap();
    let secret = KEYS[1].1;
    assert_eq!(
        verify_presigned(url.trim(), secret, &["x-k8s-aws-id:id-1"]),
        "ok"
    );
}
