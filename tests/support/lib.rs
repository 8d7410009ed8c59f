//! Test support: start the whole service on a free port, on SQLite or PostgreSQL, with the TikTok sandbox
//! standing in for TikTok, and talk to it through a real socket.
#![expect(
    clippy::expect_used,
    reason = "test support: a failed set-up fails the calling test with its message"
)]

pub mod backend;
pub mod built_server;
pub mod capture;
pub mod db_proxy;
pub mod flow;
pub mod receiver;
pub mod replica;
pub mod rows;

use std::collections::HashMap;
use std::sync::Arc;

use tiktok_api::auth::{mint_hs256, Claims, ADMIN_SCOPE};
use tiktok_api::background::BackgroundWorker;
use tiktok_api::{Application, Settings, StopHandle};
use tiktok_sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use tokio_util::sync::CancellationToken;

pub use backend::{Backend, TestDatabase};

/// The JWT secret the test service verifies callers with.
pub const JWT_SECRET: &str = "test-jwt-secret-of-at-least-32-bytes!!";
/// The redirect URI configured as the default.
pub const REDIRECT_URI: &str = "https://dashboard.example/creator-dashboard/settings";
/// A second allowed redirect URI.
pub const OTHER_REDIRECT_URI: &str = "https://dashboard.example/onboarding/tiktok";
/// The token encryption key ring of the test service.
pub const ENCRYPTION_KEY: &str = "test:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// A running service and its surroundings.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`
    pub address: String,
    /// A client that does not follow redirects.
    pub http: reqwest::Client,
    /// The fake TikTok.
    pub sandbox: SandboxHandle,
    /// The database (kept alive for the test; dropped after).
    pub db: TestDatabase,
    /// The service's background worker (its rounds can be run by hand).
    pub background: Arc<BackgroundWorker>,
    /// Whether the background loops run (`APP_BACKGROUND__ENABLED`, false unless a test sets it).
    pub background_running: bool,
    /// Stops the service as SIGTERM would.
    pub stop: StopHandle,
    /// The service's shutdown signal, as background tasks see it.
    pub shutdown: CancellationToken,
    /// The variables the service was started with (replicas reuse them).
    pub vars: HashMap<String, String>,
    /// The service's own pool: its query counter tells how many statements a request ran.
    pub database: tiktok_adapters_db::Database,
    /// `http://127.0.0.1:<port>` of `GET /metrics`, when the test switched metrics on.
    pub metrics_address: Option<String>,
}

impl TestApp {
    /// Starts the service on `backend`, or returns `None` (after saying so) when PostgreSQL is not reachable.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Like [`TestApp::spawn`], with a chance to change the variables first.
    pub async fn spawn_with(
        backend: Backend,
        tweak: impl FnOnce(&mut HashMap<String, String>),
    ) -> Option<TestApp> {
        Self::spawn_with_sandbox(backend, SandboxConfig::default(), tweak).await
    }

    /// Like [`TestApp::spawn_with`], with a sandbox of this configuration (users, token lifetimes, …).
    pub async fn spawn_with_sandbox(
        backend: Backend,
        sandbox_config: SandboxConfig,
        tweak: impl FnOnce(&mut HashMap<String, String>),
    ) -> Option<TestApp> {
        let db = TestDatabase::create(backend)?;
        let sandbox = Sandbox::start(sandbox_config).expect("the sandbox starts");
        let mut vars: HashMap<String, String> = [
            ("APP_ENV", "test"),
            ("HOST", "127.0.0.1"),
            ("PORT", "0"),
            ("TIKTOK_CLIENT_ID", sandbox.client_key()),
            ("TIKTOK_CLIENT_SECRET", sandbox.client_secret()),
            ("TIKTOK_AUTH_BASE_URL", &sandbox.base_url()),
            ("TIKTOK_API_BASE_URL", &sandbox.base_url()),
            ("TIKTOK_REDIRECT_URI", REDIRECT_URI),
            ("TIKTOK_ALLOWED_REDIRECT_URIS", OTHER_REDIRECT_URI),
            ("AUTH_JWT_SECRET", JWT_SECRET),
            ("TOKEN_ENCRYPTION_KEY", ENCRYPTION_KEY),
            ("APP_TIKTOK__REQUEST_TIMEOUT_MS", "2000"),
            // Generous, so that a loaded test machine does not answer 503 by accident; the outage tests set
            // the production default (500 ms) themselves.
            ("APP_DATABASE__CONNECT_TIMEOUT_MS", "5000"),
            ("APP_TIKTOK__READ_RETRIES", "1"),
            ("APP_BACKGROUND__ENABLED", "false"),
            // Off unless a test asks: many services run in one test process.
            ("APP_METRICS__LISTEN", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        vars.insert("DATABASE_URL".into(), db.url().to_owned());
        tweak(&mut vars);
        let settings = Settings::load(&vars, None).expect("test settings load");
        let app = Application::build(settings)
            .await
            .expect("the service builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let background = app.background().worker();
        let background_running = app.background().running();
        let (stop, shutdown) = (app.stop_handle(), app.shutdown_signal());
        let database = app.database().clone();
        let metrics_address = app
            .metrics_port()
            .map(|port| format!("http://127.0.0.1:{port}"));
        tokio::spawn(app.run_until_stopped());
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client");
        // Under load the first migration can outlast the pool's 500 ms and move to the background.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            let ready = http.get(format!("{address}/health/ready")).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) || vars_expect_outage(&vars) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        Some(TestApp {
            address,
            http,
            sandbox,
            db,
            background,
            background_running,
            stop,
            shutdown,
            vars,
            database,
            metrics_address,
        })
    }

    /// A second replica of the service over the same database and sandbox, built but not serving.
    pub async fn another_replica(&self) -> Application {
        let settings = Settings::load(&self.vars, None).expect("test settings load");
        Application::build(settings)
            .await
            .expect("the second replica builds")
    }

    /// A creator's token for `user_id`.
    pub fn user_token(&self, user_id: &str) -> String {
        token(user_id, None)
    }

    /// An internal service's token (scope `tiktok:admin`).
    pub fn admin_token(&self) -> String {
        token("billing-service", Some(ADMIN_SCOPE))
    }

    /// `url` relative to the service.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }
}

/// Whether the test starts the service while its database is down on purpose (it then waits itself).
fn vars_expect_outage(vars: &HashMap<String, String>) -> bool {
    vars.get("TEST_DATABASE_STARTS_DOWN").is_some()
}

/// Mints a test token.
pub fn token(sub: &str, scope: Option<&str>) -> String {
    let claims = Claims {
        sub: sub.to_owned(),
        exp: (chrono::Utc::now().timestamp() + 3600) as u64,
        scope: scope.map(str::to_owned),
        iss: None,
        aud: None,
    };
    mint_hs256(JWT_SECRET.as_bytes(), &claims).expect("a token")
}
