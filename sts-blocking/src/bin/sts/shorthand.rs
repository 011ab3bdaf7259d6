//! The AWS CLI's parameter syntax: shorthand `Key=a,Value=b`, the same as
//! JSON (`[{"Key":"a","Value":"b"}]`), lists of strings given as words or
//! as one JSON list (`["a","b"]`), and `file://` values.

use std::path::PathBuf;

use serde_json::Value;
use sts_blocking::env::ProcessEnv;
use sts_blocking::profile::location::expand_vars;

use crate::help::squash;
use crate::shorthand_syntax::{Text, canonical, shorthand_pairs};

/// A usage error, reported with exit status 252.
#[derive(Debug)]
pub(crate) struct UsageError(pub(crate) String);

/// Where a flag's value came from, which decides whether a `file://` in
/// it is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Typed on the command line: `file://path` stands for the file's text
    /// and `fileb://` is refused, as in the AWS CLI.
    CommandLine,
    /// A `--cli-input-json` or `--cli-input-yaml` document's: taken as it
    /// is, as the AWS CLI takes a document's values. Reading `file://` in
    /// it would let a document from elsewhere send a local file's contents.
    Document,
}

/// The flag values of one command line, each read as its [`Origin`]
/// says: the flags a parameters document gave ([`crate::input::expand`]
/// puts them on the command line) are taken as they are, the others as
/// typed. A flag is given by one or the other, never both: a typed flag
/// leaves out the document's value for it.
#[derive(Debug, Default)]
pub(crate) struct Values {
    from_document: Vec<String>,
}

impl Values {
    /// The values of a command line on which a document gave the values of
    /// `flags` (long names, without `--`).
    pub(crate) fn with_document_flags(flags: Vec<String>) -> Self {
        Self {
            from_document: flags,
        }
    }

    fn origin(&self, flag: &str) -> Origin {
        if self.from_document.iter().any(|f| f == flag) {
            Origin::Document
        } else {
            Origin::CommandLine
        }
    }

    /// [`value`] of `flag`.
    pub(crate) fn value(&self, flag: &str, raw: &str) -> Result<String, UsageError> {
        value(flag, raw, self.origin(flag))
    }

    /// [`opt`] of `flag`.
    pub(crate) fn opt(
        &self,
        flag: &str,
        raw: &Option<String>,
    ) -> Result<Option<String>, UsageError> {
        opt(flag, raw, self.origin(flag))
    }

    /// [`strings`] of `flag`.
    pub(crate) fn strings(&self, flag: &str, args: &[String]) -> Result<Vec<String>, UsageError> {
        strings(flag, args, self.origin(flag))
    }

    /// The member `name` of a structure `flag` gave, required.
    pub(crate) fn member(
        &self,
        flag: &str,
        structure: &[(String, String)],
        name: &str,
    ) -> Result<String, UsageError> {
        let origin = self.origin(flag);
        member(&shown_flag(flag, origin), origin, structure, name)
    }

    /// [`structures`] of `flag`.
    pub(crate) fn structures(
        &self,
        flag: &str,
        args: &[String],
        members: &[&str],
    ) -> Result<Vec<Vec<(String, String)>>, UsageError> {
        structures(flag, args, members, self.origin(flag), Many::List)
    }

    /// The one structure a flag such as `--task-policy-arn` takes, as
    /// shorthand or one JSON object. A JSON list is refused, as the AWS
    /// CLI refuses it, where its first item used to be sent and the rest
    /// dropped.
    pub(crate) fn structure(
        &self,
        flag: &str,
        arg: &str,
        members: &[&str],
    ) -> Result<Vec<(String, String)>, UsageError> {
        let mut read = structures(
            flag,
            &[arg.to_owned()],
            members,
            self.origin(flag),
            Many::One,
        )?;
        Ok(read.pop().unwrap_or_default())
    }
}

/// `value` as an error names it: its JSON type only, since a value can
/// be a secret (a context assertion, a token).
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number that is not an integer of 64 bits at most",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// How an error names what gave a list or structure: the flag, or for a
/// parameters document's value the member as the document names it.
fn shown_flag(flag: &str, origin: Origin) -> String {
    let member = match origin {
        Origin::CommandLine => None,
        Origin::Document => crate::model_help::HELP
            .iter()
            .map(|(_, member, _)| *member)
            .find(|m| !m.is_empty() && squash(m) == squash(flag)),
    };
    match member {
        Some(member) => format!("{member} in the parameters document"),
        None => format!("--{flag}"),
    }
}

