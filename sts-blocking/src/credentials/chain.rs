//! Trying several sources in turn, and the default chain.

use std::fmt;
use std::sync::Arc;

use super::{
    CachingProvider, ContainerProvider, CredentialsError, EnvironmentProvider, ImdsProvider,
    ProfileProvider, ProvideCredentials, ProviderConfig, SharedCredentials, WebIdentityProvider,
};
use crate::config::ClientBuilder;

/// The first source that is configured.
///
/// Sources are asked in order. One that fails with
/// [`NotConfigured`](super::CredentialsErrorKind::NotConfigured) is skipped;
/// any other failure ends the search with that error (a profile that is set
/// up but broken must not silently fall through to another identity). If
/// no source is configured, the error lists each source and why.
///
/// ```
/// use sts_blocking::credentials::{ChainProvider, EnvironmentProvider, StaticProvider};
/// use sts_blocking::env::MapEnv;
/// use sts_proto::Credentials;
///
/// let chain = ChainProvider::new()
///     .with("environment", EnvironmentProvider::new(MapEnv::default()))
///     .with("fallback", StaticProvider::new(Credentials::new("AKID", "SECRET", None)));
/// ```
#[derive(Clone, Default)]
pub struct ChainProvider {
    providers: Vec<(String, Arc<dyn ProvideCredentials>)>,
}

impl fmt::Debug for ChainProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.providers.iter().map(|(n, _)| n))
            .finish()
    }
}

impl ChainProvider {
    /// An empty chain (it has no credentials to give).
    pub fn new() -> Self {
        Self::default()
    }

    /// The same chain with `provider`, called `name` in errors, at the end.
    pub fn with(
        mut self,
        name: impl Into<String>,
        provider: impl ProvideCredentials + 'static,
    ) -> Self {
        self.push(name, provider);
        self
    }

    /// Adds `provider` at the end.
    pub fn push(&mut self, name: impl Into<String>, provider: impl ProvideCredentials + 'static) {
        self.providers.push((name.into(), Arc::new(provider)));
    }

    /// Adds a shared provider at the end.
    pub fn push_shared(&mut self, name: impl Into<String>, provider: Arc<dyn ProvideCredentials>) {
        self.providers.push((name.into(), provider));
    }

    /// The sources' names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.providers.iter().map(|(n, _)| n.as_str())
    }
}

impl ProvideCredentials for ChainProvider {
    fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
        let mut tried = Vec::with_capacity(self.providers.len());
        for (name, provider) in &self.providers {
            match provider.provide_credentials() {
                Ok(c) => return Ok(c),
                Err(e) if e.is_not_configured() => tried.push(format!("{name}: {}", e.reason)),
                Err(e) => return Err(e),
            }
        }
        let reason = if tried.is_empty() {
            "the chain has no sources".to_owned()
        } else {
            format!(
                "the credential provider was not enabled: no source had credentials; tried {}",
                tried.join("; ")
            )
        };
        Err(CredentialsError::not_configured(
            "credentials chain",
            reason,
        ))
    }
}

/// The AWS SDKs' default chain: environment variables, then the shared
/// profile files, then web identity from the environment (EKS service
/// accounts), then the container endpoint (ECS, EKS Pod Identity), then EC2
/// instance metadata. Each is skipped when not set up; the first that is
/// set up gives the credentials or the error. Off EC2, instance metadata
/// costs one attempt's time limit (1 s by default, see [`ImdsProvider`]).
/// Add your own sources with [`ChainProvider::with`].
pub fn default_chain(config: &ProviderConfig) -> ChainProvider {
    ChainProvider::new()
        .with("environment", EnvironmentProvider::from_config(config))
        .with("profile", ProfileProvider::new(config))
        .with("web identity", WebIdentityProvider::from_env(config))
        .with("container", ContainerProvider::new(config))
        .with("instance metadata", ImdsProvider::new(config))
}

/// What a client built without credentials uses, behind a
/// [`CachingProvider`]: with a profile named on the builder
/// ([`ClientBuilder::profile_name`]), the [`named_profile_chain`], else
/// the [`default_chain`]; STS calls made as `builder` says (see
/// [`ProviderConfig::from_client_builder`]), with the process environment
/// and file system.
pub fn default_provider(builder: &ClientBuilder) -> Arc<dyn ProvideCredentials> {
    client_provider(
        &ProviderConfig::from_client_builder(builder),
        builder.explicit.profile.as_deref(),
    )
}

