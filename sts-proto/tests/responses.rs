//! Response parsing against recorded STS responses, the model's documented
//! examples, and hand-made documents for operations without a recording.

use std::fs;
use std::path::PathBuf;
use std::time::SystemTime;

use http::HeaderMap;
use serde_json::Value;
use sts_proto::error::{ErrorCode, Fault, ResponseError};
use sts_proto::operation::parse;
use sts_proto::ops::*;
use sts_proto::time::{format_timestamp, parse_timestamp};

fn testdata(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata")
        .join(path)
}

fn read(path: &str) -> Vec<u8> {
    fs::read(testdata(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn headers(request_id: Option<&str>) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Some(id) = request_id {
        h.insert("x-amzn-requestid", id.parse().unwrap());
    }
    h
}

fn ts(text: &str) -> SystemTime {
    parse_timestamp(text).unwrap()
}

// ---- recorded responses ----

#[test]
fn recorded_assume_role() {
    let body = read("responses/extracted/AssumeRole.200.xml");
    let out = parse::<AssumeRole>(200, &headers(None), &body).unwrap();
    assert_eq!(out.credentials.access_key_id(), "ASIARTESTID");
    assert_eq!(
        out.credentials.secret_access_key().expose(),
        "TESTSECRETKEY"
    );
    assert_eq!(
        out.credentials.session_token().unwrap().expose(),
        "TESTSESSIONTOKEN"
    );
    assert_eq!(
        out.credentials.expiration(),
        Some(ts("2021-08-05T19:58:02Z"))
    );
    let user = out.assumed_role_user.unwrap();
    assert_eq!(
        user.assumed_role_id,
        "AROARABCDEFGHIJKLMNOP:assume-role-provider-session"
    );
    assert_eq!(
        user.arn,
        "arn:aws:sts::123456789012:assumed-role/integration-test/assume-role-provider-session"
    );
    assert_eq!(
        out.request_id.as_deref(),
        Some("c2e971c2-702d-4124-9b1f-1670febbea18")
    );
    assert_eq!(out.packed_policy_size, None);
}

#[test]
fn recorded_assume_role_with_web_identity() {
    let index: Value = serde_json::from_slice(&read("responses/extracted/index.json")).unwrap();
    let mut checked = 0;
    for entry in index.as_array().unwrap() {
        if entry["action"] != "AssumeRoleWithWebIdentity" || entry["status"] != 200 {
            continue;
        }
        let file = entry["body_file"].as_str().unwrap();
        let body = read(&format!("responses/extracted/{file}"));
        let header_id = entry["response_headers"]["x-amzn-requestid"][0].as_str();
        let out = parse::<AssumeRoleWithWebIdentity>(200, &headers(header_id), &body).unwrap();
        // Every member the recording has must come through unchanged.
        let text = String::from_utf8(body).unwrap();
        for value in [
            out.credentials.access_key_id(),
            out.credentials.secret_access_key().expose(),
            out.credentials.session_token().unwrap().expose(),
            out.assumed_role_user.as_ref().unwrap().arn.as_str(),
            out.assumed_role_user
                .as_ref()
                .unwrap()
                .assumed_role_id
                .as_str(),
            out.provider.as_deref().unwrap(),
            out.audience.as_deref().unwrap(),
            out.subject_from_web_identity_token.as_deref().unwrap(),
        ] {
            assert!(!value.is_empty());
            assert!(text.contains(value), "{value:?} is not in {file}");
        }
        assert!(out.credentials.expiration().is_some());
        assert!(out.request_id.is_some());
        checked += 1;
    }
    assert_eq!(checked, 2);
}

#[test]
fn recorded_invalid_identity_token_error() {
    let body = read("responses/extracted/AssumeRoleWithWebIdentity.400.error.xml");
    let err = parse::<AssumeRoleWithWebIdentity>(400, &headers(None), &body).unwrap_err();
    let ResponseError::Service(e) = err else {
        panic!("{err:?}")
    };
    assert_eq!(e.code, ErrorCode::InvalidIdentityToken);
    assert_eq!(e.code.as_str(), "InvalidIdentityToken");
    assert_eq!(e.fault, Fault::Sender);
    assert_eq!(e.status, 400);
    assert_eq!(
        e.request_id.as_deref(),
        Some("5045ca91-d123-4749-9d66-00a3c906be6c")
    );
    assert!(
        e.message
            .unwrap()
            .starts_with("No OpenIDConnect provider found")
    );
}

#[test]
fn botocore_get_session_token_matches_botocores_parse() {
    let body = read("responses/botocore/responses/sts-get-session-token.xml");
    let expected: Value = serde_json::from_slice(&read(
        "responses/botocore/responses/sts-get-session-token.json",
    ))
    .unwrap();
    let out = parse::<GetSessionToken>(200, &headers(None), &body).unwrap();
    let c = &expected["Credentials"];
    assert_eq!(out.credentials.access_key_id(), c["AccessKeyId"]);
    assert_eq!(
        out.credentials.secret_access_key().expose(),
        c["SecretAccessKey"]
    );
    // The token spans lines in this sample; botocore keeps it verbatim.
    assert_eq!(
        out.credentials.session_token().unwrap().expose(),
        c["SessionToken"]
    );
    assert_eq!(
        out.credentials.expiration(),
        Some(ts(c["Expiration"].as_str().unwrap()))
    );
    assert_eq!(
        out.request_id.as_deref(),
        expected["ResponseMetadata"]["RequestId"].as_str()
    );
}

#[test]
fn botocore_access_denied_error_matches_botocores_parse() {
    let body = read("responses/botocore/errors/sts-get-session-token.xml");
    let expected: Value = serde_json::from_slice(&read(
        "responses/botocore/errors/sts-get-session-token.json",
    ))
    .unwrap();
    let err = parse::<GetSessionToken>(403, &headers(None), &body).unwrap_err();
    let ResponseError::Service(e) = err else {
        panic!("{err:?}")
    };
    assert!(matches!(e.code, ErrorCode::Other(_)), "{:?}", e.code);
    assert_eq!(e.code.as_str(), "AccessDenied");
    assert_eq!(e.code.as_str(), expected["Error"]["Code"]);
    assert_eq!(e.message.as_deref(), expected["Error"]["Message"].as_str());
    assert_eq!(e.fault, Fault::Sender);
    assert_eq!(
        e.request_id.as_deref(),
        expected["ResponseMetadata"]["RequestId"].as_str()
    );
}

// ---- the model's documented examples ----

/// Renders a JSON example output as the XML STS would send for it.
fn to_xml(name: &str, value: &Value, out: &mut String) {
    out.push_str(&format!("<{name}>"));
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                to_xml(k, v, out);
            }
        }
        Value::String(s) => out.push_str(
            &s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;"),
        ),
        other => out.push_str(&other.to_string()),
    }
    out.push_str(&format!("</{name}>"));
}

