//! The `ShopStore` contract (orders, products, kept figures, keyset pages), on SQLite and PostgreSQL.

mod common;
mod shop_fixtures;

use std::collections::HashSet;

use common::{at, user};
use shop_fixtures::{figures, gen, new_connection, order, product, shop};
use tiktok_adapters_db::{Database, DieselShopConnections, DieselShopStore};
use tiktok_domain::ports::RepositoryError;
use tiktok_domain::shop::{
    Keyset, ListedOrder, ListedProduct, OrderStatus, PageQuery, ShopConnections, ShopStore,
};
use tiktok_domain::UserId;

on_both_backends!(
    ids_beyond_2_53_and_decimal_strings_are_kept_exactly,
    an_older_update_never_replaces_a_newer_one,
    the_cursors_move_with_each_save,
    order_pages_follow_the_keyset_with_filters_without_duplicates_or_gaps,
    product_pages_follow_the_keyset_with_filters_without_duplicates_or_gaps,
    figures_are_replaced_not_accumulated,
    sync_writes_are_fenced_by_the_generation,
);

const SHOP_A: &str = "7000000000000000001";
const SHOP_B: &str = "7000000000000000002";

/// A store holding user-1's connection (generation "a") to shops A and B.
async fn connected(db: Database) -> DieselShopStore {
    DieselShopConnections::new(db.clone())
        .save_connection(&new_connection(
            "user-1",
            "seller-1",
            "a",
            vec![shop(SHOP_A, "a"), shop(SHOP_B, "a")],
            at(0, 0),
        ))
        .await
        .expect("connected");
    DieselShopStore::new(db)
}

fn all(limit: u32) -> PageQuery {
    PageQuery {
        shop_id: None,
        status: None,
        limit,
        after: None,
    }
}

async fn ids_beyond_2_53_and_decimal_strings_are_kept_exactly(db: Database) {
    let store = connected(db).await;
    let u = user("user-1");
    // Neighbours beyond 2^53: as floats they would be one number.
    let (first, second) = ("576460752303423489", "576460752303423488");
    let orders = vec![
        order(
            first,
            10,
            10,
            OrderStatus::Completed,
            "1234567890123456.005",
        ),
        order(second, 10, 10, OrderStatus::Unpaid, "0.10"),
        order(
            "576460752303423490",
            10,
            10,
            OrderStatus::Cancelled,
            "-1.50",
        ),
    ];
    store
        .save_orders(&u, &gen("a"), SHOP_A, &orders, 11)
        .await
        .expect("saved");
    let mut since = store
        .orders_created_since(&u, SHOP_A, at(9, 0))
        .await
        .expect("ok");
    since.sort_by(|a, b| a.id.cmp(&b.id));
    let mut expected = orders.clone();
    expected.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(since, expected);
    let amounts: Vec<String> = since.iter().map(|o| o.total_amount.to_string()).collect();
    assert_eq!(amounts, ["0.10", "1234567890123456.005", "-1.50"]);
    let price = since[0].line_items[0].sale_price.expect("price");
    assert_eq!(price.to_string(), "0.10", "the scale is kept, not 0.1");
    assert!(store
        .orders_created_since(&u, SHOP_A, at(10, 0))
        .await
        .expect("ok")
        .is_empty());
    assert!(store
        .orders_created_since(&u, SHOP_B, at(0, 0))
        .await
        .expect("ok")
        .is_empty());
    let products = vec![product("1729382256910270464", 10, "ACTIVATE")];
    store
        .save_products(&u, &gen("a"), SHOP_A, &products, 11)
        .await
        .expect("saved");
    let page = store.products_page(&u, &all(10)).await.expect("ok");
    assert_eq!(
        page,
        vec![ListedProduct {
            shop_id: SHOP_A.into(),
            product: products[0].clone()
        }]
    );
    assert_eq!(
        page[0].product.skus[0].price.expect("price").to_string(),
        "12.50"
    );
}

