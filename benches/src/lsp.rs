//! Drives `newsmark lsp` over stdio like an editor and times it: indexing,
//! first diagnostics, keystroke to diagnostics (debounce 0), hover,
//! definition, references, document highlight, completion, workspace
//! symbols; resident memory.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, ExitCode, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::percentile;

struct Client {
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: u64,
    /// `publishDiagnostics` notifications received so far.
    published: usize,
}

impl Client {
    fn send(&mut self, v: &Value) {
        let body = v.to_string();
        let _ = write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len());
        let _ = self.stdin.flush();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Receives until `pred` accepts a message; answers server requests.
    fn wait(&mut self, timeout: Duration, mut pred: impl FnMut(&Value) -> bool) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let msg = self.rx.recv_timeout(left).ok()?;
            if msg["method"] == "textDocument/publishDiagnostics" {
                self.published += 1;
            }
            if msg.get("method").is_some() && msg.get("id").is_some() {
                let id = msg["id"].clone();
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
            }
            if pred(&msg) {
                return Some(msg);
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> (Duration, Value) {
        self.next_id += 1;
        let id = self.next_id;
        let start = Instant::now();
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let r = self
            .wait(Duration::from_secs(120), |m| {
                m.get("id") == Some(&json!(id)) && m.get("method").is_none()
            })
            .unwrap_or(Value::Null);
        (start.elapsed(), r)
    }
}

fn reader(out: impl Read + Send + 'static) -> Receiver<Value> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(out);
        loop {
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let l = line.trim_end();
                if l.is_empty() {
                    break;
                }
                if let Some(v) = l.strip_prefix("Content-Length: ") {
                    len = v.parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            if r.read_exact(&mut body).is_err() {
                return;
            }
            if let Ok(v) = serde_json::from_slice::<Value>(&body)
                && tx.send(v).is_err()
            {
                return;
            }
        }
    });
    rx
}

fn uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

/// (line, UTF-16 column) of byte offset `at`.
fn position(text: &str, at: usize) -> Value {
    let before = &text[..at];
    let line = before.matches('\n').count();
    let col: usize = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .map(char::len_utf16)
        .sum();
    json!({"line": line, "character": col})
}

fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Prints the p50 and p99 of `xs` (seconds), and the share of CPU time the
/// hypervisor stole since `since`: on a virtual machine, a request is late
/// by milliseconds when its virtual CPU is not running, whatever the server
/// does, so a p99 is read beside it.
fn report(name: &str, xs: &mut [f64], since: Option<crate::CpuTimes>) {
    if std::env::var_os("NEWSMARK_BENCH_ALL").is_some() {
        eprintln!(
            "{name}: {:?}",
            xs.iter()
                .map(|x| (x * 1e4).round() / 10.0)
                .collect::<Vec<_>>()
        );
    }
    let p50 = percentile(xs, 0.5);
    let p99 = percentile(xs, 0.99);
    let stolen = since
        .zip(crate::cpu_times())
        .and_then(|(a, b)| crate::stolen(a, b))
        .map_or(String::new(), |share| format!(", {share}"));
    println!(
        "{name:<28} p50 {:8.3} ms   p99 {:8.3} ms   (n={}{stolen})",
        p50 * 1e3,
        p99 * 1e3,
        xs.len()
    );
}

