//! The shops of a connection: read with it, replaced by each listing TikTok sends.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use tiktok_domain::shop::{SealedShop, ShopAccount};

use super::models::{to_account, ConnectionRow, ShopRow};
use crate::connection::AnyConnection;
use crate::content_videos::on_inner;
use crate::errors::QueryFailure;
use crate::models::naive;
use crate::schema::tiktok_shop_connections::{self as c, table as connections};
use crate::schema::tiktok_shop_shops::{self as s, table as shops};

/// The user's shops, by id.
pub(crate) fn load_shops(
    conn: &mut AnyConnection,
    user: &str,
) -> Result<Vec<ShopRow>, QueryFailure> {
    Ok(shops
        .filter(s::user_id.eq(user))
        .order(s::shop_id.asc())
        .select(ShopRow::as_select())
        .load(conn)?)
}

/// The user's connection with its shops (two statements; run it in a transaction when both must agree).
pub(crate) fn load_account(
    conn: &mut AnyConnection,
    user: &str,
) -> Result<Option<ShopAccount>, QueryFailure> {
    let row = connections
        .filter(c::user_id.eq(user))
        .select(ConnectionRow::as_select())
        .first(conn)
        .optional()?;
    match row {
        None => Ok(None),
        Some(row) => Ok(Some(to_account(row, load_shops(conn, user)?)?)),
    }
}

/// Stores the listed shops (upsert by id: description and cipher replaced, authorized again) and marks the
/// stored shops missing from the list not authorized, their cipher erased. Cursors are kept.
pub(crate) fn replace_shops(
    tx: &mut AnyConnection,
    user: &str,
    listed: &[SealedShop],
    at: DateTime<Utc>,
) -> Result<(), QueryFailure> {
    let at = naive(at);
    for shop in listed {
        on_inner!(tx, conn => diesel::insert_into(shops)
            .values((
                s::user_id.eq(user),
                s::shop_id.eq(&shop.id),
                s::name.eq(&shop.name),
                s::region.eq(&shop.region),
                s::seller_type.eq(&shop.seller_type),
                s::code.eq(&shop.code),
                s::cipher.eq(shop.cipher.as_str()),
                s::authorized.eq(true),
                s::updated_at.eq(at),
            ))
            .on_conflict((s::user_id, s::shop_id))
            .do_update()
            .set((
                s::name.eq(excluded(s::name)),
                s::region.eq(excluded(s::region)),
                s::seller_type.eq(excluded(s::seller_type)),
                s::code.eq(excluded(s::code)),
                s::cipher.eq(excluded(s::cipher)),
                s::authorized.eq(true),
                s::updated_at.eq(excluded(s::updated_at)),
            ))
            .execute(conn))?;
    }
    let ids: Vec<&str> = listed.iter().map(|shop| shop.id.as_str()).collect();
    diesel::update(shops.filter(s::user_id.eq(user)))
        .filter(s::shop_id.ne_all(&ids))
        .filter(s::authorized.eq(true).or(s::cipher.is_not_null()))
        .set((
            s::authorized.eq(false),
            s::cipher.eq(None::<String>),
            s::updated_at.eq(at),
        ))
        .execute(tx)?;
    Ok(())
}