fn example_document(op: &str, output: &Value) -> Vec<u8> {
    let mut xml = format!("<{op}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">");
    to_xml(&format!("{op}Result"), output, &mut xml);
    xml.push_str(&format!(
        "<ResponseMetadata><RequestId>example-{op}</RequestId></ResponseMetadata></{op}Response>"
    ));
    xml.into_bytes()
}

fn s<'a>(v: &'a Value, path: &str) -> Option<&'a str> {
    path.split('/').try_fold(v, |v, k| v.get(k))?.as_str()
}

fn check_credentials(c: &sts_proto::Credentials, v: &Value) {
    assert_eq!(Some(c.access_key_id()), s(v, "Credentials/AccessKeyId"));
    assert_eq!(
        Some(c.secret_access_key().expose()),
        s(v, "Credentials/SecretAccessKey")
    );
    assert_eq!(
        c.session_token().map(|t| t.expose()),
        s(v, "Credentials/SessionToken")
    );
    let expiration = s(v, "Credentials/Expiration").unwrap();
    assert_eq!(c.expiration(), Some(ts(expiration)));
}

fn check_user(user: &Option<sts_proto::types::AssumedRoleUser>, v: &Value) {
    let user = user.as_ref().unwrap();
    assert_eq!(Some(user.arn.as_str()), s(v, "AssumedRoleUser/Arn"));
    assert_eq!(
        Some(user.assumed_role_id.as_str()),
        s(v, "AssumedRoleUser/AssumedRoleId")
    );
}

fn packed(v: &Value) -> Option<u32> {
    v.get("PackedPolicySize")
        .map(|p| p.as_u64().unwrap() as u32)
}

