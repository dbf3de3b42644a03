//! Semantic highlighting: entity ids, kinds, keys, values, flags, anchors
//! and correction replacements, as byte ranges with a token kind.

use crate::corpus::Corpus;
use crate::syntax::TextRange;

/// Token kinds, in the order of the LSP legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TokenKind {
    Entity,
    Kind,
    Key,
    Value,
    Flag,
    Replacement,
    Anchor,
}

pub fn semantic_tokens(corpus: &Corpus, i: usize) -> Vec<(TextRange, TokenKind)> {
    let Some(a) = corpus.articles.get(i) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for s in &a.doc().spans {
        // `@`, `.` and `#` belong to their token.
        out.extend(
            s.entities
                .iter()
                .map(|e| (e.range.start - 1..e.range.end, TokenKind::Entity)),
        );
        out.extend(
            s.kind
                .iter()
                .map(|k| (k.range.start - 1..k.range.end, TokenKind::Kind)),
        );
        for p in &s.properties {
            out.push((p.key.range.clone(), TokenKind::Key));
            out.push((p.value.range.clone(), TokenKind::Value));
        }
        out.extend(s.flags.iter().map(|f| (f.range.clone(), TokenKind::Flag)));
        out.extend(
            s.anchors
                .iter()
                .map(|x| (x.range.start - 1..x.range.end, TokenKind::Anchor)),
        );
    }
    out.extend(
        a.doc()
            .critics
            .iter()
            .filter_map(|c| c.replacement.clone())
            .map(|r| (r, TokenKind::Replacement)),
    );
    out.sort_by_key(|(r, k)| (r.start, r.end, *k));
    out
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::semantic_tokens;
    use crate::checks::test_support::corpus;

    #[test]
    fn attributes_and_corrections() {
        let src = "[“x”]{.quote #q by=@prk anon} {~~src950s~>1950s~~}\n";
        let c = corpus(src);
        let out: Vec<String> = semantic_tokens(&c, 0)
            .iter()
            .map(|(r, k)| format!("{k:?} {:?}", &src[r.clone()]))
            .collect();
        expect![[r##"
            Kind ".quote"
            Anchor "#q"
            Key "by"
            Value "@prk"
            Flag "anon"
            Replacement "1950s""##]]
        .assert_eq(&out.join("\n"));
    }
}
