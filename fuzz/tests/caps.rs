//! The parsers' caps hold against inputs far past them: a 100 MB body, and
//! 100 000 nested or sibling elements, are refused quickly and with a
//! bounded amount of memory, through the XML reader and through every
//! operation's response parser, success and error statuses alike; so are
//! 100 MB answers of the instance metadata, container, SSO portal and OIDC
//! endpoints, and a 100 MB SSO token cache file.
//!
//! Memory is counted by a global allocator that records the peak of live
//! heap bytes; it is process-wide, so this file is a test binary of its
//! own and its tests take turns (a lock). The input is built before the
//! peak is reset: what is measured is what parsing adds on top of it. Times
//! are checked loosely (seconds, in a debug build), only to catch a parser
//! that walks the whole input before refusing it.

#![forbid(unsafe_code)]

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use peak_alloc::PeakAlloc;
use sts_blocking::credentials::{
    ContainerProvider, CredentialsError, ImdsProvider, MapFs, ProvideCredentials, ProviderConfig,
    SsoProvider, SsoSession, SsoTokenProvider, parse_process_output,
};
use sts_blocking::env::MapEnv;
use sts_blocking::timing::Clock;
use sts_blocking::transport::{Transport, TransportError};
use sts_proto::ResponseError;
use sts_proto::operation::{self, Operation};
use sts_proto::ops::*;
use sts_proto::xml::{self, XmlError, XmlLimits};

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

/// One test at a time: the counter is global, and another test building
/// its 100 MB input would count in this one's peak.
static TURN: Mutex<()> = Mutex::new(());

fn my_turn() -> MutexGuard<'static, ()> {
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

const HUNDRED_MB: usize = 100 * 1000 * 1000;
const ELEMENTS: usize = 100_000;

/// Far above what refusing needs (a few KiB), far below the inputs.
const MAX_EXTRA_BYTES: usize = 1024 * 1024;
/// Loose: refusing takes microseconds to milliseconds.
const MAX_TIME: Duration = Duration::from_secs(5);

/// Runs `f` and returns its result, after checking the heap bytes it added
/// at its peak and the time it took against the bounds.
fn measured<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let before = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let started = Instant::now();
    let out = f();
    let took = started.elapsed();
    let extra = HEAP.peak_usage().saturating_sub(before);
    // Shown with `--nocapture`.
    eprintln!("{what}: {extra} bytes at the peak, {took:?}");
    assert!(
        extra <= MAX_EXTRA_BYTES,
        "{what}: {extra} bytes allocated at the peak"
    );
    assert!(took <= MAX_TIME, "{what}: took {took:?}");
    out
}

/// Every operation's parser, as a plain function.
type Parse = fn(u16, &HeaderMap, &[u8]) -> Result<(), ResponseError>;

fn parse_as<Op: Operation>(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), ResponseError> {
    operation::parse::<Op>(status, headers, body).map(drop)
}

macro_rules! parsers {
    ($(($op:ident, $snake:ident, $action:literal, $($rest:tt)*)),* $(,)?) => {
        [$(($action, parse_as::<$op> as Parse)),*]
    };
}

/// `(action, parser)` of every operation of the registry.
const PARSERS: &[(&str, Parse)] = &sts_proto::for_each_operation!(parsers);

/// A response document of `GetCallerIdentity` whose result holds `inner`.
fn response_around(inner: &[u8]) -> Vec<u8> {
    let mut body = b"<GetCallerIdentityResponse><GetCallerIdentityResult>".to_vec();
    body.extend_from_slice(inner);
    body.extend_from_slice(b"</GetCallerIdentityResult></GetCallerIdentityResponse>");
    body
}

/// Parses `body` as a response to every operation, with a success and two
/// failure statuses, and returns the errors in that order.
fn every_parser(what: &str, body: &[u8]) -> Vec<ResponseError> {
    let headers = HeaderMap::new();
    let mut errors = Vec::new();
    for &(name, parse) in PARSERS {
        for status in [200, 400, 503] {
            let result = measured(&format!("{what}, {name}, HTTP {status}"), || {
                parse(status, &headers, body)
            });
            match result {
                Ok(()) => panic!("{what} accepted as {name} under HTTP {status}"),
                Err(e) => errors.push(e),
            }
        }
    }
    errors
}

