//! The cross-document findings, kept up to date incrementally.
//!
//! Every cross-document finding belongs to one **group**, named by a [`Key`]:
//! the articles that use one claim, one event, one fact, one source id or
//! one entity id, the unlinked-quote pairs located in one article, or the
//! registry. A group's findings are computed from the summaries of the
//! articles in that group only, so when an article changes, only the groups
//! its old and new summaries belong to are computed again
//! ([`Cross::dirty`]), and only the files those findings are in are
//! reported as changed. A change that can move findings anywhere (an
//! article added, removed or renamed, the registry or config edited)
//! recomputes every group.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::{
    Diagnostic, FileRef, date_conflict, derived_mismatch, duplicate_id, number_conflict,
    quote_drift, speaker_mismatch, unknown_anchor, unknown_entity, unknown_source, unlinked_quote,
    unused_entity,
};
use crate::corpus::{Corpus, Summary};

/// A group of cross-document findings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// Uses of an entity id (`unknown-entity`) and its registry entry
    /// (`unused-entity`).
    Entity(String),
    /// Declarations of a source id and references to it (`unknown-source`,
    /// `unknown-anchor`, `duplicate-id`, `derived-mismatch`).
    Source(String),
    /// The statements of one `claim=` (`quote-drift`, `speaker-mismatch`).
    Claim(String),
    /// The dates of one event (`date-conflict`).
    Event(String),
    /// The quantities of one `fact=` (`number-conflict`).
    Fact(String),
    /// Findings located in one article that pair it with others
    /// (`unlinked-quote`) or with itself (duplicate anchors).
    Article(usize),
    /// The registry and config on their own.
    Registry,
}

/// The groups an article's summary puts it in (besides its own
/// [`Key::Article`]).
pub fn keys(s: &Summary) -> Vec<Key> {
    let mut out = vec![Key::Source(s.id.clone())];
    for r in s.sources.iter().chain(&s.derived_from) {
        if !r.source.value.is_empty() {
            out.push(Key::Source(r.source.value.clone()));
        }
    }
    out.extend(s.refs.iter().map(|r| Key::Entity(r.id.clone())));
    out.extend(s.claim_refs.iter().map(|c| Key::Claim(c.value.clone())));
    out.extend(
        s.dates
            .iter()
            .filter_map(|d| d.event.clone().map(Key::Event)),
    );
    out.extend(
        s.quantities
            .iter()
            .filter_map(|q| q.fact.as_ref().map(|f| Key::Fact(f.value.clone()))),
    );
    out.sort_unstable();
    out.dedup();
    out
}

/// The findings of one group.
fn compute(corpus: &Corpus, key: &Key) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    match key {
        Key::Entity(id) => {
            out.extend(unknown_entity::check_id(corpus, id));
            out.extend(unused_entity::check_id(corpus, id));
        }
        Key::Source(id) => {
            out.extend(unknown_source::check_source(corpus, id));
            out.extend(unknown_anchor::check_source(corpus, id));
            out.extend(duplicate_id::check_source(corpus, id));
            out.extend(derived_mismatch::check_source(corpus, id));
        }
        Key::Claim(claim) => {
            out.extend(quote_drift::check_claim(corpus, claim));
            out.extend(speaker_mismatch::check_claim(corpus, claim));
        }
        Key::Event(event) => out.extend(date_conflict::check_event(corpus, event)),
        Key::Fact(fact) => out.extend(number_conflict::check_fact(corpus, fact)),
        Key::Article(i) => {
            if let Some(a) = corpus.articles.get(*i) {
                out.extend(duplicate_id::check_anchors(*i, a));
                out.extend(unlinked_quote::check_article(corpus, *i));
            }
        }
        Key::Registry => {
            out.extend(unknown_entity::check_registry(corpus));
            out.extend(duplicate_id::check_registry(corpus));
            out.extend(super::config_problems(corpus));
        }
    }
    out
}

/// Every group of the corpus.
fn all_keys(corpus: &Corpus) -> Vec<Key> {
    let mut keys: HashSet<Key> = corpus.index.groups.keys().cloned().collect();
    keys.extend(
        corpus
            .registry
            .entities
            .keys()
            .map(|id| Key::Entity(id.clone())),
    );
    keys.extend((0..corpus.articles.len()).map(Key::Article));
    keys.insert(Key::Registry);
    let mut keys: Vec<Key> = keys.into_iter().collect();
    keys.sort_unstable();
    keys
}

