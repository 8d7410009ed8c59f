//! The background ports on SQLite and PostgreSQL: sync claims go to one replica each, due accounts are
//! found, and the shared request budget holds for several holders together.
#![cfg(test)]

mod common;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use common::{at, connection, refresh_of, user};
use tiktok_adapters_db::{Database, DieselAccountRepository, DieselRequestBudget};
use tiktok_domain::events::DisconnectCause;
use tiktok_domain::pacing::Pacing;
use tiktok_domain::ports::{
    AccountRepository, AccountSchedule, Admission, ApiEndpoint, Clock, RequestBudget,
};
use tiktok_domain::ReauthReason;

on_both_backends!(
    two_replicas_claiming_at_once_get_each_account_exactly_once,
    a_claim_is_held_until_it_expires_and_only_connected_accounts_are_claimed,
    a_round_longer_than_its_interval_reaches_every_account_before_any_again_and_counts_the_backlog,
    accounts_due_for_refresh_are_the_connected_ones_expiring_soonest_first,
    two_budget_holders_on_one_database_never_exceed_the_limit_together,
);

/// A clock the test moves by hand.
struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    fn advance(&self, by: Duration) {
        let mut now = self.0.lock().expect("clock");
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock")
    }
}

async fn connect_many(repo: &DieselAccountRepository, n: usize) {
    for i in 0..n {
        repo.save_connection(&connection(
            &format!("user-{i}"),
            &format!("open-{i}"),
            "a",
            at(0, 0),
        ))
        .await
        .expect("stored");
    }
}

async fn two_replicas_claiming_at_once_get_each_account_exactly_once(db: Database) {
    let repo = DieselAccountRepository::new(db.clone());
    connect_many(&repo, 20).await;
    let (a, b) = (repo.clone(), DieselAccountRepository::new(db));
    let (now, until) = (at(100, 0), at(3_700, 0));

    let claim_all = |repo: DieselAccountRepository, replica: &'static str| async move {
        let mut mine = Vec::new();
        loop {
            let batch = repo
                .claim_for_sync(replica, now, until, 3)
                .await
                .expect("claim");
            if batch.is_empty() {
                return mine;
            }
            mine.extend(batch);
        }
    };
    let (mine_a, mine_b) = tokio::join!(claim_all(a, "a"), claim_all(b, "b"));

    let all: Vec<_> = mine_a.iter().chain(&mine_b).cloned().collect();
    let distinct: HashSet<_> = all.iter().map(|u| u.as_str().to_owned()).collect();
    assert_eq!(all.len(), 20, "a: {mine_a:?}, b: {mine_b:?}");
    assert_eq!(distinct.len(), 20);
}

async fn a_claim_is_held_until_it_expires_and_only_connected_accounts_are_claimed(db: Database) {
    let repo = DieselAccountRepository::new(db);
    connect_many(&repo, 3).await;
    repo.disconnect(&user("user-1"), DisconnectCause::UserRequest, at(1, 0))
        .await
        .expect("disconnected");
    repo.mark_reauth_required(
        &user("user-2"),
        &refresh_of("a"),
        ReauthReason::AccessRevoked,
        at(1, 0),
    )
    .await
    .expect("marked");

    let first = repo
        .claim_for_sync("a", at(10, 0), at(70, 0), 10)
        .await
        .expect("claim");
    assert_eq!(first, vec![user("user-0")]);
    let held = repo
        .claim_for_sync("b", at(69, 0), at(129, 0), 10)
        .await
        .expect("claim");
    assert!(held.is_empty(), "the claim holds until 70 s: {held:?}");
    let expired = repo
        .claim_for_sync("b", at(70, 0), at(130, 0), 10)
        .await
        .expect("claim");
    assert_eq!(expired, vec![user("user-0")]);
}

