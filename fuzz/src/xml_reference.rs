//! What the XML reader must make of a document, worked out a second way:
//! quick-xml's event reader (with end-name checks), as the reader itself
//! was built on until its own scanner replaced quick-xml for speed.
//!
//! [`check_against_reference`] holds `sts_proto::xml::parse` to it: the
//! same documents accepted (limits apart, which only the reader knows),
//! the same root, and the same leaves with the same paths and texts in the
//! same order. Paths are built one at a time on a stack, so the reference
//! stays within the fuzz targets' heap bound however the names nest.

use quick_xml::events::Event;
use quick_xml::reader::Reader;
use sts_proto::xml::{self, XmlError, XmlLimits};

/// A leaf as the reference reads it: its path below the root and its text.
type Leaf = (String, String);

/// Compares the reader's verdict on `body` with the reference's.
pub fn check_against_reference(body: &[u8], limits: &XmlLimits) {
    let mine = xml::parse(body, limits);
    let mut leaves = Vec::new();
    let reference = reference(body, &mut |leaf| leaves.push(leaf));
    match (&mine, &reference) {
        (Ok(doc), Ok(root)) => {
            assert_eq!(&doc.root, root, "roots differ");
            assert_eq!(doc.leaves.len(), leaves.len(), "leaf counts differ");
            for ((path, text), (want_path, want_text)) in doc.leaves.iter().zip(&leaves) {
                assert!(path == want_path.as_str(), "{path} != {want_path}");
                assert!(text == want_text.as_str(), "texts at {want_path} differ");
            }
        }
        (Err(XmlError::TooLarge { .. }), _)
        | (Err(XmlError::TooDeep { .. }), _)
        | (Err(XmlError::TooManyElements { .. }), _) => {}
        (Err(_), Err(())) => {}
        (Ok(_), Err(())) => panic!("the reader accepted what quick-xml refuses"),
        (Err(e), Ok(_)) => panic!("the reader refused what quick-xml accepts: {e}"),
    }
}

/// The root's local name, with each leaf handed to `leaf` in document
/// order; `Err` for a document the reader must refuse whatever its limits.
fn reference(body: &[u8], leaf: &mut dyn FnMut(Leaf)) -> Result<String, ()> {
    let text = std::str::from_utf8(body).map_err(drop)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim_start();
    // XML 1.0's `Char` production, which quick-xml does not check.
    if text.chars().any(|c| !is_xml_char(c)) {
        return Err(());
    }
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;

    let mut root = None::<String>;
    let mut root_closed = false;
    // The open elements below the root: the path's length before each
    // name, and the element's text if it has had no child yet.
    let mut open: Vec<(usize, Option<String>)> = Vec::new();
    let mut path = String::new();
    loop {
        let event = reader.read_event().map_err(drop)?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                if root_closed {
                    return Err(());
                }
                let name = local_name(start.name().into_inner())?;
                let empty = matches!(event, Event::Empty(_));
                if root.is_none() {
                    root = Some(name.to_owned());
                    root_closed = empty;
                    continue;
                }
                if let Some((_, text)) = open.last_mut() {
                    *text = None;
                }
                let before = path.len();
                if !open.is_empty() {
                    path.push('/');
                }
                path.push_str(name);
                if empty {
                    leaf((path.clone(), String::new()));
                    path.truncate(before);
                } else {
                    open.push((before, Some(String::new())));
                }
            }
            Event::End(_) => match open.pop() {
                Some((before, text)) => {
                    if let Some(text) = text {
                        leaf((path.clone(), text));
                    }
                    path.truncate(before);
                }
                None => root_closed = true,
            },
            Event::Text(t) => {
                let t = t.xml10_content();
                // Whitespace is the only text allowed outside the root.
                let outside_ok = t.trim_ascii().is_empty();
                keep(&mut open, root.is_some() && !root_closed, &t, outside_ok)?;
            }
            Event::CData(t) => {
                keep(
                    &mut open,
                    root.is_some() && !root_closed,
                    &t.xml10_content(),
                    false,
                )?;
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().map_err(drop)? {
                    Some(c) => c,
                    None => match &*r {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "quot" => '"',
                        "apos" => '\'',
                        _ => return Err(()),
                    },
                };
                if !is_xml_char(c) {
                    return Err(());
                }
                let in_root = root.is_some() && !root_closed;
                keep(&mut open, in_root, c.encode_utf8(&mut [0; 4]), false)?;
            }
            Event::DocType(_) => return Err(()),
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    // A root whose local name is empty (`<:/>`) counts as none.
    match root {
        Some(root) if root_closed && !root.is_empty() => Ok(root),
        _ => Err(()),
    }
}

/// XML 1.0's `Char`, written out from the specification: tab, line feed,
/// carriage return, U+0020–U+D7FF, U+E000–U+FFFD and U+10000 up.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// Adds `text` to the innermost open element's text while it has no child
/// (the root's own text is never kept); outside the root, `text` is an
/// error unless `outside_ok`.
fn keep(
    open: &mut [(usize, Option<String>)],
    in_root: bool,
    text: &str,
    outside_ok: bool,
) -> Result<(), ()> {
    match open.last_mut() {
        Some((_, Some(kept))) => kept.push_str(text),
        Some(_) => {}
        None if in_root || outside_ok => {}
        None => return Err(()),
    }
    Ok(())
}

/// The part of a qualified name after its first `:`, if the whole is an
/// XML name at ASCII precision (non-ASCII characters pass), as the reader
/// checks names.
fn local_name(name: &str) -> Result<&str, ()> {
    let start = |c: char| c.is_ascii_alphabetic() || c == '_' || c == ':' || !c.is_ascii();
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(start)
        && chars.all(|c| start(c) || c.is_ascii_digit() || c == '-' || c == '.');
    if !valid {
        return Err(());
    }
    Ok(quick_xml::name::QName(name).local_name().into_inner())
}
