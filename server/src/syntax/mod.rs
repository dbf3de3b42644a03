//! The typed document: one Newsmark file parsed with tree-sitter into spans,
//! attributes, CriticMarkup, front matter and the article text, all with byte
//! ranges. No IO, no LSP. Parsing never fails: every input gives a document
//! plus its syntax errors.

mod front_matter;
mod import;
mod plain;
mod skim;

use std::ops::Range;

use serde::{Deserialize, Serialize};
use tree_sitter::{Node, Parser, Tree};

pub use front_matter::{FrontMatter, FrontMatterProblem, KNOWN_KEYS, Published};
pub use import::{import, strip};
pub use plain::PlainText;

/// A byte range in the source file.
pub type TextRange = Range<usize>;

/// How deep spans may nest. Deeper spans are a syntax error and are not
/// analysed (their markup is still markup): each span holds its article
/// text, so unbounded nesting would make memory and time quadratic in the
/// file's size. Real annotations nest a handful of levels.
pub const MAX_SPAN_DEPTH: usize = 32;

/// A string with the byte range it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spanned<T> {
    pub value: T,
    pub range: TextRange,
}

impl<T> Spanned<T> {
    pub fn new(value: T, range: TextRange) -> Self {
        Self { value, range }
    }
}

/// `key=value` inside an attribute block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Property {
    pub key: Spanned<String>,
    /// The value without quotes.
    pub value: Spanned<String>,
}

/// `[content]{attributes}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// The whole span, `[` to `}`.
    pub range: TextRange,
    /// Between `[` and `]`.
    pub content: TextRange,
    /// The attribute block, `{` to `}`.
    pub attributes: TextRange,
    /// The article text of the content (escapes resolved, original side of
    /// corrections).
    pub text: String,
    /// `.kind` (the first one; more are reported by the syntax check).
    pub kind: Option<Spanned<String>>,
    /// `@id` references.
    pub entities: Vec<Spanned<String>>,
    /// `#name` anchors.
    pub anchors: Vec<Spanned<String>>,
    pub properties: Vec<Property>,
    /// Bare words such as `anon` or `future`.
    pub flags: Vec<Spanned<String>>,
    /// Index of the enclosing span in [`Document::spans`].
    pub parent: Option<usize>,
}

impl Span {
    pub fn kind(&self) -> Option<&str> {
        self.kind.as_ref().map(|k| k.value.as_str())
    }

    pub fn property(&self, key: &str) -> Option<&Spanned<String>> {
        self.properties
            .iter()
            .find(|p| p.key.value == key)
            .map(|p| &p.value)
    }

    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f.value == flag)
    }

    /// Rule codes named in `allow=code[,code]` on this span.
    pub fn allowed(&self) -> impl Iterator<Item = &str> {
        self.properties
            .iter()
            .filter(|p| p.key.value == "allow")
            .flat_map(|p| p.value.value.split(','))
            .map(str::trim)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CriticKind {
    Correction,
    Comment,
    Highlight,
    Insertion,
    Deletion,
}

/// One CriticMarkup construct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Critic {
    pub kind: CriticKind,
    pub range: TextRange,
    /// The body (for a correction, the original side).
    pub body: Option<TextRange>,
    /// The replacement side of a correction.
    pub replacement: Option<TextRange>,
}

/// A syntax error with a message a journalist can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
    pub help: Option<String>,
    /// A safe textual fix: replace `range` with the string.
    pub fix: Option<(TextRange, String)>,
}

/// A parsed Newsmark document.
#[derive(Debug, Clone)]
pub struct Document {
    pub front_matter: Option<FrontMatter>,
    /// Spans in document order (a parent before its children).
    pub spans: Vec<Span>,
    pub critics: Vec<Critic>,
    pub errors: Vec<SyntaxError>,
    /// Where the article body starts (after the front matter).
    pub body_start: usize,
    /// The article text (what `strip` gives back) with a map to the source.
    pub plain: PlainText,
}

/// Creates a parser for the Newsmark grammar.
pub fn parser() -> Parser {
    let mut parser = Parser::new();
    // The grammar is compiled into this binary at a supported ABI version, so
    // this can only fail if the build itself is broken.
    #[allow(clippy::expect_used)]
    parser
        .set_language(&tree_sitter_newsmark::LANGUAGE.into())
        .expect("the bundled Newsmark grammar has a supported ABI version");
    parser
}

