//! Syncing the profile: token freshness, refresh and its failures, TikTok's errors.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use mockall::Sequence;

use super::support::*;
use crate::account::{DisconnectReason, ReauthReason, SealedToken, StoredGrant, TokenKind};
use crate::ports::{
    CipherError, MockTokenCipher, OAuthError, RepositoryError, TikTokApiError, TokenGrant, UserInfo,
};
use crate::usecases::refresh::LATE_SAVE_MAX_PAUSE;
use crate::usecases::{AccountMetrics, ServiceError};
use crate::values::OpenId;

/// An access token TikTok still accepts but that expires within the 15-minute refresh margin.
fn due() -> DateTime<Utc> {
    now() + Duration::minutes(14)
}

/// `refresh` is called once with `refresh_token` and answers `result`.
fn expect_refresh(
    mocks: &mut Mocks,
    refresh_token: &'static str,
    result: Result<TokenGrant, OAuthError>,
) {
    mocks
        .oauth
        .expect_refresh()
        .withf(move |token| token.expose() == refresh_token)
        .times(1)
        .return_once(move |_| result);
}

/// `user_info` is called once with `access_token` and the account's scopes, and answers `result`.
fn expect_user_info(
    mocks: &mut Mocks,
    access_token: &'static str,
    result: Result<UserInfo, TikTokApiError>,
) {
    mocks
        .data
        .expect_user_info()
        .withf(move |token, granted| token.expose() == access_token && granted == &scopes())
        .times(1)
        .return_once(move |_, _| result);
}

/// `mark_reauth_required(42, <the stored refresh token>, reason, now)` is called once: the grant judged
/// dead is the one the account held, for that reason.
fn expect_reauth_marked(mocks: &mut Mocks, reason: ReauthReason) {
    mocks
        .accounts
        .expect_mark_reauth_required()
        .withf(move |user_id, refused, why, at| {
            user_id == &user()
                && *refused == sealed(USER, TokenKind::Refresh, OLD_REFRESH)
                && *why == reason
                && *at == now()
        })
        .times(1)
        .returning(|_, _, _, _| Ok(()));
}

/// Nothing is written and TikTok's data API is left alone.
fn expect_nothing_stored(mocks: &mut Mocks) {
    mocks.accounts.expect_save_refreshed_grant().never();
    mocks.accounts.expect_save_profile().never();
}

fn synced_metrics() -> AccountMetrics {
    AccountMetrics {
        user_id: user(),
        follower_count: Some(1_000),
        following_count: Some(21),
        like_count: Some(45_000),
        video_count: Some(5),
        last_sync_at: Some(now()),
    }
}

#[tokio::test]
async fn sync_without_an_account_or_of_a_disconnected_one_is_not_connected() {
    let answers = [
        None,
        Some(
            connected_account()
                .disconnected(DisconnectReason::UserDisconnected)
                .build(),
        ),
    ];
    for account in answers {
        // Arrange
        let mut mocks = Mocks::default();
        mocks.account_is(account);
        mocks.oauth.expect_refresh().never();
        mocks.data.expect_user_info().never();
        let service = mocks.service();

        // Act
        let result = service.syncs().sync(&creator(), &user()).await;

        // Assert
        assert_err!(result, ServiceError::NotConnected);
    }
}

#[tokio::test]
async fn sync_of_an_account_awaiting_reauthorization_is_reauth_required_without_calling_tiktok() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.account_is(Some(connected_account().reauth_required().build()));
    mocks.oauth.expect_refresh().never();
    mocks.data.expect_user_info().never();
    mocks.accounts.expect_mark_reauth_required().never();
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::ReauthRequired);
}

#[tokio::test]
async fn sync_is_forbidden_for_a_creator_acting_for_another_user() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.accounts.expect_find_by_user().never();
    mocks.data.expect_user_info().never();
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&other_creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::Forbidden);
}

