//! `credential_sources`: the network credential sources of `sts-blocking`
//! (instance metadata, the container endpoint, IAM Identity Center),
//! driven black-box through their public providers in an in-memory world.

mod reference;
mod secrets;
mod world;

use serde_json::{Map, Value};
use sts_blocking::credentials::{
    ContainerProvider, CredentialsError, CredentialsErrorKind, ImdsProvider, MapFs,
    ProvideCredentials, SsoProvider, SsoSession, SsoToken, SsoTokenProvider,
};
use sts_proto::Credentials;

use self::reference::{Refusal, Session, SsoReading};
use self::secrets::Secrets;
use self::world::{
    Answer, CONTAINER_PATH, CONTAINER_TOKEN, Canned, ENDPOINT, HOME, IMDS_TOKEN, OIDC_PATH,
    PORTAL_PATH, ROLE, ROLE_PATH, Sent, TOKEN_PATH, now,
};

/// The `[sso-session]` of the SSO inputs, and its sign-in.
const SESSION: &str = "fuzz-session";
const START_URL: &str = "https://d-fuzz.awsapps.com/start";
const REGION: &str = "us-east-1";
/// The role asked of the SSO portal.
const ACCOUNT: &str = "123456789012";
const ROLE_NAME: &str = "FuzzRole";
/// Between the cache file and the service's answer in the SSO inputs.
const SEPARATOR: u8 = 0;

/// The cache file the SSO inputs without one read: a token good for
/// hours, with planted secrets.
const PLANTED_CACHE: &str = r#"{"accessToken":"PlantedSsoAccessToken-c41d7e",
  "expiresAt":"2021-09-20T20:00:00Z","refreshToken":"PlantedSsoRefreshToken-9b02fa",
  "clientId":"PlantedClientId","clientSecret":"PlantedSsoClientSecret-63ae10",
  "registrationExpiresAt":"2021-12-01T00:00:00Z","region":"us-east-1",
  "startUrl":"https://d-fuzz.awsapps.com/start"}"#;
/// The same with a token one minute from expiry, which is refreshed.
const PLANTED_EXPIRING_CACHE: &str = r#"{"accessToken":"PlantedSsoAccessToken-c41d7e",
  "expiresAt":"2021-09-20T12:01:00Z","refreshToken":"PlantedSsoRefreshToken-9b02fa",
  "clientId":"PlantedClientId","clientSecret":"PlantedSsoClientSecret-63ae10",
  "registrationExpiresAt":"2021-12-01T00:00:00Z","region":"us-east-1",
  "startUrl":"https://d-fuzz.awsapps.com/start"}"#;
/// How the OIDC service refuses a refresh.
const REFRESH_REFUSED: &[u8] = br#"{"error":"invalid_grant"}"#;

/// Input: `[selector, bytes…]`. `selector % 4` picks the source and what
/// the bytes are:
///
/// 0. instance metadata: the role's credentials document;
/// 1. the container endpoint: its credentials document;
/// 2. the SSO portal: the token cache file, NUL, the `GetRoleCredentials`
///    answer;
/// 3. the SSO token: the token cache file, NUL, the OIDC `CreateToken`
///    answer to its refresh.
///
/// Without a NUL, the bytes are the answer and the cache file is a planted
/// one (for 3, one due for a refresh). Bit 4 makes the SSO session a
/// legacy one (never refreshed), bit 8 makes the service answer with an
/// error status (500, 403 for the portal, 400 for `CreateToken`).
///
/// Each source must give exactly the credentials (or token) the reference
/// reading of `reference.rs` gives, expiration included, or refuse with
/// the kind and reason it expects; send exactly the requests it implies,
/// with the planted or cached tokens; write a refreshed token back so that
/// it reads back the same; keep the heap in bound; and show no secret of
/// the input or of the world in an error or in `Debug`.
pub fn credential_sources(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let legacy = selector & 4 != 0;
    let failing = selector & 8 != 0;
    match selector % 4 {
        0 => instance_metadata(rest, failing),
        1 => container(rest, failing),
        2 => {
            let (cache, answer) = split(rest, PLANTED_CACHE);
            sso_portal(cache, answer, legacy, failing);
        }
        _ => {
            let (cache, answer) = split(rest, PLANTED_EXPIRING_CACHE);
            sso_refresh(cache, answer, legacy, failing);
        }
    }
}