/// The credentials of a client that has none of its own, behind a
/// [`CachingProvider`]: a profile `named` by the program gives the
/// [`named_profile_chain`]; else the [`default_chain`].
/// [`ClientBuilder::from_config`] and [`default_provider`] both choose
/// this way.
pub(crate) fn client_provider(
    config: &ProviderConfig,
    named: Option<&str>,
) -> Arc<dyn ProvideCredentials> {
    let source: Box<dyn ProvideCredentials> = match named {
        Some(name) => Box::new(named_profile_chain(config, name)),
        None => Box::new(default_chain(config)),
    };
    Arc::new(CachingProvider::builder(source).config(config).build())
}

/// The sources for a profile the program names (`--profile`), in
/// botocore's order for an explicit profile: the profile, then the
/// container endpoint, then instance metadata. The environment's keys and
/// web identity variables are skipped, as botocore skips them: they must
/// not sign for a profile the user chose. A profile that is not defined
/// stops the chain; one that is defined but holds no credentials (only a
/// region, say) goes on, so `--profile dev` works on an EC2 instance or
/// in a container as it does with the AWS CLI.
pub fn named_profile_chain(config: &ProviderConfig, name: &str) -> ChainProvider {
    ChainProvider::new()
        .with("profile", ProfileProvider::for_profile(config, name))
        .with("container", ContainerProvider::new(config))
        .with("instance metadata", ImdsProvider::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::{CredentialsErrorKind, MapFs, StaticProvider};
    use crate::env::MapEnv;
    use sts_proto::Credentials;

    #[derive(Debug)]
    struct Fails(CredentialsErrorKind);

    impl ProvideCredentials for Fails {
        fn provide_credentials(&self) -> Result<SharedCredentials, CredentialsError> {
            Err(CredentialsError::with_kind(self.0, "fails", "on purpose"))
        }
    }

    #[test]
    fn skips_not_configured_and_stops_on_failure() {
        let ok = StaticProvider::new(Credentials::new("AKID", "S", None));
        let chain = ChainProvider::new()
            .with("a", Fails(CredentialsErrorKind::NotConfigured))
            .with("b", ok.clone());
        assert_eq!(chain.provide_credentials().unwrap().access_key_id(), "AKID");

        let chain = ChainProvider::new()
            .with("a", Fails(CredentialsErrorKind::InvalidConfiguration))
            .with("b", ok);
        assert_eq!(
            chain.provide_credentials().unwrap_err().kind(),
            CredentialsErrorKind::InvalidConfiguration
        );
    }

    /// A profile chain followed by a source that always has credentials,
    /// with `env` and a config file holding `config` (none if empty).
    fn profile_then_fallback(env: &[(&str, &str)], config: &str) -> ChainProvider {
        let mut fs = MapFs::new();
        if !config.is_empty() {
            fs = fs.with_file("/home/.aws/config", config);
        }
        let mut vars = vec![("HOME", "/home")];
        vars.extend_from_slice(env);
        let config = ProviderConfig::new()
            .with_env(MapEnv::new(vars))
            .with_fs(fs);
        ChainProvider::new()
            .with("profile", ProfileProvider::new(&config))
            .with(
                "fallback",
                StaticProvider::new(Credentials::new("AKIDFALLBACK", "S", None)),
            )
    }

    #[test]
    fn a_profile_named_by_aws_profile_must_exist() {
        let files = "[profile dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = S\n";
        // Named and there: its keys.
        let chain = profile_then_fallback(&[("AWS_PROFILE", "dev")], files);
        assert_eq!(
            chain.provide_credentials().unwrap().access_key_id(),
            "AKIDDEV"
        );
        // Named and missing, from files that exist or from none at all:
        // the chain stops rather than sign as the next source's identity.
        for config in [files, ""] {
            let chain = profile_then_fallback(&[("AWS_PROFILE", "dve")], config);
            let err = chain.provide_credentials().unwrap_err();
            assert_eq!(
                err.kind(),
                CredentialsErrorKind::InvalidConfiguration,
                "{err}"
            );
            assert!(err.to_string().contains("dve"), "{err}");
        }
        // The implicit `default`, missing or without files: not set up,
        // so the chain moves on.
        for config in [files, ""] {
            let chain = profile_then_fallback(&[], config);
            let creds = chain.provide_credentials().unwrap();
            assert_eq!(creds.access_key_id(), "AKIDFALLBACK");
        }
        // Named and there, but without credentials (only a region): not
        // set up either, as in botocore.
        let chain = profile_then_fallback(
            &[("AWS_PROFILE", "dev")],
            "[profile dev]\nregion = eu-west-1\n",
        );
        let creds = chain.provide_credentials().unwrap();
        assert_eq!(creds.access_key_id(), "AKIDFALLBACK");
        // Named on the provider: the same as `AWS_PROFILE`.
        let config = ProviderConfig::new()
            .with_env(MapEnv::new([("HOME", "/home")]))
            .with_fs(MapFs::new().with_file("/home/.aws/config", files));
        let err = ProfileProvider::for_profile(&config, "dve")
            .provide_credentials()
            .unwrap_err();
        assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
    }

    #[test]
    fn a_profile_named_on_the_builder_gives_the_credentials_of_a_plain_build() {
        let files = "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = d\n\
                     [profile prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = p\n";
        let config = || {
            ProviderConfig::new()
                .with_env(MapEnv::new([
                    ("HOME", "/home"),
                    ("AWS_ACCESS_KEY_ID", "AKIDENV"),
                    ("AWS_SECRET_ACCESS_KEY", "e"),
                ]))
                .with_fs(MapFs::new().with_file("/home/.aws/config", files))
        };
        let provider =
            |b: crate::ClientBuilder| client_provider(&config(), b.explicit.profile.as_deref());
        let named = crate::Client::builder().profile_name("prod");
        let creds = provider(named).provide_credentials().unwrap();
        assert_eq!(creds.access_key_id(), "AKIDPROD");
        // Without a name: the chain, whose environment keys come first.
        let creds = provider(crate::Client::builder())
            .provide_credentials()
            .unwrap();
        assert_eq!(creds.access_key_id(), "AKIDENV");
        // A name that is not in the files fails; nothing else signs.
        let typo = crate::Client::builder().profile_name("prdo");
        let err = provider(typo).provide_credentials().unwrap_err();
        assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
    }

    /// Profile files of several megabytes (a profile for each account and
    /// role of an organisation) are read; only one past the limit is
    /// refused, naming it.
    #[test]
    fn large_profile_files_are_read_up_to_the_limit() {
        let padding = "# generated\n".repeat(5 * 1024 * 1024 / 12);
        let config = |files: String| {
            ProviderConfig::new()
                .with_env(MapEnv::new([("HOME", "/home"), ("AWS_PROFILE", "last")]))
                .with_fs(MapFs::new().with_file("/home/.aws/config", files))
        };
        let files = format!(
            "{padding}[profile last]\naws_access_key_id = AKIDLAST\naws_secret_access_key = s\n"
        );
        assert!(files.len() > 5 * 1000 * 1000);
        let creds = ProfileProvider::new(&config(files))
            .provide_credentials()
            .unwrap();
        assert_eq!(creds.access_key_id(), "AKIDLAST");
        let too_large =
            "#".repeat(usize::try_from(crate::credentials::MAX_PROFILE_FILE_BYTES).unwrap() + 1);
        let err = ProfileProvider::new(&config(too_large))
            .provide_credentials()
            .unwrap_err();
        assert!(
            err.to_string()
                .contains(&crate::credentials::MAX_PROFILE_FILE_BYTES.to_string()),
            "{err}"
        );
    }

    #[test]
    fn empty_default_chain_lists_every_source() {
        let config = ProviderConfig::new()
            .with_env(MapEnv::new([
                ("HOME", "/home"),
                ("AWS_EC2_METADATA_DISABLED", "true"),
            ]))
            .with_fs(MapFs::new());
        let err = default_chain(&config).provide_credentials().unwrap_err();
        assert!(err.is_not_configured());
        for name in [
            "environment:",
            "profile:",
            "web identity:",
            "container:",
            "instance metadata:",
        ] {
            assert!(err.reason.contains(name), "{err}");
        }
    }
}
