//! The client handle: built from an options struct, shared by any number
//! of threads, optionally sending through a C callback.

use std::ffi::{c_char, c_void};
use std::fmt;
use std::time::Duration;

use sts_blocking::credentials::{
    CachingProvider, NoCredentials, ProviderConfig, named_profile_chain,
};
use sts_blocking::transport::{Transport, TransportError, TransportFailure};
use sts_blocking::{Client, ClientBuilder};
use sts_proto::{Credentials, SecretString};

use crate::boundary::{guard, optional_str, out_slot, required, required_str, run};
use crate::error::{Failure, StsError};
use crate::http::{StsHttpRequest, StsResponseBuilder, request_view};
use crate::status::*;
use crate::types::StsOptionalU32;

/// Where the client's credentials come from.
pub type StsCredentialsSource = i32;

/// The default chain, searched as the AWS SDKs search it: the environment
/// (`AWS_ACCESS_KEY_ID`, …), then the shared config and credentials files
/// (profile `AWS_PROFILE`, else `default`: static keys, roles,
/// `credential_process`, web identity, IAM Identity Center (SSO) and
/// console login sessions), then web identity
/// (`AWS_WEB_IDENTITY_TOKEN_FILE`, EKS), then the container endpoint
/// (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `_FULL_URI`: ECS, EKS Pod
/// Identity), then EC2 instance metadata (IMDSv2; off with
/// `AWS_EC2_METADATA_DISABLED=true`; one attempt with a 1 s timeout by
/// default, so a program off EC2 does not wait). Looked up at the first
/// signed call and cached until shortly before the credentials expire. The
/// zero value, so a zero-filled options struct uses it.
pub const STS_CREDENTIALS_DEFAULT_CHAIN: StsCredentialsSource = 0;
/// The fixed keys in `access_key_id`, `secret_access_key` and
/// `session_token`. An `access_key_id` no request can be signed with
/// (empty, or with a comma, a space, a `/`: a whole line of the IAM
/// console's CSV pasted into it), or an empty `secret_access_key`, is
/// refused by `sts_client_new`; an empty `session_token` is none.
pub const STS_CREDENTIALS_STATIC: StsCredentialsSource = 1;
/// The named profile `profile_name` of the shared config and credentials
/// files (`~/.aws/config` and `~/.aws/credentials`, or the files
/// `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` name), whatever
/// `AWS_PROFILE` says: static keys, `role_arn` with `source_profile`,
/// `web_identity_token_file`, `credential_process`; a profile that is
/// defined but holds no credentials (only a region, say) goes on to the
/// container endpoint and EC2 instance metadata, as the AWS CLI's
/// `--profile` does, never to the environment's keys. Read at the first
/// signed call, not by `sts_client_new`, and cached like the default
/// chain; a missing profile is `STS_ERR_CREDENTIALS` then. With
/// `use_environment`, the profile is also where settings come from, so
/// `sts_client_new` reads it, and a missing profile fails there with
/// `STS_ERR_INVALID_ARGUMENT`.
pub const STS_CREDENTIALS_PROFILE: StsCredentialsSource = 2;
/// No credentials: only the unsigned operations (`AssumeRoleWithSAML`,
/// `AssumeRoleWithWebIdentity`) work; signed ones fail with
/// `STS_ERR_CREDENTIALS`. Nothing is looked up.
pub const STS_CREDENTIALS_NONE: StsCredentialsSource = 3;

/// What a transport callback reports.
pub type StsTransportResult = i32;

/// A complete HTTP response was received and stored in the builder,
/// whatever its status (a 403 or a 503 is still `STS_TRANSPORT_OK`:
/// deciding what a status means is the library's job).
pub const STS_TRANSPORT_OK: StsTransportResult = 0;
/// No connection could be made (refused, DNS, TLS handshake). Retried.
pub const STS_TRANSPORT_CONNECT_FAILED: StsTransportResult = 1;
/// The attempt ran out of time. Retried.
pub const STS_TRANSPORT_TIMED_OUT: StsTransportResult = 2;
/// The connection broke while sending or receiving. Retried. Unknown
/// values are treated as this.
pub const STS_TRANSPORT_IO_ERROR: StsTransportResult = 3;
/// The response body was over the size limit. Not retried.
pub const STS_TRANSPORT_BODY_TOO_LARGE: StsTransportResult = 4;

