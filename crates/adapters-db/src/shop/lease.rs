//! The refresh lease of a Shop connection: taken with one conditional `UPDATE … RETURNING` (free or
//! expired), so that of concurrent takers on any replica exactly one wins; the rotated grant is stored
//! only by the lease's owner, and frees the lease in the same statement.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use tiktok_domain::ports::RefreshLease;
use tiktok_domain::shop::{SealedShopGrant, ShopAccount, ShopConnectionState};
use tiktok_domain::SealedToken;

use super::models::{connection_columns, to_account, ConnectionRow};
use super::shops::load_shops;
use crate::connection::{write_transaction, AnyConnection};
use crate::errors::QueryFailure;
use crate::models::naive;
use crate::schema::tiktok_shop_connections::{self as c, table as connections};

/// Takes the lease of a connected connection if it is free or expired at `now`, and reads the connection
/// back under it. PostgreSQL re-checks the condition on the newest row version after waiting for a
/// concurrent writer; SQLite runs writers one at a time.
pub(crate) fn try_acquire(
    conn: &mut AnyConnection,
    user: &str,
    lease: &RefreshLease,
    now: DateTime<Utc>,
) -> Result<Option<ShopAccount>, QueryFailure> {
    write_transaction(conn, |tx| {
        let free = c::refresh_lease_until
            .is_null()
            .or(c::refresh_lease_until.le(naive(now)));
        let row = diesel::update(connections.filter(c::user_id.eq(user)))
            .filter(c::status.eq(ShopConnectionState::Connected.as_str()))
            .filter(free)
            .set((
                c::refresh_lease_owner.eq(&lease.owner),
                c::refresh_lease_until.eq(naive(lease.until)),
            ))
            .returning(connection_columns())
            .get_result::<ConnectionRow>(tx)
            .optional()?;
        match row {
            None => Ok(None),
            Some(row) => Ok(Some(to_account(row, load_shops(tx, user)?)?)),
        }
    })
}

/// Stores the rotated grant and frees the lease in one statement, if `owner` holds the lease of the
/// connected row; [`QueryFailure::NotFound`], writing nothing, otherwise.
pub(crate) fn save_refreshed_grant(
    conn: &mut AnyConnection,
    user: &str,
    owner: &str,
    grant: &SealedShopGrant,
    at: DateTime<Utc>,
) -> Result<(), QueryFailure> {
    let changed = diesel::update(connections.filter(c::user_id.eq(user)))
        .filter(c::status.eq(ShopConnectionState::Connected.as_str()))
        .filter(c::refresh_lease_owner.eq(owner))
        .set((
            c::access_token.eq(grant.access_token.as_str()),
            c::refresh_token.eq(grant.refresh_token.as_str()),
            c::access_token_expires_at.eq(naive(grant.access_expires_at)),
            c::refresh_token_expires_at.eq(naive(grant.refresh_expires_at)),
            c::updated_at.eq(naive(at)),
            c::refresh_lease_owner.eq(None::<String>),
            c::refresh_lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Err(QueryFailure::NotFound);
    }
    Ok(())
}

/// Frees the lease if `owner` holds it.
pub(crate) fn release(
    conn: &mut AnyConnection,
    user: &str,
    owner: &str,
) -> Result<(), QueryFailure> {
    diesel::update(connections.filter(c::user_id.eq(user)))
        .filter(c::refresh_lease_owner.eq(owner))
        .set((
            c::refresh_lease_owner.eq(None::<String>),
            c::refresh_lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Erases the grant, frees the lease and sets `reauth_required`, if the row still holds `refused` as its
/// refresh token (a grant stored meanwhile is left alone); [`QueryFailure::NotFound`] otherwise.
pub(crate) fn mark_reauth_required(
    conn: &mut AnyConnection,
    user: &str,
    refused: &SealedToken,
    at: DateTime<Utc>,
) -> Result<(), QueryFailure> {
    let changed = diesel::update(connections.filter(c::user_id.eq(user)))
        .filter(c::status.eq(ShopConnectionState::Connected.as_str()))
        .filter(c::refresh_token.eq(refused.as_str()))
        .set((
            c::status.eq(ShopConnectionState::ReauthRequired.as_str()),
            c::access_token.eq(None::<String>),
            c::refresh_token.eq(None::<String>),
            c::access_token_expires_at.eq(None::<NaiveDateTime>),
            c::refresh_token_expires_at.eq(None::<NaiveDateTime>),
            c::refresh_lease_owner.eq(None::<String>),
            c::refresh_lease_until.eq(None::<NaiveDateTime>),
            c::updated_at.eq(naive(at)),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Err(QueryFailure::NotFound);
    }
    Ok(())
}