#[test]
fn every_documented_example_parses() {
    let examples: Value = serde_json::from_slice(&read("sts-model/examples-1.json")).unwrap();
    let mut checked = 0;
    for (op, list) in examples["examples"].as_object().unwrap() {
        for example in list.as_array().unwrap() {
            let Some(v) = example.get("output") else {
                continue;
            };
            let body = example_document(op, v);
            let h = headers(None);
            let request_id = Some(format!("example-{op}"));
            match op.as_str() {
                "AssumeRole" => {
                    let o = parse::<AssumeRole>(200, &h, &body).unwrap();
                    check_credentials(&o.credentials, v);
                    check_user(&o.assumed_role_user, v);
                    assert_eq!(o.packed_policy_size, packed(v));
                    assert_eq!(o.request_id, request_id);
                }
                "AssumeRoleWithSAML" => {
                    let o = parse::<AssumeRoleWithSaml>(200, &h, &body).unwrap();
                    check_credentials(&o.credentials, v);
                    check_user(&o.assumed_role_user, v);
                    assert_eq!(o.packed_policy_size, packed(v));
                    assert_eq!(o.subject.as_deref(), s(v, "Subject"));
                    assert_eq!(o.subject_type.as_deref(), s(v, "SubjectType"));
                    assert_eq!(o.issuer.as_deref(), s(v, "Issuer"));
                    assert_eq!(o.audience.as_deref(), s(v, "Audience"));
                    assert_eq!(o.name_qualifier.as_deref(), s(v, "NameQualifier"));
                    assert_eq!(o.request_id, request_id);
                }
                "AssumeRoleWithWebIdentity" => {
                    let o = parse::<AssumeRoleWithWebIdentity>(200, &h, &body).unwrap();
                    check_credentials(&o.credentials, v);
                    check_user(&o.assumed_role_user, v);
                    assert_eq!(o.packed_policy_size, packed(v));
                    assert_eq!(o.provider.as_deref(), s(v, "Provider"));
                    assert_eq!(o.audience.as_deref(), s(v, "Audience"));
                    assert_eq!(
                        o.subject_from_web_identity_token.as_deref(),
                        s(v, "SubjectFromWebIdentityToken")
                    );
                    assert_eq!(o.request_id, request_id);
                }
                "DecodeAuthorizationMessage" => {
                    let o = parse::<DecodeAuthorizationMessage>(200, &h, &body).unwrap();
                    assert_eq!(o.decoded_message.as_deref(), s(v, "DecodedMessage"));
                    assert!(o.decoded_message.unwrap().contains("\"allowed\""));
                }
                "GetCallerIdentity" => {
                    let o = parse::<GetCallerIdentity>(200, &h, &body).unwrap();
                    assert_eq!(o.account.as_deref(), s(v, "Account"));
                    assert_eq!(o.arn.as_deref(), s(v, "Arn"));
                    assert_eq!(o.user_id.as_deref(), s(v, "UserId"));
                }
                "GetFederationToken" => {
                    let o = parse::<GetFederationToken>(200, &h, &body).unwrap();
                    check_credentials(&o.credentials, v);
                    let user = o.federated_user.unwrap();
                    assert_eq!(Some(user.arn.as_str()), s(v, "FederatedUser/Arn"));
                    assert_eq!(
                        Some(user.federated_user_id.as_str()),
                        s(v, "FederatedUser/FederatedUserId")
                    );
                    assert_eq!(o.packed_policy_size, packed(v));
                }
                "GetSessionToken" => {
                    let o = parse::<GetSessionToken>(200, &h, &body).unwrap();
                    check_credentials(&o.credentials, v);
                }
                other => panic!("example for {other} has no check"),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 9, "examples-1.json has 9 examples with outputs");
}

// ---- hand-made documents for the operations without samples ----

const CREDS: &str = "<Credentials><AccessKeyId>ASIAHANDMADE</AccessKeyId>\
    <SecretAccessKey>handmade/secret+key</SecretAccessKey>\
    <SessionToken>handmade-token==</SessionToken>\
    <Expiration>2026-11-28T12:00:00.5+01:00</Expiration></Credentials>";

fn doc(op: &str, result: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{op}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <{op}Result>{result}</{op}Result>\
         <ResponseMetadata><RequestId>rid-{op}</RequestId></ResponseMetadata></{op}Response>"
    )
    .into_bytes()
}

fn check_handmade_credentials(c: &sts_proto::Credentials) {
    assert_eq!(c.access_key_id(), "ASIAHANDMADE");
    assert_eq!(c.secret_access_key().expose(), "handmade/secret+key");
    assert_eq!(c.session_token().unwrap().expose(), "handmade-token==");
    assert_eq!(
        format_timestamp(c.expiration().unwrap()),
        "2026-11-28T11:00:00.500Z"
    );
}

#[test]
fn assume_root_with_every_member() {
    let body = doc(
        "AssumeRoot",
        &format!("{CREDS}<SourceIdentity>alice</SourceIdentity>"),
    );
    let o = parse::<AssumeRoot>(200, &headers(None), &body).unwrap();
    check_handmade_credentials(&o.credentials);
    assert_eq!(o.source_identity.as_deref(), Some("alice"));
    assert_eq!(o.request_id.as_deref(), Some("rid-AssumeRoot"));
}

#[test]
fn get_access_key_info_with_every_member() {
    let body = doc("GetAccessKeyInfo", "<Account>111122223333</Account>");
    let o = parse::<GetAccessKeyInfo>(200, &headers(None), &body).unwrap();
    assert_eq!(o.account.as_deref(), Some("111122223333"));
}

#[test]
fn get_delegated_access_token_with_every_member() {
    let body = doc(
        "GetDelegatedAccessToken",
        &format!(
            "<AssumedPrincipal>arn:aws:iam::111122223333:user/bob</AssumedPrincipal>\
             <PackedPolicySize>17</PackedPolicySize>{CREDS}"
        ),
    );
    let o = parse::<GetDelegatedAccessToken>(200, &headers(None), &body).unwrap();
    check_handmade_credentials(&o.credentials);
    assert_eq!(o.packed_policy_size, Some(17));
    assert_eq!(
        o.assumed_principal.as_deref(),
        Some("arn:aws:iam::111122223333:user/bob")
    );
}

#[test]
fn get_web_identity_token_with_every_member() {
    let body = doc(
        "GetWebIdentityToken",
        "<WebIdentityToken>eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln</WebIdentityToken>\
         <Expiration>2026-11-28T12:00:00Z</Expiration>",
    );
    let o = parse::<GetWebIdentityToken>(200, &headers(None), &body).unwrap();
    assert_eq!(
        o.web_identity_token.unwrap().expose(),
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
    );
    assert_eq!(o.expiration, Some(ts("2026-11-28T12:00:00Z")));
}

#[test]
fn get_scoped_credentials_with_every_member() {
    let body = doc(
        "GetScopedCredentials",
        &format!(
            "{CREDS}<SessionInfo><ScopedSessionId>AROA3XFRBF535PLBIFPI4:alice</ScopedSessionId>\
             <Arn>arn:aws:sts::111122223333:assumed-role/demo/alice</Arn></SessionInfo>\
             <SessionTokenUtilization>41</SessionTokenUtilization>\
             <SessionTokenSize>1024</SessionTokenSize>\
             <ScopedPoliciesCount>2</ScopedPoliciesCount>\
             <SourceIdentity>alice@example.com</SourceIdentity>"
        ),
    );
    let o = parse::<GetScopedCredentials>(200, &headers(None), &body).unwrap();
    check_handmade_credentials(&o.credentials);
    let session = o.session_info.expect("SessionInfo");
    assert_eq!(session.scoped_session_id, "AROA3XFRBF535PLBIFPI4:alice");
    assert_eq!(
        session.arn,
        "arn:aws:sts::111122223333:assumed-role/demo/alice"
    );
    assert_eq!(o.session_token_utilization, Some(41));
    assert_eq!(o.session_token_size, Some(1024));
    assert_eq!(o.scoped_policies_count, Some(2));
    assert_eq!(o.source_identity.as_deref(), Some("alice@example.com"));
    assert_eq!(o.request_id.as_deref(), Some("rid-GetScopedCredentials"));

    // Half a SessionInfo is read with what it has, as botocore reads it.
    let half = doc(
        "GetScopedCredentials",
        &format!("{CREDS}<SessionInfo><ScopedSessionId>AROA:x</ScopedSessionId></SessionInfo>"),
    );
    let info = parse::<GetScopedCredentials>(200, &headers(None), &half)
        .unwrap()
        .session_info
        .unwrap();
    assert_eq!(
        (info.scoped_session_id.as_str(), info.arn.as_str()),
        ("AROA:x", "")
    );
}

/// The session token's size members, on every operation that issues one.
#[test]
fn session_token_size_members_on_every_credentials_operation() {
    let sizes = "<SessionTokenUtilization>73</SessionTokenUtilization>\
                 <SessionTokenSize>2048</SessionTokenSize>";
    let body = |op: &str| doc(op, &format!("{CREDS}{sizes}"));
    let h = headers(None);
    let got = [
        parse::<AssumeRole>(200, &h, &body("AssumeRole"))
            .map(|o| (o.session_token_utilization, o.session_token_size)),
        parse::<AssumeRoleWithSaml>(200, &h, &body("AssumeRoleWithSAML"))
            .map(|o| (o.session_token_utilization, o.session_token_size)),
        parse::<AssumeRoleWithWebIdentity>(200, &h, &body("AssumeRoleWithWebIdentity"))
            .map(|o| (o.session_token_utilization, o.session_token_size)),
        parse::<AssumeRoot>(200, &h, &body("AssumeRoot"))
            .map(|o| (o.session_token_utilization, o.session_token_size)),
        parse::<GetFederationToken>(200, &h, &body("GetFederationToken"))
            .map(|o| (o.session_token_utilization, o.session_token_size)),
        parse::<GetSessionToken>(200, &h, &body("GetSessionToken"))
            .map(|o| (o.session_token_utilization, o.session_token_size)),
        parse::<GetScopedCredentials>(200, &h, &body("GetScopedCredentials"))
            .map(|o| (o.session_token_utilization, o.session_token_size)),
    ];
    for got in got {
        assert_eq!(got.unwrap(), (Some(73), Some(2048)));
    }
    let bad = doc(
        "GetSessionToken",
        &format!("{CREDS}<SessionTokenSize>-1</SessionTokenSize>"),
    );
    let err = parse::<GetSessionToken>(200, &h, &bad).unwrap_err();
    assert!(err.to_string().contains("SessionTokenSize"), "{err}");
}

const TRUSTED_CONTEXT: &str = "<TrustedIdentityPropagationContext>\
    <OriginIdentity><Subject>user-7f3a</Subject><SubjectType>User</SubjectType>\
    <Issuer>https://idp.example.com</Issuer>\
    <FederatedProviderArn>arn:aws:iam::111122223333:saml-provider/idp</FederatedProviderArn>\
    </OriginIdentity>\
    <TransactionContext><IdentityProvider>\
    <entry><key>tenant</key><value>blue</value></entry>\
    <entry><key>session</key><value>s-9</value></entry>\
    </IdentityProvider></TransactionContext>\
    </TrustedIdentityPropagationContext>";

/// A map's entries with their values shown, to compare.
fn exposed(entries: Vec<(String, sts_proto::SecretString)>) -> Vec<(String, String)> {
    entries
        .into_iter()
        .map(|(k, v)| (k, v.expose().to_owned()))
        .collect()
}

fn check_trusted_context(c: Option<sts_proto::types::TrustedIdentityPropagationContext>) {
    let c = c.expect("TrustedIdentityPropagationContext");
    let origin = c.origin_identity.expect("OriginIdentity");
    let shown = |v: &Option<sts_proto::SecretString>| v.as_ref().map(|s| s.expose().to_owned());
    assert_eq!(shown(&origin.subject).as_deref(), Some("user-7f3a"));
    assert_eq!(shown(&origin.subject_type).as_deref(), Some("User"));
    assert_eq!(
        shown(&origin.issuer).as_deref(),
        Some("https://idp.example.com")
    );
    assert_eq!(
        shown(&origin.federated_provider_arn).as_deref(),
        Some("arn:aws:iam::111122223333:saml-provider/idp")
    );
    let tx = c.transaction_context.expect("TransactionContext");
    assert_eq!(
        exposed(tx.identity_provider),
        [
            ("tenant".to_owned(), "blue".to_owned()),
            ("session".to_owned(), "s-9".to_owned())
        ]
    );
}

#[test]
fn trusted_identity_propagation_context_of_saml_and_web_identity() {
    let h = headers(None);
    let saml = doc("AssumeRoleWithSAML", &format!("{CREDS}{TRUSTED_CONTEXT}"));
    let o = parse::<AssumeRoleWithSaml>(200, &h, &saml).unwrap();
    // The end user's values never reach Debug.
    let shown = format!("{o:?}");
    for value in [
        "user-7f3a",
        "idp.example.com",
        "saml-provider/idp",
        "blue",
        "s-9",
    ] {
        assert!(!shown.contains(value), "{value} in {shown}");
    }
    assert!(shown.contains("tenant"), "{shown}");
    check_trusted_context(o.trusted_identity_propagation_context);

    let web = doc(
        "AssumeRoleWithWebIdentity",
        &format!("{CREDS}{TRUSTED_CONTEXT}"),
    );
    let o = parse::<AssumeRoleWithWebIdentity>(200, &h, &web).unwrap();
    check_trusted_context(o.trusted_identity_propagation_context);

    // Absent, empty, and an entry without a key.
    let o = parse::<AssumeRoleWithSaml>(200, &h, &doc("AssumeRoleWithSAML", CREDS)).unwrap();
    assert_eq!(o.trusted_identity_propagation_context, None);
    let empty = doc(
        "AssumeRoleWithSAML",
        &format!("{CREDS}<TrustedIdentityPropagationContext/>"),
    );
    // Empty structures are present and empty, as botocore reads them
    // (`{}`), not absent.
    let o = parse::<AssumeRoleWithSaml>(200, &h, &empty).unwrap();
    assert_eq!(
        o.trusted_identity_propagation_context,
        Some(sts_proto::types::TrustedIdentityPropagationContext::default())
    );
    let empty_parts = doc(
        "AssumeRoleWithWebIdentity",
        &format!(
            "{CREDS}<TrustedIdentityPropagationContext><OriginIdentity/><TransactionContext>\
             <IdentityProvider/></TransactionContext></TrustedIdentityPropagationContext>"
        ),
    );
    let c = parse::<AssumeRoleWithWebIdentity>(200, &h, &empty_parts)
        .unwrap()
        .trusted_identity_propagation_context
        .expect("present");
    assert_eq!(
        c.origin_identity,
        Some(sts_proto::types::OriginIdentity::default())
    );
    assert_eq!(
        c.transaction_context.map(|t| t.identity_provider.len()),
        Some(0)
    );
    let keyless = doc(
        "AssumeRoleWithSAML",
        &format!(
            "{CREDS}<TrustedIdentityPropagationContext><TransactionContext><IdentityProvider>\
             <entry><value>v</value></entry></IdentityProvider></TransactionContext>\
             </TrustedIdentityPropagationContext>"
        ),
    );
    let err = parse::<AssumeRoleWithSaml>(200, &h, &keyless).unwrap_err();
    assert!(
        err.to_string().contains("IdentityProvider/entry/key"),
        "{err}"
    );
    // Only the map's own children are its entries: an `entry` just after
    // the map, its sibling, is not one.
    let sibling = doc(
        "AssumeRoleWithSAML",
        &format!(
            "{CREDS}<TrustedIdentityPropagationContext><TransactionContext><IdentityProvider>\
             <entry><key>k</key><value>v</value></entry></IdentityProvider>\
             <entry><key>not-an-entry</key><value>x</value></entry>\
             </TransactionContext></TrustedIdentityPropagationContext>"
        ),
    );
    let o = parse::<AssumeRoleWithSaml>(200, &h, &sibling).unwrap();
    let entries = o
        .trusted_identity_propagation_context
        .and_then(|c| c.transaction_context)
        .map(|t| exposed(t.identity_provider));
    assert_eq!(entries, Some(vec![("k".to_owned(), "v".to_owned())]));
    // An empty key is a key (botocore reads `{'': 'v'}`); both sides are
    // trimmed, as every string member is; a missing value is "".
    let odd = doc(
        "AssumeRoleWithSAML",
        &format!(
            "{CREDS}<TrustedIdentityPropagationContext><TransactionContext><IdentityProvider>\
             <entry><key></key><value>v</value></entry>\
             <entry><key> k </key><value> w </value></entry>\
             <entry><key>n</key></entry></IdentityProvider></TransactionContext>\
             </TrustedIdentityPropagationContext>"
        ),
    );
    let o = parse::<AssumeRoleWithSaml>(200, &h, &odd).unwrap();
    let entries = o
        .trusted_identity_propagation_context
        .and_then(|c| c.transaction_context)
        .map(|t| exposed(t.identity_provider));
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(
        entries,
        Some(vec![pair("", "v"), pair("k", "w"), pair("n", "")])
    );
}

/// A result element that repeats is read as one whose members are looked
/// for in each copy in document order, the map's as every other's: here
/// the credentials are in the first copy and the map only in the second.
#[test]
fn a_map_in_a_repeated_result_element_is_found_in_a_later_copy() {
    let body = format!(
        "<AssumeRoleWithSAMLResponse><AssumeRoleWithSAMLResult>{CREDS}</AssumeRoleWithSAMLResult>\
         <AssumeRoleWithSAMLResult>{TRUSTED_CONTEXT}</AssumeRoleWithSAMLResult>\
         </AssumeRoleWithSAMLResponse>"
    );
    let o = parse::<AssumeRoleWithSaml>(200, &headers(None), body.as_bytes()).unwrap();
    check_handmade_credentials(&o.credentials);
    check_trusted_context(o.trusted_identity_propagation_context);
}

/// Members are looked for inside the result element only: a
/// `Credentials` just after it, its sibling rather than its child, is not
/// the result's, whether the result is empty or has children of its own.
#[test]
fn credentials_beside_the_result_element_are_not_read() {
    for result in [
        "<AssumeRoleResult></AssumeRoleResult>",
        "<AssumeRoleResult><AssumedRoleUser><Arn>a</Arn></AssumedRoleUser></AssumeRoleResult>",
    ] {
        let body = format!("<AssumeRoleResponse>{result}{CREDS}</AssumeRoleResponse>");
        let err = parse::<AssumeRole>(200, &headers(Some("h")), body.as_bytes()).unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(err, ResponseError::Malformed { .. })
                && text.contains("missing Credentials ["),
            "{result}: got {text}"
        );
    }
}

