//! `--query`: a JMESPath expression applied to the result before any
//! output format, as the AWS CLI (Python `jmespath`) applies it.
//!
//! The `jmespath` crate parses the expression; [`eval`] runs it, not the
//! crate's interpreter, whose objects are sorted maps and whose numbers
//! are `serde_json`'s. Python keeps a dict's insertion order, and the AWS
//! CLI's output shows it: a response's members in the model's order, a
//! multi-select hash's keys in the expression's, a literal's in its text,
//! `merge()`'s as `dict.update` leaves them. Order is not only looks:
//! `Credentials.*`, `values()` and `keys()` list members in it, and a
//! script reads them into variables by position. Python's numbers are
//! integers or floats: `floor()` gives an integer, `` `-0` `` is 0.
//!
//! No expression may crash the tool: the parser and [`eval`] recurse, so
//! an expression is refused, before any call, when it has more operator
//! characters than [`MAX_OPERATORS`] or a tree deeper than
//! [`MAX_DEPTH`]; both run on a thread with a stack of [`STACK_BYTES`].

#[cfg(test)]
mod compliance;
mod eval;
mod functions;
mod literal;
mod value;

use std::collections::HashMap;

use jmespath::ast::Ast;

use crate::Failure;
use crate::render::Doc;
use eval::Evaluator;
use value::Value;

/// The most operator characters (outside quotes and literals) an
/// expression may have. Each nesting level of the parser takes at least
/// one; measured with the `jmespath` 0.5 parser on an 8 MiB stack, the
/// leanest nesting (`!!!…a`) overflows a debug build after about 1,550
/// levels and a release build after about 12,000, so on [`STACK_BYTES`]
/// this leaves a debug build six times the room it needs.
const MAX_OPERATORS: usize = 1000;

/// The deepest syntax tree [`eval`] walks (it recurses once a level).
/// The AWS CLI has no such limit, but an expression nested this deep is
/// no real query.
const MAX_DEPTH: usize = 300;

/// The stack parsing and evaluation run on, the same on every platform
/// whatever the main thread has.
const STACK_BYTES: usize = 32 << 20;

/// A checked `--query`. The `jmespath` crate's tree holds `Rc`s, so it
/// cannot cross to the thread that works on it: each use parses the text
/// again there.
#[derive(Debug)]
pub(crate) struct Query {
    text: String,
}

impl Query {
    /// Checks `text` as [`apply`](Self::apply) will use it; an invalid or
    /// too deep expression is command syntax, named with the flag as the
    /// AWS CLI names it. The caller checks this before any call is sent.
    pub(crate) fn compile(text: &str) -> Result<Self, Failure> {
        on_big_stack(|| parse(text).map(|_| ()))?.map_err(Failure::Usage)?;
        Ok(Self {
            text: text.to_owned(),
        })
    }

    /// The expression applied to `doc`; an error on the way (a function
    /// given the wrong type) is the AWS CLI's: its message alone, exit
    /// 255.
    pub(crate) fn apply(&self, doc: &Doc) -> Result<Doc, Failure> {
        on_big_stack(|| {
            let ast = parse(&self.text).map_err(Failure::Usage)?;
            let literals = literals(&self.text, &ast);
            let evaluator = Evaluator::new(&literals);
            evaluator
                .eval(&ast, &Value::from_doc(doc))
                .map(|v| v.to_doc())
                .map_err(|e| Failure::Query(one_line(&e)))
        })?
    }
}

/// The syntax tree of `text`, within [`MAX_OPERATORS`] and
/// [`MAX_DEPTH`]; else the usage error.
fn parse(text: &str) -> Result<Ast, String> {
    let bad = |why: &str| format!("argument --query: Bad value for --query {text}: {why}");
    let operators = operator_count(text);
    if operators > MAX_OPERATORS {
        return Err(bad(&format!(
            "the expression has {operators} operators; at most {MAX_OPERATORS} are allowed"
        )));
    }
    let ast = jmespath::parse(text).map_err(|e| bad(&one_line(&e.to_string())))?;
    let depth = depth(&ast);
    if depth > MAX_DEPTH {
        return Err(bad(&format!(
            "the expression nests {depth} levels deep; at most {MAX_DEPTH} are allowed"
        )));
    }
    Ok(ast)
}

/// The ASCII punctuation of `text` outside `"identifiers"`, `'raw
/// strings'` and `` `literals` `` (a backslash escapes the next
/// character in each): a bound on how deep the parser can recurse.
fn operator_count(text: &str) -> usize {
    let mut count = 0;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None if c.is_ascii_punctuation() => count += 1,
            None => {}
        }
    }
    count
}