/// Starts `newsmark lsp` on `corpus` with the cache directory `cache`,
/// initializes it like an editor and waits for the end of indexing: the
/// server, its client, its pid and how long that took.
fn start(
    bin: &Path,
    cache: &Path,
    corpus: &Path,
) -> Option<(std::process::Child, Client, u32, Duration)> {
    let Ok(mut child) = Command::new(bin)
        .env("NEWSMARK_CACHE_DIR", cache)
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    else {
        eprintln!("cannot start {} lsp", bin.display());
        return None;
    };
    let pid = child.id();
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return None;
    };
    let mut c = Client {
        stdin,
        rx: reader(stdout),
        next_id: 0,
        published: 0,
    };

    let start = Instant::now();
    c.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(corpus),
            "workspaceFolders": [{"uri": uri(corpus), "name": "corpus"}],
            "capabilities": {
                "window": {"workDoneProgress": true},
                "general": {"positionEncodings": ["utf-16"]},
                // As VS Code and Neovim 0.10 do: costly edits come later.
                "textDocument": {"codeAction": {"dataSupport": true, "resolveSupport": {"properties": ["edit"]}}},
            },
            "initializationOptions": {"debounceMs": 0},
        }),
    );
    c.notify("initialized", json!({}));
    let indexed = c.wait(Duration::from_secs(600), |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    });
    let index_time = start.elapsed();
    if indexed.is_none() {
        eprintln!("indexing did not finish");
    }
    Some((child, c, pid, index_time))
}

