//! Printing results as the AWS CLI prints them.

use std::fmt::Write as _;
use std::time::SystemTime;

use sts_blocking::sts_proto::Credentials;
use sts_blocking::sts_proto::ops::*;
use sts_blocking::sts_proto::time::{format_timestamp, from_unix, unix_seconds};
use sts_blocking::sts_proto::types::{AssumedRoleUser, FederatedUser};

/// A result as an ordered tree, in the model's member order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Doc {
    Object(Vec<(&'static str, Doc)>),
    Str(String),
    Int(i64),
}

/// An output with the credentials it carries, if any.
pub(crate) struct Rendered {
    pub(crate) doc: Doc,
    pub(crate) credentials: Option<Credentials>,
}

struct Fields(Vec<(&'static str, Doc)>);

impl Fields {
    fn new() -> Self {
        Self(Vec::new())
    }
    fn str(mut self, name: &'static str, v: Option<&str>) -> Self {
        if let Some(v) = v {
            self.0.push((name, Doc::Str(v.to_owned())));
        }
        self
    }
    fn int(mut self, name: &'static str, v: Option<u32>) -> Self {
        if let Some(v) = v {
            self.0.push((name, Doc::Int(i64::from(v))));
        }
        self
    }
    fn time(self, name: &'static str, v: Option<SystemTime>) -> Self {
        let text = v.map(aws_cli_time);
        self.str(name, text.as_deref())
    }
    fn obj(mut self, name: &'static str, v: Option<Doc>) -> Self {
        if let Some(v) = v {
            self.0.push((name, v));
        }
        self
    }
    fn done(self) -> Doc {
        Doc::Object(self.0)
    }
}

/// `2011-07-15T23:28:33+00:00`, the AWS CLI's timestamp form.
pub(crate) fn aws_cli_time(t: SystemTime) -> String {
    let whole = from_unix(unix_seconds(t), 0).unwrap_or(t);
    let iso = format_timestamp(whole);
    match iso.strip_suffix('Z') {
        Some(base) => format!("{base}+00:00"),
        None => iso,
    }
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
    fn render(&self) -> Rendered {
        let doc = Fields::new()
            .obj("Credentials", Some(credentials(&self.credentials)))
            .obj("AssumedRoleUser", role_user(&self.assumed_role_user))
            .int("PackedPolicySize", self.packed_policy_size)
            .str("SourceIdentity", self.source_identity.as_deref())
            .done();
        with_creds(doc, &self.credentials)
    }
}

impl Render for AssumeRoleWithSamlOutput {
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
            .done();
        with_creds(doc, &self.credentials)
    }
}

impl Render for AssumeRoleWithWebIdentityOutput {
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
            .done();
        with_creds(doc, &self.credentials)
    }
}

impl Render for AssumeRootOutput {
    fn render(&self) -> Rendered {
        let doc = Fields::new()
            .obj("Credentials", Some(credentials(&self.credentials)))
            .str("SourceIdentity", self.source_identity.as_deref())
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
    fn render(&self) -> Rendered {
        let doc = Fields::new()
            .obj("Credentials", Some(credentials(&self.credentials)))
            .obj("FederatedUser", federated_user(&self.federated_user))
            .int("PackedPolicySize", self.packed_policy_size)
            .done();
        with_creds(doc, &self.credentials)
    }
}

impl Render for GetSessionTokenOutput {
    fn render(&self) -> Rendered {
        let doc = Fields::new()
            .obj("Credentials", Some(credentials(&self.credentials)))
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

/// JSON with four-space indentation, as the AWS CLI prints it.
pub(crate) fn json(doc: &Doc) -> String {
    let mut out = String::new();
    write_json(doc, 0, &mut out);
    out.push('\n');
    out
}

fn write_json(doc: &Doc, depth: usize, out: &mut String) {
    match doc {
        Doc::Str(s) => out.push_str(&json_string(s)),
        Doc::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Doc::Object(fields) if fields.is_empty() => out.push_str("{}"),
        Doc::Object(fields) => {
            out.push_str("{\n");
            for (i, (k, v)) in fields.iter().enumerate() {
                out.push_str(&"    ".repeat(depth + 1));
                let _ = write!(out, "\"{k}\": ");
                write_json(v, depth + 1, out);
                if i + 1 < fields.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&"    ".repeat(depth));
            out.push('}');
        }
    }
}

/// The AWS CLI's text output: an object's scalars on one tab-separated
/// line in key order (prefixed by the upper-cased key of the object when
/// nested), then each nested object the same way, in key order.
pub(crate) fn text(doc: &Doc) -> String {
    let mut out = String::new();
    write_text(doc, None, &mut out);
    out
}

fn write_text(doc: &Doc, name: Option<&str>, out: &mut String) {
    let Doc::Object(fields) = doc else {
        return;
    };
    let mut sorted: Vec<&(&str, Doc)> = fields.iter().collect();
    sorted.sort_by_key(|(k, _)| *k);
    let scalars: Vec<String> = sorted
        .iter()
        .filter_map(|(_, v)| match v {
            Doc::Str(s) => Some(s.clone()),
            Doc::Int(n) => Some(n.to_string()),
            Doc::Object(_) => None,
        })
        .collect();
    if !scalars.is_empty() {
        let mut line: Vec<String> = Vec::new();
        if let Some(name) = name {
            line.push(name.to_ascii_uppercase());
        }
        line.extend(scalars);
        out.push_str(&line.join("\t"));
        out.push('\n');
    }
    for (k, v) in sorted {
        if matches!(v, Doc::Object(_)) {
            write_text(v, Some(k), out);
        }
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

    #[test]
    fn text_output_follows_the_aws_cli_layout() {
        let doc = Doc::Object(vec![
            (
                "Credentials",
                Doc::Object(vec![
                    ("AccessKeyId", Doc::Str("ASIA".into())),
                    ("SecretAccessKey", Doc::Str("s".into())),
                    ("SessionToken", Doc::Str("t".into())),
                    ("Expiration", Doc::Str("e".into())),
                ]),
            ),
            (
                "AssumedRoleUser",
                Doc::Object(vec![
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
