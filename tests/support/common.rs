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

/// Runs `newsmark ARGS` in `cwd` as a user that file permissions bind, for
/// the tests of unreadable files. `locked` is a file the test made
/// unreadable (mode 000): if this process can still read it, it is root
/// (CI runs as root), and the binary runs as `nobody` (uid and gid 65534)
/// through util-linux `setpriv`, with `cwd` opened to it (mode 0755).
/// `None`, with the reason printed, only when neither way works here.
#[cfg(unix)]
pub fn newsmark_unprivileged(args: &[&str], cwd: &Path, locked: &Path) -> Option<Output> {
    use std::os::unix::fs::PermissionsExt;
    if std::fs::read(locked).is_err() {
        return Some(newsmark(args, cwd));
    }
    let as_nobody = |args: &[&str]| {
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_newsmark"))
            .args(args)
            .current_dir(cwd)
            .output()
    };
    // Can `nobody` run the binary at all (setpriv present, allowed to drop
    // privileges, every folder above the binary open to others)?
    match as_nobody(&["--version"]) {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            eprintln!(
                "skipped: running as root, and the binary cannot run as nobody through setpriv: {}",
                stderr(&o).trim()
            );
            return None;
        }
        Err(e) => {
            eprintln!("skipped: running as root, and setpriv cannot run ({e})");
            return None;
        }
    }
    std::fs::set_permissions(cwd, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = as_nobody(args).expect("setpriv ran a moment ago");
    Some(out)
}
