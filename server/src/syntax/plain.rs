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

    /// The article-text offset of source `source_offset`: the number of
    /// article-text bytes that come from before it. An offset inside markup
    /// (or the front matter) maps to the next article-text position, so a
    /// span's content range maps to exactly its article text.
    pub fn from_source(&self, source_offset: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.1 <= source_offset);
        let Some(&(t, s)) = i.checked_sub(1).and_then(|i| self.pieces.get(i)) else {
            return 0;
        };
        let t_end = self.pieces.get(i).map_or(self.text.len(), |p| p.0);
        t + (source_offset - s).min(t_end - t)
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
        // Only the pieces that can overlap `range` (binary search, so that a
        // document with many spans is not quadratic to build).
        let first = self
            .pieces
            .partition_point(|p| p.1 <= range.start)
            .saturating_sub(1);
        for (i, &(t, s)) in self.pieces.iter().enumerate().skip(first) {
            if s >= range.end {
                break;
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_source_counts_the_article_text_before_an_offset() {
        let src = "+++\n+++\nA [Seoul]{@kor} 서울 😀\\[x";
        let body = 8;
        let markup = [10..11, 16..23, 35..36];
        let plain = PlainText::from_markup(src, body, &markup);
        assert_eq!(plain.text, "A Seoul 서울 😀[x");
        // Front matter and the `[` map to the next article-text position.
        assert_eq!(plain.from_source(0), 0);
        assert_eq!(plain.from_source(8), 0);
        assert_eq!(plain.from_source(10), 2);
        assert_eq!(plain.from_source(11), 2);
        // Inside and at the end of `]{@kor}`.
        assert_eq!(plain.from_source(16), 7);
        assert_eq!(plain.from_source(20), 7);
        assert_eq!(plain.from_source(23), 7);
        // Multi-byte text maps byte for byte; the escape `\` is markup.
        assert_eq!(plain.from_source(24), 8);
        assert_eq!(plain.from_source(31), 15);
        assert_eq!(plain.from_source(35), 19);
        assert_eq!(plain.from_source(36), 19);
        assert_eq!(plain.from_source(37), 20);
        assert_eq!(plain.from_source(src.len()), plain.text.len());
        assert_eq!(plain.from_source(src.len() + 10), plain.text.len());
        // The inverse of `to_source` on every article-text offset.
        for t in 0..=plain.text.len() {
            assert_eq!(plain.from_source(plain.to_source(t)), t, "offset {t}");
        }
    }

    #[test]
    fn from_source_on_identity_and_empty_text() {
        let plain = PlainText::identity("abc");
        assert_eq!(plain.from_source(2), 2);
        assert_eq!(plain.from_source(9), 3);
        let empty = PlainText::from_markup("+++\n+++\n", 8, &[]);
        assert_eq!(empty.text, "");
        assert_eq!(empty.from_source(3), 0);
        assert_eq!(empty.from_source(8), 0);
    }
}
