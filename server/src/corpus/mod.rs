//! The corpus: a root folder (marked by `newsmark.toml`, optional), its
//! articles, its registry and config, and the cross-document index that
//! resolves ids across articles.

pub mod cache;
pub mod config;
pub mod lines;
pub mod name;
pub mod registry;
pub mod summary;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
// The index is hashed millions of times while a large corpus loads, so it
// uses rustc's fast hash rather than SipHash. It does not resist crafted
// collisions: a corpus written to collide could slow indexing down, nothing
// worse (no input reaches memory unsafety or code through it).
use rustc_hash::FxHashMap;

pub use config::{CONFIG_FILE, Config, ConfigProblem};
pub use registry::{ClaimDef, Entity, Registry};
pub use summary::{EntityRef, RefRole, SourceRef, Summary};

use crate::syntax::{self, Document};

/// A text file that is part of the corpus but not an article.
#[derive(Debug, Clone)]
pub struct TextFile {
    pub path: PathBuf,
    pub text: String,
}

/// One article: its text, summary, findings and, while it is worked on, its
/// parsed document.
#[derive(Debug, Clone)]
pub struct Article {
    pub path: PathBuf,
    /// The text, while it is held (see [`Article::text`]): the language
    /// server lets go of it for files that are not open, as it does of the
    /// parsed document.
    text: Option<String>,
    /// Once the text is let go of: where its lines start and its non-ASCII
    /// characters are, to place positions without reading the file.
    lines: Option<lines::LineIndex>,
    /// The parsed document; `None` once [`Article::compact`] dropped it
    /// (the language server keeps documents for open files only: they are
    /// half of a corpus's memory).
    doc: Option<Box<Document>>,
    pub summary: Summary,
    /// Read as plain scraped text (no markup), e.g. a `.txt` named on the
    /// command line.
    pub plain: bool,
    /// The per-article findings, computed once (they depend on this file
    /// alone), so an edit elsewhere re-checks only the edited article.
    pub local: std::sync::OnceLock<Vec<crate::checks::Diagnostic>>,
}

/// A file that could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub path: PathBuf,
    pub message: String,
    /// Byte offset of the problem, for bad encodings.
    pub offset: Option<usize>,
    /// Its 1-based line and column (see [`line_col_in_bytes`]), worked out
    /// while the bytes are at hand.
    pub position: Option<(usize, usize)>,
    /// An I/O failure (missing, unreadable) rather than bad content.
    pub io: bool,
}

#[derive(Debug, Default)]
pub struct Corpus {
    pub root: PathBuf,
    pub config: Config,
    pub config_file: Option<TextFile>,
    pub registry_files: Vec<TextFile>,
    pub registry: Registry,
    pub articles: Vec<Article>,
    pub load_errors: Vec<LoadError>,
    pub index: Index,
    /// The cross-document findings, updated group by group as articles
    /// change (see `checks::cross`).
    pub cross: std::sync::Mutex<crate::checks::cross::Cross>,
    /// What the articles keep in memory (reloads keep to it).
    pub keep: Keep,
    /// How many articles came from the on-disk cache when loaded (see
    /// [`cache`]).
    pub cache_hits: usize,
    /// Why the cache file was not used, if it was ignored.
    pub cache_ignored: Option<String>,
    /// How many entries the cache file held (a file since deleted leaves
    /// one behind: `check` then writes the cache again).
    pub cache_entries: usize,
    /// Whether the index was read from the cache rather than built (every
    /// article came from it: see [`cache::Cache::index`]).
    pub index_cached: bool,
    /// Of [`Corpus::cache_hits`], how many were taken by their file's
    /// stamp, without reading the file (see [`cache::Stamp`]).
    pub cache_unread: usize,
    /// When loading from disk started: what the cache's stamps are
    /// measured against.
    pub loaded_at: Option<std::time::SystemTime>,
}

/// What a loaded corpus keeps of each article besides its summary and
/// findings.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// The text and the parsed document (`report`, `export`, tests).
    #[default]
    Documents,
    /// The text (`check`: its output quotes the lines, `--fix` edits them).
    Texts,
    /// Neither (the language server: a closed file's text is read again
    /// from disk when a feature needs it; open files hold theirs).
    Summaries,
}

/// Which articles define or use each id.
#[derive(Debug, Default, PartialEq)]
pub struct Index {
    /// Source id to the articles that declare it.
    pub sources: FxHashMap<summary::Name, Vec<u32>>,
    /// Entity id to its uses `(article, position in summary.refs)`.
    pub entity_uses: FxHashMap<summary::Name, Vec<(u32, u32)>>,
    /// Article path to its position (file lookups are per request and per
    /// published file, so they must not scan the corpus).
    pub by_path: PathIndex,
    /// How many articles each outlet has ([`Summary::outlet_id`]): the
    /// corpus's outlets without a pass over every article.
    pub outlets: FxHashMap<summary::Name, usize>,
    /// The articles in each cross-document group (a claim, an event, a fact,
    /// a source id, an entity id), ascending: what a group's findings are
    /// computed from (see `checks::cross`).
    pub groups: FxHashMap<crate::checks::cross::Key, Vec<u32>>,
    /// Word 3-gram (hashed) of every quote long enough for `unlinked-quote`
    /// to the quotes holding it (see [`Shingles`]).
    pub shingles: Shingles,
}

/// Article paths to their places in the corpus: for each article, its
/// path's hash and its place, 16 bytes, checked against the article's own
/// path at each look-up. A map from `PathBuf` held a second copy of every
/// path (some 80 bytes per article with the map's entry; 8 MB at 100,000
/// articles) only to compare it with the article's.
#[derive(Debug, Default, Clone)]
pub struct PathIndex {
    table: hashbrown::HashTable<(u64, u32)>,
}

fn path_hash(path: &Path) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(path)
}

impl PathIndex {
    /// The index of `articles`' paths.
    pub fn of(articles: &[Article]) -> PathIndex {
        let mut index = PathIndex::default();
        index.table.reserve(articles.len(), |&(h, _)| h);
        for (i, a) in articles.iter().enumerate() {
            index.insert(&a.path, i);
        }
        index
    }

    /// Records that article `i` has `path` (once: recorded again, it is
    /// kept once).
    pub fn insert(&mut self, path: &Path, i: usize) {
        let (h, i) = (path_hash(path), at(i));
        if self.table.find(h, |&e| e == (h, i)).is_none() {
            self.table.insert_unique(h, (h, i), |&(h, _)| h);
        }
    }

    /// Forgets that article `i` has `path`.
    pub fn remove(&mut self, path: &Path, i: usize) {
        let (h, i) = (path_hash(path), at(i));
        if let Ok(e) = self.table.find_entry(h, |&e| e == (h, i)) {
            e.remove();
        }
    }

    /// The place of the article of `articles` with `path`.
    pub fn get(&self, path: &Path, articles: &[Article]) -> Option<usize> {
        let h = path_hash(path);
        self.table
            .iter_hash(h)
            .map(|&(_, i)| i as usize)
            .find(|&i| articles.get(i).is_some_and(|a| a.path == path))
    }

    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }
}

/// The same entries, in any order.
impl PartialEq for PathIndex {
    fn eq(&self, other: &PathIndex) -> bool {
        let sorted = |t: &hashbrown::HashTable<(u64, u32)>| {
            let mut v: Vec<(u64, u32)> = t.iter().copied().collect();
            v.sort_unstable();
            v
        };
        self.len() == other.len() && sorted(&self.table) == sorted(&other.table)
    }
}

/// One quote's word 3-gram in the [`Shingles`] index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Shingle {
    hash: u32,
    /// The quote's `claim=` as a number ([`Shingles::claim_tag`]). Sorted
    /// before the article, so that the quotes of one claim holding a 3-gram
    /// are side by side and a lookup for a quote of that claim skips them
    /// in one step: quotes of one claim share most of their 3-grams, and
    /// scanning them was quadratic in how often a claim is quoted (a fifth
    /// of a cold `check` at 100,000 articles).
    tag: u32,
    article: u32,
    statement: u32,
}

