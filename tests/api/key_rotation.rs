//! `rotate-keys`: every stored token re-sealed with the new key, after which the old key can go.

use std::sync::Arc;

use reqwest::Method;
use tiktok_adapters_crypto::{AesGcmTokenCipher, KeyRing};
use tiktok_adapters_db::{Database, DieselAccountRepository, PoolOptions};
use tiktok_domain::usecases::KeyRotation;
use tiktok_integration_tests::{Backend, TestApp, ENCRYPTION_KEY};

const NEW_KEY: &str = "next:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

on_both_backends!(rotation_reseals_every_token_so_the_old_key_can_be_removed);

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
    let database = Database::connect(app.db.url(), PoolOptions::default()).expect("the pool");
    let ring = KeyRing::parse(&format!("{NEW_KEY},{ENCRYPTION_KEY}").into()).expect("both keys");
    let rotation = KeyRotation::new(
        Arc::new(DieselAccountRepository::new(database.clone())),
        Arc::new(AesGcmTokenCipher::new(ring)),
    );

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

/// Syncs user 43 through a service on the same database and the same TikTok sandbox as `app`, knowing only `key`.
async fn app_sync_with_new_key(app: &TestApp, key: &str) -> tiktok_integration_tests::flow::Answer {
    let other = TestApp::spawn_with(Backend::Sqlite, |vars| {
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
    .expect("a service with only the new key");
    other
        .call(Method::POST, "/api/v1/integrations/tiktok/sync/43", "43")
        .await
}
