//! `unresolved-relative-date`: a relative date ("Thursday", "last month",
//! "earlier this year") that no `.date … when=` resolves. The fix fills
//! `when=` from the article's `published` date.

use super::dates::{find_relative, relative_in};
use super::words::Words;
use super::{Diagnostic, Fix, diag};
use crate::corpus::Article;

/// `words`: the scan of the article's plain text.
pub fn check(index: usize, a: &Article, words: &Words) -> Vec<Diagnostic> {
    let doc = &a.doc();
    let published = doc.published();
    let mut out = Vec::new();
    // `.date` spans with no resolution.
    for s in doc.spans.iter().filter(|s| s.kind() == Some("date")) {
        if s.property("when").is_some_and(|w| !w.value.is_empty()) {
            continue;
        }
        let mut d = diag(
            index,
            "unresolved-relative-date",
            s.range.clone(),
            format!("“{}” has no resolved date", s.text.trim()),
        )
        .with_help("add `when=` with the date it refers to");
        let relative = find_relative(&s.text, published)
            .into_iter()
            .find(|r| r.resolved.is_some());
        if let Some(rel) = relative
            && let Some(r) = rel.resolved.clone()
        {
            let future = if rel.is_future(published) && !s.has_flag("future") {
                " future"
            } else {
                ""
            };
            let (range, replacement) = match s.property("when") {
                Some(w) if future.is_empty() => (w.range.clone(), r.clone()),
                _ => (
                    s.attributes.end - 1..s.attributes.end - 1,
                    format!(" when={r}{future}"),
                ),
            };
            d = d.with_fix(Fix {
                title: format!("Resolve to `when={r}`"),
                range,
                replacement,
                safe: false,
                elsewhere: None,
            });
        }
        out.push(d);
    }
    // Relative expressions in the text outside any resolved `.date` span.
    for r in relative_in(&doc.plain.text, &words.relative, published) {
        let range = doc.plain.range_to_source(r.range.clone());
        let inside_date = doc.spans_at(range.start).any(|s| s.kind() == Some("date"));
        if inside_date || doc.overlaps_critic(&range) {
            continue;
        }
        let text = &doc.plain.text[r.range.clone()];
        let mut d = diag(index, "unresolved-relative-date", range.clone(), format!("relative date “{text}” is not resolved"))
            .with_help(match &r.resolved {
                Some(w) => format!("against the publication date it means {w}: annotate it as `[{text}]{{.date when={w}}}`"),
                None if published.is_none() => "set `published` in the front matter so relative dates can be resolved".into(),
                None => "annotate it as a `.date` with the `when=` it refers to".into(),
            });
        let clean = a.text().get(range.clone()) == Some(text);
        if let (Some(w), true, false) = (&r.resolved, clean, a.plain) {
            let future = if r.is_future(published) {
                " future"
            } else {
                ""
            };
            d = d.with_fix(Fix {
                title: format!("Annotate as a date: `when={w}`"),
                range: range.clone(),
                replacement: format!("[{text}]{{.date when={w}{future}}}"),
                safe: false,
                elsewhere: None,
            });
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::check;
    use expect_test::expect;

    #[test]
    fn weekday_resolves_against_published() {
        check(
            "unresolved-relative-date",
            "+++\npublished = 2022-09-23\n+++\nNorth Korea said on Thursday it had not, earlier this month.\n",
            expect![[r#"
                a.news hint: relative date “Thursday” is not resolved
                  | North Korea said on Thursday it had not, earlier this month.
                  |                     ^^^^^^^^
                  = help: against the publication date it means 2022-09-22: annotate it as `[Thursday]{.date when=2022-09-22}`
                  = fix (unsafe): "Thursday" -> "[Thursday]{.date when=2022-09-22}"
                a.news hint: relative date “earlier this month” is not resolved
                  | North Korea said on Thursday it had not, earlier this month.
                  |                                          ^^^^^^^^^^^^^^^^^^
                  = help: against the publication date it means 2022-09: annotate it as `[earlier this month]{.date when=2022-09}`
                  = fix (unsafe): "earlier this month" -> "[earlier this month]{.date when=2022-09}"
            "#]],
        );
    }

    #[test]
    fn empty_date_span_gets_when() {
        check(
            "unresolved-relative-date",
            "+++\npublished = 2022-11-08\n+++\nNorth Korea on [Tuesday]{.date} said\n",
            expect![[r#"
                a.news hint: “Tuesday” has no resolved date
                  | North Korea on [Tuesday]{.date} said
                  |                ^^^^^^^^^^^^^^^^
                  = help: add `when=` with the date it refers to
                  = fix (unsafe): "" -> " when=2022-11-08"
            "#]],
        );
    }

    #[test]
    fn resolved_dates_and_lowercase_words_are_quiet() {
        check(
            "unresolved-relative-date",
            "+++\npublished = 2022-11-08\n+++\n[Last week]{.date when=2022-11} a sunday-school; todays\n",
            expect![[r#""#]],
        );
    }

    #[test]
    fn future_expressions_get_the_future_flag() {
        check(
            "unresolved-relative-date",
            "+++\npublished = 2022-11-08\n+++\nTalks resume tomorrow and [next month]{.date}.\n",
            expect![[r#"
                a.news hint: relative date “tomorrow” is not resolved
                  | Talks resume tomorrow and [next month]{.date}.
                  |              ^^^^^^^^
                  = help: against the publication date it means 2022-11-09: annotate it as `[tomorrow]{.date when=2022-11-09}`
                  = fix (unsafe): "tomorrow" -> "[tomorrow]{.date when=2022-11-09 future}"
                a.news hint: “next month” has no resolved date
                  | Talks resume tomorrow and [next month]{.date}.
                  |                           ^^^^^^^^^^^^^^^^^^^
                  = help: add `when=` with the date it refers to
                  = fix (unsafe): "" -> " when=2022-12 future"
            "#]],
        );
    }

    #[test]
    fn without_published_no_fix() {
        check(
            "unresolved-relative-date",
            "Yesterday it rained.\n",
            expect![[r#"
            a.news hint: relative date “Yesterday” is not resolved
              | Yesterday it rained.
              | ^^^^^^^^^
              = help: set `published` in the front matter so relative dates can be resolved
        "#]],
        );
    }
}