/// Sends one request with the caller's HTTP stack.
///
/// `request` is borrowed for the duration of the call. Send it as
/// `StsHttpRequest` describes, with a `Content-Length`, giving up after
/// `timeout_ms` milliseconds (0: no limit from the library). Store the
/// response with `sts_response_builder_set_status`, `_add_header` and
/// `_append_body`, and return `STS_TRANSPORT_OK`; or return a failure
/// (optionally described with `sts_response_builder_set_error`).
///
/// It carries every request of the client: the signed STS calls (`POST`
/// of a form), and, with `STS_CREDENTIALS_DEFAULT_CHAIN` or
/// `STS_CREDENTIALS_PROFILE`, the credential sources' own requests: a
/// role profile's STS call, EC2 instance metadata (`PUT` then `GET` to
/// `http://169.254.169.254`), the container endpoint (`GET` with an
/// `Authorization` header that is a secret token), IAM Identity Center and
/// the sign-in service (`POST` of JSON holding refresh tokens). Any method,
/// URL and body can come, and any header may be a secret: send them as
/// given, and log none of them.
///
/// The client calls it once per attempt, from the thread that made the
/// call, so a client shared by several threads calls it concurrently:
/// it and `user_data` must be thread-safe. It must not free the client,
/// and a C++ callback must not let an exception escape (catch it and
/// return `STS_TRANSPORT_IO_ERROR`).
///
/// It must not call the client it belongs to; calls on another client,
/// with credentials of its own, are fine. While the callback carries a
/// credential source's request (a role profile's `AssumeRole`, say), that
/// client is fetching its credentials, and a signed call on it from the
/// callback (`sts_<operation>` or `sts_exchange_<operation>_new`) waits
/// for that fetch, which cannot finish before the callback returns: after
/// 5 seconds it fails with `STS_ERR_CREDENTIALS` and a message saying it
/// "waited 5s for a refresh started by another caller", and the outer
/// call, held those 5 seconds, goes on with whatever the callback then
/// returns. A nested call at any other time happens to work, but is not
/// supported either.
pub type StsTransportFn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        request: *const StsHttpRequest,
        timeout_ms: u32,
        response: *mut StsResponseBuilder,
    ) -> StsTransportResult,
>;

