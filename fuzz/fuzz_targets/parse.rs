//! The syntax layer on any input: `syntax::parse` never panics, every range
//! it reports lies inside the text on char boundaries, the article text's
//! map back to the source stays inside the source (each article-text char
//! maps to the same char in the source), the parse that skips the inside
//! of runs of text builds the document a parse of every byte builds, and
//! `strip(import(x))` gives `x` back byte for byte for any text without NUL.

#![no_main]

use libfuzzer_sys::fuzz_target;
use newsmark::syntax::{self, Document, TextRange};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    let doc = syntax::parse(text);
    check_ranges(text, &doc);
    check_plain(text, &doc);
    let full = Document::from_tree(text, &syntax::parse_tree(text));
    assert_eq!(format!("{doc:?}"), format!("{full:?}"), "skimmed and full parses differ");

    // A document that parses without errors strips to its own article text.
    if doc.errors.is_empty() {
        assert_eq!(
            syntax::strip(text).ok().as_deref(),
            Some(doc.plain.text.as_str())
        );
    }

    // Any scraped text survives import and strip unchanged. (Text with a
    // NUL byte is not text: `corpus::decode` refuses such a file before
    // `import` or `strip` could see it, and the grammar has no escape for it.)
    if text.contains('\0') {
        return;
    }
    let imported = syntax::import(text, "fuzz");
    match syntax::strip(&imported) {
        Ok(stripped) => assert!(
            stripped == text,
            "strip(import(x)) != x\nimported: {imported:?}\nstripped: {stripped:?}"
        ),
        Err(errors) => {
            panic!("import gave a document with syntax errors: {errors:?}\nimported: {imported:?}")
        }
    }
});

fn in_text(text: &str, r: &TextRange, what: &str) {
    assert!(
        r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end),
        "{what} {r:?} is not a range of the {}-byte text",
        text.len()
    );
}

fn check_ranges(text: &str, doc: &Document) {
    assert!(doc.body_start <= text.len());
    for s in &doc.spans {
        in_text(text, &s.range, "span");
        in_text(text, &s.content, "span content");
        in_text(text, &s.attributes, "span attributes");
        let names = s
            .kind
            .iter()
            .chain(&s.entities)
            .chain(&s.anchors)
            .chain(&s.flags);
        for n in names {
            in_text(text, &n.range, "attribute");
        }
        for p in &s.properties {
            in_text(text, &p.key.range, "property key");
            in_text(text, &p.value.range, "property value");
        }
        if let Some(parent) = s.parent {
            assert!(parent < doc.spans.len());
        }
    }
    for c in &doc.critics {
        in_text(text, &c.range, "critic");
        for r in c.body.iter().chain(&c.replacement) {
            in_text(text, r, "critic body");
        }
    }
    for e in &doc.errors {
        in_text(text, &e.range, "syntax error");
        if let Some((r, _)) = &e.fix {
            in_text(text, r, "syntax error fix");
        }
    }
}

fn check_plain(text: &str, doc: &Document) {
    let plain = &doc.plain;
    assert!(plain.text.len() <= text.len());
    let boundaries = plain
        .text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(plain.text.len()));
    for t in boundaries {
        let s = plain.to_source(t);
        assert!(
            s <= text.len(),
            "to_source({t}) = {s} past the {}-byte source",
            text.len()
        );
        if let Some(c) = plain.text[t..].chars().next() {
            assert!(
                text[s..].starts_with(c),
                "article text {c:?} at {t} maps to source offset {s}, which does not hold it"
            );
        }
        let e = plain.to_source_end(t);
        assert!(
            e <= text.len(),
            "to_source_end({t}) = {e} past the {}-byte source",
            text.len()
        );
        assert_eq!(plain.from_source(s), t, "from_source(to_source({t}))");
    }
}
