//! A real SMTP server for tests: `crates/testing/py/smtp_sink.py` (aiosmtpd)
//! in a child process on 127.0.0.1, started on a free port. Each message it
//! accepts is parsed by Python's own email package and read back here as a
//! [`Received`]: the envelope, the headers and every part, decoded. It can
//! be stopped and started again on the same port (an outage), reject
//! addresses (550) or fail them for now (451).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde::Deserialize;

/// The workspace's root directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Python with the test tools installed (`scripts/test-tools.sh`, run
/// by `make test`), or `DESKVISA_TEST_PYTHON`.
pub fn python() -> PathBuf {
    if let Ok(python) = std::env::var("DESKVISA_TEST_PYTHON") {
        return PathBuf::from(python);
    }
    let python = workspace_root().join("var/tools/py/bin/python");
    assert!(
        python.exists(),
        "the test tools are missing: run `make test-tools` (or `make test`), which installs aiosmtpd, icalendar \
         and vobject from PyPI into var/tools/py"
    );
    python
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("py").join(name)
}

/// How the server behaves.
#[derive(Debug, Clone, Default)]
pub struct SinkOptions {
    /// Recipients containing this are refused with 550.
    pub reject: Option<String>,
    /// Recipients containing this are refused with 451.
    pub tempfail: Option<String>,
    /// Every DATA answer comes this late.
    pub delay: Option<Duration>,
    /// Keep nothing (benchmarks): only accept.
    pub discard: bool,
}

/// A running SMTP server and what it received.
pub struct SmtpSink {
    /// Its port on 127.0.0.1.
    pub port: u16,
    dir: PathBuf,
    options: SinkOptions,
    child: Option<Child>,
}

/// Part of a received message.
#[derive(Debug, Clone, Deserialize)]
pub struct Part {
    /// `text/plain`, `text/html`, `text/calendar`, ...
    pub content_type: String,
    /// Its parameters (`charset`, `method`, `name`).
    pub params: std::collections::BTreeMap<String, String>,
    /// `attachment`, `inline` or none.
    pub disposition: Option<String>,
    /// The attachment's file name.
    pub filename: Option<String>,
    /// The transfer encoding it came in.
    pub transfer_encoding: Option<String>,
    /// The decoded content.
    pub content: String,
}

/// A message the server accepted.
#[derive(Debug, Clone, Deserialize)]
pub struct Received {
    /// The envelope sender.
    pub mail_from: String,
    /// The envelope recipients.
    pub rcpt_tos: Vec<String>,
    /// Headers as received (undecoded, unfolded by the parser).
    pub raw_headers: Vec<(String, String)>,
    /// Headers decoded (RFC 2047 words resolved).
    pub headers: Vec<(String, String)>,
    /// Every leaf part, in order.
    pub parts: Vec<Part>,
    /// The whole message as received.
    pub raw: String,
}

impl Received {
    /// Every value of a header (decoded), by case-insensitive name.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
    }

    /// The one value of a header (decoded).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_all(name).first().copied()
    }

    /// The Message-ID.
    pub fn message_id(&self) -> &str {
        self.header("Message-ID").unwrap_or_default()
    }

    /// The decoded subject.
    pub fn subject(&self) -> &str {
        self.header("Subject").unwrap_or_default()
    }

    /// The first part of this content type.
    pub fn part(&self, content_type: &str) -> Option<&Part> {
        self.parts.iter().find(|p| p.content_type == content_type)
    }

    /// The plain-text body.
    pub fn text(&self) -> &str {
        self.part("text/plain").map_or("", |p| p.content.as_str())
    }

    /// The HTML body.
    pub fn html(&self) -> &str {
        self.part("text/html").map_or("", |p| p.content.as_str())
    }
}

impl SmtpSink {
    /// A server that accepts everything.
    pub fn start() -> SmtpSink {
        SmtpSink::start_with(SinkOptions::default())
    }

    /// A server that behaves as `options` say.
    pub fn start_with(options: SinkOptions) -> SmtpSink {
        let dir = std::env::temp_dir().join(format!("deskvisa-smtp-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("the sink's directory");
        let mut sink = SmtpSink { port: 0, dir, options, child: None };
        sink.spawn(0);
        sink
    }

    fn spawn(&mut self, port: u16) {
        let mut command = Command::new(python());
        command.arg(script("smtp_sink.py")).arg("--port").arg(port.to_string());
        if self.options.discard {
            command.arg("--discard");
        } else {
            command.arg("--dir").arg(&self.dir);
        }
        if let Some(reject) = &self.options.reject {
            command.arg("--reject").arg(reject);
        }
        if let Some(tempfail) = &self.options.tempfail {
            command.arg("--tempfail").arg(tempfail);
        }
        if let Some(delay) = self.options.delay {
            command.arg("--delay").arg(format!("{:.3}", delay.as_secs_f64()));
        }
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("start smtp_sink.py");
        let stdout = child.stdout.take().expect("the sink's stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("the sink's first line");
        let listening = line.trim().strip_prefix("PORT ").and_then(|p| p.parse().ok());
        self.port = listening.unwrap_or_else(|| panic!("smtp_sink.py did not start: {line:?}"));
        self.child = Some(child);
    }

    /// Stops the server (the port refuses connections until [`Self::resume`]).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Changes how the server behaves from its next start.
    pub fn set_options(&mut self, options: SinkOptions) {
        self.options = options;
    }

    /// Starts the server again on the same port, keeping what it received.
    pub fn resume(&mut self) {
        assert!(self.child.is_none(), "the sink is running");
        let port = self.port;
        self.spawn(port);
    }

    /// Every message received so far, in the order they arrived.
    pub fn messages(&self) -> Vec<Received> {
        let mut files: Vec<(u64, u64, PathBuf)> = std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "json"))
                    .filter_map(|p| {
                        let stem = p.file_stem()?.to_str()?.to_owned();
                        let (pid, n) = stem.split_once('-')?;
                        Some((n.parse().ok()?, pid.parse().ok()?, p))
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort_by_key(|(n, pid, _)| (*pid, *n));
        files
            .into_iter()
            .map(|(_, _, path)| {
                let text = std::fs::read_to_string(&path).expect("a received message");
                serde_json::from_str(&text).expect("the sink's JSON")
            })
            .collect()
    }

    /// Polls until at least `count` messages have arrived, or panics after
    /// `within`; returns every message received.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Received> {
        crate::poll::eventually(within, async || {
            let messages = self.messages();
            if messages.len() >= count {
                Ok(messages)
            } else {
                Err(format!("{} of {count} messages arrived", messages.len()))
            }
        })
        .await
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