/// The cache file and the answer of an SSO input.
fn split<'a>(bytes: &'a [u8], planted: &'a str) -> (&'a [u8], &'a [u8]) {
    match bytes.iter().position(|b| *b == SEPARATOR) {
        Some(at) => (&bytes[..at], &bytes[at + 1..]),
        None => (planted.as_bytes(), bytes),
    }
}

/// Secrets of a credentials document, or of a `roleCredentials`
/// object: the members that hold them.
const DOCUMENT_SECRETS: [&str; 4] = [
    "SecretAccessKey",
    "Token",
    "secretAccessKey",
    "sessionToken",
];
const TOKEN_SECRETS: [&str; 3] = ["accessToken", "refreshToken", "clientSecret"];

fn instance_metadata(body: &[u8], failing: bool) {
    let status = if failing { 500 } else { 200 };
    let transport = Canned::new((status, body.to_vec()), (404, Vec::new()));
    let config = world::config(&[], MapFs::new(), transport.clone());
    let got = ImdsProvider::builder(&config)
        .endpoint(ENDPOINT)
        .build()
        .provide_credentials();
    let want = if failing {
        Err(failed("the endpoint answered with status 500"))
    } else {
        reference::metadata_document(body, now(), reference::Expired::Extended)
    };
    agree(got.as_deref(), &want);

    // A session token first, then the listing and the role, with it; a
    // server error is asked four times.
    let sent = transport.sent();
    let role_path = format!("{ROLE_PATH}{ROLE}");
    let mut paths = vec![TOKEN_PATH, ROLE_PATH];
    paths.extend(std::iter::repeat_n(
        role_path.as_str(),
        if failing { 4 } else { 1 },
    ));
    assert_eq!(paths_of(&sent), paths);
    assert!(
        sent[0].method == http::Method::PUT
            && header(&sent[0], "x-aws-ec2-metadata-token").is_none()
    );
    for get in &sent[1..] {
        assert_eq!(get.method, http::Method::GET);
        assert_eq!(header(get, "x-aws-ec2-metadata-token"), Some(IMDS_TOKEN));
    }

    let mut secrets = Secrets::new();
    secrets.planted(IMDS_TOKEN);
    secrets.document(body, &DOCUMENT_SECRETS);
    secrets.check_credentials(got.as_deref());
}

fn container(body: &[u8], failing: bool) {
    let status = if failing { 500 } else { 200 };
    let transport = Canned::new((status, body.to_vec()), (404, Vec::new()));
    let uri = format!("{ENDPOINT}{CONTAINER_PATH}");
    let env = [
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri.as_str()),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", CONTAINER_TOKEN),
    ];
    let config = world::config(&env, MapFs::new(), transport.clone());
    let got = ContainerProvider::new(&config).provide_credentials();
    let want = if failing {
        Err(failed("the endpoint answered with status 500"))
    } else {
        reference::metadata_document(body, now(), reference::Expired::Refused)
    };
    agree(got.as_deref(), &want);

    let sent = transport.sent();
    assert_eq!(
        paths_of(&sent),
        vec![CONTAINER_PATH; if failing { 4 } else { 1 }]
    );
    for get in &sent {
        assert_eq!(get.method, http::Method::GET);
        assert_eq!(header(get, "authorization"), Some(CONTAINER_TOKEN));
    }

    let mut secrets = Secrets::new();
    secrets.planted(CONTAINER_TOKEN);
    secrets.document(body, &DOCUMENT_SECRETS);
    secrets.check_credentials(got.as_deref());
}

/// The session of an SSO input, its reference form and its cache path.
fn session(legacy: bool) -> (SsoSession, Session<'static>, String) {
    let session = if legacy {
        SsoSession::legacy(START_URL, REGION)
    } else {
        SsoSession::named(SESSION, START_URL, REGION)
    };
    let path = format!("{HOME}/.aws/sso/cache/{}", session.cache_file_name());
    let reference = Session {
        named: !legacy,
        start_url: START_URL,
    };
    (session, reference, path)
}

