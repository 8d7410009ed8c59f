//! Connecting a seller.

use std::sync::Arc;

use chrono::Duration;

use super::support::*;
use crate::ports::{MockOAuthStateStore, PendingAuthorization, RepositoryError};
use crate::shop::*;
use crate::usecases::Caller;
use crate::values::{AuthorizationCode, OAuthState, RedirectUri, UserId};

fn service(
    states: MockOAuthStateStore,
    oauth: MockShopOAuth,
    data: MockShopData,
    connections: MockShopConnections,
) -> ShopConnect {
    ShopConnect {
        states: Arc::new(states),
        oauth: Arc::new(oauth),
        data: Arc::new(data),
        connections: Arc::new(connections),
        cipher: Arc::new(TagCipher),
        clock: clock(),
        state_ttl: Duration::minutes(10),
        redirect_uri: RedirectUri::parse("https://app.example/shop/callback").expect("uri"),
    }
}

fn caller() -> Caller {
    Caller::User(user())
}

fn pending(state: &OAuthState, owner: &str, expires_in: Duration) -> PendingAuthorization {
    PendingAuthorization {
        state_fingerprint: shop_state_fingerprint(state),
        user_id: UserId::parse(owner).expect("user"),
        redirect_uri: RedirectUri::parse("https://app.example/shop/callback").expect("uri"),
        code_verifier: None,
        expires_at: now() + expires_in,
    }
}

fn code() -> ShopCallback {
    ShopCallback::Code(AuthorizationCode::parse("c0de").expect("code"))
}

#[tokio::test]
async fn init_keeps_a_domain_separated_fingerprint_and_answers_the_authorize_link() {
    let mut states = MockOAuthStateStore::new();
    states.expect_purge_expired().returning(|_| Ok(0));
    states
        .expect_put()
        .times(1)
        .withf(|p| p.user_id == user() && p.expires_at == now() + Duration::minutes(10))
        .returning(|_| Ok(()));
    let mut oauth = MockShopOAuth::new();
    oauth.expect_authorization_url().returning(|s| {
        format!(
            "https://services.tiktokshop.com/open/authorize?service_id=1&state={}",
            s.as_str()
        )
    });
    let connect = service(
        states,
        oauth,
        MockShopData::new(),
        MockShopConnections::new(),
    );
    let start = connect.init(&caller(), &user()).await.expect("started");
    assert!(start.authorization_url.contains("state="));
    let state = OAuthState::parse("abc").expect("state");
    assert_ne!(shop_state_fingerprint(&state), state.fingerprint());
}

#[tokio::test]
async fn a_missing_foreign_or_expired_state_is_invalid_and_another_user_is_forbidden() {
    let connect = service(
        MockOAuthStateStore::new(),
        MockShopOAuth::new(),
        MockShopData::new(),
        MockShopConnections::new(),
    );
    let err = connect
        .callback(&caller(), &user(), None, code())
        .await
        .expect_err("no state");
    assert!(matches!(err, ShopError::InvalidState));
    let other = UserId::parse("u2").expect("user");
    let err = connect
        .callback(&caller(), &other, Some(&OAuthState::generate()), code())
        .await
        .expect_err("forbidden");
    assert!(matches!(err, ShopError::Forbidden));

    // Issued to another user: the store does not give it to us.
    let mut states = MockOAuthStateStore::new();
    states.expect_take().times(1).returning(|_, _| Ok(None));
    let connect = service(
        states,
        MockShopOAuth::new(),
        MockShopData::new(),
        MockShopConnections::new(),
    );
    let err = connect
        .callback(&caller(), &user(), Some(&OAuthState::generate()), code())
        .await
        .expect_err("foreign");
    assert!(matches!(err, ShopError::InvalidState));

    let state = OAuthState::generate();
    let expired = pending(&state, "u1", Duration::seconds(-1));
    let mut states = MockOAuthStateStore::new();
    states
        .expect_take()
        .returning(move |_, _| Ok(Some(expired.clone())));
    let connect = service(
        states,
        MockShopOAuth::new(),
        MockShopData::new(),
        MockShopConnections::new(),
    );
    let err = connect
        .callback(&caller(), &user(), Some(&state), code())
        .await
        .expect_err("expired");
    assert!(matches!(err, ShopError::InvalidState));
}

#[tokio::test]
async fn a_declined_authorization_spends_the_state_and_says_so() {
    let state = OAuthState::generate();
    let p = pending(&state, "u1", Duration::minutes(5));
    let mut states = MockOAuthStateStore::new();
    states
        .expect_take()
        .times(1)
        .returning(move |_, _| Ok(Some(p.clone())));
    let connect = service(
        states,
        MockShopOAuth::new(),
        MockShopData::new(),
        MockShopConnections::new(),
    );
    let err = connect
        .callback(
            &caller(),
            &user(),
            Some(&state),
            ShopCallback::Declined {
                error: "auth_denied".into(),
            },
        )
        .await
        .expect_err("declined");
    assert!(matches!(err, ShopError::Declined { error } if error == "auth_denied"));
}

#[tokio::test]
async fn a_callback_stores_the_seller_the_shops_and_the_sealed_grant_under_a_new_generation() {
    let state = OAuthState::generate();
    let p = pending(&state, "u1", Duration::minutes(5));
    let fingerprint = shop_state_fingerprint(&state);
    let mut states = MockOAuthStateStore::new();
    states
        .expect_take()
        .withf(move |f, u| f == fingerprint && u == &user())
        .returning(move |_, _| Ok(Some(p.clone())));
    let mut oauth = MockShopOAuth::new();
    oauth
        .expect_exchange_code()
        .withf(|c| c.expose() == "c0de")
        .returning(|_| Ok(grant("a")));
    let mut data = MockShopData::new();
    data.expect_authorized_shops()
        .withf(|t| t.expose() == "a")
        .returning(|_| Ok(vec![shop()]));
    let mut connections = MockShopConnections::new();
    connections
        .expect_save_connection()
        .times(1)
        .withf(|c| {
            c.grant.access_token == sealed_access("a")
                && c.grant.refresh_token == sealed_refresh("r-a")
                && c.shops.len() == 1
                && c.seller == seller()
                && c.generation.as_str().len() == 22
        })
        .returning(|_| Ok(account("a", Duration::days(7), None)));
    let connect = service(states, oauth, data, connections);
    let status = connect
        .callback(&caller(), &user(), Some(&state), code())
        .await
        .expect("connected");
    assert_eq!(status.status, ShopConnectionState::Connected);
    assert_eq!(status.shops.len(), 1);
}

#[tokio::test]
async fn a_seller_connected_to_another_user_is_refused() {
    let state = OAuthState::generate();
    let p = pending(&state, "u1", Duration::minutes(5));
    let mut states = MockOAuthStateStore::new();
    states
        .expect_take()
        .returning(move |_, _| Ok(Some(p.clone())));
    let mut oauth = MockShopOAuth::new();
    oauth.expect_exchange_code().returning(|_| Ok(grant("a")));
    let mut data = MockShopData::new();
    data.expect_authorized_shops()
        .returning(|_| Ok(vec![shop()]));
    let mut connections = MockShopConnections::new();
    connections
        .expect_save_connection()
        .returning(|_| Err(RepositoryError::Conflict));
    let connect = service(states, oauth, data, connections);
    let err = connect
        .callback(&caller(), &user(), Some(&state), code())
        .await
        .expect_err("in use");
    assert!(matches!(err, ShopError::SellerInUse));
}
