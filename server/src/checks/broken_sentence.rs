//! `broken-sentence`: a full stop followed by a lowercase word ("… affairs office said. ministry in a statement …"), the mark of a sentence a scraper cut or spliced; abbreviations, initials, ellipses, URLs and numbers are left alone.
//!
//! What counts: a period right after a word or after a closing quote
//! (`politics”. of`), then spaces (at most one line break, not a blank line),
//! then a word of lowercase letters. What does not:
//! - the period closes an abbreviation (`Mr.`, `Sept.`, `vs.`, `Inc.`, `etc.`,
//!   `(D-Okla.)` …), an initial (`John F. kennedy`), a word with periods
//!   inside (`U.S.`, `a.m.`, `e.g.`, a domain or address), or is the last dot
//!   of an ellipsis;
//! - the period sits inside a closing quote or bracket (`called it “a
//!   disgrace.” and left`, `(as of noon.) in 2001`): it may end the quotation only;
//! - the word is not plain (`iPhone`, `mp3`, `example.com`), a single letter,
//!   a name particle before a capital (`al Arabiya`, `de Villiers`), or a
//!   pronoun/article that starts a new sentence whose capital was lost
//!   (`. the`, `. he`, `. four`), which is a typo rather than a cut; nor a
//!   wire abbreviation (`unch`, `pct`), a possessive, or the subject of a
//!   new sentence (`traders said …`, `acmecell has denied …`);
//! - a number follows within three words (`grade 2 250 lbs`, `five pct
//!   planted`): tables and wire market reports;
//! - the text has three or more such cuts and more of them than sentences
//!   that start with a capital (telegraphic wire copy, all-lowercase items).

use std::sync::LazyLock;

use regex::Regex;

use super::TextFinding;

/// A period, whitespace with at most one line break, then a word that starts
/// lowercase. The word is taken whole (letters, digits and the punctuation
/// that may sit inside a token) so it can be judged as a token.
static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\.[\t\p{Zs}]*(?:\r?\n)?[\t\p{Zs}]*\p{Ll}[\p{L}\p{M}\p{N}.@/:_'’\-]*")
        .expect("the broken-sentence pattern is valid")
});

/// Any sentence start: end punctuation, closers, whitespace, openers, then
/// the first letter (to count the capitalized ones).
static SENTENCE_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"[.!?][”"’'»)\]]*\s+[“"‘'(\[]*\p{L}"#)
        .expect("the sentence-start pattern is valid")
});

/// Builds the patterns, one a step (see [`super::warm_up_while`]).
pub(super) const WARM_UP: &[fn()] = &[
    || {
        LazyLock::force(&CANDIDATE);
    },
    || {
        LazyLock::force(&SENTENCE_START);
    },
];

/// Abbreviations that end in a period wherever they appear (compared
/// lowercase, without the period).
#[rustfmt::skip]
const ABBREVIATIONS: &[&str] = &[
    // titles
    "mr", "mrs", "ms", "messrs", "mme", "dr", "prof", "rev", "fr", "sr", "jr", "st", "mt", "ft",
    "gen", "lt", "col", "maj", "capt", "cmdr", "cdr", "sgt", "cpl", "pvt", "adm", "gov", "sen",
    "rep", "reps", "sens", "hon", "pres", "supt", "insp", "det", "atty", "amb", "rt", "esq",
    "asst", "assoc", "sec", "def", "phd", "mgr", "dir",
    // companies
    "inc", "corp", "co", "cos", "ltd", "llc", "plc", "bros", "assn", "dept", "univ", "intl",
    "natl", "govt", "bhd", "pty", "cie", "ag", "nv", "sa", "spa", "ehf", "div",
    // months and days
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon",
    "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    // references and Latin
    "no", "nos", "vs", "v", "etc", "approx", "est", "ca", "cf", "al", "et", "viz", "ibid", "op",
    "cit", "eg", "ie", "fig", "figs", "vol", "vols", "pp", "ed", "eds", "ch", "art", "para",
    // addresses
    "ave", "aves", "blvd", "rd", "hwy", "ste", "apt", "pl", "sta", "sq",
    // units
    "tel", "ext", "min", "max", "hr", "hrs", "yr", "yrs", "mo", "mos", "wk", "wks", "oz", "lb",
    "lbs", "kg", "km", "mi", "pt", "qt", "gal", "cu", "mm", "cm",
    // US states (AP style) and Canadian provinces
    "ala", "ariz", "ark", "calif", "cal", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan",
    "kans", "ky", "la", "md", "mass", "mich", "minn", "miss", "mont", "neb", "nev", "okla",
    "ore", "pa", "penn", "tenn", "tex", "vt", "va", "wash", "wis", "wisc", "wyo", "ont", "que",
    "alta", "sask",
];

