//! A parse that reads less: tree-sitter's lexer costs about a hundred
//! instructions per byte of article text and a few thousand per token, yet
//! neither the inside of a long run of plain text nor the tokens inside a
//! well-formed attribute block change anything the document records.
//! [`parse_tree`] hands tree-sitter only the ranges that matter, as
//! included ranges, and falls back on a full parse whenever the tree holds
//! a syntax error.
//!
//! Why the document is the same. A text gap is the inside of a stretch of
//! article text (in a paragraph or a span's content, never in an attribute
//! block or a CriticMarkup construct) holding no byte that starts another
//! token (`[`, `]`, `\`, `{`), with its first and last visible characters
//! kept. There, in a parse without errors, the lexer is inside a `text`
//! token, whose pattern loops on every such byte; it jumps over the gap and
//! the token ends where the stretch ends. Line ends and blank lines inside
//! the stretch are, in the full parse, `_newline` and `_blank_line` tokens
//! between `text` tokens: inline content of a paragraph or a span, or the
//! break between two paragraphs, none of which the document records. The
//! skimmed tree has one `text` node where the full one has many (and one
//! paragraph where it has several), and every span, attribute block and
//! CriticMarkup node keeps its byte range. The front matter's TOML is
//! skipped the same way inside its one content token; the front matter is
//! read from that token's range.
//!
//! An attribute gap is the whole inside of a span's attribute block, when
//! the grammar reads that inside without an error and the document can
//! read it from the text (`read_attributes`). Tree-sitter then
//! sees `{` and `}`, an attribute block of the same range with no
//! attributes in it; the document reads the attributes from the text of
//! that range, as it does for every error-free block.
//!
//! Up to the first syntax error both parses read the same tokens in the
//! same states, so a skimmed tree without error stands for an error-free
//! full parse; error recovery lexes with every token allowed, which a gap
//! could change, hence the fallback. The syntax tests
//! `the_skimmed_parse_builds_the_same_document` and
//! `attribute_blocks_are_skipped_only_when_the_grammar_reads_them_whole`
//! hold the two to the same document.

use tree_sitter::{Parser, Point, Range, Tree};

/// Runs shorter than this are not worth a range of their own.
const MIN_GAP: usize = 16;

/// Attribute gaps are made only among a file's first ranges. After the `{`
/// before one, tree-sitter's lexer has looked past the gap and goes back,
/// and going back looks for the position's range from the first range on
/// (`ts_lexer_goto`): with a gap per block, a file of many blocks would
/// cost the square of their number (a 5 MB file of 30,000 spans took four
/// times as long as a full parse). A news article has a few dozen ranges.
pub(super) const MAX_RANGES_BEFORE_ATTRIBUTE_GAP: usize = 1024;

/// The byte ranges of `text` that tree-sitter need not read, in order.
///
/// The text is followed as an error-free parse would lex it: article text
/// (in a paragraph or a span's content, where a single line end is as good
/// as text) has gaps; an attribute block (`]{` to the `}` outside a
/// string) is one gap when well formed; CriticMarkup (`{~~` to `~~}`, and
/// the like, on one line) has none.
pub(super) fn gaps(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    // tree-sitter's lexer reads a NUL as the end of the input: it ends
    // tokens that a gap would carry over it. (The corpus refuses such
    // files; an editor may still send one.) And it passes over a byte
    // order mark at the start, so a front matter may start after one.
    // Such files are read in full.
    if bytes.starts_with("\u{feff}".as_bytes()) || memchr::memchr(0, bytes).is_some() {
        return Vec::new();
    }
    let mut gaps: Vec<std::ops::Range<usize>> = front_matter_gap(text).into_iter().collect();
    // The next `[`, `]` or `\`, and the next `{`: rare in news text, found
    // by vectorised searches, each kept until it is passed (searching for
    // both from each special byte could rescan the same text again and
    // again).
    let find = |from: usize, brace: bool| {
        let rest = bytes.get(from..).unwrap_or_default();
        let found = if brace {
            memchr::memchr(b'{', rest)
        } else {
            memchr::memchr3(b'[', b']', b'\\', rest)
        };
        found.map_or(bytes.len(), |n| from + n)
    };
    // The next line end, kept the same way, for CriticMarkup (a file may
    // be one long line of many constructs).
    let mut eol: Option<usize> = None;
    let mut line_end_after = |from: usize| match eol {
        Some(at) if at >= from => at,
        _ => {
            let at = bytes
                .get(from..)
                .and_then(|rest| memchr::memchr2(b'\n', b'\r', rest))
                .map_or(bytes.len(), |n| from + n);
            eol = Some(at);
            at
        }
    };
    let mut i = body_start(bytes);
    let (mut bracket, mut brace) = (find(i, false), find(i, true));
    // Spans open and not yet closed. A `]` with none open, or not followed
    // by `{`, and a `[` never closed, are syntax errors: such a file is
    // read in full at once rather than skimmed and then read again.
    let mut open = 0usize;
    // The attributes of the last block read, kept for its allocation.
    let mut attributes = Vec::new();
    while i < bytes.len() {
        if bracket < i {
            bracket = find(i, false);
        }
        if brace < i {
            brace = find(i, true);
        }
        let special = bracket.min(brace);
        segment_gap(text, i..special, &mut gaps);
        let next = |at: usize| bytes.get(at).copied();
        i = match next(special) {
            None => break,
            Some(b'[') => {
                open += 1;
                special + 1
            }
            Some(b']') => {
                if open == 0 || next(special + 1) != Some(b'{') {
                    return Vec::new();
                }
                open -= 1;
                let end = attributes_end(bytes, special + 2);
                // A block the grammar reads without an error (ASCII, at
                // most one line end between attributes, strings on one
                // line): the document reads it from the text alike.
                attributes.clear();
                if gaps.len() < MAX_RANGES_BEFORE_ATTRIBUTE_GAP
                    && end > special + 3
                    && super::read_attributes(text, special + 1..end, &mut attributes).is_some()
                {
                    gaps.push(special + 2..end - 1);
                }
                end
            }
            Some(b'\\') if next(special + 1).is_some_and(|b| b"[]\\{}".contains(&b)) => special + 2,
            Some(b'{') => {
                critic_end(bytes, special, line_end_after(special)).unwrap_or(special + 1)
            }
            Some(_) => special + 1,
        };
    }
    if open > 0 {
        return Vec::new();
    }
    gaps
}

