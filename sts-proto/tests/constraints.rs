//! Every constraint of the STS model, checked at and just past its bounds.
//!
//! The cases are generated from `testdata/sts-model/constraints.json` at
//! test time: for every constrained input member of every operation (and
//! the members of list items and structures) the test builds a fully valid
//! request, changes that one member, and checks what `validate()` says.
//!
//! * Lengths: `min` and `max` characters pass, `min - 1` and `max + 1` fail
//!   with `Rule::Length`; also with multi-byte characters, since lengths
//!   count Unicode scalar values, not bytes.
//! * Patterns: the model's character class is parsed here (with ECMA-262 /
//!   Java semantics: `\uXXXX` is exactly four hex digits, `\w` and `\d` are
//!   ASCII) and every probe character (all of U+0000..U+00FF plus a list of
//!   others) is put in an otherwise valid value: allowed ones must pass,
//!   others must fail with `Rule::Pattern` at the right position.
//! * Ranges and list lengths: both bounds pass, one past each fails.
//!
//! The mapping from a model member to a change of the request is written
//! by hand ([`apply`]); a model member it does not know makes the test
//! panic, so a new member cannot be skipped silently.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value as Json;
use sts_proto::ops::*;
use sts_proto::types::{PolicyDescriptor, ProvidedContext, Tag};
use sts_proto::{Operation, Rule, ValidationError};

const MODEL_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../testdata/sts-model/constraints.json"
);

/// How many cases the model yields; see `model_constraints_hold`.
const EXPECTED_CASES: usize = 12_317;
/// How many (operation, member path) pairs the model yields.
const EXPECTED_TARGETS: usize = 69;

// ---------------------------------------------------------------------------
// Valid values the baselines are made of.

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/demo";
const PRINCIPAL_ARN: &str = "arn:aws:iam::123456789012:saml-provider/idp";
const POLICY_ARN: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const PROVIDER_ARN: &str = "arn:aws:iam::aws:contextProvider/IdentityCenter";
const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[]}"#;
const MFA_SERIAL: &str = "arn:aws:iam::123456789012:mfa/user";

/// The list position that list-item changes go to (the baselines hold two
/// entries in every list, so the error must name position 1).
const ITEM: usize = 1;

// ---------------------------------------------------------------------------
// The mapping: (operation, member path) -> change of a valid baseline.

/// A new value for one member.
#[derive(Debug, Clone)]
enum Val {
    /// A string member (or list item, or structure member).
    Str(String),
    /// An integer member.
    Int(i64),
    /// A list member: that many valid entries.
    Count(usize),
}

fn int(n: i64) -> i32 {
    i32::try_from(n).expect("integer test values fit in i32")
}

fn tags(list: &mut Vec<Tag>, name: &str, path: &str, val: &Val) -> bool {
    let Some(rest) = path.strip_prefix(name) else {
        return false;
    };
    match (rest, val) {
        ("", Val::Count(n)) => {
            *list = (0..*n)
                .map(|i| Tag::new(format!("k{i}"), format!("v{i}")))
                .collect()
        }
        ("[].Key", Val::Str(s)) => list[ITEM].key = s.clone(),
        ("[].Value", Val::Str(s)) => list[ITEM].value = s.clone(),
        _ => return false,
    }
    true
}

fn strings(list: &mut Vec<String>, name: &str, path: &str, val: &Val) -> bool {
    let Some(rest) = path.strip_prefix(name) else {
        return false;
    };
    match (rest, val) {
        ("", Val::Count(n)) => *list = (0..*n).map(|i| format!("k{i}")).collect(),
        ("[]", Val::Str(s)) => list[ITEM] = s.clone(),
        _ => return false,
    }
    true
}

fn policy_arns(list: &mut Vec<PolicyDescriptor>, name: &str, path: &str, val: &Val) -> bool {
    let Some(rest) = path.strip_prefix(name) else {
        return false;
    };
    match (rest, val) {
        ("", Val::Count(n)) => {
            *list = (0..*n)
                .map(|i| PolicyDescriptor::new(format!("{POLICY_ARN}{i}")))
                .collect()
        }
        ("[].arn", Val::Str(s)) => list[ITEM].arn = Some(s.clone()),
        _ => return false,
    }
    true
}

fn contexts(list: &mut Vec<ProvidedContext>, name: &str, path: &str, val: &Val) -> bool {
    let Some(rest) = path.strip_prefix(name) else {
        return false;
    };
    match (rest, val) {
        ("", Val::Count(n)) => {
            *list = (0..*n)
                .map(|i| ProvidedContext::new(PROVIDER_ARN, format!("assertion-{i}")))
                .collect()
        }
        ("[].ProviderArn", Val::Str(s)) => list[ITEM].provider_arn = Some(s.clone()),
        ("[].ContextAssertion", Val::Str(s)) => {
            list[ITEM].context_assertion = Some(s.clone().into())
        }
        _ => return false,
    }
    true
}

