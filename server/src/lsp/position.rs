//! The one place where byte offsets and LSP positions meet. Lines end at
//! `\n`, `\r\n` or `\r` as LSP says (ropey with `cr_lines`); columns count
//! UTF-16 code units, or bytes when the client accepted UTF-8.

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range};

use crate::corpus::lines::LineIndex;
use crate::syntax::TextRange;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// A byte offset as an LSP position.
pub fn to_proto(rope: &Rope, offset: usize, enc: Encoding) -> Position {
    let offset = offset.min(rope.len_bytes());
    let line = rope.byte_to_line(offset);
    let line_byte = rope.line_to_byte(line);
    let character = match enc {
        Encoding::Utf8 => offset - line_byte,
        Encoding::Utf16 => {
            let c = rope.byte_to_char(offset);
            rope.char_to_utf16_cu(c) - rope.char_to_utf16_cu(rope.line_to_char(line))
        }
    };
    Position::new(
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(character).unwrap_or(u32::MAX),
    )
}

/// What byte offsets are turned into positions with: the rope of an open
/// file (or one built from a text), or the line index a closed file keeps
/// instead of its text.
pub trait Place {
    fn place(&self, offset: usize, enc: Encoding) -> Position;
}

impl Place for Rope {
    fn place(&self, offset: usize, enc: Encoding) -> Position {
        to_proto(self, offset, enc)
    }
}

impl Place for LineIndex {
    fn place(&self, offset: usize, enc: Encoding) -> Position {
        let (line, bytes, units) = self.line_col(offset);
        let character = match enc {
            Encoding::Utf8 => bytes,
            Encoding::Utf16 => units,
        };
        Position::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(character).unwrap_or(u32::MAX),
        )
    }
}

pub fn range_to_proto(at: &(impl Place + ?Sized), range: &TextRange, enc: Encoding) -> Range {
    Range::new(at.place(range.start, enc), at.place(range.end, enc))
}

/// The byte length of line `line` without its line break.
fn line_end_byte(rope: &Rope, line: usize) -> usize {
    let start = rope.line_to_byte(line);
    let slice = rope.line(line);
    let mut len = slice.len_bytes();
    let last = |n: usize| (n > 0).then(|| slice.byte(n - 1));
    if last(len) == Some(b'\n') {
        len -= 1;
    }
    if last(len) == Some(b'\r') {
        len -= 1;
    }
    start + len
}

/// An LSP position as a byte offset. Past the end of a line means the end of
/// that line, past the last line the end of the text (as the spec says).
pub fn from_proto(rope: &Rope, pos: Position, enc: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let line_start = rope.line_to_byte(line);
    let line_end = line_end_byte(rope, line);
    let want = pos.character as usize;
    match enc {
        Encoding::Utf8 => {
            let mut b = (line_start + want).min(line_end);
            while b > line_start
                && rope
                    .try_byte_to_char(b)
                    .is_ok_and(|c| rope.char_to_byte(c) != b)
            {
                b -= 1;
            }
            b
        }
        Encoding::Utf16 => {
            let start_cu = rope.char_to_utf16_cu(rope.line_to_char(line));
            let end_cu = rope.char_to_utf16_cu(rope.byte_to_char(line_end));
            let cu = (start_cu + want).min(end_cu);
            rope.char_to_byte(rope.utf16_cu_to_char(cu))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_korean_emoji_combining_and_crlf() {
        let text = "한국 said\r\n“🇰🇷” é\u{301}\rthird\nlast";
        let rope = Rope::from_str(text);
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            // Every char boundary except between `\r` and `\n` (not a
            // position LSP can name).
            for (offset, _) in text
                .char_indices()
                .chain([(text.len(), ' ')])
                .filter(|(o, _)| !text[..*o].ends_with('\r') || !text[*o..].starts_with('\n'))
            {
                let pos = to_proto(&rope, offset, enc);
                assert_eq!(
                    from_proto(&rope, pos, enc),
                    offset,
                    "{enc:?} offset {offset} -> {pos:?}"
                );
            }
        }
        // `“` is one UTF-16 unit, the flag four; `é` + combining mark two.
        let flag_end = text.find("” ").expect("quote");
        assert_eq!(
            to_proto(&rope, flag_end, Encoding::Utf16),
            Position::new(1, 5)
        );
        assert_eq!(
            to_proto(&rope, flag_end, Encoding::Utf8),
            Position::new(1, 11)
        );
        assert_eq!(
            to_proto(&rope, text.find("third").expect("third"), Encoding::Utf16),
            Position::new(2, 0)
        );
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let rope = Rope::from_str("ab\r\ncd");
        assert_eq!(from_proto(&rope, Position::new(0, 99), Encoding::Utf16), 2);
        assert_eq!(from_proto(&rope, Position::new(9, 0), Encoding::Utf8), 6);
    }
}
