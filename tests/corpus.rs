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
