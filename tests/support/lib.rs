//! Test support: start the whole service on a free port, on SQLite or PostgreSQL, with the TikTok sandbox
//! standing in for TikTok, and talk to it through a real socket.

pub mod backend;
pub mod capture;
pub mod flow;

use std::collections::HashMap;

use tiktok_api::auth::{mint_hs256, Claims, ADMIN_SCOPE};
use tiktok_api::{Application, Settings};
use tiktok_sandbox::{Sandbox, SandboxConfig, SandboxHandle};

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
    /// The service's own pool: its query counter tells how many statements a request ran.
    pub database: tiktok_adapters_db::Database,
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
        let db = TestDatabase::create(backend)?;
        let sandbox = Sandbox::start(SandboxConfig::default()).expect("the sandbox starts");
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
            ("APP_TIKTOK__READ_RETRIES", "1"),
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
        let database = app.database().clone();
        tokio::spawn(app.run_until_stopped());
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client");
        Some(TestApp {
            address,
            http,
            sandbox,
            db,
            database,
        })
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
