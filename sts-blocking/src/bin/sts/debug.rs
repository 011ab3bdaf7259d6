//! `--debug`: every signed request and its response on stderr, with the
//! secrets cut out.
//!
//! What counts as a secret is what `sts-proto` keeps in a `SecretString`:
//! the credentials' secret key and session token, MFA codes, SAML
//! assertions, web identity tokens and trade-in tokens, and the request
//! signature. Responses are redacted from the parsed document, not by
//! searching the text: XML can spell one element many ways (a prefix, a
//! default namespace, CDATA, character references, comments between the
//! pieces), and each of them reaches the same string once parsed. A body
//! that does not parse is not shown at all.

use std::borrow::Cow;
use std::ops::Range;
use std::time::Duration;

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use sts_blocking::sts_proto::error::is_unshowable;
use sts_blocking::sts_proto::form;
use sts_blocking::sts_proto::xml::{self, XmlLimits};
use sts_blocking::transport::{Transport, TransportError};

/// Form and query parameters whose values are secrets: the members that
/// the `sts-proto` requests hold as `SecretString`, and the presigned
/// URL's signature and session token.
///
/// Matched against a parameter's last dotted segment, so that a list's
/// member (`ProvidedContexts.member.1.ContextAssertion`) is one too.
const SECRET_PARAMS: &[&str] = &[
    "TokenCode",
    // Signed by its provider, it vouches for whoever holds it.
    "ContextAssertion",
    "SAMLAssertion",
    "WebIdentityToken",
    "TradeInToken",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
];
/// Response elements (by local name) whose content is secret: the
/// `Credentials` members, `GetWebIdentityToken`'s token, and the trusted
/// identity propagation context of the SAML and web identity answers,
/// which describes the end user and which the model marks sensitive ("do
/// not log it"); it goes whole, as its members share names (`Subject`,
/// `Issuer`) with members of the same answers that are not sensitive.
const SECRET_ELEMENTS: &[&str] = &[
    "SecretAccessKey",
    "SessionToken",
    "WebIdentityToken",
    "TrustedIdentityPropagationContext",
];
const REDACTED: &str = "** redacted **";
/// Request headers whose values are secrets or stand for one, whether or
/// not the sender marked them sensitive: the session token, the tokens of
/// SSO, instance metadata and console login (its DPoP proof).
const SECRET_HEADERS: &[&str] = &[
    "x-amz-security-token",
    "x-amz-sso_bearer_token",
    "x-aws-ec2-metadata-token",
    "dpop",
];
/// The content type of STS requests, the only bodies `--debug` shows.
const FORM: &str = "application/x-www-form-urlencoded";

/// Prints what passes through the wrapped transport.
#[derive(Debug)]
pub(crate) struct DebugTransport<T>(pub(crate) T);

impl<T: Transport> Transport for DebugTransport<T> {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        eprintln!("{}", describe_request(&request));
        let result = self.0.send(request, timeout);
        match &result {
            Ok(response) => eprintln!("{}", describe_response(response)),
            Err(e) => eprintln!("<<< transport error: {e}"),
        }
        result
    }
}

pub(crate) fn describe_request(request: &http::Request<Vec<u8>>) -> String {
    let mut out = format!(
        ">>> {} {}\n",
        request.method(),
        redact_url(&request.uri().to_string())
    );
    for (name, value) in request.headers() {
        let shown = if name == http::header::AUTHORIZATION {
            value
                .to_str()
                .map_or_else(|_| REDACTED.to_owned(), redact_signature)
        } else if value.is_sensitive() || SECRET_HEADERS.contains(&name.as_str()) {
            // The signer marks the session token (and the signature)
            // sensitive, as the credential sources mark their tokens; the
            // names keep a token added some other way out too.
            REDACTED.to_owned()
        } else {
            value.to_str().unwrap_or("<binary>").to_owned()
        };
        out.push_str(&format!(">>> {name}: {shown}\n"));
    }
    out.push_str(&format!(">>>\n>>> {}", redact_body(request)));
    out
}

