//! Where a text's lines start and where its non-ASCII characters are: what
//! the language server keeps of a closed file instead of its text, so that
//! findings and references in it are placed (as LSP line and column) without
//! reading the file again.
//!
//! Written here rather than taken from rust-analyzer's `line-index` crate:
//! that one breaks lines at `\n` only, while LSP (and the ropes the server
//! keeps for open files, ropey with `cr_lines`) also ends a line at a lone
//! `\r`; a closed file must get the same positions as the same file open.
//! (The CLI's `cli::output::LineIndex` is another thing: 1-based lines at
//! `\n` and columns in Unicode scalar values, as its output promises, and
//! it reads the text it is given.)

/// Line starts and non-ASCII characters of one text (byte offsets).
///
/// Stored in the on-disk cache beside each article's summary, so that a
/// file the cache vouches for is placed without reading it (see
/// `corpus::cache`); one read back is used only if [`LineIndex::well_formed`].
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LineIndex {
    len: u32,
    /// The byte offset where each line starts; the first is 0. A line ends
    /// at `\n`, `\r\n` or `\r`; a text ending in a line break has an empty
    /// last line.
    starts: Box<[u32]>,
    /// Every non-ASCII character: its byte offset and UTF-8 length.
    wide: Box<[(u32, u8)]>,
}

impl LineIndex {
    /// The index of `text`, or `None` for a text of 4 GiB or more (offsets
    /// are kept as `u32`; such a file keeps its text instead).
    pub fn new(text: &str) -> Option<LineIndex> {
        let len = u32::try_from(text.len()).ok()?;
        let bytes = text.as_bytes();
        // Built for every closed article at load: the line breaks are found
        // with memchr's vector search and the non-ASCII characters by
        // skipping ASCII 64 bytes at a time (`is_ascii` reads a word at a
        // time), not by a match on every byte.
        let mut starts = vec![0u32];
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            // The `\r` of a `\r\n` is not a line end of its own.
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                starts.push(offset(i + 1));
            }
        }
        let mut wide = Vec::new();
        let mut at = 0;
        for chunk in bytes.chunks(64) {
            if !chunk.is_ascii() {
                for (k, &b) in chunk.iter().enumerate() {
                    // A character starts at every byte that is not a
                    // continuation byte (`10xxxxxx`).
                    if b >= 0xC0 {
                        wide.push((offset(at + k), utf8_len(b)));
                    }
                }
            }
            at += chunk.len();
        }
        Some(LineIndex {
            len,
            starts: starts.into_boxed_slice(),
            wide: wide.into_boxed_slice(),
        })
    }

    /// The 0-based line of byte `offset` (clamped to the text) and its
    /// column in bytes and in UTF-16 code units.
    pub fn line_col(&self, offset: usize) -> (usize, usize, usize) {
        let offset = offset.min(self.len as usize);
        let o = offset as u32;
        let line = self.starts.partition_point(|&s| s <= o).saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let bytes = (o - start) as usize;
        // The non-ASCII characters between the line's start and `offset`:
        // each counts its UTF-8 length in bytes but one UTF-16 unit (two
        // beyond the Basic Multilingual Plane, i.e. four UTF-8 bytes).
        let from = self.wide.partition_point(|&(at, _)| at < start);
        let to = self.wide.partition_point(|&(at, _)| at < o);
        let fewer: usize = self.wide[from..to]
            .iter()
            .map(|&(_, w)| usize::from(w) - if w == 4 { 2 } else { 1 })
            .sum();
        (line, bytes, bytes - fewer)
    }

    /// Whether this could be the index of a text: lines start at 0 and
    /// ascend, characters ascend, all within the text (what
    /// [`LineIndex::line_col`] relies on). A damaged cache entry can be
    /// decoded into anything.
    pub fn well_formed(&self) -> bool {
        self.starts.first() == Some(&0)
            && self.starts.is_sorted_by(|a, b| a < b)
            && self.starts.last().is_some_and(|&s| s <= self.len)
            && self.wide.is_sorted_by(|a, b| a.0 < b.0)
            && self.wide.last().is_none_or(|&(at, _)| at < self.len)
            && self.wide.iter().all(|&(_, w)| (2..=4).contains(&w))
    }

    /// Heap bytes held (for the memory benchmark).
    pub fn heap_size(&self) -> usize {
        self.starts.len() * std::mem::size_of::<u32>()
            + self.wide.len() * std::mem::size_of::<(u32, u8)>()
    }
}

/// A byte offset known to fit (the text's length does).
fn offset(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The length of the UTF-8 sequence starting with byte `b`.
fn utf8_len(b: u8) -> u8 {
    match b {
        0xF0.. => 4,
        0xE0.. => 3,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr_and_columns_count_utf16() {
        let text = "한국 said\r\n“🇰🇷” é\u{301}\rthird\nlast\n";
        let index = LineIndex::new(text).expect("small");
        // `”` after the flag: line 1, 11 bytes in, 5 UTF-16 units (the quote
        // one unit, each regional indicator two).
        assert_eq!(index.line_col(text.find("” ").expect("quote")), (1, 11, 5));
        assert_eq!(
            index.line_col(text.find("third").expect("third")),
            (2, 0, 0)
        );
        assert_eq!(index.line_col(text.find("last").expect("last")), (3, 0, 0));
        // The end of a text ending in a line break is on an empty last line;
        // anything past it clamps there.
        assert_eq!(index.line_col(text.len()), (4, 0, 0));
        assert_eq!(index.line_col(usize::MAX), (4, 0, 0));
        // `said` after two Hangul syllables (three bytes, one unit each).
        assert_eq!(index.line_col(text.find("said").expect("said")), (0, 7, 3));
        assert!(index.well_formed());
    }

    /// An index read back from a damaged cache is refused, not used to
    /// place positions (where it could underflow or point past the text).
    #[test]
    fn only_an_index_a_text_could_have_is_well_formed() {
        let good = LineIndex::new("a\nbé\nc").expect("small");
        assert!(good.well_formed());
        let bad = [
            LineIndex {
                starts: Box::new([]),
                ..good.clone()
            },
            LineIndex {
                starts: Box::new([1, 2]),
                ..good.clone()
            },
            LineIndex {
                starts: Box::new([0, 4, 2]),
                ..good.clone()
            },
            LineIndex {
                starts: Box::new([0, 99]),
                ..good.clone()
            },
            LineIndex {
                wide: Box::new([(3, 2), (1, 2)]),
                ..good.clone()
            },
            LineIndex {
                wide: Box::new([(3, 9)]),
                ..good.clone()
            },
            LineIndex {
                wide: Box::new([(50, 2)]),
                ..good.clone()
            },
        ];
        for b in bad {
            assert!(!b.well_formed(), "{b:?}");
        }
    }
}
