//! The language server at the protocol level, with raw bytes on stdio:
//! malformed JSON-RPC, requests before `initialize`, unknown methods, `exit`
//! without `shutdown`. Each gets an answer (or a clean exit), never a crash.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

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