/// The shingle index of `unlinked-quote`: word 3-gram (hashed) to the
/// quotes holding it, `(article, statement, claim tag)`.
///
/// It is the largest part of the index (one entry per distinct 3-gram of
/// every long quote), so it is kept as one sorted array, built by a
/// parallel sort, rather than as a hash map of lists (a map entry and a heap
/// list per 3-gram: three times the memory, and filled by one thread). An
/// edit cannot cheaply insert into a sorted array, so articles changed since
/// the build are marked stale there and their entries live in a small map
/// beside it, as an LSM tree keeps recent writes apart from its sorted runs.
///
/// An entry is 16 bytes: the 3-gram's hash in 32 bits (see
/// `unlinked_quote::shingles`) and the quote's claim as its number in
/// `claims` rather than a hash of its name (a 32-bit hash of two claims
/// could collide and hide a finding).
#[derive(Debug, Default, PartialEq)]
pub struct Shingles {
    base: Vec<Shingle>,
    /// Articles whose `base` entries no longer hold (removed or re-added).
    stale: Vec<bool>,
    added: FxHashMap<u32, Vec<(usize, usize, u32)>>,
    /// Every quote claim name seen, numbered from 1. Numbers are never
    /// reused: a claim that leaves the corpus keeps its number.
    claims: FxHashMap<summary::Name, u32>,
    /// Where in `base` each run of hashes sharing their top bits starts,
    /// and one past the end: a lookup searches one such run (a few
    /// entries) rather than the whole array, whose binary search missed
    /// the cache at every step (a sixth of the cross-document phase).
    starts: Vec<u32>,
    /// `hash >> shift` is the run a hash is in.
    shift: u32,
}

impl Shingles {
    /// The index over `base` (sorted, without duplicates) and `claims`.
    fn of(base: Vec<Shingle>, claims: FxHashMap<summary::Name, u32>) -> Shingles {
        // About eight entries (two cache lines) per run: 2^bits runs for
        // len/8 entries, 4 bytes each (2 MB at 100,000 articles).
        let runs = (base.len() / 8).max(1).next_power_of_two();
        let bits = runs.trailing_zeros().min(20);
        let shift = 32 - bits;
        let mut starts = Vec::with_capacity((1 << bits) + 1);
        let mut at = 0;
        for run in 0..=(1u64 << bits) {
            while base
                .get(at)
                .is_some_and(|e| u64::from(e.hash) >> shift < run)
            {
                at += 1;
            }
            starts.push(u32::try_from(at).unwrap_or(u32::MAX));
        }
        Shingles {
            base,
            stale: Vec::new(),
            added: FxHashMap::default(),
            claims,
            starts,
            shift,
        }
    }

    fn build(articles: &[Article]) -> Shingles {
        let mut claims = FxHashMap::default();
        for a in articles {
            for st in &a.summary.statements {
                number_claim(&mut claims, st);
            }
        }
        let claims_ref = &claims;
        let mut base: Vec<Shingle> = articles
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, a)| {
                let list = crate::checks::unlinked_quote::quote_shingles(&a.summary);
                list.into_iter().map(move |(hash, s)| Shingle {
                    hash,
                    // Article and statement numbers beyond u32 would need a
                    // corpus of four billion articles; saturate rather than wrap.
                    article: u32::try_from(i).unwrap_or(u32::MAX),
                    statement: u32::try_from(s).unwrap_or(u32::MAX),
                    tag: a
                        .summary
                        .statements
                        .get(s)
                        .and_then(|st| st.claim.as_ref())
                        .and_then(|c| claims_ref.get(&c.value))
                        .copied()
                        .unwrap_or(0),
                })
            })
            .collect();
        base.par_sort_unstable();
        base.dedup();
        base.shrink_to_fit();
        Shingles::of(base, claims)
    }

    /// The number of a quote's `claim=` in this index: 0 for none, or for a
    /// claim no indexed quote has (then no entry has its number either).
    pub fn claim_tag(&self, st: &summary::Statement) -> u32 {
        st.claim
            .as_ref()
            .and_then(|c| self.claims.get(&c.value))
            .copied()
            .unwrap_or(0)
    }

    /// The quotes of articles before `upto` holding 3-gram `hash`, but for
    /// those of the claim numbered `skip` (0: none skipped),
    /// `(article, statement, claim tag)`, in no particular order.
    pub fn lookup(
        &self,
        hash: u32,
        upto: usize,
        skip: u32,
    ) -> impl Iterator<Item = (usize, usize, u32)> + '_ {
        let run = (u64::from(hash) >> self.shift) as usize;
        let run = match (self.starts.get(run), self.starts.get(run + 1)) {
            (Some(&lo), Some(&hi)) => self.base.get(lo as usize..hi as usize),
            // The default (empty) index has no runs.
            _ => None,
        }
        .unwrap_or_default();
        // Every entry of a hash is in its run, sorted by claim tag.
        let run = &run[run.partition_point(|e| e.hash < hash)..];
        let entries = &run[..run.partition_point(|e| e.hash == hash)];
        let (before, after) = if skip == 0 {
            (entries, &[][..])
        } else {
            (
                &entries[..entries.partition_point(|e| e.tag < skip)],
                &entries[entries.partition_point(|e| e.tag <= skip)..],
            )
        };
        let base = before
            .iter()
            .chain(after)
            .filter(move |e| {
                (e.article as usize) < upto
                    && !self.stale.get(e.article as usize).copied().unwrap_or(false)
            })
            .map(|e| (e.article as usize, e.statement as usize, e.tag));
        let added = self
            .added
            .get(&hash)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .copied()
            .take_while(move |e| e.0 < upto)
            .filter(move |e| skip == 0 || e.2 != skip);
        base.chain(added)
    }

    /// Every pair of long quotes in different articles, not of one claim,
    /// that share two 3-grams or more, as `[later article, its statement,
    /// earlier article, its statement]`, sorted: what `unlinked-quote` asks
    /// [`Shingles::lookup`] quote by quote, found for the whole corpus in
    /// one pass over the index in order (the look-ups jump about it, a
    /// cache miss each: 4% of a cold `check` at 10,000 articles). None once
    /// edits have set entries aside (`stale`, `added`), or when `articles`
    /// are not those the index was built from.
    ///
    /// A pair is counted once per 3-gram it shares, which for a common
    /// 3-gram is every pair of its quotes: the counts are sorted as one
    /// number per pair (each statement numbered across the corpus, the
    /// later one's number high), half the bytes of the four numbers and a
    /// single comparison. At 100,000 articles that is 14 million counts,
    /// and the sort was most of the cross-document phase's growth.
    pub fn pairs(&self, articles: &[Article]) -> Option<Vec<[u32; 4]>> {
        if !self.added.is_empty() || self.stale.contains(&true) {
            return None;
        }
        // `first[i]`: the number of article `i`'s first statement.
        let mut first: Vec<u32> = Vec::with_capacity(articles.len() + 1);
        let mut next = 0u32;
        for a in articles {
            first.push(next);
            next = next.checked_add(u32::try_from(a.summary.statements.len()).ok()?)?;
        }
        first.push(next);
        let number = |e: &Shingle| -> Option<u64> {
            let (i, s) = (e.article as usize, e.statement);
            let n = first.get(i)?.checked_add(s)?;
            (n < *first.get(i + 1)?).then_some(u64::from(n))
        };
        if self.base.par_iter().any(|e| number(e).is_none()) {
            return None;
        }
        let number = |e: &Shingle| number(e).unwrap_or_default();
        let mut hits: Vec<u64> = self
            .base
            .par_chunk_by(|a, b| a.hash == b.hash)
            .flat_map_iter(|run| {
                run.iter().enumerate().flat_map(move |(p, x)| {
                    // The entries after `x` not of its claim: a run is
                    // sorted by claim tag, and a quote without a claim
                    // (tag 0) is of no claim with any other.
                    let rest = &run[p + 1..];
                    let skip = if x.tag == 0 {
                        0
                    } else {
                        rest.partition_point(|e| e.tag == x.tag)
                    };
                    let nx = number(x);
                    rest[skip..]
                        .iter()
                        .filter(move |y| y.article != x.article)
                        .map(move |y| {
                            let ny = number(y);
                            // Numbers grow with the article.
                            if nx > ny {
                                nx << 32 | ny
                            } else {
                                ny << 32 | nx
                            }
                        })
                })
            })
            .collect();
        hits.par_sort_unstable();
        // The article and statement of a number.
        let place = |n: u32| -> [u32; 2] {
            let i = first.partition_point(|&f| f <= n).saturating_sub(1);
            [u32::try_from(i).unwrap_or(u32::MAX), n - first[i]]
        };
        // A pair once per 3-gram it shares: two or more.
        Some(
            hits.chunk_by(|a, b| a == b)
                .filter(|run| run.len() >= 2)
                .map(|run| {
                    let [la, ls] = place((run[0] >> 32) as u32);
                    let [ea, es] = place(run[0] as u32);
                    [la, ls, ea, es]
                })
                .collect(),
        )
    }

    fn add(&mut self, i: usize, summary: &Summary, list: &[(u32, usize)]) {
        for &(hash, s) in list {
            let tag = summary
                .statements
                .get(s)
                .map_or(0, |st| number_claim(&mut self.claims, st));
            insert_sorted(self.added.entry(hash).or_default(), (i, s, tag));
        }
    }

    fn remove(&mut self, i: usize, summary: &Summary, list: &[(u32, usize)]) {
        if self.stale.len() <= i {
            self.stale.resize(i + 1, false);
        }
        self.stale[i] = true;
        for &(hash, s) in list {
            let tag = summary.statements.get(s).map_or(0, |st| self.claim_tag(st));
            remove_sorted(&mut self.added, &hash, &(i, s, tag));
        }
    }

    /// The bytes of the built array of entries and of its directory of
    /// runs (for the memory bench).
    pub fn base_bytes(&self) -> usize {
        self.base.capacity() * std::mem::size_of::<Shingle>()
            + self.starts.capacity() * std::mem::size_of::<u32>()
    }

    /// How many entries the index holds (for tests and the memory bench).
    pub fn len(&self) -> usize {
        self.base.len() + self.added.values().map(Vec::len).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What an article adds to the index besides its ids: its cross-document
/// groups and its quotes' shingles.
struct Prepared {
    keys: Vec<crate::checks::cross::Key>,
    shingles: Vec<(u32, usize)>,
}

impl Prepared {
    fn of(a: &Article) -> Prepared {
        Prepared {
            keys: crate::checks::cross::keys(&a.summary),
            shingles: crate::checks::unlinked_quote::quote_shingles(&a.summary),
        }
    }
}

/// The map from each key to its values, in the order given, from
/// `(key, value)` lists in ascending value order (an article's entries,
/// article by article): each thread fills a map for a stretch of articles,
/// and the maps are merged stretch after stretch, so every list stays
/// ascending. One thread filling one map took 0.6 s at 100,000 articles.
fn grouped<K, V, I, P>(items: P) -> FxHashMap<K, Vec<V>>
where
    K: std::hash::Hash + Eq + Send,
    V: Send,
    I: IntoIterator<Item = (K, V)>,
    P: IndexedParallelIterator<Item = I>,
{
    items
        .with_min_len(4096)
        .fold(FxHashMap::default, |mut map: FxHashMap<K, Vec<V>>, list| {
            for (k, v) in list {
                map.entry(k).or_default().push(v);
            }
            map
        })
        .reduce(FxHashMap::default, |mut left, right| {
            if left.is_empty() {
                return right;
            }
            for (k, mut v) in right {
                match left.entry(k) {
                    std::collections::hash_map::Entry::Occupied(mut e) => {
                        e.get_mut().append(&mut v)
                    }
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(v);
                    }
                }
            }
            left
        })
}

