//! Reads of what the syncs stored: orders and products by keyset pages, and the kept figures. No TikTok
//! call.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};

use super::connect::authorize;
use super::{
    Keyset, ListedOrder, ListedProduct, OrderStatus, PageQuery, ShopError, ShopFigures, ShopStore,
};
use crate::usecases::Caller;
use crate::values::UserId;

/// Largest page served.
pub const MAX_PAGE: u32 = 100;

/// A page of stored items and the cursor of the next one (`None` on the last page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPage<T> {
    /// The items.
    pub items: Vec<T>,
    /// Pass it as `cursor` for the next page.
    pub next_cursor: Option<String>,
}

/// Encodes a keyset as the opaque `cursor`: `<epoch seconds>.<id>`.
pub fn encode_cursor(keyset: &Keyset) -> String {
    format!("{}.{}", keyset.at.timestamp(), keyset.id)
}

/// Reads a `cursor` back; `InvalidRequest` when it is not one of ours.
pub fn decode_cursor(raw: &str) -> Result<Keyset, ShopError> {
    let invalid = || ShopError::InvalidRequest("cursor is not a cursor this service issued".into());
    let (seconds, id) = raw.split_once('.').ok_or_else(invalid)?;
    // At most 12 digits (±31,000 years, inside what an instant holds): the documented pattern, so that every
    // cursor the OpenAPI document allows reads back (it may simply match nothing).
    let digits = seconds.strip_prefix('-').unwrap_or(seconds);
    if digits.is_empty() || digits.len() > 12 {
        return Err(invalid());
    }
    let seconds: i64 = seconds.parse().map_err(|_| invalid())?;
    let at: DateTime<Utc> = Utc.timestamp_opt(seconds, 0).single().ok_or_else(invalid)?;
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(invalid());
    }
    Ok(Keyset {
        at,
        id: id.to_owned(),
    })
}

/// The reads use case.
pub struct ShopReads {
    /// The synced data.
    pub store: Arc<dyn ShopStore>,
}

impl ShopReads {
    /// Stored orders, newest created first.
    pub async fn orders(
        &self,
        caller: &Caller,
        user: &UserId,
        shop_id: Option<String>,
        status: Option<OrderStatus>,
        limit: u32,
        cursor: Option<&str>,
    ) -> Result<StoredPage<ListedOrder>, ShopError> {
        authorize(caller, user)?;
        let query = query(
            shop_id,
            status.map(|s| s.as_str().to_owned()),
            limit,
            cursor,
        )?;
        let rows = self.store.orders_page(user, &query).await?;
        Ok(page(rows, query.limit, |o| Keyset {
            at: o.order.created_at,
            id: o.order.id.clone(),
        }))
    }

    /// Stored products with their SKUs, latest updated first.
    pub async fn products(
        &self,
        caller: &Caller,
        user: &UserId,
        shop_id: Option<String>,
        status: Option<String>,
        limit: u32,
        cursor: Option<&str>,
    ) -> Result<StoredPage<ListedProduct>, ShopError> {
        authorize(caller, user)?;
        let query = query(shop_id, status, limit, cursor)?;
        let rows = self.store.products_page(user, &query).await?;
        Ok(page(rows, query.limit, |p| Keyset {
            at: p.product.updated_at,
            id: p.product.id.clone(),
        }))
    }

    /// The figures the last syncs kept, per shop and currency (optionally of one shop).
    pub async fn figures(
        &self,
        caller: &Caller,
        user: &UserId,
        shop_id: Option<String>,
    ) -> Result<Vec<ShopFigures>, ShopError> {
        authorize(caller, user)?;
        Ok(self.store.figures(user, shop_id).await?)
    }
}

/// The store is asked for one more item than the page holds, to know whether a next page exists.
fn query(
    shop_id: Option<String>,
    status: Option<String>,
    limit: u32,
    cursor: Option<&str>,
) -> Result<PageQuery, ShopError> {
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ShopError::InvalidRequest(format!(
            "limit must be 1 to {MAX_PAGE}"
        )));
    }
    Ok(PageQuery {
        shop_id,
        status,
        limit: limit + 1,
        after: cursor.map(decode_cursor).transpose()?,
    })
}

fn page<T>(mut rows: Vec<T>, asked: u32, key: impl Fn(&T) -> Keyset) -> StoredPage<T> {
    let size = (asked - 1) as usize;
    let more = rows.len() > size;
    rows.truncate(size);
    let next_cursor = if more {
        rows.last().map(|r| encode_cursor(&key(r)))
    } else {
        None
    };
    StoredPage {
        items: rows,
        next_cursor,
    }
}
