//! Starting the authorization (`init`) and completing it (`callback`).

use std::time::Duration as StdDuration;

use chrono::Duration;
use mockall::Sequence;

use super::support::*;
use crate::account::{
    ConnectionState, NewConnection, Profile, SyncFailure, TikTokAccount, TokenKind,
};
use crate::ports::{
    AuthorizationRequest, CipherError, MockTokenCipher, OAuthError, PendingAuthorization,
    RepositoryError, StateStoreError, TikTokApiError,
};
use crate::usecases::{CallbackOutcome, ServiceError};
use crate::values::AuthorizationCode;

// ---------------------------------------------------------------------------------------------------
// start_authorization
// ---------------------------------------------------------------------------------------------------

/// Arranges a start that succeeds; returns what was stored and what the authorize URL was built from.
fn expect_successful_start(
    mocks: &mut Mocks,
) -> (
    Captured<PendingAuthorization>,
    Captured<AuthorizationRequest>,
) {
    mocks
        .states
        .expect_purge_expired()
        .withf(|at| *at == now())
        .times(1)
        .returning(|_| Ok(0));
    let stored = Captured::default();
    let sink = stored.clone();
    mocks
        .states
        .expect_put()
        .times(1)
        .returning(move |pending| {
            sink.push(pending.clone());
            Ok(())
        });
    let requests = Captured::default();
    let sink = requests.clone();
    mocks
        .oauth
        .expect_authorization_url()
        .times(1)
        .returning(move |request| {
            sink.push(request.clone());
            format!(
                "https://www.tiktok.com/v2/auth/authorize/?state={}",
                request.state.as_str()
            )
        });
    (stored, requests)
}

#[tokio::test]
async fn start_without_a_redirect_uri_uses_the_configured_default() {
    // Arrange
    let mut mocks = Mocks::default();
    let (stored, requests) = expect_successful_start(&mut mocks);
    let service = mocks.service();

    // Act
    let start = service
        .connections()
        .start_authorization(&creator(), &user(), None)
        .await
        .unwrap();

    // Assert
    assert_eq!(stored.only().redirect_uri.as_str(), DEFAULT_REDIRECT);
    let request = requests.only();
    assert_eq!(request.redirect_uri.as_str(), DEFAULT_REDIRECT);
    assert_eq!(request.scopes, scopes());
    assert_eq!(
        start.authorization_url,
        format!(
            "https://www.tiktok.com/v2/auth/authorize/?state={}",
            start.state.as_str()
        )
    );
}

#[tokio::test]
async fn start_accepts_every_allowed_redirect_uri_byte_for_byte() {
    for allowed in [DEFAULT_REDIRECT, EXTRA_REDIRECT] {
        // Arrange
        let mut mocks = Mocks::default();
        let (stored, requests) = expect_successful_start(&mut mocks);
        let service = mocks.service();

        // Act
        let result = service
            .connections()
            .start_authorization(&creator(), &user(), Some(allowed))
            .await;

        // Assert
        assert!(result.is_ok(), "{allowed} must be accepted: {result:?}");
        assert_eq!(stored.only().redirect_uri.as_str(), allowed);
        assert_eq!(requests.only().redirect_uri.as_str(), allowed);
    }
}

#[tokio::test]
async fn start_refuses_a_redirect_uri_that_is_not_exactly_an_allowed_one_and_stores_nothing() {
    let near_misses = [
        "https://app.example/tiktok/callbacc",  // one byte differs
        "https://app.example/tiktok/callback/", // trailing slash
        "https://app.example/creator-dashboard/settings/", // trailing slash on the default
        "https://APP.example/tiktok/callback",  // case of the host
        "https://app.example/Tiktok/callback",  // case of the path
        "http://app.example/tiktok/callback",   // scheme
        "https://app.example/tiktok/%63allback", // percent-encoded, same after decoding
        "https://app.example/tiktok/callback?next=/", // query added
        " https://app.example/tiktok/callback", // leading space
        "https://evil.example/tiktok/callback", // another host
        "",
    ];
    for raw in near_misses {
        // Arrange
        let mut mocks = Mocks::default();
        mocks.states.expect_purge_expired().never();
        mocks.states.expect_put().never();
        mocks.oauth.expect_authorization_url().never();
        let service = mocks.service();

        // Act
        let result = service
            .connections()
            .start_authorization(&creator(), &user(), Some(raw))
            .await;

        // Assert
        assert!(
            matches!(result, Err(ServiceError::InvalidRedirectUri)),
            "{raw:?} must be refused, got {result:?}"
        );
    }
}

