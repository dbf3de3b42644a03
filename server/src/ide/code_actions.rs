//! Code actions: the fix of every finding under the cursor, "add to
//! registry" for an unknown entity, and "annotate this mention" for a
//! registry name or alias left un-annotated (here, or everywhere in the
//! corpus).
//!
//! "Annotate every …" looks at every article of the corpus (reading closed
//! ones from disk: 0.65 s at 100,000 articles), and editors ask for code
//! actions on every cursor move. So when the editor can resolve an action
//! later (`codeAction/resolve`), that action is offered without its edits
//! ([`Action::deferred`]) and they are worked out by [`resolve`] only when
//! the user picks it.

use super::rename::Edit;
use crate::checks::{Diagnostic, FileRef};
use crate::corpus::Corpus;
use crate::syntax::TextRange;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    /// The finding this action resolves, if any.
    pub fixes: Option<usize>,
    pub edits: Vec<Edit>,
    pub preferred: bool,
    /// The work left to do for the edits, when they were deferred (then
    /// `edits` is empty): see [`resolve`].
    pub deferred: Option<Deferred>,
}

/// The edits of an action offered without them, worked out by [`resolve`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Deferred {
    /// Annotate every un-annotated `name` in the corpus as `@id`.
    AnnotateEvery { name: String, id: String },
}

/// Actions for `range` in `file`; `findings` are that file's diagnostics.
/// With `defer`, actions that must look at the whole corpus come without
/// their edits (see [`Deferred`]).
pub fn code_actions(
    corpus: &Corpus,
    file: FileRef,
    range: TextRange,
    findings: &[Diagnostic],
    defer: bool,
) -> Vec<Action> {
    let mut out = Vec::new();
    for (n, d) in findings.iter().enumerate() {
        if d.file != file || d.range.start > range.end || range.start > d.range.end {
            continue;
        }
        if let Some(f) = &d.fix {
            // The edit in this file, if any, and the one in another file
            // (a fix that links two articles), as one workspace edit.
            let here = f.edits_here().then(|| Edit {
                file,
                range: f.range.clone(),
                new_text: f.replacement.clone(),
            });
            let elsewhere = f.elsewhere.as_ref().map(|e| Edit {
                file: e.file,
                range: e.range.clone(),
                new_text: e.replacement.clone(),
            });
            out.push(Action {
                title: f.title.clone(),
                fixes: Some(n),
                edits: here.into_iter().chain(elsewhere).collect(),
                preferred: f.safe,
                deferred: None,
            });
        }
        if d.code == "unknown-entity"
            && let Some(action) = add_to_registry(corpus, file, &d.range, n)
        {
            out.push(action);
        }
    }
    if let FileRef::Article(i) = file {
        out.extend(annotate_mention(corpus, i, range.start, defer));
    }
    out
}

/// The edits of a deferred action, for the corpus as it is now.
pub fn resolve(corpus: &Corpus, deferred: &Deferred) -> Vec<Edit> {
    match deferred {
        Deferred::AnnotateEvery { name, id } => annotate_everywhere(corpus, name, id),
    }
}

