//! The values a `--query` works on, as Python's `jmespath` has them: an
//! object keeps its members in insertion order (a Python `dict`), and a
//! number is an integer or a float, as `json.loads` and `math.floor` make
//! them.

use std::cmp::Ordering;
use std::fmt::Write as _;

use jmespath::Variable;
use jmespath::ast::Ast;
use sts_blocking::sts_proto::error::is_unshowable;

use crate::render::{Doc, py_float};

/// A JMESPath value; `'a` is the expression an `&expr` reference points
/// into.
#[derive(Clone, Debug)]
pub(super) enum Value<'a> {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Array(Vec<Value<'a>>),
    /// Members in insertion order, each key once.
    Object(Vec<(String, Value<'a>)>),
    Expref(&'a Ast),
}

impl<'a> Value<'a> {
    pub(super) fn from_doc(doc: &Doc) -> Self {
        match doc {
            Doc::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from_doc(v)))
                    .collect(),
            ),
            Doc::Array(items) => Value::Array(items.iter().map(Value::from_doc).collect()),
            Doc::Str(s) => Value::Str(s.clone()),
            Doc::Int(n) => Value::Int(*n),
            Doc::Float(f) => Value::Float(*f),
            Doc::Bool(b) => Value::Bool(*b),
            Doc::Null => Value::Null,
        }
    }

    /// About how many bytes the value takes: each node, and the text of
    /// its strings and keys. What [`eval`](super::eval) counts.
    pub(super) fn weight(&self) -> usize {
        let node = std::mem::size_of::<Self>();
        match self {
            Value::Str(s) => node + s.len(),
            Value::Array(items) => items
                .iter()
                .fold(node, |sum, item| sum.saturating_add(item.weight())),
            Value::Object(fields) => fields.iter().fold(node, |sum, (key, value)| {
                sum.saturating_add(key.len()).saturating_add(value.weight())
            }),
            Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Expref(_) => {
                node
            }
        }
    }

    /// The result as output takes it; a bare `&expr` has no JSON form and
    /// prints as null.
    pub(super) fn to_doc(&self) -> Doc {
        match self {
            Value::Object(fields) => Doc::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_doc()))
                    .collect(),
            ),
            Value::Array(items) => Doc::Array(items.iter().map(Value::to_doc).collect()),
            Value::Str(s) => Doc::Str(s.clone()),
            Value::Int(n) => Doc::Int(*n),
            Value::Float(f) => Doc::Float(*f),
            Value::Bool(b) => Doc::Bool(*b),
            Value::Null | Value::Expref(_) => Doc::Null,
        }
    }

    /// A value the `jmespath` crate parsed: a `'raw string'`, or a JSON
    /// literal [`literal`](super::literal) could not read again. Its
    /// objects are sorted by key, which is all the crate kept.
    pub(super) fn from_variable(v: &Variable) -> Self {
        match v {
            Variable::Null | Variable::Expref(_) => Value::Null,
            Variable::Bool(b) => Value::Bool(*b),
            Variable::String(s) => Value::Str(s.clone()),
            Variable::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Value::Int(i128::from(i)),
                (None, Some(u)) => Value::Int(i128::from(u)),
                (None, None) => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Variable::Array(items) => {
                Value::Array(items.iter().map(|i| Value::from_variable(i)).collect())
            }
            Variable::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Value::from_variable(v)))
                    .collect(),
            ),
        }
    }

    /// The member `key` of an object; null for anything else.
    pub(super) fn field(&self, key: &str) -> Value<'a> {
        match self {
            Value::Object(fields) => fields
                .iter()
                .find(|(k, _)| k == key)
                .map_or(Value::Null, |(_, v)| v.clone()),
            _ => Value::Null,
        }
    }

    pub(super) fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// JMESPath truth: false, null and empty strings, arrays and objects
    /// are false; every number, 0 too, is true.
    pub(super) fn is_truthy(&self) -> bool {
        match self {
            Value::Null | Value::Bool(false) => false,
            Value::Str(s) => !s.is_empty(),
            Value::Array(a) => !a.is_empty(),
            Value::Object(o) => !o.is_empty(),
            _ => true,
        }
    }

    /// The name `type()` gives and type errors use.
    pub(super) fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            Value::Expref(_) => "expref",
        }
    }

    /// The number as a float, for arithmetic that mixes kinds.
    pub(super) fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(n) => Some(*n as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }
}

/// Python's `==`, which `contains()` and nested values use: an object
/// equals another with the same members in any order, `1 == 1.0`, and a
/// boolean equals the integer it counts as (`True == 1`).
pub(super) fn py_eq(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| py_eq(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.iter().any(|(k2, v2)| k == k2 && py_eq(v, v2)))
        }
        (Value::Expref(x), Value::Expref(y)) => std::ptr::eq(*x, *y),
        _ => match (as_py_number(a), as_py_number(b)) {
            (Some(x), Some(y)) => numbers_equal(&x, &y),
            _ => false,
        },
    }
}

