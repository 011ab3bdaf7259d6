//! Unit tests: hostile regions and endpoints, URL checks, rule-set corners.

use super::*;

fn region(r: &str) -> Result<ResolvedEndpoint, EndpointError> {
    resolve(&EndpointConfig::new().with_region(r))
}

fn endpoint(e: &str) -> Result<ResolvedEndpoint, EndpointError> {
    resolve(&EndpointConfig::new().with_endpoint(e))
}

fn invalid_endpoint_reason(e: &str) -> &'static str {
    match endpoint(e) {
        Err(EndpointError::InvalidEndpoint { reason, .. }) => reason,
        other => panic!("{e:?}: expected InvalidEndpoint, got {other:?}"),
    }
}

#[test]
fn regional_endpoint_for_a_plain_region() {
    let r = region("eu-west-1").unwrap();
    assert_eq!(
        r,
        ResolvedEndpoint {
            url: "https://sts.eu-west-1.amazonaws.com".into(),
            signing_region: "eu-west-1".into(),
            signing_name: "sts".into(),
        }
    );
}

#[test]
fn unknown_well_formed_region_falls_back_to_aws() {
    let r = region("xx-mars-1").unwrap();
    assert_eq!(r.url, "https://sts.xx-mars-1.amazonaws.com");
    assert_eq!(r.signing_region, "xx-mars-1");
}

#[test]
fn missing_region_is_the_rule_set_error() {
    let err = resolve(&EndpointConfig::new()).unwrap_err();
    assert_eq!(err, EndpointError::MissingRegion);
    assert_eq!(err.to_string(), "Invalid Configuration: Missing Region");
    // Global endpoint alone does not supply a region either.
    let err = resolve(&EndpointConfig::new().with_global_endpoint(true)).unwrap_err();
    assert_eq!(err, EndpointError::MissingRegion);
}

#[test]
fn empty_region_is_its_own_error_naming_the_input() {
    let err = region("").unwrap_err();
    assert_eq!(err, EndpointError::EmptyRegion);
    assert!(err.to_string().contains("region"), "{err}");
    // Also with an explicit endpoint: it would become the signing region.
    let err = resolve(
        &EndpointConfig::new()
            .with_region("")
            .with_endpoint("http://localhost:5000"),
    )
    .unwrap_err();
    assert_eq!(err, EndpointError::EmptyRegion);
}

#[test]
fn hostile_regions_are_rejected_without_panicking() {
    let long = "a".repeat(300);
    let hostile = [
        "us-east-1/evil",
        "us-east-1.evil.com",
        "a.b",
        "us-east-1#",
        "us-east-1?x=1",
        "us-east-1@evil",
        "us-east-1:443",
        "us east 1",
        " us-east-1",
        "us-east-1\n",
        "us-east-1\r\nHost: evil",
        "us-east-1\0",
        "us-eäst-1",
        "us-east-١",
        "\u{202e}1-tsae-su",
        "-us-east-1",
        "us_east_1",
        "%2e%2e",
        "..",
        "/",
        long.as_str(),
    ];
    for r in hostile {
        for cfg in [
            EndpointConfig::new().with_region(r),
            EndpointConfig::new().with_region(r).with_fips(true),
            EndpointConfig::new().with_region(r).with_dual_stack(true),
            EndpointConfig::new()
                .with_region(r)
                .with_global_endpoint(true),
            EndpointConfig::new()
                .with_region(r)
                .with_endpoint("https://example.com"),
        ] {
            match resolve(&cfg) {
                Err(EndpointError::InvalidRegion { region, reason }) => {
                    assert_eq!(region, r);
                    assert!(!reason.is_empty());
                }
                other => panic!("{r:?} ({cfg:?}): expected InvalidRegion, got {other:?}"),
            }
        }
    }
}

#[test]
fn region_error_messages_are_escaped_and_bounded() {
    let err = region("us-east-1\r\nX-Evil: 1").unwrap_err();
    let msg = err.to_string();
    assert!(!msg.contains('\r') && !msg.contains('\n'), "{msg:?}");
    assert!(msg.contains(r"us-east-1\r\nX-Evil: 1"), "{msg}");

    let err = region("\u{202e}x").unwrap_err();
    assert!(err.to_string().is_ascii(), "{err}");
    // A quote that is not cut says nothing of more characters.
    assert!(!err.to_string().contains("more characters"), "{err}");

    let long = "b".repeat(300);
    let err = region(&long).unwrap_err();
    let msg = err.to_string();
    assert!(msg.len() < 200, "{msg}");
    assert!(msg.contains("(and 200 more characters)"), "{msg}");
    assert!(msg.contains("63"), "{msg}");
    // The field keeps the full input for programs.
    assert!(matches!(err, EndpointError::InvalidRegion { region, .. } if region == long));
}