/// The number of a statement's `claim=` in `claims` (see [`Shingles`]),
/// given the next number if it is new; 0 for no claim.
fn number_claim(claims: &mut FxHashMap<summary::Name, u32>, st: &summary::Statement) -> u32 {
    let Some(c) = &st.claim else { return 0 };
    if let Some(&n) = claims.get(&c.value) {
        return n;
    }
    // Four billion claim names would need a corpus far past any in use:
    // saturate rather than wrap to 0 (no claim).
    let n = u32::try_from(claims.len() + 1).unwrap_or(u32::MAX);
    claims.insert(c.value, n);
    n
}

/// Inserts `v` into an ascending, duplicate-free list.
fn insert_sorted<T: Ord>(list: &mut Vec<T>, v: T) {
    if let Err(at) = list.binary_search(&v) {
        list.insert(at, v);
    }
}

/// Inserts `v` into the list of `key`, copying the key only when it is new.
fn insert_at<K, Q, T>(map: &mut FxHashMap<K, Vec<T>>, key: &Q, v: T)
where
    K: std::hash::Hash + Eq + std::borrow::Borrow<Q>,
    Q: std::hash::Hash + Eq + ToOwned<Owned = K> + ?Sized,
    T: Ord,
{
    match map.get_mut(key) {
        Some(list) => insert_sorted(list, v),
        None => {
            map.insert(key.to_owned(), vec![v]);
        }
    }
}

/// Removes `v` from an ascending list, and the list from `map` once empty.
fn remove_sorted<K: std::hash::Hash + Eq, T: Ord>(map: &mut FxHashMap<K, Vec<T>>, key: &K, v: &T) {
    if let Some(list) = map.get_mut(key) {
        if let Ok(at) = list.binary_search(v) {
            list.remove(at);
        }
        if list.is_empty() {
            map.remove(key);
        }
    }
}

/// An article's place (or a position in its summary) as the index's lists
/// hold it: 4 bytes, not 8. The lists of the index hold some 25 places per
/// article; a corpus of four billion articles is far past any in use (and
/// could not be held in memory), so a place past `u32::MAX` saturates.
pub fn at(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The places an index list holds ([`at`]), as `usize`.
pub fn places(list: &[u32]) -> impl DoubleEndedIterator<Item = usize> + Clone + '_ {
    list.iter().map(|&i| i as usize)
}

/// The uses an `entity_uses` list holds, `(article, position in its refs)`.
pub fn uses(list: &[(u32, u32)]) -> impl Iterator<Item = (usize, usize)> + '_ {
    list.iter().map(|&(i, j)| (i as usize, j as usize))
}

impl Index {
    /// The index of `articles`, its lists copied together afterwards (see
    /// [`Index::compacted`]): for a corpus kept open.
    pub fn build(articles: &[Article]) -> Index {
        Index::build_loose(articles).compacted()
    }

    /// [`Index::build`] without the copy: for a corpus used once (`check`,
    /// `report`, `export`), whose memory is let go of at exit. The copy was
    /// 0.13–0.23 s on one core of a cold `check` at 100,000 articles.
    pub fn build_loose(articles: &[Article]) -> Index {
        // The maps, which are independent, are filled side by side (the
        // two largest by stretches of articles merged in order, see
        // `grouped`), the shingle index by a parallel sort. Each article's
        // groups and shingles are worked out where they are consumed, not
        // gathered for every article first: fewer scratch lists alive at
        // once, less scattered memory (see `compacted`).
        let ((mut index, entity_uses), (groups, shingles)) = rayon::join(
            || {
                rayon::join(
                    || {
                        let mut index = Index::default();
                        for (i, a) in articles.iter().enumerate() {
                            index.insert_ids(i, a);
                        }
                        index
                    },
                    || {
                        grouped(articles.par_iter().enumerate().map(|(i, a)| {
                            a.summary
                                .refs
                                .iter()
                                .enumerate()
                                .map(move |(j, r)| (r.id, (at(i), at(j))))
                        }))
                    },
                )
            },
            || {
                rayon::join(
                    || {
                        grouped(articles.par_iter().enumerate().map(|(i, a)| {
                            crate::checks::cross::keys(&a.summary)
                                .into_iter()
                                .map(move |k| (k, at(i)))
                        }))
                    },
                    || Shingles::build(articles),
                )
            },
        );
        index.entity_uses = entity_uses;
        index.groups = groups;
        index.shingles = shingles;
        index
    }

