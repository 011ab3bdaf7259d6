//! From a profile to the steps that produce its credentials, without I/O.
//!
//! [`resolve`] follows `source_profile` links from the selected profile to
//! a profile that has credentials of its own, and returns the base
//! credentials' source and the roles to assume on top, in order. The rules
//! are the AWS SDKs':
//!
//! - in the selected profile, `role_arn` with `source_profile` (or
//!   `credential_source`) wins over the profile's own static keys;
//! - further down the chain, static keys end the chain and that profile's
//!   `role_arn` is ignored;
//! - a profile that names itself as `source_profile` uses its own static keys;
//! - `role_arn` with `web_identity_token_file` is a web identity base;
//! - without `role_arn`: `login_session`, then `credential_process`, then
//!   static keys;
//! - a profile visited twice is a loop, reported with its path;
//! - without `role_arn`, an SSO profile (`sso_session`, `sso_start_url`,
//!   `sso_account_id`, `sso_role_name`, `sso_region`) is an SSO base: with
//!   `sso_session`, the start URL and region come from the
//!   `[sso-session name]` section (a profile's own `sso_start_url` or
//!   `sso_region` must agree with it); without it, from the profile.
//!   `sso_account_id` and `sso_role_name` go together; a profile with
//!   neither names a session only (for a bearer token, not credentials).

use std::fmt;

use sts_proto::SecretString;

use super::CredentialsErrorKind;
use crate::profile::{ProfileSet, Section};

/// The steps that produce a profile's credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProfileChain {
    /// Where the first credentials come from.
    pub base: BaseCredentials,
    /// Roles to assume in turn, each with the previous step's credentials.
    pub roles: Vec<RoleLink>,
}

/// The start of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BaseCredentials {
    /// `aws_access_key_id` and `aws_secret_access_key` (and
    /// `aws_session_token`) of a profile.
    #[non_exhaustive]
    AccessKey {
        /// The profile they are in.
        profile: String,
        /// `aws_access_key_id`.
        access_key_id: String,
        /// `aws_secret_access_key`.
        secret_access_key: SecretString,
        /// `aws_session_token`.
        session_token: Option<SecretString>,
        /// `aws_account_id`.
        account_id: Option<String>,
    },
    /// `credential_source = name` (`Environment`, `Ec2InstanceMetadata`,
    /// `EcsContainer`).
    #[non_exhaustive]
    NamedSource {
        /// The profile naming it.
        profile: String,
        /// The source's name as written.
        name: String,
    },
    /// `web_identity_token_file` with `role_arn`.
    #[non_exhaustive]
    WebIdentityToken {
        /// The profile.
        profile: String,
        /// `role_arn`.
        role_arn: String,
        /// `web_identity_token_file`.
        web_identity_token_file: String,
        /// `role_session_name`.
        role_session_name: Option<String>,
        /// `duration_seconds`.
        duration_seconds: Option<i32>,
    },
    /// `login_session`: a console login session of `aws login`.
    #[non_exhaustive]
    LoginSession {
        /// The profile.
        profile: String,
        /// The session, as `aws login` names its cache file after it.
        login_session: String,
    },
    /// `credential_process`.
    #[non_exhaustive]
    CredentialProcess {
        /// The profile.
        profile: String,
        /// The command line, hidden from `Debug`: it often carries a token
        /// (`NAME=token helper`, `helper --token …`).
        command: SecretString,
        /// `aws_account_id`, used if the process reports none.
        account_id: Option<String>,
    },
    /// IAM Identity Center: a role's credentials from the SSO portal, with
    /// the bearer token the AWS CLI cached at `aws sso login`.
    #[non_exhaustive]
    Sso {
        /// The profile.
        profile: String,
        /// `sso_session`: the `[sso-session]` section the start URL and
        /// region come from (`None` for a legacy profile that holds them).
        sso_session: Option<String>,
        /// `sso_start_url`.
        sso_start_url: String,
        /// `sso_region`: where the portal and the OIDC service are called.
        sso_region: String,
        /// `sso_account_id` (`None` with `sso_role_name`: the profile names
        /// a session for a bearer token only).
        sso_account_id: Option<String>,
        /// `sso_role_name`.
        sso_role_name: Option<String>,
    },
}

