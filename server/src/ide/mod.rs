//! Editor features as pure functions over the corpus: plain types and byte
//! offsets, no LSP. One feature per file; `target_at` finds what the cursor
//! is on, which most features start from.

pub mod code_actions;
pub mod code_lens;
pub mod completion;
pub mod definition;
pub mod folding;
pub mod highlight;
pub mod hover;
pub mod inlay_hints;
pub mod references;
pub mod rename;
pub mod selection;
pub mod semantic_tokens;
pub mod symbols;

use crate::checks::FileRef;
use crate::corpus::{Corpus, RefRole};
use crate::syntax::TextRange;

/// A place in the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: FileRef,
    pub range: TextRange,
}

impl Location {
    /// Orders by file, then position.
    pub fn key(&self) -> (FileRef, usize, usize) {
        (self.file, self.range.start, self.range.end)
    }
}

/// What the cursor is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An entity id (`@id`, `by=@id`, `via=@id`, `outlet`, a mention's text,
    /// or its `[id]` header in the registry).
    Entity { id: String, range: TextRange },
    /// A source id (`src=id…`, `derived_from`, front matter `id`).
    Source { id: String, range: TextRange },
    /// An anchor in `src=id#anchor`, or an `#anchor` definition.
    Anchor {
        source: String,
        anchor: String,
        range: TextRange,
    },
    /// A `claim=` or `fact=` name, or a `[claims.name]` header.
    Claim { name: String, range: TextRange },
    /// A `.date` span (index into the document's spans).
    Date { span: usize, range: TextRange },
    /// A `.quote` / `.claim` span (index into the document's spans).
    Statement { span: usize, range: TextRange },
}

impl Target {
    pub fn range(&self) -> &TextRange {
        match self {
            Target::Entity { range, .. }
            | Target::Source { range, .. }
            | Target::Anchor { range, .. }
            | Target::Claim { range, .. }
            | Target::Date { range, .. }
            | Target::Statement { range, .. } => range,
        }
    }
}

fn contains(range: &TextRange, offset: usize) -> bool {
    range.start <= offset && offset <= range.end
}

/// What is at `offset` in `file`.
pub fn target_at(corpus: &Corpus, file: FileRef, offset: usize) -> Option<Target> {
    match file {
        FileRef::Article(i) => article_target(corpus, i, offset),
        FileRef::Registry(f) => {
            let e = corpus
                .registry
                .entities
                .values()
                .find(|e| e.file == f && contains(&e.range, offset));
            if let Some(e) = e {
                return Some(Target::Entity {
                    id: e.id.clone(),
                    range: e.range.clone(),
                });
            }
            corpus
                .registry
                .claims
                .values()
                .find(|c| c.file == f && contains(&c.range, offset))
                .map(|c| Target::Claim {
                    name: c.name.clone(),
                    range: c.range.clone(),
                })
        }
        FileRef::Config => None,
    }
}

fn article_target(corpus: &Corpus, i: usize, offset: usize) -> Option<Target> {
    let a = corpus.articles.get(i)?;
    let s = &a.summary;
    if let Some(r) = s.refs.iter().find(|r| contains(&r.range(), offset)) {
        return Some(Target::Entity {
            id: r.id.to_string(),
            range: r.range(),
        });
    }
    for r in s.sources.iter().chain(&s.derived_from) {
        if contains(&r.source.range, offset) {
            return Some(Target::Source {
                id: r.source.value.to_string(),
                range: r.source.range.clone(),
            });
        }
        if let Some(anchor) = &r.anchor
            && contains(&anchor.range, offset)
        {
            return Some(Target::Anchor {
                source: r.source.value.to_string(),
                anchor: anchor.value.to_string(),
                range: anchor.range.clone(),
            });
        }
    }
    if let Some(id) = &s.id_range
        && contains(id, offset)
    {
        return Some(Target::Source {
            id: s.id.to_string(),
            range: id.clone(),
        });
    }
    if let Some(anchor) = s.anchors.iter().find(|x| contains(&x.range, offset)) {
        return Some(Target::Anchor {
            source: s.id.to_string(),
            anchor: anchor.value.to_string(),
            range: anchor.range.clone(),
        });
    }
    if let Some(c) = s.claim_refs.iter().find(|c| contains(&c.range, offset)) {
        return Some(Target::Claim {
            name: c.value.to_string(),
            range: c.range.clone(),
        });
    }
    // Inside span text: the innermost span decides.
    let doc = a.doc();
    let (index, span) = doc
        .spans
        .iter()
        .enumerate()
        .rfind(|(_, sp)| sp.range.start <= offset && offset < sp.range.end)?;
    if let Some(e) = span.entities.first() {
        return Some(Target::Entity {
            id: e.value.clone(),
            range: span.content.clone(),
        });
    }
    match span.kind() {
        Some("date") => Some(Target::Date {
            span: index,
            range: span.range.clone(),
        }),
        Some("quote" | "claim") => Some(Target::Statement {
            span: index,
            range: span.range.clone(),
        }),
        _ => None,
    }
}

/// The display name of an article: its title, else its id.
pub fn article_label(corpus: &Corpus, i: usize) -> String {
    let s = &corpus.articles[i].summary;
    s.title
        .as_deref()
        .map_or_else(|| s.id.to_string(), str::to_string)
}

/// The outlets that carry claim (or fact) `name`: each once, however many
/// of its articles use it. What the claim's hover and code lens count.
pub fn claim_outlets(corpus: &Corpus, name: &str) -> std::collections::BTreeSet<String> {
    crate::corpus::places(corpus.index.claim_uses(name))
        .map(|i| corpus.articles[i].summary.outlet_id().to_string())
        .collect()
}

/// The outlet of article `i`, as the registry names it.
pub fn outlet_of(corpus: &Corpus, i: usize) -> Option<String> {
    let r = corpus.articles[i]
        .summary
        .refs
        .iter()
        .find(|r| r.role == RefRole::Outlet)?;
    Some(
        corpus
            .registry
            .entities
            .get(r.id.as_str())
            .map_or_else(|| r.id.to_string(), |e| e.display_name().to_string()),
    )
}

#[cfg(test)]
pub(crate) mod test_support;