#[tokio::test]
async fn start_stores_a_pending_state_bound_to_the_user_and_redirect_uri_for_ten_minutes() {
    // Arrange
    let mut mocks = Mocks::default();
    let (stored, requests) = expect_successful_start(&mut mocks);
    let service = mocks.service();

    // Act
    let start = service
        .connections()
        .start_authorization(&creator(), &user(), Some(EXTRA_REDIRECT))
        .await
        .unwrap();

    // Assert
    let pending = stored.only();
    assert_eq!(pending.user_id, user());
    assert_eq!(pending.redirect_uri.as_str(), EXTRA_REDIRECT);
    assert_eq!(pending.expires_at, now() + Duration::minutes(10));
    assert_eq!(start.expires_at, pending.expires_at);
    assert_eq!(pending.state_fingerprint, start.state.fingerprint());
    assert_ne!(pending.state_fingerprint, start.state.as_str());
    assert!(!pending.state_fingerprint.contains(start.state.as_str()));
    assert_eq!(requests.only().state, start.state);
}

#[tokio::test]
async fn start_by_a_service_caller_binds_the_state_to_the_user_named() {
    // Arrange
    let mut mocks = Mocks::default();
    let (stored, _) = expect_successful_start(&mut mocks);
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .start_authorization(&admin(), &other_user(), None)
        .await;

    // Assert
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(stored.only().user_id, other_user());
}

#[tokio::test]
async fn start_with_pkce_seals_a_fresh_verifier_for_the_state_and_sends_it_to_the_authorize_url() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.config.pkce = true;
    let (stored, requests) = expect_successful_start(&mut mocks);
    let service = mocks.service();

    // Act
    let start = service
        .connections()
        .start_authorization(&creator(), &user(), None)
        .await
        .unwrap();

    // Assert
    let verifier = requests
        .only()
        .code_verifier
        .expect("the authorize request carries a verifier");
    assert_eq!(verifier.expose().len(), 64);
    assert_eq!(
        stored.only().code_verifier,
        Some(sealed(
            &start.state.fingerprint(),
            TokenKind::CodeVerifier,
            verifier.expose()
        ))
    );
}

#[tokio::test]
async fn start_without_pkce_seals_stores_and_sends_no_verifier() {
    // Arrange
    let mut mocks = Mocks::default();
    let mut cipher = MockTokenCipher::new();
    cipher.expect_seal().never();
    mocks.cipher = Some(cipher);
    let (stored, requests) = expect_successful_start(&mut mocks);
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .start_authorization(&creator(), &user(), None)
        .await;

    // Assert
    assert!(result.is_ok(), "{result:?}");
    assert!(stored.only().code_verifier.is_none());
    assert!(requests.only().code_verifier.is_none());
}

#[tokio::test]
async fn start_fails_internally_and_stores_nothing_when_the_verifier_cannot_be_sealed() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.config.pkce = true;
    let mut cipher = MockTokenCipher::new();
    cipher
        .expect_seal()
        .times(1)
        .returning(|_, _| Err(CipherError::UnknownKey));
    mocks.cipher = Some(cipher);
    mocks.states.expect_put().never();
    mocks.oauth.expect_authorization_url().never();
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .start_authorization(&creator(), &user(), None)
        .await;

    // Assert
    assert_err!(result, ServiceError::Internal(_));
}

