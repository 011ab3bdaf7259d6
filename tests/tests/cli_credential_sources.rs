//! The `sts` tool finds its credentials where the AWS SDKs do, with nothing
//! but the environment a real host gives it: EC2 instance metadata, the
//! container endpoint (ECS and EKS Pod Identity), IAM Identity Center (SSO)
//! and console login sessions. Each source is a loopback stand-in of the
//! real service that hands out temporary credentials moto issued, and the
//! tool signs `get-caller-identity` with them against moto, which checks
//! the signature: the answer names the role only if the credentials came
//! through intact.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use sts_blocking::Client;
use sts_proto::Credentials;
use sts_tests::{FaultServer, Moto, RecordedRequest, Response, ScratchDir, Step};

/// Temporary credentials of moto's test role, and the ARN they sign as.
struct RoleCredentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    arn_part: String,
}

fn role_credentials(moto: &Moto, session: &str) -> RoleCredentials {
    let client = Client::builder()
        .endpoint_url(&moto.endpoint)
        .region(&moto.region)
        .credentials(Credentials::new(
            moto.access_key_id.clone(),
            moto.secret_access_key.as_str(),
            None,
        ))
        .build()
        .unwrap();
    let out = client
        .assume_role(&sts_proto::ops::AssumeRole::new(&moto.role_arn, session))
        .unwrap();
    let creds = out.credentials;
    RoleCredentials {
        access_key_id: creds.access_key_id().to_owned(),
        secret_access_key: creds.secret_access_key().expose().to_owned(),
        session_token: creds.session_token().unwrap().expose().to_owned(),
        arn_part: format!("assumed-role/sts-test-role/{session}"),
    }
}

/// An hour from now, as the services write expirations.
fn in_an_hour() -> String {
    sts_proto::time::format_timestamp(SystemTime::now() + Duration::from_secs(3600))
}

/// The JSON credentials document of instance metadata and containers.
fn credentials_document(c: &RoleCredentials) -> String {
    serde_json::json!({
        "Code": "Success",
        "LastUpdated": sts_proto::time::format_timestamp(SystemTime::now()),
        "Type": "AWS-HMAC",
        "AccessKeyId": c.access_key_id,
        "SecretAccessKey": c.secret_access_key,
        "Token": c.session_token,
        "Expiration": in_an_hour(),
    })
    .to_string()
}

fn scratch(name: &str) -> ScratchDir {
    ScratchDir::new(&format!("cli-sources-{name}"))
}

/// `sts get-caller-identity` against moto with only `env` (and an empty
/// HOME): no keys, no profile, nothing else to find.
fn caller_identity(moto: &Moto, home: &std::path::Path, env: &[(&str, String)]) -> Output {
    caller_identity_with(moto, home, env, &[])
}

/// [`caller_identity`] with more global flags.
fn caller_identity_with(
    moto: &Moto,
    home: &std::path::Path,
    env: &[(&str, String)],
    flags: &[&str],
) -> Output {
    let mut cmd = Command::new(sts_tests::cargo::sts_binary());
    cmd.args(flags)
        .args([
            "--endpoint-url",
            &moto.endpoint,
            "--region",
            &moto.region,
            "get-caller-identity",
            "--output",
            "text",
        ])
        .env_clear()
        .env("HOME", home);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn assert_signed_as(out: &Output, creds: &RoleCredentials) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "exit {:?}: {stderr}",
        out.status.code()
    );
    assert!(stdout.contains(&creds.arn_part), "{stdout}");
    for secret in [&creds.secret_access_key, &creds.session_token] {
        assert!(!stdout.contains(secret.as_str()) && !stderr.contains(secret.as_str()));
    }
}

fn json(body: String) -> Step {
    Step::Respond(
        Response::new(200)
            .header("Content-Type", "application/json")
            .body(body),
    )
}

