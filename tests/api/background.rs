//! Background work end to end: sync claims across two replicas, the refresher, the switch, and the
//! reauthorization warning in the status body.

use std::time::Duration;

use chrono::Utc;
use diesel::{Connection, PgConnection, RunQueryDsl, SqliteConnection};
use reqwest::Method;
use tiktok_integration_tests::{Backend, TestApp};
use tiktok_sandbox::{Endpoint, FakeUser, SandboxConfig};

const BASE: &str = "/api/v1/integrations/tiktok";

on_both_backends!(
    two_replicas_running_a_sync_round_at_once_sync_each_account_exactly_once,
    the_refresher_renews_an_about_to_expire_token_without_any_api_request,
    with_background_work_switched_off_no_round_runs,
    status_shows_reauth_due_at_when_the_refresh_token_expires_within_the_warning,
);

/// Runs one SQL statement on the test's database.
fn execute(app: &TestApp, sql: &str) {
    let url = app.db.url();
    let done = if app.db.is_postgres() {
        let mut conn = PgConnection::establish(url).expect("the database opens");
        diesel::sql_query(sql).execute(&mut conn)
    } else {
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        let mut conn = SqliteConnection::establish(path).expect("the database opens");
        diesel::sql_query(sql).execute(&mut conn)
    };
    done.expect("the statement runs");
}

/// The access token of user 42 now expires in 5 minutes, as if it had aged (TikTok's copy is unchanged).
fn age_access_token_of_42(app: &TestApp) {
    let soon = (Utc::now() + chrono::Duration::minutes(5)).format("%Y-%m-%d %H:%M:%S%.6f");
    execute(
        app,
        &format!(
            "UPDATE tiktok_accounts SET access_token_expires_at = '{soon}' WHERE user_id = '42'"
        ),
    );
}

/// Background loops on, refreshing every second, the first sync round an hour away.
fn background_on(vars: &mut std::collections::HashMap<String, String>) {
    for (key, value) in [
        ("APP_BACKGROUND__ENABLED", "true"),
        ("APP_BACKGROUND__REFRESH_INTERVAL_SECONDS", "1"),
        ("APP_BACKGROUND__SYNC_JITTER_SECONDS", "3600"),
    ] {
        vars.insert(key.into(), value.into());
    }
}

async fn two_replicas_running_a_sync_round_at_once_sync_each_account_exactly_once(
    backend: Backend,
) {
    let sandbox = SandboxConfig {
        users: (0..20)
            .map(|i| FakeUser::new(&format!("creator_{i}"), 0))
            .collect(),
        ..SandboxConfig::default()
    };
    let Some(app) = TestApp::spawn_with_sandbox(backend, sandbox, |_| {}).await else {
        return;
    };
    for i in 0..20 {
        let connected = app.connect(&format!("u{i}"), &format!("creator_{i}")).await;
        assert_eq!(connected.status, 200, "u{i}: {}", connected.text);
    }
    let replica = app.another_replica().await;
    let (a, b) = (app.background.clone(), replica.background().worker());
    assert_ne!(a.replica(), b.replica());
    let before = app.sandbox.request_count(Endpoint::UserInfo);

    let (round_a, round_b) = tokio::join!(a.sync_round(), b.sync_round());

    let (round_a, round_b) = (round_a.expect("round a"), round_b.expect("round b"));
    assert_eq!(
        round_a.claimed + round_b.claimed,
        20,
        "{round_a:?} {round_b:?}"
    );
    assert_eq!(
        round_a.synced + round_b.synced,
        20,
        "{round_a:?} {round_b:?}"
    );
    assert_eq!(app.sandbox.request_count(Endpoint::UserInfo) - before, 20);
    let again = a.sync_round().await.expect("a second round");
    assert_eq!(again.claimed, 0, "claims hold for the rest of the interval");
    let metrics = app
        .call(Method::GET, &format!("{BASE}/metrics/u7"), "u7")
        .await;
    assert_eq!(metrics.status, 200);
    assert!(metrics.body["last_sync_at"].is_string());
}

async fn the_refresher_renews_an_about_to_expire_token_without_any_api_request(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, background_on).await else {
        return;
    };
    assert!(app.background_running);
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    let (refreshes, reads) = (
        app.sandbox.refresh_count(),
        app.sandbox.request_count(Endpoint::UserInfo),
    );
    age_access_token_of_42(&app);

    let mut waited = Duration::ZERO;
    while app.sandbox.refresh_count() == refreshes && waited < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += Duration::from_millis(100);
    }
    tokio::time::sleep(Duration::from_millis(1_500)).await;

    assert_eq!(app.sandbox.refresh_count(), refreshes + 1, "renewed once");
    assert_eq!(
        app.sandbox.request_count(Endpoint::UserInfo),
        reads,
        "no API request"
    );
    let synced = app
        .call(Method::POST, &format!("{BASE}/sync/42"), "42")
        .await;
    assert_eq!(
        synced.status, 200,
        "the renewed grant works: {}",
        synced.text
    );
    assert_eq!(
        app.sandbox.refresh_count(),
        refreshes + 1,
        "and needs no refresh"
    );
}

async fn with_background_work_switched_off_no_round_runs(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |vars| {
        background_on(vars);
        vars.insert("APP_BACKGROUND__ENABLED".into(), "false".into());
    })
    .await
    else {
        return;
    };
    assert!(!app.background_running);
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    let refreshes = app.sandbox.refresh_count();
    age_access_token_of_42(&app);

    tokio::time::sleep(Duration::from_millis(2_500)).await;

    assert_eq!(
        app.sandbox.refresh_count(),
        refreshes,
        "no refresh round ran"
    );
}

async fn status_shows_reauth_due_at_when_the_refresh_token_expires_within_the_warning(
    backend: Backend,
) {
    let sandbox = SandboxConfig {
        refresh_token_ttl: Duration::from_secs(7 * 86_400),
        ..SandboxConfig::default()
    };
    let Some(app) = TestApp::spawn_with_sandbox(backend, sandbox, |_| {}).await else {
        return;
    };
    let connected = app.connect("42", "sandbox_creator").await;
    assert_eq!(connected.status, 200, "{}", connected.text);

    let status = app
        .call(Method::GET, &format!("{BASE}/status/42"), "42")
        .await;

    assert_eq!(status.status, 200);
    let raw = status.body["reauth_due_at"]
        .as_str()
        .expect("reauth_due_at is shown");
    assert!(raw.ends_with('Z'), "UTC with a Z: {raw}");
    let due = chrono::DateTime::parse_from_rfc3339(raw).expect("RFC 3339");
    let in_days = (due.with_timezone(&Utc) - Utc::now()).num_hours() as f64 / 24.0;
    assert!((6.9..=7.0).contains(&in_days), "{in_days} days");
    for field in ["user_id", "connected", "status", "account"] {
        assert!(!status.body[field].is_null(), "{field} is kept");
    }
    assert_eq!(status.body["status"], "connected");

    let Some(normal) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(normal.connect("42", "sandbox_creator").await.status, 200);
    let status = normal
        .call(Method::GET, &format!("{BASE}/status/42"), "42")
        .await;
    assert!(
        status.body.get("reauth_due_at").is_none(),
        "a year away: not shown: {}",
        status.text
    );
}
