//! The world the credential sources read, in memory: a fixed clock, no
//! waits, an environment and a file system of maps, and an HTTP transport
//! that answers from a table and records what it was sent. No socket is
//! ever opened; the endpoints named are loopback ones all the same.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sts_blocking::credentials::{MapFs, ProviderConfig};
use sts_blocking::env::MapEnv;
use sts_blocking::timing::{Clock, Random, Sleep};
use sts_blocking::transport::{Transport, TransportError};

/// 2021-09-20T12:00:00Z: the fixtures' instance metadata credentials
/// expire the next day, their SSO tokens decades later.
pub(super) const NOW_SECS: u64 = 1_632_139_200;

/// Where the providers are sent: loopback, though nothing is ever sent.
pub(super) const ENDPOINT: &str = "http://127.0.0.1:9";
/// The home directory; the SSO token cache is under it.
pub(super) const HOME: &str = "/home/fuzz";
/// The container credentials path under [`ENDPOINT`].
pub(super) const CONTAINER_PATH: &str = "/v2/credentials";
/// The role instance metadata lists.
pub(super) const ROLE: &str = "fuzz-role";
/// Where instance metadata lists the role, and (with it) keeps its credentials.
pub(super) const ROLE_PATH: &str = "/latest/meta-data/iam/security-credentials/";
/// Where instance metadata hands out session tokens.
pub(super) const TOKEN_PATH: &str = "/latest/api/token";
/// The portal's `GetRoleCredentials` path.
pub(super) const PORTAL_PATH: &str = "/federation/credentials";
/// The OIDC service's `CreateToken` path.
pub(super) const OIDC_PATH: &str = "/token";

/// Secrets of the world itself, planted so that every input has some a
/// leak would show: long, and unlike anything an error says.
pub(super) const IMDS_TOKEN: &str = "PlantedImdsSessionToken-7f3a9c";
pub(super) const CONTAINER_TOKEN: &str = "PlantedContainerAuthToken-52e1b8";

/// The moment every input is judged at.
pub(super) fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW_SECS)
}

#[derive(Debug)]
struct FixedClock;

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        now()
    }
}

/// The middle of every random range: instance metadata's extension of
/// expired credentials is then 15 + 2.5 minutes, which the reference
/// can say exactly.
#[derive(Debug)]
struct Middle;

impl Random for Middle {
    fn next_f64(&self) -> f64 {
        0.5
    }
}

/// How long instance metadata takes expired credentials to be valid,
/// with [`Middle`]'s jitter: 15 minutes and half of 5.
pub(super) const IMDS_EXTENSION: Duration = Duration::from_secs(15 * 60 + 150);

#[derive(Debug)]
struct NoSleep;

impl Sleep for NoSleep {
    fn sleep(&self, _: Duration) {}
}

/// A request as the transport received it.
#[derive(Debug, Clone)]
pub(super) struct Sent {
    pub(super) method: http::Method,
    pub(super) path: String,
    pub(super) query: Option<String>,
    pub(super) headers: http::HeaderMap,
    pub(super) body: Vec<u8>,
}

/// A status and a body.
pub(super) type Answer = (u16, Vec<u8>);

/// Answers instance metadata's token and role listing requests as the
/// service does, the credentials requests of every source with `answer`
/// and `CreateToken` with `oidc`; anything else with 404.
#[derive(Debug, Clone)]
pub(super) struct Canned {
    answer: Answer,
    oidc: Answer,
    sent: Arc<Mutex<Vec<Sent>>>,
}

impl Canned {
    pub(super) fn new(answer: Answer, oidc: Answer) -> Self {
        Self {
            answer,
            oidc,
            sent: Arc::default(),
        }
    }

    /// What was sent so far, in order.
    pub(super) fn sent(&self) -> Vec<Sent> {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Transport for Canned {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let (parts, body) = request.into_parts();
        let path = parts.uri.path().to_owned();
        let role_path = format!("{ROLE_PATH}{ROLE}");
        let (status, body_out, ttl) = match (&parts.method, path.as_str()) {
            (&http::Method::PUT, TOKEN_PATH) => (200, IMDS_TOKEN.as_bytes().to_vec(), true),
            (&http::Method::GET, ROLE_PATH) => (200, format!("{ROLE}\n").into_bytes(), false),
            (&http::Method::GET, p) if p == role_path => {
                (self.answer.0, self.answer.1.clone(), false)
            }
            (&http::Method::GET, CONTAINER_PATH | PORTAL_PATH) => {
                (self.answer.0, self.answer.1.clone(), false)
            }
            (&http::Method::POST, OIDC_PATH) => (self.oidc.0, self.oidc.1.clone(), false),
            _ => (404, Vec::new(), false),
        };
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Sent {
                method: parts.method,
                path,
                query: parts.uri.query().map(str::to_owned),
                headers: parts.headers,
                body,
            });
        let mut response = http::Response::new(body_out);
        *response.status_mut() =
            http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::NOT_FOUND);
        if ttl {
            response.headers_mut().insert(
                "x-aws-ec2-metadata-token-ttl-seconds",
                http::HeaderValue::from_static("21600"),
            );
        }
        Ok(response)
    }
}

/// A configuration reading `env` (with `HOME` and the SSO endpoints
/// added), `fs` and `transport`, at [`now`], without waits.
pub(super) fn config(env: &[(&str, &str)], fs: MapFs, transport: Canned) -> ProviderConfig {
    let mut vars = vec![
        ("HOME", HOME),
        ("AWS_ENDPOINT_URL_SSO", ENDPOINT),
        ("AWS_ENDPOINT_URL_SSO_OIDC", ENDPOINT),
    ];
    vars.extend_from_slice(env);
    ProviderConfig::new()
        .with_env(MapEnv::new(vars))
        .with_fs(fs)
        .with_clock(FixedClock)
        .with_random(Middle)
        .with_sleep(NoSleep)
        .with_transport(transport)
}
