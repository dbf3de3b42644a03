//! `garbled-token`: a word that would be a year, decade, time, date or number but for one run of letters where a digit belongs (`src950s` for `1950s`, `src2:25 am` for `12:25 am`), the way scrapers mangle text; offers the reading that is plausible for the article's publication date.
//!
//! How it works, without any list of known bad strings: each word (split on
//! whitespace, surrounding punctuation trimmed, pure-letter hyphen parts such
//! as `mid-` or `-era` and suffixes in another script such as `년` peeled off)
//! must consist of digits, separators
//! (`: , . / -`) and exactly one run of ASCII letters, plus an optional
//! decade `s` or an `am`/`pm` suffix. The letter run is replaced by one digit
//! (any digit for a lowercase run of two or more letters; the look-alike digit
//! for a single `O`/`o`, `l`/`I`), and a reading is kept when it has a real
//! shape: decade, year, 12-hour time (before am/pm), 24-hour time, ISO date or
//! a thousands-separated number. Years must lie between 1800 and ten years
//! after publication (years before 1800 are possible but too rare in news to
//! outweigh a code such as `sha256`). Words that are legitimate as they stand
//! are never readings: a number followed by letters is a unit, suffix or
//! ordinal (`10am`, `2km`, `1.5mln`, `22nd`, `3D`), and codes whose letters are
//! capitals or mixed case (`A380`, `FY1987`, `MiG-29`, `H1N1`) have no reading.

use jiff::civil::Date;

use super::TextFinding;

/// Longer words are never a garbled number (the longest shape, an ISO date
/// with letters, is well under this).
const MAX_WORD: usize = 64;

pub fn find(text: &str, published: Option<Date>) -> Vec<TextFinding> {
    let published = published.unwrap_or_else(today);
    let mut out = Vec::new();
    // Only a word holding a digit can be garbled (`analyze` says so first):
    // the words looked at are those around each digit, the same words
    // `split_whitespace` gives, found without splitting the whole text
    // (most of an article has no digit).
    let mut from = 0;
    while let Some(digit) = text.as_bytes().get(from..).and_then(first_digit) {
        let at = from + digit;
        let start = text[..at]
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let end = text[at..]
            .find(char::is_whitespace)
            .map_or(text.len(), |i| at + i);
        from = end;
        let word = &text[start..end];
        let next = text[end..].split_whitespace().next();
        if let Some(g) = analyze(word, next, published) {
            out.push(g.into_finding(start));
        }
    }
    out
}

/// Where the first ASCII digit in `bytes` is. Most of a text has none, so
/// 32 bytes are tested at once (a loop without an early exit, which the
/// compiler turns into vector instructions) before the block holding one
/// is searched byte by byte: searched a byte at a time, this was most of
/// the rule's time, about 9 instructions a byte of every article.
fn first_digit(bytes: &[u8]) -> Option<usize> {
    const BLOCK: usize = 32;
    let mut blocks = bytes.chunks_exact(BLOCK);
    let mut at = 0;
    for block in &mut blocks {
        if block.iter().fold(false, |any, b| any | b.is_ascii_digit()) {
            return block.iter().position(u8::is_ascii_digit).map(|i| at + i);
        }
        at += BLOCK;
    }
    blocks
        .remainder()
        .iter()
        .position(u8::is_ascii_digit)
        .map(|i| at + i)
}

fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// A garbled word: where it is inside the whitespace-delimited word, and the
/// readings left after plausibility ranking.
struct Garbled<'a> {
    start: usize,
    end: usize,
    original: &'a str,
    kind: &'static str,
    readings: Vec<String>,
}

