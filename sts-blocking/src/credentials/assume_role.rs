//! Role assumers (as the JavaScript SDK's `getDefaultRoleAssumer` and
//! `getDefaultRoleAssumerWithWebIdentity`) and a provider built on them.

use std::fmt;
use std::sync::Arc;

use sts_proto::Credentials;
use sts_proto::ops::{
    AssumeRole, AssumeRoleOutput, AssumeRoleWithWebIdentity, AssumeRoleWithWebIdentityOutput,
};

use super::{
    CredentialsError, MfaTokenProvider, NoCredentials, ProvideCredentials, SharedCredentials,
    StaticProvider,
};
use crate::config::ClientBuilder;
use crate::error::Error;

/// Turns a failed STS call into a credentials error: bad input or
/// configuration is [`InvalidConfiguration`](super::CredentialsErrorKind::InvalidConfiguration),
/// anything else [`Failed`](super::CredentialsErrorKind::Failed).
pub(crate) fn sts_error(
    source: impl Into<String>,
    action: &'static str,
    e: Error,
) -> CredentialsError {
    let reason = format!("{action} failed: {e}");
    let err = match &e {
        Error::Validation(_) | Error::Config(_) => {
            CredentialsError::invalid_configuration(source, reason)
        }
        Error::Credentials(inner) => CredentialsError::with_kind(inner.kind, source, reason),
        _ => CredentialsError::failed(source, reason),
    };
    err.with_cause(e).of_call(action)
}

/// Calls `AssumeRole` with given source credentials: for code that builds
/// its own providers.
///
/// Every call builds a light [`Client`](crate::Client) from the builder
/// (region, endpoint, transport, timeouts, retries) with the source
/// credentials; the HTTP transport and its connection pool are shared
/// between calls.
///
/// ```no_run
/// use sts_blocking::Client;
/// use sts_blocking::credentials::RoleAssumer;
/// use sts_proto::Credentials;
/// use sts_proto::ops::AssumeRole;
///
/// let assumer = RoleAssumer::new(Client::builder().region("eu-west-1"));
/// let source = Credentials::new("AKID", "SECRET", None);
/// let creds = assumer.assume_role(
///     source,
///     &AssumeRole::new("arn:aws:iam::123456789012:role/demo", "my-app"),
/// )?;
/// # Ok::<(), sts_blocking::credentials::CredentialsError>(())
/// ```
#[derive(Debug, Clone)]
pub struct RoleAssumer {
    builder: ClientBuilder,
}

impl RoleAssumer {
    /// Calls STS as `builder` says; its credentials, if any, are replaced
    /// by the source credentials of each call.
    pub fn new(mut builder: ClientBuilder) -> Self {
        if builder.transport.is_none() {
            builder.transport = Some(builder.make_transport());
        }
        builder.credentials = None;
        Self { builder }
    }

    /// The full `AssumeRole` answer, signed with `source`.
    pub fn assume_role_output(
        &self,
        source: impl Into<SharedCredentials>,
        request: &AssumeRole,
    ) -> Result<AssumeRoleOutput, Error> {
        let client = self
            .builder
            .clone()
            .credentials_provider(StaticProvider::from_shared(source.into()))
            .build()?;
        client.assume_role(request)
    }

    /// The role's credentials, signed with `source`.
    pub fn assume_role(
        &self,
        source: impl Into<SharedCredentials>,
        request: &AssumeRole,
    ) -> Result<Credentials, CredentialsError> {
        self.assume_role_keeping(source, request, |_| {})
    }

    /// [`assume_role`](Self::assume_role), showing `keep` the whole answer
    /// first (for the role cache).
    pub(super) fn assume_role_keeping(
        &self,
        source: impl Into<SharedCredentials>,
        request: &AssumeRole,
        keep: impl FnOnce(&AssumeRoleOutput),
    ) -> Result<Credentials, CredentialsError> {
        self.assume_role_output(source, request)
            .map(|out| {
                keep(&out);
                with_account_of(out.credentials, out.assumed_role_user.as_ref())
            })
            .map_err(|e| sts_error(format!("role {}", request.role_arn), "AssumeRole", e))
    }
}

/// `credentials` with the account id of the role they are for, read from
/// the assumed role's ARN (`arn:aws:sts::123456789012:assumed-role/…`), as
/// the AWS SDKs' role providers set it.
pub(super) fn with_account_of(
    credentials: Credentials,
    user: Option<&sts_proto::types::AssumedRoleUser>,
) -> Credentials {
    with_account_of_arn(credentials, user.map(|u| u.arn.as_str()))
}

/// [`with_account_of`] for the assumed role's ARN alone.
pub(super) fn with_account_of_arn(credentials: Credentials, arn: Option<&str>) -> Credentials {
    match arn.and_then(account_of_arn) {
        Some(account) => credentials.with_account_id(account),
        None => credentials,
    }
}

/// The account of an ARN, if it names one (twelve digits).
pub(super) fn account_of_arn(arn: &str) -> Option<&str> {
    arn.split(':')
        .nth(4)
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}

