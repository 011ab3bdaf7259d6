//! Reading STS response documents, defensively.
//!
//! STS responses are shallow documents whose only content that matters is
//! the text of leaf elements, so the reader flattens a document into
//! `(path, text)` pairs, e.g. `("AssumeRoleResult/Credentials/AccessKeyId",
//! "ASIA…")`, with the path relative to the root element and namespace
//! prefixes dropped. Operation parsers then pick the paths they know, in any
//! order, and ignore the rest, which is how new response members added by
//! AWS stay harmless.
//!
//! Hostile input is expected: the body size, nesting depth and number of
//! elements are capped before any of them can cost memory, DOCTYPE
//! declarations (and so custom entities) are refused, and every malformed,
//! truncated or non-UTF-8 document is an error, never a panic.

use std::fmt;

use quick_xml::errors::{Error as ReaderError, IllFormedError};
use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// Limits on what the reader accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XmlLimits {
    /// Largest body in bytes. The largest legitimate STS response, a
    /// decoded authorization message, is far below the default of 1 MiB.
    pub max_body_bytes: usize,
    /// Deepest element nesting; STS documents are at most 5 deep.
    pub max_depth: usize,
    /// Most elements in a document.
    pub max_elements: usize,
}

impl Default for XmlLimits {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            max_depth: 32,
            max_elements: 4096,
        }
    }
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlError {
    /// The body is larger than [`XmlLimits::max_body_bytes`].
    TooLarge {
        /// Size of the body.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Elements nest deeper than [`XmlLimits::max_depth`].
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// More elements than [`XmlLimits::max_elements`].
    TooManyElements {
        /// The limit.
        limit: usize,
    },
    /// The body is not UTF-8.
    NotUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// A DOCTYPE declaration, refused so no entity can be defined.
    Doctype,
    /// An entity other than the five XML predefines, or a bad character reference.
    UnknownEntity(String),
    /// The document has no root element.
    Empty,
    /// Not well-formed XML: mismatched, unclosed or garbled markup.
    Malformed(String),
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            XmlError::TooLarge { size, limit } => {
                write!(
                    f,
                    "response body of {size} bytes is over the {limit}-byte limit"
                )
            }
            XmlError::TooDeep { limit } => write!(f, "XML nests deeper than {limit} elements"),
            XmlError::TooManyElements { limit } => {
                write!(f, "XML has more than {limit} elements")
            }
            XmlError::NotUtf8 { offset } => {
                write!(
                    f,
                    "response body is not UTF-8 (invalid byte at offset {offset})"
                )
            }
            XmlError::Doctype => f.write_str("XML DOCTYPE declarations are not accepted"),
            XmlError::UnknownEntity(name) => write!(f, "unknown XML entity &{name};"),
            XmlError::Empty => f.write_str("response body has no XML root element"),
            XmlError::Malformed(why) => write!(f, "malformed XML: {why}"),
        }
    }
}

impl std::error::Error for XmlError {}

/// A document flattened into the text of its leaf elements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// Local name of the root element, as `AssumeRoleResponse`.
    pub root: String,
    /// `(path, text)` for every element without child elements, in
    /// document order. Paths are relative to the root, joined with `/`.
    pub leaves: Vec<(String, String)>,
}

impl Document {
    /// The text of the first leaf at `path`.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.leaves
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.as_str())
    }

    /// The text of the first leaf whose path ends with `/suffix` or is `suffix`.
    pub fn find_suffix(&self, suffix: &str) -> Option<&str> {
        self.leaves
            .iter()
            .find(|(p, _)| {
                p.strip_suffix(suffix)
                    .is_some_and(|rest| rest.is_empty() || rest.ends_with('/'))
            })
            .map(|(_, t)| t.as_str())
    }
}

