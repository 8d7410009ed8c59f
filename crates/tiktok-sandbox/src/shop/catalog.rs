//! The fake shops' orders and products, generated from the shop's id and the sandbox's start time.

use serde_json::{json, Value};

use super::FakeShop;

/// Order statuses handed out in turn (every status of the Order API, `ON_HOLD` included).
const STATUSES: [&str; 9] = [
    "COMPLETED",
    "DELIVERED",
    "IN_TRANSIT",
    "AWAITING_SHIPMENT",
    "ON_HOLD",
    "UNPAID",
    "CANCELLED",
    "AWAITING_COLLECTION",
    "PARTIALLY_SHIPPING",
];

fn seed(shop: &FakeShop) -> u64 {
    shop.id
        .bytes()
        .fold(0u64, |acc, b| (acc * 31 + u64::from(b)) % 100_000)
}

/// Cents as a decimal string with two digits after the point.
pub(crate) fn cents(value: u64) -> String {
    format!("{}.{:02}", value / 100, value % 100)
}

/// Order `index`'s id: 18 digits, beyond 2^53.
pub(crate) fn order_id(shop: &FakeShop, index: u32) -> String {
    format!("5764{:05}{:09}", seed(shop), index)
}

/// Product `index`'s id: 19 digits.
pub(crate) fn product_id(shop: &FakeShop, index: u32) -> String {
    format!("1729{:05}{:010}", seed(shop), index)
}

/// An order's times: created every ten minutes back from `epoch`, updated two minutes later.
pub(crate) fn order_times(epoch: i64, index: u32) -> (i64, i64) {
    let created = epoch - (i64::from(index) + 1) * 600;
    (created, created + 120)
}

/// Order `index` as the Order API shows it, with an optional status/update override.
pub(crate) fn order(shop: &FakeShop, epoch: i64, index: u32, status: Option<(&str, i64)>) -> Value {
    let (created, updated) = order_times(epoch, index);
    let (status, updated) = status.unwrap_or((STATUSES[index as usize % STATUSES.len()], updated));
    let units = 1 + index % 3;
    let price = 500 + u64::from(index % 20) * 100 + u64::from(index * 7 % 100);
    let shipping = 150;
    let line_items: Vec<Value> = (0..units)
        .map(|unit| {
            let product = if shop.product_count == 0 {
                0
            } else {
                index % shop.product_count
            };
            json!({
                "id": format!("5770{:05}{:09}{unit}", seed(shop), index),
                "product_id": product_id(shop, product),
                "product_name": format!("Sandbox product {product}"),
                "sku_id": format!("2729{:05}{:010}", seed(shop), product),
                "sale_price": cents(price),
                "original_price": cents(price),
                "currency": shop.currency,
                "display_status": status,
            })
        })
        .collect();
    json!({
        "id": order_id(shop, index),
        "status": status,
        "create_time": created,
        "update_time": updated,
        "paid_time": created + 5,
        "user_id": "7021436810468230477",
        "buyer_email": "v2b2V5@chat.seller.tiktok.com",
        "is_on_hold_order": status == "ON_HOLD",
        "payment": {
            "currency": shop.currency,
            "sub_total": cents(price * u64::from(units)),
            "shipping_fee": cents(shipping),
            "tax": "0.00",
            "total_amount": cents(price * u64::from(units) + shipping),
        },
        "line_items": line_items,
    })
}

/// A product's times: created every hour back from `epoch`, updated a minute later.
pub(crate) fn product_times(epoch: i64, index: u32) -> (i64, i64) {
    let created = epoch - (i64::from(index) + 1) * 3_600;
    (created, created + 60)
}

/// Product `index` as the product search shows it.
pub(crate) fn product(shop: &FakeShop, epoch: i64, index: u32) -> Value {
    let (created, updated) = product_times(epoch, index);
    let status = if index % 7 == 6 {
        "SELLER_DEACTIVATED"
    } else {
        "ACTIVATE"
    };
    let price = 500 + u64::from(index) * 37;
    json!({
        "id": product_id(shop, index),
        "title": format!("Sandbox product {index}"),
        "status": status,
        "create_time": created,
        "update_time": updated,
        "sales_regions": [shop.region],
        "skus": [{
            "id": format!("2729{:05}{:010}", seed(shop), index),
            "seller_sku": format!("SBX-{index}"),
            "price": {"currency": shop.currency, "tax_exclusive_price": cents(price), "sale_price": cents(price + 20)},
            "inventory": [
                {"warehouse_id": "7068517275539719942", "quantity": index * 3 % 50},
                {"warehouse_id": "7068517275539719943", "quantity": 5},
            ],
        }],
    })
}
