//! The registry (`entities.toml`): people, organisations, places, outlets and
//! named claims, each with the byte range of its definition.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::de::{DeTable, DeValue};

use super::config::{ConfigProblem, string_list};
use crate::syntax::TextRange;

pub const ENTITY_KINDS: &[&str] = &[
    "person",
    "organization",
    "country",
    "place",
    "outlet",
    "event",
    "group",
];
const ENTITY_KEYS: &[&str] = &[
    "kind",
    "name",
    "aka",
    "wikidata",
    "description",
    "role",
    "anon",
    "url",
];
const CLAIM_KEYS: &[&str] = &["text", "author", "description"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    pub id: String,
    /// Index of the registry file in [`super::Corpus::registry_files`].
    pub file: usize,
    /// The `[id]` header key.
    pub range: TextRange,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub aka: Vec<String>,
    pub wikidata: Option<String>,
    pub description: Option<String>,
    pub role: Option<String>,
    pub anon: bool,
    pub url: Option<String>,
}

impl Entity {
    /// The display name: `name`, else the id.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimDef {
    pub name: String,
    pub file: usize,
    pub range: TextRange,
    pub text: Option<String>,
    pub author: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub entities: BTreeMap<String, Entity>,
    pub claims: BTreeMap<String, ClaimDef>,
    /// `(file, problem)`: invalid TOML, unknown keys, bad values, ids defined twice.
    pub problems: Vec<(usize, ConfigProblem)>,
    /// `(file, range, id)` of ids defined again in another registry file.
    pub duplicates: Vec<(usize, TextRange, String)>,
}

impl Registry {
    /// Adds the entries of registry file number `file`.
    pub fn load(&mut self, file: usize, src: &str) {
        let (table, errors) = DeTable::parse_recoverable(src);
        for p in super::config::toml_problems(src, &errors) {
            self.problems.push((file, p));
        }
        for (key, value) in table.get_ref().iter() {
            let id = key.get_ref().as_ref();
            let DeValue::Table(entry) = value.get_ref() else {
                self.problem(
                    file,
                    key.span(),
                    format!("`{id}` must be a table: `[{id}]`"),
                );
                continue;
            };
            if id == "claims" {
                for (ckey, cvalue) in entry.iter() {
                    self.claim(file, ckey, cvalue);
                }
                continue;
            }
            self.entity(file, id, key.span(), entry);
        }
    }

    fn problem(&mut self, file: usize, range: TextRange, message: String) {
        self.problems.push((file, ConfigProblem { range, message }));
    }

    fn entity(&mut self, file: usize, id: &str, range: TextRange, entry: &DeTable) {
        let mut e = Entity {
            id: id.to_string(),
            file,
            range: range.clone(),
            kind: None,
            name: None,
            aka: Vec::new(),
            wikidata: None,
            description: None,
            role: None,
            anon: false,
            url: None,
        };
        for (k, v) in entry.iter() {
            let key = k.get_ref().as_ref();
            let as_string = || match v.get_ref() {
                DeValue::String(s) => Some(s.to_string()),
                _ => None,
            };
            match key {
                "kind" => match as_string() {
                    Some(kind) if ENTITY_KINDS.contains(&kind.as_str()) => e.kind = Some(kind),
                    _ => self.problem(
                        file,
                        v.span(),
                        format!("`kind` must be one of: {}", ENTITY_KINDS.join(", ")),
                    ),
                },
                "aka" => match string_list(v.get_ref()) {
                    Some(list) => e.aka = list,
                    None => self.problem(file, v.span(), "`aka` must be a list of strings".into()),
                },
                "anon" => match v.get_ref() {
                    DeValue::Boolean(b) => e.anon = *b,
                    _ => self.problem(file, v.span(), "`anon` must be true or false".into()),
                },
                "name" | "wikidata" | "description" | "role" | "url" => match as_string() {
                    Some(s) => match key {
                        "name" => e.name = Some(s),
                        "wikidata" => e.wikidata = Some(s),
                        "description" => e.description = Some(s),
                        "role" => e.role = Some(s),
                        _ => e.url = Some(s),
                    },
                    None => self.problem(file, v.span(), format!("`{key}` must be a string")),
                },
                other => self.problem(
                    file,
                    k.span(),
                    format!(
                        "unknown entity key `{other}`; known keys: {}",
                        ENTITY_KEYS.join(", ")
                    ),
                ),
            }
        }
        if self.entities.contains_key(id) {
            self.duplicates.push((file, range, id.to_string()));
        } else {
            self.entities.insert(id.to_string(), e);
        }
    }

    fn claim(
        &mut self,
        file: usize,
        key: &toml::Spanned<toml::de::DeString>,
        value: &toml::Spanned<DeValue>,
    ) {
        let name = key.get_ref().as_ref();
        let DeValue::Table(entry) = value.get_ref() else {
            self.problem(
                file,
                key.span(),
                format!("claim `{name}` must be a table: `[claims.{name}]`"),
            );
            return;
        };
        let mut c = ClaimDef {
            name: name.to_string(),
            file,
            range: key.span(),
            text: None,
            author: None,
            description: None,
        };
        for (k, v) in entry.iter() {
            let ck = k.get_ref().as_ref();
            let s = match v.get_ref() {
                DeValue::String(s) => Some(s.to_string()),
                _ => None,
            };
            match (ck, s) {
                ("text", Some(s)) => c.text = Some(s),
                ("author", Some(s)) => c.author = Some(s),
                ("description", Some(s)) => c.description = Some(s),
                (k2, _) if CLAIM_KEYS.contains(&k2) => {
                    self.problem(file, v.span(), format!("`{k2}` must be a string"))
                }
                (other, _) => self.problem(
                    file,
                    k.span(),
                    format!(
                        "unknown claim key `{other}`; known keys: {}",
                        CLAIM_KEYS.join(", ")
                    ),
                ),
            }
        }
        if self.claims.contains_key(name) {
            self.duplicates
                .push((file, key.span(), format!("claims.{name}")));
        } else {
            self.claims.insert(name.to_string(), c);
        }
    }
}