async fn an_older_update_never_replaces_a_newer_one(db: Database) {
    let store = connected(db).await;
    let u = user("user-1");
    let newer = order("11", 5, 50, OrderStatus::Delivered, "3.00");
    store
        .save_orders(&u, &gen("a"), SHOP_A, std::slice::from_ref(&newer), 60)
        .await
        .expect("saved");
    let older = order("11", 5, 40, OrderStatus::AwaitingShipment, "3.00");
    store
        .save_orders(&u, &gen("a"), SHOP_A, &[older], 61)
        .await
        .expect("saved");
    let kept = store.orders_page(&u, &all(10)).await.expect("ok");
    assert_eq!(kept[0].order, newer);
    // Repeated in one batch: the latest update wins, whatever the order.
    let later = order("11", 5, 70, OrderStatus::Completed, "3.00");
    let batch = vec![
        later.clone(),
        order("11", 5, 65, OrderStatus::InTransit, "3.00"),
    ];
    store
        .save_orders(&u, &gen("a"), SHOP_A, &batch, 71)
        .await
        .expect("saved");
    assert_eq!(
        store.orders_page(&u, &all(10)).await.expect("ok")[0].order,
        later
    );
    // The webhook: an older status change is ignored, a newer one lands.
    let stale = store
        .update_order_status(&u, SHOP_A, "11", OrderStatus::Cancelled, at(69, 0))
        .await;
    assert!(!stale.expect("ok"));
    let fresh = store
        .update_order_status(&u, SHOP_A, "11", OrderStatus::Cancelled, at(80, 0))
        .await;
    assert!(fresh.expect("ok"));
    let unknown = store
        .update_order_status(&u, SHOP_A, "99", OrderStatus::Cancelled, at(80, 0))
        .await;
    assert!(!unknown.expect("ok"));
    let read = &store.orders_page(&u, &all(10)).await.expect("ok")[0].order;
    assert_eq!(
        (read.status, read.updated_at),
        (OrderStatus::Cancelled, at(80, 0))
    );
    // Products likewise.
    store
        .save_products(&u, &gen("a"), SHOP_A, &[product("21", 50, "ACTIVATE")], 60)
        .await
        .expect("saved");
    store
        .save_products(&u, &gen("a"), SHOP_A, &[product("21", 40, "DRAFT")], 61)
        .await
        .expect("saved");
    let kept = store.products_page(&u, &all(10)).await.expect("ok");
    assert_eq!(kept[0].product.status, "ACTIVATE");
}

async fn the_cursors_move_with_each_save(db: Database) {
    let store = connected(db.clone()).await;
    let u = user("user-1");
    store
        .save_orders(&u, &gen("a"), SHOP_A, &[], 100)
        .await
        .expect("saved");
    store
        .save_products(&u, &gen("a"), SHOP_B, &[], 200)
        .await
        .expect("saved");
    let account = DieselShopConnections::new(db)
        .connection(&u)
        .await
        .expect("ok")
        .expect("found");
    let cursors: Vec<_> = account
        .shops
        .iter()
        .map(|s| (s.orders_synced_until, s.products_synced_until))
        .collect();
    assert_eq!(cursors, [(Some(100), None), (None, Some(200))]);
    let unknown = store
        .save_orders(&u, &gen("a"), "7000000000000000009", &[], 100)
        .await;
    assert!(
        matches!(unknown, Err(RepositoryError::NotFound)),
        "{unknown:?}"
    );
}

/// Every page of `query` (page size `size`) with the next one started after the last item of the previous.
async fn walk_orders(
    store: &DieselShopStore,
    u: &UserId,
    mut query: PageQuery,
    size: u32,
) -> Vec<ListedOrder> {
    query.limit = size;
    let mut seen = Vec::new();
    loop {
        let page = store.orders_page(u, &query).await.expect("ok");
        assert!(page.len() <= size as usize);
        let Some(last) = page.last() else { break };
        query.after = Some(Keyset {
            at: last.order.created_at,
            id: last.order.id.clone(),
        });
        let full = page.len() == size as usize;
        seen.extend(page);
        assert!(seen.len() <= 100, "the pages never end: items repeat");
        if !full {
            break;
        }
    }
    seen
}

