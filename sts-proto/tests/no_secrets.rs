//! No `{:?}` or `{}` of a public type prints a secret.
//!
//! Every request (with its secret members set), every operation output
//! (parsed from hand-written responses carrying secret keys, session tokens
//! and web identity tokens), the credential and key types, and every error
//! type is formatted, and the text must hold none of the secrets below.
//!
//! Signed `http::Request`s are not checked: their headers carry the session
//! token and their bodies the assertions and tokens, by design.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use sts_proto::endpoint::{self, EndpointConfig, ResolvedEndpoint};
use sts_proto::ops::*;
use sts_proto::sigv4::{self, SigningKey, SigningParams};
use sts_proto::xml::XmlLimits;
use sts_proto::{
    BuildError, Credentials, Operation, RequestContext, ResponseError, SecretString,
    ValidationError,
};

const SECRET_KEY: &str = "SECRET-KEY-do-not-print";
const SESSION_TOKEN: &str = "SECRET-SESSION-TOKEN-do-not-print";
const SAML_ASSERTION: &str = "SECRET-SAML-ASSERTION-do-not-print";
const WEB_IDENTITY_TOKEN: &str = "SECRET-WEB-IDENTITY-TOKEN-do-not-print";
const TRADE_IN_TOKEN: &str = "SECRET-TRADE-IN-TOKEN-do-not-print";
/// An MFA code that passes validation (digits), and one that does not.
const TOKEN_CODE: &str = "918273";
const BAD_TOKEN_CODE: &str = "SECRET-MFA-CODE-do-not-print";
/// The JWT that GetWebIdentityToken returns.
const JWT: &str = "SECRET-JWT-do-not-print";

const SECRETS: &[&str] = &[
    SECRET_KEY,
    SESSION_TOKEN,
    SAML_ASSERTION,
    WEB_IDENTITY_TOKEN,
    TRADE_IN_TOKEN,
    TOKEN_CODE,
    BAD_TOKEN_CODE,
    JWT,
];

const ACCESS_KEY_ID: &str = "ASIAEXAMPLEKEYID1234";
const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/demo";
const POLICY_ARN: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/// Fails if `text` holds any secret, or any part of one: every secret
/// contains `SECRET` or `do-not-print` except the numeric MFA code.
#[track_caller]
fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} prints {secret:?}: {text}");
    }
    assert!(
        !text.contains("SECRET"),
        "{what} prints part of a secret: {text}"
    );
    assert!(
        !text.contains("do-not-print"),
        "{what} prints part of a secret: {text}"
    );
}

#[track_caller]
fn assert_debug_clean(what: &str, value: &impl std::fmt::Debug) {
    assert_clean(&format!("{what} (Debug)"), &format!("{value:?}"));
    assert_clean(
        &format!("{what} (Debug, alternate)"),
        &format!("{value:#?}"),
    );
}

#[track_caller]
fn assert_both_clean(what: &str, value: &(impl std::fmt::Debug + std::fmt::Display)) {
    assert_debug_clean(what, value);
    assert_clean(&format!("{what} (Display)"), &format!("{value}"));
}

fn credentials() -> Credentials {
    Credentials::new(ACCESS_KEY_ID, SECRET_KEY, Some(SESSION_TOKEN.into()))
        .with_expiration(UNIX_EPOCH + Duration::from_secs(1_900_000_000))
}

fn time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

fn resolved_endpoint() -> ResolvedEndpoint {
    endpoint::resolve(&EndpointConfig::new().with_region("eu-west-1")).expect("endpoint")
}

// ---------------------------------------------------------------------------
// Requests

