//! The awsQuery form body: `Action=AssumeRole&Version=2011-06-15&RoleArn=…`.
//!
//! The bytes must be exactly what botocore and the Go SDK send, because some
//! servers (moto among them) check a signature over a body they re-encode
//! from the parsed form: A–Z a–z 0–9 `-` `_` `.` `~` stay literal, a space
//! becomes `+`, and every other byte of the UTF-8 becomes `%XX` with
//! upper-case hex. That is `application/x-www-form-urlencoded` as Python's
//! `urlencode` and Go's `url.QueryEscape` write it.

use std::fmt::{self, Write as _};

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
#[derive(Debug, Clone)]
pub struct FormWriter {
    body: Vec<u8>,
}

impl FormWriter {
    /// Starts a body for `action` at the STS API version.
    pub fn new(action: &str) -> Self {
        let mut form = Self {
            body: Vec::with_capacity(512),
        };
        form.body.extend_from_slice(b"Action=");
        form.encode(action.as_bytes());
        form.body.extend_from_slice(b"&Version=");
        form.body.extend_from_slice(API_VERSION.as_bytes());
        form
    }

    /// Appends `name=value`, both encoded.
    pub fn param(&mut self, name: impl fmt::Display, value: &str) {
        self.reserve(1);
        self.body.push(b'&');
        // Writing into our buffer through the encoder cannot fail.
        let _ = write!(Encoder(self), "{name}");
        self.reserve(1);
        self.body.push(b'=');
        self.encode(value.as_bytes());
    }

    /// Appends `name=` for a list that is present but empty, which the
    /// awsQuery protocol distinguishes from an absent list.
    pub fn empty_list(&mut self, name: &str) {
        self.param(name, "");
    }

    /// The body as text.
    pub fn finish(self) -> String {
        // Only ASCII is ever written, so this never copies.
        String::from_utf8(self.body)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// Room for `extra` more bytes. The body can hold secrets (a web
    /// identity token, a SAML assertion, an MFA code), so it does not grow
    /// the way a `Vec` does, leaving the old buffer unwiped in freed
    /// memory: it moves to a larger buffer and wipes the old one.
    fn reserve(&mut self, extra: usize) {
        let needed = self.body.len().saturating_add(extra);
        if needed <= self.body.capacity() {
            return;
        }
        let mut bigger = Vec::with_capacity(needed.max(self.body.capacity().saturating_mul(2)));
        bigger.extend_from_slice(&self.body);
        zeroize::Zeroize::zeroize(&mut self.body);
        self.body = bigger;
    }

    /// Percent-encodes `value` onto the body: runs of unreserved bytes are
    /// copied at once, the rest escaped from a table.
    fn encode(&mut self, value: &[u8]) {
        // At most three bytes out for each byte in.
        self.reserve(value.len().saturating_mul(3));
        let mut run = 0;
        for (i, &b) in value.iter().enumerate() {
            if UNRESERVED[usize::from(b)] {
                continue;
            }
            self.body.extend_from_slice(&value[run..i]);
            if b == b' ' {
                self.body.push(b'+');
            } else {
                self.body.extend_from_slice(&[
                    b'%',
                    HEX[usize::from(b >> 4)],
                    HEX[usize::from(b & 0x0f)],
                ]);
            }
            run = i + 1;
        }
        self.body.extend_from_slice(&value[run..]);
    }
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
    }
}
