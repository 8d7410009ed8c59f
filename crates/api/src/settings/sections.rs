use secrecy::SecretString;
use serde::Deserialize;

use super::Environment;

/// All settings. Field docs name the key; docs/configuration.md names the variables.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// Set from `APP_ENV`, not from files.
    #[serde(skip)]
    pub environment: Environment,
    /// `[server]`
    pub server: ServerSettings,
    /// `[database]`
    pub database: DatabaseSettings,
    /// `[tiktok]`
    pub tiktok: TikTokSettings,
    /// `[oauth]`
    pub oauth: OAuthSettings,
    /// `[security]`
    pub security: SecuritySettings,
    /// `[background]`
    pub background: BackgroundSettings,
    /// `[rate_limit]`
    pub rate_limit: RateLimitSettings,
    /// `[content]`
    pub content: ContentSettings,
    /// `[shop]`: TikTok Shop.
    pub shop: super::ShopSettings,
    /// `[sandbox]`
    pub sandbox: SandboxSettings,
    /// `[log]`
    pub log: LogSettings,
    /// `[metrics]`
    pub metrics: MetricsSettings,
    /// `[events]`
    pub events: super::EventsSettings,
}

/// `[server]`: the listener and request limits.
#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    /// `HOST`
    pub host: String,
    /// `PORT`; 0 picks a free port.
    pub port: u16,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Longest accepted request target (path and query).
    pub max_url_bytes: usize,
    /// Most bytes of request headers (each counted as `name: value` and CRLF); more get 431.
    pub max_header_bytes: usize,
    /// How long in-flight requests get on shutdown.
    pub shutdown_timeout_seconds: u64,
    /// Origins allowed cross-origin (CORS), comma-separated; empty allows none.
    pub cors_allowed_origins: String,
}

impl ServerSettings {
    /// The allowed CORS origins, trimmed, without empty entries.
    pub fn cors_origins(&self) -> Vec<&str> {
        self.cors_allowed_origins
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .collect()
    }
}

/// `[database]`
#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// `DATABASE_URL`: `sqlite://path` or `postgres://…`. Held as a secret: it may carry a password.
    pub url: SecretString,
    /// Pool size.
    pub max_connections: u32,
    /// How long a request waits for a connection.
    pub connect_timeout_ms: u64,
}

/// `[tiktok]`: TikTok Login Kit and Display API.
#[derive(Debug, Clone, Deserialize)]
pub struct TikTokSettings {
    /// `TIKTOK_CLIENT_ID`: TikTok's `client_key`.
    pub client_id: String,
    /// `TIKTOK_CLIENT_SECRET`
    pub client_secret: SecretString,
    /// `TIKTOK_REDIRECT_URI`
    pub redirect_uri: String,
    /// `TIKTOK_ALLOWED_REDIRECT_URIS`, comma-separated.
    pub allowed_redirect_uris: String,
    /// `TIKTOK_SCOPES`, comma-separated.
    pub scopes: String,
    /// `TIKTOK_AUTH_BASE_URL`
    pub auth_base_url: String,
    /// `TIKTOK_API_BASE_URL`
    pub api_base_url: String,
    /// Send a PKCE challenge.
    pub pkce: bool,
    /// TCP connect timeout towards TikTok.
    pub connect_timeout_ms: u64,
    /// Whole-request timeout towards TikTok.
    pub request_timeout_ms: u64,
    /// Retries of reads.
    pub read_retries: u32,
    /// Display API requests per endpoint in any sliding minute, across every replica; 0 disables pacing.
    pub requests_per_minute: u32,
    /// Longest wait for a slot of the request budget.
    pub pacing_max_wait_ms: u64,
    /// `TIKTOK_APP_KEY` (TikTok Shop).
    pub app_key: String,
    /// `TIKTOK_APP_SECRET` (TikTok Shop).
    pub app_secret: SecretString,
}

