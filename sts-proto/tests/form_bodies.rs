//! The exact form body of a fully populated request of each operation:
//! parameter names, list numbering and encoding, checked by hand against
//! what botocore sends (`urllib.parse.urlencode` of the serialized params).

use sts_proto::Operation;
use sts_proto::ops::*;

const ROLE: &str = "arn:aws:iam::123456789012:role/demo";
const ROLE_ENC: &str = "arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo";
const POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
const POLICY_ENC: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";

fn assert_body(op: &impl Operation, expected: &[&str]) {
    assert_eq!(op.form_body(), expected.join("&"));
    op.validate().expect("the fully populated request is valid");
}

#[test]
fn assume_role() {
    let op = AssumeRole::new(ROLE, "session-1")
        .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .policy_arn("arn:aws:iam::123456789012:policy/p2")
        .policy(POLICY)
        .duration_seconds(3600)
        .tag("Project", "Unicorn")
        .tag("Cost Center", "12+3=5 é")
        .transitive_tag_key("Project")
        .transitive_tag_key("Cost Center")
        .external_id("partner:42/x")
        .mfa("arn:aws:iam::123456789012:mfa/user", "123456")
        .source_identity("alice@example.com")
        .provided_context(
            "arn:aws:iam::aws:contextProvider/IdentityCenter",
            "ctx+assert&ion/==",
        )
        .minimum_session_token_size(4096);
    assert_body(
        &op,
        &[
            "Action=AssumeRole",
            "Version=2011-06-15",
            &format!("RoleArn={ROLE_ENC}"),
            "RoleSessionName=session-1",
            "PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess",
            "PolicyArns.member.2.arn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Fp2",
            &format!("Policy={POLICY_ENC}"),
            "DurationSeconds=3600",
            "Tags.member.1.Key=Project",
            "Tags.member.1.Value=Unicorn",
            "Tags.member.2.Key=Cost+Center",
            "Tags.member.2.Value=12%2B3%3D5+%C3%A9",
            "TransitiveTagKeys.member.1=Project",
            "TransitiveTagKeys.member.2=Cost+Center",
            "ExternalId=partner%3A42%2Fx",
            "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fuser",
            "TokenCode=123456",
            "SourceIdentity=alice%40example.com",
            "ProvidedContexts.member.1.ProviderArn=arn%3Aaws%3Aiam%3A%3Aaws%3AcontextProvider%2FIdentityCenter",
            "ProvidedContexts.member.1.ContextAssertion=ctx%2Bassert%26ion%2F%3D%3D",
            "MinimumSessionTokenSize=4096",
        ],
    );
}

#[test]
fn assume_role_with_only_required_members() {
    assert_body(
        &AssumeRole::new(ROLE, "s1"),
        &[
            "Action=AssumeRole",
            "Version=2011-06-15",
            &format!("RoleArn={ROLE_ENC}"),
            "RoleSessionName=s1",
        ],
    );
}

#[test]
fn assume_role_with_saml() {
    let op = AssumeRoleWithSaml::new(
        ROLE,
        "arn:aws:iam::123456789012:saml-provider/Shibboleth",
        "PHNhbWxwOlJlc3BvbnNlPg==\n",
    )
    .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
    .policy(POLICY)
    .duration_seconds(900)
    .minimum_session_token_size(0);
    assert_body(
        &op,
        &[
            "Action=AssumeRoleWithSAML",
            "Version=2011-06-15",
            &format!("RoleArn={ROLE_ENC}"),
            "PrincipalArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2FShibboleth",
            "SAMLAssertion=PHNhbWxwOlJlc3BvbnNlPg%3D%3D%0A",
            "PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess",
            &format!("Policy={POLICY_ENC}"),
            "DurationSeconds=900",
            "MinimumSessionTokenSize=0",
        ],
    );
}

#[test]
fn assume_role_with_web_identity() {
    let op = AssumeRoleWithWebIdentity::new(ROLE, "web-session", "eyJ0eXAi.eyJzdWIi.c2ln_-")
        .provider_id("www.amazon.com")
        .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .policy(POLICY)
        .duration_seconds(43200)
        .minimum_session_token_size(1);
    assert_body(
        &op,
        &[
            "Action=AssumeRoleWithWebIdentity",
            "Version=2011-06-15",
            &format!("RoleArn={ROLE_ENC}"),
            "RoleSessionName=web-session",
            "WebIdentityToken=eyJ0eXAi.eyJzdWIi.c2ln_-",
            "ProviderId=www.amazon.com",
            "PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess",
            &format!("Policy={POLICY_ENC}"),
            "DurationSeconds=43200",
            "MinimumSessionTokenSize=1",
        ],
    );
}

