//! Reading `--cli-input-yaml`: the part of YAML a parameters document
//! uses (block mappings and sequences, plain and quoted scalars, empty
//! `[]`/`{}`, flow lists of scalars, comments), into the JSON value
//! `--cli-input-json` would give. Anything beyond that (anchors, tags,
//! block scalars, multi-line flow) is refused with its line, never
//! guessed at.

use serde_json::{Map, Value};

/// One content line: its number (from 1), indentation and text.
struct Line {
    number: usize,
    indent: usize,
    text: String,
}

/// `text` as a JSON value; `Err` names the line and what is wrong there.
pub(crate) fn parse(text: &str) -> Result<Value, String> {
    let mut lines = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        let body = strip_comment(raw);
        let trimmed = body.trim_end();
        if trimmed.trim().is_empty() || trimmed == "---" {
            continue;
        }
        let indent = trimmed.len() - trimmed.trim_start_matches(' ').len();
        if trimmed[indent..].starts_with('\t') {
            return Err(format!("line {number}: a tab in the indentation"));
        }
        lines.push(Line {
            number,
            indent,
            text: trimmed[indent..].to_owned(),
        });
    }
    if lines.is_empty() {
        return Ok(Value::Null);
    }
    // The empty mapping, as `--generate-cli-skeleton yaml-input` writes
    // it for an operation without parameters (`GetCallerIdentity`).
    if let [only] = lines.as_slice()
        && only.text == "{}"
    {
        return Ok(Value::Object(Map::new()));
    }
    let mut at = 0;
    let indent = lines[0].indent;
    let value = block(&mut lines, &mut at, indent)?;
    match lines.get(at) {
        Some(l) => Err(format!("line {}: unexpected indentation", l.number)),
        None => Ok(value),
    }
}

/// The text before a comment (a `#` at the start or after a space,
/// outside quotes).
fn strip_comment(line: &str) -> &str {
    let (mut single, mut double) = (false, false);
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && previous.is_whitespace() => return &line[..i],
            _ => {}
        }
        previous = c;
    }
    line
}

fn block(lines: &mut [Line], at: &mut usize, indent: usize) -> Result<Value, String> {
    let first = &lines[*at];
    if first.text == "-" || first.text.starts_with("- ") {
        sequence(lines, at, indent)
    } else {
        mapping(lines, at, indent)
    }
}

fn sequence(lines: &mut [Line], at: &mut usize, indent: usize) -> Result<Value, String> {
    let mut items = Vec::new();
    while let Some(line) = lines.get(*at) {
        if line.indent != indent || !(line.text == "-" || line.text.starts_with("- ")) {
            break;
        }
        let rest = line
            .text
            .get(2..)
            .unwrap_or_default()
            .trim_start()
            .to_owned();
        let number = line.number;
        if rest.is_empty() {
            *at += 1;
            match lines.get(*at) {
                Some(next) if next.indent > indent => {
                    let inner = next.indent;
                    items.push(block(lines, at, inner)?);
                }
                _ => items.push(Value::Null),
            }
        } else if key_split(&rest).is_some() {
            // `- Key: a` starts a mapping two columns in.
            let offset = line.text.len() - rest.len();
            lines[*at].indent = indent + offset;
            lines[*at].text = rest;
            items.push(mapping(lines, at, indent + offset)?);
        } else {
            items.push(scalar(&rest, number)?);
            *at += 1;
        }
    }
    Ok(Value::Array(items))
}

fn mapping(lines: &mut [Line], at: &mut usize, indent: usize) -> Result<Value, String> {
    let mut map = Map::new();
    while let Some(line) = lines.get(*at) {
        if line.indent != indent {
            if line.indent > indent {
                return Err(format!("line {}: unexpected indentation", line.number));
            }
            break;
        }
        let number = line.number;
        let (key, rest) =
            key_split(&line.text).ok_or_else(|| format!("line {number}: expected `key: value`"))?;
        let key = match scalar(&key, number)? {
            Value::String(s) => s,
            other => other.to_string(),
        };
        *at += 1;
        let value = if rest.is_empty() {
            match lines.get(*at) {
                Some(next) if next.indent > indent => {
                    let inner = next.indent;
                    block(lines, at, inner)?
                }
                // A list may stand at its key's column.
                Some(next)
                    if next.indent == indent
                        && (next.text == "-" || next.text.starts_with("- ")) =>
                {
                    sequence(lines, at, indent)?
                }
                _ => Value::Null,
            }
        } else {
            scalar(&rest, number)?
        };
        if map.insert(key.clone(), value).is_some() {
            return Err(format!("line {number}: \"{key}\" given twice"));
        }
    }
    Ok(Value::Object(map))
}

