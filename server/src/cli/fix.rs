//! `--fix`: apply the safe fixes and write each file atomically (a temporary
//! file in the same folder, then a rename), keeping its permissions, and
//! refusing when the file changed since it was read.

use std::io::Write;
use std::path::Path;

use super::check::Outcome;
use crate::checks::FileRef;
use crate::corpus::Corpus;
use crate::syntax;

/// Applies every safe fix; returns how many were applied and the errors.
pub fn apply_all(outcome: &Outcome) -> (usize, Vec<String>) {
    let mut applied = 0;
    let mut errors = Vec::new();
    for (corpus, diags, _) in &outcome.corpora {
        for (i, article) in corpus.articles.iter().enumerate() {
            if article.plain {
                continue;
            }
            let mut fixes: Vec<_> = diags
                .iter()
                .filter(|d| d.file == FileRef::Article(i))
                .filter_map(|d| d.fix.as_ref())
                .filter(|f| f.safe)
                .collect();
            if fixes.is_empty() {
                continue;
            }
            // Apply from the end; skip a fix that overlaps one already taken.
            fixes.sort_by_key(|f| std::cmp::Reverse((f.range.start, f.range.end)));
            let mut text = article.text.clone();
            let mut floor = usize::MAX;
            let mut n = 0;
            for f in fixes {
                if f.range.end > floor || f.range.end > text.len() {
                    continue;
                }
                text.replace_range(f.range.clone(), &f.replacement);
                floor = f.range.start;
                n += 1;
            }
            // The invariant that makes a fix safe: the article text is the
            // same before and after (syntax fixes turn an error into text).
            let before = article.doc.plain.text.clone();
            let after = syntax::parse(&text);
            if after.plain.text != before
                || (!after.errors.is_empty() && article.doc.errors.is_empty())
            {
                errors.push(format!(
                    "{}: fixes not applied: they would change the article text",
                    Corpus::display_path(&article.path)
                ));
                continue;
            }
            match write_atomic(&article.path, &text, Some(&article.text)) {
                Ok(()) => applied += n,
                Err(e) => errors.push(format!("{}: {e}", Corpus::display_path(&article.path))),
            }
        }
    }
    (applied, errors)
}

/// Writes `text` to `path` atomically. With `expected`, refuses when the
/// file's current content is not `expected` (it changed since it was read).
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