/// TikTok's quota can make a round of many accounts longer than the interval: claims taken early in it
/// expire while accounts never claimed still wait. The longest due go first, so none starves, and the
/// backlog counts the accounts due before a point in time.
async fn a_round_longer_than_its_interval_reaches_every_account_before_any_again_and_counts_the_backlog(
    db: Database,
) {
    let repo = DieselAccountRepository::new(db);
    connect_many(&repo, 4).await;
    assert_eq!(repo.sync_backlog(at(5, 0)).await.expect("count"), 4);

    let first = repo
        .claim_for_sync("a", at(10, 0), at(70, 0), 2)
        .await
        .expect("claim");
    assert_eq!(first, vec![user("user-0"), user("user-1")]);
    assert_eq!(repo.sync_backlog(at(75, 0)).await.expect("count"), 4);

    // At 80 s the first two claims have expired (due since 70 s), the other two are due since they
    // connected (0 s): those go first.
    let second = repo
        .claim_for_sync("a", at(80, 0), at(140, 0), 2)
        .await
        .expect("claim");
    assert_eq!(second, vec![user("user-2"), user("user-3")]);
    assert_eq!(repo.sync_backlog(at(75, 0)).await.expect("count"), 2);
    assert_eq!(repo.sync_backlog(at(65, 0)).await.expect("count"), 0);

    let third = repo
        .claim_for_sync("a", at(150, 0), at(210, 0), 1)
        .await
        .expect("claim");
    assert_eq!(third, vec![user("user-0")]);
}

async fn accounts_due_for_refresh_are_the_connected_ones_expiring_soonest_first(db: Database) {
    let repo = DieselAccountRepository::new(db);
    // Grants received at 0 s, 100 s and 200 s expire a day later, in that order.
    for (i, received) in [(0, 200), (1, 0), (2, 100)] {
        repo.save_connection(&connection(
            &format!("user-{i}"),
            &format!("open-{i}"),
            "a",
            at(received, 0),
        ))
        .await
        .expect("stored");
    }
    repo.mark_reauth_required(
        &user("user-2"),
        &refresh_of("a"),
        ReauthReason::AccessRevoked,
        at(300, 0),
    )
    .await
    .expect("marked");

    let day = 86_400;
    let due = repo
        .due_for_refresh(at(day + 250, 0), 10)
        .await
        .expect("due");
    assert_eq!(due, vec![user("user-1"), user("user-0")]);
    let soonest = repo
        .due_for_refresh(at(day + 250, 0), 1)
        .await
        .expect("due");
    assert_eq!(soonest, vec![user("user-1")]);
    assert!(repo
        .due_for_refresh(at(day, 0), 10)
        .await
        .expect("due")
        .is_empty());
}

async fn two_budget_holders_on_one_database_never_exceed_the_limit_together(db: Database) {
    let clock = Arc::new(ManualClock(Mutex::new(at(0, 0))));
    let pacing = Pacing::per_minute(10);
    let holders = [
        DieselRequestBudget::new(db.clone(), pacing, clock.clone()),
        DieselRequestBudget::new(db, pacing, clock.clone()),
    ];
    let mut sent: Vec<StdDuration> = Vec::new();
    // Three simulated minutes in steps of 250 ms; at each step both holders ask at once until refused.
    for step in 0..720u32 {
        let now = StdDuration::from_millis(u64::from(step) * 250);
        let ask = |budget: &DieselRequestBudget| {
            let budget = budget.clone();
            async move {
                let mut granted = 0;
                while budget
                    .try_acquire(ApiEndpoint::UserInfo)
                    .await
                    .expect("budget")
                    == Admission::Granted
                {
                    granted += 1;
                }
                granted
            }
        };
        let (a, b) = tokio::join!(ask(&holders[0]), ask(&holders[1]));
        sent.extend(std::iter::repeat_n(now, a + b));
        clock.advance(Duration::milliseconds(250));
    }

    for (i, start) in sent.iter().enumerate() {
        let in_window = sent[i..]
            .iter()
            .take_while(|at| **at < *start + StdDuration::from_secs(60))
            .count();
        assert!(in_window <= 10, "{in_window} requests from {start:?} on");
    }
    assert!(sent.len() >= 29, "only {} of 30 went out", sent.len());
    // Another endpoint has its own budget.
    assert_eq!(
        holders[0]
            .try_acquire(ApiEndpoint::VideoList)
            .await
            .expect("budget"),
        Admission::Granted
    );
}