    /// The same index in memory of its own: every list copied at its
    /// length, then the built one dropped.
    ///
    /// The build's lists grow by doubling while per-article scratch (each
    /// article's groups and shingles, the per-thread maps) is made and
    /// dropped around them, on both cores: the lists end up scattered over
    /// pages that are otherwise free, and those pages cannot go back to the
    /// system. Copied after the build, they sit together, and the build's
    /// memory is free as a whole. Measured at 10,000 articles: 67 → 61 MB
    /// resident after indexing (docs/performance.md).
    fn compacted(mut self) -> Index {
        let shingles = std::mem::take(&mut self.shingles);
        let (sources, entity_uses, by_path, outlets, groups) = (
            self.sources.clone(),
            self.entity_uses.clone(),
            self.by_path.clone(),
            self.outlets.clone(),
            self.groups.clone(),
        );
        drop(self);
        Index {
            sources,
            entity_uses,
            by_path,
            outlets,
            groups,
            shingles,
        }
    }

    /// The articles of a cross-document group, ascending (none if unknown).
    pub fn group(&self, key: &crate::checks::cross::Key) -> &[u32] {
        self.groups.get(key).map_or(&[], Vec::as_slice)
    }

    /// The articles that use a claim or fact name (its group).
    pub fn claim_uses(&self, name: &str) -> &[u32] {
        self.group(&crate::checks::cross::Key::Claim(name.into()))
    }

    /// Every claim or fact name used in an article, in no order.
    pub fn claim_names(&self) -> impl Iterator<Item = &summary::Name> {
        self.groups.keys().filter_map(|k| match k {
            crate::checks::cross::Key::Claim(name) => Some(name),
            _ => None,
        })
    }

    /// Adds article `i` (after an edit: its new summary); returns the
    /// cross-document groups it is now in.
    pub fn add(&mut self, i: usize, a: &Article) -> Vec<crate::checks::cross::Key> {
        let p = Prepared::of(a);
        self.insert(i, a, &p);
        p.keys
    }

    /// The path, outlet and source id of article `i`.
    fn insert_ids(&mut self, i: usize, a: &Article) {
        self.by_path.insert(&a.path, i);
        match self.outlets.get_mut(&a.summary.outlet_id()) {
            Some(n) => *n += 1,
            None => {
                self.outlets.insert(a.summary.outlet_id(), 1);
            }
        }
        insert_at(&mut self.sources, &a.summary.id, at(i));
    }

    fn insert(&mut self, i: usize, a: &Article, p: &Prepared) {
        self.insert_ids(i, a);
        for (j, r) in a.summary.refs.iter().enumerate() {
            insert_at(&mut self.entity_uses, &r.id, (at(i), at(j)));
        }
        for key in &p.keys {
            insert_at(&mut self.groups, key, at(i));
        }
        self.shingles.add(i, &a.summary, &p.shingles);
    }

    /// Removes article `i` as it was indexed (before an edit: its old
    /// summary). Only the entries that summary put in are touched. Returns
    /// the cross-document groups it was in.
    pub fn remove(&mut self, i: usize, a: &Article) -> Vec<crate::checks::cross::Key> {
        self.by_path.remove(&a.path, i);
        if let Some(n) = self.outlets.get_mut(&a.summary.outlet_id()) {
            *n -= 1;
            if *n == 0 {
                self.outlets.remove(&a.summary.outlet_id());
            }
        }
        remove_sorted(&mut self.sources, &a.summary.id, &at(i));
        for (j, r) in a.summary.refs.iter().enumerate() {
            remove_sorted(&mut self.entity_uses, &r.id, &(at(i), at(j)));
        }
        let keys = crate::checks::cross::keys(&a.summary);
        for key in &keys {
            remove_sorted(&mut self.groups, key, &at(i));
        }
        self.shingles.remove(
            i,
            &a.summary,
            &crate::checks::unlinked_quote::quote_shingles(&a.summary),
        );
        keys
    }
}

/// The corpus root for `path`: the nearest folder at or above it holding
/// `newsmark.toml`, else the folder itself (or a file's folder).
pub fn find_root(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let start = if abs.is_dir() {
        abs.clone()
    } else {
        abs.parent().map_or(abs.clone(), Path::to_path_buf)
    };
    for dir in start.ancestors() {
        if dir.join(CONFIG_FILE).is_file() {
            return dir.to_path_buf();
        }
    }
    start
}

/// Reads a file as UTF-8 text with a clear message when it is not. Only a
/// regular file (or a symlink to one) is read: a FIFO, socket or device named
/// `x.news` would block the reader or never end, so it is an I/O error.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        let what = if meta.is_dir() {
            "a directory"
        } else {
            "not a regular file"
        };
        return Err(LoadError {
            path: path.to_path_buf(),
            message: format!("cannot read: {what}"),
            offset: None,
            position: None,
            io: true,
        });
    }
    read_any(path)
}

/// Reads `path` as UTF-8 text whatever it is: for input the user names
/// (`/dev/stdin` given to `import`), and for corpus files the walk found to
/// be regular files (anything else named goes through [`read_text`]).
pub fn read_any(path: &Path) -> Result<String, LoadError> {
    let bytes = std::fs::read(path).map_err(|e| LoadError {
        path: path.to_path_buf(),
        message: format!("cannot read: {e}"),
        offset: None,
        position: None,
        io: true,
    })?;
    decode(path, bytes)
}

/// Checks that `bytes` is text: valid UTF-8 with no NUL byte.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, LoadError> {
    if let Some(at) = memchr_nul(&bytes) {
        return Err(LoadError {
            path: path.to_path_buf(),
            message: format!("not a text file: NUL byte at byte offset {at}"),
            offset: Some(at),
            position: Some(line_col_in_bytes(&bytes, at)),
            io: false,
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        LoadError {
            path: path.to_path_buf(),
            message: format!("invalid UTF-8 at byte offset {at}"),
            offset: Some(at),
            position: Some(line_col_in_bytes(e.as_bytes(), at)),
            io: false,
        }
    })
}

/// 1-based line and column of byte `offset` in a file that is not valid
/// UTF-8 (an encoding finding): the bytes before it decoded lossily (each
/// invalid sequence one U+FFFD), the column counted in Unicode scalar
/// values, lines ending at `\n`, as for every other finding.
pub fn line_col_in_bytes(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = String::from_utf8_lossy(bytes.get(..offset).unwrap_or(bytes));
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(0, bytes)
}

