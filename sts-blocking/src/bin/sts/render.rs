//! Printing results as the AWS CLI prints them.

use std::fmt::Write as _;
use std::time::SystemTime;

use sts_blocking::sts_proto::ops::*;
use sts_blocking::sts_proto::time::{format_timestamp, from_unix, unix_seconds};
use sts_blocking::sts_proto::types::{
    AssumedRoleUser, FederatedUser, ScopedSession, TrustedIdentityPropagationContext,
};
use sts_blocking::sts_proto::{Credentials, SecretString};

/// A result as an ordered tree, in the model's member order (or, after
/// `--query`, whatever the expression made of it).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Doc {
    Object(Vec<(String, Doc)>),
    Array(Vec<Doc>),
    Str(String),
    /// An integer; wide enough for the ones a `--query` literal or
    /// `floor()` makes beyond `i64`, which Python keeps as integers.
    Int(i128),
    Float(f64),
    Bool(bool),
    Null,
}

impl Doc {
    pub(crate) fn is_scalar(&self) -> bool {
        !matches!(self, Doc::Object(_) | Doc::Array(_))
    }

    /// The value as Python's `str()` writes it, which the AWS CLI's text
    /// and table output use for every scalar.
    pub(crate) fn py_str(&self) -> String {
        match self {
            Doc::Str(s) => s.clone(),
            Doc::Int(n) => n.to_string(),
            Doc::Float(f) => py_float(*f),
            Doc::Bool(true) => "True".to_owned(),
            Doc::Bool(false) => "False".to_owned(),
            Doc::Null => "None".to_owned(),
            Doc::Object(_) | Doc::Array(_) => String::new(),
        }
    }
}

/// A float as Python's `repr` writes it (which `json.dumps` uses too):
/// the shortest digits that read back, in positional notation for
/// decimal exponents from -4 to 15 (`1.0`, `0.0001`, `-0.0`), else in
/// scientific notation with a signed exponent of at least two digits
/// (`1e+16`, `1.5e-05`).
pub(crate) fn py_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_owned();
    }
    if f.is_infinite() {
        return format!("{f}");
    }
    let scientific = format!("{f:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if (-4..16).contains(&exponent) {
        let positional = format!("{f}");
        if positional.contains('.') {
            positional
        } else {
            positional + ".0"
        }
    } else {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs())
    }
}

/// An output with the credentials it carries, if any.
pub(crate) struct Rendered {
    pub(crate) doc: Doc,
    pub(crate) credentials: Option<Credentials>,
}

struct Fields(Vec<(String, Doc)>);

impl Fields {
    fn new() -> Self {
        Self(Vec::new())
    }
    fn str(mut self, name: &'static str, v: Option<&str>) -> Self {
        if let Some(v) = v {
            self.0.push((name.to_owned(), Doc::Str(v.to_owned())));
        }
        self
    }
    fn int(mut self, name: &'static str, v: Option<u32>) -> Self {
        if let Some(v) = v {
            self.0.push((name.to_owned(), Doc::Int(i128::from(v))));
        }
        self
    }
    fn time(self, name: &'static str, v: Option<SystemTime>) -> Self {
        let wire = WIRE_TIMESTAMPS.get().copied().unwrap_or(false);
        let text = v.map(|t| if wire { wire_time(t) } else { aws_cli_time(t) });
        self.str(name, text.as_deref())
    }
    fn obj(mut self, name: &'static str, v: Option<Doc>) -> Self {
        if let Some(v) = v {
            self.0.push((name.to_owned(), v));
        }
        self
    }
    fn done(self) -> Doc {
        Doc::Object(self.0)
    }
}

/// Whether results print timestamps as STS sends them (`cli_timestamp_format
/// = wire` or `none`) rather than as `iso8601`; set once, before printing.
static WIRE_TIMESTAMPS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

/// Chooses the timestamp form for the rest of the run (see [`WIRE_TIMESTAMPS`]).
pub(crate) fn print_wire_timestamps(wire: bool) {
    let _ = WIRE_TIMESTAMPS.set(wire);
}

