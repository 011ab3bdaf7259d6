//! The awsQuery form body: `Action=AssumeRole&Version=2011-06-15&RoleArn=…`.
//!
//! The bytes must be exactly what botocore and the Go SDK send, because some
//! servers (moto among them) check a signature over a body they re-encode
//! from the parsed form: A–Z a–z 0–9 `-` `_` `.` `~` stay literal, a space
//! becomes `+`, and every other byte of the UTF-8 becomes `%XX` with
//! upper-case hex. That is `application/x-www-form-urlencoded` as Python's
//! `urlencode` and Go's `url.QueryEscape` write it.

use std::fmt::{self, Write as _};

use crate::secret::zero_prefix;

/// The STS API version every request names.
pub const API_VERSION: &str = "2011-06-15";

/// Writes an awsQuery form body, one parameter at a time, in call order.
///
/// Parameter names may be built from pieces without allocating:
///
/// ```
/// use sts_proto::form::FormWriter;
///
/// let mut form = FormWriter::new("AssumeRole");
/// form.param("RoleArn", "arn:aws:iam::123456789012:role/demo");
/// form.param(format_args!("Tags.member.{}.Key", 1), "Project");
/// form.param(format_args!("Tags.member.{}.Value", 1), "Blue Unicorn");
/// assert_eq!(
///     form.finish(),
///     "Action=AssumeRole&Version=2011-06-15\
///      &RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo\
///      &Tags.member.1.Key=Project&Tags.member.1.Value=Blue+Unicorn"
/// );
/// ```
#[derive(Clone)]
pub struct FormWriter {
    /// The body so far is `buf[..len]`. The whole buffer is initialized
    /// (zeros when it comes), so that the encoder writes each byte's
    /// encoding straight into it, at a known offset, instead of through a
    /// buffer on the stack and a call to `memcpy` for every value.
    buf: Vec<u8>,
    len: usize,
    /// How far into `buf` anything was written: the encoder writes four
    /// bytes for each byte it encodes and keeps only what it needs, so up
    /// to three bytes past `len` may hold the rest of a padded encoding.
    dirty: usize,
}

/// The largest buffer a thread keeps between form bodies.
const KEPT_BYTES: usize = 64 * 1024;