#[test]
fn a_100_mb_body_is_refused_before_it_is_read() {
    let _turn = my_turn();
    let mut inner = vec![b'x'; HUNDRED_MB];
    inner.extend_from_slice(b"<Arn>a</Arn>");
    let body = response_around(&inner);
    drop(inner);
    let limits = XmlLimits::default();
    let refused = measured("100 MB, XML reader", || xml::parse(&body, &limits));
    assert_eq!(
        refused,
        Err(XmlError::TooLarge {
            size: body.len(),
            limit: limits.max_body_bytes
        })
    );
    for error in every_parser("100 MB", &body) {
        match &error {
            ResponseError::Malformed { .. } => {
                assert!(error.to_string().contains("limit"), "{error}");
            }
            ResponseError::Http { body_start, .. } => {
                // What an error keeps of the body is its start, cut short.
                assert!(body_start.len() <= 1024, "{} bytes kept", body_start.len());
            }
            other => panic!("100 MB body gave {other:?}"),
        }
    }
}

/// Every operation's parser, at every status tried, refuses `body` as
/// malformed (or, for error statuses, as an unreadable HTTP error).
fn every_parser_refuses(label: &str, body: &[u8]) {
    for error in every_parser(label, body) {
        assert!(
            matches!(
                error,
                ResponseError::Malformed { .. } | ResponseError::Http { .. }
            ),
            "{error:?}"
        );
    }
}

#[test]
fn nesting_100_000_deep_is_refused_at_the_depth_cap() {
    let _turn = my_turn();
    let inner = [b"<a>".repeat(ELEMENTS), b"</a>".repeat(ELEMENTS)].concat();
    let body = response_around(&inner);
    assert!(body.len() < XmlLimits::default().max_body_bytes);
    let limits = XmlLimits::default();
    let refused = measured("100 000 deep, XML reader", || xml::parse(&body, &limits));
    assert_eq!(
        refused,
        Err(XmlError::TooDeep {
            limit: limits.max_depth
        })
    );
    every_parser_refuses("100 000 deep", &body);
}

#[test]
fn sibling_elements_100_000_are_refused_at_the_element_cap() {
    let _turn = my_turn();
    let body = response_around(&b"<a/>".repeat(ELEMENTS));
    let limits = XmlLimits::default();
    let refused = measured("100 000 siblings, XML reader", || {
        xml::parse(&body, &limits)
    });
    assert_eq!(
        refused,
        Err(XmlError::TooManyElements {
            limit: limits.max_elements
        })
    );
    every_parser_refuses("100 000 siblings", &body);
}

#[test]
fn error_documents_are_capped_too() {
    let _turn = my_turn();
    // The error parser reads the same way: 10 000 `<Error>` elements of
    // two elements each, 30 000 in all, in a body under the size cap.
    let mut body = b"<ErrorResponse>".to_vec();
    body.extend(b"<Error><Code>Throttling</Code></Error>".repeat(ELEMENTS / 10));
    body.extend_from_slice(b"</ErrorResponse>");
    assert!(body.len() < XmlLimits::default().max_body_bytes);
    let headers = HeaderMap::new();
    let error = measured("100 000 error elements", || {
        operation::parse::<GetCallerIdentity>(400, &headers, &body)
    });
    assert!(
        matches!(error, Err(ResponseError::Http { status: 400, .. })),
        "{error:?}"
    );
}

#[test]
fn credential_process_output_nested_100_000_deep_is_refused() {
    let _turn = my_turn();
    let doc = [b"[".repeat(ELEMENTS), b"]".repeat(ELEMENTS)].concat();
    let refused = measured("100 000 nested arrays", || parse_process_output(&doc));
    // Refused on the count of brackets, before serde_json reads any.
    let reason = refused.err().unwrap_or_default();
    assert!(reason.starts_with("too many JSON values"), "{reason}");
    let doc = [
        b"{\"a\":".repeat(ELEMENTS),
        b"1".to_vec(),
        b"}".repeat(ELEMENTS),
    ]
    .concat();
    let refused = measured("100 000 nested objects", || parse_process_output(&doc));
    assert!(refused.is_err());
}

/// Answers instance metadata's token and role listing requests, then
/// hands out its one body, moved and never copied, to the first other
/// request; anything after that gets a 404.
#[derive(Debug)]
struct OneBody(Mutex<Option<Vec<u8>>>);

impl Transport for OneBody {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let body = match request.uri().path() {
            "/latest/api/token" => b"token".to_vec(),
            "/latest/meta-data/iam/security-credentials/" => b"role".to_vec(),
            _ => match self.0.lock().unwrap_or_else(|e| e.into_inner()).take() {
                Some(body) => body,
                None => {
                    return Ok(http::Response::builder()
                        .status(404)
                        .body(Vec::new())
                        .unwrap());
                }
            },
        };
        Ok(http::Response::new(body))
    }
}

/// 2021-09-20T12:00:00Z.
#[derive(Debug)]
struct Fixed;

impl Clock for Fixed {
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_632_139_200)
    }
}

