//! Turning the `[shop]` settings into the TikTok Shop use cases: the Shop client, the Diesel storage, and
//! the key that checks TikTok Shop's webhooks. `None` when Shop is not configured: the Shop endpoints then
//! answer `503 shop_not_configured` and the rest of the service works as before.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tiktok_adapters_db::{
    Database, DieselOAuthStateStore, DieselShopConnections, DieselShopNotifications,
    DieselShopStore,
};
use tiktok_adapters_tiktok::{ShopClientConfig, ShopHttpClient};
use tiktok_domain::ports::{Clock, SystemClock, TokenCipher};
use tiktok_domain::shop::{
    ShopConnect, ShopDisconnect, ShopReads, ShopStatusRead, ShopSync, ShopTokenConfig, ShopTokens,
    ShopWebhook,
};
use tiktok_domain::RedirectUri;

use crate::settings::Settings;
use crate::wiring::StartupError;

/// The app credentials that sign TikTok Shop's webhooks (`Authorization` = hex HMAC-SHA256 keyed with the
/// app secret over `app_key` + raw body). `Debug` never shows the secret.
#[derive(Clone)]
pub struct ShopWebhookKey {
    app_key: String,
    app_secret: SecretString,
}

impl ShopWebhookKey {
    /// Whether `authorization` is TikTok Shop's signature of `body` (constant-time comparison).
    pub fn verify(&self, body: &[u8], authorization: &str) -> bool {
        tiktok_adapters_tiktok::verify_webhook_signature(
            &self.app_key,
            self.app_secret.expose_secret(),
            body,
            authorization,
        )
    }
}

impl fmt::Debug for ShopWebhookKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShopWebhookKey")
            .field("app_key", &self.app_key)
            .finish_non_exhaustive()
    }
}

/// Every Shop use case the HTTP API serves, built once and shared by the workers.
pub struct ShopServices {
    /// `auth/init` and `auth/callback`.
    pub connect: ShopConnect,
    /// Fresh tokens (also the background refresher's).
    pub tokens: ShopTokens,
    /// `sync`.
    pub sync: ShopSync,
    /// `disconnect`.
    pub disconnect: ShopDisconnect,
    /// `webhooks`.
    pub webhook: ShopWebhook,
    /// `status`.
    pub status: ShopStatusRead,
    /// `metrics`, `orders`, `products`.
    pub reads: ShopReads,
    /// Checks the webhooks' signature.
    pub webhook_key: ShopWebhookKey,
}

