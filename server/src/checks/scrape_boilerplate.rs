//! `scrape-boilerplate`: whole lines that are website furniture rather than article text ("Leave a Reply", "Copyright ©2022 …", "You may also like", "Write to … at …@…", a "Home Business …" breadcrumb), left behind by the scraper.
//!
//! These are fixed phrases of web pages, so a pattern list is the right tool;
//! each pattern must match the whole line (case-insensitive, surrounding
//! spaces ignored), so the same words inside running prose never count. Lines
//! longer than 400 bytes are never furniture. Breadcrumbs ("Home Business …",
//! "Home » World") count only among the first five non-blank lines.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

use super::TextFinding;

/// Furniture lines are short; anything longer is prose.
const MAX_LINE: usize = 400;

/// What each kind of furniture is, and the whole-line pattern that finds it.
const PATTERNS: &[(&str, &str)] = &[
    (
        "comment form",
        r"^(?:leave|post|add|write) a (?:reply|comment)(?:\s+cancel reply)?\s*:?$",
    ),
    (
        "comment form",
        r"^your email address will not be published\.?(?:\s*required fields are marked\s*\*?\.?)?$",
    ),
    ("comment form", r"^required fields are marked\s*\*?\.?$"),
    (
        "copyright notice",
        r"^(?:copyright|©|\(c\))(?:\s*(?:©|\(c\)))?\s*\d{4}(?:\s*[-–]\s*\d{4})?\b.*$",
    ),
    (
        "copyright notice",
        r"^(?:(?:copyright|©|\(c\)).{0,200}\b|[^.]{0,80}\.\s*)?all rights reserved\b.*$",
    ),
    (
        "recommendations widget",
        r"^you (?:may|might) also (?:like|enjoy)\s*:?$",
    ),
    (
        "recommendations widget",
        r"^(?:related|recommended|more|popular|trending|latest) (?:stories|articles|posts|content|news|coverage|reading)\s*:?$",
    ),
    (
        "related-links line",
        r"^(?:related|read more|read next|read also|also read|see also|more on this(?: story)?)\s*:.{0,200}$",
    ),
    ("related-links line", r"^(?:read more|see also|read next)$"),
    ("reading-list heading", r"^further reading\s*:?$"),
    ("AP promotion", r"^follow ap[’']s coverage of\b.{0,200}$"),
    (
        "social follow prompt",
        r"^follow (?:us|@\w+) on (?:twitter|facebook|instagram|x|linkedin|telegram)\b.{0,100}$",
    ),
    (
        "author contact line",
        r"^write to\b.{1,200}?\bat\s+\S+@\S+.*$",
    ),
    (
        "print-edition note",
        r"^appeared in the\b.{1,80}?\bprint edition\b.*$",
    ),
    (
        "share buttons",
        r"^share (?:this|the) (?:article|story|post|page)\b.{0,40}$",
    ),
    (
        "share buttons",
        r"^share (?:on|via) (?:facebook|twitter|email|e-mail|whatsapp|linkedin|reddit|pinterest)\b.{0,80}$",
    ),
    (
        "share buttons",
        r"^(?:share|tweet|email|print|facebook|twitter|linkedin|whatsapp|pinterest|reddit)(?:\s*[|/·•,]?\s*(?:share|tweet|email|print|facebook|twitter|linkedin|whatsapp|pinterest|reddit))+$",
    ),
    (
        "newsletter sign-up",
        r"^(?:sign up|subscribe|register) (?:for|to) (?:our|the|a)\b.{0,60}\bnewsletters?\b.{0,120}$",
    ),
    (
        "advertisement marker",
        r"^(?:advertisement|sponsored content|story continues below(?: advertisement)?)$",
    ),
    (
        "navigation link",
        r"^(?:continue reading(?: the main story)?|skip to (?:main )?content|back to top|(?:click|tap) here to (?:read|subscribe|sign up|see|watch|download)\b.{0,80})$",
    ),
];

/// The word boundaries are ASCII ones (`(?-u:\b)`): every boundary in the
/// patterns sits next to an ASCII word, and with Unicode boundaries the
/// regex crate's fast engine gives up on any line holding a non-ASCII
/// character (a curly quote), leaving every such line to its slowest engine
/// (this set was 8% of a cold `check` before).
static SET: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(
        PATTERNS
            .iter()
            .map(|(_, p)| format!("(?i){}", p.replace(r"\b", r"(?-u:\b)"))),
    )
    .expect("the scrape-boilerplate patterns are valid")
});

