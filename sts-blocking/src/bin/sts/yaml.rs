//! `--output yaml` and `yaml-stream`, as the AWS CLI v2 prints them
//! (its YAML formatter, ruamel.yaml's safe dumper in block style): keys
//! sorted, two-space indentation, lists at their key's column, a list in
//! a list on its dash's line, strings longer than 80 columns folded at a
//! space; a result that is a single value printed as JSON, and an empty
//! one not at all. Written by hand: the output is all the tool needs of
//! YAML, and a string is quoted whenever a YAML reader could take it for
//! something else, so it reads back as the same string.

use crate::render::Doc;

/// The column past which ruamel.yaml folds a string at its next space.
const WIDTH: usize = 80;

/// The whole result as one document.
pub(crate) fn yaml(doc: &Doc) -> String {
    match doc {
        // The AWS CLI v2 prints a single value as JSON, and no result
        // (an empty object) as nothing.
        Doc::Object(f) if f.is_empty() => String::new(),
        Doc::Object(_) | Doc::Array(_) => document(doc),
        scalar => crate::render::json(scalar),
    }
}

/// The result as a stream of one item, as the AWS CLI v2 prints a
/// response that is not paginated.
pub(crate) fn yaml_stream(doc: &Doc) -> String {
    match doc {
        Doc::Object(f) if f.is_empty() => String::new(),
        _ => document(&Doc::Array(vec![doc.clone()])),
    }
}

fn document(doc: &Doc) -> String {
    let mut out = String::new();
    match doc {
        Doc::Object(f) if f.is_empty() => out.push_str("{}\n"),
        Doc::Array(a) if a.is_empty() => out.push_str("[]\n"),
        Doc::Object(fields) => mapping(fields, 0, false, &mut out),
        Doc::Array(items) => sequence(items, 0, false, &mut out),
        // `yaml` prints a scalar result as JSON.
        _ => {}
    }
    out
}

/// `fields` as a block mapping at column `indent`, sorted by key as
/// Python sorts strings (by code point, which is UTF-8's byte order); the
/// first key on the current line when `inline` (after a list's dash).
fn mapping(fields: &[(String, Doc)], indent: usize, inline: bool, out: &mut String) {
    let mut sorted: Vec<&(String, Doc)> = fields.iter().collect();
    // Stable: a key given twice keeps its entries in order, and the last
    // value is the one kept, as a Python dict keeps it.
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted.dedup_by(|later, earlier| {
        let same = later.0 == earlier.0;
        if same {
            *earlier = *later;
        }
        same
    });
    for (i, (key, value)) in sorted.into_iter().enumerate() {
        if i > 0 || !inline {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&string(key));
        out.push(':');
        match value {
            Doc::Object(f) if !f.is_empty() => {
                out.push('\n');
                mapping(f, indent + 2, false, out);
            }
            // A mapping's list at the key's column.
            Doc::Array(a) if !a.is_empty() => {
                out.push('\n');
                sequence(a, indent, false, out);
            }
            _ => {
                out.push(' ');
                scalar(value, indent + 2, out);
            }
        }
    }
}

/// `items` as a block sequence with its dashes at column `indent`; the
/// first dash on the current line when `inline` (a list in a list).
fn sequence(items: &[Doc], indent: usize, inline: bool, out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !inline {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str("- ");
        match item {
            Doc::Object(f) if !f.is_empty() => mapping(f, indent + 2, true, out),
            Doc::Array(a) if !a.is_empty() => sequence(a, indent + 2, true, out),
            _ => scalar(item, indent + 2, out),
        }
    }
}

/// A scalar (or an empty object or list) and its line end; a string
/// that goes on past the 80th column continues at column `indent`.
fn scalar(doc: &Doc, indent: usize, out: &mut String) {
    let column = out.len() - out.rfind('\n').map_or(0, |i| i + 1);
    let column = out[out.len() - column..].chars().count();
    match doc {
        Doc::Str(s) => Folder {
            out,
            column,
            indent,
        }
        .string(s),
        Doc::Object(_) => out.push_str("{}"),
        Doc::Array(_) => out.push_str("[]"),
        Doc::Null => out.push_str("null"),
        Doc::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Doc::Float(f) if f.is_nan() => out.push_str(".nan"),
        Doc::Float(f) if f.is_infinite() => {
            out.push_str(if *f > 0.0 { ".inf" } else { "-.inf" });
        }
        Doc::Int(_) | Doc::Float(_) => out.push_str(&doc.py_str()),
    }
    out.push('\n');
}

/// How a string is written: as it is, in single quotes, or in double
/// quotes with escapes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Plain,
    Single,
    Double,
}

/// Writes a string value as ruamel.yaml does, folding it where it passes
/// the 80th column: a plain or single-quoted string at a lone space (the
/// space becomes the line break; a run of spaces, or a single-quoted
/// string's first or last space, is never broken), a double-quoted one at
/// a space or an escape, the line ended with `\` and a space that starts
/// the next line escaped. A plain or single-quoted string without a
/// space is never folded.
struct Folder<'a> {
    out: &'a mut String,
    column: usize,
    indent: usize,
}

