//! `date-conflict`: the same claim, fact or event resolved to different dates
//! in different articles. A month and a day inside it agree; two different
//! days do not.

use super::cross::Key;
use super::dates::When;
use super::quote_drift::provenance;
use super::{Diagnostic, diag};
use crate::corpus::Corpus;
use crate::corpus::places;

/// The days a `when=` covers, as an inclusive range.
fn span_of(w: When) -> Option<(jiff::civil::Date, jiff::civil::Date)> {
    let first = w.first_day()?;
    let last = match w {
        When::Day(d) => d,
        When::Month(..) => first.last_of_month(),
        When::Year(y) => jiff::civil::Date::new(y, 12, 31).ok()?,
        When::Decade(y) => jiff::civil::Date::new(y + 9, 12, 31).ok()?,
    };
    Some((first, last))
}

/// The dates of `event` that disagree with its first one.
pub fn check_event(corpus: &Corpus, event: &str) -> Vec<Diagnostic> {
    // (article, date, parsed `when=`), in article order.
    let mut uses: Vec<(usize, &crate::corpus::summary::DateUse, When)> = Vec::new();
    for i in places(corpus.index.group(&Key::Event(event.into()))) {
        for d in &corpus.articles[i].summary.dates {
            if d.event.as_deref() != Some(event) {
                continue;
            }
            if let Some(w) = d.when.as_ref().and_then(|w| When::parse(&w.value)) {
                uses.push((i, d, w));
            }
        }
    }
    let mut out = Vec::new();
    let Some((fi, fd, fw)) = uses.first().copied() else {
        return out;
    };
    let Some((f0, f1)) = span_of(fw) else {
        return out;
    };
    for &(i, d, w) in uses.iter().skip(1).filter(|(i, _, _)| *i != fi) {
        let Some((s0, s1)) = span_of(w) else { continue };
        let overlap = s0 <= f1 && f0 <= s1;
        if !overlap {
            let first_when = fd.when.as_ref().map_or("", |x| x.value.as_str());
            out.push(
                diag(
                    i,
                    "date-conflict",
                    d.range.clone(),
                    format!(
                        "`{event}` is dated {} here but {first_when} in {}",
                        d.when.as_ref().map_or("", |x| x.value.as_str()),
                        provenance(corpus, fi)
                    ),
                )
                .with_help("check which outlet has the date right; correct the `when=` resolution, or the text with a CriticMarkup correction"),
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
    fn same_event_different_days() {
        check(
            "date-conflict",
            "//- /a.news\n[Thursday]{.date when=2022-09-22 event=denial} [this month]{.date when=2022-09 event=mobilisation}\n//- /b.news\n[Friday]{.date when=2022-09-23 event=denial} [on Sept. 21]{.date when=2022-09-21 event=mobilisation}\n//- /c.news\n[“we said it on [Saturday]{.date when=2022-09-24}”]{.quote by=@o claim=denial}\n",
            expect![[r#"
                b.news warning: `denial` is dated 2022-09-23 here but 2022-09-22 in a
                  | [Friday]{.date when=2022-09-23 event=denial} [on Sept. 21]{.date when=2022-09-21 event=mobilisation}
                  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
                  = help: check which outlet has the date right; correct the `when=` resolution, or the text with a CriticMarkup correction
                c.news warning: `denial` is dated 2022-09-24 here but 2022-09-22 in a
                  | [“we said it on [Saturday]{.date when=2022-09-24}”]{.quote by=@o claim=denial}
                  |                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
                  = help: check which outlet has the date right; correct the `when=` resolution, or the text with a CriticMarkup correction
            "#]],
        );
    }
}
