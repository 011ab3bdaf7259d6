//! The interpreter: Python `jmespath`'s `TreeInterpreter` over the
//! `jmespath` crate's syntax tree, on [`Value`]s that keep the order of
//! objects and the kind of numbers as Python does.

use std::cell::Cell;
use std::collections::HashMap;

use jmespath::ast::{Ast, Comparator, KeyValuePair};

use super::functions;
use super::value::{Value, jmespath_eq, py_cmp, unorderable};

/// How much evaluation may make, in [`Value::weight`] units (about bytes),
/// counted over every value each node of the expression gives: a short
/// expression can double its data at each step (`[@,@]|[@,@]|…`, 131
/// bytes of it took 45 s and 7 GiB), and the tree's depth bound does not
/// stop that. An STS answer is a few KiB, so a real query spends a few
/// MiB at most.
pub(super) const BUDGET: usize = 64 << 20;

/// What evaluation reads besides the data: the expression's literals as
/// [`literal`](super::literal) read them, by offset; and what it has made
/// so far, against [`BUDGET`].
pub(super) struct Evaluator<'a> {
    pub(super) literals: &'a HashMap<usize, Value<'static>>,
    pub(super) spent: Cell<usize>,
}

pub(super) type Result<T> = std::result::Result<T, String>;

impl<'a> Evaluator<'a> {
    /// An evaluator with the expression's `literals` and nothing spent.
    pub(super) fn new(literals: &'a HashMap<usize, Value<'static>>) -> Self {
        Self {
            literals,
            spent: Cell::new(0),
        }
    }

    /// `node` applied to `data`, its result counted against [`BUDGET`]
    /// (each node's, so a value being built up fails as soon as its parts
    /// are too many). The recursion follows the tree, whose depth
    /// [`compile`](super::Query::compile) bounds.
    pub(super) fn eval(&self, node: &'a Ast, data: &Value<'a>) -> Result<Value<'a>> {
        let value = self.value_of(node, data)?;
        self.charge(value.weight())?;
        Ok(value)
    }

    /// Counts `weight` against [`BUDGET`]. A function that can make much
    /// more than its arguments weigh in one step (`join` repeats its
    /// separator, `to_string` escapes) charges what it will make before
    /// making it.
    pub(super) fn charge(&self, weight: usize) -> Result<()> {
        let spent = self.spent.get().saturating_add(weight);
        self.spent.set(spent);
        match spent > BUDGET {
            true => Err(format!(
                "the query makes more than {} MiB of values; it is refused",
                BUDGET >> 20
            )),
            false => Ok(()),
        }
    }

    fn value_of(&self, node: &'a Ast, data: &Value<'a>) -> Result<Value<'a>> {
        Ok(match node {
            Ast::Identity { .. } => data.clone(),
            Ast::Field { name, .. } => data.field(name),
            Ast::Subexpr { lhs, rhs, .. } => self.eval(rhs, &self.eval(lhs, data)?)?,
            Ast::Literal { offset, value } => self
                .literals
                .get(offset)
                .cloned()
                .unwrap_or_else(|| Value::from_variable(value)),
            Ast::Index { idx, .. } => index(data, *idx),
            Ast::Slice {
                start, stop, step, ..
            } => slice(data, *start, *stop, *step)?,
            Ast::Or { lhs, rhs, .. } => {
                let left = self.eval(lhs, data)?;
                if left.is_truthy() {
                    left
                } else {
                    self.eval(rhs, data)?
                }
            }
            Ast::And { lhs, rhs, .. } => {
                let left = self.eval(lhs, data)?;
                if left.is_truthy() {
                    self.eval(rhs, data)?
                } else {
                    left
                }
            }
            Ast::Not { node, .. } => Value::Bool(!self.eval(node, data)?.is_truthy()),
            Ast::Condition {
                predicate, then, ..
            } => {
                if self.eval(predicate, data)?.is_truthy() {
                    self.eval(then, data)?
                } else {
                    Value::Null
                }
            }
            Ast::Comparison {
                comparator,
                lhs,
                rhs,
                ..
            } => compare(comparator, &self.eval(lhs, data)?, &self.eval(rhs, data)?)?,
            Ast::ObjectValues { node, .. } => match self.eval(node, data)? {
                Value::Object(fields) => Value::Array(fields.into_iter().map(|(_, v)| v).collect()),
                _ => Value::Null,
            },
            Ast::Projection { lhs, rhs, .. } => self.projection(lhs, rhs, data)?,
            Ast::Flatten { node, .. } => flatten(self.eval(node, data)?),
            Ast::MultiList { elements, .. } => match data {
                Value::Null => Value::Null,
                _ => Value::Array(
                    elements
                        .iter()
                        .map(|e| self.eval(e, data))
                        .collect::<Result<_>>()?,
                ),
            },
            Ast::MultiHash { elements, .. } => self.multi_hash(elements, data)?,
            Ast::Function { name, args, .. } => {
                let args = args
                    .iter()
                    .map(|a| self.eval(a, data))
                    .collect::<Result<Vec<_>>>()?;
                functions::call(self, name, args)?
            }
            Ast::Expref { ast, .. } => Value::Expref(ast),
        })
    }

    /// `rhs` applied to each element of the array `lhs` gives, the nulls
    /// left out; null when `lhs` gives no array.
    fn projection(&self, lhs: &'a Ast, rhs: &'a Ast, data: &Value<'a>) -> Result<Value<'a>> {
        let Value::Array(items) = self.eval(lhs, data)? else {
            return Ok(Value::Null);
        };
        let mut out = Vec::with_capacity(items.len());
        for item in &items {
            let v = self.eval(rhs, item)?;
            if !v.is_null() {
                out.push(v);
            }
        }
        Ok(Value::Array(out))
    }

    /// `{k: expr, ...}`: the keys in the expression's order, as a Python
    /// dict has them (a repeated key keeps its first place).
    fn multi_hash(&self, elements: &'a [KeyValuePair], data: &Value<'a>) -> Result<Value<'a>> {
        if data.is_null() {
            return Ok(Value::Null);
        }
        let mut fields: Vec<(String, Value<'a>)> = Vec::with_capacity(elements.len());
        for kv in elements {
            let v = self.eval(&kv.value, data)?;
            insert(&mut fields, kv.key.clone(), v);
        }
        Ok(Value::Object(fields))
    }
}