/// Parses one article from its text. `plain` reads it as scraped text.
pub fn article(path: PathBuf, text: String, plain: bool) -> Article {
    let doc = if plain {
        syntax::parse_plain(&text)
    } else {
        syntax::parse(&text)
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let summary = Summary::of(&doc, &stem);
    Article {
        path,
        text: Some(text),
        lines: None,
        doc: Some(Box::new(doc)),
        summary,
        plain,
        local: std::sync::OnceLock::new(),
    }
}

impl Article {
    /// The parsed document: the one in memory, else parsed again from the
    /// text (about 30 µs for a news article).
    pub fn doc(&self) -> std::borrow::Cow<'_, Document> {
        self.doc_of(&self.text())
    }

    /// [`Article::doc`], parsing `text` when no document is in memory: the
    /// article's text as the caller already read it, so that the
    /// document's ranges are ranges of that text even if the file changes
    /// between two reads.
    pub fn doc_of(&self, text: &str) -> std::borrow::Cow<'_, Document> {
        match &self.doc {
            Some(doc) => std::borrow::Cow::Borrowed(&**doc),
            None if self.plain => std::borrow::Cow::Owned(syntax::parse_plain(text)),
            None => std::borrow::Cow::Owned(syntax::parse(text)),
        }
    }

    /// The article's text: the one in memory, else read again from its
    /// file (once [`Article::release`] let go of it). A file that can no
    /// longer be read gives an empty text: the file watcher removes it
    /// from the corpus soon after, and until then its positions clamp to
    /// the start.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match &self.text {
            Some(text) => std::borrow::Cow::Borrowed(text.as_str()),
            None => std::borrow::Cow::Owned(read_text(&self.path).unwrap_or_default()),
        }
    }

    /// The text if it is in memory (the summary and findings were derived
    /// from exactly this text).
    pub fn held_text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// Computes the per-article findings, then drops the parsed document:
    /// everything else reads the summary.
    pub fn compact(&mut self) {
        crate::checks::local_findings(self);
        self.doc = None;
    }

    /// [`Article::compact`], and lets go of the text too (the language
    /// server, for files that are not open): what stays is the summary, the
    /// findings and a [`lines::LineIndex`] (a few hundred bytes for a news
    /// article), so that findings and references in the file are placed
    /// without reading it. The features that need a closed file's text or
    /// spans read it again from disk ([`Article::text`]).
    pub fn release(&mut self) {
        self.compact();
        if let Some(lines) = self.text.as_deref().and_then(lines::LineIndex::new) {
            self.lines = Some(lines);
            self.text = None;
        }
    }

    /// The line index of a released article (see [`Article::release`]).
    pub fn lines(&self) -> Option<&lines::LineIndex> {
        self.lines.as_ref()
    }
}

impl Article {
    /// A closed article as the cache holds it, its file not read: summary,
    /// findings and line index, as [`Article::release`] leaves one.
    pub(crate) fn unread(
        path: PathBuf,
        plain: bool,
        summary: Summary,
        local: Vec<crate::checks::Diagnostic>,
        lines: lines::LineIndex,
    ) -> Article {
        Article {
            path,
            text: None,
            lines: Some(lines),
            doc: None,
            summary,
            plain,
            local: std::sync::OnceLock::from(local),
        }
    }

    /// An article whose summary and findings come from the cache (no parse;
    /// [`Article::doc`] parses when a feature needs the spans).
    pub(crate) fn cached(
        path: PathBuf,
        text: String,
        plain: bool,
        summary: Summary,
        local: Vec<crate::checks::Diagnostic>,
    ) -> Article {
        Article {
            path,
            text: Some(text),
            lines: None,
            doc: None,
            summary,
            plain,
            local: std::sync::OnceLock::from(local),
        }
    }
}

/// An article from an already parsed tree (the editor's incremental parse).
pub fn article_from_tree(path: PathBuf, text: String, tree: &tree_sitter::Tree) -> Article {
    let doc = Document::from_tree(&text, tree);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let summary = Summary::of(&doc, &stem);
    Article {
        path,
        text: Some(text),
        lines: None,
        doc: Some(Box::new(doc)),
        summary,
        plain: false,
        local: std::sync::OnceLock::new(),
    }
}

impl Corpus {
    /// Replaces an article with one parsed from `tree` (only for `.news`
    /// articles; anything else goes through [`Corpus::set_text`]). Returns
    /// false when the file is not such an article.
    pub fn set_parsed(&mut self, path: &Path, text: String, tree: &tree_sitter::Tree) -> bool {
        match self.file_ref(path) {
            Some(crate::checks::FileRef::Article(i)) if !self.articles[i].plain => {
                self.replace_article(i, article_from_tree(path.to_path_buf(), text, tree));
                true
            }
            _ => false,
        }
    }

    /// The cross-document findings (locked; a panic while they were held
    /// leaves them consistent, so a poisoned lock is taken over).
    pub fn cross(&self) -> std::sync::MutexGuard<'_, crate::checks::cross::Cross> {
        self.cross
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Makes the next refresh recompute every cross-document group and
    /// report every file (e.g. after rule severities changed).
    pub fn invalidate_findings(&mut self) {
        self.cross_mut().invalidate();
    }

