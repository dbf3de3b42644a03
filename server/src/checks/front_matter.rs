//! `front-matter`: the TOML block at the top of an article is invalid, has a
//! value of the wrong type, or a key Newsmark does not know.

use super::{Diagnostic, Severity, diag};
use crate::corpus::Article;

pub fn check(index: usize, a: &Article) -> Vec<Diagnostic> {
    let Some(fm) = &a.doc().front_matter else {
        return misplaced(index, a);
    };
    let mut out: Vec<Diagnostic> = fm
        .problems
        .iter()
        .map(|p| {
            let d = diag(index, "front-matter", p.range.clone(), p.message.clone())
                .with_help("front matter keys are described in docs/format.md");
            if p.is_error {
                d
            } else {
                d.with_severity(Severity::Warning)
            }
        })
        .collect();
    for code in &fm.allow {
        if super::rule(&code.value).is_none() {
            out.push(
                diag(
                    index,
                    "front-matter",
                    code.range.clone(),
                    format!("`allow` names no rule `{}`", code.value),
                )
                .with_help("rule codes are listed by `newsmark rules` and in docs/rules.md")
                .with_severity(Severity::Warning),
            );
        }
    }
    if let Some(outlet) = &fm.outlet
        && !outlet.value.starts_with('@')
    {
        out.push(
            diag(
                index,
                "front-matter",
                outlet.range.clone(),
                format!(
                    "`outlet` must be an entity reference, not `{}`",
                    outlet.value
                ),
            )
            .with_help("write `outlet = \"@id\"` with the outlet's id from the registry"),
        );
    }
    out
}

/// A `+++` block after a byte-order mark or blank lines is read as article
/// text; say so rather than ignore the metadata silently.
fn misplaced(index: usize, a: &Article) -> Vec<Diagnostic> {
    if a.plain {
        return Vec::new();
    }
    let text = a.text();
    let trimmed = text
        .trim_start_matches('\u{feff}')
        .trim_start_matches(['\n', '\r', ' ', '\t']);
    let at = text.len() - trimmed.len();
    if at > 0 && (trimmed.starts_with("+++\n") || trimmed.starts_with("+++\r\n")) {
        vec![
            diag(index, "front-matter", at..at + 3, "front matter must start on the very first line; this block is read as article text")
                .with_severity(Severity::Warning)
                .with_help("remove the byte-order mark or blank lines before `+++`"),
        ]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::check;
    use expect_test::expect;

    #[test]
    fn invalid_toml_wrong_types_and_unknown_keys() {
        check(
            "front-matter",
            "+++\nid = \"ap\"\npublished = \"Nov 8\"\nauthor = \"AP\"\noutlet = \"ap\"\n+++\nBody.\n",
            expect![[r#"
                a.news error: `published` must be a TOML date or date-time, e.g. `2022-09-22` or `2022-09-22T12:25:00-04:00`
                  | published = "Nov 8"
                  |             ^^^^^^^
                  = help: front matter keys are described in docs/format.md
                a.news warning: unknown front matter key `author`; known keys: id, title, outlet, url, published, modified, dateline, byline, lang, derived_from, allow
                  | author = "AP"
                  | ^^^^^^
                  = help: front matter keys are described in docs/format.md
                a.news error: `outlet` must be an entity reference, not `ap`
                  | outlet = "ap"
                  |           ^^
                  = help: write `outlet = "@id"` with the outlet's id from the registry
            "#]],
        );
    }

    #[test]
    fn broken_toml_points_into_the_block() {
        check(
            "front-matter",
            "+++\ntitle = \"unclosed\n+++\nBody.\n",
            expect![[r#"
            a.news error: invalid TOML: invalid basic string, expected `"`
              | title = "unclosed
              |                  ^
              = help: front matter keys are described in docs/format.md
        "#]],
        );
    }

    #[test]
    fn front_matter_after_blank_line_or_bom() {
        check(
            "front-matter",
            "\n+++\nid = \"ap\"\n+++\nBody.\n",
            expect![[r#"
            a.news warning: front matter must start on the very first line; this block is read as article text
              | +++
              | ^^^
              = help: remove the byte-order mark or blank lines before `+++`
        "#]],
        );
        check(
            "front-matter",
            "\u{feff}+++\nid = \"ap\"\n+++\nBody.\n",
            expect![[r#"
            a.news warning: front matter must start on the very first line; this block is read as article text
              | ﻿+++
              |  ^^^
              = help: remove the byte-order mark or blank lines before `+++`
        "#]],
        );
    }

    #[test]
    fn valid_front_matter_is_quiet() {
        check(
            "front-matter",
            "+++\nid = \"ap\"\npublished = 2022-11-08T09:00:00Z\nbyline = [\"A\", \"B\"]\nderived_from = \"x\"\n+++\nBody.\n",
            expect![[r#""#]],
        );
    }
}