#[tokio::test]
async fn start_still_succeeds_when_purging_expired_states_fails() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks
        .states
        .expect_purge_expired()
        .times(1)
        .returning(|_| Err(StateStoreError::Unavailable(boom())));
    mocks.states.expect_put().times(1).returning(|_| Ok(()));
    mocks
        .oauth
        .expect_authorization_url()
        .times(1)
        .returning(|_| "https://www.tiktok.com/v2/auth/authorize/".into());
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .start_authorization(&creator(), &user(), None)
        .await;

    // Assert
    assert!(result.is_ok(), "{result:?}");
}

#[tokio::test]
async fn start_is_database_unavailable_when_the_state_cannot_be_stored() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.states.expect_purge_expired().returning(|_| Ok(0));
    mocks
        .states
        .expect_put()
        .times(1)
        .returning(|_| Err(StateStoreError::Unavailable(boom())));
    mocks.oauth.expect_authorization_url().never();
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .start_authorization(&creator(), &user(), None)
        .await;

    // Assert
    assert_err!(result, ServiceError::DatabaseUnavailable(_));
}

#[tokio::test]
async fn start_is_forbidden_for_a_creator_acting_for_another_user_and_touches_no_port() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.states.expect_purge_expired().never();
    mocks.states.expect_put().never();
    mocks.oauth.expect_authorization_url().never();
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .start_authorization(&other_creator(), &user(), None)
        .await;

    // Assert
    assert_err!(result, ServiceError::Forbidden);
}

// ---------------------------------------------------------------------------------------------------
// complete_authorization
// ---------------------------------------------------------------------------------------------------

/// The authorization code of the callback, as TikTok's doc shows one (with `*` and `!`).
const CODE: &str = "abc*0!6410";
/// A PKCE verifier kept with a pending authorization.
const VERIFIER: &str = "v3r1f13r-v3r1f13r-v3r1f13r-v3r1f13r-v3r1f13r_~";

fn code() -> CallbackOutcome {
    CallbackOutcome::Code(AuthorizationCode::parse(CODE).unwrap())
}

/// The state store hands out `pending` for [`callback_state`] taken by user `42`, once.
fn expect_take(mocks: &mut Mocks, pending: Option<PendingAuthorization>) {
    mocks
        .states
        .expect_take()
        .withf(|fingerprint, user_id| {
            fingerprint == callback_state().fingerprint() && user_id == &user()
        })
        .times(1)
        .return_once(move |_, _| Ok(pending));
}

/// TikTok answers the code exchange with `result`, once.
fn expect_exchange(mocks: &mut Mocks, result: Result<crate::ports::TokenGrant, OAuthError>) {
    mocks
        .oauth
        .expect_exchange_code()
        .times(1)
        .return_once(move |_, _, _| result);
}

/// What storage answers for a stored connection.
fn account_from(connection: &NewConnection) -> TikTokAccount {
    TikTokAccount {
        id: 7,
        user_id: connection.user_id.clone(),
        tiktok_user_id: connection.tiktok_user_id.clone(),
        profile: Profile::default(),
        grant: Some(connection.grant.clone()),
        scopes: connection.grant.scopes.clone(),
        state: ConnectionState::Connected,
        disconnect_reason: None,
        last_sync_at: None,
        reauth_reason: None,
        last_sync_error: None,
        connected_at: connection.connected_at,
        updated_at: connection.connected_at,
        generation: Some(connection.generation.clone()),
    }
}

/// `save_connection` succeeds once; returns the connection it was given.
fn expect_connection_saved(mocks: &mut Mocks) -> Captured<NewConnection> {
    let saved = Captured::default();
    let sink = saved.clone();
    mocks
        .accounts
        .expect_save_connection()
        .times(1)
        .returning(move |connection| {
            sink.push(connection.clone());
            Ok(account_from(connection))
        });
    saved
}