/// Applies `val` to member `path` of a fully valid `op` request and
/// validates it; `None` if this mapping does not know the member.
///
/// Paths are the model's member names; `Name[]` is an item of list `Name`
/// (changed at position [`ITEM`]), `Name[].x` member `x` of such an item,
/// and `Name.x` member `x` of structure `Name`.
fn apply(op: &str, path: &str, val: &Val) -> Option<Result<(), ValidationError>> {
    use Val::*;
    let result = match op {
        "AssumeRole" => {
            let mut r = AssumeRole::new(ROLE_ARN, "session-1")
                .policy_arn(POLICY_ARN)
                .policy_arn(POLICY_ARN)
                .policy(POLICY)
                .duration_seconds(3600)
                .tag("k0", "v0")
                .tag("k1", "v1")
                .transitive_tag_key("k0")
                .transitive_tag_key("k1")
                .external_id("partner:42/x")
                .mfa(MFA_SERIAL, "123456")
                .source_identity("alice@example.com")
                .provided_context(PROVIDER_ARN, "assertion-0")
                .provided_context(PROVIDER_ARN, "assertion-1");
            match (path, val) {
                ("RoleArn", Str(s)) => r.role_arn = s.clone(),
                ("RoleSessionName", Str(s)) => r.role_session_name = s.clone(),
                ("Policy", Str(s)) => r.session_policy.inline = Some(s.clone()),
                ("DurationSeconds", Int(n)) => r.duration_seconds = Some(int(*n)),
                ("ExternalId", Str(s)) => r.external_id = Some(s.clone()),
                ("SerialNumber", Str(s)) => r.mfa.serial_number = Some(s.clone()),
                ("TokenCode", Str(s)) => r.mfa.token_code = Some(s.as_str().into()),
                ("SourceIdentity", Str(s)) => r.source_identity = Some(s.clone()),
                ("MinimumSessionTokenSize", Int(n)) => r.minimum_session_token_size = Some(int(*n)),
                _ => {
                    if !(policy_arns(&mut r.session_policy.arns, "PolicyArns", path, val)
                        || tags(&mut r.session_tags.tags, "Tags", path, val)
                        || strings(
                            &mut r.session_tags.transitive_tag_keys,
                            "TransitiveTagKeys",
                            path,
                            val,
                        )
                        || contexts(&mut r.provided_contexts, "ProvidedContexts", path, val))
                    {
                        return None;
                    }
                }
            }
            r.validate()
        }
        "AssumeRoleWithSAML" => {
            let mut r = AssumeRoleWithSaml::new(ROLE_ARN, PRINCIPAL_ARN, "PHNhbWw+")
                .policy_arn(POLICY_ARN)
                .policy_arn(POLICY_ARN)
                .policy(POLICY)
                .duration_seconds(3600);
            match (path, val) {
                ("RoleArn", Str(s)) => r.role_arn = s.clone(),
                ("PrincipalArn", Str(s)) => r.principal_arn = s.clone(),
                ("SAMLAssertion", Str(s)) => r.saml_assertion = s.as_str().into(),
                ("Policy", Str(s)) => r.session_policy.inline = Some(s.clone()),
                ("DurationSeconds", Int(n)) => r.duration_seconds = Some(int(*n)),
                ("MinimumSessionTokenSize", Int(n)) => r.minimum_session_token_size = Some(int(*n)),
                _ => {
                    if !policy_arns(&mut r.session_policy.arns, "PolicyArns", path, val) {
                        return None;
                    }
                }
            }
            r.validate()
        }
        "AssumeRoleWithWebIdentity" => {
            let mut r = AssumeRoleWithWebIdentity::new(ROLE_ARN, "session-1", "eyJhbGciOi.x.y")
                .provider_id("www.amazon.com")
                .policy_arn(POLICY_ARN)
                .policy_arn(POLICY_ARN)
                .policy(POLICY)
                .duration_seconds(3600);
            match (path, val) {
                ("RoleArn", Str(s)) => r.role_arn = s.clone(),
                ("RoleSessionName", Str(s)) => r.role_session_name = s.clone(),
                ("WebIdentityToken", Str(s)) => r.web_identity_token = s.as_str().into(),
                ("ProviderId", Str(s)) => r.provider_id = Some(s.clone()),
                ("Policy", Str(s)) => r.session_policy.inline = Some(s.clone()),
                ("DurationSeconds", Int(n)) => r.duration_seconds = Some(int(*n)),
                ("MinimumSessionTokenSize", Int(n)) => r.minimum_session_token_size = Some(int(*n)),
                _ => {
                    if !policy_arns(&mut r.session_policy.arns, "PolicyArns", path, val) {
                        return None;
                    }
                }
            }
            r.validate()
        }
        "AssumeRoot" => {
            let mut r = AssumeRoot::new(
                "123456789012",
                "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
            )
            .duration_seconds(900);
            match (path, val) {
                ("TargetPrincipal", Str(s)) => r.target_principal = s.clone(),
                ("TaskPolicyArn.arn", Str(s)) => r.task_policy_arn.arn = Some(s.clone()),
                ("DurationSeconds", Int(n)) => r.duration_seconds = Some(int(*n)),
                ("MinimumSessionTokenSize", Int(n)) => r.minimum_session_token_size = Some(int(*n)),
                _ => return None,
            }
            r.validate()
        }
        "DecodeAuthorizationMessage" => {
            let mut r = DecodeAuthorizationMessage::new("encoded-message");
            match (path, val) {
                ("EncodedMessage", Str(s)) => r.encoded_message = s.clone(),
                _ => return None,
            }
            r.validate()
        }
        "GetAccessKeyInfo" => {
            let mut r = GetAccessKeyInfo::new("AKIAIOSFODNN7EXAMPLE");
            match (path, val) {
                ("AccessKeyId", Str(s)) => r.access_key_id = s.clone(),
                _ => return None,
            }
            r.validate()
        }
        "GetCallerIdentity" => return None,
        "GetDelegatedAccessToken" => {
            let mut r = GetDelegatedAccessToken::new("trade-in-token");
            match (path, val) {
                ("TradeInToken", Str(s)) => r.trade_in_token = s.as_str().into(),
                _ => return None,
            }
            r.validate()
        }
        "GetFederationToken" => {
            let mut r = GetFederationToken::new("federated-user")
                .policy(POLICY)
                .policy_arn(POLICY_ARN)
                .policy_arn(POLICY_ARN)
                .duration_seconds(3600)
                .tag("k0", "v0")
                .tag("k1", "v1");
            match (path, val) {
                ("Name", Str(s)) => r.name = s.clone(),
                ("Policy", Str(s)) => r.session_policy.inline = Some(s.clone()),
                ("DurationSeconds", Int(n)) => r.duration_seconds = Some(int(*n)),
                ("MinimumSessionTokenSize", Int(n)) => r.minimum_session_token_size = Some(int(*n)),
                _ => {
                    if !(policy_arns(&mut r.session_policy.arns, "PolicyArns", path, val)
                        || tags(&mut r.tags, "Tags", path, val))
                    {
                        return None;
                    }
                }
            }
            r.validate()
        }
        "GetSessionToken" => {
            let mut r = GetSessionToken::new()
                .duration_seconds(3600)
                .mfa(MFA_SERIAL, "123456");
            match (path, val) {
                ("DurationSeconds", Int(n)) => r.duration_seconds = Some(int(*n)),
                ("SerialNumber", Str(s)) => r.mfa.serial_number = Some(s.clone()),
                ("TokenCode", Str(s)) => r.mfa.token_code = Some(s.as_str().into()),
                ("MinimumSessionTokenSize", Int(n)) => r.minimum_session_token_size = Some(int(*n)),
                _ => return None,
            }
            r.validate()
        }
        "GetScopedCredentials" => {
            let mut r = GetScopedCredentials::with_policy(POLICY)
                .duration_seconds(900)
                .minimum_session_token_size(1024)
                .scoped_session_description("nightly export");
            match (path, val) {
                ("Policy", Str(s)) => r.policy = Some(s.clone()),
                ("DurationSeconds", Int(n)) => r.duration_seconds = Some(int(*n)),
                ("MinimumSessionTokenSize", Int(n)) => r.minimum_session_token_size = Some(int(*n)),
                ("ScopedSessionDescription", Str(s)) => {
                    r.scoped_session_description = Some(s.clone())
                }
                _ => return None,
            }
            r.validate()
        }
        "GetWebIdentityToken" => {
            let mut r = GetWebIdentityToken::new("https://api.example.com", "RS256")
                .audience("https://other.example.com")
                .duration_seconds(300)
                .scope("read write:all")
                .subject_mode("OriginIdentity")
                .tag("k0", "v0")
                .tag("k1", "v1");
            match (path, val) {
                ("DurationSeconds", Int(n)) => r.duration_seconds = Some(int(*n)),
                ("SigningAlgorithm", Str(s)) => r.signing_algorithm = s.clone(),
                ("Scope", Str(s)) => r.scope = Some(s.clone()),
                ("SubjectMode", Str(s)) => r.subject_mode = Some(s.clone()),
                _ => {
                    if !(tags(&mut r.tags, "Tags", path, val)
                        || strings(&mut r.audience, "Audience", path, val))
                    {
                        return None;
                    }
                }
            }
            r.validate()
        }
        _ => return None,
    };
    Some(result)
}

