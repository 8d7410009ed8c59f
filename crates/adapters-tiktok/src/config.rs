//! The client's settings.

use std::time::Duration;

use secrecy::SecretString;
use url::Url;

/// Settings of [`TikTokHttpClient`](crate::TikTokHttpClient). Build with [`TikTokClientConfig::new`] and
/// change the public fields as needed.
#[derive(Debug, Clone)]
pub struct TikTokClientConfig {
    /// The app's `client_key` (TikTok's name for a client id).
    pub client_key: String,
    /// The app's `client_secret`; sent only in token and revoke request bodies.
    pub client_secret: SecretString,
    /// Base URL of the authorize page (default `https://www.tiktok.com`).
    pub auth_base_url: Url,
    /// Base URL of the token endpoint and the Display API (default `https://open.tiktokapis.com`).
    pub api_base_url: Url,
    /// Time allowed to open a connection (default 2 s).
    pub connect_timeout: Duration,
    /// Time allowed for a whole request, body included (default 10 s).
    pub request_timeout: Duration,
    /// Largest response body read; a larger one is an invalid response (default 1 MiB).
    pub max_response_bytes: usize,
    /// Extra attempts of a Display API read after a network error, 5xx or 429 (default 2).
    /// Token and revoke requests are never retried.
    pub read_retries: u32,
    /// First backoff step; step `n` waits a random time up to `retry_base_delay * 2^n` (default 200 ms).
    pub retry_base_delay: Duration,
    /// No retry starts once this much time has passed since the first attempt (default 5 s).
    pub retry_max_total: Duration,
    /// Longest wait for a slot of the request budget before a read gives up as rate limited without
    /// sending anything (default 5 s). Only used with a budget
    /// ([`TikTokHttpClient::with_request_budget`](crate::TikTokHttpClient::with_request_budget)).
    pub pacing_max_wait: Duration,
}

impl TikTokClientConfig {
    /// TikTok's production URLs and the default limits, with these credentials.
    #[expect(clippy::expect_used, reason = "the URLs are valid literals")]
    pub fn new(client_key: impl Into<String>, client_secret: SecretString) -> Self {
        Self {
            client_key: client_key.into(),
            client_secret,
            auth_base_url: Url::parse("https://www.tiktok.com").expect("a valid literal URL"),
            api_base_url: Url::parse("https://open.tiktokapis.com").expect("a valid literal URL"),
            connect_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_secs(10),
            max_response_bytes: 1024 * 1024,
            read_retries: 2,
            retry_base_delay: Duration::from_millis(200),
            retry_max_total: Duration::from_secs(5),
            pacing_max_wait: Duration::from_secs(5),
        }
    }
}

/// Why [`TikTokHttpClient::new`](crate::TikTokHttpClient::new) refused the settings.
#[derive(Debug, thiserror::Error)]
pub enum ClientBuildError {
    /// `client_key` is empty.
    #[error("the TikTok client_key is empty")]
    MissingClientKey,
    /// A base URL is not an absolute `http(s)` URL that can carry a path.
    #[error("{name} must be an absolute http(s) URL")]
    InvalidBaseUrl {
        /// Which setting: `auth_base_url` or `api_base_url`.
        name: &'static str,
    },
    /// reqwest could not build its client (TLS set-up).
    #[error("cannot build the HTTP client")]
    Http(#[source] reqwest::Error),
}