/// `name` if it is one of `members`, spelled as it is there.
fn exact(name: &str, members: &[&str]) -> Option<String> {
    members.contains(&name).then(|| name.to_owned())
}

/// A value, or the contents of the file it names with `file://`; a
/// document's value as it is.
fn value(flag: &str, raw: &str, origin: Origin) -> Result<String, UsageError> {
    if origin == Origin::Document {
        return Ok(raw.to_owned());
    }
    if raw.starts_with("fileb://") {
        // The AWS CLI reads it as bytes, which no STS parameter takes
        // ("Invalid type for parameter …"); sending the words would be
        // worse: STS would get the path as the value.
        return Err(UsageError(format!(
            "--{flag}: fileb:// gives bytes, and this parameter takes text; use file:// \
             to read it from a file"
        )));
    }
    let Some(path) = raw.strip_prefix("file://") else {
        return Ok(raw.to_owned());
    };
    let text =
        read_file(path, MAX_FILE_VALUE).map_err(|why| UsageError(format!("--{flag}: {why}")))?;
    Ok(as_python_text(&text).trim_end_matches('\n').to_owned())
}

/// `text` with its line ends as Python's text mode reads a file, which
/// is how the AWS CLI reads a `file://` value: `\r\n` and a lone `\r`
/// become `\n` (a policy or token file written on Windows).
fn as_python_text(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// The longest `file://` value read: above the largest parameter STS
/// takes (a SAML assertion, up to 100,000 characters), and a bound on what
/// a wrong path (`/dev/zero`, a log file) can make the tool read.
const MAX_FILE_VALUE: u64 = 1 << 20;

/// The text of the file at `path` (the part after `file://`, expanded
/// as [`local_path`] does), at most `max` bytes; the error names the path
/// as given, and as expanded when that differs.
pub(crate) fn read_file(path: &str, max: u64) -> Result<String, String> {
    let local = local_path(path);
    let shown = if local.as_os_str() == path {
        path.to_owned()
    } else {
        format!("{path} ({})", local.display())
    };
    let cannot = |why: &dyn std::fmt::Display| format!("cannot read {shown}: {why}");
    let bytes = crate::file_read::read_within(&local, max, crate::file_read::writer_wait())
        .map_err(|e| cannot(&e))?;
    if bytes.len() as u64 > max {
        return Err(cannot(&format_args!(
            "it is longer than {max} bytes, more than any parameter takes"
        )));
    }
    String::from_utf8(bytes).map_err(|_| cannot(&"it is not UTF-8 text"))
}

/// The file a `file://` path names, as the AWS CLI finds it
/// (`os.path.expanduser`, then `os.path.expandvars`): a leading `~` or
/// `~/` becomes `$HOME`, then `$NAME` and `${NAME}` become the variable's
/// value. What cannot be expanded stays as written: `~user`, a variable
/// that is not set (or not UTF-8), `~` without `HOME`.
pub(crate) fn local_path(path: &str) -> PathBuf {
    PathBuf::from(expand_vars(&expand_home(path), &ProcessEnv))
}

fn expand_home(path: &str) -> String {
    let Some(rest) = path.strip_prefix('~') else {
        return path.to_owned();
    };
    if !(rest.is_empty() || rest.starts_with('/')) {
        return path.to_owned();
    }
    match std::env::var("HOME") {
        Ok(home) => {
            let joined = format!("{}{rest}", home.trim_end_matches('/'));
            if joined.is_empty() {
                "/".to_owned()
            } else {
                joined
            }
        }
        Err(_) => path.to_owned(),
    }
}

/// An optional value, with `file://` support.
fn opt(flag: &str, raw: &Option<String>, origin: Origin) -> Result<Option<String>, UsageError> {
    raw.as_deref().map(|r| value(flag, r, origin)).transpose()
}

/// The values of a list or structure flag's arguments, each read as
/// [`value`] reads it (a `file://` argument is its file's text), within
/// one budget for them all: [`MAX_FILE_VALUE`] bytes and
/// [`MAX_VALUES`](crate::value_bound::MAX_VALUES) by
/// [`value_bound`](crate::value_bound::value_bound). Checked one argument
/// at a time, that budget was had again by repeating the argument: 300
/// copies of `file://` a 945 KB object took 958 MB.
fn values_of(flag: &str, args: &[String], origin: Origin) -> Result<Vec<String>, UsageError> {
    let (mut bytes, mut count) = (0usize, 0usize);
    let mut values = Vec::with_capacity(args.len());
    let shown = shown_flag(flag, origin);
    for arg in args {
        let text = value(flag, arg, origin)?;
        bytes = bytes.saturating_add(text.len());
        count = count.saturating_add(crate::value_bound::value_bound(&text));
        if bytes as u64 > MAX_FILE_VALUE {
            return Err(UsageError(format!(
                "{shown}: its values come to more than {MAX_FILE_VALUE} bytes, more than any \
                 parameter takes"
            )));
        }
        if count > crate::value_bound::MAX_VALUES {
            return Err(UsageError(format!(
                "{shown}: its values have more than {} commas, brackets and lines; no STS \
                 call takes that many values",
                crate::value_bound::MAX_VALUES
            )));
        }
        values.push(text);
    }
    Ok(values)
}

/// A list of strings: one value per argument (each may be `file://`),
/// or, as the AWS CLI reads them, a single argument (or the file it
/// names) starting with `[`, read as a JSON list of strings.
fn strings(flag: &str, args: &[String], origin: Origin) -> Result<Vec<String>, UsageError> {
    let values = values_of(flag, args, origin)?;
    let [one] = values.as_slice() else {
        return Ok(values);
    };
    if !one.trim_start().starts_with('[') {
        return Ok(values);
    }
    let shown = shown_flag(flag, origin);
    let bad = |why: String| UsageError(format!("{shown}: {why}"));
    let parsed: Value = serde_json::from_str(one).map_err(|e| bad(format!("invalid JSON: {e}")))?;
    let Value::Array(items) = parsed else {
        return Err(bad("expected a JSON list of strings".into()));
    };
    items
        .into_iter()
        .map(|item| match item {
            Value::String(s) => Ok(s),
            other => Err(bad(format!(
                "expected a JSON list of strings, found {} in it",
                json_kind(&other)
            ))),
        })
        .collect()
}

/// Structures given as shorthand (`Key=a,Value=b`, one per argument), as
/// one JSON list of objects, or as JSON objects, one per argument; each
/// returned as its `(member, value)` pairs.
/// How many structures a flag takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Many {
    /// A list of them (`--tags`): one per argument, or one JSON list.
    List,
    /// Exactly one (`--task-policy-arn`): no JSON list.
    One,
}