const SSO_CACHE: &str = "/h/.aws/sso/cache/34c6fceca75e456f25e7e99531e2425c6c1de443.json";

/// A world of `files` whose endpoints (all loopback, never reached) answer
/// with `body`.
fn world(body: Vec<u8>, files: MapFs) -> ProviderConfig {
    let endpoint = "http://127.0.0.1:9";
    ProviderConfig::new()
        .with_env(MapEnv::new([
            ("HOME", "/h"),
            ("AWS_ENDPOINT_URL_SSO", endpoint),
            ("AWS_ENDPOINT_URL_SSO_OIDC", endpoint),
            (
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "http://127.0.0.1:9/v2/credentials",
            ),
        ]))
        .with_fs(files)
        .with_clock(Fixed)
        .with_transport(OneBody(Mutex::new(Some(body))))
}

/// An SSO token cache expiring at `expires_at`, with a refresh grant.
fn sso_cache(expires_at: &str) -> MapFs {
    let text = format!(
        r#"{{"accessToken":"a","expiresAt":"{expires_at}","refreshToken":"r","clientId":"c",
            "clientSecret":"s","registrationExpiresAt":"2030-01-01T00:00:00Z",
            "startUrl":"https://d-abc123.awsapps.com/start"}}"#
    );
    MapFs::new().with_file(SSO_CACHE, text)
}

fn sso_session() -> SsoSession {
    SsoSession::named("dev", "https://d-abc123.awsapps.com/start", "us-east-1")
}

/// `result` is a refusal whose reason has `phrase`.
fn refused<T>(result: Result<T, CredentialsError>, phrase: &str) {
    match result {
        Ok(_) => panic!("accepted, expected {phrase:?}"),
        Err(e) => assert!(e.reason.contains(phrase), "{e}"),
    }
}

#[test]
fn credential_sources_refuse_100_mb_answers() {
    let _turn = my_turn();
    let big = || vec![b' '; HUNDRED_MB];
    let config = world(big(), MapFs::new());
    let imds = ImdsProvider::builder(&config)
        .endpoint("http://127.0.0.1:9")
        .build();
    let got = measured("100 MB, instance metadata", || imds.provide_credentials());
    refused(got, "more than the 65536 bytes allowed");

    let config = world(big(), MapFs::new());
    let container = ContainerProvider::new(&config);
    let got = measured("100 MB, container", || container.provide_credentials());
    refused(got, "more than the 65536 bytes allowed");

    let config = world(big(), sso_cache("2030-01-01T00:00:00Z"));
    let portal = SsoProvider::new(&config, sso_session(), "123456789012", "Role");
    let got = measured("100 MB, SSO portal", || portal.provide_credentials());
    refused(got, "larger than 65536 bytes");

    // A token past its expiry, whose refresh gets the body.
    let config = world(big(), sso_cache("2021-09-20T11:00:00Z"));
    let token = SsoTokenProvider::for_session(&config, sso_session());
    let got = measured("100 MB, OIDC CreateToken", || token.token());
    refused(got, "larger than 65536 bytes");
}

#[test]
fn a_100_mb_sso_token_cache_is_refused_unread() {
    let _turn = my_turn();
    let config = world(
        Vec::new(),
        MapFs::new().with_file(SSO_CACHE, vec![b' '; HUNDRED_MB]),
    );
    let token = SsoTokenProvider::for_session(&config, sso_session());
    let got = measured("100 MB, SSO token cache", || token.token());
    refused(got, "larger than 65536 bytes");
}

#[test]
fn sso_answers_of_many_small_values_stay_in_bound() {
    let _turn = my_turn();
    // As many JSON values as the 64 KiB cap lets through.
    let many = || {
        let mut doc = b"[".to_vec();
        doc.extend(b"0,".repeat(32 * 1024 - 2));
        doc.extend_from_slice(b"0]");
        doc
    };
    let config = world(many(), sso_cache("2030-01-01T00:00:00Z"));
    let portal = SsoProvider::new(&config, sso_session(), "123456789012", "Role");
    let got = measured("32 768 values, SSO portal", || portal.provide_credentials());
    refused(got, "more than 4096 JSON values");
    let config = world(Vec::new(), MapFs::new().with_file(SSO_CACHE, many()));
    let token = SsoTokenProvider::for_session(&config, sso_session());
    let got = measured("32 768 values, SSO token cache", || token.token());
    refused(got, "more than 4096 JSON values");
}

#[test]
fn the_counter_sees_allocations() {
    let _turn = my_turn();
    // A check of the check: a 2 MiB allocation is over the bound.
    let caught =
        std::panic::catch_unwind(|| measured("2 MiB", || vec![1u8; 2 * 1024 * 1024].len()));
    assert!(caught.is_err());
}