fn sso_portal(cache: &[u8], answer: &[u8], legacy: bool, failing: bool) {
    let (session, reference, path) = session(legacy);
    let status = if failing { 403 } else { 200 };
    let oidc: Answer = (400, REFRESH_REFUSED.to_vec());
    let transport = Canned::new((status, answer.to_vec()), oidc.clone());
    let fs = MapFs::new().with_file(&path, cache);
    let config = world::config(&[], fs.clone(), transport.clone());
    let got = SsoProvider::new(&config, session, ACCOUNT, ROLE_NAME).provide_credentials();

    let reading = reference::sso_token(cache, &reference, &oidc, now());
    let token = reading.token.as_ref().ok().map(|t| t.token.as_str());
    let bearer = token.filter(|t| header_safe(t));
    let want = match (&reading.token, bearer) {
        (Err(why), _) => Err(failed(why.clone())),
        (Ok(_), None) => Err(failed("holds characters a header cannot carry")),
        (Ok(_), Some(_)) if failing => Err(failed("answered HTTP 403")),
        (Ok(_), Some(_)) => reference::role_credentials(answer)
            .map(|c| c.with_account_id(ACCOUNT))
            .map_err(failed),
    };
    agree(got.as_deref(), &want);

    // The refused refresh, if one is due, then the portal with the token.
    let sent = transport.sent();
    let mut paths = Vec::new();
    if reading.refresh_request.is_some() {
        paths.push(OIDC_PATH);
    }
    if bearer.is_some() {
        paths.push(PORTAL_PATH);
    }
    assert_eq!(paths_of(&sent), paths);
    check_refresh_request(&sent, &reading);
    if let (Some(bearer), Some(get)) = (bearer, sent.last()) {
        assert_eq!(get.method, http::Method::GET);
        assert_eq!(
            get.query.as_deref(),
            Some(format!("account_id={ACCOUNT}&role_name={ROLE_NAME}").as_str())
        );
        assert_eq!(
            get.headers
                .get("x-amz-sso_bearer_token")
                .map(|v| v.as_bytes()),
            Some(bearer.as_bytes())
        );
    }
    assert_eq!(
        fs.get(&path).as_deref(),
        Some(cache),
        "the cache was rewritten"
    );

    let mut secrets = Secrets::new();
    secrets.document(cache, &TOKEN_SECRETS);
    secrets.document(answer, &DOCUMENT_SECRETS);
    secrets.check_credentials(got.as_deref());
}

fn sso_refresh(cache: &[u8], answer: &[u8], legacy: bool, failing: bool) {
    let (session, reference, path) = session(legacy);
    let oidc: Answer = (if failing { 400 } else { 200 }, answer.to_vec());
    let transport = Canned::new((404, Vec::new()), oidc.clone());
    let fs = MapFs::new().with_file(&path, cache);
    let config = world::config(&[], fs.clone(), transport.clone());
    let got = SsoTokenProvider::for_session(&config, session.clone()).token();

    let reading = reference::sso_token(cache, &reference, &oidc, now());
    match (&got, &reading.token) {
        (Ok(token), Ok(want)) => {
            assert!(
                token.token().expose() == want.token && token.expiration() == want.expiration,
                "{token:?} read, {want:?} expected"
            );
        }
        (Err(e), Err(why)) => assert!(
            e.kind() == CredentialsErrorKind::Failed && e.reason.contains(why.as_str()),
            "{e}, expected {why:?}"
        ),
        (got, want) => panic!("{got:?} read, {want:?} expected"),
    }

    let sent = transport.sent();
    let paths = if reading.refresh_request.is_some() {
        vec![OIDC_PATH]
    } else {
        Vec::new()
    };
    assert_eq!(paths_of(&sent), paths);
    check_refresh_request(&sent, &reading);

    // The cache holds the new token, every other member kept, and reads
    // back as the same token.
    let written = fs.get(&path).unwrap_or_default();
    match reading.token.as_ref().ok().and_then(|t| t.written.as_ref()) {
        Some(want) => {
            let doc: Option<Map<String, Value>> = reference::object(&written);
            assert!(doc.as_ref() == Some(want), "the cache written back differs");
            let again = SsoTokenProvider::for_session(&config, session).token();
            let same = |t: &SsoToken| {
                got.as_ref().is_ok_and(|g| {
                    g.token().expose() == t.token().expose() && g.expiration() == t.expiration()
                })
            };
            assert!(
                again.as_ref().is_ok_and(same),
                "the token written back reads as {again:?}"
            );
        }
        None => assert_eq!(written, cache, "the cache was rewritten"),
    }

    let mut secrets = Secrets::new();
    secrets.document(cache, &TOKEN_SECRETS);
    secrets.document(answer, &TOKEN_SECRETS);
    match &got {
        Ok(token) => {
            secrets.check_debug(&format!("{token:?}"), &format!("{:?}", token.expiration()));
        }
        Err(e) => secrets.check_error(e),
    }
}

