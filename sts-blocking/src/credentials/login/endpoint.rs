//! Where the sign-in service's token endpoint is.
//!
//! As the AWS SDKs configure a service's endpoint: `AWS_ENDPOINT_URL_SIGNIN`,
//! then `AWS_ENDPOINT_URL`, then the profile's `services` section
//! (`signin = endpoint_url = …`), then its `endpoint_url` (none of these
//! when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` / `ignore_configured_endpoint_urls`
//! is on); otherwise the host the service's endpoint rules give (botocore
//! 1.44.8's `signin` rule set) for the region the session was signed in to
//! (the cache's `signInRegion`, which botocore uses over the configured
//! one), else the region of the client settings (`AWS_REGION`, the
//! profile's `region`, …), with the FIPS and dual-stack settings:
//! `https://{region}.signin.aws.amazon.com` and its partition's forms. The
//! token operation is `POST /v1/token` there.

use sts_proto::endpoint::partitions::partition_for_region;

use crate::credentials::provider_config::StsSettings;
use crate::credentials::{CredentialsError, ProviderConfig};
use crate::settings::Resolved;

/// The path of `CreateOAuth2Token`.
const TOKEN_PATH: &str = "/v1/token";

/// The service's key in a profile's `services` section, and the suffix of
/// its endpoint variable.
const SERVICE_KEY: &str = "signin";
const SERVICE_VAR: &str = "AWS_ENDPOINT_URL_SIGNIN";

/// The token endpoint's URL for calls on behalf of `settings`' profile.
/// The error is the reason, for the provider to put its source on.
pub(super) fn token_url(
    config: &ProviderConfig,
    settings: &StsSettings,
    sign_in_region: Option<&str>,
) -> Result<String, CredentialsError> {
    let resolved = config.resolve_settings(settings)?;
    let invalid =
        |why: String| CredentialsError::invalid_configuration("sign-in service settings", why);
    let (fips, dual_stack) = (resolved.use_fips.value, resolved.use_dual_stack.value);
    if let Some((url, origin)) = configured_url(config, &resolved) {
        // The rule set's words: a custom endpoint is not FIPS or dual-stack.
        if fips {
            return Err(invalid(format!(
                "FIPS endpoints ({}) and a custom endpoint URL ({origin}) cannot be combined",
                resolved.use_fips.origin
            )));
        }
        if dual_stack {
            return Err(invalid(format!(
                "dual-stack endpoints ({}) and a custom endpoint URL ({origin}) cannot be combined",
                resolved.use_dual_stack.origin
            )));
        }
        return check_url(&url)
            .map(|base| format!("{base}{TOKEN_PATH}"))
            .map_err(|why| {
                CredentialsError::invalid_configuration(
                    "sign-in service settings",
                    format!("the endpoint URL from {origin} {why}"),
                )
            });
    }
    let region = match (sign_in_region, &resolved.region) {
        (Some(region), _) => region,
        (None, Some(region)) => region.value.as_str(),
        (None, None) => {
            return Err(invalid(
                "no region is set for the sign-in service (set `region` in the profile, or \
                 AWS_REGION)"
                    .to_owned(),
            ));
        }
    };
    regional_url(region, fips, dual_stack).map_err(invalid)
}

/// The configured endpoint URL and where it came from, unless configured
/// URLs are to be ignored.
fn configured_url(config: &ProviderConfig, resolved: &Resolved) -> Option<(String, String)> {
    if resolved.ignore_configured_endpoint_urls.value {
        return None;
    }
    for var in [SERVICE_VAR, "AWS_ENDPOINT_URL"] {
        if let Some(url) = config.env().get_nonempty(var) {
            return Some((url.trim().to_owned(), var.to_owned()));
        }
    }
    let profile = resolved.profile.value.as_str();
    let loaded = config
        .clone()
        .with_profile_name(profile)
        .load_profiles()
        .ok()?;
    let section = loaded.set.profile(profile)?;
    let service = section
        .get_nonempty("services")
        .and_then(|name| loaded.set.services(name.trim()))
        .and_then(|s| s.sub_property(SERVICE_KEY, "endpoint_url"))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty());
    match service {
        Some(url) => Some((
            url,
            format!("the `services` section of profile {profile:?} ({SERVICE_KEY} endpoint_url)"),
        )),
        None => section.get_nonempty("endpoint_url").map(|url| {
            (
                url.trim().to_owned(),
                format!("endpoint_url of profile {profile:?}"),
            )
        }),
    }
}

