//! Adversarial inputs, each with its expected, documented outcome (the table
//! in docs/reliability.md, "Adversarial inputs", names these tests), plus the
//! "nothing lost" and "security" guarantees. Most drive the real binary, as a
//! user or an editor would; a few call the library where the binary gives no
//! handle (a file vanishing between walk and read, the write guard).

#[path = "support/lsp_client.rs"]
mod lsp_client;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "support/common.rs"]
mod common;
use common::*;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_newsmark")
}

/// Runs `newsmark args` in `cwd`; panics if it takes longer than `limit`
/// (a hang, or time growing faster than the input).
fn run_limited(args: &[&str], cwd: &Path, limit: Duration) -> Output {
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run newsmark");
    // Drain the pipes on threads so a large output cannot block the child.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut v).ok();
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut v).ok();
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("newsmark {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: out_reader.join().expect("stdout"),
        stderr: err_reader.join().expect("stderr"),
    }
}

fn newsmark(args: &[&str], cwd: &Path) -> Output {
    run_limited(args, cwd, Duration::from_secs(120))
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, bytes).expect("write");
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo")
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

fn codes(findings: &[Value]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["code"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

// ---------------------------------------------------------------------------
// Bytes that are not text

#[test]
fn invalid_utf8_is_an_encoding_finding_with_its_offset() {
    let dir = tempdir();
    let p = dir.path();
    write(&p.join("good.news"), "Fine text.\n");
    write(&p.join("latin1.news"), b"caf\xe9 au lait\n");
    write(&p.join("continuation.news"), b"ab\x80cd");
    write(&p.join("overlong.news"), b"x\xc0\xafy");
    write(&p.join("surrogate.news"), b"\xed\xa0\x80");
    write(&p.join("truncated.news"), "한국".as_bytes().split_at(5).0);
    let out = newsmark(&["check", "--format", "json", "."], p);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let mut got: Vec<(String, u64)> = json(&out)
        .iter()
        .filter(|f| f["code"] == "encoding")
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["start_byte"].as_u64().unwrap_or(999),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("continuation.news".to_string(), 2),
            ("latin1.news".to_string(), 3),
            ("overlong.news".to_string(), 1),
            ("surrogate.news".to_string(), 0),
            ("truncated.news".to_string(), 3),
        ]
    );
    // The good file is still checked; human output names file and offset.
    let out = newsmark(&["check", "."], p);
    let text = stdout(&out);
    assert!(text.contains("1 article checked"), "{text}");
    assert!(
        text.contains("error[encoding]: latin1.news: invalid UTF-8 at byte offset 3"),
        "{text}"
    );
    // Invalid UTF-8 in the registry or the config: reported, not fatal.
    write(&p.join("entities.toml"), b"[a]\nname = \"\xff\"\n");
    write(&p.join("newsmark.toml"), b"# \xfe\n");
    let out = newsmark(&["check", "--format", "json", "."], p);
    let found = codes(&json(&out));
    assert!(
        found.contains(&("entities.toml".into(), "encoding".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("newsmark.toml".into(), "encoding".into())),
        "{found:?}"
    );
}

#[test]
fn nul_bytes_make_a_file_not_text() {
    let dir = tempdir();
    let p = dir.path();
    write(&p.join("start.news"), b"\0Seoul");
    write(&p.join("middle.news"), b"Seoul said\0 it");
    let out = newsmark(&["check", "."], p);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("start.news: not a text file: NUL byte at byte offset 0"),
        "{text}"
    );
    assert!(
        text.contains("middle.news: not a text file: NUL byte at byte offset 10"),
        "{text}"
    );
    // `strip` and `import` refuse it too (exit 2, named).
    for cmd in ["strip", "import"] {
        let out = newsmark(&[cmd, "middle.news"], p);
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        assert!(
            stderr(&out).contains("middle.news: not a text file"),
            "{cmd}"
        );
    }
}

#[test]
fn a_binary_file_named_news_is_reported_not_parsed() {
    let dir = tempdir();
    let p = dir.path();
    // A PNG header (has NUL bytes), random high bytes (invalid UTF-8), and
    // valid UTF-8 that is all control characters and odd code points (it
    // is text: parsed, without a crash).
    write(
        &p.join("image.news"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0",
    );
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8 | 0x80)
        .collect();
    write(&p.join("noise.news"), &noise);
    let controls: String = (1u32..0x20)
        .chain([0x7f, 0x85, 0x2028, 0xfeff, 0xfffd, 0x10ffff])
        .filter_map(char::from_u32)
        .cycle()
        .take(5000)
        .collect();
    write(&p.join("controls.news"), controls);
    let out = newsmark(&["check", "--format", "json", "."], p);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let findings = json(&out);
    let found = codes(&findings);
    assert!(found.contains(&("image.news".into(), "encoding".into())));
    assert!(found.contains(&("noise.news".into(), "encoding".into())));
    assert!(
        findings
            .iter()
            .all(|f| f["path"] != "controls.news" || f["code"] != "encoding"),
        "valid UTF-8 is text"
    );
    assert!(!stderr(&out).contains("panicked"));
}

// ---------------------------------------------------------------------------
// Size and depth

#[test]
fn a_50_mb_article_is_checked() {
    let dir = tempdir();
    let p = dir.path();
    write(
        &p.join("entities.toml"),
        "[prk]\nkind = \"country\"\nname = \"North Korea\"\n",
    );
    let para = "[North Korea]{@prk} said it had never exported weapons to Russia, and officials repeated the denial on state media; analysts in Seoul were not convinced by the statement.\n\n";
    let n = 50_000_000 / para.len() + 1;
    let mut text = para.repeat(n);
    text.push_str("Shells date to the src950s.\n");
    write(&p.join("big.news"), &text);
    let out = newsmark(&["check", "--format", "json", "big.news"], p);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let findings = json(&out);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["code"], "garbled-token");
    assert_eq!(findings[0]["line"], (2 * n + 1) as u64);
}

#[test]
fn a_5_mb_single_line_reports_true_columns() {
    let dir = tempdir();
    let p = dir.path();
    // Korean first, so columns (Unicode scalar values) differ from bytes.
    let mut line = "서울 ".repeat(100);
    line.push_str(&"North Korea said it had not exported weapons. ".repeat(5_000_000 / 47));
    let at = line.len();
    line.push_str("Shells date to the src950s.");
    write(&p.join("line.news"), &line);
    let column = line[..at].chars().count() + "Shells date to the ".len() + 1;

    let out = newsmark(&["check", "--format", "json", "line.news"], p);
    let findings = json(&out);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["line"], 1);
    assert_eq!(findings[0]["column"], column as u64);
    // Human output shows a window of the line but the line's own column.
    let out = newsmark(&["check", "line.news"], p);
    let text = stdout(&out);
    assert!(
        text.contains(&format!("--> line.news:1:{column}")),
        "{}",
        text.lines().take(3).collect::<Vec<_>>().join("\n")
    );
    assert!(text.len() < 10_000, "the line is shown cut, not whole");
}

