//! The `deskvisa` binary run as an operator runs it, for the end-to-end
//! tests: a process with its own port and its stderr kept in a file, and
//! plain HTTP/1.1 exchanges with it (what a proxy or `curl` sends, nothing
//! a client library would add).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::poll::eventually;

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// One answer: its status, its head (status line and headers) and body.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status code (0 when nothing came back).
    pub status: u16,
    /// The status line and headers as sent.
    pub head: String,
    /// The body as text.
    pub body: String,
}

impl Answer {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// One request over its own connection: `method path` with `headers`, no body.
pub async fn exchange(port: u16, method: &str, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("Content-Length: 0\r\n\r\n");
    let Ok(mut stream) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else {
        return Answer { status: 0, head: String::new(), body: String::new() };
    };
    let mut answer = Vec::new();
    if stream.write_all(request.as_bytes()).await.is_ok() {
        let _ = stream.read_to_end(&mut answer).await;
    }
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").map(|(h, b)| (h.to_owned(), b.to_owned())).unwrap_or_default();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Answer { status, head, body }
}

/// A running `deskvisa` process; killed when dropped.
pub struct Running {
    child: Child,
    /// Where its stderr (its log) goes.
    pub log: PathBuf,
    /// The port it was told to serve on.
    pub port: u16,
}

impl Running {
    /// Starts `binary args` (the test's `env!("CARGO_BIN_EXE_deskvisa")`)
    /// with `env` (every `DESKVISA_*` it needs), its stderr written to
    /// `log`, with `port` noted for [`Running::answers`].
    pub fn start(binary: &str, args: &[&str], env: &[(&str, String)], log: &Path, port: u16) -> Running {
        let file = std::fs::File::create(log).expect("a log file");
        let child = Command::new(binary)
            .args(args)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .expect("start deskvisa");
        Running { child, log: log.to_owned(), port }
    }

    /// What it has logged so far.
    pub fn logged(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until `path` answers `status`; fails with the log if the
    /// process ends first or `within` passes.
    pub async fn answers(&mut self, path: &str, status: u16, within: Duration) -> Answer {
        eventually(within, async || {
            if let Ok(Some(exit)) = self.child.try_wait() {
                panic!("deskvisa ended ({exit}) before {path} answered {status}:\n{}", self.logged());
            }
            let answer = exchange(self.port, "GET", path, &[]).await;
            if answer.status == status { Ok(answer) } else { Err(format!("{path}: {} {}", answer.status, answer.body)) }
        })
        .await
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