/// Test seam for `tests/adversarial.rs`: with `NEWSMARK_TEST_PANIC_IN=refresh`
/// the first incremental refresh panics after taking its work, as a bug in a
/// rule would, to show that the server recovers from it.
fn test_panic_once() {
    static DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if std::env::var_os("NEWSMARK_TEST_PANIC_IN").is_some_and(|v| v == "refresh")
        && !DONE.swap(true, std::sync::atomic::Ordering::SeqCst)
    {
        panic!("test panic in refresh");
    }
}

/// Which files' findings a refresh may have changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// Any file's (everything was recomputed).
    All,
    /// Only these files'.
    Files(Vec<FileRef>),
}

/// The cached cross-document findings of a corpus.
#[derive(Debug, Default)]
pub struct Cross {
    /// Set once every group has been computed for the corpus as it is.
    fresh: bool,
    by_key: HashMap<Key, Vec<Diagnostic>>,
    /// The groups that have findings in each file.
    by_file: HashMap<FileRef, HashSet<Key>>,
    /// Groups to compute again at the next refresh.
    dirty: HashSet<Key>,
    /// Files edited since the last refresh (their per-article findings
    /// changed even when no group did).
    touched: HashSet<FileRef>,
    /// How many groups have been computed (for benchmarks: an edit should
    /// recompute a handful, not the corpus).
    pub computed: u64,
}

impl Cross {
    /// Forgets everything: the next refresh recomputes every group.
    pub fn invalidate(&mut self) {
        self.fresh = false;
    }

    /// Marks groups to recompute and a file whose own findings changed.
    pub fn mark(&mut self, keys: impl IntoIterator<Item = Key>, file: FileRef) {
        self.dirty.extend(keys);
        self.touched.insert(file);
    }

    /// Brings the findings up to date with `corpus`.
    pub fn refresh(&mut self, corpus: &Corpus) -> Changed {
        if !self.fresh {
            let results = self.compute_all(corpus, all_keys(corpus));
            self.by_key.clear();
            self.by_file.clear();
            for (k, found) in results {
                self.insert(k, found);
            }
            self.dirty.clear();
            self.touched.clear();
            self.fresh = true;
            return Changed::All;
        }
        let mut files: HashSet<FileRef> = std::mem::take(&mut self.touched);
        let dirty: Vec<Key> = self.dirty.drain().collect();
        test_panic_once();
        for (k, found) in self.compute_all(corpus, dirty) {
            if let Some(old) = self.by_key.remove(&k) {
                for d in &old {
                    files.insert(d.file);
                    if let Some(keys) = self.by_file.get_mut(&d.file) {
                        keys.remove(&k);
                    }
                }
            }
            files.extend(found.iter().map(|d| d.file));
            self.insert(k, found);
        }
        let mut files: Vec<FileRef> = files.into_iter().collect();
        files.sort_unstable();
        Changed::Files(files)
    }

    /// Computes `keys` in parallel, counting them.
    fn compute_all(&mut self, corpus: &Corpus, keys: Vec<Key>) -> Vec<(Key, Vec<Diagnostic>)> {
        self.computed += keys.len() as u64;
        keys.into_par_iter()
            .map(|k| {
                let found = compute(corpus, &k);
                (k, found)
            })
            .collect()
    }

    fn insert(&mut self, k: Key, found: Vec<Diagnostic>) {
        if found.is_empty() {
            return;
        }
        for d in &found {
            self.by_file.entry(d.file).or_default().insert(k.clone());
        }
        self.by_key.insert(k, found);
    }

    /// The cross-document findings in `file` (as computed at the last
    /// refresh).
    pub fn findings(&self, file: FileRef) -> impl Iterator<Item = &Diagnostic> {
        self.by_file
            .get(&file)
            .into_iter()
            .flatten()
            .filter_map(|k| self.by_key.get(k))
            .flatten()
            .filter(move |d| d.file == file)
    }
}