fn nested(depth: usize, inner: &str) -> String {
    format!(
        "{}{inner}{}",
        "[".repeat(depth),
        "]{.quote by=@a}".repeat(depth)
    )
}

#[test]
fn spans_nested_100000_deep_do_not_overflow_the_stack() {
    let depth = 100_000;
    // The library on a thread with a small stack: parsing, building the
    // document and dropping the tree are all iterative.
    let doc = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let doc = newsmark::syntax::parse(&nested(depth, "x"));
            let unbalanced = newsmark::syntax::parse(&"[".repeat(depth));
            let closers = newsmark::syntax::parse(&"]{.quote}".repeat(depth));
            assert!(!unbalanced.errors.is_empty() && !closers.errors.is_empty());
            (
                doc.spans.len(),
                doc.errors
                    .iter()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>(),
                doc.plain.text,
            )
        })
        .expect("spawn")
        .join()
        .expect("no stack overflow");
    let (spans, errors, plain) = doc;
    assert_eq!(spans, newsmark::syntax::MAX_SPAN_DEPTH);
    assert_eq!(
        errors,
        [format!(
            "spans nested more than {} deep; the inner ones are not analysed",
            newsmark::syntax::MAX_SPAN_DEPTH
        )]
    );
    assert_eq!(plain, "x");

    // The binary: one syntax error for the depth, the rest as usual.
    let dir = tempdir();
    let p = dir.path();
    write(&p.join("deep.news"), nested(depth, "x"));
    write(&p.join("open.news"), "[".repeat(depth));
    let out = newsmark(&["check", "--format", "json", "."], p);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let findings = json(&out);
    assert!(
        findings.iter().any(|f| f["path"] == "deep.news"
            && f["message"]
                .as_str()
                .is_some_and(|m| m.contains("nested more than"))),
        "{:?}",
        codes(&findings)
    );
    assert!(
        findings
            .iter()
            .any(|f| f["path"] == "open.news" && f["code"] == "syntax")
    );
}

/// Text at every level made each span hold the text of all the spans inside
/// it: 100,000 levels took minutes and gigabytes before the depth limit.
#[test]
fn nesting_with_text_at_every_level_stays_fast() {
    let dir = tempdir();
    let p = dir.path();
    write(
        &p.join("a.news"),
        format!("{}x{}", "[a ".repeat(100_000), "]{.quote}".repeat(100_000)),
    );
    let out = run_limited(
        &["check", "--format", "json", "a.news"],
        p,
        Duration::from_secs(90),
    );
    assert_eq!(out.status.code(), Some(1));
    let findings = json(&out);
    // One depth error, and findings only for the spans within the limit.
    assert!(
        findings.len() <= newsmark::syntax::MAX_SPAN_DEPTH + 2,
        "{}",
        findings.len()
    );
}

/// 100,000 annotated quotes, each with a finding: the per-finding look-ups
/// (`allow` on enclosing spans, CriticMarkup overlap, spans at an offset)
/// are logarithmic, so this is seconds, not the ten minutes it was.
#[test]
fn a_finding_on_each_of_100000_spans_stays_fast() {
    let dir = tempdir();
    let p = dir.path();
    write(
        &p.join("a.news"),
        "[said he]{.quote} on Thursday {~~src950s~>1950s~~} ".repeat(100_000),
    );
    let out = run_limited(
        &["check", "--format", "json", "a.news"],
        p,
        Duration::from_secs(120),
    );
    let findings = json(&out);
    assert_eq!(
        findings
            .iter()
            .filter(|f| f["code"] == "unsourced-claim")
            .count(),
        100_000
    );
}

#[test]
fn one_span_with_100000_attributes() {
    let dir = tempdir();
    let p = dir.path();
    let entities: Vec<String> = (0..100_000).map(|i| format!("@e{i}")).collect();
    let props: Vec<String> = (0..100_000).map(|i| format!("k{i}=\"v {i}\"")).collect();
    write(
        &p.join("a.news"),
        format!(
            "[x]{{{} .quote .claim}} and [y]{{.quote by=@e1 {}}}\n",
            entities.join(" "),
            props.join(" ")
        ),
    );
    let out = newsmark(&["check", "--format", "json", "a.news"], p);
    assert_eq!(out.status.code(), Some(1));
    let findings = json(&out);
    // Every reference is resolved (none is in the registry) and the second
    // kind is a syntax error; nothing is dropped or duplicated.
    assert_eq!(
        findings
            .iter()
            .filter(|f| f["code"] == "unknown-entity")
            .count(),
        100_001
    );
    assert_eq!(
        findings
            .iter()
            .filter(|f| f["message"]
                .as_str()
                .is_some_and(|m| m.contains("one kind")))
            .count(),
        1
    );
}

#[test]
fn a_registry_with_a_million_entries() {
    let dir = tempdir();
    let p = dir.path();
    let mut registry = String::with_capacity(50_000_000);
    for i in 0..1_000_000 {
        registry.push_str(&format!(
            "[e{i}]\nkind = \"person\"\nname = \"Person {i}\"\n"
        ));
    }
    write(&p.join("entities.toml"), &registry);
    write(
        &p.join("a.news"),
        "[Person 999999]{@e999999} and [nobody]{@e1000000x} said.\n",
    );
    let out = newsmark(&["check", "--format", "json", "a.news"], p);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let findings = json(&out);
    let messages: Vec<&str> = findings
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(messages, ["unknown entity `@e1000000x`"]);
}

// ---------------------------------------------------------------------------
// The file system

