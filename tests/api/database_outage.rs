//! PostgreSQL stopping and coming back under the service (through a proxy the test controls): requests
//! fail fast with a clear answer while it is down, and the service recovers by itself once it is back.

use std::time::{Duration, Instant};

use reqwest::Method;
use tiktok_integration_tests::db_proxy::DbProxy;
use tiktok_integration_tests::flow::Answer;
use tiktok_integration_tests::rows::stored_row;
use tiktok_integration_tests::{Backend, TestApp};
use tiktok_sandbox::{Endpoint, Fault, FaultKind};

const BASE: &str = "/api/v1/integrations/tiktok";
/// The fault bound: a request during an outage is answered within this (the pool gives up after 500 ms).
const FAIL_FAST: Duration = Duration::from_millis(1_500);
/// How soon after the database's return the service must serve again.
const RECOVERY: Duration = Duration::from_secs(2);

/// The service on a fresh PostgreSQL database reached through a proxy; `None` without PostgreSQL.
async fn behind_proxy(start_down: bool) -> Option<(TestApp, DbProxy)> {
    let mut proxy = None;
    let app = TestApp::spawn_with(Backend::Postgres, |vars| {
        let url = vars["DATABASE_URL"].clone();
        let started = DbProxy::start(DbProxy::target_of(&url));
        if start_down {
            started.go_down();
            vars.insert("TEST_DATABASE_STARTS_DOWN".into(), "1".into());
        }
        vars.insert("DATABASE_URL".into(), DbProxy::url_through(&url, &started));
        vars.insert("APP_RATE_LIMIT__PER_CALLER_PER_MINUTE".into(), "0".into());
        vars.insert("APP_DATABASE__CONNECT_TIMEOUT_MS".into(), "500".into());
        proxy = Some(started);
    })
    .await?;
    Some((app, proxy.expect("the proxy started")))
}

/// Sends a request and measures how long the answer took.
async fn timed(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
) -> (Answer, Duration) {
    let started = Instant::now();
    let answer = app.call_with(method, path, token).await;
    (answer, started.elapsed())
}

/// Retries `path` until it answers `status`, for at most `within`; returns how long that took.
async fn answers_within(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    status: u16,
    within: Duration,
) -> Duration {
    let started = Instant::now();
    loop {
        let answer = app.call_with(Method::GET, path, token).await;
        if answer.status == status {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "{path} still answers {} after {within:?}: {}",
            answer.status,
            answer.text
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_during_a_database_outage_fail_fast_and_the_service_recovers_within_two_seconds() {
    let Some((app, proxy)) = behind_proxy(false).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    let token = app.user_token("42");
    let status_path = format!("{BASE}/status/42");
    let sync_path = format!("{BASE}/sync/42");
    assert_eq!(
        app.call_with(Method::POST, &sync_path, Some(&token))
            .await
            .status,
        200
    );

    proxy.go_down();
    for _ in 0..3 {
        for (method, path) in [
            (Method::POST, sync_path.as_str()),
            (Method::GET, status_path.as_str()),
        ] {
            let (answer, took) = timed(&app, method, path, Some(&token)).await;
            assert_eq!(
                (answer.status, answer.error_code()),
                (503, Some("database_unavailable")),
                "{path}: {}",
                answer.text
            );
            assert!(
                answer.headers.contains_key("retry-after"),
                "{path} says when to retry"
            );
            assert!(took < FAIL_FAST, "{path} answered in {took:?}");
        }
        let (ready, took) = timed(&app, Method::GET, "/health/ready", None).await;
        assert_eq!(ready.status, 503, "{}", ready.text);
        assert!(took < FAIL_FAST, "/health/ready answered in {took:?}");
    }

    proxy.come_back();
    answers_within(&app, &status_path, Some(&token), 200, RECOVERY).await;
    answers_within(&app, "/health/ready", None, 200, RECOVERY).await;
    let synced = app.call_with(Method::POST, &sync_path, Some(&token)).await;
    assert_eq!(synced.status, 200, "{}", synced.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_started_while_the_database_is_down_becomes_ready_within_two_seconds_of_its_return(
) {
    let Some((app, proxy)) = behind_proxy(true).await else {
        return;
    };
    let (ready, took) = timed(&app, Method::GET, "/health/ready", None).await;
    assert_eq!(ready.status, 503, "{}", ready.text);
    assert!(took < FAIL_FAST, "/health/ready answered in {took:?}");
    let (live, _) = timed(&app, Method::GET, "/health/live", None).await;
    assert_eq!(live.status, 200, "the process is up");

    proxy.come_back();
    // Migrations are retried every second in the background; then the schema is there.
    answers_within(&app, "/health/ready", None, 200, RECOVERY).await;
    let connected = app.connect("42", "sandbox_creator").await;
    assert_eq!(connected.status, 200, "{}", connected.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_pair_in_hand_when_the_database_goes_down_is_stored_once_it_is_back() {
    let Some((app, proxy)) = behind_proxy(false).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    let before = stored_row(&app.db, "42");
    app.sandbox.expire_access_tokens();
    let refreshes = app.sandbox.refresh_count();
    // TikTok takes a second to answer the refresh; the database goes down meanwhile.
    app.sandbox.inject_fault(
        Fault::new(FaultKind::Slow { delay_ms: 1_000 })
            .on(Endpoint::Token)
            .times(1),
    );

    let (answer, ()) = tokio::join!(app.sync_at(&app.address, "42"), async {
        tokio::time::sleep(Duration::from_millis(400)).await;
        proxy.go_down();
    });

    assert_eq!(
        (answer.status, answer.error_code()),
        (503, Some("database_unavailable")),
        "{}",
        answer.text
    );
    assert_eq!(
        app.sandbox.refresh_count(),
        refreshes + 1,
        "TikTok rotated the pair"
    );
    assert_eq!(
        stored_row(&app.db, "42").refresh_token,
        before.refresh_token
    );
    // Down for longer than the request's own retries.
    tokio::time::sleep(Duration::from_secs(3)).await;
    proxy.come_back();
    let started = Instant::now();
    while stored_row(&app.db, "42").refresh_token == before.refresh_token {
        assert!(
            started.elapsed() < RECOVERY,
            "the rotated pair is not stored {RECOVERY:?} after the database came back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let after = stored_row(&app.db, "42");
    assert_eq!(
        (after.status.as_str(), after.refresh_lease_owner),
        ("connected", None)
    );
    let next = app.sync_at(&app.address, "42").await;
    assert_eq!(next.status, 200, "the stored pair works: {}", next.text);
    assert_eq!(
        app.sandbox.refresh_count(),
        refreshes + 1,
        "no further refresh was needed"
    );
}
