use std::time::Duration;

use crate::ports::{BoxError, OAuthError, RepositoryError, StateStoreError, TikTokApiError};

/// Why a use case failed. Each variant is one answer a caller gives its own caller; the HTTP layer maps
/// them one to one onto the contract's error codes. Causes are kept for logs, never for bodies.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The caller may not act for this user.
    #[error("the caller may not act for this user")]
    Forbidden,
    /// A parameter is missing or malformed.
    #[error("{0}")]
    InvalidRequest(String),
    /// The redirect URI is on no allow-list.
    #[error("redirect_uri is not on the allow-list")]
    InvalidRedirectUri,
    /// The state is unknown, expired, already used, or was issued to another user.
    #[error("the OAuth state is unknown, expired, already used, or belongs to another user")]
    InvalidState,
    /// The creator declined at TikTok (the callback carries TikTok's `error`).
    #[error("the creator did not authorize the app at TikTok ({error})")]
    AuthorizationDenied {
        /// TikTok's `error` value.
        error: String,
    },
    /// TikTok refused the authorization code.
    #[error("TikTok refused the authorization code; start the authorization again")]
    InvalidGrant,
    /// The user has no active connection.
    #[error("no active TikTok connection for this user")]
    NotConnected,
    /// TikTok no longer accepts the stored grant; the creator must reconnect.
    #[error("TikTok no longer accepts this account's authorization; the creator must reconnect")]
    ReauthRequired,
    /// The TikTok account is connected to another user of the product.
    #[error("this TikTok account is already connected to another user")]
    AccountInUse,
    /// Our own limit, or TikTok's still in force.
    #[error("too many requests; retry later")]
    RateLimited {
        /// When to retry, when known.
        retry_after: Option<Duration>,
    },
    /// TikTok answered with an error we cannot act on, or a body we cannot read.
    #[error("TikTok answered with an error")]
    TikTokError(#[source] BoxError),
    /// TikTok is unreachable, timing out or failing.
    #[error("TikTok is unavailable; retry later")]
    TikTokUnavailable(#[source] BoxError),
    /// Another request of this service is changing the same account (refreshing its token, syncing it)
    /// and did not finish within our wait: a local race, not a TikTok failure. The contract has no code of
    /// its own for it; it answers the closest 503 code (`tiktok_unavailable`, with `Retry-After`) with
    /// this message, which says what happened.
    #[error("another request is updating this account; retry shortly")]
    AccountBusy(#[source] BoxError),
    /// The database is down or exhausted.
    #[error("the database is unavailable; retry later")]
    DatabaseUnavailable(#[source] BoxError),
    /// A bug.
    #[error("internal error")]
    Internal(#[source] BoxError),
}

impl ServiceError {
    /// The contract's error code of this answer (the HTTP layer answers with the same code).
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::Forbidden => "forbidden",
            ServiceError::InvalidRequest(_) => "invalid_request",
            ServiceError::InvalidRedirectUri => "invalid_redirect_uri",
            ServiceError::InvalidState => "invalid_state",
            ServiceError::AuthorizationDenied { .. } => "authorization_denied",
            ServiceError::InvalidGrant => "invalid_grant",
            ServiceError::NotConnected => "not_connected",
            ServiceError::ReauthRequired => "reauth_required",
            ServiceError::AccountInUse => "tiktok_account_in_use",
            ServiceError::RateLimited { .. } => "rate_limited",
            ServiceError::TikTokError(_) => "tiktok_error",
            ServiceError::TikTokUnavailable(_) | ServiceError::AccountBusy(_) => {
                "tiktok_unavailable"
            }
            ServiceError::DatabaseUnavailable(_) => "database_unavailable",
            ServiceError::Internal(_) => "internal_error",
        }
    }
}

impl From<RepositoryError> for ServiceError {
    fn from(error: RepositoryError) -> Self {
        match error {
            RepositoryError::Unavailable(e) => ServiceError::DatabaseUnavailable(e),
            RepositoryError::Conflict => ServiceError::AccountInUse,
            RepositoryError::NotFound => ServiceError::NotConnected,
            e @ (RepositoryError::Corrupt(_) | RepositoryError::Unexpected(_)) => {
                ServiceError::Internal(e.into())
            }
        }
    }
}

impl From<StateStoreError> for ServiceError {
    fn from(error: StateStoreError) -> Self {
        match error {
            StateStoreError::Unavailable(e) => ServiceError::DatabaseUnavailable(e),
            e @ StateStoreError::Unexpected(_) => ServiceError::Internal(e.into()),
        }
    }
}

impl From<OAuthError> for ServiceError {
    /// The generic mapping; `InvalidGrant` on a refresh is handled before this (it means reauthorization).
    fn from(error: OAuthError) -> Self {
        match error {
            OAuthError::InvalidGrant => ServiceError::InvalidGrant,
            OAuthError::RateLimited { retry_after } => ServiceError::RateLimited { retry_after },
            OAuthError::Unavailable(e) => ServiceError::TikTokUnavailable(e),
            e @ (OAuthError::Rejected { .. } | OAuthError::InvalidResponse(_)) => {
                ServiceError::TikTokError(e.into())
            }
        }
    }
}

impl From<TikTokApiError> for ServiceError {
    /// The generic mapping; token and scope errors are handled before this by the sync use case.
    fn from(error: TikTokApiError) -> Self {
        match error {
            TikTokApiError::RateLimited { retry_after } => {
                ServiceError::RateLimited { retry_after }
            }
            TikTokApiError::Unavailable(e) => ServiceError::TikTokUnavailable(e),
            TikTokApiError::BudgetUnavailable(e) => ServiceError::DatabaseUnavailable(e),
            TikTokApiError::ScopeNotAuthorized => ServiceError::ReauthRequired,
            e @ (TikTokApiError::AccessTokenInvalid
            | TikTokApiError::InvalidResponse(_)
            | TikTokApiError::Rejected { .. }) => ServiceError::TikTokError(e.into()),
        }
    }
}
