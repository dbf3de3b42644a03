//! `newsmark-bench`: scale corpora and benchmarks (docs/performance.md).
//!
//! ```text
//! newsmark-bench gen --articles N [--seed S] OUT        write a generated corpus
//! newsmark-bench import OUT                             import ../shared/corpora into OUT
//! newsmark-bench check CORPUS [--runs 5]                check throughput vs the parse-only floor
//! newsmark-bench lsp CORPUS [--requests 200] [--warm] [--starts N]
//!                                                       language server latencies over stdio
//! newsmark-bench mem CORPUS                             live heap by part of a loaded corpus
//! ```
//!
//! Every figure is printed as a median with its spread (min–max) over runs.

mod generate;
mod lsp;
mod mem;

#[global_allocator]
static ALLOC: mem::Counting = mem::Counting;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use rayon::prelude::*;

fn arg<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

/// Flags that take no value.
const SWITCHES: &[&str] = &["--warm"];

fn positional(args: &[String]) -> Option<&str> {
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
            continue;
        }
        if SWITCHES.contains(&a.as_str()) {
            continue;
        }
        if a.starts_with("--") {
            skip = true;
            continue;
        }
        return Some(a);
    }
    None
}

pub fn median(mut xs: Vec<f64>) -> (f64, f64, f64) {
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    if n == 0 {
        return (0.0, 0.0, 0.0);
    }
    let med = if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    };
    (med, xs[0], xs[n - 1])
}

pub fn percentile(xs: &mut [f64], p: f64) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    if xs.is_empty() {
        return 0.0;
    }
    let i = ((xs.len() as f64 - 1.0) * p).round() as usize;
    xs[i.min(xs.len() - 1)]
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "news") {
                out.push(p);
            }
        }
    }
    out
}

/// The floor: read every file and parse it with tree-sitter, in parallel,
/// nothing else.
fn floor(paths: &[PathBuf]) -> (Duration, u64) {
    let start = Instant::now();
    let bytes: u64 = paths
        .par_iter()
        .map_init(newsmark::syntax::parser, |parser, p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            let _tree = parser.parse(&text, None);
            text.len() as u64
        })
        .sum();
    (start.elapsed(), bytes)
}

/// The floor as the check parses: read every file and parse it the way
/// `newsmark check` does (tree-sitter skipping the inside of runs of
/// article text, `newsmark::syntax::skimmed_tree`), in parallel, nothing
/// else. Beside the floor above, it shows what the check adds to its own
/// parse.
fn skimmed_floor(paths: &[PathBuf]) -> Duration {
    let start = Instant::now();
    paths.par_iter().for_each(|p| {
        let text = std::fs::read_to_string(p).unwrap_or_default();
        let _tree = newsmark::syntax::skimmed_tree(&text);
    });
    start.elapsed()
}

fn newsmark_bin() -> PathBuf {
    std::env::var_os("NEWSMARK_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let here = std::env::current_exe().unwrap_or_default();
            here.parent()
                .map(|d| d.join("newsmark"))
                .unwrap_or_else(|| PathBuf::from("newsmark"))
        })
}

/// A cache directory of the bench's own (never the user's), emptied first.
pub fn bench_cache_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("newsmark-bench-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Runs `newsmark check` on `corpus` with `args`, the cache in `cache`,
/// and returns how long it took.
fn timed_check(bin: &Path, corpus: &Path, cache: &Path, args: &[&str]) -> Option<f64> {
    let start = Instant::now();
    std::process::Command::new(bin)
        .env("NEWSMARK_CACHE_DIR", cache)
        .args(["check", "--format", "json", "--no-progress"])
        .args(args)
        .arg(corpus)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    Some(start.elapsed().as_secs_f64())
}

/// The machine's CPU time so far, from `/proc/stat`: stolen (by the
/// hypervisor, while a virtual CPU wanted to run) and in all, in ticks.
#[derive(Clone, Copy)]
pub struct CpuTimes {
    steal: u64,
    total: u64,
}

pub fn cpu_times() -> Option<CpuTimes> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .strip_prefix("cpu ")?
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is
    // already counted in user).
    Some(CpuTimes {
        steal: *fields.get(7)?,
        total: fields.iter().take(8).sum(),
    })
}

/// The share of the machine's CPU time stolen between `a` and `b`, in %,
/// as text; empty when too little time passed to say (the counters move
/// in ticks of 10 ms, and `iowait` may even go back).
pub fn stolen(a: CpuTimes, b: CpuTimes) -> Option<String> {
    let total = b.total.checked_sub(a.total).filter(|&t| t >= 100)?;
    let steal = b.steal.saturating_sub(a.steal);
    Some(format!(
        "{:.1}% stolen",
        100.0 * steal as f64 / total as f64
    ))
}

