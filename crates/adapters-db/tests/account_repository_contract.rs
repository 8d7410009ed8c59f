//! The `AccountRepository` contract, written once and run on SQLite and on PostgreSQL.
#![cfg(test)]

mod common;

use std::sync::Arc;

use common::{at, connection, generation, grant, open_id, refresh_of, user};
use tiktok_adapters_db::{Database, DieselAccountRepository};
use tiktok_domain::events::DisconnectCause;
use tiktok_domain::ports::{AccountRepository, RepositoryError};
use tiktok_domain::{ConnectionState, DisconnectReason, Profile, ReauthReason, SyncFailure};

fn repo(db: Database) -> DieselAccountRepository {
    DieselAccountRepository::new(db)
}

fn full_profile() -> Profile {
    Profile {
        union_id: Some("union-1".into()),
        username: Some("creator".into()),
        display_name: Some("The Creator".into()),
        avatar_url: Some("https://cdn.example/a.jpg".into()),
        follower_count: Some(10),
        following_count: Some(20),
        like_count: Some(30),
        video_count: Some(40),
    }
}

on_both_backends!(
    a_first_connection_is_stored_and_found_by_user_and_by_open_id,
    a_reconnect_reuses_the_users_row_and_keeps_the_profile,
    another_users_active_open_id_is_a_conflict_until_that_user_disconnects,
    switching_to_another_tiktok_account_reuses_the_row_and_drops_the_old_profile,
    writes_for_a_user_without_an_active_account_are_not_found,
    reauth_required_keeps_account_and_profile_but_erases_the_tokens,
    a_mark_for_reauthorization_of_a_grant_replaced_since_changes_nothing,
    disconnect_erases_the_tokens_keeps_the_first_reason_and_is_idempotent,
    timestamps_round_trip_in_utc_with_sub_second_precision,
    counts_above_i32_max_round_trip,
    concurrent_first_connections_of_one_user_leave_one_row,
    of_two_users_racing_for_one_open_id_exactly_one_wins,
    running_the_migrations_again_changes_nothing,
    the_reauth_reason_is_kept_with_the_mark_and_cleared_by_a_reconnect,
    the_last_sync_failure_is_kept_until_a_profile_is_stored_or_the_creator_reconnects,
    a_sync_failure_of_a_user_without_an_active_account_changes_nothing,
);

async fn a_first_connection_is_stored_and_found_by_user_and_by_open_id(db: Database) {
    let repo = repo(db);
    let new = connection("user-1", "open-1", "a", at(0, 0));
    let saved = repo.save_connection(&new).await.expect("saved");

    assert_eq!(saved.user_id, user("user-1"));
    assert_eq!(saved.tiktok_user_id, open_id("open-1"));
    assert_eq!(saved.state, ConnectionState::Connected);
    assert!(saved.is_active());
    assert_eq!(saved.grant, Some(new.grant.clone()));
    assert_eq!(saved.scopes, new.grant.scopes);
    assert_eq!(saved.profile, Profile::default());
    assert_eq!(saved.disconnect_reason, None);
    assert_eq!(saved.last_sync_at, None);
    assert_eq!((saved.connected_at, saved.updated_at), (at(0, 0), at(0, 0)));

    let by_user = repo.find_by_user(&user("user-1")).await.expect("found");
    assert_eq!(by_user.as_ref(), Some(&saved));
    let by_open_id = repo.find_active_by_open_id(&open_id("open-1")).await;
    assert_eq!(by_open_id.expect("found"), Some(saved));
    assert_eq!(repo.find_by_user(&user("nobody")).await.expect("ok"), None);
    let unknown = repo.find_active_by_open_id(&open_id("open-unknown")).await;
    assert_eq!(unknown.expect("ok"), None);
}