/// The `==` of a comparison, Python `jmespath`'s `_equals`: as
/// [`py_eq`], except that 0 and 1 never equal a boolean there.
pub(super) fn jmespath_eq(a: &Value<'_>, b: &Value<'_>) -> bool {
    let bool_vs_number = matches!(
        (a, b),
        (Value::Bool(_), Value::Int(_) | Value::Float(_))
            | (Value::Int(_) | Value::Float(_), Value::Bool(_))
    );
    !bool_vs_number && py_eq(a, b)
}

/// A number, or a boolean as the integer Python takes it for.
fn as_py_number<'a>(v: &Value<'a>) -> Option<Value<'a>> {
    match v {
        Value::Bool(b) => Some(Value::Int(i128::from(*b))),
        Value::Int(_) | Value::Float(_) => Some(v.clone()),
        _ => None,
    }
}

fn numbers_equal(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x == y,
        _ => a.as_f64() == b.as_f64(),
    }
}

/// Python's order of two numbers or two strings, which `<`, `sort()`,
/// `max()` and the `*_by()` functions use; None for other pairs (Python
/// refuses to order them).
pub(super) fn py_cmp(a: &Value<'_>, b: &Value<'_>) -> Option<Ordering> {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            a.as_f64()?.partial_cmp(&b.as_f64()?)
        }
        _ => None,
    }
}

/// `json.dumps(value, separators=(',', ':'))` as `to_string()` writes
/// it: members in order, non-ASCII escaped, floats as Python's `repr`.
pub(super) fn to_json(v: &Value<'_>) -> String {
    let mut out = String::new();
    write_json(v, &mut out);
    out
}

fn write_json(v: &Value<'_>, out: &mut String) {
    match v {
        Value::Null | Value::Expref(_) => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(n) => out.push_str(&n.to_string()),
        Value::Float(f) => out.push_str(&json_float(*f)),
        Value::Str(s) => sts_blocking::python_json::push_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Object(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                sts_blocking::python_json::push_string(out, k);
                out.push(':');
                write_json(v, out);
            }
            out.push('}');
        }
    }
}

/// A float as `json.dumps` writes it: `repr`, with `NaN` and
/// `Infinity` for the values JSON has no spelling for.
fn json_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_owned()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else {
        py_float(f)
    }
}

/// The value as Python's `str()` writes it, as the `jmespath` error
/// messages show it: a string bare, anything else as [`py_repr`].
pub(super) fn py_str(v: &Value<'_>) -> String {
    match v {
        Value::Str(s) => s.clone(),
        other => py_repr(other),
    }
}

/// The value as Python's `repr()` writes it: `'text'`, `True`, `None`,
/// `[1, 'a']`, `{'a': 1.5}`.
pub(super) fn py_repr(v: &Value<'_>) -> String {
    match v {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Int(n) => n.to_string(),
        Value::Float(f) if f.is_infinite() => if *f > 0.0 { "inf" } else { "-inf" }.to_owned(),
        Value::Float(f) => py_float(*f),
        Value::Str(s) => py_repr_str(s),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(py_repr).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{}: {}", py_repr_str(k), py_repr(v)))
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        Value::Expref(_) => "<jmespath.visitor._Expression object>".to_owned(),
    }
}

/// A string as Python's `repr()` quotes it: single quotes unless it
/// holds one and no double quote. Python escapes every character it does
/// not count as printable; this escapes those that would act on a
/// terminal rather than show (controls, line separators, bidirectional
/// controls: the text can be a server's, and reaches stderr), in
/// Python's forms.
fn py_repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_unshowable(c) => {
                let _ = match u32::from(c) {
                    n @ ..=0xff => write!(out, "\\x{n:02x}"),
                    n @ ..=0xffff => write!(out, "\\u{n:04x}"),
                    n => write!(out, "\\U{n:08x}"),
                };
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's name of the value's type (`type(v).__name__`), which some
/// `jmespath` messages show instead of the JMESPath name.
pub(super) fn py_type_name(v: &Value<'_>) -> &'static str {
    match v {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Float(_) => "float",
        Value::Str(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
        Value::Expref(_) => "_Expression",
    }
}

/// Python's `TypeError` for ordering values of two kinds, `op` one of
/// `<`, `<=`, `>`, `>=`.
pub(super) fn unorderable(op: &str, a: &Value<'_>, b: &Value<'_>) -> String {
    format!(
        "'{op}' not supported between instances of '{}' and '{}'",
        py_type_name(a),
        py_type_name(b)
    )
}

#[cfg(test)]
mod tests {
    use super::py_repr_str;

    /// As Python 3.11's `repr()` writes them.
    #[test]
    fn strings_are_quoted_as_python_quotes_them() {
        for (s, repr) in [
            ("plain", "'plain'"),
            ("it's", "\"it's\""),
            ("'\"", "'\\'\"'"),
            ("a\\b\n\r\t", "'a\\\\b\\n\\r\\t'"),
            ("\u{1b}[31m\u{7f}", "'\\x1b[31m\\x7f'"),
            // What would act on a terminal: a C1 control, a right-to-left
            // override, a line separator.
            ("\u{9b}2J", "'\\x9b2J'"),
            ("\u{202e}x\u{2028}", "'\\u202ex\\u2028'"),
            ("é日😀", "'é日😀'"),
        ] {
            assert_eq!(py_repr_str(s), repr, "{s:?}");
        }
    }
}
