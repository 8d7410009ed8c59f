//! The sync use case with mocked ports.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use secrecy::SecretString;

use super::*;
use crate::ports::MockClock;
use crate::values::{AccessToken, RefreshToken, UserId};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 12, 0, 0)
        .single()
        .expect("time")
}

fn token(s: &str) -> AccessToken {
    AccessToken::new(SecretString::from(s.to_owned()))
}

fn shop() -> AuthorizedShop {
    AuthorizedShop {
        id: "7000714532876273420".into(),
        name: "Shop".into(),
        region: "GB".into(),
        seller_type: "LOCAL".into(),
        code: "C".into(),
        cipher: ShopCipher::new(SecretString::from("ROW_x".to_owned())),
    }
}

fn connection(access_left: Duration, cursor: Option<i64>) -> ShopConnection {
    ShopConnection {
        user_id: UserId::parse("u1").expect("user"),
        access_token: token("old"),
        access_expires_at: now() + access_left,
        refresh_token: RefreshToken::new(SecretString::from("r-old".to_owned())),
        refresh_expires_at: now() + Duration::days(300),
        shops: vec![ConnectedShop {
            shop: shop(),
            orders_synced_until: cursor,
            products_synced_until: cursor,
        }],
    }
}

fn grant() -> ShopGrant {
    ShopGrant {
        open_id: "o".into(),
        seller_name: "s".into(),
        seller_base_region: "GB".into(),
        granted_scopes: vec![],
        access_token: token("new"),
        access_expires_at: now() + Duration::days(7),
        refresh_token: RefreshToken::new(SecretString::from("r-new".to_owned())),
        refresh_expires_at: now() + Duration::days(300),
    }
}

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

fn clock() -> Arc<MockClock> {
    let mut clock = MockClock::new();
    clock.expect_now().returning(now);
    Arc::new(clock)
}

fn service(oauth: MockShopOAuth, data: MockShopData, repo: MockShopRepository) -> ShopSync {
    ShopSync {
        oauth: Arc::new(oauth),
        data: Arc::new(data),
        repo: Arc::new(repo),
        clock: clock(),
        first_window: Duration::days(90),
        overlap: Duration::minutes(5),
        refresh_margin: Duration::minutes(10),
    }
}

/// A repository that accepts every write, stores the figures' revenue check, and has one connection.
fn repo(conn: ShopConnection, expect_grant: bool) -> MockShopRepository {
    let mut repo = MockShopRepository::new();
    repo.expect_connection()
        .returning(move |_| Ok(Some(conn.clone())));
    repo.expect_save_grant()
        .times(usize::from(expect_grant))
        .withf(|_, g| g.access_token.expose() == "new")
        .returning(|_, _| Ok(()));
    repo.expect_save_shops().times(1).returning(|_, _| Ok(()));
    repo.expect_save_orders().returning(|_, _, _, _| Ok(()));
    repo.expect_save_products().returning(|_, _, _, _| Ok(()));
    repo.expect_orders_created_since()
        .returning(|_, _, _| Ok(vec![order()]));
    repo.expect_save_figures()
        .times(1)
        .withf(|_, _, f, _| f.len() == 1 && f[0].day.revenue.to_string() == "12.34")
        .returning(|_, _, _, _| Ok(()));
    repo
}

#[tokio::test]
async fn a_first_sync_reads_the_configured_window_and_keeps_figures() {
    let mut data = MockShopData::new();
    data.expect_authorized_shops()
        .withf(|t| t.expose() == "old")
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
    let sync = service(
        MockShopOAuth::new(),
        data,
        repo(connection(Duration::days(3), None), false),
    );
    let report = sync
        .sync(&UserId::parse("u1").expect("user"))
        .await
        .expect("synced");
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
async fn a_token_about_to_expire_is_refreshed_first_and_the_cursor_overlaps() {
    let mut oauth = MockShopOAuth::new();
    oauth
        .expect_refresh()
        .times(1)
        .withf(|r| r.expose() == "r-old")
        .returning(|_| Ok(grant()));
    let mut data = MockShopData::new();
    data.expect_authorized_shops()
        .withf(|t| t.expose() == "new")
        .returning(|_| Ok(vec![shop()]));
    let cursor = now().timestamp() - 3_600;
    data.expect_search_orders()
        .withf(move |t, _, q| t.expose() == "new" && q.updated_from == cursor - 300)
        .returning(|_, _, _| Ok(empty()));
    data.expect_search_products()
        .returning(|_, _, _| Ok(empty()));
    let sync = service(
        oauth,
        data,
        repo(connection(Duration::minutes(2), Some(cursor)), true),
    );
    sync.sync(&UserId::parse("u1").expect("user"))
        .await
        .expect("synced");
}

#[tokio::test]
async fn an_expired_token_answer_refreshes_once_then_succeeds() {
    let mut oauth = MockShopOAuth::new();
    oauth.expect_refresh().times(1).returning(|_| Ok(grant()));
    let mut data = MockShopData::new();
    data.expect_authorized_shops()
        .withf(|t| t.expose() == "old")
        .times(1)
        .returning(|_| Err(ShopApiError::AccessTokenExpired));
    data.expect_authorized_shops()
        .withf(|t| t.expose() == "new")
        .times(1)
        .returning(|_| Ok(vec![shop()]));
    data.expect_search_orders().returning(|_, _, _| Ok(empty()));
    data.expect_search_products()
        .returning(|_, _, _| Ok(empty()));
    let sync = service(oauth, data, repo(connection(Duration::days(3), None), true));
    sync.sync(&UserId::parse("u1").expect("user"))
        .await
        .expect("synced");
}

#[tokio::test]
async fn an_expired_refresh_token_or_a_deauthorization_needs_a_new_authorization() {
    let mut conn = connection(Duration::minutes(1), None);
    conn.refresh_expires_at = now() - Duration::seconds(1);
    let mut repo = MockShopRepository::new();
    repo.expect_connection()
        .returning(move |_| Ok(Some(conn.clone())));
    let sync = service(MockShopOAuth::new(), MockShopData::new(), repo);
    let err = sync
        .sync(&UserId::parse("u1").expect("user"))
        .await
        .expect_err("reauth");
    assert!(matches!(err, ShopSyncError::ReauthRequired));

    let mut data = MockShopData::new();
    data.expect_authorized_shops()
        .returning(|_| Err(ShopApiError::ReauthRequired { code: 105_001 }));
    let mut repo = MockShopRepository::new();
    repo.expect_connection()
        .returning(|_| Ok(Some(connection(Duration::days(3), None))));
    let sync = service(MockShopOAuth::new(), data, repo);
    let err = sync
        .sync(&UserId::parse("u1").expect("user"))
        .await
        .expect_err("reauth");
    assert!(matches!(err, ShopSyncError::ReauthRequired));
}
