//! Targeted account writes of the content feature: a withdrawn scope, an erased profile, a deleted row.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use tiktok_domain::Scopes;

use crate::account_upsert::clear_profile;
use crate::connection::{write_transaction, AnyConnection};
use crate::content_repository::purge_user;
use crate::errors::Failure;
use crate::models::naive;
use crate::schema::tiktok_accounts::{self as t, table as accounts};

/// Replaces the scopes of the user's active row.
pub(crate) fn save_scopes(
    conn: &mut AnyConnection,
    user: &str,
    scopes: &Scopes,
    at: DateTime<Utc>,
) -> Result<(), Failure> {
    let changed = diesel::update(accounts.filter(t::user_id.eq(user)))
        .filter(t::is_active.eq(true))
        .set((
            t::scopes.eq(scopes.to_comma_separated()),
            t::updated_at.eq(naive(at)),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Err(Failure::NotFound);
    }
    Ok(())
}

/// Clears the profile, counts and `last_sync_at` of the user's row, whatever its state.
pub(crate) fn erase_profile(conn: &mut AnyConnection, user: &str) -> Result<(), Failure> {
    diesel::update(accounts.filter(t::user_id.eq(user)))
        .set(clear_profile())
        .execute(conn)?;
    Ok(())
}

/// Deletes the user's row, and any content left (in one transaction). The row goes first: a sync's write
/// holds it while it writes (see `connection_fence`), so both lock in the same order.
pub(crate) fn delete_account(conn: &mut AnyConnection, user: &str) -> Result<bool, Failure> {
    write_transaction(conn, |tx| {
        let deleted = diesel::delete(accounts.filter(t::user_id.eq(user))).execute(tx)?;
        purge_user(tx, user)?;
        Ok(deleted > 0)
    })
}
