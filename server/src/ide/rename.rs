//! Rename an entity, claim, source or anchor id everywhere: articles and
//! registry. Prepare-rename tells the editor what is renamable.

use super::{Location, Target, references, target_at};
use crate::checks::FileRef;
use crate::corpus::Corpus;
use crate::corpus::name::ByName;
use crate::syntax::TextRange;

/// One text replacement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub file: FileRef,
    pub range: TextRange,
    pub new_text: String,
}

/// The range and current name of what can be renamed at `offset`.
pub fn prepare_rename(
    corpus: &Corpus,
    file: FileRef,
    offset: usize,
) -> Result<(TextRange, String), String> {
    match target_at(corpus, file, offset) {
        Some(Target::Entity { id, range }) => Ok((range, id)),
        Some(Target::Claim { name, range }) => Ok((range, name)),
        Some(Target::Anchor { anchor, range, .. }) => Ok((range, anchor)),
        Some(Target::Source { id, range }) => {
            let declared = corpus.index.sources.by_name(id.as_str()).into_iter().flatten().all(|&i| corpus.articles[i as usize].summary.id_range.is_some());
            if declared {
                Ok((range, id))
            } else {
                Err(format!("`{id}` comes from a file name: rename that file (VS Code then updates what cites it), or set `id` in its front matter"))
            }
        }
        _ => Err("nothing to rename here: place the cursor on an `@id`, a `claim=`, a source id or an `#anchor`".into()),
    }
}

