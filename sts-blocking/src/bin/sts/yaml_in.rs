//! Reading `--cli-input-yaml`: the part of YAML a parameters document
//! uses (block mappings and sequences, plain and quoted scalars, literal
//! and folded block scalars (`|`, `>`, with `-` or `+`), one-line flow
//! lists and mappings, comments), into the JSON value `--cli-input-json`
//! would give. A policy document is naturally written as a block scalar.
//! Anything beyond that (anchors, tags, indentation indicators,
//! multi-line flow) is refused with its line, never guessed at.

use serde_json::{Map, Value};

/// The most lists and mappings a value may be nested in, as
/// `--cli-input-json` reads JSON (serde_json takes 127): the reader
/// recurses once a level, and a document of thousands of `[` would
/// otherwise overflow the stack.
const MAX_DEPTH: usize = 127;

/// The error for a value nested past [`MAX_DEPTH`].
fn too_deep(number: usize) -> String {
    format!("line {number}: nested more than {MAX_DEPTH} levels deep")
}

/// Whether a block mapping or list may start at line `at`, `depth` levels
/// in: it is the (depth + 1)th collection around what it holds.
fn room_for_collection(lines: &[Line], at: usize, depth: usize) -> Result<(), String> {
    match depth >= MAX_DEPTH {
        true => Err(too_deep(lines.get(at).map_or(0, |l| l.number))),
        false => Ok(()),
    }
}

/// One content line: its number (from 1), indentation and text.
struct Line {
    number: usize,
    indent: usize,
    text: String,
    /// A tab follows the indentation's spaces: an error where the line
    /// is structure, text inside a block scalar.
    tab: bool,
}

/// Whether `text` starts a list item (`- x`, or `-` alone).
fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// `line` as structure (a key, a list item): refused if it is indented
/// with a tab.
fn structural(line: &Line) -> Result<(), String> {
    match line.tab {
        true => Err(format!("line {}: a tab in the indentation", line.number)),
        false => Ok(()),
    }
}