#[test]
fn requests_do_not_print_secrets() {
    let assume_role = AssumeRole::new(ROLE_ARN, "session-1")
        .policy_arn(POLICY_ARN)
        .tag("Project", "Unicorn")
        .transitive_tag_key("Project")
        .external_id("partner-42")
        .mfa("arn:aws:iam::123456789012:mfa/user", TOKEN_CODE)
        .source_identity("alice")
        .provided_context(
            "arn:aws:iam::aws:contextProvider/IdentityCenter",
            "assertion",
        );
    assert_eq!(
        assume_role
            .mfa
            .token_code
            .as_ref()
            .map(SecretString::expose),
        Some(TOKEN_CODE)
    );
    assert_debug_clean("AssumeRole", &assume_role);
    let mut bad_code = assume_role.clone();
    bad_code.mfa.token_code = Some(BAD_TOKEN_CODE.into());
    assert_debug_clean("AssumeRole", &bad_code);

    let saml = AssumeRoleWithSaml::new(
        ROLE_ARN,
        "arn:aws:iam::123456789012:saml-provider/idp",
        SAML_ASSERTION,
    )
    .policy_arn(POLICY_ARN)
    .policy("{}")
    .duration_seconds(3600);
    assert_eq!(saml.saml_assertion.expose(), SAML_ASSERTION);
    assert_debug_clean("AssumeRoleWithSaml", &saml);

    let web = AssumeRoleWithWebIdentity::new(ROLE_ARN, "session-1", WEB_IDENTITY_TOKEN)
        .provider_id("www.amazon.com")
        .policy_arn(POLICY_ARN)
        .policy("{}")
        .duration_seconds(3600);
    assert_eq!(web.web_identity_token.expose(), WEB_IDENTITY_TOKEN);
    assert_debug_clean("AssumeRoleWithWebIdentity", &web);

    let session = GetSessionToken::new()
        .duration_seconds(3600)
        .mfa("arn:aws:iam::123456789012:mfa/user", TOKEN_CODE);
    assert_debug_clean("GetSessionToken", &session);
    let mut session_bad = session.clone();
    session_bad.mfa.token_code = Some(BAD_TOKEN_CODE.into());
    assert_debug_clean("GetSessionToken", &session_bad);

    let delegated = GetDelegatedAccessToken::new(TRADE_IN_TOKEN);
    assert_eq!(delegated.trade_in_token.expose(), TRADE_IN_TOKEN);
    assert_debug_clean("GetDelegatedAccessToken", &delegated);

    // The operations without secret members, for completeness.
    assert_debug_clean(
        "AssumeRoot",
        &AssumeRoot::new(
            "123456789012",
            "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
        ),
    );
    assert_debug_clean(
        "DecodeAuthorizationMessage",
        &DecodeAuthorizationMessage::new("encoded"),
    );
    assert_debug_clean(
        "GetAccessKeyInfo",
        &GetAccessKeyInfo::new("AKIAIOSFODNN7EXAMPLE"),
    );
    assert_debug_clean("GetCallerIdentity", &GetCallerIdentity::new());
    assert_debug_clean(
        "GetFederationToken",
        &GetFederationToken::new("user").policy("{}").tag("k", "v"),
    );
    assert_debug_clean(
        "GetWebIdentityToken",
        &GetWebIdentityToken::new("https://api.example.com", "RS256").tag("k", "v"),
    );
}

// ---------------------------------------------------------------------------
// Outputs

const EXPIRATION: &str = "2030-01-01T00:00:00Z";

fn credentials_xml() -> String {
    format!(
        "<Credentials>\
           <AccessKeyId>{ACCESS_KEY_ID}</AccessKeyId>\
           <SecretAccessKey>{SECRET_KEY}</SecretAccessKey>\
           <SessionToken>{SESSION_TOKEN}</SessionToken>\
           <Expiration>{EXPIRATION}</Expiration>\
         </Credentials>"
    )
}

fn response(action: &str, result: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
           <{action}Result>{result}</{action}Result>\
           <ResponseMetadata><RequestId>c2e971c2-702d-4124-9b1f-1670febbea18</RequestId></ResponseMetadata>\
         </{action}Response>"
    )
}

fn parse_ok<Op: Operation>(result: &str) -> Op::Output {
    let body = response(Op::ACTION, result);
    sts_proto::parse::<Op>(200, &HeaderMap::new(), body.as_bytes())
        .unwrap_or_else(|e| panic!("{} response does not parse: {e}", Op::ACTION))
}

#[track_caller]
fn assert_secret_credentials(what: &str, c: &Credentials) {
    // The output really holds the secrets, so the checks below mean something.
    assert_eq!(c.secret_access_key().expose(), SECRET_KEY, "{what}");
    assert_eq!(
        c.session_token().map(SecretString::expose),
        Some(SESSION_TOKEN),
        "{what}"
    );
    assert_debug_clean(what, c);
}

const ASSUMED_ROLE_USER: &str = "<AssumedRoleUser>\
    <AssumedRoleId>AROAEXAMPLE:session-1</AssumedRoleId>\
    <Arn>arn:aws:sts::123456789012:assumed-role/demo/session-1</Arn>\
  </AssumedRoleUser>";

