//! Bounded JSON for the login cache and the sign-in service's answers,
//! which both hold secrets.

use serde_json::{Map, Value};

use crate::credentials::provider_config::wipe;

/// Most JSON values a document may hold. The cache has about a dozen and
/// an answer fewer; the bound keeps the tree serde builds small whatever
/// the bytes (its nesting is already bounded by serde_json's recursion
/// limit).
const MAX_VALUES: usize = 4096;

/// The JSON object in `bytes`, or why there is none, without quoting them.
pub(super) fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, String> {
    // At most one value more than there are commas and opening brackets
    // outside strings.
    let (mut values, mut in_string, mut escaped) = (1usize, false, false);
    for &b in bytes {
        match (in_string, b) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (_, b'"') => in_string = !in_string,
            (false, b',' | b'[' | b'{') => values += 1,
            _ => {}
        }
    }
    if values > MAX_VALUES {
        return Err(format!(
            "it holds too many JSON values (more than {MAX_VALUES})"
        ));
    }
    // Its strings are wiped if the reading fails: a cache file or an
    // answer can be malformed after its secret.
    crate::credentials::wiped_json::parse_object(bytes).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "not a JSON object",
            serde_json::error::Category::Eof => "unexpected end",
        };
        format!(
            "it is not valid JSON ({what} at line {} column {})",
            e.line(),
            e.column()
        )
    })
}

/// The non-empty string at `key` of `object`; `path` names the object in
/// errors (`""` for the top level).
pub(super) fn string<'a>(
    object: &'a Map<String, Value>,
    path: &str,
    key: &str,
) -> Result<&'a str, String> {
    match object.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
        Some(Value::String(_)) => Err(format!("{path}{key} is empty")),
        None | Some(Value::Null) => Err(format!("{path}{key} is missing")),
        Some(_) => Err(format!("{path}{key} is not a string")),
    }
}

/// The object at `key` of `object`.
pub(super) fn object<'a>(
    object: &'a Map<String, Value>,
    key: &str,
) -> Result<&'a Map<String, Value>, String> {
    match object.get(key) {
        Some(Value::Object(o)) => Ok(o),
        None | Some(Value::Null) => Err(format!("{key} is missing")),
        Some(_) => Err(format!("{key} is not an object")),
    }
}

/// Overwrites every string in `value` before letting it go: the documents
/// hold keys and tokens.
pub(super) fn wipe_value(value: Value) {
    match value {
        Value::String(s) => wipe(s.into_bytes()),
        Value::Array(items) => items.into_iter().for_each(wipe_value),
        Value::Object(map) => wipe_map(map),
        _ => {}
    }
}

/// [`wipe_value`] for an object, its keys too.
pub(super) fn wipe_map(map: Map<String, Value>) {
    for (key, value) in map {
        wipe(key.into_bytes());
        wipe_value(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_only_and_bounded() {
        assert!(parse_object(br#"{"a":"b"}"#).is_ok());
        let err = parse_object(b"[1]").unwrap_err();
        assert!(err.contains("not a JSON object"), "{err}");
        let err = parse_object(b"{\"secretvalue\"").unwrap_err();
        assert!(!err.contains("secretvalue"), "{err}");
        let many = format!("{{\"a\":[{}]}}", vec!["0"; 5000].join(","));
        assert!(
            parse_object(many.as_bytes())
                .unwrap_err()
                .contains("too many")
        );
        // Commas inside strings are not values.
        let text = format!("{{\"a\":\"{}\"}}", ",".repeat(5000));
        assert!(parse_object(text.as_bytes()).is_ok());
    }

    #[test]
    fn fields_are_named_in_errors() {
        let doc = parse_object(br#"{"a":"","b":1,"c":{"d":"x"}}"#).unwrap();
        assert_eq!(string(&doc, "", "a").unwrap_err(), "a is empty");
        assert_eq!(string(&doc, "", "b").unwrap_err(), "b is not a string");
        assert_eq!(string(&doc, "", "z").unwrap_err(), "z is missing");
        assert_eq!(object(&doc, "b").unwrap_err(), "b is not an object");
        let c = object(&doc, "c").unwrap();
        assert_eq!(string(c, "c.", "d").unwrap(), "x");
        assert_eq!(string(c, "c.", "e").unwrap_err(), "c.e is missing");
    }
}