fn check(corpus: &Path, runs: usize) -> ExitCode {
    let paths = files(corpus);
    let bin = newsmark_bin();
    let cache = bench_cache_dir();
    let mut floor_s = Vec::new();
    let mut skimmed_s = Vec::new();
    let mut check_s = Vec::new();
    let mut warm_s = Vec::new();
    let mut bytes = 0;
    // Writes the cache the warm runs read (not timed).
    if timed_check(&bin, corpus, &cache, &[]).is_none() {
        eprintln!("cannot run {}", bin.display());
        return ExitCode::from(2);
    }
    let since = cpu_times();
    for _ in 0..runs {
        let (d, b) = floor(&paths);
        floor_s.push(d.as_secs_f64());
        bytes = b;
        skimmed_s.push(skimmed_floor(&paths).as_secs_f64());
        let (Some(cold), Some(warm)) = (
            timed_check(&bin, corpus, &cache, &["--no-cache"]),
            timed_check(&bin, corpus, &cache, &[]),
        ) else {
            eprintln!("cannot run {}", bin.display());
            return ExitCode::from(2);
        };
        check_s.push(cold);
        warm_s.push(warm);
    }
    let _ = std::fs::remove_dir_all(&cache);
    let mb = bytes as f64 / 1e6;
    let (fm, f0, f1) = median(floor_s);
    let (sm, s0, s1) = median(skimmed_s);
    let (cm, c0, c1) = median(check_s);
    let (wm, w0, w1) = median(warm_s);
    println!("corpus: {} files, {:.1} MB", paths.len(), mb);
    println!(
        "floor (read + tree-sitter parse): median {:.3} s ({:.3}–{:.3}) = {:.1} MB/s",
        fm,
        f0,
        f1,
        mb / fm
    );
    println!(
        "floor as the check parses:        median {:.3} s ({:.3}–{:.3}) = {:.1} MB/s",
        sm,
        s0,
        s1,
        mb / sm
    );
    println!(
        "check --no-cache (cold):          median {:.3} s ({:.3}–{:.3}) = {:.1} MB/s",
        cm,
        c0,
        c1,
        mb / cm
    );
    println!(
        "check, cache warm:                median {:.3} s ({:.3}–{:.3}) = {:.1} MB/s",
        wm,
        w0,
        w1,
        mb / wm
    );
    println!(
        "ratio check/floor throughput: cold {:.2}, warm {:.2} (to the floor as the check parses: cold {:.2}, warm {:.2})",
        fm / cm,
        fm / wm,
        sm / cm,
        sm / wm
    );
    if let Some(share) = since.zip(cpu_times()).and_then(|(a, b)| stolen(a, b)) {
        println!("CPU time stolen by the hypervisor during the timed runs: {share}");
    }
    ExitCode::SUCCESS
}

fn import(out: &Path) -> ExitCode {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpora");
    if !base.is_dir() {
        eprintln!(
            "{} is absent: the real corpora live in the shared folder beside the repository",
            base.display()
        );
        return ExitCode::from(2);
    }
    let mut n = 0;
    for corpus in ["reuters21578", "wikinews_tosca"] {
        let dest = out.join(corpus);
        if std::fs::create_dir_all(&dest).is_err() {
            return ExitCode::from(2);
        }
        let Ok(rd) = std::fs::read_dir(base.join(corpus)) else {
            return ExitCode::from(2);
        };
        for e in rd.flatten() {
            let p = e.path();
            let Some(stem) = p.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
                continue;
            };
            if p.extension().is_none_or(|x| x != "txt") || !stem.starts_with('0') {
                continue;
            }
            let Ok(raw) = std::fs::read_to_string(&p) else {
                continue;
            };
            let id = format!("{corpus}-{stem}");
            if std::fs::write(
                dest.join(format!("{id}.news")),
                newsmark::syntax::import(&raw, &id),
            )
            .is_ok()
            {
                n += 1;
            }
        }
    }
    println!("imported {n} articles into {}", out.display());
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprintln!("usage: newsmark-bench gen|import|check|lsp … (see docs/performance.md)");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let Some(path) = positional(rest).map(PathBuf::from) else {
        eprintln!("usage: newsmark-bench {cmd} … PATH");
        return ExitCode::from(2);
    };
    match cmd.as_str() {
        "mem" => mem::run(&path),
        "gen" => {
            let articles = arg(rest, "--articles")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1000);
            let seed = arg(rest, "--seed")
                .and_then(|v| v.parse().ok())
                .unwrap_or(42);
            match generate::generate(&generate::Spec { articles, seed }, &path) {
                Ok(bytes) => {
                    println!(
                        "wrote {articles} articles ({:.1} MB) to {}",
                        bytes as f64 / 1e6,
                        path.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{}: {e}", path.display());
                    ExitCode::from(2)
                }
            }
        }
        "import" => import(&path),
        "check" => check(
            &path,
            arg(rest, "--runs")
                .and_then(|v| v.parse().ok())
                .unwrap_or(5),
        ),
        "lsp" => lsp::run(
            &path,
            &newsmark_bin(),
            arg(rest, "--requests")
                .and_then(|v| v.parse().ok())
                .unwrap_or(200),
            rest.iter().any(|a| a == "--warm"),
            arg(rest, "--starts")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1),
        ),
        other => {
            eprintln!("unknown command {other}");
            ExitCode::from(2)
        }
    }
}
