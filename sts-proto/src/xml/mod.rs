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
//!
//! # Memory
//!
//! A path is never built. Writing each leaf's path out costs the length of
//! all its ancestors' names, once per leaf, so one long element name above
//! thousands of small children is quadratic: a 1 MB body once took 3.9 GiB.
//! Instead the document's text is copied once, whole, into a buffer, and
//! every element name and every leaf text is a position in it; each
//! element records its parent, and a [`LeafPath`] compares against text by
//! walking up that chain. A text that differs from its bytes in the
//! document (an entity, a line end to normalize, CDATA, pieces split by a
//! comment) is written out into a second buffer, sized to the body the
//! first time one is needed. One copy of the body, rather than a copy of
//! each name and text, is one `memcpy` instead of two dozen for a typical
//! answer. The reader's own memory is therefore at most about three times
//! the body (the two buffers, and the root's name) plus
//! [`XmlLimits::max_elements`] times 28 bytes of element table, and its time
//! is linear in the body. A lookup by path ([`Document::get`], and the
//! operation parsers' reads) walks down from the root instead, one name at a
//! time, stepping over each subtree whose name does not match: it reads
//! each element at most once, and recurses only as deep as the path asked
//! for, whatever the document. The buffers hold the secret access key and
//! the session token, so they are wiped when the document is dropped, and
//! because they never grow no unwiped copy is left behind by a reallocation.

mod scan;

use std::fmt;

use crate::secret::{wipe_in_place, wipe_text};
use crate::short_eq::short_eq;

use scan::{Scanner, Token};

/// Limits on what the reader accepts: [`XmlLimits::default`], changed
/// with the `with_*` methods or the fields (`#[non_exhaustive]`: a limit
/// may be added).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct XmlLimits {
    /// Largest body in bytes. The largest legitimate STS response, a
    /// decoded authorization message, is far below the default of 1 MiB.
    /// Positions in a document are 32-bit and span two buffers, so bodies
    /// of 2 GiB and more are refused whatever this says.
    pub max_body_bytes: usize,
    /// Deepest element nesting; STS documents are at most 5 deep.
    pub max_depth: usize,
    /// Most elements in a document. Each costs 28 bytes of the document's
    /// element table, so the default keeps that table under 120 KiB.
    pub max_elements: usize,
}

impl Default for XmlLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl XmlLimits {
    /// The defaults, in a constant: 1 MiB, 32 levels, 4096 elements.
    pub const DEFAULT: Self = Self {
        max_body_bytes: 1024 * 1024,
        max_depth: 32,
        max_elements: 4096,
    };

    /// With [`max_body_bytes`](Self::max_body_bytes).
    pub const fn with_max_body_bytes(mut self, max: usize) -> Self {
        self.max_body_bytes = max;
        self
    }

    /// With [`max_depth`](Self::max_depth).
    pub const fn with_max_depth(mut self, max: usize) -> Self {
        self.max_depth = max;
        self
    }

    /// With [`max_elements`](Self::max_elements).
    pub const fn with_max_elements(mut self, max: usize) -> Self {
        self.max_elements = max;
        self
    }
}

/// The largest body the 32-bit positions of a [`Document`] can address:
/// positions in the second buffer come after the whole first one, and
/// `u32::MAX` is left free as a marker.
const MAX_ADDRESSABLE: usize = (u32::MAX / 2) as usize - 1;

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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
    /// An entity other than the five XML predefines, or a bad character
    /// reference. Its name is not kept: it may be inside a secret's text
    /// (`<SecretAccessKey>ab&cd…;</SecretAccessKey>`), and the error may be
    /// logged.
    UnknownEntity {
        /// Where the `&` is, in bytes from the body's start.
        offset: usize,
    },
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
            XmlError::UnknownEntity { offset } => write!(
                f,
                "unknown XML entity or bad character reference at byte {offset}"
            ),
            XmlError::Empty => f.write_str("response body has no XML root element"),
            XmlError::Malformed(why) => write!(f, "malformed XML: {why}"),
        }
    }
}

impl std::error::Error for XmlError {}

/// A document flattened into the text of its leaf elements.
///
/// `Debug` shows the paths and the length of each text, never the text:
/// leaves carry the secret access key and the session token.
///
/// ```
/// use sts_proto::xml::{parse, XmlLimits};
///
/// let doc = parse(b"<R><A><B>one</B><C/></A></R>", &XmlLimits::default())?;
/// assert_eq!(doc.root, "R");
/// assert_eq!(doc.get("A/B"), Some("one"));
/// let (path, text) = doc.leaves.iter().nth(1).unwrap();
/// assert_eq!((path.to_string().as_str(), text.as_str()), ("A/C", ""));
/// # Ok::<(), sts_proto::xml::XmlError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// Local name of the root element, as `AssumeRoleResponse`.
    pub root: String,
    /// Every element without child elements, in document order, with its
    /// path relative to the root (names joined with `/`) and its text.
    pub leaves: Leaves,
}

impl Document {
    /// The text of the first leaf at `path`.
    pub fn get(&self, path: &str) -> Option<&str> {
        let pieces = [path];
        let (first, below) = PathRest::new(&pieces).next()?;
        self.leaves.find_path(|name| short_eq(name, first), below)
    }

    /// The text of the first leaf whose path ends with `/suffix` or is `suffix`.
    pub fn find_suffix(&self, suffix: &str) -> Option<&str> {
        self.leaves
            .iter()
            .find(|(p, _)| {
                let Some(rest) = p.len().checked_sub(suffix.len()) else {
                    return false;
                };
                p.matches_at(rest, suffix.as_bytes()) && (rest == 0 || p.matches_at(rest - 1, b"/"))
            })
            .map(|(_, t)| t.as_str())
    }
}

/// A path below some element as the pieces it is given in, to be joined
/// with `/` (`["Credentials", "AccessKeyId"]`, or `["Credentials/AccessKeyId"]`),
/// read one name at a time without joining or splitting them first.
#[derive(Clone, Copy)]
pub(crate) struct PathRest<'p> {
    pieces: &'p [&'p str],
    /// Where in the first piece the next name starts.
    at: usize,
}

impl<'p> PathRest<'p> {
    /// The path `pieces` joined by `/`; no pieces is the empty path.
    pub(crate) fn new(pieces: &'p [&'p str]) -> Self {
        Self { pieces, at: 0 }
    }

    /// The next name and what follows it, or `None` at the end of the path.
    fn next(self) -> Option<(&'p [u8], Self)> {
        let (piece, later) = self.pieces.split_first()?;
        let rest = piece.as_bytes().get(self.at..).unwrap_or_default();
        Some(match rest.iter().position(|&b| b == b'/') {
            Some(slash) => (
                rest.get(..slash).unwrap_or_default(),
                Self {
                    at: self.at + slash + 1,
                    ..self
                },
            ),
            None => (rest, Self::new(later)),
        })
    }
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("root", &self.root)
            .field("leaves", &self.leaves)
            .finish()
    }
}

/// The element below which every match of a path prefix lies, when one
/// element holds them all: see [`Leaves::scope`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The root, whose children are the first names of every path.
    Root,
    /// The one element, by index, that the prefix names.
    One(usize),
    /// No element: nothing below the prefix can be found.
    Nothing,
    /// More than one element: a lookup must try each in document order.
    Several,
}

/// Marks an element with child elements, which has no text of its own.
const NOT_LEAF: u32 = u32::MAX;
/// The parent of the root's children: the root has no entry of its own.
const NO_PARENT: u32 = u32::MAX;

/// One element below the root. Positions are byte offsets into
/// [`Leaves::bytes`], the document's text, or past its end into
/// [`Leaves::extra`], the texts written out (see [`Leaves::slice`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Element {
    /// Index of the parent element, or [`NO_PARENT`].
    parent: u32,
    /// Where the local name starts.
    name_start: u32,
    /// Length of the local name.
    name_len: u32,
    /// Length of the path up to and including this name.
    path_len: u32,
    /// Where the text starts.
    text_start: u32,
    /// Length of the text, or [`NOT_LEAF`].
    text_len: u32,
    /// Index past this element's last descendant: a lookup by path steps
    /// over the subtree of a child whose name does not match.
    end: u32,
}

