//! Credentials for a role, proven by a web identity (OIDC) token file: the
//! EKS service-account (IRSA) setup, and `web_identity_token_file` profiles.

use std::path::PathBuf;
use std::sync::Arc;

use sts_proto::SecretString;
use sts_proto::ops::AssumeRoleWithWebIdentity;

use super::assume_role::WebIdentityRoleAssumer;
use super::provider_config::{StsSettings, wipe};
use super::{CredentialsError, ProvideCredentials, ProviderConfig, SharedCredentials};

/// Largest token file read.
const MAX_TOKEN_BYTES: u64 = 64 * 1024;

/// Credentials from `AssumeRoleWithWebIdentity` with the token in a file.
///
/// [`WebIdentityProvider::from_env`] reads `AWS_WEB_IDENTITY_TOKEN_FILE`,
/// `AWS_ROLE_ARN` and `AWS_ROLE_SESSION_NAME` (what EKS sets for a pod
/// whose service account has a role) on every call; it is not configured
/// when `AWS_WEB_IDENTITY_TOKEN_FILE` is unset. The token file is read
/// again on every call, since the platform rotates it.
///
/// STS is called in the region (and at the endpoint) the environment or the
/// selected profile name, else `us-east-1`.
#[derive(Debug, Clone)]
pub struct WebIdentityProvider {
    config: ProviderConfig,
    mode: Mode,
}

#[derive(Debug, Clone)]
enum Mode {
    /// From the environment, with the setters' values over its own.
    Env {
        role_session_name: Option<String>,
        duration_seconds: Option<i32>,
    },
    Fixed(Fixed),
}

#[derive(Debug, Clone)]
struct Fixed {
    source: String,
    role_arn: String,
    token_file: PathBuf,
    role_session_name: Option<String>,
    duration_seconds: Option<i32>,
    settings: Option<StsSettings>,
}

impl WebIdentityProvider {
    /// The EKS/IRSA variables of `config`'s environment.
    pub fn from_env(config: &ProviderConfig) -> Self {
        Self {
            config: config.clone(),
            mode: Mode::Env {
                role_session_name: None,
                duration_seconds: None,
            },
        }
    }

    /// Assumes `role_arn` with the token in `token_file`.
    pub fn new(
        config: &ProviderConfig,
        role_arn: impl Into<String>,
        token_file: impl Into<PathBuf>,
    ) -> Self {
        Self {
            config: config.clone(),
            mode: Mode::Fixed(Fixed {
                source: "web identity".to_owned(),
                role_arn: role_arn.into(),
                token_file: token_file.into(),
                role_session_name: None,
                duration_seconds: None,
                settings: None,
            }),
        }
    }

    /// Names the session (default: `AWS_ROLE_SESSION_NAME` from the
    /// environment with [`from_env`](Self::from_env), else
    /// `sts-rs-<unix milliseconds>`).
    pub fn with_role_session_name(mut self, name: impl Into<String>) -> Self {
        let name = Some(name.into());
        match &mut self.mode {
            Mode::Fixed(f) => f.role_session_name = name,
            Mode::Env {
                role_session_name, ..
            } => *role_session_name = name,
        }
        self
    }

    /// Asks for a session of `seconds`.
    pub fn with_duration_seconds(mut self, seconds: i32) -> Self {
        match &mut self.mode {
            Mode::Fixed(f) => f.duration_seconds = Some(seconds),
            Mode::Env {
                duration_seconds, ..
            } => *duration_seconds = Some(seconds),
        }
        self
    }

    pub(crate) fn from_profile(
        config: &ProviderConfig,
        source: String,
        role_arn: String,
        token_file: String,
        role_session_name: Option<String>,
        duration_seconds: Option<i32>,
        settings: StsSettings,
    ) -> Self {
        Self {
            config: config.clone(),
            mode: Mode::Fixed(Fixed {
                source,
                role_arn,
                token_file: PathBuf::from(token_file),
                role_session_name,
                duration_seconds,
                settings: Some(settings),
            }),
        }
    }

    fn fixed_from_environment(
        &self,
        role_session_name: Option<&String>,
        duration_seconds: Option<i32>,
    ) -> Result<Fixed, CredentialsError> {
        let env = self.config.env();
        let source = "web identity (environment)";
        let Some(token_file) = env.get_nonempty("AWS_WEB_IDENTITY_TOKEN_FILE") else {
            return Err(CredentialsError::not_configured(
                source,
                "AWS_WEB_IDENTITY_TOKEN_FILE is not set",
            ));
        };
        let Some(role_arn) = env.get_nonempty("AWS_ROLE_ARN") else {
            return Err(CredentialsError::invalid_configuration(
                source,
                "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not",
            ));
        };
        Ok(Fixed {
            source: source.to_owned(),
            role_arn: role_arn.trim().to_owned(),
            token_file: PathBuf::from(token_file.trim()),
            role_session_name: role_session_name.cloned().or_else(|| {
                env.get_nonempty("AWS_ROLE_SESSION_NAME")
                    .map(|s| s.trim().to_owned())
            }),
            duration_seconds,
            settings: None,
        })
    }

