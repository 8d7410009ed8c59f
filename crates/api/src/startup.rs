//! The composition root: builds every adapter from the settings, wraps each in its port, and serves.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};
use tiktok_adapters_db::Database;
use tiktok_domain::usecases::AccountService;
use tokio_util::sync::CancellationToken;
use tracing_actix_web::TracingLogger;

use crate::background::Background;
use crate::telemetry::RedactedRootSpan;

use crate::auth::Authenticator;
use crate::dev_token::DevTokens;
use crate::middleware;
use crate::monitoring;
use crate::rate_limit::CallerRateLimiter;
use crate::routes;
use crate::settings::Settings;
use crate::shutdown::{stop_on_signal, StopHandle};
use crate::wiring::{self, SandboxHandle, StartupError};

/// Blocking threads a worker keeps beside its database calls for reqwest's name lookups (`getaddrinfo`
/// runs on the blocking pool), so that a lookup does not wait for a thread behind a full pool's worth of
/// database calls, nor those calls behind a slow resolver.
const NAME_RESOLUTION_THREADS: usize = 2;

/// Origins allowed by default in development with the sandbox: the settings page's dev server.
pub const DEVELOPMENT_ORIGINS: &[&str] = &["http://localhost:3000", "http://127.0.0.1:3000"];

/// A built service, bound to its port, not yet serving.
///
/// Shutdown: SIGTERM or SIGINT (or [`StopHandle::stop`]) cancels [`Application::shutdown_signal`], stops
/// accepting connections, gives in-flight requests `server.shutdown_timeout_seconds` to finish, then stops the
/// background rounds at their next safe point (waiting at least one whole TikTok request for the one in hand).
pub struct Application {
    port: u16,
    server: Server,
    sandbox: Option<SandboxHandle>,
    database: Database,
    background: Background,
    shutdown: CancellationToken,
    /// `GET /metrics` on its own address, when switched on.
    metrics: Option<monitoring::MetricsServer>,
    /// How long a stopping background round may take: at least one whole TikTok request and its commit,
    /// so that a refresh in hand is stored rather than cut off.
    background_grace: Duration,
}