/// How to build a client. Zero-fill it (`memset` or `= {0}`) and set what
/// you need: every zero or NULL member means "the default".
///
/// Strings are read during `sts_client_new` only and copied; the caller
/// keeps ownership. Flags are `uint8_t`: anything but 0 turns the setting
/// on; 0 leaves it to the default, or, with `use_environment`, to the
/// environment and profile (so `AWS_USE_FIPS_ENDPOINT=true` is not turned
/// off by a 0 here).
///
/// Layout (in this order): `region`, `endpoint_url` (pointers);
/// `use_fips`, `use_dual_stack`, `use_global_endpoint`, `use_environment`
/// (`uint8_t`); `credentials_source` (`int32_t`); `access_key_id`,
/// `secret_access_key`, `session_token`, `profile_name` (pointers);
/// `max_attempts`, `connect_timeout_ms`, `attempt_timeout_ms`,
/// `call_timeout_ms` (`StsOptionalU32`); `transport` (function pointer),
/// `transport_user_data` (pointer); `user_agent_suffix` (pointer);
/// `max_clock_skew_ms` (`StsOptionalU32`). The
/// compiler adds the usual C padding.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StsClientOptions {
    /// The region whose endpoint to call and sign for, as `eu-west-1`.
    /// NULL: none (then `endpoint_url` or `use_environment` must supply
    /// one; an explicit endpoint is signed for `us-east-1`).
    pub region: *const c_char,
    /// An explicit endpoint URL (`http(s)://host[:port]`), such as a VPC
    /// endpoint or a local test server. NULL: resolved from the region.
    pub endpoint_url: *const c_char,
    /// Use the FIPS endpoint of the region.
    pub use_fips: u8,
    /// Use the dual-stack (IPv6) endpoint of the region.
    pub use_dual_stack: u8,
    /// Use the legacy global endpoint `sts.amazonaws.com` for the regions
    /// that had it (as `AWS_STS_REGIONAL_ENDPOINTS=legacy`).
    pub use_global_endpoint: u8,
    /// Read the settings the AWS SDKs read from the environment and the
    /// selected profile of the shared config files first (`AWS_REGION`,
    /// `AWS_ENDPOINT_URL_STS`, `AWS_USE_FIPS_ENDPOINT`, `AWS_MAX_ATTEMPTS`,
    /// `AWS_PROFILE`, a profile's `region`, …); members set here then
    /// override them. With `STS_CREDENTIALS_PROFILE`, `profile_name` is the
    /// profile the settings come from, and must exist. Off by default so
    /// that a program's behaviour does not change with its environment
    /// unless it asks for that.
    pub use_environment: u8,
    /// One of `STS_CREDENTIALS_*`.
    pub credentials_source: StsCredentialsSource,
    /// For `STS_CREDENTIALS_STATIC`: the access key id. Required then, and
    /// NULL with any other source (`sts_client_new` fails otherwise, rather
    /// than sign as another identity).
    pub access_key_id: *const c_char,
    /// For `STS_CREDENTIALS_STATIC`: the secret access key. Required then,
    /// and NULL with any other source.
    /// The client keeps a copy, wiped when the client is freed.
    pub secret_access_key: *const c_char,
    /// For `STS_CREDENTIALS_STATIC`: the session token of temporary
    /// credentials, or NULL; NULL with any other source.
    pub session_token: *const c_char,
    /// For `STS_CREDENTIALS_PROFILE`: the profile's name. Required then,
    /// and NULL with any other source.
    pub profile_name: *const c_char,
    /// Attempts per call, the first included (default 3; 1 turns retries
    /// off; 0 is invalid).
    pub max_attempts: StsOptionalU32,
    /// Milliseconds allowed to open a connection with the built-in
    /// transport (default 3000; 0: no limit).
    pub connect_timeout_ms: StsOptionalU32,
    /// Milliseconds allowed for one attempt (default 10000; 0: no limit).
    pub attempt_timeout_ms: StsOptionalU32,
    /// Milliseconds allowed for a whole call, retries and waits included
    /// (default: no limit; 0: no limit).
    pub call_timeout_ms: StsOptionalU32,
    /// Send requests with this callback instead of the built-in HTTP stack.
    /// NULL: built-in (HTTPS with rustls, connection reuse, proxies from
    /// `HTTPS_PROXY`/`NO_PROXY`).
    pub transport: StsTransportFn,
    /// Passed to every `transport` call as is. Must stay valid until the
    /// client and every exchange made from it are freed: an exchange keeps
    /// the client's credential source, which may call `transport` when it
    /// fetches credentials (a role profile's `AssumeRole`, say).
    pub transport_user_data: *mut c_void,
    /// Text appended to the `User-Agent` header, as `myapp/1.2`. NULL: none.
    pub user_agent_suffix: *const c_char,
    /// Milliseconds by which clock-skew answers may move the signing clock,
    /// in total (default one hour; 0 turns clock-skew correction off). A
    /// forged `Date` in an answer could otherwise make the client sign
    /// requests that become valid far in the future.
    pub max_clock_skew_ms: StsOptionalU32,
}

/// A client: endpoint, credentials, retry policy and HTTP stack, ready to
/// call STS. Opaque.
///
/// Ownership: `sts_client_new` gives the caller one; free it with
/// `sts_client_free` once no call on it is running. Between those, any
/// number of threads may use it at once: calls share its connection pool,
/// its retry quota, its adaptive rate limiter, its clock-skew correction and
/// its cached signing key, whether they are blocking calls (`sts_<op>`) or
/// exchanges (`sts_exchange_*`).
#[derive(Debug)]
pub struct StsClient {
    pub(crate) client: Client,
}

