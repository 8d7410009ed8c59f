//! Storing what an authorization grants: create the user's row or reuse it (never two active rows per
//! TikTok `open_id`), and replace its scopes when TikTok reports fewer.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use tiktok_domain::events::account_events;
use tiktok_domain::{ConnectionState, NewConnection, Scopes, TikTokAccount};

use crate::connection::AnyConnection;
use crate::content_repository::purge_user;
use crate::errors::QueryFailure;
use crate::models::{account_columns, naive, AccountRow, NewAccountRow};
use crate::schema::constraints::ACTIVE_OPEN_ID;
use crate::schema::tiktok_accounts::{self as t, table as accounts};

/// Turns a violation of "one active account per `open_id`" into [`QueryFailure::Conflict`].
fn conflict_on_active_open_id(error: DieselError) -> QueryFailure {
    if let DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) = &error {
        let on_open_id = info.constraint_name() == Some(ACTIVE_OPEN_ID)
            || info.message().contains("tiktok_accounts.tiktok_user_id");
        if on_open_id {
            return QueryFailure::Conflict;
        }
    }
    QueryFailure::Diesel(error)
}

pub(crate) fn save_connection_once(
    tx: &mut AnyConnection,
    c: &NewConnection,
) -> Result<TikTokAccount, QueryFailure> {
    let (user, open_id, g) = (c.user_id.as_str(), c.tiktok_user_id.as_str(), &c.grant);
    let taken_by_other = accounts
        .filter(t::tiktok_user_id.eq(open_id))
        .filter(t::is_active.eq(true))
        .filter(t::user_id.ne(user))
        .select(t::id)
        .first::<i64>(tx)
        .optional()?;
    if taken_by_other.is_some() {
        return Err(QueryFailure::Conflict);
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
                connection_generation: Some(c.generation.as_str()),
            })
            .returning(account_columns())
            .get_result::<AccountRow>(tx),
        Some(previous) => {
            if previous != open_id {
                // Another TikTok account: the stored profile, videos and history describe someone else.
                diesel::update(accounts.filter(t::user_id.eq(user)))
                    .set(clear_profile())
                    .execute(tx)?;
                purge_user(tx, user)?;
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
                    t::reauth_reason.eq(None::<String>),
                    t::last_sync_error_code.eq(None::<String>),
                    t::last_sync_error_message.eq(None::<String>),
                    t::last_sync_error_at.eq(None::<chrono::NaiveDateTime>),
                    t::connected_at.eq(connected_at),
                    t::updated_at.eq(connected_at),
                    // A refresh of the previous grant in flight must not store its pair over this one.
                    t::refresh_lease_until.eq(None::<chrono::NaiveDateTime>),
                    t::refresh_lease_owner.eq(None::<String>),
                    // A sync of the previous connection in flight can no longer write anything.
                    t::connection_generation.eq(c.generation.as_str()),
                ))
                .returning(account_columns())
                .get_result::<AccountRow>(tx)
        }
    }
    .map_err(conflict_on_active_open_id)?;
    // Reported in the same transaction: committed together with the connection, or not at all.
    crate::append_event(tx, &account_events::connected(c))?;
    Ok(TikTokAccount::try_from(row)?)
}

#[expect(clippy::type_complexity)]
pub(crate) fn clear_profile() -> (
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

/// Replaces the scopes of the user's active row.
pub(crate) fn save_scopes(
    conn: &mut AnyConnection,
    user: &str,
    scopes: &Scopes,
    at: DateTime<Utc>,
) -> Result<(), QueryFailure> {
    let changed = diesel::update(accounts.filter(t::user_id.eq(user)))
        .filter(t::is_active.eq(true))
        .set((
            t::scopes.eq(scopes.to_comma_separated()),
            t::updated_at.eq(naive(at)),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Err(QueryFailure::NotFound);
    }
    Ok(())
}
