//! The `ShopConnections` contract (seller connection, shops, refresh lease, disconnect, purge, refresher
//! claims), on SQLite and PostgreSQL.

mod common;
mod shop_fixtures;

use std::sync::Arc;

use common::{at, user};
use shop_fixtures::{
    gen, lease, new_connection, order, sealed, shop, shop_grant, SHOP_BEYOND_2_53,
};
use tiktok_adapters_db::{Database, DieselShopConnections, DieselShopStore};
use tiktok_domain::ports::RepositoryError;
use tiktok_domain::shop::{
    OrderStatus, PageQuery, ShopConnectionState, ShopConnections, ShopDisconnectReason, ShopStore,
};

on_both_backends!(
    a_connection_round_trips_with_its_shops,
    another_users_active_seller_is_a_conflict_and_nothing_is_written,
    a_reconnect_to_another_seller_erases_the_previous_sellers_data,
    a_vanished_shop_is_kept_unauthorized_with_its_cipher_erased,
    shop_writes_are_fenced_by_the_generation,
    of_concurrent_lease_takers_exactly_one_wins,
    a_stale_lease_owner_cannot_store_its_grant,
    reauthorization_is_marked_only_over_the_refused_grant,
    disconnect_keeps_the_row_and_first_reason_and_erases_tokens_and_ciphers,
    purge_erases_every_row_of_the_user_and_none_of_another,
    due_for_refresh_returns_only_due_connected_rows_soonest_first,
);

async fn a_connection_round_trips_with_its_shops(db: Database) {
    let connections = DieselShopConnections::new(db);
    let new = new_connection(
        "user-1",
        "seller-1",
        "a",
        vec![
            shop(SHOP_BEYOND_2_53, "a"),
            shop("7000000000000000002", "a"),
        ],
        at(0, 0),
    );
    let saved = connections.save_connection(&new).await.expect("saved");
    assert_eq!(saved.user_id, user("user-1"));
    assert_eq!(saved.seller, new.seller);
    assert_eq!(saved.granted_scopes, new.granted_scopes);
    assert_eq!(saved.state, ShopConnectionState::Connected);
    assert_eq!(saved.grant, Some(new.grant.clone()));
    assert_eq!(saved.generation, Some(new.generation.clone()));
    assert_eq!(saved.connected_at, at(0, 0));
    assert_eq!(saved.disconnect_reason, None);
    let ids: Vec<&str> = saved.shops.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, [SHOP_BEYOND_2_53, "7000000000000000002"]);
    let first = &saved.shops[0];
    assert_eq!(first.cipher, Some(new.shops[0].cipher.clone()));
    assert!(first.authorized);
    assert_eq!(
        (first.orders_synced_until, first.products_synced_until),
        (None, None)
    );
    let read = connections.connection(&user("user-1")).await.expect("ok");
    assert_eq!(read, Some(saved));
    assert_eq!(
        connections.connection(&user("user-2")).await.expect("ok"),
        None
    );
    assert_eq!(
        connections
            .user_of_shop(SHOP_BEYOND_2_53)
            .await
            .expect("ok"),
        Some(user("user-1"))
    );
    assert_eq!(
        connections
            .user_of_shop("7000000000000000009")
            .await
            .expect("ok"),
        None
    );
    connections
        .finish_sync(&user("user-1"), &gen("a"), at(5, 0))
        .await
        .expect("finished");
    connections
        .set_reauth_due(&user("user-1"), at(86_400, 0), at(6, 0))
        .await
        .expect("set");
    let read = connections
        .connection(&user("user-1"))
        .await
        .expect("ok")
        .expect("found");
    assert_eq!(read.last_sync_at, Some(at(5, 0)));
    assert_eq!(read.reauth_due_at, Some(at(86_400, 0)));
}