fn valid(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

pub fn rename(
    corpus: &Corpus,
    file: FileRef,
    offset: usize,
    new_name: &str,
) -> Result<Vec<Edit>, String> {
    let new_name = new_name.trim_start_matches(['@', '#']);
    if !valid(new_name) {
        return Err(format!(
            "`{new_name}` is not a valid id: use letters, digits, `_` and `-`"
        ));
    }
    prepare_rename(corpus, file, offset)?;
    let target = target_at(corpus, file, offset).ok_or("nothing to rename here")?;
    let locations: Vec<Location> = match &target {
        Target::Entity { id, .. } => {
            if corpus.registry.entities.contains_key(new_name) {
                return Err(format!("`@{new_name}` already exists in the registry"));
            }
            let mut locs = references::entity(corpus, id, true);
            // Claim authors in the registry: `author = "@id"`.
            for c in corpus
                .registry
                .claims
                .values()
                .filter(|c| c.author.as_deref() == Some(&format!("@{id}")))
            {
                if let Some(text) = corpus.registry_files.get(c.file).map(|f| &f.text)
                    && let Some(at) = text[c.range.end..].find(&format!("\"@{id}\""))
                {
                    let start = c.range.end + at + 2;
                    locs.push(Location {
                        file: FileRef::Registry(c.file),
                        range: start..start + id.len(),
                    });
                }
            }
            locs
        }
        _ => references::references(corpus, file, offset, true),
    };
    let mut edits: Vec<Edit> = locations
        .into_iter()
        // A mention's text is not the id; only id occurrences change.
        .filter(|l| match l.file {
            FileRef::Article(i) => corpus.articles[i]
                .text()
                .get(l.range.clone())
                .is_some_and(valid),
            _ => true,
        })
        .map(|l| Edit {
            file: l.file,
            range: l.range,
            new_text: new_name.to_string(),
        })
        .collect();
    edits.sort_by_key(|e| (e.file, e.range.start));
    edits.dedup();
    Ok(edits)
}

/// The edits a rename of article `i`'s file to `new_path` calls for: an
/// article without `id` in its front matter takes its source id from its
/// file name, so every `src=` and `derived_from` citing the old name is
/// changed to the new one. None when the id is declared (it survives the
/// rename), when the new name is not a valid id or not an article of the
/// corpus (outside its root, or without one of its extensions),
/// when another article already has that id, or when the old id is
/// ambiguous (two articles share it, and the citations may mean either).
pub fn file_renamed(corpus: &Corpus, i: usize, new_path: &std::path::Path) -> Vec<Edit> {
    let Some(a) = corpus.articles.get(i) else {
        return Vec::new();
    };
    let old = &a.summary.id;
    let new = new_path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    // Still an article of this corpus: under its root, with one of its
    // extensions (`newsmark.toml`'s `extensions` and `plain`).
    let article = corpus.owns(new_path);
    let holders = |id: &str| {
        corpus
            .index
            .sources
            .by_name(id)
            .into_iter()
            .flatten()
            .count()
    };
    if a.summary.id_range.is_some()
        || !article
        || !valid(new)
        || *old == new
        || holders(new) > 0
        || holders(old.as_str()) != 1
    {
        return Vec::new();
    }
    let mut edits: Vec<Edit> = Vec::new();
    for (j, b) in corpus.articles.iter().enumerate() {
        edits.extend(b.summary.citations(old.as_str()).map(|r| Edit {
            file: FileRef::Article(j),
            range: r.source.range.clone(),
            new_text: new.to_string(),
        }));
    }
    edits.sort_by_key(|e| (e.file, e.range.start));
    edits.dedup();
    edits
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::{prepare_rename, rename};
    use crate::ide::test_support::{fixture, show};

    const CORPUS: &str = r#"//- /a.news
+++
outlet = "@ap"
+++
[North Korea]{@prk} [“x”]{.quote by=@prk claim=c1}
//- /b.news
[Pyongyang]{@prk}
//- /entities.toml
[prk]
name = "North Korea"
[ap]
name = "AP"
[claims.c1]
author = "@prk"
"#;

    #[test]
    fn entity_everywhere_including_registry_and_authors() {
        let (corpus, file, offset) = fixture(&CORPUS.replace("by=@prk", "by=@p$0rk"));
        let edits = rename(&corpus, file, offset, "dprk").expect("renamable");
        let shown: Vec<String> = edits
            .iter()
            .map(|e| {
                format!(
                    "{} -> {}",
                    show(
                        &corpus,
                        &crate::ide::Location {
                            file: e.file,
                            range: e.range.clone()
                        }
                    ),
                    e.new_text
                )
            })
            .collect();
        expect![[r#"
            a.news 38..41 "prk" -> dprk
            a.news 64..67 "prk" -> dprk
            b.news 13..16 "prk" -> dprk
            entities.toml 1..4 "prk" -> dprk
            entities.toml 67..70 "prk" -> dprk"#]]
        .assert_eq(&shown.join("\n"));
    }

    const FILES: &str = r#"//- /cited.news
[It said]{.quote #said by=@o}
//- /declared.news
+++
id = "wire"
+++
[Text]{.quote src=cited#said by=@o}, [more]{.claim src=cited by=@o}.
//- /reprint.news
+++
derived_from = ["cited", "wire"]
+++
Reprinted.
"#;

    /// The edits of renaming `from` to `to`, as `file:range "old" -> new`.
    fn renamed(from: &str, to: &str) -> String {
        let corpus = crate::checks::test_support::corpus(FILES);
        let i = corpus
            .articles
            .iter()
            .position(|a| a.path.ends_with(from))
            .expect("the article");
        super::file_renamed(&corpus, i, std::path::Path::new(to))
            .into_iter()
            .map(|e| {
                let l = crate::ide::Location {
                    file: e.file,
                    range: e.range,
                };
                format!("{} -> {}", show(&corpus, &l), e.new_text)
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn renaming_a_file_renames_the_id_it_gives_its_article() {
        expect![[r#"
            declared.news 38..43 "cited" -> kcna-2022
            declared.news 75..80 "cited" -> kcna-2022
            reprint.news 21..26 "cited" -> kcna-2022"#]]
        .assert_eq(&renamed("cited.news", "/corpus/sub/kcna-2022.news"));
    }

    #[test]
    fn renaming_a_file_leaves_declared_taken_and_invalid_ids_alone() {
        // `id` in the front matter survives the rename.
        assert_eq!(renamed("declared.news", "/corpus/other.news"), "");
        // Another article is `wire` already; `has space` is no id; a file
        // that is no longer an article of the corpus (another extension,
        // outside its root) takes its citations with it.
        for to in [
            "/corpus/wire.news",
            "/corpus/has space.news",
            "/corpus/kcna.md",
            "/elsewhere/kcna.news",
        ] {
            assert_eq!(renamed("cited.news", to), "", "{to}");
        }
    }

    #[test]
    fn renaming_one_of_two_files_of_the_same_name_changes_nothing() {
        // `a/cited.news` and `b/cited.news` are both `cited`: a citation
        // may mean either, so neither rename moves it.
        let corpus = crate::checks::test_support::corpus(
            "//- /a/cited.news\nOne.\n//- /b/cited.news\nTwo.\n//- /c.news\n[x]{.quote src=cited by=@o}\n",
        );
        let i = corpus
            .articles
            .iter()
            .position(|a| a.path.ends_with("a/cited.news"))
            .expect("the article");
        assert_eq!(
            super::file_renamed(&corpus, i, std::path::Path::new("/corpus/a/new.news")),
            Vec::new()
        );
    }

    #[test]
    fn refuses_bad_names_and_existing_ids() {
        let (corpus, file, offset) = fixture(&CORPUS.replace("by=@prk", "by=@p$0rk"));
        assert!(rename(&corpus, file, offset, "has space").is_err());
        assert!(rename(&corpus, file, offset, "ap").is_err());
    }

    #[test]
    fn prepare_rejects_plain_text_and_stem_ids() {
        let (corpus, file, offset) =
            fixture(&CORPUS.replace("[Pyongyang]{@prk}", "[Pyongyang]{@prk} te$0xt"));
        assert!(prepare_rename(&corpus, file, offset).is_err());
    }
}
