//! The Shop metrics body: the figures the last syncs kept, per shop and currency. Money is an exact
//! decimal string with its currency; amounts of different currencies are never added.

use std::collections::BTreeMap;

use serde::Serialize;
use tiktok_domain::shop::{CurrencyFigures, Decimal, ShopFigures, WindowFigures};
use tiktok_domain::UserId;
use utoipa::ToSchema;

use crate::routes::timestamps::rfc3339;

/// An amount of money: an exact decimal string (never a binary float) and its currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct MoneyBody {
    /// The amount as TikTok Shop sends it, summed exactly.
    #[schema(example = "1234.50", pattern = "^-?[0-9]+(\\.[0-9]+)?$")]
    pub amount: String,
    /// ISO 4217 currency code.
    #[schema(example = "GBP")]
    pub currency: String,
}

impl MoneyBody {
    /// `amount` in `currency`.
    pub fn new(amount: Decimal, currency: &str) -> Self {
        Self {
            amount: amount.to_string(),
            currency: currency.to_owned(),
        }
    }
}

/// `GET metrics/{user_id}` (and `POST sync/{user_id}`): the kept figures of every shop (or of one).
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopMetricsBody {
    /// The product user.
    #[schema(example = "42")]
    pub user_id: String,
    /// One entry per shop a sync computed figures for; empty before the first sync.
    pub shops: Vec<ShopFiguresBody>,
}

/// The figures of one shop.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopFiguresBody {
    /// The shop id.
    #[schema(example = "7000714532876273420")]
    pub shop_id: String,
    /// When the figures were computed (the shop's last sync; RFC 3339, UTC).
    pub computed_at: String,
    /// Stored products whose status is `ACTIVATE`.
    pub active_products: u64,
    /// Per currency of the shop's orders of the last 30 days; empty when there were none.
    pub currencies: Vec<CurrencyFiguresBody>,
}

/// The figures of one currency of one shop. Revenue counts orders that are neither `UNPAID` nor
/// `CANCELLED`, by their creation time; units are their line items (one unit each).
#[derive(Debug, Serialize, ToSchema)]
pub struct CurrencyFiguresBody {
    /// ISO 4217 currency code.
    #[schema(example = "GBP")]
    pub currency: String,
    /// Orders created in the last 24 hours.
    pub last_24_hours: WindowBody,
    /// Orders created in the last 7 days.
    pub last_7_days: WindowBody,
    /// Orders created in the last 30 days.
    pub last_30_days: WindowBody,
    /// Orders of the last 30 days by TikTok's status (every status, `UNPAID` and `CANCELLED` included).
    pub orders_by_status: BTreeMap<String, u64>,
    /// At most ten products by units sold in the last 30 days, most first.
    pub top_products: Vec<TopProductBody>,
}

/// Orders, revenue and units of one window.
#[derive(Debug, Serialize, ToSchema)]
pub struct WindowBody {
    /// Orders that count (paid, not cancelled).
    pub orders: u64,
    /// The sum of their `payment.total_amount`.
    pub revenue: MoneyBody,
    /// Their line items.
    pub units: u64,
}

/// A product's units sold in the last 30 days.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopProductBody {
    /// The product id.
    pub product_id: String,
    /// Its name as the orders carry it.
    pub product_name: String,
    /// Units sold.
    pub units: u64,
}

impl ShopMetricsBody {
    /// The body of these figures.
    pub fn new(user: &UserId, figures: Vec<ShopFigures>) -> Self {
        Self {
            user_id: user.as_str().to_owned(),
            shops: figures.into_iter().map(ShopFiguresBody::from).collect(),
        }
    }
}

impl From<ShopFigures> for ShopFiguresBody {
    fn from(figures: ShopFigures) -> Self {
        Self {
            shop_id: figures.shop_id,
            computed_at: rfc3339(figures.computed_at),
            active_products: figures.active_products,
            currencies: figures
                .currencies
                .into_iter()
                .map(CurrencyFiguresBody::from)
                .collect(),
        }
    }
}

impl From<CurrencyFigures> for CurrencyFiguresBody {
    fn from(f: CurrencyFigures) -> Self {
        let window = |w: WindowFigures| WindowBody {
            orders: w.orders,
            revenue: MoneyBody::new(w.revenue, &f.currency),
            units: w.units,
        };
        Self {
            last_24_hours: window(f.day),
            last_7_days: window(f.week),
            last_30_days: window(f.month),
            orders_by_status: f
                .by_status
                .into_iter()
                .map(|(status, n)| (status.to_owned(), n))
                .collect(),
            top_products: f
                .top_products
                .into_iter()
                .map(|p| TopProductBody {
                    product_id: p.product_id,
                    product_name: p.product_name,
                    units: p.units,
                })
                .collect(),
            currency: f.currency,
        }
    }
}
