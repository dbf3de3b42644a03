//! Code lenses: "quoted by N of M outlets" on statements with a `claim=`;
//! "N mentions in M sources" on registry entries.

use crate::corpus::name::ByName;
use std::collections::BTreeSet;

use super::claim_outlets;
use crate::checks::FileRef;
use crate::corpus::{Corpus, RefRole};
use crate::syntax::TextRange;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lens {
    pub range: TextRange,
    pub title: String,
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

pub fn code_lenses(corpus: &Corpus, file: FileRef) -> Vec<Lens> {
    match file {
        FileRef::Article(i) => {
            let outlets = corpus.index.outlets.len();
            corpus.articles[i]
                .summary
                .statements
                .iter()
                .filter_map(|st| {
                    let claim = st.claim.as_ref()?;
                    let carrying = claim_outlets(corpus, &claim.value);
                    let first = crate::checks::quote_drift::first_appearance(corpus, &claim.value)
                        .map(|j| {
                            format!(
                                " · first: {}",
                                crate::checks::quote_drift::provenance(corpus, j)
                            )
                        })
                        .unwrap_or_default();
                    Some(Lens {
                        range: st.range.clone(),
                        title: format!(
                            "quoted by {} of {}{first}",
                            carrying.len(),
                            plural(outlets, "outlet")
                        ),
                    })
                })
                .collect()
        }
        FileRef::Registry(f) => corpus
            .registry
            .entities
            .values()
            .filter(|e| e.file == f)
            .map(|e| {
                let uses = corpus
                    .index
                    .entity_uses
                    .by_name(e.id.as_str())
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                let mentions = crate::corpus::uses(uses)
                    .filter(|&(i, j)| corpus.articles[i].summary.refs[j].role == RefRole::Mention)
                    .count();
                let sources: BTreeSet<usize> = crate::corpus::uses(uses).map(|(i, _)| i).collect();
                Lens {
                    range: e.range.clone(),
                    title: format!(
                        "{} in {}",
                        plural(mentions, "mention"),
                        plural(sources.len(), "source")
                    ),
                }
            })
            .collect(),
        FileRef::Config => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::code_lenses;
    use crate::checks::FileRef;
    use crate::checks::test_support::corpus;

    #[test]
    fn claims_and_registry_entries() {
        let c = corpus(
            "//- /a.news\n+++\noutlet = \"@ap\"\n+++\n[North Korea]{@prk}: [“never”]{.quote by=@prk claim=c}\n//- /b.news\n+++\noutlet = \"@bbc\"\n+++\n[“never ever”]{.quote by=@prk claim=c} [Pyongyang]{@prk}\n//- /c.news\n+++\noutlet = \"@bbc\"\n+++\nText.\n//- /entities.toml\n[prk]\nname = \"North Korea\"\n[ap]\n[bbc]\n",
        );
        let show = |f| {
            code_lenses(&c, f)
                .iter()
                .map(|l| format!("{:?} {}", l.range, l.title))
                .collect::<Vec<_>>()
                .join("\n")
        };
        expect![[r#"
            44..81 quoted by 2 of 2 outlets · first: ap
            28..30 0 mentions in 1 source
            33..36 0 mentions in 2 sources
            1..4 2 mentions in 2 sources"#]]
        .assert_eq(&format!(
            "{}\n{}",
            show(FileRef::Article(0)),
            show(FileRef::Registry(0))
        ));
    }

    #[test]
    fn outlet_count_follows_edits() {
        let mut c = corpus(
            "//- /a.news\n+++\noutlet = \"@ap\"\n+++\n[“never”]{.quote by=@prk claim=c}\n//- /b.news\n+++\noutlet = \"@bbc\"\n+++\n[“never ever”]{.quote by=@prk claim=c}\n//- /entities.toml\n[prk]\n[ap]\n[bbc]\n",
        );
        let title =
            |c: &crate::corpus::Corpus| code_lenses(c, FileRef::Article(0))[0].title.clone();
        assert_eq!(title(&c), "quoted by 2 of 2 outlets · first: ap");
        // b moves to AP: one outlet left, counted from the index.
        let b = std::path::Path::new("/corpus/b.news");
        c.set_text(
            b,
            "+++\noutlet = \"@ap\"\n+++\n[“never ever”]{.quote by=@prk claim=c}\n".into(),
            &[],
        );
        assert_eq!(title(&c), "quoted by 1 of 1 outlet · first: ap");
        // And a story of its own outlet (no `outlet`) makes two again.
        c.set_text(b, "[“never ever”]{.quote by=@prk claim=c}\n".into(), &[]);
        assert_eq!(title(&c), "quoted by 2 of 2 outlets · first: ap");
    }
}
