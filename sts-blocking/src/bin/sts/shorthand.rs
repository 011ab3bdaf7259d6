//! The AWS CLI's parameter syntax: shorthand `Key=a,Value=b`, the same as
//! JSON (`[{"Key":"a","Value":"b"}]`), lists of strings given as words or
//! as one JSON list (`["a","b"]`), and `file://` values.

use std::path::PathBuf;

use serde_json::Value;
use sts_blocking::env::ProcessEnv;
use sts_blocking::profile::location::expand_vars;

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

    /// [`structures`] of `flag`.
    pub(crate) fn structures(
        &self,
        flag: &str,
        args: &[String],
        members: &[&str],
    ) -> Result<Vec<Vec<(String, String)>>, UsageError> {
        structures(flag, args, members, self.origin(flag))
    }
}

/// `value` as an error names it: its JSON type, and what it is.
fn json_shown(value: &Value) -> String {
    let kind = match value {
        Value::Null => return "null".to_owned(),
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    };
    format!("{kind} ({value})")
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
    Ok(text.trim_end_matches(['\n', '\r']).to_owned())
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
    for arg in args {
        let text = value(flag, arg, origin)?;
        bytes = bytes.saturating_add(text.len());
        count = count.saturating_add(crate::value_bound::value_bound(&text));
        if bytes as u64 > MAX_FILE_VALUE {
            return Err(UsageError(format!(
                "--{flag}: its values come to more than {MAX_FILE_VALUE} bytes, more than any \
                 parameter takes"
            )));
        }
        if count > crate::value_bound::MAX_VALUES {
            return Err(UsageError(format!(
                "--{flag}: its values have more than {} commas, brackets and lines; no STS \
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
    let bad = |why: String| UsageError(format!("--{flag}: {why}"));
    let parsed: Value = serde_json::from_str(one).map_err(|e| bad(format!("invalid JSON: {e}")))?;
    let Value::Array(items) = parsed else {
        return Err(bad("expected a JSON list of strings".into()));
    };
    items
        .into_iter()
        .map(|item| match item {
            Value::String(s) => Ok(s),
            other => Err(bad(format!(
                "expected a JSON list of strings, found {other} in it"
            ))),
        })
        .collect()
}

/// Structures given as shorthand (`Key=a,Value=b`, one per argument), as
/// one JSON list of objects, or as JSON objects, one per argument; each
/// returned as its `(member, value)` pairs.
fn structures(
    flag: &str,
    args: &[String],
    members: &[&str],
    origin: Origin,
) -> Result<Vec<Vec<(String, String)>>, UsageError> {
    let bad = |why: String| UsageError(format!("--{flag}: {why}"));
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
                        let member = canonical(&k, members).ok_or_else(|| {
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
                                json_shown(&other)
                            ))),
                        }
                    })
                    .collect()
            })
            .collect();
    }
    args.iter()
        .zip(given)
        .map(|(text, arg)| {
            let cannot = |why: String| bad(format!("cannot read {arg:?}: {why}"));
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

/// `member` as the list spells it, matched without regard to case.
fn canonical(name: &str, members: &[&str]) -> Option<String> {
    members
        .iter()
        .find(|m| m.eq_ignore_ascii_case(name.trim()))
        .map(|m| (*m).to_owned())
}

/// A member's value as written: plain, or after `@=` (the AWS CLI's
/// "read it from this `file://`" form).
#[derive(Debug, PartialEq)]
enum Text {
    Plain(String),
    FromFile(String),
}

impl Text {
    fn new(value: String, from_file: bool) -> Self {
        if from_file {
            Self::FromFile(value)
        } else {
            Self::Plain(value)
        }
    }
}

/// The AWS CLI's shorthand grammar (`awscli/shorthand.py`) for one
/// structure of string members: `key = value` pairs separated by commas,
/// whitespace around `=` and commas ignored, values unquoted (trailing
/// whitespace dropped, `\,` for a comma), or in single or double quotes
/// (`\'` or `\"` for the quote, `\\` for a backslash), and
/// `key@=file://path` for a value read from a file.
///
/// An argument is read first exactly as the AWS CLI reads it
/// ([`Shorthand::strict_pairs`], its quirks included); when that gives
/// only the structure's members, with one value each, that is the
/// answer. Otherwise (the AWS CLI would refuse the argument) it is read
/// more leniently ([`Shorthand::lenient_pairs`]): a comma starts a new
/// pair only when one of the members and `=` follow it, else the value
/// goes on, comma included, so that `Value=b,c=d` is the value `b,c=d` (as
/// in JSON) and a policy ARN such as `arn:aws:iam::1:policy/a,b=c` needs
/// no quotes; member names match without regard to case, and whitespace
/// before the first key is skipped.
fn shorthand_pairs(text: &str, members: &[&str]) -> Result<Vec<(String, Text)>, String> {
    if let Some(pairs) = Shorthand::new(text, members).strict_pairs()
        && pairs.iter().all(|(k, _)| canonical(k, members).is_some())
    {
        return Ok(pairs);
    }
    Shorthand::new(text, members).lenient_pairs()
}

/// A reader of one shorthand argument.
struct Shorthand<'a> {
    chars: Vec<char>,
    at: usize,
    members: &'a [&'a str],
}

