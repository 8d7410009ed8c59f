//! The refresh lease on `tiktok_accounts`: taken with one conditional `UPDATE … RETURNING` (free or
//! expired), so that of concurrent takers on any replica exactly one wins, on SQLite and PostgreSQL alike.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use tiktok_domain::ports::RefreshLease;
use tiktok_domain::{ConnectionState, StoredGrant, TikTokAccount, UserId};

use crate::errors::Failure;
use crate::models::{naive, AccountRow};
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
) -> Result<Option<TikTokAccount>, Failure> {
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
            .returning(t::all_columns)
            .get_result::<AccountRow>(conn)
            .optional()?;
        Ok(row.map(TikTokAccount::try_from).transpose()?)
    })
    .await
}

/// Stores the grant and frees the lease in one statement, if `lease.owner` still holds it.
pub(crate) async fn save_refreshed_grant(
    db: &Database,
    user_id: &UserId,
    lease: &RefreshLease,
    grant: &StoredGrant,
    at: DateTime<Utc>,
) -> Result<(), Failure> {
    let (user, owner, g) = (
        user_id.as_str().to_owned(),
        lease.owner.clone(),
        grant.clone(),
    );
    db.run(move |conn| {
        let changed = diesel::update(accounts.filter(t::user_id.eq(user)))
            .filter(t::is_active.eq(true))
            .filter(t::refresh_lease_owner.eq(owner))
            .set((
                t::access_token.eq(g.access_token.as_str()),
                t::refresh_token.eq(g.refresh_token.as_str()),
                t::access_token_expires_at.eq(naive(g.access_token_expires_at)),
                t::refresh_token_expires_at.eq(naive(g.refresh_token_expires_at)),
                t::scopes.eq(g.scopes.to_comma_separated()),
                t::status.eq(ConnectionState::Connected.as_str()),
                t::updated_at.eq(naive(at)),
                t::refresh_lease_until.eq(None::<chrono::NaiveDateTime>),
                t::refresh_lease_owner.eq(None::<String>),
            ))
            .execute(conn)?;
        if changed == 0 {
            return Err(Failure::NotFound);
        }
        Ok(())
    })
    .await
}

/// Frees the lease if `lease.owner` holds it.
pub(crate) async fn release(
    db: &Database,
    user_id: &UserId,
    lease: &RefreshLease,
) -> Result<(), Failure> {
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
