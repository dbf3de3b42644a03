//! `newsmark lsp`: the language server over stdio. The only module that
//! knows LSP: it keeps the editor's open documents (ropey), feeds their text
//! into the corpus, converts positions, and turns `ide` and `checks` results
//! into protocol types.

mod convert;
pub mod position;
mod transport;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use ropey::Rope;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::checks::{self, FileRef};
use crate::corpus::{Corpus, find_root, read_text};
use position::{Encoding, from_proto};

/// Runs the server on stdin/stdout until the client says `exit`.
pub fn run() -> ExitCode {
    crate::memory::fix_allocator_thresholds();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    // The real stdout: one thread writes whole frames to it (see
    // `transport`).
    let (out, frames) = std::sync::mpsc::channel::<Vec<u8>>();
    let (written, all_written) = std::sync::mpsc::channel::<()>();
    let closing = out.clone();
    std::thread::spawn(move || {
        transport::write_frames(frames, transport::raw_stdout(), written);
    });
    runtime.block_on(async {
        let (service, socket) = LspService::build(Backend::new)
            .custom_method("newsmark/stats", Backend::stats)
            .finish();
        // The framework reads and writes through in-memory pipes; the guard
        // in `transport` owns the real stdin and stdout.
        let (server_in, guard_in) = tokio::io::duplex(1 << 20);
        let (server_out, guard_out) = tokio::io::duplex(1 << 20);
        let handle = tokio::runtime::Handle::current();
        let parse_errors = out.clone();
        // A thread blocked reading stdin does not keep the process alive
        // after `exit`: the process ends when `run` returns.
        std::thread::spawn(move || {
            transport::guard_input(std::io::stdin().lock(), guard_in, parse_errors, handle);
        });
        let output = tokio::spawn(transport::forward_output(guard_out, out));
        Server::new(server_in, server_out, socket)
            .serve(service)
            .await;
        // Let the last responses reach stdout, but never wait forever: the
        // pipe may stay open while the framework's tasks wind down.
        let _ = tokio::time::timeout(Duration::from_millis(500), output).await;
    });
    // An empty frame after the last response: once the writer has reached
    // it, every response is written.
    if closing.send(Vec::new()).is_ok() {
        let _ = all_written.recv_timeout(Duration::from_millis(500));
    }
    runtime.shutdown_background();
    ExitCode::SUCCESS
}

/// An editor buffer, with its syntax tree kept up to date incrementally.
struct Open {
    version: i32,
    rope: Rope,
    parser: tree_sitter::Parser,
    tree: Option<tree_sitter::Tree>,
    /// The text has (or has had) a lone `\r`: the rope's lines (which, as
    /// in LSP, also end at a lone `\r`) are then not tree-sitter's rows
    /// (which end at `\n` only).
    lone_cr: bool,
}

/// Whether `bytes` has a `\r` not followed by `\n` (`next` is the byte
/// after the slice, if any).
fn has_lone_cr(bytes: &[u8], next: Option<u8>) -> bool {
    bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'\r' && bytes.get(i + 1).copied().or(next) != Some(b'\n'))
}

impl Open {
    fn new(version: i32, text: &str) -> Open {
        let mut parser = crate::syntax::parser();
        let tree = parser.parse(text, None);
        Open {
            version,
            rope: Rope::from_str(text),
            parser,
            tree,
            lone_cr: has_lone_cr(text.as_bytes(), None),
        }
    }

    /// The tree-sitter point (row, byte column) of a byte offset.
    fn point(&self, byte: usize) -> tree_sitter::Point {
        let rope = &self.rope;
        if !self.lone_cr {
            let line = rope.byte_to_line(byte);
            return tree_sitter::Point {
                row: line,
                column: byte - rope.line_to_byte(line),
            };
        }
        // Rows counted at `\n` only: a scan (texts with old Mac line ends
        // are rare, and small).
        let (mut row, mut line_start, mut at) = (0, 0, 0);
        for chunk in rope.byte_slice(..byte).chunks() {
            for (i, b) in chunk.bytes().enumerate() {
                if b == b'\n' {
                    row += 1;
                    line_start = at + i + 1;
                }
            }
            at += chunk.len();
        }
        tree_sitter::Point {
            row,
            column: byte - line_start,
        }
    }

    /// Applies one change to the rope and records it in the tree.
    fn edit(&mut self, start: usize, end: usize, new_text: &str) {
        let start_position = self.point(start);
        let old_end_position = self.point(end);
        let (cs, ce) = (self.rope.byte_to_char(start), self.rope.byte_to_char(end));
        self.rope.remove(cs..ce);
        self.rope.insert(cs, new_text);
        let new_end = start + new_text.len();
        if !self.lone_cr {
            // Only the edited stretch and its two neighbours can hold a new
            // lone `\r`.
            let from = self.rope.byte_to_char(start.saturating_sub(1));
            let to = self
                .rope
                .byte_to_char((new_end + 1).min(self.rope.len_bytes()));
            let around = self.rope.slice(from..to).to_string();
            let next = (new_end + 1 < self.rope.len_bytes()).then(|| self.rope.byte(new_end + 1));
            self.lone_cr = has_lone_cr(around.as_bytes(), next);
        }
        let new_end_position = self.point(new_end);
        if let Some(tree) = &mut self.tree {
            tree.edit(&tree_sitter::InputEdit {
                start_byte: start,
                old_end_byte: end,
                new_end_byte: new_end,
                start_position,
                old_end_position,
                new_end_position,
            });
        }
    }

    /// Re-parses, reusing the edited tree and reading the rope's chunks.
    ///
    /// A text holding a NUL byte is parsed from scratch: tree-sitter's
    /// lexer reads NUL as it reads the end of the input, and reusing the
    /// old tree over such text can give another tree than a fresh parse
    /// (the `lsp_edits` fuzz target found one). No article holds NUL (a
    /// corpus file with one is refused as not text), so this costs nothing
    /// in practice and keeps the open document exactly what `check` sees.
    fn reparse(&mut self) {
        let rope = &self.rope;
        let len = rope.len_bytes();
        let old = if rope.chunks().any(|c| c.contains('\0')) {
            None
        } else {
            self.tree.as_ref()
        };
        let mut read = |byte: usize, _: tree_sitter::Point| -> &[u8] {
            if byte >= len {
                return &[];
            }
            let (chunk, chunk_start, _, _) = rope.chunk_at_byte(byte);
            &chunk.as_bytes()[byte - chunk_start..]
        };
        self.tree = self.parser.parse_with_options(&mut read, old, None);
    }
}

/// Test support for `fuzz/` (the `lsp_edits` target), not an API: applies
/// `batches` of edits `(start, end, new_text)` through an open document the
/// way `didChange` does (each edit to the rope and the tree, one incremental
/// re-parse per batch). Offsets are bytes on char boundaries of the text at
/// that point, `start <= end`. After each batch it returns the document's
/// text, a dump of its incrementally parsed tree, and a dump of a fresh parse
/// of that text; the dumps list every node with its byte range and points.
#[doc(hidden)]
pub fn fuzz_edits(
    initial: &str,
    batches: &[Vec<(usize, usize, String)>],
) -> Vec<(String, String, String)> {
    fn dump(tree: Option<&tree_sitter::Tree>) -> String {
        let Some(tree) = tree else {
            return "no tree".into();
        };
        let mut out = String::new();
        let mut cursor = tree.walk();
        let mut depth = 0usize;
        loop {
            let n = cursor.node();
            out.push_str(&format!(
                "{:depth$}{}{}{} {:?} {:?}-{:?}\n",
                "",
                n.kind(),
                if n.is_missing() { " MISSING" } else { "" },
                cursor
                    .field_name()
                    .map_or(String::new(), |f| format!(" {f}:")),
                n.byte_range(),
                (n.start_position().row, n.start_position().column),
                (n.end_position().row, n.end_position().column),
            ));
            if cursor.goto_first_child() {
                depth += 1;
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    return out;
                }
                depth -= 1;
            }
        }
    }
    let mut open = Open::new(1, initial);
    let mut out = Vec::new();
    for batch in batches {
        for (start, end, new_text) in batch {
            open.edit(*start, *end, new_text);
        }
        open.reparse();
        let text = open.rope.to_string();
        let fresh = crate::syntax::parse_tree(&text);
        out.push((text, dump(open.tree.as_ref()), dump(Some(&fresh))));
    }
    out
}

