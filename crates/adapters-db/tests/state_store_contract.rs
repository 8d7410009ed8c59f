//! The `OAuthStateStore` contract, written once and run on SQLite and on PostgreSQL.
#![cfg(test)]

mod common;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use common::{at, user};
use tiktok_adapters_db::{Database, DieselOAuthStateStore};
use tiktok_domain::ports::{OAuthStateStore, PendingAuthorization};
use tiktok_domain::{OAuthState, RedirectUri, SealedToken, UserId};

/// The user every pending authorization here is issued to.
fn owner() -> UserId {
    user("user-1")
}

fn pending(expires_at: DateTime<Utc>) -> PendingAuthorization {
    PendingAuthorization {
        state_fingerprint: OAuthState::generate().fingerprint(),
        user_id: user("user-1"),
        redirect_uri: RedirectUri::parse("https://app.example/tiktok/callback?x=1").expect("uri"),
        code_verifier: Some(SealedToken::new("v1.kid.sealed-verifier".into())),
        expires_at,
    }
}

on_both_backends!(
    a_state_is_spent_by_its_first_take,
    another_users_take_neither_gets_nor_spends_the_state,
    of_ten_concurrent_takes_of_one_state_exactly_one_gets_it,
    purge_expired_deletes_only_states_that_expired_before_now,
);

async fn a_state_is_spent_by_its_first_take(db: Database) {
    let store = DieselOAuthStateStore::new(db);
    let with_verifier = pending(at(600, 123_456));
    let without_verifier = PendingAuthorization {
        code_verifier: None,
        ..pending(at(600, 0))
    };
    store.put(&with_verifier).await.expect("put");
    store.put(&without_verifier).await.expect("put");

    let fingerprint = &with_verifier.state_fingerprint;
    assert_eq!(
        store.take(fingerprint, &owner()).await.expect("take"),
        Some(with_verifier.clone())
    );
    assert_eq!(store.take(fingerprint, &owner()).await.expect("take"), None);
    let other = store
        .take(&without_verifier.state_fingerprint, &owner())
        .await;
    assert_eq!(other.expect("take"), Some(without_verifier));
    assert_eq!(
        store
            .take("no-such-fingerprint", &owner())
            .await
            .expect("take"),
        None
    );
}

async fn another_users_take_neither_gets_nor_spends_the_state(db: Database) {
    let store = DieselOAuthStateStore::new(db);
    let state = pending(at(600, 0));
    store.put(&state).await.expect("put");

    let stolen = store
        .take(&state.state_fingerprint, &user("user-2"))
        .await
        .expect("take");
    assert_eq!(stolen, None, "issued to user-1, not to user-2");
    assert_eq!(
        store
            .take(&state.state_fingerprint, &owner())
            .await
            .expect("take"),
        Some(state),
        "its own user still spends it"
    );
}

async fn of_ten_concurrent_takes_of_one_state_exactly_one_gets_it(db: Database) {
    let store = Arc::new(DieselOAuthStateStore::new(db));
    for _round in 0..3 {
        let state = pending(at(600, 0));
        store.put(&state).await.expect("put");
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let (store, fingerprint) = (Arc::clone(&store), state.state_fingerprint.clone());
                tokio::spawn(async move { store.take(&fingerprint, &owner()).await })
            })
            .collect();
        let mut winners = 0;
        for task in tasks {
            if task.await.expect("task").expect("take").is_some() {
                winners += 1;
            }
        }
        assert_eq!(winners, 1);
    }
}

async fn purge_expired_deletes_only_states_that_expired_before_now(db: Database) {
    let store = DieselOAuthStateStore::new(db);
    let now = at(1_000, 500_000);
    let long_gone = pending(at(0, 0));
    let just_gone = pending(at(1_000, 499_999));
    let expiring_now = pending(now);
    let fresh = pending(at(1_600, 0));
    for state in [&long_gone, &just_gone, &expiring_now, &fresh] {
        store.put(state).await.expect("put");
    }

    assert_eq!(store.purge_expired(now).await.expect("purge"), 2);
    assert_eq!(store.purge_expired(now).await.expect("purge"), 0);
    assert_eq!(
        store
            .take(&long_gone.state_fingerprint, &owner())
            .await
            .expect("take"),
        None
    );
    assert_eq!(
        store
            .take(&just_gone.state_fingerprint, &owner())
            .await
            .expect("take"),
        None
    );
    let kept = store
        .take(&expiring_now.state_fingerprint, &owner())
        .await
        .expect("take");
    assert_eq!(kept, Some(expiring_now));
    assert_eq!(
        store
            .take(&fresh.state_fingerprint, &owner())
            .await
            .expect("take"),
        Some(fresh)
    );
}
