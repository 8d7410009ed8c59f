//! Disconnect, webhook, status and reads.

use std::sync::Arc;

use chrono::Duration;

use super::support::*;
use crate::ports::Clock;
use crate::ports::RepositoryError;
use crate::shop::*;
use crate::usecases::Caller;

fn caller() -> Caller {
    Caller::User(user())
}

#[tokio::test]
async fn disconnect_forgets_the_tokens_and_purge_erases_everything() {
    let mut connections = MockShopConnections::new();
    connections
        .expect_disconnect()
        .times(2)
        .withf(|_, reason, _| *reason == ShopDisconnectReason::Requested)
        .returning(|_, _, _| {
            let mut a = account("a", Duration::days(1), None);
            a.state = ShopConnectionState::NotConnected;
            a.grant = None;
            a.disconnect_reason = Some(ShopDisconnectReason::Requested);
            Ok(Some(a))
        });
    connections.expect_purge().times(1).returning(|_| Ok(true));
    let disconnect = ShopDisconnect {
        connections: Arc::new(connections),
        clock: clock(),
    };
    let status = disconnect
        .disconnect(&caller(), &user(), false)
        .await
        .expect("ok");
    assert_eq!(
        status.disconnect_reason,
        Some(ShopDisconnectReason::Requested)
    );
    let status = disconnect
        .disconnect(&caller(), &user(), true)
        .await
        .expect("ok");
    assert_eq!(status, ShopStatus::of(user(), None));
}

fn webhook(
    connections: MockShopConnections,
    store: MockShopStore,
    notifications: MockShopNotifications,
) -> ShopWebhook {
    ShopWebhook {
        connections: Arc::new(connections),
        store: Arc::new(store),
        notifications: Arc::new(notifications),
        clock: clock(),
    }
}

fn notification(event: ShopEvent) -> ShopNotification {
    ShopNotification {
        id: Some("7327112393057371910".into()),
        shop_id: "7000714532876273420".into(),
        event,
    }
}

fn of_shop() -> MockShopConnections {
    let mut connections = MockShopConnections::new();
    connections
        .expect_user_of_shop()
        .withf(|s| s == "7000714532876273420")
        .returning(|_| Ok(Some(user())));
    connections
}

fn claims(new: bool) -> MockShopNotifications {
    let mut notifications = MockShopNotifications::new();
    notifications
        .expect_claim()
        .withf(|id, _| id == "7327112393057371910")
        .returning(move |_, _| Ok(new));
    notifications
}

#[tokio::test]
async fn an_order_status_change_updates_the_order_once() {
    let mut store = MockShopStore::new();
    store
        .expect_update_order_status()
        .times(1)
        .withf(|_, _, order, status, _| {
            order == "576486316948490001" && *status == OrderStatus::Cancelled
        })
        .returning(|_, _, _, _, _| Ok(true));
    let event = ShopEvent::OrderStatusChanged {
        order_id: "576486316948490001".into(),
        status: OrderStatus::parse("CANCEL").expect("status"),
        updated_at: now(),
    };
    let hook = webhook(of_shop(), store, claims(true));
    assert_eq!(
        hook.handle(&notification(event.clone())).await.expect("ok"),
        WebhookOutcome::Applied
    );
    // The retry: already claimed, nothing else happens (the mocks refuse any other call).
    let hook = webhook(
        MockShopConnections::new(),
        MockShopStore::new(),
        claims(false),
    );
    assert_eq!(
        hook.handle(&notification(event)).await.expect("ok"),
        WebhookOutcome::Ignored
    );
}

#[tokio::test]
async fn a_deauthorization_ends_the_connection_and_an_expiry_sets_reauth_due() {
    let mut connections = of_shop();
    connections
        .expect_disconnect()
        .times(1)
        .withf(|_, reason, _| *reason == ShopDisconnectReason::SellerDeauthorized)
        .returning(|_, _, _| Ok(None));
    let hook = webhook(connections, MockShopStore::new(), claims(true));
    hook.handle(&notification(ShopEvent::SellerDeauthorized))
        .await
        .expect("ok");

    let due = now() + Duration::days(30);
    let mut connections = of_shop();
    connections
        .expect_set_reauth_due()
        .times(1)
        .withf(move |_, at, _| *at == due)
        .returning(|_, _, _| Ok(()));
    let hook = webhook(connections, MockShopStore::new(), claims(true));
    hook.handle(&notification(ShopEvent::AuthorizationExpiring {
        expires_at: due,
    }))
    .await
    .expect("ok");
}