/// TikTok's user info succeeds and the profile is stored.
fn expect_profile_read_and_saved(mocks: &mut Mocks) {
    mocks
        .data
        .expect_user_info()
        .times(1)
        .returning(|_, _| Ok(user_info()));
    mocks
        .accounts
        .expect_save_profile()
        .times(1)
        .returning(|_, _, profile, synced_at| {
            let mut account = connected_account().build();
            account.profile = profile.clone();
            account.last_sync_at = Some(synced_at);
            Ok(account)
        });
}

/// Nothing may happen past the state check.
fn expect_no_exchange(mocks: &mut Mocks) {
    mocks.oauth.expect_exchange_code().never();
    mocks.accounts.expect_save_connection().never();
    mocks.data.expect_user_info().never();
}

#[tokio::test]
async fn callback_with_an_unknown_or_spent_state_is_invalid_state() {
    // Arrange
    let mut mocks = Mocks::default();
    expect_take(&mut mocks, None);
    expect_no_exchange(&mut mocks);
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .complete_authorization(&creator(), &user(), &callback_state(), code())
        .await;

    // Assert
    assert_err!(result, ServiceError::InvalidState);
}

#[tokio::test]
async fn callback_with_an_expired_state_is_invalid_state_and_exchanges_nothing() {
    for expires_at in [now() - Duration::seconds(1), now()] {
        // Arrange
        let mut mocks = Mocks::default();
        expect_take(
            &mut mocks,
            Some(PendingAuthorization {
                expires_at,
                ..pending()
            }),
        );
        expect_no_exchange(&mut mocks);
        let service = mocks.service();

        // Act
        let result = service
            .connections()
            .complete_authorization(&creator(), &user(), &callback_state(), code())
            .await;

        // Assert
        assert!(
            matches!(result, Err(ServiceError::InvalidState)),
            "a state expiring at {expires_at} must be refused at {}, got {result:?}",
            now()
        );
    }
}

#[tokio::test]
async fn callback_with_a_state_issued_to_another_user_is_invalid_state() {
    // Arrange
    let mut mocks = Mocks::default();
    expect_take(
        &mut mocks,
        Some(PendingAuthorization {
            user_id: other_user(),
            ..pending()
        }),
    );
    expect_no_exchange(&mut mocks);
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .complete_authorization(&creator(), &user(), &callback_state(), code())
        .await;

    // Assert
    assert_err!(result, ServiceError::InvalidState);
}

#[tokio::test]
async fn a_declined_callback_spends_the_state_and_reports_tiktoks_error() {
    // Arrange
    let mut mocks = Mocks::default();
    expect_take(&mut mocks, Some(pending()));
    expect_no_exchange(&mut mocks);
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .complete_authorization(
            &creator(),
            &user(),
            &callback_state(),
            CallbackOutcome::Denied {
                error: "access_denied".into(),
            },
        )
        .await;

    // Assert
    match result {
        Err(ServiceError::AuthorizationDenied { error }) => assert_eq!(error, "access_denied"),
        other => panic!("expected AuthorizationDenied, got {other:?}"),
    }
}

#[tokio::test]
async fn a_callback_with_neither_code_nor_error_is_invalid_request_and_spends_the_state() {
    // Arrange
    let mut mocks = Mocks::default();
    expect_take(&mut mocks, Some(pending()));
    expect_no_exchange(&mut mocks);
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .complete_authorization(
            &creator(),
            &user(),
            &callback_state(),
            CallbackOutcome::Missing,
        )
        .await;

    // Assert
    assert_err!(result, ServiceError::InvalidRequest(_));
}

#[tokio::test]
async fn callback_is_database_unavailable_when_the_state_store_is_down() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks
        .states
        .expect_take()
        .times(1)
        .returning(|_, _| Err(StateStoreError::Unavailable(boom())));
    expect_no_exchange(&mut mocks);
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .complete_authorization(&creator(), &user(), &callback_state(), code())
        .await;

    // Assert
    assert_err!(result, ServiceError::DatabaseUnavailable(_));
}

