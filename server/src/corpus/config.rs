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
        for e in errors {
            config.problems.push(ConfigProblem {
                range: e.span().unwrap_or(0..src.len()),
                message: format!("invalid TOML: {}", e.message().trim()),
            });
        }
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
    use super::{Config, KEYS};

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
