//! The seller's whole flow against the sandbox's Shop: connect, status, sync, figures (exact decimals per
//! currency), orders and products by keyset pages, disconnect (idempotent) and purge.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::Value;
use tiktok_integration_tests::{Backend, TestApp};

use super::{assert_no_shop_secret, connect, spawn, SHOP};

on_both_backends!(
    a_seller_connects_and_the_status_shows_seller_and_shops_without_secrets,
    sync_then_figures_are_exact_per_currency_and_orders_and_products_page_by_keyset,
    disconnect_is_idempotent_and_purge_erases_everything,
);

/// The sandbox's order statuses, handed out in turn (its catalog).
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

/// Cents as the decimal string TikTok sends and the service must answer.
fn cents(value: u64) -> String {
    format!("{}.{:02}", value / 100, value % 100)
}

/// What the sandbox's order `i` costs: (units, total in cents).
fn order_amounts(i: u64) -> (u64, u64) {
    let units = 1 + i % 3;
    let price = 500 + (i % 20) * 100 + (i * 7 % 100);
    (units, price * units + 150)
}

async fn a_seller_connects_and_the_status_shows_seller_and_shops_without_secrets(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    let before = app
        .call(Method::GET, &format!("{SHOP}/status/42"), "42")
        .await;
    assert_eq!(before.status, 200, "{}", before.text);
    assert_eq!(before.body["status"], "not_connected");
    assert_eq!(before.body["connected"], false);
    assert!(before.body["seller"].is_null());

    let connected = connect(&app, "42").await;
    assert_eq!(connected.status, 200, "{}", connected.text);
    assert_eq!(connected.body["status"], "connected");
    assert_eq!(connected.body["connected"], true);
    let config = app.sandbox.shop_config().clone();
    assert_eq!(connected.body["seller"]["seller_name"], config.seller_name);
    assert!(connected.body["seller"]["open_id"].is_string());
    let shops = connected.body["shops"].as_array().expect("shops");
    let ids: Vec<&str> = shops
        .iter()
        .map(|s| s["shop_id"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = config.shops.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), expected.len());
    for id in expected {
        assert!(ids.contains(&id), "{id} listed");
    }
    for shop in shops {
        assert!(shop.get("cipher").is_none(), "never a cipher");
        assert!(shop["name"].is_string() && shop["region"].is_string());
    }
    assert!(connected.body["connected_at"]
        .as_str()
        .unwrap()
        .ends_with('Z'));

    let status = app
        .call(Method::GET, &format!("{SHOP}/status/42"), "42")
        .await;
    assert_eq!(status.body["status"], "connected");
    assert_eq!(status.body["shops"], connected.body["shops"]);
    for text in [&connected.text, &status.text] {
        assert_no_shop_secret(&app, text, "a status body");
    }
}

