//! Without TikTok Shop credentials (outside development's sandbox), every Shop route answers
//! `503 shop_not_configured` in the contract's shape, and the account integration works as before.

use reqwest::Method;
use tiktok_integration_tests::{Backend, TestApp};

use super::{webhook, SHOP};

on_both_backends!(every_shop_route_answers_503_shop_not_configured_and_the_rest_works);

async fn every_shop_route_answers_503_shop_not_configured_and_the_rest_works(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    for (method, path) in [
        (Method::GET, format!("{SHOP}/status/42")),
        (Method::POST, format!("{SHOP}/auth/init?user_id=42")),
        (
            Method::POST,
            format!("{SHOP}/auth/callback?code=c&state=s&user_id=42"),
        ),
        (Method::DELETE, format!("{SHOP}/disconnect/42")),
        (Method::POST, format!("{SHOP}/sync/42")),
        (Method::GET, format!("{SHOP}/metrics/42")),
        (Method::GET, format!("{SHOP}/orders/42")),
        (Method::GET, format!("{SHOP}/products/42")),
    ] {
        let answer = app.call(method.clone(), &path, "42").await;
        assert_eq!(answer.status, 503, "{method} {path}: {}", answer.text);
        assert_eq!(
            answer.error_code(),
            Some("shop_not_configured"),
            "{method} {path}"
        );
        assert!(answer.body["error"]["message"].is_string());
    }
    let pushed = webhook(&app, "{}", "00").await;
    assert_eq!(pushed.status, 503);
    assert_eq!(pushed.error_code(), Some("shop_not_configured"));

    let account = app.connect("42", "sandbox_creator").await;
    assert_eq!(
        account.status, 200,
        "the account integration is unaffected: {}",
        account.text
    );
    let status = app
        .call(Method::GET, "/api/v1/integrations/tiktok/status/42", "42")
        .await;
    assert_eq!(status.body["status"], "connected");
}
