//! **P1**, the web pages: every page of the demo network rendered through
//! the application's router in-process (the session cookie, the queries,
//! the template; no TCP), as the person each page is for, for the p99 of
//! its HTML (target ≤ 20 ms) and the weight of the page with every asset it
//! references (target ≤ 200 KB, the map included).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{Datelike, Days, Months};
use deskvisa_mail::{Sender, TransportConfig};
use deskvisa_rules::Email;
use deskvisa_service::seed::{DEMO_HOST_ADMIN, DEMO_MEMBER, DEMO_NETWORK_ADMIN};
use deskvisa_service::{DeliveryConfig, Mailer, Service};
use tower::ServiceExt;

use crate::percentile;

/// One page's figures.
pub struct PageFigures {
    /// The page.
    pub name: &'static str,
    /// Renders measured.
    pub calls: usize,
    /// Median time to the last byte of the HTML.
    pub p50: Duration,
    /// 99th percentile.
    pub p99: Duration,
    /// The HTML's bytes.
    pub html_bytes: usize,
    /// The HTML and every asset it references.
    pub total_bytes: usize,
}

/// A session for `email`, signed in as a browser would: the link the
/// server mails (read from the file it writes), then the link's token.
pub(crate) async fn session(service: &Service, mailer: &Arc<Mailer>, dir: &Path, email: &str) -> Result<String> {
    service.request_sign_in(&Email::parse(email)?, None).await?;
    service.deliver_mail(mailer).await?;
    let mut newest = None;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let text = std::fs::read_to_string(&path)?.replace("=\r\n", "").replace("=3D", "=");
        let addressed = text.contains(&format!("To: {email}")) || text.contains(&format!("<{email}>"));
        if let Some(at) = text.find("/auth/verify?token=").filter(|_| addressed) {
            let token: String =
                text[at + 19..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
            newest = Some(token);
        }
        std::fs::remove_file(&path)?;
    }
    let token = newest.with_context(|| format!("no sign-in email for {email}"))?;
    Ok(service.sign_in(&token).await?.0)
}

pub(crate) async fn get(app: &axum::Router, path: &str, cookie: &str) -> Result<(StatusCode, Vec<u8>)> {
    send(app, Request::get(path).header("cookie", cookie).header("accept", "text/html").body(Body::empty())?).await
}

/// A GET of the API with a bearer token.
pub(crate) async fn get_bearer(app: &axum::Router, path: &str, token: &str) -> Result<(StatusCode, Vec<u8>)> {
    send(app, Request::get(path).header("authorization", format!("Bearer {token}")).body(Body::empty())?).await
}

async fn send(app: &axum::Router, request: Request<Body>) -> Result<(StatusCode, Vec<u8>)> {
    let response = app.clone().oneshot(request).await?;
    let status = response.status();
    Ok((status, axum::body::to_bytes(response.into_body(), usize::MAX).await?.to_vec()))
}

/// Every `/assets/...` a page references.
pub(crate) fn assets(html: &str) -> Vec<String> {
    let mut found: Vec<String> = html
        .match_indices("\"/assets/")
        .filter_map(|(at, _)| html[at + 1..].split('"').next().map(str::to_owned))
        .collect();
    found.sort();
    found.dedup();
    found
}

/// P1 over every page, `seconds` in all (at least 50 renders a page).
pub async fn p1(seconds: u64) -> Result<Vec<PageFigures>> {
    let (service, _, dir) = crate::reports::demo("p1").await?;
    let mail_dir = dir.join("mail");
    std::fs::create_dir_all(&mail_dir)?;
    let sender =
        Sender::new(&TransportConfig::File { dir: mail_dir.clone() }, "deskvisa", "deskvisa@deskvisa.example")?;
    let mailer = Arc::new(Mailer::new(sender, DeliveryConfig::default()));
    // Whatever the seed queued goes first, so the sign-in mails are all that follow.
    service.deliver_mail(&mailer).await?;
    for entry in std::fs::read_dir(&mail_dir)? {
        std::fs::remove_file(entry?.path())?;
    }
    let cookie = |s: String| format!("deskvisa_session={s}");
    let member = cookie(session(&service, &mailer, &mail_dir, DEMO_MEMBER).await?);
    let host = cookie(session(&service, &mailer, &mail_dir, DEMO_HOST_ADMIN).await?);
    let network = cookie(session(&service, &mailer, &mail_dir, DEMO_NETWORK_ADMIN).await?);

    let map = service.map().await?;
    let (copenhagen, sites) =
        map.clusters.iter().find(|(c, _)| c.name == "Copenhagen Digital Cluster").context("Copenhagen in the demo")?;
    let nyhavn = sites.first().context("a Copenhagen site")?.id.as_uuid();
    let copenhagen = copenhagen.id.as_uuid();
    let today = chrono::Utc::now().date_naive();
    let first = today.with_day(1).unwrap_or(today).checked_add_months(Months::new(1)).unwrap_or(today);
    let last = first.checked_add_months(Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(first);
    let ledger_from = today - Days::new(364);
    let pages: Vec<(&'static str, String, &str)> = vec![
        ("sign-in", "/sign-in".to_owned(), ""),
        ("map", "/".to_owned(), &member),
        (
            "map with a search (DK, next month, 4 days)",
            format!("/?from={first}&to={last}&days=4&area=country%3ADK"),
            &member,
        ),
        ("map with a search (Europe)", format!("/?from={first}&to={last}&days=5&area=continent%3Aeurope"), &member),
        ("a site", format!("/sites/{nyhavn}"), &member),
        ("my stays", "/stays".to_owned(), &member),
        ("host inbox", "/host".to_owned(), &host),
        ("host site settings", format!("/host/sites/{nyhavn}"), &host),
        ("host policy", "/host/policy".to_owned(), &host),
        ("host events", "/host/events".to_owned(), &host),
        ("cluster's sites and admins", format!("/clusters/{copenhagen}"), &host),
        ("cluster's members", format!("/clusters/{copenhagen}/members"), &host),
        ("network", "/network".to_owned(), &network),
        ("ledger (a year)", format!("/network/ledger?from={ledger_from}&to={today}"), &network),
    ];
    let budget = Duration::from_secs(seconds.max(1)) / pages.len() as u32;
    let mut figures = Vec::new();
    for (name, path, cookie) in &pages {
        let (status, html) = get(&service_app(&service), path, cookie).await?;
        if status != StatusCode::OK {
            bail!("P1 {name} ({path}): {status}");
        }
        let html_text = String::from_utf8_lossy(&html).into_owned();
        let mut total = html.len();
        for asset in assets(&html_text) {
            let (status, bytes) = get(&service_app(&service), &asset, "").await?;
            if status != StatusCode::OK {
                bail!("P1 {name}: {asset} answered {status}");
            }
            total += bytes.len();
        }
        let app = service_app(&service);
        let mut times = Vec::new();
        let deadline = Instant::now() + budget;
        while times.len() < 50 || (Instant::now() < deadline && times.len() < 5000) {
            let started = Instant::now();
            let (status, _) = get(&app, path, cookie).await?;
            times.push(started.elapsed());
            if status != StatusCode::OK {
                bail!("P1 {name} ({path}): {status}");
            }
        }
        times.sort();
        figures.push(PageFigures {
            name,
            calls: times.len(),
            p50: percentile(&times, 0.5),
            p99: percentile(&times, 0.99),
            html_bytes: html.len(),
            total_bytes: total,
        });
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(figures)
}

fn service_app(service: &Service) -> axum::Router {
    deskvisa_http::router(service.clone(), deskvisa_http::Limits::default())
}
