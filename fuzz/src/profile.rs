//! `profile`: the shared config and credentials files, and the profile
//! chain resolved over what they define.

use std::collections::{BTreeMap, BTreeSet};

use sts_blocking::credentials::profile_chain::{
    BaseCredentials, ProfileChain, ProfileChainError, resolve,
};
use sts_blocking::profile::{
    self, FileKind, ParseError, ProfileSet, Section, is_valid_name, is_valid_quoted_name,
    parse_sources,
};

/// How many of the defined profiles each input resolves, besides `default`
/// and a missing one; enough to reach every chain shape in a small input.
const MAX_RESOLVED: usize = 8;

/// The spaces a profile file trims; no other character counts.
const WHITESPACE: [char; 2] = [' ', '\t'];

/// Sections by kind, name, then property: what a [`ProfileSet`] holds, in
/// a form the merge model below can build.
type Flat = [BTreeMap<String, BTreeMap<String, String>>; 3];

/// Input: NUL-separated file texts (invalid UTF-8 replaced), read as the
/// config file, the credentials file, then config and credentials files
/// in turn.
///
/// Each file on its own must give sections with valid names, lower-cased
/// valid property names and trimmed value lines, or an error that names a
/// line of that file and nothing of its text. Together they must give what
/// merging the files one by one gives, a later file's properties winning,
/// or the first file's error. Then the chain of `default`, of a missing
/// profile and of the first profiles defined is resolved, and checked
/// against the files: every role and the base come from defined profiles
/// linked by `source_profile`, loops and missing profiles are reported
/// with the profiles that make them, and no secret shows in `Debug`.
pub fn profile(data: &[u8]) {
    let texts: Vec<String> = data
        .split(|b| *b == 0)
        .map(|part| String::from_utf8_lossy(part).into_owned())
        .collect();
    let sources: Vec<(FileKind, &str)> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let kind = if i % 2 == 0 {
                FileKind::Config
            } else {
                FileKind::Credentials
            };
            (kind, text.as_str())
        })
        .collect();

    // Each file alone, then the merge model.
    let mut model: Result<Flat, ParseError> = Ok(Flat::default());
    for &(kind, text) in &sources {
        let alone = parse_sources(&[(kind, text)]);
        match &alone {
            Ok(set) => check_set(set),
            Err(e) => check_error(e, kind, text),
        }
        check_trailing_comment(kind, text, &alone);
        model = match (model, alone) {
            (Ok(mut merged), Ok(set)) => {
                for (into, from) in merged.iter_mut().zip(flatten(&set)) {
                    for (name, properties) in from {
                        into.entry(name).or_default().extend(properties);
                    }
                }
                Ok(merged)
            }
            (Err(e), _) | (Ok(_), Err(e)) => Err(e),
        };
    }
    let set = parse_sources(&sources);
    match (&set, &model) {
        (Ok(set), Ok(merged)) => assert!(flatten(set) == *merged, "merge differs"),
        (Err(a), Err(b)) => assert_eq!(a, b),
        (Ok(_), Err(e)) => panic!("the files together parse, but one alone fails: {e}"),
        (Err(e), Ok(_)) => panic!("each file parses, but together they fail: {e}"),
    }
    if let [config, credentials] = sources.as_slice() {
        assert_eq!(profile::parse(config.1, credentials.1), set);
    }
    let Ok(set) = set else {
        return;
    };

    let mut selected = vec!["default", "no-such-profile"];
    selected.extend(set.profile_names().take(MAX_RESOLVED));
    for name in selected {
        let chain = resolve(&set, name);
        assert_eq!(
            chain,
            resolve(&set, name),
            "resolving {name:?} again differs"
        );
        match &chain {
            Ok(chain) => check_chain(&set, name, chain),
            Err(e) => check_chain_error(&set, name, e),
        }
    }
}

fn flatten(set: &ProfileSet) -> Flat {
    let flat = |sections: &mut dyn Iterator<Item = Section<'_>>| {
        sections
            .map(|s| {
                let properties = s.iter().map(|(k, v)| (k.to_owned(), v.to_owned()));
                (s.name().to_owned(), properties.collect())
            })
            .collect()
    };
    [
        flat(&mut set.profiles()),
        flat(&mut set.sso_sessions()),
        flat(&mut set.all_services()),
    ]
}

