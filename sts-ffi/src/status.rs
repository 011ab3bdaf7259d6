//! Status codes, error categories, and the two functions that need no
//! object at all: the version and the text of a status.

use std::ffi::{CStr, c_char};

/// What a call returned. Every function that can fail returns one.
///
/// A plain `int32_t` rather than a C `enum`, whose size the C standard leaves
/// to the compiler: the ABI only uses fixed-size integers. Compare it with
/// the `STS_OK` / `STS_ERR_*` constants; new codes may be added, so treat an
/// unknown non-zero code as a failure and `sts_status_str` still describes it.
pub type StsStatus = i32;

/// Success.
pub const STS_OK: StsStatus = 0;
/// A pointer argument (or a pointer inside an input struct) that must not
/// be NULL was NULL. Nothing was sent.
pub const STS_ERR_NULL_ARGUMENT: StsStatus = 1;
/// A string argument was not valid UTF-8. Nothing was sent.
pub const STS_ERR_INVALID_UTF8: StsStatus = 2;
/// An argument breaks a rule: a constraint of the STS model (length,
/// characters, range), an invalid client option, an endpoint that does not
/// resolve. Nothing was sent.
pub const STS_ERR_INVALID_ARGUMENT: StsStatus = 3;
/// An output pointer (`*out` or `*err`) was not NULL on entry. It still
/// holds an object that was never freed; the call did nothing, so that
/// object is neither overwritten nor leaked.
pub const STS_ERR_OUTPUT_IN_USE: StsStatus = 4;
/// STS answered with an error document (`AccessDenied`,
/// `SignatureDoesNotMatch`, …); `sts_error_code` has the code.
pub const STS_ERR_SERVICE: StsStatus = 5;
/// An answer came back that is neither the operation's result nor an STS
/// error document (an HTML page from a proxy, an empty 503, a truncated
/// document).
pub const STS_ERR_RESPONSE: StsStatus = 6;
/// No complete HTTP response came back: connection refused, timeout, reset,
/// body over the size limit.
pub const STS_ERR_TRANSPORT: StsStatus = 7;
/// No credentials could be had for a signed operation, or the ones given
/// cannot be used to sign.
pub const STS_ERR_CREDENTIALS: StsStatus = 8;
/// Reserved for something this build cannot do; no function of this
/// version returns it (a credential source the library lacks is an
/// `STS_ERR_CREDENTIALS`). Kept so that the numbers after it stay.
pub const STS_ERR_UNSUPPORTED: StsStatus = 9;
/// A bug in the library: a Rust panic was caught at the boundary, or an
/// invariant broke. Please report it with the message.
pub const STS_ERR_INTERNAL: StsStatus = 10;
/// A step asked of an exchange that does not fit where it is: a response
/// before a request was handed out, a request while one is out, anything
/// after the exchange finished, the output before it is done. The
/// exchange is left as it was.
pub const STS_ERR_WRONG_STATE: StsStatus = 11;

/// The broad class of an error, for callers that branch on who is at fault
/// rather than on the exact status.
pub type StsErrorCategory = i32;

/// Not an error: what `sts_error_category` returns for a NULL error.
pub const STS_CATEGORY_NONE: StsErrorCategory = 0;
/// The caller's input was rejected before anything was sent
/// (`STS_ERR_NULL_ARGUMENT`, `STS_ERR_INVALID_UTF8`,
/// `STS_ERR_INVALID_ARGUMENT`, `STS_ERR_OUTPUT_IN_USE`), or the caller
/// drove an exchange out of order (`STS_ERR_WRONG_STATE`).
pub const STS_CATEGORY_VALIDATION: StsErrorCategory = 1;
/// The server answered, but not with a result (`STS_ERR_SERVICE`,
/// `STS_ERR_RESPONSE`).
pub const STS_CATEGORY_SERVICE: StsErrorCategory = 2;
/// No answer came back (`STS_ERR_TRANSPORT`).
pub const STS_CATEGORY_TRANSPORT: StsErrorCategory = 3;
/// No usable credentials (`STS_ERR_CREDENTIALS`; also the reserved
/// `STS_ERR_UNSUPPORTED`).
pub const STS_CATEGORY_CREDENTIALS: StsErrorCategory = 4;
/// A bug in the library (`STS_ERR_INTERNAL`).
pub const STS_CATEGORY_INTERNAL: StsErrorCategory = 5;

