//! The AWS CLI's shorthand syntax for one structure of string members
//! (`Key=a,Value=b`), as `awscli/shorthand.py` reads it, with a lenient
//! second reading for arguments it would refuse.
//!
//! Kept apart from the flags that use it, with nothing but the standard
//! library, so that the fuzz crate (`fuzz/src/cli_input.rs`) compiles this
//! very file and fuzzes it.

/// `member` as the list spells it, matched without regard to case.
pub(crate) fn canonical(name: &str, members: &[&str]) -> Option<String> {
    members
        .iter()
        .find(|m| m.eq_ignore_ascii_case(name.trim()))
        .map(|m| (*m).to_owned())
}

/// A member's value as written: plain, or after `@=` (the AWS CLI's
/// "read it from this `file://`" form).
#[derive(Debug, PartialEq)]
pub(crate) enum Text {
    /// `key=value`.
    Plain(String),
    /// `key@=value`.
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
pub(crate) fn shorthand_pairs(text: &str, members: &[&str]) -> Result<Vec<(String, Text)>, String> {
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
        // A comma that starts no new pair belongs to the value, with the
        // spaces around it as written (`a, b` stays `a, b`): an unquoted
        // piece keeps its trailing spaces until it is known to be last.
        let (mut value, mut quoted) = self.one_value_untrimmed()?;
        loop {
            let at = self.at;
            let before = self.gaps();
            if !self.eat(',') || self.pair_follows() {
                self.at = at;
                if !quoted {
                    value.truncate(value.trim_end_matches(is_py_space).len());
                }
                return Ok(value);
            }
            let after = self.gaps();
            let (more, more_quoted) = match self.peek() {
                Some('\'' | '"') => self.one_value_untrimmed(),
                Some(c) if starts_value(c) => self.one_value_untrimmed(),
                _ => return Err(self.expected("a value after ','")),
            }?;
            value.push_str(&before);
            value.push(',');
            value.push_str(&after);
            value.push_str(&more);
            quoted = more_quoted;
        }
    }

    /// The gap characters at the cursor, skipped.
    fn gaps(&mut self) -> String {
        let start = self.at;
        self.skip_gaps();
        self.chars
            .get(start..self.at)
            .unwrap_or_default()
            .iter()
            .collect()
    }

    /// [`Self::one_value`], an unquoted one with its trailing spaces, and
    /// whether it was quoted.
    fn one_value_untrimmed(&mut self) -> Result<(String, bool), String> {
        match self.peek() {
            Some(q @ ('\'' | '"')) => self.quoted(q).map(|v| (v, true)),
            _ => Ok((self.unquoted_untrimmed(), false)),
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
        let mut out = self.unquoted_untrimmed();
        out.truncate(out.trim_end_matches(is_py_space).len());
        out
    }

    /// [`Self::unquoted`] with its trailing whitespace.
    fn unquoted_untrimmed(&mut self) -> String {
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
        out
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