// The promise above, checked: C threads share one `*const StsClient`.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<StsClient>();
};

/// The C callback as a [`Transport`].
struct CallbackTransport {
    send: unsafe extern "C" fn(
        *mut c_void,
        *const StsHttpRequest,
        u32,
        *mut StsResponseBuilder,
    ) -> StsTransportResult,
    user_data: *mut c_void,
}

// SAFETY: `StsTransportFn`'s documented contract: the callback and its
// user data are safe to use from any thread, concurrently.
unsafe impl Send for CallbackTransport {}
// SAFETY: as above.
unsafe impl Sync for CallbackTransport {}

impl fmt::Debug for CallbackTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackTransport")
            .field("user_data", &self.user_data)
            .finish_non_exhaustive()
    }
}

/// The largest body a callback may store, as the built-in transport's cap.
const MAX_CALLBACK_BODY: usize = 1024 * 1024;

impl Transport for CallbackTransport {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let (view, storage) = request_view(request);
        let timeout_ms = timeout.map_or(0, |t| {
            u32::try_from(t.as_millis()).unwrap_or(u32::MAX).max(1)
        });
        let mut builder = StsResponseBuilder::new(MAX_CALLBACK_BODY);
        // SAFETY: `view` points into `storage`, alive across the call;
        // `builder` is a live exclusive object; the callback's contract
        // covers the rest.
        let result = unsafe { (self.send)(self.user_data, &view, timeout_ms, &mut builder) };
        drop(storage);
        let failure = match result {
            STS_TRANSPORT_OK if builder.too_large => Some(TransportFailure::BodyTooLarge),
            STS_TRANSPORT_OK => None,
            STS_TRANSPORT_CONNECT_FAILED => Some(TransportFailure::Connect),
            STS_TRANSPORT_TIMED_OUT => Some(TransportFailure::Timeout),
            STS_TRANSPORT_BODY_TOO_LARGE => Some(TransportFailure::BodyTooLarge),
            _ => Some(TransportFailure::Io),
        };
        if let Some(kind) = failure {
            let message = builder.error.take().unwrap_or_else(|| {
                if result == STS_TRANSPORT_OK {
                    format!(
                        "the transport callback stored a body of more than \
                         {MAX_CALLBACK_BODY} bytes"
                    )
                } else {
                    format!("the transport callback returned {result}")
                }
            });
            return Err(TransportError::new(kind, message));
        }
        if builder.status == 0 {
            return Err(TransportError::new(
                TransportFailure::Io,
                "the transport callback returned STS_TRANSPORT_OK without setting a status",
            ));
        }
        let mut response = http::Response::new(std::mem::take(&mut builder.body));
        *response.status_mut() = http::StatusCode::from_u16(builder.status).map_err(|_| {
            TransportError::new(TransportFailure::Io, "invalid status from the callback")
        })?;
        *response.headers_mut() = std::mem::take(&mut builder.headers);
        Ok(response)
    }
}

fn millis(v: StsOptionalU32) -> Option<Option<Duration>> {
    v.get()
        .map(|ms| (ms != 0).then(|| Duration::from_millis(u64::from(ms))))
}