thread_local! {
    /// A body's buffer, all zeros, kept for the thread's next body.
    static SCRATCH: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

impl FormWriter {
    /// Starts a body for `action` at the STS API version.
    pub fn new(action: &str) -> Self {
        Self::with_capacity(action, 512)
    }

    /// Starts a body for `action` in a buffer of `capacity` bytes; a body
    /// that fits never moves, so no copy of it is left to wipe.
    pub fn with_capacity(action: &str, capacity: usize) -> Self {
        Self::start(action, vec![0; capacity])
    }

    /// The body for `action` that `write` writes, in a buffer of exactly
    /// its size.
    ///
    /// It is written first into a buffer the thread keeps (wiped after
    /// each use), then copied once: that costs less than measuring it
    /// first, or growing a buffer and wiping what it outgrew.
    pub fn write_exact(action: &str, write: impl FnOnce(&mut FormWriter)) -> String {
        let body = Self::write_exact_bytes(action, write);
        // Only ASCII is ever written, so this never copies.
        String::from_utf8(body)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// [`write_exact`](Self::write_exact) as the bytes a request carries,
    /// without checking again that ASCII is UTF-8.
    pub(crate) fn write_exact_bytes(action: &str, write: impl FnOnce(&mut FormWriter)) -> Vec<u8> {
        let scratch = SCRATCH.try_with(std::cell::Cell::take).unwrap_or_default();
        let mut form = Self::start(action, scratch);
        write(&mut form);
        let body = form.body().to_vec();
        let mut scratch = std::mem::take(&mut form.buf);
        zero_prefix(&mut scratch, form.dirty);
        if scratch.capacity() <= KEPT_BYTES {
            // Zeros to its end, as the next body expects.
            scratch.resize(scratch.capacity(), 0);
            // During the thread's exit there is no slot: the buffer is dropped.
            let _ = SCRATCH.try_with(|s| s.set(scratch));
        }
        body
    }

    /// `buf` is zeros (or empty).
    fn start(action: &str, buf: Vec<u8>) -> Self {
        let mut form = Self {
            buf,
            len: 0,
            dirty: 0,
        };
        form.raw(b"Action=");
        form.encode(action.as_bytes());
        form.raw(b"&Version=");
        form.raw(API_VERSION.as_bytes());
        form
    }

    /// The body so far.
    fn body(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    /// The length of the body so far, in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the body is empty; it never is, as it starts with `Action`.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `name=value`, both encoded.
    pub fn param(&mut self, name: impl fmt::Display, value: &str) {
        self.raw(b"&");
        // Writing into our buffer through the encoder cannot fail.
        let _ = write!(Encoder(self), "{name}");
        self.raw(b"=");
        self.encode(value.as_bytes());
    }

    /// [`param`](Self::param) for a name that is text already, without
    /// going through the formatting machinery.
    pub fn field(&mut self, name: &str, value: &str) {
        self.raw(b"&");
        self.encode(name.as_bytes());
        self.raw(b"=");
        self.encode(value.as_bytes());
    }

    /// Appends the list entry `{list}.member.{index}.{field}=value`, or
    /// `{list}.member.{index}=value` for an empty `field`, without going
    /// through the formatting machinery.
    pub fn member(&mut self, list: &str, index: usize, field: &str, value: &str) {
        self.raw(b"&");
        self.encode(list.as_bytes());
        self.raw(b".member.");
        self.decimal(index);
        if !field.is_empty() {
            self.raw(b".");
            self.encode(field.as_bytes());
        }
        self.raw(b"=");
        self.encode(value.as_bytes());
    }

    /// Appends `name=` for a list that is present but empty, which the
    /// awsQuery protocol distinguishes from an absent list.
    pub fn empty_list(&mut self, name: &str) {
        self.field(name, "");
    }

    /// The body as text. Past its end the buffer holds only zeros and the
    /// encoder's length markers (1 or 3), never a byte of a value.
    pub fn finish(self) -> String {
        let mut body = self.buf;
        body.truncate(self.len);
        // Only ASCII is ever written, so this never copies.
        String::from_utf8(body)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// Room for `extra` more bytes. The body can hold secrets (a web
    /// identity token, a SAML assertion, an MFA code), so it does not grow
    /// the way a `Vec` does, leaving the old buffer unwiped in freed
    /// memory: it moves to a larger buffer and wipes the old one.
    #[inline]
    fn room(&mut self, extra: usize) {
        let needed = self.len.saturating_add(extra);
        if needed > self.buf.len() {
            self.grow(needed);
        }
    }

    #[cold]
    fn grow(&mut self, needed: usize) {
        // A first body in a thread's empty buffer starts at a size most
        // bodies fit in.
        let mut bigger = vec![0; needed.max(self.buf.len().saturating_mul(2)).max(512)];
        if let (Some(to), Some(from)) = (bigger.get_mut(..self.len), self.buf.get(..self.len)) {
            to.copy_from_slice(from);
        }
        let mut old = std::mem::replace(&mut self.buf, bigger);
        zero_prefix(&mut old, std::mem::replace(&mut self.dirty, self.len));
    }

    /// Appends bytes that need no encoding. Inlined, so that the constant
    /// separators (`&`, `=`, `.member.`) are stored directly, not copied
    /// by a call to `memcpy` each.
    #[inline]
    fn raw(&mut self, bytes: &[u8]) {
        self.room(bytes.len());
        let end = self.len + bytes.len();
        if let Some(slot) = self.buf.get_mut(self.len..end) {
            slot.copy_from_slice(bytes);
            self.len = end;
            self.dirty = self.dirty.max(end);
        }
    }

    /// Appends `n` in decimal, a digit at a time from the last: a list
    /// index is a digit or two, which a `memcpy` of them would cost more
    /// than writing.
    fn decimal(&mut self, n: usize) {
        let digits = n.checked_ilog10().unwrap_or(0) as usize + 1;
        self.room(digits);
        let end = self.len + digits;
        if let Some(slot) = self.buf.get_mut(self.len..end) {
            let mut rest = n;
            for d in slot.iter_mut().rev() {
                *d = b'0' + (rest % 10) as u8;
                rest /= 10;
            }
            self.len = end;
            self.dirty = self.dirty.max(end);
        }
    }

    /// Percent-encodes `value` onto the body, straight into the buffer.
    fn encode(&mut self, value: &[u8]) {
        // Three bytes for each, and one of slack: each byte writes four.
        self.room(value.len().saturating_mul(3).saturating_add(1));
        let buf = self.buf.as_mut_slice();
        let n = encode_bytes(value, buf, self.len);
        // The last four-byte write reaches three bytes past the end.
        self.dirty = self.dirty.max((n + 3).min(buf.len()));
        self.len = n;
    }
}

impl fmt::Debug for FormWriter {
    /// The length only: a body can hold a secret (a web identity token, a
    /// SAML assertion, an MFA code).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FormWriter")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

/// Writes the encoding of `bytes` into `buf` from `n`, returning where it
/// ends. No branch on the kind of byte: its encoding, padded to four bytes,
/// is written whole, and its length kept. `buf` has room for three bytes
/// for each, and one of slack.
///
/// Eight bytes at a time: their encodings are looked up and their offsets
/// summed before any is stored, so that where a byte goes waits only on
/// the sum for the eight before it, not on a table lookup for each byte
/// before it (a load's latency per byte, most of the time it took).
#[inline(always)]
fn encode_bytes(bytes: &[u8], buf: &mut [u8], mut n: usize) -> usize {
    const CHUNK: usize = 8;
    let mut chunks = bytes.chunks_exact(CHUNK);
    for chunk in &mut chunks {
        let packed: [u32; CHUNK] = std::array::from_fn(|i| ENCODED[usize::from(chunk[i])]);
        let mut offsets = [0usize; CHUNK];
        let mut end = 0;
        for (offset, p) in offsets.iter_mut().zip(packed) {
            *offset = end;
            end += (p >> 24) as usize;
        }
        // Three bytes for each, and the last write's one of slack.
        if let Some(slot) = buf.get_mut(n..n + 3 * CHUNK + 1) {
            for (&offset, p) in offsets.iter().zip(packed) {
                if let Some(to) = slot.get_mut(offset..offset + 4) {
                    to.copy_from_slice(&p.to_le_bytes());
                }
            }
        }
        n += end;
    }
    for &b in chunks.remainder() {
        let packed = ENCODED[usize::from(b)];
        if let Some(slot) = buf.get_mut(n..n + 4) {
            slot.copy_from_slice(&packed.to_le_bytes());
        }
        n += (packed >> 24) as usize;
    }
    n
}

/// Adapts `fmt::Write` so that formatted text is percent-encoded on the way in.
struct Encoder<'a>(&'a mut FormWriter);

impl fmt::Write for Encoder<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.encode(s.as_bytes());
        Ok(())
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The bytes that stay literal: A–Z a–z 0–9 `-` `_` `.` `~`.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~');
        b += 1;
    }
    table
};

/// Each byte's encoding in the low three bytes, little-endian, and its
/// length in the top byte.
const ENCODED: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u32;
        table[b] = if UNRESERVED[b] {
            c | 1 << 24
        } else if c == b' ' as u32 {
            b'+' as u32 | 1 << 24
        } else {
            b'%' as u32 | (HEX[b >> 4] as u32) << 8 | (HEX[b & 0x0f] as u32) << 16 | 3 << 24
        };
        b += 1;
    }
    table
};