thread_local! {
    /// This thread's parser: a parser keeps its stacks and buffers from one
    /// parse to the next, which a fresh one per article would allocate
    /// again (a corpus load parses every article).
    static PARSER: std::cell::RefCell<Parser> = std::cell::RefCell::new(parser());
}

/// Parses a tree of the whole of `text` with this thread's parser: the tree
/// an editor keeps and edits.
pub fn parse_tree(text: &str) -> Tree {
    // `parse` only returns None on cancellation or timeout, neither of which
    // is set; nothing it calls parses again, so the borrow is never nested.
    #[allow(clippy::expect_used)]
    PARSER.with_borrow_mut(|parser| {
        parser
            .parse(text, None)
            .expect("parsing without a timeout or cancellation flag always yields a tree")
    })
}

/// The tree [`parse`] builds its document from: tree-sitter reads only
/// what the document depends on (see `skim`), unless that tree has a
/// syntax error, when it reads every byte.
pub fn skimmed_tree(text: &str) -> Tree {
    // As in `parse_tree`: no timeout, no cancellation, no nesting.
    #[allow(clippy::expect_used)]
    PARSER.with_borrow_mut(|parser| {
        skim::parse_tree(parser, text)
            .expect("parsing without a timeout or cancellation flag always yields a tree")
    })
}

/// Parses `text` as a Newsmark document.
pub fn parse(text: &str) -> Document {
    Document::from_tree(text, &skimmed_tree(text))
}

/// Parses `text` as plain scraped text: no markup at all, every byte is
/// article text. Used for files named explicitly that are not `.news`.
pub fn parse_plain(text: &str) -> Document {
    Document {
        front_matter: None,
        spans: Vec::new(),
        critics: Vec::new(),
        errors: Vec::new(),
        body_start: 0,
        plain: PlainText::identity(text),
    }
}

impl Document {
    /// Builds the typed document from a tree of `text`.
    pub fn from_tree(text: &str, tree: &Tree) -> Document {
        Document::build(text, tree, true)
    }

    fn build(text: &str, tree: &Tree, shortcuts: bool) -> Document {
        // Each span opens with a `[`: room for them all at once (spans are
        // large, and a list grown by doubling copies them over and over).
        let brackets = memchr::memchr_iter(b'[', text.as_bytes()).count();
        let mut builder = Builder {
            src: text,
            spans: Vec::with_capacity(brackets),
            critics: Vec::new(),
            errors: Vec::new(),
            markup: Vec::with_capacity(2 * brackets + 1),
            front_matter: None,
            depths: Vec::with_capacity(brackets),
            too_deep: false,
            attributes: tree.walk(),
            attribute_list: Vec::new(),
            shortcuts,
        };
        builder.walk(tree.root_node());
        let body_start = builder
            .front_matter
            .as_ref()
            .map_or(0, |fm: &FrontMatter| fm.range.end);
        let plain = PlainText::from_markup(text, body_start, &builder.markup);
        let mut spans = builder.spans;
        for span in &mut spans {
            span.text = plain.slice_of_source(span.content.clone());
        }
        builder.errors.sort_by_key(|e| (e.range.start, e.range.end));
        Document {
            front_matter: builder.front_matter,
            spans,
            critics: builder.critics,
            errors: builder.errors,
            body_start,
            plain,
        }
    }

    /// The spans containing `offset`, innermost last.
    pub fn spans_at(&self, offset: usize) -> impl Iterator<Item = &Span> {
        // The last span starting at or before `offset` and its ancestors
        // (see `is_allowed`): not a scan of every span, which would make a
        // rule that asks this per finding quadratic on a large document.
        let mut chain = Vec::new();
        let mut next = self
            .spans
            .partition_point(|s| s.range.start <= offset)
            .checked_sub(1);
        while let Some(i) = next {
            let Some(s) = self.spans.get(i) else { break };
            if offset < s.range.end {
                chain.push(s);
            }
            next = s.parent.filter(|&p| p < i);
        }
        chain.reverse();
        chain.into_iter()
    }

