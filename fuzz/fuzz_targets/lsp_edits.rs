//! The language server's incremental path: a random sequence of edits
//! applied to an open document (rope, `Tree::edit`, incremental re-parse, as
//! `didChange` does) gives after every change the same tree as a fresh parse
//! of the text, and the same text as applying the edits to a `String`.
//!
//! The input is the initial document, then a `0xFF` byte (never in UTF-8
//! text), then bytes that drive the edits. Without `0xFF`, the whole input
//! is the document and the edits come from its own bytes, so any UTF-8 text
//! (such as a corpus article) is a useful seed.

#![no_main]

use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// Pieces of markup that edits insert, so that they make and break spans,
/// attributes, CriticMarkup, escapes, front matter and line ends.
const SNIPPETS: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    "]{",
    "]{@",
    "@prk",
    ".quote",
    ".date when=2022-09-22",
    " by=@a",
    "#x",
    "key=\"a b\"",
    "\"",
    "\\",
    "\\[",
    "{~~",
    "~>",
    "~~}",
    "{>>",
    "<<}",
    "{==",
    "==}",
    "{++",
    "++}",
    "{--",
    "--}",
    "+++",
    "+++\n",
    "id = \"a\"\n",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    " ",
    "한국",
    "😀",
    "e\u{301}",
    "\u{0}",
];

const MAX_EDITS: usize = 64;

fuzz_target!(|data: &[u8]| {
    let (text, script) = match data.iter().position(|&b| b == 0xFF) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, data),
    };
    let Ok(initial) = std::str::from_utf8(text) else {
        return;
    };
    let mut u = Unstructured::new(script);
    let mut model = initial.to_string();
    let mut batches: Vec<Vec<(usize, usize, String)>> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut batch = Vec::new();
    for _ in 0..MAX_EDITS {
        if u.is_empty() {
            break;
        }
        let Ok((start, end, new_text)) = edit(&mut u, &model) else {
            break;
        };
        model.replace_range(start..end, &new_text);
        batch.push((start, end, new_text));
        // Most changes re-parse alone (a keystroke); some are sent together
        // in one `didChange` and re-parsed once.
        if u.ratio(3, 4).unwrap_or(true) {
            batches.push(std::mem::take(&mut batch));
            texts.push(model.clone());
        }
    }
    if !batch.is_empty() {
        batches.push(batch);
        texts.push(model.clone());
    }

    let results = newsmark::lsp::fuzz_edits(initial, &batches);
    assert_eq!(results.len(), batches.len());
    for (n, ((text, incremental, fresh), expected)) in results.iter().zip(&texts).enumerate() {
        assert!(
            text == expected,
            "after change {n}: the document's text differs from the edited string\n\
             document: {text:?}\nexpected: {expected:?}\nchanges: {:?}",
            &batches[..=n]
        );
        assert!(
            incremental == fresh,
            "after change {n}: the incremental tree differs from a fresh parse\n\
             initial: {initial:?}\nchanges: {:?}\ntext: {text:?}\n\
             incremental:\n{incremental}\nfresh:\n{fresh}",
            &batches[..=n]
        );
    }
});

/// One edit of `text`: a byte range on char boundaries and its replacement.
fn edit(u: &mut Unstructured, text: &str) -> Result<(usize, usize, String)> {
    let start = floor(text, u.int_in_range(0..=text.len())?);
    let len = match u.int_in_range(0u8..=3)? {
        0 => 0,
        1 => usize::from(u.int_in_range(0u8..=4)?),
        2 => usize::from(u.arbitrary::<u8>()?),
        _ => usize::from(u.arbitrary::<u16>()?),
    };
    let end = floor(text, start.saturating_add(len).min(text.len()));
    let new_text = match u.int_in_range(0u8..=3)? {
        // Pure deletion.
        0 => String::new(),
        1 => (*u.choose(SNIPPETS)?).to_string(),
        2 => {
            // A copy of some of the text itself (moves markup around).
            let a = floor(text, u.int_in_range(0..=text.len())?);
            let b = floor(
                text,
                a.saturating_add(usize::from(u.arbitrary::<u8>()?))
                    .min(text.len()),
            );
            text[a..b].to_string()
        }
        _ => {
            let s: &str = u.arbitrary()?;
            s.chars().take(32).collect()
        }
    };
    Ok((start, end, new_text))
}

fn floor(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}
