//! The rules and the editor features on a small corpus made from the input.
//!
//! The input is UTF-8 text in the fixture format of the rule tests: files are
//! started by a line `//- /name` (the first may omit it and is `/a.news`), so
//! the seeds are readable corpora, e.g. two articles and an `entities.toml`.
//! Every rule runs (`checks::check_corpus`), then every `ide` feature at a
//! few offsets of every file; nothing may panic, and every range that comes
//! back must lie inside its file on char boundaries.

#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use newsmark::checks::{self, FileRef};
use newsmark::corpus::Corpus;
use newsmark::ide;
use newsmark::syntax::TextRange;

/// At most this many files per corpus (the rest of the input is dropped).
const MAX_FILES: usize = 5;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let root = PathBuf::from("/corpus");
    let corpus = Corpus::from_files(&root, files(input));

    let findings = checks::check_corpus(&corpus);
    for d in &findings {
        in_file(&corpus, d.file, &d.range, d.code);
        if let Some(f) = &d.fix {
            in_file(&corpus, d.file, &f.range, d.code);
        }
    }

    let mut refs: Vec<FileRef> = (0..corpus.articles.len()).map(FileRef::Article).collect();
    refs.extend((0..corpus.registry_files.len()).map(FileRef::Registry));
    if corpus.config_file.is_some() {
        refs.push(FileRef::Config);
    }
    for file in refs {
        let Some((_, text)) = corpus.file_text(file) else {
            continue;
        };
        let text = text.to_string();
        let mine: Vec<checks::Diagnostic> = findings
            .iter()
            .filter(|d| d.file == file)
            .cloned()
            .collect();
        for l in ide::code_lens::code_lenses(&corpus, file) {
            in_file(&corpus, file, &l.range, "code lens");
        }
        if let FileRef::Article(i) = file {
            for s in ide::symbols::document_symbols(&corpus, i) {
                in_file(&corpus, file, &s.range, "symbol");
                in_file(&corpus, file, &s.selection, "symbol selection");
            }
            for r in ide::folding::folding_ranges(&corpus, i) {
                in_file(&corpus, file, &r, "folding range");
            }
            for (r, _) in ide::semantic_tokens::semantic_tokens(&corpus, i) {
                in_file(&corpus, file, &r, "semantic token");
            }
            let _ = ide::inlay_hints::inlay_hints(&corpus, i);
        }
        for offset in offsets(&text) {
            if let Some(h) = ide::hover::hover(&corpus, file, offset) {
                in_file(&corpus, file, &h.range, "hover");
            }
            for l in ide::definition::definition(&corpus, file, offset) {
                in_file(&corpus, l.file, &l.range, "definition");
            }
            for include in [false, true] {
                for l in ide::references::references(&corpus, file, offset, include) {
                    in_file(&corpus, l.file, &l.range, "reference");
                }
            }
            let chain = ide::selection::selection_ranges(&corpus, file, offset);
            for (i, r) in chain.iter().enumerate() {
                in_file(&corpus, file, r, "selection range");
                if let Some(inner) = i.checked_sub(1).map(|j| &chain[j]) {
                    assert!(
                        r.start <= inner.start && inner.end <= r.end && r != inner,
                        "selection range {r:?} does not hold {inner:?}"
                    );
                }
            }
            for h in ide::highlight::document_highlights(&corpus, file, offset) {
                in_file(&corpus, file, &h.range, "document highlight");
            }
            for item in ide::completion::completions(&corpus, file, offset).items {
                in_file(&corpus, file, &item.range, "completion");
            }
            if let Ok((r, _)) = ide::rename::prepare_rename(&corpus, file, offset) {
                in_file(&corpus, file, &r, "prepare rename");
                if let Ok(edits) = ide::rename::rename(&corpus, file, offset, "renamed-id") {
                    for e in edits {
                        in_file(&corpus, e.file, &e.range, "rename edit");
                    }
                }
            }
            let end = next_boundary(&text, offset);
            for range in [offset..offset, offset..end] {
                // Whole (editors that cannot resolve) and deferred, then
                // resolved (`codeAction/resolve`).
                for defer in [false, true] {
                    for a in
                        ide::code_actions::code_actions(&corpus, file, range.clone(), &mine, defer)
                    {
                        let resolved = a
                            .deferred
                            .iter()
                            .flat_map(|d| ide::code_actions::resolve(&corpus, d));
                        for e in a.edits.into_iter().chain(resolved) {
                            in_file(&corpus, e.file, &e.range, "code action edit");
                        }
                    }
                }
            }
        }
    }
    for query in ["", "a", "north"] {
        for (_, l) in ide::symbols::workspace_symbols(&corpus, query) {
            in_file(&corpus, l.file, &l.range, "workspace symbol");
        }
    }
});

/// Splits the input into files under `/corpus`.
fn files(input: &str) -> Vec<(PathBuf, String)> {
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut current: Option<(PathBuf, String)> = None;
    for line in input.split_inclusive('\n') {
        if let Some(name) = line.strip_prefix("//- ") {
            files.extend(current.take());
            if files.len() == MAX_FILES {
                return files;
            }
            current = Some((path(name), String::new()));
        } else {
            current
                .get_or_insert_with(|| (path("/a.news"), String::new()))
                .1
                .push_str(line);
        }
    }
    files.extend(current);
    files.truncate(MAX_FILES);
    files
}

/// `/corpus/<name>`, keeping only plain path characters and no `..`.
fn path(name: &str) -> PathBuf {
    let clean: String = name
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'))
        .collect();
    let parts: Vec<&str> = clean
        .split('/')
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .collect();
    if parts.is_empty() {
        return PathBuf::from("/corpus/x.news");
    }
    PathBuf::from(format!("/corpus/{}", parts.join("/")))
}

/// A few cursor positions (char boundaries, as the server gives them): the
/// start and end, just inside and after the first markup characters, and a
/// few spread over the file.
fn offsets(text: &str) -> Vec<usize> {
    let mut out = vec![0, text.len()];
    let marks = text
        .char_indices()
        .filter(|(_, c)| matches!(c, '[' | ']' | '{' | '}' | '@' | '.' | '#' | '=' | '~' | '"'))
        .take(12);
    for (i, c) in marks {
        out.push(i);
        out.push(i + c.len_utf8());
    }
    for k in 1..4 {
        out.push(floor_boundary(text, text.len() * k / 4));
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn next_boundary(text: &str, i: usize) -> usize {
    text[i..].chars().next().map_or(i, |c| i + c.len_utf8())
}

/// A range that comes back from the core must be a range of its file's text.
fn in_file(corpus: &Corpus, file: FileRef, r: &TextRange, what: &str) {
    let Some((path, text)) = corpus.file_text(file) else {
        panic!("{what}: {file:?} is not a file of the corpus");
    };
    assert!(
        r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end),
        "{what}: {r:?} is not a range of {} ({} bytes)",
        path.display(),
        text.len()
    );
}
