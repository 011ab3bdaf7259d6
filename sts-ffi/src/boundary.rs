//! The rules every exported function keeps, written once: no panic crosses
//! the boundary, NULL and non-UTF-8 input become error statuses, output
//! slots are never overwritten, and owned results wipe their strings when
//! freed.

use std::ffi::{CStr, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use sts_proto::SecretString;
use zeroize::Zeroize;

use crate::error::{Failure, StsError};
use crate::status::*;

/// Runs the body of a fallible exported function.
///
/// The error slot is checked first: if `*err` still holds an error the
/// caller never freed, nothing runs and nothing is written, because writing
/// would leak that error and a later free would hit the wrong object. A
/// panic in `body` is caught and reported as `STS_ERR_INTERNAL`: since Rust
/// 1.81 a panic leaving an `extern "C"` function aborts the whole process,
/// which a C caller cannot handle at all.
///
/// # Safety
/// `err` is NULL or valid for reads and writes of one pointer.
pub(crate) unsafe fn run(
    err: *mut *mut StsError,
    body: impl FnOnce() -> Result<(), Failure>,
) -> StsStatus {
    // SAFETY: the caller's promise about `err`.
    if !err.is_null() && unsafe { !(*err).is_null() } {
        return STS_ERR_OUTPUT_IN_USE;
    }
    let outcome = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|p| Err(Failure::panic(p)));
    match outcome {
        Ok(()) => STS_OK,
        Err(failure) => {
            let status = failure.status;
            if !err.is_null() {
                let object = guard(ptr::null_mut(), || {
                    Box::into_raw(Box::new(StsError::from(failure)))
                });
                // SAFETY: checked non-NULL above; the caller's promise.
                unsafe { *err = object };
            }
            status
        }
    }
}

/// Runs an infallible exported function (a free, an accessor), returning
/// `default` if it panics.
pub(crate) fn guard<T>(default: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(default)
}

/// The output slot `out`, which must exist and be empty.
///
/// # Safety
/// `out` is NULL or valid for reads and writes of one pointer.
pub(crate) unsafe fn out_slot<'a, T>(
    out: *mut *mut T,
    name: &str,
) -> Result<&'a mut *mut T, Failure> {
    // SAFETY: the caller's promise.
    let Some(slot) = (unsafe { out.as_mut() }) else {
        return Err(Failure::null(name));
    };
    if !slot.is_null() {
        return Err(Failure::new(
            STS_ERR_OUTPUT_IN_USE,
            format!("*{name} already holds an object: free it and set it to NULL first"),
        )
        .field(name));
    }
    Ok(slot)
}

/// A required struct argument.
///
/// # Safety
/// `p` is NULL or valid for reads of one `T` for `'a`.
pub(crate) unsafe fn required<'a, T>(p: *const T, name: &str) -> Result<&'a T, Failure> {
    // SAFETY: the caller's promise.
    unsafe { p.as_ref() }.ok_or_else(|| Failure::null(name))
}

/// A required string.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn required_str<'a>(p: *const c_char, name: &str) -> Result<&'a str, Failure> {
    // SAFETY: forwarded.
    unsafe { optional_str(p, name) }?.ok_or_else(|| Failure::null(name))
}

/// An optional string: NULL means absent.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn optional_str<'a>(
    p: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, Failure> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller's promise.
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Some(s)),
        // The value itself is not quoted: it may be a secret.
        Err(e) => Err(Failure::new(
            STS_ERR_INVALID_UTF8,
            format!(
                "{name} is not valid UTF-8 (bad byte at offset {})",
                e.valid_up_to()
            ),
        )
        .field(name)),
    }
}

/// An array given as pointer and length. NULL is accepted for an empty one.
///
/// # Safety
/// `p` is NULL or valid for reads of `len` consecutive `T` for `'a`.
pub(crate) unsafe fn array<'a, T>(p: *const T, len: usize, name: &str) -> Result<&'a [T], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(Failure::new(
            STS_ERR_NULL_ARGUMENT,
            format!("{name} is NULL but its length is {len}"),
        )
        .field(name));
    }
    if len.saturating_mul(size_of::<T>()) > isize::MAX as usize {
        return Err(Failure::invalid(
            name,
            format!("length {len} is impossible"),
        ));
    }
    // SAFETY: non-NULL, length checked for overflow, the caller's promise.
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// The strings of an owned result, NUL-terminated, wiped when dropped.
///
/// Every result string is wiped, not only the secret ones: it costs a few
/// hundred bytes of writes per result and leaves no room for a secret that
/// was not marked as one.
#[derive(Default)]
pub(crate) struct Strings {
    stored: Vec<Box<[u8]>>,
    /// Arrays of key-value pairs, pointing into `stored`.
    pairs: Vec<Box<[crate::types::StsKeyValue]>>,
    /// Whether a string with a NUL was refused (see [`Strings::add`]).
    refused_nul: bool,
}

/// A count only: some of the strings are secrets.
impl std::fmt::Debug for Strings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Strings({} strings)", self.stored.len())
    }
}

