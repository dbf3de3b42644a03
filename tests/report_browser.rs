//! `newsmark report` in a real browser: the binary writes the report for a
//! copy of the shipped corpus plus one hostile article, headless Chromium
//! loads it, and the tests read the DOM Chromium prints and take a
//! screenshot (`target/report-artifacts/report.png`, kept by CI).
//!
//! Needs Debian's `chromium` (or `CHROMIUM=/path/to/chrome`); run with
//! `cargo test -p newsmark --features browser-tests --test report_browser`.
//! Without a browser the tests fail: they never pass silently.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where the report and its screenshot are kept for CI.
fn artifacts() -> PathBuf {
    let dir = repo().join("target/report-artifacts");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// The hostile article: markup, an event handler and a `javascript:` URL in
/// its title, its quotes and its plain text.
const HOSTILE: &str = r#"+++
id = "hostile-2022-12-01"
title = "Hostile <script>document.title='pwned'</script> & \"friends\""
outlet = "@hostile-site"
published = 2022-12-01
+++
Hostile <script>document.title='pwned'</script> & "friends"

[North Korea]{@prk} said [<script>document.title='pwned'</script> we will not export them]{.quote by=@prk-mnd-official via=@kcna claim=no-arms-exports}, then [<img src=x onerror="document.title='pwned'">]{.quote by=@hostile-person claim=hostile-claim}.

Read more: \[click here\](javascript:document.title='pwned') or <a href="javascript:document.title='pwned'">here</a>.
"#;

const HOSTILE_ENTITIES: &str = r#"
[hostile-site]
kind = "outlet"
name = "<b>Hostile</b> & Co"

[hostile-person]
kind = "person"
name = "<script>document.title='pwned'</script> Smith"

[claims.hostile-claim]
text = "<img src=x onerror=\"document.title='pwned'\"> claim"
author = "@hostile-person"
"#;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
        }
    }
}

/// Headless Chromium, or a failure that says how to install it.
fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return PathBuf::from(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "Chromium is not installed, and the report browser tests need it: \
         install it with `apt-get install -y chromium` (Debian), or set \
         CHROMIUM=/path/to/chromium"
    );
}

/// Runs headless Chromium on `page` with `args`, in a fresh profile, with
/// no network features; fails after two minutes.
fn run_chromium(page: &Path, args: &[String]) -> Output {
    let profile = tempfile::tempdir().expect("temp dir");
    let url = format!("file://{}", page.display());
    let child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run Chromium ({e}): install it with `apt-get install -y chromium`")
        });
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let started = Instant::now();
    match rx.recv_timeout(Duration::from_secs(120)) {
        Ok(out) => {
            let out = out.expect("Chromium output");
            assert!(
                out.status.success(),
                "Chromium failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
            out
        }
        Err(_) => {
            // Only the process this test started.
            let _ = Command::new("kill").arg(id.to_string()).status();
            panic!("Chromium did not finish in {:?}", started.elapsed());
        }
    }
}

/// The report of the shipped corpus plus the hostile article, written by
/// the real binary; `(path, html)`.
fn report() -> &'static (PathBuf, String) {
    static REPORT: OnceLock<(PathBuf, String)> = OnceLock::new();
    REPORT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let corpus = dir.path().join("corpus");
        copy_dir(&repo().join("corpus"), &corpus);
        std::fs::write(corpus.join("zz-hostile.news"), HOSTILE).expect("write article");
        let registry = corpus.join("entities.toml");
        let mut entities = std::fs::read_to_string(&registry).expect("registry");
        entities.push_str(HOSTILE_ENTITIES);
        std::fs::write(&registry, entities).expect("write registry");

        let out_path = artifacts().join("report.html");
        let out = Command::new(env!("CARGO_BIN_EXE_newsmark"))
            .arg("report")
            .arg(&corpus)
            .arg("-o")
            .arg(&out_path)
            .output()
            .expect("run newsmark");
        assert!(
            out.status.success(),
            "newsmark report failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let html = std::fs::read_to_string(&out_path).expect("report written");
        (out_path, html)
    })
}

