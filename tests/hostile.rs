//! What a hostile client does to a running `deskvisa serve`, bounded and on
//! loopback only: anonymous requests with made-up methods and paths must
//! not grow the server's memory or its `/metrics` answer; thousands of
//! silent connections must not stop it answering, and are closed after the
//! header timeout, as is a client that sends its headers a line at a time;
//! past the connection cap (below the open-file limit) new connections are
//! closed at once and the server never runs out of descriptors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr, missing_docs, clippy::too_many_lines)]

use std::io::Read as _;
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
    start_with(&[], None).await
}

/// A server with extra environment, under an open-file limit if given.
async fn start_with(env: &[(&str, &str)], file_limit: Option<u32>) -> Server {
    let dir = std::env::temp_dir().join(format!("deskvisa-hostile-{}-{}", std::process::id(), uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    // `ulimit` of the shell that execs the server: the test's own limit
    // stays as it is.
    let mut command = match file_limit {
        Some(limit) => {
            let mut c = Command::new("sh");
            c.args(["-c", &format!("ulimit -n {limit} && exec \"$0\" serve"), env!("CARGO_BIN_EXE_deskvisa")]);
            c
        }
        None => {
            let mut c = Command::new(env!("CARGO_BIN_EXE_deskvisa"));
            c.arg("serve");
            c
        }
    };
    let child = command
        .envs(env.iter().copied())
        .env("DESKVISA_DATABASE_URL", format!("sqlite://{}?mode=rwc", dir.join("db.sqlite").display()))
        .env("DESKVISA_MAIL_DIR", dir.join("mail"))
        .env("DESKVISA_HTTP_BIND", format!("127.0.0.1:{port}"))
        .env("DESKVISA_HTTP_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
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
        .filter(|l| l.starts_with("deskvisa_http_requests_total{"))
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

/// How long a fresh client waits for `/healthz`.
async fn healthz_latency(port: u16) -> (u16, Duration) {
    let started = Instant::now();
    let (status, _) = tokio::time::timeout(
        Duration::from_secs(5),
        exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    )
    .await
    .unwrap_or((0, Vec::new()));
    (status, started.elapsed())
}

/// Opens `count` connections that never send a byte.
async fn silent_connections(port: u16, count: usize) -> Vec<TcpStream> {
    let mut held = Vec::with_capacity(count);
    for _ in 0..count {
        held.push(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
    }
    held
}

/// How many of `streams` the server has closed (a read ends) by `deadline`.
async fn closed_by(streams: Vec<TcpStream>, deadline: Instant) -> usize {
    let mut reads = tokio::task::JoinSet::new();
    for mut stream in streams {
        reads.spawn(async move {
            let mut byte = [0u8; 1];
            let left = deadline.saturating_duration_since(Instant::now());
            matches!(tokio::time::timeout(left, stream.read(&mut byte)).await, Ok(Ok(0) | Err(_)))
        });
    }
    let mut closed = 0;
    while let Some(done) = reads.join_next().await {
        closed += usize::from(done.unwrap());
    }
    closed
}

/// Three thousand silent connections: `/healthz` still answers a new client
/// within a second; the server closes every silent one after the header
/// timeout (2 s here), and a client sending a header line a second is cut
/// off too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_and_slow_clients_are_cut_off_and_the_server_keeps_answering() {
    let server = start_with(&[("DESKVISA_HTTP_HEADER_READ_TIMEOUT_SECONDS", "2")], None).await;
    let silent = silent_connections(server.port, 3_000).await;
    let (status, latency) = healthz_latency(server.port).await;
    eprintln!("3,000 silent connections held: /healthz {status} in {latency:?}");
    assert_eq!(status, 200);
    assert!(latency < Duration::from_secs(1), "/healthz took {latency:?}");

    // A header line a second: cut off by the timeout, not kept forever.
    let mut slow = TcpStream::connect(("127.0.0.1", server.port)).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let started = Instant::now();
    let cut_off = loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if slow.write_all(b"X-Slow: 1\r\n").await.is_err() {
            break started.elapsed();
        }
        let mut byte = [0u8; 1];
        if let Ok(Ok(0) | Err(_)) = tokio::time::timeout(Duration::from_millis(10), slow.read(&mut byte)).await {
            break started.elapsed();
        }
        assert!(started.elapsed() < Duration::from_secs(15), "a slow-header client is kept past 15 s");
    };
    eprintln!("a header line a second: cut off after {cut_off:?}");

    let closed = closed_by(silent, Instant::now() + Duration::from_secs(10)).await;
    eprintln!("silent connections closed by the server: {closed} of 3000");
    assert_eq!(closed, 3_000, "every silent connection is closed after the header timeout");
    assert_eq!(healthz_latency(server.port).await.0, 200);
}

/// Under an open-file limit of 512 (a cap of 384 connections), 1,000 silent
/// connections: the ones past the cap are closed at once, `accept` never
/// fails for want of descriptors, and once the silent ones time out the
/// server answers again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_connection_cap_new_connections_are_closed_and_the_server_lives() {
    let mut server = start_with(&[("DESKVISA_HTTP_HEADER_READ_TIMEOUT_SECONDS", "2")], Some(512)).await;
    let silent = silent_connections(server.port, 1_000).await;
    let closed_at_once = closed_by(silent, Instant::now() + Duration::from_millis(1_500)).await;
    eprintln!("1,000 silent connections under a cap of 384: {closed_at_once} closed at once");
    assert!(closed_at_once >= 1_000 - 384, "{closed_at_once} closed at once");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if healthz_latency(server.port).await.0 == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "the server does not answer again");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = server.child.kill();
    let mut errors = String::new();
    server.child.stderr.take().unwrap().read_to_string(&mut errors).unwrap();
    assert!(!errors.contains("Too many open files") && !errors.contains("accept failed"), "{errors}");
}