async fn a_reconnect_reuses_the_users_row_and_keeps_the_profile(db: Database) {
    let repo = repo(db);
    let first = repo
        .save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("first");
    repo.save_profile(
        &user("user-1"),
        &generation("a"),
        &full_profile(),
        at(10, 0),
    )
    .await
    .expect("profile");
    repo.disconnect(&user("user-1"), DisconnectCause::UserRequest, at(20, 0))
        .await
        .expect("disconnect");

    let again = connection("user-1", "open-1", "b", at(30, 0));
    let second = repo.save_connection(&again).await.expect("reconnected");
    assert_eq!(second.id, first.id);
    assert_eq!(second.state, ConnectionState::Connected);
    assert_eq!(second.grant, Some(again.grant.clone()));
    assert_eq!(second.disconnect_reason, None);
    assert_eq!(second.profile, full_profile());
    assert_eq!(second.last_sync_at, Some(at(10, 0)));
    assert_eq!(
        (second.connected_at, second.updated_at),
        (at(30, 0), at(30, 0))
    );

    // Reconnecting while still connected also reuses the row.
    let third = connection("user-1", "open-1", "c", at(40, 0));
    let third_saved = repo.save_connection(&third).await.expect("again");
    assert_eq!(third_saved.id, first.id);
    assert_eq!(third_saved.grant, Some(third.grant));
}

async fn another_users_active_open_id_is_a_conflict_until_that_user_disconnects(db: Database) {
    let repo = repo(db);
    repo.save_connection(&connection("user-a", "open-x", "a", at(0, 0)))
        .await
        .expect("a connects");

    let stolen = repo
        .save_connection(&connection("user-b", "open-x", "b", at(1, 0)))
        .await;
    assert!(
        matches!(stolen, Err(RepositoryError::Conflict)),
        "{stolen:?}"
    );
    assert_eq!(repo.find_by_user(&user("user-b")).await.expect("ok"), None);

    repo.disconnect(
        &user("user-a"),
        DisconnectCause::TikTok(DisconnectReason::UserDisconnected),
        at(2, 0),
    )
    .await
    .expect("a disconnects");
    let b = repo
        .save_connection(&connection("user-b", "open-x", "b", at(3, 0)))
        .await
        .expect("b may connect now");
    let active = repo.find_active_by_open_id(&open_id("open-x")).await;
    assert_eq!(active.expect("ok").map(|a| a.id), Some(b.id));

    let back = repo
        .save_connection(&connection("user-a", "open-x", "a2", at(4, 0)))
        .await;
    assert!(matches!(back, Err(RepositoryError::Conflict)), "{back:?}");
}

async fn switching_to_another_tiktok_account_reuses_the_row_and_drops_the_old_profile(
    db: Database,
) {
    let repo = repo(db);
    let first = repo
        .save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("first");
    repo.save_profile(&user("user-1"), &generation("a"), &full_profile(), at(1, 0))
        .await
        .expect("profile");

    let other = repo
        .save_connection(&connection("user-1", "open-2", "b", at(2, 0)))
        .await
        .expect("switched");
    assert_eq!(other.id, first.id);
    assert_eq!(other.tiktok_user_id, open_id("open-2"));
    assert_eq!(other.profile, Profile::default());
    assert_eq!(other.last_sync_at, None);
    let old = repo.find_active_by_open_id(&open_id("open-1")).await;
    assert_eq!(old.expect("ok"), None);
}

async fn writes_for_a_user_without_an_active_account_are_not_found(db: Database) {
    let repo = repo(db);
    let nobody = user("nobody");
    let profiled = repo
        .save_profile(&nobody, &generation("a"), &full_profile(), at(0, 0))
        .await;
    assert!(
        matches!(profiled, Err(RepositoryError::NotFound)),
        "{profiled:?}"
    );
    let marked = repo
        .mark_reauth_required(
            &nobody,
            &refresh_of("a"),
            ReauthReason::AccessRevoked,
            at(0, 0),
        )
        .await;
    assert!(
        matches!(marked, Err(RepositoryError::NotFound)),
        "{marked:?}"
    );

    repo.save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("connected");
    repo.disconnect(&user("user-1"), DisconnectCause::UserRequest, at(1, 0))
        .await
        .expect("disconnected");
    let profiled = repo
        .save_profile(&user("user-1"), &generation("a"), &full_profile(), at(2, 0))
        .await;
    assert!(
        matches!(profiled, Err(RepositoryError::NotFound)),
        "{profiled:?}"
    );
    let marked = repo
        .mark_reauth_required(
            &user("user-1"),
            &refresh_of("a"),
            ReauthReason::AccessRevoked,
            at(2, 0),
        )
        .await;
    assert!(
        matches!(marked, Err(RepositoryError::NotFound)),
        "{marked:?}"
    );
    let account = repo
        .find_by_user(&user("user-1"))
        .await
        .expect("ok")
        .expect("row");
    assert_eq!(account.grant, None);
    assert_eq!(account.state, ConnectionState::Disconnected);
}