    fn cross_mut(&mut self) -> &mut crate::checks::cross::Cross {
        self.cross
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Every file that can hold findings: articles, registry files, config.
    pub fn files(&self) -> Vec<crate::checks::FileRef> {
        use crate::checks::FileRef;
        (0..self.articles.len())
            .map(FileRef::Article)
            .chain((0..self.registry_files.len()).map(FileRef::Registry))
            .chain(self.config_file.iter().map(|_| FileRef::Config))
            .collect()
    }

    /// Puts a new version of article `i` in place and re-derives only what
    /// depends on it: its index entries and the cross-document groups its
    /// old and new summaries belong to.
    fn replace_article(&mut self, i: usize, new: Article) {
        use crate::checks::cross::{Key, claims_before_edit, quoted_after_edit};
        use crate::checks::unlinked_quote::partners;
        let claims = claims_before_edit(self, &self.articles[i].summary, &new.summary);
        let old = std::mem::replace(&mut self.articles[i], new);
        let mut dirty = vec![Key::Article(i)];
        // Partners of the old quotes are looked up while the index still
        // holds them; the groups are those the index entries are moved from
        // and to.
        dirty.extend(
            partners(&self.articles, &self.index, i, &old.summary)
                .into_iter()
                .map(Key::Article),
        );
        dirty.extend(self.index.remove(i, &old));
        dirty.extend(self.index.add(i, &self.articles[i]));
        dirty.extend(
            partners(&self.articles, &self.index, i, &self.articles[i].summary)
                .into_iter()
                .map(Key::Article),
        );
        // A claim's findings are computed per article (`Key::Quoted`).
        dirty.retain(|k| !matches!(k, Key::Claim(_)));
        dirty.extend(quoted_after_edit(self, i, claims));
        // A new source id changes the "did you mean" of every unknown
        // source: recompute everything (rare: an `id` edited).
        let renamed = old.summary.id != self.articles[i].summary.id;
        let cross = self.cross_mut();
        if renamed {
            cross.invalidate();
        } else {
            cross.mark(dirty, crate::checks::FileRef::Article(i));
        }
    }

    /// Loads the corpus rooted at `root`: every file with a configured
    /// extension, plus `extra` files named explicitly (read as plain text when
    /// their extension is not a configured one).
    pub fn load(root: &Path, extra: &[PathBuf]) -> Corpus {
        Corpus::load_keeping(root, extra, Keep::Documents, None, &|| {})
    }

    /// Loads the corpus keeping texts, summaries and findings
    /// ([`Keep::Texts`]): each article is checked and its parsed document
    /// dropped as soon as it is read, so a large corpus never holds all its
    /// documents at once.
    pub fn load_summaries(root: &Path, extra: &[PathBuf]) -> Corpus {
        Corpus::load_keeping(root, extra, Keep::Texts, None, &|| {})
    }

    /// The language server's load: summaries and findings only (no texts,
    /// see [`Keep::Summaries`]), each article's taken from `cache` when its
    /// text is the one they were computed from.
    pub fn load_cached(root: &Path, extra: &[PathBuf], cache: cache::Cache) -> Corpus {
        Corpus::load_keeping(root, extra, Keep::Summaries, Some(cache), &|| {})
    }

    /// [`Corpus::load_summaries`] (texts kept), taking what it can from
    /// `cache`, calling `on_file` as each file is read (from several
    /// threads): what a progress bar counts. `newsmark check`'s load.
    pub fn load_observed(
        root: &Path,
        extra: &[PathBuf],
        cache: Option<cache::Cache>,
        on_file: &(dyn Fn() + Sync),
    ) -> Corpus {
        Corpus::load_keeping(root, extra, Keep::Texts, cache, on_file)
    }

    fn load_keeping(
        root: &Path,
        extra: &[PathBuf],
        keep: Keep,
        cache: Option<cache::Cache>,
        on_file: &(dyn Fn() + Sync),
    ) -> Corpus {
        let config_path = root.join(CONFIG_FILE);
        let mut errors = Vec::new();
        let config_text = if config_path.is_file() {
            match inside(root, &config_path).and_then(|()| read_text(&config_path)) {
                Ok(text) => Some(text),
                Err(e) => {
                    errors.push(e);
                    None
                }
            }
        } else {
            None
        };
        let mut corpus = Corpus::load_inner(root, extra, config_text, keep, cache, on_file);
        corpus.load_errors.extend(errors);
        corpus
    }

    /// Loads the corpus with the given `newsmark.toml` text (the editor's,
    /// maybe unsaved) in place of the file on disk.
    pub fn load_with_config(root: &Path, extra: &[PathBuf], config_text: Option<String>) -> Corpus {
        Corpus::load_inner(root, extra, config_text, Keep::Documents, None, &|| {})
    }

    fn load_inner(
        root: &Path,
        extra: &[PathBuf],
        config_text: Option<String>,
        keep: Keep,
        cache: Option<cache::Cache>,
        on_file: &(dyn Fn() + Sync),
    ) -> Corpus {
        let mut corpus = Corpus {
            root: root.to_path_buf(),
            keep,
            loaded_at: Some(std::time::SystemTime::now()),
            ..Corpus::default()
        };
        if let Some(text) = config_text {
            corpus.config = Config::parse(&text);
            corpus.config_file = Some(TextFile {
                path: root.join(CONFIG_FILE),
                text,
            });
        }
        for rel in corpus.config.registry.clone() {
            let path = root.join(&rel);
            if !path.is_file() {
                continue;
            }
            match inside(root, &path).and_then(|()| read_text(&path)) {
                Ok(text) => {
                    corpus.registry.load(corpus.registry_files.len(), &text);
                    corpus.registry_files.push(TextFile { path, text });
                }
                Err(e) => corpus.load_errors.push(e),
            }
        }

        // The cache is read and its entries decoded while the folder is
        // walked.
        let mut cache = cache.unwrap_or_default();
        let listing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let (walked, mut entries) = rayon::join(
            || {
                let walked = walk(root, &corpus.config);
                listing.store(false, std::sync::atomic::Ordering::Relaxed);
                walked
            },
            || {
                let entries = match keep {
                    // Loads with documents parse every article anyway.
                    Keep::Documents => cache::Entries::default(),
                    Keep::Texts | Keep::Summaries => cache.decode(),
                };
                // With nothing cached, every article is checked: the rules'
                // automata are built while the files are listed, on a
                // thread of their own that nothing waits for.
                if entries.is_empty() {
                    let listing = std::sync::Arc::clone(&listing);
                    std::thread::spawn(move || {
                        crate::checks::warm_up_while(|| {
                            listing.load(std::sync::atomic::Ordering::Relaxed)
                        });
                    });
                }
                entries
            },
        );
        corpus.cache_ignored = cache.ignored.take();
        corpus.cache_entries = entries.len();
        let mut paths: Vec<(PathBuf, bool)> = walked
            .into_iter()
            .map(|p| {
                let plain = !has_extension(&p, &corpus.config.extensions);
                (p, plain)
            })
            .collect();
        // Files named by the user may be anything (a directory, a pipe);
        // the walk yields regular files only, which are read without
        // asking first (a `stat` per file is 1.5% of a cold `check`).
        let mut named: Vec<PathBuf> = Vec::with_capacity(extra.len());
        for p in extra {
            let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
            let configured = has_extension(&abs, &corpus.config.extensions);
            named.push(abs.clone());
            paths.push((abs, !configured));
        }
        named.sort();
        // Path order (the walk's already, each path once; a file named on
        // the command line goes where it sorts). Stable, so a walked path
        // is kept over the same path given again.
        if !extra.is_empty() {
            paths.sort_by(|a, b| a.0.cmp(&b.0));
            paths.dedup_by(|b, a| a.0 == b.0);
        }
        let hits = std::sync::atomic::AtomicUsize::new(0);
        let unread = std::sync::atomic::AtomicUsize::new(0);
        let load_one = |(path, plain, cached): (PathBuf, bool, Option<cache::Cached>)| {
            on_file();
            // What keeps no text need not read one the cache vouches
            // for by the file's stamp.
            let vouched = keep == Keep::Summaries
                && cached.as_ref().is_some_and(|c| c.vouches_for(&path, plain));
            if vouched && let Some(c) = cached {
                hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                unread.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return Ok(c.unread(path, plain));
            }
            let read = if named.binary_search(&path).is_ok() {
                read_text(&path)
            } else {
                read_any(&path)
            };
            read.map(|text| {
                // The hash is checked here, where the text is at hand.
                // (A load with documents took no entries: see above.)
                let (path, text) = match cached {
                    Some(c) => match c.article(path, text, plain) {
                        Ok(mut a) => {
                            hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            if keep == Keep::Summaries {
                                a.release();
                            }
                            return a;
                        }
                        Err(stale) => stale,
                    },
                    None => (path, text),
                };
                let mut a = article(path, text, plain);
                match keep {
                    Keep::Documents => {}
                    Keep::Texts => a.compact(),
                    Keep::Summaries => a.release(),
                }
                a
            })
        };
        let results: Vec<Result<Article, LoadError>> =
            with_load_threads(paths.len(), || match entries.aligned(&paths) {
                Some(chunks) => {
                    let mut rest = paths.into_iter();
                    let pieces: Vec<_> = chunks
                        .into_iter()
                        .map(|c| (rest.by_ref().take(c.len()).collect::<Vec<_>>(), c))
                        .collect();
                    pieces
                        .into_par_iter()
                        .flat_map_iter(|(ps, es)| {
                            ps.into_iter()
                                .zip(es)
                                .map(|((path, plain), e)| load_one((path, plain, Some(e.cached()))))
                        })
                        .collect()
                }
                None => {
                    let mut entries = entries.sorted();
                    let work: Vec<(PathBuf, bool, Option<cache::Cached>)> = paths
                        .into_iter()
                        .map(|(path, plain)| {
                            let cached = entries.take(&path);
                            (path, plain, cached)
                        })
                        .collect();
                    drop(entries);
                    work.into_par_iter().map(load_one).collect()
                }
            });
        corpus.cache_hits = hits.into_inner();
        corpus.cache_unread = unread.into_inner();
        corpus.articles.reserve_exact(results.len());
        for r in results {
            match r {
                Ok(a) => corpus.articles.push(a),
                Err(e) => corpus.load_errors.push(e),
            }
        }
        // The index is a function of the articles' paths and summaries in
        // order: when every article and every entry matched, the articles
        // are those the cache was written from, and so is its index.
        let n = corpus.articles.len();
        if n > 0
            && corpus.cache_hits == n
            && corpus.cache_entries == n
            && let Some(index) = cache.index(&corpus.articles)
        {
            corpus.index = index;
            corpus.index_cached = true;
            return corpus;
        }
        drop(cache);
        corpus.index = match keep {
            // Only the language server keeps a corpus for long.
            Keep::Summaries => Index::build(&corpus.articles),
            Keep::Texts | Keep::Documents => Index::build_loose(&corpus.articles),
        };
        corpus
    }

    /// Builds a corpus from in-memory files (paths under `root`): the
    /// config and registry by name, articles by extension, anything else as
    /// plain text. Used by tests and by editors for unsaved buffers.
    pub fn from_files(root: &Path, files: Vec<(PathBuf, String)>) -> Corpus {
        let mut corpus = Corpus {
            root: root.to_path_buf(),
            ..Corpus::default()
        };
        let config_path = root.join(CONFIG_FILE);
        if let Some((_, text)) = files.iter().find(|(p, _)| *p == config_path) {
            corpus.config = Config::parse(text);
            corpus.config_file = Some(TextFile {
                path: config_path.clone(),
                text: text.clone(),
            });
        }
        let registry: Vec<PathBuf> = corpus
            .config
            .registry
            .iter()
            .map(|r| root.join(r))
            .collect();
        for (path, text) in files {
            if path == config_path {
                continue;
            }
            if registry.contains(&path) {
                corpus.registry.load(corpus.registry_files.len(), &text);
                corpus.registry_files.push(TextFile { path, text });
                continue;
            }
            let plain = !has_extension(&path, &corpus.config.extensions);
            corpus.articles.push(article(path, text, plain));
            // (Files with a `plain` extension are plain text, like any other
            // extension that is not an article one.)
        }
        corpus.index = Index::build(&corpus.articles);
        corpus
    }

    /// Which file `path` is, if it belongs to this corpus.
    pub fn file_ref(&self, path: &Path) -> Option<crate::checks::FileRef> {
        use crate::checks::FileRef;
        if let Some(i) = self.index.by_path.get(path, &self.articles) {
            return Some(FileRef::Article(i));
        }
        if let Some(i) = self.registry_files.iter().position(|f| f.path == path) {
            return Some(FileRef::Registry(i));
        }
        self.config_file
            .as_ref()
            .filter(|f| f.path == path)
            .map(|_| FileRef::Config)
    }

    /// The path of a file.
    pub fn file_path(&self, file: crate::checks::FileRef) -> Option<&Path> {
        use crate::checks::FileRef;
        match file {
            FileRef::Article(i) => self.articles.get(i).map(|a| a.path.as_path()),
            FileRef::Registry(i) => self.registry_files.get(i).map(|f| f.path.as_path()),
            FileRef::Config => self.config_file.as_ref().map(|f| f.path.as_path()),
        }
    }

    /// The path and text of a file (an article's read again from disk when
    /// it was released; see [`Article::text`]).
    pub fn file_text(
        &self,
        file: crate::checks::FileRef,
    ) -> Option<(&Path, std::borrow::Cow<'_, str>)> {
        use crate::checks::FileRef;
        match file {
            FileRef::Article(i) => self.articles.get(i).map(|a| (a.path.as_path(), a.text())),
            FileRef::Registry(i) => self.registry_files.get(i).map(|f| {
                (
                    f.path.as_path(),
                    std::borrow::Cow::Borrowed(f.text.as_str()),
                )
            }),
            FileRef::Config => self.config_file.as_ref().map(|f| {
                (
                    f.path.as_path(),
                    std::borrow::Cow::Borrowed(f.text.as_str()),
                )
            }),
        }
    }

    /// True if `path` is in this corpus or would be (an article under the
    /// root with a configured extension).
    pub fn owns(&self, path: &Path) -> bool {
        self.file_ref(path).is_some()
            || (path.starts_with(&self.root)
                && (has_extension(path, &self.config.extensions)
                    || has_extension(path, &self.config.plain)))
    }

    /// Replaces (or adds) the text of one file and re-derives only what
    /// depends on it: that article's document, summary, index entries and
    /// cross-document groups, or the registry. A changed config reloads the corpus from disk,
    /// keeping `overlay` (the editor's unsaved texts).
    pub fn set_text(&mut self, path: &Path, text: String, overlay: &[(PathBuf, String)]) {
        use crate::checks::FileRef;
        match self.file_ref(path) {
            Some(FileRef::Article(i)) => {
                let plain = self.articles[i].plain;
                self.replace_article(i, article(path.to_path_buf(), text, plain));
            }
            Some(FileRef::Registry(i)) => {
                self.registry_files[i].text = text;
                self.reload_registry();
                self.cross_mut().invalidate();
            }
            Some(FileRef::Config) => {
                // Walk and read again with the new config (extensions,
                // exclude, registry may have changed), then put the editor's
                // unsaved texts back on top.
                let root = self.root.clone();
                let mut fresh = Corpus::load_inner(&root, &[], Some(text), self.keep, None, &|| {});
                for (p, t) in overlay {
                    if p != path && fresh.owns(p) {
                        fresh.set_text(p, t.clone(), &[]);
                    }
                }
                *self = fresh;
            }
            None => {
                let plain = !has_extension(path, &self.config.extensions);
                let i = self.articles.len();
                self.articles.push(article(path.to_path_buf(), text, plain));
                self.index.add(i, &self.articles[i]);
                self.cross_mut().invalidate();
            }
        }
    }

    /// Forgets a deleted article.
    pub fn remove(&mut self, path: &Path) {
        self.articles.retain(|a| a.path != path);
        self.index = Index::build(&self.articles);
        self.cross_mut().invalidate();
    }

    fn reload_registry(&mut self) {
        let mut registry = Registry::default();
        for (i, f) in self.registry_files.iter().enumerate() {
            registry.load(i, &f.text);
        }
        self.registry = registry;
    }

    /// A path relative to the current directory for display, or as given.
    pub fn display_path(path: &Path) -> String {
        // Asked once: nothing here changes the current directory, and a
        // check shows a path per finding (a `getcwd` call each was 14,000
        // system calls at 10,000 generated articles).
        static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
        let cwd = CWD.get_or_init(|| std::env::current_dir().ok());
        cwd.as_ref()
            .and_then(|c| path.strip_prefix(c).ok().map(Path::to_path_buf))
            .unwrap_or_else(|| path.to_path_buf())
            .display()
            .to_string()
    }
}

/// Refuses a config or registry path that leads outside the corpus root
/// (`registry = ["../x.toml"]`, an absolute path, or a symlink out): like the
/// walk, which does not follow symlinks, nothing outside the root is read.
fn inside(root: &Path, path: &Path) -> Result<(), LoadError> {
    let real = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if real(path).starts_with(real(root)) {
        Ok(())
    } else {
        Err(LoadError {
            path: path.to_path_buf(),
            message: "leads outside the corpus root; not read".into(),
            offset: None,
            position: None,
            io: true,
        })
    }
}

/// Threads for the parallel part of a load (read, parse, summarise each
/// file) on a machine with fewer cores than this.
const LOAD_THREADS: usize = 4;

/// Runs `load` on [`LOAD_THREADS`] threads when the machine has fewer cores
/// and there are many files (else on rayon's pool, a thread per core).
///
/// A thread reading a file that is not in the page cache waits for the disk
/// and computes nothing meanwhile. With a thread per core, a 2-core machine
/// had two reads in flight, and a `check` of 100,000 articles took 20 s
/// with the page cache emptied, against 8.3 s from it; reading those files
/// (`cat`) took 6.9 s two at a time and 3.5 s eight at a time. On 4
/// threads: 14 s, and the same from the page cache; on 8, 13 s, but 10%
/// slower from the page cache (docs/performance.md, thirteenth round).
/// `RAYON_NUM_THREADS`, when set, is left to decide.
fn with_load_threads<R: Send>(files: usize, load: impl FnOnce() -> R + Send) -> R {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let user_set = std::env::var_os("RAYON_NUM_THREADS").is_some();
    match load_threads(files, cores, user_set) {
        Some(threads) => on_threads(threads, load),
        None => load(),
    }
}

/// How many threads a load of `files` gets on a machine of `cores`, or
/// `None` for rayon's own pool (see [`with_load_threads`]).
fn load_threads(files: usize, cores: usize, user_set: bool) -> Option<usize> {
    (files >= 1000 && cores < LOAD_THREADS && !user_set).then_some(LOAD_THREADS)
}

/// Runs `load` on a pool of `threads` (on the calling thread's pool if one
/// cannot be made).
fn on_threads<R: Send>(threads: usize, load: impl FnOnce() -> R + Send) -> R {
    match rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("newsmark-load-{i}"))
        .build()
    {
        Ok(pool) => pool.install(load),
        Err(_) => load(),
    }
}

