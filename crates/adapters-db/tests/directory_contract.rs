//! The account directory on SQLite and PostgreSQL: counts by status and keyset pages, without tokens.
#![cfg(test)]

mod common;

use common::{at, connection, refresh_of, user};
use tiktok_adapters_db::{Database, DieselAccountRepository};
use tiktok_domain::events::DisconnectCause;
use tiktok_domain::ports::{AccountDirectory, AccountRepository};
use tiktok_domain::{ConnectionState, DisconnectReason, ReauthReason};

on_both_backends!(
    counts_by_state_follow_connections_reauth_and_disconnects,
    listing_pages_by_user_id_within_one_state,
);

/// Five accounts: u0..u2 connected, u3 reauth_required, u4 disconnected.
async fn seed(repo: &DieselAccountRepository) {
    for i in 0..5 {
        repo.save_connection(&connection(
            &format!("u{i}"),
            &format!("open-{i}"),
            &format!("t{i}"),
            at(0, 0),
        ))
        .await
        .expect("stored");
    }
    repo.mark_reauth_required(
        &user("u3"),
        &refresh_of("t3"),
        ReauthReason::Unknown,
        at(10, 0),
    )
    .await
    .expect("marked");
    repo.disconnect(
        &user("u4"),
        DisconnectCause::TikTok(DisconnectReason::UserDisconnected),
        at(20, 0),
    )
    .await
    .expect("disconnected");
}

async fn counts_by_state_follow_connections_reauth_and_disconnects(db: Database) {
    let repo = DieselAccountRepository::new(db);
    assert!(repo.count_by_state().await.expect("counts").is_empty());
    seed(&repo).await;
    let mut counts = repo.count_by_state().await.expect("counts");
    counts.sort_by_key(|(state, _)| state.as_str());
    assert_eq!(
        counts,
        [
            (ConnectionState::Connected, 3),
            (ConnectionState::Disconnected, 1),
            (ConnectionState::ReauthRequired, 1),
        ]
    );
}

async fn listing_pages_by_user_id_within_one_state(db: Database) {
    let repo = DieselAccountRepository::new(db);
    seed(&repo).await;
    let first = repo
        .list_by_state(ConnectionState::Connected, None, 2)
        .await
        .expect("page");
    let ids: Vec<&str> = first.iter().map(|a| a.user_id.as_str()).collect();
    assert_eq!(ids, ["u0", "u1"]);
    let next = repo
        .list_by_state(ConnectionState::Connected, Some(user("u1")), 2)
        .await
        .expect("page");
    let ids: Vec<&str> = next.iter().map(|a| a.user_id.as_str()).collect();
    assert_eq!(ids, ["u2"]);
    let reauth = repo
        .list_by_state(ConnectionState::ReauthRequired, None, 10)
        .await
        .expect("page");
    assert_eq!(reauth.len(), 1);
    assert_eq!(reauth[0].user_id.as_str(), "u3");
    assert_eq!(reauth[0].state, ConnectionState::ReauthRequired);
    assert_eq!(reauth[0].updated_at, at(10, 0));
}