#[cfg(unix)]
#[test]
fn symlink_loops_are_not_followed() {
    use std::os::unix::fs::symlink;
    let dir = tempdir();
    let p = dir.path();
    write(&p.join("a.news"), "Fine.\n");
    std::fs::create_dir(p.join("sub")).expect("mkdir");
    symlink(".", p.join("loop")).expect("symlink");
    symlink("..", p.join("sub/up")).expect("symlink");
    symlink("b.news", p.join("c.news")).expect("symlink");
    symlink("c.news", p.join("b.news")).expect("symlink");
    symlink("self.news", p.join("self.news")).expect("symlink");
    let out = newsmark(&["check", "."], p);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("All clear: 1 article checked."),
        "{}",
        stdout(&out)
    );
    // Named explicitly, a loop is an I/O error that names it.
    let out = newsmark(&["check", "self.news", "a.news"], p);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("self.news"), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("1 article checked"),
        "{}",
        stdout(&out)
    );
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_are_not_followed() {
    use std::os::unix::fs::symlink;
    let outside = tempdir();
    write(
        &outside.path().join("secret.news"),
        "Leaked src950s here.\n",
    );
    write(
        &outside.path().join("dir/deep.news"),
        "Leaked src960s here.\n",
    );
    // A FIFO: anything that opened it for reading would block.
    mkfifo(&outside.path().join("trap.news"));
    let dir = tempdir();
    let p = dir.path();
    write(&p.join("a.news"), "Fine.\n");
    symlink(outside.path().join("secret.news"), p.join("link.news")).expect("symlink");
    symlink(outside.path().join("dir"), p.join("dir")).expect("symlink");
    symlink(outside.path().join("trap.news"), p.join("trap.news")).expect("symlink");
    let out = run_limited(
        &["check", "--format", "json", "."],
        p,
        Duration::from_secs(30),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out), Vec::<Value>::new(), "nothing from outside");
}

#[cfg(unix)]
#[test]
fn config_and_registry_outside_the_root_are_not_read() {
    use std::os::unix::fs::symlink;
    let outside = tempdir();
    write(
        &outside.path().join("entities.toml"),
        "[leak]\nkind = \"person\"\nname = \"Leaked\"\n",
    );
    mkfifo(&outside.path().join("trap.toml"));
    let dir = tempdir();
    let p = dir.path();
    let escape = format!("{}/entities.toml", outside.path().display());
    write(
        &p.join("newsmark.toml"),
        format!(
            "registry = [\"../{}/entities.toml\", \"{escape}\", \"link.toml\", \"trap.toml\"]\n",
            outside
                .path()
                .file_name()
                .and_then(|n| n.to_str())
                .expect("name")
        ),
    );
    symlink(outside.path().join("entities.toml"), p.join("link.toml")).expect("symlink");
    symlink(outside.path().join("trap.toml"), p.join("trap.toml")).expect("symlink");
    write(&p.join("a.news"), "[x]{@leak}\n");
    let out = run_limited(
        &["check", "--format", "json", "."],
        p,
        Duration::from_secs(30),
    );
    // `@leak` stays unknown: no registry outside the root was read.
    let found = codes(&json(&out));
    assert!(
        found.contains(&("a.news".into(), "unknown-entity".into())),
        "{found:?}"
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "the refused files are I/O errors"
    );
    assert!(
        stderr(&out).contains("link.toml: leads outside the corpus root; not read"),
        "{}",
        stderr(&out)
    );
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_io_errors_and_the_run_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let p = dir.path();
    write(&p.join("a.news"), "Fine.\n");
    // A FIFO and a folder named like articles: the walk reads regular files
    // only (a FIFO would block a reader forever), named explicitly they are
    // refused as "not a regular file" / walked as a folder.
    mkfifo(&p.join("fifo.news"));
    write(&p.join("folder.news/inner.news"), "Inside src950s.\n");
    let out = run_limited(
        &["check", "--format", "json", "."],
        p,
        Duration::from_secs(30),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        codes(&json(&out)),
        [(
            "folder.news/inner.news".to_string(),
            "garbled-token".to_string()
        )]
    );
    let out = run_limited(
        &["check", "fifo.news", "a.news"],
        p,
        Duration::from_secs(30),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("fifo.news: cannot read: not a regular file"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("All clear: 1 article checked."));

    // Permission denied. Root reads whatever the mode says, so then the
    // binary runs as `nobody` through setpriv (`newsmark_unprivileged`).
    std::fs::remove_file(p.join("fifo.news")).expect("rm");
    write(&p.join("secret.news"), "Hidden.\n");
    std::fs::set_permissions(
        p.join("secret.news"),
        std::fs::Permissions::from_mode(0o000),
    )
    .expect("chmod");
    // (As `nobody`, the folder must be open to others too.)
    std::fs::set_permissions(
        p.join("folder.news"),
        std::fs::Permissions::from_mode(0o755),
    )
    .expect("chmod");
    let Some(out) = newsmark_unprivileged(&["check", "--no-cache", "."], p, &p.join("secret.news"))
    else {
        return;
    };
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("secret.news: cannot read: Permission denied"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("2 articles checked"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_file_gone_between_walk_and_read_is_an_io_error_naming_it() {
    // The library: a path listed (walked or named) but gone when read.
    let dir = tempdir();
    let p = dir.path();
    write(&p.join("a.news"), "Fine.\n");
    let gone = p.join("gone.news");
    let corpus = newsmark::corpus::Corpus::load(p, std::slice::from_ref(&gone));
    assert_eq!(corpus.articles.len(), 1);
    let e = &corpus.load_errors[0];
    assert_eq!(e.path, gone);
    assert!(e.io && e.message.starts_with("cannot read:"), "{e:?}");
}

#[test]
fn files_deleted_or_truncated_while_being_indexed() {
    // The binary, racing a thread that deletes, truncates and rewrites the
    // files it is reading: every run ends with a normal exit code, no panic,
    // and each I/O error names its file.
    let dir = tempdir();
    let p = dir.path().to_path_buf();
    let body = "Shells date to the src950s, said [한국]{.quote by=@x}.\n".repeat(40);
    let names: Vec<PathBuf> = (0..200).map(|i| p.join(format!("f{i:03}.news"))).collect();
    for n in &names {
        write(n, &body);
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let churn = {
        let stop = stop.clone();
        let names = names.clone();
        let body = body.clone();
        std::thread::spawn(move || {
            let mut i = 0usize;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let n = &names[(i * 7) % names.len()];
                match i % 3 {
                    0 => {
                        let _ = std::fs::remove_file(n);
                    }
                    // Truncated mid-character: the rest must not matter.
                    1 => {
                        let _ = std::fs::write(n, &body.as_bytes()[..body.len() / 3 + 1]);
                    }
                    _ => {
                        let _ = std::fs::write(n, &body);
                    }
                }
                i += 1;
            }
        })
    };
    for _ in 0..6 {
        let out = newsmark(&["check", "--format", "json", "."], &p);
        let code = out.status.code();
        assert!(matches!(code, Some(0..=2)), "{code:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{err}");
        for line in err.lines() {
            assert!(
                line.starts_with("error: f") && line.contains(".news: cannot read"),
                "an I/O error names its file: {line}"
            );
        }
        let _ = json(&out);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    churn.join().expect("churn");
}

#[test]
fn a_source_reference_is_an_id_never_a_path() {
    let outside = tempdir();
    mkfifo(&outside.path().join("trap.news"));
    let dir = tempdir();
    let p = dir.path();
    let trap = outside.path().join("trap.news");
    write(
        &p.join("a.news"),
        format!(
            "+++\nderived_from = [\"/etc/passwd\", \"{}\"]\n+++\n[“a”]{{.quote src=../../etc/passwd}} [“b”]{{.quote src=\"{}\"}}\n",
            trap.display(),
            trap.display()
        ),
    );
    // If anything opened the FIFO it would block and hit the time limit.
    let out = run_limited(
        &["check", "--format", "json", "."],
        p,
        Duration::from_secs(30),
    );
    let findings = json(&out);
    let unknown: Vec<&str> = findings
        .iter()
        .filter(|f| f["code"] == "unknown-source")
        .filter_map(|f| f["message"].as_str())
        .map(|m| m.trim_start_matches("unknown source "))
        .collect();
    assert!(unknown.contains(&"`../../etc/passwd`"), "{unknown:?}");
    assert!(unknown.contains(&"`/etc/passwd`"), "{unknown:?}");
    assert_eq!(unknown.len(), 4, "{unknown:?}");
    // With strace, show that no such path is opened at all.
    if let Some(log) = strace(
        &["check", "."],
        p,
        "trace=openat,open,stat,newfstatat,statx",
    ) {
        assert!(
            !log.contains("etc/passwd") && !log.contains("trap.news"),
            "{log}"
        );
    }
}

/// Runs the binary under `strace -f -e EXPR` and returns the log, or None
/// when strace is not installed (or not allowed).
fn strace(args: &[&str], cwd: &Path, expr: &str) -> Option<String> {
    let log = cwd.join("..").join(format!(
        "strace-{}-{}.log",
        std::process::id(),
        args.join("-").replace(['/', '.', ' '], "_")
    ));
    let status = Command::new("strace")
        .args(["-f", "-qq", "-e", expr, "-o"])
        .arg(&log)
        .arg(bin())
        .args(args)
        .current_dir(cwd)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    let text = std::fs::read_to_string(&log).ok();
    let _ = std::fs::remove_file(&log);
    if status.code().is_none_or(|c| c > 2) {
        return None;
    }
    text
}

// ---------------------------------------------------------------------------
// The language server (what tests/lsp_protocol.rs and tests/lsp/ do not
// already cover: those test malformed JSON-RPC, unknown methods, requests
// before `initialize`, `exit` without `shutdown`, stale versions)

fn diagnostics(client: &mut lsp_client::Client, uri: &str) -> Vec<Value> {
    let r = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    r["result"]["items"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("{r}"))
}

#[test]
fn lsp_skipped_versions_are_applied_stale_ones_dropped() {
    let dir = tempdir();
    let root = dir.path().canonicalize().expect("canonical");
    let path = root.join("a.news");
    write(&path, "Fine.\n");
    let uri = lsp_client::uri(&path);
    let mut c = lsp_client::Client::start(&root);
    c.initialize(&root, false);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "newsmark", "version": 1, "text": "Fine.\n"}}),
    );
    // Version 1 -> 5: versions only have to increase (Neovim sends its
    // change tick), so the change is applied.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 5}, "contentChanges": [
            {"range": {"start": {"line": 0, "character": 4}, "end": {"line": 0, "character": 4}}, "text": " src950s"}]}),
    );
    let items = diagnostics(&mut c, &uri);
    assert!(
        items.iter().any(|d| d["code"] == "garbled-token"),
        "{items:?}"
    );
    // Version 3 after 5: stale, dropped, logged; the text stays.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": "[broken"}]}),
    );
    let items = diagnostics(&mut c, &uri);
    assert!(items.iter().all(|d| d["code"] != "syntax"), "{items:?}");
    assert!(
        items.iter().any(|d| d["code"] == "garbled-token"),
        "{items:?}"
    );
    assert!(
        c.wait_notification(Duration::from_secs(10), |m| {
            m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.contains("stale"))
        }),
        "{:?}",
        c.notifications
    );
    assert!(c.shutdown());
}

