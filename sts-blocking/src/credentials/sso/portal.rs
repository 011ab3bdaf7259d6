//! A role's credentials from the SSO portal (`GetRoleCredentials`).

use std::sync::Arc;

use sts_proto::time::from_unix;
use sts_proto::{Credentials, SecretString};

use super::SsoSession;
use super::endpoint::{self, Api};
use super::http::{query_escape, send};
use super::json::parse_object;
use super::token::load;
use crate::credentials::metadata_http::is_transient_status;
use crate::credentials::provider_config::{StsSettings, wipe};
use crate::credentials::role_cache;
use crate::credentials::{CredentialsError, ProvideCredentials, ProviderConfig, SharedCredentials};

/// Credentials for an IAM Identity Center role: the session's bearer
/// token (see [`SsoTokenProvider`](super::SsoTokenProvider), refreshed
/// when due) traded at the SSO portal of `sso_region` for the role
/// `role_name` in account `account_id`. The credentials carry the account
/// id.
///
/// Profiles with `sso_account_id` and `sso_role_name` get one through
/// [`ProfileProvider`](crate::credentials::ProfileProvider); it can also
/// be made directly:
///
/// ```no_run
/// use sts_blocking::credentials::{
///     CachingProvider, ProvideCredentials, ProviderConfig, SsoProvider, SsoSession,
/// };
///
/// let session = SsoSession::named("dev", "https://d-abc123.awsapps.com/start", "us-east-1");
/// let provider = CachingProvider::new(SsoProvider::new(
///     &ProviderConfig::new(),
///     session,
///     "123456789012",
///     "ReadOnly",
/// ));
/// let creds = provider.provide_credentials()?;
/// # Ok::<(), sts_blocking::credentials::CredentialsError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SsoProvider {
    config: ProviderConfig,
    session: SsoSession,
    account_id: String,
    role_name: String,
    settings: StsSettings,
}

impl SsoProvider {
    /// The role `role_name` of account `account_id`, signed in through
    /// `session`. The portal's endpoint settings are those of the
    /// session's profile, else of the profile `config` selects.
    pub fn new(
        config: &ProviderConfig,
        session: SsoSession,
        account_id: impl Into<String>,
        role_name: impl Into<String>,
    ) -> Self {
        let settings = match session.profile() {
            Some(p) => StsSettings::of_profile(p),
            None => StsSettings::default(),
        };
        Self {
            config: config.clone(),
            session,
            account_id: account_id.into(),
            role_name: role_name.into(),
            settings,
        }
    }

    /// The same provider, reading the endpoint settings of `settings`'
    /// profile (the selected one, when the SSO profile is a source profile).
    pub(crate) fn with_settings(mut self, settings: StsSettings) -> Self {
        self.settings = settings;
        self
    }

    fn source(&self) -> String {
        format!(
            "SSO role {} of account {} ({})",
            self.role_name,
            self.account_id,
            self.session.describe()
        )
    }
}

