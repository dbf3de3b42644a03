//! Document symbols (an outline of an article's quotes, claims, dates and
//! quantities) and workspace symbols (entities, sources, claims; fuzzy).

use super::{Location, article_label};
use crate::checks::FileRef;
use crate::corpus::Corpus;
use crate::syntax::TextRange;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    Quote,
    Claim,
    Date,
    Quantity,
    Entity,
    Source,
    ClaimName,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub range: TextRange,
    pub selection: TextRange,
}

fn short(text: &str) -> String {
    let t: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() > 60 {
        format!("{}…", t.chars().take(59).collect::<String>())
    } else {
        t
    }
}

pub fn document_symbols(corpus: &Corpus, i: usize) -> Vec<Symbol> {
    let Some(a) = corpus.articles.get(i) else {
        return Vec::new();
    };
    a.doc()
        .spans
        .iter()
        .filter_map(|s| {
            let (kind, detail) = match s.kind()? {
                "quote" => (SymbolKind::Quote, s.property("by").map(|b| b.value.clone())),
                "claim" => (SymbolKind::Claim, s.property("by").map(|b| b.value.clone())),
                "date" => (
                    SymbolKind::Date,
                    s.property("when").map(|w| w.value.clone()),
                ),
                "qty" => (
                    SymbolKind::Quantity,
                    s.property("n").map(|n| n.value.clone()),
                ),
                _ => return None,
            };
            Some(Symbol {
                name: short(&s.text),
                detail,
                kind,
                range: s.range.clone(),
                selection: s.content.clone(),
            })
        })
        .collect()
}

/// True if every character of `query` appears in `name` in order (case-insensitive).
fn fuzzy(query: &str, name: &str) -> bool {
    let mut chars = name.chars().flat_map(char::to_lowercase);
    query
        .chars()
        .flat_map(char::to_lowercase)
        .all(|q| chars.any(|c| c == q))
}

/// At most this many workspace symbols are returned (as rust-analyzer's
/// `workspace.symbol.search.limit`): a short query matches thousands of
/// articles in a large corpus, and no one reads past the first screens.
pub const WORKSPACE_SYMBOL_LIMIT: usize = 256;

pub fn workspace_symbols(corpus: &Corpus, query: &str) -> Vec<(Symbol, Location)> {
    let mut out = Vec::new();
    for e in corpus.registry.entities.values() {
        let name = format!("@{} {}", e.id, e.display_name());
        if fuzzy(query, &name) {
            out.push((
                Symbol {
                    name: format!("@{}", e.id),
                    detail: Some(e.display_name().to_string()),
                    kind: SymbolKind::Entity,
                    range: e.range.clone(),
                    selection: e.range.clone(),
                },
                Location {
                    file: FileRef::Registry(e.file),
                    range: e.range.clone(),
                },
            ));
        }
    }
    for c in corpus.registry.claims.values() {
        if fuzzy(query, &c.name) {
            out.push((
                Symbol {
                    name: c.name.clone(),
                    detail: c.text.clone(),
                    kind: SymbolKind::ClaimName,
                    range: c.range.clone(),
                    selection: c.range.clone(),
                },
                Location {
                    file: FileRef::Registry(c.file),
                    range: c.range.clone(),
                },
            ));
        }
    }
    for (i, a) in corpus.articles.iter().enumerate() {
        if out.len() >= WORKSPACE_SYMBOL_LIMIT {
            break;
        }
        let label = article_label(corpus, i);
        if fuzzy(query, &format!("{} {label}", a.summary.id)) {
            let range = a.summary.id_range.clone().unwrap_or(0..0);
            out.push((
                Symbol {
                    name: a.summary.id.clone(),
                    detail: Some(label),
                    kind: SymbolKind::Source,
                    range: range.clone(),
                    selection: range.clone(),
                },
                Location {
                    file: FileRef::Article(i),
                    range,
                },
            ));
        }
    }
    out.truncate(WORKSPACE_SYMBOL_LIMIT);
    out
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::{document_symbols, workspace_symbols};
    use crate::checks::test_support::corpus;

    const CORPUS: &str = "//- /a.news\n+++\nid = \"ap-2022\"\ntitle = \"Denial\"\n+++\n[“We never   sold arms”]{.quote by=@prk} on [Tuesday]{.date when=2022-11-08}, [300,000]{.qty n=300000} [Seoul]{@seoul}\n//- /entities.toml\n[prk]\nname = \"North Korea\"\n[seoul]\nname = \"Seoul\"\n[claims.no-arms]\ntext = \"x\"\n";

    #[test]
    fn outline_of_an_article() {
        let c = corpus(CORPUS);
        let out: Vec<String> = document_symbols(&c, 0)
            .iter()
            .map(|s| format!("{:?} {} {:?}", s.kind, s.name, s.detail))
            .collect();
        expect![[r#"
            Quote “We never sold arms” Some("@prk")
            Date Tuesday Some("2022-11-08")
            Quantity 300,000 Some("300000")"#]]
        .assert_eq(&out.join("\n"));
    }

    #[test]
    fn workspace_symbols_stop_at_the_limit() {
        let fixture: String = (0..300)
            .map(|i| format!("//- /story-{i:03}.news\nText {i}.\n"))
            .collect();
        let c = corpus(&fixture);
        let found = workspace_symbols(&c, "story");
        assert_eq!(found.len(), super::WORKSPACE_SYMBOL_LIMIT);
        // Past the limit of a broad query, a precise one still finds it.
        assert!(
            workspace_symbols(&c, "story-299")
                .iter()
                .any(|(s, _)| s.name == "story-299")
        );
    }

    #[test]
    fn fuzzy_workspace_symbols() {
        let c = corpus(CORPUS);
        let names = |q: &str| {
            workspace_symbols(&c, q)
                .iter()
                .map(|(s, _)| s.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        };
        expect![[r#"
            nk: @prk
            arms: no-arms
            ap22: ap-2022"#]]
        .assert_eq(&format!(
            "nk: {}\narms: {}\nap22: {}",
            names("nk"),
            names("arms"),
            names("ap22")
        ));
    }
}
