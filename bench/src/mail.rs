//! The email benchmarks, against a real local SMTP server (aiosmtpd, from
//! the test tools in `var/tools/py`):
//!
//! - **M1, outbox drain**: messages a second that the local server accepts
//!   from `concurrency` senders sending one rendered message over and over
//!   through the same lettre pool, against messages a second that the
//!   outbox worker delivers (claim, compose from the database, render, send,
//!   mark) with the same concurrency, each over a fixed run. Target ≥ 0.8.
//! - **M2, approvals off the mail path**: p99 of stay approvals through
//!   HTTP (`deskvisa serve`, its worker delivering over SMTP in-process)
//!   with the SMTP server answering at once, against the same with every
//!   DATA answered 2 s late. Target: within 1.2×.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use deskvisa_mail::{Security, Sender, StayMailKind, TransportConfig, render, sample};
use deskvisa_rules::{Email, SiteId};
use deskvisa_service::{DeliveryConfig, Mailer, StayEvent, StayRequestInput};
use deskvisa_store::NewMail;
use sea_orm::ConnectionTrait;

use crate::{fresh_dir, percentile, setup, sqlite_url};

/// A local SMTP server that accepts and forgets.
pub(crate) struct Sink {
    child: Child,
    port: u16,
}

impl Sink {
    pub(crate) fn start(delay: Option<Duration>) -> Result<Sink> {
        let python = std::env::var("DESKVISA_TEST_PYTHON")
            .map(PathBuf::from)
            .unwrap_or_else(|_| PathBuf::from("var/tools/py/bin/python"));
        let mut command = Command::new(&python);
        command.arg("crates/testing/py/smtp_sink.py").arg("--discard");
        if let Some(delay) = delay {
            command.arg("--delay").arg(format!("{:.3}", delay.as_secs_f64()));
        }
        let mut child = command.stdout(Stdio::piped()).spawn().with_context(|| {
            format!("starting the SMTP sink with {} (make test-tools installs it)", python.display())
        })?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().context("the sink's stdout")?).read_line(&mut line)?;
        let port = line.trim().strip_prefix("PORT ").and_then(|p| p.parse().ok()).context("the sink's port")?;
        Ok(Sink { child, port })
    }

    pub(crate) fn transport(&self) -> TransportConfig {
        TransportConfig::Smtp {
            host: "127.0.0.1".to_owned(),
            port: self.port,
            security: Security::None,
            username: None,
            password: None,
            timeout: Duration::from_secs(30),
        }
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What M1 measured: messages a second, sent straight and through the outbox.
pub struct Drain {
    pub direct: f64,
    pub outbox: f64,
}

/// M1: the local server's acceptance rate, then the outbox's drain rate.
pub async fn m1(concurrency: usize, seconds: u64) -> Result<Drain> {
    let sink = Sink::start(None)?;
    let run = Duration::from_secs(seconds);

    // Straight: one realistic message, rendered once, sent over and over.
    let sender = Arc::new(Sender::new(&sink.transport(), "deskvisa", "deskvisa@deskvisa.example")?);
    let rendered = Arc::new(render(&sample(StayMailKind::StayApproved, "en"), chrono::Utc::now()));
    let sent = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (sender, rendered, sent) = (sender.clone(), rendered.clone(), sent.clone());
        tasks.spawn(async move {
            while started.elapsed() < run {
                let id = uuid::Uuid::new_v4().to_string();
                if sender.send(&id, &rendered, "Anna Nowak", "anna.nowak@hubclub.example").await.is_ok() {
                    sent.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let direct = sent.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();

    // Through the outbox: more approvals queued than the run can send.
    let dir = fresh_dir("m1")?;
    let url = sqlite_url(&dir);
    let world = setup(&url, 1).await?;
    let (caller, _) = &world.members[0];
    let stay = world
        .service
        .request_stay(
            caller,
            &StayRequestInput {
                site: SiteId::parse(&world.site)?,
                start_date: world.dates[0],
                end_date: world.dates[0],
                purpose: "bench".to_owned(),
            },
        )
        .await?;
    let payload = serde_json::to_string(&StayEvent {
        stay: stay.id.as_uuid(),
        reason: None,
        had_been_approved: false,
        sequence: 1,
        moved_from: None,
    })?;
    let queued = ((direct * seconds as f64 * 1.5) as usize).max(2000);
    let mails: Vec<NewMail> = (0..queued)
        .map(|_| NewMail {
            kind: deskvisa_rules::MailKind::StayApproved,
            recipient: format!("member:{}", caller.member),
            payload: payload.clone(),
        })
        .collect();
    let store = world.service.store();
    for chunk in mails.chunks(500) {
        let tx = store.begin_write().await?;
        tx.enqueue_mail(chunk, world.service.now()).await?;
        tx.commit().await?;
    }
    let mailer = Arc::new(Mailer::new(
        Sender::new(&sink.transport(), "deskvisa", "deskvisa@deskvisa.example")?,
        DeliveryConfig { concurrency, ..DeliveryConfig::default() },
    ));
    let sent_rows = "SELECT COUNT(*) FROM outbox WHERE status = 'sent'";
    let before = count(&url, sent_rows).await?;
    let started = Instant::now();
    let service = world.service.clone();
    let worker = tokio::spawn(async move { service.deliver_mail(&mailer).await });
    tokio::time::sleep(run).await;
    let after = count(&url, sent_rows).await?;
    let elapsed = started.elapsed().as_secs_f64();
    worker.abort();
    if after - before >= queued as i64 {
        bail!("the outbox drained before the run ended: queue more");
    }
    let outbox = (after - before) as f64 / elapsed;
    drop(world);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(Drain { direct, outbox })
}

async fn count(url: &str, sql: &str) -> Result<i64> {
    let db = crate::raw_sqlite::pool(url).await?;
    let row =
        db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await?.context("a count")?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

/// What M2 measured: approval p99 with a prompt and with a slow SMTP server.
pub struct Approvals {
    pub prompt_p99: Duration,
    pub slow_p99: Duration,
    pub approvals: usize,
    pub failed: usize,
}

/// M2: approvals through HTTP while the worker mails a prompt, then a slow, server.
pub async fn m2(connections: usize, stays: usize) -> Result<Approvals> {
    let (prompt, failed_prompt) = approvals(None, connections, stays).await?;
    let (slow, failed_slow) = approvals(Some(Duration::from_secs(2)), connections, stays).await?;
    Ok(Approvals {
        prompt_p99: percentile(&prompt, 0.99),
        slow_p99: percentile(&slow, 0.99),
        approvals: prompt.len() + slow.len(),
        failed: failed_prompt + failed_slow,
    })
}

async fn approvals(delay: Option<Duration>, connections: usize, stays: usize) -> Result<(Vec<Duration>, usize)> {
    let sink = Sink::start(delay)?;
    let dir = fresh_dir(if delay.is_some() { "m2-slow" } else { "m2-prompt" })?;
    let url = sqlite_url(&dir);
    let world = setup(&url, 1).await?;
    let site = SiteId::parse(&world.site)?;
    let mut pending = Vec::new();
    for (caller, _) in world.members.iter().take(stays) {
        let input = StayRequestInput {
            site,
            start_date: world.dates[3],
            end_date: world.dates[3],
            purpose: "bench".to_owned(),
        };
        pending.push(world.service.request_stay(caller, &input).await?.id.to_string());
    }
    let admin = world.service.create_token(&Email::parse("admin@host.example")?, "bench").await?;
    drop(world);

    let binary = std::env::current_exe()?.with_file_name("deskvisa");
    let port = 19_000 + (std::process::id() % 1000) as u16 + u16::from(delay.is_some());
    let mut server = Command::new(&binary)
        .arg("serve")
        .env("DESKVISA_DATABASE_URL", &url)
        .env("DESKVISA_HTTP_BIND", format!("127.0.0.1:{port}"))
        .env("DESKVISA_MAIL_TRANSPORT", "smtp")
        .env("DESKVISA_MAIL_SMTP_HOST", "127.0.0.1")
        .env("DESKVISA_MAIL_SMTP_PORT", sink.port.to_string())
        .env("DESKVISA_MAIL_SMTP_SECURITY", "none")
        .env("DESKVISA_MAIL_POLL_MS", "50")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            let _ = server.kill();
            bail!("the server did not start");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Let the worker get busy with the requests' emails first.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let queue = Arc::new(std::sync::Mutex::new(pending));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..connections {
        let (queue, admin) = (queue.clone(), admin.clone());
        tasks.spawn(async move {
            let mut timings = Vec::new();
            let mut failed = 0;
            loop {
                let next = queue.lock().map(|mut q| q.pop()).unwrap_or(None);
                let Some(stay) = next else {
                    return (timings, failed);
                };
                let started = Instant::now();
                match post(port, &format!("/api/v1/stays/{stay}/approve"), &admin).await {
                    Ok(200) => timings.push(started.elapsed()),
                    _ => failed += 1,
                }
            }
        });
    }
    let mut timings = Vec::new();
    let mut failed = 0;
    while let Some(joined) = tasks.join_next().await {
        let (t, f) = joined?;
        timings.extend(t);
        failed += f;
    }
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    timings.sort();
    Ok((timings, failed))
}

/// One POST with an empty body; the status code.
async fn post(port: u16, path: &str, token: &str) -> Result<u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let head = String::from_utf8_lossy(&response);
    head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).context("an HTTP status")
}
