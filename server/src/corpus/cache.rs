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
//! The entries are stored in chunks, in the corpus's path order: opening
//! the file only reads it and checks its header; the chunks are decoded on
//! every core while the corpus folder is walked ([`Cache::decode`]), and
//! entries are matched to the walked paths in one ordered pass, not looked
//! up by path.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::{Article, Summary};
use crate::checks::{Diagnostic, FileRef, Fix, RULES, Severity};
use crate::syntax::TextRange;

/// Bumped whenever what is stored changes shape or meaning.
const FORMAT: u32 = 2;
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
}

#[derive(Serialize, Deserialize)]
struct Entry {
    path: String,
    hash: u128,
    plain: bool,
    summary: Summary,
    local: Vec<Finding>,
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
    plain: bool,
    summary: &'a Summary,
    local: Vec<FindingOut<'a>>,
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
    plain: bool,
    summary: Summary,
    local: Vec<Finding>,
}

/// A corpus's cache file: read and its header checked by [`Cache::open`],
/// its entries decoded by [`Cache::decode`].
#[derive(Default)]
pub struct Cache {
    /// The file's bytes, until decoded: the chunks start at `body_start`.
    body: Vec<u8>,
    body_start: usize,
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
    /// Reads the cache of the corpus at `root`. Never fails: a missing,
    /// outdated or damaged file gives an empty cache.
    pub fn open(root: &Path) -> Cache {
        match directory() {
            Some(dir) => Cache::open_in(&dir, root),
            None => Cache::default(),
        }
    }

    /// [`Cache::open`] with the cache directory given.
    pub fn open_in(dir: &Path, root: &Path) -> Cache {
        let path = file_in(dir, root);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Cache::default(),
            Err(e) => return Cache::ignoring(format!("cannot read {}: {e}", path.display())),
        };
        match Cache::check_header(root, &bytes) {
            Ok(at) => Cache {
                body: bytes,
                body_start: at,
                ignored: None,
            },
            Err(why) => Cache::ignoring(format!("{}: {why}", path.display())),
        }
    }

    fn ignoring(why: String) -> Cache {
        Cache {
            ignored: Some(why),
            ..Cache::default()
        }
    }

    /// Where the chunks start, if the header is this build's for `root`.
    fn check_header(root: &Path, bytes: &[u8]) -> Result<usize, String> {
        let (header, rest): (Header, &[u8]) =
            postcard::take_from_bytes(bytes).map_err(|e| format!("not a cache file ({e})"))?;
        if &header.magic != MAGIC || header.format != FORMAT || header.build != *BUILD {
            return Err("written by another build of newsmark".into());
        }
        if header.root != root_key(root) {
            return Err("written for another corpus".into());
        }
        Ok(bytes.len() - rest.len())
    }

    /// Decodes the entries, chunks in parallel. A damaged file gives no
    /// entries and says why in [`Cache::ignored`].
    pub fn decode(&mut self) -> Entries {
        use rayon::prelude::*;
        let file = std::mem::take(&mut self.body);
        let Some(body) = file.get(self.body_start..).filter(|b| !b.is_empty()) else {
            return Entries::default();
        };
        let decoded = split_chunks(body)
            .ok_or_else(|| "chunks cut short".to_string())
            .and_then(|chunks| {
                chunks
                    .par_iter()
                    .map(|c| postcard::from_bytes::<Vec<Entry>>(c).map_err(|e| e.to_string()))
                    .collect::<Result<Vec<Vec<Entry>>, String>>()
            });
        let chunks = match decoded {
            Ok(chunks) => chunks,
            Err(e) => {
                self.ignored = Some(format!("damaged ({e})"));
                return Entries::default();
            }
        };
        Entries::of(chunks)
    }
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

/// The chunks framed by [`frame_chunks`]; `None` if the bytes are cut short.
fn split_chunks(mut bytes: &[u8]) -> Option<Vec<&[u8]>> {
    fn number(bytes: &mut &[u8]) -> Option<usize> {
        let (n, rest) = bytes.split_first_chunk::<8>()?;
        *bytes = rest;
        usize::try_from(u64::from_le_bytes(*n)).ok()
    }
    let count = number(&mut bytes)?;
    // Not trusted for an allocation: a garbled count must not reserve
    // terabytes.
    let mut out = Vec::with_capacity(count.min(bytes.len() / 8));
    for _ in 0..count {
        let len = number(&mut bytes)?;
        let (chunk, rest) = bytes.split_at_checked(len)?;
        out.push(chunk);
        bytes = rest;
    }
    bytes.is_empty().then_some(out)
}

impl Entries {
    fn of(mut chunks: Vec<Vec<Entry>>) -> Entries {
        let len = chunks.iter().map(Vec::len).sum();
        // Written in path order; sorted here should a writer ever not.
        let sorted = chunks
            .iter()
            .flatten()
            .is_sorted_by(|a, b| Path::new(&a.path) <= Path::new(&b.path));
        if !sorted {
            let mut all: Vec<Entry> = chunks.into_iter().flatten().collect();
            all.sort_by(|a, b| Path::new(&a.path).cmp(Path::new(&b.path)));
            chunks = vec![all];
        }
        Entries {
            chunks: chunks.into_iter(),
            current: Vec::new().into_iter().peekable(),
            len,
        }
    }