#[test]
fn valid_region_edge_cases_produce_clean_hosts() {
    let sixty_three = "a".repeat(63);
    for r in [
        "a",
        "1",
        "us-east-1",
        "US-EAST-1",
        "abc-",
        sixty_three.as_str(),
    ] {
        for cfg in [
            EndpointConfig::new().with_region(r),
            EndpointConfig::new().with_region(r).with_fips(true),
            EndpointConfig::new().with_region(r).with_dual_stack(true),
            EndpointConfig::new()
                .with_region(r)
                .with_fips(true)
                .with_dual_stack(true),
        ] {
            let resolved = resolve(&cfg).unwrap();
            let uri: http::Uri = resolved.url.parse().unwrap();
            assert_eq!(uri.scheme_str(), Some("https"));
            assert_eq!(uri.path(), "/");
            assert!(uri.query().is_none());
            let host = uri.host().unwrap();
            assert!(
                host.starts_with("sts.") || host.starts_with("sts-fips."),
                "{host}"
            );
            assert_eq!(host.split('.').nth(1), Some(r), "{host}");
            assert_eq!(resolved.signing_region, r);
        }
    }
    assert!(region(&"a".repeat(64)).is_err());
}

#[test]
fn global_endpoint_for_legacy_regions_only() {
    for r in LEGACY_GLOBAL_REGIONS {
        let g = resolve(
            &EndpointConfig::new()
                .with_region(*r)
                .with_global_endpoint(true),
        )
        .unwrap();
        assert_eq!(g.url, GLOBAL_ENDPOINT);
        assert_eq!(g.signing_region, "us-east-1");
        assert_eq!(g.signing_name, "sts");
    }
    for (r, url) in [
        ("us-east-3", "https://sts.us-east-3.amazonaws.com"),
        ("ap-east-1", "https://sts.ap-east-1.amazonaws.com"),
        ("cn-north-1", "https://sts.cn-north-1.amazonaws.com.cn"),
        ("us-gov-west-1", "https://sts.us-gov-west-1.amazonaws.com"),
    ] {
        let g = resolve(
            &EndpointConfig::new()
                .with_region(r)
                .with_global_endpoint(true),
        )
        .unwrap();
        assert_eq!(g.url, url);
        assert_eq!(g.signing_region, r);
    }
}

#[test]
fn global_endpoint_flag_yields_to_fips_and_dual_stack() {
    let cfg = EndpointConfig::new()
        .with_region("us-east-1")
        .with_global_endpoint(true);
    let fips = resolve(&cfg.clone().with_fips(true)).unwrap();
    assert_eq!(fips.url, "https://sts-fips.us-east-1.amazonaws.com");
    assert_eq!(fips.signing_region, "us-east-1");
    let ds = resolve(&cfg.with_dual_stack(true)).unwrap();
    assert_eq!(ds.url, "https://sts.us-east-1.api.aws");
}

#[test]
fn aws_global_region_without_the_flag() {
    let g = region("aws-global").unwrap();
    assert_eq!(g.url, GLOBAL_ENDPOINT);
    assert_eq!(g.signing_region, "us-east-1");
    // The rule set has no special case for aws-global with FIPS.
    let f = resolve(
        &EndpointConfig::new()
            .with_region("aws-global")
            .with_fips(true),
    )
    .unwrap();
    assert_eq!(f.url, "https://sts-fips.aws-global.amazonaws.com");
}

#[test]
fn partition_variants() {
    let cases = [
        (
            "eusc-de-east-1",
            false,
            false,
            "https://sts.eusc-de-east-1.amazonaws.eu",
        ),
        (
            "eusc-de-east-1",
            false,
            true,
            "https://sts.eusc-de-east-1.api.amazonwebservices.eu",
        ),
        (
            "us-isof-south-1",
            true,
            false,
            "https://sts-fips.us-isof-south-1.csp.hci.ic.gov",
        ),
        (
            "eu-isoe-west-1",
            false,
            false,
            "https://sts.eu-isoe-west-1.cloud.adc-e.uk",
        ),
        (
            "us-isob-east-1",
            false,
            true,
            "https://sts.us-isob-east-1.api.aws.scloud",
        ),
        (
            "us-gov-west-1",
            true,
            false,
            "https://sts.us-gov-west-1.amazonaws.com",
        ),
        (
            "us-gov-west-1",
            true,
            true,
            "https://sts-fips.us-gov-west-1.api.aws",
        ),
        (
            "us-gov-south-7",
            true,
            false,
            "https://sts.us-gov-south-7.amazonaws.com",
        ),
        (
            "cn-northwest-1",
            true,
            true,
            "https://sts-fips.cn-northwest-1.api.amazonwebservices.com.cn",
        ),
    ];
    for (r, fips, ds, url) in cases {
        let got = resolve(
            &EndpointConfig::new()
                .with_region(r)
                .with_fips(fips)
                .with_dual_stack(ds),
        )
        .unwrap();
        assert_eq!(got.url, url, "{r} fips={fips} ds={ds}");
        assert_eq!(got.signing_region, r);
    }
}

