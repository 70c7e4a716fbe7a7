//! What a hostile client does to a running `deskvisa serve`, bounded and on
//! loopback only: anonymous requests with made-up methods and paths must
//! not grow the server's memory or its `/metrics` answer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr, missing_docs)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A server on a fresh SQLite database, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    _dir: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start() -> Server {
    let dir = std::env::temp_dir().join(format!("deskvisa-hostile-{}-{}", std::process::id(), uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_deskvisa"))
        .args(["serve"])
        .env("DESKVISA_DATABASE_URL", format!("sqlite://{}?mode=rwc", dir.join("db.sqlite").display()))
        .env("DESKVISA_MAIL_DIR", dir.join("mail"))
        .env("DESKVISA_HTTP_BIND", format!("127.0.0.1:{port}"))
        .env("DESKVISA_HTTP_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start deskvisa serve");
    let server = Server { child, port, _dir: TempDir(dir) };
    let deadline = Instant::now() + Duration::from_secs(60);
    while exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.0 != 200 {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server
}

/// One request over its own connection: status and body (0 when the
/// server is not answering).
async fn exchange(port: u16, request: &str) -> (u16, Vec<u8>) {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)).await else { return (0, Vec::new()) };
    if stream.write_all(request.as_bytes()).await.is_err() {
        return (0, Vec::new());
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let head_end = answer.windows(4).position(|w| w == b"\r\n\r\n").map_or(answer.len(), |p| p + 4);
    let status = String::from_utf8_lossy(&answer[..head_end.min(answer.len())])
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer[head_end..].to_vec())
}

/// The server's resident memory, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

async fn metrics_size(port: u16) -> usize {
    exchange(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.1.len()
}

/// xorshift64*: enough randomness for made-up methods, no dependency.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A token of `len` capital letters, as a method may be.
    fn token(&mut self, len: usize) -> String {
        (0..len).map(|_| char::from(b'A' + (self.next() % 26) as u8)).collect()
    }
}

/// `requests` anonymous requests with made-up methods (1 to 2,000
/// characters) and paths, over `clients` connections at a time.
async fn hostile_traffic(port: u16, requests: usize, clients: usize, seed: u64) {
    let mut tasks = Vec::new();
    for c in 0..clients {
        tasks.push(tokio::spawn(async move {
            let mut noise = Noise(seed ^ (c as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
            for _ in 0..requests / clients {
                let len = 1 + (noise.next() % 2000) as usize;
                let method = noise.token(len);
                // Paths the server has, with made-up ones among them.
                let path = match noise.next() % 4 {
                    0 => "/healthz".to_owned(),
                    1 => "/api/v1/clusters".to_owned(),
                    2 => format!("/api/v1/stays/{}", noise.next()),
                    _ => format!("/{}/{}", noise.token(8).to_lowercase(), noise.next()),
                };
                let request = format!("{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                exchange(port, &request).await;
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

/// Ten thousand requests with made-up methods and paths leave the server's
/// memory and its `/metrics` answer within 1 MB of where they were (every
/// metric label comes from a closed set).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn made_up_methods_and_paths_do_not_grow_memory_or_metrics() {
    let server = start().await;
    let pid = server.child.id();
    // Warm up: every kind of answer once, the allocator at its working size.
    hostile_traffic(server.port, 2_000, 4, 7).await;
    let (rss_before, metrics_before) = (rss_kib(pid), metrics_size(server.port).await);
    hostile_traffic(server.port, 10_000, 4, 42).await;
    let (rss_after, metrics_after) = (rss_kib(pid), metrics_size(server.port).await);
    eprintln!(
        "10,000 made-up requests: RSS {rss_before} KiB -> {rss_after} KiB, /metrics {metrics_before} B -> {metrics_after} B"
    );
    assert!(rss_after <= rss_before + 1024, "RSS grew from {rss_before} KiB to {rss_after} KiB");
    assert!(
        metrics_after <= metrics_before + 1024 * 1024,
        "/metrics grew from {metrics_before} to {metrics_after} bytes"
    );
    let (status, body) = exchange(server.port, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await;
    assert_eq!(status, 200);
    let text = String::from_utf8(body).unwrap();
    let methods: std::collections::BTreeSet<&str> = text
        .lines()
        .filter(|l| l.starts_with("http_requests_total{"))
        .filter_map(|l| l.split("method=\"").nth(1).and_then(|m| m.split('"').next()))
        .collect();
    assert!(
        methods
            .iter()
            .all(|m| ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "other"]
                .contains(m)),
        "{methods:?}"
    );
}