impl Element {
    fn is_leaf(&self) -> bool {
        self.text_len != NOT_LEAF
    }
}

/// The leaves of a [`Document`]: iterate them with [`Leaves::iter`].
///
/// Names and texts are positions in a copy of the document's text, or in a
/// second buffer for texts that differ from their bytes there; both are
/// wiped on drop, and paths are never built (see the
/// [module documentation](self)).
#[derive(Clone, Default)]
pub struct Leaves {
    /// The document's text, from its root element on.
    bytes: String,
    /// Leaf texts that are not a run of `bytes` as they stand: entities
    /// replaced, line ends normalized, CDATA and pieces joined.
    extra: String,
    /// The longest `extra` has been: text dropped from its end (an element
    /// that turned out to have children) is still in the buffer below this.
    written: usize,
    /// The elements below the root, in document order.
    elements: Vec<Element>,
    /// How many of them are leaves.
    count: usize,
    /// The qualified names of the open elements, root first, as
    /// `(offset, length)` in the document's text: each close tag must
    /// name the innermost. At most [`XmlLimits::max_depth`] long.
    open_names: Vec<(u32, u32)>,
}

impl Drop for Leaves {
    /// Overwrites every byte the buffers were ever given. As they never
    /// reallocate, those all lie below their high-water marks. This is
    /// `secret::wipe_text`, a `memset` kept by
    /// `black_box`: the `zeroize` crate's byte-by-byte volatile writes cost
    /// more than the rest of reading a typical response put together.
    fn drop(&mut self) {
        self.wipe();
    }
}

impl Leaves {
    /// Overwrites every byte the buffers were given and empties them,
    /// keeping the buffers.
    fn wipe(&mut self) {
        wipe_in_place(&mut self.bytes);
        let dirty = self.written.max(self.extra.len());
        wipe_text(&mut self.extra, dirty);
        self.written = 0;
    }

    /// The leaves in document order, as `(path, text)`.
    pub fn iter(&self) -> LeafIter<'_> {
        LeafIter {
            leaves: self,
            next: 0,
        }
    }

    /// The text of the first leaf, in document order, whose path is a
    /// child of the root that `top` accepts, then `below`, name by name.
    ///
    /// It walks down the tree instead of comparing every leaf's path: at
    /// each level only children are read, the subtree of one whose name
    /// does not match is stepped over whole, and a match that leads
    /// nowhere is left for its next sibling of the same name. Leaves found
    /// so come in document order, so the first is the one a scan of all
    /// paths finds.
    pub(crate) fn find_path(
        &self,
        top: impl Fn(&[u8]) -> bool,
        below: PathRest<'_>,
    ) -> Option<&str> {
        let mut i = 0;
        while let Some(e) = self.elements.get(i) {
            let next = (e.end as usize).max(i + 1);
            if top(self.name_bytes(e))
                && let Some(found) = self.find_below(i, e, below)
            {
                return Some(self.text(found));
            }
            i = next;
        }
        None
    }

    /// Where lookups below the children of `parent` (the root's, for
    /// [`Scope::Root`]) whose name `accepts` can find anything: worked out once, so
    /// that several lookups below one element (the four members of
    /// `Credentials`) do not each walk down to it again.
    pub(crate) fn scope(&self, parent: Scope, accepts: impl Fn(&[u8]) -> bool) -> Scope {
        if parent == Scope::Several {
            return Scope::Several;
        }
        let mut found = self.children(parent, accepts);
        match (found.next(), found.next()) {
            (None, _) => Scope::Nothing,
            (Some(one), None) => one,
            (Some(_), Some(_)) => Scope::Several,
        }
    }

    /// The first element at the path `pieces` below the element of
    /// `scope`, trying every child of each name in document order (a path
    /// that leads nowhere under one is tried under the next);
    /// [`Scope::Nothing`] if there is none. For an element with children,
    /// such as a map, which [`find_in`](Self::find_in) (leaves only)
    /// cannot give.
    pub(crate) fn first_at(&self, scope: Scope, pieces: &[&str]) -> Scope {
        let Some((name, rest)) = pieces.split_first() else {
            return scope;
        };
        self.children(scope, |n| n == name.as_bytes())
            .map(|child| self.first_at(child, rest))
            .find(|found| *found != Scope::Nothing)
            .unwrap_or(Scope::Nothing)
    }

    /// The children of the element of `parent` (the root's, for
    /// [`Scope::Root`]) whose name `accepts`, each as a [`Scope::One`], in
    /// document order, each child's subtree stepped over whole.
    pub(crate) fn children<'s>(
        &'s self,
        parent: Scope,
        accepts: impl Fn(&[u8]) -> bool + 's,
    ) -> impl Iterator<Item = Scope> + 's {
        let (mut i, end) = match parent {
            Scope::One(p) => self
                .elements
                .get(p)
                .map_or((0, 0), |e| (p + 1, e.end as usize)),
            Scope::Root => (0, self.elements.len()),
            Scope::Nothing | Scope::Several => (0, 0),
        };
        std::iter::from_fn(move || {
            while i < end {
                let e = self.elements.get(i)?;
                let at = i;
                i = (e.end as usize).max(i + 1);
                if accepts(self.name_bytes(e)) {
                    return Some(Scope::One(at));
                }
            }
            None
        })
    }

    /// The first element, at any depth and in document order, named `name`
    /// that has child elements; [`Scope::Nothing`] if there is none.
    pub(crate) fn first_branch_named(&self, name: &[u8]) -> Scope {
        self.elements
            .iter()
            .position(|e| !e.is_leaf() && short_eq(self.name_bytes(e), name))
            .map_or(Scope::Nothing, Scope::One)
    }

    /// The text of the first leaf at the path `below` under the element of
    /// `scope`; `None` for [`Scope::Several`], whose lookups must walk
    /// from the root with [`find_path`](Self::find_path).
    pub(crate) fn find_in(&self, scope: Scope, below: PathRest<'_>) -> Option<&str> {
        let Scope::One(index) = scope else {
            return None;
        };
        let parent = self.elements.get(index)?;
        self.find_below(index, parent, below).map(|e| self.text(e))
    }

    /// The first leaf below `parent` (at `index`) at the path `below`, or
    /// `parent` itself for an empty path if it is a leaf.
    fn find_below<'s>(
        &'s self,
        index: usize,
        parent: &'s Element,
        below: PathRest<'_>,
    ) -> Option<&'s Element> {
        let Some((name, rest)) = below.next() else {
            return parent.is_leaf().then_some(parent);
        };
        let end = parent.end as usize;
        let mut i = index + 1;
        while i < end {
            let e = self.elements.get(i)?;
            let next = (e.end as usize).max(i + 1);
            if short_eq(self.name_bytes(e), name)
                && let Some(found) = self.find_below(i, e, rest)
            {
                return Some(found);
            }
            i = next;
        }
        None
    }

    /// The path of `leaf`.
    fn path<'a>(&'a self, leaf: &'a Element) -> LeafPath<'a> {
        LeafPath {
            leaves: self,
            element: leaf,
            skip: 0,
        }
    }

    /// Number of leaves.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the document has no element below its root.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The text at `start`: in `bytes`, or at `start - bytes.len()` in
    /// `extra`.
    fn slice(&self, start: u32, len: u32) -> &str {
        let start = start as usize;
        let (text, at) = match start.checked_sub(self.bytes.len()) {
            Some(at) => (&self.extra, at),
            None => (&self.bytes, start),
        };
        text.get(at..at.saturating_add(len as usize))
            .unwrap_or_default()
    }

    fn name(&self, e: &Element) -> &str {
        self.slice(e.name_start, e.name_len)
    }

    /// The name as bytes, for comparing: no character boundaries to check.
    #[inline]
    fn name_bytes(&self, e: &Element) -> &[u8] {
        let start = e.name_start as usize;
        self.bytes
            .as_bytes()
            .get(start..start.saturating_add(e.name_len as usize))
            .unwrap_or_default()
    }

    fn text(&self, e: &Element) -> &str {
        if e.is_leaf() {
            self.slice(e.text_start, e.text_len)
        } else {
            ""
        }
    }

    fn parent(&self, e: &Element) -> Option<&Element> {
        self.elements.get(e.parent as usize)
    }

    /// Whether bytes `from..from + want.len()` of the path of `leaf` are
    /// `want`; the caller keeps that range inside the path.
    ///
    /// The path is the names of the chain from the root's child down to
    /// `leaf` with a `/` before each but the first, so the walk up from
    /// `leaf` meets every byte of it once, last to first, and stops at the
    /// first element that ends before the range.
    #[inline]
    fn path_matches(&self, leaf: &Element, from: usize, want: &[u8]) -> bool {
        let to = from.saturating_add(want.len());
        let mut next = Some(leaf);
        while let Some(e) = next {
            let end = e.path_len as usize;
            if end <= from {
                break;
            }
            let start = end.saturating_sub(e.name_len as usize);
            let (lo, hi) = (from.max(start), to.min(end));
            if lo < hi {
                let name = self.name_bytes(e);
                if name.get(lo - start..hi - start) != want.get(lo - from..hi - from) {
                    return false;
                }
            }
            next = self.parent(e);
            // The `/` between the parent's name and this one.
            if next.is_some()
                && start > from
                && start <= to
                && want.get(start - 1 - from) != Some(&b'/')
            {
                return false;
            }
        }
        true
    }

    /// The path of `leaf` as pieces, first to last, without its first
    /// `skip` bytes.
    fn pieces(&self, leaf: &Element, skip: usize) -> Vec<&str> {
        let mut chain = Vec::new();
        let mut next = Some(leaf);
        while let Some(e) = next {
            chain.push(self.name(e));
            next = self.parent(e);
        }
        let mut pieces = Vec::with_capacity(chain.len() * 2);
        let mut to_skip = skip;
        for (i, name) in chain.iter().rev().enumerate() {
            let sep = if i == 0 { "" } else { "/" };
            for piece in [sep, name] {
                let cut = to_skip.min(piece.len());
                to_skip -= cut;
                if let Some(rest) = piece.get(cut..).filter(|p| !p.is_empty()) {
                    pieces.push(rest);
                }
            }
        }
        pieces
    }
}

