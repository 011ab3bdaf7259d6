//! `--query`: a JMESPath expression applied to the result before any
//! output format, as the AWS CLI applies it.
//!
//! The JMESPath crate keeps objects as sorted maps, but Python keeps
//! insertion order, and the AWS CLI's JSON shows it: a response's members
//! in the model's order, a multi-select hash's keys in the expression's.
//! So each object of the result gets that order back: the keys of a
//! multi-select hash of the expression in its order, any other object's
//! in the order the keys first appear in the response.

use std::collections::HashMap;

use jmespath::Variable;
use jmespath::ast::Ast;

use crate::Failure;
use crate::render::Doc;

/// A compiled `--query`, with the key orders of its multi-select hashes.
pub(crate) struct Query {
    expression: jmespath::Expression<'static>,
    hashes: Vec<Vec<String>>,
}

impl Query {
    /// Compiles `text`; an invalid expression is command syntax, named
    /// with the flag as the AWS CLI names it.
    pub(crate) fn compile(text: &str) -> Result<Self, Failure> {
        let expression = jmespath::compile(text).map_err(|e| {
            Failure::Usage(format!(
                "argument --query: Bad value for --query {text}: {}",
                one_line(&e.to_string())
            ))
        })?;
        let mut hashes = Vec::new();
        collect_hashes(expression.as_ast(), &mut hashes);
        Ok(Self { expression, hashes })
    }

    /// The expression applied to `doc`.
    pub(crate) fn apply(&self, doc: &Doc) -> Result<Doc, Failure> {
        let result = self.expression.search(to_json(doc)).map_err(|e| {
            Failure::Usage(format!(
                "argument --query: cannot apply it: {}",
                one_line(&e.to_string())
            ))
        })?;
        let mut rank = HashMap::new();
        key_ranks(doc, &mut rank);
        Ok(self.to_doc(&result, &rank))
    }

    fn to_doc(&self, v: &Variable, rank: &HashMap<String, usize>) -> Doc {
        match v {
            Variable::Null | Variable::Expref(_) => Doc::Null,
            Variable::Bool(b) => Doc::Bool(*b),
            Variable::String(s) => Doc::Str(s.clone()),
            Variable::Number(n) => match n.as_i64() {
                Some(i) => Doc::Int(i),
                None => Doc::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Variable::Array(items) => {
                Doc::Array(items.iter().map(|i| self.to_doc(i, rank)).collect())
            }
            Variable::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                let hash = self
                    .hashes
                    .iter()
                    .find(|h| h.len() == keys.len() && h.iter().all(|k| map.contains_key(k)));
                match hash {
                    Some(order) => {
                        keys.sort_by_key(|k| order.iter().position(|o| o == *k));
                    }
                    None => keys.sort_by_key(|k| (rank.get(*k).copied().unwrap_or(usize::MAX), *k)),
                }
                Doc::Object(
                    keys.into_iter()
                        .filter_map(|k| map.get(k).map(|v| (k.clone(), self.to_doc(v, rank))))
                        .collect(),
                )
            }
        }
    }
}

/// JMESPath's error text spans lines (the expression, a caret under the
/// fault); stderr gets one line.
fn one_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or_default()
        .trim_end()
        .to_owned()
}

/// Each key's first position in a depth-first walk of the response.
fn key_ranks(doc: &Doc, rank: &mut HashMap<String, usize>) {
    match doc {
        Doc::Object(fields) => {
            for (k, v) in fields {
                let next = rank.len();
                rank.entry(k.clone()).or_insert(next);
                key_ranks(v, rank);
            }
        }
        Doc::Array(items) => items.iter().for_each(|i| key_ranks(i, rank)),
        _ => {}
    }
}

/// The key lists of every multi-select hash in the expression.
fn collect_hashes(ast: &Ast, out: &mut Vec<Vec<String>>) {
    match ast {
        Ast::MultiHash { elements, .. } => {
            out.push(elements.iter().map(|kv| kv.key.clone()).collect());
            elements
                .iter()
                .for_each(|kv| collect_hashes(&kv.value, out));
        }
        Ast::Comparison { lhs, rhs, .. }
        | Ast::Projection { lhs, rhs, .. }
        | Ast::And { lhs, rhs, .. }
        | Ast::Or { lhs, rhs, .. }
        | Ast::Subexpr { lhs, rhs, .. } => {
            collect_hashes(lhs, out);
            collect_hashes(rhs, out);
        }
        Ast::Condition {
            predicate, then, ..
        } => {
            collect_hashes(predicate, out);
            collect_hashes(then, out);
        }
        Ast::Expref { ast, .. } => collect_hashes(ast, out),
        Ast::Flatten { node, .. } | Ast::Not { node, .. } | Ast::ObjectValues { node, .. } => {
            collect_hashes(node, out)
        }
        Ast::Function { args, .. } => args.iter().for_each(|a| collect_hashes(a, out)),
        Ast::MultiList { elements, .. } => elements.iter().for_each(|a| collect_hashes(a, out)),
        Ast::Identity { .. }
        | Ast::Field { .. }
        | Ast::Index { .. }
        | Ast::Literal { .. }
        | Ast::Slice { .. } => {}
    }
}

fn to_json(doc: &Doc) -> serde_json::Value {
    use serde_json::Value;
    match doc {
        Doc::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
        Doc::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        Doc::Str(s) => Value::String(s.clone()),
        Doc::Int(n) => Value::from(*n),
        Doc::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Doc::Bool(b) => Value::Bool(*b),
        Doc::Null => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Doc {
        Doc::Object(vec![
            (
                "Credentials".into(),
                Doc::Object(vec![
                    ("AccessKeyId".into(), Doc::Str("ASIA".into())),
                    ("SecretAccessKey".into(), Doc::Str("s".into())),
                ]),
            ),
            ("PackedPolicySize".into(), Doc::Int(6)),
        ])
    }

    #[test]
    fn objects_keep_the_response_order_and_hashes_the_expression_order() {
        let q = Query::compile("Credentials").unwrap_or_else(|_| panic!("compiles"));
        let Ok(Doc::Object(fields)) = q.apply(&doc()) else {
            panic!("an object")
        };
        let keys: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["AccessKeyId", "SecretAccessKey"]);
        let q = Query::compile("{z: PackedPolicySize, a: Credentials.AccessKeyId}")
            .unwrap_or_else(|_| panic!("compiles"));
        let Ok(Doc::Object(fields)) = q.apply(&doc()) else {
            panic!("an object")
        };
        let keys: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["z", "a"]);
    }

    #[test]
    fn a_bad_expression_names_the_flag() {
        let Err(Failure::Usage(m)) = Query::compile("Credentials[") else {
            panic!("rejected as usage")
        };
        assert!(
            m.starts_with("argument --query: Bad value for --query Credentials["),
            "{m}"
        );
    }
}
