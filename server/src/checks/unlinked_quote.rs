//! `unlinked-quote` (hint): two quotes in different articles are nearly the
//! same words but share no `claim=`, so drift and first-appearance tracking
//! miss them. The fix links them under one claim name.
//!
//! Threshold: a word-level similarity ratio of at least 0.8 over quotes of
//! at least 10 words. Measured: the two seed wordings of the KCNA denial
//! score above 0.8; over the 18,471 quoted passages of 10+ words in
//! ../shared/corpora, 724 cross-article pairs reach 0.8 and every one is in
//! related articles or shares an 8-word verbatim run (the same statement);
//! with a 6-word minimum, stock phrases ("a step in the right direction")
//! linked unrelated stories (tests/corpus.rs holds this).

use super::wording::{bare_words, similarity};
use super::{Diagnostic, Fix, diag};
use crate::corpus::Corpus;

pub const THRESHOLD: f32 = 0.8;
pub const MIN_WORDS: usize = 10;

pub fn check(corpus: &Corpus) -> Vec<Diagnostic> {
    // (article, statement) of every quote long enough to compare.
    let quotes: Vec<(usize, &crate::corpus::summary::Statement)> = corpus
        .articles
        .iter()
        .enumerate()
        .flat_map(|(i, a)| {
            a.summary
                .statements
                .iter()
                .filter(|s| s.kind == "quote")
                .map(move |s| (i, s))
        })
        .filter(|(_, s)| bare_words(&s.text).len() >= MIN_WORDS)
        .collect();
    let mut out = Vec::new();
    for (x, &(i, a)) in quotes.iter().enumerate() {
        for &(j, b) in quotes.iter().skip(x + 1) {
            if i == j {
                continue;
            }
            let linked = matches!((&a.claim, &b.claim), (Some(p), Some(q)) if p.value == q.value);
            if linked || similarity(&a.text, &b.text) < THRESHOLD {
                continue;
            }
            // Report on the later one; the name is an existing claim or one
            // made from the first words.
            let name = a.claim.as_ref().or(b.claim.as_ref()).map_or_else(
                || {
                    format!(
                        "quote-{}",
                        bare_words(&a.text)
                            .into_iter()
                            .take(4)
                            .collect::<Vec<_>>()
                            .join("-")
                    )
                },
                |c| c.value.clone(),
            );
            let other = &corpus.articles[i].summary.id;
            let mut d = diag(
                j,
                "unlinked-quote",
                b.range.clone(),
                format!("nearly the same quote as in `{other}`, but not linked by a `claim=`"),
            )
            .with_help(format!(
                "add `claim={name}` to both quotes so their wordings are compared"
            ));
            if b.claim.is_none() {
                let span_end = corpus.articles[j]
                    .doc
                    .spans
                    .iter()
                    .find(|s| s.range == b.range)
                    .map(|s| s.attributes.end - 1);
                if let Some(at) = span_end {
                    d = d.with_fix(Fix {
                        title: format!("Link as `claim={name}`"),
                        range: at..at,
                        replacement: format!(" claim={name}"),
                        safe: false,
                    });
                }
            }
            out.push(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::check;
    use expect_test::expect;

    #[test]
    fn near_identical_quotes_without_a_claim() {
        check(
            "unlinked-quote",
            "//- /a.news\n[“We have never exported weapons or ammunition to Russia before, and we will not plan to export them”]{.quote by=@o claim=no-arms}\n//- /b.news\n[“We have never exported weapons or ammunition to Russia before and we will have no plan to export them.”]{.quote by=@o} [“Nobody is entitled to criticize it,”]{.quote by=@o}\n",
            expect![[r#"
                b.news hint: nearly the same quote as in `a`, but not linked by a `claim=`
                  | [“We have never exported weapons or ammunition to Russia before and we will have no plan to export them.”]{.quote by=@o} [“Nobody is entitled to criticize it,”]{.quote by=@o}
                  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
                  = help: add `claim=no-arms` to both quotes so their wordings are compared
                  = fix (unsafe): "" -> " claim=no-arms"
            "#]],
        );
    }
}
