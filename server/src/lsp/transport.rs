//! A guard in front of the LSP framework's stdio transport.
//!
//! `tower-lsp-server` reads stdin through a `tokio_util` codec, and such a
//! stream ends at its first decode error: one malformed message would stop
//! the server. So the server's real stdin is read here, frame by frame; a
//! frame whose body is not JSON, or whose header is broken, is answered with
//! a JSON-RPC parse error (id null) and dropped, and only well-formed frames
//! reach the framework. Written by hand because no maintained crate offers
//! this (the framework's own codec is what fails).
//!
//! The real stdin and stdout each have a thread of their own, blocked in
//! plain reads and writes. `tokio::io::stdin` and `stdout` would hand every
//! read and every write to the runtime's blocking pool and back, two thread
//! switches each way per message; on this 2-core machine those switches
//! were nearly all of a hover's round trip (0.35 ms of 0.37 ms).
//!
//! Both the framework's responses and these parse errors go to stdout as
//! whole frames through one channel, so they never interleave.

use std::io::{BufRead, Write};
use std::sync::mpsc;

use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

const PARSE_ERROR: &str =
    r#"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}"#;

/// Whole frames (header and body) on their way to the real stdout.
pub type Out = mpsc::Sender<Vec<u8>>;

fn frame(body: &[u8]) -> Vec<u8> {
    let mut f = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    f.extend_from_slice(body);
    f
}

/// Takes the first frame out of `buf`: `Some(Ok(body))`; `Some(Err(()))`
/// for a header with no length, which is dropped (the body after it, of
/// unknown length, then reads as junk before the next header's
/// `Content-Length`, which is looked for anywhere in a header) or for a
/// header too long or a frame too large to be real; `None` when `buf` does
/// not hold a whole frame yet. The same frames come out however the input
/// is cut into reads.
fn take_frame(buf: &mut Vec<u8>) -> Option<Result<Vec<u8>, ()>> {
    // Only the first `MAX_HEADER` bytes may hold the header's end, whatever
    // has been read so far: the same input is cut the same way.
    let window = &buf[..buf.len().min(MAX_HEADER + 4)];
    let Some(end) = find(window, b"\r\n\r\n") else {
        if window.len() == MAX_HEADER + 4 {
            buf.drain(..MAX_HEADER);
            return Some(Err(()));
        }
        return None;
    };
    let header = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
    let len = header.rfind("content-length:").and_then(|at| {
        let value = &header[at + "content-length:".len()..];
        value.lines().next()?.trim().parse::<usize>().ok()
    });
    let Some(len) = len else {
        buf.drain(..end + 4);
        return Some(Err(()));
    };
    // A frame larger than this is refused rather than buffered.
    if len > 512 * 1024 * 1024 {
        buf.clear();
        return Some(Err(()));
    }
    if buf.len() < end + 4 + len {
        return None;
    }
    let body = buf[end + 4..end + 4 + len].to_vec();
    buf.drain(..end + 4 + len);
    Some(Ok(body))
}

/// Longer than any real header: input with no header end within this many
/// bytes is junk, dropped (this many bytes at a time) rather than searched
/// again on every read.
const MAX_HEADER: usize = 4096;