/// `warm`: start from the cache `newsmark check` writes (it is run once
/// first); else from an empty cache directory (a cold start).
/// `starts`: how many times to time the start alone first (each server
/// stopped once indexed), for a median.
pub fn run(corpus: &Path, bin: &Path, requests: usize, warm: bool, starts: usize) -> ExitCode {
    let corpus = std::path::absolute(corpus).unwrap_or_else(|_| corpus.to_path_buf());
    let mut article: Option<PathBuf> = None;
    if let Ok(rd) = std::fs::read_dir(&corpus) {
        let mut names: Vec<PathBuf> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "news"))
            .collect();
        names.sort();
        article = names.into_iter().nth(1);
    }
    let Some(article) = article else {
        eprintln!("no .news files directly in {}", corpus.display());
        return ExitCode::from(2);
    };
    let cache = crate::bench_cache_dir();
    if warm {
        let wrote = Command::new(bin)
            .env("NEWSMARK_CACHE_DIR", &cache)
            .args(["check", "--format", "json", "--no-progress"])
            .arg(&corpus)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if wrote.is_err() {
            eprintln!("cannot run {} check", bin.display());
            return ExitCode::from(2);
        }
    }
    // Extra starts, each stopped once indexed: the spread of the start.
    if starts > 1 {
        let mut times = Vec::new();
        let mut rss = Vec::new();
        let since = crate::cpu_times();
        for _ in 0..starts {
            let Some((mut child, c, pid, took)) = start(bin, &cache, &corpus) else {
                return ExitCode::from(2);
            };
            times.push(took.as_secs_f64());
            rss.push(rss_kb(pid) as f64 / 1024.0);
            drop(c);
            let _ = child.kill();
            let _ = child.wait();
        }
        let (med, lo, hi) = crate::median(times);
        let (rmed, rlo, rhi) = crate::median(rss);
        let stolen = since
            .zip(crate::cpu_times())
            .and_then(|(a, b)| crate::stolen(a, b))
            .map_or(String::new(), |share| format!("; {share}"));
        println!(
            "initialize → indexing done over {starts} starts: median {med:.3} s ({lo:.3}–{hi:.3}); resident memory after indexing median {rmed:.1} MB ({rlo:.1}–{rhi:.1}){stolen}",
        );
    }
    let Some((mut child, mut c, pid, index_time)) = start(bin, &cache, &corpus) else {
        return ExitCode::from(2);
    };
    println!(
        "initialize → indexing done: {:.3} s ({} start)",
        index_time.as_secs_f64(),
        if warm { "warm" } else { "cold" }
    );
    println!(
        "resident memory after indexing: {:.1} MB",
        rss_kb(pid) as f64 / 1024.0
    );

    let text = std::fs::read_to_string(&article).unwrap_or_default();
    let auri = uri(&article);
    let open_start = Instant::now();
    c.notify("textDocument/didOpen", json!({"textDocument": {"uri": auri, "languageId": "newsmark", "version": 1, "text": text}}));
    c.wait(Duration::from_secs(600), |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == auri
    });
    println!(
        "didOpen → first diagnostics for it: {:.3} s",
        open_start.elapsed().as_secs_f64()
    );

    let published_before = c.published - 1;
    // A request at once: it waits for whatever holds the server then (the
    // first computation of every cross-document group, at 100k seconds,
    // done in steps that release the server between them).
    let (waited, _) = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": auri}, "position": {"line": 0, "character": 0}}),
    );
    println!(
        "hover right after those diagnostics: {:.1} ms",
        waited.as_secs_f64() * 1e3
    );

    // The server publishes every file with findings once every group is
    // computed; let that burst reach the client before timing keystrokes
    // (an editor would be reading it too, but it is not keystroke
    // latency). `refreshing` in the stats says the computation is not
    // done (quiet stretches between its steps are not the end).
    let publish = |m: &Value| m["method"] == "textDocument/publishDiagnostics";
    loop {
        while c.wait(Duration::from_millis(200), publish).is_some() {}
        let stats = c.request("newsmark/stats", json!({})).1;
        if stats["result"]["refreshing"] != json!(true) {
            break;
        }
    }
    while c.wait(Duration::from_millis(500), publish).is_some() {}
    println!(
        "files published after indexing: {} ({:.3} s from didOpen)",
        c.published - published_before,
        open_start.elapsed().as_secs_f64() - 0.5
    );

    println!(
        "resident memory after that burst: {:.1} MB",
        rss_kb(pid) as f64 / 1024.0
    );

    // Keystrokes: insert a letter at the end of the last line, one at a time.
    let before = c.request("newsmark/stats", json!({})).1["result"].clone();
    let mut edit_times = Vec::new();
    let mut current = text.clone();
    let since = crate::cpu_times();
    for v in 2..(2 + requests as i64) {
        let at = current.len();
        let pos = position(&current, at);
        current.push('x');
        let t = Instant::now();
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": auri, "version": v}, "contentChanges": [{"range": {"start": pos, "end": pos}, "text": "x"}]}),
        );
        let got = c.wait(Duration::from_secs(60), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == auri
                && m["params"]["version"] == json!(v)
        });
        if got.is_some() {
            edit_times.push(t.elapsed().as_secs_f64());
        }
    }
    report("didChange → diagnostics", &mut edit_times, since);
    let after = c.request("newsmark/stats", json!({})).1["result"].clone();
    let per_edit = |key: &str| {
        let n = after[key].as_f64().unwrap_or(0.0) - before[key].as_f64().unwrap_or(0.0);
        n / requests.max(1) as f64
    };
    println!(
        "work per edit: {:.1} per-article rule runs, {:.1} cross-document groups computed, {:.1} cross-document findings computed, {:.1} files reported changed (of {} articles)",
        per_edit("per_article_checks"),
        per_edit("cross_groups_computed"),
        per_edit("cross_findings_computed"),
        per_edit("files_reported_changed"),
        after["articles"]
    );

    println!(
        "resident memory after the edits: {:.1} MB",
        rss_kb(pid) as f64 / 1024.0
    );

    let mention = current
        .find("]{@e")
        .and_then(|i| current[..i].rfind('['))
        .map_or(0, |i| i + 2);
    let src = current.find("claim=c").map_or(0, |i| i + 7);
    let doc = json!({"uri": auri});
    let timed = |c: &mut Client, name: &str, method: &str, params: Value| {
        let since = crate::cpu_times();
        let mut xs: Vec<f64> = (0..requests)
            .map(|_| c.request(method, params.clone()).0.as_secs_f64())
            .collect();
        report(name, &mut xs, since);
    };
    timed(
        &mut c,
        "hover",
        "textDocument/hover",
        json!({"textDocument": doc, "position": position(&current, mention)}),
    );
    timed(
        &mut c,
        "definition",
        "textDocument/definition",
        json!({"textDocument": doc, "position": position(&current, mention)}),
    );
    timed(
        &mut c,
        "references",
        "textDocument/references",
        json!({"textDocument": doc, "position": position(&current, mention), "context": {"includeDeclaration": true}}),
    );
    // What an editor asks when the cursor rests on the mention (VS Code on
    // its own, Neovim through the plugin's CursorHold).
    timed(
        &mut c,
        "documentHighlight",
        "textDocument/documentHighlight",
        json!({"textDocument": doc, "position": position(&current, mention)}),
    );
    let completion = json!({"textDocument": doc, "position": position(&current, src)});
    timed(
        &mut c,
        "completion (claim=)",
        "textDocument/completion",
        completion.clone(),
    );
    let (_, r) = c.request("textDocument/completion", completion);
    let list = &r["result"];
    println!(
        "  items in it: {}{}, {} bytes",
        list["items"]
            .as_array()
            .or(list.as_array())
            .map_or(0, Vec::len),
        if list["isIncomplete"] == json!(true) {
            " (marked incomplete)"
        } else {
            ""
        },
        list.to_string().len()
    );
    timed(
        &mut c,
        "workspace/symbol",
        "workspace/symbol",
        json!({"query": "e1"}),
    );
    println!(
        "resident memory after those requests: {:.1} MB",
        rss_kb(pid) as f64 / 1024.0
    );
    // Code actions where an editor asks for them on every cursor move: on
    // an un-annotated registry name, whose "annotate every …" action looks
    // at every article (read from disk when closed). "Entity 1" is the
    // start of "Entity 10", "Entity 123", …: most articles hold the string.
    let version = 2 + requests as i64;
    let at = current.len();
    let pos = position(&current, at);
    current.push_str("\nEntity 1 spoke.\n");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": auri, "version": version}, "contentChanges": [{"range": {"start": pos, "end": pos}, "text": "\nEntity 1 spoke.\n"}]}),
    );
    let _ = c.wait(Duration::from_secs(60), |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == json!(version)
    });
    let name = position(&current, at + 3);
    let mut xs = Vec::new();
    let since = crate::cpu_times();
    let mut titles: Vec<String> = Vec::new();
    let mut actions: Vec<Value> = Vec::new();
    for _ in 0..requests.min(20) {
        let (t, r) = c.request(
            "textDocument/codeAction",
            json!({"textDocument": doc, "range": {"start": name, "end": name}, "context": {"diagnostics": []}}),
        );
        xs.push(t.as_secs_f64());
        actions = r["result"].as_array().cloned().unwrap_or_default();
        titles = actions
            .iter()
            .filter_map(|x| x["title"].as_str().map(String::from))
            .collect();
    }
    report("codeAction (on a registry name)", &mut xs, since);
    println!("  actions offered: {titles:?}");
    // Picking "annotate every …": its edit is worked out then, from every
    // article (read from disk when closed).
    let mut xs = Vec::new();
    let mut edits = 0;
    let since = crate::cpu_times();
    for _ in 0..requests.min(5) {
        let Some(every) = actions.iter().find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Annotate every"))
        }) else {
            break;
        };
        let (t, r) = c.request("codeAction/resolve", every.clone());
        xs.push(t.as_secs_f64());
        edits = r["result"]["edit"]["changes"].as_object().map_or(0, |c| {
            c.values().filter_map(Value::as_array).map(Vec::len).sum()
        });
    }
    if !xs.is_empty() {
        report("codeAction/resolve (annotate every)", &mut xs, since);
        println!("  edits in it: {edits}");
    }
    println!(
        "resident memory at the end: {:.1} MB",
        rss_kb(pid) as f64 / 1024.0
    );
    let (_, counters) = c.request("newsmark/stats", json!({}));
    if counters.get("result").is_some() {
        println!("server counters: {}", counters["result"]);
    }
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&cache);
    ExitCode::SUCCESS
}
