//! `unknown-source`: `src=` or `derived_from` names a source id that no
//! article in the corpus declares.

use super::{Diagnostic, diag};
use crate::corpus::Corpus;

pub fn check(corpus: &Corpus) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, a) in corpus.articles.iter().enumerate() {
        for r in a.summary.sources.iter().chain(&a.summary.derived_from) {
            let id = &r.source.value;
            if id.is_empty() || corpus.index.sources.contains_key(id) {
                continue;
            }
            let help = match super::unknown_entity::suggest(id, corpus.index.sources.keys()) {
                Some(s) => format!("did you mean `{s}`? a source id is an article's front matter `id` (or its file name)"),
                None => "a source id is an article's front matter `id` (or its file name); add that article to the corpus".into(),
            };
            out.push(
                diag(
                    i,
                    "unknown-source",
                    r.source.range.clone(),
                    format!("unknown source `{id}`"),
                )
                .with_help(help),
            );
        }
    }
    out
}