/// The Shop use cases over this database and `cipher`, or `None` when Shop is not configured (no
/// `TIKTOK_APP_KEY`, `TIKTOK_APP_SECRET` or `TIKTOK_SHOP_SERVICE_ID`; in development the sandbox has set
/// them by now).
pub fn shop_services(
    settings: &Settings,
    database: Database,
    cipher: Arc<dyn TokenCipher>,
) -> Result<Option<ShopServices>, StartupError> {
    if !settings.shop_configured() {
        tracing::info!(
            "TikTok Shop is not configured (TIKTOK_APP_KEY, TIKTOK_APP_SECRET, TIKTOK_SHOP_SERVICE_ID): \
             the Shop endpoints answer 503 shop_not_configured"
        );
        return Ok(None);
    }
    let s = &settings.shop;
    let client = Arc::new(
        ShopHttpClient::new(shop_client_config(settings)?).map_err(|e| {
            StartupError::Config(format!("the TikTok Shop client cannot be built: {e}"))
        })?,
    );
    let connections = Arc::new(DieselShopConnections::new(database.clone()));
    let store = Arc::new(DieselShopStore::new(database.clone()));
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let positive = |name: &str, value: i64| {
        if value > 0 {
            Ok(value)
        } else {
            Err(StartupError::Config(format!(
                "shop.{name} must be positive"
            )))
        }
    };
    let token_config = ShopTokenConfig {
        refresh_margin: chrono::Duration::seconds(s.refresh_margin_seconds.max(0)),
        lease: chrono::Duration::seconds(positive(
            "refresh_lease_seconds",
            s.refresh_lease_seconds,
        )?),
        wait: Duration::from_millis(s.refresh_wait_ms),
        poll: Duration::from_millis(100),
    };
    let tokens = ShopTokens::new(
        client.clone(),
        connections.clone(),
        cipher.clone(),
        clock.clone(),
        token_config,
    );
    let redirect_uri = RedirectUri::parse(settings.tiktok.redirect_uri.trim())
        .map_err(|e| StartupError::Config(format!("TIKTOK_REDIRECT_URI: {e}")))?;
    Ok(Some(ShopServices {
        connect: ShopConnect {
            states: Arc::new(DieselOAuthStateStore::new(database.clone())),
            oauth: client.clone(),
            data: client.clone(),
            connections: connections.clone(),
            cipher: cipher.clone(),
            clock: clock.clone(),
            state_ttl: chrono::Duration::seconds(settings.oauth.state_ttl_seconds.max(1)),
            redirect_uri,
        },
        sync: ShopSync {
            tokens: tokens.clone(),
            data: client,
            connections: connections.clone(),
            store: store.clone(),
            cipher,
            clock: clock.clone(),
            first_window: chrono::Duration::days(positive(
                "first_sync_window_days",
                s.first_sync_window_days,
            )?),
            overlap: chrono::Duration::minutes(s.sync_overlap_minutes.max(0)),
        },
        tokens,
        disconnect: ShopDisconnect {
            connections: connections.clone(),
            clock: clock.clone(),
        },
        webhook: ShopWebhook {
            connections: connections.clone(),
            store: store.clone(),
            notifications: Arc::new(DieselShopNotifications::new(database)),
            clock,
        },
        status: ShopStatusRead { connections },
        reads: ShopReads { store },
        webhook_key: ShopWebhookKey {
            app_key: settings.tiktok.app_key.trim().to_owned(),
            app_secret: settings.tiktok.app_secret.clone(),
        },
    }))
}

/// The Shop client's settings.
pub fn shop_client_config(settings: &Settings) -> Result<ShopClientConfig, StartupError> {
    let s = &settings.shop;
    let url = |name: &str, raw: &str| {
        url::Url::parse(raw).map_err(|_| StartupError::Config(format!("{name} is not a URL")))
    };
    let mut config = ShopClientConfig::new(
        settings.tiktok.app_key.trim(),
        settings.tiktok.app_secret.clone(),
        s.service_id.trim(),
    );
    config.auth_base_url = url("TIKTOK_SHOP_AUTH_BASE_URL", &s.auth_base_url)?;
    config.token_base_url = url("TIKTOK_SHOP_TOKEN_BASE_URL", &s.token_base_url)?;
    config.api_base_url = url("TIKTOK_SHOP_API_BASE_URL", &s.api_base_url)?;
    config.connect_timeout = Duration::from_millis(settings.tiktok.connect_timeout_ms);
    config.request_timeout = Duration::from_millis(s.request_timeout_ms);
    config.read_retries = s.read_retries;
    config.max_requests_per_second = s.requests_per_second.max(1);
    Ok(config)
}

/// In development with the sandbox and no `TIKTOK_APP_KEY`, the sandbox speaks Shop: its app
/// credentials, service id and URLs replace the unset ones.
#[cfg(feature = "sandbox")]
pub fn use_sandbox_shop_if_unset(settings: &mut Settings, sandbox: &tiktok_sandbox::SandboxHandle) {
    if !settings.tiktok.app_key.trim().is_empty() {
        return;
    }
    let shop = sandbox.shop_config();
    tracing::warn!(
        sandbox = %sandbox.base_url(),
        "NO TIKTOK_APP_KEY: TIKTOK SHOP IS THE BUNDLED SANDBOX, NOT TIKTOK. Set TIKTOK_APP_KEY to talk to TikTok Shop."
    );
    settings.tiktok.app_key = shop.app_key.clone();
    settings.tiktok.app_secret = SecretString::from(shop.app_secret.clone());
    settings.shop.service_id = shop.service_id.clone();
    settings.shop.auth_base_url = sandbox.base_url();
    settings.shop.token_base_url = sandbox.base_url();
    settings.shop.api_base_url = sandbox.base_url();
}
