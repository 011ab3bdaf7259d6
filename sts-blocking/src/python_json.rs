//! Strings as Python's `json.dumps` writes them (`ensure_ascii`, its
//! default), which the AWS CLI's files and output are made of: the role
//! cache's file names hash such text, and the `sts` tool's `--query`
//! prints values the way the AWS CLI's JMESPath errors quote them.

/// Appends `value` as a JSON string in Python's form: the short escapes,
/// `\u00xx` for other controls and DEL, `\uxxxx` (a surrogate pair beyond
/// the BMP) for every non-ASCII character.
///
/// ```
/// let mut out = String::new();
/// sts_blocking::python_json::push_string(&mut out, "é\"\u{1F600}");
/// assert_eq!(out, r#""\u00e9\"\ud83d\ude00""#);
/// ```
pub fn push_string(out: &mut String, value: &str) {
    use std::fmt::Write as _;
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Python's `json.dumps` of a string, as printed by Python 3.11.
    #[test]
    fn strings_are_escaped_as_python_escapes_them() {
        let mut out = String::new();
        push_string(
            &mut out,
            "ext \"quoted\" \\ é 😀\n\u{7f}\u{1}\u{8}\u{c}\r\t",
        );
        assert_eq!(
            out,
            r#""ext \"quoted\" \\ \u00e9 \ud83d\ude00\n\u007f\u0001\b\f\r\t""#
        );
    }
}
