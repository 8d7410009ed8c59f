//! `[shop]`: TikTok Shop (the seller integration). The app's credentials are `TIKTOK_APP_KEY` and
//! `TIKTOK_APP_SECRET` (the product's existing names, kept under `[tiktok]`); everything else lives here.

use serde::Deserialize;

/// `[shop]`: TikTok Shop's hosts, the service id, and how the Shop use cases behave.
#[derive(Debug, Clone, Deserialize)]
pub struct ShopSettings {
    /// `TIKTOK_SHOP_SERVICE_ID`: the app's service id, for the authorize link.
    pub service_id: String,
    /// `TIKTOK_SHOP_AUTH_BASE_URL`: where the seller authorization page lives.
    pub auth_base_url: String,
    /// `TIKTOK_SHOP_TOKEN_BASE_URL`: where token get/refresh live.
    pub token_base_url: String,
    /// `TIKTOK_SHOP_API_BASE_URL`: the Open API.
    pub api_base_url: String,
    /// How far back the first sync of a shop reads orders and products (days).
    pub first_sync_window_days: i64,
    /// How far before its cursor each incremental sync starts again, for late updates (minutes).
    pub sync_overlap_minutes: i64,
    /// Refresh an access token that expires within this margin (seconds).
    pub refresh_margin_seconds: i64,
    /// How long a replica's refresh lease on a seller lasts (seconds); must outlast a whole refresh.
    pub refresh_lease_seconds: i64,
    /// How long a request waits for another request's refresh of the same seller, then 503 (milliseconds).
    pub refresh_wait_ms: u64,
    /// Requests per second sent to one TikTok Shop API for one shop (TikTok allows 50).
    pub requests_per_second: u32,
    /// Whole-request timeout towards TikTok Shop (milliseconds).
    pub request_timeout_ms: u64,
    /// Retries of reads (shops, orders, products) after network errors, 5xx, 429.
    pub read_retries: u32,
}

impl ShopSettings {
    /// The `[shop]` keys that must be URLs, with the variables that set them.
    pub fn urls(&self) -> [(&'static str, &str); 3] {
        [
            ("TIKTOK_SHOP_AUTH_BASE_URL", self.auth_base_url.as_str()),
            ("TIKTOK_SHOP_TOKEN_BASE_URL", self.token_base_url.as_str()),
            ("TIKTOK_SHOP_API_BASE_URL", self.api_base_url.as_str()),
        ]
    }
}
