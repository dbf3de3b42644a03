//! `--fix`: apply the safe fixes and write each file atomically (a temporary
//! file in the same folder, then a rename), keeping its permissions, and
//! refusing when the file changed since it was read.

use std::io::Write;
use std::path::Path;

use super::check::Outcome;
use crate::checks::{Diagnostic, FileRef};
use crate::corpus::{Article, Corpus};
use crate::syntax;

/// How many times `--fix` fixes and checks again at most (a fix can uncover
/// another: each stray bracket of an error region shows once the one before
/// it is escaped, so a line of ten stray pairs takes ten rounds; 10 was too
/// few, found by `tests/properties.rs` with more cases).
#[doc(hidden)]
pub const MAX_ROUNDS: usize = 100;

/// Applies every safe fix; returns how many were applied and the errors.
pub fn apply_all(outcome: &Outcome) -> (usize, Vec<String>) {
    let mut applied = 0;
    let mut errors = Vec::new();
    for (corpus, diags, _) in &outcome.corpora {
        for (i, article) in corpus.articles.iter().enumerate() {
            let mine: Vec<&Diagnostic> = diags
                .iter()
                .filter(|d| d.file == FileRef::Article(i))
                .collect();
            let (text, n) = match fixed_text(article, &mine) {
                Ok(Some(fixed)) => fixed,
                Ok(None) => continue,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            match write_atomic(&article.path, &text, article.held_text()) {
                Ok(()) => applied += n,
                Err(e) => errors.push(format!("{}: {e}", Corpus::display_path(&article.path))),
            }
        }
    }
    (applied, errors)
}

/// The text of `article` with the safe fixes among `diags` (its findings)
/// applied, and how many; `None` when there is nothing to fix; an error when
/// the result would not keep the article text (then nothing is written).
#[doc(hidden)]
pub fn fixed_text(
    article: &Article,
    diags: &[&Diagnostic],
) -> Result<Option<(String, usize)>, String> {
    if article.plain {
        return Ok(None);
    }
    let mut fixes: Vec<_> = diags
        .iter()
        .filter_map(|d| d.fix.as_ref())
        // A fix with a part in another file would be applied by halves
        // here, file by file: `--fix` leaves it to the editor.
        .filter(|f| f.safe && f.elsewhere.is_none())
        .collect();
    if fixes.is_empty() {
        return Ok(None);
    }
    // Apply from the end; skip a fix that overlaps one already taken.
    fixes.sort_by_key(|f| std::cmp::Reverse((f.range.start, f.range.end)));
    // The invariant that makes a fix safe: the article text is the same
    // before and after (syntax fixes turn an error into text), and a file
    // without syntax errors gets none.
    let original = article.doc();
    let keeps = |text: &str| {
        let after = syntax::parse(text);
        after.plain.text == original.plain.text
            && (after.errors.is_empty() || !original.errors.is_empty())
    };
    let apply = |text: &mut String, floor: &mut usize, f: &crate::checks::Fix| {
        if f.range.end > *floor || f.range.end > text.len() {
            return false;
        }
        text.replace_range(f.range.clone(), &f.replacement);
        *floor = f.range.start;
        true
    };
    let mut text = article.text().into_owned();
    let mut floor = usize::MAX;
    let mut n = 0;
    for f in &fixes {
        n += usize::from(apply(&mut text, &mut floor, f));
    }
    if keeps(&text) {
        return Ok(Some((text, n)));
    }
    // Together they do not keep it: one of them is wrong in its context
    // (e.g. escaping a stray `]` whose error region also holds a stray `[`
    // makes that `[` open a span). Take them one at a time, keeping each
    // that keeps the article text; a few, since each costs a parse.
    let mut text = article.text().into_owned();
    let mut floor = usize::MAX;
    let mut n = 0;
    for f in fixes.iter().take(MAX_ONE_BY_ONE) {
        let mut candidate = text.clone();
        let mut candidate_floor = floor;
        if apply(&mut candidate, &mut candidate_floor, f) && keeps(&candidate) {
            text = candidate;
            floor = candidate_floor;
            n += 1;
        }
    }
    if n == 0 {
        return Err(format!(
            "{}: fixes not applied: they would change the article text",
            Corpus::display_path(&article.path)
        ));
    }
    Ok(Some((text, n)))
}

/// How many fixes of one file are tried one by one when together they would
/// change the article text.
const MAX_ONE_BY_ONE: usize = 64;

/// Writes `text` to `path` atomically. With `expected`, refuses when the
/// file's current content is not `expected` (it changed since it was read).
#[doc(hidden)]
pub fn write_atomic(path: &Path, text: &str, expected: Option<&str>) -> std::io::Result<()> {
    if let Some(expected) = expected {
        let now = std::fs::read(path)?;
        if now != expected.as_bytes() {
            return Err(std::io::Error::other(
                "changed on disk since it was read; not written",
            ));
        }
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".newsmark-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    match std::fs::metadata(path) {
        Ok(meta) => std::fs::set_permissions(tmp.path(), meta.permissions())?,
        // A new file gets the usual mode for documents, not the temporary
        // file's private one.
        #[cfg(unix)]
        Err(_) => {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))?;
        }
        #[cfg(not(unix))]
        Err(_) => {}
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes an output file (import, strip) atomically.
pub fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    write_atomic(path, text, None)
}
