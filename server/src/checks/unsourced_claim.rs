//! `unsourced-claim`: a `.quote` or `.claim` that says neither who asserts it
//! (`by=`) nor where it was taken from (`src=`).

use super::{Diagnostic, diag};
use crate::corpus::Article;

pub fn check(index: usize, a: &Article) -> Vec<Diagnostic> {
    a.doc()
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

#[cfg(test)]
mod tests {
    use crate::checks::test_support::check;
    use expect_test::expect;

    #[test]
    fn quote_without_speaker() {
        check(
            "unsourced-claim",
            "[“Nobody is entitled to criticize it,”]{.quote} the official said.\n",
            expect![[r#"
            a.news warning: this quote has no source: add `by=@speaker` or `src=source-id#anchor`
              | [“Nobody is entitled to criticize it,”]{.quote} the official said.
              | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
              = help: attribute the statement to its speaker, e.g. `by=@prk-mnd-official`
        "#]],
        );
    }

    #[test]
    fn by_or_src_sources_it() {
        check(
            "unsourced-claim",
            "[“a”]{.quote by=@x} [b]{.claim src=other#q} [c]{@x}\n",
            expect![[r#""#]],
        );
    }

    #[test]
    fn silenced_with_allow() {
        check(
            "unsourced-claim",
            "[“a”]{.quote allow=unsourced-claim}\n",
            expect![[r#""#]],
        );
    }
}
