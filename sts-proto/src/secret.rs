//! A string that holds a secret.
//!
//! Secret access keys, session tokens, SAML assertions, web identity tokens
//! and MFA codes all travel through this type so that no `{:?}` or `{}` in
//! user code, logs or error messages can print them, and so that the bytes
//! are overwritten when the last owner lets go.

use std::fmt;

/// A secret string: redacted in `Debug` and `Display`, wiped on drop.
///
/// Read the value with [`SecretString::expose`]; the name is meant to make
/// every place that handles the raw secret easy to find in review.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Length of the secret in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl Drop for SecretString {
    fn drop(&mut self) {
        let mut bytes = std::mem::take(&mut self.0).into_bytes();
        wipe(&mut bytes);
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"** redacted **\"")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("** redacted **")
    }
}

/// `value` as the value of a header that carries a secret (a session
/// token, a bearer token): marked [sensitive](http::HeaderValue::set_sensitive),
/// so that the HTTP stack does not show it, and wiped when its last copy
/// is freed. [`HeaderValue::from_str`](http::HeaderValue::from_str) copies
/// it into a buffer that is freed as it is, and the secret outlives the
/// request in freed memory.
pub fn secret_header_value(
    value: &str,
) -> Result<http::HeaderValue, http::header::InvalidHeaderValue> {
    let mut header = http::HeaderValue::from_maybe_shared(bytes::Bytes::from_owner(WipedOnDrop(
        value.as_bytes().to_vec(),
    )))?;
    header.set_sensitive(true);
    Ok(header)
}

/// Bytes that are zeroed before they are freed.
struct WipedOnDrop(Vec<u8>);

impl AsRef<[u8]> for WipedOnDrop {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for WipedOnDrop {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

/// Overwrites every byte of the buffer of `bytes`, its spare capacity
/// included, with zeros where it lies, and empties it, keeping the buffer.
///
/// For a buffer that held a secret (a response body with a secret access
/// key, a session token) and is about to be freed or reused. It is a
/// `memset` kept by `black_box`, which the compiler must assume reads the
/// zeros: the `zeroize` crate's byte-by-byte volatile writes cost several
/// times as much, and the 1,168 bytes of a typical `AssumeRole` answer took
/// 4% of a whole call that way.
pub fn wipe(bytes: &mut Vec<u8>) {
    let capacity = bytes.capacity();
    *bytes = emptied(zeroed(std::mem::take(bytes), capacity));
}

/// Overwrites the bytes of `text` with zeros where they lie and empties
/// it, keeping its buffer for reuse, as [`wipe`] does a `Vec`; only its
/// length is wiped, as nothing is written past it.
pub(crate) fn wipe_in_place(text: &mut String) {
    let dirty = text.len();
    wipe_text(text, dirty);
}

/// [`wipe_in_place`] for a buffer that was written past its length (text
/// cut off its end): its first `dirty` bytes are wiped.
pub(crate) fn wipe_text(text: &mut String, dirty: usize) {
    let zeros = zeroed(std::mem::take(text).into_bytes(), dirty);
    // An empty buffer is UTF-8 without checking a byte of it.
    *text = String::from_utf8(emptied(zeros)).unwrap_or_default();
}

/// The buffer of `bytes` with its first `dirty` bytes (at most its
/// capacity, spare capacity included) overwritten with zeros, in place,
/// and that long.
pub(crate) fn zeroed(bytes: Vec<u8>, dirty: usize) -> Vec<u8> {
    let mut bytes = bytes;
    let dirty = dirty.min(bytes.capacity());
    bytes.clear();
    bytes.resize(dirty, 0);
    bytes
}

/// `zeros` emptied, its zeros kept by `black_box`: the compiler must
/// assume they are read, so it cannot drop the writes.
fn emptied(zeros: Vec<u8>) -> Vec<u8> {
    let mut zeros = std::hint::black_box(zeros);
    zeros.clear();
    zeros
}

/// Sets the first `dirty` bytes of `buf`, a buffer that stays in use at
/// its length (the form writer's), back to zero in place.
pub(crate) fn zero_prefix(buf: &mut [u8], dirty: usize) {
    if let Some(written) = buf.get_mut(..dirty) {
        written.fill(0);
    }
    std::hint::black_box(buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wiping_keeps_the_buffer_and_empties_it() {
        let mut text = String::with_capacity(64);
        text.push_str("secret");
        let (at, capacity) = (text.as_ptr(), text.capacity());
        wipe_in_place(&mut text);
        assert!(text.is_empty());
        assert_eq!((text.as_ptr(), text.capacity()), (at, capacity));
    }

    #[test]
    fn wiping_bytes_keeps_the_whole_buffer_and_empties_it() {
        let mut bytes = Vec::with_capacity(64);
        bytes.extend_from_slice(b"secret and more");
        bytes.truncate(6);
        let (at, capacity) = (bytes.as_ptr(), bytes.capacity());
        wipe(&mut bytes);
        assert!(bytes.is_empty());
        assert_eq!((bytes.as_ptr(), bytes.capacity()), (at, capacity));
    }

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = SecretString::new("wJalrXUtnFEMI/K7MDENG");
        assert!(!format!("{s:?}").contains("wJalr"));
        assert!(!format!("{s}").contains("wJalr"));
        assert_eq!(s.expose(), "wJalrXUtnFEMI/K7MDENG");
        // Something is shown, so a log line says a value was there.
        assert_eq!(format!("{s}"), "** redacted **");
        assert_eq!(format!("{s:?}"), "\"** redacted **\"");
    }

    #[test]
    fn length_and_emptiness_are_the_values() {
        assert_eq!(SecretString::new("wJalrXUtnFEMI").len(), 13);
        assert_eq!(SecretString::new("é").len(), 2);
        assert_eq!(SecretString::default().len(), 0);
        assert!(SecretString::default().is_empty());
        assert!(!SecretString::new("x").is_empty());
    }
}