#[tokio::test]
async fn sync_with_a_fresh_token_reads_and_stores_the_profile_without_refreshing() {
    // Arrange: one second more than the margin left.
    let mut mocks = Mocks::default();
    let account = connected_account()
        .access_expires_at(now() + Duration::minutes(15) + Duration::seconds(1))
        .build();
    mocks.account_is(Some(account.clone()));
    mocks.oauth.expect_refresh().never();
    expect_user_info(&mut mocks, OLD_ACCESS, Ok(user_info()));
    let saved = mocks.profile_saves_onto(account);
    let service = mocks.service();

    // Act
    let metrics = service.syncs().sync(&creator(), &user()).await.unwrap();

    // Assert
    assert_eq!(saved.only(), fresh_profile());
    assert_eq!(metrics, synced_metrics());
}

#[tokio::test]
async fn a_token_expiring_within_the_margin_is_refreshed_and_the_new_pair_stored_before_it_is_used()
{
    let expiries = [
        now() + Duration::minutes(15), // exactly the margin left
        due(),
        now() - Duration::hours(1), // already expired
    ];
    for access_expires_at in expiries {
        // Arrange
        let mut mocks = Mocks::default();
        let account = connected_account()
            .access_expires_at(access_expires_at)
            .build();
        mocks.account_is(Some(account.clone()));
        let taken = mocks.lease_taken_on(vec![account.clone()]);
        let mut seq = Sequence::new();
        mocks
            .oauth
            .expect_refresh()
            .withf(|token| token.expose() == OLD_REFRESH)
            .times(1)
            .in_sequence(&mut seq)
            .returning(|_| Ok(token_grant(NEW_ACCESS, NEW_REFRESH)));
        let saved = Captured::default();
        let sink = saved.clone();
        mocks
            .accounts
            .expect_save_refreshed_grant()
            .withf(|user_id, _, grant, at| {
                user_id == &user()
                    && grant == &stored_grant(NEW_ACCESS, NEW_REFRESH)
                    && *at == now()
            })
            .times(1)
            .in_sequence(&mut seq)
            .returning(move |_, lease, _, _| {
                sink.push(lease.clone());
                Ok(())
            });
        mocks
            .data
            .expect_user_info()
            .withf(|token, _| token.expose() == NEW_ACCESS)
            .times(1)
            .in_sequence(&mut seq)
            .returning(|_, _| Ok(user_info()));
        mocks.profile_saves_onto(account);
        let service = mocks.service();

        // Act
        let result = service.syncs().sync(&creator(), &user()).await;

        // Assert
        assert_eq!(
            result.unwrap(),
            synced_metrics(),
            "access token expiring at {access_expires_at}"
        );
        assert_eq!(
            saved.only(),
            taken.only(),
            "stored under the lease it was refreshed with"
        );
    }
}

/// Arranges a due account whose refresh TikTok answers with a rotated pair that the database does not take
/// under the lease (four tries); returns the calls of the late save, which answers from `late`.
fn rotated_pair_refused_under_the_lease(
    mocks: &mut Mocks,
    late: Vec<Result<(), RepositoryError>>,
) -> Captured<(SealedToken, StoredGrant)> {
    let account = connected_account().access_expires_at(due()).build();
    mocks.account_is(Some(account.clone()));
    mocks.lease_taken_on(vec![account]);
    expect_refresh(mocks, OLD_REFRESH, Ok(token_grant(NEW_ACCESS, NEW_REFRESH)));
    mocks
        .accounts
        .expect_save_refreshed_grant()
        .times(4)
        .returning(|_, _, _, _| Err(RepositoryError::Unavailable(boom())));
    mocks.data.expect_user_info().never();
    mocks.accounts.expect_save_profile().never();
    let calls = Captured::default();
    let sink = calls.clone();
    let answers = std::sync::Mutex::new(late.into_iter());
    mocks
        .accounts
        .expect_save_late_rotated_grant()
        .withf(|user_id, _, _, at| user_id == &user() && *at == now())
        .returning(move |_, replaced, grant, _| {
            sink.push((replaced.clone(), grant.clone()));
            answers
                .lock()
                .unwrap()
                .next()
                .unwrap_or_else(|| Err(RepositoryError::Unavailable(boom())))
        });
    calls
}

