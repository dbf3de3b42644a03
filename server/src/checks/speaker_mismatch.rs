//! `speaker-mismatch`: the same claim credited to different speakers
//! (`by=`) in different articles.

use super::quote_drift::{earliest, provenance, statements_of};
use super::{Diagnostic, diag};
use crate::corpus::Corpus;
use crate::corpus::summary::{Name, Statement, Summary};

fn is_credited(st: &Statement) -> bool {
    st.by.is_some()
}

/// The statements of `s` carrying `claim` and crediting a speaker.
fn credited<'a>(s: &'a Summary, claim: &'a str) -> impl Iterator<Item = &'a Statement> {
    statements_of(s, claim, is_credited)
}

/// The first credited statement of a claim (earliest publication, undated
/// last, then article, then position), found once per claim and then used
/// for each article stating it.
pub struct FirstSpeaker {
    article: usize,
    by: Option<Name>,
    /// The speaker as messages name it.
    name: String,
    /// Its article's outlet and date, for messages.
    from: String,
}

/// A speaker as messages name it: the registry's name and the id.
fn speaker(corpus: &Corpus, by: &str) -> String {
    let id = by.trim_start_matches('@');
    corpus.registry.entities.get(id).map_or_else(
        || by.to_string(),
        |e| format!("{} (@{id})", e.display_name()),
    )
}

/// The article holding the first credited statement of `claim`.
pub fn first_article(corpus: &Corpus, claim: &str) -> Option<usize> {
    earliest(corpus, claim, is_credited).map(|(i, _)| i)
}

impl FirstSpeaker {
    pub fn of(corpus: &Corpus, claim: &str) -> Option<FirstSpeaker> {
        let (i, st) = earliest(corpus, claim, is_credited)?;
        Some(FirstSpeaker {
            article: i,
            by: st.by,
            name: speaker(corpus, st.by.as_deref().unwrap_or("")),
            from: provenance(corpus, i),
        })
    }
}

/// The statements of `claim` in article `j` credited to another speaker
/// than the claim's `first` (none in the first's own article).
pub fn check_in(corpus: &Corpus, claim: &str, first: &FirstSpeaker, j: usize) -> Vec<Diagnostic> {
    let Some(a) = corpus.articles.get(j).filter(|_| j != first.article) else {
        return Vec::new();
    };
    credited(&a.summary, claim)
        .filter(|st| st.by != first.by)
        .map(|st| {
            diag(
                j,
                "speaker-mismatch",
                st.range.clone(),
                format!(
                    "`{claim}` is credited to {} here but to {} in {}",
                    speaker(corpus, st.by.as_deref().unwrap_or("")),
                    first.name,
                    first.from
                ),
            )
            .with_help("check who made the statement; if these are different statements, give them different `claim=` names")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::check;
    use expect_test::expect;

    #[test]
    fn same_claim_different_speakers() {
        check(
            "speaker-mismatch",
            "//- /a.news\n+++\npublished = 2022-09-22\n+++\n[“never”]{.quote by=@official claim=c}\n//- /b.news\n+++\npublished = 2022-09-23\n+++\n[it never did]{.claim by=@prk claim=c} [“never”]{.quote by=@official claim=c}\n//- /entities.toml\n[official]\nname = \"Unnamed official\"\n[prk]\nname = \"North Korea\"\n",
            expect![[r#"
                b.news warning: `c` is credited to North Korea (@prk) here but to Unnamed official (@official) in a, 2022-09-22
                  | [it never did]{.claim by=@prk claim=c} [“never”]{.quote by=@official claim=c}
                  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
                  = help: check who made the statement; if these are different statements, give them different `claim=` names
            "#]],
        );
    }
}
