use async_trait::async_trait;

use super::RepositoryError;
use crate::account::SealedToken;
use crate::values::UserId;

/// The sealed tokens of one account, as key rotation reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedGrantRow {
    /// Storage's row id (pages are ordered by it).
    pub id: i64,
    /// The row's owner: part of the tokens' associated data.
    pub user_id: UserId,
    /// The sealed access token.
    pub access_token: SealedToken,
    /// The sealed refresh token.
    pub refresh_token: SealedToken,
}

/// The sealed PKCE verifier of one pending OAuth state, as key rotation reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedVerifierRow {
    /// The state's fingerprint: its key (pages are ordered by it) and the verifier's associated data.
    pub state_fingerprint: String,
    /// The sealed verifier.
    pub code_verifier: SealedToken,
}

/// Storage access for key rotation: page through sealed tokens (accounts' grants and pending OAuth states'
/// PKCE verifiers) and swap them for re-sealed ones.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait SealedGrantStore: Send + Sync {
    /// Up to `limit` accounts holding a grant, with `id > after_id`, in id order.
    async fn sealed_grants_after(
        &self,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<SealedGrantRow>, RepositoryError>;

    /// Replaces both sealed tokens of `old.user_id` with the new ones, only if the row still holds exactly
    /// `old`'s tokens; returns whether it did. A refresh that rotated the tokens meanwhile wins (and sealed
    /// them with the active key already).
    async fn reseal(
        &self,
        old: &SealedGrantRow,
        access_token: &SealedToken,
        refresh_token: &SealedToken,
    ) -> Result<bool, RepositoryError>;

    /// Up to `limit` pending OAuth states holding a PKCE verifier, with a fingerprint after
    /// `after_fingerprint` (`""` for the first page), in fingerprint order.
    async fn sealed_verifiers_after(
        &self,
        after_fingerprint: &str,
        limit: u32,
    ) -> Result<Vec<SealedVerifierRow>, RepositoryError>;

    /// Replaces the verifier of `old.state_fingerprint`, only if the state still exists and holds exactly
    /// `old`'s verifier; returns whether it did (a state spent meanwhile is left gone).
    async fn reseal_verifier(
        &self,
        old: &SealedVerifierRow,
        code_verifier: &SealedToken,
    ) -> Result<bool, RepositoryError>;
}
