//! This crate's configuration resolver against botocore's, on several
//! hundred generated configurations.
//!
//! The unit tests of `sts_blocking::settings` check the resolver against
//! what its authors believe the AWS tools do; this test asks one of those
//! tools. Each case (environment variables, a config file, a credentials
//! file, maybe an explicit profile) is written to a scratch directory and
//! resolved twice:
//!
//! - by botocore 1.44.8, from the moto venv, in one Python process for all
//!   cases (`tests/config_vs_botocore/resolve.py`): `Session(profile=…)`,
//!   `create_client('sts')`, `get_credentials()`; nothing is sent, and
//!   nothing can reach the network (static keys only, instance metadata
//!   off);
//! - by this crate, in-process: `ClientBuilder::from_config` or
//!   `profile_with`, `build`, `credentials`.
//!
//! Compared: region, endpoint URL (trailing `/` aside), max attempts, retry
//! mode, the access key id signed with, and whether a client can be made
//! at all. When both refuse a configuration, their reasons are not
//! compared (they are tallied in the output): botocore raises Python
//! exceptions, we return typed errors.
//!
//! A disagreement fails the test unless [`DELIBERATE`] explains it. Most
//! entries explain a difference by translating the case into botocore's
//! vocabulary (`AWS_REGION` becomes `AWS_DEFAULT_REGION`, …): the
//! translated case, run through botocore again (one more process for all
//! of them), must then agree exactly, so an entry cannot hide more than the
//! one difference it names. The rest
//! are shapes of outcome (we refuse, botocore goes on) checked directly.
//! Every entry must explain at least one case, so the table does not keep
//! differences that are gone.
//!
//! `cargo test -p sts-tests --test config_vs_botocore -- --nocapture`
//! prints the tally.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sts_blocking::credentials::ProviderConfig;
use sts_blocking::env::MapEnv;
use sts_blocking::sts_proto::endpoint::EndpointError;
use sts_blocking::{ClientBuilder, ConfigError, Error};

/// Bound on the botocore process. It takes about 15 ms a case on an idle
/// core; the bound leaves room for a loaded machine and stops a hang.
const BOTOCORE_TIMEOUT: Duration = Duration::from_secs(180);

// ---------------------------------------------------------------------------
// Cases

/// One configuration, as both resolvers are given it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Case {
    /// Which family of the generator made it, for reports.
    family: &'static str,
    /// Variables besides `HOME` and the file paths.
    env: BTreeMap<String, String>,
    /// A profile named by the program (`aws --profile`), not the environment.
    profile: Option<String>,
    config: Option<String>,
    credentials: Option<String>,
    /// Whether the files are found through `HOME` (`~/.aws/config`) rather
    /// than `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`.
    via_home: bool,
}

impl Case {
    fn new(family: &'static str) -> Self {
        Self {
            family,
            env: BTreeMap::new(),
            profile: None,
            config: None,
            credentials: None,
            via_home: false,
        }
    }

    fn vars(mut self, vars: &[(&str, &str)]) -> Self {
        for (k, v) in vars {
            self.env.insert((*k).to_owned(), (*v).to_owned());
        }
        self
    }

    fn profile(mut self, name: Option<&str>) -> Self {
        self.profile = name.map(str::to_owned);
        self
    }

    fn files(mut self, config: Option<&str>, credentials: Option<&str>) -> Self {
        self.config = config.map(str::to_owned);
        self.credentials = credentials.map(str::to_owned);
        self
    }

