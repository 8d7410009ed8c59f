use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::RepositoryError;
use crate::values::UserId;

/// A connection whose refresh token expires within the warning window: the creator must sign in again
/// before `refresh_token_expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReauthWarning {
    /// The product user.
    pub user_id: UserId,
    /// The connection it concerns (a reconnect is a new grant, warned about again when its time comes).
    pub generation: crate::account::ConnectionGeneration,
    /// When the refresh token stops working.
    pub refresh_token_expires_at: DateTime<Utc>,
}

/// Storage access for background work shared by several replicas: which accounts are due, and claims that
/// give each account of a sync round to exactly one replica. Same table as the accounts, hence the same
/// error enum as [`AccountRepository`](super::AccountRepository).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait AccountSchedule: Send + Sync {
    /// Claims, for `replica`, up to `limit` connected accounts whose sync claim is free (never taken, or
    /// expired at `now`), the longest due first, and holds each until `until`. Returns the users claimed.
    ///
    /// # Errors
    /// MUST be atomic across replicas: of concurrent claims, each account goes to one caller only.
    async fn claim_for_sync(
        &self,
        replica: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<UserId>, RepositoryError>;

    /// How many connected accounts have had their sync due (claim expired, or never claimed since they
    /// connected) at or before `due_before`. With `due_before` = now − the sync interval, it is how far the
    /// sync rounds are behind: accounts that waited more than one interval for their sync (an operator's
    /// metric; the claims themselves take the longest due first, so none waits forever).
    async fn sync_backlog(&self, due_before: DateTime<Utc>) -> Result<u64, RepositoryError>;

    /// Up to `limit` connected accounts whose refresh token expires after `now` and at or before `until`
    /// (the reauthorization warning window) and whose current connection has not been reported
    /// `tiktok.account.reauth_due` yet, soonest first.
    async fn due_for_reauth_warning(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ReauthWarning>, RepositoryError>;

    /// Writes `event` (the `tiktok.account.reauth_due` of `warning`) provided the user's active
    /// connection is still `warning.generation` and has not been reported yet: once per grant, also when
    /// several replicas find it at once. Returns whether it was written.
    async fn record_reauth_warning(
        &self,
        warning: &ReauthWarning,
        event: &crate::events::Event,
    ) -> Result<bool, RepositoryError>;

    /// Up to `limit` connected accounts whose access token expires before `before`, soonest first.
    async fn due_for_refresh(
        &self,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<UserId>, RepositoryError>;

    /// Takes the sync lease of the user's active account for `owner` until `until`, provided no one holds
    /// it, the holder's lease expired at or before `now`, or `owner` holds it already (a renewal). At most
    /// one sync per account runs at a time, across replicas.
    ///
    /// Returns `false`, changing nothing, when someone else holds an unexpired lease or the user has no
    /// active account.
    ///
    /// # Errors
    /// MUST be atomic across replicas: of concurrent takers, one wins.
    async fn try_acquire_sync_lease(
        &self,
        user_id: &UserId,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, RepositoryError>;

    /// Whether someone holds an unexpired sync lease on the user's account at `now` (`false` when the user
    /// has no account).
    async fn sync_lease_held(
        &self,
        user_id: &UserId,
        now: DateTime<Utc>,
    ) -> Result<bool, RepositoryError>;

    /// Frees the sync lease if `owner` still holds it; otherwise changes nothing.
    async fn release_sync_lease(
        &self,
        user_id: &UserId,
        owner: &str,
    ) -> Result<(), RepositoryError>;
}