async fn order_pages_follow_the_keyset_with_filters_without_duplicates_or_gaps(db: Database) {
    let store = connected(db.clone()).await;
    let u = user("user-1");
    let statuses = [
        OrderStatus::Completed,
        OrderStatus::Unpaid,
        OrderStatus::InTransit,
    ];
    // 30 orders over two shops; every three share a creation second (ties are broken by id).
    let mut stored: Vec<ListedOrder> = Vec::new();
    for shop_id in [SHOP_A, SHOP_B] {
        let orders: Vec<_> = (0..15)
            .map(|i| {
                let n = stored.len() as i64 + i;
                order(
                    &format!("5764607523034234{n:02}"),
                    n / 3,
                    100,
                    statuses[(n % 3) as usize],
                    "1.00",
                )
            })
            .collect();
        store
            .save_orders(&u, &gen("a"), shop_id, &orders, 101)
            .await
            .expect("saved");
        stored.extend(orders.into_iter().map(|order| ListedOrder {
            shop_id: shop_id.into(),
            order,
        }));
    }
    stored
        .sort_by(|a, b| (b.order.created_at, &b.order.id).cmp(&(a.order.created_at, &a.order.id)));
    // Another user's orders never show.
    DieselShopConnections::new(db)
        .save_connection(&new_connection(
            "user-2",
            "seller-2",
            "b",
            vec![shop("8", "b")],
            at(0, 0),
        ))
        .await
        .expect("connected");
    store
        .save_orders(
            &user("user-2"),
            &gen("b"),
            "8",
            &[order(
                "576460752303423401",
                3,
                3,
                OrderStatus::Completed,
                "1",
            )],
            4,
        )
        .await
        .expect("saved");
    for (shop_id, status) in [
        (None, None),
        (Some(SHOP_B), None),
        (None, Some(OrderStatus::Unpaid)),
        (Some(SHOP_A), Some(OrderStatus::Completed)),
    ] {
        let expected: Vec<ListedOrder> = stored
            .iter()
            .filter(|o| shop_id.is_none_or(|s| o.shop_id == s))
            .filter(|o| status.is_none_or(|s| o.order.status == s))
            .cloned()
            .collect();
        assert!(!expected.is_empty());
        let query = PageQuery {
            shop_id: shop_id.map(str::to_owned),
            status: status.map(|s| s.as_str().to_owned()),
            limit: 0,
            after: None,
        };
        for size in [1, 4, 7, 100] {
            let walked = walk_orders(&store, &u, query.clone(), size).await;
            assert_eq!(walked, expected, "{shop_id:?} {status:?} by {size}");
        }
    }
}

async fn product_pages_follow_the_keyset_with_filters_without_duplicates_or_gaps(db: Database) {
    let store = connected(db).await;
    let u = user("user-1");
    let statuses = ["ACTIVATE", "DRAFT"];
    let mut stored: Vec<ListedProduct> = Vec::new();
    for shop_id in [SHOP_A, SHOP_B] {
        let products: Vec<_> = (0..12)
            .map(|i| {
                let n = stored.len() as i64 + i;
                product(
                    &format!("17293822569102704{n:02}"),
                    n / 2,
                    statuses[(n % 2) as usize],
                )
            })
            .collect();
        store
            .save_products(&u, &gen("a"), shop_id, &products, 101)
            .await
            .expect("saved");
        stored.extend(products.into_iter().map(|product| ListedProduct {
            shop_id: shop_id.into(),
            product,
        }));
    }
    stored.sort_by(|a, b| {
        (b.product.updated_at, &b.product.id).cmp(&(a.product.updated_at, &a.product.id))
    });
    for (shop_id, status) in [
        (None, None),
        (Some(SHOP_A), None),
        (None, Some("DRAFT")),
        (Some(SHOP_B), Some("ACTIVATE")),
    ] {
        let expected: Vec<ListedProduct> = stored
            .iter()
            .filter(|p| shop_id.is_none_or(|s| p.shop_id == s))
            .filter(|p| status.is_none_or(|s| p.product.status == s))
            .cloned()
            .collect();
        for size in [1, 5, 100] {
            let mut query = PageQuery {
                shop_id: shop_id.map(str::to_owned),
                status: status.map(str::to_owned),
                limit: size,
                after: None,
            };
            let mut walked: Vec<ListedProduct> = Vec::new();
            loop {
                let page = store.products_page(&u, &query).await.expect("ok");
                let Some(last) = page.last() else { break };
                query.after = Some(Keyset {
                    at: last.product.updated_at,
                    id: last.product.id.clone(),
                });
                let full = page.len() == size as usize;
                walked.extend(page);
                assert!(walked.len() <= 100, "the pages never end: items repeat");
                if !full {
                    break;
                }
            }
            let distinct: HashSet<&str> = walked.iter().map(|p| p.product.id.as_str()).collect();
            assert_eq!(distinct.len(), walked.len(), "no duplicates");
            assert_eq!(walked, expected, "{shop_id:?} {status:?} by {size}");
        }
    }
}