#[test]
fn lsp_bad_params_and_unopened_documents_get_answers_not_crashes() {
    let dir = tempdir();
    let root = dir.path().canonicalize().expect("canonical");
    let path = root.join("a.news");
    write(&path, "Fine.\n");
    let uri = lsp_client::uri(&path);
    let mut c = lsp_client::Client::start(&root);
    c.initialize(&root, false);
    // A change to a document that was never opened, and notifications with
    // missing or mistyped fields: ignored.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": "x"}]}),
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri}}),
    );
    c.notify("textDocument/didOpen", json!({"textDocument": 42}));
    c.notify("textDocument/didClose", json!(null));
    // A request with bad params: invalid params (-32602), not a crash.
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": "start"}),
    );
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // Positions far out of range and a non-file URI are answered too.
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 4_000_000_000u32, "character": 4_000_000_000u32}}),
    );
    assert!(
        r.get("error").is_none() || r["error"]["code"] == -32602,
        "{r}"
    );
    let r = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "untitled:Untitled-1"}}),
    );
    assert!(r.get("result").is_some() || r.get("error").is_some(), "{r}");
    // Still serving, and the unopened change was not applied, but logged.
    let items = diagnostics(&mut c, &uri);
    assert!(items.is_empty(), "{items:?}");
    assert!(
        c.wait_notification(Duration::from_secs(10), |m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"]
                    .as_str()
                    .is_some_and(|s| s.contains("which is not open"))
        }),
        "{:?}",
        c.notifications
    );
    assert!(c.shutdown());
}

/// Two articles quoting claim `c` in the same words (`a.news` first), and
/// `a.news`'s text, for the tests where an edit to `a` makes `b` drift.
fn drift_fixture(root: &Path) -> String {
    let quote = "[“we will not export them”]{.quote by=@x claim=c}";
    let a_text = format!("+++\npublished = 2022-01-01\n+++\n{quote}\n");
    write(&root.join("a.news"), &a_text);
    write(
        &root.join("b.news"),
        format!("+++\npublished = 2022-01-02\n+++\n{quote}\n"),
    );
    a_text
}

/// Waits for a publication of a `quote-drift` finding in `uri`.
fn drift_published(c: &mut lsp_client::Client, uri: &str) -> bool {
    c.wait_notification(Duration::from_secs(10), |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && m["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().any(|d| d["code"] == "quote-drift"))
    })
}