/// Lets the paused clock run until `calls` holds `n` calls (or an hour passed).
async fn until_called<T: Clone>(calls: &Captured<T>, n: usize) -> Vec<T> {
    for _ in 0..14_400 {
        if calls.all().len() >= n {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(250)).await;
    }
    calls.all()
}

#[tokio::test(start_paused = true)]
async fn a_rotated_pair_the_database_refuses_is_never_used_and_is_stored_once_the_database_is_back()
{
    // Arrange: the database is back at the third late try.
    let mut mocks = Mocks::default();
    let late = rotated_pair_refused_under_the_lease(
        &mut mocks,
        vec![
            Err(RepositoryError::Unavailable(boom())),
            Err(RepositoryError::Unavailable(boom())),
            Ok(()),
        ],
    );
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert: the request fails without using the new token; the pair is stored later, over the row
    // that still holds the refresh token it replaced, and then no more is tried.
    assert_err!(result, ServiceError::DatabaseUnavailable(_));
    let calls = until_called(&late, 3).await;
    assert_eq!(calls.len(), 3);
    for (replaced, grant) in &calls {
        assert_eq!(replaced, &sealed(USER, TokenKind::Refresh, OLD_REFRESH));
        assert_eq!(grant, &stored_grant(NEW_ACCESS, NEW_REFRESH));
    }
    tokio::time::sleep(StdDuration::from_secs(60)).await;
    assert_eq!(late.all().len(), 3, "stored: nothing more to do");
}

#[tokio::test(start_paused = true)]
async fn a_late_rotated_pair_stops_when_the_account_changed_and_gives_up_after_its_patience() {
    // The account was reconnected meanwhile: the pair is dropped at once.
    let mut mocks = Mocks::default();
    let late =
        rotated_pair_refused_under_the_lease(&mut mocks, vec![Err(RepositoryError::NotFound)]);
    let result = mocks.service().syncs().sync(&creator(), &user()).await;
    assert_err!(result, ServiceError::DatabaseUnavailable(_));
    until_called(&late, 1).await;
    tokio::time::sleep(StdDuration::from_secs(60)).await;
    assert_eq!(late.all().len(), 1);

    // The database never comes back: tried again and again (backing off, never more than
    // LATE_SAVE_MAX_PAUSE plus its jitter apart) for 15 minutes, then given up.
    let mut mocks = Mocks::default();
    let late = rotated_pair_refused_under_the_lease(&mut mocks, vec![]);
    let result = mocks.service().syncs().sync(&creator(), &user()).await;
    assert_err!(result, ServiceError::DatabaseUnavailable(_));
    tokio::time::sleep(StdDuration::from_secs(14 * 60)).await;
    let within = late.all().len();
    let most_apart = 2 * LATE_SAVE_MAX_PAUSE.as_secs();
    assert!(
        within as u64 >= 14 * 60 / most_apart,
        "{within} tries in 14 minutes"
    );
    tokio::time::sleep(StdDuration::from_secs(6 * 60)).await;
    let tries = late.all().len();
    assert!(tries > within, "still trying until the patience is spent");
    tokio::time::sleep(StdDuration::from_secs(60)).await;
    assert_eq!(late.all().len(), tries, "given up");
}

#[tokio::test]
async fn a_refused_refresh_marks_the_account_for_reauthorization_and_is_never_retried() {
    // Arrange: the stored row still holds the refresh token TikTok refused.
    let mut mocks = Mocks::default();
    let account = connected_account().access_expires_at(due()).build();
    mocks.accounts_are(vec![Some(account.clone()), Some(account.clone())]);
    mocks.lease_taken_on(vec![account]);
    expect_refresh(&mut mocks, OLD_REFRESH, Err(OAuthError::InvalidGrant));
    expect_reauth_marked(&mut mocks, ReauthReason::AccessRevoked);
    expect_nothing_stored(&mut mocks);
    mocks.data.expect_user_info().never();
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::ReauthRequired);
}