/// One role to assume.
///
/// Not exhaustive: the settings a role profile can hold grow with the
/// AWS SDKs'.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleLink {
    /// The profile with the `role_arn`.
    pub profile: String,
    /// `role_arn`.
    pub role_arn: String,
    /// `external_id`.
    pub external_id: Option<String>,
    /// `role_session_name`.
    pub role_session_name: Option<String>,
    /// `duration_seconds`.
    pub duration_seconds: Option<i32>,
    /// `mfa_serial`.
    pub mfa_serial: Option<String>,
}

/// Why a profile gives no chain.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileChainError {
    /// The files define no profile at all.
    NoProfiles,
    /// The selected profile is not defined.
    ProfileNotFound {
        /// Its name.
        profile: String,
    },
    /// A `source_profile` names a profile that is not defined.
    SourceProfileNotFound {
        /// The missing profile.
        source_profile: String,
        /// The profile naming it.
        referenced_from: String,
    },
    /// `source_profile` links form a loop.
    Loop {
        /// The profiles in order, the repeated one last.
        path: Vec<String>,
    },
    /// More profiles linked by `source_profile` than [`MAX_CHAIN_PROFILES`]:
    /// each would be one `AssumeRole` call, and no real setup has so many.
    TooLong {
        /// The selected profile.
        profile: String,
        /// The limit.
        limit: usize,
    },
    /// `role_arn` without `source_profile`, `credential_source` or
    /// `web_identity_token_file`.
    RoleWithoutSource {
        /// The profile.
        profile: String,
    },
    /// Both `source_profile` and `credential_source`.
    BothSources {
        /// The profile.
        profile: String,
    },
    /// One of the two static key properties without the other.
    PartialKeys {
        /// The profile.
        profile: String,
        /// The property that is missing.
        missing: &'static str,
    },
    /// The profile holds no credential settings.
    NoCredentials {
        /// The profile.
        profile: String,
        /// Whether it is the selected profile (then the profile source is
        /// simply not configured) or a source profile (then the chain is broken).
        selected: bool,
    },
    /// `web_identity_token_file` without `role_arn`.
    WebIdentityWithoutRole {
        /// The profile.
        profile: String,
    },
    /// A property whose value is not of the expected form.
    InvalidValue {
        /// The profile.
        profile: String,
        /// The property.
        key: &'static str,
        /// What it should be.
        expected: &'static str,
    },
    /// An SSO profile without one of the settings it needs, or with
    /// settings that contradict its `[sso-session]` section.
    InvalidSso {
        /// The profile.
        profile: String,
        /// What is wrong.
        reason: String,
    },
    /// `sso_session` names an `[sso-session]` section that is not defined.
    SsoSessionNotFound {
        /// The missing session.
        sso_session: String,
        /// The profile naming it.
        profile: String,
    },
}

impl ProfileChainError {
    /// How a credentials chain should treat the error.
    pub fn kind(&self) -> CredentialsErrorKind {
        match self {
            ProfileChainError::NoProfiles | ProfileChainError::ProfileNotFound { .. } => {
                CredentialsErrorKind::NotConfigured
            }
            ProfileChainError::NoCredentials { selected: true, .. } => {
                CredentialsErrorKind::NotConfigured
            }
            _ => CredentialsErrorKind::InvalidConfiguration,
        }
    }
}

impl fmt::Display for ProfileChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileChainError::NoProfiles => f.write_str("No profiles were defined"),
            ProfileChainError::ProfileNotFound { profile } => {
                write!(f, "profile `{profile}` is not defined")
            }
            ProfileChainError::SourceProfileNotFound {
                source_profile,
                referenced_from,
            } => write!(
                f,
                "could not find source profile {source_profile} referenced from {referenced_from}"
            ),
            ProfileChainError::Loop { path } => {
                write!(f, "profile formed an infinite loop: {}", path.join(" -> "))
            }
            ProfileChainError::TooLong { profile, limit } => write!(
                f,
                "profile `{profile}` starts a chain of more than {limit} profiles linked by \
                 source_profile"
            ),
            ProfileChainError::RoleWithoutSource { profile } => write!(
                f,
                "profile `{profile}` has role_arn, so the profile must contain `source_profile` \
                 or `credential_source` (or `web_identity_token_file`)"
            ),
            ProfileChainError::BothSources { profile } => write!(
                f,
                "profile `{profile}`: profile contained both source_profile and credential_source; \
                 only one is allowed"
            ),
            ProfileChainError::PartialKeys { profile, missing } => {
                write!(f, "profile `{profile}`: profile missing {missing}")
            }
            ProfileChainError::NoCredentials { profile, .. } => write!(
                f,
                "profile `{profile}` did not contain credential information"
            ),
            ProfileChainError::WebIdentityWithoutRole { profile } => write!(
                f,
                "profile `{profile}`: `web_identity_token_file` was specified but `role_arn` was missing"
            ),
            ProfileChainError::InvalidValue {
                profile,
                key,
                expected,
            } => write!(f, "profile `{profile}`: `{key}` must be {expected}"),
            ProfileChainError::InvalidSso { profile, reason } => {
                write!(f, "profile `{profile}`: {reason}")
            }
            ProfileChainError::SsoSessionNotFound {
                sso_session,
                profile,
            } => write!(
                f,
                "sso-session named `{sso_session}` (referenced by profile `{profile}`) was not found"
            ),
        }
    }
}

