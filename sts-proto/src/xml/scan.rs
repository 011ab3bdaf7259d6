//! The markup of a document, one token at a time.
//!
//! STS documents use a small part of XML: elements, attributes (only
//! `xmlns`), text, the five predefined entities and character references,
//! and at most a declaration, comments and CDATA. The scanner reads exactly
//! as much syntax as the reader above it needs, in one forward pass with
//! `memchr` over the already validated UTF-8 text, and allocates nothing.
//!
//! It follows quick-xml 0.42 (with end-name checks on, which the reader
//! does above it) wherever quick-xml decides: text runs end at `<` or `&`, a
//! reference runs to the first `;` unless a `<` or `&` comes first, a tag
//! ends at the first `>` outside a quoted value, a start tag's name is its
//! first whitespace-separated word, an end tag's name has trailing
//! whitespace cut, comments, processing instructions and the declaration
//! are skipped without looking inside, and any DOCTYPE is refused. So the
//! reader accepts exactly the documents it accepted when it was built on
//! quick-xml, with the same elements and text; the `response` fuzz
//! target's differential check (`fuzz/src/xml_reference.rs`) holds it to
//! that. quick-xml's general event machinery cost about as much as the
//! rest of a call's parsing put together.

use memchr::{memchr, memchr2, memchr3, memmem};

use super::{XmlError, is_plain_name_byte};
use crate::short_eq::short_eq;

