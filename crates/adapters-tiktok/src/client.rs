//! The HTTP client: endpoints, timeouts, no redirects, and bodies read under a size cap.

use std::time::Duration;

use reqwest::{redirect, RequestBuilder, StatusCode};
use url::Url;

use crate::config::{ClientBuildError, TikTokClientConfig};

/// TikTok's Login Kit and Display API over HTTPS; implements
/// [`TikTokOAuth`](tiktok_domain::ports::TikTokOAuth) and [`TikTokData`](tiktok_domain::ports::TikTokData).
///
/// Cheap to share behind an `Arc`; it holds one connection pool.
pub struct TikTokHttpClient {
    pub(crate) http: reqwest::Client,
    pub(crate) config: TikTokClientConfig,
    pub(crate) urls: Endpoints,
    /// Paces Display API requests; see [`TikTokHttpClient::with_request_budget`].
    pub(crate) budget: Option<std::sync::Arc<dyn tiktok_domain::ports::RequestBudget>>,
}

/// The full URL of every endpoint, worked out once.
pub(crate) struct Endpoints {
    pub authorize: Url,
    pub token: Url,
    pub revoke: Url,
    pub user_info: Url,
    pub video_list: Url,
}

impl TikTokHttpClient {
    /// Checks the settings and builds the HTTP client (rustls, redirects not followed, timeouts set).
    pub fn new(config: TikTokClientConfig) -> Result<Self, ClientBuildError> {
        if config.client_key.trim().is_empty() {
            return Err(ClientBuildError::MissingClientKey);
        }
        let auth = |path| endpoint(&config.auth_base_url, path, "auth_base_url");
        let api = |path| endpoint(&config.api_base_url, path, "api_base_url");
        let urls = Endpoints {
            authorize: auth("/v2/auth/authorize/")?,
            token: api("/v2/oauth/token/")?,
            revoke: api("/v2/oauth/revoke/")?,
            user_info: api("/v2/user/info/")?,
            video_list: api("/v2/video/list/")?,
        };
        let http = reqwest::Client::builder()
            .redirect(redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(concat!("tiktok-integration/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(ClientBuildError::Http)?;
        Ok(Self {
            http,
            config,
            urls,
            budget: None,
        })
    }

    /// Sends a request to `endpoint` (a fixed name, a metrics label) and reads the body, at most
    /// `max_response_bytes` of it. Counts the call by outcome (`tiktok_requests_total`) and its latency
    /// (`tiktok_request_duration_seconds`).
    pub(crate) async fn send(
        &self,
        endpoint: &'static str,
        request: RequestBuilder,
    ) -> Result<RawResponse, Transport> {
        let started = std::time::Instant::now();
        let result = self.send_unrecorded(request).await;
        let outcome = match &result {
            Ok(raw) if raw.status.is_success() => "ok",
            Ok(raw) if raw.status.as_u16() == 429 => "rate_limited",
            Ok(raw) if raw.status.is_client_error() => "client_error",
            Ok(_) => "server_error",
            Err(Transport::Network(_)) => "network_error",
            Err(Transport::TooLarge(_)) => "too_large",
        };
        metrics::counter!("tiktok_requests_total", "endpoint" => endpoint, "outcome" => outcome)
            .increment(1);
        metrics::histogram!("tiktok_request_duration_seconds", "endpoint" => endpoint)
            .record(started.elapsed().as_secs_f64());
        result
    }

    async fn send_unrecorded(&self, request: RequestBuilder) -> Result<RawResponse, Transport> {
        let mut response = request
            .send()
            .await
            .map_err(|e| Transport::Network(e.without_url()))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let cap = self.config.max_response_bytes;
        if response
            .content_length()
            .is_some_and(|len| len > cap as u64)
        {
            return Err(Transport::TooLarge(cap));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Transport::Network(e.without_url()))?
        {
            if body.len() + chunk.len() > cap {
                return Err(Transport::TooLarge(cap));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawResponse {
            status,
            retry_after,
            body,
        })
    }
}

/// `path` under `base` (keeping a base path, dropping its query and fragment); `name` is the setting in
/// the error when `base` is not an http(s) URL with a host.
pub(crate) fn endpoint(
    base: &Url,
    path: &str,
    name: &'static str,
) -> Result<Url, ClientBuildError> {
    if !matches!(base.scheme(), "http" | "https")
        || base.cannot_be_a_base()
        || base.host().is_none()
    {
        return Err(ClientBuildError::InvalidBaseUrl { name });
    }
    let mut url = base.clone();
    url.set_query(None);
    url.set_fragment(None);
    let prefix = base.path().trim_end_matches('/').to_owned();
    url.set_path(&format!("{prefix}{path}"));
    Ok(url)
}

/// A response as received: status, `Retry-After` (seconds) if any, and the whole body.
pub(crate) struct RawResponse {
    pub status: StatusCode,
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
}

/// A request that did not produce a readable response.
pub(crate) enum Transport {
    /// Connect error, timeout, or the connection broke while reading (its URL stripped).
    Network(reqwest::Error),
    /// The body passed the size cap.
    TooLarge(usize),
}

/// Causes kept inside `Unavailable` and `InvalidResponse`; never carries a token or a body.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WireError {
    #[error("the response body is larger than {0} bytes")]
    TooLarge(usize),
    #[error("TikTok answered HTTP {0} without a usable body")]
    Status(u16),
    #[error("the body is not the expected JSON ({0})")]
    Parse(String),
    #[error("TikTok answered error {code} (log_id {log_id})")]
    Api { code: String, log_id: String },
}

impl WireError {
    /// A serde error without the values it may quote.
    pub(crate) fn parse(error: &serde_json::Error) -> Self {
        Self::Parse(format!(
            "{:?} error at line {} column {}",
            error.classify(),
            error.line(),
            error.column()
        ))
    }

    pub(crate) fn missing(what: &str) -> Self {
        Self::Parse(format!("{what} is missing or invalid"))
    }
}

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use super::*;

    fn config(base: &str) -> TikTokClientConfig {
        let mut config = TikTokClientConfig::new("key", SecretString::from("secret"));
        config.api_base_url = Url::parse(base).expect("url");
        config
    }

    #[test]
    fn endpoints_keep_a_base_path_and_drop_its_query() {
        let client =
            TikTokHttpClient::new(config("http://127.0.0.1:9/prefix/?x=1")).expect("client");
        assert_eq!(
            client.urls.token.as_str(),
            "http://127.0.0.1:9/prefix/v2/oauth/token/"
        );
        assert_eq!(
            client.urls.authorize.as_str(),
            "https://www.tiktok.com/v2/auth/authorize/"
        );
        assert_eq!(
            client.urls.video_list.as_str(),
            "http://127.0.0.1:9/prefix/v2/video/list/"
        );
    }

    #[test]
    fn unusable_settings_are_refused_with_the_setting_named() {
        let err = TikTokHttpClient::new(config("mailto:someone@example.com")).err();
        assert!(matches!(
            err,
            Some(ClientBuildError::InvalidBaseUrl {
                name: "api_base_url"
            })
        ));
        let mut blank = config("https://open.tiktokapis.com");
        blank.client_key = " ".into();
        assert!(matches!(
            TikTokHttpClient::new(blank),
            Err(ClientBuildError::MissingClientKey)
        ));
    }
}
