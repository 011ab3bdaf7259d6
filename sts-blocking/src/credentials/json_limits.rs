//! A bound on what a JSON document costs before it is parsed.

/// An upper bound on the number of JSON values in `bytes`: one more than
/// the commas and opening brackets outside strings.
///
/// A value in memory costs tens of bytes however short its text, so
/// `[1,1,1,…]` would cost many times its size once parsed; the documents
/// the providers read are flat objects of a few strings, and one with more
/// values than this bound allows is refused before it is parsed.
pub(crate) fn json_value_bound(bytes: &[u8]) -> usize {
    let (mut values, mut in_string, mut escaped) = (1usize, false, false);
    for &b in bytes {
        match (in_string, b) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') | (false, b'"') => in_string = !in_string,
            (false, b',' | b'[' | b'{') => values = values.saturating_add(1),
            _ => {}
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_outside_strings_only() {
        assert_eq!(json_value_bound(br#"{"a":"b,c[{","d":[1,2]}"#), 5);
        assert_eq!(json_value_bound(br#""\",,,""#), 1);
    }
}