async fn sync_then_figures_are_exact_per_currency_and_orders_and_products_page_by_keyset(
    backend: Backend,
) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    assert_eq!(connect(&app, "42").await.status, 200);
    let synced = app
        .call(Method::POST, &format!("{SHOP}/sync/42"), "42")
        .await;
    assert_eq!(synced.status, 200, "{}", synced.text);
    let metrics = app
        .call(Method::GET, &format!("{SHOP}/metrics/42"), "42")
        .await;
    assert_eq!(metrics.status, 200, "{}", metrics.text);
    assert_eq!(metrics.body, synced.body, "metrics shows what sync kept");
    let config = app.sandbox.shop_config().clone();
    for shop in &config.shops {
        let figures = metrics.body["shops"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["shop_id"] == shop.id.as_str())
            .unwrap_or_else(|| panic!("figures of {}", shop.id));
        let active = (0..shop.product_count).filter(|i| i % 7 != 6).count();
        assert_eq!(figures["active_products"], active as u64, "{}", shop.id);
        let currencies = figures["currencies"].as_array().unwrap();
        assert_eq!(currencies.len(), 1, "one currency per sandbox shop");
        let c = &currencies[0];
        assert_eq!(c["currency"], shop.currency.as_str());
        let (mut orders, mut units, mut revenue) = (0u64, 0u64, 0u64);
        let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
        let mut by_product: BTreeMap<u32, u64> = BTreeMap::new();
        for i in 0..u64::from(shop.order_count) {
            let status = STATUSES[(i % 9) as usize];
            *by_status.entry(status.to_owned()).or_default() += 1;
            if status == "UNPAID" || status == "CANCELLED" {
                continue;
            }
            let (u, total) = order_amounts(i);
            orders += 1;
            units += u;
            revenue += total;
            *by_product
                .entry((i % u64::from(shop.product_count)) as u32)
                .or_default() += u;
        }
        for window in ["last_24_hours", "last_7_days", "last_30_days"] {
            let w = &c[window];
            assert_eq!(w["orders"], orders, "{} {window}", shop.id);
            assert_eq!(w["units"], units, "{} {window}", shop.id);
            assert_eq!(
                w["revenue"],
                serde_json::json!({"amount": cents(revenue), "currency": shop.currency}),
                "{} {window}: exact decimal string with its currency",
                shop.id
            );
        }
        assert_eq!(
            c["orders_by_status"],
            serde_json::to_value(&by_status).unwrap()
        );
        let mut top: Vec<(u32, u64)> = by_product.into_iter().collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        top.truncate(10);
        let answered: Vec<u64> = c["top_products"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["units"].as_u64().unwrap())
            .collect();
        assert_eq!(
            answered,
            top.iter().map(|t| t.1).collect::<Vec<_>>(),
            "{}",
            shop.id
        );
    }
    let one = app
        .call(
            Method::GET,
            &format!("{SHOP}/metrics/42?shop_id={}", config.shops[0].id),
            "42",
        )
        .await;
    assert_eq!(one.body["shops"].as_array().unwrap().len(), 1);

    // Orders of the first shop, newest first, three keyset pages.
    let shop = &config.shops[0];
    let orders = page_through(
        &app,
        &format!("orders/42?shop_id={}", shop.id),
        "orders",
        50,
    )
    .await;
    assert_eq!(orders.len(), shop.order_count as usize);
    for (i, order) in orders.iter().enumerate() {
        let index = i as u32;
        assert_eq!(
            order["order_id"].as_str(),
            app.sandbox.shop_order_id(&shop.id, index).as_deref(),
            "newest first, no gap, no repeat"
        );
        let (_, total) = order_amounts(u64::from(index));
        assert_eq!(
            order["total"],
            serde_json::json!({"amount": cents(total), "currency": shop.currency})
        );
        assert_eq!(order["status"], STATUSES[i % 9]);
    }
    let cancelled = app
        .call(
            Method::GET,
            &format!("{SHOP}/orders/42?status=CANCELLED&limit=100"),
            "42",
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    let expected_cancelled: usize = config
        .shops
        .iter()
        .map(|s| (0..s.order_count).filter(|i| i % 9 == 6).count())
        .sum();
    assert_eq!(
        cancelled.body["orders"].as_array().unwrap().len(),
        expected_cancelled
    );

    // Products of every shop, with SKUs, price and stock.
    let products = page_through(&app, "products/42", "products", 25).await;
    let total: u32 = config.shops.iter().map(|s| s.product_count).sum();
    assert_eq!(products.len(), total as usize);
    let first = products
        .iter()
        .find(|p| p["title"] == "Sandbox product 0" && p["shop_id"] == shop.id.as_str())
        .expect("product 0");
    assert_eq!(first["status"], "ACTIVATE");
    assert_eq!(
        first["skus"][0]["price"],
        serde_json::json!({"amount": "5.00", "currency": shop.currency})
    );
    assert_eq!(first["skus"][0]["stock"], 5);

    for bad in [
        "orders/42?limit=0",
        "orders/42?limit=101",
        "orders/42?cursor=nope",
        "orders/42?status=CANCEL",
        "products/42?shop_id=abc",
    ] {
        let answer = app.call(Method::GET, &format!("{SHOP}/{bad}"), "42").await;
        assert_eq!(answer.status, 400, "{bad}: {}", answer.text);
        assert_eq!(answer.error_code(), Some("invalid_request"), "{bad}");
    }
    assert_no_shop_secret(&app, &synced.text, "the sync body");
}