#[test]
fn unsupported_partition_features_give_the_rule_set_errors() {
    let no_fips = Partition {
        supports_fips: false,
        ..*partitions::partition_by_name("aws-iso").unwrap()
    };
    let no_ds = Partition {
        supports_dual_stack: false,
        ..no_fips
    };
    let err = partition_url(&no_fips, "us-iso-east-1", true, false).unwrap_err();
    assert_eq!(
        err,
        EndpointError::FipsUnsupported {
            partition: "aws-iso"
        }
    );
    assert_eq!(
        err.to_string(),
        "FIPS is enabled but this partition does not support FIPS"
    );
    let err = partition_url(&no_fips, "us-iso-east-1", true, true).unwrap_err();
    assert_eq!(
        err.to_string(),
        "FIPS and DualStack are enabled, but this partition does not support one or both"
    );
    let err = partition_url(&no_ds, "us-iso-east-1", false, true).unwrap_err();
    assert_eq!(
        err.to_string(),
        "DualStack is enabled but this partition does not support DualStack"
    );
    assert_eq!(
        partition_url(&no_ds, "us-iso-east-1", false, false).unwrap(),
        Some("https://sts.us-iso-east-1.c2s.ic.gov".into())
    );
}

#[test]
fn localhost_endpoint_for_moto() {
    let r = endpoint("http://localhost:5000").unwrap();
    assert_eq!(
        r,
        ResolvedEndpoint {
            url: "http://localhost:5000".into(),
            signing_region: DEFAULT_SIGNING_REGION.into(),
            signing_name: "sts".into(),
        }
    );
    let r = resolve(
        &EndpointConfig::new()
            .with_region("eu-central-1")
            .with_endpoint("http://127.0.0.1:5000/"),
    )
    .unwrap();
    assert_eq!(r.url, "http://127.0.0.1:5000");
    assert_eq!(r.signing_region, "eu-central-1");
    assert_eq!(
        endpoint("http://[::1]:5000").unwrap().url,
        "http://[::1]:5000"
    );
    assert_eq!(endpoint("http://[::1]").unwrap().url, "http://[::1]");
    assert_eq!(
        endpoint("http://localhost:65535").unwrap().url,
        "http://localhost:65535"
    );
}

#[test]
fn explicit_endpoint_beats_the_global_flag() {
    let r = resolve(
        &EndpointConfig::new()
            .with_region("us-west-1")
            .with_global_endpoint(true)
            .with_endpoint("https://example.com"),
    )
    .unwrap();
    assert_eq!(r.url, "https://example.com");
    assert_eq!(r.signing_region, "us-west-1");
}

#[test]
fn explicit_endpoint_with_fips_or_dual_stack_is_refused() {
    let cfg = EndpointConfig::new().with_endpoint("https://example.com");
    let err = resolve(&cfg.clone().with_fips(true)).unwrap_err();
    assert_eq!(err, EndpointError::FipsWithCustomEndpoint);
    let err = resolve(&cfg.clone().with_dual_stack(true)).unwrap_err();
    assert_eq!(err, EndpointError::DualStackWithCustomEndpoint);
    // FIPS is reported first, as in the rule set.
    let err = resolve(&cfg.with_fips(true).with_dual_stack(true)).unwrap_err();
    assert_eq!(err, EndpointError::FipsWithCustomEndpoint);
}

#[test]
fn endpoint_paths_are_kept_and_normalized() {
    assert_eq!(
        endpoint("https://example.com/").unwrap().url,
        "https://example.com"
    );
    // A path's trailing slash stays: the AWS CLI posts to `/sts/`.
    assert_eq!(
        endpoint("https://example.com/sts/").unwrap().url,
        "https://example.com/sts/"
    );
    assert_eq!(
        endpoint("https://example.com/sts").unwrap().url,
        "https://example.com/sts"
    );
    assert_eq!(
        endpoint("https://example.com/a/b").unwrap().url,
        "https://example.com/a/b"
    );
    assert_eq!(
        endpoint("HTTPS://Example.com:8443").unwrap().url,
        "https://Example.com:8443"
    );
}