fn has_extension(path: &Path, extensions: &[String]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x == e))
}

/// Every file under `root` with a configured extension, honouring
/// `.gitignore` and the config's `exclude`. Symlinks are not followed.
pub fn walk(root: &Path, config: &Config) -> Vec<PathBuf> {
    let mut overrides = ignore::overrides::OverrideBuilder::new(root);
    for pattern in &config.exclude {
        // An invalid glob cannot exclude anything; it is reported by the
        // config check, not here.
        let _ = overrides.add(&format!("!{pattern}"));
    }
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .follow_links(false)
        .hidden(true)
        .require_git(false)
        // A nested corpus (its own newsmark.toml) is not part of this one:
        // its folder is not entered (one look per folder, not per file).
        .filter_entry(|e| {
            !(e.depth() > 0
                && e.file_type().is_some_and(|t| t.is_dir())
                && e.path().join(CONFIG_FILE).is_file())
        });
    if let Ok(o) = overrides.build() {
        builder.overrides(o);
    }
    let mut out = Vec::new();
    for entry in builder.build().flatten() {
        let path = entry.path();
        let wanted = has_extension(path, &config.extensions) || has_extension(path, &config.plain);
        if entry.file_type().is_some_and(|t| t.is_file()) && wanted {
            out.push(std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()));
        }
    }
    // In `Path` order, as the load wants them: sorted here, by each path's
    // components joined with a zero byte (which no component holds, and
    // which sorts before every other byte, so byte order is component
    // order), rather than by comparing `Path`s (or by the walk's
    // `sort_by_file_name`), which parses the paths again at every
    // comparison: most of the walk's time in a folder of 100,000 files.
    out.sort_by_cached_key(|p| path_order_key(p));
    out
}