/// How every pattern's line may start, lower case: one of these, or any
/// text before "all rights reserved" (the one pattern that can start
/// anywhere). Most lines start with none, and are left without running
/// the set, or compiling it (20 ms, a sixth of a cold `check` of 1,000
/// articles, all of it before the first article could be checked).
const OPENINGS: &[&str] = &[
    "leave",
    "post",
    "add",
    "write",
    "your",
    "required",
    "copyright",
    "©",
    "(c)",
    "you",
    "related",
    "recommended",
    "more",
    "popular",
    "trending",
    "latest",
    "read",
    "also",
    "see",
    "further",
    "follow",
    "appeared",
    "share",
    "tweet",
    "email",
    "print",
    "facebook",
    "twitter",
    "linkedin",
    "whatsapp",
    "pinterest",
    "reddit",
    "sign",
    "subscribe",
    "register",
    "advertisement",
    "sponsored",
    "story",
    "continue",
    "skip",
    "back",
    "click",
    "tap",
];

/// Whether a pattern of [`SET`] could match the trimmed `line`: a cheap
/// test that never says no to a line one of them matches.
fn may_be_furniture(line: &str) -> bool {
    if super::folds_into_ascii(line) {
        return true;
    }
    let bytes = line.as_bytes();
    // Only openings that share the line's first letter are compared, and
    // "all rights reserved" only around a `v`, a rare letter, at its place
    // in the phrase: comparing it at every byte was 4% of a cold `check`'s
    // instructions, at every `a` still 1% on real news text.
    let first = bytes.first().map_or(0, u8::to_ascii_lowercase);
    OPENINGS_BY_LETTER
        .get(usize::from(first))
        .into_iter()
        .flatten()
        .any(|o| {
            bytes
                .get(..o.len())
                .is_some_and(|b| b.eq_ignore_ascii_case(o.as_bytes()))
        })
        || memchr::memchr2_iter(b'v', b'V', bytes).any(|at| {
            at.checked_sub(ALL_RIGHTS_V)
                .and_then(|start| bytes.get(start..start + ALL_RIGHTS.len()))
                .is_some_and(|w| w.eq_ignore_ascii_case(ALL_RIGHTS))
        })
}

const ALL_RIGHTS: &[u8] = b"all rights reserved";
/// Where the phrase's `v` is.
const ALL_RIGHTS_V: usize = {
    let mut i = 0;
    while ALL_RIGHTS[i] != b'v' {
        i += 1;
    }
    i
};

/// [`OPENINGS`] by their first byte (lower case ASCII letters, `©`'s first
/// byte, `(`).
static OPENINGS_BY_LETTER: LazyLock<Vec<Vec<&'static str>>> = LazyLock::new(|| {
    let mut by = vec![Vec::new(); 256];
    for o in OPENINGS {
        if let Some(&b) = o.as_bytes().first() {
            by[usize::from(b)].push(*o);
        }
    }
    by
});

/// Site navigation at the top: "Home Business …", "Home » World".
static BREADCRUMB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^Home(?:\s*[»>›/|]\s*\S.*|\s+(?:News|Business|World|Politics|Sports?|Opinion|Tech|Technology|Entertainment|Asia|Europe|Africa|Americas|Economy|Markets|Health|Science|Lifestyle|Local|National|International|Nation|Latest|US|U\.S\.|UK|Culture|Travel|Money|Finance|Defense|Defence|Security)\b.*)?$",
    )
    .expect("the breadcrumb pattern is valid")
});

/// Builds the patterns, one a step (see [`super::warm_up_while`]).
pub(super) const WARM_UP: &[fn()] = &[
    || {
        LazyLock::force(&SET);
    },
    || {
        LazyLock::force(&BREADCRUMB);
    },
];

pub fn find(text: &str, _published: Option<jiff::civil::Date>) -> Vec<TextFinding> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut non_blank = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        non_blank += 1;
        if trimmed.len() > MAX_LINE {
            continue;
        }
        let label = if non_blank <= 5 && trimmed.starts_with("Home") && BREADCRUMB.is_match(trimmed)
        {
            "breadcrumb"
        } else if !may_be_furniture(trimmed) {
            continue;
        } else if let Some(i) = SET.matches(trimmed).iter().next() {
            PATTERNS.get(i).map_or("furniture", |p| p.0)
        } else {
            continue;
        };
        out.push(TextFinding {
            range: start..start + line.len(),
            message: format!("website furniture, not article text: {label} “{}”", excerpt(trimmed)),
            help: Some(
                "mark it deleted with CriticMarkup `{--…--}`: the text stays (the import remains reproducible) and the finding goes"
                    .to_string(),
            ),
            replacement: None,
        });
    }
    out
}

