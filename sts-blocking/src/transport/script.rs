//! A transport for unit tests: answers from a script and keeps the bodies
//! it was sent.

use std::sync::Mutex;
use std::time::Duration;

use super::{Transport, TransportError, TransportFailure};

/// Answers `(status, error code)` in turn, the last one repeated: status 0
/// is a refused connection, 200 a `GetCallerIdentity` result, anything
/// else an error document with the code; every answer carries `date` as
/// its `Date` header, if set. Keeps every body sent.
#[derive(Debug, Default)]
pub(crate) struct Script {
    pub(crate) answers: Mutex<Vec<(u16, &'static str)>>,
    pub(crate) date: Option<&'static str>,
    pub(crate) sent: Mutex<Vec<String>>,
}

impl Script {
    /// A script of `answers`.
    pub(crate) fn new(answers: &[(u16, &'static str)]) -> Self {
        Self {
            answers: Mutex::new(answers.to_vec()),
            date: None,
            sent: Mutex::default(),
        }
    }
}

impl Transport for Script {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let body = String::from_utf8_lossy(request.body()).into_owned();
        self.sent.lock().unwrap().push(body);
        let mut answers = self.answers.lock().unwrap();
        let (status, code) = if answers.len() > 1 {
            answers.remove(0)
        } else {
            answers[0]
        };
        if status == 0 {
            return Err(TransportError::new(TransportFailure::Connect, "refused"));
        }
        let body = if status == 200 {
            "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:me</Arn>\
             </GetCallerIdentityResult></GetCallerIdentityResponse>"
                .to_owned()
        } else {
            format!("<ErrorResponse><Error><Code>{code}</Code></Error></ErrorResponse>")
        };
        let mut response = http::Response::builder().status(status);
        if let Some(date) = self.date {
            response = response.header(http::header::DATE, date);
        }
        Ok(response.body(body.into_bytes()).unwrap())
    }
}

/// Answers `AssumeRole` with role credentials (`ASIAROLE`) and
/// anything else as `GetCallerIdentity`, and keeps each request's
/// action and URL, and its body.
#[derive(Debug, Default)]
pub(crate) struct RoleServer {
    pub(crate) seen: Mutex<Vec<(String, String)>>,
    /// Each request's body.
    pub(crate) bodies: Mutex<Vec<String>>,
}

impl Transport for RoleServer {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let body = String::from_utf8_lossy(request.body()).into_owned();
        let action = body
            .split('&')
            .find_map(|p| p.strip_prefix("Action="))
            .unwrap_or_default()
            .to_owned();
        let xml = if action == "AssumeRole" {
            "<AssumeRoleResponse><AssumeRoleResult><Credentials>\
             <AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>s</SecretAccessKey>\
             <SessionToken>t</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>\
             </Credentials><AssumedRoleUser><AssumedRoleId>AROA:x</AssumedRoleId>\
             <Arn>arn:aws:sts::123456789012:assumed-role/r/x</Arn></AssumedRoleUser>\
             </AssumeRoleResult></AssumeRoleResponse>"
        } else {
            "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:me</Arn>\
             </GetCallerIdentityResult></GetCallerIdentityResponse>"
        };
        let url = request.uri().to_string();
        self.seen.lock().unwrap().push((action, url));
        self.bodies.lock().unwrap().push(body);
        Ok(http::Response::new(xml.as_bytes().to_vec()))
    }
}
