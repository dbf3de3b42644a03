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

use crate::corpus::places;
use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::{
    Diagnostic, FileRef, date_conflict, derived_mismatch, duplicate_id, number_conflict,
    quote_drift, speaker_mismatch, unknown_anchor, unknown_entity, unknown_source, unlinked_quote,
    unused_entity,
};
use crate::corpus::summary::Name;
use crate::corpus::{Corpus, Summary};

/// A group of cross-document findings.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Key {
    /// Uses of an entity id (`unknown-entity`) and its registry entry
    /// (`unused-entity`).
    Entity(Name),
    /// Declarations of a source id and references to it (`unknown-source`,
    /// `unknown-anchor`, `duplicate-id`, `derived-mismatch`).
    Source(Name),
    /// The articles that use one `claim=`: an index group only. Its
    /// findings are computed per article, as [`Key::Quoted`] groups.
    Claim(Name),
    /// The findings of one claim located in one article (`quote-drift`,
    /// `speaker-mismatch`): its statements of the claim compared with the
    /// claim's first appearance. A claim quoted by thousands of articles
    /// then costs an edit one article's comparisons, not thousands; an edit
    /// that moves the first appearance marks every article of the claim
    /// (see [`quoted_after_edit`]).
    Quoted(Name, usize),
    /// The dates of one event (`date-conflict`).
    Event(Name),
    /// The quantities of one `fact=` (`number-conflict`).
    Fact(Name),
    /// Findings located in one article that pair it with others
    /// (`unlinked-quote`) or with itself (duplicate anchors).
    Article(usize),
    /// The registry and config on their own.
    Registry,
}

impl Key {
    /// An order of keys that is cheap to sort by: by kind (in the order
    /// of the variants, which `refresh_step` relies on) and then by
    /// name's number, not its text. Names' numbers depend on which thread
    /// interned a name first, so this order is for grouping and
    /// de-duplicating within one process, never for what a user sees
    /// (findings are sorted on their own, see `checks::finish`). Sorting the
    /// groups of 100,000 articles by their names' text read every name's
    /// string: a third of a second.
    fn sort_key(&self) -> (u8, u32, usize) {
        match self {
            Key::Entity(n) => (0, n.number(), 0),
            Key::Source(n) => (1, n.number(), 0),
            Key::Claim(n) => (2, n.number(), 0),
            Key::Quoted(n, i) => (3, n.number(), *i),
            Key::Event(n) => (4, n.number(), 0),
            Key::Fact(n) => (5, n.number(), 0),
            Key::Article(i) => (6, 0, *i),
            Key::Registry => (7, 0, 0),
        }
    }
}

/// The groups an article's summary puts it in (besides its own
/// [`Key::Article`]).
pub fn keys(s: &Summary) -> Vec<Key> {
    let mut out = vec![Key::Source(s.id)];
    for r in s.sources.iter().chain(&s.derived_from) {
        if !r.source.value.is_empty() {
            out.push(Key::Source(r.source.value));
        }
    }
    out.extend(s.refs.iter().map(|r| Key::Entity(r.id)));
    out.extend(s.claim_refs.iter().map(|c| Key::Claim(c.value)));
    out.extend(s.dates.iter().filter_map(|d| d.event.map(Key::Event)));
    out.extend(
        s.quantities
            .iter()
            .filter_map(|q| q.fact.as_ref().map(|f| Key::Fact(f.value))),
    );
    out.sort_unstable_by_key(Key::sort_key);
    out.dedup();
    out
}

/// What every [`Key::Quoted`] group of a claim compares with: the claim's
/// first quote and first credited statement, found once per claim and
/// refresh.
struct Firsts {
    quote: Option<quote_drift::FirstQuote>,
    speaker: Option<speaker_mismatch::FirstSpeaker>,
}

impl Firsts {
    fn of(corpus: &Corpus, claim: &str) -> Firsts {
        Firsts {
            quote: quote_drift::FirstQuote::of(corpus, claim),
            speaker: speaker_mismatch::FirstSpeaker::of(corpus, claim),
        }
    }
}