/// The line, cut to about 60 characters.
fn excerpt(line: &str) -> String {
    match line.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", line[..i].trim_end()),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::{PATTERNS, SET, find, may_be_furniture};

    /// Furniture of every pattern, to be varied below.
    const FURNITURE: &[&str] = &[
        "Leave a Reply",
        "Post a comment",
        "Add a comment Cancel reply",
        "Your email address will not be published.",
        "Required fields are marked *",
        "Copyright © 2022 The Times",
        "© 2022 Reuters",
        "(c) 2021 X",
        "X Ltd. All rights reserved",
        "You may also like",
        "You might also enjoy:",
        "Related stories",
        "Recommended reading",
        "More coverage",
        "Popular articles",
        "Trending news",
        "Latest posts",
        "Read more: a link",
        "Read next",
        "Read also: a",
        "Also read: a",
        "See also",
        "More on this story: a",
        "Further reading",
        "Follow AP’s coverage of the war",
        "Follow us on Twitter",
        "Follow @x on Telegram",
        "Write to Jane at jane@x.com",
        "Appeared in the June 1, 2022, print edition",
        "Share this article",
        "Share on WhatsApp",
        "Share Tweet Email",
        "Tweet · Print",
        "Facebook Twitter LinkedIn",
        "Pinterest Reddit",
        "Sign up for our daily newsletter",
        "Subscribe to the newsletter",
        "Register for our free newsletters",
        "Advertisement",
        "Sponsored content",
        "Story continues below advertisement",
        "Continue reading the main story",
        "Skip to main content",
        "Back to top",
        "Click here to subscribe",
        "Tap here to watch",
    ];

    proptest::proptest! {
        /// The quick test never turns away a line a pattern matches: the
        /// furniture of every pattern in upper, lower or mixed case, with
        /// `ſ` for `s`, and with words before or after it.
        #[test]
        fn no_furniture_line_is_turned_away(
            line in proptest::sample::select(FURNITURE),
            case in 0..4u8,
            long_s in proptest::bool::ANY,
            before in "(|the |a b )",
            after in "(| x| and more)",
        ) {
            let line = match case {
                0 => line.to_string(),
                1 => line.to_uppercase(),
                2 => line.to_lowercase(),
                _ => line.chars().enumerate().map(|(n, c)| if n % 2 == 0 { c.to_ascii_uppercase() } else { c }).collect(),
            };
            let line = if long_s { line.replacen('s', "ſ", 1) } else { line };
            let line = format!("{before}{line}{after}");
            if SET.is_match(&line) {
                proptest::prop_assert!(may_be_furniture(&line), "{line}");
            }
        }
    }

    #[test]
    fn every_pattern_has_furniture_above() {
        for (n, _) in PATTERNS.iter().enumerate() {
            assert!(
                FURNITURE.iter().any(|f| SET.matches(f).matched(n)),
                "no example of pattern {n}"
            );
        }
    }

    /// The quick test is worth having: prose lines do not pass it.
    #[test]
    fn prose_lines_are_turned_away() {
        for line in [
            "SEOUL, 2022-09-21 — officials said on Wednesday that the talks would go on.",
            "The ministry denied the report.",
            "North Korea has also said that it will deepen its ties with Moscow.",
        ] {
            assert!(!may_be_furniture(line), "{line}");
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

    #[test]
    fn seed_001_comment_form() {
        check(
            "North Korea has also said that it will deepen its “comrade friendship” with Moscow.\n\nLeave a Reply\n\nYour email address will not be published. Required fields are marked *",
            expect![[r#"
                89..102 "Leave a Reply": website furniture, not article text: comment form “Leave a Reply”
                104..174 "Your email address will not be published. Required fields are marked *": website furniture, not article text: comment form “Your email address will not be published. Required fields ar…”
            "#]],
        );
    }

    #[test]
    fn seed_002_further_reading() {
        check(
            "Moscow says the occupied regions will host referendums on joining Russia.\n\nFurther Reading\n\nU.S. Intelligence Reportedly Shows Russia Is Buying Weapons From North Korea (Forbes)\n",
            expect![[r#"
                75..90 "Further Reading": website furniture, not article text: reading-list heading “Further Reading”
            "#]],
        );
    }

    #[test]
    fn seed_003_wsj_furniture() {
        check(
            "Home Business North Korea Says It Isn’t Supplying Russia With Weapons\n\nNorth Korea Says It Isn’t Supplying Russia With Weapons\n\nThe Kim regime became one of the first countries to officially recognize the republics.\n\nWrite to Timothy W. Martin at timothy.martin@wsj.com\n\nCopyright ©2022 Dow Jones & Company, Inc. All Rights Reserved. 87990cbe8568src8d5eddac44c7bsrccdeb8\n\nAppeared in the September 22, 2022, print edition as ‘North Korea Denies Arming Russia.’\n\nYou may also like\n\nLeave a Comment",
            expect![[r#"
                0..71 "Home Business North Korea Says It Isn’t Supplying Russia With Weapons": website furniture, not article text: breadcrumb “Home Business North Korea Says It Isn’t Supplying Russia Wit…”
                221..273 "Write to Timothy W. Martin at timothy.martin@wsj.com": website furniture, not article text: author contact line “Write to Timothy W. Martin at timothy.martin@wsj.com”
                275..375 "Copyright ©2022 Dow Jones & Company, Inc. All Rights Reserved. 87990cbe8568src8d5eddac44c7bsrccdeb8": website furniture, not article text: copyright notice “Copyright ©2022 Dow Jones & Company, Inc. All Rights Reserve…”
                377..469 "Appeared in the September 22, 2022, print edition as ‘North Korea Denies Arming Russia.’": website furniture, not article text: print-edition note “Appeared in the September 22, 2022, print edition as ‘North…”
                471..488 "You may also like": website furniture, not article text: recommendations widget “You may also like”
                490..505 "Leave a Comment": website furniture, not article text: comment form “Leave a Comment”
            "#]],
        );
    }

    #[test]
    fn seed_004_ap_furniture() {
        check(
            "Kim said Guterres’ “unjust and prejudicial behavior” has contributed to heightened tensions in the region.\n\nFollow AP’s coverage of the Asia-Pacific region at\n\nCopyright 2022 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed without permission.\n",
            expect![[r#"
                114..166 "Follow AP’s coverage of the Asia-Pacific region at": website furniture, not article text: AP promotion “Follow AP’s coverage of the Asia-Pacific region at”
                168..319 "Copyright 2022 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed without permission.": website furniture, not article text: copyright notice “Copyright 2022 The Associated Press. All rights reserved. Th…”
            "#]],
        );
    }

    #[test]
    fn related_read_more_share_newsletter() {
        check(
            "Related: North Korea fires missile\nRead more:\nShare this article\nSign up for our daily newsletter\nSEE ALSO\nAdvertisement\nShare | Tweet | Email\n",
            expect![[r#"
                0..34 "Related: North Korea fires missile": website furniture, not article text: related-links line “Related: North Korea fires missile”
                35..45 "Read more:": website furniture, not article text: related-links line “Read more:”
                46..64 "Share this article": website furniture, not article text: share buttons “Share this article”
                65..97 "Sign up for our daily newsletter": website furniture, not article text: newsletter sign-up “Sign up for our daily newsletter”
                98..106 "SEE ALSO": website furniture, not article text: related-links line “SEE ALSO”
                107..120 "Advertisement": website furniture, not article text: advertisement marker “Advertisement”
                121..142 "Share | Tweet | Email": website furniture, not article text: share buttons “Share | Tweet | Email”
            "#]],
        );
    }

    #[test]
    fn phrases_inside_prose_do_not_fire() {
        check(
            "The copyright holder said all rights reserved by the treaty were at stake, and readers may also like to know that the firm will leave a reply to the court.\nCopyright laws were tightened in 1987, officials said.\nHome sales rose 5 pct in January.\nRelated companies also reported gains in the quarter.\nHe refused to share the article with reporters.\n",
            expect![[""]],
        );
    }

    #[test]
    fn breadcrumb_only_at_the_top() {
        check(
            "Title\n\nHome » World » Asia\n\nBody.\n\nMore body.\n\nEven more.\n\nHome News today\n",
            expect![[r#"
                7..28 "Home » World » Asia": website furniture, not article text: breadcrumb “Home » World » Asia”
            "#]],
        );
    }

    #[test]
    fn long_line_is_never_furniture() {
        let line = format!("Copyright 2022 {}", "word ".repeat(100));
        check(&line, expect![[""]]);
    }

    #[test]
    fn unicode_and_crlf() {
        check(
            "북한 기사 🚀\r\nLeave a Reply\r\n  Copyright © 2022 연합뉴스. All rights reserved.  \r\n",
            expect![[r#"
                20..33 "Leave a Reply": website furniture, not article text: comment form “Leave a Reply”
                35..91 "  Copyright © 2022 연합뉴스. All rights reserved.  ": website furniture, not article text: copyright notice “Copyright © 2022 연합뉴스. All rights reserved.”
            "#]],
        );
    }

    #[test]
    fn empty_input() {
        check("", expect![[""]]);
        check("\n\r\n\n", expect![[""]]);
    }
}