fn structures(
    flag: &str,
    args: &[String],
    members: &[&str],
    origin: Origin,
    many: Many,
) -> Result<Vec<Vec<(String, String)>>, UsageError> {
    let shown = shown_flag(flag, origin);
    let bad = |why: String| UsageError(format!("{shown}: {why}"));
    // Each argument may be `file://path`, whose text is then read as the
    // argument would be: shorthand, or JSON. Errors quote the argument as
    // given, not a file's text.
    let given = args;
    let args = values_of(flag, args, origin)?;
    // JSON when the first argument looks like it, as in the AWS CLI: one
    // list, or objects (then every argument must be one).
    if let Some(first) = args.first()
        && (first.trim_start().starts_with('[') || first.trim_start().starts_with('{'))
    {
        let mut items = Vec::new();
        for text in &args {
            let parsed: Value =
                serde_json::from_str(text).map_err(|e| bad(format!("invalid JSON: {e}")))?;
            match parsed {
                Value::Array(_) if many == Many::One => {
                    return Err(bad(
                        "takes one structure (shorthand or a JSON object), not a list".into(),
                    ));
                }
                Value::Array(list) if args.len() == 1 => items.extend(list),
                obj @ Value::Object(_) => items.push(obj),
                _ => return Err(bad("expected a JSON list of objects".into())),
            }
        }
        return items
            .into_iter()
            .enumerate()
            .map(|(index, item)| {
                let Value::Object(map) = item else {
                    return Err(bad("expected a JSON list of objects".into()));
                };
                map.into_iter()
                    .map(|(k, v)| {
                        // The member's own spelling, as the AWS CLI takes
                        // JSON: matched without regard to case, `arn` and
                        // `ARN` in one object were one member, and the one
                        // sorted first was sent.
                        let member = exact(&k, members).ok_or_else(|| {
                            bad(format!(
                                "unknown member {k:?}; expected {}",
                                members.join(", ")
                            ))
                        })?;
                        match v {
                            Value::String(s) => Ok((member, s)),
                            // Every member of these structures is text: a
                            // null (a YAML value left blank), a number or a
                            // boolean is refused, as the AWS CLI refuses
                            // it, instead of being sent as its JSON words.
                            other => Err(bad(format!(
                                "invalid type for [{index}].{member}: {}; it takes a string",
                                json_kind(&other)
                            ))),
                        }
                    })
                    .collect()
            })
            .collect();
    }
    // A structure with a secret member (a context assertion, signed and
    // vouching for whoever holds it) is named by its place, not quoted:
    // the error may be logged. Secret as `--debug` keeps them secret.
    let secret = members.iter().any(|m| crate::debug::is_secret_param(m));
    args.iter()
        .zip(given)
        .enumerate()
        .map(|(place, (text, arg))| {
            let cannot = |why: String| match secret {
                true => bad(format!("cannot read value {}: {why}", place + 1)),
                false => bad(format!("cannot read {arg:?}: {why}")),
            };
            let mut structure: Vec<(String, String)> = Vec::new();
            for (k, v) in shorthand_pairs(text, members).map_err(cannot)? {
                let member = canonical(&k, members).ok_or_else(|| {
                    cannot(format!(
                        "expected {}",
                        members
                            .iter()
                            .map(|m| format!("{m}=…"))
                            .collect::<Vec<_>>()
                            .join(",")
                    ))
                })?;
                if structure.iter().any(|(m, _)| *m == member) {
                    return Err(cannot(format!("{member} is given twice")));
                }
                let v = match v {
                    Text::Plain(v) => v,
                    Text::FromFile(v) if v.starts_with("fileb://") => {
                        return Err(cannot(format!(
                            "{member}@= takes file:// (text); fileb:// is not supported"
                        )));
                    }
                    Text::FromFile(v) => value(flag, &v, origin)?,
                };
                structure.push((member, v));
            }
            Ok(structure)
        })
        .collect()
}

