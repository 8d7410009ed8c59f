//! Disconnecting: revoke at TikTok (best effort), then forget the tokens.

use chrono::Duration;
use mockall::Sequence;

use super::support::*;
use crate::account::{ConnectionState, DisconnectReason, TokenKind};
use crate::events::DisconnectCause;
use crate::ports::{CipherError, MockTokenCipher, OAuthError, RepositoryError};
use crate::usecases::ServiceError;

/// `disconnect(42, Requested, now)` is called once and answers the disconnected account.
fn expect_local_disconnect(mocks: &mut Mocks, seq: Option<&mut Sequence>) {
    let expectation = mocks
        .accounts
        .expect_disconnect()
        .withf(|user_id, reason, at| {
            user_id == &user() && *reason == DisconnectCause::UserRequest && *at == now()
        })
        .times(1)
        .returning(|_, reason, _| {
            Ok(Some(
                connected_account()
                    .disconnected(reason.stored_reason())
                    .build(),
            ))
        });
    if let Some(seq) = seq {
        expectation.in_sequence(seq);
    }
}

#[tokio::test]
async fn disconnecting_a_user_who_never_connected_answers_not_connected_and_calls_nothing() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.account_is(None);
    mocks.oauth.expect_revoke().never();
    mocks.accounts.expect_disconnect().never();
    let service = mocks.service();

    // Act
    let status = service
        .connections()
        .disconnect(&creator(), &user())
        .await
        .unwrap();

    // Assert
    assert_eq!(status.user_id, user());
    assert_eq!(status.state, ConnectionState::Disconnected);
    assert!(!status.connected());
    assert!(status.account.is_none());
}

#[tokio::test]
async fn disconnecting_revokes_the_opened_access_token_then_forgets_the_grant() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.account_is(Some(connected_account().build()));
    let mut seq = Sequence::new();
    mocks
        .oauth
        .expect_revoke()
        .withf(|token| token.expose() == OLD_ACCESS)
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| Ok(()));
    expect_local_disconnect(&mut mocks, Some(&mut seq));
    mocks.oauth.expect_refresh().never();
    let service = mocks.service();

    // Act
    let status = service
        .connections()
        .disconnect(&creator(), &user())
        .await
        .unwrap();

    // Assert
    assert_eq!(status.state, ConnectionState::Disconnected);
    assert!(status.account.is_none());
    assert_eq!(status.disconnect_reason, Some(DisconnectReason::Requested));
}

#[tokio::test]
async fn a_failed_revoke_at_tiktok_still_disconnects() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.account_is(Some(connected_account().build()));
    mocks
        .oauth
        .expect_revoke()
        .times(1)
        .returning(|_| Err(OAuthError::Unavailable(boom())));
    expect_local_disconnect(&mut mocks, None);
    let service = mocks.service();

    // Act
    let status = service
        .connections()
        .disconnect(&creator(), &user())
        .await
        .unwrap();

    // Assert
    assert_eq!(status.state, ConnectionState::Disconnected);
    assert!(status.account.is_none());
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_before_it_is_revoked() {
    // Arrange
    let mut mocks = Mocks::default();
    let account = connected_account()
        .access_expires_at(now() - Duration::minutes(1))
        .build();
    mocks.account_is(Some(account.clone()));
    mocks.lease_taken_on(vec![account]);
    let mut seq = Sequence::new();
    mocks.rotation_stored_in(&mut seq);
    mocks
        .oauth
        .expect_revoke()
        .withf(|token| token.expose() == NEW_ACCESS)
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| Ok(()));
    expect_local_disconnect(&mut mocks, Some(&mut seq));
    let service = mocks.service();

    // Act
    let result = service.connections().disconnect(&creator(), &user()).await;

    // Assert
    assert_eq!(result.unwrap().state, ConnectionState::Disconnected);
}

