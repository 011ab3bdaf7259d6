//! `credential_process`: the JSON document a `credential_process` command
//! prints, read as `sts-blocking` reads it.

use serde_json::{Map, Value};
use sts_blocking::credentials::parse_process_output;
use sts_proto::Credentials;
use sts_proto::time::parse_timestamp;

/// The fixed parts of every reason the parser may give. A reason is one of
/// these shapes and nothing else, so it cannot quote the output (which holds
/// the secret key and the session token).
const JSON_ERRORS: [&str; 4] = [
    "I/O error",
    "syntax error",
    "not a JSON object",
    "unexpected end",
];
/// The most JSON values the parser reads, and its reason for more.
const MAX_VALUES: usize = 4096;
const TOO_MANY: &str = "too many JSON values in response (more than 4096)";
const MEMBERS: [&str; 5] = [
    "AccessKeyId",
    "SecretAccessKey",
    "SessionToken",
    "Expiration",
    "AccountId",
];

/// Input: the bytes a `credential_process` command printed on stdout.
///
/// The parser must accept exactly the JSON objects with `"Version": 1`,
/// non-empty string `AccessKeyId` and `SecretAccessKey`, an optional string
/// `SessionToken` and an optional ISO 8601 string `Expiration` (`null`
/// counts as absent), and give back those values; `serde_json` read here
/// into a plain map is the reference. A refusal's reason must have one of
/// the documented shapes, which quote nothing of the output but the
/// `Version` number, and `Debug` of accepted credentials must not show the
/// secrets. Output of more than [`MAX_VALUES`] values is refused unread, so
/// a refusal for that needs at least as many commas and opening brackets.
pub fn credential_process(data: &[u8]) {
    let parsed = parse_process_output(data);
    let doc: Option<Map<String, Value>> = serde_json::from_slice(data).ok();
    if parsed
        .as_ref()
        .err()
        .is_some_and(|reason| reason == TOO_MANY)
    {
        let separators = data
            .iter()
            .filter(|b| matches!(b, b',' | b'[' | b'{'))
            .count();
        assert!(separators >= MAX_VALUES, "too many values, of {separators}");
    }
    match (&parsed, doc.as_ref().map(expected)) {
        (Ok(creds), Some(Ok(want))) => {
            assert!(*creds == want, "{creds:?} read, {want:?} expected");
            check_debug(creds);
        }
        (Ok(creds), None) => panic!("{creds:?} read from a document that is no JSON object"),
        (Ok(creds), Some(Err(why))) => panic!("{creds:?} accepted, but {why}"),
        (Err(reason), Some(Ok(want))) => panic!("refused ({reason}) but should give {want:?}"),
        (Err(reason), expected) => {
            assert!(
                allowed_reason(reason, expected.is_none()),
                "unexpected reason {reason:?}"
            );
        }
    }
    // The same input, read again, gives the same answer.
    let again = parse_process_output(data);
    assert_eq!(parsed.is_ok(), again.is_ok());
    if let (Err(a), Err(b)) = (&parsed, &again) {
        assert_eq!(a, b);
    }
}

/// What the documented rules make of a JSON object.
fn expected(doc: &Map<String, Value>) -> Result<Credentials, &'static str> {
    if 1 + usize::from(doc.is_empty()) + doc.values().map(cost).sum::<usize>() > MAX_VALUES {
        return Err("too many values");
    }
    match doc.get("Version") {
        Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
        _ => return Err("Version is not 1"),
    }
    let string = |key: &str| -> Result<Option<&str>, &'static str> {
        match doc.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err("a member is not a string"),
        }
    };
    let key = string("AccessKeyId")?.ok_or("no AccessKeyId")?;
    let secret = string("SecretAccessKey")?.ok_or("no SecretAccessKey")?;
    let token = string("SessionToken")?;
    let expiration = string("Expiration")?;
    let account_id = string("AccountId")?;
    if key.is_empty() || secret.is_empty() {
        return Err("a key is empty");
    }
    let mut creds = Credentials::new(key, secret, token.map(Into::into));
    if let Some(text) = expiration {
        let at = parse_timestamp(text).map_err(|_| "Expiration is no timestamp")?;
        creds = creds.with_expiration(at);
    }
    if let Some(account_id) = account_id {
        creds = creds.with_account_id(account_id);
    }
    Ok(creds)
}