#[tokio::test]
async fn callback_is_forbidden_for_a_creator_acting_for_another_user_and_keeps_the_state() {
    // Arrange
    let mut mocks = Mocks::default();
    mocks.states.expect_take().never();
    expect_no_exchange(&mut mocks);
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .complete_authorization(&other_creator(), &user(), &callback_state(), code())
        .await;

    // Assert
    assert_err!(result, ServiceError::Forbidden);
}

#[tokio::test]
async fn the_code_is_exchanged_with_the_redirect_uri_of_the_pending_state_exactly() {
    // Arrange
    let mut mocks = Mocks::default();
    let mut pending = pending();
    pending.redirect_uri = crate::values::RedirectUri::parse(EXTRA_REDIRECT).unwrap();
    expect_take(&mut mocks, Some(pending));
    mocks
        .oauth
        .expect_exchange_code()
        .withf(|code, redirect_uri, verifier| {
            code.expose() == CODE && redirect_uri.as_str() == EXTRA_REDIRECT && verifier.is_none()
        })
        .times(1)
        .returning(|_, _, _| Ok(token_grant(NEW_ACCESS, NEW_REFRESH)));
    expect_connection_saved(&mut mocks);
    expect_profile_read_and_saved(&mut mocks);
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .complete_authorization(&creator(), &user(), &callback_state(), code())
        .await;

    // Assert
    assert!(result.is_ok(), "{result:?}");
}

#[tokio::test]
async fn with_pkce_the_stored_verifier_is_opened_for_the_state_and_sent_with_the_code() {
    // Arrange
    let mut mocks = Mocks::default();
    expect_take(
        &mut mocks,
        Some(PendingAuthorization {
            code_verifier: Some(sealed(
                &callback_state().fingerprint(),
                TokenKind::CodeVerifier,
                VERIFIER,
            )),
            ..pending()
        }),
    );
    mocks
        .oauth
        .expect_exchange_code()
        .withf(|_, _, verifier| verifier.as_ref().map(|v| v.expose()) == Some(VERIFIER))
        .times(1)
        .returning(|_, _, _| Err(OAuthError::InvalidGrant));
    mocks.accounts.expect_save_connection().never();
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .complete_authorization(&creator(), &user(), &callback_state(), code())
        .await;

    // Assert
    assert_err!(result, ServiceError::InvalidGrant);
}

#[tokio::test]
async fn a_stored_verifier_that_does_not_open_fails_internally_before_the_exchange() {
    // Arrange
    let mut mocks = Mocks::default();
    expect_take(
        &mut mocks,
        Some(PendingAuthorization {
            code_verifier: Some(sealed("another-state", TokenKind::CodeVerifier, VERIFIER)),
            ..pending()
        }),
    );
    expect_no_exchange(&mut mocks);
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .complete_authorization(&creator(), &user(), &callback_state(), code())
        .await;

    // Assert
    assert_err!(result, ServiceError::Internal(_));
}

#[tokio::test]
async fn a_code_refused_by_tiktok_is_invalid_grant_and_nothing_is_saved() {
    // Arrange
    let mut mocks = Mocks::default();
    expect_take(&mut mocks, Some(pending()));
    expect_exchange(&mut mocks, Err(OAuthError::InvalidGrant));
    mocks.accounts.expect_save_connection().never();
    mocks.data.expect_user_info().never();
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .complete_authorization(&creator(), &user(), &callback_state(), code())
        .await;

    // Assert
    assert_err!(result, ServiceError::InvalidGrant);
}

#[tokio::test]
async fn an_unreachable_token_endpoint_is_tiktok_unavailable_and_nothing_is_saved() {
    // Arrange
    let mut mocks = Mocks::default();
    expect_take(&mut mocks, Some(pending()));
    expect_exchange(&mut mocks, Err(OAuthError::Unavailable(boom())));
    mocks.accounts.expect_save_connection().never();
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .complete_authorization(&creator(), &user(), &callback_state(), code())
        .await;

    // Assert
    assert_err!(result, ServiceError::TikTokUnavailable(_));
}

