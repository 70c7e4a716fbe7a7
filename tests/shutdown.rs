//! Graceful shutdown of `deskvisa serve`, as an orchestrator does it: with
//! 100 stay requests in flight (the server has begun each one, its body
//! still arriving), SIGTERM; the server stops taking new connections, every
//! one of the 100 gets its whole answer, and the process exits cleanly.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, clippy::too_many_lines)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const IN_FLIGHT: usize = 100;

/// One request over its own connection; the whole answer: (status, body).
async fn exchange(port: u16, request: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    read_answer(&mut stream).await
}

async fn read_answer(stream: &mut TcpStream) -> (u16, String) {
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

fn get(path: &str, token: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n")
}

/// The first site id anywhere in the clusters' JSON.
fn first_site(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Array(sites)) = map.get("sites")
                && let Some(id) = sites.iter().find_map(|s| s.get("id").and_then(|i| i.as_str()))
            {
                return Some(id.to_owned());
            }
            map.values().find_map(first_site)
        }
        serde_json::Value::Array(items) => items.iter().find_map(first_site),
        _ => None,
    }
}

/// `deskvisa_http_requests_in_flight` as /metrics reports it (this scrape included).
async fn in_flight(port: u16) -> f64 {
    let (_, body) = exchange(port, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").await;
    body.lines()
        .find_map(|l| l.strip_prefix("deskvisa_http_requests_in_flight "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_a_hundred_requests_in_flight_drops_none() {
    let dir = std::env::temp_dir().join(format!("deskvisa-shutdown-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_deskvisa"))
        .args(["serve", "--demo"])
        .env("DESKVISA_DATABASE_URL", format!("sqlite://{}?mode=rwc", dir.join("db.sqlite").display()))
        .env("DESKVISA_MAIL_DIR", dir.join("mail"))
        .env("DESKVISA_HTTP_BIND", format!("127.0.0.1:{port}"))
        .env("DESKVISA_HTTP_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("DESKVISA_AUTH_STAY_REQUESTS_PER_MEMBER_PER_HOUR", "1000")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start deskvisa serve");
    // The server's stdout is read to its end on a thread of its own, so the
    // pipe stays open for everything the server prints after the token.
    let stdout = BufReader::new(server.stdout.take().unwrap());
    let (sender, tokens) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if let Some(rest) = line.trim().strip_prefix("visiting member") {
                let _ = sender.send(rest.split_whitespace().nth(1).unwrap_or_default().to_owned());
            }
        }
    });
    let token = tokens.recv_timeout(Duration::from_secs(120)).expect("the demo member's token");
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(Instant::now() < deadline, "deskvisa did not start listening");
        tokio::task::yield_now().await;
    }
    let (status, clusters) = exchange(port, &get("/api/v1/clusters", &token)).await;
    assert_eq!(status, 200, "{clusters}");
    let site = first_site(&serde_json::from_str(&clusters).unwrap()).expect("a site on the map");

    // A hundred stay requests, each on its own connection, each held open
    // with the last byte of its body not sent yet.
    let today = chrono::Utc::now().date_naive();
    let mut streams = Vec::new();
    for i in 0..IN_FLIGHT {
        let start = today + chrono::Days::new(20 + (i as u64 % 40));
        let end = start + chrono::Days::new(2);
        let body = format!(r#"{{"site_id":"{site}","start_date":"{start}","end_date":"{end}","purpose":"visit {i}"}}"#);
        let head = format!(
            "POST /api/v1/stays HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(&body.as_bytes()[..body.len() - 1]).await.unwrap();
        streams.push((stream, body));
    }
    // Every one of them has begun in the server (the scrape counts itself).
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let n = in_flight(port).await;
        if n >= (IN_FLIGHT + 1) as f64 {
            break;
        }
        assert!(Instant::now() < deadline, "only {n} requests in flight");
        tokio::task::yield_now().await;
    }

    let pid = server.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    // New connections are refused once the server has stopped listening.
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
        assert!(Instant::now() < deadline, "still accepting connections after SIGTERM");
        tokio::task::yield_now().await;
    }

    // The requests in flight finish and are answered, every one.
    let mut answers = Vec::new();
    for (mut stream, body) in streams {
        answers.push(tokio::spawn(async move {
            stream.write_all(&body.as_bytes()[body.len() - 1..]).await.unwrap();
            read_answer(&mut stream).await
        }));
    }
    let mut by_status = std::collections::BTreeMap::<u16, usize>::new();
    for answer in answers {
        let (status, body) = answer.await.unwrap();
        assert!(matches!(status, 201 | 409 | 422 | 429), "an answer of {status}: {body}");
        assert!(!body.is_empty());
        *by_status.entry(status).or_default() += 1;
    }
    eprintln!("answers after SIGTERM, by status: {by_status:?}");
    assert_eq!(by_status.values().sum::<usize>(), IN_FLIGHT, "{by_status:?}");
    assert!(by_status.contains_key(&201), "some requests made stays: {by_status:?}");

    let deadline = Instant::now() + Duration::from_secs(60);
    let exit = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "deskvisa did not exit after SIGTERM");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(exit.success(), "deskvisa exited with {exit}");
    let _ = std::fs::remove_dir_all(&dir);
}