/// The articles holding a claim's first quote and first credited
/// statement: what the findings of its other articles depend on.
fn anchors(corpus: &Corpus, claim: &str) -> [Option<usize>; 2] {
    [
        quote_drift::first_quote_article(corpus, claim),
        speaker_mismatch::first_article(corpus, claim),
    ]
}

/// The anchors of the claims an edit of article `i` can touch (those of its
/// summary before and after), taken before the edit.
pub fn claims_before_edit(
    corpus: &Corpus,
    old: &Summary,
    new: &Summary,
) -> Vec<(Name, [Option<usize>; 2])> {
    let mut claims: Vec<&Name> = old
        .claim_refs
        .iter()
        .chain(&new.claim_refs)
        .map(|c| &c.value)
        .collect();
    claims.sort_unstable();
    claims.dedup();
    claims
        .into_iter()
        .map(|c| (*c, anchors(corpus, c)))
        .collect()
}

/// The [`Key::Quoted`] groups to recompute after article `i` was edited,
/// given the anchors of its claims before the edit: its own, and every
/// article's of a claim whose first quote or first credited statement is
/// (or was) in article `i`. Another article's findings compare its
/// statements with those firsts only, and when neither is in `i` before or
/// after the edit, they are the same statements as before.
pub fn quoted_after_edit(
    corpus: &Corpus,
    i: usize,
    before: Vec<(Name, [Option<usize>; 2])>,
) -> Vec<Key> {
    let mut out = Vec::new();
    for (claim, was) in before {
        let now = anchors(corpus, &claim);
        if was.contains(&Some(i)) || now.contains(&Some(i)) || was != now {
            out.extend(
                places(corpus.index.claim_uses(&claim))
                    .filter(|&j| j != i)
                    .map(|j| Key::Quoted(claim, j)),
            );
        }
        out.push(Key::Quoted(claim, i));
    }
    out
}

