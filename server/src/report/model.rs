//! What the report shows, gathered from the corpus before any HTML is
//! written: outlets, claims with their appearances, entity counts, drifts.
//! Everything here reads per-article summaries and the registry only.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;

use crate::checks::quote_drift::{self, Drift};
use crate::checks::wording::{DiffPart, normalise};
use crate::corpus::{ClaimDef, Corpus, Entity, RefRole};

/// A column of the matrix: an outlet entity, or an article with no outlet.
#[derive(Debug, Clone)]
pub struct Outlet {
    /// The outlet's entity id, or `source:<id>` for an article without one.
    pub key: String,
    pub name: String,
    pub first: Option<Date>,
    pub articles: usize,
    /// Earliest `(undated, date, article)`: the column order.
    order: (bool, Option<Date>, usize),
}

/// One statement carrying a claim.
#[derive(Debug, Clone)]
pub struct Appearance {
    pub article: usize,
    pub date: Option<Date>,
    /// Index into [`Model::outlets`].
    pub outlet: usize,
    /// `quote` or `claim`.
    pub kind: String,
    /// The speaker's display name (`by=`), if credited.
    pub by: Option<String>,
    /// The relaying outlet's display name (`via=`).
    pub via: Option<String>,
    pub text: String,
    /// The earliest appearance of the claim.
    pub first: bool,
    /// Published on the same day as the first appearance (but not it).
    pub same_day: bool,
}

#[derive(Debug, Clone)]
pub struct ClaimRow<'a> {
    pub name: String,
    pub def: Option<&'a ClaimDef>,
    /// The registry author's display name.
    pub author: Option<String>,
    /// Earliest publication first.
    pub appearances: Vec<Appearance>,
}

/// Who an outlet credited a claim to: `(speaker, via)`, `None` for an
/// uncredited statement.
pub type Credit = (Option<String>, Option<String>);

#[derive(Debug, Clone)]
pub struct EntityRow<'a> {
    pub entity: &'a Entity,
    /// `[text]{@id}` mentions.
    pub mentions: usize,
    /// `by=@id`
    pub quoted: usize,
    /// Articles referring to it in any role.
    pub sources: usize,
}

/// One side of a drift, word by word: `(text, mark)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    Same,
    /// Same word, other punctuation or case.
    Respelled,
    Removed,
    Added,
}

/// A wording as runs of words with the same mark.
pub type Words = Vec<(String, Mark)>;

#[derive(Debug, Clone)]
pub struct DriftView {
    pub drift: Drift,
    /// `(outlet, date)` of the first appearance and of the later wording.
    pub first_from: (String, Option<Date>),
    pub other_from: (String, Option<Date>),
    pub first_words: Words,
    pub other_words: Words,
}

pub struct Model<'a> {
    pub name: String,
    pub articles: usize,
    pub outlets: Vec<Outlet>,
    pub claims: Vec<ClaimRow<'a>>,
    /// `matrix[claim][outlet]`: who the outlet credited the claim to.
    pub matrix: Vec<Vec<BTreeSet<Credit>>>,
    /// Every speaker of the matrix in order of first appearance: the
    /// colour of each credit is its position here.
    pub speakers: Vec<Option<String>>,
    pub entities: Vec<EntityRow<'a>>,
    pub drifts: Vec<DriftView>,
    pub dates: Option<(Date, Date)>,
    /// Articles by publication date: `(article, outlet index)`.
    pub sources: Vec<(usize, usize)>,
}

/// The registry's name for `@id` (or `id`), else the id as written.
pub fn entity_name(corpus: &Corpus, value: &str) -> String {
    let id = value.strip_prefix('@').unwrap_or(value);
    corpus
        .registry
        .entities
        .get(id)
        .map_or_else(|| id.to_string(), |e| e.display_name().to_string())
}

/// The outlet (or source id) and date of article `i`, like
/// [`quote_drift::provenance`] but in parts.
fn provenance(corpus: &Corpus, i: usize) -> (String, Option<Date>) {
    let s = &corpus.articles[i].summary;
    let outlet = crate::ide::outlet_of(corpus, i).unwrap_or_else(|| s.id.to_string());
    (outlet, s.published)
}