/// The builder the options describe.
///
/// # Safety
/// Every pointer in `o` is NULL or valid as documented.
unsafe fn builder(o: &StsClientOptions) -> Result<ClientBuilder, Failure> {
    let mut b = Client::builder();
    // SAFETY (all blocks below): the caller's promise about `o`'s pointers.
    if let Some(region) = unsafe { optional_str(o.region, "options->region") }? {
        b = b.region(region);
    }
    if let Some(url) = unsafe { optional_str(o.endpoint_url, "options->endpoint_url") }? {
        b = b.endpoint_url(url);
    }
    if o.use_fips != 0 {
        b = b.use_fips(true);
    }
    if o.use_dual_stack != 0 {
        b = b.use_dual_stack(true);
    }
    if o.use_global_endpoint != 0 {
        b = b.use_global_endpoint(true);
    }
    if let Some(n) = o.max_attempts.get() {
        b = b.max_attempts(n);
    }
    if let Some(t) = millis(o.connect_timeout_ms) {
        b = b.connect_timeout(t);
    }
    if let Some(t) = millis(o.attempt_timeout_ms) {
        b = b.attempt_timeout(t);
    }
    if let Some(t) = millis(o.call_timeout_ms) {
        b = b.call_timeout(t);
    }
    if let Some(ms) = o.max_clock_skew_ms.get() {
        b = b.max_clock_skew(Duration::from_millis(u64::from(ms)));
    }
    if let Some(send) = o.transport {
        b = b.transport(CallbackTransport {
            send,
            user_data: o.transport_user_data,
        });
    }
    if let Some(suffix) =
        unsafe { optional_str(o.user_agent_suffix, "options->user_agent_suffix") }?
    {
        if http::HeaderValue::from_str(suffix).is_err() {
            return Err(Failure::invalid(
                "options->user_agent_suffix",
                "holds a character an HTTP header cannot carry",
            ));
        }
        b = b.user_agent_suffix(suffix);
    }
    // After the settings above and before the credentials: the environment
    // fills in only what they leave unset, and the credentials it sets up
    // (the default chain, whose web identity or profile roles call STS)
    // are made with the builder as it is now, so their STS calls use the
    // settings above (endpoint, transport, timeouts, retries). Read first,
    // it gave the chain a bare builder: the built-in transport and the
    // environment's endpoint, whatever the options said.
    // (With `STS_CREDENTIALS_PROFILE`, `with_credentials` reads it for the
    // named profile instead.)
    if o.use_environment != 0 && o.credentials_source != STS_CREDENTIALS_PROFILE {
        b = b
            .from_env()
            .map_err(|e| Failure::from(sts_blocking::Error::from(e)))?;
    }
    // Last: a profile may assume a role, and the STS calls it makes for
    // that use the settings above (endpoint, transport, timeouts, retries).
    // SAFETY: the caller's promise about `o`'s pointers.
    unsafe { with_credentials(b, o) }
}

/// `b` with the credentials `o` asks for.
///
/// # Safety
/// Every pointer in `o` is NULL or valid as documented.
unsafe fn with_credentials(
    b: ClientBuilder,
    o: &StsClientOptions,
) -> Result<ClientBuilder, Failure> {
    // A key or profile name the source would not read is a mistake (a
    // forgotten `credentials_source`), not something to drop: the client
    // would sign as whatever identity the machine has.
    let unread = [
        (o.access_key_id, "access_key_id", STS_CREDENTIALS_STATIC),
        (
            o.secret_access_key,
            "secret_access_key",
            STS_CREDENTIALS_STATIC,
        ),
        (o.session_token, "session_token", STS_CREDENTIALS_STATIC),
        (o.profile_name, "profile_name", STS_CREDENTIALS_PROFILE),
    ];
    // An unknown source is reported as such by the match below.
    let known =
        (STS_CREDENTIALS_DEFAULT_CHAIN..=STS_CREDENTIALS_NONE).contains(&o.credentials_source);
    for (pointer, member, source) in unread {
        if known && !pointer.is_null() && o.credentials_source != source {
            let needed = if source == STS_CREDENTIALS_STATIC {
                "STS_CREDENTIALS_STATIC"
            } else {
                "STS_CREDENTIALS_PROFILE"
            };
            return Err(Failure::invalid(
                &format!("options->{member}"),
                format!(
                    "is read only with credentials_source = {needed}; set that or leave it NULL"
                ),
            ));
        }
    }
    // SAFETY (all blocks below): the caller's promise about `o`'s pointers.
    Ok(match o.credentials_source {
        // What a builder without credentials uses anyway.
        STS_CREDENTIALS_DEFAULT_CHAIN => b,
        STS_CREDENTIALS_NONE => b.credentials_provider(NoCredentials),
        STS_CREDENTIALS_STATIC => {
            let id = unsafe { required_str(o.access_key_id, "options->access_key_id") }?;
            let secret =
                unsafe { required_str(o.secret_access_key, "options->secret_access_key") }?;
            let token = unsafe { optional_str(o.session_token, "options->session_token") }?;
            b.credentials(Credentials::new(
                id,
                SecretString::from(secret),
                token.map(SecretString::from),
            ))
        }
        STS_CREDENTIALS_PROFILE => {
            let name = unsafe { required_str(o.profile_name, "options->profile_name") }?;
            if name.is_empty() {
                return Err(Failure::invalid(
                    "options->profile_name",
                    "must not be empty",
                ));
            }
            // With `use_environment`, the profile is a source of settings
            // too (region, endpoint, retries: the AWS CLI's `--profile`),
            // so its files are read now, and a missing profile fails here.
            if o.use_environment != 0 {
                let config = ProviderConfig::from_client_builder(&b);
                return b
                    .profile_with(name, &config)
                    .map_err(|e| Failure::from(sts_blocking::Error::from(e)));
            }
            // Otherwise the files are read when credentials are first
            // needed, not here (as `STS_CREDENTIALS_DEFAULT_CHAIN` does): a
            // missing profile is `STS_ERR_CREDENTIALS` on the first signed
            // call.
            // Cached, so that a profile that assumes a role does not call
            // STS before every request.
            let config = ProviderConfig::from_client_builder(&b);
            let provider = CachingProvider::builder(named_profile_chain(&config, name))
                .config(&config)
                .build();
            b.credentials_provider(provider)
        }
        other => {
            return Err(Failure::invalid(
                "options->credentials_source",
                format!("{other} is not one of the STS_CREDENTIALS_* values"),
            ));
        }
    })
}

