//! The on-disk cache of per-article results, for a warm start.
//!
//! What an article yields on its own (its [`Summary`] and its per-article
//! findings) depends only on its text, its path and whether it is read as
//! plain text, never on other files or on `newsmark.toml` (severities and
//! `allow` are applied later). So the cache maps each article's path to the
//! hash of the text it was computed from and those results, and an entry is
//! used only when the text read now hashes the same: an edited, replaced or
//! re-checked-out file is never served stale, whatever its modification time.
//!
//! The file is written by `newsmark check` (the language server only reads
//! it: it never writes a file). It lives outside the corpus, in
//! `$NEWSMARK_CACHE_DIR`, else the platform's cache directory
//! (`$XDG_CACHE_HOME/newsmark` or `~/.cache/newsmark` on Linux), one file per
//! corpus root. It is versioned by a format number and the build of
//! `newsmark` that wrote it; any mismatch, a truncated or garbled file, or
//! no file at all means a cold start, never an error. Deleting it is always
//! safe.
//!
//! Reading and hashing every text is most of a warm start's work (0.8 s of
//! 290 MB at 100,000 articles), so each entry also carries the file's
//! [`Stamp`] (device, inode, size, modification and change times) when the
//! file had not been written for a while before it was read. The language
//! server takes such an entry without reading the file when the stamp is
//! unchanged, as git's index does: any write, rename into place, `touch` or
//! checkout changes a file's change time (`ctime`), which no user-level
//! call can set back. A file written within `SETTLE` before its read gets
//! no stamp (its change time might not move on a second write within the
//! clock's granularity: git's "racily clean" entries), and is hashed.
//! `newsmark check` always hashes: it holds every text anyway.
//!
//! When every article of the corpus has an entry, the file also holds the
//! corpus's index (the maps of `corpus::Index`, the `unlinked-quote`
//! shingles as a flat array): building it is the other half of a warm
//! start (1 s at 100,000 articles). It is a function of the articles'
//! paths and summaries in order, so it is used only when every article
//! and every entry matched ([`Cache::index`]), and only after each number
//! in it is checked to point inside the corpus.
//!
//! The entries are stored in chunks, in the corpus's path order: the file
//! is read, its header checked and its chunks decoded on every core while
//! the corpus folder is walked ([`Cache::decode`]); entries for exactly the
//! walked paths are taken beside them (`Entries::aligned`), others are
//! matched to the walked paths in one ordered pass, never looked up by
//! path.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use rustc_hash::FxHashMap;

use super::summary::Name;
use super::{Article, Corpus, Index, Shingle, Shingles, Summary, lines::LineIndex};
use crate::checks::{Diagnostic, FileRef, Fix, RULES, Severity};
use crate::syntax::TextRange;

/// Bumped whenever what is stored changes shape or meaning.
const FORMAT: u32 = 5;
/// How long before a load started a file must have last been written for
/// its entry to carry a [`Stamp`]: well beyond the granularity of file
/// times (a few milliseconds on Linux, two seconds on FAT).
const SETTLE: std::time::Duration = std::time::Duration::from_secs(3);
/// Entries per chunk: enough chunks for every core, few enough that each is
/// worth a task.
const CHUNK: usize = 1024;
const MAGIC: &[u8; 8] = b"NEWSMRK\0";

/// Which build wrote a cache: its version, and the size and modification
/// time of the executable, so a rebuilt `newsmark` (a rule changed) never
/// trusts results an older build computed.
static BUILD: LazyLock<String> = LazyLock::new(|| {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}:{modified}", m.len())
        })
        .unwrap_or_default();
    format!("{}+{exe}", env!("CARGO_PKG_VERSION"))
});

#[derive(Serialize, Deserialize)]
struct Header {
    magic: [u8; 8],
    format: u32,
    build: String,
    root: String,
    /// Whether the last [`INDEX_PARTS`] chunks are the corpus's index.
    index: bool,
}

/// The index as stored: its id maps, its entity uses and its groups (each
/// a chunk of its own, decoded side by side), then the shingles' flat
/// array of little-endian `u32`s (four per entry), framed by hand.
const INDEX_PARTS: usize = 4;

#[derive(Serialize, Deserialize)]
struct IndexIds<S, O, C> {
    sources: S,
    outlets: O,
    claims: C,
}

#[derive(Serialize, Deserialize)]
pub(super) struct Entry {
    path: String,
    hash: u128,
    /// The file as the file system described it, if settled when read.
    stamp: Option<Stamp>,
    plain: bool,
    summary: Summary,
    local: Vec<Finding>,
    /// The text's line index (what the language server keeps of a closed
    /// file), so that an entry taken by its stamp needs no read.
    lines: Option<LineIndex>,
}

