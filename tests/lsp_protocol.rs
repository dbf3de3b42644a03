//! The language server at the protocol level, with raw bytes on stdio:
//! malformed JSON-RPC, requests before `initialize`, unknown methods, `exit`
//! without `shutdown`. Each gets an answer (or a clean exit), never a crash.
//! And the settings an editor sends with `workspace/didChangeConfiguration`.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "support/lsp_client.rs"]
mod lsp_client;

struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_newsmark"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start newsmark lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        Server {
            child,
            stdin,
            stdout,
        }
    }

    fn send_raw(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    /// The next message with an `id` (skipping notifications).
    fn response(&mut self) -> serde_json::Value {
        loop {
            let mut len = 0;
            loop {
                let mut line = String::new();
                self.stdout.read_line(&mut line).expect("header");
                assert!(!line.is_empty(), "server closed stdout");
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    len = v.parse().expect("length");
                }
            }
            let mut body = vec![0; len];
            self.stdout.read_exact(&mut body).expect("body");
            let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
            if v.get("id").is_some() && v.get("method").is_none() {
                return v;
            }
        }
    }

    fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        None
    }
}

const INIT: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#;

#[test]
fn request_before_initialize_is_refused_with_an_error() {
    let mut s = Server::start();
    s.send_raw(r#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x.news"},"position":{"line":0,"character":0}}}"#);
    let r = s.response();
    assert_eq!(r["id"], 7);
    assert_eq!(r["error"]["code"], -32002, "{r}");
    s.send_raw(INIT);
    let r = s.response();
    assert!(
        r["result"]["capabilities"]["hoverProvider"]
            .as_bool()
            .unwrap_or(false),
        "{r}"
    );
}

#[test]
fn malformed_json_and_unknown_methods_get_errors() {
    let mut s = Server::start();
    s.send_raw(INIT);
    s.response();
    s.send_raw(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
    s.send_raw(r#"{"jsonrpc":"2.0","id":2,"method":"#);
    let r = s.response();
    assert_eq!(r["error"]["code"], -32700, "parse error: {r}");
    s.send_raw(r#"{"jsonrpc":"2.0","id":3,"method":"newsmark/frobnicate","params":{}}"#);
    let r = s.response();
    assert_eq!(r["id"], 3);
    assert_eq!(r["error"]["code"], -32601, "method not found: {r}");
    // Still serving.
    s.send_raw(r#"{"jsonrpc":"2.0","id":4,"method":"shutdown"}"#);
    let r = s.response();
    assert_eq!(r["id"], 4);
    assert!(r["result"].is_null());
    s.send_raw(r#"{"jsonrpc":"2.0","method":"exit"}"#);
    assert!(
        s.wait_exit(Duration::from_secs(10)).is_some(),
        "exits after shutdown + exit"
    );
}

#[test]
fn exit_without_shutdown_ends_the_process() {
    let mut s = Server::start();
    s.send_raw(INIT);
    s.response();
    s.send_raw(r#"{"jsonrpc":"2.0","method":"exit"}"#);
    assert!(
        s.wait_exit(Duration::from_secs(10)).is_some(),
        "exit ends the server"
    );
}

#[test]
fn closed_stdin_ends_the_process() {
    let mut s = Server::start();
    s.send_raw(INIT);
    s.response();
    let Server {
        mut child, stdin, ..
    } = s;
    drop(stdin);
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    panic!("the server kept running with its input closed");
}

#[test]
fn a_panicking_handler_answers_an_error_and_the_server_stays_up() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsmark"))
        .arg("lsp")
        .env("NEWSMARK_TEST_PANIC_IN", "hover")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start newsmark lsp");
    let stdin = child.stdin.take().expect("stdin");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut s = Server {
        child,
        stdin,
        stdout,
    };
    s.send_raw(INIT);
    s.response();
    s.send_raw(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
    s.send_raw(r#"{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x.news"},"position":{"line":0,"character":0}}}"#);
    let r = s.response();
    assert_eq!(r["id"], 2);
    assert_eq!(r["error"]["code"], -32603, "internal error: {r}");
    s.send_raw(r#"{"jsonrpc":"2.0","id":3,"method":"workspace/symbol","params":{"query":""}}"#);
    let r = s.response();
    assert_eq!(r["id"], 3);
    assert!(r["result"].is_array(), "still answering: {r}");
    s.send_raw(r#"{"jsonrpc":"2.0","id":4,"method":"shutdown"}"#);
    s.response();
    s.send_raw(r#"{"jsonrpc":"2.0","method":"exit"}"#);
    assert!(s.wait_exit(Duration::from_secs(10)).is_some());
}

/// The `garbled-token` findings of `uri` published since the notifications
/// were last cleared: `Some(severities)` once a publication arrives.
fn published_garbled(c: &mut lsp_client::Client, uri: &str) -> Option<Vec<Value>> {
    let is_it =
        |m: &Value| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri;
    if !c.wait_notification(Duration::from_secs(20), is_it) {
        return None;
    }
    let last = c.notifications.iter().rev().find(|m| is_it(m))?;
    Some(
        last["params"]["diagnostics"]
            .as_array()?
            .iter()
            .filter(|d| d["code"] == "garbled-token")
            .map(|d| d["severity"].clone())
            .collect(),
    )
}

/// Neovim sends its `settings` option as `workspace/didChangeConfiguration`:
/// rule severities there (shaped like `initializationOptions`, under
/// `newsmark` or not) apply at once, and clearing them brings back
/// `newsmark.toml`'s levels.
#[test]
fn did_change_configuration_sets_rule_severities_and_republishes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().canonicalize().expect("canonical");
    std::fs::write(
        root.join("newsmark.toml"),
        "[rules]\ngarbled-token = \"info\"\n",
    )
    .expect("write");
    let path = root.join("a.news");
    let text = "Shells that date to the src950s, it said.\n";
    std::fs::write(&path, text).expect("write");
    let uri = lsp_client::uri(&path);
    let mut c = lsp_client::Client::start(&root);
    c.initialize(&root, false);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "newsmark", "version": 1, "text": text}}),
    );
    // LSP severities: 1 error, 2 warning, 3 information, 4 hint.
    let wait_for = |c: &mut lsp_client::Client, want: Vec<Value>| {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let got = published_garbled(c, &uri);
            if got.as_ref() == Some(&want) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "wanted garbled-token severities {want:?}, last published {got:?}"
            );
            c.notifications.clear();
        }
    };
    wait_for(&mut c, vec![json!(3)]);

    c.notifications.clear();
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"newsmark": {"rules": {"garbled-token": "off"}}}}),
    );
    wait_for(&mut c, vec![]);
    let r = c.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(
        r["result"]["items"]
            .as_array()
            .is_some_and(|items| items.iter().all(|d| d["code"] != "garbled-token")),
        "{r}"
    );

    c.notifications.clear();
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"rules": {"garbled-token": "error", "no-such-rule": "off"}}}),
    );
    wait_for(&mut c, vec![json!(1)]);

    // Settings with no `rules` leave the severities alone; `{}` clears them.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"newsmark": {}}}),
    );
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    let r = c.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    let severities: Vec<&Value> = r["result"]["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["code"] == "garbled-token")
        .map(|d| &d["severity"])
        .collect();
    assert_eq!(severities, [&json!(1)], "{r}");
    c.notifications.clear();
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"newsmark": {"rules": {}}}}),
    );
    wait_for(&mut c, vec![json!(3)]);
    assert!(c.shutdown());
}