struct State {
    encoding: Encoding,
    roots: Vec<PathBuf>,
    corpora: Vec<Corpus>,
    open: HashMap<PathBuf, Open>,
    /// The files that have diagnostics published (to clear them when
    /// fixed), each with a digest of those findings (to send a file again
    /// only when they changed; the findings themselves stay in the corpus).
    published: HashMap<PathBuf, u64>,
    /// Bumped on every change; a scheduled check runs only if still current.
    generation: u64,
    /// A first refresh of a corpus is not done: a check published the
    /// open files ahead of it, or computed a step of it. The next round
    /// goes on with it.
    refresh_pending: bool,
    /// How long a step of a first refresh runs and how many groups it
    /// computes between looks at the time: [`STEP_BUDGET`] and
    /// [`checks::cross::STEP_KEYS`] (tests take smaller steps).
    step: (Duration, usize),
    debounce: Duration,
    /// The client can register file watchers dynamically.
    watch: bool,
    /// The client shows `$/progress`.
    progress: bool,
    /// The client can fill in a code action's edit later
    /// (`codeAction/resolve`), so the costly ones are offered without it.
    resolve_actions: bool,
    /// The document version last published for each open file.
    sent_versions: HashMap<PathBuf, i32>,
    /// Rule severities from the editor's settings (`initializationOptions.rules`,
    /// replaced by `workspace/didChangeConfiguration`), applied on top of each
    /// corpus's `newsmark.toml`.
    rule_overrides: std::collections::BTreeMap<String, checks::Severity>,
    /// Whether the workspace is being indexed. Meanwhile editor text waits
    /// in `open` and is put into the corpora when indexing ends (loading a
    /// corpus for each opened file would index the workspace twice, under
    /// the lock), and requests wait (`Backend::settled`), so that a file the
    /// index has not reached yet is answered, not an unknown document.
    indexing: Arc<tokio::sync::watch::Sender<Indexing>>,
}

pub struct Backend {
    client: Client,
    state: Arc<Mutex<State>>,
}

/// Marks indexing done when dropped, so that a failure in the indexing task
/// cannot leave requests waiting.
struct DoneOnDrop(Arc<tokio::sync::watch::Sender<Indexing>>);

impl Drop for DoneOnDrop {
    fn drop(&mut self) {
        self.0.send_replace(Indexing::Done);
    }
}

/// See [`State::placer`].
enum Placer<'a> {
    Rope(Rope),
    Lines(&'a crate::corpus::lines::LineIndex),
}