/// `2011-07-15T23:28:33Z`, the form STS sends, which the AWS CLI prints as
/// it came (`cli_timestamp_format = wire` or `none`). The text itself is not
/// kept, so a fraction of a second gets the digits of the usual forms: 3
/// when the time is whole milliseconds, 6 when whole microseconds, else 9
/// (STS sends whole seconds; moto, microseconds). Found by a review: it was
/// cut to milliseconds.
pub(crate) fn wire_time(t: SystemTime) -> String {
    let (base, nanos) = whole_seconds_and_nanos(t);
    match nanos {
        0 => format!("{base}Z"),
        n if n % 1_000_000 == 0 => format!("{base}.{:03}Z", n / 1_000_000),
        n if n % 1_000 == 0 => format!("{base}.{:06}Z", n / 1_000),
        n => format!("{base}.{n:09}Z"),
    }
}

/// `2011-07-15T23:28:33+00:00`, the AWS CLI v2's timestamp form (its
/// default `cli_timestamp_format`, `iso8601`: Python's `isoformat`), with
/// microseconds only when the time has a fraction of a second, as
/// `isoformat` writes them.
pub(crate) fn aws_cli_time(t: SystemTime) -> String {
    let (base, nanos) = whole_seconds_and_nanos(t);
    let micros = nanos / 1_000;
    if micros == 0 {
        format!("{base}+00:00")
    } else {
        format!("{base}.{micros:06}+00:00")
    }
}

/// `t`'s whole seconds as `2011-07-15T23:28:33` and the nanoseconds after
/// them (times before 1970 included).
fn whole_seconds_and_nanos(t: SystemTime) -> (String, u32) {
    let whole = from_unix(unix_seconds(t), 0).unwrap_or(t);
    let nanos = t.duration_since(whole).map_or(0, |d| d.subsec_nanos());
    let mut iso = format_timestamp(whole);
    if iso.ends_with('Z') {
        iso.pop();
    }
    (iso, nanos)
}

fn credentials(c: &Credentials) -> Doc {
    Fields::new()
        .str("AccessKeyId", Some(c.access_key_id()))
        .str("SecretAccessKey", Some(c.secret_access_key().expose()))
        .str("SessionToken", c.session_token().map(|t| t.expose()))
        .time("Expiration", c.expiration())
        .done()
}

fn role_user(u: &Option<AssumedRoleUser>) -> Option<Doc> {
    u.as_ref().map(|u| {
        Fields::new()
            .str("AssumedRoleId", Some(&u.assumed_role_id))
            .str("Arn", Some(&u.arn))
            .done()
    })
}

fn scoped_session(u: &Option<ScopedSession>) -> Option<Doc> {
    u.as_ref().map(|u| {
        Fields::new()
            .str("ScopedSessionId", Some(&u.scoped_session_id))
            .str("Arn", Some(&u.arn))
            .done()
    })
}

/// As the AWS CLI prints it: the map of identity provider keys as an
/// object, as botocore builds a Python dict from the entries: in the
/// answer's order, a repeated key in its first place with its last value.
fn trusted_context(c: &Option<TrustedIdentityPropagationContext>) -> Option<Doc> {
    c.as_ref().map(|c| {
        let origin = c.origin_identity.as_ref().map(|o| {
            Fields::new()
                .str("Subject", o.subject.as_ref().map(SecretString::expose))
                .str(
                    "SubjectType",
                    o.subject_type.as_ref().map(SecretString::expose),
                )
                .str("Issuer", o.issuer.as_ref().map(SecretString::expose))
                .str(
                    "FederatedProviderArn",
                    o.federated_provider_arn.as_ref().map(SecretString::expose),
                )
                .done()
        });
        let transaction = c.transaction_context.as_ref().map(|t| {
            let mut map: Vec<(String, Doc)> = Vec::new();
            for (k, v) in &t.identity_provider {
                let value = Doc::Str(v.expose().to_owned());
                match map.iter_mut().find(|(seen, _)| seen == k) {
                    Some((_, earlier)) => *earlier = value,
                    None => map.push((k.clone(), value)),
                }
            }
            Fields::new()
                .obj("IdentityProvider", Some(Doc::Object(map)))
                .done()
        });
        Fields::new()
            .obj("OriginIdentity", origin)
            .obj("TransactionContext", transaction)
            .done()
    })
}