/// `key: rest` (or `key:`), the colon outside quotes.
fn key_split(text: &str) -> Option<(String, String)> {
    let (mut single, mut double) = (false, false);
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            ':' if !single && !double => {
                let end = bytes.get(i + 1).is_none_or(|b| *b == b' ');
                if end && i > 0 {
                    return Some((text[..i].trim().to_owned(), text[i + 1..].trim().to_owned()));
                }
            }
            _ => {}
        }
    }
    None
}

/// The items of a one-line flow list, split at the commas outside quotes:
/// `"a,b", c` is two items, as YAML reads it.
fn flow_items(inner: &str) -> Vec<&str> {
    let (mut single, mut double, mut escaped) = (false, false, false);
    let mut items = Vec::new();
    let mut start = 0;
    for (i, c) in inner.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if double => escaped = true,
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            ',' if !single && !double => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
}

fn scalar(text: &str, number: usize) -> Result<Value, String> {
    let t = text.trim();
    let bad = |why: &str| format!("line {number}: {why}");
    if let Some(inner) = t.strip_prefix('\'') {
        let inner = inner
            .strip_suffix('\'')
            .ok_or_else(|| bad("unterminated quoted string"))?;
        return Ok(Value::String(inner.replace("''", "'")));
    }
    if t.starts_with('"') {
        return serde_json::from_str::<String>(t)
            .map(Value::String)
            .map_err(|_| bad("unterminated or invalid double-quoted string"));
    }
    if t.starts_with(['&', '*', '!', '|', '>', '%', '@', '`']) {
        return Err(bad(
            "anchors, aliases, tags and block scalars are not supported",
        ));
    }
    if t == "[]" {
        return Ok(Value::Array(Vec::new()));
    }
    if t == "{}" {
        return Ok(Value::Object(Map::new()));
    }
    if let Some(inner) = t.strip_prefix('[') {
        let inner = inner
            .strip_suffix(']')
            .ok_or_else(|| bad("a flow list must end on its line"))?;
        let mut items = flow_items(inner);
        // `[a, b,]` ends with an empty item that is no item, and `[ ]` is
        // an empty list.
        if items.last().is_some_and(|last| last.trim().is_empty()) {
            items.pop();
        }
        return items
            .into_iter()
            .map(|item| scalar(item, number))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    if t.starts_with('{') {
        return Err(bad(
            "flow mappings are not supported; write the keys one per line",
        ));
    }
    Ok(match t {
        "null" | "Null" | "NULL" | "~" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        // A number only as it is written back: `0012345` (an external id,
        // an MFA code starting with 0) or `+5` read as a number would be
        // sent as `12345` or `5` to a text parameter. Kept as text, an
        // integer parameter still reads it as the number.
        _ => match t.parse::<i64>() {
            Ok(n) if n.to_string() == t => Value::from(n),
            _ => Value::String(t.to_owned()),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_that_is_the_empty_mapping_reads_as_one() {
        assert_eq!(parse("{}\n"), Ok(serde_json::json!({})));
        assert_eq!(parse("# none\n{}  # at all\n"), Ok(serde_json::json!({})));
        assert!(parse("{}\nRoleArn: x\n").is_err());
    }

    #[test]
    fn the_yaml_output_and_hand_written_documents_read_back() {
        let doc = "# parameters\nRoleArn: arn:aws:iam::123456789012:role/r\n\
                   RoleSessionName: 's #1'\nDurationSeconds: 900\nTags:\n- Key: a\n  Value: \"b: c\"\n\
                   TransitiveTagKeys: [a, b]\nPolicyArns:\n  - arn: x\n";
        let v = parse(doc).unwrap_or_default();
        assert_eq!(
            v,
            serde_json::json!({
                "RoleArn": "arn:aws:iam::123456789012:role/r",
                "RoleSessionName": "s #1",
                "DurationSeconds": 900,
                "Tags": [{"Key": "a", "Value": "b: c"}],
                "TransitiveTagKeys": ["a", "b"],
                "PolicyArns": [{"arn": "x"}],
            })
        );
    }

    #[test]
    fn what_is_not_read_is_refused_with_its_line() {
        for (doc, line) in [
            ("a: 'open\n", "line 1"),
            ("a: b\n   c: d\n", "line 2"),
            ("a: &x 1\n", "line 1"),
            ("a: |\n  text\n", "line 1"),
            ("just text\n", "line 1"),
            ("a: [\"b, c]\n", "line 1"),
        ] {
            let e = parse(doc).err().unwrap_or_default();
            assert!(e.starts_with(line), "{doc:?}: {e}");
        }
    }

    #[test]
    fn flow_lists_split_at_commas_outside_quotes() {
        let v = parse("a: [\"x,y\", 'p,''q', z,]\nb: [ ]\nc: [\"e\\\",f\"]\n").unwrap_or_default();
        assert_eq!(
            v,
            serde_json::json!({"a": ["x,y", "p,'q", "z"], "b": [], "c": ["e\",f"]})
        );
    }
}
