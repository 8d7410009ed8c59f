//! `rotate-keys`: every stored token, and the PKCE verifier of every pending OAuth state, re-sealed with the
//! new key, after which the old key can go; a TikTok Shop seller's tokens and shops' ciphers too.

use std::sync::Arc;

use reqwest::Method;
use tiktok_adapters_crypto::{AesGcmTokenCipher, KeyRing};
use tiktok_adapters_db::{Database, DieselAccountRepository, PoolOptions};
use tiktok_domain::usecases::KeyRotation;
use tiktok_integration_tests::{Backend, TestApp, ENCRYPTION_KEY};

use crate::shop;

/// The key rotated to (`ENCRYPTION_KEY` is the retired one).
pub(crate) const NEW_KEY: &str = "next:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

on_both_backends!(
    rotation_reseals_every_token_so_the_old_key_can_be_removed,
    a_pending_authorization_completes_after_rotation_and_the_old_keys_removal,
    a_shop_seller_stays_connected_and_syncs_after_rotation_and_the_old_keys_removal,
);

/// A rotation over `app`'s database with the new key active and the old one retired.
fn rotation_to_new_key(app: &TestApp) -> KeyRotation {
    let database = Database::connect(app.db.url(), PoolOptions::default()).expect("the pool");
    let ring = KeyRing::parse(&format!("{NEW_KEY},{ENCRYPTION_KEY}").into()).expect("both keys");
    KeyRotation::new(
        Arc::new(DieselAccountRepository::new(database)),
        Arc::new(AesGcmTokenCipher::new(ring)),
    )
}

async fn rotation_reseals_every_token_so_the_old_key_can_be_removed(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    for (user, creator) in [
        ("42", "sandbox_creator"),
        ("43", "sandbox_star"),
        ("44", "sandbox_newcomer"),
    ] {
        assert_eq!(app.connect(user, creator).await.status, 200);
    }
    let rotation = rotation_to_new_key(&app);

    let first = rotation.run(2).await.expect("rotation runs");
    assert_eq!(
        (first.scanned, first.resealed, first.unreadable),
        (3, 3, 0),
        "{first:?}"
    );
    let again = rotation.run(2).await.expect("a re-run is safe");
    assert_eq!(
        (again.scanned, again.resealed, again.current),
        (3, 0, 3),
        "{again:?}"
    );

    // A service that knows only the new key (on the same database and TikTok) serves every account.
    let sync = app_sync_with_new_key(&app, NEW_KEY).await;
    assert_eq!(sync.status, 200, "{}", sync.text);
}

async fn a_pending_authorization_completes_after_rotation_and_the_old_keys_removal(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn_with(backend, |vars| {
        vars.insert("APP_TIKTOK__PKCE".into(), "true".into());
    })
    .await
    else {
        return;
    };
    // The creator starts connecting and is on TikTok's consent page: the state's PKCE verifier is sealed
    // with the old key.
    let init = app.init("45").await;
    assert_eq!(init.status, 200, "{}", init.text);
    let url = init.body["authorization_url"].as_str().expect("a URL");
    let tiktok = app
        .authorize_at_tiktok(url, "&sandbox_user=sandbox_creator")
        .await;

    let report = rotation_to_new_key(&app)
        .run(2)
        .await
        .expect("rotation runs");
    assert_eq!(
        (
            report.pending_states,
            report.pending_states_resealed,
            report.pending_states_unreadable
        ),
        (1, 1, 0),
        "{report:?}"
    );

    // The creator comes back to a service that knows only the new key: the callback completes.
    let other = service_with_only_key(&app, NEW_KEY, true).await;
    let connected = other.callback("45", &tiktok).await;
    assert_eq!(connected.status, 200, "{}", connected.text);
    assert_eq!(connected.body["status"], "connected");
}

async fn a_shop_seller_stays_connected_and_syncs_after_rotation_and_the_old_keys_removal(
    backend: Backend,
) {
    let Some(app) = shop::spawn(backend).await else {
        return;
    };
    let connected = shop::connect(&app, "46").await;
    assert_eq!(connected.status, 200, "{}", connected.text);
    let shops = connected.body["shops"].as_array().map_or(0, Vec::len) as u64;
    assert!(shops > 0, "{}", connected.text);

    let report = rotation_to_new_key(&app)
        .run(2)
        .await
        .expect("rotation runs");
    assert_eq!(
        (
            report.shop_sellers,
            report.shop_sellers_resealed,
            report.shop_sellers_unreadable
        ),
        (1, 1, 0),
        "{report:?}"
    );
    assert_eq!(
        (
            report.shop_ciphers,
            report.shop_ciphers_resealed,
            report.shop_ciphers_unreadable
        ),
        (shops, shops, 0),
        "{report:?}"
    );

    // A service with the same settings (database, sandbox, Shop app) that knows only the new key opens the
    // seller's tokens and the shops' ciphers: it syncs, and the seller stays connected.
    let other = TestApp::spawn_with(Backend::Sqlite, |vars| {
        vars.extend(app.vars.clone());
        vars.insert("TOKEN_ENCRYPTION_KEY".into(), NEW_KEY.into());
    })
    .await
    .expect("a service with only the new key");
    let synced = other
        .call(Method::POST, &format!("{}/sync/46", shop::SHOP), "46")
        .await;
    assert_eq!(synced.status, 200, "{}", synced.text);
    let status = other
        .call(Method::GET, &format!("{}/status/46", shop::SHOP), "46")
        .await;
    assert_eq!(status.status, 200, "{}", status.text);
    assert_eq!(status.body["status"], "connected", "{}", status.text);
}

/// Syncs user 43 through a service on the same database and the same TikTok sandbox as `app`, knowing only `key`.
async fn app_sync_with_new_key(app: &TestApp, key: &str) -> tiktok_integration_tests::flow::Answer {
    service_with_only_key(app, key, false)
        .await
        .call(Method::POST, "/api/v1/integrations/tiktok/sync/43", "43")
        .await
}

/// A service on the same database and the same TikTok sandbox as `app`, knowing only `key`.
async fn service_with_only_key(app: &TestApp, key: &str, pkce: bool) -> TestApp {
    TestApp::spawn_with(Backend::Sqlite, |vars| {
        vars.insert("APP_TIKTOK__PKCE".into(), pkce.to_string());
        vars.insert("DATABASE_URL".into(), app.db.url().to_owned());
        vars.insert("TOKEN_ENCRYPTION_KEY".into(), key.into());
        vars.insert("TIKTOK_CLIENT_ID".into(), app.sandbox.client_key().into());
        vars.insert(
            "TIKTOK_CLIENT_SECRET".into(),
            app.sandbox.client_secret().into(),
        );
        vars.insert("TIKTOK_AUTH_BASE_URL".into(), app.sandbox.base_url());
        vars.insert("TIKTOK_API_BASE_URL".into(), app.sandbox.base_url());
    })
    .await
    .expect("a service with only the new key")
}