/// `url` without a trailing `/`, if it is an `http` or `https` URL with a
/// host and nothing after the path (the token path is put after it).
fn check_url(url: &str) -> Result<String, String> {
    let shown: String = url.chars().take(64).collect();
    // The scheme in any case, as botocore takes it; written in lower case.
    let (scheme, rest) = url
        .split_once("://")
        .and_then(|(scheme, rest)| {
            ["https", "http"]
                .into_iter()
                .find(|s| scheme.eq_ignore_ascii_case(s))
                .map(|s| (s, rest))
        })
        .ok_or_else(|| format!("({shown:?}) is not an http:// or https:// URL"))?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("({shown:?}) names no host"));
    }
    if rest.contains(['?', '#']) || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "({shown:?}) has a query, a fragment or white space"
        ));
    }
    Ok(format!("{scheme}://{}", rest.trim_end_matches('/')))
}

/// `https://…/v1/token` as the `signin` endpoint rules give it for
/// `region` and the two flags, or why there is none.
fn regional_url(region: &str, fips: bool, dual_stack: bool) -> Result<String, String> {
    let well_formed = !region.is_empty()
        && region.len() <= 63
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if !well_formed {
        return Err(format!(
            "the sign-in region {:?} is not a region name such as us-east-1",
            region.chars().take(64).collect::<String>()
        ));
    }
    let p = partition_for_region(region);
    let host = match (fips, dual_stack) {
        (false, false) => match p.name {
            "aws" => format!("{region}.signin.aws.amazon.com"),
            "aws-cn" => format!("{region}.signin.amazonaws.cn"),
            "aws-us-gov" => format!("{region}.signin.amazonaws-us-gov.com"),
            "aws-iso" => format!("{region}.signin.c2shome.ic.gov"),
            "aws-iso-b" => format!("{region}.signin.sc2shome.sgov.gov"),
            "aws-iso-f" => format!("{region}.signin.csphome.hci.ic.gov"),
            "aws-iso-e" => format!("{region}.signin.csphome.adc-e.uk"),
            "aws-eusc" => format!("{region}.signin.amazonaws-eusc.eu"),
            _ => format!("{region}.signin.{}", p.dns_suffix),
        },
        (true, false) if region == "us-gov-west-1" => "signin-fips.amazonaws-us-gov.com".to_owned(),
        (true, false) if p.name == "aws-us-gov" => {
            format!("{region}.signin-fips.amazonaws-us-gov.com")
        }
        (true, true) if p.supports_fips && p.supports_dual_stack => {
            format!("signin-fips.{region}.{}", p.dual_stack_dns_suffix)
        }
        (true, true) => {
            return Err(format!(
                "FIPS and dual-stack endpoints are enabled, but partition {} does not support \
                 one or both",
                p.name
            ));
        }
        (true, false) if p.supports_fips => format!("signin-fips.{region}.{}", p.dns_suffix),
        (true, false) => {
            return Err(format!(
                "FIPS endpoints are enabled, but partition {} does not support FIPS",
                p.name
            ));
        }
        (false, true) if p.supports_dual_stack => {
            format!("signin.{region}.{}", p.dual_stack_dns_suffix)
        }
        (false, true) => {
            return Err(format!(
                "dual-stack endpoints are enabled, but partition {} does not support dual-stack",
                p.name
            ));
        }
    };
    Ok(format!("https://{host}{TOKEN_PATH}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::MapFs;
    use crate::env::MapEnv;

    fn config(env: &[(&str, &str)], profile: &str) -> ProviderConfig {
        let mut vars = vec![("HOME", "/h")];
        vars.extend_from_slice(env);
        ProviderConfig::new()
            .with_env(MapEnv::new(vars))
            .with_fs(MapFs::new().with_file("/h/.aws/config", profile))
    }

    fn url(env: &[(&str, &str)], profile: &str) -> Result<String, String> {
        token_url(
            &config(env, profile),
            &StsSettings::of_profile("default"),
            None,
        )
        .map_err(|e| e.to_string())
    }

    #[test]
    fn the_region_picks_the_endpoint() {
        assert_eq!(
            url(&[], "[default]\nregion = eu-west-3\n").unwrap(),
            "https://eu-west-3.signin.aws.amazon.com/v1/token"
        );
        assert_eq!(
            url(
                &[("AWS_REGION", "cn-north-1")],
                "[default]\nregion = eu-west-3\n"
            )
            .unwrap(),
            "https://cn-north-1.signin.amazonaws.cn/v1/token"
        );
        assert_eq!(
            url(&[("AWS_REGION", "us-gov-west-1")], "[default]\n").unwrap(),
            "https://us-gov-west-1.signin.amazonaws-us-gov.com/v1/token"
        );
        let none = url(&[], "[default]\n").unwrap_err();
        assert!(none.contains("no region"), "{none}");
        assert_eq!(
            url(&[("AWS_REGION", "us-iso-east-1")], "[default]\n").unwrap(),
            "https://us-iso-east-1.signin.c2shome.ic.gov/v1/token"
        );
    }

    /// Every partition, with and without FIPS and dual-stack, as botocore
    /// 1.44.8's `signin` rule set resolves them (its `EndpointProvider`,
    /// run on these 40 inputs). FIPS, dual-stack and the partitions other
    /// than aws, aws-cn and aws-us-gov were not known here: a FIPS user's
    /// refresh went to the ordinary endpoint.
    #[test]
    fn hosts_are_the_rule_sets() {
        let cases: &[(&str, bool, bool, &str)] = &[
            (
                "us-east-2",
                false,
                false,
                "https://us-east-2.signin.aws.amazon.com",
            ),
            ("us-east-2", false, true, "https://signin.us-east-2.api.aws"),
            (
                "us-east-2",
                true,
                false,
                "https://signin-fips.us-east-2.amazonaws.com",
            ),
            (
                "us-east-2",
                true,
                true,
                "https://signin-fips.us-east-2.api.aws",
            ),
            (
                "eu-west-1",
                false,
                false,
                "https://eu-west-1.signin.aws.amazon.com",
            ),
            ("eu-west-1", false, true, "https://signin.eu-west-1.api.aws"),
            (
                "eu-west-1",
                true,
                false,
                "https://signin-fips.eu-west-1.amazonaws.com",
            ),
            (
                "eu-west-1",
                true,
                true,
                "https://signin-fips.eu-west-1.api.aws",
            ),
            (
                "cn-north-1",
                false,
                false,
                "https://cn-north-1.signin.amazonaws.cn",
            ),
            (
                "cn-north-1",
                false,
                true,
                "https://signin.cn-north-1.api.amazonwebservices.com.cn",
            ),
            (
                "cn-north-1",
                true,
                false,
                "https://signin-fips.cn-north-1.amazonaws.com.cn",
            ),
            (
                "cn-north-1",
                true,
                true,
                "https://signin-fips.cn-north-1.api.amazonwebservices.com.cn",
            ),
            (
                "us-gov-west-1",
                false,
                false,
                "https://us-gov-west-1.signin.amazonaws-us-gov.com",
            ),
            (
                "us-gov-west-1",
                false,
                true,
                "https://signin.us-gov-west-1.api.aws",
            ),
            (
                "us-gov-west-1",
                true,
                false,
                "https://signin-fips.amazonaws-us-gov.com",
            ),
            (
                "us-gov-west-1",
                true,
                true,
                "https://signin-fips.us-gov-west-1.api.aws",
            ),
            (
                "us-gov-east-1",
                false,
                false,
                "https://us-gov-east-1.signin.amazonaws-us-gov.com",
            ),
            (
                "us-gov-east-1",
                false,
                true,
                "https://signin.us-gov-east-1.api.aws",
            ),
            (
                "us-gov-east-1",
                true,
                false,
                "https://us-gov-east-1.signin-fips.amazonaws-us-gov.com",
            ),
            (
                "us-gov-east-1",
                true,
                true,
                "https://signin-fips.us-gov-east-1.api.aws",
            ),
            (
                "us-iso-east-1",
                false,
                false,
                "https://us-iso-east-1.signin.c2shome.ic.gov",
            ),
            (
                "us-iso-east-1",
                false,
                true,
                "https://signin.us-iso-east-1.api.aws.ic.gov",
            ),
            (
                "us-iso-east-1",
                true,
                false,
                "https://signin-fips.us-iso-east-1.c2s.ic.gov",
            ),
            (
                "us-iso-east-1",
                true,
                true,
                "https://signin-fips.us-iso-east-1.api.aws.ic.gov",
            ),
            (
                "us-isob-east-1",
                false,
                false,
                "https://us-isob-east-1.signin.sc2shome.sgov.gov",
            ),
            (
                "us-isob-east-1",
                false,
                true,
                "https://signin.us-isob-east-1.api.aws.scloud",
            ),
            (
                "us-isob-east-1",
                true,
                false,
                "https://signin-fips.us-isob-east-1.sc2s.sgov.gov",
            ),
            (
                "us-isob-east-1",
                true,
                true,
                "https://signin-fips.us-isob-east-1.api.aws.scloud",
            ),
            (
                "eu-isoe-west-1",
                false,
                false,
                "https://eu-isoe-west-1.signin.csphome.adc-e.uk",
            ),
            (
                "eu-isoe-west-1",
                false,
                true,
                "https://signin.eu-isoe-west-1.api.cloud-aws.adc-e.uk",
            ),
            (
                "eu-isoe-west-1",
                true,
                false,
                "https://signin-fips.eu-isoe-west-1.cloud.adc-e.uk",
            ),
            (
                "eu-isoe-west-1",
                true,
                true,
                "https://signin-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk",
            ),
            (
                "us-isof-south-1",
                false,
                false,
                "https://us-isof-south-1.signin.csphome.hci.ic.gov",
            ),
            (
                "us-isof-south-1",
                false,
                true,
                "https://signin.us-isof-south-1.api.aws.hci.ic.gov",
            ),
            (
                "us-isof-south-1",
                true,
                false,
                "https://signin-fips.us-isof-south-1.csp.hci.ic.gov",
            ),
            (
                "us-isof-south-1",
                true,
                true,
                "https://signin-fips.us-isof-south-1.api.aws.hci.ic.gov",
            ),
            (
                "eusc-de-east-1",
                false,
                false,
                "https://eusc-de-east-1.signin.amazonaws-eusc.eu",
            ),
            (
                "eusc-de-east-1",
                false,
                true,
                "https://signin.eusc-de-east-1.api.amazonwebservices.eu",
            ),
            (
                "eusc-de-east-1",
                true,
                false,
                "https://signin-fips.eusc-de-east-1.amazonaws.eu",
            ),
            (
                "eusc-de-east-1",
                true,
                true,
                "https://signin-fips.eusc-de-east-1.api.amazonwebservices.eu",
            ),
        ];
        for &(region, fips, dual_stack, want) in cases {
            assert_eq!(
                regional_url(region, fips, dual_stack).unwrap(),
                format!("{want}{TOKEN_PATH}"),
                "{region} fips={fips} dual-stack={dual_stack}"
            );
        }
    }

    /// The region signed in to wins over the configured one, as in
    /// botocore; a configured endpoint URL wins over both, and is refused
    /// with FIPS or dual-stack, as the rule set refuses it.
    #[test]
    fn the_sign_in_region_and_the_flags() {
        let config = config(&[], "[default]\nregion = us-east-2\n");
        let settings = StsSettings::of_profile("default");
        assert_eq!(
            token_url(&config, &settings, Some("eu-west-1")).unwrap(),
            "https://eu-west-1.signin.aws.amazon.com/v1/token"
        );
        let no_region = super::tests::config(&[], "[default]\n");
        assert_eq!(
            token_url(&no_region, &settings, Some("eu-west-1")).unwrap(),
            "https://eu-west-1.signin.aws.amazon.com/v1/token"
        );
        assert_eq!(
            url(
                &[("AWS_USE_FIPS_ENDPOINT", "true")],
                "[default]\nregion = us-east-2\n"
            )
            .unwrap(),
            "https://signin-fips.us-east-2.amazonaws.com/v1/token"
        );
        let both = url(
            &[
                ("AWS_USE_FIPS_ENDPOINT", "true"),
                ("AWS_ENDPOINT_URL_SIGNIN", "http://local"),
            ],
            "[default]\nregion = us-east-2\n",
        )
        .unwrap_err();
        assert!(both.contains("cannot be combined"), "{both}");
        assert_eq!(
            url(
                &[("AWS_ENDPOINT_URL_SIGNIN", "HTTP://Local:8080/")],
                "[default]\n"
            )
            .unwrap(),
            "http://Local:8080/v1/token"
        );
    }

    #[test]
    fn configured_urls_in_the_sdks_order() {
        let profile = "[default]\nregion = eu-west-3\nendpoint_url = http://global\n\
                       services = s\n[services s]\nsignin =\n  endpoint_url = http://service/\n\
                       sts =\n  endpoint_url = http://sts\n";
        assert_eq!(url(&[], profile).unwrap(), "http://service/v1/token");
        assert_eq!(
            url(&[("AWS_ENDPOINT_URL", "http://env")], profile).unwrap(),
            "http://env/v1/token"
        );
        assert_eq!(
            url(
                &[
                    ("AWS_ENDPOINT_URL", "http://env"),
                    ("AWS_ENDPOINT_URL_SIGNIN", "https://signin.local:8443/")
                ],
                profile
            )
            .unwrap(),
            "https://signin.local:8443/v1/token"
        );
        assert_eq!(
            url(
                &[],
                "[default]\nregion = eu-west-3\nendpoint_url = http://global\n"
            )
            .unwrap(),
            "http://global/v1/token"
        );
        // The STS endpoint is not the sign-in service's.
        assert_eq!(
            url(
                &[("AWS_ENDPOINT_URL_STS", "http://sts")],
                "[default]\nregion = eu-west-3\n"
            )
            .unwrap(),
            "https://eu-west-3.signin.aws.amazon.com/v1/token"
        );
        assert_eq!(
            url(
                &[
                    ("AWS_ENDPOINT_URL_SIGNIN", "http://env"),
                    ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
                ],
                profile
            )
            .unwrap(),
            "https://eu-west-3.signin.aws.amazon.com/v1/token"
        );
    }

    #[test]
    fn bad_urls_name_their_origin() {
        let err = url(&[("AWS_ENDPOINT_URL_SIGNIN", "ftp://x")], "[default]\n").unwrap_err();
        assert!(
            err.contains("AWS_ENDPOINT_URL_SIGNIN") && err.contains("http"),
            "{err}"
        );
        let err = url(&[("AWS_ENDPOINT_URL_SIGNIN", "http:///x")], "[default]\n").unwrap_err();
        assert!(err.contains("no host"), "{err}");
        let err = url(
            &[("AWS_ENDPOINT_URL_SIGNIN", "http://x?a=b")],
            "[default]\n",
        )
        .unwrap_err();
        assert!(err.contains("query"), "{err}");
    }
}