#[tokio::test]
async fn a_refused_refresh_while_disconnecting_still_disconnects_without_revoking() {
    // Arrange
    let mut mocks = Mocks::default();
    let account = connected_account()
        .access_expires_at(now() - Duration::minutes(1))
        .build();
    mocks.accounts_are(vec![Some(account.clone()), Some(account.clone())]);
    mocks.lease_taken_on(vec![account]);
    mocks
        .oauth
        .expect_refresh()
        .times(1)
        .returning(|_| Err(OAuthError::InvalidGrant));
    mocks
        .accounts
        .expect_mark_reauth_required()
        .times(0..=1)
        .returning(|_, _, _, _| Ok(()));
    mocks.oauth.expect_revoke().never();
    expect_local_disconnect(&mut mocks, None);
    let service = mocks.service();

    // Act
    let result = service.connections().disconnect(&creator(), &user()).await;

    // Assert
    assert_eq!(result.unwrap().state, ConnectionState::Disconnected);
}

#[tokio::test]
async fn a_stored_access_token_that_does_not_open_still_disconnects_without_revoking() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.account_is(Some(connected_account().build()));
    let mut cipher = MockTokenCipher::new();
    cipher
        .expect_open()
        .withf(|_, context| context.owner == USER && context.kind == TokenKind::Access)
        .times(1)
        .returning(|_, _| Err(CipherError::Tampered));
    mocks.cipher = Some(cipher);
    mocks.oauth.expect_revoke().never();
    expect_local_disconnect(&mut mocks, None);
    let service = mocks.service();

    // Act
    let result = service.connections().disconnect(&creator(), &user()).await;

    // Assert
    assert_eq!(result.unwrap().state, ConnectionState::Disconnected);
}

#[tokio::test]
async fn an_account_awaiting_reauthorization_is_disconnected_without_calling_tiktok() {
    // Arrange: no token is held any more.
    let mut mocks = Mocks::default();
    mocks.account_is(Some(connected_account().reauth_required().build()));
    mocks.oauth.expect_revoke().never();
    mocks.oauth.expect_refresh().never();
    expect_local_disconnect(&mut mocks, None);
    let service = mocks.service();

    // Act
    let status = service
        .connections()
        .disconnect(&creator(), &user())
        .await
        .unwrap();

    // Assert
    assert_eq!(status.state, ConnectionState::Disconnected);
    assert!(status.account.is_none());
}

#[tokio::test]
async fn disconnecting_again_calls_no_tiktok_endpoint_and_answers_not_connected() {
    // Arrange
    let mut mocks = Mocks::default();
    let account = connected_account()
        .disconnected(DisconnectReason::Requested)
        .build();
    mocks.account_is(Some(account.clone()));
    mocks.oauth.expect_revoke().never();
    mocks.oauth.expect_refresh().never();
    mocks
        .accounts
        .expect_disconnect()
        .times(0..=1)
        .returning(move |_, _, _| Ok(Some(account.clone())));
    let service = mocks.service();

    // Act
    let status = service
        .connections()
        .disconnect(&creator(), &user())
        .await
        .unwrap();

    // Assert
    assert_eq!(status.state, ConnectionState::Disconnected);
    assert!(status.account.is_none());
}

#[tokio::test]
async fn disconnect_is_database_unavailable_when_the_tokens_cannot_be_erased() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.account_is(Some(connected_account().build()));
    mocks.oauth.expect_revoke().times(1).returning(|_| Ok(()));
    mocks
        .accounts
        .expect_disconnect()
        .times(1)
        .returning(|_, _, _| Err(RepositoryError::Unavailable(boom())));
    let service = mocks.service();

    // Act
    let result = service.connections().disconnect(&creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::DatabaseUnavailable(_));
}

#[tokio::test]
async fn disconnect_is_forbidden_for_a_creator_acting_for_another_user() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.accounts.expect_find_by_user().never();
    mocks.oauth.expect_revoke().never();
    mocks.accounts.expect_disconnect().never();
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .disconnect(&other_creator(), &user())
        .await;

    // Assert
    assert_err!(result, ServiceError::Forbidden);
}
