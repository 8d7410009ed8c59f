//! Erasing what is stored of an account: its profile and counts, or the whole row with its content.

use diesel::prelude::*;

use crate::account_upsert::clear_profile;
use crate::connection::{write_transaction, AnyConnection};
use crate::content_repository::purge_user;
use crate::errors::QueryFailure;
use crate::schema::tiktok_accounts::{self as t, table as accounts};

/// Clears the profile, counts and `last_sync_at` of the user's row, whatever its state.
pub(crate) fn erase_profile(conn: &mut AnyConnection, user: &str) -> Result<(), QueryFailure> {
    diesel::update(accounts.filter(t::user_id.eq(user)))
        .set(clear_profile())
        .execute(conn)?;
    Ok(())
}

/// Deletes the user's row, and any content left (in one transaction). The row goes first: a sync's write
/// holds it while it writes (see `connection_fence`), so both lock in the same order.
pub(crate) fn delete_account(conn: &mut AnyConnection, user: &str) -> Result<bool, QueryFailure> {
    write_transaction(conn, |tx| {
        let deleted = diesel::delete(accounts.filter(t::user_id.eq(user))).execute(tx)?;
        purge_user(tx, user)?;
        Ok(deleted > 0)
    })
}
