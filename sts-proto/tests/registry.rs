//! The operation registry (`sts_proto::for_each_operation!`) against the
//! places in this crate that must follow it: its fixed order, the files of
//! `src/ops/`, and the recorded or canned responses of `tests/responses.rs`.

use std::collections::BTreeSet;
use std::path::Path;

/// `(request type, snake name)` of every operation, in the registry's order.
macro_rules! names {
    ($(($op:ident, $snake:ident, $($rest:tt)*)),* $(,)?) => {
        [$((stringify!($op), stringify!($snake))),*]
    };
}

const OPERATIONS: &[(&str, &str)] = &sts_proto::for_each_operation!(names);

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_order_is_pinned_since_fuzz_seeds_index_it() {
    // Appending is fine; moving or removing an operation changes what every
    // seed of `fuzz/corpus/response` means.
    assert_eq!(
        sts_proto::ops::ACTIONS,
        [
            "AssumeRole",
            "AssumeRoleWithSAML",
            "AssumeRoleWithWebIdentity",
            "AssumeRoot",
            "DecodeAuthorizationMessage",
            "GetAccessKeyInfo",
            "GetCallerIdentity",
            "GetDelegatedAccessToken",
            "GetFederationToken",
            "GetSessionToken",
            "GetWebIdentityToken",
            "GetScopedCredentials",
        ]
    );
    assert_eq!(OPERATIONS.len(), sts_proto::ops::ACTIONS.len());
}

#[test]
fn every_file_of_src_ops_is_a_registered_operation() {
    let dir = crate_dir().join("src/ops");
    let files: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter_map(|name| name.strip_suffix(".rs").map(str::to_owned))
        .filter(|name| !["members", "mod", "registry"].contains(&name.as_str()))
        .collect();
    let registered: BTreeSet<String> = OPERATIONS
        .iter()
        .map(|(_, snake)| (*snake).to_owned())
        .collect();
    assert_eq!(
        files, registered,
        "src/ops/ and the registry in src/ops/registry.rs list different operations"
    );
}

#[test]
fn every_operation_has_a_recorded_or_canned_response() {
    let path = crate_dir().join("tests/responses.rs");
    let source = std::fs::read_to_string(&path).unwrap();
    let missing: Vec<&str> = OPERATIONS
        .iter()
        .map(|(op, _)| *op)
        .filter(|op| !source.contains(&format!("parse::<{op}>(200,")))
        .collect();
    assert!(
        missing.is_empty(),
        "tests/responses.rs parses no successful response of {missing:?}: add a \
         recorded one (testdata/responses) or a canned one with every member"
    );
}
