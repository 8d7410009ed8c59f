//! `GET /metrics` on its own address: after a connect, a sync, a refresh, a sync round and a webhook, the
//! counters of each have moved, and no user id shows in any label.

use chrono::Utc;
use reqwest::Method;
use tiktok_integration_tests::capture::execute_sql;
use tiktok_integration_tests::{Backend, TestApp};

const BASE: &str = "/api/v1/integrations/tiktok";
const USER: &str = "metrics-user-7";

on_both_backends!(metrics_move_with_connect_sync_refresh_and_webhooks);

/// Scrapes `/metrics` (the text format) from the metrics address.
async fn scrape(app: &TestApp) -> String {
    let address = app.metrics_address.as_ref().expect("metrics are on");
    let response = app
        .http
        .get(format!("{address}/metrics"))
        .send()
        .await
        .expect("the metrics server answers");
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    response.text().await.expect("a body")
}

/// The sum of the samples of `name` whose labels contain every one of `labels`.
fn sample(scrape: &str, name: &str, labels: &[&str]) -> f64 {
    scrape
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter(|line| {
            line.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
        })
        .filter(|line| labels.iter().all(|label| line.contains(label)))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

async fn metrics_move_with_connect_sync_refresh_and_webhooks(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |vars| {
        vars.insert("APP_METRICS__LISTEN".into(), "127.0.0.1:0".into());
    })
    .await
    else {
        return;
    };
    assert_ne!(
        app.metrics_address.as_deref(),
        Some(app.address.as_str()),
        "metrics have their own listener"
    );
    let api = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("the API answers");
    assert_eq!(api.status(), 404, "the API does not serve the metrics");
    let before = scrape(&app).await;

    assert_eq!(app.connect(USER, "sandbox_creator").await.status, 200);
    let synced = app
        .call(Method::POST, &format!("{BASE}/sync/{USER}"), USER)
        .await;
    assert_eq!(synced.status, 200, "{}", synced.text);
    let soon = (Utc::now() + chrono::Duration::minutes(5)).format("%Y-%m-%d %H:%M:%S%.6f");
    execute_sql(
        &app.db,
        &format!("UPDATE tiktok_accounts SET access_token_expires_at = '{soon}' WHERE user_id = '{USER}'"),
    );
    let refreshed = app
        .background
        .refresh_round()
        .await
        .expect("a refresh round");
    assert_eq!(refreshed.refreshed, 1);
    app.background.sync_round().await.expect("a sync round");
    let unsigned = app
        .http
        .post(app.url(&format!("{BASE}/webhooks")))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("the service answers");
    assert_eq!(unsigned.status(), 401);

    let after = scrape(&app).await;
    let moved = |name: &str, labels: &[&str]| {
        let (was, is) = (sample(&before, name, labels), sample(&after, name, labels));
        assert!(
            is > was,
            "{name}{labels:?} did not move: {was} -> {is}\n{after}"
        );
    };
    let sync_route = "route=\"/api/v1/integrations/tiktok/sync/{user_id}\"";
    moved(
        "http_requests_total",
        &["method=\"POST\"", sync_route, "status=\"200\""],
    );
    moved("http_request_duration_seconds_count", &[sync_route]);
    moved(
        "tiktok_requests_total",
        &["endpoint=\"token\"", "outcome=\"ok\""],
    );
    moved(
        "tiktok_requests_total",
        &["endpoint=\"user_info\"", "outcome=\"ok\""],
    );
    moved(
        "tiktok_request_duration_seconds_count",
        &["endpoint=\"user_info\""],
    );
    moved("tiktok_token_refreshes_total", &["outcome=\"refreshed\""]);
    moved(
        "tiktok_pacing_total",
        &["endpoint=\"user_info\"", "outcome=\"admitted\""],
    );
    moved("tiktok_sync_rounds_total", &["outcome=\"done\""]);
    moved(
        "tiktok_webhook_events_total",
        &["outcome=\"bad_signature\""],
    );
    assert!(
        sample(&after, "db_pool_connections_max", &[]) >= 1.0,
        "{after}"
    );
    assert!(
        after.contains("tiktok_accounts{status=\"connected\"}"),
        "{after}"
    );
    assert!(!after.contains(USER), "a user id in a label");
}