#[test]
fn members_in_any_order_with_unknown_ones_and_prefixes() {
    let body = b"\xEF\xBB\xBF<sts:AssumeRoleResponse xmlns:sts=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
        <!-- a comment -->\
        <sts:ResponseMetadata><sts:RequestId>rid</sts:RequestId></sts:ResponseMetadata>\
        <sts:AssumeRoleResult>\
          <sts:NewMember><Nested>ignored</Nested></sts:NewMember>\
          <sts:SourceIdentity><![CDATA[src-id]]></sts:SourceIdentity>\
          <sts:PackedPolicySize> 6 </sts:PackedPolicySize>\
          <sts:Credentials>\
            <sts:Expiration>2026-01-01T00:00:00Z</sts:Expiration>\
            <sts:SessionToken>tok&amp;en&#x3D;</sts:SessionToken>\
            <sts:SecretAccessKey>sec&lt;ret</sts:SecretAccessKey>\
            <sts:AccessKeyId>ASIA1</sts:AccessKeyId>\
          </sts:Credentials>\
        </sts:AssumeRoleResult></sts:AssumeRoleResponse>";
    let o = parse::<AssumeRole>(200, &headers(Some("header-id")), body).unwrap();
    assert_eq!(o.credentials.session_token().unwrap().expose(), "tok&en=");
    assert_eq!(o.credentials.secret_access_key().expose(), "sec<ret");
    assert_eq!(o.packed_policy_size, Some(6));
    assert_eq!(o.source_identity.as_deref(), Some("src-id"));
    // The body's request id wins over the header's.
    assert_eq!(o.request_id.as_deref(), Some("rid"));
}

