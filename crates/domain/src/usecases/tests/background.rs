//! Background work: the refresher, the sync round with claims, and the reauthorization warning.

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Duration;

use super::support::*;
use crate::ports::{RepositoryError, TikTokApiError};
use crate::usecases::{RefreshReport, SyncReport};

const REPLICA: &str = "replica-a";

fn never() -> bool {
    false
}

/// `due_for_refresh` is asked for tokens expiring within twice the 15-minute margin and answers `users`.
fn due_are(mocks: &mut Mocks, users: Vec<crate::values::UserId>) {
    mocks
        .schedule
        .expect_due_for_refresh()
        .withf(|before, _| *before == now() + Duration::minutes(30))
        .times(1)
        .return_once(move |_, _| Ok(users));
}

/// The first claim answers `users`, the next one nothing.
fn claims_are(mocks: &mut Mocks, users: Vec<crate::values::UserId>) {
    let mut answers = vec![users, Vec::new()].into_iter();
    mocks
        .schedule
        .expect_claim_for_sync()
        .withf(|replica, at, until, _| {
            replica == REPLICA && *at == now() && *until == now() + Duration::minutes(60)
        })
        .times(2)
        .returning(move |_, _, _, _| Ok(answers.next().unwrap_or_default()));
}

#[tokio::test]
async fn the_refresher_renews_a_token_expiring_within_twice_the_margin_without_a_data_request() {
    // Arrange
    let mut mocks = Mocks::default();
    due_are(&mut mocks, vec![user()]);
    let due_soon = connected_account()
        .access_expires_at(now() + Duration::minutes(25))
        .build();
    mocks.account_is(Some(due_soon.clone()));
    // The refresher goes through the single-flight path: the lease, one refresh, the pair stored with it.
    mocks.lease_taken_on(vec![due_soon]);
    mocks
        .oauth
        .expect_refresh()
        .withf(|token| token.expose() == OLD_REFRESH)
        .times(1)
        .returning(|_| Ok(token_grant(NEW_ACCESS, NEW_REFRESH)));
    let saved = mocks.refreshed_grants_save(1);
    mocks.data.expect_user_info().never();
    let service = mocks.service();

    // Act
    let report = service.rounds().refresh_due(100, &never).await.unwrap();

    // Assert
    assert_eq!(
        report,
        RefreshReport {
            refreshed: 1,
            failed: 0,
            skipped: 0
        }
    );
    assert_eq!(saved.only().1, stored_grant(NEW_ACCESS, NEW_REFRESH));
}

#[tokio::test]
async fn the_refresher_skips_an_account_refreshed_meanwhile_and_counts_a_refused_grant_as_failed() {
    // Arrange
    let mut mocks = Mocks::default();
    due_are(&mut mocks, vec![user(), user()]);
    let due_soon = connected_account()
        .access_expires_at(now() + Duration::minutes(5))
        .build();
    mocks.accounts_are(vec![
        Some(connected_account().build()),
        Some(due_soon.clone()),
    ]);
    mocks.lease_taken_on(vec![due_soon]);
    mocks
        .oauth
        .expect_refresh()
        .times(1)
        .returning(|_| Err(crate::ports::OAuthError::Unavailable(boom())));
    mocks.lease_released();
    mocks.accounts.expect_save_refreshed_grant().never();
    let service = mocks.service();

    // Act
    let report = service.rounds().refresh_due(100, &never).await.unwrap();

    // Assert
    assert_eq!(
        report,
        RefreshReport {
            refreshed: 0,
            failed: 1,
            skipped: 1
        }
    );
}

#[tokio::test]
async fn a_sync_round_syncs_each_claimed_account_once_and_stops_when_nothing_is_left() {
    // Arrange
    let mut mocks = Mocks::default();
    claims_are(&mut mocks, vec![user()]);
    mocks.account_is(Some(connected_account().build()));
    mocks
        .data
        .expect_user_info()
        .times(1)
        .returning(|_, _| Ok(user_info()));
    let saved = mocks.profile_saves_onto(connected_account().build());
    let service = mocks.service();

    // Act
    let report = service
        .rounds()
        .sync_round(REPLICA, Duration::minutes(60), 4, &never)
        .await
        .unwrap();

    // Assert
    assert_eq!(
        report,
        SyncReport {
            claimed: 1,
            synced: 1,
            failed: 0,
            skipped: 0
        }
    );
    assert_eq!(saved.only(), fresh_profile());
}

