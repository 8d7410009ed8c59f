//! Turning settings into adapters, with the start-up checks of each secret.

use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;
use tiktok_adapters_crypto::{AesGcmTokenCipher, KeyRing};
use tiktok_adapters_db::{
    Database, DieselAccountRepository, DieselContentRepository, DieselOAuthStateStore,
    DieselRequestBudget, PoolOptions,
};
use tiktok_adapters_tiktok::{TikTokClientConfig, TikTokHttpClient};
use tiktok_domain::content::HistoryPeriod;
use tiktok_domain::pacing::Pacing;
use tiktok_domain::ports::{AccountSchedule, RequestBudget, SystemClock, TokenCipher};
use tiktok_domain::usecases::{
    AccountOverview, AccountService, ContentConfig, KeyRotation, Ports, ServiceConfig,
};
use tiktok_domain::{RedirectUri, Scopes};
#[cfg(feature = "sandbox")]
pub use tiktok_sandbox::SandboxHandle;
#[cfg(feature = "sandbox")]
use tiktok_sandbox::{Sandbox, SandboxConfig};

use crate::auth::{Authenticator, DEVELOPMENT_JWT_SECRET};
use crate::settings::{is_blank, Settings};

/// Why the service could not start. Messages name the variable at fault, never a secret.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// A setting is missing or wrong.
    #[error("{0}")]
    Config(String),
    /// The listener could not be bound.
    #[error("cannot listen on {0}:{1}")]
    Bind(String, u16, #[source] std::io::Error),
    /// Another I/O failure.
    #[error("I/O error at start-up")]
    Io(#[source] std::io::Error),
}

/// Stand-in for the sandbox's handle in a binary built without the `sandbox` feature: never built.
#[cfg(not(feature = "sandbox"))]
#[derive(Debug)]
pub enum SandboxHandle {}

#[cfg(not(feature = "sandbox"))]
impl SandboxHandle {
    /// Never called: no value of this type exists.
    pub fn base_url(&self) -> String {
        match *self {}
    }
}

/// Without the `sandbox` feature (the release binary), a missing client id is a start-up error naming
/// `TIKTOK_CLIENT_ID`: there is no sandbox to stand in for TikTok.
#[cfg(not(feature = "sandbox"))]
pub async fn start_sandbox_if_needed(
    settings: &mut Settings,
) -> Result<Option<SandboxHandle>, StartupError> {
    if settings.tiktok.client_id.trim().is_empty() {
        return Err(StartupError::Config(
            "TIKTOK_CLIENT_ID is not set, and this binary was built without the TikTok sandbox \
             (cargo feature `sandbox`): set TIKTOK_CLIENT_ID and TIKTOK_CLIENT_SECRET to your TikTok app's"
                .into(),
        ));
    }
    Ok(None)
}

/// Starts the sandbox in development when no client id is configured, and points TikTok's URLs at it.
#[cfg(feature = "sandbox")]
pub async fn start_sandbox_if_needed(
    settings: &mut Settings,
) -> Result<Option<SandboxHandle>, StartupError> {
    if !settings.uses_sandbox() {
        return Ok(None);
    }
    let config = SandboxConfig {
        port: settings.sandbox.port,
        // The sandbox's Shop authorize page sends the seller back to the dashboard's settings page with
        // Shop's `code` and `state` (TikTok: the redirect configured at Partner Center).
        shop: tiktok_sandbox::ShopSandboxConfig {
            redirect_url: Some(settings.tiktok.redirect_uri.trim().to_owned()),
            ..tiktok_sandbox::ShopSandboxConfig::default()
        },
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).map_err(|e| {
        StartupError::Config(format!(
            "the TikTok sandbox cannot listen on port {} ({e})",
            settings.sandbox.port
        ))
    })?;
    tracing::warn!(
        sandbox = %sandbox.base_url(),
        "NO TIKTOK_CLIENT_ID: USING THE BUNDLED TIKTOK SANDBOX, NOT TIKTOK. Set TIKTOK_CLIENT_ID to talk to TikTok."
    );
    settings.tiktok.client_id = sandbox.client_key().to_owned();
    settings.tiktok.client_secret = secrecy::SecretString::from(sandbox.client_secret().to_owned());
    settings.tiktok.auth_base_url = sandbox.base_url();
    settings.tiktok.api_base_url = sandbox.base_url();
    crate::shop_wiring::use_sandbox_shop_if_unset(settings, &sandbox);
    Ok(Some(sandbox))
}

/// Why the development keys are refused: they are in the source, so they protect nothing.
const DEVELOPMENT_KEYS_ONLY_WITH_THE_SANDBOX: &str =
    "the development keys are public and only for the bundled \
     TikTok sandbox (APP_ENV=development without TIKTOK_CLIENT_ID)";

/// The token cipher from `TOKEN_ENCRYPTION_KEY`, or the development key while the sandbox stands in for TikTok.
///
/// Must be called before [`start_sandbox_if_needed`] (which sets the client id). With real TikTok
/// credentials, in any environment, the development key is refused anywhere in the ring, active or retired.
pub fn token_cipher(settings: &Settings) -> Result<Arc<dyn TokenCipher>, StartupError> {
    let ring = key_ring(settings)?;
    if !settings.uses_sandbox() && ring.contains_development() {
        return Err(StartupError::Config(format!(
            "TOKEN_ENCRYPTION_KEY holds the development key: {DEVELOPMENT_KEYS_ONLY_WITH_THE_SANDBOX}"
        )));
    }
    Ok(Arc::new(AesGcmTokenCipher::new(ring)))
}

/// The ring from `TOKEN_ENCRYPTION_KEY`; when it is blank, the development ring while the sandbox is in use
/// and an error naming the variable otherwise.
fn key_ring(settings: &Settings) -> Result<KeyRing, StartupError> {
    if !is_blank(&settings.security.token_encryption_key) {
        return KeyRing::parse(&settings.security.token_encryption_key)
            .map_err(|e| StartupError::Config(format!("TOKEN_ENCRYPTION_KEY: {e}")));
    }
    if !settings.uses_sandbox() {
        return Err(StartupError::Config(format!(
            "TOKEN_ENCRYPTION_KEY is required: {DEVELOPMENT_KEYS_ONLY_WITH_THE_SANDBOX}"
        )));
    }
    tracing::warn!("TOKEN_ENCRYPTION_KEY is not set: tokens are sealed with the DEVELOPMENT key");
    Ok(KeyRing::development())
}

/// The JWT verifier from `AUTH_JWT_PUBLIC_KEY` or `AUTH_JWT_SECRET`, or the development secret while the
/// sandbox stands in for TikTok.
///
/// Must be called before [`start_sandbox_if_needed`]. With real TikTok credentials, in any environment, a
/// missing key, the development secret and an HS256 secret under 32 bytes are refused.
pub fn authenticator(settings: &Settings) -> Result<Authenticator, StartupError> {
    let security = &settings.security;
    let issuer = Some(security.jwt_issuer.as_str()).filter(|s| !s.is_empty());
    let audience = Some(security.jwt_audience.as_str()).filter(|s| !s.is_empty());
    if !is_blank(&security.jwt_public_key) {
        let pem = security.jwt_public_key.expose_secret().replace("\\n", "\n");
        return Authenticator::public_key(pem.as_bytes(), issuer, audience)
            .map_err(|e| StartupError::Config(e.to_string()));
    }
    let sandbox = settings.uses_sandbox();
    let secret = security.jwt_secret.expose_secret();
    if !secret.trim().is_empty() {
        if !sandbox && secret == DEVELOPMENT_JWT_SECRET {
            return Err(StartupError::Config(format!(
                "AUTH_JWT_SECRET is the development secret: {DEVELOPMENT_KEYS_ONLY_WITH_THE_SANDBOX}"
            )));
        }
        if !sandbox && secret.len() < MIN_JWT_SECRET_BYTES {
            return Err(StartupError::Config(format!(
                "AUTH_JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes outside the sandbox"
            )));
        }
        return Ok(Authenticator::hs256(secret.as_bytes(), issuer, audience));
    }
    if !sandbox {
        return Err(StartupError::Config(format!(
            "AUTH_JWT_SECRET or AUTH_JWT_PUBLIC_KEY is required: {DEVELOPMENT_KEYS_ONLY_WITH_THE_SANDBOX}"
        )));
    }
    tracing::warn!("AUTH_JWT_SECRET is not set: callers are verified with the DEVELOPMENT secret");
    Ok(Authenticator::hs256(
        DEVELOPMENT_JWT_SECRET.as_bytes(),
        issuer,
        audience,
    ))
}

/// The shortest HS256 secret accepted outside the sandbox: 256 bits, as long as the HMAC's output.
pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// The pool, with migrations applied. A database that is down at start-up does not stop the service:
/// migrations are retried in the background (every 250 ms) until it answers, and meanwhile `/health/ready`
/// and every request answer 503 `database_unavailable` (never a 500 on a missing table).
pub async fn database(settings: &Settings) -> Result<Database, StartupError> {
    let database = pool(settings)?.gated_until_migrated();
    if let Err(error) = database.run_migrations().await {
        tracing::error!(%error, "migrations could not run at start-up; retrying in the background");
        let retry = database.clone();
        tokio::spawn(async move {
            use backon::{ConstantBuilder, Retryable as _};
            let every = Duration::from_millis(250);
            let until_applied = ConstantBuilder::new().with_delay(every).without_max_times();
            tokio::time::sleep(every).await;
            let applied = (|| retry.run_migrations())
                .retry(until_applied)
                .sleep(tokio::time::sleep)
                .notify(|error, _| tracing::debug!(%error, "migrations still cannot run"))
                .await;
            if applied.is_ok() {
                tracing::info!("migrations applied");
            }
        });
    }
    Ok(database)
}

/// The pool alone, migrations not run: for the `migrate` and `rotate-keys` commands, which run them once
/// themselves and must fail rather than retry in the background.
pub fn pool(settings: &Settings) -> Result<Database, StartupError> {
    let options = PoolOptions {
        max_size: settings.database.max_connections,
        connection_timeout: Duration::from_millis(settings.database.connect_timeout_ms),
    };
    Database::connect(settings.database.url.expose_secret(), options)
        .map_err(|e| StartupError::Config(format!("DATABASE_URL: {e}")))
}

/// The use cases over the configured TikTok client, this database and `cipher` (from [`token_cipher`], built
/// before the sandbox starts): what the HTTP API serves, and what the `sync` command runs.
pub fn account_service(
    settings: &Settings,
    database: Database,
    cipher: Arc<dyn TokenCipher>,
) -> Result<AccountService, StartupError> {
    let client = Arc::new(
        TikTokHttpClient::new(tiktok_client_config(settings)?)
            .map_err(|e| StartupError::Config(format!("the TikTok client cannot be built: {e}")))?
            .with_request_budget(request_budget(settings, database.clone())),
    );
    let repository = Arc::new(DieselAccountRepository::new(database.clone()));
    let ports = Ports {
        accounts: repository.clone(),
        content: Arc::new(DieselContentRepository::new(database.clone())),
        states: Arc::new(DieselOAuthStateStore::new(database)),
        oauth: client.clone(),
        data: client,
        cipher,
        clock: Arc::new(SystemClock),
        schedule: repository,
    };
    Ok(AccountService::new(ports, service_config(settings)?))
}

/// The sync schedule over this database, for "round behind by N" (the metric and the `accounts` command).
pub fn account_schedule(database: Database) -> Arc<dyn AccountSchedule> {
    Arc::new(DieselAccountRepository::new(database))
}

/// The operator's overview of the stored accounts (counts by status, listings).
pub fn account_overview(database: Database) -> AccountOverview {
    AccountOverview::new(Arc::new(DieselAccountRepository::new(database)))
}

/// Key rotation over the configured database with the configured key ring.
///
/// Unlike the service, rotation accepts the development key as a retired key (never as the active one), so
/// that tokens sealed with it can be moved to a real key; it says so, and the service refuses to start until
/// the development key is removed.
pub fn key_rotation(settings: &Settings, database: Database) -> Result<KeyRotation, StartupError> {
    let ring = key_ring(settings)?;
    if !settings.uses_sandbox() && ring.contains_development() {
        if ring.is_development() {
            return Err(StartupError::Config(format!(
                "TOKEN_ENCRYPTION_KEY: the active key is the development key: {DEVELOPMENT_KEYS_ONLY_WITH_THE_SANDBOX}"
            )));
        }
        tracing::warn!("TOKEN_ENCRYPTION_KEY holds the development key as a retired key: remove it once this rotation is done");
    }
    let store = Arc::new(tiktok_adapters_db::DieselAccountRepository::new(database));
    Ok(KeyRotation::new(
        store,
        Arc::new(AesGcmTokenCipher::new(ring)),
    ))
}

/// The TikTok client's settings.
pub fn tiktok_client_config(settings: &Settings) -> Result<TikTokClientConfig, StartupError> {
    let t = &settings.tiktok;
    let url = |name: &str, raw: &str| {
        url::Url::parse(raw).map_err(|_| StartupError::Config(format!("{name} is not a URL")))
    };
    let mut config = TikTokClientConfig::new(t.client_id.clone(), t.client_secret.clone());
    config.auth_base_url = url("TIKTOK_AUTH_BASE_URL", &t.auth_base_url)?;
    config.api_base_url = url("TIKTOK_API_BASE_URL", &t.api_base_url)?;
    config.connect_timeout = Duration::from_millis(t.connect_timeout_ms);
    config.request_timeout = Duration::from_millis(t.request_timeout_ms);
    config.read_retries = t.read_retries;
    config.pacing_max_wait = Duration::from_millis(t.pacing_max_wait_ms);
    Ok(config)
}

/// The TikTok request budget shared by every replica: `tiktok.requests_per_minute` per endpoint in any
/// sliding minute, kept in the database.
pub fn request_budget(settings: &Settings, database: Database) -> Arc<dyn RequestBudget> {
    let pacing = Pacing::per_minute(settings.tiktok.requests_per_minute);
    Arc::new(DieselRequestBudget::new(
        database,
        pacing,
        Arc::new(SystemClock),
    ))
}

/// The use cases' settings.
pub fn service_config(settings: &Settings) -> Result<ServiceConfig, StartupError> {
    let t = &settings.tiktok;
    let uri = |raw: &str| {
        RedirectUri::parse(raw.trim()).map_err(|e| {
            StartupError::Config(format!(
                "TIKTOK_REDIRECT_URI / TIKTOK_ALLOWED_REDIRECT_URIS: {e}"
            ))
        })
    };
    let scopes = Scopes::parse_comma_separated(&t.scopes)
        .map_err(|e| StartupError::Config(format!("TIKTOK_SCOPES: {e}")))?;
    if scopes.is_empty() {
        return Err(StartupError::Config(
            "TIKTOK_SCOPES: at least one scope is required".into(),
        ));
    }
    let mut config = ServiceConfig::new(uri(&t.redirect_uri)?, scopes);
    config.allowed_redirect_uris = t
        .allowed_redirect_uris
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(uri)
        .collect::<Result<_, _>>()?;
    config.state_ttl = chrono::Duration::seconds(settings.oauth.state_ttl_seconds.max(1));
    config.refresh_margin = chrono::Duration::seconds(settings.oauth.refresh_margin_seconds.max(0));
    config.pkce = t.pkce;
    config.reauth_warning = chrono::Duration::days(settings.background.reauth_warning_days.max(0));
    config.refresh_lease = chrono::Duration::seconds(settings.oauth.refresh_lease_seconds);
    config.refresh_wait = Duration::from_millis(settings.oauth.refresh_wait_ms);
    config.sync_lease = chrono::Duration::seconds(settings.content.sync_lease_seconds.max(1));
    config.sync_wait = Duration::from_millis(settings.content.sync_wait_ms);
    config.content = content_config(settings)?;
    Ok(config)
}

/// The `[content]` settings, checked.
pub fn content_config(settings: &Settings) -> Result<ContentConfig, StartupError> {
    let c = &settings.content;
    let positive = |name: &str, value: i64| {
        if value > 0 {
            Ok(value)
        } else {
            Err(StartupError::Config(format!(
                "content.{name} must be positive"
            )))
        }
    };
    let period = HistoryPeriod::minutes(c.history_period_minutes)
        .map_err(|e| StartupError::Config(format!("content.{e}")))?;
    if c.max_video_pages_per_sync == 0 || c.videos_max_limit == 0 {
        return Err(StartupError::Config(
            "content.max_video_pages_per_sync and content.videos_max_limit must be positive".into(),
        ));
    }
    Ok(ContentConfig {
        history_period: period,
        history_retention: chrono::Duration::days(positive(
            "history_retention_days",
            c.history_retention_days,
        )?),
        video_refresh_window: chrono::Duration::days(positive(
            "video_refresh_window_days",
            c.video_refresh_window_days,
        )?),
        // 0 makes every sync a complete listing.
        full_video_sync_every: chrono::Duration::hours(c.full_video_sync_hours.max(0)),
        max_video_pages_per_sync: c.max_video_pages_per_sync,
        videos_max_limit: c.videos_max_limit,
        top_videos: c.top_videos,
    })
}
