//! Completion inside attribute blocks and front matter: `@ids` (with their
//! names and descriptions), `.kinds`, attribute keys and flags, source ids
//! and `#anchors` after `src=`, claim and fact names, front matter keys.

use crate::corpus::name::ByName;
use std::collections::BTreeSet;

use crate::checks::FileRef;
use crate::checks::syntax_kinds::KINDS;
use crate::corpus::Corpus;
use crate::syntax::{KNOWN_KEYS, TextRange};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Entity,
    Kind,
    Key,
    Flag,
    Source,
    Anchor,
    Claim,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub label: String,
    pub kind: ItemKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    /// Replaces this range.
    pub range: TextRange,
    pub insert: String,
}

const KEYS: &[(&str, &str)] = &[
    ("by=@", "who asserts it (an entity)"),
    ("via=@", "who relayed it (an outlet)"),
    ("src=", "the article it was taken from: `source-id#anchor`"),
    ("claim=", "the same assertion across articles"),
    ("when=", "ISO date, month, year or decade"),
    ("n=", "a quantity's value"),
    ("unit=", "a quantity's unit"),
    ("of=", "what a quantity counts"),
    ("fact=", "the same quantity across articles"),
    ("lang=", "BCP 47 language of a quote"),
    ("allow=", "silence rules inside this span"),
];
const FLAGS: &[(&str, &str)] = &[
    ("anon", "an unnamed source"),
    ("future", "a date still to come"),
];

/// Is `offset` inside an attribute block? Returns the block's start.
fn attribute_block(text: &str, offset: usize) -> Option<usize> {
    let before = text.get(..offset)?;
    let open = before.rfind('{')?;
    let inside = &before[open + 1..];
    (open > 0 && before.as_bytes()[open - 1] == b']' && !inside.contains('}')).then_some(open)
}

pub fn completions(corpus: &Corpus, file: FileRef, offset: usize) -> Vec<Item> {
    let FileRef::Article(i) = file else {
        return Vec::new();
    };
    let Some(a) = corpus.articles.get(i) else {
        return Vec::new();
    };
    let text = a.text();
    let text: &str = &text;
    if let Some(fm) = &a.doc().front_matter
        && offset < fm.range.end
    {
        return front_matter(corpus, text, offset);
    }
    if attribute_block(text, offset).is_none() {
        return Vec::new();
    }
    let before = &text[..offset];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || c == '{')
        .map_or(0, |p| {
            p + before[p..].chars().next().map_or(1, char::len_utf8)
        });
    let word = &before[word_start..];
    let range = word_start..offset;
    let mut out = Vec::new();
    let entity_items = |prefix: &str, start: usize, out: &mut Vec<Item>| {
        for e in corpus.registry.entities.values() {
            out.push(Item {
                label: format!("{prefix}{}", e.id),
                kind: ItemKind::Entity,
                detail: Some(e.display_name().to_string()),
                documentation: e.description.clone().or(e.role.clone()),
                range: start..offset,
                insert: format!("{prefix}{}", e.id),
            });
        }
    };
    if let Some((key, value)) = word.split_once('=') {
        let vstart = word_start + key.len() + 1;
        match key {
            "by" | "via" => entity_items("@", vstart, &mut out),
            "src" => match value.split_once('#') {
                Some((source, _)) => {
                    let astart = vstart + source.len() + 1;
                    for t in corpus
                        .index
                        .sources
                        .by_name(source)
                        .into_iter()
                        .flat_map(|l| crate::corpus::places(l))
                    {
                        for s in corpus.articles[t]
                            .doc()
                            .spans
                            .iter()
                            .filter(|s| !s.anchors.is_empty())
                        {
                            for anc in &s.anchors {
                                out.push(Item {
                                    label: anc.value.clone(),
                                    kind: ItemKind::Anchor,
                                    detail: Some(s.text.chars().take(60).collect()),
                                    documentation: None,
                                    range: astart..offset,
                                    insert: anc.value.clone(),
                                });
                            }
                        }
                    }
                }
                None => {
                    let mut sources: Vec<_> = corpus.index.sources.iter().collect();
                    sources.sort();
                    for (id, arts) in sources {
                        let t = arts[0] as usize;
                        out.push(Item {
                            label: id.to_string(),
                            kind: ItemKind::Source,
                            detail: Some(super::article_label(corpus, t)),
                            documentation: super::outlet_of(corpus, t),
                            range: vstart..offset,
                            insert: id.to_string(),
                        });
                    }
                }
            },
            "claim" | "fact" => {
                let mut names: BTreeSet<String> =
                    corpus.index.claim_names().map(|n| n.to_string()).collect();
                // The name being typed is in the index already (the summary
                // is of the text as it is now); it is not a suggestion
                // unless something else uses it too.
                let typing = a
                    .summary
                    .claim_refs
                    .iter()
                    .find(|c| c.range.start == vstart && c.range.end >= offset);
                if let Some(t) = typing {
                    let uses: usize = corpus
                        .index
                        .claim_uses(&t.value)
                        .iter()
                        .map(|&j| {
                            corpus.articles[j as usize]
                                .summary
                                .claim_refs
                                .iter()
                                .filter(|c| c.value == t.value)
                                .count()
                        })
                        .sum();
                    if uses <= 1 {
                        names.remove(t.value.as_str());
                    }
                }
                if key == "claim" {
                    names.extend(corpus.registry.claims.keys().cloned());
                }
                for n in names {
                    let doc = corpus.registry.claims.get(&n).and_then(|c| c.text.clone());
                    out.push(Item {
                        label: n.clone(),
                        kind: ItemKind::Claim,
                        detail: None,
                        documentation: doc,
                        range: vstart..offset,
                        insert: n,
                    });
                }
            }
            _ => {}
        }
    } else if word.starts_with('@') {
        entity_items("@", word_start, &mut out);
    } else if word.starts_with('.') {
        for k in KINDS {
            out.push(Item {
                label: format!(".{k}"),
                kind: ItemKind::Kind,
                detail: None,
                documentation: None,
                range: range.clone(),
                insert: format!(".{k}"),
            });
        }
    } else {
        for (k, d) in KEYS {
            out.push(Item {
                label: k.trim_end_matches('@').to_string(),
                kind: ItemKind::Key,
                detail: Some(d.to_string()),
                documentation: None,
                range: range.clone(),
                insert: k.to_string(),
            });
        }
        for (f, d) in FLAGS {
            out.push(Item {
                label: f.to_string(),
                kind: ItemKind::Flag,
                detail: Some(d.to_string()),
                documentation: None,
                range: range.clone(),
                insert: f.to_string(),
            });
        }
    }
    let typed = &text[out.first().map_or(offset, |i| i.range.start)..offset];
    out.retain(|i| i.insert.starts_with(typed) || i.label.starts_with(typed));
    out
}

