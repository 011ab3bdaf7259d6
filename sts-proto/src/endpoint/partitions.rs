//! The AWS partitions: which DNS suffix and which FIPS and dual-stack
//! capabilities a region has.
//!
//! The endpoint rule set asks `aws.partition(Region)` for these facts. They
//! come from the AWS SDKs' shared `partitions.json` (version 1.1, the data
//! smithy-rs, botocore and the JavaScript SDK ship), written here as plain
//! Rust tables so that resolving an endpoint needs no JSON parser, no regex
//! engine and no allocation.
//!
//! The lookup follows the SDKs exactly: a region named in a partition's
//! explicit list belongs to that partition; otherwise the first partition
//! whose region pattern matches wins; otherwise the region is treated as part
//! of the commercial `aws` partition. That last fallback is why an unknown
//! but well-formed region still resolves (new regions work before this table
//! learns about them).
//!
//! ```
//! use sts_proto::endpoint::partitions::partition_for_region;
//!
//! assert_eq!(partition_for_region("cn-north-1").dns_suffix, "amazonaws.com.cn");
//! assert_eq!(partition_for_region("us-gov-west-1").name, "aws-us-gov");
//! // Unknown regions fall back to the commercial partition.
//! assert_eq!(partition_for_region("xx-nowhere-9").name, "aws");
//! ```

/// One AWS partition: a group of regions sharing a DNS namespace and
/// capabilities.
///
/// The fields are the `outputs` of `partitions.json` plus the partition's
/// explicit region list and its `regionRegex`, which for every partition has
/// the shape `^(prefix|…)\-\w+\-\d+$` and is therefore kept as its list of
/// prefixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Partition {
    /// The partition name, e.g. `aws`, `aws-cn`, `aws-us-gov`; it is also
    /// the partition segment of ARNs in this partition.
    pub name: &'static str,
    /// DNS suffix of the partition's ordinary (IPv4) endpoints.
    pub dns_suffix: &'static str,
    /// DNS suffix of the partition's dual-stack (IPv4 and IPv6) endpoints.
    pub dual_stack_dns_suffix: &'static str,
    /// Whether the partition offers FIPS 140 validated endpoints; the rule
    /// set refuses `UseFIPS` where it does not.
    pub supports_fips: bool,
    /// Whether the partition offers dual-stack endpoints; the rule set
    /// refuses `UseDualStack` where it does not.
    pub supports_dual_stack: bool,
    /// The region that global (region-less) services of this partition are
    /// signed for.
    pub implicit_global_region: &'static str,
    /// The regions `partitions.json` lists by name. Other regions can still
    /// belong to the partition through its region pattern.
    pub regions: &'static [&'static str],
    /// The partition's `regionRegex` `^(p1|p2|…)\-\w+\-\d+$` as its
    /// alternatives `[p1, p2, …]` (which may contain `-`, as `us-gov`).
    /// `\w` is ASCII `[A-Za-z0-9_]` and `\d` is `[0-9]`, as in the SDKs.
    pub region_prefixes: &'static [&'static str],
}

impl Partition {
    /// Whether `region` matches this partition's region pattern (its
    /// `regionRegex` in `partitions.json`).
    ///
    /// This is the pattern only; [`partition_for_region`] also consults the
    /// explicit region lists and the fallback.
    #[must_use]
    pub fn matches_region_pattern(&self, region: &str) -> bool {
        self.region_prefixes
            .iter()
            .any(|prefix| word_digits_after(region, prefix))
    }

    /// Whether `region` is in this partition's explicit region list.
    #[must_use]
    pub fn lists_region(&self, region: &str) -> bool {
        self.regions.contains(&region)
    }
}

