//! Single-flight refresh: one refresh per account at a time, within a process and across replicas.

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::Duration;

use super::support::*;
use crate::account::{DisconnectReason, TikTokAccount};
use crate::ports::{OAuthError, RepositoryError, TikTokApiError};
use crate::usecases::{AccountService, ServiceError};

/// An access token inside the refresh margin.
fn due_account() -> TikTokAccount {
    connected_account()
        .access_expires_at(now() + Duration::minutes(5))
        .build()
}

/// The account after someone stored TikTok's rotated pair.
fn refreshed_account() -> TikTokAccount {
    connected_account()
        .grant_is(stored_grant(NEW_ACCESS, NEW_REFRESH))
        .build()
}

/// The stored row and its lease holder, behind mocks that act like storage.
#[derive(Default)]
struct Row {
    account: Option<TikTokAccount>,
    lease_owner: Option<String>,
}

/// Wires the account repository to `row`: reads, the lease, the rotated pair and the profile.
fn storage_backed_by(mocks: &mut Mocks, row: &Arc<Mutex<Row>>) {
    let r = Arc::clone(row);
    mocks
        .accounts
        .expect_find_by_user()
        .returning(move |_| Ok(r.lock().unwrap().account.clone()));
    let r = Arc::clone(row);
    mocks
        .accounts
        .expect_try_acquire_refresh_lease()
        .returning(move |_, lease, _| {
            let mut row = r.lock().unwrap();
            if row.lease_owner.is_some() {
                return Ok(None);
            }
            row.lease_owner = Some(lease.owner.clone());
            Ok(row.account.clone())
        });
    let r = Arc::clone(row);
    mocks
        .accounts
        .expect_save_refreshed_grant()
        .returning(move |_, lease, grant, _| {
            let mut row = r.lock().unwrap();
            assert_eq!(row.lease_owner.as_deref(), Some(lease.owner.as_str()));
            row.lease_owner = None;
            row.account.as_mut().unwrap().grant = Some(grant.clone());
            Ok(())
        });
    let r = Arc::clone(row);
    mocks
        .accounts
        .expect_release_refresh_lease()
        .returning(move |_, lease| {
            let mut row = r.lock().unwrap();
            if row.lease_owner.as_deref() == Some(lease.owner.as_str()) {
                row.lease_owner = None;
            }
            Ok(())
        });
    mocks
        .accounts
        .expect_save_profile()
        .returning(|_, _, _, _| Ok(connected_account().build()));
}

