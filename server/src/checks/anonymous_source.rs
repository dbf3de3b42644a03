//! `anonymous-source` (info): phrases that attribute information to someone unnamed ("an unnamed North Korean defense official", "sources said", "a source familiar with", "people familiar with the matter", "officials who spoke on condition of anonymity"), so the annotator can record who the source is as far as it is known.
//!
//! Four shapes, all case-insensitive and within one line:
//! - `unnamed`/`unidentified`/`anonymous` + up to five modifier words + a
//!   sourcing noun (official, diplomat, director, source, …), with the
//!   determiner before it: "an unidentified deputy director";
//! - `source(s)` + a reporting verb or `familiar with`/`close to`/`with
//!   knowledge of`: "sources said", "a source familiar with";
//! - `people`/`person`/`officials`/… + `familiar with`/`close to`/…,
//!   optionally + "the matter" and the like;
//! - "(who) spoke/speaking on (the) condition of anonymity", "who asked not
//!   to be named", "who was not named", with the noun it describes:
//!   "officials who spoke on condition of anonymity", "a senior official who
//!   was not named".
//!
//! Each phrase is widened to the left over up to two modifiers ("industry
//! sources said"), a determiner ("a", "two", "several") and "according to".
//! Overlapping phrases are merged.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use regex_automata::util::captures::Captures;
use regex_automata::{Anchored, Input, meta};

use super::TextFinding;

/// Nouns that name a person as a source.
const HEADS: &str = r"officials?|sources?|diplomats?|directors?|officers?|spokes(?:man|men|woman|women|person|people)|aides?|advis[eo]rs?|ministers?|executives?|analysts?|insiders?|experts?|staffers?|employees?|lawmakers?|legislators?|traders?|dealers?|bankers?|economists?|negotiators?|commanders?|investigators?|representatives?|envoys?|witness(?:es)?|residents?|persons?|people|individuals?|members?|managers?|agents?|operatives?";

/// Horizontal whitespace (a phrase never spans lines).
const SP: &str = r"[ \t\x{a0}]+";

/// `unnamed North Korean defense official`: the modifiers are captured to be
/// vetted (no function words, no sentence end inside).
static UNNAMED: LazyLock<meta::Regex> = LazyLock::new(|| {
    meta::Regex::new(&format!(
        r"(?i)(?-u:\b)(?:unnamed|unidentified|anonymous|un-named|nameless)((?:{SP}[\p{{L}}][\p{{L}}\p{{M}}’'.\-]*){{0,5}}?){SP}(?:{HEADS})(?-u:\b)"
    ))
    .expect("the unnamed pattern is valid")
});

/// `sources said`, `a source familiar with`, `people familiar with the matter`.
static FAMILIAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b)(?:(?:sources?){SP}(?:said|say|says|told|added|confirmed|reported|indicated|suggested|believe[ds]?|expect(?:ed)?)|(?:sources?|people|persons?|officials?|insiders?|someone|diplomats?|executives?|bankers?){SP}(?:familiar{SP}with|close{SP}to|with{SP}(?:direct{SP}|first-?hand{SP})?knowledge{SP}of|briefed{SP}on|knowledgeable{SP}about)(?:{SP}the{SP}(?:matter|situation|talks|plans?|negotiations?|deal|discussions?|issue|decision|investigation|case|process|thinking|probe|transaction|government|company|administration|ministry|leadership))?)(?-u:\b)"
    ))
    .expect("the familiar pattern is valid")
});

/// `according to diplomatic sources`.
static ACCORDING: LazyLock<meta::Regex> = LazyLock::new(|| {
    meta::Regex::new(&format!(
        r"(?i)(?-u:\b)according{SP}to((?:{SP}[\p{{L}}][\p{{L}}\p{{M}}’'\-]*){{0,3}}?){SP}sources(?-u:\b)"
    ))
    .expect("the according pattern is valid")
});