async fn another_users_active_seller_is_a_conflict_and_nothing_is_written(db: Database) {
    let connections = DieselShopConnections::new(db);
    connections
        .save_connection(&new_connection(
            "user-1",
            "seller-1",
            "a",
            vec![shop("1", "a")],
            at(0, 0),
        ))
        .await
        .expect("saved");
    let taken = connections
        .save_connection(&new_connection(
            "user-2",
            "seller-1",
            "b",
            vec![shop("1", "b")],
            at(1, 0),
        ))
        .await;
    assert!(matches!(taken, Err(RepositoryError::Conflict)), "{taken:?}");
    assert_eq!(
        connections.connection(&user("user-2")).await.expect("ok"),
        None
    );
    assert_eq!(
        connections.user_of_shop("1").await.expect("ok"),
        Some(user("user-1"))
    );
    // Once the first user disconnected, the seller may connect to another user.
    connections
        .disconnect(&user("user-1"), ShopDisconnectReason::Requested, at(2, 0))
        .await
        .expect("disconnected");
    connections
        .save_connection(&new_connection(
            "user-2",
            "seller-1",
            "b",
            vec![shop("1", "b")],
            at(3, 0),
        ))
        .await
        .expect("saved for user-2");
    assert_eq!(
        connections.user_of_shop("1").await.expect("ok"),
        Some(user("user-2")),
        "the ended connection no longer answers for the shop"
    );
}

async fn a_reconnect_to_another_seller_erases_the_previous_sellers_data(db: Database) {
    let connections = DieselShopConnections::new(db.clone());
    let store = DieselShopStore::new(db);
    let u = user("user-1");
    connections
        .save_connection(&new_connection(
            "user-1",
            "seller-1",
            "a",
            vec![shop("1", "a")],
            at(0, 0),
        ))
        .await
        .expect("saved");
    store
        .save_orders(
            &u,
            &gen("a"),
            "1",
            &[order("11", 10, 10, OrderStatus::Completed, "1.00")],
            20,
        )
        .await
        .expect("orders");
    connections
        .finish_sync(&u, &gen("a"), at(21, 0))
        .await
        .expect("finished");
    // The same seller again: a new grant and generation, the shop's cursor and orders kept.
    let same = connections
        .save_connection(&new_connection(
            "user-1",
            "seller-1",
            "b",
            vec![shop("1", "b")],
            at(30, 0),
        ))
        .await
        .expect("reconnected");
    assert_eq!(same.shops[0].orders_synced_until, Some(20));
    assert_eq!(same.shops[0].cipher, Some(sealed("cipher-1-b")));
    assert_eq!(same.last_sync_at, Some(at(21, 0)));
    assert_eq!(same.generation, Some(gen("b")));
    // Another seller: the previous seller's shops and orders are someone else's.
    let other = connections
        .save_connection(&new_connection(
            "user-1",
            "seller-2",
            "c",
            vec![shop("2", "c")],
            at(40, 0),
        ))
        .await
        .expect("reconnected to another seller");
    let ids: Vec<&str> = other.shops.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["2"]);
    assert_eq!(other.last_sync_at, None);
    let orders = store.orders_page(
        &u,
        &PageQuery {
            shop_id: None,
            status: None,
            limit: 10,
            after: None,
        },
    );
    assert!(orders.await.expect("ok").is_empty());
    // The old generation writes nothing any more.
    let late = store
        .save_orders(
            &u,
            &gen("b"),
            "1",
            &[order("12", 10, 10, OrderStatus::Completed, "1.00")],
            20,
        )
        .await;
    assert!(matches!(late, Err(RepositoryError::NotFound)), "{late:?}");
}

async fn a_vanished_shop_is_kept_unauthorized_with_its_cipher_erased(db: Database) {
    let connections = DieselShopConnections::new(db.clone());
    let store = DieselShopStore::new(db);
    let u = user("user-1");
    connections
        .save_connection(&new_connection(
            "user-1",
            "seller-1",
            "a",
            vec![shop("1", "a"), shop("2", "a")],
            at(0, 0),
        ))
        .await
        .expect("saved");
    store
        .save_orders(
            &u,
            &gen("a"),
            "2",
            &[order("21", 10, 10, OrderStatus::Completed, "1.00")],
            20,
        )
        .await
        .expect("orders");
    connections
        .save_shops(&u, &gen("a"), &[shop("1", "rotated"), shop("3", "a")])
        .await
        .expect("saved shops");
    let read = connections
        .connection(&u)
        .await
        .expect("ok")
        .expect("found");
    let by_id = |id: &str| {
        read.shops
            .iter()
            .find(|s| s.id == id)
            .expect("shop")
            .clone()
    };
    assert_eq!(by_id("1").cipher, Some(sealed("cipher-1-rotated")));
    assert!(by_id("1").authorized);
    let vanished = by_id("2");
    assert!(!vanished.authorized);
    assert_eq!(vanished.cipher, None);
    assert_eq!(vanished.orders_synced_until, Some(20), "kept, not synced");
    assert!(by_id("3").authorized);
    // It comes back when TikTok lists it again.
    connections
        .save_shops(&u, &gen("a"), &[shop("2", "back")])
        .await
        .expect("saved shops");
    let read = connections
        .connection(&u)
        .await
        .expect("ok")
        .expect("found");
    let back = read.shops.iter().find(|s| s.id == "2").expect("shop");
    assert!(back.authorized);
    assert_eq!(back.cipher, Some(sealed("cipher-2-back")));
    assert!(read
        .shops
        .iter()
        .filter(|s| s.id != "2")
        .all(|s| !s.authorized && s.cipher.is_none()));
}

