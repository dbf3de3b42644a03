//! Selection ranges ("expand selection"): from the word at the cursor out
//! through the annotations around it (an attribute's value, the attribute,
//! the attribute block, a span's text, the whole span, the spans around
//! it, a CriticMarkup edit), then the line, the front matter or the body,
//! and the whole file. An analyst selects a quote's exact words to wrap
//! them, or a whole annotated span to move it, in a keystroke or two.

use super::contains;
use crate::checks::FileRef;
use crate::corpus::Corpus;
use crate::syntax::{Document, TextRange};

/// The ranges to select at `offset` in `file`, innermost first; each one
/// holds the one before it. Empty only when the file is unknown.
pub fn selection_ranges(corpus: &Corpus, file: FileRef, offset: usize) -> Vec<TextRange> {
    let Some((_, text)) = corpus.file_text(file) else {
        return Vec::new();
    };
    let offset = floor_char_boundary(&text, offset.min(text.len()));
    let mut structure = Vec::new();
    let mut outer = Vec::new();
    if let FileRef::Article(i) = file
        && let Some(a) = corpus.articles.get(i)
    {
        let doc = a.doc_of(&text);
        annotations(&doc, &text, offset, &mut structure);
        match &doc.front_matter {
            // The body starts where the front matter ends: there, the body.
            Some(fm) if offset < fm.range.end => outer.push(fm.range.clone()),
            _ if offset >= doc.body_start => {
                let body = text.get(doc.body_start..).unwrap_or("").trim_end();
                outer.push(doc.body_start..doc.body_start + body.len());
            }
            _ => {}
        }
    }
    let line = line_at(&text, offset);
    // A span written over several lines: its line would cut it.
    if structure.iter().all(|r| encloses(&line, r)) {
        structure.push(line);
    }
    structure.extend(outer);
    structure.push(0..text.len());
    let mut all: Vec<TextRange> = word_at(&text, offset).into_iter().collect();
    all.extend(structure);
    // The body without its trailing blank lines does not reach a cursor
    // left on them.
    all.retain(|r| contains(r, offset));
    all.sort_by_key(|r| (r.len(), std::cmp::Reverse(r.start)));
    let mut chain: Vec<TextRange> = Vec::new();
    for r in all {
        if chain
            .last()
            .is_none_or(|last| *last != r && encloses(&r, last))
        {
            chain.push(r);
        }
    }
    chain
}

/// The annotation ranges around `offset`.
fn annotations(doc: &Document, text: &str, offset: usize, out: &mut Vec<TextRange>) {
    for span in doc.spans.iter().filter(|s| contains(&s.range, offset)) {
        out.push(span.range.clone());
        for part in [&span.content, &span.attributes] {
            if contains(part, offset) {
                out.push(part.clone());
            }
        }
        if !contains(&span.attributes, offset) {
            continue;
        }
        for p in &span.properties {
            // `key=value`, with the closing quote of a quoted value.
            let mut end = p.value.range.end;
            if text.get(end..).is_some_and(|t| t.starts_with('"')) {
                end += 1;
            }
            let whole = p.key.range.start..end;
            if contains(&whole, offset) {
                out.push(whole);
                if contains(&p.value.range, offset) {
                    out.push(p.value.range.clone());
                }
            }
        }
        let words = span
            .kind
            .iter()
            .chain(&span.entities)
            .chain(&span.anchors)
            .chain(&span.flags);
        out.extend(
            words
                .filter(|w| contains(&w.range, offset))
                .map(|w| w.range.clone()),
        );
    }
    for c in doc.critics.iter().filter(|c| contains(&c.range, offset)) {
        out.push(c.range.clone());
        out.extend(
            [&c.body, &c.replacement]
                .into_iter()
                .flatten()
                .filter(|r| contains(r, offset))
                .cloned(),
        );
    }
}

/// The word the cursor is in or touches: letters, digits, `_`, `-` and
/// apostrophes inside it (`hadn’t`, `never-arms-trade`).
fn word_at(text: &str, offset: usize) -> Option<TextRange> {
    let part = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '\'' | '’');
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| part(c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = offset
        + text[offset..]
            .char_indices()
            .find(|&(_, c)| !part(c))
            .map_or(text.len() - offset, |(i, _)| i);
    let edge = |c: char| matches!(c, '-' | '\'' | '’');
    let word = text[start..end].trim_matches(edge);
    if word.is_empty() {
        return None;
    }
    let start = start + (text[start..end].len() - text[start..end].trim_start_matches(edge).len());
    // In `{--x--}` at the first `-`, the word is `x`: not where the cursor is.
    Some(start..start + word.len()).filter(|w| contains(w, offset))
}

/// The line holding `offset`, without its line break.
fn line_at(text: &str, offset: usize) -> TextRange {
    let start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let end = text[offset..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| offset + i);
    start..end
}