/// `who spoke on condition of anonymity`, `who asked not to be named`.
static ANONYMITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b)(?:(?:who{SP})?(?:spoke|speaking|talked|talking|was{SP}speaking|were{SP}speaking){SP}on{SP}(?:the{SP})?condition{SP}(?:of{SP}anonymity|that{SP}(?:he|she|they|his|her|their){SP}(?:not{SP}be|names?{SP}not{SP}be|not{SP}to{SP}be){SP}(?:named|identified|used))|(?:who{SP})?(?:asked|requested|declined|refused|wished|wanted){SP}(?:not{SP}to{SP}be{SP}(?:named|identified)|to{SP}remain{SP}anonymous|anonymity|to{SP}be{SP}(?:named|identified))|on{SP}(?:the{SP})?condition{SP}of{SP}anonymity|who{SP}(?:was|were|is|are){SP}not{SP}(?:named|identified))(?-u:\b)"
    ))
    .expect("the anonymity pattern is valid")
});

/// Determiners and quantifiers that may open the phrase.
#[rustfmt::skip]
const DETERMINERS: &[&str] = &[
    "a", "an", "the", "one", "two", "three", "four", "five", "several", "some", "other",
    "another", "many", "both", "these", "those", "various", "multiple", "numerous", "its", "his",
    "her", "their",
];

/// Words that cannot be modifiers inside or before a phrase: they are verbs,
/// pronouns or function words, so the phrase starts after them.
#[rustfmt::skip]
const NOT_MODIFIERS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with",
    "from", "as", "that", "which", "who", "whom", "this", "these", "those", "it", "he", "she",
    "they", "we", "i", "you", "his", "her", "its", "their", "our", "is", "are", "was", "were",
    "be", "been", "has", "have", "had", "said", "says", "say", "told", "tells", "added",
    "reported", "according", "quoted", "quoting", "citing", "cited", "not", "no", "also", "only",
    "than", "then", "there", "here", "when", "where", "while", "if", "about", "after", "before",
    "into", "over", "under", "between", "against", "led", "left", "did", "does", "do", "would",
    "could", "should", "will", "may", "might", "can", "must", "today", "yesterday", "tomorrow",
    "earlier", "later", "now", "recently", "meanwhile", "however", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "week", "month", "year",
];

/// Words one of which every match of a pattern holds, with the patterns
/// each opens: a pattern runs over the lines holding its words only (see
/// [`gated_lines`]). Most lines hold none, and one pass of the finder of
/// these words (ASCII case-insensitive) costs less than a pass of one of
/// the patterns, which have no literal prefix the regex crate can search
/// for (they are case-insensitive alternations).
const GATES: &[(&str, u8)] = &[
    ("unnamed", UNNAMED_GATE),
    ("unidentified", UNNAMED_GATE),
    ("anonymous", UNNAMED_GATE),
    ("un-named", UNNAMED_GATE),
    ("nameless", UNNAMED_GATE),
    ("source", FAMILIAR_GATE | SOURCES_WORD),
    ("familiar", FAMILIAR_GATE),
    ("close", FAMILIAR_GATE),
    ("knowledge", FAMILIAR_GATE),
    ("briefed", FAMILIAR_GATE),
    ("according", ACCORDING_WORD),
    ("condition", ANONYMITY_GATE),
    ("named", ANONYMITY_GATE),
    ("identified", ANONYMITY_GATE),
    ("anonym", ANONYMITY_GATE),
];
const UNNAMED_GATE: u8 = 1;
const FAMILIAR_GATE: u8 = 2;
const ANONYMITY_GATE: u8 = 4;
const SOURCES_WORD: u8 = 8;
const ACCORDING_WORD: u8 = 16;
/// `according to … sources` needs both words.
const ACCORDING_GATE: u8 = SOURCES_WORD | ACCORDING_WORD;

/// The gate words, numbered in this order (found by [`super::words`]).
pub(super) fn gate_words() -> impl Iterator<Item = &'static str> {
    GATES.iter().map(|(w, _)| *w)
}

