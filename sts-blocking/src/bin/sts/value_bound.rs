//! A bound on how many values a JSON or YAML parameters text can hold,
//! checked before it is parsed. A value in memory costs tens of bytes
//! however short its text: a megabyte of `[0,0,…]` parsed, written again
//! for clap and parsed again peaked at 40 times its size. The library's
//! parsers refuse such documents the same way; these are the tool's own.

/// The most values a parameters document, or the arguments of a list or
/// structure flag together, may hold by [`value_bound`]. The largest STS
/// request has well under a thousand (50 tags, 10 policy ARNs, 5 context
/// assertions, 50 transitive tag keys); the longest values add some too,
/// as separators in strings count: a SAML assertion of 100,000 characters
/// in lines of 64 about 1,600 line breaks, a session policy of 2,048
/// characters at most that many. About 6,000 in the worst real case.
pub(crate) const MAX_VALUES: usize = 10_000;

/// An upper bound on the values in `text`, JSON or YAML: one, plus every
/// comma, opening bracket and line break. Those in quoted strings count
/// too: telling quotes apart in YAML (`it's` is no quote) is the parser's
/// job, and a bound that misread one could be talked past.
pub(crate) fn value_bound(text: &str) -> usize {
    1 + text
        .bytes()
        .filter(|b| matches!(b, b',' | b'[' | b'{' | b'\n'))
        .count()
}

/// `Err` with the reason when `text` may hold more than [`MAX_VALUES`].
pub(crate) fn check(text: &str) -> Result<(), String> {
    match value_bound(text) > MAX_VALUES {
        true => Err(format!(
            "it has more than {MAX_VALUES} commas, brackets and lines; no STS call takes \
             that many values"
        )),
        false => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_separator_counts_quoted_or_not() {
        assert_eq!(value_bound("x"), 1);
        assert_eq!(value_bound(r#"{"a": ["b,c", 1]}"#), 5);
        assert_eq!(value_bound("a:\n  - 'it''s, [x'\n"), 5);
        let many = format!("[{}0]", "0,".repeat(MAX_VALUES));
        assert!(check(&many).unwrap_err().contains("more than 10000"));
        assert!(check(&format!("[{}0]", "0,".repeat(MAX_VALUES - 2))).is_ok());
    }
}