fn federated_user(u: &Option<FederatedUser>) -> Option<Doc> {
    u.as_ref().map(|u| {
        Fields::new()
            .str("FederatedUserId", Some(&u.federated_user_id))
            .str("Arn", Some(&u.arn))
            .done()
    })
}

/// Output types the tool can print.
pub(crate) trait Render {
    /// Whether the output holds credentials, which `--output env` and
    /// `--output credential-process` print: known before the call, so that
    /// those forms are refused for other operations before anything is
    /// sent (an MFA code used up, a session made, for an error).
    const CREDENTIALS: bool = false;

    fn render(&self) -> Rendered;
}

fn with_creds(doc: Doc, c: &Credentials) -> Rendered {
    Rendered {
        doc,
        credentials: Some(c.clone()),
    }
}

fn plain(doc: Doc) -> Rendered {
    Rendered {
        doc,
        credentials: None,
    }
}

impl Render for AssumeRoleOutput {
    const CREDENTIALS: bool = true;

    fn render(&self) -> Rendered {
        let doc = Fields::new()
            .obj("Credentials", Some(credentials(&self.credentials)))
            .obj("AssumedRoleUser", role_user(&self.assumed_role_user))
            .int("PackedPolicySize", self.packed_policy_size)
            .str("SourceIdentity", self.source_identity.as_deref())
            .int("SessionTokenUtilization", self.session_token_utilization)
            .int("SessionTokenSize", self.session_token_size)
            .done();
        with_creds(doc, &self.credentials)
    }
}

impl Render for AssumeRoleWithSamlOutput {
    const CREDENTIALS: bool = true;

    fn render(&self) -> Rendered {
        let doc = Fields::new()
            .obj("Credentials", Some(credentials(&self.credentials)))
            .obj("AssumedRoleUser", role_user(&self.assumed_role_user))
            .int("PackedPolicySize", self.packed_policy_size)
            .str("Subject", self.subject.as_deref())
            .str("SubjectType", self.subject_type.as_deref())
            .str("Issuer", self.issuer.as_deref())
            .str("Audience", self.audience.as_deref())
            .str("NameQualifier", self.name_qualifier.as_deref())
            .str("SourceIdentity", self.source_identity.as_deref())
            .int("SessionTokenUtilization", self.session_token_utilization)
            .int("SessionTokenSize", self.session_token_size)
            .obj(
                "TrustedIdentityPropagationContext",
                trusted_context(&self.trusted_identity_propagation_context),
            )
            .done();
        with_creds(doc, &self.credentials)
    }
}

impl Render for AssumeRoleWithWebIdentityOutput {
    const CREDENTIALS: bool = true;

    fn render(&self) -> Rendered {
        let doc = Fields::new()
            .obj("Credentials", Some(credentials(&self.credentials)))
            .str(
                "SubjectFromWebIdentityToken",
                self.subject_from_web_identity_token.as_deref(),
            )
            .obj("AssumedRoleUser", role_user(&self.assumed_role_user))
            .int("PackedPolicySize", self.packed_policy_size)
            .str("Provider", self.provider.as_deref())
            .str("Audience", self.audience.as_deref())
            .str("SourceIdentity", self.source_identity.as_deref())
            .int("SessionTokenUtilization", self.session_token_utilization)
            .int("SessionTokenSize", self.session_token_size)
            .obj(
                "TrustedIdentityPropagationContext",
                trusted_context(&self.trusted_identity_propagation_context),
            )
            .done();
        with_creds(doc, &self.credentials)
    }
}

impl Render for AssumeRootOutput {
    const CREDENTIALS: bool = true;

