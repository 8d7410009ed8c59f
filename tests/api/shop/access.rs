//! Who may call the Shop routes, and the callback's refusals: the same rules as the account routes.

use reqwest::Method;
use tiktok_integration_tests::Backend;

use super::{authorize_at_shop, callback, init, spawn, SHOP};

on_both_backends!(
    a_callback_without_state_is_invalid_state_and_a_declined_one_authorization_denied,
    a_creator_may_not_act_for_another_user_and_no_token_is_401,
);

/// Every secured Shop route as (method, path for user 42).
fn routes() -> Vec<(Method, String)> {
    vec![
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
    ]
}

async fn a_callback_without_state_is_invalid_state_and_a_declined_one_authorization_denied(
    backend: Backend,
) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    let started = init(&app, "42").await;
    assert_eq!(started.status, 200, "{}", started.text);
    assert!(started.body["expires_at"].as_str().unwrap().ends_with('Z'));
    let query = authorize_at_shop(&app, started.body["authorization_url"].as_str().unwrap()).await;
    let without_state: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| k != "state")
        .cloned()
        .collect();
    let refused = callback(&app, "42", &without_state).await;
    assert_eq!(refused.status, 400, "{}", refused.text);
    assert_eq!(refused.error_code(), Some("invalid_state"));

    // Another user cannot spend this user's state; the state still works for its own user once.
    let stolen = callback(&app, "43", &query).await;
    assert_eq!(stolen.error_code(), Some("invalid_state"));
    let used = callback(&app, "42", &query).await;
    assert_eq!(used.status, 200, "{}", used.text);
    let again = callback(&app, "42", &query).await;
    assert_eq!(
        again.error_code(),
        Some("invalid_state"),
        "a state is spent once"
    );

    let started = init(&app, "44").await;
    let state = url::Url::parse(started.body["authorization_url"].as_str().unwrap())
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("the state is on the authorize URL");
    let declined = callback(
        &app,
        "44",
        &[
            ("error".into(), "auth_denied".into()),
            ("state".into(), state),
        ],
    )
    .await;
    assert_eq!(declined.status, 400, "{}", declined.text);
    assert_eq!(declined.error_code(), Some("authorization_denied"));
}

async fn a_creator_may_not_act_for_another_user_and_no_token_is_401(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    for (method, path) in routes() {
        let other = app.call(method.clone(), &path, "43").await;
        assert_eq!(other.status, 403, "{method} {path}: {}", other.text);
        assert_eq!(other.error_code(), Some("forbidden"), "{method} {path}");
        let anonymous = app.call_with(method.clone(), &path, None).await;
        assert_eq!(anonymous.status, 401, "{method} {path}");
        assert_eq!(anonymous.error_code(), Some("unauthenticated"));
        assert!(anonymous.headers.contains_key("www-authenticate"));
    }
    let admin = app.admin_token();
    let status = app
        .call_with(Method::GET, &format!("{SHOP}/status/43"), Some(&admin))
        .await;
    assert_eq!(status.status, 200, "an internal service may act for anyone");
    let bad_user = app
        .call(Method::GET, &format!("{SHOP}/status/bad%20user"), "42")
        .await;
    assert_eq!(bad_user.status, 400);
    assert_eq!(bad_user.error_code(), Some("invalid_request"));
}
