//! Ports of the Shop integration: TikTok Shop's authorization and its data APIs.

use std::time::Duration;

use async_trait::async_trait;

use super::{AuthorizedShop, Page, SearchQuery, ShopCipher, ShopGrant, ShopOrder, ShopProduct};
use crate::ports::BoxError;
use crate::values::{AccessToken, AuthorizationCode, OAuthState, RefreshToken};

/// Why a TikTok Shop call failed, classified for what the caller should do (TikTok reference §7.10).
#[derive(Debug, thiserror::Error)]
pub enum ShopApiError {
    /// `105002`: the access token expired; refresh, then retry once.
    #[error("TikTok Shop says the access token expired")]
    AccessTokenExpired,
    /// `105001` (deauthorized), `36004004` naming the access token, or a token-endpoint refusal
    /// (`36004001` refresh token expired, `36004004` bad code, `36004005` no auth record): only a new
    /// authorization helps.
    #[error("TikTok Shop needs the seller to authorize again (code {code})")]
    ReauthRequired {
        /// TikTok's code.
        code: i64,
    },
    /// `105005`: the app lacks the API's permission package.
    #[error("the TikTok Shop app lacks the permission for this API (code {code})")]
    MissingPermission {
        /// TikTok's code.
        code: i64,
    },
    /// `12052180`: a product search would pass 10,000 results; narrow the time window.
    #[error("TikTok Shop caps a search at 10,000 results")]
    ResultCapExceeded,
    /// `36009002` or HTTP 429, or our own pacing refused to send.
    #[error("TikTok Shop is rate limiting")]
    RateLimited {
        /// How long to wait, when known.
        retry_after: Option<Duration>,
    },
    /// Unreachable, timing out, 5xx, or `36009003`/`36009007` (after the read retries).
    #[error("TikTok Shop is unavailable")]
    Unavailable(#[source] BoxError),
    /// A body we cannot read.
    #[error("TikTok Shop answered with an unreadable body")]
    InvalidResponse(#[source] BoxError),
    /// Any other code (`106001` bad signature, `106013`, …): permanent, not retried.
    #[error("TikTok Shop refused the request: code {code} (request_id {request_id})")]
    Rejected {
        /// TikTok's code.
        code: i64,
        /// TikTok's `request_id`, for support.
        request_id: String,
    },
}

/// TikTok Shop's seller authorization: the authorize link and the token endpoint.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ShopOAuth: Send + Sync {
    /// The authorize page's URL for this state (`…/open/authorize?service_id=…&state=…`).
    fn authorization_url(&self, state: &OAuthState) -> String;

    /// Exchanges an auth code (single-use, 30 minutes). Never retried.
    async fn exchange_code(&self, code: &AuthorizationCode) -> Result<ShopGrant, ShopApiError>;

    /// Refreshes the grant; TikTok may rotate the refresh token. Never retried.
    async fn refresh(&self, refresh_token: &RefreshToken) -> Result<ShopGrant, ShopApiError>;
}

/// TikTok Shop's Open API reads (signed).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ShopData: Send + Sync {
    /// The shops this grant covers, with their ciphers.
    async fn authorized_shops(
        &self,
        access_token: &AccessToken,
    ) -> Result<Vec<AuthorizedShop>, ShopApiError>;

    /// One page of the shop's orders updated in the window, oldest update first.
    async fn search_orders(
        &self,
        access_token: &AccessToken,
        shop: &ShopCipher,
        query: &SearchQuery,
    ) -> Result<Page<ShopOrder>, ShopApiError>;

    /// One page of the shop's products updated in the window.
    async fn search_products(
        &self,
        access_token: &AccessToken,
        shop: &ShopCipher,
        query: &SearchQuery,
    ) -> Result<Page<ShopProduct>, ShopApiError>;
}