/// `[oauth]`
#[derive(Debug, Clone, Deserialize)]
pub struct OAuthSettings {
    /// Lifetime of a state.
    pub state_ttl_seconds: i64,
    /// Refresh margin before access-token expiry.
    pub refresh_margin_seconds: i64,
    /// How long a replica's refresh lease on an account lasts; must outlast a whole refresh.
    pub refresh_lease_seconds: i64,
    /// How long a request waits for another request's refresh of the same account, then 503.
    pub refresh_wait_ms: u64,
}

/// `[background]`: the refresher and the scheduled sync.
#[derive(Debug, Clone, Deserialize)]
pub struct BackgroundSettings {
    /// Whether this replica runs background work at all.
    pub enabled: bool,
    /// Seconds between refresh rounds.
    pub refresh_interval_seconds: u64,
    /// Minutes between sync rounds; also how long a replica's claim on an account lasts.
    pub sync_interval_minutes: u64,
    /// Largest random extra wait before a sync round.
    pub sync_jitter_seconds: u64,
    /// Accounts synced at once by this replica.
    pub sync_concurrency: usize,
    /// Days before the refresh token's expiry from which the status shows `reauth_due_at`.
    pub reauth_warning_days: i64,
}

/// `[security]`: keys. All secrets.
#[derive(Debug, Clone, Deserialize)]
pub struct SecuritySettings {
    /// `TOKEN_ENCRYPTION_KEY`
    pub token_encryption_key: SecretString,
    /// `AUTH_JWT_SECRET`
    pub jwt_secret: SecretString,
    /// `AUTH_JWT_PUBLIC_KEY`
    pub jwt_public_key: SecretString,
    /// `AUTH_JWT_ISSUER`
    pub jwt_issuer: String,
    /// `AUTH_JWT_AUDIENCE`
    pub jwt_audience: String,
}

/// `[rate_limit]`: per-caller limit on the endpoints that call TikTok.
#[derive(Debug, Clone, Deserialize)]
pub struct RateLimitSettings {
    /// Sustained calls per caller per minute; 0 disables the limit.
    pub per_caller_per_minute: u32,
    /// Calls a caller may make at once; 0 disables the limit.
    pub burst: u32,
    /// Sustained TikTok calls per internal service (`tiktok:admin`) per minute, apart from creators'; 0
    /// disables the limit.
    pub admin_per_minute: u32,
    /// TikTok calls an internal service may make at once; 0 disables the limit.
    pub admin_burst: u32,
}

/// `[content]`: videos, history and analytics.
#[derive(Debug, Clone, Deserialize)]
pub struct ContentSettings {
    /// At most one history snapshot per account and this many minutes (1 to 1440, dividing 1440).
    pub history_period_minutes: i64,
    /// Snapshots older than this many days are deleted.
    pub history_retention_days: i64,
    /// A later sync stops paging once a whole page is older than this many days and unchanged.
    pub video_refresh_window_days: i64,
    /// A complete video listing at least this often (hours).
    pub full_video_sync_hours: i64,
    /// Most video list pages (20 videos each) one sync may request.
    pub max_video_pages_per_sync: u32,
    /// Largest `limit` of the videos endpoint.
    pub videos_max_limit: u32,
    /// How many top videos the metrics body shows.
    pub top_videos: u32,
    /// How long a sync lease lasts (one sync per account at a time across replicas), in seconds.
    pub sync_lease_seconds: i64,
    /// How long a request waits for a running sync of the same account, then 503 (milliseconds).
    pub sync_wait_ms: u64,
}

/// `[sandbox]`
#[derive(Debug, Clone, Deserialize)]
pub struct SandboxSettings {
    /// Port of the development sandbox.
    pub port: u16,
}

/// `[log]`
#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    /// `pretty` or `json`.
    pub format: String,
    /// Filter, overridden by `RUST_LOG`.
    pub filter: String,
}

/// `[metrics]`: Prometheus.
#[derive(Debug, Clone, Deserialize)]
pub struct MetricsSettings {
    /// `APP_METRICS__LISTEN`: where `GET /metrics` is served (`host:port`); empty switches it off.
    pub listen: String,
}
