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
use crate::corpus::{Article, Corpus, Index, Summary};

pub const THRESHOLD: f32 = 0.8;
pub const MIN_WORDS: usize = 10;

/// Word 3-grams of a quote, hashed: two quotes that are nearly the same
/// words share many of them, so only pairs sharing at least two are compared
/// (instead of every pair, which is quadratic in the corpus). A hash
/// collision only adds a candidate, which the similarity test then rejects.
fn shingles(words: &[String]) -> Vec<u64> {
    let mut out: Vec<u64> = words.windows(3).map(hash).collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn hash(x: impl std::hash::Hash) -> u64 {
    use std::hash::Hasher;
    let mut h = std::hash::DefaultHasher::new();
    x.hash(&mut h);
    h.finish()
}

/// A quote's `claim=` as a number for the shingle index: 0 for none.
fn claim_tag(st: &Statement) -> u64 {
    st.claim.as_ref().map_or(0, |c| hash(&c.value) | 1)
}

/// The quotes of an article long enough to compare.
fn long_quotes(s: &Summary) -> impl Iterator<Item = (usize, &Statement)> {
    s.statements
        .iter()
        .enumerate()
        .filter(|(_, st)| st.kind == "quote" && bare_words(&st.text).len() >= MIN_WORDS)
}

/// `(shingle, statement, claim tag)` for every long quote of an article
/// (what the corpus index keeps: the tag lets a lookup skip the quotes
/// already linked to the same claim without reading them).
pub fn quote_shingles(s: &Summary) -> Vec<(u64, usize, u64)> {
    long_quotes(s)
        .flat_map(|(n, st)| {
            let tag = claim_tag(st);
            shingles(&bare_words(&st.text))
                .into_iter()
                .map(move |h| (h, n, tag))
        })
        .collect()
}

/// Two quotes already linked by the same `claim=`.
fn linked(a: &Statement, b: &Statement) -> bool {
    matches!((&a.claim, &b.claim), (Some(p), Some(q)) if p.value == q.value)
}

/// The quotes of other articles before article `upto` that share at least
/// two shingles with quote `st` of article `i` and are not linked to it,
/// `(article, statement)` ascending.
fn candidates(
    articles: &[Article],
    index: &Index,
    i: usize,
    st: &Statement,
    upto: usize,
) -> Vec<(usize, usize)> {
    // Counted millions of times on a large corpus: the fast hash.
    let mut shared: HashMap<(usize, usize), u32, rustc_hash::FxBuildHasher> = HashMap::default();
    let tag = claim_tag(st);
    for h in shingles(&bare_words(&st.text)) {
        // Each list is ascending by article: stop at `upto`.
        let list = index.shingles.get(&h).map_or(&[][..], Vec::as_slice);
        for &(j, m, t) in list.iter().take_while(|e| e.0 < upto) {
            if j != i && (tag == 0 || t != tag) {
                *shared.entry((j, m)).or_default() += 1;
            }
        }
    }
    shared.retain(|&(j, m), n| {
        *n >= 2
            && articles
                .get(j)
                .and_then(|a| a.summary.statements.get(m))
                .is_some_and(|other| !linked(st, other))
    });
    let mut out: Vec<(usize, usize)> = shared.into_keys().collect();
    out.sort_unstable();
    out
}

/// The later articles whose `unlinked-quote` findings may pair with quotes
/// of article `i` as summarised by `s` (to recompute after `i` changes).
pub fn partners(articles: &[Article], index: &Index, i: usize, s: &Summary) -> Vec<usize> {
    let mut out: Vec<usize> = long_quotes(s)
        .flat_map(|(_, st)| candidates(articles, index, i, st, usize::MAX))
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
        for (i, m) in candidates(&corpus.articles, &corpus.index, j, b, j) {
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
        if linked(a, b) || similarity(&a.text, &b.text) < THRESHOLD {
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
            // Just before the `}` of the quote's attributes.
            if let Some(at) = b.attributes_end.checked_sub(1) {
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
