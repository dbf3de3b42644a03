//! Printing findings: rustc/ruff-style snippets, or JSON.

use std::path::Path;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use crate::checks::{Diagnostic, Severity};

/// Line starts of one file, for 1-based line and column numbers.
pub struct LineIndex {
    starts: Vec<usize>,
    /// `(byte offset, chars before it)` every few KB, so that a column on a
    /// very long line is not counted from the line's start each time.
    marks: Vec<(usize, usize)>,
}

/// The distance in bytes between two marks of a [`LineIndex`].
const MARK_EVERY: usize = 4096;

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut marks = Vec::with_capacity(text.len() / MARK_EVERY + 1);
        let (mut at, mut chars) = (0, 0);
        while at < text.len() {
            marks.push((at, chars));
            let next = ceil_char(text, (at + MARK_EVERY).min(text.len()));
            chars += text.get(at..next).map_or(0, |s| s.chars().count());
            at = next;
        }
        LineIndex { starts, marks }
    }

    /// How many chars come before byte `offset` (a char boundary).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let i = self.marks.partition_point(|m| m.0 <= offset);
        let (at, chars) = i
            .checked_sub(1)
            .and_then(|i| self.marks.get(i))
            .copied()
            .unwrap_or((0, 0));
        chars
            + text
                .get(at..offset)
                .map_or(offset - at, |s| s.chars().count())
    }

    /// 1-based line and column; the column counts Unicode scalar values.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let col = match text.get(start..offset) {
            Some(s) if s.len() <= MARK_EVERY => s.chars().count(),
            Some(_) => self.chars_before(text, offset) - self.chars_before(text, start),
            None => offset - start,
        };
        (line + 1, col + 1)
    }

    /// The byte range of the lines that `range` touches.
    fn lines_of(
        &self,
        text: &str,
        range: &std::ops::Range<usize>,
    ) -> (usize, std::ops::Range<usize>) {
        let first = match self.starts.binary_search(&range.start.min(text.len())) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let end = range.end.max(range.start).min(text.len());
        let last_start = match self.starts.binary_search(&end) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let stop = self
            .starts
            .get(last_start + 1)
            .map_or(text.len(), |s| s.saturating_sub(1));
        (first, self.starts[first]..stop.max(self.starts[first]))
    }
}

/// One finding as `--format json` prints it. The fields are declared in
/// the order they are printed, by name (as a `serde_json` map of them
/// printed them): the JSON format serialises these structs directly, the
/// SARIF and GitHub formats through a `serde_json::Value`, which sorts.
#[derive(Debug, Serialize)]
pub struct JsonFinding<'a> {
    pub code: &'a str,
    pub column: usize,
    pub end_byte: usize,
    pub end_column: usize,
    pub end_line: usize,
    pub fix: Option<JsonFix<'a>>,
    pub help: Option<&'a str>,
    pub line: usize,
    pub message: &'a str,
    pub path: String,
    pub severity: &'a str,
    pub start_byte: usize,
}

#[derive(Debug, Serialize)]
pub struct JsonFix<'a> {
    /// The same fix's edit in another file (`unlinked-quote` links a quote
    /// in each of two articles); absent when the fix edits one file only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elsewhere: Option<JsonEdit>,
    pub end_byte: usize,
    pub replacement: &'a str,
    pub safe: bool,
    pub start_byte: usize,
    pub title: &'a str,
}

/// An edit in another file than the finding's.
#[derive(Debug, Serialize)]
pub struct JsonEdit {
    pub end_byte: usize,
    pub path: String,
    pub replacement: String,
    pub start_byte: usize,
}

/// The other file a finding's fix also edits ([`crate::checks::Fix::elsewhere`]):
/// its path and text.
pub type OtherFile<'a> = Option<(&'a Path, &'a str)>;

pub fn json_finding<'a>(
    path: &Path,
    text: &str,
    index: &LineIndex,
    d: &'a Diagnostic,
    other: OtherFile<'_>,
) -> JsonFinding<'a> {
    let (line, column) = index.line_col(text, d.range.start);
    let (end_line, end_column) = index.line_col(text, d.range.end);
    JsonFinding {
        path: crate::corpus::Corpus::display_path(path),
        code: d.code,
        severity: d.severity.as_str(),
        message: &d.message,
        help: d.help.as_deref(),
        line,
        column,
        end_line,
        end_column,
        start_byte: d.range.start,
        end_byte: d.range.end,
        fix: d.fix.as_ref().map(|f| JsonFix {
            title: &f.title,
            replacement: &f.replacement,
            start_byte: f.range.start,
            end_byte: f.range.end,
            safe: f.safe,
            elsewhere: f
                .elsewhere
                .as_ref()
                .zip(other)
                .map(|(e, (path, _))| JsonEdit {
                    path: crate::corpus::Corpus::display_path(path),
                    replacement: e.replacement.clone(),
                    start_byte: e.range.start,
                    end_byte: e.range.end,
                }),
        }),
    }
}

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
        Severity::Hint | Severity::Off => Level::NOTE.with_name("hint"),
    }
}