/// The findings of one group.
fn compute(
    corpus: &Corpus,
    key: &Key,
    firsts: &HashMap<Name, Firsts>,
    pairs: Option<&unlinked_quote::Pairs>,
) -> Vec<Diagnostic> {
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
        Key::Claim(_) => {}
        Key::Quoted(claim, j) => {
            if let Some(f) = firsts.get(claim) {
                if let Some(q) = &f.quote {
                    out.extend(quote_drift::check_in(corpus, claim, q, *j));
                }
                if let Some(s) = &f.speaker {
                    out.extend(speaker_mismatch::check_in(corpus, claim, s, *j));
                }
            }
        }
        Key::Event(event) => out.extend(date_conflict::check_event(corpus, event)),
        Key::Fact(fact) => out.extend(number_conflict::check_fact(corpus, fact)),
        Key::Article(i) => {
            if let Some(a) = corpus.articles.get(*i) {
                out.extend(duplicate_id::check_anchors(*i, a));
                out.extend(unlinked_quote::check_article(corpus, *i, pairs));
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

/// The cross-document findings located in article `i`, computed from the
/// groups it is in, without the kept findings of any other group: what the
/// language server publishes for an open file before the first refresh of
/// a large corpus (seconds at 100,000 articles) has computed every group.
/// The same as [`Cross::findings`] after a refresh (`tests/properties.rs`
/// holds this).
pub fn findings_in_article(corpus: &Corpus, i: usize) -> Vec<Diagnostic> {
    let Some(a) = corpus.articles.get(i) else {
        return Vec::new();
    };
    let mut keys: Vec<Key> = keys(&a.summary)
        .into_iter()
        .filter(|k| !matches!(k, Key::Claim(_)))
        .collect();
    keys.extend(a.summary.claim_refs.iter().map(|c| Key::Quoted(c.value, i)));
    keys.push(Key::Article(i));
    keys.sort_unstable_by_key(Key::sort_key);
    keys.dedup();
    let firsts: HashMap<Name, Firsts> = a
        .summary
        .claim_refs
        .iter()
        .map(|c| (c.value, Firsts::of(corpus, &c.value)))
        .collect();
    let file = FileRef::Article(i);
    keys.iter()
        .flat_map(|k| compute(corpus, k, &firsts, None))
        .filter(|d| d.file == file)
        .collect()
}

/// How many groups a step of [`Cross::refresh_step`] computes before it
/// looks at the time (at 100,000 articles a group takes about 8 µs of
/// work on average, so a batch is about 30 ms on two cores).
pub const STEP_KEYS: usize = 8192;

/// Every group of the corpus.
fn all_keys(corpus: &Corpus) -> Vec<Key> {
    // Gathered with repeats (an entity that is used and registered comes
    // from its group and from the registry), then sorted and
    // deduplicated: `sort_key` tells keys apart, so this is the set in
    // that order, without hashing each key (half a million at 100,000
    // articles).
    let mut keys: Vec<Key> = Vec::new();
    for (k, members) in &corpus.index.groups {
        match k {
            Key::Claim(c) => keys.extend(places(members).map(|j| Key::Quoted(*c, j))),
            _ => keys.push(k.clone()),
        }
    }
    keys.extend(
        corpus
            .registry
            .entities
            .keys()
            .map(|id| Key::Entity(id.into())),
    );
    keys.extend((0..corpus.articles.len()).map(Key::Article));
    keys.push(Key::Registry);
    keys.par_sort_unstable_by_key(Key::sort_key);
    keys.dedup_by_key(|k| k.sort_key());
    keys
}

/// The files whose findings differ between a group's `old` and `new`
/// findings. A group recomputed after an edit (the quotes of a claim, the
/// quantities of a fact) can have findings in thousands of files while the
/// edit changed one or two of them; reporting only those keeps the work of
/// publishing proportional to what changed.
fn changed_files(old: &[Diagnostic], new: &[Diagnostic]) -> HashSet<FileRef> {
    let mut by_file: HashMap<FileRef, (Vec<&Diagnostic>, Vec<&Diagnostic>)> = HashMap::new();
    for d in old {
        by_file.entry(d.file).or_default().0.push(d);
    }
    for d in new {
        by_file.entry(d.file).or_default().1.push(d);
    }
    by_file
        .into_iter()
        .filter(|(_, (o, n))| o != n)
        .map(|(f, _)| f)
        .collect()
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
    /// The groups a first refresh done in steps ([`Cross::refresh_step`])
    /// has still to compute.
    pending: Option<Vec<Key>>,
    /// Files edited since the last refresh (their per-article findings
    /// changed even when no group did).
    touched: HashSet<FileRef>,
    /// How many groups have been computed (for benchmarks: an edit should
    /// recompute a handful, not the corpus).
    pub computed: u64,
    /// How many findings those groups produced: a group is only as cheap
    /// as what it finds, and an edit should re-find a handful.
    pub found: u64,
    /// How many files incremental refreshes reported as changed (whose
    /// findings the server reads again and compares with what it sent).
    pub reported: u64,
}

impl Cross {
    /// Whether every group is computed for the corpus as it is (else the
    /// next refresh computes them all).
    pub fn is_fresh(&self) -> bool {
        self.fresh
    }

    /// Forgets everything: the next refresh recomputes every group.
    pub fn invalidate(&mut self) {
        self.fresh = false;
        self.pending = None;
    }

    /// Marks groups to recompute and a file whose own findings changed.
    pub fn mark(&mut self, keys: impl IntoIterator<Item = Key>, file: FileRef) {
        self.dirty.extend(keys);
        self.touched.insert(file);
    }

    /// Brings the findings up to date with `corpus`.
    pub fn refresh(&mut self, corpus: &Corpus) -> Changed {
        if !self.fresh {
            // Every group, from the start, in one step.
            self.pending = None;
            return self
                .refresh_step(corpus, std::time::Duration::MAX, usize::MAX)
                .unwrap_or(Changed::All);
        }
        let mut files: HashSet<FileRef> = std::mem::take(&mut self.touched);
        let dirty: Vec<Key> = self.dirty.drain().collect();
        test_panic_once();
        for (k, found) in self.compute_all(corpus, dirty) {
            let old = self.forget(&k);
            files.extend(changed_files(&old, &found));
            self.insert(k, found);
        }
        let mut files: Vec<FileRef> = files.into_iter().collect();
        files.sort_unstable();
        self.reported += files.len() as u64;
        Changed::Files(files)
    }

    /// [`Cross::refresh`], except that a refresh of every group stops after
    /// about `budget` and returns `None`; the next call goes on from there.
    /// Groups are computed `batch` at a time (the server: [`STEP_KEYS`]),
    /// the time looked at after each batch.
    /// Edits between the steps are marked as usual, and the groups they
    /// touch are computed again when the last step is done, so the result is
    /// what one whole refresh of the corpus as it is then gives. The
    /// language server refreshes a large corpus this way: one refresh of
    /// every group takes seconds at 100,000 articles, and requests wait for
    /// a step, not for all of it.
    pub fn refresh_step(
        &mut self,
        corpus: &Corpus,
        budget: std::time::Duration,
        batch: usize,
    ) -> Option<Changed> {
        if self.fresh {
            return Some(self.refresh(corpus));
        }
        if self.pending.is_none() {
            self.by_key.clear();
            self.by_file.clear();
            self.dirty.clear();
            self.touched.clear();
            // Computed from the end: the articles' own groups first.
            self.pending = Some(all_keys(corpus));
        }
        let started = std::time::Instant::now();
        loop {
            let batch = match &mut self.pending {
                Some(pending) if !pending.is_empty() => {
                    pending.split_off(pending.len().saturating_sub(batch.max(1)))
                }
                _ => break,
            };
            for (k, found) in self.compute_all(corpus, batch) {
                self.insert(k, found);
            }
            if started.elapsed() >= budget {
                return None;
            }
        }
        self.pending = None;
        // Groups an edit touched between the steps may have been computed
        // before it: compute them again, as an incremental refresh would.
        let dirty: Vec<Key> = self.dirty.drain().collect();
        for (k, found) in self.compute_all(corpus, dirty) {
            self.forget(&k);
            self.insert(k, found);
        }
        self.touched.clear();
        self.fresh = true;
        Some(Changed::All)
    }

    /// Drops the kept findings of group `k`, returning them.
    fn forget(&mut self, k: &Key) -> Vec<Diagnostic> {
        let old = self.by_key.remove(k).unwrap_or_default();
        for d in &old {
            if let Some(keys) = self.by_file.get_mut(&d.file) {
                keys.remove(k);
            }
        }
        old
    }

    /// Computes `keys` in parallel, counting them.
    fn compute_all(&mut self, corpus: &Corpus, keys: Vec<Key>) -> Vec<(Key, Vec<Diagnostic>)> {
        self.computed += keys.len() as u64;
        let mut claims: Vec<&Name> = keys
            .iter()
            .filter_map(|k| match k {
                Key::Quoted(c, _) => Some(c),
                _ => None,
            })
            .collect();
        claims.sort_unstable();
        claims.dedup();
        let firsts: HashMap<Name, Firsts> = claims
            .into_par_iter()
            .map(|c| (*c, Firsts::of(corpus, c)))
            .collect();
        // Most articles' own groups at once (a refresh of every group, or
        // its first step): every quote's `unlinked-quote` candidates in
        // one pass, instead of a look-up per quote.
        let articles = keys.iter().filter(|k| matches!(k, Key::Article(_))).count();
        let pairs = (articles > 0 && articles >= corpus.articles.len() / 4)
            .then(|| unlinked_quote::Pairs::of(corpus))
            .flatten();
        let results: Vec<(Key, Vec<Diagnostic>)> = keys
            .into_par_iter()
            .map(|k| {
                let found = compute(corpus, &k, &firsts, pairs.as_ref());
                (k, found)
            })
            .collect();
        self.found += results.iter().map(|(_, f)| f.len() as u64).sum::<u64>();
        results
    }

    fn insert(&mut self, k: Key, mut found: Vec<Diagnostic>) {
        if found.is_empty() {
            return;
        }
        // Most groups hold a finding or two, in a list grown to four.
        found.shrink_to_fit();
        for d in &mut found {
            d.message.shrink_to_fit();
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

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::Changed;
    use crate::checks::check_corpus;
    use crate::corpus::Corpus;

    fn article(day: u32, words: &str) -> String {
        format!(
            "+++\npublished = 2022-09-{day:02}\n+++\n[“{words}”]{{.quote by=@kim claim=denial}}\n"
        )
    }

    fn edit(corpus: &mut Corpus, path: &Path, text: String) -> (Changed, u64, u64) {
        let before = corpus.cross().found;
        corpus.set_text(path, text, &[]);
        let mut cross = corpus.cross();
        let changed = cross.refresh(corpus);
        let found = cross.found - before;
        let reported = match &changed {
            Changed::All => u64::MAX,
            Changed::Files(f) => f.len() as u64,
        };
        (changed, found, reported)
    }

    /// Every group once, in order: an entity is a group for its uses and
    /// for its registry entry, and an article quoting a claim twice has
    /// one group of that claim.
    #[test]
    fn a_whole_refresh_computes_each_group_once() {
        let root = PathBuf::from("/corpus");
        let twice = format!("{}{}", article(1, "we will not"), article(1, "we will not"));
        let corpus = Corpus::from_files(
            &root,
            vec![
                (root.join("a.news"), twice),
                (root.join("b.news"), article(2, "we will")),
                (
                    root.join("entities.toml"),
                    "[kim]\nname = \"Kim\"\n".to_string(),
                ),
            ],
        );
        let keys = super::all_keys(&corpus);
        let claim = crate::corpus::summary::Name::new("denial");
        let quoted: Vec<&super::Key> = keys
            .iter()
            .filter(|k| matches!(k, super::Key::Quoted(c, _) if *c == claim))
            .collect();
        assert_eq!(
            quoted,
            [&super::Key::Quoted(claim, 0), &super::Key::Quoted(claim, 1)]
        );
        let kim = super::Key::Entity(crate::corpus::summary::Name::new("kim"));
        assert_eq!(keys.iter().filter(|k| **k == kim).count(), 1, "{keys:?}");
        assert!(
            keys.windows(2).all(|w| w[0].sort_key() < w[1].sort_key()),
            "{keys:?}"
        );
    }

    /// A claim quoted by 30 articles: editing one later quote finds that
    /// article's drift again and reports that file alone; editing the first
    /// quote, which every other is compared with, re-finds all of them.
    #[test]
    fn an_edit_refinds_only_the_claim_findings_it_touches() {
        let root = PathBuf::from("/corpus");
        let mut files = vec![
            (
                root.join("first.news"),
                article(1, "we will not export them"),
            ),
            (
                root.join("entities.toml"),
                "[kim]\nname = \"Kim\"\n".to_string(),
            ),
        ];
        for k in 0..30 {
            files.push((
                root.join(format!("later{k:02}.news")),
                article(2 + k % 20, &format!("we will not export them {k}")),
            ));
        }
        let mut corpus = Corpus::from_files(&root, files);
        let all = check_corpus(&corpus);
        assert_eq!(
            all.iter().filter(|d| d.code == "quote-drift").count(),
            30,
            "{all:#?}"
        );

        let later = root.join("later07.news");
        let (changed, found, _) = edit(&mut corpus, &later, article(9, "we shall not export them"));
        let file = corpus.file_ref(&later).expect("in the corpus");
        assert_eq!(changed, Changed::Files(vec![file]));
        assert_eq!(found, 1, "only later07's drift is found again");

        let (_, found, reported) = edit(
            &mut corpus,
            &root.join("first.news"),
            article(1, "we will never export them"),
        );
        assert_eq!(
            found, 30,
            "every later quote is compared with the new first"
        );
        assert_eq!(reported, 31);
    }
}
