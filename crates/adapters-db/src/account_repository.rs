//! [`DieselAccountRepository`]: the domain's `AccountRepository` on Diesel.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use tiktok_domain::analytics::Analytics;
use tiktok_domain::events::{account_events, AccountCounts, DisconnectCause};
use tiktok_domain::ports::{AccountRepository, RefreshLease, RepositoryError};
use tiktok_domain::{
    ConnectionGeneration, ConnectionState, NewConnection, OpenId, Profile, ReauthReason, Scopes,
    SealedToken, StoredGrant, SyncFailure, TikTokAccount, UserId,
};

use crate::account_erase;
use crate::account_upsert::{self, save_connection_once};
use crate::analytics_models::AnalyticsRow;
use crate::connection::{on_own_backend, write_transaction, AnyConnection};
use crate::errors::QueryFailure;
use crate::models::{account_columns, naive, AccountRow};
use crate::refresh_lease::{self, Fence};
use crate::schema::tiktok_accounts::{self as t, table as accounts};
use crate::schema::tiktok_analytics as an;
use crate::Database;

/// How often `save_connection` retries when a concurrent first connection of the same user won the race.
const SAVE_ATTEMPTS: u32 = 3;

/// Stores TikTok accounts in the `tiktok_accounts` table, one row per product user.
#[derive(Debug, Clone)]
pub struct DieselAccountRepository {
    db: Database,
}

impl DieselAccountRepository {
    /// A repository on this database (migrations must have run).
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    pub(crate) fn db(&self) -> &Database {
        &self.db
    }
}

fn to_account(row: AccountRow) -> Result<TikTokAccount, QueryFailure> {
    Ok(TikTokAccount::try_from(row)?)
}

