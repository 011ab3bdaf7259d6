//! No secret reaches a log line, at any level and from any crate, when the
//! program's logger is wrapped in `SecretSafeLog`; and without the wrapper
//! the HTTP stack's own trace lines do carry them, which is why it exists.
//!
//! One test in this binary: the logger is process-wide. It records every
//! record twice, once raw and once through the wrapper, while every
//! operation and every credential source that talks to a server runs over
//! the default `ureq` transport against the fault server.

use std::sync::{Arc, Mutex};

use log::{Log, Metadata, Record};
use sts_blocking::Client;
use sts_blocking::credentials::{
    CredentialProcessProvider, ProfileProvider, ProvideCredentials, ProviderConfig,
};
use sts_blocking::env::MapEnv;
use sts_blocking::log_safety::SecretSafeLog;
use sts_proto::Credentials;
use sts_proto::ops::*;
use sts_tests::{FaultServer, RecordedRequest, Response, ScratchDir, Step, canned};

/// Secrets the client is given, and secrets the server answers with.
const SIGNING_SECRET: &str = "SIGNINGSECRETd81f";
const SIGNING_TOKEN: &str = "SIGNINGTOKEN4e2a";
const WEB_IDENTITY_TOKEN: &str = "REQWEBIDTOKEN77c3";
const SAML_ASSERTION: &str = "REQSAMLASSERTION90b1";
const TRADE_IN_TOKEN: &str = "REQTRADEINTOKEN3d5e";
const TOKEN_CODE: &str = "918273";
const ANSWER_SECRET: &str = "ANSWERSECRETa6b4";
const ANSWER_TOKEN: &str = "ANSWERTOKENf00d";
const ANSWER_JWT: &str = "ANSWERJWT2c8d";
const PROCESS_SECRET: &str = "PROCESSSECRET5a5a";

#[derive(Debug, Default, Clone)]
struct Lines(Arc<Mutex<Vec<String>>>);

impl Lines {
    fn all(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

impl Log for Lines {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &Record<'_>) {
        let line = format!("{} {} {}", record.level(), record.target(), record.args());
        self.0.lock().unwrap().push(line);
    }
    fn flush(&self) {}
}

/// Sends each record to a raw recorder and to a wrapped one.
#[derive(Debug)]
struct Both {
    raw: Lines,
    safe: SecretSafeLog<Lines>,
}

impl Log for Both {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &Record<'_>) {
        self.raw.log(record);
        if self.safe.enabled(record.metadata()) {
            self.safe.log(record);
        }
    }
    fn flush(&self) {}
}

fn credentials_xml() -> String {
    format!(
        "<Credentials><AccessKeyId>ASIAANSWER</AccessKeyId>\
         <SecretAccessKey>{ANSWER_SECRET}</SecretAccessKey><SessionToken>{ANSWER_TOKEN}</SessionToken>\
         <Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>"
    )
}

/// A success for whatever `Action` the request names.
fn answer(request: &RecordedRequest) -> Step {
    let body = request.body_text();
    let action = body
        .split('&')
        .find_map(|p| p.strip_prefix("Action="))
        .unwrap_or("Unknown")
        .to_owned();
    let user = "<AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId>\
                <Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser>";
    let result = match action.as_str() {
        "GetCallerIdentity" => {
            return Step::xml(200, canned::caller_identity("arn:aws:iam::1:user/u"));
        }
        "GetAccessKeyInfo" => "<Account>123456789012</Account>".to_owned(),
        "DecodeAuthorizationMessage" => "<DecodedMessage>{}</DecodedMessage>".to_owned(),
        "GetWebIdentityToken" => format!(
            "<WebIdentityToken>{ANSWER_JWT}</WebIdentityToken><Expiration>2030-01-01T00:00:00Z</Expiration>"
        ),
        "GetFederationToken" => format!(
            "{}<FederatedUser><FederatedUserId>1:f</FederatedUserId>\
             <Arn>arn:aws:sts::1:federated-user/f</Arn></FederatedUser>",
            credentials_xml()
        ),
        "GetDelegatedAccessToken" => format!(
            "{}<AssumedPrincipal>arn:aws:iam::1:user/x</AssumedPrincipal>",
            credentials_xml()
        ),
        "AssumeRoleWithSAML" => format!(
            "{}{user}<Subject>s</Subject><SubjectType>persistent</SubjectType>\
             <Issuer>https://idp</Issuer><Audience>https://signin.aws.amazon.com/saml</Audience>\
             <NameQualifier>q</NameQualifier>",
            credentials_xml()
        ),
        "AssumeRoleWithWebIdentity" => format!(
            "{}{user}<SubjectFromWebIdentityToken>s</SubjectFromWebIdentityToken>",
            credentials_xml()
        ),
        "AssumeRole" => format!("{}{user}", credentials_xml()),
        _ => credentials_xml(),
    };
    Step::Respond(Response::xml(200, canned::success(&action, &result)))
}