/// Lines longer than this are shown cut around the finding (a scraped
/// article may be one 20 MB line); shorter ones are passed whole so the
/// reported column is the line's own (the renderer elides long lines itself).
const MAX_SHOWN: usize = 100_000;

/// A rustc-style report for one finding.
pub fn human(
    path: &Path,
    text: &str,
    index: &LineIndex,
    d: &Diagnostic,
    other: OtherFile<'_>,
    color: bool,
) -> String {
    let (first_line, lines) = index.lines_of(text, &d.range);
    let path_shown = crate::corpus::Corpus::display_path(path);
    // Show only the lines the finding touches (a scraped article may be one
    // 20 MB line), cut to a window around the finding when very long.
    let mut shown = lines.clone();
    if shown.len() > MAX_SHOWN {
        let lo = floor_char(text, d.range.start.saturating_sub(200).max(lines.start));
        let hi = ceil_char(text, (d.range.end.max(d.range.start) + 200).min(lines.end));
        shown = lo..hi.max(lo);
    }
    let src = &text[shown.clone()];
    let start = d.range.start.clamp(shown.start, shown.end) - shown.start;
    let end = d.range.end.clamp(shown.start, shown.end) - shown.start;
    let label = d.fix.as_ref().map(|f| f.title.as_str()).unwrap_or("");
    // In a window cut from a long line the renderer counts the column from
    // the window's start: the location it prints is corrected below.
    let location = (shown != lines).then(|| {
        let (line, column) = index.line_col(text, d.range.start);
        let in_window = src.get(..start).map_or(0, |s| s.chars().count()) + 1;
        (
            format!("{path_shown}:{line}:{in_window}"),
            format!("{path_shown}:{line}:{column}"),
        )
    });
    let mut group = level(d.severity)
        .primary_title(d.message.as_str())
        .id(d.code)
        .element(
            Snippet::source(src)
                .line_start(first_line + 1)
                .path(path_shown)
                .annotation(AnnotationKind::Primary.span(start..end).label(label)),
        );
    if let Some(h) = &d.help {
        group = group.element(Level::HELP.message(&**h));
    }
    if let Some(f) = &d.fix {
        let kind = if f.safe { "fix" } else { "suggestion" };
        let mut what = if !f.edits_here() {
            String::new()
        } else if f.range.is_empty() {
            format!("insert `{}`", f.replacement)
        } else if f.range == d.range {
            format!("replace with `{}`", f.replacement)
        } else {
            let old = text.get(f.range.clone()).unwrap_or("");
            format!("replace `{old}` with `{}`", f.replacement)
        };
        // The part of the fix in another file, with where it goes.
        if let Some((e, (other_path, other_text))) = f.elsewhere.as_ref().zip(other) {
            let (line, column) = LineIndex::new(other_text).line_col(other_text, e.range.start);
            let shown = crate::corpus::Corpus::display_path(other_path);
            let edit = if e.range.is_empty() {
                format!("insert `{}`", e.replacement)
            } else {
                let old = other_text.get(e.range.clone()).unwrap_or("");
                format!("replace `{old}` with `{}`", e.replacement)
            };
            what = if what.is_empty() {
                format!("{edit} in {shown}:{line}:{column}")
            } else {
                format!("{what}, and {edit} in {shown}:{line}:{column}")
            };
        }
        group = group.element(Level::HELP.with_name(kind).message(what));
    }
    let report: [Group; 1] = [group];
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let rendered = renderer.render(&report).to_string();
    match location {
        Some((shown, real)) => rendered.replacen(&shown, &real, 1),
        None => rendered,
    }
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use crate::corpus::line_col_in_bytes;

    #[test]
    fn encoding_positions_count_scalar_values_of_the_lossy_text() {
        // "é" is one scalar value in two bytes; the stray \xe9 one U+FFFD.
        let bytes = b"line one\ncaf\xc3\xa9 \xe9 x\0";
        assert_eq!(line_col_in_bytes(bytes, 0), (1, 1));
        assert_eq!(line_col_in_bytes(bytes, 9), (2, 1));
        assert_eq!(line_col_in_bytes(bytes, 14), (2, 5));
        assert_eq!(line_col_in_bytes(bytes, 18), (2, 9));
        // Past the end: the end of the text.
        assert_eq!(line_col_in_bytes(bytes, 99), (2, 10));
    }
}
