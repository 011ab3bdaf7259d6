//! Request bodies that carry a secret (an SSO client secret and refresh
//! token, a console login's refresh token) as JSON.
//!
//! Built through `serde_json::Value` or `to_vec`, the secret is copied into
//! an intermediate string and into buffers that grow by reallocation, each
//! freed without being wiped. Here every member is escaped straight into one
//! buffer sized for the worst escaping, so the body is the only copy.

/// The JSON object of `members` (name, string value), in order.
pub(super) fn object(members: &[(&str, &str)]) -> Vec<u8> {
    // `\u00XX` is the longest escape: six bytes for one.
    let capacity = 2 + members
        .iter()
        .map(|(name, value)| 6 * (name.len() + value.len()) + 6)
        .sum::<usize>();
    let mut out = Vec::with_capacity(capacity);
    out.push(b'{');
    for (i, (name, value)) in members.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Writing a string to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, name);
        out.push(b':');
        let _ = serde_json::to_writer(&mut out, value);
    }
    out.push(b'}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_serde_jsons_and_never_outgrows_its_buffer() {
        let nasty: String = (0u8..=0x7f)
            .map(char::from)
            .chain(['é', '\u{2028}', '😀'])
            .collect();
        for members in [
            vec![],
            vec![("clientId", "id"), ("refreshToken", "r\"e\\f")],
            vec![("a", nasty.as_str()), ("b\n", "\u{1}\u{1f}")],
            vec![("only", "\0\0\0\0")],
        ] {
            let body = object(&members);
            let map: serde_json::Map<String, serde_json::Value> = members
                .iter()
                .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v)))
                .collect();
            assert_eq!(body, serde_json::to_vec(&map).unwrap(), "{members:?}");
            let capacity = 2 + members
                .iter()
                .map(|(k, v)| 6 * (k.len() + v.len()) + 6)
                .sum::<usize>();
            assert_eq!(body.capacity(), capacity, "the buffer grew");
        }
    }
}
