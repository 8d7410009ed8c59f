//! The fence of a sync's writes: each one lands only while the connection it belongs to still exists.

use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::errors::QueryFailure;
use crate::schema::tiktok_accounts::{self as t, table as accounts};

/// Checks, inside the caller's write transaction, that `user`'s active account still has the connection
/// `generation`, and holds that account row until the transaction ends; [`QueryFailure::NotFound`] otherwise
/// (the caller's transaction then rolls back: nothing is written).
///
/// One statement for both backends: an UPDATE that sets the generation to itself. On PostgreSQL it
/// locks the row, so a disconnect, purge or reconnect (which all update or delete that row first) waits
/// for this transaction to commit, and one that committed first makes the check fail (the row is
/// re-read after the wait). On SQLite the write transaction (`BEGIN IMMEDIATE`) already serializes
/// every writer.
pub(crate) fn hold_connection(
    tx: &mut AnyConnection,
    user: &str,
    generation: &str,
) -> Result<(), QueryFailure> {
    let held = diesel::update(accounts.filter(t::user_id.eq(user)))
        .filter(t::is_active.eq(true))
        .filter(t::connection_generation.eq(generation))
        .set(t::connection_generation.eq(generation))
        .execute(tx)?;
    if held == 0 {
        return Err(QueryFailure::NotFound);
    }
    Ok(())
}
