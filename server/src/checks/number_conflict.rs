//! `number-conflict`: the same `fact=` quantity given different values in
//! different articles.

use super::cross::Key;
use super::quote_drift::provenance;
use super::{Diagnostic, diag};
use crate::corpus::Corpus;
use crate::corpus::places;

fn value(n: &str) -> Option<f64> {
    n.replace(['_', ','], "").parse().ok()
}

/// Quantities of `wanted` whose value differs from its first one.
pub fn check_fact(corpus: &Corpus, wanted: &str) -> Vec<Diagnostic> {
    // (article, quantity, value), in article order.
    let mut uses: Vec<(usize, &crate::corpus::summary::Quantity, f64)> = Vec::new();
    for i in places(corpus.index.group(&Key::Fact(wanted.into()))) {
        for q in &corpus.articles[i].summary.quantities {
            if q.fact.as_ref().is_none_or(|f| f.value != wanted) {
                continue;
            }
            if let Some(v) = q.n.as_deref().and_then(value) {
                uses.push((i, q, v));
            }
        }
    }
    let fact = wanted;
    let mut out = Vec::new();
    let Some(&(fi, fq, fv)) = uses.first() else {
        return out;
    };
    for &(i, q, v) in uses.iter().skip(1).filter(|(i, _, _)| *i != fi) {
        if (v - fv).abs() > f64::EPSILON * fv.abs().max(1.0) {
            out.push(
                diag(
                    i,
                    "number-conflict",
                    q.range.clone(),
                    format!("`{fact}` is {} here but {} in {}", q.n.as_deref().unwrap_or(""), fq.n.as_deref().unwrap_or(""), provenance(corpus, fi)),
                )
                .with_help("check the figure against the sources; a rounded figure may deserve its own `fact=`"),
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
    fn same_fact_different_values() {
        check(
            "number-conflict",
            "//- /a.news\n[300,000]{.qty n=300000 fact=mobilised} [3]{.qty n=3 fact=recognised}\n//- /b.news\n[350,000]{.qty n=350_000 fact=mobilised} [three]{.qty n=3 fact=recognised}\n",
            expect![[r#"
                b.news warning: `mobilised` is 350_000 here but 300000 in a
                  | [350,000]{.qty n=350_000 fact=mobilised} [three]{.qty n=3 fact=recognised}
                  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
                  = help: check the figure against the sources; a rounded figure may deserve its own `fact=`
            "#]],
        );
    }
}