/// The category a status belongs to.
pub(crate) fn category_of(status: StsStatus) -> StsErrorCategory {
    match status {
        STS_OK => STS_CATEGORY_NONE,
        STS_ERR_NULL_ARGUMENT
        | STS_ERR_INVALID_UTF8
        | STS_ERR_INVALID_ARGUMENT
        | STS_ERR_OUTPUT_IN_USE
        | STS_ERR_WRONG_STATE => STS_CATEGORY_VALIDATION,
        STS_ERR_SERVICE | STS_ERR_RESPONSE => STS_CATEGORY_SERVICE,
        STS_ERR_TRANSPORT => STS_CATEGORY_TRANSPORT,
        STS_ERR_CREDENTIALS | STS_ERR_UNSUPPORTED => STS_CATEGORY_CREDENTIALS,
        _ => STS_CATEGORY_INTERNAL,
    }
}

fn status_text(status: StsStatus) -> &'static CStr {
    match status {
        STS_OK => c"success",
        STS_ERR_NULL_ARGUMENT => c"a required pointer argument was NULL",
        STS_ERR_INVALID_UTF8 => c"a string argument is not valid UTF-8",
        STS_ERR_INVALID_ARGUMENT => c"an argument breaks a rule of the STS model or the client",
        STS_ERR_OUTPUT_IN_USE => {
            c"an output pointer already holds an object: free it and set it to NULL first"
        }
        STS_ERR_SERVICE => c"STS answered with an error",
        STS_ERR_RESPONSE => c"the response is neither a result nor an STS error document",
        STS_ERR_TRANSPORT => c"no complete HTTP response was received",
        STS_ERR_CREDENTIALS => c"no usable credentials",
        STS_ERR_UNSUPPORTED => c"not supported by this build of the library",
        STS_ERR_INTERNAL => c"internal error in the STS library",
        STS_ERR_WRONG_STATE => c"the exchange cannot take this step in its state",
        _ => c"unknown status code",
    }
}

/// A one-line English description of `status`, for logs.
///
/// Any value is accepted, including codes this version does not know
/// ("unknown status code").
///
/// Ownership: the returned string is static; never free it.
#[unsafe(no_mangle)]
pub extern "C" fn sts_status_str(status: StsStatus) -> *const c_char {
    status_text(status).as_ptr()
}

static VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => c"unknown",
    };

/// The library's version, as `"0.1.0"` (semantic versioning: within one
/// ABI version, the major version or the minor while the major is 0, the
/// ABI only grows).
///
/// Ownership: the returned string is static; never free it.
#[unsafe(no_mangle)]
pub extern "C" fn sts_version() -> *const c_char {
    VERSION.as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_text_and_a_category() {
        for s in -1..=12 {
            // SAFETY: sts_status_str returns a static NUL-terminated string.
            let text = unsafe { CStr::from_ptr(sts_status_str(s)) };
            assert!(!text.to_bytes().is_empty());
            assert!(!text.to_bytes().contains(&b'\n'));
            let _ = category_of(s);
        }
        assert_eq!(category_of(STS_ERR_SERVICE), STS_CATEGORY_SERVICE);
        assert_eq!(category_of(99), STS_CATEGORY_INTERNAL);
    }

    #[test]
    fn the_version_is_the_crates() {
        // SAFETY: static string.
        let v = unsafe { CStr::from_ptr(sts_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