#[tokio::test]
async fn a_refused_grant_replaced_between_the_check_and_the_mark_is_left_alone_and_the_caller_retries(
) {
    // Arrange: the re-read after TikTok's refusal still shows the refused grant, but a reconnect (or a
    // rotated pair stored late) replaces it before the mark: storage finds no row holding the refused
    // refresh token and changes nothing.
    let mut mocks = Mocks::default();
    let account = connected_account().access_expires_at(due()).build();
    mocks.accounts_are(vec![Some(account.clone()), Some(account.clone())]);
    mocks.lease_taken_on(vec![account]);
    mocks.lease_released();
    expect_refresh(&mut mocks, OLD_REFRESH, Err(OAuthError::InvalidGrant));
    mocks
        .accounts
        .expect_mark_reauth_required()
        .withf(|_, refused, _, _| *refused == sealed(USER, TokenKind::Refresh, OLD_REFRESH))
        .times(1)
        .returning(|_, _, _, _| Err(RepositoryError::NotFound));
    expect_nothing_stored(&mut mocks);
    mocks.data.expect_user_info().never();
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert: not `reauth_required` (the new grant is good); a retry uses it.
    assert!(
        matches!(result, Err(ServiceError::AccountBusy(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_refused_refresh_after_a_concurrent_rotation_uses_the_newly_stored_access_token() {
    // Arrange: the creator reconnected during our refresh (which freed our lease), so TikTok refused the
    // old grant's refresh token.
    let mut mocks = Mocks::default();
    let ours = connected_account().access_expires_at(due()).build();
    let rotated = connected_account()
        .tokens("act.rotated", "rft.rotated")
        .access_expires_at(now() + Duration::hours(24))
        .build();
    mocks.accounts_are(vec![Some(ours.clone()), Some(rotated)]);
    mocks.lease_taken_on(vec![ours.clone()]);
    mocks.lease_released();
    expect_refresh(&mut mocks, OLD_REFRESH, Err(OAuthError::InvalidGrant));
    mocks.accounts.expect_mark_reauth_required().never();
    expect_user_info(&mut mocks, "act.rotated", Ok(user_info()));
    mocks.profile_saves_onto(ours);
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert_eq!(result.unwrap(), synced_metrics());
}

#[tokio::test]
async fn an_expired_refresh_token_requires_reauthorization_without_calling_tiktok() {
    for refresh_expires_at in [now(), now() - Duration::days(1)] {
        // Arrange
        let mut mocks = Mocks::default();
        let account = connected_account()
            .access_expires_at(due())
            .refresh_expires_at(refresh_expires_at)
            .build();
        mocks.account_is(Some(account.clone()));
        mocks.lease_taken_on(vec![account]);
        mocks.oauth.expect_refresh().never();
        mocks.data.expect_user_info().never();
        expect_reauth_marked(&mut mocks, ReauthReason::RefreshTokenExpired);
        expect_nothing_stored(&mut mocks);
        let service = mocks.service();

        // Act
        let result = service.syncs().sync(&creator(), &user()).await;

        // Assert
        assert_err!(result, ServiceError::ReauthRequired);
    }
}

#[tokio::test]
async fn an_ambiguous_refresh_failure_is_tiktok_unavailable_neither_retried_nor_marked() {
    // Arrange: TikTok may have rotated the token and the answer was lost.
    let mut mocks = Mocks::default();
    let account = connected_account().access_expires_at(due()).build();
    mocks.account_is(Some(account.clone()));
    let taken = mocks.lease_taken_on(vec![account]);
    let released = mocks.lease_released();
    expect_refresh(
        &mut mocks,
        OLD_REFRESH,
        Err(OAuthError::Unavailable(boom())),
    );
    mocks.accounts.expect_mark_reauth_required().never();
    mocks.data.expect_user_info().never();
    expect_nothing_stored(&mut mocks);
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::TikTokUnavailable(_));
    assert_eq!(released.only(), taken.only(), "the lease is freed at once");
}

#[tokio::test]
async fn a_rate_limited_refresh_is_rate_limited_and_not_retried() {
    // Arrange
    let mut mocks = Mocks::default();
    let account = connected_account().access_expires_at(due()).build();
    mocks.account_is(Some(account.clone()));
    mocks.lease_taken_on(vec![account]);
    mocks.lease_released();
    expect_refresh(
        &mut mocks,
        OLD_REFRESH,
        Err(OAuthError::RateLimited {
            retry_after: Some(StdDuration::from_secs(60)),
        }),
    );
    mocks.accounts.expect_mark_reauth_required().never();
    mocks.data.expect_user_info().never();
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    match result {
        Err(ServiceError::RateLimited { retry_after }) => {
            assert_eq!(retry_after, Some(StdDuration::from_secs(60)));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
}

#[tokio::test]
async fn an_access_token_tiktok_refuses_is_refreshed_once_and_the_read_retried_once() {
    // Arrange
    let mut mocks = Mocks::default();
    let account = connected_account().build();
    mocks.account_is(Some(account.clone()));
    // Read back under the lease before the forced refresh.
    mocks.lease_taken_on(vec![account.clone()]);
    let mut seq = Sequence::new();
    mocks
        .data
        .expect_user_info()
        .withf(|token, _| token.expose() == OLD_ACCESS)
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _| Err(TikTokApiError::AccessTokenInvalid));
    mocks.rotation_stored_in(&mut seq);
    mocks
        .data
        .expect_user_info()
        .withf(|token, _| token.expose() == NEW_ACCESS)
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _| Ok(user_info()));
    mocks.profile_saves_onto(account);
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert_eq!(result.unwrap(), synced_metrics());
}

#[tokio::test]
async fn an_access_token_refused_again_after_the_refresh_is_a_tiktok_error_after_one_refresh() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.account_is(Some(connected_account().build()));
    mocks.lease_taken_on(vec![connected_account().build()]);
    mocks
        .data
        .expect_user_info()
        .times(2)
        .returning(|_, _| Err(TikTokApiError::AccessTokenInvalid));
    expect_refresh(
        &mut mocks,
        OLD_REFRESH,
        Ok(token_grant(NEW_ACCESS, NEW_REFRESH)),
    );
    mocks.refreshed_grants_save(1);
    mocks.accounts.expect_save_profile().never();
    mocks.accounts.expect_mark_reauth_required().never();
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::TikTokError(_));
}

#[tokio::test]
async fn a_forced_refresh_that_tiktok_refuses_requires_reauthorization() {
    // Arrange
    let mut mocks = Mocks::default();
    let account = connected_account().build();
    // Read by sync, read back under the lease, and re-read after TikTok refuses the refresh.
    mocks.accounts_are(vec![Some(account.clone()), Some(account.clone())]);
    mocks.lease_taken_on(vec![account]);
    expect_user_info(
        &mut mocks,
        OLD_ACCESS,
        Err(TikTokApiError::AccessTokenInvalid),
    );
    expect_refresh(&mut mocks, OLD_REFRESH, Err(OAuthError::InvalidGrant));
    expect_reauth_marked(&mut mocks, ReauthReason::AccessRevoked);
    expect_nothing_stored(&mut mocks);
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::ReauthRequired);
}

#[tokio::test]
async fn a_retry_after_a_due_refresh_sends_the_rotated_refresh_token_never_the_spent_one() {
    // Arrange: the token is due, so sync refreshes first; TikTok then refuses the new access token.
    let mut mocks = Mocks::default();
    let account = connected_account().access_expires_at(due()).build();
    let after_first_refresh = connected_account()
        .grant_is(stored_grant(NEW_ACCESS, NEW_REFRESH))
        .build();
    mocks.account_is(Some(account.clone()));
    mocks.lease_taken_on(vec![account.clone(), after_first_refresh]);
    let sent = Captured::<String>::default();
    let sink = sent.clone();
    let mut grants = vec![
        token_grant("act.newer", "rft.newer"),
        token_grant(NEW_ACCESS, NEW_REFRESH),
    ];
    mocks
        .oauth
        .expect_refresh()
        .times(2)
        .returning(move |token| {
            sink.push(token.expose().to_owned());
            Ok(grants.pop().unwrap())
        });
    mocks.refreshed_grants_save(2);
    let mut seq = Sequence::new();
    mocks
        .data
        .expect_user_info()
        .withf(|token, _| token.expose() == NEW_ACCESS)
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _| Err(TikTokApiError::AccessTokenInvalid));
    mocks
        .data
        .expect_user_info()
        .withf(|token, _| token.expose() == "act.newer")
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _| Ok(user_info()));
    mocks.profile_saves_onto(account);
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(
        sent.all(),
        vec![OLD_REFRESH.to_owned(), NEW_REFRESH.to_owned()],
        "TikTok rotated {OLD_REFRESH} away at the first refresh; it must not be sent again"
    );
}

