//! The JMESPath compliance suite (`testdata/jmespath-compliance`, from
//! jmespath.py 1.0.1, the release the AWS CLI uses) run through
//! [`Query`]: every case of every file, none skipped.
//!
//! A `result` case passes when the answer is the expected JSON: objects
//! equal whatever their members' order, numbers by value, a boolean never
//! a number. It must also match as Python's own harness checks it
//! (`json.dumps` of both): members in the same order and integers and
//! floats as written; Python 1.0.1 passes every case that way. An `error`
//! case passes when the expression is refused, at [`Query::compile`] or
//! [`Query::apply`]; a refusal of another kind than the suite names is
//! counted and shown, not failed. A `bench` case without a `result` must
//! evaluate without an error, as it does in Python.
//!
//! Where the tool differs from the suite on purpose, [`KNOWN`] lists the
//! case and why; an entry that no case needs any more fails the test.

use std::fmt::Write as _;

use super::value::{Value, to_json};
use super::{Doc, Failure, Query, literal, on_big_stack};

const SUITE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../testdata/jmespath-compliance"
);

/// A case whose answer differs from the suite's on purpose.
struct Known {
    file: &'static str,
    expression: &'static str,
    why: &'static str,
}

/// The cases the tool answers otherwise than the suite, each with why.
/// None today: where the tool follows Python rather than the JMESPath
/// specification (insertion order, integers and floats, `1 != true`),
/// the suite, taken from jmespath.py, agrees with Python.
const KNOWN: &[Known] = &[];

/// What the tool made of a case: its answer, or the kind of its refusal
/// (as the suite names kinds) and the message.
type Outcome = Result<Doc, (&'static str, String)>;

fn run(expression: &str, given: &Doc) -> Outcome {
    let query = Query::compile(expression).map_err(refusal)?;
    query.apply(given).map_err(refusal)
}

fn refusal(failure: Failure) -> (&'static str, String) {
    match failure {
        Failure::Usage(m) => ("syntax", m),
        Failure::Query(m) => {
            let kind = if m.starts_with("Unknown function") {
                "unknown-function"
            } else if m.starts_with("Expected ") && m.contains(" for function ") {
                "invalid-arity"
            } else if m.contains("invalid type") || m.contains(" not supported between ") {
                "invalid-type"
            } else if m.contains("step cannot be zero") {
                "invalid-value"
            } else {
                "other"
            };
            (kind, m)
        }
        other => ("other", other.message(None)),
    }
}

fn member<'d>(v: &'d Doc, key: &str) -> Option<&'d Doc> {
    match v {
        Doc::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

fn items(v: &Doc) -> &[Doc] {
    match v {
        Doc::Array(items) => items,
        _ => panic!("the suite has an array where it has {v:?}"),
    }
}

fn text(v: Option<&Doc>) -> Option<&str> {
    match v {
        Some(Doc::Str(s)) => Some(s),
        _ => None,
    }
}

/// JSON equality: objects in any order, numbers by value.
fn same(a: &Doc, b: &Doc) -> bool {
    match (a, b) {
        (Doc::Object(x), Doc::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.iter().any(|(k2, v2)| k == k2 && same(v, v2)))
        }
        (Doc::Array(x), Doc::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Doc::Int(x), Doc::Float(y)) | (Doc::Float(y), Doc::Int(x)) => *x as f64 == *y,
        _ => a == b,
    }
}

/// Equality as Python's harness has it (`json.dumps` of both): also the
/// members' order and each number's kind.
fn identical(a: &Doc, b: &Doc) -> bool {
    match (a, b) {
        (Doc::Object(x), Doc::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k, v), (k2, v2))| k == k2 && identical(v, v2))
        }
        (Doc::Array(x), Doc::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| identical(x, y))
        }
        _ => a == b,
    }
}

fn show(outcome: &Outcome) -> String {
    match outcome {
        Ok(doc) => to_json(&Value::from_doc(doc)),
        Err((kind, m)) => format!("error {kind}: {m}"),
    }
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    known: usize,
    other_kind: usize,
}

#[test]
fn the_jmespath_compliance_suite() {
    let mut files: Vec<_> = std::fs::read_dir(SUITE)
        .expect("the suite's folder")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 16, "the suite has 16 files");
    let mut report = String::new();
    let mut failures = String::new();
    let mut total = Tally::default();
    let mut used = vec![false; KNOWN.len()];
    for path in &files {
        let file = path.file_name().and_then(|n| n.to_str()).expect("a name");
        let body = std::fs::read_to_string(path).expect("readable");
        let suites = on_big_stack(|| literal::json(&body).map(|v| v.to_doc()))
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("{file} reads as JSON"));
        let mut tally = Tally::default();
        for (s, suite) in items(&suites).iter().enumerate() {
            let given = member(suite, "given").expect("given");
            for (c, case) in items(member(suite, "cases").expect("cases"))
                .iter()
                .enumerate()
            {
                let expression = text(member(case, "expression")).expect("an expression");
                let outcome = run(expression, given);
                let mut problem = None;
                if let Some(expected) = member(case, "result") {
                    match &outcome {
                        Ok(doc) if identical(doc, expected) => {}
                        Ok(doc) if same(doc, expected) => {
                            problem = Some(format!(
                                "member order or number kind differs: expected {}",
                                to_json(&Value::from_doc(expected))
                            ));
                        }
                        _ => {
                            problem =
                                Some(format!("expected {}", to_json(&Value::from_doc(expected))));
                        }
                    }
                } else if let Some(kind) = text(member(case, "error")) {
                    match &outcome {
                        Ok(_) => problem = Some(format!("expected error {kind}")),
                        Err((ours, m)) if *ours != kind => {
                            tally.other_kind += 1;
                            let _ = writeln!(
                                report,
                                "  note {file} #{s}.{c} `{expression}`: \
                                 the suite's error is {kind}, ours {ours}: {m}"
                            );
                        }
                        Err(_) => {}
                    }
                } else if member(case, "bench").is_some() {
                    if outcome.is_err() {
                        problem = Some("expected a bench case to evaluate".to_owned());
                    }
                } else {
                    panic!("{file} #{s}.{c}: a case without result, error or bench");
                }
                let Some(problem) = problem else {
                    tally.passed += 1;
                    continue;
                };
                let known = KNOWN
                    .iter()
                    .position(|k| k.file == file && k.expression == expression);
                if let Some(i) = known {
                    used[i] = true;
                    tally.known += 1;
                    continue;
                }
                tally.failed += 1;
                let _ = writeln!(
                    failures,
                    "  FAIL {file} #{s}.{c} `{expression}`: {problem}, got {}",
                    show(&outcome)
                );
            }
        }
        let _ = writeln!(
            report,
            "{file}: {} passed, {} failed, {} known differences, \
             {} refused with another error kind",
            tally.passed, tally.failed, tally.known, tally.other_kind
        );
        total.passed += tally.passed;
        total.failed += tally.failed;
        total.known += tally.known;
        total.other_kind += tally.other_kind;
    }
    for (k, used) in KNOWN.iter().zip(&used) {
        if !*used {
            total.failed += 1;
            let _ = writeln!(
                failures,
                "  STALE known difference {} `{}` ({}): the case passes or is gone",
                k.file, k.expression, k.why
            );
        }
    }
    let _ = writeln!(
        report,
        "total: {} passed, {} failed, {} known differences, \
         {} refused with another error kind",
        total.passed, total.failed, total.known, total.other_kind
    );
    // The counts show with `--nocapture`, and with the failures when
    // any case fails.
    assert_eq!(total.failed, 0, "\n{report}{failures}");
    println!("{report}");
}