/// What the file system says of a file: where it is (device and inode),
/// its size, and when its content (`mtime`) and its inode (`ctime`) last
/// changed, to the nanosecond. Equal stamps mean the file was not written
/// in between (see the module's documentation for the caveat `SETTLE`
/// covers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stamp {
    /// The stamp of the file at `path` (following links, as reading it
    /// does); `None` if it cannot be read or on a platform without inode
    /// change times (there every entry is checked by its hash).
    pub fn of(path: &Path) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let m = std::fs::metadata(path).ok()?;
            Some(Stamp {
                dev: m.dev(),
                ino: m.ino(),
                len: m.size(),
                mtime: (m.mtime(), m.mtime_nsec()),
                ctime: (m.ctime(), m.ctime_nsec()),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            None
        }
    }

    /// Whether the file was last written (content or inode) more than
    /// `settle` before `t`.
    fn settled(&self, t: std::time::SystemTime, settle: std::time::Duration) -> bool {
        let Some(limit) = t
            .checked_sub(settle)
            .and_then(|l| l.duration_since(std::time::UNIX_EPOCH).ok())
        else {
            return false;
        };
        let before = |(secs, nanos): (i64, i64)| match (u64::try_from(secs), u32::try_from(nanos)) {
            (Ok(secs), Ok(nanos)) => std::time::Duration::new(secs, nanos) < limit,
            _ => false,
        };
        before(self.mtime) && before(self.ctime)
    }
}

impl Entry {
    /// The entry without its path (which it was matched by).
    pub(super) fn cached(self) -> Cached {
        Cached {
            hash: self.hash,
            stamp: self.stamp,
            plain: self.plain,
            summary: self.summary,
            local: self.local,
            lines: self.lines,
        }
    }
}

/// A per-article finding as stored (its file is the article's own).
#[derive(Serialize, Deserialize)]
struct Finding {
    range: TextRange,
    code: String,
    severity: Severity,
    message: String,
    help: Option<String>,
    fix: Option<Fix>,
}

/// [`Entry`] as written, borrowing from the articles (same layout).
#[derive(Serialize)]
struct EntryOut<'a> {
    path: &'a str,
    hash: u128,
    stamp: Option<Stamp>,
    plain: bool,
    summary: &'a Summary,
    local: Vec<FindingOut<'a>>,
    lines: Option<LineIndex>,
}

#[derive(Serialize)]
struct FindingOut<'a> {
    range: TextRange,
    code: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    fix: Option<&'a Fix>,
}

/// The hash an entry is checked against: XXH3-128 of the file's text.
pub fn hash(text: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}

/// The directory holding the caches: `$NEWSMARK_CACHE_DIR`, else the
/// platform's cache directory (`None` when there is none).
pub fn directory() -> Option<PathBuf> {
    match std::env::var_os("NEWSMARK_CACHE_DIR") {
        Some(d) if !d.is_empty() => Some(PathBuf::from(d)),
        _ => Some(dirs::cache_dir()?.join("newsmark")),
    }
}

/// Where the cache for the corpus at `root` lives (`None` when the platform
/// has no cache directory and `NEWSMARK_CACHE_DIR` is unset).
pub fn location(root: &Path) -> Option<PathBuf> {
    Some(file_in(&directory()?, root))
}

fn file_in(dir: &Path, root: &Path) -> PathBuf {
    let key = xxhash_rust::xxh3::xxh3_64(root_key(root).as_bytes());
    dir.join(format!("corpus-{key:016x}.bin"))
}

fn root_key(root: &Path) -> String {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    root.to_string_lossy().into_owned()
}

/// A cached result, ready to become an article once its hash is checked.
pub struct Cached {
    hash: u128,
    stamp: Option<Stamp>,
    plain: bool,
    summary: Summary,
    local: Vec<Finding>,
    lines: Option<LineIndex>,
}

/// A corpus's cache file: named by [`Cache::open`]; read, its header
/// checked and its entries decoded by [`Cache::decode`], which the load
/// runs while it walks the corpus folder (reading 140 MB at 100,000
/// articles takes 0.1 s, which the walk then hides).
#[derive(Default)]
pub struct Cache {
    /// The file and the corpus root it must be for, until read.
    file: Option<(PathBuf, PathBuf)>,
    /// The file's bytes, until the index is read: the chunks start at
    /// `body_start`.
    body: Vec<u8>,
    body_start: usize,
    /// Whether the file holds an index (see [`Header::index`]).
    has_index: bool,
    /// Where the index's parts are in `body`, once the chunks are split.
    index_parts: Vec<std::ops::Range<usize>>,
    /// The file's table of names (its last chunk), interned: names in
    /// its entries and index are numbers into it (see
    /// `corpus::name::read_through`).
    names: Option<std::sync::Arc<[Name]>>,
    /// Why the file was not used, for logs (`None` when it was, or when
    /// there was none).
    pub ignored: Option<String>,
}

/// The entries of a cache, in path order, each taken once: the decoded
/// chunks, walked in order (not gathered into one list: at 100k articles
/// that copy alone held 30 MB more at the peak of a warm start).
pub struct Entries {
    chunks: std::vec::IntoIter<Vec<Entry>>,
    current: std::iter::Peekable<std::vec::IntoIter<Entry>>,
    len: usize,
}

impl Default for Entries {
    fn default() -> Entries {
        Entries::of(Vec::new())
    }
}

impl Cache {
    /// The cache of the corpus at `root`. Never fails: a missing,
    /// outdated or damaged file gives an empty cache.
    pub fn open(root: &Path) -> Cache {
        match directory() {
            Some(dir) => Cache::open_in(&dir, root),
            None => Cache::default(),
        }
    }

