//! `--query`: a JMESPath expression applied to the result before any
//! output format, as the AWS CLI applies it.
//!
//! The JMESPath crate keeps objects as sorted maps, but Python keeps
//! insertion order, and the AWS CLI's JSON shows it: a response's members
//! in the model's order, a multi-select hash's keys in the expression's.
//! Order is not only looks: `Credentials.*`, `values()` and `keys()` list
//! an object's members in its order, and a script reads them into
//! variables by position. So the search runs over a copy of the response
//! whose keys sort in the response's order (each carries its rank in a
//! prefix the expression's field names are given too), and the result
//! loses the prefixes again; each object of it then gets its order: the
//! keys of a multi-select hash of the expression in its order, any other
//! object's in the order the keys first appear in the response.

use std::collections::{BTreeMap, HashMap};

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
        let mut rank = HashMap::new();
        key_ranks(doc, &mut rank);
        let ranked = Ranked::new(&rank);
        let mut ast = self.expression.as_ast().clone();
        ranked.fields(&mut ast);
        let expression =
            jmespath::Expression::new(self.expression.as_str(), ast, &jmespath::DEFAULT_RUNTIME);
        let result = expression.search(ranked.json(doc)).map_err(|e| {
            Failure::Usage(format!(
                "argument --query: cannot apply it: {}",
                one_line(&e.to_string())
            ))
        })?;
        Ok(self.to_doc(&result, &ranked))
    }

    fn to_doc(&self, v: &Variable, ranked: &Ranked<'_>) -> Doc {
        match v {
            Variable::Null | Variable::Expref(_) => Doc::Null,
            Variable::Bool(b) => Doc::Bool(*b),
            Variable::String(s) => Doc::Str(ranked.plain_text(s)),
            Variable::Number(n) => match n.as_i64() {
                Some(i) => Doc::Int(i),
                None => Doc::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Variable::Array(items) => {
                Doc::Array(items.iter().map(|i| self.to_doc(i, ranked)).collect())
            }
            Variable::Object(ranked_map) => {
                // Keys without their rank, in the order the ranks gave.
                let map: BTreeMap<String, &jmespath::Rcvar> = ranked_map
                    .iter()
                    .map(|(k, v)| (ranked.plain(k).to_owned(), v))
                    .collect();
                let mut keys: Vec<&String> = map.keys().collect();
                let hash = self
                    .hashes
                    .iter()
                    .find(|h| h.len() == keys.len() && h.iter().all(|k| map.contains_key(k)));
                match hash {
                    Some(order) => {
                        keys.sort_by_key(|k| order.iter().position(|o| o == *k));
                    }
                    None => keys
                        .sort_by_key(|k| (ranked.rank.get(*k).copied().unwrap_or(usize::MAX), *k)),
                }
                Doc::Object(
                    keys.into_iter()
                        .filter_map(|k| map.get(k).map(|v| (k.clone(), self.to_doc(v, ranked))))
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

/// Keys that sort in the response's order: `\u{1}`, the key's rank in six
/// digits, the key. No STS response has a million distinct keys; one that
/// did would keep its keys as they are and sort them by name.
struct Ranked<'r> {
    rank: &'r HashMap<String, usize>,
    /// The keys by rank, to tell a prefix this made from text that only
    /// looks like one.
    by_rank: Vec<&'r str>,
}

/// What starts a ranked key; JSON text writes it `\u0001`.
const RANK_MARK: char = '\u{1}';
const RANK_DIGITS: usize = 6;

impl<'r> Ranked<'r> {
    fn new(rank: &'r HashMap<String, usize>) -> Self {
        let mut by_rank = vec![""; rank.len()];
        if rank.len() < 10usize.pow(RANK_DIGITS as u32) {
            for (k, &r) in rank {
                if let Some(slot) = by_rank.get_mut(r) {
                    *slot = k;
                }
            }
        } else {
            by_rank.clear();
        }
        Self { rank, by_rank }
    }

    /// `key` with its rank, or as it is when it has none.
    fn key(&self, key: &str) -> String {
        match self.rank.get(key) {
            Some(r) if !self.by_rank.is_empty() => format!("{RANK_MARK}{r:06}{key}"),
            _ => key.to_owned(),
        }
    }

    /// A key without the rank [`key`](Self::key) gave it.
    fn plain<'k>(&self, key: &'k str) -> &'k str {
        key.strip_prefix(RANK_MARK)
            .and_then(|rest| self.unranked(rest))
            .unwrap_or(key)
    }

    /// `digits` + key, checked against the rank table: the key.
    fn unranked<'k>(&self, rest: &'k str) -> Option<&'k str> {
        let key = self.ranked_key_at(rest)?;
        if rest.len() != RANK_DIGITS + key.len() {
            return None;
        }
        rest.get(RANK_DIGITS..)
    }

    /// The key whose rank's digits start `text` and which follows them.
    fn ranked_key_at(&self, text: &str) -> Option<&'r str> {
        let digits = text.get(..RANK_DIGITS)?;
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let key = *self.by_rank.get(digits.parse::<usize>().ok()?)?;
        text.get(RANK_DIGITS..)?.starts_with(key).then_some(key)
    }

    /// A string of the result without ranks: a key (from `keys()`), or
    /// JSON text (from `to_string()`) whose keys are written in it.
    fn plain_text(&self, text: &str) -> String {
        if let Some(rest) = text.strip_prefix(RANK_MARK)
            && let Some(key) = self.unranked(rest)
        {
            return key.to_owned();
        }
        const ESCAPED: &str = "\\u0001";
        if !text.contains(ESCAPED) {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find(ESCAPED) {
            let (before, from) = rest.split_at(at);
            out.push_str(before);
            let after = from.get(ESCAPED.len()..).unwrap_or_default();
            match self.ranked_key_at(after) {
                Some(_) => rest = after.get(RANK_DIGITS..).unwrap_or_default(),
                None => {
                    out.push_str(ESCAPED);
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// The expression's field names, ranked as the response's keys are.
    fn fields(&self, ast: &mut Ast) {
        match ast {
            Ast::Field { name, .. } => *name = self.key(name),
            Ast::MultiHash { elements, .. } => elements
                .iter_mut()
                .for_each(|kv| self.fields(&mut kv.value)),
            Ast::Comparison { lhs, rhs, .. }
            | Ast::Projection { lhs, rhs, .. }
            | Ast::And { lhs, rhs, .. }
            | Ast::Or { lhs, rhs, .. }
            | Ast::Subexpr { lhs, rhs, .. } => {
                self.fields(lhs);
                self.fields(rhs);
            }
            Ast::Condition {
                predicate, then, ..
            } => {
                self.fields(predicate);
                self.fields(then);
            }
            Ast::Expref { ast, .. } => self.fields(ast),
            Ast::Flatten { node, .. } | Ast::Not { node, .. } | Ast::ObjectValues { node, .. } => {
                self.fields(node)
            }
            Ast::Function { args, .. } => args.iter_mut().for_each(|a| self.fields(a)),
            Ast::MultiList { elements, .. } => elements.iter_mut().for_each(|a| self.fields(a)),
            Ast::Identity { .. } | Ast::Index { .. } | Ast::Literal { .. } | Ast::Slice { .. } => {}
        }
    }

    /// `doc` as JSON, its keys ranked.
    fn json(&self, doc: &Doc) -> serde_json::Value {
        use serde_json::Value;
        match doc {
            Doc::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (self.key(k), self.json(v)))
                    .collect(),
            ),
            Doc::Array(items) => Value::Array(items.iter().map(|i| self.json(i)).collect()),
            Doc::Str(s) => Value::String(s.clone()),
            Doc::Int(n) => Value::from(*n),
            Doc::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Doc::Bool(b) => Value::Bool(*b),
            Doc::Null => Value::Null,
        }
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

    fn applied(query: &str, doc: &Doc) -> Doc {
        Query::compile(query)
            .unwrap_or_else(|_| panic!("{query} compiles"))
            .apply(doc)
            .unwrap_or_else(|_| panic!("{query} applies"))
    }

    fn strs(items: &[&str]) -> Doc {
        Doc::Array(items.iter().map(|s| Doc::Str((*s).into())).collect())
    }

    /// Members listed from an object come in the response's order, not by
    /// name: scripts read `Credentials.*` into variables by position.
    #[test]
    fn values_and_keys_come_in_the_response_order() {
        let doc = Doc::Object(vec![(
            "Credentials".into(),
            Doc::Object(vec![
                ("AccessKeyId".into(), Doc::Str("ASIA".into())),
                ("SecretAccessKey".into(), Doc::Str("secret".into())),
                ("SessionToken".into(), Doc::Str("token".into())),
                ("Expiration".into(), Doc::Str("2030".into())),
            ]),
        )]);
        let values = strs(&["ASIA", "secret", "token", "2030"]);
        assert_eq!(applied("Credentials.*", &doc), values);
        assert_eq!(applied("values(Credentials)", &doc), values);
        assert_eq!(
            applied("keys(Credentials)", &doc),
            strs(&[
                "AccessKeyId",
                "SecretAccessKey",
                "SessionToken",
                "Expiration"
            ])
        );
        assert_eq!(applied("*.Expiration", &doc), strs(&["2030"]));
        assert_eq!(
            applied("to_string(Credentials)", &doc),
            Doc::Str(
                r#"{"AccessKeyId":"ASIA","SecretAccessKey":"secret","SessionToken":"token","Expiration":"2030"}"#
                    .into()
            )
        );
        // Fields the response does not have, and comparisons with values,
        // work as before.
        assert_eq!(applied("Credentials.Missing", &doc), Doc::Null);
        assert_eq!(
            applied("Credentials.AccessKeyId == 'ASIA'", &doc),
            Doc::Bool(true)
        );
    }

    #[test]
    fn text_that_only_looks_ranked_is_left_alone() {
        let doc = Doc::Object(vec![
            ("A".into(), Doc::Str("\u{1}000000A".into())),
            ("B".into(), Doc::Str("\u{1}000001X".into())),
        ]);
        // A value is never taken for a key, even one spelled like a
        // ranked key of the response.
        assert_eq!(applied("B", &doc), Doc::Str("\u{1}000001X".into()));
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
