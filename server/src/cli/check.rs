//! `newsmark check`: load each corpus that the paths belong to, run every
//! rule, print the findings for the files named, and set the exit code.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;

use super::Format;
use super::output::{LineIndex, human, json_finding};
use crate::checks::{Diagnostic, FileRef, Severity, check_corpus};
use crate::corpus::{Corpus, find_root};

/// One corpus root and the paths under it that were named.
struct Target {
    root: PathBuf,
    dirs: Vec<PathBuf>,
    files: Vec<PathBuf>,
    /// With `--changed-since`: only these files are reported.
    only: Option<std::collections::HashSet<PathBuf>>,
}

fn targets(
    paths: &[PathBuf],
    only: Option<&std::collections::HashSet<PathBuf>>,
) -> (Vec<Target>, Vec<String>) {
    let mut by_root: BTreeMap<PathBuf, Target> = BTreeMap::new();
    let mut errors = Vec::new();
    for p in paths {
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                errors.push(format!("{}: {e}", p.display()));
                continue;
            }
        };
        let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
        let root = find_root(&abs);
        let t = by_root.entry(root.clone()).or_insert_with(|| Target {
            root,
            dirs: Vec::new(),
            files: Vec::new(),
            only: only.cloned(),
        });
        if meta.is_dir() {
            t.dirs.push(abs);
        } else {
            t.files.push(abs);
        }
    }
    (by_root.into_values().collect(), errors)
}

/// The smallest corpus (files its walk finds: articles and plain text) that
/// gets a progress bar on stderr while it is checked, when stderr is a terminal.
/// A smaller one is checked in silence: a release build checks it in a
/// fraction of a second (docs/performance.md), and a bar flashing past is
/// noise.
pub const PROGRESS_MIN_FILES: usize = 500;

/// The corpus's `newsmark.toml`, parsed (the defaults when there is none).
/// Read here only for what `check` must know before the corpus loads (the
/// registry's names, the files to walk); the load reads it again and reports
/// its problems.
fn config_of(root: &Path) -> crate::corpus::Config {
    crate::corpus::read_text(&root.join(crate::corpus::CONFIG_FILE))
        .map(|text| crate::corpus::Config::parse(&text))
        .unwrap_or_default()
}

/// The corpus's own config and registry files under `root` (`newsmark.toml`
/// and the `registry` files it lists, `entities.toml` by default). Named on
/// the command line they are checked as what they are, like the language
/// server does, never read as article text.
fn config_files(root: &Path, config: &crate::corpus::Config) -> Vec<PathBuf> {
    let mut files = vec![root.join(crate::corpus::CONFIG_FILE)];
    files.extend(config.registry.iter().map(|r| root.join(r)));
    files
}