impl position::Place for Placer<'_> {
    fn place(&self, offset: usize, enc: Encoding) -> Position {
        match self {
            Placer::Rope(rope) => rope.place(offset, enc),
            Placer::Lines(lines) => lines.place(offset, enc),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Indexing {
    /// `initialized` has not arrived: answer from what is open.
    NotStarted,
    Running,
    Done,
}

/// Loads the corpus at `root`, summaries only, with the per-article results
/// `newsmark check` cached on disk where the texts still match (the server
/// reads the cache, never writes it).
fn load_root(root: &Path) -> Corpus {
    Corpus::load_cached(root, &[], crate::corpus::cache::Cache::open(root))
}

/// The editor's rule severities in settings shaped like the
/// `initializationOptions` (`{"rules": {"garbled-token": "off"}}`): known
/// codes and levels only (others are ignored). `None` when there is no
/// `rules` object.
fn rule_settings(
    options: &serde_json::Value,
) -> Option<std::collections::BTreeMap<String, checks::Severity>> {
    let rules = options.get("rules")?.as_object()?;
    Some(
        rules
            .iter()
            .filter_map(|(code, level)| {
                Some((
                    checks::rule(code)?.code.to_string(),
                    level.as_str().and_then(checks::Severity::parse)?,
                ))
            })
            .collect(),
    )
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panic while holding the lock would poison it; the data is still
    // consistent (every update replaces whole values), so keep serving.
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs a request handler so that a panic answers that request with an
/// internal error and the server stays up.
fn guard<T>(what: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    // Test seam: lets the protocol tests prove that a panicking handler
    // answers an error instead of taking the server down.
    let f = move || {
        if std::env::var_os("NEWSMARK_TEST_PANIC_IN").is_some_and(|v| v == what) {
            panic!("test panic in {what}");
        }
        f()
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(Error {
            code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
            message: format!("newsmark: internal error in {what}; the server is still running")
                .into(),
            data: None,
        })
    })
}

fn path_of(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}

fn uri_of(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

fn unknown(uri: &Uri) -> Error {
    Error::invalid_params(format!("unknown document {}", uri.as_str()))
}

impl State {
    fn new() -> State {
        State {
            encoding: Encoding::Utf16,
            roots: Vec::new(),
            corpora: Vec::new(),
            open: HashMap::new(),
            published: HashMap::new(),
            generation: 0,
            refresh_pending: false,
            step: (STEP_BUDGET, checks::cross::STEP_KEYS),
            debounce: Duration::from_millis(200),
            watch: false,
            progress: false,
            resolve_actions: false,
            sent_versions: HashMap::new(),
            rule_overrides: std::collections::BTreeMap::new(),
            indexing: Arc::new(tokio::sync::watch::Sender::new(Indexing::NotStarted)),
        }
    }

    /// Replaces the editor's rule severities. A code no longer overridden
    /// goes back to its corpus's `newsmark.toml` level (or the default);
    /// the new ones are applied by the next [`State::diagnose`].
    fn set_rule_overrides(&mut self, rules: std::collections::BTreeMap<String, checks::Severity>) {
        let dropped: Vec<&String> = self
            .rule_overrides
            .keys()
            .filter(|code| !rules.contains_key(*code))
            .collect();
        if !dropped.is_empty() {
            for corpus in &mut self.corpora {
                let base = corpus
                    .config_file
                    .as_ref()
                    .map(|f| crate::corpus::Config::parse(&f.text).rules)
                    .unwrap_or_default();
                for code in &dropped {
                    match base.get(*code) {
                        Some(level) => corpus.config.rules.insert((*code).clone(), *level),
                        None => corpus.config.rules.remove(*code),
                    };
                }
                corpus.invalidate_findings();
            }
        }
        self.rule_overrides = rules;
    }

    /// The corpus holding `path` (or that would hold it).
    fn corpus_of(&self, path: &Path) -> Option<usize> {
        self.corpora
            .iter()
            .position(|c| c.file_ref(path).is_some())
            .or_else(|| self.corpora.iter().position(|c| c.owns(path)))
    }

    fn overlay(&self) -> Vec<(PathBuf, String)> {
        self.open
            .iter()
            .map(|(p, o)| (p.clone(), o.rope.to_string()))
            .collect()
    }

    /// Puts the editor's text of `path` into its corpus.
    fn set_text(&mut self, path: &Path, text: String) {
        if *self.indexing.borrow() == Indexing::Running {
            return;
        }
        let index = match self.corpus_of(path) {
            Some(i) => i,
            None => {
                // A file outside every workspace folder: its own corpus.
                let root = find_root(path);
                self.corpora.push(load_root(&root));
                self.corpora.len() - 1
            }
        };
        // The editor's unsaved texts matter only when the config changes
        // (the corpus is reloaded with them on top).
        let overlay = if self.corpora[index].file_ref(path) == Some(FileRef::Config) {
            self.overlay()
        } else {
            Vec::new()
        };
        let corpus = &mut self.corpora[index];
        corpus.set_text(path, text, &overlay);
        // A closed file keeps its summary and findings, not its parsed
        // document or its text (most of a corpus's memory); a reloaded
        // corpus is loaded that way already.
        if !self.open.contains_key(path)
            && let Some(FileRef::Article(i)) = corpus.file_ref(path)
        {
            corpus.articles[i].release();
        }
    }

    /// The rope of a file: the editor's buffer, else built from the text.
    fn rope(&self, path: &Path, text: &str) -> Rope {
        match self.open.get(path) {
            Some(o) => o.rope.clone(),
            None => Rope::from_str(text),
        }
    }

    /// Resolves a request position: corpus, file and byte offset.
    fn locate(&self, uri: &Uri, pos: Position) -> Option<(usize, FileRef, usize, Rope)> {
        let path = path_of(uri)?;
        let ci = self.corpus_of(&path)?;
        let file = self.corpora[ci].file_ref(&path)?;
        let (_, text) = self.corpora[ci].file_text(file)?;
        let rope = self.rope(&path, &text);
        let offset = from_proto(&rope, pos, self.encoding);
        Some((ci, file, offset, rope))
    }

    /// A whole-document request's file: corpus, file and rope, or the
    /// "unknown document" error.
    fn whole_file(&self, uri: &Uri) -> Result<(usize, FileRef, Rope)> {
        let (ci, file, _, rope) = self
            .locate(uri, Position::new(0, 0))
            .ok_or_else(|| unknown(uri))?;
        Ok((ci, file, rope))
    }

    /// A rope to convert offsets up to `upto` in a file: the editor's
    /// buffer, else built from the text up to the end of `upto`'s line
    /// (positions before it depend on nothing after it), so that results in
    /// many closed files do not each cost a whole-file rope.
    fn rope_upto(&self, path: &Path, text: &str, upto: usize) -> Rope {
        if let Some(o) = self.open.get(path) {
            return o.rope.clone();
        }
        let end = upto.min(text.len());
        // (An offset inside a character, which no finding has, gets the
        // whole text rather than a panic.)
        let end = text
            .get(end..)
            .and_then(|rest| rest.find('\n'))
            .map_or(text.len(), |n| end + n + 1);
        Rope::from_str(text.get(..end).unwrap_or(text))
    }

    /// What positions in `file` up to `upto` are placed with: a closed
    /// article's line index (its text is not in memory, and is not read),
    /// else the buffer or a rope of the text ([`State::rope_upto`]).
    fn placer<'a>(&self, corpus: &'a Corpus, file: FileRef, upto: usize) -> Option<Placer<'a>> {
        let path = corpus.file_path(file)?;
        if !self.open.contains_key(path)
            && let FileRef::Article(i) = file
            && let Some(lines) = corpus.articles.get(i).and_then(|a| a.lines())
        {
            return Some(Placer::Lines(lines));
        }
        let (path, text) = corpus.file_text(file)?;
        Some(Placer::Rope(self.rope_upto(path, &text, upto)))
    }

    fn location(&self, ci: usize, loc: &crate::ide::Location) -> Option<Location> {
        let corpus = &self.corpora[ci];
        let path = corpus.file_path(loc.file)?;
        let at = self.placer(corpus, loc.file, loc.range.end)?;
        Some(Location::new(
            uri_of(path)?,
            position::range_to_proto(&at, &loc.range, self.encoding),
        ))
    }

    /// Adds rename `edits` in corpus `ci` to a workspace edit's `changes`.
    fn add_edits(
        &self,
        ci: usize,
        edits: Vec<crate::ide::rename::Edit>,
        changes: &mut HashMap<Uri, Vec<TextEdit>>,
    ) {
        for e in edits {
            let at = crate::ide::Location {
                file: e.file,
                range: e.range,
            };
            if let Some(loc) = self.location(ci, &at) {
                changes
                    .entry(loc.uri)
                    .or_default()
                    .push(TextEdit::new(loc.range, e.new_text));
            }
        }
    }

    /// [`State::diagnose`], and if a rule panics (a bug), forget every cached
    /// finding so that the next check starts from scratch rather than from
    /// a half-updated cache; the panic still fails this check.
    fn diagnose_or_reset(&mut self, round: Round) -> Published {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.diagnose(round))) {
            Ok(out) => out,
            Err(panic) => {
                for corpus in &mut self.corpora {
                    corpus.invalidate_findings();
                }
                std::panic::resume_unwind(panic)
            }
        }
    }

    /// Brings the findings up to date and returns what to publish: the
    /// files whose findings changed (after an edit, only those the edit can
    /// affect are looked at), open files with a new version, and files that
    /// had findings and left every corpus.
    fn diagnose(&mut self, round: Round) -> Published {
        let mut out = Vec::new();
        let mut everything = false;
        for corpus in &mut self.corpora {
            for (code, level) in &self.rule_overrides {
                if corpus.config.rules.insert(code.clone(), *level) != Some(*level) {
                    // Severities are applied per file when findings are
                    // read: every file must be read again.
                    corpus.invalidate_findings();
                }
            }
        }
        for corpus in &self.corpora {
            let mut cross = corpus.cross();
            // Before the first refresh of a corpus (every group: seconds at
            // 100,000 articles, under the lock) its open articles get
            // their findings from their own groups, and the refresh is left
            // to the next round: the file in front of the user shows its
            // diagnostics at once.
            let open_articles: Vec<FileRef> = if round == Round::OpenFirst && !cross.is_fresh() {
                let mut v: Vec<FileRef> = self
                    .open
                    .keys()
                    .filter_map(|p| corpus.file_ref(p))
                    .filter(|f| matches!(f, FileRef::Article(_)))
                    .collect();
                v.sort_unstable();
                v
            } else {
                Vec::new()
            };
            let early = !open_articles.is_empty();
            let files: Vec<FileRef> = if early {
                self.refresh_pending = true;
                open_articles
            } else {
                let changed = match round {
                    Round::Whole => Some(cross.refresh(corpus)),
                    Round::OpenFirst | Round::Step => {
                        cross.refresh_step(corpus, self.step.0, self.step.1)
                    }
                };
                let Some(changed) = changed else {
                    // The rest in the next round, the lock released in
                    // between.
                    self.refresh_pending = true;
                    continue;
                };
                match changed {
                    checks::cross::Changed::All => {
                        everything = true;
                        // Open files first: the burst after indexing publishes
                        // every file with findings (85,000 at 100k articles,
                        // seconds of messages), and the editor shows these.
                        let mut files = corpus.files();
                        files.sort_by_key(|f| {
                            corpus
                                .file_path(*f)
                                .is_none_or(|p| !self.open.contains_key(p))
                        });
                        files
                    }
                    checks::cross::Changed::Files(mut files) => {
                        // Open files are looked at each time: a new version is
                        // published even when its findings did not change.
                        files.extend(self.open.keys().filter_map(|p| corpus.file_ref(p)));
                        files.sort_unstable();
                        files.dedup();
                        files
                    }
                }
            };
            // What `published` becomes, applied once every file is looked
            // at: a path allocated per file in this loop would sit between
            // the diagnostics being built (freed once sent), and that
            // scatter kept tens of megabytes from going back to the system
            // after the burst of every file's diagnostics.
            let mut now_published: Vec<(FileRef, Option<u64>)> = Vec::new();
            for file in files {
                let Some(path) = corpus.file_path(file) else {
                    continue;
                };
                let list = match file {
                    FileRef::Article(i) if early => checks::article_findings_now(corpus, i),
                    _ => checks::file_findings(corpus, &cross, file),
                };
                let before = self.published.get(path).copied();
                if list.is_empty() && before.is_none() {
                    continue;
                }
                // Unchanged findings are not sent again, unless an open
                // document has a new version to report them for.
                let version = self.open.get(path).map(|o| o.version);
                let digest = (!list.is_empty()).then(|| {
                    use std::hash::{Hash, Hasher};
                    let mut h = std::hash::DefaultHasher::new();
                    list.hash(&mut h);
                    h.finish()
                });
                if before == digest && self.sent_versions.get(path) == version.as_ref() {
                    continue;
                }
                if let Some(v) = version {
                    self.sent_versions.insert(path.to_path_buf(), v);
                }
                let last = list.iter().map(|d| d.range.end).max().unwrap_or(0);
                let diags = if list.is_empty() {
                    Vec::new()
                } else {
                    self.placer(corpus, file, last).map_or_else(Vec::new, |at| {
                        list.iter()
                            .filter_map(|d| convert::diagnostic(&at, d, self.encoding, path))
                            .collect()
                    })
                };
                let Some(uri) = uri_of(path) else { continue };
                now_published.push((file, digest));
                out.push((uri, diags, version));
            }
            for (file, digest) in now_published {
                let Some(path) = corpus.file_path(file) else {
                    continue;
                };
                match digest {
                    Some(d) => {
                        self.published.insert(path.to_path_buf(), d);
                    }
                    None => {
                        self.published.remove(path);
                    }
                }
            }
        }
        if everything {
            // Files that had findings and left every corpus (deleted, turned
            // binary): clear what the editor still shows.
            let gone: Vec<PathBuf> = self
                .published
                .keys()
                .filter(|p| !self.corpora.iter().any(|c| c.file_ref(p).is_some()))
                .cloned()
                .collect();
            for path in gone {
                self.published.remove(&path);
                if let Some(uri) = uri_of(&path) {
                    out.push((uri, Vec::new(), None));
                }
            }
        }
        out
    }
}

