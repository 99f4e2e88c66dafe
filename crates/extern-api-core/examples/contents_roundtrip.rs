//! Moves a large content through the contents service and back with bounded memory, and prints
//! what it measured as one JSON line (used by `cargo xtask bench`):
//! `{"bytes", "upload_mib_s", "download_mib_s", "peak_rss_kib", "intact"}`.
//!
//! ```sh
//! EXTERN_BASE_URL=http://127.0.0.1:8080 cargo run --release -p extern-api-core --example contents_roundtrip -- 1024
//! ```
//! The argument is the size in MiB (default 64); the URL is a sandbox (seeded credentials).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use extern_api_core::{ExternClient, api::TransferOptions, auth::Credentials};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A deterministic pseudo-random byte stream, eight bytes per generator step (cheap enough
/// not to be what the benchmark measures).
struct Pattern {
    state: u64,
    block: [u8; 8],
    used: usize,
}

impl Pattern {
    fn new(seed: u64) -> Self {
        Self {
            state: seed,
            block: [0; 8],
            used: 8,
        }
    }

    /// The next `out.len()` bytes of the stream.
    fn fill(&mut self, out: &mut [u8]) {
        let mut at = 0;
        while at < out.len() {
            if self.used == 8 {
                self.state = self
                    .state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                self.block = self.state.to_le_bytes();
                self.used = 0;
            }
            let n = (8 - self.used).min(out.len() - at);
            out[at..at + n].copy_from_slice(&self.block[self.used..self.used + n]);
            self.used += n;
            at += n;
        }
    }
}

/// The pattern, generated as it is read (nothing held in memory).
struct Source {
    left: u64,
    pattern: Pattern,
}

impl AsyncRead for Source {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let n = (buf.remaining() as u64).min(self.left) as usize;
        let out = buf.initialize_unfilled_to(n);
        self.pattern.fill(out);
        buf.advance(n);
        self.left -= n as u64;
        Poll::Ready(Ok(()))
    }
}

/// Checks what comes back against the same pattern, keeping nothing.
struct Sink {
    pattern: Pattern,
    expected: Vec<u8>,
    seen: u64,
    intact: bool,
}

impl AsyncWrite for Sink {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = &mut *self;
        this.expected.resize(data.len(), 0);
        this.pattern.fill(&mut this.expected);
        if this.expected != data {
            this.intact = false;
        }
        this.seen += data.len() as u64;
        Poll::Ready(Ok(data.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mib: u64 = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(64);
    let base =
        std::env::var("EXTERN_BASE_URL").map_err(|_| "set EXTERN_BASE_URL to a running sandbox")?;
    let client = ExternClient::builder()
        .base_url(&base)
        .credentials(Credentials::password(
            "sandbox",
            "sandbox-api-key",
            "user@sandbox.local",
            "sandbox",
        ))
        .build()?;
    let account = client
        .accounts()
        .await?
        .first()
        .map(|a| a.id)
        .ok_or("no account")?;
    let bytes = mib * 1024 * 1024;
    let options = TransferOptions {
        part_size: 8 * 1024 * 1024,
        progress: None,
    };
    let started = Instant::now();
    let id = client
        .account(account)
        .contents()
        .upload(
            Source {
                left: bytes,
                pattern: Pattern::new(7),
            },
            &options,
        )
        .await?;
    let up = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut sink = Sink {
        pattern: Pattern::new(7),
        expected: Vec::new(),
        seen: 0,
        intact: true,
    };
    client
        .account(account)
        .contents()
        .download(id, &mut sink, &options)
        .await?;
    let down = started.elapsed().as_secs_f64();
    let mib_f = bytes as f64 / 1048576.0;
    println!(
        "{}",
        serde_json::json!({
            "bytes": bytes,
            "account": account,
            "content_id": id,
            "upload_mib_s": mib_f / up,
            "download_mib_s": mib_f / down,
            "peak_rss_kib": peak_rss_kib(),
            "intact": sink.intact && sink.seen == bytes,
        })
    );
    Ok(())
}