#[test]
fn lsp_pull_diagnostics_still_publish_the_other_files_an_edit_affects() {
    // With a long debounce only the pull request brings findings up to
    // date; what it finds in other files must still be pushed to them.
    let dir = tempdir();
    let root = dir.path().canonicalize().expect("canonical");
    let text = drift_fixture(&root);
    let (a_uri, b_uri) = (
        lsp_client::uri(&root.join("a.news")),
        lsp_client::uri(&root.join("b.news")),
    );
    let mut c = lsp_client::Client::start(&root);
    c.initialize_with(&root, false, json!({"debounceMs": 600_000}));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": a_uri, "languageId": "newsmark", "version": 1, "text": text}}),
    );
    let _ = diagnostics(&mut c, &a_uri);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": a_uri, "version": 2}, "contentChanges": [
            {"text": text.replace("will not", "shall never")}]}),
    );
    let _ = diagnostics(&mut c, &a_uri);
    assert!(drift_published(&mut c, &b_uri), "{:?}", c.notifications);
    assert!(c.shutdown());
}

#[test]
fn lsp_a_check_that_panics_midway_does_not_leave_stale_findings() {
    // The first incremental check panics after taking its work (test seam),
    // as a bug in a rule would. The edit it carried made `b.news` drift from
    // `a.news`; a later edit elsewhere must still bring that finding, so the
    // server must not go on from the half-updated cache.
    let dir = tempdir();
    let root = dir.path().canonicalize().expect("canonical");
    let a_text = drift_fixture(&root);
    write(&root.join("c.news"), "Unrelated.\n");
    let a_uri = lsp_client::uri(&root.join("a.news"));
    let (b_uri, c_uri) = (
        lsp_client::uri(&root.join("b.news")),
        lsp_client::uri(&root.join("c.news")),
    );
    let mut c = lsp_client::Client::start_with_env(&root, &[("NEWSMARK_TEST_PANIC_IN", "refresh")]);
    c.initialize_with(&root, false, json!({"debounceMs": 600_000}));
    let _ = diagnostics(&mut c, &c_uri);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": a_uri, "languageId": "newsmark", "version": 1,
            "text": a_text.replace("will not", "shall never")}}),
    );
    // This check panics: an internal error, not findings.
    let r = c.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": a_uri}}),
    );
    assert!(r.get("error").is_some(), "{r}");
    // An edit in an unrelated file; its check must also bring b's drift.
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": c_uri, "languageId": "newsmark", "version": 1, "text": "Unrelated, still.\n"}}),
    );
    let _ = diagnostics(&mut c, &c_uri);
    assert!(drift_published(&mut c, &b_uri), "{:?}", c.notifications);
    assert!(c.shutdown());
}

#[test]
fn lsp_requests_during_indexing_wait_for_it() {
    // A corpus large enough that indexing is still running when the first
    // request arrives: the request for a file the index has not reached yet
    // is answered once indexing ends, not refused as an unknown document.
    let dir = tempdir();
    let root = dir.path().canonicalize().expect("canonical");
    for i in 0..3000 {
        write(
            &root.join(format!("a{i:04}.news")),
            format!("Article {i} was published in the 1950s.\n"),
        );
    }
    let last = root.join("a2999.news");
    write(&last, "The show ran in the src950s.\n");
    let uri = lsp_client::uri(&last);
    let mut c = lsp_client::Client::start(&root);
    c.initialize(&root, false);
    let items = diagnostics(&mut c, &uri);
    assert!(
        items.iter().any(|d| d["code"] == "garbled-token"),
        "{items:?}"
    );
    let r = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(r.get("error").is_none(), "{r}");
    assert!(c.shutdown());
}

#[test]
fn lsp_huge_and_deep_documents_are_served() {
    let dir = tempdir();
    let root = dir.path().canonicalize().expect("canonical");
    let deep = root.join("deep.news");
    let line = root.join("line.news");
    let deep_text = nested(100_000, "x");
    let mut line_text = "한국 said it. ".repeat(5_000_000 / 16);
    line_text.push_str("src950s");
    write(&deep, &deep_text);
    write(&line, &line_text);
    let mut c = lsp_client::Client::start(&root);
    c.initialize(&root, false);
    for (path, text) in [(&deep, &deep_text), (&line, &line_text)] {
        let uri = lsp_client::uri(path);
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "newsmark", "version": 1, "text": text}}),
        );
        for method in [
            "textDocument/documentSymbol",
            "textDocument/foldingRange",
            "textDocument/semanticTokens/full",
            "textDocument/inlayHint",
            "textDocument/codeLens",
        ] {
            let r = c.request(
                method,
                json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}}}),
            );
            assert!(r.get("error").is_none(), "{method}: {r}");
        }
        let end = json!({"line": 0, "character": 3_000_000});
        let r = c.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": end}),
        );
        assert!(r.get("error").is_none(), "{r}");
        // An edit at the far end of the line.
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
                {"range": {"start": end, "end": end}, "text": " [x]{@y}"}]}),
        );
        let items = diagnostics(&mut c, &uri);
        assert!(!items.is_empty());
    }
    assert!(c.shutdown());
}

#[test]
fn lsp_never_writes_a_file() {
    let dir = tempdir();
    let root = dir.path().canonicalize().expect("canonical");
    write(
        &root.join("entities.toml"),
        "[prk]\nkind = \"country\"\nname = \"North Korea\"\n",
    );
    write(&root.join("newsmark.toml"), "[rules]\n");
    let text = "[North Korea]{@prk} said [it]{.quote} in the src950s. [a bracket] [Seoul]{@kor}\n";
    write(&root.join("a.news"), text);
    let snapshot = || -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
        let mut v: Vec<_> = std::fs::read_dir(&root)
            .expect("dir")
            .flatten()
            .map(|e| {
                let m = e.metadata().expect("meta");
                (
                    e.path(),
                    std::fs::read(e.path()).expect("read"),
                    m.modified().expect("mtime"),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = snapshot();
    let uri = lsp_client::uri(&root.join("a.news"));
    let mut c = lsp_client::Client::start(&root);
    c.initialize(&root, false);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "newsmark", "version": 1, "text": text}}),
    );
    let at = json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 2}});
    let r = c.request("textDocument/rename", json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 16}, "newName": "dprk"}));
    assert!(
        r["result"]["changes"].is_object(),
        "a rename is a WorkspaceEdit: {r}"
    );
    let whole = json!({"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}});
    let diags = diagnostics(&mut c, &uri);
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": whole, "context": {"diagnostics": diags}}),
    );
    assert!(r["result"].as_array().is_some_and(|a| !a.is_empty()), "{r}");
    c.request("textDocument/hover", at.clone());
    c.request("textDocument/completion", at);
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(c.shutdown());
    assert_eq!(snapshot(), before, "files, contents and mtimes unchanged");
}