#[test]
fn request_id_from_the_header_when_the_body_has_none() {
    let body = b"<GetCallerIdentityResponse><GetCallerIdentityResult><Account>1</Account></GetCallerIdentityResult></GetCallerIdentityResponse>";
    let o = parse::<GetCallerIdentity>(200, &headers(Some("hdr-1")), body).unwrap();
    assert_eq!(o.request_id.as_deref(), Some("hdr-1"));
    // A body id of nothing a log can show is none either (found by a
    // review: U+00A0, which values keep, hid the header's id).
    for blank in [" \n ", "\u{a0}", "\u{2028}\u{a0}"] {
        let body = format!(
            "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>1</Account>\
             </GetCallerIdentityResult><ResponseMetadata><RequestId>{blank}</RequestId>\
             </ResponseMetadata></GetCallerIdentityResponse>"
        );
        let o = parse::<GetCallerIdentity>(200, &headers(Some("hdr-1")), body.as_bytes()).unwrap();
        assert_eq!(o.request_id.as_deref(), Some("hdr-1"), "{blank:?}");
    }
}

/// A request id reaches logs, errors and outputs: one with line breaks
/// or terminal escapes (a hostile server's forged log line) is shown with
/// spaces for them, and a long one is cut, as a service error's id is.
#[test]
fn request_ids_are_cleaned_of_control_characters_and_cut() {
    // `&#155;` is the one-byte CSI, which XML allows (`&#27;`, ESC, it
    // refuses).
    let forged = "abc&#10;[WARN sts_blocking::client] forged&#155;[8m";
    let body = format!(
        "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>1</Account>\
         </GetCallerIdentityResult><ResponseMetadata><RequestId>{forged}</RequestId>\
         </ResponseMetadata></GetCallerIdentityResponse>"
    );
    let o = parse::<GetCallerIdentity>(200, &headers(None), body.as_bytes()).unwrap();
    assert_eq!(
        o.request_id.as_deref(),
        Some("abc [WARN sts_blocking::client] forged [8m")
    );
    // The same id in a response that cannot be read: the error's text.
    let body = format!(
        "<AssumeRoleResponse><AssumeRoleResult/><ResponseMetadata>\
         <RequestId>{forged}</RequestId></ResponseMetadata></AssumeRoleResponse>"
    );
    let err = parse::<AssumeRole>(200, &headers(None), body.as_bytes()).unwrap_err();
    let text = err.to_string();
    assert!(!text.chars().any(char::is_control), "{text:?}");
    assert!(text.contains("abc [WARN"), "{text}");
    // Long ids, from the body or the headers, are cut at 128 characters.
    let long = "r".repeat(5000);
    let body = format!(
        "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>1</Account>\
         </GetCallerIdentityResult><ResponseMetadata><RequestId>{long}</RequestId>\
         </ResponseMetadata></GetCallerIdentityResponse>"
    );
    let o = parse::<GetCallerIdentity>(200, &headers(None), body.as_bytes()).unwrap();
    assert_eq!(o.request_id.unwrap().chars().count(), 129);
    let err = parse::<AssumeRole>(200, &headers(Some(&long)), b"<x/>").unwrap_err();
    assert_eq!(err.request_id().unwrap().chars().count(), 129);
    let err = parse::<AssumeRole>(502, &headers(Some(&long)), b"bad gateway").unwrap_err();
    assert_eq!(err.request_id().unwrap().chars().count(), 129);
}

