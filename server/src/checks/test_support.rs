//! Data-driven tests for the rules: a fixture holds one or more files, each
//! started by a `//- /path` line (the first may omit it and is `/a.news`);
//! the output shows each finding of the rule under test as the source line
//! with `^` under its range, so a snapshot reads like the editor would show it.

use std::path::PathBuf;

use expect_test::Expect;

use super::{FileRef, check_corpus};
use crate::corpus::Corpus;

pub(crate) fn corpus(fixture: &str) -> Corpus {
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut current: Option<(PathBuf, String)> = None;
    for line in fixture.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("//- ") {
            if let Some(f) = current.take() {
                files.push(f);
            }
            current = Some((
                PathBuf::from(format!("/corpus{}", path.trim())),
                String::new(),
            ));
        } else {
            current
                .get_or_insert_with(|| (PathBuf::from("/corpus/a.news"), String::new()))
                .1
                .push_str(line);
        }
    }
    files.extend(current);
    Corpus::from_files(&PathBuf::from("/corpus"), files)
}

/// Renders the findings of rule `code` in the fixture.
pub(crate) fn render(code: &str, fixture: &str) -> String {
    let corpus = corpus(fixture);
    let mut out = String::new();
    for d in check_corpus(&corpus).into_iter().filter(|d| d.code == code) {
        let (path, text) = match d.file {
            FileRef::Article(i) => (
                &corpus.articles[i].path,
                &corpus.articles[i].text().into_owned(),
            ),
            FileRef::Registry(i) => (
                &corpus.registry_files[i].path,
                &corpus.registry_files[i].text,
            ),
            FileRef::Config => match &corpus.config_file {
                Some(f) => (&f.path, &f.text),
                None => continue,
            },
        };
        let line_start = text[..d.range.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[d.range.start..]
            .find('\n')
            .map_or(text.len(), |i| d.range.start + i);
        let line = &text[line_start..line_end];
        let col = text[line_start..d.range.start].chars().count();
        let width = text[d.range.start..d.range.end.min(line_end).max(d.range.start)]
            .chars()
            .count()
            .max(1);
        out.push_str(&format!(
            "{} {}: {}\n  | {line}\n  | {}{}\n",
            path.strip_prefix("/corpus").unwrap_or(path).display(),
            d.severity.as_str(),
            d.message,
            " ".repeat(col),
            "^".repeat(width),
        ));
        if let Some(h) = &d.help {
            out.push_str(&format!("  = help: {h}\n"));
        }
        if let Some(f) = &d.fix {
            let safe = if f.safe { "" } else { " (unsafe)" };
            if f.edits_here() {
                out.push_str(&format!(
                    "  = fix{safe}: {:?} -> {:?}\n",
                    &text[f.range.clone()],
                    f.replacement
                ));
            }
            // The same fix's edit in another file.
            if let Some(e) = &f.elsewhere
                && let Some((path, text)) = corpus.file_text(e.file)
            {
                out.push_str(&format!(
                    "  = fix{safe} in {}: {:?} -> {:?}\n",
                    path.strip_prefix("/corpus").unwrap_or(path).display(),
                    &text[e.range.clone()],
                    e.replacement
                ));
            }
        }
    }
    out
}

pub(crate) fn check(code: &str, fixture: &str, expected: Expect) {
    expected.assert_eq(&render(code, fixture));
}