// ---------------------------------------------------------------------------
// The model's character classes, read as ECMA-262 (and Java) read them.

/// The Unicode general category groups the tag class uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cat {
    /// `\p{L}`
    L,
    /// `\p{N}`
    N,
    /// `\p{Z}`
    Z,
    /// Anything else.
    Other,
}

/// Probe characters beyond U+00FF, with their general category group.
/// (Checked against Python's `unicodedata`, and the tag and arn verdicts
/// against `java.util.regex` and JavaScript `RegExp` on the model's patterns.)
const EXTRA_PROBES: &[(char, Cat)] = &[
    ('\u{100}', Cat::L),      // Ā, one past the policy class
    ('\u{345}', Cat::Other),  // combining ypogegrammeni: Mn, but Alphabetic
    ('\u{663}', Cat::N),      // Arabic-Indic digit three: Nd, not \d
    ('\u{1000}', Cat::L),     // Myanmar KA: the model's stray `\u1000`
    ('\u{1234}', Cat::L),     // Ethiopic
    ('\u{10FF}', Cat::L),     // Georgian: end of the stray `0-\u10FF` range
    ('\u{1100}', Cat::L),     // Hangul choseong
    ('\u{1680}', Cat::Z),     // Ogham space mark
    ('\u{200B}', Cat::Other), // zero width space: Cf, not Z
    ('\u{2028}', Cat::Z),     // line separator
    ('\u{2029}', Cat::Z),     // paragraph separator
    ('\u{216B}', Cat::N),     // Roman numeral twelve: Nl
    ('\u{24B6}', Cat::Other), // circled A: So, but Alphabetic
    ('\u{3000}', Cat::Z),     // ideographic space
    ('\u{65E5}', Cat::L),     // 日
    ('\u{D7FF}', Cat::Other),
    ('\u{E000}', Cat::Other), // private use
    ('\u{FFFD}', Cat::Other),
    ('\u{FFFE}', Cat::Other),
    ('\u{10000}', Cat::L),     // Linear B: first supplementary character
    ('\u{1D400}', Cat::L),     // mathematical bold A
    ('\u{1F600}', Cat::Other), // 😀
    ('\u{10FFFF}', Cat::Other),
];

