//! Completion inside attribute blocks and front matter: `@ids` (with their
//! names and descriptions), `.kinds`, attribute keys and flags, source ids
//! and `#anchors` after `src=`, claim and fact names, front matter keys.

use crate::checks::FileRef;
use crate::checks::syntax_kinds::KINDS;
use crate::corpus::Corpus;
use crate::corpus::name::ByName;
use crate::corpus::registry::Entity;
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

/// The most items one answer holds. When more match, the answer says it
/// is incomplete and the editor asks again as the user types (clangd's
/// default limit is also 100). At 100k articles, `claim=` matches tens of
/// thousands of names: half a megabyte the editor would parse and filter on
/// each keystroke, for a list nobody scrolls.
pub const LIMIT: usize = 100;

/// The items for one request, in the order shown.
#[derive(Debug, Default)]
pub struct Completions {
    pub items: Vec<Item>,
    /// More than [`LIMIT`] items matched what is typed; the rest come when
    /// the editor asks again with more typed.
    pub incomplete: bool,
}

/// Collects the items that start with what is typed, up to [`LIMIT`].
/// Candidates are offered in the order shown, each checked before it is
/// built: a corpus-sized list costs a scan of names, not a list of items.
struct List<'t> {
    /// The text from the start of the range the items replace to the cursor.
    typed: &'t str,
    range: TextRange,
    out: Completions,
}

impl<'t> List<'t> {
    fn new(text: &'t str, range: TextRange) -> List<'t> {
        List {
            typed: text.get(range.clone()).unwrap_or(""),
            range,
            out: Completions::default(),
        }
    }

    /// Whether an item inserting `prefix` + `name` belongs in the list:
    /// it starts with what is typed, and the list has room (when it does
    /// not, the list is marked incomplete).
    fn wants(&mut self, prefix: &str, name: &str) -> bool {
        let typed = self.typed;
        let matches = if typed.len() <= prefix.len() {
            prefix.starts_with(typed)
        } else {
            typed.starts_with(prefix) && name.starts_with(&typed[prefix.len()..])
        };
        if !matches {
            return false;
        }
        if self.out.items.len() == LIMIT {
            self.out.incomplete = true;
            return false;
        }
        true
    }

    /// The list is full and known to be incomplete: nothing more is wanted.
    fn done(&self) -> bool {
        self.out.incomplete
    }

    fn push(
        &mut self,
        label: String,
        kind: ItemKind,
        detail: Option<String>,
        documentation: Option<String>,
        insert: String,
    ) {
        self.out.items.push(Item {
            label,
            kind,
            detail,
            documentation,
            range: self.range.clone(),
            insert,
        });
    }

    /// The registry's entities (those `keep` accepts), as `@id`.
    fn entities(&mut self, corpus: &Corpus, keep: impl Fn(&Entity) -> bool) {
        for e in corpus.registry.entities.values() {
            if self.done() {
                break;
            }
            if keep(e) && self.wants("@", &e.id) {
                self.push(
                    format!("@{}", e.id),
                    ItemKind::Entity,
                    Some(e.display_name().to_string()),
                    e.description.clone().or(e.role.clone()),
                    format!("@{}", e.id),
                );
            }
        }
    }
}

/// Is `offset` inside an attribute block? Returns the block's start.
fn attribute_block(text: &str, offset: usize) -> Option<usize> {
    let before = text.get(..offset)?;
    let open = before.rfind('{')?;
    let inside = &before[open + 1..];
    (open > 0 && before.as_bytes()[open - 1] == b']' && !inside.contains('}')).then_some(open)
}

pub fn completions(corpus: &Corpus, file: FileRef, offset: usize) -> Completions {
    let FileRef::Article(i) = file else {
        return Completions::default();
    };
    let Some(a) = corpus.articles.get(i) else {
        return Completions::default();
    };
    let text = a.text();
    let text: &str = &text;
    if let Some(fm) = &a.doc().front_matter
        && offset < fm.range.end
    {
        return front_matter(corpus, text, offset);
    }
    if attribute_block(text, offset).is_none() {
        return Completions::default();
    }
    let before = &text[..offset];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || c == '{')
        .map_or(0, |p| {
            p + before[p..].chars().next().map_or(1, char::len_utf8)
        });
    let word = &before[word_start..];
    if let Some((key, value)) = word.split_once('=') {
        let vstart = word_start + key.len() + 1;
        let mut list = List::new(text, vstart..offset);
        match key {
            "by" | "via" => list.entities(corpus, |_| true),
            "src" => match value.split_once('#') {
                Some((source, _)) => {
                    let mut list = List::new(text, vstart + source.len() + 1..offset);
                    let targets = corpus.index.sources.by_name(source);
                    'articles: for t in targets.into_iter().flat_map(|l| crate::corpus::places(l)) {
                        for s in &corpus.articles[t].doc().spans {
                            for anc in &s.anchors {
                                if list.done() {
                                    break 'articles;
                                }
                                if list.wants("", &anc.value) {
                                    list.push(
                                        anc.value.clone(),
                                        ItemKind::Anchor,
                                        Some(s.text.chars().take(60).collect()),
                                        None,
                                        anc.value.clone(),
                                    );
                                }
                            }
                        }
                    }
                    return list.out;
                }
                None => {
                    let mut sources: Vec<_> = corpus
                        .index
                        .sources
                        .iter()
                        .filter(|(id, _)| id.starts_with(value))
                        .collect();
                    sources.sort_unstable();
                    for (id, arts) in sources {
                        if !list.wants("", id) {
                            break;
                        }
                        let t = arts[0] as usize;
                        list.push(
                            id.to_string(),
                            ItemKind::Source,
                            Some(super::article_label(corpus, t)),
                            super::outlet_of(corpus, t),
                            id.to_string(),
                        );
                    }
                }
            },
            "claim" | "fact" => {
                // The name being typed is in the index already (the summary
                // is of the text as it is now); it is not a suggestion
                // unless something else uses it too.
                let typing = a
                    .summary
                    .claim_refs
                    .iter()
                    .find(|c| c.range.start == vstart && c.range.end >= offset)
                    .filter(|t| {
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
                        uses <= 1
                    })
                    .map(|t| t.value.as_str());
                let mut names: Vec<&str> = corpus
                    .index
                    .claim_names()
                    .map(|n| n.as_str())
                    .filter(|n| n.starts_with(value) && Some(*n) != typing)
                    .collect();
                if key == "claim" {
                    names.extend(
                        corpus
                            .registry
                            .claims
                            .keys()
                            .map(String::as_str)
                            .filter(|n| n.starts_with(value)),
                    );
                }
                names.sort_unstable();
                names.dedup();
                for n in names {
                    if !list.wants("", n) {
                        break;
                    }
                    let doc = corpus.registry.claims.get(n).and_then(|c| c.text.clone());
                    list.push(n.to_string(), ItemKind::Claim, None, doc, n.to_string());
                }
            }
            _ => {}
        }
        return list.out;
    }
    let mut list = List::new(text, word_start..offset);
    if word.starts_with('@') {
        list.entities(corpus, |_| true);
    } else if word.starts_with('.') {
        for k in KINDS {
            if list.wants(".", k) {
                list.push(format!(".{k}"), ItemKind::Kind, None, None, format!(".{k}"));
            }
        }
    } else {
        for (k, d) in KEYS {
            if list.wants("", k) {
                let label = k.trim_end_matches('@').to_string();
                list.push(
                    label,
                    ItemKind::Key,
                    Some(d.to_string()),
                    None,
                    k.to_string(),
                );
            }
        }
        for (f, d) in FLAGS {
            if list.wants("", f) {
                list.push(
                    f.to_string(),
                    ItemKind::Flag,
                    Some(d.to_string()),
                    None,
                    f.to_string(),
                );
            }
        }
    }
    list.out
}