    /// [`Cache::open`] with the cache directory given.
    pub fn open_in(dir: &Path, root: &Path) -> Cache {
        Cache {
            file: Some((file_in(dir, root), root.to_path_buf())),
            ..Cache::default()
        }
    }

    /// Reads the file named by [`Cache::open`] and checks its header.
    fn read(&mut self) {
        let Some((path, root)) = self.file.take() else {
            return;
        };
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
            Err(e) => {
                self.ignored = Some(format!("cannot read {}: {e}", path.display()));
                return;
            }
        };
        match Cache::check_header(&root, &bytes) {
            Ok((at, has_index)) => {
                self.body = bytes;
                self.body_start = at;
                self.has_index = has_index;
            }
            Err(why) => self.ignored = Some(format!("{}: {why}", path.display())),
        }
    }

    /// Where the chunks start and whether an index is among them, if the
    /// header is this build's for `root`.
    fn check_header(root: &Path, bytes: &[u8]) -> Result<(usize, bool), String> {
        let (header, rest): (Header, &[u8]) =
            postcard::take_from_bytes(bytes).map_err(|e| format!("not a cache file ({e})"))?;
        if &header.magic != MAGIC || header.format != FORMAT || header.build != *BUILD {
            return Err("written by another build of newsmark".into());
        }
        if header.root != root_key(root) {
            return Err("written for another corpus".into());
        }
        Ok((bytes.len() - rest.len(), header.index))
    }

    /// Reads the file and decodes its entries, chunks in parallel. A
    /// missing file gives no entries; a damaged one gives none and
    /// says why in [`Cache::ignored`].
    pub fn decode(&mut self) -> Entries {
        use rayon::prelude::*;
        self.read();
        let Some(body) = self.body.get(self.body_start..).filter(|b| !b.is_empty()) else {
            return Entries::default();
        };
        let parts = if self.has_index { INDEX_PARTS } else { 0 };
        let decoded = split_chunks(body)
            .and_then(|mut chunks| {
                let names = chunks.pop()?;
                let index = chunks.split_off(chunks.len().checked_sub(parts)?);
                Some((chunks, index, names))
            })
            .ok_or_else(|| "chunks cut short".to_string())
            .and_then(|(chunks, index, names)| {
                let names: Vec<&str> =
                    postcard::from_bytes(&body[names]).map_err(|e| e.to_string())?;
                let names: std::sync::Arc<[Name]> = names
                    .into_par_iter()
                    .map(Name::new)
                    .collect::<Vec<_>>()
                    .into();
                self.index_parts = index
                    .into_iter()
                    .map(|r| r.start + self.body_start..r.end + self.body_start)
                    .collect();
                let entries = chunks
                    .par_iter()
                    .map(|c| {
                        crate::corpus::name::read_through(&names, || {
                            postcard::from_bytes::<Vec<Entry>>(&body[c.clone()])
                        })
                        .map_err(|e| e.to_string())
                    })
                    .collect::<Result<Vec<Vec<Entry>>, String>>();
                self.names = Some(names);
                entries
            });
        let chunks = match decoded {
            Ok(chunks) => chunks,
            Err(e) => {
                self.ignored = Some(format!("damaged ({e})"));
                self.index_parts.clear();
                return Entries::default();
            }
        };
        Entries::of(chunks)
    }

    /// The corpus's index as stored, for `articles` (the corpus loaded
    /// from exactly this cache's entries: see the module's documentation),
    /// or `None` when the file holds none or it does not fit `articles`.
    /// Lets go of the file's bytes.
    pub fn index(&mut self, articles: &[Article]) -> Option<Index> {
        let body = std::mem::take(&mut self.body);
        let names = self.names.take()?;
        fn read<T: serde::de::DeserializeOwned>(
            names: &std::sync::Arc<[Name]>,
            bytes: &[u8],
        ) -> Option<T> {
            crate::corpus::name::read_through(names, || postcard::from_bytes(bytes).ok())
        }
        let [ids, uses, groups, shingles] = <[_; INDEX_PARTS]>::try_from(
            std::mem::take(&mut self.index_parts)
                .into_iter()
                .map(|r| body.get(r))
                .collect::<Option<Vec<&[u8]>>>()?,
        )
        .ok()?;
        type Ids =
            IndexIds<FxHashMap<Name, Vec<u32>>, FxHashMap<Name, usize>, FxHashMap<Name, u32>>;
        let ((ids, entity_uses), (groups, base)) = rayon::join(
            || {
                rayon::join(
                    // (Paths are the articles', not stored.)
                    || {
                        let by_path = crate::corpus::PathIndex::of(articles);
                        read(&names, ids).map(|ids: Ids| (ids, by_path))
                    },
                    || read(&names, uses),
                )
            },
            || rayon::join(|| read(&names, groups), || read_shingles(shingles)),
        );
        let (ids, by_path) = ids?;
        let index = Index {
            sources: ids.sources,
            entity_uses: entity_uses?,
            by_path,
            outlets: ids.outlets,
            groups: groups?,
            shingles: Shingles::of(base?, ids.claims),
        };
        fits(&index, articles).then_some(index)
    }
}