fn check_set(set: &ProfileSet) {
    let all = set
        .profiles()
        .chain(set.sso_sessions())
        .chain(set.all_services());
    for section in all {
        // A quoted config name may hold spaces between valid words.
        let name = section.name();
        assert!(is_valid_quoted_name(name), "section {name:?}");
        for (key, value) in section.iter() {
            assert!(is_valid_name(key), "property {key:?}");
            assert_eq!(key, key.to_ascii_lowercase(), "property {key:?}");
            // Any case finds it.
            assert_eq!(section.get(&key.to_ascii_uppercase()), Some(value));
            for line in value.split('\n') {
                assert_eq!(line.trim_matches(WHITESPACE), line, "value {value:?}");
            }
            for (sub, sub_value) in section.sub_properties(key) {
                assert!(!sub.is_empty() && sub == sub.to_ascii_lowercase());
                assert_eq!(sub.trim_matches(WHITESPACE), sub);
                assert_eq!(sub_value.trim_matches(WHITESPACE), sub_value);
            }
            check_secret_hidden(key, value);
        }
    }
}

/// `Debug` of a section never shows the secret properties' values.
fn check_secret_hidden(key: &str, value: &str) {
    if !matches!(
        key,
        "aws_secret_access_key" | "aws_session_token" | "aws_security_token"
    ) || value.len() < 8
    {
        return;
    }
    let debug = |value: &str| {
        let set = ProfileSet::from_profiles([("s", [(key, value)])]);
        format!("{:?}", set.profile("s"))
    };
    let (plain, shown) = (debug(""), debug(value));
    if !plain.contains(value) {
        assert!(!shown.contains(value), "{key} shown in {shown:?}");
    }
}

/// An error names a line of its own file, and its message is made of the
/// file kind, that number and a fixed description only.
fn check_error(error: &ParseError, kind: FileKind, text: &str) {
    assert_eq!(error.file, kind);
    assert!(
        error.line >= 1 && error.line <= text.lines().count(),
        "line {} of {} lines",
        error.line,
        text.lines().count()
    );
    assert_eq!(
        error.to_string(),
        format!(
            "could not parse profile file: {kind}, line {}: {}",
            error.line, error.kind
        )
    );
}

/// A comment line added at the end changes nothing.
fn check_trailing_comment(kind: FileKind, text: &str, alone: &Result<ProfileSet, ParseError>) {
    if text.ends_with('\r') {
        // `\r` then `\n` would end the last line differently.
        return;
    }
    let longer = format!("{text}\n# a comment\n");
    assert_eq!(&parse_sources(&[(kind, &longer)]), alone);
}

fn source_of(set: &ProfileSet, name: &str) -> Option<String> {
    set.profile(name)?
        .get_nonempty("source_profile")
        .map(|s| s.trim().to_owned())
}

fn base_profile(base: &BaseCredentials) -> &str {
    match base {
        BaseCredentials::AccessKey { profile, .. }
        | BaseCredentials::NamedSource { profile, .. }
        | BaseCredentials::WebIdentityToken { profile, .. }
        | BaseCredentials::CredentialProcess { profile, .. }
        | BaseCredentials::Sso { profile, .. }
        | BaseCredentials::LoginSession { profile, .. } => profile,
        other => panic!("a base of a kind the target does not know: {other:?}"),
    }
}

