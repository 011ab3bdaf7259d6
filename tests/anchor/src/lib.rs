//! The fixture of the anchor benchmark: one `AssumeRole` request, one
//! canned response, and the in-memory HTTP stand-ins through which both
//! clients get it.
//!
//! The point of the benchmark is a ratio, so both clients must do the same
//! work: the same request members, the same credentials and region, the
//! same response bytes and headers, and an HTTP layer that costs next to
//! nothing on either side. The tests below check the "same" part (both
//! clients send the same form parameters and read the same credentials), so
//! that a change to either client cannot quietly make the comparison unfair.

use std::sync::Mutex;
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use bytes::Bytes;
use sts_blocking::transport::{Transport, TransportError};

/// The caller's access key id (an AWS documentation example).
pub const ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
/// The caller's secret key (an AWS documentation example).
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// The region both clients call.
pub const REGION: &str = "us-east-1";

/// The role to assume.
pub const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/anchor-bench";
/// The session name.
pub const SESSION_NAME: &str = "bench-session-01";
/// An inline session policy of 190 characters: a typical scoped-down
/// session policy, long enough that form encoding and hashing it count.
pub const POLICY: &str = concat!(
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","#,
    r#""Action":["s3:GetObject","s3:ListBucket"],"#,
    r#""Resource":["arn:aws:s3:::anchor-bench-bucket-01","#,
    r#""arn:aws:s3:::anchor-bench-bucket-01/*"]}]}"#
);
/// Three session tags.
pub const TAGS: [(&str, &str); 3] = [
    ("Project", "Blue Unicorn"),
    ("CostCenter", "12345"),
    ("Team", "identity"),
];

/// The size of the canned response body, in bytes.
pub const RESPONSE_LEN: usize = 1168;

/// The session token in the response, the one both clients must read.
/// Sized so that the whole document is [`RESPONSE_LEN`] bytes.
pub fn response_session_token() -> String {
    let without = response_with_token("");
    assert!(without.len() < RESPONSE_LEN, "response skeleton too long");
    token_of_len(RESPONSE_LEN - without.len())
}

/// The canned `AssumeRoleResponse`, [`RESPONSE_LEN`] bytes: realistic ids
/// and ARNs, and a session token padded to reach that size (real ones run
/// from about 400 to over 1,000 characters).
pub fn response_body() -> Vec<u8> {
    let body = response_with_token(&response_session_token()).into_bytes();
    assert_eq!(body.len(), RESPONSE_LEN);
    body
}

fn response_with_token(token: &str) -> String {
    format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n\
         \x20 <AssumeRoleResult>\n\
         \x20   <SourceIdentity>anchor-bench@example.com</SourceIdentity>\n\
         \x20   <AssumedRoleUser>\n\
         \x20     <AssumedRoleId>AROA3XFRBF535PLBIFPI4:{SESSION_NAME}</AssumedRoleId>\n\
         \x20     <Arn>arn:aws:sts::123456789012:assumed-role/anchor-bench/{SESSION_NAME}</Arn>\n\
         \x20   </AssumedRoleUser>\n\
         \x20   <Credentials>\n\
         \x20     <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>\n\
         \x20     <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>\n\
         \x20     <SessionToken>{token}</SessionToken>\n\
         \x20     <Expiration>2030-01-01T01:00:00Z</Expiration>\n\
         \x20   </Credentials>\n\
         \x20   <PackedPolicySize>6</PackedPolicySize>\n\
         \x20 </AssumeRoleResult>\n\
         \x20 <ResponseMetadata>\n\
         \x20   <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n\
         \x20 </ResponseMetadata>\n\
         </AssumeRoleResponse>\n"
    )
}

/// `len` characters of base64, deterministic, starting the way STS
/// session tokens do.
fn token_of_len(len: usize) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut token = String::with_capacity(len);
    token.push_str(&"FwoGZXIvYXdzEBYaD"[..len.min(17)]);
    let mut x: u32 = 0x9e37_79b9;
    while token.len() < len {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        token.push(char::from(B64[(x % 64) as usize]));
    }
    token
}

