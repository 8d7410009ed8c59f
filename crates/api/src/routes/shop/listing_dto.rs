//! The stored orders and products, as keyset pages. Ids are strings (TikTok's exceed 2^53); money is an
//! exact decimal string with its currency.

use serde::Serialize;
use tiktok_domain::shop::{ListedOrder, ListedProduct, StoredPage};
use tiktok_domain::UserId;
use utoipa::ToSchema;

use super::figures_dto::MoneyBody;
use crate::routes::timestamps::rfc3339;

/// `GET orders/{user_id}`: a page of stored orders, newest created first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopOrdersBody {
    /// The product user.
    #[schema(example = "42")]
    pub user_id: String,
    /// The orders of this page.
    pub orders: Vec<ShopOrderBody>,
    /// Pass it as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// One stored order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopOrderBody {
    /// The order id.
    #[schema(example = "576461413038785752")]
    pub order_id: String,
    /// The shop it belongs to.
    pub shop_id: String,
    /// TikTok's status: `UNPAID`, `ON_HOLD`, `AWAITING_SHIPMENT`, `PARTIALLY_SHIPPING`,
    /// `AWAITING_COLLECTION`, `IN_TRANSIT`, `DELIVERED`, `COMPLETED` or `CANCELLED`.
    #[schema(example = "AWAITING_SHIPMENT")]
    pub status: &'static str,
    /// `create_time` (RFC 3339, UTC).
    pub created_at: String,
    /// `update_time` (RFC 3339, UTC).
    pub updated_at: String,
    /// `payment.total_amount` in `payment.currency`.
    pub total: MoneyBody,
    /// The line items, one unit each.
    pub line_items: Vec<ShopLineItemBody>,
}

/// One line item (one unit of a SKU).
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopLineItemBody {
    /// The line item id.
    pub line_item_id: String,
    /// The product id.
    pub product_id: String,
    /// The product's name.
    pub product_name: String,
    /// The SKU id.
    pub sku_id: String,
    /// The unit's sale price, when TikTok sent one.
    pub sale_price: Option<MoneyBody>,
}

/// `GET products/{user_id}`: a page of stored products, latest updated first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopProductsBody {
    /// The product user.
    #[schema(example = "42")]
    pub user_id: String,
    /// The products of this page.
    pub products: Vec<ShopProductBody>,
    /// Pass it as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// One stored product with its SKUs.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopProductBody {
    /// The product id.
    pub product_id: String,
    /// The shop it belongs to.
    pub shop_id: String,
    /// `title`.
    pub title: String,
    /// TikTok's status (`ACTIVATE`, `DRAFT`, …).
    #[schema(example = "ACTIVATE")]
    pub status: String,
    /// `create_time` (RFC 3339, UTC).
    pub created_at: String,
    /// `update_time` (RFC 3339, UTC).
    pub updated_at: String,
    /// The SKUs.
    pub skus: Vec<ShopSkuBody>,
}

/// One SKU: price and stock.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopSkuBody {
    /// The SKU id.
    pub sku_id: String,
    /// The seller's own SKU code.
    pub seller_sku: String,
    /// The price (tax exclusive when TikTok sends it, else the sale price); null when TikTok sent none.
    pub price: Option<MoneyBody>,
    /// Units in stock over every warehouse.
    pub stock: i64,
}

impl ShopOrdersBody {
    /// The body of this page.
    pub fn new(user: &UserId, page: StoredPage<ListedOrder>) -> Self {
        Self {
            user_id: user.as_str().to_owned(),
            orders: page.items.into_iter().map(ShopOrderBody::from).collect(),
            next_cursor: page.next_cursor,
        }
    }
}

impl From<ListedOrder> for ShopOrderBody {
    fn from(listed: ListedOrder) -> Self {
        let order = listed.order;
        let currency = order.currency;
        Self {
            order_id: order.id,
            shop_id: listed.shop_id,
            status: order.status.as_str(),
            created_at: rfc3339(order.created_at),
            updated_at: rfc3339(order.updated_at),
            total: MoneyBody::new(order.total_amount, &currency),
            line_items: order
                .line_items
                .into_iter()
                .map(|item| ShopLineItemBody {
                    line_item_id: item.id,
                    product_id: item.product_id,
                    product_name: item.product_name,
                    sku_id: item.sku_id,
                    sale_price: item.sale_price.map(|p| MoneyBody::new(p, &currency)),
                })
                .collect(),
        }
    }
}

impl ShopProductsBody {
    /// The body of this page.
    pub fn new(user: &UserId, page: StoredPage<ListedProduct>) -> Self {
        Self {
            user_id: user.as_str().to_owned(),
            products: page.items.into_iter().map(ShopProductBody::from).collect(),
            next_cursor: page.next_cursor,
        }
    }
}

impl From<ListedProduct> for ShopProductBody {
    fn from(listed: ListedProduct) -> Self {
        let product = listed.product;
        Self {
            product_id: product.id,
            shop_id: listed.shop_id,
            title: product.title,
            status: product.status,
            created_at: rfc3339(product.created_at),
            updated_at: rfc3339(product.updated_at),
            skus: product
                .skus
                .into_iter()
                .map(|sku| ShopSkuBody {
                    price: match (sku.price, &sku.currency) {
                        (Some(price), Some(currency)) => Some(MoneyBody::new(price, currency)),
                        _ => None,
                    },
                    sku_id: sku.id,
                    seller_sku: sku.seller_sku,
                    stock: sku.stock,
                })
                .collect(),
        }
    }
}