fn category(c: char) -> Cat {
    let n = u32::from(c);
    if c.is_ascii() {
        return if c.is_ascii_alphabetic() {
            Cat::L
        } else if c.is_ascii_digit() {
            Cat::N
        } else if c == ' ' {
            Cat::Z
        } else {
            Cat::Other
        };
    }
    if n <= 0xFF {
        return match n {
            0xA0 => Cat::Z,
            0xAA | 0xB5 | 0xBA | 0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0xFF => Cat::L,
            0xB2 | 0xB3 | 0xB9 | 0xBC..=0xBE => Cat::N,
            _ => Cat::Other,
        };
    }
    EXTRA_PROBES
        .iter()
        .find(|(p, _)| *p == c)
        .map(|(_, cat)| *cat)
        .unwrap_or_else(|| panic!("no category known for {c:?}"))
}

fn probes() -> Vec<char> {
    (0u32..=0xFF)
        .filter_map(char::from_u32)
        .chain(EXTRA_PROBES.iter().map(|(c, _)| *c))
        .collect()
}

#[derive(Debug, Clone)]
enum Item {
    Char(char),
    Range(char, char),
    /// `\w`: ASCII letters, digits and `_`.
    Word,
    /// `\d`: ASCII digits.
    Digit,
    Prop(Cat),
}

/// A pattern `^[class]*$` or `^[class]+$`, or `^[class]+( [class]+)*$`
/// (words of the class, one space between).
#[derive(Debug, Clone)]
struct Class {
    items: Vec<Item>,
    /// `+`: the empty string does not match.
    plus: bool,
    /// Words of the class between single spaces: the space is allowed, but
    /// not first, last or twice in a row.
    words: bool,
}

impl Class {
    /// No pattern: every character.
    fn any() -> Self {
        Class {
            items: vec![Item::Range('\0', char::MAX)],
            plus: false,
            words: false,
        }
    }

    fn parse(pattern: &str) -> Self {
        // `^[c]+( [c]+)*$`: the same class twice, around a space.
        if let Some(rest) = pattern.strip_suffix(")*$")
            && let Some(open) = rest.find("]+( [")
        {
            let (first, second) = (&rest[1..open + 1], &rest[open + 5..]);
            assert_eq!(
                format!("[{}", &second[..second.len() - 1]),
                first,
                "two classes in {pattern:?}"
            );
            assert!(second.ends_with("]+"), "{pattern:?}");
            return Class {
                words: true,
                ..Class::parse(&format!("^{first}+$"))
            };
        }
        let (body, plus) = if let Some(b) = pattern.strip_suffix("]+$") {
            (b, true)
        } else if let Some(b) = pattern.strip_suffix("]*$") {
            (b, false)
        } else {
            panic!("pattern {pattern:?} is not ^[...]*$ or ^[...]+$");
        };
        let body = body
            .strip_prefix("^[")
            .unwrap_or_else(|| panic!("pattern {pattern:?} is not ^[...]*$ or ^[...]+$"));
        assert!(!body.starts_with('^'), "negated class in {pattern:?}");
        let chars: Vec<char> = body.chars().collect();
        let mut i = 0;
        // One atom: a character, or a class escape.
        let atom = |i: &mut usize| -> Item {
            let c = chars[*i];
            *i += 1;
            if c != '\\' {
                return Item::Char(c);
            }
            let e = chars[*i];
            *i += 1;
            match e {
                'x' => {
                    let hex: String = chars[*i..*i + 2].iter().collect();
                    *i += 2;
                    let n = u32::from_str_radix(&hex, 16)
                        .unwrap_or_else(|_| panic!("bad \\x escape in {pattern:?}"));
                    Item::Char(char::from_u32(n).expect("a Latin-1 scalar value"))
                }
                'u' => {
                    // Exactly four hex digits, as ECMA-262 and Java read it.
                    let hex: String = chars[*i..*i + 4].iter().collect();
                    *i += 4;
                    let n = u32::from_str_radix(&hex, 16)
                        .unwrap_or_else(|_| panic!("bad \\u escape in {pattern:?}"));
                    Item::Char(char::from_u32(n).expect("a BMP scalar value"))
                }
                'w' => Item::Word,
                'd' => Item::Digit,
                'p' => {
                    let close = chars[*i..]
                        .iter()
                        .position(|&c| c == '}')
                        .expect("\\p{...} closes");
                    let name: String = chars[*i + 1..*i + close].iter().collect();
                    *i += close + 1;
                    Item::Prop(match name.as_str() {
                        "L" => Cat::L,
                        "N" => Cat::N,
                        "Z" => Cat::Z,
                        other => panic!("unknown property \\p{{{other}}} in {pattern:?}"),
                    })
                }
                '-' | '/' | '.' | '\\' | ']' | '[' | '+' | '^' => Item::Char(e),
                other => panic!("unknown escape \\{other} in {pattern:?}"),
            }
        };
        let mut items = Vec::new();
        while i < chars.len() {
            let first = atom(&mut i);
            // `a-b` is a range unless the `-` is the last character.
            if i + 1 < chars.len() && chars[i] == '-' {
                i += 1;
                let last = atom(&mut i);
                match (first, last) {
                    (Item::Char(a), Item::Char(b)) => {
                        assert!(a <= b, "reversed range in {pattern:?}");
                        items.push(Item::Range(a, b));
                    }
                    (a, b) => panic!("range {a:?}-{b:?} in {pattern:?}"),
                }
            } else {
                items.push(first);
            }
        }
        Class {
            items,
            plus,
            words: false,
        }
    }

