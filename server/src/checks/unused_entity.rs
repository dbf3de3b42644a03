//! `unused-entity` (hint): a registry entry that no article mentions and no
//! claim names as its author.

use super::{Diagnostic, FileRef, default_severity};
use crate::corpus::Corpus;

pub fn check(corpus: &Corpus) -> Vec<Diagnostic> {
    let authors: Vec<&str> = corpus
        .registry
        .claims
        .values()
        .filter_map(|c| c.author.as_deref())
        .map(|a| a.trim_start_matches('@'))
        .collect();
    corpus
        .registry
        .entities
        .values()
        .filter(|e| {
            !corpus.index.entity_uses.contains_key(&e.id) && !authors.contains(&e.id.as_str())
        })
        .map(|e| Diagnostic {
            file: FileRef::Registry(e.file),
            range: e.range.clone(),
            code: "unused-entity",
            severity: default_severity("unused-entity"),
            message: format!("`{}` is not referred to anywhere in the corpus", e.id),
            help: Some(format!(
                "annotate a mention with `{{@{}}}`, or remove the entry",
                e.id
            )),
            fix: None,
        })
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