impl Garbled<'_> {
    fn into_finding(mut self, offset: usize) -> TextFinding {
        let original = self.original;
        let range = offset + self.start..offset + self.end;
        if self.readings.len() == 1
            && let Some(reading) = self.readings.pop()
        {
            return TextFinding {
                range,
                message: format!("garbled token `{original}`: probably `{reading}`"),
                help: Some(format!(
                    "a scraper put letters where a digit belongs; check the original and correct it: `{{~~{original}~>{reading}~~}}`"
                )),
                replacement: Some(reading),
            };
        }
        let list: Vec<String> = self.readings.iter().map(|r| format!("`{r}`")).collect();
        let list = match list.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => list.join(""),
        };
        TextFinding {
            range,
            message: format!(
                "garbled token `{original}`: letters inside a {}; could be {list}",
                self.kind
            ),
            help: Some(
                "a scraper put letters where a digit belongs; check the original for the right digit and correct it with `{~~original~>correction~~}`"
                    .to_string(),
            ),
            replacement: None,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Suffix {
    None,
    /// `s`, `'s`, `’s` after the digits: a decade.
    Decade,
    /// `am`, `pm`, `a.m`, `p.m` glued to the digits.
    Meridiem,
}

fn analyze<'a>(word: &'a str, next: Option<&str>, published: Date) -> Option<Garbled<'a>> {
    if word.len() > MAX_WORD
        || !word.bytes().any(|b| b.is_ascii_digit())
        || !word.bytes().any(|b| b.is_ascii_alphabetic())
        || word.contains("://")
        || word.contains('@')
        || word
            .get(..4)
            .is_some_and(|w| w.eq_ignore_ascii_case("www."))
    {
        return None;
    }
    // Trim surrounding punctuation and quotes.
    let start = word.char_indices().find(|(_, c)| c.is_alphanumeric())?.0;
    let end = word
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_alphanumeric())
        .map(|(i, c)| i + c.len_utf8())?;
    let (mut start, mut end) = (start, end);
    // Peel a suffix in another script glued to the number: `1988년`, `1950s에`.
    if let Some(core) = word.get(start..end) {
        let ascii_end = core
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_ascii())
            .map_or(0, |(i, c)| i + c.len_utf8());
        if ascii_end < core.len()
            && core[ascii_end..].chars().all(char::is_alphabetic)
            && core[..ascii_end].ends_with(|c: char| c.is_ascii_alphanumeric())
        {
            end = start + ascii_end;
        }
    }
    // Peel pure-letter hyphen parts: `mid-1950s`, `1950s-era`, `F-16`, `8-K`.
    loop {
        let core = word.get(start..end)?;
        if let Some(i) = core.find('-') {
            let (head, rest) = (&core[..i], &core[i + 1..]);
            if !head.is_empty()
                && head.chars().all(char::is_alphabetic)
                && rest.bytes().any(|b| b.is_ascii_digit())
            {
                start += i + 1;
                continue;
            }
        }
        if let Some(i) = core.rfind('-') {
            let (rest, tail) = (&core[..i], &core[i + 1..]);
            if !tail.is_empty()
                && tail.chars().all(char::is_alphabetic)
                && rest.bytes().any(|b| b.is_ascii_digit())
            {
                end = start + i;
                continue;
            }
        }
        break;
    }
    let core = word.get(start..end)?;
    let (body, suffix) = split_suffix(core);
    if !body
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b',' | b'.' | b'/' | b'-'))
        || !body.bytes().any(|b| b.is_ascii_digit())
    {
        return None;
    }
    // Exactly one run of letters.
    let bytes = body.as_bytes();
    let rs = bytes.iter().position(u8::is_ascii_alphabetic)?;
    let re = rs
        + bytes[rs..]
            .iter()
            .position(|b| !b.is_ascii_alphabetic())
            .unwrap_or(bytes.len() - rs);
    if bytes[re..].iter().any(u8::is_ascii_alphabetic) {
        return None;
    }
    let run = &body[rs..re];
    let lookalike = match run {
        "O" | "o" => Some('0'),
        "l" | "I" => Some('1'),
        _ => None,
    };
    // A number followed by letters is a unit, suffix or ordinal as it stands.
    let number_then_letters = re == body.len()
        && rs > 0
        && bytes[0].is_ascii_digit()
        && bytes[..rs]
            .iter()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b','));
    if suffix == Suffix::None && number_then_letters && lookalike.is_none() {
        return None;
    }
    let digits = if let Some(d) = lookalike {
        d..=d
    } else if run.len() > 1 && run.bytes().all(|b| b.is_ascii_lowercase()) {
        '0'..='9'
    } else {
        return None;
    };
    let meridiem_next = next.is_some_and(is_meridiem_word);
    let mut readings: Vec<(String, &'static str, u8)> = Vec::new();
    let mut candidate = String::with_capacity(core.len());
    for d in digits {
        candidate.clear();
        candidate.push_str(&body[..rs]);
        candidate.push(d);
        candidate.push_str(&body[re..]);
        if let Some((kind, tier)) = classify(&candidate, suffix, meridiem_next, published) {
            readings.push((format!("{candidate}{}", &core[body.len()..]), kind, tier));
        }
    }
    let best = readings.iter().map(|r| r.2).min()?;
    if best > 1 {
        return None;
    }
    readings.retain(|r| r.2 == best);
    let first_kind = readings.first().map_or("number", |r| r.1);
    let kind = if readings.iter().all(|r| r.1 == first_kind) {
        first_kind
    } else {
        "number"
    };
    Some(Garbled {
        start,
        end,
        original: core,
        kind,
        readings: readings.into_iter().map(|r| r.0).collect(),
    })
}

