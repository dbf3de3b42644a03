//! The `newsmark` command: `check`, `import`, `strip`, `rules`, `report`,
//! `export`.
//!
//! Exit codes: 0 when no finding is at error level, 1 when one is, 2 on
//! usage or I/O errors (a missing path, an unreadable file, a failed write).

mod check;
mod ci_formats;
mod fix;
mod output;

/// Test support (tests/properties.rs, tests/adversarial.rs), not an API.
#[doc(hidden)]
pub use fix::{MAX_ROUNDS, fixed_text, write_atomic};

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::corpus::{Corpus, read_any};
use crate::syntax;

#[derive(Debug, Parser)]
#[command(name = "newsmark", version, about = "Lint and annotate news corpora")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style snippets with the source line underlined
    Human,
    /// a JSON array, one object per finding
    Json,
    /// SARIF 2.1.0, for code-scanning uploads
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request)
    Github,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check articles: directories are walked for `.news` files (per the
    /// corpus's `newsmark.toml`); files named explicitly are checked whatever
    /// their extension (plain scraped text when not `.news`; the corpus's
    /// `newsmark.toml` and registry files get their own checks).
    Check {
        /// Files or directories (default: the current directory).
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Apply safe fixes (they never change the article text), then report
        /// what is left.
        #[arg(long)]
        fix: bool,
        /// Never show the progress bar (otherwise shown on stderr, when
        /// it is a terminal, while a corpus of 500 files or more is checked).
        #[arg(long)]
        no_progress: bool,
        /// Report only files changed since this git revision (and untracked
        /// ones), still resolving references across the whole corpus.
        #[arg(long, value_name = "REV")]
        changed_since: Option<String>,
        /// Neither read nor write the cache of per-article results (see
        /// `newsmark clean`).
        #[arg(long)]
        no_cache: bool,
    },
    /// Delete the cache `check` keeps for the corpus at PATH (default: the
    /// current directory's), and print where it was. Always safe.
    Clean { path: Option<PathBuf> },
    /// Turn scraped text into a `.news` document: escape what would read as
    /// markup and add a front-matter skeleton.
    Import {
        /// Scraped text files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write to this file (one input) instead of standard output.
        #[arg(short, long, conflicts_with = "out_dir")]
        output: Option<PathBuf>,
        /// Write `<stem>.news` for each input into this directory.
        #[arg(long)]
        out_dir: Option<PathBuf>,
    },
    /// Print the article text of a `.news` file: annotations removed, exactly
    /// as it was imported.
    Strip {
        file: PathBuf,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// List every rule with its code, default severity and summary.
    Rules,
    /// Write the corpus report: one self-contained HTML page (timeline of
    /// claims, outlet/claim matrix, quote drifts, entity index).
    Report {
        /// The corpus, or a folder or file inside it (default: the current
        /// directory).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Write to this file; `-` or nothing writes to standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Export the annotations for other tools: brat/INCEpTION standoff
    /// (`.txt` + `.ann`) or W3C Web Annotation JSON-LD (`.txt` + `.jsonld`).
    Export {
        /// The corpus, or a folder or file inside it (default: the current
        /// directory).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// The format to write.
        #[arg(long, value_enum)]
        format: crate::export::Format,
        /// The output folder (created if missing; files in it are replaced).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Run the language server on standard input and output.
    Lsp,
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Check {
            paths,
            format,
            fix,
            no_progress,
            changed_since,
            no_cache,
        } => check::run(paths, format, fix, no_progress, changed_since, !no_cache),
        Command::Clean { path } => clean(path),
        Command::Import {
            files,
            output,
            out_dir,
        } => import(files, output, out_dir),
        Command::Strip { file, output } => strip(file, output),
        Command::Lsp => crate::lsp::run(),
        Command::Export {
            path,
            format,
            output,
        } => export(path, format, output),
        Command::Report { path, output } => report(path, output),
        Command::Rules => {
            for r in crate::checks::RULES {
                println!("{:<26} {:<8} {}", r.code, r.severity.as_str(), r.summary);
            }
            ExitCode::SUCCESS
        }
    }
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn write_out(output: Option<PathBuf>, text: &str) -> Result<(), String> {
    match output {
        Some(path) => fix::write_new(&path, text).map_err(|e| format!("{}: {e}", path.display())),
        None => {
            use std::io::Write;
            std::io::stdout()
                .write_all(text.as_bytes())
                .map_err(|e| format!("standard output: {e}"))
        }
    }
}

fn import(files: Vec<PathBuf>, output: Option<PathBuf>, out_dir: Option<PathBuf>) -> ExitCode {
    if files.len() > 1 && out_dir.is_none() {
        return fail("several files need `--out-dir DIR`");
    }
    let mut status = ExitCode::SUCCESS;
    for file in files {
        let text = match read_any(&file) {
            Ok(t) => t,
            Err(e) => {
                status = fail(format!("{}: {}", file.display(), e.message));
                continue;
            }
        };
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "article".into());
        let news = syntax::import(&text, &stem);
        let target = match &out_dir {
            Some(dir) => Some(dir.join(format!("{stem}.news"))),
            None => output.clone(),
        };
        if let Err(e) = write_out(target, &news) {
            status = fail(e);
        }
    }
    status
}

fn report(path: PathBuf, output: Option<PathBuf>) -> ExitCode {
    if !path.exists() {
        return fail(format!("{}: no such file or directory", path.display()));
    }
    let root = crate::corpus::find_root(&path);
    let corpus = Corpus::load(&root, &[]);
    for e in &corpus.load_errors {
        let level = if e.io { "error" } else { "warning" };
        let path = Corpus::display_path(&e.path);
        eprintln!("{level}: {path}: {} (left out of the report)", e.message);
    }
    if corpus.load_errors.iter().any(|e| e.io) {
        return ExitCode::from(2);
    }
    let html = crate::report::render(&corpus);
    let output = output.filter(|o| o.as_os_str() != "-");
    match write_out(output, &html) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

/// `newsmark export`: articles with syntax errors are left out (exit 1),
/// an I/O error stops with exit 2.
fn export(path: PathBuf, format: crate::export::Format, out: PathBuf) -> ExitCode {
    if !path.exists() {
        return fail(format!("{}: no such file or directory", path.display()));
    }
    let root = crate::corpus::find_root(&path);
    let corpus = Corpus::load(&root, &[]);
    let scope = std::path::absolute(&path).unwrap_or(path);
    let mut code = 0u8;
    for e in &corpus.load_errors {
        let path = Corpus::display_path(&e.path);
        eprintln!("error: {path}: {} (not exported)", e.message);
        code = code.max(if e.io { 2 } else { 1 });
    }
    let result = crate::export::export(&corpus, format, Some(&scope));
    for s in &result.skipped {
        let text = corpus
            .articles
            .iter()
            .find(|a| a.path == s.path)
            .map(|a| a.text())
            .unwrap_or_default();
        let (line, col) = output::LineIndex::new(&text).line_col(&text, s.first.range.start);
        eprintln!(
            "error: {}:{line}:{col}: {} ({} syntax error(s); not exported: fix them first, `newsmark check` shows them)",
            Corpus::display_path(&s.path),
            s.first.message,
            s.count
        );
        code = code.max(1);
    }
    if let Err(e) = std::fs::create_dir_all(&out) {
        return fail(format!("{}: {e}", out.display()));
    }
    for f in &result.files {
        let target = out.join(&f.name);
        if let Err(e) = fix::write_new(&target, &f.text) {
            return fail(format!("{}: {e}", target.display()));
        }
    }
    println!(
        "Exported {} article{} to {}",
        result.articles,
        if result.articles == 1 { "" } else { "s" },
        out.display()
    );
    ExitCode::from(code)
}

/// `newsmark clean`: removes the corpus's cache file, if there is one.
fn clean(path: Option<PathBuf>) -> ExitCode {
    let path = path.unwrap_or_else(|| PathBuf::from("."));
    if !path.exists() {
        eprintln!("error: {}: no such file or directory", path.display());
        return ExitCode::from(2);
    }
    let root = crate::corpus::find_root(&path);
    let Some(file) = crate::corpus::cache::location(&root) else {
        println!("No cache directory on this platform: nothing to clean.");
        return ExitCode::SUCCESS;
    };
    match std::fs::remove_file(&file) {
        Ok(()) => {
            println!("Removed {}", file.display());
            ExitCode::SUCCESS
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            println!("No cache at {}", file.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot remove {}: {e}", file.display());
            ExitCode::from(2)
        }
    }
}

fn strip(file: PathBuf, output: Option<PathBuf>) -> ExitCode {
    let text = match read_any(&file) {
        Ok(t) => t,
        Err(e) => return fail(format!("{}: {}", file.display(), e.message)),
    };
    match syntax::strip(&text) {
        Ok(plain) => match write_out(output, &plain) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(e),
        },
        Err(errors) => {
            let index = output::LineIndex::new(&text);
            for e in &errors {
                let (line, col) = index.line_col(&text, e.range.start);
                eprintln!(
                    "error: {}:{line}:{col}: {} (byte {})",
                    Corpus::display_path(&file),
                    e.message,
                    e.range.start
                );
            }
            eprintln!(
                "error: not stripped: fix the syntax errors first (`newsmark check` shows them)"
            );
            ExitCode::from(2)
        }
    }
}
