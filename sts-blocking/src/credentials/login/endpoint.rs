//! Where the sign-in service's token endpoint is.
//!
//! As the AWS SDKs configure a service's endpoint: `AWS_ENDPOINT_URL_SIGNIN`,
//! then `AWS_ENDPOINT_URL`, then the profile's `services` section
//! (`signin = endpoint_url = …`), then its `endpoint_url` (none of these
//! when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` / `ignore_configured_endpoint_urls`
//! is on); otherwise the service's regional endpoint,
//! `https://{region}.signin.aws.amazon.com` (`amazonaws.cn` in China,
//! `amazonaws-us-gov.com` in GovCloud), with the region of the client
//! settings (`AWS_REGION`, the profile's `region`, …). The token operation
//! is `POST /v1/token` there.

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
) -> Result<String, CredentialsError> {
    let resolved = config.resolve_settings(settings)?;
    if let Some((url, origin)) = configured_url(config, &resolved) {
        return check_url(&url)
            .map(|base| format!("{base}{TOKEN_PATH}"))
            .map_err(|why| {
                CredentialsError::invalid_configuration(
                    "sign-in service settings",
                    format!("the endpoint URL from {origin} {why}"),
                )
            });
    }
    let Some(region) = resolved.region else {
        return Err(CredentialsError::invalid_configuration(
            "sign-in service settings",
            "no region is set for the sign-in service (set `region` in the profile, or \
             AWS_REGION)",
        ));
    };
    regional_url(&region.value).ok_or_else(|| {
        CredentialsError::invalid_configuration(
            "sign-in service settings",
            format!(
                "the sign-in service's endpoint in region {} is not known to this crate; set \
                 {SERVICE_VAR}",
                region.value
            ),
        )
    })
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
fn check_url(url: &str) -> Result<&str, String> {
    let shown: String = url.chars().take(64).collect();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("({shown:?}) is not an http:// or https:// URL"))?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("({shown:?}) names no host"));
    }
    if rest.contains(['?', '#']) || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "({shown:?}) has a query, a fragment or white space"
        ));
    }
    Ok(url.trim_end_matches('/'))
}

/// `https://{region}.signin.{suffix}/v1/token` for the partitions whose
/// sign-in domain is known; none for a malformed region or an isolated
/// partition.
fn regional_url(region: &str) -> Option<String> {
    let well_formed = !region.is_empty()
        && region.len() <= 63
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if !well_formed {
        return None;
    }
    let suffix = if region.starts_with("cn-") {
        "amazonaws.cn"
    } else if region.starts_with("us-gov-") {
        "amazonaws-us-gov.com"
    } else if region.starts_with("us-iso")
        || region.starts_with("eu-iso")
        || region.starts_with("eusc-")
    {
        return None;
    } else {
        "aws.amazon.com"
    };
    Some(format!("https://{region}.signin.{suffix}{TOKEN_PATH}"))
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
        token_url(&config(env, profile), &StsSettings::of_profile("default"))
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
        let iso = url(&[("AWS_REGION", "us-iso-east-1")], "[default]\n").unwrap_err();
        assert!(iso.contains("AWS_ENDPOINT_URL_SIGNIN"), "{iso}");
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
