//! The profile-file parser, file location and profile-chain resolver
//! against the AWS SDKs' shared test data (smithy-rs; see
//! `testdata/SOURCES.md`):
//!
//! - `profile-parser-tests.json`: all 65 cases, one of them with a
//!   difference on purpose ([`DIFFERENCES`]);
//! - `file-location-tests.json`: the Linux cases (the Windows ones test
//!   rules for another platform; they are counted as skipped);
//! - `assume-role-tests.json`: all 28 cases, the 6 SSO ones included (an
//!   `Sso` base, or the SDKs' error).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Map, Value};
use sts_blocking::credentials::CredentialsErrorKind;
use sts_blocking::credentials::profile_chain::{self, BaseCredentials, ProfileChainError};
use sts_blocking::env::MapEnv;
use sts_blocking::profile::{self, Platform, ProfileSet, Section};

fn data(path: &str) -> Value {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/credentials/smithy-rs")
        .join(path);
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
    serde_json::from_str(&text).unwrap()
}

fn str_map(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

fn section_map(section: Section<'_>) -> BTreeMap<String, String> {
    section
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn sections<'a>(
    it: impl Iterator<Item = Section<'a>>,
) -> BTreeMap<String, BTreeMap<String, String>> {
    it.map(|s| (s.name().to_owned(), section_map(s))).collect()
}

fn expected_sections(v: Option<&Value>) -> BTreeMap<String, BTreeMap<String, String>> {
    v.and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), str_map(v))).collect())
        .unwrap_or_default()
}

/// Where this parser differs from the fixtures on purpose: the case's
/// name, the profiles we read instead (as `{"name": {"key": "value"}}`),
/// and why. Each must still be met exactly, and must still differ.
const DIFFERENCES: &[(&str, &str, &str)] = &[(
    "Invalid profile names are ignored.",
    r#"{"in valid 2": {"name2": "value2"}}"#,
    "a credentials-file section named with spaces (`[my team]`) is read, as botocore reads it \
     and as `aws configure set --profile \"my team\"` writes it (profile/parse.rs, section_of)",
)];

#[test]
fn profile_parser_cases() {
    let cases = data("aws-runtime/test-data/profile-parser-tests.json");
    let cases = cases["tests"].as_array().unwrap();
    assert_eq!(cases.len(), 65);
    let mut failures = Vec::new();
    let mut differences = 0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let config = case["input"]["configFile"].as_str().unwrap_or("");
        let credentials = case["input"]["credentialsFile"].as_str().unwrap_or("");
        let got = profile::parse(config, credentials);
        let output = &case["output"];
        if let Some(expected) = output.get("errorContaining") {
            // The parser's messages are smithy-rs's, word for word.
            let expected = expected.as_str().unwrap();
            match got {
                Ok(set) => failures.push(format!(
                    "{name}: expected an error containing {expected:?}, parsed {:?}",
                    sections(set.profiles())
                )),
                Err(e) if !e.to_string().contains(expected) => {
                    failures.push(format!("{name}: {e} does not say {expected:?}"));
                }
                Err(_) => {}
            }
            continue;
        }
        let set = match got {
            Ok(set) => set,
            Err(e) => {
                failures.push(format!("{name}: unexpected error {e}"));
                continue;
            }
        };
        let mut want = expected_sections(output["config"].get("profiles"));
        if let Some((_, ours, _)) = DIFFERENCES.iter().find(|(case, ..)| *case == name) {
            let ours = expected_sections(Some(&serde_json::from_str(ours).unwrap()));
            assert_ne!(want, ours, "{name}: listed as a difference, but is none");
            differences += 1;
            want = ours;
        }
        let have = sections(set.profiles());
        if want != have {
            failures.push(format!(
                "{name}: profiles\n  want {want:?}\n  have {have:?}"
            ));
        }
        if let Some(sso) = output["config"].get("sso_sessions") {
            let want = expected_sections(Some(sso));
            let have = sections(set.sso_sessions());
            if want != have {
                failures.push(format!(
                    "{name}: sso sessions\n  want {want:?}\n  have {have:?}"
                ));
            }
        }
    }
    println!(
        "profile-parser-tests.json: {} cases ran, {differences} with a listed difference",
        cases.len()
    );
    assert_eq!(
        differences,
        DIFFERENCES.len(),
        "a listed difference names no case"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn file_location_cases_for_linux() {
    let cases = data("aws-runtime/test-data/file-location-tests.json");
    let cases = cases["tests"].as_array().unwrap();
    let (mut ran, mut skipped) = (0, 0);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        if case["platform"] != "linux" {
            skipped += 1;
            continue;
        }
        ran += 1;
        let env = MapEnv::new(str_map(&case["environment"]));
        let found = profile::locate(&env, Platform::Unix);
        let path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
        assert_eq!(
            path(&found.config).as_deref(),
            case["configLocation"].as_str(),
            "{name}"
        );
        assert_eq!(
            path(&found.credentials).as_deref(),
            case["credentialsLocation"].as_str(),
            "{name}"
        );
        if let Some(profile) = case.get("profile").and_then(Value::as_str) {
            assert_eq!(found.profile, profile, "{name}");
        }
    }
    println!("file-location-tests.json: {ran} Linux cases ran, {skipped} Windows cases skipped");
    assert_eq!(ran, 4);
}

