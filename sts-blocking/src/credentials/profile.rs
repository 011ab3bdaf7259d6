//! Credentials from the shared config and credentials files.

use std::sync::Arc;

use sts_proto::Credentials;
use sts_proto::ops::AssumeRole;

use super::assume_role::RoleAssumer;
use super::profile_chain::{self, BaseCredentials, RoleLink};
use super::provider_config::StsSettings;
use super::{
    ContainerProvider, CredentialProcessProvider, CredentialsError, CredentialsErrorKind,
    EnvironmentProvider, ImdsProvider, LoginProvider, ProvideCredentials, ProviderConfig,
    SharedCredentials, SsoProvider, SsoSession, WebIdentityProvider,
};
use crate::config::ClientBuilder;

/// Credentials for the selected profile of `~/.aws/config` and
/// `~/.aws/credentials` (see [`crate::profile`] for the file format and
/// [`profile_chain`] for how a profile leads to credentials).
///
/// The files are read again on every call, so edits apply at the next
/// refresh (a client's cache fetches keys without an expiry again every
/// [`NO_EXPIRY_REFETCH`](super::NO_EXPIRY_REFETCH)). Supported: static keys (`aws_access_key_id`,
/// `aws_secret_access_key`, `aws_session_token`); `role_arn` with
/// `source_profile` chains of any length or `credential_source =
/// Environment`, `Ec2InstanceMetadata` ([`ImdsProvider`]) or `EcsContainer`
/// ([`ContainerProvider`]) (others through
/// [`ProviderConfig::with_named_source`]), with `external_id`,
/// `role_session_name`, `duration_seconds` and `mfa_serial` (codes from
/// [`ProviderConfig::with_mfa_token_provider`]); `web_identity_token_file`
/// with `role_arn`; `credential_process`; `login_session` (a console login
/// of `aws login`, through [`LoginProvider`]). STS is called with the selected
/// profile's `region`, `endpoint_url`, `services` section,
/// `use_fips_endpoint`, `use_dualstack_endpoint` and `sts_regional_endpoints`,
/// unless the environment or the configuration overrides them. SSO
/// profiles (`sso_session` with an `[sso-session]` section, or legacy
/// `sso_start_url` and `sso_region`, with `sso_account_id` and
/// `sso_role_name`) get credentials from an [`SsoProvider`], also as the
/// source profile of a role.
///
/// Not configured: no profile file exists, the `default` profile is not
/// defined, or the selected profile holds no credential settings at all.
/// A profile asked for by name (`AWS_PROFILE`, [`for_profile`](Self::for_profile),
/// [`ProviderConfig::with_profile_name`]) that is not defined, or whose
/// files do not exist, is an invalid configuration instead, so that a chain
/// stops rather than sign as whatever identity its next source has, as in
/// botocore. Any other failure (a broken chain, a failed STS call) means
/// the profile applied and failed.
#[derive(Debug, Clone)]
pub struct ProfileProvider {
    config: ProviderConfig,
    /// `credential_source = Ec2InstanceMetadata`: one provider for all
    /// calls, so that its session token and last credentials are kept.
    imds: Arc<ImdsProvider>,
    /// `credential_source = EcsContainer`.
    container: Arc<ContainerProvider>,
}

impl ProfileProvider {
    /// The profile `config` selects (`AWS_PROFILE`, else `default`, unless
    /// [`ProviderConfig::with_profile_name`] says otherwise).
    pub fn new(config: &ProviderConfig) -> Self {
        Self {
            config: config.clone(),
            imds: Arc::new(ImdsProvider::new(config)),
            container: Arc::new(ContainerProvider::new(config)),
        }
    }

    /// The profile `name`, whatever `AWS_PROFILE` says.
    pub fn for_profile(config: &ProviderConfig, name: impl Into<String>) -> Self {
        Self::new(&config.clone().with_profile_name(name))
    }

    fn base(
        &self,
        source: &str,
        base: BaseCredentials,
        settings: &StsSettings,
    ) -> Result<SharedCredentials, CredentialsError> {
        match base {
            BaseCredentials::AccessKey {
                access_key_id,
                secret_access_key,
                session_token,
                account_id,
                ..
            } => {
                let creds = Credentials::new(access_key_id, secret_access_key, session_token);
                Ok(Arc::new(match account_id {
                    Some(id) => creds.with_account_id(id),
                    None => creds,
                }))
            }
            BaseCredentials::NamedSource { name, .. } => self.named_source(source, &name),
            BaseCredentials::WebIdentityToken {
                profile,
                role_arn,
                web_identity_token_file,
                role_session_name,
                duration_seconds,
            } => WebIdentityProvider::from_profile(
                &self.config,
                format!("profile {profile:?}"),
                role_arn,
                web_identity_token_file,
                role_session_name,
                duration_seconds,
                settings.clone(),
            )
            .provide_credentials(),
            BaseCredentials::Sso {
                profile,
                sso_session,
                sso_start_url,
                sso_region,
                sso_account_id,
                sso_role_name,
            } => {
                let (Some(account_id), Some(role_name)) = (sso_account_id, sso_role_name) else {
                    return Err(CredentialsError::invalid_configuration(
                        format!("profile {profile:?}"),
                        "the profile names an SSO session but neither sso_account_id nor \
                         sso_role_name, so the selected profile will resolve an access token \
                         instead of credentials (for services that take a bearer token); add \
                         sso_account_id and sso_role_name for credentials",
                    ));
                };
                let session =
                    SsoSession::of_profile(profile, sso_session, sso_start_url, sso_region);
                SsoProvider::new(&self.config, session, account_id, role_name)
                    .with_settings(settings.clone())
                    .provide_credentials()
            }
            BaseCredentials::LoginSession {
                profile,
                login_session,
            } => LoginProvider::from_profile(
                &self.config,
                &profile,
                &login_session,
                settings.clone(),
            )
            .provide_credentials(),
            BaseCredentials::CredentialProcess {
                profile,
                command,
                account_id,
            } => {
                let creds = CredentialProcessProvider::new(command.expose())
                    .with_source_name(format!("profile {profile:?} (credential_process)"))
                    .with_shared_clock(Arc::clone(&self.config.clock))
                    .provide_credentials()?;
                // The process's own `AccountId` wins; the profile's is the
                // fallback.
                Ok(match account_id {
                    Some(id) if creds.account_id().is_none() => {
                        Arc::new((*creds).clone().with_account_id(id))
                    }
                    _ => creds,
                })
            }
        }
    }

