//! Inlay hints: the resolved date after each `.date` span whose text is not
//! already that date ("Thursday" → Thu 2022-09-22).

use crate::checks::dates::{When, weekday_name};
use crate::corpus::Corpus;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlayHint {
    /// Byte offset the hint sits at (the end of the span's text).
    pub offset: usize,
    pub label: String,
}

pub fn inlay_hints(corpus: &Corpus, i: usize) -> Vec<InlayHint> {
    let Some(a) = corpus.articles.get(i) else {
        return Vec::new();
    };
    a.doc()
        .spans
        .iter()
        .filter(|s| s.kind() == Some("date"))
        .filter_map(|s| {
            let when = s.property("when")?;
            if s.text.trim() == when.value {
                return None;
            }
            let label = match When::parse(&when.value)? {
                When::Day(d) => format!("→{} {d}", &weekday_name(d.weekday())[..3]),
                _ => format!("→{}", when.value),
            };
            Some(InlayHint {
                offset: s.content.end,
                label,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::inlay_hints;
    use crate::checks::test_support::corpus;

    #[test]
    fn resolved_dates_after_their_text() {
        let c = corpus(
            "On [Thursday]{.date when=2022-09-22}, [in July]{.date when=2022-07}, [2022-09-22]{.date when=2022-09-22}, [later]{.date}.\n",
        );
        let out: Vec<String> = inlay_hints(&c, 0)
            .iter()
            .map(|h| format!("{} {}", h.offset, h.label))
            .collect();
        expect![[r#"
            12 →Thu 2022-09-22
            46 →2022-07"#]]
        .assert_eq(&out.join("\n"));
    }
}