/// One piece of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token<'a> {
    /// `<name …>`, or `<name …/>` when `empty`: the qualified name, not yet
    /// checked to be an XML name.
    Start {
        /// The tag's first word.
        name: &'a str,
        /// Whether the tag closes itself.
        empty: bool,
        /// Whether every byte of `name` is known to be a name byte other
        /// than `:` (it may still start with one that cannot start a name).
        plain: bool,
    },
    /// `</name>`: the name as written, trailing whitespace cut.
    End(&'a str),
    /// Character data up to the next markup or reference, line ends not
    /// yet normalized.
    Text(&'a str),
    /// The content of a CDATA section, line ends not yet normalized.
    CData(&'a str),
    /// A predefined entity or character reference, resolved.
    Ref(char),
    /// The end of the input.
    Eof,
}

/// Reads [`Token`]s from a document's text.
#[derive(Debug, Clone)]
pub(super) struct Scanner<'a> {
    text: &'a str,
    /// Where the next token starts: always at a character boundary, as
    /// every token ends at an ASCII delimiter or at the end.
    at: usize,
    /// The bytes of the body before `text` (a byte-order mark, leading
    /// whitespace): an error's offset counts from the body's start.
    skipped: usize,
}

impl<'a> Scanner<'a> {
    /// A scanner of `text`, which starts `skipped` bytes into the body.
    pub(super) fn new(text: &'a str, skipped: usize) -> Self {
        Self {
            text,
            at: 0,
            skipped,
        }
    }

    /// The next token, skipping comments, processing instructions and the
    /// XML declaration. `open` is the qualified name of the innermost open
    /// element, as read from its start tag, or empty: its close tag, written
    /// plainly, is recognised without being read byte by byte.
    pub(super) fn next_token(&mut self, open: &'a str) -> Result<Token<'a>, XmlError> {
        loop {
            let rest = self.rest();
            match rest.first() {
                None => return Ok(Token::Eof),
                Some(b'<') => {
                    if let Some(token) = self.markup(open)? {
                        return Ok(token);
                    }
                }
                Some(b'&') => return self.reference(),
                Some(_) => {
                    let len = memchr2(b'<', b'&', rest).unwrap_or(rest.len());
                    return Ok(Token::Text(self.take(0, len, 0)));
                }
            }
        }
    }

    /// Skips XML whitespace where the reader would ignore it: after an
    /// element closes inside the root, text is not kept until the next
    /// element starts, and whitespace cannot be an error there. This saves
    /// reading the indentation between elements as a token of its own.
    pub(super) fn skip_ignored_space(&mut self) {
        let rest = self.rest();
        let spaces = rest
            .iter()
            .position(|&b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            .unwrap_or(rest.len());
        self.at += spaces;
    }

    fn rest(&self) -> &'a [u8] {
        self.text.as_bytes().get(self.at..).unwrap_or_default()
    }

    /// Consumes `skip + len + tail` bytes and returns the `len` after the
    /// first `skip`. Callers only cut at ASCII bytes, so the slice is
    /// always at character boundaries; were it not, it would be empty
    /// rather than a panic.
    fn take(&mut self, skip: usize, len: usize, tail: usize) -> &'a str {
        let start = self.at + skip;
        self.at = start + len + tail;
        self.text.get(start..start + len).unwrap_or_default()
    }

    /// The markup at `<`: a tag, CDATA, or `None` for something skipped.
    fn markup(&mut self, open: &'a str) -> Result<Option<Token<'a>>, XmlError> {
        let rest = self.rest();
        match rest.get(1) {
            Some(b'!') => self.bang(rest),
            Some(b'?') => {
                // `<?…?>`, ending at the first `?>` even if its `?` is the
                // one that opens it: `<?>` is a malformed instruction.
                match memmem::find(rest.get(1..).unwrap_or_default(), b"?>") {
                    Some(0) => Err(malformed("empty processing instruction `<?>`")),
                    Some(i) => {
                        self.at += 1 + i + 2;
                        Ok(None)
                    }
                    None => Err(malformed("unclosed processing instruction")),
                }
            }
            Some(b'/') => {
                // `</open>` exactly, the usual case, reads as the general
                // code below reads it: `open` came from a start tag, so it
                // holds no byte that ends a tag or a name.
                let n = open.len();
                if n > 0
                    && rest
                        .get(2..2 + n)
                        .is_some_and(|name| short_eq(name, open.as_bytes()))
                    && rest.get(2 + n) == Some(&b'>')
                {
                    self.take(2, n, 1);
                    // `open` itself, which tells the reader that the name
                    // is checked already.
                    return Ok(Some(Token::End(open)));
                }
                let len = tag_len(rest.get(2..).unwrap_or_default())
                    .ok_or_else(|| malformed("unclosed close tag"))?;
                let name = self.take(2, len, 1);
                Ok(Some(Token::End(name.trim_end_matches(is_xml_space))))
            }
            _ => {
                let content = rest.get(1..).unwrap_or_default();
                // Most start tags are a plain name closed by `>` or `/>`:
                // one pass over the name's byte classes finds its end and
                // tells the reader it need not look at its bytes again.
                // Every byte before `>` or `/>` being a name byte, none of
                // them ends a tag, so the general reading below would cut
                // the same name.
                let len = content
                    .iter()
                    .position(|&b| !is_plain_name_byte(b))
                    .unwrap_or(content.len());
                let empty = match content.get(len..) {
                    Some([b'>', ..]) => Some(false),
                    Some([b'/', b'>', ..]) => Some(true),
                    _ => None,
                };
                if let Some(empty) = empty {
                    let name = self.take(1, len, 1 + usize::from(empty));
                    return Ok(Some(Token::Start {
                        name,
                        empty,
                        plain: true,
                    }));
                }
                let len = tag_len(content).ok_or_else(|| malformed("unclosed tag"))?;
                let content = self.take(1, len, 1);
                let (content, empty) = match content.strip_suffix('/') {
                    Some(content) => (content, true),
                    None => (content, false),
                };
                let name_len = content
                    .bytes()
                    .position(|b| is_xml_space(char::from(b)))
                    .unwrap_or(content.len());
                let name = content.get(..name_len).unwrap_or_default();
                Ok(Some(Token::Start {
                    name,
                    empty,
                    plain: false,
                }))
            }
        }
    }

    /// `<!…`: a comment (skipped), CDATA, or a refused DOCTYPE.
    fn bang(&mut self, rest: &'a [u8]) -> Result<Option<Token<'a>>, XmlError> {
        if let Some(body) = rest.strip_prefix(b"<!--") {
            return match memmem::find(body, b"-->") {
                Some(i) => {
                    self.at += 4 + i + 3;
                    Ok(None)
                }
                None => Err(malformed("unclosed comment")),
            };
        }
        if let Some(body) = rest.strip_prefix(b"<![CDATA[") {
            return match memmem::find(body, b"]]>") {
                Some(i) => Ok(Some(Token::CData(self.take(9, i, 3)))),
                None => Err(malformed("unclosed CDATA section")),
            };
        }
        let doctype = rest
            .get(2..9)
            .is_some_and(|word| word.eq_ignore_ascii_case(b"DOCTYPE"));
        if doctype {
            return Err(XmlError::Doctype);
        }
        Err(malformed("unknown `<!` markup"))
    }

    /// `&…;`, resolved; only the five predefined entities and character
    /// references are known.
    fn reference(&mut self) -> Result<Token<'a>, XmlError> {
        let rest = self.rest();
        let after = rest.get(1..).unwrap_or_default();
        let len = match memchr3(b';', b'&', b'<', after) {
            Some(i) if after.get(i) == Some(&b';') => i,
            _ => return Err(malformed("unclosed reference")),
        };
        let offset = self.skipped + self.at;
        let name = self.take(1, len, 1);
        let c = match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => match name.strip_prefix('#') {
                Some(number) => char_ref(number).ok_or(XmlError::UnknownEntity { offset })?,
                None => return Err(XmlError::UnknownEntity { offset }),
            },
        };
        Ok(Token::Ref(c))
    }
}

/// The character of a reference's number (`65`, `x41`): decimal, or hex
/// after a lowercase `x`; no sign, and a character XML allows (not NUL,
/// another control character, U+FFFE or U+FFFF; not a surrogate).
fn char_ref(number: &str) -> Option<char> {
    let (digits, radix) = match number.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    if digits.starts_with(['+', '-']) {
        return None;
    }
    let code = u32::from_str_radix(digits, radix).ok()?;
    char::from_u32(code).filter(|&c| super::is_xml_char(c))
}

/// Length of a tag's content up to its closing `>`, which is the first one
/// outside a quoted attribute value.
fn tag_len(content: &[u8]) -> Option<usize> {
    // Most tags are a bare name: a plain loop decides those before
    // `memchr`'s setup would have paid off.
    let plain = content
        .iter()
        .position(|&b| matches!(b, b'>' | b'"' | b'\'' | b' ' | b'\t' | b'\r' | b'\n'))?;
    if content.get(plain) == Some(&b'>') {
        return Some(plain);
    }
    let mut from = plain;
    loop {
        let i = from + memchr3(b'>', b'"', b'\'', content.get(from..)?)?;
        let quote = *content.get(i)?;
        if quote == b'>' {
            return Some(i);
        }
        from = i + 1 + memchr(quote, content.get(i + 1..)?)? + 1;
    }
}

/// XML's whitespace: space, tab, CR and LF.
fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn malformed(why: &str) -> XmlError {
    XmlError::Malformed(why.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Result<Vec<Token<'_>>, XmlError> {
        let mut scanner = Scanner::new(text, 0);
        let mut out = Vec::new();
        loop {
            match scanner.next_token("")? {
                Token::Eof => return Ok(out),
                token => out.push(token),
            }
        }
    }

    #[test]
    fn reads_every_kind_of_markup() {
        let got = tokens(
            "<?xml version=\"1.0\"?><!-- c -> --><p:R a=\"x>y\" b='\"'>t&amp;&#65;&#x42;\
             <![CDATA[<c>]]><E/><F\n/><?pi x?></p:R\t\n>",
        )
        .unwrap();
        assert_eq!(
            got,
            [
                Token::Start {
                    name: "p:R",
                    empty: false,
                    plain: false
                },
                Token::Text("t"),
                Token::Ref('&'),
                Token::Ref('A'),
                Token::Ref('B'),
                Token::CData("<c>"),
                Token::Start {
                    name: "E",
                    empty: true,
                    plain: true
                },
                Token::Start {
                    name: "F",
                    empty: true,
                    plain: false
                },
                Token::End("p:R"),
            ]
        );
    }

    #[test]
    fn refuses_what_is_unterminated_or_unknown() {
        for bad in [
            "<a",
            "<a b='>",
            "</a",
            "<!-- x ->",
            "<!-->",
            "<!--->",
            "<![CDATA[x]>",
            "<?>",
            "<?>?>",
            "<?x?",
            "&amp",
            "&a&b;",
            "&a<b>;",
            "<!x>",
            "<!-x->",
            "&#0;",
            "&#xD800;",
            "&#X41;",
            "&#-1;",
            "&#+1;",
            "&#x;",
            "&#;",
            "&#4294967296;",
            "&nbsp;",
        ] {
            assert!(tokens(bad).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(tokens("<!DOCTYPE r>"), Err(XmlError::Doctype));
        assert_eq!(tokens("<!doctype"), Err(XmlError::Doctype));
        assert_eq!(tokens("&x;"), Err(XmlError::UnknownEntity { offset: 0 }));
    }

    /// Each of the five entities XML predefines resolves to its own
    /// character; one missing from the table would be refused as unknown.
    #[test]
    fn the_five_predefined_entities_resolve() {
        assert_eq!(
            tokens("&lt;&gt;&amp;&quot;&apos;").unwrap(),
            [
                Token::Ref('<'),
                Token::Ref('>'),
                Token::Ref('&'),
                Token::Ref('"'),
                Token::Ref('\''),
            ]
        );
    }

    /// A reference runs to the first `;` only if no `<` or `&` comes
    /// first, as in quick-xml: `&lt&gt;` is an unclosed `&lt`, not `<`
    /// followed by the text `gt;`, and `&amp<b>;` is not `&` before an
    /// element.
    #[test]
    fn a_reference_cut_short_by_markup_or_another_reference_is_unclosed() {
        let unclosed = Err(XmlError::Malformed("unclosed reference".to_owned()));
        assert_eq!(tokens("&lt&gt;"), unclosed);
        assert_eq!(tokens("&amp<b>;"), unclosed);
        assert_eq!(tokens("&amp"), unclosed);
    }

    #[test]
    fn the_open_element_s_close_tag_reads_as_any_close_tag_does() {
        for text in [
            "</p:a>", "</p:a >", "</p:ab>", "</p:a\t>", "</p:>", "</p:a/>", "</p:a", "</ p:a>",
        ] {
            let general = Scanner::new(text, 0).next_token("");
            let fast = Scanner::new(text, 0).next_token("p:a");
            assert_eq!(fast, general, "{text:?}");
            let mut scanner = Scanner::new(text, 0);
            if scanner.next_token("p:a").is_ok() {
                assert_eq!(scanner.at, text.len(), "{text:?}");
            }
        }
    }

    /// The plain close tag of the open element comes back as `open`
    /// itself, not as a copy of its name from the text: that is how the
    /// reader knows the name is compared already and skips comparing it.
    #[test]
    fn a_plain_close_tag_of_the_open_element_is_handed_back_as_its_name() {
        for name in [
            "a",
            "ab",
            "p:a",
            "AssumeRoleResult",
            "GetCallerIdentityResponse",
        ] {
            let open = name.to_owned();
            let text = format!("</{name}>");
            let mut scanner = Scanner::new(&text, 0);
            let Ok(Token::End(got)) = scanner.next_token(&open) else {
                panic!("{text:?}");
            };
            assert!(std::ptr::eq(got, open.as_str()), "{text:?}");
            assert_eq!(scanner.at, text.len(), "{text:?}");
        }
    }

    #[test]
    fn plain_names_are_marked_and_cut_as_any_other() {
        let start = |text| match tokens(text).unwrap().first() {
            Some(&Token::Start { name, empty, plain }) => (name.to_owned(), empty, plain),
            other => panic!("{other:?}"),
        };
        let t = |name: &str, empty, plain| (name.to_owned(), empty, plain);
        assert_eq!(start("<Credentials>"), t("Credentials", false, true));
        assert_eq!(start("<a-b.c_d/>"), t("a-b.c_d", true, true));
        assert_eq!(start("<日本>"), t("日本", false, true));
        // Digits are name bytes; whether they may start one is the
        // reader's to say.
        assert_eq!(start("<1a>"), t("1a", false, true));
        assert_eq!(start("<>"), t("", false, true));
        // A prefix, a byte that cannot be in a name, or more in the tag.
        assert_eq!(start("<p:R>"), t("p:R", false, false));
        assert_eq!(start("<a=b>"), t("a=b", false, false));
        assert_eq!(start("<a x='1'>"), t("a", false, false));
        assert_eq!(start("<a/ >"), t("a/", false, false));
        assert_eq!(start("<a\n/>"), t("a", true, false));
    }

    #[test]
    fn names_and_empty_tags_split_as_quick_xml_splits_them() {
        let start = |text| match tokens(text).unwrap().first() {
            Some(Token::Start { name, empty, .. }) => (name.to_string(), *empty),
            other => panic!("{other:?}"),
        };
        assert_eq!(start("<a/>"), ("a".into(), true));
        assert_eq!(start("<a x='/'>"), ("a".into(), false));
        assert_eq!(start("<a\tb>"), ("a".into(), false));
        assert_eq!(start("< a>"), ("".into(), false));
        assert_eq!(start("<>"), ("".into(), false));
        assert_eq!(start("<a/ >"), ("a/".into(), false));
        assert_eq!(tokens("</a b >").unwrap(), [Token::End("a b")]);
        assert_eq!(tokens("</ a>").unwrap(), [Token::End(" a")]);
    }
}