/// The gates gate word `n` opens.
pub(super) fn gate_bits(n: usize) -> u8 {
    GATES.get(n).map_or(0, |(_, bits)| *bits)
}

pub fn find(text: &str, published: Option<jiff::civil::Date>) -> Vec<TextFinding> {
    find_gated(text, &super::words::scan(text).gate_at, published)
}

/// The lines of `text` (byte ranges, without their `\n`) that hold gate
/// words, in order, each with the gates its words open. No phrase spans
/// lines, so each pattern runs over the lines its gate opens rather than
/// over a whole text holding its words somewhere: in the real corpora,
/// 8% of the text instead of half (the scans were 6% of a cold `check`
/// there).
fn gated_lines(text: &str, found: &[(usize, u8)]) -> Vec<(Range<usize>, u8)> {
    let bytes = text.as_bytes();
    let mut lines: Vec<(Range<usize>, u8)> = Vec::new();
    for &(at, bits) in found {
        match lines.last_mut() {
            Some((line, open)) if line.contains(&at) => *open |= bits,
            _ => {
                let start = bytes
                    .get(..at)
                    .and_then(|b| memchr::memrchr(b'\n', b))
                    .map_or(0, |i| i + 1);
                let end = bytes
                    .get(at..)
                    .and_then(|b| memchr::memchr(b'\n', b))
                    .map_or(text.len(), |i| at + i);
                lines.push((start..end, bits));
            }
        }
    }
    // The gate words come in the order their ends are found: mostly in
    // line order already, a line seen twice when words overlap.
    lines.sort_by_key(|(line, _)| line.start);
    lines.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1 |= later.1;
        }
        same
    });
    lines
}

/// [`find`], given where a scan of `text` found gate words.
pub(super) fn find_gated(
    text: &str,
    gate_at: &[(usize, u8)],
    _published: Option<jiff::civil::Date>,
) -> Vec<TextFinding> {
    // Case-insensitive patterns also match `ſ` for `s` and the Kelvin sign
    // for `k`, which the ASCII finder does not: such a text runs them all,
    // over the whole text.
    if super::folds_into_ascii(text) {
        return find_in(text, &[(0..text.len(), u8::MAX)], None);
    }
    find_in(text, &gated_lines(text, gate_at), Some(gate_at))
}

/// The `lines` that `gate` opens.
fn opened(lines: &[(Range<usize>, u8)], gate: u8) -> impl Iterator<Item = Range<usize>> + '_ {
    lines
        .iter()
        .filter(move |(_, open)| open & gate == gate)
        .map(|(line, _)| line.clone())
}

/// The matches of `re` in the `lines` of `text` that `gate` opens, each with
/// its capture groups; or, given where the gate words are (`starts`), the
/// matches starting at one of the words that open `opening` gates, for
/// patterns that open with such a word: each is tried as a search anchored
/// there, in order, those inside the match before skipped. Those are the matches an unanchored search
/// reports, found without the reverse scan such a search runs to find
/// where each match starts: for these patterns, with Unicode classes in a
/// repetition, that scan's automaton (built lazily, state by state) cost
/// more than the searches themselves, 5% of a cold `check` of the real
/// corpora.
fn captures(
    re: &meta::Regex,
    text: &str,
    (gate, opening): (u8, u8),
    lines: &[(Range<usize>, u8)],
    starts: Option<&[(usize, u8)]>,
) -> Vec<Captures> {
    let Some(starts) = starts else {
        return opened(lines, gate)
            .flat_map(|line| re.captures_iter(Input::new(text).range(line)))
            .collect();
    };
    let mut starts: Vec<usize> = starts
        .iter()
        .filter(|(_, opens)| opens & opening != 0)
        .map(|(at, _)| *at)
        .collect();
    starts.sort_unstable();
    let mut out: Vec<Captures> = Vec::new();
    let mut from = 0;
    for at in starts {
        if at < from {
            continue;
        }
        let mut caps = re.create_captures();
        re.search_captures(
            &Input::new(text).range(at..).anchored(Anchored::Yes),
            &mut caps,
        );
        if let Some(m) = caps.get_match() {
            from = m.end();
            out.push(caps);
        }
    }
    out
}

