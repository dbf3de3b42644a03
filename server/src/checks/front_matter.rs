//! `front-matter`: the TOML block at the top of an article is invalid, has a
//! value of the wrong type, or a key Newsmark does not know.

use super::{Diagnostic, Severity, diag};
use crate::corpus::Article;

pub fn check(index: usize, a: &Article) -> Vec<Diagnostic> {
    let Some(fm) = &a.doc.front_matter else {
        return Vec::new();
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
    fn valid_front_matter_is_quiet() {
        check(
            "front-matter",
            "+++\nid = \"ap\"\npublished = 2022-11-08T09:00:00Z\nbyline = [\"A\", \"B\"]\nderived_from = \"x\"\n+++\nBody.\n",
            expect![[r#""#]],
        );
    }
}
