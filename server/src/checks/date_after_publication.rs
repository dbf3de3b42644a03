//! `date-after-publication`: a `.date` resolved to a day after the article was
//! published, though it reports a past event. Mark real future events with
//! the `future` flag.

use super::dates::When;
use super::{Diagnostic, Fix, diag};
use crate::corpus::Article;

pub fn check(index: usize, a: &Article) -> Vec<Diagnostic> {
    let Some(published) = a.doc().published() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for s in a.doc().spans.iter().filter(|s| s.kind() == Some("date")) {
        if s.has_flag("future") {
            continue;
        }
        let Some(when) = s.property("when") else {
            continue;
        };
        let Some(first) = When::parse(&when.value).and_then(When::first_day) else {
            continue;
        };
        if first > published {
            out.push(
                diag(
                    index,
                    "date-after-publication",
                    when.range.clone(),
                    format!(
                        "`when={}` is after the article's publication date {published}",
                        when.value
                    ),
                )
                .with_help(
                    "check the resolution; if the event is still to come, add the `future` flag",
                )
                .with_fix(Fix {
                    title: "Mark as a future event".into(),
                    range: s.attributes.end - 1..s.attributes.end - 1,
                    replacement: " future".into(),
                    safe: false,
                    elsewhere: None,
                }),
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
    fn past_event_after_publication() {
        check(
            "date-after-publication",
            "+++\npublished = 2022-09-22\n+++\nKirby spoke on [Nov. 2]{.date when=2022-11-02} and [in October]{.date when=2022-10}.\n",
            expect![[r#"
                a.news warning: `when=2022-11-02` is after the article's publication date 2022-09-22
                  | Kirby spoke on [Nov. 2]{.date when=2022-11-02} and [in October]{.date when=2022-10}.
                  |                                    ^^^^^^^^^^
                  = help: check the resolution; if the event is still to come, add the `future` flag
                  = fix (unsafe): "" -> " future"
                a.news warning: `when=2022-10` is after the article's publication date 2022-09-22
                  | Kirby spoke on [Nov. 2]{.date when=2022-11-02} and [in October]{.date when=2022-10}.
                  |                                                                            ^^^^^^^
                  = help: check the resolution; if the event is still to come, add the `future` flag
                  = fix (unsafe): "" -> " future"
            "#]],
        );
    }

    #[test]
    fn future_flag_and_earlier_dates_are_quiet() {
        check(
            "date-after-publication",
            "+++\npublished = 2022-09-22\n+++\n[next month]{.date when=2022-10 future} [Thursday]{.date when=2022-09-22} [1950s]{.date when=1950s}\n",
            expect![[r#""#]],
        );
    }

    #[test]
    fn no_published_date_no_finding() {
        check(
            "date-after-publication",
            "[Nov. 2]{.date when=2022-11-02}\n",
            expect![[r#""#]],
        );
    }
}