impl fmt::Debug for Leaves {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for Leaves {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .zip(other.iter())
                .all(|((pa, ta), (pb, tb))| pa == pb && ta == tb)
    }
}

impl Eq for Leaves {}

impl<'a> IntoIterator for &'a Leaves {
    type Item = (LeafPath<'a>, LeafText<'a>);
    type IntoIter = LeafIter<'a>;

    fn into_iter(self) -> LeafIter<'a> {
        self.iter()
    }
}

/// Iterator over the leaves of a [`Document`], from [`Leaves::iter`].
#[derive(Debug, Clone)]
pub struct LeafIter<'a> {
    leaves: &'a Leaves,
    next: usize,
}

impl<'a> Iterator for LeafIter<'a> {
    type Item = (LeafPath<'a>, LeafText<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let leaves = self.leaves;
        while let Some(element) = leaves.elements.get(self.next) {
            self.next += 1;
            if element.is_leaf() {
                return Some((leaves.path(element), LeafText { leaves, element }));
            }
        }
        None
    }
}

/// The path of a leaf below the root, `Result/Credentials/AccessKeyId`,
/// compared with text without being built.
///
/// It compares equal to the `&str` of the same path, and
/// [`strip_prefix`](LeafPath::strip_prefix) drops a known beginning;
/// `Display` writes it out.
#[derive(Clone, Copy)]
pub struct LeafPath<'a> {
    leaves: &'a Leaves,
    element: &'a Element,
    /// Bytes dropped from the front by `strip_prefix`.
    skip: usize,
}

impl<'a> LeafPath<'a> {
    /// Length of the path in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        (self.element.path_len as usize).saturating_sub(self.skip)
    }

    /// Whether the path is empty, as it is only after stripping all of it.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether bytes `at..at + want.len()` of the path are `want`.
    #[inline]
    fn matches_at(&self, at: usize, want: &[u8]) -> bool {
        if at
            .checked_add(want.len())
            .is_none_or(|end| end > self.len())
        {
            return false;
        }
        if want.is_empty() {
            return true;
        }
        self.leaves.path_matches(self.element, self.skip + at, want)
    }

    /// Whether the path starts with `prefix`.
    #[inline]
    pub fn starts_with(&self, prefix: &str) -> bool {
        self.matches_at(0, prefix.as_bytes())
    }

    /// Whether the path ends with `suffix`.
    pub fn ends_with(&self, suffix: &str) -> bool {
        self.len()
            .checked_sub(suffix.len())
            .is_some_and(|at| self.matches_at(at, suffix.as_bytes()))
    }

    /// The rest of the path after `prefix`, if it starts with it, as
    /// [`str::strip_prefix`].
    #[inline]
    pub fn strip_prefix(&self, prefix: &str) -> Option<LeafPath<'a>> {
        self.starts_with(prefix).then(|| LeafPath {
            skip: self.skip + prefix.len(),
            ..*self
        })
    }
}

impl PartialEq<str> for LeafPath<'_> {
    fn eq(&self, other: &str) -> bool {
        self.len() == other.len() && self.matches_at(0, other.as_bytes())
    }
}

impl PartialEq<&str> for LeafPath<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl PartialEq for LeafPath<'_> {
    fn eq(&self, other: &Self) -> bool {
        let bytes = |p: &Self| {
            p.leaves
                .pieces(p.element, p.skip)
                .into_iter()
                .flat_map(str::bytes)
        };
        self.len() == other.len() && bytes(self).eq(bytes(other))
    }
}

impl Eq for LeafPath<'_> {}

impl fmt::Display for LeafPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.leaves
            .pieces(self.element, self.skip)
            .into_iter()
            .try_for_each(|piece| f.write_str(piece))
    }
}

impl fmt::Debug for LeafPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// The text of a leaf: everything between its tags, references and CDATA
/// decoded, line ends normalized, not trimmed.
///
/// `Debug` shows only its length: it may be a secret.
#[derive(Clone, Copy)]
pub struct LeafText<'a> {
    leaves: &'a Leaves,
    element: &'a Element,
}

impl<'a> LeafText<'a> {
    /// The text.
    pub fn as_str(&self) -> &'a str {
        self.leaves.text(self.element)
    }
}

impl std::ops::Deref for LeafText<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for LeafText<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for LeafText<'_> {}

impl PartialEq<str> for LeafText<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for LeafText<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for LeafText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.as_str().len())
    }
}

/// A `u32` position; every position is below the body length, which
/// [`parse`] has checked against [`MAX_ADDRESSABLE`].
fn pos(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(NOT_LEAF)
}

/// Appends `text` with XML 1.0 line ends normalized (`\r\n` and `\r` become
/// `\n`), into `out` directly: a normalized copy made elsewhere would be a
/// copy of leaf text that nothing wipes.
fn push_xml10(out: &mut String, text: &str) {
    // Most text has no CR; `memchr` finds that out fastest.
    if memchr::memchr(b'\r', text.as_bytes()).is_none() {
        out.push_str(text);
        return;
    }
    let mut rest = text;
    while let Some((before, after)) = rest.split_once('\r') {
        out.push_str(before);
        out.push('\n');
        rest = after.strip_prefix('\n').unwrap_or(after);
    }
    out.push_str(rest);
}

/// XML's whitespace (its `S` production): what an indented document puts
/// around a value, and all that is trimmed from one.
pub(crate) const XML_SPACE: [char; 4] = [' ', '\t', '\n', '\r'];

