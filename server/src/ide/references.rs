//! Find references: every use of an entity (mentions, speakers, outlets,
//! claim authors), a claim, a source or an anchor across the corpus.

use super::{Location, Target, target_at};
use crate::checks::FileRef;
use crate::corpus::Corpus;
use crate::corpus::name::ByName;

pub fn references(
    corpus: &Corpus,
    file: FileRef,
    offset: usize,
    include_declaration: bool,
) -> Vec<Location> {
    let Some(target) = target_at(corpus, file, offset) else {
        return Vec::new();
    };
    let mut out = match &target {
        Target::Entity { id, .. } => entity(corpus, id, include_declaration),
        Target::Claim { name, .. } => {
            let mut out: Vec<Location> = Vec::new();
            for (i, a) in corpus.articles.iter().enumerate() {
                out.extend(
                    a.summary
                        .claim_refs
                        .iter()
                        .filter(|c| c.value == name)
                        .map(|c| Location {
                            file: FileRef::Article(i),
                            range: c.range.clone(),
                        }),
                );
            }
            if include_declaration && let Some(c) = corpus.registry.claims.get(name) {
                out.push(Location {
                    file: FileRef::Registry(c.file),
                    range: c.range.clone(),
                });
            }
            out
        }
        Target::Source { id, .. } => {
            let mut out: Vec<Location> = Vec::new();
            for (i, a) in corpus.articles.iter().enumerate() {
                out.extend(a.summary.citations(id).map(|r| Location {
                    file: FileRef::Article(i),
                    range: r.source.range.clone(),
                }));
            }
            if include_declaration {
                out.extend(super::definition::source(corpus, id));
            }
            out
        }
        Target::Anchor { source, anchor, .. } => {
            let mut out: Vec<Location> = Vec::new();
            for (i, a) in corpus.articles.iter().enumerate() {
                out.extend(a.summary.cited_anchors(source, anchor).map(|x| Location {
                    file: FileRef::Article(i),
                    range: x.range.clone(),
                }));
            }
            if include_declaration {
                for i in corpus
                    .index
                    .sources
                    .by_name(source.as_str())
                    .into_iter()
                    .flat_map(|l| crate::corpus::places(l))
                {
                    out.extend(
                        corpus.articles[i]
                            .summary
                            .anchors
                            .iter()
                            .filter(|x| x.value == anchor)
                            .map(|x| Location {
                                file: FileRef::Article(i),
                                range: x.range.clone(),
                            }),
                    );
                }
            }
            out
        }
        Target::Date { .. } | Target::Statement { .. } => Vec::new(),
    };
    out.sort_by_key(Location::key);
    out.dedup();
    out
}

/// Every reference to entity `id`, with its registry entry when asked.
pub fn entity(corpus: &Corpus, id: &str, include_declaration: bool) -> Vec<Location> {
    let mut out: Vec<Location> = corpus
        .index
        .entity_uses
        .by_name(id)
        .into_iter()
        .flat_map(|l| crate::corpus::uses(l))
        .map(|(i, j)| Location {
            file: FileRef::Article(i),
            range: corpus.articles[i].summary.refs[j].range(),
        })
        .collect();
    if include_declaration && let Some(e) = corpus.registry.entities.get(id) {
        out.push(Location {
            file: FileRef::Registry(e.file),
            range: e.range.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::references;
    use crate::ide::test_support::{fixture, show};

    fn check(text: &str, expected: Expect) {
        let (corpus, file, offset) = fixture(text);
        let out: Vec<String> = references(&corpus, file, offset, true)
            .iter()
            .map(|l| show(&corpus, l))
            .collect();
        expected.assert_eq(&out.join("\n"));
    }

    const CORPUS: &str = r#"//- /ap.news
+++
id = "ap"
outlet = "@ap"
+++
[North Korea]{@prk}: [“We make it clear”]{.quote #denial by=@prk claim=never-arms-trade}
//- /b.news
[Pyongyang]{@prk} [“We make it clear”]{.quote src=ap#denial claim=never-arms-trade}
//- /entities.toml
[prk]
name = "North Korea"
[ap]
name = "AP"
[claims.never-arms-trade]
author = "@prk"
"#;

    #[test]
    fn entity_from_registry_entry_across_articles() {
        check(
            &CORPUS.replace("[prk]", "[p$0rk]"),
            expect![[r#"
            ap.news 48..51 "prk"
            ap.news 98..101 "prk"
            b.news 13..16 "prk"
            entities.toml 1..4 "prk""#]],
        );
    }

    #[test]
    fn claim_across_articles() {
        check(
            &CORPUS.replace("by=@prk claim=never", "by=@prk claim=nev$0er"),
            expect![[r#"
            ap.news 108..124 "never-arms-trade"
            b.news 70..86 "never-arms-trade"
            entities.toml 52..68 "never-arms-trade""#]],
        );
    }

    #[test]
    fn anchor_from_its_definition() {
        check(
            &CORPUS.replace("#denial by", "#den$0ial by"),
            expect![[r#"
            ap.news 87..93 "denial"
            b.news 57..63 "denial""#]],
        );
    }
}
