//! `form`: the awsQuery form writer and decoder as a round trip, and
//! `AssumeRole` (the operation with every kind of parameter) built from
//! arbitrary members.

use std::time::{Duration, UNIX_EPOCH};

use arbitrary::{Arbitrary, Unstructured};
use sts_proto::endpoint::{EndpointConfig, resolve};
use sts_proto::form::{self, API_VERSION, FormWriter};
use sts_proto::operation::{self, FORM_CONTENT_TYPE, Operation, RequestContext};
use sts_proto::ops::AssumeRole;
use sts_proto::{BuildError, Credentials};

#[derive(Debug, Arbitrary)]
enum FormInput {
    /// Parameters written one by one.
    Writer {
        action: String,
        params: Vec<(String, String)>,
    },
    /// An `AssumeRole` request (boxed: it is much larger than the others).
    AssumeRole(Box<AssumeRoleInput>),
    /// Any text, decoded.
    Decode(String),
}

#[derive(Debug, Arbitrary)]
struct AssumeRoleInput {
    role_arn: String,
    role_session_name: String,
    policy_arns: Vec<String>,
    policy: Option<String>,
    duration_seconds: Option<i32>,
    tags: Vec<(String, String)>,
    transitive_tag_keys: Vec<String>,
    external_id: Option<String>,
    mfa: Option<(String, String)>,
    source_identity: Option<String>,
    provided_contexts: Vec<(String, String)>,
}

/// Input: bytes for `arbitrary` to make a [`FormInput`] of.
///
/// A written body must decode to exactly the parameters written, `Action`
/// and `Version` first; an `AssumeRole` body to the members given, in the
/// order and with the list numbering of the awsQuery protocol, and a built
/// request must carry that body, signed. Decoding any text either fails or
/// gives pairs that encode and decode back to themselves.
pub fn form(data: &[u8]) {
    let Ok(input) = FormInput::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    match input {
        FormInput::Writer { action, params } => {
            let mut writer = FormWriter::new(&action);
            for (name, value) in &params {
                writer.param(name, value);
            }
            let body = writer.finish();
            check_body(&body);
            let mut expected = head(&action);
            expected.extend(params);
            assert_eq!(form::decode(&body).as_ref(), Ok(&expected), "{body:?}");
        }
        FormInput::AssumeRole(input) => assume_role(*input),
        FormInput::Decode(text) => {
            if let Ok(pairs) = form::decode(&text) {
                let mut body = String::new();
                for (name, value) in &pairs {
                    body.push('&');
                    form::encode_into(&mut body, name);
                    body.push('=');
                    form::encode_into(&mut body, value);
                }
                check_body(&body);
                assert_eq!(form::decode(&body), Ok(pairs));
            }
        }
    }
}

fn head(action: &str) -> Vec<(String, String)> {
    vec![
        ("Action".to_owned(), action.to_owned()),
        ("Version".to_owned(), API_VERSION.to_owned()),
    ]
}

/// Only the form's own characters appear literally.
fn check_body(body: &str) {
    assert!(
        body.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~+%&=".contains(&b)),
        "{body:?}"
    );
}

fn assume_role(input: AssumeRoleInput) {
    let mut op = AssumeRole::new(input.role_arn.clone(), input.role_session_name.clone());
    let mut expected = head(AssumeRole::ACTION);
    let mut push = |name: String, value: &str| expected.push((name, value.to_owned()));
    push("RoleArn".into(), &input.role_arn);
    push("RoleSessionName".into(), &input.role_session_name);
    for (i, arn) in input.policy_arns.iter().enumerate() {
        op = op.policy_arn(arn.clone());
        push(format!("PolicyArns.member.{}.arn", i + 1), arn);
    }
    if let Some(policy) = &input.policy {
        op = op.policy(policy.clone());
        push("Policy".into(), policy);
    }
    if let Some(seconds) = input.duration_seconds {
        op = op.duration_seconds(seconds);
        push("DurationSeconds".into(), &seconds.to_string());
    }
    for (i, (key, value)) in input.tags.iter().enumerate() {
        op = op.tag(key.clone(), value.clone());
        push(format!("Tags.member.{}.Key", i + 1), key);
        push(format!("Tags.member.{}.Value", i + 1), value);
    }
    for (i, key) in input.transitive_tag_keys.iter().enumerate() {
        op = op.transitive_tag_key(key.clone());
        push(format!("TransitiveTagKeys.member.{}", i + 1), key);
    }
    if let Some(id) = &input.external_id {
        op = op.external_id(id.clone());
        push("ExternalId".into(), id);
    }
    if let Some((serial, code)) = &input.mfa {
        op = op.mfa(serial.clone(), code.clone());
        push("SerialNumber".into(), serial);
        push("TokenCode".into(), code);
    }
    if let Some(identity) = &input.source_identity {
        op = op.source_identity(identity.clone());
        push("SourceIdentity".into(), identity);
    }
    for (i, (arn, assertion)) in input.provided_contexts.iter().enumerate() {
        op = op.provided_context(arn.clone(), assertion.clone());
        push(
            format!("ProvidedContexts.member.{}.ProviderArn", i + 1),
            arn,
        );
        push(
            format!("ProvidedContexts.member.{}.ContextAssertion", i + 1),
            assertion,
        );
    }
    let body = op.form_body();
    check_body(&body);
    assert_eq!(form::decode(&body).as_ref(), Ok(&expected), "{body:?}");

    // Built, the request carries that body, signed; or validation says no.
    let Ok(endpoint) = resolve(&EndpointConfig::new().with_region("us-east-1")) else {
        panic!("us-east-1 does not resolve");
    };
    let credentials = Credentials::new("AKIDEXAMPLE", "secret", None);
    let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    let ctx = RequestContext::new(&endpoint, time).credentials(&credentials);
    match operation::build(&op, &ctx) {
        Ok(request) => {
            assert_eq!(request.body(), body.as_bytes());
            assert_eq!(request.method(), http::Method::POST);
            let headers = request.headers();
            assert_eq!(
                headers
                    .get(http::header::CONTENT_TYPE)
                    .map(|v| v.as_bytes()),
                Some(FORM_CONTENT_TYPE.as_bytes())
            );
            assert!(headers.contains_key(http::header::AUTHORIZATION));
        }
        Err(BuildError::Validation(e)) => {
            let _ = e.to_string();
        }
        Err(e) => panic!("AssumeRole failed other than by validation: {e}"),
    }
}