fn check_chain(set: &ProfileSet, selected: &str, chain: &ProfileChain) {
    let defined = |name: &str| {
        set.profile(name)
            .unwrap_or_else(|| panic!("{name:?} is in the chain but not defined"))
    };
    // Roles: each from a distinct profile with that role_arn, the selected
    // profile's last, each one's source the profile of the one before.
    let mut seen = BTreeSet::new();
    for role in &chain.roles {
        let profile = defined(&role.profile);
        assert!(seen.insert(role.profile.as_str()), "{} twice", role.profile);
        let arn = profile.get_nonempty("role_arn").map(str::trim);
        assert_eq!(Some(role.role_arn.as_str()), arn);
    }
    if let Some(last) = chain.roles.last() {
        assert_eq!(last.profile, selected);
    }
    for pair in chain.roles.windows(2) {
        assert_eq!(
            source_of(set, &pair[1].profile).as_deref(),
            Some(&*pair[0].profile)
        );
    }
    let base = base_profile(&chain.base);
    let profile = defined(base);
    match chain.roles.first() {
        None => assert_eq!(base, selected),
        // The first role's profile is the base (a named source, or a
        // profile that is its own source), or names it as its source.
        Some(first) => assert!(
            first.profile == base || source_of(set, &first.profile).as_deref() == Some(base),
            "base {base:?} is not the source of {:?}",
            first.profile
        ),
    }
    match &chain.base {
        BaseCredentials::AccessKey {
            access_key_id,
            secret_access_key,
            session_token,
            ..
        } => {
            let get = |key| profile.get_nonempty(key).map(str::trim);
            assert_eq!(Some(access_key_id.as_str()), get("aws_access_key_id"));
            assert_eq!(
                Some(secret_access_key.expose()),
                get("aws_secret_access_key")
            );
            // `aws_security_token` is the token's legacy name, read when
            // `aws_session_token` is not set.
            assert_eq!(
                session_token.as_ref().map(|t| t.expose()),
                get("aws_session_token").or_else(|| get("aws_security_token"))
            );
            check_chain_debug(chain, secret_access_key.expose());
            if let Some(token) = session_token {
                check_chain_debug(chain, token.expose());
            }
        }
        BaseCredentials::NamedSource { name, .. } => {
            assert_eq!(
                profile.get_nonempty("credential_source").map(str::trim),
                Some(name.as_str())
            );
        }
        BaseCredentials::WebIdentityToken {
            role_arn,
            web_identity_token_file,
            ..
        } => {
            assert_eq!(
                profile.get_nonempty("role_arn").map(str::trim),
                Some(role_arn.as_str())
            );
            assert_eq!(
                profile
                    .get_nonempty("web_identity_token_file")
                    .map(str::trim),
                Some(web_identity_token_file.as_str())
            );
        }
        BaseCredentials::CredentialProcess { command, .. } => {
            assert_eq!(
                profile.get_nonempty("credential_process").map(str::trim),
                Some(command.expose())
            );
        }
        BaseCredentials::LoginSession { login_session, .. } => {
            assert_eq!(
                profile.get_nonempty("login_session").map(str::trim),
                Some(login_session.as_str())
            );
        }
        BaseCredentials::Sso { sso_session, .. } => {
            assert_eq!(
                profile.get_nonempty("sso_session").map(str::trim),
                sso_session.as_deref()
            );
        }
        _ => {}
    }
}

/// `Debug` of the chain does not show `secret`, unless the secret is short
/// or also written elsewhere (in a profile name, an ARN, …).
fn check_chain_debug(chain: &ProfileChain, secret: &str) {
    let mut blank = chain.clone();
    if let BaseCredentials::AccessKey {
        secret_access_key,
        session_token,
        ..
    } = &mut blank.base
    {
        *secret_access_key = "".into();
        *session_token = None;
    }
    let shown = format!("{chain:?}");
    if secret.len() >= 8 && !format!("{blank:?}").contains(secret) {
        assert!(!shown.contains(secret), "a secret in {shown:?}");
    }
}

fn check_chain_error(set: &ProfileSet, selected: &str, error: &ProfileChainError) {
    let _ = error.kind();
    let _ = error.to_string();
    assert_eq!(
        set.is_empty(),
        matches!(error, ProfileChainError::NoProfiles),
        "{error}"
    );
    match error {
        ProfileChainError::ProfileNotFound { profile } => {
            assert_eq!(profile, selected);
            assert!(set.profile(selected).is_none());
        }
        ProfileChainError::SourceProfileNotFound {
            source_profile,
            referenced_from,
        } => {
            assert!(set.profile(source_profile).is_none());
            assert_eq!(
                source_of(set, referenced_from).as_deref(),
                Some(source_profile.as_str())
            );
        }
        ProfileChainError::TooLong { profile, limit } => {
            // The chain from the selected profile really is that long.
            assert_eq!(profile, selected);
            let mut name = selected.to_owned();
            for _ in 1..*limit {
                name =
                    source_of(set, &name).unwrap_or_else(|| panic!("a chain shorter than {limit}"));
            }
        }
        ProfileChainError::Loop { path } => {
            let (last, before) = path.split_last().unwrap_or_else(|| panic!("empty loop"));
            assert_eq!(path.first().map(String::as_str), Some(selected));
            assert!(before.contains(last), "{path:?} is no loop");
            let distinct: BTreeSet<&String> = before.iter().collect();
            assert_eq!(distinct.len(), before.len(), "{path:?}");
            for pair in path.windows(2) {
                assert_eq!(source_of(set, &pair[0]).as_deref(), Some(&*pair[1]));
            }
        }
        _ => {}
    }
}