#[test]
fn incomplete_or_wrong_documents_are_malformed_not_panics() {
    let cases: &[(&[u8], &str)] = &[
        (b"", "no XML root"),
        (b"<AssumeRoleResponse><AssumeRoleResult>", "ends before"),
        (
            b"<AssumeRoleResponse><AssumeRoleResult></AssumeRoleResult></AssumeRoleResponse>",
            "missing Credentials [",
        ),
        (
            b"<GetSessionTokenResponse></GetSessionTokenResponse>",
            "expected a AssumeRoleResponse document",
        ),
        (
            b"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>a</AccessKeyId><SecretAccessKey>b</SecretAccessKey><SessionToken>c</SessionToken><Expiration>tomorrow</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>",
            "Credentials/Expiration: invalid timestamp",
        ),
        (
            b"<AssumeRoleResponse><AssumeRoleResult><PackedPolicySize>-1</PackedPolicySize><Credentials><AccessKeyId>a</AccessKeyId><SecretAccessKey>b</SecretAccessKey><SessionToken>c</SessionToken><Expiration>2020-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>",
            "PackedPolicySize is not a non-negative integer",
        ),
        (b"<AssumeRoleResponse>\xff</AssumeRoleResponse>", "not UTF-8"),
        (b"<!DOCTYPE x><AssumeRoleResponse/>", "DOCTYPE"),
    ];
    for (body, want) in cases {
        let err = parse::<AssumeRole>(200, &headers(Some("h")), body).unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(err, ResponseError::Malformed { .. }) && text.contains(want),
            "{:?}: got {text}",
            String::from_utf8_lossy(body)
        );
        assert_eq!(err.request_id(), Some("h"));
    }
}