    fn render(&self) -> Rendered {
        let doc = Fields::new()
            .obj("Credentials", Some(credentials(&self.credentials)))
            .str("SourceIdentity", self.source_identity.as_deref())
            .int("SessionTokenUtilization", self.session_token_utilization)
            .int("SessionTokenSize", self.session_token_size)
            .done();
        with_creds(doc, &self.credentials)
    }
}

impl Render for DecodeAuthorizationMessageOutput {
    fn render(&self) -> Rendered {
        plain(
            Fields::new()
                .str("DecodedMessage", self.decoded_message.as_deref())
                .done(),
        )
    }
}

impl Render for GetAccessKeyInfoOutput {
    fn render(&self) -> Rendered {
        plain(Fields::new().str("Account", self.account.as_deref()).done())
    }
}

impl Render for GetCallerIdentityOutput {
    fn render(&self) -> Rendered {
        plain(
            Fields::new()
                .str("UserId", self.user_id.as_deref())
                .str("Account", self.account.as_deref())
                .str("Arn", self.arn.as_deref())
                .done(),
        )
    }
}

impl Render for GetDelegatedAccessTokenOutput {
    const CREDENTIALS: bool = true;

    fn render(&self) -> Rendered {
        let doc = Fields::new()
            .obj("Credentials", Some(credentials(&self.credentials)))
            .int("PackedPolicySize", self.packed_policy_size)
            .str("AssumedPrincipal", self.assumed_principal.as_deref())
            .done();
        with_creds(doc, &self.credentials)
    }
}

impl Render for GetFederationTokenOutput {
    const CREDENTIALS: bool = true;

    fn render(&self) -> Rendered {
        let doc = Fields::new()
            .obj("Credentials", Some(credentials(&self.credentials)))
            .obj("FederatedUser", federated_user(&self.federated_user))
            .int("PackedPolicySize", self.packed_policy_size)
            .int("SessionTokenUtilization", self.session_token_utilization)
            .int("SessionTokenSize", self.session_token_size)
            .done();
        with_creds(doc, &self.credentials)
    }
}

impl Render for GetSessionTokenOutput {
    const CREDENTIALS: bool = true;

    fn render(&self) -> Rendered {
        let doc = Fields::new()
            .obj("Credentials", Some(credentials(&self.credentials)))
            .int("SessionTokenUtilization", self.session_token_utilization)
            .int("SessionTokenSize", self.session_token_size)
            .done();
        with_creds(doc, &self.credentials)
    }
}

impl Render for GetScopedCredentialsOutput {
    const CREDENTIALS: bool = true;

    fn render(&self) -> Rendered {
        let doc = Fields::new()
            .obj("Credentials", Some(credentials(&self.credentials)))
            .obj("SessionInfo", scoped_session(&self.session_info))
            .int("SessionTokenUtilization", self.session_token_utilization)
            .int("SessionTokenSize", self.session_token_size)
            .int("ScopedPoliciesCount", self.scoped_policies_count)
            .str("SourceIdentity", self.source_identity.as_deref())
            .done();
        with_creds(doc, &self.credentials)
    }
}

impl Render for GetWebIdentityTokenOutput {
    fn render(&self) -> Rendered {
        plain(
            Fields::new()
                .str(
                    "WebIdentityToken",
                    self.web_identity_token.as_ref().map(|t| t.expose()),
                )
                .time("Expiration", self.expiration)
                .done(),
        )
    }
}

/// JSON as the AWS CLI prints it (Python's `json.dump`, four-space
/// indentation, non-ASCII kept); an empty object prints nothing at all.
pub(crate) fn json(doc: &Doc) -> String {
    if matches!(doc, Doc::Object(f) if f.is_empty()) {
        return String::new();
    }
    let mut out = String::new();
    write_json(doc, 0, &mut out);
    out.push('\n');
    out
}