/// A byte string whose order is `p`'s order as a [`Path`] (see [`walk`]).
fn path_order_key(p: &Path) -> Vec<u8> {
    let mut key = Vec::with_capacity(p.as_os_str().len());
    for (k, c) in p.components().enumerate() {
        if k > 0 {
            key.push(0);
        }
        key.extend_from_slice(c.as_os_str().as_encoded_bytes());
    }
    key
}

#[cfg(test)]
mod walk_tests {
    use super::*;

    /// The walk's sort key orders paths as `Path` does, pair by pair:
    /// a folder's files before a sibling whose name extends the folder's
    /// (`a/z` < `a-b`, though `/` > `-` as bytes), dots, spaces, non-ASCII.
    #[test]
    fn the_walk_sort_key_orders_paths_as_path_does() {
        let paths = [
            "/r/a",
            "/r/a/z.news",
            "/r/a/b/c.news",
            "/r/a-b.news",
            "/r/a.b/x.news",
            "/r/ab.news",
            "/r/a b.news",
            "/r/é.news",
            "/r/e.news",
            "/r/a/",
            "/r//a/y.news",
            "/r/./a/x.news",
            "/r",
            "/",
        ];
        for a in paths {
            for b in paths {
                let (pa, pb) = (Path::new(a), Path::new(b));
                assert_eq!(
                    path_order_key(pa).cmp(&path_order_key(pb)),
                    pa.cmp(pb),
                    "{a} vs {b}"
                );
            }
        }
    }

    #[test]
    fn the_walk_yields_path_order_and_skips_nested_corpora() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for sub in ["a/b", "a-b", "nested/deeper", "a/nested2"] {
            std::fs::create_dir_all(root.join(sub)).expect("mkdir");
        }
        for f in [
            "a/z.news",
            "a/b/c.news",
            "a-b/x.news",
            "a-b.news",
            "ab.news",
            "nested/in.news",
            "nested/deeper/in.news",
            "a/nested2/in.news",
            "notes.md",
        ] {
            std::fs::write(root.join(f), "Text.\n").expect("write");
        }
        std::fs::write(root.join("nested").join(CONFIG_FILE), "").expect("write");
        std::fs::write(root.join("a/nested2").join(CONFIG_FILE), "").expect("write");
        let walked = walk(root, &Config::default());
        let rel: Vec<String> = walked
            .iter()
            .map(|p| {
                p.strip_prefix(root)
                    .expect("under root")
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(
            rel,
            [
                "a/b/c.news",
                "a/z.news",
                "a-b/x.news",
                "a-b.news",
                "ab.news"
            ]
        );
        assert!(walked.is_sorted());
    }

    #[test]
    fn many_files_on_few_cores_are_loaded_on_more_threads() {
        assert_eq!(load_threads(1000, 2, false), Some(LOAD_THREADS));
        assert_eq!(load_threads(100_000, 1, false), Some(LOAD_THREADS));
        assert_eq!(load_threads(999, 2, false), None, "few files");
        assert_eq!(
            load_threads(1000, LOAD_THREADS, false),
            None,
            "cores enough"
        );
        assert_eq!(load_threads(1000, 2, true), None, "RAYON_NUM_THREADS set");
    }

    /// A load of more files than `with_load_threads` leaves to rayon's own
    /// pool, on the load's own threads whatever the machine: every file
    /// once, in path order, each with its own summary, and a file that
    /// cannot be read reported by name.
    #[test]
    fn a_load_of_many_files_keeps_every_file_in_path_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let n = 1500;
        for i in 0..n {
            let text = format!(
                "+++\nid = \"s{i}\"\n+++\n[Said]{{.quote by=@e src=s{}}} in story {i}.\n",
                (i + 1) % n
            );
            std::fs::write(root.join(format!("{i:04}.news")), text).expect("write");
        }
        std::fs::write(root.join("0700.news"), b"not \xff UTF-8\n").expect("write");
        let corpus = on_threads(LOAD_THREADS, || Corpus::load(root, &[]));
        let ids: Vec<String> = corpus
            .articles
            .iter()
            .map(|a| a.summary.id.to_string())
            .collect();
        let expected: Vec<String> = (0..n)
            .filter(|&i| i != 700)
            .map(|i| format!("s{i}"))
            .collect();
        assert_eq!(ids, expected);
        let paths: Vec<&PathBuf> = corpus.articles.iter().map(|a| &a.path).collect();
        assert!(paths.is_sorted());
        let errors: Vec<String> = corpus
            .load_errors
            .iter()
            .map(|e| {
                e.path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(errors, ["0700.news"]);
    }
}

#[cfg(test)]
mod path_index_tests {
    use super::*;

    fn articles(names: &[&str]) -> Vec<Article> {
        names
            .iter()
            .map(|n| {
                article(
                    PathBuf::from(format!("/c/{n}.news")),
                    "Text.\n".into(),
                    false,
                )
            })
            .collect()
    }

    #[test]
    fn each_article_is_found_by_its_path_and_nothing_else_is() {
        let arts = articles(&["a", "b", "c"]);
        let index = PathIndex::of(&arts);
        for (i, a) in arts.iter().enumerate() {
            assert_eq!(index.get(&a.path, &arts), Some(i));
        }
        assert_eq!(index.get(Path::new("/c/d.news"), &arts), None);
        assert_eq!(index.get(Path::new("/c/a"), &arts), None);
    }

    #[test]
    fn an_entry_is_checked_against_the_articles_it_is_asked_with() {
        // The index remembers a path's hash, not the path: asked with
        // articles whose place 1 holds another file, it finds nothing
        // rather than that file.
        let before = articles(&["a", "b"]);
        let index = PathIndex::of(&before);
        let after = articles(&["a", "z"]);
        assert_eq!(index.get(&before[1].path, &after), None);
        assert_eq!(index.get(&before[0].path, &after), Some(0));
        // Fewer articles than the index knows: no place past the end.
        assert_eq!(index.get(&before[1].path, &before[..1]), None);
    }

    #[test]
    fn insert_and_remove_touch_one_path_at_one_place() {
        let arts = articles(&["a", "b"]);
        let mut index = PathIndex::of(&arts);
        index.insert(&arts[1].path, 1);
        assert_eq!(index.len(), 2, "recorded again, kept once");
        // Removing a path at a place it is not at changes nothing.
        index.remove(&arts[1].path, 0);
        assert_eq!(index.get(&arts[1].path, &arts), Some(1));
        index.remove(&arts[1].path, 1);
        assert_eq!(index.get(&arts[1].path, &arts), None);
        assert_eq!(index.get(&arts[0].path, &arts), Some(0));
        assert_eq!(index.len(), 1);
        index.insert(&arts[1].path, 1);
        assert_eq!(index, PathIndex::of(&arts));
    }
}