/// The tree's depth, counted without recursion.
fn depth(ast: &Ast) -> usize {
    let mut deepest = 0;
    let mut pending = vec![(ast, 1)];
    while let Some((node, level)) = pending.pop() {
        deepest = deepest.max(level);
        pending.extend(children(node).into_iter().map(|c| (c, level + 1)));
    }
    deepest
}

fn children(ast: &Ast) -> Vec<&Ast> {
    match ast {
        Ast::Comparison { lhs, rhs, .. }
        | Ast::Projection { lhs, rhs, .. }
        | Ast::And { lhs, rhs, .. }
        | Ast::Or { lhs, rhs, .. }
        | Ast::Subexpr { lhs, rhs, .. } => vec![lhs, rhs],
        Ast::Condition {
            predicate, then, ..
        } => vec![predicate, then],
        Ast::Expref { ast, .. } => vec![ast],
        Ast::Flatten { node, .. } | Ast::Not { node, .. } | Ast::ObjectValues { node, .. } => {
            vec![node]
        }
        Ast::Function { args, .. } => args.iter().collect(),
        Ast::MultiList { elements, .. } => elements.iter().collect(),
        Ast::MultiHash { elements, .. } => elements.iter().map(|kv| &kv.value).collect(),
        Ast::Identity { .. }
        | Ast::Field { .. }
        | Ast::Index { .. }
        | Ast::Literal { .. }
        | Ast::Slice { .. } => Vec::new(),
    }
}

/// The tree's JSON literals read again from `text` by their offsets,
/// with their order and Python's numbers (see [`literal`]).
fn literals(text: &str, ast: &Ast) -> HashMap<usize, Value<'static>> {
    let mut out = HashMap::new();
    let mut pending = vec![ast];
    while let Some(node) = pending.pop() {
        if let Ast::Literal { offset, .. } = node
            && let Some(v) = literal::literal_at(text, *offset)
        {
            out.insert(*offset, v);
        }
        pending.extend(children(node));
    }
    out
}