#[test]
fn outputs_do_not_print_secrets() {
    let creds = credentials_xml();

    let out = parse_ok::<AssumeRole>(&format!(
        "{ASSUMED_ROLE_USER}{creds}<PackedPolicySize>6</PackedPolicySize>\
         <SourceIdentity>alice</SourceIdentity>"
    ));
    assert_secret_credentials("AssumeRoleOutput.credentials", &out.credentials);
    assert_debug_clean("AssumeRoleOutput", &out);

    let out = parse_ok::<AssumeRoleWithSaml>(&format!(
        "{ASSUMED_ROLE_USER}{creds}<PackedPolicySize>6</PackedPolicySize>\
         <Subject>user@example.com</Subject><SubjectType>persistent</SubjectType>\
         <Issuer>https://idp.example.com/</Issuer>\
         <Audience>https://signin.aws.amazon.com/saml</Audience>\
         <NameQualifier>abc=</NameQualifier><SourceIdentity>alice</SourceIdentity>"
    ));
    assert_secret_credentials("AssumeRoleWithSamlOutput.credentials", &out.credentials);
    assert_debug_clean("AssumeRoleWithSamlOutput", &out);

    let out = parse_ok::<AssumeRoleWithWebIdentity>(&format!(
        "<SubjectFromWebIdentityToken>amzn1.account.X</SubjectFromWebIdentityToken>\
         <Audience>client.5498841531868486423.1548@apps.example.com</Audience>\
         {ASSUMED_ROLE_USER}{creds}<PackedPolicySize>6</PackedPolicySize>\
         <Provider>www.amazon.com</Provider><SourceIdentity>alice</SourceIdentity>"
    ));
    assert_secret_credentials(
        "AssumeRoleWithWebIdentityOutput.credentials",
        &out.credentials,
    );
    assert_debug_clean("AssumeRoleWithWebIdentityOutput", &out);

    let out = parse_ok::<AssumeRoot>(&format!("{creds}<SourceIdentity>alice</SourceIdentity>"));
    assert_secret_credentials("AssumeRootOutput.credentials", &out.credentials);
    assert_debug_clean("AssumeRootOutput", &out);

    let out = parse_ok::<DecodeAuthorizationMessage>(
        "<DecodedMessage>{\"allowed\":false}</DecodedMessage>",
    );
    assert_debug_clean("DecodeAuthorizationMessageOutput", &out);

    let out = parse_ok::<GetAccessKeyInfo>("<Account>123456789012</Account>");
    assert_debug_clean("GetAccessKeyInfoOutput", &out);

    let out = parse_ok::<GetCallerIdentity>(
        "<UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>\
         <Arn>arn:aws:iam::123456789012:user/alice</Arn>",
    );
    assert_debug_clean("GetCallerIdentityOutput", &out);

    let out = parse_ok::<GetDelegatedAccessToken>(&format!(
        "{creds}<PackedPolicySize>6</PackedPolicySize>\
         <AssumedPrincipal>arn:aws:iam::123456789012:user/alice</AssumedPrincipal>"
    ));
    assert_secret_credentials(
        "GetDelegatedAccessTokenOutput.credentials",
        &out.credentials,
    );
    assert_debug_clean("GetDelegatedAccessTokenOutput", &out);

    let out = parse_ok::<GetFederationToken>(&format!(
        "{creds}<FederatedUser>\
           <FederatedUserId>123456789012:user</FederatedUserId>\
           <Arn>arn:aws:sts::123456789012:federated-user/user</Arn>\
         </FederatedUser><PackedPolicySize>6</PackedPolicySize>"
    ));
    assert_secret_credentials("GetFederationTokenOutput.credentials", &out.credentials);
    assert_debug_clean("GetFederationTokenOutput", &out);

    let out = parse_ok::<GetSessionToken>(&creds);
    assert_secret_credentials("GetSessionTokenOutput.credentials", &out.credentials);
    assert_debug_clean("GetSessionTokenOutput", &out);

    let out = parse_ok::<GetWebIdentityToken>(&format!(
        "<WebIdentityToken>{JWT}</WebIdentityToken><Expiration>{EXPIRATION}</Expiration>"
    ));
    assert_eq!(
        out.web_identity_token.as_ref().map(SecretString::expose),
        Some(JWT)
    );
    assert_debug_clean("GetWebIdentityTokenOutput", &out);
}

// ---------------------------------------------------------------------------
// Credentials, secrets, keys, signing

