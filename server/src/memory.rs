//! Giving freed heap memory back to the system.

/// Hands the heap's free pages back to the system, where the allocator
/// allows it (glibc: `malloc_trim`; elsewhere nothing).
///
/// glibc keeps what a thread freed in that thread's arena for reuse. After
/// the server's big one-off phases (indexing a corpus on every core, where
/// each article's text, parse tree and scratch lists are made and dropped;
/// publishing every file's diagnostics at once) that is tens of megabytes
/// the process holds and may never use again, and it shows in the editor's
/// memory use. Called after those phases only: it walks every arena.
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
