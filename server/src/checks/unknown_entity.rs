//! `unknown-entity`: an `@id` (mention, `by=`, `via=`, `outlet`, a claim's
//! `author`) that the registry does not define.

use super::{Diagnostic, FileRef, Fix, default_severity, diag};
use crate::corpus::Corpus;
use crate::corpus::name::ByName;

/// The registry id closest to `id`, when it is close enough to be a typo.
pub(crate) fn suggest<'a, S: AsRef<str> + Ord + ?Sized + 'a>(
    id: &str,
    candidates: impl Iterator<Item = &'a S>,
) -> Option<&'a S> {
    candidates
        .map(|c| (strsim::damerau_levenshtein(id, c.as_ref()), c))
        // One edit for short ids, two for longer ones: a looser match on
        // three-letter ids (`@wsj` vs `@usa`) would mislead.
        .filter(|(d, c)| {
            let n = c.as_ref().len();
            *d <= if n <= 4 { 1 } else { 2.max(n / 5) }
        })
        .min()
        .map(|(_, c)| c)
}

fn message(id: &str, corpus: &Corpus) -> (String, String) {
    let help = match suggest(id, corpus.registry.entities.keys()) {
        Some(s) => {
            format!("did you mean `@{s}`? otherwise add `[{id}]` to the registry (entities.toml)")
        }
        None => format!("add `[{id}]` with its `kind` and `name` to the registry (entities.toml)"),
    };
    (format!("unknown entity `@{id}`"), help)
}

/// The uses of `id` in articles, when the registry does not define it.
pub fn check_id(corpus: &Corpus, id: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if corpus.registry.entities.contains_key(id) {
        return out;
    }
    let Some(uses) = corpus.index.entity_uses.by_name(id) else {
        return out;
    };
    let (m, h) = message(id, corpus);
    let near = suggest(id, corpus.registry.entities.keys());
    for (i, j) in crate::corpus::uses(uses) {
        if let Some(r) = corpus.articles[i].summary.refs.get(j) {
            let mut d = diag(i, "unknown-entity", r.range(), m.clone()).with_help(h.clone());
            if let Some(s) = near {
                // A guess, so never applied by `--fix`; the editor offers it.
                d = d.with_fix(Fix {
                    title: format!("Change to `@{s}`"),
                    range: r.range(),
                    replacement: s.clone(),
                    safe: false,
                    elsewhere: None,
                });
            }
            out.push(d);
        }
    }
    out
}

/// Claim authors in the registry that it does not define.
pub fn check_registry(corpus: &Corpus) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for claim in corpus.registry.claims.values() {
        if let Some(author) = &claim.author {
            let id = author.trim_start_matches('@');
            if !corpus.registry.entities.contains_key(id) {
                let (m, h) = message(id, corpus);
                out.push(Diagnostic {
                    file: FileRef::Registry(claim.file),
                    range: claim.range.clone(),
                    code: "unknown-entity",
                    severity: default_severity("unknown-entity"),
                    message: format!("claim `{}`: author {m}", claim.name),
                    help: Some(h.into()),
                    fix: None,
                });
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
    fn unknown_mentions_speakers_outlets_and_authors() {
        check(
            "unknown-entity",
            r#"//- /a.news
+++
outlet = "@apx"
+++
[North Korea]{@pkr} [“a”]{.quote by=@nobody via=@kcna}
//- /entities.toml
[prk]
name = "North Korea"
[kcna]
name = "KCNA"
[ap]
name = "AP"
[claims.no-arms]
author = "@ghost"
"#,
            expect![[r#"
                a.news error: unknown entity `@apx`
                  | outlet = "@apx"
                  |            ^^^
                  = help: did you mean `@ap`? otherwise add `[apx]` to the registry (entities.toml)
                  = fix (unsafe): "apx" -> "ap"
                a.news error: unknown entity `@pkr`
                  | [North Korea]{@pkr} [“a”]{.quote by=@nobody via=@kcna}
                  |                ^^^
                  = help: did you mean `@prk`? otherwise add `[pkr]` to the registry (entities.toml)
                  = fix (unsafe): "pkr" -> "prk"
                a.news error: unknown entity `@nobody`
                  | [North Korea]{@pkr} [“a”]{.quote by=@nobody via=@kcna}
                  |                                      ^^^^^^
                  = help: add `[nobody]` with its `kind` and `name` to the registry (entities.toml)
                entities.toml error: claim `no-arms`: author unknown entity `@ghost`
                  | [claims.no-arms]
                  |         ^^^^^^^
                  = help: add `[ghost]` with its `kind` and `name` to the registry (entities.toml)
            "#]],
        );
    }
}