/// Words that start a new sentence; lowercase after a full stop, they mean a
/// lost capital (a typo), not a cut.
#[rustfmt::skip]
const SENTENCE_STARTERS: &[&str] = &[
    "the", "a", "an", "he", "she", "it", "we", "they", "i", "you", "this", "these", "those",
    "there", "his", "her", "its", "their", "our", "my", "but", "however", "if", "when", "while",
    "meanwhile", "yet", "so", "still", "one", "two", "three", "four", "five", "six", "seven",
    "eight", "nine", "ten", "several",
];

/// Wire-copy abbreviations that open telegraphic lines (`unch, Republic`,
/// `pct senior notes`).
#[rustfmt::skip]
const WIRE_ABBREVIATIONS: &[&str] = &[
    "mln", "bln", "dlr", "dlrs", "pct", "cts", "unch", "shr", "shrs", "qtr", "qtrs", "avg", "mths",
    "amts",
];

/// Auxiliaries and speech verbs: after a lowercase word they make it the
/// subject of a new sentence (`acmecell has denied`, `traders said`).
#[rustfmt::skip]
const SUBJECT_VERBS: &[&str] = &[
    "has", "have", "had", "is", "are", "was", "were", "will", "would", "can", "could", "may",
    "might", "should", "must", "did", "does", "said", "says",
];

/// Lowercase particles of names (`al Arabiya`, `de Villiers`, `van Dyck`).
#[rustfmt::skip]
const NAME_PARTICLES: &[&str] = &[
    "al", "el", "de", "del", "della", "der", "den", "van", "von", "da", "di", "du", "la", "le",
    "bin", "ibn", "ben", "dos", "das", "des", "ter", "ten", "zu",
];

pub fn find(text: &str, _published: Option<jiff::civil::Date>) -> Vec<TextFinding> {
    let mut cuts: Vec<(usize, usize, usize)> = Vec::new();
    for m in CANDIDATE.find_iter(text) {
        let period = m.start();
        // The word starts after the last whitespace of the match (it has
        // none inside).
        let gap = m.as_str().trim_start_matches('.');
        let word = gap.trim_start_matches(char::is_whitespace);
        if word.len() == gap.len() {
            // No whitespace: `example.com`, `3.5`.
            continue;
        }
        let word_end = m.end();
        if !is_cut_word(text, word, word_end) || !is_sentence_end(text, period) {
            continue;
        }
        cuts.push((period, word_end - word.len(), word_end));
    }
    // More cuts than capitalized sentence starts: telegraphic wire copy or
    // an all-lowercase item, where a lowercase word says nothing.
    if cuts.is_empty() || (cuts.len() >= 3 && cuts.len() > capital_starts(text)) {
        return Vec::new();
    }
    cuts.into_iter()
        .map(|(period, word_start, word_end)| TextFinding {
            range: period..word_end,
            message: format!(
                "broken sentence: lowercase `{}` after a full stop in “{}”",
                &text[word_start..word_end],
                excerpt(text, period, word_end)
            ),
            help: Some(
                "a scraper probably cut or spliced the sentence here; restore it from the original article, or note the gap with a CriticMarkup comment `{>>…<<}`"
                    .to_string(),
            ),
            replacement: None,
        })
        .collect()
}