#[test]
fn instance_metadata_with_a_session_token() {
    let moto = Moto::shared_auth();
    let creds = Arc::new(role_credentials(moto, "from-imds"));
    let served = Arc::clone(&creds);
    let imds = FaultServer::with_handler(move |r: &RecordedRequest| {
        let token_ok = r.header("x-aws-ec2-metadata-token") == Some("imds-session-token");
        match (r.method.as_str(), r.path()) {
            ("PUT", "/latest/api/token") => {
                assert!(r.header("x-aws-ec2-metadata-token-ttl-seconds").is_some());
                Step::respond(200, "imds-session-token")
            }
            (_, _) if !token_ok => Step::respond(401, ""),
            ("GET", "/latest/meta-data/iam/security-credentials/")
            | ("GET", "/latest/meta-data/iam/security-credentials-extended/") => {
                Step::respond(200, "sts-test-role")
            }
            ("GET", "/latest/meta-data/iam/security-credentials/sts-test-role")
            | ("GET", "/latest/meta-data/iam/security-credentials-extended/sts-test-role") => {
                json(credentials_document(&served))
            }
            _ => Step::respond(404, ""),
        }
    });
    let home = scratch("imds");
    let out = caller_identity(
        moto,
        &home,
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url())],
    );
    assert_signed_as(&out, &creds);
    let seen: Vec<String> = imds
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path()))
        .collect();
    assert_eq!(
        seen.first().map(String::as_str),
        Some("PUT /latest/api/token")
    );
}

#[test]
fn instance_metadata_switched_off_is_not_asked() {
    let moto = Moto::shared_auth();
    let imds = FaultServer::with_handler(|_: &RecordedRequest| Step::respond(500, ""));
    let home = scratch("imds-off");
    let out = caller_identity(
        moto,
        &home,
        &[
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("instance metadata"), "{stderr}");
    assert_eq!(imds.requests_seen(), 0);
}

#[test]
fn container_endpoint_with_an_authorization_token_file() {
    let moto = Moto::shared_auth();
    let creds = Arc::new(role_credentials(moto, "from-container"));
    let served = Arc::clone(&creds);
    let auth_seen = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&auth_seen);
    let container = FaultServer::with_handler(move |r: &RecordedRequest| {
        seen.lock()
            .unwrap()
            .push(r.header("authorization").unwrap_or_default().to_owned());
        match (r.method.as_str(), r.path()) {
            ("GET", "/v1/credentials") => json(credentials_document(&served)),
            _ => Step::respond(404, ""),
        }
    });
    let home = scratch("container");
    let token_file = home.join("token");
    std::fs::write(&token_file, "pod-identity-token").unwrap();
    let out = caller_identity(
        moto,
        &home,
        &[
            (
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                format!("{}/v1/credentials", container.url()),
            ),
            (
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                token_file.display().to_string(),
            ),
            // The file wins over the variable.
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored".into()),
        ],
    );
    assert_signed_as(&out, &creds);
    assert_eq!(*auth_seen.lock().unwrap(), ["pod-identity-token"]);
}

