//! Shop orders: upserted by id (a newer stored `update_time` wins), read back by keyset pages on the
//! `(user_id[, shop_id], created_at, order_id)` indexes, and changed by the order status webhook.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use tiktok_domain::shop::{ListedOrder, OrderStatus, PageQuery, ShopOrder};

use super::models::OrderRow;
use super::newest::newest_per_id;
use crate::connection::AnyConnection;
use crate::errors::QueryFailure;
use crate::models::naive;
use crate::schema::tiktok_shop_orders::{self as o, table as orders};
use crate::schema::tiktok_shop_shops::{self as s, table as shops};

/// Rows per multi-row insert on PostgreSQL (9 binds each, far below the 65535 bind limit).
const BATCH: usize = 500;

/// Stores the orders and moves the shop's order cursor, inside the caller's fenced transaction.
pub(crate) fn save(
    tx: &mut AnyConnection,
    user: &str,
    shop: &str,
    listed: &[ShopOrder],
    synced_until: i64,
) -> Result<(), QueryFailure> {
    let moved = diesel::update(
        shops
            .filter(s::user_id.eq(user))
            .filter(s::shop_id.eq(shop)),
    )
    .set(s::orders_synced_until.eq(synced_until))
    .execute(tx)?;
    if moved == 0 {
        return Err(QueryFailure::NotFound);
    }
    let rows = newest_per_id(
        listed.iter().map(|order| OrderRow::new(user, shop, order)),
        |r| &r.order_id,
        |r| r.updated_at,
    );
    macro_rules! upsert {
        ($c:expr, $values:expr) => {
            // `ON CONFLICT … DO UPDATE … WHERE`: the filter of the upsert, not of a query.
            diesel::query_dsl::methods::FilterDsl::filter(
                diesel::insert_into(orders)
                    .values($values)
                    .on_conflict((o::user_id, o::shop_id, o::order_id))
                    .do_update()
                    .set((
                        o::status.eq(excluded(o::status)),
                        o::created_at.eq(excluded(o::created_at)),
                        o::updated_at.eq(excluded(o::updated_at)),
                        o::currency.eq(excluded(o::currency)),
                        o::total_amount.eq(excluded(o::total_amount)),
                        o::line_items.eq(excluded(o::line_items)),
                    )),
                o::updated_at.le(excluded(o::updated_at)),
            )
            .execute($c)?
        };
    }
    match tx {
        AnyConnection::Postgres(c) => {
            for chunk in rows.chunks(BATCH) {
                upsert!(c, chunk);
            }
        }
        // Diesel does not batch an upsert on SQLite; the transaction keeps it one write.
        AnyConnection::Sqlite(c) => {
            for row in &rows {
                upsert!(c, row);
            }
        }
    }
    Ok(())
}

fn to_orders(rows: Vec<OrderRow>) -> Result<Vec<ShopOrder>, QueryFailure> {
    rows.into_iter()
        .map(|row| Ok(ShopOrder::try_from(row)?))
        .collect()
}

/// The shop's orders created after `since`, oldest first.
pub(crate) fn created_since(
    conn: &mut AnyConnection,
    user: &str,
    shop: &str,
    since: DateTime<Utc>,
) -> Result<Vec<ShopOrder>, QueryFailure> {
    let rows = orders
        .filter(o::user_id.eq(user))
        .filter(o::shop_id.eq(shop))
        .filter(o::created_at.gt(naive(since)))
        .order((o::created_at.asc(), o::order_id.asc()))
        .select(OrderRow::as_select())
        .load(conn)?;
    to_orders(rows)
}

/// Sets the status from a webhook unless the stored `update_time` is later; whether a row changed.
pub(crate) fn update_status(
    conn: &mut AnyConnection,
    user: &str,
    shop: &str,
    order: &str,
    status: OrderStatus,
    updated_at: DateTime<Utc>,
) -> Result<bool, QueryFailure> {
    let changed = diesel::update(orders.find((user, shop, order)))
        .filter(o::updated_at.le(naive(updated_at)))
        .set((
            o::status.eq(status.as_str()),
            o::updated_at.eq(naive(updated_at)),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

/// One keyset page, newest created first (then id descending).
pub(crate) fn page(
    conn: &mut AnyConnection,
    user: &str,
    query: &PageQuery,
) -> Result<Vec<ListedOrder>, QueryFailure> {
    let mut q = orders.filter(o::user_id.eq(user.to_owned())).into_boxed();
    if let Some(shop) = &query.shop_id {
        q = q.filter(o::shop_id.eq(shop.clone()));
    }
    if let Some(status) = &query.status {
        q = q.filter(o::status.eq(status.clone()));
    }
    if let Some(after) = &query.after {
        let at = naive(after.at);
        q = q
            .filter(o::created_at.le(at))
            .filter(o::created_at.lt(at).or(o::order_id.lt(after.id.clone())));
    }
    let rows: Vec<OrderRow> = q
        .order((o::created_at.desc(), o::order_id.desc()))
        .limit(i64::from(query.limit))
        .select(OrderRow::as_select())
        .load(conn)?;
    rows.into_iter()
        .map(|row| {
            let shop_id = row.shop_id.clone();
            Ok(ListedOrder {
                shop_id,
                order: ShopOrder::try_from(row)?,
            })
        })
        .collect()
}