/// A progress bar on stderr while a large corpus is checked (see
/// [`PROGRESS_MIN_FILES`]): files read out of the files the walk found,
/// then the cross-document checks.
fn progress_bar(root: &Path, config: &crate::corpus::Config) -> Option<indicatif::ProgressBar> {
    let files = crate::corpus::walk(root, config).len();
    if files < PROGRESS_MIN_FILES {
        return None;
    }
    let bar = indicatif::ProgressBar::new(files as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {msg} [{bar:30}] {pos}/{len} files {elapsed}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    let shown = Corpus::display_path(root);
    let shown = if shown.is_empty() { ".".into() } else { shown };
    bar.set_message(format!("checking {shown}"));
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    bar.tick();
    Some(bar)
}

/// Whether a finding in `path` is reported for this run.
fn named(t: &Target, path: &Path) -> bool {
    let listed = t.files.iter().any(|f| f == path) || t.dirs.iter().any(|d| path.starts_with(d));
    listed && t.only.as_ref().is_none_or(|only| only.contains(path))
}

/// Files changed since `rev` (committed, staged or not) plus untracked ones,
/// as absolute paths, from `git` run in `dir`.
pub fn changed_since(dir: &Path, rev: &str) -> Result<std::collections::HashSet<PathBuf>, String> {
    let git = |args: &[&str]| -> Result<String, String> {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    // A revision is never an option: `--output=FILE` would make git write a
    // file.
    if rev.starts_with('-') {
        return Err("a revision cannot start with `-`".into());
    }
    let top = PathBuf::from(git(&["rev-parse", "--show-toplevel"])?.trim());
    let mut files = std::collections::HashSet::new();
    let diff = git(&["diff", "--name-only", "--no-renames", rev, "--"])?;
    let untracked = git(&["ls-files", "--others", "--exclude-standard", "--full-name"])?;
    for line in diff
        .lines()
        .chain(untracked.lines())
        .filter(|l| !l.is_empty())
    {
        files.insert(top.join(line));
    }
    Ok(files)
}

pub struct Outcome {
    /// How many articles the named paths hold.
    pub checked: usize,
    /// How many of the corpora's config and registry files were named.
    pub checked_config: usize,
    /// Each corpus, its findings for the named paths, and the named files
    /// that are not text (bad encoding, NUL bytes).
    pub corpora: Vec<(Corpus, Vec<Diagnostic>, Vec<crate::corpus::LoadError>)>,
    pub io_errors: Vec<String>,
}

/// Loads and checks every corpus the paths belong to.
pub fn collect(
    paths: &[PathBuf],
    progress: bool,
    only: Option<&std::collections::HashSet<PathBuf>>,
    use_cache: bool,
) -> Outcome {
    let (targets, mut io_errors) = targets(paths, only);
    let mut corpora = Vec::new();
    let mut checked = 0;
    let mut checked_config = 0;
    for t in targets {
        let config = config_of(&t.root);
        // The walk is counted only when a bar could be shown at all.
        let bar = if progress {
            progress_bar(&t.root, &config)
        } else {
            None
        };
        // A named config or registry file is loaded as such with the corpus
        // (and its findings reported through `named`), not as an article.
        let own = config_files(&t.root, &config);
        let extra: Vec<PathBuf> = t
            .files
            .iter()
            .filter(|f| !own.contains(f))
            .cloned()
            .collect();
        // Summaries only: each article is checked as it is read and its
        // parsed document dropped (`--fix` parses again the few it fixes).
        let cache = use_cache.then(|| crate::corpus::cache::Cache::open(&t.root));
        let on_file = || {
            if let Some(bar) = &bar {
                bar.inc(1);
            }
        };
        let corpus = Corpus::load_observed(&t.root, &extra, cache, &on_file);
        if let Some(bar) = &bar {
            bar.set_message("cross-document checks");
        }
        let found = check_corpus(&corpus);
        // Written only when something changed: a warm run of an unchanged
        // corpus reads the cache and writes nothing.
        if use_cache
            && (corpus.cache_hits != corpus.articles.len()
                || corpus.cache_entries != corpus.cache_hits)
            && let Err(e) = crate::corpus::cache::save(&corpus)
        {
            eprintln!(
                "warning: cannot write the cache for {} ({e}); \
                 the next run starts cold (--no-cache skips it)",
                Corpus::display_path(&t.root)
            );
        }
        let diags: Vec<Diagnostic> = found
            .into_iter()
            .filter(|d| match d.file {
                FileRef::Article(i) => named(&t, &corpus.articles[i].path),
                FileRef::Registry(i) => named(&t, &corpus.registry_files[i].path),
                FileRef::Config => corpus
                    .config_file
                    .as_ref()
                    .is_some_and(|f| named(&t, &f.path)),
            })
            .collect();
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        for e in corpus
            .load_errors
            .iter()
            .filter(|e| e.io && named(&t, &e.path))
        {
            io_errors.push(format!("{}: {}", Corpus::display_path(&e.path), e.message));
        }
        checked += corpus
            .articles
            .iter()
            .filter(|a| named(&t, &a.path))
            .count();
        checked_config += corpus
            .config_file
            .iter()
            .chain(&corpus.registry_files)
            .filter(|f| t.files.contains(&f.path) && named(&t, &f.path))
            .count();
        let bad: Vec<_> = corpus
            .load_errors
            .iter()
            .filter(|e| !e.io && named(&t, &e.path))
            .cloned()
            .collect();
        corpora.push((corpus, diags, bad));
    }
    Outcome {
        checked,
        checked_config,
        corpora,
        io_errors,
    }
}

pub fn file_text(corpus: &Corpus, file: FileRef) -> Option<(&Path, std::borrow::Cow<'_, str>)> {
    corpus.file_text(file)
}

/// One finding as printed: a human-readable block, or its JSON (for the
/// JSON, SARIF and GitHub formats).
enum Rendered {
    Text(String),
    Json(Result<serde_json::Value, String>),
    /// For the JSON format: the finding as it is printed in the array.
    Pretty(Result<String, String>),
}

/// `value` as `serde_json::to_writer_pretty` prints it as an element of a
/// top-level array: pretty, each line indented one level. Done on every
/// core per file rather than for the whole array at the end. Printed as
/// the one element of an array, then the brackets' lines cut off: the
/// element comes out indented as it is in the whole array's output.
fn pretty_element(value: &impl serde::Serialize) -> Result<String, String> {
    let mut text = serde_json::to_string_pretty(&[value]).map_err(|e| e.to_string())?;
    if !(text.starts_with("[\n") && text.ends_with("\n]")) {
        return Err(format!("unexpected pretty JSON: {text}"));
    }
    text.truncate(text.len() - 2);
    text.drain(..2);
    Ok(text)
}

/// The findings of one file (`group`, all in the same file), rendered;
/// none when the file is not in the corpus.
fn render_file(
    corpus: &Corpus,
    group: &[Diagnostic],
    format: Format,
    color: bool,
) -> Vec<Rendered> {
    let Some(first) = group.first() else {
        return Vec::new();
    };
    let Some((path, text)) = file_text(corpus, first.file) else {
        return Vec::new();
    };
    let index = LineIndex::new(&text);
    group
        .iter()
        .map(|d| {
            let other = d
                .fix
                .as_ref()
                .and_then(|f| f.elsewhere.as_ref())
                .and_then(|e| file_text(corpus, e.file));
            let other = other.as_ref().map(|(p, t)| (*p, t.as_ref()));
            match format {
                Format::Human => Rendered::Text(human(path, &text, &index, d, other, color)),
                Format::Json => {
                    Rendered::Pretty(pretty_element(&json_finding(path, &text, &index, d, other)))
                }
                Format::Sarif | Format::Github => Rendered::Json(
                    serde_json::to_value(json_finding(path, &text, &index, d, other))
                        .map_err(|e| e.to_string()),
                ),
            }
        })
        .collect()
}

pub fn run(
    paths: Vec<PathBuf>,
    format: Format,
    fix: bool,
    no_progress: bool,
    since: Option<String>,
    use_cache: bool,
) -> ExitCode {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    };
    let only = match &since {
        Some(rev) => match changed_since(&paths[0], rev) {
            Ok(set) => Some(set),
            Err(e) => {
                eprintln!("error: --changed-since {rev}: {e}");
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let progress = !no_progress && std::io::stderr().is_terminal();
    let mut outcome = collect(&paths, progress, only.as_ref(), use_cache);
    let mut fixed = 0;
    if fix {
        // A fix can uncover another (a syntax error is reported once per
        // error region: the stray `[` after `[a bracket]` shows only once
        // the pair is escaped), so fix until nothing is left to fix, a
        // bounded number of rounds: `--fix` run again then changes nothing.
        for _ in 0..super::fix::MAX_ROUNDS {
            let (n, errors) = super::fix::apply_all(&outcome);
            fixed += n;
            for e in errors {
                if !outcome.io_errors.contains(&e) {
                    outcome.io_errors.push(e);
                }
            }
            if n == 0 {
                break;
            }
            let again = collect(&paths, false, only.as_ref(), use_cache);
            outcome.corpora = again.corpora;
            outcome.checked = again.checked;
            outcome.checked_config = again.checked_config;
        }
    }

    let color = format == Format::Human && std::io::stdout().is_terminal();
    // Buffered: a locked stdout is line-buffered, one write per line, and
    // the pretty JSON of 14,000 findings is 180,000 lines (0.11 s of
    // writes at 10,000 articles).
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut counts: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut files_with = 0;
    let mut bad_content = 0;
    let mut json = Vec::new();
    let mut pretty: Vec<String> = Vec::new();
    for (corpus, diags, bad) in &outcome.corpora {
        // Encoding problems are findings about content, at error level.
        for e in bad {
            bad_content += 1;
            files_with += 1;
            let shown = Corpus::display_path(&e.path);
            match format {
                Format::Human => {
                    let _ = writeln!(stdout, "error[encoding]: {shown}: {}\n", e.message);
                }
                Format::Json | Format::Sarif | Format::Github => {
                    let (line, column) = e.position.unzip();
                    let value = serde_json::json!({
                        "path": shown, "code": "encoding", "severity": "error", "message": e.message,
                        "help": "save the file as UTF-8 text", "line": line, "column": column,
                        "end_line": line, "end_column": column,
                        "start_byte": e.offset, "end_byte": e.offset, "fix": null,
                    });
                    if format == Format::Json {
                        match pretty_element(&value) {
                            Ok(p) => pretty.push(p),
                            Err(e) => outcome
                                .io_errors
                                .push(format!("cannot serialise a finding: {e}")),
                        }
                    } else {
                        json.push(value);
                    }
                }
            }
        }
        // Each file's findings are placed and rendered on every core (the
        // file read again when its text was let go of, its lines indexed
        // once), then written in order. Rendered one by one, the 14,000
        // findings of the generated 10,000-article corpus took 0.16–0.22 s
        // on one core (each finding read its file again).
        let rendered: Vec<Vec<Rendered>> = diags
            .chunk_by(|a, b| a.file == b.file)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|group| render_file(corpus, group, format, color))
            .collect();
        for (group, rendered) in diags.chunk_by(|a, b| a.file == b.file).zip(rendered) {
            if rendered.is_empty() {
                continue;
            }
            files_with += 1;
            for (d, r) in group.iter().zip(rendered) {
                *counts.entry(d.severity).or_default() += 1;
                match r {
                    Rendered::Text(t) => {
                        let _ = writeln!(stdout, "{t}\n");
                    }
                    Rendered::Json(Ok(v)) => json.push(v),
                    Rendered::Pretty(Ok(v)) => pretty.push(v),
                    Rendered::Json(Err(e)) | Rendered::Pretty(Err(e)) => outcome
                        .io_errors
                        .push(format!("cannot serialise a finding: {e}")),
                }
            }
        }
    }
    match format {
        Format::Json => {
            // What `to_writer_pretty` prints for the array of findings.
            if pretty.is_empty() {
                let _ = writeln!(stdout, "[]");
            } else {
                // Written piece by piece: joined first, the output was
                // copied whole once more (86 MB at 100,000 articles).
                let _ = stdout.write_all(b"[\n");
                for (n, p) in pretty.iter().enumerate() {
                    if n > 0 {
                        let _ = stdout.write_all(b",\n");
                    }
                    let _ = stdout.write_all(p.as_bytes());
                }
                let _ = writeln!(stdout, "\n]");
            }
        }
        Format::Sarif => {
            let _ = serde_json::to_writer_pretty(&mut stdout, &super::ci_formats::sarif(&json));
            let _ = writeln!(stdout);
        }
        Format::Github => {
            for line in super::ci_formats::github(&json) {
                let _ = writeln!(stdout, "{line}");
            }
        }
        Format::Human => {
            let total: usize = counts.values().sum::<usize>() + bad_content;
            let parts: Vec<String> = [
                (Severity::Error, "error"),
                (Severity::Warning, "warning"),
                (Severity::Info, "info"),
                (Severity::Hint, "hint"),
            ]
            .iter()
            .filter_map(|(s, name)| {
                let n = counts.get(s).copied().unwrap_or(0)
                    + if *s == Severity::Error {
                        bad_content
                    } else {
                        0
                    };
                (n > 0).then(|| {
                    format!(
                        "{n} {name}{}",
                        if n == 1 || *name == "info" { "" } else { "s" }
                    )
                })
            })
            .collect();
            let articles = outcome.checked;
            let mut what = format!("{articles} article{}", if articles == 1 { "" } else { "s" });
            // A named `newsmark.toml` or registry file is checked too, as
            // what it is (not an article).
            let config = outcome.checked_config;
            if config > 0 {
                what.push_str(&format!(
                    " and {config} config or registry file{}",
                    if config == 1 { "" } else { "s" }
                ));
            }
            if total == 0 {
                let _ = writeln!(stdout, "All clear: {what} checked.");
            } else {
                let _ = writeln!(
                    stdout,
                    "Found {} in {files_with} file{} ({what} checked).",
                    parts.join(", "),
                    if files_with == 1 { "" } else { "s" },
                );
            }
            if fix {
                let _ = writeln!(
                    stdout,
                    "Applied {fixed} fix{}.",
                    if fixed == 1 { "" } else { "es" }
                );
            }
        }
    }
    let _ = stdout.flush();
    for e in &outcome.io_errors {
        eprintln!("error: {e}");
    }
    let code = if !outcome.io_errors.is_empty() {
        ExitCode::from(2)
    } else if counts.contains_key(&Severity::Error) || bad_content > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // The process ends right after this: the system takes its memory back
    // at once, where freeing the corpora (every article's text, summary and
    // findings, allocation by allocation) took 0.05 s of a one-second run
    // at 10,000 articles.
    std::mem::forget(outcome);
    code
}
