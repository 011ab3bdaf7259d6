//! `sts` arguments that more than one test sends: one test checks what
//! they put on the wire, another that the AWS CLI sends the same.

/// `--policy-arns` and `--tags` in the AWS CLI's shorthand grammar: quoted
/// values (the quotes are not sent), `\,` for a comma, whitespace around
/// keys, `=` and commas.
pub const QUOTED_SHORTHAND: [&str; 7] = [
    "--policy-arns",
    r#"arn="arn:aws:iam::aws:policy/ReadOnlyAccess""#,
    r"arn=arn:aws:iam::123456789012:policy/a\,b",
    "--tags",
    "Key=a , Value=b",
    "Key = c,Value='x y'",
    r#"Key="d",Value= "e f" "#,
];