#[test]
fn endpoint_query_and_fragment_are_refused() {
    for e in [
        "https://example.com?x=1",
        "https://example.com/?x=1",
        "https://example.com/p?",
        "https://example.com#frag",
        "https://example.com/p#",
    ] {
        let reason = invalid_endpoint_reason(e);
        assert!(reason.contains("query or fragment"), "{e}: {reason}");
    }
}

/// Found by comparing with botocore 1.44.8: `/a/b/..` was sent as it
/// stands and signed as `/a/`, where botocore signs `/a`.
#[test]
fn dot_segments_in_the_path_are_refused() {
    for e in [
        "https://example.com/a/b/..",
        "https://example.com/a/./b",
        "https://example.com/..",
        "https://example.com/.",
        "https://example.com/a/../",
    ] {
        let reason = invalid_endpoint_reason(e);
        assert!(reason.contains("`..` segments"), "{e}: {reason}");
    }
    for e in [
        "https://example.com/a.b/..c/...",
        "https://example.com/%2E%2E/",
        "https://example.com/.well-known",
    ] {
        assert!(endpoint(e).is_ok(), "{e}");
    }
}

#[test]
fn non_http_schemes_are_refused() {
    for e in [
        "ftp://example.com",
        "file:///etc/passwd",
        "ws://example.com",
        "httpx://example.com",
        "javascript://example.com",
    ] {
        let reason = invalid_endpoint_reason(e);
        assert!(
            reason.contains("scheme")
                || reason.contains("valid URL")
                || reason.contains("absolute"),
            "{e}: {reason}"
        );
    }
    assert_eq!(
        invalid_endpoint_reason("ftp://example.com"),
        "the scheme must be http or https"
    );
}

#[test]
fn relative_and_malformed_endpoints_are_refused() {
    for e in [
        "",
        "example.com",
        "/path",
        "localhost:5000",
        "//example.com",
        "https://",
        "https:///path",
        "https://:443",
        " https://example.com",
        "http://h:99999999999",
        "http://h:port",
        "http://h:",
        "http://h:0",
        "http://[::1]:-1",
        "https://example.com ",
        "https://exa mple.com",
        "https://example.com/\r\nHost: evil",
        "https://exämple.com",
        "https://example.com/ä",
    ] {
        let err = endpoint(e).unwrap_err();
        assert!(
            matches!(err, EndpointError::InvalidEndpoint { ref endpoint, .. } if endpoint == e),
            "{e:?}: {err:?}"
        );
        let msg = err.to_string();
        assert!(msg.starts_with("invalid endpoint "), "{msg}");
        assert!(!msg.contains('\n') && !msg.contains('\r'), "{msg:?}");
    }
    // Refused as a URL, and the part before `@` is redacted just in case.
    let err = endpoint("https://example.com\\@evil").unwrap_err();
    assert!(
        matches!(err, EndpointError::InvalidEndpoint { ref endpoint, .. } if endpoint == "https://***@evil"),
        "{err:?}"
    );
    assert_eq!(
        invalid_endpoint_reason(""),
        "the endpoint is an empty string"
    );
}

