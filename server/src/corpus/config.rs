//! `newsmark.toml`: which files belong to the corpus, where the registry is,
//! and each rule's severity. A missing file means the defaults, never an error.

use std::collections::BTreeMap;

use toml::de::{DeTable, DeValue};

use crate::checks::Severity;
use crate::syntax::TextRange;

pub const CONFIG_FILE: &str = "newsmark.toml";

/// A problem in `newsmark.toml` or a registry file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub range: TextRange,
    pub message: String,
}

/// A key of `newsmark.toml`: what it does, its type and default, as
/// docs/format.md (section Configuration) describes it. For messages and
/// the editor's hover.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub name: &'static str,
    pub summary: &'static str,
    pub kind: &'static str,
    pub default: &'static str,
}

/// Every key `newsmark.toml` accepts.
pub const KEYS: &[Key] = &[
    Key {
        name: "extensions",
        summary: "Extensions of the annotated articles a folder walk picks up.",
        kind: "string or list of strings; a leading dot is ignored",
        default: r#"`["news"]`"#,
    },
    Key {
        name: "plain",
        summary: "Extensions of plain scraped text files: walked too, read with no markup and \
                  no front matter (every byte is article text).",
        kind: "string or list of strings; a leading dot is ignored",
        default: "none",
    },
    Key {
        name: "exclude",
        summary: "Paths to leave out of folder walks, relative to the root.",
        kind: "string or list of gitignore-style patterns",
        default: "none",
    },
    Key {
        name: "registry",
        summary: "Registry files (entities and claims), relative to the root; one listed but \
                  absent is skipped.",
        kind: "string or list of paths",
        default: r#"`["entities.toml"]`"#,
    },
    Key {
        name: "rules",
        summary: "The severity of each rule: off, hint, info, warning or error.",
        kind: r#"table of `rule-code = "severity"`"#,
        default: "each rule's default (docs/rules.md)",
    },
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// File extensions (without the dot) of annotated articles.
    pub extensions: Vec<String>,
    /// File extensions of plain scraped text: walked too, read with no markup.
    pub plain: Vec<String>,
    /// Paths (relative to the root, gitignore-style globs) left out of walks.
    pub exclude: Vec<String>,
    /// Registry files, relative to the root.
    pub registry: Vec<String>,
    /// Severity overrides by rule code.
    pub rules: BTreeMap<String, Severity>,
    pub problems: Vec<ConfigProblem>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            extensions: vec!["news".into()],
            plain: Vec::new(),
            exclude: Vec::new(),
            registry: vec!["entities.toml".into()],
            rules: BTreeMap::new(),
            problems: Vec::new(),
        }
    }
}

impl Config {
    pub fn parse(src: &str) -> Config {
        let mut config = Config::default();
        let (table, errors) = DeTable::parse_recoverable(src);
        config.problems.extend(toml_problems(src, &errors));
        for (key, value) in table.get_ref().iter() {
            let name = key.get_ref().as_ref();
            match name {
                "extensions" | "plain" | "exclude" | "registry" => {
                    match string_list(value.get_ref()) {
                        Some(list) => {
                            let list = if name == "extensions" || name == "plain" {
                                list.into_iter()
                                    .map(|e| e.trim_start_matches('.').to_string())
                                    .collect()
                            } else {
                                list
                            };
                            if name == "exclude" {
                                for pattern in &list {
                                    let mut o = ignore::overrides::OverrideBuilder::new("/");
                                    if let Err(e) = o.add(&format!("!{pattern}")) {
                                        config.problems.push(ConfigProblem {
                                        range: value.span(),
                                        message: format!("`exclude` pattern `{pattern}` is not a valid glob: {e}"),
                                    });
                                    }
                                }
                            }
                            match name {
                                "extensions" => config.extensions = list,
                                "plain" => config.plain = list,
                                "exclude" => config.exclude = list,
                                _ => config.registry = list,
                            }
                        }
                        None => config.problems.push(ConfigProblem {
                            range: value.span(),
                            message: format!("`{name}` must be a list of strings"),
                        }),
                    }
                }
                "rules" => {
                    let DeValue::Table(rules) = value.get_ref() else {
                        config.problems.push(ConfigProblem {
                            range: value.span(),
                            message: "`rules` must be a table of `rule-code = \"severity\"`".into(),
                        });
                        continue;
                    };
                    for (code, sev) in rules.iter() {
                        let code_name = code.get_ref().as_ref();
                        if crate::checks::rule(code_name).is_none() {
                            config.problems.push(ConfigProblem {
                                range: code.span(),
                                message: format!("unknown rule `{code_name}`; see docs/rules.md"),
                            });
                            continue;
                        }
                        match sev.get_ref() {
                            DeValue::String(s) => match Severity::parse(s) {
                                Some(level) => {
                                    config.rules.insert(code_name.to_string(), level);
                                }
                                None => config.problems.push(ConfigProblem {
                                    range: sev.span(),
                                    message: format!(
                                        "unknown severity `{s}`; use off, hint, info, warning or error"
                                    ),
                                }),
                            },
                            _ => config.problems.push(ConfigProblem {
                                range: sev.span(),
                                message: "a severity is a string: off, hint, info, warning or error"
                                    .into(),
                            }),
                        }
                    }
                }
                other => config.problems.push(ConfigProblem {
                    range: key.span(),
                    message: format!(
                        "unknown key `{other}`; known keys: {}",
                        KEYS.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
                    ),
                }),
            }
        }
        config
    }
}

