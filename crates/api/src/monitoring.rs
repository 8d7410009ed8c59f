//! Prometheus metrics: the recorder (one per process), `GET /metrics` on its own listen address, the
//! per-request metrics with the access log line, and the gauges read from the pool and the accounts.
//!
//! Labels never carry a user id, an open id or a token: routes are templates (`…/status/{user_id}`),
//! TikTok endpoints and outcomes are fixed names.

use std::net::{SocketAddr, TcpListener};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, App, HttpMessage, HttpResponse, HttpServer};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tiktok_adapters_db::Database;
use tiktok_domain::usecases::AccountOverview;
use tiktok_domain::ConnectionState;
use tokio_util::sync::CancellationToken;
use tracing_actix_web::RequestId;

use crate::settings::MetricsSettings;
use crate::wiring::StartupError;

/// Histogram buckets of every `*_seconds` metric: from a fast database read to a slow TikTok call.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];

/// How often the accounts-by-status gauge is read from the database.
pub const ACCOUNT_GAUGE_EVERY: Duration = Duration::from_secs(30);

static RECORDER: OnceLock<Result<PrometheusHandle, String>> = OnceLock::new();

/// The process's Prometheus recorder, installed on first use (a process serves one registry, whatever
/// number of services it builds, as tests do).
pub fn recorder() -> Result<PrometheusHandle, StartupError> {
    RECORDER
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
                .and_then(PrometheusBuilder::install_recorder)
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|e| StartupError::Config(format!("the metrics recorder cannot start: {e}")))
}

/// The metrics listener: its port and its server, not yet awaited.
pub struct MetricsServer {
    /// The bound port.
    pub port: u16,
    /// The server; stopping it is the caller's business.
    pub server: Server,
}

/// Binds `GET /metrics` on `settings.listen`, or answers `None` when it is empty (metrics off). Each scrape
/// first reads the pool's state into its gauges.
pub fn serve(
    settings: &MetricsSettings,
    database: Database,
) -> Result<Option<MetricsServer>, StartupError> {
    let listen = settings.listen.trim();
    if listen.is_empty() {
        return Ok(None);
    }
    let address: SocketAddr = listen.parse().map_err(|_| {
        StartupError::Config(format!(
            "APP_METRICS__LISTEN: {listen:?} is not an address like 127.0.0.1:9464"
        ))
    })?;
    let handle = recorder()?;
    let listener = TcpListener::bind(address)
        .map_err(|e| StartupError::Bind(address.ip().to_string(), address.port(), e))?;
    let port = listener.local_addr().map_err(StartupError::Io)?.port();
    let state = web::Data::new((handle, database));
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .route("/metrics", web::get().to(scrape))
    })
    .workers(1)
    .listen(listener)
    .map_err(StartupError::Io)?
    .disable_signals()
    .shutdown_timeout(1)
    .run();
    tracing::info!(%address, port, "metrics server listening (GET /metrics)");
    Ok(Some(MetricsServer { port, server }))
}

async fn scrape(state: web::Data<(PrometheusHandle, Database)>) -> HttpResponse {
    let (handle, database) = state.get_ref();
    let pool = database.stats();
    metrics::gauge!("db_pool_connections_in_use").set(pool.in_use as f64);
    metrics::gauge!("db_pool_connections_max").set(pool.max_size as f64);
    metrics::counter!("db_pool_waits_total").absolute(pool.waits);
    metrics::counter!("db_pool_timeouts_total").absolute(pool.timeouts);
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(handle.render())
}

/// Sets `tiktok_accounts{status}` every [`ACCOUNT_GAUGE_EVERY`] until `stop`, and drains the histograms.
pub fn spawn_account_gauge(
    overview: AccountOverview,
    handle: PrometheusHandle,
    stop: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match overview.counts().await {
                Ok(counts) => {
                    for state in [
                        ConnectionState::Connected,
                        ConnectionState::ReauthRequired,
                        ConnectionState::Disconnected,
                    ] {
                        metrics::gauge!("tiktok_accounts", "status" => state.as_str())
                            .set(counts.of(state) as f64);
                    }
                }
                Err(error) => tracing::debug!(%error, "accounts gauge not refreshed"),
            }
            handle.run_upkeep();
            tokio::select! {
                () = tokio::time::sleep(ACCOUNT_GAUGE_EVERY) => {}
                () = stop.cancelled() => return,
            }
        }
    })
}

/// Counts every request by method, route template and status, times it, and writes its one access line at
/// `info` (never the query string: the OAuth callback's carries TikTok's code).
///
/// Wrapped outside the request's tracing span (the outermost middleware): the line carries the request id
/// itself, read from the answered request, and a line written inside the span would make the
/// JSON formatter re-parse the span's fields for it (docs/performance.md, "What logging costs").
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let result = next.call(req).await;
    // Put into the request's extensions by the span's middleware. (A clone of the request held across the
    // call instead would break routing, which needs the request unshared. An `Err` here comes from a
    // middleware, never a handler, and has no request to read it from.)
    let request_id = result.as_ref().ok().and_then(|response| {
        response
            .request()
            .extensions()
            .get::<RequestId>()
            .map(|id| id.to_string())
    });
    let (route, status) = match &result {
        Ok(response) => (
            response
                .request()
                .match_pattern()
                .unwrap_or_else(|| "unmatched".to_owned()),
            response.status().as_u16(),
        ),
        Err(error) => (
            "unmatched".to_owned(),
            error.as_response_error().status_code().as_u16(),
        ),
    };
    let took = started.elapsed();
    metrics::counter!(
        "http_requests_total",
        "method" => method.clone(),
        "route" => route.clone(),
        "status" => status.to_string()
    )
    .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method.clone(), "route" => route.clone())
        .record(took.as_secs_f64());
    tracing::info!(
        method,
        route,
        status,
        // Milliseconds to the microsecond: whole microseconds over 1,000 print as a short decimal (0.633)
        // rather than a binary fraction's long tail (0.9901599999999999).
        latency_ms = took.as_micros() as f64 / 1_000.0,
        request_id = request_id.as_deref().unwrap_or(""),
        "request"
    );
    result
}