    fn named_source(
        &self,
        source: &str,
        name: &str,
    ) -> Result<SharedCredentials, CredentialsError> {
        let context = format!("{source} (credential_source = {name})");
        let provider: Arc<dyn ProvideCredentials> = if let Some(p) = self.config.named_source(name)
        {
            p
        } else if name.eq_ignore_ascii_case("Environment") {
            Arc::new(EnvironmentProvider::from_config(&self.config))
        } else if name.eq_ignore_ascii_case("Ec2InstanceMetadata") {
            Arc::clone(&self.imds) as Arc<dyn ProvideCredentials>
        } else if name.eq_ignore_ascii_case("EcsContainer") {
            Arc::clone(&self.container) as Arc<dyn ProvideCredentials>
        } else {
            return Err(CredentialsError::invalid_configuration(
                context,
                format!(
                    "unknown credential_source {name:?}; expected Environment, \
                     Ec2InstanceMetadata or EcsContainer"
                ),
            ));
        };
        provider.provide_credentials().map_err(|e| {
            // The profile chose this source: its absence is a failure of
            // the profile, not a reason to try the next provider.
            let kind = match e.kind {
                CredentialsErrorKind::NotConfigured => CredentialsErrorKind::Failed,
                other => other,
            };
            e.within(context, kind)
        })
    }

    fn assume(
        &self,
        builder: &ClientBuilder,
        link: RoleLink,
        creds: SharedCredentials,
    ) -> Result<SharedCredentials, CredentialsError> {
        let source = format!("profile {:?}", link.profile);
        let session = link
            .role_session_name
            .unwrap_or_else(|| self.config.default_session_name());
        let mut request = AssumeRole::new(link.role_arn, session);
        if let Some(id) = link.external_id {
            request = request.external_id(id);
        }
        if let Some(d) = link.duration_seconds {
            request = request.duration_seconds(d);
        }
        if let Some(serial) = link.mfa_serial {
            let Some(mfa) = self.config.mfa() else {
                return Err(CredentialsError::invalid_configuration(
                    source,
                    format!(
                        "the profile has mfa_serial = {serial}, but no MFA token provider is set \
                         (ProviderConfig::with_mfa_token_provider)"
                    ),
                ));
            };
            let code = mfa.mfa_token(&serial).map_err(|why| {
                CredentialsError::failed(
                    source.clone(),
                    format!("the MFA token provider gave no code for {serial}: {why}"),
                )
            })?;
            request = request.mfa(serial, code);
        }
        RoleAssumer::new(builder.clone())
            .assume_role(creds, &request)
            .map(Arc::new)
            .map_err(|e| {
                let kind = e.kind;
                e.within(source, kind)
            })
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
        // A profile asked for by name (`AWS_PROFILE`, or a name given to
        // this provider) that is not there stops a chain instead of letting
        // it move on: the next source (instance metadata, say) would sign
        // as another identity than the one the user named.
        let named = self.config.profile_is_named();
        let loaded = self.config.load_profiles().map_err(|e| {
            if named && e.is_not_configured() {
                let reason = format!("{}, and the profile was asked for by name", e.reason);
                CredentialsError::invalid_configuration(e.provider, reason)
            } else {
                e
            }
        })?;
        let source = format!("profile {:?}", loaded.profile);
        let chain = profile_chain::resolve(&loaded.set, &loaded.profile).map_err(|e| {
            let kind = match e {
                profile_chain::ProfileChainError::NoProfiles
                | profile_chain::ProfileChainError::ProfileNotFound { .. }
                    if named =>
                {
                    CredentialsErrorKind::InvalidConfiguration
                }
                _ => e.kind(),
            };
            let mut reason = e.to_string();
            if !loaded.unreadable.is_empty() {
                reason = format!("{reason} ({})", loaded.unreadable.join("; "));
            }
            CredentialsError::with_kind(kind, source.clone(), reason).with_cause(e)
        })?;
        // Which profile's settings the STS calls of the chain use; the
        // resolver reads (and checks) them when the client is made.
        let settings = match loaded.set.profile(&loaded.profile) {
            Some(p) => StsSettings::of_profile(p.name()),
            None => StsSettings::default(),
        };
        let mut creds = self.base(&source, chain.base, &settings)?;
        if chain.roles.is_empty() {
            return Ok(creds);
        }
        let builder = self.config.sts_builder(&settings)?;
        for link in chain.roles {
            creds = self.assume(&builder, link, creds)?;
        }
        Ok(creds)
    }
}
