//! `yaml_input` and `shorthand`: the `sts` tool's own readers of what a
//! user types or keeps in a file, `--cli-input-yaml` documents and the
//! shorthand syntax of structure flags (`Key=a,Value=b`).
//!
//! They live in the tool's binary, which no other crate can depend on, so
//! this module compiles the very source files (`#[path]`): each has
//! nothing but the standard library and serde_json. Only the binary is
//! shipped; the fuzzing is of the same code.

use serde_json::Value;

#[path = "../../sts-blocking/src/bin/sts/yaml_in.rs"]
#[allow(dead_code, reason = "the tool's file, with its tool-only items")]
mod yaml_in;

#[path = "../../sts-blocking/src/bin/sts/value_bound.rs"]
#[allow(dead_code, reason = "the tool's file, with its tool-only items")]
mod value_bound;

#[path = "../../sts-blocking/src/bin/sts/shorthand_syntax.rs"]
#[allow(dead_code, reason = "the tool's file, with its tool-only items")]
mod shorthand_syntax;

use shorthand_syntax::{Text, canonical, shorthand_pairs};

/// The JSON parser's nesting limit (serde_json's default), which the
/// tool's YAML reader keeps to, since it hands lists and structures on as
/// JSON text.
const JSON_DEPTH: usize = 128;

/// Input: a `--cli-input-yaml` document (invalid UTF-8 replaced), read as
/// the tool reads one: refused past the value bound before it is parsed.
///
/// An accepted document is a value that serde_json writes and reads back
/// as the same value (the tool passes lists and structures on as JSON
/// text), no deeper than serde_json reads; a refused one names a line of
/// the document, and no more than a line's worth of it.
pub fn yaml_input(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if value_bound::check(&text).is_err() {
        return;
    }
    match yaml_in::parse(&text) {
        Ok(value) => {
            assert!(depth(&value) <= JSON_DEPTH, "too deep for JSON: {value}");
            let json = value.to_string();
            let back: Value = serde_json::from_str(&json)
                .unwrap_or_else(|e| panic!("serde_json cannot read back {json}: {e}"));
            assert_eq!(back, value, "not the same value through JSON");
        }
        Err(why) => {
            let lines = text.lines().count().max(1);
            let number: Option<usize> = why
                .strip_prefix("line ")
                .and_then(|rest| rest.split(':').next())
                .and_then(|n| n.parse().ok());
            assert!(
                number.is_some_and(|n| (1..=lines).contains(&n)),
                "the error names no line of the {lines}: {why}"
            );
            let longest = text.lines().map(str::len).max().unwrap_or(0);
            assert!(
                why.len() <= longest + 200,
                "the error is longer than a line of the document: {why}"
            );
        }
    }
}

/// How deep `value` nests: 1 for a scalar.
fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(members) => 1 + members.values().map(depth).max().unwrap_or(0),
        _ => 1,
    }
}

/// The structures the tool reads in shorthand: tags, policy ARNs, context
/// assertions, a task policy.
const STRUCTURES: [&[&str]; 3] = [
    &["Key", "Value"],
    &["arn"],
    &["ProviderArn", "ContextAssertion"],
];

/// Input: one argument of a structure flag (invalid UTF-8 replaced), read
/// for each kind of structure the tool takes.
///
/// What it gives is `key=value` pairs with keys of key characters (the
/// tool then matches them to members), each value no longer than the
/// argument; a refusal says where, within the argument. When every key
/// is a member, a second reading gives the same pairs.
pub fn shorthand(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let chars = text.chars().count();
    for members in STRUCTURES {
        match shorthand_pairs(&text, members) {
            Ok(pairs) => {
                for (key, value) in &pairs {
                    assert!(
                        key.chars()
                            .all(|c| c.is_ascii_alphanumeric() || "-_.#/:".contains(c)),
                        "key {key:?}"
                    );
                    let value = match value {
                        Text::Plain(v) | Text::FromFile(v) => v,
                    };
                    assert!(value.chars().count() <= chars, "value {value:?}");
                }
                if pairs.iter().all(|(k, _)| canonical(k, members).is_some()) {
                    assert_eq!(shorthand_pairs(&text, members), Ok(pairs));
                }
            }
            Err(why) => {
                assert!(!why.is_empty());
                if let Some(at) = why
                    .split("at character ")
                    .nth(1)
                    .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
                    .and_then(|n| n.parse::<usize>().ok())
                {
                    assert!((1..=chars + 1).contains(&at), "{why}");
                }
            }
        }
    }
}