/// The index's parts as stored (see [`INDEX_PARTS`]); `None` for an index
/// with changes since its build (not written: a loaded corpus has none).
fn index_parts(index: &Index) -> Option<Result<Vec<Vec<u8>>, postcard::Error>> {
    let sh = &index.shingles;
    if !sh.added.is_empty() || sh.stale.iter().any(|&s| s) {
        return None;
    }
    let ids = IndexIds {
        sources: &index.sources,
        outlets: &index.outlets,
        claims: &sh.claims,
    };
    use crate::corpus::name::written_as_numbers;
    let ((ids, uses), groups) = rayon::join(
        || {
            written_as_numbers(|| {
                (
                    postcard::to_stdvec(&ids),
                    postcard::to_stdvec(&index.entity_uses),
                )
            })
        },
        || written_as_numbers(|| postcard::to_stdvec(&index.groups)),
    );
    let mut flat = Vec::with_capacity(sh.base.len() * 16);
    for e in &sh.base {
        for n in [e.hash, e.article, e.statement, e.tag] {
            flat.extend(n.to_le_bytes());
        }
    }
    Some((|| Ok(vec![ids?, uses?, groups?, flat]))())
}

/// The shingles' array from its stored bytes; `None` if cut short.
fn read_shingles(bytes: &[u8]) -> Option<Vec<Shingle>> {
    if !bytes.len().is_multiple_of(16) {
        return None;
    }
    let word = |b: &[u8], k: usize| {
        let mut n = [0; 4];
        n.copy_from_slice(&b[k * 4..k * 4 + 4]);
        u32::from_le_bytes(n)
    };
    Some(
        bytes
            .chunks_exact(16)
            .map(|b| Shingle {
                hash: word(b, 0),
                article: word(b, 1),
                statement: word(b, 2),
                tag: word(b, 3),
            })
            .collect(),
    )
}

/// Whether every number in a stored index points inside `articles` and
/// every list is in the order the index keeps (what its readers index
/// and search by): a damaged file can decode into anything.
fn fits(index: &Index, articles: &[Article]) -> bool {
    let n = articles.len();
    let ascending =
        |l: &[u32]| l.is_sorted_by(|a, b| a < b) && l.last().is_none_or(|&i| (i as usize) < n);
    let sh = &index.shingles;
    let claims = u32::try_from(sh.claims.len()).unwrap_or(u32::MAX);
    let ((ids, uses), shingles) = rayon::join(
        || {
            rayon::join(
                || {
                    index.sources.values().all(|l| ascending(l))
                        && index.groups.values().all(|l| ascending(l))
                },
                || {
                    index.entity_uses.values().all(|l| {
                        l.is_sorted_by(|a, b| a < b)
                            && crate::corpus::uses(l).all(|(i, j)| {
                                articles.get(i).is_some_and(|a| j < a.summary.refs.len())
                            })
                    })
                },
            )
        },
        || {
            sh.base.is_sorted_by(|a, b| a < b)
                && sh.base.iter().all(|e| {
                    e.tag <= claims
                        && articles
                            .get(e.article as usize)
                            .is_some_and(|a| (e.statement as usize) < a.summary.statements.len())
                })
        },
    );
    ids && uses && shingles
}

/// The chunks as stored: their count, then each one's length and bytes
/// (lengths as little-endian u64). Framed by hand: postcard would write a
/// byte list one serde call per byte.
fn frame_chunks(chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + chunks.iter().map(|c| 8 + c.len()).sum::<usize>());
    out.extend((chunks.len() as u64).to_le_bytes());
    for c in chunks {
        out.extend((c.len() as u64).to_le_bytes());
        out.extend(c);
    }
    out
}

/// Where the chunks framed by [`frame_chunks`] are in `bytes`; `None` if
/// the bytes are cut short.
fn split_chunks(bytes: &[u8]) -> Option<Vec<std::ops::Range<usize>>> {
    fn number(bytes: &[u8], at: &mut usize) -> Option<usize> {
        let n = bytes.get(*at..)?.first_chunk::<8>()?;
        *at += 8;
        usize::try_from(u64::from_le_bytes(*n)).ok()
    }
    let mut at = 0;
    let count = number(bytes, &mut at)?;
    // Not trusted for an allocation: a garbled count must not reserve
    // terabytes.
    let mut out = Vec::with_capacity(count.min(bytes.len() / 8));
    for _ in 0..count {
        let len = number(bytes, &mut at)?;
        let end = at.checked_add(len).filter(|&e| e <= bytes.len())?;
        out.push(at..end);
        at = end;
    }
    (at == bytes.len()).then_some(out)
}

impl Entries {
    fn of(chunks: Vec<Vec<Entry>>) -> Entries {
        let len = chunks.iter().map(Vec::len).sum();
        Entries {
            chunks: chunks.into_iter(),
            current: Vec::new().into_iter().peekable(),
            len,
        }
    }

    /// The entries' chunks, taken out, if they are for exactly `paths`, in
    /// order: the
    /// usual case (nothing added or removed since the cache was written),
    /// where the load takes each path's entry beside it, on every core,
    /// rather than looking them up one by one ([`Entries::take`]).
    pub(super) fn aligned<T>(&mut self, paths: &[(PathBuf, T)]) -> Option<Vec<Vec<Entry>>> {
        let same = self.current.len() == 0
            && self.len == paths.len()
            && self
                .chunks
                .as_slice()
                .iter()
                .flatten()
                .zip(paths)
                .all(|(e, (p, _))| e.path.as_bytes() == p.as_os_str().as_encoded_bytes());
        same.then(|| std::mem::take(&mut self.chunks).collect())
    }

