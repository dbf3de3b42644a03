//! Per-document summaries: everything other documents need to know about one
//! article (its id, dates, references, anchors, statements), derived from that
//! file alone. Cross-document checks read summaries only.

use serde::{Deserialize, Serialize};

use crate::syntax::{Document, Spanned, TextRange};

pub use super::name::Name;

fn named(v: &Spanned<String>) -> Spanned<Name> {
    Spanned::new(Name::from(v.value.as_str()), v.range.clone())
}

/// Why an entity id appears at a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefRole {
    /// `[North Korea]{@prk}`
    Mention,
    /// `by=@id`
    Speaker,
    /// `via=@id`
    Via,
    /// `outlet = "@id"` in the front matter
    Outlet,
}

/// An entity id used in an article. Its range is held as two `u32`s: 16
/// bytes rather than 24, for the most numerous part of a summary (about a
/// dozen per news article). Offsets past 4 GiB saturate (no news article
/// is that long; the line index keeps `u32` offsets too). Stored in the
/// cache as a `TextRange` was (two numbers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityRef {
    pub id: Name,
    /// The id itself, without `@`: see [`EntityRef::range`].
    start: u32,
    end: u32,
    pub role: RefRole,
}

impl EntityRef {
    pub fn new(id: Name, range: TextRange, role: RefRole) -> EntityRef {
        EntityRef {
            id,
            start: u32::try_from(range.start).unwrap_or(u32::MAX),
            end: u32::try_from(range.end).unwrap_or(u32::MAX),
            role,
        }
    }

    /// Where the id is, without `@`.
    pub fn range(&self) -> TextRange {
        self.start as usize..self.end as usize
    }
}

/// `src=source-id#anchor` or a `derived_from` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    pub source: Spanned<Name>,
    pub anchor: Option<Spanned<Name>>,
}