/// Runs `f` on a thread with [`STACK_BYTES`] of stack; a panic there
/// goes on here.
fn on_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> Result<T, Failure> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("query".to_owned())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, f)
            .map_err(|e| Failure::Config(format!("cannot start a thread for --query: {e}")))?;
        Ok(worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
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

    /// A query that fails on the answer fails as the AWS CLI's does: the
    /// JMESPath message alone, exit 255 (not a usage error: the command
    /// line was fine).
    #[test]
    fn a_query_failing_on_the_answer_is_not_a_usage_error() {
        let q = Query::compile("keys(PackedPolicySize)").unwrap_or_else(|_| panic!("compiles"));
        let Err(failure) = q.apply(&assumed()) else {
            panic!("keys() of a number fails")
        };
        assert_eq!(failure.exit_status(), crate::failure::EXIT_OTHER);
        let Failure::Query(m) = failure else {
            panic!("a query failure")
        };
        assert_eq!(
            m,
            "In function keys(), invalid type for value: 6, expected one of: ['object'], \
             received: \"number\""
        );
    }

    fn failure(query: &str) -> String {
        let q = Query::compile(query).unwrap_or_else(|_| panic!("{query} compiles"));
        match q.apply(&assumed()) {
            Err(Failure::Query(m)) => m,
            _ => panic!("{query} fails as a query"),
        }
    }

    /// Values that grow by doubling, by a repeated separator or by
    /// escaping are all counted against the budget before they are made:
    /// `join` once built n copies of a 16 KiB separator in one step, past
    /// the check after it.
    #[test]
    fn every_way_of_growing_stops_at_the_budget() {
        let doubling = |stages: usize| vec!["[@,@]"; stages].join("|");
        let sixteen = format!("''|{}[]", vec!["[@,@][]"; 15].join("|"));
        let separator = "x".repeat(16 * 1024);
        for query in [
            doubling(40),
            format!("{sixteen}|join('{separator}', @)"),
            format!("{}|to_string(@)", doubling(20)),
        ] {
            let m = failure(&query);
            assert!(m.contains("more than 64 MiB"), "{m}");
        }
        // What an STS answer needs stays far within it.
        let q = Query::compile("[Credentials.*, AssumedRoleUser]|to_string(@)")
            .unwrap_or_else(|_| panic!("compiles"));
        assert!(q.apply(&assumed()).is_ok());
    }

    /// Failures word the value and types as Python's `jmespath` does:
    /// `str()` of the value, Python's type names for elements and for
    /// ordering a number against a string.
    #[test]
    fn failures_read_as_python_jmespath_words_them() {
        assert_eq!(
            failure(r#"abs(`[1, "x", true, null, 1.5, {"k": "v'"}]`)"#),
            "In function abs(), invalid type for value: [1, 'x', True, None, 1.5, {'k': \"v'\"}], \
             expected one of: ['number'], received: \"array\""
        );
        assert_eq!(
            failure("sum(`[1, true]`)"),
            "In function sum(), invalid type for value: True, expected one of: ['array-number'], \
             received: \"bool\""
        );
        assert_eq!(
            failure("`1` < 'a'"),
            "'<' not supported between instances of 'int' and 'str'"
        );
        assert_eq!(
            failure(r#"max_by(`[{"a": 1}, {"a": "x"}]`, &a)"#),
            "'>' not supported between instances of 'str' and 'int'"
        );
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

    /// An assume-role answer's shape, with the members in the model's
    /// order.
    fn assumed() -> Doc {
        Doc::Object(vec![
            (
                "Credentials".into(),
                Doc::Object(vec![
                    ("AccessKeyId".into(), Doc::Str("ASIA".into())),
                    ("SecretAccessKey".into(), Doc::Str("s".into())),
                    ("SessionToken".into(), Doc::Str("t".into())),
                    ("Expiration".into(), Doc::Str("2030".into())),
                ]),
            ),
            (
                "AssumedRoleUser".into(),
                Doc::Object(vec![
                    ("AssumedRoleId".into(), Doc::Str("AROA:s".into())),
                    ("Arn".into(), Doc::Str("arn:r".into())),
                ]),
            ),
            ("PackedPolicySize".into(), Doc::Int(6)),
        ])
    }

    fn keys_of(doc: &Doc) -> Vec<&str> {
        match doc {
            Doc::Object(fields) => fields.iter().map(|(k, _)| k.as_str()).collect(),
            _ => panic!("not an object: {doc:?}"),
        }
    }

    /// The names `keys()` gives are the keys themselves: compared,
    /// searched, measured, sorted and joined as the AWS CLI does.
    #[test]
    fn key_names_are_plain_strings_to_every_function() {
        let doc = assumed();
        let yes = Doc::Bool(true);
        assert_eq!(applied("keys(@)[0] == 'Credentials'", &doc), yes);
        assert_eq!(
            applied("contains(keys(Credentials), 'AccessKeyId')", &doc),
            yes
        );
        assert_eq!(applied("starts_with(keys(@)[0], 'C')", &doc), yes);
        assert_eq!(applied("ends_with(keys(@)[0], 'ls')", &doc), yes);
        assert_eq!(applied("length(keys(@)[0])", &doc), Doc::Int(11));
        assert_eq!(
            applied("sort(keys(Credentials))", &doc),
            strs(&[
                "AccessKeyId",
                "Expiration",
                "SecretAccessKey",
                "SessionToken"
            ])
        );
        assert_eq!(
            applied("join(',', keys(AssumedRoleUser))", &doc),
            Doc::Str("AssumedRoleId,Arn".into())
        );
        assert_eq!(
            applied("keys(@)[?@ != 'AssumedRoleUser']", &doc),
            strs(&["Credentials", "PackedPolicySize"])
        );
        assert_eq!(
            applied("max_by(keys(@)[*].{k: @}, &k).k", &doc),
            Doc::Str("PackedPolicySize".into())
        );
        assert_eq!(
            applied("sort_by(keys(AssumedRoleUser)[*].{k: @}, &k)[0].k", &doc),
            Doc::Str("Arn".into())
        );
        assert_eq!(applied("type(keys(@)[0])", &doc), Doc::Str("string".into()));
    }

    /// Objects compare as Python dicts (members in any order), merge as
    /// `dict.update` (replaced values keep their place, new keys go
    /// last) and are written by `to_string()` in their order.
    #[test]
    fn objects_compare_merge_and_print_as_python_dicts() {
        let doc = assumed();
        let yes = Doc::Bool(true);
        assert_eq!(
            applied(
                "AssumedRoleUser == {Arn: AssumedRoleUser.Arn, AssumedRoleId: AssumedRoleUser.AssumedRoleId}",
                &doc
            ),
            yes
        );
        assert_eq!(
            applied(
                "AssumedRoleUser == `{\"Arn\": \"arn:r\", \"AssumedRoleId\": \"AROA:s\"}`",
                &doc
            ),
            yes
        );
        assert_eq!(
            applied(
                "contains([AssumedRoleUser], `{\"Arn\": \"arn:r\", \"AssumedRoleId\": \"AROA:s\"}`)",
                &doc
            ),
            yes
        );
        let merged = applied(
            "merge(AssumedRoleUser, `{\"Z\":1,\"A\":2,\"Arn\":3}`)",
            &doc,
        );
        assert_eq!(keys_of(&merged), ["AssumedRoleId", "Arn", "Z", "A"]);
        assert_eq!(
            applied("to_string(AssumedRoleUser)", &doc),
            Doc::Str(r#"{"AssumedRoleId":"AROA:s","Arn":"arn:r"}"#.into())
        );
        assert_eq!(
            applied("to_string(`[\"é\", 1.0, 1e20, -0]`)", &doc),
            Doc::Str(r#"["\u00e9",1.0,1e+20,0]"#.into())
        );
        assert_eq!(
            applied("values(AssumedRoleUser)", &doc),
            strs(&["AROA:s", "arn:r"])
        );
    }

    /// Each object keeps the order it was made in: a hash its own (not
    /// that of another hash with the same keys), a response object the
    /// response's, a literal its text's.
    #[test]
    fn objects_keep_the_order_they_were_made_in() {
        let doc = assumed();
        let Doc::Array(items) = applied(
            "[{a: PackedPolicySize, b: AssumedRoleUser.Arn}, {b: PackedPolicySize, a: AssumedRoleUser.Arn}]",
            &doc,
        ) else {
            panic!("an array")
        };
        assert_eq!(keys_of(&items[0]), ["a", "b"]);
        assert_eq!(keys_of(&items[1]), ["b", "a"]);
        let Doc::Array(items) = applied(
            "[AssumedRoleUser, {Arn: AssumedRoleUser.Arn, AssumedRoleId: AssumedRoleUser.AssumedRoleId}]",
            &doc,
        ) else {
            panic!("an array")
        };
        assert_eq!(keys_of(&items[0]), ["AssumedRoleId", "Arn"]);
        assert_eq!(keys_of(&items[1]), ["Arn", "AssumedRoleId"]);
        let literal = applied("`{\"b\":1,\"a\":{\"d\":2,\"c\":3},\"b\":4}`", &doc);
        assert_eq!(keys_of(&literal), ["b", "a"]);
        let Doc::Object(fields) = &literal else {
            panic!("an object")
        };
        assert_eq!(
            fields[0].1,
            Doc::Int(4),
            "a repeated key keeps its last value"
        );
        assert_eq!(keys_of(&fields[1].1), ["d", "c"]);
    }

    /// Numbers keep Python's kinds: `floor()` and `ceil()` give integers,
    /// an integer literal stays one past `i64` and `-0` is 0, and floats
    /// print as Python's `repr`.
    #[test]
    fn numbers_keep_their_python_kind() {
        let doc = assumed();
        assert_eq!(applied("floor(`1.5`)", &doc), Doc::Int(1));
        assert_eq!(applied("ceil(`1.2`)", &doc), Doc::Int(2));
        // Integers up to i128's range (about ±1.7e38, as the README says),
        // the float's exact value as Python's `math.floor` gives it; a
        // float beyond it.
        assert_eq!(
            applied("floor(`1.5e38`)", &doc),
            Doc::Int(150_000_000_000_000_006_067_947_700_923_341_471_744)
        );
        assert_eq!(applied("floor(`1e300`)", &doc), Doc::Float(1e300));
        assert_eq!(
            applied("`12345678901234567890`", &doc),
            Doc::Int(12_345_678_901_234_567_890)
        );
        assert_eq!(applied("`-0`", &doc), Doc::Int(0));
        assert_eq!(applied("sum(`[1, 2]`)", &doc), Doc::Int(3));
        assert_eq!(applied("avg(`[1, 2]`)", &doc), Doc::Float(1.5));
        assert_eq!(applied("to_number('12')", &doc), Doc::Int(12));
        assert_eq!(
            crate::render::json(&applied(
                "[`-0.0`, `1e20`, `1.5e-5`, `0.0001`, `1e16`]",
                &doc
            )),
            "[\n    -0.0,\n    1e+20,\n    1.5e-05,\n    0.0001,\n    1e+16\n]\n"
        );
        // What JSON has no number for, as Python's `json.dumps` writes it
        // (the AWS CLI's); text keeps Python's `str`.
        let overflow = applied("[sum(`[1e308, 1e308]`), sum(`[-1e308, -1e308]`)]", &doc);
        assert_eq!(
            crate::render::json(&overflow),
            "[\n    Infinity,\n    -Infinity\n]\n"
        );
        assert_eq!(crate::render::json(&Doc::Float(f64::NAN)), "NaN\n");
        assert_eq!(crate::render::text(&overflow), "inf\t-inf\n");
    }

    /// Python's comparisons: `2 == 2.0`, but 1 is not `true` at the top
    /// (jmespath's special case) while it is inside a list; `!0` is
    /// false; only numbers and strings order.
    #[test]
    fn comparisons_follow_python_jmespath() {
        let doc = assumed();
        assert_eq!(
            applied(
                "[`2` == `2.0`, `1` == `true`, `[1]` == `[true]`, !`0`, 'a' < 'b', `true` < `false`]",
                &doc
            ),
            Doc::Array(vec![
                Doc::Bool(true),
                Doc::Bool(false),
                Doc::Bool(true),
                Doc::Bool(false),
                Doc::Bool(true),
                Doc::Null,
            ])
        );
        assert_eq!(
            applied("`[1,2,3,4,5]`[::-2]", &doc),
            Doc::Array(vec![Doc::Int(5), Doc::Int(3), Doc::Int(1)])
        );
        // A zero step is refused only on an array, as Python's `slice`
        // refuses it: anything else is null first.
        assert_eq!(applied("Missing[::0]", &doc), Doc::Null);
        assert_eq!(applied("Credentials[::0]", &doc), Doc::Null);
        assert_eq!(failure("`[1, 2]`[::0]"), "slice step cannot be zero");
    }

    fn refused(query: &str) -> String {
        match Query::compile(query) {
            Err(Failure::Usage(m)) => m,
            Err(_) => panic!("refused, but not as usage"),
            Ok(_) => panic!("accepted"),
        }
    }

    /// No expression crashes the tool: one too deep for the evaluator or
    /// too long for the parser's recursion is a usage error, the
    /// deepest the parser may see parses on the query thread's stack.
    #[test]
    fn deep_or_long_expressions_are_refused_not_crashed_on() {
        let chain = format!("{}a", "a.".repeat(1000));
        assert!(
            refused(&chain).contains("nests 1001 levels deep"),
            "{}",
            refused(&chain)
        );
        let nots = format!("{}a", "!".repeat(100_000));
        assert!(
            refused(&nots).contains("100000 operators"),
            "{}",
            refused(&nots)
        );
        for pattern in ["!", "(", "[", "*.", "abs(", "{a:", "[?"] {
            let within = format!("{}a", pattern.repeat(MAX_OPERATORS / pattern.len()));
            let m = refused(&within);
            assert!(
                m.starts_with("argument --query: Bad value for --query"),
                "{m}"
            );
        }
        let deepest = format!("{}a", "a.".repeat(MAX_DEPTH - 1));
        let q = Query::compile(&deepest).unwrap_or_else(|_| panic!("{MAX_DEPTH} levels compile"));
        assert_eq!(q.apply(&assumed()).ok(), Some(Doc::Null));
    }

    /// The deepest result a query can build (lists nested to
    /// [`MAX_DEPTH`] around a literal nested as deep as `serde_json`
    /// reads) prints in every output form, even on a test thread's
    /// small stack.
    #[test]
    fn the_deepest_result_prints_in_every_form() {
        let literal = format!("`{}1{}`", "[".repeat(120), "]".repeat(120));
        let levels = MAX_DEPTH - 2;
        let query = format!("{}{literal}{}", "[".repeat(levels), "]".repeat(levels));
        let doc = applied(&query, &assumed());
        assert!(crate::render::json(&doc).contains('1'));
        assert!(crate::render::text(&doc).contains('1'));
        assert!(crate::yaml::yaml(&doc).contains('1'));
        assert!(crate::yaml::yaml_stream(&doc).contains('1'));
        assert!(crate::table::table("AssumeRole", &doc).contains('1'));
    }

    #[test]
    fn operators_in_quotes_and_literals_do_not_count() {
        assert_eq!(operator_count("a.b"), 1);
        assert_eq!(operator_count(r#""a.b"."c\"(" && 'x)\'(' || `[1,{}]`"#), 5);
    }
}