    /// True if a rule is silenced for `range`: by `allow=` on an enclosing
    /// span or by `allow` in the front matter.
    pub fn is_allowed(&self, code: &str, range: &TextRange) -> bool {
        if let Some(fm) = &self.front_matter
            && fm.allow.iter().any(|a| a.value == code)
        {
            return true;
        }
        // Spans are in document order and nest, so a span that contains
        // `range` is the last one starting at or before `range.start` or
        // one of its ancestors (or, for an empty range at a span's end, the
        // last one starting before it or an ancestor): walk those chains
        // rather than every span, so that a finding per span does not make
        // a large document quadratic.
        let allows = |s: &Span| {
            s.range.start <= range.start
                && range.end <= s.range.end
                && s.allowed().any(|a| a == code)
        };
        let at = self.spans.partition_point(|s| s.range.start <= range.start);
        let before = self.spans.partition_point(|s| s.range.start < range.start);
        [at, before].into_iter().any(|n| {
            let mut next = n.checked_sub(1);
            while let Some(i) = next {
                let Some(s) = self.spans.get(i) else { break };
                if allows(s) {
                    return true;
                }
                // Parents come before their children; anything else would loop.
                next = s.parent.filter(|&p| p < i);
            }
            false
        })
    }

    /// True if `range` overlaps a CriticMarkup construct (the analyst has
    /// already corrected or marked that text).
    pub fn overlaps_critic(&self, range: &TextRange) -> bool {
        // Critics never nest (their bodies are plain tokens) and are in
        // document order, so their ends are sorted too: only the last one
        // starting before the range's end can reach into it.
        let n = self
            .critics
            .partition_point(|c| c.range.start < range.end.max(range.start + 1));
        n.checked_sub(1)
            .and_then(|i| self.critics.get(i))
            .is_some_and(|c| range.start < c.range.end)
    }

    /// The `published` date, if the front matter has a valid one.
    pub fn published(&self) -> Option<jiff::civil::Date> {
        self.front_matter
            .as_ref()
            .and_then(|fm| fm.published.as_ref())
            .map(|p| p.value.date)
    }
}

struct Builder<'a, 't> {
    src: &'a str,
    /// A cursor reused for every attribute block (a new one allocates).
    attributes: tree_sitter::TreeCursor<'t>,
    /// The list of a span's attributes, reused from span to span.
    attribute_list: Vec<Attribute>,
    /// Whether the quick ways are taken: attribute blocks read from their
    /// text, plain span content and text nodes not walked. Off only in the
    /// test that holds them to the slow ways.
    shortcuts: bool,
    spans: Vec<Span>,
    critics: Vec<Critic>,
    errors: Vec<SyntaxError>,
    /// Source ranges that are markup, not article text.
    markup: Vec<TextRange>,
    front_matter: Option<FrontMatter>,
    /// The nesting depth of each span in `spans` (1 for a top-level one).
    depths: Vec<usize>,
    /// A span deeper than [`MAX_SPAN_DEPTH`] has been reported.
    too_deep: bool,
}

/// The node kinds and field names the builder looks at, as the grammar's
/// numbers: comparing a number is what a walk over every node of every
/// article can afford (`Node::kind` looks the name up and compares
/// strings; `child_by_field_name` scans the field names each call).
struct Kinds {
    text: u16,
    front_matter: u16,
    span: u16,
    escape: u16,
    correction: u16,
    comment: u16,
    highlight: u16,
    insertion: u16,
    deletion: u16,
    attributes: u16,
    critic_text: u16,
    entity_ref: u16,
    kind: u16,
    anchor: u16,
    flag: u16,
    property: u16,
    string: u16,
    field_attributes: std::num::NonZeroU16,
    field_content: std::num::NonZeroU16,
    field_key: std::num::NonZeroU16,
    field_value: std::num::NonZeroU16,
}

