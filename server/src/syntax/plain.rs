//! The article text of a document: the source minus its markup, with a map
//! from every article-text offset back to the source.

use super::TextRange;

/// The article text and where each piece of it sits in the source.
#[derive(Debug, Clone, Default)]
pub struct PlainText {
    pub text: String,
    /// `(text_offset, source_offset)` at the start of each contiguous piece,
    /// sorted by both.
    pieces: Vec<(usize, usize)>,
}

impl PlainText {
    /// Every byte of `text` is article text.
    pub fn identity(text: &str) -> PlainText {
        PlainText {
            text: text.to_string(),
            pieces: vec![(0, 0)],
        }
    }

    /// The source from `body_start` on, minus the `markup` ranges.
    pub fn from_markup(src: &str, body_start: usize, markup: &[TextRange]) -> PlainText {
        let mut markup: Vec<TextRange> = markup
            .iter()
            .filter(|r| r.end > body_start && r.start < r.end)
            .cloned()
            .collect();
        markup.sort_by_key(|r| r.start);
        let mut text = String::with_capacity(src.len().saturating_sub(body_start));
        let mut pieces = Vec::new();
        let mut pos = body_start;
        for r in markup {
            let start = r.start.max(pos);
            if start > pos {
                pieces.push((text.len(), pos));
                text.push_str(src.get(pos..start).unwrap_or(""));
            }
            pos = pos.max(r.end);
        }
        if pos < src.len() {
            pieces.push((text.len(), pos));
            text.push_str(src.get(pos..).unwrap_or(""));
        }
        if pieces.is_empty() {
            pieces.push((0, body_start));
        }
        PlainText { text, pieces }
    }

    fn piece_index(&self, offset: usize) -> usize {
        match self.pieces.binary_search_by_key(&offset, |p| p.0) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// The source offset of article-text `offset` (start of a range).
    pub fn to_source(&self, offset: usize) -> usize {
        let (t, s) = self.pieces[self.piece_index(offset)];
        s + offset.saturating_sub(t)
    }

    /// The source offset just after article-text `offset - 1` (end of a range).
    pub fn to_source_end(&self, offset: usize) -> usize {
        if offset == 0 {
            return self.to_source(0);
        }
        self.to_source(offset - 1) + 1
    }

    /// Maps an article-text range to a source range.
    pub fn range_to_source(&self, range: TextRange) -> TextRange {
        let start = self.to_source(range.start);
        let end = self.to_source_end(range.end).max(start);
        start..end
    }

    /// The article text that comes from source `range`.
    pub fn slice_of_source(&self, range: TextRange) -> String {
        let mut out = String::new();
        for (i, &(t, s)) in self.pieces.iter().enumerate() {
            let t_end = self.pieces.get(i + 1).map_or(self.text.len(), |p| p.0);
            let s_end = s + (t_end - t);
            let lo = range.start.max(s);
            let hi = range.end.min(s_end);
            if lo < hi {
                out.push_str(self.text.get(t + (lo - s)..t + (hi - s)).unwrap_or(""));
            }
        }
        out
    }
}