/// The DOM after Chromium loaded the report, as it serialises it.
fn dom() -> &'static str {
    static DOM: OnceLock<String> = OnceLock::new();
    DOM.get_or_init(|| {
        let (path, _) = report();
        let out = run_chromium(path, &["--dump-dom".to_string()]);
        let dom = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(dom.contains("</html>"), "no DOM printed: {dom}");
        dom
    })
}

/// The shipped corpus as the library loads it: the expected counts.
fn shipped() -> &'static newsmark::corpus::Corpus {
    static CORPUS: OnceLock<newsmark::corpus::Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = repo().join("corpus");
        newsmark::corpus::Corpus::load(&newsmark::corpus::find_root(&root), &[])
    })
}

/// The part of `dom` from `start` to the next `end`.
fn between<'a>(dom: &'a str, start: &str, end: &str) -> &'a str {
    let from = dom
        .find(start)
        .unwrap_or_else(|| panic!("`{start}` not in the DOM"));
    let len = dom[from..]
        .find(end)
        .unwrap_or_else(|| panic!("`{end}` not after `{start}`"));
    &dom[from..from + len + end.len()]
}

#[test]
fn every_section_is_there() {
    let dom = dom();
    for heading in [
        "<h1>corpus</h1>",
        "<h2>Timeline of claims</h2>",
        "<h2>Who carried which claim</h2>",
        "<h2>Quote drift</h2>",
        "<h2>Entity index</h2>",
        "<h2>Articles</h2>",
    ] {
        assert!(dom.contains(heading), "`{heading}` missing");
    }
    let header = between(dom, "<dl class=\"stats\">", "</dl>");
    let corpus = shipped();
    let mut outlets: Vec<&str> = corpus
        .articles
        .iter()
        .flat_map(|a| &a.summary.refs)
        .filter(|r| r.role == newsmark::corpus::RefRole::Outlet)
        .map(|r| r.id.as_str())
        .collect();
    outlets.sort_unstable();
    outlets.dedup();
    // The hostile article adds an article, an outlet and two entities.
    for (label, n) in [
        ("articles", corpus.articles.len() + 1),
        ("outlets", outlets.len() + 1),
        ("entities", corpus.registry.entities.len() + 2),
    ] {
        let needle = format!("<dt>{label}</dt><dd>{n}</dd>");
        assert!(header.contains(&needle), "`{needle}` not in {header}");
    }
    assert!(dom.contains("<time datetime=\"2022-09-22\">2022-09-22</time> – <time datetime=\"2022-12-01\">2022-12-01</time>"));
}

#[test]
fn matrix_has_every_outlet_and_claim() {
    let matrix = between(dom(), "<table class=\"matrix\">", "</table>");
    for outlet in [
        "The Manila Times",
        "Unknown blog",
        "Forbes",
        "The Wall Street Journal",
        "The Associated Press",
        "&lt;b&gt;Hostile&lt;/b&gt; &amp; Co",
    ] {
        let th = format!("<span class=\"outlet-name\">{outlet}</span>");
        assert!(matrix.contains(&th), "outlet `{outlet}` not a column");
    }
    for claim in [
        "no-arms-exports",
        "never-arms-trade",
        "russia-buying-prk-arms",
        "hostile-claim",
    ] {
        let row = format!("<th scope=\"row\"><code>{claim}</code></th>");
        assert!(matrix.contains(&row), "claim `{claim}` not a row");
    }
    // Credited speakers are resolved to their registry names.
    assert!(matrix.contains(
        "<span class=\"who\">Vice director general, general equipment bureau, North Korean Ministry of National Defence</span>"
    ));
    assert!(matrix.contains("<span class=\"via\">via Korean Central News Agency</span>"));
    assert!(matrix.contains("<span class=\"who\">US officials (unnamed)</span>"));
}