// ---- errors ----

const MODELLED: [(&str, ErrorCode, u16); 15] = [
    (
        "InvalidContextAssertion",
        ErrorCode::InvalidContextAssertion,
        400,
    ),
    (
        "InsufficientSessionLifetime",
        ErrorCode::InsufficientSessionLifetime,
        400,
    ),
    (
        "InvalidSubjectCredentials",
        ErrorCode::InvalidSubjectCredentials,
        400,
    ),
    (
        "MalformedPolicyDocument",
        ErrorCode::MalformedPolicyDocument,
        400,
    ),
    ("PackedPolicyTooLarge", ErrorCode::PackedPolicyTooLarge, 400),
    ("RegionDisabledException", ErrorCode::RegionDisabled, 403),
    ("ExpiredTokenException", ErrorCode::ExpiredToken, 400),
    ("IDPRejectedClaim", ErrorCode::IdpRejectedClaim, 403),
    (
        "IDPCommunicationError",
        ErrorCode::IdpCommunicationError,
        400,
    ),
    ("InvalidIdentityToken", ErrorCode::InvalidIdentityToken, 400),
    (
        "InvalidAuthorizationMessageException",
        ErrorCode::InvalidAuthorizationMessage,
        400,
    ),
    (
        "ExpiredTradeInTokenException",
        ErrorCode::ExpiredTradeInToken,
        400,
    ),
    (
        "JWTPayloadSizeExceededException",
        ErrorCode::JwtPayloadSizeExceeded,
        400,
    ),
    (
        "OutboundWebIdentityFederationDisabledException",
        ErrorCode::OutboundWebIdentityFederationDisabled,
        403,
    ),
    (
        "SessionDurationEscalationException",
        ErrorCode::SessionDurationEscalation,
        403,
    ),
];

#[test]
fn the_modelled_codes_match_the_model() {
    let model: Value = serde_json::from_slice(&read("sts-model/constraints.json")).unwrap();
    let mut wire: Vec<(String, u16)> = model["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["code"].as_str().unwrap().to_owned(),
                e["httpStatus"].as_u64().unwrap() as u16,
            )
        })
        .collect();
    wire.sort();
    let mut ours: Vec<(String, u16)> = MODELLED
        .iter()
        .map(|(code, _, status)| ((*code).to_owned(), *status))
        .collect();
    ours.sort();
    assert_eq!(wire, ours);
}

#[test]
fn every_modelled_code_in_both_error_shapes() {
    for (code, variant, status) in MODELLED {
        let shape_one = format!(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>\
             <Code>{code}</Code><Message>msg for {code}</Message></Error><RequestId>rid-{code}</RequestId></ErrorResponse>"
        );
        let shape_two = format!(
            "<ErrorResponse><Errors><Error><Code>{code}</Code><Message>msg for {code}</Message>\
             <Type>Receiver</Type></Error></Errors><ResponseMetadata><RequestId>rid-{code}</RequestId></ResponseMetadata></ErrorResponse>"
        );
        for (body, fault) in [(shape_one, Fault::Sender), (shape_two, Fault::Receiver)] {
            let err = parse::<AssumeRole>(status, &headers(None), body.as_bytes()).unwrap_err();
            let ResponseError::Service(e) = &err else {
                panic!("{code}: {err:?}")
            };
            assert_eq!(e.code, variant);
            assert_eq!(e.code.as_str(), code);
            assert_eq!(ErrorCode::from_wire(code), variant);
            assert_eq!(e.fault, fault);
            assert_eq!(e.status, status);
            assert_eq!(
                e.message.as_deref(),
                Some(format!("msg for {code}").as_str())
            );
            assert_eq!(
                e.request_id.as_deref(),
                Some(format!("rid-{code}").as_str())
            );
            assert_eq!(err.code(), Some(code));
            let text = err.to_string();
            assert!(text.contains(code) && text.contains("rid-"), "{text}");
        }
    }
}

