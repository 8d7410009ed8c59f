//! What TikTok Shop tells us: the seller's grant, their shops, orders and products.

use std::fmt;

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};

use super::Decimal;
use crate::values::{AccessToken, RefreshToken};

/// A grant from TikTok Shop's token endpoint. Expiries are **absolute** instants (TikTok sends epoch
/// seconds, beyond 2^32, under the misleading name `*_expire_in`).
#[derive(Debug, Clone)]
pub struct ShopGrant {
    /// The seller's `open_id`.
    pub open_id: String,
    /// `seller_name`.
    pub seller_name: String,
    /// `seller_base_region`, e.g. `GB`.
    pub seller_base_region: String,
    /// `granted_scopes`.
    pub granted_scopes: Vec<String>,
    /// The access token (sent as `x-tts-access-token`).
    pub access_token: AccessToken,
    /// When the access token expires.
    pub access_expires_at: DateTime<Utc>,
    /// The refresh token; after a refresh, the new one.
    pub refresh_token: RefreshToken,
    /// When the refresh token expires.
    pub refresh_expires_at: DateTime<Utc>,
}

/// A shop's `cipher`: sent as `shop_cipher` on shop-scoped calls; never shown or logged.
#[derive(Clone)]
pub struct ShopCipher(SecretString);

impl ShopCipher {
    /// Wraps a cipher received from TikTok or opened by the cipher port.
    pub fn new(secret: SecretString) -> Self {
        Self(secret)
    }

    /// The cipher, for the one request that needs it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for ShopCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ShopCipher([REDACTED])")
    }
}

/// One shop the seller authorized (`GET /authorization/202309/shops`).
#[derive(Debug, Clone)]
pub struct AuthorizedShop {
    /// The shop id (digits beyond 2^53, kept as text).
    pub id: String,
    /// `name`.
    pub name: String,
    /// `region`, e.g. `GB`.
    pub region: String,
    /// `seller_type`: `CROSS_BORDER` or `LOCAL`.
    pub seller_type: String,
    /// `code`.
    pub code: String,
    /// `cipher`.
    pub cipher: ShopCipher,
}

/// An order's status (TikTok's enum; the webhook's `CANCEL` is read as [`OrderStatus::Cancelled`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OrderStatus {
    /// `UNPAID`.
    Unpaid,
    /// `ON_HOLD`: the remorse window after payment.
    OnHold,
    /// `AWAITING_SHIPMENT`.
    AwaitingShipment,
    /// `PARTIALLY_SHIPPING`.
    PartiallyShipping,
    /// `AWAITING_COLLECTION`.
    AwaitingCollection,
    /// `IN_TRANSIT`.
    InTransit,
    /// `DELIVERED`.
    Delivered,
    /// `COMPLETED`.
    Completed,
    /// `CANCELLED` (the webhook spells it `CANCEL`).
    Cancelled,
}

impl OrderStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [OrderStatus; 9] = [
        OrderStatus::Unpaid,
        OrderStatus::OnHold,
        OrderStatus::AwaitingShipment,
        OrderStatus::PartiallyShipping,
        OrderStatus::AwaitingCollection,
        OrderStatus::InTransit,
        OrderStatus::Delivered,
        OrderStatus::Completed,
        OrderStatus::Cancelled,
    ];

    /// TikTok's Order API name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Unpaid => "UNPAID",
            OrderStatus::OnHold => "ON_HOLD",
            OrderStatus::AwaitingShipment => "AWAITING_SHIPMENT",
            OrderStatus::PartiallyShipping => "PARTIALLY_SHIPPING",
            OrderStatus::AwaitingCollection => "AWAITING_COLLECTION",
            OrderStatus::InTransit => "IN_TRANSIT",
            OrderStatus::Delivered => "DELIVERED",
            OrderStatus::Completed => "COMPLETED",
            OrderStatus::Cancelled => "CANCELLED",
        }
    }

    /// Reads the Order API's and the webhook's spellings (`CANCEL` too); `None` for anything else.
    pub fn parse(value: &str) -> Option<Self> {
        if value == "CANCEL" {
            return Some(OrderStatus::Cancelled);
        }
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Whether the order counts towards revenue and units: paid and not cancelled.
    pub fn counts_as_revenue(self) -> bool {
        !matches!(self, OrderStatus::Unpaid | OrderStatus::Cancelled)
    }
}

/// One line item: one unit of a SKU (TikTok has no quantity field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineItem {
    /// The line item id.
    pub id: String,
    /// `product_id`.
    pub product_id: String,
    /// `product_name`.
    pub product_name: String,
    /// `sku_id`.
    pub sku_id: String,
    /// `sale_price`, per unit, when sent.
    pub sale_price: Option<Decimal>,
}

/// One order as the Order API lists it (the fields this service keeps).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopOrder {
    /// The order id (18 digits, beyond 2^53, kept as text).
    pub id: String,
    /// `status`.
    pub status: OrderStatus,
    /// `create_time`.
    pub created_at: DateTime<Utc>,
    /// `update_time`.
    pub updated_at: DateTime<Utc>,
    /// `payment.currency`.
    pub currency: String,
    /// `payment.total_amount`.
    pub total_amount: Decimal,
    /// `line_items`.
    pub line_items: Vec<LineItem>,
}

/// One SKU of a product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopSku {
    /// The SKU id.
    pub id: String,
    /// `seller_sku`.
    pub seller_sku: String,
    /// `price.currency`.
    pub currency: Option<String>,
    /// `price.tax_exclusive_price`, else `price.sale_price`.
    pub price: Option<Decimal>,
    /// The sum of `inventory[].quantity`.
    pub stock: i64,
}

/// One product as the product search lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopProduct {
    /// The product id.
    pub id: String,
    /// `title`.
    pub title: String,
    /// `status` (`ACTIVATE`, `DRAFT`, …).
    pub status: String,
    /// `create_time`.
    pub created_at: DateTime<Utc>,
    /// `update_time`.
    pub updated_at: DateTime<Utc>,
    /// `skus`.
    pub skus: Vec<ShopSku>,
}

/// A page of a search: the items, the token of the next page (`None` on the last) and TikTok's total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// `next_page_token`; `None` when TikTok sent `""` or nothing.
    pub next_page_token: Option<String>,
    /// `total_count`.
    pub total_count: u64,
}

/// A window of `update_time` (seconds since the epoch, `from` inclusive, `until` exclusive) and a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// First second included.
    pub updated_from: i64,
    /// First second excluded.
    pub updated_until: i64,
    /// `page_size` (1–100).
    pub page_size: u32,
    /// `page_token` of the previous page.
    pub page_token: Option<String>,
}
