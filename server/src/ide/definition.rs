//! Go to definition: from an entity reference to its registry entry, from
//! `src=id#anchor` to the span in the other article, from `claim=` to the
//! registry entry (else the claim's first appearance), from a source id or
//! `derived_from` to the article.

use super::{Location, Target, target_at};
use crate::checks::FileRef;
use crate::corpus::Corpus;
use crate::corpus::name::ByName;

pub fn definition(corpus: &Corpus, file: FileRef, offset: usize) -> Vec<Location> {
    let Some(target) = target_at(corpus, file, offset) else {
        return Vec::new();
    };
    match target {
        Target::Entity { id, .. } => corpus
            .registry
            .entities
            .get(&id)
            .map(|e| Location {
                file: FileRef::Registry(e.file),
                range: e.range.clone(),
            })
            .into_iter()
            .collect(),
        Target::Source { id, .. } => source(corpus, &id),
        Target::Anchor { source, anchor, .. } => anchor_spans(corpus, &source, &anchor),
        Target::Claim { name, .. } => claim(corpus, &name),
        Target::Date { .. } | Target::Statement { .. } => Vec::new(),
    }
}

/// The article that declares source `id` (its `id` line, or its start).
pub fn source(corpus: &Corpus, id: &str) -> Vec<Location> {
    corpus
        .index
        .sources
        .by_name(id)
        .into_iter()
        .flat_map(|l| crate::corpus::places(l))
        .map(|i| Location {
            file: FileRef::Article(i),
            range: corpus.articles[i].summary.id_range.clone().unwrap_or(0..0),
        })
        .collect()
}

/// The span(s) carrying `#anchor` in source `source`.
pub fn anchor_spans(corpus: &Corpus, source: &str, anchor: &str) -> Vec<Location> {
    corpus
        .index
        .sources
        .by_name(source)
        .into_iter()
        .flat_map(|l| crate::corpus::places(l))
        // The summary says which articles have the anchor; only those are
        // read for the span's range.
        .filter(|&i| {
            corpus.articles[i]
                .summary
                .anchors
                .iter()
                .any(|a| a.value == anchor)
        })
        .flat_map(|i| {
            corpus.articles[i]
                .doc()
                .spans
                .iter()
                .filter(|s| s.anchors.iter().any(|a| a.value == anchor))
                .map(|s| Location {
                    file: FileRef::Article(i),
                    range: s.range.clone(),
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The registry entry of a claim, else its earliest appearance.
pub fn claim(corpus: &Corpus, name: &str) -> Vec<Location> {
    if let Some(c) = corpus.registry.claims.get(name) {
        return vec![Location {
            file: FileRef::Registry(c.file),
            range: c.range.clone(),
        }];
    }
    // The first appearance (from the summaries), then its first span with
    // the name.
    let Some(i) = crate::checks::quote_drift::first_appearance(corpus, name) else {
        return Vec::new();
    };
    corpus.articles[i]
        .doc()
        .spans
        .iter()
        .filter(|s| {
            s.property("claim")
                .or(s.property("fact"))
                .is_some_and(|c| c.value == name)
        })
        .map(|s| s.range.clone())
        .min_by_key(|r| (r.start, r.end))
        .map(|range| Location {
            file: FileRef::Article(i),
            range,
        })
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::definition;
    use crate::ide::test_support::{fixture, show};

    fn check(text: &str, expected: Expect) {
        let (corpus, file, offset) = fixture(text);
        let out: Vec<String> = definition(&corpus, file, offset)
            .iter()
            .map(|l| show(&corpus, l))
            .collect();
        expected.assert_eq(&out.join("\n"));
    }

    const CORPUS: &str = r#"//- /ap.news
+++
id = "ap"
outlet = "@ap"
published = 2022-11-08
+++
[North Korea]{@prk}: [“We make it clear”]{.quote #denial by=@prk claim=never-arms-trade}
//- /b.news
+++
derived_from = "ap"
+++
[“We make it clear”]{.quote src=ap#denial claim=never-arms-trade} [x]{.claim claim=unregistered}
//- /c.news
+++
published = 2022-11-09
+++
[y]{.claim claim=unregistered by=@prk}
//- /entities.toml
[prk]
name = "North Korea"
[ap]
name = "AP"
[claims.never-arms-trade]
text = "…"
"#;

    #[test]
    fn mention_to_registry() {
        check(
            &CORPUS.replace("[North Korea]", "[No$0rth Korea]"),
            expect![[r#"entities.toml 1..4 "prk""#]],
        );
    }

    #[test]
    fn outlet_to_registry() {
        check(
            &CORPUS.replace("\"@ap\"", "\"@a$0p\""),
            expect![[r#"entities.toml 28..30 "ap""#]],
        );
    }

    #[test]
    fn src_anchor_to_span_in_other_article() {
        check(
            &CORPUS.replace("src=ap#denial", "src=ap#den$0ial"),
            expect![[
                r#"ap.news 77..148 "[“We make it clear”]{.quote #denial by=@prk claim=never-arms-trade}""#
            ]],
        );
    }

    #[test]
    fn src_id_and_derived_from_to_article() {
        check(
            &CORPUS.replace("derived_from = \"ap\"", "derived_from = \"a$0p\""),
            expect![[r#"ap.news 10..12 "ap""#]],
        );
    }

    #[test]
    fn claim_to_registry_else_first_appearance() {
        check(
            &CORPUS.replace("src=ap#denial claim=never", "src=ap#denial claim=ne$0ver"),
            expect![[r#"entities.toml 52..68 "never-arms-trade""#]],
        );
        check(
            &CORPUS.replace("[y]{.claim claim=unreg", "[y]{.claim claim=un$0reg"),
            expect![[r#"c.news 31..69 "[y]{.claim claim=unregistered by=@prk}""#]],
        );
    }
}