#[test]
fn credentials_and_secret_strings_do_not_print_secrets() {
    assert_debug_clean("Credentials", &credentials());
    let long_term = Credentials::new(ACCESS_KEY_ID, SECRET_KEY, None);
    assert_debug_clean("Credentials", &long_term);
    for secret in SECRETS {
        let s = SecretString::new(*secret);
        assert_eq!(s.expose(), *secret);
        assert_both_clean("SecretString", &s);
        assert_debug_clean("Option<SecretString>", &Some(s));
    }
}

/// HMAC-SHA256, to derive the signing key independently of the crate.
fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

#[test]
fn signing_key_and_signing_output_do_not_print_secrets() {
    let creds = credentials();
    let params = SigningParams::new(&creds, "eu-west-1", "sts", time());
    assert_debug_clean("SigningParams", &params);
    let key = SigningKey::derive(&params).expect("key");

    // The key bytes themselves, in every form Debug could show them.
    let mut k = hmac(
        format!("AWS4{SECRET_KEY}").as_bytes(),
        key.date().as_bytes(),
    );
    for part in ["eu-west-1", "sts", "aws4_request"] {
        k = hmac(&k, part.as_bytes());
    }
    let key_text = [
        format!("{key:?}"),
        format!("{key:#?}"),
        format!("{:?}", Some(&key)),
    ];
    let forms = [
        hex::encode(&k),
        hex::encode_upper(&k),
        format!("{:?}", &k[..4]).trim_end_matches(']').to_owned(),
    ];
    for text in &key_text {
        assert_clean("SigningKey", text);
        for form in &forms {
            assert!(
                !text.contains(form.as_str()),
                "SigningKey prints its bytes: {text}"
            );
        }
    }

    let endpoint = resolved_endpoint();
    let ctx = RequestContext::new(&endpoint, time())
        .credentials(&creds)
        .signing_key(&key);
    assert_debug_clean("RequestContext", &ctx);

    // Header signing, with the session token signed.
    let mut request = http::Request::builder()
        .method("POST")
        .uri("https://sts.eu-west-1.amazonaws.com/")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("Action=AssumeRoleWithSAML&SAMLAssertion={SAML_ASSERTION}").into_bytes())
        .expect("request");
    let output = sigv4::sign(&mut request, &params, &key).expect("signed");
    assert!(output.canonical_request().contains(SESSION_TOKEN));
    assert_debug_clean("SigningOutput", &output);
    assert_clean(
        "SigningOutput::redacted_canonical_request",
        &output.redacted_canonical_request(),
    );
    assert_clean("SigningOutput::string_to_sign", output.string_to_sign());

    // Presigning, which puts the token in the query.
    let mut request = http::Request::builder()
        .method("GET")
        .uri("https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15")
        .body(Vec::new())
        .expect("request");
    let output =
        sigv4::presign(&mut request, &params, Duration::from_secs(900), &key).expect("presigned");
    assert!(output.canonical_request().contains("SECRET-SESSION-TOKEN"));
    assert_debug_clean("SigningOutput (presigned)", &output);
    assert_clean(
        "SigningOutput::redacted_canonical_request (presigned)",
        &output.redacted_canonical_request(),
    );
}

// ---------------------------------------------------------------------------
// Errors

#[track_caller]
fn assert_validation_error_clean(what: &str, e: &ValidationError) {
    assert_eq!(
        e.value, None,
        "{what}: a secret member's value is kept: {e:?}"
    );
    assert_both_clean(what, e);
}

fn build_error(op: &impl Operation) -> BuildError {
    let endpoint = resolved_endpoint();
    let creds = credentials();
    let ctx = RequestContext::new(&endpoint, time()).credentials(&creds);
    sts_proto::build(op, &ctx).expect_err("the request is refused")
}