#[tokio::test]
async fn other_types_are_ignored_and_a_failure_forgets_the_id_for_the_retry() {
    let hook = webhook(
        MockShopConnections::new(),
        MockShopStore::new(),
        MockShopNotifications::new(),
    );
    let outcome = hook
        .handle(&notification(ShopEvent::Other { kind: 4 }))
        .await
        .expect("ok");
    assert_eq!(outcome, WebhookOutcome::Ignored);

    let mut connections = MockShopConnections::new();
    connections
        .expect_user_of_shop()
        .returning(|_| Err(RepositoryError::Unavailable("down".into())));
    let mut notifications = claims(true);
    notifications
        .expect_release()
        .times(1)
        .returning(|_| Ok(()));
    let hook = webhook(connections, MockShopStore::new(), notifications);
    hook.handle(&notification(ShopEvent::SellerDeauthorized))
        .await
        .expect_err("storage down");
}

#[tokio::test]
async fn handled_notification_ids_are_forgotten_after_three_days_only() {
    let now = clock().now();
    let mut notifications = MockShopNotifications::new();
    notifications
        .expect_forget_before()
        .withf(move |before| *before == now - chrono::Duration::days(3))
        .returning(|_| Ok(4));
    let hook = webhook(
        MockShopConnections::new(),
        MockShopStore::new(),
        notifications,
    );
    assert_eq!(hook.forget_old_notifications().await.expect("ok"), 4);
}

#[tokio::test]
async fn status_shows_the_seller_and_authorized_shops_only() {
    let mut a = account("a", Duration::days(1), None);
    let mut gone = a.shops[0].clone();
    gone.id = "1".into();
    gone.authorized = false;
    a.shops.push(gone);
    let mut connections = MockShopConnections::new();
    connections
        .expect_connection()
        .returning(move |_| Ok(Some(a.clone())));
    let read = ShopStatusRead {
        connections: Arc::new(connections),
    };
    let status = read.status(&caller(), &user()).await.expect("status");
    assert!(status.connected());
    assert_eq!(status.shops.len(), 1);
    assert_eq!(status.seller, Some(seller()));
}

fn listed(i: i64) -> ListedOrder {
    ListedOrder {
        shop_id: "s".into(),
        order: ShopOrder {
            id: format!("5764614130387857{i:02}"),
            status: OrderStatus::Completed,
            created_at: now() - Duration::hours(i),
            updated_at: now(),
            currency: "GBP".into(),
            total_amount: "1".parse().expect("d"),
            line_items: vec![],
        },
    }
}

#[tokio::test]
async fn order_pages_ask_one_more_and_answer_the_next_cursor() {
    let mut store = MockShopStore::new();
    store
        .expect_orders_page()
        .withf(|_, q| q.limit == 3 && q.after.is_none() && q.status.as_deref() == Some("ON_HOLD"))
        .returning(|_, _| Ok(vec![listed(1), listed(2), listed(3)]));
    store
        .expect_orders_page()
        .withf(|_, q| {
            q.after
                .as_ref()
                .is_some_and(|k| k.id == "576461413038785702")
        })
        .returning(|_, _| Ok(vec![listed(3)]));
    let reads = ShopReads {
        store: Arc::new(store),
    };
    let first = reads
        .orders(&caller(), &user(), None, Some(OrderStatus::OnHold), 2, None)
        .await
        .expect("page");
    assert_eq!(first.items.len(), 2);
    let cursor = first.next_cursor.expect("more");
    let second = reads
        .orders(
            &caller(),
            &user(),
            None,
            Some(OrderStatus::OnHold),
            2,
            Some(&cursor),
        )
        .await
        .expect("page");
    assert_eq!((second.items.len(), second.next_cursor), (1, None));
    for bad in ["", "x", "1.", "1.a/b", "9999999999999999999.1"] {
        let err = reads
            .orders(&caller(), &user(), None, None, 2, Some(bad))
            .await
            .expect_err("bad cursor");
        assert!(matches!(err, ShopError::InvalidRequest(_)), "{bad}");
    }
    let err = reads
        .orders(&caller(), &user(), None, None, 0, None)
        .await
        .expect_err("limit");
    assert!(matches!(err, ShopError::InvalidRequest(_)));
}

#[test]
fn every_cursor_of_the_documented_form_reads_back_and_others_are_refused() {
    // The OpenAPI pattern: `^-?[0-9]{1,12}\.[A-Za-z0-9]{1,64}$`.
    for raw in [
        "-999999999999.a",
        "999999999999.Z9",
        "0.1",
        "-9652234625.V4TZvlj2a4X",
    ] {
        let keyset = decode_cursor(raw).expect(raw);
        assert_eq!(encode_cursor(&keyset), raw);
    }
    for raw in [
        "-9652234625461.V4TZvlj2a4X",
        "282003169007060100.u",
        ".a",
        "-.a",
        "1.",
        "1.a-b",
        "1",
    ] {
        assert!(decode_cursor(raw).is_err(), "{raw} is refused");
    }
}