async fn figures_are_replaced_not_accumulated(db: Database) {
    let store = connected(db).await;
    let u = user("user-1");
    assert!(store.figures(&u, None).await.expect("ok").is_empty());
    store
        .save_products(
            &u,
            &gen("a"),
            SHOP_A,
            &[
                product("1", 1, "ACTIVATE"),
                product("2", 1, "ACTIVATE"),
                product("3", 1, "DRAFT"),
            ],
            2,
        )
        .await
        .expect("saved");
    store
        .save_figures(&u, &gen("a"), &figures(SHOP_A, at(10, 0), &["GBP", "USD"]))
        .await
        .expect("saved");
    store
        .save_figures(&u, &gen("a"), &figures(SHOP_B, at(11, 0), &["EUR"]))
        .await
        .expect("saved");
    let replacing = figures(SHOP_A, at(20, 0), &["USD"]);
    store
        .save_figures(&u, &gen("a"), &replacing)
        .await
        .expect("saved");
    let kept = store.figures(&u, None).await.expect("ok");
    let shops: Vec<&str> = kept.iter().map(|f| f.shop_id.as_str()).collect();
    assert_eq!(shops, [SHOP_A, SHOP_B]);
    let a = &kept[0];
    assert_eq!(a.computed_at, at(20, 0));
    assert_eq!(a.active_products, 2, "counted by the store, not taken");
    assert_eq!(a.currencies, replacing.currencies, "GBP is gone");
    assert_eq!(
        a.currencies[0].week.revenue.to_string(),
        "1234567890123456.005"
    );
    assert_eq!(a.currencies[0].day.revenue.to_string(), "0.10");
    assert_eq!(kept[1].active_products, 0);
    assert_eq!(kept[1].currencies.len(), 1);
    // A sync that computed no currency keeps the shop's header and no row.
    store
        .save_figures(&u, &gen("a"), &figures(SHOP_B, at(30, 0), &[]))
        .await
        .expect("saved");
    let b = store
        .figures(&u, Some(SHOP_B.to_owned()))
        .await
        .expect("ok");
    assert_eq!(b.len(), 1);
    assert_eq!((b[0].computed_at, b[0].currencies.len()), (at(30, 0), 0));
}

async fn sync_writes_are_fenced_by_the_generation(db: Database) {
    let store = connected(db).await;
    let u = user("user-1");
    let other = gen("other");
    let results = [
        store
            .save_orders(
                &u,
                &other,
                SHOP_A,
                &[order("1", 1, 1, OrderStatus::Completed, "1")],
                2,
            )
            .await,
        store
            .save_products(&u, &other, SHOP_A, &[product("2", 1, "ACTIVATE")], 2)
            .await,
        store
            .save_figures(&u, &other, &figures(SHOP_A, at(3, 0), &["USD"]))
            .await,
    ];
    for result in results {
        assert!(
            matches!(result, Err(RepositoryError::NotFound)),
            "{result:?}"
        );
    }
    assert!(store
        .orders_page(&u, &all(10))
        .await
        .expect("ok")
        .is_empty());
    assert!(store
        .products_page(&u, &all(10))
        .await
        .expect("ok")
        .is_empty());
    assert!(store.figures(&u, None).await.expect("ok").is_empty());
}
