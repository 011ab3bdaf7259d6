//! `--output yaml` and `yaml-stream`, as the AWS CLI v2 prints them
//! (block style, two-space indentation, lists at their key's column).
//! Written by hand: the output is all the tool needs of YAML, and a
//! string is quoted whenever a YAML reader could take it for something
//! else, so it reads back as the same string.

use crate::render::Doc;

/// The whole result as one document.
pub(crate) fn yaml(doc: &Doc) -> String {
    let mut out = String::new();
    match doc {
        Doc::Object(f) if f.is_empty() => out.push_str("{}\n"),
        Doc::Array(a) if a.is_empty() => out.push_str("[]\n"),
        Doc::Object(_) | Doc::Array(_) => block(doc, 0, &mut out),
        scalar => {
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
    out
}

/// The result as a stream of one item, as the AWS CLI v2 prints a
/// response that is not paginated.
pub(crate) fn yaml_stream(doc: &Doc) -> String {
    yaml(&Doc::Array(vec![doc.clone()]))
}

fn block(doc: &Doc, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match doc {
        Doc::Object(fields) => {
            for (k, v) in fields {
                out.push_str(&pad);
                out.push_str(&string(k));
                out.push(':');
                nested(v, indent, false, out);
            }
        }
        Doc::Array(items) => {
            for item in items {
                out.push_str(&pad);
                out.push('-');
                match item {
                    Doc::Object(f) if !f.is_empty() => {
                        // The first key on the dash's line, the rest under it.
                        let mut first = String::new();
                        block(item, indent + 2, &mut first);
                        out.push(' ');
                        out.push_str(first.get(indent + 2..).unwrap_or_default());
                    }
                    _ => nested(item, indent, true, out),
                }
            }
        }
        scalar => {
            out.push_str(&pad);
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
}

/// What follows `key:` or `-`: a scalar on the same line, or a block
/// below (a mapping's list at the key's column, as the AWS CLI v2 does).
fn nested(v: &Doc, indent: usize, in_list: bool, out: &mut String) {
    match v {
        Doc::Object(f) if f.is_empty() => out.push_str(" {}\n"),
        Doc::Array(a) if a.is_empty() => out.push_str(" []\n"),
        Doc::Object(_) => {
            out.push('\n');
            block(v, indent + 2, out);
        }
        Doc::Array(_) => {
            out.push('\n');
            block(v, if in_list { indent + 2 } else { indent }, out);
        }
        scalar => {
            out.push(' ');
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
}

fn scalar_text(doc: &Doc) -> String {
    match doc {
        Doc::Str(s) => string(s),
        Doc::Null => "null".to_owned(),
        Doc::Bool(b) => b.to_string(),
        other => other.py_str(),
    }
}

/// `s` plain when no YAML 1.1 or 1.2 reader could read it as anything
/// but this string; single-quoted otherwise; double-quoted, with escapes,
/// when it holds a character a reader would take for a line break or
/// that cannot stand in YAML as it is.
fn string(s: &str) -> String {
    if s.chars().any(needs_escape) {
        return double_quoted(s);
    }
    let lower = s.to_ascii_lowercase();
    // `=` and `<<` are YAML 1.1's value and merge keys.
    let special = matches!(
        lower.as_str(),
        "" | "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "=" | "<<"
    );
    let first = s.chars().next().unwrap_or(' ');
    let looks_numeric = s
        .chars()
        .all(|c| c.is_ascii_digit() || "+-.:_eE".contains(c))
        || s.starts_with([
            '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.', '+', '-',
        ]);
    let plain = !special
        && !looks_numeric
        && !"-?:,[]{}#&*!|>'\"%@` ".contains(first)
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #");
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// Control characters (C0 and C1: NEL, U+0085, is a YAML 1.1 line
/// break), the Unicode line and paragraph separators (line breaks to YAML
/// 1.1) and the byte-order mark.
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// `s` double-quoted: JSON's escapes, which YAML shares, and `\uXXXX` for
/// what JSON leaves as it is but YAML would read as a line break.
fn double_quoted(s: &str) -> String {
    let json = crate::render::json_string(s);
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if needs_escape(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
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
             Tags:\n- Key: 'yes'\n  Value: 'a: b'\nPackedPolicySize: 6\n"
        );
        assert_eq!(
            yaml_stream(&obj(vec![("Account", Doc::Str("123456789012".into()))])),
            "- Account: '123456789012'\n"
        );
    }

    /// What a YAML 1.1 reader (PyYAML, the AWS CLI's) would read as
    /// something else: the value and merge keys, and the line breaks
    /// JSON's escapes leave as they are.
    #[test]
    fn yaml_1_1s_keys_and_line_breaks_are_quoted() {
        for (text, written) in [
            ("=", "'='"),
            ("<<", "'<<'"),
            ("a\u{2028}b", "\"a\\u2028b\""),
            ("a\u{2029}b", "\"a\\u2029b\""),
            ("a\u{85}b", "\"a\\u0085b\""),
            ("\u{feff}a", "\"\\ufeffa\""),
            ("a\nb\u{1b}", "\"a\\nb\\u001b\""),
        ] {
            assert_eq!(string(text), written, "{text:?}");
        }
    }
}