impl std::error::Error for ProfileChainError {}

const SSO_KEYS: &[&str] = &[
    "sso_session",
    "sso_start_url",
    "sso_account_id",
    "sso_role_name",
    "sso_region",
];

/// The most profiles one chain may link through `source_profile`. botocore
/// sets no limit; this one keeps a hostile file from making a chain of
/// thousands of `AssumeRole` calls, and the loop check's work small.
pub const MAX_CHAIN_PROFILES: usize = 100;

/// The chain that produces `selected`'s credentials in `set`.
///
/// ```
/// use sts_blocking::credentials::profile_chain::{BaseCredentials, resolve};
/// use sts_blocking::profile;
///
/// let set = profile::parse(
///     "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = base\n",
///     "[base]\naws_access_key_id = AKID\naws_secret_access_key = SECRET\n",
/// )?;
/// let chain = resolve(&set, "admin")?;
/// assert!(matches!(chain.base, BaseCredentials::AccessKey { .. }));
/// assert_eq!(chain.roles[0].role_arn, "arn:aws:iam::123456789012:role/admin");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn resolve(set: &ProfileSet, selected: &str) -> Result<ProfileChain, ProfileChainError> {
    if set.is_empty() {
        return Err(ProfileChainError::NoProfiles);
    }
    let mut visited: Vec<String> = Vec::new();
    let mut roles: Vec<RoleLink> = Vec::new();
    let mut name = selected.to_owned();
    let mut referenced_from: Option<String> = None;
    let base = loop {
        let Some(profile) = set.profile(&name) else {
            return Err(match referenced_from {
                None => ProfileChainError::ProfileNotFound { profile: name },
                Some(from) => ProfileChainError::SourceProfileNotFound {
                    source_profile: name,
                    referenced_from: from,
                },
            });
        };
        if visited.contains(&name) {
            visited.push(name);
            return Err(ProfileChainError::Loop { path: visited });
        }
        if visited.len() == MAX_CHAIN_PROFILES {
            return Err(ProfileChainError::TooLong {
                profile: selected.to_owned(),
                limit: MAX_CHAIN_PROFILES,
            });
        }
        visited.push(name.clone());
        let first = visited.len() == 1;

        if !first && has_static_keys(profile) {
            break static_keys(profile)?;
        }
        let Some(role_arn) = profile.get_nonempty("role_arn") else {
            break base_without_role(set, profile, first)?;
        };
        if let Some(token_file) = profile.get_nonempty("web_identity_token_file") {
            break BaseCredentials::WebIdentityToken {
                profile: name.clone(),
                role_arn: role_arn.trim().to_owned(),
                web_identity_token_file: token_file.trim().to_owned(),
                role_session_name: opt(profile, "role_session_name"),
                duration_seconds: duration(profile)?,
            };
        }
        let source_profile = opt(profile, "source_profile");
        let credential_source = opt(profile, "credential_source");
        let link = RoleLink {
            profile: name.clone(),
            role_arn: role_arn.trim().to_owned(),
            external_id: opt(profile, "external_id"),
            role_session_name: opt(profile, "role_session_name"),
            duration_seconds: duration(profile)?,
            mfa_serial: opt(profile, "mfa_serial"),
        };
        match (source_profile, credential_source) {
            (Some(_), Some(_)) => return Err(ProfileChainError::BothSources { profile: name }),
            (None, Some(source)) => {
                roles.push(link);
                break BaseCredentials::NamedSource {
                    profile: name,
                    name: source,
                };
            }
            (Some(source), None) if source == name => {
                roles.push(link);
                if !has_static_keys(profile) {
                    return Err(ProfileChainError::NoCredentials {
                        profile: name,
                        selected: false,
                    });
                }
                break static_keys(profile)?;
            }
            (Some(source), None) => {
                roles.push(link);
                referenced_from = Some(std::mem::replace(&mut name, source));
            }
            (None, None) => return Err(ProfileChainError::RoleWithoutSource { profile: name }),
        }
    };
    roles.reverse();
    Ok(ProfileChain { base, roles })
}