/// A request body as `--debug` shows it: an STS form with its secret
/// values cut out. The credential sources' own requests (an SSO token
/// refresh, a console login refresh) send JSON whose values are client
/// secrets and refresh tokens, and the form reader would take such a
/// document for one parameter name and print it whole; no body but a form
/// is shown.
fn redact_body(request: &http::Request<Vec<u8>>) -> String {
    let body = request.body();
    if body.is_empty() {
        return String::new();
    }
    let is_form = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(FORM));
    if is_form {
        redact_form(&String::from_utf8_lossy(body))
    } else {
        format!("<body of {} bytes not shown: not a form>", body.len())
    }
}

pub(crate) fn describe_response(response: &http::Response<Vec<u8>>) -> String {
    let mut out = format!("<<< HTTP {}\n", response.status().as_u16());
    for (name, value) in response.headers() {
        out.push_str(&format!(
            "<<< {name}: {}\n",
            value.to_str().unwrap_or("<binary>")
        ));
    }
    out.push_str(&format!(
        "<<<\n<<< {}",
        escaped(&redact_xml(response.body()))
    ));
    out
}

/// `text` with what would act on the terminal rather than show (an escape
/// sequence, a carriage return, a right-to-left override: the XML reader
/// lets a server's raw control characters through) escaped as `\u{…}`;
/// line breaks and tabs, which lay out a document, stay.
fn escaped(text: &str) -> Cow<'_, str> {
    let acts = |c: char| is_unshowable(c) && c != '\n' && c != '\t';
    if !text.chars().any(acts) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if acts(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

pub(crate) fn is_secret_param(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    SECRET_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(last))
}

/// The `Authorization` header up to its signature.
fn redact_signature(authorization: &str) -> String {
    match authorization.find("Signature=") {
        Some(i) => format!("{}Signature={REDACTED}", &authorization[..i]),
        None => REDACTED.to_owned(),
    }
}

/// The URL with the values of secret query parameters cut out; a query
/// that does not decode is cut out whole.
fn redact_url(url: &str) -> String {
    match url.split_once('?') {
        None => url.to_owned(),
        Some((base, query)) => format!("{base}?{}", redact_form(query)),
    }
}