// ---------------------------------------------------------------------------
// Nothing lost

#[cfg(unix)]
#[test]
fn fix_keeps_file_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let p = dir.path();
    write(&p.join("a.news"), "Shells date to the src950s.\n");
    std::fs::set_permissions(p.join("a.news"), std::fs::Permissions::from_mode(0o640))
        .expect("chmod");
    let out = newsmark(&["check", "--fix", "."], p);
    assert!(stdout(&out).contains("Applied 1 fix."), "{}", stdout(&out));
    let meta = std::fs::metadata(p.join("a.news")).expect("meta");
    assert_eq!(meta.permissions().mode() & 0o7777, 0o640);
    assert!(
        std::fs::read_to_string(p.join("a.news"))
            .expect("read")
            .contains("{~~src950s~>1950s~~}")
    );
}

#[test]
fn write_atomic_refuses_a_file_changed_since_it_was_read() {
    let dir = tempdir();
    let path = dir.path().join("a.news");
    write(&path, "what the user saved meanwhile\n");
    let err = newsmark::cli::write_atomic(&path, "fixed\n", Some("what --fix read\n"))
        .expect_err("refused");
    assert!(
        err.to_string()
            .contains("changed on disk since it was read"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "what the user saved meanwhile\n"
    );
    // With the expected content it writes, through a temporary file that
    // does not stay behind.
    newsmark::cli::write_atomic(&path, "fixed\n", Some("what the user saved meanwhile\n"))
        .expect("written");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "fixed\n");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["a.news"]);
}

/// Found by `fix_keeps_the_article_text_and_is_idempotent` in
/// tests/properties.rs: escaping the stray `]` here makes the following `[`
/// open a span, so that (safe-marked) syntax fix would change the article
/// text. `--fix` applies the fixes that keep it and leaves that one.
#[test]
fn a_fix_that_would_change_the_article_text_is_not_applied() {
    let dir = tempdir();
    let p = dir.path();
    let original = "[a bracket][North Korea]{@prk}Shells date to the src950s\n";
    write(&p.join("a.news"), original);
    let out = newsmark(&["check", "--fix", "."], p);
    let now = std::fs::read_to_string(p.join("a.news")).expect("read");
    assert_eq!(
        newsmark::syntax::parse(&now).plain.text,
        newsmark::syntax::parse(original).plain.text
    );
    assert!(now.contains("{~~src950s~>1950s~~}"), "{now}");
    assert!(
        stderr(&out).contains("a.news: fixes not applied: they would change the article text"),
        "{}",
        stderr(&out)
    );
    // Run again: nothing changes.
    newsmark(&["check", "--fix", "."], p);
    assert_eq!(
        std::fs::read_to_string(p.join("a.news")).expect("read"),
        now
    );
}

#[cfg(unix)]
#[test]
fn kill_during_fix_leaves_each_file_old_or_new() {
    let dir = tempdir();
    let p = dir.path();
    let originals: Vec<(String, String)> = (0..100)
        .map(|i| {
            (
                format!("f{i:03}.news"),
                format!("{i}: Shells date to the src950s and src960s.\n").repeat(50),
            )
        })
        .collect();
    // The fixed version of each, from an uninterrupted run on a copy.
    let copy = tempdir();
    for (name, text) in &originals {
        write(&copy.path().join(name), text);
    }
    let start = Instant::now();
    newsmark(&["check", "--fix", "--no-progress", "."], copy.path());
    let whole = start.elapsed();
    let fixed: Vec<String> = originals
        .iter()
        .map(|(name, _)| std::fs::read_to_string(copy.path().join(name)).expect("read"))
        .collect();
    assert!(fixed.iter().zip(&originals).all(|(f, (_, o))| f != o));

    let mut saw = (0, 0, 0);
    let mut saw_leftovers = 0;
    for round in 0..20u64 {
        for (name, text) in &originals {
            write(&p.join(name), text);
        }
        let mut child = Command::new(bin())
            .args(["check", "--fix", "--no-progress", "."])
            .current_dir(p)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        // Spread over the run, most of it over its end, where the writes are.
        std::thread::sleep(whole.mul_f64(0.5 + 0.6 * round as f64 / 20.0));
        child.kill().expect("SIGKILL");
        child.wait().expect("wait");
        let mut new = 0;
        for ((name, old), fixed) in originals.iter().zip(&fixed) {
            let now = std::fs::read_to_string(p.join(name)).expect("every file is still there");
            assert!(
                now == *old || now == *fixed,
                "round {round}: {name} is neither the old nor the new file"
            );
            new += usize::from(now == *fixed);
        }
        match new {
            0 => saw.0 += 1,
            n if n == originals.len() => saw.2 += 1,
            _ => saw.1 += 1,
        }
        // Only the temporary files of `--fix` can be left behind...
        let mut leftovers = Vec::new();
        for e in std::fs::read_dir(p).expect("dir").flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !originals.iter().any(|(n, _)| *n == name) {
                assert!(
                    name.starts_with(".newsmark-") && name.ends_with(".tmp"),
                    "unexpected file {name}"
                );
                leftovers.push(e.path());
            }
        }
        // ...and `check` never reads them (hidden, not `.news`).
        saw_leftovers += leftovers.len();
        if !leftovers.is_empty() {
            let out = newsmark(&["check", "--format", "json", "."], p);
            assert!(
                json(&out)
                    .iter()
                    .all(|f| !f["path"].as_str().unwrap_or("").contains(".tmp")),
            );
            for l in leftovers {
                std::fs::remove_file(l).expect("rm");
            }
        }
    }
    eprintln!(
        "killed runs: {} before any write, {} midway, {} after all; \
         {saw_leftovers} temporary files left",
        saw.0, saw.1, saw.2
    );
}

// ---------------------------------------------------------------------------
// Security

