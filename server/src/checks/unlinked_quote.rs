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

use std::collections::HashMap;

use super::wording::{bare_words, similarity};
use super::{Diagnostic, Fix, diag};
use crate::corpus::summary::Statement;
use crate::corpus::{Corpus, Index, Summary};

pub const THRESHOLD: f32 = 0.8;
pub const MIN_WORDS: usize = 10;

/// Word 3-grams of a quote, hashed: two quotes that are nearly the same
/// words share many of them, so only pairs sharing at least two are compared
/// (instead of every pair, which is quadratic in the corpus). A hash
/// collision only adds a candidate, which the similarity test then rejects.
fn shingles(words: &[String]) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    let mut out: Vec<u64> = words
        .windows(3)
        .map(|w| {
            let mut h = std::hash::DefaultHasher::new();
            w.hash(&mut h);
            h.finish()
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The quotes of an article long enough to compare.
fn long_quotes(s: &Summary) -> impl Iterator<Item = (usize, &Statement)> {
    s.statements
        .iter()
        .enumerate()
        .filter(|(_, st)| st.kind == "quote" && bare_words(&st.text).len() >= MIN_WORDS)
}

/// `(statement, shingle)` for every long quote of an article (what the
/// corpus index keeps).
pub fn quote_shingles(s: &Summary) -> Vec<(usize, u64)> {
    long_quotes(s)
        .flat_map(|(n, st)| {
            shingles(&bare_words(&st.text))
                .into_iter()
                .map(move |h| (n, h))
        })
        .collect()
}

/// The quotes of other articles that share at least two shingles with
/// quote `n` of article `i`, `(article, statement)` ascending.
fn candidates(index: &Index, i: usize, st: &Statement) -> Vec<(usize, usize)> {
    let mut shared: HashMap<(usize, usize), u32> = HashMap::new();
    for h in shingles(&bare_words(&st.text)) {
        for &(j, m) in index.shingles.get(&h).into_iter().flatten() {
            if j != i {
                *shared.entry((j, m)).or_default() += 1;
            }
        }
    }
    let mut out: Vec<(usize, usize)> = shared
        .into_iter()
        .filter(|(_, n)| *n >= 2)
        .map(|(p, _)| p)
        .collect();
    out.sort_unstable();
    out
}

/// The later articles whose `unlinked-quote` findings may pair with quotes
/// of article `i` as summarised by `s` (to recompute after `i` changes).
pub fn partners(index: &Index, i: usize, s: &Summary) -> Vec<usize> {
    let mut out: Vec<usize> = long_quotes(s)
        .flat_map(|(_, st)| candidates(index, i, st))
        .map(|(j, _)| j)
        .filter(|&j| j > i)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The `unlinked-quote` findings located in article `j`: its quotes nearly
/// identical to a quote of an earlier article, with no shared `claim=`.
pub fn check_article(corpus: &Corpus, j: usize) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(later) = corpus.articles.get(j) else {
        return out;
    };
    for (_, b) in long_quotes(&later.summary) {
        for (i, m) in candidates(&corpus.index, j, b) {
            if i >= j {
                continue;
            }
            let Some(a) = corpus.articles[i].summary.statements.get(m) else {
                continue;
            };
            out.extend(finding(corpus, (i, a), (j, b)));
        }
    }
    out
}

/// The finding for quote `a` (in article `i`) and the later quote `b` (in
/// article `j`), if they are near-identical and not linked.
fn finding(
    corpus: &Corpus,
    (i, a): (usize, &Statement),
    (j, b): (usize, &Statement),
) -> Option<Diagnostic> {
    {
        let linked = matches!((&a.claim, &b.claim), (Some(p), Some(q)) if p.value == q.value);
        if linked || similarity(&a.text, &b.text) < THRESHOLD {
            return None;
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
        Some(d)
    }
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