impl Application {
    /// Builds the adapters and binds the listener (port 0 picks a free one). In development without a
    /// `TIKTOK_CLIENT_ID`, the TikTok sandbox is started first and TikTok's URLs point at it.
    pub async fn build(mut settings: Settings) -> Result<Self, StartupError> {
        // The keys first: whether the development keys may be used depends on the sandbox standing in for
        // TikTok, which starting it hides (it sets the client id).
        let cipher = wiring::token_cipher(&settings)?;
        let authenticator = wiring::authenticator(&settings)?;
        let sandbox = wiring::start_sandbox_if_needed(&mut settings).await?;
        let database = wiring::database(&settings).await?;
        let service = wiring::account_service(&settings, database.clone(), cipher.clone())?;
        let shop = crate::shop_wiring::shop_services(&settings, database.clone(), cipher)?;
        let mut background = Background::start(
            service.clone(),
            wiring::account_schedule(database.clone()),
            &settings.background,
        );
        if let Some(shop) = &shop {
            background.start_shop(
                shop.tokens.clone(),
                shop.webhook.clone(),
                &settings.background,
            );
        }
        let events = crate::events::Events::build(&settings, database.clone())?;
        let registered = events.register().await;
        background.adopt(events.spawn(registered, background.stop_signal()));
        let listener = TcpListener::bind((settings.server.host.as_str(), settings.server.port))
            .map_err(|e| {
                StartupError::Bind(settings.server.host.clone(), settings.server.port, e)
            })?;
        let port = listener.local_addr().map_err(StartupError::Io)?.port();
        let webhook = tiktok_adapters_tiktok::TikTokWebhooks::new(
            settings.tiktok.client_id.clone(),
            settings.tiktok.client_secret.clone(),
            std::sync::Arc::new(tiktok_domain::ports::SystemClock),
        );
        let server = serve(
            listener,
            &settings,
            service,
            authenticator,
            database.clone(),
            webhook,
            sandbox.is_some(),
            routes::shop::ShopApi::new(shop),
        )?;
        let metrics = monitoring::serve(&settings.metrics, database.clone())?;
        tracing::info!(
            port,
            environment = settings.environment.as_str(),
            "API server listening (TikTok integration service)"
        );
        Ok(Self {
            port,
            server,
            sandbox,
            database,
            background,
            metrics,
            shutdown: CancellationToken::new(),
            background_grace: Duration::from_secs(settings.server.shutdown_timeout_seconds).max(
                Duration::from_millis(settings.tiktok.request_timeout_ms) + Duration::from_secs(2),
            ),
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of `GET /metrics`, when metrics are switched on.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|m| m.port)
    }

    /// The sandbox's base URL, when the sandbox stands in for TikTok.
    pub fn sandbox_url(&self) -> Option<String> {
        self.sandbox.as_ref().map(|s| s.base_url())
    }

    /// The database pool (for commands and tests).
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// This replica's background work: its worker, whether its loops run, and its stop signal.
    pub fn background(&self) -> &Background {
        &self.background
    }

    /// A token cancelled when shutdown begins. Background tasks select on `cancelled()` and wind down;
    /// it is a child token, so cancelling it stops nothing else.
    pub fn shutdown_signal(&self) -> CancellationToken {
        self.shutdown.child_token()
    }

    /// A handle that stops the service as SIGTERM would (for tests and embedders).
    pub fn stop_handle(&self) -> StopHandle {
        StopHandle::new(self.server.handle(), self.shutdown.clone())
    }

    /// Serves until SIGTERM/SIGINT or [`StopHandle::stop`]: stops accepting, lets in-flight requests finish
    /// within the shutdown timeout, then stops the background rounds.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let _sandbox = self.sandbox;
        let signals = tokio::spawn(stop_on_signal(StopHandle::new(
            self.server.handle(),
            self.shutdown.clone(),
        )));
        let metrics = self.metrics.map(|metrics| {
            let handle = metrics.server.handle();
            tokio::spawn(metrics.server);
            let recorder = monitoring::recorder().ok();
            let gauge = recorder.map(|recorder| {
                monitoring::spawn_account_gauge(
                    wiring::account_overview(self.database.clone()),
                    recorder,
                    self.shutdown.child_token(),
                )
            });
            (handle, gauge)
        });
        let served = self.server.await;
        self.shutdown.cancel();
        if let Some((handle, gauge)) = metrics {
            handle.stop(true).await;
            if let Some(gauge) = gauge {
                gauge.abort();
            }
        }
        signals.abort();
        self.background.stop(self.background_grace).await;
        tracing::info!("TikTok integration service stopped");
        served
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "the composition root hands each built part to the server once"
)]
fn serve(
    listener: TcpListener,
    settings: &Settings,
    service: AccountService,
    authenticator: Authenticator,
    database: Database,
    webhook: tiktok_adapters_tiktok::TikTokWebhooks,
    with_sandbox: bool,
    shop: routes::shop::ShopApi,
) -> Result<Server, StartupError> {
    let shop = web::Data::new(shop);
    // Each route takes the use cases it needs; the webhook route still takes the whole service.
    let connections = web::Data::new(service.connections().clone());
    let syncs = web::Data::new(service.syncs().clone());
    let reads = web::Data::new(service.reads().clone());
    let service = web::Data::new(service);
    let authenticator = web::Data::new(authenticator);
    let feed = web::Data::new(crate::events::feed(database.clone()));
    let database = web::Data::new(database);
    let webhook = web::Data::new(webhook);
    let limits = middleware::Limits {
        max_url_bytes: settings.server.max_url_bytes,
        max_header_bytes: settings.server.max_header_bytes,
    };
    let max_body = settings.server.max_body_bytes;
    let mut origins: Vec<String> = settings
        .server
        .cors_origins()
        .into_iter()
        .map(str::to_owned)
        .collect();
    // Development with the sandbox: the settings page's dev server, and the sign-in that needs no token.
    let dev_tokens = with_sandbox
        .then(|| DevTokens::from_settings(settings))
        .flatten();
    if with_sandbox {
        origins.extend(DEVELOPMENT_ORIGINS.iter().map(|o| (*o).to_owned()));
    }
    let rate_limiter = web::Data::new(CallerRateLimiter::new(&settings.rate_limit));
    let blocking_threads = usize::try_from(settings.database.max_connections)
        .unwrap_or(usize::MAX)
        .max(1)
        .saturating_add(NAME_RESOLUTION_THREADS);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(service.clone())
            .app_data(connections.clone())
            .app_data(syncs.clone())
            .app_data(reads.clone())
            .app_data(authenticator.clone())
            .app_data(database.clone())
            .app_data(webhook.clone())
            .app_data(shop.clone())
            .app_data(feed.clone())
            .app_data(rate_limiter.clone())
            .app_data(web::Data::new(limits))
            .app_data(middleware::query_config())
            .app_data(middleware::path_config())
            .app_data(middleware::json_config(max_body))
            .app_data(web::PayloadConfig::new(max_body))
            .configure(routes::configure)
            .configure(|cfg| {
                if let Some(tokens) = &dev_tokens {
                    routes::dev::configure(cfg, tokens.clone());
                }
            })
            .default_service(web::to(routes::not_found))
            .wrap(middleware::cors(
                &origins.iter().map(String::as_str).collect::<Vec<_>>(),
            ))
            .wrap(middleware::error_bodies())
            .wrap(middleware::security_headers())
            .wrap(actix_web::middleware::from_fn(middleware::enforce_limits))
            .wrap(actix_web::middleware::from_fn(
                middleware::request_id_header,
            ))
            .wrap(TracingLogger::<RedactedRootSpan>::new())
            // Outermost: the access line is written outside the request's span (see `observe`).
            .wrap(actix_web::middleware::from_fn(monitoring::observe))
    })
    // The blocking work is database calls, at most `max_connections` of them at once (each holds a pool
    // permit), and reqwest's name lookups: more threads than that per worker would only idle, each with
    // its stack and its allocator heap (tokio's default is 512 / cores, and a loaded service grew 60-odd).
    .worker_max_blocking_threads(blocking_threads)
    .listen(listener)
    .map_err(StartupError::Io)?
    .shutdown_timeout(settings.server.shutdown_timeout_seconds)
    .disable_signals()
    .client_request_timeout(Duration::from_secs(5))
    .run();
    Ok(server)
}