/// Percent-encodes `value` onto `out` with the form rules above.
pub fn encode_into(out: &mut String, value: &str) {
    out.reserve(value.len());
    for &b in value.as_bytes() {
        if UNRESERVED[usize::from(b)] {
            out.push(char::from(b));
        } else if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
}

/// A form body that could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormDecodeError {
    /// A `%` not followed by two hex digits.
    #[error("bad percent-escape at byte {offset} of the form body")]
    BadEscape {
        /// Where the `%` is.
        offset: usize,
    },
    /// The decoded bytes of a name or value are not UTF-8.
    #[error("form field at byte {offset} is not UTF-8 once decoded")]
    NotUtf8 {
        /// Where the field starts.
        offset: usize,
    },
}

/// Decodes a form body into its `(name, value)` pairs, in order.
///
/// The inverse of [`FormWriter`], for tests, fuzzing, and servers written
/// against this crate; it accepts any valid `x-www-form-urlencoded` text,
/// not only what the writer produces.
pub fn decode(body: &str) -> Result<Vec<(String, String)>, FormDecodeError> {
    let mut pairs = Vec::new();
    let mut offset = 0;
    for field in body.split('&') {
        if !field.is_empty() {
            let (name, value) = field.split_once('=').unwrap_or((field, ""));
            let value_offset = offset + name.len() + 1;
            pairs.push((unescape(name, offset)?, unescape(value, value_offset)?));
        }
        offset += field.len() + 1;
    }
    Ok(pairs)
}

