//! `--debug`: every signed request and its response on stderr, with the
//! secrets cut out.

use std::time::Duration;

use sts_blocking::sts_proto::form;
use sts_blocking::transport::{Transport, TransportError};

/// Form parameters whose values are secrets.
const SECRET_PARAMS: &[&str] = &[
    "TokenCode",
    "SAMLAssertion",
    "WebIdentityToken",
    "TradeInToken",
];
/// Response elements whose text is secret.
const SECRET_ELEMENTS: &[&str] = &["SecretAccessKey", "SessionToken", "WebIdentityToken"];
const REDACTED: &str = "** redacted **";

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
        let value = value.to_str().unwrap_or("<binary>");
        let shown = match name.as_str() {
            "authorization" => redact_signature(value),
            "x-amz-security-token" => REDACTED.to_owned(),
            _ => value.to_owned(),
        };
        out.push_str(&format!(">>> {name}: {shown}\n"));
    }
    out.push_str(&format!(
        ">>>\n>>> {}",
        redact_form(&String::from_utf8_lossy(request.body()))
    ));
    out
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
        redact_xml(&String::from_utf8_lossy(response.body()))
    ));
    out
}

fn redact_signature(authorization: &str) -> String {
    match authorization.find("Signature=") {
        Some(i) => format!("{}Signature={REDACTED}", &authorization[..i]),
        None => REDACTED.to_owned(),
    }
}

fn redact_url(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _)) if k == "X-Amz-Signature" || k == "X-Amz-Security-Token" => {
                format!("{k}={REDACTED}")
            }
            _ => p.to_owned(),
        })
        .collect();
    format!("{base}?{}", parts.join("&"))
}

pub(crate) fn redact_form(body: &str) -> String {
    let Ok(pairs) = form::decode(body) else {
        return "<undecodable form body>".to_owned();
    };
    pairs
        .into_iter()
        .map(|(k, v)| {
            if SECRET_PARAMS.contains(&k.as_str()) {
                format!("{k}={REDACTED}")
            } else {
                let mut enc = String::new();
                form::encode_into(&mut enc, &v);
                format!("{k}={enc}")
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Replaces the text of every secret element, with or without a prefix.
pub(crate) fn redact_xml(body: &str) -> String {
    let mut out = body.to_owned();
    for name in SECRET_ELEMENTS {
        let needle = format!("{name}>");
        let mut from = 0;
        while let Some(found) = out[from..].find(&needle) {
            let at = from + found;
            let end_of_tag = at + needle.len();
            let opens = out[..at].ends_with('<')
                || out[..at]
                    .rfind('<')
                    .is_some_and(|lt| !out[lt..at].starts_with("</") && out[lt..at].ends_with(':'));
            if opens {
                let close = out[end_of_tag..]
                    .find('<')
                    .map_or(out.len(), |i| end_of_tag + i);
                out.replace_range(end_of_tag..close, REDACTED);
                from = end_of_tag + REDACTED.len();
            } else {
                from = end_of_tag;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_cut_from_bodies() {
        let xml = "<Credentials><AccessKeyId>ASIA</AccessKeyId><SecretAccessKey>SEKRET</SecretAccessKey>\
                   <sts:SessionToken>TOKEN</sts:SessionToken></Credentials>";
        let shown = redact_xml(xml);
        assert!(
            !shown.contains("SEKRET") && !shown.contains("TOKEN<"),
            "{shown}"
        );
        assert!(shown.contains("ASIA"));
        let form = "Action=AssumeRole&TokenCode=123456&RoleArn=arn%3Ax";
        let shown = redact_form(form);
        assert!(!shown.contains("123456"));
        assert!(shown.contains("RoleArn=arn%3Ax"));
        assert_eq!(
            redact_signature("AWS4-HMAC-SHA256 Credential=A/x, SignedHeaders=host, Signature=abc"),
            "AWS4-HMAC-SHA256 Credential=A/x, SignedHeaders=host, Signature=** redacted **"
        );
    }
}
