//! One pass over an article's text for the words of two per-article rules:
//! the relative dates of `unresolved-relative-date` (weekday names,
//! "last week", ...) and the gate words of `anonymous-source` ("unnamed",
//! "sources", ...). Each set had an automaton and a pass of its own over
//! every article, each pass about 3% of a cold `newsmark check`; one
//! automaton of both sets (Aho-Corasick, ASCII case-insensitive) reports
//! every match of either in one pass.

use std::ops::Range;
use std::sync::LazyLock;

use super::{anonymous_source, dates};

/// What one pass over a text found.
pub struct Words {
    /// Relative-date phrases and weekday names, `(pattern, range)` with the
    /// pattern numbered as in [`dates::names`]: the matches a
    /// leftmost-longest search reports (at each point the longest match
    /// starting there, then on from its end).
    pub relative: Vec<(usize, Range<usize>)>,
    /// Where each `anonymous-source` gate word occurs: `(its start, the
    /// gates it opens)`.
    pub gate_at: Vec<(usize, u8)>,
}

static FINDER: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    // Building from fixed lists of short ASCII words cannot fail.
    #[allow(clippy::expect_used)]
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(dates::names().chain(anonymous_source::gate_words()))
        .expect("fixed lists of words build")
});

/// Builds the finder (see [`super::warm_up_while`]).
pub(super) const WARM_UP: &[fn()] = &[|| {
    LazyLock::force(&FINDER);
}];

/// Every relative date and gate word of `text`.
pub fn scan(text: &str) -> Words {
    let dated = dates::names().count();
    let mut gate_at = Vec::new();
    // Every match of a date pattern, overlapping ones included.
    let mut all: Vec<(usize, usize, usize)> = Vec::new();
    for m in FINDER.find_overlapping_iter(text) {
        let p = m.pattern().as_usize();
        if p < dated {
            all.push((m.start(), m.end(), p));
        } else {
            gate_at.push((m.start(), anonymous_source::gate_bits(p - dated)));
        }
    }
    // Leftmost, then longest; a match that starts inside the last one
    // taken is not reported (as by a leftmost-longest search).
    all.sort_unstable_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
    let mut relative = Vec::new();
    let mut from = 0;
    for (start, end, p) in all {
        if start >= from {
            relative.push((p, start..end));
            from = end;
        }
    }
    Words { relative, gate_at }
}

#[cfg(test)]
mod tests {
    use super::{anonymous_source, dates, scan};

    /// Relative dates `(pattern, range)` and gate words `(start, gates)`.
    type Found = (Vec<(usize, std::ops::Range<usize>)>, Vec<(usize, u8)>);

    /// The two searches one scan replaces: a leftmost-longest search of
    /// the date words, and every match of the gate words.
    fn apart(text: &str) -> Found {
        let dated = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(dates::names())
            .expect("builds");
        let gates = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(anonymous_source::gate_words())
            .expect("builds");
        (
            dated
                .find_iter(text)
                .map(|m| (m.pattern().as_usize(), m.range()))
                .collect(),
            gates
                .find_overlapping_iter(text)
                .map(|m| {
                    (
                        m.start(),
                        anonymous_source::gate_bits(m.pattern().as_usize()),
                    )
                })
                .collect(),
        )
    }

    /// Words that overlap and nest ("earlier this week" holds "this
    /// week"; "yesterday" holds "day", "named" is in "unnamed"), in any
    /// case, run together or apart.
    const PIECES: &[&str] = &[
        "earlier this week",
        "this week",
        "earlier this",
        "last month",
        "next year",
        "this year",
        "later this",
        "week",
        "Monday",
        "monday",
        "SUNDAY",
        "yesterday",
        "Today",
        "tomorrow",
        "unnamed",
        "named",
        "un-named",
        "sources",
        "source",
        "according",
        "anonym",
        "anonymously",
        "close",
        "familiar",
        "identified",
        "condition",
        "x",
        " ",
        "  ",
        "\n",
        ".",
        "é",
    ];

    proptest::proptest! {
        #[test]
        fn one_scan_finds_what_the_two_searches_found(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..16),
        ) {
            let text = pieces.concat();
            let words = scan(&text);
            let (relative, gates) = apart(&text);
            proptest::prop_assert_eq!(&words.relative, &relative, "{:?}", text);
            let mut found = words.gate_at;
            found.sort_unstable();
            let mut gates = gates;
            gates.sort_unstable();
            proptest::prop_assert_eq!(found, gates, "{:?}", text);
        }
    }
}