impl Folder<'_> {
    fn write(&mut self, text: &str) {
        self.column += text.chars().count();
        self.out.push_str(text);
    }

    fn line_break(&mut self) {
        self.out.push('\n');
        self.out.push_str(&" ".repeat(self.indent));
        self.column = self.indent;
    }

    fn string(mut self, s: &str) {
        match style(s) {
            Style::Plain => self.spaced(s, false),
            Style::Single => {
                self.write("'");
                self.spaced(s, true);
                self.write("'");
            }
            Style::Double => {
                self.write("\"");
                self.double(s);
                self.write("\"");
            }
        }
    }

    /// A plain or single-quoted string (which holds no quote or line
    /// break): its words, and a lone space between two of them turned
    /// into a line break once the line has passed the width.
    fn spaced(&mut self, s: &str, quoted: bool) {
        let chars: Vec<char> = s.chars().collect();
        let mut start = 0;
        while start < chars.len() {
            let run_is_space = chars[start] == ' ';
            let mut end = start;
            while end < chars.len() && (chars[end] == ' ') == run_is_space {
                end += 1;
            }
            let run: String = chars[start..end].iter().collect();
            let foldable = run_is_space
                && end == start + 1
                && self.column > WIDTH
                && !(quoted && (start == 0 || end == chars.len()));
            if foldable {
                self.line_break();
            } else {
                self.write(&run);
            }
            start = end;
        }
    }

    /// A double-quoted string's text, escaped, and folded: where the line
    /// would pass the width at a space or right after an escape, the line
    /// ends with `\` and goes on at the indentation (a space that then
    /// starts it escaped as `\ `), never before the first character or
    /// after the second-to-last.
    fn double(&mut self, s: &str) {
        let chars: Vec<char> = s.chars().collect();
        let mut start = 0;
        for end in 0..=chars.len() {
            let ch = chars.get(end).copied();
            if ch.is_none_or(double_escaped) {
                if start < end {
                    let text: String = chars[start..end].iter().collect();
                    self.write(&text);
                    start = end;
                }
                if let Some(c) = ch {
                    self.write(&escape(c));
                    start = end + 1;
                }
            }
            if 0 < end
                && end + 1 < chars.len()
                && (ch == Some(' ') || start >= end)
                && self.column + end > WIDTH + start
            {
                let mut text: String = chars[start.min(end)..end].iter().collect();
                text.push('\\');
                if start < end {
                    start = end;
                }
                self.write(&text);
                self.line_break();
                if chars.get(start) == Some(&' ') {
                    self.write("\\");
                }
            }
        }
    }
}

