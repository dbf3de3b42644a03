//! `newsmark export`: the annotations of a corpus in other tools' formats,
//! brat/INCEpTION standoff ([`brat`]) and W3C Web Annotation JSON-LD
//! ([`w3c`]). See `docs/export.md`.
//!
//! Pure: [`export`] returns the files' names and contents and the CLI writes
//! them. Both formats address the article text (what `newsmark strip` gives,
//! written as `<name>.txt`) in Unicode code points, as they define offsets;
//! below this module every offset is a byte offset.

pub mod brat;
pub mod w3c;

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::corpus::{Article, Corpus, Registry};
use crate::syntax::{Document, Span, SyntaxError};

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// brat/INCEpTION standoff: `<id>.txt` and `<id>.ann` per article, plus
    /// `annotation.conf`, `visual.conf` and `tools.conf`
    Brat,
    /// W3C Web Annotation JSON-LD: `<id>.txt` and an AnnotationCollection
    /// `<id>.jsonld` per article
    W3c,
}

/// Every label a span can get, in the order `annotation.conf` lists them.
pub const LABELS: &[&str] = &[
    "Person",
    "Organization",
    "Country",
    "Place",
    "Outlet",
    "Event",
    "Group",
    "Mention",
    "Quote",
    "Claim",
    "Date",
    "Quantity",
    "Source",
    "Span",
];

/// Flags that become brat attributes (binary), with the attribute's name.
pub const FLAG_ATTRIBUTES: &[(&str, &str)] = &[("anon", "Anon"), ("future", "Future")];

/// The Wikidata IRI of an entity id such as `Q423`.
pub fn wikidata_iri(id: &str) -> String {
    format!("http://www.wikidata.org/entity/{id}")
}

/// A file for the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    /// A plain file name (no folder).
    pub name: String,
    pub text: String,
}

/// An article left out because it has syntax errors (it has no single
/// reading, so no article text to point into).
#[derive(Debug, Clone)]
pub struct Skipped {
    pub path: PathBuf,
    pub first: SyntaxError,
    pub count: usize,
}

/// What [`export`] produces.
#[derive(Debug, Clone, Default)]
pub struct Export {
    pub files: Vec<OutFile>,
    pub skipped: Vec<Skipped>,
    /// How many articles were exported.
    pub articles: usize,
}

/// Exports the articles of `corpus` (those under `only`, when given).
///
/// Each article becomes `<name>.txt` plus `<name>.ann` (brat) or
/// `<name>.jsonld` (W3C), where `<name>` is its source id made safe as a
/// file name ([`file_names`]).
pub fn export(corpus: &Corpus, format: Format, only: Option<&Path>) -> Export {
    let mut out = Export::default();
    let articles: Vec<&Article> = corpus
        .articles
        .iter()
        .filter(|a| only.is_none_or(|p| a.path.starts_with(p)))
        .filter(|a| match a.doc().errors.first() {
            Some(first) => {
                out.skipped.push(Skipped {
                    path: a.path.clone(),
                    first: first.clone(),
                    count: a.doc().errors.len(),
                });
                false
            }
            None => true,
        })
        .collect();
    let names = file_names(articles.iter().map(|a| a.summary.id.as_str()));
    for (article, name) in articles.iter().zip(names) {
        out.files.push(OutFile {
            name: format!("{name}.txt"),
            text: article.doc().plain.text.clone(),
        });
        match format {
            Format::Brat => out.files.push(OutFile {
                name: format!("{name}.ann"),
                text: brat::ann(&article.doc(), &corpus.registry),
            }),
            Format::W3c => {
                let value =
                    w3c::collection(&article.doc(), &corpus.registry, &name, &article.summary.id);
                let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
                text.push('\n');
                out.files.push(OutFile {
                    name: format!("{name}.jsonld"),
                    text,
                });
            }
        }
        out.articles += 1;
    }
    if format == Format::Brat {
        out.files.extend(brat::config_files());
    }
    out
}

/// File names (without extension) for source ids: characters other than
/// ASCII letters, digits, `-`, `_` and `.` become `_`, a leading `.` too (a
/// hidden file), and a name already taken (compared without case, for
/// case-insensitive file systems) gets `-2`, `-3`…
pub fn file_names<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for id in ids {
        let mut base: String = id
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' || (c == '.' && i > 0) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if base.is_empty() {
            base = "article".into();
        }
        let mut name = base.clone();
        let mut n = 1;
        while !taken.insert(name.to_lowercase()) {
            n += 1;
            name = format!("{base}-{n}");
        }
        out.push(name);
    }
    out
}

/// Byte offsets to code-point offsets in one text.
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// The byte offset of every character, then the text's length.
    starts: Vec<usize>,
}

impl CharIndex {
    pub fn new(text: &str) -> CharIndex {
        let mut starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        starts.push(text.len());
        CharIndex { starts }
    }

    /// The number of characters before byte `offset` (an offset inside a
    /// character counts that character).
    pub fn chars(&self, offset: usize) -> usize {
        self.starts.partition_point(|&b| b < offset)
    }

    /// The byte offset of character `n` (the text's length past the end).
    pub fn byte(&self, n: usize) -> usize {
        self.starts
            .get(n)
            .or(self.starts.last())
            .copied()
            .unwrap_or(0)
    }
}

/// One span, placed in the article text.
#[derive(Debug, Clone)]
pub struct Item<'a> {
    /// 1-based, in document order: brat's `T<n>` and the W3C `#anno-<n>`.
    pub number: usize,
    pub span: &'a Span,
    /// The type ([`LABELS`]).
    pub label: &'static str,
    /// The span's content in the article text, in bytes.
    pub bytes: Range<usize>,
    /// The same in code points.
    pub chars: Range<usize>,
}