/// What a check publishes: each file's diagnostics, with the version of
/// the open document they are for.
type Published = Vec<(Uri, Vec<Diagnostic>, Option<i32>)>;

/// What a check ([`State::diagnose`]) does about a corpus whose
/// cross-document findings are not all computed (after indexing, after
/// its config changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Round {
    /// Publish its open articles from their own groups and leave the rest
    /// to the next rounds (a check after an edit or an open).
    OpenFirst,
    /// Compute a step of its groups (about [`STEP_BUDGET`]); publish every
    /// file once the last step is done.
    Step,
    /// Compute every group now (a pull request for a file's diagnostics
    /// answers with all of them).
    Whole,
}

/// About how long one round of a first refresh holds the server's lock.
const STEP_BUDGET: Duration = Duration::from_millis(150);

/// Sends what a check found (see [`State::diagnose`]), or logs why the
/// check failed.
async fn publish(
    client: &Client,
    result: std::result::Result<Option<Published>, tokio::task::JoinError>,
) {
    match result {
        Ok(Some(batches)) => {
            let many = batches.len() >= BIG_BURST;
            for (uri, diags, version) in batches {
                client.publish_diagnostics(uri, diags, version).await;
            }
            if many {
                crate::memory::release_free_memory();
            }
        }
        Ok(None) => {}
        Err(e) => {
            client
                .log_message(MessageType::ERROR, format!("newsmark: a check failed: {e}"))
                .await
        }
    }
}