#[test]
fn validation_and_build_errors_do_not_print_secrets() {
    let long = |secret: &str, chars: usize| secret.repeat(chars / secret.len() + 1);

    type Make = Box<dyn Fn() -> (ValidationError, BuildError)>;
    let mut cases: Vec<(&str, Make)> = Vec::new();
    macro_rules! case {
        ($what:expr, $op:expr) => {
            cases.push((
                $what,
                Box::new(move || {
                    let op = $op;
                    (op.validate().expect_err($what), build_error(&op))
                }),
            ))
        };
    }
    case!(
        "SAMLAssertion too long",
        AssumeRoleWithSaml::new(
            ROLE_ARN,
            "arn:aws:iam::123456789012:saml-provider/idp",
            long(SAML_ASSERTION, 100_001),
        )
    );
    case!(
        "WebIdentityToken too long",
        AssumeRoleWithWebIdentity::new(ROLE_ARN, "s1", long(WEB_IDENTITY_TOKEN, 20_001))
    );
    case!(
        "AssumeRole TokenCode not digits",
        AssumeRole::new(ROLE_ARN, "s1").mfa("arn:aws:iam::123456789012:mfa/u", BAD_TOKEN_CODE)
    );
    case!(
        "AssumeRole TokenCode too long",
        AssumeRole::new(ROLE_ARN, "s1")
            .mfa("arn:aws:iam::123456789012:mfa/u", format!("{TOKEN_CODE}0"))
    );
    case!(
        "GetSessionToken TokenCode not digits",
        GetSessionToken::new().mfa("arn:aws:iam::123456789012:mfa/u", BAD_TOKEN_CODE)
    );
    case!(
        "GetSessionToken TokenCode too short",
        GetSessionToken::new().mfa("arn:aws:iam::123456789012:mfa/u", &TOKEN_CODE[..5])
    );
    for (what, make) in &cases {
        let (validation, build) = make();
        assert_validation_error_clean(what, &validation);
        assert!(
            matches!(build, BuildError::Validation(_)),
            "{what}: {build:?}"
        );
        assert_both_clean(what, &build);
        if let Some(source) = std::error::Error::source(&build) {
            assert_clean(what, &source.to_string());
        }
    }
    // The short MFA code is a prefix of a secret, not one itself: check it too.
    let (e, _) = cases[5].1();
    assert!(!e.to_string().contains(&TOKEN_CODE[..5]), "{e}");
    // The model sets no constraint on the trade-in token: nothing to refuse.
    assert_eq!(
        GetDelegatedAccessToken::new(long(TRADE_IN_TOKEN, 100_000)).validate(),
        Ok(())
    );

    // A session token that cannot be a header value.
    let endpoint = resolved_endpoint();
    let bad_token = Credentials::new(
        ACCESS_KEY_ID,
        SECRET_KEY,
        Some(format!("{SESSION_TOKEN}\n").into()),
    );
    let ctx = RequestContext::new(&endpoint, time()).credentials(&bad_token);
    let e = sts_proto::build(&GetCallerIdentity::new(), &ctx).expect_err("bad token");
    assert!(matches!(e, BuildError::Signing(_)), "{e:?}");
    assert_both_clean("BuildError::Signing", &e);

    // Credentials that cannot sign, with the secrets around.
    let bad_id = Credentials::new("AKID/WITH/SLASH", SECRET_KEY, Some(SESSION_TOKEN.into()));
    let ctx = RequestContext::new(&endpoint, time()).credentials(&bad_id);
    let e = sts_proto::build(&GetCallerIdentity::new(), &ctx).expect_err("bad id");
    assert_both_clean("BuildError::Signing (access key id)", &e);

    // No credentials for a signed operation carrying a secret member.
    let ctx = RequestContext::new(&endpoint, time());
    let op = GetDelegatedAccessToken::new(TRADE_IN_TOKEN);
    let e = sts_proto::build(&op, &ctx).expect_err("unsigned");
    assert!(matches!(e, BuildError::MissingCredentials { .. }), "{e:?}");
    assert_both_clean("BuildError::MissingCredentials", &e);

    // An endpoint URL that cannot form a request.
    let mut broken = resolved_endpoint();
    broken.url = "https://exa mple.com".into();
    let creds = credentials();
    let ctx = RequestContext::new(&broken, time()).credentials(&creds);
    let op = AssumeRoleWithWebIdentity::new(ROLE_ARN, "s1", WEB_IDENTITY_TOKEN);
    let e = sts_proto::build(&op, &ctx).expect_err("bad URL");
    assert!(matches!(e, BuildError::InvalidRequest { .. }), "{e:?}");
    assert_both_clean("BuildError::InvalidRequest", &e);

    // A key for another day, passed in by the caller.
    let other_day = SigningKey::derive(&SigningParams::new(
        &creds,
        "eu-west-1",
        "sts",
        time() - Duration::from_secs(86_400 * 2),
    ))
    .expect("key");
    let mut request = http::Request::builder()
        .method("POST")
        .uri("https://sts.eu-west-1.amazonaws.com/")
        .body(Vec::new())
        .expect("request");
    let e = sigv4::sign(
        &mut request,
        &SigningParams::new(&creds, "eu-west-1", "sts", time()),
        &other_day,
    )
    .expect_err("key mismatch");
    assert_both_clean("SigningError::KeyMismatch", &e);
}