/// Every span of `doc`, in document order (a parent before its children).
pub fn items<'a>(doc: &'a Document, registry: &Registry, index: &CharIndex) -> Vec<Item<'a>> {
    doc.spans
        .iter()
        .enumerate()
        .map(|(i, span)| {
            let bytes = article_range(doc, span);
            Item {
                number: i + 1,
                span,
                label: label(span, registry),
                chars: index.chars(bytes.start)..index.chars(bytes.end),
                bytes,
            }
        })
        .collect()
}

/// The byte range of a span's content in the article text.
pub fn article_range(doc: &Document, span: &Span) -> Range<usize> {
    let start = doc.plain.from_source(span.content.start);
    let end = doc.plain.from_source(span.content.end).max(start);
    start..end
}

/// The type of a span: its kind, or for a mention the registry kind of its
/// (first) entity; `Mention` for an entity with no known kind, `Span` for a
/// span with an unknown kind or with neither kind nor entity.
pub fn label(span: &Span, registry: &Registry) -> &'static str {
    match span.kind() {
        Some("quote") => "Quote",
        Some("claim") => "Claim",
        Some("date") => "Date",
        Some("qty") => "Quantity",
        Some("src") => "Source",
        Some(_) => "Span",
        None => match span.entities.first() {
            None => "Span",
            Some(e) => match registry
                .entities
                .get(&e.value)
                .and_then(|e| e.kind.as_deref())
            {
                Some("person") => "Person",
                Some("organization") => "Organization",
                Some("country") => "Country",
                Some("place") => "Place",
                Some("outlet") => "Outlet",
                Some("event") => "Event",
                Some("group") => "Group",
                _ => "Mention",
            },
        },
    }
}

/// True for a kind the label stands for (it need not be repeated).
fn kind_is_labelled(span: &Span) -> bool {
    matches!(
        span.kind(),
        Some("quote" | "claim" | "date" | "qty" | "src")
    )
}

/// One item of an attribute block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attr<'s> {
    Kind(&'s str),
    Entity(&'s str),
    Anchor(&'s str),
    Property(&'s str, &'s str),
    Flag(&'s str),
}

impl Attr<'_> {
    /// As Newsmark writes it: `.quote`, `@prk`, `#denial`, `by=@prk`,
    /// `claim="two words"`, `anon`. Never holds a line break.
    pub fn render(&self) -> String {
        match *self {
            Attr::Kind(k) => format!(".{k}"),
            Attr::Entity(e) => format!("@{e}"),
            Attr::Anchor(a) => format!("#{a}"),
            Attr::Property(k, v) => format!("{k}={}", quote_value(v)),
            Attr::Flag(f) => f.to_string(),
        }
    }
}

/// A property value, quoted when it would not read back bare.
fn quote_value(v: &str) -> String {
    let v: String = v
        .chars()
        .map(|c| if is_line_break(c) { ' ' } else { c })
        .collect();
    if !v.is_empty()
        && !v
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '{' | '}'))
    {
        return v;
    }
    let mut out = String::with_capacity(v.len() + 2);
    out.push('"');
    for c in v.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// The attribute block of a span, item by item in source order.
pub fn attrs(span: &Span) -> Vec<Attr<'_>> {
    let mut all: Vec<(usize, Attr)> = Vec::new();
    if let Some(k) = &span.kind {
        all.push((k.range.start, Attr::Kind(&k.value)));
    }
    all.extend(
        span.entities
            .iter()
            .map(|e| (e.range.start, Attr::Entity(&e.value))),
    );
    all.extend(
        span.anchors
            .iter()
            .map(|a| (a.range.start, Attr::Anchor(&a.value))),
    );
    all.extend(span.properties.iter().map(|p| {
        (
            p.key.range.start,
            Attr::Property(&p.key.value, &p.value.value),
        )
    }));
    all.extend(
        span.flags
            .iter()
            .map(|f| (f.range.start, Attr::Flag(&f.value))),
    );
    all.sort_by_key(|(at, _)| *at);
    all.into_iter().map(|(_, a)| a).collect()
}

/// The attributes the type and the brat attributes do not carry: every item
/// of the block but a kind the label stands for and the flags of
/// [`FLAG_ATTRIBUTES`], as Newsmark writes them, space-separated.
pub fn notes(span: &Span) -> String {
    let labelled = kind_is_labelled(span);
    attrs(span)
        .into_iter()
        .filter(|a| match a {
            Attr::Kind(_) => !labelled,
            Attr::Flag(f) => !FLAG_ATTRIBUTES.iter().any(|(flag, _)| flag == f),
            _ => true,
        })
        .map(|a| a.render())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A line break as Unicode (and Python's `str.splitlines`, which brat reads
/// `.ann` files with) knows it.
pub fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{0b}'
            | '\u{0c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// `range` of `text` split at line breaks (the breaks themselves left
/// out), for brat's discontinuous spans. A range holding nothing but line
/// breaks gives one empty range at its start.
pub fn fragments(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = range.start;
    for (i, c) in text.get(range.clone()).unwrap_or("").char_indices() {
        if is_line_break(c) {
            let at = range.start + i;
            if start < at {
                out.push(start..at);
            }
            start = at + c.len_utf8();
        }
    }
    if start < range.end {
        out.push(start..range.end);
    }
    if out.is_empty() {
        out.push(range.start..range.start);
    }
    out
}

#[cfg(test)]
mod tests;
