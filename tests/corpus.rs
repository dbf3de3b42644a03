//! The shipped corpus and the real-world corpora: every annotated article
//! strips back to its raw text byte for byte and parses without an error
//! node; the annotated corpus has no error-level finding; the text rules stay
//! quiet on clean real news text (`../shared/corpora`).

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn news_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("corpus"))
        .expect("corpus/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "news"))
        .collect();
    files.sort();
    files
}

#[test]
fn corpus_has_the_five_seed_articles() {
    assert_eq!(news_files().len(), 5, "corpus/ holds one .news per seed");
    for f in news_files() {
        let raw = repo()
            .join("corpus/raw")
            .join(f.with_extension("txt").file_name().expect("file name"));
        assert!(
            raw.is_file(),
            "{} has no raw text at {}",
            f.display(),
            raw.display()
        );
    }
}

#[test]
fn stripping_gives_back_the_raw_text_byte_for_byte() {
    for f in news_files() {
        let news = std::fs::read_to_string(&f).expect("read .news");
        let raw_path = repo()
            .join("corpus/raw")
            .join(f.with_extension("txt").file_name().expect("name"));
        let raw = std::fs::read(&raw_path).expect("read raw");
        let stripped = newsmark::syntax::strip(&news)
            .unwrap_or_else(|e| panic!("{}: syntax errors {e:?}", f.display()));
        assert!(
            stripped.as_bytes() == raw.as_slice(),
            "{}: stripped text differs from {}",
            f.display(),
            raw_path.display()
        );
    }
}

#[test]
fn raw_texts_are_the_seeds_byte_for_byte() {
    let seeds = repo().join("../shared/seeds");
    if !seeds.is_dir() {
        panic!(
            "../shared/seeds is absent: this test needs the shared folder beside the repository"
        );
    }
    for f in news_files() {
        let name = f
            .with_extension("txt")
            .file_name()
            .expect("name")
            .to_owned();
        let raw = std::fs::read(repo().join("corpus/raw").join(&name)).expect("raw");
        let seed = std::fs::read(seeds.join(&name)).expect("seed");
        assert!(raw == seed, "corpus/raw/{name:?} differs from the seed");
    }
}

#[test]
fn every_corpus_file_parses_without_error_nodes() {
    for f in news_files() {
        let text = std::fs::read_to_string(&f).expect("read");
        let tree = newsmark::syntax::parse_tree(&text);
        assert!(
            !tree.root_node().has_error(),
            "{} has ERROR or MISSING nodes",
            f.display()
        );
        let doc = newsmark::syntax::parse(&text);
        assert!(!doc.spans.is_empty(), "{} is annotated", f.display());
    }
}

#[test]
fn annotated_corpus_resolves_every_reference() {
    let root = repo().join("corpus");
    let corpus = newsmark::corpus::Corpus::load(&newsmark::corpus::find_root(&root), &[]);
    assert_eq!(
        corpus.articles.len(),
        5,
        "raw/ is its own corpus and not walked"
    );
    let errors: Vec<String> = newsmark::checks::check_corpus(&corpus)
        .into_iter()
        .filter(|d| {
            d.severity == newsmark::checks::Severity::Error
                || matches!(
                    d.code,
                    "unknown-source"
                        | "unused-entity"
                        | "unsourced-claim"
                        | "weekday-mismatch"
                        | "date-after-publication"
                )
        })
        .map(|d| format!("{:?} {} {}", d.file, d.code, d.message))
        .collect();
    assert!(
        errors.is_empty(),
        "annotation problems in the shipped corpus:\n{}",
        errors.join("\n")
    );
}

/// Every article of the real corpora: `(path, published, body text)`.
fn real_articles() -> Vec<(PathBuf, Option<jiff::civil::Date>, String)> {
    let base = repo().join("../shared/corpora");
    if !base.is_dir() {
        panic!(
            "../shared/corpora is absent: the quiet-on-clean-text test needs it beside the repository"
        );
    }
    let mut out = Vec::new();
    for corpus in ["reuters21578", "wikinews_tosca"] {
        let dir = base.join(corpus);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|e| e == "txt")
                    && p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('0'))
            })
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).expect("utf-8 article");
            let published = text
                .lines()
                .nth(1)
                .and_then(|l| jiff::civil::Date::strptime("%Y-%m-%d", l.trim()).ok());
            out.push((f, published, text));
        }
    }
    out
}

#[test]
fn text_rules_are_quiet_on_clean_real_news() {
    let articles = real_articles();
    assert!(
        articles.len() > 20_000,
        "expected the two real corpora, found {} articles",
        articles.len()
    );
    let base = repo().join("../shared/corpora");
    let mut found = std::collections::BTreeSet::new();
    for (path, published, text) in &articles {
        let rel = path
            .strip_prefix(&base)
            .unwrap_or(path)
            .display()
            .to_string();
        for code in ["garbled-token", "broken-sentence"] {
            for f in newsmark::checks::text_rule(code, text, *published).expect("a text rule") {
                let line = text[..f.range.start].matches('\n').count() + 1;
                found.insert(format!("{rel}:{line} {code}"));
            }
        }
    }
    let known = known_corpus_defects();
    let new: Vec<&String> = found.difference(&known).collect();
    let gone: Vec<&String> = known.difference(&found).collect();
    assert!(
        new.is_empty() && gone.is_empty(),
        "findings on real news text differ from tests/corpora_known_defects.txt\nnew (false positives?): {new:#?}\nno longer found: {gone:#?}"
    );
}

