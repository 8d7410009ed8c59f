//! TikTok's webhooks: signed with the client secret, fresh, idempotent; `authorization.removed` disconnects.

use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::json;
use sha2::Sha256;
use tiktok_integration_tests::flow::{answer, Answer};
use tiktok_integration_tests::{Backend, TestApp};

const BASE: &str = "/api/v1/integrations/tiktok";

on_both_backends!(
    authorization_removed_disconnects_at_once_and_keeps_the_reason,
    a_redelivered_event_changes_nothing_even_after_a_reconnect,
    deliveries_with_a_bad_or_stale_signature_are_refused,
    malformed_unknown_and_foreign_events_are_answered_without_effect,
);

fn signature(secret: &str, t: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.{body}").as_bytes());
    format!("t={t},s={}", hex::encode(mac.finalize().into_bytes()))
}

pub(crate) fn removed_event(app: &TestApp, open_id: &str, reason: i64, create_time: i64) -> String {
    json!({
        "client_key": app.sandbox.client_key(),
        "event": "authorization.removed",
        "create_time": create_time,
        "user_openid": open_id,
        "content": format!("{{\"reason\": {reason} }}"),
    })
    .to_string()
}

async fn deliver(app: &TestApp, body: &str, signature: Option<String>) -> Answer {
    let mut request = app
        .http
        .post(app.url(&format!("{BASE}/webhooks")))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(signature) = signature {
        request = request.header("TikTok-Signature", signature);
    }
    answer(request.send().await.expect("the service answers")).await
}

pub(crate) async fn deliver_signed(app: &TestApp, body: &str) -> Answer {
    let now = chrono::Utc::now().timestamp();
    deliver(
        app,
        body,
        Some(signature(app.sandbox.client_secret(), now, body)),
    )
    .await
}

async fn authorization_removed_disconnects_at_once_and_keeps_the_reason(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    assert_eq!(
        app.call(Method::POST, &format!("{BASE}/sync/42"), "42")
            .await
            .status,
        200
    );
    let open_id = app.sandbox.open_id_of("sandbox_creator").unwrap();

    let delivered = deliver_signed(
        &app,
        &removed_event(&app, &open_id, 2, chrono::Utc::now().timestamp()),
    )
    .await;
    assert_eq!(delivered.status, 200, "{}", delivered.text);

    let status = app
        .call(Method::GET, &format!("{BASE}/status/42"), "42")
        .await;
    assert_eq!(status.body["status"], "not_connected");
    assert_eq!(status.body["connected"], false);
    assert!(status.body["account"].is_null());
    assert_eq!(status.body["disconnect_reason"], "account_deleted");
    let sync = app
        .call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await;
    assert_eq!(
        sync.error_code(),
        Some("not_connected"),
        "the tokens are gone"
    );
    let disconnect = app
        .call(Method::DELETE, &format!("{BASE}/disconnect/42"), "42")
        .await;
    assert_eq!(
        disconnect.body["disconnect_reason"], "account_deleted",
        "a later disconnect keeps TikTok's reason"
    );
}

async fn a_redelivered_event_changes_nothing_even_after_a_reconnect(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    let open_id = app.sandbox.open_id_of("sandbox_creator").unwrap();
    let event = removed_event(&app, &open_id, 1, chrono::Utc::now().timestamp());

    assert_eq!(deliver_signed(&app, &event).await.status, 200);
    assert_eq!(
        deliver_signed(&app, &event).await.status,
        200,
        "TikTok delivers at least once"
    );
    let status = app
        .call(Method::GET, &format!("{BASE}/status/42"), "42")
        .await;
    assert_eq!(status.body["disconnect_reason"], "user_disconnected");

    // The creator reconnects; TikTok then redelivers the old event.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    assert_eq!(deliver_signed(&app, &event).await.status, 200);
    let status = app
        .call(Method::GET, &format!("{BASE}/status/42"), "42")
        .await;
    assert_eq!(
        status.body["status"], "connected",
        "an event older than the connection is ignored"
    );
    assert!(status.body.get("disconnect_reason").is_none());
}

async fn deliveries_with_a_bad_or_stale_signature_are_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    let open_id = app.sandbox.open_id_of("sandbox_creator").unwrap();
    let now = chrono::Utc::now().timestamp();
    let body = removed_event(&app, &open_id, 1, now);
    let secret = app.sandbox.client_secret().to_owned();

    for (what, header) in [
        ("no signature", None),
        (
            "another secret",
            Some(signature("not-the-secret", now, &body)),
        ),
        (
            "older than 5 minutes",
            Some(signature(&secret, now - 301, &body)),
        ),
        ("another body", Some(signature(&secret, now, "{}"))),
        ("garbage", Some("t=now,s=zzz".to_owned())),
    ] {
        let answer = deliver(&app, &body, header).await;
        assert_eq!(
            (answer.status, answer.error_code()),
            (401, Some("unauthenticated")),
            "{what}"
        );
    }
    let status = app
        .call(Method::GET, &format!("{BASE}/status/42"), "42")
        .await;
    assert_eq!(
        status.body["status"], "connected",
        "no refused delivery had an effect"
    );
}

async fn malformed_unknown_and_foreign_events_are_answered_without_effect(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    let now = chrono::Utc::now().timestamp();

    let malformed = deliver_signed(&app, "{not json").await;
    assert_eq!(
        (malformed.status, malformed.error_code()),
        (400, Some("invalid_request"))
    );
    let unknown_user = deliver_signed(&app, &removed_event(&app, "no-such-open-id", 1, now)).await;
    assert_eq!(
        unknown_user.status, 200,
        "acknowledged so that TikTok stops retrying"
    );
    let other_event =
        json!({"client_key": app.sandbox.client_key(), "event": "video.publish.completed",
        "create_time": now, "user_openid": "x", "content": "{}"})
        .to_string();
    assert_eq!(deliver_signed(&app, &other_event).await.status, 200);
    let open_id = app.sandbox.open_id_of("sandbox_creator").unwrap();
    let foreign =
        removed_event(&app, &open_id, 1, now).replace(app.sandbox.client_key(), "another-app");
    let answer = deliver_signed(&app, &foreign).await;
    assert_eq!(
        (answer.status, answer.error_code()),
        (400, Some("invalid_request"))
    );

    let status = app
        .call(Method::GET, &format!("{BASE}/status/42"), "42")
        .await;
    assert_eq!(status.body["status"], "connected");
}
