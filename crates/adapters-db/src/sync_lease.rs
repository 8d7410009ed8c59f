//! The sync lease on `tiktok_accounts`: one sync per account at a time across replicas, taken with one
//! conditional `UPDATE` (free or expired), so that of concurrent takers exactly one wins, on SQLite and
//! PostgreSQL alike (PostgreSQL re-checks the condition on the newest row version after waiting for a
//! concurrent writer; SQLite runs writers one at a time).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use tiktok_domain::UserId;

use crate::errors::QueryFailure;
use crate::models::naive;
use crate::schema::account_sync_leases::{self as l, table as leases};
use crate::Database;

/// Takes the lease of the user's active account for `owner` until `until`, if free, expired at `now`, or
/// `owner`'s already (a renewal).
pub(crate) async fn try_acquire(
    db: &Database,
    user_id: &UserId,
    owner: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool, QueryFailure> {
    let (user, owner, now, until) = (
        user_id.as_str().to_owned(),
        owner.to_owned(),
        naive(now),
        naive(until),
    );
    db.run(move |conn| {
        let taken = diesel::update(leases.filter(l::user_id.eq(user)))
            .filter(l::is_active.eq(true))
            .filter(
                l::sync_lease_until
                    .is_null()
                    .or(l::sync_lease_until.le(now))
                    .or(l::sync_lease_owner.eq(owner.clone())),
            )
            .set((l::sync_lease_owner.eq(owner), l::sync_lease_until.eq(until)))
            .execute(conn)?;
        Ok(taken == 1)
    })
    .await
}

/// Whether the user's account has an unexpired lease at `now`.
pub(crate) async fn held(
    db: &Database,
    user_id: &UserId,
    now: DateTime<Utc>,
) -> Result<bool, QueryFailure> {
    let (user, now) = (user_id.as_str().to_owned(), naive(now));
    db.run(move |conn| {
        let holders: i64 = leases
            .filter(l::user_id.eq(user))
            .filter(l::sync_lease_until.gt(now))
            .count()
            .get_result(conn)?;
        Ok(holders > 0)
    })
    .await
}

/// Frees the lease if `owner` holds it.
pub(crate) async fn release(
    db: &Database,
    user_id: &UserId,
    owner: &str,
) -> Result<(), QueryFailure> {
    let (user, owner) = (user_id.as_str().to_owned(), owner.to_owned());
    db.run(move |conn| {
        diesel::update(leases.filter(l::user_id.eq(user)))
            .filter(l::sync_lease_owner.eq(owner))
            .set((
                l::sync_lease_until.eq(None::<NaiveDateTime>),
                l::sync_lease_owner.eq(None::<String>),
            ))
            .execute(conn)?;
        Ok(())
    })
    .await
}
