//! Where the SSO portal and OIDC service of a region are, as their
//! endpoint rules say, unless an endpoint URL is configured.

use sts_proto::endpoint::partitions::partition_for_region;

use crate::credentials::ProviderConfig;
use crate::credentials::provider_config::StsSettings;
use crate::settings::{self, Overrides, Service};

/// The two services SSO credentials need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Api {
    /// `portal.sso`: `GetRoleCredentials`.
    Portal,
    /// `oidc`: `CreateToken`.
    Oidc,
}

impl Api {
    fn service(self) -> Service {
        match self {
            Api::Portal => Service::SSO,
            Api::Oidc => Service::SSO_OIDC,
        }
    }

    fn host_prefix(self, fips: bool) -> &'static str {
        match (self, fips) {
            (Api::Portal, false) => "portal.sso",
            (Api::Portal, true) => "portal.sso-fips",
            (Api::Oidc, false) => "oidc",
            (Api::Oidc, true) => "oidc-fips",
        }
    }
}

/// The base URL (no trailing `/`) of `api` for `region`, with the settings
/// of `settings`' profile (else the selected one): a configured endpoint
/// URL, else the rules' host for the region, FIPS and dual-stack flags.
pub(super) fn base_url(
    config: &ProviderConfig,
    settings: &StsSettings,
    api: Api,
    region: &str,
) -> Result<String, String> {
    let overrides = Overrides {
        profile: settings.profile.clone(),
        ..Overrides::default()
    };
    let resolved =
        settings::resolve_for(&overrides, config, api.service()).map_err(|e| e.to_string())?;
    let (fips, dual_stack) = (resolved.use_fips.value, resolved.use_dual_stack.value);
    if let Some(url) = resolved.endpoint_url {
        if fips {
            return Err(format!(
                "FIPS endpoints ({}) and a custom endpoint URL ({}) cannot be combined",
                resolved.use_fips.origin, url.origin
            ));
        }
        if dual_stack {
            return Err(format!(
                "dual-stack endpoints ({}) and a custom endpoint URL ({}) cannot be combined",
                resolved.use_dual_stack.origin, url.origin
            ));
        }
        return Ok(url.value.trim_end_matches('/').to_owned());
    }
    rules_url(api, region, fips, dual_stack)
}

/// The endpoint rules of both services, which differ only in the host's
/// first labels.
fn rules_url(api: Api, region: &str, fips: bool, dual_stack: bool) -> Result<String, String> {
    let well_formed = !region.is_empty()
        && region.len() <= 63
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if !well_formed {
        return Err(format!(
            "sso_region {region:?} is not a region name such as us-east-1"
        ));
    }
    let p = partition_for_region(region);
    let prefix = api.host_prefix(fips);
    match (fips, dual_stack) {
        (true, true) if p.supports_fips && p.supports_dual_stack => Ok(format!(
            "https://{prefix}.{region}.{}",
            p.dual_stack_dns_suffix
        )),
        (true, true) => Err(format!(
            "FIPS and dual-stack endpoints are enabled, but partition {} does not support \
             one or both",
            p.name
        )),
        (true, false) if !p.supports_fips => Err(format!(
            "FIPS endpoints are enabled, but partition {} does not support FIPS",
            p.name
        )),
        // GovCloud's ordinary endpoints are its FIPS endpoints.
        (true, false) if p.name == "aws-us-gov" => Ok(format!(
            "https://{}.{region}.amazonaws.com",
            api.host_prefix(false)
        )),
        (true, false) => Ok(format!("https://{prefix}.{region}.{}", p.dns_suffix)),
        (false, true) if p.supports_dual_stack => Ok(format!(
            "https://{prefix}.{region}.{}",
            p.dual_stack_dns_suffix
        )),
        (false, true) => Err(format!(
            "dual-stack endpoints are enabled, but partition {} does not support dual-stack",
            p.name
        )),
        (false, false) => Ok(format!("https://{prefix}.{region}.{}", p.dns_suffix)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_by_region_and_flags() {
        let url = |api, region, fips, dual| rules_url(api, region, fips, dual).unwrap();
        assert_eq!(
            url(Api::Portal, "us-east-2", false, false),
            "https://portal.sso.us-east-2.amazonaws.com"
        );
        assert_eq!(
            url(Api::Portal, "us-east-2", true, true),
            "https://portal.sso-fips.us-east-2.api.aws"
        );
        assert_eq!(
            url(Api::Portal, "us-east-2", true, false),
            "https://portal.sso-fips.us-east-2.amazonaws.com"
        );
        assert_eq!(
            url(Api::Oidc, "eu-west-1", false, true),
            "https://oidc.eu-west-1.api.aws"
        );
        assert_eq!(
            url(Api::Oidc, "cn-north-1", false, false),
            "https://oidc.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            url(Api::Portal, "us-gov-west-1", true, false),
            "https://portal.sso.us-gov-west-1.amazonaws.com"
        );
        assert!(rules_url(Api::Portal, "us-east-1/evil", false, false).is_err());
        assert!(rules_url(Api::Portal, "", false, false).is_err());
    }

    #[test]
    fn configured_endpoint_urls_per_service_then_shared() {
        use crate::credentials::MapFs;
        use crate::env::MapEnv;
        let profile = "[default]\nendpoint_url = http://shared/\nservices = s\n\
                       [services s]\nsso_oidc =\n  endpoint_url = http://oidc-profile\n";
        let url = |env: &[(&str, &str)], api| {
            let mut vars = vec![("HOME", "/h")];
            vars.extend_from_slice(env);
            let config = ProviderConfig::new()
                .with_env(MapEnv::new(vars))
                .with_fs(MapFs::new().with_file("/h/.aws/config", profile));
            base_url(&config, &StsSettings::default(), api, "us-east-1")
        };
        assert_eq!(url(&[], Api::Portal).unwrap(), "http://shared");
        assert_eq!(url(&[], Api::Oidc).unwrap(), "http://oidc-profile");
        let env = [
            ("AWS_ENDPOINT_URL_SSO", "http://portal-env"),
            ("AWS_ENDPOINT_URL", "http://env"),
        ];
        assert_eq!(url(&env, Api::Portal).unwrap(), "http://portal-env");
        assert_eq!(url(&env, Api::Oidc).unwrap(), "http://env");
        let ignore = [("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")];
        assert_eq!(
            url(&ignore, Api::Portal).unwrap(),
            "https://portal.sso.us-east-1.amazonaws.com"
        );
        let e = url(&[("AWS_USE_FIPS_ENDPOINT", "true")], Api::Portal).unwrap_err();
        assert!(
            e.contains("FIPS") && e.contains("AWS_USE_FIPS_ENDPOINT"),
            "{e}"
        );
        let e = url(&[("AWS_ENDPOINT_URL_SSO", "portal")], Api::Portal).unwrap_err();
        assert!(e.contains("AWS_ENDPOINT_URL_SSO"), "{e}");
    }
}