/// Whether `reason` has one of the shapes the parser documents; `not_json`
/// when the input is no JSON object, whose reasons give only a position.
fn allowed_reason(reason: &str, not_json: bool) -> bool {
    if not_json {
        if reason == TOO_MANY {
            return true;
        }
        let Some(rest) = reason
            .strip_prefix("invalid JSON in response (")
            .and_then(|r| r.strip_suffix(')'))
        else {
            return false;
        };
        return JSON_ERRORS.iter().any(|what| {
            rest.strip_prefix(what)
                .and_then(|r| r.strip_prefix(" at line "))
                .and_then(|r| r.split_once(" column "))
                .is_some_and(|(line, column)| is_number(line) && is_number(column))
        });
    }
    if let Some(n) = reason
        .strip_prefix("unsupported Version ")
        .and_then(|r| r.strip_suffix("; expected 1"))
    {
        // A JSON number as serde_json prints it: digits, sign, `.`, `e`.
        return !n.is_empty() && n.bytes().all(|b| b"0123456789-+.e".contains(&b));
    }
    if let Some(why) = reason.strip_prefix("Expiration is not an ISO 8601 time: ") {
        // A fixed reason of the timestamp parser: short, and not the value.
        return why.len() <= 80 && !why.contains('"');
    }
    let fixed = [
        TOO_MANY,
        "Version is not a number; expected 1",
        "Version is missing; expected 1",
        "AccessKeyId or SecretAccessKey is empty",
    ];
    fixed.contains(&reason)
        || MEMBERS.iter().any(|member| {
            reason
                .strip_prefix(member)
                .is_some_and(|rest| matches!(rest, " is missing" | " is not a string"))
        })
}

/// What the parser's count of values gives for `value`: each value, and one
/// more for each empty array or object (whose bracket it counts as one).
fn cost(value: &Value) -> usize {
    match value {
        Value::Array(a) => 1 + usize::from(a.is_empty()) + a.iter().map(cost).sum::<usize>(),
        Value::Object(m) => 1 + usize::from(m.is_empty()) + m.values().map(cost).sum::<usize>(),
        _ => 1,
    }
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// `Debug` shows neither secret; checked only for secrets long enough not to
/// be found by chance in the rest of the output.
fn check_debug(creds: &Credentials) {
    let shown = format!("{creds:?}");
    let mut others = Credentials::new(creds.access_key_id(), "", None);
    if let Some(at) = creds.expiration() {
        others = others.with_expiration(at);
    }
    if let Some(account_id) = creds.account_id() {
        others = others.with_account_id(account_id);
    }
    let plain = format!("{others:?}");
    let secrets = [
        Some(creds.secret_access_key().expose()),
        creds.session_token().map(|t| t.expose()),
    ];
    for secret in secrets.into_iter().flatten() {
        if secret.len() >= 8 && !plain.contains(secret) {
            assert!(!shown.contains(secret), "a secret in {shown:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_of_each_shape() {
        assert!(allowed_reason(
            "invalid JSON in response (syntax error at line 1 column 2)",
            true
        ));
        assert!(!allowed_reason(
            "invalid JSON in response (syntax error at line 1 column 2) SECRET",
            true
        ));
        assert!(allowed_reason("unsupported Version 2.5; expected 1", false));
        assert!(!allowed_reason(
            "unsupported Version \"x\"; expected 1",
            false
        ));
        assert!(allowed_reason("SessionToken is not a string", false));
        assert!(!allowed_reason("SECRET is not a string", false));
    }

    #[test]
    fn reference_agrees_on_the_documented_example() {
        let doc = br#"{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "SECRETSECRET",
                      "SessionToken": null, "Expiration": "2030-01-01T00:00:00Z"}"#;
        credential_process(doc);
        let Ok(creds) = parse_process_output(doc) else {
            panic!("the example is refused");
        };
        assert!(creds.session_token().is_none());
        assert!(creds.expiration().is_some());
        credential_process(br#"{"Version": 1.0, "AccessKeyId": "A", "SecretAccessKey": "S"}"#);
        credential_process(b"\xff");
    }

    #[test]
    fn too_many_values_are_refused_unread() {
        let head = r#"{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "S", "X": ["#;
        // 4 values in the head, the array's elements, the array's bracket.
        let fits = format!("{head}{}]}}", vec!["1"; MAX_VALUES - 5].join(","));
        assert!(parse_process_output(fits.as_bytes()).is_ok());
        credential_process(fits.as_bytes());
        let over = format!("{head}{}]}}", vec!["1"; MAX_VALUES - 4].join(","));
        assert_eq!(
            parse_process_output(over.as_bytes()).err().as_deref(),
            Some(TOO_MANY)
        );
        credential_process(over.as_bytes());
        // Commas and brackets inside strings are not values.
        let strings = format!("{head}\"{}\\\"{}\"]}}", ",".repeat(9000), "[".repeat(9000));
        assert!(parse_process_output(strings.as_bytes()).is_ok());
        credential_process(strings.as_bytes());
    }
}