/// Creates a client.
///
/// Nothing is sent and no credentials are fetched here: the endpoint is
/// resolved and the options checked, so a bad region, option or static
/// access key id fails now (`STS_ERR_INVALID_ARGUMENT`, naming the member)
/// rather than on the first call.
///
/// Ownership: `options` is borrowed for the call. On success `*out` is set
/// to a new client the caller owns (free it with `sts_client_free`). On
/// failure `*out` is untouched and, if `err` is not NULL, `*err` is set to
/// an error the caller owns (free it with `sts_error_free`). `*out` and
/// `*err` must be NULL on entry (`STS_ERR_OUTPUT_IN_USE` otherwise).
///
/// # Safety
/// `options` is NULL or valid, its strings NULL or NUL-terminated; `out` is
/// NULL or valid for one pointer; `err` is NULL or valid for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_client_new(
    options: *const StsClientOptions,
    out: *mut *mut StsClient,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        run(err, || {
            let slot = out_slot(out, "out")?;
            let options = required(options, "options")?;
            let client = builder(options)?.build().map_err(|e| {
                let field = option_at_fault(&e, options);
                let failure = Failure::from(sts_blocking::Error::from(e));
                match field {
                    Some(field) => failure.field(field),
                    None => failure,
                }
            })?;
            *slot = Box::into_raw(Box::new(StsClient { client }));
            Ok(())
        })
    }
}

/// The member of `o` that a refused configuration comes from, when the
/// program set it: `sts_error_field` then names it, as it names the
/// members `sts_client_new` checks itself. A region or endpoint from the
/// environment (`use_environment`) is not the program's; its error says
/// where it came from.
fn option_at_fault(e: &sts_blocking::ConfigError, o: &StsClientOptions) -> Option<&'static str> {
    use sts_blocking::ConfigError;
    use sts_proto::endpoint::EndpointError;
    match e {
        ConfigError::InvalidSetting {
            setting: "max_attempts",
            ..
        } => Some("options->max_attempts"),
        // Only the static keys are checked when the client is made.
        ConfigError::InvalidCredentials(sts_proto::sigv4::SigningError::EmptySecretAccessKey) => {
            Some("options->secret_access_key")
        }
        ConfigError::InvalidCredentials(_) => Some("options->access_key_id"),
        ConfigError::Endpoint(
            EndpointError::MissingRegion
            | EndpointError::EmptyRegion
            | EndpointError::InvalidRegion { .. },
        ) if !o.region.is_null() => Some("options->region"),
        // Nothing named a region: setting this member is the fix.
        ConfigError::Endpoint(EndpointError::MissingRegion) => Some("options->region"),
        ConfigError::Endpoint(EndpointError::FipsWithCustomEndpoint) if o.use_fips != 0 => {
            Some("options->use_fips")
        }
        ConfigError::Endpoint(EndpointError::DualStackWithCustomEndpoint)
            if o.use_dual_stack != 0 =>
        {
            Some("options->use_dual_stack")
        }
        ConfigError::Endpoint(EndpointError::InvalidEndpoint { .. })
            if !o.endpoint_url.is_null() =>
        {
            Some("options->endpoint_url")
        }
        _ => None,
    }
}

