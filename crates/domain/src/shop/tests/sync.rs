//! The sync use case.

use std::sync::Arc;

use chrono::Duration;

use super::support::*;
use crate::shop::*;

fn order() -> ShopOrder {
    ShopOrder {
        id: "576461413038785752".into(),
        status: OrderStatus::Completed,
        created_at: now() - Duration::hours(1),
        updated_at: now() - Duration::hours(1),
        currency: "GBP".into(),
        total_amount: "12.34".parse().expect("amount"),
        line_items: vec![],
    }
}

fn empty<T>() -> Page<T> {
    Page {
        items: vec![],
        next_page_token: None,
        total_count: 0,
    }
}

fn store() -> MockShopStore {
    let mut store = MockShopStore::new();
    store
        .expect_save_orders()
        .withf(|_, g, _, _, _| g.as_str() == "g1")
        .returning(|_, _, _, _, _| Ok(()));
    store
        .expect_save_products()
        .returning(|_, _, _, _, _| Ok(()));
    store
        .expect_orders_created_since()
        .returning(|_, _, _| Ok(vec![order()]));
    store
        .expect_save_figures()
        .times(1)
        .withf(|_, _, f| {
            f.currencies.len() == 1 && f.currencies[0].day.revenue.to_string() == "12.34"
        })
        .returning(|_, _, _| Ok(()));
    store
}

fn service(oauth: MockShopOAuth, data: MockShopData, connections: MockShopConnections) -> ShopSync {
    service_with(oauth, data, connections, store())
}

fn service_with(
    oauth: MockShopOAuth,
    data: MockShopData,
    connections: MockShopConnections,
    store: MockShopStore,
) -> ShopSync {
    let connections = Arc::new(connections);
    ShopSync {
        tokens: tokens(oauth, Arc::clone(&connections)),
        data: Arc::new(data),
        connections,
        store: Arc::new(store),
        cipher: Arc::new(TagCipher),
        clock: clock(),
        first_window: Duration::days(90),
        overlap: Duration::minutes(5),
    }
}

fn connections_with(access: &'static str, cursor: Option<i64>) -> MockShopConnections {
    let mut connections = MockShopConnections::new();
    connections
        .expect_connection()
        .returning(move |_| Ok(Some(account(access, Duration::days(3), cursor))));
    connections
        .expect_save_shops()
        .times(1)
        .withf(|_, _, shops| {
            shops.len() == 1
                && shops[0].cipher.as_str()
                    == "sealed(tiktok-integration/v1/shop_cipher/u1/7000714532876273420|ROW_x)"
        })
        .returning(|_, _, _| Ok(()));
    connections
        .expect_finish_sync()
        .times(1)
        .returning(|_, _, _| Ok(()));
    connections
}

#[tokio::test]
async fn a_first_sync_reads_the_configured_window_keeps_figures_and_seals_the_ciphers() {
    let mut data = MockShopData::new();
    data.expect_authorized_shops()
        .withf(|t| t.expose() == "a")
        .returning(|_| Ok(vec![shop()]));
    let since = (now() - Duration::days(90)).timestamp();
    data.expect_search_orders()
        .times(1)
        .withf(move |_, _, q| q.updated_from == since && q.updated_until == now().timestamp() + 1)
        .returning(|_, _, _| {
            Ok(Page {
                items: vec![order()],
                next_page_token: None,
                total_count: 1,
            })
        });
    data.expect_search_products()
        .times(1)
        .returning(|_, _, _| Ok(empty()));
    let sync = service(MockShopOAuth::new(), data, connections_with("a", None));
    let report = sync.sync(&user()).await.expect("synced");
    assert_eq!(
        report,
        ShopSyncReport {
            shops: 1,
            orders: 1,
            products: 0
        }
    );
}

#[tokio::test]
async fn an_expired_token_answer_refreshes_once_then_the_cursor_overlaps() {
    let cursor = now().timestamp() - 3_600;
    let mut connections = connections_with("a", Some(cursor));
    connections
        .expect_try_acquire_refresh_lease()
        .times(1)
        .returning(move |_, _, _| Ok(Some(account("a", Duration::days(3), Some(cursor)))));
    connections
        .expect_save_refreshed_grant()
        .times(1)
        .returning(|_, _, _, _| Ok(()));
    let mut oauth = MockShopOAuth::new();
    oauth
        .expect_refresh()
        .times(1)
        .returning(|_| Ok(grant("b")));
    let mut data = MockShopData::new();
    data.expect_authorized_shops()
        .withf(|t| t.expose() == "a")
        .times(1)
        .returning(|_| Err(ShopApiError::AccessTokenExpired));
    data.expect_authorized_shops()
        .withf(|t| t.expose() == "b")
        .times(1)
        .returning(|_| Ok(vec![shop()]));
    data.expect_search_orders()
        .withf(move |t, _, q| t.expose() == "b" && q.updated_from == cursor - 300)
        .returning(|_, _, _| Ok(empty()));
    data.expect_search_products()
        .returning(|_, _, _| Ok(empty()));
    let sync = service(oauth, data, connections);
    sync.sync(&user()).await.expect("synced");
}

#[tokio::test]
async fn a_deauthorized_grant_or_no_connection_stops_the_sync() {
    let mut data = MockShopData::new();
    data.expect_authorized_shops()
        .returning(|_| Err(ShopApiError::ReauthRequired { code: 105_001 }));
    let mut connections = MockShopConnections::new();
    connections
        .expect_connection()
        .returning(|_| Ok(Some(account("a", Duration::days(3), None))));
    connections
        .expect_mark_reauth_required()
        .times(1)
        .withf(|_, refused, _| refused == &sealed_refresh("r-a"))
        .returning(|_, _, _| Ok(()));
    let sync = service_with(
        MockShopOAuth::new(),
        data,
        connections,
        MockShopStore::new(),
    );
    let err = sync.sync(&user()).await.expect_err("reauth");
    assert!(matches!(err, ShopError::ReauthRequired));

    let mut connections = MockShopConnections::new();
    connections.expect_connection().returning(|_| Ok(None));
    let sync = service_with(
        MockShopOAuth::new(),
        MockShopData::new(),
        connections,
        MockShopStore::new(),
    );
    let err = sync.sync(&user()).await.expect_err("not connected");
    assert!(matches!(err, ShopError::NotConnected));
}