async fn a_mark_for_reauthorization_of_a_grant_replaced_since_changes_nothing(db: Database) {
    let repo = repo(db);
    repo.save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("connected");
    // The creator reconnects while a request holds TikTok's refusal of grant "a".
    repo.save_connection(&connection("user-1", "open-1", "b", at(1, 0)))
        .await
        .expect("reconnected");

    let marked = repo
        .mark_reauth_required(
            &user("user-1"),
            &refresh_of("a"),
            ReauthReason::AccessRevoked,
            at(2, 0),
        )
        .await;

    assert!(
        matches!(marked, Err(RepositoryError::NotFound)),
        "{marked:?}"
    );
    let account = repo
        .find_by_user(&user("user-1"))
        .await
        .expect("ok")
        .expect("row");
    assert_eq!(account.state, ConnectionState::Connected);
    assert_eq!(
        account.grant,
        Some(grant("b", at(1, 0))),
        "the new grant kept"
    );
}

async fn reauth_required_keeps_account_and_profile_but_erases_the_tokens(db: Database) {
    let repo = repo(db);
    let saved = repo
        .save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("connected");
    repo.save_profile(&user("user-1"), &generation("a"), &full_profile(), at(1, 0))
        .await
        .expect("profile");
    repo.mark_reauth_required(
        &user("user-1"),
        &refresh_of("a"),
        ReauthReason::AccessRevoked,
        at(2, 0),
    )
    .await
    .expect("marked");

    let account = repo
        .find_by_user(&user("user-1"))
        .await
        .expect("ok")
        .expect("row");
    assert_eq!(account.id, saved.id);
    assert_eq!(account.state, ConnectionState::ReauthRequired);
    assert!(account.is_active());
    assert_eq!(account.grant, None);
    assert_eq!(account.scopes, saved.scopes);
    assert_eq!(account.profile, full_profile());
    assert_eq!(account.updated_at, at(2, 0));
    let by_open_id = repo.find_active_by_open_id(&open_id("open-1")).await;
    assert_eq!(by_open_id.expect("ok"), Some(account));
}

async fn disconnect_erases_the_tokens_keeps_the_first_reason_and_is_idempotent(db: Database) {
    let repo = repo(db);
    let saved = repo
        .save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("connected");

    let gone = repo
        .disconnect(
            &user("user-1"),
            DisconnectCause::TikTok(DisconnectReason::AccountBanned),
            at(5, 0),
        )
        .await
        .expect("ok")
        .expect("row");
    assert_eq!(gone.id, saved.id);
    assert_eq!(gone.state, ConnectionState::Disconnected);
    assert!(!gone.is_active());
    assert_eq!(gone.grant, None);
    assert_eq!(
        gone.disconnect_reason,
        Some(DisconnectReason::AccountBanned)
    );
    assert_eq!(gone.updated_at, at(5, 0));
    assert_eq!(gone.scopes, saved.scopes);

    let again = repo
        .disconnect(&user("user-1"), DisconnectCause::UserRequest, at(9, 0))
        .await
        .expect("ok");
    assert_eq!(again.as_ref(), Some(&gone));
    assert_eq!(
        repo.find_by_user(&user("user-1")).await.expect("ok"),
        Some(gone)
    );
    let active = repo.find_active_by_open_id(&open_id("open-1")).await;
    assert_eq!(active.expect("ok"), None);

    let unknown = repo
        .disconnect(&user("nobody"), DisconnectCause::UserRequest, at(9, 0))
        .await;
    assert_eq!(unknown.expect("ok"), None);
}