/// Splits a decade `s` or a glued `am`/`pm` off the end of `core`, when it
/// follows a digit.
fn split_suffix(core: &str) -> (&str, Suffix) {
    let after_digit = |n: usize| {
        core.len() > n
            && core.is_char_boundary(core.len() - n)
            && core.as_bytes()[core.len() - n - 1].is_ascii_digit()
    };
    for s in ["’s", "'s", "s"] {
        if core.ends_with(s) && after_digit(s.len()) {
            return (&core[..core.len() - s.len()], Suffix::Decade);
        }
    }
    for s in ["a.m", "p.m", "am", "pm"] {
        let n = s.len();
        let tail = core.len().checked_sub(n).and_then(|i| core.get(i..));
        if tail.is_some_and(|t| t.eq_ignore_ascii_case(s)) && after_digit(n) {
            return (&core[..core.len() - s.len()], Suffix::Meridiem);
        }
    }
    (core, Suffix::None)
}

fn is_meridiem_word(word: &str) -> bool {
    let w = word.trim_end_matches([',', ';', ')', '”', '"', '’', '\'']);
    ["am", "pm", "a.m.", "p.m.", "a.m", "p.m"]
        .iter()
        .any(|m| w.eq_ignore_ascii_case(m))
}

/// The shape of an all-digit reading and how plausible it is: tier 0 (fits
/// the article), 1 (in the ten years after publication), 2 (before 1800).
fn classify(
    s: &str,
    suffix: Suffix,
    meridiem_next: bool,
    published: Date,
) -> Option<(&'static str, u8)> {
    let year_tier = |y: i16| -> Option<u8> {
        let p = published.year();
        match y {
            _ if (1800..=p).contains(&y) => Some(0),
            _ if y > p && y <= p.saturating_add(10) => Some(1),
            1000..=1799 => Some(2),
            _ => None,
        }
    };
    match suffix {
        Suffix::Decade => {
            let y = four_digits(s)?;
            if y % 10 != 0 || y > published.year() {
                return None;
            }
            Some(("decade", year_tier(y)?))
        }
        Suffix::Meridiem => twelve_hour(s).then_some(("time", 0)),
        Suffix::None if s.contains(':') => {
            if meridiem_next {
                twelve_hour(s).then_some(("time", 0))
            } else {
                twenty_four_hour(s).then_some(("time", 0))
            }
        }
        Suffix::None => {
            if let Some(y) = four_digits(s) {
                return Some(("year", year_tier(y)?));
            }
            if let Some(d) = iso_date(s) {
                let tier = year_tier(d.year())?;
                let tier = if d <= published { tier } else { tier.max(1) };
                return Some(("date", tier));
            }
            thousands(s).then_some(("number", 0))
        }
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A four-digit year with no leading zero.
fn four_digits(s: &str) -> Option<i16> {
    if s.len() == 4 && all_digits(s) && !s.starts_with('0') {
        s.parse().ok()
    } else {
        None
    }
}

/// `h:mm` with the hour 1 to 12 and no leading zero.
fn twelve_hour(s: &str) -> bool {
    let Some((h, m)) = s.split_once(':') else {
        return false;
    };
    all_digits(h)
        && !h.starts_with('0')
        && h.len() <= 2
        && h.parse::<u8>().is_ok_and(|h| (1..=12).contains(&h))
        && minutes(m)
}

/// `hh:mm` or `h:mm`, 0:00 to 23:59.
fn twenty_four_hour(s: &str) -> bool {
    let Some((h, m)) = s.split_once(':') else {
        return false;
    };
    all_digits(h) && h.len() <= 2 && h.parse::<u8>().is_ok_and(|h| h <= 23) && minutes(m)
}

fn minutes(m: &str) -> bool {
    m.len() == 2 && all_digits(m) && m.parse::<u8>().is_ok_and(|m| m <= 59)
}

/// A valid `yyyy-mm-dd` date.
fn iso_date(s: &str) -> Option<Date> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    if !(all_digits(y) && all_digits(m) && all_digits(d)) {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

/// `1,234` or `12,345,678.90`: thousands separators in the right places.
fn thousands(s: &str) -> bool {
    let int = match s.split_once('.') {
        Some((int, frac)) if all_digits(frac) => int,
        Some(_) => return false,
        None => s,
    };
    let mut groups = int.split(',');
    let Some(first) = groups.next() else {
        return false;
    };
    let mut rest = 0;
    for g in groups {
        if g.len() != 3 || !all_digits(g) {
            return false;
        }
        rest += 1;
    }
    rest > 0 && (1..=3).contains(&first.len()) && all_digits(first) && !first.starts_with('0')
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};
    use jiff::civil::{Date, date};

    use super::{find, first_digit};

    proptest::proptest! {
        /// The block-wise search finds the first digit a byte-by-byte one
        /// finds, wherever it is (in the first block, a later one, the
        /// remainder) or that there is none.
        #[test]
        fn the_first_digit_is_found_block_by_block(
            bytes in proptest::collection::vec(
                proptest::sample::select(&[b'a', b' ', b'0', b'9', b'/', b':', 0xC3, 0xA9][..]),
                0..100,
            ),
            letters in 0usize..120,
        ) {
            // Long runs without a digit, then whatever comes.
            let mut text = vec![b'x'; letters];
            text.extend(bytes);
            proptest::prop_assert_eq!(
                first_digit(&text),
                text.iter().position(u8::is_ascii_digit)
            );
        }
    }

    /// The seeds' publication date.
    const SEED: Date = date(2022, 9, 22);

    fn render(text: &str, published: Option<Date>) -> String {
        let mut out = String::new();
        for f in find(text, published) {
            let slice = text
                .get(f.range.clone())
                .unwrap_or("<not on a char boundary>");
            out.push_str(&format!("{:?} {slice:?}: {}", f.range, f.message));
            if let Some(r) = &f.replacement {
                out.push_str(&format!(" => {r:?}"));
            }
            out.push('\n');
        }
        out
    }

    /// Findings in `text` published on the seeds' date (2022-09-22).
    fn check(text: &str, expect: Expect) {
        expect.assert_eq(&render(text, Some(SEED)));
    }

    proptest::proptest! {
        /// `find` looks only at the words around digits; it finds what
        /// analysing every whitespace-separated word (and the one after it)
        /// finds, in any mix of scripts and spaces.
        #[test]
        fn the_words_around_digits_are_every_word_that_matters(
            text in "(src950s|1950s|src2:25|src2:25 am|l2:30\u{a0}pm|2:2l|1O:30|2O22-O9-22|l,000|mid-|am|p\\.m\\.|[0-9a-zA-Z:,./'’-]{1,6}|[ \t\n\u{a0}\u{3000}]|[년é·]){0,40}"
        ) {
            let mut expected = Vec::new();
            let mut words = text.split_whitespace().peekable();
            while let Some(word) = words.next() {
                if let Some(g) = super::analyze(word, words.peek().copied(), SEED) {
                    let offset = word.as_ptr() as usize - text.as_ptr() as usize;
                    expected.push(g.into_finding(offset));
                }
            }
            proptest::prop_assert_eq!(find(&text, Some(SEED)), expected);
        }
    }

    #[test]
    fn seed_003_decade() {
        check(
            "North Korea possesses tens of millions of artillery shells and rockets that date to the src950s, though their accuracy and reliability are questioned.",
            expect![[r#"
                88..95 "src950s": garbled token `src950s`: probably `1950s` => "1950s"
            "#]],
        );
    }

    #[test]
    fn seed_003_time_before_am() {
        check(
            "Sept. 22, 2022 src2:25 am ET\n\nSEOUL—North Korea denied that it is supplying Russia with weapons",
            expect![[r#"
                15..22 "src2:25": garbled token `src2:25`: probably `12:25` => "12:25"
            "#]],
        );
    }

    #[test]
    fn seed_003_copyright_hash_is_not_a_number() {
        check(
            "Copyright ©2022 Dow Jones & Company, Inc. All Rights Reserved. 87990cbe8568src8d5eddac44c7bsrccdeb8",
            expect![[""]],
        );
    }

    #[test]
    fn help_shows_the_criticmarkup_correction() {
        let f = find("the src950s", Some(SEED));
        expect![[r#"
            [
                Some(
                    "a scraper put letters where a digit belongs; check the original and correct it: `{~~src950s~>1950s~~}`",
                ),
            ]
        "#]]
        .assert_debug_eq(&f.iter().map(|f| f.help.clone()).collect::<Vec<_>>());
    }

    #[test]
    fn time_with_glued_meridiem_keeps_the_suffix() {
        check(
            "at src2:25pm, and at 1src:05 p.m.",
            expect![[r#"
                3..12 "src2:25pm": garbled token `src2:25pm`: probably `12:25pm` => "12:25pm"
                21..28 "1src:05": garbled token `1src:05`: letters inside a time; could be `10:05`, `11:05` or `12:05`
            "#]],
        );
    }

    #[test]
    fn time_without_meridiem_is_ambiguous() {
        check(
            "The blast came at src2:25 GMT.",
            expect![[r#"
                18..25 "src2:25": garbled token `src2:25`: letters inside a time; could be `02:25`, `12:25` or `22:25`
            "#]],
        );
    }

    #[test]
    fn year_prefers_the_past_of_publication() {
        check(
            "in src995 and 20src5, then l998 and 2O21",
            expect![[r#"
                3..9 "src995": garbled token `src995`: probably `1995` => "1995"
                14..20 "20src5": garbled token `20src5`: letters inside a year; could be `2005` or `2015`
                27..31 "l998": garbled token `l998`: probably `1998` => "1998"
                36..40 "2O21": garbled token `2O21`: probably `2021` => "2021"
            "#]],
        );
    }

    #[test]
    fn future_year_only_when_nothing_else_fits() {
        check(
            "the 2030 target, written 20src0 here",
            expect![[r#"
                25..31 "20src0": garbled token `20src0`: letters inside a year; could be `2000`, `2010` or `2020`
            "#]],
        );
        check(
            "by src030",
            expect![[r#"
                3..9 "src030": garbled token `src030`: probably `2030` => "2030"
            "#]],
        );
    }

    #[test]
    fn judged_against_publication_date() {
        // In a 1987 article, `src990s` cannot be the 1990s.
        expect![[r#"
            4..11 "src980s": garbled token `src980s`: probably `1980s` => "1980s"
        "#]]
        .assert_eq(&render("the src980s and src990s", Some(date(1987, 3, 1))));
        expect![[r#"
            4..11 "src980s": garbled token `src980s`: probably `1980s` => "1980s"
            16..23 "src990s": garbled token `src990s`: probably `1990s` => "1990s"
        "#]]
        .assert_eq(&render("the src980s and src990s", Some(SEED)));
    }

    #[test]
    fn unknown_publication_uses_today() {
        expect![[r#"
            4..11 "src950s": garbled token `src950s`: probably `1950s` => "1950s"
        "#]]
        .assert_eq(&render("the src950s", None));
    }

    #[test]
    fn iso_date_and_thousands() {
        check(
            "on 2022-src0-22 some 1,src00 people and 12,3src4.50 dollars",
            expect![[r#"
                3..15 "2022-src0-22": garbled token `2022-src0-22`: probably `2022-10-22` => "2022-10-22"
                21..28 "1,src00": garbled token `1,src00`: letters inside a number; could be `1,000`, `1,100`, `1,200`, `1,300`, `1,400`, `1,500`, `1,600`, `1,700`, `1,800` or `1,900`
                40..51 "12,3src4.50": garbled token `12,3src4.50`: letters inside a number; could be `12,304.50`, `12,314.50`, `12,324.50`, `12,334.50`, `12,344.50`, `12,354.50`, `12,364.50`, `12,374.50`, `12,384.50` or `12,394.50`
            "#]],
        );
    }

    #[test]
    fn range_excludes_surrounding_punctuation_and_hyphen_words() {
        check(
            "(src950s), “src950s” and mid-src950s and src950s-era",
            expect![[r#"
                1..8 "src950s": garbled token `src950s`: probably `1950s` => "1950s"
                14..21 "src950s": garbled token `src950s`: probably `1950s` => "1950s"
                33..40 "src950s": garbled token `src950s`: probably `1950s` => "1950s"
                45..52 "src950s": garbled token `src950s`: probably `1950s` => "1950s"
            "#]],
        );
    }

    #[test]
    fn ordinals_do_not_fire() {
        check(
            "1st 2nd 3rd 22nd 4th 192nd 21st-century 4TH QTR",
            expect![[""]],
        );
    }

    #[test]
    fn units_and_suffixes_do_not_fire() {
        check(
            "10am 5pm 100m 2km 5kg 3D 5G 4x4 1.5mln 20pct 747s 1980s 1980’s ’90s 200km 1,500mln 1200gmt 12:30GMT 3.5pct 10l",
            expect![[""]],
        );
    }

    #[test]
    fn model_and_ticker_codes_do_not_fire() {
        check(
            "F-16 MiG-29 A380 G7 G20 H1N1 B-52 Q3 COVID-19 FY1987 8-K 10-K I-95 sha256 tu154 mp3 covid19 Boeing 747-400 MD900 Airbus A350s",
            expect![[""]],
        );
    }

    #[test]
    fn reuters_abbreviations_do_not_fire() {
        check(
            "Shr 52 cts vs 1.07 dlrs\nNet 3.1 mln vs 2.8 mln\nRevs 40.2 mln vs 38.9 mln, up 4 pct; 1st qtr 1988/89",
            expect![[""]],
        );
    }

    #[test]
    fn urls_emails_and_hashes_do_not_fire() {
        check(
            "https://example.com/src950s www.src2020.com timothy1950@wsj.com 87990cbe8568src8d5eddac44c7bsrccdeb8 deadbeef1234",
            expect![[""]],
        );
    }

    #[test]
    fn glued_words_with_implausible_readings_do_not_fire() {
        // A missing space before a three-digit number reads as a year before
        // 1800 at best: not reported.
        check("on195 by160 abc123", expect![[""]]);
    }

    #[test]
    fn unicode_and_crlf() {
        check(
            "서울 2022년 9월 🚀 src950s\r\n“src2:25 am” 1950s\r\nl988년 src950s에",
            expect![[r#"
                25..32 "src950s": garbled token `src950s`: probably `1950s` => "1950s"
                37..44 "src2:25": garbled token `src2:25`: probably `12:25` => "12:25"
                58..62 "l988": garbled token `l988`: probably `1988` => "1988"
                66..73 "src950s": garbled token `src950s`: probably `1950s` => "1950s"
            "#]],
        );
    }

    #[test]
    fn empty_input() {
        check("", expect![[""]]);
        check(" \r\n\t ", expect![[""]]);
    }

    #[test]
    fn huge_word_is_skipped() {
        let text = format!("src{}s", "9".repeat(100_000));
        check(&text, expect![[""]]);
    }
}