/// The TOML syntax errors of `src` as problems. A key or table defined
/// twice is named ("`prk` is defined twice", at the second definition), and
/// the keys of a table defined again are not reported each as well (the
/// parser reads them into the first table, where they are duplicates too).
pub(crate) fn toml_problems(src: &str, errors: &[toml::de::Error]) -> Vec<ConfigProblem> {
    let mut out = Vec::new();
    // Where the body of the last table defined twice ends.
    let mut skip_until: Option<usize> = None;
    for e in errors {
        let range = e.span().unwrap_or(0..src.len());
        let message = e.message().trim();
        if message != "duplicate key" {
            out.push(ConfigProblem {
                range,
                message: format!("invalid TOML: {message}"),
            });
            continue;
        }
        if skip_until.is_some_and(|end| range.start < end) {
            continue;
        }
        let line_start = src
            .get(..range.start)
            .and_then(|before| before.rfind('\n'))
            .map_or(0, |n| n + 1);
        let line_end = src
            .get(line_start..)
            .and_then(|rest| rest.find('\n'))
            .map_or(src.len(), |n| line_start + n);
        let line = src.get(line_start..line_end).unwrap_or("");
        let message = match header_name(line) {
            Some(header) => {
                skip_until = Some(next_header(src, line_end));
                format!("`{header}` is defined twice: keep one `[{header}]` table")
            }
            None => {
                let key = src.get(range.clone()).unwrap_or("").trim();
                let key = key.trim_matches(|c| c == '"' || c == '\'');
                format!("`{key}` is defined twice")
            }
        };
        out.push(ConfigProblem { range, message });
    }
    out
}

/// The name in a `[table]` header line (not an `[[array]]` one), without
/// spaces around the dots.
fn header_name(line: &str) -> Option<String> {
    let inner = line.trim().strip_prefix('[')?;
    if inner.starts_with('[') {
        return None;
    }
    let (name, _) = inner.split_once(']')?;
    Some(
        name.split('.')
            .map(|part| part.trim().trim_matches(|c| c == '"' || c == '\''))
            .collect::<Vec<_>>()
            .join("."),
    )
}

/// Where the next table header after `from` starts (else the end).
fn next_header(src: &str, from: usize) -> usize {
    let mut at = from;
    for line in src.get(from..).unwrap_or("").split_inclusive('\n') {
        if at > from && line.trim_start().starts_with('[') {
            return at;
        }
        at += line.len();
    }
    src.len()
}

pub(crate) fn string_list(v: &DeValue) -> Option<Vec<String>> {
    match v {
        DeValue::String(s) => Some(vec![s.to_string()]),
        DeValue::Array(items) => items
            .iter()
            .map(|i| match i.get_ref() {
                DeValue::String(s) => Some(s.to_string()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::{Config, KEYS};
    use crate::checks::test_support::check;

    #[test]
    fn table_defined_twice_is_one_problem_naming_it() {
        check(
            "config",
            "//- /a.news\n[North Korea]{@prk} and [the US]{@usa}\n//- /entities.toml\n[prk]\nkind = \"country\"\nname = \"North Korea\"\n\n[prk]\nkind = \"country\"\nname = \"DPRK\"\n\n[usa]\nname = \"US\"\nname = \"United States\"\n",
            expect![[r#"
                entities.toml error: `prk` is defined twice: keep one `[prk]` table
                  | [prk]
                  |  ^^^
                  = help: see docs/format.md, section Registry
                entities.toml error: `name` is defined twice
                  | name = "United States"
                  | ^^^^
                  = help: see docs/format.md, section Registry
            "#]],
        );
    }

    #[test]
    fn claim_defined_twice_is_named_with_its_table() {
        check(
            "config",
            "//- /entities.toml\n[claims.no-arms]\ntext = \"x\"\n[claims . no-arms]\ntext = \"y\"\n",
            expect![[r#"
                entities.toml error: `claims.no-arms` is defined twice: keep one `[claims.no-arms]` table
                  | [claims . no-arms]
                  |           ^^^^^^^
                  = help: see docs/format.md, section Registry
            "#]],
        );
    }

    #[test]
    fn rules_defined_twice_in_the_config() {
        check(
            "config",
            "//- /newsmark.toml\n[rules]\nunused-entity = \"off\"\n[rules]\nunused-entity = \"hint\"\n",
            expect![[r#"
                newsmark.toml error: `rules` is defined twice: keep one `[rules]` table
                  | [rules]
                  |  ^^^^^
                  = help: see docs/format.md, section Configuration
            "#]],
        );
    }

    #[test]
    fn other_toml_errors_keep_the_parser_message() {
        check(
            "config",
            "//- /entities.toml\n[prk\nname = \"North Korea\"\n",
            expect![[r#"
                entities.toml error: invalid TOML: unclosed table, expected `]`
                  | [prk
                  |     ^
                  = help: see docs/format.md, section Registry
            "#]],
        );
    }

    #[test]
    fn every_documented_key_is_accepted() {
        for key in KEYS {
            let value = if key.name == "rules" { "{}" } else { "[]" };
            let c = Config::parse(&format!("{} = {value}\n", key.name));
            assert_eq!(c.problems, [], "{}", key.name);
        }
        let c = Config::parse("colour = 1\n");
        assert_eq!(
            c.problems[0].message,
            "unknown key `colour`; known keys: extensions, plain, exclude, registry, rules"
        );
    }
}
