//! Which headers are signed, and their canonical form.

use http::HeaderMap;

use super::SigningError;

/// Headers that are never signed, because something between the signer and
/// the service may add, change or drop them:
///
/// - `authorization`: it carries the signature itself;
/// - `connection`, `expect`, `transfer-encoding`: hop-by-hop framing that
///   HTTP clients and proxies rewrite;
/// - `user-agent`: clients and proxies append to it;
/// - `x-amzn-trace-id`: AWS X-Ray and load balancers add or rewrite it.
///
/// The AWS SDKs leave out the same headers; none of the suite's cases signs
/// any of them. Every other header of the request is signed.
pub const UNSIGNED_HEADERS: &[&str] = &[
    "authorization",
    "connection",
    "expect",
    "transfer-encoding",
    "user-agent",
    "x-amzn-trace-id",
];

/// A header to sign: its lower-case name and its value as sent.
pub(super) type Entry<'a> = (&'a str, &'a str);

/// How many headers are kept on the stack; more go to the heap. A signed
/// STS request has five or six.
const INLINE: usize = 8;

/// The headers to sign, sorted by name. Values of a repeated name keep
/// their request order, which the canonical form preserves.
#[derive(Debug)]
pub(super) struct SignedHeaders<'a> {
    inline: [Entry<'a>; INLINE],
    /// How many of `inline` are in use.
    len: usize,
    /// All the entries instead, when there are more than fit inline.
    spilled: Vec<Entry<'a>>,
}

impl<'a> SignedHeaders<'a> {
    /// The request's headers minus [`UNSIGNED_HEADERS`] and the `replaced`
    /// ones (which the signer is about to set), plus the `added` ones.
    pub(super) fn collect(
        headers: &'a HeaderMap,
        replaced: &[&str],
        added: &[Entry<'a>],
    ) -> Result<Self, SigningError> {
        let mut signed = Self {
            inline: [("", ""); INLINE],
            len: 0,
            spilled: Vec::new(),
        };
        if headers.len() + added.len() > INLINE {
            signed.spilled.reserve(headers.len() + added.len());
        }
        for (name, value) in headers {
            let name = name.as_str();
            if UNSIGNED_HEADERS.contains(&name) || replaced.contains(&name) {
                continue;
            }
            let value = std::str::from_utf8(value.as_bytes()).map_err(|_| {
                SigningError::InvalidHeaderValue {
                    name: name.to_owned(),
                }
            })?;
            signed.push((name, value));
        }
        for &entry in added {
            signed.push(entry);
        }
        // Stable, so repeated names keep their values' order.
        signed.entries_mut().sort_by(|a, b| a.0.cmp(b.0));
        Ok(signed)
    }

    fn push(&mut self, entry: Entry<'a>) {
        if self.spilled.capacity() > 0 {
            self.spilled.push(entry);
        } else if let Some(slot) = self.inline.get_mut(self.len) {
            *slot = entry;
            self.len += 1;
        } else {
            // Counted above, so not reached; kept correct anyway.
            self.spilled.extend_from_slice(&self.inline);
            self.spilled.push(entry);
        }
    }

    fn entries(&self) -> &[Entry<'a>] {
        if self.spilled.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.spilled
        }
    }

    fn entries_mut(&mut self) -> &mut [Entry<'a>] {
        if self.spilled.is_empty() {
            &mut self.inline[..self.len]
        } else {
            &mut self.spilled
        }
    }

    /// An upper bound of the bytes [`Self::write_canonical`] and one
    /// [`Self::write_names`] append, to size buffers once.
    pub(super) fn text_len(&self) -> usize {
        self.entries()
            .iter()
            .map(|(name, value)| 2 * name.len() + value.len() + 3)
            .sum()
    }

    /// Appends `name:value\n` per name, values trimmed with inner runs of
    /// whitespace folded to one space, repeated names' values joined by `,`.
    pub(super) fn write_canonical(&self, out: &mut String) {
        let mut previous: Option<&str> = None;
        for &(name, value) in self.entries() {
            if previous == Some(name) {
                out.push(',');
            } else {
                if previous.is_some() {
                    out.push('\n');
                }
                out.push_str(name);
                out.push(':');
            }
            push_folded(out, value);
            previous = Some(name);
        }
        if previous.is_some() {
            out.push('\n');
        }
    }

