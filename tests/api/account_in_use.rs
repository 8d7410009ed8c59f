//! A TikTok account already connected to one user, authorized again by another: the second callback answers
//! `409 tiktok_account_in_use`, and the grant TikTok just issued for it is revoked at TikTok rather than left
//! live and unaccounted for. The first user's connection is untouched.

use reqwest::Method;
use tiktok_integration_tests::{Backend, TestApp};
use tiktok_sandbox::Endpoint;

const BASE: &str = "/api/v1/integrations/tiktok";

on_both_backends!(a_grant_for_a_tiktok_account_connected_to_another_user_is_revoked_at_tiktok);

/// The sandbox's answer to `GET /v2/user/info/` with this access token.
async fn user_info_status(app: &TestApp, access_token: &str) -> u16 {
    app.http
        .get(format!(
            "{}/v2/user/info/?fields=open_id",
            app.sandbox.base_url()
        ))
        .bearer_auth(access_token)
        .send()
        .await
        .expect("the sandbox answers")
        .status()
        .as_u16()
}

async fn a_grant_for_a_tiktok_account_connected_to_another_user_is_revoked_at_tiktok(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let first = app.connect("42", "sandbox_creator").await;
    assert_eq!(first.status, 200, "{}", first.text);
    let second = app.connect("43", "sandbox_creator").await;
    assert_eq!(second.status, 409, "{}", second.text);
    assert_eq!(second.error_code(), Some("tiktok_account_in_use"));

    let issued = app.sandbox.known_access_tokens();
    assert_eq!(issued.len(), 2, "one grant per callback");
    assert_eq!(app.sandbox.request_count(Endpoint::Revoke), 1);
    assert_eq!(
        user_info_status(&app, &issued[1]).await,
        401,
        "the grant issued for user 43 is revoked"
    );
    assert_eq!(
        user_info_status(&app, &issued[0]).await,
        200,
        "user 42's grant is still live"
    );

    // User 42 is still connected and served; user 43 is not connected.
    let sync = app
        .call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await;
    assert_eq!(sync.status, 200, "{}", sync.text);
    let status = app
        .call(Method::GET, &format!("{BASE}/status/43"), "43")
        .await;
    assert_eq!(status.body["status"], "not_connected", "{}", status.text);
}
