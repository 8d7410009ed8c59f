//! A refresh interrupted after TikTok answered: by a crash before the commit, or by a lost answer.

use std::time::Duration;

use tiktok_domain::failpoints::{self, FailPoint};
use tiktok_integration_tests::rows::stored_row;
use tiktok_integration_tests::{Backend, TestApp};
use tiktok_sandbox::{Endpoint, Fault, FaultKind};

on_both_backends!(
    a_crash_between_tiktoks_answer_and_the_commit_keeps_the_old_grant_until_the_lease_expires,
    a_lost_refresh_answer_keeps_the_grant_frees_the_lease_and_is_not_retried_in_the_request,
    a_refresh_that_never_reached_tiktok_succeeds_on_the_next_attempt,
);

/// A short lease (it must still outlast the 2 s TikTok timeout plus the database's 500 ms) and a short wait.
async fn app_with_short_lease(backend: Backend) -> Option<TestApp> {
    TestApp::spawn_with(backend, |vars| {
        vars.insert("APP_OAUTH__REFRESH_LEASE_SECONDS".into(), "3".into());
        // The lease must outlast a whole refresh (request timeout + connection wait).
        vars.insert("APP_DATABASE__CONNECT_TIMEOUT_MS".into(), "500".into());
        vars.insert("APP_OAUTH__REFRESH_WAIT_MS".into(), "500".into());
    })
    .await
}

async fn a_crash_between_tiktoks_answer_and_the_commit_keeps_the_old_grant_until_the_lease_expires(
    backend: Backend,
) {
    let Some(app) = app_with_short_lease(backend).await else {
        return;
    };
    // A user of its own: failpoints are armed per user, and other tests run beside this one.
    let user = format!("crash-{}", backend as u8);
    assert_eq!(app.connect(&user, "sandbox_creator").await.status, 200);
    let before = stored_row(&app.db, &user);
    app.sandbox.expire_access_tokens();
    let refreshes = app.sandbox.refresh_count();

    failpoints::arm(FailPoint::BeforeRefreshCommit, &user);
    let crashed = app
        .http
        .post(app.url(&format!("/api/v1/integrations/tiktok/sync/{user}")))
        .bearer_auth(app.user_token(&user))
        .send()
        .await;
    failpoints::disarm(FailPoint::BeforeRefreshCommit, &user);

    assert!(
        crashed.as_ref().map_or(true, |r| r.status() != 200),
        "the request died with its task: {crashed:?}"
    );
    assert_eq!(app.sandbox.refresh_count(), refreshes + 1, "TikTok rotated");
    let after = stored_row(&app.db, &user);
    assert_eq!(after.status, "connected");
    assert_eq!(
        after.refresh_token, before.refresh_token,
        "old grant intact"
    );
    assert!(
        after.refresh_lease_owner.is_some(),
        "the dead holder's lease stays until it expires"
    );

    // While the lease lasts, others wait a little, then get a clear answer; TikTok is not called.
    let waiting = app.sync_at(&app.address, &user).await;
    assert_eq!(
        (waiting.status, waiting.error_code()),
        (503, Some("tiktok_unavailable")),
        "{}",
        waiting.text
    );
    assert!(waiting.headers.contains_key("retry-after"));
    assert_eq!(app.sandbox.refresh_count(), refreshes + 1);

    // Once it expired, the stored refresh token is tried once: TikTok killed it when it rotated, so
    // the creator must reconnect (documented in docs/operations.md).
    tokio::time::sleep(Duration::from_millis(3_100)).await;
    let next = app.sync_at(&app.address, &user).await;
    assert_eq!(
        (next.status, next.error_code()),
        (409, Some("reauth_required")),
        "{}",
        next.text
    );
    let last = stored_row(&app.db, &user);
    assert_eq!(
        (last.status.as_str(), last.refresh_lease_owner),
        ("reauth_required", None)
    );
}

async fn a_lost_refresh_answer_keeps_the_grant_frees_the_lease_and_is_not_retried_in_the_request(
    backend: Backend,
) {
    let Some(app) = app_with_short_lease(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    let before = stored_row(&app.db, "42");
    app.sandbox.expire_access_tokens();
    let (refreshes, sent) = (
        app.sandbox.refresh_count(),
        app.sandbox.request_count(Endpoint::Token),
    );
    // TikTok rotates, but only after our 2 s timeout: the answer is lost.
    app.sandbox.inject_fault(
        Fault::new(FaultKind::Slow { delay_ms: 2_500 })
            .on(Endpoint::Token)
            .times(1),
    );

    let lost = app.sync_at(&app.address, "42").await;
    assert_eq!(
        (lost.status, lost.error_code()),
        (503, Some("tiktok_unavailable")),
        "{}",
        lost.text
    );
    assert!(lost.headers.contains_key("retry-after"));
    assert_eq!(
        app.sandbox.request_count(Endpoint::Token),
        sent + 1,
        "the possibly spent refresh token is not sent again"
    );
    let after = stored_row(&app.db, "42");
    assert_eq!(after.status, "connected");
    assert_eq!(
        after.refresh_token, before.refresh_token,
        "the stored grant is kept"
    );
    assert_eq!(after.refresh_lease_owner, None, "the lease is freed");

    // TikTok did rotate: the next attempt's one try is refused, and nothing better is possible.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(app.sandbox.refresh_count(), refreshes + 1);
    let next = app.sync_at(&app.address, "42").await;
    assert_eq!(next.error_code(), Some("reauth_required"), "{}", next.text);
}

async fn a_refresh_that_never_reached_tiktok_succeeds_on_the_next_attempt(backend: Backend) {
    let Some(app) = app_with_short_lease(backend).await else {
        return;
    };
    assert_eq!(app.connect("42", "sandbox_creator").await.status, 200);
    app.sandbox.expire_access_tokens();
    let refreshes = app.sandbox.refresh_count();
    app.sandbox.inject_fault(
        Fault::new(FaultKind::CloseConnection)
            .on(Endpoint::Token)
            .times(1),
    );

    let first = app.sync_at(&app.address, "42").await;
    assert_eq!(
        first.error_code(),
        Some("tiktok_unavailable"),
        "{}",
        first.text
    );
    let second = app.sync_at(&app.address, "42").await;
    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(app.sandbox.refresh_count(), refreshes + 1);
}
