//! Front matter: the TOML block between `+++` lines, parsed with the `toml`
//! crate, with every TOML error and every field mapped to its exact byte range
//! in the file.

use serde::{Deserialize, Serialize};
use toml::de::{DeTable, DeValue};
use tree_sitter::Node;

use super::{Spanned, TextRange};

/// Keys the front matter understands.
pub const KNOWN_KEYS: &[&str] = &[
    "id",
    "title",
    "outlet",
    "url",
    "published",
    "modified",
    "dateline",
    "byline",
    "lang",
    "derived_from",
    "allow",
];

/// `published`/`modified`: a date, or a date-time whose date part counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    pub date: jiff::civil::Date,
    pub has_time: bool,
}

/// A problem in the front matter; reported by the `front-matter` check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontMatterProblem {
    pub range: TextRange,
    pub message: String,
    /// Invalid TOML or a wrong type is an error; an unknown key is a warning.
    pub is_error: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontMatter {
    /// The whole block, fences included.
    pub range: TextRange,
    pub id: Option<Spanned<String>>,
    pub title: Option<Spanned<String>>,
    pub outlet: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
    pub published: Option<Spanned<Published>>,
    pub modified: Option<Spanned<Published>>,
    pub dateline: Option<Spanned<String>>,
    pub byline: Vec<Spanned<String>>,
    pub lang: Option<Spanned<String>>,
    pub derived_from: Vec<Spanned<String>>,
    /// Rule codes silenced for the whole file.
    pub allow: Vec<Spanned<String>>,
    pub problems: Vec<FrontMatterProblem>,
}

impl FrontMatter {
    pub(super) fn parse(src: &str, node: Node) -> FrontMatter {
        let mut fm = FrontMatter {
            range: node.byte_range(),
            ..FrontMatter::default()
        };
        let Some(content) = node.child_by_field_name("content") else {
            return fm;
        };
        let base = content.start_byte();
        let toml_src = src.get(content.byte_range()).unwrap_or("");
        fm.read_toml(toml_src, base);
        fm
    }

    /// Parses TOML text that starts at byte `base` of the file.
    pub fn read_toml(&mut self, toml_src: &str, base: usize) {
        let (table, errors) = match simple_table(toml_src) {
            Some(table) => (toml::Spanned::new(0..toml_src.len(), table), Vec::new()),
            None => DeTable::parse_recoverable(toml_src),
        };
        for error in errors {
            let range = error.span().map_or(base..base + toml_src.len(), |r| {
                base + r.start..base + r.end
            });
            self.problems.push(FrontMatterProblem {
                range,
                message: format!("invalid TOML: {}", error.message().trim()),
                is_error: true,
            });
        }
        let at = |r: std::ops::Range<usize>| base + r.start..base + r.end;
        // String values' ranges cover the text inside the quotes.
        let inner = |r: std::ops::Range<usize>| unquote(toml_src, r.clone()).map_or(at(r), &at);
        for (key, value) in table.get_ref().iter() {
            let name = key.get_ref().as_ref();
            let krange = at(key.span());
            let vrange = at(value.span());
            let v = value.get_ref();
            let wrong = |this: &mut FrontMatter, expected: &str| {
                this.problems.push(FrontMatterProblem {
                    range: vrange.clone(),
                    message: format!("`{name}` must be {expected}"),
                    is_error: true,
                });
            };
            match name {
                "id" | "title" | "outlet" | "url" | "dateline" | "lang" => match v {
                    DeValue::String(s) => {
                        let s = Spanned::new(s.to_string(), inner(value.span()));
                        match name {
                            "id" => self.id = Some(s),
                            "title" => self.title = Some(s),
                            "outlet" => self.outlet = Some(s),
                            "url" => self.url = Some(s),
                            "dateline" => self.dateline = Some(s),
                            _ => self.lang = Some(s),
                        }
                    }
                    _ => wrong(self, "a string"),
                },
                "published" | "modified" => match date_of(v) {
                    Some(p) => {
                        let p = Spanned::new(p, vrange.clone());
                        if name == "published" {
                            self.published = Some(p);
                        } else {
                            self.modified = Some(p);
                        }
                    }
                    None => wrong(
                        self,
                        "a TOML date or date-time, e.g. `2022-09-22` or `2022-09-22T12:25:00-04:00`",
                    ),
                },
                "byline" | "derived_from" | "allow" => match strings(v, toml_src, base, value) {
                    Some(list) => match name {
                        "byline" => self.byline = list,
                        "derived_from" => self.derived_from = list,
                        _ => self.allow = list,
                    },
                    None => wrong(self, "a string or a list of strings"),
                },
                _ => self.problems.push(FrontMatterProblem {
                    range: krange,
                    message: format!(
                        "unknown front matter key `{name}`; known keys: {}",
                        KNOWN_KEYS.join(", ")
                    ),
                    is_error: false,
                }),
            }
        }
    }

