//! TikTok Shop end to end: a seller connects through the sandbox's Shop, syncs, reads figures, orders and
//! products, and disconnects; TikTok Shop's webhooks; the answers when Shop is not configured.

mod access;
mod flow;
mod not_configured;
mod webhooks;

use std::collections::HashMap;

use reqwest::Method;
use tiktok_integration_tests::flow::{answer, Answer};
use tiktok_integration_tests::{Backend, TestApp, REDIRECT_URI};
use tiktok_sandbox::{SandboxConfig, ShopSandboxConfig};

/// Where the Shop routes live.
pub const SHOP: &str = "/api/v1/integrations/tiktok-shop";

/// The service with Shop configured against the sandbox's Shop (which redirects to the dashboard).
pub async fn spawn(backend: Backend) -> Option<TestApp> {
    spawn_with(backend, |_| {}).await
}

/// Like [`spawn`], with a chance to change the variables.
pub async fn spawn_with(
    backend: Backend,
    tweak: impl FnOnce(&mut HashMap<String, String>),
) -> Option<TestApp> {
    let shop = ShopSandboxConfig {
        redirect_url: Some(REDIRECT_URI.to_owned()),
        ..ShopSandboxConfig::default()
    };
    let config = SandboxConfig {
        shop: shop.clone(),
        ..SandboxConfig::default()
    };
    TestApp::spawn_with_sandbox(backend, config, |vars| {
        let base = vars["TIKTOK_API_BASE_URL"].clone();
        for (k, v) in [
            ("TIKTOK_APP_KEY", shop.app_key.as_str()),
            ("TIKTOK_APP_SECRET", shop.app_secret.as_str()),
            ("TIKTOK_SHOP_SERVICE_ID", shop.service_id.as_str()),
            ("TIKTOK_SHOP_AUTH_BASE_URL", base.as_str()),
            ("TIKTOK_SHOP_TOKEN_BASE_URL", base.as_str()),
            ("TIKTOK_SHOP_API_BASE_URL", base.as_str()),
            ("APP_SHOP__READ_RETRIES", "0"),
        ] {
            vars.insert(k.to_owned(), v.to_owned());
        }
        tweak(vars);
    })
    .await
}

/// `POST auth/init` as the user.
pub async fn init(app: &TestApp, user_id: &str) -> Answer {
    app.call(
        Method::POST,
        &format!("{SHOP}/auth/init?user_id={user_id}"),
        user_id,
    )
    .await
}

/// Follows the authorize URL at the sandbox's Shop: it redirects to the dashboard with `code` and `state`.
pub async fn authorize_at_shop(app: &TestApp, authorization_url: &str) -> Vec<(String, String)> {
    assert!(
        authorization_url.contains("/open/authorize?") && authorization_url.contains("service_id="),
        "{authorization_url}"
    );
    let query = app.authorize_at_tiktok(authorization_url, "").await;
    assert!(query.iter().any(|(k, _)| k == "code"), "{query:?}");
    query
}

/// `POST auth/callback` with the query TikTok Shop appended, as the user.
pub async fn callback(app: &TestApp, user_id: &str, query: &[(String, String)]) -> Answer {
    let mut url = url::Url::parse(&app.url(&format!("{SHOP}/auth/callback"))).expect("a url");
    {
        let mut pairs = url.query_pairs_mut();
        for (k, v) in query {
            pairs.append_pair(k, v);
        }
        pairs.append_pair("user_id", user_id);
    }
    let response = app
        .http
        .post(url)
        .bearer_auth(app.user_token(user_id))
        .send()
        .await
        .expect("the service answers");
    answer(response).await
}

/// init → the sandbox's authorize page → callback; returns the callback's answer.
pub async fn connect(app: &TestApp, user_id: &str) -> Answer {
    let started = init(app, user_id).await;
    assert_eq!(started.status, 200, "init: {}", started.text);
    let url = started.body["authorization_url"].as_str().expect("a URL");
    let query = authorize_at_shop(app, url).await;
    callback(app, user_id, &query).await
}

/// `POST webhooks` with this body and `Authorization` header.
pub async fn webhook(app: &TestApp, body: &str, authorization: &str) -> Answer {
    let response = app
        .http
        .post(app.url(&format!("{SHOP}/webhooks")))
        .header("Authorization", authorization)
        .header("Content-Type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("the service answers");
    answer(response).await
}

/// Every secret of the sandbox's Shop: the app secret, every token issued, every shop cipher.
pub fn shop_secrets(app: &TestApp) -> Vec<String> {
    let config = app.sandbox.shop_config();
    let mut secrets = vec![config.app_secret.clone()];
    secrets.extend(config.shops.iter().map(|s| s.cipher()));
    let tokens = app.sandbox.shop_known_tokens();
    assert!(!tokens.is_empty(), "the sandbox issued Shop tokens");
    secrets.extend(tokens);
    secrets
}

/// Asserts that no Shop secret appears in `text`.
pub fn assert_no_shop_secret(app: &TestApp, text: &str, place: &str) {
    for secret in shop_secrets(app) {
        assert!(!text.contains(&secret), "{place} holds a Shop secret");
    }
}
