//! Percent-encoding as SigV4 defines it.
//!
//! SigV4 escapes every byte outside RFC 3986's unreserved set
//! (`A-Z a-z 0-9 - _ . ~`) as `%XX` with upper-case hex; `percent-encoding`'s
//! ready-made sets do not match that exactly, and these loops are short.

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Whether SigV4 leaves `b` unescaped.
pub(super) fn is_unreserved(b: u8) -> bool {
    UNRESERVED[usize::from(b)]
}

/// [`is_unreserved`] as a table: one load per byte instead of a chain of
/// range tests, whose branches mispredict on base64 text like tokens.
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        table[i] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
        i += 1;
    }
    table
};

/// Appends `%XX` for `b`.
pub(super) fn push_escaped(out: &mut String, b: u8) {
    out.push('%');
    out.push(char::from(HEX[usize::from(b >> 4)]));
    out.push(char::from(HEX[usize::from(b & 0x0f)]));
}

/// Appends `text`, escaping everything but the unreserved set (and `/`
/// when `keep_slash`).
///
/// Unescaped runs are copied whole rather than a character at a time, and
/// are found eight bytes at a time: a kilobyte session token in a presigned
/// URL is mostly long runs. A run is ASCII and is followed by ASCII or by
/// the first byte of a character, so both of its ends are character
/// boundaries and slicing cannot fail.
pub(super) fn encode(out: &mut String, text: &str, keep_slash: bool) {
    let bytes = text.as_bytes();
    let mut run_start = 0;
    let mut escape = |out: &mut String, at: usize, b: u8| {
        if !(is_unreserved(b) || (keep_slash && b == b'/')) {
            out.push_str(text.get(run_start..at).unwrap_or_default());
            push_escaped(out, b);
            run_start = at + 1;
        }
    };
    let mut chunks = bytes.chunks_exact(8);
    for (n, chunk) in chunks.by_ref().enumerate() {
        // No early exit, so that this compiles to straight-line code.
        if !chunk.iter().fold(true, |all, &b| all & is_unreserved(b)) {
            for (j, &b) in chunk.iter().enumerate() {
                escape(out, 8 * n + j, b);
            }
        }
    }
    let tail_start = bytes.len() - chunks.remainder().len();
    for (j, &b) in chunks.remainder().iter().enumerate() {
        escape(out, tail_start + j, b);
    }
    out.push_str(text.get(run_start..).unwrap_or_default());
}

/// The value of a hex digit.
pub(super) fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The byte a `%XX` escape at the start of `rest` stands for, if it is one.
pub(super) fn escape_at(rest: &[u8]) -> Option<u8> {
    match rest {
        [b'%', hi, lo, ..] => Some((hex_value(*hi)? << 4) | hex_value(*lo)?),
        _ => None,
    }
}

/// Appends a query component in canonical form: `%XX` escapes are decoded
/// and every byte is encoded again, so `%7e`, `~` and `%7E` all sign alike.
///
/// A `%` that does not start an escape is taken literally (and becomes
/// `%25`) rather than refused: servers read such queries the same way, and
/// a signer that errors on them would just push callers to pre-clean URLs.
/// `+` is a literal plus, not a space: this is a URI, not a form body.
pub(super) fn reencode_component(out: &mut String, raw: &str) {
    let bytes = raw.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let (byte, width) = match escape_at(&bytes[i..]) {
            Some(decoded) => (decoded, 3),
            None => (b, 1),
        };
        if is_unreserved(byte) {
            out.push(char::from(byte));
        } else {
            push_escaped(out, byte);
        }
        i += width;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reencoded(raw: &str) -> String {
        let mut s = String::new();
        reencode_component(&mut s, raw);
        s
    }

    #[test]
    fn escapes_are_decoded_then_encoded_upper_case() {
        assert_eq!(reencoded("%7e%7E~"), "~~~");
        assert_eq!(reencoded("%e1%88%b4"), "%E1%88%B4");
        assert_eq!(reencoded("ሴ"), "%E1%88%B4");
        assert_eq!(reencoded("a b+c"), "a%20b%2Bc");
        assert_eq!(reencoded("%2F/"), "%2F%2F");
    }

    #[test]
    fn unreserved_is_exactly_rfc_3986s_set() {
        let unreserved: Vec<u8> = (0..=255u8).filter(|&b| is_unreserved(b)).collect();
        assert_eq!(
            unreserved,
            b"-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~"
        );
    }

    #[test]
    fn malformed_escapes_are_literal_percent_signs() {
        assert_eq!(reencoded("%"), "%25");
        assert_eq!(reencoded("%4"), "%254");
        assert_eq!(reencoded("%zz"), "%25zz");
        assert_eq!(reencoded("100%"), "100%25");
        assert_eq!(reencoded("%%41"), "%25A");
    }

    #[test]
    fn path_encoding_keeps_slashes_only_when_asked() {
        let mut s = String::new();
        encode(&mut s, "/a b/%3A", true);
        assert_eq!(s, "/a%20b/%253A");
        s.clear();
        encode(&mut s, "a/b", false);
        assert_eq!(s, "a%2Fb");
        s.clear();
        encode(&mut s, "ሴaሴ~é", false);
        assert_eq!(s, "%E1%88%B4a%E1%88%B4~%C3%A9");
        // Escapes on both sides of the eight-byte chunk edges.
        s.clear();
        encode(&mut s, "abcdefg/hijklmn/o/p+qrstuvwxyz0123456789=", false);
        assert_eq!(s, "abcdefg%2Fhijklmn%2Fo%2Fp%2Bqrstuvwxyz0123456789%3D");
        s.clear();
        encode(&mut s, "ሴሴሴሴ", true);
        assert_eq!(s, "%E1%88%B4".repeat(4));
    }
}