    /// The case for a report: secret keys and tokens hidden (they are
    /// fake, but a report is no place for anything named a secret).
    fn show(&self) -> String {
        let mut s = format!("[{}]", self.family);
        if let Some(p) = &self.profile {
            let _ = write!(s, " explicit profile {p:?};");
        }
        s.push_str(" env:");
        for (k, v) in &self.env {
            let v = if k.contains("SECRET") || k.contains("TOKEN") {
                "***"
            } else {
                v
            };
            let _ = write!(s, " {k}={v:?}");
        }
        let redact = |text: &str| {
            text.lines()
                .map(|l| {
                    if l.contains("secret") || l.contains("token") {
                        format!("{} = ***", l.split('=').next().unwrap_or("").trim())
                    } else {
                        l.to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        let place = if self.via_home {
            " (via HOME)"
        } else {
            " (via AWS_CONFIG_FILE)"
        };
        match &self.config {
            Some(c) => {
                let _ = write!(s, "\n    config{place}: {:?}", redact(c));
            }
            None => s.push_str("\n    no config file"),
        }
        match &self.credentials {
            Some(c) => {
                let _ = write!(s, "\n    credentials: {:?}", redact(c));
            }
            None => s.push_str("\n    no credentials file"),
        }
        s
    }
}

const SECRET: &str = "fake-secret-key";

/// `aws_access_key_id = ID` and a fake secret.
fn keys(id: &str) -> String {
    format!("aws_access_key_id = {id}\naws_secret_access_key = {SECRET}\n")
}

const ENV_KEYS: &[(&str, &str)] = &[
    ("AWS_ACCESS_KEY_ID", "AKIDENV"),
    ("AWS_SECRET_ACCESS_KEY", SECRET),
];

/// Every configuration compared: an exhaustive product of small axes per
/// family, so the set is the same on every run.
fn generate() -> Vec<Case> {
    let mut cases = Vec::new();
    profiles_and_credentials(&mut cases);
    regions(&mut cases);
    sts_endpoints(&mut cases);
    endpoint_urls(&mut cases);
    retries(&mut cases);
    odd_values(&mut cases);
    cases
}

/// Sets of files for the profile-selection family: (name, config, credentials).
fn profile_files() -> Vec<(&'static str, Option<String>, Option<String>)> {
    vec![
        ("no files", None, None),
        (
            "default and dev",
            Some(
                "[default]\nregion = eu-west-1\n\n[profile dev]\nregion = ap-northeast-1\n".into(),
            ),
            Some(format!(
                "[default]\n{}\n[dev]\n{}",
                keys("AKIDCREDSDEFAULT"),
                keys("AKIDCREDSDEV")
            )),
        ),
        (
            "blank regions",
            Some("[default]\nregion =\n[profile dev]\nregion =\n".into()),
            Some(format!(
                "[default]\n{}[dev]\n{}",
                keys("AKIDCREDSDEFAULT"),
                keys("AKIDCREDSDEV")
            )),
        ),
        (
            "credentials file only, regions in it",
            None,
            Some(format!(
                "[default]\nregion = us-west-1\n{}[dev]\nregion = eu-south-1\n{}",
                keys("AKIDCREDSDEFAULT"),
                keys("AKIDCREDSDEV")
            )),
        ),
        (
            "both files set region and keys",
            Some(format!(
                "[default]\nregion = eu-west-1\n{}[profile dev]\nregion = ap-northeast-1\n{}",
                keys("AKIDCONFIGDEFAULT"),
                keys("AKIDCONFIGDEV")
            )),
            Some(format!(
                "[default]\nregion = us-west-1\n{}[dev]\n{}",
                keys("AKIDCREDSDEFAULT"),
                keys("AKIDCREDSDEV")
            )),
        ),
        (
            "keys in the config file only, dev without keys",
            Some(format!(
                "[default]\nregion = eu-west-1\n{}[profile dev]\nregion = ap-northeast-1\n",
                keys("AKIDCONFIGDEFAULT")
            )),
            None,
        ),
        (
            "sections of the wrong form for their file",
            // `[dev]` in the config file and `[profile dev]` in the
            // credentials file define no profile `dev`.
            Some("[dev]\nregion = eu-west-2\n[profile default]\nregion = ca-central-1\n".into()),
            Some(format!(
                "[profile dev]\n{}[default]\n{}",
                keys("AKIDCREDSPROFILEDEV"),
                keys("AKIDCREDSDEFAULT")
            )),
        ),
        (
            "dev only, no default",
            Some("[profile dev]\nregion = ap-northeast-1\n".into()),
            Some(format!("[dev]\n{}", keys("AKIDCREDSDEV"))),
        ),
    ]
}

/// How the profile is chosen: (environment, explicit profile).
type Selection = (
    &'static [(&'static str, &'static str)],
    Option<&'static str>,
);

const SELECTIONS: &[Selection] = &[
    (&[], None),
    (&[("AWS_PROFILE", "dev")], None),
    (&[("AWS_PROFILE", "missing")], None),
    (&[], Some("dev")),
    (&[], Some("missing")),
    (&[("AWS_PROFILE", "missing")], Some("dev")),
    (&[("AWS_DEFAULT_PROFILE", "dev")], None),
    (&[("AWS_PROFILE", "")], None),
    (&[("AWS_PROFILE", "dev")], Some("default")),
];

/// Which profile is read, and which credentials it signs with. The region
/// is set in the environment so that a client is made and its credentials
/// can be compared; `regions` tries the profiles' regions.
fn profiles_and_credentials(cases: &mut Vec<Case>) {
    let env_credentials: &[&[(&str, &str)]] = &[
        &[],
        ENV_KEYS,
        // Half a pair: both refuse it, botocore when making the client.
        &[("AWS_ACCESS_KEY_ID", "AKIDENVHALF")],
    ];
    for (_, config, credentials) in profile_files() {
        for (select, explicit) in SELECTIONS {
            for creds in env_credentials {
                cases.push(
                    Case::new("profiles and credentials")
                        .files(config.as_deref(), credentials.as_deref())
                        .vars(select)
                        .vars(creds)
                        .vars(&[("AWS_DEFAULT_REGION", "us-west-2")])
                        .profile(*explicit),
                );
            }
        }
    }
}

/// Where the region comes from, with and without a profile.
fn regions(cases: &mut Vec<Case>) {
    let env_regions: &[&[(&str, &str)]] = &[
        &[],
        &[("AWS_REGION", "us-west-2")],
        &[("AWS_DEFAULT_REGION", "ap-southeast-2")],
        &[
            ("AWS_REGION", "ca-central-1"),
            ("AWS_DEFAULT_REGION", "eu-central-1"),
        ],
        &[("AWS_REGION", "")],
        &[("AWS_DEFAULT_REGION", "")],
        &[("AWS_REGION", ""), ("AWS_DEFAULT_REGION", "sa-east-1")],
    ];
    let files = profile_files();
    for (name, config, credentials) in &files {
        if !matches!(
            *name,
            "no files"
                | "default and dev"
                | "blank regions"
                | "credentials file only, regions in it"
        ) {
            continue;
        }
        for (select, explicit) in &SELECTIONS[..6] {
            for region in env_regions {
                cases.push(
                    Case::new("regions")
                        .files(config.as_deref(), credentials.as_deref())
                        .vars(select)
                        .vars(region)
                        .vars(ENV_KEYS)
                        .profile(*explicit),
                );
            }
        }
    }
}

/// Regional and legacy STS endpoints, FIPS and dual-stack, in regions that
/// had the global endpoint and regions that never did, in every partition
/// with its own STS; settings from the environment and the profile, the
/// files found through `HOME`.
fn sts_endpoints(cases: &mut Vec<Case>) {
    let regions = [
        "us-east-1",
        "eu-west-1",
        "ap-northeast-1",
        "sa-east-1",
        "eu-south-1",
        "af-south-1",
        "us-gov-west-1",
        "cn-north-1",
    ];
    let modes: &[(&[(&str, &str)], &str)] = &[
        (&[], ""),
        (&[("AWS_STS_REGIONAL_ENDPOINTS", "regional")], ""),
        (&[("AWS_STS_REGIONAL_ENDPOINTS", "legacy")], ""),
        (&[], "sts_regional_endpoints = legacy\n"),
        (
            &[("AWS_STS_REGIONAL_ENDPOINTS", "regional")],
            "sts_regional_endpoints = legacy\n",
        ),
    ];
    let variants: &[(&[(&str, &str)], &str)] = &[
        (&[], ""),
        (&[("AWS_USE_FIPS_ENDPOINT", "true")], ""),
        (&[], "use_dualstack_endpoint = true\n"),
        (
            &[
                ("AWS_USE_FIPS_ENDPOINT", "true"),
                ("AWS_USE_DUALSTACK_ENDPOINT", "true"),
            ],
            "",
        ),
        (
            &[("AWS_USE_DUALSTACK_ENDPOINT", "true")],
            "use_fips_endpoint = true\n",
        ),
    ];
    for region in regions {
        for (mode_env, mode_profile) in modes {
            for (variant_env, variant_profile) in variants {
                let config =
                    format!("[default]\nregion = {region}\n{mode_profile}{variant_profile}");
                let mut case = Case::new("STS endpoints")
                    .files(Some(&config), None)
                    .vars(mode_env)
                    .vars(variant_env)
                    .vars(ENV_KEYS);
                case.via_home = true;
                cases.push(case);
            }
        }
    }
}

/// Configured endpoint URLs: the two variables, the profile's
/// `endpoint_url`, its `services` section, and ignoring them all.
fn endpoint_urls(cases: &mut Vec<Case>) {
    let global: &[&[(&str, &str)]] = &[
        &[],
        &[("AWS_ENDPOINT_URL", "http://global.env.example:4001")],
        &[("AWS_ENDPOINT_URL", "")],
    ];
    let sts: &[&[(&str, &str)]] = &[
        &[],
        &[("AWS_ENDPOINT_URL_STS", "https://sts.env.example:4002/")],
        &[("AWS_ENDPOINT_URL_STS", "")],
    ];
    let profiles = [
        "",
        "endpoint_url = http://profile.example:4003\n",
        "services = s\n[services s]\nsts =\n  endpoint_url = http://services.example:4004\n",
        "endpoint_url = http://profile.example:4003\nservices = s\n\
         [services s]\nsts =\n  endpoint_url = http://services.example:4004/base\n",
        "endpoint_url = http://profile.example:4003\nservices = nowhere\n",
        "endpoint_url = http://profile.example:4003\nservices = s\n\
         [services s]\ns3 =\n  endpoint_url = http://s3.example:4005\n",
        "endpoint_url = http://profile.example:4003\nservices = s\n\
         [services s]\nsts =\n  endpoint_url =\n",
    ];
    let ignore: &[(&[(&str, &str)], &str)] = &[
        (&[], ""),
        (&[("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")], ""),
        (&[], "ignore_configured_endpoint_urls = true\n"),
        (
            &[("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false")],
            "ignore_configured_endpoint_urls = true\n",
        ),
    ];
    for g in global {
        for s in sts {
            for profile in profiles {
                for (ignore_env, ignore_profile) in ignore {
                    // The `[default]` keys first: `profile` may open a
                    // `[services]` section.
                    let config =
                        format!("[default]\nregion = eu-west-1\n{ignore_profile}{profile}");
                    cases.push(
                        Case::new("endpoint URLs")
                            .files(Some(&config), None)
                            .vars(g)
                            .vars(s)
                            .vars(ignore_env)
                            .vars(ENV_KEYS),
                    );
                }
            }
        }
    }
    // FIPS and dual-stack together with a configured endpoint.
    for (var, url) in [
        ("AWS_ENDPOINT_URL_STS", "https://sts.env.example:4002"),
        ("AWS_ENDPOINT_URL", "http://global.env.example:4001"),
    ] {
        for flag in ["AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT"] {
            cases.push(
                Case::new("endpoint URLs")
                    .files(Some("[default]\nregion = us-east-1\n"), None)
                    .vars(&[(var, url), (flag, "true")])
                    .vars(ENV_KEYS),
            );
        }
    }
    cases.push(
        Case::new("endpoint URLs")
            .files(
                Some("[default]\nregion = us-east-1\nuse_fips_endpoint = true\nendpoint_url = http://profile.example:4003\n"),
                None,
            )
            .vars(ENV_KEYS),
    );
}

/// Retry mode and max attempts, from the environment and the profile,
/// valid and not.
fn retries(cases: &mut Vec<Case>) {
    let modes = [
        None,
        Some("standard"),
        Some("legacy"),
        Some("adaptive"),
        Some("fast"),
        Some(""),
        Some("Legacy"),
    ];
    let attempts = [None, Some("1"), Some("7"), Some("0"), Some(""), Some("x")];
    let profiles = [
        "",
        "retry_mode = legacy\n",
        "max_attempts = 4\n",
        "retry_mode = fast\nmax_attempts = 0\n",
    ];
    for mode in modes {
        for n in attempts {
            for profile in profiles {
                let mut case = Case::new("retries")
                    .files(Some(&format!("[default]\n{profile}")), None)
                    .vars(&[("AWS_DEFAULT_REGION", "eu-west-1")])
                    .vars(ENV_KEYS);
                if let Some(mode) = mode {
                    case = case.vars(&[("AWS_RETRY_MODE", mode)]);
                }
                if let Some(n) = n {
                    case = case.vars(&[("AWS_MAX_ATTEMPTS", n)]);
                }
                cases.push(case);
            }
        }
    }
}

/// Values no family above tries: malformed regions, booleans, URLs,
/// whitespace, and credentials split oddly.
fn odd_values(cases: &mut Vec<Case>) {
    let env_only = |vars: &[(&str, &str)]| {
        Case::new("odd values")
            .files(Some("[default]\nregion = eu-west-1\n"), None)
            .vars(vars)
            .vars(ENV_KEYS)
    };
    for vars in [
        &[("AWS_DEFAULT_REGION", "us-east-1/evil")][..],
        &[("AWS_REGION", "us-east-1/evil")],
        &[("AWS_DEFAULT_REGION", "US-EAST-1")],
        &[("AWS_DEFAULT_REGION", "123")],
        &[("AWS_DEFAULT_REGION", "-bad")],
        &[("AWS_DEFAULT_REGION", "a.b")],
        &[("AWS_DEFAULT_REGION", " eu-west-1")],
        &[("AWS_MAX_ATTEMPTS", " 4 ")],
        &[("AWS_MAX_ATTEMPTS", "-1")],
        &[("AWS_MAX_ATTEMPTS", "2.5")],
        &[("AWS_RETRY_MODE", "STANDARD")],
        &[("AWS_USE_FIPS_ENDPOINT", "TRUE")],
        &[("AWS_USE_FIPS_ENDPOINT", "yes")],
        &[("AWS_USE_DUALSTACK_ENDPOINT", "1")],
        &[
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "yes"),
            ("AWS_ENDPOINT_URL", "http://x.example"),
        ],
        &[("AWS_STS_REGIONAL_ENDPOINTS", "global")],
        &[
            ("AWS_STS_REGIONAL_ENDPOINTS", "global"),
            ("AWS_DEFAULT_REGION", "eu-south-1"),
        ],
        &[
            ("AWS_STS_REGIONAL_ENDPOINTS", "LEGACY"),
            ("AWS_DEFAULT_REGION", "us-east-1"),
        ],
        &[("AWS_ENDPOINT_URL_STS", "not a url")],
        &[("AWS_ENDPOINT_URL_STS", "ftp://sts.example")],
        &[("AWS_ENDPOINT_URL_STS", "https://sts.example/base/path")],
        &[("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000")],
        &[
            ("AWS_ENDPOINT_URL", "http://global.example"),
            ("AWS_DEFAULT_REGION", ""),
        ],
        &[("AWS_PROFILE", "default ")],
        &[("AWS_PROFILE", "default")],
    ] {
        cases.push(env_only(vars));
    }
    let in_profile = |config: &str| {
        Case::new("odd values")
            .files(Some(config), None)
            .vars(ENV_KEYS)
    };
    for config in [
        "[default]\nregion = us-east-1/evil\n",
        "[default]\nregion = eu-west-1   \n",
        "[default]\nregion = eu-west-1 ; a comment\n",
        "[default]\nregion = eu-west-1 # a comment\n",
        "[default]\nregion = eu-west-1\nmax_attempts = 0\n",
        "[default]\nregion = eu-west-1\nretry_mode = sometimes\n",
        "[default]\nregion = eu-west-1\nuse_fips_endpoint = maybe\n",
        "[default]\nregion = eu-west-1\nsts_regional_endpoints = global\n",
        "[default]\nregion = us-east-1\nendpoint_url = not a url\n",
        "[default]\nREGION = eu-west-1\n",
        "[default]\nregion = eu-west-1\n[default]\nregion = eu-central-1\n",
        "[default]\nregion = eu-west-1\n[profile default]\nregion = ca-central-1\n",
        "[profile default]\nregion = ca-central-1\n[default]\nregion = eu-west-1\n",
    ] {
        cases.push(in_profile(config));
    }
    // Credentials split across files and variables.
    let split = [
        (
            Some(format!(
                "[default]\nregion = eu-west-1\naws_secret_access_key = {SECRET}\n"
            )),
            Some("[default]\naws_access_key_id = AKIDCREDSHALF\n".to_owned()),
            &[][..],
        ),
        (
            Some(format!(
                "[default]\nregion = eu-west-1\n{}",
                keys("AKIDCONFIG")
            )),
            Some("[default]\naws_access_key_id = AKIDCREDSHALF\n".to_owned()),
            &[][..],
        ),
        (
            Some("[default]\nregion = eu-west-1\n".to_owned()),
            Some(format!("[default]\n{}", keys("AKIDCREDS"))),
            &[("AWS_ACCESS_KEY_ID", ""), ("AWS_SECRET_ACCESS_KEY", SECRET)][..],
        ),
        (
            Some("[default]\nregion = eu-west-1\n".to_owned()),
            Some(format!("[default]\n{}", keys("AKIDCREDS"))),
            &[
                ("AWS_SECRET_ACCESS_KEY", SECRET),
                ("AWS_SESSION_TOKEN", "fake-token"),
            ][..],
        ),
    ];
    for (config, credentials, vars) in split {
        cases.push(
            Case::new("odd values")
                .files(config.as_deref(), credentials.as_deref())
                .vars(vars),
        );
    }
}

// ---------------------------------------------------------------------------
// Running a case

/// Writes the case's files under `dir` and returns the whole environment
/// both resolvers see.
fn materialize(case: &Case, dir: &Path) -> BTreeMap<String, String> {
    let home = dir.join("home");
    let aws = home.join(".aws");
    std::fs::create_dir_all(&aws).unwrap();
    let mut env = case.env.clone();
    env.insert("HOME".into(), home.display().to_string());
    let (config, credentials) = if case.via_home {
        (aws.join("config"), aws.join("credentials"))
    } else {
        let paths = (dir.join("config"), dir.join("credentials"));
        env.insert("AWS_CONFIG_FILE".into(), paths.0.display().to_string());
        env.insert(
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            paths.1.display().to_string(),
        );
        paths
    };
    for (path, text) in [(config, &case.config), (credentials, &case.credentials)] {
        if let Some(text) = text {
            std::fs::write(path, text).unwrap();
        }
    }
    env
}

/// What a client would be made with, or why none can be.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ClientOutcome {
    Made {
        region: Option<String>,
        /// Without a trailing `/`: `https://h` and `https://h/` are the same
        /// endpoint, and botocore keeps whichever form it was given.
        endpoint_url: String,
        max_attempts: u64,
        retry_mode: String,
    },
    /// Botocore's exception class, or our error's variant.
    Refused(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum CredentialsOutcome {
    AccessKey(String),
    /// No source has any.
    NoCredentials,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    client: ClientOutcome,
    credentials: CredentialsOutcome,
}

impl Outcome {
    fn refused(why: String) -> Self {
        Self {
            credentials: CredentialsOutcome::Failed(why.clone()),
            client: ClientOutcome::Refused(why),
        }
    }
}

fn normalise_url(url: &str) -> String {
    url.trim_end_matches('/').to_owned()
}

/// The name of an enum value's variant, from its `Debug` form.
fn variant(value: &impl std::fmt::Debug) -> String {
    let debug = format!("{value:?}");
    debug
        .split([' ', '{', '('])
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn config_error(e: &ConfigError) -> String {
    match e {
        ConfigError::InvalidValue { setting, .. } => format!("InvalidValue({setting})"),
        ConfigError::Endpoint(e) => format!("Endpoint({})", variant(e)),
        other => variant(other),
    }
}

/// What this crate resolves, through the public API a program uses.
fn ours(case: &Case, env: &BTreeMap<String, String>) -> Outcome {
    let config = ProviderConfig::new().with_env(MapEnv::new(env.clone()));
    let builder = match &case.profile {
        Some(name) => ClientBuilder::default().profile_with(name, &config),
        None => ClientBuilder::default().from_config(&config),
    };
    let builder = match builder {
        Ok(b) => b,
        Err(e) => return Outcome::refused(config_error(&e)),
    };
    let settings = builder.settings().expect("resolved by from_config").clone();
    let client = match builder.build() {
        Ok(c) => c,
        Err(e) => return Outcome::refused(config_error(&e)),
    };
    let credentials = match client.credentials() {
        Ok(c) => CredentialsOutcome::AccessKey(c.access_key_id().to_owned()),
        Err(Error::Credentials(e)) if e.is_not_configured() => CredentialsOutcome::NoCredentials,
        Err(e) => CredentialsOutcome::Failed(variant(&e)),
    };
    Outcome {
        client: ClientOutcome::Made {
            region: settings.region.map(|r| r.value),
            endpoint_url: normalise_url(&client.endpoint().url),
            max_attempts: u64::from(settings.max_attempts.value),
            retry_mode: settings.retry_mode.value.as_str().to_owned(),
        },
        credentials,
    }
}

fn parse_botocore(result: &Value) -> Outcome {
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    let client = &result["client"];
    let client = match text(client, "error") {
        Some(class) => ClientOutcome::Refused(class),
        None => ClientOutcome::Made {
            region: text(client, "region"),
            endpoint_url: normalise_url(&text(client, "endpoint_url").unwrap_or_default()),
            max_attempts: client["max_attempts"].as_u64().unwrap_or_default(),
            retry_mode: text(client, "retry_mode").unwrap_or_default(),
        },
    };
    let credentials = &result["credentials"];
    let credentials = match (text(credentials, "error"), text(credentials, "access_key")) {
        (Some(class), _) => CredentialsOutcome::Failed(class),
        (None, Some(key)) => CredentialsOutcome::AccessKey(key),
        (None, None) => CredentialsOutcome::NoCredentials,
    };
    Outcome {
        client,
        credentials,
    }
}

/// Runs every case through botocore, in one process.
fn botocore(
    python: &Path,
    scratch: &Path,
    cases: &[(Case, BTreeMap<String, String>)],
) -> Vec<Outcome> {
    let input: Vec<Value> = cases
        .iter()
        .map(|(case, env)| json!({ "env": env, "profile": case.profile }))
        .collect();
    let input_path = scratch.join(format!("cases-{}.json", cases.len()));
    std::fs::write(&input_path, serde_json::to_vec(&input).unwrap()).unwrap();
    let script = sts_tests::moto::workspace_root().join("tests/config_vs_botocore/resolve.py");
    let mut cmd = Command::new(python);
    cmd.arg(&script)
        .arg(&input_path)
        .env_clear()
        .env("HOME", scratch)
        .env("PYTHONDONTWRITEBYTECODE", "1");
    let started = Instant::now();
    let out = sts_tests::process::run_bounded(&mut cmd, BOTOCORE_TIMEOUT)
        .unwrap_or_else(|e| panic!("botocore: {e}"));
    assert!(
        out.status.success(),
        "{} failed ({}):\n{}",
        script.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: Value = serde_json::from_slice(&out.stdout).expect("resolve.py writes JSON");
    let results = answer["results"].as_array().expect("a list of results");
    assert_eq!(results.len(), cases.len(), "one result per case");
    eprintln!(
        "botocore {} resolved {} cases in {:?}",
        answer["botocore"].as_str().unwrap_or("?"),
        cases.len(),
        started.elapsed()
    );
    results.iter().map(parse_botocore).collect()
}

/// How `ours` and `botocore` differ; empty when they agree. Two refusals
/// agree whatever their reasons; credentials are compared only when both
/// made a client, since we have none to ask otherwise.
fn differences(ours: &Outcome, botocore: &Outcome) -> Vec<String> {
    let mut out = Vec::new();
    match (&ours.client, &botocore.client) {
        (ClientOutcome::Refused(_), ClientOutcome::Refused(_)) => return out,
        (a, b) if a != b => out.push(format!(
            "client: ours {a:?} with credentials {:?}, botocore {b:?} with credentials {:?}",
            ours.credentials, botocore.credentials
        )),
        _ => {}
    }
    if let (ClientOutcome::Made { .. }, ClientOutcome::Made { .. }) =
        (&ours.client, &botocore.client)
    {
        let same = match (&ours.credentials, &botocore.credentials) {
            (CredentialsOutcome::Failed(_), CredentialsOutcome::Failed(_)) => true,
            (a, b) => a == b,
        };
        if !same {
            out.push(format!(
                "credentials: ours {:?}, botocore {:?}",
                ours.credentials, botocore.credentials
            ));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Deliberate differences

/// A difference between this crate and botocore that is meant.
struct Deliberate {
    name: &'static str,
    /// Why we differ, for the test's output and the docs.
    reason: &'static str,
    explains: Explains,
}

/// Translates a case into what botocore must be given to mean the same.
type Translate = fn(&Case) -> Option<Case>;

/// Recognises a pair of outcomes (case, ours, botocore's).
type Recognise = fn(&Case, &Outcome, &Outcome) -> bool;

enum Explains {
    /// The case as botocore would have to be given it to mean what it
    /// means to us; `None` when the rule does not touch the case. Botocore,
    /// given the translated case, must then agree exactly.
    Translation(Translate),
    /// An outcome pair (ours, botocore's) of a known shape, where no
    /// translation can make botocore answer as we do (we refuse, botocore
    /// goes on, or the other way round).
    Shape(Recognise),
}

const DELIBERATE: &[Deliberate] = &[
    Deliberate {
        name: "AWS_REGION",
        reason: "we read AWS_REGION before AWS_DEFAULT_REGION, as aws-sdk-rust and the Java v2 \
                 and JavaScript v3 SDKs do; botocore reads only AWS_DEFAULT_REGION",
        explains: Explains::Translation(aws_region_as_botocore_reads_it),
    },
    Deliberate {
        name: "AWS_DEFAULT_PROFILE",
        reason: "we do not read AWS_DEFAULT_PROFILE, which botocore reads before AWS_PROFILE \
                 (a leftover of AWS CLI v1); aws-sdk-rust and AWS CLI v2 read AWS_PROFILE only",
        explains: Explains::Translation(without_default_profile),
    },
    Deliberate {
        name: "blank values",
        reason: "a variable or profile key set to nothing (`AWS_REGION=`, `region =`, \
                 `AWS_PROFILE=`) counts as unset, for every setting (settings.rs), as \
                 aws-sdk-rust does for the credential variables; botocore takes the empty \
                 string as the value and fails on it (no profile \"\", int(''), an empty \
                 region)",
        explains: Explains::Translation(without_blank_values),
    },
    Deliberate {
        name: "surrounding whitespace",
        reason: "spaces around an environment variable's value are dropped, as both tools drop \
                 them around profile file values; botocore keeps them in variables and then \
                 finds no profile \"default \" and refuses the region \" eu-west-1\" \
                 (aws-sdk-rust trims retry_mode, not the region or AWS_PROFILE)",
        explains: Explains::Translation(trimmed_variables),
    },
    Deliberate {
        name: "case of named values",
        reason: "retry_mode and sts_regional_endpoints are read regardless of ASCII case, as \
                 aws-sdk-rust reads retry_mode (RetryMode::from_str) and as both tools read \
                 true/false; botocore compares both case-sensitively and refuses \"Legacy\"",
        explains: Explains::Translation(lower_case_choices),
    },
    Deliberate {
        name: "inline comments",
        reason: "` ;` or ` #` after a value in a profile file starts a comment, as in \
                 aws-sdk-rust's profile parser (prepare_line); botocore's configparser keeps \
                 `eu-west-1 ; a comment` as the region and refuses it",
        explains: Explains::Translation(without_inline_comments),
    },
    Deliberate {
        name: "repeated sections",
        reason: "a section repeated in one file is merged, later keys winning, as aws-sdk-rust's \
                 profile parser does; botocore's configparser refuses the file \
                 (DuplicateSectionError, raised as ConfigParseError)",
        explains: Explains::Translation(merged_sections),
    },
    Deliberate {
        name: "[profile default] over [default]",
        reason: "in the config file `[profile default]` takes the place of `[default]` wherever \
                 the two stand, as in aws-sdk-rust (normalize::merge_in); botocore lets the \
                 later of the two win",
        explains: Explains::Translation(without_shadowed_default),
    },
    Deliberate {
        name: "missing services section",
        reason: "`services = name` naming no `[services name]` section is ignored and the \
                 profile's own endpoint_url (or none) applies, as aws-sdk-rust's \
                 get_service_config_from_profile does; botocore raises InvalidConfigError",
        explains: Explains::Translation(without_dangling_services),
    },
    Deliberate {
        name: "keys split across files",
        reason: "a profile is merged key by key across the config and credentials files (the \
                 credentials file winning), so its access key and secret key may come from \
                 different files, as in aws-sdk-rust (normalize::merge_in); botocore takes the \
                 pair from one file and raises PartialCredentialsError for half a pair in the \
                 credentials file",
        explains: Explains::Translation(keys_in_one_file),
    },
    Deliberate {
        name: "no region",
        reason: "with no region we refuse (\"Invalid Configuration: Missing Region\", as the STS \
                 endpoint rule set and aws-sdk-rust say), or, with an endpoint URL, leave the \
                 region unset; botocore falls back to STS's global partition endpoint, region \
                 aws-global at https://sts.amazonaws.com",
        explains: Explains::Shape(no_region),
    },
    Deliberate {
        name: "FIPS or dual-stack with an endpoint URL",
        reason: "FIPS or dual-stack together with a configured endpoint URL is refused, as the \
                 STS endpoint rule set (and so aws-sdk-rust) refuses it (\"FIPS and custom \
                 endpoint are not supported\"); botocore drops the two flags when it has an \
                 endpoint URL and calls the URL",
        explains: Explains::Shape(fips_or_dual_stack_with_endpoint),
    },
    Deliberate {
        name: "credentials resolved on first use",
        reason: "credentials are resolved when a call is signed, as in aws-sdk-rust, so broken \
                 ones (half a key pair) fail the first call; botocore resolves them in \
                 create_client and refuses the client with the same error",
        explains: Explains::Shape(credentials_resolved_on_first_use),
    },
    Deliberate {
        name: "invalid true/false",
        reason: "use_fips_endpoint, use_dualstack_endpoint and ignore_configured_endpoint_urls \
                 other than true or false are refused, naming the setting and its source \
                 (settings.rs: nothing is sent with a setting the user did not mean); botocore \
                 reads anything but \"true\" as false, aws-sdk-rust warns and ignores it",
        explains: Explains::Shape(invalid_true_false),
    },
    Deliberate {
        name: "endpoint URL checked when made",
        reason: "an endpoint URL that cannot be called (ftp://…) is refused when the client is \
                 made; botocore keeps it and would fail at the first call",
        explains: Explains::Shape(endpoint_url_checked_when_made),
    },
    Deliberate {
        name: "half a key pair in the environment",
        reason: "AWS_SECRET_ACCESS_KEY without AWS_ACCESS_KEY_ID is an error (EnvironmentProvider: \
                 invalid when only one is set), as botocore makes the opposite half; botocore \
                 skips a lone secret key and goes on to the profile, as aws-sdk-rust skips \
                 either lone half",
        explains: Explains::Shape(lone_secret_key),
    },
    Deliberate {
        name: "all-digit region",
        reason: "a region of digits only is one DNS label (RFC 1123), which is all we ask of a \
                 region; botocore's host-label check also refuses all-digit labels, \
                 aws-sdk-rust checks nothing",
        explains: Explains::Shape(all_digit_region),
    },
];

fn var_set(case: &Case, name: &str) -> Option<String> {
    case.env.get(name).filter(|v| !v.trim().is_empty()).cloned()
}

/// `case` with `edit` applied to the text of both files.
fn edit_files(case: &Case, edit: impl Fn(&str) -> String) -> Case {
    let mut c = case.clone();
    c.config = c.config.as_deref().map(&edit);
    c.credentials = c.credentials.as_deref().map(&edit);
    c
}

fn changed(case: &Case, translated: Case) -> Option<Case> {
    (translated != *case).then_some(translated)
}

/// Whether a line of a profile file is a `key = value` line.
fn property(line: &str) -> Option<(&str, &str)> {
    if line.starts_with([' ', '\t', '[', '#', ';']) {
        return None;
    }
    line.split_once('=').map(|(k, v)| (k.trim(), v))
}

fn aws_region_as_botocore_reads_it(case: &Case) -> Option<Case> {
    let region = var_set(case, "AWS_REGION")?;
    let mut c = case.clone();
    c.env.remove("AWS_REGION");
    c.env.insert("AWS_DEFAULT_REGION".into(), region);
    Some(c)
}

fn without_default_profile(case: &Case) -> Option<Case> {
    let mut c = case.clone();
    c.env.remove("AWS_DEFAULT_PROFILE")?;
    Some(c)
}

fn without_blank_values(case: &Case) -> Option<Case> {
    let mut c = edit_files(case, |text| {
        let lines: Vec<&str> = text.lines().collect();
        let kept: Vec<&str> = lines
            .iter()
            .enumerate()
            .filter(|(i, line)| {
                let blank = property(line).is_some_and(|(_, v)| v.trim().is_empty());
                // `sts =` followed by indented lines opens sub-properties.
                let opens_block = lines
                    .get(i + 1)
                    .is_some_and(|next| next.starts_with([' ', '\t']));
                !blank || opens_block
            })
            .map(|(_, line)| *line)
            .collect();
        kept.join("\n") + "\n"
    });
    c.env.retain(|_, v| !v.trim().is_empty());
    changed(case, c)
}

fn trimmed_variables(case: &Case) -> Option<Case> {
    let mut c = case.clone();
    for v in c.env.values_mut() {
        *v = v.trim().to_owned();
    }
    changed(case, c)
}

fn lower_case_choices(case: &Case) -> Option<Case> {
    const KEYS: [(&str, &str); 2] = [
        ("AWS_RETRY_MODE", "retry_mode"),
        ("AWS_STS_REGIONAL_ENDPOINTS", "sts_regional_endpoints"),
    ];
    let mut c = edit_files(case, |text| {
        let lines: Vec<String> = text
            .lines()
            .map(|line| match property(line) {
                Some((k, v)) if KEYS.iter().any(|(_, key)| *key == k) => {
                    format!("{k} = {}", v.trim().to_ascii_lowercase())
                }
                _ => line.to_owned(),
            })
            .collect();
        lines.join("\n") + "\n"
    });
    for (var, _) in KEYS {
        if let Some(v) = c.env.get_mut(var) {
            *v = v.to_ascii_lowercase();
        }
    }
    changed(case, c)
}

fn without_inline_comments(case: &Case) -> Option<Case> {
    let c = edit_files(case, |text| {
        let lines: Vec<String> = text
            .lines()
            .map(|line| {
                if property(line).is_none() {
                    return line.to_owned();
                }
                let cut = line
                    .char_indices()
                    .zip(line.chars().skip(1))
                    .find(|((_, c), next)| c.is_whitespace() && matches!(next, '#' | ';'))
                    .map(|((i, _), _)| i);
                match cut {
                    Some(i) => line[..i].trim_end().to_owned(),
                    None => line.to_owned(),
                }
            })
            .collect();
        lines.join("\n") + "\n"
    });
    changed(case, c)
}

/// One section per header, in the order of first appearance, a later
/// `key = value` replacing an earlier one (enough for the plain files the
/// cases repeat sections in).
fn merged_sections(case: &Case) -> Option<Case> {
    let c = edit_files(case, |text| {
        let mut sections: Vec<(String, Vec<String>)> = Vec::new();
        let mut current: Option<usize> = None;
        for line in text.lines() {
            if line.starts_with('[') {
                let at = sections.iter().position(|(h, _)| h == line);
                current = Some(at.unwrap_or_else(|| {
                    sections.push((line.to_owned(), Vec::new()));
                    sections.len() - 1
                }));
                continue;
            }
            let Some(i) = current else { continue };
            let body = &mut sections[i].1;
            let key = property(line).map(|(k, _)| k.to_owned());
            let earlier = key.as_ref().and_then(|key| {
                body.iter()
                    .position(|l| property(l).is_some_and(|(k, _)| k == key))
            });
            match earlier {
                Some(j) => body[j] = line.to_owned(),
                None => body.push(line.to_owned()),
            }
        }
        let mut out = String::new();
        for (header, body) in sections {
            out.push_str(&header);
            out.push('\n');
            for line in body {
                out.push_str(&line);
                out.push('\n');
            }
        }
        out
    });
    changed(case, c)
}

fn without_shadowed_default(case: &Case) -> Option<Case> {
    let config = case.config.as_deref()?;
    if !config.lines().any(|l| l == "[profile default]") {
        return None;
    }
    let mut in_default = false;
    let kept: Vec<&str> = config
        .lines()
        .filter(|l| {
            if l.starts_with('[') {
                in_default = *l == "[default]";
            }
            !in_default
        })
        .collect();
    let mut c = case.clone();
    c.config = Some(kept.join("\n") + "\n");
    changed(case, c)
}

fn without_dangling_services(case: &Case) -> Option<Case> {
    let config = case.config.as_deref()?;
    let dangling = |line: &str| {
        property(line).is_some_and(|(k, v)| {
            k == "services"
                && !config
                    .lines()
                    .any(|l| l == format!("[services {}]", v.trim()))
        })
    };
    let mut c = case.clone();
    let kept: Vec<&str> = config.lines().filter(|l| !dangling(l)).collect();
    c.config = Some(kept.join("\n") + "\n");
    changed(case, c)
}

/// The lines of section `header` in `text`.
fn section<'t>(text: &'t str, header: &str) -> Vec<&'t str> {
    text.lines()
        .skip_while(|l| *l != header)
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .collect()
}

/// Each half key pair of a credentials file section completed from the
/// config file's section of that profile, where botocore would look for
/// the pair.
fn keys_in_one_file(case: &Case) -> Option<Case> {
    const KEYS: [&str; 2] = ["aws_access_key_id", "aws_secret_access_key"];
    let (config, credentials) = (case.config.as_deref()?, case.credentials.as_deref()?);
    let has = |lines: &[&str], key: &str| {
        lines
            .iter()
            .any(|l| property(l).is_some_and(|(k, _)| k == key))
    };
    let mut out = Vec::new();
    for line in credentials.lines() {
        out.push(line.to_owned());
        let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) else {
            continue;
        };
        let current = section(credentials, line);
        let config_header = if name == "default" {
            "[default]".to_owned()
        } else {
            format!("[profile {name}]")
        };
        let from_config = section(config, &config_header);
        if KEYS.iter().filter(|k| has(&current, k)).count() != 1 {
            continue;
        }
        for key in KEYS.iter().filter(|k| !has(&current, k)) {
            if let Some(l) = from_config
                .iter()
                .find(|l| property(l).is_some_and(|(k, _)| k == *key))
            {
                out.push((*l).to_owned());
            }
        }
    }
    let mut c = case.clone();
    c.credentials = Some(out.join("\n") + "\n");
    changed(case, c)
}

fn no_region(_: &Case, ours: &Outcome, botocore: &Outcome) -> bool {
    let ClientOutcome::Made {
        region,
        endpoint_url,
        ..
    } = &botocore.client
    else {
        return false;
    };
    if region.as_deref() != Some("aws-global") {
        return false;
    }
    match &ours.client {
        ClientOutcome::Refused(why) => {
            why == "Endpoint(MissingRegion)" && endpoint_url == "https://sts.amazonaws.com"
        }
        ClientOutcome::Made { region: None, .. } => {
            let mut ours = ours.clone();
            if let ClientOutcome::Made { region, .. } = &mut ours.client {
                *region = Some("aws-global".into());
            }
            differences(&ours, botocore).is_empty()
        }
        ClientOutcome::Made { .. } => false,
    }
}

fn refused_by_us(ours: &Outcome, reasons: &[String]) -> bool {
    matches!(&ours.client, ClientOutcome::Refused(why) if reasons.contains(why))
}

fn fips_or_dual_stack_with_endpoint(_: &Case, ours: &Outcome, botocore: &Outcome) -> bool {
    let reasons = [
        EndpointError::FipsWithCustomEndpoint,
        EndpointError::DualStackWithCustomEndpoint,
    ]
    .map(|e| format!("Endpoint({})", variant(&e)));
    refused_by_us(ours, &reasons) && matches!(botocore.client, ClientOutcome::Made { .. })
}

fn credentials_resolved_on_first_use(_: &Case, ours: &Outcome, botocore: &Outcome) -> bool {
    let (ClientOutcome::Refused(client_error), CredentialsOutcome::Failed(credentials_error)) =
        (&botocore.client, &botocore.credentials)
    else {
        return false;
    };
    client_error == credentials_error
        && matches!(ours.client, ClientOutcome::Made { .. })
        && matches!(ours.credentials, CredentialsOutcome::Failed(_))
}

fn invalid_true_false(_: &Case, ours: &Outcome, botocore: &Outcome) -> bool {
    let reasons = [
        "use FIPS endpoint",
        "use dual-stack endpoint",
        "ignore configured endpoint URLs",
    ]
    .map(|s| format!("InvalidValue({s})"));
    refused_by_us(ours, &reasons) && matches!(botocore.client, ClientOutcome::Made { .. })
}

fn endpoint_url_checked_when_made(case: &Case, ours: &Outcome, botocore: &Outcome) -> bool {
    let ClientOutcome::Made { endpoint_url, .. } = &botocore.client else {
        return false;
    };
    let configured = ["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"]
        .iter()
        .find_map(|v| var_set(case, v));
    refused_by_us(ours, &["InvalidEndpointSetting".to_owned()])
        && configured.is_some_and(|url| normalise_url(&url) == *endpoint_url)
        && !endpoint_url.starts_with("http")
}

fn lone_secret_key(case: &Case, ours: &Outcome, botocore: &Outcome) -> bool {
    let lone = var_set(case, "AWS_SECRET_ACCESS_KEY").is_some()
        && var_set(case, "AWS_ACCESS_KEY_ID").is_none();
    lone && ours.client == botocore.client
        && matches!(ours.credentials, CredentialsOutcome::Failed(_))
        && !matches!(botocore.credentials, CredentialsOutcome::Failed(_))
}

fn all_digit_region(_: &Case, ours: &Outcome, botocore: &Outcome) -> bool {
    let ClientOutcome::Made {
        region: Some(region),
        ..
    } = &ours.client
    else {
        return false;
    };
    region.bytes().all(|b| b.is_ascii_digit())
        && botocore.client == ClientOutcome::Refused("InvalidRegionError".into())
}

/// Every non-empty subset of the translations that touch `case`, applied
/// in table order, smallest first: the explanation reported is the
/// smallest that works.
fn translations(case: &Case) -> Vec<(Vec<&'static str>, Case)> {
    let rules: Vec<(&'static str, Translate)> = DELIBERATE
        .iter()
        .filter_map(|d| match d.explains {
            Explains::Translation(f) => f(case).map(|_| (d.name, f)),
            Explains::Shape(_) => None,
        })
        .collect();
    let mut out = Vec::new();
    for mask in 1..(1u32 << rules.len()) {
        let mut names = Vec::new();
        let mut c = case.clone();
        for (i, (name, f)) in rules.iter().enumerate() {
            if mask & (1 << i) != 0 {
                if let Some(next) = f(&c) {
                    c = next;
                }
                names.push(*name);
            }
        }
        out.push((names, c));
    }
    out.sort_by_key(|(names, _)| names.len());
    out
}

/// The name of the shape rule that explains `ours` against `botocore`.
fn shape(case: &Case, ours: &Outcome, botocore: &Outcome) -> Option<&'static str> {
    DELIBERATE.iter().find_map(|d| match d.explains {
        Explains::Shape(f) if f(case, ours, botocore) => Some(d.name),
        _ => None,
    })
}

// ---------------------------------------------------------------------------
// The test

/// The deliberate difference (or differences, joined by ` + `) that
/// explains each disagreeing case, by index: a shape of the two outcomes,
/// else the smallest set of translations after which botocore agrees
/// (possibly up to a shape). The translated cases go to botocore in one
/// more process.
fn explain(
    python: &Path,
    scratch: &Path,
    written: &[(Case, BTreeMap<String, String>)],
    ours: &[Outcome],
    theirs: &[Outcome],
) -> BTreeMap<usize, String> {
    let mut explained = BTreeMap::new();
    let mut retry = Vec::new();
    for (i, (case, _)) in written.iter().enumerate() {
        if differences(&ours[i], &theirs[i]).is_empty() {
            continue;
        }
        if let Some(name) = shape(case, &ours[i], &theirs[i]) {
            explained.insert(i, name.to_owned());
            continue;
        }
        for (names, translated) in translations(case) {
            retry.push((i, names, translated));
        }
    }
    if retry.is_empty() {
        return explained;
    }
    let retry_written: Vec<(Case, BTreeMap<String, String>)> = retry
        .iter()
        .enumerate()
        .map(|(j, (_, _, case))| {
            let env = materialize(case, &scratch.join(format!("translated-{j:04}")));
            (case.clone(), env)
        })
        .collect();
    let retried = botocore(python, scratch, &retry_written);
    for ((i, names, translated), theirs) in retry.iter().zip(&retried) {
        if explained.contains_key(i) {
            continue;
        }
        let mut names = names.clone();
        if differences(&ours[*i], theirs).is_empty() {
            explained.insert(*i, names.join(" + "));
        } else if let Some(name) = shape(translated, &ours[*i], theirs) {
            names.push(name);
            explained.insert(*i, names.join(" + "));
        }
    }
    explained
}

fn scratch_dir() -> PathBuf {
    let dir = sts_tests::moto::workspace_root()
        .join("target/config-vs-botocore")
        .join(std::process::id().to_string());
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_resolver_agrees_with_botocore() {
    let venv = match sts_tests::moto::ensure_venv() {
        Ok(v) => v,
        Err(e) => {
            sts_tests::tools::skip(&format!(
                "no Python venv with botocore ({e}); tests/moto/ensure-venv.sh makes it"
            ));
            return;
        }
    };
    let python = venv.join("bin/python");
    let scratch = scratch_dir();
    let started = Instant::now();

    let cases = generate();
    assert!(cases.len() >= 300, "only {} combinations", cases.len());
    let written: Vec<(Case, BTreeMap<String, String>)> = cases
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let env = materialize(case, &scratch.join(format!("case-{i:04}")));
            (case.clone(), env)
        })
        .collect();
    let ours: Vec<Outcome> = written.iter().map(|(c, env)| self::ours(c, env)).collect();
    let theirs = botocore(&python, &scratch, &written);

    let explained = explain(&python, &scratch, &written, &ours, &theirs);

    // The tally.
    let mut agreed_made = 0;
    let mut refusals: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut per_reason: BTreeMap<String, usize> = BTreeMap::new();
    let mut undocumented = Vec::new();
    for (i, (case, _)) in written.iter().enumerate() {
        let diff = differences(&ours[i], &theirs[i]);
        if diff.is_empty() {
            match (&ours[i].client, &theirs[i].client) {
                (ClientOutcome::Refused(a), ClientOutcome::Refused(b)) => {
                    *refusals.entry((b.clone(), a.clone())).or_default() += 1;
                }
                _ => agreed_made += 1,
            }
        } else if let Some(reason) = explained.get(&i) {
            *per_reason.entry(reason.clone()).or_default() += 1;
        } else {
            undocumented.push(format!("#{i} {}\n    {}", case.show(), diff.join("\n    ")));
        }
    }
    let agreed = agreed_made + refusals.values().sum::<usize>();
    eprintln!(
        "config_vs_botocore: {} combinations in {:?}; {agreed} agreed ({agreed_made} made the same \
         client, {} refused by both); {} differed as documented; {} differed otherwise",
        written.len(),
        started.elapsed(),
        agreed - agreed_made,
        per_reason.values().sum::<usize>(),
        undocumented.len()
    );
    eprintln!("refused by both (botocore's exception / ours):");
    for ((theirs, ours), n) in &refusals {
        eprintln!("  {n:4}  {theirs} / {ours}");
    }
    eprintln!("documented differences:");
    for (reason, n) in &per_reason {
        eprintln!("  {n:4}  {reason}");
    }
    for d in DELIBERATE {
        eprintln!("  {}: {}", d.name, d.reason);
    }

    assert!(
        undocumented.is_empty(),
        "{} disagreements with botocore that no deliberate difference explains (each a bug \
         of ours, or a difference to add to DELIBERATE with its reason; the cases' files are \
         in {}):\n{}",
        undocumented.len(),
        scratch.display(),
        undocumented.join("\n")
    );
    for d in DELIBERATE {
        assert!(
            per_reason
                .keys()
                .any(|r| r.split(" + ").any(|n| n == d.name)),
            "deliberate difference {:?} explains no case: drop it or add a case that shows it",
            d.name
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