#[tokio::test]
async fn a_withdrawn_scope_marks_the_account_for_reauthorization() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.account_is(Some(connected_account().build()));
    expect_user_info(
        &mut mocks,
        OLD_ACCESS,
        Err(TikTokApiError::ScopeNotAuthorized),
    );
    mocks.oauth.expect_refresh().never();
    expect_reauth_marked(&mut mocks, ReauthReason::ScopeWithdrawn);
    expect_nothing_stored(&mut mocks);
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::ReauthRequired);
}

#[tokio::test]
async fn tiktok_rate_limiting_the_profile_read_is_rate_limited_and_stores_nothing() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.account_is(Some(connected_account().build()));
    expect_user_info(
        &mut mocks,
        OLD_ACCESS,
        Err(TikTokApiError::RateLimited {
            retry_after: Some(StdDuration::from_secs(5)),
        }),
    );
    mocks.oauth.expect_refresh().never();
    mocks.accounts.expect_mark_reauth_required().never();
    expect_nothing_stored(&mut mocks);
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    match result {
        Err(ServiceError::RateLimited { retry_after }) => {
            assert_eq!(retry_after, Some(StdDuration::from_secs(5)));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
}

#[tokio::test]
async fn tiktok_unavailable_on_the_profile_read_is_tiktok_unavailable_and_stores_nothing() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.account_is(Some(connected_account().build()));
    expect_user_info(
        &mut mocks,
        OLD_ACCESS,
        Err(TikTokApiError::Unavailable(boom())),
    );
    mocks.oauth.expect_refresh().never();
    mocks.accounts.expect_mark_reauth_required().never();
    expect_nothing_stored(&mut mocks);
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::TikTokUnavailable(_));
}