async fn timestamps_round_trip_in_utc_with_sub_second_precision(db: Database) {
    let repo = repo(db);
    let when = at(3, 123_456);
    let new = connection("user-1", "open-1", "a", when);
    let saved = repo.save_connection(&new).await.expect("connected");
    assert_eq!(saved.connected_at, when);
    let g = saved.grant.expect("grant");
    assert_eq!(g.access_token_expires_at, new.grant.access_token_expires_at);
    assert_eq!(
        g.refresh_token_expires_at,
        new.grant.refresh_token_expires_at
    );

    let synced = at(7, 999_999);
    let profiled = repo
        .save_profile(&user("user-1"), &generation("a"), &full_profile(), synced)
        .await
        .expect("profile");
    assert_eq!(profiled.last_sync_at, Some(synced));
    let read = repo
        .find_by_user(&user("user-1"))
        .await
        .expect("ok")
        .expect("row");
    assert_eq!(read.last_sync_at, Some(synced));
    assert_eq!(read.updated_at, synced);
}

async fn counts_above_i32_max_round_trip(db: Database) {
    let repo = repo(db);
    repo.save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("connected");
    let big = i64::from(i32::MAX) + 1;
    let profile = Profile {
        follower_count: Some(big),
        following_count: Some(big * 2),
        like_count: Some(i64::MAX),
        video_count: Some(0),
        ..Profile::default()
    };
    let saved = repo
        .save_profile(&user("user-1"), &generation("a"), &profile, at(1, 0))
        .await
        .expect("profile");
    assert_eq!(saved.profile, profile);
    let read = repo
        .find_by_user(&user("user-1"))
        .await
        .expect("ok")
        .expect("row");
    assert_eq!(read.profile, profile);
}

async fn concurrent_first_connections_of_one_user_leave_one_row(db: Database) {
    let repo = Arc::new(repo(db));
    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let repo = Arc::clone(&repo);
            tokio::spawn(async move {
                let new = connection("user-1", "open-1", &format!("t{i}"), at(i, 0));
                repo.save_connection(&new).await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.expect("task").expect("saved").id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one row for the user: {ids:?}");
}

async fn of_two_users_racing_for_one_open_id_exactly_one_wins(db: Database) {
    let repo = Arc::new(repo(db));
    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let repo = Arc::clone(&repo);
            tokio::spawn(async move {
                let new = connection(&format!("user-{i}"), "open-x", "t", at(i, 0));
                repo.save_connection(&new).await
            })
        })
        .collect();
    let (mut won, mut conflicts) = (0, 0);
    for task in tasks {
        match task.await.expect("task") {
            Ok(_) => won += 1,
            Err(RepositoryError::Conflict) => conflicts += 1,
            Err(other) => panic!("unexpected error: {other:?}"),
        }
    }
    assert_eq!((won, conflicts), (1, 5));
}

async fn running_the_migrations_again_changes_nothing(db: Database) {
    db.run_migrations().await.expect("second run");
    db.run_migrations().await.expect("third run");
    let repo = repo(db);
    let saved = repo
        .save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("still works");
    let read = repo.find_by_user(&user("user-1")).await.expect("ok");
    assert_eq!(read, Some(saved));
}

async fn find(repo: &DieselAccountRepository, id: &str) -> tiktok_domain::TikTokAccount {
    repo.find_by_user(&user(id))
        .await
        .expect("ok")
        .expect("row")
}

fn failure(code: &str, at: chrono::DateTime<chrono::Utc>) -> SyncFailure {
    SyncFailure {
        code: code.into(),
        message: format!("the sync failed: {code}"),
        at,
    }
}