/// A [`ProfileSet`] from the already-parsed maps of `assume-role-tests.json`.
fn profile_set(input: &Value) -> ProfileSet {
    let mut set = ProfileSet::new();
    for (name, props) in input["profiles"].as_object().unwrap() {
        set.insert_profile(name, str_map(props));
    }
    if let Some(sessions) = input.get("sso_sessions").and_then(Value::as_object) {
        for (name, props) in sessions {
            set.insert_sso_session(name, str_map(props));
        }
    }
    set
}

/// The chain in the test data's JSON shape, to compare with the expected one.
fn chain_json(chain: &profile_chain::ProfileChain) -> Value {
    let mut steps = Vec::new();
    let mut obj = Map::new();
    let mut put = |k: &str, v: Option<&str>| {
        if let Some(v) = v {
            obj.insert(k.to_owned(), Value::from(v));
        }
    };
    let base = match &chain.base {
        BaseCredentials::AccessKey {
            access_key_id,
            secret_access_key,
            session_token,
            account_id,
            ..
        } => {
            put("access_key_id", Some(access_key_id));
            put("secret_access_key", Some(secret_access_key.expose()));
            put("session_token", session_token.as_ref().map(|t| t.expose()));
            put("account_id", account_id.as_deref());
            serde_json::json!({ "AccessKey": obj })
        }
        BaseCredentials::NamedSource { name, .. } => serde_json::json!({ "NamedSource": name }),
        BaseCredentials::WebIdentityToken {
            role_arn,
            web_identity_token_file,
            role_session_name,
            ..
        } => {
            put("role_arn", Some(role_arn));
            put("web_identity_token_file", Some(web_identity_token_file));
            put("role_session_name", role_session_name.as_deref());
            serde_json::json!({ "WebIdentityToken": obj })
        }
        BaseCredentials::Sso {
            sso_session,
            sso_start_url,
            sso_region,
            sso_account_id,
            sso_role_name,
            ..
        } => {
            put("sso_session", sso_session.as_deref());
            put("sso_start_url", Some(sso_start_url));
            put("sso_region", Some(sso_region));
            put("sso_account_id", sso_account_id.as_deref());
            put("sso_role_name", sso_role_name.as_deref());
            serde_json::json!({ "Sso": obj })
        }
        other => panic!("no JSON shape in the test data for {other:?}"),
    };
    steps.push(base);
    for link in &chain.roles {
        let mut role = Map::new();
        role.insert("role_arn".into(), Value::from(link.role_arn.as_str()));
        if let Some(id) = &link.external_id {
            role.insert("external_id".into(), Value::from(id.as_str()));
        }
        if let Some(name) = &link.role_session_name {
            role.insert("role_session_name".into(), Value::from(name.as_str()));
        }
        steps.push(serde_json::json!({ "AssumeRole": role }));
    }
    Value::Array(steps)
}

fn is_sso_case(case: &Value) -> bool {
    let text = case["input"].to_string();
    text.contains("\"sso_") || case["output"].to_string().contains("\"Sso\"")
}

#[test]
fn assume_role_chain_cases() {
    let cases = data("aws-config/test-data/assume-role-tests.json");
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 28);
    let mut failures = Vec::new();
    let mut sso = Vec::new();
    for case in cases {
        let docs = case["docs"].as_str().unwrap();
        let set = profile_set(&case["input"]);
        let selected = case["input"]["selected_profile"].as_str().unwrap();
        let got = profile_chain::resolve(&set, selected);
        if is_sso_case(case) {
            sso.push(docs);
            // The SSO errors keep the SDKs' words, and say the profile is
            // broken.
            if let (Some(want), Err(e)) = (case["output"]["Error"].as_str(), &got) {
                assert!(
                    matches!(
                        e,
                        ProfileChainError::InvalidSso { .. }
                            | ProfileChainError::SsoSessionNotFound { .. }
                    ),
                    "{docs}: {e:?}"
                );
                assert_eq!(
                    e.kind(),
                    CredentialsErrorKind::InvalidConfiguration,
                    "{docs}"
                );
                if !e.to_string().contains(want) {
                    failures.push(format!("{docs}: {e} does not say {want:?}"));
                }
            }
        }
        match (&case["output"], got) {
            (Value::Object(o), Ok(chain)) if o.contains_key("ProfileChain") => {
                let have = chain_json(&chain);
                if have != o["ProfileChain"] {
                    failures.push(format!(
                        "{docs}:\n  want {}\n  have {have}",
                        o["ProfileChain"]
                    ));
                }
            }
            (Value::Object(o), Err(e)) if o.contains_key("Error") => {
                // The wording is ours; the kind must say the profile is
                // broken, which stops a chain, unless the selected profile
                // is absent or holds no credentials at all, where a chain
                // goes on to its next source (as the SDKs' does).
                let want = match docs {
                    "profile only contains configuration"
                    | "missing root profile (should never happen in practice)" => {
                        CredentialsErrorKind::NotConfigured
                    }
                    _ => CredentialsErrorKind::InvalidConfiguration,
                };
                if e.kind() != want {
                    failures.push(format!("{docs}: {e} is {:?}, not {want:?}", e.kind()));
                }
            }
            (want, got) => failures.push(format!("{docs}: want {want}, got {got:?}")),
        }
    }
    println!(
        "assume-role-tests.json: {} cases ran, {} of them SSO: {sso:#?}",
        cases.len(),
        sso.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(sso.len(), 6, "{sso:#?}");
}