impl Strings {
    /// Stores `s` and returns its address, valid while `self` lives.
    ///
    /// A C string cannot hold a NUL: cut short or with the NUL replaced,
    /// a secret key would silently be another. Such a string is stored
    /// empty and remembered, and the result is refused by
    /// [`Strings::check`].
    pub(crate) fn add(&mut self, s: &str) -> *const c_char {
        if s.contains('\0') {
            self.refused_nul = true;
            return self.add("");
        }
        let mut bytes = Vec::with_capacity(s.len() + 1);
        bytes.extend_from_slice(s.as_bytes());
        bytes.push(0);
        // Exact capacity: no reallocation leaves an unwiped copy behind.
        let boxed = bytes.into_boxed_slice();
        let p = boxed.as_ptr().cast::<c_char>();
        self.stored.push(boxed);
        p
    }

    /// `self`, unless a string held a NUL: then an error, and the strings
    /// are wiped as they are dropped.
    pub(crate) fn check(self) -> Result<Self, Failure> {
        if self.refused_nul {
            return Err(Failure::new(
                crate::status::STS_ERR_RESPONSE,
                "the response holds a NUL character in a result string, \
                 which a C string cannot carry",
            ));
        }
        Ok(self)
    }

    /// `add`, or NULL for `None`.
    pub(crate) fn opt(&mut self, s: Option<&str>) -> *const c_char {
        s.map_or(ptr::null(), |s| self.add(s))
    }

    /// Stores `pairs` as an array of [`StsKeyValue`](crate::types::StsKeyValue):
    /// its address (NULL when empty) and length, valid while `self` lives.
    pub(crate) fn pairs(
        &mut self,
        pairs: &[(String, SecretString)],
    ) -> (*const crate::types::StsKeyValue, usize) {
        if pairs.is_empty() {
            return (ptr::null(), 0);
        }
        let array: Box<[_]> = pairs
            .iter()
            .map(|(key, value)| crate::types::StsKeyValue {
                key: self.add(key),
                value: self.add(value.expose()),
            })
            .collect();
        let p = array.as_ptr();
        self.pairs.push(array);
        (p, pairs.len())
    }
}

impl Strings {
    /// Overwrites every string with zeros, in place (the memory stays
    /// allocated, which is what lets a test look at it).
    fn wipe(&mut self) {
        for s in &mut self.stored {
            s.zeroize();
        }
    }
}

impl Drop for Strings {
    fn drop(&mut self) {
        self.wipe();
    }
}

/// An owned result: the C-visible struct first, then the storage its
/// pointers point into. `#[repr(C)]` puts `view` at offset 0, so a pointer
/// to the whole is a pointer to `view`, and the C caller sees a plain
/// struct it can read directly.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct Owned<T, S = Strings> {
    view: T,
    storage: S,
}

impl<T, S> Owned<T, S> {
    /// Moves `view` and its `storage` to the heap; the result is what the
    /// caller gets.
    pub(crate) fn into_raw(view: T, storage: S) -> *mut T {
        Box::into_raw(Box::new(Owned { view, storage })).cast::<T>()
    }

    /// Frees what `into_raw` returned. NULL is a no-op.
    ///
    /// # Safety
    /// `p` is NULL or came from `Owned::<T, S>::into_raw` and is freed once.
    pub(crate) unsafe fn free(p: *mut T) {
        if p.is_null() {
            return;
        }
        // SAFETY: the caller's promise; the cast undoes the one in into_raw.
        guard((), || {
            drop(unsafe { Box::from_raw(p.cast::<Owned<T, S>>()) })
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let mut err: *mut StsError = ptr::null_mut();
        // SAFETY: `err` is a valid, empty slot.
        let status = unsafe { run(&mut err, || panic!("boom")) };
        assert_eq!(status, STS_ERR_INTERNAL);
        assert!(!err.is_null());
        // SAFETY: the error was just made.
        unsafe {
            let msg = CStr::from_ptr(crate::error::sts_error_message(err));
            assert!(msg.to_str().unwrap().contains("boom"));
            crate::error::sts_error_free(err);
        }
    }

    #[test]
    fn a_full_error_slot_is_left_alone() {
        let mut err: *mut StsError = ptr::null_mut();
        // SAFETY: valid slots throughout.
        unsafe {
            run(&mut err, || Err(Failure::null("x")));
            let first = err;
            let status = run(&mut err, || Err(Failure::null("y")));
            assert_eq!(status, STS_ERR_OUTPUT_IN_USE);
            assert_eq!(err, first);
            crate::error::sts_error_free(err);
        }
    }

    #[test]
    fn a_string_with_a_nul_fails_the_check() {
        let mut s = Strings::default();
        let p = s.add("a\0b");
        // SAFETY: p lives as long as s.
        let text = unsafe { CStr::from_ptr(p) }.to_str().unwrap();
        assert_eq!(text, "");
        assert!(s.opt(None).is_null());
        let e = s.check().unwrap_err();
        assert_eq!(e.status, crate::status::STS_ERR_RESPONSE);
        let mut s = Strings::default();
        s.add("ab");
        assert!(s.check().is_ok());
    }

    #[test]
    fn wiping_zeroes_every_byte_in_place() {
        let mut s = Strings::default();
        let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        let p = s.add(secret).cast::<u8>();
        let q = s.add("x").cast::<u8>();
        s.wipe();
        // SAFETY: wiping does not free; the buffers live until `s` drops.
        let (a, b) = unsafe {
            (
                std::slice::from_raw_parts(p, secret.len() + 1),
                std::slice::from_raw_parts(q, 2),
            )
        };
        assert!(a.iter().chain(b).all(|&byte| byte == 0));
    }
}