/// Frees a client, wiping the static credentials it holds. NULL is a no-op.
///
/// Ownership: takes `client` back; it is invalid afterwards. No call on it
/// may be running, in any thread. Results and errors it produced stay
/// valid: they own their data.
///
/// # Safety
/// `client` is NULL or a client from `sts_client_new` not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sts_client_free(client: *mut StsClient) {
    if client.is_null() {
        return;
    }
    // SAFETY: the caller gives back the pointer `sts_client_new` made with
    // Box::into_raw, once.
    guard((), || drop(unsafe { Box::from_raw(client) }));
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;
    use std::ptr;

    use super::*;
    use crate::error::{sts_error_field, sts_error_free, sts_error_message};
    use crate::http::sts_response_builder_set_error;
    use crate::ops::get_caller_identity::{
        sts_get_caller_identity, sts_get_caller_identity_output_free,
    };

    /// Fails every request, with an error text made to fake a log line and
    /// colour a terminal.
    unsafe extern "C" fn failing_with_a_forged_line(
        _user_data: *mut c_void,
        _request: *const StsHttpRequest,
        _timeout_ms: u32,
        response: *mut StsResponseBuilder,
    ) -> StsTransportResult {
        let text = c"refused\n2026-01-01 ERROR [FAKE] forged line \x1b[31mred\x1b[0m\r\n";
        // SAFETY: the builder the client lent this call; a C string.
        let st = unsafe { sts_response_builder_set_error(response, text.as_ptr()) };
        assert_eq!(st, STS_OK);
        STS_TRANSPORT_CONNECT_FAILED
    }

    /// The error message of a `GetCallerIdentity` through `transport`, one
    /// attempt, which must fail as a transport error.
    fn transport_failure_message(transport: StsTransportFn) -> String {
        // SAFETY: a zero-filled options struct is the documented default;
        // every pointer set below is a static C string; each object is
        // freed once.
        unsafe {
            let mut o: StsClientOptions = std::mem::zeroed();
            o.region = c"us-east-1".as_ptr();
            o.credentials_source = STS_CREDENTIALS_STATIC;
            o.access_key_id = c"AKIDEXAMPLE".as_ptr();
            o.secret_access_key = c"secret".as_ptr();
            o.max_attempts = StsOptionalU32::from_option(Some(1));
            o.transport = transport;
            let (mut client, mut out, mut err) =
                (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
            assert_eq!(sts_client_new(&o, &mut client, &mut err), STS_OK);
            let st = sts_get_caller_identity(client, &mut out, &mut err);
            assert_eq!(st, STS_ERR_TRANSPORT);
            let message = CStr::from_ptr(sts_error_message(err))
                .to_string_lossy()
                .into_owned();
            sts_get_caller_identity_output_free(out);
            sts_error_free(err);
            sts_client_free(client);
            message
        }
    }

    #[test]
    fn a_callbacks_error_text_reaches_the_message_as_one_printable_line() {
        let message = transport_failure_message(Some(failing_with_a_forged_line));
        assert!(
            !message.contains(|c: char| c.is_control()),
            "a control character in {message:?}"
        );
        assert!(
            message.contains("refused 2026-01-01 ERROR [FAKE] forged line  [31mred [0m"),
            "{message:?}"
        );
    }

    /// Stores a body one byte over the limit, then says all went well.
    unsafe extern "C" fn answering_too_much(
        _user_data: *mut c_void,
        _request: *const StsHttpRequest,
        _timeout_ms: u32,
        response: *mut StsResponseBuilder,
    ) -> StsTransportResult {
        let body = vec![b'x'; MAX_CALLBACK_BODY + 1];
        // SAFETY: the builder the client lent this call; a live buffer.
        unsafe {
            crate::http::sts_response_builder_set_status(response, 200);
            crate::http::sts_response_builder_append_body(response, body.as_ptr(), body.len());
        }
        STS_TRANSPORT_OK
    }

    /// A body over the limit with `STS_TRANSPORT_OK` was reported as "the
    /// transport callback returned 0", blaming the value that was right
    /// (found by a review).
    #[test]
    fn a_body_over_the_limit_is_named_as_such() {
        let message = transport_failure_message(Some(answering_too_much));
        assert!(
            message.contains("stored a body of more than 1048576 bytes"),
            "{message:?}"
        );
        assert!(!message.contains("returned 0"), "{message:?}");
    }

    /// `sts_client_new` with the static keys and `change` made to the
    /// options: its status and the member its error names.
    fn refused(change: impl FnOnce(&mut StsClientOptions)) -> (StsStatus, Option<String>) {
        // SAFETY: a zero-filled options struct is the documented default;
        // every pointer set below is a static C string.
        unsafe {
            let mut o: StsClientOptions = std::mem::zeroed();
            o.region = c"us-east-1".as_ptr();
            o.credentials_source = STS_CREDENTIALS_STATIC;
            o.access_key_id = c"AKIDEXAMPLE".as_ptr();
            o.secret_access_key = c"secret".as_ptr();
            change(&mut o);
            let mut client = ptr::null_mut();
            let mut err = ptr::null_mut();
            let status = sts_client_new(&o, &mut client, &mut err);
            assert!(client.is_null());
            let field = sts_error_field(err);
            let field =
                (!field.is_null()).then(|| CStr::from_ptr(field).to_string_lossy().into_owned());
            sts_error_free(err);
            (status, field)
        }
    }

    #[test]
    fn a_refused_option_is_named() {
        let region = refused(|o| o.region = c"not a region!".as_ptr());
        assert_eq!(
            region,
            (STS_ERR_INVALID_ARGUMENT, Some("options->region".into()))
        );
        let endpoint = refused(|o| o.endpoint_url = c"ftp://example.com".as_ptr());
        assert_eq!(
            endpoint,
            (
                STS_ERR_INVALID_ARGUMENT,
                Some("options->endpoint_url".into())
            )
        );
        let attempts = refused(|o| o.max_attempts = StsOptionalU32::from_option(Some(0)));
        assert_eq!(
            attempts,
            (
                STS_ERR_INVALID_ARGUMENT,
                Some("options->max_attempts".into())
            )
        );
        let no_region = refused(|o| o.region = ptr::null());
        assert_eq!(no_region.1.as_deref(), Some("options->region"));
        let fips = refused(|o| {
            o.endpoint_url = c"https://sts.example.com".as_ptr();
            o.use_fips = 1;
        });
        assert_eq!(fips.1.as_deref(), Some("options->use_fips"));
        let dual = refused(|o| {
            o.endpoint_url = c"https://sts.example.com".as_ptr();
            o.use_dual_stack = 1;
        });
        assert_eq!(dual.1.as_deref(), Some("options->use_dual_stack"));
        let csv_line = refused(|o| {
            o.access_key_id = c"AKIAIOSFODNN7EXAMPLE,wJalrXUtnFEMI/K7MDENG".as_ptr();
        });
        assert_eq!(
            csv_line,
            (
                STS_ERR_INVALID_ARGUMENT,
                Some("options->access_key_id".into())
            )
        );
        let empty_secret = refused(|o| o.secret_access_key = c"".as_ptr());
        assert_eq!(
            empty_secret,
            (
                STS_ERR_INVALID_ARGUMENT,
                Some("options->secret_access_key".into())
            )
        );
    }
}
