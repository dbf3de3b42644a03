//! Helpers shared by the end-to-end tests that run the `newsmark` binary.
//! Each test file includes this module with `#[path]` and uses what it
//! needs.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where the tests' runs keep `check`'s cache (not the user's cache
/// directory).
pub fn test_cache_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("newsmark-cache")
}

/// Runs `newsmark ARGS` in `cwd` to the end.
pub fn newsmark(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_newsmark"))
        .env("NEWSMARK_CACHE_DIR", test_cache_dir())
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run newsmark")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The findings of a `--format json` run.
pub fn json(o: &Output) -> Vec<serde_json::Value> {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}
