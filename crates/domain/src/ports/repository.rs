use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::BoxError;
use crate::account::{
    ConnectionGeneration, NewConnection, Profile, ReauthReason, SealedToken, StoredGrant,
    SyncFailure, TikTokAccount,
};
use crate::analytics::Analytics;
use crate::events::DisconnectCause;
use crate::values::{OpenId, Scopes, UserId};

/// Why storage could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum RepositoryError {
    /// The database is down, or no connection could be had in time. Worth retrying later.
    #[error("the database is unavailable")]
    Unavailable(#[source] BoxError),
    /// The TikTok account is already connected to another product user.
    #[error("the TikTok account is connected to another user")]
    Conflict,
    /// The row to change does not exist, or (for a write that carries a [`ConnectionGeneration`]) the
    /// connection the write belongs to has ended: disconnected, erased, or replaced by a reconnect.
    #[error("no TikTok account is stored for this user")]
    NotFound,
    /// A stored row could not be read back into an account (a bug or a hand-edited row).
    #[error("a stored account is unreadable")]
    Corrupt(#[source] BoxError),
    /// Anything else; a bug.
    #[error("unexpected storage failure")]
    Unexpected(#[source] BoxError),
}

/// A claim on the right to refresh one account's tokens, shared by every replica through storage.
///
/// At most one unexpired lease exists per account. The holder refreshes at TikTok and stores the rotated pair
/// with [`AccountRepository::save_refreshed_grant`], which frees the lease in the same write. A holder that
/// dies leaves the lease to expire at `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshLease {
    /// Who holds it: unique per refresh attempt (a replica id and a counter), never reused.
    pub owner: String,
    /// When it expires and may be taken by someone else; longer than a refresh can take.
    pub until: DateTime<Utc>,
}

/// Storage of TikTok accounts. Writes are targeted (tokens, profile, state) so that a write of one part
/// never puts back a stale copy of another: above all, never an old refresh token over a rotated one.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait AccountRepository: Send + Sync {
    /// The account of a product user, connected or not.
    async fn find_by_user(
        &self,
        user_id: &UserId,
    ) -> Result<Option<TikTokAccount>, RepositoryError>;

    /// The account of a product user with the analytics its last sync kept
    /// ([`super::ContentRepository::save_analytics`]), in one read: what the metrics page shows. The
    /// analytics are `None` when none were kept, or what was kept can no longer be read (written by a
    /// version with another layout).
    async fn find_with_analytics(
        &self,
        user_id: &UserId,
    ) -> Result<Option<(TikTokAccount, Option<Analytics>)>, RepositoryError>;

    /// The active account (connected or awaiting reauthorization) with this TikTok `open_id`.
    async fn find_active_by_open_id(
        &self,
        open_id: &OpenId,
    ) -> Result<Option<TikTokAccount>, RepositoryError>;

    /// Stores a completed authorization: creates the user's row, or reuses it on reconnect (tokens replaced,
    /// state `connected`, disconnect reason, reauthorization reason and last sync error cleared, refresh
    /// lease freed, profile kept until the next sync; the connection's generation becomes
    /// `connection.generation`). On a reconnect to another TikTok account, the profile and every content
    /// row of the previous one are erased in the same transaction. Writes `tiktok.account.connected`
    /// ([`crate::events::account_events::connected`]) in the same transaction.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::Conflict`] when another user has this `open_id` active.
    async fn save_connection(
        &self,
        connection: &NewConnection,
    ) -> Result<TikTokAccount, RepositoryError>;

    /// Stores a fresh profile, sets `last_sync_at` and clears the last sync error, provided the user's
    /// active account is still of `generation`. Writes `tiktok.account.synced` in the same transaction,
    /// with the counts the previous sync stored (none when `last_sync_at` was not set).
    ///
    /// # Errors
    /// MUST return [`RepositoryError::NotFound`], writing nothing, when the user has no active account of
    /// this generation.
    async fn save_profile(
        &self,
        user_id: &UserId,
        generation: &ConnectionGeneration,
        profile: &Profile,
        synced_at: DateTime<Utc>,
    ) -> Result<TikTokAccount, RepositoryError>;

    /// Keeps the account and its profile but records that TikTok no longer accepts the grant whose sealed
    /// refresh token is `refused`, and why (`reason`, shown until a reconnect); the tokens are erased, since
    /// they are of no further use, and the refresh lease is freed. Only that grant is judged: a grant stored meanwhile (a reconnect, a concurrent
    /// refresh) is left alone. Writes `tiktok.account.reauth_required` with `reason` in the same
    /// transaction.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::NotFound`], writing nothing, when the user has no active account whose
    /// refresh token is still `refused`.
    async fn mark_reauth_required(
        &self,
        user_id: &UserId,
        refused: &SealedToken,
        reason: ReauthReason,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;

    /// Records the last sync that failed on the user's active account (connected or awaiting
    /// reauthorization) of `generation`, replacing the previous one. Changes nothing, and succeeds, when
    /// the user has no active account of that generation (the connection ended meanwhile).
    async fn record_sync_failure(
        &self,
        user_id: &UserId,
        generation: &ConnectionGeneration,
        failure: &SyncFailure,
    ) -> Result<(), RepositoryError>;

    /// Erases both tokens, frees the refresh lease, clears the connection's generation, sets the state to
    /// disconnected (`is_active` false) and keeps the reason ([`DisconnectCause::stored_reason`]). Once it
    /// returns, no write of a sync of that connection can land any more. When an active account was
    /// disconnected, writes `tiktok.account.disconnected` with `cause` in the same transaction; an account
    /// already disconnected changes nothing and reports nothing.
    /// Returns the account as it now is, or `None` when the user never connected.
    async fn disconnect(
        &self,
        user_id: &UserId,
        cause: DisconnectCause,
        at: DateTime<Utc>,
    ) -> Result<Option<TikTokAccount>, RepositoryError>;

    /// Takes the refresh lease of the user's active account for `lease.owner` until `lease.until`, provided
    /// no one holds it or the holder's lease expired at or before `now`. Taking it and reading the row back
    /// are one atomic step, so the account returned is the one the holder refreshes from: if another
    /// replica refreshed meanwhile, it already holds that replica's new grant.
    ///
    /// Returns `None`, changing nothing, when someone else holds an unexpired lease or the user has no
    /// active account.
    async fn try_acquire_refresh_lease(
        &self,
        user_id: &UserId,
        lease: &RefreshLease,
        now: DateTime<Utc>,
    ) -> Result<Option<TikTokAccount>, RepositoryError>;

    /// Stores the rotated grant, sets the state to `connected` and frees the lease, in one write, provided
    /// `lease.owner` still holds the lease (expired or not) of an active account.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::NotFound`], writing nothing, when the account is no longer active or
    /// its lease is no longer `lease.owner`'s (a disconnect, reconnect or reauthorization cleared it, or it
    /// expired and was taken).
    async fn save_refreshed_grant(
        &self,
        user_id: &UserId,
        lease: &RefreshLease,
        grant: &StoredGrant,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;

    /// Stores a rotated grant that could not be stored under its lease (the database was unavailable),
    /// provided the active row still holds `replaced`, the refresh token the grant was obtained with: then
    /// no reconnect, mark or other refresh has stored anything since, and TikTok has already killed
    /// `replaced`, so this grant is the only good one. Sets the state to `connected` and frees the lease,
    /// whoever holds it (a holder that refreshes with `replaced` is refused by TikTok and finds this grant).
    ///
    /// # Errors
    /// MUST return [`RepositoryError::NotFound`], writing nothing, when the account is not active or holds
    /// another refresh token.
    async fn save_late_rotated_grant(
        &self,
        user_id: &UserId,
        replaced: &SealedToken,
        grant: &StoredGrant,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;

    /// Frees the lease if `lease.owner` still holds it; otherwise changes nothing. Never fails on a lease
    /// that is gone.
    async fn release_refresh_lease(
        &self,
        user_id: &UserId,
        lease: &RefreshLease,
    ) -> Result<(), RepositoryError>;
    /// Replaces the granted scopes (TikTok said one was withdrawn), tokens untouched.
    ///
    /// # Errors
    /// MUST return [`RepositoryError::NotFound`] when the user has no active account.
    async fn save_scopes(
        &self,
        user_id: &UserId,
        scopes: &Scopes,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;

    /// Erases the profile and counts kept in the user's row (`union_id`, `username`, `display_name`,
    /// `avatar_url`, the four counts, `last_sync_at`), whatever its state. The row itself, its state and
    /// its disconnect reason remain, so the status can still say why the connection ended.
    async fn erase_profile(&self, user_id: &UserId) -> Result<(), RepositoryError>;

    /// Deletes the user's row altogether; the user is then as if they never connected. Returns whether
    /// there was a row.
    async fn delete_account(&self, user_id: &UserId) -> Result<bool, RepositoryError>;
}
