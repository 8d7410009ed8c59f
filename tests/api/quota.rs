//! TikTok's quota: one sync per account across replicas, callers' budgets counting TikTok calls (with a
//! budget of their own for internal services), and pacing that fails closed.

use reqwest::Method;
use tiktok_integration_tests::capture::execute_sql;
use tiktok_integration_tests::flow::Answer;
use tiktok_integration_tests::{Backend, TestApp};
use tiktok_sandbox::{Endpoint, FakeUser, Fault, FaultKind, SandboxConfig};

on_both_backends!(
    concurrent_syncs_of_one_account_on_two_replicas_make_exactly_one_listing,
    a_creators_budget_counts_tiktok_calls_not_requests,
    internal_services_have_a_larger_budget_apart_from_creators,
    an_unreadable_request_budget_sends_nothing_to_tiktok_and_answers_503,
);

/// A creator with 100 videos: 5 pages of 20.
const HUNDRED: &str = "sandbox_hundred";

fn sandbox_with_hundred() -> SandboxConfig {
    let mut config = SandboxConfig::default();
    config.users.push(FakeUser::new(HUNDRED, 100));
    config
}

fn sync_path(user: &str) -> String {
    format!("/api/v1/integrations/tiktok/sync/{user}")
}

async fn sync_as(app: &TestApp, user: &str, token: &str) -> Answer {
    app.call_with(Method::POST, &sync_path(user), Some(token))
        .await
}

fn retry_after(answer: &Answer) -> u64 {
    answer
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("Retry-After on {}: {}", answer.status, answer.text))
}

async fn concurrent_syncs_of_one_account_on_two_replicas_make_exactly_one_listing(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn_with_sandbox(backend, sandbox_with_hundred(), |vars| {
        vars.insert("APP_RATE_LIMIT__PER_CALLER_PER_MINUTE".into(), "0".into());
    })
    .await
    else {
        return;
    };
    let replica = app.spawn_replica().await;
    assert_eq!(app.connect("42", HUNDRED).await.status, 200);
    // Each page answers late, so that every request arrives while the one listing runs.
    app.sandbox
        .inject_fault(Fault::new(FaultKind::Slow { delay_ms: 150 }).on(Endpoint::VideoList));
    let (pages, profiles) = (
        app.sandbox.request_count(Endpoint::VideoList),
        app.sandbox.request_count(Endpoint::UserInfo),
    );
    let app = std::sync::Arc::new(app);

    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let app = std::sync::Arc::clone(&app);
            let address = match i % 2 {
                0 => app.address.clone(),
                _ => replica.address.clone(),
            };
            tokio::spawn(async move { app.sync_at(&address, "42").await })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("the sync task"));
    }

    for answer in &answers {
        assert_eq!(
            answer.status, 200,
            "every sync is answered: {}",
            answer.text
        );
        assert_eq!(
            answer.body["follower_count"],
            answers[0].body["follower_count"]
        );
    }
    assert_eq!(
        app.sandbox.request_count(Endpoint::VideoList) - pages,
        5,
        "one listing of 100 videos reached TikTok"
    );
    assert_eq!(
        app.sandbox.request_count(Endpoint::UserInfo) - profiles,
        1,
        "one profile read"
    );
}

async fn a_creators_budget_counts_tiktok_calls_not_requests(backend: Backend) {
    let Some(app) = TestApp::spawn_with_sandbox(backend, sandbox_with_hundred(), |vars| {
        vars.insert("APP_RATE_LIMIT__PER_CALLER_PER_MINUTE".into(), "10".into());
        vars.insert("APP_RATE_LIMIT__BURST".into(), "10".into());
        // Every sync is a complete listing: 1 profile read and 5 pages.
        vars.insert("APP_CONTENT__FULL_VIDEO_SYNC_HOURS".into(), "0".into());
    })
    .await
    else {
        return;
    };
    assert_eq!(app.connect("42", HUNDRED).await.status, 200);
    let token = app.user_token("42");

    assert_eq!(sync_as(&app, "42", &token).await.status, 200, "6 calls");
    assert_eq!(sync_as(&app, "42", &token).await.status, 200, "12 calls");
    let pages = app.sandbox.request_count(Endpoint::VideoList);
    let refused = sync_as(&app, "42", &token).await;

    assert_eq!(
        refused.status, 429,
        "3 requests, but 12 TikTok calls of 10: {}",
        refused.text
    );
    assert_eq!(refused.error_code(), Some("rate_limited"));
    let after = retry_after(&refused);
    assert!((6..=60).contains(&after), "Retry-After {after}");
    assert_eq!(
        app.sandbox.request_count(Endpoint::VideoList),
        pages,
        "nothing sent"
    );
}

async fn internal_services_have_a_larger_budget_apart_from_creators(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |vars| {
        vars.insert("APP_RATE_LIMIT__BURST".into(), "3".into());
    })
    .await
    else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    let creator = app.user_token("42");
    assert_eq!(sync_as(&app, "42", &creator).await.status, 200, "4 calls");
    assert_eq!(
        sync_as(&app, "42", &creator).await.status,
        429,
        "the creator's budget is spent"
    );

    let admin = app.admin_token();
    for i in 0..15 {
        let answer = sync_as(&app, "42", &admin).await;
        assert_eq!(answer.status, 200, "admin sync {i}: {}", answer.text);
    }
}

async fn an_unreadable_request_budget_sends_nothing_to_tiktok_and_answers_503(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |vars| {
        vars.insert("APP_TIKTOK__PACING_MAX_WAIT_MS".into(), "500".into());
    })
    .await
    else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    // The budget's storage fails while the rest of the database works.
    execute_sql(
        &app.db,
        "ALTER TABLE tiktok_request_log RENAME TO tiktok_request_log_away",
    );
    let profiles = app.sandbox.request_count(Endpoint::UserInfo);

    let answer = app.sync_at(&app.address, "42").await;

    assert_eq!(answer.status, 503, "{}", answer.text);
    assert_eq!(answer.error_code(), Some("database_unavailable"));
    assert!(retry_after(&answer) >= 1);
    assert_eq!(
        app.sandbox.request_count(Endpoint::UserInfo),
        profiles,
        "no request went out unpaced"
    );

    execute_sql(
        &app.db,
        "ALTER TABLE tiktok_request_log_away RENAME TO tiktok_request_log",
    );
    let again = app.sync_at(&app.address, "42").await;
    assert_eq!(again.status, 200, "paced again: {}", again.text);
}