/// Findings in the real corpora that are defects of those texts, reviewed
/// one by one: `file:line rule` lines of tests/corpora_known_defects.txt.
fn known_corpus_defects() -> std::collections::BTreeSet<String> {
    let list = std::fs::read_to_string(repo().join("tests/corpora_known_defects.txt"))
        .expect("known defects list");
    list.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

/// Quoted passages of at least `MIN_WORDS` words in a text (straight or
/// curly double quotes).
fn quoted_passages(text: &str) -> Vec<String> {
    use newsmark::checks::{unlinked_quote::MIN_WORDS, wording::bare_words};
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(open) = rest.find(['"', '“']) {
            let after = &rest[open + rest[open..].chars().next().map_or(1, char::len_utf8)..];
            let Some(close) = after.find(['"', '”']) else {
                break;
            };
            let q = &after[..close];
            if bare_words(q).len() >= MIN_WORDS {
                out.push(q.to_string());
            }
            rest = &after[close + after[close..].chars().next().map_or(1, char::len_utf8)..];
        }
    }
    out
}

/// Word 3-shingles of a text, for finding candidate pairs cheaply.
fn shingles(text: &str) -> std::collections::HashSet<String> {
    let words = newsmark::checks::wording::bare_words(text);
    words.windows(3).map(|w| w.join(" ")).collect()
}

#[test]
fn unlinked_quote_threshold_links_no_unrelated_real_articles() {
    use newsmark::checks::{unlinked_quote::THRESHOLD, wording::similarity};
    use std::collections::{HashMap, HashSet};
    let articles = real_articles();
    let quotes: Vec<(usize, String)> = articles
        .iter()
        .enumerate()
        .flat_map(|(i, (_, _, text))| quoted_passages(text).into_iter().map(move |q| (i, q)))
        .collect();
    // Candidate pairs: quotes sharing at least two 3-word shingles.
    let mut by_shingle: HashMap<String, Vec<usize>> = HashMap::new();
    let qsh: Vec<HashSet<String>> = quotes.iter().map(|(_, q)| shingles(q)).collect();
    for (n, s) in qsh.iter().enumerate() {
        for sh in s {
            by_shingle.entry(sh.clone()).or_default().push(n);
        }
    }
    let mut shared: HashMap<(usize, usize), usize> = HashMap::new();
    for list in by_shingle.values().filter(|l| l.len() < 200) {
        for (x, &a) in list.iter().enumerate() {
            for &b in &list[x + 1..] {
                if quotes[a].0 != quotes[b].0 {
                    *shared.entry((a.min(b), a.max(b))).or_default() += 1;
                }
            }
        }
    }
    let article_shingles: HashMap<usize, HashSet<String>> = HashMap::new();
    let mut article_shingles = article_shingles;
    let mut linked = 0;
    let mut unrelated = Vec::new();
    for (&(a, b), &n) in &shared {
        if n < 2 || similarity(&quotes[a].1, &quotes[b].1) < THRESHOLD {
            continue;
        }
        linked += 1;
        // Two articles are related when their bodies share a good part of
        // their wording (the same story, an update, a duplicate).
        let (ia, ib) = (quotes[a].0, quotes[b].0);
        for i in [ia, ib] {
            article_shingles
                .entry(i)
                .or_insert_with(|| shingles(&articles[i].2));
        }
        let (sa, sb) = (&article_shingles[&ia], &article_shingles[&ib]);
        let common = sa.intersection(sb).count() as f32;
        let overlap = common / sa.len().min(sb.len()).max(1) as f32;
        // The same statement quoted in two stories: a long verbatim run.
        let (wa, wb) = (
            newsmark::checks::wording::bare_words(&quotes[a].1),
            newsmark::checks::wording::bare_words(&quotes[b].1),
        );
        let verbatim = wa.windows(8).any(|w| wb.windows(8).any(|v| v == w));
        if overlap < 0.2 && !verbatim {
            unrelated.push(format!(
                "{} / {}: {:?} ~ {:?}",
                articles[ia].0.display(),
                articles[ib].0.display(),
                quotes[a].1,
                quotes[b].1
            ));
        }
    }
    println!(
        "{} quoted passages, {} pairs at or above {THRESHOLD}",
        quotes.len(),
        linked
    );
    assert!(
        unrelated.is_empty(),
        "{} links between unrelated articles:\n{}",
        unrelated.len(),
        unrelated.join("\n")
    );
}
