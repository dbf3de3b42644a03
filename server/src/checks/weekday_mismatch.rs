//! `weekday-mismatch`: a `.date` span names a weekday that its `when=` date
//! does not fall on ("Tuesday" with `when=2022-11-09`).

use super::dates::{When, weekday_in, weekday_name};
use super::{Diagnostic, Fix, diag};
use crate::corpus::Article;

pub fn check(index: usize, a: &Article) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in a.doc.spans.iter().filter(|s| s.kind() == Some("date")) {
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
            });
        }
        out.push(d);
    }
    out
}