#[test]
fn sso_session_profile_with_a_cached_token() {
    let moto = Moto::shared_auth();
    let creds = Arc::new(role_credentials(moto, "from-sso"));
    let served = Arc::clone(&creds);
    let portal = FaultServer::with_handler(move |r: &RecordedRequest| {
        let wanted = r.method == "GET"
            && r.path() == "/federation/credentials"
            && r.header("x-amz-sso_bearer_token") == Some("cached-sso-access-token");
        if !wanted {
            return Step::respond(403, "{}");
        }
        let expiration_ms = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_millis()
            + 3_600_000;
        json(
            serde_json::json!({"roleCredentials": {
                "accessKeyId": served.access_key_id,
                "secretAccessKey": served.secret_access_key,
                "sessionToken": served.session_token,
                "expiration": expiration_ms as u64,
            }})
            .to_string(),
        )
    });
    let home = scratch("sso");
    std::fs::create_dir_all(home.join(".aws/sso/cache")).unwrap();
    std::fs::write(
        home.join(".aws/config"),
        "[profile dev]\n\
         sso_session = my-sso\n\
         sso_account_id = 123456789012\n\
         sso_role_name = Developer\n\
         [sso-session my-sso]\n\
         sso_start_url = https://example.awsapps.com/start\n\
         sso_region = us-east-1\n",
    )
    .unwrap();
    let session = sts_blocking::credentials::SsoSession::named(
        "my-sso",
        "https://example.awsapps.com/start",
        "us-east-1",
    );
    std::fs::write(
        home.join(".aws/sso/cache").join(session.cache_file_name()),
        serde_json::json!({
            "startUrl": "https://example.awsapps.com/start",
            "region": "us-east-1",
            "accessToken": "cached-sso-access-token",
            "expiresAt": in_an_hour(),
        })
        .to_string(),
    )
    .unwrap();
    let env = [
        ("AWS_PROFILE", "dev".into()),
        ("AWS_ENDPOINT_URL_SSO", portal.url()),
    ];
    let out = caller_identity(moto, &home, &env);
    assert_signed_as(&out, &creds);
    let query = portal.requests()[0].query().unwrap_or_default().to_owned();
    assert!(
        query.contains("role_name=Developer") && query.contains("account_id=123456789012"),
        "{query}"
    );
    // The tool keeps the role's credentials in the AWS CLI's cache, under
    // botocore's name for them, as the AWS CLI does: the next run signs
    // with them without asking the portal.
    let cached = home
        .join(".aws/cli/cache")
        .join("78207cbe86fd88118b28f50a0d2415e56e205588.json");
    let document: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&cached).unwrap()).unwrap();
    assert_eq!(document["ProviderType"], "sso");
    assert_eq!(document["Credentials"]["AccountId"], "123456789012");
    let again = caller_identity(moto, &home, &env);
    assert_signed_as(&again, &creds);
    assert_eq!(portal.requests().len(), 1, "the portal was asked again");
}

/// The P-256 key of smithy-rs's login-session cases, as `aws login` caches it.
const LOGIN_DPOP_KEY: &str = "-----BEGIN EC PRIVATE KEY-----\n\
MHcCAQEEIPt/u8InPLpQeQLJTvVX+sNDzni8vMDMt3Liu+nMBigfoAoGCCqGSM49\n\
AwEHoUQDQgAEILkGG7rNOnxiIJlMgimY1UPP8eDMFP0DAY6WGjngP4bvTAiUCQ/I\n\
ffut2379uP+OBCm2ovGpBOJRgrl1RspUOQ==\n\
-----END EC PRIVATE KEY-----\n";

/// A console login session whose cached credentials have expired, and a
/// stand-in of the sign-in service that refreshes it with moto's
/// credentials for the session `session_name`.
struct LoginSession {
    creds: Arc<RoleCredentials>,
    signin: FaultServer,
    home: ScratchDir,
    cache_dir: PathBuf,
    cache_path: PathBuf,
}

