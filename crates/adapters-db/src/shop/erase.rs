//! Ending a Shop connection (tokens and ciphers forgotten, the row kept) and erasing a user's Shop data.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use tiktok_domain::shop::{ShopAccount, ShopConnectionState, ShopDisconnectReason};

use super::shops::load_account;
use crate::connection::{write_transaction, AnyConnection};
use crate::errors::QueryFailure;
use crate::models::naive;
use crate::schema::tiktok_shop_connections::{self as c, table as connections};
use crate::schema::{
    tiktok_shop_figures as f, tiktok_shop_orders as o, tiktok_shop_products as p,
    tiktok_shop_shops as s,
};

/// Deletes the user's shops, orders, products and figures (inside the caller's transaction).
pub(crate) fn erase_data(tx: &mut AnyConnection, user: &str) -> Result<(), QueryFailure> {
    diesel::delete(f::table.filter(f::user_id.eq(user))).execute(tx)?;
    diesel::delete(o::table.filter(o::user_id.eq(user))).execute(tx)?;
    diesel::delete(p::table.filter(p::user_id.eq(user))).execute(tx)?;
    diesel::delete(s::table.filter(s::user_id.eq(user))).execute(tx)?;
    Ok(())
}

/// Ends an active connection: tokens and ciphers erased, lease freed, generation cleared, `reason` kept.
/// An ended one is returned as it is (its first reason kept).
pub(crate) fn disconnect(
    conn: &mut AnyConnection,
    user: &str,
    reason: ShopDisconnectReason,
    at: DateTime<Utc>,
) -> Result<Option<ShopAccount>, QueryFailure> {
    write_transaction(conn, |tx| {
        let ended = diesel::update(connections.filter(c::user_id.eq(user)))
            .filter(c::status.ne(ShopConnectionState::NotConnected.as_str()))
            .set((
                c::status.eq(ShopConnectionState::NotConnected.as_str()),
                c::disconnect_reason.eq(reason.as_str()),
                c::access_token.eq(None::<String>),
                c::refresh_token.eq(None::<String>),
                c::access_token_expires_at.eq(None::<chrono::NaiveDateTime>),
                c::refresh_token_expires_at.eq(None::<chrono::NaiveDateTime>),
                c::refresh_lease_owner.eq(None::<String>),
                c::refresh_lease_until.eq(None::<chrono::NaiveDateTime>),
                // No write of a sync of this connection can land from now on.
                c::connection_generation.eq(None::<String>),
                c::updated_at.eq(naive(at)),
            ))
            .execute(tx)?;
        if ended > 0 {
            diesel::update(s::table.filter(s::user_id.eq(user)))
                .set((s::cipher.eq(None::<String>), s::updated_at.eq(naive(at))))
                .execute(tx)?;
        }
        load_account(tx, user)
    })
}

/// Deletes the connection row first (a sync's write holds it, so both lock in the same order), then the
/// data. Whether there was a connection.
pub(crate) fn purge(conn: &mut AnyConnection, user: &str) -> Result<bool, QueryFailure> {
    write_transaction(conn, |tx| {
        let deleted = diesel::delete(connections.filter(c::user_id.eq(user))).execute(tx)?;
        erase_data(tx, user)?;
        Ok(deleted > 0)
    })
}