fn kinds() -> &'static Kinds {
    static KINDS: std::sync::OnceLock<Kinds> = std::sync::OnceLock::new();
    KINDS.get_or_init(|| {
        let language: tree_sitter::Language = tree_sitter_newsmark::LANGUAGE.into();
        let named = |name: &str| language.id_for_node_kind(name, true);
        // The grammar is compiled into this binary: a field it lacks is a
        // broken build, which the syntax tests catch at once.
        #[allow(clippy::expect_used)]
        let field = |name: &str| {
            language
                .field_id_for_name(name)
                .expect("the bundled grammar has the fields the builder reads")
        };
        Kinds {
            text: named("text"),
            front_matter: named("front_matter"),
            span: named("span"),
            escape: named("escape"),
            correction: named("correction"),
            comment: named("comment"),
            highlight: named("highlight"),
            insertion: named("insertion"),
            deletion: named("deletion"),
            attributes: named("attributes"),
            critic_text: named("critic_text"),
            entity_ref: named("entity_ref"),
            kind: named("kind"),
            anchor: named("anchor"),
            flag: named("flag"),
            property: named("property"),
            string: named("string"),
            field_attributes: field("attributes"),
            field_content: field("content"),
            field_key: field("key"),
            field_value: field("value"),
        }
    })
}

/// What the children of a node being walked inherit from it.
#[derive(Clone, Copy)]
struct Frame {
    /// The innermost span they are in.
    span: Option<usize>,
    /// Whether an ERROR node encloses them.
    in_error: bool,
    /// Whether their parent is itself an ERROR node.
    error_parent: bool,
}