fn front_matter(corpus: &Corpus, text: &str, offset: usize) -> Completions {
    let line_start = text[..offset].rfind('\n').map_or(0, |p| p + 1);
    let line = &text[line_start..offset];
    if line.starts_with("outlet = \"") {
        let start = line_start + "outlet = \"".len();
        let mut list = List::new(text, start..offset);
        list.entities(corpus, |e| {
            e.kind.as_deref() == Some("outlet") || e.kind.is_none()
        });
        return list.out;
    }
    if line.contains('=') {
        return Completions::default();
    }
    let items = KNOWN_KEYS
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
        .collect();
    Completions {
        items,
        incomplete: false,
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::{Completions, LIMIT, completions};
    use crate::ide::test_support::fixture;

    fn check(text: &str, expected: Expect) {
        let (corpus, file, offset) = fixture(text);
        let out: Vec<String> = completions(&corpus, file, offset)
            .items
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

    /// A registry of 150 entities `e0`..`e149` and 150 claims `c0`..`c149`.
    fn many(text: &str) -> Completions {
        let mut registry = String::new();
        for n in 0..150 {
            registry.push_str(&format!("[e{n}]\nname = \"Entity {n}\"\n"));
        }
        for n in 0..150 {
            registry.push_str(&format!("[claims.c{n}]\ntext = \"Claim {n}\"\n"));
        }
        let (corpus, file, offset) = fixture(&format!(
            "//- /a.news\n{text}\n//- /entities.toml\n{registry}"
        ));
        completions(&corpus, file, offset)
    }

    #[test]
    fn long_lists_stop_at_the_limit_and_say_so() {
        let labels = |c: &Completions| c.items.iter().map(|i| i.label.clone()).collect::<Vec<_>>();
        for (typed, first) in [("[x]{@$0", "@e0"), ("[x]{.quote claim=$0", "c0")] {
            let all = many(typed);
            assert_eq!(all.items.len(), LIMIT, "{typed}");
            assert!(all.incomplete, "{typed}");
            assert_eq!(all.items[0].label, first, "{typed}: in order");
        }
        // Typing more narrows the list below the limit: complete again,
        // and the names past the cut are there.
        let some = many("[x]{.quote by=@e14$0");
        assert!(!some.incomplete);
        assert_eq!(
            labels(&some),
            [
                "@e14", "@e140", "@e141", "@e142", "@e143", "@e144", "@e145", "@e146", "@e147",
                "@e148", "@e149"
            ]
        );
        let some = many("[x]{.quote claim=c9$0");
        assert!(!some.incomplete);
        assert_eq!(some.items.len(), 11);
        assert_eq!(some.items[10].documentation.as_deref(), Some("Claim 99"));
    }

    #[test]
    fn nothing_in_plain_text() {
        check(&with("", "plain $0text"), expect![[r#""#]]);
    }
}