/// Reads `body` into a [`Document`] within `limits`.
pub fn parse(body: &[u8], limits: &XmlLimits) -> Result<Document, XmlError> {
    if body.len() > limits.max_body_bytes {
        return Err(XmlError::TooLarge {
            size: body.len(),
            limit: limits.max_body_bytes,
        });
    }
    let text = std::str::from_utf8(body).map_err(|e| XmlError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim_start();
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;

    let mut doc = Document::default();
    // The path of the open elements below the root, and where each
    // element's name starts in it, so closing one is a truncate.
    let mut path = String::new();
    let mut starts: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut elements = 0usize;
    // Text of the innermost open element, and whether it has children.
    let mut leaf_text = String::new();
    let mut has_children = false;
    let mut root_closed = false;

    loop {
        let event = reader
            .read_event()
            .map_err(|e| XmlError::Malformed(describe(&e)))?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                if root_closed {
                    return Err(XmlError::Malformed("content after the root element".into()));
                }
                elements += 1;
                if elements > limits.max_elements {
                    return Err(XmlError::TooManyElements {
                        limit: limits.max_elements,
                    });
                }
                if !is_xml_name(start.name().into_inner()) {
                    return Err(XmlError::Malformed("invalid element name".into()));
                }
                let name = start.local_name().into_inner();
                let empty = matches!(event, Event::Empty(_));
                if depth == 0 {
                    doc.root = name.to_owned();
                    if empty {
                        root_closed = true;
                    } else {
                        depth = 1;
                    }
                    leaf_text.clear();
                    has_children = false;
                    continue;
                }
                if depth + 1 > limits.max_depth {
                    return Err(XmlError::TooDeep {
                        limit: limits.max_depth,
                    });
                }
                starts.push(path.len());
                if !path.is_empty() {
                    path.push('/');
                }
                path.push_str(name);
                if empty {
                    doc.leaves.push((path.clone(), String::new()));
                    close(&mut path, &mut starts);
                    has_children = true;
                } else {
                    depth += 1;
                    leaf_text.clear();
                    has_children = false;
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    root_closed = true;
                    continue;
                }
                if !has_children {
                    doc.leaves
                        .push((path.clone(), std::mem::take(&mut leaf_text)));
                }
                leaf_text.clear();
                close(&mut path, &mut starts);
                // The parent now has at least this child.
                has_children = true;
            }
            Event::Text(t) => {
                if depth > 0 {
                    leaf_text.push_str(&t.xml10_content());
                } else if !t.trim_ascii().is_empty() {
                    return Err(XmlError::Malformed("text outside the root element".into()));
                }
            }
            Event::CData(t) => {
                if depth > 0 {
                    leaf_text.push_str(&t.xml10_content());
                } else {
                    return Err(XmlError::Malformed("CDATA outside the root element".into()));
                }
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => match &*r {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "quot" => '"',
                        "apos" => '\'',
                        other => {
                            return Err(XmlError::UnknownEntity(other.chars().take(32).collect()));
                        }
                    },
                    Err(_) => return Err(XmlError::UnknownEntity(r.chars().take(32).collect())),
                };
                if depth > 0 {
                    leaf_text.push(c);
                } else {
                    return Err(XmlError::Malformed(
                        "reference outside the root element".into(),
                    ));
                }
            }
            Event::DocType(_) => return Err(XmlError::Doctype),
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if doc.root.is_empty() {
        return Err(XmlError::Empty);
    }
    if !root_closed {
        return Err(XmlError::Malformed(
            "document ends before the root element closes".into(),
        ));
    }
    Ok(doc)
}

/// The XML `Name` production, simplified to ASCII precision: non-ASCII
/// characters are accepted, ASCII ones must be name characters.
fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let start = |c: char| c.is_ascii_alphabetic() || c == '_' || c == ':' || !c.is_ascii();
    start(first) && chars.all(|c| start(c) || c.is_ascii_digit() || c == '-' || c == '.')
}

/// The longest reason [`describe`] gives, in characters.
const MAX_REASON_CHARS: usize = 200;

