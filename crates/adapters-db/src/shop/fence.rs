//! The fence of a Shop sync's writes: each lands only while the connection it belongs to still exists.

use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::errors::QueryFailure;
use crate::schema::tiktok_shop_connections::{self as c, table as connections};

/// Checks, inside the caller's write transaction, that `user`'s connection still has `generation`, and
/// holds that row until the transaction ends; [`QueryFailure::NotFound`] otherwise (the caller's transaction
/// then rolls back: nothing is written).
///
/// One statement for both backends, an UPDATE setting the generation to itself: on PostgreSQL it locks
/// the row, so a disconnect, purge or reconnect (which all update or delete that row first) waits for this
/// transaction, and one that committed first makes the check fail; on SQLite `BEGIN IMMEDIATE` already
/// serializes every writer. A disconnect clears the generation, so an ended connection never matches.
pub(crate) fn hold_connection(
    tx: &mut AnyConnection,
    user: &str,
    generation: &str,
) -> Result<(), QueryFailure> {
    let held = diesel::update(connections.filter(c::user_id.eq(user)))
        .filter(c::connection_generation.eq(generation))
        .set(c::connection_generation.eq(generation))
        .execute(tx)?;
    if held == 0 {
        return Err(QueryFailure::NotFound);
    }
    Ok(())
}
