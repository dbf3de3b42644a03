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

use super::wording::{bare_words, push_bare, similar_enough};
use super::{Diagnostic, FileEdit, FileRef, Fix, diag};
use crate::corpus::summary::Statement;
use crate::corpus::{Article, Corpus, Index, Summary};

pub const THRESHOLD: f32 = 0.8;
pub const MIN_WORDS: usize = 10;

/// Word 3-grams of a quote, hashed: two quotes that are nearly the same
/// words share many of them, so only pairs sharing at least two are compared
/// (instead of every pair, which is quadratic in the corpus). A hash
/// collision only adds a candidate, which the similarity test then rejects.
///
/// The words are those of [`bare_words`], hashed as they are made in one
/// reused buffer (xxh3) rather than allocated one by one and hashed with
/// SipHash: this runs for every long quote when the index is built. It is
/// still a quarter of a warm start at 100k (docs/performance.md).
///
/// Kept as 32 bits: the index holds one entry per 3-gram of every long
/// quote, and a collision (two 3-grams with one number) costs no finding,
/// only a candidate the similarity test looks at.
fn shingles(text: &str) -> Vec<u32> {
    use xxhash_rust::xxh3::xxh3_64;
    let mut word = String::with_capacity(32);
    // Sized once (a word is at least two bytes with its space): grown
    // from nothing, these lists were a realloc every few words.
    let mut words: Vec<u64> = Vec::with_capacity(text.len() / 2 + 1);
    words.extend(text.split_whitespace().filter_map(|w| {
        word.clear();
        push_bare(w, &mut word);
        (!word.is_empty()).then(|| xxh3_64(word.as_bytes()))
    }));
    let mut out: Vec<u32> = words
        .windows(3)
        .map(|w| {
            let mut bytes = [0u8; 24];
            for (k, h) in w.iter().enumerate() {
                bytes[k * 8..k * 8 + 8].copy_from_slice(&h.to_le_bytes());
            }
            // The low half of the hash (see above).
            xxh3_64(&bytes) as u32
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
        .filter(|(_, st)| st.kind == "quote" && word_count(&st.text) >= MIN_WORDS)
}

/// `bare_words(text).len()`, without building the words.
fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// `(shingle, statement)` for every long quote of an article: what the
/// corpus index keeps (with the quote's claim as a number, see
/// [`crate::corpus::Shingles`]).
pub fn quote_shingles(s: &Summary) -> Vec<(u32, usize)> {
    long_quotes(s)
        .flat_map(|(n, st)| shingles(&st.text).into_iter().map(move |h| (h, n)))
        .collect()
}

/// Whether statement `m` of article `i` exists and is not linked to `st`.
fn unlinked_to(articles: &[Article], st: &Statement, (i, m): (usize, usize)) -> bool {
    articles
        .get(i)
        .and_then(|a| a.summary.statements.get(m))
        .is_some_and(|other| !linked(st, other))
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
    // Every quote sharing a 3-gram, once per 3-gram it shares (a quote's
    // 3-grams are distinct), sorted so that each quote's count is the
    // length of its run: cheaper than counting in a hash map, for the tens
    // of hits a quote has.
    let tag = index.shingles.claim_tag(st);
    let mut hits: Vec<(usize, usize)> = Vec::new();
    for h in shingles(&st.text) {
        hits.extend(
            index
                .shingles
                .lookup(h, upto, tag)
                .filter(|&(j, _, _)| j != i)
                .map(|(j, m, _)| (j, m)),
        );
    }
    hits.sort_unstable();
    hits.chunk_by(|a, b| a == b)
        .filter(|run| run.len() >= 2)
        .map(|run| run[0])
        .filter(|&other| unlinked_to(articles, st, other))
        .collect()
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

/// The candidate pairs of every quote of the corpus at once
/// ([`crate::corpus::Shingles::pairs`]), for a refresh of every article's
/// findings.
pub struct Pairs(Vec<[u32; 4]>);

impl Pairs {
    pub fn of(corpus: &Corpus) -> Option<Pairs> {
        corpus.index.shingles.pairs(&corpus.articles).map(Pairs)
    }

    /// The earlier quotes `(article, statement)` paired with statement `m`
    /// of article `j`, ascending.
    fn of_quote(&self, j: usize, m: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let key = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let (j, m) = (key(j), key(m));
        let from = self.0.partition_point(|p| (p[0], p[1]) < (j, m));
        self.0[from..]
            .iter()
            .take_while(move |p| (p[0], p[1]) == (j, m))
            .map(|p| (p[2] as usize, p[3] as usize))
    }
}

/// The `unlinked-quote` findings located in article `j`: its quotes nearly
/// identical to a quote of an earlier article, with no shared `claim=`.
/// `pairs`, when given, holds every quote's candidates.
pub fn check_article(corpus: &Corpus, j: usize, pairs: Option<&Pairs>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(later) = corpus.articles.get(j) else {
        return out;
    };
    for (m, b) in long_quotes(&later.summary) {
        let found: Vec<(usize, usize)> = match pairs {
            Some(pairs) => pairs
                .of_quote(j, m)
                .filter(|&other| unlinked_to(&corpus.articles, b, other))
                .collect(),
            None => candidates(&corpus.articles, &corpus.index, j, b, j),
        };
        if found.is_empty() {
            continue;
        }
        // Worked out once per quote, not once per candidate.
        let words = bare_words(&b.text);
        for (i, m) in found {
            let Some(a) = corpus.articles[i].summary.statements.get(m) else {
                continue;
            };
            out.extend(finding(corpus, (i, a), (j, b), &words));
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
    b_words: &[String],
) -> Option<Diagnostic> {
    if linked(a, b) {
        return None;
    }
    let a_words = bare_words(&a.text);
    if !similar_enough(&a_words, b_words, THRESHOLD) {
        return None;
    }
    // Report on the later one; the name is an existing claim or one made
    // from the first words.
    let name = a.claim.as_ref().or(b.claim.as_ref()).map_or_else(
        || format!("quote-{}", a_words[..a_words.len().min(4)].join("-")),
        |c| c.value.to_string(),
    );
    let other = &corpus.articles[i].summary.id;
    let help = match (&a.claim, &b.claim) {
        (None, None) => format!("add `claim={name}` to both quotes so their wordings are compared"),
        (Some(_), None) => {
            format!("add `claim={name}` to this quote too, so their wordings are compared")
        }
        (None, Some(_)) => format!(
            "add `claim={name}` to the quote in `{other}` too, so their wordings are compared"
        ),
        (Some(_), Some(_)) => {
            "give both quotes the same `claim=` so their wordings are compared".to_string()
        }
    };
    let d = diag(
        j,
        "unlinked-quote",
        b.range.clone(),
        format!("nearly the same quote as in `{other}`, but not linked by a `claim=`"),
    )
    .with_help(help);
    match link(i, a, b, &name) {
        Some(fix) => Some(d.with_fix(fix)),
        None => Some(d),
    }
}

/// The one fix that links quote `a` (in article `i`) and the later quote `b`
/// (whose article has the finding) under `claim=name`: the quote without a
/// claim gets it, or both do when neither has one. None when both already
/// have (different) claims: which one is right is the analyst's call.
///
/// Not safe, though it adds attributes only: whether two similar quotes are
/// the same statement is a judgement, and `--fix` applies every safe fix at
/// once, so three near-identical quotes (three pairs) would give one quote
/// the attribute twice.
fn link(i: usize, a: &Statement, b: &Statement, name: &str) -> Option<Fix> {
    // Just before the `}` of a quote's attributes.
    let at = |st: &Statement| st.attributes_end.checked_sub(1);
    let attribute = format!(" claim={name}");
    let (here, there) = match (&a.claim, &b.claim) {
        (Some(_), Some(_)) => return None,
        (Some(_), None) => (Some(at(b)?), None),
        (None, Some(_)) => (None, Some(at(a)?)),
        (None, None) => (Some(at(b)?), Some(at(a)?)),
    };
    // With nothing to change in `b`'s own file, its edit is empty.
    let (range, replacement) = match here {
        Some(at) => (at..at, attribute.clone()),
        None => (at(b)?..at(b)?, String::new()),
    };
    Some(Fix {
        title: format!("Link these quotes under `claim={name}`"),
        range,
        replacement,
        safe: false,
        elsewhere: there.map(|at| FileEdit {
            file: FileRef::Article(i),
            range: at..at,
            replacement: attribute,
        }),
    })
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::check;
    use expect_test::expect;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The one-pass candidates ([`super::Pairs`]) of every long quote
        /// are those its look-up in the index gives: quotes of a few
        /// words from a small vocabulary share 3-grams by chance, some
        /// one, some two, some many, with and without claims, some in the
        /// same article, and articles without quotes between them.
        #[test]
        fn the_one_pass_candidates_are_the_look_ups(
            articles in proptest::collection::vec(
                proptest::collection::vec(
                    (proptest::collection::vec(0usize..6, 10..14), proptest::option::of(0u8..3)),
                    0..4,
                ),
                1..12,
            )
        ) {
            use std::path::PathBuf;
            const WORDS: [&str; 6] = ["we", "will", "not", "export", "arms", "now"];
            let root = PathBuf::from("/corpus");
            let files: Vec<(PathBuf, String)> = articles
                .iter()
                .enumerate()
                .map(|(i, quotes)| {
                    let mut text = String::from("Some words [not a quote]{.claim by=@o}.\n");
                    for (words, claim) in quotes {
                        let words: Vec<&str> = words.iter().map(|&w| WORDS[w]).collect();
                        let claim = claim.map(|c| format!(" claim=c{c}")).unwrap_or_default();
                        text.push_str(&format!("[“{}”]{{.quote by=@o{claim}}}\n", words.join(" ")));
                    }
                    (root.join(format!("a{i:02}.news")), text)
                })
                .collect();
            let corpus = crate::corpus::Corpus::from_files(&root, files);
            let pairs = super::Pairs::of(&corpus).expect("a fresh index");
            for (j, a) in corpus.articles.iter().enumerate() {
                for (m, b) in super::long_quotes(&a.summary) {
                    let one_pass: Vec<(usize, usize)> = pairs
                        .of_quote(j, m)
                        .filter(|&other| super::unlinked_to(&corpus.articles, b, other))
                        .collect();
                    let looked_up = super::candidates(&corpus.articles, &corpus.index, j, b, j);
                    prop_assert_eq!(&one_pass, &looked_up, "article {} statement {}", j, m);
                }
            }
        }
    }

    #[test]
    fn near_identical_quotes_without_a_claim() {
        check(
            "unlinked-quote",
            "//- /a.news\n[“We have never exported weapons or ammunition to Russia before, and we will not plan to export them”]{.quote by=@o claim=no-arms}\n//- /b.news\n[“We have never exported weapons or ammunition to Russia before and we will have no plan to export them.”]{.quote by=@o} [“Nobody is entitled to criticize it,”]{.quote by=@o}\n",
            expect![[r#"
                b.news hint: nearly the same quote as in `a`, but not linked by a `claim=`
                  | [“We have never exported weapons or ammunition to Russia before and we will have no plan to export them.”]{.quote by=@o} [“Nobody is entitled to criticize it,”]{.quote by=@o}
                  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
                  = help: add `claim=no-arms` to this quote too, so their wordings are compared
                  = fix (unsafe): "" -> " claim=no-arms"
            "#]],
        );
    }

    #[test]
    fn neither_quote_has_a_claim_both_get_the_same_name() {
        check(
            "unlinked-quote",
            "//- /a.news\n[“We have never exported weapons or ammunition to Russia before, and we will not plan to export them”]{.quote by=@o}\n//- /b.news\n[“We have never exported weapons or ammunition to Russia before and we will have no plan to export them.”]{.quote by=@o}\n",
            expect![[r#"
                b.news hint: nearly the same quote as in `a`, but not linked by a `claim=`
                  | [“We have never exported weapons or ammunition to Russia before and we will have no plan to export them.”]{.quote by=@o}
                  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
                  = help: add `claim=quote-we-have-never-exported` to both quotes so their wordings are compared
                  = fix (unsafe): "" -> " claim=quote-we-have-never-exported"
                  = fix (unsafe) in a.news: "" -> " claim=quote-we-have-never-exported"
            "#]],
        );
    }

    #[test]
    fn only_the_later_quote_has_a_claim_the_earlier_gets_it() {
        check(
            "unlinked-quote",
            "//- /a.news\n[“We have never exported weapons or ammunition to Russia before, and we will not plan to export them”]{.quote by=@o}\n//- /b.news\n[“We have never exported weapons or ammunition to Russia before and we will have no plan to export them.”]{.quote by=@o claim=no-arms}\n",
            expect![[r#"
                b.news hint: nearly the same quote as in `a`, but not linked by a `claim=`
                  | [“We have never exported weapons or ammunition to Russia before and we will have no plan to export them.”]{.quote by=@o claim=no-arms}
                  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
                  = help: add `claim=no-arms` to the quote in `a` too, so their wordings are compared
                  = fix (unsafe) in a.news: "" -> " claim=no-arms"
            "#]],
        );
    }

    #[test]
    fn two_different_claims_get_no_fix() {
        check(
            "unlinked-quote",
            "//- /a.news\n[“We have never exported weapons or ammunition to Russia before, and we will not plan to export them”]{.quote by=@o claim=denial}\n//- /b.news\n[“We have never exported weapons or ammunition to Russia before and we will have no plan to export them.”]{.quote by=@o claim=no-arms}\n",
            expect![[r#"
                b.news hint: nearly the same quote as in `a`, but not linked by a `claim=`
                  | [“We have never exported weapons or ammunition to Russia before and we will have no plan to export them.”]{.quote by=@o claim=no-arms}
                  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
                  = help: give both quotes the same `claim=` so their wordings are compared
            "#]],
        );
    }
}
