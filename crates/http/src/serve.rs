//! The accept loop: hyper's HTTP/1.1 server, with bounds a stranger cannot
//! push past. Request headers must arrive within a timeout, and the same
//! timeout closes a keep-alive connection that sends no next request (hyper
//! starts it whenever it waits for a request's head), so silent and
//! slow-header clients are cut off. Connections are capped below the
//! process's open-file limit: past the cap a new connection is closed at
//! once, so `accept` never fails for want of file descriptors and the
//! server keeps answering as soon as a slot frees. Shutdown stops
//! accepting and lets requests in flight finish.
//!
//! deskvisa speaks HTTP/1.1; a proxy in front may speak HTTP/2 to browsers
//! (see the README's "Running at scale").

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::connect_info::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// Bounds on connections.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// How long a client has to send a request's headers, and how long an
    /// idle keep-alive connection is kept.
    pub header_read_timeout: Duration,
    /// The most connections served at once (lowered further to stay below
    /// the open-file limit).
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    /// 10 seconds, 10,000 connections.
    fn default() -> Self {
        ConnectionLimits { header_read_timeout: Duration::from_secs(10), max_connections: 10_000 }
    }
}

/// File descriptors kept for everything but client connections: the
/// database pools, the log, the mail transport, files.
const RESERVED_FILES: usize = 128;

/// The soft open-file limit of this process, from `/proc/self/limits`
/// (Linux); `None` where it cannot be read or is unlimited.
fn open_file_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// The cap for a configured maximum and an open-file limit.
pub(crate) fn cap(configured: usize, file_limit: Option<usize>) -> usize {
    let by_files = file_limit.map_or(usize::MAX, |limit| limit.saturating_sub(RESERVED_FILES));
    configured.min(by_files).max(1)
}

/// Serves `router` on `listener` within `limits` until `shutdown`
/// completes, then lets requests in flight finish.
pub async fn run(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = cap(limits.max_connections, open_file_limit());
    tracing::info!(max_connections = slots, header_read_timeout = ?limits.header_read_timeout, "accepting connections");
    let permits = Arc::new(Semaphore::new(slots));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout).keep_alive(true);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of descriptors or memory despite the cap (other
                    // files of the process): wait a moment, keep serving.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            // Full: closed at once, rather than queued behind silent clients.
            drop(stream);
            metrics::counter!("deskvisa_http_connections_refused_total").increment(1);
            continue;
        };
        let _ = stream.set_nodelay(true);
        // The peer's address is what rate limits count by (or, from a
        // trusted proxy, the address it forwards).
        let service = router.clone().map_request(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            request.map(axum::body::Body::new)
        });
        let connection = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away or sends garbage ends its connection;
            // nothing to report.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_stays_below_the_open_file_limit() {
        assert_eq!(cap(10_000, Some(1024)), 896);
        assert_eq!(cap(10_000, Some(1_048_576)), 10_000);
        assert_eq!(cap(500, None), 500);
        assert_eq!(cap(10_000, Some(64)), 1, "always one");
    }

    #[test]
    fn this_process_has_an_open_file_limit() {
        assert!(open_file_limit().is_some_and(|n| n > 0));
    }
}
