//! The C ABI of the STS client.
//!
//! C and C++ programs get the same client as Rust programs: a handle built
//! from an options struct and shared by any number of threads, the twelve
//! operations with owned result and error objects, a sans-IO path (prepare
//! a signed request, send it with your own HTTP stack, parse the answer)
//! an exchange (the same, driven in a loop: the library signs each attempt
//! and decides on retries, back-off and clock-skew re-signing, the caller
//! sends and sleeps) and a callback transport (the client keeps its retries, signing and
//! parsing but sends through your function). `include/sts.h` is generated
//! from this crate by cbindgen and committed; `tests/header.rs` fails when
//! it is out of date. The crate's README has the rules and examples, and
//! `examples/exchange_curl.c` a whole program over libcurl.
//!
//! The sans-IO path, from Rust for the sake of a runnable example (a C
//! program makes the same calls through `sts.h`): a client, a signed
//! `GetCallerIdentity` request to send with any HTTP stack, and the frees.
//!
//! ```
//! use std::ffi::{CStr, CString};
//! use std::ptr;
//! use sts_ffi::*;
//!
//! let region = CString::new("eu-west-1").unwrap();
//! let key_id = CString::new("AKIDEXAMPLE").unwrap();
//! let secret = CString::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").unwrap();
//! // SAFETY: a zero-filled options struct is every default; the strings
//! // outlive the calls; each object is freed once.
//! unsafe {
//!     let mut options: StsClientOptions = std::mem::zeroed();
//!     options.region = region.as_ptr();
//!     options.credentials_source = STS_CREDENTIALS_STATIC;
//!     options.access_key_id = key_id.as_ptr();
//!     options.secret_access_key = secret.as_ptr();
//!     let (mut client, mut err) = (ptr::null_mut(), ptr::null_mut());
//!     assert_eq!(sts_client_new(&options, &mut client, &mut err), STS_OK);
//!
//!     let mut request = ptr::null_mut();
//!     assert_eq!(sts_prepare_get_caller_identity(client, &mut request, &mut err), STS_OK);
//!     let url = CStr::from_ptr((*request).url).to_str().unwrap();
//!     assert_eq!(url, "https://sts.eu-west-1.amazonaws.com/");
//!     // Send `method`, `url`, `headers` and `body`, then hand the answer to
//!     // `sts_parse_get_caller_identity`.
//!     sts_http_request_free(request);
//!     sts_client_free(client);
//! }
//! ```
//!
//! The rules every exported function keeps live in one place, the private
//! `boundary` module: no panic crosses into C, a NULL or non-UTF-8 argument is
//! an error status, an output slot that still holds an object is never
//! overwritten, and owned results wipe their memory when freed.

#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

mod boundary;
mod client;
mod error;
mod exchange;
mod http;
mod ops;
mod status;
mod types;

pub use client::*;
pub use error::{
    StsError, sts_error_category, sts_error_code, sts_error_field, sts_error_free,
    sts_error_http_status, sts_error_is_retryable, sts_error_message, sts_error_request_id,
    sts_error_service_message, sts_error_status,
};
pub use exchange::{
    STS_DECISION_DONE, STS_DECISION_FAILED, STS_DECISION_SEND_NOW, STS_DECISION_WAIT,
    STS_NEXT_SEND, STS_NEXT_WAIT, StsDecisionKind, StsExchange, StsExchangeDecision,
    StsExchangeNext, StsNextKind, sts_exchange_free, sts_exchange_next, sts_exchange_response,
    sts_exchange_transport_failure,
};
pub use http::{
    StsHeader, StsHttpRequest, StsHttpResponse, StsResponseBuilder, sts_http_request_free,
    sts_response_builder_add_header, sts_response_builder_append_body,
    sts_response_builder_set_error, sts_response_builder_set_status,
};
pub use ops::assume_role::*;
pub use ops::assume_role_with_saml::*;
pub use ops::assume_role_with_web_identity::*;
pub use ops::assume_root::*;
pub use ops::decode_authorization_message::*;
pub use ops::get_access_key_info::*;
pub use ops::get_caller_identity::*;
pub use ops::get_delegated_access_token::*;
pub use ops::get_federation_token::*;
pub use ops::get_scoped_credentials::*;
pub use ops::get_session_token::*;
pub use ops::get_web_identity_token::*;
pub use status::*;
pub use types::{
    StsAssumedRoleUser, StsCredentials, StsFederatedUser, StsKeyValue, StsOptionalI32,
    StsOptionalI64, StsOptionalU32, StsProvidedContext, StsScopedSession, StsTag,
    StsTrustedIdentityPropagationContext,
};
