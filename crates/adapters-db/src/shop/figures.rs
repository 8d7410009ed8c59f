//! The figures a Shop sync keeps: one `tiktok_shop_figures` row per shop and currency, and the shop's
//! header (`active_products`, `figures_computed_at`) on `tiktok_shop_shops`. Replaced whole by each sync;
//! read in one statement whatever the number of orders.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use tiktok_domain::shop::{CurrencyFigures, OrderStatus, ShopFigures, TopProduct, WindowFigures};

use super::models::corrupt;
use crate::connection::AnyConnection;
use crate::content_videos::on_inner;
use crate::errors::{CorruptRow, QueryFailure};
use crate::models::naive;
use crate::schema::tiktok_shop_figures::{self as f, table as figures};
use crate::schema::tiktok_shop_products::{self as p, table as products};
use crate::schema::tiktok_shop_shops::{self as s, table as shops};

/// The product status TikTok calls live.
const ACTIVE_PRODUCT: &str = "ACTIVATE";

/// A `tiktok_shop_figures` row, in column order.
#[derive(Debug, Queryable, Insertable)]
#[diesel(table_name = crate::schema::tiktok_shop_figures)]
struct FiguresRow {
    user_id: String,
    shop_id: String,
    currency: String,
    computed_at: NaiveDateTime,
    orders_1d: i64,
    revenue_1d: String,
    units_1d: i64,
    orders_7d: i64,
    revenue_7d: String,
    units_7d: i64,
    orders_30d: i64,
    revenue_30d: String,
    units_30d: i64,
    by_status: String,
    top_products: String,
}

/// A top product as `tiktok_shop_figures.top_products` keeps it.
#[derive(Debug, Serialize, Deserialize)]
struct TopProductJson {
    product_id: String,
    product_name: String,
    units: u64,
}

