//! Settings: `config/base.toml` (compiled in, so the binary runs from any directory), then
//! `config/base.toml` and `config/<APP_ENV>.toml` from the config directory when present, then
//! `APP_<SECTION>__<KEY>` variables, then the contract's named variables (`TIKTOK_*`, `DATABASE_URL`, `HOST`,
//! `PORT`, `TOKEN_ENCRYPTION_KEY`, `AUTH_JWT_*`). docs/configuration.md lists every key.

mod environment;
mod events;
#[cfg(test)]
mod real_tiktok_tests;
mod sections;
mod shop;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use config::{Config, Environment as EnvSource, File, FileFormat};

pub use environment::Environment;
pub use events::{EventsSettings, ReceiverSettings};
pub use sections::*;
pub use shop::ShopSettings;

/// The compiled-in defaults.
const BASE: &str = include_str!("../../../../config/base.toml");

/// The contract's variable names and the keys they set.
const NAMED_VARIABLES: &[(&str, &str)] = &[
    ("TIKTOK_CLIENT_ID", "tiktok.client_id"),
    ("TIKTOK_CLIENT_SECRET", "tiktok.client_secret"),
    ("TIKTOK_REDIRECT_URI", "tiktok.redirect_uri"),
    (
        "TIKTOK_ALLOWED_REDIRECT_URIS",
        "tiktok.allowed_redirect_uris",
    ),
    ("TIKTOK_SCOPES", "tiktok.scopes"),
    ("TIKTOK_AUTH_BASE_URL", "tiktok.auth_base_url"),
    ("TIKTOK_API_BASE_URL", "tiktok.api_base_url"),
    ("TIKTOK_APP_KEY", "tiktok.app_key"),
    ("TIKTOK_APP_SECRET", "tiktok.app_secret"),
    ("TIKTOK_SHOP_SERVICE_ID", "shop.service_id"),
    ("TIKTOK_SHOP_AUTH_BASE_URL", "shop.auth_base_url"),
    ("TIKTOK_SHOP_TOKEN_BASE_URL", "shop.token_base_url"),
    ("TIKTOK_SHOP_API_BASE_URL", "shop.api_base_url"),
    ("DATABASE_URL", "database.url"),
    ("HOST", "server.host"),
    ("PORT", "server.port"),
    ("TOKEN_ENCRYPTION_KEY", "security.token_encryption_key"),
    ("AUTH_JWT_SECRET", "security.jwt_secret"),
    ("AUTH_JWT_PUBLIC_KEY", "security.jwt_public_key"),
    ("AUTH_JWT_ISSUER", "security.jwt_issuer"),
    ("AUTH_JWT_AUDIENCE", "security.jwt_audience"),
    ("EVENTS_WEBHOOK_URLS", "events.webhook_urls"),
    ("EVENTS_WEBHOOK_SECRET", "events.webhook_secret"),
];

/// Why settings could not be loaded. Messages name the key or variable, never a secret's value.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// `APP_ENV` names no known environment.
    #[error("APP_ENV must be development, test or production, not {0:?}")]
    UnknownEnvironment(String),
    /// A file or variable does not parse.
    #[error("invalid configuration: {0}")]
    Invalid(#[from] config::ConfigError),
    /// A value parses but breaks a rule (a bad URL, a missing secret in production, …).
    #[error("invalid configuration: {0}")]
    Rule(String),
}

