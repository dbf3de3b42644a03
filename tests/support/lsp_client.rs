//! A minimal LSP client over stdio for the end-to-end tests: spawns
//! `newsmark lsp`, writes framed JSON-RPC, reads responses (skipping the
//! server's notifications and answering its requests with `null`).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub struct Client {
    pub child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications received so far (`window/logMessage`, diagnostics, …).
    pub notifications: Vec<Value>,
}

fn read_message(stdout: &mut BufReader<ChildStdout>) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if stdout.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse().ok();
        }
    }
    let mut body = vec![0; len?];
    stdout.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    /// Starts `newsmark lsp` in `cwd`.
    pub fn start(cwd: &Path) -> Client {
        Client::start_with_env(cwd, &[])
    }

    /// The same with extra environment variables (test seams).
    pub fn start_with_env(cwd: &Path, env: &[(&str, &str)]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_newsmark"))
            .arg("lsp")
            // Not the user's cache (a test may name its own below).
            .env(
                "NEWSMARK_CACHE_DIR",
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("newsmark-cache"),
            )
            .envs(env.iter().copied())
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start newsmark lsp");
        let stdin = child.stdin.take().expect("stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            while let Some(m) = read_message(&mut stdout) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            messages: rx,
            next_id: 1,
            notifications: Vec::new(),
        }
    }

    pub fn send(&mut self, message: &Value) {
        let body = message.to_string();
        // A server that already exited closes the pipe; the caller checks.
        let _ = write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len());
        let _ = self.stdin.flush();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits (at most 60 s) for its response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(id, Duration::from_secs(60))
            .unwrap_or_else(|| panic!("no answer to {method} within 60 s"))
    }

    /// The response with `id`, keeping notifications and answering the
    /// server's own requests.
    pub fn response(&mut self, id: i64, limit: Duration) -> Option<Value> {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let m = self.messages.recv_timeout(left).ok()?;
            match (m.get("id"), m.get("method")) {
                (Some(got), None) if *got == json!(id) => return Some(m),
                (Some(req), Some(_)) => {
                    let answer = json!({"jsonrpc": "2.0", "id": req, "result": null});
                    self.send(&answer);
                }
                _ => self.notifications.push(m),
            }
        }
    }

    /// Waits (at most `limit`) for a notification that `pred` accepts.
    pub fn wait_notification(&mut self, limit: Duration, pred: impl Fn(&Value) -> bool) -> bool {
        if self.notifications.iter().any(&pred) {
            return true;
        }
        let deadline = Instant::now() + limit;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let Ok(m) = self.messages.recv_timeout(left) else {
                return false;
            };
            let hit = m.get("id").is_none() && pred(&m);
            self.notifications.push(m);
            if hit {
                return true;
            }
        }
        false
    }

    /// `initialize` (with the folder `root`, debounce 0, UTF-8 offered when
    /// `utf8`) and `initialized`; returns the `initialize` result.
    pub fn initialize(&mut self, root: &Path, utf8: bool) -> Value {
        self.initialize_with(root, utf8, json!({"debounceMs": 0}))
    }

    /// The same with these `initializationOptions`.
    pub fn initialize_with(&mut self, root: &Path, utf8: bool, options: Value) -> Value {
        let uri = uri(root);
        let encodings = if utf8 {
            json!(["utf-8", "utf-16"])
        } else {
            json!(["utf-16"])
        };
        let r = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri,
                "workspaceFolders": [{"uri": uri, "name": "corpus"}],
                "capabilities": {"general": {"positionEncodings": encodings}},
                "initializationOptions": options,
            }),
        );
        self.notify("initialized", json!({}));
        r
    }

    /// `shutdown` and `exit`; true if the process ended within 10 s.
    pub fn shutdown(mut self) -> bool {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.wait_exit(Duration::from_secs(10))
    }

    /// True if the process ended within `limit` (else it is killed).
    pub fn wait_exit(&mut self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        false
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A `file://` URI for an absolute path (percent-encoding what URIs need).
pub fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_str().expect("UTF-8 path").bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