/// The phrases of `text` found by running each pattern over the `lines`
/// its gate opens, or for `unnamed …` and `according to …`, from the gate
/// words' `starts` when given (see [`captures`]).
fn find_in(
    text: &str,
    lines: &[(Range<usize>, u8)],
    starts: Option<&[(usize, u8)]>,
) -> Vec<TextFinding> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    // The span of group `n` of a match.
    let group = |caps: &Captures, n: usize| caps.get_group(n).map(|s| s.range());
    // The lines a gate opens, each with its text.
    let open =
        |gate: u8| opened(lines, gate).filter_map(|line| Some((line.start, text.get(line)?)));
    let text_of = |range: Range<usize>| text.get(range).unwrap_or_default();
    for caps in captures(&UNNAMED, text, (UNNAMED_GATE, UNNAMED_GATE), lines, starts) {
        let (Some(m), Some(mods)) = (group(&caps, 0), group(&caps, 1)) else {
            continue;
        };
        if !modifiers_ok(text_of(mods)) {
            continue;
        }
        ranges.push(widen_determiner(text, m.start)..m.end);
    }
    for (at, line) in open(FAMILIAR_GATE) {
        for m in FAMILIAR.find_iter(line) {
            ranges.push(widen(text, at + m.start(), 2)..at + m.end());
        }
    }
    // `according to … sources` opens with one word of its gate and needs
    // the other in the text too.
    let sources = starts.is_none_or(|s| s.iter().any(|(_, o)| o & SOURCES_WORD != 0));
    let according = if sources {
        let gate = (ACCORDING_GATE, ACCORDING_WORD);
        captures(&ACCORDING, text, gate, lines, starts)
    } else {
        Vec::new()
    };
    for caps in according {
        let (Some(m), Some(mods)) = (group(&caps, 0), group(&caps, 1)) else {
            continue;
        };
        let mods: Vec<&str> = text_of(mods).split_whitespace().collect();
        let vetted = mods.iter().enumerate().all(|(i, w)| {
            let w = w.to_lowercase();
            (i == 0 && DETERMINERS.contains(&w.as_str())) || !NOT_MODIFIERS.contains(&w.as_str())
        });
        if vetted {
            ranges.push(m);
        }
    }
    for (at, line) in open(ANONYMITY_GATE) {
        for m in ANONYMITY.find_iter(line) {
            let phrase = m.as_str();
            let lower = phrase.get(..8).unwrap_or(phrase).to_ascii_lowercase();
            let (start, end) = (at + m.start(), at + m.end());
            let start = if lower.starts_with("who ") || lower.starts_with("speaking") {
                // Include the person described: `officials who spoke …`,
                // `a senior official, speaking …`.
                subject_start(text, start).unwrap_or(start)
            } else {
                start
            };
            ranges.push(start..end);
        }
    }
    ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
        .into_iter()
        .filter_map(|range| {
            let phrase = text.get(range.clone())?;
            Some(TextFinding {
                message: format!("anonymous source: “{}”", phrase.split_whitespace().collect::<Vec<_>>().join(" ")),
                help: Some(
                    "annotate the phrase as a source, e.g. `[…]{.src @some-id anon}`, and add a registry entry with `anon = true` and a `role` saying what is known about who it is"
                        .to_string(),
                ),
                replacement: None,
                range,
            })
        })
        .collect()
}

/// The modifiers between `unnamed` and the head noun may not contain
/// function words or verbs, nor end a sentence.
fn modifiers_ok(mods: &str) -> bool {
    mods.split_whitespace().all(|w| {
        let lower = w.to_lowercase();
        let ends_sentence = w.ends_with('.') && !w[..w.len() - 1].contains('.');
        !ends_sentence && !NOT_MODIFIERS.contains(&lower.as_str())
    })
}