#[test]
fn credentials_in_the_endpoint_are_refused_and_redacted() {
    let err = endpoint("https://AKIDEXAMPLE:s3cr3t@example.com/").unwrap_err();
    let msg = err.to_string();
    assert!(
        !msg.contains("s3cr3t") && !msg.contains("AKIDEXAMPLE"),
        "{msg}"
    );
    assert!(msg.contains("https://***@example.com/"), "{msg}");
    assert!(msg.contains("credentials"), "{msg}");
    match err {
        EndpointError::InvalidEndpoint { endpoint, .. } => {
            assert_eq!(endpoint, "https://***@example.com/");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn redaction_hides_everything_up_to_the_last_at() {
    for (given, shown) in [
        ("https://u:p@h/x", "https://***@h/x"),
        ("https://admin:hun#ter2@host", "https://***@host"),
        ("https://AKID:wJalr/XUtn+K@host/", "https://***@host/"),
        ("https://u:p?w@h", "https://***@h"),
        ("https://u:p@w@h:443", "https://***@h:443"),
        ("HTTPS://u:p@h", "HTTPS://***@h"),
        // An `@` in the path cannot be told from a `/` in a password.
        ("https://u:p@h/x@y", "https://***@y"),
        ("https://h/x@y", "https://***@y"),
        ("https://a@b@h?q@", "https://***@"),
        // Without a (valid) scheme, from the start.
        ("u:p@h", "***@h"),
        ("user:pa://ss@host", "***@host"),
        ("://u:p@h", "***@h"),
        // Nothing to hide.
        ("https://h/x", "https://h/x"),
        ("http://[::1]:5000", "http://[::1]:5000"),
        ("", ""),
    ] {
        assert_eq!(redact_userinfo(given), shown, "{given}");
    }
}

#[test]
fn userinfo_is_absent_from_every_endpoint_error() {
    for given in [
        "https://admin:hun#ter2@sts.example.com",
        "https://admin:hun#ter2@sts.example.com/",
        "https://AKID:wJalr/ter2@sts.example.com",
        "https://admin:hun?ter2@sts.example.com",
        "https://admin:hun ter2@sts.example.com",
        "https://admin:hunter2@sts.example.com:99999",
        "https://admin:hunter2@sts.example.com?x=1",
        "ftp://admin:hunter2@sts.example.com",
        "admin:hunter2@sts.example.com",
        "https://admin:h\u{e9}ter2@sts.example.com",
        "https://admin:hun%ter2@sts.example.com",
        "https://admin:hun@ter2@sts.example.com",
    ] {
        let err = endpoint(given).unwrap_err();
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(
                !text.contains("hun") && !text.contains("ter2") && !text.contains("admin"),
                "{given}: {text}"
            );
        }
    }
}

#[test]
fn queries_and_fragments_are_absent_from_endpoint_errors() {
    for given in [
        "ftp://sts.example.com/?X-Amz-Security-Token=tok3n",
        "https://sts.example.com:99999/#access_token=tok3n",
        "https://sts.example.com:0?tok3n",
        "not a url?tok3n",
    ] {
        let err = endpoint(given).unwrap_err();
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(!text.contains("tok3n"), "{given}: {text}");
        }
    }
}

#[test]
fn credentials_in_an_endpoint_are_named_as_such() {
    for given in [
        "https://admin:hun#ter2@sts.example.com",
        "https://AKID:wJalr/ter2@sts.example.com",
        "https://admin:hunter2@sts.example.com",
    ] {
        let err = endpoint(given).unwrap_err().to_string();
        assert!(err.contains("credentials in the URL"), "{given}: {err}");
    }
}

#[test]
fn hostile_endpoints_never_panic() {
    let long = format!("https://{}.com", "a".repeat(70_000));
    let inputs = [
        "http://",
        "http://[",
        "http://[::1",
        "http://h:99999999999",
        "http://h:port",
        "http://%",
        "http://%zz",
        "\0",
        "https://\u{0}",
        long.as_str(),
    ];
    for e in inputs {
        for fips in [false, true] {
            let _ = resolve(&EndpointConfig::new().with_endpoint(e).with_fips(fips));
        }
    }
}

#[test]
fn config_builders_set_every_field() {
    let cfg = EndpointConfig::new()
        .with_region("r")
        .with_fips(true)
        .with_dual_stack(true)
        .with_global_endpoint(true)
        .with_endpoint("e");
    assert_eq!(cfg.region.as_deref(), Some("r"));
    assert!(cfg.use_fips && cfg.use_dual_stack && cfg.use_global_endpoint);
    assert_eq!(cfg.endpoint.as_deref(), Some("e"));
    assert_eq!(EndpointConfig::new(), EndpointConfig::default());
    assert_eq!(
        EndpointConfig::new().with_region("us-east-2").resolve(),
        region("us-east-2")
    );
}

#[test]
fn every_character_in_a_region_is_either_refused_or_a_clean_host() {
    let chars = (0u32..0x300)
        .chain([0x202e, 0xfeff, 0xff0e, 0x1f600])
        .filter_map(char::from_u32);
    for c in chars {
        for r in [
            format!("{c}"),
            format!("us-east-1{c}"),
            format!("us{c}east-1"),
        ] {
            for fips in [false, true] {
                let Ok(resolved) = resolve(&EndpointConfig::new().with_region(&r).with_fips(fips))
                else {
                    assert!(
                        !(c.is_ascii_alphanumeric() || c == '-') || r.starts_with('-'),
                        "{r:?}"
                    );
                    continue;
                };
                assert!(c.is_ascii_alphanumeric() || c == '-', "{r:?} accepted");
                let uri: http::Uri = resolved.url.parse().unwrap();
                assert_eq!(uri.path(), "/", "{r:?}");
                assert_eq!(uri.host().unwrap().split('.').nth(1), Some(r.as_str()));
            }
        }
    }
}