fn outlet_key(corpus: &Corpus, i: usize) -> (String, String) {
    let s = &corpus.articles[i].summary;
    match s.refs.iter().find(|r| r.role == RefRole::Outlet) {
        Some(r) => (r.id.to_string(), entity_name(corpus, &r.id)),
        None => (format!("source:{}", s.id), s.id.to_string()),
    }
}

/// Sort key: dated articles first, by date, then in file order.
fn by_date(date: Option<Date>, article: usize) -> (bool, Option<Date>, usize) {
    (date.is_none(), date, article)
}

impl<'a> Model<'a> {
    pub fn build(corpus: &'a Corpus) -> Model<'a> {
        let name = corpus
            .root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| corpus.root.display().to_string());

        // Outlets, earliest first.
        let mut outlet_of: Vec<usize> = Vec::with_capacity(corpus.articles.len());
        let mut outlets: Vec<Outlet> = Vec::new();
        let mut by_key: HashMap<String, usize> = HashMap::new();
        for (i, a) in corpus.articles.iter().enumerate() {
            let (key, oname) = outlet_key(corpus, i);
            let at = *by_key.entry(key.clone()).or_insert_with(|| {
                outlets.push(Outlet {
                    key,
                    name: oname,
                    first: None,
                    articles: 0,
                    order: by_date(a.summary.published, i),
                });
                outlets.len() - 1
            });
            let o = &mut outlets[at];
            o.articles += 1;
            o.order = o.order.min(by_date(a.summary.published, i));
            if let Some(d) = a.summary.published {
                o.first = Some(o.first.map_or(d, |f| f.min(d)));
            }
            outlet_of.push(at);
        }
        let mut order: Vec<usize> = (0..outlets.len()).collect();
        order.sort_by_key(|&o| outlets[o].order);
        let mut rank = vec![0; outlets.len()];
        for (new, &old) in order.iter().enumerate() {
            rank[old] = new;
        }
        let outlets: Vec<Outlet> = order.iter().map(|&o| outlets[o].clone()).collect();
        let outlet_of: Vec<usize> = outlet_of.iter().map(|&o| rank[o]).collect();

        // Claims: the registry's and every `claim=` on a statement.
        let mut appearances: BTreeMap<String, Vec<Appearance>> = corpus
            .registry
            .claims
            .keys()
            .map(|k| (k.clone(), Vec::new()))
            .collect();
        for (i, a) in corpus.articles.iter().enumerate() {
            for st in &a.summary.statements {
                let Some(claim) = &st.claim else { continue };
                appearances
                    .entry(claim.value.to_string())
                    .or_default()
                    .push(Appearance {
                        article: i,
                        date: a.summary.published,
                        outlet: outlet_of[i],
                        kind: st.kind.to_string(),
                        by: st.by.as_deref().map(|b| entity_name(corpus, b)),
                        via: st.via.as_deref().map(|v| entity_name(corpus, v)),
                        text: normalise(&st.text),
                        first: false,
                        same_day: false,
                    });
            }
        }
        let mut claims: Vec<ClaimRow<'a>> = appearances
            .into_iter()
            .map(|(name, mut apps)| {
                apps.sort_by_key(|a| by_date(a.date, a.article));
                if let Some(first) = apps.first_mut() {
                    first.first = true;
                }
                let first_date = apps.first().and_then(|a| a.date);
                for a in apps.iter_mut().skip(1) {
                    a.same_day = first_date.is_some() && a.date == first_date;
                }
                let def = corpus.registry.claims.get(&name);
                ClaimRow {
                    author: def
                        .and_then(|d| d.author.as_deref())
                        .map(|a| entity_name(corpus, a)),
                    name,
                    def,
                    appearances: apps,
                }
            })
            .collect();
        claims.sort_by(|a, b| {
            let key = |c: &ClaimRow| {
                let first = c.appearances.first();
                (
                    first.is_none(),
                    first.map(|f| by_date(f.date, f.article)),
                    c.name.clone(),
                )
            };
            key(a).cmp(&key(b))
        });

        let matrix = claims
            .iter()
            .map(|c| {
                let mut row = vec![BTreeSet::new(); outlets.len()];
                for a in &c.appearances {
                    row[a.outlet].insert((a.by.clone(), a.via.clone()));
                }
                row
            })
            .collect();
        let mut speakers: Vec<Option<String>> = Vec::new();
        for c in &claims {
            for a in &c.appearances {
                if !speakers.contains(&a.by) {
                    speakers.push(a.by.clone());
                }
            }
        }

        // Entities by mentions.
        let mut counts: HashMap<&str, (usize, usize, BTreeSet<usize>)> = HashMap::new();
        for (i, a) in corpus.articles.iter().enumerate() {
            for r in &a.summary.refs {
                let c = counts.entry(r.id.as_str()).or_default();
                match r.role {
                    RefRole::Mention => c.0 += 1,
                    RefRole::Speaker => c.1 += 1,
                    RefRole::Via | RefRole::Outlet => {}
                }
                c.2.insert(i);
            }
        }
        let mut entities: Vec<EntityRow<'a>> = corpus
            .registry
            .entities
            .values()
            .map(|e| {
                let (mentions, quoted, sources) = counts
                    .get(e.id.as_str())
                    .map(|(m, q, s)| (*m, *q, s.len()))
                    .unwrap_or_default();
                EntityRow {
                    entity: e,
                    mentions,
                    quoted,
                    sources,
                }
            })
            .collect();
        entities.sort_by(|a, b| {
            (b.mentions, b.quoted, b.sources)
                .cmp(&(a.mentions, a.quoted, a.sources))
                .then_with(|| a.entity.display_name().cmp(b.entity.display_name()))
                .then_with(|| a.entity.id.cmp(&b.entity.id))
        });

        let drifts = quote_drift::drifts(corpus)
            .into_iter()
            .map(|d| {
                let (first_words, other_words) = sides(&d.first.text, &d.other.text, &d.diff);
                DriftView {
                    first_from: provenance(corpus, d.first.article),
                    other_from: provenance(corpus, d.other.article),
                    first_words,
                    other_words,
                    drift: d,
                }
            })
            .collect();

        let published = corpus.articles.iter().filter_map(|a| a.summary.published);
        let dates = published.clone().min().zip(published.max());

        let mut sources: Vec<(usize, usize)> = (0..corpus.articles.len())
            .map(|i| (i, outlet_of[i]))
            .collect();
        sources.sort_by_key(|&(i, _)| by_date(corpus.articles[i].summary.published, i));

        Model {
            name,
            articles: corpus.articles.len(),
            outlets,
            claims,
            matrix,
            speakers,
            entities,
            drifts,
            dates,
            sources,
        }
    }
}