fn count(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn uncount(column: &'static str, value: i64) -> Result<u64, CorruptRow> {
    u64::try_from(value).map_err(|e| corrupt(column, e))
}

impl FiguresRow {
    fn new(user: &str, shop: &str, at: NaiveDateTime, c: &CurrencyFigures) -> Self {
        let top: Vec<TopProductJson> = c
            .top_products
            .iter()
            .map(|t| TopProductJson {
                product_id: t.product_id.clone(),
                product_name: t.product_name.clone(),
                units: t.units,
            })
            .collect();
        Self {
            user_id: user.to_owned(),
            shop_id: shop.to_owned(),
            currency: c.currency.clone(),
            computed_at: at,
            orders_1d: count(c.day.orders),
            revenue_1d: c.day.revenue.to_string(),
            units_1d: count(c.day.units),
            orders_7d: count(c.week.orders),
            revenue_7d: c.week.revenue.to_string(),
            units_7d: count(c.week.units),
            orders_30d: count(c.month.orders),
            revenue_30d: c.month.revenue.to_string(),
            units_30d: count(c.month.units),
            by_status: serde_json::to_string(&c.by_status).unwrap_or_else(|_| "{}".to_owned()),
            top_products: serde_json::to_string(&top).unwrap_or_else(|_| "[]".to_owned()),
        }
    }

    fn window(
        orders: i64,
        revenue: &str,
        units: i64,
        column: &'static str,
    ) -> Result<WindowFigures, CorruptRow> {
        Ok(WindowFigures {
            orders: uncount(column, orders)?,
            revenue: revenue.parse().map_err(|e| corrupt(column, e))?,
            units: uncount(column, units)?,
        })
    }

    fn currency(self) -> Result<CurrencyFigures, CorruptRow> {
        let raw: BTreeMap<String, u64> =
            serde_json::from_str(&self.by_status).map_err(|e| corrupt("by_status", e))?;
        let by_status = raw
            .into_iter()
            .map(|(status, orders)| {
                let status = OrderStatus::parse(&status)
                    .ok_or_else(|| corrupt("by_status", format!("unknown status {status:?}")))?;
                Ok((status.as_str(), orders))
            })
            .collect::<Result<_, CorruptRow>>()?;
        let top: Vec<TopProductJson> =
            serde_json::from_str(&self.top_products).map_err(|e| corrupt("top_products", e))?;
        Ok(CurrencyFigures {
            day: Self::window(
                self.orders_1d,
                &self.revenue_1d,
                self.units_1d,
                "revenue_1d",
            )?,
            week: Self::window(
                self.orders_7d,
                &self.revenue_7d,
                self.units_7d,
                "revenue_7d",
            )?,
            month: Self::window(
                self.orders_30d,
                &self.revenue_30d,
                self.units_30d,
                "revenue_30d",
            )?,
            currency: self.currency,
            by_status,
            top_products: top
                .into_iter()
                .map(|t| TopProduct {
                    product_id: t.product_id,
                    product_name: t.product_name,
                    units: t.units,
                })
                .collect(),
        })
    }
}

/// Replaces the shop's figures inside the caller's fenced transaction; `active_products` is counted here.
pub(crate) fn save(
    tx: &mut AnyConnection,
    user: &str,
    kept: &ShopFigures,
) -> Result<(), QueryFailure> {
    let shop = kept.shop_id.as_str();
    let at = naive(kept.computed_at);
    let active: i64 = products
        .filter(p::user_id.eq(user))
        .filter(p::shop_id.eq(shop))
        .filter(p::status.eq(ACTIVE_PRODUCT))
        .count()
        .get_result(tx)?;
    let headed = diesel::update(
        shops
            .filter(s::user_id.eq(user))
            .filter(s::shop_id.eq(shop)),
    )
    .set((s::active_products.eq(active), s::figures_computed_at.eq(at)))
    .execute(tx)?;
    if headed == 0 {
        return Err(QueryFailure::NotFound);
    }
    diesel::delete(
        figures
            .filter(f::user_id.eq(user))
            .filter(f::shop_id.eq(shop)),
    )
    .execute(tx)?;
    let rows: Vec<FiguresRow> = kept
        .currencies
        .iter()
        .map(|c| FiguresRow::new(user, shop, at, c))
        .collect();
    if !rows.is_empty() {
        on_inner!(tx, c => diesel::insert_into(figures).values(&rows).execute(c))?;
    }
    Ok(())
}

/// The kept figures of the user's shops (or of one), shops by id and currencies by code: one statement,
/// the shops joined with their currency rows.
pub(crate) fn read(
    conn: &mut AnyConnection,
    user: &str,
    shop: Option<String>,
) -> Result<Vec<ShopFigures>, QueryFailure> {
    let mut q = shops
        .left_join(figures.on(f::user_id.eq(s::user_id).and(f::shop_id.eq(s::shop_id))))
        .filter(s::user_id.eq(user.to_owned()))
        .filter(s::figures_computed_at.is_not_null())
        .into_boxed();
    if let Some(shop) = shop {
        q = q.filter(s::shop_id.eq(shop));
    }
    type Row = (
        String,
        Option<i64>,
        Option<NaiveDateTime>,
        Option<FiguresRow>,
    );
    let rows: Vec<Row> = q
        .order((s::shop_id.asc(), f::currency.asc()))
        .select((
            s::shop_id,
            s::active_products,
            s::figures_computed_at,
            f::all_columns.nullable(),
        ))
        .load(conn)?;
    let mut out: Vec<ShopFigures> = Vec::new();
    for (shop_id, active, computed_at, currency) in rows {
        let fresh = out.last().is_none_or(|last| last.shop_id != shop_id);
        if fresh {
            let computed_at = computed_at.ok_or_else(|| corrupt("figures_computed_at", "NULL"))?;
            out.push(ShopFigures {
                shop_id,
                computed_at: computed_at.and_utc(),
                active_products: uncount("active_products", active.unwrap_or(0))?,
                currencies: Vec::new(),
            });
        }
        if let (Some(row), Some(last)) = (currency, out.last_mut()) {
            last.currencies.push(row.currency()?);
        }
    }
    Ok(out)
}
