//! The refresh lease part of the `AccountRepository` contract, on SQLite and on PostgreSQL.
#![cfg(test)]

mod common;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use common::{at, connection, grant, refresh_of, user};
use tiktok_adapters_db::{Database, DieselAccountRepository};
use tiktok_domain::events::DisconnectCause;
use tiktok_domain::ports::{AccountRepository, RefreshLease, RepositoryError};
use tiktok_domain::{ConnectionState, ReauthReason};

fn lease(owner: &str, until: DateTime<Utc>) -> RefreshLease {
    RefreshLease {
        owner: owner.to_owned(),
        until,
    }
}

/// A repository holding user-1's account, connected with grant "a" at second 0.
async fn connected(db: Database) -> DieselAccountRepository {
    let repo = DieselAccountRepository::new(db);
    repo.save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("connected");
    repo
}

on_both_backends!(
    a_free_lease_is_taken_and_the_account_read_back_under_it,
    a_held_lease_is_refused_until_it_expires,
    of_concurrent_takers_exactly_one_wins,
    the_refreshed_pair_is_stored_and_the_lease_freed_in_one_write,
    the_refreshed_pair_is_refused_without_the_lease_and_nothing_is_written,
    a_reconnect_disconnect_or_reauthorization_frees_the_lease,
    release_frees_only_the_owners_lease,
    a_late_rotated_pair_is_stored_over_the_refresh_token_it_replaced_whoever_holds_the_lease,
    no_lease_is_taken_for_an_unknown_or_disconnected_account,
);

async fn a_free_lease_is_taken_and_the_account_read_back_under_it(db: Database) {
    let repo = connected(db).await;
    let taken = repo
        .try_acquire_refresh_lease(&user("user-1"), &lease("r1-1", at(30, 0)), at(1, 0))
        .await
        .expect("ok")
        .expect("taken");
    assert_eq!(taken.grant, Some(grant("a", at(0, 0))));
    assert_eq!(taken.state, ConnectionState::Connected);
    let found = repo.find_by_user(&user("user-1")).await.expect("ok");
    assert_eq!(found, Some(taken), "the lease is not part of the account");
}

async fn a_held_lease_is_refused_until_it_expires(db: Database) {
    let repo = connected(db).await;
    let user = user("user-1");
    let first = repo
        .try_acquire_refresh_lease(&user, &lease("r1-1", at(30, 0)), at(0, 0))
        .await;
    assert!(first.expect("ok").is_some());
    for now in [at(1, 0), at(29, 999_999)] {
        let second = repo
            .try_acquire_refresh_lease(&user, &lease("r2-1", at(60, 0)), now)
            .await;
        assert_eq!(second.expect("ok"), None, "held at {now}");
    }
    // The holder crashed: its lease expires and is taken over.
    let after = repo
        .try_acquire_refresh_lease(&user, &lease("r2-2", at(60, 0)), at(30, 0))
        .await;
    assert!(after.expect("ok").is_some());
}

async fn of_concurrent_takers_exactly_one_wins(db: Database) {
    let repo = Arc::new(connected(db).await);
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let repo = Arc::clone(&repo);
            tokio::spawn(async move {
                let lease = lease(&format!("replica-{i}"), at(30, 0));
                repo.try_acquire_refresh_lease(&user("user-1"), &lease, at(1, 0))
                    .await
            })
        })
        .collect();
    let mut winners = 0;
    for task in tasks {
        if task.await.expect("task").expect("ok").is_some() {
            winners += 1;
        }
    }
    assert_eq!(winners, 1);
}

async fn the_refreshed_pair_is_stored_and_the_lease_freed_in_one_write(db: Database) {
    let repo = connected(db).await;
    let user = user("user-1");
    let held = lease("r1-1", at(30, 0));
    repo.try_acquire_refresh_lease(&user, &held, at(1, 0))
        .await
        .expect("ok")
        .expect("taken");
    repo.save_refreshed_grant(&user, &held, &grant("b", at(2, 0)), at(2, 0))
        .await
        .expect("stored");
    let found = repo.find_by_user(&user).await.expect("ok").expect("found");
    assert_eq!(found.grant, Some(grant("b", at(2, 0))));
    assert_eq!(found.updated_at, at(2, 0));
    let next = repo
        .try_acquire_refresh_lease(&user, &lease("r2-1", at(40, 0)), at(3, 0))
        .await;
    assert!(next.expect("ok").is_some(), "the lease was freed");
}

async fn the_refreshed_pair_is_refused_without_the_lease_and_nothing_is_written(db: Database) {
    let repo = connected(db).await;
    let user = user("user-1");
    // Never taken.
    let never = repo
        .save_refreshed_grant(
            &user,
            &lease("r1-1", at(30, 0)),
            &grant("b", at(2, 0)),
            at(2, 0),
        )
        .await;
    assert!(matches!(never, Err(RepositoryError::NotFound)), "{never:?}");
    // Expired and taken by someone else.
    let mine = lease("r1-2", at(30, 0));
    repo.try_acquire_refresh_lease(&user, &mine, at(0, 0))
        .await
        .expect("ok")
        .expect("taken");
    repo.try_acquire_refresh_lease(&user, &lease("r2-1", at(90, 0)), at(31, 0))
        .await
        .expect("ok")
        .expect("taken over");
    let late = repo
        .save_refreshed_grant(&user, &mine, &grant("c", at(32, 0)), at(32, 0))
        .await;
    assert!(matches!(late, Err(RepositoryError::NotFound)), "{late:?}");
    let found = repo.find_by_user(&user).await.expect("ok").expect("found");
    assert_eq!(found.grant, Some(grant("a", at(0, 0))), "nothing written");
}

