//! The JMESPath builtins as Python `jmespath`'s `functions.py` has them,
//! signatures and type checks included. Keys and values come in the
//! object's order; numbers keep their kind (`floor()` gives an integer).

use std::cmp::Ordering;

use jmespath::ast::Ast;

use super::eval::{Evaluator, Result, insert};
use super::value::{Value, py_cmp, py_eq, py_str, py_type_name, to_json, unorderable};

/// Each argument's allowed types (empty: any), and whether the last one
/// repeats.
struct Signature {
    args: &'static [&'static [&'static str]],
    variadic: bool,
}

const NUMBER: &[&str] = &["number"];
const STRING: &[&str] = &["string"];
const OBJECT: &[&str] = &["object"];
const ARRAY: &[&str] = &["array"];
const ANY: &[&str] = &[];
const EXPREF: &[&str] = &["expref"];
const NUMBERS_OR_STRINGS: &[&str] = &["array-number", "array-string"];
const STRINGS_OR_NUMBERS: &[&str] = &["array-string", "array-number"];

fn signature(name: &str) -> Option<Signature> {
    let (args, variadic): (&'static [&'static [&'static str]], bool) = match name {
        "abs" | "ceil" | "floor" => (&[NUMBER], false),
        "avg" | "sum" => (&[&["array-number"]], false),
        "contains" => (&[&["array", "string"], ANY], false),
        "ends_with" | "starts_with" => (&[STRING, STRING], false),
        "join" => (&[STRING, &["array-string"]], false),
        "keys" | "values" => (&[OBJECT], false),
        "length" => (&[&["string", "array", "object"]], false),
        "map" => (&[EXPREF, ARRAY], false),
        "max" | "min" => (&[NUMBERS_OR_STRINGS], false),
        "sort" => (&[STRINGS_OR_NUMBERS], false),
        "max_by" | "min_by" | "sort_by" => (&[ARRAY, EXPREF], false),
        "merge" => (&[OBJECT], true),
        "not_null" => (&[ANY], true),
        "reverse" => (&[&["array", "string"]], false),
        "to_array" | "to_number" | "to_string" | "type" => (&[ANY], false),
        _ => return None,
    };
    Some(Signature { args, variadic })
}

/// `name(args...)`, its arguments checked first as Python checks them.
pub(super) fn call<'a>(ev: &Evaluator<'a>, name: &str, args: Vec<Value<'a>>) -> Result<Value<'a>> {
    let sig = signature(name).ok_or_else(|| format!("Unknown function: {name}()"))?;
    check_arity(name, &sig, args.len())?;
    for (i, arg) in args.iter().enumerate() {
        let types = sig.args.get(i).or(sig.args.last()).copied().unwrap_or(ANY);
        check_type(name, arg, types)?;
    }
    match name {
        "merge" => Ok(merge(args)),
        "not_null" => Ok(args
            .into_iter()
            .find(|v| !v.is_null())
            .unwrap_or(Value::Null)),
        _ => fixed(ev, name, args),
    }
}

/// A function of a fixed number of arguments, already checked.
fn fixed<'a>(ev: &Evaluator<'a>, name: &str, args: Vec<Value<'a>>) -> Result<Value<'a>> {
    let mut args = args.into_iter();
    let mut next = || args.next().unwrap_or(Value::Null);
    Ok(match name {
        "abs" => abs(next()),
        "avg" => avg(next()),
        "ceil" => round(next(), f64::ceil),
        "floor" => round(next(), f64::floor),
        "contains" => contains(&next(), &next())?,
        "ends_with" => strings(next(), next(), |s, t| s.ends_with(t)),
        "starts_with" => strings(next(), next(), |s, t| s.starts_with(t)),
        "join" => join(ev, next(), next())?,
        "keys" => keys(next()),
        "values" => values(next()),
        "length" => length(&next()),
        "map" => map(ev, next(), next())?,
        "max" => extreme(next(), Ordering::Greater),
        "min" => extreme(next(), Ordering::Less),
        "sort" => sort(next()),
        "max_by" => extreme_by(ev, name, next(), next(), Ordering::Greater)?,
        "min_by" => extreme_by(ev, name, next(), next(), Ordering::Less)?,
        "sort_by" => sort_by(ev, next(), next())?,
        "reverse" => reverse(next()),
        "sum" => sum(next()),
        "to_array" => match next() {
            a @ Value::Array(_) => a,
            other => Value::Array(vec![other]),
        },
        "to_number" => to_number(next()),
        "to_string" => match next() {
            s @ Value::Str(_) => s,
            other => {
                // At most six bytes of JSON for each byte it weighs
                // (`\u00XX`), charged before it is written.
                ev.charge(other.weight().saturating_mul(6))?;
                Value::Str(to_json(&other))
            }
        },
        "type" => Value::Str(next().type_name().to_owned()),
        _ => Value::Null,
    })
}

fn check_arity(name: &str, sig: &Signature, given: usize) -> Result<()> {
    let wanted = sig.args.len();
    let plural = if wanted == 1 { "argument" } else { "arguments" };
    if sig.variadic && given < wanted {
        return Err(format!(
            "Expected at least {wanted} {plural} for function {name}(), received {given}"
        ));
    }
    if !sig.variadic && given != wanted {
        return Err(format!(
            "Expected {wanted} {plural} for function {name}(), received {given}"
        ));
    }
    Ok(())
}

/// Python's `_type_check_single`: the value's type is one of `types`; an
/// `array-T` type also wants every element of type T, and with two such
/// types the first element picks which. The message names the value's
/// JMESPath type, an element's Python type, as Python's does.
fn check_type(name: &str, v: &Value<'_>, types: &[&str]) -> Result<()> {
    if types.is_empty() {
        return Ok(());
    }
    let base = |t: &str| t.split('-').next().unwrap_or(t).to_owned();
    if !types.iter().any(|t| base(t) == v.type_name()) {
        return Err(type_error(name, v, v.type_name(), types));
    }
    let subtypes: Vec<&str> = types
        .iter()
        .filter_map(|t| t.split_once('-'))
        .map(|(_, s)| s)
        .collect();
    let Value::Array(items) = v else {
        return Ok(());
    };
    let Some(first) = items.first() else {
        return Ok(());
    };
    let element_error = |bad: &Value<'_>| type_error(name, bad, py_type_name(bad), types);
    let wanted = match subtypes.as_slice() {
        [] => return Ok(()),
        [only] => *only,
        _ => subtypes
            .iter()
            .find(|s| **s == first.type_name())
            .copied()
            .ok_or_else(|| element_error(first))?,
    };
    match items.iter().find(|i| i.type_name() != wanted) {
        Some(bad) => Err(element_error(bad)),
        None => Ok(()),
    }
}

/// Python `jmespath`'s `JMESPathTypeError` text.
fn type_error(name: &str, value: &Value<'_>, received: &str, expected: &[&str]) -> String {
    let expected: Vec<String> = expected.iter().map(|t| format!("'{t}'")).collect();
    format!(
        "In function {name}(), invalid type for value: {}, expected one of: [{}], \
         received: \"{received}\"",
        py_str(value),
        expected.join(", "),
    )
}

fn abs(v: Value<'_>) -> Value<'_> {
    match v {
        Value::Int(n) => n
            .checked_abs()
            .map_or(Value::Float((n as f64).abs()), Value::Int),
        Value::Float(f) => Value::Float(f.abs()),
        other => other,
    }
}

/// `math.ceil` and `math.floor`: an integer, also from a float (a float
/// beyond i128, or not finite, stays a float).
fn round(v: Value<'_>, f: fn(f64) -> f64) -> Value<'_> {
    match v {
        Value::Float(x) => {
            let r = f(x);
            // 2^127: every integral float below it in size is an i128.
            if r.is_finite() && r.abs() < 2f64.powi(127) {
                Value::Int(r as i128)
            } else {
                Value::Float(r)
            }
        }
        other => other,
    }
}

fn numbers(v: Value<'_>) -> Vec<Value<'_>> {
    match v {
        Value::Array(items) => items,
        _ => Vec::new(),
    }
}

/// Python's `sum()`: integers add as integers until a float joins.
fn sum(v: Value<'_>) -> Value<'_> {
    numbers(v)
        .into_iter()
        .fold(Value::Int(0), |acc, n| match (&acc, &n) {
            (Value::Int(a), Value::Int(b)) => a
                .checked_add(*b)
                .map_or(Value::Float(*a as f64 + *b as f64), Value::Int),
            _ => Value::Float(acc.as_f64().unwrap_or(0.0) + n.as_f64().unwrap_or(0.0)),
        })
}

/// The mean, always a float (Python's `/`); null for no numbers.
fn avg(v: Value<'_>) -> Value<'_> {
    let items = numbers(v);
    if items.is_empty() {
        return Value::Null;
    }
    let count = items.len() as f64;
    match sum(Value::Array(items)).as_f64() {
        Some(total) => Value::Float(total / count),
        None => Value::Null,
    }
}

/// Python's `search in subject`: an element equal to `search`, or a
/// substring; Python refuses a non-string in a string.
fn contains<'a>(subject: &Value<'a>, search: &Value<'a>) -> Result<Value<'a>> {
    match (subject, search) {
        (Value::Array(items), _) => Ok(Value::Bool(items.iter().any(|i| py_eq(i, search)))),
        (Value::Str(s), Value::Str(t)) => Ok(Value::Bool(s.contains(t.as_str()))),
        (_, other) => Err(format!(
            "'in <string>' requires string as left operand, not {}",
            py_type_name(other)
        )),
    }
}

fn strings<'a>(a: Value<'a>, b: Value<'a>, f: fn(&str, &str) -> bool) -> Value<'a> {
    match (a, b) {
        (Value::Str(s), Value::Str(t)) => Value::Bool(f(&s, &t)),
        _ => Value::Null,
    }
}

/// `join(separator, strings)`: the length it will make (the separator
/// once between each two) is charged before the string is built.
fn join<'a>(ev: &Evaluator<'a>, separator: Value<'a>, items: Value<'a>) -> Result<Value<'a>> {
    let (Value::Str(sep), Value::Array(items)) = (separator, items) else {
        return Ok(Value::Null);
    };
    let parts: Vec<String> = items
        .into_iter()
        .filter_map(|i| match i {
            Value::Str(s) => Some(s),
            _ => None,
        })
        .collect();
    let made = parts
        .iter()
        .fold(0usize, |sum, part| sum.saturating_add(part.len()))
        .saturating_add(sep.len().saturating_mul(parts.len().saturating_sub(1)));
    ev.charge(made)?;
    Ok(Value::Str(parts.join(&sep)))
}

fn keys(v: Value<'_>) -> Value<'_> {
    match v {
        Value::Object(fields) => {
            Value::Array(fields.into_iter().map(|(k, _)| Value::Str(k)).collect())
        }
        _ => Value::Null,
    }
}

fn values(v: Value<'_>) -> Value<'_> {
    match v {
        Value::Object(fields) => Value::Array(fields.into_iter().map(|(_, v)| v).collect()),
        _ => Value::Null,
    }
}

/// Characters (code points, as Python counts), elements or members.
fn length<'a>(v: &Value<'a>) -> Value<'a> {
    let n = match v {
        Value::Str(s) => s.chars().count(),
        Value::Array(a) => a.len(),
        Value::Object(o) => o.len(),
        _ => return Value::Null,
    };
    Value::Int(n as i128)
}

fn map<'a>(ev: &Evaluator<'a>, expref: Value<'a>, items: Value<'a>) -> Result<Value<'a>> {
    let (Value::Expref(ast), Value::Array(items)) = (expref, items) else {
        return Ok(Value::Null);
    };
    let out = items
        .iter()
        .map(|i| ev.eval(ast, i))
        .collect::<Result<Vec<_>>>()?;
    Ok(Value::Array(out))
}

/// Python's `max()` or `min()`: the first of the greatest (or least).
fn extreme(v: Value<'_>, wanted: Ordering) -> Value<'_> {
    let mut best: Option<Value<'_>> = None;
    for item in numbers(v) {
        let better = best
            .as_ref()
            .is_none_or(|b| py_cmp(&item, b) == Some(wanted));
        if better {
            best = Some(item);
        }
    }
    best.unwrap_or(Value::Null)
}

/// `max_by`/`min_by`: the first element whose key is the greatest (or
/// least); each key must be a number or a string.
fn extreme_by<'a>(
    ev: &Evaluator<'a>,
    name: &str,
    items: Value<'a>,
    expref: Value<'a>,
    wanted: Ordering,
) -> Result<Value<'a>> {
    let (Value::Array(items), Value::Expref(ast)) = (items, expref) else {
        return Ok(Value::Null);
    };
    let mut best: Option<(Value<'a>, Value<'a>)> = None;
    for item in items {
        let key = sort_key(ev, name, ast, &item, &["number", "string"])?;
        let better = match &best {
            None => true,
            Some((best_key, _)) => {
                let op = if wanted == Ordering::Greater {
                    ">"
                } else {
                    "<"
                };
                let order =
                    py_cmp(&key, best_key).ok_or_else(|| unorderable(op, &key, best_key))?;
                order == wanted
            }
        };
        if better {
            best = Some((key, item));
        }
    }
    Ok(best.map_or(Value::Null, |(_, item)| item))
}

/// The key `ast` gives `item`, of one of the `allowed` types.
fn sort_key<'a>(
    ev: &Evaluator<'a>,
    name: &str,
    ast: &'a Ast,
    item: &Value<'a>,
    allowed: &[&str],
) -> Result<Value<'a>> {
    let key = ev.eval(ast, item)?;
    if allowed.contains(&key.type_name()) {
        Ok(key)
    } else {
        Err(type_error(name, &key, key.type_name(), allowed))
    }
}

