//! Credentials from environment variables.

use std::sync::Arc;

use sts_proto::time::parse_timestamp;
use sts_proto::{Credentials, SecretString};

use super::{
    CredentialsError, ProvideCredentials, ProviderConfig, SharedCredentials, refuse_expired,
};
use crate::env::{Env, ProcessEnv};
use crate::timing::{Clock, SystemClock};

const SOURCE: &str = "environment";

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, and
/// optionally `AWS_SESSION_TOKEN` and `AWS_CREDENTIAL_EXPIRATION` (an ISO
/// 8601 time). Blank variables count as unset.
///
/// Not configured when neither key variable is set; invalid when only one
/// is, or when the expiration does not parse; refused
/// ([`Expired`](super::CredentialsErrorKind::Expired)) when the expiration
/// has passed.
///
/// ```
/// use sts_blocking::credentials::{EnvironmentProvider, ProvideCredentials};
/// use sts_blocking::env::MapEnv;
///
/// let env = MapEnv::new([("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "SECRET")]);
/// let creds = EnvironmentProvider::new(env).provide_credentials()?;
/// assert_eq!(creds.access_key_id(), "AKID");
/// # Ok::<(), sts_blocking::credentials::CredentialsError>(())
/// ```
#[derive(Debug, Clone)]
pub struct EnvironmentProvider {
    env: Arc<dyn Env>,
    clock: Arc<dyn Clock>,
}

impl Default for EnvironmentProvider {
    fn default() -> Self {
        Self::new(ProcessEnv)
    }
}

impl EnvironmentProvider {
    /// Reads `env`; judges `AWS_CREDENTIAL_EXPIRATION` by the system clock.
    pub fn new(env: impl Env + 'static) -> Self {
        Self {
            env: Arc::new(env),
            clock: Arc::new(SystemClock),
        }
    }

    /// Reads the configuration's environment; judges
    /// `AWS_CREDENTIAL_EXPIRATION` by its clock.
    pub fn from_config(config: &ProviderConfig) -> Self {
        Self {
            env: Arc::clone(&config.env),
            clock: Arc::clone(&config.clock),
        }
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
        let env = &*self.env;
        let access_key = env.get_nonempty("AWS_ACCESS_KEY_ID");
        let secret = env
            .get_nonempty("AWS_SECRET_ACCESS_KEY")
            .map(SecretString::new);
        let (access_key, secret) = match (access_key, secret) {
            (Some(a), Some(s)) => (a, s),
            (None, None) => {
                return Err(CredentialsError::not_configured(
                    SOURCE,
                    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
                ));
            }
            (Some(_), None) => {
                return Err(CredentialsError::invalid_configuration(
                    SOURCE,
                    "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
                ));
            }
            (None, Some(_)) => {
                return Err(CredentialsError::invalid_configuration(
                    SOURCE,
                    "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not",
                ));
            }
        };
        // `AWS_SECURITY_TOKEN` is the token's legacy name, which botocore
        // still reads.
        let token = env
            .get_nonempty("AWS_SESSION_TOKEN")
            .or_else(|| env.get_nonempty("AWS_SECURITY_TOKEN"))
            .map(SecretString::new);
        let mut creds = Credentials::new(access_key.trim(), secret, token);
        if let Some(account_id) = env.get_nonempty("AWS_ACCOUNT_ID") {
            creds = creds.with_account_id(account_id.trim());
        }
        if let Some(text) = env.get_nonempty("AWS_CREDENTIAL_EXPIRATION") {
            let at = parse_timestamp(&text).map_err(|e| {
                CredentialsError::invalid_configuration(
                    SOURCE,
                    format!(
                        "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time: {}",
                        e.reason
                    ),
                )
            })?;
            creds = creds.with_expiration(at);
        }
        refuse_expired(&creds, self.clock.now(), SOURCE)?;
        Ok(Arc::new(creds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::CredentialsErrorKind;
    use crate::env::MapEnv;

    fn run(vars: &[(&str, &str)]) -> Result<SharedCredentials, CredentialsError> {
        EnvironmentProvider::new(MapEnv::new(vars.iter().copied())).provide_credentials()
    }

    #[test]
    fn reads_all_four_variables() {
        let c = run(&[
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_SESSION_TOKEN", "TOKEN"),
            ("AWS_CREDENTIAL_EXPIRATION", "2030-01-01T00:00:00Z"),
            ("AWS_ACCOUNT_ID", "123456789012"),
        ])
        .unwrap();
        assert_eq!(c.account_id(), Some("123456789012"));
        assert_eq!(c.access_key_id(), "AKID");
        assert_eq!(c.secret_access_key().expose(), "SECRET");
        assert_eq!(c.session_token().unwrap().expose(), "TOKEN");
        assert_eq!(
            c.expiration(),
            Some(parse_timestamp("2030-01-01T00:00:00Z").unwrap())
        );
    }

    #[test]
    fn the_tokens_legacy_name_is_read_when_the_current_one_is_not_set() {
        let keys = [
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "S"),
        ];
        let legacy = [keys[0], keys[1], ("AWS_SECURITY_TOKEN", "LEGACY")];
        let c = run(&legacy).unwrap();
        assert_eq!(c.session_token().unwrap().expose(), "LEGACY");
        let both = [
            legacy[0],
            legacy[1],
            legacy[2],
            ("AWS_SESSION_TOKEN", "CURRENT"),
        ];
        let c = run(&both).unwrap();
        assert_eq!(c.session_token().unwrap().expose(), "CURRENT");
    }

    #[test]
    fn kinds_of_failure() {
        assert!(run(&[]).unwrap_err().is_not_configured());
        assert!(
            run(&[("AWS_ACCESS_KEY_ID", " "), ("AWS_SECRET_ACCESS_KEY", "")])
                .unwrap_err()
                .is_not_configured()
        );
        let partial = run(&[("AWS_ACCESS_KEY_ID", "AKID")]).unwrap_err();
        assert_eq!(partial.kind(), CredentialsErrorKind::InvalidConfiguration);
        let bad_time = run(&[
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_CREDENTIAL_EXPIRATION", "tomorrow"),
        ])
        .unwrap_err();
        assert_eq!(bad_time.kind(), CredentialsErrorKind::InvalidConfiguration);
        assert!(!bad_time.to_string().contains("SECRET"));
    }

    #[test]
    fn an_expiration_in_the_past_is_refused() {
        let expired = run(&[
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_SESSION_TOKEN", "TOKEN"),
            ("AWS_CREDENTIAL_EXPIRATION", "2001-01-01T00:00:00Z"),
        ])
        .unwrap_err();
        assert_eq!(expired.kind(), CredentialsErrorKind::Expired);
        let text = format!("{expired} {expired:?}");
        assert!(text.contains("2001-01-01T00:00:00Z"), "{text}");
        assert!(
            !text.contains("SECRET") && !text.contains("TOKEN"),
            "{text}"
        );
    }
}
