//! `weekday-mismatch`: a `.date` span names a weekday that its `when=` date
//! does not fall on ("Tuesday" with `when=2022-11-09`).

use super::dates::{When, weekday_in, weekday_name};
use super::{Diagnostic, Fix, diag};
use crate::corpus::Article;

pub fn check(index: usize, a: &Article) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in a.doc().spans.iter().filter(|s| s.kind() == Some("date")) {
        let Some(when) = s.property("when") else {
            continue;
        };
        let Some(When::Day(date)) = When::parse(&when.value) else {
            continue;
        };
        let Some(named) = weekday_in(&s.text) else {
            continue;
        };
        if named == date.weekday() {
            continue;
        }
        let mut d = diag(
            index,
            "weekday-mismatch",
            s.range.clone(),
            format!("“{}” but {} was a {}", s.text.trim(), date, weekday_name(date.weekday())),
        )
        .with_help("correct `when=` (or the weekday, if the article got it wrong, with a CriticMarkup correction)");
        // The same weekday within three days either side is the likely intent.
        let nearest = (-3i64..=3)
            .filter_map(|k| date.checked_add(jiff::Span::new().days(k)).ok())
            .find(|c| c.weekday() == named);
        if let Some(c) = nearest {
            d = d.with_fix(Fix {
                title: format!("Set `when={c}` ({})", weekday_name(named)),
                range: when.range.clone(),
                replacement: c.to_string(),
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
    fn weekday_disagrees_with_date() {
        check(
            "weekday-mismatch",
            "North Korea on [Tuesday]{.date when=2022-11-09} accused\n",
            expect![[r#"
            a.news warning: “Tuesday” but 2022-11-09 was a Wednesday
              | North Korea on [Tuesday]{.date when=2022-11-09} accused
              |                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
              = help: correct `when=` (or the weekday, if the article got it wrong, with a CriticMarkup correction)
              = fix (unsafe): "2022-11-09" -> "2022-11-08"
        "#]],
        );
    }

    #[test]
    fn matching_weekday_and_partial_dates_are_quiet() {
        check(
            "weekday-mismatch",
            "[Thursday]{.date when=2022-09-22} [In July]{.date when=2022-07} [Monday]{.date when=2022}\n",
            expect![[r#""#]],
        );
    }
}