    /// Whether `c` may be in a value, at least somewhere.
    fn allows(&self, c: char) -> bool {
        (self.words && c == ' ') || self.in_class(c)
    }

    /// Whether `c` is in the bracketed class itself.
    fn in_class(&self, c: char) -> bool {
        self.items.iter().any(|item| match *item {
            Item::Char(x) => c == x,
            Item::Range(a, b) => (a..=b).contains(&c),
            Item::Word => c.is_ascii_alphanumeric() || c == '_',
            Item::Digit => c.is_ascii_digit(),
            Item::Prop(cat) => category(c) == cat,
        })
    }
}

// ---------------------------------------------------------------------------
// What the model says, flattened.

#[derive(Debug, Clone)]
enum Kind {
    Str {
        min: usize,
        max: Option<usize>,
        class: Class,
    },
    /// A string member the model does not constrain at all.
    FreeStr,
    Int {
        min: i64,
        max: i64,
    },
    List {
        min: usize,
        max: usize,
    },
    /// A list the model does not bound.
    FreeList,
}

#[derive(Debug, Clone)]
struct Target {
    op: String,
    /// The key [`apply`] knows the member by.
    path: String,
    /// The member name the error must carry.
    member: String,
    kind: Kind,
    sensitive: bool,
}

fn usize_of(v: &Json) -> usize {
    usize::try_from(v.as_u64().expect("a non-negative integer")).expect("fits")
}

/// The kind of one string member: `FreeStr` if the model constrains it not at all.
fn string_kind(m: &Json) -> Kind {
    let length = m.get("length");
    let pattern = m.get("pattern").and_then(Json::as_str);
    if length.is_none() && pattern.is_none() {
        return Kind::FreeStr;
    }
    Kind::Str {
        min: length.and_then(|l| l.get("min")).map_or(0, usize_of),
        max: length.and_then(|l| l.get("max")).map(usize_of),
        class: pattern.map_or_else(Class::any, Class::parse),
    }
}

/// Members this crate keeps secret although the model does not mark them
/// `@sensitive`: an MFA code is a one-time password, and a context
/// assertion is signed and vouches for whoever holds it.
const EXTRA_SECRETS: &[&str] = &["TokenCode", "ContextAssertion"];

/// Members an error quotes only the first four characters of (then `…`):
/// an access key id is no secret, but what fails its check is often a
/// line of the IAM console's CSV, or the secret key given as the id.
const QUOTED_FROM_START: &[&str] = &["AccessKeyId"];

fn is_sensitive(m: &Json) -> bool {
    m.get("sensitive").and_then(Json::as_bool).unwrap_or(false)
        || m.get("name")
            .and_then(Json::as_str)
            .is_some_and(|n| EXTRA_SECRETS.contains(&n))
}

fn structure_members<'a>(model: &'a Json, shape: &str) -> &'a [Json] {
    model["structures"][shape]
        .as_array()
        .unwrap_or_else(|| panic!("structure {shape} is not in constraints.json"))
}