/// Runs `n` syncs of user 42 at once on the runtime's threads.
async fn concurrent_syncs(service: &AccountService, n: usize) -> Vec<Result<(), ServiceError>> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let service = service.clone();
            tokio::spawn(async move { service.syncs().sync(&creator(), &user()).await.map(|_| ()) })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_syncs_in_one_process_share_one_refresh_and_leave_no_flight_behind() {
    // Arrange: the refresh takes a while, so that the other syncs arrive while it is in flight.
    let mut mocks = Mocks::default();
    let row = Arc::new(Mutex::new(Row {
        account: Some(due_account()),
        lease_owner: None,
    }));
    storage_backed_by(&mut mocks, &row);
    mocks.oauth.expect_refresh().times(1).returning(|_| {
        std::thread::sleep(StdDuration::from_millis(100));
        Ok(token_grant(NEW_ACCESS, NEW_REFRESH))
    });
    mocks
        .data
        .expect_user_info()
        .withf(|token, _| token.expose() == NEW_ACCESS)
        .returning(|_, _| Ok(user_info()));
    // What follows the stored profile (history, videos) is not what this test is about.
    mocks.content_syncs_quietly();
    let service = mocks.service();

    // Act
    let results = concurrent_syncs(&service, 8).await;

    // Assert
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(
        service.syncs().tokens.flights.len(),
        0,
        "the flight map is cleaned up"
    );
    assert_eq!(row.lock().unwrap().lease_owner, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_waiting_for_a_refresh_that_failed_share_its_failure_instead_of_retrying() {
    // Arrange: TikTok's answer is lost; whether it rotated the token is unknown.
    let mut mocks = Mocks::default();
    let row = Arc::new(Mutex::new(Row {
        account: Some(due_account()),
        lease_owner: None,
    }));
    storage_backed_by(&mut mocks, &row);
    mocks.oauth.expect_refresh().times(1).returning(|_| {
        std::thread::sleep(StdDuration::from_millis(200));
        Err(OAuthError::Unavailable(boom()))
    });
    mocks.data.expect_user_info().never();
    let service = mocks.service();

    // Act
    let results = concurrent_syncs(&service, 4).await;

    // Assert
    for result in results {
        assert_err!(result, ServiceError::TikTokUnavailable(_));
    }
    let row = row.lock().unwrap();
    assert_eq!(row.lease_owner, None, "the lease is freed");
    assert_eq!(row.account, Some(due_account()), "the stored grant is kept");
}

#[tokio::test(start_paused = true)]
async fn a_request_finding_the_lease_held_elsewhere_waits_and_uses_that_replicas_grant() {
    // Arrange: another replica holds the lease and stores its pair while we poll.
    let mut mocks = Mocks::default();
    mocks.accounts_are(vec![
        Some(due_account()),
        Some(due_account()),
        Some(refreshed_account()),
    ]);
    mocks
        .accounts
        .expect_try_acquire_refresh_lease()
        .times(2)
        .returning(|_, _, _| Ok(None));
    mocks.oauth.expect_refresh().never();
    mocks
        .data
        .expect_user_info()
        .withf(|token, _| token.expose() == NEW_ACCESS)
        .times(1)
        .returning(|_, _| Ok(user_info()));
    mocks.profile_saves_onto(refreshed_account());
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert!(result.is_ok(), "{result:?}");
}

#[tokio::test(start_paused = true)]
async fn a_lease_held_past_the_wait_is_account_busy_without_calling_tiktok() {
    // Arrange: the holder never finishes (it crashed; its lease has not expired yet).
    let mut mocks = Mocks::default();
    mocks.config.refresh_wait = StdDuration::from_secs(1);
    mocks
        .accounts
        .expect_find_by_user()
        .returning(|_| Ok(Some(due_account())));
    mocks
        .accounts
        .expect_try_acquire_refresh_lease()
        .returning(|_, _, _| Ok(None));
    mocks.oauth.expect_refresh().never();
    mocks.data.expect_user_info().never();
    let service = mocks.service();
    let started = tokio::time::Instant::now();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::AccountBusy(_));
    assert!(started.elapsed() <= StdDuration::from_secs(1));
}

#[tokio::test]
async fn a_lease_taken_after_another_replica_refreshed_is_freed_without_calling_tiktok() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.account_is(Some(due_account()));
    mocks.lease_taken_on(vec![refreshed_account()]);
    let released = mocks.lease_released();
    mocks.oauth.expect_refresh().never();
    mocks
        .data
        .expect_user_info()
        .withf(|token, _| token.expose() == NEW_ACCESS)
        .times(1)
        .returning(|_, _| Ok(user_info()));
    mocks.profile_saves_onto(refreshed_account());
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(released.all().len(), 1);
}

#[tokio::test]
async fn a_rotated_pair_refused_because_the_account_was_disconnected_meanwhile_is_never_used() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.accounts_are(vec![
        Some(due_account()),
        Some(
            connected_account()
                .disconnected(DisconnectReason::Requested)
                .build(),
        ),
    ]);
    mocks.lease_taken_on(vec![due_account()]);
    mocks
        .oauth
        .expect_refresh()
        .times(1)
        .returning(|_| Ok(token_grant(NEW_ACCESS, NEW_REFRESH)));
    mocks
        .accounts
        .expect_save_refreshed_grant()
        .times(1)
        .returning(|_, _, _, _| Err(RepositoryError::NotFound));
    mocks.data.expect_user_info().never();
    mocks.accounts.expect_save_profile().never();
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::NotConnected);
}

#[tokio::test]
async fn every_refresh_attempt_takes_a_lease_of_its_own_for_the_configured_time() {
    // Arrange: a due refresh, then TikTok refuses the new access token and a second refresh follows.
    let mut mocks = Mocks::default();
    mocks.account_is(Some(due_account()));
    let taken = mocks.lease_taken_on(vec![due_account(), refreshed_account()]);
    let mut grants = vec![
        token_grant("act.newer", "rft.newer"),
        token_grant(NEW_ACCESS, NEW_REFRESH),
    ];
    mocks
        .oauth
        .expect_refresh()
        .times(2)
        .returning(move |_| Ok(grants.pop().unwrap()));
    let saved = mocks.refreshed_grants_save(2);
    mocks
        .data
        .expect_user_info()
        .withf(|token, _| token.expose() == NEW_ACCESS)
        .times(1)
        .returning(|_, _| Err(TikTokApiError::AccessTokenInvalid));
    mocks
        .data
        .expect_user_info()
        .withf(|token, _| token.expose() == "act.newer")
        .times(1)
        .returning(|_, _| Ok(user_info()));
    mocks.profile_saves_onto(due_account());
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert!(result.is_ok(), "{result:?}");
    let leases = taken.all();
    assert_eq!(leases.len(), 2);
    assert_ne!(leases[0].owner, leases[1].owner, "owners are never reused");
    let stored_under: Vec<_> = saved.all().into_iter().map(|(lease, _)| lease).collect();
    assert_eq!(stored_under, leases);
}
