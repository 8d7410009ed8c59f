//! TikTok Shop's error codes, as the sandbox's Shop answers them, become the contract's answers: an expired
//! access token is refreshed and retried once; a revoked grant is `reauth_required`; a missing permission is
//! `tiktok_error`; TikTok's rate limit `rate_limited`; its outages `tiktok_unavailable`.

use reqwest::Method;
use tiktok_integration_tests::Backend;
use tiktok_sandbox::{ShopApi, ShopFault};

use super::{connect, spawn, SHOP};

on_both_backends!(
    an_expired_access_token_is_refreshed_once_and_the_sync_succeeds,
    tiktok_shop_failures_answer_the_contracts_codes,
    a_revoked_grant_makes_the_connection_reauth_required,
);

fn fault(api: ShopApi, http_status: u16, code: i64, message: &str) -> ShopFault {
    ShopFault {
        api,
        http_status,
        code,
        message: message.to_owned(),
        times: 1,
    }
}

async fn an_expired_access_token_is_refreshed_once_and_the_sync_succeeds(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    assert_eq!(connect(&app, "42").await.status, 200);
    app.sandbox.shop_expire_access_tokens();
    let synced = app
        .call(Method::POST, &format!("{SHOP}/sync/42"), "42")
        .await;
    assert_eq!(synced.status, 200, "{}", synced.text);
    assert_eq!(
        app.sandbox.shop_refresh_count(),
        1,
        "105002: one refresh, then the retry"
    );
}

async fn tiktok_shop_failures_answer_the_contracts_codes(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    assert_eq!(connect(&app, "42").await.status, 200);
    let path = format!("{SHOP}/sync/42");
    let sync = || app.call(Method::POST, &path, "42");

    app.sandbox.shop_inject_fault(fault(
        ShopApi::Orders,
        200,
        105_005,
        "access denied: missing the order permission package",
    ));
    let denied = sync().await;
    assert_eq!(denied.status, 502, "{}", denied.text);
    assert_eq!(denied.error_code(), Some("tiktok_error"));
    let message = denied.body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("105005") && message.contains("permission"),
        "{message}"
    );

    app.sandbox
        .shop_inject_fault(fault(ShopApi::Shops, 429, 36_009_002, "too many requests"));
    let limited = sync().await;
    assert_eq!(limited.status, 429, "{}", limited.text);
    assert_eq!(limited.error_code(), Some("rate_limited"));
    assert!(limited.headers.contains_key("retry-after"));

    app.sandbox
        .shop_inject_fault(fault(ShopApi::Products, 500, 36_009_003, "internal error"));
    let down = sync().await;
    assert_eq!(down.status, 503, "{}", down.text);
    assert_eq!(down.error_code(), Some("tiktok_unavailable"));
    assert!(down.headers.contains_key("retry-after"));

    let fine = sync().await;
    assert_eq!(fine.status, 200, "the faults were one-offs: {}", fine.text);
    let status = app
        .call(Method::GET, &format!("{SHOP}/status/42"), "42")
        .await;
    assert_eq!(status.body["status"], "connected");
}

async fn a_revoked_grant_makes_the_connection_reauth_required(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    assert_eq!(connect(&app, "42").await.status, 200);
    app.sandbox.shop_deauthorize();
    let refused = app
        .call(Method::POST, &format!("{SHOP}/sync/42"), "42")
        .await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(refused.error_code(), Some("reauth_required"));
    let status = app
        .call(Method::GET, &format!("{SHOP}/status/42"), "42")
        .await;
    assert_eq!(status.body["status"], "reauth_required", "{}", status.text);
    assert_eq!(status.body["connected"], false);
    assert!(
        status.body["seller"].is_object(),
        "the last known seller is shown"
    );
    let again = app
        .call(Method::POST, &format!("{SHOP}/sync/42"), "42")
        .await;
    assert_eq!(again.error_code(), Some("reauth_required"));
    // Connecting again restores it.
    assert_eq!(connect(&app, "42").await.body["status"], "connected");
}