async fn shop_writes_are_fenced_by_the_generation(db: Database) {
    let connections = DieselShopConnections::new(db);
    let u = user("user-1");
    connections
        .save_connection(&new_connection(
            "user-1",
            "seller-1",
            "a",
            vec![shop("1", "a")],
            at(0, 0),
        ))
        .await
        .expect("saved");
    let wrong = connections.save_shops(&u, &gen("other"), &[]).await;
    assert!(matches!(wrong, Err(RepositoryError::NotFound)), "{wrong:?}");
    let wrong = connections.finish_sync(&u, &gen("other"), at(1, 0)).await;
    assert!(matches!(wrong, Err(RepositoryError::NotFound)), "{wrong:?}");
    let read = connections
        .connection(&u)
        .await
        .expect("ok")
        .expect("found");
    assert!(read.shops[0].authorized, "nothing written");
    assert_eq!(read.last_sync_at, None);
}

async fn of_concurrent_lease_takers_exactly_one_wins(db: Database) {
    let connections = Arc::new(DieselShopConnections::new(db));
    connections
        .save_connection(&new_connection(
            "user-1",
            "seller-1",
            "a",
            vec![shop("1", "a")],
            at(0, 0),
        ))
        .await
        .expect("saved");
    let tasks: Vec<_> = (0..12)
        .map(|i| {
            let connections = Arc::clone(&connections);
            tokio::spawn(async move {
                connections
                    .try_acquire_refresh_lease(
                        &user("user-1"),
                        &lease(&format!("r-{i}"), at(30, 0)),
                        at(1, 0),
                    )
                    .await
                    .expect("ok")
            })
        })
        .collect();
    let mut winners = Vec::new();
    for task in tasks {
        if let Some(account) = task.await.expect("joined") {
            winners.push(account);
        }
    }
    assert_eq!(winners.len(), 1);
    assert_eq!(winners[0].shops.len(), 1, "read back with its shops");
    assert_eq!(winners[0].grant, Some(shop_grant("a", at(0, 0))));
}

async fn a_stale_lease_owner_cannot_store_its_grant(db: Database) {
    let connections = DieselShopConnections::new(db);
    let u = user("user-1");
    connections
        .save_connection(&new_connection("user-1", "seller-1", "a", vec![], at(0, 0)))
        .await
        .expect("saved");
    let stale = lease("r-1", at(30, 0));
    assert!(connections
        .try_acquire_refresh_lease(&u, &stale, at(0, 0))
        .await
        .expect("ok")
        .is_some());
    let held = connections
        .try_acquire_refresh_lease(&u, &lease("r-2", at(60, 0)), at(29, 0))
        .await;
    assert_eq!(held.expect("ok"), None, "held until it expires");
    let current = lease("r-3", at(90, 0));
    assert!(connections
        .try_acquire_refresh_lease(&u, &current, at(30, 0))
        .await
        .expect("ok")
        .is_some());
    let late = connections
        .save_refreshed_grant(&u, &stale, &shop_grant("late", at(31, 0)), at(31, 0))
        .await;
    assert!(matches!(late, Err(RepositoryError::NotFound)), "{late:?}");
    // A stale release changes nothing either: the current owner still holds the lease.
    connections
        .release_refresh_lease(&u, &stale)
        .await
        .expect("ok");
    let other = connections
        .try_acquire_refresh_lease(&u, &lease("r-4", at(99, 0)), at(32, 0))
        .await;
    assert_eq!(other.expect("ok"), None);
    connections
        .save_refreshed_grant(&u, &current, &shop_grant("b", at(33, 0)), at(33, 0))
        .await
        .expect("stored by the owner");
    let read = connections
        .connection(&u)
        .await
        .expect("ok")
        .expect("found");
    assert_eq!(read.grant, Some(shop_grant("b", at(33, 0))));
    // Storing freed the lease.
    let next = connections
        .try_acquire_refresh_lease(&u, &lease("r-5", at(99, 0)), at(34, 0))
        .await;
    assert!(next.expect("ok").is_some());
}

