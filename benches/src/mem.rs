//! `newsmark-bench mem CORPUS`: where the memory of a loaded corpus goes,
//! counted by a global allocator (live heap bytes, not resident pages).

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting the bytes currently allocated.
pub struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; the
// counter is only bookkeeping.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

fn mb(n: usize) -> String {
    format!("{:8.1} MB", n as f64 / 1e6)
}

pub fn run(corpus: &Path) -> ExitCode {
    use newsmark::corpus::{Corpus, cache::Cache};
    let start = live();
    let full = Corpus::load(corpus, &[]);
    let with_docs = live() - start;
    drop(full);
    let start = live();
    let check = Corpus::load_summaries(corpus, &[]);
    let with_texts = live() - start;
    let text: usize = check
        .articles
        .iter()
        .filter_map(|a| a.held_text())
        .map(str::len)
        .sum();
    drop(check);
    // As the language server holds it (no cache): summaries, per-article
    // findings, index; then the cross-document findings.
    let start = live();
    let t = std::time::Instant::now();
    let mut c = Corpus::load_cached(corpus, &[], Cache::default());
    let load_time = t.elapsed();
    let loaded = live();
    let n = c.articles.len().max(1);
    let t = std::time::Instant::now();
    let _ = newsmark::checks::check_corpus(&c);
    let check_time = t.elapsed();
    let checked = live();
    println!(
        "load as the server does {:.3} s (index build {:.3} s of it, measured again), first check_corpus {:.3} s",
        load_time.as_secs_f64(),
        {
            let t = std::time::Instant::now();
            let _ = newsmark::corpus::Index::build(&c.articles);
            t.elapsed().as_secs_f64()
        },
        check_time.as_secs_f64()
    );
    println!("{} articles, {} of text", c.articles.len(), mb(text).trim());
    println!(
        "loaded with documents (`report`, `export`):   {}  ({} B per article)",
        mb(with_docs),
        with_docs / n
    );
    println!(
        "loaded with texts (`check`):                  {}  ({} B per article)",
        mb(with_texts),
        with_texts / n
    );
    println!(
        "loaded summaries-only (the server):           {}  ({} B per article)",
        mb(loaded - start),
        (loaded - start) / n
    );
    println!(
        "+ cross-document findings:                    {}  ({} B per article)",
        mb(checked - loaded),
        (checked - loaded) / n
    );
    let lines: usize = c
        .articles
        .iter()
        .filter_map(|a| a.lines())
        .map(|l| l.heap_size())
        .sum();
    println!(
        "  (closed files' line indexes, in the rest below: {})",
        mb(lines).trim()
    );
    let index = std::mem::take(&mut c.index);
    let before_index = live();
    println!(
        "  (the unlinked-quote shingles: {}, {} entries)",
        mb(index.shingles.base_bytes()).trim(),
        index.shingles.len()
    );
    drop(index);
    let after_index = live();
    let empty = newsmark::syntax::parse("");
    for a in &mut c.articles {
        a.summary = newsmark::corpus::Summary::of(&empty, "");
    }
    let after_summaries = live();
    for a in &mut c.articles {
        a.local = std::sync::OnceLock::new();
    }
    let after_local = live();
    *c.cross() = Default::default();
    let after_cross = live();
    println!(
        "of which index:                    {}",
        mb(before_index - after_index)
    );
    println!(
        "of which summaries:                {}",
        mb(after_index - after_summaries)
    );
    println!(
        "of which per-article findings:     {}",
        mb(after_summaries - after_local)
    );
    println!(
        "of which cross-document findings:  {}",
        mb(after_local - after_cross)
    );
    println!(
        "the rest (paths, registry, …):     {}",
        mb(after_cross - start)
    );
    ExitCode::SUCCESS
}