fn add_to_registry(corpus: &Corpus, file: FileRef, range: &TextRange, n: usize) -> Option<Action> {
    let (_, text) = corpus.file_text(file)?;
    let id = text.get(range.clone())?;
    let reg = corpus.registry_files.first()?;
    let sep = if reg.text.is_empty() || reg.text.ends_with("\n\n") {
        ""
    } else if reg.text.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    Some(Action {
        title: format!("Add `{id}` to the registry"),
        fixes: Some(n),
        edits: vec![Edit {
            file: FileRef::Registry(0),
            range: reg.text.len()..reg.text.len(),
            new_text: format!("{sep}[{id}]\nkind = \"person\"\nname = \"{id}\"\n"),
        }],
        preferred: false,
        deferred: None,
    })
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Whether the text after a name goes on with a capitalised word, so the
/// name is only the start of a longer one ("the North" in "the North
/// Korean army", "Korea" in "Korea Herald"). Weekdays and months are not
/// such words ("in North Korea Tuesday").
fn continues_a_proper_noun(after: &str) -> bool {
    const MONTHS: &[&str] = &[
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let Some(rest) = after.strip_prefix(' ') else {
        return false;
    };
    let word: &str = rest
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    let lower = word.to_lowercase();
    let date_word = crate::checks::dates::WEEKDAYS
        .iter()
        .any(|(name, _)| *name == lower)
        || MONTHS.contains(&lower.as_str());
    word.chars().next().is_some_and(char::is_uppercase) && !date_word
}

/// Un-annotated occurrences of `name` in article `i`: whole words, in
/// article text with no markup inside, not already in an entity mention.
/// With `at`, only those that hold that byte offset.
fn occurrences(corpus: &Corpus, i: usize, name: &str, at: Option<usize>) -> Vec<TextRange> {
    let a = &corpus.articles[i];
    if a.plain || name.is_empty() {
        return Vec::new();
    }
    let text = a.text();
    let text: &str = &text;
    let bytes = text.as_bytes();
    // Where an occurrence holding `at` can be: within a name's length of
    // it. A code-action request at the cursor looks at every registry
    // name; searching the whole article for each cost 23 ms at 100k
    // articles (6,000 entities), on every cursor move.
    let mut within = 0..text.len();
    if let Some(at) = at {
        within.start = at.saturating_sub(name.len());
        within.end = at.saturating_add(name.len()).min(text.len());
        while !text.is_char_boundary(within.start) {
            within.start -= 1;
        }
        while !text.is_char_boundary(within.end) {
            within.end += 1;
        }
    }
    // Whole-word occurrences first, from the text alone: most articles hold
    // none (a name is often the start of a longer one, "Entity 1" in
    // "Entity 12"), and only those that do are parsed (a closed file's
    // document is parsed again for this).
    let words: Vec<TextRange> = text[within.clone()]
        .match_indices(name)
        .map(|(start, _)| within.start + start..within.start + start + name.len())
        .filter(|r| at.is_none_or(|at| r.start <= at && at <= r.end))
        .filter(|r| {
            (r.start == 0 || !is_word_byte(bytes[r.start - 1]))
                && (r.end == bytes.len() || !is_word_byte(bytes[r.end]))
                && !continues_a_proper_noun(&text[r.end..])
        })
        .collect();
    if words.is_empty() {
        return Vec::new();
    }
    let doc = a.doc();
    words
        .into_iter()
        .filter(|r| {
            let in_mention = doc.spans_at(r.start).any(|s| {
                !s.entities.is_empty() || r.start < s.content.start || r.end > s.content.end
            });
            r.start >= doc.body_start
                && !in_mention
                && doc.plain.slice_of_source(r.clone()) == name
                && !doc.overlaps_critic(r)
        })
        .collect()
}

fn annotate_mention(corpus: &Corpus, i: usize, offset: usize, defer: bool) -> Vec<Action> {
    let mut found: Option<(String, String, TextRange)> = None;
    for e in corpus.registry.entities.values() {
        for name in e.name.iter().chain(&e.aka) {
            for r in occurrences(corpus, i, name, Some(offset)) {
                let longer = found.as_ref().is_none_or(|(_, n, _)| name.len() > n.len());
                if longer {
                    found = Some((e.id.clone(), name.clone(), r));
                }
            }
        }
    }
    let Some((id, name, here)) = found else {
        return Vec::new();
    };
    let here = Action {
        title: format!("Annotate “{name}” as @{id}"),
        fixes: None,
        edits: vec![wrap(i, here, &name, &id)],
        preferred: false,
        deferred: None,
    };
    if defer {
        // Offered whether or not the name occurs anywhere else: finding
        // out is the work deferred.
        let every = Action {
            title: format!("Annotate every “{name}” as @{id}"),
            fixes: None,
            edits: Vec::new(),
            preferred: false,
            deferred: Some(Deferred::AnnotateEvery { name, id }),
        };
        return vec![here, every];
    }
    let everywhere = annotate_everywhere(corpus, &name, &id);
    let mut out = vec![here];
    if everywhere.len() > 1 {
        let files: std::collections::BTreeSet<FileRef> =
            everywhere.iter().map(|e| e.file).collect();
        out.push(Action {
            title: format!(
                "Annotate every “{name}” as @{id} ({} in {} files)",
                everywhere.len(),
                files.len()
            ),
            fixes: None,
            edits: everywhere,
            preferred: false,
            deferred: None,
        });
    }
    out
}

fn wrap(file: usize, range: TextRange, name: &str, id: &str) -> Edit {
    Edit {
        file: FileRef::Article(file),
        range,
        new_text: format!("[{name}]{{@{id}}}"),
    }
}

/// Every un-annotated occurrence of `name` in the corpus, wrapped as `@id`.
/// Every article's text is looked at (read from disk for closed files in
/// the language server): in parallel.
fn annotate_everywhere(corpus: &Corpus, name: &str, id: &str) -> Vec<Edit> {
    use rayon::prelude::*;
    (0..corpus.articles.len())
        .into_par_iter()
        .flat_map_iter(|j| {
            occurrences(corpus, j, name, None)
                .into_iter()
                .map(move |r| wrap(j, r, name, id))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::code_actions;
    use crate::checks::check_corpus;
    use crate::ide::test_support::{fixture, show};

    fn check(text: &str, expected: Expect) {
        let (corpus, file, offset) = fixture(text);
        let findings = check_corpus(&corpus);
        let mut out = String::new();
        for a in code_actions(&corpus, file, offset..offset, &findings, false) {
            out.push_str(&format!(
                "{}{}\n",
                a.title,
                if a.preferred { " (preferred)" } else { "" }
            ));
            for e in &a.edits {
                out.push_str(&format!(
                    "  {} -> {:?}\n",
                    show(
                        &corpus,
                        &crate::ide::Location {
                            file: e.file,
                            range: e.range.clone()
                        }
                    ),
                    e.new_text
                ));
            }
        }
        expected.assert_eq(&out);
    }

    const CORPUS: &str = "//- /a.news\n+++\npublished = 2022-09-22\n+++\nNorth Korea said the src950s. [Pyongyang]{@prk} and [KCNA]{@kcan}\n//- /b.news\nNorth Korea again, not North Koreans.\n//- /entities.toml\n[prk]\nname = \"North Korea\"\naka = [\"Pyongyang\"]\n";

    #[test]
    fn fix_of_a_finding() {
        check(
            &CORPUS.replace("src950s", "src9$050s"),
            expect![[r#"
            Correct to `1950s` (keeps `src950s` as the original) (preferred)
              a.news 52..59 "src950s" -> "{~~src950s~>1950s~~}"
        "#]],
        );
    }

    #[test]
    fn add_unknown_entity_to_the_registry() {
        check(
            &CORPUS.replace("@kcan", "@kc$0an"),
            expect![[r#"
            Add `kcan` to the registry
              entities.toml 47..47 "" -> "\n[kcan]\nkind = \"person\"\nname = \"kcan\"\n"
        "#]],
        );
    }

    #[test]
    fn annotate_a_mention_here_and_everywhere() {
        check(
            &CORPUS.replace("North Korea said", "North Ko$0rea said"),
            expect![[r#"
            Annotate “North Korea” as @prk
              a.news 31..42 "North Korea" -> "[North Korea]{@prk}"
            Annotate every “North Korea” as @prk (2 in 2 files)
              a.news 31..42 "North Korea" -> "[North Korea]{@prk}"
              b.news 0..11 "North Korea" -> "[North Korea]{@prk}"
        "#]],
        );
    }

    #[test]
    fn annotate_everywhere_deferred_then_resolved_gives_the_same_edits() {
        let (corpus, file, offset) =
            fixture(&CORPUS.replace("North Korea said", "North Ko$0rea said"));
        let findings = check_corpus(&corpus);
        let eager = code_actions(&corpus, file, offset..offset, &findings, false);
        let lazy = code_actions(&corpus, file, offset..offset, &findings, true);
        let titles: Vec<&str> = lazy.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Annotate “North Korea” as @prk",
                "Annotate every “North Korea” as @prk"
            ]
        );
        // The one-mention action is cheap and comes whole; the corpus-wide
        // one comes without edits, and resolving it gives the eager edits.
        assert_eq!(lazy[0], eager[0]);
        assert!(lazy[1].edits.is_empty());
        let deferred = lazy[1].deferred.as_ref().expect("deferred");
        assert_eq!(super::resolve(&corpus, deferred), eager[1].edits);
        assert_eq!(eager[1].edits.len(), 2);
    }

    /// The action is offered with the cursor anywhere in the name, from
    /// just before its first letter to just after its last, and not a
    /// character outside it, whatever the characters around it are.
    #[test]
    fn annotate_is_offered_from_the_first_letter_to_the_last() {
        let line = "«Über» North Korea, «Nordkorea».";
        let start = line.find("North").expect("the name is in the line");
        let end = start + "North Korea".len();
        let cases = [
            (start - 1, false),
            (start, true),
            (start + 5, true),
            (end, true),
            (end + 1, false),
        ];
        for (at, offered) in cases {
            let text = format!(
                "//- /a.news\n{}$0{}\n//- /entities.toml\n[prk]\nname = \"North Korea\"\naka = [\"Über\", \"Nordkorea\"]\n",
                &line[..at],
                &line[at..]
            );
            let (corpus, file, offset) = fixture(&text);
            let titles: Vec<String> = code_actions(&corpus, file, offset..offset, &[], true)
                .into_iter()
                .map(|a| a.title)
                .collect();
            assert_eq!(
                titles.contains(&"Annotate “North Korea” as @prk".to_string()),
                offered,
                "cursor at {at}: {titles:?}"
            );
        }
    }

    #[test]
    fn a_name_that_starts_a_longer_proper_noun_is_not_offered() {
        let text = "//- /a.news\nNorth Ko$0rea said it. The North Korea Herald said it. In North Korea Tuesday.\n//- /entities.toml\n[prk]\nname = \"North Korea\"\n";
        check(
            text,
            expect![[r#"
                Annotate “North Korea” as @prk
                  a.news 0..11 "North Korea" -> "[North Korea]{@prk}"
                Annotate every “North Korea” as @prk (2 in 1 files)
                  a.news 0..11 "North Korea" -> "[North Korea]{@prk}"
                  a.news 56..67 "North Korea" -> "[North Korea]{@prk}"
            "#]],
        );
        check(
            &text
                .replace("North Ko$0rea said", "North Korea said")
                .replace("Korea Her", "Korea H$0er"),
            expect![""],
        );
    }

    const TWO_QUOTES: &str = "//- /a.news\n[“We have never exported weapons or ammunition to Russia before, and we will not plan to export them”]{.quote by=@o}\n//- /b.news\n[“We have never exported weapons or ammunition to Russia before and we $0will have no plan to export them.”]{.quote by=@o}\n";

    #[test]
    fn link_two_quotes_without_a_claim_in_both_files() {
        check(
            TWO_QUOTES,
            expect![[r#"
                Link these quotes under `claim=quote-we-have-never-exported`
                  b.news 123..123 "" -> " claim=quote-we-have-never-exported"
                  a.news 119..119 "" -> " claim=quote-we-have-never-exported"
            "#]],
        );
    }

    #[test]
    fn link_a_quote_to_the_later_ones_claim_in_the_other_file() {
        check(
            &TWO_QUOTES.replace(
                "them.”]{.quote by=@o}",
                "them.”]{.quote by=@o claim=no-arms}",
            ),
            expect![[r#"
                Link these quotes under `claim=no-arms`
                  a.news 119..119 "" -> " claim=no-arms"
            "#]],
        );
    }

    /// Applying the action's edits to every file it names.
    fn apply(text: &str, title_starts: &str) -> String {
        let (corpus, file, offset) = fixture(text);
        let findings = check_corpus(&corpus);
        let action = code_actions(&corpus, file, offset..offset, &findings, false)
            .into_iter()
            .find(|a| a.title.starts_with(title_starts))
            .expect("the action is offered");
        let mut out = String::new();
        for (i, a) in corpus.articles.iter().enumerate() {
            let mut t = a.text().into_owned();
            let mut edits: Vec<_> = action
                .edits
                .iter()
                .filter(|e| e.file == crate::checks::FileRef::Article(i))
                .collect();
            edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
            for e in edits {
                t.replace_range(e.range.clone(), &e.new_text);
            }
            let path = a.path.strip_prefix("/corpus").unwrap_or(&a.path);
            out.push_str(&format!("//- {}\n{t}", path.display()));
        }
        out
    }

    #[test]
    fn linking_two_quotes_leaves_no_unlinked_quote() {
        for text in [
            TWO_QUOTES.to_string(),
            TWO_QUOTES.replace(
                "them.”]{.quote by=@o}",
                "them.”]{.quote by=@o claim=no-arms}",
            ),
            TWO_QUOTES.replace("them”]{.quote by=@o}", "them”]{.quote by=@o claim=no-arms}"),
        ] {
            let fixed = apply(&text, "Link these quotes");
            let corpus = crate::checks::test_support::corpus(&fixed);
            let left: Vec<_> = check_corpus(&corpus)
                .into_iter()
                .filter(|d| d.code == "unlinked-quote")
                .collect();
            assert!(left.is_empty(), "{fixed}\n{left:?}");
        }
    }
}
