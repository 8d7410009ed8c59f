//! The background Shop refresher renews access tokens before they expire, without any request.

use std::time::Duration;

use reqwest::Method;
use tiktok_integration_tests::Backend;

use super::{connect, spawn_with_shop, SHOP};

on_both_backends!(the_background_round_refreshes_shop_tokens_before_they_expire);

async fn the_background_round_refreshes_shop_tokens_before_they_expire(backend: Backend) {
    // Access tokens living 5 minutes are within twice the 10-minute margin from the start.
    let Some(app) = spawn_with_shop(
        backend,
        |shop| shop.access_token_ttl = Duration::from_secs(300),
        |vars| {
            vars.insert("APP_BACKGROUND__ENABLED".into(), "true".into());
            vars.insert(
                "APP_BACKGROUND__REFRESH_INTERVAL_SECONDS".into(),
                "1".into(),
            );
        },
    )
    .await
    else {
        return;
    };
    assert_eq!(connect(&app, "42").await.status, 200);
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while app.sandbox.shop_refresh_count() == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "no background Shop refresh within 15 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let status = app
        .call(Method::GET, &format!("{SHOP}/status/42"), "42")
        .await;
    assert_eq!(status.body["status"], "connected", "{}", status.text);
    // The rotated pair was stored: a sync with it works.
    let synced = app
        .call(Method::POST, &format!("{SHOP}/sync/42"), "42")
        .await;
    assert_eq!(synced.status, 200, "{}", synced.text);
}