/// The response headers both clients get, besides the body.
pub const RESPONSE_HEADERS: [(&str, &str); 3] = [
    ("content-type", "text/xml"),
    ("x-amzn-requestid", "c6104cbe-af31-11e0-8154-cbc7ccf896c7"),
    ("date", "Tue, 01 Jan 2030 00:00:00 GMT"),
];

/// The request, as this project's client takes it.
pub fn ours_request() -> sts_proto::ops::AssumeRole {
    TAGS.iter().fold(
        sts_proto::ops::AssumeRole::new(ROLE_ARN, SESSION_NAME).policy(POLICY),
        |request, (key, value)| request.tag(*key, *value),
    )
}

/// This project's client over `transport`, with the fixed credentials and
/// region and otherwise its defaults (retries and validation on).
pub fn ours_client(transport: impl Transport + 'static) -> sts_blocking::Client {
    sts_blocking::Client::builder()
        .region(REGION)
        .credentials(sts_proto::Credentials::new(
            ACCESS_KEY_ID,
            SECRET_ACCESS_KEY,
            None,
        ))
        .transport(transport)
        .build()
        .expect("a valid client configuration")
}

/// A [`Transport`] that answers every request with the canned response: a
/// clone of a body built once, as a transport that reads a body into a
/// fresh buffer would hand it over.
#[derive(Debug)]
pub struct CannedTransport {
    body: Vec<u8>,
    /// The last request body, when recording (only the tests record, so
    /// the benchmark's transport does no more than answer).
    recorded: Option<Mutex<Vec<u8>>>,
}

impl CannedTransport {
    /// Answers with [`response_body`].
    pub fn new() -> Self {
        Self {
            body: response_body(),
            recorded: None,
        }
    }

    /// Answers with [`response_body`] and keeps the last request's body.
    pub fn recording() -> Self {
        Self {
            recorded: Some(Mutex::new(Vec::new())),
            ..Self::new()
        }
    }

    /// The last request's body, if recording.
    pub fn last_body(&self) -> Option<Vec<u8>> {
        self.recorded
            .as_ref()
            .map(|r| r.lock().expect("not poisoned").clone())
    }
}

impl Default for CannedTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl Transport for CannedTransport {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        if let Some(recorded) = &self.recorded {
            *recorded.lock().expect("not poisoned") = request.body().clone();
        }
        // Headers from static names and values, as the SDK's canned client
        // inserts them: neither side pays for copying constants.
        let mut response = http::Response::new(self.body.clone());
        let headers = response.headers_mut();
        for (name, value) in RESPONSE_HEADERS {
            headers.insert(
                http::HeaderName::from_static(name),
                http::HeaderValue::from_static(value),
            );
        }
        headers.insert(http::header::CONTENT_LENGTH, self.body.len().into());
        Ok(response)
    }
}

/// The request, as aws-sdk-sts takes it: the fluent builder, ready to send.
pub fn sdk_request(
    client: &aws_sdk_sts::Client,
) -> aws_sdk_sts::operation::assume_role::builders::AssumeRoleFluentBuilder {
    TAGS.iter().fold(
        client
            .assume_role()
            .role_arn(ROLE_ARN)
            .role_session_name(SESSION_NAME)
            .policy(POLICY),
        |request, (key, value)| {
            request.tags(
                aws_sdk_sts::types::Tag::builder()
                    .key(*key)
                    .value(*value)
                    .build()
                    .expect("key and value are set"),
            )
        },
    )
}

/// aws-sdk-sts over `http_client`, with the fixed credentials and region,
/// the latest behavior version, and otherwise its defaults (standard
/// retries, identity cache).
pub fn sdk_client(http_client: CannedHttpClient) -> aws_sdk_sts::Client {
    use aws_sdk_sts::config::{BehaviorVersion, Credentials, Region};
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::from_static(REGION))
        .credentials_provider(Credentials::new(
            ACCESS_KEY_ID,
            SECRET_ACCESS_KEY,
            None,
            None,
            "anchor-bench",
        ))
        .http_client(http_client)
        .build();
    aws_sdk_sts::Client::from_conf(config)
}