#[tokio::test]
async fn a_failed_sync_in_a_round_is_counted_and_stores_nothing() {
    // Arrange
    let mut mocks = Mocks::default();
    claims_are(&mut mocks, vec![user()]);
    mocks.account_is(Some(connected_account().build()));
    mocks
        .data
        .expect_user_info()
        .times(1)
        .returning(|_, _| Err(TikTokApiError::Unavailable(boom())));
    mocks.accounts.expect_save_profile().never();
    let service = mocks.service();

    // Act
    let report = service
        .rounds()
        .sync_round(REPLICA, Duration::minutes(60), 4, &never)
        .await
        .unwrap();

    // Assert
    assert_eq!((report.synced, report.failed), (0, 1));
}

#[tokio::test]
async fn a_stopping_round_claims_nothing_more_and_skips_accounts_not_started() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks
        .schedule
        .expect_claim_for_sync()
        .times(1)
        .returning(|_, _, _, _| Ok(vec![user(), other_user()]));
    let service = mocks.service();

    // Act: the stop comes after the claim, before any account started.
    let asked = AtomicUsize::new(0);
    let stopping = || asked.fetch_add(1, Ordering::SeqCst) > 0;
    let report = service
        .rounds()
        .sync_round(REPLICA, Duration::minutes(60), 1, &stopping)
        .await
        .unwrap();

    // Assert
    assert_eq!((report.claimed, report.skipped, report.synced), (2, 2, 0));
}

#[tokio::test]
async fn a_round_whose_claim_fails_reports_the_storage_failure() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks
        .schedule
        .expect_claim_for_sync()
        .times(1)
        .returning(|_, _, _, _| Err(RepositoryError::Unavailable(boom())));
    let service = mocks.service();

    // Act
    let result = service
        .rounds()
        .sync_round(REPLICA, Duration::minutes(60), 4, &never)
        .await;

    // Assert
    assert_err!(
        result,
        crate::usecases::ServiceError::DatabaseUnavailable(_)
    );
}

#[tokio::test]
async fn status_shows_reauth_due_at_only_when_the_refresh_token_expires_within_the_warning() {
    for (expires_in_days, shown) in [(13, true), (15, false)] {
        // Arrange
        let expires = now() + Duration::days(expires_in_days);
        let mut mocks = Mocks::default();
        mocks.account_is(Some(
            connected_account().refresh_expires_at(expires).build(),
        ));
        let service = mocks.service();

        // Act
        let status = service.reads().status(&creator(), &user()).await.unwrap();

        // Assert
        assert_eq!(status.reauth_due_at, shown.then_some(expires));
    }
}

#[tokio::test]
async fn a_stopping_refresher_skips_the_accounts_it_has_not_started() {
    // Arrange: two accounts are due, and the replica is shutting down.
    let mut mocks = Mocks::default();
    due_are(&mut mocks, vec![user(), user()]);
    mocks.accounts.expect_find_by_user().never();
    mocks.oauth.expect_refresh().never();
    let service = mocks.service();

    // Act
    let report = service.rounds().refresh_due(100, &|| true).await.unwrap();

    // Assert
    assert_eq!(
        report,
        RefreshReport {
            refreshed: 0,
            failed: 0,
            skipped: 2
        }
    );
}

#[tokio::test]
async fn a_rotated_pair_is_stored_even_when_the_database_fails_for_a_moment() {
    // Arrange: TikTok rotates the pair; the first write finds the database unavailable.
    let mut mocks = Mocks::default();
    due_are(&mut mocks, vec![user()]);
    let due_soon = connected_account()
        .access_expires_at(now() + Duration::minutes(25))
        .build();
    mocks.account_is(Some(due_soon.clone()));
    mocks.lease_taken_on(vec![due_soon]);
    mocks
        .oauth
        .expect_refresh()
        .times(1)
        .returning(|_| Ok(token_grant(NEW_ACCESS, NEW_REFRESH)));
    let writes = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&writes);
    mocks
        .accounts
        .expect_save_refreshed_grant()
        .withf(|_, _, grant, _| grant == &stored_grant(NEW_ACCESS, NEW_REFRESH))
        .times(2)
        .returning(move |_, _, _, _| {
            if counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                Err(crate::ports::RepositoryError::Unavailable(boom()))
            } else {
                Ok(())
            }
        });
    let service = mocks.service();

    // Act
    let report = service.rounds().refresh_due(100, &never).await.unwrap();

    // Assert: the pair TikTok issued (the only copy of the new refresh token) was stored on the retry.
    assert_eq!(report.refreshed, 1, "{report:?}");
    assert_eq!(writes.load(std::sync::atomic::Ordering::SeqCst), 2);
}
