//! Credentials from the container credentials endpoint: the ECS agent's
//! task role, and the EKS Pod Identity agent.

mod uri;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;
use sts_proto::SecretString;

use self::uri::{FULL_URI, RELATIVE_URI, UriError, credentials_uri};
use super::metadata_document::{DocumentError, WhenExpired, parse_response};
use super::metadata_http::{
    Attempts, Sender, is_transient_failure, is_transient_status, origin_of,
};
use super::provider_config::wipe;
use super::{
    CredentialsError, CredentialsErrorKind, ProvideCredentials, ProviderConfig, SharedCredentials,
};

/// What errors name as the source.
const SOURCE: &str = "container";

const TOKEN_FILE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
const TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

/// The largest authorization token file read.
const MAX_TOKEN_BYTES: u64 = 16 * 1024;

/// The default time limit of one attempt (as botocore).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// The default number of attempts (as botocore).
const DEFAULT_ATTEMPTS: u32 = 3;

/// Credentials from the endpoint the container's environment names, as
/// the AWS SDKs fetch them in ECS tasks and EKS pods with Pod Identity.
///
/// Read on every fetch:
///
/// | variable | meaning |
/// |---|---|
/// | `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` | a path on the ECS agent, `http://169.254.170.2` (wins over the full URI) |
/// | `AWS_CONTAINER_CREDENTIALS_FULL_URI` | a whole URL: `https` to any host; plain `http` only to loopback, `localhost`, `169.254.170.2` (ECS), `169.254.170.23` and `[fd00:ec2::23]` (EKS Pod Identity) |
/// | `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` | a file holding the `Authorization` header's value, read again on every fetch (the platform rotates it) |
/// | `AWS_CONTAINER_AUTHORIZATION_TOKEN` | the header's value, when no file is named |
///
/// A token with a line break is refused (it would add headers to the
/// request). A URL refused by the host rules is refused before any
/// connection is made. The endpoint is asked directly, never through a
/// proxy (`HTTP_PROXY` or the builder's), as botocore does: the token
/// must not go to the proxy's host. The answer must be the JSON credentials document
/// (`AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration`, optional
/// `AccountId`); expired credentials are refused
/// ([`Expired`](CredentialsErrorKind::Expired)).
///
/// **Not configured** when neither URI variable is set; any other failure
/// stops the chain, as in the SDKs. Each attempt may take 2 s and a
/// request that gets no answer is tried 3 times by default
/// ([`ContainerProvider::builder`]); one answered with a server error
/// (5xx), at least 4 times.
#[derive(Debug, Clone)]
pub struct ContainerProvider {
    config: ProviderConfig,
    attempts: Attempts,
}

/// Settings of a [`ContainerProvider`].
#[derive(Debug, Clone)]
pub struct ContainerProviderBuilder {
    config: ProviderConfig,
    attempts: Attempts,
}

impl ContainerProviderBuilder {
    /// Gives each attempt `timeout` (2 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.attempts.timeout = timeout;
        self
    }

    /// Tries a request that gets no answer `attempts` times in all (3 by
    /// default, at least 1); one answered with a server error (5xx), that
    /// many times but at least 4.
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.attempts.attempts = attempts.max(1);
        self
    }

    /// The provider.
    pub fn build(self) -> ContainerProvider {
        ContainerProvider {
            config: self.config,
            attempts: self.attempts,
        }
    }
}

impl ContainerProvider {
    /// The endpoint `config`'s environment names.
    pub fn new(config: &ProviderConfig) -> Self {
        Self::builder(config).build()
    }

    /// A provider with settings of the program's own.
    pub fn builder(config: &ProviderConfig) -> ContainerProviderBuilder {
        ContainerProviderBuilder {
            config: config.clone(),
            attempts: Attempts {
                timeout: DEFAULT_TIMEOUT,
                attempts: DEFAULT_ATTEMPTS,
            },
        }
    }