async fn reauthorization_is_marked_only_over_the_refused_grant(db: Database) {
    let connections = DieselShopConnections::new(db);
    let u = user("user-1");
    connections
        .save_connection(&new_connection(
            "user-1",
            "seller-1",
            "a",
            vec![shop("1", "a")],
            at(0, 0),
        ))
        .await
        .expect("saved");
    let stale = connections
        .mark_reauth_required(&u, &shop_grant("old", at(0, 0)).refresh_token, at(1, 0))
        .await;
    assert!(matches!(stale, Err(RepositoryError::NotFound)), "{stale:?}");
    connections
        .mark_reauth_required(&u, &shop_grant("a", at(0, 0)).refresh_token, at(2, 0))
        .await
        .expect("marked");
    let read = connections
        .connection(&u)
        .await
        .expect("ok")
        .expect("found");
    assert_eq!(read.state, ShopConnectionState::ReauthRequired);
    assert_eq!(read.grant, None);
    assert_eq!(
        connections.user_of_shop("1").await.expect("ok"),
        Some(user("user-1")),
        "awaiting reauthorization still answers webhooks"
    );
    let taken = connections
        .try_acquire_refresh_lease(&u, &lease("r-1", at(30, 0)), at(3, 0))
        .await;
    assert_eq!(
        taken.expect("ok"),
        None,
        "no lease without a connected grant"
    );
}

async fn disconnect_keeps_the_row_and_first_reason_and_erases_tokens_and_ciphers(db: Database) {
    let connections = DieselShopConnections::new(db.clone());
    let store = DieselShopStore::new(db);
    let u = user("user-1");
    assert_eq!(
        connections
            .disconnect(&u, ShopDisconnectReason::Requested, at(0, 0))
            .await
            .expect("ok"),
        None,
        "never connected"
    );
    connections
        .save_connection(&new_connection(
            "user-1",
            "seller-1",
            "a",
            vec![shop("1", "a")],
            at(0, 0),
        ))
        .await
        .expect("saved");
    store
        .save_orders(
            &u,
            &gen("a"),
            "1",
            &[order("11", 5, 5, OrderStatus::Completed, "2.50")],
            6,
        )
        .await
        .expect("orders");
    connections
        .try_acquire_refresh_lease(&u, &lease("r-1", at(300, 0)), at(7, 0))
        .await
        .expect("ok")
        .expect("taken");
    let ended = connections
        .disconnect(&u, ShopDisconnectReason::SellerDeauthorized, at(10, 0))
        .await
        .expect("ok")
        .expect("the row is kept");
    assert_eq!(ended.state, ShopConnectionState::NotConnected);
    assert_eq!(
        ended.disconnect_reason,
        Some(ShopDisconnectReason::SellerDeauthorized)
    );
    assert_eq!(ended.grant, None);
    assert_eq!(ended.generation, None);
    assert_eq!(ended.seller.open_id, "seller-1");
    assert!(ended.shops.iter().all(|s| s.cipher.is_none()));
    assert_eq!(ended.shops.len(), 1);
    let again = connections
        .disconnect(&u, ShopDisconnectReason::Requested, at(20, 0))
        .await
        .expect("ok");
    assert_eq!(again, Some(ended), "the first reason is kept");
    let late = connections
        .save_refreshed_grant(
            &u,
            &lease("r-1", at(300, 0)),
            &shop_grant("b", at(21, 0)),
            at(21, 0),
        )
        .await;
    assert!(matches!(late, Err(RepositoryError::NotFound)), "{late:?}");
    let late = store
        .save_orders(
            &u,
            &gen("a"),
            "1",
            &[order("12", 5, 5, OrderStatus::Completed, "1")],
            6,
        )
        .await;
    assert!(matches!(late, Err(RepositoryError::NotFound)), "{late:?}");
    assert_eq!(connections.user_of_shop("1").await.expect("ok"), None);
    let kept = store
        .orders_page(
            &u,
            &PageQuery {
                shop_id: None,
                status: None,
                limit: 10,
                after: None,
            },
        )
        .await
        .expect("ok");
    assert_eq!(kept.len(), 1, "a disconnect keeps the synced data");
}

