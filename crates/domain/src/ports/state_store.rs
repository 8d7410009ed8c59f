use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::BoxError;
use crate::account::SealedToken;
use crate::values::{RedirectUri, UserId};

/// An authorization that was started and not yet completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingAuthorization {
    /// SHA-256 of the state ([`OAuthState::fingerprint`](crate::values::OAuthState::fingerprint)): the
    /// state itself is never stored.
    pub state_fingerprint: String,
    /// The user the state was issued to.
    pub user_id: UserId,
    /// The redirect URI sent to TikTok's authorize page; the token request repeats it.
    pub redirect_uri: RedirectUri,
    /// The sealed PKCE verifier, when PKCE is on.
    pub code_verifier: Option<SealedToken>,
    /// After this instant the state is refused.
    pub expires_at: DateTime<Utc>,
}

/// Why the state store failed.
#[derive(Debug, thiserror::Error)]
pub enum StateStoreError {
    /// The store is down.
    #[error("the OAuth state store is unavailable")]
    Unavailable(#[source] BoxError),
    /// Anything else; a bug.
    #[error("unexpected OAuth state store failure")]
    Unexpected(#[source] BoxError),
}

/// Server-side OAuth states, shared by every replica.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait OAuthStateStore: Send + Sync {
    /// Keeps a new pending authorization.
    async fn put(&self, pending: &PendingAuthorization) -> Result<(), StateStoreError>;

    /// Removes the pending authorization with this fingerprint issued to `user_id` and returns it: a state
    /// is spent by its first use by its own user, whatever the outcome. A state issued to another user is
    /// neither returned nor removed (`None`), so another user cannot spend it.
    ///
    /// # Errors
    /// MUST be atomic: of two concurrent takes of one state, at most one gets `Some`.
    async fn take(
        &self,
        state_fingerprint: &str,
        user_id: &UserId,
    ) -> Result<Option<PendingAuthorization>, StateStoreError>;

    /// Deletes states that expired before `now`; returns how many.
    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64, StateStoreError>;
}