fn targets(model: &Json) -> Vec<Target> {
    let mut out = Vec::new();
    for op in model["operations"].as_array().expect("operations") {
        let op_name = op["name"].as_str().expect("operation name");
        for m in op["input_members"].as_array().expect("input_members") {
            let name = m["name"].as_str().expect("member name");
            let mut push = |path: String, member: String, kind: Kind, sensitive: bool| {
                out.push(Target {
                    op: op_name.to_owned(),
                    path,
                    member,
                    kind,
                    sensitive,
                })
            };
            let struct_members =
                |shape: &str,
                 path: &str,
                 member: &str,
                 push: &mut dyn FnMut(String, String, Kind, bool)| {
                    for sm in structure_members(model, shape) {
                        let sname = sm["name"].as_str().expect("member name");
                        assert_eq!(
                            sm["type"], "string",
                            "{shape}.{sname}: only string members are handled"
                        );
                        push(
                            format!("{path}.{sname}"),
                            format!("{member}.{sname}"),
                            string_kind(sm),
                            is_sensitive(sm),
                        );
                    }
                };
            match m["type"].as_str().expect("member type") {
                "string" => push(name.into(), name.into(), string_kind(m), is_sensitive(m)),
                "integer" => {
                    let range = m
                        .get("range")
                        .unwrap_or_else(|| panic!("{op_name}.{name}: integer without range"));
                    push(
                        name.into(),
                        name.into(),
                        Kind::Int {
                            min: range["min"].as_i64().expect("range.min"),
                            max: range["max"].as_i64().expect("range.max"),
                        },
                        false,
                    );
                }
                "structure" => {
                    let shape = m["target"].as_str().expect("target");
                    struct_members(shape, name, name, &mut push);
                }
                "list" => {
                    let kind = match m.get("length") {
                        Some(l) => Kind::List {
                            min: l.get("min").map_or(0, usize_of),
                            max: usize_of(&l["max"]),
                        },
                        None => Kind::FreeList,
                    };
                    push(name.into(), name.into(), kind, false);
                    let items = &m["items"];
                    let item_path = format!("{name}[]");
                    let item_member = format!("{name}[{ITEM}]");
                    match items["type"].as_str().expect("items.type") {
                        "string" => push(
                            item_path,
                            item_member,
                            string_kind(items),
                            is_sensitive(items),
                        ),
                        "structure" => {
                            let shape = items["target"].as_str().expect("items.target");
                            struct_members(shape, &item_path, &item_member, &mut push);
                        }
                        other => panic!("{op_name}.{name}: list of {other} is not handled"),
                    }
                }
                other => panic!("{op_name}.{name}: member type {other} is not handled"),
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Cases.

#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Ok,
    Length {
        min: usize,
        max: Option<usize>,
        actual: usize,
    },
    Pattern {
        found: Option<char>,
        position: usize,
    },
    Range {
        min: i64,
        max: i64,
        actual: i64,
    },
    ListLength {
        min: usize,
        max: usize,
        actual: usize,
    },
}

#[derive(Debug, Clone)]
struct Case {
    what: &'static str,
    val: Val,
    expect: Expect,
}

fn rep(c: char, n: usize) -> String {
    std::iter::repeat_n(c, n).collect()
}

/// Non-ASCII characters for the multi-byte length cases: two, three and
/// four bytes in UTF-8 (and one or two UTF-16 units).
const WIDE: [char; 3] = ['é', '日', '😀'];

fn string_cases(min: usize, max: Option<usize>, class: &Class, sensitive: bool) -> Vec<Case> {
    let mut cases = Vec::new();
    assert!(
        !(class.plus && min == 0),
        "a `+` pattern with length 0 allowed"
    );
    let fill = ['q', '7']
        .into_iter()
        .find(|&c| class.allows(c))
        .expect("the class allows 'q' or '7'");
    let bad_length = |actual| Expect::Length { min, max, actual };

    cases.push(Case {
        what: "min length",
        val: Val::Str(rep(fill, min)),
        expect: Expect::Ok,
    });
    if min > 0 {
        cases.push(Case {
            what: "min length - 1",
            val: Val::Str(rep(fill, min - 1)),
            expect: bad_length(min - 1),
        });
    }
    let wide: Vec<char> = WIDE.into_iter().filter(|&c| class.allows(c)).collect();
    for &w in &wide {
        cases.push(Case {
            what: "min length, multi-byte",
            val: Val::Str(rep(w, min)),
            expect: Expect::Ok,
        });
        if min > 1 {
            cases.push(Case {
                what: "min length - 1, multi-byte",
                val: Val::Str(rep(w, min - 1)),
                expect: bad_length(min - 1),
            });
        }
    }
    match max {
        Some(max) => {
            cases.push(Case {
                what: "max length",
                val: Val::Str(rep(fill, max)),
                expect: Expect::Ok,
            });
            cases.push(Case {
                what: "max length + 1",
                val: Val::Str(rep(fill, max + 1)),
                expect: bad_length(max + 1),
            });
            for &w in &wide {
                cases.push(Case {
                    what: "max length, multi-byte",
                    val: Val::Str(rep(w, max)),
                    expect: Expect::Ok,
                });
                cases.push(Case {
                    what: "max length + 1, multi-byte",
                    val: Val::Str(rep(w, max + 1)),
                    expect: bad_length(max + 1),
                });
            }
        }
        None => {
            // No upper bound: a long value must pass.
            cases.push(Case {
                what: "long value, no max",
                val: Val::Str(rep(fill, 100_000)),
                expect: Expect::Ok,
            });
        }
    }

    // One probe character in an otherwise valid value.
    let len = min.max(3).min(max.unwrap_or(usize::MAX));
    let position = len / 2;
    let mut allowed = Vec::new();
    for c in probes() {
        let mut v: Vec<char> = rep(fill, len).chars().collect();
        v[position] = c;
        let expect = if class.allows(c) {
            allowed.push(c);
            Expect::Ok
        } else {
            Expect::Pattern {
                // A secret's characters are part of the secret.
                found: (!sensitive).then_some(c),
                position,
            }
        };
        cases.push(Case {
            what: "probe character",
            val: Val::Str(v.into_iter().collect()),
            expect,
        });
    }
    // Values made only of allowed characters, each of them once, cut to
    // the longest length allowed and padded to the shortest.
    let chunk = max.unwrap_or(usize::MAX).min(4096);
    if class.words {
        // The space is between words only: its probe above sat between
        // two; here it may not start, end or double.
        allowed.retain(|&c| c != ' ');
        let word = rep(fill, 2);
        for (what, v, position) in [
            ("space first", format!(" {word}"), Some(0)),
            ("space last", format!("{word} "), Some(2)),
            ("two spaces", format!("{word}  {word}"), Some(3)),
            ("only a space", " ".to_owned(), Some(0)),
            ("three words", format!("{word} {word} {word}"), None),
        ] {
            cases.push(Case {
                what,
                val: Val::Str(v),
                expect: position.map_or(Expect::Ok, |position| Expect::Pattern {
                    found: Some(' '),
                    position,
                }),
            });
        }
    }
    for part in allowed.chunks(chunk) {
        let mut v: String = part.iter().collect();
        while v.chars().count() < min {
            v.push(fill);
        }
        cases.push(Case {
            what: "all allowed characters",
            val: Val::Str(v),
            expect: Expect::Ok,
        });
    }
    cases
}

fn cases(t: &Target) -> Vec<Case> {
    match &t.kind {
        Kind::Str { min, max, class } => string_cases(*min, *max, class, t.sensitive),
        Kind::FreeStr => {
            // No constraint in the model: nothing may be refused.
            let mut all: String = probes().into_iter().collect();
            all.push_str(&rep('q', 100_000));
            ["", "q", &all]
                .into_iter()
                .map(|v| Case {
                    what: "unconstrained string",
                    val: Val::Str(v.to_owned()),
                    expect: Expect::Ok,
                })
                .collect()
        }
        &Kind::Int { min, max } => {
            let range = |actual| Expect::Range { min, max, actual };
            vec![
                Case {
                    what: "range min",
                    val: Val::Int(min),
                    expect: Expect::Ok,
                },
                Case {
                    what: "range max",
                    val: Val::Int(max),
                    expect: Expect::Ok,
                },
                Case {
                    what: "range min - 1",
                    val: Val::Int(min - 1),
                    expect: range(min - 1),
                },
                Case {
                    what: "range max + 1",
                    val: Val::Int(max + 1),
                    expect: range(max + 1),
                },
            ]
        }
        &Kind::List { min, max } => {
            let list = |actual| Expect::ListLength { min, max, actual };
            let mut v = vec![
                Case {
                    what: "list min entries",
                    val: Val::Count(min),
                    expect: Expect::Ok,
                },
                Case {
                    what: "list max entries",
                    val: Val::Count(max),
                    expect: Expect::Ok,
                },
                Case {
                    what: "list max + 1 entries",
                    val: Val::Count(max + 1),
                    expect: list(max + 1),
                },
            ];
            if min > 0 {
                // An optional list with no entries is not sent at all (a Vec
                // cannot tell "empty" from "absent"), so it is only an error
                // for a required list.
                let expect = if t.path == "ProvidedContexts" {
                    Expect::Ok
                } else {
                    list(min - 1)
                };
                v.push(Case {
                    what: "list min - 1 entries",
                    val: Val::Count(min - 1),
                    expect,
                });
            }
            v
        }
        Kind::FreeList => vec![
            Case {
                what: "unbounded list, none",
                val: Val::Count(0),
                expect: Expect::Ok,
            },
            Case {
                what: "unbounded list, many",
                val: Val::Count(20),
                expect: Expect::Ok,
            },
        ],
    }
}

fn describe(val: &Val) -> String {
    match val {
        Val::Str(s) => {
            let n = s.chars().count();
            let head: String = s.chars().take(24).collect();
            if n > 24 {
                format!("{head:?}… ({n} chars)")
            } else {
                format!("{head:?}")
            }
        }
        Val::Int(n) => n.to_string(),
        Val::Count(n) => format!("{n} entries"),
    }
}

/// Checks one result; returns what is wrong, if anything.
fn judge(t: &Target, case: &Case, got: Result<(), ValidationError>) -> Option<String> {
    let e = match (&case.expect, got) {
        (Expect::Ok, Ok(())) => return None,
        (Expect::Ok, Err(e)) => return Some(format!("expected OK, got Err: {e}")),
        (_, Ok(())) => return Some(format!("expected {:?}, got OK", case.expect)),
        (_, Err(e)) => e,
    };
    let mut wrong = String::new();
    if e.operation != t.op {
        let _ = write!(wrong, "operation {:?}; ", e.operation);
    }
    if e.member != t.member {
        let _ = write!(wrong, "member {:?} (expected {:?}); ", e.member, t.member);
    }
    let rule_ok = match (&case.expect, &e.rule) {
        (
            Expect::Length { min, max, actual },
            Rule::Length {
                min: a,
                max: b,
                actual: c,
            },
        ) => (min, max, actual) == (a, b, c),
        (
            Expect::Pattern { found, position },
            Rule::Pattern {
                found: f,
                position: p,
                ..
            },
        ) => (found, position) == (f, p),
        (
            Expect::Range { min, max, actual },
            Rule::Range {
                min: a,
                max: b,
                actual: c,
            },
        ) => (min, max, actual) == (a, b, c),
        (
            Expect::ListLength { min, max, actual },
            Rule::ListLength {
                min: a,
                max: b,
                actual: c,
            },
        ) => (min, max, actual) == (a, b, c),
        _ => false,
    };
    if !rule_ok {
        let _ = write!(wrong, "rule {:?} (expected {:?}); ", e.rule, case.expect);
    }
    let shown = format!("{e}");
    let debug = format!("{e:?}");
    match &case.val {
        Val::Str(s) if t.sensitive => {
            if e.value.is_some() {
                let _ = write!(wrong, "secret member's value is kept in the error; ");
            }
            if s.chars().count() >= 3 && (shown.contains(s.as_str()) || debug.contains(s.as_str()))
            {
                let _ = write!(wrong, "secret value printed: {shown}; ");
            }
        }
        Val::Str(s) if QUOTED_FROM_START.contains(&t.member.as_str()) => {
            let mut start: String = s.chars().take(4).collect();
            if start.len() < s.len() {
                start.push('…');
            }
            if e.value.as_deref() != Some(start.as_str()) {
                let _ = write!(
                    wrong,
                    "value {:?} (expected the first 4 characters); ",
                    e.value
                );
            }
        }
        Val::Str(s) => {
            let cut: String = s.chars().take(128).collect();
            if e.value.as_deref() != Some(cut.as_str()) {
                let _ = write!(
                    wrong,
                    "value {:?} (expected the first 128 characters); ",
                    e.value
                );
            }
        }
        Val::Int(n) => {
            if e.value != Some(n.to_string()) {
                let _ = write!(wrong, "value {:?} (expected {n:?}); ", e.value);
            }
        }
        Val::Count(_) => {}
    }
    if !shown.starts_with(&format!("{}: {} ", t.op, t.member)) {
        let _ = write!(
            wrong,
            "Display {shown:?} does not start with operation and member; "
        );
    }
    (!wrong.is_empty()).then(|| format!("{wrong}error: {e}"))
}

fn load_model() -> Json {
    let text = std::fs::read_to_string(MODEL_PATH)
        .unwrap_or_else(|e| panic!("cannot read {MODEL_PATH}: {e}"));
    serde_json::from_str(&text).expect("constraints.json is JSON")
}

#[test]
fn model_constraints_hold() {
    let model = load_model();
    let targets = targets(&model);
    let mut total = 0usize;
    let mut by_what: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    // Probe failures are grouped by target and outcome, listing the
    // characters; other failures are listed one by one.
    let mut probe_failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut failed = 0usize;
    for t in &targets {
        for case in cases(t) {
            let got = apply(&t.op, &t.path, &case.val).unwrap_or_else(|| {
                panic!(
                    "constraints.json has {}.{} ({:?}), which the test's mapping does not handle",
                    t.op, t.path, case.val
                )
            });
            total += 1;
            let counts = by_what.entry(case.what).or_default();
            counts.0 += 1;
            let got_ok = got.is_ok();
            let Some(why) = judge(t, &case, got) else {
                continue;
            };
            counts.1 += 1;
            failed += 1;
            if let ("probe character", Val::Str(s)) = (case.what, &case.val) {
                let outcome = match (&case.expect, got_ok) {
                    (Expect::Ok, _) => "allowed by the model, refused",
                    (_, true) => "refused by the model, accepted",
                    _ => "wrong error",
                };
                let c = s.chars().nth(s.chars().count() / 2).expect("probe");
                let mut entry = format!("U+{:04X}", u32::from(c));
                if outcome == "wrong error" {
                    entry = format!("{entry} ({why})");
                }
                probe_failures
                    .entry(format!("{}.{}: {outcome}", t.op, t.path))
                    .or_default()
                    .push(entry);
            } else {
                failures.push(format!(
                    "{}.{} [{}] {}: {why}",
                    t.op,
                    t.path,
                    case.what,
                    describe(&case.val)
                ));
            }
        }
    }
    println!("{} targets, {total} cases:", targets.len());
    for (what, (n, failed)) in &by_what {
        println!("  {what:<28} {n:>6} cases, {failed} failed");
    }
    // Checked before the failures, so that a change of the model (or of
    // this test) that drops cases shows even while cases fail.
    assert_eq!(
        targets.len(),
        EXPECTED_TARGETS,
        "members with constraints in the model"
    );
    assert_eq!(total, EXPECTED_CASES, "cases generated from the model");
    if failed > 0 {
        let mut report = format!("{failed} of {total} cases failed:\n");
        for (key, chars) in &probe_failures {
            let _ = writeln!(report, "  {key}: {}", chars.join(" "));
        }
        for f in &failures {
            let line: String = f.chars().take(400).collect();
            let _ = writeln!(report, "  {line}");
        }
        panic!("{report}");
    }
}

/// Every operation of the model is one the mapping knows (GetCallerIdentity
/// has no input members, so the table test never calls it).
#[test]
fn every_operation_is_known() {
    let model = load_model();
    let names: Vec<&str> = model["operation_names"]
        .as_array()
        .expect("operation_names")
        .iter()
        .map(|n| n.as_str().expect("name"))
        .collect();
    assert_eq!(names.len(), 12);
    for op in model["operations"].as_array().expect("operations") {
        let name = op["name"].as_str().expect("name");
        assert!(names.contains(&name));
        if op["input_members"].as_array().expect("members").is_empty() {
            assert_eq!(name, "GetCallerIdentity");
            assert_eq!(GetCallerIdentity::new().validate(), Ok(()));
        }
    }
}

/// The parsed classes agree with the hand-picked characters the model's
/// documentation is about, so the oracle itself is right.
#[test]
fn class_oracle_reads_the_model_as_ecma_does() {
    let arn = Class::parse(
        r"^[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+$",
    );
    for c in [
        'a', '\t', 'é', '\u{85}', '\u{FFFD}', '\u{1000}', '\u{10FF}', 'F',
    ] {
        assert!(arn.allows(c), "{c:?}");
    }
    for c in [
        '\u{1}',
        '\u{1F600}',
        '\u{10000}',
        '\u{FFFE}',
        '\u{E000}', /* allowed */
    ] {
        assert_eq!(arn.allows(c), c == '\u{E000}', "{c:?}");
    }
    // `\u10000-\u10FFFF` is `\u1000`, `0`-`\u10FF`, `F`, `F`: the middle
    // range takes in U+007F and the C1 controls.
    assert!(arn.allows('\u{7F}'));
    assert!(arn.allows('\u{80}'));
    let tag = Class::parse(r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$");
    for c in ['é', '日', '٣', ' ', '\u{3000}', '@', '+', '-', '\u{1D400}'] {
        assert!(tag.allows(c), "{c:?}");
    }
    for c in ['#', '\t', '!', '*', '😀', '\u{345}', '\u{24B6}', '\u{200B}'] {
        assert!(!tag.allows(c), "{c:?}");
    }
    let name = Class::parse(r"^[\w+=,.@-]*$");
    assert!(name.allows('-') && name.allows('_') && !name.allows('é') && !name.allows(':'));
    let digits = Class::parse(r"^[\d]*$");
    assert!(digits.allows('0') && !digits.allows('a') && !digits.allows('٣'));
}