#[test]
fn response_errors_do_not_print_secrets() {
    let creds = credentials_xml();
    let headers = {
        let mut h = HeaderMap::new();
        h.insert("x-amzn-requestid", "req-123".parse().expect("header"));
        h
    };
    let mut checked = 0;
    let mut check = |what: &str, e: ResponseError| {
        assert_both_clean(what, &e);
        if let ResponseError::Service(service) = &e {
            assert_both_clean(what, service);
            assert_both_clean(what, &service.code);
        }
        checked += 1;
    };

    // A service error document.
    let error_doc = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
        <Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>\
        <Message>Couldn't retrieve verification key from your identity provider</Message></Error>\
        <RequestId>req-1</RequestId></ErrorResponse>";
    for status in [400, 200] {
        let e =
            sts_proto::parse::<AssumeRoleWithWebIdentity>(status, &headers, error_doc.as_bytes())
                .expect_err("error document");
        assert!(matches!(e, ResponseError::Service(_)), "{e:?}");
        check("ResponseError::Service", e);
    }

    // Success statuses whose documents carry secrets but cannot be read.
    let malformed = [
        (
            "no Expiration",
            response(
                "AssumeRole",
                &creds.replace(&format!("<Expiration>{EXPIRATION}</Expiration>"), ""),
            ),
        ),
        (
            "bad Expiration",
            response("AssumeRole", &creds.replace(EXPIRATION, "tomorrow")),
        ),
        (
            "bad PackedPolicySize",
            response(
                "AssumeRole",
                &format!("{creds}<PackedPolicySize>lots</PackedPolicySize>"),
            ),
        ),
        (
            "truncated after the secrets",
            response("AssumeRole", &creds)
                .split("</Credentials>")
                .next()
                .expect("part")
                .to_owned(),
        ),
        (
            "mismatched end tag after a secret",
            response("AssumeRole", &creds).replace("</SessionToken>", "</SessionTokn>"),
        ),
        (
            "wrong root",
            response("AssumeRole", &creds).replace("AssumeRoleResponse", "SomethingElse"),
        ),
        ("wrong operation", response("GetSessionToken", &creds)),
        (
            "text after the root",
            format!("{}{SECRET_KEY}", response("AssumeRole", &creds)),
        ),
        (
            "invalid UTF-8 after the secrets",
            response("AssumeRole", &creds).replace("</Credentials>", "</Credentials>\u{FFFD}"),
        ),
    ];
    for (what, body) in &malformed {
        let mut body = body.clone().into_bytes();
        if what.contains("UTF-8") {
            let at = body
                .windows(3)
                .position(|w| w == "\u{FFFD}".as_bytes())
                .expect("marker");
            body.splice(at..at + 3, [0xFF, 0xFE, 0xFD]);
        }
        let e = sts_proto::parse::<AssumeRole>(200, &headers, &body).expect_err(what);
        assert!(
            matches!(e, ResponseError::Malformed { .. }),
            "{what}: {e:?}"
        );
        check(what, e);
    }

    // Limits exceeded by a document full of secrets.
    let body = response("AssumeRole", &creds);
    for limits in [
        XmlLimits::default().with_max_body_bytes(100),
        XmlLimits::default().with_max_depth(2),
        XmlLimits::default().with_max_elements(3),
    ] {
        let e = sts_proto::operation::parse_with_limits::<AssumeRole>(
            200,
            &headers,
            body.as_bytes(),
            &limits,
        )
        .expect_err("over the limits");
        check("ResponseError (limits)", e);
    }

    // Failure statuses without an error document.
    for (status, body) in [
        (503, String::new()),
        (502, "<html><body>Bad Gateway</body></html>".to_owned()),
        (403, "<AccessDeniedException/>".to_owned()),
        // An STS answer, or a JSON credentials document, behind a failure
        // status (a proxy's or an emulator's mistake).
        (500, response("GetSessionToken", &creds)),
        (
            302,
            response("AssumeRole", &creds.replace("<AccessKeyId>", "<X>")),
        ),
        (
            502,
            format!("{{\"AccessKeyId\":\"{ACCESS_KEY_ID}\",\"secretAccessKey\":\"{SECRET_KEY}\"}}"),
        ),
        (
            401,
            format!("<p>{SAML_ASSERTION}</p> password={BAD_TOKEN_CODE}"),
        ),
    ] {
        let e = sts_proto::parse::<GetSessionToken>(status, &headers, body.as_bytes())
            .expect_err("failure status");
        check("ResponseError::Http", e);
    }

    assert_eq!(checked, 2 + 9 + 3 + 7);
}
