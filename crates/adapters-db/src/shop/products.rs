//! Shop products: upserted by id (a newer stored `update_time` wins) and read back by keyset pages, latest
//! updated first, on the `(user_id[, shop_id | status], updated_at, product_id)` indexes.

use diesel::prelude::*;
use diesel::upsert::excluded;
use tiktok_domain::shop::{ListedProduct, PageQuery, ShopProduct};

use super::models::ProductRow;
use super::newest::newest_per_id;
use crate::connection::AnyConnection;
use crate::errors::QueryFailure;
use crate::models::naive;
use crate::schema::tiktok_shop_products::{self as p, table as products};
use crate::schema::tiktok_shop_shops::{self as s, table as shops};

/// Rows per multi-row insert on PostgreSQL (8 binds each).
const BATCH: usize = 500;

/// Stores the products and moves the shop's product cursor, inside the caller's fenced transaction.
pub(crate) fn save(
    tx: &mut AnyConnection,
    user: &str,
    shop: &str,
    listed: &[ShopProduct],
    synced_until: i64,
) -> Result<(), QueryFailure> {
    let moved = diesel::update(
        shops
            .filter(s::user_id.eq(user))
            .filter(s::shop_id.eq(shop)),
    )
    .set(s::products_synced_until.eq(synced_until))
    .execute(tx)?;
    if moved == 0 {
        return Err(QueryFailure::NotFound);
    }
    let rows = newest_per_id(
        listed
            .iter()
            .map(|product| ProductRow::new(user, shop, product)),
        |r| &r.product_id,
        |r| r.updated_at,
    );
    macro_rules! upsert {
        ($c:expr, $values:expr) => {
            // `ON CONFLICT … DO UPDATE … WHERE`: the filter of the upsert, not of a query.
            diesel::query_dsl::methods::FilterDsl::filter(
                diesel::insert_into(products)
                    .values($values)
                    .on_conflict((p::user_id, p::shop_id, p::product_id))
                    .do_update()
                    .set((
                        p::title.eq(excluded(p::title)),
                        p::status.eq(excluded(p::status)),
                        p::created_at.eq(excluded(p::created_at)),
                        p::updated_at.eq(excluded(p::updated_at)),
                        p::skus.eq(excluded(p::skus)),
                    )),
                p::updated_at.le(excluded(p::updated_at)),
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

/// One keyset page, latest updated first (then id descending).
pub(crate) fn page(
    conn: &mut AnyConnection,
    user: &str,
    query: &PageQuery,
) -> Result<Vec<ListedProduct>, QueryFailure> {
    let mut q = products.filter(p::user_id.eq(user.to_owned())).into_boxed();
    if let Some(shop) = &query.shop_id {
        q = q.filter(p::shop_id.eq(shop.clone()));
    }
    if let Some(status) = &query.status {
        q = q.filter(p::status.eq(status.clone()));
    }
    if let Some(after) = &query.after {
        let at = naive(after.at);
        q = q
            .filter(p::updated_at.le(at))
            .filter(p::updated_at.lt(at).or(p::product_id.lt(after.id.clone())));
    }
    let rows: Vec<ProductRow> = q
        .order((p::updated_at.desc(), p::product_id.desc()))
        .limit(i64::from(query.limit))
        .select(ProductRow::as_select())
        .load(conn)?;
    rows.into_iter()
        .map(|row| {
            let shop_id = row.shop_id.clone();
            Ok(ListedProduct {
                shop_id,
                product: ShopProduct::try_from(row)?,
            })
        })
        .collect()
}
