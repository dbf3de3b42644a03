//! `unknown-source`: `src=` or `derived_from` names a source id that no
//! article in the corpus declares.

use super::{Diagnostic, diag};
use crate::corpus::Corpus;
use crate::corpus::name::ByName;
use crate::corpus::places;

/// References to the source id `wanted` when no article declares it.
pub fn check_source(corpus: &Corpus, wanted: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if wanted.is_empty() || corpus.index.sources.by_name(wanted).is_some() {
        return out;
    }
    for i in places(
        corpus
            .index
            .group(&crate::checks::cross::Key::Source(wanted.into())),
    ) {
        let a = &corpus.articles[i];
        for r in a.summary.sources.iter().chain(&a.summary.derived_from) {
            let id = &r.source.value;
            if id != wanted {
                continue;
            }
            let help = match super::unknown_entity::suggest(id, corpus.index.sources.keys()) {
                Some(s) => format!("did you mean `{s}`? a source id is an article's front matter `id` (or its file name)"),
                None => "a source id is an article's front matter `id` (or its file name); add that article to the corpus".into(),
            };
            out.push(
                diag(
                    i,
                    "unknown-source",
                    r.source.range.clone(),
                    format!("unknown source `{id}`"),
                )
                .with_help(help),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::check;
    use expect_test::expect;

    #[test]
    fn src_and_derived_from_must_name_an_article() {
        check(
            "unknown-source",
            r#"//- /a.news
+++
id = "bbc-2022-09-22"
derived_from = ["reuters-2022-09-22"]
+++
[“a”]{.quote src=bbc-2022-09-22#q} [“b”]{.quote src=bcc-2022-09-22#q}
"#,
            expect![[r#"
                a.news warning: unknown source `reuters-2022-09-22`
                  | derived_from = ["reuters-2022-09-22"]
                  |                  ^^^^^^^^^^^^^^^^^^
                  = help: a source id is an article's front matter `id` (or its file name); add that article to the corpus
                a.news warning: unknown source `bcc-2022-09-22`
                  | [“a”]{.quote src=bbc-2022-09-22#q} [“b”]{.quote src=bcc-2022-09-22#q}
                  |                                                     ^^^^^^^^^^^^^^
                  = help: did you mean `bbc-2022-09-22`? a source id is an article's front matter `id` (or its file name)
            "#]],
        );
    }
}