/// Every item of a listing, following `next_cursor`; asserts the page sizes.
async fn page_through(app: &TestApp, path: &str, key: &str, limit: usize) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    let separator = if path.contains('?') { '&' } else { '?' };
    for _ in 0..100 {
        let mut url = format!("{SHOP}/{path}{separator}limit={limit}");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page = app.call(Method::GET, &url, "42").await;
        assert_eq!(page.status, 200, "{url}: {}", page.text);
        let batch = page.body[key].as_array().expect("items").clone();
        assert!(batch.len() <= limit);
        items.extend(batch.clone());
        match page.body["next_cursor"].as_str() {
            Some(next) => {
                assert_eq!(batch.len(), limit, "only the last page is short");
                cursor = Some(next.to_owned());
            }
            None => return items,
        }
    }
    panic!("paging never ended");
}

async fn disconnect_is_idempotent_and_purge_erases_everything(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    assert_eq!(connect(&app, "42").await.status, 200);
    assert_eq!(
        app.call(Method::POST, &format!("{SHOP}/sync/42"), "42")
            .await
            .status,
        200
    );
    for _ in 0..2 {
        let gone = app
            .call(Method::DELETE, &format!("{SHOP}/disconnect/42"), "42")
            .await;
        assert_eq!(gone.status, 200, "{}", gone.text);
        assert_eq!(gone.body["status"], "not_connected");
        assert_eq!(gone.body["connected"], false);
        assert_eq!(gone.body["disconnect_reason"], "requested");
        assert!(gone.body["seller"].is_object(), "the seller is remembered");
    }
    let sync = app
        .call(Method::POST, &format!("{SHOP}/sync/42"), "42")
        .await;
    assert_eq!(sync.status, 404, "{}", sync.text);
    assert_eq!(sync.error_code(), Some("not_connected"));
    let kept = app
        .call(Method::GET, &format!("{SHOP}/orders/42"), "42")
        .await;
    assert!(
        !kept.body["orders"].as_array().unwrap().is_empty(),
        "a plain disconnect keeps the data"
    );

    let purged = app
        .call(
            Method::DELETE,
            &format!("{SHOP}/disconnect/42?purge=true"),
            "42",
        )
        .await;
    assert_eq!(purged.status, 200, "{}", purged.text);
    assert_eq!(purged.body["status"], "not_connected");
    assert!(purged.body["seller"].is_null());
    for listing in ["orders", "products"] {
        let after = app
            .call(Method::GET, &format!("{SHOP}/{listing}/42"), "42")
            .await;
        assert_eq!(
            after.body[listing],
            serde_json::json!([]),
            "{listing} erased"
        );
    }
    let metrics = app
        .call(Method::GET, &format!("{SHOP}/metrics/42"), "42")
        .await;
    assert_eq!(metrics.body["shops"], serde_json::json!([]));
    let never = app
        .call(
            Method::DELETE,
            &format!("{SHOP}/disconnect/7?purge=true"),
            "7",
        )
        .await;
    assert_eq!(never.status, 200, "also for a user who never connected");
    let bad = app
        .call(
            Method::DELETE,
            &format!("{SHOP}/disconnect/42?purge=yes"),
            "42",
        )
        .await;
    assert_eq!(bad.status, 400);

    // Connecting again works after a purge.
    let again = connect(&app, "42").await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert!(again.body.get("disconnect_reason").is_none());
}
