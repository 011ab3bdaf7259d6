//! The C library's default chain (`STS_CREDENTIALS_DEFAULT_CHAIN`, the zero
//! value of the options) reaches the credentials sources of a container
//! host: with only `AWS_CONTAINER_CREDENTIALS_FULL_URI` and an
//! authorization token in the environment, the client signs with the
//! credentials the container endpoint hands out.
//!
//! One test in its own binary, because it sets the process environment.
//! Both servers are loopback stand-ins of this file.

#![allow(unsafe_code)]

use std::ffi::{CStr, CString};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use sts_ffi::*;

/// Answers up to `requests` HTTP/1.1 requests on one listener with `body`
/// (and `content_type`), sending each request's head to `seen`. Bounded:
/// every read times out, and the thread ends after `requests` requests.
fn serve(
    requests: usize,
    content_type: &'static str,
    body: String,
    seen: mpsc::Sender<String>,
) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for _ in 0..requests {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut request_body = vec![0; length.min(1 << 20)];
            let _ = reader.read_exact(&mut request_body);
            let _ = seen.send(head);
            let mut stream = reader.into_inner();
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[test]
fn the_default_chain_signs_with_container_credentials() {
    let (container_seen, container_heads) = mpsc::channel();
    let document = r#"{"AccessKeyId": "ASIAFROMCONTAINER",
        "SecretAccessKey": "container-secret", "Token": "container-session-token",
        "Expiration": "2999-01-01T00:00:00Z"}"#
        .to_owned();
    let container = serve(1, "application/json", document, container_seen);

    let (sts_seen, sts_heads) = mpsc::channel();
    let identity = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
        <GetCallerIdentityResult><Arn>arn:aws:sts::123456789012:assumed-role/task/t</Arn>\
        <UserId>AROAEXAMPLE:t</UserId><Account>123456789012</Account></GetCallerIdentityResult>\
        <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
    let sts = serve(1, "text/xml", identity.to_owned(), sts_seen);

    let home = sts_tests::ScratchDir::new("ffi-chain");
    // SAFETY: this binary has one test, so no other thread reads the
    // environment while it is changed.
    unsafe {
        for name in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        ] {
            std::env::remove_var(name);
        }
        std::env::set_var("HOME", &home);
        std::env::set_var("AWS_CONFIG_FILE", home.join("no-config"));
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"));
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
        std::env::set_var(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            format!("{container}/v2/credentials"),
        );
        std::env::set_var("AWS_CONTAINER_AUTHORIZATION_TOKEN", "task-auth-token");
    }

    let region = CString::new("us-east-1").unwrap();
    let endpoint = CString::new(sts).unwrap();
    // SAFETY: the options are plain data whose zero value is documented as
    // "every default" (the default chain among them); the pointers given
    // outlive the calls; each out-pointer is freed once.
    unsafe {
        let mut options: StsClientOptions = std::mem::zeroed();
        options.region = region.as_ptr();
        options.endpoint_url = endpoint.as_ptr();
        assert_eq!(options.credentials_source, STS_CREDENTIALS_DEFAULT_CHAIN);
        let mut client = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        let status = sts_client_new(&options, &mut client, &mut err);
        assert_eq!(status, STS_OK);
        let mut out = std::ptr::null_mut();
        let status = sts_get_caller_identity(client, &mut out, &mut err);
        if status != STS_OK {
            let message = CStr::from_ptr(sts_error_message(err)).to_string_lossy();
            panic!("status {status}: {message}");
        }
        let arn = CStr::from_ptr((*out).arn).to_str().unwrap().to_owned();
        assert!(arn.ends_with("assumed-role/task/t"), "{arn}");
        sts_get_caller_identity_output_free(out);
        sts_client_free(client);
    }

    let asked = container_heads
        .recv_timeout(Duration::from_secs(5))
        .unwrap();
    assert!(asked.starts_with("GET /v2/credentials "), "{asked}");
    assert_eq!(header(&asked, "authorization"), Some("task-auth-token"));
    let signed = sts_heads.recv_timeout(Duration::from_secs(5)).unwrap();
    let auth = header(&signed, "authorization").unwrap();
    assert!(auth.contains("Credential=ASIAFROMCONTAINER/"), "{auth}");
    assert_eq!(
        header(&signed, "x-amz-security-token"),
        Some("container-session-token")
    );
}