#[tokio::test]
async fn user_info_of_another_open_id_is_a_tiktok_error_and_nothing_is_saved() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.account_is(Some(connected_account().build()));
    expect_user_info(
        &mut mocks,
        OLD_ACCESS,
        Ok(UserInfo {
            open_id: Some(OpenId::parse("someone-else").unwrap()),
            ..user_info()
        }),
    );
    expect_nothing_stored(&mut mocks);
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::TikTokError(_));
}

#[tokio::test]
async fn user_info_without_an_open_id_is_stored() {
    // Arrange: `open_id` is only sent when asked for.
    let mut mocks = Mocks::default();
    let account = connected_account().build();
    mocks.account_is(Some(account.clone()));
    expect_user_info(
        &mut mocks,
        OLD_ACCESS,
        Ok(UserInfo {
            open_id: None,
            ..user_info()
        }),
    );
    mocks.profile_saves_onto(account);
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert_eq!(result.unwrap(), synced_metrics());
}

#[tokio::test]
async fn a_stored_token_that_does_not_open_requires_reauthorization_instead_of_failing() {
    // The fresh access token, then the refresh token of a due grant.
    let cases = [
        (now() + Duration::hours(20), TokenKind::Access),
        (due(), TokenKind::Refresh),
    ];
    for (access_expires_at, kind) in cases {
        // Arrange
        let mut mocks = Mocks::default();
        let account = connected_account()
            .access_expires_at(access_expires_at)
            .build();
        mocks.account_is(Some(account.clone()));
        if kind == TokenKind::Refresh {
            mocks.lease_taken_on(vec![account]);
        }
        let mut cipher = MockTokenCipher::new();
        cipher
            .expect_open()
            .withf(move |_, context| context.owner == USER && context.kind == kind)
            .times(1)
            .returning(|_, _| Err(CipherError::Tampered));
        mocks.cipher = Some(cipher);
        mocks.oauth.expect_refresh().never();
        mocks.data.expect_user_info().never();
        expect_reauth_marked(&mut mocks, ReauthReason::Unknown);
        expect_nothing_stored(&mut mocks);
        let service = mocks.service();

        // Act
        let result = service.syncs().sync(&creator(), &user()).await;

        // Assert
        assert!(
            matches!(result, Err(ServiceError::ReauthRequired)),
            "{kind:?}: {result:?}"
        );
    }
}

