//! With `use_environment`, the credentials the environment sets up are
//! fetched with the options the caller gave: a web identity role from
//! `AWS_WEB_IDENTITY_TOKEN_FILE` is assumed through the caller's transport
//! callback and at the caller's endpoint, as the call itself is, not over
//! the built-in HTTP stack at the environment's endpoint.
//!
//! One test in its own binary, because it sets the process environment.
//! The callback answers from memory, so nothing leaves the process.

#![allow(unsafe_code)]

use std::ffi::{CStr, c_void};
use std::sync::Mutex;

use sts_ffi::*;

/// What the callback was asked: `(url, action, authorization)` per request.
static SEEN: Mutex<Vec<(String, String, String)>> = Mutex::new(Vec::new());

const ENDPOINT: &str = "https://sts.vpce-0123.example";

fn answer(action: &str) -> String {
    let result = match action {
        "AssumeRoleWithWebIdentity" => {
            "<Credentials><AccessKeyId>ASIAFROMWEBIDENTITY</AccessKeyId>\
             <SecretAccessKey>web-identity-secret</SecretAccessKey>\
             <SessionToken>web-identity-token</SessionToken>\
             <Expiration>2999-01-01T00:00:00Z</Expiration></Credentials>\
             <AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId>\
             <Arn>arn:aws:sts::123456789012:assumed-role/web/s</Arn></AssumedRoleUser>\
             <SubjectFromWebIdentityToken>sub</SubjectFromWebIdentityToken>"
        }
        _ => {
            "<Arn>arn:aws:sts::123456789012:assumed-role/web/s</Arn>\
             <UserId>AROA:s</UserId><Account>123456789012</Account>"
        }
    };
    format!(
        "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <{action}Result>{result}</{action}Result>\
         <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>"
    )
}

/// Records the request and answers it from memory.
unsafe extern "C" fn in_memory(
    _user_data: *mut c_void,
    request: *const StsHttpRequest,
    _timeout_ms: u32,
    response: *mut StsResponseBuilder,
) -> StsTransportResult {
    // SAFETY: the library hands a valid request and builder for the call.
    unsafe {
        let request = &*request;
        let url = CStr::from_ptr(request.url).to_string_lossy().into_owned();
        let body = std::slice::from_raw_parts(request.body, request.body_len);
        let body = String::from_utf8_lossy(body);
        let action = body
            .split('&')
            .find_map(|p| p.strip_prefix("Action="))
            .unwrap_or("")
            .to_owned();
        let headers = std::slice::from_raw_parts(request.headers, request.headers_len);
        let authorization = headers
            .iter()
            .find(|h| {
                CStr::from_ptr(h.name)
                    .to_string_lossy()
                    .eq_ignore_ascii_case("authorization")
            })
            .map(|h| CStr::from_ptr(h.value).to_string_lossy().into_owned())
            .unwrap_or_default();
        let answer = answer(&action);
        SEEN.lock().unwrap().push((url, action, authorization));
        sts_response_builder_set_status(response, 200);
        sts_response_builder_append_body(response, answer.as_ptr(), answer.len());
    }
    STS_TRANSPORT_OK
}

#[test]
fn the_environments_web_identity_role_is_assumed_through_the_callback() {
    let home = sts_tests::ScratchDir::new("ffi-env-callback");
    let token_file = home.join("token");
    std::fs::write(&token_file, "oidc-token-of-the-pod").unwrap();
    // SAFETY: this binary has one test, so no other thread reads the
    // environment while it is changed.
    unsafe {
        for name in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
            "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_STS",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CA_BUNDLE",
            "AWS_USE_FIPS_ENDPOINT",
            "AWS_USE_DUALSTACK_ENDPOINT",
            "AWS_STS_REGIONAL_ENDPOINTS",
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
            "AWS_MAX_ATTEMPTS",
            "AWS_RETRY_MODE",
            "HTTPS_PROXY",
            "https_proxy",
            "ALL_PROXY",
            "all_proxy",
        ] {
            std::env::remove_var(name);
        }
        std::env::set_var("HOME", &home);
        std::env::set_var("AWS_CONFIG_FILE", home.join("no-config"));
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"));
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
        std::env::set_var("AWS_REGION", "eu-west-1");
        std::env::set_var("AWS_WEB_IDENTITY_TOKEN_FILE", &token_file);
        std::env::set_var("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web");
        std::env::set_var("AWS_ROLE_SESSION_NAME", "pod-session");
    }

    let endpoint = std::ffi::CString::new(ENDPOINT).unwrap();
    // SAFETY: the options are plain data whose zero value is documented as
    // "every default"; the pointers given outlive the calls; each
    // out-pointer is freed once.
    let arn = unsafe {
        let mut options: StsClientOptions = std::mem::zeroed();
        options.use_environment = 1;
        options.endpoint_url = endpoint.as_ptr();
        options.transport = Some(in_memory);
        options.max_attempts = StsOptionalU32 {
            present: 1,
            value: 1,
        };
        assert_eq!(options.credentials_source, STS_CREDENTIALS_DEFAULT_CHAIN);
        let mut client = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        assert_eq!(sts_client_new(&options, &mut client, &mut err), STS_OK);
        let mut out = std::ptr::null_mut();
        let status = sts_get_caller_identity(client, &mut out, &mut err);
        if status != STS_OK {
            let message = CStr::from_ptr(sts_error_message(err)).to_string_lossy();
            panic!("status {status}: {message}");
        }
        let arn = CStr::from_ptr((*out).arn).to_str().unwrap().to_owned();
        sts_get_caller_identity_output_free(out);
        sts_client_free(client);
        arn
    };

    assert!(arn.ends_with("assumed-role/web/s"), "{arn}");
    let seen = SEEN.lock().unwrap();
    let actions: Vec<(&str, &str)> = seen
        .iter()
        .map(|(url, action, _)| (url.as_str(), action.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            (
                "https://sts.vpce-0123.example/",
                "AssumeRoleWithWebIdentity"
            ),
            ("https://sts.vpce-0123.example/", "GetCallerIdentity"),
        ]
    );
    // The call is signed with the role's credentials, for the
    // environment's region.
    let authorization = &seen[1].2;
    assert!(
        authorization.contains("Credential=ASIAFROMWEBIDENTITY/")
            && authorization.contains("/eu-west-1/sts/aws4_request"),
        "{authorization}"
    );
}
