//! TikTok Shop's webhooks: signed with the app secret over `app_key` + raw body, idempotent by
//! `tts_notification_id`, types 1, 6 and 7.

use reqwest::Method;
use serde_json::json;
use tiktok_integration_tests::{Backend, TestApp};

use super::{assert_no_shop_secret, connect, spawn, webhook, SHOP};

on_both_backends!(
    a_seller_deauthorization_ends_the_connection_with_its_reason,
    a_bad_signature_is_401_and_a_signed_malformed_body_400,
    a_notification_is_handled_once_and_order_and_expiry_events_apply,
);

fn body(kind: i64, id: &str, shop_id: &str, data: serde_json::Value) -> String {
    json!({
        "type": kind,
        "tts_notification_id": id,
        "shop_id": shop_id,
        "timestamp": chrono::Utc::now().timestamp(),
        "data": data,
    })
    .to_string()
}

async fn signed(app: &TestApp, body: &str) -> u16 {
    let signature = app.sandbox.shop_sign_webhook(body.as_bytes());
    let answer = webhook(app, body, &signature).await;
    assert!(answer.text.is_empty(), "an empty acknowledgement");
    answer.status
}

async fn a_seller_deauthorization_ends_the_connection_with_its_reason(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    assert_eq!(connect(&app, "42").await.status, 200);
    let shop_id = app.sandbox.shop_config().shops[0].id.clone();
    let message =
        json!({"message": format!("Shop_id {shop_id} is deauthorized from your APP by merchant.")});
    assert_eq!(
        signed(&app, &body(6, "7327112393057371910", &shop_id, message)).await,
        200
    );
    let status = app
        .call(Method::GET, &format!("{SHOP}/status/42"), "42")
        .await;
    assert_eq!(status.body["status"], "not_connected", "{}", status.text);
    assert_eq!(status.body["connected"], false);
    assert_eq!(status.body["disconnect_reason"], "seller_deauthorized");
    let sync = app
        .call(Method::POST, &format!("{SHOP}/sync/42"), "42")
        .await;
    assert_eq!(sync.error_code(), Some("not_connected"));
    assert_no_shop_secret(&app, &status.text, "the status body");

    // A shop no connection holds is acknowledged too (TikTok must not retry it).
    assert_eq!(signed(&app, &body(6, "2", "1234", json!({}))).await, 200);
}

async fn a_bad_signature_is_401_and_a_signed_malformed_body_400(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    assert_eq!(connect(&app, "42").await.status, 200);
    let shop_id = app.sandbox.shop_config().shops[0].id.clone();
    let event = body(6, "1", &shop_id, json!({}));
    let good = app.sandbox.shop_sign_webhook(event.as_bytes());
    let mut flipped = good.clone().into_bytes();
    flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
    for authorization in [
        String::from_utf8(flipped).unwrap(),
        String::new(),
        format!("Bearer {good}"),
        app.user_token("42"),
    ] {
        let refused = webhook(&app, &event, &authorization).await;
        assert_eq!(refused.status, 401, "{authorization:?}");
        assert_eq!(refused.error_code(), Some("unauthenticated"));
    }
    let tampered = event.replace("\"type\":6", "\"type\": 6");
    assert_eq!(
        webhook(&app, &tampered, &good).await.status,
        401,
        "the raw bytes are signed"
    );
    let status = app
        .call(Method::GET, &format!("{SHOP}/status/42"), "42")
        .await;
    assert_eq!(status.body["status"], "connected", "nothing was applied");

    let malformed = "{\"type\":1,\"shop_id\":\"1\",\"timestamp\":1,\"data\":{}}";
    let answer = webhook(
        &app,
        malformed,
        &app.sandbox.shop_sign_webhook(malformed.as_bytes()),
    )
    .await;
    assert_eq!(answer.status, 400, "{}", answer.text);
    assert_eq!(answer.error_code(), Some("invalid_request"));
}

async fn a_notification_is_handled_once_and_order_and_expiry_events_apply(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    assert_eq!(connect(&app, "42").await.status, 200);
    assert_eq!(
        app.call(Method::POST, &format!("{SHOP}/sync/42"), "42")
            .await
            .status,
        200
    );
    let shop_id = app.sandbox.shop_config().shops[0].id.clone();
    let order_id = app.sandbox.shop_order_id(&shop_id, 0).expect("order 0");
    let now = chrono::Utc::now().timestamp();
    let change = |status: &str, at: i64| json!({"order_id": order_id, "order_status": status, "is_on_hold_order": false, "update_time": at});
    assert_eq!(newest_status(&app, &shop_id).await, "COMPLETED");
    assert_eq!(
        signed(&app, &body(1, "n-1", &shop_id, change("CANCEL", now + 60))).await,
        200
    );
    assert_eq!(
        newest_status(&app, &shop_id).await,
        "CANCELLED",
        "the webhook's CANCEL is CANCELLED"
    );
    // The same notification again (TikTok's retry), even with other content: handled once.
    assert_eq!(
        signed(
            &app,
            &body(1, "n-1", &shop_id, change("DELIVERED", now + 120))
        )
        .await,
        200
    );
    assert_eq!(
        newest_status(&app, &shop_id).await,
        "CANCELLED",
        "a duplicate id is not applied again"
    );
    assert_eq!(
        signed(
            &app,
            &body(1, "n-2", &shop_id, change("DELIVERED", now + 120))
        )
        .await,
        200
    );
    assert_eq!(newest_status(&app, &shop_id).await, "DELIVERED", "a new id is applied");

    let expiry = now + 30 * 86_400;
    let expiring = json!({"message": "expiring", "expiration_time": expiry.to_string()});
    assert_eq!(signed(&app, &body(7, "n-3", &shop_id, expiring)).await, 200);
    let status = app
        .call(Method::GET, &format!("{SHOP}/status/42"), "42")
        .await;
    let due = chrono::DateTime::parse_from_rfc3339(
        status.body["reauth_due_at"]
            .as_str()
            .expect("reauth_due_at"),
    )
    .unwrap();
    assert_eq!(due.timestamp(), expiry);
    assert_eq!(status.body["status"], "connected");

    assert_eq!(
        signed(&app, &body(5, "n-4", &shop_id, json!({"product_id": 1}))).await,
        200,
        "others are acknowledged"
    );
}

/// The status of the shop's newest order.
async fn newest_status(app: &TestApp, shop_id: &str) -> String {
    let page = app
        .call(
            Method::GET,
            &format!("{SHOP}/orders/42?shop_id={shop_id}&limit=1"),
            "42",
        )
        .await;
    page.body["orders"][0]["status"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}
