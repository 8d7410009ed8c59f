//! The Shop client's settings.

use std::time::Duration;

use secrecy::SecretString;
use url::Url;

/// Settings of [`ShopHttpClient`](crate::ShopHttpClient). Build with [`ShopClientConfig::new`] and change the
/// public fields as needed.
#[derive(Debug, Clone)]
pub struct ShopClientConfig {
    /// The app's `app_key`.
    pub app_key: String,
    /// The app's `app_secret`: the signing key, and a query parameter of the token URLs (never logged).
    pub app_secret: SecretString,
    /// The app's `service_id`, for the authorize link.
    pub service_id: String,
    /// Base URL of the seller authorization page (default `https://services.tiktokshop.com`).
    pub auth_base_url: Url,
    /// Base URL of token get/refresh (default `https://auth.tiktok-shops.com`).
    pub token_base_url: Url,
    /// Base URL of the Open API (default `https://open-api.tiktokglobalshop.com`).
    pub api_base_url: Url,
    /// Time allowed to open a connection (default 2 s).
    pub connect_timeout: Duration,
    /// Time allowed for a whole request, body included (default 15 s).
    pub request_timeout: Duration,
    /// Largest response body read (default 8 MiB: a page of 100 orders is large).
    pub max_response_bytes: usize,
    /// Extra attempts of a read after a network error, 5xx, 429, `36009002`/`36009003`/`36009007`
    /// (default 2). Token requests are never retried.
    pub read_retries: u32,
    /// First backoff step; step `n` waits a random time up to `retry_base_delay * 2^n` (default 200 ms).
    pub retry_base_delay: Duration,
    /// No retry starts once this much time has passed since the first attempt (default 5 s).
    pub retry_max_total: Duration,
    /// Requests per second sent to one API for one shop (TikTok allows 50; default 40).
    pub max_requests_per_second: u32,
}

impl ShopClientConfig {
    /// TikTok Shop's production URLs and the default limits, with these credentials.
    #[expect(clippy::expect_used, reason = "the URLs are valid literals")]
    pub fn new(
        app_key: impl Into<String>,
        app_secret: SecretString,
        service_id: impl Into<String>,
    ) -> Self {
        let url = |s| Url::parse(s).expect("a valid literal URL");
        Self {
            app_key: app_key.into(),
            app_secret,
            service_id: service_id.into(),
            auth_base_url: url("https://services.tiktokshop.com"),
            token_base_url: url("https://auth.tiktok-shops.com"),
            api_base_url: url("https://open-api.tiktokglobalshop.com"),
            connect_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_secs(15),
            max_response_bytes: 8 * 1024 * 1024,
            read_retries: 2,
            retry_base_delay: Duration::from_millis(200),
            retry_max_total: Duration::from_secs(5),
            max_requests_per_second: 40,
        }
    }
}