/// `text` as a JSON value; `Err` names the line and what is wrong there.
pub(crate) fn parse(text: &str) -> Result<Value, String> {
    let raw: Vec<&str> = text.lines().collect();
    let mut lines = Vec::new();
    for (i, line) in raw.iter().enumerate() {
        let number = i + 1;
        let body = strip_comment(line);
        let trimmed = body.trim_end();
        if trimmed.trim().is_empty() || trimmed == "---" {
            continue;
        }
        let indent = trimmed.len() - trimmed.trim_start_matches(' ').len();
        lines.push(Line {
            number,
            indent,
            text: trimmed[indent..].to_owned(),
            tab: trimmed[indent..].starts_with('\t'),
        });
    }
    if lines.is_empty() {
        return Ok(Value::Null);
    }
    let mut at = 0;
    let indent = lines[0].indent;
    let value = block(&mut lines, &mut at, indent, &raw, 0)?;
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

fn block(
    lines: &mut [Line],
    at: &mut usize,
    indent: usize,
    raw: &[&str],
    depth: usize,
) -> Result<Value, String> {
    let first = &lines[*at];
    structural(first)?;
    // A flow collection on a line of its own: `{"RoleArn": "x"}` as the
    // whole document, or under its key, and the empty mapping that
    // `--generate-cli-skeleton yaml-input` writes for an operation without
    // parameters (`GetCallerIdentity`).
    if first.text.starts_with(['{', '[']) {
        let value = scalar(&first.text, first.number, depth)?;
        *at += 1;
        return Ok(value);
    }
    if is_item(&first.text) {
        sequence(lines, at, indent, raw, depth)
    } else {
        mapping(lines, at, indent, raw, depth)
    }
}

/// How a block scalar's lines become its text.
#[derive(Clone, Copy, PartialEq)]
enum Style {
    /// `|`: line breaks kept.
    Literal,
    /// `>`: line breaks between lines of text folded into spaces.
    Folded,
}

/// What happens to a block scalar's final line breaks.
#[derive(Clone, Copy, PartialEq)]
enum Chomp {
    /// No sign: one line break.
    Clip,
    /// `-`: none.
    Strip,
    /// `+`: every one.
    Keep,
}

/// The header of a block scalar (`|`, `>-`, `|+`, …), if `text` is one.
fn block_header(text: &str, number: usize) -> Result<Option<(Style, Chomp)>, String> {
    let mut chars = text.trim().chars();
    let style = match chars.next() {
        Some('|') => Style::Literal,
        Some('>') => Style::Folded,
        _ => return Ok(None),
    };
    let chomp = match chars.as_str() {
        "" => Chomp::Clip,
        "-" => Chomp::Strip,
        "+" => Chomp::Keep,
        _ => {
            return Err(format!(
                "line {number}: a block scalar's header may be |, |-, |+, >, >- or >+ \
                 (indentation indicators are not supported)"
            ));
        }
    };
    Ok(Some((style, chomp)))
}

/// The block scalar whose header is on line `number`, under a node at
/// column `parent`: the raw lines after it (comments are text there) that
/// are empty or indented deeper than `parent`. `at` moves past them.
fn block_scalar(
    (style, chomp): (Style, Chomp),
    number: usize,
    parent: usize,
    lines: &[Line],
    at: &mut usize,
    raw: &[&str],
) -> Result<Value, String> {
    // Each line from the header's next to where the block ends, as text
    // without the block's indentation, "" for an empty one. A line of
    // spaces only is empty unless it has more than the indentation: the
    // spaces past it are text.
    let mut content: Vec<&str> = Vec::new();
    let mut indent: Option<usize> = None;
    // Empty lines before the first line of text, with their spaces: none
    // may have more than the indentation that line then sets.
    let mut leading: Vec<(usize, usize)> = Vec::new();
    let mut last = number;
    for (i, line) in raw.iter().enumerate().skip(number) {
        let spaces = line.len() - line.trim_start_matches(' ').len();
        let rest = line.get(spaces..).unwrap_or_default();
        if rest.trim().is_empty() {
            // Spaces only: text if past the indentation, else an empty
            // line. Tabs after them: text past the indentation, else a
            // tab where the indentation is.
            let tabs = !rest.is_empty();
            match indent {
                Some(column) if spaces > column || (tabs && spaces == column) => {
                    content.push(line.get(column..).unwrap_or_default());
                    last = i + 1;
                }
                _ if tabs => return Err(format!("line {}: a tab in the indentation", i + 1)),
                Some(_) => content.push(""),
                None => {
                    leading.push((i + 1, spaces));
                    content.push("");
                }
            }
            continue;
        }
        if spaces <= parent {
            break;
        }
        let column = match indent {
            Some(column) => column,
            None => {
                if let Some((n, _)) = leading.iter().find(|(_, s)| *s > spaces) {
                    return Err(format!(
                        "line {n}: an empty line more indented than the first line of its \
                         block scalar"
                    ));
                }
                *indent.insert(spaces)
            }
        };
        if spaces < column {
            return Err(format!(
                "line {}: less indented than the first line of its block scalar",
                i + 1
            ));
        }
        content.push(line.get(column..).unwrap_or_default());
        last = i + 1;
    }
    // Empty lines after the last line of text: only `+` keeps them.
    let trailing = content.len().saturating_sub(last - number);
    content.truncate(last - number);
    while lines.get(*at).is_some_and(|l| l.number <= last) {
        *at += 1;
    }
    let mut text = String::new();
    match style {
        Style::Literal => text = content.join("\n"),
        Style::Folded => {
            // Between two lines of text a break is a space, or the empty
            // lines between them; breaks next to a more indented line stay.
            let mut previous_plain: Option<bool> = None;
            let mut empty = 0;
            for line in content {
                if line.is_empty() {
                    empty += 1;
                    continue;
                }
                let plain = !line.starts_with([' ', '\t']);
                match previous_plain {
                    None => text.push_str(&"\n".repeat(empty)),
                    Some(true) if plain && empty == 0 => text.push(' '),
                    Some(true) if plain => text.push_str(&"\n".repeat(empty)),
                    Some(_) => text.push_str(&"\n".repeat(empty + 1)),
                }
                text.push_str(line);
                previous_plain = Some(plain);
                empty = 0;
            }
        }
    }
    let has_text = last > number;
    match chomp {
        Chomp::Strip => {}
        Chomp::Clip if has_text => text.push('\n'),
        Chomp::Clip => {}
        Chomp::Keep => {
            let breaks = usize::from(has_text) + trailing;
            text.push_str(&"\n".repeat(breaks));
        }
    }
    Ok(Value::String(text))
}

fn sequence(
    lines: &mut [Line],
    at: &mut usize,
    indent: usize,
    raw: &[&str],
    depth: usize,
) -> Result<Value, String> {
    room_for_collection(lines, *at, depth)?;
    let mut items = Vec::new();
    while let Some(line) = lines.get(*at) {
        structural(line)?;
        if line.indent != indent || !is_item(&line.text) {
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
                    items.push(block(lines, at, inner, raw, depth + 1)?);
                }
                _ => items.push(Value::Null),
            }
        } else if let Some(header) = block_header(&rest, number)? {
            *at += 1;
            items.push(block_scalar(header, number, indent, lines, at, raw)?);
        } else if key_split(&rest).is_some() && !rest.starts_with(['{', '[']) {
            // `- Key: a` starts a mapping two columns in.
            let offset = line.text.len() - rest.len();
            lines[*at].indent = indent + offset;
            lines[*at].text = rest;
            items.push(mapping(lines, at, indent + offset, raw, depth + 1)?);
        } else {
            items.push(scalar(&rest, number, depth + 1)?);
            *at += 1;
        }
    }
    Ok(Value::Array(items))
}

