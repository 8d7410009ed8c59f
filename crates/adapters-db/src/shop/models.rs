//! Shop rows as Diesel reads and writes them, and their conversion to and from domain values. Ids and
//! money stay text end to end (ids are beyond 2^53; amounts are canonical decimal strings, never floats).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use tiktok_domain::shop::{
    Decimal, LineItem, OrderStatus, SealedShopGrant, Seller, ShopAccount, ShopConnectionState,
    ShopDisconnectReason, ShopOrder, ShopProduct, ShopSku, StoredShop,
};
use tiktok_domain::{ConnectionGeneration, SealedToken, UserId};

use crate::errors::CorruptRow;
use crate::models::naive;
use crate::schema::{
    tiktok_shop_connections, tiktok_shop_orders, tiktok_shop_products, tiktok_shop_shops,
};

pub(crate) fn corrupt(column: &'static str, reason: impl ToString) -> CorruptRow {
    CorruptRow {
        column,
        reason: reason.to_string(),
    }
}

/// The `tiktok_shop_connections` columns a connection is made of (the lease columns are storage's own).
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = tiktok_shop_connections)]
pub(crate) struct ConnectionRow {
    pub user_id: String,
    pub open_id: String,
    pub seller_name: String,
    pub seller_base_region: String,
    pub granted_scopes: String,
    pub status: String,
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub access_token_expires_at: Option<NaiveDateTime>,
    pub refresh_token_expires_at: Option<NaiveDateTime>,
    pub connection_generation: Option<String>,
    pub disconnect_reason: Option<String>,
    pub reauth_due_at: Option<NaiveDateTime>,
    pub connected_at: NaiveDateTime,
    pub last_sync_at: Option<NaiveDateTime>,
}

/// The columns of [`ConnectionRow`], for `RETURNING` (see `models::account_columns` for why not
/// `as_returning()`).
pub(crate) fn connection_columns(
) -> <ConnectionRow as Selectable<diesel::sqlite::Sqlite>>::SelectExpression {
    <ConnectionRow as Selectable<diesel::sqlite::Sqlite>>::construct_selection()
}

/// The `tiktok_shop_shops` columns a stored shop is made of.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = tiktok_shop_shops)]
pub(crate) struct ShopRow {
    pub shop_id: String,
    pub name: String,
    pub region: String,
    pub seller_type: String,
    pub code: String,
    pub cipher: Option<String>,
    pub authorized: bool,
    pub orders_synced_until: Option<i64>,
    pub products_synced_until: Option<i64>,
}

impl From<ShopRow> for StoredShop {
    fn from(row: ShopRow) -> Self {
        StoredShop {
            id: row.shop_id,
            name: row.name,
            region: row.region,
            seller_type: row.seller_type,
            code: row.code,
            cipher: row.cipher.map(SealedToken::new),
            authorized: row.authorized,
            orders_synced_until: row.orders_synced_until,
            products_synced_until: row.products_synced_until,
        }
    }
}

/// The stored scopes: a JSON array of strings.
pub(crate) fn scopes_json(scopes: &[String]) -> String {
    serde_json::to_string(scopes).unwrap_or_else(|_| "[]".to_owned())
}

/// Builds the domain's connection from its row and its shops.
pub(crate) fn to_account(
    row: ConnectionRow,
    shops: Vec<ShopRow>,
) -> Result<ShopAccount, CorruptRow> {
    let state = ShopConnectionState::parse(&row.status)
        .ok_or_else(|| corrupt("status", format!("unknown status {:?}", row.status)))?;
    let disconnect_reason = match row.disconnect_reason.as_deref() {
        None => None,
        Some(raw) => Some(
            ShopDisconnectReason::parse(raw)
                .ok_or_else(|| corrupt("disconnect_reason", format!("unknown {raw:?}")))?,
        ),
    };
    let grant = match (
        row.access_token,
        row.refresh_token,
        row.access_token_expires_at,
        row.refresh_token_expires_at,
    ) {
        (Some(access), Some(refresh), Some(access_exp), Some(refresh_exp)) => {
            Some(SealedShopGrant {
                access_token: SealedToken::new(access),
                refresh_token: SealedToken::new(refresh),
                access_expires_at: access_exp.and_utc(),
                refresh_expires_at: refresh_exp.and_utc(),
            })
        }
        (None, None, None, None) => None,
        _ => return Err(corrupt("access_token", "the grant columns are partly NULL")),
    };
    Ok(ShopAccount {
        user_id: UserId::parse(&row.user_id).map_err(|e| corrupt("user_id", e))?,
        seller: Seller {
            open_id: row.open_id,
            seller_name: row.seller_name,
            seller_base_region: row.seller_base_region,
        },
        granted_scopes: serde_json::from_str(&row.granted_scopes)
            .map_err(|e| corrupt("granted_scopes", e))?,
        state,
        grant,
        shops: shops.into_iter().map(StoredShop::from).collect(),
        connected_at: row.connected_at.and_utc(),
        last_sync_at: row.last_sync_at.map(|at| at.and_utc()),
        reauth_due_at: row.reauth_due_at.map(|at| at.and_utc()),
        disconnect_reason,
        generation: row.connection_generation.map(ConnectionGeneration::new),
    })
}