impl ProvideCredentials for SsoProvider {
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
        // Before the token, as botocore looks: credentials the AWS CLI
        // cached stay usable after the sign-in has expired.
        let cache_file = role_cache::sso_file_of(
            &self.config,
            &self.session,
            &self.account_id,
            &self.role_name,
        );
        let now = self.config.clock().now();
        if let Some(creds) = cache_file
            .as_deref()
            .and_then(|file| role_cache::read(&self.config, file, now))
        {
            log::debug!("{}: credentials from the AWS CLI's cache", self.source());
            return Ok(Arc::new(creds));
        }
        let token = load(&self.config, &self.session, &self.settings)?;
        let source = self.source();
        let fail = |reason: String| CredentialsError::failed(source.clone(), reason);
        let base = endpoint::base_url(
            &self.config,
            &self.settings,
            Api::Portal,
            self.session.region(),
        )
        .map_err(|why| {
            CredentialsError::invalid_configuration(
                source.clone(),
                format!("cannot find the SSO portal: {why}"),
            )
        })?;
        let url = format!(
            "{base}/federation/credentials?account_id={}&role_name={}",
            query_escape(&self.account_id),
            query_escape(&self.role_name)
        );
        let bearer =
            sts_proto::secret::secret_header_value(token.token().expose()).map_err(|_| {
                fail(format!(
                    "the cached SSO token holds characters a header cannot carry; {}",
                    self.session.login_hint()
                ))
            })?;
        let request = http::Request::get(&url)
            .header("x-amz-sso_bearer_token", bearer)
            .body(Vec::new())
            .map_err(|e| {
                CredentialsError::invalid_configuration(
                    source.clone(),
                    format!("cannot make the request to {base}: {e}"),
                )
            })?;
        let answer = send(&self.config, request).map_err(|e| {
            fail(format!(
                "an error occurred while loading credentials from the SSO portal at {base}: {e}"
            ))
            .with_transient(e.transient)
        })?;
        let (status, code) = (answer.status, answer.error_code());
        let bytes = answer.body;
        if !status.is_success() {
            wipe(bytes);
            // A refused token needs a new login; a refused role (the
            // portal's 403 `ForbiddenException`, "No access") does not,
            // and a login hint there sent users round in circles.
            let forbidden = code.as_deref() == Some("ForbiddenException")
                || (status.as_u16() == 403 && code.as_deref() != Some("UnauthorizedException"));
            let hint = if forbidden {
                format!(
                    " (the SSO user has no access to role {} in account {}: check \
                     sso_role_name and sso_account_id, and the user's assignments in IAM \
                     Identity Center)",
                    self.role_name, self.account_id
                )
            } else if status.as_u16() == 401 || code.as_deref() == Some("UnauthorizedException") {
                format!(" (the token was refused; {})", self.session.login_hint())
            } else {
                String::new()
            };
            return Err(fail(format!(
                "an error occurred while loading credentials: GetRoleCredentials at {base} \
                 answered HTTP {}{}{hint}",
                status.as_u16(),
                code.map(|c| format!(" ({c})")).unwrap_or_default()
            ))
            .with_transient(is_transient_status(status.as_u16())));
        }
        let creds = read_role_credentials(&bytes);
        wipe(bytes);
        let creds = creds.map_err(|why| {
            fail(format!(
                "GetRoleCredentials at {base} gave an unusable answer: {why}"
            ))
        })?;
        let creds = creds.with_account_id(self.account_id.clone());
        if let Some(file) = &cache_file {
            role_cache::write_sso(&self.config, file, &creds);
        }
        Ok(Arc::new(creds))
    }
}

/// The `roleCredentials` of a `GetRoleCredentials` answer.
fn read_role_credentials(bytes: &[u8]) -> Result<Credentials, String> {
    let mut doc = parse_object(bytes)?;
    let role = doc.take_object("roleCredentials")?;
    let access_key_id = role.required("accessKeyId")?.to_owned();
    let secret = SecretString::new(role.required("secretAccessKey")?);
    let token = SecretString::new(role.required("sessionToken")?);
    let millis = role
        .integer("expiration")?
        .ok_or_else(|| "`expiration` is missing".to_owned())?;
    let expiration = from_unix(
        millis.div_euclid(1000),
        u32::try_from(millis.rem_euclid(1000) * 1_000_000).unwrap_or(0),
    )
    .ok_or_else(|| "`expiration` is out of range".to_owned())?;
    Ok(Credentials::new(access_key_id, secret, Some(token)).with_expiration(expiration))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_credentials_and_what_is_missing() {
        let c = read_role_credentials(
            br#"{"roleCredentials":{"accessKeyId":"ASIA","secretAccessKey":"S","sessionToken":"T","expiration":1234567890000}}"#,
        )
        .unwrap();
        assert_eq!(c.access_key_id(), "ASIA");
        assert_eq!(
            c.expiration(),
            Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_234_567_890))
        );
        for (text, want) in [
            (r#"{}"#, "`roleCredentials` is missing"),
            (
                r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"SECRETX","expiration":1}}"#,
                "`sessionToken` is missing",
            ),
            (
                r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"SECRETX","sessionToken":"T"}}"#,
                "`expiration` is missing",
            ),
            (
                r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"SECRETX","sessionToken":"T","expiration":"x"}}"#,
                "not a number",
            ),
            ("<html>SECRETX</html>", "not valid JSON"),
        ] {
            let e = read_role_credentials(text.as_bytes()).unwrap_err();
            assert!(e.contains(want) && !e.contains("SECRETX"), "{text}: {e}");
        }
    }
}
