//! Keeping the language server's resident memory close to what it uses.
//!
//! The server lives as long as the editor and holds summaries of every
//! article; the one-off phases around them (indexing on every core, the
//! burst of every file's diagnostics) make and drop far more. glibc's
//! allocator keeps freed memory for reuse, so without these two calls the
//! process stays at its peak: 80–84 MB resident after indexing 10,000
//! articles where 60 MB or less is live (docs/performance.md).
//! Elsewhere than Linux with glibc both are no-ops.

/// Fixes glibc's mmap and trim thresholds at their default of 128 KiB, for
/// the whole process; called once when the server starts.
///
/// glibc raises both thresholds on its own each time a large mmap'd block
/// is freed (the index build frees several of megabytes), up to 32 and 64
/// MiB. After that, large blocks come from the heap, and the free space at
/// the top of each thread's heap is kept up to 64 MiB; `malloc_trim` does
/// not reach it (it trims only the main heap's top). Setting the thresholds
/// turns the raising off: measured, 62–63 MB → 54 MB resident after
/// indexing 10,000 articles.
pub fn fix_allocator_thresholds() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: `mallopt` takes two integers and sets the allocator's own
    // parameters under its lock; these two are valid options with valid
    // values, and it is called before any thread of the server exists.
    unsafe {
        const THRESHOLD: libc::c_int = 128 * 1024;
        libc::mallopt(libc::M_MMAP_THRESHOLD, THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, THRESHOLD);
    }
}

/// Hands the heap's free pages back to the system (glibc: `malloc_trim`).
///
/// glibc keeps what a thread freed in that thread's arena for reuse; after
/// the big one-off phases (indexing, where each article's text, parse tree
/// and scratch lists are made and dropped on every core; publishing every
/// file's diagnostics at once) that is tens of megabytes the process may
/// never use again. Called after those phases only: it walks every arena.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: `malloc_trim` takes a plain integer and touches only the
    // allocator's own state, under its locks; it may be called from any
    // thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