/// Calls `AssumeRoleWithWebIdentity` (unsigned): for code that builds its
/// own providers.
#[derive(Debug, Clone)]
pub struct WebIdentityRoleAssumer {
    builder: ClientBuilder,
}

impl WebIdentityRoleAssumer {
    /// Calls STS as `builder` says (its credentials are not used).
    pub fn new(mut builder: ClientBuilder) -> Self {
        if builder.transport.is_none() {
            builder.transport = Some(builder.make_transport());
        }
        Self {
            builder: builder.credentials_provider(NoCredentials),
        }
    }

    /// The role's credentials for the request's token.
    pub fn assume_role_with_web_identity(
        &self,
        request: &AssumeRoleWithWebIdentity,
    ) -> Result<Credentials, CredentialsError> {
        self.assume_role_with_web_identity_keeping(request, |_| {})
    }

    /// [`assume_role_with_web_identity`](Self::assume_role_with_web_identity),
    /// showing `keep` the whole answer first (for the role cache).
    pub(super) fn assume_role_with_web_identity_keeping(
        &self,
        request: &AssumeRoleWithWebIdentity,
        keep: impl FnOnce(&AssumeRoleWithWebIdentityOutput),
    ) -> Result<Credentials, CredentialsError> {
        let source = format!("web identity role {}", request.role_arn);
        let client = self
            .builder
            .clone()
            .build()
            .map_err(|e| sts_error(source.clone(), "AssumeRoleWithWebIdentity", e.into()))?;
        client
            .assume_role_with_web_identity(request)
            .map(|out| {
                keep(&out);
                with_account_of(out.credentials, out.assumed_role_user.as_ref())
            })
            .map_err(|e| sts_error(source, "AssumeRoleWithWebIdentity", e))
    }
}

/// A function from source credentials and an `AssumeRole` request to the
/// role's credentials, like the JavaScript SDK's `getDefaultRoleAssumer`.
///
/// ```no_run
/// use sts_blocking::Client;
/// use sts_blocking::credentials::default_role_assumer;
/// use sts_proto::Credentials;
/// use sts_proto::ops::AssumeRole;
///
/// let assume = default_role_assumer(Client::builder().region("us-east-1"));
/// let creds = assume(
///     Credentials::new("AKID", "SECRET", None).into(),
///     &AssumeRole::new("arn:aws:iam::123456789012:role/demo", "my-app"),
/// )?;
/// # Ok::<(), sts_blocking::credentials::CredentialsError>(())
/// ```
pub fn default_role_assumer(
    builder: ClientBuilder,
) -> impl Fn(SharedCredentials, &AssumeRole) -> Result<Credentials, CredentialsError> + Send + Sync
{
    let assumer = RoleAssumer::new(builder);
    move |source, request| assumer.assume_role(source, request)
}

/// A function from an `AssumeRoleWithWebIdentity` request to the role's
/// credentials, like `getDefaultRoleAssumerWithWebIdentity`.
pub fn default_role_assumer_with_web_identity(
    builder: ClientBuilder,
) -> impl Fn(&AssumeRoleWithWebIdentity) -> Result<Credentials, CredentialsError> + Send + Sync {
    let assumer = WebIdentityRoleAssumer::new(builder);
    move |request| assumer.assume_role_with_web_identity(request)
}

/// Credentials of a role, assumed with another provider's credentials on
/// every call (wrap it in a [`CachingProvider`](super::CachingProvider)).
///
/// ```no_run
/// use sts_blocking::Client;
/// use sts_blocking::credentials::{AssumeRoleProvider, CachingProvider, EnvironmentProvider};
/// use sts_proto::ops::AssumeRole;
///
/// let provider = CachingProvider::new(AssumeRoleProvider::new(
///     EnvironmentProvider::default(),
///     AssumeRole::new("arn:aws:iam::123456789012:role/demo", "my-app").duration_seconds(900),
///     Client::builder().region("eu-west-1"),
/// ));
/// let client = Client::builder().region("eu-west-1").credentials_provider(provider).build()?;
/// # Ok::<(), sts_blocking::Error>(())
/// ```
pub struct AssumeRoleProvider {
    source: Arc<dyn ProvideCredentials>,
    request: AssumeRole,
    assumer: RoleAssumer,
    /// The MFA device, and where each call's code comes from.
    mfa: Option<(String, Arc<dyn MfaTokenProvider>)>,
}

impl fmt::Debug for AssumeRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleProvider")
            .field("source", &self.source)
            .field("role_arn", &self.request.role_arn)
            .field("role_session_name", &self.request.role_session_name)
            .field("mfa_serial", &self.mfa.as_ref().map(|(serial, _)| serial))
            .finish_non_exhaustive()
    }
}