/// The reader's complaint, without the document's text.
///
/// quick-xml's messages quote tag names, and what it takes for a name can
/// be most of a garbled body: a `"` in a close tag makes it read on to the
/// next quote and `>`, so `</A" …>` quoted the rest of the document, secret
/// key included (found by the `response` fuzz target). Names are shown only
/// when they are plain XML names of at most 32 characters; any other message
/// is cut to [`MAX_REASON_CHARS`], with control characters as spaces.
fn describe(error: &ReaderError) -> String {
    let name = |name: &str| {
        let plain =
            name.chars().count() <= 32 && is_xml_name(name) && !name.chars().any(char::is_control);
        if plain {
            format!("`</{name}>`")
        } else {
            "a close tag with a garbled name".to_owned()
        }
    };
    let why = match error {
        ReaderError::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
            format!("expected {}, found {}", name(expected), name(found))
        }
        ReaderError::IllFormed(IllFormedError::UnmatchedEndTag(found)) => {
            format!("{} closes no open element", name(found))
        }
        ReaderError::IllFormed(IllFormedError::MissingEndTag(expected)) => {
            format!("{} not found before the end", name(expected))
        }
        ReaderError::IllFormed(IllFormedError::MissingDeclVersion(Some(_))) => {
            "the XML declaration does not start with `version`".to_owned()
        }
        other => other.to_string(),
    };
    why.chars()
        .take(MAX_REASON_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn close(path: &mut String, starts: &mut Vec<usize>) {
    let start = starts.pop().unwrap_or(0);
    path.truncate(start);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(xml: &str) -> Result<Document, XmlError> {
        parse(xml.as_bytes(), &XmlLimits::default())
    }

    #[test]
    fn flattens_leaves_with_paths() {
        let doc = read(
            r#"<?xml version="1.0"?>
            <R xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <Result><A><B>one</B><C/></A><D>two</D></Result>
              <ResponseMetadata><RequestId>id-1</RequestId></ResponseMetadata>
            </R>"#,
        )
        .unwrap();
        assert_eq!(doc.root, "R");
        assert_eq!(doc.get("Result/A/B"), Some("one"));
        assert_eq!(doc.get("Result/A/C"), Some(""));
        assert_eq!(doc.get("Result/D"), Some("two"));
        assert_eq!(doc.find_suffix("RequestId"), Some("id-1"));
        assert_eq!(doc.leaves.len(), 4);
    }

    #[test]
    fn accepts_prefixes_cdata_comments_entities_bom() {
        let doc = read(
            "\u{feff}  <!-- hi --><s:R xmlns:s=\"x\"><s:A>a&amp;b&lt;&#65;&#x42;<![CDATA[<c>]]><!-- c --></s:A></s:R>",
        )
        .unwrap();
        assert_eq!(doc.root, "R");
        assert_eq!(doc.get("A"), Some("a&b<AB<c>"));
    }

    #[test]
    fn refuses_doctype_and_custom_entities() {
        assert_eq!(
            read("<!DOCTYPE r [<!ENTITY x \"y\">]><r>&x;</r>"),
            Err(XmlError::Doctype)
        );
        assert_eq!(read("<r>&x;</r>"), Err(XmlError::UnknownEntity("x".into())));
        assert!(read("<r>&#0;</r>").is_err());
        assert!(read("<r>&#xD800;</r>").is_err());
    }

    #[test]
    fn refuses_malformed_documents() {
        for bad in [
            "",
            "   ",
            "<r>",
            "<r><a></r>",
            "<r></a>",
            "<r/><r/>",
            "text",
            "<r></r>junk<",
            "<r><a>x</a>",
            "<<r/>",
            "</r>",
        ] {
            assert!(read(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(matches!(
            parse(b"<r>\xff</r>", &XmlLimits::default()),
            Err(XmlError::NotUtf8 { offset: 3 })
        ));
    }

    #[test]
    fn enforces_limits() {
        let limits = XmlLimits {
            max_body_bytes: 64,
            max_depth: 4,
            max_elements: 5,
        };
        assert!(matches!(
            parse(&[b' '; 65], &limits),
            Err(XmlError::TooLarge {
                size: 65,
                limit: 64
            })
        ));
        assert_eq!(
            parse(b"<a><b><c><d><e/></d></c></b></a>", &limits),
            Err(XmlError::TooDeep { limit: 4 })
        );
        assert_eq!(
            parse(b"<a><b/><b/><b/><b/><b/></a>", &limits),
            Err(XmlError::TooManyElements { limit: 5 })
        );
        assert!(parse(b"<a><b><c><d/></c></b></a>", &limits).is_ok());
    }

    #[test]
    fn malformed_reasons_do_not_quote_the_body() {
        // Found by the `response` fuzz target: the `"` makes the close
        // tag's "name" run on to the last `">`, and the reason quoted it all.
        let body = format!(
            "<R><A>x</A\" e>\n<SecretAccessKey>wJalrXUtnFEMI/K7MDENG</SecretAccessKey>\n\0{}\"></R>",
            "y".repeat(100_000)
        );
        let Err(XmlError::Malformed(why)) = read(&body) else {
            panic!("accepted");
        };
        assert!(!why.contains("wJalrXUtnFEMI"), "{why}");
        assert!(!why.chars().any(char::is_control), "{why:?}");
        assert!(why.chars().count() <= MAX_REASON_CHARS, "{why}");
        assert!(why.contains("`</A>`"), "{why}");
        // Plain names are still shown.
        assert_eq!(
            read("<R><A></B></R>"),
            Err(XmlError::Malformed("expected `</A>`, found `</B>`".into()))
        );
    }
}