/// The word that ends right before `pos`, separated from it by horizontal
/// whitespace only: (its start, the word).
fn word_before(text: &str, pos: usize) -> Option<(usize, &str)> {
    let before = text.get(..pos)?;
    let trimmed = before.trim_end_matches([' ', '\t', '\u{a0}']);
    if trimmed.len() == before.len() {
        return None;
    }
    let mut start = trimmed.len();
    for (i, c) in trimmed.char_indices().rev() {
        if !(c.is_alphanumeric() || matches!(c, '-' | '\'' | '’' | '.')) || trimmed.len() - i > 40
        {
            break;
        }
        start = i;
    }
    let word = &trimmed[start..];
    (!word.is_empty()).then_some((start, word))
}

/// Extends a phrase start over one determiner and then "according to".
fn widen_determiner(text: &str, start: usize) -> usize {
    let mut start = start;
    if let Some((s, w)) = word_before(text, start)
        && DETERMINERS.contains(&w.to_lowercase().as_str())
    {
        start = s;
    }
    according_to(text, start)
}

/// Extends a phrase start over up to `max_mods` modifier words ("industry",
/// "Western diplomatic"), a determiner, and "according to".
fn widen(text: &str, start: usize, max_mods: usize) -> usize {
    let mut start = start;
    for _ in 0..max_mods {
        let Some((s, w)) = word_before(text, start) else {
            break;
        };
        let lower = w.to_lowercase();
        if NOT_MODIFIERS.contains(&lower.as_str())
            || DETERMINERS.contains(&lower.as_str())
            || (w.ends_with('.') && !w[..w.len() - 1].contains('.'))
            || !w.chars().next().is_some_and(char::is_alphabetic)
        {
            break;
        }
        start = s;
    }
    widen_determiner(text, start)
}

/// Extends a phrase start over a preceding "according to".
fn according_to(text: &str, start: usize) -> usize {
    if let Some((s, w)) = word_before(text, start)
        && w.eq_ignore_ascii_case("to")
        && let Some((s2, w2)) = word_before(text, s)
        && w2.eq_ignore_ascii_case("according")
    {
        return s2;
    }
    start
}

/// The start of the noun phrase a `who …` clause describes, when its head is
/// a sourcing noun ("officials who spoke …", "a senior official who asked …").
fn subject_start(text: &str, who: usize) -> Option<usize> {
    // `officials who …` or `an official, who …`.
    let before = text.get(..who)?.trim_end_matches([' ', '\t', '\u{a0}']);
    let at = match before.strip_suffix(',') {
        Some(b) => b.len(),
        None => who,
    };
    let (s, head) = if at == who {
        word_before(text, who)?
    } else {
        // Pretend the comma is a space: the head ends right before it.
        let b = &text[..at];
        let start = b
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || matches!(c, '-' | '\'' | '’'))
            .last()?
            .0;
        (start, &b[start..])
    };
    if !HEAD_RE.is_match(head) {
        return None;
    }
    Some(widen(text, s, 2))
}

static HEAD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)^(?:{HEADS})$")).expect("the head pattern is valid")
});