/// A line item as `tiktok_shop_orders.line_items` keeps it.
#[derive(Debug, Serialize, Deserialize)]
struct LineItemJson {
    id: String,
    product_id: String,
    product_name: String,
    sku_id: String,
    sale_price: Option<String>,
}

/// A SKU as `tiktok_shop_products.skus` keeps it.
#[derive(Debug, Serialize, Deserialize)]
struct SkuJson {
    id: String,
    seller_sku: String,
    currency: Option<String>,
    price: Option<String>,
    stock: i64,
}

fn decimal(column: &'static str, raw: &str) -> Result<Decimal, CorruptRow> {
    raw.parse().map_err(|e| corrupt(column, e))
}

/// A `tiktok_shop_orders` row, in column order.
#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = tiktok_shop_orders)]
pub(crate) struct OrderRow {
    pub user_id: String,
    pub shop_id: String,
    pub order_id: String,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub currency: String,
    pub total_amount: String,
    pub line_items: String,
}

impl OrderRow {
    /// The row of an order of the user's shop.
    pub(crate) fn new(user: &str, shop: &str, order: &ShopOrder) -> Self {
        let items: Vec<LineItemJson> = order
            .line_items
            .iter()
            .map(|item| LineItemJson {
                id: item.id.clone(),
                product_id: item.product_id.clone(),
                product_name: item.product_name.clone(),
                sku_id: item.sku_id.clone(),
                sale_price: item.sale_price.map(|p| p.to_string()),
            })
            .collect();
        Self {
            user_id: user.to_owned(),
            shop_id: shop.to_owned(),
            order_id: order.id.clone(),
            status: order.status.as_str().to_owned(),
            created_at: naive(order.created_at),
            updated_at: naive(order.updated_at),
            currency: order.currency.clone(),
            total_amount: order.total_amount.to_string(),
            line_items: serde_json::to_string(&items).unwrap_or_else(|_| "[]".to_owned()),
        }
    }
}

impl TryFrom<OrderRow> for ShopOrder {
    type Error = CorruptRow;

    fn try_from(row: OrderRow) -> Result<Self, CorruptRow> {
        let items: Vec<LineItemJson> =
            serde_json::from_str(&row.line_items).map_err(|e| corrupt("line_items", e))?;
        let line_items = items
            .into_iter()
            .map(|item| {
                Ok(LineItem {
                    sale_price: item
                        .sale_price
                        .as_deref()
                        .map(|p| decimal("line_items", p))
                        .transpose()?,
                    id: item.id,
                    product_id: item.product_id,
                    product_name: item.product_name,
                    sku_id: item.sku_id,
                })
            })
            .collect::<Result<_, CorruptRow>>()?;
        Ok(ShopOrder {
            status: OrderStatus::parse(&row.status)
                .ok_or_else(|| corrupt("status", format!("unknown {:?}", row.status)))?,
            total_amount: decimal("total_amount", &row.total_amount)?,
            id: row.order_id,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
            currency: row.currency,
            line_items,
        })
    }
}

/// A `tiktok_shop_products` row, in column order.
#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = tiktok_shop_products)]
pub(crate) struct ProductRow {
    pub user_id: String,
    pub shop_id: String,
    pub product_id: String,
    pub title: String,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub skus: String,
}

impl ProductRow {
    /// The row of a product of the user's shop.
    pub(crate) fn new(user: &str, shop: &str, product: &ShopProduct) -> Self {
        let skus: Vec<SkuJson> = product
            .skus
            .iter()
            .map(|sku| SkuJson {
                id: sku.id.clone(),
                seller_sku: sku.seller_sku.clone(),
                currency: sku.currency.clone(),
                price: sku.price.map(|p| p.to_string()),
                stock: sku.stock,
            })
            .collect();
        Self {
            user_id: user.to_owned(),
            shop_id: shop.to_owned(),
            product_id: product.id.clone(),
            title: product.title.clone(),
            status: product.status.clone(),
            created_at: naive(product.created_at),
            updated_at: naive(product.updated_at),
            skus: serde_json::to_string(&skus).unwrap_or_else(|_| "[]".to_owned()),
        }
    }
}

impl TryFrom<ProductRow> for ShopProduct {
    type Error = CorruptRow;

    fn try_from(row: ProductRow) -> Result<Self, CorruptRow> {
        let skus: Vec<SkuJson> = serde_json::from_str(&row.skus).map_err(|e| corrupt("skus", e))?;
        let skus = skus
            .into_iter()
            .map(|sku| {
                Ok(ShopSku {
                    price: sku
                        .price
                        .as_deref()
                        .map(|p| decimal("skus", p))
                        .transpose()?,
                    id: sku.id,
                    seller_sku: sku.seller_sku,
                    currency: sku.currency,
                    stock: sku.stock,
                })
            })
            .collect::<Result<_, CorruptRow>>()?;
        Ok(ShopProduct {
            id: row.product_id,
            title: row.title,
            status: row.status,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
            skus,
        })
    }
}