#[test]
fn assume_root() {
    let op = AssumeRoot::new(
        "111122223333",
        "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials",
    )
    .duration_seconds(0)
    .minimum_session_token_size(512);
    assert_body(
        &op,
        &[
            "Action=AssumeRoot",
            "Version=2011-06-15",
            "TargetPrincipal=111122223333",
            "TaskPolicyArn.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2Froot-task%2FIAMDeleteRootUserCredentials",
            "DurationSeconds=0",
            "MinimumSessionTokenSize=512",
        ],
    );
}

#[test]
fn decode_authorization_message() {
    assert_body(
        &DecodeAuthorizationMessage::new("EXAMPLE+msg/=="),
        &[
            "Action=DecodeAuthorizationMessage",
            "Version=2011-06-15",
            "EncodedMessage=EXAMPLE%2Bmsg%2F%3D%3D",
        ],
    );
}

#[test]
fn get_access_key_info() {
    assert_body(
        &GetAccessKeyInfo::new("AKIAIOSFODNN7EXAMPLE"),
        &[
            "Action=GetAccessKeyInfo",
            "Version=2011-06-15",
            "AccessKeyId=AKIAIOSFODNN7EXAMPLE",
        ],
    );
}

#[test]
fn get_caller_identity() {
    assert_body(
        &GetCallerIdentity::new(),
        &["Action=GetCallerIdentity", "Version=2011-06-15"],
    );
}

#[test]
fn get_delegated_access_token() {
    assert_body(
        &GetDelegatedAccessToken::new("trade in/token+1"),
        &[
            "Action=GetDelegatedAccessToken",
            "Version=2011-06-15",
            "TradeInToken=trade+in%2Ftoken%2B1",
        ],
    );
}

#[test]
fn get_federation_token() {
    let op = GetFederationToken::new("bob@corp")
        .policy(POLICY)
        .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .duration_seconds(129_600)
        .tag("Dept", "日本")
        .minimum_session_token_size(2048);
    assert_body(
        &op,
        &[
            "Action=GetFederationToken",
            "Version=2011-06-15",
            "Name=bob%40corp",
            &format!("Policy={POLICY_ENC}"),
            "PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess",
            "DurationSeconds=129600",
            "Tags.member.1.Key=Dept",
            "Tags.member.1.Value=%E6%97%A5%E6%9C%AC",
            "MinimumSessionTokenSize=2048",
        ],
    );
}

#[test]
fn get_session_token() {
    let op = GetSessionToken::new()
        .duration_seconds(900)
        .mfa("GAHT12345678", "000000")
        .minimum_session_token_size(100);
    assert_body(
        &op,
        &[
            "Action=GetSessionToken",
            "Version=2011-06-15",
            "DurationSeconds=900",
            "SerialNumber=GAHT12345678",
            "TokenCode=000000",
            "MinimumSessionTokenSize=100",
        ],
    );
}

#[test]
fn get_web_identity_token() {
    let op = GetWebIdentityToken::new("https://api.example.com", "RS256")
        .audience("urn:partner")
        .duration_seconds(60)
        .scope("read write:all")
        .subject_mode("OriginIdentity")
        .tag("team", "blue");
    assert_body(
        &op,
        &[
            "Action=GetWebIdentityToken",
            "Version=2011-06-15",
            "Audience.member.1=https%3A%2F%2Fapi.example.com",
            "Audience.member.2=urn%3Apartner",
            "DurationSeconds=60",
            "SigningAlgorithm=RS256",
            "Scope=read+write%3Aall",
            "SubjectMode=OriginIdentity",
            "Tags.member.1.Key=team",
            "Tags.member.1.Value=blue",
        ],
    );
}

#[test]
fn get_scoped_credentials() {
    let op = GetScopedCredentials::with_policy(POLICY)
        .duration_seconds(129_600)
        .minimum_session_token_size(3000)
        .scoped_session_description("nightly export, ½ of it");
    assert_body(
        &op,
        &[
            "Action=GetScopedCredentials",
            "Version=2011-06-15",
            &format!("Policy={POLICY_ENC}"),
            "DurationSeconds=129600",
            "MinimumSessionTokenSize=3000",
            "ScopedSessionDescription=nightly+export%2C+%C2%BD+of+it",
        ],
    );
    // Either of the two members alone is a request; neither is not.
    assert_eq!(
        GetScopedCredentials::with_duration(900).form_body(),
        "Action=GetScopedCredentials&Version=2011-06-15&DurationSeconds=900"
    );
    GetScopedCredentials::with_duration(900).validate().unwrap();
    assert_eq!(
        GetScopedCredentials::with_duration(900)
            .policy("{}")
            .form_body(),
        "Action=GetScopedCredentials&Version=2011-06-15&Policy=%7B%7D&DurationSeconds=900"
    );
    let err = GetScopedCredentials::default().validate().unwrap_err();
    assert_eq!(
        err.to_string(),
        "GetScopedCredentials: Policy or DurationSeconds is required"
    );
}