fn front_matter(corpus: &Corpus, text: &str, offset: usize) -> Vec<Item> {
    let line_start = text[..offset].rfind('\n').map_or(0, |p| p + 1);
    let line = &text[line_start..offset];
    if let Some(rest) = line.strip_prefix("outlet = \"") {
        let start = line_start + "outlet = \"".len();
        return corpus
            .registry
            .entities
            .values()
            .filter(|e| e.kind.as_deref() == Some("outlet") || e.kind.is_none())
            .map(|e| Item {
                label: format!("@{}", e.id),
                kind: ItemKind::Entity,
                detail: Some(e.display_name().to_string()),
                documentation: e.description.clone(),
                range: start..offset,
                insert: format!("@{}", e.id),
            })
            .filter(|i| i.insert.starts_with(rest))
            .collect();
    }
    if line.contains('=') {
        return Vec::new();
    }
    KNOWN_KEYS
        .iter()
        .filter(|k| k.starts_with(line.trim()))
        .map(|k| Item {
            label: k.to_string(),
            kind: ItemKind::Key,
            detail: None,
            documentation: None,
            range: line_start..offset,
            insert: format!("{k} = "),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::completions;
    use crate::ide::test_support::fixture;

    fn check(text: &str, expected: Expect) {
        let (corpus, file, offset) = fixture(text);
        let out: Vec<String> = completions(&corpus, file, offset)
            .iter()
            .map(|i| format!("{} {:?} {:?}", i.label, i.kind, i.detail))
            .collect();
        expected.assert_eq(&out.join("\n"));
    }

    const CORPUS: &str = r#"//- /ap.news
+++
id = "ap"
+++
[“We make it clear”]{.quote #denial by=@prk claim=never-arms-trade}
//- /b.news
+++
$FM
+++
Text $TEXT
//- /entities.toml
[prk]
name = "North Korea"
description = "Country in East Asia"
[ap]
kind = "outlet"
name = "AP"
[claims.no-arms]
text = "never exported"
"#;

    fn with(fm: &str, text: &str) -> String {
        CORPUS.replace("$FM", fm).replace("$TEXT", text)
    }

    #[test]
    fn entity_ids_after_at() {
        check(
            &with("", "[North Korea]{@p$0}"),
            expect![[r#"@prk Entity Some("North Korea")"#]],
        );
    }

    #[test]
    fn speakers_kinds_keys() {
        check(
            &with("", "[x]{.quote by=@$0}"),
            expect![[r#"
            @ap Entity Some("AP")
            @prk Entity Some("North Korea")"#]],
        );
        check(
            &with("", "[x]{.q$0}"),
            expect![[r#"
            .quote Kind None
            .qty Kind None"#]],
        );
        check(
            &with("", "[x]{.quote cl$0}"),
            expect![[r#"claim= Key Some("the same assertion across articles")"#]],
        );
    }

    #[test]
    fn sources_anchors_and_claims() {
        check(
            &with("", "[x]{.quote src=$0}"),
            expect![[r#"
            ap Source Some("ap")
            b Source Some("b")"#]],
        );
        check(
            &with("", "[x]{.quote src=ap#$0}"),
            expect![[r#"denial Anchor Some("“We make it clear”")"#]],
        );
        check(
            &with("", "[x]{.quote claim=$0}"),
            expect![[r#"
            never-arms-trade Claim None
            no-arms Claim None"#]],
        ); // The half-typed name is not offered back (it is in the index,
        // used by this very attribute); a name used elsewhere still is.
        check(
            &with("", "[x]{.quote claim=no$0}"),
            expect![[r#"no-arms Claim None"#]],
        );
        check(
            &with("", "[x]{.quote claim=no-arms$0}"),
            expect![[r#"no-arms Claim None"#]],
        );
    }

    #[test]
    fn front_matter_keys_and_outlets() {
        check(&with("pub$0", ""), expect!["published Key None"]);
        check(
            &with("outlet = \"@$0", ""),
            expect![[r#"
            @ap Entity Some("AP")
            @prk Entity Some("North Korea")"#]],
        );
    }

    #[test]
    fn nothing_in_plain_text() {
        check(&with("", "plain $0text"), expect![[r#""#]]);
    }
}