/// Builds the patterns, one a step (see [`super::warm_up_while`]).
pub(super) const WARM_UP: &[fn()] = &[
    || {
        LazyLock::force(&FAMILIAR);
    },
    || {
        LazyLock::force(&ANONYMITY);
    },
    || {
        LazyLock::force(&HEAD_RE);
    },
    || {
        LazyLock::force(&UNNAMED);
    },
    || {
        LazyLock::force(&ACCORDING);
    },
];

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::{find, find_in, gated_lines};

    /// A line's gates are those of all its words, however the words come.
    #[test]
    fn a_line_opens_the_gates_of_all_its_words() {
        let text = "Hello.\nSources close to it, according to sources.\nnamed";
        let at = |w: &str, n: usize| text.match_indices(w).nth(n).map_or(0, |(i, _)| i);
        let found = [
            (at("according", 0), super::ACCORDING_WORD),
            (at("named", 0), super::ANONYMITY_GATE),
            (at("ources", 1) - 1, super::SOURCES_WORD),
            (at("close", 0), super::FAMILIAR_GATE),
        ];
        let lines: Vec<(&str, u8)> = gated_lines(text, &found)
            .into_iter()
            .map(|(line, open)| (&text[line], open))
            .collect();
        assert_eq!(
            lines,
            [
                (
                    "Sources close to it, according to sources.",
                    super::ACCORDING_GATE | super::FAMILIAR_GATE
                ),
                ("named", super::ANONYMITY_GATE),
            ]
        );
    }

    /// Pieces of text: phrases of every pattern, their words alone, other
    /// words, line ends in between.
    const PIECES: &[&str] = &[
        "an unnamed official",
        "unnamed",
        "two unidentified senior Western diplomats",
        "sources said",
        "Sources",
        "a source familiar with the matter",
        "people close to the talks",
        "close",
        "according to diplomatic sources",
        "according to",
        "sources",
        "officials who spoke on condition of anonymity",
        "a senior official, speaking on the condition of anonymity",
        "who asked not to be named",
        "named",
        "who was not identified",
        "anonymous",
        "industry",
        "the",
        "un-named",
        "Nameless",
        "the minister said",
        "Reuters",
        " ",
        "  ",
        "\n",
        "\n\n",
        ". ",
        ", ",
    ];

    /// Texts where a pattern's word sits inside a phrase of the same
    /// pattern, the outer phrase vetted out or not: a search from each
    /// word finds what one search of the whole text finds.
    #[test]
    fn words_inside_a_phrase_start_nothing_more() {
        for text in [
            "An unnamed the anonymous officials said.",
            "An unnamed anonymous official said.",
            "according to the according to sources sources",
            "according to according to unnamed sources",
            "Un-named unnamed nameless sources.",
        ] {
            let ranges = |found: Vec<super::TextFinding>| {
                found.into_iter().map(|f| f.range).collect::<Vec<_>>()
            };
            let everywhere = ranges(find_in(text, &[(0..text.len(), u8::MAX)], None));
            assert_eq!(ranges(find(text, None)), everywhere, "{text:?}");
        }
    }

    proptest::proptest! {
        /// Running each pattern over the lines its words open finds what
        /// running it over the whole text finds.
        #[test]
        fn the_gated_lines_find_what_the_whole_text_holds(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..24),
        ) {
            let text = pieces.concat();
            let ranges = |found: Vec<super::TextFinding>| {
                found.into_iter().map(|f| f.range).collect::<Vec<_>>()
            };
            let everywhere = ranges(find_in(&text, &[(0..text.len(), u8::MAX)], None));
            proptest::prop_assert_eq!(ranges(find(&text, None)), everywhere, "{:?}", text);
        }
    }

    fn check(text: &str, expect: Expect) {
        let mut out = String::new();
        for f in find(text, None) {
            let slice = text
                .get(f.range.clone())
                .unwrap_or("<not on a char boundary>");
            out.push_str(&format!("{:?} {slice:?}: {}", f.range, f.message));
            if let Some(r) = &f.replacement {
                out.push_str(&format!(" => {r:?}"));
            }
            out.push('\n');
        }
        expect.assert_eq(&out);
    }

    /// The patterns are case-insensitive by Unicode's rules (`ſ` is an `s`,
    /// the Kelvin sign a `k`); the quick pass that skips them on texts
    /// without their words must not skip these.
    #[test]
    fn unicode_case_variants_are_not_skipped() {
        check(
            "Two said so. People with \u{212a}nowledge of the plan agreed.",
            expect![[r#"
                13..48 "People with Knowledge of the plan": anonymous source: “People with Knowledge of the plan”
            "#]],
        );
    }

    #[test]
    fn seed_000_unnamed_official() {
        check(
            "In a state media report, an unnamed North Korean defense official told the US to stop making “reckless remarks” and to “keep its mouth shut.”",
            expect![[r#"
                25..65 "an unnamed North Korean defense official": anonymous source: “an unnamed North Korean defense official”
            "#]],
        );
    }

    #[test]
    fn seed_001_unnamed_official_at_ministry() {
        check(
            "On Thursday, in a statement carried by North Korean state media KCNA, an unnamed official at North Korea’s defense ministry said: “We have never exported weapons or ammunition to Russia before.”",
            expect![[r#"
                70..89 "an unnamed official": anonymous source: “an unnamed official”
            "#]],
        );
    }

    #[test]
    fn seed_003_unnamed_vice_director() {
        check(
            "There have never been any exports of military weapons to Russia, nor are there plans to do so, said an unnamed North Korean vice director of national defense who oversees military equipment. The unnamed national-defense official warned the U.S.",
            expect![[r#"
                100..137 "an unnamed North Korean vice director": anonymous source: “an unnamed North Korean vice director”
                191..228 "The unnamed national-defense official": anonymous source: “The unnamed national-defense official”
            "#]],
        );
    }

    #[test]
    fn seed_004_unidentified_deputy_director() {
        check(
            "“We consider such actions by the United States to be part of its hostile attempt to tarnish (North Korea’s) image in the international arena,” an unidentified deputy director of the military foreign affairs office said.",
            expect![[r#"
                149..180 "an unidentified deputy director": anonymous source: “an unidentified deputy director”
            "#]],
        );
    }

    #[test]
    fn sources_said_and_familiar() {
        check(
            "Industry sources said the deal was close. A source familiar with the talks said no. According to people familiar with the matter, it collapsed. Two people briefed on the plans confirmed it. According to Western diplomatic sources, the ship left.",
            expect![[r#"
                0..21 "Industry sources said": anonymous source: “Industry sources said”
                42..74 "A source familiar with the talks": anonymous source: “A source familiar with the talks”
                84..128 "According to people familiar with the matter": anonymous source: “According to people familiar with the matter”
                144..175 "Two people briefed on the plans": anonymous source: “Two people briefed on the plans”
                190..229 "According to Western diplomatic sources": anonymous source: “According to Western diplomatic sources”
            "#]],
        );
    }

    #[test]
    fn spoke_on_condition_of_anonymity() {
        check(
            "Officials who spoke on condition of anonymity said the test failed. A senior official, speaking on the condition of anonymity, agreed. An aide who asked not to be named disagreed. A senior official who was not named said so.",
            expect![[r#"
                0..45 "Officials who spoke on condition of anonymity": anonymous source: “Officials who spoke on condition of anonymity”
                68..125 "A senior official, speaking on the condition of anonymity": anonymous source: “A senior official, speaking on the condition of anonymity”
                135..168 "An aide who asked not to be named": anonymous source: “An aide who asked not to be named”
                180..215 "A senior official who was not named": anonymous source: “A senior official who was not named”
            "#]],
        );
    }

    #[test]
    fn named_sources_do_not_fire() {
        check(
            "Sung Kim met his counterpart. The official said the export was lawful. Energy sources of the region were named. The unnamed bill was passed by officials. Police said an anonymous tip led them to the man. Open sources.",
            expect![[""]],
        );
    }

    #[test]
    fn help_mentions_src_and_registry() {
        let f = find("sources said", None);
        expect![[r#"
            [
                Some(
                    "annotate the phrase as a source, e.g. `[…]{.src @some-id anon}`, and add a registry entry with `anon = true` and a `role` saying what is known about who it is",
                ),
            ]
        "#]].assert_debug_eq(&f.iter().map(|f| f.help.clone()).collect::<Vec<_>>());
    }

    #[test]
    fn unicode_and_crlf() {
        check(
            "북한 🚀 “an unnamed official” said.\r\nSources said\r\nthe unnamed\r\nofficial left.",
            expect![[r#"
                15..34 "an unnamed official": anonymous source: “an unnamed official”
                45..57 "Sources said": anonymous source: “Sources said”
            "#]],
        );
    }

    #[test]
    fn empty_input() {
        check("", expect![[""]]);
    }
}
