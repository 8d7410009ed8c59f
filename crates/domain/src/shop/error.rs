//! The one error of the Shop use cases: each variant is one answer a caller (the HTTP layer) gives.

use crate::ports::{BoxError, RepositoryError, StateStoreError};

use super::ShopApiError;

/// Why a Shop use case failed. The HTTP layer maps each variant onto the contract's error codes; causes
/// are for logs, never for bodies (none holds a token, a cipher or the app secret).
#[derive(Debug, thiserror::Error)]
pub enum ShopError {
    /// The caller may not act for this user (`forbidden`).
    #[error("the caller may not act for this user")]
    Forbidden,
    /// A parameter is malformed (`invalid_request`).
    #[error("{0}")]
    InvalidRequest(String),
    /// The state is missing, unknown, expired, spent, or issued to another user (`invalid_state`).
    #[error(
        "the OAuth state is missing, unknown, expired, already used, or belongs to another user"
    )]
    InvalidState,
    /// The seller declined at TikTok Shop (`error=` on the callback).
    #[error("the seller did not authorize the app at TikTok Shop ({error})")]
    Declined {
        /// TikTok's `error` value (e.g. `auth_denied`).
        error: String,
    },
    /// No seller is connected for this user (`not_connected`).
    #[error("no TikTok Shop seller is connected")]
    NotConnected,
    /// TikTok Shop no longer accepts the grant; the seller must authorize again (`reauth_required`).
    #[error("the seller must authorize again")]
    ReauthRequired,
    /// The seller is connected to another user of the product (`account_in_use`).
    #[error("this TikTok Shop seller is already connected to another user")]
    SellerInUse,
    /// Another request's refresh of this seller's token outlasted the wait (`tiktok_unavailable`).
    #[error("another request is refreshing this seller's token; retry shortly")]
    RefreshBusy,
    /// TikTok Shop failed otherwise (`tiktok_error`, `rate_limited`, `tiktok_unavailable`).
    #[error(transparent)]
    TikTok(ShopApiError),
    /// Storage failed (`database_unavailable` or `internal`).
    #[error(transparent)]
    Storage(#[from] RepositoryError),
    /// The OAuth state store failed.
    #[error(transparent)]
    States(#[from] StateStoreError),
    /// A revenue sum overflowed (not a real shop).
    #[error("a revenue sum overflowed")]
    Overflow,
    /// A bug (a token that cannot be sealed, …).
    #[error("internal error")]
    Internal(#[source] BoxError),
}

impl From<ShopApiError> for ShopError {
    fn from(error: ShopApiError) -> Self {
        match error {
            ShopApiError::ReauthRequired { .. } => ShopError::ReauthRequired,
            other => ShopError::TikTok(other),
        }
    }
}
