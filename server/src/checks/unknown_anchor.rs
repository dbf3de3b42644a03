//! `unknown-anchor`: `src=source-id#anchor` points into an article that has no
//! span with that `#anchor`.

use super::{Diagnostic, diag};
use crate::corpus::Corpus;
use crate::corpus::places;

/// References into the source `id` whose anchor it does not have.
pub fn check_source(corpus: &Corpus, id: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for i in places(
        corpus
            .index
            .group(&crate::checks::cross::Key::Source(id.into())),
    ) {
        let a = &corpus.articles[i];
        for r in a.summary.sources.iter().chain(&a.summary.derived_from) {
            if r.source.value != id {
                continue;
            }
            let Some(anchor) = &r.anchor else { continue };
            let Some(targets) = corpus.index.sources.get(&r.source.value) else {
                continue;
            };
            let found = places(targets).any(|t| {
                corpus.articles[t]
                    .summary
                    .anchors
                    .iter()
                    .any(|x| x.value == anchor.value)
            });
            if !found {
                let mut names: Vec<String> = places(targets)
                    .flat_map(|t| {
                        corpus.articles[t]
                            .summary
                            .anchors
                            .iter()
                            .map(|x| format!("#{}", x.value))
                    })
                    .collect();
                names.sort();
                names.dedup();
                let help = if names.is_empty() {
                    format!(
                        "`{}` has no anchors; add `#{}` to the span you mean there",
                        r.source.value, anchor.value
                    )
                } else {
                    format!("anchors in `{}`: {}", r.source.value, names.join(", "))
                };
                out.push(
                    diag(
                        i,
                        "unknown-anchor",
                        anchor.range.clone(),
                        format!("`{}` has no anchor `#{}`", r.source.value, anchor.value),
                    )
                    .with_help(help),
                );
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
    fn anchor_must_exist_in_the_cited_article() {
        check(
            "unknown-anchor",
            r#"//- /ap.news
[“We make it clear”]{.quote #denial by=@x}
//- /b.news
[“We make it clear”]{.quote src=ap#denial} [“x”]{.quote src=ap#denail}
"#,
            expect![[r#"
                b.news error: `ap` has no anchor `#denail`
                  | [“We make it clear”]{.quote src=ap#denial} [“x”]{.quote src=ap#denail}
                  |                                                                ^^^^^^
                  = help: anchors in `ap`: #denial
            "#]],
        );
    }
}