    fn read_token(&self, f: &Fixed) -> Result<SecretString, CredentialsError> {
        let path = f.token_file.display();
        let bytes = self
            .config
            .read_file(&f.token_file, MAX_TOKEN_BYTES)
            .map_err(|e| {
                CredentialsError::failed(
                    f.source.clone(),
                    format!("cannot read the web identity token file {path}: {e}"),
                )
            })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            wipe(e.into_bytes());
            CredentialsError::failed(
                f.source.clone(),
                format!("the web identity token file {path} is not valid UTF-8"),
            )
        })?;
        let text = SecretString::new(text);
        let token = text.expose().trim();
        if token.is_empty() {
            return Err(CredentialsError::failed(
                f.source.clone(),
                format!("the web identity token file {path} is empty"),
            ));
        }
        Ok(SecretString::new(token))
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
        let env_fixed;
        let f = match &self.mode {
            Mode::Fixed(f) => f,
            Mode::Env {
                role_session_name,
                duration_seconds,
            } => {
                env_fixed =
                    self.fixed_from_environment(role_session_name.as_ref(), *duration_seconds)?;
                &env_fixed
            }
        };
        let token = self.read_token(f)?;
        let session = f
            .role_session_name
            .clone()
            .unwrap_or_else(|| self.config.default_session_name());
        let mut request = AssumeRoleWithWebIdentity::new(f.role_arn.clone(), session, token);
        if let Some(d) = f.duration_seconds {
            request = request.duration_seconds(d);
        }
        let settings = match &f.settings {
            Some(s) => s.clone(),
            None => self.config.ambient_sts_settings(),
        };
        let builder = self.config.sts_builder(&settings)?;
        WebIdentityRoleAssumer::new(builder)
            .assume_role_with_web_identity(&request)
            .map(Arc::new)
            .map_err(|e| {
                let kind = e.kind;
                e.within(f.source.clone(), kind)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::{CredentialsErrorKind, MapFs};
    use crate::env::MapEnv;

    #[test]
    fn environment_kinds() {
        let config = ProviderConfig::new().with_env(MapEnv::default());
        let e = WebIdentityProvider::from_env(&config)
            .provide_credentials()
            .unwrap_err();
        assert!(e.is_not_configured(), "{e}");

        let config = ProviderConfig::new()
            .with_env(MapEnv::new([("AWS_WEB_IDENTITY_TOKEN_FILE", "/t")]))
            .with_fs(MapFs::new());
        let e = WebIdentityProvider::from_env(&config)
            .provide_credentials()
            .unwrap_err();
        assert_eq!(e.kind(), CredentialsErrorKind::InvalidConfiguration, "{e}");

        let config = ProviderConfig::new()
            .with_env(MapEnv::new([
                ("AWS_WEB_IDENTITY_TOKEN_FILE", "/t"),
                ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/r"),
            ]))
            .with_fs(MapFs::new());
        let e = WebIdentityProvider::from_env(&config)
            .provide_credentials()
            .unwrap_err();
        assert_eq!(e.kind(), CredentialsErrorKind::Failed, "{e}");
        assert!(e.reason.contains("/t"), "{e}");
    }

    #[test]
    fn the_setters_apply_to_the_environments_role_too() {
        let sent = Arc::new(crate::transport::script::Script::new(&[(
            403,
            "AccessDenied",
        )]));
        let builder = crate::Client::builder()
            .region("us-east-1")
            .max_attempts(1)
            .transport(Arc::clone(&sent));
        let config = ProviderConfig::new()
            .with_env(MapEnv::new([
                ("AWS_WEB_IDENTITY_TOKEN_FILE", "/t"),
                ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/r"),
                ("AWS_ROLE_SESSION_NAME", "from-env"),
            ]))
            .with_fs(MapFs::new().with_file("/t", "token-text"))
            .with_sts_client_builder(builder);
        let provider = WebIdentityProvider::from_env(&config);
        provider.provide_credentials().unwrap_err();
        provider
            .with_role_session_name("mine")
            .with_duration_seconds(900)
            .provide_credentials()
            .unwrap_err();
        let sent = sent.sent.lock().unwrap();
        assert_eq!(sent.len(), 2, "{sent:?}");
        assert!(sent[0].contains("RoleSessionName=from-env"), "{}", sent[0]);
        assert!(!sent[0].contains("DurationSeconds"), "{}", sent[0]);
        assert!(sent[1].contains("RoleSessionName=mine"), "{}", sent[1]);
        assert!(sent[1].contains("DurationSeconds=900"), "{}", sent[1]);
    }
}
