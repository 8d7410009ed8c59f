//! [`DieselAccountRepository`]: the domain's `AccountRepository` on Diesel.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use tiktok_domain::ports::{AccountRepository, RepositoryError};
use tiktok_domain::{
    ConnectionState, DisconnectReason, NewConnection, OpenId, Profile, StoredGrant, TikTokAccount,
    UserId,
};

use crate::connection::{write_transaction, AnyConnection};
use crate::errors::Failure;
use crate::models::{naive, AccountRow, NewAccountRow};
use crate::schema::constraints::ACTIVE_OPEN_ID;
use crate::schema::tiktok_accounts::{self as t, table as accounts};
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
}

fn to_account(row: AccountRow) -> Result<TikTokAccount, Failure> {
    Ok(TikTokAccount::try_from(row)?)
}

/// Turns a violation of "one active account per `open_id`" into [`Failure::Conflict`].
fn conflict_on_active_open_id(error: DieselError) -> Failure {
    if let DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) = &error {
        let on_open_id = info.constraint_name() == Some(ACTIVE_OPEN_ID)
            || info.message().contains("tiktok_accounts.tiktok_user_id");
        if on_open_id {
            return Failure::Conflict;
        }
    }
    Failure::Diesel(error)
}

fn save_connection_once(
    tx: &mut AnyConnection,
    c: &NewConnection,
) -> Result<TikTokAccount, Failure> {
    let (user, open_id, g) = (c.user_id.as_str(), c.tiktok_user_id.as_str(), &c.grant);
    let taken_by_other = accounts
        .filter(t::tiktok_user_id.eq(open_id))
        .filter(t::is_active.eq(true))
        .filter(t::user_id.ne(user))
        .select(t::id)
        .first::<i64>(tx)
        .optional()?;
    if taken_by_other.is_some() {
        return Err(Failure::Conflict);
    }
    let previous_open_id = accounts
        .filter(t::user_id.eq(user))
        .select(t::tiktok_user_id)
        .first::<String>(tx)
        .optional()?;
    let connected_at = naive(c.connected_at);
    let row = match previous_open_id {
        None => diesel::insert_into(accounts)
            .values(NewAccountRow {
                user_id: user,
                tiktok_user_id: open_id,
                access_token: Some(g.access_token.as_str()),
                refresh_token: Some(g.refresh_token.as_str()),
                access_token_expires_at: Some(naive(g.access_token_expires_at)),
                refresh_token_expires_at: Some(naive(g.refresh_token_expires_at)),
                scopes: g.scopes.to_comma_separated(),
                status: ConnectionState::Connected.as_str(),
                is_active: true,
                connected_at,
                updated_at: connected_at,
            })
            .returning(t::all_columns)
            .get_result::<AccountRow>(tx),
        Some(previous) => {
            if previous != open_id {
                // Another TikTok account: the stored profile describes someone else.
                diesel::update(accounts.filter(t::user_id.eq(user)))
                    .set(clear_profile())
                    .execute(tx)?;
            }
            diesel::update(accounts.filter(t::user_id.eq(user)))
                .set((
                    t::tiktok_user_id.eq(open_id),
                    t::access_token.eq(g.access_token.as_str()),
                    t::refresh_token.eq(g.refresh_token.as_str()),
                    t::access_token_expires_at.eq(naive(g.access_token_expires_at)),
                    t::refresh_token_expires_at.eq(naive(g.refresh_token_expires_at)),
                    t::scopes.eq(g.scopes.to_comma_separated()),
                    t::status.eq(ConnectionState::Connected.as_str()),
                    t::is_active.eq(true),
                    t::disconnect_reason.eq(None::<String>),
                    t::connected_at.eq(connected_at),
                    t::updated_at.eq(connected_at),
                ))
                .returning(t::all_columns)
                .get_result::<AccountRow>(tx)
        }
    }
    .map_err(conflict_on_active_open_id)?;
    to_account(row)
}

#[allow(clippy::type_complexity)]
fn clear_profile() -> (
    diesel::dsl::Eq<t::union_id, Option<String>>,
    diesel::dsl::Eq<t::username, Option<String>>,
    diesel::dsl::Eq<t::display_name, Option<String>>,
    diesel::dsl::Eq<t::avatar_url, Option<String>>,
    diesel::dsl::Eq<t::follower_count, Option<i64>>,
    diesel::dsl::Eq<t::following_count, Option<i64>>,
    diesel::dsl::Eq<t::like_count, Option<i64>>,
    diesel::dsl::Eq<t::video_count, Option<i64>>,
    diesel::dsl::Eq<t::last_sync_at, Option<chrono::NaiveDateTime>>,
) {
    (
        t::union_id.eq(None),
        t::username.eq(None),
        t::display_name.eq(None),
        t::avatar_url.eq(None),
        t::follower_count.eq(None),
        t::following_count.eq(None),
        t::like_count.eq(None),
        t::video_count.eq(None),
        t::last_sync_at.eq(None),
    )
}

