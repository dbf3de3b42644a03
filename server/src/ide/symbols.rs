//! Document symbols (an outline of an article's quotes, claims, dates and
//! quantities) and workspace symbols (entities, sources, claims; fuzzy).

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32Str};

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

/// How a query matches a symbol, best first: the whole name, its start,
/// a part of it, or characters scattered through it in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    Exact,
    Prefix,
    Substring,
    Scattered,
}

/// Ranks symbols for one query. The tier is decided by hand, so that an
/// exact, prefix or substring match always comes before a scattered one
/// (a fuzzy score alone does not promise that); within a tier, nucleo's
/// fuzzy score (bonuses for word starts and consecutive characters, as in
/// fzf and Helix) orders them, so `noarms` finds `no-arms-exports` before
/// `@prk-mnd-official`, whose letters are only scattered.
struct Ranker {
    exact: Atom,
    prefix: Atom,
    substring: Atom,
    fuzzy: Atom,
    query: String,
    matcher: Matcher,
    chars: Vec<char>,
    joined: String,
}

impl Ranker {
    fn new(query: &str) -> Ranker {
        let atom = |kind| {
            Atom::new(
                query,
                CaseMatching::Ignore,
                Normalization::Smart,
                kind,
                false,
            )
        };
        Ranker {
            exact: atom(AtomKind::Exact),
            prefix: atom(AtomKind::Prefix),
            substring: atom(AtomKind::Substring),
            fuzzy: atom(AtomKind::Fuzzy),
            query: query.to_string(),
            matcher: Matcher::new(Config::DEFAULT),
            chars: Vec::new(),
            joined: String::new(),
        }
    }

    /// The tier and score of a symbol known by `keys` (its name first, then
    /// what else it is known by), or `None` if the query does not match.
    fn rank(&mut self, keys: &[&str]) -> Option<(Tier, u16)> {
        if self.query.is_empty() {
            return Some((Tier::Prefix, 0));
        }
        // Scattered characters may run across the keys ("@prk North
        // Korea"). Whatever matches otherwise matches this way too, so most
        // symbols are rejected by this one test.
        self.joined.clear();
        for (n, key) in keys.iter().enumerate() {
            if n > 0 {
                self.joined.push(' ');
            }
            self.joined.push_str(key);
        }
        let haystack = Utf32Str::new(&self.joined, &mut self.chars);
        let score = self.fuzzy.score(haystack, &mut self.matcher)?;
        let tier = keys
            .iter()
            .filter_map(|key| self.tier(key))
            .min()
            .unwrap_or(Tier::Scattered);
        Some((tier, score))
    }

    /// How the whole query matches one key: exactly, at its start or
    /// inside it (ignoring case).
    fn tier(&mut self, key: &str) -> Option<Tier> {
        let q = self.query.as_bytes();
        if self.query.is_ascii() && key.is_ascii() {
            let k = key.as_bytes();
            return if k.eq_ignore_ascii_case(q) {
                Some(Tier::Exact)
            } else if k.get(..q.len()).is_some_and(|p| p.eq_ignore_ascii_case(q)) {
                Some(Tier::Prefix)
            } else if k.windows(q.len()).any(|w| w.eq_ignore_ascii_case(q)) {
                Some(Tier::Substring)
            } else {
                None
            };
        }
        // Other scripts: nucleo's case folding and normalisation.
        let haystack = Utf32Str::new(key, &mut self.chars);
        if self.exact.score(haystack, &mut self.matcher).is_some() {
            Some(Tier::Exact)
        } else if self.prefix.score(haystack, &mut self.matcher).is_some() {
            Some(Tier::Prefix)
        } else if self.substring.score(haystack, &mut self.matcher).is_some() {
            Some(Tier::Substring)
        } else {
            None
        }
    }
}

/// At most this many workspace symbols are returned (as rust-analyzer's
/// `workspace.symbol.search.limit`): a short query matches thousands of
/// articles in a large corpus, and no one reads past the first screens.
pub const WORKSPACE_SYMBOL_LIMIT: usize = 256;