/// The whitespace the AWS CLI skips between tokens (`string.whitespace`).
fn is_gap(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// Python's `str.isspace` (`\s`), which ends and is trimmed from an
/// unquoted value.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Characters an unquoted value may start with.
fn starts_value(c: char) -> bool {
    matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<' | '>'..='Z' | '\\'..='z' | '|'..='\u{FFFF}')
}

/// Characters an unquoted value may go on with.
fn continues_value(c: char) -> bool {
    is_py_space(c)
        || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='\\' | '^'..='|' | '~'..='\u{FFFF}')
}

/// Characters an unquoted list item may go on with: not `=`, which ends
/// the item where a new pair starts.
fn continues_item(c: char) -> bool {
    is_py_space(c) || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<' | '>'..='\u{FFFF}')
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.#/:".contains(c)
}

fn shown(c: Option<char>) -> String {
    c.map_or_else(|| "the end".to_owned(), |c| format!("{c:?}"))
}

impl<'a> Shorthand<'a> {
    fn new(text: &str, members: &'a [&'a str]) -> Self {
        Shorthand {
            chars: text.chars().collect(),
            at: 0,
            members,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_gaps(&mut self) {
        while self.peek().is_some_and(is_gap) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expected(&self, what: &str) -> String {
        format!(
            "expected {what} at character {}, found {}",
            self.at + 1,
            shown(self.peek())
        )
    }

    fn key(&mut self) -> String {
        let start = self.at;
        while self.peek().is_some_and(is_key_char) {
            self.at += 1;
        }
        self.chars[start..self.at].iter().collect()
    }

    /// A pair's start, `key =` or `key @=` (whitespace around each part
    /// skipped): the key and whether its value comes from a file; `None`
    /// without the `=`, where the reading stops.
    fn key_and_equals(&mut self) -> Option<(String, bool)> {
        let key = self.key();
        self.skip_gaps();
        let from_file = self.eat('@');
        self.skip_gaps();
        self.eat('=').then_some((key, from_file))
    }

    /// Every `key=value` pair, in order, read leniently.
    fn lenient_pairs(mut self) -> Result<Vec<(String, Text)>, String> {
        let mut pairs = Vec::new();
        self.skip_gaps();
        loop {
            let Some((key, from_file)) = self.key_and_equals() else {
                return Err(self.expected("'='"));
            };
            self.skip_gaps();
            let value = self.value()?;
            pairs.push((key, Text::new(value, from_file)));
            self.skip_gaps();
            if self.peek().is_none() {
                return Ok(pairs);
            }
            if !self.eat(',') {
                return Err(self.expected("','"));
            }
            self.skip_gaps();
        }
    }

    /// Every `key=value` pair as the AWS CLI's parser reads them, if each
    /// value is one string (not a list or a structure) and no key comes
    /// twice; `None` where it fails or reads anything else.
    fn strict_pairs(mut self) -> Option<Vec<(String, Text)>> {
        let mut pairs: Vec<(String, Text)> = Vec::new();
        loop {
            let (key, from_file) = self.key_and_equals()?;
            self.skip_gaps();
            let value = match self.peek() {
                None => String::new(),
                Some('[' | '{') => return None,
                Some(_) => self.strict_csv_value()?,
            };
            if pairs.iter().any(|(k, _)| *k == key) {
                return None;
            }
            pairs.push((key, Text::new(value, from_file)));
            if self.peek().is_none() {
                return Some(pairs);
            }
            self.skip_gaps();
            if !self.eat(',') {
                return None;
            }
            self.skip_gaps();
        }
    }

    /// The AWS CLI's `csv-value`: one value, or a list of them (`None`).
    /// After each comma it tries another item; where that fails short of
    /// the end, it backs up to the nearest comma before (which may be an
    /// escaped one, or the second of two) and the value ends there.
    fn strict_csv_value(&mut self) -> Option<String> {
        let first = self.one_value().ok()?;
        self.skip_gaps();
        if !self.eat(',') {
            return Some(first);
        }
        self.skip_gaps();
        let mut items = 1;
        loop {
            let item = match self.peek() {
                Some(q @ ('\'' | '"')) => self.quoted(q).is_ok(),
                _ => self.unquoted_item(),
            };
            if !item && self.peek().is_none() {
                return None;
            }
            if item {
                self.skip_gaps();
                if self.peek().is_none() {
                    items += 1;
                    break;
                }
                if self.eat(',') {
                    self.skip_gaps();
                    items += 1;
                    continue;
                }
            }
            while self.at > 0 && self.peek() != Some(',') {
                self.at -= 1;
            }
            break;
        }
        (items == 1).then_some(first)
    }

    /// An unquoted list item (the AWS CLI's `second` pattern, which
    /// stops at `=`), skipped; whether there was one.
    fn unquoted_item(&mut self) -> bool {
        let start = self.at;
        while let Some(c) = self.peek() {
            if c == '\\' && self.chars.get(self.at + 1) == Some(&',') {
                self.at += 2;
            } else if if self.at == start {
                starts_value(c)
            } else {
                continues_item(c)
            } {
                self.at += 1;
            } else {
                break;
            }
        }
        self.at > start
    }

    /// Whether a new pair starts here: one of the members, then `=` (or
    /// `@=`). Reads nothing.
    fn pair_follows(&mut self) -> bool {
        let at = self.at;
        self.skip_gaps();
        let follows = self
            .key_and_equals()
            .is_some_and(|(key, _)| canonical(&key, self.members).is_some());
        self.at = at;
        follows
    }

    fn value(&mut self) -> Result<String, String> {
        if let Some(c @ ('[' | '{')) = self.peek() {
            return Err(format!(
                "a {} at character {} is not a value these members take; quote the value",
                if c == '[' { "list" } else { "structure" },
                self.at + 1
            ));
        }
        let mut value = self.one_value()?;
        loop {
            let at = self.at;
            self.skip_gaps();
            if !self.eat(',') || self.pair_follows() {
                self.at = at;
                return Ok(value);
            }
            // Not a new pair: the comma belongs to the value.
            self.skip_gaps();
            let more = match self.peek() {
                Some('\'' | '"') => self.one_value(),
                Some(c) if starts_value(c) => self.one_value(),
                _ => return Err(self.expected("a value after ','")),
            }?;
            value.push(',');
            value.push_str(&more);
        }
    }

    /// One quoted or unquoted value (the AWS CLI's `first-value`).
    fn one_value(&mut self) -> Result<String, String> {
        match self.peek() {
            Some(q @ ('\'' | '"')) => self.quoted(q),
            _ => Ok(self.unquoted()),
        }
    }

    /// An unquoted value, possibly empty: `\,` is a comma, trailing
    /// whitespace is dropped.
    fn unquoted(&mut self) -> String {
        let mut out = String::new();
        let mut first = true;
        while let Some(c) = self.peek() {
            if c == '\\' && self.chars.get(self.at + 1) == Some(&',') {
                out.push(',');
                self.at += 2;
            } else if if first {
                starts_value(c)
            } else {
                continues_value(c)
            } {
                out.push(c);
                self.at += 1;
            } else {
                break;
            }
            first = false;
        }
        out.trim_end_matches(is_py_space).to_owned()
    }

    /// A value in `quote`s. As the AWS CLI's pattern matches it: up to
    /// the first quote not escaped by a backslash; without one, up to the
    /// last escaped one. Then `\quote` is the quote and `\\` a backslash.
    fn quoted(&mut self, quote: char) -> Result<String, String> {
        let open = self.at;
        let mut i = open + 1;
        let mut last_escaped = None;
        let close = loop {
            match self.chars.get(i) {
                None => match last_escaped {
                    Some(q) => break q,
                    None => {
                        return Err(format!(
                            "the quote {quote} at character {} is not closed",
                            open + 1
                        ));
                    }
                },
                Some('\\') if self.chars.get(i + 1) == Some(&quote) => {
                    last_escaped = Some(i + 1);
                    i += 2;
                }
                Some(c) if *c == quote => break i,
                Some(_) => i += 1,
            }
        };
        self.at = close + 1;
        let body: String = self.chars[open + 1..close].iter().collect();
        Ok(body
            .replace(&format!("\\{quote}"), &quote.to_string())
            .replace("\\\\", "\\"))
    }
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
        assert_eq!(member("tags", &short[1], "Value").unwrap(), "b,c=d");
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
                "[1].Key: a number (7)",
            ),
            (r#"{"Key":"a","Value":true}"#, "[0].Value: a boolean (true)"),
            (r#"[{"Key":["a"]}]"#, "[0].Key: a list"),
        ] {
            let err = typed()
                .structures("tags", &[json.into()], &["Key", "Value"])
                .unwrap_err();
            assert!(
                err.0.starts_with("--tags: invalid type for ") && err.0.contains(named),
                "{json}: {}",
                err.0
            );
        }
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
            assert_eq!(member("tags", &s, "Key").unwrap(), key, "{arg}");
            assert_eq!(member("tags", &s, "Value").unwrap(), value, "{arg}");
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
            let tag = tag(arg)
                .and_then(|s| Ok((member("tags", &s, "Key")?, member("tags", &s, "Value")?)));
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
        assert_eq!(member("tags", &s, "Value").unwrap(), "file://x");
        assert!(tag("Key=a,Value@=fileb://x").is_err());
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
