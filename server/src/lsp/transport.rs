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
//! Both the framework's responses and these parse errors go to stdout through
//! one writer that only ever writes whole frames, so they never interleave.

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio::sync::Mutex;

const PARSE_ERROR: &str =
    r#"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}"#;

/// Whole frames to the real stdout, one at a time.
type Out<W> = Arc<Mutex<W>>;

async fn write_frame<W: AsyncWrite + Unpin>(out: &Out<W>, body: &[u8]) -> std::io::Result<()> {
    let mut w = out.lock().await;
    w.write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
        .await?;
    w.write_all(body).await?;
    w.flush().await
}

/// Reads one frame: `Ok(Some(Ok(body)))`, `Ok(Some(Err(())))` for a broken
/// header, `Ok(None)` at end of input.
async fn read_frame<R: AsyncRead + Unpin>(
    input: &mut R,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<Result<Vec<u8>, ()>>> {
    loop {
        if let Some(end) = find(buf, b"\r\n\r\n") {
            let header = String::from_utf8_lossy(&buf[..end]).into_owned();
            let len = header
                .lines()
                .find_map(|l| {
                    l.strip_prefix("Content-Length:")
                        .or_else(|| l.strip_prefix("content-length:"))
                })
                .and_then(|v| v.trim().parse::<usize>().ok());
            let Some(len) = len else {
                // Skip to the next plausible header.
                let skip =
                    find(&buf[end + 4..], b"Content-Length").map_or(buf.len(), |p| end + 4 + p);
                buf.drain(..skip);
                return Ok(Some(Err(())));
            };
            // A frame larger than this is refused rather than buffered.
            if len > 512 * 1024 * 1024 {
                buf.clear();
                return Ok(Some(Err(())));
            }
            while buf.len() < end + 4 + len {
                let mut chunk = [0u8; 64 * 1024];
                let n = input.read(&mut chunk).await?;
                if n == 0 {
                    return Ok(None);
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let body = buf[end + 4..end + 4 + len].to_vec();
            buf.drain(..end + 4 + len);
            return Ok(Some(Ok(body)));
        }
        let mut chunk = [0u8; 64 * 1024];
        let n = input.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// With `NEWSMARK_TRACE=FILE`, appends one line per frame in and out (for
/// debugging clients; off by default).
fn trace(dir: &str, body: &[u8]) {
    if let Some(path) = std::env::var_os("NEWSMARK_TRACE") {
        use std::io::Write as _;
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

/// Copies well-formed frames from `input` to `to_server`; answers the rest.
pub async fn guard_input<R, W>(mut input: R, mut to_server: DuplexStream, out: Out<W>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut buf = Vec::new();
    loop {
        match read_frame(&mut input, &mut buf).await {
            Ok(Some(Ok(body))) if serde_json::from_slice::<serde_json::Value>(&body).is_ok() => {
                trace("<-", &body);
                let header = format!("Content-Length: {}\r\n\r\n", body.len());
                if to_server.write_all(header.as_bytes()).await.is_err()
                    || to_server.write_all(&body).await.is_err()
                {
                    return;
                }
            }
            Ok(Some(_)) => {
                if write_frame(&out, PARSE_ERROR.as_bytes()).await.is_err() {
                    return;
                }
            }
            Ok(None) | Err(_) => return,
        }
    }
}

/// Copies the framework's output frames to the shared writer.
pub async fn forward_output<W: AsyncWrite + Unpin>(mut from_server: DuplexStream, out: Out<W>) {
    let mut buf = Vec::new();
    while let Ok(Some(Ok(body))) = read_frame(&mut from_server, &mut buf).await {
        trace("->", &body);
        if write_frame(&out, &body).await.is_err() {
            return;
        }
    }
}
