//! Fixtures for the editor features: the files of `checks::test_support`
//! plus a `$0` cursor marker in one of them.

use crate::checks::FileRef;
use crate::corpus::Corpus;

/// The corpus, the file holding `$0`, and the cursor's byte offset. As in
/// the language server, only the file with the cursor (the open one) keeps
/// its parsed document: every feature must work from the others' summaries
/// (or parse them again).
pub(crate) fn fixture(text: &str) -> (Corpus, FileRef, usize) {
    let mut corpus = crate::checks::test_support::corpus(&text.replace("$0", ""));
    // Find the file and offset of the marker by re-reading the fixture.
    let mut current = "/a.news".to_string();
    let mut offset_in_file = 0;
    let mut found = None;
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("//- ") {
            current = path.trim().to_string();
            offset_in_file = 0;
            continue;
        }
        if let Some(col) = line.find("$0") {
            found = Some((current.clone(), offset_in_file + col));
        }
        offset_in_file += line.replace("$0", "").len();
    }
    let (path, offset) = found.expect("fixture has a $0 cursor");
    let full = std::path::PathBuf::from(format!("/corpus{path}"));
    let file = if let Some(i) = corpus.articles.iter().position(|a| a.path == full) {
        FileRef::Article(i)
    } else if let Some(i) = corpus.registry_files.iter().position(|f| f.path == full) {
        FileRef::Registry(i)
    } else {
        FileRef::Config
    };
    for (i, a) in corpus.articles.iter_mut().enumerate() {
        if file != FileRef::Article(i) {
            a.compact();
        }
    }
    (corpus, file, offset)
}

/// `path:start..end "text"` for a location.
pub(crate) fn show(corpus: &Corpus, loc: &super::Location) -> String {
    let (path, text) = match loc.file {
        FileRef::Article(i) => (
            &corpus.articles[i].path,
            &corpus.articles[i].text().into_owned(),
        ),
        FileRef::Registry(i) => (
            &corpus.registry_files[i].path,
            &corpus.registry_files[i].text,
        ),
        FileRef::Config => return "newsmark.toml".into(),
    };
    format!(
        "{} {:?} {:?}",
        path.strip_prefix("/corpus").unwrap_or(path).display(),
        loc.range,
        text.get(loc.range.clone()).unwrap_or("")
    )
}