#[test]
fn drift_of_no_arms_exports_marks_the_words() {
    let dom = dom();
    let drift = dom
        .split("<article class=\"card drift\">")
        .skip(1)
        .map(|d| &d[..d.find("</article>").unwrap_or(d.len())])
        .find(|d| d.contains("<code>no-arms-exports</code>") && d.contains("Unknown blog"))
        .expect("a drift of no-arms-exports between The Manila Times and the Unknown blog");
    assert!(drift.contains("words changed"), "{drift}");
    assert!(drift.contains("The Manila Times"), "{drift}");
    assert!(drift.contains("<del>not</del>"), "{drift}");
    assert!(drift.contains("<ins>have no</ins>"), "{drift}");
    assert!(
        drift.contains("exported weapons or ammunition to Russia"),
        "{drift}"
    );
}

#[test]
fn entity_index_lists_the_registry_by_mentions() {
    let table = between(dom(), "<table class=\"entities\">", "</table>");
    let rows: Vec<&str> = table.split("<tr").skip(2).collect();
    assert_eq!(
        rows.len(),
        shipped().registry.entities.len() + 2,
        "one row per registry entity"
    );
    let mentions: Vec<usize> = rows
        .iter()
        .filter_map(|r| {
            let start = r.find("<span class=\"n\">")? + "<span class=\"n\">".len();
            r[start..start + r[start..].find('<')?].parse().ok()
        })
        .collect();
    assert_eq!(mentions.len(), rows.len(), "a mention count in every row");
    assert!(
        mentions.windows(2).all(|w| w[0] >= w[1]),
        "most mentioned first: {mentions:?}"
    );
    let names: Vec<&str> = rows
        .iter()
        .filter_map(|r| {
            let start = r.find("<span class=\"name\">")? + "<span class=\"name\">".len();
            Some(&r[start..start + r[start..].find("</span>")?])
        })
        .collect();
    assert!(names.contains(&"North Korea"));
    assert!(names.contains(&"John Kirby"));
    assert!(names.contains(&"&lt;script&gt;document.title='pwned'&lt;/script&gt; Smith"));
    assert!(table.contains("<code class=\"id\">@prk</code>"));
}

#[test]
fn hostile_article_is_text_and_runs_nothing() {
    let dom = dom();
    // The title would read 'pwned' had any script or handler run.
    assert!(
        dom.contains("<title>Newsmark report: corpus</title>"),
        "title changed: {}",
        between(dom, "<title>", "</title>")
    );
    assert!(!dom.contains("pwned</title>"));
    // The markup is text: no such element exists in the DOM.
    for tag in ["<script", "<img", "<b>", "<a href=\"javascript"] {
        assert!(!dom.contains(tag), "`{tag}` became an element");
    }
    for text in [
        "&lt;script&gt;document.title='pwned'&lt;/script&gt; we will not export them",
        "&lt;img src=x onerror=\"document.title='pwned'\"&gt;",
        "Hostile &lt;script&gt;document.title='pwned'&lt;/script&gt; &amp; \"friends\"",
    ] {
        assert!(dom.contains(text), "`{text}` not shown as text");
    }
    // Every link stays on the page.
    for href in dom.split("href=\"").skip(1) {
        assert!(href.starts_with('#'), "link out of the page: {href:.60}");
    }
    // And the page says so to the browser.
    assert!(dom.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
    ));
}

#[test]
fn screenshot_for_ci() {
    let (path, _) = report();
    let png = artifacts().join("report.png");
    let _ = std::fs::remove_file(&png);
    run_chromium(
        path,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1366,900".to_string(),
        ],
    );
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a PNG",
        png.display()
    );
    assert!(
        bytes.len() > 30_000,
        "{} is only {} bytes: an empty page?",
        png.display(),
        bytes.len()
    );
}