/// A publish of this many files (the burst after indexing, a rule's
/// severity changed) is followed by giving the freed memory back to the
/// system ([`crate::memory::release_free_memory`]).
const BIG_BURST: usize = 1000;

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend {
            client,
            state: Arc::new(Mutex::new(State::new())),
        }
    }

    /// Waits until no indexing is running (at once if none is).
    async fn settled(&self) {
        let mut rx = lock(&self.state).indexing.subscribe();
        // An error means the sender is gone, i.e. the server is going down.
        let _ = rx.wait_for(|phase| *phase != Indexing::Running).await;
    }

    /// `newsmark/stats`: counters for benchmarks (how often the per-article
    /// rules ran, how many cross-document groups were computed, how many
    /// articles are indexed, how many came from the cache, how many hold
    /// their text in memory: the open ones only).
    pub async fn stats(&self, _params: serde_json::Value) -> Result<serde_json::Value> {
        self.settled().await;
        let s = lock(&self.state);
        let articles: usize = s.corpora.iter().map(|c| c.articles.len()).sum();
        let groups: u64 = s.corpora.iter().map(|c| c.cross().computed).sum();
        let found: u64 = s.corpora.iter().map(|c| c.cross().found).sum();
        let reported: u64 = s.corpora.iter().map(|c| c.cross().reported).sum();
        let cache_hits: usize = s.corpora.iter().map(|c| c.cache_hits).sum();
        let cache_unread: usize = s.corpora.iter().map(|c| c.cache_unread).sum();
        let index_cached = s.corpora.iter().filter(|c| c.index_cached).count();
        let texts_held = s
            .corpora
            .iter()
            .flat_map(|c| &c.articles)
            .filter(|a| a.held_text().is_some())
            .count();
        // A first computation of every group is under way (in steps).
        let refreshing = s.refresh_pending || s.corpora.iter().any(|c| !c.cross().is_fresh());
        Ok(serde_json::json!({
            "articles": articles,
            "refreshing": refreshing,
            "cache_hits": cache_hits,
            "cache_unread": cache_unread,
            "indexes_cached": index_cached,
            "texts_held": texts_held,
            "cross_groups_computed": groups,
            "cross_findings_computed": found,
            "files_reported_changed": reported,
            "per_article_checks": checks::LOCAL_CHECKS.load(std::sync::atomic::Ordering::Relaxed),
        }))
    }

    /// Checks the corpus after the debounce, unless another change came in.
    fn schedule(&self) {
        let generation = {
            let mut s = lock(&self.state);
            s.generation += 1;
            s.generation
        };
        let state = self.state.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            let debounce = lock(&state).debounce;
            if !debounce.is_zero() {
                tokio::time::sleep(debounce).await;
            }
            let work = state.clone();
            let result = tokio::task::spawn_blocking(move || {
                let mut s = lock(&work);
                (s.generation == generation).then(|| s.diagnose_or_reset(Round::OpenFirst))
            })
            .await;
            publish(&client, result).await;
            // The open files went first, or a first refresh is under way
            // (see `State::diagnose`): go on with it, a step per round,
            // whatever came in meanwhile; requests get the lock between
            // rounds.
            while std::mem::take(&mut lock(&state).refresh_pending) {
                // A moment for the requests waiting on the lock: the lock
                // is not fair, and the next step would take it first.
                tokio::time::sleep(Duration::from_millis(2)).await;
                let work = state.clone();
                let result =
                    tokio::task::spawn_blocking(move || lock(&work).diagnose_or_reset(Round::Step))
                        .await;
                publish(&client, result.map(Some)).await;
            }
        });
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let utf8 = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|e| e.contains(&PositionEncodingKind::UTF8));
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| path_of(&f.uri))
            .collect();
        #[allow(deprecated)]
        if roots.is_empty()
            && let Some(root) = params.root_uri.as_ref().and_then(path_of)
        {
            roots.push(root);
        }
        {
            let mut s = lock(&self.state);
            s.encoding = if utf8 {
                Encoding::Utf8
            } else {
                Encoding::Utf16
            };
            s.roots = roots;
            s.progress = params
                .capabilities
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false);
            let code_action = params
                .capabilities
                .text_document
                .as_ref()
                .and_then(|t| t.code_action.as_ref());
            s.resolve_actions = code_action.is_some_and(|c| {
                c.data_support == Some(true)
                    && c.resolve_support
                        .as_ref()
                        .is_some_and(|r| r.properties.iter().any(|p| p == "edit"))
            });
            s.watch = params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false);
            if let Some(rules) = params
                .initialization_options
                .as_ref()
                .and_then(rule_settings)
            {
                s.rule_overrides = rules;
            }
            if let Some(ms) = params
                .initialization_options
                .as_ref()
                .and_then(|o| o.get("debounceMs"))
                .and_then(serde_json::Value::as_u64)
            {
                s.debounce = Duration::from_millis(ms);
            }
        }
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "newsmark".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(if utf8 {
                    PositionEncodingKind::UTF8
                } else {
                    PositionEncodingKind::UTF16
                }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                document_highlight_provider: Some(OneOf::Left(true)),
                selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                })),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(["@", ".", "=", "#", "{"].map(String::from).to_vec()),
                    ..CompletionOptions::default()
                }),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::REFACTOR_REWRITE,
                        ]),
                        resolve_provider: Some(true),
                        work_done_progress_options: WorkDoneProgressOptions::default(),
                    },
                )),
                document_symbol_provider: Some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                inlay_hint_provider: Some(OneOf::Left(true)),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
                            legend: SemanticTokensLegend {
                                token_types: convert::TOKEN_TYPES.to_vec(),
                                token_modifiers: Vec::new(),
                            },
                            full: Some(SemanticTokensFullOptions::Bool(true)),
                            range: None,
                            work_done_progress_options: WorkDoneProgressOptions::default(),
                        },
                    ),
                ),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                diagnostic_provider: Some(DiagnosticServerCapabilities::Options(
                    DiagnosticOptions {
                        identifier: Some("newsmark".into()),
                        inter_file_dependencies: true,
                        workspace_diagnostics: false,
                        work_done_progress_options: WorkDoneProgressOptions::default(),
                    },
                )),
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(OneOf::Left(true)),
                    }),
                    // A rename of an article's file can change its source
                    // id (the file stem): the client asks for the edits
                    // to its citations first. Every file: a corpus's
                    // `newsmark.toml` may add extensions, and is read after
                    // this answer; a file that is no article gets no edit.
                    file_operations: Some(WorkspaceFileOperationsServerCapabilities {
                        will_rename: Some(FileOperationRegistrationOptions {
                            filters: vec![FileOperationFilter {
                                scheme: Some("file".into()),
                                pattern: FileOperationPattern {
                                    glob: "**/*".into(),
                                    matches: Some(FileOperationPatternKind::File),
                                    options: None,
                                },
                            }],
                        }),
                        ..WorkspaceFileOperationsServerCapabilities::default()
                    }),
                }),
                ..ServerCapabilities::default()
            },
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        // Indexing, progress and watcher registration run in their own task:
        // they wait on the client, and a handler still waiting when `exit`
        // arrives would keep the server from ever exiting.
        let client = self.client.clone();
        let state = self.state.clone();
        let indexing = {
            let s = lock(&self.state);
            s.indexing.send_replace(Indexing::Running);
            s.indexing.clone()
        };
        tokio::spawn(async move {
            // Whatever happens in this task, requests must not wait forever.
            let _done = DoneOnDrop(indexing.clone());
            let roots = lock(&state).roots.clone();
            let token = ProgressToken::String("newsmark-indexing".into());
            // Only clients that said they show progress are asked to; a client
            // that never answers must not stall indexing.
            // Read the flag in its own statement: a guard kept alive across the
            // `.await` below would block every handler until the client answers,
            // and with all workers blocked the answer could never be read.
            let wants_progress = lock(&state).progress;
            let created = wants_progress
                && tokio::time::timeout(
                    Duration::from_secs(5),
                    client.send_request::<request::WorkDoneProgressCreate>(
                        WorkDoneProgressCreateParams {
                            token: token.clone(),
                        },
                    ),
                )
                .await
                .is_ok_and(|r| r.is_ok());
            let progress = if created {
                Some(
                    client
                        .progress(token, "Indexing the corpus")
                        .with_message(format!("{} folder(s)", roots.len()))
                        .begin()
                        .await,
                )
            } else {
                None
            };
            let loaded = tokio::task::spawn_blocking(move || {
                let mut seen = HashSet::new();
                let loaded = roots
                    .iter()
                    .map(|r| find_root(r))
                    .filter(|r| seen.insert(r.clone()))
                    // Per-article findings now, in parallel; then only
                    // summaries stay (open files get their documents back
                    // from the editor's text below).
                    .map(|r| load_root(&r))
                    .collect::<Vec<_>>();
                crate::memory::release_free_memory();
                loaded
            })
            .await
            .unwrap_or_default();
            let articles: usize = loaded.iter().map(|c| c.articles.len()).sum();
            for why in loaded.iter().filter_map(|c| c.cache_ignored.as_ref()) {
                client
                    .log_message(MessageType::LOG, format!("newsmark: cache not used: {why}"))
                    .await;
            }
            {
                let mut s = lock(&state);
                let overlay = s.overlay();
                s.corpora = loaded;
                // Done while the lock is held: no request sees the corpora
                // before the editor's texts are on top.
                s.indexing.send_replace(Indexing::Done);
                for (p, t) in overlay {
                    s.set_text(&p, t);
                }
            }
            if let Some(p) = progress {
                p.finish_with_message(format!("{articles} articles")).await;
            }
            let watch = lock(&state).watch;
            if watch {
                let watchers = vec![FileSystemWatcher {
                    glob_pattern: GlobPattern::String("**/*.{news,toml,txt}".into()),
                    kind: None,
                }];
                let registration = Registration {
                    id: "newsmark-watch".into(),
                    method: "workspace/didChangeWatchedFiles".into(),
                    register_options: serde_json::to_value(
                        DidChangeWatchedFilesRegistrationOptions { watchers },
                    )
                    .ok(),
                };
                if let Err(e) = client.register_capability(vec![registration]).await {
                    client
                        .log_message(
                            MessageType::INFO,
                            format!("newsmark: file watching not available: {e}"),
                        )
                        .await;
                }
            }
            client
                .log_message(
                    MessageType::INFO,
                    format!("newsmark: indexed {articles} articles"),
                )
                .await;
            Backend {
                client: client.clone(),
                state: state.clone(),
            }
            .schedule();
        });
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let Some(path) = path_of(&params.text_document.uri) else {
            return;
        };
        {
            let mut s = lock(&self.state);
            let text = params.text_document.text;
            s.open
                .insert(path.clone(), Open::new(params.text_document.version, &text));
            s.set_text(&path, text);
        }
        self.schedule();
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let Some(path) = path_of(&params.text_document.uri) else {
            return;
        };
        let version = params.text_document.version;
        let problem = {
            let mut s = lock(&self.state);
            let enc = s.encoding;
            match s.open.get_mut(&path) {
                None => Some(format!(
                    "newsmark: ignored a change to {}, which is not open (didOpen first)",
                    path.display()
                )),
                Some(open) if version <= open.version => Some(format!(
                    "newsmark: ignored a stale change (version {version} after {})",
                    open.version
                )),
                Some(open) => {
                    // Versions only have to increase: gaps are normal (Neovim uses
                    // its change tick), so they are applied without a word.
                    for change in params.content_changes {
                        match change.range {
                            Some(range) => {
                                let start = from_proto(&open.rope, range.start, enc);
                                let end = from_proto(&open.rope, range.end, enc).max(start);
                                open.edit(start, end, &change.text);
                            }
                            None => {
                                open.rope = Rope::from_str(&change.text);
                                open.tree = None;
                            }
                        }
                    }
                    open.reparse();
                    open.version = version;
                    let text = open.rope.to_string();
                    let tree = open.tree.clone();
                    let parsed = match (tree, s.corpus_of(&path)) {
                        (Some(tree), Some(ci)) => {
                            s.corpora[ci].set_parsed(&path, text.clone(), &tree)
                        }
                        _ => false,
                    };
                    if !parsed {
                        s.set_text(&path, text);
                    }
                    None
                }
            }
        };
        if let Some(p) = problem {
            self.client.log_message(MessageType::WARNING, p).await;
        }
        self.schedule();
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let Some(path) = path_of(&params.text_document.uri) else {
            return;
        };
        {
            let mut s = lock(&self.state);
            s.open.remove(&path);
            // The file on disk is the truth again.
            match read_text(&path) {
                Ok(text) => s.set_text(&path, text),
                Err(_) => {
                    if let Some(ci) = s.corpus_of(&path) {
                        s.corpora[ci].remove(&path);
                    }
                }
            }
        }
        self.schedule();
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let added: Vec<PathBuf> = params
            .event
            .added
            .iter()
            .filter_map(|f| path_of(&f.uri))
            .collect();
        let removed: Vec<PathBuf> = params
            .event
            .removed
            .iter()
            .filter_map(|f| path_of(&f.uri))
            .collect();
        let loaded = tokio::task::spawn_blocking(move || {
            added
                .iter()
                .map(|r| load_root(&find_root(r)))
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        {
            let mut s = lock(&self.state);
            s.corpora
                .retain(|c| !removed.iter().any(|r| c.root.starts_with(r)));
            for c in loaded {
                if !s.corpora.iter().any(|x| x.root == c.root) {
                    s.corpora.push(c);
                }
            }
        }
        self.schedule();
    }

    /// Settings shaped like the `initializationOptions`, at the top level or
    /// under `newsmark` (Neovim sends its `settings` option as it is):
    /// `rules` replaces the editor's rule severities (`{}` clears them) and
    /// every file's findings are published again; `debounceMs` sets the
    /// debounce. Settings without either change nothing.
    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let settings = params
            .settings
            .get("newsmark")
            .filter(|v| v.is_object())
            .unwrap_or(&params.settings);
        let rules = rule_settings(settings);
        let debounce = settings
            .get("debounceMs")
            .and_then(serde_json::Value::as_u64);
        if rules.is_none() && debounce.is_none() {
            return;
        }
        {
            let mut s = lock(&self.state);
            if let Some(ms) = debounce {
                s.debounce = Duration::from_millis(ms);
            }
            if let Some(rules) = rules {
                s.set_rule_overrides(rules);
            }
        }
        self.schedule();
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        {
            let mut s = lock(&self.state);
            for change in params.changes {
                let Some(path) = path_of(&change.uri) else {
                    continue;
                };
                if s.open.contains_key(&path) {
                    continue;
                }
                if change.typ == FileChangeType::DELETED {
                    if let Some(ci) = s.corpus_of(&path) {
                        s.corpora[ci].remove(&path);
                    }
                    continue;
                }
                let owned = s
                    .corpus_of(&path)
                    .is_some_and(|ci| s.corpora[ci].owns(&path));
                if !owned {
                    continue;
                }
                match read_text(&path) {
                    Ok(text) => s.set_text(&path, text),
                    Err(e) => {
                        if let Some(ci) = s.corpus_of(&path) {
                            s.corpora[ci].remove(&path);
                        }
                        let message = format!("newsmark: {}: {}", path.display(), e.message);
                        let client = self.client.clone();
                        tokio::spawn(async move {
                            client.log_message(MessageType::WARNING, message).await
                        });
                    }
                }
            }
        }
        self.schedule();
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        self.settled().await;
        guard("hover", || {
            let p = params.text_document_position_params;
            let s = lock(&self.state);
            let (ci, file, offset, rope) = s
                .locate(&p.text_document.uri, p.position)
                .ok_or_else(|| unknown(&p.text_document.uri))?;
            Ok(
                crate::ide::hover::hover(&s.corpora[ci], file, offset).map(|h| Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: h.markdown,
                    }),
                    range: Some(position::range_to_proto(&rope, &h.range, s.encoding)),
                }),
            )
        })
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        self.settled().await;
        guard("goto_definition", || {
            let p = params.text_document_position_params;
            let s = lock(&self.state);
            let (ci, file, offset, _) = s
                .locate(&p.text_document.uri, p.position)
                .ok_or_else(|| unknown(&p.text_document.uri))?;
            let locs: Vec<Location> =
                crate::ide::definition::definition(&s.corpora[ci], file, offset)
                    .iter()
                    .filter_map(|l| s.location(ci, l))
                    .collect();
            Ok((!locs.is_empty()).then_some(GotoDefinitionResponse::Array(locs)))
        })
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        self.settled().await;
        guard("references", || {
            let p = params.text_document_position;
            let s = lock(&self.state);
            let (ci, file, offset, _) = s
                .locate(&p.text_document.uri, p.position)
                .ok_or_else(|| unknown(&p.text_document.uri))?;
            let locs = crate::ide::references::references(
                &s.corpora[ci],
                file,
                offset,
                params.context.include_declaration,
            );
            Ok(Some(
                locs.iter().filter_map(|l| s.location(ci, l)).collect(),
            ))
        })
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        self.settled().await;
        guard("document_highlight", || {
            let p = params.text_document_position_params;
            let s = lock(&self.state);
            let (ci, file, offset, rope) = s
                .locate(&p.text_document.uri, p.position)
                .ok_or_else(|| unknown(&p.text_document.uri))?;
            let found = crate::ide::highlight::document_highlights(&s.corpora[ci], file, offset);
            Ok(Some(
                found
                    .into_iter()
                    .map(|h| DocumentHighlight {
                        range: position::range_to_proto(&rope, &h.range, s.encoding),
                        kind: Some(if h.definition {
                            DocumentHighlightKind::WRITE
                        } else {
                            DocumentHighlightKind::READ
                        }),
                    })
                    .collect(),
            ))
        })
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        self.settled().await;
        guard("selection_range", || {
            let s = lock(&self.state);
            let uri = &params.text_document.uri;
            let mut out = Vec::with_capacity(params.positions.len());
            for p in params.positions {
                let (ci, file, offset, rope) = s.locate(uri, p).ok_or_else(|| unknown(uri))?;
                let ranges = crate::ide::selection::selection_ranges(&s.corpora[ci], file, offset);
                // Nested from the outside in: each range's parent holds it.
                let mut nested: Option<Box<SelectionRange>> = None;
                for r in ranges.iter().rev() {
                    nested = Some(Box::new(SelectionRange {
                        range: position::range_to_proto(&rope, r, s.encoding),
                        parent: nested,
                    }));
                }
                // One answer per position, as the protocol asks: the
                // position itself when there is nothing to select.
                out.push(nested.map_or(
                    SelectionRange {
                        range: Range::new(p, p),
                        parent: None,
                    },
                    |b| *b,
                ));
            }
            Ok(Some(out))
        })
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        self.settled().await;
        guard("prepare_rename", || {
            let s = lock(&self.state);
            let (ci, file, offset, rope) = s
                .locate(&params.text_document.uri, params.position)
                .ok_or_else(|| unknown(&params.text_document.uri))?;
            match crate::ide::rename::prepare_rename(&s.corpora[ci], file, offset) {
                Ok((range, placeholder)) => Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
                    range: position::range_to_proto(&rope, &range, s.encoding),
                    placeholder,
                })),
                Err(message) => Err(Error::invalid_params(message)),
            }
        })
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        self.settled().await;
        guard("rename", || {
            let p = params.text_document_position;
            let s = lock(&self.state);
            let (ci, file, offset, _) = s
                .locate(&p.text_document.uri, p.position)
                .ok_or_else(|| unknown(&p.text_document.uri))?;
            let edits = crate::ide::rename::rename(&s.corpora[ci], file, offset, &params.new_name)
                .map_err(Error::invalid_params)?;
            let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
            s.add_edits(ci, edits, &mut changes);
            Ok(Some(WorkspaceEdit {
                changes: Some(changes),
                ..WorkspaceEdit::default()
            }))
        })
    }

    async fn will_rename_files(&self, params: RenameFilesParams) -> Result<Option<WorkspaceEdit>> {
        self.settled().await;
        guard("will_rename_files", || {
            let s = lock(&self.state);
            let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
            for f in &params.files {
                let parse = |u: &str| u.parse::<Uri>().ok().as_ref().and_then(path_of);
                let (Some(old), Some(new)) = (parse(&f.old_uri), parse(&f.new_uri)) else {
                    continue;
                };
                let Some(ci) = s.corpus_of(&old) else {
                    continue;
                };
                let Some(FileRef::Article(i)) = s.corpora[ci].file_ref(&old) else {
                    continue;
                };
                let edits = crate::ide::rename::file_renamed(&s.corpora[ci], i, &new);
                s.add_edits(ci, edits, &mut changes);
            }
            // Nothing to change: no edit, so the editor renames at once.
            Ok((!changes.is_empty()).then(|| WorkspaceEdit {
                changes: Some(changes),
                ..WorkspaceEdit::default()
            }))
        })
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        self.settled().await;
        guard("completion", || {
            let p = params.text_document_position;
            let s = lock(&self.state);
            let (ci, file, offset, rope) = s
                .locate(&p.text_document.uri, p.position)
                .ok_or_else(|| unknown(&p.text_document.uri))?;
            let found = crate::ide::completion::completions(&s.corpora[ci], file, offset);
            // Incomplete: the editor asks again as the user types, rather
            // than filtering a list cut at `completion::LIMIT` itself.
            Ok(Some(CompletionResponse::List(CompletionList {
                is_incomplete: found.incomplete,
                items: found
                    .items
                    .iter()
                    .map(|i| convert::completion(&rope, i, s.encoding))
                    .collect(),
            })))
        })
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.settled().await;
        guard("code_action", || {
            let uri = params.text_document.uri;
            let s = lock(&self.state);
            let path = path_of(&uri).ok_or_else(|| unknown(&uri))?;
            let ci = s.corpus_of(&path).ok_or_else(|| unknown(&uri))?;
            let file = s.corpora[ci].file_ref(&path).ok_or_else(|| unknown(&uri))?;
            let (_, text) = s.corpora[ci].file_text(file).ok_or_else(|| unknown(&uri))?;
            let rope = s.rope(&path, &text);
            let start = from_proto(&rope, params.range.start, s.encoding);
            let end = from_proto(&rope, params.range.end, s.encoding);
            let corpus = &s.corpora[ci];
            let findings = checks::file_findings(corpus, &corpus.cross(), file);
            let actions = convert::code_actions(
                corpus,
                file,
                &rope,
                s.encoding,
                &findings,
                start..end,
                s.resolve_actions,
            );
            Ok(Some(actions))
        })
    }

    async fn code_action_resolve(&self, mut action: CodeAction) -> Result<CodeAction> {
        self.settled().await;
        guard("code_action_resolve", || {
            if action.edit.is_some() {
                return Ok(action);
            }
            let (uri, deferred) = action
                .data
                .as_ref()
                .and_then(convert::deferred_of)
                .ok_or_else(|| {
                    Error::invalid_params("not a code action of this server's to resolve")
                })?;
            let s = lock(&self.state);
            let path = path_of(&uri).ok_or_else(|| unknown(&uri))?;
            let ci = s.corpus_of(&path).ok_or_else(|| unknown(&uri))?;
            let corpus = &s.corpora[ci];
            let file = corpus.file_ref(&path).ok_or_else(|| unknown(&uri))?;
            let (_, text) = corpus.file_text(file).ok_or_else(|| unknown(&uri))?;
            let rope = s.rope(&path, &text);
            action.edit = Some(convert::resolved_edit(
                corpus, file, &rope, s.encoding, &deferred,
            ));
            Ok(action)
        })
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.settled().await;
        guard("document_symbol", || {
            let uri = params.text_document.uri;
            let s = lock(&self.state);
            let (ci, file, rope) = s.whole_file(&uri)?;
            let FileRef::Article(i) = file else {
                return Ok(None);
            };
            let symbols = crate::ide::symbols::document_symbols(&s.corpora[ci], i)
                .iter()
                .map(|sym| convert::document_symbol(&rope, sym, s.encoding))
                .collect();
            Ok(Some(DocumentSymbolResponse::Nested(symbols)))
        })
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        self.settled().await;
        guard("symbol", || {
            let s = lock(&self.state);
            let mut out = Vec::new();
            for ci in 0..s.corpora.len() {
                for (sym, loc) in
                    crate::ide::symbols::workspace_symbols(&s.corpora[ci], &params.query)
                {
                    if let Some(location) = s.location(ci, &loc) {
                        out.push(convert::symbol_information(&sym, location));
                    }
                }
            }
            Ok(Some(WorkspaceSymbolResponse::Flat(out)))
        })
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.settled().await;
        guard("folding_range", || {
            let uri = params.text_document.uri;
            let s = lock(&self.state);
            let (ci, file, rope) = s.whole_file(&uri)?;
            let FileRef::Article(i) = file else {
                return Ok(None);
            };
            Ok(Some(convert::folding(&rope, &s.corpora[ci], i, s.encoding)))
        })
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.settled().await;
        guard("inlay_hint", || {
            let uri = params.text_document.uri;
            let s = lock(&self.state);
            let (ci, file, rope) = s.whole_file(&uri)?;
            let FileRef::Article(i) = file else {
                return Ok(None);
            };
            Ok(Some(convert::inlay_hints(
                &rope,
                &s.corpora[ci],
                i,
                s.encoding,
            )))
        })
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        self.settled().await;
        guard("semantic_tokens_full", || {
            let uri = params.text_document.uri;
            let s = lock(&self.state);
            let (ci, file, rope) = s.whole_file(&uri)?;
            let FileRef::Article(i) = file else {
                return Ok(None);
            };
            let data = convert::semantic_tokens(&rope, &s.corpora[ci], i, s.encoding);
            Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
                result_id: None,
                data,
            })))
        })
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.settled().await;
        guard("code_lens", || {
            let uri = params.text_document.uri;
            let s = lock(&self.state);
            let (ci, file, rope) = s.whole_file(&uri)?;
            Ok(Some(convert::code_lenses(
                &s.corpora[ci],
                file,
                &rope,
                s.encoding,
            )))
        })
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        self.settled().await;
        let mut batches = Vec::new();
        let report = guard("diagnostic", || {
            let uri = params.text_document.uri;
            let mut s = lock(&self.state);
            let path = path_of(&uri).ok_or_else(|| unknown(&uri))?;
            s.corpus_of(&path).ok_or_else(|| unknown(&uri))?;
            // Bringing the findings up to date here consumes what the next
            // scheduled check would have published for other files: publish
            // it now instead.
            batches = s.diagnose_or_reset(Round::Whole);
            let ci = s.corpus_of(&path).ok_or_else(|| unknown(&uri))?;
            let corpus = &s.corpora[ci];
            let file = corpus.file_ref(&path).ok_or_else(|| unknown(&uri))?;
            let at = s
                .placer(corpus, file, usize::MAX)
                .ok_or_else(|| unknown(&uri))?;
            let items = checks::file_findings(corpus, &corpus.cross(), file)
                .iter()
                .filter_map(|d| convert::diagnostic(&at, d, s.encoding, &path))
                .collect();
            Ok(DocumentDiagnosticReportResult::Report(
                DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                    related_documents: None,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id: None,
                        items,
                    },
                }),
            ))
        });
        if !batches.is_empty() {
            let client = self.client.clone();
            tokio::spawn(async move {
                for (uri, diags, version) in batches {
                    client.publish_diagnostics(uri, diags, version).await;
                }
            });
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::Open;

    /// A server state holding one corpus at `/corpus` of `a0.news`,
    /// `a1.news`, … with these texts.
    fn state_with(texts: Vec<String>) -> (std::path::PathBuf, super::State) {
        let root = std::path::PathBuf::from("/corpus");
        let files = texts
            .into_iter()
            .enumerate()
            .map(|(k, t)| (root.join(format!("a{k}.news")), t))
            .collect();
        let mut s = super::State::new();
        s.corpora = vec![crate::corpus::Corpus::from_files(&root, files)];
        (root, s)
    }

    /// After indexing, every file with findings is published (tens of
    /// thousands on a large corpus): the open ones go first.
    #[test]
    fn the_first_publish_after_indexing_starts_with_the_open_files() {
        let (root, mut s) = state_with(vec!["In the src950s.\n".to_string(); 5]);
        let late = root.join("a3.news");
        s.open
            .insert(late.clone(), Open::new(7, "In the src950s.\n"));
        let published = s.diagnose(super::Round::Whole);
        let paths: Vec<_> = published
            .iter()
            .filter_map(|(uri, _, _)| super::path_of(uri))
            .collect();
        assert_eq!(paths.len(), 5, "{paths:?}");
        assert_eq!(paths[0], late);
        assert_eq!(published[0].2, Some(7), "with the open document's version");
        assert!(paths[1..].is_sorted(), "{paths:?}");
    }

    /// Before the first refresh (every group of the corpus: seconds at
    /// 100k articles) a check publishes the open files alone, with their
    /// cross-document findings too, and leaves the refresh to the next
    /// round, which does not send them again.
    #[test]
    fn open_files_are_published_before_the_first_refresh() {
        let text = "In the src950s. [Nobody]{@nobody}\n";
        let (root, mut s) = state_with(vec![text.to_string(); 5]);
        let open = root.join("a3.news");
        s.open.insert(open.clone(), Open::new(7, text));
        let first = s.diagnose(super::Round::OpenFirst);
        assert_eq!(first.len(), 1, "only the open file");
        assert_eq!(super::path_of(&first[0].0), Some(open.clone()));
        assert_eq!(first[0].2, Some(7));
        let codes: Vec<_> = first[0].1.iter().filter_map(|d| d.code.clone()).collect();
        assert_eq!(
            codes,
            [
                tower_lsp_server::ls_types::NumberOrString::String("garbled-token".into()),
                tower_lsp_server::ls_types::NumberOrString::String("unknown-entity".into())
            ]
        );
        assert!(s.refresh_pending);
        assert!(!s.corpora[0].cross().is_fresh());
        let rest = s.diagnose(super::Round::Step);
        let paths: Vec<_> = rest
            .iter()
            .filter_map(|(uri, _, _)| super::path_of(uri))
            .collect();
        assert_eq!(paths.len(), 4, "{paths:?}");
        assert!(!paths.contains(&open), "the open file is not sent again");
        assert!(s.corpora[0].cross().is_fresh());
    }

    /// A first refresh in steps: each round computes a step and publishes
    /// nothing until the last, which publishes every file; an edit made
    /// between steps is in what that last round publishes.
    #[test]
    fn a_first_refresh_in_steps_publishes_every_file_at_its_end() {
        let (root, mut s) = state_with(
            (0..6)
                .map(|k| format!("[Nobody]{{@nobody{k}}}\n"))
                .collect(),
        );
        s.step = (std::time::Duration::ZERO, 1);
        assert!(s.diagnose(super::Round::Step).is_empty());
        assert!(s.refresh_pending, "more steps to go");
        // An edit between steps: a4 now names a known nobody.
        s.corpora[0].set_text(&root.join("a4.news"), "Plain words.\n".into(), &[]);
        let mut rounds = 1;
        let last = loop {
            s.refresh_pending = false;
            let out = s.diagnose(super::Round::Step);
            rounds += 1;
            if !s.refresh_pending {
                break out;
            }
            assert!(out.is_empty(), "nothing published before the last step");
            assert!(rounds < 1000);
        };
        assert!(rounds > 5, "took {rounds} rounds");
        let mut paths: Vec<_> = last
            .iter()
            .filter_map(|(uri, _, _)| super::path_of(uri))
            .collect();
        paths.sort();
        let want: Vec<_> = [0, 1, 2, 3, 5]
            .iter()
            .map(|k| root.join(format!("a{k}.news")))
            .collect();
        assert_eq!(paths, want, "every file with findings, not the edited one");
    }

    /// Found by the `lsp_edits` fuzz target in CI: with NUL bytes in the
    /// text, reusing the old tree gave another tree than a fresh parse (so
    /// the open document's findings would differ from `check`'s). Saved
    /// as `fuzz/corpus/lsp_edits/nul-bytes-incremental`.
    #[test]
    fn a_text_with_nul_bytes_reparses_as_a_fresh_parse() {
        let initial = INITIAL;
        let batches = vec![
            vec![(65, 65, String::new())],
            vec![(226, 226, String::new()), (220, 222, String::new())],
            vec![(276, 276, String::new()), (268, 268, "\n\n".to_string())],
            vec![(27, 27, " key=\" \\{\0".to_string())],
        ];
        for (n, (_, incremental, fresh)) in super::fuzz_edits(initial, &batches).iter().enumerate()
        {
            assert_eq!(incremental, fresh, "after change {n}");
        }
    }

    const INITIAL: &str = "[a \\] b \\{ \\} \\\\ \\@ [a \\] b]{@c key=\" \\{\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0+\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0 \\} \\\\ \\@ [a \\] b]{@c key=\"x \\\" y\"} {\\~~ x \\\" y\"} {\\~~ ]{ar@c key\\[ \\] \\{ \\} \\\\ \\@ [a \\] b]{@c key=\" \\{ \\} \\\\ \\@ [a \\] b]{@c key=\"x \\\" y\"} {\\~~ x \\\" y\"} {\\~~ not critic\n";

    /// Edits applied through `Open` (rope + `Tree::edit` + incremental
    /// re-parse) give the same tree and text as a fresh parse.
    #[test]
    fn incremental_reparse_equals_fresh_parse() {
        let start = "+++\nid = \"a\"\n+++\n[North Korea]{@prk} said on Thursday.\n\n“한국” quote\n";
        let mut open = Open::new(1, start);
        let edits: &[(&str, &str)] = &[
            ("Thursday", "[Thursday]{.date when=2022-09-22}"),
            ("said", "[said"),
            ("[said", "said"),
            ("“한국”", "[“한국”]{.quote by=@prk}"),
            ("id = \"a\"", "id = \"b\"\npublished = 2022-09-22"),
            ("\n\n", "\r\n\r\n{~~src950s~>1950s~~} "),
        ];
        for (from, to) in edits {
            let text = open.rope.to_string();
            let at = text.find(from).expect("edit target");
            open.edit(at, at + from.len(), to);
            open.reparse();
            let text = open.rope.to_string();
            let fresh = crate::syntax::parse_tree(&text);
            let tree = open.tree.as_ref().expect("tree");
            assert_eq!(
                tree.root_node().to_sexp(),
                fresh.root_node().to_sexp(),
                "after {from:?} -> {to:?}"
            );
            assert_eq!(
                tree.root_node().byte_range(),
                fresh.root_node().byte_range()
            );
        }
    }
}
