use std::time::Duration;

use async_trait::async_trait;

use super::BoxError;
use crate::values::{
    AccessToken, AuthorizationCode, CodeVerifier, OAuthState, OpenId, RedirectUri, RefreshToken,
    Scopes,
};

/// What TikTok's authorize page needs.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    /// The scopes asked for.
    pub scopes: Scopes,
    /// Where TikTok sends the creator back.
    pub redirect_uri: RedirectUri,
    /// The CSRF state.
    pub state: OAuthState,
    /// The PKCE verifier, when PKCE is on (the URL carries its challenge).
    pub code_verifier: Option<CodeVerifier>,
}

/// A grant from TikTok's token endpoint, lifetimes still relative as TikTok sends them.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    /// The creator's `open_id`.
    pub open_id: OpenId,
    /// The granted scopes (`scope`).
    pub scopes: Scopes,
    /// The access token.
    pub access_token: AccessToken,
    /// `expires_in`: seconds the access token has left.
    pub expires_in: Duration,
    /// The refresh token: after a refresh, the new one, and the old one is dead.
    pub refresh_token: RefreshToken,
    /// `refresh_expires_in`: seconds the refresh token has left.
    pub refresh_expires_in: Duration,
}

/// Why a token request failed.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// `invalid_grant`: the code or refresh token is invalid, expired, revoked or spent.
    #[error("TikTok refused the grant")]
    InvalidGrant,
    /// TikTok answered with another OAuth error (`invalid_request`, `invalid_client`, …).
    #[error("TikTok refused the request: {error}")]
    Rejected {
        /// TikTok's `error` value; never a secret.
        error: String,
    },
    /// TikTok says slow down.
    #[error("TikTok is rate limiting")]
    RateLimited {
        /// How long to wait, when known.
        retry_after: Option<Duration>,
    },
    /// TikTok could not be reached, timed out or answered 5xx. For a refresh this is ambiguous: TikTok may
    /// have rotated the token and the answer was lost.
    #[error("TikTok is unavailable")]
    Unavailable(#[source] BoxError),
    /// TikTok answered with a body we cannot read.
    #[error("TikTok answered with an unreadable body")]
    InvalidResponse(#[source] BoxError),
}

/// TikTok Login Kit: the authorize URL and the token endpoint.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait TikTokOAuth: Send + Sync {
    /// TikTok's authorize URL for this request. Never carries the client secret.
    fn authorization_url(&self, request: &AuthorizationRequest) -> String;

    /// Exchanges an authorization code. Never retried: a code is good once.
    async fn exchange_code(
        &self,
        code: &AuthorizationCode,
        redirect_uri: &RedirectUri,
        code_verifier: Option<CodeVerifier>,
    ) -> Result<TokenGrant, OAuthError>;

    /// Refreshes a grant. Never retried: TikTok rotates the refresh token.
    async fn refresh(&self, refresh_token: &RefreshToken) -> Result<TokenGrant, OAuthError>;

    /// Revokes the grant at TikTok.
    async fn revoke(&self, access_token: &AccessToken) -> Result<(), OAuthError>;
}