/// With `NEWSMARK_TRACE=FILE`, appends one line per frame in and out (for
/// debugging clients; off by default).
fn trace(dir: &str, body: &[u8]) {
    if let Some(path) = std::env::var_os("NEWSMARK_TRACE") {
        let head: String = String::from_utf8_lossy(&body[..body.len().min(160)]).into_owned();
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(f, "{dir} {head}");
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Copies well-formed frames from `input` to `to_server`, answers the rest
/// on `out`; returns at the end of `input` (dropping `to_server`, which ends
/// the framework's input) or when the framework is gone. Runs on a thread of
/// its own: `runtime` is only used to write to the framework's pipe.
pub fn guard_input(
    mut input: impl BufRead,
    mut to_server: DuplexStream,
    out: Out,
    runtime: tokio::runtime::Handle,
) {
    let mut buf = Vec::new();
    loop {
        match take_frame(&mut buf) {
            Some(Ok(body)) if serde_json::from_slice::<serde_json::Value>(&body).is_ok() => {
                trace("<-", &body);
                if runtime
                    .block_on(to_server.write_all(&frame(&body)))
                    .is_err()
                {
                    return;
                }
            }
            Some(_) => {
                if out.send(frame(PARSE_ERROR.as_bytes())).is_err() {
                    return;
                }
            }
            None => {
                let n = match input.fill_buf() {
                    Ok([]) | Err(_) => return,
                    Ok(chunk) => {
                        buf.extend_from_slice(chunk);
                        chunk.len()
                    }
                };
                input.consume(n);
            }
        }
    }
}

/// Passes the framework's output frames on to `out`.
pub async fn forward_output(mut from_server: DuplexStream, out: Out) {
    let mut buf = Vec::new();
    loop {
        match take_frame(&mut buf) {
            Some(Ok(body)) => {
                trace("->", &body);
                if out.send(frame(&body)).is_err() {
                    return;
                }
            }
            Some(Err(())) => return,
            None => {
                let mut chunk = [0u8; 64 * 1024];
                match from_server.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
        }
    }
}

/// Stdout without the standard library's line buffering, which would write
/// a frame as two pieces (up to the header's last line end, then the body)
/// and wake the client twice: a duplicate of the descriptor, written to
/// directly. Stdout itself where that is not possible.
pub fn raw_stdout() -> Box<dyn Write + Send> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(std::io::stdout())
}

/// Writes every frame sent on `frames` to `output`, one whole frame per
/// write, until every sender is gone or `output` fails. An empty frame is
/// not written but acknowledged on `written`: every frame sent before it is
/// out.
pub fn write_frames(
    frames: mpsc::Receiver<Vec<u8>>,
    mut output: impl Write,
    written: mpsc::Sender<()>,
) {
    for f in frames {
        if f.is_empty() {
            let _ = written.send(());
        } else if output.write_all(&f).and_then(|()| output.flush()).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(bodies: &[&str]) -> Vec<u8> {
        bodies.iter().flat_map(|b| frame(b.as_bytes())).collect()
    }

    /// What `take_frame` makes of `input` fed `step` bytes at a time: each
    /// body as text, `ERR` for a refused header.
    fn frames_of(input: &[u8], step: usize) -> Vec<String> {
        let mut buf = Vec::new();
        let mut got = Vec::new();
        for chunk in input.chunks(step) {
            buf.extend_from_slice(chunk);
            while let Some(f) = take_frame(&mut buf) {
                got.push(f.map_or("ERR".to_string(), |b| {
                    String::from_utf8_lossy(&b).into_owned()
                }));
            }
        }
        got
    }

    #[test]
    fn frames_come_out_whole_however_the_input_is_cut() {
        let two = framed(&[r#"{"id":1}"#, "{\"text\":\"Déjà\\r\\n\\r\\n\"}"]);
        let cases: &[(&str, Vec<u8>, &[&str])] = &[
            (
                "two frames",
                two.clone(),
                &[r#"{"id":1}"#, "{\"text\":\"Déjà\\r\\n\\r\\n\"}"],
            ),
            (
                "lower-case header, and a second header line",
                b"Content-Type: application/vscode-jsonrpc\r\ncontent-length: 2\r\n\r\n{}".to_vec(),
                &["{}"],
            ),
            (
                "a header without a length is refused; the next frame still comes",
                [b"Content-Type: x\r\n\r\n{}".as_slice(), &framed(&["[]"])].concat(),
                &["ERR", "[]"],
            ),
            (
                "a frame over 512 MiB is refused, not buffered",
                b"Content-Length: 600000000\r\n\r\n{".to_vec(),
                &["ERR"],
            ),
            (
                "half a body is not a frame yet",
                b"Content-Length: 10\r\n\r\n{}".to_vec(),
                &[],
            ),
            (
                "junk with no header end is dropped",
                [vec![b'x'; MAX_HEADER + 1], framed(&["{}"])].concat(),
                &["ERR", "{}"],
            ),
        ];
        for (what, input, want) in cases {
            for step in [1, 2, 7, 4096, input.len().max(1)] {
                assert_eq!(
                    frames_of(input, step),
                    *want,
                    "{what}, {step} bytes at a time"
                );
            }
        }
    }

    /// Well-formed frames reach the framework, in order; the others are
    /// answered with a parse error; the framework's input ends with stdin.
    #[test]
    fn the_guard_passes_json_on_and_answers_the_rest() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let (to_server, mut server_side) = tokio::io::duplex(1 << 16);
        let (out, answers) = mpsc::channel();
        let input = [
            framed(&[r#"{"id":1}"#, "{not json"]),
            b"Content-Type: x\r\n\r\n".to_vec(),
            framed(&[r#"{"id":2}"#]),
        ]
        .concat();
        let handle = runtime.handle().clone();
        let guard = std::thread::spawn(move || {
            guard_input(std::io::Cursor::new(input), to_server, out, handle);
        });
        let mut passed = Vec::new();
        runtime
            .block_on(server_side.read_to_end(&mut passed))
            .expect("read");
        guard.join().expect("guard");
        assert_eq!(passed, framed(&[r#"{"id":1}"#, r#"{"id":2}"#]));
        let answered: Vec<Vec<u8>> = answers.iter().collect();
        assert_eq!(answered, vec![frame(PARSE_ERROR.as_bytes()); 2]);
    }

    #[test]
    fn the_writer_writes_whole_frames_and_acknowledges_empty_ones() {
        let (out, frames) = mpsc::channel();
        let (written, acked) = mpsc::channel();
        out.send(frame(b"{}")).expect("send");
        out.send(Vec::new()).expect("send");
        drop(out);
        let mut sink = Vec::new();
        write_frames(frames, &mut sink, written);
        assert_eq!(sink, frame(b"{}"));
        assert_eq!(acked.try_recv(), Ok(()));
    }
}