    /// The source id: `id`, or else the file stem.
    pub fn id(&self) -> Option<&str> {
        self.id.as_ref().map(|s| s.value.as_str())
    }
}

/// The table of a front matter of the common shape, read without the
/// `toml` crate: lines of `key = "text"` (no escapes) or `key =
/// YYYY-MM-DD`, whole-line comments and blank lines. The crate's parser is
/// general (tokens, then events, then the table, with error recovery) and
/// took about 7 µs for such a block, 4% of a cold `newsmark check`.
/// Anything else (an escape, an array, a time, a dotted or quoted key, a
/// trailing comment, a key given twice, an impossible date, a control
/// character) gives None, and the crate reads it. Where this reads a block, it gives
/// the table the crate gives, spans included (a property test holds them
/// equal).
fn simple_table(src: &str) -> Option<DeTable<'_>> {
    let mut table = DeTable::new();
    let mut at = 0;
    // Every line ends with a line break (the grammar's content lines do).
    while at < src.len() {
        let end = at + memchr::memchr(b'\n', &src.as_bytes()[at..])?;
        let line = src.get(at..end)?;
        let line = line.strip_suffix('\r').unwrap_or(line);
        let start = at;
        at = end + 1;
        // TOML allows tabs but no other control character, in comments too.
        if line.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
            return None;
        }
        let body = line.trim_start_matches([' ', '\t']);
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let key_start = start + (line.len() - body.len());
        let key_len = body
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
            .count();
        if key_len == 0 {
            return None;
        }
        let rest = body[key_len..].trim_start_matches([' ', '\t']);
        let rest = rest.strip_prefix('=')?.trim_start_matches([' ', '\t']);
        let value_start = start + (line.len() - rest.len());
        let (value, len) = if let Some(text) = rest.strip_prefix('"') {
            let close = text.find('"')?;
            let text = &text[..close];
            if text.contains('\\') {
                return None;
            }
            (DeValue::String(text.into()), close + 2)
        } else {
            (DeValue::Datetime(simple_date(rest.get(..10)?)?), 10)
        };
        if !rest[len..].trim_end_matches([' ', '\t']).is_empty() {
            return None;
        }
        let key = toml::Spanned::new(key_start..key_start + key_len, body[..key_len].into());
        let value = toml::Spanned::new(value_start..value_start + len, value);
        if table.insert(key, value).is_some() {
            return None;
        }
    }
    Some(table)
}

/// `YYYY-MM-DD`, a date that exists, as the `toml` crate reads it.
fn simple_date(text: &str) -> Option<toml::value::Datetime> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .and_then(|_| text.get(r)?.parse::<u16>().ok())
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (month, day) = (u8::try_from(month).ok()?, u8::try_from(day).ok()?);
    jiff::civil::Date::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
    )
    .ok()?;
    Some(toml::value::Datetime {
        date: Some(toml::value::Date { year, month, day }),
        time: None,
        offset: None,
    })
}

fn date_of(v: &DeValue) -> Option<Published> {
    let DeValue::Datetime(dt) = v else {
        return None;
    };
    let d = dt.date?;
    let date = jiff::civil::Date::new(
        i16::try_from(d.year).ok()?,
        i8::try_from(d.month).ok()?,
        i8::try_from(d.day).ok()?,
    )
    .ok()?;
    Some(Published {
        date,
        has_time: dt.time.is_some(),
    })
}

/// The range inside the quotes of a TOML string at `r`.
fn unquote(src: &str, r: std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
    let text = src.get(r.clone())?;
    let q = if text.starts_with("\"\"\"") || text.starts_with("'''") {
        3
    } else if text.starts_with('"') || text.starts_with('\'') {
        1
    } else {
        0
    };
    // An unterminated string (which TOML's error recovery still gives as a
    // value) has no closing quote to strip: `"@` is `@`, not nothing.
    let quote = text.get(..q).unwrap_or("");
    let close = if text.len() >= 2 * q && text.ends_with(quote) {
        q
    } else {
        0
    };
    Some(r.start + q..(r.end - close).max(r.start + q.min(text.len())))
}

