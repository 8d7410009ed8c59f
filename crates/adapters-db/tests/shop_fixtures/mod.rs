//! Domain fixtures of the Shop storage contracts (a module of the test binaries, not one of its own).
// Each contract binary uses a different part; `expect` would be unfulfilled in one of them.
#![allow(dead_code)]

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use tiktok_domain::ports::RefreshLease;
use tiktok_domain::shop::{
    CurrencyFigures, LineItem, NewShopConnection, OrderStatus, SealedShop, SealedShopGrant, Seller,
    ShopFigures, ShopOrder, ShopProduct, ShopSku, TopProduct, WindowFigures,
};
use tiktok_domain::{ConnectionGeneration, SealedToken};

use super::common::{at, user};

/// A shop id beyond 2^53 (a float would round it to its neighbour).
pub const SHOP_BEYOND_2_53: &str = "7000000000000000001";

/// A sealed value tagged `tag` (the store keeps what the domain sealed, as it is).
pub fn sealed(tag: &str) -> SealedToken {
    SealedToken::new(format!("v1.kid.sealed-{tag}"))
}

/// The generation of the connection tagged `tag`.
pub fn gen(tag: &str) -> ConnectionGeneration {
    ConnectionGeneration::new(format!("generation-{tag}"))
}

pub fn lease(owner: &str, until: DateTime<Utc>) -> RefreshLease {
    RefreshLease {
        owner: owner.to_owned(),
        until,
    }
}

/// A grant tagged `tag` received at `received`: the access token lives a day, the refresh token a year.
pub fn shop_grant(tag: &str, received: DateTime<Utc>) -> SealedShopGrant {
    SealedShopGrant {
        access_token: sealed(&format!("access-{tag}")),
        refresh_token: sealed(&format!("refresh-{tag}")),
        access_expires_at: received + Duration::days(1),
        refresh_expires_at: received + Duration::days(365),
    }
}

/// A shop whose sealed cipher is tagged `cipher-<id>-<tag>`.
pub fn shop(id: &str, tag: &str) -> SealedShop {
    SealedShop {
        id: id.to_owned(),
        name: format!("Shop {id}"),
        region: "GB".into(),
        seller_type: "LOCAL".into(),
        code: format!("GBLC{id}"),
        cipher: sealed(&format!("cipher-{id}-{tag}")),
    }
}

/// A connection of `user_id` to `open_id`, grant and generation tagged `tag`.
pub fn new_connection(
    user_id: &str,
    open_id: &str,
    tag: &str,
    shops: Vec<SealedShop>,
    when: DateTime<Utc>,
) -> NewShopConnection {
    NewShopConnection {
        user_id: user(user_id),
        seller: Seller {
            open_id: open_id.to_owned(),
            seller_name: format!("Seller {open_id}"),
            seller_base_region: "GB".into(),
        },
        granted_scopes: vec![
            "seller.authorization.info".into(),
            "seller.order.info".into(),
        ],
        grant: shop_grant(tag, when),
        shops,
        connected_at: when,
        generation: gen(tag),
    }
}

fn money(raw: &str) -> tiktok_domain::shop::Decimal {
    raw.parse().expect("decimal")
}

/// A USD order created and updated at `at(created)`/`at(updated)`, with one line item.
pub fn order(id: &str, created: i64, updated: i64, status: OrderStatus, amount: &str) -> ShopOrder {
    ShopOrder {
        id: id.to_owned(),
        status,
        created_at: at(created, 0),
        updated_at: at(updated, 0),
        currency: "USD".into(),
        total_amount: money(amount),
        line_items: vec![LineItem {
            id: format!("{id}-1"),
            product_id: "1729382256910270464".into(),
            product_name: "Mug".into(),
            sku_id: "1729382256910270465".into(),
            sale_price: Some(money(amount)),
        }],
    }
}

/// A product updated at `at(updated)`, with one SKU.
pub fn product(id: &str, updated: i64, status: &str) -> ShopProduct {
    ShopProduct {
        id: id.to_owned(),
        title: format!("Product {id}"),
        status: status.to_owned(),
        created_at: at(0, 0),
        updated_at: at(updated, 0),
        skus: vec![ShopSku {
            id: format!("{id}1"),
            seller_sku: "MUG-RED".into(),
            currency: Some("USD".into()),
            price: Some(money("12.50")),
            stock: 7,
        }],
    }
}

/// Figures of `shop` computed at `computed_at`, one row per currency (amounts tell the currency apart).
pub fn figures(shop: &str, computed_at: DateTime<Utc>, currencies: &[&str]) -> ShopFigures {
    ShopFigures {
        shop_id: shop.to_owned(),
        computed_at,
        active_products: 999,
        currencies: currencies
            .iter()
            .enumerate()
            .map(|(i, currency)| CurrencyFigures {
                currency: (*currency).to_owned(),
                day: WindowFigures {
                    orders: 1,
                    revenue: money(&format!("{i}.10")),
                    units: 2,
                },
                week: WindowFigures {
                    orders: 3,
                    revenue: money("1234567890123456.005"),
                    units: 4,
                },
                month: WindowFigures {
                    orders: 5,
                    revenue: money("0.30"),
                    units: 6,
                },
                by_status: BTreeMap::from([("COMPLETED", 4), ("CANCELLED", 1)]),
                top_products: vec![TopProduct {
                    product_id: "1729382256910270464".into(),
                    product_name: "Mug".into(),
                    units: 6,
                }],
            })
            .collect(),
    }
}
