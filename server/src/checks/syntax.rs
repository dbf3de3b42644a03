//! `syntax`: markup that does not parse (unclosed `[`, `]` with no `{…}`, bad
//! attributes, unterminated front matter or CriticMarkup) and attribute values
//! that cannot mean anything (an unknown `.kind`, a `when=` that is no date).

use super::dates::When;
use super::{Diagnostic, Fix, Severity, diag};
use crate::corpus::Article;

pub const KINDS: &[&str] = &["quote", "claim", "date", "qty", "src"];

pub fn check(index: usize, a: &Article) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = a
        .doc()
        .errors
        .iter()
        .map(|e| {
            let mut d = diag(index, "syntax", e.range.clone(), e.message.clone());
            d.help = e.help.as_deref().map(Into::into);
            if let Some((range, replacement)) = &e.fix {
                d.fix = Some(Box::new(Fix {
                    title: "Escape the brackets (keeps them as article text)".into(),
                    range: range.clone(),
                    replacement: replacement.clone(),
                    safe: true,
                    elsewhere: None,
                }));
            }
            d
        })
        .collect();
    for span in &a.doc().spans {
        if let Some(kind) = &span.kind
            && !KINDS.contains(&kind.value.as_str())
        {
            out.push(
                diag(
                    index,
                    "syntax",
                    kind.range.clone(),
                    format!("unknown kind `.{}`", kind.value),
                )
                .with_help(format!(
                    "kinds are {}",
                    KINDS
                        .iter()
                        .map(|k| format!("`.{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .with_severity(Severity::Warning),
            );
        }
        if let Some(when) = span.property("when")
            && !when.value.is_empty()
            && When::parse(&when.value).is_none()
        {
            out.push(
                diag(index, "syntax", when.range.clone(), format!("`when={}` is not a date", when.value))
                    .with_help("write an ISO date `2022-09-22`, a month `2022-09`, a year `2022` or a decade `1950s`"),
            );
        }
        if let Some(n) = span.property("n")
            && n.value.replace(['_', ','], "").parse::<f64>().is_err()
        {
            out.push(
                diag(
                    index,
                    "syntax",
                    n.range.clone(),
                    format!("`n={}` is not a number", n.value),
                )
                .with_help("write the quantity as digits, e.g. `n=300000` or `n=2.5`"),
            );
        }
        for p in span.properties.iter().filter(|p| p.key.value == "allow") {
            for code in p.value.value.split(',').map(str::trim) {
                if super::rule(code).is_none() {
                    out.push(
                        diag(
                            index,
                            "syntax",
                            p.value.range.clone(),
                            format!("`allow={}` names no rule `{code}`", p.value.value),
                        )
                        .with_help("rule codes are listed by `newsmark rules` and in docs/rules.md")
                        .with_severity(Severity::Warning),
                    );
                }
            }
        }
        for key in ["by", "via"] {
            if let Some(v) = span.property(key)
                && !v.value.starts_with('@')
            {
                out.push(
                    diag(
                        index,
                        "syntax",
                        v.range.clone(),
                        format!("`{key}=` takes an entity reference, not `{}`", v.value),
                    )
                    .with_help(format!("write `{key}=@id` with an id from the registry")),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::test_support::check;
    use expect_test::expect;

    #[test]
    fn unclosed_bracket_offers_escape() {
        check(
            "syntax",
            "North Korea [said on Thursday.\n",
            expect![[r#"
            a.news error: unclosed `[`: a span is written `[text]{attributes}`
              | North Korea [said on Thursday.
              |             ^
              = help: close the span with `]{…}`, or write a literal bracket as `\[`
              = fix: "[" -> "\\["
        "#]],
        );
    }

    #[test]
    fn bracket_without_attributes() {
        check(
            "syntax",
            "the [Korean Central News Agency] said\n",
            expect![[r#"
            a.news error: `]` with no `{…}` attribute block: a span needs attributes
              | the [Korean Central News Agency] said
              |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^
              = help: add attributes right after `]`, e.g. `]{@id}`, or escape literal brackets as `\[` and `\]`
              = fix: "[Korean Central News Agency]" -> "\\[Korean Central News Agency\\]"
        "#]],
        );
    }

    #[test]
    fn bad_attribute_and_bad_values() {
        check(
            "syntax",
            "[x]{@a %%} [Tuesday]{.date when=2022-13-01} [3]{.qty n=three} [y]{.gossip} [z]{.quote by=kcna}\n",
            expect![[r#"
                a.news error: bad attribute `%%`
                  | [x]{@a %%} [Tuesday]{.date when=2022-13-01} [3]{.qty n=three} [y]{.gossip} [z]{.quote by=kcna}
                  |        ^^
                  = help: attributes are `@id`, `.kind`, `#anchor`, `key=value`, `key="a value"` or a bare word
                a.news error: `when=2022-13-01` is not a date
                  | [x]{@a %%} [Tuesday]{.date when=2022-13-01} [3]{.qty n=three} [y]{.gossip} [z]{.quote by=kcna}
                  |                                 ^^^^^^^^^^
                  = help: write an ISO date `2022-09-22`, a month `2022-09`, a year `2022` or a decade `1950s`
                a.news error: `n=three` is not a number
                  | [x]{@a %%} [Tuesday]{.date when=2022-13-01} [3]{.qty n=three} [y]{.gossip} [z]{.quote by=kcna}
                  |                                                        ^^^^^
                  = help: write the quantity as digits, e.g. `n=300000` or `n=2.5`
                a.news warning: unknown kind `.gossip`
                  | [x]{@a %%} [Tuesday]{.date when=2022-13-01} [3]{.qty n=three} [y]{.gossip} [z]{.quote by=kcna}
                  |                                                                    ^^^^^^
                  = help: kinds are `.quote`, `.claim`, `.date`, `.qty`, `.src`
                a.news error: `by=` takes an entity reference, not `kcna`
                  | [x]{@a %%} [Tuesday]{.date when=2022-13-01} [3]{.qty n=three} [y]{.gossip} [z]{.quote by=kcna}
                  |                                                                                          ^^^^
                  = help: write `by=@id` with an id from the registry
            "#]],
        );
    }

    #[test]
    fn unterminated_correction() {
        check(
            "syntax",
            "the {~~src950s~>1950s, though\n",
            expect![[r#"
            a.news error: unterminated correction: expected `~~}`
              | the {~~src950s~>1950s, though
              |                              ^
              = help: a correction is written `{~~original~>replacement~~}` on one line
        "#]],
        );
    }

    #[test]
    fn allow_does_not_silence_syntax() {
        check(
            "syntax",
            "+++\nallow = [\"syntax\"]\n+++\n[x] y\n",
            expect![[r#"
            a.news error: `]` with no `{…}` attribute block: a span needs attributes
              | [x] y
              | ^^^
              = help: add attributes right after `]`, e.g. `]{@id}`, or escape literal brackets as `\[` and `\]`
              = fix: "[x]" -> "\\[x\\]"
        "#]],
        );
    }
}
