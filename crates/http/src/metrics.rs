//! `/metrics` in Prometheus text: requests and latencies per route template,
//! stays requested by outcome, and, read from the database at each scrape,
//! stays by status and the outbox's depth, age and dead letters; emails
//! sent and failed by kind, counted by a worker running in this process;
//! the process's memory, CPU and open files, and the build's version. Every
//! name starts with `deskvisa_` and has a HELP line, so dashboards can keep
//! them. The recorder is process-wide (the `metrics` facade is), installed
//! once on first use.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use deskvisa_service::Service;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::problem::Problem;

/// Latency buckets, in seconds: fine below 25 ms, where the targets are.
const BUCKETS: [f64; 14] = [0.001, 0.002, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("duration_seconds".into()), &BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Another recorder may be installed already (a test harness, say):
        // then this one still renders what is recorded through it.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Every series this process reports, with its HELP text. The mail
/// counters are the service's (`deskvisa_mail_*`), described here because
/// this is where they are rendered.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!("deskvisa_http_requests_total", "HTTP requests answered, by method, route template and status");
    describe_histogram!(
        "deskvisa_http_request_duration_seconds",
        metrics::Unit::Seconds,
        "Time to answer an HTTP request, by method and route template"
    );
    describe_gauge!("deskvisa_http_requests_in_flight", "HTTP requests being answered now");
    describe_counter!(
        "deskvisa_http_connections_refused_total",
        "Connections closed at once because the cap was reached"
    );
    describe_counter!("deskvisa_stays_requested_total", "Stay requests, by what became of them");
    describe_gauge!("deskvisa_stays", "Stays in the database, by status (0 for a status no stay has)");
    describe_gauge!("deskvisa_outbox_depth", "Emails waiting in the outbox");
    describe_gauge!("deskvisa_outbox_oldest_age_seconds", "Age of the oldest email waiting in the outbox");
    describe_gauge!("deskvisa_outbox_dead", "Emails given up on (dead letters)");
    describe_counter!("deskvisa_mail_sent_total", "Emails handed to the mail server, by kind");
    describe_counter!("deskvisa_mail_failures_total", "Emails that failed, by kind and outcome (retry or dead)");
    describe_gauge!("deskvisa_build_info", "Always 1; the labels name the running build");
}

/// The process's own figures (resident memory, CPU seconds, open files,
/// threads), collected at each scrape.
fn process() -> &'static metrics_process::Collector {
    static COLLECTOR: OnceLock<metrics_process::Collector> = OnceLock::new();
    COLLECTOR.get_or_init(|| {
        let collector = metrics_process::Collector::new("deskvisa_");
        collector.describe();
        collector
    })
}

/// Makes sure the recorder exists before the first request is counted.
pub(crate) fn init() {
    static DESCRIBED: OnceLock<()> = OnceLock::new();
    let _ = handle();
    DESCRIBED.get_or_init(|| {
        describe();
        let _ = process();
        metrics::gauge!("deskvisa_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    });
}

/// Keeps `http_requests_in_flight` up while a request is served, down again
/// however it ends (a client that goes away drops the future).
struct InFlight;

impl InFlight {
    fn start() -> InFlight {
        metrics::gauge!("deskvisa_http_requests_in_flight").increment(1.0);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        metrics::gauge!("deskvisa_http_requests_in_flight").decrement(1.0);
    }
}

/// Counts every request and times it, by method, route template and status,
/// and keeps the number of requests in flight.
pub(crate) async fn track(request: Request, next: Next) -> Response {
    let _in_flight = InFlight::start();
    let started = Instant::now();
    let method = crate::labels::method(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| crate::labels::UNMATCHED.to_owned(), |p| p.as_str().to_owned());
    let mut response = next.run(request).await;
    response.extensions_mut().insert(crate::labels::MatchedRoute(route.clone()));
    let status = response.status().as_u16().to_string();
    metrics::counter!("deskvisa_http_requests_total", "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("deskvisa_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// Counts a stay request by what became of it.
pub(crate) fn stay_requested(outcome: &'static str) {
    metrics::counter!("deskvisa_stays_requested_total", "outcome" => outcome).increment(1);
}

/// Prometheus text: requests, latencies, stays by outcome and status, outbox depth and age.
#[utoipa::path(
    get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format 0.0.4", body = String, content_type = "text/plain"))
)]
pub(crate) async fn render(State(service): State<Service>) -> Result<Response, Problem> {
    let gauges = service.gauges().await?;
    for (status, n) in gauges.stays_by_status {
        metrics::gauge!("deskvisa_stays", "status" => status.as_str()).set(n as f64);
    }
    metrics::gauge!("deskvisa_outbox_depth").set(gauges.outbox_depth as f64);
    metrics::gauge!("deskvisa_outbox_oldest_age_seconds").set(gauges.outbox_age_seconds);
    metrics::gauge!("deskvisa_outbox_dead").set(gauges.outbox_dead as f64);
    process().collect();
    let text = handle().render();
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response())
}
