//! TikTok Shop (Partner Center Open API): seller authorization, token get/refresh, and signed reads of
//! shops, orders and products (TikTok reference §7).

mod config;
mod data;
mod envelope;
mod oauth;
mod pacing;
mod sign;
mod wire;

use reqwest::{redirect, RequestBuilder};
use url::Url;

pub use config::ShopClientConfig;
pub use sign::verify_webhook_signature;

use crate::client::{endpoint, WireError};
use crate::config::ClientBuildError;
use pacing::Pacer;
use tiktok_domain::shop::ShopApiError;

/// TikTok Shop over HTTPS; implements [`ShopOAuth`](tiktok_domain::shop::ShopOAuth) and
/// [`ShopData`](tiktok_domain::shop::ShopData). Cheap to share behind an `Arc`.
pub struct ShopHttpClient {
    http: reqwest::Client,
    config: ShopClientConfig,
    authorize: Url,
    token_get: Url,
    token_refresh: Url,
    api_base: Url,
    pacer: Pacer,
}

impl ShopHttpClient {
    /// Checks the settings and builds the HTTP client (rustls, redirects not followed, timeouts set).
    pub fn new(config: ShopClientConfig) -> Result<Self, ClientBuildError> {
        if config.app_key.trim().is_empty() {
            return Err(ClientBuildError::MissingClientKey);
        }
        let authorize = endpoint(
            &config.auth_base_url,
            "/open/authorize",
            "shop_auth_base_url",
        )?;
        let token_get = endpoint(
            &config.token_base_url,
            "/api/v2/token/get",
            "shop_token_base_url",
        )?;
        let token_refresh = endpoint(
            &config.token_base_url,
            "/api/v2/token/refresh",
            "shop_token_base_url",
        )?;
        let api_base = endpoint(&config.api_base_url, "", "shop_api_base_url")?;
        let http = reqwest::Client::builder()
            .redirect(redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(concat!("tiktok-integration/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(ClientBuildError::Http)?;
        Ok(Self {
            http,
            pacer: Pacer::new(config.max_requests_per_second),
            config,
            authorize,
            token_get,
            token_refresh,
            api_base,
        })
    }

    /// Sends a request and reads the envelope (the body at most `max_response_bytes`). The URL (it may carry
    /// the app secret) is stripped from transport errors.
    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        api: &'static str,
        request: RequestBuilder,
    ) -> Result<T, ShopApiError> {
        let unavailable = |e: reqwest::Error| {
            let e = e.without_url();
            tracing::warn!(api, error = %e, "TikTok Shop unreachable");
            ShopApiError::Unavailable(Box::new(e))
        };
        let mut response = request.send().await.map_err(unavailable)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(std::time::Duration::from_secs);
        let cap = self.config.max_response_bytes;
        let too_large = || ShopApiError::InvalidResponse(Box::new(WireError::TooLarge(cap)));
        if response
            .content_length()
            .is_some_and(|len| len > cap as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(unavailable)? {
            if body.len() + chunk.len() > cap {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        envelope::read(api, status, retry_after, &body)
    }
}
