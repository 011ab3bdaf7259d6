//! The AWS CLI's parameter syntax: shorthand `Key=a,Value=b`, the same as
//! JSON (`[{"Key":"a","Value":"b"}]`), and `file://` values.

use std::io::Read;

use serde_json::Value;

/// A usage error, reported with exit status 2.
#[derive(Debug)]
pub(crate) struct UsageError(pub(crate) String);

/// A value, or the contents of the file it names with `file://`.
pub(crate) fn value(flag: &str, raw: &str) -> Result<String, UsageError> {
    let Some(path) = raw.strip_prefix("file://") else {
        return Ok(raw.to_owned());
    };
    let cannot =
        |why: &dyn std::fmt::Display| UsageError(format!("--{flag}: cannot read {path}: {why}"));
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_VALUE + 1).read_to_end(&mut bytes))
        .map_err(|e| cannot(&e))?;
    if bytes.len() as u64 > MAX_FILE_VALUE {
        return Err(cannot(&format_args!(
            "it is longer than {MAX_FILE_VALUE} bytes, more than any parameter takes"
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| cannot(&"it is not UTF-8 text"))?;
    Ok(text.trim_end_matches(['\n', '\r']).to_owned())
}

/// The longest `file://` value read: above the largest parameter STS
/// takes (a SAML assertion, up to 100,000 characters), and a bound on what
/// a wrong path (`/dev/zero`, a log file) can make the tool read.
const MAX_FILE_VALUE: u64 = 1 << 20;

/// An optional value, with `file://` support.
pub(crate) fn opt(flag: &str, raw: &Option<String>) -> Result<Option<String>, UsageError> {
    raw.as_deref().map(|r| value(flag, r)).transpose()
}

/// Structures given as shorthand (`Key=a,Value=b`, one per argument) or
/// as one JSON list, each returned as its `(member, value)` pairs.
pub(crate) fn structures(
    flag: &str,
    args: &[String],
    members: &[&str],
) -> Result<Vec<Vec<(String, String)>>, UsageError> {
    let bad = |why: String| UsageError(format!("--{flag}: {why}"));
    // Each argument may be `file://path`, whose text is then read as the
    // argument would be: shorthand, or the one JSON list. Errors quote the
    // argument as given, not a file's text.
    let given = args;
    let args = args
        .iter()
        .map(|arg| value(flag, arg))
        .collect::<Result<Vec<_>, _>>()?;
    if let [one] = args.as_slice()
        && (one.trim_start().starts_with('[') || one.trim_start().starts_with('{'))
    {
        let parsed: Value =
            serde_json::from_str(one).map_err(|e| bad(format!("invalid JSON: {e}")))?;
        let items = match parsed {
            Value::Array(items) => items,
            obj @ Value::Object(_) => vec![obj],
            _ => return Err(bad("expected a JSON list of objects".into())),
        };
        return items
            .into_iter()
            .map(|item| {
                let Value::Object(map) = item else {
                    return Err(bad("expected a JSON list of objects".into()));
                };
                map.into_iter()
                    .map(|(k, v)| {
                        let member = canonical(&k, members).ok_or_else(|| {
                            bad(format!(
                                "unknown member {k:?}; expected {}",
                                members.join(", ")
                            ))
                        })?;
                        match v {
                            Value::String(s) => Ok((member, s)),
                            other => Ok((member, other.to_string())),
                        }
                    })
                    .collect()
            })
            .collect();
    }
    args.iter()
        .zip(given)
        .map(|(text, arg)| {
            let mut structure: Vec<(String, String)> = Vec::new();
            for (k, v) in split_shorthand(text, members) {
                let member = canonical(&k, members).ok_or_else(|| {
                    bad(format!(
                        "cannot read {arg:?}: expected {}",
                        members
                            .iter()
                            .map(|m| format!("{m}=…"))
                            .collect::<Vec<_>>()
                            .join(",")
                    ))
                })?;
                if structure.iter().any(|(m, _)| *m == member) {
                    return Err(bad(format!("cannot read {arg:?}: {member} is given twice")));
                }
                structure.push((member, v));
            }
            Ok(structure)
        })
        .collect()
}

/// `member` as the list spells it, matched without regard to case.
fn canonical(name: &str, members: &[&str]) -> Option<String> {
    members
        .iter()
        .find(|m| m.eq_ignore_ascii_case(name.trim()))
        .map(|m| (*m).to_owned())
}

/// `Key=a,Value=b,c=d` → `[(Key, a), (Value, b,c=d)]`. A comma starts a
/// new pair only when one of the structure's `members` and `=` follow it,
/// so values may hold commas and `name=value` text (a tag value such as
/// `b,c=d` reads the same in shorthand as in JSON). The first pair is
/// taken whatever its name, so an unknown member there is still reported.
fn split_shorthand(arg: &str, members: &[&str]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for piece in arg.split(',') {
        match piece.split_once('=') {
            Some((k, v)) if pairs.is_empty() || canonical(k, members).is_some() => {
                pairs.push((k.to_owned(), v.to_owned()));
            }
            _ => match pairs.last_mut() {
                Some((_, v)) => {
                    v.push(',');
                    v.push_str(piece);
                }
                None => pairs.push((piece.to_owned(), String::new())),
            },
        }
    }
    pairs
}

/// One member of a structure, required.
pub(crate) fn member(flag: &str, s: &[(String, String)], name: &str) -> Result<String, UsageError> {
    s.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .ok_or_else(|| UsageError(format!("--{flag}: missing {name}=…")))
}

/// One member of a structure, optional.
pub(crate) fn member_opt(s: &[(String, String)], name: &str) -> Option<String> {
    s.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorthand_and_json_agree() {
        let short = structures(
            "tags",
            &[
                "Key=Project,Value=Unicorn".into(),
                "Key=A,Value=b,c=d".into(),
            ],
            &["Key", "Value"],
        )
        .unwrap();
        let json = structures(
            "tags",
            &[r#"[{"Key":"Project","Value":"Unicorn"},{"Key":"A","Value":"b,c=d"}]"#.into()],
            &["Key", "Value"],
        )
        .unwrap();
        assert_eq!(short, json);
        assert_eq!(member("tags", &short[1], "Value").unwrap(), "b,c=d");
    }

    #[test]
    fn unknown_members_are_usage_errors() {
        assert!(structures("tags", &["Kee=a".into()], &["Key", "Value"]).is_err());
        assert!(structures("tags", &["[1]".into()], &["Key", "Value"]).is_err());
    }

    #[test]
    fn a_member_given_twice_is_a_usage_error() {
        // `Value=x,Key=y` cannot be a value: `Key=` starts a pair.
        let err =
            structures("tags", &["Key=a,Value=x,Key=y".into()], &["Key", "Value"]).unwrap_err();
        assert!(err.0.contains("Key is given twice"), "{}", err.0);
    }

    #[test]
    fn member_names_match_without_regard_to_case() {
        let s = structures("tags", &["key=a,VALUE=b,c".into()], &["Key", "Value"]).unwrap();
        assert_eq!(
            s,
            vec![vec![
                ("Key".to_owned(), "a".to_owned()),
                ("Value".to_owned(), "b,c".to_owned())
            ]]
        );
    }
}