    /// The entries in path order, for [`Entries::take`]: as written, or
    /// sorted should a writer ever not have.
    pub fn sorted(self) -> Entries {
        let chunks: Vec<Vec<Entry>> = self.chunks.collect();
        let sorted = chunks
            .iter()
            .flatten()
            .is_sorted_by(|a, b| Path::new(&a.path) <= Path::new(&b.path));
        if sorted {
            return Entries::of(chunks);
        }
        let mut all: Vec<Entry> = chunks.into_iter().flatten().collect();
        all.sort_by(|a, b| Path::new(&a.path).cmp(Path::new(&b.path)));
        Entries::of(vec![all])
    }

    /// The next entry, if any.
    fn front(&mut self) -> Option<&Entry> {
        while self.current.peek().is_none() {
            self.current = self.chunks.next()?.into_iter().peekable();
        }
        self.current.peek()
    }

    /// Takes the entry for `path` out of the cache. Paths must be asked
    /// for in ascending order (the entries before `path` are dropped), of
    /// [`Entries::sorted`].
    pub fn take(&mut self, path: &Path) -> Option<Cached> {
        // The next entry is nearly always this path's, written from the
        // same walk: compared as bytes first (a `Path` comparison parses
        // both into components).
        let same = |e: &Entry| e.path.as_bytes() == path.as_os_str().as_encoded_bytes();
        if !self.front().is_some_and(same) {
            while self.front().is_some_and(|e| Path::new(&e.path) < path) {
                self.current.next();
            }
        }
        if self
            .front()
            .is_some_and(|e| same(e) || Path::new(&e.path) == path)
        {
            return self.current.next().map(Entry::cached);
        }
        None
    }

    /// How many entries the cache held when decoded.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Cached {
    /// The article for `text`, if this entry was computed from that very
    /// text read the same way; else the entry is stale, and the path and
    /// text come back.
    pub fn article(
        self,
        path: PathBuf,
        text: String,
        plain: bool,
    ) -> Result<Article, (PathBuf, String)> {
        if self.plain != plain || self.hash != hash(&text) || !known(&self.local) {
            return Err((path, text));
        }
        Ok(Article::cached(
            path,
            text,
            plain,
            self.summary,
            findings(self.local),
        ))
    }

    /// Whether this entry stands for the file at `path` as it is now
    /// without reading it: it carries a stamp equal to the file's (see
    /// [`Stamp`]), a well-formed line index and findings of known rules.
    pub fn vouches_for(&self, path: &Path, plain: bool) -> bool {
        self.plain == plain
            && self.stamp.is_some()
            && known(&self.local)
            && self.lines.as_ref().is_some_and(LineIndex::well_formed)
            && self.stamp == Stamp::of(path)
    }

    /// The article at `path`, not read (for an entry that
    /// [`Cached::vouches_for`] it): summary, findings and line index, as
    /// the language server keeps a closed file.
    pub fn unread(self, path: PathBuf, plain: bool) -> Article {
        let lines = self.lines.unwrap_or_default();
        Article::unread(path, plain, self.summary, findings(self.local), lines)
    }
}

/// Whether every stored finding names a rule of this build (codes are
/// `&'static str`: an unknown one, a rule renamed since, makes the entry
/// stale).
fn known(local: &[Finding]) -> bool {
    local.iter().all(|f| RULES.iter().any(|r| r.code == f.code))
}

/// The stored per-article findings as diagnostics (those of known rules:
/// see [`known`]).
fn findings(local: Vec<Finding>) -> Vec<Diagnostic> {
    local
        .into_iter()
        .filter_map(|f| {
            let code = RULES.iter().find(|r| r.code == f.code)?.code;
            Some(Diagnostic {
                file: FileRef::Article(0),
                range: f.range,
                code,
                severity: f.severity,
                message: f.message,
                help: f.help.map(Into::into),
                fix: f.fix.map(Box::new),
            })
        })
        .collect()
}

/// Writes the cache for the articles of `corpus` (loaded from its root),
/// atomically (a temporary file renamed into place). Articles whose
/// findings were not computed, or whose text is not held, are left out.
/// Returns the file written.
pub fn save(corpus: &Corpus) -> std::io::Result<PathBuf> {
    let dir =
        directory().ok_or_else(|| std::io::Error::other("no cache directory on this platform"))?;
    save_in(&dir, corpus)
}

/// [`save`] with the cache directory given.
pub fn save_in(dir: &Path, corpus: &Corpus) -> std::io::Result<PathBuf> {
    save_settled(dir, corpus, SETTLE)
}