/// The selected profile `selected`'s web identity settings with `role_arn`
/// in place of its missing one: for a profile with
/// `web_identity_token_file` and no `role_arn`, which botocore completes
/// with `AWS_ROLE_ARN` ([`resolve`] refuses it, as it knows no
/// environment).
pub(crate) fn web_identity_with_role(
    set: &ProfileSet,
    selected: &str,
    role_arn: String,
) -> Result<ProfileChain, ProfileChainError> {
    let Some(profile) = set.profile(selected) else {
        return Err(ProfileChainError::ProfileNotFound {
            profile: selected.to_owned(),
        });
    };
    let Some(token_file) = profile.get_nonempty("web_identity_token_file") else {
        return resolve(set, selected);
    };
    Ok(ProfileChain {
        base: BaseCredentials::WebIdentityToken {
            profile: selected.to_owned(),
            role_arn,
            web_identity_token_file: token_file.trim().to_owned(),
            role_session_name: opt(profile, "role_session_name"),
            duration_seconds: duration(profile)?,
        },
        roles: Vec::new(),
    })
}

fn opt(profile: Section<'_>, key: &str) -> Option<String> {
    profile.get_nonempty(key).map(|v| v.trim().to_owned())
}

fn duration(profile: Section<'_>) -> Result<Option<i32>, ProfileChainError> {
    match profile.get_nonempty("duration_seconds") {
        None => Ok(None),
        Some(v) => {
            let v = v.trim();
            v.parse::<i32>().map(Some).map_err(|_| {
                // A whole number too large for the request is not "not a
                // number": say what STS takes instead.
                let whole = v.strip_prefix(['-', '+']).unwrap_or(v);
                let too_large = !whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit());
                ProfileChainError::InvalidValue {
                    profile: profile.name().to_owned(),
                    key: "duration_seconds",
                    expected: if too_large {
                        "a number of seconds STS takes (900 to 43200 for a role)"
                    } else {
                        "a whole number of seconds"
                    },
                }
            })
        }
    }
}

fn has_static_keys(profile: Section<'_>) -> bool {
    profile.get_nonempty("aws_access_key_id").is_some()
        || profile.get_nonempty("aws_secret_access_key").is_some()
}

fn static_keys(profile: Section<'_>) -> Result<BaseCredentials, ProfileChainError> {
    let partial = |missing| ProfileChainError::PartialKeys {
        profile: profile.name().to_owned(),
        missing,
    };
    let access_key_id =
        opt(profile, "aws_access_key_id").ok_or_else(|| partial("aws_access_key_id"))?;
    let secret = profile
        .get_nonempty("aws_secret_access_key")
        .ok_or_else(|| partial("aws_secret_access_key"))?;
    Ok(BaseCredentials::AccessKey {
        profile: profile.name().to_owned(),
        access_key_id,
        secret_access_key: SecretString::new(secret.trim()),
        // `aws_security_token` is the token's legacy name, which botocore
        // still reads and tools such as saml2aws write.
        session_token: profile
            .get_nonempty("aws_session_token")
            .or_else(|| profile.get_nonempty("aws_security_token"))
            .map(|t| SecretString::new(t.trim())),
        account_id: opt(profile, "aws_account_id"),
    })
}

/// A profile without `role_arn`: web identity (an error), SSO,
/// `login_session`, `credential_process`, or static keys.
fn base_without_role(
    set: &ProfileSet,
    profile: Section<'_>,
    selected: bool,
) -> Result<BaseCredentials, ProfileChainError> {
    let name = profile.name().to_owned();
    if profile.get_nonempty("web_identity_token_file").is_some() {
        return Err(ProfileChainError::WebIdentityWithoutRole { profile: name });
    }
    if SSO_KEYS.iter().any(|k| profile.get_nonempty(k).is_some()) {
        return sso(set, profile);
    }
    if let Some(login_session) = opt(profile, "login_session") {
        return Ok(BaseCredentials::LoginSession {
            profile: name,
            login_session,
        });
    }
    if let Some(command) = opt(profile, "credential_process") {
        return Ok(BaseCredentials::CredentialProcess {
            profile: name,
            command: SecretString::new(command),
            account_id: opt(profile, "aws_account_id"),
        });
    }
    if has_static_keys(profile) {
        return static_keys(profile);
    }
    Err(ProfileChainError::NoCredentials {
        profile: name,
        selected,
    })
}