fn every_operation(client: &Client) {
    client.get_caller_identity().unwrap();
    client
        .get_access_key_info(&GetAccessKeyInfo::new("AKIAIOSFODNN7EXAMPLE"))
        .unwrap();
    client
        .decode_authorization_message(&DecodeAuthorizationMessage::new("encoded"))
        .unwrap();
    client
        .get_session_token(
            &GetSessionToken::new().mfa("arn:aws:iam::123456789012:mfa/me", TOKEN_CODE),
        )
        .unwrap();
    client
        .get_federation_token(&GetFederationToken::new("fed"))
        .unwrap();
    client
        .assume_role(
            &AssumeRole::new("arn:aws:iam::123456789012:role/r", "session")
                .mfa("arn:aws:iam::123456789012:mfa/me", TOKEN_CODE),
        )
        .unwrap();
    client
        .assume_role_with_web_identity(&AssumeRoleWithWebIdentity::new(
            "arn:aws:iam::123456789012:role/r",
            "session",
            WEB_IDENTITY_TOKEN,
        ))
        .unwrap();
    client
        .assume_role_with_saml(&AssumeRoleWithSaml::new(
            "arn:aws:iam::123456789012:role/r",
            "arn:aws:iam::123456789012:saml-provider/p",
            SAML_ASSERTION,
        ))
        .unwrap();
    client
        .assume_root(&AssumeRoot::new(
            "111122223333",
            "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials",
        ))
        .unwrap();
    client
        .get_delegated_access_token(&GetDelegatedAccessToken::new(TRADE_IN_TOKEN))
        .unwrap();
    client
        .get_web_identity_token(&GetWebIdentityToken::new("https://aud", "RS256"))
        .unwrap();
}

/// Every credential source that sends or reads a secret: a role chain
/// from static keys, web identity from a token file, and a process.
fn every_credential_source(server: &FaultServer) {
    let dir = ScratchDir::new("trace-logs");
    let token_file = dir.join("token");
    std::fs::write(&token_file, WEB_IDENTITY_TOKEN).unwrap();
    let config = format!(
        "[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n\
         region = us-east-1\nendpoint_url = {url}\n\
         [profile web]\nrole_arn = arn:aws:iam::123456789012:role/w\n\
         web_identity_token_file = {token}\nregion = us-east-1\nendpoint_url = {url}\n",
        url = server.url(),
        token = token_file.display(),
    );
    std::fs::write(dir.join("config"), config).unwrap();
    std::fs::write(
        dir.join("credentials"),
        format!("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = {SIGNING_SECRET}\n"),
    )
    .unwrap();
    let env = MapEnv::new([
        ("HOME", dir.display().to_string()),
        ("AWS_CONFIG_FILE", dir.join("config").display().to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("credentials").display().to_string(),
        ),
    ]);
    let cfg = ProviderConfig::new().with_env(env);
    for profile in ["chained", "web"] {
        let creds = ProfileProvider::for_profile(&cfg, profile)
            .provide_credentials()
            .unwrap();
        assert_eq!(creds.access_key_id(), "ASIAANSWER", "{profile}");
    }
    let process = CredentialProcessProvider::new(format!(
        "printf '{{\"Version\":1,\"AccessKeyId\":\"AKIDPROC\",\"SecretAccessKey\":\"{PROCESS_SECRET}\"}}'"
    ));
    assert_eq!(
        process.provide_credentials().unwrap().access_key_id(),
        "AKIDPROC"
    );
}

