//! `duplicate-id`: two articles declare the same source id, one article uses
//! the same `#anchor` twice, or the registry defines an id twice.

use crate::corpus::name::ByName;
use crate::corpus::places;
use std::collections::HashMap;

use super::{Diagnostic, FileRef, default_severity, diag};
use crate::corpus::{Corpus, Summary};

/// Articles after the first that declare the source id `id`.
pub fn check_source(corpus: &Corpus, id: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(articles) = corpus.index.sources.by_name(id) {
        for i in places(articles).skip(1) {
            let first = &corpus.articles[articles[0] as usize];
            let s: &Summary = &corpus.articles[i].summary;
            out.push(
                diag(
                    i,
                    "duplicate-id",
                    s.id_range.clone().unwrap_or(0..0),
                    format!(
                        "source id `{id}` is also declared by {}",
                        crate::corpus::Corpus::display_path(&first.path)
                    ),
                )
                .with_help("give each article its own `id` in the front matter"),
            );
        }
    }
    out
}

/// Anchors used twice in article `i`.
pub fn check_anchors(i: usize, a: &crate::corpus::Article) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    {
        let mut seen: HashMap<&str, ()> = HashMap::new();
        for anchor in &a.summary.anchors {
            if seen.insert(anchor.value.as_str(), ()).is_some() {
                out.push(
                    diag(
                        i,
                        "duplicate-id",
                        anchor.range.clone(),
                        format!("anchor `#{}` is already used in this article", anchor.value),
                    )
                    .with_help("anchors name one span each; rename this one"),
                );
            }
        }
    }
    out
}

/// Ids defined in two registry files.
pub fn check_registry(corpus: &Corpus) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (file, range, id) in &corpus.registry.duplicates {
        out.push(Diagnostic {
            file: FileRef::Registry(*file),
            range: range.clone(),
            code: "duplicate-id",
            severity: default_severity("duplicate-id"),
            message: format!("`{id}` is already defined in another registry file"),
            help: Some("keep one definition per id".into()),
            fix: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::check;
    use expect_test::expect;

    #[test]
    fn same_source_id_twice_and_same_anchor_twice() {
        check(
            "duplicate-id",
            r#"//- /a.news
+++
id = "ap"
+++
[x]{#q} [y]{#q}
//- /b.news
+++
id = "ap"
+++
Text.
"#,
            expect![[r#"
                a.news error: anchor `#q` is already used in this article
                  | [x]{#q} [y]{#q}
                  |              ^
                  = help: anchors name one span each; rename this one
                b.news error: source id `ap` is also declared by /corpus/a.news
                  | id = "ap"
                  |       ^^
                  = help: give each article its own `id` in the front matter
            "#]],
        );
    }
}
