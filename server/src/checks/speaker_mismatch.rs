//! `speaker-mismatch`: the same claim credited to different speakers
//! (`by=`) in different articles.

use super::quote_drift::provenance;
use super::{Diagnostic, diag};
use crate::corpus::Corpus;

/// Statements of `claim` credited to another speaker than its first.
pub fn check_claim(corpus: &Corpus, claim: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut uses: Vec<(
        Option<jiff::civil::Date>,
        usize,
        &crate::corpus::summary::Statement,
    )> = Vec::new();
    for &i in corpus.index.claim_uses(claim) {
        let s = &corpus.articles[i].summary;
        for st in s
            .statements
            .iter()
            .filter(|st| st.claim.as_ref().is_some_and(|c| c.value == claim) && st.by.is_some())
        {
            uses.push((s.published, i, st));
        }
    }
    uses.sort_by_key(|(d, i, st)| (d.is_none(), *d, *i, st.range.start));
    let Some(&(_, fi, first)) = uses.first() else {
        return out;
    };
    let speaker = |by: &str| {
        let id = by.trim_start_matches('@');
        corpus.registry.entities.get(id).map_or_else(
            || by.to_string(),
            |e| format!("{} (@{id})", e.display_name()),
        )
    };
    for &(_, i, st) in uses.iter().skip(1).filter(|(_, i, _)| *i != fi) {
        if st.by != first.by {
            out.push(
                diag(
                    i,
                    "speaker-mismatch",
                    st.range.clone(),
                    format!(
                        "`{claim}` is credited to {} here but to {} in {}",
                        speaker(st.by.as_deref().unwrap_or("")),
                        speaker(first.by.as_deref().unwrap_or("")),
                        provenance(corpus, fi)
                    ),
                )
                .with_help("check who made the statement; if these are different statements, give them different `claim=` names"),
            );
        }
    }
    out
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