#[test]
fn no_secret_reaches_a_log_line_through_the_safe_logger() {
    let raw = Lines::default();
    let safe = Lines::default();
    let both: &'static Both = Box::leak(Box::new(Both {
        raw: raw.clone(),
        safe: SecretSafeLog::new(safe.clone()),
    }));
    log::set_logger(both).unwrap();
    log::set_max_level(log::LevelFilter::Trace);

    let server = FaultServer::with_handler(answer);
    let client = Client::builder()
        .endpoint_url(server.url())
        .region("us-east-1")
        .credentials(Credentials::new(
            "AKIDCLIENT",
            SIGNING_SECRET,
            Some(SIGNING_TOKEN.into()),
        ))
        .build()
        .unwrap();
    every_operation(&client);
    every_credential_source(&server);

    let requests = server.requests();
    assert_eq!(requests.len(), 13);
    let signatures: Vec<String> = requests
        .iter()
        .filter_map(|r| r.header("authorization"))
        .filter_map(|a| a.split("Signature=").nth(1))
        .map(str::to_owned)
        .collect();
    assert_eq!(signatures.len(), 10, "every signed request has a signature");
    let mut secrets: Vec<&str> = vec![
        SIGNING_SECRET,
        SIGNING_TOKEN,
        WEB_IDENTITY_TOKEN,
        SAML_ASSERTION,
        TRADE_IN_TOKEN,
        ANSWER_SECRET,
        ANSWER_TOKEN,
        ANSWER_JWT,
        PROCESS_SECRET,
        TOKEN_CODE,
    ];
    secrets.extend(signatures.iter().map(String::as_str));
    // `ureq-proto` hexdumps 16 bytes a row; a secret split over two rows
    // would not show as one string, so also look for every 8-byte piece
    // of each secret in the rows' printable column.
    let leaks = |lines: &[String]| -> Vec<String> {
        let mut found = Vec::new();
        for line in lines {
            for secret in &secrets {
                let pieces = secret.as_bytes().windows(8.min(secret.len()));
                if line.contains(secret)
                    || pieces
                        .filter_map(|w| std::str::from_utf8(w).ok())
                        .any(|w| w.len() == 8 && line.contains(w))
                {
                    found.push(format!("{secret:.6}… in: {line:.160}"));
                }
            }
        }
        found
    };
    let safe_lines = safe.all();
    let raw_lines = raw.all();
    assert!(
        safe_lines.iter().any(|l| l.contains("sts_blocking")) || safe_lines.len() > 10,
        "the safe logger saw the client's own lines: {}",
        safe_lines.len()
    );
    let leaked = leaks(&safe_lines);
    assert!(leaked.is_empty(), "secrets in safe log lines:\n{leaked:#?}");
    // The check of the check: the raw lines at trace do carry them.
    let raw_leaks = leaks(&raw_lines);
    for secret in [SIGNING_TOKEN, ANSWER_SECRET, ANSWER_TOKEN] {
        assert!(
            raw_leaks
                .iter()
                .any(|l| l.starts_with(&format!("{secret:.6}"))),
            "expected ureq's trace hexdump to show {secret:.6}…; the wrapper would be untested"
        );
    }
    eprintln!(
        "{} raw lines ({} with a secret), {} through SecretSafeLog (none with a secret)",
        raw_lines.len(),
        raw_leaks.len(),
        safe_lines.len()
    );
}