/// A form body (or query) with the values of secret parameters cut out,
/// matched by their decoded names.
pub(crate) fn redact_form(body: &str) -> String {
    let Ok(pairs) = form::decode(body) else {
        return "<undecodable form body>".to_owned();
    };
    pairs
        .into_iter()
        .map(|(k, v)| {
            let mut pair = String::new();
            form::encode_into(&mut pair, &k);
            pair.push('=');
            if is_secret_param(&k) {
                pair.push_str(REDACTED);
            } else {
                form::encode_into(&mut pair, &v);
            }
            pair
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A response body with the content of every secret element replaced, or,
/// when it is not a document `sts-proto` would read, a note in its place.
pub(crate) fn redact_xml(body: &[u8]) -> String {
    if body.is_empty() {
        return String::new();
    }
    let withheld =
        |why: &dyn std::fmt::Display| format!("<body of {} bytes not shown: {why}>", body.len());
    // The client's own reader decides what is a document: what it refuses
    // never becomes credentials, and cannot be redacted with confidence.
    if let Err(e) = xml::parse(body, &XmlLimits::default()) {
        return withheld(&e);
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return withheld(&"it is not UTF-8");
    };
    match secret_spans(text) {
        Ok(spans) => {
            let mut out = String::with_capacity(text.len());
            let mut at = 0;
            for (range, replacement) in spans {
                out.push_str(&text[at..range.start]);
                out.push_str(&replacement);
                at = range.end;
            }
            out.push_str(&text[at..]);
            out
        }
        Err(why) => withheld(&why),
    }
}

/// The byte ranges of `text` to replace, in order, with their replacements:
/// each secret element whole (its attributes included), and the tag of any
/// other element that has an attribute named like a secret.
fn secret_spans(text: &str) -> Result<Vec<(Range<usize>, String)>, &'static str> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut spans = Vec::new();
    let mut depth = 0usize;
    // The depth, start offset and name of the open secret element.
    let mut secret: Option<(usize, usize, String)> = None;
    loop {
        let before = offset(reader.buffer_position())?;
        let event = reader
            .read_event()
            .map_err(|_| "the redactor could not read it")?;
        let after = offset(reader.buffer_position())?;
        match event {
            // Inside a secret element everything is replaced anyway.
            Event::Start(_) | Event::Empty(_) if secret.is_some() => {
                depth += usize::from(matches!(event, Event::Start(_)));
            }
            Event::Start(tag) => {
                depth += 1;
                if is_secret_element(&tag) {
                    secret = Some((depth, before, tag.name().into_inner().to_owned()));
                } else if has_secret_attribute(&tag)? {
                    spans.push((before..after, redacted_tag(&tag, false)));
                }
            }
            Event::Empty(tag) if is_secret_element(&tag) || has_secret_attribute(&tag)? => {
                spans.push((before..after, redacted_tag(&tag, true)));
            }
            Event::End(_) => {
                if let Some((open_depth, start, name)) = &secret
                    && *open_depth == depth
                {
                    spans.push((*start..after, format!("<{name}>{REDACTED}</{name}>")));
                    secret = None;
                }
                depth = depth.saturating_sub(1);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if secret.is_some() {
        return Err("a secret element does not close");
    }
    Ok(spans)
}

fn offset(position: u64) -> Result<usize, &'static str> {
    usize::try_from(position).map_err(|_| "it is too large")
}

fn is_secret_name(local_name: &str) -> bool {
    SECRET_ELEMENTS
        .iter()
        .any(|s| s.eq_ignore_ascii_case(local_name))
}

fn is_secret_element(tag: &BytesStart<'_>) -> bool {
    is_secret_name(tag.local_name().into_inner())
}

/// Whether an attribute of `tag` is named like a secret element. The
/// client never reads attributes, but a server that put a secret there
/// would still have sent it.
fn has_secret_attribute(tag: &BytesStart<'_>) -> Result<bool, &'static str> {
    for attribute in tag.attributes() {
        let attribute = attribute.map_err(|_| "an attribute is malformed")?;
        if is_secret_name(attribute.key.local_name().into_inner()) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `tag` without its attributes, which may hold the secret.
fn redacted_tag(tag: &BytesStart<'_>, empty: bool) -> String {
    let name = tag.name().into_inner();
    let attributes = if tag.attributes().next().is_some() {
        format!(" {REDACTED}")
    } else {
        String::new()
    };
    if empty {
        format!("<{name}{attributes}/>")
    } else {
        format!("<{name}{attributes}>")
    }
}

#[cfg(test)]
mod tests {
    use sts_blocking::sts_proto::Operation;
    use sts_blocking::sts_proto::operation;
    use sts_blocking::sts_proto::ops::{
        AssumeRole, AssumeRoleWithSaml, AssumeRoleWithWebIdentity, GetDelegatedAccessToken,
        GetSessionToken, GetWebIdentityToken,
    };

    use super::*;

    const SECRET: &str = "SEKRET/key+value";
    const TOKEN: &str = "TOKEN-value";

    /// An `AssumeRole` response with `credentials` as the `Credentials`
    /// element's content and `root_attributes` on the root.
    fn assume_role(root_attributes: &str, credentials: &str) -> String {
        format!(
            "<AssumeRoleResponse{root_attributes}><AssumeRoleResult><Credentials>{credentials}\
             </Credentials><AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId>\
             <Arn>arn:aws:sts::1:assumed-role/r/s</Arn></AssumedRoleUser></AssumeRoleResult>\
             <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>\
             </AssumeRoleResponse>"
        )
    }

    /// The client reads `SECRET` and `TOKEN` from `body`, and `--debug`
    /// shows neither.
    fn check_hidden(body: &str) {
        let creds = operation::parse::<AssumeRole>(200, &http::HeaderMap::new(), body.as_bytes())
            .unwrap_or_else(|e| panic!("the client refuses {body}: {e}"))
            .credentials;
        assert_eq!(creds.secret_access_key().expose(), SECRET, "{body}");
        assert_eq!(creds.session_token().map(|t| t.expose()), Some(TOKEN));
        let shown = redact_xml(body.as_bytes());
        for secret in [SECRET, TOKEN, "SEKRET", "TOKEN-", "-value", "key+"] {
            assert!(!shown.contains(secret), "{secret} shown: {shown}");
        }
        assert!(shown.contains("ASIAKEY"), "{shown}");
        assert!(shown.contains(REDACTED), "{shown}");
    }

    const OTHERS: &str =
        "<AccessKeyId>ASIAKEY</AccessKeyId><Expiration>2030-01-01T00:00:00Z</Expiration>";

    #[test]
    fn plain_elements_are_redacted_and_the_rest_is_unchanged() {
        let body = assume_role(
            r#" xmlns="https://sts.amazonaws.com/doc/2011-06-15/""#,
            &format!(
                "{OTHERS}<SecretAccessKey>{SECRET}</SecretAccessKey><SessionToken>{TOKEN}</SessionToken>"
            ),
        );
        check_hidden(&body);
        let shown = redact_xml(body.as_bytes());
        let expected = body
            .replace(
                &format!("<SecretAccessKey>{SECRET}</SecretAccessKey>"),
                "<SecretAccessKey>** redacted **</SecretAccessKey>",
            )
            .replace(
                &format!("<SessionToken>{TOKEN}</SessionToken>"),
                "<SessionToken>** redacted **</SessionToken>",
            );
        assert_eq!(shown, expected);
        // Whatever is inside a secret element goes, child elements included.
        let nested = format!("<R><SessionToken>a<B>{TOKEN}</B><C/></SessionToken><D/></R>");
        assert_eq!(
            redact_xml(nested.as_bytes()),
            "<R><SessionToken>** redacted **</SessionToken><D/></R>"
        );
        // A document without secrets comes through byte for byte.
        let plain = "<?xml version=\"1.0\"?>\n<!-- c --><R a=\"1\">\n  <A>x &amp; y</A><B/><![CDATA[z]]></R>\n";
        assert_eq!(redact_xml(plain.as_bytes()), plain);
    }

    #[test]
    fn the_end_users_propagated_identity_is_redacted_whole() {
        let body = "<AssumeRoleWithSAMLResponse><AssumeRoleWithSAMLResult>\
            <Subject>saml-subject</Subject>\
            <TrustedIdentityPropagationContext><OriginIdentity>\
            <Subject>alice@example.com</Subject><Issuer>https://idp.example.com</Issuer>\
            </OriginIdentity><TransactionContext><IdentityProvider>\
            <entry><key>tenant</key><value>blue-tenant</value></entry>\
            </IdentityProvider></TransactionContext></TrustedIdentityPropagationContext>\
            </AssumeRoleWithSAMLResult></AssumeRoleWithSAMLResponse>";
        let shown = redact_xml(body.as_bytes());
        for private in [
            "alice@example.com",
            "idp.example.com",
            "blue-tenant",
            "tenant",
        ] {
            assert!(!shown.contains(private), "{private} shown: {shown}");
        }
        assert!(
            shown.contains(&format!(
                "<TrustedIdentityPropagationContext>{REDACTED}</TrustedIdentityPropagationContext>"
            )),
            "{shown}"
        );
        // The answer's own Subject, which is not sensitive, stays.
        assert!(shown.contains("<Subject>saml-subject</Subject>"), "{shown}");
    }

    #[test]
    fn cdata_is_redacted() {
        check_hidden(&assume_role(
            "",
            &format!(
                "{OTHERS}<SecretAccessKey><![CDATA[{SECRET}]]></SecretAccessKey>\
                 <SessionToken><![CDATA[TOKEN-]]><![CDATA[value]]></SessionToken>"
            ),
        ));
    }

    #[test]
    fn prefixes_and_namespaces_are_redacted() {
        check_hidden(&assume_role(
            r#" xmlns:sts="https://sts.amazonaws.com/doc/2011-06-15/""#,
            &format!(
                "{OTHERS}<sts:SecretAccessKey>{SECRET}</sts:SecretAccessKey>\
                 <SessionToken xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">{TOKEN}</SessionToken>"
            ),
        ));
    }

    #[test]
    fn entities_and_character_references_are_redacted() {
        check_hidden(&assume_role(
            "",
            &format!(
                "{OTHERS}<SecretAccessKey>&#83;EKRET/key&#x2B;value</SecretAccessKey>\
                 <SessionToken>TOKEN&#45;value</SessionToken>"
            ),
        ));
    }

    #[test]
    fn comments_splitting_the_text_are_redacted() {
        check_hidden(&assume_role(
            "",
            &format!(
                "{OTHERS}<SecretAccessKey>SEKRET/<!-- x -->key+<!---->value</SecretAccessKey>\
                 <SessionToken>TOKEN-<?pi x?>value</SessionToken>"
            ),
        ));
    }

    #[test]
    fn attributes_are_redacted() {
        let body = assume_role(
            "",
            &format!(
                "{OTHERS}<SecretAccessKey note=\"{SECRET}\">{SECRET}</SecretAccessKey>\
                 <SessionToken>{TOKEN}</SessionToken><X SessionToken=\"{TOKEN}\"/>\
                 <Y a:secretaccesskey=\"{SECRET}\" xmlns:a=\"u\"></Y>"
            ),
        );
        check_hidden(&body);
        let shown = redact_xml(body.as_bytes());
        assert!(shown.contains("<X ** redacted **/>"), "{shown}");
        assert!(shown.contains("<Y ** redacted **></Y>"), "{shown}");
    }

    #[test]
    fn web_identity_tokens_are_redacted() {
        let body = "<GetWebIdentityTokenResponse><GetWebIdentityTokenResult>\
                    <WebIdentityToken><![CDATA[eyJ.eyJ.sig]]></WebIdentityToken>\
                    </GetWebIdentityTokenResult></GetWebIdentityTokenResponse>";
        let out =
            operation::parse::<GetWebIdentityToken>(200, &http::HeaderMap::new(), body.as_bytes())
                .unwrap();
        assert!(out.web_identity_token.is_some());
        assert!(!redact_xml(body.as_bytes()).contains("eyJ"));
    }

    #[test]
    fn bodies_that_do_not_parse_are_not_shown() {
        for body in [
            format!("<R><SecretAccessKey>{SECRET}</SecretAccessKey>"),
            format!("<R><SecretAccessKey>{SECRET}</R>"),
            format!("<!DOCTYPE r><R><SecretAccessKey>{SECRET}</SecretAccessKey></R>"),
            format!("<R><SecretAccessKey>{SECRET}&bogus;</SecretAccessKey></R>"),
            format!("SecretAccessKey={SECRET}"),
            format!("{{\"SecretAccessKey\": \"{SECRET}\"}}"),
            format!("<html><body>{SECRET}<br></body></html>"),
        ] {
            let shown = redact_xml(body.as_bytes());
            assert!(!shown.contains("SEKRET"), "{shown}");
            assert!(
                shown.starts_with(&format!("<body of {} bytes not shown: ", body.len())),
                "{shown}"
            );
        }
        let mut bytes = format!("<R><SecretAccessKey>{SECRET}").into_bytes();
        bytes.extend_from_slice(b"\xff</SecretAccessKey></R>");
        assert!(!redact_xml(&bytes).contains("SEKRET"));
        assert_eq!(redact_xml(b""), "");
    }

    #[test]
    fn request_secrets_are_cut_from_every_operation_body() {
        let bodies = [
            AssumeRole::new("arn:aws:iam::1:role/r", "s")
                .mfa("arn:aws:iam::1:mfa/u", "SECRET-1")
                .form_body(),
            GetSessionToken::new()
                .mfa("arn:aws:iam::1:mfa/u", "SECRET-2")
                .form_body(),
            AssumeRoleWithSaml::new(
                "arn:aws:iam::1:role/r",
                "arn:aws:iam::1:saml-provider/p",
                "SECRET-3",
            )
            .form_body(),
            AssumeRoleWithWebIdentity::new("arn:aws:iam::1:role/r", "s", "SECRET-4").form_body(),
            GetDelegatedAccessToken::new("SECRET-5").form_body(),
            AssumeRole::new("arn:aws:iam::1:role/r", "s")
                .provided_context(
                    "arn:aws:iam::aws:contextProvider/IdentityCenter",
                    "SECRET-6",
                )
                .form_body(),
        ];
        for body in bodies {
            let shown = redact_form(&body);
            assert!(!shown.contains("SECRET"), "{shown}");
            assert!(shown.contains("Action="), "{shown}");
        }
        let shown = redact_form("Action=AssumeRole&tokencode=123456&RoleArn=arn%3Ax");
        assert_eq!(
            shown,
            "Action=AssumeRole&tokencode=** redacted **&RoleArn=arn%3Ax"
        );
        // A name spelled with percent-escapes is still the same name.
        assert!(!redact_form("Token%43ode=123456").contains("123456"));
        assert_eq!(redact_form("a=%ZZ"), "<undecodable form body>");
    }

    #[test]
    fn request_headers_and_urls_are_redacted() {
        let mut token = http::HeaderValue::from_static("TOKEN-HEADER");
        token.set_sensitive(true);
        let request = http::Request::builder()
            .method("POST")
            .uri("https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Signature=abc123&X-Amz-Security-Token=TOK")
            .header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=A/x, SignedHeaders=host, Signature=abc123",
            )
            .header("x-amz-security-token", "TOKEN-PLAIN")
            .header("x-other", token)
            .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
            .body(b"Action=GetCallerIdentity&TokenCode=654321".to_vec())
            .unwrap();
        let shown = describe_request(&request);
        for secret in ["abc123", "TOK", "TOKEN-HEADER", "TOKEN-PLAIN", "654321"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(
            shown.contains(
                "authorization: AWS4-HMAC-SHA256 Credential=A/x, SignedHeaders=host, Signature=** redacted **"
            ),
            "{shown}"
        );
        assert!(shown.contains("Action=GetCallerIdentity&X-Amz-Signature=** redacted **"));
        assert!(
            shown.ends_with(">>> Action=GetCallerIdentity&TokenCode=** redacted **"),
            "{shown}"
        );
    }

    /// The requests of the credential sources: an SSO token refresh and a
    /// console login refresh send JSON with a client secret and a refresh
    /// token, and tokens in headers their senders may not mark sensitive.
    #[test]
    fn bodies_other_than_forms_and_token_headers_are_not_shown() {
        let request = http::Request::builder()
            .method("POST")
            .uri("https://oidc.us-east-1.amazonaws.com/token")
            .header("content-type", "application/json")
            .header("dpop", "PROOF.OF.POSSESSION")
            .header("x-amz-sso_bearer_token", "SSO-ACCESS")
            .header("x-aws-ec2-metadata-token", "IMDS-TOKEN")
            .body(
                br#"{"clientId":"c","clientSecret":"CLIENT-SECRET","refreshToken":"REFRESH"}"#
                    .to_vec(),
            )
            .unwrap();
        let shown = describe_request(&request);
        for secret in [
            "CLIENT-SECRET",
            "REFRESH",
            "clientSecret",
            "PROOF",
            "SSO-ACCESS",
            "IMDS-TOKEN",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(
            shown.ends_with(">>> <body of 72 bytes not shown: not a form>"),
            "{shown}"
        );
        assert!(shown.contains(">>> dpop: ** redacted **"), "{shown}");
        // Without a content type, a body is not taken for a form either.
        let untyped = http::Request::builder()
            .method("POST")
            .uri("https://signin.example/v1/token")
            .body(br#"{"refreshToken":"REFRESH"}"#.to_vec())
            .unwrap();
        assert!(!describe_request(&untyped).contains("REFRESH"));
    }
}