/// An aws-smithy [`HttpClient`] that answers every request with the canned
/// response, ready at once: the body is a `Bytes` built once, so each
/// answer costs a reference count, not a copy.
///
/// Written here rather than taken from `aws-smithy-runtime`'s `test-util`
/// feature, which would bring in hyper and a wire-mock server for nothing.
#[derive(Debug, Clone)]
pub struct CannedHttpClient {
    body: Bytes,
    recorded: Option<std::sync::Arc<Mutex<Vec<u8>>>>,
}

impl CannedHttpClient {
    /// Answers with [`response_body`].
    pub fn new() -> Self {
        Self {
            body: Bytes::from(response_body()),
            recorded: None,
        }
    }

    /// Answers with [`response_body`] and keeps the last request's body.
    pub fn recording() -> Self {
        Self {
            recorded: Some(Default::default()),
            ..Self::new()
        }
    }

    /// The last request's body, if recording.
    pub fn last_body(&self) -> Option<Vec<u8>> {
        self.recorded
            .as_ref()
            .map(|r| r.lock().expect("not poisoned").clone())
    }
}

impl Default for CannedHttpClient {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpConnector for CannedHttpClient {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        if let Some(recorded) = &self.recorded {
            let body = request.body().bytes().unwrap_or_default().to_vec();
            *recorded.lock().expect("not poisoned") = body;
        }
        let mut response = HttpResponse::new(
            200.try_into().expect("a valid status"),
            SdkBody::from(self.body.clone()),
        );
        for (name, value) in RESPONSE_HEADERS {
            response.headers_mut().insert(name, value);
        }
        response
            .headers_mut()
            .insert("content-length", self.body.len().to_string());
        HttpConnectorFuture::ready(Ok(response))
    }
}

impl HttpClient for CannedHttpClient {
    fn http_connector(
        &self,
        _settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

/// The runtime the SDK runs on: tokio's current-thread scheduler with its
/// timer, the cheapest way to drive one future to completion.
pub fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The form parameters of `body`, sorted, with `+` spelled `%20`: the
    /// two clients may order them differently and encode a space either
    /// way (this project writes `+`, the SDK `%20`), and the server reads
    /// both alike.
    fn params(body: &[u8]) -> Vec<String> {
        let mut params: Vec<String> = std::str::from_utf8(body)
            .expect("a form body is ASCII")
            .split('&')
            .map(|param| param.replace('+', "%20"))
            .collect();
        params.sort();
        params
    }

    #[test]
    fn fixture_sizes() {
        assert_eq!(POLICY.len(), 190);
        assert_eq!(response_body().len(), RESPONSE_LEN);
    }

    #[test]
    fn both_clients_send_the_same_request_and_read_the_same_answer() {
        let transport = std::sync::Arc::new(CannedTransport::recording());
        let ours = ours_client(transport.clone())
            .assume_role(&ours_request())
            .expect("the canned response parses");

        let http_client = CannedHttpClient::recording();
        let sdk = sdk_client(http_client.clone());
        let theirs = current_thread_runtime()
            .block_on(sdk_request(&sdk).send())
            .expect("the canned response parses");

        let ours_body = transport.last_body().expect("recorded");
        let sdk_body = http_client.last_body().expect("recorded");
        assert_eq!(params(&ours_body), params(&sdk_body));
        assert!(
            (590..=620).contains(&ours_body.len()),
            "body of {} bytes",
            ours_body.len()
        );

        let token = response_session_token();
        assert_eq!(
            ours.credentials.session_token().map(|t| t.expose()),
            Some(token.as_str())
        );
        assert_eq!(
            theirs.credentials().map(|c| c.session_token()),
            Some(token.as_str())
        );
        assert_eq!(ours.packed_policy_size, Some(6));
        let arn = format!("arn:aws:sts::123456789012:assumed-role/anchor-bench/{SESSION_NAME}");
        assert_eq!(
            ours.assumed_role_user.as_ref().map(|u| u.arn.as_str()),
            Some(arn.as_str())
        );
        assert_eq!(
            theirs.assumed_role_user().map(|u| u.arn()),
            Some(arn.as_str())
        );
    }
}