#[test]
fn model_shape_names_map_to_the_same_codes() {
    assert_eq!(
        ErrorCode::from_wire("InvalidIdentityTokenException"),
        ErrorCode::InvalidIdentityToken
    );
    assert_eq!(
        ErrorCode::from_wire("MalformedPolicyDocumentException"),
        ErrorCode::MalformedPolicyDocument
    );
    assert_eq!(
        ErrorCode::from_wire("IDPRejectedClaimException"),
        ErrorCode::IdpRejectedClaim
    );
}

/// An error document's request id that is empty once cleaned is none:
/// the header's is used, as on a success's path (found by a review).
#[test]
fn an_error_documents_blank_request_id_falls_back_to_the_header() {
    for blank in ["", " ", "\u{a0}", "&#x9b;"] {
        let body = format!(
            "<ErrorResponse><Error><Code>Throttling</Code><Message>m</Message></Error>\
             <RequestId>{blank}</RequestId></ErrorResponse>"
        );
        let err =
            parse::<GetCallerIdentity>(400, &headers(Some("hdr-2")), body.as_bytes()).unwrap_err();
        let ResponseError::Service(e) = err else {
            panic!("{blank:?}: not a service error")
        };
        assert_eq!(e.request_id.as_deref(), Some("hdr-2"), "{blank:?}");
    }
}

#[test]
fn unmodelled_codes_are_kept_verbatim() {
    for code in [
        "AccessDenied",
        "Throttling",
        "SignatureDoesNotMatch",
        "InvalidClientTokenId",
        "ValidationError",
    ] {
        let body = format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>"
        );
        let err = parse::<GetCallerIdentity>(403, &headers(None), body.as_bytes()).unwrap_err();
        assert_eq!(err.code(), Some(code));
        let ResponseError::Service(e) = err else {
            panic!()
        };
        assert!(matches!(e.code, ErrorCode::Other(_)), "{:?}", e.code);
        assert_eq!(e.code.as_str(), code);
    }
}

#[test]
fn failure_statuses_without_an_error_document() {
    let html =
        b"<html><head><title>502 Bad Gateway</title></head>\n<body>bad gateway</body></html>";
    let err = parse::<GetCallerIdentity>(502, &headers(Some("lb-1")), html).unwrap_err();
    match &err {
        ResponseError::Http {
            status,
            request_id,
            body_start,
        } => {
            assert_eq!(*status, 502);
            assert_eq!(request_id.as_deref(), Some("lb-1"));
            assert!(body_start.starts_with("<html><head><title>502 Bad Gateway"));
            assert!(!body_start.contains('\n'));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("HTTP 502"));

    let err = parse::<GetCallerIdentity>(503, &headers(None), b"").unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.to_string().contains("empty body"), "{err}");

    let big = vec![b'x'; 10_000];
    let err = parse::<GetCallerIdentity>(500, &headers(None), &big).unwrap_err();
    let ResponseError::Http { body_start, .. } = err else {
        panic!()
    };
    assert_eq!(body_start, "x".repeat(200));
}

#[test]
fn a_service_errors_texts_are_printable_and_bounded() {
    // A server (or anything on a plain-http path) must not write terminal
    // escapes or fake log lines through an error's `Display`.
    // XML refuses ESC and BEL (the reader with it, below); the one-byte
    // CSI (U+009B) and ST (U+009C) are characters XML allows.
    let message = format!(
        "a\u{9b}[31mred\u{9b}]0;title\u{9c}\nfake log line {}",
        "m".repeat(5000)
    );
    let body = format!(
        "<ErrorResponse><Error><Code>X\u{9b}[2J</Code><Message>{message}</Message></Error>\
         <RequestId>r\r\nid</RequestId></ErrorResponse>"
    );
    let escaped = body.replace('\u{9b}', "\u{1b}").replace('\u{9c}', "\u{7}");
    let refused = parse::<GetCallerIdentity>(400, &headers(None), escaped.as_bytes()).unwrap_err();
    assert!(
        matches!(
            refused,
            ResponseError::Malformed { .. } | ResponseError::Http { .. }
        ),
        "{refused:?}"
    );
    assert!(!refused.to_string().chars().any(char::is_control));
    let err = parse::<GetCallerIdentity>(400, &headers(None), body.as_bytes()).unwrap_err();
    let shown = err.to_string();
    assert!(!shown.chars().any(char::is_control), "{shown:?}");
    let ResponseError::Service(e) = err else {
        panic!("{err:?}")
    };
    assert!(matches!(e.code, ErrorCode::Other(_)), "{:?}", e.code);
    assert_eq!(e.code.as_str(), "X [2J");
    let message = e.message.unwrap();
    assert!(
        message.starts_with("a [31mred ]0;title  fake log line mmm"),
        "{message}"
    );
    assert_eq!(message.chars().count(), 1025);
    assert!(message.ends_with('…'));
    // The line break is one of the XML reader's, CR LF read as LF.
    assert_eq!(e.request_id.as_deref(), Some("r id"));
}

#[test]
fn an_error_document_behind_a_200_is_still_an_error() {
    let body = b"<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>";
    let err = parse::<GetCallerIdentity>(200, &headers(None), body).unwrap_err();
    assert_eq!(err.code(), Some("Throttling"));
}
