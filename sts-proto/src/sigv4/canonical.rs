//! The canonical request and the string to sign, the two texts a SigV4
//! signature is computed over.

use std::ops::Range;

use sha2::{Digest, Sha256};

use super::digest_hex::digest_hex;
use super::headers::SignedHeaders;
use super::path::write_canonical_uri;
use super::query::{AddedParam, write_canonical_query};
use super::{ALGORITHM, PayloadHash, SigningSettings, UNSIGNED_PAYLOAD};

/// The parts of a request the canonical request is made of.
pub(super) struct RequestParts<'a> {
    pub(super) method: &'a str,
    pub(super) path: &'a str,
    pub(super) query: Option<&'a str>,
    /// The `X-Amz-*` parameters of a presigned URL, encoded.
    pub(super) added_query: &'a [AddedParam<'a>],
    pub(super) headers: &'a SignedHeaders<'a>,
    pub(super) payload_hash: &'a str,
}

/// A canonical request, for presigning, which hands the text out.
pub(super) struct CanonicalRequest {
    pub(super) text: String,
}

impl CanonicalRequest {
    pub(super) fn new(parts: &RequestParts<'_>, settings: &SigningSettings) -> Self {
        let mut text = String::new();
        write(parts, settings, &mut text, 0);
        Self { text }
    }

    /// `AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{hex(sha256(canonical request))}`.
    pub(super) fn string_to_sign(&self, stamp: &str, scope: &str) -> String {
        let mut sts = String::with_capacity(ALGORITHM.len() + stamp.len() + scope.len() + 67);
        sts.push_str(ALGORITHM);
        sts.push('\n');
        sts.push_str(stamp);
        sts.push('\n');
        sts.push_str(scope);
        sts.push('\n');
        push_hex(&mut sts, &Sha256::digest(self.text.as_bytes()));
        sts
    }
}

/// Writes the canonical request into `text`, which is cleared first (a
/// caller that signs often lends the same buffer each time), with room
/// for `then` more bytes after it; returns where its signed-headers line is.
///
/// The text can hold the session token, so the buffer must not move once
/// written: a `String` that grows leaves its old buffer unwiped.
pub(super) fn write(
    parts: &RequestParts<'_>,
    settings: &SigningSettings,
    text: &mut String,
    then: usize,
) -> Range<usize> {
    text.clear();
    // One allocation at most: every part's worst case is bounded above.
    text.reserve(max_len(parts) + then);
    text.push_str(parts.method);
    text.push('\n');
    write_canonical_uri(
        text,
        parts.path,
        settings.normalize_path,
        settings.double_encode,
    );
    text.push('\n');
    write_canonical_query(text, parts.query, parts.added_query);
    text.push('\n');
    parts.headers.write_canonical(text);
    text.push('\n');
    let start = text.len();
    parts.headers.write_names(text);
    let signed_headers = start..text.len();
    text.push('\n');
    text.push_str(parts.payload_hash);
    signed_headers
}

/// An upper bound of the bytes [`write`] writes for `parts`.
pub(super) fn max_len(parts: &RequestParts<'_>) -> usize {
    // Raw query text may triple when encoded; added parameters are
    // encoded already.
    let query_len = 3 * parts.query.map_or(0, str::len)
        + parts
            .added_query
            .iter()
            .map(|(name, value)| name.len() + value.len() + 2)
            .sum::<usize>();
    parts.method.len()
        + 3 * parts.path.len()
        + query_len
        + parts.headers.text_len()
        + parts.payload_hash.len()
        + 8
}

/// The length of the string to sign for `stamp` and `scope`.
pub(super) fn string_to_sign_len(stamp: &str, scope: &str) -> usize {
    ALGORITHM.len() + stamp.len() + scope.len() + 3 + 64
}

/// Appends the string to sign of the canonical request that is all of
/// `text` so far, and returns where it starts. [`write`] leaves room for
/// it ([`string_to_sign_len`]).
pub(super) fn append_string_to_sign(text: &mut String, stamp: &str, scope: &str) -> usize {
    let hash = Sha256::digest(text.as_bytes());
    let start = text.len();
    let needed = string_to_sign_len(stamp, scope);
    if text.capacity() - text.len() < needed {
        // Not reached when `write` was told; a move that wipes what it
        // leaves, should it be.
        let mut bigger = String::with_capacity(start + needed);
        bigger.push_str(text);
        crate::secret::wipe_in_place(text);
        *text = bigger;
    }
    text.push_str(ALGORITHM);
    text.push('\n');
    text.push_str(stamp);
    text.push('\n');
    text.push_str(scope);
    text.push('\n');
    push_hex(text, &hash);
    start
}

/// The payload's stand-in in the canonical request, kept on the stack.
pub(super) enum PayloadText {
    Hex([u8; 64]),
    Unsigned,
}

impl PayloadText {
    /// Hashes `body` (once; the same text serves the canonical request and
    /// `x-amz-content-sha256`), unless the payload goes unsigned.
    pub(super) fn new(body: &[u8], mode: PayloadHash) -> Self {
        match mode {
            PayloadHash::Sha256 => Self::Hex(digest_hex(&Sha256::digest(body))),
            PayloadHash::Unsigned => Self::Unsigned,
        }
    }

    pub(super) fn as_str(&self) -> &str {
        match self {
            // Hex digits are ASCII, so this never falls back.
            Self::Hex(hex) => std::str::from_utf8(hex).unwrap_or_default(),
            Self::Unsigned => UNSIGNED_PAYLOAD,
        }
    }
}

/// Appends the hex digits of `digest`, a SHA-256.
fn push_hex(out: &mut String, digest: &[u8]) {
    let hex = digest_hex(digest);
    // Hex digits are ASCII, so this never falls back.
    out.push_str(std::str::from_utf8(&hex).unwrap_or_default());
}