/// A dict's `d[key] = value`: a new key goes last, a known one keeps its
/// place.
pub(super) fn insert<'a>(fields: &mut Vec<(String, Value<'a>)>, key: String, value: Value<'a>) {
    match fields.iter_mut().find(|(k, _)| *k == key) {
        Some((_, slot)) => *slot = value,
        None => fields.push((key, value)),
    }
}

/// `==` and `!=` on any values; the orderings on two numbers or two
/// strings, null when either side is neither, and Python's `TypeError`
/// for a number against a string.
fn compare<'a>(comparator: &Comparator, a: &Value<'a>, b: &Value<'a>) -> Result<Value<'a>> {
    use std::cmp::Ordering::{Greater, Less};
    let (op, accept): (&str, fn(std::cmp::Ordering) -> bool) = match comparator {
        Comparator::Equal => return Ok(Value::Bool(jmespath_eq(a, b))),
        Comparator::NotEqual => return Ok(Value::Bool(!jmespath_eq(a, b))),
        Comparator::LessThan => ("<", |o| o == Less),
        Comparator::LessThanEqual => ("<=", |o| o != Greater),
        Comparator::GreaterThan => (">", |o| o == Greater),
        Comparator::GreaterThanEqual => (">=", |o| o != Less),
    };
    let comparable = |v: &Value<'_>| matches!(v, Value::Int(_) | Value::Float(_) | Value::Str(_));
    if !comparable(a) || !comparable(b) {
        return Ok(Value::Null);
    }
    match py_cmp(a, b) {
        Some(order) => Ok(Value::Bool(accept(order))),
        None if a.as_f64().is_some() && b.as_f64().is_some() => Ok(Value::Bool(false)),
        None => Err(unorderable(op, a, b)),
    }
}

/// `[i]` on an array, from the end when negative; null otherwise.
fn index<'a>(data: &Value<'a>, idx: i32) -> Value<'a> {
    let Value::Array(items) = data else {
        return Value::Null;
    };
    let at = if idx >= 0 {
        usize::try_from(idx).ok()
    } else {
        items.len().checked_sub(idx.unsigned_abs() as usize)
    };
    at.and_then(|i| items.get(i))
        .cloned()
        .unwrap_or(Value::Null)
}

/// `[start:stop:step]` on an array as Python slices a list; null for
/// anything else, even with a step of zero.
fn slice<'a>(
    data: &Value<'a>,
    start: Option<i32>,
    stop: Option<i32>,
    step: i32,
) -> Result<Value<'a>> {
    let Value::Array(items) = data else {
        return Ok(Value::Null);
    };
    // Python's `slice` refuses a zero step only when a list is sliced:
    // anything else gives null first.
    if step == 0 {
        return Err("slice step cannot be zero".to_owned());
    }
    let len = items.len() as i64;
    let step = i64::from(step);
    let (lower, upper) = if step > 0 { (0, len) } else { (-1, len - 1) };
    let bound = |given: Option<i32>, default: i64| match given {
        None => default,
        Some(i) => {
            let i = i64::from(i);
            let i = if i < 0 { i + len } else { i };
            i.clamp(lower, upper)
        }
    };
    let (from, to) = if step > 0 {
        (bound(start, lower), bound(stop, upper))
    } else {
        (bound(start, upper), bound(stop, lower))
    };
    let mut out = Vec::new();
    let mut i = from;
    while (step > 0 && i < to) || (step < 0 && i > to) {
        if let Some(item) = usize::try_from(i).ok().and_then(|i| items.get(i)) {
            out.push(item.clone());
        }
        i += step;
    }
    Ok(Value::Array(out))
}

/// `[]`: an array with its arrays' elements in their place; null for
/// anything else.
fn flatten(v: Value<'_>) -> Value<'_> {
    let Value::Array(items) = v else {
        return Value::Null;
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Value::Array(inner) => out.extend(inner),
            other => out.push(other),
        }
    }
    Value::Array(out)
}