impl<'a, 't> Builder<'a, 't> {
    fn text(&self, node: Node) -> &'a str {
        self.src.get(node.byte_range()).unwrap_or("")
    }

    /// Visits every node in document order with one tree cursor (no
    /// recursion: spans may nest arbitrarily deep and a scraped file must
    /// never overflow the stack; no list of children per node either).
    fn walk(&mut self, root: Node<'t>) {
        let k = kinds();
        let mut cursor = root.walk();
        // One frame per node whose children the cursor is among.
        let mut frames: Vec<Frame> = Vec::new();
        let top = Frame {
            span: None,
            in_error: false,
            error_parent: false,
        };
        loop {
            let node = cursor.node();
            let here = frames.last().copied().unwrap_or(top);
            let kind = node.kind_id();
            // A span's attribute block and a critic's bodies are handled by
            // their owner; only their syntax errors matter here. Inside an
            // ERROR node only named nodes are looked at.
            // Text is a leaf with nothing to record, unless error recovery
            // made it up (a missing node, reported).
            let skipped = ((kind == k.attributes || kind == k.critic_text) && !node.has_error())
                || (self.shortcuts && kind == k.text && !node.is_missing())
                || (here.error_parent && !node.is_named());
            if !skipped
                && let Some(span) = self.enter(node, here)
                && cursor.goto_first_child()
            {
                let is_error = node.is_error();
                frames.push(Frame {
                    span,
                    in_error: here.in_error || is_error,
                    error_parent: is_error,
                });
                continue;
            }
            // The next node: a sibling of this one or of its nearest
            // ancestor that has one.
            loop {
                if frames.is_empty() {
                    return;
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                cursor.goto_parent();
                frames.pop();
            }
        }
    }

    /// Records what `node` is, in the context `here` its parent gives it.
    /// Returns the span its children are in, or None when they are not to
    /// be walked.
    fn enter(&mut self, node: Node<'t>, here: Frame) -> Option<Option<usize>> {
        let k = kinds();
        if node.is_missing() {
            self.missing(node);
            return None;
        }
        let kind = node.kind_id();
        if node.is_error() {
            // One report per error region: nested ERROR nodes repeat it.
            if !here.in_error {
                self.error(node);
            }
        } else if kind == k.front_matter && node.start_byte() == 0 {
            self.markup.push(node.byte_range());
            self.front_matter = Some(FrontMatter::parse(self.src, node));
            // Children are only delimiters and opaque TOML; a missing
            // closing fence is still reported.
            let mut cursor = node.walk();
            for child in node.children(&mut cursor) {
                if child.is_missing() {
                    self.missing(child);
                }
            }
            return None;
        } else if kind == k.span {
            if let Some(index) = self.span(node, here.span) {
                // Content where no span, escape or critic can start, in a
                // span without a syntax error, holds nothing to record:
                // most spans' children (brackets, content, its text) are
                // not walked.
                let plain = |s: &Span| {
                    let content = self.src.as_bytes().get(s.content.clone());
                    memchr::memchr3(b'[', b'{', b'\\', content.unwrap_or_default()).is_none()
                };
                if self.shortcuts && !node.has_error() && self.spans.get(index).is_some_and(plain) {
                    return None;
                }
                return Some(Some(index));
            }
        } else if kind == k.escape {
            self.markup.push(node.start_byte()..node.start_byte() + 1);
        } else if [
            k.correction,
            k.comment,
            k.highlight,
            k.insertion,
            k.deletion,
        ]
        .contains(&kind)
        {
            self.critic(node);
        }
        Some(here.span)
    }

    fn span(&mut self, node: Node<'t>, parent: Option<usize>) -> Option<usize> {
        let k = kinds();
        let attrs = node.child_by_field_id(k.field_attributes.get())?;
        let open = node.start_byte();
        let content = node
            .child_by_field_id(k.field_content.get())
            .map_or(open + 1..open + 1, |c| c.byte_range());
        // `[` and everything from `]` to the end are markup.
        let close = attrs.start_byte().saturating_sub(1);
        self.markup.push(open..open + 1);
        self.markup.push(close..node.end_byte());
        let depth = parent.and_then(|p| self.depths.get(p)).map_or(1, |d| d + 1);
        if depth > MAX_SPAN_DEPTH {
            if !self.too_deep {
                self.too_deep = true;
                self.errors.push(SyntaxError {
                    range: open..open + 1,
                    message: format!(
                        "spans nested more than {MAX_SPAN_DEPTH} deep; the inner ones are not analysed"
                    ),
                    help: Some("annotate with fewer levels of spans inside spans".into()),
                    fix: None,
                });
            }
            return None;
        }

        let mut span = Span {
            range: node.byte_range(),
            content,
            attributes: attrs.byte_range(),
            text: String::new(),
            kind: None,
            entities: Vec::new(),
            anchors: Vec::new(),
            properties: Vec::new(),
            flags: Vec::new(),
            parent,
        };
        let mut list = std::mem::take(&mut self.attribute_list);
        list.clear();
        let read = self.shortcuts
            && !attrs.has_error()
            && read_attributes(self.src, attrs.byte_range(), &mut list).is_some();
        if !read {
            list.clear();
            self.attributes_of(attrs, &mut list);
        }
        for attr in &list {
            self.apply(&mut span, attr);
        }
        self.attribute_list = list;
        self.spans.push(span);
        self.depths.push(depth);
        Some(self.spans.len() - 1)
    }

    /// The attributes of block `attrs`, from the tree: the way for a block
    /// with a syntax error, and what [`read_attributes`] is tested against.
    fn attributes_of(&mut self, attrs: Node<'t>, list: &mut Vec<Attribute>) {
        let k = kinds();
        self.attributes.reset(attrs);
        let mut more = self.attributes.goto_first_child();
        while more {
            let attr = self.attributes.node();
            more = self.attributes.goto_next_sibling();
            if !attr.is_named() {
                continue;
            }
            let range = attr.byte_range();
            list.push(match attr.kind_id() {
                id if id == k.entity_ref => Attribute::Entity(range),
                id if id == k.kind => Attribute::Kind(range),
                id if id == k.anchor => Attribute::Anchor(range),
                id if id == k.flag => Attribute::Flag(range),
                id if id == k.property => {
                    let (Some(key), Some(value)) = (
                        attr.child_by_field_id(k.field_key.get()),
                        attr.child_by_field_id(k.field_value.get()),
                    ) else {
                        continue;
                    };
                    Attribute::Property {
                        key: key.byte_range(),
                        value: value.byte_range(),
                        string: value.kind_id() == k.string,
                    }
                }
                _ => continue,
            });
        }
    }

    /// Adds `attr` to `span`.
    fn apply(&mut self, span: &mut Span, attr: &Attribute) {
        let src = self.src;
        let text = |r: &TextRange| src.get(r.clone()).unwrap_or("");
        // The name after a sigil (`@`, `.`, `#`).
        let named = |r: &TextRange| {
            Spanned::new(
                text(r).get(1..).unwrap_or("").to_string(),
                r.start + 1..r.end,
            )
        };
        match attr {
            Attribute::Entity(r) => span.entities.push(named(r)),
            Attribute::Anchor(r) => span.anchors.push(named(r)),
            Attribute::Flag(r) => span
                .flags
                .push(Spanned::new(text(r).to_string(), r.clone())),
            Attribute::Kind(r) => {
                if let Some(first) = &span.kind {
                    self.errors.push(SyntaxError {
                        range: r.clone(),
                        message: format!(
                            "a span has one kind; `.{}` is already given",
                            first.value
                        ),
                        help: Some("remove one of the kinds".into()),
                        fix: None,
                    });
                } else {
                    span.kind = Some(named(r));
                }
            }
            Attribute::Property { key, value, string } => {
                let raw = text(value);
                let (value, vrange) = if *string && raw.len() >= 2 {
                    (
                        unescape_string(&raw[1..raw.len() - 1]),
                        value.start + 1..value.end - 1,
                    )
                } else {
                    (raw.to_string(), value.clone())
                };
                span.properties.push(Property {
                    key: Spanned::new(text(key).to_string(), key.clone()),
                    value: Spanned::new(value, vrange),
                });
            }
        }
    }

    fn critic(&mut self, node: Node) {
        let kind = match node.kind() {
            "correction" => CriticKind::Correction,
            "comment" => CriticKind::Comment,
            "highlight" => CriticKind::Highlight,
            "insertion" => CriticKind::Insertion,
            _ => CriticKind::Deletion,
        };
        let range = node.byte_range();
        let body = node
            .child_by_field_name(if kind == CriticKind::Correction {
                "original"
            } else {
                "body"
            })
            .map(|n| n.byte_range());
        let replacement = node
            .child_by_field_name("replacement")
            .map(|n| n.byte_range());
        match kind {
            // Only the original side is article text.
            CriticKind::Correction | CriticKind::Highlight | CriticKind::Deletion => match &body {
                Some(b) => {
                    self.markup.push(range.start..b.start);
                    self.markup.push(b.end..range.end);
                }
                None => self.markup.push(range.clone()),
            },
            CriticKind::Comment | CriticKind::Insertion => self.markup.push(range.clone()),
        }
        self.critics.push(Critic {
            kind,
            range,
            body,
            replacement,
        });
    }

    fn missing(&mut self, node: Node) {
        let at = node.start_byte();
        let what = node.kind();
        let (message, help) = match what {
            "front_matter_delimiter" | "+++" => (
                "unterminated front matter: no closing `+++` line".to_string(),
                "end the front matter with a line holding only `+++`",
            ),
            "~~}" => (
                "unterminated correction: expected `~~}`".to_string(),
                "a correction is written `{~~original~>replacement~~}` on one line",
            ),
            "~>" => (
                "correction without `~>`".to_string(),
                "a correction is written `{~~original~>replacement~~}` on one line",
            ),
            "<<}" | "==}" | "++}" | "--}" => (
                format!("unterminated CriticMarkup: expected `{what}`"),
                "CriticMarkup opens and closes on the same line",
            ),
            "}" => (
                "unclosed attribute block: expected `}`".to_string(),
                "close the attribute block with `}`",
            ),
            "]" => (
                "unclosed `[`: expected `]{…}`".to_string(),
                "close the span with `]{…}`, or write a literal bracket as `\\[`",
            ),
            other => (
                format!("expected `{other}`"),
                "see docs/format.md for the syntax",
            ),
        };
        // A missing closing fence is reported on the opening one: `+++` at
        // the start of its front matter (error recovery can also put a
        // front matter node mid-text, where byte 0 is unrelated).
        let fence = node
            .parent()
            .filter(|p| p.kind() == "front_matter")
            .map(|p| p.start_byte()..p.start_byte() + 3)
            .filter(|r| self.src.get(r.clone()) == Some("+++"));
        let range = match fence {
            Some(r) if matches!(what, "front_matter_delimiter" | "+++") => r,
            _ => at..at,
        };
        self.errors.push(SyntaxError {
            range,
            message,
            help: Some(help.to_string()),
            fix: None,
        });
    }

    fn error(&mut self, node: Node) {
        let range = node.byte_range();
        let text = self.text(node);
        // Nested ERROR nodes repeat their parent's report.
        if let Some(last) = self.errors.last()
            && last.range.start <= range.start
            && range.end <= last.range.end
        {
            return;
        }
        let in_attributes = node
            .parent()
            .is_some_and(|p| p.kind() == "attributes" || p.kind() == "property");
        let error = if in_attributes {
            SyntaxError {
                range: range.clone(),
                message: if text.trim().is_empty() {
                    "a blank line inside an attribute block (is its `}` missing?)".to_string()
                } else {
                    format!("bad attribute `{}`", text.trim())
                },
                help: Some(
                    "attributes are `@id`, `.kind`, `#anchor`, `key=value`, `key=\"a value\"` or a bare word"
                        .into(),
                ),
                fix: None,
            }
        } else if let Some((first, close)) = stray_brackets(node) {
            if let Some(close) = close {
                let start = first.start;
                let end = close.end;
                SyntaxError {
                    range: start..end,
                    message: "`]` with no `{…}` attribute block: a span needs attributes".into(),
                    help: Some(
                        "add attributes right after `]`, e.g. `]{@id}`, or escape literal brackets as `\\[` and `\\]`"
                            .into(),
                    ),
                    fix: Some((start..end, escape_brackets(&self.src[start..end]))),
                }
            } else if self.src.get(first.clone()) == Some("[") {
                SyntaxError {
                    range: first.clone(),
                    message: "unclosed `[`: a span is written `[text]{attributes}`".into(),
                    help: Some(
                        "close the span with `]{…}`, or write a literal bracket as `\\[`".into(),
                    ),
                    fix: Some((first, "\\[".into())),
                }
            } else {
                SyntaxError {
                    range: first.clone(),
                    message: "`]` with no matching `[`".into(),
                    help: Some("write a literal bracket as `\\]`".into()),
                    fix: Some((first, "\\]".into())),
                }
            }
        } else if text.starts_with("{~~") && !text.contains("~>") {
            SyntaxError {
                range: range.clone(),
                message: "correction without `~>`".into(),
                help: Some(
                    "a correction is written `{~~original~>replacement~~}` on one line".into(),
                ),
                fix: None,
            }
        } else if text.starts_with("+++") {
            SyntaxError {
                range: range.clone(),
                message: "malformed front matter".into(),
                help: Some("front matter is TOML between two lines holding only `+++`".into()),
                fix: None,
            }
        } else {
            let shown: String = text.chars().take(40).collect();
            let message = if shown.trim().is_empty() {
                "unexpected space or line break here".to_string()
            } else {
                format!("unexpected `{}`", shown.trim())
            };
            SyntaxError {
                range: range.clone(),
                message,
                help: Some("see docs/format.md for the syntax".into()),
                fix: None,
            }
        };
        self.errors.push(error);
    }
}

