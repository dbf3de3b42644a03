//! `newsmark export` end to end: the shipped corpus exported by the real
//! binary, then read back. brat: every `T` annotation covers exactly its
//! text at its code-point offsets, every `.txt` is `newsmark strip` of its
//! article byte for byte, and the annotations (type, offsets, `@id`, `by=`,
//! `claim=`, `when=`) are the parsed corpus's spans. W3C: every file is
//! JSON and every TextPositionSelector selects its TextQuoteSelector's text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use newsmark::corpus::{Corpus, Registry};
use newsmark::syntax::Span;

#[path = "support/common.rs"]
mod common;
use common::*;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A temp folder holding `corpus/` (a copy of the shipped corpus).
fn corpus_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    copy_dir(&repo().join("corpus"), &corpus);
    (dir, corpus)
}

/// What the test compares: type, code-point start and end, and the
/// `@id`s, `by=`, `claim=` and `when=` of the span.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    label: String,
    start: usize,
    end: usize,
    ids: Vec<String>,
    by: Option<String>,
    claim: Option<String>,
    when: Option<String>,
}

/// One `T` line of a `.ann` file, with its notes.
#[derive(Debug)]
struct TextBound {
    label: String,
    fragments: Vec<(usize, usize)>,
    covered: String,
    notes: String,
}

/// A small reader of brat `.ann` files: `T` lines and `AnnotatorNotes`;
/// every other line must be a well-formed `A`, `N` or `#` line pointing at
/// a `T` of the file.
fn read_ann(ann: &str) -> BTreeMap<String, TextBound> {
    let mut bounds: BTreeMap<String, TextBound> = BTreeMap::new();
    let mut refs = Vec::new();
    for line in ann.lines() {
        let mut fields = line.splitn(3, '\t');
        let id = fields.next().unwrap_or("");
        let data = fields.next().unwrap_or_else(|| panic!("no data: {line:?}"));
        let tail = fields.next();
        match id.chars().next() {
            Some('T') => {
                let (label, offsets) = data.split_once(' ').expect("type and offsets");
                let fragments = offsets
                    .split(';')
                    .map(|f| {
                        let (s, e) = f.split_once(' ').expect("start end");
                        (s.parse().expect("start"), e.parse().expect("end"))
                    })
                    .collect();
                bounds.insert(
                    id.to_string(),
                    TextBound {
                        label: label.to_string(),
                        fragments,
                        covered: tail.expect("covered text").to_string(),
                        notes: String::new(),
                    },
                );
            }
            Some('A') => {
                let (name, target) = data.split_once(' ').expect("attribute and target");
                assert!(["Anon", "Future"].contains(&name), "{line}");
                refs.push(target.to_string());
            }
            Some('N') => {
                let parts: Vec<&str> = data.split(' ').collect();
                assert_eq!(parts.len(), 3, "{line}");
                assert_eq!(parts[0], "Reference", "{line}");
                let q = parts[2].strip_prefix("Wikidata:Q").expect("Wikidata:Q…");
                assert!(q.chars().all(|c| c.is_ascii_digit()), "{line}");
                assert!(tail.is_some_and(|t| !t.is_empty()), "{line}");
                refs.push(parts[1].to_string());
            }
            Some('#') => {
                let target = data
                    .strip_prefix("AnnotatorNotes ")
                    .expect("AnnotatorNotes");
                let bound = bounds.get_mut(target).expect("notes after their T");
                bound.notes = tail.expect("notes").to_string();
            }
            _ => panic!("unexpected line {line:?}"),
        }
    }
    for r in refs {
        assert!(bounds.contains_key(&r), "{r} is not a T of the file");
    }
    bounds
}