#[tokio::test]
async fn a_rate_limited_exchange_passes_retry_after_on() {
    // Arrange
    let mut mocks = Mocks::default();
    expect_take(&mut mocks, Some(pending()));
    expect_exchange(
        &mut mocks,
        Err(OAuthError::RateLimited {
            retry_after: Some(StdDuration::from_secs(30)),
        }),
    );
    mocks.accounts.expect_save_connection().never();
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .complete_authorization(&creator(), &user(), &callback_state(), code())
        .await;

    // Assert
    match result {
        Err(ServiceError::RateLimited { retry_after }) => {
            assert_eq!(retry_after, Some(StdDuration::from_secs(30)));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
}

#[tokio::test]
async fn other_token_endpoint_errors_are_tiktok_errors() {
    let errors: [fn() -> OAuthError; 2] = [
        || OAuthError::Rejected {
            error: "invalid_client".into(),
        },
        || OAuthError::InvalidResponse(boom()),
    ];
    for error in errors {
        // Arrange
        let mut mocks = Mocks::default();
        expect_take(&mut mocks, Some(pending()));
        expect_exchange(&mut mocks, Err(error()));
        mocks.accounts.expect_save_connection().never();
        let service = mocks.service();

        // Act
        let result = service
            .connections()
            .complete_authorization(&creator(), &user(), &callback_state(), code())
            .await;

        // Assert
        assert_err!(result, ServiceError::TikTokError(_));
    }
}

#[tokio::test]
async fn a_new_grant_is_sealed_for_the_user_with_absolute_expiry_instants() {
    // Arrange
    let mut mocks = Mocks::default();
    expect_take(&mut mocks, Some(pending()));
    expect_exchange(&mut mocks, Ok(token_grant(NEW_ACCESS, NEW_REFRESH)));
    let saved = expect_connection_saved(&mut mocks);
    expect_profile_read_and_saved(&mut mocks);
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .complete_authorization(&creator(), &user(), &callback_state(), code())
        .await;

    // Assert
    assert!(result.is_ok(), "{result:?}");
    let connection = saved.only();
    assert_eq!(
        connection,
        NewConnection {
            user_id: user(),
            tiktok_user_id: open_id(),
            // sealed:42:access_token:act.new, expiring now + 86400 s; sealed:42:refresh_token:rft.new, now + 365 d.
            grant: stored_grant(NEW_ACCESS, NEW_REFRESH),
            connected_at: now(),
            // New and random, checked below.
            generation: connection.generation.clone(),
        }
    );
}

#[tokio::test]
async fn token_lifetimes_are_taken_from_tiktoks_answer_not_assumed() {
    // Arrange: the newer generation of TikTok's docs: 2 h access token, 180 d refresh token.
    let mut mocks = Mocks::default();
    expect_take(&mut mocks, Some(pending()));
    let mut grant = token_grant(NEW_ACCESS, NEW_REFRESH);
    grant.expires_in = StdDuration::from_secs(7_200);
    grant.refresh_expires_in = StdDuration::from_secs(15_552_000);
    expect_exchange(&mut mocks, Ok(grant));
    let saved = expect_connection_saved(&mut mocks);
    expect_profile_read_and_saved(&mut mocks);
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .complete_authorization(&creator(), &user(), &callback_state(), code())
        .await;

    // Assert
    assert!(result.is_ok(), "{result:?}");
    let stored = saved.only().grant;
    assert_eq!(stored.access_token_expires_at, now() + Duration::hours(2));
    assert_eq!(stored.refresh_token_expires_at, now() + Duration::days(180));
}

#[tokio::test]
async fn an_absurd_token_lifetime_from_tiktok_does_not_panic() {
    // Arrange: a lifetime beyond what a timestamp can hold (a broken or hostile answer).
    let mut mocks = Mocks::default();
    expect_take(&mut mocks, Some(pending()));
    let mut grant = token_grant(NEW_ACCESS, NEW_REFRESH);
    grant.refresh_expires_in = StdDuration::from_secs(i64::MAX as u64);
    expect_exchange(&mut mocks, Ok(grant));
    mocks
        .accounts
        .expect_save_connection()
        .times(0..=1)
        .returning(|connection| Ok(account_from(connection)));
    mocks
        .data
        .expect_user_info()
        .times(0..=1)
        .returning(|_, _| Ok(user_info()));
    mocks
        .accounts
        .expect_save_profile()
        .times(0..=1)
        .returning(|_, _, _, _| Ok(connected_account().build()));
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .complete_authorization(&creator(), &user(), &callback_state(), code())
        .await;

    // Assert: either stored with a saturated instant, or refused as an unreadable answer.
    assert!(
        matches!(result, Ok(_) | Err(ServiceError::TikTokError(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn the_connection_is_stored_before_the_profile_is_read_with_the_new_token_and_stored() {
    // Arrange
    let mut mocks = Mocks::default();
    let mut seq = Sequence::new();
    expect_take(&mut mocks, Some(pending()));
    expect_exchange(&mut mocks, Ok(token_grant(NEW_ACCESS, NEW_REFRESH)));
    mocks
        .accounts
        .expect_save_connection()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|connection| Ok(account_from(connection)));
    mocks
        .data
        .expect_user_info()
        .withf(|token, granted| token.expose() == NEW_ACCESS && granted == &scopes())
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _| Ok(user_info()));
    mocks
        .accounts
        .expect_save_profile()
        .withf(|user_id, _, profile, synced_at| {
            user_id == &user() && profile == &fresh_profile() && *synced_at == now()
        })
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _, profile, synced_at| {
            let mut account = connected_account().build();
            account.profile = profile.clone();
            account.last_sync_at = Some(synced_at);
            Ok(account)
        });
    let service = mocks.service();

    // Act
    let status = service
        .connections()
        .complete_authorization(&creator(), &user(), &callback_state(), code())
        .await
        .unwrap();

    // Assert
    assert!(status.connected());
    assert_eq!(status.user_id, user());
    let account = status
        .account
        .expect("a connected status shows the account");
    assert_eq!(account.profile, fresh_profile());
    assert_eq!(account.last_sync_at, Some(now()));
}

#[tokio::test]
async fn a_profile_tiktok_cannot_serve_yet_still_leaves_the_account_connected() {
    // Arrange
    let mut mocks = Mocks::default();
    expect_take(&mut mocks, Some(pending()));
    expect_exchange(&mut mocks, Ok(token_grant(NEW_ACCESS, NEW_REFRESH)));
    let saved = expect_connection_saved(&mut mocks);
    mocks
        .data
        .expect_user_info()
        .times(1)
        .returning(|_, _| Err(TikTokApiError::Unavailable(boom())));
    mocks.accounts.expect_save_profile().never();
    let failures = mocks.sync_failures.clone();
    let service = mocks.service();

    // Act
    let status = service
        .connections()
        .complete_authorization(&creator(), &user(), &callback_state(), code())
        .await
        .unwrap();

    // Assert: connected, and the failed first read is recorded and shown as the last sync error.
    assert!(status.connected());
    let failure = SyncFailure {
        code: "tiktok_unavailable".into(),
        message: "TikTok is unavailable; retry later".into(),
        at: now(),
    };
    assert_eq!(failures.only(), failure);
    let mut expected = account_from(&saved.only());
    expected.last_sync_error = Some(failure);
    assert_eq!(status.account, Some(expected));
}

#[tokio::test]
async fn a_tiktok_account_connected_to_another_user_is_account_in_use_and_the_new_grant_is_revoked()
{
    // Arrange
    let mut mocks = Mocks::default();
    let mut seq = Sequence::new();
    expect_take(&mut mocks, Some(pending()));
    expect_exchange(&mut mocks, Ok(token_grant(NEW_ACCESS, NEW_REFRESH)));
    mocks
        .accounts
        .expect_save_connection()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| Err(RepositoryError::Conflict));
    mocks
        .oauth
        .expect_revoke()
        .withf(|token| token.expose() == NEW_ACCESS)
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| Ok(()));
    mocks.data.expect_user_info().never();
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .complete_authorization(&creator(), &user(), &callback_state(), code())
        .await;

    // Assert
    assert_err!(result, ServiceError::AccountInUse);
}

#[tokio::test]
async fn a_grant_that_cannot_be_revoked_still_answers_account_in_use() {
    // Arrange
    let mut mocks = Mocks::default();
    expect_take(&mut mocks, Some(pending()));
    expect_exchange(&mut mocks, Ok(token_grant(NEW_ACCESS, NEW_REFRESH)));
    mocks
        .accounts
        .expect_save_connection()
        .times(1)
        .returning(|_| Err(RepositoryError::Conflict));
    mocks
        .oauth
        .expect_revoke()
        .times(1)
        .returning(|_| Err(OAuthError::Unavailable(boom())));
    mocks.data.expect_user_info().never();
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .complete_authorization(&creator(), &user(), &callback_state(), code())
        .await;

    // Assert
    assert_err!(result, ServiceError::AccountInUse);
}

#[tokio::test]
async fn a_database_outage_while_storing_the_connection_is_database_unavailable() {
    // Arrange
    let mut mocks = Mocks::default();
    expect_take(&mut mocks, Some(pending()));
    expect_exchange(&mut mocks, Ok(token_grant(NEW_ACCESS, NEW_REFRESH)));
    mocks
        .accounts
        .expect_save_connection()
        .times(1)
        .returning(|_| Err(RepositoryError::Unavailable(boom())));
    mocks.data.expect_user_info().never();
    // Whether the grant was stored is unknown: it is not revoked.
    mocks.oauth.expect_revoke().never();
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .complete_authorization(&creator(), &user(), &callback_state(), code())
        .await;

    // Assert
    assert_err!(result, ServiceError::DatabaseUnavailable(_));
}

#[tokio::test]
async fn another_users_callback_with_your_state_is_invalid_state_and_leaves_the_state_to_you() {
    // Arrange: user 43 sends user 42's state; the store takes states only for their own user.
    let mut mocks = Mocks::default();
    mocks
        .states
        .expect_take()
        .withf(|fingerprint, user_id| {
            fingerprint == callback_state().fingerprint() && user_id == &other_user()
        })
        .times(1)
        .return_once(|_, _| Ok(None));
    expect_no_exchange(&mut mocks);
    let service = mocks.service();

    // Act
    let result = service
        .connections()
        .complete_authorization(&other_creator(), &other_user(), &callback_state(), code())
        .await;

    // Assert
    assert_err!(result, ServiceError::InvalidState);
}

#[tokio::test]
async fn every_connect_stores_a_new_generation_and_the_profile_under_it() {
    let mut generations = Vec::new();
    for _ in 0..2 {
        // Arrange
        let mut mocks = Mocks::default();
        expect_take(&mut mocks, Some(pending()));
        expect_exchange(&mut mocks, Ok(token_grant(NEW_ACCESS, NEW_REFRESH)));
        let saved = expect_connection_saved(&mut mocks);
        mocks
            .data
            .expect_user_info()
            .returning(|_, _| Ok(user_info()));
        let profiled = Captured::default();
        let sink = profiled.clone();
        mocks
            .accounts
            .expect_save_profile()
            .times(1)
            .returning(move |_, generation, _, _| {
                sink.push(generation.clone());
                Ok(connected_account().build())
            });
        let service = mocks.service();

        // Act
        let status = service
            .connections()
            .complete_authorization(&creator(), &user(), &callback_state(), code())
            .await;

        // Assert
        assert!(status.is_ok(), "{status:?}");
        let generation = saved.only().generation;
        assert_eq!(
            profiled.only(),
            generation,
            "the profile is stored under the new connection"
        );
        generations.push(generation);
    }
    assert_ne!(
        generations[0], generations[1],
        "a new generation per connect"
    );
}
