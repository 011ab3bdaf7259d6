//! The canonical query string.

use super::encode::reencode_component;

/// A parameter the signer adds (the `X-Amz-*` of a presigned URL), name
/// and value already encoded: the URL needs the same text, so it is
/// encoded once for both.
pub(super) type AddedParam<'a> = (&'a str, &'a str);

/// Appends the canonical query: every `name=value` pair of `raw` (decoded
/// and encoded again) and of `added` (as given), sorted by name then value.
///
/// Pairs are encoded into one scratch string and sorted as ranges of it, so
/// that a query costs two allocations however many parameters it has. A
/// request without a query (most STS calls) costs none.
pub(super) fn write_canonical_query(out: &mut String, raw: Option<&str>, added: &[AddedParam<'_>]) {
    let raw = raw.unwrap_or("");
    let raw_pairs = raw.split('&').filter(|pair| !pair.is_empty());
    let count = raw_pairs.clone().count() + added.len();
    if count == 0 {
        return;
    }

    let mut scratch = String::with_capacity(
        raw.len() * 2
            + added
                .iter()
                .map(|(n, v)| n.len() + v.len() * 3 + 2)
                .sum::<usize>(),
    );
    // (start of name, end of name, end of value) in `scratch`.
    let mut pairs: Vec<(usize, usize, usize)> = Vec::with_capacity(count);
    for pair in raw_pairs {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let start = scratch.len();
        reencode_component(&mut scratch, name);
        let name_end = scratch.len();
        reencode_component(&mut scratch, value);
        pairs.push((start, name_end, scratch.len()));
    }
    for (name, value) in added {
        let start = scratch.len();
        scratch.push_str(name);
        let name_end = scratch.len();
        scratch.push_str(value);
        pairs.push((start, name_end, scratch.len()));
    }

    let bytes = scratch.as_bytes();
    let key = |&(start, name_end, end): &(usize, usize, usize)| {
        (&bytes[start..name_end], &bytes[name_end..end])
    };
    if pairs.len() > 1 {
        // Equal pairs print alike, so an unstable sort loses nothing.
        pairs.sort_unstable_by(|a, b| key(a).cmp(&key(b)));
    }
    for (i, &(start, name_end, end)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&scratch[start..name_end]);
        out.push('=');
        out.push_str(&scratch[name_end..end]);
    }
    // A presigned URL's query holds the session token.
    crate::secret::wipe_in_place(&mut scratch);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(raw: &str, added: &[AddedParam<'_>]) -> String {
        let mut s = String::new();
        write_canonical_query(&mut s, Some(raw), added);
        s
    }

    #[test]
    fn sorts_by_name_then_value_and_keeps_duplicates() {
        assert_eq!(
            canonical("Param1=value2&Param1=Value1", &[]),
            "Param1=Value1&Param1=value2"
        );
        assert_eq!(
            canonical("Param-3=Value3&Param=Value2&%E1%88%B4=Value1", &[]),
            "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"
        );
    }

    #[test]
    fn keys_without_values_and_empty_pairs() {
        assert_eq!(canonical("b&a=&&c=1", &[]), "a=&b=&c=1");
        assert_eq!(canonical("", &[]), "");
        assert_eq!(canonical("c+d", &[]), "c%2Bd=");
    }

    #[test]
    fn added_parameters_are_taken_as_given() {
        assert_eq!(
            canonical("z=1&Y=%2f", &[("X-Amz-Credential", "AKID%2F20150830%2Fx")]),
            "X-Amz-Credential=AKID%2F20150830%2Fx&Y=%2F&z=1"
        );
    }
}
