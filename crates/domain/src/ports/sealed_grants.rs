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

/// Storage access for key rotation: page through sealed tokens and swap them for re-sealed ones.
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
}