/// The counts the previous sync of the user's active connection `generation` stored: `None` when there
/// was none (`last_sync_at` unset) or the connection is gone.
fn previous_counts(
    tx: &mut AnyConnection,
    user: &str,
    generation: &str,
) -> Result<Option<AccountCounts>, QueryFailure> {
    type Stored = (
        Option<chrono::NaiveDateTime>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let stored: Option<Stored> = accounts
        .filter(t::user_id.eq(user))
        .filter(t::is_active.eq(true))
        .filter(t::connection_generation.eq(generation))
        .select((
            t::last_sync_at,
            t::follower_count,
            t::following_count,
            t::like_count,
            t::video_count,
        ))
        .first(tx)
        .optional()?;
    Ok(
        stored.and_then(|(last_sync_at, followers, following, likes, videos)| {
            last_sync_at.map(|_| AccountCounts::from_stored(followers, following, likes, videos))
        }),
    )
}

#[async_trait]
impl AccountRepository for DieselAccountRepository {
    async fn find_by_user(
        &self,
        user_id: &UserId,
    ) -> Result<Option<TikTokAccount>, RepositoryError> {
        let user = user_id.as_str().to_owned();
        // The row is decoded once the connection is back in the pool: a read holds one of the pool's few
        // connections for its statement only.
        let row: Option<AccountRow> = self
            .db
            .run(move |conn| {
                Ok(on_own_backend!(conn, |conn| accounts
                    .filter(t::user_id.eq(user))
                    .select(AccountRow::as_select())
                    .first(conn)
                    .optional())?)
            })
            .await?;
        Ok(row.map(to_account).transpose()?)
    }

    async fn find_with_analytics(
        &self,
        user_id: &UserId,
    ) -> Result<Option<(TikTokAccount, Option<Analytics>)>, RepositoryError> {
        let user = user_id.as_str().to_owned();
        let row = self
            .db
            .run(move |conn| {
                Ok(on_own_backend!(conn, |conn| accounts
                    .left_join(an::table.on(an::user_id.eq(t::user_id)))
                    .filter(t::user_id.eq(user))
                    .select((AccountRow::as_select(), an::all_columns.nullable()))
                    .first::<(AccountRow, Option<AnalyticsRow>)>(conn)
                    .optional())?)
            })
            .await?;
        // Decoded (the analytics' JSON too) after the connection went back to the pool.
        let found = row.map(|(account, kept)| {
            Ok::<_, QueryFailure>((to_account(account)?, kept.and_then(|k| k.analytics())))
        });
        Ok(found.transpose()?)
    }

    async fn find_active_by_open_id(
        &self,
        open_id: &OpenId,
    ) -> Result<Option<TikTokAccount>, RepositoryError> {
        let open_id = open_id.as_str().to_owned();
        let found = self.db.run(move |conn| {
            let row = accounts
                .filter(t::tiktok_user_id.eq(open_id))
                .filter(t::is_active.eq(true))
                .select(AccountRow::as_select())
                .first(conn)
                .optional()?;
            row.map(to_account).transpose()
        });
        Ok(found.await?)
    }

    async fn save_connection(
        &self,
        connection: &NewConnection,
    ) -> Result<TikTokAccount, RepositoryError> {
        let c = connection.clone();
        let saved = self.db.run(move |conn| {
            let mut attempt = 1;
            loop {
                match write_transaction(conn, |tx| save_connection_once(tx, &c)) {
                    // The user's row was created concurrently: the next attempt updates it.
                    Err(QueryFailure::Diesel(DieselError::DatabaseError(
                        DatabaseErrorKind::UniqueViolation,
                        _,
                    ))) if attempt < SAVE_ATTEMPTS => attempt += 1,
                    other => return other,
                }
            }
        });
        Ok(saved.await?)
    }

    async fn save_profile(
        &self,
        user_id: &UserId,
        generation: &ConnectionGeneration,
        profile: &Profile,
        synced_at: DateTime<Utc>,
    ) -> Result<TikTokAccount, RepositoryError> {
        let p = profile.clone();
        let generation = generation.as_str().to_owned();
        let user_id = user_id.clone();
        let saved = self.db.run(move |conn| {
            write_transaction(conn, |tx| {
                // The counts the previous sync stored, for the event's `changes`: read in this write
                // transaction; the sync lease keeps one sync of an account at a time.
                let previous = previous_counts(tx, user_id.as_str(), &generation)?;
                // One conditional UPDATE: the check of the connection and the write are one atomic step.
                let row = diesel::update(accounts.filter(t::user_id.eq(user_id.as_str())))
                    .filter(t::is_active.eq(true))
                    .filter(t::connection_generation.eq(&generation))
                    .set((
                        t::union_id.eq(&p.union_id),
                        t::username.eq(&p.username),
                        t::display_name.eq(&p.display_name),
                        t::avatar_url.eq(&p.avatar_url),
                        t::follower_count.eq(p.follower_count),
                        t::following_count.eq(p.following_count),
                        t::like_count.eq(p.like_count),
                        t::video_count.eq(p.video_count),
                        t::last_sync_at.eq(naive(synced_at)),
                        t::updated_at.eq(naive(synced_at)),
                        t::last_sync_error_code.eq(None::<String>),
                        t::last_sync_error_message.eq(None::<String>),
                        t::last_sync_error_at.eq(None::<chrono::NaiveDateTime>),
                    ))
                    .returning(account_columns())
                    .get_result::<AccountRow>(tx)
                    .optional()?;
                let account = to_account(row.ok_or(QueryFailure::NotFound)?)?;
                let event = account_events::synced(&user_id, &p, previous, synced_at);
                crate::append_event(tx, &event)?;
                Ok(account)
            })
        });
        Ok(saved.await?)
    }

    async fn mark_reauth_required(
        &self,
        user_id: &UserId,
        refused: &SealedToken,
        reason: ReauthReason,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        let (user_id, refused) = (user_id.clone(), refused.as_str().to_owned());
        let marked = self.db.run(move |conn| {
            write_transaction(conn, |tx| {
                let changed = diesel::update(accounts.filter(t::user_id.eq(user_id.as_str())))
                    .filter(t::is_active.eq(true))
                    // Only the grant judged dead: a reconnect or a rotation stored since is left alone.
                    .filter(t::refresh_token.eq(refused))
                    .set((
                        t::status.eq(ConnectionState::ReauthRequired.as_str()),
                        t::reauth_reason.eq(reason.as_str()),
                        t::access_token.eq(None::<String>),
                        t::refresh_token.eq(None::<String>),
                        t::access_token_expires_at.eq(None::<chrono::NaiveDateTime>),
                        t::refresh_token_expires_at.eq(None::<chrono::NaiveDateTime>),
                        t::updated_at.eq(naive(at)),
                        t::refresh_lease_until.eq(None::<chrono::NaiveDateTime>),
                        t::refresh_lease_owner.eq(None::<String>),
                    ))
                    .execute(tx)?;
                if changed == 0 {
                    return Err(QueryFailure::NotFound);
                }
                let event = account_events::reauth_required(&user_id, reason, at);
                crate::append_event(tx, &event)?;
                Ok(())
            })
        });
        Ok(marked.await?)
    }

    async fn record_sync_failure(
        &self,
        user_id: &UserId,
        generation: &ConnectionGeneration,
        failure: &SyncFailure,
    ) -> Result<(), RepositoryError> {
        let user = user_id.as_str().to_owned();
        let generation = generation.as_str().to_owned();
        let (code, message, at) = (
            failure.code.clone(),
            failure.message.clone(),
            naive(failure.at),
        );
        let recorded = self.db.run(move |conn| {
            diesel::update(accounts.filter(t::user_id.eq(user)))
                .filter(t::is_active.eq(true))
                .filter(t::connection_generation.eq(generation))
                .set((
                    t::last_sync_error_code.eq(code),
                    t::last_sync_error_message.eq(message),
                    t::last_sync_error_at.eq(at),
                ))
                .execute(conn)?;
            Ok(())
        });
        Ok(recorded.await?)
    }

    async fn disconnect(
        &self,
        user_id: &UserId,
        cause: DisconnectCause,
        at: DateTime<Utc>,
    ) -> Result<Option<TikTokAccount>, RepositoryError> {
        let user_id = user_id.clone();
        let user = user_id.as_str().to_owned();
        let reason = cause.stored_reason();
        let done = self.db.run(move |conn| {
            write_transaction(conn, |tx| {
                // An account already disconnected keeps its first reason and time (webhooks repeat).
                let ended = diesel::update(accounts.filter(t::user_id.eq(&user)))
                    .filter(t::is_active.eq(true))
                    .set((
                        t::access_token.eq(None::<String>),
                        t::refresh_token.eq(None::<String>),
                        t::access_token_expires_at.eq(None::<chrono::NaiveDateTime>),
                        t::refresh_token_expires_at.eq(None::<chrono::NaiveDateTime>),
                        t::status.eq(ConnectionState::Disconnected.as_str()),
                        t::is_active.eq(false),
                        t::disconnect_reason.eq(reason.as_str()),
                        t::updated_at.eq(naive(at)),
                        t::refresh_lease_until.eq(None::<chrono::NaiveDateTime>),
                        t::refresh_lease_owner.eq(None::<String>),
                        // No write of a sync of this connection can land from now on.
                        t::connection_generation.eq(None::<String>),
                    ))
                    .execute(tx)?;
                if ended > 0 {
                    let event = account_events::disconnected(&user_id, cause, at);
                    crate::append_event(tx, &event)?;
                }
                let row = accounts
                    .filter(t::user_id.eq(&user))
                    .select(AccountRow::as_select())
                    .first(tx)
                    .optional()?;
                row.map(to_account).transpose()
            })
        });
        Ok(done.await?)
    }

    async fn try_acquire_refresh_lease(
        &self,
        user_id: &UserId,
        lease: &RefreshLease,
        now: DateTime<Utc>,
    ) -> Result<Option<TikTokAccount>, RepositoryError> {
        Ok(refresh_lease::try_acquire(&self.db, user_id, lease, now).await?)
    }

    async fn save_refreshed_grant(
        &self,
        user_id: &UserId,
        lease: &RefreshLease,
        grant: &StoredGrant,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        let fence = Fence::Lease(lease.owner.clone());
        Ok(refresh_lease::save_refreshed_grant(&self.db, user_id, fence, grant, at).await?)
    }

    async fn save_late_rotated_grant(
        &self,
        user_id: &UserId,
        replaced: &SealedToken,
        grant: &StoredGrant,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        let fence = Fence::RefreshToken(replaced.as_str().to_owned());
        Ok(refresh_lease::save_refreshed_grant(&self.db, user_id, fence, grant, at).await?)
    }

    async fn release_refresh_lease(
        &self,
        user_id: &UserId,
        lease: &RefreshLease,
    ) -> Result<(), RepositoryError> {
        Ok(refresh_lease::release(&self.db, user_id, lease).await?)
    }

    async fn save_scopes(
        &self,
        user_id: &UserId,
        scopes: &Scopes,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        let (user, scopes) = (user_id.as_str().to_owned(), scopes.clone());
        let saved = self
            .db
            .run(move |conn| account_upsert::save_scopes(conn, &user, &scopes, at));
        Ok(saved.await?)
    }

    async fn erase_profile(&self, user_id: &UserId) -> Result<(), RepositoryError> {
        let user = user_id.as_str().to_owned();
        let erased = self
            .db
            .run(move |conn| account_erase::erase_profile(conn, &user));
        Ok(erased.await?)
    }

    async fn delete_account(&self, user_id: &UserId) -> Result<bool, RepositoryError> {
        let user = user_id.as_str().to_owned();
        let deleted = self
            .db
            .run(move |conn| account_erase::delete_account(conn, &user));
        Ok(deleted.await?)
    }
}