fn mapping(
    lines: &mut [Line],
    at: &mut usize,
    indent: usize,
    raw: &[&str],
    depth: usize,
) -> Result<Value, String> {
    room_for_collection(lines, *at, depth)?;
    let mut map = Map::new();
    while let Some(line) = lines.get(*at) {
        structural(line)?;
        if line.indent != indent {
            if line.indent > indent {
                return Err(format!("line {}: unexpected indentation", line.number));
            }
            break;
        }
        let number = line.number;
        let (key, rest) =
            key_split(&line.text).ok_or_else(|| format!("line {number}: expected `key: value`"))?;
        let key = key_text(&key, number, depth + 1)?;
        *at += 1;
        let value = if rest.is_empty() {
            match lines.get(*at) {
                Some(next) if next.indent > indent => {
                    let inner = next.indent;
                    block(lines, at, inner, raw, depth + 1)?
                }
                // A list may stand at its key's column.
                Some(next) if next.indent == indent && is_item(&next.text) => {
                    sequence(lines, at, indent, raw, depth + 1)?
                }
                _ => Value::Null,
            }
        } else if let Some(header) = block_header(&rest, number)? {
            block_scalar(header, number, indent, lines, at, raw)?
        } else {
            scalar(&rest, number, depth + 1)?
        };
        insert_once(&mut map, key, value, number)?;
    }
    Ok(Value::Object(map))
}

/// A mapping's key as text: a scalar that is not a string (`1`, `true`)
/// names its member by its JSON words.
fn key_text(key: &str, number: usize, depth: usize) -> Result<String, String> {
    Ok(match scalar(key, number, depth)? {
        Value::String(s) => s,
        other => other.to_string(),
    })
}

/// Adds `key` to `map`, which must not have it yet.
fn insert_once(
    map: &mut Map<String, Value>,
    key: String,
    value: Value,
    number: usize,
) -> Result<(), String> {
    match map.contains_key(&key) {
        true => Err(format!("line {number}: \"{key}\" given twice")),
        false => {
            map.insert(key, value);
            Ok(())
        }
    }
}

/// `key: rest` (or `key:`), the colon outside quotes; in a flow mapping
/// (`flow`) a quoted key's colon may touch its value (`{"k":"v"}`).
fn key_split(text: &str) -> Option<(String, String)> {
    split_key(text, false)
}

fn split_key(text: &str, flow: bool) -> Option<(String, String)> {
    let (mut single, mut double) = (false, false);
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            ':' if !single && !double => {
                let after_quote = flow && i > 0 && matches!(bytes.get(i - 1), Some(b'"' | b'\''));
                let end = after_quote || bytes.get(i + 1).is_none_or(|b| *b == b' ');
                if end && i > 0 {
                    return Some((text[..i].trim().to_owned(), text[i + 1..].trim().to_owned()));
                }
            }
            _ => {}
        }
    }
    None
}

/// The items of a one-line flow list or mapping, split at the commas
/// outside quotes and nested brackets: `"a,b", c` and `{k: [x, y]}, z`
/// are two items each, as YAML reads them. Also how deep the brackets
/// inside nest.
fn flow_items(inner: &str) -> (Vec<&str>, usize) {
    let (mut single, mut double, mut escaped) = (false, false, false);
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut items = Vec::new();
    let mut start = 0;
    for (i, c) in inner.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if double => escaped = true,
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '[' | '{' if !single && !double => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ']' | '}' if !single && !double => depth = depth.saturating_sub(1),
            ',' if !single && !double && depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    (items, deepest)
}