async fn purge_erases_every_row_of_the_user_and_none_of_another(db: Database) {
    let connections = DieselShopConnections::new(db.clone());
    let store = DieselShopStore::new(db);
    for (n, seller) in [(1, "seller-1"), (2, "seller-2")] {
        let (uid, tag, shop_id) = (format!("user-{n}"), format!("g{n}"), format!("{n}"));
        let u = user(&uid);
        connections
            .save_connection(&new_connection(
                &uid,
                seller,
                &tag,
                vec![shop(&shop_id, &tag)],
                at(0, 0),
            ))
            .await
            .expect("saved");
        store
            .save_orders(
                &u,
                &gen(&tag),
                &shop_id,
                &[order(&format!("{n}1"), 5, 5, OrderStatus::Completed, "1")],
                6,
            )
            .await
            .expect("orders");
        store
            .save_products(
                &u,
                &gen(&tag),
                &shop_id,
                &[shop_fixtures::product(&format!("{n}2"), 5, "ACTIVATE")],
                6,
            )
            .await
            .expect("products");
        store
            .save_figures(
                &u,
                &gen(&tag),
                &shop_fixtures::figures(&shop_id, at(7, 0), &["USD"]),
            )
            .await
            .expect("figures");
    }
    assert!(connections.purge(&user("user-1")).await.expect("purged"));
    assert!(
        !connections.purge(&user("user-1")).await.expect("ok"),
        "nothing left"
    );
    let all = |n: u32| PageQuery {
        shop_id: None,
        status: None,
        limit: n,
        after: None,
    };
    for (uid, left) in [("user-1", 0), ("user-2", 1)] {
        let u = user(uid);
        assert_eq!(
            connections.connection(&u).await.expect("ok").is_some(),
            left == 1,
            "{uid}"
        );
        assert_eq!(
            store.orders_page(&u, &all(10)).await.expect("ok").len(),
            left,
            "{uid}"
        );
        assert_eq!(
            store.products_page(&u, &all(10)).await.expect("ok").len(),
            left,
            "{uid}"
        );
        assert_eq!(
            store.figures(&u, None).await.expect("ok").len(),
            left,
            "{uid}"
        );
    }
    assert_eq!(connections.user_of_shop("1").await.expect("ok"), None);
    // A purged user connects again from nothing, under the seller it had.
    let again = connections
        .save_connection(&new_connection(
            "user-1",
            "seller-1",
            "g3",
            vec![shop("1", "g3")],
            at(9, 0),
        ))
        .await
        .expect("saved");
    assert_eq!(again.shops[0].orders_synced_until, None);
}

async fn due_for_refresh_returns_only_due_connected_rows_soonest_first(db: Database) {
    let connections = DieselShopConnections::new(db);
    // Access tokens expire one day after `at(seconds)`: user-4 soonest, then user-1; user-2 not yet.
    for (uid, seller, received) in [
        ("user-1", "s1", 100),
        ("user-2", "s2", 90_000),
        ("user-3", "s3", 50),
        ("user-4", "s4", 10),
        ("user-5", "s5", 20),
    ] {
        connections
            .save_connection(&new_connection(uid, seller, uid, vec![], at(received, 0)))
            .await
            .expect("saved");
    }
    connections
        .disconnect(&user("user-3"), ShopDisconnectReason::Requested, at(200, 0))
        .await
        .expect("disconnected");
    connections
        .mark_reauth_required(
            &user("user-5"),
            &shop_grant("user-5", at(20, 0)).refresh_token,
            at(200, 0),
        )
        .await
        .expect("marked");
    let before = at(86_400 + 1_000, 0);
    let due = connections.due_for_refresh(before, 10).await.expect("ok");
    assert_eq!(due, vec![user("user-4"), user("user-1")]);
    let one = connections.due_for_refresh(before, 1).await.expect("ok");
    assert_eq!(one, vec![user("user-4")]);
    assert!(connections
        .due_for_refresh(at(0, 0), 10)
        .await
        .expect("ok")
        .is_empty());
}