#[tokio::test]
async fn a_token_that_does_not_open_and_a_database_outage_is_database_unavailable() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.account_is(Some(connected_account().build()));
    let mut cipher = MockTokenCipher::new();
    cipher
        .expect_open()
        .times(1)
        .returning(|_, _| Err(CipherError::UnknownKey));
    mocks.cipher = Some(cipher);
    mocks
        .accounts
        .expect_mark_reauth_required()
        .times(1)
        .returning(|_, _, _, _| Err(RepositoryError::Unavailable(boom())));
    mocks.data.expect_user_info().never();
    let service = mocks.service();

    // Act
    let result = service.syncs().sync(&creator(), &user()).await;

    // Assert
    assert_err!(result, ServiceError::DatabaseUnavailable(_));
}

#[tokio::test]
async fn a_failed_sync_is_recorded_with_its_contract_code_and_a_message_without_its_cause() {
    let cases = [
        (
            Err(TikTokApiError::Unavailable(boom())),
            "tiktok_unavailable",
        ),
        (
            Err(TikTokApiError::RateLimited { retry_after: None }),
            "rate_limited",
        ),
        (Err(TikTokApiError::ScopeNotAuthorized), "reauth_required"),
    ];
    for (answer, code) in cases {
        // Arrange
        let mut mocks = Mocks::default();
        mocks.account_is(Some(connected_account().build()));
        mocks.oauth.expect_refresh().never();
        expect_user_info(&mut mocks, OLD_ACCESS, answer);
        if code == "reauth_required" {
            expect_reauth_marked(&mut mocks, ReauthReason::ScopeWithdrawn);
        }
        expect_nothing_stored(&mut mocks);
        let failures = mocks.sync_failures.clone();
        let service = mocks.service();

        // Act
        let error = service.syncs().sync(&creator(), &user()).await.unwrap_err();

        // Assert
        let failure = failures.only();
        assert_eq!(failure.code, code);
        assert_eq!(failure.code, error.code());
        assert_eq!(failure.at, now());
        assert_eq!(failure.message, error.to_string());
        assert!(
            !failure.message.contains("connection reset"),
            "the cause stays in the log: {}",
            failure.message
        );
    }
}

#[tokio::test]
async fn a_successful_sync_or_one_refused_before_it_starts_records_no_failure() {
    // A good sync: storing the profile is what clears the last failure (storage's contract).
    let mut mocks = Mocks::default();
    let account = connected_account().build();
    mocks.account_is(Some(account.clone()));
    expect_user_info(&mut mocks, OLD_ACCESS, Ok(user_info()));
    let saved = mocks.profile_saves_onto(account);
    let failures = mocks.sync_failures.clone();
    mocks
        .service()
        .syncs()
        .sync(&creator(), &user())
        .await
        .unwrap();
    assert_eq!(saved.all().len(), 1);
    assert!(failures.all().is_empty());

    // No account, a disconnected one, or one already awaiting reauthorization: nothing was attempted.
    let refused = [
        None,
        Some(
            connected_account()
                .disconnected(DisconnectReason::UserDisconnected)
                .build(),
        ),
        Some(connected_account().reauth_required().build()),
    ];
    for account in refused {
        let mut mocks = Mocks::default();
        mocks.account_is(account);
        mocks.data.expect_user_info().never();
        let failures = mocks.sync_failures.clone();
        assert!(mocks
            .service()
            .syncs()
            .sync(&creator(), &user())
            .await
            .is_err());
        assert!(failures.all().is_empty());
    }
}