    /// The `Authorization` header's value, if the environment gives one.
    fn authorization(&self) -> Result<Option<HeaderValue>, CredentialsError> {
        let env = self.config.env();
        let (token, origin) = if let Some(path) = env.get_nonempty(TOKEN_FILE) {
            let path = path.trim().to_owned();
            (
                self.read_token_file(Path::new(&path))?,
                format!("the token file {path}"),
            )
        } else if let Some(token) = env.get(TOKEN).filter(|t| !t.trim().is_empty()) {
            (SecretString::new(token), TOKEN.to_owned())
        } else {
            return Ok(None);
        };
        let token = token.expose().trim();
        if token.contains(['\r', '\n']) {
            return Err(CredentialsError::invalid_configuration(
                SOURCE,
                format!(
                    "the authorization token in {origin} holds a line break; refusing to send it"
                ),
            ));
        }
        let value = sts_proto::secret::secret_header_value(token).map_err(|_| {
            CredentialsError::invalid_configuration(
                SOURCE,
                format!(
                    "the authorization token in {origin} holds characters a header cannot carry"
                ),
            )
        })?;
        Ok(Some(value))
    }

    fn read_token_file(&self, path: &Path) -> Result<SecretString, CredentialsError> {
        let shown = path.display();
        let bytes = self.config.read_file(path, MAX_TOKEN_BYTES).map_err(|e| {
            CredentialsError::failed(
                SOURCE,
                format!("cannot read the authorization token file {shown} ({TOKEN_FILE}): {e}"),
            )
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            wipe(e.into_bytes());
            CredentialsError::failed(
                SOURCE,
                format!("the authorization token file {shown} is not valid UTF-8"),
            )
        })?;
        let token = SecretString::new(text);
        if token.expose().trim().is_empty() {
            return Err(CredentialsError::failed(
                SOURCE,
                format!("the authorization token file {shown} is empty"),
            ));
        }
        Ok(token)
    }
}

impl ProvideCredentials for ContainerProvider {
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
        let uri = match credentials_uri(self.config.env()) {
            Ok(uri) => uri,
            Err(UriError::NotSet) => {
                return Err(CredentialsError::not_configured(
                    SOURCE,
                    format!("neither {RELATIVE_URI} nor {FULL_URI} is set"),
                ));
            }
            Err(UriError::Invalid(reason)) => {
                return Err(CredentialsError::invalid_configuration(SOURCE, reason));
            }
        };
        let authorization = self.authorization()?;
        let origin = origin_of(&uri);
        let make = || {
            let mut request = http::Request::new(Vec::new());
            *request.uri_mut() = uri.clone();
            let headers = request.headers_mut();
            headers.insert(
                http::header::ACCEPT,
                HeaderValue::from_static("application/json"),
            );
            if let Some(value) = &authorization {
                headers.insert(http::header::AUTHORIZATION, value.clone());
            }
            request
        };
        let transport = self.config.direct_transport();
        let sleep = self.config.sleep();
        let sender = Sender {
            transport: &*transport,
            sleep: &*sleep,
            random: &*self.config.random,
        };
        let response = sender.send(self.attempts, &make).map_err(|e| {
            CredentialsError::failed(
                SOURCE,
                format!("no credentials from the container endpoint {origin}: {e}"),
            )
            .with_transient(is_transient_failure(&e))
        })?;
        let status = response.status().as_u16();
        let body = response.into_body();
        let parsed = parse_response(
            status,
            &body,
            self.config.clock().now(),
            WhenExpired::Refuse,
        );
        wipe(body);
        parsed.map(Arc::new).map_err(|e| {
            let kind = match e {
                DocumentError::Expired { .. } => CredentialsErrorKind::Expired,
                _ => CredentialsErrorKind::Failed,
            };
            CredentialsError::with_kind(
                kind,
                SOURCE,
                // Not the path: an ECS relative URI's id is what lets a
                // caller fetch the task's credentials.
                format!("the container endpoint {origin}: {e}"),
            )
            .with_transient(is_transient_status(status))
        })
    }
}