    /// Appends the signed header names, `;`-separated.
    pub(super) fn write_names(&self, out: &mut String) {
        let mut previous: Option<&str> = None;
        for &(name, _) in self.entries() {
            if previous == Some(name) {
                continue;
            }
            if previous.is_some() {
                out.push(';');
            }
            out.push_str(name);
            previous = Some(name);
        }
    }
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Appends `value` trimmed, with each inner run of spaces and tabs as one
/// space.
fn push_folded(out: &mut String, value: &str) {
    let value = value.trim_matches(is_blank);
    if !needs_folding(value.as_bytes()) {
        // Almost every value, including kilobyte-long session tokens.
        out.push_str(value);
        return;
    }
    let mut words = value.split(is_blank).filter(|word| !word.is_empty());
    if let Some(first) = words.next() {
        out.push_str(first);
    }
    for word in words {
        out.push(' ');
        out.push_str(word);
    }
}

/// Whether `value` (already trimmed) has a tab or two spaces in a row.
///
/// Written as one pass over byte pairs with no early exit and no state
/// carried between iterations, so that the compiler vectorizes it: this
/// runs over every session token, a kilobyte each time.
fn needs_folding(value: &[u8]) -> bool {
    let Some((&last, rest)) = value.split_last() else {
        return false;
    };
    let next = value.get(1..).unwrap_or_default();
    rest.iter()
        .zip(next)
        .fold(last == b'\t', |found, (&b, &after)| {
            found | (b == b'\t') | ((b == b' ') & (after == b' '))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(value: &str) -> String {
        let mut s = String::new();
        push_folded(&mut s, value);
        s
    }

    /// The bytes [`SignedHeaders::write_canonical`] and one
    /// [`SignedHeaders::write_names`] append, as the canonical request has them.
    fn written(signed: &SignedHeaders<'_>) -> usize {
        let mut s = String::new();
        signed.write_canonical(&mut s);
        s.push('\n');
        signed.write_names(&mut s);
        s.len() - 1
    }

    #[test]
    fn text_len_bounds_the_canonical_headers() {
        // A signed STS request's headers, with a kilobyte-long session token.
        let token = "AQoDYXdzEPT//////////wEXAMPLEtoken+/=".repeat(28);
        assert!(token.len() >= 1024);
        let mut map = HeaderMap::new();
        map.append(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8"
                .parse()
                .unwrap(),
        );
        let added = [
            ("host", "sts.us-east-1.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
            ("x-amz-security-token", token.as_str()),
        ];
        let signed = SignedHeaders::collect(&map, &[], &added).unwrap();
        // Distinct names, values with nothing to fold: each entry writes
        // `name:value\n` and `name`, and the names are joined by one `;`
        // fewer than there are names, so 2 * name + value + 3 per entry is
        // one byte more than what is written.
        assert_eq!(signed.text_len(), written(&signed) + 1);
        assert!(written(&signed) > token.len());

        // Empty values, a repeated name and a value that folds: the bound
        // still holds.
        let mut map = HeaderMap::new();
        map.append("a", "".parse().unwrap());
        map.append("b", "".parse().unwrap());
        map.append("my-header1", "value4".parse().unwrap());
        map.append("my-header1", " value1  x ".parse().unwrap());
        let signed = SignedHeaders::collect(&map, &[], &[("c", "")]).unwrap();
        // "a:\nb:\nc:\nmy-header1:value4,value1 x\n" and "a;b;c;my-header1".
        assert_eq!(written(&signed), 36 + 16);
        assert!(
            signed.text_len() >= written(&signed),
            "{}",
            signed.text_len()
        );
    }

    #[test]
    fn trims_and_folds_whitespace() {
        assert_eq!(folded("  value1 "), "value1");
        assert_eq!(folded("\"a   b   c\""), "\"a b c\"");
        assert_eq!(folded("value1  value2     value3"), "value1 value2 value3");
        assert_eq!(folded("a\t\tb c"), "a b c");
        assert_eq!(folded(" \t "), "");
        assert_eq!(folded("a b c"), "a b c");
    }

    #[test]
    fn detects_runs_and_tabs_anywhere() {
        for at in [0, 1, 15, 16, 31, 32, 63, 64, 100] {
            let mut v = "x".repeat(at);
            v.push_str("  y");
            assert!(needs_folding(v.as_bytes()), "{at}");
            let mut v = "x".repeat(at);
            v.push('\t');
            assert!(needs_folding(v.as_bytes()), "{at}");
        }
        assert!(!needs_folding("x ".repeat(40).trim().as_bytes()));
        assert!(!needs_folding(b""));
        assert!(!needs_folding(b" "));
    }

    #[test]
    fn many_headers_keep_name_and_value_order() {
        let mut map = HeaderMap::new();
        for i in (0..40).rev() {
            map.append(
                format!("h{i:02}").parse::<http::HeaderName>().unwrap(),
                "v".parse().unwrap(),
            );
            map.append(
                format!("h{i:02}").parse::<http::HeaderName>().unwrap(),
                format!("w{i}").parse().unwrap(),
            );
        }
        let signed = SignedHeaders::collect(&map, &[], &[("a", "1")]).unwrap();
        let mut s = String::new();
        signed.write_canonical(&mut s);
        assert!(s.starts_with("a:1\nh00:v,w0\nh01:v,w1\n"), "{s}");
        assert!(s.ends_with("h39:v,w39\n"), "{s}");
    }

    #[test]
    fn repeated_names_join_in_order_and_sign_once() {
        let mut map = HeaderMap::new();
        map.append("my-header1", "value4".parse().unwrap());
        map.append("user-agent", "x/1".parse().unwrap());
        map.append("my-header1", "value1".parse().unwrap());
        map.append("a", " z ".parse().unwrap());
        let signed = SignedHeaders::collect(&map, &[], &[("x-amz-date", "D")]).unwrap();
        let mut s = String::new();
        signed.write_canonical(&mut s);
        assert_eq!(s, "a:z\nmy-header1:value4,value1\nx-amz-date:D\n");
        s.clear();
        signed.write_names(&mut s);
        assert_eq!(s, "a;my-header1;x-amz-date");
    }
}