/// One member of a structure, required: `shown` names what gave it.
fn member(
    shown: &str,
    origin: Origin,
    s: &[(String, String)],
    name: &str,
) -> Result<String, UsageError> {
    s.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .ok_or_else(|| {
            UsageError(match origin {
                Origin::CommandLine => format!("{shown}: missing {name}=…"),
                Origin::Document => format!("{shown}: missing member {name}"),
            })
        })
}

/// One member of a structure, optional.
pub(crate) fn member_opt(s: &[(String, String)], name: &str) -> Option<String> {
    s.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::scratch::ScratchDir;

    /// The values of a command line without a parameters document.
    fn typed() -> Values {
        Values::default()
    }

    fn tag(arg: &str) -> Result<Vec<(String, String)>, UsageError> {
        typed()
            .structures("tags", &[arg.into()], &["Key", "Value"])
            .map(|mut s| s.remove(0))
    }

    fn pair(k: &str, v: &str) -> (String, String) {
        (k.to_owned(), v.to_owned())
    }

    /// Any argument, however garbled, is read or refused with a usage
    /// error, never a panic, and what is read names only the structure's
    /// members, each once. Random arguments from the grammar's own
    /// characters (quotes, escapes, separators, `@`, spaces, non-ASCII), so
    /// that they reach every branch of both readers.
    #[test]
    fn garbled_arguments_are_read_or_refused_never_a_panic() {
        let alphabet: Vec<char> = "KeyValu=,'\"\\@ \t[]{}:é\u{1F600}fil/$~".chars().collect();
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let arg: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            if arg.contains("file://") {
                continue;
            }
            let read = typed().structures("tags", std::slice::from_ref(&arg), &["Key", "Value"]);
            for structure in read.iter().flatten() {
                let mut names: Vec<&str> = structure.iter().map(|(k, _)| k.as_str()).collect();
                assert!(
                    names.iter().all(|k| ["Key", "Value"].contains(k)),
                    "{arg:?}"
                );
                names.sort_unstable();
                names.dedup();
                assert_eq!(names.len(), structure.len(), "{arg:?}");
            }
            let _ = typed().strings("audience", &[arg]);
        }
    }

    #[test]
    fn shorthand_and_json_agree() {
        let short = typed()
            .structures(
                "tags",
                &[
                    "Key=Project,Value=Unicorn".into(),
                    "Key=A,Value=b,c=d".into(),
                ],
                &["Key", "Value"],
            )
            .unwrap();
        let json = typed()
            .structures(
                "tags",
                &[r#"[{"Key":"Project","Value":"Unicorn"},{"Key":"A","Value":"b,c=d"}]"#.into()],
                &["Key", "Value"],
            )
            .unwrap();
        assert_eq!(short, json);
        assert_eq!(typed().member("tags", &short[1], "Value").unwrap(), "b,c=d");
        // One JSON object per argument, as the AWS CLI takes them too.
        let objects = typed()
            .structures(
                "tags",
                &[
                    r#"{"Key":"Project","Value":"Unicorn"}"#.into(),
                    r#" {"Key":"A","Value":"b,c=d"}"#.into(),
                ],
                &["Key", "Value"],
            )
            .unwrap();
        assert_eq!(short, objects);
    }

    /// A member that is not text (a JSON null, a blank YAML value, a
    /// number, a boolean) is refused, not sent as its JSON words.
    #[test]
    fn members_that_are_not_text_are_usage_errors() {
        for (json, named) in [
            (r#"[{"Key":"a","Value":null}]"#, "[0].Value: null"),
            (
                r#"[{"Key":"a","Value":"b"},{"Key":7}]"#,
                "[1].Key: an integer;",
            ),
            (r#"{"Key":"a","Value":true}"#, "[0].Value: a boolean;"),
            (r#"[{"Key":["a"]}]"#, "[0].Key: a list;"),
            (
                r#"[{"Key":"a","Value":{"s3cr3t":1}}]"#,
                "[0].Value: an object;",
            ),
            (
                r#"[{"Key":"a","Value":2.5e-3}]"#,
                "[0].Value: a number that",
            ),
        ] {
            let err = typed()
                .structures("tags", &[json.into()], &["Key", "Value"])
                .unwrap_err();
            assert!(
                err.0.starts_with("--tags: invalid type for ") && err.0.contains(named),
                "{json}: {}",
                err.0
            );
            // The type only: a value can be a secret.
            assert!(
                !err.0.contains("s3cr3t") && !err.0.contains("2.5") && !err.0.contains('7'),
                "{}",
                err.0
            );
        }
        let err = typed()
            .strings("transitive-tag-keys", &[r#"["a", {"s3cr3t": 1}]"#.into()])
            .unwrap_err();
        assert!(
            err.0.contains("found an object") && !err.0.contains("s3cr3t"),
            "{}",
            err.0
        );
    }

    /// A comma that starts no new pair stays in the value with the spaces
    /// around it as written: `arn=…/a, b` was sent as `…/a,b`.
    #[test]
    fn a_comma_inside_a_value_keeps_its_spaces() {
        for (arg, value) in [
            ("Key=k,Value=a, b", "a, b"),
            ("Key=k,Value=a ,b", "a ,b"),
            ("Key=k,Value=a , b  ", "a , b"),
            ("Key=k,Value=\"ab c\", \"d e\"", "ab c, d e"),
            ("Key=k,Value='x ', y ", "x , y"),
            ("Key=k,Value=a,b,c=d", "a,b,c=d"),
            ("Value=a, b , Key=k", "a, b"),
        ] {
            let s = tag(arg).unwrap_or_else(|e| panic!("{arg}: {}", e.0));
            assert_eq!(typed().member("tags", &s, "Value").unwrap(), value, "{arg}");
            assert_eq!(typed().member("tags", &s, "Key").unwrap(), "k", "{arg}");
        }
    }

    /// An error about a document's list or structure names the parameter
    /// as the document does, not a flag the user did not type.
    #[test]
    fn a_documents_errors_name_its_parameter() {
        let doc = Values::with_document_flags(vec!["tags".into()]);
        let s = doc
            .structures("tags", &[r#"[{"Key":"a"}]"#.into()], &["Key", "Value"])
            .unwrap();
        let err = doc.member("tags", &s[0], "Value").unwrap_err();
        assert_eq!(
            err.0,
            "Tags in the parameters document: missing member Value"
        );
        let err = typed().member("tags", &s[0], "Value").unwrap_err();
        assert_eq!(err.0, "--tags: missing Value=…");
        let many = format!("[{}]", vec![r#"{"Key":"a","Value":"b"}"#; 5_000].join(","));
        let err = doc
            .structures("tags", &[many], &["Key", "Value"])
            .unwrap_err();
        assert!(
            err.0
                .starts_with("Tags in the parameters document: its values have more than"),
            "{}",
            err.0
        );
    }

    /// A flag that takes one structure refuses a JSON list, even of one:
    /// `--task-policy-arn '[{"arn":"A"},{"arn":"B"}]'` sent A and dropped B.
    #[test]
    fn one_structure_is_not_a_list() {
        let one = |arg: &str| typed().structure("task-policy-arn", arg, &["arn"]);
        for list in [r#"[{"arn":"A"},{"arn":"B"}]"#, r#"[{"arn":"A"}]"#, "[]"] {
            let err = one(list).unwrap_err();
            assert!(err.0.contains("not a list"), "{list}: {}", err.0);
        }
        let a = vec![("arn".to_owned(), "A".to_owned())];
        assert_eq!(one(r#"{"arn":"A"}"#).map_err(|e| e.0), Ok(a.clone()));
        assert_eq!(one("arn=A").map_err(|e| e.0), Ok(a));
    }

    /// JSON members are named as the model spells them, as the AWS CLI
    /// takes JSON: `arn` and `ARN` in one object were one member matched
    /// without regard to case, and the one sorted first was sent.
    #[test]
    fn json_members_are_spelled_as_the_model_spells_them() {
        for json in [
            r#"[{"arn":"arn:aws:iam::aws:policy/A","ARN":"arn:aws:iam::aws:policy/B"}]"#,
            r#"[{"Arn":"arn:aws:iam::aws:policy/A"}]"#,
            r#"{" arn ":"arn:aws:iam::aws:policy/A"}"#,
        ] {
            let err = typed()
                .structures("policy-arns", &[json.into()], &["arn"])
                .unwrap_err();
            assert!(err.0.contains("unknown member"), "{json}: {}", err.0);
        }
        let read = typed().structures(
            "policy-arns",
            &[r#"[{"arn":"arn:aws:iam::aws:policy/A"}]"#.into()],
            &["arn"],
        );
        assert_eq!(
            read.map_err(|e| e.0),
            Ok(vec![vec![(
                "arn".to_owned(),
                "arn:aws:iam::aws:policy/A".to_owned()
            )]])
        );
    }

    #[test]
    fn unknown_members_are_usage_errors() {
        assert!(
            typed()
                .structures("tags", &["Kee=a".into()], &["Key", "Value"])
                .is_err()
        );
        assert!(
            typed()
                .structures("tags", &["[1]".into()], &["Key", "Value"])
                .is_err()
        );
        assert!(
            typed()
                .structures("tags", &["{}".into(), "Key=a".into()], &["Key"])
                .is_err()
        );
    }

    #[test]
    fn a_member_given_twice_is_a_usage_error() {
        // `Value=x,Key=y` cannot be a value: `Key=` starts a pair.
        let err = typed()
            .structures("tags", &["Key=a,Value=x,Key=y".into()], &["Key", "Value"])
            .unwrap_err();
        assert!(err.0.contains("Key is given twice"), "{}", err.0);
    }

    /// A context assertion is a secret: an error about its structure names
    /// the value by its place and quotes none of it (found by a review).
    #[test]
    fn a_context_assertions_structure_is_not_quoted() {
        let members = ["ProviderArn", "ContextAssertion"];
        for arg in [
            "ProviderArn=a,ContextAssertion=SIGNEDSECRET,ContextAssertion=x",
            "ProviderArn=a,ContextAssertion=SIGNEDSECRET,",
        ] {
            let err = typed()
                .structures(
                    "provided-contexts",
                    &["ProviderArn=b,ContextAssertion=c".into(), arg.into()],
                    &members,
                )
                .unwrap_err();
            assert!(!err.0.contains("SIGNED"), "{}", err.0);
            assert!(err.0.contains("cannot read value 2"), "{}", err.0);
        }
    }

    #[test]
    fn member_names_match_without_regard_to_case() {
        let s = typed()
            .structures("tags", &["key=a,VALUE=b,c".into()], &["Key", "Value"])
            .unwrap();
        assert_eq!(s, vec![vec![pair("Key", "a"), pair("Value", "b,c")]]);
    }

    #[test]
    fn quotes_escapes_and_whitespace_as_the_aws_cli_reads_them() {
        for (arg, key, value) in [
            ("Key=a , Value=b", "a", "b"),
            ("Key = a ,Value= b ", "a", "b"),
            ("Key=a,Value='x y'", "a", "x y"),
            ("Key=a,Value=\"x y\"", "a", "x y"),
            ("Key=a,Value=b\\,c", "a", "b,c"),
            ("Key=a,Value=x\\y", "a", "x\\y"),
            ("Key=a,Value=x=y", "a", "x=y"),
            ("Key=a,Value=", "a", ""),
            ("Key=,Value=b", "", "b"),
            ("Key='it\\'s',Value=\"q\\\"\"", "it's", "q\""),
            ("Key='a,Value=b',Value=c", "a,Value=b", "c"),
            ("Key='a\\\\b',Value=c", "a\\b", "c"),
            // No closing quote: up to the last escaped one, as the AWS
            // CLI's pattern backtracks.
            ("Value=c,Key='a\\'", "a\\", "c"),
            ("Key=a b c,Value=d\te\t", "a b c", "d\te"),
            // The AWS CLI's quirks where it backs up to a comma: the
            // second of two, or an escaped one.
            ("Key=b,,Value=c", "b", "c"),
            ("Key=a,\\,Value=c", "a", "c"),
        ] {
            let s = tag(arg).unwrap_or_else(|e| panic!("{arg}: {}", e.0));
            assert_eq!(typed().member("tags", &s, "Key").unwrap(), key, "{arg}");
            assert_eq!(typed().member("tags", &s, "Value").unwrap(), value, "{arg}");
        }
        for arg in [
            "Key=a,Value=it's",
            "Key=a,Value='x y'z",
            "Key=a,Value='unclosed",
            "Key=a,Value=x]",
            "Key=a,Value=[x]",
            "Key=a,Value={x}",
            "Key=a,Value=b,",
            "Key=a,Value=b,,c",
            "Key=a,Value",
            "Key",
            "=a",
        ] {
            // Refused, or without one of the two members (`Key=a,Value`
            // is the key `a,Value`: no pair starts without `=`).
            let tag = tag(arg).and_then(|s| {
                Ok((
                    typed().member("tags", &s, "Key")?,
                    typed().member("tags", &s, "Value")?,
                ))
            });
            assert!(tag.is_err(), "{arg} was accepted: {tag:?}");
        }
    }

    #[test]
    fn a_value_after_at_equals_comes_from_a_file() {
        let dir = ScratchDir::new("shorthand");
        let file = dir.0.join("value");
        std::fs::write(&file, "Unicorn\n").unwrap();
        let arg = format!("Key=Project,Value@=file://{}", file.display());
        let s = tag(&arg).unwrap();
        assert_eq!(s, vec![pair("Key", "Project"), pair("Value", "Unicorn")]);
        // Without `@`, `file://` is the value itself.
        let s = tag("Key=a,Value=file://x").unwrap();
        assert_eq!(typed().member("tags", &s, "Value").unwrap(), "file://x");
        assert!(tag("Key=a,Value@=fileb://x").is_err());
    }

    /// A `file://` value is read as the AWS CLI reads it, in Python's text
    /// mode (`\r\n` and `\r` become `\n`), and sent without its trailing
    /// line ends: a policy written on Windows kept its `\r`s.
    #[test]
    fn a_file_value_has_pythons_line_ends_and_none_at_its_end() {
        let dir = ScratchDir::new("line-ends");
        let file = dir.0.join("value");
        for (written, read) in [
            ("a\r\nb\r\n", "a\nb"),
            ("a\rb\r", "a\nb"),
            ("a\r\r\nb\n\n\r\n", "a\n\nb"),
            ("\r\n", ""),
            ("a\u{2028}b\n", "a\u{2028}b"),
        ] {
            std::fs::write(&file, written).unwrap();
            let url = format!("file://{}", file.display());
            assert_eq!(typed().value("policy", &url).unwrap(), read, "{written:?}");
        }
    }

    /// A document's values are taken as they are, `file://` and
    /// `fileb://` included, in plain values, lists and after `@=`; the
    /// same typed on the command line are read or refused. Only the flags
    /// the document gave are its.
    #[test]
    fn a_documents_values_are_taken_as_they_are() {
        let dir = ScratchDir::new("document-values");
        let file = dir.0.join("value");
        std::fs::write(&file, "local\n").unwrap();
        let url = format!("file://{}", file.display());
        let doc = Values::with_document_flags(vec!["external-id".into(), "tags".into()]);
        assert_eq!(doc.value("external-id", &url).unwrap(), url);
        assert_eq!(typed().value("external-id", &url).unwrap(), "local");
        assert_eq!(doc.value("policy", &url).unwrap(), "local");
        assert_eq!(doc.value("external-id", "fileb://x").unwrap(), "fileb://x");
        assert!(typed().value("external-id", "fileb://x").is_err());
        let at = format!("Key=a,Value@={url}");
        let s = doc.structures("tags", std::slice::from_ref(&at), &["Key", "Value"]);
        assert_eq!(
            s.unwrap(),
            vec![vec![pair("Key", "a"), pair("Value", &url)]]
        );
        let s = typed().structures("tags", &[at], &["Key", "Value"]);
        assert_eq!(
            s.unwrap(),
            vec![vec![pair("Key", "a"), pair("Value", "local")]]
        );
        let doc = Values::with_document_flags(vec!["audience".into()]);
        assert_eq!(
            doc.strings("audience", std::slice::from_ref(&url)).unwrap(),
            [url.as_str()]
        );
        assert_eq!(doc.opt("audience", &Some(url.clone())).unwrap(), Some(url));
    }

    #[test]
    fn lists_of_strings_are_words_or_one_json_list() {
        let words = |args: &[&str]| {
            typed().strings(
                "audience",
                &args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>(),
            )
        };
        assert_eq!(words(&["a", "b"]).unwrap(), ["a", "b"]);
        assert_eq!(words(&[r#" ["a1", "a2"]"#]).unwrap(), ["a1", "a2"]);
        assert!(words(&[]).unwrap().is_empty());
        assert!(words(&["[]"]).unwrap().is_empty());
        // Only a lone argument is JSON, as in the AWS CLI.
        assert_eq!(words(&["[a", "b"]).unwrap(), ["[a", "b"]);
        for bad in ["[a", "[1]", r#"["a", null]"#, r#"[["a"]]"#] {
            assert!(words(&[bad]).is_err(), "{bad}");
        }
    }

    #[test]
    fn paths_expand_home_and_variables() {
        // The test process's own environment: HOME and PATH are set in
        // any environment cargo runs tests in.
        let home = std::env::var("HOME").unwrap();
        let path = std::env::var("PATH").unwrap();
        let expand = |p: &str| local_path(p).to_string_lossy().into_owned();
        assert_eq!(expand("~/x"), format!("{}/x", home.trim_end_matches('/')));
        assert_eq!(expand("~user/x"), "~user/x");
        assert_eq!(expand("a~/x"), "a~/x");
        assert_eq!(expand("$PATH/x"), format!("{path}/x"));
        assert_eq!(expand("${PATH}x"), format!("{path}x"));
        assert_eq!(
            expand("/$STS_TEST_SURELY_UNSET/${STS_TEST_SURELY_UNSET}/$/${x"),
            "/$STS_TEST_SURELY_UNSET/${STS_TEST_SURELY_UNSET}/$/${x"
        );
    }
}
