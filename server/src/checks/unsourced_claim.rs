//! `unsourced-claim`: a `.quote` or `.claim` that says neither who asserts it
//! (`by=`) nor where it was taken from (`src=`).

use super::{Diagnostic, diag};
use crate::corpus::Article;

pub fn check(index: usize, a: &Article) -> Vec<Diagnostic> {
    a.doc
        .spans
        .iter()
        .filter(|s| matches!(s.kind(), Some("quote" | "claim")))
        .filter(|s| s.property("by").is_none() && s.property("src").is_none())
        .map(|s| {
            let kind = s.kind().unwrap_or("claim");
            diag(
                index,
                "unsourced-claim",
                s.range.clone(),
                format!("this {kind} has no source: add `by=@speaker` or `src=source-id#anchor`"),
            )
            .with_help("attribute the statement to its speaker, e.g. `by=@prk-mnd-official`")
        })
        .collect()
}