/// The members of a one-line flow collection, `inner` being its text
/// after the opening bracket: `[a, b,]` ends with an empty item that is
/// no item, and `[ ]` is an empty list. Refused at once when its items
/// nest past [`MAX_DEPTH`] from `depth`, rather than level by level, each
/// reading the rest of the line again.
fn flow_members<'a>(
    inner: &'a str,
    close: char,
    number: usize,
    what: &str,
    depth: usize,
) -> Result<Vec<&'a str>, String> {
    let inner = inner
        .strip_suffix(close)
        .ok_or_else(|| format!("line {number}: a flow {what} must end on its line"))?;
    let (mut items, deepest) = flow_items(inner);
    if depth + 1 + deepest > MAX_DEPTH {
        return Err(too_deep(number));
    }
    if items.last().is_some_and(|last| last.trim().is_empty()) {
        items.pop();
    }
    Ok(items)
}

/// The value of `text`, at `depth` levels of nesting.
fn scalar(text: &str, number: usize, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err(too_deep(number));
    }
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
    if t.starts_with(['&', '*', '!', '%', '@', '`']) {
        return Err(bad("anchors, aliases and tags are not supported"));
    }
    if t.starts_with(['|', '>']) {
        return Err(bad(
            "a block scalar (| or >) must be a mapping's value or a list item",
        ));
    }
    if let Some(inner) = t.strip_prefix('[') {
        return flow_members(inner, ']', number, "list", depth)?
            .into_iter()
            .map(|item| scalar(item, number, depth + 1))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    if let Some(inner) = t.strip_prefix('{') {
        let mut map = Map::new();
        for item in flow_members(inner, '}', number, "mapping", depth)? {
            let (key, value) = split_key(item.trim(), true)
                .ok_or_else(|| bad("expected `key: value` in a flow mapping"))?;
            let value = match value.is_empty() {
                true => Value::Null,
                false => scalar(&value, number, depth + 1)?,
            };
            insert_once(&mut map, key_text(&key, number, depth + 1)?, value, number)?;
        }
        return Ok(Value::Object(map));
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
            ("a: |2\n  text\n", "line 1"),
            ("a: >\n    x\n  y\n", "line 3"),
            ("a: {b: c\n", "line 1"),
            ("a: {b}\n", "line 1"),
            ("a: {b: 1, b: 2}\n", "line 1"),
            ("a: |x\n", "line 1"),
            ("a: |\n   \n  x\n", "line 2"),
            ("a: |\n  x\n\t\n  y\n", "line 3"),
            ("\tRoleArn: x\n", "line 1"),
            ("Tags:\n- Key: a\n\tValue: b\n", "line 3"),
            ("just text\n", "line 1"),
            ("a: [\"b, c]\n", "line 1"),
        ] {
            let e = parse(doc).err().unwrap_or_default();
            assert!(e.starts_with(line), "{doc:?}: {e}");
        }
    }

    /// Block scalars read as YAML 1.2 reads them (checked against
    /// PyYAML): line breaks kept (`|`) or folded (`>`), the final ones
    /// clipped to one, stripped (`-`) or kept (`+`), `#` as text inside.
    #[test]
    fn block_scalars_read_as_yaml_reads_them() {
        let cases = [
            ("a: |\n  one\n  two\n", "one\ntwo\n"),
            ("a: |-\n  one\n  two\n\n", "one\ntwo"),
            ("a: |+\n  one\n\n\nb: x\n", "one\n\n\n"),
            (
                "a: |\n  # not a comment\n    indented\n\n  after\n",
                "# not a comment\n  indented\n\nafter\n",
            ),
            ("a: >\n  one\n  two\n\n  three\n", "one two\nthree\n"),
            ("a: >-\n  one\n    more\n  two\n", "one\n  more\ntwo"),
            ("a: >\n\n  lead\n", "\nlead\n"),
            ("a: |\nb: x\n", ""),
            ("a: |  # a comment on the header\n  x\n", "x\n"),
            ("a: >\n  one\n\n\n  two\n  three\n", "one\n\ntwo three\n"),
            ("a: >\n  one\n   more\n\n  two\n", "one\n more\n\ntwo\n"),
            ("a: >+\n  one\n\n", "one\n\n"),
            ("a: |\n  x\n\n# comment\nb: y\n", "x\n"),
            // Spaces past the indentation on a line of spaces are text.
            ("a: |\n  x\n    \n  y\n", "x\n  \ny\n"),
            ("a: >\n  one\n     \n  two\n", "one\n   \ntwo\n"),
            ("a: |+\n  x\n    \n", "x\n  \n"),
            ("a: |-\n  x\n    \n", "x\n  "),
            ("a: |\n  \n  x\n", "\nx\n"),
            ("a: >\n  a\n   \n  b\n", "a\n \nb\n"),
            // A tab past the indentation is text.
            (
                "a: |\n  {\n  \t\"Version\": 1\n  }\n",
                "{\n\t\"Version\": 1\n}\n",
            ),
        ];
        for (doc, text) in cases {
            let v = parse(doc).unwrap();
            assert_eq!(v["a"], Value::String(text.to_owned()), "{doc:?}");
        }
        // A policy, in a list item and after it the document goes on.
        let doc = "PolicyArns:\n- arn: x\nPolicy: |\n  {\n    \"Version\": \"2012-10-17\"\n  }\n\
                   Tags:\n  - Key: k\n    Value: >-\n      folded\n      value\n  - |\n    item\nRoleArn: r\n";
        assert_eq!(
            parse(doc).unwrap(),
            serde_json::json!({
                "PolicyArns": [{"arn": "x"}],
                "Policy": "{\n  \"Version\": \"2012-10-17\"\n}\n",
                "Tags": [{"Key": "k", "Value": "folded value"}, "item\n"],
                "RoleArn": "r",
            })
        );
    }

    #[test]
    fn one_line_flow_mappings_read_as_yaml_reads_them() {
        let doc = "PolicyArns:\n- {arn: x}\n- {arn: 'y, z'}\nTags: [{Key: a, Value: \"b}\"}, {Key: c}]\n\
                   E: {}\nN: {a: [1, 2], b: {c: d}}\n";
        assert_eq!(
            parse(doc).unwrap(),
            serde_json::json!({
                "PolicyArns": [{"arn": "x"}, {"arn": "y, z"}],
                "Tags": [{"Key": "a", "Value": "b}"}, {"Key": "c"}],
                "E": {},
                "N": {"a": [1, 2], "b": {"c": "d"}},
            })
        );
        // A flow collection on a line of its own, and JSON's own spacing.
        assert_eq!(
            parse("{\"RoleArn\":\"x\", \"Tags\": [{\"Key\":\"k\"}]}\n").unwrap(),
            serde_json::json!({"RoleArn": "x", "Tags": [{"Key": "k"}]})
        );
        assert_eq!(
            parse("a:\n  {b: c}\nd:\n  [e]\n").unwrap(),
            serde_json::json!({"a": {"b": "c"}, "d": ["e"]})
        );
        // A quoted key still starts a mapping in a list item.
        assert_eq!(
            parse("- \"Key\": a\n").unwrap(),
            serde_json::json!([{"Key": "a"}])
        );
    }

    #[test]
    fn nesting_is_bounded_as_json_input_bounds_it() {
        // 126 lists in a mapping: 127 levels, the most serde_json reads
        // of the same document in JSON; one more is refused, with its line.
        let flow = |n: usize| format!("a: 1\nRoleArn: {}x{}\n", "[".repeat(n), "]".repeat(n));
        let json = |n: usize| format!("{{\"RoleArn\": {}1{}}}", "[".repeat(n), "]".repeat(n));
        assert!(parse(&flow(126)).is_ok());
        assert!(serde_json::from_str::<Value>(&json(126)).is_ok());
        assert_eq!(
            parse(&flow(127)).unwrap_err(),
            "line 2: nested more than 127 levels deep"
        );
        assert!(serde_json::from_str::<Value>(&json(127)).is_err());
        // Block nesting by indentation, mappings and lists alike.
        let block = |levels: usize| {
            let mut text = String::new();
            for level in 0..levels {
                text.push_str(&" ".repeat(level));
                text.push_str(if level % 2 == 0 { "k:\n" } else { "-\n" });
            }
            text
        };
        assert!(parse(&block(127)).is_ok());
        assert_eq!(
            parse(&block(128)).unwrap_err(),
            "line 128: nested more than 127 levels deep"
        );
        // A list at its key's column is a level too: under the 125th
        // collection it is the 126th, under the 127th the 128th.
        let same_column =
            |levels: usize| format!("{}{}- x\n", block(levels), " ".repeat(levels - 1));
        assert!(parse(&same_column(125)).is_ok());
        assert_eq!(
            parse(&same_column(127)).unwrap_err(),
            "line 128: nested more than 127 levels deep"
        );
    }

    /// A million brackets (34 KB of them once overflowed the stack, and
    /// each level read the rest of the line again) are refused after one
    /// reading of the line: well within a deadline a quadratic reading
    /// would miss by hours.
    #[test]
    fn a_megabyte_of_brackets_is_refused_at_once() {
        let n = 1_000_000;
        let text = format!("RoleArn: {}{}\n", "[".repeat(n), "]".repeat(n));
        let started = std::time::Instant::now();
        assert!(
            parse(&text)
                .unwrap_err()
                .contains("nested more than 127 levels deep")
        );
        let took = started.elapsed();
        assert!(took < std::time::Duration::from_secs(5), "{took:?}");
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