fn strings(
    v: &DeValue,
    src: &str,
    base: usize,
    value: &toml::Spanned<DeValue>,
) -> Option<Vec<Spanned<String>>> {
    let at = |r: std::ops::Range<usize>| {
        let r = unquote(src, r.clone()).unwrap_or(r);
        base + r.start..base + r.end
    };
    match v {
        DeValue::String(s) => Some(vec![Spanned::new(s.to_string(), at(value.span()))]),
        DeValue::Array(items) => items
            .iter()
            .map(|item| match item.get_ref() {
                DeValue::String(s) => Some(Spanned::new(s.to_string(), at(item.span()))),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{DeTable, simple_table};

    /// Every key and value of `table`, with their spans, in order.
    fn entries(table: &DeTable) -> Vec<String> {
        table
            .iter()
            .map(|(k, v)| {
                format!(
                    "{:?}@{:?} = {:?}@{:?}",
                    k.get_ref(),
                    k.span(),
                    v.get_ref(),
                    v.span()
                )
            })
            .collect()
    }

    /// What the quick reader reads, it reads as the `toml` crate does, or
    /// it leaves it to the crate (None).
    fn agrees(src: &str) -> Result<bool, proptest::test_runner::TestCaseError> {
        let Some(quick) = simple_table(src) else {
            return Ok(false);
        };
        let (crate_table, errors) = DeTable::parse_recoverable(src);
        proptest::prop_assert!(errors.is_empty(), "{src:?}: the crate finds {errors:?}");
        proptest::prop_assert_eq!(entries(&quick), entries(crate_table.get_ref()), "{:?}", src);
        Ok(true)
    }

    /// Lines of the common shape, with spaces and tabs anywhere TOML
    /// allows them, `\r\n` line ends and dates that may not exist.
    const COMMON: &str = concat!(
        "[ \t]{0,2}(id|title|outlet|published|lang|a-b_1|x)[ \t]{0,2}=[ \t]{0,2}",
        "(\"[a-z @#'\u{e9}\u{201c}]{0,8}\"|",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}|20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))",
        "[ \t]{0,2}\r?",
    );

    /// Lines of other shapes: a string with an escape, a quote or a
    /// control character in it; literal strings, times, arrays, numbers;
    /// quoted and dotted keys; comments after a value; lone `\r`.
    const ODD_STRING: &str = concat!(
        "[ \t]{0,2}(id|title|a-b_1|\"q\"|a\\.b)[ \t]{0,2}=[ \t]{0,2}",
        "\"[a-z ]{0,3}(\\\\[\\\\\"nbt]|\\\\u00e9|\\\\a|\"|\t|\u{1}|\u{1f}|\u{7f})[a-z ]{0,3}\"",
        "[ \t]{0,2}(# c)?(\r)?",
    );
    const ODD_VALUE: &str = concat!(
        "[ \t]{0,2}(id|title|a-b_1|\"q\"|a\\.b)[ \t]{0,2}=?[ \t]{0,2}",
        "('[a-z]{0,3}'|2022-09-21T10:00:00|2022-09-21 10:00|\\[\"a\"\\]|[0-9]{1,3}|true|\"\"\"a\"\"\"|\"a\")",
        "[ \t]{0,2}(# c)?(\r)?",
    );

    proptest::proptest! {
        #[test]
        fn the_quick_reader_reads_as_the_toml_crate(
            lines in proptest::collection::vec(
                proptest::prop_oneof![
                    6 => COMMON,
                    3 => ODD_STRING,
                    3 => ODD_VALUE,
                    1 => "[ \t]{0,2}(#[ a-z=\"\u{7f}]{0,5})?",
                ],
                0..7,
            ),
        ) {
            let src: String = lines.iter().map(|l| format!("{l}\n")).collect();
            agrees(&src)?;
            // Each line alone too: an odd line among common ones is rare.
            for line in &lines {
                agrees(&format!("{line}\n"))?;
            }
        }
    }

    /// The quick reader is worth having: front matter as `newsmark import`
    /// and the generator write it is read without the crate, and reads the
    /// same.
    #[test]
    fn common_front_matter_takes_the_quick_path() {
        for src in [
            "id = \"art-000100\"\ntitle = \"Generated story 100\"\noutlet = \"@outlet0\"\npublished = 2022-12-05\nlang = \"en\"\n",
            "id = \"reuters21578-014908\"\ntitle = \"FRESH JUICE CO INC <FRSH.O> 1ST QTR\"\npublished = 1987-04-17\n# outlet = \"@outlet-id\"\n# url = \"https://…\"\nlang = \"en\"\n",
            "title = \"Café – “quoted”\"\r\n\r\n  published\t=\t2024-02-29  \r\n",
        ] {
            assert_eq!(agrees(src).map_err(|e| e.to_string()), Ok(true), "{src:?}");
        }
        for src in [
            "title = \"a \\\" b\"\n",
            "published = 2023-02-29\n",
            "byline = [\"A\", \"B\"]\n",
            "id = \"a\"\nid = \"b\"\n",
            "id = \"a\" # note\n",
            "published = 2022-09-21T10:00:00Z\n",
            "id = \"a\"",
        ] {
            assert!(simple_table(src).is_none(), "{src:?}");
        }
    }
}
