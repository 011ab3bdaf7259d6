//! Credentials for a role, proven by a web identity (OIDC) token file: the
//! EKS service-account (IRSA) setup, and `web_identity_token_file` profiles.

use std::path::PathBuf;
use std::sync::Arc;

use sts_proto::SecretString;
use sts_proto::ops::AssumeRoleWithWebIdentity;

use super::assume_role::WebIdentityRoleAssumer;
use super::provider_config::{StsSettings, wipe};
use super::role_cache;
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
///
/// With [`ProviderConfig::with_role_cache`], the role's credentials are kept
/// in the AWS CLI's cache and used from there while they are valid for 15
/// minutes more, as the AWS CLI does with the same file names. The token
/// is part of a file's name (hashed), so a rotated token is sent to STS.
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

    /// The token file's text, as read (the token is its trimmed text).
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
        if text.expose().trim().is_empty() {
            return Err(CredentialsError::failed(
                f.source.clone(),
                format!("the web identity token file {path} is empty"),
            ));
        }
        Ok(text)
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
        let text = self.read_token(f)?;
        // The cache file of this role and token.
        let cache_file = role_cache::file_of(
            &self.config,
            role_cache::CacheKey {
                role_arn: &f.role_arn,
                role_session_name: f.role_session_name.as_deref(),
                duration_seconds: f.duration_seconds,
                web_identity_token: Some(text.expose()),
                ..Default::default()
            },
        );
        let now = self.config.clock().now();
        if let Some(creds) = cache_file
            .as_deref()
            .and_then(|file| role_cache::read(&self.config, file, now))
        {
            return Ok(Arc::new(creds));
        }
        let token = SecretString::new(text.expose().trim());
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
            .assume_role_with_web_identity_keeping(&request, |output| {
                if let Some(file) = &cache_file {
                    let user = output.assumed_role_user.as_ref();
                    role_cache::write(&self.config, file, &output.credentials, user);
                }
            })
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

    /// Answers `AssumeRoleWithWebIdentity` and counts the calls.
    #[derive(Debug, Default)]
    struct Answers(std::sync::Mutex<usize>);

    impl crate::transport::Transport for Answers {
        fn send(
            &self,
            _request: http::Request<Vec<u8>>,
            _timeout: Option<std::time::Duration>,
        ) -> Result<http::Response<Vec<u8>>, crate::transport::TransportError> {
            *self.0.lock().unwrap() += 1;
            let xml = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>\
                 <Credentials><AccessKeyId>ASIAWEB</AccessKeyId><SecretAccessKey>s\
                 </SecretAccessKey><SessionToken>t</SessionToken>\
                 <Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>\
                 <AssumedRoleUser><AssumedRoleId>AROA:x</AssumedRoleId>\
                 <Arn>arn:aws:sts::123456789012:assumed-role/web/x</Arn></AssumedRoleUser>\
                 </AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
            Ok(http::Response::new(xml.as_bytes().to_vec()))
        }
    }

    /// With the role cache, the AWS CLI's file for the role and token is
    /// used, under the name the AWS CLI 1.46.3's own botocore gives it
    /// (`AssumeRoleWithWebIdentityCredentialFetcher._create_cache_key`); a
    /// new token is a new session. Without the cache, nothing is read or
    /// written.
    #[test]
    fn the_role_cache_holds_web_identity_roles() {
        for (session, name) in [
            (None, "b66ea31b862d6a56d64850ab58f872ccad63fdcd"),
            (Some("pod-1"), "275385971fdc6735a5157ed068d3d323200a368d"),
        ] {
            let mut vars = vec![
                ("HOME", "/h"),
                ("AWS_WEB_IDENTITY_TOKEN_FILE", "/t"),
                ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web"),
            ];
            vars.extend(session.map(|s| ("AWS_ROLE_SESSION_NAME", s)));
            let fs = MapFs::new().with_file("/t", "token-text");
            let answers = Arc::new(Answers::default());
            let config = |cache| {
                ProviderConfig::new()
                    .with_env(MapEnv::new(vars.clone()))
                    .with_fs(fs.clone())
                    .with_transport(Arc::clone(&answers) as Arc<dyn crate::transport::Transport>)
                    .with_role_cache(cache)
            };
            let provider = WebIdentityProvider::from_env(&config(true));
            let creds = provider.provide_credentials().unwrap();
            assert_eq!(creds.access_key_id(), "ASIAWEB");
            let file = PathBuf::from(format!("/h/.aws/cli/cache/{name}.json"));
            let text = String::from_utf8(fs.get(&file).expect("the cache file")).unwrap();
            assert!(text.contains(r#""AccountId":"123456789012""#), "{text}");
            let again = provider.provide_credentials().unwrap();
            assert_eq!(again.access_key_id(), "ASIAWEB");
            assert_eq!(again.account_id(), Some("123456789012"));
            assert_eq!(*answers.0.lock().unwrap(), 1, "STS was asked again");
            // A rotated token: a new session, in a second file.
            fs.clone().insert("/t", "token-text-2");
            provider.provide_credentials().unwrap();
            assert_eq!(*answers.0.lock().unwrap(), 2);
            assert_eq!(fs.paths().len(), 3, "{:?}", fs.paths());

            // Off: nothing is read or written.
            let fs = MapFs::new().with_file("/t", "token-text");
            let off = WebIdentityProvider::from_env(
                &config(false).with_fs(fs.clone().with_file(&file, text.clone())),
            );
            off.provide_credentials().unwrap();
            assert_eq!(*answers.0.lock().unwrap(), 3);
            assert_eq!(fs.paths().len(), 2);
        }
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