/// The first stray `[` or `]` token directly inside an ERROR node, and for a
/// `[`, the `]` that follows it (complete spans inside are not stray).
fn stray_brackets(node: Node) -> Option<(TextRange, Option<TextRange>)> {
    let mut cursor = node.walk();
    let mut open: Option<TextRange> = None;
    for child in node.children(&mut cursor) {
        if child.is_named() || child.is_missing() {
            continue;
        }
        match (child.kind(), &open) {
            ("[", None) => open = Some(child.byte_range()),
            ("]", Some(o)) => return Some((o.clone(), Some(child.byte_range()))),
            ("]", None) => return Some((child.byte_range(), None)),
            _ => {}
        }
    }
    open.map(|o| (o, None))
}

fn escape_brackets(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if c == '[' || c == ']' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Newsmark markup, whole and in pieces, plus words that rules react to:
/// what the property tests build documents of (here and in
/// `tests/properties.rs`).
#[doc(hidden)]
pub const MARKUP_PIECES: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    "\\",
    "\"",
    "]{@prk}",
    "]{.quote by=@prk}",
    "]{.date when=2022-09-22}",
    "[North Korea]{@prk}",
    "[“한국”]{.quote src=other#q}",
    "{~~",
    "~>",
    "~~}",
    "{~~src950s~>1950s~~}",
    "{++",
    "++}",
    "{--x--}",
    "{>>note<<}",
    "{==hi==}",
    "+++\n",
    "+++\nid = \"a\"\n+++\n",
    "src950s",
    " on Thursday",
    ".quote",
    "@",
    "#a",
    "=",
    " ",
    "\n\n",
];

