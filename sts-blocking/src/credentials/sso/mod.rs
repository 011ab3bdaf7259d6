//! IAM Identity Center (SSO): role credentials from the SSO portal, with
//! the bearer token `aws sso login` cached.
//!
//! The AWS CLI signs in once (`aws sso login`) and caches a token in
//! `~/.aws/sso/cache/<sha1>.json`: the SHA-1, in hex, of the
//! `[sso-session]` name, or of the start URL for a legacy profile that
//! holds `sso_start_url` itself. [`SsoTokenProvider`] reads that token and,
//! for a session, refreshes it through the OIDC service's `CreateToken`
//! refresh grant when it is within five minutes of expiry (aws-sdk-rust's
//! window; botocore's is 15 minutes), writing the cache back.
//! [`SsoProvider`] trades the token for a role's credentials
//! (`GetRoleCredentials` on the portal of the session's region). Both
//! services are tried up to three times while a failure may pass (no
//! connection, a time-out, throttling, a server error), as botocore tries
//! them.
//!
//! There is no sign-in flow here (no device authorization): without a
//! valid token, the error tells the user to run `aws sso login`. So
//! `sso_registration_scopes`, which only the sign-in uses, is not read.
//!
//! Endpoints: the portal and the OIDC service of `sso_region`, FIPS and
//! dual-stack as `AWS_USE_FIPS_ENDPOINT` and `AWS_USE_DUALSTACK_ENDPOINT`
//! (or the profile) say; an endpoint URL configured for the service
//! (`AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_SSO_OIDC`, a `services`
//! section's `sso` or `sso_oidc` block) or for all services
//! (`AWS_ENDPOINT_URL`, `endpoint_url`) replaces them.

mod cache;
mod endpoint;
mod http;
pub(super) mod json;
mod portal;
mod token;

pub use portal::SsoProvider;
pub(crate) use token::RefreshThrottles;
pub use token::{SsoToken, SsoTokenProvider};

/// A sign-in to IAM Identity Center: the start URL and region of an
/// `[sso-session]` section or of a legacy profile.
///
/// ```
/// use sts_blocking::credentials::SsoSession;
///
/// let session = SsoSession::named("dev", "https://d-abc123.awsapps.com/start", "us-east-1")
///     .with_profile("default");
/// assert_eq!(session.name(), Some("dev"));
/// assert_eq!(session.cache_file_name(), "34c6fceca75e456f25e7e99531e2425c6c1de443.json");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSession {
    name: Option<String>,
    start_url: String,
    region: String,
    profile: Option<String>,
}

impl SsoSession {
    /// The session of an `[sso-session name]` section. Its token can be
    /// refreshed (the AWS CLI registers a client for it).
    pub fn named(
        name: impl Into<String>,
        start_url: impl Into<String>,
        region: impl Into<String>,
    ) -> Self {
        Self {
            name: Some(name.into()),
            start_url: start_url.into(),
            region: region.into(),
            profile: None,
        }
    }

    /// The sign-in of a legacy profile (`sso_start_url` and `sso_region` in
    /// the profile). Its token is never refreshed, as in the AWS SDKs.
    pub fn legacy(start_url: impl Into<String>, region: impl Into<String>) -> Self {
        Self {
            name: None,
            start_url: start_url.into(),
            region: region.into(),
            profile: None,
        }
    }

    /// The same session, named by profile `profile` (errors then tell the
    /// user to run `aws sso login --profile profile`).
    pub fn with_profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }

    /// The `[sso-session]` name, if it is one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// `sso_start_url`.
    pub fn start_url(&self) -> &str {
        &self.start_url
    }

    /// `sso_region`.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The profile that names it, if known.
    pub fn profile(&self) -> Option<&str> {
        self.profile.as_deref()
    }

    /// The token cache's file name, as the AWS CLI derives it: the hex
    /// SHA-1 of the session name, or of the start URL for a legacy profile.
    pub fn cache_file_name(&self) -> String {
        let key = self.name.as_deref().unwrap_or(&self.start_url);
        crate::credentials::role_cache::aws_cli_cache_file_name(key)
    }

    /// The session an SSO profile names: its `[sso-session]` (`sso_session`)
    /// or, for a legacy profile, its own start URL and region.
    pub(crate) fn of_profile(
        profile: String,
        sso_session: Option<String>,
        start_url: String,
        region: String,
    ) -> Self {
        Self {
            name: sso_session,
            start_url,
            region,
            profile: Some(profile),
        }
    }

    /// What to run to sign in again.
    pub(crate) fn login_hint(&self) -> String {
        let command = match (&self.profile, &self.name) {
            (Some(p), _) => format!("aws sso login --profile {p}"),
            (None, Some(s)) => format!("aws sso login --sso-session {s}"),
            (None, None) => "aws sso login".to_owned(),
        };
        format!("run `{command}` to sign in again")
    }

    /// How errors name it.
    pub(crate) fn describe(&self) -> String {
        match (&self.name, &self.profile) {
            (Some(s), Some(p)) => format!("sso-session {s:?} of profile {p:?}"),
            (Some(s), None) => format!("sso-session {s:?}"),
            (None, Some(p)) => format!("SSO start URL {} of profile {p:?}", self.start_url),
            (None, None) => format!("SSO start URL {}", self.start_url),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_names_are_the_sha1_of_the_session_or_the_start_url() {
        let named = SsoSession::named("test-sso", "https://ssotest.awsapps.com/start", "us-east-2");
        assert_eq!(
            named.cache_file_name(),
            "d12208e38164f558a1d06c99432ab77dbb346c45.json"
        );
        let legacy = SsoSession::legacy("https://ssotest.awsapps.com/start", "us-east-2");
        assert_eq!(
            legacy.cache_file_name(),
            "dace00cba5f8355ec9d274ceb2bcebdfbeed0e12.json"
        );
    }

    #[test]
    fn the_login_hint_names_what_the_user_knows() {
        let s = SsoSession::named("dev", "u", "r");
        assert!(s.login_hint().contains("aws sso login --sso-session dev"));
        let s = s.with_profile("p");
        assert!(s.login_hint().contains("aws sso login --profile p"));
    }
}
