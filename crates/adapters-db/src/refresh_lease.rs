//! The refresh lease on `tiktok_accounts`: taken with one conditional `UPDATE … RETURNING` (free or
//! expired), so that of concurrent takers on any replica exactly one wins, on SQLite and PostgreSQL alike.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use tiktok_domain::ports::RefreshLease;
use tiktok_domain::{ConnectionState, StoredGrant, TikTokAccount, UserId};

use crate::errors::QueryFailure;
use crate::models::{account_columns, naive, AccountRow};
use crate::schema::tiktok_accounts::{self as t, table as accounts};
use crate::Database;

/// Takes the lease of an active account if it is free or expired at `now`, and returns the row as it is
/// under the lease. PostgreSQL re-checks the condition on the newest row version after waiting for a
/// concurrent writer; SQLite runs writers one at a time.
pub(crate) async fn try_acquire(
    db: &Database,
    user_id: &UserId,
    lease: &RefreshLease,
    now: DateTime<Utc>,
) -> Result<Option<TikTokAccount>, QueryFailure> {
    let (user, owner, until) = (
        user_id.as_str().to_owned(),
        lease.owner.clone(),
        naive(lease.until),
    );
    db.run(move |conn| {
        let free = t::refresh_lease_until
            .is_null()
            .or(t::refresh_lease_until.le(naive(now)));
        let row = diesel::update(accounts.filter(t::user_id.eq(user)))
            .filter(t::is_active.eq(true))
            .filter(free)
            .set((
                t::refresh_lease_owner.eq(owner),
                t::refresh_lease_until.eq(until),
            ))
            .returning(account_columns())
            .get_result::<AccountRow>(conn)
            .optional()?;
        Ok(row.map(TikTokAccount::try_from).transpose()?)
    })
    .await
}

/// Which row a rotated grant may be stored over.
pub(crate) enum Fence {
    /// The one whose lease this owner holds.
    Lease(String),
    /// The one still holding this sealed refresh token (the grant was obtained with it).
    RefreshToken(String),
}

/// Stores the grant and frees the lease in one statement, if the fence holds.
pub(crate) async fn save_refreshed_grant(
    db: &Database,
    user_id: &UserId,
    fence: Fence,
    grant: &StoredGrant,
    at: DateTime<Utc>,
) -> Result<(), QueryFailure> {
    let (user, g) = (user_id.as_str().to_owned(), grant.clone());
    db.run(move |conn| {
        let row = accounts
            .filter(t::user_id.eq(user))
            .filter(t::is_active.eq(true));
        let changed = match fence {
            Fence::Lease(owner) => diesel::update(row.filter(t::refresh_lease_owner.eq(owner)))
                .set(new_grant(&g, at))
                .execute(conn)?,
            Fence::RefreshToken(replaced) => {
                diesel::update(row.filter(t::refresh_token.eq(replaced)))
                    .set(new_grant(&g, at))
                    .execute(conn)?
            }
        };
        if changed == 0 {
            return Err(QueryFailure::NotFound);
        }
        Ok(())
    })
    .await
}

/// The columns a stored grant sets: tokens, expiries, scopes, `connected`, and the lease freed.
#[derive(AsChangeset)]
#[diesel(table_name = crate::schema::tiktok_accounts, treat_none_as_null = true)]
struct NewGrant {
    access_token: String,
    refresh_token: String,
    access_token_expires_at: NaiveDateTime,
    refresh_token_expires_at: NaiveDateTime,
    scopes: String,
    status: &'static str,
    updated_at: NaiveDateTime,
    refresh_lease_until: Option<NaiveDateTime>,
    refresh_lease_owner: Option<String>,
}

fn new_grant(g: &StoredGrant, at: DateTime<Utc>) -> NewGrant {
    NewGrant {
        access_token: g.access_token.as_str().to_owned(),
        refresh_token: g.refresh_token.as_str().to_owned(),
        access_token_expires_at: naive(g.access_token_expires_at),
        refresh_token_expires_at: naive(g.refresh_token_expires_at),
        scopes: g.scopes.to_comma_separated(),
        status: ConnectionState::Connected.as_str(),
        updated_at: naive(at),
        refresh_lease_until: None,
        refresh_lease_owner: None,
    }
}

/// Frees the lease if `lease.owner` holds it.
pub(crate) async fn release(
    db: &Database,
    user_id: &UserId,
    lease: &RefreshLease,
) -> Result<(), QueryFailure> {
    let (user, owner) = (user_id.as_str().to_owned(), lease.owner.clone());
    db.run(move |conn| {
        diesel::update(accounts.filter(t::user_id.eq(user)))
            .filter(t::refresh_lease_owner.eq(owner))
            .set((
                t::refresh_lease_until.eq(None::<chrono::NaiveDateTime>),
                t::refresh_lease_owner.eq(None::<String>),
            ))
            .execute(conn)?;
        Ok(())
    })
    .await
}