impl Settings {
    /// Loads the settings from the process environment and the `config/` directory (or `APP_CONFIG_DIR`).
    pub fn from_process_env() -> Result<Self, SettingsError> {
        let vars: HashMap<String, String> = std::env::vars().collect();
        let dir = vars
            .get("APP_CONFIG_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("config"));
        Self::load(&vars, Some(&dir))
    }

    /// Loads the settings from explicit variables, so that tests need not touch the process environment.
    pub fn load(
        vars: &HashMap<String, String>,
        config_dir: Option<&Path>,
    ) -> Result<Self, SettingsError> {
        let environment = match vars.get("APP_ENV") {
            Some(raw) => Environment::parse(raw)
                .ok_or_else(|| SettingsError::UnknownEnvironment(raw.clone()))?,
            None => Environment::Development,
        };
        let mut builder = Config::builder().add_source(File::from_str(BASE, FileFormat::Toml));
        if let Some(dir) = config_dir {
            builder = builder
                .add_source(File::from(dir.join("base.toml")).required(false))
                .add_source(
                    File::from(dir.join(format!("{}.toml", environment.as_str()))).required(false),
                );
        }
        let app_vars: HashMap<String, String> = vars
            .iter()
            .filter(|(k, _)| k.starts_with("APP_") && k.contains("__"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        builder = builder.add_source(
            EnvSource::with_prefix("APP")
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true)
                .source(Some(app_vars)),
        );
        for (variable, key) in NAMED_VARIABLES {
            builder = builder.set_override_option(*key, vars.get(*variable).cloned())?;
        }
        let mut settings: Settings = builder.build()?.try_deserialize()?;
        settings.environment = environment;
        settings.check()?;
        Ok(settings)
    }

    /// Whether the bundled TikTok sandbox stands in for TikTok: only in development, and only when no
    /// client id is configured. Real credentials always mean real TikTok.
    pub fn uses_sandbox(&self) -> bool {
        self.environment == Environment::Development && self.tiktok.client_id.trim().is_empty()
    }

    fn check(&self) -> Result<(), SettingsError> {
        let rule = |m: String| Err(SettingsError::Rule(m));
        for (name, url) in [
            ("TIKTOK_AUTH_BASE_URL", self.tiktok.auth_base_url.as_str()),
            ("TIKTOK_API_BASE_URL", self.tiktok.api_base_url.as_str()),
        ]
        .into_iter()
        .chain(self.shop.urls())
        {
            let Ok(parsed) = url::Url::parse(url) else {
                return rule(format!("{name} is not a URL"));
            };
            if self.environment == Environment::Production && parsed.scheme() != "https" {
                return rule(format!("{name} must be https:// in production"));
            }
        }
        for origin in self.server.cors_origins() {
            let canonical = url::Url::parse(origin).map(|u| u.origin().ascii_serialization());
            if canonical.as_deref() != Ok(origin) {
                return rule(format!(
                    "APP_SERVER__CORS_ALLOWED_ORIGINS: {origin:?} is not an origin like https://dashboard.example"
                ));
            }
        }
        let listen = self.metrics.listen.trim();
        if !listen.is_empty() && listen.parse::<std::net::SocketAddr>().is_err() {
            return rule(format!(
                "APP_METRICS__LISTEN: {listen:?} is not an address like 127.0.0.1:9464 (empty switches metrics off)"
            ));
        }
        let refresh_takes_ms = self.tiktok.request_timeout_ms + self.database.connect_timeout_ms;
        let lease_ms = u64::try_from(self.oauth.refresh_lease_seconds.max(0)).unwrap_or(0) * 1_000;
        if lease_ms <= refresh_takes_ms {
            return rule(format!(
                "APP_OAUTH__REFRESH_LEASE_SECONDS must exceed a whole refresh: \
                 APP_TIKTOK__REQUEST_TIMEOUT_MS + APP_DATABASE__CONNECT_TIMEOUT_MS = {refresh_takes_ms} ms"
            ));
        }
        if self.environment == Environment::Production {
            for (name, missing) in [
                ("TIKTOK_CLIENT_ID", self.tiktok.client_id.trim().is_empty()),
                ("TIKTOK_CLIENT_SECRET", is_blank(&self.tiktok.client_secret)),
                (
                    "TOKEN_ENCRYPTION_KEY",
                    is_blank(&self.security.token_encryption_key),
                ),
                (
                    "AUTH_JWT_SECRET or AUTH_JWT_PUBLIC_KEY",
                    is_blank(&self.security.jwt_secret) && is_blank(&self.security.jwt_public_key),
                ),
            ] {
                if missing {
                    return rule(format!("{name} is required in production"));
                }
            }
        }
        Ok(())
    }

    /// Whether TikTok Shop is configured with real credentials (`TIKTOK_APP_KEY`, `TIKTOK_APP_SECRET`,
    /// `TIKTOK_SHOP_SERVICE_ID`). Without them, the sandbox speaks Shop in development, and the Shop
    /// endpoints answer `503 shop_not_configured` elsewhere.
    pub fn shop_configured(&self) -> bool {
        !self.tiktok.app_key.trim().is_empty()
            && !is_blank(&self.tiktok.app_secret)
            && !self.shop.service_id.trim().is_empty()
    }
}

/// Whether a secret is empty or blank.
pub fn is_blank(secret: &secrecy::SecretString) -> bool {
    use secrecy::ExposeSecret;
    secret.expose_secret().trim().is_empty()
}
