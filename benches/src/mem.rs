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
    use newsmark::corpus::Corpus;
    let start = live();
    let mut c = Corpus::load(corpus, &[]);
    let loaded = live();
    let n = c.articles.len().max(1);
    let text: usize = c.articles.iter().map(|a| a.text.len()).sum();
    let _ = newsmark::checks::check_corpus(&c);
    let checked = live();
    println!("{} articles, {} of text", c.articles.len(), mb(text).trim());
    println!(
        "loaded (texts, documents, summaries, index): {}  ({} B per article)",
        mb(loaded - start),
        (loaded - start) / n
    );
    println!(
        "+ findings (per article and cross-document): {}  ({} B per article)",
        mb(checked - loaded),
        (checked - loaded) / n
    );
    let before = live();
    let empty = newsmark::syntax::parse("");
    for a in &mut c.articles {
        a.compact();
    }
    let after_docs = live();
    for a in &mut c.articles {
        a.text = String::new();
    }
    let after_texts = live();
    let index = std::mem::take(&mut c.index);
    let before_index = live();
    drop(index);
    let after_index = live();
    for a in &mut c.articles {
        a.summary = newsmark::corpus::Summary::of(&empty, "");
    }
    let after_summaries = live();
    println!(
        "of which documents:  {}  (what the server drops for closed files)",
        mb(before - after_docs)
    );
    println!("of which texts:      {}", mb(after_docs - after_texts));
    println!("of which index:      {}", mb(before_index - after_index));
    println!("of which summaries:  {}", mb(after_index - after_summaries));
    println!("the rest:            {}", mb(after_summaries - start));
    ExitCode::SUCCESS
}