/// What a workspace symbol is, before its location is worked out (only for
/// the ones returned).
#[derive(Clone, Copy)]
enum Candidate<'a> {
    Entity(&'a crate::corpus::registry::Entity),
    Claim(&'a crate::corpus::registry::ClaimDef),
    /// A claim (or fact) name used in articles but not in the registry.
    UsedClaim(&'a str),
    Source(usize),
}

/// Where a candidate goes: by tier, then best score, then name.
type Order<'a> = (Tier, std::cmp::Reverse<u16>, &'a str);

/// Entities, claims (registered or only used in articles) and sources whose
/// names match `query`, best match first (see [`Ranker`]), at most
/// [`WORKSPACE_SYMBOL_LIMIT`].
pub fn workspace_symbols(corpus: &Corpus, query: &str) -> Vec<(Symbol, Location)> {
    let mut ranker = Ranker::new(query);
    let mut found: Vec<(Order<'_>, Candidate<'_>)> = Vec::new();
    for e in corpus.registry.entities.values() {
        let at = format!("@{}", e.id);
        if let Some((t, s)) = ranker.rank(&[&at, &e.id, e.display_name()]) {
            found.push(((t, std::cmp::Reverse(s), &e.id), Candidate::Entity(e)));
        }
    }
    for c in corpus.registry.claims.values() {
        if let Some((t, s)) = ranker.rank(&[&c.name]) {
            found.push(((t, std::cmp::Reverse(s), &c.name), Candidate::Claim(c)));
        }
    }
    for name in corpus.index.claim_names() {
        if !corpus.registry.claims.contains_key(name.as_str())
            && let Some((t, s)) = ranker.rank(&[name.as_str()])
        {
            found.push(((t, std::cmp::Reverse(s), name), Candidate::UsedClaim(name)));
        }
    }
    // Every article is ranked, the best match may be the last one: a pass
    // over every summary's id and title (about 30 ms at 100,000 articles,
    // docs/performance.md). One thread: the pass waits on memory reads, and
    // a parallel one was no faster on two cores.
    for (i, a) in corpus.articles.iter().enumerate() {
        let s = &a.summary;
        let label = s.title.as_deref().unwrap_or(&s.id);
        if let Some((t, score)) = ranker.rank(&[&s.id, label]) {
            found.push(((t, std::cmp::Reverse(score), &s.id), Candidate::Source(i)));
        }
    }
    if found.len() > WORKSPACE_SYMBOL_LIMIT {
        found.select_nth_unstable_by(WORKSPACE_SYMBOL_LIMIT, |a, b| a.0.cmp(&b.0));
        found.truncate(WORKSPACE_SYMBOL_LIMIT);
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
        .into_iter()
        .filter_map(|(_, c)| symbol(corpus, c))
        .collect()
}

/// The symbol and location of a candidate.
fn symbol(corpus: &Corpus, c: Candidate<'_>) -> Option<(Symbol, Location)> {
    let (name, detail, kind, location) = match c {
        Candidate::Entity(e) => (
            format!("@{}", e.id),
            Some(e.display_name().to_string()),
            SymbolKind::Entity,
            Location {
                file: FileRef::Registry(e.file),
                range: e.range.clone(),
            },
        ),
        Candidate::Claim(c) => (
            c.name.clone(),
            c.text.clone(),
            SymbolKind::ClaimName,
            Location {
                file: FileRef::Registry(c.file),
                range: c.range.clone(),
            },
        ),
        Candidate::UsedClaim(name) => {
            // Its first appearance: the earliest article using it, at the
            // first `claim=` (or `fact=`) value there, read from the
            // summary (no parse).
            let i = crate::checks::quote_drift::first_appearance(corpus, name)?;
            let s = &corpus.articles[i].summary;
            let range = s
                .claim_refs
                .iter()
                .filter(|c| c.value == name)
                .map(|c| c.range.clone())
                .min_by_key(|r| (r.start, r.end))?;
            (
                name.to_string(),
                Some(format!("first in {}", article_label(corpus, i))),
                SymbolKind::ClaimName,
                Location {
                    file: FileRef::Article(i),
                    range,
                },
            )
        }
        Candidate::Source(i) => {
            let range = corpus.articles[i].summary.id_range.clone().unwrap_or(0..0);
            (
                corpus.articles[i].summary.id.to_string(),
                Some(article_label(corpus, i)),
                SymbolKind::Source,
                Location {
                    file: FileRef::Article(i),
                    range,
                },
            )
        }
    };
    Some((
        Symbol {
            name,
            detail,
            kind,
            range: location.range.clone(),
            selection: location.range.clone(),
        },
        location,
    ))
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::{document_symbols, workspace_symbols};
    use crate::checks::test_support::corpus;
    use crate::ide::test_support::show;

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

    #[test]
    fn claim_used_only_in_articles_is_found_at_its_first_appearance() {
        let c = corpus(
            "//- /a.news\n+++\npublished = 2022-09-23\n+++\n[“x”]{.claim by=@prk claim=hostile}\n//- /b.news\n+++\npublished = 2022-09-22\n+++\nIt said [“y”]{.quote by=@prk claim=hostile}\n//- /entities.toml\n[prk]\nname = \"North Korea\"\n",
        );
        let out: Vec<String> = workspace_symbols(&c, "hostile")
            .iter()
            .map(|(s, l)| format!("{:?} {} {:?} {}", s.kind, s.name, s.detail, show(&c, l)))
            .collect();
        expect![[r#"ClaimName hostile Some("first in b") b.news 70..77 "hostile""#]]
            .assert_eq(&out.join("\n"));
    }

    #[test]
    fn exact_and_prefix_matches_come_before_substrings_and_scattered_letters() {
        let c = corpus(
            "//- /a.news\n[“x”]{.claim by=@prk-mnd-official claim=no-arms-exports} [“y”]{.claim by=@prk-mnd-official claim=arms-deal}\n//- /entities.toml\n[prk-mnd-official]\nname = \"North Korean Ministry of National Defense official\"\n[claims.arms]\ntext = \"x\"\n[claims.disarms]\ntext = \"y\"\n",
        );
        let names = |q: &str| {
            workspace_symbols(&c, q)
                .iter()
                .map(|(s, _)| s.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        };
        expect![[r#"
            noarms: no-arms-exports, @prk-mnd-official
            arms: arms, arms-deal, no-arms-exports, disarms, @prk-mnd-official"#]]
        .assert_eq(&format!(
            "noarms: {}\narms: {}",
            names("noarms"),
            names("arms")
        ));
    }

    #[test]
    fn accents_and_case_do_not_hide_a_prefix_match() {
        let c = corpus(
            "//- /entities.toml\n[kr-capital]\nname = \"Séoul Special City\"\n[sejong-officials]\nname = \"South Korea local office\"\n[capital-area]\nname = \"Greater Seoul area\"\n",
        );
        let found: Vec<String> = workspace_symbols(&c, "SEOUL")
            .iter()
            .map(|(s, _)| s.name.clone())
            .collect();
        // `kr-capital` by its name's start (accent and case aside), then
        // `capital-area` by a part of its name, `sejong-officials` only by
        // scattered letters.
        assert_eq!(found, ["@kr-capital", "@capital-area", "@sejong-officials"]);
    }
}