/// Shell syntax in every string a user or a scraped page controls: config,
/// registry, front matter, attributes, text and file names. Newsmark runs
/// no shell and no program (but `git` for `--changed-since`, with the
/// revision given on the command line), so none may create the sentinel.
#[test]
fn no_code_execution_from_config_or_corpus() {
    let dir = tempdir();
    let p = dir.path();
    let sentinel = p.join("PWNED");
    let s = sentinel.display().to_string();
    let payloads = [
        format!("$(touch {s})"),
        format!("`touch {s}`"),
        format!(";touch {s};"),
        format!("| touch {s}"),
        format!("&& touch {s}"),
        format!("'; touch {s}; '"),
        format!("{{{{touch {s}}}}}"),
    ];
    let q = |x: &str| toml_quote(x);
    let mut config = format!(
        "registry = [\"entities.toml\", {}]\nexclude = [{}]\n[rules]\n",
        q(&payloads[0]),
        q(&payloads[1])
    );
    config.push_str(&format!("{} = \"warning\"\n", q(&payloads[2])));
    write(&p.join("newsmark.toml"), &config);
    let mut registry = String::new();
    for (i, x) in payloads.iter().enumerate() {
        registry.push_str(&format!(
            "[e{i}]\nkind = \"person\"\nname = {}\nurl = {}\nwikidata = {}\ndescription = {}\n",
            q(x),
            q(x),
            q(x),
            q(x)
        ));
    }
    registry.push_str(&format!(
        "[claims.c]\ntext = {}\nauthor = {}\n",
        q(&payloads[3]),
        q(&payloads[4])
    ));
    write(&p.join("entities.toml"), &registry);
    for (i, x) in payloads.iter().enumerate() {
        let article = format!(
            "+++\nid = {}\ntitle = {}\nurl = {}\noutlet = {}\n+++\n{x} [{x}]{{.quote by=@e{i} src={} url={}}} src950s\n",
            q(&format!("a{i}")),
            q(x),
            q(x),
            q(x),
            q(x),
            q(x)
        );
        write(&p.join(format!("a{i}.news")), &article);
    }
    // A file name that is itself shell syntax.
    write(&p.join("$(touch PWNED2);x.news"), "text\n");
    std::fs::create_dir(p.join("out")).expect("mkdir");
    let runs: Vec<Vec<&str>> = vec![
        vec!["check", "."],
        vec!["check", "--format", "json", "."],
        vec!["check", "--format", "sarif", "."],
        vec!["check", "--format", "github", "."],
        vec!["check", "--fix", "."],
        vec!["report", ".", "-o", "out/report.html"],
        vec!["export", ".", "--format", "brat", "-o", "out/brat"],
        vec!["export", ".", "--format", "w3c", "-o", "out/w3c"],
        vec!["import", "a0.news", "-o", "out/imported.news"],
        vec!["strip", "out/imported.news"],
    ];
    for args in &runs {
        newsmark(args, p);
        assert!(
            !sentinel.exists() && !p.join("PWNED2").exists(),
            "after {args:?}"
        );
    }
    // The language server, with the same files open.
    let root = p.canonicalize().expect("canonical");
    let mut c = lsp_client::Client::start(&root);
    c.initialize(&root, false);
    let uri = lsp_client::uri(&root.join("a0.news"));
    let text = std::fs::read_to_string(root.join("a0.news")).expect("read");
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "newsmark", "version": 1, "text": text}}),
    );
    let diags = diagnostics(&mut c, &uri);
    let pos = json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": 3}});
    c.request("textDocument/hover", pos.clone());
    c.request("textDocument/definition", pos.clone());
    c.request("textDocument/completion", pos);
    let whole = json!({"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}});
    c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": whole, "context": {"diagnostics": diags}}),
    );
    c.request("workspace/symbol", json!({"query": "touch"}));
    assert!(c.shutdown());
    assert!(
        !sentinel.exists() && !p.join("PWNED2").exists(),
        "after the language server"
    );
}

fn toml_quote(s: &str) -> String {
    serde_json::to_string(s).expect("a JSON string is a TOML basic string here")
}

/// The dependency closure of `newsmark` in Cargo.lock (which also holds
/// dev-dependencies, so this is stricter than the binary) has no HTTP or
/// socket client, no TLS and no async network driver (tokio is built
/// without `net`, so without mio); and the source opens no socket and runs
/// no program but `git`.
#[test]
fn no_network_client_is_linked_and_no_program_is_run() {
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"))
        .expect("Cargo.lock");
    let mut deps: std::collections::HashMap<String, Vec<String>> = Default::default();
    for block in lock.split("[[package]]").skip(1) {
        let name = block
            .lines()
            .find_map(|l| l.strip_prefix("name = \""))
            .map(|n| n.trim_end_matches('"').to_string())
            .expect("name");
        let list: Vec<String> = block
            .split("dependencies = [")
            .nth(1)
            .map(|d| {
                d.split(']')
                    .next()
                    .unwrap_or("")
                    .lines()
                    .filter_map(|l| l.trim().strip_prefix('"'))
                    .map(|l| l.split([' ', '"']).next().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default();
        deps.entry(name).or_default().extend(list);
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut todo = vec!["newsmark".to_string()];
    while let Some(n) = todo.pop() {
        if seen.insert(n.clone()) {
            todo.extend(deps.get(&n).cloned().unwrap_or_default());
        }
    }
    for bad in [
        "reqwest",
        "hyper",
        "ureq",
        "curl",
        "curl-sys",
        "isahc",
        "attohttpc",
        "surf",
        "h2",
        "mio",
        "socket2",
        "rustls",
        "native-tls",
        "openssl",
        "openssl-sys",
        "tokio-rustls",
        "tungstenite",
        "trust-dns-resolver",
        "hickory-resolver",
    ] {
        assert!(!seen.contains(bad), "`{bad}` is in the dependency closure");
    }
    assert!(seen.contains("tokio") && seen.contains("tower-lsp-server"));

    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src];
    let mut commands = Vec::new();
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("src").flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read");
            for bad in [
                "std::net",
                "TcpStream",
                "UdpSocket",
                "UnixStream",
                "TcpListener",
            ] {
                assert!(!text.contains(bad), "{} uses {bad}", path.display());
            }
            for (i, _) in text.match_indices("Command::new(") {
                commands.push((path.clone(), text[i..].chars().take(24).collect::<String>()));
            }
        }
    }
    assert!(
        commands
            .iter()
            .all(|(_, c)| c.starts_with("Command::new(\"git\")")),
        "programs run: {commands:?}"
    );
}

/// At run time (when strace is available): `check`, `import` and a language
/// server session make no socket call and execute nothing but themselves.
#[test]
fn no_socket_or_exec_at_run_time() {
    let dir = tempdir();
    let p = dir.path().join("corpus");
    write(&p.join("a.news"), "[North Korea]{@prk} said src950s.\n");
    write(&p.join("raw.txt"), "scraped [text]\n");
    let expr = "trace=socket,connect,sendto,execve";
    for args in [
        vec!["check", "."],
        vec!["import", "raw.txt"],
        vec!["report", "."],
    ] {
        let Some(log) = strace(&args, &p, expr) else {
            eprintln!("skipped: strace is not available");
            return;
        };
        let calls: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("socket(") || l.contains("connect(") || l.contains("sendto("))
            .collect();
        assert!(calls.is_empty(), "{args:?}: {calls:?}");
        let execs = log.lines().filter(|l| l.contains("execve(")).count();
        assert_eq!(execs, 1, "{args:?} runs only itself: {log}");
    }
    // The language server over stdio, under strace.
    let log = p.join("..").join("lsp-strace.log");
    let mut child = Command::new("strace")
        .args(["-f", "-qq", "-e", expr, "-o"])
        .arg(&log)
        .arg(bin())
        .arg("lsp")
        .current_dir(&p)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("strace");
    let mut stdin = child.stdin.take().expect("stdin");
    let root = lsp_client::uri(&p.canonicalize().expect("canonical"));
    for m in [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"rootUri": root, "capabilities": {}}}),
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "workspace/symbol", "params": {"query": ""}}),
        json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}),
        json!({"jsonrpc": "2.0", "method": "exit"}),
    ] {
        let body = m.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(stdin);
    let mut out = child.stdout.take().expect("stdout");
    let mut sink = Vec::new();
    std::io::Read::read_to_end(&mut out, &mut sink).ok();
    child.wait().expect("wait");
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(
        !text
            .lines()
            .any(|l| l.contains("socket(") || l.contains("connect(")),
        "{text}"
    );
    assert_eq!(
        text.lines().filter(|l| l.contains("execve(")).count(),
        1,
        "{text}"
    );
}