/// How many sentences start with a capital letter.
fn capital_starts(text: &str) -> usize {
    SENTENCE_START
        .find_iter(text)
        .filter(|m| {
            m.as_str()
                .chars()
                .next_back()
                .is_some_and(char::is_uppercase)
        })
        .count()
}

/// Whether the period at `period` ends a sentence, judged by the token it
/// closes.
fn is_sentence_end(text: &str, period: usize) -> bool {
    let Some(before) = text.get(..period) else {
        return false;
    };
    // The last dot of an ellipsis (`...`, `…`, `….`).
    if before.ends_with('.') || before.ends_with('…') {
        return false;
    }
    // `politics”.`: the token ends before the closing quote.
    let before = before.trim_end_matches(['”', '"', '’', '\'', '»', ')', ']']);
    if before.ends_with('.') || before.ends_with('…') {
        return false;
    }
    let token = last_token(before);
    let token = token.trim_start_matches(|c: char| !c.is_alphanumeric());
    if token.is_empty() {
        return false;
    }
    if token.contains(['.', '@', '/']) {
        // U.S., a.m., e.g., Ph.D, a domain or an address.
        return false;
    }
    let mut chars = token.chars();
    if chars.next().is_some_and(char::is_alphabetic) && chars.next().is_none() {
        // An initial.
        return false;
    }
    // `(D-Cal.)`, `R-Wash.`: the abbreviation is the last hyphen part.
    let last = token.rsplit('-').next().unwrap_or(token);
    !ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(last))
}

/// Whether `word` (ending at `end`) reads as the middle of a cut sentence.
fn is_cut_word(text: &str, word: &str, end: usize) -> bool {
    // Plain lowercase letters: not `iPhone`, `mp3`, `e.g.`, `example.com`.
    let word = word.trim_end_matches(['.', ':', '-', '\'', '’']);
    if word.chars().count() < 2
        || !word
            .chars()
            .all(|c| (c.is_alphabetic() && !c.is_uppercase()) || matches!(c, '-' | '\'' | '’'))
    {
        return false;
    }
    if SENTENCE_STARTERS.contains(&word) || WIRE_ABBREVIATIONS.contains(&word) {
        return false;
    }
    if word.ends_with("'s") || word.ends_with("’s") {
        // `acme's shares …`: a possessive or contraction opens a new sentence.
        return false;
    }
    let mut window_end = (end + 200).min(text.len());
    while !text.is_char_boundary(window_end) {
        window_end -= 1;
    }
    let mut next = text[end..window_end].split_whitespace();
    if NAME_PARTICLES.contains(&word)
        && next
            .clone()
            .next()
            .and_then(|w| w.chars().next())
            .is_some_and(char::is_uppercase)
    {
        return false;
    }
    // The subject of a new sentence with a lost capital or a lowercase name:
    // `traders said volume …`, `acmecell has denied …`, `acmecell, the …`.
    let rest = text[end..window_end].trim_start_matches([' ', '\t']);
    if rest.starts_with(", the ") || rest.starts_with(", a ") || rest.starts_with(", an ") {
        return false;
    }
    let function_word = matches!(
        word,
        "and"
            | "or"
            | "nor"
            | "to"
            | "of"
            | "in"
            | "on"
            | "at"
            | "by"
            | "for"
            | "with"
            | "from"
            | "as"
            | "that"
            | "which"
            | "who"
            | "whom"
            | "whose"
            | "than"
            | "then"
    );
    if !function_word
        && !SUBJECT_VERBS.contains(&word)
        && next
            .clone()
            .next()
            .is_some_and(|w| SUBJECT_VERBS.contains(&w))
    {
        return false;
    }
    // A number within three words: a table or a market report line.
    !next
        .by_ref()
        .take(3)
        .any(|w| w.starts_with(|c: char| c.is_ascii_digit()))
}

/// The whitespace-delimited token that ends `before` (at most 64 bytes of it;
/// longer tokens are not abbreviations anyway).
fn last_token(before: &str) -> &str {
    let mut start = before.len();
    for (i, c) in before.char_indices().rev() {
        if c.is_whitespace() || before.len() - i > 64 {
            break;
        }
        start = i;
    }
    &before[start..]
}

