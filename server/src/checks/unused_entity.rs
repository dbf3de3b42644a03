//! `unused-entity` (hint): a registry entry that no article mentions and no
//! claim names as its author.

use super::{Diagnostic, FileRef, default_severity};
use crate::corpus::Corpus;
use crate::corpus::name::ByName;

/// The registry entry `id`, when nothing refers to it.
pub fn check_id(corpus: &Corpus, id: &str) -> Vec<Diagnostic> {
    let authored = |e: &str| {
        corpus
            .registry
            .claims
            .values()
            .filter_map(|c| c.author.as_deref())
            .any(|a| a.trim_start_matches('@') == e)
    };
    corpus
        .registry
        .entities
        .get(id)
        .filter(|e| corpus.index.entity_uses.by_name(e.id.as_str()).is_none() && !authored(&e.id))
        .map(|e| Diagnostic {
            file: FileRef::Registry(e.file),
            range: e.range.clone(),
            code: "unused-entity",
            severity: default_severity("unused-entity"),
            message: format!("`{}` is not referred to anywhere in the corpus", e.id),
            help: Some(
                format!(
                    "annotate a mention with `{{@{}}}`, or remove the entry",
                    e.id
                )
                .into(),
            ),
            fix: None,
        })
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::check;
    use expect_test::expect;

    #[test]
    fn entries_nobody_uses() {
        check(
            "unused-entity",
            r#"//- /a.news
[North Korea]{@prk}
//- /entities.toml
[prk]
name = "North Korea"
[rus]
name = "Russia"
[kcna]
name = "KCNA"
[claims.c]
author = "@kcna"
"#,
            expect![[r#"
                entities.toml hint: `rus` is not referred to anywhere in the corpus
                  | [rus]
                  |  ^^^
                  = help: annotate a mention with `{@rus}`, or remove the entry
            "#]],
        );
    }
}
