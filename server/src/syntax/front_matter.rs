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
        let (table, errors) = DeTable::parse_recoverable(toml_src);
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
