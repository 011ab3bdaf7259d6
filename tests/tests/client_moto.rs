//! The blocking client against moto's STS server, a third-party
//! implementation that checks SigV4 signatures (auth on) with botocore's
//! own canonicalization.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sts_blocking::transport::{Transport, TransportError};
use sts_blocking::{Client, Error};
use sts_proto::Credentials;
use sts_proto::ops::*;
use sts_tests::Moto;

/// Counts the requests that go out, to prove what was (not) retried.
#[derive(Debug)]
struct Counting {
    inner: sts_blocking::ureq_transport::UreqTransport,
    sent: Arc<AtomicUsize>,
}

impl Transport for Counting {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        self.sent.fetch_add(1, Ordering::SeqCst);
        self.inner.send(request, timeout)
    }
}

fn client(moto: &Moto, credentials: Credentials) -> Client {
    Client::builder()
        .endpoint_url(&moto.endpoint)
        .region(&moto.region)
        .credentials(credentials)
        .build()
        .unwrap()
}

fn user(moto: &Moto) -> Credentials {
    Credentials::new(&moto.access_key_id, moto.secret_access_key.as_str(), None)
}

const POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;

#[test]
fn get_caller_identity_returns_the_users_arn() {
    let moto = Moto::shared_auth();
    let me = client(moto, user(moto)).get_caller_identity().unwrap();
    assert_eq!(me.arn.as_deref(), Some(moto.user_arn.as_str()));
    assert_eq!(me.account.as_deref(), Some(moto.account_id.as_str()));
    assert!(me.request_id.is_some());
}

#[test]
fn a_wrong_secret_is_signature_does_not_match_and_not_retried() {
    let moto = Moto::shared_auth();
    let sent = Arc::new(AtomicUsize::new(0));
    let client = Client::builder()
        .endpoint_url(&moto.endpoint)
        .region(&moto.region)
        .credentials(Credentials::new(
            &moto.access_key_id,
            "not-the-secret",
            None,
        ))
        .transport(Counting {
            inner: Default::default(),
            sent: Arc::clone(&sent),
        })
        .build()
        .unwrap();
    let err = client.get_caller_identity().unwrap_err();
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"), "{err}");
    assert!(matches!(err, Error::Service(_)));
    assert!(!err.is_retryable());
    assert_eq!(sent.load(Ordering::SeqCst), 1, "must not retry");
    assert!(!err.to_string().contains("not-the-secret"));
    // moto's auth errors carry no request id in the body; the client keeps
    // whatever the server sent, and AWS always sends one.
    let _ = err.request_id();
}

#[test]
fn an_unknown_access_key_is_invalid_client_token_id() {
    let moto = Moto::shared_auth();
    let err = client(moto, Credentials::new("AKIAUNKNOWNKEY000000", "x", None))
        .get_caller_identity()
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidClientTokenId"), "{err}");
}

#[test]
fn assume_role_with_every_option_then_use_and_chain_the_credentials() {
    let moto = Moto::shared_auth();
    let base = client(moto, user(moto));
    let out = base
        .assume_role(
            &AssumeRole::new(&moto.role_arn, &moto.chain_session_name)
                .duration_seconds(1800)
                .tag("Project", "Unicorn")
                .tag("Cost Center", "12345")
                .transitive_tag_key("Project")
                .policy(POLICY)
                .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
                .external_id("external-id-1")
                .source_identity("alice"),
        )
        .unwrap();
    let creds = out.credentials.clone();
    assert!(creds.access_key_id().starts_with("ASIA"));
    assert!(creds.session_token().is_some());
    assert!(creds.expiration().is_some());
    let user_arn = out.assumed_role_user.unwrap().arn;
    assert_eq!(
        user_arn,
        format!(
            "arn:aws:sts::{}:assumed-role/sts-test-role/{}",
            moto.account_id, moto.chain_session_name
        )
    );

    // A second client with the assumed credentials is the role.
    let as_role = client(moto, creds);
    let me = as_role.get_caller_identity().unwrap();
    assert_eq!(me.arn.as_deref(), Some(user_arn.as_str()));

    // Role chaining: the role session assumes the second role.
    let chained = as_role
        .assume_role(&AssumeRole::new(&moto.role2_arn, "second-hop"))
        .unwrap();
    let me2 = client(moto, chained.credentials)
        .get_caller_identity()
        .unwrap();
    assert_eq!(
        me2.arn.as_deref(),
        Some(
            format!(
                "arn:aws:sts::{}:assumed-role/sts-test-role-2/second-hop",
                moto.account_id
            )
            .as_str()
        )
    );
}

#[test]
fn get_access_key_info_session_and_federation_tokens() {
    let moto = Moto::shared_auth();
    let c = client(moto, user(moto));
    let info = c
        .get_access_key_info(&GetAccessKeyInfo::new(&moto.access_key_id))
        .unwrap();
    assert_eq!(info.account.as_deref(), Some(moto.account_id.as_str()));

    let session = c
        .get_session_token(&GetSessionToken::new().duration_seconds(900))
        .unwrap();
    assert!(session.credentials.session_token().is_some());
    assert!(session.credentials.expiration().is_some());

    let fed = c
        .get_federation_token(
            &GetFederationToken::new("fed-user")
                .policy(POLICY)
                .duration_seconds(900)
                .tag("team", "blue"),
        )
        .unwrap();
    let user = fed.federated_user.unwrap();
    assert_eq!(
        user.arn,
        format!("arn:aws:sts::{}:federated-user/fed-user", moto.account_id)
    );
    assert!(fed.credentials.session_token().is_some());
}

#[test]
fn saml_and_web_identity_on_an_auth_off_server() {
    let moto = Moto::shared_no_auth();
    // Unsigned operations need no credentials at all.
    let c = Client::builder()
        .endpoint_url(&moto.endpoint)
        .region(&moto.region)
        .build()
        .unwrap();
    let saml = c
        .assume_role_with_saml(
            &AssumeRoleWithSaml::new(
                &moto.saml_role_arn,
                &moto.saml_provider_arn,
                moto.saml_assertion("saml-session"),
            )
            .duration_seconds(900),
        )
        .unwrap();
    assert!(saml.credentials.access_key_id().starts_with("ASIA"));
    assert!(saml.assumed_role_user.is_some());

    let web = c
        .assume_role_with_web_identity(
            &AssumeRoleWithWebIdentity::new(
                &moto.web_identity_role_arn,
                "web-session",
                "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0.",
            )
            .duration_seconds(900),
        )
        .unwrap();
    assert!(web.credentials.session_token().is_some());
    let arn = web.assumed_role_user.unwrap().arn;
    assert!(arn.ends_with("/web-session"), "{arn}");
}

#[test]
fn validation_errors_are_raised_before_anything_is_sent() {
    let moto = Moto::shared_auth();
    let sent = Arc::new(AtomicUsize::new(0));
    let c = Client::builder()
        .endpoint_url(&moto.endpoint)
        .region(&moto.region)
        .credentials(user(moto))
        .transport(Counting {
            inner: Default::default(),
            sent: Arc::clone(&sent),
        })
        .build()
        .unwrap();
    let err = c
        .assume_role(&AssumeRole::new(&moto.role_arn, "x").duration_seconds(60))
        .unwrap_err();
    let Error::Validation(v) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(v.member, "RoleSessionName");
    assert_eq!(sent.load(Ordering::SeqCst), 0);
}
