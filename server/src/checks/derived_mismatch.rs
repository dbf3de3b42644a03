//! `derived-mismatch`: an article declares `derived_from` (it reprints or
//! rewrites another) but a quote in it differs from the same quote in its
//! source: the same `claim=` with other words, or a near-identical quote.

use super::wording::{diff, normalise, render, similarity};
use super::{Diagnostic, diag};
use crate::corpus::Corpus;
use crate::corpus::places;

/// Quotes at least this similar (word-level ratio) are taken to be the same
/// quote when no `claim=` links them.
const SAME_QUOTE: f32 = 0.8;

/// Articles derived from the source `id` that quote it differently.
pub fn check_source(corpus: &Corpus, id: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for i in places(
        corpus
            .index
            .group(&crate::checks::cross::Key::Source(id.into())),
    ) {
        let a = &corpus.articles[i];
        for src in a
            .summary
            .derived_from
            .iter()
            .filter(|s| s.source.value == id)
        {
            let Some(sources) = corpus.index.sources.get(&src.source.value) else {
                continue;
            };
            for st in a.summary.statements.iter().filter(|s| s.kind == "quote") {
                let mine = normalise(&st.text);
                let theirs = places(sources).flat_map(|j| {
                    corpus.articles[j]
                        .summary
                        .statements
                        .iter()
                        .filter(|s| s.kind == "quote")
                });
                let matched = theirs
                    .filter(|t| match (&t.claim, &st.claim) {
                        (Some(a), Some(b)) => a.value == b.value,
                        _ => similarity(&t.text, &st.text) >= SAME_QUOTE,
                    })
                    .find(|t| {
                        normalise(&t.text) != mine
                            && !super::wording::punctuation_only(&t.text, &st.text)
                    });
                if let Some(t) = matched {
                    out.push(
                        diag(
                            i,
                            "derived-mismatch",
                            st.range.clone(),
                            format!("this article is derived from `{}` but quotes it differently: {}", src.source.value, render(&diff(&t.text, &st.text))),
                        )
                        .with_help("a reprint should quote its source word for word; check which wording is right"),
                    );
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::check;
    use expect_test::expect;

    #[test]
    fn reprint_that_changes_a_quote() {
        check(
            "derived-mismatch",
            "//- /ap.news\n+++\nid = \"ap\"\n+++\n[“we will not plan to export them”]{.quote by=@o} [“keep its mouth shut”]{.quote by=@o claim=shut}\n//- /reprint.news\n+++\nderived_from = \"ap\"\n+++\n[“we will have no plan to export them”]{.quote by=@o} [“keep your mouth shut”]{.quote by=@o claim=shut} [“unrelated words entirely here”]{.quote by=@o}\n",
            expect![[r#"
                reprint.news warning: this article is derived from `ap` but quotes it differently: we will [-not-] {+have no+} plan to export them
                  | [“we will have no plan to export them”]{.quote by=@o} [“keep your mouth shut”]{.quote by=@o claim=shut} [“unrelated words entirely here”]{.quote by=@o}
                  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
                  = help: a reprint should quote its source word for word; check which wording is right
                reprint.news warning: this article is derived from `ap` but quotes it differently: keep [-its-] {+your+} mouth shut
                  | [“we will have no plan to export them”]{.quote by=@o} [“keep your mouth shut”]{.quote by=@o claim=shut} [“unrelated words entirely here”]{.quote by=@o}
                  |                                                       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
                  = help: a reprint should quote its source word for word; check which wording is right
            "#]],
        );
    }
}
