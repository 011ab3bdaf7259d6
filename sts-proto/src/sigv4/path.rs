//! The canonical URI: the request path, normalized and encoded.

use super::encode::{encode, escape_at, is_unreserved, push_escaped};

/// Appends the canonical form of `path` (as it appears in the URI).
pub(super) fn write_canonical_uri(out: &mut String, path: &str, normalize: bool, double: bool) {
    let normalized;
    let path = if path.is_empty() {
        "/"
    } else if normalize && needs_normalizing(path) {
        normalized = normalized_path(path);
        &normalized
    } else {
        path
    };
    if double {
        // The URI path is already encoded once; every byte of it, `%`
        // included, is encoded again.
        encode(out, path, true);
    } else {
        encode_once(out, path.as_bytes());
    }
}

/// Encodes what is not already encoded, keeping `%XX` escapes (in upper
/// case) and `/`.
fn encode_once(out: &mut String, bytes: &[u8]) {
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if let Some(decoded) = escape_at(&bytes[i..]) {
            push_escaped(out, decoded);
            i += 3;
            continue;
        }
        if is_unreserved(b) || b == b'/' {
            out.push(char::from(b));
        } else {
            push_escaped(out, b);
        }
        i += 1;
    }
}

/// Whether the path has empty, `.` or `..` segments. Most paths (STS uses
/// just `/`) have none, and skip the work of splitting.
fn needs_normalizing(path: &str) -> bool {
    !path.starts_with('/')
        || path.contains("//")
        || path.contains("/./")
        || path.contains("/../")
        || path.ends_with("/.")
        || path.ends_with("/..")
}

/// Removes dot segments (RFC 3986 section 5.2.4) and empty segments.
///
/// A path that ends in `/`, `/.` or `/..` names a directory and keeps a
/// trailing slash; `..` never climbs above the root.
fn normalized_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let mut directory = false;
    for segment in path.split('/') {
        directory = matches!(segment, "" | "." | "..");
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            name => segments.push(name),
        }
    }
    let mut out = String::with_capacity(path.len());
    for segment in &segments {
        out.push('/');
        out.push_str(segment);
    }
    if segments.is_empty() || directory {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(path: &str, normalize: bool, double: bool) -> String {
        let mut s = String::new();
        write_canonical_uri(&mut s, path, normalize, double);
        s
    }

    #[test]
    fn normalizes_like_the_suite() {
        for (path, want) in [
            ("", "/"),
            ("/", "/"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("/./", "/"),
            ("//", "/"),
            ("/./example", "/example"),
            ("//example//", "/example/"),
            ("/a/b/..", "/a/"),
            ("/a/./b/.", "/a/b/"),
            ("/../../a", "/a"),
            ("/a/b/c", "/a/b/c"),
            ("/a/b/", "/a/b/"),
        ] {
            assert_eq!(canonical(path, true, true), want, "{path:?}");
        }
    }

    #[test]
    fn unnormalized_paths_are_kept() {
        assert_eq!(canonical("//example//", false, true), "//example//");
        assert_eq!(canonical("/example/..", false, true), "/example/..");
    }

    #[test]
    fn double_encoding_escapes_percent_signs() {
        assert_eq!(canonical("/arn%3Aaws/x", true, true), "/arn%253Aaws/x");
        assert_eq!(canonical("/ሴ", true, true), "/%E1%88%B4");
        assert_eq!(canonical("/$@", true, true), "/%24%40");
    }

    #[test]
    fn single_encoding_keeps_escapes() {
        assert_eq!(canonical("/arn%3aaws/x y", true, false), "/arn%3Aaws/x%20y");
        assert_eq!(canonical("/100%", true, false), "/100%25");
    }
}