/// The SSO base of `profile` (`None` when it has no SSO settings), for
/// the SSO token provider, which needs only the session.
pub(crate) fn sso_base(
    set: &ProfileSet,
    profile: Section<'_>,
) -> Option<Result<BaseCredentials, ProfileChainError>> {
    SSO_KEYS
        .iter()
        .any(|k| profile.get_nonempty(k).is_some())
        .then(|| sso(set, profile))
}

/// The SSO base of `profile`, checked as the AWS SDKs check it.
fn sso(set: &ProfileSet, profile: Section<'_>) -> Result<BaseCredentials, ProfileChainError> {
    let name = profile.name().to_owned();
    let invalid = |reason: String| ProfileChainError::InvalidSso {
        profile: name.clone(),
        reason,
    };
    let sso_account_id = opt(profile, "sso_account_id");
    let sso_role_name = opt(profile, "sso_role_name");
    match (&sso_account_id, &sso_role_name) {
        (None, Some(_)) => {
            return Err(invalid(
                "if `sso_role_name` is set, then `sso_account_id` must also be set".to_owned(),
            ));
        }
        (Some(_), None) => {
            return Err(invalid(
                "if `sso_account_id` is set, then `sso_role_name` must also be set".to_owned(),
            ));
        }
        _ => {}
    }
    let own_start_url = opt(profile, "sso_start_url");
    let own_region = opt(profile, "sso_region");
    let (sso_session, sso_start_url, sso_region) = match opt(profile, "sso_session") {
        Some(session_name) => {
            let Some(session) = set.sso_session(&session_name) else {
                return Err(ProfileChainError::SsoSessionNotFound {
                    sso_session: session_name,
                    profile: name,
                });
            };
            let start_url = opt(session, "sso_start_url");
            let region = opt(session, "sso_region");
            let missing = |key: &str| {
                invalid(format!(
                    "sso-session `{session_name}` has no `{key}`, which SSO needs"
                ))
            };
            // Both values quoted, as botocore quotes them; a value the
            // session lacks is reported as missing, not as different.
            for (key, own, theirs) in [
                ("sso_region", &own_region, &region),
                ("sso_start_url", &own_start_url, &start_url),
            ] {
                match (own, theirs) {
                    // In the words of aws-sdk-rust (the smithy-rs fixture),
                    // then what is wrong: the session lacks it.
                    (Some(_), None) => {
                        return Err(invalid(format!(
                            "`{key}` can only be specified in the [sso-session] config when a \
                             session name is given, and sso-session `{session_name}` has no \
                             `{key}`"
                        )));
                    }
                    (Some(own), Some(theirs)) if own != theirs => {
                        return Err(invalid(format!(
                            "`{key}` is inconsistent between profile ({own}) and sso-session \
                             `{session_name}` ({theirs}); give it in the [sso-session] section \
                             only"
                        )));
                    }
                    _ => {}
                }
            }
            let start_url = start_url.ok_or_else(|| missing("sso_start_url"))?;
            let region = region.ok_or_else(|| missing("sso_region"))?;
            (Some(session_name), start_url, region)
        }
        None => {
            let missing = |key: &str| {
                invalid(format!(
                    "`{key}` is missing; an SSO profile without `sso_session` needs both \
                     `sso_start_url` and `sso_region`"
                ))
            };
            let start_url = own_start_url.ok_or_else(|| missing("sso_start_url"))?;
            let region = own_region.ok_or_else(|| missing("sso_region"))?;
            if sso_account_id.is_none() {
                return Err(invalid(
                    "`sso_account_id` and `sso_role_name` are missing; a profile without \
                     `sso_session` must name the account and role to sign in to"
                        .to_owned(),
                ));
            }
            (None, start_url, region)
        }
    };
    Ok(BaseCredentials::Sso {
        profile: name,
        sso_session,
        sso_start_url,
        sso_region,
        sso_account_id,
        sso_role_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile;

    #[test]
    fn the_tokens_legacy_name_is_read_when_the_current_one_is_not_set() {
        let set = profile::parse(
            "[profile legacy]\naws_access_key_id = K\naws_secret_access_key = S\n\
             aws_security_token = LEGACY\n\
             [profile both]\naws_access_key_id = K\naws_secret_access_key = S\n\
             aws_security_token = LEGACY\naws_session_token = CURRENT\n",
            "",
        )
        .unwrap();
        for (name, want) in [("legacy", "LEGACY"), ("both", "CURRENT")] {
            let chain = resolve(&set, name).unwrap();
            let BaseCredentials::AccessKey { session_token, .. } = &chain.base else {
                panic!("{name}: {:?}", chain.base)
            };
            assert_eq!(session_token.as_ref().map(|t| t.expose()), Some(want));
        }
    }

    #[test]
    fn long_chains_resolve_in_order() {
        let set = profile::parse(
            "[profile a]\nrole_arn = ra\nsource_profile = b\n\
             [profile b]\nrole_arn = rb\nsource_profile = c\nexternal_id = x\n\
             [profile c]\nrole_arn = rc\nsource_profile = d\nmfa_serial = arn:mfa\nduration_seconds = 900\n\
             [profile d]\naws_access_key_id = K\naws_secret_access_key = S\n",
            "",
        )
        .unwrap();
        let chain = resolve(&set, "a").unwrap();
        let arns: Vec<&str> = chain.roles.iter().map(|r| r.role_arn.as_str()).collect();
        assert_eq!(arns, ["rc", "rb", "ra"]);
        assert_eq!(chain.roles[0].mfa_serial.as_deref(), Some("arn:mfa"));
        assert_eq!(chain.roles[0].duration_seconds, Some(900));
        assert_eq!(chain.roles[1].external_id.as_deref(), Some("x"));
        assert!(
            matches!(chain.base, BaseCredentials::AccessKey { ref profile, .. } if profile == "d")
        );
    }

    #[test]
    fn a_login_session_is_a_base_of_its_own_or_of_a_role() {
        let set = profile::parse(
            "[profile console]\nlogin_session = arn:aws:sts::1:assumed-role/A/a\n\
             credential_process = ignored\n\
             [profile admin]\nrole_arn = ra\nsource_profile = console\n",
            "",
        )
        .unwrap();
        let base = BaseCredentials::LoginSession {
            profile: "console".to_owned(),
            login_session: "arn:aws:sts::1:assumed-role/A/a".to_owned(),
        };
        let own = resolve(&set, "console").unwrap();
        assert_eq!(own.base, base);
        assert!(own.roles.is_empty());
        let chained = resolve(&set, "admin").unwrap();
        assert_eq!(chained.base, base);
        assert_eq!(chained.roles[0].role_arn, "ra");
    }

    #[test]
    fn loops_name_their_path() {
        let set = profile::parse(
            "[profile a]\nrole_arn = ra\nsource_profile = b\n\
             [profile b]\nrole_arn = rb\nsource_profile = c\n\
             [profile c]\nrole_arn = rc\nsource_profile = a\n",
            "",
        )
        .unwrap();
        let err = resolve(&set, "a").unwrap_err();
        assert_eq!(
            err.to_string(),
            "profile formed an infinite loop: a -> b -> c -> a"
        );
        assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
    }

    /// A chain of `n` role profiles p0 -> p1 -> ... ending in keys.
    fn chain_of(n: usize) -> profile::ProfileSet {
        let mut config = String::new();
        for i in 0..n {
            config.push_str(&format!(
                "[profile p{i}]\nrole_arn = r{i}\nsource_profile = p{}\n",
                i + 1
            ));
        }
        config.push_str(&format!(
            "[profile p{n}]\naws_access_key_id = K\naws_secret_access_key = S\n"
        ));
        profile::parse(&config, "").unwrap()
    }

    #[test]
    fn chains_longer_than_the_limit_are_refused() {
        // The limit counts profiles: MAX - 1 roles and their keys' profile.
        let chain = resolve(&chain_of(MAX_CHAIN_PROFILES - 1), "p0").unwrap();
        assert_eq!(chain.roles.len(), MAX_CHAIN_PROFILES - 1);
        let err = resolve(&chain_of(MAX_CHAIN_PROFILES), "p0").unwrap_err();
        assert_eq!(
            err,
            ProfileChainError::TooLong {
                profile: "p0".into(),
                limit: MAX_CHAIN_PROFILES
            }
        );
        assert_eq!(err.kind(), CredentialsErrorKind::InvalidConfiguration);
        // Long files resolve quickly: the walk stops at the limit.
        let long = chain_of(50_000);
        let start = std::time::Instant::now();
        assert!(resolve(&long, "p0").is_err());
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn bad_duration_is_reported() {
        let set = profile::parse(
            "[profile a]\nrole_arn = ra\nsource_profile = a\nduration_seconds = 1h\naws_access_key_id = K\naws_secret_access_key = S\n",
            "",
        )
        .unwrap();
        let err = resolve(&set, "a").unwrap_err();
        assert!(err.to_string().contains("duration_seconds"), "{err}");
        assert!(err.to_string().contains("whole number"), "{err}");
        // A whole number too large for the request says what STS takes.
        let set = profile::parse(
            "[profile a]\nrole_arn = ra\nsource_profile = a\nduration_seconds = 99999999999\n\
             aws_access_key_id = K\naws_secret_access_key = S\n",
            "",
        )
        .unwrap();
        let err = resolve(&set, "a").unwrap_err().to_string();
        assert!(
            err.contains("900 to 43200") && !err.contains("whole number"),
            "{err}"
        );
    }

    #[test]
    fn sso_profiles_are_checked_against_their_session() {
        let set = profile::parse(
            "[profile agree]\nsso_session = s\nsso_start_url = https://u\nsso_region = r\n\
             sso_account_id = 1\nsso_role_name = n\n\
             [profile other-url]\nsso_session = s\nsso_start_url = https://v\n\
             [profile no-region]\nsso_session = t\n\
             [profile own-region]\nsso_session = t\nsso_region = r\n\
             [profile legacy]\nsso_start_url = https://u\nsso_account_id = 1\nsso_role_name = n\n\
             [profile legacy-token]\nsso_start_url = https://u\nsso_region = r\n\
             [profile role]\nrole_arn = ra\nsource_profile = agree\n\
             [sso-session s]\nsso_start_url = https://u\nsso_region = r\n\
             [sso-session t]\nsso_start_url = https://u\n",
            "",
        )
        .unwrap();
        let chain = resolve(&set, "role").unwrap();
        assert!(matches!(
            chain.base,
            BaseCredentials::Sso { ref profile, ref sso_session, ref sso_region, .. }
                if profile == "agree" && sso_session.as_deref() == Some("s") && sso_region == "r"
        ));
        assert_eq!(chain.roles.len(), 1);
        for (name, want) in [
            (
                "other-url",
                "`sso_start_url` is inconsistent between profile (https://v) and sso-session \
                 `s` (https://u)",
            ),
            ("no-region", "sso-session `t` has no `sso_region`"),
            // Found by comparing with botocore 1.44.8: reported as a value
            // that "differs" from the one the session lacks.
            ("own-region", "sso-session `t` has no `sso_region`"),
            ("legacy", "`sso_region` is missing"),
            (
                "legacy-token",
                "`sso_account_id` and `sso_role_name` are missing",
            ),
        ] {
            let e = resolve(&set, name).unwrap_err();
            assert!(e.to_string().contains(want), "{name}: {e}");
            assert_eq!(e.kind(), CredentialsErrorKind::InvalidConfiguration);
        }
    }

    #[test]
    fn debug_of_a_chain_hides_secrets() {
        let set = profile::parse(
            "[default]\naws_access_key_id = K\naws_secret_access_key = VERYSECRET\naws_session_token = TOKENVALUE\n",
            "",
        )
        .unwrap();
        let chain = resolve(&set, "default").unwrap();
        let text = format!("{chain:?}");
        assert!(
            !text.contains("VERYSECRET") && !text.contains("TOKENVALUE"),
            "{text}"
        );
        let set = profile::parse(
            "[default]\ncredential_process = helper --token PROCESSTOKEN\n",
            "",
        )
        .unwrap();
        let chain = resolve(&set, "default").unwrap();
        let text = format!("{chain:?}");
        assert!(!text.contains("PROCESSTOKEN"), "{text}");
        let BaseCredentials::CredentialProcess { command, .. } = chain.base else {
            panic!("{text}");
        };
        assert_eq!(command.expose(), "helper --token PROCESSTOKEN");
    }
}
