//! JSON that holds secrets (credential documents, token caches, sign-in
//! answers), read so that every string it builds is overwritten when it is
//! dropped, whatever stops the reading.
//!
//! Read straight into a `serde_json::Value`, a document that turns out to
//! be malformed after its secret (a trailing comma, a lone surrogate
//! escape `"\uDEAD"`, a number too large for a float, nesting past the
//! recursion limit) makes serde_json drop the map it built so far, secret
//! and all, without wiping it; so does a member given twice, whose first
//! value the map replaces. Checking the syntax first with `IgnoredAny`
//! does not close this: it skims strings and numbers without the checks
//! that fail later. Here each string lives in a [`Wiped`] until the whole
//! document is read, so an error's unwinding of the half-built tree wipes
//! it; of a member given twice, the first value and the second copy of
//! the name are wiped as they go.
//!
//! What remains outside reach: serde_json's own scratch buffer, which holds
//! a string's text while its escapes are decoded, is freed unwiped.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::provider_config::wipe;

/// `bytes` as JSON, each string overwritten if the reading fails.
pub(crate) fn parse(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    serde_json::from_slice::<Node>(bytes).map(Node::into_value)
}

/// `bytes` as a JSON object. Anything else is an error of serde_json's
/// `Data` kind, as deserializing a map from it gives, with its position.
pub(crate) fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, serde_json::Error> {
    match parse(bytes)? {
        Value::Object(map) => Ok(map),
        other => {
            wipe_value(other);
            // The same text read as an object of skipped members, for the
            // error serde_json gives a non-object, with its position; it
            // builds no string.
            match serde_json::from_slice::<AnyObject>(bytes) {
                Err(e) => Err(e),
                Ok(AnyObject) => Err(de::Error::custom("not a JSON object")),
            }
        }
    }
}

/// Overwrites every string of `value`, keys and nested ones too, as it
/// drops it.
pub(crate) fn wipe_value(value: Value) {
    match value {
        Value::String(s) => wipe(s.into_bytes()),
        Value::Array(items) => items.into_iter().for_each(wipe_value),
        Value::Object(members) => {
            for (key, value) in members {
                wipe(key.into_bytes());
                wipe_value(value);
            }
        }
        _ => {}
    }
}

/// Any JSON object, its members skipped.
struct AnyObject;

impl<'de> Deserialize<'de> for AnyObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Skip;
        impl<'de> Visitor<'de> for Skip {
            type Value = AnyObject;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnyObject, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(AnyObject)
            }
            // serde_json's own error for a string quotes it; a map is
            // read as any value, so that this is asked.
            fn visit_str<E: de::Error>(self, _: &str) -> Result<AnyObject, E> {
                Err(E::invalid_type(de::Unexpected::Other("a string"), &self))
            }
        }
        deserializer.deserialize_any(Skip)
    }
}

/// A string overwritten when dropped, unless taken out first.
struct Wiped(String);

impl Drop for Wiped {
    fn drop(&mut self) {
        wipe(std::mem::take(&mut self.0).into_bytes());
    }
}

impl Wiped {
    fn take(mut self) -> String {
        std::mem::take(&mut self.0)
    }
}

/// A JSON value being read; its strings are [`Wiped`].
enum Node {
    Null,
    Bool(bool),
    Number(Number),
    String(Wiped),
    Array(Vec<Node>),
    /// Members in the order read, a name given twice included.
    Object(Vec<(Wiped, Node)>),
}