/// One attribute of a block, as byte ranges of the file (with its sigil:
/// `@`, `.`, `#`).
#[derive(Debug, Clone, PartialEq)]
enum Attribute {
    Entity(TextRange),
    Kind(TextRange),
    Anchor(TextRange),
    Flag(TextRange),
    /// `key=value`; `string` when the value is a quoted string.
    Property {
        key: TextRange,
        value: TextRange,
        string: bool,
    },
}

/// The attributes of the block at `range` of `src`, read from its text by
/// the grammar's token rules: None unless the grammar reads the block
/// without an error (and the skim uses that to know which blocks it may
/// skip). Stepping a tree cursor through a block's children (hidden repetition nodes and spaces among them) cost
/// about 650 instructions a step, a fifth of building a document. A block
/// with anything but ASCII in it, or anything these rules do not expect,
/// gives None: the tree is read instead. A property test holds the two
/// ways equal on every block the grammar accepts.
fn read_attributes(src: &str, range: TextRange, list: &mut Vec<Attribute>) -> Option<()> {
    let block = src.as_bytes().get(range.clone())?;
    if !block.is_ascii() || block.first() != Some(&b'{') || block.last() != Some(&b'}') {
        return None;
    }
    let end = block.len() - 1;
    let id = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    // The length of the run from `at` whose bytes pass `ok`.
    let run =
        |at: usize, ok: &dyn Fn(u8) -> bool| block[at..end].iter().take_while(|b| ok(**b)).count();
    let at_ = |r: std::ops::Range<usize>| range.start + r.start..range.start + r.end;
    let mut at = 1;
    loop {
        // Spaces between attributes hold at most one line end (`\r\n` is
        // one): more is a syntax error.
        let blank = &block[at..at + run(at, &|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))];
        let line_ends = blank.iter().filter(|&&b| b == b'\n' || b == b'\r').count()
            - blank.windows(2).filter(|w| w == b"\r\n").count();
        if line_ends > 1 {
            return None;
        }
        at += blank.len();
        if at == end {
            return Some(());
        }
        let first = block[at];
        let start = at;
        match first {
            b'@' | b'#' => {
                let n = run(at + 1, &|b| id(b));
                if n == 0 || block[at + 1] == b'-' {
                    return None;
                }
                at += 1 + n;
                let r = at_(start..at);
                list.push(if first == b'@' {
                    Attribute::Entity(r)
                } else {
                    Attribute::Anchor(r)
                });
            }
            b'.' => {
                if !block[at + 1].is_ascii_alphabetic() {
                    return None;
                }
                at += 1 + run(at + 1, &|b| id(b));
                list.push(Attribute::Kind(at_(start..at)));
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                at += run(at, &|b| id(b));
                if block[at] != b'=' {
                    list.push(Attribute::Flag(at_(start..at)));
                    continue;
                }
                let key = at_(start..at);
                at += 1;
                let value_start = at;
                let string = block[at] == b'"';
                if string {
                    at += 1;
                    loop {
                        match block.get(at)? {
                            b'"' => break,
                            b'\\'
                                if !block
                                    .get(at + 1)
                                    .is_some_and(|&b| b == b'\r' || b == b'\n') =>
                            {
                                at += 2
                            }
                            b'\\' | b'\r' | b'\n' => return None,
                            _ => at += 1,
                        }
                    }
                    at += 1;
                    if at > end {
                        return None;
                    }
                } else {
                    let n = run(at, &|b| value_byte(b));
                    if n == 0 {
                        return None;
                    }
                    at += n;
                }
                list.push(Attribute::Property {
                    key,
                    value: at_(value_start..at),
                    string,
                });
            }
            _ => return None,
        }
    }
}

/// A byte of an unquoted attribute value (the grammar's `value`,
/// `[^\s"{}]`, for ASCII).
fn value_byte(b: u8) -> bool {
    !(b.is_ascii_whitespace() || b == 0x0b || matches!(b, b'"' | b'{' | b'}'))
}

fn unescape_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests;