async fn the_reauth_reason_is_kept_with_the_mark_and_cleared_by_a_reconnect(db: Database) {
    let repo = repo(db);
    for (round, reason) in [
        ReauthReason::RefreshTokenExpired,
        ReauthReason::AccessRevoked,
        ReauthReason::ScopeWithdrawn,
        ReauthReason::Unknown,
    ]
    .into_iter()
    .enumerate()
    {
        let (token, minute) = (format!("g{round}"), round as i64 * 10);
        repo.save_connection(&connection("user-1", "open-1", &token, at(minute, 0)))
            .await
            .expect("connected");
        assert_eq!(
            find(&repo, "user-1").await.reauth_reason,
            None,
            "{reason:?}: cleared by the reconnect"
        );
        repo.mark_reauth_required(
            &user("user-1"),
            &refresh_of(&token),
            reason,
            at(minute + 1, 0),
        )
        .await
        .expect("marked");
        let marked = find(&repo, "user-1").await;
        assert_eq!(marked.state, ConnectionState::ReauthRequired);
        assert_eq!(marked.reauth_reason, Some(reason));
    }
}

async fn the_last_sync_failure_is_kept_until_a_profile_is_stored_or_the_creator_reconnects(
    db: Database,
) {
    let repo = repo(db);
    repo.save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("connected");
    assert_eq!(find(&repo, "user-1").await.last_sync_error, None);

    let first = failure("tiktok_unavailable", at(1, 500));
    repo.record_sync_failure(&user("user-1"), &generation("a"), &first)
        .await
        .expect("recorded");
    assert_eq!(find(&repo, "user-1").await.last_sync_error, Some(first));
    let second = failure("rate_limited", at(2, 0));
    repo.record_sync_failure(&user("user-1"), &generation("a"), &second)
        .await
        .expect("recorded");
    assert_eq!(
        find(&repo, "user-1").await.last_sync_error,
        Some(second.clone()),
        "the last one wins"
    );

    let synced = repo
        .save_profile(&user("user-1"), &generation("a"), &full_profile(), at(3, 0))
        .await
        .expect("profile");
    assert_eq!(synced.last_sync_error, None, "a good sync clears it");
    assert_eq!(find(&repo, "user-1").await.last_sync_error, None);

    // An account awaiting reauthorization still records; a reconnect clears.
    repo.mark_reauth_required(
        &user("user-1"),
        &refresh_of("a"),
        ReauthReason::AccessRevoked,
        at(4, 0),
    )
    .await
    .expect("marked");
    repo.record_sync_failure(&user("user-1"), &generation("a"), &second)
        .await
        .expect("recorded");
    assert_eq!(find(&repo, "user-1").await.last_sync_error, Some(second));
    let reconnected = repo
        .save_connection(&connection("user-1", "open-1", "b", at(5, 0)))
        .await
        .expect("reconnected");
    assert_eq!(reconnected.last_sync_error, None);
    assert_eq!(reconnected.reauth_reason, None);

    // A sync of the previous connection that fails late records nothing on the new one.
    repo.record_sync_failure(
        &user("user-1"),
        &generation("a"),
        &failure("tiktok_error", at(6, 0)),
    )
    .await
    .expect("ok");
    assert_eq!(find(&repo, "user-1").await.last_sync_error, None);
}

async fn a_sync_failure_of_a_user_without_an_active_account_changes_nothing(db: Database) {
    let repo = repo(db);
    repo.record_sync_failure(
        &user("nobody"),
        &generation("a"),
        &failure("tiktok_error", at(0, 0)),
    )
    .await
    .expect("nothing to record is not an error");
    assert!(repo
        .find_by_user(&user("nobody"))
        .await
        .expect("ok")
        .is_none());

    repo.save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("connected");
    repo.disconnect(&user("user-1"), DisconnectCause::UserRequest, at(1, 0))
        .await
        .expect("disconnected");
    repo.record_sync_failure(
        &user("user-1"),
        &generation("a"),
        &failure("tiktok_error", at(2, 0)),
    )
    .await
    .expect("ok");
    assert_eq!(find(&repo, "user-1").await.last_sync_error, None);
}