/// [`save_in`], stamping the files last written `settle` or more before
/// the corpus was loaded (tests shorten it).
fn save_settled(
    dir: &Path,
    corpus: &Corpus,
    settle: std::time::Duration,
) -> std::io::Result<PathBuf> {
    use rayon::prelude::*;
    let root = &corpus.root;
    let path = file_in(dir, root);
    let entries: Vec<EntryOut<'_>> = corpus
        .articles
        .par_iter()
        .filter_map(|a| {
            let local = a.local.get()?;
            // Only for the text the summary was derived from: an
            // article whose text was let go is not written.
            let text = a.held_text()?;
            // Stamped now, after the read: if the file was written since,
            // its change time is after the load started, and it is not
            // settled (see the module's documentation).
            let stamp = corpus
                .loaded_at
                .and_then(|t| Stamp::of(&a.path).filter(|s| s.settled(t, settle)));
            Some(EntryOut {
                path: a.path.to_str()?,
                hash: hash(text),
                stamp,
                plain: a.plain,
                summary: &a.summary,
                local: local
                    .iter()
                    .map(|d| FindingOut {
                        range: d.range.clone(),
                        code: d.code,
                        severity: d.severity,
                        message: &d.message,
                        help: d.help.as_deref(),
                        fix: d.fix.as_deref(),
                    })
                    .collect(),
                lines: LineIndex::new(text),
            })
        })
        .collect();
    // The index only for a cache of every article (see the module's
    // documentation).
    let index = if entries.len() == corpus.articles.len() {
        index_parts(&corpus.index)
            .transpose()
            .map_err(std::io::Error::other)?
    } else {
        None
    };
    let header = Header {
        magic: *MAGIC,
        format: FORMAT,
        build: BUILD.clone(),
        root: root_key(root),
        index: index.is_some(),
    };
    let mut chunks: Vec<Vec<u8>> = entries
        .par_chunks(CHUNK)
        .map(|c| crate::corpus::name::written_as_numbers(|| postcard::to_stdvec(c)))
        .collect::<Result<_, _>>()
        .map_err(std::io::Error::other)?;
    chunks.extend(index.into_iter().flatten());
    // Last, the names the numbers above refer to (taken after them: every
    // name they hold was interned before it was written).
    chunks.push(postcard::to_stdvec(&crate::corpus::name::table()).map_err(std::io::Error::other)?);
    let mut bytes = postcard::to_stdvec(&header).map_err(std::io::Error::other)?;
    bytes.extend(frame_chunks(&chunks));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, &bytes)?;
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::check_corpus;
    use crate::corpus::Corpus;

    fn write(root: &Path, name: &str, text: &str) {
        std::fs::write(root.join(name), text).expect("write");
    }

    /// A small corpus with per-article findings (a garbled decade, an
    /// unsourced claim) and cross-document ones (an unknown entity).
    fn corpus() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(
            root,
            "entities.toml",
            "[entities.prk]\nname = \"North Korea\"\nkind = \"country\"\n",
        );
        write(
            root,
            "a.news",
            "+++\npublished = 2024-03-01\n+++\n[North Korea]{@prk} said in the src950s it had [no plans]{.claim}.\n",
        );
        write(
            root,
            "b.news",
            "+++\npublished = 2024-03-02\n+++\n[Seoul]{@kor} replied.\n",
        );
        dir
    }

    fn codes(corpus: &Corpus) -> Vec<(crate::checks::FileRef, &'static str, TextRange)> {
        check_corpus(corpus)
            .into_iter()
            .map(|d| (d.file, d.code, d.range))
            .collect()
    }

    #[test]
    fn an_unchanged_corpus_comes_from_the_cache_with_the_same_findings() {
        let c = corpus();
        let cache_dir = tempfile::tempdir().expect("tempdir");
        let cold = Corpus::load_summaries(c.path(), &[]);
        let expected = codes(&cold);
        assert!(
            expected.iter().any(|f| f.1 == "garbled-token"),
            "{expected:?}"
        );
        assert!(
            expected.iter().any(|f| f.1 == "unknown-entity"),
            "{expected:?}"
        );
        save_in(cache_dir.path(), &cold).expect("save");

        let warm = Corpus::load_cached(c.path(), &[], Cache::open_in(cache_dir.path(), c.path()));
        assert_eq!(warm.cache_hits, 2);
        assert_eq!(warm.cache_ignored, None);
        assert_eq!(codes(&warm), expected);
        // Every article from the cache: the index too, as built.
        assert!(warm.index_cached);
        assert_eq!(warm.index, cold.index);
        // Features that need the spans parse the text again.
        assert_eq!(
            warm.articles[0].doc().spans.len(),
            cold.articles[0].doc().spans.len()
        );
    }

    /// Entries are matched to the walked paths in one ordered pass: every
    /// article of a corpus with nested folders (whose path order is not
    /// plain text order: `a/z.news` sorts before `a-b.news`) and more
    /// entries than one chunk holds must be found.
    #[test]
    fn every_article_of_a_nested_corpus_larger_than_a_chunk_is_found() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for sub in ["a", "a/b", "a-b", "c"] {
            std::fs::create_dir_all(root.join(sub)).expect("mkdir");
        }
        let mut n = 0;
        for (k, sub) in ["a", "a/b", "a-b", "c", "."]
            .iter()
            .cycle()
            .take(CHUNK + 300)
            .enumerate()
        {
            write(
                &root.join(sub),
                &format!("x{k}.news"),
                &format!("In the src950s, {k}.\n"),
            );
            n += 1;
        }
        write(root, "a-b.news", "Said [Seoul]{@kor}.\n");
        n += 1;
        let cache_dir = tempfile::tempdir().expect("tempdir");
        let cold = Corpus::load_summaries(root, &[]);
        assert_eq!(cold.articles.len(), n);
        assert!(cold.articles.windows(2).all(|w| w[0].path < w[1].path));
        save_in(cache_dir.path(), &cold).expect("save");

        let warm = Corpus::load_cached(root, &[], Cache::open_in(cache_dir.path(), root));
        assert_eq!((warm.cache_hits, warm.cache_entries), (n, n));
        assert_eq!(warm.cache_ignored, None);
        let paths = |c: &Corpus| {
            c.articles
                .iter()
                .map(|a| a.path.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(paths(&warm), paths(&cold));
        assert_eq!(codes(&warm), codes(&cold));
    }

    /// What the server keeps of a closed article, for comparing loads.
    fn kept(corpus: &Corpus) -> Vec<(&Path, &Summary, Option<&LineIndex>)> {
        corpus
            .articles
            .iter()
            .map(|a| (a.path.as_path(), &a.summary, a.lines()))
            .collect()
    }

    /// [`corpus`], loaded once its files are older than the clock's
    /// granularity, and its cache written with every file stamped (settled
    /// at once rather than after `SETTLE`): the corpus, the cache
    /// directory and the cold load.
    fn stamped() -> (tempfile::TempDir, tempfile::TempDir, Corpus) {
        let c = corpus();
        std::thread::sleep(std::time::Duration::from_millis(50));
        let cache_dir = tempfile::tempdir().expect("tempdir");
        let cold = Corpus::load_summaries(c.path(), &[]);
        save_settled(cache_dir.path(), &cold, std::time::Duration::ZERO).expect("save");
        (c, cache_dir, cold)
    }

    #[test]
    fn a_file_unwritten_since_its_entry_is_taken_by_its_stamp_without_reading_it() {
        let (c, cache_dir, cold) = stamped();

        let warm = Corpus::load_cached(c.path(), &[], Cache::open_in(cache_dir.path(), c.path()));
        assert_eq!((warm.cache_hits, warm.cache_unread), (2, 2));
        assert!(warm.articles.iter().all(|a| a.held_text().is_none()));
        assert_eq!(codes(&warm), codes(&cold));
        // The line indexes came from the cache, as release() makes them.
        let mut released = Corpus::load_summaries(c.path(), &[]);
        for a in &mut released.articles {
            a.release();
        }
        assert_eq!(kept(&warm), kept(&released));
    }

    /// A file written again keeps its size and can get its modification
    /// time back (`touch -d`, an editor or a tool preserving it), but not
    /// its change time: it is read and hashed.
    #[test]
    fn an_edited_file_with_its_old_size_and_mtime_is_still_read() {
        let (c, cache_dir, _) = stamped();
        let path = c.path().join("a.news");
        let mtime = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .expect("mtime");
        let a = std::fs::read_to_string(&path).expect("read");
        write(c.path(), "a.news", &a.replace("src950s", "1950s  "));
        std::fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(mtime))
            .expect("set mtime");

        let warm = Corpus::load_cached(c.path(), &[], Cache::open_in(cache_dir.path(), c.path()));
        assert_eq!((warm.cache_hits, warm.cache_unread), (1, 1), "b.news only");
        let fresh = Corpus::load_summaries(c.path(), &[]);
        assert_eq!(codes(&warm), codes(&fresh));
        assert!(!codes(&warm).iter().any(|f| f.1 == "garbled-token"));
    }

    /// A file written just before the load might be written again within
    /// the same tick of the file system's clock, its stamp unchanged: its
    /// entry carries none, and it is hashed.
    #[test]
    fn a_file_written_just_before_the_load_is_hashed_not_stamped() {
        let c = corpus();
        let cache_dir = tempfile::tempdir().expect("tempdir");
        let cold = Corpus::load_summaries(c.path(), &[]);
        save_in(cache_dir.path(), &cold).expect("save");
        let warm = Corpus::load_cached(c.path(), &[], Cache::open_in(cache_dir.path(), c.path()));
        assert_eq!((warm.cache_hits, warm.cache_unread), (2, 0));
        assert_eq!(codes(&warm), codes(&cold));
    }

    #[test]
    fn an_edited_file_is_never_served_from_the_cache() {
        let c = corpus();
        let cache_dir = tempfile::tempdir().expect("tempdir");
        let cold = Corpus::load_summaries(c.path(), &[]);
        save_in(cache_dir.path(), &cold).expect("save");
        // Same length, so only the content tells the change.
        let a = std::fs::read_to_string(c.path().join("a.news")).expect("read");
        write(c.path(), "a.news", &a.replace("src950s", "1950s  "));

        let warm = Corpus::load_cached(c.path(), &[], Cache::open_in(cache_dir.path(), c.path()));
        assert_eq!(warm.cache_hits, 1, "b.news only");
        let fresh = Corpus::load_summaries(c.path(), &[]);
        assert_eq!(codes(&warm), codes(&fresh));
        assert!(!codes(&warm).iter().any(|f| f.1 == "garbled-token"));
        assert!(!warm.index_cached, "built again: a summary changed");
        assert_eq!(warm.index, fresh.index);
    }

    /// The shipped corpus (quotes long enough for `unlinked-quote`'s
    /// shingles, claims, dates, sources): its index read back is the one
    /// built, part for part.
    #[test]
    fn the_shipped_corpus_index_reads_back_as_built() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
        let cache_dir = tempfile::tempdir().expect("tempdir");
        let cold = Corpus::load_summaries(&root, &[]);
        assert!(
            cold.index.shingles.len() > 100,
            "{}",
            cold.index.shingles.len()
        );
        assert!(cold.index.groups.len() > 50, "{}", cold.index.groups.len());
        save_in(cache_dir.path(), &cold).expect("save");
        let warm = Corpus::load_cached(&root, &[], Cache::open_in(cache_dir.path(), &root));
        assert!(warm.index_cached);
        assert_eq!(warm.index.shingles, cold.index.shingles);
        assert_eq!(warm.index, cold.index);
        assert_eq!(codes(&warm), codes(&cold));
    }

    /// The stored index is the corpus's only when the articles are exactly
    /// those it was built from: a file added or removed since means a
    /// build, and so does a stored index pointing outside the corpus.
    #[test]
    fn the_stored_index_is_used_only_for_the_articles_it_was_built_from() {
        let c = corpus();
        let cache_dir = tempfile::tempdir().expect("tempdir");
        let cold = Corpus::load_summaries(c.path(), &[]);
        save_in(cache_dir.path(), &cold).expect("save");
        let load =
            || Corpus::load_cached(c.path(), &[], Cache::open_in(cache_dir.path(), c.path()));
        assert!(load().index_cached);

        write(
            c.path(),
            "c.news",
            "Said [Seoul]{@kor} and [Pyongyang]{@prk}.\n",
        );
        let warm = load();
        assert_eq!(warm.cache_hits, 2);
        assert!(!warm.index_cached, "c.news is new");
        assert_eq!(warm.index, Corpus::load_summaries(c.path(), &[]).index);

        std::fs::remove_file(c.path().join("c.news")).expect("remove");
        std::fs::remove_file(c.path().join("b.news")).expect("remove");
        let warm = load();
        assert_eq!((warm.cache_hits, warm.cache_entries), (1, 2));
        assert!(!warm.index_cached, "b.news is gone");
        assert_eq!(warm.index, Corpus::load_summaries(c.path(), &[]).index);

        // Damaged: an article number past the corpus.
        let c = corpus();
        let mut bad = Corpus::load_summaries(c.path(), &[]);
        bad.index.groups.values_mut().for_each(|l| l.push(7));
        save_in(cache_dir.path(), &bad).expect("save");
        let warm = Corpus::load_cached(c.path(), &[], Cache::open_in(cache_dir.path(), c.path()));
        assert_eq!(warm.cache_hits, 2);
        assert!(!warm.index_cached);
        assert_eq!(warm.index, Corpus::load_summaries(c.path(), &[]).index);
    }

    #[test]
    fn a_damaged_foreign_or_missing_cache_means_a_cold_start() {
        let c = corpus();
        let other = corpus();
        let cache_dir = tempfile::tempdir().expect("tempdir");
        let cold = Corpus::load_summaries(c.path(), &[]);
        let expected = codes(&cold);
        let file = save_in(cache_dir.path(), &cold).expect("save");
        let good = std::fs::read(&file).expect("read");

        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("truncated", good[..good.len() / 2].to_vec()),
            ("garbage", b"not a cache at all".to_vec()),
            ("empty", Vec::new()),
            ("another build", {
                let header = Header {
                    magic: *MAGIC,
                    format: FORMAT,
                    build: "0.0.0+elsewhere".into(),
                    root: root_key(c.path()),
                    index: false,
                };
                let mut b = postcard::to_stdvec(&header).expect("encode");
                b.extend(frame_chunks(&[]));
                b
            }),
        ];
        for (what, bytes) in cases {
            std::fs::write(&file, &bytes).expect("write");
            let warm =
                Corpus::load_cached(c.path(), &[], Cache::open_in(cache_dir.path(), c.path()));
            assert_eq!(warm.cache_hits, 0, "{what}");
            assert!(warm.cache_ignored.is_some() || bytes.is_empty(), "{what}");
            assert_eq!(codes(&warm), expected, "{what}");
        }

        // Another corpus's cache, copied over this one's name.
        let theirs =
            save_in(cache_dir.path(), &Corpus::load_summaries(other.path(), &[])).expect("save");
        std::fs::copy(&theirs, &file).expect("copy");
        let warm = Corpus::load_cached(c.path(), &[], Cache::open_in(cache_dir.path(), c.path()));
        assert_eq!(warm.cache_hits, 0);
        assert_eq!(
            warm.cache_ignored
                .as_deref()
                .map(|w| w.ends_with("written for another corpus")),
            Some(true)
        );

        // Deleted: a cold start, no complaint.
        std::fs::remove_file(&file).expect("remove");
        let warm = Corpus::load_cached(c.path(), &[], Cache::open_in(cache_dir.path(), c.path()));
        assert_eq!((warm.cache_hits, warm.cache_ignored), (0, None));
    }
}