/// Where the attribute block whose contents start at `from` ends: after
/// its `}`, the first outside a string.
fn attributes_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(n) = bytes
        .get(i..)
        .and_then(|rest| memchr::memchr2(b'}', b'"', rest))
    {
        i += n + 1;
        if bytes.get(i - 1) == Some(&b'}') {
            return i;
        }
        // A string: to its closing quote, over escapes; a line end ends it
        // too (a string is on one line: the parse has an error there).
        while let Some(&b) = bytes.get(i) {
            i += 1;
            match b {
                b'"' | b'\n' | b'\r' => break,
                b'\\' => i += 1,
                _ => {}
            }
        }
    }
    bytes.len()
}

/// Where the CriticMarkup construct opened by the `{` at `open` ends: after
/// its closing marker, or at `end_of_line`, where the parse has an
/// error (a construct is on one line). None when the `{` opens none. A
/// correction's `~~}` closes it only after its `~>`: before, the lexer
/// reads its `~`s as text.
fn critic_end(bytes: &[u8], open: usize, end_of_line: usize) -> Option<usize> {
    let (separator, close): (&[u8], &[u8]) = match bytes.get(open + 1..open + 3)? {
        b"~~" => (b"~>", b"~~}"),
        b">>" => (b"", b"<<}"),
        b"==" => (b"", b"==}"),
        b"++" => (b"", b"++}"),
        b"--" => (b"", b"--}"),
        _ => return None,
    };
    let body = open + 3;
    let line = bytes.get(body..end_of_line)?;
    let after_separator = if separator.is_empty() {
        0
    } else {
        match memchr::memmem::find(line, separator) {
            Some(n) => n + separator.len(),
            None => return Some(end_of_line),
        }
    };
    let tail = line.get(after_separator..).unwrap_or_default();
    Some(
        memchr::memmem::find(tail, close)
            .map_or(end_of_line, |n| body + after_separator + n + close.len()),
    )
}

