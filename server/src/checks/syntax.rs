//! `syntax`: markup that does not parse (unclosed `[`, `]` with no `{…}`, bad
//! attributes, unterminated front matter or CriticMarkup) and attribute values
//! that cannot mean anything (an unknown `.kind`, a `when=` that is no date).

use super::dates::When;
use super::{Diagnostic, Fix, Severity, diag};
use crate::corpus::Article;

pub const KINDS: &[&str] = &["quote", "claim", "date", "qty", "src"];

pub fn check(index: usize, a: &Article) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = a
        .doc
        .errors
        .iter()
        .map(|e| {
            let mut d = diag(index, "syntax", e.range.clone(), e.message.clone());
            d.help = e.help.clone();
            if let Some((range, replacement)) = &e.fix {
                d.fix = Some(Fix {
                    title: "Escape the brackets (keeps them as article text)".into(),
                    range: range.clone(),
                    replacement: replacement.clone(),
                    safe: true,
                });
            }
            d
        })
        .collect();
    for span in &a.doc.spans {
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