/// Every partition, in the order of `partitions.json`.
///
/// `PARTITIONS[0]` is the commercial `aws` partition, the fallback for
/// regions no partition claims.
pub const PARTITIONS: &[Partition] = &[
    Partition {
        name: "aws",
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-east-1",
        regions: &[
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "aws-global",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "mx-central-1",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
        // ^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$
        region_prefixes: &["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"],
    },
    Partition {
        name: "aws-cn",
        dns_suffix: "amazonaws.com.cn",
        dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "cn-northwest-1",
        regions: &["aws-cn-global", "cn-north-1", "cn-northwest-1"],
        // ^cn\-\w+\-\d+$
        region_prefixes: &["cn"],
    },
    Partition {
        name: "aws-eusc",
        dns_suffix: "amazonaws.eu",
        dual_stack_dns_suffix: "api.amazonwebservices.eu",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "eusc-de-east-1",
        regions: &["eusc-de-east-1"],
        // ^eusc\-(de)\-\w+\-\d+$
        region_prefixes: &["eusc-de"],
    },
    Partition {
        name: "aws-iso",
        dns_suffix: "c2s.ic.gov",
        dual_stack_dns_suffix: "api.aws.ic.gov",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-iso-east-1",
        regions: &["aws-iso-global", "us-iso-east-1", "us-iso-west-1"],
        // ^us\-iso\-\w+\-\d+$
        region_prefixes: &["us-iso"],
    },
    Partition {
        name: "aws-iso-b",
        dns_suffix: "sc2s.sgov.gov",
        dual_stack_dns_suffix: "api.aws.scloud",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-isob-east-1",
        regions: &["aws-iso-b-global", "us-isob-east-1", "us-isob-west-1"],
        // ^us\-isob\-\w+\-\d+$
        region_prefixes: &["us-isob"],
    },
    Partition {
        name: "aws-iso-e",
        dns_suffix: "cloud.adc-e.uk",
        dual_stack_dns_suffix: "api.cloud-aws.adc-e.uk",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "eu-isoe-west-1",
        regions: &["aws-iso-e-global", "eu-isoe-west-1"],
        // ^eu\-isoe\-\w+\-\d+$
        region_prefixes: &["eu-isoe"],
    },
    Partition {
        name: "aws-iso-f",
        dns_suffix: "csp.hci.ic.gov",
        dual_stack_dns_suffix: "api.aws.hci.ic.gov",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-isof-south-1",
        regions: &["aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"],
        // ^us\-isof\-\w+\-\d+$
        region_prefixes: &["us-isof"],
    },
    Partition {
        name: "aws-us-gov",
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-gov-west-1",
        regions: &["aws-us-gov-global", "us-gov-east-1", "us-gov-west-1"],
        // ^us\-gov\-\w+\-\d+$
        region_prefixes: &["us-gov"],
    },
];

/// The partition a region belongs to: the `aws.partition` function of the
/// endpoint rules language.
///
/// Explicitly listed regions first, then region patterns, then the `aws`
/// partition as the fallback, exactly as the AWS SDKs do. It never fails:
/// callers that need a well-formed region must check that themselves
/// ([`super::resolve`] does).
#[must_use]
pub fn partition_for_region(region: &str) -> &'static Partition {
    PARTITIONS
        .iter()
        .find(|p| p.lists_region(region))
        .or_else(|| PARTITIONS.iter().find(|p| p.matches_region_pattern(region)))
        .unwrap_or(&AWS)
}

/// The partition named `name` (`aws`, `aws-cn`, …), if there is one.
#[must_use]
pub fn partition_by_name(name: &str) -> Option<&'static Partition> {
    PARTITIONS.iter().find(|p| p.name == name)
}

/// The commercial partition, the fallback of [`partition_for_region`].
const AWS: Partition = PARTITIONS[0];

/// Whether `region` is `{prefix}-{word}-{digits}`: the regex
/// `^{prefix}\-\w+\-\d+$` with `\w` = `[A-Za-z0-9_]` and `\d` = `[0-9]`.
///
/// `\w` cannot match `-`, so the word is everything between the prefix's
/// dash and the last dash.
fn word_digits_after(region: &str, prefix: &str) -> bool {
    let Some(rest) = region
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
    else {
        return false;
    };
    let Some((word, digits)) = rest.rsplit_once('-') else {
        return false;
    };
    !word.is_empty()
        && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_region_resolves_to_its_own_partition() {
        for partition in PARTITIONS {
            for region in partition.regions {
                assert_eq!(
                    partition_for_region(region).name,
                    partition.name,
                    "{region}"
                );
            }
        }
    }

    #[test]
    fn region_patterns_match_the_regexes() {
        let cases = [
            ("us-east-1", "aws"),
            ("mx-central-9", "aws"),
            ("il-central-1", "aws"),
            ("ap-some_where-12", "aws"),
            ("cn-east-7", "aws-cn"),
            ("eusc-de-north-2", "aws-eusc"),
            ("us-iso-north-3", "aws-iso"),
            ("us-isob-north-3", "aws-iso-b"),
            ("eu-isoe-north-3", "aws-iso-e"),
            ("us-isof-north-3", "aws-iso-f"),
            ("us-gov-north-3", "aws-us-gov"),
        ];
        for (region, name) in cases {
            let matching: Vec<&str> = PARTITIONS
                .iter()
                .filter(|p| p.matches_region_pattern(region))
                .map(|p| p.name)
                .collect();
            assert_eq!(matching, [name], "{region}");
        }
    }

    #[test]
    fn near_misses_fall_back_to_aws() {
        for region in [
            "",
            "us",
            "us-",
            "us-east",
            "us-east-",
            "us--1",
            "us-east-1a",
            "us-east-1-",
            "xx-east-1",
            "cn-north-x",
            "eusc-fr-east-1",
            "us-gov-east-1-1",
            "us-gov-ea.st-1",
            "US-GOV-EAST-1",
            "us-gov-east-١",
        ] {
            assert!(
                PARTITIONS.iter().all(|p| !p.matches_region_pattern(region)),
                "{region:?} matched a pattern"
            );
            assert_eq!(partition_for_region(region).name, "aws", "{region:?}");
        }
    }

    #[test]
    fn partitions_are_unique_and_findable_by_name() {
        assert_eq!(PARTITIONS.len(), 8);
        for p in PARTITIONS {
            assert_eq!(partition_by_name(p.name), Some(p));
        }
        assert_eq!(partition_by_name("aws-mars"), None);
        assert_eq!(AWS.name, "aws");
    }
}