/// The two wordings of a drift word by word, each in its own spelling, from
/// the drift's word diff: the first wording is its `Same` and `Removed`
/// words, the later one its `Same` and `Added` words.
pub fn sides(first: &str, other: &str, diff: &[DiffPart]) -> (Words, Words) {
    let first = normalise(first);
    let other = normalise(other);
    let mut fw = first.split(' ').filter(|w| !w.is_empty());
    let mut ow = other.split(' ').filter(|w| !w.is_empty());
    let (mut left, mut right) = (Vec::new(), Vec::new());
    for part in diff {
        match part {
            DiffPart::Same(s) => {
                for word in s.split_whitespace() {
                    let a = fw.next().unwrap_or(word).to_string();
                    let b = ow.next().unwrap_or(word).to_string();
                    let mark = if a == b { Mark::Same } else { Mark::Respelled };
                    left.push((a, mark.clone()));
                    right.push((b, mark));
                }
            }
            DiffPart::Removed(s) => {
                for word in s.split_whitespace() {
                    left.push((fw.next().unwrap_or(word).to_string(), Mark::Removed));
                }
            }
            DiffPart::Added(s) => {
                for word in s.split_whitespace() {
                    right.push((ow.next().unwrap_or(word).to_string(), Mark::Added));
                }
            }
        }
    }
    (merge(left), merge(right))
}

/// Joins neighbouring words with the same mark into one run.
fn merge(words: Words) -> Words {
    let mut out: Words = Vec::new();
    for (w, m) in words {
        match out.last_mut() {
            Some((text, last)) if *last == m => {
                text.push(' ');
                text.push_str(&w);
            }
            _ => out.push((w, m)),
        }
    }
    out
}