const fn line_end(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// Adds the gap of `segment`, a stretch of article text without a byte
/// that starts another token: all of it but its first and last visible
/// characters (line ends, spaces and tabs at its ends are kept too, so the
/// kept characters are `text` bytes the lexer starts and ends a token on)
/// and its first two bytes.
fn segment_gap(
    text: &str,
    segment: std::ops::Range<usize>,
    gaps: &mut Vec<std::ops::Range<usize>>,
) {
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let Some(bytes) = text.as_bytes().get(segment.clone()) else {
        return;
    };
    let (Some(first), Some(last)) = (
        bytes.iter().position(|b| !blank(b)),
        bytes.iter().rposition(|b| !blank(b)),
    ) else {
        return;
    };
    if last - first < MIN_GAP {
        return;
    }
    // At least the two bytes after the segment's start are kept too: the
    // lexer reads up to two characters past the special byte before it
    // (a stray `{` and the `~~` of `{~~`), which must be the file's own.
    let mut from = (segment.start + first + 1).max(segment.start + 2);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let mut to = segment.start + last;
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    if from < to {
        gaps.push(from..to);
    }
}

/// Where the text after the front matter starts: after the first line
/// that starts with `+++` past the opening one, if `bytes` opens with
/// `+++`; 0 when there is no front matter; the end when it is unclosed
/// (nothing is skipped then).
fn body_start(bytes: &[u8]) -> usize {
    if !bytes.starts_with(b"+++") {
        return 0;
    }
    closing_line(bytes).map_or(bytes.len(), |close| {
        bytes
            .get(close..)
            .and_then(|rest| memchr::memchr2(b'\n', b'\r', rest))
            .map_or(bytes.len(), |n| close + n + 1)
    })
}

/// The start of the first line after the first that starts with `+++`.
fn closing_line(bytes: &[u8]) -> Option<usize> {
    let mut line = 0;
    loop {
        line += memchr::memchr2(b'\n', b'\r', bytes.get(line..)?)? + 1;
        if bytes.get(line..)?.starts_with(b"+++") {
            return Some(line);
        }
    }
}

/// The inside of the front matter's TOML, which the grammar lexes as one
/// `front_matter_content` token. Its first three bytes (which tell a line
/// from a fence) and its last line end with the byte before it are kept.
/// Only when the first line is a fence by the grammar's pattern (`+++`,
/// spaces or tabs, a line end).
fn front_matter_gap(text: &str) -> Option<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let fence = bytes.strip_prefix(b"+++")?;
    let spaces = fence
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let content = 3 + spaces + line_end_len(bytes, 3 + spaces)?;
    let close = closing_line(bytes)?;
    let last_end = if bytes.get(close.checked_sub(2)?..close)? == b"\r\n" {
        close - 2
    } else {
        close - 1
    };
    let mut from = content + 3;
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let mut to = last_end.checked_sub(1)?;
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let kept_head = bytes.get(content..from)?;
    let kept_tail = bytes.get(to..last_end)?;
    (from < to && !kept_head.iter().chain(kept_tail).any(|&b| line_end(b))).then_some(from..to)
}

/// The length of the line end at `at`: `\r\n`, `\n` or `\r`.
fn line_end_len(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at..)? {
        [b'\r', b'\n', ..] => Some(2),
        [b'\n' | b'\r', ..] => Some(1),
        _ => None,
    }
}

/// The ranges tree-sitter reads: everything but `gaps`, with the points
/// tree-sitter's lexer would reach them at (a row per `\n`, columns in
/// bytes).
fn included(text: &str, gaps: &[std::ops::Range<usize>]) -> Vec<Range> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut point = Point { row: 0, column: 0 };
    let mut point_of = |to: usize| {
        let seen = bytes.get(at..to).unwrap_or_default();
        match memchr::memrchr(b'\n', seen) {
            Some(last) => {
                point.row += memchr::memchr_iter(b'\n', seen).count();
                point.column = seen.len() - last - 1;
            }
            None => point.column += seen.len(),
        }
        at = to;
        point
    };
    let mut ranges = Vec::with_capacity(gaps.len() + 1);
    let mut start = (0, Point { row: 0, column: 0 });
    for gap in gaps {
        let end = point_of(gap.start);
        ranges.push(Range {
            start_byte: start.0,
            start_point: start.1,
            end_byte: gap.start,
            end_point: end,
        });
        start = (gap.end, point_of(gap.end));
    }
    ranges.push(Range {
        start_byte: start.0,
        start_point: start.1,
        end_byte: usize::MAX,
        end_point: Point {
            row: usize::MAX,
            column: usize::MAX,
        },
    });
    ranges
}

/// Parses `text` reading only what the document depends on: the full
/// parse's tree but for its `text` and `paragraph` nodes (see the module's
/// documentation), or the full parse itself when skimming cannot be trusted.
pub(super) fn parse_tree(parser: &mut Parser, text: &str) -> Option<Tree> {
    skim(parser, text).or_else(|| parser.parse(text, None))
}

/// The parse of `text` with its gaps skipped, if there are gaps and the
/// tree has no syntax error.
pub(super) fn skim(parser: &mut Parser, text: &str) -> Option<Tree> {
    let gaps = gaps(text);
    if gaps.is_empty() {
        return None;
    }
    let ranges = included(text, &gaps);
    let tree = parser
        .set_included_ranges(&ranges)
        .ok()
        .and_then(|()| parser.parse(text, None));
    // Back to the whole text for whatever this parser parses next (an
    // empty list means the whole text, which cannot be refused).
    let _ = parser.set_included_ranges(&[]);
    tree.filter(|tree| !tree.root_node().has_error())
}