/// Python's `sorted()`, stable, of numbers or of strings.
fn sort(v: Value<'_>) -> Value<'_> {
    let mut items = numbers(v);
    items.sort_by(|a, b| py_cmp(a, b).unwrap_or(Ordering::Equal));
    Value::Array(items)
}

/// Stable, by keys all of the type of the first element's key.
fn sort_by<'a>(ev: &Evaluator<'a>, items: Value<'a>, expref: Value<'a>) -> Result<Value<'a>> {
    let (Value::Array(items), Value::Expref(ast)) = (items, expref) else {
        return Ok(Value::Null);
    };
    let Some(first) = items.first() else {
        return Ok(Value::Array(items));
    };
    // Python names the element, not its key, when the first key is of
    // neither type.
    let first_type = ev.eval(ast, first)?.type_name();
    if !matches!(first_type, "number" | "string") {
        return Err(type_error(
            "sort_by",
            first,
            first_type,
            &["string", "number"],
        ));
    }
    let mut keyed = Vec::with_capacity(items.len());
    for item in items {
        keyed.push((sort_key(ev, "sort_by", ast, &item, &[first_type])?, item));
    }
    keyed.sort_by(|(a, _), (b, _)| py_cmp(a, b).unwrap_or(Ordering::Equal));
    Ok(Value::Array(
        keyed.into_iter().map(|(_, item)| item).collect(),
    ))
}

/// `dict.update` in turn: the first object's members in its order, then
/// each new key in its object's order; a later value replaces an earlier
/// one in its place.
fn merge(objects: Vec<Value<'_>>) -> Value<'_> {
    let mut fields = Vec::new();
    for object in objects {
        if let Value::Object(more) = object {
            for (k, v) in more {
                insert(&mut fields, k, v);
            }
        }
    }
    Value::Object(fields)
}

fn reverse(v: Value<'_>) -> Value<'_> {
    match v {
        Value::Str(s) => Value::Str(s.chars().rev().collect()),
        Value::Array(mut items) => {
            items.reverse();
            Value::Array(items)
        }
        other => other,
    }
}

/// Python's `int(s)`, else `float(s)`, of a string; a number as it is;
/// null for anything else.
fn to_number(v: Value<'_>) -> Value<'_> {
    match v {
        Value::Int(_) | Value::Float(_) => v,
        Value::Str(s) => {
            let t = s.trim();
            let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
            let integer = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
            match (integer, t.parse::<i128>(), t.parse::<f64>()) {
                (true, Ok(n), _) => Value::Int(n),
                (_, _, Ok(f)) => Value::Float(f),
                _ => Value::Null,
            }
        }
        _ => Value::Null,
    }
}