async fn a_reconnect_disconnect_or_reauthorization_frees_the_lease(db: Database) {
    let repo = connected(db).await;
    let user = user("user-1");
    for step in 0..3 {
        let held = lease(&format!("r1-{step}"), at(3_600, 0));
        repo.try_acquire_refresh_lease(&user, &held, at(10 * step, 0))
            .await
            .expect("ok")
            .expect("taken");
        match step {
            0 => {
                repo.save_connection(&connection("user-1", "open-1", "re", at(11, 0)))
                    .await
                    .expect("reconnected");
            }
            1 => {
                repo.mark_reauth_required(
                    &user,
                    &refresh_of("re"),
                    ReauthReason::AccessRevoked,
                    at(21, 0),
                )
                .await
                .expect("marked");
            }
            _ => {
                repo.disconnect(&user, DisconnectCause::UserRequest, at(31, 0))
                    .await
                    .expect("disconnected");
            }
        }
        let late = repo
            .save_refreshed_grant(&user, &held, &grant("late", at(40, 0)), at(40, 0))
            .await;
        assert!(
            matches!(late, Err(RepositoryError::NotFound)),
            "step {step}: {late:?}"
        );
        if step < 2 {
            let next = repo
                .try_acquire_refresh_lease(&user, &lease("r2", at(3_600, 0)), at(10 * step + 5, 0))
                .await
                .expect("ok");
            let next = next.expect("the lease was freed");
            repo.release_refresh_lease(&user, &lease("r2", at(3_600, 0)))
                .await
                .expect("released");
            assert_ne!(next.grant, Some(grant("late", at(40, 0))));
        }
    }
}

async fn release_frees_only_the_owners_lease(db: Database) {
    let repo = connected(db).await;
    let user = user("user-1");
    let held = lease("r1-1", at(30, 0));
    repo.try_acquire_refresh_lease(&user, &held, at(0, 0))
        .await
        .expect("ok")
        .expect("taken");
    repo.release_refresh_lease(&user, &lease("someone-else", at(30, 0)))
        .await
        .expect("a no-op");
    let still = repo
        .try_acquire_refresh_lease(&user, &lease("r2-1", at(30, 0)), at(1, 0))
        .await;
    assert_eq!(still.expect("ok"), None, "still held");
    repo.release_refresh_lease(&user, &held)
        .await
        .expect("released");
    repo.release_refresh_lease(&user, &held)
        .await
        .expect("releasing again is harmless");
    let free = repo
        .try_acquire_refresh_lease(&user, &lease("r2-2", at(30, 0)), at(1, 0))
        .await;
    assert!(free.expect("ok").is_some());
}

async fn no_lease_is_taken_for_an_unknown_or_disconnected_account(db: Database) {
    let repo = connected(db).await;
    let unknown = repo
        .try_acquire_refresh_lease(&user("nobody"), &lease("r1-1", at(30, 0)), at(0, 0))
        .await;
    assert_eq!(unknown.expect("ok"), None);
    repo.disconnect(&user("user-1"), DisconnectCause::UserRequest, at(1, 0))
        .await
        .expect("disconnected");
    let gone = repo
        .try_acquire_refresh_lease(&user("user-1"), &lease("r1-2", at(30, 0)), at(2, 0))
        .await;
    assert_eq!(gone.expect("ok"), None);
}

async fn a_late_rotated_pair_is_stored_over_the_refresh_token_it_replaced_whoever_holds_the_lease(
    db: Database,
) {
    let repo = connected(db).await;
    let user = user("user-1");
    // Our lease expired during the outage and another replica took it.
    repo.try_acquire_refresh_lease(&user, &lease("r2-1", at(90, 0)), at(60, 0))
        .await
        .expect("ok")
        .expect("taken");

    repo.save_late_rotated_grant(&user, &refresh_of("a"), &grant("b", at(61, 0)), at(61, 0))
        .await
        .expect("stored over the row holding a");

    let found = repo.find_by_user(&user).await.expect("ok").expect("found");
    assert_eq!(found.grant, Some(grant("b", at(61, 0))));
    assert!(
        repo.try_acquire_refresh_lease(&user, &lease("r3-1", at(200, 0)), at(62, 0))
            .await
            .expect("ok")
            .is_some(),
        "the lease was freed"
    );
    // Once the row holds another refresh token (this pair, a reconnect), a late pair is refused.
    let again = repo
        .save_late_rotated_grant(&user, &refresh_of("a"), &grant("c", at(63, 0)), at(63, 0))
        .await;
    assert!(matches!(again, Err(RepositoryError::NotFound)), "{again:?}");
    repo.disconnect(&user, DisconnectCause::UserRequest, at(64, 0))
        .await
        .expect("disconnected");
    let gone = repo
        .save_late_rotated_grant(&user, &refresh_of("b"), &grant("d", at(65, 0)), at(65, 0))
        .await;
    assert!(matches!(gone, Err(RepositoryError::NotFound)), "{gone:?}");
    let found = repo.find_by_user(&user).await.expect("ok").expect("found");
    assert_eq!(found.grant, None, "nothing written");
}