/// About 40 characters before the period and 25 after the word, cut at
/// word boundaries, whitespace collapsed to single spaces, with … where text
/// was left out.
fn excerpt(text: &str, period: usize, word_end: usize) -> String {
    let mut start = period;
    for (n, (i, _)) in text[..period].char_indices().rev().enumerate() {
        if n >= 40 {
            break;
        }
        start = i;
    }
    if start > 0 {
        // Start at a word: skip the partial one.
        if let Some(ws) = text[start..period].find(char::is_whitespace) {
            start += ws;
        }
    }
    let mut end = word_end;
    for (n, (i, c)) in text[word_end..].char_indices().enumerate() {
        if n >= 25 {
            break;
        }
        end = word_end + i + c.len_utf8();
    }
    if end < text.len()
        && let Some(ws) = text[word_end..end].rfind(char::is_whitespace)
    {
        end = word_end + ws;
    }
    let mut s = String::new();
    if start > 0 {
        s.push('…');
    }
    s.push_str(
        &text[start..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    );
    if end < text.len() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::find;

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

    #[test]
    fn seed_004_said_ministry() {
        check(
            "“We consider such actions by the United States to be part of its hostile attempt to tarnish (North Korea’s) image in the international arena,” an unidentified deputy director of the military foreign affairs office said. ministry in a statement released by the official media.",
            expect![[r#"
                224..234 ". ministry": broken sentence: lowercase `ministry` after a full stop in “…military foreign affairs office said. ministry in a statement released…”
            "#]],
        );
    }

    #[test]
    fn seed_004_period_after_closing_quote() {
        check(
            "blaming the US for the crisis and decrying “hegemonic politics”. of the West as justifying Russian military action in Ukraine to protect itself.",
            expect![[r#"
                67..71 ". of": broken sentence: lowercase `of` after a full stop in “…and decrying “hegemonic politics”. of the West as justifying…”
            "#]],
        );
    }

    #[test]
    fn seed_004_competitions_with_china() {
        check(
            "over America’s confrontations with Russia over its war in Ukraine and its separate strategic competitions. with China.\n\nEarlier this year, Russia and China already vetoed",
            expect![[r#"
                107..113 ". with": broken sentence: lowercase `with` after a full stop in “…and its separate strategic competitions. with China. Earlier this…”
            "#]],
        );
    }

    #[test]
    fn period_inside_closing_quote() {
        check(
            "to “keep its mouth shut.” and to stop making “reckless remarks.” the",
            expect![[""]],
        );
    }

    #[test]
    fn period_inside_a_closing_quote_or_bracket_does_not_fire() {
        // One candidate per text, so only the exemption under test can keep
        // it quiet.
        for case in [
            "“We will be the first there to help.” he said.",
            "“Stop.” the official added.",
            "“No.” said Kim.",
            "He called it “a disgrace.” and left.",
            "The rate (as of noon.) in 2001 rose.",
            "He said \"We will win.\" and sat down.",
        ] {
            check(case, expect![[""]]);
        }
    }

    #[test]
    fn state_abbreviations_after_party_do_not_fire() {
        check(
            "Sen. Jane Doe (D-Okla.) said, John Roe (R-Wash.) and Ann Poe (D-W.Va.) want a Racine, Wisc. plant",
            expect![[""]],
        );
    }

    #[test]
    fn blank_line_before_lowercase_does_not_fire_but_a_line_break_does() {
        // Wire footnotes start lowercase after a blank line; a single line
        // break inside a paragraph still counts.
        check(
            "Net income rose in the prior quarter.\n\nincludes a tax credit.\r\n\r\nThe company said it would sell the unit. It gave no price.\nwith the buyer unnamed.",
            expect![[r#"
                122..128 ".\nwith": broken sentence: lowercase `with` after a full stop in “…would sell the unit. It gave no price. with the buyer unnamed.”
            "#]],
        );
    }

    #[test]
    fn dropped_subject_fires() {
        // Wikinews lost the linked name before the verb.
        check(
            "The party lost two seats in the vote. was one of the seats lost in the north. Spokesman Joe Smith said the talks failed. quoted an official at the bank.",
            expect![[r#"
                36..41 ". was": broken sentence: lowercase `was` after a full stop in “The party lost two seats in the vote. was one of the seats lost…”
                119..127 ". quoted": broken sentence: lowercase `quoted` after a full stop in “…Joe Smith said the talks failed. quoted an official at the bank.”
            "#]],
        );
    }

    #[test]
    fn name_particles_before_a_capital_do_not_fire() {
        // One candidate per text, so only the exemption under test can keep
        // it quiet.
        for case in [
            "The ministry approved the sale. al Arabiya reported it.",
            "Talks started in 2001. de Villiers agreed.",
            "It was sold. van Dyck painted it.",
        ] {
            check(case, expect![[""]]);
        }
    }

    #[test]
    fn lost_capital_on_a_new_sentence_does_not_fire() {
        // One candidate per text, so only the exemption under test can keep
        // it quiet.
        for case in [
            "The plan was approved. the company said it would appeal.",
            "It was late. he left early.",
            "Three were hurt. four others were missing.",
            "There was no deal. traders said volume was thin.",
            "Shares fell. acmecell has denied it.",
            "It grew. acmecell, the second operator, agreed.",
            "It sold. acme's shares rose.",
        ] {
            check(case, expect![[""]]);
        }
    }

    #[test]
    fn wire_tables_and_market_lines_do_not_fire() {
        // One candidate per text, so only the exemption under test can keep
        // it quiet.
        for case in [
            "Hog prices rose 2.00 dlrs, the agency said. grade 2 250 lbs 40.00-41.00.",
            "Ewes fell. top 38.75 dlrs per cwt.",
            "First Bank 2,718. unch, City Trust 381,902 unch.",
        ] {
            check(case, expect![[""]]);
        }
    }

    #[test]
    fn mostly_lowercase_text_does_not_fire() {
        // Three cuts and no capitalized sentence start: telegraphic.
        check(
            "The agency said prices rose. ewes steady. lambs weak. rams sold well.",
            expect![[""]],
        );
        // The same three cuts among more capitalized sentences are reported.
        check(
            "The agency said prices rose. ewes steady. Trade was slow. lambs weak. Buyers held back. rams sold well. Supply was ample.",
            expect![[r#"
                27..33 ". ewes": broken sentence: lowercase `ewes` after a full stop in “The agency said prices rose. ewes steady. Trade was slow.…”
                56..63 ". lambs": broken sentence: lowercase `lambs` after a full stop in “…rose. ewes steady. Trade was slow. lambs weak. Buyers held back.…”
                86..92 ". rams": broken sentence: lowercase `rams` after a full stop in “…was slow. lambs weak. Buyers held back. rams sold well. Supply was…”
            "#]],
        );
    }

    #[test]
    fn help_says_how_to_fix() {
        let f = find("said. ministry", None);
        expect![[r#"
            [
                Some(
                    "a scraper probably cut or spliced the sentence here; restore it from the original article, or note the gap with a CriticMarkup comment `{>>…<<}`",
                ),
            ]
        "#]].assert_debug_eq(&f.iter().map(|f| f.help.clone()).collect::<Vec<_>>());
    }

    #[test]
    fn abbreviations_do_not_fire() {
        // One candidate per text, so only the exemption under test can keep
        // it quiet.
        for case in [
            "U.S. officials met.",
            "It was Sept. 22 then.",
            "On Nov. 2 he left.",
            "At 2 a.m. local time.",
            "At 5 p.m. local time.",
            "Russia vs. the West.",
            "Arms, e.g. shells.",
            "Arms, i.e. rockets.",
            "Mr. smith came.",
            "Dr. jones came.",
            "St. louis fell.",
            "No. one came.",
            "Acme Inc. shares fell.",
            "Acme Corp. said so.",
            "Acme Co. and its unit.",
            "Acme Ltd. were sold.",
            "It cost approx. ten dollars.",
            "The est. value rose.",
            "Gen. dynamics changed.",
        ] {
            check(case, expect![[""]]);
        }
    }

    #[test]
    fn month_and_day_abbreviations_do_not_fire() {
        // One candidate per text, so only the exemption under test can keep
        // it quiet.
        for case in [
            "It came in Jan. and went.",
            "It came in Feb. and went.",
            "It came in Mar. and went.",
            "It came in Apr. and went.",
            "It came in Jun. and went.",
            "It came in Jul. and went.",
            "It came in Aug. and went.",
            "It came in Sep. and went.",
            "It came in Sept. and went.",
            "It came in Oct. and went.",
            "It came in Nov. and went.",
            "It came in Dec. and went.",
            "It came in Mon. and went.",
            "It came in Tues. and went.",
            "It came in Wed. and went.",
            "It came in Thu. and went.",
            "It came in Fri. and went.",
            "It came in Sat. and went.",
            "It came in Sun. and went.",
        ] {
            check(case, expect![[""]]);
        }
    }

    #[test]
    fn initials_do_not_fire() {
        // One candidate per text, so only the exemption under test can keep
        // it quiet.
        for case in [
            "John F. kennedy spoke.",
            "George W. bush spoke.",
            "It was plan b. then it failed.",
        ] {
            check(case, expect![[""]]);
        }
    }

    #[test]
    fn words_with_internal_periods_do_not_fire() {
        // One candidate per text, so only the exemption under test can keep
        // it quiet.
        for case in [
            "A Ph.D. student came.",
            "The N.Y. office shut.",
            "See example.com. then call.",
        ] {
            check(case, expect![[""]]);
        }
    }

    #[test]
    fn ellipses_do_not_fire() {
        // One candidate per text, so only the exemption under test can keep
        // it quiet.
        for case in [
            "He said... and then left.",
            "He said… and then left.",
            "He said…. but then left.",
            "He said ... then left.",
        ] {
            check(case, expect![[""]]);
        }
    }

    #[test]
    fn urls_emails_and_numbers_do_not_fire() {
        // One candidate per text, so only the exemption under test can keep
        // it quiet.
        for case in [
            "See https://www.forbes.com/sites/x.html for more.",
            "Write to timothy.martin@wsj.com today.",
            "Pi is 3.14 and v1.2.3 shipped.",
        ] {
            check(case, expect![[""]]);
        }
    }

    #[test]
    fn etc_followed_by_lowercase_does_not_fire() {
        // One candidate per text, so only the exemption under test can keep
        // it quiet.
        for case in [
            "Shells, rockets, etc. and other arms.",
            "Arms, ammunition, etc. for the army.",
        ] {
            check(case, expect![[""]]);
        }
    }

    #[test]
    fn lowercase_brand_and_token_after_period_do_not_fire() {
        // One candidate per text, so only the exemption under test can keep
        // it quiet.
        for case in [
            "It sold phones. iPhone sales rose.",
            "It sold goods. eBay fell.",
            "It sold music. mp3 files went.",
            "It sold. e.g. this.",
            "It failed. www.example.com is down.",
        ] {
            check(case, expect![[""]]);
        }
    }

    #[test]
    fn capitalized_next_sentence_does_not_fire() {
        check(
            "The official said. The ministry agreed.\n\nA new paragraph.",
            expect![[""]],
        );
    }

    #[test]
    fn unicode_and_crlf() {
        check(
            "북한은 무기를 수출하지 않았다고 말했다. 🚀 launch. élan vital\r\nsaid.\r\nministry said",
            expect![[r#"
                68..75 ". élan": broken sentence: lowercase `élan` after a full stop in “북한은 무기를 수출하지 않았다고 말했다. 🚀 launch. élan vital said. ministry…”
            "#]],
        );
    }

    #[test]
    fn empty_input() {
        check("", expect![[""]]);
        check(".", expect![[""]]);
        check(". ", expect![[""]]);
    }
}