/// A `.quote` or `.claim` span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub range: TextRange,
    pub kind: Name,
    /// Boxed: held for every statement of every article, never grown.
    pub text: Box<str>,
    pub by: Option<Name>,
    pub via: Option<Name>,
    pub src: Option<Name>,
    pub claim: Option<Spanned<Name>>,
    /// Where the span's `{…}` block ends (after the `}`).
    pub attributes_end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateUse {
    pub range: TextRange,
    pub text: Name,
    pub when: Option<Spanned<Name>>,
    /// The event the date belongs to: `event=` or `fact=` on the date, else
    /// the `claim=` of the statement it sits in.
    pub event: Option<Name>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quantity {
    pub range: TextRange,
    pub n: Option<Name>,
    pub fact: Option<Spanned<Name>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// The source id: front matter `id`, else the file stem.
    pub id: Name,
    /// Where `id` is set, if in the front matter.
    pub id_range: Option<TextRange>,
    pub title: Option<Box<str>>,
    pub published: Option<jiff::civil::Date>,
    pub refs: Box<[EntityRef]>,
    pub anchors: Box<[Spanned<Name>]>,
    /// `src=` references.
    pub sources: Box<[SourceRef]>,
    pub derived_from: Box<[SourceRef]>,
    pub claim_refs: Box<[Spanned<Name>]>,
    pub statements: Box<[Statement]>,
    pub dates: Box<[DateUse]>,
    pub quantities: Box<[Quantity]>,
    /// Rules silenced by `allow`: the whole file (front matter) or a span's
    /// range.
    pub allows: Box<[(TextRange, Name)]>,
}

fn entity_value(v: &Spanned<String>) -> Option<(Name, TextRange)> {
    let id = v.value.strip_prefix('@')?;
    Some((Name::from(id), v.range.start + 1..v.range.end))
}

/// Splits `id#anchor` into its parts with their ranges.
pub fn source_ref(v: &Spanned<String>) -> SourceRef {
    match v.value.split_once('#') {
        Some((id, anchor)) => {
            let anchor_start = v.range.start + id.len() + 1;
            SourceRef {
                source: Spanned::new(Name::from(id), v.range.start..v.range.start + id.len()),
                anchor: Some(Spanned::new(
                    Name::from(anchor),
                    anchor_start..anchor_start + anchor.len(),
                )),
            }
        }
        None => SourceRef {
            source: named(v),
            anchor: None,
        },
    }
}

/// The `claim=` of the nearest enclosing statement.
fn enclosing_claim(doc: &Document, span: &crate::syntax::Span) -> Option<Name> {
    let mut parent = span.parent;
    while let Some(p) = parent {
        let s = doc.spans.get(p)?;
        if let Some(c) = s.property("claim") {
            return Some(Name::from(c.value.as_str()));
        }
        parent = s.parent;
    }
    None
}

impl Summary {
    /// Its citations of source `id`: the `src=` and `derived_from` naming
    /// it (what references, document highlights and a file's rename find).
    pub fn citations<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a SourceRef> + 'a {
        self.sources
            .iter()
            .chain(self.derived_from.iter())
            .filter(move |r| r.source.value == id)
    }

    /// Its citations of `#anchor` in source `source` (`src=source#anchor`):
    /// the anchor part of each.
    pub fn cited_anchors<'a>(
        &'a self,
        source: &'a str,
        anchor: &'a str,
    ) -> impl Iterator<Item = &'a Spanned<Name>> + 'a {
        self.sources
            .iter()
            .filter(move |r| r.source.value == source)
            .filter_map(|r| r.anchor.as_ref())
            .filter(move |x| x.value == anchor)
    }

    /// The article's outlet as an id: its `outlet` entity, else its source
    /// id (an article with no outlet counts as an outlet of its own).
    pub fn outlet_id(&self) -> Name {
        self.refs
            .iter()
            .find(|r| r.role == RefRole::Outlet)
            .map_or(self.id, |r| r.id)
    }

    /// Whether `allow` silences `code` at `range` (what
    /// `Document::is_allowed` says, kept for articles whose document is not
    /// in memory).
    pub fn is_allowed(&self, code: &str, range: &TextRange) -> bool {
        self.allows
            .iter()
            .any(|(r, c)| c == code && r.start <= range.start && range.end <= r.end)
    }

    pub fn of(doc: &Document, stem: &str) -> Summary {
        let fm = doc.front_matter.as_ref();
        let mut s = Parts::default();
        if let Some(f) = fm {
            s.allows.extend(
                f.allow
                    .iter()
                    .map(|a| (0..usize::MAX, Name::from(a.value.as_str()))),
            );
        }
        if let Some(outlet) = fm.and_then(|f| f.outlet.as_ref())
            && let Some((id, range)) = entity_value(outlet)
        {
            s.refs.push(EntityRef::new(id, range, RefRole::Outlet));
        }
        for span in &doc.spans {
            s.allows.extend(
                span.allowed()
                    .map(|code| (span.range.clone(), Name::from(code))),
            );
            for e in &span.entities {
                s.refs.push(EntityRef::new(
                    Name::from(e.value.as_str()),
                    e.range.clone(),
                    RefRole::Mention,
                ));
            }
            for (key, role) in [("by", RefRole::Speaker), ("via", RefRole::Via)] {
                if let Some((id, range)) = span.property(key).and_then(entity_value) {
                    s.refs.push(EntityRef::new(id, range, role));
                }
            }
            s.anchors.extend(span.anchors.iter().map(named));
            if let Some(src) = span.property("src") {
                s.sources.push(source_ref(src));
            }
            if let Some(claim) = span.property("claim").or(span.property("fact")) {
                s.claim_refs.push(named(claim));
            }
            match span.kind() {
                Some(kind @ ("quote" | "claim")) => s.statements.push(Statement {
                    range: span.range.clone(),
                    kind: Name::from(kind),
                    text: span.text.as_str().into(),
                    by: span.property("by").map(|v| Name::from(v.value.as_str())),
                    via: span.property("via").map(|v| Name::from(v.value.as_str())),
                    src: span.property("src").map(|v| Name::from(v.value.as_str())),
                    claim: span.property("claim").map(named),
                    attributes_end: span.attributes.end,
                }),
                Some("date") => s.dates.push(DateUse {
                    range: span.range.clone(),
                    text: Name::from(span.text.as_str()),
                    when: span.property("when").map(named),
                    event: span
                        .property("event")
                        .or(span.property("fact"))
                        .map(|v| Name::from(v.value.as_str()))
                        .or_else(|| enclosing_claim(doc, span)),
                }),
                Some("qty") => s.quantities.push(Quantity {
                    range: span.range.clone(),
                    n: span.property("n").map(|v| Name::from(v.value.as_str())),
                    fact: span.property("fact").map(named),
                }),
                _ => {}
            }
        }
        // Kept for as long as the article is in the corpus: no spare room.
        Summary {
            id: Name::from(fm.and_then(|f| f.id()).unwrap_or(stem)),
            id_range: fm.and_then(|f| f.id.as_ref()).map(|i| i.range.clone()),
            title: fm
                .and_then(|f| f.title.as_ref())
                .map(|t| t.value.as_str().into()),
            published: doc.published(),
            refs: s.refs.into_boxed_slice(),
            anchors: s.anchors.into_boxed_slice(),
            sources: s.sources.into_boxed_slice(),
            derived_from: fm
                .map(|f| f.derived_from.iter().map(source_ref).collect())
                .unwrap_or_default(),
            claim_refs: s.claim_refs.into_boxed_slice(),
            statements: s.statements.into_boxed_slice(),
            dates: s.dates.into_boxed_slice(),
            quantities: s.quantities.into_boxed_slice(),
            allows: s.allows.into_boxed_slice(),
        }
    }
}

/// The lists of a [`Summary`] while [`Summary::of`] fills them (a summary
/// holds each as a boxed slice, 8 bytes smaller than a `Vec`: nine lists
/// per article, kept for as long as the article is in the corpus).
#[derive(Default)]
struct Parts {
    refs: Vec<EntityRef>,
    anchors: Vec<Spanned<Name>>,
    sources: Vec<SourceRef>,
    claim_refs: Vec<Spanned<Name>>,
    statements: Vec<Statement>,
    dates: Vec<DateUse>,
    quantities: Vec<Quantity>,
    allows: Vec<(TextRange, Name)>,
}