#[async_trait]
impl AccountRepository for DieselAccountRepository {
    async fn find_by_user(
        &self,
        user_id: &UserId,
    ) -> Result<Option<TikTokAccount>, RepositoryError> {
        let user = user_id.as_str().to_owned();
        let found = self.db.run(move |conn| {
            let row = accounts
                .filter(t::user_id.eq(user))
                .first::<AccountRow>(conn)
                .optional()?;
            row.map(to_account).transpose()
        });
        Ok(found.await?)
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
                .first::<AccountRow>(conn)
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
                    Err(Failure::Diesel(DieselError::DatabaseError(
                        DatabaseErrorKind::UniqueViolation,
                        _,
                    ))) if attempt < SAVE_ATTEMPTS => attempt += 1,
                    other => return other,
                }
            }
        });
        Ok(saved.await?)
    }

    async fn save_grant(
        &self,
        user_id: &UserId,
        grant: &StoredGrant,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        let (user, g) = (user_id.as_str().to_owned(), grant.clone());
        let saved = self.db.run(move |conn| {
            let changed = diesel::update(accounts.filter(t::user_id.eq(user)))
                .filter(t::is_active.eq(true))
                .set((
                    t::access_token.eq(g.access_token.as_str()),
                    t::refresh_token.eq(g.refresh_token.as_str()),
                    t::access_token_expires_at.eq(naive(g.access_token_expires_at)),
                    t::refresh_token_expires_at.eq(naive(g.refresh_token_expires_at)),
                    t::scopes.eq(g.scopes.to_comma_separated()),
                    t::status.eq(ConnectionState::Connected.as_str()),
                    t::updated_at.eq(naive(at)),
                ))
                .execute(conn)?;
            if changed == 0 {
                return Err(Failure::NotFound);
            }
            Ok(())
        });
        Ok(saved.await?)
    }

    async fn save_profile(
        &self,
        user_id: &UserId,
        profile: &Profile,
        synced_at: DateTime<Utc>,
    ) -> Result<TikTokAccount, RepositoryError> {
        let (user, p) = (user_id.as_str().to_owned(), profile.clone());
        let saved = self.db.run(move |conn| {
            let row = diesel::update(accounts.filter(t::user_id.eq(user)))
                .filter(t::is_active.eq(true))
                .set((
                    t::union_id.eq(p.union_id),
                    t::username.eq(p.username),
                    t::display_name.eq(p.display_name),
                    t::avatar_url.eq(p.avatar_url),
                    t::follower_count.eq(p.follower_count),
                    t::following_count.eq(p.following_count),
                    t::like_count.eq(p.like_count),
                    t::video_count.eq(p.video_count),
                    t::last_sync_at.eq(naive(synced_at)),
                    t::updated_at.eq(naive(synced_at)),
                ))
                .returning(t::all_columns)
                .get_result::<AccountRow>(conn)
                .optional()?;
            to_account(row.ok_or(Failure::NotFound)?)
        });
        Ok(saved.await?)
    }

    async fn mark_reauth_required(
        &self,
        user_id: &UserId,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        let user = user_id.as_str().to_owned();
        let marked = self.db.run(move |conn| {
            let changed = diesel::update(accounts.filter(t::user_id.eq(user)))
                .filter(t::is_active.eq(true))
                .set((
                    t::status.eq(ConnectionState::ReauthRequired.as_str()),
                    t::access_token.eq(None::<String>),
                    t::refresh_token.eq(None::<String>),
                    t::access_token_expires_at.eq(None::<chrono::NaiveDateTime>),
                    t::refresh_token_expires_at.eq(None::<chrono::NaiveDateTime>),
                    t::updated_at.eq(naive(at)),
                ))
                .execute(conn)?;
            if changed == 0 {
                return Err(Failure::NotFound);
            }
            Ok(())
        });
        Ok(marked.await?)
    }

    async fn disconnect(
        &self,
        user_id: &UserId,
        reason: DisconnectReason,
        at: DateTime<Utc>,
    ) -> Result<Option<TikTokAccount>, RepositoryError> {
        let user = user_id.as_str().to_owned();
        let done = self.db.run(move |conn| {
            write_transaction(conn, |tx| {
                // An account already disconnected keeps its first reason and time (webhooks repeat).
                diesel::update(accounts.filter(t::user_id.eq(&user)))
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
                    ))
                    .execute(tx)?;
                let row = accounts
                    .filter(t::user_id.eq(&user))
                    .first::<AccountRow>(tx)
                    .optional()?;
                row.map(to_account).transpose()
            })
        });
        Ok(done.await?)
    }
}
