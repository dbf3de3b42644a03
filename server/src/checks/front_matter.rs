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
