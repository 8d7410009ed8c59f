//! The `ShopNotifications` contract (webhook idempotency by `tts_notification_id`), on SQLite and
//! PostgreSQL; also proves the Shop migration applies on both.
#![cfg(test)]

mod common;

use std::sync::Arc;

use common::at;
use tiktok_adapters_db::{Database, DieselShopNotifications};
use tiktok_domain::shop::ShopNotifications;

on_both_backends!(
    a_notification_is_claimed_once_and_a_released_one_again,
    of_concurrent_claims_exactly_one_wins,
    old_ids_are_forgotten,
);

async fn a_notification_is_claimed_once_and_a_released_one_again(db: Database) {
    let store = DieselShopNotifications::new(db);
    let id = "7327112393057371910";
    assert!(store.claim(id, at(0, 0)).await.expect("ok"), "new");
    assert!(!store.claim(id, at(1, 0)).await.expect("ok"), "a retry");
    store.release(id).await.expect("released");
    assert!(
        store.claim(id, at(2, 0)).await.expect("ok"),
        "handled again after a failure"
    );
}

async fn of_concurrent_claims_exactly_one_wins(db: Database) {
    let store = Arc::new(DieselShopNotifications::new(db));
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.claim("n-1", at(0, 0)).await.expect("ok") })
        })
        .collect();
    let mut won = 0;
    for task in tasks {
        won += usize::from(task.await.expect("joined"));
    }
    assert_eq!(won, 1);
}

async fn old_ids_are_forgotten(db: Database) {
    let store = DieselShopNotifications::new(db);
    store.claim("old", at(0, 0)).await.expect("ok");
    store.claim("new", at(100, 0)).await.expect("ok");
    assert_eq!(store.forget_before(at(50, 0)).await.expect("ok"), 1);
    assert!(store.claim("old", at(101, 0)).await.expect("ok"));
    assert!(!store.claim("new", at(101, 0)).await.expect("ok"));
}