/// A completion list longer than the server's limit comes back cut, as a
/// list marked incomplete, so that the editor asks again as the user types
/// (rather than filtering the cut list itself); typing more gets a
/// complete list again.
#[test]
fn a_long_completion_list_is_marked_incomplete() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().canonicalize().expect("canonical");
    let registry: String = (0..300)
        .map(|n| format!("[e{n}]\nname = \"Entity {n}\"\n"))
        .collect();
    std::fs::write(root.join("entities.toml"), registry).expect("write");
    let path = root.join("a.news");
    std::fs::write(&path, "Text.\n").expect("write");
    let uri = lsp_client::uri(&path);
    let mut c = lsp_client::Client::start(&root);
    c.initialize(&root, false);
    let complete = |c: &mut lsp_client::Client, version: i32, typed: &str| {
        let text = format!("Text.\n[x]{{.quote by={typed}");
        if version == 1 {
            c.notify(
                "textDocument/didOpen",
                json!({"textDocument": {"uri": uri, "languageId": "newsmark", "version": 1, "text": text}}),
            );
        } else {
            c.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
            );
        }
        let end = text.lines().last().map_or(0, str::len);
        c.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": end}}),
        )["result"]
            .clone()
    };
    let all = complete(&mut c, 1, "@");
    let items = all["items"].as_array().expect("a completion list");
    assert_eq!(all["isIncomplete"], json!(true), "{all}");
    assert!(items.len() < 300, "{} items", items.len());
    let some = complete(&mut c, 2, "@e29");
    let labels: Vec<&str> = some["items"]
        .as_array()
        .expect("a completion list")
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(some["isIncomplete"], json!(false), "{some}");
    assert_eq!(
        labels,
        [
            "@e29", "@e290", "@e291", "@e292", "@e293", "@e294", "@e295", "@e296", "@e297",
            "@e298", "@e299"
        ]
    );
    assert!(c.shutdown());
}

/// Renaming an article's file in the editor (VS Code's explorer) changes the
/// source id it takes from its file name: the server answers
/// `workspace/willRenameFiles` with the edits to every citation of it, and
/// with nothing for an article whose `id` is in its front matter.
#[test]
fn renaming_an_article_file_updates_the_citations_of_its_file_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().canonicalize().expect("canonical");
    let write = |name: &str, text: &str| {
        let path = root.join(name);
        std::fs::write(&path, text).expect("write");
        path
    };
    let cited = write("cited.news", "[It said]{.quote #said by=@o}\n");
    let declared = write(
        "declared.news",
        "+++\nid = \"wire\"\n+++\n[“Text”]{.quote src=cited#said by=@o}\n",
    );
    let mut c = lsp_client::Client::start(&root);
    let init = c.initialize(&root, false);
    let filters =
        &init["result"]["capabilities"]["workspace"]["fileOperations"]["willRename"]["filters"];
    assert_eq!(filters[0]["pattern"]["matches"], json!("file"), "{init}");
    let rename = |c: &mut lsp_client::Client, from: &std::path::Path, to: &str| {
        c.request(
            "workspace/willRenameFiles",
            json!({"files": [{"oldUri": lsp_client::uri(from), "newUri": lsp_client::uri(&root.join(to))}]}),
        )["result"]
            .clone()
    };
    let edit = rename(&mut c, &cited, "kcna-2022.news");
    let edits = &edit["changes"][lsp_client::uri(&declared)];
    // `src=cited#said` on line 3: `cited` is UTF-16 units 20..25 (the curly
    // quotes are one unit each).
    assert_eq!(
        edits,
        &json!([{"range": {"start": {"line": 3, "character": 20}, "end": {"line": 3, "character": 25}}, "newText": "kcna-2022"}]),
        "{edit}"
    );
    assert_eq!(
        edit["changes"].as_object().map(|m| m.len()),
        Some(1),
        "{edit}"
    );
    assert_eq!(rename(&mut c, &declared, "other.news"), Value::Null);
    assert!(c.shutdown());
}