/// Whether `c` is a character XML 1.0 allows in a document (its `Char`
/// production): no control character but tab, line feed and carriage
/// return, and not U+FFFE or U+FFFF (surrogates cannot be in a `char`).
/// A printed answer must not carry a terminal escape sequence: the AWS
/// CLI refuses such a document too.
pub(crate) fn is_xml_char(c: char) -> bool {
    !matches!(c, '\0'..='\x08' | '\x0b' | '\x0c' | '\x0e'..='\x1f' | '\u{fffe}' | '\u{ffff}')
}

/// What one pass over a document's bytes tells, before it is read.
struct Survey {
    /// Where the first character [`is_xml_char`] refuses is, if any.
    refused_at: Option<usize>,
    /// Whether a carriage return is in it: without one, no text needs its
    /// line ends normalized, and each plain run of text is a leaf's text
    /// as it stands.
    has_cr: bool,
}

/// Surveys `text`. Every answer is read through here, so the pass only
/// asks, without a branch per byte, whether any byte could start a
/// refused character (a control byte other than tab, line feed and
/// carriage return, or 0xEF, which starts U+FFFE and U+FFFF) and whether
/// any is a carriage return: one pass for both, as the compiler turns it
/// into vector compares. Only a document with a suspect byte is then read
/// character by character.
fn survey(text: &str) -> Survey {
    let bytes = text.as_bytes();
    let (suspect, has_cr) = bytes.iter().fold((false, false), |(suspect, cr), &b| {
        let control = (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r');
        (suspect | control | (b == 0xef), cr | (b == b'\r'))
    });
    let refused_at = match suspect {
        false => None,
        true => text
            .char_indices()
            .find(|&(_, c)| !is_xml_char(c))
            .map(|(at, _)| at),
    };
    Survey { refused_at, has_cr }
}

/// Reads `body` into a [`Document`] within `limits`.
pub fn parse(body: &[u8], limits: &XmlLimits) -> Result<Document, XmlError> {
    let mut doc = Document::default();
    parse_into(body, limits, &mut doc)?;
    Ok(doc)
}

/// The largest text buffer a thread keeps between documents; a larger one
/// is dropped (and so wiped) after use.
const KEPT_BYTES: usize = 64 * 1024;

thread_local! {
    /// A document's buffers, wiped and kept for the thread's next
    /// document, so that reading a response allocates nothing once warm.
    static SPARE: std::cell::Cell<Option<Document>> = const { std::cell::Cell::new(None) };
}

/// Reads `body` within `limits` and hands the document to `read`, in
/// buffers the thread kept from its last document. They are wiped as soon
/// as `read` returns, whatever it returns.
pub(crate) fn with_document<R>(
    body: &[u8],
    limits: &XmlLimits,
    read: impl FnOnce(&Document) -> R,
) -> Result<R, XmlError> {
    let mut doc = SPARE
        .try_with(|s| s.take())
        .ok()
        .flatten()
        .unwrap_or_default();
    let result = parse_into(body, limits, &mut doc).map(|()| read(&doc));
    doc.leaves.wipe();
    if doc.leaves.bytes.capacity() <= KEPT_BYTES && doc.leaves.extra.capacity() <= KEPT_BYTES {
        // During the thread's exit there is no slot: the document is dropped.
        let _ = SPARE.try_with(|s| s.set(Some(doc)));
    }
    result
}

/// [`parse`] into the buffers of `doc`, which is cleared first; its text
/// buffers are replaced (the old ones wiped) if they are too small for
/// `body`.
fn parse_into(body: &[u8], limits: &XmlLimits, doc: &mut Document) -> Result<(), XmlError> {
    let limit = limits.max_body_bytes.min(MAX_ADDRESSABLE);
    if body.len() > limit {
        return Err(XmlError::TooLarge {
            size: body.len(),
            limit,
        });
    }
    let text = std::str::from_utf8(body).map_err(|e| XmlError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim_start();
    // A byte-order mark after the leading whitespace is dropped too, as the
    // quick-xml reader this one replaced dropped it: the same documents
    // are accepted (found by the `response` fuzz target's comparison).
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Offsets in errors count from the body's start, as `NotUtf8`'s does:
    // `text` is the body without what came before its first `<`.
    let skipped = body.len() - text.len();
    let Survey { refused_at, has_cr } = survey(text);
    if let Some(at) = refused_at {
        return Err(XmlError::Malformed(format!(
            "a character XML does not allow at byte {}",
            skipped + at
        )));
    }
    let mut scanner = Scanner::new(text, skipped);

    let Document { root, leaves } = doc;
    root.clear();
    leaves.wipe();
    // Names and texts are positions in this copy; it never grows.
    if leaves.bytes.capacity() < text.len() {
        leaves.bytes = String::with_capacity(text.len());
    }
    leaves.bytes.push_str(text);
    // Written-out texts are no longer than the parts of the text they come
    // from, so `extra` never grows either once it has `text.len()`.
    let extra_room = text.len();
    leaves.elements.clear();
    leaves.elements.reserve(limits.max_elements.min(32));
    leaves.count = 0;
    leaves.open_names.clear();
    // The innermost open element below the root, or `NO_PARENT`: the open
    // elements are it and its chain of parents.
    let mut open = NO_PARENT;
    let mut elements = 0usize;
    // Whether the innermost open element has no child element yet, so its
    // text is being kept: it is a leaf if it closes in that state. The
    // root's text is never kept.
    let mut collecting = false;
    // The text kept so far for the innermost open element.
    let mut kept = Kept::Nothing;
    let mut root_closed = false;
    // The qualified name of the innermost open element (the last of
    // `open_names`), or empty: the scanner checks its close tag first.
    let mut innermost = "";

    loop {
        match scanner.next_token(innermost)? {
            Token::Start {
                name: qname,
                empty,
                plain,
            } => {
                if root_closed {
                    return Err(XmlError::Malformed("content after the root element".into()));
                }
                elements += 1;
                if elements > limits.max_elements {
                    return Err(XmlError::TooManyElements {
                        limit: limits.max_elements,
                    });
                }
                let name = match plain {
                    true => plain_local_name(qname),
                    false => local_name(qname),
                };
                let Some(name) = name else {
                    return Err(XmlError::Malformed("invalid element name".into()));
                };
                // The open elements are as many as the names kept for
                // their close tags: the depth.
                let depth = leaves.open_names.len();
                if depth == 0 {
                    root.push_str(name);
                    if empty {
                        root_closed = true;
                    } else {
                        leaves.open_names.push(span(text, qname));
                        innermost = qname;
                    }
                    collecting = false;
                    continue;
                }
                if depth + 1 > limits.max_depth {
                    return Err(XmlError::TooDeep {
                        limit: limits.max_depth,
                    });
                }
                let parent = open;
                let parent_path_len = leaves.elements.get(parent as usize).map(|p| p.path_len);
                if collecting {
                    // The parent has a child after all: drop its text (what
                    // of it was written out is wiped with the rest).
                    leaves.drop_kept(kept);
                    kept = Kept::Nothing;
                }
                let (name_start, name_len) = span(text, name);
                let path_len = match parent_path_len {
                    Some(len) => len.saturating_add(1).saturating_add(name_len),
                    None => name_len,
                };
                let index = pos(leaves.elements.len());
                leaves.elements.push(Element {
                    parent,
                    name_start,
                    name_len,
                    path_len,
                    text_start: 0,
                    text_len: if empty { 0 } else { NOT_LEAF },
                    // Set when it closes; an empty one has no descendants.
                    end: index.saturating_add(1),
                });
                if empty {
                    leaves.count += 1;
                    // The parent now has a child.
                    collecting = false;
                    scanner.skip_ignored_space();
                } else {
                    leaves.open_names.push(span(text, qname));
                    innermost = qname;
                    open = index;
                    collecting = true;
                }
            }
            Token::End(qname) => {
                if leaves.open_names.pop().is_none() {
                    return Err(XmlError::Malformed(format!(
                        "{} closes no open element",
                        shown_close_tag(qname)
                    )));
                }
                let expected = innermost;
                // The scanner hands back the very name it was given when it
                // has compared the close tag with it already.
                if !std::ptr::eq(qname, expected)
                    && !short_eq(qname.as_bytes(), expected.as_bytes())
                {
                    return Err(XmlError::Malformed(format!(
                        "expected {}, found {}",
                        shown_close_tag(expected),
                        shown_close_tag(qname)
                    )));
                }
                innermost = leaves
                    .open_names
                    .last()
                    .map_or("", |&(start, len)| name_at(text, start, len));
                if leaves.open_names.is_empty() {
                    root_closed = true;
                    continue;
                }
                let past_descendants = pos(leaves.elements.len());
                let (text_start, text_len) = leaves.kept_span(kept);
                kept = Kept::Nothing;
                let mut closed = leaves.elements.get_mut(open as usize);
                if let Some(e) = closed.as_mut() {
                    e.end = past_descendants;
                }
                open = closed.as_ref().map_or(NO_PARENT, |e| e.parent);
                if let (true, Some(e)) = (collecting, closed) {
                    e.text_start = text_start;
                    e.text_len = text_len;
                    leaves.count += 1;
                }
                // The parent now has at least this child.
                collecting = false;
                scanner.skip_ignored_space();
            }
            Token::Text(t) => {
                if !leaves.open_names.is_empty() {
                    if collecting {
                        kept = leaves.keep(kept, Piece::Text(t), text, has_cr, extra_room);
                    }
                } else if !t.trim_ascii().is_empty() {
                    return Err(XmlError::Malformed("text outside the root element".into()));
                }
            }
            Token::CData(t) => {
                if !leaves.open_names.is_empty() {
                    if collecting {
                        kept = leaves.keep(kept, Piece::Text(t), text, has_cr, extra_room);
                    }
                } else {
                    return Err(XmlError::Malformed("CDATA outside the root element".into()));
                }
            }
            Token::Ref(c) => {
                if !leaves.open_names.is_empty() {
                    if collecting {
                        kept = leaves.keep(kept, Piece::Char(c), text, has_cr, extra_room);
                    }
                } else {
                    return Err(XmlError::Malformed(
                        "reference outside the root element".into(),
                    ));
                }
            }
            Token::Eof => break,
        }
    }
    if root.is_empty() {
        return Err(XmlError::Empty);
    }
    if !root_closed {
        return Err(XmlError::Malformed(
            "document ends before the root element closes".into(),
        ));
    }
    Ok(())
}

/// The text kept so far for the innermost open element.
#[derive(Debug, Clone, Copy)]
enum Kept {
    /// None yet.
    Nothing,
    /// A run of the document's text, as it stands: `(start, len)` in
    /// [`Leaves::bytes`].
    Run(u32, u32),
    /// Written out: [`Leaves::extra`] from this offset to its end.
    Written(usize),
}

/// A piece of a leaf's text, as the scanner reads it.
#[derive(Debug, Clone, Copy)]
enum Piece<'t> {
    /// Text or CDATA content, as it stands in the document.
    Text(&'t str),
    /// The character of a reference.
    Char(char),
}

impl Leaves {
    /// `kept` with `piece` after it. A first piece of plain text stays a
    /// run of the document; anything else is written out to `extra`, the
    /// run before it first.
    ///
    /// Always inlined: the common case is two tests, and a call returns
    /// `Kept` through the stack, where reading it back stalled the scan.
    #[inline(always)]
    fn keep(
        &mut self,
        kept: Kept,
        piece: Piece<'_>,
        text: &str,
        has_cr: bool,
        room: usize,
    ) -> Kept {
        if let (Kept::Nothing, Piece::Text(t), false) = (kept, piece, has_cr) {
            let (start, len) = span(text, t);
            return Kept::Run(start, len);
        }
        self.write_out(kept, piece, room)
    }

    /// [`keep`](Self::keep) for a piece that is not the whole text as it
    /// stands: the text so far and the piece go to `extra`.
    #[inline(never)]
    fn write_out(&mut self, kept: Kept, piece: Piece<'_>, room: usize) -> Kept {
        if self.extra.capacity() < room {
            // First use for this size: the old buffer is empty and wiped.
            self.extra = String::with_capacity(room);
        }
        let from = match kept {
            Kept::Written(from) => from,
            Kept::Nothing => self.extra.len(),
            Kept::Run(start, len) => {
                let from = self.extra.len();
                let start = start as usize;
                let run = self.bytes.get(start..start.saturating_add(len as usize));
                self.extra.push_str(run.unwrap_or_default());
                from
            }
        };
        match piece {
            Piece::Text(t) => push_xml10(&mut self.extra, t),
            Piece::Char(c) => self.extra.push(c),
        }
        Kept::Written(from)
    }

    /// Drops the text `kept` of an element that turned out to have
    /// children; what of it was written out stays in the buffer, below
    /// the high-water mark, until the wipe.
    fn drop_kept(&mut self, kept: Kept) {
        if let Kept::Written(from) = kept {
            self.written = self.written.max(self.extra.len());
            self.extra.truncate(from);
        }
    }

    /// Where the text `kept` is, as an element records it.
    fn kept_span(&self, kept: Kept) -> (u32, u32) {
        match kept {
            Kept::Nothing => (0, 0),
            Kept::Run(start, len) => (start, len),
            Kept::Written(from) => (
                pos(self.bytes.len().saturating_add(from)),
                pos(self.extra.len().saturating_sub(from)),
            ),
        }
    }
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

/// The part of `name` after its first `:` (all of it without one), if
/// `name` is an [XML name](is_xml_name); one pass over the bytes, which
/// decides as the character test does because every byte of a non-ASCII
/// character is accepted, as the character is.
fn local_name(name: &str) -> Option<&str> {
    let bytes = name.as_bytes();
    let &first = bytes.first()?;
    // One pass without branches: the classes of all bytes, and-ed and
    // or-ed; the colon is looked for only in a name that has one.
    let (all, any) = bytes.iter().fold((NAME_ANY, 0), |(all, any), &b| {
        let class = NAME_BYTES[usize::from(b)];
        (all & class, any | class)
    });
    if all & NAME_ANY == 0 || NAME_BYTES[usize::from(first)] & NAME_FIRST == 0 {
        return None;
    }
    if any & NAME_COLON == 0 {
        return Some(name);
    }
    let colon = bytes.iter().position(|&b| b == b':')?;
    name.get(colon + 1..)
}

/// [`local_name`] for a name the scanner found `plain`: all of its bytes
/// are name bytes and none is `:`, so only its first needs a look.
fn plain_local_name(name: &str) -> Option<&str> {
    let &first = name.as_bytes().first()?;
    (NAME_BYTES[usize::from(first)] & NAME_FIRST != 0).then_some(name)
}

/// Whether `b` may be in a name and is not `:`: a name of such bytes is
/// its own local name.
pub(super) fn is_plain_name_byte(b: u8) -> bool {
    NAME_BYTES[usize::from(b)] & (NAME_ANY | NAME_COLON) == NAME_ANY
}

/// In [`NAME_BYTES`]: the byte may be in a name.
const NAME_ANY: u8 = 1;
/// In [`NAME_BYTES`]: the byte may start a name.
const NAME_FIRST: u8 = 2;
/// In [`NAME_BYTES`]: the byte is `:`.
const NAME_COLON: u8 = 4;

/// The class of each byte in a name, as the bits above.
const NAME_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if c == b':' {
            NAME_ANY | NAME_FIRST | NAME_COLON
        } else if c.is_ascii_alphabetic() || c == b'_' || !c.is_ascii() {
            NAME_ANY | NAME_FIRST
        } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
            NAME_ANY
        } else {
            0
        };
        b += 1;
    }
    table
};