    /// The next entry, if any.
    fn front(&mut self) -> Option<&Entry> {
        while self.current.peek().is_none() {
            self.current = self.chunks.next()?.into_iter().peekable();
        }
        self.current.peek()
    }

    /// Takes the entry for `path` out of the cache. Paths must be asked
    /// for in ascending order (the entries before `path` are dropped).
    pub fn take(&mut self, path: &Path) -> Option<Cached> {
        while self.front().is_some_and(|e| Path::new(&e.path) < path) {
            self.current.next();
        }
        if self.front().is_some_and(|e| Path::new(&e.path) == path) {
            return self.current.next().map(|e| Cached {
                hash: e.hash,
                plain: e.plain,
                summary: e.summary,
                local: e.local,
            });
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
        if self.plain != plain || self.hash != hash(&text) {
            return Err((path, text));
        }
        let local = self
            .local
            .into_iter()
            .map(|f| {
                // Codes are `&'static str`: an unknown one (a rule renamed
                // since) makes the entry stale.
                let code = RULES.iter().find(|r| r.code == f.code)?.code;
                Some(Diagnostic {
                    file: FileRef::Article(0),
                    range: f.range,
                    code,
                    severity: f.severity,
                    message: f.message,
                    help: f.help,
                    fix: f.fix.map(Box::new),
                })
            })
            .collect::<Option<Vec<_>>>();
        match local {
            Some(local) => Ok(Article::cached(path, text, plain, self.summary, local)),
            None => Err((path, text)),
        }
    }
}

/// Writes the cache for `articles` of the corpus at `root`, atomically
/// (a temporary file renamed into place). Articles whose findings were not
/// computed are left out. Returns the file written.
pub fn save(root: &Path, articles: &[Article]) -> std::io::Result<PathBuf> {
    let dir =
        directory().ok_or_else(|| std::io::Error::other("no cache directory on this platform"))?;
    save_in(&dir, root, articles)
}

/// [`save`] with the cache directory given.
pub fn save_in(dir: &Path, root: &Path, articles: &[Article]) -> std::io::Result<PathBuf> {
    use rayon::prelude::*;
    let path = file_in(dir, root);
    let entries: Vec<EntryOut<'_>> = articles
        .par_iter()
        .filter_map(|a| {
            let local = a.local.get()?;
            Some(EntryOut {
                path: a.path.to_str()?,
                // Only for the text the summary was derived from: an
                // article whose text was let go is not written.
                hash: hash(a.held_text()?),
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
            })
        })
        .collect();
    let header = Header {
        magic: *MAGIC,
        format: FORMAT,
        build: BUILD.clone(),
        root: root_key(root),
    };
    let chunks: Vec<Vec<u8>> = entries
        .par_chunks(CHUNK)
        .map(postcard::to_stdvec)
        .collect::<Result<_, _>>()
        .map_err(std::io::Error::other)?;
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
        save_in(cache_dir.path(), c.path(), &cold.articles).expect("save");

        let warm = Corpus::load_cached(c.path(), &[], Cache::open_in(cache_dir.path(), c.path()));
        assert_eq!(warm.cache_hits, 2);
        assert_eq!(warm.cache_ignored, None);
        assert_eq!(codes(&warm), expected);
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
        save_in(cache_dir.path(), root, &cold.articles).expect("save");

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

    #[test]
    fn an_edited_file_is_never_served_from_the_cache() {
        let c = corpus();
        let cache_dir = tempfile::tempdir().expect("tempdir");
        let cold = Corpus::load_summaries(c.path(), &[]);
        save_in(cache_dir.path(), c.path(), &cold.articles).expect("save");
        // Same length, so only the content tells the change.
        let a = std::fs::read_to_string(c.path().join("a.news")).expect("read");
        write(c.path(), "a.news", &a.replace("src950s", "1950s  "));

        let warm = Corpus::load_cached(c.path(), &[], Cache::open_in(cache_dir.path(), c.path()));
        assert_eq!(warm.cache_hits, 1, "b.news only");
        let fresh = Corpus::load_summaries(c.path(), &[]);
        assert_eq!(codes(&warm), codes(&fresh));
        assert!(!codes(&warm).iter().any(|f| f.1 == "garbled-token"));
    }

    #[test]
    fn a_damaged_foreign_or_missing_cache_means_a_cold_start() {
        let c = corpus();
        let other = corpus();
        let cache_dir = tempfile::tempdir().expect("tempdir");
        let cold = Corpus::load_summaries(c.path(), &[]);
        let expected = codes(&cold);
        let file = save_in(cache_dir.path(), c.path(), &cold.articles).expect("save");
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
        let theirs = save_in(
            cache_dir.path(),
            other.path(),
            &Corpus::load_summaries(other.path(), &[]).articles,
        )
        .expect("save");
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
