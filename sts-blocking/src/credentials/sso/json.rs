//! JSON documents that hold secrets (tokens, keys): parsed into a map,
//! their strings wiped when they are let go.

use serde_json::{Map, Value};

use crate::credentials::json_limits::json_value_bound;
use crate::credentials::wiped_json::wipe_value;

/// The most JSON values a document may hold. The token cache and the
/// services' answers hold a few dozen; a parsed value costs many times its
/// text (`[0,0,…]` 24 times), so a document of more is refused unparsed.
pub(super) const MAX_VALUES: usize = 4096;

/// A JSON object whose strings are overwritten when it is dropped.
#[derive(Default)]
pub(in crate::credentials) struct SecretObject(pub(in crate::credentials) Map<String, Value>);

impl Drop for SecretObject {
    fn drop(&mut self) {
        wipe_value(Value::Object(std::mem::take(&mut self.0)));
    }
}

/// `bytes` as a JSON object, or why not (never quoting the text).
pub(in crate::credentials) fn parse_object(bytes: &[u8]) -> Result<SecretObject, String> {
    if json_value_bound(bytes) > MAX_VALUES {
        return Err(format!("it holds more than {MAX_VALUES} JSON values"));
    }
    // Its strings are wiped if the reading fails: a cache file can be
    // malformed after its token.
    match crate::credentials::wiped_json::parse(bytes) {
        Ok(Value::Object(map)) => Ok(SecretObject(map)),
        Ok(other) => {
            wipe_value(other);
            Err("it is JSON but not an object".to_owned())
        }
        Err(e) => {
            let what = match e.classify() {
                serde_json::error::Category::Io => "I/O error",
                serde_json::error::Category::Syntax => "syntax error",
                serde_json::error::Category::Data => "unexpected data",
                serde_json::error::Category::Eof => "unexpected end",
            };
            Err(format!(
                "it is not valid JSON ({what} at line {} column {})",
                e.line(),
                e.column()
            ))
        }
    }
}

impl SecretObject {
    /// The string member `key`: `None` when absent or null, an error when
    /// of another type.
    pub(super) fn string(&self, key: &str) -> Result<Option<&str>, String> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(format!("`{key}` is not a string")),
        }
    }

    /// The string member `key`, which must be there and not blank.
    pub(super) fn required(&self, key: &str) -> Result<&str, String> {
        match self.string(key)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            Some(_) => Err(format!("`{key}` is empty")),
            None => Err(format!("`{key}` is missing")),
        }
    }

    /// The member `key` as an object, which must be there.
    pub(super) fn take_object(&mut self, key: &str) -> Result<SecretObject, String> {
        match self.0.remove(key) {
            Some(Value::Object(map)) => Ok(SecretObject(map)),
            None | Some(Value::Null) => Err(format!("`{key}` is missing")),
            Some(other) => {
                wipe_value(other);
                Err(format!("`{key}` is not an object"))
            }
        }
    }

    /// The whole-number member `key`, if there.
    pub(super) fn integer(&self, key: &str) -> Result<Option<i64>, String> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(v) => Ok(Some(v)),
                None => match n.as_f64() {
                    Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
                    _ => Err(format!("`{key}` is not a whole number")),
                },
            },
            Some(_) => Err(format!("`{key}` is not a number")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_never_quote_the_text() {
        let e = parse_object(b"{\"accessToken\": SECRETVALUE}")
            .err()
            .unwrap();
        assert!(
            e.contains("not valid JSON") && !e.contains("SECRETVALUE"),
            "{e}"
        );
        let e = parse_object(b"[\"SECRETVALUE\"]").err().unwrap();
        assert!(
            e.contains("not an object") && !e.contains("SECRETVALUE"),
            "{e}"
        );
    }

    #[test]
    fn documents_of_too_many_values_are_refused_unparsed() {
        let fits = format!("{{\"a\":[{}0]}}", "0,".repeat(MAX_VALUES - 3));
        assert!(parse_object(fits.as_bytes()).is_ok());
        let over = format!("{{\"a\":[{}0]}}", "0,".repeat(MAX_VALUES - 2));
        let e = parse_object(over.as_bytes()).err().unwrap();
        assert_eq!(e, "it holds more than 4096 JSON values");
    }

    #[test]
    fn members_by_type() {
        let mut o =
            parse_object(br#"{"a":"x","n":5,"f":1.5e3,"o":{"b":"y"},"s":1,"e":" "}"#).unwrap();
        assert_eq!(o.required("a").unwrap(), "x");
        assert!(o.required("missing").unwrap_err().contains("missing"));
        assert!(o.required("e").unwrap_err().contains("empty"));
        assert!(o.string("s").unwrap_err().contains("not a string"));
        assert_eq!(o.integer("n").unwrap(), Some(5));
        assert_eq!(o.integer("f").unwrap(), Some(1500));
        assert_eq!(o.take_object("o").unwrap().required("b").unwrap(), "y");
        assert!(o.take_object("a").is_err());
    }
}
