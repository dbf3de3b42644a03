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

/// Word 3-grams of a quote: two quotes that are nearly the same words share
/// many of them, so only pairs sharing at least two are compared (instead of
/// every pair, which is quadratic in the corpus).
fn shingles(words: &[String]) -> Vec<String> {
    let mut out: Vec<String> = words.windows(3).map(|w| w.join(" ")).collect();
    out.sort_unstable();
    out.dedup();
    out
}

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
    let mut by_shingle: std::collections::HashMap<String, Vec<usize>> =
        std::collections::HashMap::new();
    for (n, (_, s)) in quotes.iter().enumerate() {
        for sh in shingles(&bare_words(&s.text)) {
            by_shingle.entry(sh).or_default().push(n);
        }
    }
    let claim = |n: usize| quotes[n].1.claim.as_ref().map(|c| c.value.as_str());
    let mut shared: std::collections::HashMap<(usize, usize), u32> =
        std::collections::HashMap::new();
    for list in by_shingle.values() {
        for (x, &a) in list.iter().enumerate() {
            for &b in &list[x + 1..] {
                // Already linked, or in the same article: nothing to say.
                let linked = claim(a).is_some() && claim(a) == claim(b);
                if !linked && quotes[a].0 != quotes[b].0 {
                    *shared.entry((a, b)).or_default() += 1;
                }
            }
        }
    }
    let mut pairs: Vec<(usize, usize)> = shared
        .into_iter()
        .filter(|(_, n)| *n >= 2)
        .map(|(p, _)| p)
        .collect();
    pairs.sort_unstable();
    let mut out = Vec::new();
    for (x, y) in pairs {
        let ((i, a), (j, b)) = (quotes[x], quotes[y]);
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