/// Whether ruamel.yaml escapes `c` in a double-quoted string: the quote,
/// the backslash, the line breaks beyond `\n`, the byte-order mark, and
/// whatever is not printable ASCII or a Unicode character of the basic
/// plane outside the surrogates and U+FFFE/U+FFFF.
fn double_escaped(c: char) -> bool {
    matches!(
        c,
        '"' | '\\' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
    ) || !matches!(c, ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
}

/// `c` as a double-quoted YAML string escapes it: a short escape where
/// YAML has one, else `\x`, `\u` or `\U` and upper-case hex digits.
fn escape(c: char) -> String {
    let short = match c {
        '\0' => Some('0'),
        '\u{7}' => Some('a'),
        '\u{8}' => Some('b'),
        '\t' => Some('t'),
        '\n' => Some('n'),
        '\u{b}' => Some('v'),
        '\u{c}' => Some('f'),
        '\r' => Some('r'),
        '\u{1b}' => Some('e'),
        '"' => Some('"'),
        '\\' => Some('\\'),
        '\u{85}' => Some('N'),
        '\u{a0}' => Some('_'),
        '\u{2028}' => Some('L'),
        '\u{2029}' => Some('P'),
        _ => None,
    };
    let n = u32::from(c);
    match short {
        Some(e) => format!("\\{e}"),
        None if n <= 0xff => format!("\\x{n:02X}"),
        None if n <= 0xffff => format!("\\u{n:04X}"),
        None => format!("\\U{n:08X}"),
    }
}

/// `s` as a key: never folded.
fn string(s: &str) -> String {
    let mut out = String::new();
    let mut key = Folder {
        out: &mut out,
        column: 0,
        indent: 0,
    };
    match style(s) {
        Style::Plain => key.write(s),
        Style::Single => key.write(&format!("'{s}'")),
        Style::Double => {
            key.write("\"");
            for c in s.chars() {
                if double_escaped(c) {
                    key.write(&escape(c));
                } else {
                    key.write(c.encode_utf8(&mut [0; 4]));
                }
            }
            key.write("\"");
        }
    }
    out
}

/// Plain when no YAML 1.1 or 1.2 reader could read `s` as anything but
/// this string; double-quoted, with escapes, when it holds a character a
/// reader would take for a line break or that cannot stand in YAML as it
/// is, or when it must be quoted and holds a single quote (as ruamel.yaml
/// does); single-quoted otherwise.
fn style(s: &str) -> Style {
    if s.chars().any(needs_escape) {
        return Style::Double;
    }
    // The null and boolean words of YAML 1.2 and of PyYAML's YAML 1.1
    // (which, unlike the YAML 1.1 spec, reads `y` and `n` as strings),
    // each in lower, capitalized and upper case; `=` and `<<` are YAML
    // 1.1's value and merge keys.
    let lower = s.to_ascii_lowercase();
    let word_case = s == lower || s == lower.to_ascii_uppercase() || {
        let mut c = lower.chars();
        c.next()
            .is_some_and(|f| s == format!("{}{}", f.to_ascii_uppercase(), c.as_str()))
    };
    let special = matches!(s, "" | "~" | "=" | "<<")
        || (word_case
            && matches!(
                lower.as_str(),
                "null" | "true" | "false" | "yes" | "no" | "on" | "off"
            ));
    let first = s.chars().next().unwrap_or(' ');
    // A YAML 1.1 or 1.2 number or timestamp starts with one of these.
    let looks_numeric = s.starts_with([
        '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.', '+', '-',
    ]);
    let plain = !special
        && !looks_numeric
        && !"-?:,[]{}#&*!|>'\"%@` ".contains(first)
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #");
    if plain {
        Style::Plain
    } else if s.contains('\'') {
        Style::Double
    } else {
        Style::Single
    }
}

/// Control characters (C0 and C1: NEL, U+0085, is a YAML 1.1 line
/// break), the Unicode line and paragraph separators (line breaks to YAML
/// 1.1), the byte-order mark and the two non-characters YAML does not
/// allow as they are.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(fields: Vec<(&str, Doc)>) -> Doc {
        Doc::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    #[test]
    fn block_layout_and_quoting() {
        let doc = obj(vec![
            (
                "Credentials",
                obj(vec![
                    ("AccessKeyId", Doc::Str("ASIA".into())),
                    ("Expiration", Doc::Str("2030-01-01T00:00:00+00:00".into())),
                ]),
            ),
            (
                "Tags",
                Doc::Array(vec![obj(vec![
                    ("Key", Doc::Str("yes".into())),
                    ("Value", Doc::Str("a: b".into())),
                ])]),
            ),
            ("PackedPolicySize", Doc::Int(6)),
        ]);
        assert_eq!(
            yaml(&doc),
            "Credentials:\n  AccessKeyId: ASIA\n  Expiration: '2030-01-01T00:00:00+00:00'\n\
             PackedPolicySize: 6\nTags:\n- Key: 'yes'\n  Value: 'a: b'\n"
        );
        assert_eq!(
            yaml_stream(&obj(vec![("Account", Doc::Str("123456789012".into()))])),
            "- Account: '123456789012'\n"
        );
    }

    /// A key given twice (`--query '{a: Arn, a: Account}'`) is printed
    /// once, with its last value, as a Python dict keeps it; keys sort by
    /// code point.
    #[test]
    fn a_repeated_key_keeps_its_last_value() {
        let doc = obj(vec![
            ("b", Doc::Int(1)),
            ("a", Doc::Int(2)),
            ("b", Doc::Int(3)),
            ("B", Doc::Int(4)),
        ]);
        assert_eq!(yaml(&doc), "B: 4\na: 2\nb: 3\n");
    }

    /// What a YAML 1.1 reader (PyYAML, the AWS CLI's) would read as
    /// something else is quoted: the value and merge keys, its booleans,
    /// and the line breaks, escaped as ruamel.yaml escapes them; what it
    /// reads as a string is left plain, as the AWS CLI v2 leaves it.
    #[test]
    fn yaml_1_1s_keys_and_line_breaks_are_quoted() {
        for (text, written) in [
            ("=", "'='"),
            ("<<", "'<<'"),
            ("a\u{2028}b", "\"a\\Lb\""),
            ("a\u{2029}b", "\"a\\Pb\""),
            ("a\u{85}b", "\"a\\Nb\""),
            ("\u{feff}a", "\"\\uFEFFa\""),
            ("a\nb\u{1b}", "\"a\\nb\\e\""),
            // PyYAML's booleans, in the cases it reads as booleans; the
            // rest, and `y` and `n`, it reads as strings.
            ("yes", "'yes'"),
            ("No", "'No'"),
            ("OFF", "'OFF'"),
            ("Null", "'Null'"),
            ("yEs", "yEs"),
            ("y", "y"),
            ("N", "N"),
            ("E1", "E1"),
            ("_1", "_1"),
            ("it's", "it's"),
            ("'s", "\"'s\""),
        ] {
            assert_eq!(string(text), written, "{text:?}");
        }
    }
}