fn unescape(text: &str, offset: usize) -> Result<String, FormDecodeError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.get(i + 1).and_then(|b| char::from(*b).to_digit(16));
                let lo = bytes.get(i + 2).and_then(|b| char::from(*b).to_digit(16));
                match (hi, lo) {
                    (Some(hi), Some(lo)) => out.push((hi * 16 + lo) as u8),
                    _ => return Err(FormDecodeError::BadEscape { offset: offset + i }),
                }
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| FormDecodeError::NotUtf8 { offset })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(params: &[(&str, &str)]) -> String {
        let mut form = FormWriter::new("GetCallerIdentity");
        for (name, value) in params {
            form.param(name, value);
        }
        form.finish()
    }

    #[test]
    fn action_and_version_come_first() {
        assert_eq!(
            FormWriter::new("GetCallerIdentity").finish(),
            "Action=GetCallerIdentity&Version=2011-06-15"
        );
    }

    #[test]
    fn unreserved_characters_stay_literal() {
        assert_eq!(
            body(&[("P", "AZaz09-_.~")]),
            "Action=GetCallerIdentity&Version=2011-06-15&P=AZaz09-_.~"
        );
    }

    #[test]
    fn reserved_and_special_characters_are_escaped() {
        // Hand-checked against Python's urllib.parse.urlencode.
        let cases = [
            (" ", "+"),
            ("+", "%2B"),
            ("&", "%26"),
            ("=", "%3D"),
            ("%", "%25"),
            ("\n", "%0A"),
            ("\r\t", "%0D%09"),
            ("/", "%2F"),
            (":", "%3A"),
            ("*", "%2A"),
            ("'()!", "%27%28%29%21"),
            ("a b+c", "a+b%2Bc"),
            ("é", "%C3%A9"),
            ("日本", "%E6%97%A5%E6%9C%AC"),
            ("😀", "%F0%9F%98%80"),
            ("\u{0}", "%00"),
            ("\u{7f}", "%7F"),
            ("", ""),
        ];
        for (raw, encoded) in cases {
            assert_eq!(
                body(&[("V", raw)]),
                format!("Action=GetCallerIdentity&Version=2011-06-15&V={encoded}"),
                "encoding {raw:?}"
            );
        }
    }

    #[test]
    fn a_policy_document_encodes_as_botocore_sends_it() {
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        assert_eq!(
            body(&[("Policy", policy)]),
            "Action=GetCallerIdentity&Version=2011-06-15&Policy=\
             %7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22\
             %3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"
        );
    }

    #[test]
    fn nested_names_and_empty_lists() {
        let mut form = FormWriter::new("AssumeRole");
        for (i, (k, v)) in [("Project", "Unicorn"), ("Cost Center", "12&3")]
            .iter()
            .enumerate()
        {
            form.param(format_args!("Tags.member.{}.Key", i + 1), k);
            form.param(format_args!("Tags.member.{}.Value", i + 1), v);
        }
        form.empty_list("TransitiveTagKeys");
        form.param(
            format_args!("PolicyArns.member.{}.arn", 1),
            "arn:aws:iam::aws:policy/x",
        );
        assert_eq!(
            form.finish(),
            "Action=AssumeRole&Version=2011-06-15\
             &Tags.member.1.Key=Project&Tags.member.1.Value=Unicorn\
             &Tags.member.2.Key=Cost+Center&Tags.member.2.Value=12%263\
             &TransitiveTagKeys=\
             &PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2Fx"
        );
    }

    #[test]
    fn field_and_member_write_what_param_writes() {
        let mut by_param = FormWriter::new("AssumeRole");
        let mut direct = FormWriter::new("AssumeRole");
        for (i, value) in ["a b", "日本&=", "", "x".repeat(200).as_str()]
            .into_iter()
            .enumerate()
        {
            by_param.param("Policy", value);
            direct.field("Policy", value);
            for index in [0, 1, 9, 10, 99, 100, 123, usize::MAX, i + 1] {
                by_param.param(format_args!("Tags.member.{index}.Key"), value);
                direct.member("Tags", index, "Key", value);
                by_param.param(format_args!("Keys.member.{index}"), value);
                direct.member("Keys", index, "", value);
            }
        }
        assert_eq!(direct.finish(), by_param.finish());
    }

    #[test]
    fn the_table_encodes_every_byte_as_the_plain_encoder_does() {
        for b in 0..=127u8 {
            let packed = ENCODED[usize::from(b)].to_le_bytes();
            let len = usize::from(packed[3]);
            let mut plain = String::new();
            encode_into(&mut plain, &char::from(b).to_string());
            assert_eq!(plain.as_bytes(), &packed[..len], "{b:#04x}");
        }
        for b in 128..=255u8 {
            let packed = ENCODED[usize::from(b)].to_le_bytes();
            assert_eq!(
                packed,
                [b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)], 3]
            );
        }
    }

    #[test]
    fn values_encode_as_the_plain_encoder_does_whatever_their_runs() {
        // Runs of literal bytes of every length between bytes that are
        // escaped, in buffers that must grow.
        let alphabet = [
            "a", "Z", "0", "-", ".", "~", "_", " ", ":", "/", "%", "é", "😀",
        ];
        let mut x: u32 = 0x2545_f491;
        let mut next = |n: u32| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x % n
        };
        for _ in 0..2_000 {
            let len = next(200);
            let literal_bias = next(14);
            let value: String = (0..len)
                .map(|_| match next(14) < literal_bias {
                    true => alphabet[next(6) as usize],
                    false => alphabet[next(alphabet.len() as u32) as usize],
                })
                .collect();
            let mut expected = String::from("Action=A&Version=2011-06-15&N=");
            encode_into(&mut expected, &value);
            let mut form = FormWriter::with_capacity("A", next(64) as usize);
            form.field("N", &value);
            assert_eq!(form.len(), expected.len());
            assert_eq!(form.finish(), expected, "{value:?}");
        }
    }

    #[test]
    fn debug_shows_the_length_not_the_body() {
        let mut form = FormWriter::new("AssumeRoleWithWebIdentity");
        form.field("WebIdentityToken", "eyJ-secret-token");
        let shown = format!("{form:?}");
        assert!(
            !shown.contains("secret") && shown.contains("len"),
            "{shown}"
        );
    }

    #[test]
    fn an_exact_body_is_the_body_and_nothing_more() {
        let write = |form: &mut FormWriter| {
            form.field("Policy", "{\"a\": [1, 2]}\n é 😀");
            form.param(format_args!("P{}", 1), "~-_. +%");
            form.member("Tags", 12, "Value", &"v ".repeat(300));
            form.empty_list("TransitiveTagKeys");
        };
        let mut grown = FormWriter::with_capacity("AssumeRole", 1);
        write(&mut grown);
        let grown = grown.finish();
        for _ in 0..2 {
            let exact = FormWriter::write_exact("AssumeRole", write);
            assert_eq!(exact, grown);
            assert_eq!(exact.capacity(), exact.len());
        }
        // The kept buffer holds nothing of the last body between bodies:
        // zeros to its end, ready for the next.
        let kept = SCRATCH.with(std::cell::Cell::take);
        assert!(kept.iter().all(|&b| b == 0) && kept.len() >= grown.len());
        assert_eq!(kept.len(), kept.capacity());
        SCRATCH.with(|s| s.set(kept));
        assert_eq!(
            FormWriter::write_exact("GetCallerIdentity", |_| ()),
            "Action=GetCallerIdentity&Version=2011-06-15"
        );
    }

    #[test]
    fn decode_inverts_the_writer() {
        let params = [
            ("Policy", "{\"a\": [1, 2]}\n"),
            ("Tags.member.1.Key", "k=v&x"),
            ("Empty", ""),
            ("Unicode", "日本 😀 %41"),
        ];
        let encoded = body(&params);
        let decoded = decode(&encoded).unwrap();
        assert_eq!(decoded[0], ("Action".into(), "GetCallerIdentity".into()));
        assert_eq!(decoded[1], ("Version".into(), API_VERSION.into()));
        for (got, want) in decoded[2..].iter().zip(params) {
            assert_eq!((got.0.as_str(), got.1.as_str()), want);
        }
    }

    #[test]
    fn decode_rejects_bad_input() {
        assert_eq!(
            decode("a=%4"),
            Err(FormDecodeError::BadEscape { offset: 2 })
        );
        assert_eq!(
            decode("a=%zz"),
            Err(FormDecodeError::BadEscape { offset: 2 })
        );
        assert_eq!(decode("a=%FF"), Err(FormDecodeError::NotUtf8 { offset: 2 }));
        assert_eq!(decode("flag&&x=1").unwrap().len(), 2);
        // Offsets count from the body's start, in later fields and names too.
        assert_eq!(
            decode("A=1&B=%zz"),
            Err(FormDecodeError::BadEscape { offset: 6 })
        );
        assert_eq!(
            decode("A=1&%zz=2"),
            Err(FormDecodeError::BadEscape { offset: 4 })
        );
        assert_eq!(
            decode("A=x%zz"),
            Err(FormDecodeError::BadEscape { offset: 3 })
        );
        assert_eq!(
            decode("A=1&B=%FF"),
            Err(FormDecodeError::NotUtf8 { offset: 6 })
        );
    }

    /// The encoder writes four bytes for each byte it encodes: a value of
    /// escapes only that makes the buffer grow to exactly the size it
    /// needs must still find room for the last write (the byte of slack).
    #[test]
    fn a_value_of_escapes_only_fills_a_buffer_grown_to_its_size() {
        let mut form = FormWriter::new("GetCallerIdentity");
        assert!(!form.is_empty());
        // 46 bytes before the value and 3 × 400 + 1 for it: a buffer of
        // 1,247 bytes, more than twice the first 512.
        form.field("P", &"/".repeat(400));
        assert_eq!(
            form.finish(),
            format!(
                "Action=GetCallerIdentity&Version=2011-06-15&P={}",
                "%2F".repeat(400)
            )
        );
    }
}