impl Node {
    /// The value, its strings moved out; a member given twice keeps its
    /// last value, as serde_json keeps it, and the first is wiped.
    fn into_value(self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(b),
            Node::Number(n) => Value::Number(n),
            Node::String(s) => Value::String(s.take()),
            Node::Array(items) => Value::Array(items.into_iter().map(Node::into_value).collect()),
            Node::Object(members) => {
                let mut map = Map::new();
                for (key, value) in members {
                    let key = key.take();
                    // The first member of a name given twice goes, name
                    // and value wiped: `insert` would keep the first name
                    // and drop the second unwiped.
                    if let Some((first_key, first_value)) = map.remove_entry(&key) {
                        wipe(first_key.into_bytes());
                        wipe_value(first_value);
                    }
                    map.insert(key, value.into_value());
                }
                Value::Object(map)
            }
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

/// A member's name, as a [`Wiped`] string.
struct Name(Wiped);

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match deserializer.deserialize_any(NodeVisitor)? {
            Node::String(s) => Ok(Name(s)),
            _ => Err(de::Error::custom("a member name that is not a string")),
        }
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Node, E> {
        Ok(Node::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Node, E> {
        Ok(Node::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Node, E> {
        Ok(Node::Number(n.into()))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Node, E> {
        Number::from_f64(n)
            .map(Node::Number)
            .ok_or_else(|| E::custom("a number JSON cannot hold"))
    }

    fn visit_str<E>(self, s: &str) -> Result<Node, E> {
        Ok(Node::String(Wiped(s.to_owned())))
    }

    fn visit_string<E>(self, s: String) -> Result<Node, E> {
        Ok(Node::String(Wiped(s)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        // On an error the items read so far are dropped, so wiped.
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut members = Vec::new();
        while let Some(Name(name)) = map.next_key::<Name>()? {
            // On an error in the value, the name and the members read so
            // far are dropped, so wiped.
            let value = map.next_value::<Node>()?;
            members.push((name, value));
        }
        Ok(Node::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What it reads is what serde_json reads, a member given twice
    /// keeping its last value.
    #[test]
    fn reads_what_serde_json_reads() {
        for text in [
            r#"{"a":"x","b":[1,-2,3.5,true,null,{"c":"\u00e9\n"}],"d":{}}"#,
            r#"{"a":"first","a":"last"}"#,
            r#"[1,"two",[]]"#,
            r#""just text""#,
            "12345678901234567890",
            "-1e300",
        ] {
            let ours = parse(text.as_bytes()).unwrap();
            let theirs: Value = serde_json::from_str(text).unwrap();
            assert_eq!(ours, theirs, "{text}");
        }
    }

    /// Every malformed document serde_json refuses is refused, with the
    /// error serde_json gives (its kind and position).
    #[test]
    fn refuses_what_serde_json_refuses() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        for text in [
            r#"{"a":"x",}"#,
            r#"{"a":"\uDEAD"}"#,
            r#"{"a":1e400}"#,
            r#"{"a":"x""#,
            deep.as_str(),
            r#"{"a" "x"}"#,
        ] {
            let ours = parse(text.as_bytes()).unwrap_err();
            let theirs = serde_json::from_str::<Value>(text).unwrap_err();
            assert_eq!(ours.classify(), theirs.classify(), "{text}");
            assert_eq!(
                (ours.line(), ours.column()),
                (theirs.line(), theirs.column()),
                "{text}"
            );
        }
        assert!(parse(b"{\"a\":\"\xff\"}").is_err());
    }

    /// A document that is no object is an error of the `Data` kind, where
    /// serde_json puts it, that quotes no string (serde_json's own quotes
    /// a top-level string whole).
    #[test]
    fn an_object_or_a_data_error() {
        assert!(parse_object(br#"{"a":1}"#).is_ok());
        for text in [r#"["secret"]"#, r#""secret""#, "1"] {
            let ours = parse_object(text.as_bytes()).unwrap_err();
            let theirs = serde_json::from_str::<Map<String, Value>>(text).unwrap_err();
            assert_eq!(ours.classify(), serde_json::error::Category::Data, "{text}");
            // Where the value is (serde_json puts its own error a column
            // further on for a list or a number).
            assert_eq!(ours.line(), theirs.line(), "{text}");
            assert!(
                ours.column().abs_diff(theirs.column()) <= 1,
                "{text}: {ours}"
            );
            assert!(
                ours.to_string().contains("expected a JSON object"),
                "{ours}"
            );
            assert!(!ours.to_string().contains("secret"), "{ours}");
        }
    }
}