/// `(offset, length)` of `part`, a slice of `text`, in `text`.
fn span(text: &str, part: &str) -> (u32, u32) {
    let offset = (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    (pos(offset), pos(part.len()))
}

/// The part of `text` that [`span`] gave `(start, len)` for.
fn name_at(text: &str, start: u32, len: u32) -> &str {
    let start = start as usize;
    text.get(start..start + len as usize).unwrap_or_default()
}

/// A close tag for an error message, without the document's text.
///
/// What a reader takes for a close tag's name can be most of a garbled
/// body: a `"` in it reads on to the next quote and `>`, so `</A" …>`
/// would quote the rest of the document, secret key included (found by the
/// `response` fuzz target). Names are shown only when they are plain XML
/// names of at most 32 characters.
fn shown_close_tag(name: &str) -> String {
    let plain =
        name.chars().count() <= 32 && is_xml_name(name) && !name.chars().any(char::is_control);
    if plain {
        format!("`</{name}>`")
    } else {
        "a close tag with a garbled name".to_owned()
    }
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

    /// What [`Document::get`] must return: the first leaf in document
    /// order whose whole path is `path`, found by comparing every path.
    fn first_leaf_at<'d>(doc: &'d Document, path: &str) -> Option<&'d str> {
        doc.leaves
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, t)| t.as_str())
    }

    #[test]
    fn a_lookup_finds_the_first_leaf_in_document_order() {
        let doc = read(
            "<R><A><B><C>deeper</C></B><B>one</B></A><A><B>two</B><x:B>three</x:B></A>\
             <A/><D><E/></D></R>",
        )
        .unwrap();
        // The first `A/B` has a child, so it is not a leaf: the walk goes on
        // to its sibling, not to the next `A`.
        assert_eq!(doc.get("A/B"), Some("one"));
        assert_eq!(doc.get("A/B/C"), Some("deeper"));
        // Only the third `A` is a leaf.
        assert_eq!(doc.get("A"), Some(""));
        assert_eq!(doc.get("D/E"), Some(""));
        for missing in [
            "", "/", "A/", "/A/B", "A//B", "A/B/", "R", "D", "A/C", "B", "A/B/C/D",
        ] {
            assert_eq!(doc.get(missing), None, "{missing:?}");
        }
    }

    #[test]
    fn lookups_agree_with_comparing_every_path_on_random_trees() {
        // Names from a small alphabet, some with a prefix, so that paths
        // repeat, share beginnings, and lead both to leaves and to parents.
        const NAMES: [&str; 4] = ["a", "b", "p:a", "cc"];
        let mut state = 0x2545_f491_u32;
        let mut random = move |below: u32| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state % below
        };
        let mut lookups = 0;
        for _ in 0..3000 {
            let mut xml = String::from("<R>");
            let mut open: Vec<&str> = Vec::new();
            for _ in 0..random(24) {
                match random(4) {
                    0 if !open.is_empty() => {
                        let name = open.pop().unwrap();
                        xml.push_str(&format!("</{name}>"));
                    }
                    1 => {
                        let name = NAMES[random(4) as usize];
                        xml.push_str(&format!("<{name}/>"));
                    }
                    2 if open.len() < 4 => {
                        let name = NAMES[random(4) as usize];
                        xml.push_str(&format!("<{name}>"));
                        open.push(name);
                    }
                    _ => xml.push_str(&format!("t{}", random(10))),
                }
            }
            while let Some(name) = open.pop() {
                xml.push_str(&format!("</{name}>"));
            }
            xml.push_str("</R>");
            let doc = read(&xml).unwrap();
            // Every path of up to four local names, and a few malformed ones.
            let mut paths = vec![
                String::new(),
                "/".to_owned(),
                "a/".to_owned(),
                "/a".to_owned(),
            ];
            let local = ["a", "b", "cc", "p:a"];
            let mut level = vec![String::new()];
            for _ in 0..4 {
                level = level
                    .iter()
                    .flat_map(|p| {
                        local.map(|n| {
                            if p.is_empty() {
                                n.to_owned()
                            } else {
                                format!("{p}/{n}")
                            }
                        })
                    })
                    .collect();
                paths.extend(level.iter().cloned());
            }
            for path in &paths {
                assert_eq!(
                    doc.get(path),
                    first_leaf_at(&doc, path),
                    "{path:?} in {xml}"
                );
                lookups += 1;
            }
        }
        assert!(lookups > 1_000_000);
    }

    #[test]
    fn paths_compare_without_being_built() {
        let doc = read(
            "<R><AssumeRoleResult><Credentials><Key>k</Key></Credentials></AssumeRoleResult>\
             <XError><Code>x</Code></XError><Error><Code>c</Code></Error></R>",
        )
        .unwrap();
        let (path, text) = doc.leaves.iter().next().unwrap();
        assert_eq!(path, "AssumeRoleResult/Credentials/Key");
        assert_eq!(path.to_string(), "AssumeRoleResult/Credentials/Key");
        assert_eq!(text, "k");
        // A text compares with `str` and `&str`, and reads as one.
        assert!(PartialEq::<str>::eq(&text, "k") && !PartialEq::<str>::eq(&text, "x"));
        assert_ne!(text, "x");
        assert_eq!((&*text, text.len()), ("k", 1));
        assert!(!doc.leaves.is_empty());
        // A prefix may end inside a name, as the operation parsers' do.
        let rest = path.strip_prefix("AssumeRole").unwrap();
        assert_eq!(rest, "Result/Credentials/Key");
        assert_eq!(rest.to_string(), "Result/Credentials/Key");
        let rest = rest.strip_prefix("Result/").unwrap();
        assert_eq!(rest, "Credentials/Key");
        assert_eq!(rest.len(), "Credentials/Key".len());
        assert!(rest.strip_prefix("Credentials/Key/").is_none());
        assert!(rest.strip_prefix("Credentials-").is_none());
        assert_eq!(
            rest.strip_prefix("Credentials/Key").map(|p| p.is_empty()),
            Some(true)
        );
        assert!(path.starts_with("AssumeRoleResult/C") && path.ends_with("s/Key"));
        assert!(!path.ends_with("x/AssumeRoleResult/Credentials/Key"));
        assert!(path != "AssumeRoleResult/Credentials/Kex");
        assert!(path != "AssumeRoleResult/Credentials");
        assert!(path != "AssumeRoleResult-Credentials/Key");
        // A suffix matches whole names only.
        assert_eq!(doc.find_suffix("Error/Code"), Some("c"));
        assert_eq!(doc.find_suffix("Key"), Some("k"));
        assert_eq!(doc.find_suffix("ey"), None);
        assert_eq!(doc.get("XError/Code"), Some("x"));
        assert_eq!(doc.get("XError"), None);
    }

    #[test]
    fn mixed_content_keeps_only_leaf_text() {
        let doc =
            read("<R>root text<A>head<B>b</B>tail</A><C>c<!-- x --><?p?>d</C>after</R>").unwrap();
        let leaves: Vec<(String, String)> = doc
            .leaves
            .iter()
            .map(|(p, t)| (p.to_string(), t.as_str().to_owned()))
            .collect();
        assert_eq!(
            leaves,
            [("A/B".into(), "b".into()), ("C".into(), "cd".into())]
        );
        // A text in one piece is read where it stands; `C`'s two pieces
        // are joined in the second buffer, and the dropped text of `A`
        // was never written there.
        assert_eq!(doc.leaves.extra.as_str(), "cd");
    }

    #[test]
    fn line_ends_are_normalized_as_quick_xml_does() {
        for raw in ["a\r\nb", "a\rb", "\r\r\n\n", "a\r", "\r", "x\n\ry", ""] {
            let mut mine = String::new();
            push_xml10(&mut mine, raw);
            let theirs = quick_xml::events::BytesText::from_escaped(raw)
                .xml10_content()
                .into_owned();
            assert_eq!(mine, theirs, "{raw:?}");
            let doc = read(&format!("<R><A>{raw}&amp;<![CDATA[{raw}]]></A></R>")).unwrap();
            assert_eq!(doc.get("A"), Some(format!("{theirs}&{theirs}").as_str()));
        }
    }

    #[test]
    fn the_buffer_never_grows() {
        // Grown, it would leave an unwiped copy of the texts behind.
        let long = "N".repeat(10_000);
        for body in [
            format!("<R><{long}>{}</{long}></R>", "<a>t</a>".repeat(500)),
            format!("<R><a>{}</a></R>", "&#x10FFFF;&lt;".repeat(1000)),
            format!("<R><a><![CDATA[{}]]></a></R>", "\r\n".repeat(1000)),
            format!(
                "<R><a>{}<b/></a><c>{}</c></R>",
                "x".repeat(1000),
                "y".repeat(1000)
            ),
            "<R><p:a xmlns:p='u'>v</p:a></R>".to_owned(),
        ] {
            let doc = read(&body).unwrap();
            assert!(doc.leaves.bytes.len() <= body.len());
            assert_eq!(doc.leaves.bytes.capacity(), body.len(), "{}", &body[..40]);
            let extra = doc.leaves.extra.capacity();
            assert!(extra == 0 || extra == body.len(), "{}", &body[..40]);
        }
    }

    #[test]
    fn dropping_wipes_every_byte_written_in_place() {
        let doc = read("<R><A>h&amp;ead<B>secret</B></A><C>dr&#111;pped<D/></C></R>").unwrap();
        // `h&ead` and `dropped` were written out, then cut off the end;
        // the high-water mark still covers them.
        let leaves = &doc.leaves;
        assert_eq!(
            (leaves.extra.as_str(), leaves.written),
            ("", "dropped".len())
        );
        let mut bytes = String::with_capacity(32);
        bytes.push_str("secret text");
        bytes.truncate(3);
        let at = bytes.as_ptr();
        // The buffers are wiped up to their high-water marks as this does.
        let zeroed = |text: String, dirty| crate::secret::zeroed(text.into_bytes(), dirty);
        let wiped = zeroed(bytes, 11);
        assert_eq!((wiped.as_ptr(), wiped.capacity()), (at, 32));
        assert_eq!(wiped, [0; 11]);
        assert_eq!(zeroed(String::with_capacity(4), 100), [0; 4]);
    }

    #[test]
    fn a_thread_reuses_its_buffers_and_empties_them_after_each_document() {
        let limits = XmlLimits::default();
        let buffer = |doc: &Document| doc.leaves.bytes.as_ptr() as usize;
        let first = with_document(b"<R><A>secret</A><B><C/></B></R>", &limits, |doc| {
            assert_eq!((doc.root.as_str(), doc.get("A")), ("R", Some("secret")));
            buffer(doc)
        })
        .unwrap();
        let kept = SPARE.with(|s| s.take()).unwrap();
        assert!(kept.leaves.bytes.is_empty() && kept.leaves.written == 0);
        SPARE.with(|s| s.set(Some(kept)));
        // A failure wipes too, and leaves nothing of its document behind.
        assert!(with_document(b"<Q><A>half</A>", &limits, |_| ()).is_err());
        let second = with_document(b"<S><D>x</D></S>", &limits, |doc| {
            assert_eq!(doc.root, "S");
            assert_eq!(doc.leaves.len(), 1);
            assert_eq!((doc.get("A"), doc.get("D")), (None, Some("x")));
            buffer(doc)
        })
        .unwrap();
        assert_eq!(first, second);
        // A body larger than the buffer gets a buffer of its own size.
        let big = format!("<R><A>{}</A></R>", "y".repeat(1000));
        with_document(big.as_bytes(), &limits, |doc| {
            assert_eq!(doc.leaves.bytes.capacity(), big.len());
        })
        .unwrap();
    }

    #[test]
    fn local_names_are_checked_and_cut_as_before() {
        for name in [
            "A",
            "a:b",
            "a:b:c",
            ":a",
            "a:",
            "_x-1.2",
            "1a",
            "-a",
            ".a",
            "é",
            "aé",
            "a b",
            "",
            "a\"",
            "日本:語",
            "x\u{0}",
            "a/b",
            "a>",
        ] {
            let before =
                is_xml_name(name).then(|| quick_xml::name::QName(name).local_name().into_inner());
            assert_eq!(local_name(name), before, "{name:?}");
            // The scanner's plain names are read the same by the shortcut.
            if name.bytes().all(is_plain_name_byte) {
                assert_eq!(plain_local_name(name), before, "{name:?}");
            }
        }
        // Every byte: plain exactly when it may be in a name and is not `:`.
        for b in 0..=255u8 {
            let in_name = b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') || b >= 0x80;
            assert_eq!(is_plain_name_byte(b), in_name, "{b:#x}");
        }
    }

    #[test]
    fn a_long_name_above_many_children_costs_its_length_once() {
        // The shape that once took 3.9 GiB: each child's path repeats the
        // long name, but here it is stored once.
        let long = "L".repeat(500_000);
        let body = format!("<R><{long}>{}</{long}></R>", "<a>1</a>".repeat(4000));
        let doc = read(&body).unwrap();
        assert_eq!(doc.leaves.len(), 4000);
        // The one copy of the body, and nothing written out.
        assert!(doc.leaves.bytes.len() <= body.len());
        assert_eq!(doc.leaves.extra.capacity(), 0);
        let (path, text) = doc.leaves.iter().last().unwrap();
        assert_eq!(path, format!("{long}/a").as_str());
        assert_eq!(text, "1");
        assert_eq!(doc.find_suffix("a"), Some("1"));
    }

    #[test]
    fn equality_and_debug() {
        let a = read("<R><A><B>secret</B></A></R>").unwrap();
        let b = read("<R>\n <A><!-- c --><B>secret</B>\n</A></R>").unwrap();
        assert_eq!(a, b);
        assert_ne!(a, read("<R><A><B>other!</B></A></R>").unwrap());
        assert_ne!(a, read("<R><A><C>secret</C></A></R>").unwrap());
        assert_ne!(a, read("<S><A><B>secret</B></A></S>").unwrap());
        let shown = format!("{a:?}");
        assert!(
            shown.contains("\"A/B\"") && shown.contains("<6 bytes>"),
            "{shown}"
        );
        assert!(!shown.contains("secret"), "{shown}");
        assert_eq!(a.clone(), a);
        assert_eq!(Document::default().leaves.len(), 0);
        assert!(Document::default().leaves.is_empty());
    }

    /// A character XML 1.0 does not allow is refused, written or as a
    /// reference: an answer printed to a terminal must not carry an
    /// escape sequence (`&#x1b;[31m`). The error says where, not what.
    #[test]
    fn characters_xml_does_not_allow_are_refused() {
        for bad in [
            "\u{1b}[31m",
            "&#x1b;",
            "&#27;",
            "\u{1}",
            "&#x8;",
            "\u{b}",
            "\u{c}",
            "\u{1f}",
            "\u{fffe}",
            "&#xFFFF;",
            "&#0;",
            "\u{7f}\u{1b}",
        ] {
            let body = format!("<R><A>x{bad}y</A></R>");
            let why = match read(&body) {
                Err(XmlError::Malformed(why)) => why,
                Err(e @ XmlError::UnknownEntity { .. }) => e.to_string(),
                _ => panic!("{bad:?} accepted"),
            };
            assert!(!why.chars().any(char::is_control), "{why:?}");
        }
        for good in [
            "\t",
            "\n",
            "\r",
            "\u{7f}",
            "\u{85}",
            "\u{fffd}",
            "\u{10ffff}",
            "&#x9;",
            "&#xD7FF;",
            "&#xE000;",
        ] {
            let body = format!("<R><A>x{good}y</A></R>");
            assert!(read(&body).is_ok(), "{good:?} refused");
        }
        // Outside any element too, and in a comment.
        assert!(read("<R><!-- \u{1b} --><A>x</A></R>").is_err());
        assert!(read("<R><A>x</A></R>\u{1b}").is_err());
    }

    #[test]
    fn a_byte_order_mark_after_leading_whitespace_is_dropped() {
        let doc = read("\n\u{feff}\t<R><A>x</A></R>").unwrap();
        assert_eq!((doc.root.as_str(), doc.get("A")), ("R", Some("x")));
        // Once: a second one is text outside the root.
        assert!(read("\u{feff} \u{feff}\u{feff}<R/>").is_err());
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
        assert_eq!(
            read("<r>&x;</r>"),
            Err(XmlError::UnknownEntity { offset: 3 })
        );
        // Not shown at all: the name may be inside a secret's text (found
        // by a review of the C ABI), and may carry an escape sequence
        // (U+009B is the one-byte CSI, which XML allows).
        let e = read("<r><SecretAccessKey>ab&S3CRET\u{9b}[31m;</SecretAccessKey></r>").unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown XML entity or bad character reference at byte 22"
        );
        // Counted from the body's start, as `NotUtf8`'s offset is.
        assert_eq!(
            read("\u{feff}  <r>&x;</r>"),
            Err(XmlError::UnknownEntity { offset: 8 })
        );
        let e = read("<r>&#xZZS3CRET;</r>").unwrap_err();
        assert!(!e.to_string().contains("S3CRET"), "{e}");
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
            "<R><A>x</A\" e>\n<SecretAccessKey>wJalrXUtnFEMI/K7MDENG</SecretAccessKey>\n\u{85}{}\"></R>",
            "y".repeat(100_000)
        );
        let Err(XmlError::Malformed(why)) = read(&body) else {
            panic!("accepted");
        };
        assert!(!why.contains("wJalrXUtnFEMI"), "{why}");
        assert!(!why.chars().any(char::is_control), "{why:?}");
        assert!(why.chars().count() <= 200, "{why}");
        assert!(why.contains("`</A>`"), "{why}");
        // Plain names are still shown.
        assert_eq!(
            read("<R><A></B></R>"),
            Err(XmlError::Malformed("expected `</A>`, found `</B>`".into()))
        );
    }

    /// Each limit is the most that is accepted, not the first that is
    /// refused: a body of exactly `max_body_bytes`, exactly `max_elements`
    /// elements and exactly `max_depth` levels all read.
    #[test]
    fn a_document_exactly_at_each_limit_is_accepted() {
        let limits = XmlLimits {
            max_body_bytes: 64,
            max_depth: 4,
            max_elements: 5,
        };
        let body = format!("<a>{}</a>", "x".repeat(57));
        assert_eq!(body.len(), 64);
        assert_eq!(parse(body.as_bytes(), &limits).unwrap().root, "a");
        let doc = parse(b"<a><b/><b/><b/><b/></a>", &limits).unwrap();
        assert_eq!(doc.leaves.len(), 4);
        let doc = parse(b"<a><b><c><d/></c></b></a>", &limits).unwrap();
        assert_eq!(doc.get("b/c/d"), Some(""));
    }

    /// Positions are `u32`s, the second buffer's after the whole first,
    /// and `u32::MAX` is kept free as a marker: for the largest body the
    /// end of the second buffer, twice its length, must stay below it. A
    /// body that size cannot be read in a test, so this checks the bound
    /// itself.
    #[test]
    fn the_largest_addressable_body_keeps_positions_below_the_marker() {
        let two_buffers = 2 * MAX_ADDRESSABLE;
        assert!(two_buffers < NOT_LEAF as usize, "{two_buffers}");
    }

    /// The buffers a thread keeps are those of at most [`KEPT_BYTES`]:
    /// larger ones would stay allocated for the life of the thread.
    #[test]
    fn a_thread_keeps_buffers_up_to_64_kib_and_no_larger() {
        let limits = XmlLimits::default();
        let kept = || {
            SPARE.with(|s| {
                let doc = s.take();
                let capacities = doc
                    .as_ref()
                    .map(|d| (d.leaves.bytes.capacity(), d.leaves.extra.capacity()));
                s.set(doc);
                capacities
            })
        };
        SPARE.with(|s| s.set(None));
        // `size` bytes, `unit` repeated and `y` to fill; text written out
        // (`&amp;`) fills the second buffer too.
        let body = |size: usize, unit: &str| {
            let room = size - "<R><A></A></R>".len();
            let units = unit.repeat(room / unit.len());
            let fill = "y".repeat(room % unit.len());
            format!("<R><A>{units}{fill}</A></R>")
        };
        let at_limit = body(KEPT_BYTES, "&amp;");
        assert_eq!(at_limit.len(), KEPT_BYTES);
        with_document(at_limit.as_bytes(), &limits, |doc| {
            let amps = (KEPT_BYTES - 14) / 5;
            assert_eq!(
                doc.get("A"),
                Some(format!("{}yy", "&".repeat(amps)).as_str())
            );
        })
        .unwrap();
        assert_eq!(kept(), Some((KEPT_BYTES, KEPT_BYTES)));
        // A smaller document still uses them.
        with_document(body(10_000, "y").as_bytes(), &limits, |_| ()).unwrap();
        assert_eq!(kept(), Some((KEPT_BYTES, KEPT_BYTES)));
        // A larger one gets buffers of its own, which are not kept, even
        // when only the first had to grow.
        SPARE.with(|s| s.set(None));
        with_document(body(10_000, "y").as_bytes(), &limits, |_| ()).unwrap();
        assert_eq!(kept(), Some((10_000, 0)));
        with_document(body(KEPT_BYTES + 1, "y").as_bytes(), &limits, |_| ()).unwrap();
        assert_eq!(kept(), None);
    }

    /// A document the size of the kept buffer fits it: no new buffer is
    /// allocated (and the old one dropped) for a body of the same length.
    #[test]
    fn a_document_as_long_as_the_kept_buffer_reuses_it() {
        let limits = XmlLimits::default();
        let buffer = |doc: &Document| doc.leaves.bytes.as_ptr() as usize;
        let first = with_document(b"<R><A>one</A></R>", &limits, buffer).unwrap();
        let second = with_document(b"<R><B>two</B></R>", &limits, buffer).unwrap();
        assert_eq!(first, second);
    }

    /// A close tag with whitespace before its `>` is read by the scanner's
    /// general path, not compared there: the reader compares its name.
    #[test]
    fn a_close_tag_with_trailing_whitespace_closes_its_element() {
        let doc = read("<R><A>x</A\n><p:B>y</p:B\t ></R >").unwrap();
        assert_eq!((doc.get("A"), doc.get("B")), (Some("x"), Some("y")));
        assert_eq!(
            read("<R><A>x</B ></R>"),
            Err(XmlError::Malformed("expected `</A>`, found `</B>`".into()))
        );
    }

    /// Only a plain name is quoted in a mismatch: one that is not an XML
    /// name, or holds a control character (non-ASCII ones pass the name
    /// test), or is longer than 32 characters, is not.
    #[test]
    fn a_garbled_close_tag_is_not_quoted_even_when_short() {
        let garbled = |found: &str| {
            XmlError::Malformed(format!(
                "expected `</A>`, found {}",
                if found.is_empty() {
                    "a close tag with a garbled name"
                } else {
                    found
                }
            ))
        };
        assert_eq!(read("<R><A></A b></R>"), Err(garbled("")));
        assert_eq!(read("<R><A></A\u{85}></R>"), Err(garbled("")));
        let long = "N".repeat(32);
        assert_eq!(
            read(&format!("<R><A></{long}></R>")),
            Err(garbled(&format!("`</{long}>`")))
        );
        assert_eq!(read(&format!("<R><A></{long}N></R>")), Err(garbled("")));
    }

    /// A path with a prefix stripped still compares at its right place:
    /// the offset into the whole path is the stripped length plus the
    /// offset into what is left.
    #[test]
    fn a_stripped_path_compares_its_end_where_it_is() {
        let doc = read(
            "<R><AssumeRoleResult><Credentials><Key>k</Key></Credentials></AssumeRoleResult></R>",
        )
        .unwrap();
        let (path, _) = doc.leaves.iter().next().unwrap();
        assert!(!path.is_empty());
        let rest = path.strip_prefix("AssumeRole").unwrap();
        assert!(!rest.is_empty());
        assert!(rest.ends_with("/Key") && rest.ends_with("Result/Credentials/Key"));
        assert!(!rest.ends_with("/Kex") && !rest.ends_with("xResult/Credentials/Key"));
    }
}
