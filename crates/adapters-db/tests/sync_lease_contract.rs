//! One sync per account across replicas, on SQLite and PostgreSQL: the sync lease goes to one taker at a
//! time, holds until freed or expired; an unfinished listing is kept for the next sync; and the request
//! budget of a database that is down answers `Unavailable` (which pacing then fails closed on).
#![cfg(test)]

mod common;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use common::{at, connection, generation, user};
use tiktok_adapters_db::{
    Database, DieselAccountRepository, DieselContentRepository, DieselRequestBudget, PoolOptions,
};
use tiktok_domain::content::{ListingResume, VideoSyncEnd};
use tiktok_domain::events::DisconnectCause;
use tiktok_domain::pacing::Pacing;
use tiktok_domain::ports::{
    AccountRepository, AccountSchedule, ApiEndpoint, BudgetError, Clock, ContentRepository,
    RequestBudget,
};

on_both_backends!(
    of_many_replicas_taking_one_accounts_sync_lease_at_once_exactly_one_wins,
    a_sync_lease_holds_until_freed_by_its_owner_or_expired_and_its_owner_renews_it,
    an_unfinished_listing_is_kept_for_the_next_sync_and_cleared_when_done,
);

async fn of_many_replicas_taking_one_accounts_sync_lease_at_once_exactly_one_wins(db: Database) {
    let repo = DieselAccountRepository::new(db.clone());
    repo.save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("stored");
    let takes: Vec<_> = (0..8)
        .map(|i| {
            let replica = DieselAccountRepository::new(db.clone());
            tokio::spawn(async move {
                replica
                    .try_acquire_sync_lease(&user("user-1"), &format!("r{i}"), at(10, 0), at(70, 0))
                    .await
                    .expect("take")
            })
        })
        .collect();
    let mut won = Vec::new();
    for take in takes {
        won.push(take.await.expect("the task"));
    }

    assert_eq!(won.iter().filter(|w| **w).count(), 1, "{won:?}");
}

async fn a_sync_lease_holds_until_freed_by_its_owner_or_expired_and_its_owner_renews_it(
    db: Database,
) {
    let repo = DieselAccountRepository::new(db);
    let alice = user("user-1");
    repo.save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("stored");
    assert!(!repo.sync_lease_held(&alice, at(1, 0)).await.expect("read"));

    assert!(repo
        .try_acquire_sync_lease(&alice, "a", at(10, 0), at(70, 0))
        .await
        .expect("take"));
    assert!(repo.sync_lease_held(&alice, at(69, 0)).await.expect("read"));
    assert!(
        !repo
            .try_acquire_sync_lease(&alice, "b", at(69, 0), at(129, 0))
            .await
            .expect("take"),
        "held until 70 s"
    );
    assert!(
        repo.try_acquire_sync_lease(&alice, "a", at(60, 0), at(120, 0))
            .await
            .expect("renew"),
        "its holder renews it"
    );
    assert!(repo
        .sync_lease_held(&alice, at(100, 0))
        .await
        .expect("read"));
    repo.release_sync_lease(&alice, "b")
        .await
        .expect("a release by another owner changes nothing");
    assert!(repo.sync_lease_held(&alice, at(20, 0)).await.expect("read"));
    repo.release_sync_lease(&alice, "a").await.expect("freed");
    assert!(!repo.sync_lease_held(&alice, at(20, 0)).await.expect("read"));
    assert!(repo
        .try_acquire_sync_lease(&alice, "b", at(20, 0), at(30, 0))
        .await
        .expect("take"));
    assert!(
        !repo.sync_lease_held(&alice, at(30, 0)).await.expect("read"),
        "expired at 30 s"
    );
    assert!(repo
        .try_acquire_sync_lease(&alice, "c", at(30, 0), at(90, 0))
        .await
        .expect("an expired lease is taken"));

    repo.disconnect(&alice, DisconnectCause::UserRequest, at(40, 0))
        .await
        .expect("disconnected");
    repo.release_sync_lease(&alice, "c").await.expect("freed");
    assert!(
        !repo
            .try_acquire_sync_lease(&alice, "d", at(41, 0), at(99, 0))
            .await
            .expect("take"),
        "no lease on an inactive account"
    );
    assert!(!repo
        .try_acquire_sync_lease(&user("nobody"), "d", at(41, 0), at(99, 0))
        .await
        .expect("take"));
}

async fn an_unfinished_listing_is_kept_for_the_next_sync_and_cleared_when_done(db: Database) {
    DieselAccountRepository::new(db.clone())
        .save_connection(&connection("user-1", "open-1", "a", at(0, 0)))
        .await
        .expect("connected");
    let content = DieselContentRepository::new(db);
    let alice = user("user-1");
    let live = generation("a");
    let kept = ListingResume {
        cursor: 1_700_000_000_123,
        since: at(100, 0),
    };
    let cut = VideoSyncEnd {
        at: at(200, 0),
        complete_listing_since: None,
        resume: Some(kept),
    };
    content
        .finish_video_sync(&alice, &live, &cut)
        .await
        .expect("end");
    assert_eq!(
        content
            .video_sync_state(&alice)
            .await
            .expect("state")
            .resume,
        Some(kept)
    );

    let done = VideoSyncEnd {
        at: at(300, 0),
        complete_listing_since: Some(at(100, 0)),
        resume: None,
    };
    content
        .finish_video_sync(&alice, &live, &done)
        .await
        .expect("end");
    let state = content.video_sync_state(&alice).await.expect("state");
    assert_eq!(state.resume, None);
    assert_eq!(state.last_full_sync_at, Some(at(300, 0)));
}

struct Fixed(DateTime<Utc>);

impl Clock for Fixed {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_budget_of_a_database_that_is_down_is_unavailable_never_granted() {
    let db = Database::connect("postgres://postgres@127.0.0.1:1/x", PoolOptions::default())
        .expect("the pool is created");
    let budget = DieselRequestBudget::new(db, Pacing::per_minute(600), Arc::new(Fixed(at(0, 0))));

    let admitted = budget.try_acquire(ApiEndpoint::VideoList).await;

    assert!(
        matches!(admitted, Err(BudgetError::Unavailable(_))),
        "{admitted:?}"
    );
}
