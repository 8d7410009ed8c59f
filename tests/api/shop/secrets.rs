//! No Shop access or refresh token, no app secret and no shop cipher reaches a log line or an answer, over a
//! whole flow with a refresh, a webhook and a disconnect.

use reqwest::Method;
use tiktok_integration_tests::capture::capture_logs;
use tiktok_integration_tests::flow::Answer;
use tiktok_integration_tests::Backend;

use super::{assert_no_shop_secret, connect, spawn, webhook, SHOP};

on_both_backends!(no_shop_token_secret_or_cipher_reaches_the_logs_or_any_answer);

async fn no_shop_token_secret_or_cipher_reaches_the_logs_or_any_answer(backend: Backend) {
    let logs = capture_logs();
    let Some(app) = spawn(backend).await else {
        return;
    };
    let mut answers: Vec<Answer> = vec![connect(&app, "42").await];
    answers.push(
        app.call(Method::POST, &format!("{SHOP}/sync/42"), "42")
            .await,
    );
    app.sandbox.shop_expire_access_tokens();
    answers.push(
        app.call(Method::POST, &format!("{SHOP}/sync/42"), "42")
            .await,
    );
    assert_eq!(app.sandbox.shop_refresh_count(), 1, "a refresh happened");
    for path in [
        "status/42",
        "metrics/42",
        "orders/42?limit=100",
        "products/42?limit=100",
    ] {
        answers.push(app.call(Method::GET, &format!("{SHOP}/{path}"), "42").await);
    }
    let shop_id = app.sandbox.shop_config().shops[0].id.clone();
    let event = format!(
        "{{\"type\":7,\"tts_notification_id\":\"9\",\"shop_id\":\"{shop_id}\",\"timestamp\":{},\"data\":{{\"expiration_time\":\"1900000000\"}}}}",
        chrono::Utc::now().timestamp()
    );
    answers.push(
        webhook(
            &app,
            &event,
            &app.sandbox.shop_sign_webhook(event.as_bytes()),
        )
        .await,
    );
    answers.push(webhook(&app, &event, "00").await);
    answers.push(
        app.call(Method::DELETE, &format!("{SHOP}/disconnect/42"), "42")
            .await,
    );
    for answer in &answers {
        assert!(answer.status < 500, "{}", answer.text);
        assert_no_shop_secret(&app, &answer.text, "an answer");
        assert_no_shop_secret(&app, &format!("{:?}", answer.headers), "answer headers");
    }
    let logs = logs.contents();
    assert!(
        logs.contains("TikTok Shop seller connected"),
        "the capture sees the service"
    );
    assert_no_shop_secret(&app, &logs, "the logs");
}