/// Whether `outer` holds all of `inner`.
fn encloses(outer: &TextRange, inner: &TextRange) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// `offset`, moved back to the start of the character it is in
/// (`str::floor_char_boundary` needs Rust 1.91; the workspace supports
/// 1.90).
fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::selection_ranges;
    use crate::ide::test_support::fixture;

    /// Each range of the chain as the text it selects, innermost first.
    fn check(text: &str, expected: Expect) {
        let (corpus, file, offset) = fixture(text);
        let (_, file_text) = corpus.file_text(file).expect("the file");
        let out: Vec<String> = selection_ranges(&corpus, file, offset)
            .iter()
            .map(|r| format!("{:?}", &file_text[r.clone()]))
            .collect();
        expected.assert_eq(&out.join("\n"));
    }

    const ARTICLE: &str = "+++\nid = \"kcna\"\npublished = 2022-09-22\n+++\nIt said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}.\nA second line.\n";

    #[test]
    fn from_a_word_out_through_nested_spans() {
        check(
            &ARTICLE.replace("North Korea", "North Ko$0rea"),
            expect![[r#"
                "Korea"
                "North Korea"
                "[North Korea]{@prk}"
                "[North Korea]{@prk} hadn’t “exported any weapon”"
                "[[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"}"
                "It said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}."
                "It said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}.\nA second line."
                "+++\nid = \"kcna\"\npublished = 2022-09-22\n+++\nIt said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}.\nA second line.\n""#]],
        );
    }

    #[test]
    fn a_word_with_an_apostrophe() {
        check(
            &ARTICLE.replace("hadn’t", "had$0n’t"),
            expect![[r#"
                "hadn’t"
                "[North Korea]{@prk} hadn’t “exported any weapon”"
                "[[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"}"
                "It said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}."
                "It said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}.\nA second line."
                "+++\nid = \"kcna\"\npublished = 2022-09-22\n+++\nIt said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}.\nA second line.\n""#]],
        );
    }

    #[test]
    fn in_an_attribute_block() {
        check(
            &ARTICLE.replace("claim=no-arms", "claim=no-a$0rms"),
            expect![[r#"
                "no-arms"
                "claim=no-arms"
                "{.quote by=@prk claim=no-arms when=\"2022-09-22\"}"
                "[[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"}"
                "It said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}."
                "It said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}.\nA second line."
                "+++\nid = \"kcna\"\npublished = 2022-09-22\n+++\nIt said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}.\nA second line.\n""#]],
        );
        check(
            &ARTICLE.replace("when=\"2022", "when=\"20$022"),
            expect![[r#"
                "2022-09-22"
                "when=\"2022-09-22\""
                "{.quote by=@prk claim=no-arms when=\"2022-09-22\"}"
                "[[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"}"
                "It said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}."
                "It said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}.\nA second line."
                "+++\nid = \"kcna\"\npublished = 2022-09-22\n+++\nIt said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}.\nA second line.\n""#]],
        );
    }

    #[test]
    fn in_a_correction_and_in_the_front_matter() {
        check(
            &ARTICLE.replace("src950s", "src9$050s"),
            expect![[r#"
                "src950s"
                "{~~src950s~>1950s~~}"
                "It said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}."
                "It said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}.\nA second line."
                "+++\nid = \"kcna\"\npublished = 2022-09-22\n+++\nIt said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}.\nA second line.\n""#]],
        );
        check(
            &ARTICLE.replace("id = \"kcna\"", "id = \"kc$0na\""),
            expect![[r#"
                "kcna"
                "id = \"kcna\""
                "+++\nid = \"kcna\"\npublished = 2022-09-22\n+++\n"
                "+++\nid = \"kcna\"\npublished = 2022-09-22\n+++\nIt said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}.\nA second line.\n""#]],
        );
    }

    #[test]
    fn at_the_start_of_the_body() {
        check(
            &ARTICLE.replace("+++\nIt said", "+++\n$0It said"),
            expect![[r#"
                "It"
                "It said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}."
                "It said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}.\nA second line."
                "+++\nid = \"kcna\"\npublished = 2022-09-22\n+++\nIt said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}.\nA second line.\n""#]],
        );
    }

    #[test]
    fn between_words_and_in_the_registry() {
        check(
            &ARTICLE.replace("A second", "A $0 second"),
            expect![[r#"
                "A  second line."
                "It said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}.\nA  second line."
                "+++\nid = \"kcna\"\npublished = 2022-09-22\n+++\nIt said [[North Korea]{@prk} hadn’t “exported any weapon”]{.quote by=@prk claim=no-arms when=\"2022-09-22\"} in the {~~src950s~>1950s~~}.\nA  second line.\n""#]],
        );
        check(
            "//- /a.news\nText.\n//- /entities.toml\n[prk]\nname = \"North K$0orea\"\n",
            expect![[r#"
                "Korea"
                "name = \"North Korea\""
                "[prk]\nname = \"North Korea\"\n""#]],
        );
    }
}
