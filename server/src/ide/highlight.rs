//! Document highlights: the other uses, in the file at hand, of what the
//! cursor is on (an entity, a claim, a source id or an anchor), as
//! references finds them across the corpus. Editors ask on every cursor
//! move, so an article's are read from its own summary alone, not from the
//! corpus's.

use super::{Target, target_at};
use crate::checks::FileRef;
use crate::corpus::Corpus;
use crate::syntax::TextRange;

/// A place to highlight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    pub range: TextRange,
    /// Where the thing is defined (an `#anchor`, the front matter `id`, a
    /// registry entry) rather than used: editors colour the two apart.
    pub definition: bool,
}

/// The highlights of what is at `offset` in `file`, in the order of the
/// file; none when the cursor is on nothing that has uses.
pub fn document_highlights(corpus: &Corpus, file: FileRef, offset: usize) -> Vec<Highlight> {
    let Some(target) = target_at(corpus, file, offset) else {
        return Vec::new();
    };
    let mut out = match file {
        FileRef::Article(i) => in_article(corpus, i, &target),
        // A registry entry: its header, the one place it is defined (its
        // uses are in the articles).
        FileRef::Registry(_) | FileRef::Config => vec![Highlight {
            range: target.range().clone(),
            definition: true,
        }],
    };
    out.sort_by_key(|h| (h.range.start, h.range.end));
    out.dedup();
    out
}

fn in_article(corpus: &Corpus, i: usize, target: &Target) -> Vec<Highlight> {
    let Some(a) = corpus.articles.get(i) else {
        return Vec::new();
    };
    let s = &a.summary;
    let used = |range: TextRange| Highlight {
        range,
        definition: false,
    };
    let defined = |range: TextRange| Highlight {
        range,
        definition: true,
    };
    match target {
        Target::Entity { id, .. } => s
            .refs
            .iter()
            .filter(|r| r.id == id)
            .map(|r| used(r.range()))
            .collect(),
        Target::Claim { name, .. } => s
            .claim_refs
            .iter()
            .filter(|c| c.value == name)
            .map(|c| used(c.range.clone()))
            .collect(),
        Target::Source { id, .. } => {
            let mut out: Vec<Highlight> = s
                .citations(id)
                .map(|r| used(r.source.range.clone()))
                .collect();
            if s.id == id
                && let Some(r) = &s.id_range
            {
                out.push(defined(r.clone()));
            }
            out
        }
        Target::Anchor { source, anchor, .. } => {
            let mut out: Vec<Highlight> = s
                .cited_anchors(source, anchor)
                .map(|x| used(x.range.clone()))
                .collect();
            if s.id == source {
                out.extend(
                    s.anchors
                        .iter()
                        .filter(|x| x.value == anchor)
                        .map(|x| defined(x.range.clone())),
                );
            }
            out
        }
        Target::Date { .. } | Target::Statement { .. } => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::document_highlights;
    use crate::ide::Location;
    use crate::ide::test_support::{fixture, show};

    fn check(text: &str, expected: Expect) {
        let (corpus, file, offset) = fixture(text);
        let out: Vec<String> = document_highlights(&corpus, file, offset)
            .into_iter()
            .map(|h| {
                let at = show(
                    &corpus,
                    &Location {
                        file,
                        range: h.range,
                    },
                );
                format!("{} {at}", if h.definition { "defined" } else { "used" })
            })
            .collect();
        expected.assert_eq(&out.join("\n"));
    }

    const CORPUS: &str = r#"//- /ap.news
+++
id = "ap"
outlet = "@ap"
+++
[North Korea]{@prk} said [“We make it clear”]{.quote #denial by=@prk claim=never-arms-trade}, and [Pyongyang]{@prk} [“again”]{.quote by=@prk claim=never-arms-trade}. See [earlier]{.claim src=ap#denial by=@ap}.
//- /b.news
[Pyongyang]{@prk} [“We make it clear”]{.quote src=ap#denial claim=never-arms-trade} [x]{.quote src=ap by=@ap}
//- /entities.toml
[prk]
name = "North Korea"
[ap]
name = "AP"
[claims.never-arms-trade]
author = "@prk"
"#;

    #[test]
    fn an_entity_in_this_article_only() {
        check(
            &CORPUS.replace("{@prk} said", "{@p$0rk} said"),
            expect![[r#"
                used ap.news 48..51 "prk"
                used ap.news 102..105 "prk"
                used ap.news 148..151 "prk"
                used ap.news 178..181 "prk""#]],
        );
    }

    #[test]
    fn from_a_mentions_text() {
        check(
            &CORPUS.replace("[Pyongyang]{@prk} [“again", "[Pyong$0yang]{@prk} [“again"),
            expect![[r#"
                used ap.news 48..51 "prk"
                used ap.news 102..105 "prk"
                used ap.news 148..151 "prk"
                used ap.news 178..181 "prk""#]],
        );
    }

    #[test]
    fn a_claim_in_this_article_only() {
        check(
            &CORPUS.replace(
                "[Pyongyang]{@prk} [“We make it clear”]{.quote src=ap#denial claim=never",
                "[Pyongyang]{@prk} [“We make it clear”]{.quote src=ap#denial claim=nev$0er",
            ),
            expect![[r#"used b.news 70..86 "never-arms-trade""#]],
        );
    }

    #[test]
    fn an_anchor_with_its_definition() {
        check(
            &CORPUS.replace("src=ap#denial by=@ap", "src=ap#den$0ial by=@ap"),
            expect![[r#"
                defined ap.news 91..97 "denial"
                used ap.news 235..241 "denial""#]],
        );
    }

    #[test]
    fn a_source_id_with_the_front_matter_id() {
        check(
            &CORPUS.replace("src=ap#denial by=@ap", "src=a$0p#denial by=@ap"),
            expect![[r#"
                defined ap.news 10..12 "ap"
                used ap.news 232..234 "ap""#]],
        );
    }

    #[test]
    fn a_registry_entry() {
        check(
            &CORPUS.replace("[prk]\n", "[p$0rk]\n"),
            expect![[r#"defined entities.toml 1..4 "prk""#]],
        );
    }

    #[test]
    fn nothing_on_plain_text_or_a_date() {
        check(
            &CORPUS.replace(", and [Pyongyang]", ", a$0nd [Pyongyang]"),
            expect![[""]],
        );
        check(
            "+++\npublished = 2022-09-22\n+++\nOn [Thurs$0day]{.date when=2022-09-22} it said.\n",
            expect![[""]],
        );
    }
}