/// Splits notes into Newsmark attributes (`key="a b"` stays one).
fn tokens(notes: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in notes.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == ' ' && !quoted {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn key_from_ann(t: &TextBound) -> Key {
    let toks = tokens(&t.notes);
    let prop = |k: &str| {
        toks.iter()
            .find_map(|t| t.strip_prefix(&format!("{k}=")).map(str::to_string))
    };
    let mut ids: Vec<String> = toks
        .iter()
        .filter_map(|t| t.strip_prefix('@').map(str::to_string))
        .collect();
    ids.sort();
    Key {
        label: t.label.clone(),
        start: t.fragments.first().map_or(0, |f| f.0),
        end: t.fragments.last().map_or(0, |f| f.1),
        ids,
        by: prop("by"),
        claim: prop("claim"),
        when: prop("when"),
    }
}

/// The type a span must get, written out here rather than taken from the
/// exporter.
fn expected_label(span: &Span, registry: &Registry) -> String {
    let by_kind = [
        ("quote", "Quote"),
        ("claim", "Claim"),
        ("date", "Date"),
        ("qty", "Quantity"),
        ("src", "Source"),
    ];
    if let Some(kind) = span.kind() {
        return by_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or("Span", |(_, l)| l)
            .to_string();
    }
    let Some(first) = span.entities.first() else {
        return "Span".into();
    };
    match registry
        .entities
        .get(&first.value)
        .and_then(|e| e.kind.clone())
    {
        Some(kind) => {
            let mut chars = kind.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
        None => "Mention".into(),
    }
}

fn expected_keys(corpus: &Corpus, i: usize) -> Vec<Key> {
    let doc = &corpus.articles[i].doc();
    let text = &doc.plain.text;
    let chars = |byte: usize| text[..byte].chars().count();
    let mut keys: Vec<Key> = doc
        .spans
        .iter()
        .map(|span| {
            let start = doc.plain.from_source(span.content.start);
            let end = doc.plain.from_source(span.content.end);
            assert_eq!(&text[start..end], span.text, "article text of a span");
            let mut ids: Vec<String> = span.entities.iter().map(|e| e.value.clone()).collect();
            ids.sort();
            let prop = |k: &str| span.property(k).map(|v| v.value.clone());
            Key {
                label: expected_label(span, &corpus.registry),
                start: chars(start),
                end: chars(end),
                ids,
                by: prop("by"),
                claim: prop("claim"),
                when: prop("when"),
            }
        })
        .collect();
    keys.sort();
    keys
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{0b}'
            | '\u{0c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

#[test]
fn brat_export_round_trips_the_shipped_corpus() {
    let (dir, corpus_dir) = corpus_copy();
    let out_dir = dir.path().join("out/brat");
    let out = newsmark(
        &["export", "--format", "brat", "corpus", "-o", "out/brat"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "Exported 5 articles to out/brat"
    );
    for conf in ["annotation.conf", "visual.conf", "tools.conf"] {
        assert!(out_dir.join(conf).is_file(), "{conf}");
    }
    let conf = std::fs::read_to_string(out_dir.join("annotation.conf")).expect("conf");

    let corpus = Corpus::load(&corpus_dir, &[]);
    assert_eq!(corpus.articles.len(), 5);
    let mut spans = 0;
    let mut fragmented = 0;
    for (i, article) in corpus.articles.iter().enumerate() {
        let name = &article.summary.id;
        let path = article.path.display().to_string();

        // The .txt is what `newsmark strip` prints, byte for byte.
        let txt = std::fs::read(out_dir.join(format!("{name}.txt"))).expect("txt");
        let strip = newsmark(&["strip", &path], dir.path());
        assert_eq!(strip.status.code(), Some(0), "{}", stderr(&strip));
        assert!(
            txt == strip.stdout,
            "{name}.txt differs from `newsmark strip {path}`"
        );

        let text = String::from_utf8(txt).expect("UTF-8");
        let chars: Vec<char> = text.chars().collect();
        let ann = std::fs::read_to_string(out_dir.join(format!("{name}.ann"))).expect("ann");
        let bounds = read_ann(&ann);
        for (id, t) in &bounds {
            assert!(
                conf.lines().any(|l| l == t.label),
                "{} not in annotation.conf",
                t.label
            );
            // Each fragment is the text at its code-point offsets; fragments
            // are separated by line breaks only and hold none.
            let mut pieces = Vec::new();
            for (k, &(s, e)) in t.fragments.iter().enumerate() {
                assert!(s <= e && e <= chars.len(), "{name} {id}: {s} {e}");
                let piece: String = chars[s..e].iter().collect();
                assert!(!piece.contains(is_line_break) || t.fragments.len() == 1);
                if let Some(&(_, prev_end)) = k.checked_sub(1).and_then(|k| t.fragments.get(k)) {
                    assert!(prev_end < s, "{name} {id}: fragments in order");
                    assert!(chars[prev_end..s].iter().all(|&c| is_line_break(c)));
                }
                pieces.push(piece);
            }
            assert_eq!(pieces.join(" "), t.covered, "{name} {id}");
            fragmented += usize::from(t.fragments.len() > 1);
        }

        let mut got: Vec<Key> = bounds.values().map(key_from_ann).collect();
        got.sort();
        let expected = expected_keys(&corpus, i);
        assert_eq!(
            got.len(),
            article.doc().spans.len(),
            "{name}: one T per span"
        );
        assert_eq!(got, expected, "{name}");
        spans += got.len();
    }
    assert!(
        spans > 400,
        "the seed corpus has hundreds of spans: {spans}"
    );
    // No span of the seed corpus crosses a line break.
    assert_eq!(fragmented, 0);
}

#[test]
fn w3c_export_selectors_select_their_quotes() {
    let (dir, _) = corpus_copy();
    let out = newsmark(
        &["export", "--format", "w3c", "corpus", "-o", "w3c"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut files = 0;
    let mut annotations = 0;
    for entry in std::fs::read_dir(dir.path().join("w3c")).expect("out dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "jsonld") {
            continue;
        }
        files += 1;
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("JSON");
        assert_eq!(json["@context"], "http://www.w3.org/ns/anno.jsonld");
        assert_eq!(json["type"], "AnnotationCollection");
        let text = std::fs::read_to_string(path.with_extension("txt")).expect("txt");
        let chars: Vec<char> = text.chars().collect();
        let items = json["first"]["items"].as_array().expect("items");
        assert_eq!(json["total"].as_u64(), Some(items.len() as u64));
        for item in items {
            assert_eq!(item["type"], "Annotation");
            assert!(item["id"].as_str().is_some_and(|id| !id.is_empty()));
            let motivation = item["motivation"].as_str().expect("motivation");
            assert!(["identifying", "describing", "tagging"].contains(&motivation));
            let selectors = item["target"]["selector"].as_array().expect("selectors");
            let position = selectors
                .iter()
                .find(|s| s["type"] == "TextPositionSelector")
                .expect("TextPositionSelector");
            let quote = selectors
                .iter()
                .find(|s| s["type"] == "TextQuoteSelector")
                .expect("TextQuoteSelector");
            let start = position["start"].as_u64().expect("start") as usize;
            let end = position["end"].as_u64().expect("end") as usize;
            let slice: String = chars[start..end].iter().collect();
            assert_eq!(quote["exact"].as_str(), Some(slice.as_str()), "{item}");
            let prefix = quote["prefix"].as_str().unwrap_or("");
            let suffix = quote["suffix"].as_str().unwrap_or("");
            let before: String = chars[..start].iter().collect();
            let after: String = chars[end..].iter().collect();
            assert!(
                before.ends_with(prefix) && after.starts_with(suffix),
                "{item}"
            );
            annotations += 1;
        }
    }
    assert_eq!(files, 5);
    assert!(annotations > 400);
}

#[test]
fn export_skips_broken_articles_and_reports_write_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("good.news"), "[Seoul]{@seoul} 서울\n").expect("write");
    std::fs::write(dir.path().join("bad.news"), "North Korea [said\n").expect("write");
    let out = newsmark(&["export", "--format", "brat", "-o", "out"], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("bad.news:1:13: unclosed `[`"), "{err}");
    assert!(err.contains("not exported"), "{err}");
    let ann = std::fs::read_to_string(dir.path().join("out/good.ann")).expect("good.ann");
    assert_eq!(
        ann,
        "T1\tMention 0 5\tSeoul\n#1\tAnnotatorNotes T1\t@seoul\n"
    );
    assert!(!dir.path().join("out/bad.txt").exists());

    // The output is a file, not a folder: an I/O error naming it.
    std::fs::write(dir.path().join("taken"), "").expect("write");
    std::fs::remove_file(dir.path().join("bad.news")).expect("remove");
    let out = newsmark(&["export", "--format", "w3c", "-o", "taken"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("taken"), "{}", stderr(&out));

    let out = newsmark(
        &["export", "--format", "w3c", "missing", "-o", "x"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing"), "{}", stderr(&out));
}