impl LoginSession {
    fn new(moto: &Moto, session_name: &str) -> Self {
        let creds = Arc::new(role_credentials(moto, session_name));
        let served = Arc::clone(&creds);
        let signin = FaultServer::with_handler(move |r: &RecordedRequest| {
            let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
            let wanted = r.method == "POST"
                && r.path() == "/v1/token"
                && r.header("dpop").is_some_and(|p| p.split('.').count() == 3)
                && body["grantType"] == "refresh_token"
                && body["refreshToken"] == "cached-refresh-token";
            if !wanted {
                return Step::respond(400, "{}");
            }
            json(
                serde_json::json!({
                    "accessToken": {
                        "accessKeyId": served.access_key_id,
                        "secretAccessKey": served.secret_access_key,
                        "sessionToken": served.session_token,
                    },
                    "refreshToken": "next-refresh-token",
                    "expiresIn": 900,
                })
                .to_string(),
            )
        });
        let home = scratch(session_name);
        let session = "arn:aws:sts::123456789012:assumed-role/Admin/me";
        std::fs::create_dir_all(home.join(".aws")).unwrap();
        std::fs::write(
            home.join(".aws/config"),
            format!("[profile console]\nregion = us-east-1\nlogin_session = {session}\n"),
        )
        .unwrap();
        let cache_dir = home.join("login-cache");
        let config = sts_blocking::credentials::ProviderConfig::new().with_env(
            sts_blocking::env::MapEnv::new([(
                "AWS_LOGIN_CACHE_DIRECTORY",
                cache_dir.display().to_string(),
            )]),
        );
        let cache_path = sts_blocking::credentials::LoginProvider::new(&config, session)
            .cache_path()
            .unwrap();
        std::fs::create_dir_all(&cache_dir).unwrap();
        std::fs::write(
            &cache_path,
            serde_json::json!({
                "accessToken": {
                    "accessKeyId": "ASIAEXPIREDLOGIN",
                    "secretAccessKey": "expired-login-secret",
                    "sessionToken": "expired-login-token",
                    "accountId": "123456789012",
                    "expiresAt": "2020-01-01T00:00:00Z",
                },
                "clientId": "arn:aws:signin:::devtools/same-device",
                "refreshToken": "cached-refresh-token",
                "dpopKey": LOGIN_DPOP_KEY,
            })
            .to_string(),
        )
        .unwrap();
        Self {
            creds,
            signin,
            home,
            cache_dir,
            cache_path,
        }
    }

    /// `sts get-caller-identity` with the profile of the session and
    /// `flags`.
    fn caller_identity(&self, moto: &Moto, flags: &[&str]) -> Output {
        caller_identity_with(
            moto,
            &self.home,
            &[
                ("AWS_PROFILE", "console".into()),
                ("AWS_ENDPOINT_URL_SIGNIN", self.signin.url()),
                (
                    "AWS_LOGIN_CACHE_DIRECTORY",
                    self.cache_dir.display().to_string(),
                ),
            ],
            flags,
        )
    }
}

#[test]
fn console_login_session_refreshed_through_the_sign_in_service() {
    let moto = Moto::shared_auth();
    let login = LoginSession::new(moto, "from-login");
    let out = login.caller_identity(moto, &[]);
    assert_signed_as(&out, &login.creds);
    assert_eq!(login.signin.requests_seen(), 1);
    let cached: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&login.cache_path).unwrap()).unwrap();
    assert_eq!(
        cached["accessToken"]["accessKeyId"],
        login.creds.access_key_id.as_str()
    );
    assert_eq!(cached["refreshToken"], "next-refresh-token");
}

/// `--debug` shows the credential source's own exchange too (the refresh
/// goes through the tool's transport), without its secrets: the refresh
/// tokens in the JSON bodies, the DPoP proof, the credentials handed out.
#[test]
fn debug_shows_a_login_refresh_without_its_secrets() {
    let moto = Moto::shared_auth();
    let login = LoginSession::new(moto, "debug-login");
    let out = login.caller_identity(moto, &["--debug"]);
    assert_signed_as(&out, &login.creds);
    assert_eq!(login.signin.requests_seen(), 1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(">>> POST ") && stderr.contains("/v1/token"),
        "{stderr}"
    );
    assert!(stderr.contains("not a form"), "{stderr}");
    let proof = login.signin.requests()[0]
        .header("dpop")
        .unwrap()
        .to_owned();
    for secret in [
        "cached-refresh-token",
        "next-refresh-token",
        "refreshToken",
        proof.as_str(),
        login.creds.secret_access_key.as_str(),
        login.creds.session_token.as_str(),
    ] {
        assert!(!stderr.contains(secret), "{secret} shown: {stderr}");
    }
}
