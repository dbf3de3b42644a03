//! Dates shared by the date rules: `when=` values, weekday names, and the
//! relative expressions that resolve against the publication date.

use jiff::civil::{Date, Weekday};

/// A parsed `when=` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Day(Date),
    Month(i16, i8),
    Year(i16),
    /// The decade's first year, e.g. 1950 for `1950s`.
    Decade(i16),
}

impl When {
    /// Parses `2022-09-22`, `2022-09`, `2022` or `1950s`.
    pub fn parse(s: &str) -> Option<When> {
        let s = s.trim();
        if let Some(decade) = s.strip_suffix('s') {
            let y: i16 = decade.parse().ok()?;
            return (decade.len() == 4 && y % 10 == 0).then_some(When::Decade(y));
        }
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, len: usize| {
            (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<i16>().ok())
                .flatten()
        };
        match parts.as_slice() {
            [y] => Some(When::Year(num(y, 4)?)),
            [y, m] => {
                let m = i8::try_from(num(m, 2)?).ok()?;
                (1..=12).contains(&m).then_some(When::Month(num(y, 4)?, m))
            }
            [y, m, d] => {
                let date = Date::new(
                    num(y, 4)?,
                    i8::try_from(num(m, 2)?).ok()?,
                    i8::try_from(num(d, 2)?).ok()?,
                )
                .ok()?;
                Some(When::Day(date))
            }
            _ => None,
        }
    }

    /// The first day the value covers.
    pub fn first_day(self) -> Option<Date> {
        match self {
            When::Day(d) => Some(d),
            When::Month(y, m) => Date::new(y, m, 1).ok(),
            When::Year(y) | When::Decade(y) => Date::new(y, 1, 1).ok(),
        }
    }
}

pub const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Monday),
    ("tuesday", Weekday::Tuesday),
    ("wednesday", Weekday::Wednesday),
    ("thursday", Weekday::Thursday),
    ("friday", Weekday::Friday),
    ("saturday", Weekday::Saturday),
    ("sunday", Weekday::Sunday),
];

pub fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// The weekday named as a whole word in `text`, if exactly one is.
pub fn weekday_in(text: &str) -> Option<Weekday> {
    let lower = text.to_lowercase();
    let mut found = None;
    for word in lower.split(|c: char| !c.is_alphabetic()) {
        if let Some((_, w)) = WEEKDAYS.iter().find(|(n, _)| *n == word) {
            if found.is_some_and(|f| f != *w) {
                return None;
            }
            found = Some(*w);
        }
    }
    found
}

/// A relative date expression found in article text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relative {
    pub range: std::ops::Range<usize>,
    /// The `when=` it resolves to against the publication date, if it does.
    pub resolved: Option<String>,
}

impl Relative {
    /// True when the resolution lies after `published` (a future event,
    /// which the `future` flag marks).
    pub fn is_future(&self, published: Option<Date>) -> bool {
        match (
            self.resolved
                .as_deref()
                .and_then(When::parse)
                .and_then(When::first_day),
            published,
        ) {
            (Some(first), Some(p)) => first > p,
            _ => false,
        }
    }
}

/// Multi-word expressions, longest first; `{}` never appears in them.
const PHRASES: &[&str] = &[
    "earlier this month",
    "earlier this week",
    "earlier this year",
    "later this month",
    "later this week",
    "later this year",
    "this month",
    "this week",
    "this year",
    "last month",
    "last week",
    "last year",
    "next month",
    "next week",
    "next year",
    "yesterday",
    "today",
    "tomorrow",
];

/// Every phrase and weekday name, numbered in this order: the patterns
/// of the relative dates in [`super::words`].
pub fn names() -> impl Iterator<Item = &'static str> {
    PHRASES
        .iter()
        .copied()
        .chain(WEEKDAYS.iter().map(|(n, _)| *n))
}

/// Finds weekday names and relative phrases in `text`, resolved against
/// `published` where the resolution is unambiguous.
pub fn find_relative(text: &str, published: Option<Date>) -> Vec<Relative> {
    relative_in(text, &super::words::scan(text).relative, published)
}

/// [`find_relative`] from the matches of a scan of `text`.
pub(crate) fn relative_in(
    text: &str,
    found: &[(usize, std::ops::Range<usize>)],
    published: Option<Date>,
) -> Vec<Relative> {
    let bytes = text.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric();
    let mut out = Vec::new();
    for (n, range) in found {
        let (n, start, end) = (*n, range.start, range.end);
        // Whole words only.
        if (start > 0 && is_word(bytes[start - 1])) || bytes.get(end).is_some_and(|b| is_word(*b)) {
            continue;
        }
        let resolved = match PHRASES.get(n) {
            Some(p) => resolve_phrase(p, published),
            None => {
                // Only capitalised weekday names are dates.
                if !bytes[start].is_ascii_uppercase() {
                    continue;
                }
                let (_, w) = WEEKDAYS[n - PHRASES.len()];
                published.map(|p| last_weekday(p, w).to_string())
            }
        };
        out.push(Relative {
            range: start..end,
            resolved,
        });
    }
    out
}

/// The latest date on or before `p` that falls on `w` (news usage: "on
/// Thursday" in a story published on Friday means the day before).
pub fn last_weekday(p: Date, w: Weekday) -> Date {
    let back = (p.weekday().to_monday_zero_offset() - w.to_monday_zero_offset()).rem_euclid(7);
    p.checked_sub(jiff::Span::new().days(i64::from(back)))
        .unwrap_or(p)
}

fn resolve_phrase(p: &str, published: Option<Date>) -> Option<String> {
    let d = published?;
    let month = |d: Date| format!("{:04}-{:02}", d.year(), d.month());
    Some(match p {
        "today" => d.to_string(),
        "yesterday" => d.yesterday().ok()?.to_string(),
        "tomorrow" => d.tomorrow().ok()?.to_string(),
        "earlier this month" | "later this month" | "this month" => month(d),
        "last month" => month(d.checked_sub(jiff::Span::new().months(1)).ok()?),
        "next month" => month(d.checked_add(jiff::Span::new().months(1)).ok()?),
        "earlier this year" | "later this year" | "this year" => format!("{:04}", d.year()),
        "last year" => format!("{:04}", d.year() - 1),
        "next year" => format!("{:04}", d.year() + 1),
        _ => return None,
    })
}