fn write_json(doc: &Doc, depth: usize, out: &mut String) {
    let indent = |out: &mut String, depth: usize| out.push_str(&"    ".repeat(depth));
    match doc {
        Doc::Object(fields) if fields.is_empty() => out.push_str("{}"),
        Doc::Array(items) if items.is_empty() => out.push_str("[]"),
        Doc::Object(fields) => {
            out.push_str("{\n");
            for (i, (k, v)) in fields.iter().enumerate() {
                indent(out, depth + 1);
                let _ = write!(out, "{}: ", json_string(k));
                write_json(v, depth + 1, out);
                if i + 1 < fields.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            indent(out, depth);
            out.push('}');
        }
        Doc::Array(items) => {
            out.push_str("[\n");
            for (i, v) in items.iter().enumerate() {
                indent(out, depth + 1);
                write_json(v, depth + 1, out);
                if i + 1 < items.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            indent(out, depth);
            out.push(']');
        }
        Doc::Str(s) => out.push_str(&json_string(s)),
        Doc::Null => out.push_str("null"),
        Doc::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        // As Python's `json.dumps` writes what JSON has no number for.
        Doc::Float(f) if f.is_nan() => out.push_str("NaN"),
        Doc::Float(f) if f.is_infinite() => {
            out.push_str(if *f > 0.0 { "Infinity" } else { "-Infinity" });
        }
        Doc::Int(_) | Doc::Float(_) => out.push_str(&doc.py_str()),
    }
}

/// The AWS CLI's text output (its `text.py`): an object's scalars on one
/// tab-separated line in key order, prefixed by the upper-cased name of
/// the member that holds it; then its lists and objects, in key order.
/// Objects in a list share the list's sorted scalar keys as columns.
pub(crate) fn text(doc: &Doc) -> String {
    let mut out = String::new();
    text_item(doc, None, None, &mut out);
    out
}

fn text_item(doc: &Doc, name: Option<&str>, columns: Option<&[String]>, out: &mut String) {
    match doc {
        Doc::Object(fields) => text_object(fields, name, columns, out),
        Doc::Array(items) => text_list(items, name, out),
        scalar => {
            out.push_str(&scalar.py_str());
            out.push('\n');
        }
    }
}

fn text_list(items: &[Doc], name: Option<&str>, out: &mut String) {
    if items.is_empty() {
        return;
    }
    if items.iter().any(|i| matches!(i, Doc::Object(_))) {
        let mut columns: Vec<String> = items
            .iter()
            .filter_map(|i| match i {
                Doc::Object(f) => Some(f),
                _ => None,
            })
            .flatten()
            .filter(|(_, v)| v.is_scalar())
            .map(|(k, _)| k.clone())
            .collect();
        columns.sort();
        columns.dedup();
        for item in items {
            text_item(item, name, Some(&columns), out);
        }
    } else if items.iter().any(|i| matches!(i, Doc::Array(_))) {
        let scalars: Vec<&Doc> = items.iter().filter(|i| i.is_scalar()).collect();
        if !scalars.is_empty() {
            text_scalars(&scalars, name, out);
        }
        for item in items.iter().filter(|i| !i.is_scalar()) {
            text_item(item, name, None, out);
        }
    } else {
        let scalars: Vec<&Doc> = items.iter().collect();
        text_scalars(&scalars, name, out);
    }
}

fn text_scalars(items: &[&Doc], name: Option<&str>, out: &mut String) {
    match name {
        Some(name) => {
            for item in items {
                let _ = writeln!(out, "{}\t{}", name.to_uppercase(), item.py_str());
            }
        }
        None => {
            let line: Vec<String> = items.iter().map(|i| i.py_str()).collect();
            out.push_str(&line.join("\t"));
            out.push('\n');
        }
    }
}

fn text_object(
    fields: &[(String, Doc)],
    name: Option<&str>,
    columns: Option<&[String]>,
    out: &mut String,
) {
    let mut scalars: Vec<String> = Vec::new();
    let mut nested: Vec<(&String, &Doc)> = Vec::new();
    match columns {
        None => {
            let mut sorted: Vec<&(String, Doc)> = fields.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            for (k, v) in sorted {
                if v.is_scalar() {
                    scalars.push(v.py_str());
                } else {
                    nested.push((k, v));
                }
            }
        }
        Some(columns) => {
            for c in columns {
                let value = fields.iter().find(|(k, _)| k == c).map(|(_, v)| v);
                scalars.push(value.map(Doc::py_str).unwrap_or_default());
            }
            let mut rest: Vec<&(String, Doc)> = fields
                .iter()
                .filter(|(k, _)| !columns.contains(k))
                .collect();
            rest.sort_by(|a, b| a.0.cmp(&b.0));
            nested.extend(rest.into_iter().map(|(k, v)| (k, v)));
        }
    }
    if !scalars.is_empty() {
        if let Some(name) = name {
            scalars.insert(0, name.to_uppercase());
        }
        out.push_str(&scalars.join("\t"));
        out.push('\n');
    }
    for (k, v) in nested {
        text_item(v, Some(k), None, out);
    }
}

/// `export` lines for `eval`, values single-quoted for the shell.
pub(crate) fn env(c: &Credentials) -> String {
    let mut out = String::new();
    let mut line = |name: &str, value: &str| {
        let _ = writeln!(out, "export {name}={}", shell_quote(value));
    };
    line("AWS_ACCESS_KEY_ID", c.access_key_id());
    line("AWS_SECRET_ACCESS_KEY", c.secret_access_key().expose());
    if let Some(t) = c.session_token() {
        line("AWS_SESSION_TOKEN", t.expose());
    }
    if let Some(e) = c.expiration() {
        line("AWS_CREDENTIAL_EXPIRATION", &format_timestamp(e));
    }
    out
}

fn shell_quote(value: &str) -> String {
    if !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/+=-_.:@".contains(c))
    {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', "'\\''"))
    }
}

/// The `credential_process` document, `Version` first as the AWS docs show it.
pub(crate) fn credential_process(c: &Credentials) -> String {
    let mut fields = vec![
        ("Version", "1".to_owned()),
        ("AccessKeyId", json_string(c.access_key_id())),
        (
            "SecretAccessKey",
            json_string(c.secret_access_key().expose()),
        ),
    ];
    if let Some(t) = c.session_token() {
        fields.push(("SessionToken", json_string(t.expose())));
    }
    if let Some(e) = c.expiration() {
        fields.push(("Expiration", json_string(&format_timestamp(e))));
    }
    let body: Vec<String> = fields
        .into_iter()
        .map(|(k, v)| format!("\"{k}\": {v}"))
        .collect();
    format!("{{{}}}\n", body.join(", "))
}

/// A JSON string literal.
pub(crate) fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The usual wire forms come back as they were sent.
    #[test]
    fn wire_times_keep_the_usual_fractions() {
        for wire in [
            "2026-12-07T12:29:24Z",
            "2026-12-07T12:29:24.465Z",
            "2026-12-07T12:29:24.465880Z",
            "2026-12-07T12:29:24.000001Z",
            "2026-12-07T12:29:24.123456789Z",
        ] {
            let t = sts_blocking::sts_proto::time::parse_timestamp(wire).unwrap();
            assert_eq!(wire_time(t), wire);
        }
    }

    #[test]
    fn text_output_follows_the_aws_cli_layout() {
        let obj = |fields: Vec<(&str, Doc)>| {
            Doc::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
        };
        let doc = obj(vec![
            (
                "Credentials",
                obj(vec![
                    ("AccessKeyId", Doc::Str("ASIA".into())),
                    ("SecretAccessKey", Doc::Str("s".into())),
                    ("SessionToken", Doc::Str("t".into())),
                    ("Expiration", Doc::Str("e".into())),
                ]),
            ),
            (
                "AssumedRoleUser",
                obj(vec![
                    ("AssumedRoleId", Doc::Str("id".into())),
                    ("Arn", Doc::Str("arn".into())),
                ]),
            ),
            ("PackedPolicySize", Doc::Int(6)),
        ]);
        assert_eq!(
            text(&doc),
            "6\nASSUMEDROLEUSER\tarn\tid\nCREDENTIALS\tASIA\te\ts\tt\n"
        );
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("AKIA/x+y="), "AKIA/x+y=");
        assert_eq!(shell_quote("a b'c"), "'a b'\\''c'");
        assert_eq!(shell_quote(""), "''");
    }
}