/// The `CreateToken` request, when one was due: the cached grant, exactly.
fn check_refresh_request(sent: &[Sent], reading: &SsoReading) {
    if let Some(want) = &reading.refresh_request {
        let post = &sent[0];
        assert_eq!(post.method, http::Method::POST);
        let body: Option<Map<String, Value>> = reference::object(&post.body);
        assert!(body.as_ref() == Some(want), "the refresh request differs");
    }
}

fn failed(phrase: impl Into<String>) -> Refusal {
    (CredentialsErrorKind::Failed, phrase.into())
}

/// The provider's answer is the reference's: the same credentials, or a
/// refusal of the same kind whose reason holds the expected phrase.
fn agree(got: Result<&Credentials, &CredentialsError>, want: &Result<Credentials, Refusal>) {
    match (got, want) {
        (Ok(creds), Ok(want)) => assert!(creds == want, "{creds:?} read, {want:?} expected"),
        (Err(e), Err((kind, phrase))) => assert!(
            e.kind() == *kind && e.reason.contains(phrase.as_str()),
            "{e} ({:?}), expected {kind:?} with {phrase:?}",
            e.kind()
        ),
        (got, want) => panic!("{got:?} read, {want:?} expected"),
    }
}

fn paths_of(sent: &[Sent]) -> Vec<&str> {
    sent.iter().map(|s| s.path.as_str()).collect()
}

fn header<'a>(sent: &'a Sent, name: &str) -> Option<&'a str> {
    sent.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Whether `text` can be a header value as it is.
fn header_safe(text: &str) -> bool {
    text.bytes().all(|b| b == b'\t' || (b >= 32 && b != 127))
}

#[cfg(test)]
mod tests {
    use sts_proto::time::format_timestamp;

    use super::*;

    fn input(selector: u8, parts: &[&str]) -> Vec<u8> {
        let mut data = vec![selector];
        data.extend_from_slice(parts.join("\0").as_bytes());
        data
    }

    const DOCUMENT: &str = r#"{"Code":"Success","AccessKeyId":"ASIARTEST",
        "SecretAccessKey":"SecretKeyOfTheTest","Token":"SessionTokenOfTheTest",
        "Expiration":"2021-09-21T04:16:53Z","AccountId":"123456789012"}"#;

    #[test]
    fn every_source_reads_a_real_shaped_answer() {
        for selector in [0, 1, 8, 9] {
            credential_sources(&input(selector, &[DOCUMENT]));
        }
        let role = r#"{"roleCredentials":{"accessKeyId":"ASIARTEST",
            "secretAccessKey":"SecretKeyOfTheTest","sessionToken":"SessionTokenOfTheTest",
            "expiration":1651516560000}}"#;
        for selector in [2, 6, 10] {
            credential_sources(&input(selector, &[role]));
            credential_sources(&input(selector, &[PLANTED_EXPIRING_CACHE, role]));
        }
        let refreshed = r#"{"accessToken":"NewAccessTokenOfTheTest","expiresIn":3600,
            "refreshToken":"NewRefreshTokenOfTheTest"}"#;
        for selector in [3, 7, 11] {
            credential_sources(&input(selector, &[refreshed]));
            credential_sources(&input(selector, &[PLANTED_CACHE, refreshed]));
        }
    }

    #[test]
    fn the_reference_accepts_the_planted_answers() {
        let doc =
            reference::metadata_document(DOCUMENT.as_bytes(), now(), reference::Expired::Refused)
                .unwrap();
        assert_eq!(doc.account_id(), Some("123456789012"));
        let session = Session {
            named: true,
            start_url: START_URL,
        };
        let answer: Answer = (200, br#"{"accessToken":"N","expiresIn":60}"#.to_vec());
        let reading =
            reference::sso_token(PLANTED_EXPIRING_CACHE.as_bytes(), &session, &answer, now());
        let token = reading.token.unwrap();
        assert_eq!(token.token, "N");
        assert_eq!(format_timestamp(token.expiration), "2021-09-20T12:01:00Z");
        assert!(reading.refresh_request.is_some() && token.written.is_some());
    }
}
