//! Reading a connection: status and stored metrics. Neither calls TikTok (no expectation is set on its
//! ports, so a call would fail the test).

use super::support::*;
use crate::account::{ConnectionState, DisconnectReason};
use crate::ports::RepositoryError;
use crate::usecases::{AccountMetrics, ServiceError};

fn stored_metrics() -> AccountMetrics {
    let account = connected_account().build();
    AccountMetrics {
        user_id: user(),
        follower_count: Some(10),
        following_count: Some(20),
        like_count: Some(30),
        video_count: Some(4),
        last_sync_at: account.last_sync_at,
    }
}

// ---------------------------------------------------------------------------------------------------
// status
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn status_of_a_user_who_never_connected_is_not_connected_without_an_account() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.account_is(None);
    let service = mocks.service();

    // Act
    let status = service.reads().status(&creator(), &user()).await.unwrap();

    // Assert
    assert_eq!(status.user_id, user());
    assert_eq!(status.state, ConnectionState::Disconnected);
    assert!(!status.connected());
    assert!(status.account.is_none());
    assert_eq!(status.disconnect_reason, None);
}

#[tokio::test]
async fn status_of_a_disconnected_account_keeps_the_reason_and_hides_the_account() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.account_is(Some(
        connected_account()
            .disconnected(DisconnectReason::AccountBanned)
            .build(),
    ));
    let service = mocks.service();

    // Act
    let status = service.reads().status(&creator(), &user()).await.unwrap();

    // Assert
    assert_eq!(status.state, ConnectionState::Disconnected);
    assert!(!status.connected());
    assert!(status.account.is_none());
    assert_eq!(
        status.disconnect_reason,
        Some(DisconnectReason::AccountBanned)
    );
}

#[tokio::test]
async fn status_of_a_connected_account_shows_the_account() {
    // Arrange
    let mut mocks = Mocks::default();
    let account = connected_account().build();
    mocks.account_is(Some(account.clone()));
    let service = mocks.service();

    // Act
    let status = service.reads().status(&admin(), &user()).await.unwrap();

    // Assert
    assert_eq!(status.state, ConnectionState::Connected);
    assert!(status.connected());
    assert_eq!(status.account, Some(account));
    assert_eq!(status.disconnect_reason, None);
}

#[tokio::test]
async fn status_of_an_account_awaiting_reauthorization_shows_the_last_known_profile() {
    // Arrange
    let mut mocks = Mocks::default();
    let account = connected_account().reauth_required().build();
    mocks.account_is(Some(account.clone()));
    let service = mocks.service();

    // Act
    let status = service.reads().status(&creator(), &user()).await.unwrap();

    // Assert
    assert_eq!(status.state, ConnectionState::ReauthRequired);
    assert!(!status.connected());
    assert_eq!(status.account.map(|a| a.profile), Some(stored_profile()));
}

#[tokio::test]
async fn status_is_database_unavailable_when_storage_is_down() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks
        .accounts
        .expect_find_by_user()
        .times(1)
        .returning(|_| Err(RepositoryError::Unavailable(boom())));
    let service = mocks.service();

    // Act
    let result = service.reads().status(&creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::DatabaseUnavailable(_));
}

#[tokio::test]
async fn status_is_forbidden_for_a_creator_asking_about_another_user() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.accounts.expect_find_by_user().never();
    let service = mocks.service();

    // Act
    let result = service.reads().status(&other_creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::Forbidden);
}

// ---------------------------------------------------------------------------------------------------
// metrics
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn metrics_of_a_connected_account_are_the_stored_counts() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.account_is(Some(connected_account().build()));
    let service = mocks.service();

    // Act
    let metrics = service.reads().metrics(&creator(), &user()).await.unwrap();

    // Assert
    assert_eq!(metrics, stored_metrics());
}

#[tokio::test]
async fn metrics_of_an_account_awaiting_reauthorization_are_the_last_known_counts() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.account_is(Some(connected_account().reauth_required().build()));
    let service = mocks.service();

    // Act
    let metrics = service.reads().metrics(&creator(), &user()).await.unwrap();

    // Assert
    assert_eq!(metrics, stored_metrics());
}

#[tokio::test]
async fn metrics_without_an_account_or_of_a_disconnected_one_are_not_connected() {
    let answers = [
        None,
        Some(
            connected_account()
                .disconnected(DisconnectReason::Requested)
                .build(),
        ),
    ];
    for account in answers {
        // Arrange
        let mut mocks = Mocks::default();
        mocks.account_is(account);
        let service = mocks.service();

        // Act
        let result = service.reads().metrics(&creator(), &user()).await;

        // Assert
        assert_err!(result, ServiceError::NotConnected);
    }
}

#[tokio::test]
async fn metrics_are_forbidden_for_a_creator_asking_about_another_user() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.accounts.expect_find_by_user().never();
    let service = mocks.service();

    // Act
    let result = service.reads().metrics(&other_creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::Forbidden);
}
