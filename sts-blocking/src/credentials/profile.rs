//! Credentials from the shared config and credentials files.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sts_proto::Credentials;
use sts_proto::ops::AssumeRole;

use super::assume_role::{RoleAssumer, with_mfa_code};
use super::profile_chain::{self, BaseCredentials, RoleLink};
use super::provider_config::StsSettings;
use super::role_cache;
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

    /// The selected profile's own web identity settings, each replaced by
    /// its environment variable where that is set (`AWS_ROLE_ARN`,
    /// `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_SESSION_NAME`), as
    /// botocore's web identity provider reads them, one by one: a pod's
    /// role, as EKS sets it, over the config file's. Not when the program
    /// named the profile ([`ProviderConfig::with_profile_name`], the
    /// `sts` tool's `--profile`), where botocore reads no environment
    /// either; nor for a role's source profile.
    fn with_environment(&self, base: BaseCredentials) -> BaseCredentials {
        let BaseCredentials::WebIdentityToken {
            profile,
            role_arn,
            web_identity_token_file,
            role_session_name,
            duration_seconds,
        } = base
        else {
            return base;
        };
        let from_env = |name: &str| self.environment_value(name);
        BaseCredentials::WebIdentityToken {
            profile,
            role_arn: from_env("AWS_ROLE_ARN").unwrap_or(role_arn),
            web_identity_token_file: from_env("AWS_WEB_IDENTITY_TOKEN_FILE")
                .unwrap_or(web_identity_token_file),
            role_session_name: from_env("AWS_ROLE_SESSION_NAME").or(role_session_name),
            duration_seconds,
        }
    }

    /// `name`'s value in the environment, for the selected profile's web
    /// identity settings: none when the program named the profile.
    fn environment_value(&self, name: &str) -> Option<String> {
        if self.config.profile_name().is_some() {
            return None;
        }
        self.config
            .env()
            .get_nonempty(name)
            .map(|v| v.trim().to_owned())
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

    /// `link`'s role, assumed with `creds`; with a role cache `file`, its
    /// answer is kept there.
    fn assume(
        &self,
        builder: &ClientBuilder,
        link: RoleLink,
        creds: SharedCredentials,
        file: Option<&Path>,
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
            request = with_mfa_code(request, &serial, mfa, source.clone())?;
        }
        RoleAssumer::new(builder.clone())
            .assume_role_keeping(creds, &request, |output| {
                if let Some(file) = file {
                    let user = output.assumed_role_user.as_ref();
                    role_cache::write(&self.config, file, &output.credentials, user);
                }
            })
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
        let chain = match profile_chain::resolve(&loaded.set, &loaded.profile) {
            // Without `role_arn` of its own, the role is the environment's
            // (`AWS_ROLE_ARN`, see `with_environment`), as botocore has it.
            Err(profile_chain::ProfileChainError::WebIdentityWithoutRole { profile })
                if profile == loaded.profile =>
            {
                match self.environment_value("AWS_ROLE_ARN") {
                    Some(role_arn) => {
                        profile_chain::web_identity_with_role(&loaded.set, &profile, role_arn)
                    }
                    None => {
                        Err(profile_chain::ProfileChainError::WebIdentityWithoutRole { profile })
                    }
                }
            }
            other => other,
        };
        let chain = chain.map_err(|e| {
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
        if chain.roles.is_empty() {
            return self.base(&source, self.with_environment(chain.base), &settings);
        }
        // With the role cache, the chain starts after the last role whose
        // credentials it holds: nothing before that role is asked (its
        // source, an MFA code), as botocore asks a role's source only when
        // the role itself must be assumed.
        let files: Vec<Option<PathBuf>> = chain
            .roles
            .iter()
            .map(|link| role_cache::file_of(&self.config, role_cache::CacheKey::of_link(link)))
            .collect();
        let now = self.config.clock().now();
        let cached = files.iter().enumerate().rev().find_map(|(i, file)| {
            role_cache::read(&self.config, file.as_deref()?, now).map(|creds| (i, creds))
        });
        let (mut creds, next) = match cached {
            Some((i, creds)) => (Arc::new(creds) as SharedCredentials, i + 1),
            None => (self.base(&source, chain.base, &settings)?, 0),
        };
        let builder = self.config.sts_builder(&settings)?;
        for (link, file) in chain.roles.into_iter().zip(&files).skip(next) {
            creds = self.assume(&builder, link, creds, file.as_deref())?;
        }
        Ok(creds)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use super::*;
    use crate::credentials::MapFs;
    use crate::env::MapEnv;
    use crate::transport::{Transport, TransportError};

    /// Answers `AssumeRole` with keys named after the role (`ASIA` and
    /// its last ARN segment, upper-cased), and keeps which roles were
    /// assumed with which key.
    #[derive(Debug, Default)]
    struct Roles {
        assumed: Mutex<Vec<(String, String)>>,
    }

    impl Transport for Roles {
        fn send(
            &self,
            request: http::Request<Vec<u8>>,
            _timeout: Option<Duration>,
        ) -> Result<http::Response<Vec<u8>>, TransportError> {
            let body = String::from_utf8_lossy(request.body()).into_owned();
            let role = body
                .split('&')
                .find_map(|p| p.strip_prefix("RoleArn="))
                .and_then(|arn| arn.rsplit("%2F").next())
                .unwrap_or_default()
                .to_ascii_uppercase();
            let auth = request.headers()[http::header::AUTHORIZATION]
                .to_str()
                .unwrap();
            let key = auth.split("Credential=").nth(1).unwrap();
            let key = key.split('/').next().unwrap().to_owned();
            self.assumed.lock().unwrap().push((role.clone(), key));
            let xml = format!(
                "<AssumeRoleResponse><AssumeRoleResult><Credentials>\
                 <AccessKeyId>ASIA{role}</AccessKeyId><SecretAccessKey>s</SecretAccessKey>\
                 <SessionToken>t</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>\
                 </Credentials><AssumedRoleUser><AssumedRoleId>AROA:x</AssumedRoleId>\
                 <Arn>arn:aws:sts::123456789012:assumed-role/{role}/x</Arn></AssumedRoleUser>\
                 </AssumeRoleResult></AssumeRoleResponse>"
            );
            Ok(http::Response::new(xml.into_bytes()))
        }
    }

    const CONFIG: &str = "[profile base]\naws_access_key_id = AKIDBASE\n\
        aws_secret_access_key = b\nregion = us-east-1\n\
        [profile first]\nrole_arn = arn:aws:iam::123456789012:role/first\n\
        source_profile = base\n\
        [profile second]\nrole_arn = arn:aws:iam::123456789012:role/second\n\
        source_profile = first\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n\
        region = us-east-1\n";

    fn provider(
        fs: &MapFs,
        roles: &Arc<Roles>,
        cache: bool,
    ) -> (ProfileProvider, Arc<Mutex<usize>>) {
        let asked = Arc::new(Mutex::new(0));
        let counted = Arc::clone(&asked);
        let config = ProviderConfig::new()
            .with_env(MapEnv::new([("HOME", "/h"), ("AWS_PROFILE", "second")]))
            .with_fs(fs.clone())
            .with_transport(Arc::clone(roles) as Arc<dyn Transport>)
            .with_mfa_token_provider(move |_: &str| {
                *counted.lock().unwrap() += 1;
                Ok(sts_proto::SecretString::from("123456"))
            })
            .with_role_cache(cache);
        (ProfileProvider::new(&config), asked)
    }

    /// The environment's web identity variables win over the selected
    /// profile's keys one by one, as botocore reads them (found by a
    /// review: the profile's role was assumed where the AWS CLI assumed the
    /// pod's); not when the program named the profile, nor for a role's
    /// source profile.
    #[test]
    fn the_environment_wins_over_a_web_identity_profile_key_by_key() {
        const WEB: &str = "[default]\nrole_arn = arn:aws:iam::123456789012:role/profile-role\n\
            web_identity_token_file = /profile-token\nrole_session_name = profile-session\n\
            region = us-east-1\n\
            [profile chained]\nrole_arn = arn:aws:iam::123456789012:role/second\n\
            source_profile = default\nregion = us-east-1\n";
        let sent = Arc::new(crate::transport::script::Script::new(&[
            (403, "AccessDenied"),
            (403, "AccessDenied"),
            (403, "AccessDenied"),
            (403, "AccessDenied"),
        ]));
        let fs = MapFs::new()
            .with_file("/h/.aws/config", WEB)
            .with_file("/profile-token", "p-token")
            .with_file("/env-token", "e-token");
        let config = |vars: &[(&'static str, &'static str)]| {
            let mut all = vec![("HOME", "/h")];
            all.extend_from_slice(vars);
            ProviderConfig::new()
                .with_env(MapEnv::new(all))
                .with_fs(fs.clone())
                .with_transport(Arc::clone(&sent) as Arc<dyn Transport>)
        };
        let pod = [
            ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/pod-role"),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", "/env-token"),
        ];
        ProfileProvider::new(&config(&pod))
            .provide_credentials()
            .unwrap_err();
        ProfileProvider::new(&config(&[("AWS_ROLE_SESSION_NAME", "env-session")]))
            .provide_credentials()
            .unwrap_err();
        ProfileProvider::for_profile(&config(&pod), "default")
            .provide_credentials()
            .unwrap_err();
        let mut chained = pod.to_vec();
        chained.push(("AWS_PROFILE", "chained"));
        ProfileProvider::new(&config(&chained))
            .provide_credentials()
            .unwrap_err();
        let sent = sent.sent.lock().unwrap();
        assert_eq!(sent.len(), 4, "{sent:?}");
        let has = |i: usize, words: &[&str]| {
            for w in words {
                assert!(sent[i].contains(w), "{i}: {w} not in {}", sent[i]);
            }
        };
        has(
            0,
            &[
                "role%2Fpod-role",
                "WebIdentityToken=e-token",
                "RoleSessionName=profile-session",
            ],
        );
        has(
            1,
            &[
                "role%2Fprofile-role",
                "WebIdentityToken=p-token",
                "RoleSessionName=env-session",
            ],
        );
        has(
            2,
            &[
                "role%2Fprofile-role",
                "WebIdentityToken=p-token",
                "RoleSessionName=profile-session",
            ],
        );
        has(3, &["role%2Fprofile-role", "WebIdentityToken=p-token"]);
        drop(sent);

        // A profile without `role_arn` takes the environment's (found by
        // a review: refused as incomplete, where the AWS CLI used it); a
        // named profile or no `AWS_ROLE_ARN` is still refused.
        let fs = MapFs::new()
            .with_file(
                "/h/.aws/config",
                "[default]\nweb_identity_token_file = /profile-token\nregion = us-east-1\n",
            )
            .with_file("/profile-token", "p-token");
        let sent = Arc::new(crate::transport::script::Script::new(&[(
            403,
            "AccessDenied",
        )]));
        let config = |vars: Vec<(&'static str, &'static str)>| {
            ProviderConfig::new()
                .with_env(MapEnv::new(vars))
                .with_fs(fs.clone())
                .with_transport(Arc::clone(&sent) as Arc<dyn Transport>)
        };
        let pod_role = ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/pod-role");
        let e = ProfileProvider::new(&config(vec![("HOME", "/h"), pod_role]))
            .provide_credentials()
            .unwrap_err();
        assert!(e.to_string().contains("AccessDenied"), "{e}");
        let sent_now = sent.sent.lock().unwrap().clone();
        assert_eq!(sent_now.len(), 1);
        assert!(sent_now[0].contains("role%2Fpod-role"), "{}", sent_now[0]);
        assert!(
            sent_now[0].contains("WebIdentityToken=p-token"),
            "{}",
            sent_now[0]
        );
        for provider in [
            ProfileProvider::new(&config(vec![("HOME", "/h")])),
            ProfileProvider::for_profile(&config(vec![("HOME", "/h"), pod_role]), "default"),
        ] {
            let e = provider.provide_credentials().unwrap_err();
            assert!(e.to_string().contains("role_arn"), "{e}");
        }
        assert_eq!(sent.sent.lock().unwrap().len(), 1);
    }

    /// The chain starts after the last role the cache holds: neither the
    /// roles before it nor an MFA code are asked for.
    #[test]
    fn a_chain_starts_after_its_last_cached_role() {
        let fs = MapFs::new().with_file("/h/.aws/config", CONFIG);
        let roles = Arc::new(Roles::default());
        let (p, asked) = provider(&fs, &roles, true);
        assert_eq!(
            p.provide_credentials().unwrap().access_key_id(),
            "ASIASECOND"
        );
        let assumed = |r: &Roles| r.assumed.lock().unwrap().clone();
        let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(
            assumed(&roles),
            [pair("FIRST", "AKIDBASE"), pair("SECOND", "ASIAFIRST")]
        );
        assert_eq!(*asked.lock().unwrap(), 1);
        // Both roles cached: nothing is asked.
        let again = p.provide_credentials().unwrap();
        assert_eq!(again.access_key_id(), "ASIASECOND");
        assert_eq!(again.account_id(), Some("123456789012"));
        assert_eq!(assumed(&roles).len(), 2);
        assert_eq!(*asked.lock().unwrap(), 1);
        // Only the first role cached: the second is assumed with its keys.
        let second = fs
            .paths()
            .into_iter()
            .find(|path| {
                fs.get(path)
                    .is_some_and(|f| String::from_utf8_lossy(&f).contains("ASIASECOND"))
            })
            .unwrap();
        // Written as botocore writes it, with the account in `Credentials`
        // (found by a review: the AWS CLI read no account from the file).
        let file = String::from_utf8(fs.get(&second).unwrap()).unwrap();
        assert!(file.contains(r#""AccountId":"123456789012""#), "{file}");
        // Clones share their files: this removes it from the provider's.
        fs.clone().remove(&second);
        p.provide_credentials().unwrap();
        assert_eq!(assumed(&roles)[2], pair("SECOND", "ASIAFIRST"));
        assert_eq!(*asked.lock().unwrap(), 2);
        // Without the cache turned on, the files are neither read nor
        // written.
        let fresh = MapFs::new().with_file("/h/.aws/config", CONFIG);
        let roles = Arc::new(Roles::default());
        let (p, _) = provider(&fresh, &roles, false);
        p.provide_credentials().unwrap();
        p.provide_credentials().unwrap();
        assert_eq!(assumed(&roles).len(), 4);
        assert_eq!(fresh.paths().len(), 1);
    }
}
