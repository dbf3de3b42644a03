//! `quote-drift`: two outlets quote the same `claim=` with different words.
//! The later wording is compared with the first appearance, word by word;
//! a difference of punctuation only is `info`, changed, dropped or added
//! words are a `warning`.

use super::wording::{DiffPart, Words, normalise, render};
use super::{Diagnostic, Severity, diag};
use crate::corpus::Corpus;
use crate::syntax::TextRange;

/// One wording of a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    pub article: usize,
    pub range: TextRange,
    pub text: String,
}

/// A later wording that differs from the claim's first appearance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    pub claim: String,
    pub first: Wording,
    pub other: Wording,
    pub diff: Vec<DiffPart>,
    pub punctuation_only: bool,
}

/// Every `.quote` carrying `claim`, earliest publication first.
pub fn wordings(corpus: &Corpus, claim: &str) -> Vec<Wording> {
    let mut out: Vec<(Option<jiff::civil::Date>, Wording)> = Vec::new();
    for &i in corpus.index.claim_uses(claim) {
        let s = &corpus.articles[i].summary;
        for st in s
            .statements
            .iter()
            .filter(|st| st.kind == "quote" && st.claim.as_ref().is_some_and(|c| c.value == claim))
        {
            out.push((
                s.published,
                Wording {
                    article: i,
                    range: st.range.clone(),
                    text: st.text.clone(),
                },
            ));
        }
    }
    out.sort_by_key(|(d, w)| (d.is_none(), *d, w.article, w.range.start));
    out.into_iter().map(|(_, w)| w).collect()
}

/// The drifts of every claim: each wording in another article than the
/// first appearance that does not match it.
pub fn drifts(corpus: &Corpus) -> Vec<Drift> {
    let mut claims: Vec<&String> = corpus.index.claim_names().collect();
    claims.sort();
    claims
        .into_iter()
        .flat_map(|claim| drifts_of(corpus, claim))
        .collect()
}

/// The drifts of one claim.
pub fn drifts_of(corpus: &Corpus, claim: &str) -> Vec<Drift> {
    let mut out = Vec::new();
    let ws = wordings(corpus, claim);
    let Some(first) = ws.first() else {
        return out;
    };
    // Compared with every other wording: split once.
    let first_words = Words::of(&first.text);
    for other in ws.iter().skip(1).filter(|w| w.article != first.article) {
        let words = Words::of(&other.text);
        if first_words.same_text(&words) {
            continue;
        }
        out.push(Drift {
            claim: claim.to_string(),
            first: first.clone(),
            other: other.clone(),
            diff: first_words.diff(&words),
            punctuation_only: first_words.same_words(&words),
        });
    }
    out
}

/// The article where `claim` first appears (earliest publication date, any
/// statement kind).
pub fn first_appearance(corpus: &Corpus, claim: &str) -> Option<usize> {
    corpus
        .index
        .claim_uses(claim)
        .iter()
        .copied()
        .min_by_key(|&i| {
            let p = corpus.articles[i].summary.published;
            (p.is_none(), p, i)
        })
}

/// The outlet name (or source id) and date of an article, for messages.
pub fn provenance(corpus: &Corpus, i: usize) -> String {
    let outlet =
        crate::ide::outlet_of(corpus, i).unwrap_or_else(|| corpus.articles[i].summary.id.clone());
    match corpus.articles[i].summary.published {
        Some(d) => format!("{outlet}, {d}"),
        None => outlet,
    }
}

/// The `quote-drift` findings of one claim.
pub fn check_claim(corpus: &Corpus, claim: &str) -> Vec<Diagnostic> {
    drifts_of(corpus, claim)
        .into_iter()
        .map(|d| {
            let from = provenance(corpus, d.first.article);
            let (message, severity) = if d.punctuation_only {
                (
                    format!(
                        "quote of `{}` differs from {from} in punctuation only",
                        d.claim
                    ),
                    Severity::Info,
                )
            } else {
                (
                    format!(
                        "quote of `{}` drifts from {from}: {}",
                        d.claim,
                        render(&d.diff)
                    ),
                    Severity::Warning,
                )
            };
            diag(
                d.other.article,
                "quote-drift",
                d.other.range.clone(),
                message,
            )
            .with_severity(severity)
            .with_help(format!(
                "first appearance ({from}): “{}”; check both against the original statement",
                normalise(&d.first.text)
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::check;
    use expect_test::expect;

    #[test]
    fn words_changed_between_outlets() {
        check(
            "quote-drift",
            "//- /manila.news\n+++\noutlet = \"@manila\"\npublished = 2022-09-22\n+++\n[we will not plan to export them]{.quote by=@o claim=no-arms}\n//- /bbc.news\n+++\noutlet = \"@bbc\"\npublished = 2022-09-23\n+++\n[“we will have no plan to export them.”]{.quote by=@o claim=no-arms}\n//- /entities.toml\n[manila]\nname = \"The Manila Times\"\n[bbc]\nname = \"BBC\"\n[o]\n",
            expect![[r#"
                bbc.news warning: quote of `no-arms` drifts from The Manila Times, 2022-09-22: we will [-not-] {+have no+} plan to export them.
                  | [“we will have no plan to export them.”]{.quote by=@o claim=no-arms}
                  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
                  = help: first appearance (The Manila Times, 2022-09-22): “we will not plan to export them”; check both against the original statement
            "#]],
        );
    }

    #[test]
    fn punctuation_only_is_info_and_same_words_are_quiet() {
        check(
            "quote-drift",
            "//- /a.news\n+++\npublished = 2022-09-22\n+++\n[“keep its mouth shut,”]{.quote by=@o claim=shut} [lawful right]{.quote by=@o claim=right}\n//- /b.news\n+++\npublished = 2022-09-23\n+++\n[keep its mouth shut.]{.quote by=@o claim=shut} [“lawful right”]{.quote by=@o claim=right} [a lawful right to it]{.claim by=@o claim=right}\n",
            expect![[r#"
                b.news info: quote of `shut` differs from a, 2022-09-22 in punctuation only
                  | [keep its mouth shut.]{.quote by=@o claim=shut} [“lawful right”]{.quote by=@o claim=right} [a lawful right to it]{.claim by=@o claim=right}
                  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
                  = help: first appearance (a, 2022-09-22): “keep its mouth shut,”; check both against the original statement
            "#]],
        );
    }
}