/// The server keeps summaries, not texts, for files that are not open: a
/// closed file's text is read again from disk when a feature needs it, and
/// the positions it answers in closed files are right, non-ASCII text
/// (counted in UTF-16) included.
#[test]
fn lsp_holds_the_text_of_open_files_only_and_places_results_in_closed_ones() {
    let dir = tempdir();
    let root = dir.path().canonicalize().expect("canonical");
    write(
        &root.join("entities.toml"),
        "[prk]\nkind = \"country\"\nname = \"North Korea\"\n",
    );
    let a = root.join("a.news");
    let b = root.join("b.news");
    write(&a, "[North Korea]{@prk} said no.\n");
    // “ and ” are 3 bytes in UTF-8 and one UTF-16 unit each.
    write(&b, "Said:\n“Déjà,” [North Korea]{@prk} twice.\n");
    let mut c = lsp_client::Client::start(&root);
    c.initialize(&root, false);
    let stats = c.request("newsmark/stats", json!({}))["result"].clone();
    assert_eq!(stats["articles"], 2, "{stats}");
    assert_eq!(stats["texts_held"], 0, "nothing open: {stats}");
    let text = std::fs::read_to_string(&a).expect("read");
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": lsp_client::uri(&a), "languageId": "newsmark", "version": 1, "text": text}}),
    );
    let stats = c.request("newsmark/stats", json!({}))["result"].clone();
    assert_eq!(stats["texts_held"], 1, "a is open: {stats}");
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": lsp_client::uri(&a)}, "position": {"line": 0, "character": 16},
               "context": {"includeDeclaration": false}}),
    );
    let in_b: Vec<&Value> = refs["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{refs}"))
        .iter()
        .filter(|l| l["uri"] == lsp_client::uri(&b))
        .collect();
    assert_eq!(in_b.len(), 1, "{refs}");
    assert_eq!(
        in_b[0]["range"],
        json!({"start": {"line": 1, "character": 23}, "end": {"line": 1, "character": 26}}),
        "the id `prk` on b's second line: {refs}"
    );
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": lsp_client::uri(&a)}}),
    );
    let stats = c.request("newsmark/stats", json!({}))["result"].clone();
    assert_eq!(stats["texts_held"], 0, "a was closed: {stats}");
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": lsp_client::uri(&b)}, "position": {"line": 1, "character": 12}}),
    );
    assert!(
        hover["result"]["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.contains("North Korea")),
        "hover in a closed file reads its text from disk: {hover}"
    );
    assert!(c.shutdown());
}

/// The language server starts from the cache `newsmark check` wrote: the
/// unchanged articles come from it (no per-article rules run for them), an
/// article edited since is read afresh, and the server writes nothing.
#[test]
fn lsp_starts_from_the_check_cache_and_never_trusts_a_stale_entry() {
    let dir = tempdir();
    let root = dir.path().join("corpus");
    std::fs::create_dir(&root).expect("mkdir");
    let root = root.canonicalize().expect("canonical");
    let cache = dir.path().join("cache");
    let cache_env = cache.to_str().expect("utf-8 path");
    write(&root.join("a.news"), "The show ran in the src950s.\n");
    write(&root.join("b.news"), "It opened in the src960s.\n");
    write(&root.join("c.news"), "Nothing to see.\n");
    let out = Command::new(bin())
        .env("NEWSMARK_CACHE_DIR", &cache)
        .args(["check", "--format", "json", "."])
        .current_dir(&root)
        .output()
        .expect("check");
    assert_eq!(json(&out).len(), 2, "{}", stdout(&out));
    let file = std::fs::read_dir(&cache)
        .expect("cache dir")
        .next()
        .expect("a cache file")
        .expect("entry")
        .path();
    let written = std::fs::read(&file).expect("read cache");
    // Edited after the cache was written: same length, other words.
    write(&root.join("a.news"), "The show ran in the 1950s  .\n");

    let mut c = lsp_client::Client::start_with_env(&root, &[("NEWSMARK_CACHE_DIR", cache_env)]);
    c.initialize(&root, false);
    let stats = c.request("newsmark/stats", json!({}))["result"].clone();
    assert_eq!(stats["articles"], 3, "{stats}");
    assert_eq!(stats["cache_hits"], 2, "b and c from the cache: {stats}");
    // Written just before `check` read them: hashed, never taken by their
    // stamp (see corpus::cache); and a.news changed, so the index is built.
    assert_eq!(stats["cache_unread"], 0, "{stats}");
    assert_eq!(stats["indexes_cached"], 0, "{stats}");
    assert_eq!(stats["per_article_checks"], 1, "only a is checked: {stats}");
    let a = diagnostics(&mut c, &lsp_client::uri(&root.join("a.news")));
    assert!(a.is_empty(), "a.news as it is now: {a:?}");
    let b = diagnostics(&mut c, &lsp_client::uri(&root.join("b.news")));
    assert_eq!(b.len(), 1, "{b:?}");
    assert_eq!(b[0]["code"], "garbled-token");
    assert_eq!(b[0]["range"]["start"], json!({"line": 0, "character": 17}));
    assert!(c.shutdown());
    assert_eq!(
        std::fs::read(&file).expect("read cache"),
        written,
        "the server does not write the cache"
    );
    assert_eq!(std::fs::read_dir(&cache).expect("cache dir").count(), 1);
}