impl AssumeRoleProvider {
    /// Assumes `request`'s role with `source`'s credentials, calling STS
    /// as `builder` says.
    ///
    /// `request` is sent as it is on every call. An MFA code set in it
    /// ([`AssumeRole::mfa`]) is one-time, so a refresh would send a used
    /// code and be refused: for a role that needs MFA, use
    /// [`with_mfa`](Self::with_mfa), which asks for a code each time.
    pub fn new(
        source: impl ProvideCredentials + 'static,
        request: AssumeRole,
        builder: ClientBuilder,
    ) -> Self {
        Self {
            source: Arc::new(source),
            request,
            assumer: RoleAssumer::new(builder),
            mfa: None,
        }
    }

    /// Signs each `AssumeRole` with the MFA device `serial_number` and a
    /// code `codes` gives for it at that moment (a prompt, a TOTP
    /// library), as a profile's `mfa_serial` is used. Wrapped in a
    /// [`CachingProvider`](super::CachingProvider), a code is asked for
    /// only when the role's credentials are refreshed.
    ///
    /// ```no_run
    /// use sts_blocking::Client;
    /// use sts_blocking::credentials::{AssumeRoleProvider, CachingProvider, EnvironmentProvider};
    /// use sts_proto::{SecretString, ops::AssumeRole};
    ///
    /// let provider = AssumeRoleProvider::new(
    ///     EnvironmentProvider::default(),
    ///     AssumeRole::new("arn:aws:iam::123456789012:role/admin", "me"),
    ///     Client::builder().region("eu-west-1"),
    /// )
    /// .with_mfa("arn:aws:iam::123456789012:mfa/me", |serial: &str| {
    ///     // Ask the user for the code of `serial`.
    ///     Ok::<_, String>(SecretString::new("123456"))
    /// });
    /// let client = Client::builder()
    ///     .region("eu-west-1")
    ///     .credentials_provider(CachingProvider::new(provider))
    ///     .build()?;
    /// # Ok::<(), sts_blocking::Error>(())
    /// ```
    pub fn with_mfa(
        mut self,
        serial_number: impl Into<String>,
        codes: impl MfaTokenProvider + 'static,
    ) -> Self {
        self.mfa = Some((serial_number.into(), Arc::new(codes)));
        self
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
        let source = self.source.provide_credentials().map_err(|e| {
            let kind = e.kind;
            e.within(format!("role {}", self.request.role_arn), kind)
        })?;
        let Some((serial, codes)) = &self.mfa else {
            return self
                .assumer
                .assume_role(source, &self.request)
                .map(Arc::new);
        };
        let request = with_mfa_code(
            self.request.clone(),
            serial,
            &**codes,
            format!("role {}", self.request.role_arn),
        )?;
        self.assumer.assume_role(source, &request).map(Arc::new)
    }
}

/// `request` signed with the device `serial` and the code `codes` gives
/// for it now; the provider's reason, named after `source`, if none.
pub(super) fn with_mfa_code(
    request: AssumeRole,
    serial: &str,
    codes: &dyn MfaTokenProvider,
    source: impl Into<String>,
) -> Result<AssumeRole, CredentialsError> {
    let code = codes.mfa_token(serial).map_err(|why| {
        CredentialsError::failed(
            source,
            format!("the MFA token provider gave no code for {serial}: {why}"),
        )
    })?;
    Ok(request.mfa(serial, code))
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use sts_proto::SecretString;

    use super::*;
    use crate::transport::script::RoleServer;

    /// Each refresh signs with a fresh code from the device: a code set in
    /// the request would be sent again, used, and refused.
    #[test]
    fn with_mfa_asks_for_a_code_on_every_call() {
        let server = Arc::new(RoleServer::default());
        let codes = Mutex::new(vec!["222222", "111111"]);
        let provider = AssumeRoleProvider::new(
            StaticProvider::new(Credentials::new("AKIDBASE", "base-secret", None)),
            AssumeRole::new("arn:aws:iam::123456789012:role/admin", "me"),
            ClientBuilder::default()
                .region("eu-west-1")
                .transport(Arc::clone(&server)),
        )
        .with_mfa("arn:aws:iam::123456789012:mfa/me", move |serial: &str| {
            assert_eq!(serial, "arn:aws:iam::123456789012:mfa/me");
            codes
                .lock()
                .unwrap()
                .pop()
                .map(SecretString::new)
                .ok_or_else(|| "no more codes".to_owned())
        });
        for _ in 0..2 {
            let creds = provider.provide_credentials().unwrap();
            assert_eq!(creds.access_key_id(), "ASIAROLE");
        }
        let sent: Vec<String> = server
            .bodies
            .lock()
            .unwrap()
            .iter()
            .map(|b| {
                b.split('&')
                    .filter(|p| p.starts_with("SerialNumber=") || p.starts_with("TokenCode="))
                    .collect::<Vec<_>>()
                    .join("&")
            })
            .collect();
        assert_eq!(
            sent,
            [
                "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fme&TokenCode=111111",
                "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fme&TokenCode=222222",
            ]
        );
        // No code, no call: the provider's reason, and nothing sent.
        let e = provider.provide_credentials().unwrap_err();
        assert!(e.to_string().contains("no more codes"), "{e}");
        assert_eq!(server.bodies.lock().unwrap().len(), 2);
        assert!(format!("{provider:?}").contains("mfa/me"));
    }
}
